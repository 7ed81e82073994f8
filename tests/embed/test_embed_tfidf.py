"""TF-IDF backend: ranking on a hand-written case, vector shape and norm, fitted-state identity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procure_match.embed import Embedder, EmbedderError, make_embedder
from procure_match.embed.tfidf import TfidfEmbedder
from procure_match.settings import settings_from_dict

CORPUS = ["grass cutting in parks", "school catering and meals", "office cleaning", "IT support and software"]


@pytest.mark.parametrize("dimensions", [1024, 0])
def test_horticulture_ranks_first(grounds_case, dimensions):
    notice, ids, texts = grounds_case
    embedder = TfidfEmbedder(dimensions=dimensions)
    embedder.fit([notice, *texts])
    vectors = embedder.embed([notice, *texts])
    scores = vectors[1:] @ vectors[0]
    ranking = [ids[i] for i in np.argsort(-scores)]
    assert ranking[0] == "horticulture-1", list(zip(ids, scores.round(3), strict=True))
    assert scores.max() - np.sort(scores)[-2] > 0.05  # first by a clear margin, not by noise


def test_vectors_are_unit_float32_of_the_set_dimension():
    embedder = make_embedder(settings_from_dict({"embedder": {"backend": "tfidf", "tfidf_dimensions": 256}}))
    embedder.fit(CORPUS)
    assert isinstance(embedder, Embedder)
    vectors = embedder.embed([*CORPUS, "parks and grass"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (5, 256) == (5, embedder.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_text_with_nothing_known_is_a_zero_row_not_nan():
    embedder = TfidfEmbedder()
    embedder.fit(CORPUS)
    vectors = embedder.embed(["", "§§§", "grass"])
    assert not np.isnan(vectors).any()
    assert np.linalg.norm(vectors[0]) == 0 and np.linalg.norm(vectors[1]) == 0
    assert np.linalg.norm(vectors[2]) == pytest.approx(1.0, rel=1e-5)
    assert embedder.embed([]).shape == (0, 1024)


def test_must_fit_before_use():
    embedder = TfidfEmbedder()
    with pytest.raises(EmbedderError, match=r"before fit\(\)"):
        embedder.embed(["x"])
    with pytest.raises(EmbedderError, match="Fix: call fit"):
        _ = embedder.model_id


def test_fit_on_nothing_is_a_clear_error():
    with pytest.raises(EmbedderError, match="no words"):
        TfidfEmbedder().fit(["", "  "])


def test_stop_words_only_still_fits_on_characters():
    embedder = TfidfEmbedder()
    embedder.fit(["the and of", "to be or not"])
    assert embedder.embed(["the and"]).shape == (1, 1024)


def test_model_id_follows_the_fitted_state():
    a, b, c, d = TfidfEmbedder(), TfidfEmbedder(), TfidfEmbedder(), TfidfEmbedder(dimensions=512)
    a.fit(CORPUS)
    b.fit(list(reversed(CORPUS)))  # same texts, other order: same vocabulary and weights
    c.fit([*CORPUS, "window cleaning"])
    d.fit(CORPUS)
    assert a.model_id == b.model_id
    np.testing.assert_array_equal(a.embed(CORPUS), b.embed(CORPUS))
    assert len({a.model_id, c.model_id, d.model_id}) == 3
    assert a.model_id.startswith("tfidf-w12-c34-d1024:")


def test_exact_mode_matches_cosine_of_the_tfidf_blocks():
    embedder = TfidfEmbedder(dimensions=0)
    embedder.fit(CORPUS)
    word, char = embedder._vectorizers
    assert embedder.dimension == len(word.vocabulary_) + len(char.vocabulary_)
    v = embedder.embed(CORPUS[:2])
    expected = (word.transform(CORPUS[:1]) @ word.transform(CORPUS[1:2]).T).toarray()[0, 0]
    expected += (char.transform(CORPUS[:1]) @ char.transform(CORPUS[1:2]).T).toarray()[0, 0]
    assert float(v[0] @ v[1]) == pytest.approx(expected / 2, abs=1e-6)  # blocks weigh the same


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=8))
def test_rows_are_unit_or_zero(texts):
    embedder = TfidfEmbedder(dimensions=64)
    embedder.fit([*CORPUS, *texts])
    norms = np.linalg.norm(embedder.embed(texts), axis=1)
    assert np.all((np.abs(norms - 1) < 1e-4) | (norms == 0))


def test_corpus_texts_embed_the_same_as_unseen_texts():
    """Rows kept from fit give the same vectors as transforming the text afresh."""
    embedder = TfidfEmbedder(dimensions=128)
    embedder.fit(CORPUS)
    from_fit = embedder.embed([CORPUS[2], "grass cutting", CORPUS[0]])
    embedder._corpus_rows = {}  # forget them: every text is transformed again
    fresh = embedder.embed([CORPUS[2], "grass cutting", CORPUS[0]])
    np.testing.assert_allclose(from_fit, fresh, atol=1e-6)
