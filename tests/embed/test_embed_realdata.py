"""Real data: 387 worker co-operatives (Co-operatives UK, 2023) as enterprise texts, searched by need."""

from __future__ import annotations

import csv
from dataclasses import replace

import numpy as np
import pytest

from procure_match.domain import Enterprise
from procure_match.embed import VectorCache, embed_with_cache
from procure_match.embed.tfidf import TfidfEmbedder
from procure_match.reference.cpv import default_vocabulary
from procure_match.texts import cap, enterprise_text

QUERIES = {
    # need -> words one of the top five enterprises must mention (name or description)
    "Bicycle repair and servicing for the council's pool bikes": ("bicycle", "bike", "cycle"),
    "Grounds maintenance: gardening, planting and grass cutting in parks": ("garden", "landscap", "grounds"),
    "Website design and development for a community services portal": ("web", "digital", "software"),
}


def worker_coops(shared_data) -> list[Enterprise]:
    path = shared_data / "orgs" / "workers_coop_2023-06-23_with_descriptions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Enterprise(
            id=row["Identifier"],
            name=row["Name"],
            description=row["Description"],
            sectors=(row["Sector"],) if row["Sector"] else (),
            sic_codes=(row["SIC Code"],) if row["SIC Code"] else (),
        )
        for row in rows
    ]


def top_five_ok(vectors: np.ndarray, query_vectors: np.ndarray, enterprises: list[Enterprise]) -> dict[str, bool]:
    out = {}
    for (query, words), qv in zip(QUERIES.items(), query_vectors, strict=True):
        top = np.argsort(-(vectors @ qv))[:5]
        text = " ".join(f"{enterprises[i].name} {enterprises[i].description}".lower() for i in top)
        out[query] = any(w in text for w in words)
    return out


@pytest.mark.realdata
def test_worker_coops_texts_and_tfidf_search(shared_data, tmp_path):
    enterprises = worker_coops(shared_data)
    assert len(enterprises) == 387
    texts = [enterprise_text(e, default_vocabulary()) for e in enterprises]
    assert all(t and "None" not in t for t in texts)
    embedder = TfidfEmbedder()
    embedder.fit([*texts, *QUERIES])
    vectors, stats = embed_with_cache(embedder, texts, VectorCache(tmp_path))
    assert stats.unique == len(set(texts)) and stats.embedded == stats.unique
    assert top_five_ok(vectors, embedder.embed(list(QUERIES)), enterprises) == dict.fromkeys(QUERIES, True)


@pytest.mark.realdata
@pytest.mark.slow
def test_worker_coops_search_with_the_real_model(shared_data, minilm):
    enterprises = worker_coops(shared_data)
    # Descriptions cut to their first 200 characters keep this test to a few seconds.
    short = [replace(e, description=cap(e.description, 200)) for e in enterprises]
    texts = [enterprise_text(e, default_vocabulary()) for e in short]
    vectors = minilm.embed(texts)
    assert top_five_ok(vectors, minilm.embed(list(QUERIES)), enterprises) == dict.fromkeys(QUERIES, True)
