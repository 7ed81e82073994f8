"""Contracts for the ledger: from OCDS awards or a CSV, with a category and a target each.

A contract's category comes from its CPV codes and the ``ledger.categories`` table (category ->
CPV prefixes; the longest matching prefix wins, the main CPV code is tried first). Its target
percentage is, in order: a per-contract override (CSV column ``target_pct`` or ``ledger
set-target``), else the category's ``ledger.targets`` entry, else none (no target).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from procure_match.domain import Tender
from procure_match.errors import IngestReport, InputFileError
from procure_match.ledger.model import Contract
from procure_match.ledger.spendfiles import detect_header, parse_amount, parse_date, read_text
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


def contracts_from_tenders(
    tenders: Sequence[Tender], settings: Settings, report: IngestReport | None = None
) -> list[Contract]:
    """One Contract per award with a known value; awards without a value are reported and skipped."""
    report = report if report is not None else IngestReport()
    fx = settings.ingest.fx_to_gbp
    out: list[Contract] = []
    seen: set[str] = set()
    for t in tenders:
        for a in t.awards:
            cid = a.id if a.id not in seen else f"{t.tender_id}/{a.id}"
            where = f"{t.tender_id} award {a.id}"
            value = a.value.amount_gbp
            if value is None and a.value.amount is not None and (a.value.currency or "GBP") in fx:
                value = a.value.amount * fx[a.value.currency or "GBP"]
            if value is None:
                report.problem(
                    t.source_file or "",
                    where,
                    "value",
                    "award has no value in GBP",
                    "skipped award (no target can be set)",
                    "register it from a CSV with its value",
                    skipped=True,
                )
                continue
            if a.status and a.status.lower() in {"cancelled", "unsuccessful"}:
                report.problem(
                    t.source_file or "",
                    where,
                    "status",
                    f"award status {a.status}",
                    "skipped award",
                    "none needed",
                    skipped=True,
                )
                continue
            seen.add(cid)
            out.append(
                Contract(
                    id=cid,
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
    rows = list(csv.reader(io.StringIO(text)))
    found = detect_header(rows, 80.0, None, CONTRACT_ALIASES, ("contract_ref", "value"))
    if found is None:
        raise InputFileError(
            "no contract header row found (needs at least a contract reference and a value column)",
            path=p,
            fix="use columns contract_ref, title, buyer, supplier, value, currency, start, end, cpv",
        )
    header, cols = found
    col = {f: c for f, (c, _) in cols.items()}
    fx = settings.ingest.fx_to_gbp
    out: list[Contract] = []
    for ri in range(header + 1, len(rows)):
        cells = rows[ri]
        if not any(c.strip() for c in cells):
            continue
        report.records_read += 1
        where = f"row {ri + 1}"

        def cell(name: str, cells: list[str] = cells) -> str:
            i = col.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        ref = cell("contract_ref")
        value = parse_amount(cell("value"))
        if not ref or value is None:
            report.problem(
                p,
                where,
                "contract_ref" if not ref else "value",
                "no contract reference or value",
                "skipped row",
                "fill in contract_ref and value",
                skipped=True,
            )
            continue
        currency = (cell("currency") or "GBP").upper()
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
            continue
        target = None
        if cell("target_pct"):
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
                target = None
        cpv_raw = cell("cpv").replace(";", " ").replace(",", " ").split()
        cpv = normalise_cpv(cpv_raw[0]) if cpv_raw else None
        if cpv_raw and cpv is None:
            report.problem(
                p,
                where,
                "cpv",
                f"CPV {cpv_raw[0]!r} not recognised",
                "no category",
                "use an 8-digit CPV code such as 45212000",
            )
        start, end = parse_date(cell("start")), parse_date(cell("end"))
        out.append(
            Contract(
                id=ref,
                title=cell("title"),
                buyer=cell("buyer") or None,
                supplier=cell("supplier") or None,
                cpv=cpv,
                start=start,
                end=end,
                value=round(value * fx[currency], 2),
                currency="GBP",
                value_date=parse_date(cell("value_date")) or start,
                target_pct=target,
                source=str(p),
            )
        )
        report.records_kept += 1
    report.files.append(str(p))
    report.counts["contracts"] += len(out)
    return out


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
    rows = list(csv.reader(io.StringIO(text[:20000])))
    if any(cell.strip().lower() == "notice identifier" for row in rows[:5] for cell in row):
        return False
    found = detect_header(rows, 80.0, None, CONTRACT_ALIASES, ("contract_ref", "value"))
    return found is not None and found[1]["contract_ref"][1] >= 90
