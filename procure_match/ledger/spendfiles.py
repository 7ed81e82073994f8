"""Read council "spend over £500" files and contractors' supply-chain returns into SpendLines.

Councils publish these files in many shapes, so nothing is assumed:

* encoding: UTF-8 (with or without BOM), else Windows-1252; CR, LF and CRLF line ends;
* the header row is found among the first 40 lines as the row whose cells best match known
  column names (title lines and report preambles above it are skipped and kept for the record);
* columns are matched to fields by fuzzy header matching (``rapidfuzz``), or given explicitly
  (``ledger.columns`` in settings or ``--map field=Header``);
* amounts may carry "£", thousands commas, "(…)" or a trailing "-"/"CR" for credits; negative
  amounts are credits and are kept as negative lines;
* dates in ISO, UK day-first (``31/01/2022``, ``31-01-22``), ``01-JUN-2012`` or ``31 Jan 2022``
  forms; a file without a date column takes the month in its file name (noted on each line);
* "Grand Total" lines are not payments: skipped and reported; blank lines are counted.

Two repairs seen in real files are made and reported as problems: records run together on one
line after lost line ends (``…Ltd,991.00W C Evans…``), and a date glued to the amount
(``25/06/2012900``). Every other unreadable row is skipped with a Problem; nothing is dropped
silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from rapidfuzz import fuzz

from procure_match.errors import IngestReport, InputFileError
from procure_match.ledger.model import KIND_RETURN, KINDS, ParsedSpendFile, SpendLine

# Field -> header spellings seen in council files and returns (compared after _clean_header).
ALIASES: dict[str, tuple[str, ...]] = {
    "supplier": (
        "supplier name",
        "supplier",
        "payee",
        "payee name",
        "vendor name",
        "vendor",
        "beneficiary",
        "merchant name",
        "creditor name",
        "subcontractor",
        "subcontractor name",
        "sub contractor name",
        "organisation paid",
    ),
    "amount": (
        "amount",
        "net amount",
        "nett amount",
        "invoice nett amount",
        "invoice net amount",
        "sum of invoice nett amount",
        "total",
        "value",
        "amount paid",
        "payment amount",
        "line amount",
        "spend",
        "amount gbp",
        "amount excluding vat",
        "amount ex vat",
        "gross amount",
        "transaction amount",
    ),
    "date": (
        "date",
        "payment date",
        "invoice payment date",
        "invoice creation date",
        "invoice date",
        "transaction date",
        "date paid",
        "paid date",
        "posting date",
        "effective date",
    ),
    "description": (
        "description",
        "subj description",
        "expenses type",
        "expense type",
        "expense description",
        "purpose",
        "purpose of spend",
        "expenditure category",
        "details",
        "narrative",
    ),
    "department": ("service area", "department", "directorate", "service", "cost centre", "service division"),
    "buyer": ("body name", "body", "organisation name", "council", "buyer", "authority", "local authority"),
    "contract_ref": (
        "contract reference",
        "contract ref",
        "contract id",
        "contract number",
        "contract",
        "contract no",
    ),
    "registration_id": (
        "companies house number",
        "company number",
        "company registration number",
        "registration number",
        "registered number",
        "mutuals register number",
        "ch number",
        "crn",
        "company no",
        "charity or company number",
    ),
    "transaction": ("transaction number", "transaction id", "transaction no", "invoice number", "document number"),
}
FIELDS = tuple(ALIASES)
REQUIRED = ("supplier", "amount")
HEADER_SCAN_LINES = 40
_TOTAL_ROW = re.compile(r"^\s*(grand\s+)?(sub\s*)?totals?\s*:?\s*$", re.IGNORECASE)
_MONTH_IN_NAME = re.compile(r"(20\d\d|19\d\d)[-_ .]?(0[1-9]|1[0-2])(?!\d)")
_GLUED_AMOUNT = re.compile(r"(?<=\.\d\d)(?=[^\d,\s.])")
_GLUED_DATE = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})(-?\d[\d,]*(?:\.\d+)?)$")
_GLUED_NAME_DATE = re.compile(r"^(.*\D.*?)(\d{2}/\d{2}/\d{4})$")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}


def _clean_header(text: str) -> str:
    text = text.replace("\ufeff", "").lower()
    text = re.sub(r"[£$€()\[\]:#.*_/\\-]", " ", text)
    return " ".join(text.split())


def read_text(path: str | Path) -> tuple[str, str, str]:
    """(text with "\\n" line ends, encoding used, sha256 of the bytes)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputFileError("file not found", path=p, fix="check the path") from None
    except OSError as exc:
        raise InputFileError(f"cannot read the file ({exc.strerror})", path=p, fix="check permissions") from None
    if b"\x00" in raw[:4096]:
        raise InputFileError(
            "this is not a text (CSV) file",
            path=p,
            fix="export the spreadsheet as CSV (UTF-8 or Windows-1252) and import that",
        )
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252", errors="replace"), "cp1252"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding, digest


def _score_header(
    cells: list[str], threshold: float, aliases: Mapping[str, tuple[str, ...]] = ALIASES
) -> dict[str, tuple[int, float]]:
    """Greedy best assignment field -> (column index, score) for one candidate header row."""
    order = list(aliases)
    pairs = []
    for ci, cell in enumerate(cells):
        clean = _clean_header(cell)
        if not clean or len(clean) > 60:
            continue
        for fname, spellings in aliases.items():
            best = max(100.0 if clean == a else fuzz.ratio(clean, a) for a in spellings)
            if best >= threshold:
                pairs.append((best, fname, ci))
    pairs.sort(key=lambda t: (-t[0], order.index(t[1]), t[2]))
    chosen: dict[str, tuple[int, float]] = {}
    used: set[int] = set()
    for score, fname, ci in pairs:
        if fname not in chosen and ci not in used:
            chosen[fname] = (ci, score)
            used.add(ci)
    return chosen


def detect_header(
    rows: list[list[str]],
    threshold: float,
    mapping: Mapping[str, str] | None = None,
    aliases: Mapping[str, tuple[str, ...]] = ALIASES,
    required: tuple[str, ...] = REQUIRED,
) -> tuple[int, dict[str, tuple[int, float]]] | None:
    """(row index, field -> (column, score)) of the header among the first rows, or None."""
    best: tuple[float, int, dict] | None = None
    for ri, cells in enumerate(rows[:HEADER_SCAN_LINES]):
        if mapping:
            clean = [_clean_header(c) for c in cells]
            wanted = {f: _clean_header(h) for f, h in mapping.items()}
            if all(h in clean for h in wanted.values()):
                found = {f: (clean.index(h), 100.0) for f, h in wanted.items()}
                auto = _score_header(cells, threshold, aliases)
                used = {c for c, _ in found.values()}
                for f, (c, s) in auto.items():
                    if f not in found and c not in used:
                        found[f] = (c, s)
                        used.add(c)
                return ri, found
            continue
        chosen = _score_header(cells, threshold, aliases)
        if not all(f in chosen for f in required):
            continue
        quality = sum(s for _, s in chosen.values())
        if best is None or quality > best[0]:
            best = (quality, ri, chosen)
    return None if best is None else (best[1], best[2])


def parse_amount(text: str) -> float | None:
    """'£1,234.50' -> 1234.5; '(12.00)', '12.00-', '12.00 CR' -> -12.0; None if not a number."""
    t = text.strip().replace("£", "").replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not t:
        return None
    negative = False
    if t.startswith("(") and t.endswith(")"):
        t, negative = t[1:-1], True
    if t.upper().endswith("CR"):
        t, negative = t[:-2], True
    if t.endswith("-"):
        t, negative = t[:-1], True
    try:
        value = float(t)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return -abs(value) if negative else value


def parse_date(text: str) -> date | None:
    """ISO, UK day-first, '01-JUN-2012', '31 Jan 2022' and datetimes; None if not a date."""
    t = text.strip()
    if not t:
        return None
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", t)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b", t)
        if m:
            year = int(m.group(3))
            year += 2000 if year < 100 else 0
            return date(year, int(m.group(2)), int(m.group(1)))
        m = re.match(r"^(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{2}|\d{4})\b", t)
        if m and m.group(2).lower() in _MONTHS:
            year = int(m.group(3))
            year += 2000 if year < 100 else 0
            return date(year, _MONTHS[m.group(2).lower()], int(m.group(1)))
        return datetime.fromisoformat(t).date()
    except ValueError:
        return None


def month_from_name(path: str | Path) -> date | None:
    m = _MONTH_IN_NAME.search(Path(path).name)
    return date(int(m.group(1)), int(m.group(2)), 1) if m else None


def buyer_from_name(path: str | Path) -> str | None:
    """'lambeth_2011-01-payments.csv' -> 'Lambeth' (the words before the first digit)."""
    stem = re.split(r"\d", Path(path).stem, maxsplit=1)[0]
    words = [w for w in re.split(r"[_\-\s.]+", stem) if w and w.lower() not in {"spend", "payments", "over", "500"}]
    return " ".join(w.capitalize() for w in words) or None


def _split_glued(line: str, n_columns: int) -> list[str] | None:
    """Records run together after lost line ends: split after each 2-decimal amount, or None."""
    pieces = [p for p in _GLUED_AMOUNT.split(line) if p.strip()]
    if len(pieces) < 2:
        return None
    return pieces if all(len(next(csv.reader([p]))) >= n_columns for p in pieces) else None


def parse_spend_file(
    path: str | Path,
    kind: str,
    *,
    buyer: str | None = None,
    mapping: Mapping[str, str] | None = None,
    header_threshold: float = 80.0,
    report: IngestReport | None = None,
) -> ParsedSpendFile:
    """Read one spend file into SpendLines; record-level problems go to ``report``.

    Raises InputFileError when the file cannot be read at all or no header row can be found.
    """
    if kind not in KINDS:
        raise InputFileError(f"unknown kind {kind!r}", path=path, fix="use --kind return or --kind council")
    report = report if report is not None else IngestReport()
    p = Path(path)
    text, encoding, digest = read_text(p)
    raw_lines = text.split("\n")
    rows = list(csv.reader(io.StringIO(text)))
    bad_map = [f for f in (mapping or {}) if f not in ALIASES]
    if bad_map:
        raise InputFileError(
            f"unknown field(s) in the column mapping: {', '.join(bad_map)}",
            path=p,
            fix=f"map only these fields: {', '.join(FIELDS)}",
        )
    found = detect_header(rows, header_threshold, mapping)
    if found is None:
        wanted = " and ".join(REQUIRED)
        hint = f"the mapped headers {dict(mapping)} were not all found" if mapping else f"no row names {wanted} columns"
        raise InputFileError(
            f"cannot find the header row in the first {HEADER_SCAN_LINES} lines ({hint})",
            path=p,
            fix="give the columns explicitly, e.g. --map supplier='Payee' --map amount='Value (£)'",
        )
    header_index, columns = found
    if kind == KIND_RETURN and "contract_ref" not in columns:
        raise InputFileError(
            "a contractor's return needs a contract reference column and none was found",
            path=p,
            fix="add a 'Contract reference' column, or --map contract_ref='Your header'",
        )
    header_cells = rows[header_index]
    parsed = ParsedSpendFile(
        path=str(p),
        sha256=digest,
        encoding=encoding,
        header_row=0,
        columns={f: header_cells[c].strip() for f, (c, _) in columns.items()},
        column_scores={f: round(s, 1) for f, (_, s) in columns.items()},
        preamble=[",".join(r) for r in rows[:header_index]],
    )
    # csv rows do not map 1:1 to text lines when cells hold newlines; recover line numbers by re-reading.
    reader = csv.reader(io.StringIO(text))
    line_of_row: list[int] = []
    for _ in reader:
        line_of_row.append(reader.line_num)
    parsed.header_row = line_of_row[header_index]
    file_month = month_from_name(p) if "date" not in columns else None
    col = {f: c for f, (c, _) in columns.items()}
    n_columns = len(header_cells)
    if buyer:
        parsed.buyer_note = "buyer given with --buyer"
    elif "buyer" in col:
        parsed.buyer_note = f"buyer from the '{parsed.columns['buyer']}' column"
    elif kind == KIND_RETURN:
        parsed.buyer_note = "buyer from each line's contract"
    else:
        buyer = buyer_from_name(p)
        parsed.buyer_note = f"buyer '{buyer}' taken from the file name" if buyer else "buyer unknown"
    for ri in range(header_index + 1, len(rows)):
        cells = rows[ri]
        line_no = line_of_row[ri]
        report.records_read += 1
        if not any(c.strip() for c in cells):
            report.records_read -= 1
            report.counts["blank lines"] += 1
            continue
        records = [(str(line_no), cells)]
        if len(cells) > n_columns and col["amount"] == n_columns - 1:
            raw = raw_lines[line_no - 1] if line_no - 1 < len(raw_lines) else ""
            pieces = _split_glued(raw, n_columns)
            if pieces:
                records = [(f"{line_no}/{k}", next(csv.reader([piece]))) for k, piece in enumerate(pieces, 1)]
                report.records_read += len(pieces) - 1
                report.problem(
                    p,
                    f"line {line_no}",
                    None,
                    f"{len(pieces)} records run together on one line (line ends lost)",
                    "split after each amount",
                    "re-export the file with one record per line",
                )
        for label, rec in records:
            line = _parse_record(p, label, rec, col, n_columns, kind, buyer, file_month, report)
            if line is not None:
                parsed.lines.append(line)
                report.records_kept += 1
    report.files.append(str(p))
    report.counts["lines"] += len(parsed.lines)
    return parsed


def _parse_record(
    p: Path,
    label: str,
    cells: list[str],
    col: dict[str, int],
    n_columns: int,
    kind: str,
    buyer: str | None,
    file_month: date | None,
    report: IngestReport,
) -> SpendLine | None:
    where = f"line {label}"
    cells = list(cells)
    if len(cells) > n_columns and col["amount"] == n_columns - 1 and parse_amount(cells[-1]) is not None:
        # An unquoted comma inside the supplier name: everything between supplier and amount is the name.
        extra = len(cells) - n_columns
        s = col["supplier"]
        cells = [*cells[:s], ",".join(cells[s : s + extra + 1]).replace('"', ""), *cells[s + extra + 1 :]]
        report.problem(
            p,
            where,
            "supplier",
            "more cells than headers",
            "joined the extra cells into the supplier name",
            "quote names that contain commas",
        )
    if len(cells) < n_columns and "date" in col and col["date"] < len(cells):
        d = col["date"]
        glued = _GLUED_DATE.match(cells[d].strip())
        name_date = _GLUED_NAME_DATE.match(cells[d - 1].strip()) if d > 0 and col.get("supplier") == d - 1 else None
        if glued and col.get("amount") == d + 1:
            cells = [*cells[:d], glued.group(1), glued.group(2), *cells[d + 1 :]]
            report.problem(
                p,
                f"{where}: {glued.group(0)}",
                "date",
                "date and amount run together (a comma is missing)",
                "split into date and amount",
                "re-export the file; check this row's amount at the source",
            )
        elif name_date and parse_amount(cells[d]) is not None:
            cells = [*cells[: d - 1], name_date.group(1), name_date.group(2), *cells[d:]]
            report.problem(
                p,
                f"{where}: {name_date.group(0)}",
                "supplier",
                "supplier name and date run together (a comma is missing)",
                "split into supplier and date",
                "re-export the file; check this row's supplier at the source",
            )

    def cell(fname: str) -> str:
        i = col.get(fname)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    supplier = " ".join(cell("supplier").split())
    amount_text = cell("amount")
    if _TOTAL_ROW.match(supplier) or (not supplier and any(_TOTAL_ROW.match(c) for c in cells)):
        report.problem(
            p,
            where,
            "supplier",
            f"a total line ({supplier or 'Total'} {amount_text}), not a payment",
            "skipped record (not counted)",
            "none needed",
            skipped=True,
        )
        report.counts["total lines"] += 1
        return None
    if not supplier:
        report.problem(
            p, where, "supplier", "no supplier name", "skipped record", "fill in the supplier name", skipped=True
        )
        return None
    amount = parse_amount(amount_text)
    if amount is None:
        report.problem(
            p,
            where,
            "amount",
            f"amount {amount_text!r} is not a number",
            "skipped record",
            "correct the amount at the source",
            skipped=True,
        )
        return None
    when, date_note = None, ""
    if "date" in col:
        when = parse_date(cell("date"))
        if when is None:
            report.problem(
                p,
                where,
                "date",
                f"date {cell('date')!r} not understood",
                "date set to unknown",
                "use dates like 2022-01-31 or 31/01/2022",
            )
    elif file_month:
        when, date_note = file_month, "month of the file name"
    contract_ref = cell("contract_ref") or None
    if kind == KIND_RETURN and not contract_ref:
        report.problem(
            p,
            where,
            "contract_ref",
            "no contract reference",
            "kept as buyer-level spend",
            "fill in the contract reference",
        )
    return SpendLine(
        row=label,
        supplier=supplier,
        amount=round(amount, 2),
        date=when,
        date_note=date_note,
        buyer=cell("buyer") or buyer,
        contract_ref=contract_ref,
        registration_id=cell("registration_id") or None,
        description=cell("description"),
        department=cell("department"),
        transaction=cell("transaction"),
    )
