"""What a notice file holds, found from its content (never its name), and its OCDS units one by one.

Formats recognised:
* CSV: the first non-blank character is not ``{`` or ``[``; the Contracts Finder reader checks the header.
* JSON Lines (one release, record, package or record package per line): read line by line, so one
  broken line is skipped and reported, not fatal.
* One JSON value: a release package, record package, single release, single record, compiled or
  versioned release; or a JSON array of any of these. Large packages (also large packages inside
  an array, judged by its first item) stream their ``releases``/``records`` arrays with ijson, so a
  1 GB file is never held whole.
* Concatenated JSON values (``{...}{...}``): streamed with ijson ``multiple_values``.

``iter_json_units`` yields ``Unit`` objects (a release or a record with where it came from); anything
that is not an OCDS object becomes a ``bad`` unit that the caller records as a skipped record.
Every parse runs inside the ``ingest.limits`` bounds (nesting depth, record size, digits of a number),
and control characters are stripped from every string of every unit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson

from procure_match.errors import InputFileError
from procure_match.ingest.limits import (
    MAX_INT_DIGITS,
    PARSE_BUFFER,
    LimitExceeded,
    Limits,
    SizeMark,
    bounded_int,
    bounded_lines,
    depth_message,
    guard_events,
    has_huge_number,
    huge_number_message,
    json_value_error,
    size_message,
    too_deep,
)
from procure_match.ingest.textutil import Decoding, Utf8Bytes, might_hold_controls, open_text, strip_controls_in

# Above this many parse events, the first JSON value counts as large and its arrays are streamed.
LARGE_VALUE_EVENTS = 200_000
# A first line longer than this is not treated as a JSON Lines record.
MAX_LINE_CHARS = 16 * 1024 * 1024
JSON_FIX = "check the file is complete OCDS JSON (a release package, record package, release or JSON Lines)"
LIMIT_FIX = "check the file is OCDS JSON as published; raise the limit named in the settings if it is genuine"


@dataclass
class Unit:
    kind: str  # "release" | "record" | "bad"
    obj: Any
    where: str  # "line 12", "release 3", "item 2, release 5"
    publisher: str | None = None
    reason: str = ""  # for "bad" units


def sniff_format(path: str | Path) -> str:
    """ "json" or "csv", from the first non-blank character. Raises InputFileError when unreadable."""
    text, _ = open_text(path)
    with text:
        try:
            head = text.read(4096)
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"text encoding could not be read ({exc.reason})", path=path, fix="save the file as UTF-8"
            ) from exc
    first = head.lstrip("\ufeff \t\r\n")[:1]
    return "json" if first in ("{", "[") else "csv"


def _publisher(obj: dict) -> str | None:
    pub = obj.get("publisher")
    if isinstance(pub, dict) and isinstance(pub.get("name"), str):
        return pub["name"]
    return None


def classify(value: Any, where: str, publisher: str | None = None) -> Iterator[Unit]:
    """Units inside one JSON value (package, record package, record, release or list of them)."""
    if isinstance(value, list):
        for i, item in enumerate(value, 1):
            yield from classify(item, f"{where}, item {i}" if where else f"item {i}", publisher)
        return
    if not isinstance(value, dict):
        yield Unit("bad", value, where or "value 1", publisher, f"a JSON {type(value).__name__}, not an OCDS object")
        return
    publisher = _publisher(value) or publisher
    prefix = f"{where}, " if where else ""
    if "records" in value and "ocid" not in value:
        records = value["records"]
        if not isinstance(records, list):
            yield Unit("bad", value, where or "package", publisher, "'records' is not a list")
            return
        for i, rec in enumerate(records, 1):
            yield _unit_of(rec, "record", f"{prefix}record {i}", publisher)
        return
    if "releases" in value and "ocid" not in value and "compiledRelease" not in value:
        releases = value["releases"]
        if not isinstance(releases, list):
            yield Unit("bad", value, where or "package", publisher, "'releases' is not a list")
            return
        for i, rel in enumerate(releases, 1):
            yield _unit_of(rel, "release", f"{prefix}release {i}", publisher)
        return
    if "compiledRelease" in value or "versionedRelease" in value or ("releases" in value and "ocid" in value):
        yield Unit("record", value, where or "record 1", publisher)
        return
    yield Unit("release", value, where or "release 1", publisher)


def _unit_of(obj: Any, kind: str, where: str, publisher: str | None) -> Unit:
    if not isinstance(obj, dict):
        return Unit("bad", obj, where, publisher, f"a JSON {type(obj).__name__}, not an OCDS {kind}")
    return Unit(kind, obj, where, publisher)


# Nesting level of the values built in memory, per mode (see ``_shape``).
ITEM_DEPTH = {"array": 1, "item.releases": 3, "item.records": 3, "releases": 2, "records": 2, "value": 0, "values": 0}


def iter_json_units(
    path: str | Path, decodings: list[Decoding] | None = None, limits: Limits | None = None
) -> Iterator[Unit]:
    """Every release/record in a JSON or JSON Lines file, streamed, with control characters stripped.

    Raises InputFileError if the file is unreadable (or its first value breaks a limit)."""
    yield from _iter_units(Path(path), decodings, limits or Limits())


def _iter_units(p: Path, decodings: list[Decoding] | None, limits: Limits) -> Iterator[Unit]:
    mode, publisher, array_key = _shape(p, limits)
    try:
        yield from _read_units(p, mode, publisher, limits, decodings)
    except InputFileError:
        if mode not in ("value", "values") or not array_key:
            raise
        # A package read whole broke (nothing was yielded yet): stream its releases/records instead,
        # so those before the break are kept and the break is one reported record.
        if decodings:
            decodings.pop()
        yield from _read_units(p, array_key, publisher, limits, decodings)


def _read_units(
    p: Path, mode: str, publisher: str | None, limits: Limits, decodings: list[Decoding] | None
) -> Iterator[Unit]:
    text, decoding = open_text(p)
    if decodings is not None:
        decodings.append(decoding)
    with text:
        if mode == "lines":
            yield from _iter_lines(text, limits)
            return
        stream = Utf8Bytes(text)
        multiple = mode in ("releases", "records", "value", "values")
        guarded = _guarded_parse(stream, limits, ITEM_DEPTH[mode], multiple)
        yield from _without_controls(_stream_units(p, mode, guarded, publisher, limits), stream)


def _without_controls(units: Iterator[Unit], stream: Utf8Bytes) -> Iterator[Unit]:
    """Units with control characters stripped from every string (walked only once the text may hold some)."""
    for unit in units:
        if stream.controls_seen and unit.kind != "bad":
            unit.obj = strip_controls_in(unit.obj)
        yield unit


def _stream_units(
    p: Path, mode: str, guarded: Iterator[tuple], publisher: str | None, limits: Limits
) -> Iterator[Unit]:
    """The units of a streamed JSON file, by the mode ``_shape`` found."""
    if mode == "array":
        items = ijson.items(guarded, "item")
        yield from _guard(p, items, lambda i, v: classify(v, f"item {i}"))
    elif mode in ("item.releases", "item.records"):  # an array of large packages
        kind = mode[len("item.") : -1]
        items = ijson.items(guarded, f"{mode}.item")
        yield from _guard(p, items, lambda i, v: iter([_unit_of(v, kind, f"{kind} {i}", publisher)]))
        yield from _bare_items_beside_packages(p, limits)
    elif mode in ("releases", "records"):
        kind = mode[:-1]
        items = ijson.items(guarded, f"{mode}.item")
        yield from _guard(p, items, lambda i, v: iter([_unit_of(v, kind, f"{kind} {i}", publisher)]))
    else:
        items = ijson.items(guarded, "")
        multi = mode == "values"
        yield from _guard(p, items, lambda i, v: classify(v, f"value {i}" if multi else ""))


def _guarded_parse(
    stream: Utf8Bytes, limits: Limits, item_depth: int = 0, multiple_values: bool = False
) -> Iterator[tuple]:
    """ijson parse events of a byte stream inside the depth and record-size limits."""
    size = SizeMark(limits.max_record_bytes)
    stream.on_bytes = size.advance
    events = ijson.parse(stream, use_float=True, multiple_values=multiple_values, buf_size=PARSE_BUFFER)
    return guard_events(events, limits, item_depth, size)


def _bare_items_beside_packages(p: Path, limits: Limits) -> Iterator[Unit]:
    """Items of a streamed array of packages that are not packages: reported, never silently lost."""
    text, _ = open_text(p)
    with text:
        try:
            for n, prefix in enumerate(
                _top_level_item_keys(_guarded_parse(Utf8Bytes(text), limits, ITEM_DEPTH["array"])), 1
            ):
                if prefix not in ("releases", "records"):
                    yield Unit("bad", None, f"item {n}", None, "not a package, in an array streamed as packages")
        except (ijson.JSONError, ijson.IncompleteJSONError, LimitExceeded):
            return  # the main read has already reported where the file breaks


def _top_level_item_keys(events) -> Iterator[str | None]:
    """For each item of a top-level array: "releases"/"records" if it is a package, else None."""
    depth = 0
    found: str | None = None
    for prefix, event, value in events:
        if event in ("start_map", "start_array"):
            depth += 1
            if depth == 2:
                found = None
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 1:
                yield found
        elif depth == 1 and event not in ("map_key",):
            yield None  # a scalar item
        elif event == "map_key" and depth == 2 and prefix == "item" and value in ("releases", "records"):
            found = value


def _guard(p: Path, items: Iterator[Any], expand) -> Iterator[Unit]:
    """Yield units of each parsed item; a JSON error after the first item becomes a 'bad' unit."""
    count = 0
    try:
        for value in items:
            count += 1
            yield from expand(count, value)
    except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
        if count == 0:
            raise InputFileError(f"not valid JSON ({_parser_error(exc)})", path=p, fix=JSON_FIX) from exc
        why = f"JSON breaks off here ({_parser_error(exc)}); the rest of the file"
        yield Unit("bad", None, f"after item {count}", None, why)
    except LimitExceeded as exc:
        if count == 0:
            raise InputFileError(f"{exc}, in its first value", path=p, fix=LIMIT_FIX) from exc
        yield Unit("bad", None, f"after item {count}", None, f"{exc}; the rest of the file is not read")
        count += 1  # the file had values: no "holds no value" error below
    except UnicodeDecodeError as exc:
        raise InputFileError(f"text encoding could not be read ({exc.reason})", path=p, fix="save as UTF-8") from exc
    if count == 0:
        raise InputFileError("the JSON holds no value", path=p, fix=JSON_FIX)


def _parser_error(exc: Exception) -> str:
    """ijson's message on one line (yajl draws a multi-line pointer), in words for an integer overflow."""
    text = " ".join(str(exc).split())
    if "integer overflow" in text:
        return "a whole number too long for the JSON parser (beyond 19 digits)"
    return text


def _iter_lines(text, limits: Limits) -> Iterator[Unit]:
    for n, line in bounded_lines(text, limits.max_record_bytes):
        if line is None:
            yield Unit("bad", None, f"line {n}", None, size_message(limits.max_record_bytes))
            continue
        stripped = line.strip()
        if not stripped:
            continue
        value, problem = _loads_line(stripped, limits)
        if problem:
            yield Unit("bad", None, f"line {n}", None, problem)
            continue
        if might_hold_controls(stripped.encode("utf-8", "surrogatepass")):
            value = strip_controls_in(value)
        yield from classify(value, f"line {n}")


def _loads_line(text: str, limits: Limits) -> tuple[Any, str]:
    """(value, "") or (None, why the line cannot be read): invalid, too deep, or a number too long."""
    try:
        value = json.loads(text, parse_int=bounded_int)
    except RecursionError:
        return None, depth_message(limits.max_json_depth)
    except ValueError as exc:  # JSONDecodeError, or a float Python cannot read
        return None, json_value_error(exc)
    opening = text.count("[") + text.count("{")  # walks only when the text could break a limit
    if opening > limits.max_json_depth and too_deep(value, limits.max_json_depth):
        return None, depth_message(limits.max_json_depth)
    if len(text) > MAX_INT_DIGITS and has_huge_number(value):
        return None, huge_number_message()
    return value, ""


def _shape(p: Path, limits: Limits) -> tuple[str, str | None, Any]:
    """(mode, publisher, array key): mode is "lines", "array", "item.releases", "item.records", "releases",
    "records", "value" or "values" (concatenated values); the array key ("releases", "records" or None)
    says what a package read whole as a "value" holds, for streaming it if the whole read breaks."""
    text, _ = open_text(p)
    with text:
        try:
            first_line = text.readline(MAX_LINE_CHARS)
            while first_line and not first_line.strip():
                first_line = text.readline(MAX_LINE_CHARS)
            rest = text.read(4096)
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"text encoding could not be read ({exc.reason})", path=p, fix="save as UTF-8"
            ) from exc
    stripped = first_line.strip().lstrip("\ufeff")
    if stripped.startswith("[") and not rest.strip():
        pass  # a one-line array: handled as an array below
    elif stripped and rest.strip():
        try:
            json.loads(stripped, parse_int=bounded_int)
            return "lines", None, None
        except (ValueError, RecursionError):
            pass
    if stripped.startswith("["):
        return _array_shape(p, limits)
    return _object_shape(p, limits)


def _array_shape(p: Path, limits: Limits) -> tuple[str, str | None, Any]:
    """ "array", or "item.releases"/"item.records" when the first item is a large package to stream."""
    text, _ = open_text(p)
    publisher: str | None = None
    array_key: str | None = None
    events = depth = 0
    with text:
        try:
            for prefix, event, value in _guarded_parse(Utf8Bytes(text), limits, ITEM_DEPTH["array"]):
                events += 1
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth <= 1:  # the first item (or the array) ended: items are small enough
                        return "array", None, None
                elif event == "map_key" and depth == 2 and prefix == "item" and value in ("releases", "records"):
                    array_key = value
                elif prefix == "item.publisher.name" and event == "string":
                    publisher = value
                if events > LARGE_VALUE_EVENTS and array_key:
                    return f"item.{array_key}", publisher, None
        except LimitExceeded:
            if array_key:  # stream the releases: the full read keeps those before the one that breaks it
                return f"item.{array_key}", publisher, None
        except (ijson.JSONError, ijson.IncompleteJSONError):
            pass  # the full read reports where it breaks
    return "array", None, None


def _object_shape(p: Path, limits: Limits) -> tuple[str, str | None, Any]:
    """Look at the first top-level object's keys (and whether more values follow) without reading it all."""
    text, _ = open_text(p)
    publisher: str | None = None
    array_key: str | None = None
    events = 0
    depth = 0
    with text:
        parser = _guarded_parse(Utf8Bytes(text), limits, ITEM_DEPTH["value"], multiple_values=True)
        try:
            for prefix, event, value in parser:
                events += 1
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        nxt = next(parser, None)
                        return ("values" if nxt is not None else "value"), publisher, array_key
                elif event == "map_key" and depth == 1 and value in ("releases", "records"):
                    array_key = value
                elif prefix == "publisher.name" and event == "string":
                    publisher = value
                if events > LARGE_VALUE_EVENTS and array_key:
                    return array_key, publisher, None
        except LimitExceeded as exc:
            if array_key:  # stream the releases: the full read keeps those before the one that breaks it
                return array_key, publisher, None
            raise InputFileError(f"{exc}, in its first value", path=p, fix=LIMIT_FIX) from exc
        except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
            if events <= 1 or (depth > 0 and not array_key and events < LARGE_VALUE_EVENTS):
                raise InputFileError(f"not valid JSON ({_parser_error(exc)})", path=p, fix=JSON_FIX) from exc
            # The first value was fine; let the full read report where it breaks.
            return "values", publisher, array_key
    if events == 0:
        raise InputFileError("the JSON holds no value", path=p, fix=JSON_FIX)
    return "value", publisher, array_key
