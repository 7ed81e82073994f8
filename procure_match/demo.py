"""The bundled demo as one readable function: Birmingham's Commonwealth Games network, end to end.

``run_demo`` scans the bundled notices against the bundled directory as of the scenario date,
forms consortia and writes briefs and the digest, builds the social-spend ledger from the awards
and the spend files, writes its progress report, and scores the scan against the coordinator's
shortlist labels. It keeps its scan history and ledger inside the output folder, so a second run
reuses them (and the vector cache) and reports what was new. Nothing here prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from procure_match.errors import IngestReport, InputFileError
from procure_match.evaluate import Evaluation, evaluate, load_labels, ranked_from_matches
from procure_match.settings import Settings

# The scenario is told as of 1 June 2021: the Games contracts are let, lots and small
# opportunities are open, and contractors have returned a year of supply-chain spend.
SCENARIO_DATE = date(2021, 6, 1)


@dataclass(frozen=True)
class DemoData:
    notices: tuple[Path, ...]
    directory: Path
    returns: tuple[Path, ...]
    council_spend: tuple[Path, ...]
    labels: Path


def bundled_data(root: Path | None = None) -> DemoData:
    """The demo files in a source checkout (``tenders/``, ``enterprises/``), or under ``root``."""
    base = root or Path(__file__).resolve().parent.parent
    data = DemoData(
        notices=(base / "tenders" / "ocds", base / "tenders" / "contracts_finder_export.csv"),
        directory=base / "enterprises" / "birmingham_social_enterprises.csv",
        returns=(base / "tenders" / "spend" / "contractor_supply_chain_returns.csv",),
        council_spend=(base / "tenders" / "spend" / "council_spend_over_500_2021-05.csv",),
        labels=base / "tenders" / "labels.json",
    )
    for path in (*data.notices, data.directory, *data.returns, *data.council_spend, data.labels):
        if not path.exists():
            raise InputFileError(
                "bundled demo data not found",
                path=path,
                fix="run the demo from a source checkout installed with 'pip install -e .', or pass --data CHECKOUT",
            )
    return data


@dataclass
class DemoResult:
    out_dir: Path
    scan: object  # pipeline.ScanRun
    teams: list = field(default_factory=list)
    briefs: int = 0
    files: dict[str, Path] = field(default_factory=dict)
    contracts_tally: dict[str, int] = field(default_factory=dict)
    imports: list = field(default_factory=list)  # ledger.store.ImportOutcome
    progress: object = None  # ledger.progress.Progress
    review: list[dict] = field(default_factory=list)  # supplier names queued for a person
    evaluation: Evaluation | None = None
    report: IngestReport = field(default_factory=IngestReport)


def _write_scan_folder(scan_dir: Path, run: object, settings: Settings, tell: Callable[[str], None]) -> object:
    from procure_match.scan_folder import write_scan_folder

    tell("2/4 matches, consortia, bid briefs and the weekly digest")
    return write_scan_folder(scan_dir, run, settings)


def run_demo(
    out_dir: str | Path,
    settings: Settings,
    *,
    data: DemoData | None = None,
    as_of: date = SCENARIO_DATE,
    say: Callable[[str], None] | None = None,
    show_bars: bool = False,
) -> DemoResult:
    """Run every stage on the bundled data; outputs, scan history and ledger go under ``out_dir``."""
    from procure_match.ingest import expand_paths
    from procure_match.ledger.store import Ledger
    from procure_match.ledger.workflow import (
        directory_resolver,
        import_spend_files,
        progress_report,
        register_contracts,
    )
    from procure_match.outputs import match_rows, prepare_out_dir
    from procure_match.pipeline import run_scan

    tell = say or (lambda _msg: None)
    data = data or bundled_data()
    out = prepare_out_dir(out_dir)
    notice_paths = expand_paths(list(data.notices))
    now = datetime.combine(as_of, time.min, tzinfo=UTC)

    scan_dir = out / "scan"
    tell(f"1/4 scan: notices as of {as_of.isoformat()}")
    run = run_scan(
        notice_paths,
        data.directory,
        settings,
        now=now,
        store_path=out / "scan-history.sqlite",
        progress=tell,
        show_bars=show_bars,
        write_outputs=lambda scan: _write_scan_folder(scan_dir, scan, settings, tell),
    )
    result = DemoResult(out_dir=out, scan=run, report=run.report)
    folder = run.outputs
    result.files.update(folder.paths)
    result.briefs = folder.briefs
    result.teams = json.loads(folder.paths["consortia"].read_text(encoding="utf-8"))

    tell("3/4 social-spend ledger: contracts from awards, supply-chain returns, council spend")
    ledger_report = IngestReport()
    with Ledger(out / "ledger.sqlite") as ledger:
        _, tally = register_contracts(ledger, notice_paths, settings, ledger_report)
        result.contracts_tally = dict(tally)
        resolver = directory_resolver(ledger, data.directory, settings, ledger_report)
        for kind, paths in (("return", data.returns), ("council", data.council_spend)):
            imported = import_spend_files(ledger, paths, kind, settings, ledger_report, resolver=resolver)
            result.imports.extend(imported.outcomes)
        result.progress, files = progress_report(ledger, out / "ledger", settings, as_of)
        result.review = ledger.review_queue()
    result.files.update({f"ledger:{p.name}": p for p in files})
    ledger_report.write_json(out / "ledger" / "ledger-ingest-report.json")

    tell("4/4 quality against the coordinator's shortlists")
    result.evaluation = evaluate(ranked_from_matches(match_rows(run.result)), load_labels(data.labels))
    evaluation_path = out / "evaluation.json"
    evaluation_path.write_text(json.dumps(result.evaluation.to_dict(), indent=2) + "\n", encoding="utf-8")
    result.files["evaluation"] = evaluation_path
    return result
