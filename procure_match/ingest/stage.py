"""Where a notice is in the procurement cycle, from what each source says: pure functions.

Stages (``domain.NoticeStage``): planning, pipeline, market engagement, tender, award, cancelled.

* Find a Tender (Procurement Act 2023) notice types in ``documents[].noticeType``: UK1 pipeline,
  UK2 preliminary market engagement, UK3 planned procurement, UK4 tender, UK5-UK11 transparency,
  award, contract and performance notices, UK12 procurement termination. The latest (highest)
  type published decides.
* OCDS release tags of the latest release (``planning``, ``tender``, ``award``, ``contract``,
  ``tenderCancellation`` and their updates/amendments) and ``tender.status`` (planning, planned,
  active, complete, cancelled, withdrawn, unsuccessful).
* Contracts Finder CSV "Notice Type" (Pipeline, PreProcurement, Contract, Awarded...) and "Status".

A cancelled or withdrawn status always wins; with no signal at all a notice is a tender.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from procure_match.domain import NoticeStage

FTS_NOTICE_STAGES: dict[int, NoticeStage] = {
    1: "pipeline",
    2: "market engagement",
    3: "planning",
    4: "tender",
    **dict.fromkeys(range(5, 12), "award"),
    12: "cancelled",
}
_FTS_TYPE = re.compile(r"^UK(\d{1,2})$", re.IGNORECASE)
# OCDS release tags, most advanced first (a release tagged both tender and award is at award).
TAG_STAGES: tuple[tuple[str, NoticeStage], ...] = (
    ("tendercancellation", "cancelled"),
    ("award", "award"),
    ("contract", "award"),
    ("tender", "tender"),
    ("planning", "planning"),
)
STATUS_STAGES: dict[str, NoticeStage] = {
    "planning": "planning",
    "planned": "planning",
    "active": "tender",
    "complete": "award",
    "cancelled": "cancelled",
    "withdrawn": "cancelled",
    "unsuccessful": "cancelled",
}
CANCELLED_STATUSES = frozenset({"cancelled", "withdrawn", "unsuccessful"})
CF_NOTICE_TYPES: dict[str, NoticeStage] = {
    "pipeline": "pipeline",
    "preprocurement": "market engagement",
    "pre-procurement": "market engagement",
    "earlyengagement": "market engagement",
    "contract": "tender",
    "opportunity": "tender",
    "awarded": "award",
    "award": "award",
}


def stage_from_fts_notice_types(notice_types: Iterable[str | None]) -> NoticeStage | None:
    """The stage of the latest Find a Tender notice type among ``notice_types`` ("UK1".."UK12")."""
    numbers = [int(m.group(1)) for t in notice_types if t and (m := _FTS_TYPE.match(t.strip()))]
    known = [n for n in numbers if n in FTS_NOTICE_STAGES]
    return FTS_NOTICE_STAGES[max(known)] if known else None


def stage_from_tags(tags: Iterable[str]) -> NoticeStage | None:
    """The most advanced stage named by a release's OCDS tags (``tenderUpdate`` counts as tender)."""
    lowered = [t.lower() for t in tags if isinstance(t, str)]
    for needle, stage in TAG_STAGES:
        if any(t.startswith(needle) for t in lowered if t != "compiled"):
            return stage
    return None


def stage_from_status(status: str | None) -> NoticeStage | None:
    return STATUS_STAGES.get((status or "").strip().lower())


def ocds_stage(
    tender_status: str | None, latest_tags: Iterable[str], notice_types: Iterable[str | None], has_awards: bool
) -> NoticeStage:
    """Stage of an OCDS notice: cancelled status, else FTS notice type, else tags, else status, else awards."""
    status = (tender_status or "").strip().lower()
    if status in CANCELLED_STATUSES:
        return "cancelled"
    for stage in (stage_from_fts_notice_types(notice_types), stage_from_tags(latest_tags), stage_from_status(status)):
        if stage is not None:
            return stage
    return "award" if has_awards else "tender"


def cf_csv_stage(notice_type: str | None, status: str | None) -> NoticeStage:
    """Stage of a Contracts Finder export row from its "Notice Type" and "Status"."""
    status_low = (status or "").strip().lower()
    if status_low in CANCELLED_STATUSES:
        return "cancelled"
    if status_low == "awarded":
        return "award"
    key = re.sub(r"[\s_]+", "", (notice_type or "").lower())
    return CF_NOTICE_TYPES.get(key, "tender")
