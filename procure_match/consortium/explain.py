"""Teams and their gaps in words: why a team was chosen, what risks remain, what is missing.

Every sentence names the requirement, the figure and the limit it was compared with, so a reader
can check it ("combined turnover £380k short of £1.2M", "no candidate within 25 km covers Lot 3:
scaffolding hire (nearest: Brick Co-op, 31 km)").
"""

from __future__ import annotations

from procure_match.consortium.optimise import Instance, best_teams
from procure_match.consortium.requirements import RULE_WORDS, Contender, Requirement
from procure_match.settings import Settings

CERTIFICATION_RULES = ("certification", "certifications")


def rule_words(name: str) -> str:
    return RULE_WORDS.get(name, name.replace("_", " "))


def gbp(amount: float | None) -> str:
    """Short GBP: £950, £38k, £380k, £1.2M, £12M; "not stated" for None."""
    if amount is None:
        return "not stated"
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if a >= 999_500:
        m = a / 1_000_000
        text = f"{m:.1f}".rstrip("0").rstrip(".") if m < 10 else f"{m:.0f}"
        return f"{sign}£{text}M"
    if a >= 10_000:
        return f"{sign}£{a / 1000:.0f}k"
    if a >= 1000:
        return f"{sign}£{a / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{sign}£{a:.0f}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def certifications_needed(req: Requirement, settings: Settings, notice_codes: tuple[str, ...] = ()) -> list[str]:
    """Certifications the rules ask for this requirement's CPV codes (longest matching prefix per code)."""
    codes = req.cpv_codes or notice_codes
    needed: list[str] = []
    for code in codes:
        prefixes = [p for p in settings.rules.certifications if code.startswith(p)]
        if prefixes:
            for cert in settings.rules.certifications[max(prefixes, key=len)]:
                if cert not in needed:
                    needed.append(cert)
    return needed


def _requirement_gap(
    index: int, req: Requirement, contenders: list[Contender], settings: Settings, notice_codes: tuple[str, ...]
) -> str | None:
    min_fit = settings.consortium.min_fit
    if any(c.admissible and c.cells[index].covers for c in contenders):
        return None
    scored = [c for c in contenders if c.cells[index].fit is not None]
    if not scored:
        return f"no candidate was scored for {req.label}"
    fitting = [c for c in scored if (c.cells[index].fit or 0.0) >= min_fit]
    if not fitting:
        top = max(scored, key=lambda c: c.cells[index].fit or 0.0)
        return (
            f"no candidate fits {req.label} well enough: best fit {top.cells[index].fit:.2f} "
            f"({top.enterprise.name}), {min_fit:.2f} needed"
        )
    passing = [c for c in fitting if not c.cells[index].failed_rules]
    if not passing:
        counts: dict[str, int] = {}
        for c in fitting:
            for rule in c.cells[index].failed_rules:
                counts[rule] = counts.get(rule, 0) + 1
        rule = max(counts, key=lambda r: (counts[r], r))
        every = "every candidate" if counts[rule] == len(fitting) else f"{counts[rule]} of {len(fitting)} candidates"
        text = f"{every} for '{req.label}' fails {rule_words(rule)}"
        if rule in CERTIFICATION_RULES:
            needs = certifications_needed(req, settings, notice_codes)
            if needs:
                text += f": needs {_join(needs)}"
        return text
    radius = settings.scan.radius_km
    far = [c for c in passing if c.distance_km is not None and c.distance_km > radius]
    if far and len(far) == len(passing):
        nearest = min(far, key=lambda c: c.distance_km or 0.0)
        return (
            f"no candidate within {radius:g} km covers {req.label} "
            f"(nearest: {nearest.enterprise.name}, {nearest.distance_km:.0f} km)"
        )
    first = next(c for c in passing if not c.admissible)
    return f"no eligible candidate covers {req.label}: {first.enterprise.name} {first.why_not}"


def gaps_for(
    requirements: list[Requirement],
    contenders: list[Contender],
    settings: Settings,
    instance: Instance | None = None,
    notice_codes: tuple[str, ...] = (),
) -> list[str]:
    """Exactly what stops every team for a notice; [] only when a team is possible."""
    if not contenders:
        return ["no enterprise in the directory matched this notice"]
    work = [r for r in requirements if r.is_work]
    gaps = [g for i, r in enumerate(work) if (g := _requirement_gap(i, r, contenders, settings, notice_codes))]
    k = settings.consortium.max_members
    capacity = next((r for r in requirements if r.kind == "capacity"), None)
    needed = capacity.turnover_needed if capacity else None
    admissible = [c for c in contenders if c.admissible]
    if needed is not None and all(c.turnover is not None for c in admissible):  # unknown turnover: unverified
        pool = sorted(admissible, key=lambda c: -(c.turnover or 0.0))[:k]
        have = sum(c.turnover or 0.0 for c in pool)
        if pool and have < needed:
            who = (
                f"the only eligible candidate, {pool[0].enterprise.name}, turns over {gbp(have)}"
                if len(pool) == 1
                else f"the {len(pool)} largest eligible candidates together turn over {gbp(have)}"
            )
            gaps.append(f"combined turnover {gbp(needed - have)} short of {gbp(needed)}: {who} ({capacity.note})")
    if gaps or instance is None:
        return gaps
    uncapped = Instance(
        fits=instance.fits,
        turnover=instance.turnover,
        needed_turnover=None,
        shared=instance.shared,
        max_members=instance.max_members,
        member_penalty=instance.member_penalty,
        shared_bonus=instance.shared_bonus,
    )
    if not best_teams(uncapped, 1):
        return [f"no team of up to {k} members covers all {len(work)} requirements"]
    return [f"no team of up to {k} members covers every requirement and reaches {gbp(needed)} combined turnover"]
