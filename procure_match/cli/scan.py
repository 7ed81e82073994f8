"""``procure-match scan``: match notices to the directory, write matches and remember the scan."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from procure_match.cli.common import (
    QuietOption,
    SettingsOption,
    err,
    friendly_errors,
    get_settings,
    out,
    print_problems,
    safe,
    terminal_text,
)
from procure_match.errors import InputFileError, SettingsError
from procure_match.settings import Settings

NoticesOption = Annotated[
    list[Path],
    typer.Option(
        "--notices",
        help="Notice file (OCDS JSON/JSONL, Contracts Finder CSV) or a folder of them. Repeat for more files.",
    ),
]
DirectoryOption = Annotated[Path, typer.Option("--directory", help="Directory of social enterprises (CSV/JSON/XLSX).")]
EmbedderOption = Annotated[
    str | None,
    typer.Option("--embedder", help="Embedding backend: 'sentence-transformers' (default) or 'tfidf' (fast)."),
]
SUMMARY_ROWS = 15


def apply_overrides(
    settings: Settings, *, top_k: int | None = None, embedder: str | None = None, enrich: list[Path] | None = None
) -> Settings:
    """Command-line overrides, checked like the settings file (every problem at once)."""
    if enrich:
        settings.directory.enrichment = [*settings.directory.enrichment, *(str(p) for p in enrich)]
    if top_k is not None:
        settings.scan.top_k = top_k
    if embedder is not None:
        settings.embedder.backend = embedder
    problems = settings.problems()
    if problems:
        raise SettingsError([f"{p} (from the command line or settings)" for p in problems])
    return settings


def parse_since(text: str | None, *, option: str = "--since") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputFileError(
            f"{option} {text!r} is not a date", fix=f"give it as YYYY-MM-DD, e.g. {option} 2025-11-01"
        ) from None


def _summary(run, out_dir: Path) -> None:
    c = run.counts
    table = Table(title=f"Scan {run.result.scan_id} -> {safe(str(out_dir))}")
    table.add_column("notices and matches")
    table.add_column("count", justify="right")
    for label, key in (
        ("notices read", "notices_read"),
        ("  new since the last scan", "new"),
        ("  changed since the last scan", "changed"),
        ("  withdrawn", "withdrawn"),
        ("  excluded (reasons in scan-summary.json)", "excluded"),
        ("  scanned", "notices_scanned"),
        ("    pipeline, planning or market engagement", "early_stage"),
        ("  values treated as not stated (placeholders)", "placeholder_values"),
        ("lots matched on their own", "lots_matched"),
        ("enterprises", "enterprises"),
        ("candidates kept", "candidates"),
        ("  eligible", "eligible"),
        ("  with checks unverified (input missing)", "candidates_with_unverified_checks"),
        ("texts embedded now", "texts_embedded"),
        ("texts from the vector cache", "texts_from_cache"),
    ):
        table.add_row(label, f"{c.get(key, 0):,}")
    out.print(table)

    best: dict[str, object] = {}
    for cand in run.result.candidates:
        if cand.lot_id is None and cand.rank == 1:
            best[cand.tender_id] = cand
    if best:
        titles = {t.tender_id: t.title for t in run.result.tenders}
        top = Table(title="Top match per notice")
        for col in ("notice", "title", "enterprise", "score", "status"):
            top.add_column(col, overflow="fold")
        for tid, cand in sorted(best.items(), key=lambda kv: -kv[1].score)[:SUMMARY_ROWS]:
            name = run.result.enterprises[cand.enterprise_id].name
            top.add_row(
                safe(tid), safe((titles.get(tid) or "")[:60]), safe(name), f"{cand.score:.2f}", cand.status_text
            )
        out.print(top)
        if len(best) > SUMMARY_ROWS:
            out.print(f"… and {len(best) - SUMMARY_ROWS} more notices: see {out_dir / 'matches.csv'}")
    changed = [ch for ch in run.result.changes.values() if ch.kind in ("changed", "withdrawn")]
    for ch in sorted(changed, key=lambda x: x.tender_id)[:SUMMARY_ROWS]:
        text = f"{ch.kind}: {ch.tender_id}: {'; '.join(ch.details) or ', '.join(ch.changed_fields)}"
        out.print(terminal_text(text), markup=False, highlight=False)


@friendly_errors
def scan_command(
    notices: NoticesOption,
    directory: DirectoryOption,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder (created if needed).")],
    settings_path: SettingsOption = None,
    top_k: Annotated[int | None, typer.Option("--top-k", help="Candidates kept per notice and lot.")] = None,
    embedder: EmbedderOption = None,
    store: Annotated[
        Path | None, typer.Option("--store", help="Scan history file (default: settings scan.store).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only notices published on or after this date (YYYY-MM-DD).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Judge deadlines as of this date (YYYY-MM-DD) instead of now, e.g. to re-run a past week."
        ),
    ] = None,
    enrich: Annotated[
        list[Path] | None,
        typer.Option(
            "--enrich",
            metavar="FILE",
            help="CSV of turnover/employees by organisation and year (e.g. Co-operatives UK economy data), "
            "joined on id or registered number; repeatable (settings: directory.enrichment).",
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Match notices to social enterprises; write matches.json/.csv, settings.toml and ingest-report.json.

    Example: procure-match scan --notices tenders/ocds --notices tenders/contracts_finder_export.csv
    --directory enterprises/birmingham_social_enterprises.csv --out reports/scan --as-of 2021-06-01
    """
    from procure_match.ingest import expand_paths
    from procure_match.outputs import prepare_out_dir
    from procure_match.pipeline import check_paths, run_scan, utc_now
    from procure_match.scan_folder import write_scan_folder

    # Everything cheap first: settings, overrides, dates and paths, before any model loads.
    settings = apply_overrides(get_settings(settings_path), top_k=top_k, embedder=embedder, enrich=enrich)
    for extra in settings.directory.enrichment:
        check_paths([extra], directory)
    since_date = parse_since(since)
    as_of_date = parse_since(as_of, option="--as-of")
    now = utc_now() if as_of_date is None else datetime.combine(as_of_date, time.min, tzinfo=UTC)
    notice_paths = expand_paths(list(notices))
    check_paths(notice_paths, directory)
    prepare_out_dir(out_dir)  # an unwritable --out stops the scan before it is recorded in the history

    def progress(message: str) -> None:
        if not quiet:
            err.print(f"[dim]{safe(message)}[/]")

    run = run_scan(
        notice_paths,
        directory,
        settings,
        now=now,
        since=since_date,
        store_path=store,
        progress=progress,
        show_bars=not quiet and err.is_terminal,
        # Matches, settings, reports, then teams, consortia.json, a brief per team, the digest; the
        # history is committed only after they are all written.
        write_outputs=lambda scan: write_scan_folder(out_dir, scan, settings),
    )
    folder = run.outputs
    paths, briefs = folder.paths, folder.briefs

    _summary(run, out_dir)
    if not quiet:
        report = run.report
        err.print(
            f"{report.records_kept} of {report.records_read} records kept; "
            f"{report.skipped} skipped, {report.repaired} repaired (details: {paths['ingest-report.json']})"
        )
        print_problems(report, none_message=None)
        err.print(f"wrote {', '.join(str(p) for p in paths.values())}; history in {run.store_path}", markup=False)
        err.print(f"{briefs} bid brief(s) in {out_dir / 'briefs'}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("scan")(scan_command)
