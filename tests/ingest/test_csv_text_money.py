"""Contracts Finder CSV, encodings and line ends, text cleaning, dates and money."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from procure_match.errors import InputFileError
from procure_match.ingest import load_notices
from procure_match.ingest.cf_csv import parse_supplier_block, split_supplier_blocks
from procure_match.ingest.money import build_money, parse_amount
from procure_match.ingest.textutil import clean_text, find_postcode, open_text, parse_datetime
from procure_match.settings import Settings, settings_from_dict

FX = Settings().ingest.fx_to_gbp


def test_supplier_cell_with_many_blocks_and_pipes_in_addresses():
    cell = (
        "[Hub Kitchen CIC|1 High St, B1 1AA|COMPANIES_HOUSE|9876543|Yes|Yes]"
        "[Sodexo Ltd|UNIT 5 | ALBANY PARK | CAMBERLEY GU16 7QR|NONE||No|No]"
        "[Aston Meals|Aston|CHARITY_COMMISSION|1100002|No|Yes]"
    )
    blocks = split_supplier_blocks(cell)
    assert len(blocks) == 3
    sups = [parse_supplier_block(b)[0] for b in blocks]
    assert sups[0].identifiers == ("GB-COH-09876543",) and sups[0].is_vcse and sups[0].postcode == "B1 1AA"
    assert sups[1].name == "Sodexo Ltd" and sups[1].postcode == "GU16 7QR" and sups[1].is_sme is False
    assert sups[2].identifiers == ("GB-CHC-1100002",)
    many = "".join(f"[S{i}|addr|NONE||Yes|No]" for i in range(135))
    assert len(split_supplier_blocks(many)) == 135


def test_short_supplier_block_is_kept_with_an_issue():
    sup, issue = parse_supplier_block("Lonely Name|Somewhere")
    assert sup.name == "Lonely Name" and "expected 6" in issue


def test_cf_csv_cp1252_crlf(fixtures):
    tenders, report = load_notices([fixtures / "notices" / "cf_export_cp1252_crlf.csv"], Settings())
    by_id = {t.tender_id: t for t in tenders}
    t = by_id["cf-BHAM001-DN0001-1"]
    assert t.title == "Café and catering – community hubs"  # cp1252 bytes decoded
    assert t.description == "Catering for 5 hubs.\nSocial value 'essential'."  # CRLF in a cell, double-escaped entity
    assert t.cpv_codes == ("55520000", "55320000")
    assert (t.value.low, t.value.high, t.value.amount) == (100000, 350000, 350000)
    assert t.deadline == datetime(2020, 9, 1, 12, 0, tzinfo=UTC)
    assert (t.contract_start, t.contract_end) == (date(2020, 10, 1), date(2022, 9, 30))
    assert len(t.awards[0].suppliers) == 3 and t.awards[0].value.amount == 340000
    assert t.locations[0].postcode == "B1 1BB" and t.locations[0].region == "West Midlands"
    assert by_id["cf-COV002-DN0002-2"].value.amount is None
    kinds = {(p.problem.split(" (")[0], p.severity) for p in report.problems}
    assert ("row has no Notice Identifier", "skipped") in kinds
    assert ("value is 0, which publishers use for 'not stated'", "repaired") in kinds
    assert report.counts["duplicates"] == 1
    assert report.records_read == 4 == report.records_kept + report.skipped


def test_cf_csv_cr_only_line_ends(fixtures):
    (t,), report = load_notices([fixtures / "notices" / "cf_export_cr.csv"], Settings())
    assert t.tender_id == "cf-WOLV003-DN0003-3" and t.value.amount == 60000 and not report.problems


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("latin-1", b"")]
)
def test_encodings(tmp_path, encoding, bom):
    text = '{"ocid": "ocds-b5fd17-1", "id": "1", "tender": {"title": "Caf\u00e9 d\u00e9cor", "value": {"amount": 1}}}'
    path = tmp_path / "r.json"
    path.write_bytes(bom + text.encode(encoding))
    (t,), _ = load_notices([path], Settings())
    assert t.title == "Café décor"


def test_latin1_counts_fallback_bytes(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("a\u00e9b\u00e9".encode("latin-1"))
    text, decoding = open_text(path)
    with text:
        assert text.read() == "aébé"
    assert decoding.fallback_bytes == 2


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Bidders&amp;apos; day", "Bidders' day"),
        ("<p>One</p><p>Two &ndash; three</p>", "One\n\nTwo – three"),
        ("pilot scheme.\u00e2\u20ac\u00af The", "pilot scheme.\u202f The".replace("\u202f ", " ")),
        ("  spaced\r\n\r\n\r\n\r\nout  ", "spaced\n\nout"),
        (None, ""),
        ("value < £10k and > £5k", "value < £10k and > £5k"),
        ("A<br/>B<!-- note -->", "A\nB"),
    ],
)
def test_clean_text(raw, want):
    assert clean_text(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2025-01-23T22:10:19Z", datetime(2025, 1, 23, 22, 10, 19, tzinfo=UTC)),
        ("2026-10-06T18:31:55+01:00", datetime(2026, 10, 6, 17, 31, 55, tzinfo=UTC)),
        ("2019-11-25T17:20:38.1197059Z", datetime(2019, 11, 25, 17, 20, 38, 119705, tzinfo=UTC)),
        ("01/09/2020", datetime(2020, 9, 1, tzinfo=UTC)),
        ("31/02/2020", None),
        ("soon", None),
    ],
)
def test_parse_datetime(raw, want):
    assert parse_datetime(raw) == want


def test_postcodes():
    assert find_postcode("Bytes House, Leatherhead, Surrey, KT22 7TW") == "KT22 7TW"
    assert find_postcode("ln6 7he") == "LN6 7HE"
    assert find_postcode("no postcode") is None


def test_money_rules():
    m, issues = build_money("1000000-4000000", "GBP", fx_to_gbp=FX)
    assert (m.low, m.high, m.amount, m.amount_gbp, issues) == (1e6, 4e6, 4e6, 4e6, [])
    m, issues = build_money(0, "GBP", fx_to_gbp=FX)
    assert m.amount is None and issues == [
        ("value is 0, which publishers use for 'not stated'", "value set to unknown")
    ]
    m, _ = build_money(1000, "EUR", fx_to_gbp=FX)
    assert m.amount_gbp == 860 and m.gbp_note == "converted from EUR at 0.86 GBP per EUR (settings ingest.fx_to_gbp)"
    m, issues = build_money(1000, "MXN", fx_to_gbp=FX)
    assert m.amount == 1000 and m.amount_gbp is None and "unconvertible" in issues[0][0]
    m, issues = build_money(1000, None, source="Sell2Wales", fx_to_gbp=FX)
    assert m.currency == "GBP" and m.gbp_note == "currency not stated; UK publisher, taken as GBP" and not issues
    m, issues = build_money(1000, None, source="TED", fx_to_gbp=FX)
    assert m.amount_gbp is None and issues
    m, _ = build_money(None, "GBP", fx_to_gbp=FX)
    assert not m.known and m.gbp_note == ""
    assert parse_amount("£1,250.50").high == 1250.5
    assert parse_amount("£2.5m").high == 2_500_000
    assert parse_amount("n/a") is None


def test_unreadable_files_raise_one_clear_error(tmp_path):
    cases = {
        "empty.json": b"",
        "binary.json": b"\x00\x01\x02\x03PK\x00",
        "broken.json": b'{"releases": [ {"ocid": ',
        "scalar.json": b"42",
        "other.csv": b"name,turnover\nA,1\n",
        "not_ocds.json": b'{"hitCount": 5, "noticeList": [{"title": "x"}]}',
        "all_broken.jsonl": b"{oops\n{also broken\n",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputFileError) as info:
            load_notices([path], Settings())
        assert name in str(info.value) and "Fix:" in str(info.value), name
    with pytest.raises(InputFileError, match="file not found"):
        load_notices([tmp_path / "missing.json"], Settings())


def test_folder_reads_every_notice_file_sorted(fixtures, tmp_path):
    tenders, report = load_notices([fixtures / "notices"], Settings())
    assert report.counts["files"] == 11
    assert report.files == sorted(report.files)
    assert len({t.tender_id for t in tenders}) == len(tenders)
    (tmp_path / "notes.txt").write_text("not a notice")
    with pytest.raises(InputFileError, match=r"no \.json"):
        load_notices([tmp_path], Settings())


def test_csv_breaking_off_keeps_the_rows_before(fixtures, tmp_path):
    import csv

    good = (fixtures / "notices" / "cf_export_cr.csv").read_bytes().replace(b"\r", b"\n")
    path = tmp_path / "broken.csv"
    path.write_bytes(good + b'"LONG-1",,,,,"' + b"x" * 1_100_000 + b'"\n' + b"more\n")
    old = csv.field_size_limit()
    try:  # a field beyond ingest.max_record_mb cannot be read: the file breaks off there
        tenders, report = load_notices([path], settings_from_dict({"ingest": {"max_record_mb": 1}}))
    finally:
        csv.field_size_limit(old)
    assert [t.tender_id for t in tenders] == ["cf-WOLV003-DN0003-3"]
    assert report.skipped == 1 and "breaks off" in report.problems[-1].problem
    assert report.records_read == 2 == report.records_kept + report.skipped
    tenders, report = load_notices([path], Settings())  # the default limit reads a long description ...
    assert len(tenders) == 3
    capped = [p for p in report.problems if "ingest.max_field_chars" in p.problem]  # ... and caps it
    assert [(p.record, p.field, p.severity) for p in capped] == [("row 3 (LONG-1)", "Title", "repaired")]


def test_on_file_reports_progress(fixtures):
    seen = []
    load_notices([fixtures / "notices"], Settings(), on_file=lambda p, i, n: seen.append((p.name, i, n)))
    assert [i for _, i, _ in seen] == list(range(11)) and {n for *_, n in seen} == {11}
    assert seen[0][0] == "array_of_packages.json"


def test_concatenated_values_utf16_and_one_line_arrays(tmp_path):
    r1 = '{"ocid": "ocds-b5fd17-1", "id": "1", "tender": {"title": "One"}}'
    r2 = '{"ocid": "ocds-b5fd17-2", "id": "2", "tender": {"title": "Two"}}'
    cases = {
        "concat.json": (r1 + r2).encode(),
        "pretty_concat.json": (r1.replace(", ", ",\n  ") + "\n" + r2.replace(", ", ",\n  ")).encode(),
        "utf16.json": ("[" + r1 + "," + r2 + "]").encode("utf-16"),
        "one_line_array.json": ("[" + r1 + "," + r2 + "]").encode(),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        tenders, report = load_notices([path], Settings())
        assert [t.title for t in tenders] == ["One", "Two"], name
        assert not report.problems, name


def test_row_without_delivery_postcode_gets_the_buyer_address_labelled():
    from procure_match.ingest.cf_csv import row_to_tender

    notes = []
    row = {"Notice Identifier": "X1", "Title": "T", "Region": "Any region", "Contact Postcode": "ls1 3dl"}
    t = row_to_tender(row, 43, 43, fx_to_gbp=FX, note=lambda *a: notes.append(a))
    assert [(loc.postcode, loc.region, loc.description) for loc in t.locations] == [
        (None, "Any region", None),
        ("LS1 3DL", None, "buyer address (no delivery postcode published)"),
    ]
    assert not notes
