"""UK postcode text, wide delivery areas and great-circle distance: pure functions, no files.

A UK postcode is an outward code (area letters + district, e.g. "B12", "SW1A") and an inward code
(sector digit + unit letters, e.g. "9QD"). ``normalise_postcode`` returns the canonical spaced,
upper-case form of a full postcode, or the outward code alone when only a district is given.
"""

from __future__ import annotations

import math
import re

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INWARD = r"[0-9][A-Z]{2}"
_FULL = re.compile(rf"^({_OUTWARD})({_INWARD})$")
_DISTRICT = re.compile(rf"^({_OUTWARD})$")
_SPECIAL = {"GIR0AA": "GIR 0AA"}  # Girobank's historic non-standard postcode
# A postcode inside free text (addresses): word boundaries, optional single space.
_IN_TEXT = re.compile(rf"\b({_OUTWARD})\s?({_INWARD})\b")

# Bounding box of the UK with the Channel Islands and the Isle of Man (generous by a few km).
UK_LAT = (49.0, 61.5)
UK_LON = (-9.0, 2.5)


# Regions that are not one place: a notice delivered across one of these has no delivery point.
WIDE_AREAS = frozenset(
    {
        "any region",
        "anywhere",
        "nationwide",
        "national",
        "uk",
        "united kingdom",
        "gb",
        "great britain",
        "england",
        "scotland",
        "wales",
        "northern ireland",
    }
)


def is_wide_area(region: str | None) -> bool:
    """True for a region naming the whole UK, one of its nations, "Any region", or several regions.

    Contracts Finder writes "Any region", "United Kingdom", "England" or a comma-separated list of
    regions ("North East,North West") when the work is not at one place; the NUTS code "UK" is the
    whole country. A single English region ("West Midlands") is not a wide area.
    """
    if not region:
        return False
    text = " ".join(region.casefold().split())
    return text in WIDE_AREAS or "," in text or ";" in text


def normalise_postcode(raw: object) -> str | None:
    """ "b12 9qd" -> "B12 9QD"; "B129QD" -> "B12 9QD"; "b12" -> "B12"; not a postcode -> None."""
    if raw is None:
        return None
    compact = re.sub(r"\s+", "", str(raw)).upper()
    if not compact:
        return None
    if compact in _SPECIAL:
        return _SPECIAL[compact]
    m = _FULL.match(compact)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    if _DISTRICT.match(compact):
        return compact
    return None


def postcode_district(postcode: str) -> str | None:
    """The outward code (district) of a full postcode or a district: "B12 9QD" -> "B12"."""
    norm = normalise_postcode(postcode)
    if norm is None:
        return None
    return norm.split(" ", 1)[0]


def is_full_postcode(postcode: str) -> bool:
    norm = normalise_postcode(postcode)
    return norm is not None and " " in norm


def find_postcode(text: object) -> str | None:
    """The last full postcode written inside free text (an address), normalised; None if none."""
    if not text:
        return None
    found = _IN_TEXT.findall(str(text).upper())
    if not found:
        return None
    outward, inward = found[-1]
    return f"{outward} {inward}"


_DISTANCE_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km|kms|kilomet(?:er|re)s?|mi|miles?)?\s*$", re.IGNORECASE)
KM_PER_MILE = 1.609344


def parse_radius_km(raw: object, *, miles: bool = False) -> float | None:
    """A distance written in a directory cell, in km: "25" -> 25.0, "25 km", "15 miles" -> 24.1; else None.

    A bare number is in km, or in miles when ``miles`` (the column's header says miles)."""
    m = _DISTANCE_TEXT.match(str(raw or ""))
    if not m or float(m.group(1)) <= 0:
        return None
    unit = (m.group(2) or ("mi" if miles else "km")).lower()
    return round(float(m.group(1)) * (KM_PER_MILE if unit.startswith("mi") else 1.0), 1)


def in_uk(lat: float, lon: float) -> bool:
    """True when the point lies inside the UK bounding box (Channel Islands included)."""
    return UK_LAT[0] <= lat <= UK_LAT[1] and UK_LON[0] <= lon <= UK_LON[1]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_array(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Vectorised haversine: arguments broadcast like numpy arrays (e.g. one point vs many).

    ``haversine_km_array(lat, lon, lats[:, None], lons[:, None])`` gives a distance matrix.
    NaN coordinates give NaN distances (unknown, never zero).
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
