"""End to end on real files with the real model: the learned fit ranks, calibrates, floors and explains.

Notices: the 90 real Sell2Wales releases (a development file, not the held-out export); directory: the 387
real worker co-operatives with descriptions (``../shared/data``; skipped when absent). The packaged
all-MiniLM-L6-v2 runs offline, as in production.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

NOTICES = "ocds/uk_cf_pcs_s2w_2025/sell2wales_releases.jsonl"
DIRECTORY = "orgs/workers_coop_2023-06-23_with_descriptions.csv"


@pytest.fixture(scope="module")
def scan_folder(tmp_path_factory, shared_data_module) -> Path:
    out = tmp_path_factory.mktemp("learned") / "scan"
    args = ["scan", "--notices", str(shared_data_module / NOTICES), "--directory", str(shared_data_module / DIRECTORY)]
    args += ["--out", str(out), "--as-of", "2025-01-01", "--store", str(out.parent / "h.sqlite"), "--quiet"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def shared_data_module() -> Path:
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent: real-data test skipped")
    return SHARED_DATA


def test_the_scan_ranks_by_a_calibrated_fit_with_a_floor(scan_folder: Path) -> None:
    summary = json.loads((scan_folder / "scan-summary.json").read_text())
    assert summary["ranker"] == "learned" and summary["min_fit"] > 0
    rows = json.loads((scan_folder / "matches.json").read_text())
    floor = summary["min_fit"]
    assert all(0.0 <= r["fit"] <= 1.0 and r["score"] == r["fit"] for r in rows)
    below = [r for r in rows if r["status"] == "below floor"]
    assert below and all(r["fit"] < floor and not r["eligible"] for r in below)
    assert all(r["fit"] >= floor for r in rows if r["status"] == "eligible")
    # every fit explains itself in words, and its parts are kept
    assert all(r["reasons"][0].startswith(f"Fit {r['fit']:.2f}") for r in rows)
    assert all(any(k.startswith("fit: ") for k in r["parts"]) for r in rows)
    # within a notice and status, best fit first
    first = [r for r in rows if r["rank"] == 1 and r["lot_id"] is None]
    assert len(first) == summary["counts"]["notices_scanned"]


def test_the_digest_puts_the_best_first_and_says_when_nothing_fits(scan_folder: Path) -> None:
    html = (scan_folder / "digest.html").read_text()
    assert html.index("Best opportunities") < html.index("New and changed since the last scan")
    assert "Nothing in your network fits" in html
    fits = [float(x) for x in re.findall(r'<span class="fit">fit ([0-9.]+)</span>', html.split('id="coming-up"')[0])]
    assert fits and fits == sorted(fits, reverse=True)


def test_briefs_only_from_members_above_the_team_floor(scan_folder: Path) -> None:
    from procure_match.settings import Settings

    teams = json.loads((scan_folder / "consortia.json").read_text())
    proposed = [t for t in teams if t.get("members")]
    floor = Settings().consortium.learned_min_fit
    assert proposed
    for team in proposed:
        covers = [c for part in team["member_parts"] for c in part["covers"]]
        fits = [float(f) for c in covers for f in re.findall(r"\(fit ([0-9.]+)\)", c)]
        assert fits and all(f >= floor - 0.005 for f in fits), team["member_parts"]
    below = {r["tender_id"] for r in json.loads((scan_folder / "matches.json").read_text()) if r["rank"] == 1}
    briefed = {t["tender_id"] for t in proposed}
    assert briefed <= below


def test_explain_gives_the_scans_fit(scan_folder: Path, shared_data_module: Path) -> None:
    rows = json.loads((scan_folder / "matches.json").read_text())
    row = next(r for r in rows if r["rank"] == 2 and r["lot_id"] is None)
    args = ["explain", row["tender_id"], row["enterprise_id"], "--notices", str(shared_data_module / NOTICES)]
    args += ["--directory", str(shared_data_module / DIRECTORY)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"fit {row['fit']:.3f}" in result.output and "ranked by the learned fit" in result.output
