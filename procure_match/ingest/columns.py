"""Which column of a directory file holds which enterprise field.

A field is found, in order, by the user's mapping (``directory.columns``), by an exact match of
the normalised header against a synonym table ("Post Code" -> postcode), by rapidfuzz similarity
for misspelt headers ("Organisaton Name": same number of words, each word alike), and by
containment of a multi-word synonym ("Legal Form Subcategory 1" holds "legal form"; single words
never count this way, so "Country ID" is not an id). Each header serves one field. A field may
have several columns in rank order: the first non-empty one is used per row (e.g. Co-operatives
UK's empty "Latitude" then "Geo Container Latitude"); for ``description`` all matched columns are
joined.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from procure_match.errors import InputFileError

# Field -> synonyms (normalised: lower case, words separated by one space). Order = preference.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifier", "organisation id", "org id", "cuk organisation id", "enterprise id", "directory id"),
    "name": (
        "name",
        "organisation name",
        "organization name",
        "org name",
        "organisation",
        "registered name",
        "enterprise name",
        "company name",
        "charity name",
        "business name",
        "trading name",
    ),
    "description": (
        "description",
        "services",
        "about",
        "activities",
        "what the charity does",
        "how the charity works",
        "what we do",
        "summary",
        "objects",
    ),
    "postcode": ("postcode", "post code", "zip", "zip code", "postal code", "registered postcode"),
    "address": ("address", "public address", "registered address", "full address", "street address"),
    "turnover": ("turnover", "income", "annual turnover", "revenue", "total income", "annual income", "gross income"),
    "employees": ("employees", "staff", "headcount", "fte", "number of employees", "staff numbers", "employee count"),
    "legal_form": (
        "legal form",
        "organisational form",
        "company type",
        "legal structure",
        "legal status",
        "type of organisation",
    ),
    "ownership": ("ownership classification", "ownership", "ownership type"),
    "company_number": (
        "companies house number",
        "company number",
        "crn",
        "company registration number",
        "company reg no",
        "company no",
    ),
    "registered_number": ("registered number", "society number", "fca number", "mutuals register number"),
    "registrar": ("registrar", "register", "registration body"),
    "charity_number": (
        "charity number",
        "registered charity number",
        "reg charity number",
        "charity no",
        "charity registration number",
    ),
    "sectors": ("sectors", "sector", "industry", "sector simplified high level"),
    "sic": ("sic", "sic code", "sic codes", "sic 2007", "sic2007"),
    "cpv": ("cpv", "cpv codes", "cpv code"),
    "certifications": ("certifications", "accreditations", "certification", "accreditation", "certificates"),
    "consortia": ("consortia", "consortium", "network", "networks", "consortium membership"),
    "max_contract_value": ("max contract value", "maximum contract value", "max contract size"),
    "max_radius_km": (
        "max radius",
        "maximum radius",
        "service radius",
        "travel radius",
        "delivery radius",
        "radius km",
        "max distance",
        "maximum distance",
        "max travel distance",
        "radius",
    ),
    "email": ("email", "e mail", "email address", "contact email"),
    "phone": ("phone", "telephone", "phone number", "tel", "contact phone"),
    "website": ("website", "web site", "web", "url", "homepage"),
    "latitude": ("latitude", "lat", "geo container latitude"),
    "longitude": ("longitude", "lon", "long", "lng", "geo container longitude"),
    "status": ("status", "registered status", "organisation status", "charity status"),
    "dissolved": ("dissolved date", "date dissolved", "dissolution date", "date removed", "removal date"),
}
FIELDS = tuple(SYNONYMS)
JOINED_FIELDS = frozenset({"description"})
# Fields read from one column only: a second column would silently change what a number means.
SINGLE_FIELDS = frozenset({"turnover", "employees", "max_contract_value", "max_radius_km"})
MAX_COLUMNS_PER_FIELD = 3
# A header holding one of these words is not a containment match for a synonym lacking it.
_NEGATIVE_WORDS = ("description", "date", "url", "uri", "sub", "contact")


def normalise_header(header: object) -> str:
    """ "Annual Turnover (£) " -> "annual turnover"; "E-mail" -> "e mail"; "Post_Code" -> "post code"."""
    text = str(header or "").replace("\ufeff", "").lower()
    text = re.sub(r"\([^)]*\)", " ", text)  # units in brackets: "(£)", "(GBP)"
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


@dataclass
class ColumnMap:
    """Field -> column indices in rank order, plus how each was found (for the report)."""

    headers: list[str]
    columns: dict[str, list[int]] = field(default_factory=dict)
    how: dict[tuple[str, int], str] = field(default_factory=dict)  # (field, column) -> "mapped" / "exact" / ...

    def has(self, name: str) -> bool:
        return bool(self.columns.get(name))

    def pairs(self) -> list[tuple[str, str]]:
        """(field, header) for every mapped column, in field order then rank order."""
        return [(f, self.headers[i].strip()) for f in FIELDS for i in self.columns.get(f, [])]

    def notes(self) -> list[str]:
        """ "name=Organisation Name (exact)" lines, one per (field, column), in field order."""
        out = []
        for f in FIELDS:
            for i in self.columns.get(f, []):
                out.append(f"{f}={self.headers[i]} ({self.how[(f, i)]})")
        return out


@functools.lru_cache(maxsize=16_384)  # pure; a header row of 100,000 repeated cells is scored once per text
def _score(norm: str, synonyms: tuple[str, ...], threshold: int) -> tuple[float, str] | None:
    """Best (score, how) of one normalised header against one field's synonyms, or None."""
    if not norm:
        return None
    if norm in synonyms:
        return 200.0 - synonyms.index(norm) * 0.1, "exact"
    best: tuple[float, str] | None = None
    words = norm.split()
    for syn in synonyms:
        syn_words = syn.split()
        # Fuzzy only for misspellings: same number of words, each word alike ("sub" is not "reg").
        if len(syn) < 5 or len(syn_words) != len(words):
            continue
        if any(fuzz.ratio(a, b) < 70 for a, b in zip(words, syn_words, strict=True)):
            continue
        ratio = fuzz.ratio(norm, syn)
        if ratio >= threshold and (best is None or ratio > best[0]):
            best = (float(ratio), f"fuzzy {ratio:.0f}")
    if best:
        return best
    for syn in synonyms:
        syn_words = syn.split()
        if len(syn_words) < 2 or any(w in words and w not in syn_words for w in _NEGATIVE_WORDS):
            continue
        n = len(syn_words)
        if any(words[i : i + n] == syn_words for i in range(len(words) - n + 1)):
            return 80.0 - (len(words) - n), "contains " + repr(syn)
    return None


def detect_columns(headers: list[str], mapping: dict[str, str] | None, threshold: int, *, path: str) -> ColumnMap:
    """Map headers to fields: the user's mapping first, then synonyms (exact, fuzzy, containment).

    Raises InputFileError when the mapping names an unknown field or a header the file lacks.
    """
    cmap = ColumnMap(headers=list(headers))
    norms = [normalise_header(h) for h in headers]
    used: set[int] = set()
    for fname, header in (mapping or {}).items():
        if fname not in SYNONYMS:
            raise InputFileError(
                f"directory.columns names unknown field {fname!r}",
                path=path,
                fix=f"use one of: {', '.join(FIELDS)}",
            )
        wanted = normalise_header(header)
        idx = next((i for i, h in enumerate(headers) if h == header), None)
        if idx is None:
            idx = next((i for i, n in enumerate(norms) if n == wanted and wanted), None)
        if idx is None:
            shown = ", ".join(repr(h) for h in headers[:40])
            raise InputFileError(
                f"directory.columns.{fname} = {header!r} is not a header of this file (headers: {shown})",
                path=path,
                fix=f"set directory.columns.{fname} to one of the headers listed",
            )
        cmap.columns[fname] = [idx]
        cmap.how[(fname, idx)] = "mapped"
        used.add(idx)

    # Every (score, field, column) candidate; each column goes to the field it matches best.
    mapped_fields = set(cmap.columns)
    best_for_column: dict[int, tuple[float, str, str]] = {}
    for i, norm in enumerate(norms):
        if i in used:
            continue
        for fname, synonyms in SYNONYMS.items():
            if fname in mapped_fields:
                continue
            scored = _score(norm, synonyms, threshold)
            if scored and (i not in best_for_column or scored[0] > best_for_column[i][0]):
                best_for_column[i] = (scored[0], fname, scored[1])
    ranked: dict[str, list[tuple[float, int, str]]] = {}
    for i, (score, fname, how) in best_for_column.items():
        ranked.setdefault(fname, []).append((-score, i, how))
    for fname, items in ranked.items():
        items.sort()
        limit = 1 if fname in SINGLE_FIELDS else MAX_COLUMNS_PER_FIELD
        for _neg, i, how in items[:limit]:
            cmap.columns.setdefault(fname, []).append(i)
            cmap.how[(fname, i)] = how
    return cmap
