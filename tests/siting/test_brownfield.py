"""Brownfield plant sites: EIA-860 reuse statuses, the nearest plant freeing enough interconnection, by hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from gis_data.layerset import FrameLayers
from gis_data.plants import brownfield_plants, reuse_status
from siting import criteria as C
from siting.scenario import Scenario

_spec = importlib.util.spec_from_file_location("synthetic_layers", Path(__file__).with_name("synthetic_layers.py"))
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)
RTOL = 1e-6  # EPSG:5070 round trip only
SCN = Scenario(analysis_year=2027)


def test_reuse_status_from_eia860_codes():
    # EIA-860 status codes: OP operating, SB standby/backup, OS/OA out of service, RE retired, P proposed
    got = reuse_status(["OP", "OP", "OP", "SB", "OS", "RE", "P", "OP"], [np.nan, 2030, 2020, np.nan, np.nan, 2019, np.nan,
                                                                           np.nan],
                       ["existing", "retirement", "existing", "existing", "existing", "retired", "proposed", "retirement"],
                       as_of_year=2027)
    assert got.tolist() == ["operating", "retiring", "retired", "underused", "underused", "retired", "", "retiring"]


def _plants():
    rows = [  # plant, name, MW, fuel, status, retirement year, prime mover, (x, y) km from O
        ("10", "Old Coal", 800.0, "SUB", "RE", 2021.0, "ST", (3, 4)),
        ("10", "Old Coal", 50.0, "NG", "OP", np.nan, "GT", (3, 4)),
        ("20", "Gas Peaker", 200.0, "NG", "OP", 2030.0, "GT", (0, 1)),
        ("30", "Oil Standby", 60.0, "DFO", "SB", np.nan, "IC", (0.2, 0)),
        ("40", "Solar", 100.0, "SUN", "RE", 2020.0, "PV", (0, 0.1)),
        ("50", "Big CC", 900.0, "NG", "OP", np.nan, "CT", (20, 0)),
    ]
    return gpd.GeoDataFrame({
        "plant_id": [r[0] for r in rows], "plant_name": [r[1] for r in rows], "generator_id": [str(i) for i in range(6)],
        "capacity_mw": [r[2] for r in rows], "energy_source": [r[3] for r in rows], "technology": "t",
        "status": [r[4] for r in rows], "operating_year": 1980.0, "retirement_year": [r[5] for r in rows],
        "balancing_authority": "X", "gas_pipeline": None, "state_abbr": "NC", "prime_mover": [r[6] for r in rows],
    }, geometry=[SL.to4326(Point(SL.km(*r[7]))) for r in rows], crs="EPSG:4326")


def test_brownfield_plants_by_hand():
    bf = brownfield_plants(_plants(), as_of_year=2027).set_index("plant_id")
    assert bf.index.tolist() == ["10", "20", "30"]  # the retired solar farm is not thermal; Big CC stays
    assert bf.loc["10", "brownfield_capacity_mw"] == 800.0 and bf.loc["10", "operating_capacity_mw"] == 50.0
    assert bool(bf.loc["10", "has_steam_cooling"]) and not bool(bf.loc["20", "has_steam_cooling"])
    assert bf.loc["10", "status_text"] == "retired coal 2021 800 MW"
    assert bf.loc["20", "status_text"] == "retiring gas 2030 200 MW" and bf.loc["30", "status_text"] == "underused oil 60 MW"


def test_nearest_plant_freeing_half_the_load_and_setbacks():
    layers = FrameLayers({"plants": _plants()})
    t = SL.sites([(0, 0)] * 3)
    sites = gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t.longitude_deg, t.latitude_deg), crs="EPSG:4326").to_crs(5070)
    sites["it_load_mw"] = np.nan
    # 1,000 MW needs a plant freeing >= 500 MW: Old Coal, 5 km (3 east, 4 north); 300 MW needs >= 150: the
    # retiring peaker 1 km north; 100 MW needs >= 50: the standby oil units 0.2 km east
    b = C.brownfield(sites, layers, SCN, [1_000.0, 300.0, 100.0])
    assert b["brownfield_plant_name"].tolist() == ["Old Coal", "Gas Peaker", "Oil Standby"]
    np.testing.assert_allclose(b["distance_to_brownfield_plant_km"], [5.0, 1.0, 0.2], rtol=RTOL)
    assert b["brownfield_has_steam_cooling"].tolist() == [True, False, False]
    # 2,000 MW: no plant frees 1,000 MW: nothing
    assert C.brownfield(sites.iloc[:1], layers, SCN, [2_000.0])["brownfield_plant_name"].isna().all()
    # the shared-site setback only sees plants that stay in operation: the nearest is Old Coal's 50 MW gas unit
    land = C.land(sites.iloc[:1], layers, SCN)
    np.testing.assert_allclose(land["distance_to_power_plant_km"], [0.1], rtol=RTOL)  # the retired solar farm
    np.testing.assert_allclose(land["distance_to_operating_plant_km"], [5.0], rtol=RTOL)


def test_datacenter_footprint_not_the_neighbourhood():
    dcs = gpd.GeoDataFrame({"datacenter_id": ["a", "b"], "name": ["Campus", "Unknown"], "operator": ["x", "y"],
                            "footprint_area_km2": [np.pi * 0.3 ** 2, np.nan]},
                           geometry=[SL.to4326(Point(SL.km(0.5, 0))), SL.to4326(Point(SL.km(0, 30)))], crs="EPSG:4326")
    t = SL.sites([(0, 0), (0.1, 0), (0, 30.02)])
    sites = gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t.longitude_deg, t.latitude_deg), crs="EPSG:4326").to_crs(5070)
    land = C.land(sites, FrameLayers({"datacenters": dcs}), SCN)
    # a 0.3 km radius disc around a point 0.5 km east: 0.2 km from its edge; 0.1 km east: 0.4 - 0.3 = 0.1 km;
    # the campus of unknown area counts as its point: 0.02 km
    np.testing.assert_allclose(land["distance_to_datacenter_footprint_km"], [0.2, 0.1, 0.02], rtol=1e-5)
    from siting.profiles import load_profile
    from siting.scoring import exclusions

    e = exclusions(land, load_profile("speed_to_power"))
    assert e["exclusion_weight_frac"].tolist() == [1.0, 1.0, 0.0]  # only the site on a footprint is excluded
    assert "footprint" in e["exclusion_reason"].iloc[2]
