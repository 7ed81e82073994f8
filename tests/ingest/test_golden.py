"""Golden tests: each notice fixture ingests to exactly the stored JSON (tenders and report).

Regenerate deliberately after an intended change with ``UPDATE_GOLDEN=1 pytest tests/ingest/test_golden.py``
and review the diff of ``tests/fixtures/notices/golden/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from procure_match.ingest import load_notices, tender_to_dict
from procure_match.settings import Settings

NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "notices"
GOLDEN = NOTICES / "golden"
CASES = sorted(p.name for p in NOTICES.iterdir() if p.is_file())


def _relative(value):
    if isinstance(value, str):
        return value.replace(str(NOTICES), "notices")
    if isinstance(value, list):
        return [_relative(v) for v in value]
    if isinstance(value, dict):
        return {k: _relative(v) for k, v in value.items()}
    return value


def snapshot(path: Path) -> dict:
    tenders, report = load_notices([path], Settings())
    return _relative({"tenders": [tender_to_dict(t) for t in tenders], "report": report.to_dict()})


def test_every_format_has_a_golden_case():
    assert len(CASES) >= 11
    assert {"releases.jsonl", "packages.jsonl", "array_of_packages.json", "record_package.json"} <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    actual = snapshot(NOTICES / name)
    golden = GOLDEN / (name + ".golden.json")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"no golden file for {name}: run with UPDATE_GOLDEN=1 and review it"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert [t["tender_id"] for t in actual["tenders"]] == [t["tender_id"] for t in expected["tenders"]]
    for got, want in zip(actual["tenders"], expected["tenders"], strict=True):
        for key in want:
            assert got[key] == want[key], f"{name}: {want['tender_id']}.{key} differs"
        assert set(got) == set(want), f"{name}: {want['tender_id']} fields differ"
    for key in expected["report"]:
        assert actual["report"][key] == expected["report"][key], f"{name}: report.{key} differs"
