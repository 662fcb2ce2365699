"""Plants linked to the pipeline system that serves them (name and geometry), on hand-placed layers and on
the real EIA-860 and EIA/HIFLD pipeline layers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from gis_data.gas import link_plants_to_pipelines, name_matches, normalize_operator

_spec = importlib.util.spec_from_file_location(
    "synthetic_layers", Path(__file__).parents[1] / "siting" / "synthetic_layers.py")
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)


def _n(text):
    return normalize_operator(pd.Series([text])).iloc[0]


@pytest.mark.parametrize("named, system, expected", [
    ("HOUSTON PL CO LP", "Houston Pipeline Co", True),              # abbreviations and suffixes
    ("ENERGY TRANSFER FUEL LP", "Energy Transfer", True),           # the system's words are all in the name
    ("ONEOK WES TEX TRANSMISSION LLC", "ONEOK WesTex Pipeline", True),  # ONEOKWESTEX == ONEOKWESTEX
    ("KINDER MORGAN TEJAS PIPELINE LLC", "Kinder Morgan Texas Pipeline", True),  # 16 of 17 letters alike
    ("EL PASO NATURAL GAS COMPANY LLC", "El Paso Texas Pipeline", False),  # EL PASO vs EL PASO TEXAS: 0.71
    ("ENTERPRISE TEXAS PIPELINE", "Texas Intrastate Pipeline", False),
    ("TRANSCONTINENTAL GAS PIPELINE", "Transcontinental Gas Pipeline Corp", True),
])
def test_name_matches_hand_table(named, system, expected):
    assert name_matches(_n(named), _n(system)) is expected


def _frames():
    f = SL.frames()
    pipes = f["pipelines"]  # Transco north-south 6 km east; Intra Gas east-west 1.5 km north
    plants = gpd.GeoDataFrame({
        "plant_id": ["1", "1", "2", "3", "4", "5"], "plant_name": ["Peaker", "Peaker", "Old", "Sitter", "Far", "CC"],
        "generator_id": ["a", "b", "a", "a", "a", "a"], "capacity_mw": [200.0, 100.0, 100.0, 50.0, 70.0, 900.0],
        "energy_source": ["NG"] * 6, "technology": ["CT"] * 6, "status": ["OP", "OP", "RE", "OP", "OP", "OP"],
        "operating_year": 2000.0, "retirement_year": [np.nan, np.nan, 2020.0, np.nan, np.nan, np.nan],
        "balancing_authority": "DUK",
        "gas_pipeline": ["Intra Gas Co", "INTRA GAS COMPANY LLC; OTHER PL", "Intra Gas", None, "Unknown Midstream LLC",
                         "Transcontinental Gas Pipe Line Corp; Intra Gas"],
        "state_abbr": "NC",
    }, geometry=[SL.to4326(Point(SL.km(*xy))) for xy in
                 [(0, 8), (0, 8), (0, 8), (6.5, -30), (30, 30), (10, 1.5)]], crs="EPSG:4326")
    pipes = pipes.assign(operator=["Transcontinental Gas Pipeline Corp", "Intra Gas"])
    return plants, pipes


def test_links_by_name_and_geometry_by_hand():
    plants, pipes = _frames()
    r = link_plants_to_pipelines(plants, pipes)
    by = r.links.set_index(["plant_id", "system"])
    # Peaker: 8 km north of O, Intra Gas runs 1.5 km north: 6.5 km, within 20 km -> linked by name
    np.testing.assert_allclose(by.loc[("1", "INTRA GAS"), "distance_km"], [6.5, 6.5], rtol=1e-6)
    assert set(by.loc[("1", "INTRA GAS"), "method"]) == {"name and geometry"}
    # Sitter names no pipeline and sits 0.5 km from Transco (x = 6 km): linked by geometry only
    assert by.loc[("3", "TRANSCONTINENTAL GAS PIPELINE"), "method"] == "geometry only"
    # Far names a company not in the layer and is 24 km from Transco, 28.5 from Intra Gas: not linked
    assert "4" not in r.links["plant_id"].tolist()
    # CC names both: 4 km from Transco, on Intra Gas: counts once towards each system
    assert r.served_mw_by_system.to_dict() == {"INTRA GAS": 1200.0, "TRANSCONTINENTAL GAS PIPELINE": 950.0}
    # 4 operating plants (the retired one does not count), 3 linked; capacity 1,250 of 1,320 MW linked
    assert (r.gas_plants, r.linked_plants) == (4, 3)
    assert r.share_capacity_linked_frac == pytest.approx(1250 / 1320, rel=1e-12)
    assert r.share_capacity_linked_by_name_frac == pytest.approx(1200 / 1320, rel=1e-12)
    np.testing.assert_array_equal(r.served_mw_per_pipeline(pipes), [950.0, 1200.0])


@pytest.mark.shared_data
def test_ten_largest_texas_pipeline_systems_all_serve_plants(shared_data):
    """The ten longest gas pipeline systems in Texas each have plants linked, and the ten largest by served
    capacity are listed (Atmos Pipeline-Texas, 0 MW by names alone, is among the long ones)."""
    from gis_data.gas import load_hifld_natgas_pipelines_wpp
    from gis_data.io import to_metric
    from gis_data.plants import load_eia860_generators

    plants = load_eia860_generators(shared_data / "power_plants_us_eia860/eia_generators.geojson.gz")
    pipes = load_hifld_natgas_pipelines_wpp(shared_data / "natural_gas_pipelines_us_hifld/hifld-natgas-lines.zip")
    r = link_plants_to_pipelines(plants, pipes)
    # the shares are reported: about half the plants, most of the capacity (pinned loosely: the rule, not the data)
    assert 0.4 < r.share_plants_linked_frac < 0.8 and 0.6 < r.share_capacity_linked_frac < 0.95
    states = gpd.read_file(f"zip://{shared_data / 'boundaries_us_census/cb_2018_us_state_20m.zip'}"
                           "!cb_2018_us_state_20m/cb_2018_us_state_20m.shp")
    texas = states.loc[states["STUSPS"] == "TX"].to_crs("EPSG:5070").geometry.iloc[0]
    m = to_metric(pipes)
    inside = m.intersects(texas).to_numpy()
    system = normalize_operator(pipes["operator"]).to_numpy(dtype=object)[inside]
    km = pd.Series(m.geometry[inside].intersection(texas).length.to_numpy() / 1000.0).groupby(system).sum()
    longest = km.sort_values(ascending=False).head(10)
    served = r.served_mw_by_system.reindex(longest.index).fillna(0.0)
    assert (served > 0).all(), served[served <= 0]
    assert "ATMOS PIPELINE TEXAS" in longest.index and served["ATMOS PIPELINE TEXAS"] > 500.0
    largest = r.served_mw_by_system.reindex(km.index).dropna().sort_values(ascending=False).head(10)
    assert len(largest) == 10 and (largest > 0).all()


@pytest.mark.shared_data
def test_prepared_matcher_gives_name_matches_answers_on_every_real_name(shared_data):
    """The linker's prepared matcher (systems prepared once, difflib's quick upper bounds first)
    answers exactly as :func:`name_matches` pair by pair, for every EIA-860 pipeline name against
    every operator of the real pipeline layer."""
    from gis_data.gas import _SystemMatcher, load_hifld_natgas_pipelines_wpp
    from gis_data.plants import load_eia860_generators

    plants = load_eia860_generators(shared_data / "power_plants_us_eia860/eia_generators.geojson.gz")
    pipes = load_hifld_natgas_pipelines_wpp(shared_data / "natural_gas_pipelines_us_hifld/hifld-natgas-lines.zip")
    systems = sorted({s for s in normalize_operator(pipes["operator"]).dropna() if s})
    raws = {r.strip() for v in plants["gas_pipeline"].dropna().astype(str) for r in v.split(";") if r.strip()}
    keys = sorted({k for k in normalize_operator(pd.Series(sorted(raws), dtype="string")).dropna() if k})
    assert len(systems) > 200 and len(keys) > 250
    matcher = _SystemMatcher(systems)
    found = 0
    for k in keys:
        expected = tuple(s for s in systems if name_matches(k, s))
        assert matcher.matching(k) == expected, k
        found += bool(expected)
    assert found > 80  # the comparison covers real matches, not only misses
