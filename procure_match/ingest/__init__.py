"""Notice ingest: every tender-notice file UK publishers ship -> ``Tender`` objects plus an ``IngestReport``.

    tenders, report = load_notices(["notices/"], settings)

* Formats are found from content (``detect``): OCDS release/record packages, single releases and
  records, JSON Lines, JSON arrays of packages, OCDS 1.0 and 1.1, and Contracts Finder CSV exports.
* Releases of one OCID, from any files in any order, merge into one Tender (``compile``); Contracts
  Finder CSV rows are ``cf-<Notice Identifier>`` and a repeated notice keeps its latest copy.
* Files stream (ijson, csv row by row); memory grows with the number of distinct notices, not file size.
* Bad records never stop the batch: each skipped or repaired one is a ``Problem`` in the report, and
  ``records_read == records_kept + skipped`` always holds. A file that cannot be read at all raises
  ``InputFileError`` naming the file and the fix.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from procure_match.domain import Amendment, Award, Contact, Location, Lot, Money, Supplier, Tender
from procure_match.errors import SEVERITY_NOTE, IngestReport, InputFileError, NotNoticesError
from procure_match.ingest import cf_csv, detect
from procure_match.ingest.compile import Compiler
from procure_match.ingest.limits import Limits, cap_cells, cap_message
from procure_match.ingest.ocds import looks_versioned, release_to_tender, releases_of_record, unversion
from procure_match.ingest.plausible import screen_values
from procure_match.ingest.textutil import Decoding, open_text, strip_controls_in
from procure_match.settings import Settings

NOTICE_SUFFIXES = (".json", ".jsonl", ".csv")

__all__ = ["expand_paths", "iter_notices", "load_notices", "tender_from_dict", "tender_to_dict"]


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files to read: each file as given, each folder's own *.json, *.jsonl, *.csv (sorted; not subfolders)."""
    return [path for path, _ in _expand(paths)]


def _expand(paths: Sequence[str | Path]) -> list[tuple[Path, bool]]:
    """(file, found in a named folder) for each file to read, each once."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[tuple[Path, bool]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in NOTICE_SUFFIXES)
            if not found:
                raise InputFileError(
                    "folder holds no .json, .jsonl or .csv files",
                    path=p,
                    fix="give the folder that holds the notice files (subfolders are not read; name them too)",
                )
            out.extend((f, True) for f in found)
        elif p.is_file():
            out.append((p, False))
        else:
            raise InputFileError("file not found", path=p, fix="check the path and spelling")
    if not out:
        raise InputFileError("no notice files given", fix="name at least one file or folder")
    unique: dict[Path, tuple[Path, bool]] = {}
    for f, in_folder in out:  # a file named twice (or also inside a named folder) is read once
        first = unique.setdefault(f.resolve(), (f, in_folder))
        if first[1] and not in_folder:  # also named on its own: a named file's errors stay fatal
            unique[f.resolve()] = (first[0], False)
    return list(unique.values())


def load_notices(
    paths: Sequence[str | Path],
    settings: Settings,
    report: IngestReport | None = None,
    *,
    on_file: Callable[[Path, int, int], None] | None = None,
) -> tuple[list[Tender], IngestReport]:
    """Read every notice in ``paths`` (files or folders); return merged Tenders and the report.

    ``on_file(path, index, total)`` is called before each file is read (for a progress display).
    """
    report = report if report is not None else IngestReport()
    tenders = list(iter_notices(paths, settings, report, on_file=on_file))
    return tenders, report


def iter_notices(
    paths: Sequence[str | Path],
    settings: Settings,
    report: IngestReport | None = None,
    *,
    on_file: Callable[[Path, int, int], None] | None = None,
) -> Iterator[Tender]:
    """Streaming variant of ``load_notices``: reads files one record at a time and yields merged Tenders.

    Tenders come out after the last file is read (a later file may still change a notice), OCDS
    notices first in the order their OCIDs were first seen, then Contracts Finder CSV notices.
    """
    report = report if report is not None else IngestReport()
    files = _expand(paths)
    fx = dict(settings.ingest.fx_to_gbp)
    limits = Limits.of(settings)
    bounds = (settings.ingest.value_floor_gbp, settings.ingest.value_ceiling_gbp)
    compiler = Compiler()
    contributions: Counter[str] = Counter()  # input records merged into each OCID
    csv_tenders: dict[str, tuple[Tender, str]] = {}  # tender_id -> (tender, "file row n")

    for index, (path, in_folder) in enumerate(files):
        if on_file is not None:
            on_file(path, index, len(files))
        report.files.append(str(path))
        report.counts["files"] += 1
        before = (report.records_read, len(report.problems), Counter(report.counts))
        try:
            _read_file(path, compiler, contributions, csv_tenders, fx, limits, bounds, report)
        except NotNoticesError as exc:
            if not in_folder:
                raise
            _skip_file(path, exc, before, report)

    yield from _compiled_tenders(compiler, contributions, fx, bounds, report)
    for tender, _ in csv_tenders.values():
        report.records_kept += 1
        _count(report, tender)
        yield tender


def _compiled_tenders(
    compiler: Compiler, contributions: Counter, fx: dict, bounds: tuple[float, float], report: IngestReport
) -> Iterator[Tender]:
    """A Tender per compiled OCID; a notice that cannot be built skips each record merged into it (reported)."""
    for release, state in compiler.compiled():
        problems: list[tuple] = []

        def note(field, problem, action, fix, _problems=problems):
            _problems.append((field, problem, action, fix))

        n_records = contributions[state.ocid]
        try:
            tender = release_to_tender(release, state, fx_to_gbp=fx, note=note)
            _screen(report, tender, bounds, note)
        except Exception as exc:  # one bad notice never sinks the batch
            for i in range(n_records):
                report.problem(
                    state.source_file or "",
                    f"{state.ocid} (record {i + 1} of {n_records})",
                    None,
                    f"notice could not be read ({type(exc).__name__}: {exc})",
                    "skipped record",
                    "check the releases of this OCID against the OCDS schema",
                    skipped=True,
                )
            continue
        for field, problem, action, fix in problems:
            report.problem(tender.source_file or "", compiler.label(state), field, problem, action, fix)
        report.records_kept += n_records
        _count(report, tender)
        yield tender


def _read_file(
    path: Path,
    compiler: Compiler,
    contributions: Counter,
    csv_tenders: dict,
    fx: dict,
    limits: Limits,
    bounds: tuple[float, float],
    report: IngestReport,
) -> None:
    """Read one notice file (JSON or CSV, found from its content) into the compiler or ``csv_tenders``."""
    decodings: list[Decoding] = []
    if detect.sniff_format(path) == "json":
        _read_json(path, decodings, compiler, contributions, report, limits)
    else:
        _read_csv(path, decodings, csv_tenders, fx, report, limits, bounds)
    for decoding in decodings:
        if decoding.fallback_bytes:
            report.problem(path, "whole file", None, decoding.note, decoding.action, "save the file as UTF-8")


def _skip_file(path: Path, exc: NotNoticesError, before: tuple[int, int, Counter], report: IngestReport) -> None:
    """A file found in a folder that holds no notices: its records are not counted; one note says why."""
    report.records_read = before[0]
    del report.problems[before[1] :]
    report.counts = before[2]
    report.counts["files without notices (skipped)"] += 1
    report.problem(
        path, "whole file", None, f"holds no notices: {exc.message}", "file skipped (found in a folder)",
        "move files that are not notices out of the folder, or ignore this note", severity=SEVERITY_NOTE,
    )  # fmt: skip


def _screen(report: IngestReport, tender: Tender, bounds: tuple[float, float], note: Callable) -> None:
    """Placeholder and implausible values -> not stated (noted), counted only when there are some."""
    replaced = screen_values(tender, *bounds, note)
    if replaced:
        report.counts["placeholder_values"] += replaced


def _count(report: IngestReport, tender: Tender) -> None:
    report.counts["notices"] += 1
    report.counts["lots"] += len(tender.lots)
    report.counts["awards"] += len(tender.awards)
    report.counts["suppliers"] += sum(len(a.suppliers) for a in tender.awards)
    report.counts["amendments"] += len(tender.amendments)


OCDS_KEYS = frozenset(
    {"ocid", "tag", "tender", "awards", "planning", "parties", "buyer", "contracts", "initiationType",
     "compiledRelease", "versionedRelease", "releases"}
)  # fmt: skip


def _read_json(
    path: Path, decodings: list, compiler: Compiler, contributions: Counter, report: IngestReport, limits: Limits
) -> None:
    units = ocds_like = 0
    first_keys: list[str] = []
    for unit in detect.iter_json_units(path, decodings, limits):
        report.records_read += 1
        units += 1
        if isinstance(unit.obj, dict):
            first_keys = first_keys or sorted(map(str, unit.obj))[:8]
            ocds_like += unit.kind != "bad" and bool(OCDS_KEYS & set(unit.obj))
        ocid = unit.obj.get("ocid") if isinstance(unit.obj, dict) else None
        label = f"{unit.where} ({ocid})" if isinstance(ocid, str) and ocid else unit.where

        def skip(problem: str, fix: str, field: str | None = None, _label: str = label) -> None:
            report.problem(path, _label, field, problem, "skipped record", fix, skipped=True)

        if unit.kind == "bad":
            skip(unit.reason, detect.JSON_FIX)
            continue
        if unit.kind == "record":
            report.counts["records"] += 1
            releases, reason = releases_of_record(unit.obj)
            if not releases:
                skip(reason or "record holds no release", "publish records with a compiledRelease or full releases")
                continue
        else:
            report.counts["releases"] += 1
            release = unversion(unit.obj) if looks_versioned(unit.obj) else unit.obj
            releases = [release]
        ocid = releases[0].get("ocid")
        if not isinstance(ocid, str) or not ocid.strip() or any(r.get("ocid") != ocid for r in releases):
            skip("release has no ocid (or not a text one)", "give every release its OCID ('ocid')", "ocid")
            continue
        try:
            for rel in releases:
                if rel.get("ocid") != ocid:
                    rel = {**rel, "ocid": ocid}
                state = compiler.add(rel, where=unit.where, file=str(path), publisher=unit.publisher)
                if state.repeated:
                    report.counts["repeated releases"] += 1
        except Exception as exc:  # malformed beyond what the merge can take
            skip(f"release could not be merged ({type(exc).__name__}: {exc})", "check the release against OCDS")
            continue
        contributions[ocid] += 1
    if units and not ocds_like:
        keys = f" (keys: {', '.join(first_keys)})" if first_keys else ""
        raise NotNoticesError(
            f"no OCDS release or record found in {units} JSON value(s){keys}",
            path=path,
            fix="give OCDS JSON: a release or record package, releases or records, or JSON Lines of them",
        )


def _read_csv(
    path: Path,
    decodings: list,
    csv_tenders: dict,
    fx: dict,
    report: IngestReport,
    limits: Limits,
    bounds: tuple[float, float],
) -> None:
    text, decoding = open_text(path)
    decodings.append(decoding)
    csv.field_size_limit(limits.max_record_bytes)  # a longer field breaks the file off there; cells capped below
    with text:
        for number, row, n_fields, n_header in cf_csv.iter_rows(text, path):
            report.records_read += 1
            report.counts["rows"] += 1
            notice = (row.get("Notice Identifier") or "").strip()
            label = f"row {number} ({notice})" if notice else f"row {number}"
            if cf_csv.BROKEN in row:
                report.problem(path, label, None, row[cf_csv.BROKEN], "skipped record", cf_csv.CSV_FIX, skipped=True)
                continue
            _clean_row(row, path, label, limits, report)
            problems: list[tuple] = []

            def note(field, problem, action, fix, _problems=problems):
                _problems.append((field, problem, action, fix))

            try:
                tender = cf_csv.row_to_tender(row, n_fields, n_header, fx_to_gbp=fx, note=note)
                if tender is not None:
                    _screen(report, tender, bounds, note)
            except Exception as exc:  # one bad row never sinks the batch
                report.problem(
                    path,
                    label,
                    None,
                    f"row could not be read ({type(exc).__name__}: {exc})",
                    "skipped record",
                    cf_csv.CSV_FIX,
                    skipped=True,
                )
                continue
            if tender is None:
                report.problem(
                    path,
                    label,
                    "Notice Identifier",
                    "row has no Notice Identifier",
                    "skipped record",
                    "every row needs its Contracts Finder Notice Identifier",
                    skipped=True,
                )
                continue
            for field, problem, action, fix in problems:
                report.problem(path, label, field, problem, action, fix)
            tender.source_file = str(path)
            _keep_latest(csv_tenders, tender, f"{path} {label}", label, report)


def _keep_latest(csv_tenders: dict, tender: Tender, where: str, label: str, report: IngestReport) -> None:
    """Keep the copy of a Contracts Finder notice published latest; the other copy is a skipped record."""
    previous = csv_tenders.get(tender.tender_id)
    if previous is None:
        csv_tenders[tender.tender_id] = (tender, where)
        return
    old, old_where = previous
    newer = _published_key(tender) >= _published_key(old)
    kept_where, dropped_where = (where, old_where) if newer else (old_where, where)
    if newer:
        csv_tenders[tender.tender_id] = (tender, where)
    report.counts["duplicates"] += 1
    report.problem(
        tender.source_file or "",
        label,
        "Notice Identifier",
        f"notice {tender.notice_id} appears more than once ({dropped_where} and {kept_where})",
        f"skipped record: the copy at {dropped_where} (the one published latest is kept)",
        "remove overlapping exports, or ignore: the latest copy is used",
        skipped=True,
    )


def _clean_row(row: dict[str, str], path: Path, label: str, limits: Limits, report: IngestReport) -> None:
    """Cap over-long cells (reported) and strip control characters from every cell, in place."""
    for column, length in cap_cells(row, limits.max_field_chars):
        report.problem(
            path, label, column, cap_message(column, length, limits.max_field_chars),
            f"cut to its first {limits.max_field_chars:,} characters; the row is kept",
            "check the cell in the export; raise ingest.max_field_chars if it is genuine",
        )  # fmt: skip
    strip_controls_in(row)


def _published_key(t: Tender) -> datetime:
    return t.published or datetime.min.replace(tzinfo=UTC)


# --- JSON form --------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def tender_to_dict(t: Tender) -> dict:
    """A JSON-safe dict of a Tender: dates and datetimes as ISO 8601 text, tuples as lists."""
    return _jsonable(t)


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _money(d: dict | None) -> Money:
    return Money(**(d or {}))


def _location(d: dict) -> Location:
    return Location(**d)


def tender_from_dict(d: dict) -> Tender:
    """Inverse of ``tender_to_dict``."""
    lots = tuple(
        Lot(
            **{
                **lot,
                "value": _money(lot.get("value")),
                "cpv_codes": tuple(lot.get("cpv_codes", ())),
                "locations": tuple(_location(x) for x in lot.get("locations", ())),
            }
        )
        for lot in d.get("lots", ())
    )
    awards = tuple(
        Award(
            **{
                **a,
                "date": _dt(a.get("date")),
                "value": _money(a.get("value")),
                "suppliers": tuple(
                    Supplier(**{**s, "identifiers": tuple(s.get("identifiers", ()))}) for s in a.get("suppliers", ())
                ),
                "lot_ids": tuple(a.get("lot_ids", ())),
            }
        )
        for a in d.get("awards", ())
    )
    amendments = tuple(
        Amendment(**{**a, "date": _dt(a.get("date")), "changed_fields": tuple(a.get("changed_fields", ()))})
        for a in d.get("amendments", ())
    )
    simple = {k: v for k, v in d.items() if k not in ("lots", "awards", "amendments", "locations", "value")}
    for key in ("cpv_codes", "reserved_participation", "release_ids"):
        if key in simple:
            simple[key] = tuple(simple[key])
    for key in ("published", "deadline", "future_notice_date"):
        simple[key] = _dt(simple.get(key))
    if isinstance(simple.get("buyer_contact"), dict):
        simple["buyer_contact"] = Contact(**simple["buyer_contact"])
    for key in ("contract_start", "contract_end"):
        simple[key] = _date(simple.get(key))
    return Tender(
        **simple,
        value=_money(d.get("value")),
        lots=lots,
        awards=awards,
        amendments=amendments,
        locations=tuple(_location(x) for x in d.get("locations", ())),
    )
