"""Spend-file reading: header detection, encodings, line ends, credits, totals, repairs, explicit mapping."""

from __future__ import annotations

from datetime import date

import pytest

from procure_match.errors import IngestReport, InputFileError
from procure_match.ledger.spendfiles import parse_amount, parse_date, parse_spend_file


def test_council_file_cp1252_cr_preamble(fixtures):
    report = IngestReport()
    pf = parse_spend_file(fixtures / "ledger" / "council_2022-01_cp1252_cr.csv", "council", report=report)
    assert pf.encoding == "cp1252"
    assert pf.header_row == 4 and len(pf.preamble) == 3
    assert pf.columns == {
        "supplier": "Supplier Name",
        "amount": "Amount £",
        "date": "Payment Date",
        "description": "Expense Type",
        "department": "Service Area",
        "buyer": "Body Name",
    }
    got = [(x.row, x.supplier, x.amount, x.date) for x in pf.lines]
    assert got == [
        ("5", "Aston Re-use Hub Ltd", 1250.0, date(2022, 1, 5)),
        ("6", "Big Plant Hire Ltd", 3400.0, date(2022, 1, 6)),
        ("7", "Redacted Personal Information", 900.0, date(2022, 1, 7)),
        ("8", "Ladywood Landscapes CIC", -600.0, date(2022, 1, 10)),  # (600.00) is a credit
        ("9", "Café Olé Co-operative", 520.0, date(2022, 1, 12)),
    ]
    assert all(x.buyer == "Birmingham City Council" for x in pf.lines)
    assert pf.lines[4].description == "Catering"
    # the Grand Total line is reported, not counted; nothing else was dropped
    assert report.records_read == 6 and report.records_kept == 5 and report.skipped == 1
    assert "total line" in report.problems[0].problem


def test_return_needs_contract_reference(tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("Supplier,Amount\nA Ltd,10\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="contract reference"):
        parse_spend_file(f, "return")


def test_no_header_is_one_clear_error(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        parse_spend_file(f, "council")
    assert "--map" in exc.value.one_line() and str(f) in exc.value.one_line()


def test_explicit_mapping_overrides_detection(tmp_path):
    f = tmp_path / "weird.csv"
    f.write_text("Who,How much,When,Why\nAcme CIC,12.50,2022-02-01,tea\n", encoding="utf-8")
    with pytest.raises(InputFileError):
        parse_spend_file(f, "council")
    pf = parse_spend_file(f, "council", mapping={"supplier": "Who", "amount": "How much", "date": "When"})
    assert [(x.supplier, x.amount, x.date) for x in pf.lines] == [("Acme CIC", 12.5, date(2022, 2, 1))]
    with pytest.raises(InputFileError, match="unknown field"):
        parse_spend_file(f, "council", mapping={"payee": "Who"})


def test_repairs_glued_records_and_dates(tmp_path):
    f = tmp_path / "lambeth_2011-11-payments.csv"
    f.write_bytes(
        b"Sum of Invoice Nett Amount,\rSupplier Name,Total\rA Ltd,1000.00\rB Ltd,991.00C C Ltd,990.00"
        b"Grand Total,2981.00\r"
    )
    report = IngestReport()
    pf = parse_spend_file(f, "council", report=report)
    assert [(x.supplier, x.amount) for x in pf.lines] == [("A Ltd", 1000.0), ("B Ltd", 991.0), ("C C Ltd", 990.0)]
    assert all(x.date == date(2011, 11, 1) and x.date_note for x in pf.lines)  # month from the file name
    assert pf.lines[0].buyer == "Lambeth"
    assert sum(x.amount for x in pf.lines) == 2981.0  # equals the file's own Grand Total
    g = tmp_path / "glued.csv"
    g.write_text(
        "Body,Supplier Name,Invoice Date,Invoice Nett Amount,Desc\n"
        "X,A Ltd,25/06/2012900,GRANTS\nX,Catch2212/06/2012,8755.20,HOUSING\n",
        encoding="utf-8",
    )
    pf = parse_spend_file(g, "council", report=report)
    assert [(x.supplier, x.date, x.amount) for x in pf.lines] == [
        ("A Ltd", date(2012, 6, 25), 900.0),
        ("Catch22", date(2012, 6, 12), 8755.2),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [("£1,234.50", 1234.5), ("(12.00)", -12.0), ("12.00-", -12.0), ("12.00 CR", -12.0), ("-3", -3.0), ("x", None)],
)
def test_amounts(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2021-04-01", date(2021, 4, 1)),
        ("31/01/2022", date(2022, 1, 31)),
        ("31-01-22", date(2022, 1, 31)),
        ("01-JUN-2012", date(2012, 6, 1)),
        ("3 March 2022", date(2022, 3, 3)),
        ("2022-01-31T00:00:00", date(2022, 1, 31)),
        ("31/02/2022", None),
    ],
)
def test_dates(text, value):
    assert parse_date(text) == value


def test_binary_file_is_refused(tmp_path):
    f = tmp_path / "spend.xlsx"
    f.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputFileError, match="not a text"):
        parse_spend_file(f, "council")
