"""Small file helpers shared by the on-disk caches."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path

_CHUNK = 1 << 20


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary name beside ``path``, flush it to disk, then rename it into place.

    A reader sees the old file or the whole new one, never a part; a crash leaves at most a stray
    ``.tmp-*.part`` file that no reader looks at.
    """
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}.part")
    try:
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_identity(path: str | Path | None) -> list:
    """(resolved path, size, modification time in ns) of a file, or ``[path, None]`` when it is absent."""
    if not path:
        return [None]
    p = Path(path).expanduser()
    try:
        st = p.stat()
    except OSError:
        return [str(p), None]
    return [str(p.resolve()), st.st_size, st.st_mtime_ns]
