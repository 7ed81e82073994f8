"""A compiled OCDS release -> ``Tender``, with the UK extensions; records -> releases to compile.

Reads OCDS 1.0 and 1.1 and the UK profile: ``tender.suitability.sme``/``vcse`` (and the older
Contracts Finder ``tender.xClassifications.isSuitableForSme/Vco``), party ``details.scale``/``vcse``
(and inline supplier ``sme``/``vco`` flags), ``reservedParticipation`` (in ``tender.otherRequirements``
and/or ``tender``), lots, CPV from ``classification``/``additionalClassifications`` of tender, items
and award items, delivery addresses and locations, periods, values, awards with suppliers resolved
against ``parties`` (scheme-prefixed ids such as ``GB-COH-01234567``), the buyer likewise.

Record-level issues go to ``note(field, problem, action, fix)``; nothing here touches files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from procure_match.domain import (
    SCHEME_COMPANIES_HOUSE,
    SCHEME_MUTUALS_REGISTER,
    Award,
    Location,
    Lot,
    Money,
    NoticeStage,
    Supplier,
    Tender,
)
from procure_match.ingest.compile import OcidState, sorted_release_ids
from procure_match.ingest.money import build_money
from procure_match.ingest.stage import ocds_stage
from procure_match.ingest.textutil import clean_or_none, clean_text, find_postcode, parse_date, parse_datetime
from procure_match.reference.cpv import normalise_cpv
from procure_match.reference.orgids import org_id

# OCID prefixes of UK publishers (registered with the Open Contracting Partnership).
OCID_PUBLISHERS = {
    "ocds-b5fd17": "Contracts Finder",
    "ocds-h6vhtk": "Find a Tender",
    "ocds-r6ebe6": "Public Contracts Scotland",
    "ocds-kuma6s": "Sell2Wales",
}  # TED data is recognised by its package publisher name (no confirmed OCID prefix)
_PUBLISHER_NAMES = (
    ("contracts finder", "Contracts Finder"),
    ("contractsfinder", "Contracts Finder"),
    ("find a tender", "Find a Tender"),
    ("find-tender", "Find a Tender"),
    ("public contracts scotland", "Public Contracts Scotland"),
    ("sell2wales", "Sell2Wales"),
    ("gwerthwchigymru", "Sell2Wales"),
    ("publications office", "TED"),
    ("ted", "TED"),
)
_FLOAT_CODE = re.compile(r"^(\d{7,9})\.0+$")
_NUTS = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,3}$")
_ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]+-\S+$")
SME_SCALES = frozenset({"sme", "micro", "small", "medium"})
NOTICE_DOC_TYPES = ("tenderNotice", "contractNotice", "awardNotice", "biddingDocuments", "plannedProcurementNotice")

Note = Callable[[str | None, str, str, str], None]


def source_of(ocid: str | None, publisher: str | None) -> str | None:
    """Publisher from the OCID prefix, else from the package's ``publisher.name``."""
    if isinstance(ocid, str):
        prefix = "-".join(ocid.lower().split("-")[:2])
        if prefix in OCID_PUBLISHERS:
            return OCID_PUBLISHERS[prefix]
    if publisher:
        low = publisher.lower()
        for needle, name in _PUBLISHER_NAMES:
            if needle in low if len(needle) > 3 else re.search(rf"\b{needle}\b", low):
                return name
        return publisher
    return None


# --- records ----------------------------------------------------------------------------------


def _is_versioned_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "releaseID" in v and "value" in v for v in value)
    )


def unversion(value: Any) -> Any:
    """A versioned release -> a compiled one: each versioned field takes its latest value."""
    if _is_versioned_list(value):
        latest = max(value, key=lambda v: (str(v.get("releaseDate") or ""),))
        return unversion(latest.get("value"))
    if isinstance(value, dict):
        return {k: unversion(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unversion(v) for v in value]
    return value


def looks_versioned(release: dict) -> bool:
    return any(_is_versioned_list(v) for k, v in release.items() if k != "ocid")


def releases_of_record(record: dict) -> tuple[list[dict], str | None]:
    """Releases to compile for a record: its compiledRelease, else its full embedded releases, else
    its versionedRelease. Returns ([], reason) when none is usable (linked releases only)."""
    ocid = record.get("ocid")
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        rel = dict(compiled)
        rel.setdefault("ocid", ocid)
        if "id" not in rel and isinstance(record.get("releases"), list):
            rel["id"] = f"{ocid}-compiled"
        return [rel], None
    embedded = record.get("releases")
    full = []
    if isinstance(embedded, list):
        for rel in embedded:
            if isinstance(rel, dict) and any(k in rel for k in ("tender", "awards", "parties", "buyer", "planning")):
                rel = dict(rel)
                rel.setdefault("ocid", ocid)
                full.append(rel)
    if full:
        return full, None
    versioned = record.get("versionedRelease")
    if isinstance(versioned, dict):
        rel = unversion(versioned)
        rel.setdefault("ocid", ocid)
        return [rel], None
    return [], "record has no compiledRelease and its releases are links only (no data to compile)"


# --- small readers ----------------------------------------------------------------------------


def _d(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x: Any) -> list:
    return x if isinstance(x, list) else []


def _s(x: Any) -> str | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (str, int, float)):
        text = str(x).strip()
        return text or None
    return None


def _b(x: Any) -> bool | None:
    if isinstance(x, bool):
        return x
    if isinstance(x, str) and x.strip().lower() in ("true", "yes", "y"):
        return True
    if isinstance(x, str) and x.strip().lower() in ("false", "no", "n"):
        return False
    return None


def _cpvs(classifications: list, note: Note, where_field: str) -> list[str]:
    out = []
    for c in classifications:
        c = _d(c)
        scheme = (_s(c.get("scheme")) or "CPV").upper()
        if scheme not in ("CPV", "CPVS"):
            continue
        if scheme == "CPVS":
            continue
        code, repaired = read_cpv(c.get("id"))
        if repaired:
            note(where_field, repaired, "code repaired", "publish CPV codes as text such as 45000000-7")
        if code is None:
            if c.get("id") not in (None, ""):
                note(
                    where_field,
                    f"CPV code {c.get('id')!r} is not a valid CPV 2008 code",
                    "code ignored",
                    "publish 8-digit CPV 2008 codes such as 45000000-7",
                )
            continue
        out.append(code)
    return out


def read_cpv(raw: Any) -> tuple[str | None, str | None]:
    """(8-digit CPV code or None, repair note). Also repairs "45233130.0" left by a spreadsheet float."""
    code = normalise_cpv(raw)
    if code is None and raw is not None and not isinstance(raw, bool):
        m = _FLOAT_CODE.match(str(raw).strip())
        if m:
            code = normalise_cpv(m.group(1))
            if code:
                return code, f"CPV code {raw!r} looks like a number turned into a decimal; read as {code}"
    return code, None


def _item_cpvs(item: dict, note: Note, field: str) -> list[str]:
    codes = _cpvs([item.get("classification")], note, f"{field}.classification")
    codes += _cpvs(_l(item.get("additionalClassifications")), note, f"{field}.additionalClassifications")
    return codes


def _unique(values) -> tuple:
    out: list = []
    for v in values:
        if v is not None and v not in out:
            out.append(v)
    return tuple(out)


def _location(addr: dict, description: str | None = None) -> Location | None:
    region = _s(addr.get("region"))
    nuts = region if region and _NUTS.match(region) else None
    postcode = find_postcode(_s(addr.get("postalCode"))) or _s(addr.get("postalCode"))
    parts = [_s(addr.get("locality")), _s(addr.get("countryName")) or _s(addr.get("country"))]
    desc = description or ", ".join(p for p in parts if p) or None
    loc = Location(
        postcode=postcode.upper() if postcode else None,
        region=None if nuts else region,
        nuts=nuts,
        description=desc,
    )
    if not any((loc.postcode, loc.region, loc.nuts, loc.description)):
        return None
    return loc


def _delivery_location(obj: dict) -> Location | None:
    geometry = _d(obj.get("geometry"))
    coords = _l(geometry.get("coordinates"))
    lat = lon = None
    if len(coords) == 2 and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords):
        lon, lat = float(coords[0]), float(coords[1])  # GeoJSON order: longitude, latitude
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            lat = lon = None
    desc = clean_or_none(obj.get("description"))
    if desc is None and lat is None:
        return None
    return Location(description=desc, latitude=lat, longitude=lon)


def _item_locations(item: dict) -> list[Location]:
    """Delivery places of an item, a tender or a lot: deliveryAddress(es), deliveryLocation(s), placeOfPerformance."""
    locs = []
    for place in _l(item.get("placeOfPerformance")) or [item.get("placeOfPerformance")]:
        place = _d(place)
        loc = _location(_d(place.get("address")) or place) or _delivery_location(place)
        if loc:
            locs.append(loc)
    for addr in _l(item.get("deliveryAddresses")):
        loc = _location(_d(addr))
        if loc:
            locs.append(loc)
    if isinstance(item.get("deliveryAddress"), dict):
        loc = _location(item["deliveryAddress"])
        if loc:
            locs.append(loc)
    for key in ("deliveryLocation",):
        loc = _delivery_location(_d(item.get(key)))
        if loc:
            locs.append(loc)
    for obj in _l(item.get("deliveryLocations")):
        loc = _delivery_location(_d(obj))
        if loc:
            locs.append(loc)
    return locs


def scheme_id(scheme: Any, ident: Any) -> str | None:
    """ "GB-COH" + "1234567" -> "GB-COH-01234567" (Companies House numbers padded to 8)."""
    scheme_s, ident_s = _s(scheme), _s(ident)
    if not ident_s or ident_s in ("0",):
        return None
    if ident_s.endswith(".0") and ident_s[:-2].isdigit():  # a number that went through a spreadsheet float
        ident_s = ident_s[:-2]
    if not scheme_s:
        return ident_s if _ORG_ID.match(ident_s) else None
    scheme_s = scheme_s.upper()
    if scheme_s in (SCHEME_COMPANIES_HOUSE, SCHEME_MUTUALS_REGISTER):
        return org_id(scheme_s, ident_s) or f"{scheme_s}-{ident_s}"
    if ident_s.upper().startswith(scheme_s + "-"):
        return ident_s
    return f"{scheme_s}-{ident_s}"


def party_identifiers(party: dict) -> tuple[str, ...]:
    ids = [scheme_id(_d(party.get("identifier")).get("scheme"), _d(party.get("identifier")).get("id"))]
    for extra in _l(party.get("additionalIdentifiers")):
        ids.append(scheme_id(_d(extra).get("scheme"), _d(extra).get("id")))
    pid = _s(party.get("id"))
    if pid and _ORG_ID.match(pid):
        ids.append(pid)
    return _unique(ids)


def _supplier(ref: dict, parties: dict[str, dict]) -> Supplier | None:
    party = parties.get(_s(ref.get("id")) or "\x00", {})
    merged = {**ref, **party} if party else ref
    name = clean_or_none(merged.get("name")) or clean_or_none(_d(merged.get("identifier")).get("legalName"))
    if not name:
        return None
    details = _d(merged.get("details"))
    scale = _s(details.get("scale"))
    is_sme = (scale.lower() in SME_SCALES) if scale else _b(merged.get("sme"))
    is_vcse = _b(details.get("vcse"))
    if is_vcse is None:
        is_vcse = _b(merged.get("vco"))
    if is_vcse is None:
        is_vcse = _b(merged.get("vcse"))
    addr = _d(merged.get("address"))
    postcode = find_postcode(_s(addr.get("postalCode"))) or find_postcode(_s(addr.get("streetAddress")))
    ids = party_identifiers(merged) if party else party_identifiers(ref)
    return Supplier(name=name, identifiers=ids, postcode=postcode, is_sme=is_sme, is_vcse=is_vcse)


def _value_or_lot_sum(value: Money, lots: list[Lot]) -> Money:
    """The tender's own value; when it has none, the sum of its lots' values if every lot has one in one currency."""
    if value.known or not lots or not all(lot.value.known for lot in lots):
        return value
    currencies = {lot.value.currency for lot in lots}
    if len(currencies) != 1:
        return value
    total = sum(lot.value.amount or 0.0 for lot in lots)
    gbp = [lot.value.amount_gbp for lot in lots]
    notes = [f"no tender value published; sum of the {len(lots)} lot values"]
    notes += sorted({lot.value.gbp_note for lot in lots if lot.value.gbp_note})
    return Money(
        amount=total,
        currency=currencies.pop(),
        amount_gbp=round(sum(g for g in gbp if g is not None), 2) if all(g is not None for g in gbp) else None,
        gbp_note="; ".join(notes),
    )


# --- the mapping, one section at a time ------------------------------------------------------

MoneyReader = Callable[[Any, Any, str], Money]


def _parties_by_id(release: dict) -> dict[str, dict]:
    parties: dict[str, dict] = {}
    for party in _l(release.get("parties")):
        pid = _s(_d(party).get("id"))
        if pid:
            parties[pid] = party
    return parties


_GROSS_FIX = "publish value.amount (net of VAT) beside value.amountGross"


def _money_reader(source: str | None, fx_to_gbp: dict[str, float], note: Note) -> MoneyReader:
    """``money(value, minValue, field)`` for this release: a Money, with its issues noted against ``field``."""

    def money(value: Any, low: Any, field: str) -> Money:
        v, lo = _d(value), _d(low)
        amount = v.get("amount")
        currency = v.get("currency") or lo.get("currency")
        if amount in (None, "") and v.get("amountGross") not in (None, ""):
            # Find a Tender (Procurement Act 2023) publishes amount (net of VAT) and amountGross; some only the gross
            amount = v.get("amountGross")
            note(
                field, "only the gross value (including VAT) is published", "gross value used as the value", _GROSS_FIX
            )
        m, issues = build_money(amount, currency, low=lo.get("amount"), source=source, fx_to_gbp=fx_to_gbp)
        for problem, action in issues:
            note(field, problem, action, "publish the value with its currency (OCDS value.amount and value.currency)")
        return m

    return money


@dataclass(slots=True)
class _Items:
    """CPV codes and delivery places from the tender's items, the award items and the tender itself."""

    cpv_codes: tuple[str, ...]
    lot_codes: dict[str, list[str]]
    lot_locs: dict[str, list[Location]]
    locations: list[Location]


def _items(release: dict, tender: dict, note: Note) -> _Items:
    main = _cpvs([tender.get("classification")], note, "tender.classification")
    item_codes: list[str] = []
    lot_codes: dict[str, list[str]] = {}
    lot_locs: dict[str, list[Location]] = {}
    locations: list[Location] = []
    for n, item in enumerate(_d(i) for i in _l(tender.get("items"))):
        codes = _item_cpvs(item, note, f"tender.items[{n}]")
        item_codes += codes
        locs = _item_locations(item)
        locations += locs
        rel_lot = _s(item.get("relatedLot"))
        if rel_lot:
            lot_codes.setdefault(rel_lot, []).extend(codes)
            lot_locs.setdefault(rel_lot, []).extend(locs)
    award_codes: list[str] = []
    for award in _l(release.get("awards")):
        for n, item in enumerate(_l(_d(award).get("items"))):
            item = _d(item)
            award_codes += _item_cpvs(item, note, f"awards.items[{n}]")
            locations += _item_locations(item)
    locations += _item_locations(tender)  # tender-level deliveryAddresses / deliveryLocation(s)
    return _Items(_unique(main + item_codes + award_codes), lot_codes, lot_locs, locations)


def _buyer(
    release: dict, tender: dict, parties: dict[str, dict], locations: list[Location]
) -> tuple[str | None, str | None]:
    """(buyer name, buyer id); adds the buyer's address to ``locations`` when no delivery place is known."""
    buyer_ref = _d(release.get("buyer")) or _d(tender.get("procuringEntity"))
    buyer_party = parties.get(_s(buyer_ref.get("id")) or "\x00")
    if buyer_party is None:
        buyer_party = next((p for p in parties.values() if "buyer" in _l(_d(p).get("roles"))), None)
    buyer = {**buyer_ref, **(buyer_party or {})}
    buyer_name = clean_or_none(buyer.get("name")) or clean_or_none(_d(buyer.get("identifier")).get("legalName"))
    buyer_ids = party_identifiers(buyer) if buyer else ()
    buyer_id = buyer_ids[0] if buyer_ids else _s(buyer.get("id"))
    if buyer and not any(loc.postcode or loc.latitude is not None for loc in locations):
        addr_loc = _location(_d(buyer.get("address")))
        if addr_loc and (addr_loc.postcode or not locations):
            addr_loc.description = "buyer address (no delivery postcode published)"
            locations.append(addr_loc)
    return buyer_name, buyer_id


def _lots(tender: dict, items: _Items, money: MoneyReader) -> tuple[list[Lot], list[datetime]]:
    """The lots, and the deadlines the lots give (for a tender without its own)."""
    lots = []
    lot_deadlines = []
    for n, lot in enumerate(_d(x) for x in _l(tender.get("lots"))):
        lot_id = _s(lot.get("id")) or str(n + 1)
        lot_deadline = parse_datetime(_d(lot.get("tenderPeriod")).get("endDate"))
        if lot_deadline:
            lot_deadlines.append(lot_deadline)
        lots.append(
            Lot(
                id=lot_id,
                title=clean_or_none(lot.get("title")),
                description=clean_or_none(lot.get("description")),
                value=money(lot.get("value"), lot.get("minValue"), f"tender.lots[{n}].value"),
                cpv_codes=_unique(items.lot_codes.get(lot_id, [])),
                locations=_unique(items.lot_locs.get(lot_id, []) + _item_locations(lot)),
                status=_s(lot.get("status")),
            )
        )
    return lots, lot_deadlines


def _award_suppliers(award: dict, n: int, parties: dict[str, dict], note: Note) -> tuple[Supplier, ...]:
    suppliers = []
    for ref in _l(award.get("suppliers")):
        sup = _supplier(_d(ref), parties)
        if sup is None:
            note(
                f"awards[{n}].suppliers",
                "supplier has no name",
                "supplier left out",
                "publish each supplier's name in parties and awards.suppliers",
            )
            continue
        suppliers.append(sup)
    return tuple(suppliers)


def _awards(release: dict, parties: dict[str, dict], money: MoneyReader, note: Note) -> list[Award]:
    awards = []
    for n, award in enumerate(_d(a) for a in _l(release.get("awards"))):
        awards.append(
            Award(
                id=_s(award.get("id")) or str(n + 1),
                title=clean_or_none(award.get("title")),
                status=_s(award.get("status")),
                date=parse_datetime(award.get("date")),
                value=money(award.get("value"), award.get("minValue"), f"awards[{n}].value"),
                suppliers=_award_suppliers(award, n, parties, note),
                lot_ids=tuple(str(x) for x in _l(award.get("relatedLots")) if _s(x)),
            )
        )
    return awards


def _contract_period(release: dict, tender: dict) -> tuple[date | None, date | None]:
    """Contract start and end: tender.contractPeriod, CF 1.0 milestones, else the first award's period."""
    period = _d(tender.get("contractPeriod"))
    start, end = parse_date(period.get("startDate")), parse_date(period.get("endDate"))
    for milestone in _l(tender.get("milestones")):  # Contracts Finder 1.0: "Contract start"/"Contract end"
        title = (_s(_d(milestone).get("title")) or "").lower()
        due = parse_date(_d(milestone).get("dueDate"))
        if start is None and title == "contract start":
            start = due
        if end is None and title == "contract end":
            end = due
    if start is None and end is None:
        for award in _l(release.get("awards")):
            aperiod = _d(_d(award).get("contractPeriod"))
            start, end = parse_date(aperiod.get("startDate")), parse_date(aperiod.get("endDate"))
            if start or end:
                break
    return start, end


def _suitability(tender: dict) -> tuple[bool | None, bool | None]:
    """(suitable for SMEs, suitable for VCSEs): the UK profile, else the older CF xClassifications."""
    suitability = _d(tender.get("suitability"))
    xclass = _d(tender.get("xClassifications"))
    sme = _b(suitability.get("sme"))
    vcse = _b(suitability.get("vcse"))
    if sme is None:
        sme = _b(xclass.get("isSuitableForSme"))
    if vcse is None:
        vcse = _b(xclass.get("isSuitableForVco"))
    return sme, vcse


def _reserved(tender: dict) -> tuple[str, ...]:
    reserved: list[str] = []
    holders = [_d(tender.get("otherRequirements")), tender]
    holders += [_d(_d(lot).get("otherRequirements")) for lot in _l(tender.get("lots"))]
    for holder in holders:
        value = holder.get("reservedParticipation")
        reserved += [value] if isinstance(value, str) else [x for x in _l(value) if isinstance(x, str)]
    return _unique(reserved)


def _category(tender: dict) -> str | None:
    category = _s(tender.get("mainProcurementCategory"))
    if category is None:
        ojeu = (_s(_d(tender.get("xClassifications")).get("ojeuContractType")) or "").lower()
        category = {"services": "services", "works": "works", "products": "goods", "supplies": "goods"}.get(ojeu)
    return category


def _documents(release: dict) -> list[dict]:
    """Every document of the tender, then of the awards, then of planning."""
    tender = _d(release.get("tender"))
    docs = _l(tender.get("documents")) + [d for a in _l(release.get("awards")) for d in _l(_d(a).get("documents"))]
    return [_d(d) for d in docs + _l(_d(release.get("planning")).get("documents"))]


def _notice_url(release: dict) -> str | None:
    for doc in _documents(release):
        if _s(doc.get("documentType")) in NOTICE_DOC_TYPES and _s(doc.get("url")):
            return _s(doc.get("url"))
    return None


def _stage(release: dict, state: OcidState) -> NoticeStage:
    tender = _d(release.get("tender"))
    notice_types = [_s(doc.get("noticeType")) for doc in _documents(release)]
    has_awards = bool(_l(release.get("awards")))
    return ocds_stage(_s(tender.get("status")), state.latest_tags, notice_types, has_awards)


def release_to_tender(
    release: dict,
    state: OcidState,
    *,
    fx_to_gbp: dict[str, float],
    note: Note,
    default_publisher: str | None = None,
) -> Tender:
    """Map one compiled release (already merged across its releases) to a Tender."""
    ocid = state.ocid
    source = source_of(ocid, state.publisher or default_publisher)
    tender = _d(release.get("tender"))
    parties = _parties_by_id(release)
    money = _money_reader(source, fx_to_gbp, note)
    items = _items(release, tender, note)
    buyer_name, buyer_id = _buyer(release, tender, parties, items.locations)
    lots, lot_deadlines = _lots(tender, items, money)
    cpv_codes = items.cpv_codes or _unique(c for lot in lots for c in lot.cpv_codes)
    awards = _awards(release, parties, money, note)
    deadline = parse_datetime(_d(tender.get("tenderPeriod")).get("endDate"))
    if deadline is None and lot_deadlines:
        deadline = min(lot_deadlines)
    start, end = _contract_period(release, tender)
    sme, vcse = _suitability(tender)
    title = clean_text(tender.get("title")) or next((a.title for a in awards if a.title), "") or ""
    return Tender(
        tender_id=ocid,
        ocid=ocid,
        notice_id=_s(tender.get("id")),
        source=source,
        title=title,
        description=clean_text(tender.get("description")),
        buyer_name=buyer_name,
        buyer_id=buyer_id,
        value=_value_or_lot_sum(money(tender.get("value"), tender.get("minValue"), "tender.value"), lots),
        main_cpv=cpv_codes[0] if cpv_codes else None,
        cpv_codes=cpv_codes,
        lots=tuple(lots),
        locations=_unique(items.locations),
        published=parse_datetime(tender.get("datePublished")) or state.first_date,
        deadline=deadline,
        contract_start=start,
        contract_end=end,
        suitable_sme=sme,
        suitable_vcse=vcse,
        reserved_participation=_reserved(tender),
        procurement_category=_category(tender),
        status=_s(tender.get("status")),
        url=_notice_url(release),
        awards=tuple(awards),
        amendments=tuple(sorted(state.amendments.values(), key=lambda a: (a.date is None, a.date or 0, a.release_id))),
        release_ids=sorted_release_ids(state),
        source_file=state.source_file,
        stage=_stage(release, state),
        future_notice_date=parse_datetime(_d(tender.get("communication")).get("futureNoticeDate")),
    )
