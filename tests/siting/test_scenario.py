"""Scenario: frozen, typed, validated at construction, TOML keys exactly the field names."""

from __future__ import annotations

import dataclasses

import pytest

from siting.errors import ConfigError, SitingError
from siting.scenario import Scenario, field_table


def test_defaults_are_valid_and_frozen():
    s = Scenario()
    assert s.it_load_mw == 100.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.it_load_mw = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    "changes,fragment",
    [
        ({"it_load_mw": 0.0}, "it_load_mw=0.0: expected > 0.0"),
        ({"it_load_mw": -5.0}, "expected > 0.0"),
        ({"pue": 0.9}, "pue=0.9: expected >= 1.0"),
        ({"cooling": "seawater"}, "expected one of evaporative, hybrid, dry, liquid_to_chip"),
        ({"redundancy_units": 1.5}, "expected a whole number"),
        ({"it_load_mw": float("nan")}, "expected a finite number"),
        ({"it_load_mw": "100"}, "expected a number"),
        ({"discount_rate_frac": 0.9}, "expected <= 0.5"),
        ({"max_weather_station_km": 0.0}, "max_weather_station_km=0.0: expected > 0.0 [km]"),
    ],
)
def test_bad_values_name_the_value_and_the_expectation(changes, fragment):
    with pytest.raises(ConfigError) as info:
        Scenario(**changes)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, SitingError)


def test_int_for_float_is_coerced():
    s = Scenario(it_load_mw=250)
    assert isinstance(s.it_load_mw, float) and s.it_load_mw == 250.0


def test_toml_round_trip(tmp_path):
    s = Scenario(it_load_mw=400.0, cooling="evaporative", redundancy_units=2, prime_mover="GE LM6000PF")
    path = tmp_path / "scenario.toml"
    path.write_text(s.to_toml(), encoding="utf-8")
    assert Scenario.from_toml(path) == s


def test_toml_unknown_key_lists_valid_keys(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('it_load_mw = 50\nit_load = 60\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Scenario.from_toml(path)
    msg = str(info.value)
    assert "'it_load'" in msg and "valid keys are" in msg and "it_load_mw" in msg


def test_toml_partial_uses_defaults(tmp_path):
    path = tmp_path / "partial.toml"
    path.write_text('it_load_mw = 50\ncooling = "dry"\n', encoding="utf-8")
    s = Scenario.from_toml(path)
    assert (s.it_load_mw, s.cooling, s.pue) == (50.0, "dry", Scenario().pue)


def test_missing_and_broken_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        Scenario.from_toml(tmp_path / "nope.toml")
    bad = tmp_path / "broken.toml"
    bad.write_text("it_load_mw = = 3", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Scenario.from_toml(bad)


def test_replace_validates():
    with pytest.raises(ConfigError):
        Scenario().replace(pue=5.0)
    assert Scenario().replace(pue=1.1).pue == 1.1


def test_field_table_has_units_and_descriptions_for_every_field():
    rows = field_table()
    assert [r["name"] for r in rows] == list(Scenario.field_names())
    for r in rows:
        assert r["unit"] and r["description"]
        # names carry their unit: a field with a physical unit ends in a unit suffix
        if r["unit"] not in ("-",):
            assert r["name"].endswith(("_mw", "_yr", "_usd_per_mmbtu", "_usd_per_mwh", "_km")) or r["name"].endswith("year")


def test_weather_station_cutoff_default_and_toml(tmp_path):
    # 300 km is the documented policy default (siting/scenario.py); a TOML key sets it
    assert Scenario().max_weather_station_km == 300.0
    path = tmp_path / "s.toml"
    path.write_text("max_weather_station_km = 150\n", encoding="utf-8")
    assert Scenario.from_toml(path).max_weather_station_km == 150.0
