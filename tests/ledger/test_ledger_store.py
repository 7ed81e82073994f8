"""The SQLite ledger: idempotent imports, corrections as reversals, invariants, locking, properties."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from procure_match.errors import StoreError
from procure_match.ledger.contracts import contracts_from_csv
from procure_match.ledger.model import ParsedSpendFile, SpendLine
from procure_match.ledger.spendfiles import parse_spend_file
from procure_match.ledger.store import Ledger
from procure_match.settings import Settings


def _parsed(name: str, lines: list[tuple[str, float]]) -> ParsedSpendFile:
    body = json.dumps([name, lines]).encode()
    return ParsedSpendFile(
        path=f"/in/{name}",
        sha256=hashlib.sha256(body).hexdigest(),
        encoding="utf-8",
        header_row=1,
        columns={},
        column_scores={},
        lines=[
            SpendLine(row=str(i + 2), supplier=s, amount=a, date=date(2022, 1, 1), buyer="Council")
            for i, (s, a) in enumerate(lines)
        ],
    )


def _live_total(led: Ledger) -> float:
    return led.conn.execute("SELECT COALESCE(SUM(amount), 0) FROM live_entries").fetchone()[0]


def test_same_file_twice_changes_nothing(tmp_path, fixtures):
    with Ledger(tmp_path / "l.sqlite") as led:
        pf = parse_spend_file(fixtures / "ledger" / "council_2022-01_cp1252_cr.csv", "council")
        first = led.import_spend(pf, "council")
        n = led.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        again = led.import_spend(pf, "council")
        assert first.added == 5 and again.already_imported_on is not None and again.new_entries == 0
        assert "already imported on" in again.summary() and "0 new entries" in again.summary()
        assert led.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == n
        assert led.check() == []


def test_corrected_file_reverses_and_adds(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as led:
        led.import_spend(_parsed("f.csv", [("A", 10.0), ("B", 20.0), ("B", 20.0), ("C", 5.0)]), "council")
        out = led.import_spend(_parsed("f.csv", [("A", 12.0), ("B", 20.0), ("D", 7.0), ("B", 20.0)]), "council")
        assert out.replaces and out.added == 1 and out.unchanged == 2
        assert [c[1:] for c in out.changed] == [("A", 10.0, 12.0)]
        assert [r[1:] for r in out.removed] == [("C", 5.0)]
        assert out.reversals == 2 and out.net_amount == pytest.approx(2.0 - 5.0 + 7.0)
        assert _live_total(led) == pytest.approx(59.0)
        assert led.check() == []
        # the correction is visible: the old lines are still there, reversed
        kinds = led.conn.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind").fetchall()
        assert dict(kinds) == {"line": 6, "reversal": 2}


def test_check_reports_each_breach(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as led:
        led.import_spend(_parsed("f.csv", [("A", 10.0), ("B", 20.0)]), "council")
        c = led.conn
        # tamper the way a bug would: a duplicate live row, an orphan, a bad reversal
        c.execute(
            "INSERT INTO entries (import_id, kind, reverses, source_key, sha256, row, content_key, occurrence,"
            " supplier, supplier_key, amount) SELECT import_id, kind, reverses, source_key, sha256, row,"
            " content_key, occurrence, supplier, supplier_key, amount FROM entries WHERE id = 1"
        )
        c.execute(
            "INSERT INTO entries (import_id, kind, source_key, sha256, row, content_key, occurrence, supplier,"
            " supplier_key, amount, contract_id) VALUES (99, 'line', 'x', 'h', '1', 'k', 0, 'Z', 'z', 1.0, 'NOPE')"
        )
        c.execute(
            "INSERT INTO entries (import_id, kind, reverses, source_key, sha256, row, content_key, occurrence,"
            " supplier, supplier_key, amount) VALUES (1, 'reversal', 2, 'council:f.csv', 'h', '3', 'k', 0,"
            " 'B', 'b', -5.0)"
        )
        found = {b.invariant for b in led.check()}
        assert found == {"totals reconcile", "no orphan entries", "no double counting", "reversals net to zero"}


def test_locked_ledger_gives_clear_error(tmp_path):
    path = tmp_path / "l.sqlite"
    Ledger(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        led = Ledger.__new__(Ledger)
        led.path = path
        led.conn = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        led.conn.execute("PRAGMA busy_timeout=100")
        with pytest.raises(StoreError, match="locked") as exc:
            led.import_spend(_parsed("f.csv", [("A", 1.0)]), "council")
        assert "run this command again" in exc.value.one_line()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_contract_modification_adds_a_version(tmp_path, fixtures):
    s = Settings()
    with Ledger(tmp_path / "l.sqlite") as led:
        t1 = led.register_contracts(contracts_from_csv(fixtures / "ledger" / "contracts.csv", s), s)
        t2 = led.register_contracts(contracts_from_csv(fixtures / "ledger" / "contracts_modified.csv", s), s)
        t3 = led.register_contracts(contracts_from_csv(fixtures / "ledger" / "contracts_modified.csv", s), s)
        assert (t1["new"], t2["modified"], t3["unchanged"]) == (4, 1, 1)
        c = {k["id"]: k for k in led.contracts()}
        assert [v["value"] for v in c["BCC-2021-001"]["versions"]] == [12_000_000, 12_400_000]
        assert c["BCC-2021-001"]["category"] == "built environment"
        assert c["BCC-2021-003"]["category"] is None  # stationery
        assert c["BCC-2021-004"]["override"]["pct"] == 2.5


# ----- property: any sequence of imports / re-imports / corrections keeps the books straight -----
LINES = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.sampled_from([-5.0, 1.0, 2.5, 10.0, 100.0])),
    max_size=6,
)
OPS = st.lists(st.tuples(st.sampled_from(["f1.csv", "f2.csv"]), LINES), min_size=1, max_size=8)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, repeat=st.lists(st.integers(min_value=0, max_value=7), max_size=3))
def test_any_sequence_keeps_totals_equal_to_latest_versions(ops, repeat):
    with tempfile.TemporaryDirectory() as d, Ledger(Path(d) / "l.sqlite") as led:
        latest: dict[str, list] = {}
        seen_hashes: set[str] = set()
        sequence = list(ops) + [ops[i] for i in repeat if i < len(ops)]  # re-imports of earlier versions
        for name, lines in sequence:
            pf = _parsed(name, lines)
            out = led.import_spend(pf, "council")
            if pf.sha256 in seen_hashes:
                assert out.new_entries == 0  # an exact file seen before never changes anything
            else:
                latest[name] = lines
            seen_hashes.add(pf.sha256)
            assert led.check() == []
            expected = sum(a for lines_ in latest.values() for _, a in lines_)
            assert _live_total(led) == pytest.approx(expected)
            # never double counted: live lines per source equal the latest version's line count
            for src, lines_ in latest.items():
                n = led.conn.execute("SELECT COUNT(*) FROM live_entries WHERE source_key=?", (f"council:{src}",))
                assert n.fetchone()[0] == len(lines_)


def test_readers_are_not_blocked_by_a_running_import(tmp_path):
    path = tmp_path / "l.sqlite"
    with Ledger(path) as led:
        led.import_spend(_parsed("f.csv", [("A", 10.0)]), "council")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # an import in progress holds the write lock
    try:
        with Ledger(path, timeout=0.2) as reader:
            assert reader.check() == [] and len(reader.entries()) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
