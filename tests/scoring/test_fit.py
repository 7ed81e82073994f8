"""The learned fit: its model file, features, floor, and the fallback when the embedder differs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procure_match.domain import Candidate
from procure_match.errors import ModelFileError
from procure_match.pipeline import learned_fit_for
from procure_match.scoring import fit as fitmod
from procure_match.scoring.learned import fit_sentence, set_fit
from procure_match.scoring.rank import STATUS_BELOW_FLOOR, STATUS_ELIGIBLE, STATUS_INELIGIBLE
from procure_match.settings import settings_from_dict


def _toy_model(n: int = len(fitmod.FEATURES)) -> fitmod.FitModel:
    rng = np.random.default_rng(0)
    return fitmod.FitModel(
        "test",
        fitmod.FEATURES,
        rng.normal(size=n),
        np.abs(rng.normal(size=n)) + 0.5,
        rng.normal(size=n),
        -1.0,
        np.array([0.0, 0.3, 0.6, 1.0]),
        np.array([0.0, 0.1, 0.5, 0.9]),
        {"embedder": "sentence-transformers:all-MiniLM-L6-v2"},
    )


def test_saved_model_round_trips(tmp_path: Path) -> None:
    model = _toy_model()
    path = tmp_path / "m.json"
    fitmod.save_fit_model(model, path)
    again = fitmod.load_fit_model(path)
    x = np.random.default_rng(1).normal(size=(20, len(fitmod.FEATURES)))
    assert np.allclose(model.predict(x), again.predict(x))
    assert again.card == model.card


def test_a_changed_feature_list_is_refused_with_the_fix(tmp_path: Path) -> None:
    data = _toy_model().to_json()
    data["features"] = [*data["features"][1:], data["features"][0]]  # same names, another order
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="other features") as err:
        fitmod.load_fit_model(path)
    assert "procure-match train" in str(err.value) or "train_ranker" in str(err.value)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(format="other"), "not a procure-match fit model"),
        (lambda d: d["calibration"].update(y=[0.9, 0.5, 0.1, 0.0]), "not increasing"),
        (lambda d: d["logistic"].update(coef=[1.0]), "wrong length"),
        (lambda d: d.pop("standardise"), "malformed"),
    ],
)
def test_malformed_models_are_refused(tmp_path: Path, mutate, message) -> None:
    data = _toy_model().to_json()
    mutate(data)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match=message):
        fitmod.load_fit_model(path)


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="not found"):
        fitmod.load_fit_model(tmp_path / "absent.json")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=len(fitmod.FEATURES), max_size=len(fitmod.FEATURES)))
def test_fit_is_a_probability_for_any_features(values) -> None:
    p = _toy_model().predict(np.array([values]))
    assert 0.0 <= p[0] <= 1.0


def test_the_shipped_model_loads_and_matches_the_default_floor() -> None:
    model = fitmod.load_fit_model(fitmod.default_fit_model_path())
    assert model.card["embedder"] == "sentence-transformers:all-MiniLM-L6-v2"
    assert settings_from_dict({}).scan.min_fit == pytest.approx(model.card["min_fit"])


def test_unknown_signals_are_neutral_with_an_indicator() -> None:
    nan = np.array([np.nan])
    unknown = fitmod.feature_matrix(
        semantic=np.array([0.5]), best_semantic=0.6, semantic_z=np.array([2.0]), title_semantic=np.array([0.4]),
        lexical=np.array([0.3]), best_lexical=0.5, cpv=nan, distance=nan, enterprise_words=np.array([40.0]),
        notice_kind=None, value_gbp=None, notice_words=100,
    )[0]  # fmt: skip
    names = list(fitmod.FEATURES)
    for value_name, flag in (
        ("cpv", "cpv_missing"),
        ("distance", "distance_missing"),
        ("value_log10", "value_missing"),
    ):
        assert unknown[names.index(value_name)] == 0.0
        assert unknown[names.index(flag)] == 1.0
    assert unknown[names.index("notice_kind_missing")] == 1.0


@pytest.mark.parametrize(
    "codes, kind",
    [
        (("45233142",), "works"),
        (("33140000", "85100000"), "goods"),
        (("48000000",), "goods"),
        (("90910000",), "services"),
        ((), None),
    ],
)
def test_notice_kind_from_the_main_cpv_code(codes, kind) -> None:
    assert fitmod.notice_kind(codes) == kind


def _cand(status: str = STATUS_ELIGIBLE) -> Candidate:
    return Candidate(
        tender_id="t",
        lot_id=None,
        enterprise_id="e",
        score=0.7,
        fit=0.7,
        eligible=status == STATUS_ELIGIBLE,
        status=status,
        parts={},
        reasons=["Text similarity ..."],
    )


def test_below_the_floor_is_listed_not_proposed() -> None:
    c = _cand()
    set_fit(c, 0.05, {"text similarity": -0.4}, [], min_fit=0.1)
    assert c.status == STATUS_BELOW_FLOOR and not c.eligible and c.score == c.fit == 0.05
    assert c.reasons[0].startswith("Fit 0.05") and "floor" in c.reasons[1]
    assert c.parts["fit: text similarity"] == -0.4


def test_evidence_of_ineligibility_is_kept_below_the_floor() -> None:
    c = _cand(STATUS_INELIGIBLE)
    set_fit(c, 0.01, {}, [], min_fit=0.1)
    assert c.status == STATUS_INELIGIBLE


def test_above_the_floor_keeps_its_status() -> None:
    c = _cand()
    set_fit(c, 0.4, {"text similarity": 1.2, "distance": -0.3}, ["grounds", "mowing"], min_fit=0.1)
    assert c.status == STATUS_ELIGIBLE and c.eligible
    assert "grounds, mowing" not in c.reasons[0]  # words are named only with the shared-words part
    sentence = fit_sentence(0.4, {"shared specific words": 0.6, "distance": -0.3}, ["grounds", "mowing"])
    assert sentence.startswith("Fit 0.40: about 4 in 10 pairs like this are worth forwarding")
    assert (
        "shared specific words (grounds, mowing)" in sentence and "against it: far from where the work is" in sentence
    )


def test_another_embedder_ranks_by_the_weighted_score_and_says_so() -> None:
    s = settings_from_dict({})
    learned, note = learned_fit_for(s, "tfidf-w12-c34-d1024:abc", [], [], np.zeros((0, 4)), np.zeros((0, 4)), None)
    assert learned is None and "hand-weighted" in note and "tfidf" in note
    learned, note = learned_fit_for(
        settings_from_dict({"scan": {"ranker": "weighted"}}), "x", [], [], np.zeros((0, 4)), np.zeros((0, 4)), None
    )
    assert learned is None and "scan.ranker" in note


def test_directory_spread_gives_the_exact_mean_and_spread() -> None:
    rng = np.random.default_rng(3)
    e = rng.normal(size=(200, 8))
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    q = e[0]
    cos = e @ q
    z = fitmod.DirectorySpread.of(e).z(q, cos)
    assert np.allclose(z, (cos - cos.mean()) / cos.std())


def test_embedder_family() -> None:
    assert fitmod.embedder_family("sentence-transformers:all-MiniLM-L6-v2:ab12:openvino-bf16") == (
        "sentence-transformers:all-MiniLM-L6-v2"
    )
    assert fitmod.embedder_family("tfidf-w12-c34-d1024:9f") == "tfidf"


def test_the_scans_features_read_the_rule_outcomes_and_texts() -> None:
    """One formula for the scan and for training: the features come from the pair's own cosine, BM25 and rule
    outcomes (a known CPV agreement is used, an unknown one is flagged)."""
    from procure_match.domain import Enterprise, Tender
    from procure_match.scoring.learned import LearnedFit
    from procure_match.scoring.match import build_targets, score_pair

    rng = np.random.default_rng(7)
    texts = ["grounds maintenance co-op, grass cutting", "office cleaning", "taxi and school transport", "catering"]
    ents = [
        Enterprise(id=f"e{i}", name=t, description=t, cpv_codes=("77310000",) if i == 0 else ())
        for i, t in enumerate(texts)
    ]
    tender = Tender(
        tender_id="t", title="Grass cutting", description="Grass cutting of verges", cpv_codes=("77310000",)
    )
    target = build_targets(tender, None, match_lots=False, settings=settings_from_dict({}))[0]
    vecs = rng.normal(size=(5, 8))
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    notice = "Grass cutting\nGrass cutting of verges"
    fit = LearnedFit.build(_toy_model(), [notice], texts, vecs[:1], vecs[4:5], vecs[:4], min_fit=0.1)
    idx = np.array([2, 0, 3, 1])
    cos = vecs[:4][idx] @ vecs[0]
    scored = [
        score_pair(target, ents[i], float(c), None, settings_from_dict({})) for i, c in zip(idx, cos, strict=True)
    ]
    x = fit.features(target, 0, idx, cos, scored)
    col = {name: x[:, j] for j, name in enumerate(fitmod.FEATURES)}
    assert np.allclose(col["semantic"], cos) and np.allclose(col["semantic_gap"], cos - cos.max())
    scores, scale = fit.lexical.scaled_pair_scores(notice, idx)
    assert np.allclose(col["lexical"], scores / scale)
    assert col["cpv"].tolist() == [0.0, 1.0, 0.0, 0.0] and col["cpv_missing"].tolist() == [1.0, 0.0, 1.0, 1.0]
    assert np.all(col["notice_kind_missing"] == 0.0)  # 77310000: services
