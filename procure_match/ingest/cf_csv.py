"""Contracts Finder website CSV export (43 columns) -> ``Tender``, row by row.

The export has no OCID, so a notice is ``cf-<Notice Identifier>``. Awarded notices pack every
supplier into one cell: ``[Name|Address|Ref type|Ref Number|Is SME|Is VCSE][...]...`` (up to 135
blocks). Addresses may themselves contain ``|``, so each block is read from both ends: the name is
the first field, the last four are ref type, number, SME and VCSE, and the address is what is left.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from procure_match.domain import (
    SCHEME_CHARITY_ENGLAND_WALES,
    SCHEME_CHARITY_NI,
    SCHEME_CHARITY_SCOTLAND,
    SCHEME_COMPANIES_HOUSE,
    Award,
    Contact,
    Location,
    Money,
    Supplier,
    Tender,
)
from procure_match.errors import InputFileError, NotNoticesError
from procure_match.ingest.money import build_money
from procure_match.ingest.ocds import read_cpv
from procure_match.ingest.stage import cf_csv_stage
from procure_match.ingest.textutil import clean_or_none, clean_text, find_postcode, parse_date, parse_datetime
from procure_match.reference.orgids import org_id

SOURCE = "Contracts Finder"
SUPPLIER_COLUMN = "Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]"
REQUIRED_COLUMNS = ("Notice Identifier", "Title")
KNOWN_COLUMNS = frozenset(
    {
        "Notice Identifier", "Notice Type", "Organisation Name", "Status", "Published Date", "Title",
        "Description", "Nationwide", "Postcode", "Region", "Cpv Codes", "Contact Name", "Contact Email",
        "Contact Address 1", "Contact Address 2", "Contact Town", "Contact Postcode", "Contact Country",
        "Contact Telephone", "Contact Website", "Attachments", "Links", "Additional Text", "Start Date",
        "End Date", "Closing Date", "Is sub-contract", "Parent Reference", "Suitable for SME",
        "Suitable for VCO", "Supply Chain", "OJEU Contract Type", "Value Low", "Value High", "Awarded Date",
        "Awarded Value", SUPPLIER_COLUMN, "Supplier's contact name", "Contract start date",
        "Contract end date", "OJEU Procedure Type", "Accelerated Justification", "Closing Time",
    }
)  # fmt: skip
REF_SCHEMES = {
    "COMPANIES_HOUSE": SCHEME_COMPANIES_HOUSE,
    "CHARITY_COMMISSION": SCHEME_CHARITY_ENGLAND_WALES,
    "SCOTTISH_CHARITY": SCHEME_CHARITY_SCOTLAND,
    "OSCR": SCHEME_CHARITY_SCOTLAND,
    "NI_CHARITY": SCHEME_CHARITY_NI,
}
CATEGORIES = {"services": "services", "works": "works", "products": "goods", "supplies": "goods", "goods": "goods"}
_CPV_SPLIT = re.compile(r"[\s,;]+")
CSV_FIX = "export the notices again from Contracts Finder (Search -> Download CSV) without editing the header"

Note = Callable[[str | None, str, str, str], None]


def _yes_no(value: str | None) -> bool | None:
    v = (value or "").strip().lower()
    if v in ("yes", "y", "true", "1"):
        return True
    if v in ("no", "n", "false", "0"):
        return False
    return None


def split_supplier_blocks(cell: str) -> list[str]:
    """``[a|b][c|d]`` -> ["a|b", "c|d"]. Brackets inside a block (rare) stay in it."""
    text = (cell or "").strip()
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [b for b in re.split(r"\]\s*\[", text) if b.strip()]


def parse_supplier_block(block: str) -> tuple[Supplier | None, str | None]:
    """(Supplier, issue) from ``Name|Address|Ref type|Ref Number|Is SME|Is VCSE``."""
    parts = block.split("|")
    if len(parts) < 6:
        name = clean_or_none(parts[0]) if parts else None
        if not name:
            return None, f"supplier block {block[:60]!r} has no name"
        issue = f"supplier block {block[:60]!r} has {len(parts)} fields, expected 6; name kept, other fields unknown"
        return Supplier(name=name), issue
    name = clean_or_none(parts[0])
    ref_type, ref_number, sme, vcse = (p.strip() for p in parts[-4:])
    address = "|".join(parts[1:-4])
    if not name:
        return None, f"supplier block {block[:60]!r} has no name"
    ids: tuple[str, ...] = ()
    scheme = REF_SCHEMES.get(ref_type.upper())
    if scheme and ref_number:
        normalised = org_id(scheme, ref_number)
        ids = (normalised or f"{scheme}-{ref_number.replace(' ', '').upper()}",)
    return (
        Supplier(
            name=name, identifiers=ids, postcode=find_postcode(address), is_sme=_yes_no(sme), is_vcse=_yes_no(vcse)
        ),
        None,
    )


def check_header(header: list[str] | None, path: Path) -> None:
    if not header:
        raise InputFileError("CSV has no header row", path=path, fix=CSV_FIX)
    names = {h.strip().lstrip("\ufeff") for h in header}
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise NotNoticesError(
            f"not a Contracts Finder CSV export: no column {', '.join(repr(c) for c in missing)}"
            f" (found {', '.join(sorted(names)[:6])}{'...' if len(names) > 6 else ''})",
            path=path,
            fix=CSV_FIX,
        )


BROKEN = "__broken__"  # key of the row dict yielded when the CSV breaks off part-way


def iter_rows(text: TextIO, path: Path) -> Iterator[tuple[int, dict[str, str], int, int]]:
    """(row number counting the header as row 1, row dict, fields in the row, fields in the header) per data row.

    A CSV that breaks off after the header yields one last row ``{BROKEN: reason}`` (the rest of the file),
    so rows already read are kept; a CSV unreadable from the start raises InputFileError. The caller sets
    ``csv.field_size_limit`` (``ingest.max_record_mb``).
    """
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputFileError(f"CSV header cannot be parsed ({exc})", path=path, fix=CSV_FIX) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(f"text encoding could not be read ({exc.reason})", path=path, fix="save as UTF-8") from exc
    check_header(header, path)
    assert header is not None
    header = [h.strip().lstrip("\ufeff") for h in header]
    number = 1
    try:
        for row in reader:
            number += 1
            if not any(cell.strip() for cell in row):
                continue
            values = {h: (row[i] if i < len(row) else "") for i, h in enumerate(header)}
            yield number, values, len(row), len(header)
    except (csv.Error, UnicodeDecodeError) as exc:
        yield number, {BROKEN: f"CSV breaks off near line {reader.line_num} ({exc}); the rest of the file"}, 0, 0


MoneyReader = Callable[..., Money]


def _check_width(n_fields: int, n_header: int, note: Note) -> None:
    # The export leaves off the last column (Closing Time) when it is empty: 42 of 43 fields is normal.
    if n_fields > n_header or n_fields < n_header - 1:
        note(
            None,
            f"row has {n_fields} fields but the header has {n_header}",
            "missing fields read as empty",
            "check the row was not cut or split when the file was edited",
        )


def _money_reader(fx_to_gbp: dict, note: Note) -> MoneyReader:
    def money(amount: str | None, low: str | None = None, field: str = "Value High") -> Money:
        m, issues = build_money(amount, "GBP" if amount or low else None, low=low, source=SOURCE, fx_to_gbp=fx_to_gbp)
        for problem, action in issues:
            note(field, problem, action, "publish the contract value on Contracts Finder")
        return m

    return money


def _row_cpvs(row: dict[str, str], note: Note) -> tuple[str, ...]:
    codes: list[str] = []
    for raw in _CPV_SPLIT.split(row.get("Cpv Codes") or ""):
        if not raw:
            continue
        code, repaired = read_cpv(raw)
        if repaired:
            note("Cpv Codes", repaired, "code repaired", "use 8-digit CPV 2008 codes such as 45000000")
        if code is None:
            note(
                "Cpv Codes",
                f"{raw!r} is not a valid CPV 2008 code",
                "code ignored",
                "use 8-digit CPV 2008 codes such as 45000000",
            )
        elif code not in codes:
            codes.append(code)
    return tuple(codes)


def _row_value(row: dict[str, str], money: MoneyReader) -> Money:
    low, high = (row.get("Value Low") or "").strip(), (row.get("Value High") or "").strip()
    return money(high or None, low or None, "Value Low/Value High") if (low or high) else money(None)


def _row_suppliers(row: dict[str, str], note: Note) -> list[Supplier]:
    suppliers = []
    for block in split_supplier_blocks(row.get(SUPPLIER_COLUMN) or ""):
        sup, issue = parse_supplier_block(block)
        if issue:
            note(
                SUPPLIER_COLUMN,
                issue,
                "supplier kept with what could be read" if sup else "supplier left out",
                "each supplier block needs 6 fields: Name|Address|Ref type|Ref Number|Is SME|Is VCSE",
            )
        if sup:
            suppliers.append(sup)
    return suppliers


def _row_awards(row: dict[str, str], notice: str, money: MoneyReader, note: Note) -> tuple[Award, ...]:
    suppliers = _row_suppliers(row, note)
    awarded_value = (row.get("Awarded Value") or "").strip()
    awarded_date = parse_datetime(row.get("Awarded Date"))
    if not (suppliers or awarded_value or awarded_date):
        return ()
    award = Award(
        id=f"cf-{notice}-award",
        status="active" if (row.get("Status") or "").strip().lower() == "awarded" else None,
        date=awarded_date,
        value=money(awarded_value or None, None, "Awarded Value"),
        suppliers=tuple(suppliers),
    )
    return (award,)


def _row_locations(row: dict[str, str]) -> tuple[Location, ...]:
    postcode = find_postcode(row.get("Postcode")) or clean_or_none(row.get("Postcode"))
    region = clean_or_none(row.get("Region"))
    locations = []
    if postcode or region:
        locations.append(Location(postcode=postcode, region=region))
    elif _yes_no(row.get("Nationwide")):
        locations.append(Location(region="United Kingdom", description="nationwide"))
    buyer_postcode = find_postcode(row.get("Contact Postcode"))
    if not postcode and buyer_postcode:
        buyer_place = "buyer address (no delivery postcode published)"
        locations.append(Location(postcode=buyer_postcode, description=buyer_place))
    return tuple(locations)


def _row_contact(row: dict[str, str]) -> Contact | None:
    """The buyer's contact for the notice (name, email, telephone, website), None when the row gives none."""
    contact = Contact(
        name=clean_or_none(row.get("Contact Name")),
        email=clean_or_none(row.get("Contact Email")),
        phone=clean_or_none(row.get("Contact Telephone")),
        website=clean_or_none(row.get("Contact Website")),
    )
    return contact if any((contact.name, contact.email, contact.phone, contact.website)) else None


def row_to_tender(row: dict[str, str], n_fields: int, n_header: int, *, fx_to_gbp: dict, note: Note) -> Tender | None:
    """One export row -> Tender; None (after a note) when the row has no Notice Identifier."""
    notice = (row.get("Notice Identifier") or "").strip()
    if not notice:
        return None
    _check_width(n_fields, n_header, note)
    money = _money_reader(fx_to_gbp, note)
    codes = _row_cpvs(row, note)
    links = (row.get("Links") or "").strip()
    return Tender(
        tender_id=f"cf-{notice}",
        notice_id=notice,
        source=SOURCE,
        title=clean_text(row.get("Title")),
        description=clean_text(row.get("Description")),
        buyer_name=clean_or_none(row.get("Organisation Name")),
        value=_row_value(row, money),
        main_cpv=codes[0] if codes else None,
        cpv_codes=codes,
        locations=_row_locations(row),
        published=parse_datetime(row.get("Published Date")),
        deadline=parse_datetime(row.get("Closing Date"), time_of_day=row.get("Closing Time")),
        contract_start=parse_date(row.get("Contract start date")) or parse_date(row.get("Start Date")),
        contract_end=parse_date(row.get("Contract end date")) or parse_date(row.get("End Date")),
        suitable_sme=_yes_no(row.get("Suitable for SME")),
        suitable_vcse=_yes_no(row.get("Suitable for VCO")),
        procurement_category=CATEGORIES.get((row.get("OJEU Contract Type") or "").strip().lower()),
        status=clean_or_none(row.get("Status")),
        url=next((u for u in re.split(r"[\s,;]+", links) if u.startswith("http")), None),
        awards=_row_awards(row, notice, money, note),
        stage=cf_csv_stage(row.get("Notice Type"), row.get("Status")),
        buyer_contact=_row_contact(row),
    )
