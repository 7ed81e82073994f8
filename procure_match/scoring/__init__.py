"""Scoring: cosine top-K retrieval, rules per pair, and ranking into Candidates.

* ``retrieval.top_k_cosine`` - exact top-K by chunked matrix products (memory bounded);
* ``rules`` - one small pure function per feature or rule, each returning a ``RuleOutcome``;
* ``rank`` - combine outcomes into a score and status, rank within each notice or lot.
"""

from procure_match.scoring.rank import build_candidate, combine, rank_candidates
from procure_match.scoring.retrieval import top_k_cosine
from procure_match.scoring.rules import MatchTarget, RuleOutcome, evaluate_pair

__all__ = [
    "MatchTarget",
    "RuleOutcome",
    "build_candidate",
    "combine",
    "evaluate_pair",
    "rank_candidates",
    "top_k_cosine",
]
