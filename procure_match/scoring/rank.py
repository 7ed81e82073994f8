"""Combine rule outcomes into one score per pair, decide eligibility, and rank within a notice or lot.

Score (documented in the README, "How a score is computed"):

    base  = Σ w_i · p_i / Σ w_i   over the feature parts p_i that are known (semantic is always known)
    score = clip(base + Σ soft adjustments, 0, 1)

Hard rules never change the score; they decide the status:

* no hard rule failed                    -> "eligible"
* only the capacity rule failed          -> "fits, needs partners" (kept for the consortium stage)
* any other hard rule failed             -> "ineligible"

A rule whose enterprise input is missing never fails (``passed`` None); its name goes to
``Candidate.unverified`` and the status is shown as "eligible, 2 checks unverified".

``fit`` is the score without the capacity rule. Capacity is a gate, not a score part, so ``fit``
equals ``score``; it is kept separate so the consortium stage has one field to read.

Ranking within each (tender_id, lot_id): eligible first, then "fits, needs partners", then
ineligible; within a status by score (high first), ties by enterprise id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from procure_match.domain import Candidate
from procure_match.scoring.rules import CAPACITY, CPV, DISTANCE, FEATURE, HARD, SEMANTIC, SOFT, RuleOutcome

STATUS_ELIGIBLE = "eligible"
STATUS_NEEDS_PARTNERS = "fits, needs partners"
STATUS_INELIGIBLE = "ineligible"
STATUS_BELOW_FLOOR = "below floor"  # the learned fit is under scan.min_fit: kept in matches.json, never briefed
STATUS_ORDER = {STATUS_ELIGIBLE: 0, STATUS_NEEDS_PARTNERS: 1, STATUS_BELOW_FLOOR: 2, STATUS_INELIGIBLE: 3}


def weights_from(scan_settings) -> dict[str, float]:
    return {
        SEMANTIC: scan_settings.weight_semantic,
        CPV: scan_settings.weight_cpv,
        DISTANCE: scan_settings.weight_distance,
    }


def combine(features: dict[str, float | None], weights: dict[str, float], adjustment: float = 0.0) -> float:
    """Weighted mean of the known feature parts (weights renormalised over them), plus adjustment, in [0, 1]."""
    num = den = 0.0
    for name, value in features.items():
        w = weights.get(name, 0.0)
        if value is None or w <= 0:
            continue
        num += w * min(1.0, max(0.0, value))
        den += w
    base = num / den if den > 0 else 0.0
    return min(1.0, max(0.0, base + adjustment))


def status_of(failed: Iterable[str]) -> str:
    failed = set(failed)
    if not failed:
        return STATUS_ELIGIBLE
    if failed == {CAPACITY}:
        return STATUS_NEEDS_PARTNERS
    return STATUS_INELIGIBLE


def build_candidate(
    tender_id: str,
    lot_id: str | None,
    enterprise_id: str,
    outcomes: list[RuleOutcome],
    weights: dict[str, float],
    *,
    extra_parts: dict[str, float | None] | None = None,
) -> Candidate:
    """One Candidate from the outcomes of every rule for the pair."""
    features = {o.name: o.value for o in outcomes if o.kind == FEATURE}
    scaled = {o.name: o.weight_factor for o in outcomes if o.kind == FEATURE and o.weight_factor != 1.0}
    weights = {name: w * scaled.get(name, 1.0) for name, w in weights.items()} if scaled else weights
    soft = {o.name: (o.value or 0.0) for o in outcomes if o.kind == SOFT}
    failed = [o.name for o in outcomes if o.kind == HARD and o.passed is False]
    score = combine(features, weights, sum(soft.values()))
    fit = score  # capacity is a gate, not a part: the score without it is the same number
    status = status_of(failed)
    reasons = [o.sentence for o in outcomes if o.kind != SOFT or (o.value or 0.0) != 0.0]
    parts: dict[str, float | None] = {
        name: None if value is None else round(value, 4) for name, value in {**features, **soft}.items()
    }
    if extra_parts:
        parts.update(extra_parts)
    return Candidate(
        tender_id=tender_id,
        lot_id=lot_id,
        enterprise_id=enterprise_id,
        score=round(score, 6),
        fit=round(fit, 6),
        eligible=status == STATUS_ELIGIBLE,
        status=status,
        parts=parts,
        reasons=reasons,
        failed_rules=failed,
        unverified=[o.name for o in outcomes if o.unverified],
    )


def rank_key(c: Candidate) -> tuple:
    return (STATUS_ORDER.get(c.status, 3), -c.score, c.enterprise_id)


def rank_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Set ``rank`` 1..n within each (tender_id, lot_id) and return the candidates grouped in that order.

    Groups keep the order in which they first appear; whole-notice groups (lot_id None) come
    before their lots because the pipeline emits them first.
    """
    groups: dict[tuple[str, str | None], list[Candidate]] = defaultdict(list)
    for c in candidates:
        groups[(c.tender_id, c.lot_id)].append(c)
    out: list[Candidate] = []
    for group in groups.values():
        group.sort(key=rank_key)
        for i, c in enumerate(group, start=1):
            c.rank = i
        out.extend(group)
    return out
