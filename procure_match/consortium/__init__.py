"""Consortium teams: for each notice, the best teams of enterprises that can bid together.

``teams_for_tender`` works out the notice's requirements (``requirements.py``), how each ranked
candidate stands against them, finds the best teams exactly (``optimise.py``) and explains them, or
explains exactly what is missing when no team is possible (``explain.py``). A single enterprise that
covers everything is a team of one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from procure_match.consortium.explain import gaps_for, gbp
from procure_match.consortium.optimise import Instance, Solution, best_teams
from procure_match.consortium.requirements import (
    Contender,
    Requirement,
    assess,
    location_exempt,
    requirements_for,
)
from procure_match.domain import Candidate, Enterprise, ScanResult, Tender
from procure_match.reference.cpv import CpvVocabulary
from procure_match.settings import ConsortiumSettings, Settings

__all__ = [
    "Requirement",
    "Team",
    "TeamMember",
    "form_teams",
    "requirements_for",
    "teams_for_tender",
]


@dataclass(slots=True, kw_only=True)
class TeamMember:
    enterprise_id: str
    name: str
    role: str  # "lead" | "partner" | "capacity partner"
    covers: list[str]  # requirement ids assigned to this member
    fits: dict[str, float]  # requirement id -> fit, for every requirement it could cover
    turnover: float | None  # None = not recorded (capacity then "unverified", never counted as £0)
    distance_km: float | None
    rank: int
    shared_consortia: list[str] = field(default_factory=list)  # consortia shared with another member
    rows: list[Candidate] = field(default_factory=list)  # its candidate rows for this notice (evidence)
    evidence: dict[str, str] = field(default_factory=dict)  # service requirement id -> why it supplies it
    shares: list[str] = field(default_factory=list)  # a capacity partner: the requirements it can cover (shares)
    size_source: str = ""  # where its turnover came from when not the directory (enrichment file and year)


@dataclass(slots=True, kw_only=True)
class Team:
    """A proposed team for one notice, or (with no members) the gaps that stop every team."""

    tender_id: str
    alternative: int  # 0 = best
    requirements: list[Requirement]
    members: tuple[str, ...] = ()  # enterprise ids, lead first
    lead: str | None = None
    assignment: dict[str, str] = field(default_factory=dict)  # work requirement id -> enterprise id
    member_details: list[TeamMember] = field(default_factory=list)
    combined_turnover: float = 0.0  # the recorded turnovers added up
    turnover_needed: float | None = None
    capacity: str = "not checked"  # "met" | "unverified" (a member's turnover is not recorded) | "not checked"
    score: float = 0.0  # the objective: fits - penalties + bonuses
    fit_total: float = 0.0
    penalty: float = 0.0
    bonus: float = 0.0
    reasons: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return bool(self.members) and not self.gaps

    @property
    def work(self) -> list[Requirement]:
        return [r for r in self.requirements if r.is_work]

    def member(self, enterprise_id: str) -> TeamMember:
        return next(m for m in self.member_details if m.enterprise_id == enterprise_id)


def team_instance(contenders: list[Contender], requirements: list[Requirement], settings: Settings) -> Instance:
    cfg = settings.consortium
    capacity = next(r for r in requirements if r.kind == "capacity")
    consortia = [set(c.enterprise.consortia) for c in contenders]
    shared = frozenset(
        (i, j) for i, a in enumerate(consortia) if a for j in range(i + 1, len(consortia)) if a & consortia[j]
    )
    return Instance(
        fits=tuple(tuple(cell.fit if cell.covers else None for cell in c.cells) for c in contenders),
        turnover=tuple(c.turnover for c in contenders),
        needed_turnover=capacity.turnover_needed,
        shared=shared,
        max_members=cfg.max_members,
        member_penalty=cfg.member_penalty,
        shared_bonus=cfg.shared_consortium_bonus,
    )


def _lead(sol: Solution, pool: list[Contender], work: list[Requirement]) -> int:
    """The member leading the bid: among those assigned a requirement and able to cover the largest one (by
    value, else the first), the largest recorded turnover; a lead always covers a requirement."""
    values = [r.value_gbp if r.value_gbp is not None else -1.0 for r in work]
    largest = max(range(len(work)), key=lambda i: (values[i], -i))
    assigned = set(sol.assignment)
    covering = [m for m in sol.members if m in assigned and pool[m].cells[largest].covers] or [sol.assignment[largest]]

    def key(m: int) -> tuple[float, bool, int]:
        own = pool[m].turnover
        return (own if own is not None else -1.0, m == sol.assignment[largest], -pool[m].rank)

    return max(covering, key=key)


def _ordered_members(sol: Solution, pool: list[Contender], lead: int, n_work: int) -> list[int]:
    first_task = {m: sol.assignment.index(m) if m in sol.assignment else n_work for m in sol.members}
    return [lead, *sorted((m for m in sol.members if m != lead), key=lambda m: (first_task[m], pool[m].rank))]


def _member_details(
    sol: Solution, pool: list[Contender], ordered: list[int], work: list[Requirement]
) -> list[TeamMember]:
    details = []
    for m in ordered:
        c = pool[m]
        covers = [work[i].id for i, a in enumerate(sol.assignment) if a == m]
        others = {x for o in ordered if o != m for x in pool[o].enterprise.consortia}
        details.append(
            TeamMember(
                enterprise_id=c.enterprise.id,
                name=c.enterprise.name,
                role="lead" if m == ordered[0] else ("partner" if covers else "capacity partner"),
                covers=covers,
                fits={work[i].id: round(cell.fit, 4) for i, cell in enumerate(c.cells) if cell.covers and cell.fit},
                turnover=c.enterprise.turnover,
                distance_km=c.distance_km,
                rank=c.rank,
                shared_consortia=sorted(set(c.enterprise.consortia) & others),
                rows=c.rows,
                evidence={work[i].id: c.cells[i].evidence for i in range(len(work)) if c.cells[i].evidence},
                shares=[] if covers else [work[i].id for i, cell in enumerate(c.cells) if cell.covers],
                size_source=c.enterprise.size_source,
            )
        )
    return details


def _team_reasons(
    sol: Solution, pool: list[Contender], ordered: list[int], reqs: list[Requirement], cfg: ConsortiumSettings
) -> list[str]:
    work = [r for r in reqs if r.is_work]
    capacity = next(r for r in reqs if r.kind == "capacity")
    reasons = []
    if len(ordered) == 1:
        reasons.append(f"{pool[ordered[0]].enterprise.name} covers every requirement alone")
    else:
        reasons.append(
            f"{len(ordered)} members cover all {len(work)} requirement(s), each with fit at least {cfg.min_fit:.2f}"
        )
    if sol.capacity == "met":
        reasons.append(
            f"combined turnover {gbp(sol.turnover)} meets the {gbp(capacity.turnover_needed)} needed ({capacity.note})"
        )
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            common = sorted(set(pool[a].enterprise.consortia) & set(pool[b].enterprise.consortia))
            if common:
                pair = f"{pool[a].enterprise.name} and {pool[b].enterprise.name}"
                reasons.append(f"{pair} already work together in {', '.join(common)}")
    pairs = round(sol.bonus / cfg.shared_consortium_bonus) if cfg.shared_consortium_bonus else 0
    reasons.append(
        f"score {sol.value:.3f} = sum of fits {sol.fit_total:.3f} - {len(ordered)} member(s) x {cfg.member_penalty:g}"
        f" + {pairs} shared-consortium pair(s) x {cfg.shared_consortium_bonus:g}"
    )
    return reasons


def _team_risks(
    tender: Tender,
    sol: Solution,
    pool: list[Contender],
    ordered: list[int],
    reqs: list[Requirement],
    settings: Settings,
) -> list[str]:
    capacity = next(r for r in reqs if r.kind == "capacity")
    risks = []
    if capacity.turnover_needed is None:
        risks.append(f"capacity not checked: {capacity.note}")
    elif sol.capacity == "unverified":
        unknown = [pool[m].enterprise.name for m in ordered if pool[m].turnover is None]
        recorded = f"recorded {gbp(sol.turnover)} so far, " if len(unknown) < len(ordered) else ""
        risks.append(
            f"capacity unverified: {gbp(capacity.turnover_needed)} combined turnover needed ({capacity.note}); "
            f"{recorded}no turnover on record for {', '.join(unknown)}: check their accounts"
        )
    exempt = location_exempt(tender, settings)
    for m in ordered:
        c = pool[m]
        if c.distance_km is None and not exempt:
            risks.append(f"distance from {c.enterprise.name} to the work is unknown: check it can deliver on site")
    small = [pool[m].enterprise.name for m in ordered if any("capacity" in r.failed_rules for r in pool[m].rows)]
    if small and len(ordered) > 1:
        who = "no member could" if len(small) == len(ordered) else ", ".join(small) + " could not"
        risks.append(f"{who} carry the contract alone (capacity): the bid relies on the team's combined capacity")
    return risks


def _build_team(
    tender: Tender, alternative: int, sol: Solution, pool: list[Contender], reqs: list[Requirement], settings: Settings
) -> Team:
    work = [r for r in reqs if r.is_work]
    capacity = next(r for r in reqs if r.kind == "capacity")
    lead = _lead(sol, pool, work)
    ordered = _ordered_members(sol, pool, lead, len(work))
    return Team(
        tender_id=tender.tender_id,
        alternative=alternative,
        requirements=reqs,
        members=tuple(pool[m].enterprise.id for m in ordered),
        lead=pool[lead].enterprise.id,
        assignment={work[i].id: pool[a].enterprise.id for i, a in enumerate(sol.assignment)},
        member_details=_member_details(sol, pool, ordered, work),
        combined_turnover=sol.turnover,
        turnover_needed=capacity.turnover_needed,
        capacity=sol.capacity,
        score=round(sol.value, 4),
        fit_total=round(sol.fit_total, 4),
        penalty=round(sol.penalty, 4),
        bonus=round(sol.bonus, 4),
        reasons=_team_reasons(sol, pool, ordered, reqs, settings.consortium),
        risks=_team_risks(tender, sol, pool, ordered, reqs, settings),
    )


def teams_for_tender(
    tender: Tender,
    candidates: list[Candidate],
    enterprises: dict[str, Enterprise],
    settings: Settings,
    cpv: CpvVocabulary | None = None,
) -> list[Team]:
    """Up to ``consortium.alternatives`` teams for one notice, best first; one team with gaps when none is possible."""
    reqs = requirements_for(tender, settings, cpv)
    contenders = assess(tender, reqs, candidates, enterprises, settings)
    pool = [c for c in contenders if c.admissible]
    instance = team_instance(pool, reqs, settings)
    solutions = best_teams(instance, settings.consortium.alternatives) if pool else []
    if not solutions:
        codes = tender.cpv_codes or ((tender.main_cpv,) if tender.main_cpv else ())
        gaps = gaps_for(reqs, contenders, settings, instance if pool else None, codes)
        capacity = next(r for r in reqs if r.kind == "capacity")
        return [
            Team(
                tender_id=tender.tender_id,
                alternative=0,
                requirements=reqs,
                turnover_needed=capacity.turnover_needed,
                gaps=gaps or ["no valid team found"],
            )
        ]
    return [_build_team(tender, i, sol, pool, reqs, settings) for i, sol in enumerate(solutions)]


def team_settings(result: ScanResult, settings: Settings) -> Settings:
    """The settings teams are formed with: in a scan ranked by the learned fit, a member covers a requirement
    when its fit reaches ``consortium.learned_min_fit`` (and never below the scan's floor): fits are
    probabilities, not hand scores, and a brief is a stronger promise than a listed match."""
    if result.ranker != "learned" or result.min_fit is None:
        return settings
    cover = max(result.min_fit, settings.consortium.learned_min_fit)
    return replace(settings, consortium=replace(settings.consortium, min_fit=cover))


def form_teams(result: ScanResult, settings: Settings, cpv: CpvVocabulary | None = None) -> list[Team]:
    """Teams for every scanned notice (in scan order), alternatives best first."""
    settings = team_settings(result, settings)
    by_tender: dict[str, list[Candidate]] = defaultdict(list)
    for row in result.candidates:
        by_tender[row.tender_id].append(row)
    out: list[Team] = []
    for tender in result.tenders:
        if tender.tender_id in result.excluded:
            continue
        out.extend(teams_for_tender(tender, by_tender.get(tender.tender_id, []), result.enterprises, settings, cpv))
    return out
