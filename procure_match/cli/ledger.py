"""``procure-match ledger ...``: the social-spend ledger commands (thin: parse options, call the ledger, print)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from procure_match.cli.common import (
    QuietOption,
    ReportOption,
    SettingsOption,
    check_output_file,
    err,
    friendly_errors,
    get_settings,
    out,
    print_problems,
    write_problems_json,
)
from procure_match.cli.common import safe as escape  # strips control characters too
from procure_match.csvsafe import SafeDictWriter, allow_large_fields, restore_row
from procure_match.errors import IngestReport, InputFileError
from procure_match.ledger.model import KINDS
from procure_match.settings import Settings

app = typer.Typer(
    help="Track spend with social enterprises against each contract's target (e.g. 1% of built-environment "
    "contracts). Example: procure-match ledger import spend.csv --kind council --directory coops.csv",
    no_args_is_help=True,
)

LedgerOption = Annotated[
    Path | None,
    typer.Option("--ledger", help="Ledger SQLite file (default: settings ledger.path, else the user data folder)."),
]


def _open(settings: Settings, ledger: Path | None):
    from procure_match.ledger.store import Ledger, ledger_path

    return Ledger(ledger_path(settings, ledger))


def _problems(report: IngestReport, report_path: Path | None, quiet: bool) -> None:
    if report_path is not None:
        write_problems_json(report, report_path)
    if quiet:
        return
    print_problems(report, none_message=None)


def print_outcome(outcome, quiet: bool) -> None:
    """What one import did: new lines, or 'already imported', and each changed or removed row."""
    out.print(escape(outcome.summary()), highlight=False, soft_wrap=True)
    if outcome.resolutions and not quiet:
        err.print("  suppliers resolved: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.resolutions.items())))
    for row, supplier, old, new in outcome.changed[:10]:
        out.print(
            f"  changed row {row} {escape(supplier)}: £{old:,.2f} -> £{new:,.2f}", highlight=False, soft_wrap=True
        )
    for row, supplier, amount in outcome.removed[:10]:
        out.print(f"  removed row {row} {escape(supplier)}: £{amount:,.2f} (reversed)", highlight=False, soft_wrap=True)


@app.command("contracts")
@friendly_errors
def contracts_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Contract CSVs and/or notice files (OCDS JSON, CF CSV).")],
    ledger: LedgerOption = None,
    settings: SettingsOption = None,
    report: ReportOption = None,
    quiet: QuietOption = False,
) -> None:
    """Register contracts (value, buyer, supplier, dates, CPV) from OCDS awards or a CSV.

    A contract seen again with a different value is recorded as a modification (a new version).
    Example: procure-match ledger contracts contracts.csv awards.jsonl
    """
    from procure_match.ledger.workflow import register_contracts

    check_output_file(report, "--report")  # before anything is committed
    s = get_settings(settings)
    rep = IngestReport()
    with _open(s, ledger) as led:
        found, tally = register_contracts(led, paths, s, rep)
    out.print(
        f"{len(found)} contract(s) read: {tally['new']} new, {tally['modified']} modified (new version), "
        f"{tally['unchanged']} unchanged, {tally['target overrides']} target override(s)",
        highlight=False,
        soft_wrap=True,
    )
    _problems(rep, report, quiet)


def _parse_map(items: list[str] | None) -> dict[str, str]:
    mapping = {}
    for item in items or []:
        if "=" not in item:
            raise InputFileError(f"--map {item!r} is not FIELD=Header", fix="write e.g. --map supplier='Payee Name'")
        k, v = item.split("=", 1)
        mapping[k.strip()] = v.strip()
    return mapping


@app.command("import")
@friendly_errors
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Spend files (CSV).")],
    kind: Annotated[str, typer.Option("--kind", help="return (contractor's supply-chain return) or council.")],
    directory: Annotated[
        Path | None, typer.Option("--directory", help="Enterprise directory to resolve suppliers against.")
    ] = None,
    buyer: Annotated[
        str | None, typer.Option("--buyer", help="Buyer name (default: a Body column, else the file name).")
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Explicit column: FIELD=Header (fields: supplier, amount, date, ...)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="Name of the source this file is a version of (default: its file name); one file only."
        ),
    ] = None,
    ledger: LedgerOption = None,
    settings: SettingsOption = None,
    report: ReportOption = None,
    quiet: QuietOption = False,
) -> None:
    """Import spend lines; the same file twice adds nothing, a corrected file adds reversals and new lines.

    Example: procure-match ledger import mcc_spend.csv --kind council --directory coops.csv
    """
    from procure_match.ledger.workflow import directory_resolver, import_spend_files

    if kind not in KINDS:
        raise InputFileError(
            f"--kind {kind!r} is not one of {', '.join(KINDS)}", fix="use --kind return or --kind council"
        )
    if source and len(paths) > 1:
        raise InputFileError("--source names one source, but several files were given", fix="import them one by one")
    check_output_file(report, "--report")  # before anything is committed
    s = get_settings(settings)
    cols = {**s.ledger.columns, **_parse_map(mapping)}
    rep = IngestReport()

    def said(parsed) -> None:
        if not quiet:
            err.print(
                f"{escape(Path(parsed.path).name)}: header on line {parsed.header_row}, columns "
                + ", ".join(f"{f}='{escape(h)}'" for f, h in parsed.columns.items())
                + f"; {escape(parsed.buyer_note)}",
                highlight=False,
                soft_wrap=True,
            )

    progress = None if quiet else (lambda msg: err.print(escape(msg), highlight=False, soft_wrap=True))
    with _open(s, ledger) as led:
        resolver = None
        if directory is not None:
            if not quiet:
                err.print(f"Reading directory {escape(str(directory))} ...")
            resolver = directory_resolver(led, directory, s, rep)
        run = import_spend_files(
            led,
            paths,
            kind,
            s,
            rep,
            resolver=resolver,
            buyer=buyer,
            mapping=cols,
            source=source,
            progress=progress,
            on_parsed=said,
        )
    for outcome in run.outcomes:
        print_outcome(outcome, quiet)
    if run.resolved_later:
        out.print(
            "earlier lines resolved now: " + ", ".join(f"{k} {v}" for k, v in sorted(run.resolved_later.items())),
            highlight=False,
            soft_wrap=True,
        )
    _problems(rep, report, quiet)


@app.command("set-target")
@friendly_errors
def set_target_cmd(
    contract_id: Annotated[str, typer.Argument(help="Contract id, or its award id / reference if unique.")],
    pct: Annotated[float, typer.Argument(help="Target percentage of the contract's current value, e.g. 1.5.")],
    ledger: LedgerOption = None,
    settings: SettingsOption = None,
) -> None:
    """Override one contract's target percentage (recorded, never overwritten).

    Example: procure-match ledger set-target BCC-2021-0042 1.5
    """
    s = get_settings(settings)
    with _open(s, ledger) as led:
        full_id = led.set_target(contract_id, pct)
    out.print(f"Target for {escape(full_id)} set to {pct:g}% of its current value.", highlight=False, soft_wrap=True)


REVIEW_COLUMNS = (
    "supplier_key",
    "supplier_name",
    "registration_id",
    "lines",
    "amount",
    "suggested_enterprise_id",
    "suggested_name",
    "score",
    "decision",
    "note",
)


@app.command("review")
@friendly_errors
def review_cmd(
    out_file: Annotated[Path, typer.Option("--out", help="CSV to write the review queue to.")],
    ledger: LedgerOption = None,
    settings: SettingsOption = None,
) -> None:
    """Write suppliers waiting for a person's decision (fuzzy scores between the two thresholds).

    Fill the 'decision' column with accept, reject or another enterprise id, then run 'ledger confirm'.
    Example: procure-match ledger review --out queue.csv
    """
    s = get_settings(settings)
    with _open(s, ledger) as led:
        rows = led.review_queue()
    try:
        with out_file.open("w", newline="", encoding="utf-8") as fh:
            w = SafeDictWriter(fh, fieldnames=REVIEW_COLUMNS)
            w.writeheader()
            w.writerows(rows)
    except OSError as exc:
        raise InputFileError(f"cannot write ({exc.strerror})", path=out_file, fix="choose a writable --out") from None
    out.print(f"{len(rows)} supplier(s) to review written to {escape(str(out_file))}", highlight=False, soft_wrap=True)


@app.command("confirm")
@friendly_errors
def confirm_cmd(
    file: Annotated[Path, typer.Argument(help="The review CSV with the 'decision' column filled in.")],
    ledger: LedgerOption = None,
    settings: SettingsOption = None,
) -> None:
    """Apply a person's decisions from a review CSV as manual resolutions (appended, never overwritten).

    Example: procure-match ledger confirm queue.csv
    """
    from procure_match.ledger.spendfiles import read_text

    s = get_settings(settings)
    text, _, _ = read_text(file)
    allow_large_fields()
    rows = [restore_row(r) for r in csv.DictReader(text.splitlines())]
    if rows and ("supplier_key" not in rows[0] or "decision" not in rows[0]):
        raise InputFileError(
            "not a review file (needs supplier_key and decision columns)",
            path=file,
            fix="start from 'procure-match ledger review --out FILE'",
        )
    with _open(s, ledger) as led:
        tally, problems = led.confirm(rows, source=str(file))
    out.print(
        f"{tally['accepted']} accepted, {tally['rejected']} rejected, {tally['left for later']} left for later",
        highlight=False,
        soft_wrap=True,
    )
    for p in problems:
        err.print(escape(p), highlight=False, soft_wrap=True)


@app.command("check")
@friendly_errors
def check_cmd(ledger: LedgerOption = None, settings: SettingsOption = None) -> None:
    """Verify the ledger's invariants; exit 1 and list every breach if any fails.

    Checks: totals reconcile with live entries, no orphan entries, no source row counted twice, no
    payment live from two files, every amount finite, every reversal cancels an existing entry exactly
    once. Also says how many lines imports read but did not count. Example: procure-match ledger check
    """
    s = get_settings(settings)
    with _open(s, ledger) as led:
        breaches = led.check()
        n = led.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        left_out = led.left_out()
    not_counted = "; ".join(f"{v:,} {k}" for k, v in left_out.items() if v)
    if not_counted:
        out.print(f"lines read but not counted: {not_counted} (see each import's --report)", highlight=False)
    if breaches:
        for b in breaches:
            out.print(escape(f"BREACH [{b.invariant}] {b.detail}"), highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"ledger OK: {n} entries, all invariants hold", highlight=False, soft_wrap=True)


def _as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputFileError(f"--as-of {value!r} is not a date", fix="write it as YYYY-MM-DD") from None


@app.command("report")
@friendly_errors
def report_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the HTML, CSV and JSON outputs.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date to measure pace at (YYYY-MM-DD).")] = None,
    ledger: LedgerOption = None,
    settings: SettingsOption = None,
) -> None:
    """Progress per contract, buyer and category, and who benefits: HTML with charts, CSV and JSON.

    Example: procure-match ledger report --out reports/ledger --as-of 2022-03-31
    """
    from procure_match.ledger.workflow import progress_report

    s = get_settings(settings)
    when = _as_of(as_of)
    with _open(s, ledger) as led:
        progress, files = progress_report(led, out_dir, s, when)
    out.print(escape(progress.headline), highlight=False, soft_wrap=True)
    for f in files:
        err.print(f"wrote {escape(str(f))}", highlight=False, soft_wrap=True)


@app.command("trace")
@friendly_errors
def trace_cmd(
    contract_id: Annotated[str, typer.Argument(help="Contract id (or its award id / reference if unique).")],
    ledger: LedgerOption = None,
    settings: SettingsOption = None,
) -> None:
    """List every entry behind a contract's social-enterprise spend figure, and the target's working.

    Example: procure-match ledger trace BCC-2021-0042
    """
    from procure_match.ledger.progress import explain_target, is_se, target_of

    s = get_settings(settings)
    with _open(s, ledger) as led:
        contract_id = led.contract_id_for(contract_id)  # a unique award id or reference names its contract
        contract = next(c for c in led.contracts() if c["id"] == contract_id)
        entries = led.entries(contract_id=contract_id)
    versions = contract["versions"]
    value = versions[-1]["value"] if versions else None
    pct, source = target_of(contract, s)
    out.print(f"Contract {escape(contract_id)}: {escape(contract.get('title') or '')}", highlight=False, soft_wrap=True)
    out.print(f"Target: {escape(explain_target(contract, pct, source, value))}", highlight=False, soft_wrap=True)
    out.print("entry\tfile\trow\tsha256\tsupplier\tresolution\tscore\tamount\tstate", highlight=False, soft_wrap=True)
    total = 0.0
    for e in entries:
        counted = e["live"] and is_se(e)
        if e["kind"] == "reversal":
            state = f"reversal of entry {e['reverses']}"
        else:
            state = "live" if e["live"] else "reversed"
        if counted:
            total += e["amount"]
            state += ", counted"
        score = f"{e['score']:.1f}" if e["score"] is not None else ""
        resolution = f"{e['resolution_status'] or 'unresolved'} ({e['method'] or '-'})"
        fields = (
            e["id"],
            Path(e["file"]).name,
            e["row"],
            e["sha256"][:12],
            e["supplier"],
            resolution,
            score,
            f"£{e['amount']:,.2f}",
            state,
        )
        out.print(escape("\t".join(str(f) for f in fields)), highlight=False, soft_wrap=True)
    out.print(
        f"Social-enterprise spend (sum of live, accepted entries): £{total:,.2f}", highlight=False, soft_wrap=True
    )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ledger")
