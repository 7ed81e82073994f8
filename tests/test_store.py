from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from procure_match.domain import Candidate, Lot, Money, Tender
from procure_match.errors import StoreError
from procure_match.store import SCHEMA_VERSION, ScanStore, default_store_path

NOW = datetime(2025, 11, 10, tzinfo=UTC)


def _tender(
    tid, *, deadline=datetime(2025, 12, 1), amount=100_000.0, status="active", desc="Grounds care", src="a.json"
):
    return Tender(
        tender_id=tid,
        title=f"Notice {tid}",
        description=desc,
        deadline=deadline,
        value=Money(amount=amount, currency="GBP"),
        status=status,
        lots=(Lot(id="1", title="Lot one"),),
        source_file=src,
    )


def _cand(tid, eid="E1"):
    return Candidate(
        tender_id=tid,
        lot_id=None,
        enterprise_id=eid,
        score=0.5,
        fit=0.5,
        eligible=True,
        status="eligible",
        parts={"semantic": 0.5},
        reasons=["why"],
        rank=1,
    )


def test_new_changed_withdrawn_across_three_scans(tmp_path):
    path = tmp_path / "scans.sqlite"
    with ScanStore(path) as store:
        sid1, ch1 = store.record_scan(
            scanned_at=NOW,
            tenders=[_tender("A"), _tender("B"), _tender("C")],
            candidates=[_cand("A")],
            source_files=["a.json"],
        )
        assert {k: c.kind for k, c in ch1.items()} == {"A": "new", "B": "new", "C": "new"}

        second = [
            _tender("A"),
            _tender("B", deadline=datetime(2025, 12, 8), amount=120_000.0, desc="Grounds care and tree work"),
            _tender("C", status="cancelled"),
            _tender("D"),
        ]
        _, ch2 = store.record_scan(scanned_at=NOW, tenders=second, candidates=[], source_files=["a.json"])
        assert ch2["A"].kind == "unchanged"
        assert ch2["B"].kind == "changed"
        assert set(ch2["B"].changed_fields) == {"deadline", "value", "description"}
        details = " | ".join(ch2["B"].details)
        assert "deadline moved from 01 Dec 2025 to 08 Dec 2025" in details
        assert "value changed from £100,000 to £120,000" in details
        assert ch2["C"].kind == "withdrawn"
        assert ch2["D"].kind == "new"

        # Third scan: A is gone from a.json (withdrawn), C stays cancelled (no new event kind),
        # and E comes from another file, which does not withdraw anything in a.json by itself.
        third = [
            _tender("B", deadline=datetime(2025, 12, 8), amount=120_000.0, desc="Grounds care and tree work"),
            _tender("C", status="cancelled"),
            _tender("D"),
            _tender("E", src="b.json"),
        ]
        sid3, ch3 = store.record_scan(
            scanned_at=NOW, tenders=third, candidates=[_cand("B", "E2")], source_files=["a.json", "b.json"]
        )
        assert ch3["A"].kind == "withdrawn" and "no longer in a.json" in ch3["A"].details[0]
        assert ch3["B"].kind == "unchanged" and ch3["C"].kind == "unchanged"
        assert ch3["E"].kind == "new"
        assert [c["enterprise_id"] for c in store.scan_candidates(sid3)] == ["E2"]
        assert store.scan_candidates(sid1)[0]["parts"] == {"semantic": 0.5}
        assert {e.tender_id: e.kind for e in store.notice_events(sid3)}["A"] == "withdrawn"
        assert store.integrity_ok()


def test_notices_from_unread_files_are_not_withdrawn(tmp_path):
    with ScanStore(tmp_path / "s.sqlite") as store:
        store.record_scan(scanned_at=NOW, tenders=[_tender("A", src="a.json")], candidates=[], source_files=["a.json"])
        _, ch = store.record_scan(
            scanned_at=NOW, tenders=[_tender("B", src="b.json")], candidates=[], source_files=["b.json"]
        )
        assert "A" not in ch
        # seen_ids protects notices filtered out by --since
        _, ch = store.record_scan(scanned_at=NOW, tenders=[], candidates=[], source_files=["b.json"], seen_ids={"B"})
        assert ch == {}


def test_schema_version_and_bad_files(tmp_path):
    path = tmp_path / "s.sqlite"
    ScanStore(path).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match="newer procure-match"):
        ScanStore(path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a usable"):
        ScanStore(junk)
    assert default_store_path("").name == "scans.sqlite"
    assert default_store_path(str(path)) == path


def test_a_held_write_lock_gives_a_clear_error(tmp_path):
    path = tmp_path / "s.sqlite"
    ScanStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with ScanStore(path, timeout_s=0.2) as store, pytest.raises(StoreError) as info:
            store.record_scan(scanned_at=NOW, tenders=[_tender("A")], candidates=[])
        assert "another scan is writing to" in str(info.value) and "--store" in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with ScanStore(path) as store:
        assert store.last_scan_id() is None and store.integrity_ok()


SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from procure_match.domain import Candidate, Tender
    from procure_match.errors import StoreError
    from procure_match.store import ScanStore
    path, tag = sys.argv[1], sys.argv[2]
    tenders = [Tender(tender_id=f"{tag}-{i}", title="t", source_file=tag) for i in range(300)]
    cands = [Candidate(tender_id=t.tender_id, lot_id=None, enterprise_id=str(j), score=0.1, fit=0.1,
                       eligible=True, status="eligible", rank=j + 1) for t in tenders for j in range(20)]
    try:
        for _ in range(3):
            with ScanStore(path, timeout_s=20) as store:
                store.record_scan(scanned_at=datetime(2025, 1, 1), tenders=tenders, candidates=cands,
                                  source_files=[tag])
        print("ok")
    except StoreError as exc:
        print("locked", exc)
    """
)


def test_two_concurrent_scans_both_succeed_or_fail_cleanly(tmp_path):
    path = tmp_path / "s.sqlite"
    procs = [
        subprocess.Popen([sys.executable, "-c", SCRIPT, str(path), tag], stdout=subprocess.PIPE, text=True)
        for tag in ("x", "y")
    ]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(o == "ok" or o.startswith("locked another scan is writing") for o in outs), outs
    with ScanStore(path) as store:
        assert store.integrity_ok()
        n_ok = sum(o == "ok" for o in outs)
        assert store.last_scan_id() >= 3 * n_ok
        for sid in range(1, store.last_scan_id() + 1):
            assert len(store.scan_candidates(sid)) == 6000  # every scan is complete, none half-written


def test_only_the_newest_scans_keep_their_candidates(tmp_path):
    with ScanStore(tmp_path / "s.sqlite") as store:
        ids = []
        for i in range(4):
            sid, _ = store.record_scan(
                scanned_at=NOW,
                tenders=[_tender("A", src="a.json")],
                candidates=[_cand("A", f"E{i}"), _cand("A", f"F{i}")],
                source_files=["a.json"],
                keep_candidates_of=2,
            )
            ids.append(sid)
        assert store.pruned_candidates == 2, "the third-newest scan's two rows went with the fourth scan"
        assert [len(store.scan_candidates(s)) for s in ids] == [0, 0, 2, 2]
        assert [e.kind for e in store.notice_events(ids[0])] == ["new"], "changes of old scans are kept"
        store.record_scan(scanned_at=NOW, tenders=[], candidates=[_cand("A", "G")], keep_candidates_of=0)
        assert store.pruned_candidates == 0 and len(store.scan_candidates(ids[2])) == 2
        assert store.integrity_ok()


def test_a_stage_change_is_described_and_an_old_snapshot_without_stage_is_not_a_change():
    """Issue 11: the snapshot keeps the notice stage; a pipeline notice that opens as a tender is 'changed'."""
    from procure_match.store import describe_changes, snapshot_of

    pipeline = snapshot_of(Tender(tender_id="t", title="Parks", stage="pipeline"))
    tender = snapshot_of(Tender(tender_id="t", title="Parks", stage="tender"))
    assert describe_changes(pipeline, tender) == (("stage",), ("stage moved from pipeline to tender",))
    older = {k: v for k, v in tender.items() if k != "stage"}  # stored before the stage was recorded
    assert describe_changes(older, tender) == ((), ())
