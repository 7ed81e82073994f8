"""Every real OCDS and Contracts Finder CSV file in ../shared/data ingests without a crash, with plausible counts."""

from __future__ import annotations

import pytest

from procure_match.ingest import load_notices
from procure_match.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

# (file under shared/data, notices range, awards range) from SOURCES.md.
EXPECTED = {
    "ocds/uk_cf_pcs_s2w_2025/contracts_finder_releases.jsonl": ((180, 200), (130, 147)),
    "ocds/uk_cf_pcs_s2w_2025/contracts_finder_search_release_package_2025-01-23.json": ((90, 100), (50, 100)),
    "ocds/uk_cf_pcs_s2w_2025/public_contracts_scotland_releases.jsonl": ((90, 90), (0, 0)),
    "ocds/uk_cf_pcs_s2w_2025/sell2wales_releases.jsonl": ((90, 90), (0, 0)),
    "ocds/uk_cf_2020_bluetail/cf_release_packages_2020.jsonl": ((100, 100), (100, 100)),
    "ocds/uk_fts_2026/fts_release_package_limit4_2026-10-06.json": ((4, 4), (3, 3)),
    "ocds/fixtures/portugal_base/base_gov_pt_release_packages.json": ((100, 100), (100, 100)),
    "uk_notices_csv/cf_export_awarded_2020-09.csv": ((380, 380), (380, 380)),
    "uk_notices_csv/cf_export_hmrc_search.csv": ((1000, 1000), (1000, 1000)),
    "uk_notices_csv/cf_export_open_2025-11.csv": ((852, 852), (0, 0)),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_counts(shared_data, name):
    tenders, report = load_notices([shared_data / name], Settings())
    (lo, hi), (alo, ahi) = EXPECTED[name]
    assert lo <= len(tenders) <= hi
    assert alo <= sum(len(t.awards) for t in tenders) <= ahi
    assert report.records_read == report.records_kept + report.skipped
    assert report.skipped == 0
    assert all(t.title or t.awards for t in tenders)


def test_every_real_ocds_file(shared_data):
    folders = sorted({p.parent for p in (shared_data / "ocds").rglob("*.json*")})
    tenders, report = load_notices(folders, Settings())
    assert report.counts["files"] == len(list((shared_data / "ocds").rglob("*.json*")))
    assert report.records_read == report.records_kept + report.skipped
    assert 650 <= len(tenders) <= 900
    assert len({t.tender_id for t in tenders}) == len(tenders)
    by_source = {}
    for t in tenders:
        by_source[t.source] = by_source.get(t.source, 0) + 1
    assert by_source["Public Contracts Scotland"] == 90 and by_source["Sell2Wales"] == 90
    assert by_source["Find a Tender"] == 6


def test_real_uk_details(shared_data):
    tenders, _ = load_notices([shared_data / "ocds/uk_fts_2026/fts_release_package_limit4_2026-10-06.json"], Settings())
    switch_up = [s for t in tenders for a in t.awards for s in a.suppliers if s.name == "SWITCH UP C.I.C."]
    assert switch_up and switch_up[0].is_vcse and "GB-COH-08522643" in switch_up[0].identifiers
    cf, _ = load_notices([shared_data / "uk_notices_csv/cf_export_awarded_2020-09.csv"], Settings())
    assert max(len(t.awards[0].suppliers) for t in cf) >= 100  # the 135-supplier framework row
    encoded, report = load_notices(
        [shared_data / "ocds/fixtures/ocdskit_realdata/release-package_encoding-iso-8859-1.json"], Settings()
    )
    utf8, _ = load_notices(
        [shared_data / "ocds/fixtures/ocdskit_realdata/release-package_encoding-utf-8.json"], Settings()
    )
    assert [t.title for t in encoded] == [t.title for t in utf8]
    assert any("Windows-1252" in p.problem for p in report.problems)
