"""``procure-match evaluate``: precision@k and recall@k of a scan against shortlist labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from procure_match.cli.common import err, friendly_errors, out
from procure_match.evaluate import evaluate, load_labels, load_matches, ranked_from_matches


@friendly_errors
def evaluate_command(
    matches: Annotated[Path, typer.Argument(help="A scan output folder, or its matches.json.")],
    labels: Annotated[Path, typer.Option("--labels", help="Shortlist labels JSON (see tenders/README.md).")] = Path(
        "tenders/labels.json"
    ),
    k: Annotated[str, typer.Option("--k", help="Comma-separated cut-offs.")] = "1,3,5,10",
    eligible_only: Annotated[
        bool, typer.Option("--eligible-only", help="Ignore candidates that failed a hard rule.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON on stdout.")] = False,
) -> None:
    """Report precision@k, recall@k, hit@k and MRR of a scan against labels.

    Example: procure-match evaluate reports/demo/scan --labels tenders/labels.json
    """
    try:
        ks = tuple(sorted({int(x) for x in k.split(",") if x.strip()}))
    except ValueError:
        err.print(f"error: --k must be whole numbers separated by commas, not {k!r}")
        raise typer.Exit(2) from None
    if not ks or ks[0] < 1:
        err.print("error: --k needs at least one cut-off of 1 or more")
        raise typer.Exit(2)
    result = evaluate(ranked_from_matches(load_matches(matches), eligible_only=eligible_only), load_labels(labels), ks)
    if as_json:
        out.print_json(json.dumps(result.to_dict()))
        return
    table = Table(title=f"Scan quality against {labels} ({result.evaluated} labelled notices/lots ranked)")
    for col in ("k", "precision@k", "recall@k", "hit@k"):
        table.add_column(col, justify="right")
    for cut in ks:
        table.add_row(
            str(cut),
            f"{result.precision_at(cut):.3f}",
            f"{result.recall_at(cut):.3f}",
            f"{result.hit_at(cut):.3f}",
        )
    out.print(table)
    out.print(f"MRR {result.mrr:.3f}")
    if result.unranked:
        out.print(
            f"{len(result.unranked)} labelled notice(s)/lot(s) were not ranked by this scan "
            "(excluded or absent): " + ", ".join(f"{t}#{lot}" if lot else t for t, lot in result.unranked)
        )


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)
