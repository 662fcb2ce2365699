"""Grid access sized to the load: the voltage class a load needs (NREL reVX line capacities) and the
nearest adequate line and substation, on hand-placed synthetic layers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from gis_data.layerset import FrameLayers
from siting import criteria as C
from siting.criteria.grid import line_capacity_mw, required_line_class_kv
from siting.errors import ConfigError
from siting.scenario import Scenario

_spec = importlib.util.spec_from_file_location("synthetic_layers", Path(__file__).with_name("synthetic_layers.py"))
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)

SCN = Scenario()
RTOL = 1e-6  # EPSG:5070 -> 4326 -> 5070 round trip only (see test_criteria.py)


def test_line_capacity_is_nrel_revx():
    # NREL reVX power_to_voltage.json (commit 220bfbd): 171 MW -> 115 kV, 400 -> 230, 750 -> 345, 1500 -> 500
    assert [line_capacity_mw(c) for c in (100, 230, 345, 500)] == [171.0, 400.0, 750.0, 1500.0]
    with pytest.raises(ConfigError, match="138"):
        line_capacity_mw(138)


def test_required_class_by_hand():
    # a looped-in line brings two circuits: 2 x 171 = 342 MW (100 kV class), 2 x 400 = 800 (230),
    # 2 x 750 = 1,500 (345), above that the 500 kV class (and beyond 3,000 MW still 500 kV, several lines)
    loads = [50.0, 342.0, 343.0, 800.0, 1_420.0, 1_500.0, 1_501.0, 5_000.0, np.nan]
    got = required_line_class_kv(loads)
    np.testing.assert_array_equal(got[:-1], [100, 100, 230, 230, 345, 345, 500, 500])
    assert np.isnan(got[-1])


def _layers():
    frames = SL.frames()
    tx = frames["transmission"]
    extra = gpd.GeoDataFrame(
        {"line_id": ["L138", "HVDC"], "voltage_kv": [np.nan, np.nan], "volt_class": ["100-161", "DC"],
         "is_dc": [False, True], "owner": ["o", "o"], "status": ["s", "s"]},
        geometry=[SL.to4326(LineString([SL.km(1, -50), SL.km(1, 50)])), SL.to4326(LineString([SL.km(-50, -0.5), SL.km(50, -0.5)]))],
        crs="EPSG:4326")
    frames["transmission"] = pd.concat([tx, extra], ignore_index=True)
    return FrameLayers(frames)


def _sites(n=1):
    t = SL.sites([(0, 0)] * n)
    g = gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t.longitude_deg, t.latitude_deg), crs="EPSG:4326")
    g["it_load_mw"] = np.nan
    return g.to_crs("EPSG:5070")


def test_grid_classes_hvdc_and_substations_by_hand():
    g = C.grid(_sites(), _layers(), SCN)
    # 138 kV class line 1 km east (unknown kV, class 100-161 counts at 100); the HVDC line 0.5 km south is
    # in no AC class; 230 kV 2 km west; 345 kV 7 km south; 500 kV class 10 km east
    np.testing.assert_allclose(g[["distance_to_line_100kv_km", "distance_to_line_230kv_km", "distance_to_line_345kv_km",
                                  "distance_to_line_500kv_km", "distance_to_line_hvdc_km"]].to_numpy()[0],
                               [1.0, 2.0, 7.0, 10.0, 0.5], rtol=RTOL)
    # the 230 kV substation 3 east 4 north (5 km) is the nearest >= 115 kV and >= 220 kV; none reaches 345
    np.testing.assert_allclose(g[["distance_to_substation_km", "distance_to_substation_230kv_km"]].to_numpy()[0],
                               [5.0, 5.0], rtol=RTOL)
    assert g["distance_to_substation_345kv_km"].isna().all() and g["distance_to_substation_500kv_km"].isna().all()


def test_grid_access_picks_the_adequate_class():
    g = C.grid(_sites(4), _layers(), SCN)
    g["facility_peak_load_mw"] = [50.0, 700.0, 1_420.0, 1_600.0]
    a = C.grid_access(g, SCN)
    np.testing.assert_array_equal(a["grid_required_voltage_kv"], [100, 230, 345, 500])
    np.testing.assert_allclose(a["distance_to_adequate_line_km"], [1.0, 2.0, 7.0, 10.0], rtol=RTOL)
    np.testing.assert_allclose(a["distance_to_adequate_substation_km"].to_numpy()[:2], [5.0, 5.0], rtol=RTOL)
    assert a["distance_to_adequate_substation_km"].iloc[2:].isna().all()
    basis = a["grid_access_basis"].tolist()
    assert basis[2].startswith("1,420 MW facility peak load needs the 345 kV class") and "2 x 750 MW" in basis[2]
    assert "the 230 kV class only 2 x 400 MW" in basis[2] and "NREL reVX" in basis[2]
    # no facility peak known: the IT load (the scenario's here) is used, and the basis says so
    b = C.grid_access(g.drop(columns="facility_peak_load_mw"), SCN)
    assert b["grid_access_basis"].iloc[0].startswith(f"{SCN.it_load_mw:,.0f} MW IT load (facility peak unknown")


def test_grid_score_uses_the_adequate_line():
    from siting.profiles import load_profile
    from siting.scoring import subscores

    g = C.grid(_sites(2), _layers(), SCN)
    g["facility_peak_load_mw"] = [50.0, 1_420.0]
    table = pd.concat([g, C.grid_access(g, SCN)], axis=1)
    prof = load_profile("speed_to_power")
    s = subscores(table, prof, SCN)["score_grid"].to_numpy()
    # hand: 50 MW: mean(1 - 5/40, 1 - 1/80); 1,420 MW: substation >= 345 kV unknown, line 1 - 7/80
    np.testing.assert_allclose(s, [np.mean([1 - 5 / 40, 1 - 1 / 80]), 1 - 7 / 80], rtol=1e-9)


def test_substation_classes_match_brute_force_on_random_layer():
    # The per-class distances come from a cascade (a site keeps the nearest substation of the class
    # below when it reaches this class; only the others search again): against a brute force over
    # every substation of the class, with shapely distances, on 400 random substations and sites.
    import shapely

    rng = np.random.default_rng(21)
    n_sub, n_site = 400, 3_000
    kv = rng.choice([69.0, 115.0, 138.0, 230.0, 345.0, 500.0, 765.0, np.nan], size=n_sub)
    sub_xy = rng.uniform(-300_000, 300_000, size=(n_sub, 2))
    subs = gpd.GeoDataFrame({"substation_id": [f"S{i}" for i in range(n_sub)], "name": "s", "max_voltage_kv": kv},
                            geometry=gpd.points_from_xy(sub_xy[:, 0], sub_xy[:, 1]), crs="EPSG:5070").to_crs("EPSG:4326")
    site_xy = rng.uniform(-320_000, 320_000, size=(n_site, 2))
    sites = gpd.GeoDataFrame({"site_id": [f"x{i}" for i in range(n_site)], "it_load_mw": np.nan},
                             geometry=gpd.points_from_xy(site_xy[:, 0], site_xy[:, 1]), crs="EPSG:5070")
    g = C.grid(sites, FrameLayers({"substations": subs}), SCN)
    sub_proj = subs.to_crs("EPSG:5070").geometry.to_numpy()
    d = shapely.distance(sites.geometry.to_numpy()[:, None], sub_proj[None, :]) / 1000.0  # [km]
    for col, floor in (("distance_to_substation_km", 115.0), ("distance_to_substation_230kv_km", 220.0),
                       ("distance_to_substation_345kv_km", 345.0), ("distance_to_substation_500kv_km", 500.0)):
        ref = np.where(kv >= floor, d, np.inf).min(axis=1)
        np.testing.assert_allclose(g[col].to_numpy(), ref, rtol=RTOL, err_msg=col)
    # the voltage reported is the nearest >= 115 kV substation's
    near = np.where(kv >= 115.0, d, np.inf).argmin(axis=1)
    np.testing.assert_array_equal(g["substation_max_voltage_kv"].to_numpy(), kv[near])
