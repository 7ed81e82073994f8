"""Property tests: ingest never crashes on arbitrary input and never loses count of a record."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procure_match.errors import InputFileError
from procure_match.ingest import load_notices, tender_from_dict, tender_to_dict
from procure_match.ingest.cf_csv import KNOWN_COLUMNS
from procure_match.settings import Settings

SETTINGS = Settings()
KEYS = ["ocid", "id", "date", "tag", "tender", "awards", "parties", "buyer", "releases", "records", "compiledRelease",
        "value", "amount", "currency", "items", "lots", "classification", "suppliers", "tenderPeriod", "endDate",
        "suitability", "details", "identifier", "scheme", "title", "description", "x"]  # fmt: skip
scalars = st.none() | st.booleans() | st.integers(-10, 10**9) | st.floats(allow_nan=False) | st.text(max_size=12)
json_values = st.recursive(
    scalars | st.sampled_from(["ocds-b5fd17-1", "ocds-b5fd17-2", "2025-01-01T00:00:00Z", "45000000-7", "GBP"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=6),
    max_leaves=30,
)
CF_HEADER = sorted(KNOWN_COLUMNS)
RUN = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _ingest(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            tenders, report = load_notices([path], SETTINGS)
        except InputFileError as exc:
            assert str(exc).startswith(str(path)) and "Fix:" in str(exc)
            return None, None
    assert report.records_read == report.records_kept + report.skipped
    assert len({t.tender_id for t in tenders}) == len(tenders)
    for t in tenders:
        assert tender_from_dict(json.loads(json.dumps(tender_to_dict(t)))) == t
    return tenders, report


@RUN
@given(json_values)
def test_any_json_value(value):
    _ingest("any.json", json.dumps(value).encode())


@RUN
@given(st.lists(json_values, min_size=1, max_size=6))
def test_any_json_lines(values):
    _ingest("any.jsonl", "\n".join(json.dumps(v) for v in values).encode())


@RUN
@given(st.lists(st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8), max_size=5))
def test_release_packages_of_arbitrary_releases(releases):
    for r in releases:
        r.setdefault("ocid", "ocds-b5fd17-x")
    _ingest("pkg.json", json.dumps({"releases": releases}).encode())


@RUN
@given(st.lists(st.lists(st.text(max_size=20), max_size=len(CF_HEADER) + 2), max_size=6))
def test_any_rows_under_a_contracts_finder_header(rows):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CF_HEADER)
    writer.writerows(rows)
    _ingest("cf.csv", buf.getvalue().encode("utf-8", "surrogatepass"))


@RUN
@given(st.text(max_size=300))
def test_any_text(text):
    _ingest("any.csv", text.encode("utf-8", "surrogatepass"))


@RUN
@given(st.binary(max_size=200))
def test_any_bytes(data):
    _ingest("any.json", data)
