"""Train the learned fit on the judged development set, measure it on held-out notices, ship it.

    python bench/train_ranker.py [--data ../shared/data] [--version fit-v1]

1. Features of every graded pair in ``bench/judged/`` (``judged/features.py``: the scan's own code).
2. Split by notice (never by pair): a stable 30% of notices (sha1 of the notice id) is held out.
3. ``procure_match.train.train_fit_model`` on the other 70%: logistic regression (C by 5-fold
   cross-validation grouped by notice) + isotonic calibration on out-of-fold probabilities.
4. The floor ``scan.min_fit``: the highest value that keeps a grade-2 pair for 90% of the training
   notices that have one (out-of-fold fits).
5. On the held-out notices: nDCG@5, P@5, relevant at 1 for the learned fit and every baseline;
   Brier score and a 5-bin reliability table; AUC of the notice's best fit for "some member fits";
   the share of hopeless notices the floor silences and of grade-2 notices it keeps.

Writes ``models/<version>.json`` (the model the scan loads), ``models/<version>.md`` (its card),
``bench/results/judged_eval.json`` and the "Judged development set" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "judged"))

from common import figure, update_results_md, write_result  # noqa: E402
from features import DEFAULT_DATA, judged_table  # noqa: E402

from procure_match.scoring.fit import FEATURES, save_fit_model  # noqa: E402
from procure_match.train import (  # noqa: E402
    C_GRID,
    Extra,
    abstention,
    choose_floor,
    out_of_fold,
    ranking_metrics,
    reliability,
    train_fit_model,
)

LEARNED = "learned fit (default)"
# Each award pair counts this much: about 10,000 award pairs then weigh about as much as the judged pairs.
AWARD_WEIGHT = 0.2


def award_extra(weight: float) -> Extra | None:
    """Award winners vs the other retrieved suppliers, before the award evaluation's cut-off (eval_awards)."""
    if weight <= 0:
        return None
    import eval_awards

    x, y, _ = eval_awards.award_training_pairs(eval_awards.load_awards(eval_awards.DEFAULT_DATA))
    return Extra(x, y, weight)


TEST_SHARE = 3  # of 10


def held_out(notice_id: str) -> bool:
    return int(hashlib.sha1(notice_id.encode()).hexdigest(), 16) % 10 < TEST_SHARE


def gbt_oof_ndcg(x: np.ndarray, grades: np.ndarray, groups: list[str]) -> float:
    """Out-of-fold nDCG@5 of gradient-boosted trees on the same folds: the model the card compares against."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from procure_match.train import group_folds

    y = (grades >= 1).astype(int)
    fold = group_folds(groups, 5)
    oof = np.zeros(len(y))
    for k in range(5):
        test = fold == k
        clf = HistGradientBoostingClassifier(max_depth=3, learning_rate=0.05, max_iter=200, random_state=0)
        clf.fit(x[~test], y[~test])
        oof[test] = clf.predict_proba(x[test])[:, 1]
    return ranking_metrics(oof, grades, groups)["ndcg@5"]


def rounded(d: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--version", default="fit-v1")
    ap.add_argument(
        "--award-weight",
        type=float,
        default=AWARD_WEIGHT,
        help="weight of each award training pair (winners vs other retrieved suppliers, before the award "
        "evaluation's cut-off); 0 = judged pairs only",
    )
    ap.add_argument("--C", type=float, default=None, help="a fixed regularisation instead of choosing it by CV")
    args = ap.parse_args(argv)

    table = judged_table(args.data)
    groups = np.array(table.notice_ids)
    test = np.array([held_out(n) for n in table.notice_ids])
    x, g = table.features, table.grades
    tr_groups, te_groups = list(groups[~test]), list(groups[test])
    card = {
        "trained": datetime.now(UTC).date().isoformat(),
        "training_data": "bench/judged: blind grades of pooled real notice x real enterprise pairs (70% of notices)",
        "pairs_train": int((~test).sum()),
        "pairs_test": int(test.sum()),
        "notices_train": len(set(tr_groups)),
        "notices_test": len(set(te_groups)),
        "embedder": table.embedder,
        "label": "grade >= 1 (a coordinator would call the pair plausible or a strong fit)",
    }
    extra = award_extra(args.award_weight)
    card["award_pairs"] = 0 if extra is None else len(extra.y)
    card["award_weight"] = args.award_weight
    model, training = train_fit_model(
        x[~test], g[~test], tr_groups, version=args.version, card=card, extra=extra, grid=[args.C] if args.C else C_GRID
    )
    y_tr = (g[~test] >= 1).astype(int)
    oof = out_of_fold(x[~test], y_tr, tr_groups, training["C"], extra=extra)
    oof_fit = np.interp(oof, model.calibration_x, model.calibration_y)
    floor = choose_floor(oof_fit, g[~test], tr_groups)

    fit_test = model.predict(x[test])
    y_te = (g[test] >= 1).astype(int)
    rankers = {LEARNED: fit_test, **{name: s[test] for name, s in table.baselines.items()}}
    ranking = {name: rounded(ranking_metrics(s, g[test], te_groups)) for name, s in rankers.items()}
    result = {
        "card": card,
        "training": training,
        "gbt_oof_ndcg@5": round(gbt_oof_ndcg(x[~test], g[~test], tr_groups), 4),
        "lr_oof_ndcg@5": training["oof_ndcg@5_by_C"][str(training["C"])],
        "min_fit": floor,
        "ranking_held_out": ranking,
        "brier_held_out": round(float(np.mean((fit_test - y_te) ** 2)), 4),
        "brier_base_rate": round(float(np.mean((y_tr.mean() - y_te) ** 2)), 4),
        "reliability_held_out": reliability(fit_test, y_te),
        "abstention_held_out": rounded(abstention(fit_test, g[test], te_groups, floor)),
        "grades": {str(k): int((g == k).sum()) for k in (0, 1, 2)},
        "coefficients": {f: round(float(c), 4) for f, c in zip(FEATURES, model.coef, strict=True)},
    }
    y_all = (g >= 1).astype(int)
    oof_all = out_of_fold(x, y_all, list(groups), training["C"], extra=extra)
    result["cv_all_notices"] = {
        "note": "5-fold cross-validation grouped by notice over all judged notices (steadier than one split)",
        "ranking": {
            LEARNED: rounded(ranking_metrics(oof_all, g, list(groups))),
            **{name: rounded(ranking_metrics(s, g, list(groups))) for name, s in table.baselines.items()},
        },
        "abstention": rounded(abstention(oof_all, g, list(groups), 0.0)),
    }
    model.card.update({k: result[k] for k in ("min_fit", "brier_held_out", "abstention_held_out")})
    model.card["ndcg@5_held_out"] = ranking[LEARNED]["ndcg@5"]
    models = HERE.parent / "models"
    save_fit_model(model, models / f"{args.version}.json")
    (models / f"{args.version}.md").write_text(model_card(args.version, result), encoding="utf-8")
    write_result(
        "judged_eval",
        figures(result),
        settings={"version": args.version, "C": training["C"], "min_fit": floor},
        details={"table_md": results_section(result), **result},
    )
    update_results_md()
    print(json.dumps(result, indent=1))


def figures(r: dict) -> list[dict]:
    """The issue's targets, each with whether it is met."""
    rk, a = r["ranking_held_out"], r["abstention_held_out"]
    learned, semantic = rk[LEARNED]["ndcg@5"], rk["semantic part alone"]["ndcg@5"]
    gain = learned / semantic - 1 if semantic else float("nan")
    return [
        figure(
            "nDCG@5 learned fit vs semantic part alone",
            round(gain, 3),
            "relative gain",
            target=">= +10%",
            passed=gain >= 0.10,
            note=f"{learned:.3f} vs {semantic:.3f} on held-out notices",
        ),
        figure(
            "AUC best fit: some member fits vs none",
            round(a["auc_best_fit_some_member_fits"], 3),
            "AUC",
            target=">= 0.80",
            passed=a["auc_best_fit_some_member_fits"] >= 0.80,
        ),
        figure(
            "hopeless notices silenced at the default floor",
            round(a["hopeless_silenced"], 3),
            "share",
            target=">= 0.70",
            passed=a["hopeless_silenced"] >= 0.70,
        ),
        figure(
            "grade-2 notices keeping their grade-2 pair",
            round(a["grade2_kept"], 3),
            "share",
            target=">= 0.90",
            passed=a["grade2_kept"] >= 0.90,
        ),
        figure(
            "Brier score of fit",
            r["brier_held_out"],
            "",
            target=f"< base rate {r['brier_base_rate']:.3f}",
            passed=r["brier_held_out"] < r["brier_base_rate"],
        ),
    ]


def table_rows(ranking: dict) -> list[str]:
    rows = ["| ranker | nDCG@5 | P@5 (grade >= 1) | relevant at rank 1 |", "|---|---|---|---|"]
    for name, m in ranking.items():
        rows.append(f"| {name} | {m['ndcg@5']:.3f} | {m['p@5']:.3f} | {m['relevant_at_1']:.3f} |")
    return rows


def results_section(r: dict) -> str:
    a = r["abstention_held_out"]
    lines = [
        f"`python bench/train_ranker.py`. {r['card']['notices_test']} held-out notices "
        f"({r['card']['pairs_test']} graded pairs; split by notice), model trained on the other "
        f"{r['card']['notices_train']}. Grades: {r['grades']} (0 / 1 / 2). Condensed lists: every ranker orders the "
        "same judged pairs of a notice.",
        "",
        *table_rows(r["ranking_held_out"]),
        "",
        f"Calibration: Brier {r['brier_held_out']:.3f} (the training base rate alone: {r['brier_base_rate']:.3f}).",
        "",
        "| fit bin | pairs | mean fit | observed share grade >= 1 |",
        "|---|---|---|---|",
        *(f"| {b['bin']} | {b['pairs']} | {b['mean_fit']} | {b['observed']} |" for b in r["reliability_held_out"]),
        "",
        f'Abstention: AUC of a notice\'s best fit for "some member fits" {a["auc_best_fit_some_member_fits"]:.3f}; '
        f"at the default floor scan.min_fit = {r['min_fit']:.2f}, {a['hopeless_silenced']:.0%} of "
        f"{a['hopeless_notices']:.0f} hopeless notices are silenced and {a['grade2_kept']:.0%} of "
        f"{a['grade2_notices']:.0f} notices with a grade-2 pair keep it.",
        "",
        "",
        "Steadier view, 5-fold cross-validation grouped by notice over all "
        f"{r['cv_all_notices']['abstention']['notices']:.0f} judged notices"
        " (each notice scored by a model that never saw it):",
        "",
        *table_rows(r["cv_all_notices"]["ranking"]),
        "",
        f'AUC of a notice\'s best fit for "some member fits": '
        f"{r['cv_all_notices']['abstention']['auc_best_fit_some_member_fits']:.3f}.",
        "",
        f"Model choice (out-of-fold nDCG@5 on the training notices): logistic regression {r['lr_oof_ndcg@5']:.3f}, "
        f"gradient-boosted trees {r['gbt_oof_ndcg@5']:.3f}.",
    ]
    return "\n".join(lines)


def model_card(version: str, r: dict) -> str:
    coef = "\n".join(f"| `{f}` | {c:+.3f} |" for f, c in r["coefficients"].items())
    return "\n".join(
        [
            f"# Model card: {version} (the learned fit)",
            "",
            "**What it predicts.** `fit` = the calibrated probability that an experienced network coordinator "
            "would grade a (notice, enterprise) pair 1 (plausible: part of the work, a consortium member) or 2 "
            "(strong fit). The scan ranks by it and silences pairs below `scan.min_fit`.",
            "",
            f"**Training data.** {r['card']['training_data']}: {r['card']['pairs_train']} pairs from "
            f"{r['card']['notices_train']} notices; grades were given blind (no ranker, score or rank shown) by "
            "the guidelines in `bench/judged/GUIDELINES.md`, written before grading. Notices: six real files "
            "of `../shared/data` (Contracts Finder 2020 dumps and exports, Public Contracts Scotland, "
            "Sell2Wales, Contracts Finder 2025); enterprises: 387 worker co-operatives and 982 Northern "
            "Ireland charities. The held-out file `cf_export_open_2025-11.csv` was never used.",
            "",
            f"**Trained** {r['card']['trained']} by `python bench/train_ranker.py`: logistic regression on "
            f"standardised features (C = {r['training']['C']} by 5-fold cross-validation grouped by notice), "
            "then isotonic calibration fitted on out-of-fold probabilities.",
            "",
            "**Features and coefficients** (per standard deviation, log-odds):",
            "",
            "| feature | coefficient |",
            "|---|---|",
            coef,
            "",
            "**Held-out metrics** (notices never seen in training):",
            "",
            *table_rows(r["ranking_held_out"]),
            "",
            f"Brier {r['brier_held_out']:.3f}. Reliability (5 bins):",
            "",
            "| fit bin | pairs | mean fit | observed |",
            "|---|---|---|---|",
            *(f"| {b['bin']} | {b['pairs']} | {b['mean_fit']} | {b['observed']} |" for b in r["reliability_held_out"]),
            "",
            f"Default floor `scan.min_fit` = {r['min_fit']:.2f}: {r['abstention_held_out']}.",
            "",
            "**Limits.** About 2,000 graded pairs from one grader per pair; the directory is co-operatives and NI "
            "charities, so fits for other kinds of enterprise (large CICs, construction firms) rest on the same "
            "text signals with less evidence. Retrain on a network's own feedback as it accumulates.",
            "",
        ]
    )


if __name__ == "__main__":
    main()
