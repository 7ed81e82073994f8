"""Property-based fuzzing of the notice and directory parsers (issue 13, item 13).

Small excerpts of real files (``seeds/``, sources in ``seeds/README.md``) are mutated by hypothesis:
truncation, byte flips, re-encoding, deep nesting, huge fields, long numbers, spreadsheet formulas,
control characters and escape sequences, stray quotes and brackets. Each mutant goes through
``procure-match ingest notices`` / ``ingest directory`` (typer's CliRunner) and must:

* exit 0 or 2 (a one-line error), never with a traceback;
* on exit 0, write a valid JSON report with records read = kept + skipped (and, for notices, valid
  JSON notices on stdout with no control characters left in their text);
* stay under a memory bound (tracemalloc).

The budget is fixed and small here (``PM_FUZZ_EXAMPLES`` examples per test, default 25); the bench
command ``python bench/fuzz.py --examples 2000`` runs the same properties longer.
"""

from __future__ import annotations

import json
import os
import re
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procure_match.cli.main import app

SEEDS = Path(__file__).resolve().parent / "seeds"
FIX = Path(__file__).resolve().parent.parent / "fixtures" / "directory"
NOTICE_SEEDS = sorted(
    p for p in SEEDS.iterdir() if p.name.startswith(("cf_export", "bluetail", "sell2wales", "fts_release"))
)
DIRECTORY_SEEDS = sorted(p for p in SEEDS.iterdir() if p.name.startswith(("workers_coop", "ni_charity")))
EXAMPLES = int(os.environ.get("PM_FUZZ_EXAMPLES", "25"))
MEMORY_BOUND = 150_000_000  # bytes traced by tracemalloc for one mutant of a seed of a few KB
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Small limits so huge fields and deep values hit them quickly (the defaults are far larger).
SETTINGS_TOML = f"""
[ingest]
max_json_depth = 40
max_record_mb = 1
max_field_chars = 5000
postcode_file = "{FIX / "postcodes.csv"}"
district_file = "{FIX / "districts.csv"}"

[directory]
snapshots = false
"""

INSERTS = [
    b"\x1b[2J", b"\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", b"\x00", b"\x9b31m", b"\x07", b"\r",
    b"=HYPERLINK(\"http://x\")", b"+SUM(A1)", b"-2+3", b"@cmd", b"\t=1+1", b"\"", b"'", b",", b";", b"\n",
    b"[", b"]", b"{", b"}", b"\\u001b[2J", b"\\u0000", b"\\", b"9" * 5000, b"1e999", b"-0", b"NaN",
    b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3\x28", b"\xe2\x82", b"[" * 500, b"{\"a\":" * 200,
]  # fmt: skip


@st.composite
def mutations(draw) -> list[tuple]:
    """A short list of (kind, position fraction, payload) edits."""
    kinds = st.sampled_from(["truncate", "flip", "insert", "repeat", "delete", "huge", "encode"])
    out = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(kinds)
        where = draw(st.floats(0, 1))
        if kind == "insert":
            payload = draw(st.sampled_from(INSERTS) | st.binary(min_size=1, max_size=12))
        elif kind == "flip":
            payload = draw(st.integers(1, 255))
        elif kind == "repeat":
            payload = draw(st.integers(2, 40))
        elif kind == "huge":
            payload = draw(st.sampled_from([b"x", b"[", b"\xc3\xa9", b'"', b"a,"])) * draw(st.integers(5_000, 200_000))
        elif kind == "encode":
            payload = draw(st.sampled_from(["utf-16", "utf-16-le", "cp1252", "latin-1", "utf-8-sig", "utf-32"]))
        else:
            payload = draw(st.integers(1, 200))
        out.append((kind, where, payload))
    return out


def mutate(data: bytes, edits: list[tuple]) -> bytes:
    for kind, where, payload in edits:
        at = int(where * len(data))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ payload]) + data[at + 1 :]
        elif kind in ("insert", "huge"):
            data = data[:at] + payload + data[at:]
        elif kind == "repeat":
            data = data[:at] + data[at : at + 64] * payload + data[at + 64 :]
        elif kind == "delete":
            data = data[:at] + data[at + payload :]
        elif kind == "encode":
            data = data.decode("utf-8", errors="replace").encode(payload, errors="replace")
    return data


def _settings_file(tmp: Path) -> Path:
    path = tmp / "settings.toml"
    if not path.exists():
        path.write_text(SETTINGS_TOML, encoding="utf-8")
    return path


def _run(args: list[str]):
    runner = CliRunner()
    tracemalloc.start()
    try:
        result = runner.invoke(app, args, catch_exceptions=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def _check(result, peak: int, report: Path) -> dict | None:
    """The shared properties; the report's contents when the command succeeded."""
    assert result.exit_code in (0, 2), (result.exit_code, result.output[-2000:], repr(result.exception))
    if result.exception is not None:  # typer.Exit(2) surfaces as SystemExit; anything else is a crash
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert peak < MEMORY_BOUND, f"peak {peak / 1e6:.0f} MB"
    if result.exit_code == 2:
        assert result.output.startswith("error:") and "Fix:" in result.output, result.output[-2000:]
        return None
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["records_read"] == data["records_kept"] + data["skipped"]
    return data


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


@FUZZ
@given(seed=st.sampled_from(NOTICE_SEEDS), edits=mutations())
def test_ingest_notices_survives_mutated_real_files(tmp_path_factory, seed, edits):
    tmp = tmp_path_factory.mktemp("fuzz-notices")
    path = tmp / seed.name
    path.write_bytes(mutate(seed.read_bytes(), edits))
    report = tmp / "report.json"
    args = ["ingest", "notices", str(path), "--json", "--quiet", "--report", str(report)]
    result, peak = _run([*args, "--settings", str(_settings_file(tmp))])
    data = _check(result, peak, report)
    if data is None:
        return
    notices = json.loads(result.stdout)
    assert len(notices) == data["counts"].get("notices", 0)
    for notice in notices:
        assert not CONTROL.search(notice["title"] + notice["description"] + (notice.get("buyer_name") or ""))


@FUZZ
@given(seed=st.sampled_from(DIRECTORY_SEEDS), edits=mutations())
def test_ingest_directory_survives_mutated_real_files(tmp_path_factory, seed, edits):
    tmp = tmp_path_factory.mktemp("fuzz-directory")
    path = tmp / seed.name
    path.write_bytes(mutate(seed.read_bytes(), edits))
    report = tmp / "report.json"
    args = ["ingest", "directory", str(path), "--report", str(report), "--settings", str(_settings_file(tmp))]
    result, peak = _run(args)
    data = _check(result, peak, report)
    if data is not None:
        assert data["counts"].get("directory:enterprises", 0) == data["records_kept"]


@FUZZ
@given(seed=st.sampled_from(DIRECTORY_SEEDS), edits=mutations())
def test_ingest_directory_survives_mutated_xlsx(tmp_path_factory, seed, edits):
    """The seed saved as XLSX, then its sheet XML (or the whole zip) mutated."""
    import csv
    import io
    import zipfile

    import openpyxl

    tmp = tmp_path_factory.mktemp("fuzz-xlsx")
    text = seed.read_bytes().decode("cp1252" if "cp1252" in seed.name else "utf-8")
    wb = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(text, newline="")):
        wb.active.append([CONTROL.sub("", c) for c in row])  # openpyxl itself refuses control characters
    path = tmp / "directory.xlsx"
    wb.save(path)
    sheet = "xl/worksheets/sheet1.xml"
    if edits[0][0] == "encode":  # mutate the zip bytes themselves
        path.write_bytes(mutate(path.read_bytes(), edits[1:] or [("flip", 0.5, 7)]))
    else:
        with zipfile.ZipFile(path) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
        parts[sheet] = mutate(parts[sheet], edits)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
    report = tmp / "report.json"
    args = ["ingest", "directory", str(path), "--report", str(report), "--settings", str(_settings_file(tmp))]
    _check(*_run(args), report)
