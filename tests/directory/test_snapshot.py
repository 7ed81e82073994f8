"""The parsed-directory snapshot: reused only when nothing it depends on changed, rebuilt when unreadable."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import pytest

from procure_match.heap import long_lived
from procure_match.ingest.directory import load_directory
from procure_match.ingest.snapshot import SUFFIX, load_directory_snapshot, prune, snapshot_key
from procure_match.settings import Settings, settings_from_dict

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "directory"


def _settings(tmp_path: Path, **directory) -> Settings:
    return settings_from_dict(
        {
            "ingest": {"postcode_file": str(FIX / "postcodes.csv")},
            "directory": {"snapshot_dir": str(tmp_path / "snaps"), **directory},
        }
    )


def _load(path: Path, settings: Settings, calls: list[int] | None = None):
    calls = calls if calls is not None else []

    def parse():
        calls.append(1)
        return load_directory(path, settings)

    return load_directory_snapshot(path, settings, parse, lambda ents: [f"text of {e.name}" for e in ents])


@pytest.fixture
def messy(tmp_path) -> Path:
    path = tmp_path / "messy.csv"
    shutil.copy(FIX / "messy.csv", path)
    return path


def test_second_read_reuses_the_snapshot_with_the_same_enterprises_report_and_texts(tmp_path, messy):
    settings, calls = _settings(tmp_path), []
    first = _load(messy, settings, calls)
    second = _load(messy, settings, calls)
    assert calls == [1], "parsed once, then read back"
    assert (first.reused, second.reused) == (False, True)
    assert "reused" in second.note and "snapshot written" in first.note
    assert second.enterprises == first.enterprises
    assert second.report.to_dict() == first.report.to_dict()
    assert second.report.problems, "the directory's problems are still reported from the snapshot"
    assert second.texts == first.texts == {e.id: f"text of {e.name}" for e in first.enterprises}


def test_any_change_to_the_file_settings_or_reference_files_is_a_miss(tmp_path, messy):
    settings, calls = _settings(tmp_path), []
    _load(messy, settings, calls)
    messy.write_bytes(messy.read_bytes().replace(b"Kings Heath", b"Kings Heath North", 1))
    assert not _load(messy, settings, calls).reused
    assert not _load(messy, _settings(tmp_path, turnover_range="high"), calls).reused

    postcodes = tmp_path / "postcodes.csv"
    shutil.copy(FIX / "postcodes.csv", postcodes)
    with_copy = settings_from_dict(
        {"ingest": {"postcode_file": str(postcodes)}, "directory": {"snapshot_dir": str(tmp_path / "snaps")}}
    )
    key = snapshot_key(messy, with_copy)
    postcodes.write_text(postcodes.read_text() + "\n", encoding="utf-8")
    assert snapshot_key(messy, with_copy) != key, "an edited postcode file changes the key"
    assert len(calls) == 3


def test_the_snapshot_folder_setting_does_not_change_the_key(tmp_path, messy):
    assert snapshot_key(messy, _settings(tmp_path)) == snapshot_key(messy, _settings(tmp_path / "elsewhere"))


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_an_unreadable_snapshot_is_reported_deleted_and_rebuilt(tmp_path, messy, damage):
    settings, calls = _settings(tmp_path), []
    first = _load(messy, settings, calls)
    (snap,) = (tmp_path / "snaps").glob(f"*{SUFFIX}")
    data = snap.read_bytes()
    if damage == "truncate":
        snap.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        snap.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:
        snap.write_bytes(b"not a snapshot at all")
    again = _load(messy, settings, calls)
    assert not again.reused and "unreadable" in again.note and calls == [1, 1]
    assert again.enterprises == first.enterprises
    assert _load(messy, settings, calls).reused, "rewritten, so the next read reuses it"


def test_an_unwritable_folder_costs_only_time(tmp_path, messy):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    settings = settings_from_dict(
        {"ingest": {"postcode_file": str(FIX / "postcodes.csv")}, "directory": {"snapshot_dir": str(blocker / "sub")}}
    )
    snap = _load(messy, settings)
    assert not snap.reused and "not written" in snap.note and snap.enterprises


def test_prune_keeps_the_newest(tmp_path):
    folder = tmp_path / "snaps"
    folder.mkdir()
    for i in range(6):
        f = folder / f"{i}{SUFFIX}"
        f.write_bytes(b"x")
        os.utime(f, ns=(i * 10**9, i * 10**9))
    removed = prune(folder, keep=4)
    assert sorted(p.name for p in removed) == [f"0{SUFFIX}", f"1{SUFFIX}"]
    assert len(list(folder.glob(f"*{SUFFIX}"))) == 4


def test_long_lived_freezes_survivors_and_restores_the_collector():
    assert gc.isenabled()
    with long_lived():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() >= 1000
    gc.unfreeze()
    gc.disable()
    try:
        with long_lived():
            pass
        assert not gc.isenabled(), "a collector the caller had turned off stays off"
    finally:
        gc.enable()
        gc.unfreeze()
    assert kept
