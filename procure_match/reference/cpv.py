"""CPV 2008: code normalisation, hierarchy levels and descriptions.

A CPV code is 8 digits plus an optional check digit ("45212000-6"). The hierarchy is by prefix:
division = 2 digits, group = 3, class = 4, category = 5 (trailing zeros pad a code to 8 digits,
so "45200000" is the group 452). The package ships an English description of each of the 45
divisions (used to check codes), and the full 9,454-code CPV 2008 list in
``reference/data/cpv2008_en.csv``, which ``default_vocabulary`` uses unless settings
``ingest.cpv_vocabulary`` names another file: a code is described by its own words (79993000
"Building and facilities management services"), else by its most specific known parent.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from importlib import resources
from pathlib import Path

from procure_match.errors import InputFileError

# Our own plain-English wording of the 45 CPV 2008 divisions.
DIVISIONS: dict[str, str] = {
    "03": "Farming, fishing, forestry and horticultural products",
    "09": "Fuels, petroleum products, electricity and other energy",
    "14": "Mining products and basic metals",
    "15": "Food, drink and tobacco products",
    "16": "Agricultural machinery",
    "18": "Clothing, footwear, bags and accessories",
    "19": "Leather, textiles, plastics and rubber",
    "22": "Printed matter and publications",
    "24": "Chemical products",
    "30": "Office and computer equipment and supplies",
    "31": "Electrical equipment, lighting and consumables",
    "32": "Radio, TV, telecommunication equipment",
    "33": "Medical equipment, medicines and personal care products",
    "34": "Vehicles and transport equipment",
    "35": "Security, fire-fighting, police and defence equipment",
    "37": "Musical instruments, sports goods, toys, crafts and art materials",
    "38": "Laboratory, optical and precision equipment",
    "39": "Furniture, furnishings, domestic appliances and cleaning products",
    "41": "Collected and purified water",
    "42": "Industrial machinery",
    "43": "Mining, quarrying and construction machinery",
    "44": "Construction structures, materials and building products",
    "45": "Construction work",
    "48": "Software packages and information systems",
    "50": "Repair and maintenance services",
    "51": "Installation services (not software)",
    "55": "Hotel, catering, restaurant and retail services",
    "60": "Transport services (not waste)",
    "63": "Transport support services and travel agencies",
    "64": "Postal and telecommunications services",
    "65": "Public utilities",
    "66": "Financial and insurance services",
    "70": "Real estate services",
    "71": "Architecture, engineering, surveying and inspection services",
    "72": "IT services: consultancy, software development, internet and support",
    "73": "Research and development and related consultancy",
    "75": "Public administration, defence and social security services",
    "76": "Oil and gas industry services",
    "77": "Agricultural, forestry, horticultural and grounds services",
    "79": "Business services: legal, marketing, consulting, recruitment, printing, security",
    "80": "Education and training services",
    "85": "Health and social work services",
    "90": "Sewage, refuse, cleaning and environmental services",
    "92": "Recreational, cultural and sporting services",
    "98": "Other community, social and personal services",
}

LEVELS = ((5, "category"), (4, "class"), (3, "group"), (2, "division"))
_DIGITS = re.compile(r"\d+")


def normalise_cpv(raw: object) -> str | None:
    """Return the 8-digit code for ``raw`` or None when it is not a CPV code.

    Accepts "45212000-6", "45212000", "452120006" (check digit without hyphen), " 45212000 - 6 ",
    7-digit codes whose leading zero was lost by a spreadsheet ("3000000" -> "03000000"), and ints.
    """
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    head = re.split(r"\s*-\s*", text, maxsplit=1)[0]
    if not head.isdigit():
        return None
    if len(head) == 9 and "-" not in text:
        head = head[:8]  # check digit appended without a hyphen
    if len(head) == 7:
        head = "0" + head
    if len(head) != 8 or head[:2] not in DIVISIONS:
        return None
    return head


@functools.lru_cache(maxsize=1 << 16)  # pure; a scan asks about the same few thousand codes ~1M times
def significant(code: str) -> str:
    """The hierarchy prefix a code stands for: "45200000" -> "452" (at least the division)."""
    stripped = code.rstrip("0")
    return code[: max(2, len(stripped))]


def level_name(code: str) -> str:
    n = len(significant(code))
    for digits, name in LEVELS:
        if n >= digits:
            return name
    return "division"


def group_of(code: str) -> str:
    """The 3-digit group prefix of a code (for requirements split by CPV group)."""
    return code[:3]


@functools.lru_cache(maxsize=1 << 18)  # pure; 370,000 calls per 100,000 x 2,000 scan, few distinct pairs
def agreement(a: str, b: str) -> tuple[int, str | None]:
    """How deep two codes agree: (prefix digits 2-8, level name) or (0, None).

    Agreement cannot be deeper than the less specific of the two codes: "45000000" and
    "45212000" agree at division level only.
    """
    sa, sb = significant(a), significant(b)
    depth = 0
    for x, y in zip(sa, sb, strict=False):
        if x != y:
            break
        depth += 1
    depth = min(depth, len(sa), len(sb))
    if depth < 2:
        return 0, None
    for digits, name in LEVELS:
        if depth >= digits:
            return depth, name
    return 0, None


class CpvVocabulary:
    """Descriptions by code; falls back from the exact code up to the division."""

    def __init__(self, descriptions: dict[str, str] | None = None):
        self._by_code: dict[str, str] = dict(descriptions or {})

    def __len__(self) -> int:
        return len(self._by_code)

    def describe(self, code: str) -> str | None:
        """Description of the most specific known level of ``code``."""
        norm = normalise_cpv(code)
        if norm is None:
            return None
        if norm in self._by_code:
            return self._by_code[norm]
        sig = significant(norm)
        for n in range(len(sig) - 1, 1, -1):
            parent = sig[:n].ljust(8, "0")
            if parent in self._by_code:
                return self._by_code[parent]
        return DIVISIONS.get(norm[:2])

    def label(self, code: str) -> str:
        """ "45212000 Leisure facilities construction work" style label."""
        desc = self.describe(code)
        return f"{code} {desc}" if desc else code

    @classmethod
    def from_file(cls, path: str | Path) -> CpvVocabulary:
        """Load a JSON object {code: description} or a CSV with code and description columns."""
        p = Path(path)
        if not p.is_file():
            raise InputFileError(
                "CPV vocabulary file not found", path=p, fix="set ingest.cpv_vocabulary to an existing file"
            )
        text = p.read_text(encoding="utf-8-sig")
        out: dict[str, str] = {}
        if p.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputFileError(
                    f"not valid JSON ({exc})", path=p, fix="give a JSON object of code: description"
                ) from exc
            if not isinstance(data, dict):
                raise InputFileError("expected a JSON object of code: description", path=p, fix="give a JSON object")
            items = data.items()
        else:
            rows = list(csv.reader(text.splitlines()))
            header = [h.strip().lower() for h in rows[0]] if rows else []
            ci = next((i for i, h in enumerate(header) if h in ("code", "cpv", "code8")), 0)
            di = next((i for i, h in enumerate(header) if h.startswith("desc") or h in ("en", "label")), 1)
            items = ((r[ci], r[di]) for r in rows[1:] if len(r) > max(ci, di))
        for code, desc in items:
            norm = normalise_cpv(code)
            if norm and isinstance(desc, str) and desc.strip():
                out[norm] = desc.strip()
        if not out:
            raise InputFileError("no CPV codes found", path=p, fix="check the file holds codes like 45000000-7")
        return cls(out)


SHIPPED_VOCABULARY = "cpv2008_en.csv"


@functools.lru_cache(maxsize=1)
def shipped_vocabulary() -> CpvVocabulary:
    """The full CPV 2008 list shipped in ``reference/data`` (read once; never change the result)."""
    with resources.as_file(resources.files("procure_match.reference").joinpath("data", SHIPPED_VOCABULARY)) as p:
        return CpvVocabulary.from_file(p)


def default_vocabulary(path: str | Path | None = None) -> CpvVocabulary:
    """The vocabulary from ``path`` when given, else the full CPV 2008 list shipped with the package."""
    if path:
        return CpvVocabulary.from_file(path)
    return shipped_vocabulary()
