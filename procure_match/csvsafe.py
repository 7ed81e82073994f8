"""The one place for CSV safety: formula neutralisation on write, its undoing on read-back, the field cap.

**Formula injection** (OWASP "CSV injection"): a spreadsheet runs a cell that starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return as a formula. Every text cell of every CSV the project
writes goes through ``neutralise_cell``: such text gets a leading single quote, which spreadsheets
show as text. Numbers (``int``/``float``) are written as numbers, and text that is a plain number
(``-12.50``, ``+44``) is left as it is: it cannot run anything. A text that already starts with
quotes followed by a formula character gets one more quote, so ``restore_cell`` (used when a CSV we
wrote is read back, e.g. ``ledger confirm``) gives back exactly the original text.

**Field size**: Python's csv module refuses fields over 128 KB by default. ``allow_large_fields``
raises that limit once, for every reader, to ``CSV_FIELD_LIMIT``; a bigger field is an error that
the readers turn into a one-line message or a record problem.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_FIELD_LIMIT = 32 * 1024 * 1024  # 32 MB: far above any real cell, far below a memory problem
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?$")


def _is_plain_number(text: str) -> bool:
    return bool(text) and any(ch.isdigit() for ch in text) and _PLAIN_NUMBER.match(text) is not None


def needs_quote(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula (or it starts with quotes before one)."""
    bare = text.lstrip("'")
    return bool(bare) and bare[0] in FORMULA_PREFIXES and not _is_plain_number(bare)


def neutralise_cell(value: Any) -> Any:
    """The cell as written: text that could be a formula gets a leading ``'``; numbers and other text unchanged."""
    if isinstance(value, str) and needs_quote(value):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """Undo ``neutralise_cell`` on a cell read back from a CSV we wrote."""
    if text.startswith("'") and needs_quote(text[1:]):
        return text[1:]
    return text


def restore_row(row: Mapping[str, str | None]) -> dict[str, str | None]:
    return {k: (restore_cell(v) if isinstance(v, str) else v) for k, v in row.items()}


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised."""

    def __init__(self, handle: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """``csv.DictWriter`` whose every text cell is neutralised (the header is ours and left as it is)."""

    def __init__(self, handle: IO[str], fieldnames: Sequence[str], **kwargs: Any) -> None:
        self._writer = csv.DictWriter(handle, fieldnames=fieldnames, **kwargs)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({k: neutralise_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def allow_large_fields() -> None:
    """Let every csv reader take fields up to ``CSV_FIELD_LIMIT`` (default 128 KB); call before reading."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
