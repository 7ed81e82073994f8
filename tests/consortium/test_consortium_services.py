"""Consortia that form on real data (issue 11, item 6): many-service notices split into services, teams
whose members each cover a named part, capacity "unverified" when a turnover is not recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from procure_match.consortium import form_teams
from procure_match.pipeline import run_scan
from procure_match.reports.context import consortia_records
from procure_match.scan_folder import write_scan_folder
from procure_match.settings import settings_from_dict

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "facilities"


def _settings(**extra):
    return settings_from_dict({"embedder": {"backend": "tfidf"}, "directory": {"snapshots": False}, **extra})


def test_facilities_notice_yields_a_team_of_cleaning_grounds_and_catering_co_operatives(tmp_path):
    """Real worker co-op rows (fixture README): one each for cleaning, grounds and catering, four others."""
    settings = _settings()
    run = run_scan(
        [FIX / "fm_notice.json"],
        FIX / "worker_coops_excerpt.csv",
        settings,
        now=datetime(2026, 1, 10, tzinfo=UTC),
        store_path=tmp_path / "h.sqlite",
    )
    teams = form_teams(run.result, settings)
    best = teams[0]
    assert best.feasible and [r.id for r in best.work] == ["service:cleaning", "service:grounds", "service:catering"]
    assert best.assignment == {
        "service:cleaning": "R002146",  # A Clean Sweep Co-operative (SIC 81200)
        "service:grounds": "R005491",  # Primrose Cottage Garden Services ("gardening services")
        "service:catering": "R005543",  # Kingsthorpe Upper Crust Catering Service (SIC 56290)
    }
    assert best.capacity == "not checked"  # the notice states no value
    lead = best.member(best.lead)
    assert lead.covers, "a lead covers a requirement"
    (record,) = consortia_records(teams[:1], run.result)
    parts = {p["name"]: p["covers"] for p in record["member_parts"]}
    assert parts["A Clean Sweep Co-operative"][0].startswith("cleaning (from the notice's words: 'cleaning')")
    assert "supplies it: SIC 81200" in parts["A Clean Sweep Co-operative"][0]
    assert "supplies it: the description: 'gardening'" in parts["Primrose Cottage Garden Services Co-operative"][0]
    # no member of any alternative covers nothing
    assert all(m.covers for t in teams if t.feasible for m in t.member_details)


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize(
    "directory", ["workers_coop_2023-06-23_with_descriptions.csv", "coops_uk_2023Q2_standard_geocoded.csv"]
)
def test_real_open_notices_propose_multi_member_teams(shared_data, tmp_path, directory):
    """End to end on the November 2025 Contracts Finder notices (used here only as a crash/end-to-end test,
    never to tune): multi-member teams are proposed (before issue 11: none), and no member covers nothing."""
    settings = _settings()
    run = run_scan(
        [shared_data / "uk_notices_csv" / "cf_export_open_2025-11.csv"],
        shared_data / "orgs" / directory,
        settings,
        now=datetime(2025, 11, 7, tzinfo=UTC),
        store_path=tmp_path / "h.sqlite",
    )
    write_scan_folder(tmp_path / "out", run, settings)
    records = json.loads((tmp_path / "out" / "consortia.json").read_text(encoding="utf-8"))
    feasible = [r for r in records if r["feasible"]]
    multi = [r for r in feasible if len(r["members"]) > 1]
    assert len(multi) > 0
    for r in feasible:
        assert r["capacity"] in ("met", "unverified", "not checked")
        for part in r["member_parts"]:
            assert part["covers"]  # a capacity partner names the work it shares
        assert any(p["covers"] for p in r["member_parts"] if p["role"] == "lead")
        if r["capacity"] != "met":  # unknown turnover never counted as £0
            assert not any("counted as £0" in risk for risk in r["risks"])
    served = [r for r in multi if any(q["kind"] == "service" for q in r["requirements"])]
    assert served, "some multi-member team covers the services of a many-service notice"
    brief = tmp_path / "out" / served[0]["brief"]
    assert brief.is_file() and "supplies it:" in brief.read_text(encoding="utf-8")
