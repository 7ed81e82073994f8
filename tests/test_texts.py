"""Text builders: golden strings, de-duplication, caps, determinism, never "None"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procure_match.domain import Enterprise, Lot, Tender
from procure_match.reference.cpv import DIVISIONS, CpvVocabulary, default_vocabulary
from procure_match.texts import DESCRIPTION_CHARS, ELLIPSIS, cap, clean, enterprise_text, lot_text, tender_text

CPV = CpvVocabulary(
    {
        "45000000": "Construction work",
        "45212000": "Leisure facilities construction work",
        "45212200": "Construction work for sports facilities",
        "77310000": "Planting and maintenance services of green areas",
        "77313000": "Parks maintenance services",
    }
)


class FakeSic:
    """Stands in for the SIC 2007 vocabulary: anything with describe(code) -> str | None."""

    def describe(self, code: str) -> str | None:
        return {"81300": "Landscape service activities", "01300": "Plant propagation"}.get(code)


def leisure_tender() -> Tender:
    return Tender(
        tender_id="ocds-b5fd17-1",
        title="Perry Barr leisure centre:  refurbishment",
        description="<p>Refurbishment of the pool hall &amp; changing rooms.</p>\n\nWork must finish by June.",
        main_cpv="45212000",
        cpv_codes=("45212000", "45000000"),
        lots=(
            Lot(id="1", title="Perry Barr leisure centre: refurbishment", description="Pool hall and changing rooms"),
            Lot(id="2", title="Sports hall floor", description=None, cpv_codes=("45212200", "45212000")),
            Lot(id="3", title=None, description="Landscaping of the grounds", cpv_codes=("77310000",)),
        ),
    )


def test_tender_text_golden():
    assert tender_text(leisure_tender(), CPV) == (
        "Perry Barr leisure centre: refurbishment\n"
        "Refurbishment of the pool hall & changing rooms. Work must finish by June.\n"
        "Codes: 45212000 Leisure facilities construction work; 45000000 Construction work; "
        "45212200 Construction work for sports facilities; 77310000 Planting and maintenance services of green areas\n"
        "Lots: Pool hall and changing rooms; Sports hall floor; Landscaping of the grounds"
    )


def test_lot_text_golden():
    tender = leisure_tender()
    assert lot_text(tender, tender.lots[1], CPV) == (
        "Sports hall floor\n"
        "Part of: Perry Barr leisure centre: refurbishment\n"
        "Refurbishment of the pool hall & changing rooms. Work must finish by June.\n"
        "Codes: 45212200 Construction work for sports facilities; 45212000 Leisure facilities construction work"
    )
    # A lot titled like its notice does not repeat the title; a lot without codes borrows the notice's.
    assert lot_text(tender, tender.lots[0], CPV) == (
        "Perry Barr leisure centre: refurbishment\n"
        "Pool hall and changing rooms\n"
        "Codes: 45212000 Leisure facilities construction work; 45000000 Construction work"
    )
    # A lot with no title starts with the notice title, unlabelled.
    assert lot_text(tender, tender.lots[2], CPV).splitlines()[:2] == [
        "Perry Barr leisure centre: refurbishment",
        "Landscaping of the grounds",
    ]


def test_enterprise_text_golden():
    e = Enterprise(
        id="GB-COH-01234567",
        name="Green Roots Horticulture CIC",
        description="We look after parks,   verges and school grounds.",
        sectors=("Horticulture", "Parks maintenance services", "horticulture", ""),
        cpv_codes=("77313000", "77310000-0"),
        sic_codes=("81300", "01300", "99999"),
    )
    assert enterprise_text(e, CPV, FakeSic()) == (
        "Green Roots Horticulture CIC\n"
        "We look after parks, verges and school grounds.\n"
        "Sectors: Horticulture\n"
        "Codes: 77313000 Parks maintenance services; 77310000 Planting and maintenance services of green areas\n"
        "Activities: Landscape service activities; Plant propagation"
    )
    # Without a SIC vocabulary the SIC line is left out (codes alone would be noise).
    assert "Activities" not in enterprise_text(e, CPV)


def test_bare_enterprise_has_only_its_name():
    assert enterprise_text(Enterprise(id="x", name="  Ace  Co-op "), CPV, FakeSic()) == "Ace Co-op"


def test_codes_sharing_a_description_are_grouped():
    divisions_only = CpvVocabulary({code.ljust(8, "0"): desc for code, desc in DIVISIONS.items()})
    t = Tender(tender_id="t", title="Works", cpv_codes=("45212000", "45000000", "not-a-code"))
    assert tender_text(t, divisions_only) == "Works\nCodes: 45212000, 45000000 Construction work"


def test_the_shipped_vocabulary_describes_each_code_by_its_own_words():
    """Issue 11: the full CPV 2008 list ships and is the default, so 79993000 is not 'Business services'."""
    vocabulary = default_vocabulary()
    assert len(vocabulary) == 9454
    assert vocabulary.describe("79993000") == "Building and facilities management services"
    t = Tender(tender_id="t", title="Works", cpv_codes=("45212000", "45000000"))
    assert tender_text(t, vocabulary).splitlines()[1] == (
        "Codes: 45212000 Construction work for buildings relating to leisure, sports, culture, lodging and "
        "restaurants; 45000000 Construction work"
    )


def test_long_code_list_is_cut_and_the_rest_counted():
    vocabulary = default_vocabulary()
    codes = tuple(f"{d}000000" for d in ("45", "77", "90", "30", "48", "72", "50", "79", "85", "55", "60", "71"))
    line = tender_text(Tender(tender_id="t", title="Framework", cpv_codes=codes), vocabulary).splitlines()[1]
    assert line.startswith("Codes: 45000000 Construction work; 77000000 Agricultural, forestry")
    shown = line.count("000000")
    assert 3 <= shown < len(codes)
    assert line.endswith(f"; and {len(codes) - shown} more")
    assert len(line) <= 500 + 100


def test_long_description_is_capped_at_a_boundary():
    sentence = "Grass cutting and planting in parks across the city. "
    t = Tender(tender_id="t", title="Parks", description=sentence * 40)
    desc = tender_text(t, CPV).splitlines()[1]
    assert len(desc) <= DESCRIPTION_CHARS
    assert desc.endswith("city. " + ELLIPSIS)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three four five", 12, "one two…"),
        ("First sentence here. Second one is long", 30, "First sentence here. …"),
        ("unbrokenwordthatislong", 10, "unbrokenw…"),
    ],
)
def test_cap(text, limit, expected):
    assert cap(text, limit) == expected
    assert len(cap(text, limit)) <= limit


def test_clean():
    assert clean(None) == ""
    assert clean(" a\n\tb  <br/>c &lt; 5 &amp; d ") == "a b c < 5 & d"
    assert clean("value < 5000 and > 200") == "value < 5000 and > 200"  # not a tag


optional_text = st.one_of(st.none(), st.text(max_size=300))
lots = st.builds(
    Lot,
    id=st.text(min_size=1, max_size=3),
    title=optional_text,
    description=optional_text,
    cpv_codes=st.lists(st.sampled_from(["45212000", "77310000", "03000000", "bad", "99000000"]), max_size=3).map(tuple),
)
tenders = st.builds(
    Tender,
    tender_id=st.just("t"),
    title=st.text(max_size=200),
    description=st.text(max_size=3000),
    main_cpv=st.one_of(st.none(), st.just("45000000")),
    cpv_codes=st.lists(st.sampled_from(["45000000", "45212000", "77313000"]), max_size=3).map(tuple),
    lots=st.lists(lots, max_size=4).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(tenders)
def test_tender_text_properties(tender):
    text = tender_text(tender, CPV)
    assert text == tender_text(tender, CPV)  # deterministic
    inputs = [tender.title, tender.description, *(x for lot in tender.lots for x in (lot.title, lot.description) if x)]
    if not any("None" in x for x in inputs):
        assert "None" not in text
    lines = text.split("\n")
    assert all(line == line.strip() and line for line in lines) or text == ""
    assert all("  " not in line for line in lines)
    assert len(text) <= 2000  # title + capped description + codes + capped lots
    for lot in tender.lots:
        lt = lot_text(tender, lot, CPV)
        assert lt == lot_text(tender, lot, CPV)
        assert all(line == line.strip() and line for line in lt.split("\n")) or lt == ""


@settings(max_examples=100, deadline=None)
@given(
    st.builds(
        Enterprise,
        id=st.just("e"),
        name=st.text(max_size=80),
        description=st.text(max_size=2000),
        sectors=st.lists(st.text(max_size=30), max_size=5).map(tuple),
        sic_codes=st.lists(st.sampled_from(["81300", "01300", "12345"]), max_size=3).map(tuple),
    )
)
def test_enterprise_text_properties(e):
    text = enterprise_text(e, CPV, FakeSic())
    assert text == enterprise_text(e, CPV, FakeSic())
    assert all(line == line.strip() and line for line in text.split("\n")) or text == ""
    if "None" not in e.name + e.description + "".join(e.sectors):
        assert "None" not in text


@pytest.mark.realdata
def test_real_notices_make_clean_bounded_texts(shared_data):
    from procure_match.ingest import load_notices
    from procure_match.settings import Settings

    cpv = CpvVocabulary.from_file(shared_data / "codelists" / "cpv2008_en.csv")
    ocds = shared_data / "ocds" / "uk_cf_pcs_s2w_2025"
    files = [
        ocds / "public_contracts_scotland_releases.jsonl",
        ocds / "sell2wales_releases.jsonl",
        shared_data / "uk_notices_csv" / "cf_export_open_2025-11.csv",
    ]
    tenders, _ = load_notices(files, Settings())
    assert len(tenders) >= 1000
    lots = 0
    for tender in tenders:
        text = tender_text(tender, cpv)
        assert text and text.startswith(clean(tender.title)[:50])
        assert len(text) <= 2200, tender.tender_id
        assert "&amp;" not in text and "<p>" not in text.lower() and "<br" not in text.lower()
        assert all(line == line.strip() and line for line in text.split("\n"))
        if "None" not in tender.title + tender.description:
            assert "None" not in text
        for lot in tender.lots:
            lots += 1
            assert lot_text(tender, lot, cpv)
    assert lots >= 500  # the Scottish and Welsh notices all have lots
