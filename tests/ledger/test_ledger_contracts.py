"""Contracts from awards and CSV: categories by longest CPV prefix, targets, currencies, bad rows."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from procure_match.domain import Award, Money, Supplier, Tender
from procure_match.errors import IngestReport
from procure_match.ledger.contracts import category_for, contracts_from_csv, contracts_from_tenders
from procure_match.settings import Settings


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["45212000"], ("built environment", "45212000")),
        (["71000000"], ("built environment", "71000000")),
        (["50700000"], ("built environment", "50700000")),
        (["50100000"], (None, None)),  # vehicle repair is not the built environment
        (["30192000", "45000000"], ("built environment", "45000000")),  # main code first, then the others
        ([], (None, None)),
    ],
)
def test_category_by_cpv(codes, expected):
    assert category_for(codes, Settings()) == expected


def test_longest_prefix_wins():
    s = Settings()
    s.ledger.categories = {"built environment": ["45"], "roads": ["4523"]}
    assert category_for(["45233000"], s) == ("roads", "45233000")
    assert category_for(["45210000"], s) == ("built environment", "45210000")


def test_contracts_from_awards():
    t = Tender(
        tender_id="ocds-1",
        title="Perry Barr",
        buyer_name="Birmingham City Council",
        main_cpv="45211000",
        cpv_codes=("45211000",),
        contract_start=date(2021, 1, 1),
        contract_end=date(2022, 12, 31),
        awards=(
            Award(
                id="ocds-1-a1",
                date=datetime(2020, 12, 1),
                value=Money(amount=12_000_000.0, currency="GBP", amount_gbp=12_000_000.0),
                suppliers=(Supplier(name="Lendlease", identifiers=("GB-COH-01234567",)),),
            ),
            Award(id="ocds-1-a2", value=Money()),  # no value: reported, skipped
            Award(id="ocds-1-a3", value=Money(amount=100.0, currency="XYZ")),  # no rate: reported, skipped
        ),
    )
    report = IngestReport()
    got = contracts_from_tenders([t], Settings(), report)
    assert [(c.id, c.value, c.buyer, c.supplier, c.cpv, c.start, c.value_date) for c in got] == [
        (
            "ocds-1-a1",  # the award id already starts with its OCID: kept as it is
            12_000_000.0,
            "Birmingham City Council",
            "Lendlease",
            "45211000",
            date(2021, 1, 1),
            date(2020, 12, 1),
        ),
    ]
    assert report.skipped == 2


def test_contracts_csv_fuzzy_headers_and_bad_rows(fixtures, tmp_path):
    got = contracts_from_csv(fixtures / "ledger" / "contracts.csv", Settings())
    assert [(c.id, c.value, c.cpv, c.target_pct) for c in got] == [
        ("BCC-2021-001", 12_000_000.0, "45211000", None),
        ("BCC-2021-002", 2_500_000.0, "71000000", None),
        ("BCC-2021-003", 80_000.0, "30192000", None),
        ("BCC-2021-004", 1_000_000.0, "77310000", 2.5),
    ]
    assert got[1].start == date(2021, 4, 1) and got[1].end == date(2022, 3, 31)
    bad = tmp_path / "c.csv"
    bad.write_text(
        "Contract ID,Contract Value,Currency,Target\nA,1000,EUR,\nB,,GBP,\nC,500,ZZZ,\nD,10,GBP,250\n",
        encoding="utf-8",
    )
    report = IngestReport()
    got = contracts_from_csv(bad, Settings(), report)
    assert [(c.id, c.value, c.target_pct) for c in got] == [("A", 860.0, None), ("D", 10.0, None)]
    assert report.skipped == 2 and report.repaired == 1
