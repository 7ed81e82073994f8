"""The learned fit: P(a coordinator would grade the pair 1 or 2), from features the scan computes.

A ``FitModel`` is a logistic regression over standardised pair features followed by an isotonic
calibration table, saved as one JSON file in ``models/`` (no pickle: a model file is data). It is
trained by ``procure_match.train`` on the judged development set in ``bench/judged/`` and loaded
at scan time by ``load_fit_model``.

Why logistic regression: every fit can be explained as a sum of per-feature contributions to the
log-odds ("text similarity +1.2, shared rare words +0.6, 310 km away for on-site work -0.4"), the
model is a few dozen numbers a reviewer can read, and on ~2,000 judged pairs it generalised as well
as gradient-boosted trees (see the model card).

Size and legal form are not features: in the judged set turnover and legal form are known almost only
for one register's charities, so a model would learn "known turnover = that register", not "the size
fits". They stay rules (capacity -> "fits, needs partners"; reserved contracts), shown beside the fit.

Features (``FEATURES``) are built by ``feature_matrix``, one formula for the scan and for training; every
feature that can be unknown has a ``*_missing`` indicator beside it, with the value itself set to a
neutral 0, so an unknown is never read as a "no".
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from procure_match.errors import ModelFileError

FIT_MODEL_FILE = "fit-v1.json"
TIE_BREAK = 1e-3
FORMAT = "procure-match-fit"
FORMAT_VERSION = 1

FEATURES: tuple[str, ...] = (
    "semantic",  # cosine of the notice and enterprise embeddings
    "semantic_gap",  # cosine minus the best cosine of the notice's candidates (0 for the best)
    "semantic_z",  # (cosine - the notice's mean cosine over the directory) / its standard deviation
    "title_semantic",  # cosine of the notice's title alone and the enterprise text
    "lexical",  # BM25 of the notice against the enterprise text, over the notice's own BM25 scale
    "lexical_gap",  # lexical minus the notice's best lexical among its candidates
    "cpv",  # CPV agreement 0..1 (declared or inferred codes)
    "cpv_missing",
    "distance",  # closeness 0..1 where distance counts for the work
    "distance_missing",  # not known, or not scored (work done remotely or across a wide area)
    "notice_goods",  # the notice's main CPV code is a supply of goods (divisions 03-44, 48)
    "notice_works",  # works (division 45)
    "notice_kind_missing",  # no CPV code: goods, works or services unknown
    "value_log10",  # log10 of the value in GBP, clipped to [3, 9]
    "value_missing",
    "notice_words_log",  # log(1 + words in the notice text)
    "semantic_x_lexical",  # the two text signals agreeing
    "lexical_x_long_text",  # lexical x log(1 + enterprise words) / log(1001): shared words count less in long texts
)

# Parts shown to coordinators for each feature group (explanations name groups, not raw features).
GROUPS: dict[str, tuple[str, ...]] = {
    "text similarity": ("semantic", "semantic_gap", "semantic_z", "title_semantic", "semantic_x_lexical"),
    "shared specific words": ("lexical", "lexical_gap", "lexical_x_long_text"),
    "CPV codes": ("cpv",),
    "no CPV codes to compare": ("cpv_missing",),
    "distance": ("distance",),
    "distance not scored": ("distance_missing",),
    "kind of notice": ("notice_goods", "notice_works"),
    "kind of notice unknown": ("notice_kind_missing",),
    "contract value": ("value_log10",),
    "value not stated": ("value_missing",),
    "length of the notice": ("notice_words_log",),
}
# A value feature whose input is unknown holds a neutral 0: its push belongs to its missing indicator's part,
# so an unstated value is never explained as "a large contract".
MISSING_OF: dict[str, str] = {
    "cpv": "cpv_missing",
    "distance": "distance_missing",
    "value_log10": "value_missing",
    "notice_goods": "notice_kind_missing",
    "notice_works": "notice_kind_missing",
}


def feature_matrix(
    *,
    semantic: np.ndarray,
    best_semantic: float,
    semantic_z: np.ndarray,
    title_semantic: np.ndarray,
    lexical: np.ndarray,
    best_lexical: float,
    cpv: np.ndarray,  # NaN = unknown
    distance: np.ndarray,  # NaN = unknown or not scored
    enterprise_words: np.ndarray,
    notice_kind: str | None,
    value_gbp: float | None,
    notice_words: int,
) -> np.ndarray:
    """The features of one notice's pairs, shape (pairs, ``FEATURES``): the pair-level arrays and the notice's
    own facts, every unknown a neutral 0 with its *missing* indicator set."""
    n = len(semantic)
    value_known = bool(value_gbp and value_gbp > 0)
    columns = {
        "semantic": semantic,
        "semantic_gap": semantic - best_semantic,
        "semantic_z": np.clip(semantic_z, -5.0, 10.0),
        "title_semantic": title_semantic,
        "lexical": lexical,
        "lexical_gap": lexical - best_lexical,
        "cpv": np.nan_to_num(cpv, nan=0.0),
        "cpv_missing": np.isnan(cpv).astype(np.float64),
        "distance": np.nan_to_num(distance, nan=0.0),
        "distance_missing": np.isnan(distance).astype(np.float64),
        "notice_goods": float(notice_kind == "goods"),
        "notice_works": float(notice_kind == "works"),
        "notice_kind_missing": float(notice_kind is None),
        "value_log10": min(9.0, max(3.0, math.log10(value_gbp))) if value_known and value_gbp else 0.0,
        "value_missing": float(not value_known),
        "notice_words_log": math.log1p(notice_words),
        "semantic_x_lexical": semantic * lexical,
        "lexical_x_long_text": lexical * np.log1p(enterprise_words) / math.log(1001.0),
    }
    out = np.empty((n, len(FEATURES)), dtype=np.float64)
    for j, name in enumerate(FEATURES):
        out[:, j] = columns[name]
    return out


@dataclass(frozen=True)
class FitModel:
    """Standardise, logistic regression, then isotonic calibration of its probability."""

    version: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration_x: np.ndarray  # raw probabilities (increasing)
    calibration_y: np.ndarray  # calibrated probabilities at those points (non-decreasing)
    card: dict

    def logit_parts(self, x: np.ndarray) -> np.ndarray:
        """Each feature's contribution to the log-odds, shape (n, features)."""
        return ((np.atleast_2d(x) - self.mean) / self.scale) * self.coef

    def raw(self, x: np.ndarray) -> np.ndarray:
        z = self.logit_parts(x).sum(axis=1) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Calibrated P(grade >= 1) for each row of ``x``.

        Isotonic calibration is a step function, so pairs on one step would tie and lose the model's
        order; ``TIE_BREAK`` of the raw probability is blended in (at most 0.001 off the calibrated value)."""
        raw = self.raw(x)
        return np.interp(raw, self.calibration_x, self.calibration_y) * (1.0 - TIE_BREAK) + TIE_BREAK * raw

    def explain(self, x: np.ndarray) -> dict[str, float]:
        """Log-odds contribution of each feature group for one pair, largest magnitude first."""
        return self.explain_rows(x)[0]

    @functools.cached_property
    def _group_matrix(self) -> np.ndarray:
        """(features, GROUPS) 0/1: which part each feature's push is shown under."""
        index = {name: i for i, name in enumerate(self.features)}
        member = np.zeros((len(self.features), len(GROUPS)))
        for g, feats in enumerate(GROUPS.values()):
            for f in feats:
                if f in index:
                    member[index[f], g] = 1.0
        return member

    def explain_rows(self, x: np.ndarray) -> list[dict[str, float]]:
        """``explain`` for every row of ``x`` (one matrix product for all rows)."""
        index = {name: i for i, name in enumerate(self.features)}
        names = list(GROUPS)
        member = self._group_matrix
        parts = self.logit_parts(x)
        for value, missing in MISSING_OF.items():
            if value in index and missing in index:
                unknown = np.atleast_2d(x)[:, index[missing]] > 0.5
                parts[unknown, index[missing]] += parts[unknown, index[value]]
                parts[unknown, index[value]] = 0.0
        sums = parts @ member
        return [
            dict(sorted(zip(names, (float(v) for v in row), strict=True), key=lambda kv: -abs(kv[1]))) for row in sums
        ]

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "version": self.version,
            "features": list(self.features),
            "standardise": {"mean": self.mean.tolist(), "scale": self.scale.tolist()},
            "logistic": {"coef": self.coef.tolist(), "intercept": self.intercept},
            "calibration": {"x": self.calibration_x.tolist(), "y": self.calibration_y.tolist()},
            "card": self.card,
        }


def model_from_json(data: Mapping, source: str = "fit model") -> FitModel:
    """A FitModel from its JSON form; a different feature list or format is refused, never misread."""
    fix = 'retrain with `procure-match train` (or `python bench/train_ranker.py`), or set scan.ranker = "weighted"'
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"{source} is not a procure-match fit model (format {FORMAT} v{FORMAT_VERSION})", fix=fix)
    features = tuple(data.get("features") or ())
    if features != FEATURES:
        missing = sorted(set(FEATURES) - set(features))
        extra = sorted(set(features) - set(FEATURES))
        raise ModelFileError(
            f"{source} was trained on other features (missing {missing or 'none'}, unknown {extra or 'none'}, "
            "or another order): this code computes " + ", ".join(FEATURES),
            fix=fix,
        )
    try:
        mean = np.asarray(data["standardise"]["mean"], dtype=np.float64)
        scale = np.asarray(data["standardise"]["scale"], dtype=np.float64)
        coef = np.asarray(data["logistic"]["coef"], dtype=np.float64)
        cx = np.asarray(data["calibration"]["x"], dtype=np.float64)
        cy = np.asarray(data["calibration"]["y"], dtype=np.float64)
        intercept = float(data["logistic"]["intercept"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{source} is incomplete or malformed ({exc})", fix=fix) from exc
    n = len(FEATURES)
    if not (mean.shape == scale.shape == coef.shape == (n,)) or cx.shape != cy.shape or len(cx) < 2:
        raise ModelFileError(f"{source} has arrays of the wrong length for {n} features", fix=fix)
    if not np.all(np.isfinite(np.concatenate([mean, scale, coef, cx, cy]))) or np.any(scale <= 0):
        raise ModelFileError(f"{source} holds non-finite numbers or a zero scale", fix=fix)
    if np.any(np.diff(cx) < 0) or np.any(np.diff(cy) < 0):
        raise ModelFileError(f"{source} has a calibration table that is not increasing", fix=fix)
    return FitModel(
        str(data.get("version", "")), features, mean, scale, coef, intercept, cx, cy, dict(data.get("card") or {})
    )


def save_fit_model(model: FitModel, path: Path) -> None:
    from procure_match.fileio import write_atomically

    text = json.dumps(model.to_json(), indent=1, allow_nan=False) + "\n"
    write_atomically(Path(path), text.encode("utf-8"))


def load_fit_model(path: Path) -> FitModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelFileError(f"fit model {path} not found", fix="set scan.fit_model to a trained model file") from exc
    except (OSError, ValueError) as exc:
        raise ModelFileError(
            f"fit model {path} cannot be read ({exc})", fix="retrain it with `procure-match train`"
        ) from exc
    return model_from_json(data, source=f"fit model {path}")


def outcome_columns(outcome_lists: Sequence[Sequence]) -> tuple[np.ndarray, np.ndarray]:
    """(CPV agreement, distance closeness) of each pair from its rule outcomes, NaN where unknown."""
    from procure_match.scoring.rules import CPV, DISTANCE

    def column(name: str) -> np.ndarray:
        values = [next((o.value for o in outcomes if o.name == name), None) for outcomes in outcome_lists]
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

    return column(CPV), column(DISTANCE)


def notice_kind(cpv_codes: Sequence[str]) -> str | None:
    """Goods, works or services from the first (main) CPV code's division; None without codes."""
    for code in cpv_codes:
        digits = "".join(ch for ch in code if ch.isdigit())
        if len(digits) >= 2:
            division = int(digits[:2])
            if division == 45:
                return "works"
            return "goods" if division < 45 or division == 48 else "services"
    return None


def default_fit_model_path() -> Path:
    """``models/fit-v1.json`` of the checkout the package runs from."""
    return Path(__file__).resolve().parents[2] / "models" / FIT_MODEL_FILE


def fit_model_path(setting: str) -> Path:
    return Path(setting).expanduser() if setting else default_fit_model_path()


@dataclass(frozen=True)
class DirectorySpread:
    """Mean and covariance of the directory's unit vectors: a notice's mean cosine over the directory is
    ``q · mean`` and its variance ``q · cov · q``, exactly, without scoring every enterprise."""

    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def of(cls, vectors: np.ndarray) -> DirectorySpread:
        v = np.asarray(vectors, dtype=np.float64)
        mean = v.mean(axis=0) if len(v) else np.zeros(v.shape[1])
        centred = v - mean
        cov = centred.T @ centred / max(1, len(v))
        return cls(mean, cov)

    def z(self, query: np.ndarray, cosines: np.ndarray) -> np.ndarray:
        q = np.asarray(query, dtype=np.float64)
        sd = float(np.sqrt(max(q @ self.cov @ q, 1e-12)))
        return (np.asarray(cosines, dtype=np.float64) - float(q @ self.mean)) / sd


def embedder_family(model_id: str) -> str:
    """The part of an embedder's model id a fit model depends on: backend and model, not runtime or corpus.

    "sentence-transformers:all-MiniLM-L6-v2:ab12:openvino-bf16" -> "sentence-transformers:all-MiniLM-L6-v2";
    "tfidf-w12-c34-d1024:9f..." -> "tfidf"."""
    if model_id.startswith("tfidf"):
        return "tfidf"
    return ":".join(model_id.split(":")[:2])
