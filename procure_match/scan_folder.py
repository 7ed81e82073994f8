"""A scan's whole output folder, written on both cores: matches, settings, reports, teams, briefs, digest.

Two forked children (``parallel.run_beside``) keep both cores busy: the first writes the matches
files, settings, ingest report and summary while this process forms the teams; the second then
writes consortia.json and the digest while this process writes the bid briefs. The files are the
same as a one-process run (``scan.parallel_writes = false``) writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from procure_match.consortium import form_teams
from procure_match.heap import collector_paused
from procure_match.outputs import prepare_out_dir, scan_output_paths, write_scan_outputs
from procure_match.parallel import run_beside
from procure_match.pipeline import ScanRun
from procure_match.reference.cpv import default_vocabulary
from procure_match.reports.render import write_briefs, write_consortia_json, write_digest
from procure_match.settings import Settings


@dataclass
class ScanFolder:
    paths: dict[str, Path]  # name -> file (matches.json, ..., consortia, digest_md, digest_html)
    briefs: int  # bid briefs written (one .md and one .html each)
    briefs_dir: Path


def write_scan_folder(out_dir: str | Path, run: ScanRun, settings: Settings) -> ScanFolder:
    """Write every file of a scan into ``out_dir`` (created if needed)."""
    out = prepare_out_dir(out_dir)
    result = run.result
    vocab = default_vocabulary(settings.ingest.cpv_vocabulary or None)
    parallel = settings.scan.parallel_writes

    def outputs() -> None:
        write_scan_outputs(out, result, run.report, settings, counts=run.counts, timings=run.timings)

    def teams_and_briefs() -> list[Path]:
        teams = form_teams(result, settings, vocab)

        def digest() -> None:
            write_consortia_json(teams, out / "consortia.json", result)
            write_digest(result, teams, out, settings, vocab)

        return run_beside(lambda: write_briefs(result, teams, out, settings, vocab), digest, enabled=parallel)

    with collector_paused():  # hundreds of thousands of small objects, alive until written
        briefs = run_beside(teams_and_briefs, outputs, enabled=parallel)
    paths = {
        **scan_output_paths(out),
        "consortia": out / "consortia.json",
        "digest_md": out / "digest.md",
        "digest_html": out / "digest.html",
    }
    return ScanFolder(paths, sum(1 for p in briefs if p.suffix == ".html"), out / "briefs")
