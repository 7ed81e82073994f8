"""Team-formation speed: seconds per notice with 50 candidates and 1-6 requirements (target p95 < 1 s).

Builds ``--notices`` random notices (seeded), each with 1-6 lots and 50 candidate enterprises whose
fits, failed rules, turnovers and consortium memberships are random, and times ``teams_for_tender``
(requirements + assessment + exact search + explanations) on each, ``--repeats`` times, interleaved;
each notice's time is the median of its runs. Also times brute force (every member set of up to 4 of
the 50 candidates) on a few notices as a floor, and checks both give the same best teams.

    .venv/bin/python bench/bench_consortium.py [--notices 200] [--repeats 3] [--seed 1]

Writes ``bench/results/consortium.json``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import figure, write_result

from procure_match.consortium import team_instance, teams_for_tender
from procure_match.consortium.optimise import Solution, best_teams, evaluate
from procure_match.consortium.requirements import assess, requirements_for
from procure_match.domain import Candidate, Enterprise, Lot, Money, Tender
from procure_match.settings import Settings

CPV = ["45261000", "45262100", "55520000", "90910000", "77310000", "45331000", "71000000", "79952000"]


def random_notice(rng: random.Random, i: int, n_candidates: int) -> tuple[Tender, list[Candidate], dict]:
    n_lots = rng.randint(1, 6)
    value = 10 ** rng.uniform(5, 6.7)
    lots = tuple(
        Lot(id=str(k + 1), title=f"Lot {k + 1}", cpv_codes=(rng.choice(CPV),), value=Money(amount_gbp=value / n_lots))
        for k in range(n_lots)
    )
    tender = Tender(
        tender_id=f"bench-{i}",
        title=f"Bench notice {i}",
        value=Money(amount=value, amount_gbp=value, currency="GBP"),
        lots=lots if n_lots > 1 else (),
        cpv_codes=tuple(lot.cpv_codes[0] for lot in lots),
        contract_start=date(2027, 1, 1),
        contract_end=date(2027 + rng.randint(1, 4), 1, 1),
    )
    enterprises, candidates = {}, []
    consortia = [f"consortium {k}" for k in range(6)]
    for e in range(n_candidates):
        eid = f"e{i}-{e}"
        enterprises[eid] = Enterprise(
            id=eid,
            name=f"Enterprise {e}",
            turnover=10 ** rng.uniform(4.5, 6.5),
            cpv_codes=(rng.choice(CPV),),
            consortia=tuple(c for c in consortia if rng.random() < 0.1),
        )
        # every candidate has a whole-notice row (as the scan gives); lot rows for some lots
        lot_ids = [None] + [lot.id for lot in lots if n_lots > 1 and rng.random() < 0.45]
        for lot_id in lot_ids:
            fit = rng.uniform(0.15, 1.0)
            failed = ["certifications"] if rng.random() < 0.08 else []
            if rng.random() < 0.5:
                failed.append("capacity")
            candidates.append(
                Candidate(
                    tender_id=tender.tender_id,
                    lot_id=lot_id,
                    enterprise_id=eid,
                    score=fit,
                    fit=fit,
                    eligible=not failed,
                    status="eligible" if not failed else "fits, needs partners",
                    parts={"distance_km": rng.uniform(0, 45)},
                    failed_rules=failed,
                    rank=e + 1,
                )
            )
    return tender, candidates, enterprises


def brute_force(inst, k):
    found = []
    for size in range(1, inst.max_members + 1):
        for members in itertools.combinations(range(inst.n_members), size):
            sol = evaluate(inst, members)
            if sol is not None:
                found.append(sol)
    found.sort(key=Solution.key)
    return found[:k]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notices", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--candidates", type=int, default=50)
    ap.add_argument("--brute", type=int, default=3, help="notices also solved by brute force (slow)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    settings = Settings()
    rng = random.Random(args.seed)
    notices = [random_notice(rng, i, args.candidates) for i in range(args.notices)]
    runs: list[list[float]] = [[] for _ in notices]
    search_runs: list[list[float]] = [[] for _ in notices]
    feasible = 0
    for rep in range(args.repeats):
        for i, (tender, cands, ents) in enumerate(notices):
            start = time.perf_counter()
            teams = teams_for_tender(tender, cands, ents, settings)
            runs[i].append(time.perf_counter() - start)
            reqs = requirements_for(tender, settings)
            pool = [c for c in assess(tender, reqs, cands, ents, settings) if c.admissible]
            inst = team_instance(pool, reqs, settings)
            start = time.perf_counter()
            best_teams(inst, settings.consortium.alternatives)
            search_runs[i].append(time.perf_counter() - start)
            if rep == 0 and teams[0].feasible:
                feasible += 1
    per_notice = sorted(statistics.median(r) for r in runs)
    per_search = sorted(statistics.median(r) for r in search_runs)

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    brute_times, fast_times, agree = [], [], 0
    for tender, cands, ents in notices[: args.brute]:
        reqs = requirements_for(tender, settings)
        pool = [c for c in assess(tender, reqs, cands, ents, settings) if c.admissible]
        inst = team_instance(pool, reqs, settings)
        t0 = time.perf_counter()
        slow = brute_force(inst, settings.consortium.alternatives)
        brute_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fast = best_teams(inst, settings.consortium.alternatives)
        fast_times.append(time.perf_counter() - t0)
        agree += [s.members for s in slow] == [s.members for s in fast]
    p50, p95 = pct(per_notice, 0.5), pct(per_notice, 0.95)
    brute_median = statistics.median(brute_times) if brute_times else None
    fast_median = statistics.median(fast_times) if fast_times else None
    figures = [
        figure("teams_for_tender p50", round(p50, 4), "s/notice", target="< 1 s"),
        figure("teams_for_tender p95", round(p95, 4), "s/notice", target="< 1 s", passed=p95 < 1.0),
        figure("teams_for_tender max", round(per_notice[-1], 4), "s/notice"),
        figure("exact search only p50", round(pct(per_search, 0.5), 4), "s/notice"),
        figure("exact search only p95", round(pct(per_search, 0.95), 4), "s/notice"),
    ]
    if brute_median and fast_median:
        figures.append(
            figure(
                "exact search vs brute force",
                round(fast_median, 4),
                "s/notice",
                ratio=round(fast_median / brute_median, 5),
                floor=f"brute force over all sets of up to 4 of {args.candidates}: {brute_median:.2f} s",
                passed=agree == len(brute_times),
                note=f"same best teams on {agree} of {len(brute_times)} notices",
            )
        )
    path = write_result(
        "consortium",
        figures,
        settings={
            "notices": args.notices,
            "candidates": args.candidates,
            "requirements": "1-6",
            "repeats": args.repeats,
            "seed": args.seed,
            "max_members": settings.consortium.max_members,
            "alternatives": settings.consortium.alternatives,
        },
        details={
            "feasible_notices": feasible,
            "commentary": (
                "Each notice's time is the median of its interleaved runs; p50/p95 are over notices. "
                "teams_for_tender includes requirements, assessment of every candidate, the exact search "
                f"and the explanations. {feasible} of {args.notices} random notices had a feasible team. "
                f"Run {datetime.now(UTC):%Y-%m-%d}."
            ),
        },
    )
    print(f"p50 {p50:.4f} s, p95 {p95:.4f} s, max {per_notice[-1]:.4f} s; feasible {feasible}/{args.notices}")
    if brute_median:
        print(f"brute force {brute_median:.2f} s vs exact search {fast_median:.4f} s; agree {agree}/{len(brute_times)}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
