"""Legal form from every signal (issue 11, item 5): stated form, ownership, name, registration ids."""

from __future__ import annotations

import pytest

from procure_match.domain import LEGAL_FORMS, SOCIAL_LEGAL_FORMS
from procure_match.ingest.legal_form import infer_legal_form


def test_worker_owned_company_is_a_co_operative():
    got = infer_legal_form("Company", ownership="Workers", name="Metro-Boulot-Dodo")
    assert got.form == "co-operative company" and got.form in SOCIAL_LEGAL_FORMS
    assert "'Company'" in got.evidence and "owned by its workers" in got.evidence


@pytest.mark.parametrize("ownership", ["Consumers", "Multi-stakeholder", "Self-employed", "Tenants", "Co-operatives"])
def test_other_co_operative_ownership_counts(ownership):
    assert infer_legal_form("Company", ownership=ownership).form == "co-operative company"


@pytest.mark.parametrize("ownership", ["Employee Trust", "Community of Interest", ""])
def test_non_co_operative_ownership_decides_nothing(ownership):
    assert infer_legal_form("Company", ownership=ownership) == infer_legal_form("Company")
    assert infer_legal_form("Company").form is None  # unknown, never "not social"


def test_stated_form_wins_and_says_so():
    got = infer_legal_form("Society", ownership="Workers", name="Anything CIC")
    assert got.form == "co-operative society" and got.evidence == "legal form 'Society' (owned by its workers)"


def test_name_signals():
    assert infer_legal_form("Company", name="Green Routes C.I.C.").form == "community interest company"
    assert infer_legal_form(None, name="Green Routes Community Interest Company").form == "community interest company"
    coop = infer_legal_form("Ltd", name="Suma Wholefoods Workers' Co-operative")
    assert coop.form == "co-operative company" and "the name" in coop.evidence
    assert infer_legal_form("Ltd", name="Acme Ltd").form is None


def test_registration_signals():
    society = infer_legal_form(None, registration_ids=("GB-MPR-30005R",))
    assert society.form == "co-operative society" and "GB-MPR-30005R" in society.evidence
    charity = infer_legal_form("Company", registration_ids=("GB-COH-01234567", "GB-CHC-1100001"))
    assert charity.form == "charity" and "GB-CHC-1100001" in charity.evidence
    assert infer_legal_form(None, registration_ids=("GB-COH-01234567",)).form is None


def test_unrecognised_stated_form_is_not_guessed():
    assert infer_legal_form("Bespoke arrangement", name="X Co-operative", registration_ids=("GB-MPR-1R",)).form is None


def test_every_inferred_form_is_a_known_form():
    for raw in ("Company", "Ltd", "co-operative", None):
        for ownership in ("Workers", ""):
            for ids in ((), ("GB-MPR-1R",), ("GB-COH-01234567",)):
                got = infer_legal_form(raw, ownership=ownership, name="Leeds Bread Co-op", registration_ids=ids)
                assert got.form is None or (got.form in LEGAL_FORMS and got.evidence)
