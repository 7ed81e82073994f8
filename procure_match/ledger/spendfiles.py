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
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rapidfuzz import fuzz

from procure_match.csvsafe import allow_large_fields
from procure_match.errors import IngestReport, InputFileError
from procure_match.ledger.model import KIND_RETURN, KINDS, ParsedSpendFile, SpendLine
from procure_match.settings import LedgerSettings

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
# A real spend-file cell: at most this many line breaks and characters. Beyond, the record is an
# unmatched quote running on over the next lines (reported line by line, never counted).
MAX_CELL_LINE_BREAKS = 2
MAX_CELL_CHARS = 2000
MAX_LINE_AMOUNT = LedgerSettings().max_line_amount
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


@dataclass(slots=True)
class CsvRecord:
    """One CSV record and the physical lines it came from (1-based, inclusive)."""

    cells: list[str]
    first_line: int
    last_line: int


def csv_records(text: str, path: str | Path, *, partial: bool = False) -> list[CsvRecord]:
    """Every CSV record of ``text`` with its line numbers. A field beyond ``CSV_FIELD_LIMIT`` (or a
    NUL byte) stops the file with its line number; with ``partial`` (a cut sample) the records read
    so far are returned instead."""
    allow_large_fields()
    reader = csv.reader(io.StringIO(text))
    out: list[CsvRecord] = []
    last = 0
    try:
        for cells in reader:
            out.append(CsvRecord(cells, last + 1, reader.line_num))
            last = reader.line_num
    except csv.Error as exc:
        if partial:
            return out
        raise InputFileError(
            f"cannot read the CSV after line {last} ({exc})",
            path=path,
            fix="check for a stray quote or a damaged cell at that line, or re-export the file as CSV",
        ) from None
    return out


def csv_rows(text: str, path: str | Path, *, partial: bool = False) -> list[list[str]]:
    return [r.cells for r in csv_records(text, path, partial=partial)]


def swallowed_lines(record: CsvRecord, n_columns: int, *, strict: bool = True) -> str | None:
    """Why a record looks like a stray quote swallowing the lines after it, or None.

    An unmatched ``"`` makes one cell run on to the next quote, many lines later, so the cell holds
    lines that look like rows of the file (as many commas as the header has separators, less one).
    ``strict`` (spend files) also refuses any cell with more than ``MAX_CELL_LINE_BREAKS`` line breaks
    or ``MAX_CELL_CHARS`` characters; without it (contract CSVs, whose descriptions may run to several
    paragraphs) only a cell holding at least two row-like lines is refused."""
    longest = max(record.cells, key=len, default="")
    breaks = longest.count("\n")
    row_like = sum(1 for ln in longest.split("\n")[1:] if ln.count(",") >= max(n_columns - 2, 2))
    if breaks > MAX_CELL_LINE_BREAKS and (strict or row_like >= 2):
        return f"a cell spans {breaks + 1} lines ({len(longest):,} characters): an unmatched quote"
    if strict and len(longest) > MAX_CELL_CHARS:
        return f"a cell of {len(longest):,} characters (more than {MAX_CELL_CHARS:,})"
    return None


def report_swallowed(p: Path, record: CsvRecord, why: str, report: IngestReport) -> None:
    """Each physical line of a swallowed record is one record read and one reported (never counted)."""
    first, last = record.first_line, record.last_line
    report.records_read += last - first
    span = f"lines {first}-{last}" if last > first else f"line {first}"
    for line_no in range(first, last + 1):
        report.problem(
            p,
            f"line {line_no}",
            None,
            f"{span} read as one record: {why}",
            "skipped (not counted)",
            f"check the quotes on line {first} (a double quote without its pair) and import the corrected file",
            skipped=True,
        )
    report.counts["lines swallowed by a stray quote"] += last - first + 1


@dataclass(slots=True)
class _FileContext:
    """What every record of one file is read with."""

    path: Path
    col: dict[str, int]
    n_columns: int
    kind: str
    buyer: str | None
    file_month: date | None
    max_amount: float
    raw_lines: list[str]
    report: IngestReport


def parse_spend_file(
    path: str | Path,
    kind: str,
    *,
    buyer: str | None = None,
    mapping: Mapping[str, str] | None = None,
    header_threshold: float = 80.0,
    max_amount: float = MAX_LINE_AMOUNT,
    report: IngestReport | None = None,
) -> ParsedSpendFile:
    """Read one spend file into SpendLines; record-level problems go to ``report``.

    Raises InputFileError when the file cannot be read at all or no header row can be found.
    """
    p = Path(path)
    _check_kind_and_mapping(p, kind, mapping)
    report = report if report is not None else IngestReport()
    text, encoding, digest = read_text(p)
    records = csv_records(text, p)
    header_index, columns = _find_header(p, kind, [r.cells for r in records], header_threshold, mapping)
    header_cells = records[header_index].cells
    parsed = ParsedSpendFile(
        path=str(p),
        sha256=digest,
        encoding=encoding,
        header_row=records[header_index].last_line,
        columns={f: header_cells[c].strip() for f, (c, _) in columns.items()},
        column_scores={f: round(s, 1) for f, (_, s) in columns.items()},
        preamble=[",".join(r.cells) for r in records[:header_index]],
    )
    col = {f: c for f, (c, _) in columns.items()}
    file_month = month_from_name(p) if "date" not in columns else None
    buyer, parsed.buyer_note = _buyer_and_note(p, kind, buyer, parsed.columns)
    ctx = _FileContext(p, col, len(header_cells), kind, buyer, file_month, max_amount, text.split("\n"), report)
    skipped_before = report.skipped
    for record in records[header_index + 1 :]:
        for line in _lines_of(ctx, record):
            parsed.lines.append(line)
            report.records_kept += 1
    parsed.lines_skipped = report.skipped - skipped_before
    report.files.append(str(p))
    report.counts["lines"] += len(parsed.lines)
    return parsed


def _check_kind_and_mapping(p: Path, kind: str, mapping: Mapping[str, str] | None) -> None:
    if kind not in KINDS:
        raise InputFileError(f"unknown kind {kind!r}", path=p, fix="use --kind return or --kind council")
    bad_map = [f for f in (mapping or {}) if f not in ALIASES]
    if bad_map:
        raise InputFileError(
            f"unknown field(s) in the column mapping: {', '.join(bad_map)}",
            path=p,
            fix=f"map only these fields: {', '.join(FIELDS)}",
        )


def _find_header(
    p: Path, kind: str, rows: list[list[str]], threshold: float, mapping: Mapping[str, str] | None
) -> tuple[int, dict[str, tuple[int, float]]]:
    found = detect_header(rows, threshold, mapping)
    if found is None:
        wanted = " and ".join(REQUIRED)
        hint = f"the mapped headers {dict(mapping)} were not all found" if mapping else f"no row names {wanted} columns"
        raise InputFileError(
            f"cannot find the header row in the first {HEADER_SCAN_LINES} lines ({hint})",
            path=p,
            fix="give the columns explicitly, e.g. --map supplier='Payee' --map amount='Value (£)'",
        )
    if kind == KIND_RETURN and "contract_ref" not in found[1]:
        raise InputFileError(
            "a contractor's return needs a contract reference column and none was found",
            path=p,
            fix="add a 'Contract reference' column, or --map contract_ref='Your header'",
        )
    return found


def _buyer_and_note(p: Path, kind: str, buyer: str | None, columns: dict[str, str]) -> tuple[str | None, str]:
    if buyer:
        return buyer, "buyer given with --buyer"
    if "buyer" in columns:
        return None, f"buyer from the '{columns['buyer']}' column"
    if kind == KIND_RETURN:
        return None, "buyer from each line's contract"
    buyer = buyer_from_name(p)
    return buyer, (f"buyer '{buyer}' taken from the file name" if buyer else "buyer unknown")


def _lines_of(ctx: _FileContext, record: CsvRecord) -> list[SpendLine]:
    """The spend lines of one CSV record: none (blank, swallowed, skipped), one, or several (glued)."""
    report = ctx.report
    if not any(c.strip() for c in record.cells):
        report.counts["blank lines"] += 1
        return []
    report.records_read += 1
    why = swallowed_lines(record, ctx.n_columns)
    if why is not None:
        report_swallowed(ctx.path, record, why, report)
        return []
    out = []
    for label, cells in _unglued(ctx, record):
        line = _parse_record(ctx, label, cells)
        if line is not None:
            out.append(line)
    return out


def _unglued(ctx: _FileContext, record: CsvRecord) -> list[tuple[str, list[str]]]:
    """Records run together on one line (line ends lost) split after each amount; else the record itself."""
    line_no, cells = record.last_line, record.cells
    if not (len(cells) > ctx.n_columns and ctx.col["amount"] == ctx.n_columns - 1):
        return [(str(line_no), cells)]
    raw = ctx.raw_lines[line_no - 1] if line_no - 1 < len(ctx.raw_lines) else ""
    pieces = _split_glued(raw, ctx.n_columns)
    if not pieces:
        return [(str(line_no), cells)]
    ctx.report.records_read += len(pieces) - 1
    ctx.report.problem(
        ctx.path,
        f"line {line_no}",
        None,
        f"{len(pieces)} records run together on one line (line ends lost)",
        "split after each amount",
        "re-export the file with one record per line",
    )
    return [(f"{line_no}/{k}", next(csv.reader([piece]))) for k, piece in enumerate(pieces, 1)]


def _join_extra_cells(ctx: _FileContext, where: str, cells: list[str]) -> list[str]:
    """An unquoted comma inside the supplier name: everything between supplier and amount is the name."""
    col, n_columns = ctx.col, ctx.n_columns
    if not (len(cells) > n_columns and col["amount"] == n_columns - 1 and parse_amount(cells[-1]) is not None):
        return cells
    extra = len(cells) - n_columns
    s = col["supplier"]
    ctx.report.problem(
        ctx.path,
        where,
        "supplier",
        "more cells than headers",
        "joined the extra cells into the supplier name",
        "quote names that contain commas",
    )
    return [*cells[:s], ",".join(cells[s : s + extra + 1]).replace('"', ""), *cells[s + extra + 1 :]]


def _split_glued_date(ctx: _FileContext, where: str, cells: list[str]) -> list[str]:
    """A date glued to its amount, or a supplier name glued to its date (a comma missing)."""
    col = ctx.col
    if not (len(cells) < ctx.n_columns and "date" in col and col["date"] < len(cells)):
        return cells
    d = col["date"]
    glued = _GLUED_DATE.match(cells[d].strip())
    name_date = _GLUED_NAME_DATE.match(cells[d - 1].strip()) if d > 0 and col.get("supplier") == d - 1 else None
    if glued and col.get("amount") == d + 1:
        ctx.report.problem(
            ctx.path,
            f"{where}: {glued.group(0)}",
            "date",
            "date and amount run together (a comma is missing)",
            "split into date and amount",
            "re-export the file; check this row's amount at the source",
        )
        return [*cells[:d], glued.group(1), glued.group(2), *cells[d + 1 :]]
    if name_date and parse_amount(cells[d]) is not None:
        ctx.report.problem(
            ctx.path,
            f"{where}: {name_date.group(0)}",
            "supplier",
            "supplier name and date run together (a comma is missing)",
            "split into supplier and date",
            "re-export the file; check this row's supplier at the source",
        )
        return [*cells[: d - 1], name_date.group(1), name_date.group(2), *cells[d:]]
    return cells


def _skip(
    ctx: _FileContext, where: str, field_name: str, problem: str, fix: str, action: str = "skipped record"
) -> None:
    ctx.report.problem(ctx.path, where, field_name, problem, action, fix, skipped=True)


def _amount_of(ctx: _FileContext, where: str, amount_text: str) -> float | None:
    """The line's amount, or None (reported) when it is not a finite number or beyond ``max_amount``."""
    amount = parse_amount(amount_text)
    if amount is None:
        _skip(ctx, where, "amount", f"amount {amount_text[:40]!r} is not a number", "correct the amount at the source")
        return None
    if abs(amount) > ctx.max_amount:
        _skip(
            ctx,
            where,
            "amount",
            f"amount {amount_text[:40]!r} is beyond ledger.max_line_amount (£{ctx.max_amount:,.0f})",
            "correct the amount at the source (or raise ledger.max_line_amount if it is real)",
        )
        return None
    return amount


def _date_of(ctx: _FileContext, where: str, text: str) -> tuple[date | None, str]:
    if "date" not in ctx.col:
        return (ctx.file_month, "month of the file name") if ctx.file_month else (None, "")
    when = parse_date(text)
    if when is None:
        ctx.report.problem(
            ctx.path,
            where,
            "date",
            f"date {text[:40]!r} not understood",
            "date set to unknown",
            "use dates like 2022-01-31 or 31/01/2022",
        )
    return when, ""


def _parse_record(ctx: _FileContext, label: str, raw_cells: list[str]) -> SpendLine | None:
    where = f"line {label}"
    cells = _split_glued_date(ctx, where, _join_extra_cells(ctx, where, list(raw_cells)))

    def cell(fname: str) -> str:
        i = ctx.col.get(fname)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    supplier = " ".join(cell("supplier").split())
    amount_text = cell("amount")
    if _TOTAL_ROW.match(supplier) or (not supplier and any(_TOTAL_ROW.match(c) for c in cells)):
        problem = f"a total line ({supplier or 'Total'} {amount_text[:40]}), not a payment"
        _skip(ctx, where, "supplier", problem, "none needed", action="skipped record (not counted)")
        ctx.report.counts["total lines"] += 1
        return None
    if not supplier:
        _skip(ctx, where, "supplier", "no supplier name", "fill in the supplier name")
        return None
    amount = _amount_of(ctx, where, amount_text)
    if amount is None:
        return None
    when, date_note = _date_of(ctx, where, cell("date"))
    contract_ref = cell("contract_ref") or None
    if ctx.kind == KIND_RETURN and not contract_ref:
        ctx.report.problem(
            ctx.path,
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
        buyer=cell("buyer") or ctx.buyer,
        contract_ref=contract_ref,
        registration_id=cell("registration_id") or None,
        description=cell("description"),
        department=cell("department"),
        transaction=cell("transaction"),
    )
