"""USGS county water use, Aqueduct water stress (table, state, sub-basin) and the local pressure indicator."""

from __future__ import annotations

from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from gis_data import water as w
from gis_data.canonical import check_canonical
from models.errors import CRSError, DataError, UnknownNameError


def _sample(name):
    return resources.files("gis_data").joinpath("sample", name)


# ----------------------------------------------------------------------------- USGS


def test_sample_water_use_units_and_placeholder():
    with resources.as_file(_sample("water_use.csv")) as p:
        raw = pd.read_csv(p, dtype=str)
        wu = w.load_usgs_water_use(p)
    check_canonical(wu, "water_use")
    assert wu["county_fips"].tolist() == [f"379{i:02d}" for i in range(1, 7)]
    # Mgal/d x 1e6 = gal/day; TP-TotPop is in thousands
    np.testing.assert_allclose(wu["withdrawal_total_gal_per_day"], raw["TO-Wtotl"].astype(float) * 1e6, rtol=1e-12)
    np.testing.assert_allclose(wu["population"], raw["TP-TotPop"].astype(float) * 1e3, rtol=1e-12)
    # the "--" (not available) irrigation value of the sixth county becomes NaN and is reported
    assert np.isnan(wu["withdrawal_irrigation_gal_per_day"].iloc[5])
    assert wu.attrs["load_report"]["repaired"] == {"IR-WFrTo '--' (not available) -> NaN": 1}


def test_usgs_title_row_and_missing_columns(tmp_path):
    src = resources.files("gis_data").joinpath("sample", "water_use.csv").read_text(encoding="utf-8")
    p = tmp_path / "usco2015v2.0.csv"
    p.write_text("Estimated Use of Water in the United States County-Level Data for 2015\n" + src, encoding="utf-8")
    assert len(w.load_usgs_water_use(p)) == 6  # the USGS original's one-line title row is skipped
    bad = tmp_path / "bad.csv"
    bad.write_text("FIPS,TP-TotPop\n37081,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="lacks"):
        w.load_usgs_water_use(bad)


@pytest.mark.shared_data
def test_real_usgs_2015(shared_data):
    path = shared_data / "water_use_us_usgs_2015" / "usco2015v2.0.csv.gz"
    wu = w.load_usgs_water_use(path)
    check_canonical(wu, "water_use")
    assert len(wu) == 3223  # PROVENANCE: 3,223 counties
    assert wu["county_fips"].is_unique
    row = wu.set_index("county_fips").loc["37081"]  # Guilford County NC
    # raw usco2015v2.0.csv row 37081: TO-Wtotl 63.70 Mgal/d, PS-Wtotl 48.12, TP-TotPop 517.6 thousand
    assert row["withdrawal_total_gal_per_day"] == pytest.approx(63.70e6, rel=1e-12)  # exact up to float
    assert row["withdrawal_public_supply_gal_per_day"] == pytest.approx(48.12e6, rel=1e-12)
    assert row["population"] == pytest.approx(517_600, rel=1e-12)
    raw = pd.read_csv(path, dtype=str).set_index("FIPS")
    harris = wu.set_index("county_fips").loc["48201"]
    assert harris["withdrawal_total_gal_per_day"] == pytest.approx(float(raw.loc["48201", "TO-Wtotl"]) * 1e6, rel=1e-12)
    # USGS SIR 2018-1131 / PROVENANCE: US county median of total fresh withdrawals is 12.2 Mgal/d
    assert wu["withdrawal_fresh_gal_per_day"].median() == pytest.approx(12.2e6, rel=0.01)  # rel: rounded figure


# ----------------------------------------------------------------------------- local pressure


def test_water_pressure_by_hand():
    counties = gpd.GeoDataFrame(
        {"county_fips": ["00001", "00002"], "area_land_km2": [10.0, 20.0]},
        geometry=[box(0, 0, 0.1, 0.1), box(1, 0, 1.1, 0.1)], crs="EPSG:4326",
    )
    wu = pd.DataFrame({"county_fips": ["00001", "00002"], "withdrawal_fresh_gal_per_day": [1.0e6, 1.0e6]})
    p = w.county_water_pressure(wu, counties)
    # hand calculation: 1e6 gal/d x 365 d x 3.785411784 L/gal / (10 km2 x 1e6 m2/km2) = 138.1675 L/m2 = mm/yr
    # rel=1e-9: exact arithmetic, only the 10-digit hand value is rounded
    assert p.loc["00001", "fresh_withdrawal_depth_mm_per_yr"] == pytest.approx(138.1675301, rel=1e-9)
    assert p.loc["00002", "fresh_withdrawal_depth_mm_per_yr"] == pytest.approx(138.1675301 / 2, rel=1e-9)
    assert p["water_pressure_pct"].tolist() == [100.0, 50.0]
    assert set(p["indicator"]) == {"usgs2015_fresh_withdrawal_depth"}
    with pytest.raises(CRSError):
        w.county_water_pressure(wu, counties.to_crs("EPSG:5070"))


def test_water_pressure_area_from_geometry_when_no_aland():
    # 0.1 deg x 0.1 deg at the equator is about 11.13 km x 11.06 km = 123.1 km2 (spherical-Earth hand estimate)
    counties = gpd.GeoDataFrame({"county_fips": ["00001"]}, geometry=[box(-96, 30, -95.9, 30.1)], crs="EPSG:4326")
    wu = pd.DataFrame({"county_fips": ["00001"], "withdrawal_fresh_gal_per_day": [1.0e6]})
    p = w.county_water_pressure(wu, counties)
    # at 30 N: 0.1 deg lon = 9.64 km, 0.1 deg lat = 11.09 km -> 106.9 km2; tolerance 1 % for the spherical estimate
    assert p.loc["00001", "area_land_km2"] == pytest.approx(9.64 * 11.09, rel=0.01)


# ----------------------------------------------------------------------------- Aqueduct


def test_bws_labels_follow_score_thresholds():
    # Aqueduct 4.0 technical note: score 1/2/3/4 <-> raw 0.1/0.2/0.4/0.8
    got = w.bws_label_of_score([0.0, 0.99, 1.0, 2.5, 3.0, 4.2, 5.0, np.nan])
    assert got.tolist() == ["Low (<10%)", "Low (<10%)", "Low - Medium (10-20%)", "Medium - High (20-40%)",
                            "High (40-80%)", "Extremely High (>80%)", "Extremely High (>80%)", None]


def test_state_stress_area_weighted_by_hand():
    t = pd.DataFrame({"state_abbr": ["AA", "AA", "BB"], "bws_score": [1.0, 4.0, 2.0], "area_km2": [1.0, 3.0, 5.0],
                      "bws_cat": [0.0, -1.0, 2.0]})
    s = w.state_water_stress(t)
    # (1 x 1 + 4 x 3) / 4 = 3.25 (hand calculation); the arid row is 3 of 4 km2
    assert s.loc["AA", "bws_score"] == pytest.approx(3.25, rel=1e-12)
    assert s.loc["AA", "arid_area_frac"] == pytest.approx(0.75, rel=1e-12)
    assert s.loc["AA", "bws_label"] == "High (40-80%)"
    assert s.loc["AA", "indicator"] == "aqueduct40_bws_state_area_weighted"
    rows = w.state_water_stress(t.drop(columns="area_km2"))
    assert rows.loc["AA", "bws_score"] == pytest.approx(2.5, rel=1e-12)  # (1 + 4) / 2
    assert rows.loc["AA", "indicator"] == "aqueduct40_bws_state_row_weighted"


def test_sample_aqueduct_table():
    with resources.as_file(_sample("water_stress.csv")) as p:
        t = w.load_aqueduct_table(p)
    check_canonical(t, "water_stress")
    assert set(t["state_abbr"]) == {"NC"} and t["pfaf_id"].tolist() == [990010, 990010, 990020, 990020]
    # every row obeys WRI's score formula clip(log2(raw/0.1)+1, 0, 5)
    np.testing.assert_allclose(t["bws_score"], np.clip(np.log2(t["bws_raw"] / 0.1) + 1, 0, 5), atol=1e-6)


def _basins_fixture(tmp_path):
    """Two HydroBASINS-like squares and an Aqueduct-format table: basin 1 straddles two states."""
    basins = gpd.GeoDataFrame({"HYBAS_ID": [7000001, 7000002], "PFAF_ID": [111111, 222222]},
                              geometry=[box(-100, 30, -99, 31), box(-99, 30, -98, 31)], crs="EPSG:4326")
    bpath = tmp_path / "hybas_na_lev06_v1c.geojson"
    basins.to_file(bpath)
    table = pd.DataFrame({
        "string_id": ["111111-USA.44_1-1", "111111-USA.37_1-None", "222222-USA.44_1-2", "333333-USA.44_1-3"],
        "aq30_id": [1, 2, 3, 4], "pfaf_id": [111111, 111111, 222222, 333333],
        "gid_1": ["USA.44_1", "USA.37_1", "USA.44_1", "USA.44_1"], "gid_0": ["USA"] * 4,
        "name_0": ["United States"] * 4,
        "name_1": ["Texas", "Oklahoma", "Texas", "Texas"], "area_km2": [800.0, 200.0, 500.0, 10.0],
        "bws_raw": [0.5, 0.5, 9999, 0.05], "bws_score": [3.32, 3.32, 5.0, 0.0], "bws_cat": [3, 3, 4, 0],
        "bws_label": ["High (40-80%)", "High (40-80%)", "Extremely High (>80%)", "Low (<10%)"],
    })
    tpath = tmp_path / "Aqueduct40_baseline_annual_y2023m07d05.csv"
    table.to_csv(tpath, index=False)
    return tpath, bpath


def test_aqueduct_on_hydrobasins(tmp_path):
    tpath, bpath = _basins_fixture(tmp_path)
    g = w.load_aqueduct_basins(tpath, bpath)
    check_canonical(g, "water_stress")
    assert g.crs.to_epsg() == 4326
    assert g["pfaf_id"].tolist() == [111111, 222222]
    assert g.attrs["load_report"]["dropped"] == {"sub-basin with no HydroBASINS polygon": 1}
    b1 = g.set_index("pfaf_id").loc[111111]
    assert b1["state_abbr"] == "TX" and b1["area_km2"] == 1000.0  # most of its area (800 of 1000 km2) in Texas
    assert np.isnan(g.set_index("pfaf_id").loc[222222, "bws_raw"])  # WRI's 9999 placeholder -> NaN
    at = w.water_stress_at([-99.5, -98.5, -50.0], [30.5, 30.5, 30.5], g)
    assert at["pfaf_id"].iloc[:2].tolist() == [111111, 222222]
    assert at["bws_score"].iloc[:2].tolist() == [3.32, 5.0] and np.isnan(at["bws_score"].iloc[2])
    assert set(at["indicator"]) == {"aqueduct40_bws_subbasin"}
    with pytest.raises(CRSError):
        w.water_stress_at([0.0], [0.0], g.to_crs("EPSG:5070"))


def test_indicator_names():
    for name in w.INDICATORS:
        assert w.indicator_description(name)
    with pytest.raises(UnknownNameError, match="usgs2015_fresh_withdrawal_depth"):
        w.indicator_description("nope")


@pytest.mark.shared_data
def test_real_aqueduct_us_table(shared_data):
    t = w.load_aqueduct_table(shared_data / "water_stress_wri_aqueduct" / "aqueduct40_baseline_annual_usa_bws.csv.gz")
    check_canonical(t, "water_stress")
    assert len(t) == 3306 and t["pfaf_id"].nunique() == 1254  # PROVENANCE: 3,306 rows, 1,254 sub-basins
    assert t["state_abbr"].notna().all() and t["state_abbr"].nunique() == 50  # 49 states + DC (no HI)
    assert t["area_km2"].sum() == pytest.approx(9.46e6, rel=0.005)  # PROVENANCE: about 9.46 million km2
    s = w.state_water_stress(t)
    nc = t[t["state_abbr"] == "NC"]
    # independent recomputation of the area-weighted mean
    expect = float((nc["bws_score"] * nc["area_km2"]).sum() / nc["area_km2"].sum())
    assert s.loc["NC", "bws_score"] == pytest.approx(expect, rel=1e-12)
    # Arizona is drier than Washington state (Aqueduct maps: AZ mostly high/extremely high, WA mostly low)
    assert s.loc["AZ", "bws_score"] > 3.0 > 1.0 > s.loc["WA", "bws_score"]


def test_hydrobasins_format_through_a_layer_set(tmp_path):
    from gis_data.layerset import LayerSet

    tpath, bpath = _basins_fixture(tmp_path)
    (tmp_path / "layers.toml").write_text(
        f'[layers.water_stress]\npath = "{tpath.name}"\nformat = "aqueduct40_hydrobasins"\n'
        f'[layers.water_stress.options]\nbasins = "{bpath.name}"\n', encoding="utf-8")
    g = LayerSet.from_path(tmp_path / "layers.toml", use_cache=False).load("water_stress")
    assert g["pfaf_id"].tolist() == [111111, 222222] and set(g["indicator"]) == {"aqueduct40_bws_subbasin"}
    # the state roll-up works on the sub-basin layer too (area-weighted by Aqueduct's areas):
    # TX holds both basins: (3.32 x 1000 + 5.0 x 500) / 1500 = 3.88
    assert w.state_water_stress(g).loc["TX", "bws_score"] == pytest.approx(3.88, rel=1e-12)
