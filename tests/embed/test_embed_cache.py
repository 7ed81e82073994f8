"""Vector cache: hits, partial hits, model changes, corruption, concurrent writers, compaction."""

from __future__ import annotations

import hashlib
import multiprocessing
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procure_match.embed import EmbedStats, VectorCache, default_cache_dir, embed_with_cache, text_key
from procure_match.embed import cache as cache_module
from procure_match.embed.cache import SHARD_SUFFIX, CorruptShard, decode_shard, encode_shard
from procure_match.embed.tfidf import TfidfEmbedder
from procure_match.settings import Settings, settings_from_dict


class CountingEmbedder:
    """Deterministic vectors from a hash of each text; records every text it was asked to embed."""

    def __init__(self, model_id: str = "fake-model-1", dimension: int = 16):
        self.model_id = model_id
        self.dimension = dimension
        self.seen: list[str] = []

    def fit(self, corpus):
        return None

    def embed(self, texts, *, progress=False):
        self.seen.extend(texts)
        return expected_vectors(texts, self.dimension, self.model_id)


def expected_vectors(texts, dimension=16, model_id="fake-model-1") -> np.ndarray:
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(f"{model_id}|{text}".encode()).digest()[:8], "little")
        row = np.random.default_rng(seed).standard_normal(dimension)
        rows.append(row / np.linalg.norm(row))
    return np.array(rows, dtype=np.float32).reshape(len(texts), dimension)


TEXTS = [f"notice {i}: grounds maintenance lot {i}" for i in range(50)]


def shards(cache: VectorCache, model_id: str) -> list[Path]:
    return sorted(p for p in cache.model_dir(model_id).glob(f"*{SHARD_SUFFIX}") if not p.name.startswith("."))


def test_second_call_is_all_hits_and_bit_identical(tmp_path):
    embedder = CountingEmbedder()
    first, stats1 = embed_with_cache(embedder, TEXTS, VectorCache(tmp_path))
    assert (stats1.requested, stats1.unique, stats1.cache_hits, stats1.embedded) == (50, 50, 0, 50)
    fresh = CountingEmbedder()
    second, stats2 = embed_with_cache(fresh, TEXTS, VectorCache(tmp_path))  # a new process would do this
    assert (stats2.cache_hits, stats2.embedded, fresh.seen) == (50, 0, [])
    assert first.tobytes() == second.tobytes()
    assert second.dtype == np.float32 and second.shape == (50, 16)
    assert stats2.problems == []
    assert "50 from the cache, 0 embedded" in stats2.summary()


def test_partial_hit_embeds_only_new_texts_and_keeps_order(tmp_path):
    cache = VectorCache(tmp_path)
    embed_with_cache(CountingEmbedder(), TEXTS[:30], cache)
    embedder = CountingEmbedder()
    texts = TEXTS[20:50]
    vectors, stats = embed_with_cache(embedder, texts, cache)
    assert (stats.cache_hits, stats.embedded) == (10, 20)
    assert embedder.seen == TEXTS[30:50]
    np.testing.assert_array_equal(vectors, expected_vectors(texts))
    assert VectorCache(tmp_path).count(embedder.model_id) == 50


def test_duplicates_in_one_call_are_embedded_once_and_returned_in_order(tmp_path):
    embedder = CountingEmbedder()
    texts = ["a", "b", "a", "c", "b", "a"]
    vectors, stats = embed_with_cache(embedder, texts, VectorCache(tmp_path))
    assert (stats.requested, stats.unique, stats.embedded) == (6, 3, 3)
    assert embedder.seen == ["a", "b", "c"]
    np.testing.assert_array_equal(vectors, expected_vectors(texts))
    # Also without a cache.
    again = CountingEmbedder()
    vectors2, _ = embed_with_cache(again, texts, None)
    assert again.seen == ["a", "b", "c"]
    np.testing.assert_array_equal(vectors2, vectors)


def test_model_change_never_reuses_vectors(tmp_path):
    cache = VectorCache(tmp_path)
    embed_with_cache(CountingEmbedder("fake-model-1"), TEXTS, cache)
    other = CountingEmbedder("fake-model-2")
    vectors, stats = embed_with_cache(other, TEXTS, cache)
    assert (stats.cache_hits, stats.embedded) == (0, 50)
    np.testing.assert_array_equal(vectors, expected_vectors(TEXTS, model_id="fake-model-2"))
    assert cache.model_dir("fake-model-1") != cache.model_dir("fake-model-2")


def test_tfidf_vectors_bypass_the_cache(tmp_path):
    cache = VectorCache(tmp_path)
    embedder = TfidfEmbedder(dimensions=64)
    embedder.fit(TEXTS)
    first, stats = embed_with_cache(embedder, [*TEXTS, TEXTS[0]], cache)
    again, stats2 = embed_with_cache(embedder, TEXTS, cache)
    assert (stats.unique, stats.embedded, stats.cached, stats2.embedded) == (50, 50, False, 50)
    assert not cache.model_dir(embedder.model_id).exists()
    np.testing.assert_array_equal(first[:50], again)
    np.testing.assert_array_equal(first[50], first[0])
    assert "no vector cache" in stats.summary()


@pytest.mark.parametrize("damage", ["truncate", "flip_vector_byte", "flip_header_byte", "garbage", "empty"])
def test_corrupt_shard_is_reported_deleted_and_rebuilt(tmp_path, damage):
    embed_with_cache(CountingEmbedder(), TEXTS, VectorCache(tmp_path))
    cache = VectorCache(tmp_path)
    (shard,) = shards(cache, "fake-model-1")
    data = bytearray(shard.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 100]
    elif damage == "flip_vector_byte":
        data[-7] ^= 0x01
    elif damage == "flip_header_byte":
        data[9] ^= 0x01  # inside the count
    elif damage == "garbage":
        data = bytearray(b"not a shard at all" * 50)
    else:
        data = bytearray()
    shard.write_bytes(bytes(data))

    embedder = CountingEmbedder()
    vectors, stats = embed_with_cache(embedder, TEXTS, cache)
    assert stats.embedded == 50 and stats.cache_hits == 0
    assert len(stats.problems) == 1
    assert str(shard) in stats.problems[0] and "corrupt" in stats.problems[0]
    assert not shard.exists()
    np.testing.assert_array_equal(vectors, expected_vectors(TEXTS))  # never the damaged values
    # Rebuilt: the next run is all hits and reports nothing.
    _, later = embed_with_cache(CountingEmbedder(), TEXTS, VectorCache(tmp_path))
    assert (later.cache_hits, later.problems) == (50, [])


def test_shard_of_another_model_in_the_folder_is_rejected():
    data = encode_shard("model-a", text_key("x"), np.ones((1, 4), dtype=np.float32))
    assert decode_shard(data, "model-a").vectors.shape == (1, 4)
    with pytest.raises(CorruptShard, match="model-a"):
        decode_shard(data, "model-b")


def test_stray_temporary_file_is_ignored(tmp_path):
    cache = VectorCache(tmp_path)
    embed_with_cache(CountingEmbedder(), TEXTS[:5], cache)
    folder = cache.model_dir("fake-model-1")
    (folder / ".tmp-deadbeef-half-written.pmv").write_bytes(b"PMVEC1\0\0 half")  # a crash mid-write
    _, stats = embed_with_cache(CountingEmbedder(), TEXTS[:5], VectorCache(tmp_path))
    assert (stats.cache_hits, stats.problems) == (5, [])


def test_unwritable_cache_is_reported_not_fatal(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    vectors, stats = embed_with_cache(CountingEmbedder(), TEXTS[:3], VectorCache(blocker))
    assert stats.embedded == 3 and vectors.shape == (3, 16)
    assert len(stats.problems) == 1 and "could not be written" in stats.problems[0]


def test_many_shards_are_merged(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_SHARDS", 4)
    cache = VectorCache(tmp_path)
    for start in range(0, 50, 5):
        embed_with_cache(CountingEmbedder(), TEXTS[start : start + 5], cache)
    assert len(shards(cache, "fake-model-1")) <= 4
    fresh = VectorCache(tmp_path)
    found_vectors, found, problems = fresh.lookup("fake-model-1", [text_key(t) for t in TEXTS])
    assert found.all() and problems == []
    np.testing.assert_array_equal(found_vectors, expected_vectors(TEXTS))


def _writer(directory: str, texts: list[str], batch: int) -> None:
    cache = VectorCache(Path(directory))
    for start in range(0, len(texts), batch):
        embed_with_cache(CountingEmbedder(), texts[start : start + batch], cache)


def test_two_processes_writing_at_once_leave_a_consistent_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_SHARDS", 6)  # forked writers also merge while the other writes
    texts = [f"text number {i}" for i in range(240)]
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_writer, args=(str(tmp_path), texts[:160], 8)),
        context.Process(target=_writer, args=(str(tmp_path), texts[80:], 8)),  # overlaps the first by 80
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    embedder = CountingEmbedder()
    vectors, stats = embed_with_cache(embedder, texts, VectorCache(tmp_path))
    assert stats.problems == []
    assert (stats.cache_hits, stats.embedded) == (240, 0)
    np.testing.assert_array_equal(vectors, expected_vectors(texts))
    assert not list(VectorCache(tmp_path).model_dir("fake-model-1").glob(".tmp-*"))


def test_empty_request(tmp_path):
    vectors, stats = embed_with_cache(CountingEmbedder(), [], VectorCache(tmp_path))
    assert vectors.shape == (0, 16) and stats == EmbedStats(requested=0, unique=0, seconds=stats.seconds)


def test_default_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PROCURE_MATCH_HOME", str(tmp_path / "home"))
    assert default_cache_dir(Settings()) == tmp_path / "home" / "embeddings"
    custom = settings_from_dict({"embedder": {"cache_dir": str(tmp_path / "vectors")}})
    assert default_cache_dir(custom) == tmp_path / "vectors"


def test_unreadable_shard_is_reported_but_kept(tmp_path, monkeypatch):
    embed_with_cache(CountingEmbedder(), TEXTS[:5], VectorCache(tmp_path))
    cache = VectorCache(tmp_path)
    (shard,) = shards(cache, "fake-model-1")
    real_read = Path.read_bytes

    def deny(self):
        if self == shard:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    _, stats = embed_with_cache(CountingEmbedder(), TEXTS[:5], cache)
    assert stats.embedded == 5 and "could not be read" in stats.problems[0]
    assert shard.exists()  # not corrupt, so not deleted


@settings(max_examples=60, deadline=None)
@given(
    first=st.lists(st.sampled_from([f"t{i}" for i in range(12)] + ["", " ", "é", "\u2028"]), max_size=15),
    second=st.lists(st.sampled_from([f"t{i}" for i in range(12)] + ["", "é"]), max_size=15),
)
def test_cache_never_changes_the_answer_and_embeds_each_new_text_once(first, second):
    with tempfile.TemporaryDirectory() as folder:
        cache = VectorCache(Path(folder))
        for texts, before in ((first, set()), (second, set(first))):
            embedder = CountingEmbedder()
            vectors, stats = embed_with_cache(embedder, texts, cache)
            np.testing.assert_array_equal(vectors, expected_vectors(texts))
            assert sorted(embedder.seen) == sorted(set(texts) - before)
            assert stats.cache_hits + stats.embedded == stats.unique == len(set(texts))
            assert stats.problems == []


def test_one_cache_object_never_reads_back_what_it_wrote(tmp_path, monkeypatch):
    cache = VectorCache(tmp_path)
    embed_with_cache(CountingEmbedder(), TEXTS, cache)

    def no_reading(self):
        raise AssertionError(f"read {self}")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    vectors, stats = embed_with_cache(CountingEmbedder(), TEXTS, cache)
    assert stats.cache_hits == 50
    np.testing.assert_array_equal(vectors, expected_vectors(TEXTS))
