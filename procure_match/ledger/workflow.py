"""The ledger's multi-step jobs as library functions, shared by ``procure-match ledger`` and ``demo``.

Each takes an open ``Ledger`` and settings, does one job end to end (register contracts, import
spend files with supplier resolution, write the progress report) and returns what it did, for
the caller to print. Nothing here prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from procure_match.errors import IngestReport
from procure_match.ledger.model import ParsedSpendFile
from procure_match.ledger.progress import Progress, compute_progress
from procure_match.ledger.resolve import DirectoryEntry, SupplierResolver
from procure_match.ledger.store import ImportOutcome, Ledger
from procure_match.settings import Settings

Say = Callable[[str], None]


def register_contracts(ledger: Ledger, paths: Sequence[str | Path], settings: Settings, report: IngestReport):
    """Read contracts from OCDS awards or contract CSVs and record them (modifications as new versions).

    Returns (contracts read, tally of new / modified / unchanged / target overrides).
    """
    from procure_match.ledger.contracts import load_contracts

    found = load_contracts(paths, settings, report)
    return found, ledger.register_contracts(found, settings)


def directory_resolver(
    ledger: Ledger, directory: str | Path, settings: Settings, report: IngestReport
) -> SupplierResolver:
    """Load the enterprise directory, remember it in the ledger, and build a supplier resolver on it."""
    from procure_match.ingest.directory import load_directory

    enterprises, _ = load_directory(directory, settings, report)
    entries = [DirectoryEntry(e.id, e.name, e.registration_ids, e.postcode) for e in enterprises]
    ledger.store_enterprises(entries)
    return SupplierResolver(entries, settings)


@dataclass
class ImportRun:
    parsed: list[ParsedSpendFile] = field(default_factory=list)
    outcomes: list[ImportOutcome] = field(default_factory=list)
    resolved_later: Counter = field(default_factory=Counter)  # earlier lines resolved by this run's directory


def import_spend_files(
    ledger: Ledger,
    paths: Sequence[str | Path],
    kind: str,
    settings: Settings,
    report: IngestReport,
    *,
    resolver: SupplierResolver | None = None,
    buyer: str | None = None,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    progress: Say | None = None,
    on_parsed: Callable[[ParsedSpendFile], None] | None = None,
) -> ImportRun:
    """Parse and import each spend file (one transaction each), then resolve earlier unresolved lines."""
    from procure_match.ledger.spendfiles import parse_spend_file

    run = ImportRun()
    for path in paths:
        parsed = parse_spend_file(
            path,
            kind,
            buyer=buyer,
            mapping=mapping or None,
            header_threshold=settings.ledger.header_match_threshold,
            max_amount=settings.ledger.max_line_amount,
            report=report,
        )
        run.parsed.append(parsed)
        if on_parsed is not None:
            on_parsed(parsed)
        run.outcomes.append(
            ledger.import_spend(parsed, kind, resolver=resolver, report=report, progress=progress, source=source)
        )
    if resolver is not None:
        run.resolved_later = ledger.resolve_pending(resolver)
    return run


def progress_report(
    ledger: Ledger, out_dir: str | Path, settings: Settings, as_of: date
) -> tuple[Progress, list[Path]]:
    """Compute progress as of a date and write the HTML, CSV and JSON report; return both."""
    from procure_match.ledger.report import write_report

    progress = compute_progress(
        ledger.contracts(), ledger.entries(live_only=True), ledger.enterprises(), settings, as_of
    )
    files = write_report(progress, out_dir, settings, ledger_path=str(ledger.path), n_imports=len(ledger.imports()))
    return progress, files
