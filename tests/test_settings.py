from __future__ import annotations

import pytest

from procure_match.errors import SettingsError
from procure_match.settings import dump_settings, load_settings, settings_from_dict


def test_defaults_are_valid():
    s = load_settings(None)
    assert s.scan.top_k == 20
    assert s.ledger.targets["built environment"] == 1.0


def test_every_problem_is_reported_at_once(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[scan]\ntop_kk = 5\nradius_km = "far"\n[embedder]\nbackend = "magic"\n[nosuch]\nx = 1\n')
    with pytest.raises(SettingsError) as info:
        load_settings(p)
    errors = info.value.errors
    assert any("scan.top_kk" in e and "did you mean scan.top_k" in e for e in errors)
    assert any("scan.radius_km must be float" in e for e in errors)
    assert any("embedder.backend" in e for e in errors)
    assert any("unknown key nosuch" in e for e in errors)
    assert str(p) in str(info.value)


def test_round_trip(tmp_path):
    s = settings_from_dict({"scan": {"top_k": 7}, "ingest": {"fx_to_gbp": {"EUR": 0.9}}})
    path = tmp_path / "settings.toml"
    dump_settings(s, path)
    again = load_settings(path)
    assert again == s
    assert again.scan.top_k == 7


def test_int_accepted_for_float():
    assert settings_from_dict({"scan": {"radius_km": 25}}).scan.radius_km == 25.0


def test_missing_file_is_clear(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")
