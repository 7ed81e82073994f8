"""From notices, enterprises and their vectors to ranked Candidates.

``build_targets`` turns a notice into what is matched: the whole notice, and each lot on its own
when the notice has two or more lots (``scan.match_lots``). ``match_targets`` retrieves the top K
enterprises of every target by cosine (one chunked matrix product, ``retrieval.top_k_cosine``),
computes distances for those K only (vectorised), runs the rules on those K only and ranks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from procure_match.domain import Candidate, Enterprise, Lot, Tender
from procure_match.reference.geo import haversine_km_array
from procure_match.scoring.delivery import Locate, delivery_mode, delivery_place, mode_weight
from procure_match.scoring.learned import LearnedFit
from procure_match.scoring.rank import build_candidate, rank_candidates, weights_from
from procure_match.scoring.retrieval import top_k_cosine
from procure_match.scoring.rules import DISTANCE, MatchTarget, RuleOutcome, contract_value_gbp, evaluate_pair
from procure_match.settings import Settings

if TYPE_CHECKING:
    from procure_match.reference.postcodes import PostcodeLookup


def enterprise_coordinates(enterprises: Sequence[Enterprise], lookup=None) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude arrays (NaN = unknown) from the directory, else the enterprise's postcode."""
    lat = np.full(len(enterprises), np.nan)
    lon = np.full(len(enterprises), np.nan)
    for i, e in enumerate(enterprises):
        if e.latitude is not None and e.longitude is not None:
            lat[i], lon[i] = e.latitude, e.longitude
        elif e.postcode and lookup is not None:
            found = lookup.locate(e.postcode)
            if found is not None:
                lat[i], lon[i] = found[0], found[1]
    return lat, lon


def _locate(lookup: PostcodeLookup | None) -> Locate | None:
    return None if lookup is None else lookup.locate


def _value(tender: Tender, lot: Lot | None) -> tuple[float | None, str]:
    """The target's value in GBP and a note when a lot falls back to the whole notice's value."""
    if lot is None:
        return contract_value_gbp(tender.value), ""
    value = contract_value_gbp(lot.value)
    if value is None and contract_value_gbp(tender.value) is not None:
        return contract_value_gbp(tender.value), "lot value not stated: whole notice value used"
    return value, ""


def _delivery(tender: Tender, lot: Lot | None, lookup: PostcodeLookup | None, settings: Settings | None) -> dict:
    """The MatchTarget fields about where the work is and how much distance counts (scoring/delivery.py)."""
    locations = (lot.locations if lot is not None and lot.locations else ()) or tender.locations
    codes = (lot.cpv_codes if lot is not None and lot.cpv_codes else ()) or tender.cpv_codes
    title = " ".join(x for x in (tender.title, lot.title if lot else None) if x)
    description = (lot.description if lot is not None and lot.description else None) or tender.description
    place = delivery_place(
        locations, buyer_name=tender.buyer_name, title=title, description=description, locate=_locate(lookup)
    )
    mode = delivery_mode(codes, title, description)
    scan = (settings or Settings()).scan
    factors = (scan.distance_weight_on_site, scan.distance_weight_mixed, scan.distance_weight_remote)
    weight = mode_weight(mode.mode, *factors)
    return {
        "cpv_codes": codes,
        "location": place.point,
        "where": f"the delivery location ({place.label})" if place.point else "the delivery location",
        "wide_area": place.wide_area,
        "overseas": place.overseas,
        "place_label": place.label,
        "place_basis": place.basis,
        "delivery_mode": mode.mode,
        "delivery_reason": mode.reason,
        "distance_weight": weight,
    }


def _target(tender: Tender, lot: Lot | None, lookup: PostcodeLookup | None, settings: Settings | None) -> MatchTarget:
    value, value_note = _value(tender, lot)
    return MatchTarget(
        tender_id=tender.tender_id,
        lot_id=None if lot is None else lot.id,
        value_gbp=value,
        contract_years=tender.contract_years,
        suitable_vcse=tender.suitable_vcse,
        suitable_sme=tender.suitable_sme,
        reserved=tender.reserved_participation,
        value_note=value_note,
        **_delivery(tender, lot, lookup, settings),
    )


def target_for(
    tender: Tender, lot_id: str | None = None, lookup: PostcodeLookup | None = None, settings: Settings | None = None
) -> MatchTarget:
    """The target for the whole notice (``lot_id`` None) or for one of its lots, even a notice's only lot."""
    if lot_id is None:
        return _target(tender, None, lookup, settings)
    lot = next((lot for lot in tender.lots if lot.id == lot_id), None)
    if lot is None:
        raise KeyError(lot_id)
    return _target(tender, lot, lookup, settings)


def build_targets(
    tender: Tender, lookup: PostcodeLookup | None = None, *, match_lots: bool = True, settings: Settings | None = None
) -> list[MatchTarget]:
    """The whole notice first, then each lot when there are two or more (``settings`` gives the distance weights)."""
    targets = [_target(tender, None, lookup, settings)]
    if match_lots and len(tender.lots) >= 2:
        targets.extend(_target(tender, lot, lookup, settings) for lot in tender.lots)
    return targets


def pair_distance_km(target: MatchTarget, lat: float, lon: float) -> float | None:
    if target.location is None or np.isnan(lat) or np.isnan(lon):
        return None
    return float(haversine_km_array(target.location[0], target.location[1], lat, lon))


def score_pair(
    target: MatchTarget, enterprise: Enterprise, cosine: float, km: float | None, settings
) -> tuple[Candidate, list[RuleOutcome]]:
    """One scored Candidate (rank 0) and every rule outcome behind it."""
    if not target.scores_distance:
        km = None  # overseas, wide-area or remote-capable work: no distance to show or score
    outcomes = evaluate_pair(target, enterprise, cosine, km, settings)
    extra = {"distance_km": None if km is None else round(km, 1)}
    cand = build_candidate(
        target.tender_id, target.lot_id, enterprise.id, outcomes, target_weights(target, settings), extra_parts=extra
    )
    return cand, outcomes


def delivery_counts(targets: Sequence[MatchTarget]) -> dict[str, int]:
    """Whole notices by delivery mode and by how their place was decided (for scan-summary.json)."""
    counts: dict[str, int] = {}
    for t in targets:
        if t.lot_id is None:
            for key in (f"delivery_mode_{t.delivery_mode}", f"delivery_place_{t.place_basis}"):
                key = re.sub(r"[^a-z]+", "_", key.replace("'", ""))
                counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def target_weights(target: MatchTarget, settings: Settings) -> dict[str, float]:
    """The score weights for one target: the distance weight scaled by its delivery mode."""
    weights = weights_from(settings.scan)
    weights[DISTANCE] = weights[DISTANCE] * target.distance_weight
    return weights


def match_targets(
    targets: Sequence[MatchTarget],
    target_vectors: np.ndarray,
    enterprises: Sequence[Enterprise],
    enterprise_vectors: np.ndarray,
    settings,
    *,
    enterprise_lat: np.ndarray | None = None,
    enterprise_lon: np.ndarray | None = None,
    learned: LearnedFit | None = None,
) -> list[Candidate]:
    """Top-K retrieval for every target, rules on those K only, the learned fit when given, ranked per target."""
    if not targets or not enterprises:
        return []
    n = len(enterprises)
    lat = enterprise_lat if enterprise_lat is not None else np.full(n, np.nan)
    lon = enterprise_lon if enterprise_lon is not None else np.full(n, np.nan)
    budget = settings.scan.retrieval_budget_mb * 1024 * 1024
    indices, cosines = top_k_cosine(target_vectors, enterprise_vectors, settings.scan.top_k, budget_bytes=budget)
    if learned is not None:
        learned.prepare(indices)
    candidates: list[Candidate] = []
    for t_i, target in enumerate(targets):
        idx = indices[t_i]
        if target.location is not None:
            km = haversine_km_array(target.location[0], target.location[1], lat[idx], lon[idx])
        else:
            km = np.full(len(idx), np.nan)
        scored = []
        for j, e_i in enumerate(idx):
            d = None if np.isnan(km[j]) else float(km[j])
            scored.append(score_pair(target, enterprises[e_i], float(cosines[t_i, j]), d, settings))
        if learned is not None:
            learned.apply(target, t_i, idx, cosines[t_i], scored)
        candidates.extend(cand for cand, _ in scored)
    return rank_candidates(candidates)
