from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from procure_match.cli.main import app
from procure_match.errors import InputFileError
from procure_match.evaluate import Label, evaluate, load_labels, ranked_from_matches


def test_hand_case():
    ranked = {("t1", None): ["a", "b", "c", "d"], ("t2", "L1"): ["x", "y", "z"]}
    labels = [Label("t1", None, ("b", "d")), Label("t2", "L1", ("q",)), Label("t3", None, ("a",))]
    ev = evaluate(ranked, labels, ks=(1, 2, 4))
    assert ev.evaluated == 2
    assert ev.unranked == [("t3", None)]
    assert ev.precision_at(1) == 0.0
    assert ev.precision_at(2) == pytest.approx((1 / 2 + 0) / 2)
    assert ev.recall_at(4) == pytest.approx((2 / 2 + 0) / 2)
    assert ev.hit_at(2) == pytest.approx(0.5)
    assert ev.mrr == pytest.approx((1 / 2 + 0) / 2)


@given(
    order=st.lists(st.sampled_from("abcdefgh"), unique=True, min_size=1),
    shortlist=st.sets(st.sampled_from("abcdefgh"), min_size=1),
)
def test_metrics_stay_in_range(order, shortlist):
    ev = evaluate({("t", None): order}, [Label("t", None, tuple(shortlist))], ks=(1, 3, 10))
    for k in (1, 3, 10):
        assert 0 <= ev.precision_at(k) <= 1
        assert 0 <= ev.recall_at(k) <= 1
    assert ev.recall_at(10) <= ev.recall_at(10) + ev.hit_at(10)
    assert ev.recall_at(1) <= ev.recall_at(3) <= ev.recall_at(10)


def test_ranked_from_matches_orders_by_rank_and_filters():
    rows = [
        {"tender_id": "t", "lot_id": None, "enterprise_id": "b", "rank": 2, "eligible": False},
        {"tender_id": "t", "lot_id": None, "enterprise_id": "a", "rank": 1, "eligible": True},
    ]
    assert ranked_from_matches(rows) == {("t", None): ["a", "b"]}
    assert ranked_from_matches(rows, eligible_only=True) == {("t", None): ["a"]}


def test_bad_labels_file_is_clear(tmp_path):
    p = tmp_path / "labels.json"
    p.write_text('{"labels": [{"tender_id": "t"}]}')
    with pytest.raises(InputFileError, match="label 0 needs tender_id and a shortlist"):
        load_labels(p)


def test_cli_evaluate(tmp_path):
    scan = tmp_path / "scan"
    scan.mkdir()
    (scan / "matches.json").write_text(
        json.dumps([{"tender_id": "t", "lot_id": None, "enterprise_id": e, "rank": i} for i, e in enumerate("abc", 1)])
    )
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"labels": [{"tender_id": "t", "lot_id": None, "shortlist": ["b"]}]}))
    result = CliRunner().invoke(app, ["evaluate", str(scan), "--labels", str(labels), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["mrr"] == 0.5
    assert figures["metrics"]["@3"]["recall"] == 1.0
    missing = CliRunner().invoke(app, ["evaluate", str(tmp_path / "nope"), "--labels", str(labels)])
    assert missing.exit_code == 2
    assert "matches file not found" in missing.output
