"""Where the work is, on real Contracts Finder notices (issue 11, item 2).

``cf_export_open_2025-11.csv`` is the held-out file: used here only for behaviour and end-to-end
checks, never to build the CPV or keyword tables (those come from the CPV list and other files).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app
from procure_match.domain import Enterprise, Tender
from procure_match.ingest import load_notices
from procure_match.reference.geo import haversine_km, postcode_district
from procure_match.reference.regions import postcode_region
from procure_match.scoring.match import build_targets, delivery_counts, score_pair
from procure_match.scoring.rules import MatchTarget
from procure_match.settings import Settings

pytestmark = [pytest.mark.realdata]
OPEN = "uk_notices_csv/cf_export_open_2025-11.csv"


class DistrictLookup:
    """Postcode district centroids from the doogal export (real data; fast, no postcodez build)."""

    def __init__(self, path: Path):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = csv.DictReader(fh)
            self.points = {r["Postcode"]: (float(r["Latitude"]), float(r["Longitude"])) for r in rows if r["Latitude"]}

    def locate(self, postcode: str):
        found = self.points.get(postcode_district(postcode) or "")
        return None if found is None else (*found, "district")


@pytest.fixture(scope="module")
def open_notices() -> list[Tender]:
    from tests.conftest import SHARED_DATA

    if not (SHARED_DATA / OPEN).is_file():
        pytest.skip("../shared/data is absent: real-data test skipped")
    tenders, _ = load_notices([SHARED_DATA / OPEN], Settings())
    return tenders


@pytest.fixture(scope="module")
def open_targets(open_notices) -> dict[str, MatchTarget]:
    from tests.conftest import SHARED_DATA

    lookup = DistrictLookup(SHARED_DATA / "geo" / "postcode_districts_doogal_2020.csv")
    return {t.tender_id: build_targets(t, lookup, settings=Settings())[0] for t in open_notices}


def _find(tenders: list[Tender], words: str, buyer: str = "") -> Tender:
    return next(t for t in tenders if words in t.title and buyer in (t.buyer_name or ""))


def test_a_repair_in_sumy_is_flagged_outside_the_uk(open_notices, open_targets):
    sumy = _find(open_notices, "Sumy")
    target = open_targets[sumy.tender_id]
    assert target.overseas == "Ukraine" and target.location is None, "never geocoded to the buyer's London office"
    cand, _ = score_pair(target, Enterprise(id="e", name="e"), 0.3, 3.0, Settings())
    assert "Distance not scored: delivered outside the UK (Ukraine)." in cand.reasons
    assert cand.parts["distance_km"] is None


def test_a_lincolnshire_school_taxi_notice_is_placed_in_lincolnshire(open_notices, open_targets):
    taxi = _find(open_notices, "Boston Area - Taxi", "Lincolnshire County Council")
    assert any(loc.region == "England" for loc in taxi.locations), "the notice itself only says 'England'"
    target = open_targets[taxi.tender_id]
    assert target.delivery_mode == "on site" and target.distance_weight == 1.0
    assert target.place_basis == "buyer's area" and "Lincolnshire County Council" in (target.place_label or "")
    assert target.location is not None and haversine_km(*target.location, 53.23, -0.54) < 15, "at Lincoln"
    assert postcode_region(target.place_label) == "East Midlands"


def test_an_internal_audit_notice_does_not_score_distance(open_notices, open_targets):
    audit = _find(open_notices, "Internal Audit Service", "South Liverpool Homes")
    target = open_targets[audit.tender_id]
    assert target.delivery_mode == "remote-capable"
    near, _ = score_pair(target, Enterprise(id="near", name="near"), 0.3, 7.0, Settings())
    far, _ = score_pair(target, Enterprise(id="far", name="far"), 0.3, 261.0, Settings())
    assert near.score == far.score, "7 km and 261 km score the same for desk work"
    assert "Distance not scored: the work can be done remotely (CPV 79212200 auditing services)." in near.reasons


def test_delivery_counts_on_the_open_notices(open_targets):
    """On site / mixed / remote and how each place was decided, for all 852 notices of November 2025."""
    counts = delivery_counts(list(open_targets.values()))
    assert len(open_targets) == 852
    # By the Region column: Ukraine 10, Mexico 3, Vietnam, Nigeria, Rest of the World; by the title of a
    # national buyer with "Any region": British Forces Cyprus (MoD), Mauritius (FCDO).
    assert counts["delivery_place_overseas"] == 18
    assert counts["delivery_mode_on_site"] == 485
    assert counts["delivery_mode_mixed"] == 277
    assert counts["delivery_mode_remote_capable"] == 90
    assert counts["delivery_place_buyers_area"] == 185  # a wide-area label and a local buyer
    assert counts["delivery_place_wide_area"] == 208


@pytest.mark.slow
def test_a_real_scan_writes_delivery_facts_and_counts(shared_data, tmp_path):
    out = tmp_path / "scan"
    args = [
        "scan", "--notices", str(shared_data / OPEN),
        "--directory", str(shared_data / "orgs/workers_coop_2023-06-23_with_descriptions.csv"),
        "--out", str(out), "--embedder", "tfidf", "--as-of", "2025-11-07", "--top-k", "5",
        "--store", str(tmp_path / "scans.sqlite"), "--quiet",
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    counts = json.loads((out / "scan-summary.json").read_text())["counts"]
    modes = sum(v for k, v in counts.items() if k.startswith("delivery_mode_"))
    places = sum(v for k, v in counts.items() if k.startswith("delivery_place_"))
    assert modes == places == counts["notices_scanned"] == 852
    assert counts["delivery_place_overseas"] == 18
    rows = json.loads((out / "matches.json").read_text())
    assert all(row["delivery"] and row["delivery"]["delivery_mode"] for row in rows)
    overseas = [row for row in rows if row["delivery"]["overseas"]]
    assert overseas and all(row["parts"]["distance_km"] is None for row in overseas)
    assert all(any("delivered outside the UK" in r for r in row["reasons"]) for row in overseas)
    header = (out / "matches.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "delivery_mode" in header and "overseas" in header
