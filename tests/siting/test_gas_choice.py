"""The pipeline a site would tap (nearest of a system already serving its load), by hand, and the chain inputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from gis_data.layerset import FrameLayers
from siting import criteria as C
from siting.scenario import Scenario

_spec = importlib.util.spec_from_file_location("synthetic_layers", Path(__file__).with_name("synthetic_layers.py"))
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)
RTOL = 1e-6  # EPSG:5070 round trip only


def _layers():
    f = SL.frames()
    f["pipelines"] = f["pipelines"].assign(operator=["Transcontinental Gas Pipeline Corp", "Intra Gas"])
    big = gpd.GeoDataFrame({
        "plant_id": ["9"], "plant_name": ["Big CC"], "generator_id": ["a"], "capacity_mw": [2000.0],
        "energy_source": ["NG"], "technology": ["CC"], "status": ["OP"], "operating_year": [2010.0],
        "retirement_year": [np.nan], "balancing_authority": ["DUK"], "gas_pipeline": ["TRANSCONTINENTAL GAS PIPE LINE CO"],
        "state_abbr": ["NC"]}, geometry=[SL.to4326(Point(SL.km(9, -20)))], crs="EPSG:4326")
    f["plants"] = pd.concat([f["plants"], big], ignore_index=True)
    return FrameLayers(f)


def _sites(n):
    t = SL.sites([(0, 0)] * n)
    g = gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t.longitude_deg, t.latitude_deg), crs="EPSG:4326")
    g["it_load_mw"] = np.nan
    return g.to_crs("EPSG:5070")


def test_chosen_pipeline_by_hand():
    # Intra Gas (1.5 km north) serves the Peaker's 300 MW; Transco (6 km east) the 2,000 MW Big CC (3 km from it)
    out = C.chosen_pipeline(_sites(4), _layers(), [200.0, 1_400.0, 5_000.0, np.nan])
    assert out["chosen_pipeline_operator"].tolist() == ["Intra Gas", "Transcontinental Gas Pipeline Corp", "Intra Gas",
                                                        "Intra Gas"]
    np.testing.assert_allclose(out["distance_to_chosen_pipeline_km"], [1.5, 6.0, 1.5, 1.5], rtol=RTOL)
    np.testing.assert_array_equal(out["chosen_pipeline_served_gas_capacity_mw"], [300.0, 2000.0, 300.0, 300.0])
    assert out["chosen_pipeline_basis"].tolist() == [
        "nearest pipeline of a system already serving at least the facility load",
        "nearest pipeline of a system already serving at least the facility load",
        "nearest pipeline: no system within reach already serves the load",
        "nearest pipeline (load unknown)"]
    # a reach shorter than the 6 km to Transco leaves the nearest pipeline
    short = C.chosen_pipeline(_sites(1), _layers(), [1_400.0], reach_km=5.0)
    assert short["chosen_pipeline_operator"].iloc[0] == "Intra Gas"


def test_evaluate_carries_the_choice_to_the_chain_inputs():
    from siting.site import inputs_from_table

    scn = Scenario(it_load_mw=100.0)
    sites = _sites(1)
    crit = C.evaluate(sites, _layers(), scn, include=("gas",))
    # no climate: the IT load (100 MW) is the load; Intra Gas serves 300 MW
    assert crit["chosen_pipeline_operator"].iloc[0] == "Intra Gas"
    table = crit.assign(latitude_deg=SL.lonlat(0, 0)[1], longitude_deg=SL.lonlat(0, 0)[0], weather_station_id="")
    inputs = inputs_from_table(table, FrameLayers({}), scn)
    np.testing.assert_allclose(inputs.gas_lateral_km, [1.5], rtol=RTOL)
    assert inputs.gas_pipeline_operator == ["Intra Gas"] and inputs.gas_pipeline_served_mw[0] == 300.0
