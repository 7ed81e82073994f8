"""Embedding throughput: procure-match's embedder against a bare sentence-transformers encode.

    python bench/bench_embed.py [--quick] [--n 2000] [--n-long 200] [--data bench/data]

Target (a): cold directory embedding (no vector cache) through ``make_embedder(settings)`` with the
sentence-transformers backend runs at >= 0.95 of the speed of a bare
``SentenceTransformer(model_path).encode(texts, batch_size=B, normalize_embeddings=True)`` on the
same texts, model and batch size. Both are timed on an already-loaded model (the one-off load is
reported separately), three runs each, interleaved, medians compared. Short texts are directory
enterprise texts; long texts are notice texts (100-200 word descriptions). Texts come from the
generated scale data (``bench/make_scale_data.py``; generated on the fly when absent) and are built
with procure-match's own text builders when ``procure_match.texts`` exists.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import figure, interleaved_medians, machine_info, model_path, update_results_md, write_result

BENCH = Path(__file__).resolve().parent
TARGET_RATIO = 0.95


def ensure_data(folder: Path, n: int, n_long: int) -> None:
    """Generate scale data into ``folder`` unless it already holds enough rows."""
    manifest = folder / "manifest.json"
    if manifest.is_file():
        info = json.loads(manifest.read_text())
        if info.get("enterprises", 0) >= n and info.get("notices", 0) >= n_long:
            return
    from make_scale_data import generate

    print(f"generating scale data into {folder} ...", file=sys.stderr)
    generate(folder, enterprises=max(n, 5_000), notices=max(n_long, 500), spend_lines=0, change_fraction=0.0)


def directory_texts(folder: Path, n: int) -> tuple[list[str], str]:
    with (folder / "directory.csv").open(encoding="utf-8", newline="") as fh:
        rows = [row for _, row in zip(range(n), csv.DictReader(fh), strict=False)]
    try:
        from procure_match.domain import Enterprise
        from procure_match.texts import enterprise_text
    except ImportError:
        return [f"{r['name']}. {r['description']}" for r in rows], "name. description"
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reference.sic import default_sic_vocabulary

    cpv, sic = default_vocabulary(), default_sic_vocabulary()
    out = []
    for r in rows:
        ent = Enterprise(
            id=r["id"],
            name=r["name"],
            description=r["description"],
            sectors=tuple(x for x in r["sectors"].split(";") if x),
            cpv_codes=tuple(x for x in r["cpv_codes"].split(";") if x),
            sic_codes=tuple(x for x in r["sic_codes"].split(";") if x),
        )
        out.append(enterprise_text(ent, cpv, sic))
    return out, "procure_match.texts.enterprise_text"


def notice_texts(folder: Path, n: int) -> tuple[list[str], str]:
    raw = []
    with (folder / "notices.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if len(raw) >= n:
                break
            raw.append(json.loads(line)["releases"][0]["tender"])
    try:
        from procure_match.domain import Tender
        from procure_match.reference.cpv import default_vocabulary
        from procure_match.texts import tender_text
    except ImportError:
        return [f"{t['title']}. {t['description']}" for t in raw], "title. description"
    cpv = default_vocabulary()
    texts = [
        tender_text(
            Tender(
                tender_id=t["id"],
                title=t["title"],
                description=t["description"],
                cpv_codes=(t["classification"]["id"],),
            ),
            cpv,
        )
        for t in raw
    ]
    return texts, "procure_match.texts.tender_text (title, description, main CPV)"


def bench_group(contenders: dict, bare_model, texts: list[str], batch_size: int, repeats: int) -> dict:
    """Interleaved medians of each procure-match embedder and the bare encode, plus agreement checks."""
    funcs = {name: (lambda e=e: e.embed(texts)) for name, e in contenders.items()}
    funcs["bare"] = lambda: bare_model.encode(texts, batch_size=batch_size, normalize_embeddings=True)
    timed = interleaved_medians(funcs, repeats=repeats)
    reference = np.asarray(timed["bare"].pop("last"))
    for name in contenders:
        vectors = np.asarray(timed[name].pop("last"))
        timed[name]["max_abs_diff_vs_bare"] = float(np.max(np.abs(vectors - reference)))
        timed[name]["min_cosine_vs_bare"] = float(np.min(np.sum(vectors * reference, axis=1)))
    timed["n"] = len(texts)
    timed["mean_chars"] = round(sum(map(len, texts)) / max(1, len(texts)), 1)
    return timed


def commentary(runs: dict, torch_name: str) -> str:
    """Sentences on what the runs can and cannot show, generated from the timings."""
    lines = []
    for kind, r in runs.items():
        pm, bare = r[torch_name], r["bare"]
        every = pm["runs_s"] + bare["runs_s"]
        spread = max(every) / min(every) if min(every) > 0 else float("inf")
        gap = abs(pm["median_s"] / bare["median_s"] - 1.0)
        verdict = (
            "smaller than the run-to-run spread, so this run cannot tell them apart"
            if spread - 1.0 > gap
            else "larger than the run-to-run spread"
        )
        lines.append(
            f"- {kind} texts, torch runtime vs bare: max |difference| of vectors {pm['max_abs_diff_vs_bare']:.1e}; "
            f"slowest run {spread:.2f}x the fastest; medians differ by {gap:.1%}, {verdict}."
        )
    lines.append(
        "- With the torch runtime procure-match makes one `encode` call with the same model, batch size and "
        "`normalize_embeddings=True`, so its overhead can only be building one numpy array. The default runtime "
        '(`embedder.runtime = "auto"`) uses the OpenVINO export when openvino is installed: its speed-up over '
        "the bare torch encode is reported as context, with its agreement (minimum cosine) to torch."
    )
    lines.append(
        "- Absolute texts/s are far below an idle machine's (MACHINE-NOTES: 305 short texts/s for torch fp32): "
        "the 2 cores were shared with other jobs (load average in the machine line)."
    )
    return "Commentary (generated from the runs):\n\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2_000, help="directory (short) texts; 100000 for the full directory")
    parser.add_argument("--n-long", type=int, default=200, help="notice (long) texts")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument("--quick", action="store_true", help="300 short and 30 long texts")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.n_long = 300, 30
    if args.repeats < 3:
        parser.error("--repeats must be at least 3 (every speed figure is a median of at least three runs)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    machine = machine_info()
    ensure_data(args.data, args.n, args.n_long)
    short, short_builder = directory_texts(args.data, args.n)
    long, long_builder = notice_texts(args.data, args.n_long)

    from sentence_transformers import SentenceTransformer

    from procure_match.settings import settings_from_dict

    try:
        from procure_match.embed import make_embedder
    except ImportError:  # package __init__ not there yet
        from procure_match.embed.base import make_embedder

    settings = settings_from_dict({"embedder": {"backend": "sentence-transformers", "runtime": "torch"}})
    default_settings = settings_from_dict({"embedder": {"backend": "sentence-transformers"}})
    batch_size = settings.embedder.batch_size
    t0 = time.perf_counter()
    pm = make_embedder(settings)
    pm.embed(["warm up"])
    pm_load = time.perf_counter() - t0
    default_pm = make_embedder(default_settings)
    default_pm.embed(["warm up"])
    torch_name = "procure-match, runtime torch"
    contenders = {torch_name: pm}
    default_id = default_pm.model_id
    default_name = f"procure-match, default runtime ({default_id.rsplit(':', 1)[-1]})"
    if default_id != pm.model_id:
        contenders[default_name] = default_pm
    t0 = time.perf_counter()
    bare = SentenceTransformer(model_path(), device="cpu")
    bare.encode(["warm up"], batch_size=batch_size, normalize_embeddings=True)
    bare_load = time.perf_counter() - t0

    print(f"short texts: {len(short)}, long texts: {len(long)}, batch size {batch_size}", file=sys.stderr)
    runs = {
        "short": bench_group(contenders, bare, short, batch_size, args.repeats),
        "long": bench_group(contenders, bare, long, batch_size, args.repeats),
    }
    figures = []
    for name in contenders:
        for kind, label in (("short", "directory (short) texts"), ("long", "notice (long) texts")):
            r = runs[kind]
            pm_rate = r["n"] / r[name]["median_s"]
            bare_rate = r["n"] / r["bare"]["median_s"]
            ratio = pm_rate / bare_rate
            is_target = name == torch_name and kind == "short"
            figures.append(
                figure(
                    f"{name}: {label}",
                    round(pm_rate, 1),
                    "texts/s",
                    target=f">= {TARGET_RATIO} x bare encode" if is_target else "context (same floor)",
                    ratio=round(ratio, 3),
                    floor=f"bare SentenceTransformer.encode (torch), {round(bare_rate, 1)} texts/s",
                    passed=ratio >= TARGET_RATIO if is_target else None,
                    note=f"n={r['n']}, mean {r['mean_chars']} chars, medians of {args.repeats} interleaved runs "
                    f"({r[name]['runs_s']} s vs bare {r['bare']['runs_s']} s); vectors vs bare: max |difference| "
                    f"{r[name]['max_abs_diff_vs_bare']:.1e}, min cosine {r[name]['min_cosine_vs_bare']:.4f}",
                )
            )
    figures.append(
        figure(
            "model load + first text (procure-match / bare)",
            round(pm_load, 2),
            "s",
            ratio=round(pm_load / bare_load, 2) if bare_load else None,
            floor=f"bare SentenceTransformer load, {bare_load:.2f} s",
            note="one run each (load is once per process); procure-match also fingerprints the model files",
        )
    )
    rate = max(f["value"] for f in figures if f["unit"] == "texts/s" and "short" in f["name"])
    figures.append(
        figure(
            "projected cold embedding of 100,000 directory texts",
            round(100_000 / rate, 0),
            "s",
            note="100,000 / fastest measured procure-match short-text throughput in this run; the vector cache "
            "makes later scans embed only changes",
        )
    )
    payload_settings = {
        "n_short": len(short),
        "n_long": len(long),
        "batch_size": batch_size,
        "repeats": args.repeats,
        "model": model_path(),
        "short_text_builder": short_builder,
        "long_text_builder": long_builder,
        "torch_threads": __import__("torch").get_num_threads(),
    }
    name = "bench_embed_quick" if args.quick else "bench_embed"
    details = {"runs": runs, "default_model_id": default_id, "commentary": commentary(runs, torch_name)}
    path = write_result(name, figures, settings=payload_settings, details=details, machine=machine)
    if not args.quick:
        update_results_md()
    for f in figures:
        print(f"{f['name']}: {f['value']} {f['unit']} (ratio {f['ratio']}, floor {f['floor']})", file=sys.stderr)
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
