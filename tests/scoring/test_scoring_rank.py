from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from procure_match.scoring import rules as r
from procure_match.scoring.rank import (
    STATUS_ELIGIBLE,
    STATUS_INELIGIBLE,
    STATUS_NEEDS_PARTNERS,
    build_candidate,
    combine,
    rank_candidates,
)

W = {"semantic": 0.6, "cpv": 0.25, "distance": 0.15}
unit = st.floats(0, 1, allow_nan=False)
maybe_unit = st.none() | unit
adjust = st.floats(-1, 1, allow_nan=False)


@given(unit, maybe_unit, maybe_unit, adjust)
def test_score_is_always_in_unit_interval(sem, cpv, dist, adj):
    s = combine({"semantic": sem, "cpv": cpv, "distance": dist}, W, adj)
    assert 0.0 <= s <= 1.0


@given(unit, unit, maybe_unit, maybe_unit, adjust)
def test_score_is_monotone_in_semantic_similarity(a, b, cpv, dist, adj):
    lo, hi = min(a, b), max(a, b)
    parts = {"cpv": cpv, "distance": dist}
    assert combine({"semantic": lo, **parts}, W, adj) <= combine({"semantic": hi, **parts}, W, adj) + 1e-12


def test_unknown_parts_renormalise_the_weights():
    assert combine({"semantic": 0.5, "cpv": None, "distance": None}, W) == 0.5
    assert combine({"semantic": 1.0, "cpv": 0.0, "distance": None}, W) == 0.6 / 0.85


def _pair(eid, cos, *, cap=True, cert=True, vcse=False):
    outcomes = [
        r.semantic_similarity(cos),
        r.cpv_agreement((), ()),
        r.distance(None, 40),
        r.RuleOutcome(r.CAPACITY, r.HARD, None, cap, "capacity"),
        r.RuleOutcome(r.CERTIFICATIONS, r.HARD, None, cert, "certs"),
        r.vcse_bonus(vcse, 0.05),
    ]
    return build_candidate("T1", None, eid, outcomes, W)


def test_status_and_fit_from_hard_rules():
    ok, partners, out = _pair("a", 0.5), _pair("b", 0.5, cap=False), _pair("c", 0.5, cert=False)
    assert (ok.status, ok.eligible) == (STATUS_ELIGIBLE, True)
    assert (partners.status, partners.eligible, partners.failed_rules) == (STATUS_NEEDS_PARTNERS, False, ["capacity"])
    assert partners.fit == partners.score == 0.5
    assert (out.status, out.eligible) == (STATUS_INELIGIBLE, False)
    assert _pair("d", 0.5, vcse=True).score == 0.55
    assert "no bonus" not in " ".join(ok.reasons)  # zero adjustments are not listed as reasons


def test_ranking_puts_eligible_first_then_by_score():
    cands = [_pair("lowok", 0.2), _pair("highbad", 0.9, cert=False), _pair("partner", 0.8, cap=False), _pair("hi", 0.7)]
    other = build_candidate("T1", "lot1", "x", [r.semantic_similarity(0.1)], W)
    ranked = rank_candidates([*cands, other])
    order = [(c.enterprise_id, c.rank) for c in ranked if c.lot_id is None]
    assert order == [("hi", 1), ("lowok", 2), ("partner", 3), ("highbad", 4)]
    assert other.rank == 1


@given(
    st.lists(
        st.tuples(st.sampled_from(["T1", "T2"]), st.sampled_from([None, "1"]), unit, st.booleans(), st.booleans()),
        max_size=30,
    )
)
def test_ranks_are_one_to_n_per_group_with_eligible_first(specs):
    cands = []
    for i, (tid, lot, cos, cap, cert) in enumerate(specs):
        c = _pair(f"e{i:02d}", cos, cap=cap, cert=cert)
        c.tender_id, c.lot_id = tid, lot
        cands.append(c)
    ranked = rank_candidates(cands)
    assert len(ranked) == len(cands)
    groups = {}
    for c in ranked:
        groups.setdefault((c.tender_id, c.lot_id), []).append(c)
    order = {STATUS_ELIGIBLE: 0, STATUS_NEEDS_PARTNERS: 1, STATUS_INELIGIBLE: 2}
    for group in groups.values():
        assert [c.rank for c in group] == list(range(1, len(group) + 1))
        keys = [(order[c.status], -c.score) for c in group]
        assert keys == sorted(keys)


def test_unverified_checks_keep_the_candidate_eligible_and_are_listed():
    """Issue 11: no certification or turnover recorded -> eligible, with the checks to make listed."""
    outcomes = [
        r.semantic_similarity(0.4),
        r.cpv_agreement(("45210000",), ()),
        r.distance(None, 40),
        r.capacity(300_000, 3.0, None, None, 2.0),
        r.certifications(("45210000",), (), {"45": ["CHAS", "Constructionline", "SafeContractor"]}),
    ]
    c = build_candidate("T1", None, "e", outcomes, W)
    assert c.status == STATUS_ELIGIBLE and c.eligible and not c.failed_rules
    assert c.unverified == [r.CPV, r.CAPACITY, r.CERTIFICATIONS]
    assert c.status_text == "eligible, 3 checks unverified"
    assert any("check that it holds one of CHAS, Constructionline, SafeContractor" in s for s in c.reasons)
    recorded = build_candidate("T1", None, "f", [r.semantic_similarity(0.4)], W)
    assert recorded.unverified == [] and recorded.status_text == STATUS_ELIGIBLE
