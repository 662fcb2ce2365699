"""Profiles: shipped ones load; unknown keys, bad values and unknown names are rejected clearly."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from siting.errors import ConfigError, UnknownNameError
from siting.profiles import SUBSCORES, Profile, load_profile, profile_from_dict, shipped_profiles


def _doc(name="speed_to_power"):
    return tomllib.loads(resources.files("siting").joinpath("profiles", f"{name}.toml").read_text(encoding="utf-8"))


def test_shipped_profiles_load():
    assert set(shipped_profiles()) == {"speed_to_power", "lowest_cost", "lowest_water", "lowest_carbon"}
    for name in shipped_profiles():
        p = load_profile(name)
        assert p.name == name and set(p.weights) == set(SUBSCORES)
        assert sum(p.normalised_weights().values()) == pytest.approx(1.0, rel=1e-12)  # normalisation, float round-off


def test_profile_file_and_passthrough(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(resources.files("siting").joinpath("profiles", "lowest_cost.toml").read_text(encoding="utf-8"))
    p = load_profile(f)
    assert p.name == "lowest_cost"
    assert load_profile(p) is p


def test_unknown_top_key_rejected():
    doc = _doc() | {"wieghts": {}}
    with pytest.raises(ConfigError, match="unknown key.*'wieghts'.*valid keys are"):
        profile_from_dict(doc)


def test_unknown_weight_key_rejected():
    doc = _doc()
    doc["weights"]["water_use"] = 0.1
    with pytest.raises(ConfigError, match="'water_use'.*valid keys are: grid, gas"):
        profile_from_dict(doc)


def test_bad_values_named():
    doc = _doc()
    doc["weights"]["gas"] = -1
    with pytest.raises(ConfigError, match="weights.gas=-1"):
        profile_from_dict(doc)
    doc = _doc()
    doc["hard"]["excluded_nonattainment"] = ["awful"]
    with pytest.raises(ConfigError, match="excluded_nonattainment"):
        profile_from_dict(doc)
    doc = _doc()
    doc["exclusions"][0]["column"] = "distance_to_datacenter"
    with pytest.raises(ConfigError, match="ending in _km"):
        profile_from_dict(doc)
    doc = _doc()
    doc["exclusions"][0]["weight"] = 2
    with pytest.raises(ConfigError, match="weight=2"):
        profile_from_dict(doc)


def test_unknown_name_lists_shipped():
    with pytest.raises(UnknownNameError, match="speed_to_power"):
        load_profile("fastest")


def test_bad_toml(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("name = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_profile(f)


def test_profile_is_immutable():
    p = load_profile("lowest_water")
    assert isinstance(p, Profile)
    with pytest.raises(TypeError):
        p.weights["gas"] = 1.0


def test_rule_needs_exactly_one_test_and_new_keys_are_checked():
    doc = _doc()
    doc["exclusions"][0]["above"] = 3.0  # within_km and above together
    with pytest.raises(ConfigError, match="exactly one of within_km"):
        profile_from_dict(doc)
    doc = _doc()
    del doc["exclusions"][0]["within_km"]
    with pytest.raises(ConfigError, match="exactly one of within_km.*got none"):
        profile_from_dict(doc)
    doc = _doc()
    doc["exclusions"][0] = {"column": "cost_raster_value", "above": 100, "weight": 0.5, "reason": "dear"}
    rule = profile_from_dict(doc).exclusions[0]
    assert (rule.above, rule.within_km, rule.below) == (100.0, None, None)
    assert rule.applies([50.0, 150.0, float("nan")]).tolist() == [False, True, False]
    doc = _doc()
    doc["hard"]["exclude_raster_cells"] = "yes"
    with pytest.raises(ConfigError, match="exclude_raster_cells='yes': expected true or false"):
        profile_from_dict(doc)
    doc = _doc()
    doc["scales"]["co2_intensity_zero_kg_per_mwh_it"] = 300.0  # below the best intensity
    with pytest.raises(ConfigError, match="co2_intensity_zero_kg_per_mwh_it=300.0"):
        profile_from_dict(doc)
    doc = _doc()
    del doc["weights"]["carbon"]
    with pytest.raises(ConfigError, match="missing key.*'carbon'"):
        profile_from_dict(doc)


def test_to_dict_round_trips():
    for name in shipped_profiles():
        p = load_profile(name)
        assert profile_from_dict(p.to_dict()) == p


@pytest.mark.parametrize("name", shipped_profiles())
def test_profile_toml_reads_back_to_the_same_profile(name, tmp_path):
    profile = load_profile(name)
    path = tmp_path / f"{name}.toml"
    path.write_text(profile.to_toml(), encoding="utf-8")
    assert load_profile(path) == profile
    assert tomllib.loads(profile.to_toml())["weights"] == dict(profile.weights)
