"""Training and graded metrics of the learned fit (procure_match.train)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure_match import train


def test_ndcg_perfect_and_reversed() -> None:
    assert train.ndcg_at([2, 1, 0, 0], 5) == pytest.approx(1.0)
    worst = train.ndcg_at([0, 0, 1, 2], 5)
    assert 0 < worst < 1
    assert train.ndcg_at([0, 0, 0], 5) is None  # no relevant pair: not counted


def test_ties_never_help_a_ranker() -> None:
    assert train.ranked_grades([0.5, 0.5, 0.5], [2, 0, 1]) == [0, 1, 2]


def test_ranking_metrics_average_over_notices() -> None:
    scores = np.array([0.9, 0.1, 0.8, 0.2])
    grades = np.array([2, 0, 0, 1])
    m = train.ranking_metrics(scores, grades, ["a", "a", "b", "b"], k=5)
    assert m["relevant_at_1"] == pytest.approx(0.5)
    assert m["notices"] == 2 and m["notices_with_a_fit"] == 2


def test_floor_keeps_the_share_of_strong_notices_asked_for() -> None:
    # five notices, each with one grade-2 pair at fits 0.1 .. 0.5
    fits = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    floor = train.choose_floor(fits, np.full(5, 2), ["a", "b", "c", "d", "e"], keep=0.8)
    kept = (fits >= floor).mean()
    assert kept >= 0.8 and floor == pytest.approx(0.2)


def test_abstention_counts_hopeless_and_strong_notices() -> None:
    fits = np.array([0.9, 0.1, 0.05, 0.02])
    grades = np.array([2, 0, 0, 0])
    a = train.abstention(fits, grades, ["fit", "fit", "hopeless", "hopeless2"], floor=0.08)
    assert a["auc_best_fit_some_member_fits"] == 1.0
    assert a["hopeless_silenced"] == 1.0 and a["grade2_kept"] == 1.0


@given(st.lists(st.floats(0, 1), min_size=5, max_size=60), st.integers(0, 2**31))
def test_isotonic_table_is_increasing_and_bounded(raw, seed) -> None:
    rng = np.random.default_rng(seed)
    x = np.array(raw)
    y = rng.integers(0, 2, size=len(x))
    cx, cy = train.isotonic_table(x, y)
    assert np.all(np.diff(cx) >= 0) and np.all(np.diff(cy) >= 0)
    assert cy.min() >= 0 and cy.max() <= 1


def test_training_recovers_a_signal_and_is_calibrated_on_its_folds() -> None:
    rng = np.random.default_rng(0)
    n = 600
    x = rng.normal(size=(n, 17))
    logit = 2.0 * x[:, 0] - 1.5
    grades = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int) * rng.integers(1, 3, size=n)
    groups = [f"n{i // 6}" for i in range(n)]
    model, info = train.train_fit_model(x, grades, groups, version="t", card={})
    assert model.coef[0] == max(model.coef)  # the informative feature carries the weight
    p = model.predict(x)
    assert abs(p.mean() - (grades >= 1).mean()) < 0.05
    assert info["C"] in train.C_GRID


def test_calibration_is_never_certain_from_a_few_pairs() -> None:
    raw = np.array([0.1, 0.2, 0.3, 0.9, 0.95, 0.97])
    y = np.array([0, 0, 0, 1, 1, 1])
    cx, cy = train.isotonic_table(raw, y)
    top = float(np.interp(0.96, cx, cy))
    assert top == pytest.approx(0.8)  # three of three relevant: (3 + 1) / (3 + 2)
    assert float(np.interp(0.15, cx, cy)) == pytest.approx(0.2)  # zero of three: 1 / 5
