"""On-disk vector cache keyed by (model id, sha256 of the text), and ``embed_with_cache``.

Layout: one folder per model, named by a hash of the model id, holding append-only *shard*
files. The folder listing is the manifest: every ``*.pmv`` file in it is a complete shard,
because a shard is written to a temporary name, flushed to disk, and only then renamed
(``os.replace``) to its final, unique name (time, process id, random suffix). A crash leaves at
most a stray temporary file that is never read, and two processes writing at once simply add
two shards: no locks are needed to add vectors.

A shard file is::

    magic "PMVEC1\\0\\0" | count u64 | dimension u32 | model-id length u32 | sha256 (32 bytes)
    | model id (UTF-8, zero-padded to 8 bytes) | count x 32-byte text keys | count x dimension float32

The sha256 covers count, dimension, the model id and the whole payload, so a truncated file, a
flipped byte or a shard from another model is detected. Such a shard is reported, deleted and
never used; its texts are simply embedded again and written to a new shard.

When a model folder holds more than ``MAX_SHARDS`` shards they are merged into one (under an
``fcntl.flock`` lock so only one process merges at a time; a reader that misses a shard merged
away under it re-embeds those texts, nothing worse). Loading 100,000 x 384 vectors reads 154 MB
and takes a fraction of a second; a ``VectorCache`` keeps what it loaded, so later calls in the
same process read only new shards.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import struct
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from procure_match.embed.base import Embedder, EmbedderError
from procure_match.fileio import write_atomically

MAGIC = b"PMVEC1\0\0"
_HEADER = struct.Struct("<8sQII32s")  # magic, count, dimension, model-id length, sha256
_COUNTS = struct.Struct("<QII")  # the part of the header the checksum covers
KEY_BYTES = 32
SHARD_SUFFIX = ".pmv"
MAX_SHARDS = 32
STALE_TEMP_SECONDS = 3600


def text_key(text: str) -> bytes:
    """The cache key of a text: sha256 of its UTF-8 bytes (exactly the text the model sees)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def model_folder_name(model_id: str) -> str:
    return hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:24]


class CorruptShard(Exception):
    """A shard failed verification; the message says how."""


@dataclass(slots=True)
class Shard:
    keys: bytes
    vectors: np.ndarray  # (count, dimension) float32, read-only view of the file's bytes

    @property
    def count(self) -> int:
        return self.vectors.shape[0]


def encode_shard(model_id: str, keys: bytes, vectors: np.ndarray) -> bytes:
    """The bytes of a shard file holding ``vectors`` under ``keys`` (32 bytes per row)."""
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    count, dimension = vectors.shape
    if len(keys) != count * KEY_BYTES:
        raise ValueError(f"{len(keys)} key bytes for {count} vectors")
    mid = model_id.encode("utf-8")
    mid_padded = mid + b"\0" * (-len(mid) % 8)
    counts = _COUNTS.pack(count, dimension, len(mid))
    digest = hashlib.sha256()
    for part in (counts, mid_padded, keys, vectors.data):
        digest.update(part)
    header = _HEADER.pack(MAGIC, count, dimension, len(mid), digest.digest())
    return b"".join((header, mid_padded, keys, vectors.tobytes()))


def decode_shard(data: bytes, model_id: str) -> Shard:
    """Verify and parse shard bytes; raise CorruptShard saying what is wrong."""
    if len(data) < _HEADER.size:
        raise CorruptShard(f"only {len(data)} bytes, shorter than the header")
    magic, count, dimension, mid_len, stored_digest = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise CorruptShard("not a procure-match vector shard (bad magic bytes)")
    mid_padded_len = mid_len + (-mid_len % 8)
    keys_at = _HEADER.size + mid_padded_len
    vectors_at = keys_at + count * KEY_BYTES
    expected = vectors_at + count * dimension * 4
    if len(data) != expected:
        raise CorruptShard(f"{len(data)} bytes where {count} x {dimension} vectors need {expected} (truncated?)")
    view = memoryview(data)
    digest = hashlib.sha256()
    digest.update(_COUNTS.pack(count, dimension, mid_len))
    digest.update(view[_HEADER.size :])
    if digest.digest() != stored_digest:
        raise CorruptShard("checksum mismatch (bytes changed after writing)")
    stored_id = bytes(view[_HEADER.size : _HEADER.size + mid_len]).decode("utf-8", "replace")
    if stored_id != model_id:
        raise CorruptShard(f"holds vectors of model {stored_id!r}, not {model_id!r}")
    vectors = np.frombuffer(data, dtype="<f4", count=count * dimension, offset=vectors_at).reshape(count, dimension)
    return Shard(keys=bytes(view[keys_at:vectors_at]), vectors=vectors)


def _shard_names(folder: Path) -> list[str]:
    """Complete shards in a model folder, oldest first (temporary files start with a dot)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(SHARD_SUFFIX) and not p.name.startswith("."))


def _new_shard_name(tag: str = "") -> str:
    """Unique across processes and time, and sorting oldest first."""
    return f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{tag}{SHARD_SUFFIX}"


@dataclass
class _ModelState:
    """What one VectorCache has loaded for one model.

    Shards are numbered in load order; the index maps a text key to ``number << 32 | row``.
    """

    shards: dict[int, Shard] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)  # shard file name -> number
    index: dict[bytes, int] = field(default_factory=dict)
    dimension: int | None = None
    next_number: int = 0

    def add(self, name: str, shard: Shard) -> None:
        number = self.next_number
        self.next_number += 1
        self.numbers[name] = number
        self.shards[number] = shard
        self.dimension = shard.vectors.shape[1]
        self._index_shard(number, shard)

    def forget(self, names: set[str]) -> None:
        """Drop shards whose files are gone (merged away); keys they held point to a surviving copy."""
        dropped = {self.numbers.pop(name) for name in names}
        for number in dropped:
            del self.shards[number]
        self.index = {k: v for k, v in self.index.items() if (v >> 32) not in dropped}
        for number, shard in self.shards.items():
            self._index_shard(number, shard)

    def _index_shard(self, number: int, shard: Shard) -> None:
        base = number << 32
        keys, index = shard.keys, self.index
        for row in range(shard.count):
            index.setdefault(keys[row * KEY_BYTES : (row + 1) * KEY_BYTES], base | row)


class VectorCache:
    """Vectors on disk under ``directory``, one sub-folder per model id."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._state: dict[str, _ModelState] = {}
        self._pending: list[str] = []  # problems met while merging, not yet handed to a caller

    def take_problems(self) -> list[str]:
        """Problems met outside ``lookup`` (while merging shards) since the last call."""
        out, self._pending = self._pending, []
        return out

    def model_dir(self, model_id: str) -> Path:
        return self.directory / model_folder_name(model_id)

    # -- reading ----------------------------------------------------------------------------
    def lookup(self, model_id: str, keys: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(vectors of the keys found, boolean mask of found keys, problems).

        ``vectors`` has one row per True in the mask, in key order. Problems are sentences about
        shards that were corrupt (deleted and ignored) or unreadable (ignored).
        """
        problems = self.refresh(model_id)
        state = self._state[model_id]
        index = state.index
        codes = np.fromiter((index.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
        found = codes >= 0
        codes = codes[found]
        out = np.empty((len(codes), state.dimension or 0), dtype=np.float32)
        if len(codes) == 0:
            return out, found, problems
        numbers, rows = codes >> 32, codes & 0xFFFFFFFF
        first = int(numbers[0])
        if (numbers == first).all():
            np.take(state.shards[first].vectors, rows, axis=0, out=out)
        else:
            for number in np.unique(numbers):
                mask = numbers == number
                out[mask] = state.shards[int(number)].vectors[rows[mask]]
        return out, found, problems

    def refresh(self, model_id: str) -> list[str]:
        """Load shards written since the last call (by any process); report and delete corrupt ones."""
        state = self._state.setdefault(model_id, _ModelState())
        folder = self.model_dir(model_id)
        problems: list[str] = []
        names = _shard_names(folder)
        for name in names:
            if name in state.numbers:
                continue
            path = folder / name
            try:
                shard = decode_shard(path.read_bytes(), model_id)
                if state.dimension is not None and shard.vectors.shape[1] != state.dimension:
                    raise CorruptShard(f"{shard.vectors.shape[1]} dimensions where the others have {state.dimension}")
            except FileNotFoundError:
                continue  # merged away by another process between listing and reading
            except CorruptShard as exc:
                problems.append(f"cache file {path} was corrupt ({exc}): deleted, its texts are embedded again")
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            except OSError as exc:
                problems.append(f"cache file {path} could not be read ({exc}): ignored, its texts are embedded again")
                continue
            state.add(name, shard)
        gone = set(state.numbers) - set(names)
        if gone:  # merged into a new shard by a compaction: that one was loaded above
            state.forget(gone)
        return problems

    def count(self, model_id: str) -> int:
        """Distinct texts cached for a model (after loading new shards)."""
        self.refresh(model_id)
        return len(self._state[model_id].index)

    # -- writing ----------------------------------------------------------------------------
    def add(self, model_id: str, keys: Sequence[bytes], vectors: np.ndarray) -> Path | None:
        """Write one new shard holding ``vectors`` (one row per key); return its path."""
        if len(keys) == 0:
            return None
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(keys):
            raise ValueError(f"{len(keys)} keys but vectors of shape {vectors.shape}")
        folder = self.model_dir(model_id)
        folder.mkdir(parents=True, exist_ok=True)
        about = folder / "model.json"
        if not about.exists():
            info = {"model_id": model_id, "dimension": int(vectors.shape[1]), "format": MAGIC.rstrip(b"\0").decode()}
            write_atomically(about, json.dumps(info, indent=2).encode())
        path = folder / _new_shard_name()
        data = encode_shard(model_id, b"".join(keys), vectors)
        write_atomically(path, data)
        state = self._state.setdefault(model_id, _ModelState())
        if state.dimension in (None, vectors.shape[1]):  # later lookups here need not read it back
            state.add(path.name, decode_shard(data, model_id))
        if len(_shard_names(folder)) > MAX_SHARDS:
            self.compact(model_id)
        return path

    def compact(self, model_id: str) -> bool:
        """Merge a model's shards into one. Returns False when another process is merging already."""
        folder = self.model_dir(model_id)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "compact.lock").open("a+b") as lock:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            try:
                self._merge_locked(model_id, folder)
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        return True

    def _merge_locked(self, model_id: str, folder: Path) -> None:
        self._pending.extend(self.refresh(model_id))
        state = self._state[model_id]
        merged = list(state.numbers)
        if len(merged) < 2:
            return
        keys = list(state.index)
        vectors, found, problems = self.lookup(model_id, keys)
        self._pending.extend(problems)
        kept = b"".join(k for k, f in zip(keys, found, strict=True) if f)  # all, unless a file vanished meanwhile
        write_atomically(folder / _new_shard_name("-merged"), encode_shard(model_id, kept, vectors))
        for name in merged:
            with contextlib.suppress(OSError):
                (folder / name).unlink()
        now = time.time()
        for tmp in folder.glob(".tmp-*"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                    tmp.unlink()
        self._pending.extend(self.refresh(model_id))


@dataclass
class EmbedStats:
    """What one ``embed_with_cache`` call did: every number explained in ``summary()``."""

    requested: int = 0  # texts asked for
    unique: int = 0  # distinct texts among them (each embedded or looked up once)
    cache_hits: int = 0  # distinct texts served from the cache
    embedded: int = 0  # distinct texts sent to the model
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    model_id: str = ""
    cached: bool = True  # False: no cache given, or the embedder is not worth caching (TF-IDF)

    def summary(self) -> str:
        source = f"{self.cache_hits:,} from the cache" if self.cached else "no vector cache"
        text = (
            f"{self.requested:,} texts ({self.unique:,} distinct): {source}, "
            f"{self.embedded:,} embedded, in {self.seconds:.1f} s"
        )
        if self.problems:
            text += f"; {len(self.problems)} cache problem(s)"
        return text


def embed_with_cache(
    embedder: Embedder, texts: Sequence[str], cache: VectorCache | None, *, progress: bool = False
) -> tuple[np.ndarray, EmbedStats]:
    """Vectors for ``texts`` (in order), embedding only distinct texts the cache does not hold.

    Cache trouble never fails the call: a corrupt shard is deleted and its texts re-embedded; a
    cache folder that cannot be written leaves the vectors uncached. Both are reported in
    ``EmbedStats.problems``. The model is not loaded at all when every text is a cache hit.

    An embedder whose ``cacheable`` attribute is False (TF-IDF: refitted on every corpus, so its
    vectors would never be reused, and cheap to recompute) bypasses the cache; ``stats.cached`` says so.
    """
    started = time.perf_counter()
    if not getattr(embedder, "cacheable", True):
        cache = None
    texts = list(texts)
    stats = EmbedStats(requested=len(texts), cached=cache is not None)
    position: dict[str, int] = {}
    inverse = np.fromiter((position.setdefault(t, len(position)) for t in texts), dtype=np.intp, count=len(texts))
    unique = list(position)
    stats.unique = len(unique)
    if not unique:
        stats.seconds = time.perf_counter() - started
        return np.zeros((0, embedder.dimension), dtype=np.float32), stats
    model_id = embedder.model_id
    stats.model_id = model_id
    keys = [text_key(t) for t in unique] if cache is not None else []
    found = np.zeros(len(unique), dtype=bool)
    cached = np.zeros((0, 0), dtype=np.float32)
    if cache is not None:
        try:
            cached, found, problems = cache.lookup(model_id, keys)
            stats.problems.extend(problems)
        except OSError as exc:
            stats.problems.append(f"cache folder {cache.directory} could not be read ({exc}): all texts embedded")
            found = np.zeros(len(unique), dtype=bool)
    stats.cache_hits = int(found.sum())
    missing = np.flatnonzero(~found)
    fresh = np.zeros((0, 0), dtype=np.float32)
    if len(missing):
        fresh = np.asarray(embedder.embed([unique[i] for i in missing], progress=progress), dtype=np.float32)
        if fresh.ndim != 2 or fresh.shape[0] != len(missing):
            raise EmbedderError(
                f"embedder {model_id} returned shape {fresh.shape} for {len(missing)} texts",
                fix="this is a bug in the embedding backend; report it",
            )
        stats.embedded = len(missing)
        if cache is not None:
            try:
                cache.add(model_id, [keys[i] for i in missing], fresh)
                stats.problems.extend(cache.take_problems())
            except OSError as exc:
                stats.problems.append(
                    f"cache folder {cache.directory} could not be written ({exc}): vectors not cached"
                )
    dimension = fresh.shape[1] if len(missing) else cached.shape[1]
    if len(missing) and stats.cache_hits and cached.shape[1] != dimension:
        raise EmbedderError(
            f"cached vectors have {cached.shape[1]} dimensions but {model_id} now gives {dimension}",
            path=cache.model_dir(model_id) if cache else None,
            fix="delete that cache folder; the model changed without changing its id",
        )
    if not len(missing):
        vectors = cached  # every text from the cache: no copy
    elif not stats.cache_hits:
        vectors = fresh
    else:
        vectors = np.empty((len(unique), dimension), dtype=np.float32)
        vectors[found] = cached
        vectors[missing] = fresh
    if len(unique) != len(texts):
        vectors = vectors[inverse]  # repeated texts get copies of their one vector
    stats.seconds = time.perf_counter() - started
    return vectors, stats
