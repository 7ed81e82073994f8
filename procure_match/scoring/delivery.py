"""Where the work is done and whether that place matters: pure functions, no files.

Two questions about a notice (or lot), answered with a reason a reader can check:

* **Delivery mode** (``delivery_mode``): *on site* (works, cleaning, catering, care, grounds,
  transport, security ...), *remote-capable* (consultancy, IT, research, design, printing, audit,
  legal, translation ...) or *mixed*, from the CPV codes (``CPV_MODES``, divisions and groups of
  CPV 2008) and from keywords in the title and description. Distance counts fully, partly or not
  at all by mode (``scan.distance_weight_on_site`` / ``_mixed`` / ``_remote``).
* **Delivery place** (``delivery_place``): the notice's own place of performance first (delivery
  coordinates or postcode, then one UK region by its population centre), then the buyer's address.
  A wide-area label ("England", "United Kingdom", "Any region", several regions) with a *local*
  buyer (a council, an NHS trust, a police force, a school ...) means the buyer's area; with any
  other buyer the work is "not one place". Delivery outside the UK (a country in a place field,
  coordinates outside the UK, or a country named in the title) is flagged and never placed at the
  buyer's office.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from procure_match.domain import Location
from procure_match.reference.countries import countries_after_in, countries_in_text, is_uk_place, place_country
from procure_match.reference.cpv import significant
from procure_match.reference.geo import WIDE_AREAS, in_uk, is_wide_area, normalise_postcode
from procure_match.reference.regions import postcode_region, region_centres, region_name

ON_SITE = "on site"
REMOTE = "remote-capable"
MIXED = "mixed"
MODES = (ON_SITE, MIXED, REMOTE)
BUYER_ADDRESS = "buyer address"  # how ingest labels the buyer's address added as a stand-in location
# How a delivery place was decided, best evidence first.
PLACE_BASES = (
    "overseas", "notice place", "region", "buyer in region", "buyer's area", "wide area", "buyer address", "unknown"
)  # fmt: skip

# CPV prefix -> (mode, what it is). The longest prefix of the notice's code wins; a mode of None
# means the division holds both kinds and the text decides (mixed when it does not).
CPV_MODES: dict[str, tuple[str | None, str]] = {
    "45": (ON_SITE, "construction work"),
    "50": (ON_SITE, "repair and maintenance services"),
    "503": (MIXED, "repair of computers and office equipment"),
    "51": (ON_SITE, "installation services"),
    "55": (ON_SITE, "hotel, catering and food-serving services"),
    "60": (ON_SITE, "transport services"),
    "63": (ON_SITE, "supporting transport services"),
    "635": (REMOTE, "travel agency services"),
    "641": (ON_SITE, "post and courier services"),
    "642": (REMOTE, "telecommunications services"),
    "65": (ON_SITE, "public utilities"),
    "66": (REMOTE, "financial and insurance services"),
    "70": (MIXED, "real estate services"),
    "71": (MIXED, "architectural, engineering and inspection services"),
    "712": (REMOTE, "architectural design services"),
    "715": (ON_SITE, "construction-related services"),
    "72": (REMOTE, "IT services"),
    "48": (REMOTE, "software and information systems"),
    "73": (REMOTE, "research and development services"),
    "75": (MIXED, "administration and community services"),
    "76": (ON_SITE, "oil and gas industry services"),
    "77": (ON_SITE, "agricultural, forestry and horticultural services"),
    "79": (None, "business services"),
    "791": (REMOTE, "legal services"),
    "792": (REMOTE, "accounting and auditing services"),
    "7921": (REMOTE, "auditing services"),
    "793": (REMOTE, "market research and statistics"),
    "794": (REMOTE, "business and management consultancy"),
    "795": (MIXED, "office-support services"),
    "7953": (REMOTE, "translation services"),
    "7954": (ON_SITE, "interpretation services"),
    "796": (MIXED, "recruitment and supply of personnel"),
    "797": (ON_SITE, "investigation and security services"),
    "798": (REMOTE, "printing and related services"),
    "7982": (REMOTE, "printing and design services"),
    "799": (None, "miscellaneous business services"),
    "7993": (REMOTE, "specialty design services"),
    "79993": (ON_SITE, "building and facilities management"),
    "7995": (ON_SITE, "event organisation services"),
    "80": (MIXED, "education and training services"),
    "801": (ON_SITE, "primary education services"),
    "802": (ON_SITE, "secondary education services"),
    "85": (ON_SITE, "health and social work services"),
    "90": (ON_SITE, "sewage, refuse, cleaning and environmental services"),
    "9091": (ON_SITE, "cleaning services"),
    "9071": (MIXED, "environmental management"),
    "92": (MIXED, "recreational, cultural and sporting services"),
    "98": (MIXED, "community, social and personal services"),
}
GOODS = (MIXED, "goods delivered to the buyer")  # divisions 03-44: made anywhere, delivered to a place
DESCRIPTION_CHARS = 2000  # keywords and countries are looked for in a description's first 2,000 characters

# Keywords in the title or description (case-insensitive, whole words; "IT" is matched as written).
ON_SITE_WORDS = (
    r"clean(ing|ers?)", r"catering", r"canteen", r"meals?", r"kitchens?", r"grounds?( maintenance)?",
    r"garden(ing|s)", r"landscap(e|ing)", r"grass cutting", r"tree (works|surgery)", r"construction",
    r"refurbish(ment)?", r"repairs?", r"maintenance", r"install(ation)?", r"building works", r"roof(ing)?",
    r"demolition", r"decorat(ing|ion)", r"fencing", r"plumbing", r"heating", r"boilers?", r"asbestos",
    r"waste", r"recycling", r"removals?", r"taxis?", r"transport", r"minibus(es)?", r"coach(es)?",
    r"passenger", r"couriers?", r"security (guard(s|ing)?|officers?|services)", r"guarding", r"concierge",
    r"caretak(er|ing)", r"janitorial", r"care homes?", r"domiciliary", r"home care", r"residential (care|homes?)",
    r"supported (living|housing)", r"nursing", r"respite", r"day (centres?|services|opportunities)",
    r"childcare", r"nurser(y|ies)", r"youth (work|clubs?)", r"outreach", r"on[- ]site", r"pest control",
    r"facilities management", r"laundry", r"vending", r"highways?", r"resurfacing", r"drainage",
    r"street lighting", r"traffic management", r"works",
)  # fmt: skip
REMOTE_WORDS = (
    r"consultan(cy|ts?)", r"advisory", r"research", r"evaluations?", r"audit(s|ing|ors?)?", r"legal",
    r"solicitors?", r"translation", r"transcription", r"software", r"licen[cs](e|es|ing)", r"saas",
    r"cloud", r"hosting", r"websites?", r"web development", r"digital", r"apps?", r"data", r"analytics",
    r"analysis", r"graphic design", r"design services", r"branding", r"printing", r"print", r"publications?",
    r"copywriting", r"marketing", r"advertising", r"insurance", r"actuarial", r"accountan(cy|ts)",
    r"accounting", r"payroll", r"banking", r"feasibility stud(y|ies)", r"strategy", r"e-learning",
    r"online", r"virtual", r"remote(ly)?", r"helpline", r"webinars?", r"subscriptions?", r"database",
    r"modelling",
)  # fmt: skip
_ON_SITE_RE = re.compile(r"\b(" + "|".join(ON_SITE_WORDS) + r")\b", re.IGNORECASE)
_REMOTE_RE = re.compile(r"\b(" + "|".join(REMOTE_WORDS) + r")\b", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"[,;]")
_IT_RE = re.compile(r"\bIT\b")  # information technology, not the pronoun

# Buyers whose area a wide-area label means (by name), and national buyers whose wide area stays wide.
_NATIONAL_BUYER = re.compile(
    r"\b(department (for|of)|ministry|home office|cabinet office|foreign,? commonwealth|hm (revenue|treasury|courts"
    r"|prison|land)|his majesty|crown commercial|nhs england|nhs supply chain|nhs business services|national"
    r"|agency|government|parliament|defence|british council|innovate uk|uk research|hmrc|dwp|dvla|dvsa|ofsted"
    r"|office (for|of) )",
    re.IGNORECASE,
)
_LOCAL_BUYER = re.compile(
    r"\b(council|borough|metropolitan|nhs (foundation )?trust|foundation trust|hospitals?|integrated care board"
    r"|icb|clinical commissioning|police|constabulary|fire (and|&) rescue|schools?|academy|academies|college"
    r"|university|housing|homes|combined authority|city region|transport for)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DeliveryMode:
    """How place-bound the work is, with the evidence ("on site: CPV 90910000 cleaning services")."""

    mode: str  # ON_SITE | MIXED | REMOTE
    evidence: str  # "CPV 79212200 auditing services", "'taxi' in the title"

    @property
    def reason(self) -> str:
        return f"{self.mode}: {self.evidence}"


@dataclass(frozen=True, slots=True)
class DeliveryPlace:
    """Where the work is: a point, a wide area, or a place outside the UK, and how that was decided."""

    point: tuple[float, float] | None = None
    label: str | None = None  # "LN1 1YL, buyer's area (Lincolnshire County Council; 'England' read as its area)"
    wide_area: str | None = None  # "United Kingdom": not one place
    overseas: str | None = None  # "Ukraine": delivered outside the UK
    basis: str = "unknown"  # one of PLACE_BASES: how the place was decided


def cpv_mode(codes: Sequence[str]) -> tuple[str, str | None, str] | None:
    """(code, mode or None for 'the text decides', what it is) of the first code the table knows."""
    for code in codes:
        best = next((code[:n] for n in range(5, 1, -1) if code[:n] in CPV_MODES), None)
        if best is not None:
            return code, *CPV_MODES[best]
        if code[:2].isdigit() and 3 <= int(code[:2]) <= 44:
            return code, *GOODS
    return None


def text_mode(title: str, description: str) -> tuple[str, str] | None:
    """(mode, evidence) from keywords: the title first, the description when the title has none.

    Words of both kinds in the same text make it mixed.
    """
    for text, where in ((title, "title"), (description, "description")):
        on_site = _ON_SITE_RE.search(text or "")
        remote = _REMOTE_RE.search(text or "") or _IT_RE.search(text or "")
        if on_site and remote:
            return MIXED, f"'{on_site.group(0).lower()}' and '{remote.group(0)}' in the {where}"
        if on_site:
            return ON_SITE, f"'{on_site.group(0)}' in the {where}"
        if remote:
            return REMOTE, f"'{remote.group(0)}' in the {where}"
    return None


def delivery_mode(codes: Sequence[str], title: str, description: str) -> DeliveryMode:
    """On site, remote-capable or mixed, from the CPV table (codes below division level beat text) and keywords.

    A CPV code that names its kind decides, except that a division-level code contradicted by the
    title gives "mixed". A division that holds both kinds (79 business services) lets the text
    decide; with no code and no keyword the mode is mixed ("not known"). Keywords are only read
    when the code does not decide (most notices: no text is scanned).
    """
    cpv = cpv_mode(codes)
    if cpv is not None and cpv[1] is not None:
        code, mode, what = cpv[0], cpv[1], cpv[2]
        evidence = f"CPV {code} {what}"
        if len(significant(code)) <= 2:
            text = text_mode(title, "")
            if text and text[0] != mode:
                return DeliveryMode(MIXED, f"{evidence}, but {text[1]}")
        return DeliveryMode(mode, evidence)
    text = text_mode(title, description[:DESCRIPTION_CHARS])
    if text is not None:
        suffix = f" (CPV {cpv[0]} {cpv[2]})" if cpv else ""
        return DeliveryMode(text[0], text[1] + suffix)
    if cpv is not None:
        return DeliveryMode(MIXED, f"CPV {cpv[0]} {cpv[2]} can be on site or remote")
    return DeliveryMode(MIXED, "not known from CPV codes or keywords")


def mode_weight(mode: str, on_site: float, mixed: float, remote: float) -> float:
    """The factor on the distance weight for a delivery mode."""
    return {ON_SITE: on_site, MIXED: mixed, REMOTE: remote}.get(mode, mixed)


def buyer_scope(buyer_name: str | None) -> str | None:
    """ "national", "local" or None (not recognised) from the buyer's name.

    National first: "NHS England", "Department for Education", "Crown Commercial Service", "Home
    Office"; local: a council, an NHS trust, a police force, a school or academy, a housing body.
    """
    if not buyer_name:
        return None
    if _NATIONAL_BUYER.search(buyer_name):
        return "national"
    if _LOCAL_BUYER.search(buyer_name):
        return "local"
    return None


def _is_buyer_address(loc: Location) -> bool:
    return bool(loc.description and loc.description.startswith(BUYER_ADDRESS))


def overseas_in_places(locations: Sequence[Location]) -> str | None:
    """The countries outside the UK the place fields name, when they name no place in the UK; else None.

    All of a notice's own places count together: "Ukraine" is outside the UK; "United Kingdom,
    Europe, Rest of the World" (one Contracts Finder region list, or one OCDS deliveryLocation
    each) is not. Coordinates outside the UK, a non-UK NUTS code or an address country count as
    foreign; a postcode, UK coordinates, a UK NUTS code or a UK region or nation as in the UK.
    Names neither list knows ("Leeds", "Sumy Oblast") count as neither. The buyer's address never counts.
    """
    foreign: list[str] = []
    for loc in locations:
        if _is_buyer_address(loc):
            continue
        names, in_uk_here = _place_kinds(loc)
        if in_uk_here:
            return None
        foreign += names
    return ", ".join(dict.fromkeys(foreign)) if foreign else None


def _place_kinds(loc: Location) -> tuple[list[str], bool]:
    """(places outside the UK one location names, whether it names a place in the UK)."""
    if loc.latitude is not None and loc.longitude is not None:
        inside = in_uk(loc.latitude, loc.longitude)
        return ([] if inside else [loc.description or f"{loc.latitude:.2f}, {loc.longitude:.2f}"]), inside
    if loc.postcode:
        return [], True
    if loc.nuts:
        inside = loc.nuts.upper().startswith(("UK", "TL"))
        return ([] if inside else [place_country(loc.nuts[:2]) or loc.nuts]), inside
    parts = [p.strip() for p in _LIST_SEPARATOR.split(loc.region or "") if p.strip()]
    if not parts and loc.description:
        parts = [loc.description.rsplit(",", 1)[-1].strip()]  # an address description ends with its country
    foreign = [f for f in (place_country(p) for p in parts) if f]
    return foreign, any(is_uk_place(p) or region_name(p) for p in parts)


Locate = Callable[[str], "tuple[float, float, str] | None"]


def _postcode_point(postcode: str | None, locate: Locate | None) -> tuple[tuple[float, float], str] | None:
    if not postcode or locate is None:
        return None
    found = locate(postcode)
    if found is None:
        return None
    precision = "" if found[2] == "postcode" else f", {found[2]} centre"
    return (found[0], found[1]), f"{postcode}{precision}"


def _own_point(locations: Sequence[Location], locate: Locate | None) -> tuple[tuple[float, float], str] | None:
    """The first delivery point the notice itself gives: coordinates or a postcode the lookup knows."""
    for loc in locations:
        if _is_buyer_address(loc):
            continue
        if loc.latitude is not None and loc.longitude is not None:
            return (float(loc.latitude), float(loc.longitude)), loc.postcode or loc.description or "the coordinates"
        found = _postcode_point(loc.postcode, locate)
        if found is not None:
            return found
    return None


def _stated_area(locations: Sequence[Location]) -> tuple[str | None, str | None]:
    """(one UK region named by the notice, wide area named by the notice), from its own locations."""
    for loc in locations:
        if _is_buyer_address(loc) or loc.postcode:
            continue
        for value in (loc.region, loc.nuts):
            if is_wide_area(value):
                return None, value
            region = region_name(value)
            if region:
                return region, None
        if not (loc.region or loc.nuts) and loc.description and loc.description.casefold() in WIDE_AREAS:
            return None, loc.description  # an OCDS deliveryLocation described as "Anywhere" or "United Kingdom"
    return None, None


def _buyer_point(locations: Sequence[Location], locate: Locate | None) -> tuple[tuple[float, float], str] | None:
    for loc in locations:
        if _is_buyer_address(loc):
            found = _postcode_point(loc.postcode, locate)
            if found is not None:
                return found
    return None


def _buyer_postcode(locations: Sequence[Location]) -> str | None:
    return next((loc.postcode for loc in locations if _is_buyer_address(loc) and loc.postcode), None)


def _in_region(region: str, locations: Sequence[Location], locate: Locate | None) -> DeliveryPlace:
    """One region named: the buyer's address when it lies in that region (more precise), else its centre."""
    postcode = _buyer_postcode(locations)
    if postcode and postcode_region(normalise_postcode(postcode)) == region:
        found = _buyer_point(locations, locate)
        if found is not None:
            label = f"{found[1]}, the buyer's address in {region}"
            return DeliveryPlace(point=found[0], label=label, basis="buyer in region")
    centre = region_centres().get(region)
    if centre is None:
        return DeliveryPlace()
    return DeliveryPlace(point=centre, label=f"{region}, region centre", basis="region")


def _overseas_in_title(title: str, description: str, buyer_kind: str | None) -> str | None:
    """A country named in the title (or "in <country>" in the description) of a buyer that is not local."""
    if buyer_kind == "local":
        return None
    return _countries_named(title, description[:DESCRIPTION_CHARS])


@functools.lru_cache(maxsize=4096)
def _countries_named(title: str, description: str) -> str | None:
    named = countries_in_text(title) or countries_after_in(description)
    return ", ".join(named) if named else None


def delivery_place(
    locations: Sequence[Location],
    *,
    buyer_name: str | None,
    title: str = "",
    description: str = "",
    locate: Locate | None = None,
) -> DeliveryPlace:
    """Where the work is done (see the module docstring for the order of evidence)."""
    overseas = overseas_in_places(locations)
    if overseas:
        return DeliveryPlace(overseas=overseas, basis="overseas")
    own = _own_point(locations, locate)
    if own is not None:
        return DeliveryPlace(point=own[0], label=own[1], basis="notice place")
    region, wide = _stated_area(locations)
    if region:
        return _in_region(region, locations, locate)
    kind = buyer_scope(buyer_name)
    overseas = _overseas_in_title(title, description, kind)
    if overseas:
        return DeliveryPlace(overseas=overseas, basis="overseas")
    buyer = _buyer_point(locations, locate)
    if wide and kind == "local" and buyer is not None:
        label = f"{buyer[1]}, the buyer's area ({buyer_name}; '{wide}' read as its area)"
        return DeliveryPlace(point=buyer[0], label=label, basis="buyer's area")
    if wide:
        return DeliveryPlace(wide_area=wide, basis="wide area")
    if buyer is not None:
        label = f"{buyer[1]}, the buyer's address: no delivery place published"
        return DeliveryPlace(point=buyer[0], label=label, basis="buyer address")
    return DeliveryPlace()
