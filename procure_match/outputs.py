"""Writers for a scan's output folder: matches.json, matches.csv, settings.toml, ingest-report.json, scan-summary.json.

``match_rows`` is pure (ScanResult -> list of dicts); the ``write_*`` functions only serialise.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from procure_match.csvsafe import SafeWriter
from procure_match.domain import NOTICE_STAGES, Candidate, ScanResult, Tender
from procure_match.errors import IngestReport, InputFileError
from procure_match.settings import Settings, dump_settings

ROW_FIELDS = (
    "tender_id",
    "lot_id",
    "tender_title",
    "lot_title",
    "stage",
    "enterprise_id",
    "enterprise_name",
    "rank",
    "score",
    "fit",
    "eligible",
    "status",
    "failed_rules",
    "unverified",
    "parts",
    "reasons",
    "delivery",
)
LIST_FIELDS = ("parts", "reasons", "failed_rules", "unverified", "delivery")
# The delivery facts written as their own CSV columns (JSON keeps them as one "delivery" object).
DELIVERY_COLUMNS = ("delivery_mode", "delivery_place", "overseas", "distance_weight")


def match_rows(result: ScanResult) -> list[dict]:
    """One dict per candidate, in rank order within each notice or lot, with titles and names to read."""
    tenders = {t.tender_id: t for t in result.tenders}
    lot_titles: dict[tuple[str, str], str | None] = {}
    for t in result.tenders:
        for lot in t.lots:
            lot_titles.setdefault((t.tender_id, lot.id), lot.title)  # the first lot of an id, as listed
    rows = []
    for c in result.candidates:
        t = tenders.get(c.tender_id)
        lot_title = None if c.lot_id is None else lot_titles.get((c.tender_id, c.lot_id))
        e = result.enterprises.get(c.enterprise_id)
        rows.append(
            {
                "tender_id": c.tender_id,
                "lot_id": c.lot_id,
                "tender_title": t.title if t else None,
                "lot_title": lot_title,
                "stage": t.stage if t else None,
                "enterprise_id": c.enterprise_id,
                "enterprise_name": e.name if e else None,
                "rank": c.rank,
                "score": c.score,
                "fit": c.fit,
                "eligible": c.eligible,
                "status": c.status,
                "failed_rules": list(c.failed_rules),
                "unverified": list(c.unverified),
                "parts": dict(c.parts),
                "reasons": list(c.reasons),
                "delivery": result.deliveries.get((c.tender_id, c.lot_id)),
            }
        )
    return rows


def quality_counts(tenders: list[Tender], candidates: list[Candidate]) -> dict[str, int]:
    """Counts a reader checks a real-data scan by: notices per stage (and early ones: planning, pipeline,
    market engagement), notices whose every candidate is ineligible, and candidates with unverified checks
    (input missing: kept, with what to check)."""
    counts = {f"stage_{stage.replace(' ', '_')}": 0 for stage in NOTICE_STAGES}
    for t in tenders:
        counts[f"stage_{t.stage.replace(' ', '_')}"] += 1
    counts["early_stage"] = sum(1 for t in tenders if t.is_early)
    statuses: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        statuses[c.tender_id].add(c.status)
    counts["notices_all_ineligible"] = sum(1 for s in statuses.values() if s == {"ineligible"})
    counts["candidates_with_unverified_checks"] = sum(1 for c in candidates if c.unverified)
    return counts


def flatten_row(row: dict, part_names: list[str]) -> dict:
    """A CSV row: parts as part_<name> columns (empty = unknown), lists joined with " | "."""
    flat = {k: v for k, v in row.items() if k not in LIST_FIELDS}
    flat["lot_id"] = row["lot_id"] or ""
    delivery = row.get("delivery") or {}
    for name in DELIVERY_COLUMNS:
        flat[name] = "" if delivery.get(name) is None else delivery[name]
    for name in part_names:
        value = row["parts"].get(name)
        flat[f"part_{name}"] = "" if value is None else value
    flat["failed_rules"] = " | ".join(row["failed_rules"])
    flat["unverified"] = " | ".join(row["unverified"])
    flat["reasons"] = " | ".join(row["reasons"])
    return flat


def write_matches_json(rows: list[dict], path: Path) -> None:
    """A JSON list with one candidate per line: greppable, diffable, and 3x faster to write than indented JSON
    (the C encoder only runs without ``indent``: 75,500 rows in about 1 s instead of 3.5 s)."""
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i, row in enumerate(rows):
            fh.write((",\n" if i else "") + encode(row))
        fh.write("\n]\n" if rows else "]\n")


def write_matches_csv(rows: list[dict], path: Path) -> None:
    part_names = sorted({name for row in rows for name in row["parts"]})
    header = [f for f in ROW_FIELDS if f not in LIST_FIELDS]
    header += [f"part_{n}" for n in part_names] + list(DELIVERY_COLUMNS) + ["failed_rules", "unverified", "reasons"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = SafeWriter(fh)
        writer.writerow(header)
        writer.writerows([flat[name] for name in header] for flat in (flatten_row(row, part_names) for row in rows))


def scan_summary(result: ScanResult, counts: dict[str, int], timings: dict[str, float]) -> dict:
    return {
        "scan_id": result.scan_id,
        "scanned_at": result.scanned_at.isoformat(),
        "ranker": result.ranker,  # "learned" (the calibrated fit) or "weighted" (the hand-weighted score)
        "min_fit": result.min_fit,
        "counts": counts,
        "timings_s": timings,
        "changes": {
            tid: {"kind": c.kind, "changed_fields": list(c.changed_fields), "details": list(c.details)}
            for tid, c in sorted(result.changes.items())
            if c.kind != "unchanged"
        },
        "excluded": dict(sorted(result.excluded.items())),
    }


def prepare_out_dir(out_dir: str | Path) -> Path:
    """Create the output folder (and parents) or raise InputFileError naming it."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputFileError("is a file, not a folder", path=out, fix="pass a folder to --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(
            f"cannot create the output folder ({exc.strerror})", path=out, fix="pass another --out"
        ) from exc
    return out


def scan_output_paths(out: Path) -> dict[str, Path]:
    """Name -> path of the files ``write_scan_outputs`` writes into ``out``."""
    names = ("matches.json", "matches.csv", "settings.toml", "ingest-report.json", "scan-summary.json")
    return {name: out / name for name in names}


def write_scan_outputs(
    out_dir: str | Path,
    result: ScanResult,
    report: IngestReport,
    settings: Settings,
    *,
    counts: dict[str, int] | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, Path]:
    """Write every file of a scan into ``out_dir`` (created if needed); return name -> path."""
    out = prepare_out_dir(out_dir)
    rows = match_rows(result)
    paths = scan_output_paths(out)
    summary = scan_summary(result, counts or {}, timings or {})
    try:
        write_matches_json(rows, paths["matches.json"])
        write_matches_csv(rows, paths["matches.csv"])
        dump_settings(settings, paths["settings.toml"])
        report.write_json(paths["ingest-report.json"])
        paths["scan-summary.json"].write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        where = exc.filename or out
        raise InputFileError(
            f"cannot write the scan output ({exc.strerror})",
            path=where,
            fix="remove or rename what is in the way, or choose another --out folder you can write to",
        ) from None
    return paths
