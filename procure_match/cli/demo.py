"""``procure-match demo``: the whole job on the bundled Birmingham data, with a short summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from procure_match.cli.common import QuietOption, SettingsOption, err, friendly_errors, get_settings, out, safe
from procure_match.cli.scan import EmbedderOption, apply_overrides, parse_since


@friendly_errors
def demo_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder (created if needed).")] = Path("reports/demo"),
    embedder: EmbedderOption = None,
    settings_path: SettingsOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Scenario date (YYYY-MM-DD); default 2021-06-01.")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="A source checkout holding tenders/ and enterprises/.")
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Run ingest, scan, consortia, briefs, digest, ledger and evaluation on the bundled demo data.

    The data is fictional and illustrative: Birmingham's social-enterprise network and the
    Commonwealth Games 2022 rule that 1% of each built-environment contract is spent with social
    enterprises. A second run reuses the scan history, ledger and vector cache and says what was new.
    Example: procure-match demo --out reports/demo
    """
    from procure_match.demo import SCENARIO_DATE, bundled_data, run_demo

    settings = apply_overrides(get_settings(settings_path), embedder=embedder)
    when = parse_since(as_of, option="--as-of") or SCENARIO_DATE
    demo_data = bundled_data(data)

    def say(message: str) -> None:
        if not quiet:
            err.print(f"[dim]{safe(message)}[/]")

    result = run_demo(out_dir, settings, data=demo_data, as_of=when, say=say, show_bars=not quiet and err.is_terminal)
    _print_summary(result)


def _print_summary(result) -> None:
    c = result.scan.counts
    feasible = [t for t in result.teams if not t.get("gaps")]
    best = [t for t in feasible if t.get("alternative") == 0]
    multi = [t for t in best if len(t.get("members", [])) > 1]
    gaps = {t["tender_id"] for t in result.teams if t.get("gaps")} - {t["tender_id"] for t in feasible}
    portfolio = result.progress.portfolio
    ev = result.evaluation

    table = Table(title=f"procure-match demo (fictional Birmingham scenario) -> {safe(str(result.out_dir))}")
    table.add_column("what")
    table.add_column("result")
    table.add_row(
        "notices",
        f"{c['notices_read']} read; {c['notices_scanned']} scanned; {c['excluded']} excluded "
        "(reasons in scan/scan-summary.json)",
    )
    table.add_row("since the last run", f"{c['new']} new, {c['changed']} changed, {c['withdrawn']} withdrawn")
    table.add_row(
        "embeddings",
        f"{c.get('texts_embedded', 0)} texts embedded now, {c.get('texts_from_cache', 0)} from the vector cache",
    )
    table.add_row(
        "matches",
        f"{c['candidates']:,} candidates for {c['targets']} notices and lots; {c['eligible']:,} eligible",
    )
    table.add_row(
        "teams",
        f"{len(best)} notices with a proposed bid ({len(multi)} consortia of 2+); "
        f"{len(gaps)} with gaps; {result.briefs} bid briefs",
    )
    new_entries = sum(o.new_entries for o in result.imports)
    already = sum(1 for o in result.imports if o.already_imported_on)
    table.add_row(
        "ledger imports",
        f"{new_entries} new entries; {already} of {len(result.imports)} files already imported (nothing re-counted)",
    )
    table.add_row("social-enterprise spend", safe(result.progress.headline))
    if result.review:
        table.add_row(
            "waiting for a person",
            f"{len(result.review)} supplier names (£{sum(r['amount'] for r in result.review):,.0f}) close to a "
            f"directory name: procure-match ledger review --ledger {safe(str(result.out_dir / 'ledger.sqlite'))}"
            " --out review.csv",
        )
    if portfolio.buyer_level_se_spend:
        table.add_row(
            "council spend (buyer level)",
            f"£{portfolio.buyer_level_se_spend:,.0f} of £{portfolio.buyer_level_spend:,.0f} to social enterprises",
        )
    if ev is not None and ev.evaluated:
        table.add_row(
            "quality vs shortlists",
            f"precision@5 {ev.precision_at(5):.2f}, recall@5 {ev.recall_at(5):.2f}, hit@1 {ev.hit_at(1):.2f}, "
            f"MRR {ev.mrr:.2f} over {ev.evaluated} labelled notices/lots",
        )
    out.print(table)

    where = Table(title="Where to look")
    where.add_column("output")
    where.add_column("path", overflow="fold")
    scan_dir = result.out_dir / "scan"
    for label, path in (
        ("weekly digest", result.files["digest_html"]),
        ("bid briefs", scan_dir / "briefs"),
        ("teams (JSON)", result.files["consortia"]),
        ("all matches", result.files["matches.csv"]),
        ("ledger report", result.files["ledger:ledger_report.html"]),
        ("quality figures", result.files["evaluation"]),
        ("problems found in the inputs", result.files["ingest-report.json"]),
    ):
        where.add_row(label, safe(str(path)))
    out.print(where)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)
