"""Write the progress report: HTML (inline SVG charts, autoescaped), CSV tables and JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from procure_match.csvsafe import SafeWriter
from procure_match.errors import InputFileError, StoreError
from procure_match.ledger.progress import Beneficiary, ContractProgress, GroupProgress, Progress
from procure_match.settings import Settings, dump_settings


def render_html(progress: Progress, *, ledger_path: str, n_imports: int) -> str:
    from procure_match.reports.render import render

    return render("ledger_report.html.j2", {"p": progress, "ledger_path": ledger_path, "n_imports": n_imports})


def _write_csv(path: Path, cls: type, rows: list) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = SafeWriter(fh)
        names = [f.name for f in fields(cls)]
        w.writerow(names)
        for r in rows:
            d = asdict(r)
            w.writerow(["" if d[n] is None else d[n] for n in names])


def progress_json(progress: Progress) -> str:
    """The progress as strict JSON: a non-finite number (only an old ledger can hold one) is an error, never
    ``Infinity``/``NaN`` in the file."""
    try:
        return json.dumps(progress.to_dict(), indent=2, default=str, allow_nan=False)
    except ValueError:
        raise StoreError(
            "the ledger holds an amount that is not a finite number, so the report would not be valid JSON",
            fix="run 'procure-match ledger check' to find the entry, then import a corrected file",
        ) from None


def write_report(
    progress: Progress, out_dir: str | Path, settings: Settings, *, ledger_path: str, n_imports: int
) -> list[Path]:
    """Write ledger_report.html, ledger_*.csv, ledger_progress.json and settings.toml into ``out_dir``."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        files = {
            "html": out / "ledger_report.html",
            "contracts": out / "ledger_contracts.csv",
            "buyers": out / "ledger_buyers.csv",
            "categories": out / "ledger_categories.csv",
            "enterprises": out / "ledger_enterprises.csv",
            "districts": out / "ledger_districts.csv",
            "json": out / "ledger_progress.json",
            "settings": out / "settings.toml",
        }
        files["html"].write_text(render_html(progress, ledger_path=ledger_path, n_imports=n_imports), encoding="utf-8")
        _write_csv(files["contracts"], ContractProgress, progress.contracts)
        _write_csv(files["buyers"], GroupProgress, progress.buyers)
        _write_csv(files["categories"], GroupProgress, [*progress.categories, progress.portfolio])
        _write_csv(files["enterprises"], Beneficiary, progress.enterprises)
        _write_csv(files["districts"], Beneficiary, progress.districts)
        files["json"].write_text(progress_json(progress), encoding="utf-8")
        dump_settings(settings, files["settings"])
    except OSError as exc:
        raise InputFileError(
            f"cannot write the report ({exc.strerror})", path=out, fix="choose an --out folder you can write to"
        ) from None
    return list(files.values())
