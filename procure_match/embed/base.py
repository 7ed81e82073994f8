"""The Embedder protocol, the backend factory and where the vector cache lives.

An embedder turns texts into float32 row vectors of unit length, so a dot product is a cosine.
``model_id`` names everything that changes the vectors (backend, model, fitted vocabulary), and is
the key the vector cache files vectors under: vectors made by one model are never served for another.

Backends are imported lazily by ``make_embedder``: importing this package never imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from procure_match.errors import ProcureMatchError

if TYPE_CHECKING:
    import numpy as np

    from procure_match.settings import Settings

BACKENDS = ("sentence-transformers", "tfidf")


class EmbedderError(ProcureMatchError, RuntimeError):
    """An embedding model cannot be found or loaded, or was used before it was ready."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of ``dimension`` columns.

    An embedder may also set ``cacheable = False`` to keep ``embed_with_cache`` from storing its
    vectors (TF-IDF does: its vocabulary, so its model_id, changes with every corpus).
    """

    model_id: str
    dimension: int

    def fit(self, corpus: Sequence[str]) -> None:
        """Learn from the texts about to be embedded (TF-IDF vocabulary); a no-op for pretrained models."""
        ...

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """A (len(texts), dimension) float32 array, one unit-length row per text, in order."""
        ...


def make_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings.embedder`` asks for.

    Cheap checks (is the model there?) happen now, so a missing model is reported before any
    expensive work; the model itself loads on first use.
    """
    conf = settings.embedder
    if conf.backend == "sentence-transformers":
        from procure_match.embed.openvino import select_sentence_embedder

        return select_sentence_embedder(conf)  # torch, or OpenVINO when installed and checked (embedder.runtime)
    if conf.backend == "tfidf":
        from procure_match.embed.tfidf import TfidfEmbedder

        return TfidfEmbedder(dimensions=conf.tfidf_dimensions)
    raise EmbedderError(
        f"unknown embedder backend {conf.backend!r}",
        fix=f"set embedder.backend to one of {', '.join(repr(b) for b in BACKENDS)}",
    )


def default_cache_dir(settings: Settings) -> Path:
    """``settings.embedder.cache_dir``, or <user data folder>/embeddings."""
    from procure_match.settings import user_data_dir

    if settings.embedder.cache_dir:
        return Path(settings.embedder.cache_dir).expanduser()
    return user_data_dir() / "embeddings"
