"""``procure-match ingest notices`` / ``ingest directory`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app

runner = CliRunner()


def test_notices_summary_and_report(fixtures, tmp_path):
    report = tmp_path / "report.json"
    result = runner.invoke(
        app, ["ingest", "notices", str(fixtures / "notices" / "releases.jsonl"), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "2 notices" in result.output and "1 awards" in result.output
    assert "not valid JSON" in result.output
    data = json.loads(report.read_text())
    assert data["records_read"] == 7 and data["skipped"] == 3 and data["counts"]["notices"] == 2
    assert {p["record"] for p in data["problems"]} == {"line 3", "line 6, item 1", "line 6, item 2"}


def test_notices_json_to_stdout(fixtures):
    result = runner.invoke(
        app, ["ingest", "notices", "-q", "--json", str(fixtures / "notices" / "single_release.json")]
    )
    assert result.exit_code == 0, result.output
    (tender,) = json.loads(result.stdout)
    assert tender["tender_id"] == "ocds-h6vhtk-0b0b01" and tender["deadline"] == "2025-11-20T12:00:00+00:00"


def test_strict_fails_on_record_problems(fixtures):
    bad = runner.invoke(app, ["ingest", "notices", "--strict", str(fixtures / "notices" / "record_package.json")])
    assert bad.exit_code == 3
    clean = runner.invoke(app, ["ingest", "notices", "--strict", str(fixtures / "notices" / "cf_export_cr.csv")])
    assert clean.exit_code == 0, clean.output


def test_unreadable_file_is_one_line_and_exit_2(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    result = runner.invoke(app, ["ingest", "notices", str(empty)])
    assert result.exit_code == 2
    assert "empty.json: file is empty" in result.output and "Fix:" in result.output
    assert "Traceback" not in result.output


def test_bad_settings_exit_2(tmp_path, fixtures):
    cfg = tmp_path / "s.toml"
    cfg.write_text("[ingest]\nfx_to_gbp = {EUR = -1}\n")
    result = runner.invoke(
        app, ["ingest", "notices", "--settings", str(cfg), str(fixtures / "notices" / "bom_package.json")]
    )
    assert result.exit_code == 2 and "fx_to_gbp" in result.output


@pytest.mark.parametrize("command", [["ingest", "notices"], ["ingest", "directory"], ["ingest"]])
def test_help_has_an_example(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_directory_command(tmp_path):
    pytest.importorskip("procure_match.ingest.directory")
    path = tmp_path / "dir.csv"
    path.write_text("Name,Legal form\nHub Kitchen CIC,Community Interest Company\n")  # no postcode: no lookup load
    result = runner.invoke(app, ["ingest", "directory", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 enterprises" in result.output
    # the README promises it says which header each field was read from (QA found it did not)
    assert "Columns read" in result.output and "Legal form" in result.output and "legal_form" in result.output


def test_readme_documents_the_ingest_commands():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: ingest -->")[1].split("<!-- /section: ingest -->")[0]
    for command in ("procure-match ingest notices", "procure-match ingest directory", "--strict", "--report", "--json"):
        assert command in section
