"""UK SIC 2007: code normalisation, sections and divisions, descriptions.

A SIC 2007 code is five digits (a subclass, "01110"); the hierarchy is by prefix: division =
2 digits, group = 3, class = 4. Each division belongs to one of 21 lettered sections (A-U).
The package ships plain-English descriptions of the sections and the 88 divisions
(``reference/data/sic2007_sections_divisions.csv``); the full list of codes can be loaded from a
file (settings ``ingest.sic_vocabulary``, a CSV of code and description), after which
descriptions come from the most specific level known.

Spreadsheets drop leading zeros ("01110" becomes 1110); ``normalise_sic`` restores them and says
so, so that the ingest can report the repair.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from procure_match.errors import InputFileError

_DATA = "sic2007_sections_divisions.csv"
_PREFIX = re.compile(r"^(?:UK)?SIC\s*(?:2007|07)?\s*[-:]?\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SicParse:
    """A parsed SIC cell value: the 5-digit code (None when unusable) and what was repaired."""

    code: str | None
    note: str | None = None  # e.g. "leading zero restored: 1110 -> 01110"
    kind: str | None = None  # what was repaired: "leading zero" or "level-N code"; None = nothing


def _load_shipped() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    sections: dict[str, str] = {}
    divisions: dict[str, str] = {}
    division_section: dict[str, str] = {}
    text = resources.files("procure_match.reference").joinpath("data", _DATA).read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["level"] == "section":
            sections[row["code"]] = row["description"]
        else:
            divisions[row["code"]] = row["description"]
            division_section[row["code"]] = row["section"]
    return sections, divisions, division_section


SECTIONS, DIVISIONS, DIVISION_SECTION = _load_shipped()


def normalise_sic(raw: object) -> SicParse:
    """Parse one SIC value into a 5-digit code.

    * "01110", "01110 - Growing of cereals" -> "01110";
    * 1110 or "1110" (leading zero lost by a spreadsheet) -> "01110", noted;
    * hierarchical labels such as "UKSIC07-4711" (class) or "UKSIC07-981" (group) -> padded on the
      right to "47110" / "98100", noted;
    * anything else, or a code whose division does not exist -> code None with a note.
    """
    if raw is None:
        return SicParse(None, "empty")
    text = str(raw).strip()
    if not text:
        return SicParse(None, "empty")
    hierarchical = bool(_PREFIX.match(text)) and not text[:1].isdigit()
    body = _PREFIX.sub("", text) if hierarchical else text
    m = re.match(r"^(\d{2,5})(?:\.0+)?(?=$|\s|-|:)", body)
    if not m:
        return SicParse(None, f"not a SIC code: {text!r}")
    digits = m.group(1)
    note = kind = None
    if hierarchical:
        code = digits.ljust(5, "0")
        if len(digits) < 5:
            note = f"{text} is a level-{len(digits)} SIC code: read as {code}"
            kind = f"level-{len(digits)} code"
    elif len(digits) == 5:
        code = digits
    elif len(digits) == 4:
        code = "0" + digits
        note = f"leading zero restored: {digits} -> {code}"
        kind = "leading zero"
    else:
        return SicParse(None, f"not a 5-digit SIC code: {text!r}")
    if code[:2] not in DIVISIONS:
        return SicParse(None, f"no SIC 2007 division {code[:2]}: {text!r}")
    return SicParse(code, note, kind)


def section_of(code: str) -> str | None:
    """Section letter (A-U) of a SIC code or division: "43999" -> "F"."""
    parsed = normalise_sic(code) if len(str(code).strip()) != 2 else SicParse(str(code).strip())
    if parsed.code is None:
        return None
    return DIVISION_SECTION.get(parsed.code[:2])


class SicVocabulary:
    """Descriptions by 5-digit code; falls back from the exact code to its class, division, section."""

    def __init__(self, descriptions: dict[str, str] | None = None):
        self._by_code: dict[str, str] = dict(descriptions or {})

    def __len__(self) -> int:
        return len(self._by_code)

    def describe(self, code: str) -> str | None:
        """Description of the most specific level of ``code`` that is known; None if not a code."""
        parsed = normalise_sic(code)
        if parsed.code is None:
            return None
        c = parsed.code
        for candidate in (c, c[:4] + "0", c[:3] + "00"):
            if candidate in self._by_code:
                return self._by_code[candidate]
        if c[:2] in DIVISIONS:
            return DIVISIONS[c[:2]]
        section = DIVISION_SECTION.get(c[:2])
        return SECTIONS.get(section) if section else None

    def section(self, code: str) -> tuple[str, str] | None:
        """(letter, description) of the section holding ``code``."""
        letter = section_of(code)
        return (letter, SECTIONS[letter]) if letter else None

    def division(self, code: str) -> tuple[str, str] | None:
        """(two digits, description) of the division holding ``code``."""
        parsed = normalise_sic(code) if len(str(code).strip()) != 2 else SicParse(str(code).strip())
        if parsed.code is None or parsed.code[:2] not in DIVISIONS:
            return None
        return parsed.code[:2], DIVISIONS[parsed.code[:2]]

    def label(self, code: str) -> str:
        desc = self.describe(code)
        return f"{code} {desc}" if desc else code

    @classmethod
    def from_file(cls, path: str | Path) -> SicVocabulary:
        """Load a CSV with a code column and a description column (Companies House layout)."""
        p = Path(path)
        if not p.is_file():
            raise InputFileError(
                "SIC vocabulary file not found", path=p, fix="set ingest.sic_vocabulary to an existing CSV, or to ''"
            )
        try:
            text = p.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = p.read_text(encoding="cp1252", errors="replace")
        rows = list(csv.reader(text.splitlines()))
        header = [h.strip().lower() for h in rows[0]] if rows else []
        ci = next((i for i, h in enumerate(header) if "code" in h or h == "sic"), 0)
        di = next((i for i, h in enumerate(header) if h.startswith("desc") or h in ("title", "label")), 1)
        out: dict[str, str] = {}
        for r in rows[1:]:
            if len(r) <= max(ci, di):
                continue
            parsed = normalise_sic(r[ci])
            if parsed.code and r[di].strip():
                out[parsed.code] = r[di].strip()
        if not out:
            raise InputFileError(
                "no SIC codes found", path=p, fix="give a CSV with code and description columns (e.g. 01110,...)"
            )
        return cls(out)


def default_sic_vocabulary(path: str | Path | None = None) -> SicVocabulary:
    """The full list from ``path`` when given, else only the shipped sections and divisions."""
    if path:
        return SicVocabulary.from_file(path)
    return SicVocabulary()
