"""Read a social-enterprise directory (CSV, JSON or XLSX) into ``Enterprise`` objects.

Columns are found by ``ingest.columns.detect_columns`` (the user's mapping, then synonyms); the
mapping used is put in ``report.counts`` as ``column:<field>=<header>`` so it can be checked.
Every cell is read as text (leading zeros of company numbers survive). Each row either becomes
one Enterprise or is recorded as one skipped Problem; every repair is a repaired Problem, so
``records_read == records_kept + skipped`` for each file.

Normalisation rules (each one visible in the report when it changes a value):

* legal form from every signal (``ingest.legal_form``: the stated form, Co-operatives UK ownership,
  the name, registration ids) -> one of ``domain.LEGAL_FORMS`` with its evidence (raw text kept);
  "Company" with nothing else to go on is ambiguous (guarantee or shares) and left unknown;
* registration ids scheme-prefixed: ``GB-COH-`` (8 characters, zero-padded), ``GB-MPR-``,
  ``GB-CHC-``, ``GB-SC-``, ``GB-NIC-`` (a plain charity number with a BT postcode is Northern
  Irish);
* turnover "£1.2m", "120,000", "£20k-£50k" (a range is read as its midpoint by default,
  ``directory.turnover_range``);
* multi-value cells split on ``;`` or ``|`` (and on ``,`` for codes, or for text when every
  piece starts with a capital letter: "Membership associations, social clubs" stays whole);
* location from the file's latitude/longitude, else the postcode (offline lookup), else unknown.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from procure_match.domain import (
    SCHEME_CHARITY_ENGLAND_WALES,
    SCHEME_CHARITY_NI,
    SCHEME_CHARITY_SCOTLAND,
    SCHEME_COMPANIES_HOUSE,
    SCHEME_MUTUALS_REGISTER,
    Contact,
    Enterprise,
)
from procure_match.errors import IngestReport, InputFileError
from procure_match.ingest.columns import ColumnMap, detect_columns
from procure_match.ingest.legal_form import (
    AMBIGUOUS_LEGAL_FORMS,
    LegalForm,
    infer_legal_form,
    legal_text,
    normalise_legal_form,
)
from procure_match.ingest.limits import (
    XLSX_FIX,
    Limits,
    bounded_int,
    cap_message,
    check_xlsx,
    depth_message,
    has_huge_number,
    huge_number_message,
    json_value_error,
    too_deep,
)
from procure_match.ingest.profile import add_inferred_cpv, enrich, load_enrichment
from procure_match.ingest.textutil import strip_controls
from procure_match.reference.cpv import normalise_cpv
from procure_match.reference.geo import find_postcode, in_uk, normalise_postcode, parse_radius_km
from procure_match.reference.orgids import org_id
from procure_match.reference.postcodes import PostcodeLookup, load_postcode_lookup
from procure_match.reference.sic import normalise_sic
from procure_match.settings import Settings

HEADER_SEARCH_ROWS = 10  # a header may follow a few title lines
JSON_LIST_KEYS = ("enterprises", "organisations", "organizations", "directory", "members", "records", "data", "items")
_EMPTY = frozenset({"", "-", "--", "n/a", "na", "none", "null", "nil", "unknown", "not known", "0", "00000000"})

# ---------------------------------------------------------------- registration ids


def _blank(value: str | None) -> bool:
    return value is None or value.strip().lower() in _EMPTY


def company_number_id(raw: str) -> str | None:
    """ "1234567" -> "GB-COH-01234567"; "sc399880" -> "GB-COH-SC399880"; None if not a CRN."""
    return org_id(SCHEME_COMPANIES_HOUSE, raw)


def mutuals_id(raw: str) -> str | None:
    """FCA Mutuals Public Register number: "525R" -> "GB-MPR-525R"; "IP 01234R" -> "GB-MPR-1234R"."""
    return org_id(SCHEME_MUTUALS_REGISTER, raw)


def charity_id(raw: str, postcode: str | None = None, scheme: str = "") -> str | None:
    """Charity number -> org-id: "SC012345" -> GB-SC-SC012345; "NIC100002" -> GB-NIC-100002;
    digits -> ``scheme`` when given, else GB-NIC-<n> for a Northern Irish (BT) postcode, else GB-CHC-<n>."""
    text = re.sub(r"\s+", "", raw).upper()
    for prefix in (SCHEME_CHARITY_ENGLAND_WALES, SCHEME_CHARITY_SCOTLAND, SCHEME_CHARITY_NI):
        if text.startswith(prefix + "-") and len(text) > len(prefix) + 1:
            return text
    if re.fullmatch(r"SC\d{6}", text):
        return f"{SCHEME_CHARITY_SCOTLAND}-{text}"
    m = re.fullmatch(r"(?:NIC|XN)?(\d{5,7})", text)
    if m and text.startswith("NIC"):
        return f"{SCHEME_CHARITY_NI}-{m.group(1)}"
    m = re.fullmatch(r"(\d{5,8})(?:-\d{1,3})?", text)
    if m:
        if scheme == SCHEME_CHARITY_SCOTLAND:
            return f"{SCHEME_CHARITY_SCOTLAND}-SC{m.group(1).zfill(6)}"
        if scheme:
            return f"{scheme}-{m.group(1)}"
        if postcode and postcode.startswith("BT") and postcode[2:3].isdigit():
            return f"{SCHEME_CHARITY_NI}-{m.group(1)}"
        return f"{SCHEME_CHARITY_ENGLAND_WALES}-{m.group(1)}"
    return None


_REGISTRARS = (
    (r"companies house", "company"),
    (r"\bfca\b|financial conduct|\bfsa\b|mutual", "mutual"),
    (r"charity commission for northern ireland|\bccni\b", "charity-ni"),
    (r"\boscr\b|scottish charity", "charity-sc"),
    (r"charity commission", "charity"),
)


def registrar_kind(raw: str) -> str | None:
    text = raw.lower()
    return next((kind for pattern, kind in _REGISTRARS if re.search(pattern, text)), None)


# ---------------------------------------------------------------- numbers and lists


@dataclass(frozen=True, slots=True)
class AmountParse:
    value: float | None
    note: str | None = None  # a repair to report ("range £20k-£50k read as its midpoint")
    error: str | None = None  # why nothing could be read


_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|m|mn|bn|b|thousand|million|billion)?$")
_SCALE = {None: 1, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}


def _number(text: str) -> float | None:
    m = _NUMBER.match(text.strip())
    return float(m.group(1)) * _SCALE[m.group(2)] if m else None


def parse_amount(raw: str, range_mode: str = "midpoint") -> AmountParse:
    """ "£1.2m" -> 1.2e6; "120,000" -> 120000; "£20k-£50k" -> 35000 (midpoint, noted); "over £1m" -> 1e6."""
    text = str(raw).strip().lower()
    if text in _EMPTY - {"0"}:
        return AmountParse(None)
    text = re.sub(r"£|gbp|per (year|annum)|p\.?a\.?|a year|approx(imately)?\.?|c\.|about|~", " ", text)
    text = " ".join(text.replace(",", "").split())
    if not text:
        return AmountParse(None, error=f"no number in {raw!r}")
    if text.startswith(("-", "(")):
        return AmountParse(None, error=f"negative amount {raw!r}")
    single = _number(text)
    if single is not None:
        return AmountParse(single)
    m = re.match(r"^(under|up to|less than|below|<)\s*(.+)$", text)
    if m and (hi := _number(m.group(2))) is not None:
        lo = 0.0
        return _pick_range(raw, lo, hi, range_mode)
    m = re.match(r"^(?:over|more than|above|>|at least)\s*(.+)$", text) or re.match(r"^(.+?)\s*\+$", text)
    if m and (lo := _number(m.group(1))) is not None:
        return AmountParse(lo, note=f"{raw!r} has no upper bound: read as its lower bound {lo:,.0f}")
    parts = re.split(r"\s*(?:-|–|—|\bto\b)\s*", text)
    if len(parts) == 2:
        lo, hi = _number(parts[0]), _number(parts[1])
        if lo is not None and hi is not None:
            suffix = re.search(r"(k|m|bn|thousand|million|billion)$", parts[1])
            if suffix and not re.search(r"[a-z]$", parts[0]) and lo * _SCALE[suffix.group(1)] <= hi:
                lo = lo * _SCALE[suffix.group(1)]  # "20-50k" means 20k-50k
            return _pick_range(raw, min(lo, hi), max(lo, hi), range_mode)
    return AmountParse(None, error=f"not an amount: {raw!r}")


def _pick_range(raw: str, lo: float, hi: float, mode: str) -> AmountParse:
    value = {"low": lo, "high": hi}.get(mode, (lo + hi) / 2)
    word = {"low": "low end", "high": "high end"}.get(mode, "midpoint")
    return AmountParse(value, note=f"range {raw!r} read as its {word} {value:,.0f}")


def split_multi(raw: str, *, codes: bool = False) -> list[str]:
    """Split a multi-value cell on ';' or '|'; on ',' too for codes, or for text whose pieces are all
    capitalised and which is not a phrase ending "... and X": "CHAS, Constructionline" splits, but
    "Membership associations, social clubs and trade unions" and "Food service, Accommodation and
    Pubs" (one Co-operatives UK sector each) stay whole."""
    text = raw.strip()
    if not text:
        return []
    if re.search(r"[;|\n]", text):
        pieces = re.split(r"\s*[;|\n]\s*", text)
    elif codes:
        pieces = re.split(r"[\s,]+", text)
    else:
        candidate = [p.strip() for p in text.split(",")]
        capitalised = all(p[:1].isupper() or p[:1].isdigit() for p in candidate if p)
        phrase = re.search(r"\s(and|&)\s", candidate[-1]) is not None
        pieces = candidate if capitalised and not phrase else [text]
    seen: dict[str, None] = {}
    for p in pieces:
        p = p.strip()
        if p and p.lower() not in (k.lower() for k in seen):
            seen[p] = None
    return list(seen)


def _scheme_id(value: str) -> str | None:
    """A registration id written in org-id form ("GB-COH-1234567"), normalised; else None."""
    m = re.fullmatch(r"(GB-(?:COH|MPR|CHC|SC|NIC))-(\S+)", value.strip().upper())
    if not m:
        return None
    scheme, number = m.groups()
    if scheme == SCHEME_COMPANIES_HOUSE:
        return company_number_id(number)
    if scheme == SCHEME_MUTUALS_REGISTER:
        return mutuals_id(number)
    return charity_id(number, None, scheme)


def _letter_o_postcode(raw: str) -> str | None:
    """ "TA7 ONZ" -> "TA7 0NZ": a letter O typed where the inward code's digit belongs."""
    compact = re.sub(r"\s+", "", raw).upper()
    if len(compact) >= 5 and compact[-3] == "O":
        return normalise_postcode(compact[:-3] + "0" + compact[-2:])
    return None


def slug_id(name: str, postcode: str | None) -> str:
    """Stable id from the name and postcode: "Acme Builders C.I.C.", "B12 9QD" -> "acme-builders-cic-b129qd"."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower().replace(".", "").replace("'", "")).strip("-") or "enterprise"
    tail = re.sub(r"[^a-z0-9]", "", (postcode or "").lower())
    return f"{base[:60]}-{tail}" if tail else base[:60]


# ---------------------------------------------------------------- reading tables


@dataclass
class Table:
    """Rows of text cells with a label each ("line 12", "row 7", "item 3").

    ``bad`` maps the label of a record that cannot be read (a JSON item that is not an object, too deep,
    a number too long) to why; ``file_problems`` are (problem, action, fix) about the whole file."""

    rows: list[tuple[str, list[str]]]
    notes: list[str]
    bad: dict[str, str] = field(default_factory=dict)
    file_problems: list[tuple[str, str, str]] = field(default_factory=list)
    capped: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # label -> (column, length) cut


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value if v is not None and not isinstance(v, (dict, list)))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _decode(data: bytes, encoding: str, path: Path) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding, errors="replace"), encoding
        except LookupError as exc:
            raise InputFileError(
                f"unknown encoding {encoding!r}", path=path, fix="set directory.encoding to e.g. 'utf-8' or 'cp1252'"
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _replacement_problem(text: str, encoding: str) -> list[tuple[str, str, str]]:
    """The whole-file problem of a UTF-16 file with undecodable bytes (e.g. cut at an odd byte), if any."""
    bad = text.count("\ufffd") if encoding == "utf-16" else 0
    if not bad:
        return []
    problem = f"{bad} character(s) were not valid UTF-16 (e.g. a file cut at an odd byte)"
    return [(problem, "each replaced by U+FFFD; every other record read", "save the file again, complete, as UTF-8")]


def _read_csv(path: Path, data: bytes, settings: Settings) -> Table:
    text, encoding = _decode(data, settings.directory.encoding, path)
    notes = [f"encoding={encoding}"]
    if "\x00" in text:
        text = text.replace("\x00", "")
        notes.append("NUL characters removed")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t|", key=first.count) if first else ","
    if delimiter != ",":
        notes.append(f"delimiter={delimiter!r}")
    csv.field_size_limit(Limits.of(settings).max_record_bytes)  # longer cells stop the file; cells capped later
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[str, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((f"line {start}", cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFileError(
            f"CSV cannot be read after line {start} ({exc})", path=path, fix="check quoting near that line"
        ) from exc
    return Table(rows, notes, file_problems=_replacement_problem(text, encoding))


_JSON_FIX = "give a JSON list of objects or {'enterprises': [...]}"


def _parse_json(path: Path, data: bytes, limits: Limits) -> tuple[object, list[tuple[str, str, str]]]:
    """The parsed document and any whole-file problem; InputFileError (one line) when it cannot be parsed."""
    text, encoding = _decode(data, "", path)
    try:
        return json.loads(text, parse_int=bounded_int), _replacement_problem(text, encoding)
    except RecursionError as exc:
        raise InputFileError(depth_message(limits.max_json_depth), path=path, fix=_JSON_FIX) from exc
    except ValueError as exc:  # JSONDecodeError, or a number Python cannot convert
        raise InputFileError(json_value_error(exc), path=path, fix=_JSON_FIX) from exc


def _json_items(path: Path, doc: object) -> list:
    """The list of organisations: the document itself, or its one list under a known key."""
    if isinstance(doc, dict):
        key = next((k for k in doc if k.lower() in JSON_LIST_KEYS and isinstance(doc[k], list)), None)
        if key is None:
            lists = [k for k, v in doc.items() if isinstance(v, list)]
            key = lists[0] if len(lists) == 1 else None
        if key is None:
            raise InputFileError(
                "JSON object holds no list of organisations",
                path=path,
                fix=f"put the records in a list under one of the keys {', '.join(JSON_LIST_KEYS)}",
            )
        doc = doc[key]
    if not isinstance(doc, list):
        raise InputFileError("JSON is neither a list nor an object", path=path, fix="give a list of objects")
    return doc


def _json_item_problem(item: object, limits: Limits) -> str | None:
    if not isinstance(item, dict):
        return "item is not a JSON object"
    if too_deep(item, limits.max_json_depth - 2):  # the item sits two levels down in {"enterprises": [...]}
        return depth_message(limits.max_json_depth)
    if has_huge_number(item):
        return huge_number_message()
    return None


def _flatten(item: dict) -> dict[str, object]:
    """One level of nesting becomes "outer inner" columns ({"address": {"postcode": ..}} -> "address postcode")."""
    row: dict[str, object] = {}
    for k, v in item.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                row[f"{k} {k2}"] = v2
        else:
            row[str(k)] = v
    return row


def _read_json(path: Path, data: bytes, limits: Limits) -> Table:
    doc, file_problems = _parse_json(path, data, limits)
    items = _json_items(path, doc)
    flat: list[dict[str, object] | None] = []
    headers: dict[str, None] = {}
    bad: dict[str, str] = {}
    for n, item in enumerate(items, start=1):
        problem = _json_item_problem(item, limits)
        if problem:
            bad[f"item {n}"] = problem
            flat.append(None)
            continue
        row = _flatten(item)  # type: ignore[arg-type]
        headers.update(dict.fromkeys(row))
        flat.append(row)
    names = list(headers)
    rows: list[tuple[str, list[str]]] = [("header", names)]
    for n, row in enumerate(flat, start=1):
        rows.append((f"item {n}", [_cell(row.get(h)) for h in names] if row is not None else []))
    return Table(rows, ["format=json"], bad=bad, file_problems=file_problems)


# What a broken or hostile workbook raises inside openpyxl (zip, zlib, XML, defusedxml, bad attributes).
_XLSX_ERRORS = (
    zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, IndexError, TypeError, ValueError,
    AttributeError, ParseError,
)  # fmt: skip


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _read_xlsx(path: Path, settings: Settings) -> Table:
    """Every row of the sheet, past whatever its ``<dimension>`` claims; XML parsed through defusedxml."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx(path, Limits.of(settings))
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *_XLSX_ERRORS) as exc:
        raise InputFileError(f"not a readable XLSX workbook ({_one_line(exc)})", path=path, fix=XLSX_FIX) from exc
    try:
        wanted = settings.directory.sheet
        if wanted and wanted not in wb.sheetnames:
            raise InputFileError(
                f"no sheet named {wanted!r} (sheets: {', '.join(wb.sheetnames)})",
                path=path,
                fix="set directory.sheet to one of the sheets listed",
            )
        return _sheet_table(path, wb[wanted] if wanted else wb.worksheets[0])
    finally:
        wb.close()


def _sheet_table(path: Path, ws) -> Table:
    try:
        claimed = ws.max_row  # from the sheet's <dimension ref>, which may under- or over-state it
        ws.reset_dimensions()  # read to the last row actually present
        rows = [(f"row {n}", [_cell(v) for v in values]) for n, values in enumerate(ws.iter_rows(values_only=True), 1)]
    except _XLSX_ERRORS as exc:
        raise InputFileError(
            f"XLSX sheet cannot be read ({type(exc).__name__}: {_one_line(exc)})", path=path, fix=XLSX_FIX
        ) from exc
    notes = [f"sheet={ws.title}"]
    if isinstance(claimed, int) and len(rows) > claimed:
        notes.append(f"rows beyond the sheet's stated dimension={len(rows) - claimed}")
    return Table(rows, notes)


def read_table(path: str | Path, settings: Settings) -> Table:
    """Rows of text cells from a CSV, JSON or XLSX file (format from the suffix, else the content),
    control characters stripped and cells cut to ``ingest.max_field_chars``."""
    table = _read_any_table(Path(path), settings)
    max_chars = settings.ingest.max_field_chars
    for i, (label, cells) in enumerate(table.rows):
        table.rows[i] = (label, [strip_controls(c[:max_chars]) for c in cells])
        capped = [(col, len(c)) for col, c in enumerate(cells) if len(c) > max_chars]
        if capped:
            table.capped[label] = capped
    return table


def _read_any_table(path: Path, settings: Settings) -> Table:
    p = Path(path)
    if not p.is_file():
        raise InputFileError("directory file not found", path=p, fix="check the path (CSV, JSON or XLSX)")
    suffix = p.suffix.lower()
    if suffix in (".xls", ".ods"):
        raise InputFileError(f"{suffix} workbooks are not supported", path=p, fix="save the sheet as .xlsx or CSV")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, settings)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read file ({exc})", path=p, fix="check the file's permissions") from exc
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(p, settings)
    if suffix == ".json" or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return _read_json(p, data, Limits.of(settings))
    return _read_csv(p, data, settings)


# ---------------------------------------------------------------- rows -> enterprises

_INACTIVE = re.compile(
    r"\b(dead|dissolved|removed|closed|inactive|ceased|liquidation|struck off|deregistered|wound up)"
)
_FIX_SOURCE = "correct the value in the directory file"


class _Row:
    """One row's cells seen through the column map."""

    def __init__(self, cmap: ColumnMap, cells: list[str]):
        self.cmap, self.cells = cmap, cells

    def values(self, name: str) -> list[str]:
        out = []
        for i in self.cmap.columns.get(name, []):
            v = self.cells[i].strip() if i < len(self.cells) else ""
            if v:
                out.append(v)
        return out

    def first(self, name: str) -> str:
        vals = [v for v in self.values(name) if not _blank(v)] if name.endswith("number") else self.values(name)
        return vals[0] if vals else ""


def _find_header(table: Table, settings: Settings, path: Path) -> tuple[int, ColumnMap]:
    d = settings.directory
    first_error: InputFileError | None = None
    for idx, (_label, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        if not any(c.strip() for c in cells):
            continue
        try:
            cmap = detect_columns(cells, d.columns, d.header_match_threshold, path=str(path))
        except InputFileError as exc:
            first_error = first_error or exc
            continue
        if cmap.has("name"):
            return idx, cmap
    if first_error is not None:
        raise first_error
    first_cells = next((c for _l, c in table.rows if any(x.strip() for x in c)), [])
    raise InputFileError(
        f"no column holding organisation names found (headers: {', '.join(repr(c) for c in first_cells[:30])})",
        path=path,
        fix='set directory.columns.name to the header of the name column, e.g. name = "Organisation"',
    )


class _Builder:
    def __init__(self, path: Path, settings: Settings, report: IngestReport, postcodes: PostcodeLookup | None):
        self.path, self.settings, self.report, self._postcodes = path, settings, report, postcodes
        self.file = str(path)

    def lookup(self) -> PostcodeLookup:
        if self._postcodes is None:
            self._postcodes = load_postcode_lookup(self.settings)
        return self._postcodes

    def repaired(self, record: str, field: str, problem: str, action: str, fix: str = _FIX_SOURCE) -> None:
        self.report.problem(self.file, record, field, problem, action, fix)

    def build(self, row: _Row, record: str, row_number: int) -> Enterprise | str:
        """An Enterprise, or the reason (str) the row is skipped. ``row_number``: file line, sheet row
        or JSON item number (1-based), as in ``record``."""
        name = " ".join(html.unescape(row.first("name")).split())
        if not name:
            return "no organisation name"
        status = row.first("status")
        if self.settings.directory.skip_inactive:
            if status and _INACTIVE.search(status.lower()):
                return f"organisation is inactive (status {status!r})"
            dissolved = row.first("dissolved")
            if dissolved and not _blank(dissolved):
                return f"organisation was dissolved ({dissolved})"

        postcode = self.postcode(row, record)
        reg_ids = self.registration_ids(row, record, postcode)
        legal_raw = row.first("legal_form") or None
        legal = self.legal_form(row, record, name, legal_raw, tuple(reg_ids))
        ent = Enterprise(
            id="",
            name=name,
            legal_form=legal.form,
            legal_form_raw=legal_raw,
            legal_form_evidence=legal.evidence,
            registration_ids=tuple(reg_ids),
            description=self.description(row),
            sectors=tuple(v for cell in row.values("sectors") for v in split_multi(cell)),
            cpv_codes=self.cpv(row, record),
            sic_codes=self.sic(row, record),
            postcode=postcode,
            turnover=self.amount(row, record, "turnover"),
            employees=self.employees(row, record),
            certifications=tuple(v for cell in row.values("certifications") for v in split_multi(cell)),
            consortia=tuple(v for cell in row.values("consortia") for v in split_multi(cell)),
            max_contract_value=self.amount(row, record, "max_contract_value"),
            max_radius_km=self.radius(row, record),
            contact=Contact(
                email=row.first("email") or None, phone=row.first("phone") or None, website=row.first("website") or None
            ),
            source_file=self.file,
            source_row=row_number,
        )
        file_id = row.first("id")
        ent.id = file_id or (reg_ids[0] if reg_ids else slug_id(name, postcode))
        scheme_id = _scheme_id(file_id)
        if scheme_id and scheme_id not in ent.registration_ids:
            ent.registration_ids = (*ent.registration_ids, scheme_id)  # an org-id used as the id counts too
        return ent

    def legal_form(
        self, row: _Row, record: str, name: str, legal_raw: str | None, reg_ids: tuple[str, ...]
    ) -> LegalForm:
        """The legal form from every signal (``ingest.legal_form``); an unresolved stated form is reported."""
        legal = infer_legal_form(legal_raw, ownership=row.first("ownership"), name=name, registration_ids=reg_ids)
        if legal.form is None and legal_raw:
            ambiguous = legal_text(legal_raw) in AMBIGUOUS_LEGAL_FORMS
            self.repaired(
                record,
                "legal_form",
                f"legal form {legal_raw!r} is ambiguous (e.g. limited by guarantee or by shares)"
                if ambiguous
                else f"legal form {legal_raw!r} not recognised",
                "legal form left unknown (raw text kept)",
                "give the full legal form, e.g. 'company limited by guarantee' or 'community interest company'",
            )
        elif legal.form is not None and normalise_legal_form(legal_raw) is None:
            self.report.counts["directory:legal_form_inferred"] += 1  # decided by ownership, name or ids
        return legal

    def postcode(self, row: _Row, record: str) -> str | None:
        raw = row.first("postcode")
        if raw:
            norm = normalise_postcode(raw) or find_postcode(raw)
            if norm:
                return norm
            fixed = _letter_o_postcode(raw)
            if fixed:
                self.repaired(
                    f"{record} (postcode {raw!r})", "postcode", "letter O where a zero belongs", "read as a zero"
                )
                return fixed
            self.repaired(f"{record} (postcode {raw!r})", "postcode", "not a UK postcode", "postcode left unknown")
        for address in row.values("address"):
            found = find_postcode(address)
            if found:
                self.report.counts["directory:postcode_from_address"] += 1
                return found
        return None

    def registration_ids(self, row: _Row, record: str, postcode: str | None) -> list[str]:
        ids: list[str] = []

        def add(rid: str | None, field: str, raw: str, what: str) -> None:
            if rid:
                if rid not in ids:
                    ids.append(rid)
            else:
                self.repaired(f"{record} ({field} {raw!r})", field, f"not a valid {what}", "not used as an identifier")

        crn = row.first("company_number")
        if crn and not _blank(crn):
            add(self.company_number(crn, postcode, record), "company_number", crn, "Companies House number")
        reg = row.first("registered_number")
        if reg and not _blank(reg):
            registrar = row.first("registrar")
            kind = registrar_kind(registrar) if registrar else "mutual"
            if kind == "company":
                add(company_number_id(reg), "registered_number", reg, "Companies House number")
            elif kind == "mutual":
                add(mutuals_id(reg), "registered_number", reg, "Mutuals Register number")
            elif kind in ("charity", "charity-sc", "charity-ni"):
                where = "BT" if kind == "charity-ni" else postcode
                scheme = self.settings.directory.charity_scheme
                add(charity_id(reg, where, scheme), "registered_number", reg, "charity number")
            else:
                self.repaired(
                    f"{record} (registrar {registrar!r}, number {reg!r})",
                    "registrar",
                    "registrar has no identifier scheme known to procure-match",
                    "registered number not used as an identifier",
                    "name Companies House, FCA or a charity regulator in the registrar column",
                )
        charity = row.first("charity_number")
        if charity and not _blank(charity):
            scheme = self.settings.directory.charity_scheme
            add(charity_id(charity, postcode, scheme), "charity_number", charity, "charity number")
        return ids

    def company_number(self, raw: str, postcode: str | None, record: str) -> str | None:
        """A plain number of up to 6 digits at a BT postcode is a Northern Irish company (NI + 6 digits)."""
        digits = re.sub(r"\s+", "", raw)
        if postcode and postcode.startswith("BT") and postcode[2:3].isdigit() and re.fullmatch(r"\d{1,6}", digits):
            rid = f"{SCHEME_COMPANIES_HOUSE}-NI{digits.zfill(6)}"
            self.repaired(
                f"{record} (company number {raw!r})",
                "company_number",
                "company number without its NI prefix at a Northern Irish postcode",
                "read as a Northern Irish company (NI + 6 digits)",
                "write Northern Irish company numbers with their NI prefix",
            )
            return rid
        return company_number_id(raw)

    def description(self, row: _Row) -> str:
        parts: list[str] = []
        for v in row.values("description"):
            if re.fullmatch(r"https?://\S+", v):
                continue  # a vocabulary URI, not prose
            text = " ".join(html.unescape(v).split())
            if text and text not in parts:
                parts.append(text)
        return "\n".join(parts)

    def cpv(self, row: _Row, record: str) -> tuple[str, ...]:
        out: list[str] = []
        for cell in row.values("cpv"):
            for raw in split_multi(cell, codes=True):
                code = normalise_cpv(raw)
                if code is None:
                    self.repaired(f"{record} (CPV {raw!r})", "cpv", "not a CPV code", "code left out")
                elif code not in out:
                    out.append(code)
        return tuple(out)

    def sic(self, row: _Row, record: str) -> tuple[str, ...]:
        out: list[str] = []
        cells = row.values("sic")
        for cell in cells[:1]:  # later SIC columns are fallbacks (e.g. "SIC code - level 2")
            for raw in split_multi(cell, codes=True):
                parsed = normalise_sic(raw)
                if parsed.code is None:
                    self.repaired(f"{record} (SIC {raw!r})", "sic", "not a SIC 2007 code", "code left out")
                    continue
                if parsed.kind == "leading zero":
                    self.repaired(
                        f"{record} (SIC {raw})",
                        "sic",
                        "SIC code lost its leading zero (spreadsheet number)",
                        "leading zero restored",
                        "store SIC codes as text",
                    )
                elif parsed.kind:
                    self.repaired(
                        f"{record} (SIC {raw})",
                        "sic",
                        f"SIC code is a {parsed.kind}, not a 5-digit subclass",
                        "padded with zeros on the right (e.g. 4711 -> 47110)",
                        "give the 5-digit SIC 2007 subclass",
                    )
                if parsed.code not in out:
                    out.append(parsed.code)
        return tuple(out)

    def amount(self, row: _Row, record: str, field: str) -> float | None:
        raw = row.first(field)
        if not raw:
            return None
        parsed = parse_amount(raw, self.settings.directory.turnover_range)
        if parsed.error:
            self.repaired(record, field, parsed.error, f"{field} left unknown", "write a GBP amount such as 120000")
        elif parsed.note:
            self.repaired(
                record,
                field,
                f"{field} given as a range or bound",
                f"{parsed.note} (directory.turnover_range)",
                "write a single GBP amount",
            )
        return parsed.value

    def radius(self, row: _Row, record: str) -> float | None:
        """The enterprise's stated maximum distance in km ("25", "25 km", "15 miles"), else None.

        Bare numbers are km, or miles when the column's header says so ("Max distance (miles)")."""
        raw = row.first("max_radius_km")
        if not raw:
            return None
        headers = [row.cmap.headers[i] for i in row.cmap.columns.get("max_radius_km", [])]
        km = parse_radius_km(raw, miles=any("mile" in h.lower() for h in headers))
        if km is None:
            fix = "write a distance such as 25 km or 15 miles"
            self.repaired(record, "max_radius_km", f"{raw!r} is not a distance", "radius left unknown", fix)
        return km

    def employees(self, row: _Row, record: str) -> int | None:
        raw = row.first("employees")
        if not raw:
            return None
        parsed = parse_amount(raw, "midpoint")
        if parsed.error or parsed.value is None:
            self.repaired(record, "employees", f"{raw!r} is not a number of employees", "employees left unknown")
            return None
        if parsed.note:
            self.repaired(record, "employees", "employees given as a range or bound", parsed.note, "write one number")
        return round(parsed.value)

    def locate(self, ent: Enterprise, row: _Row, record: str) -> None:
        lats, lons = self.cmap_cells(row, "latitude"), self.cmap_cells(row, "longitude")
        for lat_raw, lon_raw in zip(lats, lons, strict=False):
            if not lat_raw or not lon_raw:
                continue
            try:
                lat, lon = float(lat_raw), float(lon_raw)
            except ValueError:
                self.repaired(record, "latitude", f"coordinates {lat_raw!r}, {lon_raw!r} are not numbers", "ignored")
                continue
            if in_uk(lat, lon):
                ent.latitude, ent.longitude, ent.location_precision = lat, lon, "file"
                return
            if in_uk(lon, lat):
                ent.latitude, ent.longitude, ent.location_precision = lon, lat, "file"
                self.repaired(record, "latitude", "latitude and longitude swapped", "swapped back")
                return
            self.repaired(
                record, "latitude", f"coordinates {lat_raw}, {lon_raw} are outside the UK", "ignored; postcode used"
            )
        if ent.postcode:
            found = self.lookup().locate(ent.postcode)
            if found:
                ent.latitude, ent.longitude, ent.location_precision = found
                if found[2] == "district" and " " in ent.postcode:
                    self.repaired(
                        f"{record} (postcode {ent.postcode})",
                        "postcode",
                        "postcode not in the postcode data",
                        "located at its district's centroid",
                        "check the postcode, or set ingest.postcode_file to a newer ONS postcode directory",
                    )
                return
            if len(self.lookup()) == 0 and len(self.lookup().districts) == 0:
                self.repaired(
                    f"{record} (postcode {ent.postcode})",
                    "postcode",
                    "no postcode data to look the postcode up in",
                    "location unknown",
                    "install the postcodez package, or set ingest.postcode_file (or ingest.district_file)",
                )
                return
            self.repaired(
                f"{record} (postcode {ent.postcode})",
                "postcode",
                "neither the postcode nor its district is in the postcode data",
                "location unknown",
                "check the postcode, or set ingest.postcode_file to a newer ONS postcode directory",
            )
        else:
            self.repaired(record, "postcode", "no postcode or coordinates", "location unknown", "add the postcode")

    @staticmethod
    def cmap_cells(row: _Row, name: str) -> list[str]:
        return [row.cells[i].strip() if i < len(row.cells) else "" for i in row.cmap.columns.get(name, [])]


@dataclass
class _Seen:
    """Rows and ids already kept, so an exact duplicate row or a repeated id is reported, never merged."""

    rows: dict[tuple[str, ...], str] = field(default_factory=dict)
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)


def load_directory(
    path: str | Path,
    settings: Settings,
    report: IngestReport | None = None,
    postcodes: PostcodeLookup | None = None,
) -> tuple[list[Enterprise], IngestReport]:
    """Read one directory file into Enterprises, recording every skipped or repaired row in ``report``.

    ``postcodes`` defaults to ``load_postcode_lookup(settings)``, loaded only when some row needs it.
    Raises InputFileError when the file cannot be read at all or has no organisation-name column.
    """
    p = Path(path)
    report = report if report is not None else IngestReport()
    table = read_table(p, settings)
    if "format=json" in table.notes and len(table.rows) == 1:  # an empty JSON list: nothing to read
        report.files.append(str(p))
        report.counts["directory:enterprises"] += 0
        return [], report
    header_idx, cmap = _find_header(table, settings, p)
    _report_file(p, table, header_idx, cmap, report)
    builder = _Builder(p, settings, report, postcodes)
    enterprises: list[Enterprise] = []
    seen = _Seen()
    for label, cells in table.rows[header_idx + 1 :]:
        ent = _read_row(label, cells, table, cmap, builder, seen)
        if ent is not None:
            enterprises.append(ent)
    report.records_kept += len(enterprises)
    add_inferred_cpv(enterprises, report)
    for extra in settings.directory.enrichment:
        enrich(enterprises, load_enrichment(extra), report)
    report.counts["directory:enterprises"] += len(enterprises)
    report.counts["directory:with_coordinates"] += sum(1 for e in enterprises if e.latitude is not None)
    for e in enterprises:
        report.counts[f"directory:location_{e.location_precision or 'unknown'}"] += 1
    return enterprises, report


def _report_file(p: Path, table: Table, header_idx: int, cmap: ColumnMap, report: IngestReport) -> None:
    report.files.append(str(p))
    for note in table.notes:
        report.counts[f"directory:{note}"] += 1
    if header_idx:
        report.counts["directory:lines_before_header"] += header_idx
    for fname, header in cmap.pairs():
        report.counts[f"column:{fname}={header}"] += 1
    for problem, action, fix in table.file_problems:
        report.problem(p, "whole file", None, problem, action, fix)


def _read_row(
    label: str, cells: list[str], table: Table, cmap: ColumnMap, builder: _Builder, seen: _Seen
) -> Enterprise | None:
    """One data row -> a located Enterprise, or None after reporting why it is skipped (or that it is blank)."""
    report, p = builder.report, builder.path
    if label in table.bad:
        report.records_read += 1
        report.problem(p, label, None, table.bad[label], "skipped record", _FIX_SOURCE, skipped=True)
        return None
    if not any(c.strip() for c in cells):
        report.counts["directory:blank_rows"] += 1
        return None
    report.records_read += 1
    width = len(cmap.headers)
    _report_capped(label, table.capped.get(label, []), cmap, builder)
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        builder.repaired(label, None, f"row has {len(cells) - width} cell(s) beyond the header", "extra cells ignored")
    key = tuple(c.strip() for c in cells[:width])
    if key in seen.rows:
        report.problem(
            p, label, None, f"exact duplicate of {seen.rows[key]}", "skipped record", "remove one", skipped=True
        )
        return None
    seen.rows[key] = label
    row = _Row(cmap, cells)
    result = builder.build(row, label, int(label.rsplit(" ", 1)[-1]))
    if isinstance(result, str):
        report.problem(p, label, None, result, "skipped record", _FIX_SOURCE, skipped=True)
        return None
    if result.id in seen.ids:
        first_label, first_name = seen.ids[result.id]
        report.problem(
            p,
            label,
            "id",
            f"id {result.id!r} ({result.name!r}) already used by {first_label} ({first_name!r})",
            "skipped record; the first one kept (two organisations are never merged)",
            "give each organisation its own id",
            skipped=True,
        )
        return None
    seen.ids[result.id] = (label, result.name)
    builder.locate(result, row, label)
    return result


def _report_capped(label: str, capped: list[tuple[int, int]], cmap: ColumnMap, builder: _Builder) -> None:
    limit = builder.settings.ingest.max_field_chars
    for column, length in capped:
        header = cmap.headers[column] if column < len(cmap.headers) else f"column {column + 1}"
        action = f"cut to its first {limit:,} characters; the row is kept"
        fix = "check the cell; raise ingest.max_field_chars if it is genuine"
        builder.repaired(label, header, cap_message(header, length, limit), action, fix)


__all__ = [
    "AmountParse",
    "charity_id",
    "company_number_id",
    "load_directory",
    "mutuals_id",
    "normalise_legal_form",
    "parse_amount",
    "read_table",
    "slug_id",
    "split_multi",
]
