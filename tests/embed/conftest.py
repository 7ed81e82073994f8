"""Embedding test fixtures: the hand-written grounds-maintenance case and the real model, loaded once."""

from __future__ import annotations

import pytest

from procure_match.domain import Enterprise, Tender
from procure_match.reference.cpv import DIVISIONS, CpvVocabulary
from procure_match.texts import enterprise_text, tender_text

GROUNDS_NOTICE = Tender(
    tender_id="ocds-test-grounds",
    title="Grounds maintenance for parks",
    description="Grounds maintenance, grass cutting, planting and horticulture for parks.",
    cpv_codes=("77313000",),
)

# (id, name, description): exactly one is obviously right for the notice above.
ENTERPRISES = [
    ("caterer-1", "Spoon and Ladle CIC", "Catering for schools and community events: hot meals, buffets and cakes."),
    ("it-1", "ByteWorks Co-operative", "IT support, software development, websites and network installation."),
    (
        "horticulture-1",
        "Green Roots Co-operative",
        "A horticulture co-operative: gardening, lawn care, tree and shrub planting, care of green spaces.",
    ),
    ("cleaning-1", "Sparkle Cleaning Co-op", "Office, school and domestic cleaning; window cleaning and deep cleans."),
    ("caterer-2", "Community Kitchen Caterers", "Cafe and event catering with locally sourced food and drinks."),
]
RIGHT_ENTERPRISE = "horticulture-1"


@pytest.fixture(scope="session")
def grounds_case() -> tuple[str, list[str], list[str]]:
    """(notice text, enterprise ids, enterprise texts) built with the real text builders.

    The CPV words are the 45 division descriptions this case was written with (77: "Agricultural, forestry,
    horticultural ... services"), not the full shipped list ("Parks maintenance services"): the case tests
    the embedders, and with the full list TF-IDF hashed to 1,024 columns ranks these five short texts by
    hashing noise (horticulture 0.069, cleaning 0.076; unhashed 0.104 vs 0.030)."""
    cpv = CpvVocabulary({code.ljust(8, "0"): desc for code, desc in DIVISIONS.items()})
    enterprises = [Enterprise(id=i, name=n, description=d) for i, n, d in ENTERPRISES]
    return (
        tender_text(GROUNDS_NOTICE, cpv),
        [e.id for e in enterprises],
        [enterprise_text(e, cpv) for e in enterprises],
    )


@pytest.fixture(scope="session")
def minilm():
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    from procure_match.embed import make_embedder
    from procure_match.settings import Settings

    embedder = make_embedder(Settings())
    embedder.embed(["warm up"])
    return embedder
