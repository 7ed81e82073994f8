"""Embeddings: the Embedder protocol, two backends, and the on-disk vector cache.

Typical use::

    embedder = make_embedder(settings)          # sentence-transformers (default) or tfidf
    embedder.fit(all_texts)                     # tfidf learns its vocabulary; a no-op otherwise
    cache = VectorCache(default_cache_dir(settings))
    vectors, stats = embed_with_cache(embedder, texts, cache, progress=True)

Importing this package does not import torch; the sentence-transformers backend imports it when
the model is first used.
"""

from procure_match.embed.base import BACKENDS, Embedder, EmbedderError, default_cache_dir, make_embedder
from procure_match.embed.cache import EmbedStats, VectorCache, embed_with_cache, text_key

__all__ = [
    "BACKENDS",
    "EmbedStats",
    "Embedder",
    "EmbedderError",
    "VectorCache",
    "default_cache_dir",
    "embed_with_cache",
    "make_embedder",
    "text_key",
]
