"""Real notices (Public Contracts Scotland, Sell2Wales, Contracts Finder OCDS) through requirements, teams and reports.

The notices are real (up to 83 lots each); the enterprises and their candidate rows are synthetic and seeded,
because the point is that every real notice shape gives valid teams and valid, escaped reports.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from procure_match.consortium import requirements_for, teams_for_tender
from procure_match.domain import Candidate, Enterprise, ScanResult
from procure_match.ingest import load_notices
from procure_match.reference.services import notice_services
from procure_match.reports import write_all
from procure_match.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "reports"))
from html_check import check_html

FILES = ("public_contracts_scotland_releases.jsonl", "sell2wales_releases.jsonl", "contracts_finder_releases.jsonl")


def synthetic(tender, rng: random.Random, n: int = 50):
    enterprises, rows = {}, []
    for e in range(n):
        eid = f"{tender.tender_id}-e{e}"
        enterprises[eid] = Enterprise(
            id=eid,
            name=f"Enterprise {e} <{tender.tender_id}>",
            legal_form=rng.choice(["community interest company", "company limited by shares", None]),
            turnover=rng.choice([None, 10 ** rng.uniform(4.5, 7)]),
            cpv_codes=tender.cpv_codes[:1] if rng.random() < 0.5 else (),
            consortia=("North Consortium",) if rng.random() < 0.1 else (),
        )
        for lot_id in [None] + [lot.id for lot in tender.lots if rng.random() < 0.3]:
            fit = rng.uniform(0.1, 1.0)
            failed = [r for r, p in (("capacity", 0.4), ("certifications", 0.05)) if rng.random() < p]
            rows.append(
                Candidate(
                    tender_id=tender.tender_id,
                    lot_id=lot_id,
                    enterprise_id=eid,
                    score=fit,
                    fit=fit,
                    eligible=not failed,
                    status="eligible" if not failed else "fits, needs partners",
                    parts={"distance_km": rng.choice([None, rng.uniform(0, 60)])},
                    failed_rules=failed,
                    rank=e + 1,
                )
            )
    return enterprises, rows


@pytest.mark.realdata
@pytest.mark.slow
def test_real_notices_give_valid_teams_and_reports(shared_data, tmp_path):
    folder = shared_data / "ocds" / "uk_cf_pcs_s2w_2025"
    settings = Settings()
    tenders, _report = load_notices([folder / f for f in FILES], settings)
    assert len(tenders) >= 300
    rng = random.Random(2026)
    times, feasible = [], 0
    all_enterprises, all_rows = {}, []
    for i, tender in enumerate(tenders):
        reqs = requirements_for(tender, settings)
        work = [r for r in reqs if r.is_work]
        codes = tender.cpv_codes or ((tender.main_cpv,) if tender.main_cpv else ())
        services = notice_services(codes, tender.title, tender.description)
        by_service = len(services) if len(services) >= 2 else 0
        assert len(work) == (len(tender.lots) or by_service or len({c[:3] for c in tender.cpv_codes}) or 1)
        if len(tender.lots) < 2 and i % 4:
            continue  # every notice with lots, a quarter of the others: keeps the test to seconds
        enterprises, rows = synthetic(tender, rng)
        start = time.perf_counter()
        teams = teams_for_tender(tender, rows, enterprises, settings)
        times.append(time.perf_counter() - start)
        assert teams and [t.alternative for t in teams] == list(range(len(teams)))
        for team in teams:
            if not team.feasible:
                assert team.gaps and not team.members
                continue
            feasible += 1
            assert 1 <= len(team.members) <= settings.consortium.max_members
            assert set(team.assignment) == {r.id for r in work}
            assert set(team.assignment.values()) <= set(team.members)
            if team.capacity == "met":
                assert team.combined_turnover >= team.turnover_needed
            elif team.capacity == "unverified":  # an unknown turnover is never counted as £0
                assert any(enterprises[m].turnover is None for m in team.members)
            for m in team.member_details:  # no member covers nothing; a lead covers work
                assert m.covers or (m.role == "capacity partner" and m.shares and team.capacity == "met")
                assert m.role != "lead" or m.covers
        assert len({frozenset(t.members) for t in teams}) == len(teams)
        all_enterprises.update(enterprises)
        all_rows.extend(rows)
    times.sort()
    assert times[int(0.95 * (len(times) - 1))] < 2.0  # target is < 1 s; slack for a shared machine
    assert feasible > 0
    # reports for the notices with the most lots, plus a few others
    chosen = sorted(tenders, key=lambda t: -len(t.lots))[:6] + tenders[:10]
    ids = {t.tender_id for t in chosen}
    result = ScanResult(
        scanned_at=datetime(2025, 2, 1, tzinfo=UTC),
        tenders=chosen,
        enterprises={k: v for k, v in all_enterprises.items() if k.rsplit("-e", 1)[0] in ids},
        candidates=[r for r in all_rows if r.tender_id in ids],
    )
    written = write_all(result, tmp_path, settings)
    htmls = [p for p in written.values() if p.suffix == ".html"]
    assert htmls
    for path in htmls:
        html = path.read_text(encoding="utf-8")
        check_html(html)
        assert "<ocds" not in html  # enterprise names with <...> are escaped
