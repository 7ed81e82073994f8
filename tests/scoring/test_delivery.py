"""Where the work is done and whether distance counts (scoring/delivery.py), on hand-made and real notices."""

from __future__ import annotations

from typing import ClassVar

import pytest

from procure_match.domain import Enterprise, Location, Lot, Tender
from procure_match.reference.geo import haversine_km
from procure_match.scoring import delivery as d
from procure_match.scoring.match import build_targets, delivery_counts, score_pair, target_weights
from procure_match.settings import Settings, settings_from_dict

BUYER = "buyer address (no delivery postcode published)"
LINCOLN = (53.2307, -0.5406)


class _Lookup:
    """A postcode lookup with a few fixed points (the real one needs postcodez data)."""

    points: ClassVar[dict] = {"LN1 1YL": LINCOLN, "EC1M 5QL": (51.5226, -0.1014), "M1 1AA": (53.48, -2.24)}

    def locate(self, postcode: str):
        found = self.points.get(postcode)
        return None if found is None else (*found, "postcode")


LOOKUP = _Lookup()


@pytest.mark.parametrize(
    ("codes", "title", "mode", "evidence"),
    [
        (("90910000",), "Office cleaning", d.ON_SITE, "CPV 90910000 cleaning services"),
        (("79212200",), "Internal Audit Service", d.REMOTE, "CPV 79212200 auditing services"),
        (("60120000",), "School taxi routes", d.ON_SITE, "CPV 60120000 transport services"),
        (("72000000",), "Website hosting", d.REMOTE, "CPV 72000000 IT services"),
        (("79993000",), "Facilities management", d.ON_SITE, "CPV 79993000 building and facilities management"),
        (("30200000",), "Laptops", d.MIXED, "CPV 30200000 goods delivered to the buyer"),
        (("79000000",), "Cleaning of the depot", d.ON_SITE, "'Cleaning' in the title (CPV 79000000 business services)"),
        (("79000000",), "Support", d.MIXED, "CPV 79000000 business services can be on site or remote"),
        ((), "Translation of leaflets", d.REMOTE, "'Translation' in the title"),
        ((), "Grounds maintenance and IT support", d.MIXED, "'grounds maintenance' and 'IT' in the title"),
        ((), "Trend Micro", d.MIXED, "not known from CPV codes or keywords"),
    ],
)
def test_delivery_mode_from_cpv_and_keywords(codes, title, mode, evidence):
    got = d.delivery_mode(codes, title, "")
    assert (got.mode, got.evidence) == (mode, evidence)
    assert got.reason == f"{mode}: {evidence}"


def test_a_division_level_code_contradicted_by_the_title_is_mixed():
    got = d.delivery_mode(("45000000",), "Design consultancy for the new library", "")
    assert got.mode == d.MIXED and "CPV 45000000 construction work, but 'consultancy' in the title" in got.reason
    assert d.delivery_mode(("45210000",), "Design consultancy", "").mode == d.ON_SITE, "a group-level code decides"


def test_it_the_pronoun_is_not_information_technology():
    assert d.delivery_mode((), "Make it better", "").evidence == "not known from CPV codes or keywords"


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("Lincolnshire County Council", "local"),
        ("London Borough of Camden", "local"),
        ("Leeds Teaching Hospitals NHS Trust", "local"),
        ("West Yorkshire Police", "local"),
        ("Sharnbrook Academy Federation", "local"),
        ("NHS England", "national"),
        ("Crown Commercial Service", "national"),
        ("Department for Education", "national"),
        ("Home Office", "national"),
        ("Environment Agency", "national"),
        ("Chemonics International, Inc.", None),
        (None, None),
    ],
)
def test_buyer_scope(name, scope):
    assert d.buyer_scope(name) == scope


def test_a_wide_area_with_a_local_buyer_is_the_buyer_s_area():
    locs = (Location(region="England"), Location(postcode="LN1 1YL", description=BUYER))
    place = d.delivery_place(locs, buyer_name="Lincolnshire County Council", locate=LOOKUP.locate)
    assert place.point == LINCOLN and place.basis == "buyer's area" and place.wide_area is None
    assert place.label == "LN1 1YL, the buyer's area (Lincolnshire County Council; 'England' read as its area)"


def test_a_wide_area_with_a_national_buyer_stays_not_one_place():
    locs = (Location(region="United Kingdom"), Location(postcode="EC1M 5QL", description=BUYER))
    for buyer in ("NHS England", "Crown Commercial Service", "Some Supplier Ltd"):
        place = d.delivery_place(locs, buyer_name=buyer, locate=LOOKUP.locate)
        assert place.point is None and place.wide_area == "United Kingdom" and place.basis == "wide area"


@pytest.mark.parametrize(
    ("locations", "title", "country"),
    [
        ((Location(region="Ukraine"),), "Routine repair of sanitary facilities, Okhtyrka, Sumy", "Ukraine"),
        ((Location(region="Mexico"),), "Offshore wind framework", "Mexico"),
        ((Location(region="Rest of the World"),), "Returns programme", "Rest of the World"),
        ((Location(description="Kyiv, UA"),), "Repairs", "Ukraine"),
        ((Location(nuts="FR101"),), "Repairs", "France"),
        ((Location(latitude=50.91, longitude=34.80, description="Sumy"),), "Repairs", "Sumy"),
        ((), "Vietnam Green Finance Facility", "Vietnam"),
        ((Location(region="Any region"),), "Technical assistance", None),
        ((Location(region="United Kingdom,Isle of Man,Channel Islands,Europe,Rest of the World"),), "Audit", None),
        ((Location(description="Leeds, United Kingdom"),), "Repairs", None),
    ],
)
def test_delivery_outside_the_uk_is_detected_and_never_placed_at_the_buyer(locations, title, country):
    locs = (*locations, Location(postcode="EC1M 5QL", description=BUYER))
    place = d.delivery_place(locs, buyer_name="Chemonics International, Inc.", title=title, locate=LOOKUP.locate)
    assert place.overseas == country
    if country:
        assert place.point is None and place.basis == "overseas"


def test_a_country_in_a_local_buyer_s_title_is_not_overseas():
    """'Homes for Ukraine' support from a council is delivered in the council's area."""
    locs = (Location(region="England"), Location(postcode="LN1 1YL", description=BUYER))
    place = d.delivery_place(
        locs, buyer_name="Lincolnshire County Council", title="Homes for Ukraine support", locate=LOOKUP.locate
    )
    assert place.overseas is None and place.point == LINCOLN


def test_one_region_uses_the_buyer_in_it_else_the_region_centre():
    in_region = (Location(region="East Midlands"), Location(postcode="LN1 1YL", description=BUYER))
    place = d.delivery_place(in_region, buyer_name="x", locate=LOOKUP.locate)
    assert place.point == LINCOLN and place.basis == "buyer in region"
    elsewhere = (Location(region="North East"), Location(postcode="EC1M 5QL", description=BUYER))
    place = d.delivery_place(elsewhere, buyer_name="x", locate=LOOKUP.locate)
    assert place.basis == "region" and place.label == "North East, region centre"
    assert haversine_km(*place.point, 54.97, -1.61) < 60, "near Newcastle"
    nuts = d.delivery_place((Location(nuts="UKC12"),), buyer_name="x", locate=LOOKUP.locate)
    assert nuts.basis == "region" and nuts.point == place.point


def test_the_notice_s_own_place_comes_before_the_buyer():
    locs = (Location(postcode="M1 1AA"), Location(postcode="LN1 1YL", description=BUYER))
    place = d.delivery_place(locs, buyer_name="Lincolnshire County Council", locate=LOOKUP.locate)
    assert place.point == (53.48, -2.24) and place.basis == "notice place"
    anywhere = d.delivery_place((Location(description="Anywhere"),), buyer_name="Ministry of Defence")
    assert anywhere.wide_area == "Anywhere"


def _tender(**kw) -> Tender:
    base = {"tender_id": "t1", "title": "Internal Audit Service", "cpv_codes": ("79212200",)}
    return Tender(**{**base, **kw})


def test_remote_work_does_not_score_distance_and_says_why():
    t = _tender(locations=(Location(postcode="LN1 1YL"),))
    (target,) = build_targets(t, LOOKUP, settings=Settings())
    assert target.delivery_mode == d.REMOTE and target.distance_weight == 0.0
    cand, outcomes = score_pair(target, Enterprise(id="e", name="e"), 0.4, 7.0, Settings())
    dist = next(o for o in outcomes if o.name == "distance")
    assert dist.value is None and cand.parts["distance"] is None and cand.parts["distance_km"] is None
    assert dist.sentence == "Distance not scored: the work can be done remotely (CPV 79212200 auditing services)."
    assert cand.score == pytest.approx(0.4 + 0.0), "only semantic is known: distance is left out, not zero"


def test_mixed_work_counts_distance_by_half():
    t = _tender(title="Training", cpv_codes=("80500000",), locations=(Location(postcode="LN1 1YL"),))
    settings = Settings()
    (target,) = build_targets(t, LOOKUP, settings=settings)
    assert target.delivery_mode == d.MIXED and target.distance_weight == 0.5
    assert target_weights(target, settings)["distance"] == pytest.approx(0.075)
    _, outcomes = score_pair(target, Enterprise(id="e", name="e"), 0.4, 40.0, settings)
    assert "counts 0.5× (mixed: CPV 80500000 education and training services)" in outcomes[2].sentence
    custom = settings_from_dict({"scan": {"distance_weight_mixed": 1.0}})
    assert build_targets(t, LOOKUP, settings=custom)[0].distance_weight == 1.0


def test_overseas_work_has_no_distance_even_with_a_hard_radius():
    t = _tender(title="Repairs, Sumy", cpv_codes=("45450000",), locations=(Location(region="Ukraine"),))
    settings = settings_from_dict({"scan": {"radius_hard": True}})
    (target,) = build_targets(t, LOOKUP, settings=settings)
    cand, _ = score_pair(target, Enterprise(id="e", name="e"), 0.4, 2.0, settings)
    assert target.overseas == "Ukraine" and cand.parts["distance"] is None and "radius" not in cand.failed_rules
    assert "Distance not scored: delivered outside the UK (Ukraine)." in cand.reasons
    assert target.delivery_facts()["overseas"] is True and target.delivery_facts()["delivery_place"] == "Ukraine"


def test_a_hard_radius_still_applies_to_on_site_work():
    t = _tender(title="Cleaning", cpv_codes=("90910000",), locations=(Location(postcode="LN1 1YL"),))
    settings = settings_from_dict({"scan": {"radius_hard": True}})
    (target,) = build_targets(t, LOOKUP, settings=settings)
    far, _ = score_pair(target, Enterprise(id="e", name="e"), 0.4, 90.0, settings)
    near, _ = score_pair(target, Enterprise(id="e", name="e"), 0.4, 20.0, settings)
    assert far.failed_rules == ["radius"] and near.eligible


def test_a_lot_uses_its_own_place_and_codes():
    lots = (
        Lot(id="1", title="Cleaning", cpv_codes=("90910000",), locations=(Location(postcode="M1 1AA"),)),
        Lot(id="2", title="Audit", cpv_codes=("79212200",)),
    )
    t = _tender(lots=lots, locations=(Location(region="Ukraine"),))
    whole, lot1, lot2 = build_targets(t, LOOKUP, settings=Settings())
    assert whole.overseas == "Ukraine" and lot1.location == (53.48, -2.24) and lot1.delivery_mode == d.ON_SITE
    assert lot2.overseas == "Ukraine" and lot2.delivery_mode == d.REMOTE
    counts = delivery_counts([whole, lot1, lot2])
    assert counts == {"delivery_mode_remote_capable": 1, "delivery_place_overseas": 1}, "whole notices only"


def test_explain_weighs_distance_by_the_delivery_mode(tmp_path):
    """`explain` shows where the work is and the distance weight actually used (0.15 x 0.5 for mixed work)."""
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from procure_match.cli.main import app

    fix = Path(__file__).resolve().parent.parent / "fixtures" / "scan"
    package = json.loads((fix / "notices.json").read_text(encoding="utf-8"))
    package["releases"][0]["tender"]["classification"]["id"] = "80500000-9"  # training services: mixed
    notices = tmp_path / "notices.json"
    notices.write_text(json.dumps(package), encoding="utf-8")
    args = ["explain", "ocds-pmtest-0001", "GB-COH-00000006", "--notices", str(notices)]
    result = CliRunner().invoke(app, [*args, "--directory", str(fix / "directory.csv"), "--embedder", "tfidf"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "where: mixed: CPV 80500000 education and training services" in text
    assert "0.075" in text and "counts 0.5×" in text


def test_the_digest_line_says_where_the_work_is():
    from procure_match.reports.context import delivery_text

    overseas = {"overseas": True, "delivery_place": "Ukraine", "delivery_reason": "on site: CPV 45450000"}
    assert delivery_text(overseas) == "delivered outside the UK: Ukraine (distance not scored)"
    wide = {"delivery_place": "England", "place_basis": "wide area", "delivery_reason": "mixed: x"}
    assert delivery_text(wide) == "mixed: x · across England, not one place"
    assert delivery_text(None) == ""


def test_an_enterprise_s_stated_radius_is_a_hard_rule_for_on_site_work_only():
    """Ineligible only on evidence: a recorded radius. Remote and mixed work ignore it; unknown never fails."""
    cleaning = _tender(title="Cleaning", cpv_codes=("90910000",), locations=(Location(postcode="LN1 1YL"),))
    audit = _tender(locations=(Location(postcode="LN1 1YL"),))
    settings = Settings()
    (on_site,) = build_targets(cleaning, LOOKUP, settings=settings)
    (remote,) = build_targets(audit, LOOKUP, settings=settings)
    local = Enterprise(id="e", name="e", max_radius_km=25.0)
    far, _ = score_pair(on_site, local, 0.4, 60.0, settings)
    assert far.failed_rules == ["radius"] and "60 km is beyond the enterprise's stated 25 km radius" in " ".join(
        far.reasons
    )
    assert score_pair(on_site, local, 0.4, 20.0, settings)[0].eligible
    assert score_pair(on_site, local, 0.4, None, settings)[0].eligible, "unknown distance never fails"
    assert score_pair(remote, local, 0.4, 60.0, settings)[0].eligible, "desk work: the radius does not apply"
    no_radius, _ = score_pair(on_site, Enterprise(id="f", name="f"), 0.4, 60.0, settings)
    assert no_radius.eligible and "radius" not in " ".join(no_radius.reasons).lower().replace("preferred radius", "")


def test_a_directory_radius_column_is_read_in_km(tmp_path):
    from procure_match.ingest.directory import load_directory

    path = tmp_path / "d.csv"
    rows = ["Name,Postcode,Max distance (miles)", "A Co-op,B1 1BB,15", "B Co-op,B1 1BB,25 km", "Odd,B1 1BB,far"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ents, report = load_directory(path, Settings())
    assert [e.max_radius_km for e in ents] == [24.1, 25.0, None], "a bare number under a miles header is miles"
    assert any(p.field == "max_radius_km" and "'far' is not a distance" in p.problem for p in report.problems)


def test_separate_place_entries_count_together():
    """Contracts Finder OCDS lists 'United Kingdom', 'Europe', 'Rest of the World' as separate deliveryLocations
    (real: contracts_finder_releases.jsonl): the UK among them means the work is not outside the UK."""
    names = ("British Oversea Territories", "Channel Islands", "Europe", "Isle of Man", "Rest of the World")
    locs = tuple(Location(description=n) for n in (*names, "United Kingdom"))
    place = d.delivery_place(locs, buyer_name="Some Agency")
    assert place.overseas is None and place.wide_area == "United Kingdom"
    abroad = d.delivery_place(tuple(Location(description=n) for n in ("Europe", "Rest of the World")), buyer_name="x")
    assert abroad.overseas == "Europe, Rest of the World"


def test_a_nuts_code_beats_the_country_name_beside_it():
    """Find a Tender addresses carry both ("region": "UKE2", "countryName": "United Kingdom"): the region counts."""
    locs = (Location(nuts="UKE2", description="United Kingdom"),)
    place = d.delivery_place(locs, buyer_name="Harrogate Town Council")
    assert place.basis == "region" and place.label == "Yorkshire and The Humber, region centre"
