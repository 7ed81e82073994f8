"""``procure-match explain``: every part and rule behind one (notice or lot, enterprise) score."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from procure_match.cli.common import SettingsOption, friendly_errors, get_settings, out, safe
from procure_match.cli.scan import DirectoryOption, EmbedderOption, NoticesOption, apply_overrides
from procure_match.profiles import profile_lines
from procure_match.scoring.learned import FIT_PART_PREFIX
from procure_match.scoring.rank import combine
from procure_match.scoring.rules import FEATURE, SOFT


def _passed(value: bool | None, unverified: bool = False) -> str:
    return "unverified" if unverified else {True: "pass", False: "FAIL", None: "unknown"}[value]


def _value(v: float | None) -> str:
    return "unknown" if v is None else f"{v:.3f}"


@friendly_errors
def explain_command(
    tender_id: Annotated[str, typer.Argument(help="Notice id (OCID, or cf-<notice id>) as in matches.json.")],
    enterprise_id: Annotated[str, typer.Argument(help="Enterprise id as in matches.json.")],
    notices: NoticesOption,
    directory: DirectoryOption,
    lot: Annotated[str | None, typer.Option("--lot", help="Explain the match to this lot of the notice.")] = None,
    settings_path: SettingsOption = None,
    embedder: EmbedderOption = None,
) -> None:
    """Print every part of one pair's score and every rule outcome (computed directly, even outside the top K).

    Example: procure-match explain ocds-demo01-b22-021 se-046 --notices tenders/ocds
    --directory enterprises/birmingham_social_enterprises.csv
    """
    from procure_match.ingest import expand_paths
    from procure_match.pipeline import check_paths, explain_pair
    from procure_match.reports.context import delivery_text

    settings = apply_overrides(get_settings(settings_path), embedder=embedder)
    notice_paths = expand_paths(list(notices))
    check_paths(notice_paths, directory)
    ex = explain_pair(notice_paths, directory, tender_id, enterprise_id, settings, lot_id=lot)
    c = ex.candidate

    what = f"{ex.tender.tender_id}" + (f" lot {lot}" if lot else "") + f" ({ex.tender.title})"
    out.print(f"[bold]{safe(what)}[/]  ×  [bold]{safe(ex.enterprise.name)}[/] ({safe(ex.enterprise.id)})")
    out.print(f"score {c.score:.3f}   fit {c.fit:.3f}   status: {c.status_text}", highlight=False)
    out.print(f"where: {safe(delivery_text(ex.target.delivery_facts()))}", highlight=False)
    for line in profile_lines(ex.enterprise):
        out.print(safe(line), highlight=False)
    out.print(safe(ex.ranker_note), highlight=False)
    fit_parts = {k: v for k, v in c.parts.items() if k.startswith(FIT_PART_PREFIX)}
    if fit_parts:
        _print_fit(out, c, fit_parts)
    else:
        _print_weighted(out, ex, settings)
    _print_rules(out, ex)


def _print_fit(out: Console, c, fit_parts: dict) -> None:
    """The learned fit: its sentence, then each part's push on the log-odds (what the model weighed)."""
    out.print(safe(c.reasons[0]), highlight=False)
    table = Table(title="Parts of the fit (log-odds: + for the pair, - against; the model card lists every feature)")
    for col in ("part", "push"):
        table.add_column(col)
    for name, value in fit_parts.items():
        table.add_row(safe(name[len(FIT_PART_PREFIX) :]), f"{value:+.2f}")
    out.print(table)


def _print_weighted(out: Console, ex, settings) -> None:
    """The hand-weighted score: each part, its weight and the sum."""
    from procure_match.scoring.match import target_weights

    c = ex.candidate
    weights = target_weights(ex.target, settings)  # distance weight scaled by the delivery mode
    parts = Table(title="Score parts (weighted mean of known parts, then adjustments, clipped to 0-1)")
    for col in ("part", "value", "weight", "explanation"):
        parts.add_column(col, overflow="fold")
    weights = {o.name: weights.get(o.name, 0.0) * o.weight_factor for o in ex.outcomes if o.kind == FEATURE}
    known = {o.name: o for o in ex.outcomes if o.kind == FEATURE and o.value is not None}
    total_w = sum(weights.get(n, 0.0) for n in known)
    for o in ex.outcomes:
        if o.kind == FEATURE:
            w = weights.get(o.name, 0.0)
            share = f"{w:g} ({w / total_w:.0%} of known)" if o.value is not None and total_w else f"{w:g} (unused)"
            parts.add_row(o.name, _value(o.value), share, safe(o.sentence))
    for o in ex.outcomes:
        if o.kind == SOFT:
            parts.add_row(o.name, f"{o.value or 0.0:+.3f}", "added", safe(o.sentence))
    out.print(parts)
    base = combine({o.name: o.value for o in ex.outcomes if o.kind == FEATURE}, weights)
    adjust = sum(o.value or 0.0 for o in ex.outcomes if o.kind == SOFT)
    out.print(
        f"score = clip({base:.3f} weighted mean {adjust:+.3f} adjustments, 0, 1) = {c.score:.3f}", highlight=False
    )


def _print_rules(out: Console, ex) -> None:
    c = ex.candidate
    rules = Table(title="Hard rules (a FAIL makes the candidate ineligible; capacity alone -> 'fits, needs partners')")
    for col in ("rule", "result", "explanation"):
        rules.add_column(col, overflow="fold")
    for o in ex.outcomes:
        if o.kind not in (FEATURE, SOFT):
            rules.add_row(o.name, _passed(o.passed, o.unverified), safe(o.sentence))
    out.print(rules)
    if c.failed_rules:
        out.print(f"failed: {', '.join(c.failed_rules)}", highlight=False)
    if c.unverified:
        out.print(f"unverified (input missing, check by hand): {', '.join(c.unverified)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_command)
