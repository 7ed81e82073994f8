"""Regression tests for issue 13 (notice side): each finding of the fuzzing pass, from a small fixture.

Nothing is lost silently, nothing crashes: a hostile or broken notice file is refused in one line
(exit 2) or its bad records are reported while the rest is read, and memory stays flat.
"""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procure_match.cli.main import app
from procure_match.errors import SEVERITY_NOTE, InputFileError, NotNoticesError
from procure_match.ingest import load_notices
from procure_match.settings import Settings, settings_from_dict

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def _release(ocid: str, title: str = "Grounds maintenance") -> dict:
    return {"ocid": ocid, "id": f"{ocid}-r1", "date": "2025-01-10T09:00:00Z", "tag": ["tender"],
            "tender": {"id": "t1", "title": title, "status": "active"}}  # fmt: skip


def _balanced(report) -> bool:
    return report.records_read == report.records_kept + report.skipped


# --- item 6: deep JSON nesting ----------------------------------------------------------------


def test_deep_json_nesting_is_refused_in_one_line_with_flat_memory(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 60_000 + "]" * 60_000)  # 120 KB: took 9 GB before the depth guard
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError, match=r"nested deeper than 100 levels \(limit: ingest.max_json_depth\)"):
            load_notices([path], Settings())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40_000_000, f"peak {peak / 1e6:.0f} MB"
    result = runner.invoke(app, ["ingest", "notices", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "max_json_depth" in result.output


def test_deep_object_nesting_is_refused_with_flat_memory(tmp_path):
    path = tmp_path / "deep_objects.json"
    path.write_text('{"a":' * 60_000 + "1" + "}" * 60_000)
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError, match="max_json_depth"):
            load_notices([path], Settings())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40_000_000


def test_deep_release_in_a_package_keeps_the_releases_before_and_reports_the_rest(tmp_path):
    path = tmp_path / "package.json"
    good = json.dumps(_release("ocds-x-1"))
    path.write_text('{"uri": "x", "releases": [' + good + ", " + "[" * 5000 + "]" * 5000 + "]}")
    tenders, report = load_notices([path], Settings())
    assert [t.tender_id for t in tenders] == ["ocds-x-1"]
    assert report.skipped == 1 and "max_json_depth" in report.problems[0].problem
    assert "rest of the file" in report.problems[0].problem and _balanced(report)


def test_deep_json_lines_record_is_a_record_problem(tmp_path):
    path = tmp_path / "deep.jsonl"
    lines = [
        json.dumps(_release("ocds-x-1")),
        "[" * 60_000 + "]" * 60_000,
        '{"ocid": "o", "x": ' + "[" * 150 + "]" * 150,
    ]
    path.write_text("\n".join([*lines[:2], lines[2] + "}", json.dumps(_release("ocds-x-2"))]) + "\n")
    tenders, report = load_notices([path], Settings())
    assert sorted(t.tender_id for t in tenders) == ["ocds-x-1", "ocds-x-2"]
    assert [p.record for p in report.problems] == ["line 2", "line 3"]
    assert all("max_json_depth" in p.problem for p in report.problems) and _balanced(report)


def test_max_json_depth_setting_is_honoured(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"releases": [{**_release("ocds-x-1"), "x": [[[["deep"]]]]}]}))
    assert len(load_notices([path], Settings())[0]) == 1
    with pytest.raises(InputFileError, match="max_json_depth"):
        load_notices([path], settings_from_dict({"ingest": {"max_json_depth": 5}}))


def test_oversized_records_are_refused_without_holding_them(tmp_path):
    small = settings_from_dict({"ingest": {"max_record_mb": 1}})
    lines = tmp_path / "big.jsonl"
    big = {**_release("ocds-x-2"), "tender": {"title": "x" * 2_000_000}}
    lines.write_text("\n".join(json.dumps(r) for r in (_release("ocds-x-1"), big, _release("ocds-x-3"))) + "\n")
    tenders, report = load_notices([lines], small)
    assert sorted(t.tender_id for t in tenders) == ["ocds-x-1", "ocds-x-3"]
    assert [(p.record, "max_record_mb" in p.problem) for p in report.problems] == [("line 2", True)]
    package = tmp_path / "big.json"
    package.write_text(json.dumps({"releases": [_release("ocds-x-1"), big, _release("ocds-x-3")]}))
    tenders, report = load_notices([package], small)
    assert [t.tender_id for t in tenders] == ["ocds-x-1"]  # a streamed file stops at the record, reported
    assert report.skipped == 1 and "max_record_mb" in report.problems[0].problem and _balanced(report)
    assert len(load_notices([package], Settings())[0]) == 3  # the default limit reads it


# --- item 11: numbers, encodings, huge CSV cells ----------------------------------------------


def test_json_lines_number_of_5000_digits_is_a_record_problem(tmp_path):
    path = tmp_path / "digits.jsonl"
    huge = json.dumps(_release("ocds-x-2"))[:-1] + ', "n": ' + "9" * 5000 + "}"
    path.write_text("\n".join([json.dumps(_release("ocds-x-1")), huge, json.dumps(_release("ocds-x-3"))]) + "\n")
    tenders, report = load_notices([path], Settings())
    assert sorted(t.tender_id for t in tenders) == ["ocds-x-1", "ocds-x-3"]
    assert [(p.record, p.problem) for p in report.problems] == [("line 2", "a number has more than 4,300 digits")]
    first_line = tmp_path / "first.jsonl"  # also when it is on the line the format is sniffed from
    first_line.write_text("\n".join([huge, json.dumps(_release("ocds-x-1"))]) + "\n")
    tenders, report = load_notices([first_line], Settings())
    assert [t.tender_id for t in tenders] == ["ocds-x-1"] and report.skipped == 1


@pytest.mark.parametrize("digits", [25, 5000])
def test_package_with_an_overlong_integer_keeps_the_releases_before_it(tmp_path, digits):
    """ijson cannot read an integer beyond 19 digits; a package read whole is then streamed instead."""
    bad = json.dumps(_release("ocds-x-2"))[:-1] + ', "n": ' + "9" * digits + "}"
    path = tmp_path / "package.json"
    path.write_text('{"releases": [' + json.dumps(_release("ocds-x-1")) + ", " + bad + "]}")
    tenders, report = load_notices([path], Settings())
    assert [t.tender_id for t in tenders] == ["ocds-x-1"] and report.skipped == 1 and _balanced(report)
    assert "too long for the JSON parser" in report.problems[0].problem and "\n" not in report.problems[0].problem


def test_truncated_small_package_keeps_its_complete_releases(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('{"releases": [' + ", ".join(json.dumps(_release(f"ocds-x-{i}")) for i in (1, 2, 3))[:-40])
    tenders, report = load_notices([path], Settings())
    assert [t.tender_id for t in tenders] == ["ocds-x-1", "ocds-x-2"] and report.skipped == 1 and _balanced(report)
    assert "JSON breaks off here" in report.problems[0].problem


def test_utf16_file_cut_at_an_odd_byte_keeps_every_record(tmp_path):
    path = tmp_path / "cut.jsonl"
    text = "\n".join(json.dumps(_release(f"ocds-x-{i}")) for i in range(1, 4)) + "\n"
    path.write_bytes(text.encode("utf-16")[:-1])  # the last character loses its second byte
    tenders, report = load_notices([path], Settings())
    assert sorted(t.tender_id for t in tenders) == ["ocds-x-1", "ocds-x-2", "ocds-x-3"]
    whole = [p for p in report.problems if p.record == "whole file"]
    assert len(whole) == 1 and "not valid UTF-16" in whole[0].problem and whole[0].severity == "repaired"
    csv_path = tmp_path / "cut.csv"
    csv_path.write_bytes(
        (ROOT / "tests/fixtures/notices/cf_export_cr.csv").read_bytes().decode("utf-8").encode("utf-16")[:-1]
    )
    tenders, report = load_notices([csv_path], Settings())
    assert len(tenders) == 1 and any("UTF-16" in p.problem for p in report.problems) and _balanced(report)


def test_cf_csv_20mb_cell_is_capped_and_every_other_row_kept(fixtures, tmp_path):
    rows = (fixtures / "notices" / "cf_export_cr.csv").read_text(encoding="utf-8").replace("\r", "\n").splitlines()
    header, row = rows[0], rows[1]
    huge = '"HUGE-1",Contract,Council,Open,01/10/2025,Huge,"' + "d" * 20_000_000 + '"'
    path = tmp_path / "huge.csv"
    after = row.replace("WOLV003-DN0003-3", "WOLV003-DN0003-4")
    path.write_text("\n".join([header, row, huge, after]) + "\n", encoding="utf-8")
    tenders, report = load_notices([path], Settings())
    assert len(tenders) == 3 and report.records_read == 3 == report.records_kept and report.skipped == 0
    capped = [p for p in report.problems if "max_field_chars" in p.problem]
    assert [(p.record, p.field) for p in capped] == [("row 3 (HUGE-1)", "Description")]
    assert "20,000,000 characters" in capped[0].problem
    huge_tender = next(t for t in tenders if t.tender_id == "cf-HUGE-1")
    assert len(huge_tender.description) == 1_000_000


# --- item 9: control characters ---------------------------------------------------------------


HOSTILE = "Roads\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x00resurfacing\x9b31m"


def test_control_characters_are_stripped_from_every_notice_field(tmp_path):
    release = _release("ocds-x-1\x1b[0m", HOSTILE)
    release["tender"]["description"] = "Line one\nline\ttwo\x1b[1A"
    release["parties"] = [{"id": "b", "name": "Council\x07", "roles": ["buyer"]}]
    release["buyer"] = {"id": "b", "name": "Council\x07"}
    for name, text in (("p.json", json.dumps({"releases": [release]})), ("p.jsonl", json.dumps(release) + "\n")):
        path = tmp_path / name
        path.write_text(text)
        (tender,), _ = load_notices([path], Settings())
        assert tender.tender_id == "ocds-x-1" and tender.title == "Roadsclick resurfacing"
        assert tender.description == "Line one\nline two" and tender.buyer_name == "Council"


def test_control_characters_are_stripped_from_contracts_finder_csv(fixtures, tmp_path):
    text = (fixtures / "notices" / "cf_export_cr.csv").read_text(encoding="utf-8")
    path = tmp_path / "esc.csv"
    first_title = text.replace("\r", "\n").splitlines()[1].split(",")[5]
    path.write_text(text.replace(first_title, first_title + "\x1b[2J\x07", 1), encoding="utf-8")
    tenders, _ = load_notices([path], Settings())
    assert all("\x1b" not in t.title and "\x07" not in t.title for t in tenders)


def test_terminal_output_never_carries_escape_sequences(tmp_path):
    from procure_match.cli.common import safe, terminal_text

    assert terminal_text(HOSTILE + "\rover") == "Roadsclick resurfacingover"
    assert safe("[bold]x\x1b[31m[/]") == "\\[bold]x\\[/]"
    missing = tmp_path / "no\x1b[2Jsuch[/b].json"  # markup and escapes in a path: one clean line, exit 2
    result = runner.invoke(app, ["ingest", "notices", str(missing)])
    assert result.exit_code == 2 and "\x1b" not in result.output and "Traceback" not in result.output
    assert "file not found" in result.output


# --- item 12: files that are not notices in a folder ------------------------------------------


def test_folder_with_labels_json_skips_it_with_a_note(tmp_path):
    folder = tmp_path / "tenders"
    shutil.copytree(ROOT / "tenders", folder, ignore=shutil.ignore_patterns("_build", "spend"))
    (folder / "empty.csv").write_text("")
    tenders, report = load_notices([folder], Settings())
    expected, _ = load_notices(sorted((folder).glob("contracts_finder_export.csv")), Settings())
    assert len(tenders) == len(expected) and tenders
    notes = [p for p in report.problems if p.severity == SEVERITY_NOTE]
    assert sorted(Path(p.file).name for p in notes) == ["empty.csv", "labels.json"]
    assert report.counts["files without notices (skipped)"] == 2 and _balanced(report)
    result = runner.invoke(app, ["ingest", "notices", str(folder)])
    assert result.exit_code == 0 and "file skipped (found in a folder)" in result.output
    with pytest.raises(NotNoticesError, match="no OCDS release or record"):  # named on its own: still an error
        load_notices([folder / "labels.json"], Settings())
    result = runner.invoke(app, ["ingest", "notices", str(folder), str(folder / "labels.json")])
    assert result.exit_code == 2 and "labels.json" in result.output


# --- the fast paths never skip work they should do ---------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), st.booleans())
def test_control_hint_never_misses_a_control_character(value, ensure_ascii):
    """Units and lines are walked only when ``might_hold_controls`` says so: it must never be wrong."""
    from procure_match.ingest.textutil import might_hold_controls, strip_controls

    raw = json.dumps({"title": value}, ensure_ascii=ensure_ascii)
    if strip_controls(value) != value:
        assert might_hold_controls(raw.encode("utf-8", "surrogatepass"))
        assert might_hold_controls(value.encode("utf-8", "surrogatepass"))


JSON_VALUES = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES, st.integers(1, 8))
def test_too_deep_agrees_with_the_nesting_of_the_value(value, limit):
    from procure_match.ingest.limits import too_deep

    def depth(v) -> int:
        children = list(v.values()) if isinstance(v, dict) else v if isinstance(v, list) else None
        return 0 if children is None else 1 + max((depth(c) for c in children), default=0)

    assert too_deep(value, limit) == (depth(value) > limit)
