"""Text at the boundary: opening files in whatever encoding they came in, cleaning HTML, reading dates.

* ``open_text`` sniffs a BOM (UTF-8, UTF-16) and otherwise reads UTF-8, decoding any byte run that is
  not valid UTF-8 as Windows-1252 (Latin-1 for the five bytes cp1252 leaves undefined). That reads
  UTF-8, UTF-8 with BOM, cp1252 and ISO-8859-1 files, and mixtures, without loading the file whole.
  How many bytes needed the fallback is counted so the caller can report it.
* ``clean_text`` turns published descriptions into plain text: HTML tags out, entities decoded
  (also double-escaped ones such as ``&amp;apos;``), UTF-8 read as cp1252 ("â€™") repaired,
  whitespace tidied.
* ``strip_controls`` removes terminal escape sequences (CSI, OSC such as OSC-8 hyperlinks) and every
  other C0/C1 control character but tab and line breaks: applied to every text field at ingest and
  again to whatever the CLI prints.
* ``parse_datetime`` / ``parse_date`` read ISO 8601 and UK day-first dates. Every datetime returned is
  timezone-aware UTC; a time without an offset is taken as UTC.
"""

from __future__ import annotations

import codecs
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from procure_match.errors import InputFileError, NotNoticesError

SNIFF_BYTES = 64 * 1024


@dataclass
class Decoding:
    """How a file is being decoded; ``fallback_bytes`` grows while it is read."""

    encoding: str
    fallback_bytes: int = 0

    @property
    def note(self) -> str:
        if not self.fallback_bytes:
            return ""
        if self.encoding.startswith("utf-16"):
            return f"{self.fallback_bytes} byte(s) were not valid UTF-16 (e.g. a file cut at an odd byte)"
        return f"{self.fallback_bytes} byte(s) were not valid UTF-8 and were read as Windows-1252/Latin-1"

    @property
    def action(self) -> str:
        if self.encoding.startswith("utf-16"):
            return "replaced by U+FFFD (a dangling last byte dropped); every other record read"
        return "read as Windows-1252 where needed"


class _Cp1252Fallback:
    """A codecs error handler that decodes bad UTF-8 bytes as cp1252 and counts them."""

    def __init__(self) -> None:
        self.current: Decoding | None = None

    def __call__(self, exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        bad = exc.object[exc.start : exc.end]
        if self.current is not None:
            self.current.fallback_bytes += len(bad)
        return "".join(_cp1252_byte(b) for b in bad), exc.end


def _cp1252_byte(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([b]).decode("latin-1")


class _CountingReplace(_Cp1252Fallback):
    """A codecs error handler for UTF-16: undecodable bytes become U+FFFD, a dangling byte at the very end
    (a file cut at an odd byte) is dropped; both are counted."""

    def __call__(self, exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        if self.current is not None:
            self.current.fallback_bytes += exc.end - exc.start
        return ("" if exc.reason == "truncated data" else "\ufffd"), exc.end


_HANDLER_NAME = "procure-match-cp1252"
_handler = _Cp1252Fallback()
codecs.register_error(_HANDLER_NAME, _handler)
_REPLACE_NAME = "procure-match-replace"
_replace_handler = _CountingReplace()
codecs.register_error(_REPLACE_NAME, _replace_handler)


class _CountingText(io.TextIOWrapper):
    """A text wrapper that points the shared error handler at its own Decoding while it reads."""

    decoding: Decoding

    def read(self, size: int | None = -1) -> str:
        _handler.current = _replace_handler.current = self.decoding
        return super().read(size)

    def readline(self, size: int | None = -1) -> str:
        _handler.current = _replace_handler.current = self.decoding
        return super().readline(size)

    def __next__(self) -> str:
        _handler.current = _replace_handler.current = self.decoding
        return super().__next__()


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputFileError("file not found", path=path, fix="check the path and spelling")
    if not path.is_file():
        raise InputFileError("not a file", path=path, fix="give a notice file (JSON, JSON Lines or CSV)")


def open_text(path: str | Path) -> tuple[TextIO, Decoding]:
    """Open ``path`` for streaming text reading, sniffing the encoding. Raise InputFileError if unreadable."""
    p = Path(path)
    _check_readable(p)
    try:
        raw: BinaryIO = open(p, "rb")  # noqa: SIM115 - closed by the returned wrapper
    except OSError as exc:
        raise InputFileError(f"cannot open file ({exc.strerror})", path=p, fix="check the file permissions") from exc
    head = raw.read(SNIFF_BYTES)
    raw.seek(0)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raw.close()
        raise NotNoticesError("file is empty", path=p, fix="export the notices again; the file has no content")
    if head.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif b"\x00" in head:
        raw.close()
        raise NotNoticesError(
            "file is binary (or UTF-16/32 without a byte-order mark), not JSON or CSV text",
            path=p,
            fix="give an OCDS JSON/JSON Lines file or a Contracts Finder CSV export saved as UTF-8",
        )
    else:
        enc = "utf-8"
    decoding = Decoding(encoding=enc)
    errors = _HANDLER_NAME if enc.startswith("utf-8") else _REPLACE_NAME
    text = _CountingText(raw, encoding=enc, errors=errors, newline="")
    text.decoding = decoding
    return text, decoding


class Utf8Bytes(io.RawIOBase):
    """Re-encode a text stream as UTF-8 bytes so ijson's C parser can read any source encoding.

    ``controls_seen`` turns true once any text read may hold a control character (raw, or as a JSON
    escape), so callers strip controls from what they parse only when there can be some."""

    def __init__(self, text: TextIO, on_bytes: Callable[[int], None] | None = None):
        self._text = text
        self._pending = b""
        self._pos = 0
        self._tail = b""
        self.on_bytes = on_bytes  # told how many bytes each read hands on (a record-size guard)
        self.controls_seen = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._pos >= len(self._pending):
            self._pending, self._pos = self._text.read(SNIFF_BYTES).encode("utf-8", "surrogatepass"), 0
            if not self.controls_seen and might_hold_controls(self._tail + self._pending):
                self.controls_seen = True
            self._tail = self._pending[-8:]
        n = min(len(buffer), len(self._pending) - self._pos)
        buffer[:n] = self._pending[self._pos : self._pos + n]
        self._pos += n
        if self.on_bytes is not None:
            self.on_bytes(n)
        return n


# --- control characters -----------------------------------------------------------------------

# Escape sequences first (so "ESC [2J" goes whole, not leaving "[2J"): CSI, OSC (ended by BEL or ST),
# other two-character escapes; then any C0/C1 control, DEL. Tab, LF and CR are kept unless asked.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI: cursor moves, clears, colours
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC/DCS/PM/APC: OSC-8 links
    r"|\x1b[@-Z\\-_]?"  # other escapes
)
_CONTROLS = {
    "\t\n\r": re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"),
    "\t\n": re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"),
    "": re.compile(r"[\x00-\x1f\x7f-\x9f]"),
}


# Bytes of a raw C0 control (tab, LF, CR aside) or DEL, and 0xC2, the lead byte of the UTF-8 C1 controls.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_ESCAPED_CONTROL = re.compile(rb"\\(?:[bf]|u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]))")  # JSON "\u001b", "\b"


def might_hold_controls(data: bytes) -> bool:
    """False when UTF-8 ``data`` (raw or JSON text) surely holds no control character ``strip_controls``
    would remove; at C speed (a translate, then two literal-led searches), so clean text costs little."""
    found = data.translate(None, _OTHER_BYTES)
    if found.strip(b"\xc2") or (found and _C1_UTF8.search(data)):
        return True
    return _ESCAPED_CONTROL.search(data) is not None


def strip_controls(text: str, keep: str = "\t\n\r") -> str:
    """``text`` without terminal escape sequences or C0/C1 control characters, except those in ``keep``
    ("\\t\\n\\r" at ingest; "\\t\\n" for a terminal, where a carriage return can overwrite a line)."""
    controls = _CONTROLS[keep]
    if not controls.search(text):
        return text
    return controls.sub("", _ESCAPES.sub("", text))


def strip_controls_in(value: Any) -> Any:
    """``strip_controls`` on every string (keys too) inside a JSON-like value; containers changed in place."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (str, list, dict)):
                value[i] = strip_controls_in(item)
    elif isinstance(value, dict):
        for key in list(value):
            item = value[key]
            clean_key = strip_controls(key) if isinstance(key, str) else key
            if clean_key != key:
                del value[key]
            if isinstance(item, (str, list, dict)) or clean_key != key:
                value[clean_key] = strip_controls_in(item)
    return value


# --- cleaning ---------------------------------------------------------------------------------

_BLOCK_TAGS = re.compile(r"<\s*(br|/p|p|/div|div|/li|li|/h\d|tr|/tr)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"</?[A-Za-z!][^<>]{0,500}>")  # "< £10k and >" is text, not a tag
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")
_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]")


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded as cp1252 ("â€™" -> "’"), only when that round trip is clean."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass

    # Mixed text: repair each suspicious run on its own.
    def repair(m: re.Match) -> str:
        try:
            return m.group(0).encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return m.group(0)

    return re.sub(
        "[ÂÃâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]{1,2}",
        repair,
        text,
    )


def clean_text(value: object) -> str:
    """Plain text from a published string: tags removed, entities decoded (repeatedly), spaces tidied."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text:
        return ""
    for _ in range(3):  # "&amp;apos;" -> "&apos;" -> "'"
        if "&" not in text:
            break
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    if "<" in text:
        text = _BLOCK_TAGS.sub("\n", text)
        text = _TAGS.sub("", text)
    text = fix_mojibake(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def clean_or_none(value: object) -> str | None:
    text = clean_text(value)
    return text or None


# --- dates ------------------------------------------------------------------------------------

_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_datetime(value: object, time_of_day: str | None = None) -> datetime | None:
    """A timezone-aware UTC datetime from ISO 8601 or UK day-first text; None when not a date.

    ``time_of_day`` ("12:00") is applied to a date without a time (Contracts Finder's Closing Time).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text:
            return None
        dt = _parse_text(text)
        if dt is None:
            return None
        if time_of_day and dt.hour == 0 and dt.minute == 0 and len(text) <= 10:
            m = re.match(r"^(\d{1,2}):(\d{2})", time_of_day.strip())
            if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
                dt = dt.replace(hour=int(m.group(1)), minute=int(m.group(2)))
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _parse_text(text: str) -> datetime | None:
    m = _UK_DATE.match(text)
    if m:
        d, mo, y, hh, mm, ss = m.groups()
        try:
            return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    # Python 3.11 fromisoformat takes most ISO forms; trim fractional seconds beyond 6 digits.
    iso = re.sub(r"(\.\d{6})\d+", r"\1", iso)
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    dt = parse_datetime(value)
    return dt.date() if dt else None


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)


def find_postcode(text: object) -> str | None:
    """The last UK postcode in ``text``, upper case with one space ("ln6 7he" -> "LN6 7HE")."""
    if not isinstance(text, str) or not text:
        return None
    found = _POSTCODE.findall(text)
    if not found:
        return None
    outward, inward = found[-1]
    return f"{outward.upper()} {inward.upper()}"
