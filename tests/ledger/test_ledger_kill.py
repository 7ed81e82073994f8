"""A crash in the middle of an import leaves the ledger exactly as it was (one transaction per import)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from procure_match.ledger.store import Ledger


def _big_council_file(path, rows: int) -> None:
    rng = random.Random(5)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Body Name,Invoice Payment Date,Net Amount,Supplier Name,Expenses Type\n")
        for i in range(rows):
            fh.write(
                f"Big Council,2022-01-{1 + i % 28:02d},{rng.randint(-500, 90000) / 100:.2f},"
                f"Supplier {rng.randint(1, 5000)} Ltd,Item {i}\n"
            )


def _state(path):
    with Ledger(path) as led:
        c = led.conn
        return (
            c.execute("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM entries").fetchone()[:],
            c.execute("SELECT COUNT(*) FROM imports").fetchone()[0],
            c.execute("SELECT COUNT(*) FROM resolutions").fetchone()[0],
            led.check(),
        )


@pytest.mark.slow
def test_sigkill_mid_import_leaves_ledger_unchanged(tmp_path, fixtures):
    ledger = tmp_path / "ledger.sqlite"
    cli = [sys.executable, "-m", "procure_match.cli.main", "ledger", "import", "--ledger", str(ledger)]
    first = subprocess.run(
        [*cli, str(fixtures / "ledger" / "council_2022-01_cp1252_cr.csv"), "--kind", "council"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    before = _state(ledger)
    assert before[3] == [] and before[0][0] == 5
    big = tmp_path / "big_2022-01.csv"
    _big_council_file(big, 120_000)
    proc = subprocess.Popen(
        [*cli, str(big), "--kind", "council"], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    seen = []
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("writing") or time.monotonic() > deadline:
            break
    time.sleep(0.3)  # well inside the write of 120,000 entries
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)  # it really died mid-import
    assert any(s.startswith("writing") for s in seen)
    after = _state(ledger)
    assert after == before  # same entries, same total, same imports, check passes
    check = subprocess.run(
        [*cli[:3], "ledger", "check", "--ledger", str(ledger)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0 and "all invariants hold" in check.stdout


@pytest.mark.slow
def test_two_imports_at_once_do_not_corrupt(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    cli = [sys.executable, "-m", "procure_match.cli.main", "ledger", "import", "--ledger", str(ledger), "-q"]
    files = [tmp_path / "a_2022-01.csv", tmp_path / "b_2022-02.csv"]
    for i, f in enumerate(files):
        _big_council_file(f, 20_000 + i)
    procs = [
        subprocess.Popen([*cli, str(f), "--kind", "council"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in files
    ]
    results = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    # each either imported fully or said clearly that the ledger was locked; nothing in between
    for code, (out, err) in zip(codes, results, strict=True):
        assert code == 0 or (code == 2 and "locked" in err), (code, out, err)
    with Ledger(ledger) as led:
        assert led.check() == []
        n = led.conn.execute("SELECT COUNT(*) FROM live_entries").fetchone()[0]
    assert n == sum(20_000 + i for i, code in enumerate(codes) if code == 0)
    assert codes.count(0) >= 1
