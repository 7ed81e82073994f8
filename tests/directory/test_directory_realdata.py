"""Real directories from ../shared/data ingest with no column mapping (slow: uses the real postcode data)."""

from __future__ import annotations

from collections import Counter

import pytest

from procure_match.reference import postcodes as pc
from procure_match.settings import Settings, settings_from_dict

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


@pytest.fixture(scope="module")
def lookup(tmp_path_factory) -> pc.PostcodeLookup:
    if pc.postcodez_file() is None:
        pytest.skip("postcodez is not installed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROCURE_MATCH_HOME", str(tmp_path_factory.mktemp("postcodes-home")))
        return pc.load_postcode_lookup(Settings())


def load(path, lookup, settings: Settings | None = None):
    from procure_match.ingest.directory import load_directory

    return load_directory(path, settings or Settings(), postcodes=lookup)


def accounting_holds(ents, rep) -> None:
    assert rep.records_read == rep.records_kept + rep.skipped
    assert len(ents) == rep.records_kept
    assert len({e.id for e in ents}) == len(ents)


def test_coops_uk_2023(shared_data, lookup):
    ents, rep = load(shared_data / "orgs" / "coops_uk_2023Q2_standard_geocoded.csv", lookup)
    accounting_holds(ents, rep)
    assert rep.records_read == 7387 and len(ents) == 7387
    assert rep.counts["column:latitude=Geo Container Latitude"] == 1
    located = sum(1 for e in ents if e.latitude is not None)
    assert located >= 7300  # 7,090 from the file's ONS centroids, the rest from postcodes
    assert sum(1 for e in ents if e.location_precision == "file") == 7090
    forms = Counter(e.legal_form for e in ents)
    assert forms["co-operative society"] == 6269 and forms["community interest company"] == 110
    # "Company" is ambiguous alone; with a co-operative Ownership Classification it is a co-operative
    # company (665 of the 793); "Community of Interest", "Employee Trust" or no ownership leave it unknown.
    assert forms["co-operative company"] == 665 and forms[None] == 148
    coh = [r for e in ents for r in e.registration_ids if r.startswith("GB-COH-")]
    assert len(coh) >= 900 and all(len(r) == len("GB-COH-01234567") for r in coh)
    assert all(len(code) == 5 and code.isdigit() for e in ents for code in e.sic_codes)


def test_workers_coops_with_descriptions(shared_data, lookup):
    ents, rep = load(shared_data / "orgs" / "workers_coop_2023-06-23_with_descriptions.csv", lookup)
    accounting_holds(ents, rep)
    assert len(ents) == 387
    assert sum(1 for e in ents if e.description) >= 360
    assert sum(1 for e in ents if e.location_precision == "postcode") >= 370  # no coordinates in this file
    assert any(r.startswith("GB-MPR-") for e in ents for r in e.registration_ids)


def test_worker_owned_companies_are_co_operatives(shared_data, lookup):
    """Issue 11: 258 of 387 worker co-operatives said "legal form 'Company' is ambiguous" and briefs then
    said no member counted as a social enterprise. Ownership "Workers" + "Company" is a co-operative."""
    ents, rep = load(shared_data / "orgs" / "workers_coop_2023-06-23_with_descriptions.csv", lookup)
    forms = Counter(e.legal_form for e in ents)
    assert forms["co-operative company"] == 258 and forms[None] == 0
    assert not any("ambiguous" in p.problem for p in rep.problems)
    assert rep.counts["directory:legal_form_inferred"] == 258
    assert sum(1 for e in ents if e.is_social_legal_form) == 258 + 94 + 20  # co-op companies, societies, CICs
    mbd = next(e for e in ents if e.name == "Metro-Boulot-Dodo")
    assert mbd.legal_form == "co-operative company"
    assert "Ownership Classification 'Workers'" in mbd.legal_form_evidence and "'Company'" in mbd.legal_form_evidence


def test_inferred_cpv_coverage_on_worker_coops(shared_data, lookup):
    """No worker co-op declares CPV codes; most get some inferred from their SIC code or description."""
    ents, rep = load(shared_data / "orgs" / "workers_coop_2023-06-23_with_descriptions.csv", lookup)
    assert not any(e.cpv_codes for e in ents)
    inferred = [e for e in ents if e.cpv_inferred]
    assert len(inferred) >= 300 and rep.counts["directory:cpv_inferred"] == len(inferred)
    assert all(len(e.cpv_inferred) == len(e.cpv_inferred_from) for e in ents)
    by_name = {e.name: e for e in ents}
    mbd = by_name["Metro-Boulot-Dodo"]  # SIC 90030 (artistic creation): arts and culture
    assert "92300000" in mbd.cpv_inferred and "SIC 90030" in mbd.cpv_inferred_from


def test_ni_charities_cp1252(shared_data, lookup):
    path = shared_data / "orgs" / "ni_charity_register_2020-06-30_cp1252.csv"
    ents, rep = load(path, lookup)
    accounting_holds(ents, rep)
    assert rep.counts["directory:encoding=cp1252"] == 1
    assert rep.records_read == 6565
    assert rep.skipped == 342  # status "Removed"
    # Per row, a BT postcode makes a plain charity number Northern Irish...
    ni = [e for e in ents if e.postcode and e.postcode.startswith("BT")]
    assert all(any(r.startswith("GB-NIC-") for r in e.registration_ids) for e in ni)
    # ...and its plain short company number an NI company, not a GB one padded with zeros (7-8 digit
    # numbers are GB companies and stay so).
    coh = [r for e in ni for r in e.registration_ids if r.startswith("GB-COH-")]
    assert coh and sum(r.startswith("GB-COH-NI") for r in coh) >= 0.9 * len(coh)
    # Told the register, every organisation gets a GB-NIC id, whatever its postcode.
    ents, _ = load(path, lookup, settings_from_dict({"directory": {"charity_scheme": "GB-NIC"}}))
    assert all(any(r.startswith("GB-NIC-") for r in e.registration_ids) for e in ents)
    assert sum(1 for e in ents if e.postcode and e.postcode.startswith("BT")) >= 6000  # from the address
    assert not any("\ufffd" in e.name for e in ents)


def test_coops_uk_2017_layout(shared_data, lookup):
    ents, rep = load(shared_data / "orgs" / "coops_uk_2017-06_organisations.csv", lookup)
    accounting_holds(ents, rep)
    assert rep.records_read == 8371
    assert len(ents) == 6814  # 1,557 "Dead" organisations reported and skipped
    assert sum(1 for e in ents if e.latitude is not None) >= 6700
    assert sum(1 for e in ents if any(r.startswith("GB-MPR-") for r in e.registration_ids)) >= 5000
