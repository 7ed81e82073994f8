"""Entry point: ``procure-match COMMAND``. Each command lives in its own module and registers here."""

from __future__ import annotations

import typer

from procure_match import __version__
from procure_match.cli import evaluate, explain, ingest, scan
from procure_match.cli import ledger as ledger_cli

app = typer.Typer(
    name="procure-match",
    help="Match public tender notices to social enterprises, propose consortium bids, track social spend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print the procure-match version. Example: procure-match version"""
    print(__version__)


evaluate.register(app)
scan.register(app)
explain.register(app)
app.add_typer(ingest.app, name="ingest")
ledger_cli.register(app)

# Command modules (each registers its commands on ``app``):
# ingest (ingest notices / ingest directory), scan, explain, ledger, demo, evaluate.


if __name__ == "__main__":  # pragma: no cover
    app()
