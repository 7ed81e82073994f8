"""Okapi BM25: a lexical score of a notice text against enterprise texts (pure, numpy/scipy only).

The learned fit uses BM25 beside the embedding cosine: the model misses rare exact words ("asbestos",
"braille", "taxi") that a coordinator reads first, and BM25 catches them. ``BM25Index`` is fitted once
on the directory's texts (document frequencies, lengths) and then scores any notice against any of its
documents, so a scan scores only the top K candidates of each notice.

    idf(t)  = ln(1 + (N - df + 0.5) / (df + 0.5))            (the non-negative Lucene form)
    w(t, d) = idf(t) · tf(t,d) · (k1 + 1) / (tf(t,d) + k1 · (1 - b + b · |d| / avgdl))
    score(q, d) = Σ over query terms t of w(t, d)             (a repeated query term counts each time)

Words are lower-cased runs of letters and digits, minus ``STOPWORDS`` and one-character tokens.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

K1, B = 1.2, 0.75
_TOKEN = re.compile(r"[a-z0-9]+")
# Words that carry no match: grammar, and the boilerplate of procurement notices (one list for the BM25
# score, the fit's "shared specific words" and the briefs' "Matching words").
STOPWORDS = frozenset(
    """
    a about above after again all also an and any are as at be been before being below between both but by can
    could did do does doing during each few for from further had has have having here how if in into is it its
    itself just more most no nor not of off on once only or other our out over own same should so some such than
    that the their them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with within would you your provide provision services service
    including include contract contracts council work works supply supplies required requirement requirements
    delivery deliver new per may must lot lots tender notice etc ltd limited cic company community shall
    day days time times year years week weeks month months date period opportunity opportunities procurement
    framework frameworks agreement value award awarded authority buyer supplier suppliers organisation
    organisations support based across range wide please details information further
    """.split()  # noqa: SIM905
)
# Place words said by so many notices that a shared one means nothing about the work.
PLACE_WORDS = frozenset(
    """
    uk united kingdom great britain british england english scotland scottish wales welsh northern ireland irish
    north south east west northeast northwest southeast southwest central midlands yorkshire humber london
    city county borough district metropolitan town region regional local national area areas
    """.split()  # noqa: SIM905
)


@functools.lru_cache(maxsize=1 << 16)
def _token_set(text: str) -> frozenset[str]:
    """The distinct tokens of a text (cached: a notice's text meets its K candidates, an enterprise's many notices)."""
    return frozenset(tokenize(text))


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without stop words or one-character tokens."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS and len(t) > 1]


class BM25Index:
    """BM25 weights of a fixed set of documents; ``scores`` and ``pair_scores`` score queries against them."""

    def __init__(self, documents: Sequence[str], k1: float = K1, b: float = B) -> None:
        from scipy import sparse

        self.vocab: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for doc in documents:
            for term, c in Counter(tokenize(doc)).items():
                indices.append(self.vocab.setdefault(term, len(self.vocab)))
                data.append(c)
            indptr.append(len(indices))
        n_docs = len(documents)
        shape = (n_docs, max(1, len(self.vocab)))
        tf = sparse.csr_matrix((np.array(data, dtype=np.float64), indices, indptr), shape=shape)
        doc_len = np.asarray(tf.sum(axis=1)).ravel()
        avgdl = float(doc_len.mean()) if n_docs else 0.0
        df = np.bincount(tf.indices, minlength=shape[1])
        self.idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        coo = tf.tocoo()
        norm = k1 * (1.0 - b + b * doc_len[coo.row] / (avgdl or 1.0))
        weights = self.idf[coo.col] * coo.data * (k1 + 1.0) / (coo.data + norm)
        self.weights = sparse.csr_matrix((weights, (coo.row, coo.col)), shape=shape)

    def _query_matrix(self, queries: Sequence[str]):
        from scipy import sparse

        rows, cols, data = [], [], []
        for qi, query in enumerate(queries):
            for term, c in Counter(tokenize(query)).items():
                j = self.vocab.get(term)
                if j is not None:
                    rows.append(qi)
                    cols.append(j)
                    data.append(float(c))
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(queries), self.weights.shape[1]))

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """Every (query, document) score, shape (n_queries, n_documents)."""
        q = self._query_matrix(queries)
        return np.asarray((q @ self.weights.T).todense(), dtype=np.float64)

    def pair_scores(self, query: str, doc_indices: Sequence[int] | np.ndarray) -> np.ndarray:
        """The scores of one query against the given documents only."""
        return self.scaled_pair_scores(query, doc_indices)[0]

    def scaled_pair_scores(self, query: str, doc_indices: Sequence[int] | np.ndarray) -> tuple[np.ndarray, float]:
        """(the scores of one query against the given documents, the query's scale ``max_score``), the query
        tokenised once."""
        q = self._query_matrix([query])
        rows = self.weights[np.asarray(doc_indices, dtype=np.int64)]
        scores = np.asarray((rows @ q.T).todense(), dtype=np.float64).ravel()
        return scores, float((q.data * self.idf[q.indices]).sum())

    def scaled_pair_matrix(self, queries: Sequence[str], doc_indices: np.ndarray) -> np.ndarray:
        """For every query row ``i`` and each document ``doc_indices[i, j]``: BM25 over the query's scale
        (``max_score``), shape of ``doc_indices``; one sparse product for all pairs instead of one per query."""
        q = self._query_matrix(queries)
        scale = np.asarray(q.multiply(self.idf).sum(axis=1), dtype=np.float64).ravel()
        n, k = doc_indices.shape
        rows_q = np.repeat(np.arange(n), k)
        pairs = q[rows_q].multiply(self.weights[np.asarray(doc_indices, dtype=np.int64).ravel()])
        scores = np.asarray(pairs.sum(axis=1), dtype=np.float64).reshape(n, k)
        return scores / np.where(scale > 0, scale, 1.0)[:, None]

    def idf_of(self, term: str) -> float:
        """The term's idf; a term no document holds counts as rarest."""
        j = self.vocab.get(term)
        return float(self.idf.max(initial=0.0)) + 1.0 if j is None else float(self.idf[j])

    def max_score(self, query: str) -> float:
        """What a document holding every query word once, at average length, would score: the scale of ``query``.

        Dividing a score by it gives a number comparable across notices (long notices score higher)."""
        q = self._query_matrix([query])
        return float((q.data * self.idf[q.indices]).sum())


def bm25_scores(queries: Sequence[str], documents: Sequence[str], k1: float = K1, b: float = B) -> np.ndarray:
    """Okapi BM25 score of every (query, document) pair, shape (n_queries, n_documents)."""
    return BM25Index(documents, k1, b).scores(queries)


def noise_words(*texts: str | None) -> frozenset[str]:
    """The words of a notice's buyer name and place fields: shared with an enterprise, they say nothing about
    the work ("Lincolnshire", "Council"), so they are never shown as matching words."""
    return frozenset(t for text in texts if text for t in _TOKEN.findall(text.lower()))


def shared_terms(
    index: BM25Index, query: str, document: str, limit: int = 4, exclude: frozenset[str] = frozenset()
) -> list[str]:
    """The words ``query`` and ``document`` share, rarest in the index first (the words that carry a match)."""
    common = (_token_set(query) & _token_set(document)) - exclude - PLACE_WORDS
    ranked = sorted(common, key=lambda t: (-index.idf_of(t), t))
    return ranked[:limit]
