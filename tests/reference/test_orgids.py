"""One normalisation of registration ids for notices, directories and the ledger."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure_match.reference.orgids import company_number, mutuals_number, org_id, registration_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234567", "GB-COH-01234567"),
        (" 01234567 ", "GB-COH-01234567"),
        ("1234567.0", "GB-COH-01234567"),  # through a spreadsheet float
        ("sc399880", "GB-COH-SC399880"),
        ("gb-coh-sc 12345", "GB-COH-SC012345"),
        ("NI12345", "GB-COH-NI012345"),
        ("GBCOH1234", "GB-COH-00001234"),
        ("525R", "GB-MPR-525R"),
        ("2345 RS", "GB-MPR-2345RS"),
        ("IP28453R", "GB-MPR-28453R"),
        ("GB-MPR-IP 01234R", "GB-MPR-1234R"),
        ("GB-CHC-1100001", "GB-CHC-1100001"),
        ("123456789", None),
        ("ABC", None),
        ("0", None),
        ("", None),
    ],
)
def test_registration_ids(raw, expected):
    assert registration_id(raw) == expected


def test_org_id_by_scheme():
    assert org_id("GB-COH", "1234567") == org_id("GB-COH", "GB-COH-01234567") == "GB-COH-01234567"
    assert org_id("GB-MPR", "IP 01234R") == "GB-MPR-1234R"
    assert org_id("GB-CHC", "1100001") == "GB-CHC-1100001"
    assert org_id("GB-COH", "0") is None
    assert org_id("GB-COH", "not a number") is None


@given(st.integers(min_value=1, max_value=99_999_999))
def test_company_numbers_pad_to_eight_and_are_stable(n):
    once = company_number(str(n))
    assert once is not None and len(once) == 8 and int(once) == n
    assert company_number(once) == once
    assert registration_id(f"GB-COH-{once}") == f"GB-COH-{once}"


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["", "R", "RS", "C"]), st.booleans())
def test_mutuals_numbers_lose_prefix_and_padding(n, suffix, ip):
    raw = f"{'IP' if ip else ''}{n:06d}{suffix}"
    assert mutuals_number(raw) == f"{n}{suffix}"
