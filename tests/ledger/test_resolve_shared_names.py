"""Several directory entries sharing one normalised name: the supplier is pinned by its legal form, or reviewed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from procure_match.ledger.resolve import (
    STATUS_ACCEPTED,
    STATUS_REVIEW,
    resolve_names,
    resolve_names_full,
)
from procure_match.settings import Settings

DIRECTORY = [
    "Oak Tree Retrofit Limited",  # 0
    "Oak Tree Retrofit CIC",  # 1
    "Oak Tree Retrofit Co-op",  # 2
    "Oak Tree Retrofit Ltd",  # 3: normalises (and light-normalises) like 0
    "Harbour Kitchen CIC",  # 4: a name nobody shares
]


def _both(queries):
    s = Settings()
    return resolve_names(queries, DIRECTORY, s), resolve_names_full(queries, DIRECTORY, s)


def test_exact_name_is_pinned_to_the_entry_with_that_legal_form():
    got, full = _both(["Oak Tree Retrofit CIC", "OAK TREE RETROFIT CO-OP", "Oak Tree Retrofit C.I.C."])
    assert [(m.index, m.status) for m in got] == [(1, STATUS_ACCEPTED), (2, STATUS_ACCEPTED), (1, STATUS_ACCEPTED)]
    assert [(m.index, m.status) for m in full] == [(m.index, m.status) for m in got]


def test_two_entries_agreeing_with_the_query_go_to_review_not_to_the_first():
    got, full = _both(["Oak Tree Retrofit Limited"])  # "Limited" and "Ltd" entries are indistinguishable
    assert got[0].status == STATUS_REVIEW and got[0].index in (0, 3)
    assert (full[0].index, full[0].status) == (got[0].index, got[0].status)


def test_no_legal_form_given_goes_to_review():
    got, _ = _both(["Oak Tree Retrofit"])  # which of the four? a person decides
    assert got[0].status == STATUS_REVIEW


def test_typo_is_pinned_to_the_closest_legal_form():
    got, full = _both(["Oak Tree Retrofitt CIC"])
    assert (got[0].index, got[0].status) == (1, STATUS_ACCEPTED)
    assert (full[0].index, full[0].status) == (1, STATUS_ACCEPTED)


def test_unshared_names_are_unchanged():
    got, _ = _both(["Harbour Kitchen Community Interest Company"])
    assert (got[0].index, got[0].status) == (4, STATUS_ACCEPTED)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["Oak Tree Retrofit", "Harbour Kitchen", "Oak Tree Retrofitt"]), min_size=1, max_size=4),
    st.lists(st.sampled_from(["Limited", "Ltd", "CIC", "Co-op", "C.I.C.", ""]), min_size=4, max_size=4),
)
def test_an_accepted_shared_name_is_always_the_one_entry_with_that_legal_form(stems, forms):
    queries = [f"{stem} {form}".strip() for stem, form in zip(stems, forms, strict=False)]
    for query, match in zip(queries, resolve_names(queries, DIRECTORY, Settings()), strict=True):
        if match.status == STATUS_ACCEPTED and match.index != 4:
            # accepted means exactly one entry carries that legal form (Limited/Ltd are shared by two)
            assert not query.endswith(("Limited", "Ltd")) and query != "Oak Tree Retrofit"
