"""Real council spend files import with no hand-written mapping; Manchester resolved against Co-operatives UK."""

from __future__ import annotations

import time

import pytest

from procure_match.errors import IngestReport
from procure_match.ingest.directory import load_directory
from procure_match.ledger.resolve import DirectoryEntry, SupplierResolver
from procure_match.ledger.spendfiles import parse_spend_file
from procure_match.ledger.store import Ledger
from procure_match.settings import Settings

MANCHESTER = "spend/manchester_2021-22/manchester_city_council_spend_over_500_2021-04_to_2022-03.csv"
COOPS = "orgs/coops_uk_2023Q2_standard_geocoded.csv"


@pytest.mark.slow
@pytest.mark.realdata
def test_lambeth_files_all_import_without_mapping(shared_data, tmp_path):
    files = sorted((shared_data / "spend" / "lambeth_2011-12").glob("*.csv"))
    assert len(files) == 17
    report = IngestReport()
    with Ledger(tmp_path / "l.sqlite") as led:
        for f in files:
            pf = parse_spend_file(f, "council", report=report)
            assert pf.columns["supplier"].strip() == "Supplier Name"
            assert len(pf.lines) > 600, f.name
            out = led.import_spend(pf, "council")
            assert out.added == len(pf.lines)
        assert led.check() == []
        n = led.conn.execute("SELECT COUNT(*) FROM live_entries").fetchone()[0]
    june = parse_spend_file(files[-1], "council")
    assert june.header_row == 10 and june.columns["date"] == "Invoice Creation Date"
    assert all(x.buyer == "Lambeth" for x in june.lines)
    nov = parse_spend_file(files[9], "council")  # CR line ends and lost line ends, repaired
    assert "2011-11" in files[9].name and len(nov.lines) == 1014
    assert (
        report.counts["total lines"] == 16
    )  # 2011-01 has none; every "Grand Total" / "Total" line reported, none counted
    assert n == report.records_kept


@pytest.mark.slow
@pytest.mark.realdata
def test_manchester_resolved_against_coops_uk(shared_data, tmp_path):
    s = Settings()
    report = IngestReport()
    t0 = time.perf_counter()
    pf = parse_spend_file(shared_data / MANCHESTER, "council", report=report)
    parse_s = time.perf_counter() - t0
    assert len(pf.lines) == 39_188 and report.skipped == 0
    assert sum(1 for x in pf.lines if x.amount < 0) == 2_187
    assert sum(1 for x in pf.lines if "Redacted" in x.supplier) == 2_236
    ents, _ = load_directory(shared_data / COOPS, s)
    directory = [DirectoryEntry(e.id, e.name, e.registration_ids, e.postcode) for e in ents]
    t1 = time.perf_counter()
    with Ledger(tmp_path / "l.sqlite") as led:
        led.store_enterprises(directory)
        out = led.import_spend(pf, "council", resolver=SupplierResolver(directory, s))
        import_s = time.perf_counter() - t1
        assert out.added == 39_188 and led.check() == []
        rows = led.conn.execute(
            "SELECT COALESCE(cr.status, 'unresolved') AS status, COALESCE(cr.method, '-') AS method, COUNT(*) AS n"
            " FROM live_entries e LEFT JOIN current_resolutions cr ON cr.supplier_key = e.supplier_key"
            " GROUP BY 1, 2"
        ).fetchall()
        by = {(r[0], r[1]): r[2] for r in rows}
        queue = led.review_queue()
    print(
        f"\nManchester: parse {parse_s:.1f}s, resolve+import {import_s:.1f}s, lines by resolution {by},"
        f" review queue {len(queue)} suppliers"
    )
    assert by[("redacted", "none")] == 2_236
    assert sum(by.values()) == 39_188
    accepted = sum(n for (status, _), n in by.items() if status == "accepted")
    assert accepted > 0  # some payments do reach co-operatives
