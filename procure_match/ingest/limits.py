"""Bounds on what one notice or directory file may cost, so a hostile or broken file is refused in one line.

* JSON nesting depth (``ingest.max_json_depth``): streamed JSON is checked event by event (``guard_events``)
  before ijson builds prefixes or values, so 60,000 nested brackets stop after about a hundred events instead of
  taking gigabytes; parsed values (JSON Lines, directory JSON) are checked by ``too_deep``.
* Record size (``ingest.max_record_mb``): the bytes of one streamed JSON value (``SizeMark``), one JSON
  Lines line, one CSV field.
* Field length (``ingest.max_field_chars``): longer text cells are cut (``cap_cells``), reported.
* Numbers with more digits than Python converts (4,300) are a record problem, not a crash (``bounded_int``).
* XLSX: declared uncompressed sizes and ratios, and DOCTYPE/ENTITY declarations in the XML parts, are
  checked before openpyxl reads the workbook (``check_xlsx``); openpyxl parses through defusedxml.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procure_match.errors import InputFileError
from procure_match.settings import Settings

MB = 1024 * 1024
MAX_INT_DIGITS = 4300  # Python's default int/str conversion limit (sys.get_int_max_str_digits)
XLSX_RATIO_FLOOR = 1 * MB  # parts smaller than this may compress as well as they like
# ijson read size: bounds the prefixes built ahead of the depth check (2 KB of brackets: about 10 MB).
PARSE_BUFFER = 2048
XML_HEAD_BYTES = 4096  # a DOCTYPE (and so any ENTITY declaration) must come before the root element
_OPENS = frozenset({"start_map", "start_array"})
_CLOSES = frozenset({"end_map", "end_array"})


@dataclass(frozen=True, slots=True)
class Limits:
    max_json_depth: int = 100
    max_record_bytes: int = 64 * MB
    max_field_chars: int = 1_000_000
    max_xlsx_bytes: int = 512 * MB
    max_xlsx_ratio: int = 200

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        s = settings.ingest
        return cls(s.max_json_depth, s.max_record_mb * MB, s.max_field_chars, s.max_xlsx_mb * MB, s.max_xlsx_ratio)


class LimitExceeded(ValueError):
    """A value is deeper or larger than the limits allow; the message names the limit and its setting."""


def depth_message(limit: int) -> str:
    return f"JSON nested deeper than {limit} levels (limit: ingest.max_json_depth)"


def size_message(limit_bytes: int) -> str:
    return f"one JSON value or line is larger than {limit_bytes // MB} MB (limit: ingest.max_record_mb)"


class SizeMark:
    """Bytes handed to a parser since the start of the current record; a reader calls ``advance``."""

    def __init__(self, limit_bytes: int):
        self.limit = limit_bytes
        self.delivered = 0
        self.mark = 0

    def advance(self, n: int) -> None:
        self.delivered += n
        if self.delivered - self.mark > self.limit:
            raise LimitExceeded(size_message(self.limit))


def guard_events(events: Iterator[tuple], limits: Limits, item_depth: int, size: SizeMark | None) -> Iterator[tuple]:
    """Pass ijson ``parse`` events through, raising LimitExceeded once nesting passes the depth limit.

    ijson builds the dotted prefixes of a whole read buffer before it hands any event on (for 60,000
    nested brackets in one 64 KB buffer, gigabytes), so the parser must read ``PARSE_BUFFER`` bytes at
    a time. ``item_depth`` is the nesting level of the values built in memory (1 for the items of a
    top-level array); the record-size count restarts at every event at or above that level.
    """
    depth, limit = 0, limits.max_json_depth
    for event in events:
        kind = event[1]
        if size is not None and depth <= item_depth:
            size.mark = size.delivered
        if kind in _OPENS:
            depth += 1
            if depth > limit:
                raise LimitExceeded(depth_message(limit))
        elif kind in _CLOSES:
            depth -= 1
        yield event


def too_deep(value: Any, limit: int) -> bool:
    """True when ``value`` (parsed JSON) nests lists/dicts more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class HugeNumber(str):
    """A JSON integer with more digits than Python converts; kept as its digits so the record can be reported."""


def bounded_int(digits: str) -> int | HugeNumber:
    """``json.loads(..., parse_int=bounded_int)``: an int, or a HugeNumber instead of a ValueError."""
    return int(digits) if len(digits.lstrip("-")) <= MAX_INT_DIGITS else HugeNumber(digits)


def has_huge_number(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, HugeNumber):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def huge_number_message() -> str:
    return f"a number has more than {MAX_INT_DIGITS:,} digits"


def json_value_error(exc: ValueError) -> str:
    """Why json.loads refused a text, in words a user can act on."""
    text = str(exc)
    if "integer string conversion" in text or "int_max_str_digits" in text:
        return huge_number_message()
    return f"not valid JSON ({text})"


def cap_cells(cells: dict[str, str], max_chars: int) -> list[tuple[str, int]]:
    """Cut every cell longer than ``max_chars`` to that length in place; return (column, original length)."""
    capped = []
    for key, value in cells.items():
        if isinstance(value, str) and len(value) > max_chars:
            capped.append((key, len(value)))
            cells[key] = value[:max_chars]
    return capped


def cap_message(column: str, length: int, max_chars: int) -> str:
    return f"field {column!r} is {length:,} characters long (limit: ingest.max_field_chars = {max_chars:,})"


def bounded_lines(text: Any, max_chars: int) -> Iterator[tuple[int, str | None]]:
    """(line number, line) for each line of a text stream; a line longer than ``max_chars`` is skipped
    without being held (yielded as None) so one huge line never fills memory."""
    number = 0
    while line := text.readline(max_chars + 1):
        number += 1
        if len(line) <= max_chars or line[-1] in "\r\n":
            yield number, line
            continue
        while line and line[-1] not in "\r\n":
            line = text.readline(MB)
        yield number, None


# --- XLSX ---------------------------------------------------------------------------------------

XLSX_FIX = "save the workbook again from a spreadsheet program (or export the sheet as CSV)"


def check_xlsx(path: Path, limits: Limits) -> None:
    """Refuse a zip bomb or an XML part with a DOCTYPE (entity bombs, external entities) before it is read."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_sizes(path, members, limits)
            for info in members:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    _check_xml_head(path, archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise InputFileError(f"not a readable XLSX workbook ({exc})", path=path, fix=XLSX_FIX) from exc


def _check_sizes(path: Path, members: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(info.file_size for info in members)
    if total > limits.max_xlsx_bytes:
        raise InputFileError(
            f"workbook inflates to {total / MB:,.0f} MB (limit: ingest.max_xlsx_mb = {limits.max_xlsx_bytes // MB})",
            path=path,
            fix="export the sheet as CSV, or raise ingest.max_xlsx_mb if the workbook is genuine",
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > XLSX_RATIO_FLOOR and ratio > limits.max_xlsx_ratio:
            raise InputFileError(
                f"part {info.filename} inflates {ratio:,.0f} times (limit: ingest.max_xlsx_ratio = "
                f"{limits.max_xlsx_ratio}): refused as a possible zip bomb",
                path=path,
                fix="export the sheet as CSV, or raise ingest.max_xlsx_ratio if the workbook is genuine",
            )


def _check_xml_head(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with archive.open(info) as part:
        head = part.read(XML_HEAD_BYTES).replace(b"\x00", b"").upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise InputFileError(
            f"part {info.filename} declares a DOCTYPE: entity declarations (entity bombs, external entities) "
            "are refused",
            path=path,
            fix=XLSX_FIX,
        )
