"""UK regions and their centres (reference/regions.py); countries outside the UK (reference/countries.py)."""

from __future__ import annotations

import csv

import pytest

from procure_match.reference import countries as c
from procure_match.reference import regions as rg
from procure_match.reference.geo import haversine_km


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("North East", "North East"),
        ("yorkshire and the humber", "Yorkshire and The Humber"),
        ("UKF3", "East Midlands"),
        ("TLI", "London"),
        ("UKN0", "Northern Ireland"),
        ("England", None),
        ("FR101", None),
        ("", None),
    ],
)
def test_region_name(text, region):
    assert rg.region_name(text) == region


def test_postcode_region_by_area():
    assert rg.postcode_region("LN1 1YL") == "East Midlands"
    assert rg.postcode_region("EC1M 5QL") == "London"
    assert rg.postcode_region("G1 1AA") == "Scotland"
    assert rg.postcode_region("BT1 1AA") == "Northern Ireland"
    assert rg.postcode_region("JE2 3AB") is None and rg.postcode_region(None) is None


def test_every_region_has_a_centre_inside_it():
    centres = rg.region_centres()
    assert set(centres) == set(rg.NUTS1_REGIONS.values())
    assert haversine_km(*centres["London"], 51.507, -0.128) < 10
    assert haversine_km(*centres["Wales"], 52.13, -3.78) < 100
    assert centres["Scotland"][0] > 55 and centres["Northern Ireland"][1] < -5.4


def test_region_centres_are_population_weighted():
    rows = [
        {"Postcode": "NE1", "Latitude": "55.0", "Longitude": "-1.6", "Population": "3"},
        {"Postcode": "TS1", "Latitude": "54.0", "Longitude": "-1.2", "Population": "1"},
        {"Postcode": "XX1", "Latitude": "1", "Longitude": "1", "Population": "9"},  # unknown area: left out
        {"Postcode": "SR1", "Latitude": "", "Longitude": "", "Population": "9"},  # no coordinates: left out
    ]
    assert rg.region_centres_from_districts(rows) == {"North East": (54.75, -1.5)}


@pytest.mark.realdata
def test_the_shipped_centres_are_derived_from_the_doogal_districts(shared_data):
    """The package ships a small derived table (never reads ../shared); it must equal the derivation."""
    with (shared_data / "geo" / "postcode_districts_doogal_2020.csv").open(encoding="utf-8-sig", newline="") as fh:
        derived = rg.region_centres_from_districts(csv.DictReader(fh))
    assert derived == rg.region_centres()


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("Ukraine", "Ukraine"),
        ("UA", "Ukraine"),
        ("MEX", "Mexico"),
        ("Viet Nam", "Vietnam"),
        ("Russia", "Russian Federation"),
        ("Rest of the World", "Rest of the World"),
        ("Europe", "Europe"),
        ("United Kingdom", None),
        ("GB", None),
        ("England", None),
        ("Isle of Man", None),
        ("Channel Islands", None),
        ("Any region", None),
        ("Leeds", None),
        (None, None),
    ],
)
def test_place_country(value, country):
    assert c.place_country(value) == country


def test_countries_in_text_skip_words_and_uk_names():
    text = "Vietnam Green Finance; Turkey sandwiches; China cups; Northern Ireland; works in Jersey; Kenya, Vietnam"
    assert c.countries_in_text(text) == ["Vietnam", "Kenya"]
    assert c.countries_in_text("Homes in Mexico City") == ["Mexico"]
    assert c.countries_in_text("") == [] and c.countries_in_text(None) == []
