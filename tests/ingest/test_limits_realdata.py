"""The issue-13 limits on real public files: generous defaults never touch genuine data, and a real
directory saved as XLSX with an understated dimension loses no row."""

from __future__ import annotations

import csv
import zipfile

import pytest

from procure_match.ingest import load_notices
from procure_match.ingest.directory import load_directory
from procure_match.settings import settings_from_dict

LIMIT_WORDS = ("max_json_depth", "max_record_mb", "max_field_chars", "4,300 digits", "UTF-16", "holds no notices")
NOTICE_SOURCES = [
    "ocds/uk_cf_2017_sample/records",
    "ocds/uk_cf_2017_sample/releases",
    "ocds/uk_cf_2020_bluetail",
    "ocds/uk_cf_pcs_s2w_2025",
    "ocds/uk_fts_2026",
    "ocds/ted_eforms_as_ocds",
    "uk_notices_csv/cf_export_awarded_2020-09.csv",
    "uk_notices_csv/cf_export_hmrc_search.csv",
]


def _settings():
    return settings_from_dict({"directory": {"snapshots": False}})


@pytest.mark.realdata
@pytest.mark.parametrize("source", NOTICE_SOURCES)
def test_real_notice_files_never_meet_a_limit(shared_data, source):
    tenders, report = load_notices([shared_data / source], _settings())
    assert tenders and report.records_read == report.records_kept + report.skipped
    hits = [p.problem for p in report.problems if any(w in p.problem for w in LIMIT_WORDS)]
    assert not hits, hits[:3]


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name", ["workers_coop_2023-06-23_with_descriptions.csv", "ni_charity_register_2020-06-30_cp1252.csv"]
)
def test_real_directories_never_meet_a_limit(shared_data, name):
    ents, report = load_directory(shared_data / "orgs" / name, _settings())
    assert ents and not [p for p in report.problems if any(w in p.problem for w in LIMIT_WORDS)]


@pytest.mark.realdata
@pytest.mark.slow
def test_real_directory_as_xlsx_with_an_understated_dimension_keeps_every_row(shared_data, tmp_path):
    import openpyxl

    source = shared_data / "orgs" / "workers_coop_2023-06-23_with_descriptions.csv"
    from_csv, csv_report = load_directory(source, _settings())
    wb = openpyxl.Workbook()
    with source.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            wb.active.append(row)
    path = tmp_path / "workers.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    start = parts[sheet].index(b'<dimension ref="') + len(b'<dimension ref="')
    end = parts[sheet].index(b'"', start)
    parts[sheet] = parts[sheet][:start] + b"A1:B10" + parts[sheet][end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    ents, report = load_directory(path, _settings())
    assert len(ents) == len(from_csv) == 387
    assert report.records_read == csv_report.records_read == report.records_kept + report.skipped
