"""Notice stage from each source (issue 11, item 3) and placeholder values (item 4), on rules and real files."""

from __future__ import annotations

from collections import Counter

import pytest

from procure_match.domain import Money, Tender
from procure_match.ingest import load_notices
from procure_match.ingest.plausible import implausible_reason, screen_values
from procure_match.ingest.stage import (
    cf_csv_stage,
    ocds_stage,
    stage_from_fts_notice_types,
    stage_from_tags,
)
from procure_match.settings import Settings


@pytest.mark.parametrize(
    ("types", "stage"),
    [
        (["UK1"], "pipeline"),
        (["UK2"], "market engagement"),
        (["UK3"], "planning"),
        (["UK1", "UK4"], "tender"),  # the latest notice decides
        (["UK6", None], "award"),
        (["UK4", "UK12"], "cancelled"),
        (["uk99", "", None], None),
    ],
)
def test_fts_notice_types(types, stage):
    assert stage_from_fts_notice_types(types) == stage


def test_ocds_tags_and_status():
    assert stage_from_tags(["planning"]) == "planning"
    assert stage_from_tags(["tender", "tenderUpdate"]) == "tender"
    assert stage_from_tags(["award", "contract"]) == "award"
    assert stage_from_tags(["tenderCancellation"]) == "cancelled"
    assert stage_from_tags(["compiled"]) is None
    assert ocds_stage("cancelled", ["tender"], ["UK4"], False) == "cancelled"  # a cancelled status wins
    assert ocds_stage("planned", [], [], False) == "planning"
    assert ocds_stage("active", [], ["UK1"], False) == "pipeline"  # FTS notice type before status
    assert ocds_stage(None, [], [], True) == "award"
    assert ocds_stage(None, [], [], False) == "tender"


def test_contracts_finder_notice_types():
    assert cf_csv_stage("Pipeline", "Open") == "pipeline"
    assert cf_csv_stage("PreProcurement", "Open") == "market engagement"
    assert cf_csv_stage("Contract", "Open") == "tender"
    assert cf_csv_stage("Contract", "Awarded") == "award"
    assert cf_csv_stage("Contract", "Withdrawn") == "cancelled"
    assert cf_csv_stage(None, None) == "tender"


def test_placeholder_and_implausible_values_become_not_stated():
    notes = []
    t = Tender(tender_id="t", value=Money(amount=1.0, currency="GBP", amount_gbp=1.0))
    assert screen_values(t, 1000.0, 1e10, lambda *a: notes.append(a)) == 1
    assert t.value.amount is None and t.value.currency == "GBP" and "£1 is below the £1,000 floor" in t.value.gbp_note
    assert notes[0][0] == "value" and notes[0][2] == "value treated as not stated"
    assert "above the £10,000,000,000 ceiling" in implausible_reason(Money(amount=2e10, currency="GBP"), 1000, 1e10)
    assert implausible_reason(Money(amount=1000.0, currency="GBP"), 1000, 1e10) is None  # the floor itself is fine
    assert implausible_reason(Money(amount=5.0, currency="XYZ"), 1000, 1e10) is None  # no GBP figure: not judged
    assert "NOK 1,000 (£74)" in implausible_reason(Money(amount=1000.0, currency="NOK", amount_gbp=74.0), 1000, 1e10)


@pytest.mark.realdata
def test_real_contracts_finder_open_export_stages_and_placeholders(shared_data):
    """SOURCES.md: Contract 641, Pipeline 171, PreProcurement 40; 21 values under £1,000 and 3 over £10bn."""
    tenders, report = load_notices([shared_data / "uk_notices_csv" / "cf_export_open_2025-11.csv"], Settings())
    assert Counter(t.stage for t in tenders) == {"tender": 641, "pipeline": 171, "market engagement": 40}
    assert report.counts["placeholder_values"] == 24
    floor = [p for p in report.problems if "below the £1,000 floor" in p.problem]
    assert len(floor) == 21 and all(p.severity == "repaired" for p in floor)
    assert sum("above the £10,000,000,000 ceiling" in p.problem for p in report.problems) == 3
    assert sum(1 for t in tenders if t.buyer_contact and t.buyer_contact.email) > 800


@pytest.mark.realdata
def test_real_find_a_tender_planning_release_is_a_pipeline_notice(shared_data):
    (t,), _ = load_notices([shared_data / "ocds" / "uk_fts_2026" / "fts_release_package_037689-2026.json"], Settings())
    assert t.stage == "pipeline" and t.is_early  # noticeType UK1, tag planning, status planned
    assert t.future_notice_date is not None and t.future_notice_date.year == 2026
    assert t.url == "https://www.find-tender.service.gov.uk/Notice/037689-2026"
    (tender,), _ = load_notices(
        [shared_data / "ocds" / "uk_fts_2026" / "fts_release_package_032703-2026.json"], Settings()
    )
    assert tender.stage == "tender" and not tender.is_early


@pytest.mark.parametrize(
    "amount, placeholder",
    [
        (1_234_567_890, True),
        (123_456, True),
        (12_345_678, True),
        (1_234_568, False),
        (1_000_000, False),
        (12_345, False),
    ],
)
def test_counting_digits_are_a_placeholder(amount, placeholder):
    """Regression (real CF award BIP524590824 at £1,234,567,890): the counting run is never a contract value."""
    from procure_match.ingest.plausible import implausible_reason, keyboard_placeholder

    assert keyboard_placeholder(amount) is placeholder
    reason = implausible_reason(Money(amount=amount, currency="GBP", amount_gbp=amount), 1_000, 10e9)
    assert (reason is not None and "typed in order" in reason) is placeholder


def test_ledger_refuses_a_counting_digits_contract_value():
    from procure_match.ledger.contracts import value_problem
    from procure_match.settings import Settings

    assert "placeholder" in value_problem(1_234_567_890.0, Settings())
    assert value_problem(1_234_000.0, Settings()) is None


def test_find_a_tender_gross_only_award_value_is_read(shared_data):
    """QA: the Chess ICT award (ocds-h6vhtk-06e832) publishes only amountGross and was skipped as 'no value'."""
    path = shared_data / "ocds" / "uk_fts_2026" / "fts_release_package_limit4_2026-10-06.json"
    tenders, report = load_notices([path], Settings())
    chess = next(t for t in tenders if t.tender_id == "ocds-h6vhtk-06e832")
    assert chess.awards[0].value.amount == pytest.approx(256378.74)
    assert any("gross value" in p.problem for p in report.problems)
    net = next(t for t in tenders if t.tender_id == "ocds-h6vhtk-078217")
    assert net.awards[0].value.amount == pytest.approx(31715.0)  # the net amount when both are published
