"""BM25 (procure_match.scoring.lexical): pair scores, scale and shared words."""

from __future__ import annotations

import numpy as np
import pytest

from procure_match.scoring.lexical import BM25Index, shared_terms, tokenize

DOCS = ["grounds maintenance and grass cutting", "office cleaning services", "grass grass verges", "taxi"]


def test_pair_scores_equal_the_full_matrix() -> None:
    index = BM25Index(DOCS)
    full = index.scores(["grass cutting for verges"])[0]
    assert np.allclose(index.pair_scores("grass cutting for verges", [2, 0]), full[[2, 0]])


def test_stop_words_and_one_letters_are_dropped() -> None:
    assert tokenize("The supply of a X-ray and grass") == ["ray", "grass"]  # "supply": procurement boilerplate


def test_scale_is_the_score_of_an_average_document_with_every_word_once() -> None:
    index = BM25Index(DOCS)
    # "cleaning" occurs once in a document of average length 3.5 words? Check against the definition.
    expected = float(index.idf[index.vocab["cleaning"]] + index.idf[index.vocab["taxi"]])
    assert index.max_score("cleaning taxi") == pytest.approx(expected)
    assert index.max_score("nothing known") == 0.0


def test_shared_terms_rarest_first() -> None:
    index = BM25Index(DOCS)
    words = shared_terms(index, "grass verges and cleaning", DOCS[2] + " cleaning")
    assert words[0] in ("verges", "cleaning") and set(words) == {"grass", "verges", "cleaning"}
    assert shared_terms(index, "grass", "grass", exclude=frozenset({"grass"})) == []


def test_buyer_and_place_words_are_never_shared_words() -> None:
    from procure_match.scoring.lexical import noise_words

    index = BM25Index(DOCS)
    noise = noise_words("Lincolnshire County Council", "Lincoln, LN1 1YL")
    words = shared_terms(index, "Lincolnshire grass verges", "grass verges in Lincolnshire", exclude=noise)
    assert "lincolnshire" not in words and set(words) == {"grass", "verges"}
    assert shared_terms(index, "London taxi", "taxi firm in London") == ["taxi"]  # a place word, not a match


def test_all_pairs_at_once_equal_one_query_at_a_time() -> None:
    index = BM25Index(DOCS)
    queries = ["grass cutting verges", "taxi for the office", "nothing known"]
    idx = np.array([[0, 2, 1], [3, 1, 0], [1, 2, 3]])
    together = index.scaled_pair_matrix(queries, idx)
    for i, q in enumerate(queries):
        scores, scale = index.scaled_pair_scores(q, idx[i])
        assert np.allclose(together[i], scores / (scale or 1.0))
