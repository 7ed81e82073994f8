"""CLI tests of ``scan`` and ``explain`` on small hand-written fixtures, with the fast TF-IDF embedder."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app
from procure_match.settings import load_settings

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "scan"
runner = CliRunner()


def _scan(tmp_path: Path, notices: Path, out: str = "out", *extra: str):
    args = [
        "scan",
        "--notices",
        str(notices),
        "--directory",
        str(FIX / "directory.csv"),
        "--out",
        str(tmp_path / out),
        "--embedder",
        "tfidf",
        "--top-k",
        "5",
        "--store",
        str(tmp_path / "scans.sqlite"),
        "--quiet",
        *extra,
    ]
    return runner.invoke(app, args)


@pytest.fixture
def notices(tmp_path) -> Path:
    path = tmp_path / "notices.json"
    shutil.copy(FIX / "notices.json", path)
    return path


def test_scan_writes_every_output(tmp_path, notices):
    result = _scan(tmp_path, notices)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    rows = json.loads((out / "matches.json").read_text())
    required = {"tender_id", "lot_id", "enterprise_id", "rank", "score", "eligible", "status", "fit", "parts"}
    assert rows and all(required | {"reasons", "tender_title", "enterprise_name"} <= set(r) for r in rows)
    groups = {(r["tender_id"], r["lot_id"]) for r in rows}
    # notice 2 has two lots: matched whole and lot by lot; notice 4 is past its deadline
    assert groups == {
        ("ocds-pmtest-0001", None),
        ("ocds-pmtest-0002", None),
        ("ocds-pmtest-0002", "1"),
        ("ocds-pmtest-0002", "2"),
        ("ocds-pmtest-0003", None),
    }
    for g in groups:
        ranks = [r["rank"] for r in rows if (r["tender_id"], r["lot_id"]) == g]
        assert ranks == [1, 2, 3, 4, 5]
    assert all(0 <= r["score"] <= 1 for r in rows)

    by = {(r["tender_id"], r["lot_id"], r["enterprise_id"]): r for r in rows}
    grounds = [r for r in rows if (r["tender_id"], r["lot_id"]) == ("ocds-pmtest-0001", None)]
    assert grounds[0]["enterprise_name"] == "Green Spaces CIC" and grounds[0]["status"] == "eligible"
    assert grounds[0]["parts"]["vcse_bonus"] == 0.05 and grounds[0]["parts"]["cpv"] == 1.0
    small = by[("ocds-pmtest-0001", None, "GB-COH-00000006")]  # turnover 50k < 2 x 60k a year
    assert small["status"] == "fits, needs partners" and small["failed_rules"] == ["capacity"]
    kitchen = by[("ocds-pmtest-0003", None, "GB-COH-00000004")]  # shares company, reserved notice
    assert kitchen["status"] == "ineligible" and "reserved_participation" in kitchen["failed_rules"]
    roof = [r for r in rows if (r["tender_id"], r["lot_id"]) == ("ocds-pmtest-0002", "1")]
    assert roof[0]["enterprise_name"] == "Roofers Co-operative"

    with (out / "matches.csv").open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(csv_rows) == len(rows)
    assert {"part_semantic", "part_cpv", "part_distance", "reasons"} <= set(csv_rows[0])
    assert " | " in csv_rows[0]["reasons"]

    settings = load_settings(out / "settings.toml")
    assert settings.embedder.backend == "tfidf" and settings.scan.top_k == 5
    report = json.loads((out / "ingest-report.json").read_text())
    assert report["records_read"] == 12 and report["records_kept"] == 12
    summary = json.loads((out / "scan-summary.json").read_text())
    assert summary["counts"]["new"] == 4 and "ocds-pmtest-0004" in summary["excluded"]
    assert "has passed" in summary["excluded"]["ocds-pmtest-0004"]


def test_second_scan_reports_changed_and_withdrawn(tmp_path, notices):
    assert _scan(tmp_path, notices, "first").exit_code == 0
    data = json.loads(notices.read_text())
    data["releases"][0]["tender"]["tenderPeriod"]["endDate"] = "2099-02-15T12:00:00Z"
    data["releases"][0]["tender"]["value"]["amount"] = 150000
    data["releases"] = [r for r in data["releases"] if r["ocid"] != "ocds-pmtest-0003"]
    notices.write_text(json.dumps(data))
    result = _scan(tmp_path, notices, "second")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "second" / "scan-summary.json").read_text())
    changes = summary["changes"]
    assert changes["ocds-pmtest-0001"]["kind"] == "changed"
    assert set(changes["ocds-pmtest-0001"]["changed_fields"]) == {"deadline", "value"}
    assert any("15 Jan 2099" in d and "15 Feb 2099" in d for d in changes["ocds-pmtest-0001"]["details"])
    assert changes["ocds-pmtest-0003"]["kind"] == "withdrawn"
    assert "ocds-pmtest-0002" not in changes  # unchanged notices are not listed
    assert summary["counts"]["changed"] == 1 and summary["counts"]["withdrawn"] == 1
    assert "changed: ocds-pmtest-0001" in result.output
    con = sqlite3.connect(tmp_path / "scans.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM scans").fetchone()[0] == 2
    con.close()


def test_settings_problems_are_all_reported_before_any_work(tmp_path, notices):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scan]\ntop_kk = 3\nradius_km = -1.0\n[rules]\ncapacity_turnover_factor = "x"\n')
    result = _scan(tmp_path, notices, "out", "--settings", str(bad))
    assert result.exit_code == 2
    assert "top_kk" in result.output and "radius_km" in result.output and "capacity_turnover_factor" in result.output
    assert not (tmp_path / "out").exists()
    result = _scan(tmp_path, notices, "out", "--top-k", "0")
    assert result.exit_code == 2 and "scan.top_k must be at least 1" in result.output


def test_unreadable_inputs_exit_with_one_line(tmp_path, notices):
    result = _scan(tmp_path, tmp_path / "missing.json")
    assert result.exit_code == 2 and "missing.json" in result.output and "file not found" in result.output
    result = _scan(tmp_path, notices, "out", "--since", "last week")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 200)
    args = ["scan", "--notices", str(notices), "--directory", str(FIX / "directory.csv")]
    args += ["--out", str(tmp_path / "o"), "--embedder", "tfidf", "--store", str(junk), "--quiet"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "junk.sqlite" in result.output


def test_since_limits_by_publication_date(tmp_path, notices):
    result = _scan(tmp_path, notices, "out", "--since", "2026-01-06")
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "out" / "matches.json").read_text())
    assert {r["tender_id"] for r in rows} == {"ocds-pmtest-0002", "ocds-pmtest-0003"}
    summary = json.loads((tmp_path / "out" / "scan-summary.json").read_text())
    assert "before --since" in summary["excluded"]["ocds-pmtest-0001"]


def _explain(*args: str):
    base = ["explain", *args, "--notices", str(FIX / "notices.json"), "--directory", str(FIX / "directory.csv")]
    return runner.invoke(app, [*base, "--embedder", "tfidf"])


def test_explain_prints_every_part_and_rule():
    result = _explain("ocds-pmtest-0001", "GB-COH-00000006")
    assert result.exit_code == 0, result.output
    for word in ("semantic", "cpv", "distance", "capacity", "certifications", "reserved_participation"):
        assert word in result.output
    assert "vcse_bonus" in result.output and "fits, needs partners" in result.output and "FAIL" in result.output
    # a pair far outside any top K still explains: a web co-op against the roofing lot
    result = _explain("ocds-pmtest-0002", "GB-COH-00000007", "--lot", "1")
    assert result.exit_code == 0, result.output
    # no certification recorded: unverified, not failed (issue 11); the radius still counts against it
    assert "Certification unverified" in result.output and "unverified (input missing" in result.output
    assert "Missing certification" not in result.output


def test_explain_unknown_ids_name_close_matches():
    result = _explain("ocds-pmtest-001", "GB-COH-00000006")
    assert result.exit_code == 2 and "ocds-pmtest-0001" in result.output
    result = _explain("ocds-pmtest-0001", "GB-COH-0000006")
    assert result.exit_code == 2 and "GB-COH-00000006" in result.output
    result = _explain("ocds-pmtest-0002", "GB-COH-00000006", "--lot", "9")
    assert result.exit_code == 2 and "its lots: 1, 2" in result.output


def test_readme_settings_table_lists_every_key():
    """Docs that cannot drift: every settings key appears in the README settings table with its default."""
    from dataclasses import fields

    from procure_match.settings import Settings

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- section: settings -->", 1)[1].split("<!-- /section: settings -->", 1)[0]
    root = Settings()
    missing = [
        f"{section.name}.{key.name}"
        for section in fields(root)
        for key in fields(getattr(root, section.name))
        if f"| `{section.name}.{key.name}` |" not in table
    ]
    assert not missing, f"README settings table lacks: {', '.join(missing)}"


def test_history_recognises_a_file_given_relative_or_absolute(tmp_path, notices, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _scan(tmp_path, Path("notices.json"), "first").exit_code == 0
    result = _scan(tmp_path, notices.resolve(), "second")
    assert result.exit_code == 0, result.output
    counts = json.loads((tmp_path / "second" / "scan-summary.json").read_text())["counts"]
    assert (counts["new"], counts["changed"], counts["withdrawn"]) == (0, 0, 0)


def test_an_out_path_that_is_a_file_stops_before_the_scan_is_recorded(tmp_path, notices):
    (tmp_path / "out").write_text("not a folder")
    result = _scan(tmp_path, notices, "out")
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    assert not (tmp_path / "scans.sqlite").exists()


def test_a_second_scan_of_an_unchanged_directory_reuses_its_snapshot(tmp_path, notices):
    first = _scan(tmp_path, notices, "out1")
    second = _scan(tmp_path, notices, "out2")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    summaries = [json.loads((tmp_path / o / "scan-summary.json").read_text()) for o in ("out1", "out2")]
    assert [s["counts"]["directory_snapshot_reused"] for s in summaries] == [0, 1]
    same = [(tmp_path / o / name).read_text() for o in ("out1", "out2") for name in ("matches.json",)]
    assert same[0] == same[1]
    reports = [json.loads((tmp_path / o / "ingest-report.json").read_text()) for o in ("out1", "out2")]
    assert reports[0]["problems"] == reports[1]["problems"] and reports[0]["records_kept"] == reports[1]["records_kept"]


@pytest.mark.parametrize("blocked", ["matches.csv", "briefs", "digest.html"])
def test_failed_output_write_keeps_the_news_for_the_rerun(tmp_path, notices, blocked):
    """Issue 13, item 4: the history is committed only after every output is written."""
    out = tmp_path / "out"
    out.mkdir()
    in_the_way = out / blocked
    if blocked == "briefs":
        in_the_way.write_text("a file where the briefs folder should be")
    else:
        in_the_way.mkdir()  # a folder where a file should be
    result = _scan(tmp_path, notices, "out")
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and blocked in result.output and "Traceback" not in result.output
    with sqlite3.connect(tmp_path / "scans.sqlite") as con:
        assert con.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 0  # nothing remembered
    (in_the_way.rmdir() if in_the_way.is_dir() else in_the_way.unlink())
    rerun = _scan(tmp_path, notices, "out")
    assert rerun.exit_code == 0, rerun.output
    counts = json.loads((out / "scan-summary.json").read_text())["counts"]
    assert counts["new"] > 0  # the same notices are news again
    assert _scan(tmp_path, notices, "out2").exit_code == 0
    assert json.loads((tmp_path / "out2" / "scan-summary.json").read_text())["counts"]["new"] == 0


def test_a_data_folder_under_a_file_is_a_one_line_error(tmp_path, notices, monkeypatch):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    monkeypatch.setenv("PROCURE_MATCH_HOME", str(blocker / "home"))
    args = ["scan", "--notices", str(notices), "--directory", str(FIX / "directory.csv")]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out"), "--embedder", "tfidf", "--quiet"])
    assert result.exit_code == 2 and "PROCURE_MATCH_HOME" in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
