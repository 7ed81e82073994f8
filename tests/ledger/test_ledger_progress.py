"""Progress figures: targets follow the current value, pace is linear over the term, statuses."""

from __future__ import annotations

from datetime import date

import pytest

from procure_match.ledger.progress import compute_progress, postcode_district
from procure_match.settings import Settings


def _contract(cid, value=1_000_000.0, start="2021-01-01", end="2021-12-31", category="built environment", **kw):
    return {
        "id": cid,
        "title": f"Contract {cid}",
        "buyer": kw.get("buyer", "Birmingham City Council"),
        "category": category,
        "category_cpv": "45212000",
        "start": start,
        "end_date": end,
        "versions": kw.get("versions", [{"value": value, "effective": start, "recorded_at": "2021-01-01"}]),
        "override": kw.get("override"),
    }


def _entry(contract_id, amount, status="accepted", enterprise="R1", buyer="Birmingham City Council", live=True):
    return {
        "kind": "line",
        "live": live,
        "contract_id": contract_id,
        "amount": amount,
        "resolution_status": status,
        "method": "id",
        "enterprise_id": enterprise if status == "accepted" else None,
        "buyer": buyer,
    }


AS_OF = date(2021, 7, 2)  # exactly half of 2021 (182 of 364 days)


def test_statuses_and_pace():
    contracts = [
        _contract("MET"),
        _contract("ON"),
        _contract("BEHIND"),
        _contract("NONE"),
        _contract("NODATES", start=None, end=None),
        _contract("NOTARGET", category=None),
    ]
    entries = [
        _entry("MET", 10_000.0),
        _entry("ON", 6_000.0),
        _entry("BEHIND", 4_000.0),
        _entry("BEHIND", 50_000.0, status="review"),  # waiting for a person: not counted
        _entry("BEHIND", 9_999.0, live=False),  # reversed: not counted
        _entry("NODATES", 100.0),
        _entry(None, 700.0, enterprise="R2"),  # council spend without contract: buyer level
    ]
    p = compute_progress(contracts, entries, {"R1": {"name": "Green Works", "postcode": "B5 4TD"}}, Settings(), AS_OF)
    by = {c.id: c for c in p.contracts}
    assert {k: v.status for k, v in by.items()} == {
        "MET": "met",
        "ON": "on track",
        "BEHIND": "behind",
        "NONE": "not started",
        "NODATES": "no dates",
        "NOTARGET": "no target",
    }
    on = by["ON"]
    assert on.target_amount == 10_000.0 and on.se_spend == 6_000.0 and on.pct_of_target == 60.0
    assert on.remaining == 4_000.0 and on.expected_by_now == pytest.approx(5_000.0)
    assert by["MET"].remaining == 0.0
    assert p.portfolio.target_amount == 50_000.0  # five contracts with a 1% target of £1M
    assert p.portfolio.se_spend == 20_100.0
    assert p.portfolio.buyer_level_se_spend == 700.0
    assert p.headline == "£20,100 of £50,000 reached social enterprises (40% of target)"
    assert [(b.key, b.amount) for b in p.enterprises] == [("R1", 20_100.0), ("R2", 700.0)]
    assert p.districts[0].key == "B5"


def test_target_follows_current_value_and_explains_itself():
    versions = [
        {"value": 11_900_000.0, "effective": "2021-01-01", "recorded_at": "2021-01-01"},
        {"value": 12_400_000.0, "effective": "2022-03-01", "recorded_at": "2022-03-02"},
    ]
    p = compute_progress([_contract("K", versions=versions)], [], {}, Settings(), AS_OF)
    c = p.contracts[0]
    assert c.target_amount == 124_000.0
    assert c.target_explanation == (
        "1% of £12,400,000 current value (modified 2022-03-01 from £11,900,000), "
        "category built environment from CPV 45212000"
    )


def test_override_and_category_targets():
    s = Settings()
    s.ledger.targets["built environment"] = 2.0
    over = {"pct": 0.5, "set_at": "2022-01-01T00:00:00", "source": "ledger set-target"}
    p = compute_progress([_contract("A"), _contract("B", override=over)], [], {}, s, AS_OF)
    assert [c.target_amount for c in p.contracts] == [20_000.0, 5_000.0]
    assert "set for this contract on 2022-01-01" in p.contracts[1].target_explanation


@pytest.mark.parametrize(("pc", "district"), [("B5 4TD", "B5"), ("b54td", "B5"), ("SW1A 1AA", "SW1A"), (None, "")])
def test_postcode_district(pc, district):
    assert postcode_district(pc) == district
