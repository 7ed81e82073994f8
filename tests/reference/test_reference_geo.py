"""Postcode text and great-circle distance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure_match.reference.geo import (
    EARTH_RADIUS_KM,
    find_postcode,
    haversine_km,
    haversine_km_array,
    is_full_postcode,
    normalise_postcode,
    postcode_district,
)


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("b12 9qd", "B12 9QD"),
        ("B129QD", "B12 9QD"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M60 0AG", "M60 0AG"),
        ("b12", "B12"),
        ("SW1A", "SW1A"),
        ("GIR 0AA", "GIR 0AA"),
        ("", None),
        (None, None),
        ("12345", None),
        ("B12 9Q", None),
        ("not a postcode", None),
    ],
)
def test_normalise_postcode(raw, norm):
    assert normalise_postcode(raw) == norm


def test_district_and_full():
    assert postcode_district("b12 9qd") == "B12"
    assert postcode_district("SW1A1AA") == "SW1A"
    assert postcode_district("B12") == "B12"
    assert postcode_district("nonsense") is None
    assert is_full_postcode("B12 9QD") and not is_full_postcode("B12")


def test_find_postcode_in_address():
    assert find_postcode("Cancer Lifeline, 44 Alliance Avenue, Belfast, BT14 7PJ") == "BT14 7PJ"
    assert find_postcode("2 Abercorn Square, Strabane, Co Tyrone, bt82 8an") == "BT82 8AN"
    assert find_postcode("Unit 4, Digbeth, Birmingham") is None


def test_haversine_known_distances():
    # One degree of latitude along a meridian is 2*pi*R/360.
    assert haversine_km(52.0, -1.9, 53.0, -1.9) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360, rel=1e-9)
    # Equator to pole: a quarter of the circumference.
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2, rel=1e-9)
    # Birmingham (New Street) to Manchester (Piccadilly): about 114 km as the crow flies.
    assert haversine_km(52.4778, -1.8983, 53.4773, -2.2309) == pytest.approx(113.6, abs=1.0)


def test_vectorised_matches_scalar_and_nan_is_unknown():
    lats = np.array([52.48, 53.48, 51.5, np.nan])
    lons = np.array([-1.90, -2.24, -0.12, -1.0])
    got = haversine_km_array(52.4778, -1.8983, lats, lons)
    for i in range(3):
        assert got[i] == pytest.approx(haversine_km(52.4778, -1.8983, lats[i], lons[i]))
    assert np.isnan(got[3])
    matrix = haversine_km_array(lats[:3, None], lons[:3, None], lats[None, :3], lons[None, :3])
    assert matrix.shape == (3, 3) and np.allclose(np.diag(matrix), 0)


coord = st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180))


@given(coord, coord, coord)
def test_haversine_is_a_metric(a, b, c):
    ab, ba = haversine_km(*a, *b), haversine_km(*b, *a)
    assert ab >= 0 and ab == pytest.approx(ba, abs=1e-9)
    assert ab <= math.pi * EARTH_RADIUS_KM + 1e-6
    assert ab <= haversine_km(*a, *c) + haversine_km(*c, *b) + 1e-6
