"""Features and rules for one (notice or lot, enterprise) pair: small pure functions.

Each function returns a ``RuleOutcome``: its ``value`` (None = unknown), whether it ``passed``
(True / False / None for unknown or not applicable), its ``kind`` and one plain-English sentence.

* ``feature``: a number that feeds the score (semantic similarity, CPV agreement, distance).
* ``hard``: a failure makes the candidate ineligible (capacity, certifications, reserved
  participation, and distance when ``scan.radius_hard`` is set). Unknown never fails.
* ``soft``: adjusts the score (bonuses); ``value`` is the adjustment.

Unknown is never failure: when the enterprise's own input is missing (no certifications, turnover,
legal form or CPV codes recorded) the outcome is ``passed=None`` with ``unverified=True`` and a
sentence saying what to check; the candidate keeps its status and lists the check as unverified.
Only recorded evidence fails a rule (a recorded turnover below the need, a recorded legal form
outside a reserved contract, recorded certifications without a required one, a hard radius).

No function here reads files, the clock or global state: the caller passes ``now``, distances and
settings values in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from procure_match.domain import SOCIAL_LEGAL_FORMS, Money
from procure_match.reference.cpv import agreement, significant

FEATURE = "feature"
HARD = "hard"
SOFT = "soft"

# Rule names (also the keys of failed_rules and, for features, of Candidate.parts).
SEMANTIC = "semantic"
CPV = "cpv"
DISTANCE = "distance"
CAPACITY = "capacity"
CERTIFICATIONS = "certifications"
RESERVED = "reserved_participation"
VCSE_BONUS = "vcse_bonus"
SME_BONUS = "sme_bonus"
RADIUS = "radius"

# Score of CPV agreement at each level: division 0.25, group 0.5, class 0.75, category or deeper 1.0.
CPV_LEVEL_SCORES = {"division": 0.25, "group": 0.5, "class": 0.75, "category": 1.0}
WITHDRAWN_STATUSES = frozenset({"cancelled", "withdrawn", "unsuccessful"})
CLOSED_STAGES = frozenset({"award", "cancelled"})  # Tender.stage values that are no longer opportunities


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    name: str
    kind: str  # "feature" | "hard" | "soft"
    value: float | None
    passed: bool | None
    sentence: str
    unverified: bool = False  # the enterprise's input is missing: the sentence says what to check
    weight_factor: float = 1.0  # a feature: its configured weight is scaled by this (inferred CPV: weaker)


def _money(x: float) -> str:
    return f"£{x:,.0f}"


def semantic_similarity(cosine: float) -> RuleOutcome:
    """The cosine of the notice and enterprise text vectors; the score part is clipped to [0, 1]."""
    part = min(1.0, max(0.0, float(cosine)))
    sentence = f"Text similarity of the notice and the enterprise's description is {cosine:.2f}."
    return RuleOutcome(SEMANTIC, FEATURE, part, None, sentence)


def cpv_agreement(tender_codes: tuple[str, ...], enterprise_codes: tuple[str, ...]) -> RuleOutcome:
    """Best agreement over every (tender code, enterprise code) pair; no codes on a side = unknown.

    Division 0.25, group 0.5, class 0.75, category 1.0 - and 1.0 whenever the enterprise's code is
    the notice's code or lies inside it (a class-level notice code such as 77310000 is fully met by
    the same code): the notice cannot ask for more than its own code says.
    """
    if not tender_codes:
        return RuleOutcome(CPV, FEATURE, None, None, "CPV agreement unknown: the notice has no CPV codes.")
    if not enterprise_codes:
        sentence = (
            "CPV agreement unverified: the enterprise has no CPV codes recorded; check that its work matches "
            f"the notice's {', '.join(tender_codes[:3])}."
        )
        return RuleOutcome(CPV, FEATURE, None, None, sentence, unverified=True)
    best, best_pair, best_level = 0.0, None, None
    for t in tender_codes:
        for e in enterprise_codes:
            depth, level = agreement(t, e)
            score = CPV_LEVEL_SCORES.get(level, 0.0) if level else 0.0
            if level and depth >= len(significant(t)):
                score, level = 1.0, "full"
            if score > best:
                best, best_pair, best_level = score, (t, e), level
    if best_pair is None:
        sentence = f"No CPV code of the enterprise shares a division with the notice's {', '.join(tender_codes)}."
        return RuleOutcome(CPV, FEATURE, 0.0, None, sentence)
    t, e = best_pair
    if best_level == "full":
        return RuleOutcome(CPV, FEATURE, best, None, f"CPV {e} (enterprise) fully meets the notice's {t}.")
    return RuleOutcome(CPV, FEATURE, best, None, f"CPV {t} (notice) and {e} (enterprise) agree at {best_level} level.")


def cpv_part(
    tender_codes: tuple[str, ...],
    declared: tuple[str, ...],
    inferred: tuple[str, ...] = (),
    inferred_from: tuple[str, ...] = (),
    factor: float = 0.6,
) -> RuleOutcome:
    """CPV agreement on the declared codes; with none declared, on the inferred ones, counted with
    ``factor`` x the CPV weight (``scan.inferred_cpv_factor``: a weaker feature), saying where the
    matching code was inferred from."""
    if declared or not inferred or not tender_codes or factor <= 0:
        return cpv_agreement(tender_codes, declared)
    outcome, code, source = max(
        (
            (cpv_agreement(tender_codes, (code,)), code, source)
            for code, source in zip(inferred, inferred_from, strict=True)
        ),
        key=lambda x: (x[0].value or 0.0, -inferred.index(x[1])),
    )
    weaker = f"counted at {factor:g}x the CPV weight (inferred, not declared)"
    if not outcome.value:
        sentence = f"No CPV code inferred for the enterprise shares a division with the notice's codes ({weaker})."
        return RuleOutcome(CPV, FEATURE, 0.0, None, sentence, weight_factor=factor)
    said = outcome.sentence.replace(f"{code} (enterprise)", f"{code} (inferred from {source})").rstrip(".")
    return RuleOutcome(CPV, FEATURE, outcome.value, None, f"{said}; {weaker}.", weight_factor=factor)


def distance_closeness(km: float, radius_km: float) -> float:
    """0.5 ** (km / radius_km): 1 at 0 km, 0.5 at the radius, 0.25 at twice it; smooth and never negative.

    The radius is a soft preference: closeness halves every ``radius_km``, with no cliff at the radius.
    """
    return 0.5 ** (max(0.0, km) / radius_km)


def distance(km: float | None, radius_km: float, target: MatchTarget | None = None) -> RuleOutcome:
    """Distance feature: value is the closeness in [0, 1]; unknown location = unknown, not zero.

    Not scored (value None) when the target says the work is outside the UK, across a wide area,
    or remote-capable (its ``distance_weight`` is 0). A mixed-mode target says the distance counts partly.
    """
    t = target or MatchTarget.plain()
    if t.overseas:
        sentence = f"Distance not scored: delivered outside the UK ({t.overseas})."
        return RuleOutcome(DISTANCE, FEATURE, None, None, sentence)
    if t.distance_weight <= 0:
        evidence = t.delivery_reason.split(": ", 1)[-1]
        sentence = f"Distance not scored: the work can be done remotely ({evidence})."
        return RuleOutcome(DISTANCE, FEATURE, None, None, sentence)
    if t.wide_area:
        return RuleOutcome(
            DISTANCE, FEATURE, None, None, f"Distance not scored: the work covers {t.wide_area}, not one place."
        )
    if km is None:
        return RuleOutcome(
            DISTANCE, FEATURE, None, None, f"Distance unknown: {t.where} or the enterprise's location is not known."
        )
    inside = km <= radius_km
    closeness = distance_closeness(km, radius_km)
    counts = "" if t.distance_weight >= 1 else f"; counts {t.distance_weight:g}× ({t.delivery_reason})"
    sentence = (
        f"{km:.0f} km from {t.where}: closeness {closeness:.2f} (halves every {radius_km:.0f} km, "
        f"{'within' if inside else 'beyond'} the preferred radius){counts}."
    )
    return RuleOutcome(DISTANCE, FEATURE, closeness, inside, sentence)


def radius_rule(km: float | None, radius_km: float, *, stated_by_enterprise: bool = False) -> RuleOutcome:
    """A hard radius: an enterprise beyond ``radius_km`` is ineligible (``scan.radius_hard``, or the
    enterprise's own stated maximum distance when ``stated_by_enterprise``)."""
    whose = "the enterprise's stated" if stated_by_enterprise else "the"
    if km is None:
        sentence = "Radius not checked: the distance is unknown or the work is not on site."
        return RuleOutcome(RADIUS, HARD, None, None, sentence)
    if km <= radius_km:
        return RuleOutcome(RADIUS, HARD, None, True, f"Within {whose} {radius_km:.0f} km radius (hard rule).")
    sentence = f"{km:.0f} km is beyond {whose} {radius_km:.0f} km radius (hard rule)."
    return RuleOutcome(RADIUS, HARD, None, False, sentence)


def hard_radius(target: MatchTarget, max_radius_km: float | None, km: float | None, scan) -> RuleOutcome | None:
    """The hard radius for on-site work: the enterprise's stated maximum, else ``scan.radius_km`` when
    ``scan.radius_hard``; None when no hard radius applies (the radius is then only a soft preference)."""
    if not (max_radius_km or scan.radius_hard):
        return None
    place_bound = target.delivery_mode == "on site" and target.scores_distance
    radius = max_radius_km or scan.radius_km
    return radius_rule(km if place_bound else None, radius, stated_by_enterprise=bool(max_radius_km))


def contract_value_gbp(value: Money) -> float | None:
    """The GBP figure of a contract value; an amount with no currency is taken as GBP."""
    if value.amount_gbp is not None:
        return value.amount_gbp
    if value.amount is not None and value.currency in (None, "GBP"):
        return value.amount
    return None


def capacity(
    value_gbp: float | None,
    contract_years: float | None,
    turnover: float | None,
    max_contract_value: float | None,
    factor: float,
) -> RuleOutcome:
    """Turnover ≥ factor × annual contract value, and value ≤ the enterprise's stated maximum.

    The annual value is the value divided by the contract years when the period is known (periods
    under a year count as one year), else the whole value. Value unknown, or neither turnover nor a
    maximum known = unknown. ``value`` is turnover / required turnover when turnover was checked.
    """
    if value_gbp is None:
        return RuleOutcome(CAPACITY, HARD, None, None, "Capacity unknown: the contract value is not stated in GBP.")
    years = max(1.0, contract_years) if contract_years else 1.0
    annual = value_gbp / years
    period = _period_text(value_gbp, contract_years)
    if turnover is None and max_contract_value is None:
        sentence = (
            "Capacity unverified: the enterprise's turnover is not recorded; check its latest accounts show a "
            f"turnover of at least {factor:g} × {_money(annual)}{period} = {_money(factor * annual)}."
        )
        return RuleOutcome(CAPACITY, HARD, None, None, sentence, unverified=True)
    failures, checks, ratio = [], [], None
    if max_contract_value is not None:
        if value_gbp > max_contract_value:
            failures.append(f"the value {_money(value_gbp)} exceeds its stated maximum of {_money(max_contract_value)}")
        else:
            checks.append(f"the value is within its stated maximum of {_money(max_contract_value)}")
    if turnover is not None:
        needed = factor * annual
        ratio = turnover / needed if needed > 0 else None
        text = f"turnover {_money(turnover)} vs {factor:g} × {_money(annual)}{period} = {_money(needed)}"
        (failures if turnover < needed else checks).append(text)
    if failures:
        return RuleOutcome(CAPACITY, HARD, ratio, False, "Capacity too small alone: " + "; ".join(failures) + ".")
    return RuleOutcome(CAPACITY, HARD, ratio, True, "Capacity fits: " + "; ".join(checks) + ".")


def _period_text(value_gbp: float, contract_years: float | None) -> str:
    """How the annual value was worked out, as a phrase that follows the annual figure."""
    if not contract_years:
        return " (contract period unknown: the whole value)"
    if contract_years * 12 < 1:
        return f" (a {contract_years * 365.25:.0f}-day contract counts as one year)"
    if contract_years < 1:
        return f" (a {contract_years * 12:.0f}-month contract counts as one year)"
    return f" a year ({_money(value_gbp)} over {contract_years:.1f} years)"


@functools.lru_cache(maxsize=1 << 14)
def _norm_cert(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def required_certifications(cpv_codes: tuple[str, ...], table: dict[str, list[str]]) -> dict[str, list[str]]:
    """Prefix -> acceptable certifications, for each table prefix that some notice code starts with."""
    return {prefix: certs for prefix, certs in table.items() if any(c.startswith(prefix) for c in cpv_codes)}


def certifications(cpv_codes: tuple[str, ...], held: tuple[str, ...], table: dict[str, list[str]]) -> RuleOutcome:
    """For every CPV prefix of the notice listed in ``table``, the enterprise holds one of its certifications."""
    needed = required_certifications(cpv_codes, table)
    if not needed:
        return RuleOutcome(CERTIFICATIONS, HARD, None, True, "No certification is required for these CPV codes.")
    held_norm = [_norm_cert(h) for h in held]
    missing = []
    met = []
    for prefix, certs in sorted(needed.items()):
        found = [c for c in certs if any(_norm_cert(c) and _norm_cert(c) in h for h in held_norm)]
        (met if found else missing).append((prefix, certs, found))
    if missing and not held:
        needs = "; ".join(", ".join(c) for _, c, _ in missing)
        sentence = (
            f"Certification unverified: none is recorded for the enterprise; check that it holds one of {needs} "
            f"(needed for CPV {', '.join(p + '…' for p, _, _ in missing)})."
        )
        return RuleOutcome(CERTIFICATIONS, HARD, None, None, sentence, unverified=True)
    if missing:
        parts = [f"CPV {p}… needs one of {', '.join(c)}" for p, c, _ in missing]
        sentence = f"Missing certification: {'; '.join(parts)} (held: {', '.join(held)})."
        return RuleOutcome(CERTIFICATIONS, HARD, None, False, sentence)
    parts = [f"{found[0]} for CPV {p}…" for p, _, found in met]
    return RuleOutcome(CERTIFICATIONS, HARD, None, True, f"Holds the required certification: {'; '.join(parts)}.")


def reserved_participation(reserved: tuple[str, ...], legal_form: str | None, is_social: bool) -> RuleOutcome:
    """A notice reserved for VCSEs / public service mutuals excludes non-social legal forms."""
    if not reserved:
        return RuleOutcome(RESERVED, HARD, None, True, "The notice is open to all suppliers (not reserved).")
    kinds = ", ".join(reserved)
    if legal_form is None:
        sentence = (
            f"Reserved participation unverified: the notice is reserved ({kinds}) and the enterprise's legal form "
            f"is not recorded; check that it is one of: {', '.join(sorted(SOCIAL_LEGAL_FORMS))}."
        )
        return RuleOutcome(RESERVED, HARD, None, None, sentence, unverified=True)
    if is_social:
        return RuleOutcome(RESERVED, HARD, None, True, f"Reserved notice ({kinds}); a {legal_form} qualifies.")
    return RuleOutcome(RESERVED, HARD, None, False, f"Reserved notice ({kinds}); a {legal_form} does not qualify.")


def vcse_bonus(suitable_vcse: bool | None, bonus: float) -> RuleOutcome:
    if suitable_vcse:
        return RuleOutcome(VCSE_BONUS, SOFT, bonus, True, f"The notice is marked suitable for VCSEs: +{bonus:.2f}.")
    return RuleOutcome(VCSE_BONUS, SOFT, 0.0, None, "The notice is not marked suitable for VCSEs: no bonus.")


def sme_bonus(suitable_sme: bool | None, bonus: float) -> RuleOutcome:
    if suitable_sme:
        return RuleOutcome(SME_BONUS, SOFT, bonus, True, f"The notice is marked suitable for SMEs: +{bonus:.2f}.")
    return RuleOutcome(SME_BONUS, SOFT, 0.0, None, "The notice is not marked suitable for SMEs: no bonus.")


def exclusion_reason(
    deadline: datetime | None, status: str | None, now: datetime, *, past_deadline: bool, stage: str | None = None
) -> str | None:
    """Why a whole notice is left out of the scan (past its deadline, withdrawn, already awarded), or None."""
    if status and status.lower() in WITHDRAWN_STATUSES:
        return f"notice status is {status.lower()}"
    if stage in CLOSED_STAGES:
        return f"notice stage is {stage}: not an open opportunity (register awards in the ledger)"
    if past_deadline and deadline is not None and _as_utc_naive(deadline) < _as_utc_naive(now):
        return f"deadline {deadline:%d %b %Y %H:%M} has passed"
    return None


def _as_utc_naive(t: datetime) -> datetime:
    """Naive times are taken as UTC; aware ones are converted to it."""
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


@dataclass(frozen=True, slots=True)
class MatchTarget:
    """What is being matched: a whole notice (lot_id None) or one of its lots, with its resolved facts."""

    tender_id: str
    lot_id: str | None
    cpv_codes: tuple[str, ...]
    value_gbp: float | None
    contract_years: float | None
    suitable_vcse: bool | None
    suitable_sme: bool | None
    reserved: tuple[str, ...]
    location: tuple[float, float] | None  # delivery (lat, lon), None when unknown
    where: str = "the delivery location"
    value_note: str = ""
    wide_area: str | None = None  # e.g. "United Kingdom": delivered across it, so distance is not scored
    delivery_mode: str = "on site"  # scoring/delivery.py: "on site" | "mixed" | "remote-capable"
    delivery_reason: str = ""  # "on site: CPV 90910000 cleaning services"
    distance_weight: float = 1.0  # factor on scan.weight_distance for this mode (0 = not scored)
    overseas: str | None = None  # "Ukraine": delivered outside the UK, distance not scored
    place_label: str | None = None  # how the delivery point was found: "LN1 1YL, the buyer's area (...)"
    place_basis: str = "unknown"  # scoring/delivery.py PLACE_BASES: "notice place", "buyer's area", "overseas" ...

    @classmethod
    def plain(cls) -> MatchTarget:
        """A target with no facts: distance counts fully when known."""
        return cls("", None, (), None, None, None, None, (), None)

    @property
    def scores_distance(self) -> bool:
        return self.distance_weight > 0 and not self.overseas and not self.wide_area

    def delivery_facts(self) -> dict[str, object]:
        """The delivery facts written beside every candidate in matches.json."""
        return {
            "delivery_mode": self.delivery_mode,
            "delivery_reason": self.delivery_reason,
            "distance_weight": self.distance_weight,
            "delivery_place": self.overseas or self.wide_area or self.place_label,
            "place_basis": self.place_basis,
            "overseas": self.overseas is not None,
        }


def evaluate_pair(target: MatchTarget, enterprise, cosine: float, km: float | None, settings) -> list[RuleOutcome]:
    """Every feature and rule for one pair, in the order they are explained."""
    scan, rules = settings.scan, settings.rules
    outcomes = [
        semantic_similarity(cosine),
        cpv_part(
            target.cpv_codes,
            enterprise.cpv_codes,
            enterprise.cpv_inferred,
            enterprise.cpv_inferred_from,
            scan.inferred_cpv_factor,
        ),
        distance(km, scan.radius_km, target),
        capacity(
            target.value_gbp,
            target.contract_years,
            enterprise.turnover,
            enterprise.max_contract_value,
            rules.capacity_turnover_factor,
        ),
        certifications(target.cpv_codes, enterprise.certifications, rules.certifications),
        reserved_participation(target.reserved, enterprise.legal_form, enterprise.is_social_legal_form),
        vcse_bonus(target.suitable_vcse, scan.vcse_bonus),
        sme_bonus(target.suitable_sme, scan.sme_bonus),
    ]
    radius = hard_radius(target, getattr(enterprise, "max_radius_km", None), km, scan)
    if radius is not None:
        outcomes.append(radius)
    if target.value_note and (outcomes[3].passed is not None or outcomes[3].unverified):
        o = outcomes[3]
        outcomes[3] = RuleOutcome(
            o.name, o.kind, o.value, o.passed, f"{o.sentence} ({target.value_note})", o.unverified
        )
    return outcomes
