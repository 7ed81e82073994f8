"""Award history as evidence: the contracts an enterprise has already won, as text for its profile.

Public award notices name their suppliers. When a supplier is a directory enterprise (same
registration id, or the same normalised name: no fuzzy guessing here, a wrong attribution would
put another organisation's record in a profile), the titles of the contracts it won describe what
it really delivers. Measured on real UK award data (``bench/eval_awards.py``), profiles built from
won-contract text rank the eventual winner far better than profiles from names alone; the scan
adds these titles to enterprise texts when ``scan.award_history`` is on.

Pure functions: tenders and enterprises in, evidence out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from procure_match.domain import Enterprise, Tender
from procure_match.ledger.names import normalise_name
from procure_match.reference.orgids import registration_id

MAX_AWARDS_PER_ENTERPRISE = 8  # the most recent; enough to say what an organisation delivers


@dataclass(frozen=True)
class WonContract:
    tender_id: str
    title: str
    date: str  # ISO date of the award, "" when unknown
    matched_by: str  # "registration id" | "name"


def _ids(values: Iterable[str]) -> set[str]:
    return {rid for v in values if (rid := registration_id(v))}


def won_contracts(tenders: Sequence[Tender], enterprises: Sequence[Enterprise]) -> dict[str, list[WonContract]]:
    """Enterprise id -> contracts it won among ``tenders`` (newest first, at most MAX_AWARDS_PER_ENTERPRISE)."""
    by_id: dict[str, str] = {}
    by_name: dict[str, str | None] = {}
    for e in enterprises:
        for rid in _ids(e.registration_ids):
            by_id.setdefault(rid, e.id)
        key = normalise_name(e.name)
        if key:
            # Two directory entries with one normalised name: ambiguous, so never matched by name.
            by_name[key] = e.id if key not in by_name or by_name[key] == e.id else None
    found: dict[str, dict[str, WonContract]] = defaultdict(dict)
    for tender in tenders:
        for award in tender.awards:
            title = (award.title or tender.title or "").strip()
            if not title:
                continue
            when = award.date.date().isoformat() if award.date else ""
            for supplier in award.suppliers:
                enterprise_id, how = None, ""
                for rid in _ids(supplier.identifiers):
                    if rid in by_id:
                        enterprise_id, how = by_id[rid], "registration id"
                        break
                if enterprise_id is None:
                    enterprise_id, how = by_name.get(normalise_name(supplier.name)), "name"
                if enterprise_id is not None:
                    found[enterprise_id].setdefault(tender.tender_id, WonContract(tender.tender_id, title, when, how))
    return {
        eid: sorted(won.values(), key=lambda w: (w.date, w.tender_id), reverse=True)[:MAX_AWARDS_PER_ENTERPRISE]
        for eid, won in found.items()
    }


def evidence_line(won: Sequence[WonContract]) -> str:
    """The profile line: "Contracts won: Grounds maintenance of Handsworth parks; ..." ("" when none)."""
    titles: list[str] = []
    for w in won:
        if w.title not in titles:
            titles.append(w.title)
    return f"Contracts won: {'; '.join(titles)}" if titles else ""
