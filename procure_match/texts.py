"""The text each notice, lot and enterprise is embedded as. Pure functions, deterministic output.

Each builder writes labelled lines, most informative first, because the sentence model reads only
the first 256 word pieces (about 1,000 characters) of a text::

    Grounds maintenance for parks                      <- title (or name)
    Grass cutting, planting and horticulture ...       <- description, capped at 600 characters
    Codes: 77310000 Planting and maintenance ...       <- CPV codes with descriptions, capped
    Lots: Lot 1 Grass cutting: ...; Lot 2 Trees        <- lots (notices only), capped

Whitespace is collapsed, HTML tags and entities are removed, a part that repeats an earlier one
(a lot titled like its notice, a sector equal to a code description) is dropped, and a missing
part is left out: "None" never appears. Long text is cut at a sentence or word boundary and marked
with an ellipsis.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Protocol

from procure_match.domain import Enterprise, Lot, Tender
from procure_match.reference.cpv import CpvVocabulary, normalise_cpv

DESCRIPTION_CHARS = 600  # a notice's, lot's or enterprise's own description
LOT_DESCRIPTION_CHARS = 150  # each lot's description inside a notice's text
LOTS_CHARS = 600  # the whole "Lots:" line of a notice
LIST_CHARS = 400  # "Sectors:", "Activities:" lines
CODES_CHARS = 500  # the "Codes:" line (some notices list 100+ codes)
ELLIPSIS = "…"

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_SPACE = re.compile(r"\s+")


class CodeDescriber(Protocol):
    """Anything with ``describe(code) -> str | None``, e.g. the SIC 2007 vocabulary."""

    def describe(self, code: str) -> str | None: ...


def clean(text: object) -> str:
    """One line of plain text: HTML tags and entities removed, whitespace collapsed; "" for None."""
    if not isinstance(text, str) or not text:
        return ""
    text = html.unescape(_TAG.sub(" ", text)) if ("<" in text or "&" in text) else text
    return _SPACE.sub(" ", text).strip()


def cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters: at a sentence end when one falls in the last
    40%, else at a word boundary, with an ellipsis marking the cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    sentence_end = max(head.rfind(". "), head.rfind("; "), head.rfind("! "), head.rfind("? "))
    if sentence_end >= limit * 0.6:
        return head[: sentence_end + 1] + " " + ELLIPSIS
    space = head.rfind(" ")
    if space >= limit * 0.5:
        head = head[:space]
    return head.rstrip(" ,;:-") + ELLIPSIS


def _key(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold().rstrip(".")


def _distinct(parts: Iterable[str], seen: set[str]) -> list[str]:
    """Non-empty parts whose normalised form is not in ``seen`` (which is updated), in order."""
    out = []
    for part in parts:
        key = _key(part)
        if key and key not in seen:
            seen.add(key)
            out.append(part)
    return out


def _codes_line(codes: Iterable[str], cpv: CpvVocabulary) -> str:
    """ "Codes: 45212000 Leisure facilities construction work; 45000000 Construction work".

    Codes that share a description are listed together ("45212000, 45000000 Construction work")
    so a description is said once.
    """
    grouped: dict[str, list[str]] = {}
    bare: list[str] = []
    for raw in codes:
        code = normalise_cpv(raw)
        if code is None:
            continue
        desc = clean(cpv.describe(code))
        if desc:
            members = grouped.setdefault(desc, [])
            if code not in members:
                members.append(code)
        elif code not in bare:
            bare.append(code)
    items = [(f"{', '.join(members)} {desc}", len(members)) for desc, members in grouped.items()]
    items += [(code, 1) for code in bare]
    if not items:
        return ""
    kept: list[str] = []
    length = 0
    for item, _ in items:  # main code first; a long list is cut and its remainder counted
        if kept and length + len(item) > CODES_CHARS:
            break
        kept.append(item)
        length += len(item) + 2
    rest = sum(n for _, n in items[len(kept) :])
    return f"Codes: {'; '.join(kept)}" + (f"; and {rest} more" if rest else "")


def _list_line(label: str, items: Iterable[str], limit: int = LIST_CHARS) -> str:
    items = list(items)
    return f"{label}: {cap('; '.join(items), limit)}" if items else ""


def _join(lines: Iterable[str]) -> str:
    return "\n".join(line for line in lines if line)


def _all_codes(*groups: Iterable[str | None]) -> list[str]:
    seen: list[str] = []
    for group in groups:
        for code in group:
            if code and code not in seen:
                seen.append(code)
    return seen


def tender_text(tender: Tender, cpv: CpvVocabulary) -> str:
    """Title, description, CPV codes (notice and lots, main first) and lots of a notice."""
    seen: set[str] = set()
    title, description = _distinct([clean(tender.title)], seen), _distinct([clean(tender.description)], seen)
    codes = _all_codes([tender.main_cpv], tender.cpv_codes, *(lot.cpv_codes for lot in tender.lots))
    lot_parts = []
    for lot in tender.lots:
        lot_title = _distinct([clean(lot.title)], seen)
        lot_desc = _distinct([cap(clean(lot.description), LOT_DESCRIPTION_CHARS)], seen)
        if lot_title and lot_desc:
            lot_parts.append(f"{lot_title[0]}: {lot_desc[0]}")
        elif lot_title or lot_desc:
            lot_parts.append((lot_title or lot_desc)[0])
    return _join(
        [
            *title,
            *(cap(d, DESCRIPTION_CHARS) for d in description),
            _codes_line(codes, cpv),
            _list_line("Lots", lot_parts, LOTS_CHARS),
        ]
    )


def lot_text(tender: Tender, lot: Lot, cpv: CpvVocabulary) -> str:
    """One lot: its title, the notice title for context, its description and CPV codes.

    A lot without a description borrows the notice's; a lot without codes borrows the notice's.
    """
    seen: set[str] = set()
    lot_title = _distinct([clean(lot.title)], seen)
    notice_title = _distinct([clean(tender.title)], seen)
    description = _distinct([clean(lot.description) or clean(tender.description)], seen)
    codes = lot.cpv_codes or _all_codes([tender.main_cpv], tender.cpv_codes)
    return _join(
        [
            *lot_title,
            *(f"Part of: {t}" if lot_title else t for t in notice_title),
            *(cap(d, DESCRIPTION_CHARS) for d in description),
            _codes_line(codes, cpv),
        ]
    )


def enterprise_text(e: Enterprise, cpv: CpvVocabulary, sic: CodeDescriber | None = None, evidence: str = "") -> str:
    """Name, description of services, sectors, CPV codes and SIC activities of an enterprise.

    SIC codes are written as their descriptions only ("Activities: Landscape service
    activities"): notices never carry SIC codes, so the digits would only add noise. Without a
    SIC vocabulary they are left out. ``evidence`` is an extra line such as the contracts the
    enterprise has won (``award_history.evidence_line``), added last.
    """
    seen: set[str] = set()
    name = _distinct([clean(e.name)], seen)
    description = _distinct([cap(clean(e.description), DESCRIPTION_CHARS)], seen)
    codes_line = _codes_line(e.cpv_codes, cpv)
    for code in e.cpv_codes:  # a sector equal to a code description says nothing new
        norm = normalise_cpv(code)
        if norm:
            seen.add(_key(clean(cpv.describe(norm))))
    sectors = _distinct((clean(s) for s in e.sectors), seen)
    activities = _distinct((clean(sic.describe(c)) for c in e.sic_codes), seen) if sic is not None else []
    return _join(
        [
            *name,
            *description,
            _list_line("Sectors", sectors),
            codes_line,
            _list_line("Activities", activities),
            clean(evidence),
        ]
    )


def title_of(text: str) -> str:
    """The first line of a notice or lot text built here: its title."""
    return text.split("\n", 1)[0]
