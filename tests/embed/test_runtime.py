"""Runtime selection (torch or OpenVINO), the agreement check, and the OpenVINO path when installed."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procure_match.embed import EmbedderError, make_embedder
from procure_match.embed import openvino as ov_runtime
from procure_match.embed.runtime import (
    Agreement,
    choose_runtime,
    measure_agreement,
    row_cosines,
    top_k_agreement,
    top_k_indices,
)
from procure_match.embed.sentence import folder_fingerprint, packaged_model_dir
from procure_match.settings import settings_from_dict

needs_openvino = pytest.mark.skipif(not ov_runtime.openvino_installed(), reason="openvino is not installed")


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _agreement(passed: bool) -> Agreement:
    return Agreement(
        vectors=10,
        min_cosine=0.99999 if passed else 0.998,
        mean_cosine=0.99999,
        queries=4,
        documents=6,
        top_k=3,
        identical_top_k=1.0,
        mean_overlap=1.0,
    )


# -- the decision ---------------------------------------------------------------------------------
def test_torch_when_asked_or_when_openvino_is_not_installed():
    assert choose_runtime("torch", openvino_installed=True, check=_agreement(True), precision="f32").runtime == "torch"
    quiet = choose_runtime("auto", openvino_installed=False, check=None, precision="f32")
    assert (quiet.runtime, quiet.precision, quiet.note) == ("torch", "fp32", "")


def test_openvino_only_when_installed_exported_and_checked():
    chosen = choose_runtime("auto", openvino_installed=True, check=_agreement(True), precision="bf16")
    assert (chosen.runtime, chosen.precision, chosen.note) == ("openvino", "bf16", "")
    failed = choose_runtime("auto", openvino_installed=True, check=_agreement(False), precision="bf16")
    assert failed.runtime == "torch" and "failed the agreement check" in failed.note and "0.99800" in failed.note
    broken = choose_runtime("auto", openvino_installed=True, check=None, precision="f32", export_error="boom")
    assert broken.runtime == "torch" and "export failed (boom)" in broken.note
    missing = choose_runtime("auto", openvino_installed=True, check=None, precision="f32")
    assert missing.runtime == "torch" and "no OpenVINO export" in missing.note


def test_an_explicit_openvino_that_cannot_be_honoured_is_an_error():
    with pytest.raises(ValueError, match="not installed"):
        choose_runtime("openvino", openvino_installed=False, check=None, precision="f32")
    with pytest.raises(ValueError, match="agreement check"):
        choose_runtime("openvino", openvino_installed=True, check=_agreement(False), precision="f32")
    with pytest.raises(ValueError, match="unknown runtime"):
        choose_runtime("onnx", openvino_installed=True, check=None, precision="f32")


def test_settings_reject_unknown_runtime_and_precision():
    from procure_match.errors import SettingsError

    with pytest.raises(SettingsError) as info:
        settings_from_dict({"embedder": {"runtime": "onnx", "openvino_precision": "int8"}})
    assert "embedder.runtime" in str(info.value) and "embedder.openvino_precision" in str(info.value)


# -- the agreement check on synthetic vectors -------------------------------------------------------
def test_identical_vectors_agree_and_a_swapped_neighbour_does_not():
    rng = np.random.default_rng(7)
    docs, queries = _unit(rng.normal(size=(60, 16))), _unit(rng.normal(size=(8, 16)))
    same = measure_agreement(docs, docs.copy(), queries, queries.copy(), k=10)
    assert same.passed and same.min_cosine == pytest.approx(1.0) and same.identical_top_k == 1.0

    # Move the 11th-best document of query 0 onto the query: it enters that query's top 10.
    eleventh = top_k_indices(queries[:1], docs, 11)[0, 10]
    moved = docs.copy()
    moved[eleventh] = queries[0]
    check = measure_agreement(docs, moved, queries, queries, k=10)
    assert not check.passed
    assert check.identical_top_k < 1.0 and check.mean_overlap < 1.0
    assert check.min_cosine < 0.999  # the moved vector itself no longer points the same way


def test_small_noise_keeps_cosine_but_may_not_keep_ties():
    rng = np.random.default_rng(3)
    docs, queries = _unit(rng.normal(size=(40, 32))), _unit(rng.normal(size=(5, 32)))
    noisy = _unit(docs + rng.normal(scale=1e-4, size=docs.shape))
    check = measure_agreement(docs, noisy, queries, queries, k=5)
    assert check.min_cosine >= 0.999
    assert check.passed == (check.identical_top_k == 1.0)


def test_cosine_below_the_bar_fails_even_with_the_same_top_k():
    docs = _unit(np.eye(12, 12, dtype=np.float32) + 0.01)
    tilted = _unit(docs + 0.05 * np.roll(docs, 1, axis=1))
    check = measure_agreement(docs, tilted, docs[:3], docs[:3], k=1, min_cosine=0.9999)
    assert check.identical_top_k == 1.0 and check.min_cosine < 0.9999 and not check.passed


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 12), st.integers(0, 10_000))
def test_top_k_agreement_is_symmetric_and_one_for_itself(n_docs, k, seed):
    rng = np.random.default_rng(seed)
    docs, queries = rng.normal(size=(n_docs, 6)), rng.normal(size=(4, 6))
    a = top_k_indices(queries, docs, k)
    b = top_k_indices(queries, _unit(docs + rng.normal(scale=0.3, size=docs.shape)), k)
    assert a.shape == (4, min(k, n_docs))
    assert top_k_agreement(a, a) == (1.0, 1.0)
    assert top_k_agreement(a, b) == top_k_agreement(b, a)
    assert np.all(row_cosines(docs, docs) > 0.999999)


def test_agreement_round_trips_through_json():
    check = _agreement(True)
    again = Agreement.from_dict(json.loads(json.dumps(check.to_dict())))
    assert again == check and again.passed


def test_probe_texts_cover_long_short_and_odd_texts():
    documents, queries = ov_runtime.probe_texts()
    assert (documents, queries) == ov_runtime.probe_texts()  # fixed
    assert len(documents) >= 100 and len(queries) >= 40
    assert "" in documents and max(len(t) for t in documents) > 2_000  # past the 256 word-piece limit


# -- selection from stored exports (no OpenVINO needed) ---------------------------------------------
def _fake_export(tmp_path, record: dict, precision: str = "f32"):
    out = ov_runtime.export_dir(tmp_path, folder_fingerprint(packaged_model_dir()), precision)
    out.mkdir(parents=True)
    (out / ov_runtime.IR_FILE).write_text("<net/>")
    (out / ov_runtime.AGREEMENT_FILE).write_text(json.dumps(record))
    return out


def _conf(tmp_path, runtime: str = "auto", precision: str = "f32"):
    return settings_from_dict(
        {"embedder": {"runtime": runtime, "openvino_precision": precision, "export_dir": str(tmp_path)}}
    )


def test_model_id_names_the_runtime_and_precision(tmp_path, monkeypatch):
    monkeypatch.setattr(ov_runtime, "openvino_installed", lambda: True)
    _fake_export(tmp_path, {"agreement": _agreement(True).to_dict()}, precision="bf16")
    torch_id = make_embedder(_conf(tmp_path, "torch")).model_id
    ov_embedder = make_embedder(_conf(tmp_path, "auto", "bf16"))
    assert torch_id.endswith(":torch-fp32")
    assert isinstance(ov_embedder, ov_runtime.OpenVinoEmbedder)
    assert ov_embedder.model_id.endswith(":openvino-bf16")
    assert ov_embedder.model_id.rsplit(":", 1)[0] == torch_id.rsplit(":", 1)[0]  # same model, other runtime


def test_a_failed_check_falls_back_to_torch_with_one_note(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(ov_runtime, "openvino_installed", lambda: True)
    _fake_export(tmp_path, {"agreement": _agreement(False).to_dict()})
    with caplog.at_level(logging.WARNING, logger="procure_match.embed"):
        embedder = make_embedder(_conf(tmp_path))
    assert embedder.runtime == "torch" and embedder.model_id.endswith(":torch-fp32")
    assert "failed the agreement check" in embedder.runtime_note
    assert [r.getMessage() for r in caplog.records] == [embedder.runtime_note]
    with pytest.raises(EmbedderError, match="cannot be used: OpenVINO f32 failed the agreement check"):
        make_embedder(_conf(tmp_path, "openvino"))


def test_a_recorded_export_failure_is_not_retried(tmp_path, monkeypatch):
    monkeypatch.setattr(ov_runtime, "openvino_installed", lambda: True)
    monkeypatch.setattr(ov_runtime.subprocess, "run", lambda *a, **k: pytest.fail("export retried"))
    out = _fake_export(tmp_path, {"error": "RuntimeError: conversion failed"})
    embedder = make_embedder(_conf(tmp_path))
    assert embedder.runtime == "torch" and "conversion failed" in embedder.runtime_note
    with pytest.raises(EmbedderError) as info:
        make_embedder(_conf(tmp_path, "openvino"))
    assert str(info.value.path) == str(out)


def test_without_openvino_auto_is_torch_quietly_and_openvino_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(ov_runtime, "openvino_installed", lambda: False)
    embedder = make_embedder(_conf(tmp_path))
    assert embedder.runtime == "torch" and embedder.runtime_note == ""
    with pytest.raises(EmbedderError, match="not installed"):
        make_embedder(_conf(tmp_path, "openvino"))


# -- the real OpenVINO path -------------------------------------------------------------------------
@needs_openvino
@pytest.mark.slow
def test_openvino_vectors_follow_torch_fp32():
    """The default export (made once, in models/cache of the checkout) passed and agrees on new texts."""
    embedder = make_embedder(settings_from_dict({"embedder": {"runtime": "openvino"}}))
    torch_embedder = make_embedder(settings_from_dict({"embedder": {"runtime": "torch"}}))
    check, error = ov_runtime.read_check(embedder.export)
    assert error == "" and check is not None and check.passed
    texts = ["Grounds maintenance for parks", "catering", "IT support " * 200, "Roofing repairs; CPV 45261900"]
    got, want = embedder.embed(texts), torch_embedder.embed(texts)
    assert got.dtype == np.float32 and got.shape == (4, 384)
    assert row_cosines(want, got).min() >= 0.999
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_an_export_folder_that_cannot_be_made_falls_back_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(ov_runtime, "openvino_installed", lambda: True)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the export folder should go")
    embedder = make_embedder(_conf(blocker / "exports"))
    assert embedder.runtime == "torch" and "cannot create the export folder" in embedder.runtime_note
