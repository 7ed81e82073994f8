"""Contracts for the ledger: from OCDS awards or a CSV, with a category and a target each.

A contract's category comes from its CPV codes and the ``ledger.categories`` table (category ->
CPV prefixes; the longest matching prefix wins, the main CPV code is tried first). Its target
percentage is, in order: a per-contract override (CSV column ``target_pct`` or ``ledger
set-target``), else the category's ``ledger.targets`` entry, else none (no target).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from procure_match.domain import Award, Tender
from procure_match.errors import IngestReport, InputFileError
from procure_match.ingest.plausible import keyboard_placeholder
from procure_match.ledger.model import Contract
from procure_match.ledger.spendfiles import (
    csv_records,
    csv_rows,
    detect_header,
    parse_amount,
    parse_date,
    read_text,
    report_swallowed,
    swallowed_lines,
)
from procure_match.reference.cpv import normalise_cpv, significant
from procure_match.settings import LedgerSettings, Settings

CONTRACT_ALIASES: dict[str, tuple[str, ...]] = {
    "contract_ref": ("contract ref", "contract reference", "contract id", "contract number", "reference", "ref", "id"),
    "title": ("title", "contract title", "name", "contract name", "description"),
    "buyer": ("buyer", "buyer name", "authority", "organisation", "council", "contracting authority", "client"),
    "supplier": ("supplier", "supplier name", "contractor", "main contractor", "awarded supplier"),
    "value": ("value", "contract value", "awarded value", "amount", "total value", "value gbp"),
    "currency": ("currency", "ccy"),
    "start": ("start", "start date", "contract start", "contract start date"),
    "end": ("end", "end date", "contract end", "contract end date"),
    "cpv": ("cpv", "cpv code", "cpv codes", "main cpv"),
    "target_pct": ("target", "target pct", "target %", "target percent", "social enterprise target"),
    "value_date": ("value date", "modified", "modification date", "effective date", "as of"),
}


def category_for(cpv_codes: Sequence[str], settings: Settings | LedgerSettings) -> tuple[str | None, str | None]:
    """(category, the CPV code that decided it) by the longest prefix; (None, None) when no code matches.

    Codes are tried in order (the main code first). An 8-digit prefix in the table stands for its
    hierarchy level: "50700000" covers every code under group 507.
    """
    ledger = getattr(settings, "ledger", settings)
    for code in cpv_codes:
        best: tuple[int, str] | None = None
        for category, prefixes in ledger.categories.items():
            for raw in prefixes:
                prefix = significant(raw) if len(raw) == 8 else raw
                if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), category)
        if best:
            return best[1], code
    return None, None


def category_target(category: str | None, settings: Settings | LedgerSettings) -> float | None:
    ledger = getattr(settings, "ledger", settings)
    return ledger.targets.get(category) if category else None


def value_problem(value: float, settings: Settings) -> str | None:
    """Why a contract value cannot be registered (None = it can): not finite, negative or beyond the bound.

    Zero is not a problem here: it is "not stated" (see ``contracts_from_csv``)."""
    bound = settings.ledger.max_contract_value
    if not math.isfinite(value):
        return f"value {value} is not a finite number"
    if value < 0:
        return f"value £{value:,.2f} is negative"
    if value > bound:
        return f"value £{value:,.0f} is beyond ledger.max_contract_value (£{bound:,.0f})"
    if keyboard_placeholder(value):
        return f"value £{value:,.0f} is the digits 1, 2, 3 ... typed in order: a placeholder, not a contract value"
    return None


def award_contract_id(tender_id: str, award: Award, taken: set[str]) -> str:
    """A contract's identity for an award: OCID/award id (award ids such as "1" repeat across notices;
    an award id that already starts with the notice id, such as Contracts Finder CSV's
    "cf-<id>-award", is kept as it is), with the award's lots, then a counter, added when one notice
    repeats an award id."""
    cid = award.id if award.id.startswith(f"{tender_id}-") else f"{tender_id}/{award.id}"
    if cid in taken and award.lot_ids:
        cid = f"{cid}/lot-{'+'.join(award.lot_ids)}"
    base, n = cid, 2
    while cid in taken:
        cid, n = f"{base}#{n}", n + 1
    return cid


def _award_value(award: Award, fx: dict[str, float]) -> float | None:
    value = award.value.amount_gbp
    if value is None and award.value.amount is not None and (award.value.currency or "GBP") in fx:
        value = award.value.amount * fx[award.value.currency or "GBP"]
    return value


def _award_skip_reason(award: Award, value: float | None, settings: Settings) -> tuple[str, str, str] | None:
    """(field, problem, fix) when an award cannot become a contract."""
    if value is None:
        return "value", "award has no value in GBP", "register it from a CSV with its value"
    if award.status and award.status.lower() in {"cancelled", "unsuccessful"}:
        return "status", f"award status {award.status}", "none needed"
    problem = value_problem(value, settings)
    if problem:
        return "value", problem, "correct the value at the source, or register it from a CSV"
    return None


def contracts_from_tenders(
    tenders: Sequence[Tender], settings: Settings, report: IngestReport | None = None
) -> list[Contract]:
    """One Contract per award with a usable value, keyed OCID/award id; other awards are reported and skipped.

    Awards are counted as records of their own (read = kept as a contract + reported), beside the
    notice records that ingest counted."""
    report = report if report is not None else IngestReport()
    fx = settings.ingest.fx_to_gbp
    out: list[Contract] = []
    seen: set[str] = set()
    for t in tenders:
        for a in t.awards:
            report.records_read += 1  # each award is a record: kept as a contract or reported
            value = _award_value(a, fx)
            skip = _award_skip_reason(a, value, settings)
            if skip is not None:
                report.problem(
                    t.source_file or "",
                    f"{t.tender_id} award {a.id}",
                    skip[0],
                    skip[1],
                    "skipped award",
                    skip[2],
                    skipped=True,
                )
                continue
            cid = award_contract_id(t.tender_id, a, seen)
            seen.add(cid)
            out.append(
                Contract(
                    id=cid,
                    ref=a.id,
                    title=a.title or t.title,
                    buyer=t.buyer_name,
                    supplier="; ".join(s.name for s in a.suppliers) or None,
                    cpv=t.main_cpv or (t.cpv_codes[0] if t.cpv_codes else None),
                    start=t.contract_start,
                    end=t.contract_end,
                    value=round(value, 2),
                    currency="GBP",
                    value_date=a.date.date() if a.date else None,
                    source=t.source_file or t.tender_id,
                )
            )
            report.records_kept += 1
    report.counts["contracts"] += len(out)
    return out


def contracts_from_csv(path: str | Path, settings: Settings, report: IngestReport | None = None) -> list[Contract]:
    """Contracts from a CSV (columns fuzzy-detected; see CONTRACT_ALIASES). Bad rows are reported."""
    report = report if report is not None else IngestReport()
    p = Path(path)
    text, _, _ = read_text(p)
    records = csv_records(text, p)
    found = detect_header([r.cells for r in records], 80.0, None, CONTRACT_ALIASES, ("contract_ref", "value"))
    if found is None:
        raise InputFileError(
            "no contract header row found (needs at least a contract reference and a value column)",
            path=p,
            fix="use columns contract_ref, title, buyer, supplier, value, currency, start, end, cpv",
        )
    header, cols = found
    col = {f: c for f, (c, _) in cols.items()}
    n_columns = len(records[header].cells)
    out: list[Contract] = []
    for ri in range(header + 1, len(records)):
        record = records[ri]
        if not any(c.strip() for c in record.cells):
            continue
        report.records_read += 1
        why = swallowed_lines(record, n_columns, strict=False)
        if why is not None:
            report_swallowed(p, record, why, report)
            continue
        contract = _csv_contract(p, f"row {ri + 1}", _Cells(record.cells, col), settings, report)
        if contract is not None:
            out.append(contract)
            report.records_kept += 1
    report.files.append(str(p))
    report.counts["contracts"] += len(out)
    return out


class _Cells:
    """One CSV row read by field name ("" when the column is absent or the row is short)."""

    def __init__(self, cells: list[str], col: dict[str, int]) -> None:
        self.cells, self.col = cells, col

    def __call__(self, name: str) -> str:
        i = self.col.get(name)
        return self.cells[i].strip() if i is not None and i < len(self.cells) else ""


def _csv_value(
    p: Path, where: str, cell: _Cells, settings: Settings, report: IngestReport
) -> tuple[bool, float | None]:
    """(registrable, GBP value): value None = not stated (0, reported); not registrable = reported, skipped."""
    ref, raw = cell("contract_ref"), cell("value")
    value = parse_amount(raw)
    if not ref or value is None:
        what = "no contract reference" if not ref else f"value {raw[:40]!r} is not a number" if raw else "no value"
        fix = "fill in contract_ref and value"
        report.problem(p, where, "contract_ref" if not ref else "value", what, "skipped row", fix, skipped=True)
        return False, None
    currency = (cell("currency") or "GBP").upper()
    fx = settings.ingest.fx_to_gbp
    if currency not in fx:
        report.problem(
            p,
            where,
            "currency",
            f"currency {currency} has no rate",
            "skipped row",
            f"add ingest.fx_to_gbp.{currency} to the settings",
            skipped=True,
        )
        return False, None
    gbp = value * fx[currency]
    problem = value_problem(gbp, settings)
    if problem:
        report.problem(p, where, "value", problem, "skipped row", "correct the value", skipped=True)
        return False, None
    if gbp == 0:
        report.problem(
            p,
            where,
            "value",
            "value 0 is read as not stated",
            "registered without a value (no target amount)",
            "fill in the contract value",
        )
        return True, None
    return True, round(gbp, 2)


def _csv_target(p: Path, where: str, cell: _Cells, report: IngestReport) -> float | None:
    if not cell("target_pct"):
        return None
    target = parse_amount(cell("target_pct").rstrip("%"))
    if target is None or not 0 <= target <= 100:
        report.problem(
            p,
            where,
            "target_pct",
            f"target {cell('target_pct')!r} is not a percentage 0-100",
            "category target used",
            "write the target as a number such as 1.5",
        )
        return None
    return target


def _csv_cpv(p: Path, where: str, cell: _Cells, report: IngestReport) -> str | None:
    cpv_raw = cell("cpv").replace(";", " ").replace(",", " ").split()
    cpv = normalise_cpv(cpv_raw[0]) if cpv_raw else None
    if cpv_raw and cpv is None:
        report.problem(
            p,
            where,
            "cpv",
            f"CPV {cpv_raw[0][:40]!r} not recognised",
            "no category",
            "use an 8-digit CPV code such as 45212000",
        )
    return cpv


def _csv_contract(p: Path, where: str, cell: _Cells, settings: Settings, report: IngestReport) -> Contract | None:
    registrable, value = _csv_value(p, where, cell, settings, report)
    if not registrable:
        return None
    start, end = parse_date(cell("start")), parse_date(cell("end"))
    return Contract(
        id=cell("contract_ref"),
        title=cell("title"),
        buyer=cell("buyer") or None,
        supplier=cell("supplier") or None,
        cpv=_csv_cpv(p, where, cell, report),
        start=start,
        end=end,
        value=value,
        currency="GBP",
        value_date=parse_date(cell("value_date")) or start,
        target_pct=_csv_target(p, where, cell, report),
        source=str(p),
    )


def load_contracts(paths: Sequence[str | Path], settings: Settings, report: IngestReport) -> list[Contract]:
    """Contracts from CSV files (by header) and notice files (OCDS JSON, CF CSV, via notice ingest)."""
    from procure_match.ingest import load_notices

    out: list[Contract] = []
    notices: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.suffix.lower() == ".csv" and _looks_like_contract_csv(p):
            out.extend(contracts_from_csv(p, settings, report))
        else:
            notices.append(p)
    if notices:
        tenders, _ = load_notices(notices, settings, report)
        out.extend(contracts_from_tenders(tenders, settings, report))
    return out


def _looks_like_contract_csv(path: Path) -> bool:
    """A contracts CSV names a contract reference; a Contracts Finder export (notices) has "Notice Identifier"."""
    text, _, _ = read_text(path)
    rows = csv_rows(text[:20000], path, partial=True)
    if any(cell.strip().lower() == "notice identifier" for row in rows[:5] for cell in row):
        return False
    found = detect_header(rows, 80.0, None, CONTRACT_ALIASES, ("contract_ref", "value"))
    return found is not None and found[1]["contract_ref"][1] >= 90
