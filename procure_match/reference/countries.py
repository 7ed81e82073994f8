"""Countries outside the UK named in place fields or free text: pure lookups over ISO 3166 (pycountry).

``place_country`` reads a place field (an OCDS ``countryName`` or ``region``, a Contracts Finder
"Region" part): a country name, common name or ISO alpha-2 / alpha-3 code, or "Rest of the World" /
"Europe". ``countries_in_text`` finds country names in a title or description; names that are also
common English words or UK places ("Jersey", "Turkey", "China", "Georgia", "Iceland" ...) are only
read from place fields, never from text. The UK, its nations and the Crown Dependencies (Isle of
Man, Channel Islands, inside the UK bounding box) are never "outside the UK".
"""

from __future__ import annotations

import functools
import re

import pycountry

# The UK and places Contracts Finder lists beside it that are not overseas for delivery.
UK_PLACES = frozenset(
    {
        "gb", "gbr", "uk", "united kingdom", "great britain", "england", "scotland", "wales", "northern ireland",
        "isle of man", "channel islands", "jersey", "guernsey", "im", "imn", "je", "jey", "gg", "ggy",
        "any region", "nationwide", "national",
    }
)  # fmt: skip
# Wide areas outside the UK that name no single country.
WORLD_AREAS = {"rest of the world": "Rest of the World", "europe": "Europe", "worldwide": "worldwide"}
# Everyday names not in ISO 3166's short or common names.
ALIASES = {
    "Russia": "RU", "Czech Republic": "CZ", "Ivory Coast": "CI", "Palestine": "PS", "Turkey": "TR",
    "Democratic Republic of the Congo": "CD", "DRC": "CD", "USA": "US", "United States": "US",
    "Burma": "MM", "Macedonia": "MK", "Cape Verde": "CV", "Swaziland": "SZ", "Brunei": "BN",
}  # fmt: skip
# Country names that are also words or UK names: trusted in place fields, never in free text.
TEXT_AMBIGUOUS = frozenset(
    {
        "Jersey", "Guernsey", "Georgia", "Jordan", "Chad", "Turkey", "Guinea", "Niger", "Mali", "Togo",
        "China", "Iceland", "Chile", "Cuba", "Oman", "Peru", "Panama", "Bermuda", "Dominica", "Monaco",
        "Malta", "Norfolk Island", "Christmas Island", "Saint Helena, Ascension and Tristan da Cunha",
        "Holy See (Vatican City State)", "Ireland",
    }
)  # fmt: skip


@functools.cache
def _names() -> dict[str, str]:
    """Lower-case name or code -> the country's display name (common name where ISO has one)."""
    out: dict[str, str] = {}
    for c in pycountry.countries:
        display = getattr(c, "common_name", None) or c.name
        for key in (c.name, display, getattr(c, "official_name", None), c.alpha_2, c.alpha_3):
            if key:
                out[key.casefold()] = display
    for alias, code in ALIASES.items():
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            out[alias.casefold()] = getattr(country, "common_name", None) or country.name
    for uk in UK_PLACES:
        out.pop(uk, None)
    return out


@functools.cache
def _text_pattern() -> re.Pattern[str]:
    """Capitalised, word-bounded country names for free text (longest first, ambiguous ones left out)."""
    names = {c.name for c in pycountry.countries} | {getattr(c, "common_name", c.name) for c in pycountry.countries}
    names |= set(ALIASES) - {"DRC", "USA"}
    plain = (n for n in names if n not in TEXT_AMBIGUOUS and "," not in n and "(" not in n)
    keep = sorted((n for n in plain if n.casefold() not in UK_PLACES), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in keep) + r")\b")


@functools.cache
def _after_in_pattern() -> re.Pattern[str]:
    """ "in <country>" / "in the <country>": the same names as ``_text_pattern``, after "in"."""
    return re.compile(r"\bin (?:the )?" + _text_pattern().pattern.removeprefix(r"\b"))


def place_country(value: str | None) -> str | None:
    """The country or world area outside the UK a place field names exactly, else None.

    "Ukraine" -> "Ukraine"; "UA" -> "Ukraine"; "Viet Nam" -> "Vietnam"; "Rest of the World" ->
    "Rest of the World"; "United Kingdom", "England", "Any region", "Leeds" -> None.
    """
    if not value:
        return None
    key = " ".join(value.split()).casefold()
    if key in UK_PLACES:
        return None
    return WORLD_AREAS.get(key) or _names().get(key)


def is_uk_place(value: str | None) -> bool:
    """True when a place field names the UK, one of its nations, the Crown Dependencies or "Any region"."""
    return bool(value) and " ".join(str(value).split()).casefold() in UK_PLACES


def countries_in_text(text: str | None) -> list[str]:
    """Country names (display form) written in free text, in order of first mention, no repeats.

    "Northern Ireland" is removed first, so it never reads as Ireland (which is text-ambiguous anyway).
    """
    if not text:
        return []
    found: list[str] = []
    for m in _text_pattern().finditer(text.replace("Northern Ireland", "")):
        name = _names().get(m.group(1).casefold())
        if name and name not in found:
            found.append(name)
    return found


def countries_after_in(text: str | None) -> list[str]:
    """Countries written as "in <country>" ("services in Nigeria"), the way a description says where work is."""
    if not text:
        return []
    found: list[str] = []
    for m in _after_in_pattern().finditer(text.replace("Northern Ireland", "")):
        name = _names().get(m.group(1).casefold())
        if name and name not in found:
            found.append(name)
    return found
