"""UK regions (ITL1 / NUTS1), their centres, and which region a postcode lies in: pure lookups.

The twelve ITL1 regions of the UK are the "Region" values of Contracts Finder ("North East", ...,
"Northern Ireland") and the NUTS1 codes UKC..UKN (ITL1 codes TLC..TLN) of OCDS addresses. A deeper
NUTS / ITL code ("UKF3", "TLG31") belongs to the region of its first three characters.

``POSTCODE_AREA_REGION`` names the region holding most of each postcode area's people (a few areas
straddle a boundary: KT and DA are counted in the South East, EN in the East of England, SY in the
West Midlands, CH in the North West). The region centres shipped in ``data/itl1_region_centres.csv``
are derived from it by ``region_centres_from_districts``: the population-weighted mean of the
postcode-district centroids of each region's areas, from the doogal.co.uk district export of
December 2020 (ONS/OS data, OGL v3; ``bench/derive_region_centres.py`` rebuilds the file).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping
from importlib import resources

_CENTRES_FILE = "itl1_region_centres.csv"

# ITL1 region name by NUTS1 code (ITL1 codes are the same with "TL" for "UK").
NUTS1_REGIONS: dict[str, str] = {
    "UKC": "North East",
    "UKD": "North West",
    "UKE": "Yorkshire and The Humber",
    "UKF": "East Midlands",
    "UKG": "West Midlands",
    "UKH": "East of England",
    "UKI": "London",
    "UKJ": "South East",
    "UKK": "South West",
    "UKL": "Wales",
    "UKM": "Scotland",
    "UKN": "Northern Ireland",
}

_AREAS_BY_REGION: dict[str, str] = {
    "North East": "NE SR DH DL TS",
    "North West": "CA LA PR BB BL FY L WN WA M OL SK CW CH",
    "Yorkshire and The Humber": "YO HU DN S HD HX HG LS BD WF",
    "East Midlands": "DE NG LE LN NN",
    "West Midlands": "B CV WS WV DY ST TF WR HR SY",
    "East of England": "CB CO IP NR CM SS SG AL LU PE EN",
    "London": "E EC N NW SE SW W WC BR CR HA IG RM SM TW UB",
    "South East": "BN CT GU ME MK OX PO RG RH SL SO TN HP KT DA",
    "South West": "BA BH BS DT EX GL PL SN SP TA TQ TR",
    "Wales": "CF LD LL NP SA",
    "Scotland": "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE",
    "Northern Ireland": "BT",
}
POSTCODE_AREA_REGION: dict[str, str] = {
    area: region for region, areas in _AREAS_BY_REGION.items() for area in areas.split()
}
_AREA = re.compile(r"^([A-Z]{1,2})[0-9]")
_CODE = re.compile(r"^(UK|TL)([C-N])[0-9A-Z]{0,3}$")


def region_name(text: str | None) -> str | None:
    """The ITL1 region a Contracts Finder region name or a NUTS / ITL code names, else None.

    "yorkshire and the humber" -> "Yorkshire and The Humber"; "UKF3" -> "East Midlands";
    "TLI" -> "London"; "England" (a nation, not a region) -> None.
    """
    if not text:
        return None
    compact = " ".join(text.split())
    code = _CODE.match(compact.upper())
    if code:
        return NUTS1_REGIONS.get(f"UK{code.group(2)}")
    folded = compact.casefold()
    return next((name for name in NUTS1_REGIONS.values() if name.casefold() == folded), None)


def postcode_region(postcode: str | None) -> str | None:
    """The ITL1 region of a postcode's area ("LN1 1YL" -> "East Midlands"); None when unknown."""
    if not postcode:
        return None
    m = _AREA.match(postcode.strip().upper())
    return POSTCODE_AREA_REGION.get(m.group(1)) if m else None


@functools.cache
def region_centres() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each ITL1 region's population centre, from the shipped table."""
    text = resources.files("procure_match.reference").joinpath("data", _CENTRES_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["region"]: (float(row["latitude"]), float(row["longitude"])) for row in rows}


def region_centres_from_districts(rows: Iterable[Mapping[str, str]]) -> dict[str, tuple[float, float]]:
    """Population-weighted centres of the regions from doogal-style district rows.

    Each row has Postcode (the district, "LN1"), Latitude, Longitude and Population (rows with no
    population count with the number of active postcodes, then with weight 1).
    """
    sums: dict[str, list[float]] = {}
    for row in rows:
        region = postcode_region(row.get("Postcode"))
        lat, lon = _number(row.get("Latitude")), _number(row.get("Longitude"))
        if region is None or lat is None or lon is None:
            continue
        weight = _number(row.get("Population")) or _number(row.get("Active postcodes")) or 1.0
        acc = sums.setdefault(region, [0.0, 0.0, 0.0])
        acc[0] += weight * lat
        acc[1] += weight * lon
        acc[2] += weight
    return {region: (round(a / w, 4), round(b / w, 4)) for region, (a, b, w) in sums.items() if w > 0}


def _number(raw: str | None) -> float | None:
    try:
        return float(raw) if raw not in (None, "") else None
    except ValueError:
        return None
