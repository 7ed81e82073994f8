"""Requirements of a notice, teams built from scan candidates, and gap sentences when no team exists."""

from __future__ import annotations

from datetime import date, datetime

from procure_match.consortium import form_teams, requirements_for, teams_for_tender
from procure_match.consortium.explain import gbp
from procure_match.domain import Candidate, Enterprise, Lot, Money, ScanResult, Tender
from procure_match.settings import Settings, settings_from_dict


def money(x: float | None) -> Money:
    return Money(amount=x, amount_gbp=x, currency="GBP") if x is not None else Money()


def lots_tender(**kw) -> Tender:
    base = {
        "tender_id": "ocds-t1",
        "title": "Estate works",
        "value": money(600_000),
        "lots": (
            Lot(id="1", title="Roofing", value=money(400_000), cpv_codes=("45261000",)),
            Lot(id="2", title="Catering", value=money(50_000), cpv_codes=("55520000",)),
            Lot(id="3", title="scaffolding hire", value=money(150_000), cpv_codes=("45262100",)),
        ),
        "cpv_codes": ("45261000", "55520000", "45262100"),
        "contract_start": date(2027, 1, 1),
        "contract_end": date(2028, 12, 31),
    }
    base.update(kw)
    return Tender(**base)


def ent(eid: str, turnover: float | None, **kw) -> Enterprise:
    return Enterprise(id=eid, name=kw.pop("name", f"Enterprise {eid.upper()}"), turnover=turnover, **kw)


def row(eid: str, lot: str | None, fit: float, rank: int, distance: float | None = 5.0, failed=(), tender="ocds-t1"):
    return Candidate(
        tender_id=tender,
        lot_id=lot,
        enterprise_id=eid,
        score=fit,
        fit=fit,
        eligible=not failed,
        status="eligible" if not failed else ("fits, needs partners" if list(failed) == ["capacity"] else "ineligible"),
        parts={"distance_km": distance},
        failed_rules=list(failed),
        rank=rank,
    )


def test_requirements_lots_capacity_location():
    reqs = requirements_for(lots_tender(), Settings())
    assert [r.id for r in reqs] == ["lot:1", "lot:2", "lot:3", "capacity", "location"]
    assert reqs[2].label == "Lot 3: scaffolding hire"
    years = (date(2028, 12, 31) - date(2027, 1, 1)).days / 365.25
    assert abs(reqs[3].turnover_needed - 2.0 * 600_000 / years) < 1e-6
    assert reqs[4].radius_km == 40.0


def test_requirements_without_lots_split_by_cpv_group():
    t = Tender(tender_id="x", title="Mixed", cpv_codes=("45210000", "45211000", "44110000"), value=money(None))
    reqs = requirements_for(t, Settings())
    assert [r.id for r in reqs if r.is_work] == ["cpv:452", "cpv:441"]  # one service (building), two groups
    cap = next(r for r in reqs if r.kind == "capacity")
    assert cap.turnover_needed is None and "not stated" in cap.note
    whole = requirements_for(Tender(tender_id="y", title="Anything"), Settings())
    assert [r.id for r in whole if r.is_work] == ["notice"]


def test_requirements_without_lots_split_by_service():
    t = Tender(
        tender_id="x",
        title="Soft facilities management",
        description="Cleaning, grounds maintenance and catering for the civic centre.",
        cpv_codes=("79993000", "90911200"),
    )
    work = [r for r in requirements_for(t, Settings()) if r.is_work]
    assert [r.id for r in work] == ["service:cleaning", "service:grounds", "service:catering"]
    assert work[0].label == "cleaning (from CPV 90911200)" and work[0].cpv_codes == ("90911200",)
    assert work[2].label == "catering (from the notice's words: 'catering')"


def test_location_exempt_for_it_services():
    t = Tender(tender_id="x", title="Website", cpv_codes=("72200000",))
    loc = requirements_for(t, Settings())[-1]
    assert loc.radius_km is None


def test_two_members_split_the_lots_and_lead_is_the_roofer():
    enterprises = {
        "roof": ent("roof", 1_500_000, cpv_codes=("45261000",)),
        "food": ent("food", 200_000, cpv_codes=("55520000",)),
    }
    cands = [
        row("roof", "1", 0.9, 1),
        row("roof", "3", 0.7, 1),
        row("roof", "2", 0.1, 9),
        row("food", "2", 0.8, 1),
        row("food", "1", 0.2, 5),
        row("food", "3", 0.1, 5),
    ]
    teams = teams_for_tender(lots_tender(), cands, enterprises, Settings())
    best = teams[0]
    assert best.feasible and best.alternative == 0
    assert set(best.members) == {"roof", "food"} and best.lead == "roof"
    assert best.assignment == {"lot:1": "roof", "lot:2": "food", "lot:3": "roof"}
    assert best.combined_turnover == 1_700_000
    assert best.score == round(0.9 + 0.8 + 0.7 - 2 * 0.05, 4)
    assert best.member("food").role == "partner"


def test_hard_rule_failure_blocks_covering_that_lot_only():
    enterprises = {"a": ent("a", 5e6), "b": ent("b", 5e6)}
    cands = [
        row("a", None, 0.8, 1),
        row("a", "2", 0.9, 1, failed=["certifications"]),
        row("b", None, 0.5, 2),
    ]
    teams = teams_for_tender(lots_tender(), cands, enterprises, Settings())
    assert teams[0].feasible
    assert teams[0].assignment["lot:2"] == "b"


def test_gap_sentences_are_precise():
    settings = settings_from_dict({"scan": {"radius_km": 25.0}})
    enterprises = {
        "roof": ent("roof", 300_000, name="Roof Co-op"),
        "far": ent("far", 100_000, name="Brick Co-op"),
        "cook": ent("cook", 80_000, name="Kitchen CIC"),
    }
    cands = [
        row("roof", "1", 0.9, 1),
        row("far", "3", 0.9, 1, distance=31.4),
        row("cook", "2", 0.9, 1, failed=["certifications"]),
    ]
    t = lots_tender(lots=(*lots_tender().lots[:2], Lot(id="3", title="scaffolding hire", cpv_codes=("45262100",))))
    (team,) = teams_for_tender(t, cands, enterprises, settings)
    assert not team.feasible and team.members == ()
    assert "no candidate within 25 km covers Lot 3: scaffolding hire (nearest: Brick Co-op, 31 km)" in team.gaps
    assert "every candidate for 'Lot 2: Catering' fails certification" in team.gaps
    needed = team.turnover_needed
    short = [g for g in team.gaps if g.startswith("combined turnover")]
    assert short == [
        f"combined turnover {gbp(needed - 300_000)} short of {gbp(needed)}: the only eligible candidate, Roof Co-op, "
        "turns over £300k (2 x the annual value (the notice value over 2.0 contract years))"
    ]
    assert len(team.gaps) == 3


def test_certification_gap_names_what_is_needed():
    enterprises = {"cook": ent("cook", 9e6)}
    cands = [row("cook", None, 0.9, 1, failed=["certifications"])]
    t = Tender(tender_id="ocds-t1", title="Repairs", cpv_codes=("45453000",), value=money(10_000))
    (team,) = teams_for_tender(t, cands, enterprises, Settings())
    assert team.gaps == [
        "every candidate for 'Building completion work (CPV group 454)' fails certification: "
        "needs CHAS, Constructionline or SafeContractor"
    ]


def test_low_fit_and_no_candidates():
    enterprises = {"a": ent("a", 9e6, name="Alpha")}
    t = Tender(tender_id="ocds-t1", title="Repairs", value=money(10_000))
    (team,) = teams_for_tender(t, [row("a", None, 0.2, 1)], enterprises, Settings())
    assert team.gaps == ["no candidate fits Repairs well enough: best fit 0.20 (Alpha), 0.35 needed"]
    (empty,) = teams_for_tender(t, [], enterprises, Settings())
    assert empty.gaps == ["no enterprise in the directory matched this notice"]


def test_too_many_members_needed():
    settings = settings_from_dict({"consortium": {"max_members": 2}})
    enterprises = {k: ent(k, 9e6) for k in "abc"}
    cands = [row("a", "1", 0.9, 1), row("b", "2", 0.9, 1), row("c", "3", 0.9, 1)]
    (team,) = teams_for_tender(lots_tender(), cands, enterprises, settings)
    assert team.gaps == ["no team of up to 2 members covers all 3 requirements"]


def test_shared_consortium_bonus_and_alternatives():
    enterprises = {
        "a": ent("a", 9e6, consortia=("Brum Build",)),
        "b": ent("b", 9e6, consortia=("Brum Build",)),
        "c": ent("c", 9e6),
    }
    t = Tender(tender_id="ocds-t1", title="Two trades", cpv_codes=("45261000", "55520000"), value=money(10_000))
    for e, codes in (("a", ("45261000",)), ("b", ("55520000",)), ("c", ("55520000",))):
        enterprises[e].cpv_codes = codes
    cands = [row("a", None, 0.8, 1), row("b", None, 0.8, 2), row("c", None, 0.8, 3)]
    teams = teams_for_tender(t, cands, enterprises, Settings())
    assert set(teams[0].members) == {"a", "b"}
    assert any("already work together in Brum Build" in r for r in teams[0].reasons)
    assert len({frozenset(tm.members) for tm in teams}) == len(teams) == 3
    assert [tm.alternative for tm in teams] == [0, 1, 2]
    assert teams[0].score >= teams[1].score >= teams[2].score


def test_form_teams_skips_excluded_and_keeps_notices_without_candidates():
    enterprises = {"a": ent("a", 9e6)}
    t1 = Tender(tender_id="t1", title="One", value=money(1000))
    t2 = Tender(tender_id="t2", title="Two", value=money(1000))
    t3 = Tender(tender_id="t3", title="Old", value=money(1000))
    result = ScanResult(
        scanned_at=datetime(2026, 11, 24),
        tenders=[t1, t2, t3],
        enterprises=enterprises,
        candidates=[row("a", None, 0.9, 1, tender="t1")],
        excluded={"t3": "past deadline"},
    )
    teams = form_teams(result, Settings())
    assert [(t.tender_id, t.feasible) for t in teams] == [("t1", True), ("t2", False)]
    assert teams[0].members == ("a",) and teams[0].reasons[0] == "Enterprise A covers every requirement alone"


def test_capacity_shortfall_sentence():
    enterprises = {"a": ent("a", 500_000), "b": ent("b", 320_000)}
    t = Tender(tender_id="ocds-t1", title="Repairs", cpv_codes=("45261000", "55520000"), value=money(600_000))
    cands = [row("a", None, 0.9, 1, failed=["capacity"]), row("b", None, 0.9, 2, failed=["capacity"])]
    (team,) = teams_for_tender(t, cands, enterprises, Settings())
    assert team.gaps == [
        "combined turnover £380k short of £1.2M: the 2 largest eligible candidates together turn over £820k "
        "(2 x the annual value (the notice value (contract length not stated: counted as one year)))"
    ]


def test_gbp_formatting():
    assert [gbp(x) for x in (None, 950, 1500, 38_000, 380_000, 999_999, 1_200_000, 12_400_000)] == [
        "not stated",
        "£950",
        "£1.5k",
        "£38k",
        "£380k",
        "£1M",
        "£1.2M",
        "£12M",
    ]


def test_repeated_lot_ids_stay_separate_requirements():
    t = lots_tender(lots=(Lot(id="1", title="Roofing"), Lot(id="1", title="Roofing again")))
    assert [r.id for r in requirements_for(t, Settings()) if r.is_work] == ["lot:1", "lot:1#2"]


def test_unknown_turnovers_are_unverified_not_zero():
    """Issue 11: a directory with no turnovers (every real one) still forms teams for a valued notice;
    capacity is said to be unverified, with the turnover to check, never counted as £0."""
    enterprises = {e: ent(e, None) for e in ("a", "b", "c")}
    cands = [row("a", "1", 0.8, 1), row("b", "2", 0.7, 1), row("c", "3", 0.6, 1)]
    teams = teams_for_tender(lots_tender(), cands, enterprises, Settings())
    best = teams[0]
    assert best.feasible and set(best.members) == {"a", "b", "c"}
    assert any(r.startswith("capacity unverified:") and "no turnover on record" in r for r in best.risks)
    assert not any("£0" in r for r in best.risks + best.reasons)
    # recorded turnovers keep the check: when every member's turnover is known it is met or short, never unverified
    known = {e: ent(e, 1.0) for e in ("a", "b", "c")}
    assert all(
        "capacity unverified" not in r
        for t in teams_for_tender(lots_tender(), cands, known, Settings())
        for r in t.risks
    )
