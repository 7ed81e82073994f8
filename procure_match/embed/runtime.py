"""Which runtime runs the sentence-transformers model, and the agreement check that decides it.

Pure logic only (numpy, no torch, no OpenVINO): the decision from what is installed and what the
agreement check found, and the check itself on two sets of vectors.

A faster runtime is only used when its vectors agree with torch fp32 on a fixed probe set:
every vector's cosine to the torch fp32 vector is at least ``MIN_COSINE`` and every probe query
retrieves the same top-``TOP_K`` documents (as a set). Anything less and ``auto`` stays on torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

RUNTIMES = ("auto", "torch", "openvino")
OPENVINO_PRECISIONS = ("f32", "bf16")
MIN_COSINE = 0.999
TOP_K = 10


@dataclass(frozen=True)
class Agreement:
    """How closely a runtime's vectors follow torch fp32 on the probe set."""

    vectors: int  # probe texts compared (documents and queries)
    min_cosine: float
    mean_cosine: float
    queries: int  # probe queries ranked against the probe documents
    documents: int
    top_k: int
    identical_top_k: float  # fraction of queries whose top-k set is the same
    mean_overlap: float  # mean |top-k ∩ top-k reference| / k
    min_cosine_required: float = MIN_COSINE

    @property
    def passed(self) -> bool:
        return self.min_cosine >= self.min_cosine_required and self.identical_top_k == 1.0

    def summary(self) -> str:
        return (
            f"cosine to torch fp32 min {self.min_cosine:.5f} (needs >= {self.min_cosine_required}), "
            f"identical top-{self.top_k} for {self.identical_top_k:.1%} of {self.queries} probe queries"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Agreement:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


def top_k_indices(queries: np.ndarray, documents: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """(len(queries), min(k, len(documents))) indices of each query's best documents by dot product."""
    k = min(k, documents.shape[0])
    scores = np.asarray(queries, dtype=np.float32) @ np.asarray(documents, dtype=np.float32).T
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def top_k_agreement(reference: np.ndarray, candidate: np.ndarray) -> tuple[float, float]:
    """(fraction of rows with the same set of indices, mean overlap fraction) of two top-k tables."""
    if reference.shape != candidate.shape:
        raise ValueError(f"top-k tables differ in shape: {reference.shape} vs {candidate.shape}")
    if reference.shape[0] == 0:
        return 1.0, 1.0
    overlaps = [len(set(a.tolist()) & set(b.tolist())) for a, b in zip(reference, candidate, strict=True)]
    k = reference.shape[1]
    identical = sum(o == k for o in overlaps) / len(overlaps)
    return float(identical), float(np.mean(overlaps) / k)


def row_cosines(reference: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """Cosine of each candidate row to the same reference row (rows need not be unit length)."""
    a = np.asarray(reference, dtype=np.float64)
    b = np.asarray(candidate, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"vector tables differ in shape: {a.shape} vs {b.shape}")
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.divide((a * b).sum(axis=1), norms, out=np.zeros(len(a)), where=norms > 0)


def measure_agreement(
    reference_documents: np.ndarray,
    candidate_documents: np.ndarray,
    reference_queries: np.ndarray,
    candidate_queries: np.ndarray,
    *,
    k: int = TOP_K,
    min_cosine: float = MIN_COSINE,
) -> Agreement:
    """Compare a candidate runtime's vectors with torch fp32's on the same documents and queries."""
    cos = np.concatenate(
        [row_cosines(reference_documents, candidate_documents), row_cosines(reference_queries, candidate_queries)]
    )
    identical, overlap = top_k_agreement(
        top_k_indices(reference_queries, reference_documents, k),
        top_k_indices(candidate_queries, candidate_documents, k),
    )
    return Agreement(
        vectors=len(cos),
        min_cosine=round(float(cos.min()), 6) if len(cos) else 1.0,
        mean_cosine=round(float(cos.mean()), 6) if len(cos) else 1.0,
        queries=len(reference_queries),
        documents=len(reference_documents),
        top_k=min(k, len(reference_documents)),
        identical_top_k=identical,
        mean_overlap=round(overlap, 6),
        min_cosine_required=min_cosine,
    )


@dataclass(frozen=True)
class RuntimeChoice:
    """The runtime that will embed, and why (``note`` is one line, empty when nothing to say)."""

    runtime: str  # "torch" or "openvino"
    precision: str  # "fp32" for torch; "f32" or "bf16" for OpenVINO
    note: str = ""


def choose_runtime(
    requested: str,
    *,
    openvino_installed: bool,
    check: Agreement | None,
    precision: str,
    export_error: str = "",
) -> RuntimeChoice:
    """The runtime to use, from the setting, what is installed and the stored agreement check.

    ``check`` is the agreement check stored beside the OpenVINO export (None when there is no
    export); ``export_error`` says why the export could not be made. ``auto`` takes OpenVINO only
    when everything is in place and the check passed; otherwise torch, with a note saying why
    (nothing to say when OpenVINO is simply not installed). An explicit ``openvino`` that cannot
    be honoured raises ``ValueError`` with the reason.
    """
    if requested not in RUNTIMES:
        raise ValueError(f"unknown runtime {requested!r}: use one of {', '.join(RUNTIMES)}")
    if requested == "torch":
        return RuntimeChoice("torch", "fp32")
    reason = ""
    if not openvino_installed:
        reason = "OpenVINO is not installed"
    elif export_error:
        reason = f"the OpenVINO export failed ({export_error})"
    elif check is None:
        reason = "there is no OpenVINO export"
    elif not check.passed:
        reason = f"OpenVINO {precision} failed the agreement check: {check.summary()}"
    if not reason:
        return RuntimeChoice("openvino", precision)
    if requested == "openvino":
        raise ValueError(reason)
    quiet = not openvino_installed  # the ordinary install: nothing to report
    return RuntimeChoice("torch", "fp32", "" if quiet else f"embedding with torch fp32: {reason}")
