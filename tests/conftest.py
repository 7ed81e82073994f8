"""Shared fixtures: paths to bundled fixtures and to ../shared/data (real-data tests skip without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Stores and caches never touch the developer's real data folder."""
    monkeypatch.setenv("PROCURE_MATCH_HOME", str(tmp_path_factory.mktemp("pm-home")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent: real-data test skipped")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
