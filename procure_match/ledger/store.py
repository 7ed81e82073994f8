"""The ledger in SQLite: append-only, idempotent imports, corrections as reversing entries.

Tables (nothing is ever updated or deleted; later rows supersede earlier ones):

* ``contracts`` (one row per contract) and ``contract_versions`` (each recorded value; the
  current value is the latest version), ``target_overrides`` (latest wins);
* ``imports``: one row per imported file version (kind, source key = kind + file name, sha256,
  counts and the net amount it added);
* ``entries``: one per spend line (``kind='line'``) or reversal (``kind='reversal'``, pointing at
  the line it cancels, with the opposite amount). Each keeps its file's sha256 and row. A line is
  *live* when no reversal points at it;
* ``resolutions``: supplier key -> enterprise, with method and score; the latest row for a key is
  the one in force (manual decisions are just later rows); ``enterprises``: the directory names
  and postcodes resolutions point at.

Every import runs in one ``BEGIN IMMEDIATE`` transaction (WAL mode, busy timeout), so a crash
leaves the ledger as it was and two imports at once queue instead of corrupting it.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from procure_match.errors import IngestReport, NotFoundError, StoreError
from procure_match.ledger.contracts import category_for
from procure_match.ledger.linediff import LineDiff, PaymentKey, diff_lines, keyed_lines, payment_key, split_duplicates
from procure_match.ledger.model import Breach, Contract, ParsedSpendFile, SpendLine
from procure_match.ledger.names import normalise_name
from procure_match.ledger.resolve import (
    METHOD_MANUAL,
    STATUS_ACCEPTED,
    STATUS_NONE,
    STATUS_REDACTED,
    STATUS_REVIEW,
    DirectoryEntry,
    SupplierResolver,
    is_redacted,
)
from procure_match.reference import orgids
from procure_match.settings import Settings, user_data_dir

SCHEMA_VERSION = "2"  # 2: contracts.ref and legacy_key (ids carry the OCID), imports.duplicates
BUSY_TIMEOUT_S = 10.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contracts (
    id TEXT PRIMARY KEY, title TEXT, buyer TEXT, supplier TEXT, cpv TEXT, category TEXT, category_cpv TEXT,
    start TEXT, end_date TEXT, registered_at TEXT NOT NULL, source TEXT, ref TEXT,
    legacy_key INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS contract_versions (
    id INTEGER PRIMARY KEY, contract_id TEXT NOT NULL, value REAL NOT NULL, currency TEXT NOT NULL,
    effective TEXT, recorded_at TEXT NOT NULL, source TEXT, note TEXT);
CREATE TABLE IF NOT EXISTS target_overrides (
    id INTEGER PRIMARY KEY, contract_id TEXT NOT NULL, pct REAL NOT NULL, set_at TEXT NOT NULL, source TEXT);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, source_key TEXT NOT NULL, path TEXT NOT NULL,
    sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, buyer_note TEXT, header_row INTEGER, columns TEXT,
    lines_read INTEGER NOT NULL, lines_added INTEGER NOT NULL, reversals INTEGER NOT NULL,
    unchanged INTEGER NOT NULL, net_amount REAL NOT NULL, duplicates INTEGER NOT NULL DEFAULT 0,
    lines_skipped INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, kind TEXT NOT NULL, reverses INTEGER,
    source_key TEXT NOT NULL, sha256 TEXT NOT NULL, row TEXT NOT NULL, content_key TEXT NOT NULL,
    occurrence INTEGER NOT NULL, buyer TEXT, contract_id TEXT, contract_ref TEXT, supplier TEXT NOT NULL,
    supplier_key TEXT NOT NULL, registration_id TEXT, amount REAL NOT NULL, date TEXT, date_note TEXT,
    description TEXT, department TEXT, transaction_ref TEXT);
CREATE INDEX IF NOT EXISTS entries_source ON entries (source_key);
CREATE INDEX IF NOT EXISTS entries_reverses ON entries (reverses);
CREATE INDEX IF NOT EXISTS entries_contract ON entries (contract_id);
CREATE INDEX IF NOT EXISTS entries_supplier ON entries (supplier_key);
CREATE INDEX IF NOT EXISTS entries_transaction ON entries (transaction_ref);
CREATE TABLE IF NOT EXISTS enterprises (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, postcode TEXT, registration_ids TEXT);
CREATE TABLE IF NOT EXISTS resolutions (
    id INTEGER PRIMARY KEY, supplier_key TEXT NOT NULL, supplier_name TEXT NOT NULL, registration_id TEXT,
    enterprise_id TEXT, candidate_name TEXT, method TEXT NOT NULL, score REAL NOT NULL, status TEXT NOT NULL,
    decided_at TEXT NOT NULL, source TEXT);
CREATE INDEX IF NOT EXISTS resolutions_key ON resolutions (supplier_key);
CREATE VIEW IF NOT EXISTS live_entries AS
    SELECT * FROM entries e WHERE e.kind = 'line'
    AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.kind = 'reversal' AND r.reverses = e.id);
CREATE VIEW IF NOT EXISTS current_resolutions AS
    SELECT r.* FROM resolutions r JOIN (SELECT supplier_key, MAX(id) AS id FROM resolutions GROUP BY supplier_key) m
    ON r.id = m.id;
"""

# Schema 1 -> 2, in place and in one transaction: contract ids used to be bare award ids ("1" for
# every Find a Tender award). Existing contracts keep their ids, get ``ref`` = id and are marked
# ``legacy_key``; the next registration of the same award (same reference, title and buyer) moves
# the contract, its versions, overrides and entries to the full id (OCID/award id).
_UPGRADE_1_TO_2 = (
    "ALTER TABLE contracts ADD COLUMN ref TEXT",
    "ALTER TABLE contracts ADD COLUMN legacy_key INTEGER NOT NULL DEFAULT 0",
    "UPDATE contracts SET ref = id, legacy_key = 1",
    "ALTER TABLE imports ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE imports ADD COLUMN lines_skipped INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX IF NOT EXISTS entries_transaction ON entries (transaction_ref)",
    "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
)
UPGRADES: dict[str, tuple[str, ...]] = {"1": _UPGRADE_1_TO_2}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def supplier_key(name: str, registration_id: str | None) -> str:
    """How spend lines are grouped for resolution: canonical id (if any) + normalised name."""
    canon = orgids.registration_id(registration_id) if registration_id else None
    norm = normalise_name(name) or name.strip().lower()
    return f"{canon or ''}|{norm}"


def _make_folder(path: Path) -> None:
    """Create the ledger's folder, or stop with one line naming it (a file in the way, no permission)."""
    if path.is_dir():
        raise StoreError("is a folder, not a ledger file", path=path, fix="give --ledger a file name inside it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the ledger's folder {path.parent} ({exc.strerror})",
            path=path,
            fix="choose a --ledger path in a folder you can write to (or set PROCURE_MATCH_HOME / ledger.path)",
        ) from None


def ledger_path(settings: Settings, override: str | Path | None = None) -> Path:
    if override:
        return Path(override)
    if settings.ledger.path:
        return Path(settings.ledger.path)
    return user_data_dir() / "ledger.sqlite"


class Ledger:
    """An open ledger database. Use as a context manager; every write is one transaction."""

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S):
        self.path = Path(path)
        _make_folder(self.path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            row = self._schema_version()
            if row is None:  # a new ledger: create it (a reader of an existing one never takes the write lock)
                with self.transaction():
                    for stmt in _SCHEMA.split(";"):
                        if stmt.strip():
                            self.conn.execute(stmt)
                    row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                    if row is None:
                        self.conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
                        row = (SCHEMA_VERSION,)
            if row[0] in UPGRADES:
                row = self._upgrade(row[0])
            if row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"ledger schema version {row[0]} is not {SCHEMA_VERSION}",
                    path=self.path,
                    fix="use the procure-match version that wrote it, or start a new --ledger file",
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the ledger ({exc})", path=self.path, fix="check the --ledger path is a ledger file"
            ) from None

    def _upgrade(self, version: str) -> tuple:
        """Bring an older ledger to this schema in place, one transaction per step."""
        while version in UPGRADES:
            with self.transaction() as c:
                current = c.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
                if current == version:  # another process may have upgraded it meanwhile
                    for statement in UPGRADES[version]:
                        c.execute(statement)
            version = self._schema_version()[0]
        return (version,)

    def _schema_version(self) -> tuple | None:
        try:
            return self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    "the ledger is locked by another command (an import is probably running)",
                    path=self.path,
                    fix="wait for it to finish, then run this command again",
                ) from None
            raise StoreError(f"cannot write to the ledger ({exc})", path=self.path, fix="check the file") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # ----- contracts -------------------------------------------------------------------------
    def register_contracts(self, contracts: Sequence[Contract], settings: Settings) -> Counter:
        """Add new contracts; a known contract with a different value gets a new version (modification).

        A contract registered under a schema-1 key (a bare award id) is moved to its full id the first
        time the same award (same reference, title and buyer) is registered again ("re-keyed").
        """
        tally: Counter = Counter()
        now = _now()
        with self.transaction() as c:
            for k in contracts:
                if _adopt_legacy(c, k):
                    tally["re-keyed"] += 1
                row = c.execute("SELECT id FROM contracts WHERE id = ?", (k.id,)).fetchone()
                if row is None:
                    _insert_contract(c, k, settings, now)
                    tally["new"] += 1
                else:
                    tally["modified" if _record_value_change(c, k, now) else "unchanged"] += 1
                if k.target_pct is not None and self._current_override(k.id) != k.target_pct:
                    c.execute(
                        "INSERT INTO target_overrides (contract_id, pct, set_at, source) VALUES (?,?,?,?)",
                        (k.id, k.target_pct, now, k.source),
                    )
                    tally["target overrides"] += 1
        return tally

    def _current_override(self, contract_id: str) -> float | None:
        row = self.conn.execute(
            "SELECT pct FROM target_overrides WHERE contract_id=? ORDER BY id DESC LIMIT 1", (contract_id,)
        ).fetchone()
        return None if row is None else row[0]

    def contract_id_for(self, reference: str) -> str:
        """The id of the contract a user names: its full id, or its award id / CSV reference when only
        one contract has it; NotFoundError (naming the candidates) otherwise."""
        index = ContractIndex(self.conn.execute("SELECT id, ref, buyer FROM contracts").fetchall())
        found, _, n = index.find(reference)
        if found is not None:
            return found
        if n > 1:
            ids = ", ".join(cid for cid, _ in index.by_ref[reference.strip().lower()][:5])
            raise NotFoundError(
                f"{reference!r} names {n} contracts ({ids})", path=self.path, fix="give the full contract id"
            )
        raise NotFoundError(
            f"no contract {reference!r} in the ledger",
            path=self.path,
            fix="register it with 'procure-match ledger contracts FILE' (list ids with 'ledger report')",
        )

    def set_target(self, contract_id: str, pct: float, source: str = "ledger set-target") -> str:
        """Record a target override for the contract ``contract_id`` names; return its full id."""
        if not 0 <= pct <= 100:
            raise StoreError(f"target {pct} is not a percentage", fix="give a number from 0 to 100, e.g. 1.5")
        with self.transaction() as c:
            full_id = self.contract_id_for(contract_id)
            c.execute(
                "INSERT INTO target_overrides (contract_id, pct, set_at, source) VALUES (?,?,?,?)",
                (full_id, pct, _now(), source),
            )
        return full_id

    # ----- directory and resolution ----------------------------------------------------------
    def store_enterprises(self, entries: Iterable[DirectoryEntry]) -> int:
        n = 0
        with self.transaction() as c:
            for e in entries:
                c.execute(
                    "INSERT OR REPLACE INTO enterprises VALUES (?,?,?,?)",
                    (e.id, e.name, e.postcode, json.dumps(list(e.registration_ids))),
                )
                n += 1
        return n

    def current_resolutions(self) -> dict[str, sqlite3.Row]:
        return {r["supplier_key"]: r for r in self.conn.execute("SELECT * FROM current_resolutions")}

    # ----- imports ---------------------------------------------------------------------------
    def import_spend(
        self,
        parsed: ParsedSpendFile,
        kind: str,
        *,
        resolver: SupplierResolver | None = None,
        report: IngestReport | None = None,
        progress: Callable[[str], None] | None = None,
        source: str | None = None,
    ) -> ImportOutcome:
        """Apply one parsed file: nothing if this exact file is in; a diff if it replaces an earlier version.

        Versions of one source share a source key: ``kind:`` + ``source`` (default: the file name).
        Payments already live in the ledger from another file are duplicates: reported, not counted.
        """
        report = report if report is not None else IngestReport()
        source_key = f"{kind}:{source or Path(parsed.path).name}"
        say = progress or (lambda _msg: None)
        with self.transaction() as c:
            same = c.execute(
                "SELECT imported_at FROM imports WHERE sha256=? AND kind=? ORDER BY id LIMIT 1", (parsed.sha256, kind)
            ).fetchone()
            if same is not None:
                return ImportOutcome(path=parsed.path, source_key=source_key, already_imported_on=same[0])
            previous = _live_entries_of(c, source_key)
            outcome = ImportOutcome(path=parsed.path, source_key=source_key, lines_read=len(parsed.lines))
            outcome.replaces = bool(previous) or _source_known(c, source_key)
            diff = diff_lines(previous, keyed_lines(parsed.lines))
            to_add, dupes = split_duplicates(diff.to_add, _payments_elsewhere(c, source_key), _iso)
            _tally_diff(outcome, diff, to_add, dupes)
            _report_duplicates(report, parsed.path, dupes)
            to_reverse = diff.to_reverse
            outcome.reversals = len(to_reverse)
            say(f"{len(to_add):,} new lines, {len(to_reverse):,} reversals: resolving suppliers")
            self._resolve(c, [line for _, line in to_add], resolver, outcome)
            outcome.net_amount = round(sum(line.amount for _, line in to_add) - sum(r["amount"] for r in to_reverse), 2)
            outcome.import_id = _insert_import(c, parsed, kind, source_key, outcome, len(to_add), len(dupes))
            say(f"writing {len(to_add) + len(to_reverse):,} entries")
            _insert_reversals(c, outcome.import_id, parsed.sha256, to_reverse)
            index = ContractIndex(c.execute("SELECT id, ref, buyer FROM contracts").fetchall())
            _insert_lines(c, outcome, parsed.sha256, to_add, index)
            _report_contract_refs(report, parsed.path, outcome)
        return outcome

    def _resolve(self, c: sqlite3.Connection, lines: list[SpendLine], resolver, outcome: ImportOutcome) -> None:
        """Append resolutions for supplier keys that have none, or whose automatic one changed."""
        current = self.current_resolutions()
        distinct: dict[str, tuple[str, str | None]] = {}
        for line in lines:
            distinct.setdefault(
                supplier_key(line.supplier, line.registration_id), (line.supplier, line.registration_id)
            )
        todo = [(k, v) for k, v in distinct.items() if k not in current or current[k]["method"] != METHOD_MANUAL]
        redacted = [(k, v) for k, v in todo if is_redacted(v[0])]
        if resolver is None:
            todo = redacted  # without a directory only redactions are recorded; the rest stay unresolved
        results = resolver.resolve([v for _, v in todo]) if resolver else None
        now = _now()
        for i, (k, (name, reg)) in enumerate(todo):
            if results is not None:
                r = results[i]
                row = (k, name, reg, r.enterprise_id, r.candidate_name, r.method, r.score, r.status)
            else:
                row = (k, name, reg, None, None, "none", 0.0, STATUS_REDACTED)
            old = current.get(k)
            if old is not None and (old["enterprise_id"], old["method"], old["status"]) == (row[3], row[5], row[7]):
                continue
            c.execute(
                "INSERT INTO resolutions (supplier_key, supplier_name, registration_id, enterprise_id, candidate_name,"
                " method, score, status, decided_at, source) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (*row, now, outcome.path),
            )
            outcome.resolutions[row[7]] += 1

    def resolve_pending(self, resolver: SupplierResolver) -> Counter:
        """Resolve supplier keys already in the ledger that have no resolution yet (e.g. imported
        before any --directory was given). Existing resolutions are left as they are."""
        tally: Counter = Counter()
        with self.transaction() as c:
            rows = c.execute(
                "SELECT supplier_key, MIN(supplier), MIN(registration_id) FROM entries"
                " WHERE supplier_key NOT IN (SELECT supplier_key FROM resolutions) GROUP BY supplier_key"
            ).fetchall()
            if not rows:
                return tally
            results = resolver.resolve([(r[1], r[2]) for r in rows])
            now = _now()
            for (key, name, reg), res in zip(rows, results, strict=True):
                c.execute(
                    "INSERT INTO resolutions (supplier_key, supplier_name, registration_id, enterprise_id,"
                    " candidate_name, method, score, status, decided_at, source) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        key,
                        name,
                        reg,
                        res.enterprise_id,
                        res.candidate_name,
                        res.method,
                        res.score,
                        res.status,
                        now,
                        "resolve pending",
                    ),
                )
                tally[res.status] += 1
        return tally

    # ----- review -----------------------------------------------------------------------------
    def review_queue(self) -> list[dict]:
        """Supplier keys waiting for a person, with their suggestion and how much spend they carry."""
        rows = self.conn.execute(
            "SELECT r.*, COUNT(e.id) AS lines, COALESCE(SUM(e.amount), 0) AS amount FROM current_resolutions r"
            " LEFT JOIN live_entries e ON e.supplier_key = r.supplier_key WHERE r.status = ?"
            " GROUP BY r.supplier_key ORDER BY amount DESC, r.supplier_key",
            (STATUS_REVIEW,),
        ).fetchall()
        return [
            {
                "supplier_key": r["supplier_key"],
                "supplier_name": r["supplier_name"],
                "registration_id": r["registration_id"] or "",
                "lines": r["lines"],
                "amount": round(r["amount"], 2),
                "suggested_enterprise_id": r["enterprise_id"] or "",
                "suggested_name": r["candidate_name"] or "",
                "score": r["score"],
                "decision": "",
                "note": "",
            }
            for r in rows
        ]

    def confirm(self, decisions: Sequence[dict], source: str) -> tuple[Counter, list[str]]:
        """Apply decisions (accept / reject / an enterprise id) as manual resolutions; return tallies and problems."""
        tally: Counter = Counter()
        problems: list[str] = []
        now = _now()
        with self.transaction() as c:
            current = {r["supplier_key"]: r for r in c.execute("SELECT * FROM current_resolutions")}
            known = {r[0]: r[1] for r in c.execute("SELECT id, name FROM enterprises")}
            for i, d in enumerate(decisions, start=2):
                decision = (d.get("decision") or "").strip()
                key = (d.get("supplier_key") or "").strip()
                if not decision:
                    tally["left for later"] += 1
                    continue
                if key not in current:
                    problems.append(f"row {i}: supplier key {key!r} is not in the ledger (edited?); row ignored")
                    continue
                cur = current[key]
                low = decision.lower()
                if low in {"accept", "accepted", "yes", "y"}:
                    ent = (d.get("suggested_enterprise_id") or cur["enterprise_id"] or "").strip()
                    if not ent:
                        problems.append(f"row {i}: 'accept' but no suggested enterprise; row ignored")
                        continue
                    status, name = STATUS_ACCEPTED, known.get(ent, cur["candidate_name"])
                elif low in {"reject", "rejected", "no", "n"}:
                    ent, status, name = None, STATUS_NONE, None
                elif decision in known:
                    ent, status, name = decision, STATUS_ACCEPTED, known[decision]
                else:
                    problems.append(
                        f"row {i}: decision {decision!r} is not accept, reject or a known enterprise id; row ignored"
                    )
                    continue
                c.execute(
                    "INSERT INTO resolutions (supplier_key, supplier_name, registration_id, enterprise_id,"
                    " candidate_name, method, score, status, decided_at, source) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        key,
                        cur["supplier_name"],
                        cur["registration_id"],
                        ent,
                        name,
                        METHOD_MANUAL,
                        100.0,
                        status,
                        now,
                        f"{source}: {(d.get('note') or '').strip()}".rstrip(": "),
                    ),
                )
                tally["accepted" if status == STATUS_ACCEPTED else "rejected"] += 1
        return tally, problems

    # ----- reading ----------------------------------------------------------------------------
    def contracts(self) -> list[dict]:
        out = []
        versions = defaultdict(list)
        for v in self.conn.execute("SELECT * FROM contract_versions ORDER BY id"):
            versions[v["contract_id"]].append(dict(v))
        overrides = {}
        for o in self.conn.execute("SELECT * FROM target_overrides ORDER BY id"):
            overrides[o["contract_id"]] = dict(o)
        for r in self.conn.execute("SELECT * FROM contracts ORDER BY id"):
            d = dict(r)
            d["versions"] = versions.get(r["id"], [])
            d["override"] = overrides.get(r["id"])
            out.append(d)
        return out

    def entries(self, *, contract_id: str | None = None, live_only: bool = False) -> list[dict]:
        """Entries with their import, live flag and current resolution (for progress and trace)."""
        sql = (
            "SELECT e.*, i.path AS file, i.imported_at, "
            " NOT EXISTS (SELECT 1 FROM entries r WHERE r.kind='reversal' AND r.reverses=e.id) AS live_flag,"
            " cr.enterprise_id, cr.method, cr.score, cr.status AS resolution_status"
            " FROM entries e JOIN imports i ON i.id = e.import_id"
            " LEFT JOIN current_resolutions cr ON cr.supplier_key = e.supplier_key"
        )
        where, args = [], []
        if contract_id is not None:
            where.append("e.contract_id = ?")
            args.append(contract_id)
        if live_only:
            where.append(
                "e.kind = 'line' AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.kind='reversal' AND r.reverses=e.id)"
            )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.id"
        out = []
        for r in self.conn.execute(sql, args):
            d = dict(r)
            d["live"] = bool(d.pop("live_flag")) and d["kind"] == "line"
            out.append(d)
        return out

    def enterprises(self) -> dict[str, dict]:
        return {r["id"]: dict(r) for r in self.conn.execute("SELECT * FROM enterprises")}

    def imports(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM imports ORDER BY id")]

    # ----- invariants -------------------------------------------------------------------------
    def check(self) -> list[Breach]:
        """Every breach of the ledger's invariants (empty list = healthy)."""
        c = self.conn
        out: list[Breach] = []
        for invariant in (
            _totals_reconcile,
            _no_orphans,
            _no_double_counting,
            _reversals_cancel,
            _cross_file_duplicates,
            _non_finite_amounts,
        ):
            out.extend(invariant(c))
        return out

    def left_out(self) -> dict[str, int]:
        """Lines imports read but did not count: reported problems (stray quotes, totals, bad amounts...)
        and payments already in the ledger from another file."""
        row = self.conn.execute(
            "SELECT COALESCE(SUM(lines_skipped), 0), COALESCE(SUM(duplicates), 0) FROM imports"
        ).fetchone()
        return {"reported as problems": int(row[0]), "duplicates of payments in other files": int(row[1])}


def _totals_reconcile(c: sqlite3.Connection) -> list[Breach]:
    """Each import's entries net to what it recorded; all imports net to the live entries."""
    out: list[Breach] = []
    for r in c.execute(
        "SELECT i.id, i.path, i.net_amount, i.lines_added + i.reversals AS n,"
        " COALESCE(SUM(e.amount), 0) AS total, COUNT(e.id) AS m"
        " FROM imports i LEFT JOIN entries e ON e.import_id = i.id GROUP BY i.id"
    ):
        if abs(r["net_amount"] - r["total"]) > 0.005 or r["n"] != r["m"]:
            out.append(
                Breach(
                    invariant="totals reconcile",
                    detail=f"import {r['id']} ({r['path']}) records {r['n']} entries"
                    f" netting £{r['net_amount']:,.2f}"
                    f" but holds {r['m']} netting £{r['total']:,.2f}",
                )
            )
    all_net = c.execute("SELECT COALESCE(SUM(net_amount), 0) FROM imports").fetchone()[0]
    live = c.execute("SELECT COALESCE(SUM(amount), 0) FROM live_entries").fetchone()[0]
    if abs(all_net - live) > 0.005 * max(1, c.execute("SELECT COUNT(*) FROM imports").fetchone()[0]):
        out.append(
            Breach(
                invariant="totals reconcile",
                detail=f"imports net £{all_net:,.2f} but live entries sum to £{live:,.2f}",
            )
        )
    return out


def _no_orphans(c: sqlite3.Connection) -> list[Breach]:
    """Every entry has its import and contract; every contract version its contract."""
    out: list[Breach] = []
    for r in c.execute("SELECT id, import_id FROM entries WHERE import_id NOT IN (SELECT id FROM imports)"):
        out.append(Breach(invariant="no orphan entries", detail=f"entry {r[0]} points at missing import {r[1]}"))
    for r in c.execute(
        "SELECT id, contract_id FROM entries WHERE contract_id IS NOT NULL"
        " AND contract_id NOT IN (SELECT id FROM contracts)"
    ):
        out.append(Breach(invariant="no orphan entries", detail=f"entry {r[0]} points at missing contract {r[1]!r}"))
    for r in c.execute(
        "SELECT id, contract_id FROM contract_versions WHERE contract_id NOT IN (SELECT id FROM contracts)"
    ):
        out.append(Breach(invariant="no orphan entries", detail=f"contract version {r[0]} has no contract {r[1]!r}"))
    return out


def _no_double_counting(c: sqlite3.Connection) -> list[Breach]:
    """No source row is live twice."""
    out: list[Breach] = []
    for r in c.execute(
        "SELECT source_key, content_key, occurrence, COUNT(*) AS n, GROUP_CONCAT(id) AS ids FROM live_entries"
        " GROUP BY source_key, content_key, occurrence HAVING n > 1"
    ):
        out.append(
            Breach(
                invariant="no double counting",
                detail=f"source row counted {r['n']} times live in {r['source_key']} (entries {r['ids']})",
            )
        )
    return out


def _reversals_cancel(c: sqlite3.Connection) -> list[Breach]:
    """Each reversal cancels one existing line exactly, and no line is reversed twice."""
    out: list[Breach] = []
    for r in c.execute(
        "SELECT r.id, r.reverses, r.amount, o.id AS oid, o.amount AS oamount, o.kind AS okind FROM entries r"
        " LEFT JOIN entries o ON o.id = r.reverses WHERE r.kind = 'reversal'"
    ):
        if r["oid"] is None:
            out.append(
                Breach(
                    invariant="reversals net to zero",
                    detail=f"reversal {r['id']} points at missing entry {r['reverses']}",
                )
            )
        elif r["okind"] != "line" or abs(r["amount"] + r["oamount"]) > 0.005:
            out.append(
                Breach(
                    invariant="reversals net to zero",
                    detail=f"reversal {r['id']} (£{r['amount']:,.2f}) does not cancel entry {r['oid']}"
                    f" (£{r['oamount']:,.2f})",
                )
            )
    for r in c.execute(
        "SELECT reverses, COUNT(*) AS n FROM entries WHERE kind='reversal' GROUP BY reverses HAVING n > 1"
    ):
        out.append(Breach(invariant="reversals net to zero", detail=f"entry {r[0]} is reversed {r[1]} times"))
    return out


def _cross_file_duplicates(c: sqlite3.Connection) -> list[Breach]:
    """Live payments counted in two files (e.g. imported before duplicates were detected)."""
    seen: dict[PaymentKey, str] = {}
    out: list[Breach] = []
    for r in c.execute(
        "SELECT id, source_key, buyer, transaction_ref, supplier, amount, date FROM live_entries"
        " WHERE COALESCE(transaction_ref, '') != '' ORDER BY id"
    ):
        key = payment_key(r["buyer"], r["transaction_ref"], r["supplier"], r["amount"], r["date"])
        first = seen.setdefault(key, r["source_key"])
        if first != r["source_key"]:
            out.append(
                Breach(
                    invariant="each payment counted once",
                    detail=f"entry {r['id']} ({r['source_key']}, transaction {r['transaction_ref']},"
                    f" £{r['amount']:,.2f}) is also live in {first}",
                )
            )
    return out


def _non_finite_amounts(c: sqlite3.Connection) -> list[Breach]:
    out = []
    for table, col in (("entries", "amount"), ("contract_versions", "value"), ("imports", "net_amount")):
        for r in c.execute(f"SELECT id, {col} FROM {table}"):
            if not math.isfinite(r[1]):
                out.append(Breach(invariant="amounts are finite", detail=f"{table} row {r[0]} holds {r[1]}"))
    return out


def _adopt_legacy(c: sqlite3.Connection, k: Contract) -> bool:
    """Move a schema-1 contract keyed by the bare reference to ``k.id`` when it is the same award."""
    ref = k.ref or k.id
    if ref == k.id or c.execute("SELECT 1 FROM contracts WHERE id=?", (k.id,)).fetchone() is not None:
        return False
    old = c.execute(
        "SELECT id FROM contracts WHERE id=? AND legacy_key=1 AND lower(COALESCE(title,''))=lower(?)"
        " AND lower(COALESCE(buyer,''))=lower(?)",
        (ref, k.title or "", k.buyer or ""),
    ).fetchone()
    if old is None:
        return False
    c.execute("UPDATE contracts SET id=?, ref=?, legacy_key=0 WHERE id=?", (k.id, ref, ref))
    for table in ("contract_versions", "target_overrides", "entries"):
        c.execute(f"UPDATE {table} SET contract_id=? WHERE contract_id=?", (k.id, ref))
    return True


def _insert_contract(c: sqlite3.Connection, k: Contract, settings: Settings, now: str) -> None:
    category, cat_cpv = category_for([k.cpv] if k.cpv else [], settings)
    c.execute(
        "INSERT INTO contracts (id, title, buyer, supplier, cpv, category, category_cpv, start, end_date,"
        " registered_at, source, ref, legacy_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)",
        (
            k.id,
            k.title,
            k.buyer,
            k.supplier,
            k.cpv,
            category,
            cat_cpv,
            _iso(k.start),
            _iso(k.end),
            now,
            k.source,
            k.ref or k.id,
        ),
    )
    if k.value is not None:
        _insert_version(c, k, _iso(k.value_date or k.start), now, "awarded")


def _insert_version(c: sqlite3.Connection, k: Contract, effective: str | None, now: str, note: str) -> None:
    c.execute(
        "INSERT INTO contract_versions (contract_id, value, currency, effective, recorded_at, source, note)"
        " VALUES (?,?,?,?,?,?,?)",
        (k.id, k.value, k.currency, effective, now, k.source, note),
    )


def _record_value_change(c: sqlite3.Connection, k: Contract, now: str) -> bool:
    """A new version when the value differs from the current one; True if one was recorded."""
    cur = c.execute(
        "SELECT value FROM contract_versions WHERE contract_id=? ORDER BY id DESC LIMIT 1", (k.id,)
    ).fetchone()
    if k.value is None or (cur is not None and abs(cur[0] - k.value) <= 0.005):
        return False
    _insert_version(c, k, _iso(k.value_date), now, f"modified from £{cur[0]:,.2f}" if cur else "value recorded")
    return True


@dataclass
class ImportOutcome:
    """What one import did, in the words the CLI prints."""

    path: str
    source_key: str
    already_imported_on: str | None = None
    import_id: int | None = None
    lines_read: int = 0
    added: int = 0
    unchanged: int = 0
    reversals: int = 0
    replaces: bool = False
    changed: list[tuple] = field(default_factory=list)  # (row, supplier, old amount, new amount)
    removed: list[tuple] = field(default_factory=list)  # (row, supplier, amount)
    net_amount: float = 0.0
    credits: int = 0  # new lines with a negative amount
    resolutions: Counter = field(default_factory=Counter)
    unknown_contracts: Counter = field(default_factory=Counter)
    ambiguous_contracts: Counter = field(default_factory=Counter)  # references shared by several contracts
    duplicates: list[tuple] = field(default_factory=list)  # (row, supplier, amount, where it already is)

    @property
    def new_entries(self) -> int:
        return 0 if self.already_imported_on else self.added + len(self.changed) + self.reversals

    def summary(self) -> str:
        name = Path(self.path).name
        if self.already_imported_on:
            return f"{name}: already imported on {self.already_imported_on[:10]}: 0 new entries"
        if self.replaces:
            text = (
                f"{name}: corrected version of an earlier import: {self.added} rows added,"
                f" {len(self.removed)} removed (reversed), {len(self.changed)} amounts changed,"
                f" {self.unchanged} unchanged; net £{self.net_amount:,.2f}"
            )
        else:
            credits = f" ({self.credits} credits)" if self.credits else ""
            text = f"{name}: {self.added} lines imported{credits}, net £{self.net_amount:,.2f}"
        return text + self.duplicates_note()

    def duplicates_note(self) -> str:
        if not self.duplicates:
            return ""
        total = sum(d[2] for d in self.duplicates)
        return (
            f"; {len(self.duplicates)} duplicate payment(s) already in the ledger from another file"
            f" (£{total:,.2f}) not counted"
        )


def _live_entries_of(c: sqlite3.Connection, source_key: str) -> dict[tuple[str, int], sqlite3.Row]:
    return {
        (r["content_key"], r["occurrence"]): r
        for r in c.execute("SELECT * FROM live_entries WHERE source_key=?", (source_key,))
    }


def _source_known(c: sqlite3.Connection, source_key: str) -> bool:
    return c.execute("SELECT 1 FROM imports WHERE source_key=?", (source_key,)).fetchone() is not None


def _payments_elsewhere(c: sqlite3.Connection, source_key: str) -> dict[PaymentKey, list[str]]:
    """Payment key -> where each live copy from *other* sources is ("file line N"), oldest first."""
    out: dict[PaymentKey, list[str]] = defaultdict(list)
    for r in c.execute(
        "SELECT e.buyer, e.transaction_ref, e.supplier, e.amount, e.date, e.row, i.path FROM live_entries e"
        " JOIN imports i ON i.id = e.import_id"
        " WHERE e.source_key != ? AND COALESCE(e.transaction_ref, '') != '' ORDER BY e.id",
        (source_key,),
    ):
        key = payment_key(r["buyer"], r["transaction_ref"], r["supplier"], r["amount"], r["date"])
        if key is not None:
            out[key].append(f"{Path(r['path']).name} line {r['row']}")
    return out


def _tally_diff(
    outcome: ImportOutcome,
    diff: LineDiff,
    to_add: list[tuple[tuple[str, int], SpendLine]],
    dupes: list[tuple[SpendLine, str]],
) -> None:
    kept = {id(line) for _, line in to_add}
    outcome.added = sum(1 for _, line in diff.added if id(line) in kept)
    outcome.changed = [(ln.row, ln.supplier, old["amount"], ln.amount) for _, old, ln in diff.changed if id(ln) in kept]
    outcome.removed = [(old["row"], old["supplier"], old["amount"]) for _, old in diff.removed]
    outcome.unchanged = diff.unchanged
    outcome.duplicates = [(line.row, line.supplier, line.amount, where) for line, where in dupes]
    outcome.credits = sum(1 for _, line in to_add if line.amount < 0)


def _report_duplicates(report: IngestReport, path: str, dupes: list[tuple[SpendLine, str]]) -> None:
    for line, where in dupes:
        report.problem(
            path,
            f"line {line.row} (same as {where})",
            "transaction",
            "payment already in the ledger from another file (same buyer, transaction number, supplier,"
            " amount and date)",
            "not counted (duplicate)",
            "none needed if the files overlap; otherwise check the transaction numbers at the source",
            skipped=True,
        )
    report.records_kept -= len(dupes)
    report.counts["duplicate payments"] += len(dupes)


def _insert_import(
    c: sqlite3.Connection,
    parsed: ParsedSpendFile,
    kind: str,
    source_key: str,
    outcome: ImportOutcome,
    n_added: int,
    n_duplicates: int,
) -> int:
    cur = c.execute(
        "INSERT INTO imports (kind, source_key, path, sha256, imported_at, buyer_note, header_row, columns, "
        "lines_read, lines_added, reversals, unchanged, net_amount, duplicates, lines_skipped)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            kind,
            source_key,
            str(parsed.path),
            parsed.sha256,
            _now(),
            parsed.buyer_note,
            parsed.header_row,
            json.dumps(parsed.columns),
            len(parsed.lines),
            n_added,
            outcome.reversals,
            outcome.unchanged,
            outcome.net_amount,
            n_duplicates,
            parsed.lines_skipped,
        ),
    )
    return int(cur.lastrowid)


def _insert_reversals(c: sqlite3.Connection, import_id: int, sha256: str, to_reverse: list[sqlite3.Row]) -> None:
    for old in to_reverse:
        c.execute(
            "INSERT INTO entries (import_id, kind, reverses, source_key, sha256, row, content_key, occurrence,"
            " buyer, contract_id, contract_ref, supplier, supplier_key, registration_id, amount, date,"
            " date_note, description, department, transaction_ref)"
            " SELECT ?, 'reversal', id, source_key, ?, row, content_key, occurrence, buyer, contract_id,"
            " contract_ref, supplier, supplier_key, registration_id, -amount, date, date_note, description,"
            " department, transaction_ref FROM entries WHERE id = ?",
            (import_id, sha256, old["id"]),
        )


class ContractIndex:
    """Finds the contract a line's reference names: its full id first, else its reference if only one
    contract has it (Find a Tender award ids such as "1" are shared by many contracts)."""

    def __init__(self, rows: Iterable[Sequence]) -> None:
        self.by_id: dict[str, tuple[str, str | None]] = {}
        self.by_ref: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for cid, ref, buyer in rows:
            self.by_id[cid.strip().lower()] = (cid, buyer)
            self.by_ref[(ref or cid).strip().lower()].append((cid, buyer))

    def find(self, ref: str) -> tuple[str | None, str | None, int]:
        """(contract id, its buyer, how many contracts the reference could mean)."""
        key = ref.strip().lower()
        if key in self.by_id:
            return (*self.by_id[key], 1)
        found = self.by_ref.get(key, [])
        if len(found) == 1:
            return (*found[0], 1)
        return None, None, len(found)


def _insert_lines(
    c: sqlite3.Connection,
    outcome: ImportOutcome,
    sha256: str,
    to_add: list[tuple[tuple[str, int], SpendLine]],
    index: ContractIndex,
) -> None:
    rows = []
    for (content_key, occurrence), line in to_add:
        contract_id, buyer = None, line.buyer
        if line.contract_ref:
            contract_id, contract_buyer, n = index.find(line.contract_ref)
            buyer = line.buyer or contract_buyer
            if n > 1:
                outcome.ambiguous_contracts[line.contract_ref] += 1
            elif contract_id is None:
                outcome.unknown_contracts[line.contract_ref] += 1
        rows.append(
            (
                outcome.import_id,
                "line",
                None,
                outcome.source_key,
                sha256,
                line.row,
                content_key,
                occurrence,
                buyer,
                contract_id,
                line.contract_ref,
                line.supplier,
                supplier_key(line.supplier, line.registration_id),
                line.registration_id,
                line.amount,
                _iso(line.date),
                line.date_note,
                line.description,
                line.department,
                line.transaction,
            )
        )
    c.executemany(
        "INSERT INTO entries (import_id, kind, reverses, source_key, sha256, row, content_key, occurrence,"
        " buyer, contract_id, contract_ref, supplier, supplier_key, registration_id, amount, date, date_note,"
        " description, department, transaction_ref) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def _report_contract_refs(report: IngestReport, path: str, outcome: ImportOutcome) -> None:
    for ref, n in outcome.unknown_contracts.items():
        report.problem(
            path,
            f"{n} line(s)",
            "contract_ref",
            f"contract reference {ref!r} is not registered",
            "counted as buyer-level spend",
            "register the contract with 'ledger contracts' first",
        )
    for ref, n in outcome.ambiguous_contracts.items():
        report.problem(
            path,
            f"{n} line(s)",
            "contract_ref",
            f"contract reference {ref!r} names more than one registered contract",
            "counted as buyer-level spend",
            "use the contract's full id (OCID/award id, as 'ledger report' lists it)",
        )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
