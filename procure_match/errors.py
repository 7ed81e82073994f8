"""One error base with context-carrying subclasses, and the record-level problem report.

* A ``ProcureMatchError`` stops a command: the CLI prints its one-line message (which names the
  file and the fix) and exits non-zero. Subclasses also inherit the matching builtin so callers
  may catch either.
* A ``Problem`` is a recoverable issue with one record (skipped or repaired). Problems are
  collected in an ``IngestReport``: counted, printed as a summary, written as JSON. They never
  stop a batch.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path


class ProcureMatchError(Exception):
    """Base of every error procure-match raises on purpose."""

    def __init__(self, message: str, *, path: str | Path | None = None, fix: str | None = None):
        self.path = str(path) if path is not None else None
        self.fix = fix
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}{self.message}.{fix}" if not self.message.endswith(".") else f"{where}{self.message}{fix}"


class InputFileError(ProcureMatchError, ValueError):
    """A whole file cannot be read (missing, not JSON/CSV, encoding beyond repair)."""


class NotNoticesError(InputFileError):
    """A file holds no notices at all (another kind of JSON or CSV, empty, binary): fatal when named,
    skipped with a note when found in a folder."""


class SettingsError(ProcureMatchError, ValueError):
    """The settings file is invalid. ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: list[str], *, path: str | Path | None = None):
        self.errors = list(errors)
        listing = "; ".join(self.errors)
        super().__init__(
            f"{len(self.errors)} problem(s) in settings: {listing}",
            path=path,
            fix="correct the keys named above (see README, 'Settings')",
        )


class ModelFileError(ProcureMatchError, ValueError):
    """A trained model file (the learned fit) is missing, malformed, or was trained on other features."""


class StoreError(ProcureMatchError, RuntimeError):
    """A SQLite store (scan history, ledger) is locked, corrupt or from a newer version."""


class NotFoundError(ProcureMatchError, KeyError):
    """An id named on the command line is not in the inputs."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.one_line()


SEVERITY_SKIPPED = "skipped"  # the record was left out
SEVERITY_REPAIRED = "repaired"  # the record was kept with a repair or a flag
SEVERITY_NOTE = "note"  # about a whole file, no record involved (e.g. a file in a folder that holds no notices)


@dataclass(slots=True)
class Problem:
    """One record-level problem: where, what, what was done, how to fix it at the source."""

    file: str
    record: str  # record index ("line 12", "row 7") and/or OCID
    field: str | None
    problem: str
    action: str  # what procure-match did: "skipped record", "value set to unknown", ...
    fix: str
    severity: str = SEVERITY_REPAIRED


@dataclass
class IngestReport:
    """What an ingest read, kept, repaired and skipped. Nothing is silently dropped."""

    files: list[str] = field(default_factory=list)
    records_read: int = 0
    records_kept: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # free-form tallies, e.g. "awards"

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def problem(
        self,
        file: str | Path,
        record: str,
        field_name: str | None,
        problem: str,
        action: str,
        fix: str,
        *,
        skipped: bool = False,
        severity: str | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                file=str(file),
                record=record,
                field=field_name,
                problem=problem,
                action=action,
                fix=fix,
                severity=severity or (SEVERITY_SKIPPED if skipped else SEVERITY_REPAIRED),
            )
        )

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.severity == SEVERITY_SKIPPED)

    @property
    def repaired(self) -> int:
        return sum(1 for p in self.problems if p.severity == SEVERITY_REPAIRED)

    def merge(self, other: IngestReport) -> None:
        self.files.extend(other.files)
        self.records_read += other.records_read
        self.records_kept += other.records_kept
        self.problems.extend(other.problems)
        self.counts.update(other.counts)

    def summary_by_problem(self) -> list[tuple[str, str, int]]:
        """(problem, action, count) rows, most frequent first, for a printed summary."""
        tally = Counter((p.problem, p.action) for p in self.problems)
        return [(prob, act, n) for (prob, act), n in tally.most_common()]

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "records_read": self.records_read,
            "records_kept": self.records_kept,
            "skipped": self.skipped,
            "repaired": self.repaired,
            "counts": dict(self.counts),
            "problems": [asdict(p) for p in self.problems],
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    def to_json(self) -> str:
        """Strict JSON (``allow_nan=False``: never ``Infinity`` or ``NaN``)."""
        return json.dumps(self.to_dict(), indent=2, default=str, allow_nan=False)
