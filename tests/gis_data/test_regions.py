"""Balancing-authority and NERC-region loaders."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from gis_data import regions
from gis_data.canonical import check_canonical


def test_control_areas_fixture_repairs_bowtie(tmp_path):
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])  # self-intersecting: invalid
    square = Polygon([(2, 0), (3, 0), (3, 1), (2, 1)])
    frame = gpd.GeoDataFrame({
        "name": ["ELECTRIC RELIABILITY COUNCIL OF TEXAS, INC.", "SOME UTILITY"],
        "state": ["TX", "OK"], "tot_cap": [100000.0, 500.0], "peak_ld": [85000.0, 400.0],
    }, geometry=[bowtie, square], crs="EPSG:4326")
    path = tmp_path / "ca.geojson"
    frame.to_file(path, driver="GeoJSON")
    out = regions.load_hifld_control_areas(path)
    check_canonical(out, "balancing_authorities")
    assert out["ba_code"].tolist()[0] == "ERCO" and out["is_iso_rto"].tolist() == [True, False]
    assert out.geometry.is_valid.all()
    assert out.attrs["load_report"]["repaired"]["invalid geometry repaired with shapely.make_valid"] == 1
    # make_valid splits the bow-tie into two triangles of 0.25 deg^2 each (hand calculation).
    assert out.geometry.iloc[0].area == pytest.approx(0.5, rel=1e-12)  # exact arithmetic, float rounding only


def test_ba_code_lookup():
    codes = regions.ba_code_from_name(["PJM INTERCONNECTION, LLC", "SOUTHWEST POWER POOL", "DUKE ENERGY"])
    assert codes.iloc[0] == "PJM" and codes.iloc[1] == "SWPP" and codes.isna().iloc[2]


@pytest.mark.shared_data
def test_real_regions(shared_data):
    ba = regions.load_hifld_control_areas(shared_data / "grid_regions_us_hifld/control_areas.geojson.gz")
    nerc = regions.load_hifld_nerc_regions(shared_data / "grid_regions_us_hifld/nerc_regions.geojson.gz")
    assert len(ba) == 71 and len(nerc) == 16  # PROVENANCE
    # PROVENANCE: 4 features are GeometryCollections; they are reduced to their polygons.
    assert ba.attrs["load_report"]["repaired"]["GeometryCollection reduced to its polygons"] == 4
    assert ba.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert set(ba["ba_code"].dropna()) == {"ERCO", "PJM", "MISO", "SWPP", "CISO", "NYIS", "ISNE", "TVA"}
    # Austin, TX (lon -97.74, lat 30.27) is in ERCOT's footprint and in NERC region TRE (Texas RE).
    austin = Point(-97.74, 30.27)
    assert "ERCO" in set(ba[ba.contains(austin)]["ba_code"].dropna())
    assert set(nerc[nerc.contains(austin)]["nerc_region"]) == {"TRE"}
