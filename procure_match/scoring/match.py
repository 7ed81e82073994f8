"""From notices, enterprises and their vectors to ranked Candidates.

``build_targets`` turns a notice into what is matched: the whole notice, and each lot on its own
when the notice has two or more lots (``scan.match_lots``). ``match_targets`` retrieves the top K
enterprises of every target by cosine (one chunked matrix product, ``retrieval.top_k_cosine``),
computes distances for those K only (vectorised), runs the rules on those K only and ranks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from procure_match.domain import Candidate, Enterprise, Location, Tender
from procure_match.reference.geo import haversine_km_array, is_wide_area
from procure_match.scoring.learned import LearnedFit
from procure_match.scoring.rank import build_candidate, rank_candidates, weights_from
from procure_match.scoring.retrieval import top_k_cosine
from procure_match.scoring.rules import MatchTarget, RuleOutcome, contract_value_gbp, evaluate_pair


def delivery_point(locations: Sequence[Location], lookup=None) -> tuple[tuple[float, float, str] | None, str | None]:
    """((lat, lon, label) of the first location with coordinates or a postcode the lookup knows, wide area).

    A wide area (``is_wide_area``: the UK, a nation, "Any region", several regions) met before any
    such point means the work is not at one place: (None, that region), even if a later location
    (such as the buyer's address, added as a fallback) has a postcode.
    """
    for loc in locations:
        label = loc.postcode or loc.description or loc.region or loc.nuts or "the delivery location"
        if loc.latitude is not None and loc.longitude is not None:
            return (float(loc.latitude), float(loc.longitude), label), None
        if loc.postcode and lookup is not None:
            found = lookup.locate(loc.postcode)
            if found is not None:
                precision = "" if found[2] == "postcode" else f", {found[2]} centre"
                return (found[0], found[1], f"{loc.postcode}{precision}"), None
        if not loc.postcode:
            for region in (loc.region, loc.nuts if loc.nuts == "UK" else None):
                if is_wide_area(region):
                    return None, region
    return None, None


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


def _target(tender: Tender, lot, lookup) -> MatchTarget:
    locations = (lot.locations if lot is not None and lot.locations else ()) or tender.locations
    point, wide_area = delivery_point(locations, lookup)
    value_note = ""
    if lot is None:
        value = contract_value_gbp(tender.value)
    else:
        value = contract_value_gbp(lot.value)
        if value is None and contract_value_gbp(tender.value) is not None:
            value, value_note = contract_value_gbp(tender.value), "lot value not stated: whole notice value used"
    codes = (lot.cpv_codes if lot is not None and lot.cpv_codes else ()) or tender.cpv_codes
    return MatchTarget(
        tender_id=tender.tender_id,
        lot_id=None if lot is None else lot.id,
        cpv_codes=codes,
        value_gbp=value,
        contract_years=tender.contract_years,
        suitable_vcse=tender.suitable_vcse,
        suitable_sme=tender.suitable_sme,
        reserved=tender.reserved_participation,
        location=None if point is None else (point[0], point[1]),
        where=f"the delivery location ({point[2]})" if point else "the delivery location",
        wide_area=wide_area,
        value_note=value_note,
    )


def target_for(tender: Tender, lot_id: str | None = None, lookup=None) -> MatchTarget:
    """The target for the whole notice (``lot_id`` None) or for one of its lots, even a notice's only lot."""
    if lot_id is None:
        return _target(tender, None, lookup)
    lot = next((lot for lot in tender.lots if lot.id == lot_id), None)
    if lot is None:
        raise KeyError(lot_id)
    return _target(tender, lot, lookup)


def build_targets(tender: Tender, lookup=None, *, match_lots: bool = True) -> list[MatchTarget]:
    """The whole notice first, then each lot when there are two or more."""
    targets = [_target(tender, None, lookup)]
    if match_lots and len(tender.lots) >= 2:
        targets.extend(_target(tender, lot, lookup) for lot in tender.lots)
    return targets


def pair_distance_km(target: MatchTarget, lat: float, lon: float) -> float | None:
    if target.location is None or np.isnan(lat) or np.isnan(lon):
        return None
    return float(haversine_km_array(target.location[0], target.location[1], lat, lon))


def score_pair(
    target: MatchTarget, enterprise: Enterprise, cosine: float, km: float | None, settings
) -> tuple[Candidate, list[RuleOutcome]]:
    """One scored Candidate (rank 0) and every rule outcome behind it."""
    outcomes = evaluate_pair(target, enterprise, cosine, km, settings)
    extra = {"distance_km": None if km is None else round(km, 1)}
    cand = build_candidate(
        target.tender_id, target.lot_id, enterprise.id, outcomes, weights_from(settings.scan), extra_parts=extra
    )
    return cand, outcomes


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
            learned.apply(target, t_i, idx, cosines[t_i], scored, [enterprises[e_i] for e_i in idx])
        candidates.extend(cand for cand, _ in scored)
    return rank_candidates(candidates)
