"""What a notice asks for, and how well each candidate can supply each part of it.

A notice's *work requirements* are its lots; a notice without lots that asks for two or more distinct
services (``reference.services.notice_services``: the service families of its CPV codes and of the
words of its title and opening, e.g. "cleaning, grounds maintenance and catering") has one
requirement per service; otherwise one per CPV group (3-digit prefix) it names, or one for the whole
notice when it names none. Two *constraints*
apply to the whole team: capacity (combined turnover at least ``rules.capacity_turnover_factor`` x
the annualised value) and location (every member within ``scan.radius_km``, unless every code of the
notice falls under a prefix in ``consortium.location_exempt_cpv``).

Fit of an enterprise for a requirement (``assess``):

* a lot: the fit of that lot's candidate row, else of the whole-notice row;
* a CPV group, when the notice names two or more groups: the whole-notice row's fit x a factor for
  how well the enterprise's own CPV codes agree with the group's codes: 1.0 at group level or deeper,
  ``consortium.division_match_factor`` (0.8) at division level, ``consortium.no_cpv_match_factor``
  (0.5) otherwise or when the enterprise lists no codes;
* a service: when the enterprise shows it supplies that service (a declared CPV code in the family,
  or a code inferred from its SIC codes or description, named as the member's evidence), the
  whole-notice row's score with its CPV part measured against the service's codes (``service_fit``);
  else the whole-notice fit x ``consortium.no_cpv_match_factor`` ("no sign of catering in its
  CPV codes, SIC codes or description");
* a single CPV group, or the whole notice: the whole-notice row's fit, unchanged.

An enterprise covers a requirement when that fit is at least ``consortium.min_fit`` and the row it
came from fails no hard rule other than "capacity" (capacity is the team's job).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from procure_match.domain import Candidate, Enterprise, Tender
from procure_match.reference.cpv import CpvVocabulary, agreement, default_vocabulary, group_of
from procure_match.reference.services import BY_KEY, families_for_cpv, notice_services
from procure_match.scoring.delivery import REMOTE, delivery_mode, delivery_place
from procure_match.scoring.learned import FIT_PART_PREFIX
from procure_match.scoring.rank import combine, weights_from
from procure_match.scoring.rules import CPV, DISTANCE, SEMANTIC, SME_BONUS, VCSE_BONUS, cpv_part
from procure_match.settings import Settings

WORK_KINDS = ("lot", "service", "cpv group", "notice")
TEAM_RULES = frozenset({"capacity"})  # hard rules a member may fail: the team meets them together
RULE_WORDS = {  # hard-rule names (as in Candidate.failed_rules) in plain words
    "certifications": "certification",
    "certification": "certification",
    "reserved_participation": "the reservation for VCSEs and mutuals",
    "radius": "the distance limit",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    id: str  # "lot:<lot id>", "service:<family>", "cpv:<group>", "notice", "capacity", "location"
    kind: str  # "lot" | "service" | "cpv group" | "notice" | "capacity" | "location"
    label: str  # plain words: "Lot 3: scaffolding hire", "combined turnover of at least £1.2M"
    lot_id: str | None = None
    cpv_codes: tuple[str, ...] = ()
    value_gbp: float | None = None
    turnover_needed: float | None = None  # capacity: None = value unknown, not checked
    radius_km: float | None = None  # location: None = location does not matter for this notice
    note: str = ""  # how the figure was worked out, or (a service) where the notice asks for it
    service: str | None = None  # a service requirement's family key (reference.services)

    @property
    def is_work(self) -> bool:
        return self.kind in WORK_KINDS


def notice_value_gbp(tender: Tender) -> tuple[float | None, str]:
    """The notice's value in GBP and where it came from; lot values are summed when the notice has none."""
    if tender.value.amount_gbp is not None:
        return tender.value.amount_gbp, "the notice value"
    lot_values = [lot.value.amount_gbp for lot in tender.lots if lot.value.amount_gbp is not None]
    if lot_values:
        missing = len(tender.lots) - len(lot_values)
        note = "the sum of the lot values" + (f" ({missing} lot(s) without a value left out)" if missing else "")
        return sum(lot_values), note
    return None, "not stated"


def annualised_value(tender: Tender) -> tuple[float | None, str]:
    """Value per year: value / contract years when the period is known (at least one year), else the value."""
    value, source = notice_value_gbp(tender)
    if value is None:
        return None, "the contract value is not stated"
    years = tender.contract_years
    if years is not None and years >= 1:
        return value / years, f"{source} over {years:.1f} contract years"
    if years is not None:
        return value, f"{source} (contract shorter than a year: counted as one year)"
    return value, f"{source} (contract length not stated: counted as one year)"


def _lot_label(lot_id: str, title: str | None, description: str | None) -> str:
    name = lot_id if lot_id.lower().startswith("lot") else f"Lot {lot_id}"
    words = (title or description or "").strip()
    if len(words) > 80:
        words = words[:77].rstrip() + "..."
    return f"{name}: {words}" if words and words.lower() != name.lower() else name


def location_exempt(tender: Tender, settings: Settings) -> bool:
    """True when location does not matter for the notice (``location_exempt_reason``)."""
    return location_exempt_reason(tender, settings) is not None


def location_exempt_reason(tender: Tender, settings: Settings) -> str | None:
    """Why location does not matter, or None: every CPV code under a ``consortium.location_exempt_cpv``
    prefix, remote-capable work or work delivered outside the UK (``scoring/delivery.py``)."""
    prefixes = settings.consortium.location_exempt_cpv
    codes = tender.cpv_codes or ((tender.main_cpv,) if tender.main_cpv else ())
    if codes and prefixes and all(any(c.startswith(p) for p in prefixes) for c in codes):
        return "every code is under consortium.location_exempt_cpv"
    mode = delivery_mode(codes, tender.title, tender.description)
    if mode.mode == REMOTE:
        return mode.reason
    place = delivery_place(
        tender.locations, buyer_name=tender.buyer_name, title=tender.title, description=tender.description
    )
    return f"delivered outside the UK: {place.overseas}" if place.overseas else None


def _lot_requirements(tender: Tender) -> list[Requirement]:
    out: list[Requirement] = []
    seen: dict[str, int] = {}
    for lot in tender.lots:
        seen[lot.id] = seen.get(lot.id, 0) + 1  # a repeated lot id stays a separate requirement
        out.append(
            Requirement(
                id=f"lot:{lot.id}" if seen[lot.id] == 1 else f"lot:{lot.id}#{seen[lot.id]}",
                kind="lot",
                label=_lot_label(lot.id, lot.title, lot.description),
                lot_id=lot.id,
                cpv_codes=lot.cpv_codes,
                value_gbp=lot.value.amount_gbp,
            )
        )
    return out


def _service_requirements(tender: Tender, codes: tuple[str, ...]) -> list[Requirement]:
    """One requirement per distinct service the notice asks for, when it asks for two or more."""
    services = notice_services(codes, tender.title, tender.description)
    if len(services) < 2:
        return []
    out = []
    for ev in services:
        family = ev.family
        own = tuple(c for c in codes if family in families_for_cpv(c))
        out.append(
            Requirement(
                id=f"service:{family.key}",
                kind="service",
                label=f"{family.label} (from {ev.source})",
                cpv_codes=own or family.cpv,
                note=ev.source,
                service=family.key,
            )
        )
    return out


def _cpv_group_requirements(tender: Tender, codes: tuple[str, ...], vocab: CpvVocabulary) -> list[Requirement]:
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(group_of(code), []).append(code)
    out = []
    for group, members in groups.items():
        desc = vocab.describe(group.ljust(8, "0")) or "work"
        out.append(
            Requirement(
                id=f"cpv:{group}",
                kind="cpv group",
                label=f"{desc} (CPV group {group})",
                cpv_codes=tuple(members),
                value_gbp=tender.value.amount_gbp if len(groups) == 1 else None,
            )
        )
    if not groups:
        title = tender.title.strip() or "the whole notice"
        out.append(Requirement(id="notice", kind="notice", label=title, value_gbp=tender.value.amount_gbp))
    return out


def _capacity_requirement(tender: Tender, settings: Settings) -> Requirement:
    annual, how = annualised_value(tender)
    factor = settings.rules.capacity_turnover_factor
    needed = factor * annual if annual is not None else None
    return Requirement(
        id="capacity",
        kind="capacity",
        label="combined turnover (not checked: value not stated)" if needed is None else "combined turnover",
        turnover_needed=needed,
        value_gbp=annual,
        note=how if needed is None else f"{factor:g} x the annual value ({how})",
    )


def _location_requirement(tender: Tender, settings: Settings) -> Requirement:
    exempt = location_exempt_reason(tender, settings)
    return Requirement(
        id="location",
        kind="location",
        label="location does not matter for this work"
        if exempt
        else f"every member within {settings.scan.radius_km:g} km",
        radius_km=None if exempt else settings.scan.radius_km,
        note=exempt or "scan.radius_km",
    )


def requirements_for(tender: Tender, settings: Settings, cpv: CpvVocabulary | None = None) -> list[Requirement]:
    """Work requirements (lots, services, CPV groups or the whole notice), then capacity, then location."""
    codes = tender.cpv_codes or ((tender.main_cpv,) if tender.main_cpv else ())
    if tender.lots:
        work = _lot_requirements(tender)
    else:
        work = _service_requirements(tender, codes) or _cpv_group_requirements(
            tender, codes, cpv or default_vocabulary()
        )
    return [*work, _capacity_requirement(tender, settings), _location_requirement(tender, settings)]


@dataclass(slots=True, kw_only=True)
class Cell:
    """One enterprise against one work requirement."""

    fit: float | None  # None = no candidate row for it
    covers: bool
    row: Candidate | None
    why_not: str = ""  # when it does not cover: "fails certification", "fit 0.21 is below 0.35", ...
    failed_rules: tuple[str, ...] = ()
    evidence: str = ""  # a service: why the enterprise supplies it ("SIC 81210", "CPV 90910000")


@dataclass(slots=True, kw_only=True)
class Contender:
    """One ranked enterprise and how it stands against every requirement of the notice."""

    enterprise: Enterprise
    rank: int  # best rank over its rows for this notice
    cells: list[Cell]  # one per work requirement, same order
    distance_km: float | None  # None = unknown
    admissible: bool  # may be a member: within the radius (or unknown/exempt) and passes some row's hard rules
    why_not: str = ""
    rows: list[Candidate] = field(default_factory=list)

    @property
    def turnover(self) -> float | None:
        return self.enterprise.turnover  # None = not recorded, never £0


def cpv_factor(enterprise: Enterprise, codes: tuple[str, ...], settings: Settings) -> float:
    """1.0 when the enterprise's codes agree with ``codes`` at group level or deeper, less otherwise."""
    depth = max((agreement(e, c)[0] for e in enterprise.cpv_codes for c in codes), default=0)
    if depth >= 3:
        return 1.0
    if depth == 2:
        return settings.consortium.division_match_factor
    return settings.consortium.no_cpv_match_factor


def _distance(rows: list[Candidate]) -> float | None:
    whole = [r.parts.get("distance_km") for r in rows if r.lot_id is None]
    known = [d for d in whole if d is not None] or [
        d for d in (r.parts.get("distance_km") for r in rows) if d is not None
    ]
    return min(known) if known else None


def service_evidence(enterprise: Enterprise, family_key: str) -> str | None:
    """Why the enterprise supplies a service family: a declared CPV code in it, else an inferred one's source."""
    family = BY_KEY[family_key]
    for code in enterprise.cpv_codes:
        if family in families_for_cpv(code):
            return f"CPV {code}"
    for code, source in zip(enterprise.cpv_inferred, enterprise.cpv_inferred_from, strict=False):
        if code in family.cpv:
            return source
    return None


def service_fit(row: Candidate, ent: Enterprise, codes: tuple[str, ...], settings: Settings) -> float:
    """The row's score with its CPV part measured against one service's codes instead of the whole
    notice's: the same text similarity, distance and adjustments, so a specialist in one part of a
    many-part notice is not marked down for the parts it does not do.

    A row ranked by the learned fit keeps its fit: the model already weighed the text against the notice,
    and a hand-weighted score is not on the same scale."""
    if any(name.startswith(FIT_PART_PREFIX) for name in row.parts):
        return row.fit
    cpv = cpv_part(codes, ent.cpv_codes, ent.cpv_inferred, ent.cpv_inferred_from, settings.scan.inferred_cpv_factor)
    weights = weights_from(settings.scan)
    weights[CPV] = weights.get(CPV, 0.0) * cpv.weight_factor
    features = {SEMANTIC: row.parts.get(SEMANTIC), CPV: cpv.value, DISTANCE: row.parts.get(DISTANCE)}
    adjustment = sum(row.parts.get(name) or 0.0 for name in (VCSE_BONUS, SME_BONUS))
    return combine(features, weights, adjustment)


def _cell(req: Requirement, rows: list[Candidate], ent: Enterprise, multi_group: bool, settings: Settings) -> Cell:
    """How one enterprise stands against one work requirement."""
    whole = next((r for r in rows if r.lot_id is None), None)
    row = next((r for r in rows if r.lot_id == req.lot_id), None) if req.kind == "lot" else None
    row = row or whole
    if row is None:
        return Cell(fit=None, covers=False, row=None, why_not="not scored for this part")
    fit = row.fit
    evidence = ""
    if req.kind == "cpv group" and multi_group:
        fit *= cpv_factor(ent, req.cpv_codes, settings)
    unsure = ""
    if req.kind == "service" and req.service:
        evidence = service_evidence(ent, req.service) or ""
        if evidence:
            fit = service_fit(row, ent, req.cpv_codes, settings)
        else:
            fit *= settings.consortium.no_cpv_match_factor
            unsure = f" (no sign of {BY_KEY[req.service].label} in its CPV codes, SIC codes or description)"
    fit = min(1.0, max(0.0, fit))
    failed = tuple(f for f in row.failed_rules if f not in TEAM_RULES)
    if failed:
        why = "fails " + ", ".join(RULE_WORDS.get(f, f) for f in failed)
    elif fit < settings.consortium.min_fit:
        why = f"fit {fit:.2f} is below {settings.consortium.min_fit:.2f}{unsure}"
    else:
        why = ""
    return Cell(fit=fit, covers=not why, row=row, why_not=why, failed_rules=failed, evidence=evidence)


def _admissible(rows: list[Candidate], distance: float | None, radius: float | None) -> tuple[bool, str]:
    """May the enterprise be a member: within the radius (or unknown/exempt) and passing some row's hard rules."""
    if radius is not None and distance is not None and distance > radius:
        return False, f"{distance:.0f} km away (limit {radius:g} km)"
    if not any(not set(r.failed_rules) - TEAM_RULES for r in rows):
        failed = sorted({f for r in rows for f in r.failed_rules} - TEAM_RULES)
        return False, "fails " + ", ".join(RULE_WORDS.get(f, f) for f in failed)
    return True, ""


def assess(
    tender: Tender,
    requirements: list[Requirement],
    candidates: list[Candidate],
    enterprises: dict[str, Enterprise],
    settings: Settings,
) -> list[Contender]:
    """The top ``consortium.candidates`` enterprises for the notice, best rank first, with every cell filled."""
    by_enterprise: dict[str, list[Candidate]] = {}
    for row in candidates:
        if row.tender_id == tender.tender_id and row.enterprise_id in enterprises:
            by_enterprise.setdefault(row.enterprise_id, []).append(row)
    ranked = sorted(
        by_enterprise.items(),
        key=lambda kv: (min(r.rank for r in kv[1]), -max(r.score for r in kv[1]), kv[0]),
    )[: settings.consortium.candidates]
    work = [r for r in requirements if r.is_work]
    location = next((r for r in requirements if r.kind == "location"), None)
    radius = location.radius_km if location else None
    multi_group = sum(1 for r in work if r.kind == "cpv group") > 1
    out = []
    for eid, rows in ranked:
        ent = enterprises[eid]
        distance = _distance(rows)
        admissible, why = _admissible(rows, distance, radius)
        out.append(
            Contender(
                enterprise=ent,
                rank=min(r.rank for r in rows),
                cells=[_cell(req, rows, ent, multi_group, settings) for req in work],
                distance_km=distance,
                admissible=admissible,
                why_not=why,
                rows=rows,
            )
        )
    return out
