"""Options and helpers shared by every command: settings, clean error exits, consoles."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from procure_match.errors import IngestReport, InputFileError, ProcureMatchError
from procure_match.ingest.textutil import strip_controls
from procure_match.settings import Settings, load_settings

# Data goes to stdout; progress, summaries of problems and errors go to stderr.
out = Console()
err = Console(stderr=True)

SettingsOption = Annotated[
    Path | None,
    typer.Option("--settings", help="TOML settings file (see README, 'Settings'). Defaults apply when omitted."),
]
ReportOption = Annotated[
    Path | None, typer.Option("--report", help="Write every record-level problem as JSON to this file.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries on stderr.")]

F = TypeVar("F", bound=Callable[..., Any])


def terminal_text(value: object) -> str:
    """Text from the inputs made safe for a terminal: no escape sequences (screen clears, OSC-8 links),
    no control characters but tab and newline (a carriage return could overwrite the line)."""
    return strip_controls(str(value), keep="\t\n")


def safe(value: object) -> str:
    """``terminal_text`` with rich markup escaped: use for every input-derived value the CLI prints."""
    return escape(terminal_text(value))


EXIT_INPUT_ERROR = 2
EXIT_RECORD_PROBLEMS = 3


def friendly_errors(func: F) -> F:
    """Turn a ProcureMatchError into one clear line on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProcureMatchError as exc:
            err.print(f"[bold red]error:[/] {safe(exc.one_line())}", highlight=False, markup=True, soft_wrap=True)
            raise typer.Exit(EXIT_INPUT_ERROR) from None

    return wrapper  # type: ignore[return-value]


def check_output_file(path: Path | None, option: str) -> None:
    """Stop before any work (and before anything is committed) when ``path`` cannot be written."""
    if path is None:
        return
    parent = path.parent if str(path.parent) else Path()
    problem = None
    if path.is_dir():
        problem = "is a folder"
    elif not parent.is_dir():
        problem = f"its folder {parent} does not exist" if not parent.exists() else f"{parent} is not a folder"
    elif not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        problem = "cannot be written (permission denied)"
    if problem:
        raise InputFileError(f"{option} {problem}", path=path, fix=f"give {option} a file in a folder you can write to")


def write_problems_json(report: IngestReport, path: Path) -> None:
    """``report`` as JSON at ``path``, or one line naming the path (never a traceback)."""
    try:
        report.write_json(path)
    except OSError as exc:
        raise InputFileError(
            f"cannot write the report ({exc.strerror})", path=path, fix="give --report a writable file"
        ) from None


def get_settings(path: Path | None) -> Settings:
    return load_settings(path)


def progress_enabled(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


PROBLEM_ROWS = 12


def print_problems(report: IngestReport, *, none_message: str | None = "No problems found.") -> None:
    """Problems by kind (count, problem, action) on stderr, most frequent first; the rest are in --report."""
    rows = report.summary_by_problem()
    if not rows:
        if none_message:
            err.print(none_message)
        return
    notes = len(report.problems) - report.skipped - report.repaired
    title = f"Problems: {report.skipped} skipped, {report.repaired} repaired" + (
        f", {notes} file notes" if notes else ""
    )
    table = Table(title=title, title_justify="left")
    table.add_column("count", justify="right")
    table.add_column("problem")
    table.add_column("action")
    for problem, action, n in rows[:PROBLEM_ROWS]:
        table.add_row(str(n), safe(problem), safe(action))
    err.print(table)
    if len(rows) > PROBLEM_ROWS:
        err.print(f"... and {len(rows) - PROBLEM_ROWS} more kinds of problem (see --report FILE for every one).")
