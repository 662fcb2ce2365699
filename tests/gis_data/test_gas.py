"""Gas pipeline and facility loaders: synthetic fixtures and the real EIA/HIFLD files."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from gis_data import gas, io
from gis_data.canonical import check_canonical


def _pack(tmp_path):
    frame = gpd.GeoDataFrame({
        "pipe_type": ["Interstate", "Intrastate", "HGL", "Gathering", "Interstate"],
        "operator": ["Transco", "Atmos", "Enterprise", "Small Co", "Transco"],
        "name": ["", "", "Propane line", "", ""],
    }, geometry=[LineString([(0, 0), (1, 1)]), LineString([(1, 0), (2, 1)]), LineString([(2, 0), (3, 1)]),
                 LineString([(3, 0), (4, 1)]), LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    gj = tmp_path / "lines.geojson"
    frame.to_file(gj, driver="GeoJSON")
    zp = tmp_path / "pack.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.write(gj, "hifld-natgas-lines.geojson")
        zf.writestr("hifld-natgas-lines.csv", "pipe_type,operator\nInterstate,Transco\n")
    return zp


def test_pipeline_pack_filters_and_counts(tmp_path):
    zp = _pack(tmp_path)
    out = gas.load_hifld_natgas_pipelines_wpp(zp)
    check_canonical(out, "pipelines")
    rep = out.attrs["load_report"]
    assert rep["source_rows"] == 5 and rep["kept_rows"] == 2
    assert rep["dropped"] == {"exact duplicate feature": 1,
                              "HGL (hydrocarbon gas liquids) pipeline, not natural gas": 1,
                              "gathering line (include_gathering=False)": 1}
    assert out["pipe_type"].tolist() == ["interstate", "intrastate"]
    assert out["pipeline_id"].is_unique
    with_gathering = gas.load_hifld_natgas_pipelines_wpp(zp, include_gathering=True)
    assert "gathering" in set(with_gathering["pipe_type"])
    # The zip also holds a CSV; schema detection reads the GeoJSON member.
    assert gas._detect_wpp(zp, io.peek_columns(zp))


def test_eia_schema_in_nad83(tmp_path):
    frame = gpd.GeoDataFrame({"TYPEPIPE": ["Interstate"], "Operator": ["Tennessee Gas"], "Status": ["Operating"]},
                             geometry=[LineString([(-90, 35), (-89, 36)])], crs="EPSG:4269")
    path = tmp_path / "eia.gpkg"
    frame.to_file(path, driver="GPKG")
    out = gas.load_eia_natgas_pipelines(path)
    assert out.crs.to_epsg() == 4326 and out["status"].iloc[0] == "Operating"
    assert any(k.startswith("reprojected from EPSG:4269") for k in out.attrs["load_report"]["repaired"])


def test_facilities_drop_petroleum(tmp_path):
    frame = gpd.GeoDataFrame({
        "fac_type": ["trading_hub", "pol_terminal", "underground"], "name": ["Henry Hub", "Tank farm", "Field"],
        "operator": ["Sabine", "X", "Y"], "state": ["Louisiana"] * 3, "status": ["", "", ""], "detail": ["", "", ""],
    }, geometry=[Point(-92.1, 30.0), Point(-93, 30), Point(-94, 30)], crs="EPSG:4326")
    path = tmp_path / "pts.geojson"
    frame.to_file(path, driver="GeoJSON")
    out = gas.load_hifld_natgas_points_wpp(path)
    check_canonical(out, "gas_facilities")
    assert out["facility_type"].tolist() == ["trading_hub", "underground"]
    assert out.attrs["load_report"]["dropped"] == {"petroleum facility (include_petroleum=False)": 1}
    assert len(gas.load_hifld_natgas_points_wpp(path, include_petroleum=True)) == 3


@pytest.mark.shared_data
def test_real_pipeline_pack(shared_data):
    out = gas.load_hifld_natgas_pipelines_wpp(shared_data / "natural_gas_pipelines_us_hifld/hifld-natgas-lines.zip")
    rep = out.attrs["load_report"]
    assert rep["source_rows"] == 33178  # PROVENANCE
    # PROVENANCE type counts: HGL 136 and Gathering 71 (one HGL row is also an exact duplicate, so 135
    # HGL rows remain to be dropped after de-duplication).
    assert rep["dropped"]["gathering line (include_gathering=False)"] == 71
    assert rep["dropped"]["HGL (hydrocarbon gas liquids) pipeline, not natural gas"] == 135
    assert rep["dropped"]["exact duplicate feature"] == 616
    assert set(out["pipe_type"]) == {"interstate", "intrastate"}
    assert out.crs.to_epsg() == 4326


@pytest.mark.shared_data
def test_real_facilities(shared_data):
    out = gas.load_hifld_natgas_points_wpp(shared_data / "natural_gas_pipelines_us_hifld/hifld_natgas_points.geojson.gz")
    rep = out.attrs["load_report"]
    assert rep["source_rows"] == 3602  # PROVENANCE
    assert (out["facility_type"] == "lng_terminal").sum() == 9  # PROVENANCE: lng_terminal 9
    sabine = out[out["name"] == "Sabine Pass"]
    assert len(sabine) == 1 and sabine.geometry.iloc[0].distance(Point(-93.876, 29.753)) < 1e-9
