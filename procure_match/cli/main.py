"""Entry point: ``procure-match COMMAND``. Each command lives in its own module and registers here."""

from __future__ import annotations

import typer

from procure_match import __version__
from procure_match.cli import demo, evaluate, explain, ingest, scan
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


demo.register(app)
app.add_typer(ingest.app, name="ingest")
scan.register(app)
explain.register(app)
ledger_cli.register(app)
evaluate.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
