"""Golden tests for supplier-name normalisation, registration ids and resolution; blocked vs every-pair."""

from __future__ import annotations

import csv
import random

import pytest

from procure_match.ledger.names import normalise_name
from procure_match.ledger.resolve import (
    METHOD_EXACT,
    METHOD_FUZZY,
    METHOD_ID,
    STATUS_ACCEPTED,
    STATUS_NONE,
    STATUS_REDACTED,
    STATUS_REVIEW,
    DirectoryEntry,
    SupplierResolver,
    resolve_names,
    resolve_names_full,
)
from procure_match.reference.orgids import registration_id
from procure_match.settings import Settings


def _golden(fixtures, name):
    with (fixtures / "ledger" / name).open(encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


def test_name_normalisation_golden(fixtures):
    rows = _golden(fixtures, "names_golden.csv")
    assert len(rows) >= 15
    got = [[raw, normalise_name(raw)] for raw, _ in rows]
    assert got == rows


def test_registration_id_golden(fixtures):
    rows = _golden(fixtures, "ids_golden.csv")
    got = [[raw, registration_id(raw) or ""] for raw, _ in rows]
    assert got == rows


DIRECTORY = [
    DirectoryEntry("R1", "Green Works C.I.C.", ("GB-COH-08123456",), "B5 4TD"),
    DirectoryEntry("R2", "Birmingham Community Builders Co-operative Limited", (), "B12 9QH"),
    DirectoryEntry("R3", "Ladywood Landscapes Community Interest Company", ("GB-MPR-1234R",), "B16 8AA"),
    DirectoryEntry("R4", "The Jericho Foundation", (), "B12 8NR"),
]


@pytest.mark.parametrize(
    ("name", "reg", "expected"),
    [
        ("Anything Ltd", "8123456", ("R1", METHOD_ID, STATUS_ACCEPTED)),  # id wins, zero padding restored
        ("Ladywood", "IP 01234R", ("R3", METHOD_ID, STATUS_ACCEPTED)),
        ("GREEN WORKS LIMITED", None, ("R1", METHOD_EXACT, STATUS_ACCEPTED)),
        ("The Birmingham Community Builders Co-op", None, ("R2", METHOD_EXACT, STATUS_ACCEPTED)),
        ("Jerico Foundation", None, ("R4", METHOD_FUZZY, STATUS_ACCEPTED)),
        ("Bham Community Builders", None, ("R2", METHOD_FUZZY, STATUS_REVIEW)),
        ("Ladywood Landscaping", None, ("R3", METHOD_FUZZY, STATUS_REVIEW)),
        ("Big Plant Hire Ltd", None, (None, "none", STATUS_NONE)),
        ("Redacted Personal Information", None, (None, "none", STATUS_REDACTED)),
        ("REDACTED", "8123456", (None, "none", STATUS_REDACTED)),  # never resolved, even with an id
    ],
)
def test_resolution_golden(name, reg, expected):
    r = SupplierResolver(DIRECTORY, Settings()).resolve([(name, reg)])[0]
    assert (r.enterprise_id, r.method, r.status) == expected
    if r.method in (METHOD_ID, METHOD_EXACT):
        assert r.score == 100.0
    if r.method == METHOD_FUZZY:
        assert 80 <= r.score <= 100


def test_thresholds_come_from_settings():
    s = Settings()
    s.ledger.accept_threshold = 85.0
    r = SupplierResolver(DIRECTORY, s).resolve([("Bham Community Builders", None)])[0]
    assert r.status == STATUS_ACCEPTED and r.enterprise_id == "R2"


def _synthetic(rng: random.Random, n: int) -> list[str]:
    syll = ["ar", "be", "con", "dor", "el", "fen", "gra", "hol", "in", "kel", "mor", "nor", "pel", "ros", "tor", "ven"]
    common = ["community", "housing", "services", "trust", "care", "green", "works", "arts"]
    suffix = ["Ltd", "CIC", "Co-operative", "Limited", ""]
    out = []
    for _ in range(n):
        toks = ["".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(1, 2))]
        toks += rng.sample(common, rng.randint(0, 2))
        out.append(" ".join(t.capitalize() for t in toks) + " " + rng.choice(suffix))
    return out


def test_blocked_resolution_finds_what_every_pair_finds():
    """Recall against the full cdist (same scorer, thresholds) on a synthetic directory with typos."""
    rng = random.Random(11)
    directory = _synthetic(rng, 4000)
    queries = []
    for _ in range(600):
        base = rng.choice(directory)
        i = rng.randrange(len(base))
        queries.append(rng.choice([base, base.upper(), base[:i] + base[i + 1 :], rng.choice(_synthetic(rng, 1))]))
    s = Settings()
    blocked = resolve_names(queries, directory, s)
    full = resolve_names_full(queries, directory, s)
    matched = [(b, f) for b, f in zip(blocked, full, strict=True) if f.index is not None]
    assert len(matched) > 300
    same = sum(1 for b, f in matched if b.index is not None and abs(b.score - f.score) < 1e-6)
    assert same / len(matched) >= 0.99
    # blocking never invents a match the full comparison would not make
    for b, f in zip(blocked, full, strict=True):
        if b.index is not None:
            assert f.index is not None and b.score <= f.score + 1e-6
