"""Train the learned fit and measure rankers on graded pairs (pure: arrays in, numbers and a FitModel out).

``train_fit_model`` fits a logistic regression on standardised features (regularisation chosen by
cross-validation grouped by notice) and an isotonic calibration on its out-of-fold probabilities, so
the calibrated ``fit`` is what held-out pairs show, not what the training pairs remember.

Graded metrics (gains 0 / 1 / 2 as judged; "relevant" = grade >= 1), per notice, averaged over notices:

* nDCG@k with gain 2^grade - 1 and the ideal order of the notice's judged pairs;
* P@k: share of the first k that are relevant (k or fewer when fewer pairs are judged);
* relevant at 1: the first is relevant.

Lists are condensed: each ranker orders the same judged pairs of a notice (unjudged pairs are not
guessed at), so no ranker gains from pairs nobody graded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from procure_match.scoring.fit import FEATURES, FitModel

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def raw(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Extra:
    """Additional labelled pairs (e.g. award winners vs the other retrieved suppliers) used in every training
    fold with ``weight`` each, never in evaluation or calibration."""

    x: np.ndarray
    y: np.ndarray
    weight: float


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float, extra: Extra | None = None) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    weights = np.ones(len(y))
    if extra is not None and len(extra.y):
        x, y = np.vstack([x, extra.x]), np.concatenate([y, extra.y])
        weights = np.concatenate([weights, np.full(len(extra.y), extra.weight)])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((x - mean) / scale, y, sample_weight=weights)
    return Logistic(mean, scale, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]))


def group_folds(groups: Sequence[str], folds: int, seed: int = 0) -> np.ndarray:
    """A fold number per row; every row of a group (a notice) in the same fold."""
    unique = sorted(set(groups))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(unique))
    fold_of = {unique[i]: int(k % folds) for k, i in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


def out_of_fold(
    x: np.ndarray, y: np.ndarray, groups: Sequence[str], c: float, folds: int = 5, extra: Extra | None = None
) -> np.ndarray:
    """Each row's probability from a model that never saw its notice."""
    fold = group_folds(groups, folds)
    out = np.zeros(len(y))
    for k in range(folds):
        test = fold == k
        if not test.any() or len(set(y[~test])) < 2:
            out[test] = y[~test].mean() if (~test).any() else 0.5
            continue
        out[test] = fit_logistic(x[~test], y[~test], c, extra).raw(x[test])
    return out


def choose_c(
    x: np.ndarray, grades: np.ndarray, groups: Sequence[str], extra: Extra | None = None, grid: Sequence[float] = C_GRID
) -> tuple[float, dict[float, float]]:
    """The regularisation with the best out-of-fold nDCG@5 (ties: the stronger regularisation)."""
    y = (grades >= 1).astype(int)
    scores = {c: mean_metric(out_of_fold(x, y, groups, c, extra=extra), grades, groups, "ndcg@5") for c in grid}
    best = max(grid, key=lambda c: (round(scores[c], 4), -c))
    return best, scores


def isotonic_table(raw: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Isotonic regression of y on raw probabilities, as an increasing (x, y) table for ``np.interp``.

    Each block of the isotonic fit is shrunk by Laplace's rule, (positives + 1) / (pairs + 2), so a block of
    three relevant pairs says 0.8, not a certain 1.0; a weighted isotonic pass over the shrunk blocks keeps
    the table non-decreasing."""
    from sklearn.isotonic import IsotonicRegression

    order = np.argsort(raw, kind="stable")
    xs_sorted, y_sorted = np.asarray(raw, dtype=np.float64)[order], np.asarray(y, dtype=np.float64)[order]
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0).fit_transform(xs_sorted, y_sorted)
    starts = np.flatnonzero(np.r_[True, np.diff(fitted) != 0])
    ends = np.r_[starts[1:], len(fitted)]
    n = (ends - starts).astype(np.float64)
    k = np.array([y_sorted[a:b].sum() for a, b in zip(starts, ends, strict=True)])
    shrunk = IsotonicRegression(y_min=0.0, y_max=1.0).fit_transform(
        np.arange(len(n)), (k + 1) / (n + 2), sample_weight=n
    )
    xs = np.concatenate([[xs_sorted[a], xs_sorted[b - 1]] for a, b in zip(starts, ends, strict=True)])
    ys = np.repeat(shrunk, 2)
    return np.concatenate([[0.0], xs, [1.0]]), np.concatenate([[ys[0]], ys, [ys[-1]]])


def train_fit_model(
    x: np.ndarray,
    grades: np.ndarray,
    groups: Sequence[str],
    *,
    version: str,
    card: dict,
    extra: Extra | None = None,
    grid: Sequence[float] = C_GRID,
) -> tuple[FitModel, dict]:
    """The calibrated model and what training measured (chosen C, out-of-fold nDCG per C).

    Calibration uses the graded pairs only, so ``fit`` stays "P(a coordinator grades the pair 1 or 2)"."""
    y = (grades >= 1).astype(int)
    c, by_c = choose_c(x, grades, groups, extra, grid)
    raw_oof = out_of_fold(x, y, groups, c, extra=extra)
    cx, cy = isotonic_table(raw_oof, y)
    lr = fit_logistic(x, y, c, extra)
    model = FitModel(version, FEATURES, lr.mean, lr.scale, lr.coef, lr.intercept, cx, cy, card)
    return model, {"C": c, "oof_ndcg@5_by_C": {str(k): round(v, 4) for k, v in by_c.items()}}


# ----------------------------------------------------------------------------- graded metrics


def _by_notice(scores: np.ndarray, grades: np.ndarray, groups: Sequence[str]) -> dict[str, tuple[list, list]]:
    out: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for s, g, n in zip(scores, grades, groups, strict=True):
        out[n][0].append(float(s))
        out[n][1].append(int(g))
    return out


def ranked_grades(scores: Sequence[float], grades: Sequence[int]) -> list[int]:
    """Grades in score order (high first); ties broken by the lower grade first, so ties never help."""
    return [g for _, g in sorted(zip(scores, grades, strict=True), key=lambda sg: (-sg[0], sg[1]))]


def ndcg_at(ranked: Sequence[int], k: int) -> float | None:
    def dcg(gs: Sequence[int]) -> float:
        return sum((2**g - 1) / np.log2(i + 2) for i, g in enumerate(gs[:k]))

    ideal = dcg(sorted(ranked, reverse=True))
    return None if ideal == 0 else dcg(ranked) / ideal


def notice_metrics(ranked: Sequence[int], k: int = 5) -> dict[str, float | None]:
    top = ranked[:k]
    return {
        f"ndcg@{k}": ndcg_at(ranked, k),
        f"p@{k}": sum(g >= 1 for g in top) / len(top) if top else None,
        "relevant_at_1": float(ranked[0] >= 1) if ranked else None,
    }


def mean_metric(scores: np.ndarray, grades: np.ndarray, groups: Sequence[str], name: str) -> float:
    return ranking_metrics(scores, grades, groups)[name]


def ranking_metrics(scores: np.ndarray, grades: np.ndarray, groups: Sequence[str], k: int = 5) -> dict[str, float]:
    """Mean nDCG@k (over notices with a relevant pair), P@k and relevant-at-1 (over every notice)."""
    per = [notice_metrics(ranked_grades(s, g), k) for s, g in _by_notice(scores, grades, groups).values()]
    out: dict[str, float] = {}
    for name in (f"ndcg@{k}", f"p@{k}", "relevant_at_1"):
        vals = [m[name] for m in per if m[name] is not None]
        out[name] = float(np.mean(vals)) if vals else float("nan")
    out["notices"] = float(len(per))
    out["notices_with_a_fit"] = float(sum(m[f"ndcg@{k}"] is not None for m in per))
    return out


# ----------------------------------------------------------------------------- calibration and abstention


def reliability(fit: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, float]]:
    """Per equal-width bin of ``fit``: pairs, mean fit, observed share relevant."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for i in range(bins):
        inside = (fit >= edges[i]) & ((fit < edges[i + 1]) if i < bins - 1 else (fit <= 1.0))
        n = int(inside.sum())
        rows.append(
            {
                "bin": f"{edges[i]:.1f}-{edges[i + 1]:.1f}",
                "pairs": n,
                "mean_fit": round(float(fit[inside].mean()), 3) if n else None,
                "observed": round(float(y[inside].mean()), 3) if n else None,
            }
        )
    return rows


def notice_best(fit: np.ndarray, grades: np.ndarray, groups: Sequence[str]) -> dict[str, tuple[float, int, float]]:
    """Per notice: (best fit, best grade among its judged pairs, best fit among its grade-2 pairs or -1)."""
    out = {}
    for n, (s, g) in _by_notice(fit, grades, groups).items():
        s_arr, g_arr = np.array(s), np.array(g)
        best2 = float(s_arr[g_arr == 2].max()) if (g_arr == 2).any() else -1.0
        out[n] = (float(s_arr.max()), int(g_arr.max()), best2)
    return out


def abstention(fit: np.ndarray, grades: np.ndarray, groups: Sequence[str], floor: float) -> dict[str, float]:
    """AUC of the notice's best fit for "some member fits" (grade >= 1), and what ``floor`` silences or keeps."""
    from sklearn.metrics import roc_auc_score

    best = notice_best(fit, grades, groups)
    fits = np.array([b[0] for b in best.values()])
    some = np.array([b[1] >= 1 for b in best.values()])
    hopeless = ~some
    strong = np.array([b[1] == 2 for b in best.values()])
    strong_kept = np.array([b[2] >= floor for b in best.values()])
    return {
        "auc_best_fit_some_member_fits": float(roc_auc_score(some, fits))
        if some.any() and hopeless.any()
        else float("nan"),
        "notices": float(len(best)),
        "hopeless_notices": float(hopeless.sum()),
        "hopeless_silenced": float((fits[hopeless] < floor).mean()) if hopeless.any() else float("nan"),
        "grade2_notices": float(strong.sum()),
        "grade2_kept": float(strong_kept[strong].mean()) if strong.any() else float("nan"),
    }


def choose_floor(fit: np.ndarray, grades: np.ndarray, groups: Sequence[str], keep: float = 0.9) -> float:
    """The highest floor (to 0.01) that keeps a grade-2 pair for at least ``keep`` of the notices that have one."""
    best = notice_best(fit, grades, groups)
    strong = sorted(b[2] for b in best.values() if b[1] == 2)
    if not strong:
        return 0.5
    allowed = int(np.floor((1.0 - keep) * len(strong) + 1e-9))  # notices that may lose their grade-2 pair
    return float(np.floor(strong[allowed] * 100) / 100)
