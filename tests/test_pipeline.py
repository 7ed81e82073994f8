from __future__ import annotations

import json
from datetime import UTC, date, datetime

import numpy as np
import pytest

from procure_match.domain import Enterprise, Location, Lot, Money, Tender
from procure_match.errors import SEVERITY_SKIPPED, IngestReport
from procure_match.pipeline import dedupe_enterprises, dedupe_tenders, select_tenders
from procure_match.scoring.match import build_targets, enterprise_coordinates, match_targets
from procure_match.settings import settings_from_dict

NOW = datetime(2025, 11, 10, 12, tzinfo=UTC)


def _unit(rng, n, d=12):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _enterprises(n):
    forms = ["co-operative society", "company limited by shares", None]
    return [
        Enterprise(
            id=f"E{i:03d}",
            name=f"Enterprise {i}",
            legal_form=forms[i % 3],
            cpv_codes=("45210000",) if i % 2 else (),
            latitude=52.48 + i * 0.05,
            longitude=-1.89,
            turnover=50_000.0 * (i + 1),
            certifications=("CHAS",) if i % 4 == 0 else (),
        )
        for i in range(n)
    ]


def test_select_tenders_since_deadline_and_status():
    tenders = [
        Tender(tender_id="old", published=datetime(2025, 9, 1), deadline=datetime(2025, 12, 1)),
        Tender(tender_id="past", published=datetime(2025, 11, 1), deadline=datetime(2025, 11, 5)),
        Tender(tender_id="open", published=datetime(2025, 11, 1), deadline=datetime(2025, 12, 1)),
        Tender(tender_id="undated"),
        Tender(tender_id="gone", published=datetime(2025, 11, 2), status="cancelled"),
    ]
    settings = settings_from_dict({})
    in_scope, scanned, excluded = select_tenders(tenders, NOW, settings, since=date(2025, 10, 1))
    assert [t.tender_id for t in in_scope] == ["past", "open", "undated", "gone"]
    assert [t.tender_id for t in scanned] == ["open", "undated"]
    assert "before --since" in excluded["old"] and "has passed" in excluded["past"]
    assert excluded["gone"] == "notice status is cancelled"
    # every notice is either scanned or excluded with a reason: nothing silently dropped
    assert len(scanned) + len(excluded) == len(tenders)


def test_duplicates_are_reported_not_double_counted():
    report = IngestReport()
    kept = dedupe_tenders([Tender(tender_id="A", title="1"), Tender(tender_id="A", title="2")], report)
    assert [t.title for t in kept] == ["2"] and report.skipped == 1
    ents = dedupe_enterprises([Enterprise(id="x", name="a"), Enterprise(id="x", name="b")], report)
    assert [e.name for e in ents] == ["a"] and report.skipped == 2


def test_build_targets_lots_and_locations():
    t = Tender(
        tender_id="T",
        value=Money(amount=600_000.0, currency="GBP"),
        cpv_codes=("45000000",),
        locations=(Location(latitude=52.48, longitude=-1.9, description="Birmingham"),),
        lots=(Lot(id="1", value=Money(amount=100_000.0), cpv_codes=("45210000",)), Lot(id="2")),
    )
    whole, lot1, lot2 = build_targets(t)
    assert whole.lot_id is None and whole.value_gbp == 600_000.0 and whole.location == (52.48, -1.9)
    assert lot1.cpv_codes == ("45210000",) and lot1.value_gbp == 100_000.0
    assert lot2.cpv_codes == ("45000000",) and lot2.value_gbp == 600_000.0 and "whole notice value" in lot2.value_note
    assert len(build_targets(t, match_lots=False)) == 1
    single = Tender(tender_id="S", lots=(Lot(id="1"),))
    assert len(build_targets(single)) == 1  # one lot is the notice itself


class _Lookup:
    def locate(self, postcode):
        return (52.0, -1.0, "district") if postcode.startswith("B") else None


def test_locations_from_postcodes():
    t = Tender(tender_id="T", locations=(Location(postcode="ZZ1 1ZZ"), Location(postcode="B1 1AA")))
    (target,) = build_targets(t, _Lookup())
    assert target.location == (52.0, -1.0) and "district centre" in target.where
    ents = [Enterprise(id="a", name="a", postcode="B2 2BB"), Enterprise(id="b", name="b")]
    lat, _ = enterprise_coordinates(ents, _Lookup())
    assert lat[0] == 52.0 and np.isnan(lat[1])


@pytest.mark.parametrize(
    ("region", "wide"),
    [
        ("Any region", True),
        ("United Kingdom", True),
        ("  england ", True),
        ("North East,North West,Yorkshire and the Humber", True),
        ("West Midlands", False),
        ("", False),
        (None, False),
    ],
)
def test_wide_areas(region, wide):
    from procure_match.reference.geo import is_wide_area

    assert is_wide_area(region) is wide


def test_a_notice_across_a_wide_area_has_no_delivery_point_and_distance_is_not_scored():
    from procure_match.scoring.rules import DISTANCE, evaluate_pair
    from procure_match.settings import Settings

    buyer = Location(postcode="B1 1AA", description="buyer address (no delivery postcode published)")
    national = Tender(tender_id="N", locations=(Location(region="Any region"), buyer))
    regional = Tender(tender_id="R", locations=(Location(region="West Midlands"), buyer))
    uk_nuts = Tender(tender_id="U", locations=(Location(nuts="UK"), buyer))
    (n,), (r,), (u,) = (build_targets(t, _Lookup()) for t in (national, regional, uk_nuts))
    assert n.location is None and n.wide_area == "Any region" and u.wide_area == "UK"
    assert r.location == (52.0, -1.0) and r.wide_area is None, "one region: the buyer's address stands in"
    far = Enterprise(id="far", name="Far away CIC", latitude=57.1, longitude=-2.1)
    outcome = next(o for o in evaluate_pair(n, far, 0.5, None, Settings()) if o.name == DISTANCE)
    assert outcome.value is None and "covers Any region" in outcome.sentence


def test_match_targets_scores_top_k_with_rules():
    rng = np.random.default_rng(7)
    ents = _enterprises(30)
    ent_vecs = _unit(rng, 30)
    tenders = [
        Tender(
            tender_id=f"T{i}",
            value=Money(amount=400_000.0, currency="GBP"),
            cpv_codes=("45210000",),
            locations=(Location(latitude=52.48, longitude=-1.89),),
            reserved_participation=("publicServiceMissionOrganization",) if i == 1 else (),
            suitable_vcse=i == 2,
            lots=(Lot(id="a"), Lot(id="b")) if i == 0 else (),
        )
        for i in range(3)
    ]
    targets = [tg for t in tenders for tg in build_targets(t)]
    vecs = _unit(rng, len(targets))
    settings = settings_from_dict({"scan": {"top_k": 5}})
    lat, lon = enterprise_coordinates(ents)
    cands = match_targets(targets, vecs, ents, ent_vecs, settings, enterprise_lat=lat, enterprise_lon=lon)
    groups = {}
    for c in cands:
        groups.setdefault((c.tender_id, c.lot_id), []).append(c)
    assert set(groups) == {("T0", None), ("T0", "a"), ("T0", "b"), ("T1", None), ("T2", None)}
    for (tid, lot), group in groups.items():
        assert [c.rank for c in group] == [1, 2, 3, 4, 5]
        t_index = next(i for i, tg in enumerate(targets) if (tg.tender_id, tg.lot_id) == (tid, lot))
        brute = set(np.argsort(-(ent_vecs @ vecs[t_index]))[:5])
        assert {int(c.enterprise_id[1:]) for c in group} == brute
        for c in group:
            assert 0 <= c.score <= 1
            assert c.parts["distance_km"] is not None
            e = ents[int(c.enterprise_id[1:])]
            # certifications: CPV 45 needs CHAS etc.; only every 4th enterprise holds it, the rest record none:
            # unverified, never failed (issue 11)
            assert "certifications" not in c.failed_rules
            assert ("certifications" in c.unverified) == ("CHAS" not in e.certifications)
            if tid == "T1" and e.legal_form == "company limited by shares":
                assert "reserved_participation" in c.failed_rules
            # capacity: 400k, period unknown -> needs 800k turnover
            assert ("capacity" in c.failed_rules) == (e.turnover < 800_000)
        statuses = [c.status for c in group]
        assert statuses == sorted(statuses, key=["eligible", "fits, needs partners", "ineligible"].index)
    assert all(c.parts["vcse_bonus"] == 0.05 for c in groups[("T2", None)])


@pytest.mark.slow
@pytest.mark.realdata
def test_real_contracts_finder_export_against_worker_coops(shared_data, tmp_path):
    """852 open CF notices x 387 worker co-ops, deadlines judged as of 8 Nov 2025.

    TF-IDF, not the default model: with the model this scan took 200 s of embedding on the shared
    2-core machine (78 s CPU), well over this suite's budget for one test.
    """
    from typer.testing import CliRunner

    from procure_match.cli.main import app

    notices = shared_data / "uk_notices_csv" / "cf_export_open_2025-11.csv"
    directory = shared_data / "orgs" / "workers_coop_2023-06-23_with_descriptions.csv"
    out = tmp_path / "out"
    args = ["scan", "--notices", str(notices), "--directory", str(directory), "--out", str(out)]
    args += ["--as-of", "2025-11-08", "--store", str(tmp_path / "scans.sqlite"), "--embedder", "tfidf", "--quiet"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "scan-summary.json").read_text())
    counts = summary["counts"]
    assert counts["notices_read"] == 852 and counts["enterprises"] >= 380
    assert counts["notices_scanned"] + counts["excluded"] == counts["notices_read"]
    assert counts["notices_scanned"] > 100
    rows = json.loads((out / "matches.json").read_text())
    assert len(rows) == counts["candidates"] == counts["targets"] * 20
    assert all(0 <= r["score"] <= 1 for r in rows)
    report = json.loads((out / "ingest-report.json").read_text())
    assert report["records_read"] == report["records_kept"] + report["skipped"]
    _assert_issue_11_summary(out, counts, rows)
    print("\nreal-data scan:", counts, summary["timings_s"])


def _assert_issue_11_summary(out, counts, rows):
    """Issue 11 on the real export: unknown never fails, stages counted, placeholders reported, early briefs."""
    # Stages of the scanned notices (SOURCES.md: Contract 641, Pipeline 171, PreProcurement 40 in the file).
    scanned = {k: v for k, v in counts.items() if k.startswith("stage_")}
    assert sum(scanned.values()) == counts["notices_scanned"]
    assert scanned["stage_pipeline"] + scanned["stage_market_engagement"] > 0
    assert counts["placeholder_values"] == 24  # 21 under £1,000 and 3 over £10bn, each a repaired problem
    # No directory records certifications: construction notices keep eligible candidates, "unverified".
    assert counts["notices_all_ineligible"] == 0  # was 221 of 852 when unknown counted as failure
    construction = [r for r in rows if "certifications" in r["unverified"]]
    assert construction and all(r["status"] != "ineligible" for r in construction)
    assert all("certifications" not in r["failed_rules"] for r in construction)
    sentences = [s for r in construction for s in r["reasons"] if s.startswith("Certification unverified")]
    assert len(sentences) == len(construction)
    assert any("check that it holds one of CHAS, Constructionline, SafeContractor" in s for s in sentences)
    early_rows = [r for r in rows if r["stage"] in ("pipeline", "market engagement")]
    assert early_rows
    briefs = sorted((out / "briefs").glob("*.md"))
    early = [
        b.read_text(encoding="utf-8") for b in briefs if b.read_text(encoding="utf-8").startswith("# Early interest")
    ]
    assert early, "no early-interest brief for the pipeline and engagement notices"
    assert all("Submission deadline" not in text and "go/no-go" not in text for text in early)
    digest = (out / "digest.md").read_text(encoding="utf-8")
    assert "## Coming up" in digest and "(pipeline)" in digest


def test_target_for_a_notice_s_only_lot():
    from procure_match.scoring.match import target_for

    t = Tender(tender_id="S", cpv_codes=("45000000",), lots=(Lot(id="1", cpv_codes=("45210000",)),))
    assert target_for(t).lot_id is None
    assert target_for(t, "1").cpv_codes == ("45210000",)
    with pytest.raises(KeyError):
        target_for(t, "2")


def test_a_contracts_finder_notice_in_both_csv_and_ocds_is_kept_once():
    from procure_match.pipeline import drop_csv_copies_of_ocds

    ocds = Tender(
        tender_id="ocds-b5fd17-aaa",
        ocid="ocds-b5fd17-aaa",
        notice_id="MRTN001-DN1",
        source="Contracts Finder",
        title="Parking Pilot  - CEO",
        source_file="cf.jsonl",
    )
    csv_copy = Tender(
        tender_id="cf-MRTN001-DN1",
        notice_id="MRTN001-DN1",
        source="Contracts Finder",
        title="parking pilot - ceo",
        source_file="export.csv",
    )
    other = Tender(
        tender_id="cf-XYZ", notice_id="XYZ", source="Contracts Finder", title="Other", source_file="export.csv"
    )
    clash = Tender(
        tender_id="cf-MRTN001-DN2",
        notice_id="MRTN001-DN2",
        source="Contracts Finder",
        title="Roof repairs",
        source_file="export.csv",
    )
    ocds2 = Tender(
        tender_id="ocds-b5fd17-bbb",
        ocid="ocds-b5fd17-bbb",
        notice_id="MRTN001-DN2",
        source="Contracts Finder",
        title="Street lighting",
    )
    report = IngestReport()
    kept = drop_csv_copies_of_ocds([ocds, csv_copy, other, clash, ocds2], report)
    assert [t.tender_id for t in kept] == ["ocds-b5fd17-aaa", "cf-XYZ", "cf-MRTN001-DN2", "ocds-b5fd17-bbb"]
    (dropped, both) = report.problems
    assert dropped.severity == SEVERITY_SKIPPED and dropped.record == "cf-MRTN001-DN1"
    assert "ocds-b5fd17-aaa" in dropped.problem
    assert both.severity != SEVERITY_SKIPPED and "titles differ" in both.problem and both.action == "kept both"
