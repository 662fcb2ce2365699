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


def test_chain_costs_the_lateral_to_the_chosen_pipeline_and_flags_deliverability():
    """The money step's lateral runs to the chosen pipeline and names its system.

    Hand: the lateral's capital equals models.site_costs.gas_lateral_cost over the chosen
    pipeline's 1.5 km (the chain adds nothing of its own); a system serving 300 MW against a
    1,400 MW load is flagged, one serving 2,000 MW is not.
    """
    from models.site_costs import gas_lateral_cost
    from siting.chain.money import gas_lateral
    from siting.chain.resolved import resolve

    r = resolve(Scenario(it_load_mw=100.0))
    s = r.scenario
    capex, _, diameter, label = gas_lateral(r, peak_gas_mmcf_per_day=np.array([20.0, 20.0]),
                                            distance_km=np.array([1.5, 6.0]), operator=["Intra Gas", "Transco"],
                                            served_mw=np.array([300.0, 2000.0]), load_mw=np.array([1400.0, 1400.0]))
    ref = gas_lateral_cost(np.array([20.0, 20.0]), np.array([1.5, 6.0]), dollar_year=s.dollar_year,
                           discount_rate_frac=s.discount_rate_frac, lifetime_yr=s.lifetime_yr)
    np.testing.assert_allclose(capex, ref.capex_usd, rtol=1e-12)
    assert "to the Intra Gas pipeline" in label[0] and "deliverability to confirm" in label[0]
    assert "300 MW" in label[0] and "1,400 MW" in label[0]
    assert "to the Transco pipeline" in label[1] and "deliverability" not in label[1]


def test_a_pipeline_row_without_geometry_shifts_nothing():
    # The nearest-pipeline positions are rows of the index, which drops a row without geometry:
    # the served capacity and the choice must be read per index row. A blank Transco row put
    # first used to shift every served figure by one row (Intra Gas read as serving 2,000 MW).
    f = dict(_layers()._frames)
    p = f["pipelines"]
    blank = p.iloc[[0]].assign(pipeline_id="BLANK")
    blank = gpd.GeoDataFrame(blank.drop(columns="geometry"), geometry=[None], crs=p.crs)
    f["pipelines"] = gpd.GeoDataFrame(pd.concat([blank, p], ignore_index=True), crs=p.crs)
    layers = FrameLayers(f)
    out = C.chosen_pipeline(_sites(4), layers, [200.0, 1_400.0, 5_000.0, np.nan])
    assert out["chosen_pipeline_operator"].tolist() == ["Intra Gas", "Transcontinental Gas Pipeline Corp", "Intra Gas",
                                                        "Intra Gas"]
    np.testing.assert_allclose(out["distance_to_chosen_pipeline_km"], [1.5, 6.0, 1.5, 1.5], rtol=RTOL)
    np.testing.assert_array_equal(out["chosen_pipeline_served_gas_capacity_mw"], [300.0, 2000.0, 300.0, 300.0])
    g = C.gas(_sites(1), layers, Scenario())
    assert g["pipeline_operator"].iloc[0] == "Intra Gas" and g["pipeline_served_gas_capacity_mw"].iloc[0] == 300.0
