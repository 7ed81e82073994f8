from __future__ import annotations

import numpy as np
import pytest

from procure_match.scoring.retrieval import chunk_rows_for, pair_cosine, top_k_cosine


def _unit(rng, n, d):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("n_q", "n_c", "k", "budget"), [(37, 500, 10, 4 * 500 * 8), (5, 3, 10, 1), (64, 200, 200, 10**6)]
)
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_top_k_equals_brute_force(n_q, n_c, k, budget, backend):
    rng = np.random.default_rng(n_q + n_c + k)
    q, c = _unit(rng, n_q, 16), _unit(rng, n_c, 16)
    idx, scores = top_k_cosine(q, c, k, budget_bytes=budget, backend=backend)
    full = q @ c.T
    kk = min(k, n_c)
    brute = np.argsort(-full, axis=1, kind="stable")[:, :kk]
    assert idx.shape == (n_q, kk)
    np.testing.assert_array_equal(idx, brute)
    np.testing.assert_allclose(scores, np.take_along_axis(full, brute, axis=1), rtol=1e-5, atol=1e-6)
    assert np.all(np.diff(scores, axis=1) <= 1e-7)  # sorted best first


def test_chunks_respect_the_memory_budget():
    assert chunk_rows_for(100_000, 64 * 1024 * 1024) == 167
    assert chunk_rows_for(10**9, 1) == 1


def test_empty_inputs_and_bad_k():
    rng = np.random.default_rng(0)
    c = _unit(rng, 4, 8)
    idx, scores = top_k_cosine(np.zeros((0, 8), np.float32), c, 3)
    assert idx.shape == (0, 3) and scores.shape == (0, 3)
    with pytest.raises(ValueError, match="k must be"):
        top_k_cosine(c, c, 0)
    assert pair_cosine(c[0], c[0]) == pytest.approx(1.0, abs=1e-6)
