"""Profile facts a real directory lacks, filled in from what it has: inferred CPV codes and enriched size.

* **Inferred CPV codes** (``infer_cpv``): from the enterprise's SIC codes through the SIC -> CPV
  concordance of ``reference.services``, then from the words of its description and sectors. Kept
  apart from declared codes (``Enterprise.cpv_inferred`` with one source per code, e.g. "SIC 81210"),
  and used by scoring as a weaker feature (``scan.inferred_cpv_factor``).
* **Enrichment files** (``load_enrichment`` / ``enrich``): an optional CSV of turnover and employees by
  organisation and year (``directory.enrichment``; for example Co-operatives UK's economy data,
  ``coops_uk_2016_economy.csv``), joined on the enterprise's id or any of its registration numbers.
  The latest year with a figure is used and said with its year and file; a turnover the directory
  itself records is never replaced.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from procure_match.domain import Enterprise
from procure_match.errors import IngestReport, InputFileError
from procure_match.reference.services import enterprise_evidence

# ---------------------------------------------------------------- inferred CPV codes


def infer_cpv(enterprise: Enterprise) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(codes, sources): CPV codes the enterprise's SIC codes and words suggest, one source per code."""
    text = "\n".join([enterprise.description, *enterprise.sectors])
    evidence = enterprise_evidence(enterprise.sic_codes, text)
    codes: list[str] = []
    sources: list[str] = []
    for ev in evidence.values():
        for code in ev.family.cpv:
            if code not in codes and code not in enterprise.cpv_codes:
                codes.append(code)
                sources.append(ev.source)
    return tuple(codes), tuple(sources)


def add_inferred_cpv(enterprises: list[Enterprise], report: IngestReport) -> None:
    """Set ``cpv_inferred`` / ``cpv_inferred_from`` on every enterprise; count how many got some."""
    for ent in enterprises:
        ent.cpv_inferred, ent.cpv_inferred_from = infer_cpv(ent)
        if ent.cpv_inferred:
            report.counts["directory:cpv_inferred"] += 1
            if any(s.startswith("SIC ") for s in ent.cpv_inferred_from):
                report.counts["directory:cpv_inferred_from_sic"] += 1
            if any(s.startswith("the description") for s in ent.cpv_inferred_from):
                report.counts["directory:cpv_inferred_from_description"] += 1


# ---------------------------------------------------------------- enrichment (turnover, employees)

_KEY_HEADERS = ("cuk organisation id", "organisation id", "identifier", "id", "registered number", "company number")
_TURNOVER_HEADERS = ("turnover", "income", "annual turnover")
_EMPLOYEE_HEADERS = ("employees", "staff", "headcount")
_YEAR_HEADERS = ("year end date", "financial year end", "economic year", "year")


@dataclass(frozen=True, slots=True)
class SizeRecord:
    turnover: float | None
    employees: int | None
    year: str  # "2016-03-31" or "2016": the period the figures are for
    source: str  # the file's name


def _header(headers: list[str], wanted: tuple[str, ...]) -> int | None:
    norm = [" ".join(re.sub(r"[^a-z0-9]+", " ", h.lower()).split()) for h in headers]
    return next((norm.index(w) for w in wanted if w in norm), None)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "").replace("£", "").strip())
    except ValueError:
        return None
    return value if value >= 0 else None


def _key(raw: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", raw.upper()).lstrip("0")


def load_enrichment(path: str | Path) -> dict[str, SizeRecord]:
    """Id or registered number (normalised) -> the latest year's figures in an enrichment CSV."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputFileError(f"cannot read enrichment file ({exc})", path=p, fix="check directory.enrichment") from exc
    rows = csv.reader(text.splitlines())
    headers = next(rows, [])
    key_i, turn_i = _header(headers, _KEY_HEADERS), _header(headers, _TURNOVER_HEADERS)
    emp_i, year_i = _header(headers, _EMPLOYEE_HEADERS), _header(headers, _YEAR_HEADERS)
    if key_i is None or (turn_i is None and emp_i is None):
        raise InputFileError(
            "enrichment file has no id column or no turnover/employees column",
            path=p,
            fix="give columns such as 'CUK Organisation ID' or 'Registered Number', and 'Turnover' or 'Employees'",
        )
    best: dict[str, SizeRecord] = {}
    for cells in rows:
        record = _record(cells, key_i, turn_i, emp_i, year_i, p.name)
        if record is None:
            continue
        key, size = record
        if key not in best or size.year > best[key].year:
            best[key] = size
    return best


def _record(
    cells: list[str], key_i: int, turn_i: int | None, emp_i: int | None, year_i: int | None, source: str
) -> tuple[str, SizeRecord] | None:
    def cell(i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    key = _key(cell(key_i))
    turnover, employees = _number(cell(turn_i)), _number(cell(emp_i))
    if not key or (turnover is None and employees is None):
        return None
    year = cell(year_i)[:10]
    return key, SizeRecord(turnover, None if employees is None else round(employees), year, source)


def _keys_of(ent: Enterprise) -> list[str]:
    out = [_key(ent.id)]
    for rid in ent.registration_ids:
        out.append(_key(rid.split("-", 2)[-1]))
    return [k for k in out if k]


def enrich(enterprises: list[Enterprise], records: dict[str, SizeRecord], report: IngestReport) -> None:
    """Fill turnover and employees the directory does not record from ``records`` (said with year and file)."""
    for ent in enterprises:
        size = next((records[k] for k in _keys_of(ent) if k in records), None)
        if size is None:
            continue
        filled = False
        if ent.turnover is None and size.turnover is not None:
            ent.turnover, filled = size.turnover, True
        if ent.employees is None and size.employees is not None:
            ent.employees, filled = size.employees, True
        if filled:
            ent.size_source = f"{size.year}, {size.source}" if size.year else size.source
            report.counts["directory:size_from_enrichment"] += 1


__all__ = ["SizeRecord", "add_inferred_cpv", "enrich", "infer_cpv", "load_enrichment"]
