"""Cell-level normalisation: legal forms, registration ids, amounts, multi-value cells, headers."""

from __future__ import annotations

import pytest

from procure_match.domain import LEGAL_FORMS
from procure_match.errors import InputFileError
from procure_match.ingest.columns import detect_columns, normalise_header
from procure_match.ingest.directory import (
    charity_id,
    company_number_id,
    mutuals_id,
    normalise_legal_form,
    parse_amount,
    slug_id,
    split_multi,
)


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        ("CIC", "community interest company"),
        ("C.I.C.", "community interest company"),
        ("Community Interest Company", "community interest company"),
        ("CIC limited by guarantee", "community interest company"),
        ("Society", "co-operative society"),
        ("Co-operative Society", "co-operative society"),
        ("IPS", "co-operative society"),
        ("Industrial and Provident Society", "co-operative society"),
        ("Bencom", "community benefit society"),
        ("Community Benefit Society", "community benefit society"),
        ("Charitable Incorporated Organisation", "charitable incorporated organisation"),
        ("Scottish Charitable Incorporated Organisation", "charitable incorporated organisation"),
        ("SCIO", "charitable incorporated organisation"),
        ("Registered charity", "charity"),
        ("Company limited by guarantee", "company limited by guarantee"),
        ("Ltd by guarantee", "company limited by guarantee"),
        ("Private limited company", "company limited by shares"),
        ("LLP", "limited liability partnership"),
        ("Limited Partnership", "partnership"),
        ("Sole trader", "sole trader"),
        ("Local authority", "public body"),
        ("Unincorporated", "other"),
        ("Act of Parliament", "other"),
        ("Company", None),  # ambiguous: guarantee or shares
        ("Ltd", None),
        ("Co-operative", None),
        ("", None),
        ("Widget", None),
    ],
)
def test_legal_form_table(raw, form):
    assert normalise_legal_form(raw) == form
    assert form is None or form in LEGAL_FORMS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234567", "GB-COH-01234567"),
        (" 01234567 ", "GB-COH-01234567"),
        ("sc399880", "GB-COH-SC399880"),
        ("NI12345", "GB-COH-NI012345"),
        ("GB-COH-01234567", "GB-COH-01234567"),
        ("123456789", None),
        ("ABC", None),
    ],
)
def test_company_numbers(raw, expected):
    assert company_number_id(raw) == expected


def test_mutuals_and_charities():
    assert mutuals_id("525R") == "GB-MPR-525R"
    assert mutuals_id("2345 RS") == "GB-MPR-2345RS"
    assert mutuals_id("IP28453R") == "GB-MPR-28453R"  # one form for ingest and ledger (reference.orgids)
    assert mutuals_id("not a number") is None
    assert charity_id("1012345") == "GB-CHC-1012345"
    assert charity_id("1012345-1") == "GB-CHC-1012345"
    assert charity_id("SC012345") == "GB-SC-SC012345"
    assert charity_id("NIC100002") == "GB-NIC-100002"
    assert charity_id("100002", "BT14 7PJ") == "GB-NIC-100002"
    assert charity_id("100002", "B1 1BB") == "GB-CHC-100002"
    assert charity_id("12") is None
    assert charity_id("100002", "B1 1BB", "GB-NIC") == "GB-NIC-100002"
    assert charity_id("12345", None, "GB-SC") == "GB-SC-SC012345"


@pytest.mark.parametrize(
    ("raw", "value", "noted"),
    [
        ("£1.2m", 1_200_000, False),
        ("120,000", 120_000, False),
        ("£120k", 120_000, False),
        ("GBP 2.5 million", 2_500_000, False),
        ("£20k-£50k", 35_000, True),
        ("20-50k", 35_000, True),
        ("£20,000 to £50,000", 35_000, True),
        ("over £1m", 1_000_000, True),
        ("£500k+", 500_000, True),
        ("under £50k", 25_000, True),
        ("0", 0, False),
        ("n/a", None, False),
    ],
)
def test_parse_amount(raw, value, noted):
    parsed = parse_amount(raw)
    assert parsed.value == value
    assert (parsed.note is not None) == noted
    assert parsed.error is None


def test_parse_amount_errors_and_range_modes():
    assert parse_amount("lots").error
    assert parse_amount("-280").error
    assert parse_amount("£20k-£50k", "low").value == 20_000
    assert parse_amount("£20k-£50k", "high").value == 50_000


def test_split_multi():
    assert split_multi("Construction; Retrofit") == ["Construction", "Retrofit"]
    assert split_multi("CHAS|SafeContractor|CHAS") == ["CHAS", "SafeContractor"]
    assert split_multi("CHAS, Constructionline") == ["CHAS", "Constructionline"]
    assert split_multi("Membership associations, social clubs and trade unions") == [
        "Membership associations, social clubs and trade unions"
    ]
    assert split_multi("Food service, Accommodation and Pubs") == ["Food service, Accommodation and Pubs"]
    assert split_multi("Digital, Media and Communication") == ["Digital, Media and Communication"]
    assert split_multi("45000000-7, 45453000 50700000", codes=True) == ["45000000-7", "45453000", "50700000"]
    assert split_multi("  ") == []


def test_slug_id():
    assert slug_id("Acme Builders C.I.C.", "B12 9QD") == "acme-builders-cic-b129qd"
    assert slug_id("Acme", None) == "acme"


def test_header_normalisation_and_detection():
    assert normalise_header("Annual Turnover (£) ") == "annual turnover"
    assert normalise_header("\ufeffE-mail") == "e mail"
    headers = ["Organisaton Name", "Post_Code", "Contact name", "Country ID", "Sub charity number", "Charity No"]
    cmap = detect_columns(headers, None, 85, path="x.csv")
    assert cmap.columns["name"] == [0]  # misspelt, found by fuzzy matching; "Contact name" is not a name
    assert cmap.columns["postcode"] == [1]
    assert cmap.columns["charity_number"] == [5]  # "Sub charity number" is not the charity number
    assert "id" not in cmap.columns  # "Country ID" is not an identifier
    assert ("name", "Organisaton Name") in cmap.pairs()


def test_mapping_unknown_field():
    with pytest.raises(InputFileError, match="unknown field 'nmae'"):
        detect_columns(["Name"], {"nmae": "Name"}, 85, path="x.csv")


@pytest.mark.realdata
def test_real_headers_are_detected(shared_data):
    import csv

    def header(name: str, encoding: str = "utf-8-sig") -> list[str]:
        with open(shared_data / "orgs" / name, encoding=encoding, newline="") as fh:
            return next(csv.reader(fh))

    def best(headers: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for f, h in detect_columns(headers, None, 85, path="x").pairs():
            out.setdefault(f, h)  # the first column in rank order
        return out

    coops = best(header("coops_uk_2023Q2_standard_geocoded.csv"))
    assert coops["name"] == "Name" and coops["postcode"] == "Postcode" and coops["id"] == "Identifier"
    assert coops["company_number"] == "Companies House Number" and coops["sic"] == "SIC Code"
    pairs = detect_columns(header("coops_uk_2023Q2_standard_geocoded.csv"), None, 85, path="x").pairs()
    assert [h for f, h in pairs if f == "latitude"] == ["Latitude", "Geo Container Latitude"]
    old = best(header("coops_uk_2017-06_organisations.csv"))
    assert old["name"] == "Registered Name" and old["postcode"] == "Registered Postcode"
    assert old["registrar"] == "Registrar" and old["status"] == "Registered Status"
    ni = detect_columns(header("ni_charity_register_2020-06-30_cp1252.csv", "cp1252"), None, 85, path="x").pairs()
    assert ("charity_number", "Reg charity number") in ni and ("address", "Public address") in ni
    assert all(h != "Sub charity number" for _f, h in ni)
    assert ("turnover", "Total income") in ni
