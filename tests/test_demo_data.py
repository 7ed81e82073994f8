"""The bundled demo scenario (enterprises/ and tenders/) is complete, consistent and clearly fictional.

Fast checks on the committed files, no model. Real-data checks (CPV/SIC codes, postcode districts,
the Contracts Finder header) read ../shared/data and skip when it is absent.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ROOT / "enterprises" / "birmingham_social_enterprises.csv"
TENDERS = ROOT / "tenders"
OCDS_DIR = TENDERS / "ocds"
CF_CSV = TENDERS / "contracts_finder_export.csv"
RETURN_CSV = TENDERS / "spend" / "contractor_supply_chain_returns.csv"
COUNCIL_CSV = TENDERS / "spend" / "council_spend_over_500_2021-05.csv"
LABELS = TENDERS / "labels.json"
POSTCODE_FIXTURE = ROOT / "tests" / "fixtures" / "demo_data" / "postcodes.csv"
SCENARIO_DATE = datetime.fromisoformat("2021-06-01T00:00:00+00:00")

DIRECTORY_HEADER = [
    "id",
    "name",
    "legal_form",
    "companies_house_number",
    "mutuals_register_number",
    "charity_number",
    "description",
    "sectors",
    "cpv_codes",
    "sic_codes",
    "postcode",
    "turnover",
    "employees",
    "certifications",
    "consortia",
    "max_contract_value",
    "email",
    "website",
]
CONSORTIA = {
    "Built Environment Consortium",
    "Summerfield Alliance",
    "Tourism Consortium",
    "Food Consortium",
    "Health Consortium",
    "Retail Consortium",
}
ACTIVITIES = {
    "horticulture and plant growing",
    "catering and batch cooking",
    "vegan food",
    "food hubs",
    "cleaning co-operatives",
    "handyman and repairs",
    "upcycling and recycled products",
    "zero-waste retail",
    "ceramics and arts co-operatives",
    "city and heritage walking tours",
    "boat tours",
    "health and wellbeing coaching",
    "older people's support",
    "mental health support",
    "dyslexia assessment",
    "women's support",
    "sport and fitness clubs",
    "events management",
    "shared workspace",
    "community research",
}
LEGAL_FORMS = {
    "Community Interest Company",
    "Co-operative Society",
    "Community Benefit Society",
    "Company Limited by Guarantee",
    "Charitable Incorporated Organisation",
}
POSTCODE = re.compile(r"^(B|WS|WV|DY|CV)\d{1,2} \d[A-Z]{2}$")
ROLE_WORDS = re.compile(r"\b(team|office|desk|procurement|commissioning|contracts|unit)\b", re.IGNORECASE)
BUILT_ENVIRONMENT_PREFIXES = ("45", "71")


# ---------------------------------------------------------------------- loaders


def directory_rows() -> list[dict[str, str]]:
    with DIRECTORY.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def packages() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(OCDS_DIR.glob("*.json"))}


def releases() -> list[dict]:
    return [r for pkg in packages().values() for r in pkg["releases"]]


def latest_by_ocid() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in sorted(releases(), key=lambda r: r["date"]):
        out[r["ocid"]] = r
    return out


def cf_rows() -> list[dict[str, str]]:
    with CF_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def return_rows() -> list[dict[str, str]]:
    with RETURN_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _deadline(release: dict) -> datetime:
    return datetime.fromisoformat(release["tender"]["tenderPeriod"]["endDate"].replace("Z", "+00:00"))


# ---------------------------------------------------------------------- directory


def test_directory_has_the_agreed_header_and_60_to_120_unique_enterprises():
    with DIRECTORY.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == DIRECTORY_HEADER
    rows = directory_rows()
    assert 60 <= len(rows) <= 120
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"se-\d{3}", i) for i in ids)
    assert len({r["name"].lower() for r in rows}) == len(rows)


def test_directory_covers_every_activity_and_all_six_consortia():
    rows = directory_rows()
    sectors = Counter(s for r in rows for s in r["sectors"].split(";"))
    assert set(sectors) >= ACTIVITIES, ACTIVITIES - set(sectors)
    membership = [set(filter(None, r["consortia"].split(";"))) for r in rows]
    named = set().union(*membership)
    assert named == CONSORTIA
    assert any(len(m) == 2 for m in membership), "some enterprises belong to two consortia"
    assert any(not m for m in membership), "some enterprises belong to none"


def test_directory_values_are_well_formed():
    for r in directory_rows():
        where = r["id"]
        assert POSTCODE.match(r["postcode"]), where
        assert r["legal_form"] in LEGAL_FORMS, where
        assert r["companies_house_number"] or r["mutuals_register_number"] or r["charity_number"], where
        if r["companies_house_number"]:
            assert re.fullmatch(r"\d{8}", r["companies_house_number"]), where
        if r["charity_number"]:
            assert re.fullmatch(r"1\d{6}", r["charity_number"]), where
        if r["legal_form"] == "Co-operative Society":
            assert r["mutuals_register_number"], where
        assert all(re.fullmatch(r"\d{8}", c) for c in r["cpv_codes"].split(";")), where
        assert all(re.fullmatch(r"\d{5}", c) for c in r["sic_codes"].split(";")), where
        assert 20_000 <= float(r["turnover"]) <= 6_000_000, where
        assert int(r["employees"]) >= 1, where
        words = len(r["description"].split())
        assert 30 <= words <= 80, (where, words)
        assert r["description"].startswith("We "), where
        assert r["email"].endswith("@example.org"), where
        assert r["website"].startswith("https://") and r["website"].endswith(".example.org"), where


def test_directory_turnovers_are_mostly_small_with_a_few_anchors():
    turnovers = [float(r["turnover"]) for r in directory_rows()]
    anchors = [t for t in turnovers if t > 2_000_000]
    assert 3 <= len(anchors) <= 8
    assert sum(t <= 2_000_000 for t in turnovers) / len(turnovers) > 0.9


# ---------------------------------------------------------------------- OCDS notices


def test_every_package_is_ocds_1_1_and_marked_illustrative():
    pkgs = packages()
    assert len(pkgs) >= 4
    for name, pkg in pkgs.items():
        assert pkg["version"] == "1.1", name
        for key in ("uri", "publishedDate", "publisher", "releases"):
            assert pkg.get(key), (name, key)
        assert "illustrative" in pkg["publisher"]["name"], name
        assert "Fictional" in pkg["_note"], name


def test_every_release_has_the_ocds_essentials():
    all_releases = releases()
    ids = [r["id"] for r in all_releases]
    assert len(set(ids)) == len(ids), "release ids are unique"
    for r in all_releases:
        for key in ("ocid", "id", "date", "tag", "initiationType", "buyer", "tender", "parties"):
            assert r.get(key), (r.get("id"), key)
        assert r["ocid"].startswith("ocds-demo01-")
        assert r["initiationType"] == "tender"
        assert "illustrative" in r["buyer"]["name"]
        parties = {p["id"]: p for p in r["parties"]}
        assert "buyer" in parties[r["buyer"]["id"]]["roles"]
        t = r["tender"]
        for key in ("id", "title", "description", "status", "value", "items", "tenderPeriod", "contractPeriod"):
            assert t.get(key), (r["id"], key)
        assert t["value"]["currency"] == "GBP" and t["value"]["amount"] > 0
        lot_ids = {lot["id"] for lot in t.get("lots", [])}
        for item in t["items"]:
            assert item["classification"]["scheme"] == "CPV"
            assert re.fullmatch(r"\d{8}", item["classification"]["id"])
            assert item["deliveryAddresses"][0]["postalCode"]
            if lot_ids:
                assert item["relatedLot"] in lot_ids
        if lot_ids:
            assert sum(lot["value"]["amount"] for lot in t["lots"]) == pytest.approx(t["value"]["amount"], rel=0.25)


def test_notice_count_and_scan_date_mix():
    latest = latest_by_ocid()
    assert 35 <= len(latest) <= 55
    open_notices = [r for r in latest.values() if "award" not in r["tag"]]
    past = [r for r in open_notices if _deadline(r) < SCENARIO_DATE]
    soon = [r for r in open_notices if SCENARIO_DATE <= _deadline(r) <= SCENARIO_DATE + timedelta(days=14)]
    assert len(past) >= 3, "some deadlines before the scenario date, so the scan shows exclusions"
    assert len(soon) >= 3, "some notices closing within 14 days of the scenario date"
    assert sum(bool(r["tender"].get("otherRequirements")) for r in open_notices) >= 2, "reserved contracts"
    assert sum(bool(r["tender"].get("lots")) for r in open_notices) >= 8


def test_amendments_share_an_ocid_with_a_later_date_and_record_what_changed():
    by_ocid = defaultdict(list)
    for r in releases():
        by_ocid[r["ocid"]].append(r)
    amended = [rs for rs in by_ocid.values() if any("tenderAmendment" in r["tag"] for r in rs)]
    assert 2 <= len(amended) <= 4
    for rs in amended:
        rs.sort(key=lambda r: r["date"])
        first, last = rs[0], rs[-1]
        assert "tender" in first["tag"] and "tenderAmendment" in last["tag"]
        assert last["date"] > first["date"]
        amendment = last["tender"]["amendments"][-1]
        assert amendment["amendsReleaseID"] == first["id"] and amendment["releaseID"] == last["id"]
        assert (_deadline(last) != _deadline(first)) or (
            last["tender"]["value"]["amount"] != first["tender"]["value"]["amount"]
        )


def test_built_environment_awards_total_about_350_million():
    total = 0.0
    for r in latest_by_ocid().values():
        if "award" not in r["tag"]:
            continue
        parties = {p["id"]: p for p in r["parties"]}
        for award in r["awards"]:
            assert datetime.fromisoformat(award["date"].replace("Z", "+00:00")) < SCENARIO_DATE
            for s in award["suppliers"]:
                party = parties[s["id"]]
                assert party["identifier"]["scheme"] in {"GB-COH", "GB-MPR"}
                assert {"scale", "vcse"} <= set(party["details"])
            if r["tender"]["classification"]["id"].startswith(BUILT_ENVIRONMENT_PREFIXES):
                total += award["value"]["amount"]
    assert 330e6 <= total <= 370e6, total


# ---------------------------------------------------------------------- Contracts Finder CSV


def test_contracts_finder_export_has_43_columns_and_crlf_lines():
    raw = CF_CSV.read_bytes()
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    with CF_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows[0]) == 43 and rows[0][0] == "Notice Identifier"
    assert 5 <= len(rows) - 1 <= 8
    assert all(len(r) == 43 for r in rows)
    for r in cf_rows():
        assert "illustrative" in r["Organisation Name"]
        assert POSTCODE.match(r["Postcode"])
        datetime.strptime(r["Closing Date"], "%d/%m/%Y")


@pytest.mark.realdata
def test_contracts_finder_header_matches_the_real_export(shared_data):
    real = shared_data / "uk_notices_csv" / "cf_export_open_2025-11.csv"
    with real.open(encoding="utf-8", newline="") as fh:
        real_header = next(csv.reader(fh))
    with CF_CSV.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == real_header


# ---------------------------------------------------------------------- spend files


def _award_refs() -> dict[str, float]:
    return {
        a["id"]: a["value"]["amount"]
        for r in latest_by_ocid().values()
        if "award" in r["tag"] and r["tender"]["classification"]["id"].startswith(BUILT_ENVIRONMENT_PREFIXES)
        for a in r["awards"]
    }


_SUFFIX = re.compile(
    r"\b(ltd|limited|cic|c i c|co ?op|co operative|cooperative|community interest company|society|soc ent)\b"
)


def _plain_name(name: str) -> str:
    return " ".join(_SUFFIX.sub(" ", re.sub(r"[^a-z0-9]+", " ", name.lower())).split())


def _social_enterprise_of(name: str, number: str, directory: list[dict[str, str]]) -> str | None:
    """A plain reference resolver for the test: registration number first, then a fuzzy name match."""
    for r in directory:
        if number and number.lstrip("0") in {
            r["companies_house_number"].lstrip("0"),
            r["mutuals_register_number"],
        }:
            return r["id"]
    names = {r["id"]: _plain_name(r["name"]) for r in directory}
    best = process.extractOne(_plain_name(name), names, scorer=fuzz.token_set_ratio, score_cutoff=85)
    return best[2] if best else None


def test_supply_chain_return_pays_directory_enterprises_unevenly():
    with RETURN_CSV.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == [
            "contract_ref",
            "supplier_name",
            "supplier_company_number",
            "supplier_mutuals_number",
            "amount",
            "date",
            "description",
        ]
    rows = return_rows()
    assert 60 <= len(rows) <= 150
    refs = _award_refs()
    assert {r["contract_ref"] for r in rows} <= set(refs)
    assert any(float(r["amount"]) < 0 for r in rows), "a credit note"
    directory = directory_rows()
    social = defaultdict(float)
    others = 0
    for r in rows:
        assert date.fromisoformat(r["date"]) < SCENARIO_DATE.date()
        number = r["supplier_company_number"] or r["supplier_mutuals_number"]
        if _social_enterprise_of(r["supplier_name"], number, directory):
            social[r["contract_ref"]] += float(r["amount"])
        else:
            others += 1
    assert 3 <= others <= 15, "a few non-social suppliers"
    assert 1.2e6 <= sum(social.values()) <= 1.8e6
    progress = {ref: social[ref] / (0.01 * value) for ref, value in refs.items()}
    assert any(p >= 1 for p in progress.values()), "some contracts have met the 1% target"
    assert any(p < 0.25 for p in progress.values()), "some are well behind"
    assert any(0.4 <= p < 1 for p in progress.values()), "some are on their way"


def test_council_spend_file_is_messy_in_the_real_ways():
    raw = COUNCIL_CSV.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "£" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2][:4] == ["Directorate", "Service Area", "Expenses Type", "Payment Date"]
    body = rows[3:]
    assert len(body) >= 20
    assert any(r[6] == "Redacted Personal Information" for r in body)
    assert any(r[5].startswith("-") for r in body)
    for r in body:
        datetime.strptime(r[3], "%d/%m/%Y")


# ---------------------------------------------------------------------- labels


def test_labels_reference_existing_notices_lots_and_enterprises():
    doc = json.loads(LABELS.read_text(encoding="utf-8"))
    assert doc["scenario"]
    enterprise_ids = {r["id"] for r in directory_rows()}
    lots: dict[str, set] = {o: {lot["id"] for lot in r["tender"].get("lots", [])} for o, r in latest_by_ocid().items()}
    lots.update({f"cf-{r['Notice Identifier']}": set() for r in cf_rows()})
    seen = set()
    for label in doc["labels"]:
        key = (label["tender_id"], label["lot_id"])
        assert key not in seen, key
        seen.add(key)
        assert label["tender_id"] in lots, key
        if label["lot_id"] is not None:
            assert label["lot_id"] in lots[label["tender_id"]], key
        assert label["shortlist"] and set(label["shortlist"]) <= enterprise_ids, key
        assert len(set(label["shortlist"])) == len(label["shortlist"]), key
        if label["team"] is not None:
            assert len(label["team"]) >= 2 and set(label["team"]) <= enterprise_ids, key
        assert label["why"].strip(), key
    open_ids = {o for o, r in latest_by_ocid().items() if "award" not in r["tag"]} | {
        f"cf-{r['Notice Identifier']}" for r in cf_rows()
    }
    assert open_ids <= {t for t, _ in seen}, "every open notice is labelled"


def test_labels_load_with_the_evaluate_reader():
    evaluate = pytest.importorskip("procure_match.evaluate")
    labels = evaluate.load_labels(LABELS)
    assert len(labels) == len(json.loads(LABELS.read_text(encoding="utf-8"))["labels"])


# ---------------------------------------------------------------------- fictional


def test_contacts_are_roles_not_people():
    names = [p["contactPoint"]["name"] for r in releases() for p in r["parties"] if "contactPoint" in p]
    names += [r["Contact Name"] for r in cf_rows()]
    assert names
    for name in names:
        assert ROLE_WORDS.search(name), name
    emails = [p["contactPoint"]["email"] for r in releases() for p in r["parties"] if "contactPoint" in p]
    emails += [r["Contact Email"] for r in cf_rows()]
    assert all(e.endswith("example.org") for e in emails)


# ---------------------------------------------------------------------- build and ingest


def _build_module():
    spec = importlib.util.spec_from_file_location("demo_data_build", TENDERS / "_build" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_files_match_a_fresh_build():
    for rel, data in _build_module().outputs().items():
        assert (ROOT / rel).read_bytes() == data, f"{rel} is stale: run .venv/bin/python tenders/_build/build.py"


def test_notices_ingest_with_nothing_skipped():
    ingest = pytest.importorskip("procure_match.ingest")
    if not hasattr(ingest, "load_notices"):
        pytest.skip("procure_match.ingest.load_notices is not there yet")
    from procure_match.settings import Settings

    tenders, report = ingest.load_notices([OCDS_DIR, CF_CSV], Settings())
    assert not report.problems, report.problems[:3]
    assert report.records_read == report.records_kept
    assert len(tenders) == len(latest_by_ocid()) + len(cf_rows())
    by_id = {t.tender_id: t for t in tenders}
    assert all(t.cpv_codes and t.locations for t in tenders)
    assert sum(len(t.amendments) for t in by_id.values()) >= 2


def test_directory_ingests_with_nothing_skipped():
    directory = pytest.importorskip("procure_match.ingest.directory")
    if not hasattr(directory, "load_directory"):
        pytest.skip("procure_match.ingest.directory.load_directory is not there yet")
    from procure_match.settings import Settings

    settings = Settings()
    settings.ingest.postcode_file = str(POSTCODE_FIXTURE)  # the demo's postcodes, cut from postcodez by the build
    enterprises, report = directory.load_directory(DIRECTORY, settings)
    assert not report.problems, report.problems[:3]
    assert len(enterprises) == len(directory_rows())
    assert all(e.location_precision == "postcode" for e in enterprises), "every postcode is a real unit"
    assert all(e.registration_ids and e.legal_form for e in enterprises)
    assert {c for e in enterprises for c in e.consortia} == CONSORTIA


def test_spend_files_parse_with_nothing_skipped():
    spendfiles = pytest.importorskip("procure_match.ledger.spendfiles")
    from procure_match.errors import IngestReport

    for path, kind, header_row in ((RETURN_CSV, "return", 1), (COUNCIL_CSV, "council", 3)):
        report = IngestReport()
        parsed = spendfiles.parse_spend_file(path, kind, report=report)
        assert not report.problems, (path.name, report.problems[:3])
        assert parsed.header_row == header_row, path.name
        assert {"supplier", "amount", "date"} <= set(parsed.columns), path.name
    assert all(line.contract_ref for line in spendfiles.parse_spend_file(RETURN_CSV, "return").lines)


def test_awards_register_as_ledger_contracts_worth_350_million():
    contracts = pytest.importorskip("procure_match.ledger.contracts")
    ingest = pytest.importorskip("procure_match.ingest")
    from procure_match.settings import Settings

    settings = Settings()
    tenders, _ = ingest.load_notices([OCDS_DIR], settings)
    registered = contracts.contracts_from_tenders(tenders, settings)
    built = [c for c in registered if contracts.category_for([c.cpv], settings)[0] == "built environment"]
    assert {c.ref for c in built} == set(_award_refs())  # returns name the award id; the id adds the OCID
    assert all(c.id.startswith("ocds-") and c.id.endswith(f"/{c.ref}") for c in built)
    assert sum(c.value for c in built) == pytest.approx(350e6)


# ---------------------------------------------------------------------- real reference data


@pytest.mark.realdata
def test_codes_exist_in_the_cpv_and_sic_code_lists(shared_data):
    with (shared_data / "codelists" / "cpv2008_en.csv").open(encoding="utf-8") as fh:
        cpv = {r["code8"] for r in csv.DictReader(fh)}
    with (shared_data / "codelists" / "sic2007_companies_house_condensed.csv").open(encoding="utf-8") as fh:
        sic = {r["code"] for r in csv.DictReader(fh)}
    for r in directory_rows():
        assert set(r["cpv_codes"].split(";")) <= cpv, r["id"]
        assert set(r["sic_codes"].split(";")) <= sic, r["id"]
    for rel in releases():
        for item in rel["tender"]["items"]:
            codes = [item["classification"]["id"]] + [c["id"] for c in item["additionalClassifications"]]
            assert set(codes) <= cpv, rel["id"]
    for r in cf_rows():
        assert set(r["Cpv Codes"].split()) <= cpv


@pytest.mark.realdata
def test_postcodes_are_in_known_postcode_districts(shared_data):
    with (shared_data / "geo" / "postcode_districts_doogal_2020.csv").open(encoding="utf-8") as fh:
        districts = {r["Postcode"] for r in csv.DictReader(fh)}
    postcodes = {r["postcode"] for r in directory_rows()}
    postcodes |= {
        a["postalCode"] for rel in releases() for item in rel["tender"]["items"] for a in item["deliveryAddresses"]
    }
    for pc in postcodes:
        assert pc.split()[0] in districts, pc
