"""Exact cosine top-K retrieval by chunked matrix products.

Vectors are L2-normalised, so cosine similarity is a dot product. The full (queries x corpus)
score matrix is never built: queries are taken in chunks sized so that one chunk's score block
stays under a memory budget, and each block is reduced to its K best columns with
``np.argpartition`` (or ``torch.topk``) before the next chunk is scored. For 5,000 notices x 100,000 enterprises and
the default 64 MB budget a block is 167 rows x 100,000 floats.
"""

from __future__ import annotations

import sys

import numpy as np

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024


def chunk_rows_for(n_corpus: int, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> int:
    """How many query rows fit in one float32 score block of at most ``budget_bytes``."""
    return max(1, budget_bytes // max(1, 4 * n_corpus))


def top_k_cosine(
    queries: np.ndarray,
    corpus: np.ndarray,
    k: int,
    *,
    budget_bytes: int = DEFAULT_BUDGET_BYTES,
    backend: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar corpus rows for every query row.

    Returns ``(indices, scores)``, both of shape ``(n_queries, min(k, n_corpus))``, each row sorted
    by descending score (ties: lower corpus index first). Both inputs must be L2-normalised.

    ``backend`` picks the per-block top-K: "numpy" (``np.argpartition``), "torch" (``torch.topk``,
    several times faster) or "auto" (torch when the process has already imported it, as the
    sentence-transformers embedder does, so a TF-IDF scan never pays torch's import time).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    queries = np.asarray(queries, dtype=np.float32)
    corpus = np.asarray(corpus, dtype=np.float32)
    n_q, n_c = queries.shape[0], corpus.shape[0]
    kk = min(k, n_c)
    indices = np.empty((n_q, kk), dtype=np.int64)
    scores = np.empty((n_q, kk), dtype=np.float32)
    if n_q == 0 or kk == 0:
        return indices, scores
    torch = _torch_if_loaded() if backend == "auto" else (_torch_if_loaded(force=True) if backend == "torch" else None)
    corpus_t = corpus.T  # BLAS reads the transpose in place: no copy of the corpus
    step = chunk_rows_for(n_c, budget_bytes)
    for start in range(0, n_q, step):
        block = queries[start : start + step] @ corpus_t
        if kk == n_c:
            part = np.broadcast_to(np.arange(n_c), block.shape).copy()
        elif torch is not None:
            part = torch.topk(torch.from_numpy(block), kk, dim=1, sorted=False).indices.numpy().astype(np.int64)
        else:
            part = np.argpartition(block, n_c - kk, axis=1)[:, n_c - kk :]
        part.sort(axis=1)  # ascending index, so the stable sort below breaks ties by index
        part_scores = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        indices[start : start + step] = np.take_along_axis(part, order, axis=1)
        scores[start : start + step] = np.take_along_axis(part_scores, order, axis=1)
    return indices, scores


def _torch_if_loaded(*, force: bool = False):
    """The torch module when already imported (or, with ``force``, importable); else None."""
    if force:
        import torch

        return torch
    return sys.modules.get("torch")


def pair_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two L2-normalised vectors (used by ``explain`` for a pair outside the top K)."""
    return float(np.dot(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)))
