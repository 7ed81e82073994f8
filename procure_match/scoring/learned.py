"""The learned fit applied in a scan: features of each retrieved pair, the model's calibrated fit, the floor.

``LearnedFit`` holds what the fit needs beyond the rule outcomes: the model, a BM25 index of the
enterprise texts, and the notice and enterprise texts. ``match_targets`` calls ``apply`` once per
notice or lot with its K retrieved pairs; ``apply`` sets each candidate's ``fit`` and ``score`` to the
calibrated probability that a coordinator would call the pair a fit, names the parts behind it, and
marks the pairs below ``scan.min_fit`` as ``below floor`` (kept in matches.json, never briefed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from procure_match.domain import Candidate, Tender
from procure_match.scoring.fit import DirectorySpread, FitModel, feature_matrix, notice_kind, outcome_columns
from procure_match.scoring.lexical import BM25Index, noise_words, shared_terms
from procure_match.scoring.rank import STATUS_BELOW_FLOOR, STATUS_INELIGIBLE
from procure_match.scoring.rules import MatchTarget, RuleOutcome

FIT_PART_PREFIX = "fit: "


@dataclass
class LearnedFit:
    model: FitModel | None  # None: features only (training)
    lexical: BM25Index  # fitted on ``enterprise_texts``
    target_texts: Sequence[str]  # one per target, in match order
    enterprise_texts: Sequence[str]  # one per enterprise, in directory order
    min_fit: float
    target_vectors: np.ndarray  # one per target (unit vectors)
    title_vectors: np.ndarray  # the target's title alone, one per target
    enterprise_vectors: np.ndarray
    spread: DirectorySpread
    noise: Sequence[frozenset[str]] = ()  # per target: its buyer's and places' words (never "shared words")
    lexical_matrix: np.ndarray | None = field(default=None, init=False)  # targets x K, from ``prepare``
    word_counts: dict[int, int] = field(default_factory=dict, init=False)  # enterprise index -> words

    @classmethod
    def build(
        cls,
        model: FitModel | None,
        target_texts: Sequence[str],
        enterprise_texts: Sequence[str],
        target_vectors: np.ndarray,
        title_vectors: np.ndarray,
        enterprise_vectors: np.ndarray,
        *,
        min_fit: float = 0.0,
        noise: Sequence[frozenset[str]] = (),
    ) -> LearnedFit:
        """A LearnedFit with its BM25 index and directory spread computed from the texts and vectors given."""
        return cls(
            model, BM25Index(enterprise_texts), target_texts, enterprise_texts, min_fit, target_vectors,
            title_vectors, enterprise_vectors, DirectorySpread.of(enterprise_vectors), noise,
        )  # fmt: skip

    def prepare(self, indices: np.ndarray) -> None:
        """The BM25 part of every retrieved pair at once (``indices``: targets x K, as retrieval returns them)."""
        self.lexical_matrix = self.lexical.scaled_pair_matrix(self.target_texts, indices)

    def lexical_scores(self, t_i: int, idx: np.ndarray) -> np.ndarray:
        prepared = self.lexical_matrix
        if prepared is not None and t_i < len(prepared) and len(idx) <= prepared.shape[1]:
            return prepared[t_i, : len(idx)]
        scores, scale = self.lexical.scaled_pair_scores(self.target_texts[t_i], idx)
        return scores / (scale or 1.0)

    def features(
        self,
        target: MatchTarget,
        t_i: int,
        idx: np.ndarray,
        cosines: np.ndarray,
        scored: list[tuple[Candidate, list[RuleOutcome]]],
    ) -> np.ndarray:
        """The features of one target's retrieved pairs, shape (pairs, FEATURES): what the fit reads."""
        n = len(scored)
        rows = np.asarray(idx[:n])
        lex = self.lexical_scores(t_i, idx)[:n]
        cos = np.asarray(cosines[:n], dtype=np.float64)
        cpv, distance = outcome_columns([outcomes for _, outcomes in scored])
        return feature_matrix(
            semantic=cos,
            best_semantic=float(cos.max()),
            semantic_z=self.spread.z(self.target_vectors[t_i], cos),
            title_semantic=np.asarray(self.enterprise_vectors[rows] @ self.title_vectors[t_i], dtype=np.float64),
            lexical=lex,
            best_lexical=float(lex.max()),
            cpv=cpv,
            distance=distance,
            enterprise_words=np.array([self._words(int(i)) for i in rows], dtype=np.float64),
            notice_kind=notice_kind(target.cpv_codes),
            value_gbp=target.value_gbp,
            notice_words=len(self.target_texts[t_i].split()),
        )

    def _words(self, i: int) -> int:
        if i not in self.word_counts:
            self.word_counts[i] = len(self.enterprise_texts[i].split())
        return self.word_counts[i]

    def apply(
        self,
        target: MatchTarget,
        t_i: int,
        idx: np.ndarray,
        cosines: np.ndarray,
        scored: list[tuple[Candidate, list[RuleOutcome]]],
    ) -> None:
        """Set fit, score, status, parts and the first reason of each of one target's candidates."""
        if not scored or self.model is None:
            return
        x = self.features(target, t_i, idx, cosines, scored)
        fits = self.model.predict(x)
        parts = self.model.explain_rows(x)
        exclude = self.noise[t_i] if t_i < len(self.noise) else frozenset()
        for j, (cand, _) in enumerate(scored):
            words = shared_terms(
                self.lexical, self.target_texts[t_i], self.enterprise_texts[int(idx[j])], exclude=exclude
            )
            set_fit(cand, float(fits[j]), parts[j], words, self.min_fit)


def tender_noise(tender: Tender) -> frozenset[str]:
    """Words of the buyer's name and of the notice's place fields (never shown as matching words)."""
    places = [x for loc in tender.locations for x in (loc.description, loc.region, loc.postcode)]
    return noise_words(tender.buyer_name, *places)


# How each part of the fit reads to a coordinator, for it (+) and against it (-).
PART_WORDS: dict[str, tuple[str, str]] = {
    "text similarity": ("the descriptions say much the same", "the descriptions say different things"),
    "shared specific words": ("shared specific words", "few specific words in common"),
    "CPV codes": ("its CPV codes match the notice's", "its CPV codes do not match"),
    "distance": ("close to where the work is", "far from where the work is"),
    "distance not scored": ("distance not scored (desk work, or no single place)", "distance could not be checked"),
    "no CPV codes to compare": ("no CPV codes to compare (not held against it)", "no CPV codes to compare"),
    "kind of notice": ("the kind of notice suits", "a supply-of-goods or works notice"),
    "kind of notice unknown": ("no CPV code to say goods, works or services", "no CPV code to say goods or services"),
    "contract value": ("a modest contract value", "a large contract"),
    "value not stated": ("value not stated (not held against it)", "value not stated"),
    "length of the notice": ("a short, specific notice", "a long, general notice"),
}


def _part_words(group: str, value: float, words: Sequence[str]) -> str:
    pro, con = PART_WORDS.get(group, (group, f"not {group}"))
    said = pro if value >= 0 else con
    if group == "shared specific words" and value >= 0 and words:
        said = f"{said} ({', '.join(words)})"
    strength = "strongly: " if abs(value) >= 2.0 else ""
    return strength + said


def fit_sentence(fit: float, parts: dict[str, float], words: Sequence[str]) -> str:
    """'Fit 0.74: about 7 in 10 pairs like this are worth forwarding; for it: the descriptions say much the same;
    shared specific words (grounds, mowing); against it: far from where the work is.' The log-odds behind each
    part are in the candidate's parts ("fit: <part>")."""

    pro = [_part_words(g, v, words) for g, v in parts.items() if v >= 0.25][:3]
    con = [_part_words(g, v, words) for g, v in parts.items() if v <= -0.25][:2]
    out = f"Fit {fit:.2f}: about {round(fit * 10)} in 10 pairs like this are worth forwarding"
    if pro:
        out += "; for it: " + "; ".join(pro)
    if con:
        out += "; against it: " + "; ".join(con)
    return out + "."


def set_fit(cand: Candidate, fit: float, parts: dict[str, float], words: Sequence[str], min_fit: float) -> None:
    cand.fit = round(fit, 6)
    cand.score = cand.fit
    for group, value in parts.items():
        cand.parts[FIT_PART_PREFIX + group] = round(value, 4)
    cand.reasons.insert(0, fit_sentence(fit, parts, words))
    if fit < min_fit and cand.status != STATUS_INELIGIBLE:
        cand.status = STATUS_BELOW_FLOOR
        cand.eligible = False
        cand.reasons.insert(1, f"Below the fit floor of {min_fit:.2f} (scan.min_fit): listed, not proposed.")
