"""OCDS behaviour: merging releases of one OCID, UK extensions, records, sources and skipped releases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from procure_match.ingest import load_notices
from procure_match.ingest.compile import Compiler
from procure_match.ingest.ocds import scheme_id, source_of, unversion
from procure_match.settings import Settings

OCID = "ocds-b5fd17-merge-0001"


def _release(rid, date, tag, **fields):
    return {"ocid": OCID, "id": rid, "date": date, "tag": [tag], **fields}


TENDER = _release(
    "r1",
    "2025-01-10T09:00:00Z",
    "tender",
    tender={
        "title": "Youth services",
        "tenderPeriod": {"endDate": "2025-03-01T12:00:00Z"},
        "value": {"amount": 300000},
    },
)
AMEND = _release(
    "r2",
    "2025-02-01T09:00:00Z",
    "tenderAmendment",
    tender={
        "title": "Youth services",
        "tenderPeriod": {"endDate": "2025-03-15T12:00:00Z"},
        "amendments": [{"id": "1", "description": "Deadline extended", "releaseID": "r2"}],
    },
)
AWARD = _release(
    "r3",
    "2025-04-01T09:00:00Z",
    "award",
    tender={"status": "complete"},
    awards=[
        {"id": "a1", "value": {"amount": 280000, "currency": "GBP"}, "suppliers": [{"name": "Bilston Youth Trust"}]}
    ],
)


def _write_jsonl(path, releases):
    path.write_text("\n".join(json.dumps(r) for r in releases) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (1, 2, 0)])
def test_tender_amendment_and_award_merge_into_one_tender_in_any_order(tmp_path, order):
    releases = [TENDER, AMEND, AWARD]
    path = _write_jsonl(tmp_path / "r.jsonl", [releases[i] for i in order])
    tenders, report = load_notices([path], Settings())
    assert len(tenders) == 1
    t = tenders[0]
    assert t.deadline == datetime(2025, 3, 15, 12, tzinfo=UTC)  # the amendment's, not the first
    assert t.status == "complete"  # the award release's
    assert t.value.amount == 300000 and t.value.gbp_note == "currency not stated; UK publisher, taken as GBP"
    assert [a.id for a in t.awards] == ["a1"] and t.awards[0].suppliers[0].name == "Bilston Youth Trust"
    assert t.release_ids == ("r1", "r2", "r3")
    (amendment,) = t.amendments
    assert amendment.release_id == "r2" and amendment.description == "Deadline extended"
    assert "deadline" in amendment.changed_fields
    assert report.records_read == 3 and report.records_kept == 3 and report.counts["notices"] == 1


def test_releases_of_one_ocid_merge_across_files(tmp_path):
    a = _write_jsonl(tmp_path / "a.jsonl", [AWARD])
    b = tmp_path / "b.json"
    b.write_text(json.dumps({"releases": [TENDER, AMEND]}), encoding="utf-8")
    tenders, _ = load_notices([a, b], Settings())
    assert len(tenders) == 1 and tenders[0].title == "Youth services" and len(tenders[0].awards) == 1


def test_arrays_merge_by_id_and_null_removes_a_field():
    c = Compiler()
    c.add(
        {
            "ocid": "x",
            "date": "2025-01-01",
            "tender": {"lots": [{"id": "1", "title": "A"}, {"id": "2", "title": "B"}], "description": "old"},
        },
        where="1",
        file="f",
    )
    c.add(
        {"ocid": "x", "date": "2025-01-02", "tender": {"lots": [{"id": "2", "title": "B2"}], "description": None}},
        where="2",
        file="f",
    )
    ((release, state),) = c.compiled()
    assert release["tender"]["lots"] == [{"id": "1", "title": "A"}, {"id": "2", "title": "B2"}]
    assert "description" not in release["tender"]
    assert state.n_releases == 2


def test_duplicate_ids_keep_every_supplier():
    """Contracts Finder 2020 packages give every supplier "id": 0; merging by id would lose them."""
    c = Compiler()
    suppliers = [{"id": 0, "name": f"S{i}"} for i in range(5)]
    c.add({"ocid": "x", "date": "2020-01-01", "awards": [{"id": "a", "suppliers": suppliers}]}, where="1", file="f")
    ((release, _),) = c.compiled()
    assert [s["name"] for s in release["awards"][0]["suppliers"]] == ["S0", "S1", "S2", "S3", "S4"]


def test_release_without_ocid_is_skipped_and_counted(tmp_path):
    path = _write_jsonl(tmp_path / "r.jsonl", [TENDER, {"id": "x", "tender": {"title": "orphan"}}])
    tenders, report = load_notices([path], Settings())
    assert len(tenders) == 1
    (problem,) = report.problems
    assert problem.severity == "skipped" and problem.record == "line 2" and problem.field == "ocid"
    assert report.records_read == report.records_kept + report.skipped == 2


def test_uk_extensions(fixtures):
    tenders, _ = load_notices([fixtures / "notices" / "release_package_uk.json"], Settings())
    t = {x.tender_id: x for x in tenders}["ocds-h6vhtk-0a0a01"]
    assert t.source == "Find a Tender"
    assert (t.suitable_sme, t.suitable_vcse) == (True, True)
    assert t.reserved_participation == ("publicServiceMissionOrganization", "shelteredWorkshop")
    assert t.cpv_codes[:3] == ("45000000", "45421000", "45321000") and t.main_cpv == "45000000"
    assert t.description.startswith("Retrofit of 40 homes in Aston.") and "Bidders' consortia" in t.description
    assert t.title == "Community retrofit & repairs"
    assert [lot.id for lot in t.lots] == ["1", "2"] and t.lots[1].value.amount is None
    assert t.value.low == 1_000_000 and t.value.amount == 2_500_000
    assert t.locations[0].postcode == "B6 5RQ" and t.locations[0].nuts == "UKG31"
    assert t.locations[1].latitude == 52.51 and t.locations[1].longitude == -1.93
    awarded = {x.tender_id: x for x in tenders}["ocds-h6vhtk-0a0a02"]
    cic, coop = awarded.awards[0].suppliers
    assert cic.identifiers == ("GB-COH-01234567", "GB-PPON-PABC-1234-XYZW") and cic.is_vcse and cic.is_sme
    assert coop.identifiers == ("GB-MPR-30123R", "GB-CHC-1100001") and coop.is_sme is False
    assert awarded.lots[0].value.amount_gbp == pytest.approx(90000 * 0.86)
    assert "converted from EUR" in awarded.lots[0].value.gbp_note
    assert awarded.value.amount == 90000 and awarded.value.gbp_note.startswith("no tender value published; sum of")
    assert awarded.locations[-1].postcode == "B4 7WB" and awarded.locations[-1].description.startswith("buyer address")


def test_record_without_compiled_release_is_compiled_from_its_releases(fixtures):
    tenders, report = load_notices([fixtures / "notices" / "record_package.json"], Settings())
    by_id = {t.tender_id: t for t in tenders}
    assert by_id["ocds-b5fd17-rec-2"].deadline == datetime(2017, 3, 8, tzinfo=UTC)
    assert by_id["ocds-b5fd17-rec-2"].release_ids == ("x1", "x2")
    assert by_id["ocds-b5fd17-rec-1"].cpv_codes == ("90911200",)
    assert "ocds-b5fd17-rec-3" not in by_id
    assert [p.record for p in report.problems if p.severity == "skipped"] == ["record 3 (ocds-b5fd17-rec-3)"]


def test_ocds_10_contracts_finder_fields(fixtures):
    (t,), _ = load_notices([fixtures / "notices" / "ocds10_cf_package.json"], Settings())
    assert (t.suitable_sme, t.suitable_vcse, t.procurement_category) == (True, False, "services")
    assert (str(t.contract_start), str(t.contract_end)) == ("2020-01-06", "2024-12-31")
    assert t.value.amount == 250000 and "minimum" in t.value.gbp_note
    sups = t.awards[0].suppliers
    assert [(s.name, s.is_vcse, s.postcode) for s in sups] == [
        ("Black Cat Travel", False, "LN6 7HE"),
        ("Sleaford Community Transport", True, "NG34 8GL"),
    ]
    assert t.amendments[0].description == "Value corrected" and t.amendments[0].changed_fields == ("value",)


def test_versioned_release_takes_latest_values():
    versioned = {
        "ocid": "x",
        "tender": {
            "title": [
                {"releaseID": "1", "releaseDate": "2020-01-01", "releaseTag": ["tender"], "value": "Old"},
                {"releaseID": "2", "releaseDate": "2020-02-01", "releaseTag": ["tenderUpdate"], "value": "New"},
            ]
        },
    }
    assert unversion(versioned) == {"ocid": "x", "tender": {"title": "New"}}


def test_sources_and_scheme_ids():
    assert source_of("ocds-b5fd17-abc", None) == "Contracts Finder"
    assert source_of("ocds-r6ebe6-1", None) == "Public Contracts Scotland"
    assert source_of("ocds-kuma6s-1", None) == "Sell2Wales"
    assert source_of("ocds-zzzzzz-1", "Find a Tender Service") == "Find a Tender"
    assert source_of("ocds-zzzzzz-1", None) is None
    assert scheme_id("GB-COH", "1234567") == "GB-COH-01234567"
    assert scheme_id("GB-COH", "GB-COH-01234567") == "GB-COH-01234567"
    assert scheme_id("GB-CHC", "1100001") == "GB-CHC-1100001"
    assert scheme_id("", "0") is None


def test_unknown_publisher_without_currency_is_unconvertible(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"ocid": "ocds-zzzzzz-1", "id": "1", "tender": {"value": {"amount": 5000}}}), "utf-8")
    (t,), report = load_notices([path], Settings())
    assert t.value.amount == 5000 and t.value.amount_gbp is None and "not converted" in t.value.gbp_note
    assert any("no currency" in p.problem for p in report.problems)


def test_the_same_release_twice_is_one_notice_and_counted(tmp_path):
    a = _write_jsonl(tmp_path / "a.jsonl", [TENDER, AMEND])
    b = _write_jsonl(tmp_path / "b.jsonl", [TENDER])
    tenders, report = load_notices([a, b, a, tmp_path], Settings())
    assert len(tenders) == 1 and tenders[0].release_ids == ("r1", "r2")
    assert report.counts["files"] == 2 and report.counts["repeated releases"] == 1
    assert tenders[0].deadline == datetime(2025, 3, 15, 12, tzinfo=UTC)


def test_array_of_large_packages_streams_and_reports_bare_items(tmp_path, monkeypatch):
    from procure_match.ingest import detect

    monkeypatch.setattr(detect, "LARGE_VALUE_EVENTS", 50)  # treat the first package as large

    def rel(i):
        return {"ocid": f"ocds-b5fd17-{i}", "id": str(i), "tender": {"title": f"T{i}"}}

    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"releases": [rel(i) for i in range(10)]}, rel(99), 5, {"releases": [rel(50)]}]))
    tenders, report = load_notices([path], Settings())
    assert len(tenders) == 11
    assert [p.record for p in report.problems] == ["item 2", "item 3"]
    assert report.records_read == 13 == report.records_kept + report.skipped
