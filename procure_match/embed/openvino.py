"""OpenVINO runtime for the sentence-transformers model: an offline export, checked, then used.

The export (``export_model``) traces the whole sentence-transformers pipeline of a local model
folder (transformer, mean pooling, normalisation) into one OpenVINO IR with float32 weights, and
runs the agreement check (``procure_match.embed.runtime``) on the probe texts of ``probe_texts``
against torch fp32, at the precision asked for ("f32", or "bf16" where the CPU has it). The IR and
``agreement.json`` go into ``<export root>/<model fingerprint>-openvino-<precision>/``; the
export runs once, in a child process (``ensure_export``), so identifying the model never imports
torch in the calling process.

``OpenVinoEmbedder`` then embeds with the IR and the model's own ``tokenizer.json`` (the
``tokenizers`` library: the same word pieces as sentence-transformers, checked by the agreement
check): neither torch nor sentence-transformers is imported, which also saves their 3.5 s import.

Install: ``pip install "openvino==2026.4.1"`` (the ``fast`` extra). Only openvino itself is needed,
not optimum-intel (which would downgrade transformers and huggingface-hub and pull torchvision).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from procure_match.embed.base import EmbedderError
from procure_match.embed.runtime import Agreement, measure_agreement

if TYPE_CHECKING:
    from procure_match.settings import EmbedderSettings

AGREEMENT_FILE = "agreement.json"
IR_FILE = "model.xml"
EXPORT_TIMEOUT_S = 1800
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def openvino_installed() -> bool:
    """Whether the openvino package can be imported (checked without importing it)."""
    return importlib.util.find_spec("openvino") is not None


def default_export_root() -> Path:
    """``models/cache`` of a source checkout, else ``<user data folder>/models``."""
    models = Path(__file__).resolve().parents[2] / "models"
    if (models / "README.md").is_file():
        return models / "cache"
    from procure_match.settings import user_data_dir

    return user_data_dir() / "models"


def export_dir(root: Path, fingerprint: str, precision: str) -> Path:
    return Path(root) / f"{fingerprint[:16]}-openvino-{precision}"


# -- probe texts --------------------------------------------------------------------------------
def probe_texts() -> tuple[list[str], list[str]]:
    """(documents, queries): a fixed probe set built from the code lists shipped in the package.

    Documents are enterprise-like texts, one per SIC 2007 division and per CPV division, plus edge
    cases (an empty text, accents and symbols, a text far past the 256 word-piece limit); queries
    are notice-like texts, one per CPV division, and some that mix two divisions.
    """
    from procure_match.reference.cpv import DIVISIONS as CPV_DIVISIONS
    from procure_match.reference.sic import DIVISIONS as SIC_DIVISIONS

    cpv = [CPV_DIVISIONS[k] for k in sorted(CPV_DIVISIONS)]
    sic = [SIC_DIVISIONS[k] for k in sorted(SIC_DIVISIONS)]
    documents = [f"Community enterprise {i}. We work in {d.lower()}. Sectors: {d}" for i, d in enumerate(sic)]
    documents += [f"Social enterprise offering {d.lower()} to councils and housing associations." for d in cpv]
    long_text = " ".join(f"{d} for the city council and its partners." for d in cpv)
    documents += ["", "Café & bistro — naïve “quotes”, 50% off; #1 in B1 1AA!", long_text]
    queries = [
        f"Tender: {d}. The council invites bids, including from social enterprises, for {d.lower()} "
        f"across the city under a four-year framework. Codes: {code}000000 {d}"
        for code, d in sorted(CPV_DIVISIONS.items())
    ]
    queries += [f"Lot {i}: {a} and {b}" for i, (a, b) in enumerate(zip(cpv[::3], sic[1::5], strict=False))]
    return documents, queries


# -- encoding with an exported model ------------------------------------------------------------
class OpenVinoEncoder:
    """Encodes texts with an exported IR and the model folder's tokenizer.json; no torch."""

    def __init__(self, ir_file: Path, model_folder: Path, *, precision: str, batch_size: int = 64):
        import openvino as ov
        from tokenizers import Tokenizer

        sbert = _read_json(model_folder / "sentence_bert_config.json")
        self.max_seq_length = int(sbert.get("max_seq_length") or 256)
        self.lower_case = bool(sbert.get("do_lower_case", False))
        self.batch_size = batch_size
        tokenizer_file = model_folder / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise EmbedderError(
                "the model has no tokenizer.json", path=model_folder, fix="use embedder.runtime = 'torch'"
            )
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        padding = _read_json(tokenizer_file).get("padding") or {}
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        self.tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))
        core = ov.Core()
        config = {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "THROUGHPUT"}
        self.compiled = core.compile_model(str(ir_file), "CPU", config)
        self.input_names = [name for name in _INPUTS if any(name in p.get_names() for p in self.compiled.inputs)]
        self.dimension = int(self.compiled.outputs[0].get_partial_shape()[1].get_length())
        self._ov = ov

    def _features(self, texts: list[str]) -> dict[str, np.ndarray]:
        if self.lower_case:
            texts = [t.lower() for t in texts]
        encodings = self.tokenizer.encode_batch(texts)
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        return {name: np.asarray(columns[name], dtype=np.int64) for name in self.input_names}

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int | None = None,
        normalize_embeddings: bool = True,
        show_progress_bar: bool = False,
    ) -> np.ndarray:
        """Float32 rows, in order (unit length unless asked not to), like ``SentenceTransformer.encode``.

        Texts are sorted by length and batched (``batch_size``, default the encoder's), with two
        batches in flight so both cores work.
        """
        batch_size = batch_size or self.batch_size
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        order = np.argsort([-len(t) for t in texts], kind="stable")
        queue = self._ov.AsyncInferQueue(self.compiled)

        def store(request: Any, rows: np.ndarray) -> None:
            out[rows] = request.get_output_tensor(0).data

        queue.set_callback(store)
        starts = range(0, len(texts), batch_size)
        if show_progress_bar:  # the same stderr bar as SentenceTransformer.encode(show_progress_bar=True)
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Batches", unit="batch")
        for start in starts:
            rows = order[start : start + batch_size]
            queue.start_async(self._features([str(texts[i]) for i in rows]), rows)
        queue.wait_all()
        if not normalize_embeddings:
            return out
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# -- export (runs in a child process) -----------------------------------------------------------
def export_model(model_folder: Path, out_dir: Path, precision: str, batch_size: int = 64) -> Agreement:
    """Export ``model_folder`` to OpenVINO IR in ``out_dir``, check it against torch fp32, store both.

    Imports torch and sentence-transformers (``ensure_export`` runs this in a child process). The
    folder is built under a temporary name and renamed, so a crash never leaves half an export.
    """
    import openvino as ov
    import torch
    from sentence_transformers import SentenceTransformer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model = SentenceTransformer(str(model_folder), device="cpu").eval()

    class WholePipeline(torch.nn.Module):
        def __init__(self, st: Any):
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask, token_type_ids=None):  # type: ignore[no-untyped-def]
            features = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                features["token_type_ids"] = token_type_ids
            return self.st(features)["sentence_embedding"]

    example = model.preprocess(["An example text to trace the model with", "Another, shorter one"])
    example = {k: v for k, v in example.items() if k in _INPUTS}
    with torch.no_grad():
        converted = ov.convert_model(WholePipeline(model).eval(), example_input=example)
    tmp = out_dir.with_name(f"{out_dir.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ov.save_model(converted, str(tmp / IR_FILE), compress_to_fp16=False)

    documents, queries = probe_texts()
    encoder = OpenVinoEncoder(tmp / IR_FILE, model_folder, precision=precision, batch_size=batch_size)
    reference = {
        name: model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
        for name, texts in (("documents", documents), ("queries", queries))
    }
    # Small batches too: a batch of one and uneven padding must give the same vectors.
    candidate_docs = np.concatenate([encoder.encode(documents[:1]), encoder.encode(documents[1:])])
    agreement = measure_agreement(reference["documents"], candidate_docs, reference["queries"], encoder.encode(queries))
    record = {
        "agreement": agreement.to_dict(),
        "precision": precision,
        "weights": "float32 (compress_to_fp16=False)",
        "model_folder": str(model_folder),
        "versions": {name: _version(name) for name in ("openvino", "torch", "sentence-transformers", "tokenizers")},
    }
    (tmp / AGREEMENT_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    try:
        tmp.rename(out_dir)
    except OSError:  # another process finished the same export first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
    return agreement


def _version(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def read_check(out_dir: Path) -> tuple[Agreement | None, str]:
    """(agreement, error) stored in an export folder; (None, "") when there is no export yet."""
    record = _read_json(out_dir / AGREEMENT_FILE)
    if not record:
        return None, ""
    if record.get("error"):
        return None, str(record["error"])
    if not (out_dir / IR_FILE).is_file() or "agreement" not in record:
        return None, f"the export in {out_dir} is incomplete (delete the folder to export again)"
    return Agreement.from_dict(record["agreement"]), ""


def ensure_export(
    model_folder: Path, out_dir: Path, precision: str, batch_size: int = 64
) -> tuple[Agreement | None, str]:
    """The stored agreement check of ``out_dir``, exporting first (in a child process) if needed.

    Returns (agreement, error). A failed export is recorded in ``out_dir/agreement.json`` so that
    it is not retried on every run; delete the folder to try again.
    """
    check, error = read_check(out_dir)
    if check is not None or error:
        return check, error
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return None, f"cannot create the export folder {out_dir.parent} ({exc.strerror}); set embedder.export_dir"
    command = [sys.executable, "-m", "procure_match.embed.openvino", str(model_folder), str(out_dir), precision]
    env = {**os.environ, "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1")}
    try:
        done = subprocess.run(
            [*command, str(batch_size)], capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return None, f"the export took more than {EXPORT_TIMEOUT_S} s"
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        error = lines[-1] if lines else f"exit status {done.returncode}"
        with contextlib.suppress(OSError):
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / AGREEMENT_FILE).write_text(json.dumps({"error": error}) + "\n", encoding="utf-8")
        return None, error
    return read_check(out_dir)


# -- the embedder -------------------------------------------------------------------------------
class OpenVinoEmbedder:
    """Embedder running an exported, checked OpenVINO IR; loaded on first use."""

    def __init__(
        self, export: Path, model_folder: Path, model_id: str, *, precision: str, batch_size: int = 64, note: str = ""
    ):
        self.export = export
        self.model_folder = model_folder
        self.model_id = model_id
        self.precision = precision
        self.batch_size = batch_size
        self.runtime = "openvino"
        self.runtime_note = note
        self._encoder: OpenVinoEncoder | None = None

    @property
    def dimension(self) -> int:
        return self._load().dimension

    @property
    def max_seq_length(self) -> int:
        return self._load().max_seq_length

    def fit(self, corpus: Sequence[str]) -> None:
        """Nothing to learn: the model is pretrained."""

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._load().encode(list(texts), show_progress_bar=progress)

    def _load(self) -> OpenVinoEncoder:
        if self._encoder is None:
            try:
                self._encoder = OpenVinoEncoder(
                    self.export / IR_FILE, self.model_folder, precision=self.precision, batch_size=self.batch_size
                )
            except EmbedderError:
                raise
            except Exception as exc:
                raise EmbedderError(
                    f"cannot load the OpenVINO export: {exc}",
                    path=self.export,
                    fix="delete the folder to export again, or set embedder.runtime = 'torch'",
                ) from exc
        return self._encoder


def select_sentence_embedder(conf: EmbedderSettings) -> Any:
    """The sentence-transformers embedder for ``conf``, on the runtime ``conf.runtime`` leads to.

    ``auto``: OpenVINO when installed, the model is a local folder run on the CPU, and the export
    (made now if missing: once, in a child process, 20-60 s) passed its agreement check; else torch,
    with the reason in ``runtime_note`` and logged as one warning line (silent when OpenVINO is
    simply not installed). ``openvino``: the same, but an ``EmbedderError`` instead of torch.
    """
    from procure_match.embed.runtime import choose_runtime
    from procure_match.embed.sentence import SentenceTransformerEmbedder, folder_fingerprint

    torch_embedder = SentenceTransformerEmbedder(model=conf.model, batch_size=conf.batch_size, device=conf.device)
    if conf.runtime == "torch":
        return torch_embedder
    folder = torch_embedder.model_folder
    installed = openvino_installed()
    check, error, out_dir, fingerprint = None, "", None, ""
    if installed and (folder is None or conf.device != "cpu"):
        error = "OpenVINO is used only for a local model folder on the CPU (embedder.device = 'cpu')"
    elif installed and folder is not None:
        fingerprint = folder_fingerprint(folder)
        root = Path(conf.export_dir).expanduser() if conf.export_dir else default_export_root()
        out_dir = export_dir(root, fingerprint, conf.openvino_precision)
        check, error = ensure_export(folder, out_dir, conf.openvino_precision, conf.batch_size)
    try:
        choice = choose_runtime(
            conf.runtime,
            openvino_installed=installed,
            check=check,
            precision=conf.openvino_precision,
            export_error=error,
        )
    except ValueError as exc:
        raise EmbedderError(
            f"embedder.runtime = 'openvino' cannot be used: {exc}",
            path=out_dir,
            fix='pip install "openvino==2026.4.1" (the fast extra); delete the export folder to export again; '
            "or set embedder.runtime = 'auto' or 'torch'",
        ) from exc
    if choice.runtime == "torch":
        torch_embedder.runtime_note = choice.note
        if choice.note:
            logging.getLogger("procure_match.embed").warning(choice.note)
        return torch_embedder
    assert out_dir is not None and folder is not None
    model_id = f"sentence-transformers:{torch_embedder.label}:{fingerprint[:16]}:openvino-{choice.precision}"
    return OpenVinoEmbedder(out_dir, folder, model_id, precision=choice.precision, batch_size=conf.batch_size)


def _main(argv: list[str]) -> int:
    """``python -m procure_match.embed.openvino MODEL_FOLDER OUT_DIR PRECISION [BATCH_SIZE]``."""
    model_folder, out_dir, precision = Path(argv[0]), Path(argv[1]), argv[2]
    batch_size = int(argv[3]) if len(argv) > 3 else 64
    export_model(model_folder, out_dir, precision, batch_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
