from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure_match.domain import Enterprise, Money
from procure_match.scoring import rules as r
from procure_match.scoring.match import score_pair
from procure_match.scoring.rules import MatchTarget
from procure_match.settings import settings_from_dict


def test_semantic_clips_the_part_but_reports_the_cosine():
    o = r.semantic_similarity(-0.2)
    assert o.value == 0.0 and "-0.20" in o.sentence
    assert r.semantic_similarity(0.73).value == pytest.approx(0.73)


@pytest.mark.parametrize(
    ("tender", "ent", "expected"),
    [
        (("45212000",), ("45212000",), 1.0),  # same category
        (("45212000",), ("45213000",), 0.75),  # class 4521
        (("45212000",), ("45260000",), 0.5),  # group 452
        (("45212000",), ("45300000",), 0.25),  # division 45
        (("45212000",), ("71000000",), 0.0),  # nothing shared
        (("45212000", "71300000"), ("71310000",), 1.0),  # 71310000 lies inside the notice's group 713
        (("45212000", "71310000"), ("71300000",), 0.5),  # enterprise broader than the notice: group 713
        (("77310000",), ("77310000",), 1.0),  # same class-level code: fully met
        (("77310000",), ("77311000",), 1.0),  # a category inside the notice's class
        (("77311000",), ("77310000",), 0.75),  # enterprise only at class level
    ],
)
def test_cpv_agreement_levels(tender, ent, expected):
    o = r.cpv_agreement(tender, ent)
    assert o.value == expected
    assert o.kind == r.FEATURE


def test_cpv_unknown_when_a_side_has_no_codes():
    assert r.cpv_agreement((), ("45000000",)).value is None
    o = r.cpv_agreement(("45000000",), ())
    assert o.value is None and "enterprise has no CPV" in o.sentence


def test_distance_pass_fail_unknown():
    near, far, unknown = r.distance(10, 40), r.distance(60, 40), r.distance(None, 40)
    assert near.passed is True and near.value == pytest.approx(0.5 ** (10 / 40))
    assert far.passed is False and far.value == pytest.approx(0.5 ** (60 / 40))
    assert r.distance(40, 40).value == pytest.approx(0.5) and r.distance(80, 40).value == pytest.approx(0.25)
    assert 0 < r.distance(400, 40).value < 0.001, "far away is close to 0, never negative"
    assert "halves every 40 km" in near.sentence
    assert unknown.value is None and unknown.passed is None and "unknown" in unknown.sentence


def test_radius_rule_is_hard_only():
    hard = r.radius_rule(60, 40)
    assert hard.kind == r.HARD and hard.passed is False
    assert r.radius_rule(30, 40).passed is True
    assert r.radius_rule(None, 40).passed is None


@given(st.floats(0, 5000, allow_nan=False), st.floats(0, 5000, allow_nan=False), st.floats(1, 500, allow_nan=False))
def test_distance_closeness_is_smooth_and_never_increases(a, b, radius):
    """Regression (issue 11): a linear fall to 0 plus a penalty at the radius made a 40.8 km care co-op lose to
    a 32 km consultancy. Closeness now decays smoothly: monotone non-increasing, in [0, 1], no jump at the radius."""
    near, far = sorted((a, b))
    assert r.distance_closeness(far, radius) <= r.distance_closeness(near, radius)
    assert 0 <= r.distance_closeness(far, radius) <= 1
    eps = 1e-6 * radius
    below, above = r.distance_closeness(radius - eps, radius), r.distance_closeness(radius + eps, radius)
    assert below - above < 1e-5, "no cliff at the radius"


def test_a_candidate_just_beyond_the_radius_scores_almost_as_one_just_inside():
    settings = settings_from_dict({})
    target = MatchTarget("t", None, (), None, None, None, None, (), (52.0, -1.0))
    ent = Enterprise(id="e", name="e")
    inside, _ = score_pair(target, ent, 0.5, 39.9, settings)
    beyond, _ = score_pair(target, ent, 0.5, 40.1, settings)
    assert 0 < inside.score - beyond.score < 0.001 and beyond.eligible


def test_capacity_pass_fail_unknown():
    # 300k over 3 years = 100k a year; factor 2 needs 200k turnover.
    ok = r.capacity(300_000, 3.0, 250_000, None, 2.0)
    assert ok.passed is True and ok.value == pytest.approx(1.25)
    low = r.capacity(300_000, 3.0, 150_000, None, 2.0)
    assert low.passed is False and "£200,000" in low.sentence
    whole = r.capacity(300_000, None, 250_000, None, 2.0)  # period unknown: whole value is annual
    assert whole.passed is False and "period unknown" in whole.sentence
    over_max = r.capacity(300_000, 3.0, 10_000_000, 100_000, 2.0)
    assert over_max.passed is False and "stated maximum" in over_max.sentence
    assert r.capacity(None, 3.0, 1e6, None, 2.0).passed is None
    assert r.capacity(300_000, 3.0, None, None, 2.0).passed is None
    assert r.capacity(50_000, None, None, 100_000, 2.0).passed is True


def test_contract_value_gbp():
    assert r.contract_value_gbp(Money(amount=10.0, currency="EUR", amount_gbp=8.6)) == 8.6
    assert r.contract_value_gbp(Money(amount=10.0)) == 10.0
    assert r.contract_value_gbp(Money(amount=10.0, currency="XYZ")) is None
    assert r.contract_value_gbp(Money()) is None


def test_certifications():
    table = {"45": ["CHAS", "Constructionline"], "50": ["SafeContractor"]}
    assert r.certifications(("45210000",), ("Constructionline Gold",), table).passed is True
    missing = r.certifications(("45210000", "50700000"), ("chas",), table)
    assert missing.passed is False and "SafeContractor" in missing.sentence
    assert r.certifications(("72000000",), (), table).passed is True  # nothing required
    # none recorded is unknown, not a failure (issue 11): unverified, with what to check
    unrecorded = r.certifications(("45210000",), (), table)
    assert unrecorded.passed is None and unrecorded.unverified
    assert (
        "unverified" in unrecorded.sentence
        and "check that it holds one of CHAS, Constructionline" in unrecorded.sentence
    )
    assert not missing.unverified  # recorded certifications without the one needed are evidence


def test_unknown_enterprise_inputs_are_unverified_never_failed():
    """Every rule whose enterprise input is missing says what to check and does not fail."""
    table = {"45": ["CHAS"]}
    outcomes = [
        r.capacity(300_000, 3.0, None, None, 2.0),
        r.certifications(("45210000",), (), table),
        r.reserved_participation(("publicServiceMissionOrganization",), None, False),
        r.cpv_agreement(("45000000",), ()),
    ]
    for o in outcomes:
        assert o.passed is None and o.unverified and "check" in o.sentence, o
    assert "£200,000" in outcomes[0].sentence  # what turnover to look for
    # notice-side gaps are unknown but nothing to check about the enterprise
    assert not r.capacity(None, 3.0, None, None, 2.0).unverified
    assert not r.cpv_agreement((), ("45000000",)).unverified


def test_reserved_participation():
    reserved = ("publicServiceMissionOrganization",)
    assert r.reserved_participation((), "company limited by shares", False).passed is True
    assert r.reserved_participation(reserved, "co-operative society", True).passed is True
    assert r.reserved_participation(reserved, "company limited by shares", False).passed is False
    unknown = r.reserved_participation(reserved, None, False)
    assert unknown.passed is None and unknown.unverified and "not recorded" in unknown.sentence


def test_bonuses():
    assert r.vcse_bonus(True, 0.05).value == 0.05
    assert r.vcse_bonus(None, 0.05).value == 0.0
    assert r.sme_bonus(True, 0.02).value == 0.02
    assert r.sme_bonus(False, 0.02).value == 0.0


def test_exclusion_reason_uses_the_given_now():
    now = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)
    assert "has passed" in r.exclusion_reason(datetime(2025, 11, 1), None, now, past_deadline=True)
    assert r.exclusion_reason(datetime(2025, 12, 1, tzinfo=UTC), "active", now, past_deadline=True) is None
    assert r.exclusion_reason(datetime(2025, 11, 1), None, now, past_deadline=False) is None
    assert r.exclusion_reason(None, "cancelled", now, past_deadline=True) == "notice status is cancelled"
    assert r.exclusion_reason(None, None, now, past_deadline=True) is None


def test_a_contract_of_days_is_said_in_days_not_zero_months():
    o = r.capacity(2_460_000, 1 / 365.25, None, None, 2.0)
    assert "a 1-day contract counts as one year" in o.sentence and "0-month" not in o.sentence


def test_awarded_and_cancelled_notices_are_not_opportunities():
    """QA on real awarded CF exports: briefs with a 'Submission deadline' were written for awarded notices."""
    from datetime import datetime

    from procure_match.scoring.rules import exclusion_reason

    now = datetime(2020, 7, 1)
    assert "not an open opportunity" in exclusion_reason(None, None, now, past_deadline=True, stage="award")
    assert "cancelled" in exclusion_reason(None, None, now, past_deadline=True, stage="cancelled")
    for open_stage in ("tender", "pipeline", "planning", "market engagement", None):
        assert exclusion_reason(None, None, now, past_deadline=True, stage=open_stage) is None
