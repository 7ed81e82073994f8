"""The demo end to end on the bundled data: every output exists and is valid; a second run adds nothing."""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.count += 1


def _run(out, *extra):
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--quiet", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _check_outputs(out):
    scan = out / "scan"
    matches = json.loads((scan / "matches.json").read_text())
    assert matches and {"tender_id", "lot_id", "enterprise_id", "rank", "score", "parts", "reasons"} <= set(matches[0])
    assert all(0.0 <= m["score"] <= 1.0 for m in matches)
    with (scan / "matches.csv").open(newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == len(matches)
    teams = json.loads((scan / "consortia.json").read_text())
    assert any(len(t["members"]) > 1 and not t["gaps"] for t in teams), "the demo should propose consortia"
    briefs = sorted((scan / "briefs").glob("*.html"))
    assert briefs and len(briefs) == len(list((scan / "briefs").glob("*.md")))
    for page in (scan / "digest.html", briefs[0], out / "ledger" / "ledger_report.html"):
        parser = _Tags()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.count > 20, page
    progress = json.loads((out / "ledger" / "ledger_progress.json").read_text())
    assert progress["portfolio"]["target_amount"] == pytest.approx(3_500_000, rel=0.05)
    evaluation = json.loads((out / "evaluation.json").read_text())
    assert evaluation["evaluated_items"] > 30
    return evaluation


def test_demo_end_to_end_with_tfidf_twice(tmp_path):
    out = tmp_path / "demo"
    _run(out, "--embedder", "tfidf")
    summary = json.loads((out / "scan" / "scan-summary.json").read_text())
    assert summary["counts"]["new"] == summary["counts"]["notices_read"] == 60
    evaluation = _check_outputs(out)
    # Quality floor on the coordinator's labels (measured 0.74 MRR with TF-IDF when written).
    assert evaluation["mrr"] > 0.5
    spend = json.loads((out / "ledger" / "ledger_progress.json").read_text())["portfolio"]["se_spend"]
    assert spend > 0

    _run(out, "--embedder", "tfidf")
    again = json.loads((out / "scan" / "scan-summary.json").read_text())["counts"]
    assert (again["new"], again["changed"], again["withdrawn"]) == (0, 0, 0)
    assert json.loads((out / "ledger" / "ledger_progress.json").read_text())["portfolio"]["se_spend"] == spend
    ledger_check = CliRunner().invoke(app, ["ledger", "check", "--ledger", str(out / "ledger.sqlite")])
    assert ledger_check.exit_code == 0, ledger_check.output


@pytest.mark.slow
def test_demo_with_the_real_model(tmp_path):
    out = tmp_path / "demo"
    _run(out)
    counts = json.loads((out / "scan" / "scan-summary.json").read_text())["counts"]
    assert counts["texts_embedded"] + counts["texts_from_cache"] == 164
    evaluation = _check_outputs(out)
    assert evaluation["mrr"] > 0.5


def test_demo_without_bundled_data_says_how_to_fix(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "o"), "--data", str(tmp_path), "--quiet"])
    assert result.exit_code == 2
    assert "bundled demo data not found" in result.output
