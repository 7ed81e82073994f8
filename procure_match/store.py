"""Scan history in SQLite: every notice seen (with a snapshot to say what changed) and every scan's candidates.

One ``record_scan`` call is one write transaction (``BEGIN IMMEDIATE``), so two scans on one store
never interleave: the second waits up to ``timeout_s`` for the first, then fails with a clear
``StoreError`` and the database is left as it was. The journal is WAL, so readers never block.
The schema version is ``PRAGMA user_version``; a store written by a newer procure-match is refused.

How a notice is classified against the store (``NoticeChange.kind``):

* ``new``: never seen before;
* ``changed``: its content hash differs from the last snapshot (details say what changed, before
  and after: deadline, value, title, description, status, lots);
* ``unchanged``: same hash;
* ``withdrawn``: its status is now cancelled / withdrawn / unsuccessful, or it was seen before in
  one of the files this scan read and is no longer in it (a notice from a file this scan did not
  read is never assumed withdrawn).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from procure_match.domain import Candidate, NoticeChange, Tender
from procure_match.errors import StoreError
from procure_match.scoring.rules import WITHDRAWN_STATUSES
from procure_match.settings import user_data_dir

SCHEMA_VERSION = 1
SNAPSHOT_FIELDS = ("title", "description", "deadline", "value", "status", "lots")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY,
    scanned_at TEXT NOT NULL,
    sources TEXT NOT NULL,
    notices INTEGER NOT NULL,
    candidates INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    tender_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    source_file TEXT,
    first_scan INTEGER NOT NULL REFERENCES scans(id),
    last_scan INTEGER NOT NULL REFERENCES scans(id),
    withdrawn_scan INTEGER REFERENCES scans(id)
);
CREATE TABLE IF NOT EXISTS notice_events (
    scan_id INTEGER NOT NULL REFERENCES scans(id),
    tender_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    changed_fields TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS candidates (
    scan_id INTEGER NOT NULL REFERENCES scans(id),
    tender_id TEXT NOT NULL,
    lot_id TEXT,
    enterprise_id TEXT NOT NULL,
    rank INTEGER NOT NULL,
    score REAL NOT NULL,
    fit REAL NOT NULL,
    eligible INTEGER NOT NULL,
    status TEXT NOT NULL,
    parts TEXT NOT NULL,
    reasons TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS candidates_by_scan ON candidates(scan_id, tender_id);
CREATE INDEX IF NOT EXISTS events_by_scan ON notice_events(scan_id);
"""


def default_store_path(store_setting: str = "") -> Path:
    return Path(store_setting) if store_setting else user_data_dir() / "scans.sqlite"


def _money_text(value: dict | None) -> str:
    if not value or value.get("amount") is None:
        return "not stated"
    cur = value.get("currency") or ""
    sym = "£" if cur in ("", "GBP") else f"{cur} "
    return f"{sym}{value['amount']:,.0f}"


def _date_text(iso: str | None) -> str:
    if not iso:
        return "none"
    try:
        return f"{datetime.fromisoformat(iso):%d %b %Y %H:%M}".replace(" 00:00", "")
    except ValueError:
        return iso


def _short(text: str | None, n: int = 60) -> str:
    text = (text or "").strip()
    return f"'{text}'" if len(text) <= n else f"'{text[: n - 1]}…'"


def snapshot_of(t: Tender) -> dict:
    """The fields of a notice the store compares between scans."""
    return {
        "title": t.title,
        "description": t.description,
        "deadline": t.deadline.isoformat() if t.deadline else None,
        "value": {"amount": t.value.amount, "currency": t.value.currency},
        "status": (t.status or "").lower() or None,
        "lots": [{"id": lot.id, "title": lot.title, "value": lot.value.amount, "status": lot.status} for lot in t.lots],
        "stage": t.stage,
    }


def content_hash(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, default=str).encode()).hexdigest()


def describe_changes(before: dict, after: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(changed field names, sentences with before and after) between two snapshots."""
    fields: list[str] = []
    details: list[str] = []
    if before.get("deadline") != after.get("deadline"):
        fields.append("deadline")
        details.append(
            f"deadline moved from {_date_text(before.get('deadline'))} to {_date_text(after.get('deadline'))}"
        )
    if before.get("value") != after.get("value"):
        fields.append("value")
        details.append(f"value changed from {_money_text(before.get('value'))} to {_money_text(after.get('value'))}")
    if before.get("title") != after.get("title"):
        fields.append("title")
        details.append(f"title changed from {_short(before.get('title'))} to {_short(after.get('title'))}")
    if before.get("description") != after.get("description"):
        fields.append("description")
        b, a = before.get("description") or "", after.get("description") or ""
        details.append(f"description rewritten ({len(b):,} → {len(a):,} characters): now {_short(a, 80)}")
    if before.get("status") != after.get("status"):
        fields.append("status")
        details.append(f"status changed from {before.get('status') or 'none'} to {after.get('status') or 'none'}")
    if before.get("stage") and before.get("stage") != after.get("stage"):  # older snapshots have no stage: not a change
        fields.append("stage")
        details.append(f"stage moved from {before.get('stage')} to {after.get('stage')}")
    if before.get("lots") != after.get("lots"):
        fields.append("lots")
        old = {lot["id"]: lot for lot in before.get("lots") or []}
        new = {lot["id"]: lot for lot in after.get("lots") or []}
        added = [i for i in new if i not in old]
        removed = [i for i in old if i not in new]
        altered = [i for i in new if i in old and new[i] != old[i]]
        bits = []
        if added:
            bits.append(f"added {', '.join(added)}")
        if removed:
            bits.append(f"removed {', '.join(removed)}")
        if altered:
            bits.append(f"changed {', '.join(altered)}")
        details.append("lots " + "; ".join(bits) if bits else "lots reordered")
    return tuple(fields), tuple(details)


def _is_withdrawn_status(status: str | None) -> bool:
    return bool(status) and status.lower() in WITHDRAWN_STATUSES


class ScanStore:
    """The scan-history database at ``path`` (created on first use)."""

    def __init__(self, path: str | Path, *, timeout_s: float = 10.0):
        self.path = Path(path)
        self.pruned_candidates = 0  # rows removed by the last record_scan (keep_candidates_of)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the scan history's folder {self.path.parent} ({exc.strerror})",
                path=self.path,
                fix="pass --store FILE in a folder you can write to (or set PROCURE_MATCH_HOME / scan.store)",
            ) from None
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return StoreError(
                f"another scan is writing to {self.path}; wait for it or use --store",
                fix="run the scans one after the other, or give each its own --store FILE",
            )
        if "not a database" in text or "malformed" in text:
            return StoreError(
                f"is not a usable procure-match scan store ({exc})",
                path=self.path,
                fix="pass another --store FILE (a new file is created)",
            )
        return StoreError(f"scan store error: {exc}", path=self.path, fix="check the file and its folder are writable")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"was written by a newer procure-match (schema {version}, this one knows {SCHEMA_VERSION})",
                path=self.path,
                fix="upgrade procure-match or use another --store",
            )
        if version == SCHEMA_VERSION:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ScanStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record_scan(self, **kwargs: Any) -> tuple[int, dict[str, NoticeChange]]:
        """Record a scan and commit it at once; see ``pending_scan`` for the arguments."""
        with self.pending_scan(**kwargs) as recorded:
            return recorded

    @contextmanager
    def pending_scan(
        self,
        *,
        scanned_at: datetime,
        tenders: Iterable[Tender],
        candidates: Iterable[Candidate],
        source_files: Iterable[str] = (),
        seen_ids: Iterable[str] | None = None,
        keep_candidates_of: int = 0,
    ) -> Iterator[tuple[int, dict[str, NoticeChange]]]:
        """Compare ``tenders`` with the history and store them and the candidates; yield (scan id, changes).

        The scan stays *pending* (one open ``BEGIN IMMEDIATE`` transaction) while the caller's block
        runs, and is committed only when the block ends without an error: a scan whose outputs could
        not be written (or that was killed while writing them) leaves the history as it was, so the
        rerun reports the same news again. ``source_files`` are the files this scan read (a notice last
        seen in one of them and now absent is withdrawn); ``seen_ids`` are every notice id read from
        them, including notices left out of ``tenders`` by ``--since`` (default: the ids of
        ``tenders``). With ``keep_candidates_of`` N > 0, only the N newest scans keep their candidates
        (how many rows went is ``self.pruned_candidates``); scans, notices and change events are kept.
        """
        tenders = list(tenders)
        seen = {t.tender_id for t in tenders} | set(seen_ids or ())
        sources = sorted({str(s) for s in source_files} | {t.source_file for t in tenders if t.source_file})
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._error(exc) from exc
        try:
            recorded = self._write_scan(scanned_at, tenders, list(candidates), sources, seen, keep_candidates_of)
            yield recorded
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK")
            raise self._error(exc) from exc
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _write_scan(
        self,
        scanned_at: datetime,
        tenders: list[Tender],
        candidates: list[Candidate],
        sources: list[str],
        seen: set[str],
        keep_candidates_of: int,
    ) -> tuple[int, dict[str, NoticeChange]]:
        scan_id = self._db.execute(
            "INSERT INTO scans(scanned_at, sources, notices, candidates) VALUES (?, ?, ?, ?)",
            (scanned_at.isoformat(), json.dumps(sources), len(tenders), len(candidates)),
        ).lastrowid
        changes = self._record_notices(scan_id, tenders)
        changes.update(self._withdraw_absent(scan_id, sources, seen))
        self._db.executemany(
            "INSERT INTO notice_events VALUES (?, ?, ?, ?, ?)",
            [
                (scan_id, c.tender_id, c.kind, json.dumps(c.changed_fields), json.dumps(c.details))
                for c in changes.values()
            ],
        )
        self._db.executemany(
            "INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    scan_id,
                    c.tender_id,
                    c.lot_id,
                    c.enterprise_id,
                    c.rank,
                    c.score,
                    c.fit,
                    int(c.eligible),
                    c.status,
                    json.dumps(c.parts),
                    json.dumps(c.reasons),
                )
                for c in candidates
            ],
        )
        self.pruned_candidates = self._prune_candidates(keep_candidates_of)
        return scan_id, changes

    def _prune_candidates(self, keep: int) -> int:
        if keep <= 0:
            return 0
        cursor = self._db.execute(
            "DELETE FROM candidates WHERE scan_id NOT IN (SELECT id FROM scans ORDER BY id DESC LIMIT ?)", (keep,)
        )
        return max(cursor.rowcount, 0)

    def _record_notices(self, scan_id: int, tenders: list[Tender]) -> dict[str, NoticeChange]:
        changes: dict[str, NoticeChange] = {}
        for t in tenders:
            snap = snapshot_of(t)
            digest = content_hash(snap)
            row = self._db.execute(
                "SELECT content_hash, snapshot, withdrawn_scan FROM notices WHERE tender_id = ?", (t.tender_id,)
            ).fetchone()
            withdrawn_now = _is_withdrawn_status(t.status)
            if row is None:
                kind = "withdrawn" if withdrawn_now else "new"
                details = (f"first seen already {snap['status']}",) if withdrawn_now else ()
                changes[t.tender_id] = NoticeChange(tender_id=t.tender_id, kind=kind, details=details)
                self._db.execute(
                    "INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        t.tender_id,
                        digest,
                        json.dumps(snap, default=str),
                        t.source_file,
                        scan_id,
                        scan_id,
                        scan_id if withdrawn_now else None,
                    ),
                )
                continue
            old_hash, old_snap, withdrawn_scan = row
            fields, details = describe_changes(json.loads(old_snap), snap) if old_hash != digest else ((), ())
            if withdrawn_scan is not None and not withdrawn_now:
                details = (*details, "back in the source after being withdrawn")
                fields = fields or ("status",)
            if withdrawn_now and withdrawn_scan is None:
                kind = "withdrawn"
            elif fields:
                kind = "changed"
            else:
                kind = "unchanged"
            changes[t.tender_id] = NoticeChange(
                tender_id=t.tender_id, kind=kind, changed_fields=fields, details=details
            )
            new_withdrawn = (withdrawn_scan or scan_id) if withdrawn_now else None
            self._db.execute(
                "UPDATE notices SET content_hash = ?, snapshot = ?, source_file = ?, last_scan = ?, withdrawn_scan = ?"
                " WHERE tender_id = ?",
                (digest, json.dumps(snap, default=str), t.source_file, scan_id, new_withdrawn, t.tender_id),
            )
        return changes

    def _withdraw_absent(self, scan_id: int, sources: list[str], seen: set[str]) -> dict[str, NoticeChange]:
        if not sources:
            return {}
        marks = ",".join("?" * len(sources))
        rows = self._db.execute(
            f"SELECT tender_id, source_file, last_scan FROM notices"
            f" WHERE withdrawn_scan IS NULL AND source_file IN ({marks})",
            sources,
        ).fetchall()
        changes = {}
        for tender_id, source_file, last_scan in rows:
            if tender_id in seen:
                continue
            changes[tender_id] = NoticeChange(
                tender_id=tender_id,
                kind="withdrawn",
                changed_fields=("status",),
                details=(f"no longer in {source_file} (last seen in scan {last_scan})",),
            )
            self._db.execute("UPDATE notices SET withdrawn_scan = ? WHERE tender_id = ?", (scan_id, tender_id))
        return changes

    def last_scan_id(self) -> int | None:
        row = self._db.execute("SELECT max(id) FROM scans").fetchone()
        return row[0]

    def scan_candidates(self, scan_id: int) -> list[dict]:
        cur = self._db.execute(
            "SELECT tender_id, lot_id, enterprise_id, rank, score, fit, eligible, status, parts, reasons"
            " FROM candidates WHERE scan_id = ? ORDER BY tender_id, lot_id, rank",
            (scan_id,),
        )
        names = [d[0] for d in cur.description]
        out = []
        for row in cur.fetchall():
            item = dict(zip(names, row, strict=True))
            item["eligible"] = bool(item["eligible"])
            item["parts"] = json.loads(item["parts"])
            item["reasons"] = json.loads(item["reasons"])
            out.append(item)
        return out

    def notice_events(self, scan_id: int) -> list[NoticeChange]:
        rows = self._db.execute(
            "SELECT tender_id, kind, changed_fields, details FROM notice_events WHERE scan_id = ? ORDER BY tender_id",
            (scan_id,),
        ).fetchall()
        return [
            NoticeChange(tender_id=t, kind=k, changed_fields=tuple(json.loads(f)), details=tuple(json.loads(d)))
            for t, k, f, d in rows
        ]

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
