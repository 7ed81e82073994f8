"""``procure-match ingest notices`` and ``procure-match ingest directory``: read inputs, report what was found."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TextColumn
from rich.table import Table

from procure_match.cli.common import (
    EXIT_RECORD_PROBLEMS,
    QuietOption,
    ReportOption,
    SettingsOption,
    err,
    friendly_errors,
    get_settings,
    print_problems,
    progress_enabled,
    safe,
)
from procure_match.errors import IngestReport, InputFileError

app = typer.Typer(
    help="Read notice files or an enterprise directory and report what was found. "
    "Example: procure-match ingest notices tenders/",
    no_args_is_help=True,
)

StrictOption = Annotated[
    bool, typer.Option("--strict", help="Exit with status 3 when any record was skipped or repaired.")
]


def _finish(report: IngestReport, report_path: Path | None, strict: bool, quiet: bool) -> None:
    if report_path is not None:
        report.write_json(report_path)
        if not quiet:
            err.print(f"Report written to {safe(str(report_path))}")
    if strict and report.problems:
        if not quiet:
            err.print(f"--strict: {len(report.problems)} record problem(s); exit status {EXIT_RECORD_PROBLEMS}.")
        raise typer.Exit(EXIT_RECORD_PROBLEMS)


@app.command("notices")
@friendly_errors
def notices(
    paths: Annotated[list[Path], typer.Argument(help="Notice files (OCDS JSON/JSONL, Contracts Finder CSV), folders.")],
    settings: SettingsOption = None,
    report: ReportOption = None,
    strict: StrictOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Write the notices as a JSON array to stdout.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Read tender notices and summarise them: notices, lots, awards and problems, per file.

    Formats are found from the content: OCDS release/record packages, releases, JSON Lines, arrays of
    packages (OCDS 1.0 and 1.1) and Contracts Finder CSV exports, in UTF-8, UTF-8 with BOM, cp1252 or
    Latin-1. Releases of one OCID merge into one notice.

    Example: procure-match ingest notices tenders/ cf_export.csv --report ingest-report.json
    """
    from procure_match.ingest import load_notices, tender_to_dict

    cfg = get_settings(settings)
    if progress_enabled(quiet):
        with Progress(*Progress.get_default_columns(), TextColumn("{task.fields[name]}"), console=err) as bar:
            task = bar.add_task("Reading notices", total=None, name="")

            def on_file(path: Path, index: int, total: int) -> None:
                bar.update(task, total=total, completed=index, name=path.name)

            tenders, ingest_report = load_notices(paths, cfg, on_file=on_file)
            bar.update(task, completed=bar.tasks[0].total or 0)
    else:
        tenders, ingest_report = load_notices(paths, cfg)
    if as_json:
        typer.echo(json.dumps([tender_to_dict(t) for t in tenders], indent=2, ensure_ascii=False))
    if not quiet:
        per_file: dict[str, Counter] = {}
        for t in tenders:
            c = per_file.setdefault(t.source_file or "?", Counter())
            c["notices"] += 1
            c["lots"] += len(t.lots)
            c["awards"] += len(t.awards)
        for p in ingest_report.problems:
            per_file.setdefault(p.file or "?", Counter())["problems"] += 1
        table = Table(title="Notices read", title_justify="left")
        table.add_column("file", overflow="fold")
        for col in ("notices", "lots", "awards", "problems"):
            table.add_column(col, justify="right")
        for name in sorted(per_file):
            c = per_file[name]
            table.add_row(safe(name), *(str(c[k]) for k in ("notices", "lots", "awards", "problems")))
        err.print(table)
        counts = ingest_report.counts
        err.print(
            f"{counts['files']} file(s): {len(tenders)} notices, {counts['lots']} lots, {counts['awards']} awards "
            f"from {ingest_report.records_read} records ({ingest_report.records_kept} kept, "
            f"{ingest_report.skipped} skipped)."
        )
        print_problems(ingest_report)
    _finish(ingest_report, report, strict, quiet)


def _columns_table(report: IngestReport) -> Table:
    """Which header of the file each field was read from (the report's ``column:<field>=<header>`` counts)."""
    table = Table(
        title=safe("Columns read (field <- header; map others with [directory.columns])"), title_justify="left"
    )
    table.add_column("field")
    table.add_column("header in the file")
    for key in sorted(k for k in report.counts if k.startswith("column:")):
        field, _, header = key[len("column:") :].partition("=")
        table.add_row(safe(field), safe(header))
    return table


@app.command("directory")
@friendly_errors
def directory(
    path: Annotated[Path, typer.Argument(help="Directory of social enterprises (CSV, JSON or XLSX).")],
    settings: SettingsOption = None,
    report: ReportOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
) -> None:
    """Read a directory of social enterprises and summarise it: enterprises, legal forms, problems.

    Example: procure-match ingest directory enterprises/birmingham.csv --report directory-report.json
    """
    try:
        from procure_match.ingest.directory import load_directory
    except ImportError as exc:
        raise InputFileError(
            "directory ingest is not available in this installation",
            path=path,
            fix="install the full procure-match package (procure_match.ingest.directory)",
        ) from exc
    cfg = get_settings(settings)
    ingest_report = IngestReport()
    loaded = load_directory(path, cfg, ingest_report)
    enterprises = loaded[0] if isinstance(loaded, tuple) else loaded  # (enterprises, report) or enterprises
    if not quiet:
        forms = Counter(e.legal_form or "unknown" for e in enterprises)
        with_ids = sum(1 for e in enterprises if e.registration_ids)
        located = sum(1 for e in enterprises if e.latitude is not None)
        err.print(
            f"{len(enterprises)} enterprises from {ingest_report.records_read} rows "
            f"({ingest_report.skipped} skipped); {with_ids} with a registration id, {located} located."
        )
        err.print(_columns_table(ingest_report))
        table = Table(title="Legal forms", title_justify="left")
        table.add_column("legal form")
        table.add_column("enterprises", justify="right")
        for form, n in forms.most_common():
            table.add_row(safe(form), str(n))
        err.print(table)
        print_problems(ingest_report)
    _finish(ingest_report, report, strict, quiet)
