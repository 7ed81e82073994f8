"""Fuzzing the ledger parsers (issue 13, item 13): mutated excerpts of real files through the CLI.

Each example mutates an excerpt of a real file (the Manchester 2021-22 spend file, the bundled
contract CSV; see tests/fixtures/ledger/*README.md) with truncation, byte flips, a stray quote,
another encoding, a huge cell, formulas, control characters, absurd amounts or repeated lines, then
runs ``ledger import`` or ``ledger contracts``, ``ledger check`` and ``ledger report`` through
typer's CliRunner. Whatever the input: exit 0 or 2 (never a traceback), records read = kept +
reported, ``ledger check`` holds, and every JSON output is strict JSON.

The test command runs ``PM_FUZZ_EXAMPLES`` examples per parser (default 25, a few seconds); the
larger budget is a bench command: ``PM_FUZZ_EXAMPLES=1000 python -m pytest tests/fuzz -q``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, reject
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procure_match.cli.main import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"
EXAMPLES = int(os.environ.get("PM_FUZZ_EXAMPLES", "25"))
runner = CliRunner()
_SLOW = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.function_scoped_fixture,
    HealthCheck.filter_too_much,
]
FUZZ = hsettings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_SLOW)
FUZZ_NOTICES = hsettings(max_examples=max(EXAMPLES // 3, 5), deadline=None, suppress_health_check=_SLOW)

SPEND = (FIXTURES / "mcc_annual_excerpt.csv").read_bytes()
CONTRACTS = (FIXTURES / "contracts.csv").read_bytes()

_INSERTS = [
    b'"',
    b"\x00",
    b"\x1b[2J",
    b'=HYPERLINK("http://x")',
    b"@SUM(A1)",
    b"1e308",
    b"-1e308",
    b"inf",
    b"nan",
    b"\r",
    b"\n",
    b",,,,",
    b"x" * 200_000,
    "£".encode(),
    "\u2020".encode("utf-8"),
    b"\xff\xfe",
    b"9" * 5000,
]


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "repeat", "encode"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            data = data[: max(at, 1)]
        elif kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(_INSERTS))
        elif kind == "repeat":
            lines = bytes(data).split(b"\n")
            data = bytearray(b"\n".join(lines + lines[1 : draw(st.integers(1, 6))]))
        else:
            encoding = draw(st.sampled_from(["utf-16", "cp1252", "latin-1"]))
            data = bytearray(bytes(data).decode("utf-8", "replace").encode(encoding, "replace"))
    return bytes(data)


# Tracebacks of the notice reader that issue 13 item 11 fixes in notice ingest (on another branch):
# until that is merged, an example that hits one is rejected (not counted) so the rest still run.
# Empty this tuple once the ingest fixes are in.
KNOWN_INGEST_TRACEBACKS: tuple[type[BaseException], ...] = ()  # UTF-16 cut at an odd byte is now repaired at ingest


def _ok(result, *codes: int) -> None:
    if isinstance(result.exception, KNOWN_INGEST_TRACEBACKS):
        reject()
    assert result.exit_code in codes, result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def _strict_json(path: Path) -> dict:
    def refuse(name: str) -> float:
        raise AssertionError(f"{name} in {path}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def _run_and_check(args: list[str], data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, led, rep = folder / name, folder / "l.sqlite", folder / "problems.json"
        path.write_bytes(data)
        result = runner.invoke(app, ["ledger", *args, str(path), "--ledger", str(led), "--report", str(rep), "-q"])
        _ok(result, 0, 2)
        if result.exit_code == 0:
            report = _strict_json(rep)
            assert report["records_read"] == report["records_kept"] + report["skipped"], report
        _ok(runner.invoke(app, ["ledger", "check", "--ledger", str(led)]), 0)
        _ok(runner.invoke(app, ["ledger", "report", "--out", str(folder / "out"), "--ledger", str(led)]), 0)
        _strict_json(folder / "out" / "ledger_progress.json")


@FUZZ
@given(mutated(SPEND))
def test_fuzz_ledger_import_of_mutated_real_spend_file(data):
    _run_and_check(["import", "--kind", "council"], data, "spend_2021-04.csv")


@FUZZ
@given(mutated(CONTRACTS))
def test_fuzz_ledger_contracts_of_mutated_contract_csv(data):
    _run_and_check(["contracts"], data, "contracts.csv")


@FUZZ_NOTICES  # notice ingest per example is slower
@given(data=st.data())
def test_fuzz_ledger_contracts_of_mutated_real_award_package(shared_data, data):
    package = shared_data / "ocds" / "uk_fts_2026" / "fts_release_package_limit4_2026-10-06.json"
    _run_and_check(["contracts"], data.draw(mutated(package.read_bytes())), "awards.json")
