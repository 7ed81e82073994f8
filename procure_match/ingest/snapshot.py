"""A parsed directory kept on disk, so a weekly scan does not parse an unchanged directory again.

Parsing, normalising and locating a 100,000-row directory and building its enterprises' texts takes
about 17 s; reading this snapshot back takes under a second. A snapshot holds the Enterprises, the
directory's ingest report (so its problems are still reported on every run) and one derived text per
enterprise. It is keyed by everything those depend on:

* the directory file's bytes (sha256) and its resolved path (the report names it);
* the ``directory`` and ``ingest`` settings sections, and the identity (path, size, modification
  time) of every reference file they name or default to (postcodes, districts, CPV, SIC);
* the source code of the modules that parse and describe (any edit means a fresh parse) and the
  package version.

Anything different is a miss: the file is parsed as usual and a new snapshot written (atomically;
the ``keep`` newest are kept). A snapshot that cannot be read (truncated, corrupted, from another
version) is reported, deleted and rebuilt: it only ever costs time. Snapshots are Python pickles
written by procure-match into its own data folder; like any cache folder, do not fill it from
untrusted sources.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from procure_match.domain import Enterprise
from procure_match.errors import IngestReport
from procure_match.fileio import file_identity, file_sha256, write_atomically
from procure_match.settings import Settings, user_data_dir

FORMAT = b"PMDIRSNAP1\n"
_DIGEST_BYTES = 32
SUFFIX = ".pmdir"
KEEP = 4
# The code a snapshot's content depends on, relative to the package folder.
_CODE = ("ingest", "reference", "domain.py", "errors.py", "texts.py", "settings.py", "award_history.py")

TextsFor = Callable[[Sequence[Enterprise]], list[str]]


@dataclass
class Snapshot:
    enterprises: list[Enterprise]
    report: IngestReport
    texts: dict[str, str]  # enterprise id -> text (as ``texts_for`` built it)
    reused: bool  # True when read back, False when just parsed
    note: str  # one line for the scan's progress output


def default_snapshot_dir(settings: Settings) -> Path:
    """``settings.directory.snapshot_dir``, or <user data folder>/directory-snapshots."""
    folder = settings.directory.snapshot_dir
    return Path(folder).expanduser() if folder else user_data_dir() / "directory-snapshots"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the source of the modules a snapshot's content depends on (and the package version)."""
    import procure_match

    root = Path(procure_match.__file__).parent
    digest = hashlib.sha256(getattr(procure_match, "__version__", "").encode())
    for name in _CODE:
        path = root / name
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(source.relative_to(root)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def snapshot_key(path: Path, settings: Settings, reference_files: Sequence[str | Path | None] = ()) -> str:
    """The hex key of ``path`` parsed under ``settings`` (see the module docstring for what it covers)."""
    ingest = settings.ingest
    parts = {
        "format": FORMAT.decode().strip(),
        "code": code_fingerprint(),
        "file": str(path.resolve()),
        "sha256": file_sha256(path),
        "directory": {k: v for k, v in dataclasses.asdict(settings.directory).items() if not k.startswith("snapshot")},
        "ingest": dataclasses.asdict(ingest),
        "reference_files": [
            file_identity(f)
            for f in (
                ingest.postcode_file,
                ingest.district_file,
                ingest.cpv_vocabulary,
                ingest.sic_vocabulary,
                *reference_files,
            )
        ],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def encode(key: str, payload: object) -> bytes:
    body = pickle.dumps((key, payload), protocol=pickle.HIGHEST_PROTOCOL)
    return FORMAT + hashlib.sha256(body).digest() + body


def decode(data: bytes, key: str) -> object:
    """The payload stored under ``key``; ValueError when the bytes are not a whole snapshot for that key."""
    if not data.startswith(FORMAT):
        raise ValueError("not a directory snapshot of this version")
    start = len(FORMAT) + _DIGEST_BYTES
    body = memoryview(data)[start:]  # no copy of a 100 MB snapshot
    if hashlib.sha256(body).digest() != data[len(FORMAT) : start]:
        raise ValueError("checksum mismatch (truncated or corrupted)")
    stored_key, payload = pickle.loads(body)
    if stored_key != key:
        raise ValueError("written for another key")
    return payload


def load_directory_snapshot(
    path: str | Path,
    settings: Settings,
    parse: Callable[[], tuple[list[Enterprise], IngestReport]],
    texts_for: TextsFor,
    *,
    folder: Path | None = None,
    reference_files: Sequence[str | Path | None] = (),
) -> Snapshot:
    """The directory at ``path`` from its snapshot, or ``parse()``\\ d (and its texts built) and snapshotted.

    ``parse`` must be the exact parse the key describes (``load_directory(path, settings, ...)``);
    ``reference_files`` names files it reads beyond the settings (the postcode data in use).
    """
    p = Path(path)
    folder = folder or default_snapshot_dir(settings)
    key = snapshot_key(p, settings, reference_files)
    target = folder / f"{key[:32]}{SUFFIX}"
    problem = ""
    if target.is_file():
        try:
            enterprises, report, texts = decode(target.read_bytes(), key)
            return Snapshot(enterprises, report, texts, True, f"directory unchanged: parsed copy reused ({target})")
        except Exception as exc:  # any unreadable snapshot is only a cache miss
            problem = f"directory snapshot {target} unreadable ({exc}); deleted, directory parsed again"
            with contextlib.suppress(OSError):
                target.unlink()
    enterprises, report = parse()
    texts = dict(zip((e.id for e in enterprises), texts_for(enterprises), strict=True))
    note = problem or f"directory parsed; snapshot written to {target}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(target, encode(key, (enterprises, report, texts)))
        prune(folder, keep=KEEP)
    except OSError as exc:
        note = f"directory parsed; snapshot not written ({exc.strerror}): the next run parses it again"
    return Snapshot(enterprises, report, texts, False, note)


def prune(folder: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the ``keep`` most recently written snapshots; returns what was deleted."""
    snapshots = sorted(folder.glob(f"*{SUFFIX}"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
    removed = []
    for old in snapshots[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
            removed.append(old)
    return removed
