"""SIC 2007 codes: normalisation, sections and divisions, descriptions from the most specific level."""

from __future__ import annotations

import pytest

from procure_match.errors import InputFileError
from procure_match.reference.sic import (
    DIVISION_SECTION,
    DIVISIONS,
    SECTIONS,
    SicVocabulary,
    default_sic_vocabulary,
    normalise_sic,
    section_of,
)


def test_shipped_sections_and_divisions():
    assert len(SECTIONS) == 21 and sorted(SECTIONS) == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert len(DIVISIONS) == 88
    assert set(DIVISION_SECTION.values()) == set(SECTIONS)
    assert all(len(code) == 2 and code.isdigit() for code in DIVISIONS)


@pytest.mark.parametrize(
    ("raw", "code", "kind"),
    [
        ("43999", "43999", None),
        ("01110", "01110", None),
        ("1110", "01110", "leading zero"),
        (1110, "01110", "leading zero"),
        ("1110.0", "01110", "leading zero"),
        ("01110 - Growing of cereals", "01110", None),
        ("UKSIC07-4711", "47110", "level-4 code"),
        ("UKSIC07-981", "98100", "level-3 code"),
        ("UKSIC07-74209", "74209", None),
        ("04999", None, None),  # no division 04
        ("123", None, None),
        ("abc", None, None),
        ("", None, None),
    ],
)
def test_normalise_sic(raw, code, kind):
    parsed = normalise_sic(raw)
    assert parsed.code == code
    assert parsed.kind == kind


def test_sections():
    assert section_of("43999") == "F"
    assert section_of("1110") == "A"
    assert section_of("43") == "F"
    assert section_of("xx") is None


def test_shipped_descriptions_fall_back_to_division():
    vocab = default_sic_vocabulary()
    assert vocab.describe("43999") == DIVISIONS["43"]
    assert vocab.section("88100") == ("Q", SECTIONS["Q"])
    assert vocab.division("88100") == ("88", DIVISIONS["88"])
    assert vocab.describe("nonsense") is None
    assert vocab.label("43999").startswith("43999 ")


def test_full_list_from_file(tmp_path):
    path = tmp_path / "sic.csv"
    path.write_text('code,description\n01110,"Growing of cereals"\n47110,Retail in stores\n1130,Vegetables\n')
    vocab = SicVocabulary.from_file(path)
    assert len(vocab) == 3
    assert vocab.describe("01110") == "Growing of cereals"
    assert vocab.describe("1130") == "Vegetables"  # leading zero restored in the file too
    assert vocab.describe("UKSIC07-4711") == "Retail in stores"
    assert vocab.describe("47190") == DIVISIONS["47"]  # unknown subclass: division


def test_bad_vocabulary_file(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        SicVocabulary.from_file(tmp_path / "none.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("code,description\nxx,nothing\n")
    with pytest.raises(InputFileError, match="no SIC codes"):
        SicVocabulary.from_file(empty)


@pytest.mark.realdata
def test_companies_house_list(shared_data):
    vocab = default_sic_vocabulary(shared_data / "codelists" / "sic2007_companies_house_condensed.csv")
    assert len(vocab) >= 700
    assert vocab.describe("01110").startswith("Growing of cereals")
    assert vocab.describe("99999") is not None  # dormant company
    assert vocab.describe("UKSIC07-4711") == vocab.describe("47110")
    assert vocab.describe("4711") is None  # would be 04711: there is no division 04
