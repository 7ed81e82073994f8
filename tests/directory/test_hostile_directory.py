"""Regression tests for issue 13 (directory side): each finding of the fuzzing pass, from a small fixture.

The XLSX fixtures are built here from the bundled demo directory (enterprises/, fictional) so no
binary is committed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app
from procure_match.errors import InputFileError
from procure_match.ingest.directory import load_directory
from procure_match.settings import Settings, settings_from_dict

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[2] / "enterprises" / "birmingham_social_enterprises.csv"
SHEET = "xl/worksheets/sheet1.xml"


def _settings() -> Settings:
    return settings_from_dict({"directory": {"snapshots": False}})


def demo_xlsx(path: Path) -> Path:
    """The demo directory saved as XLSX (88 rows + header: dimension A1:R89)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    with DEMO.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            ws.append(row)
    wb.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> None:
    """Rewrite one part of a zip (XLSX) file with ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info.filename, change(data) if info.filename == part else data)


def _balanced(report) -> bool:
    return report.records_read == report.records_kept + report.skipped


# --- item 1: rows beyond a wrong <dimension> ----------------------------------------------------


def test_xlsx_rows_beyond_a_wrong_dimension_are_all_read(tmp_path):
    path = demo_xlsx(tmp_path / "demo.xlsx")
    rewrite_part(path, SHEET, lambda xml: xml.replace(b'<dimension ref="A1:R89"', b'<dimension ref="A1:R10"'))
    with zipfile.ZipFile(path) as z:
        assert b'ref="A1:R10"' in z.read(SHEET)
    from_csv, _ = load_directory(DEMO, _settings())
    ents, report = load_directory(path, _settings())
    assert len(ents) == len(from_csv) == 88  # was 9 of 88, with nothing reported
    assert report.records_read == 88 and _balanced(report)
    assert report.counts["directory:rows beyond the sheet's stated dimension=79"] == 1
    assert [e.id for e in ents] == [e.id for e in from_csv]


# --- item 7: zip bombs and XML entity bombs ---------------------------------------------------


def test_xlsx_zip_bomb_is_refused_before_it_is_read(tmp_path):
    path = demo_xlsx(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * 20_000_000)  # 20 MB of zeros: about 1,000 to 1
    with pytest.raises(InputFileError, match=r"inflates .* times \(limit: ingest.max_xlsx_ratio = 200\)"):
        load_directory(path, _settings())
    result = runner.invoke(app, ["ingest", "directory", str(path)])
    assert result.exit_code == 2 and "zip bomb" in result.output and "Traceback" not in result.output


def test_xlsx_total_inflated_size_is_bounded(tmp_path):
    path = demo_xlsx(tmp_path / "demo.xlsx")
    assert len(load_directory(path, _settings())[0]) == 88
    tiny = settings_from_dict({"directory": {"snapshots": False}, "ingest": {"max_xlsx_mb": 1}})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
        z.writestr("xl/media/photo.bin", bytes(range(256)) * 5000)  # 1.2 MB, stored: ratio 1
    with pytest.raises(InputFileError, match=r"ingest.max_xlsx_mb = 1"):
        load_directory(path, tiny)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',  # billion laughs
        '<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>',  # external entity
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_xlsx_entity_declarations_are_refused(tmp_path, doctype):
    path = demo_xlsx(tmp_path / "entities.xlsx")

    def add_doctype(xml: bytes) -> bytes:
        head, rest = xml.split(b"?>", 1) if xml.startswith(b"<?xml") else (b"<?xml version='1.0'", xml)
        return head + b"?>" + doctype.encode() + rest.replace(b"<v>", b"<v>&b;", 1)

    rewrite_part(path, SHEET, add_doctype)
    with pytest.raises(InputFileError, match="declares a DOCTYPE"):
        load_directory(path, _settings())


def test_openpyxl_parses_through_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


# --- item 11: corrupt workbooks are one line --------------------------------------------------


def _flip_deflated_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 20, start + min(info.compress_size, 400), 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # cut in half
        _flip_deflated_bytes,  # zlib.error / bad CRC
        lambda p: rewrite_part(p, SHEET, lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:"', x)),
        lambda p: rewrite_part(p, SHEET, lambda x: x.replace(b'r="A2"', b'r="2A"')),  # bad cell reference
        lambda p: rewrite_part(p, SHEET, lambda x: x[: len(x) // 2]),  # XML cut off: ParseError
        lambda p: rewrite_part(p, "xl/workbook.xml", lambda x: x.replace(b"<sheets>", b"<sheetz>")),
    ],
    ids=["truncated", "flipped-deflate", "dimension-attribute", "cell-reference", "xml-cut", "workbook-xml"],
)
def test_corrupt_xlsx_is_a_one_line_error(tmp_path, corrupt):
    path = demo_xlsx(tmp_path / "corrupt.xlsx")
    corrupt(path)
    result = runner.invoke(app, ["ingest", "directory", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "corrupt.xlsx" in lines[0] and "Fix:" in lines[0], result.output


# --- item 6 and 11: directory JSON ------------------------------------------------------------


def _demo_items(n: int = 3) -> list[dict]:
    with DEMO.open(encoding="utf-8", newline="") as f:
        return [dict(row) for _, row in zip(range(n), csv.DictReader(f), strict=False)]


def test_directory_json_nested_60000_deep_is_one_line_with_flat_memory(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 60_000 + "]" * 60_000)
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError, match="max_json_depth"):
            load_directory(path, _settings())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40_000_000
    result = runner.invoke(app, ["ingest", "directory", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_directory_json_deep_item_is_a_record_problem(tmp_path):
    items = _demo_items()
    nested: object = "x"
    for _ in range(150):
        nested = [nested]
    items[1]["notes"] = nested  # type: ignore[assignment]
    path = tmp_path / "dir.json"
    path.write_text(json.dumps({"enterprises": items}))
    ents, report = load_directory(path, _settings())
    assert len(ents) == 2 and [(p.record, "max_json_depth" in p.problem) for p in report.problems if p.severity ==
                               "skipped"] == [("item 2", True)]  # fmt: skip
    assert _balanced(report)


def test_directory_json_5000_digit_number_is_a_record_problem(tmp_path):
    items = _demo_items()
    text = json.dumps(items).replace('"turnover": "', '"members": ' + "7" * 5000 + ', "turnover": "', 1)
    path = tmp_path / "digits.json"
    path.write_text(text)
    ents, report = load_directory(path, _settings())
    skipped = [(p.record, p.problem) for p in report.problems if p.severity == "skipped"]
    assert len(ents) == 2 and skipped == [("item 1", "a number has more than 4,300 digits")] and _balanced(report)


def test_directory_utf16_cut_at_an_odd_byte_keeps_every_row(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(DEMO.read_text(encoding="utf-8").encode("utf-16")[:-1])
    ents, report = load_directory(path, _settings())
    assert len(ents) == 88 and _balanced(report)
    assert any(p.record == "whole file" and "UTF-16" in p.problem for p in report.problems)


# --- item 9 and 11: control characters and huge cells -----------------------------------------


def test_directory_control_characters_are_stripped_and_huge_cells_capped(tmp_path):
    rows = list(csv.reader(io.StringIO(DEMO.read_text(encoding="utf-8"))))
    rows[1][1] = "Winson\x1b[2J Green\x1b]8;;https://evil.example\x07 Co-op\x00"
    rows[2][6] = "d" * 2_000_000
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    ents, report = load_directory(path, _settings())
    assert len(ents) == 88 and ents[0].name == "Winson Green Co-op"
    assert len(ents[1].description) <= 1_000_000
    capped = [p for p in report.problems if "max_field_chars" in p.problem]
    assert [(p.record, p.field) for p in capped] == [("line 3", "description")]
