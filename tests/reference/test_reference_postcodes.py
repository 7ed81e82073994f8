"""Offline postcode lookup: tiny fake files for behaviour, the real postcodez data in one slow test."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pytest

from procure_match.errors import InputFileError
from procure_match.reference import postcodes as pc
from procure_match.reference.geo import haversine_km
from procure_match.settings import settings_from_dict, user_data_dir

FAKE = """,id,postcode,latitude,longitude,postcode_clean
0,1,B1 1BB,52.480578,-1.903188,b11bb
1,2,B1 2RQ,52.481600,-1.911461,b12rq
2,3,B12 9QD,52.465100,-1.878800,b129qd
3,4,B12 8LU,52.470100,-1.885000,b128lu
4,5,EN77 1AA,99.999999,0.0,en771aa
5,6,WV98 1AA,99.999999,0.0,wv981aa
6,7,BAD,52.0,-1.0,bad
7,8,B1 1BB,52.0,-1.5,b11bb
8,9,B1 2RR,10.0,10.0,b12rr
"""


@pytest.fixture
def fake_file(tmp_path) -> Path:
    path = tmp_path / "ukpostcodes.csv"
    path.write_text(FAKE, encoding="utf-8")
    return path


def lookup_for(path: Path, district_file: Path | None = None) -> pc.PostcodeLookup:
    ingest = {"postcode_file": str(path)}
    if district_file:
        ingest["district_file"] = str(district_file)
    return pc.load_postcode_lookup(settings_from_dict({"ingest": ingest}))


def test_exact_postcode_district_fallback_and_unknown(fake_file):
    lk = lookup_for(fake_file)
    assert lk.locate("b1 1bb") == (52.48058, -1.90319, "postcode")
    lat, lon, precision = lk.locate("B12 1ZZ")  # unknown unit -> mean of B12's postcodes
    assert precision == "district"
    assert lat == pytest.approx((52.4651 + 52.4701) / 2, abs=1e-5)
    assert lon == pytest.approx((-1.8788 - 1.885) / 2, abs=1e-5)
    assert lk.locate("B12")[2] == "district"
    assert lk.locate("ZZ9 9ZZ") is None  # never (0, 0)
    assert lk.locate("EN77 1AA") is None  # placeholder 99.999999, 0 left out
    assert lk.locate("not a postcode") is None
    assert lk.stats["skipped_bad_coordinates"] == 3 and lk.stats["skipped_not_a_postcode"] == 1


def test_first_row_wins_for_a_repeated_postcode(fake_file):
    assert lookup_for(fake_file).locate("B1 1BB")[0] == pytest.approx(52.48058)


def test_cache_is_written_and_reused(fake_file, monkeypatch):
    lookup_for(fake_file)
    caches = list((user_data_dir() / "reference").glob("postcodes-*.npz"))
    assert len(caches) == 1
    pc._MEMO.clear()

    def no_rebuild(path):
        raise AssertionError("cache should have been used")

    monkeypatch.setattr(pc, "build_lookup_arrays", no_rebuild)
    assert lookup_for(fake_file).locate("B12 9QD")[2] == "postcode"


def test_district_file_fills_missing_districts(fake_file, fixtures):
    lk = lookup_for(fake_file, fixtures / "directory" / "districts.csv")
    assert lk.locate("WV98 1AA") == (52.58, -2.12, "district")  # only the district file knows WV98
    assert lk.locate("B12")[0] != 52.46  # computed centroid kept over the file's
    assert lk.locate("ZZ9") is None  # district file row without coordinates left out
    assert lk.stats["districts_from_district_file"] == 1


def test_ons_style_columns(tmp_path):
    path = tmp_path / "onspd.csv"
    path.write_text("pcd,pcds,lat,long\nB1  1BB,B1 1BB,52.48,-1.90\n", encoding="utf-8")
    assert lookup_for(path).locate("B1 1BB")[2] == "postcode"


def test_bad_settings_are_clear(tmp_path):
    with pytest.raises(InputFileError, match="postcode file not found"):
        lookup_for(tmp_path / "missing.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="postcode, latitude and longitude"):
        lookup_for(wrong)


def test_postcodez_is_found_without_import():
    path = pc.postcodez_file()
    assert path is None or path.name == "ukpostcodes.csv"


@pytest.mark.slow
def test_real_postcodez_data():
    if pc.postcodez_file() is None:
        pytest.skip("postcodez is not installed")
    pc._MEMO.clear()
    settings = settings_from_dict({})
    t0 = time.perf_counter()
    lk = pc.load_postcode_lookup(settings)
    cold = time.perf_counter() - t0
    assert len(lk) > 1_700_000
    lat, lon, precision = lk.locate("B1 1BB")
    assert precision == "postcode"
    assert haversine_km(lat, lon, 52.4796, -1.9026) < 2  # central Birmingham
    fallback = lk.locate("B1 9ZZ")
    assert fallback is not None and fallback[2] == "district"
    assert haversine_km(fallback[0], fallback[1], lat, lon) < 3
    assert lk.locate("EN77 1AA") is None  # placeholder coordinates in postcodez
    warm = []
    for _ in range(3):
        pc._MEMO.clear()
        t0 = time.perf_counter()
        pc.load_postcode_lookup(settings)
        warm.append(time.perf_counter() - t0)
    assert statistics.median(warm) < 1.0, (cold, warm)
    keys = np.random.default_rng(0).choice(lk.postcodes, 1000)
    t0 = time.perf_counter()
    for k in keys:
        assert lk.locate(k.decode())[2] == "postcode"
    assert (time.perf_counter() - t0) / 1000 < 1e-3
