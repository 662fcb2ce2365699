"""Transmission and substation loaders: synthetic messy fixtures and the real HIFLD files."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point

from gis_data import grid, io
from gis_data.canonical import ROLES, check_canonical
from models.errors import CRSError, DataError, MissingDataError

US_STATES = "boundaries_us_census/cb_2018_us_state_20m.zip"
STATES_MEMBER = "cb_2018_us_state_20m/cb_2018_us_state_20m.shp"


def _hifld_official(crs="EPSG:4326") -> gpd.GeoDataFrame:
    """Six lines in the official HIFLD schema with the real mess: -999999, class strings, DC, a duplicate,
    a degenerate line and a multi-part line."""
    lines = [
        LineString([(-97.0, 31.0), (-96.9, 31.1)]),
        LineString([(-97.1, 31.0), (-97.0, 31.2)]),
        MultiLineString([[(-97.2, 31.0), (-97.2, 31.1)], [(-97.2, 31.2), (-97.2, 31.3)]]),
        LineString([(-97.3, 31.0), (-97.3, 31.1)]),
        LineString([(-97.4, 31.0), (-97.4, 31.0)]),  # degenerate: two identical vertices (invalid)
        LineString([(-97.0, 31.0), (-96.9, 31.1)]),  # exact duplicate of the first row
    ]
    frame = gpd.GeoDataFrame({
        "ID": ["100", "101", "102", "103", "104", "100"],
        "TYPE": ["AC; OVERHEAD", "AC; OVERHEAD", "AC; UNDERGROUND", "DC; OVERHEAD", "AC; OVERHEAD", "AC; OVERHEAD"],
        "STATUS": ["IN SERVICE"] * 6,
        "OWNER": ["ONCOR", "NOT AVAILABLE", "CENTERPOINT", "NOT AVAILABLE", "X", "ONCOR"],
        "VOLTAGE": [345.0, -999999.0, -999999.0, 500.0, 138.0, 345.0],
        "VOLT_CLASS": ["345", "735 AND ABOVE", "100-161", "DC", "100-161", "345"],
    }, geometry=lines, crs="EPSG:4326")
    return frame.to_crs(crs)


def test_hifld_official_schema_messy_cases(tmp_path):
    path = tmp_path / "lines.geojson"
    _hifld_official().to_file(path, driver="GeoJSON")
    out = grid.load_hifld_transmission(path)
    check_canonical(out, "transmission")
    rep = out.attrs["load_report"]
    assert rep["source_rows"] == 6 and rep["kept_rows"] == 4
    assert rep["dropped"]["exact duplicate feature"] == 1
    assert rep["dropped"]["invalid geometry that could not be repaired"] == 1  # the degenerate line
    by_id = out.set_index("line_id")
    # -999999 with a single-value class takes the class floor (735 kV); with a range class it stays unknown.
    assert by_id.loc["101", "voltage_kv"] == 735.0
    assert np.isnan(by_id.loc["102", "voltage_kv"])
    assert (by_id.loc["102", "volt_class_min_kv"], by_id.loc["102", "volt_class_max_kv"]) == (100.0, 161.0)
    assert rep["repaired"]["unknown VOLTAGE (-999999) taken from a single-value VOLT_CLASS"] == 1
    assert by_id["is_dc"].tolist() == [False, False, False, True]
    assert pd.isna(by_id.loc["101", "owner"])  # "NOT AVAILABLE" -> missing
    # Multi-part lines are kept as one MultiLineString row.
    assert by_id.loc["102", "geometry"].geom_type == "MultiLineString"
    assert out.crs.to_epsg() == 4326
    assert out.attrs["source"]["license"].startswith("public domain")


def test_nad83_projected_input_is_reprojected(tmp_path):
    # NAD83 / UTM 14N (EPSG:26914) in a GeoPackage: coordinates must come back within 1e-6 deg of
    # the WGS84 originals (NAD83 -> WGS84 here is the null transform pyproj uses by default; the
    # round trip through UTM is exact to ~1e-9 deg, so 1e-6 deg ~ 0.1 m is a loose bound).
    src = _hifld_official()
    path = tmp_path / "lines_nad83.gpkg"
    src.to_crs("EPSG:26914").to_file(path, driver="GPKG")
    out = grid.load_hifld_transmission(path)
    assert out.crs.to_epsg() == 4326
    assert any(k.startswith("reprojected from EPSG:26914") for k in out.attrs["load_report"]["repaired"])
    first = out.set_index("line_id").loc["100", "geometry"]
    np.testing.assert_allclose(shapely.get_coordinates(first), shapely.get_coordinates(src.geometry.iloc[0]), atol=1e-6)


def test_zip_and_gz_read_the_same(tmp_path):
    plain = tmp_path / "lines.geojson"
    _hifld_official().to_file(plain, driver="GeoJSON")
    gz = tmp_path / "lines.geojson.gz"
    with open(plain, "rb") as fi, gzip.open(gz, "wb") as fo:
        shutil.copyfileobj(fi, fo)
    zp = tmp_path / "lines.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.write(plain, "inner/lines.geojson")
        zf.writestr("README.txt", "not a layer")
    a, b, c = (grid.load_hifld_transmission(p) for p in (plain, gz, zp))
    assert len(a) == len(b) == len(c) == 4
    assert a.geometry.geom_equals(b.geometry).all() and a.geometry.geom_equals(c.geometry).all()
    assert io.peek_columns(zp) == io.peek_columns(plain)


def test_missing_file_and_no_crs_errors(tmp_path):
    with pytest.raises(MissingDataError, match="does not exist"):
        grid.load_hifld_transmission(tmp_path / "nope.geojson")
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(500000, 3500000)], crs=None)
    with pytest.raises(CRSError, match="not lon/lat"):
        io.to_wgs84(frame, io.LoadReport())
    with pytest.raises(CRSError, match="projected CRS"):
        io.require_projected(frame.set_crs("EPSG:4326", allow_override=True))


def test_wrong_format_names_the_missing_fields(tmp_path):
    path = tmp_path / "subs.geojson"
    gpd.GeoDataFrame({"hifld_id": ["1"], "max_kv": ["345"], "min_kv": ["138"]}, geometry=[Point(0, 0)],
                     crs="EPSG:4326").to_file(path, driver="GeoJSON")
    with pytest.raises(DataError, match=r"format 'hifld_transmission': it lacks field\(s\) \['voltage', 'volt_class'\]"):
        grid.load_hifld_transmission(path)


def test_volt_class_parsing_hand_table():
    kv, dc = io.parse_volt_class(["345", "735 AND ABOVE", "100-161", "UNDER 100", "DC", "NOT AVAILABLE", None])
    np.testing.assert_array_equal(kv.to_numpy(), [345, 735, np.nan, np.nan, np.nan, np.nan, np.nan])
    assert dc.tolist() == [False, False, False, False, True, False, False]
    lo, hi = io.volt_class_bounds(["220-287", "UNDER 100", "735 AND ABOVE"])
    np.testing.assert_array_equal(lo.to_numpy(), [220, 0, 735])
    np.testing.assert_array_equal(hi.to_numpy(), [287, 100, np.inf])


def test_osm_substations_geojson(tmp_path):
    # Overpass-turbo export style: @id, power, voltage in volts, a substation mapped as an area,
    # and a non-substation feature that must be dropped.
    square = shapely.box(-97.01, 31.0, -97.0, 31.01)
    frame = gpd.GeoDataFrame({
        "@id": ["way/1", "node/2", "node/3"],
        "power": ["substation", "substation", "tower"],
        "voltage": ["345000;138000", "69000", None],
        "name": ["Big Sub", None, None],
        "operator": ["Oncor", None, None],
    }, geometry=[square, Point(-97.1, 31.1), Point(-97.2, 31.2)], crs="EPSG:4326")
    path = tmp_path / "osm_subs.geojson"
    frame.to_file(path, driver="GeoJSON")
    assert grid._detect_osm_substations(path, io.peek_columns(path))
    out = grid.load_osm_substations(path)
    check_canonical(out, "substations")
    assert out["substation_id"].tolist() == ["way/1", "node/2"]
    assert out["max_voltage_kv"].tolist() == [345.0, 69.0] and out["min_voltage_kv"].tolist() == [138.0, 69.0]
    assert (out.geometry.geom_type == "Point").all() and out.geometry.iloc[0].within(square)
    rep = out.attrs["load_report"]
    assert rep["dropped"]["power tag is not substation"] == 1
    assert out.attrs["source"]["attribution"] == "© OpenStreetMap contributors"


# ----------------------------------------------------------------------------- real files


@pytest.mark.shared_data
def test_indiana_subset_counts_match_provenance(shared_data):
    out = grid.load_hifld_transmission(shared_data / "transmission_indiana_hifld_subset/transmission_lines.geojson")
    assert len(out) == 1095  # PROVENANCE: 1,095 MultiLineString features
    counts = out["voltage_kv"].value_counts(dropna=False)
    # PROVENANCE counts: 69 (531), 138 (370), unknown (109), 345 (43), 230 (37), 161 (4), 765 (1).
    assert counts[69.0] == 531 and counts[138.0] == 370 and counts[345.0] == 43 and counts[765.0] == 1
    assert out["voltage_kv"].isna().sum() == 109
    assert out.attrs["load_report"]["repaired"]["unknown voltage left as NaN (source -999999 or blank)"] == 109
    assert (out.geometry.geom_type == "MultiLineString").all()


@pytest.mark.shared_data
def test_national_345kv_and_dc(shared_data):
    d = shared_data / "transmission_us_hifld_345kv_plus"
    ac = grid.load_hifld_transmission_by_class(d / "grid-345_735.json.gz")
    dc = grid.load_hifld_transmission_by_class(d / "grid-dc.json")
    assert ac.attrs["load_report"]["source_rows"] == 2940 and len(dc) == 15  # PROVENANCE rows
    # 9 byte-identical duplicate features in the AC file are dropped and counted.
    assert ac.attrs["load_report"]["dropped"] == {"exact duplicate feature": 9}
    assert ac["voltage_kv"].min() == 345.0 and not ac["is_dc"].any() and dc["is_dc"].all()
    assert ac["line_id"].is_unique


@pytest.mark.shared_data
def test_345kv_lines_in_texas_against_census_polygon(shared_data):
    """Lines >= 345 kV touching Texas, checked against the Census 2018 Texas polygon (read directly).

    Hand check: the national split has 500 such lines (494 at 345 kV, 6 at 500 kV; ERCOT has no
    765 kV), and their length inside Texas (22,437 km) agrees within 15 % with the independent
    Texas-bbox HIFLD extract's >= 345 kV lines (24,588 km inside Texas): the two pulls differ in
    vintage and simplification (~500 m), hence the tolerance.
    """
    states = gpd.read_file(f"zip://{shared_data / US_STATES}!{STATES_MEMBER}")
    texas = states.loc[states["STUSPS"] == "TX"].to_crs("EPSG:5070").geometry.iloc[0]
    ac = grid.load_hifld_transmission_by_class(shared_data / "transmission_us_hifld_345kv_plus/grid-345_735.json.gz")
    hit = io.to_metric(ac)
    hit = hit[hit.intersects(texas)]
    assert len(hit) == 500
    assert hit["voltage_kv"].value_counts().to_dict() == {345.0: 494, 500.0: 6}
    km_national = hit.intersection(texas).length.sum() / 1000.0
    simp = io.to_metric(grid.load_hifld_transmission_simplified(
        shared_data / "transmission_tx_hifld_simplified/transmission_lines.geojson.gz"))
    km_texas_extract = simp[simp["voltage_kv"] >= 345].intersection(texas).length.sum() / 1000.0
    assert km_national == pytest.approx(km_texas_extract, rel=0.15)


@pytest.mark.shared_data
def test_texas_simplified_extract(shared_data):
    out = grid.load_hifld_transmission_simplified(
        shared_data / "transmission_tx_hifld_simplified/transmission_lines.geojson.gz")
    rep = out.attrs["load_report"]
    assert rep["source_rows"] == 7345  # PROVENANCE
    # Two features simplified to a single repeated vertex are invalid lines and are dropped, counted.
    assert rep["dropped"] == {"invalid geometry that could not be repaired": 2}
    assert set(out["voltage_kv"].unique()) == {115.0, 138.0, 161.0, 230.0, 345.0, 500.0}


@pytest.mark.shared_data
def test_substations_known_facts(shared_data):
    out = grid.load_hifld_substations_wpp(shared_data / "substations_us_hifld/hifld_substations.geojson.gz")
    check_canonical(out, "substations")
    assert len(out) == 56363  # PROVENANCE
    # PROVENANCE says "~73 % / ~62 %" of max_kv / min_kv are filled (rounded, approximate figures);
    # measured here 73.0 % and 64.2 %, so the tolerance is 2.5 points.
    assert out["max_voltage_kv"].notna().mean() == pytest.approx(0.73, abs=0.025)
    assert out["min_voltage_kv"].notna().mean() == pytest.approx(0.62, abs=0.025)
    states = gpd.read_file(f"zip://{shared_data / US_STATES}!{STATES_MEMBER}").to_crs("EPSG:4326")
    texas = states.loc[states["STUSPS"] == "TX"].geometry.iloc[0]
    # Comanche Peak (the nuclear plant's 345 kV switchyard, Somervell County TX) must fall in Texas.
    peak = out[out["name"] == "Comanche Peak"]
    assert len(peak) == 1 and peak.geometry.iloc[0].within(texas) and peak["max_voltage_kv"].iloc[0] == 345.0
    # PROVENANCE: 4,360 points in Texas (bbox-free count against the Census polygon; 1 % tolerance for
    # the 1:20M polygon's coarse coastline).
    n_tx = int(out.within(texas).sum())
    assert n_tx == pytest.approx(4360, rel=0.01)
    assert ROLES["substations"].geometry == "point"


# ----------------------------------------------------------------------------- state of a substation


def _states_frame(crs="EPSG:4326"):
    # two unit squares sharing the border x = 1
    return gpd.GeoDataFrame({"state_abbr": ["AA", "BB"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
                            crs=crs)


def test_fill_state_point_in_polygon_by_hand():
    pts = gpd.GeoDataFrame({"state_abbr": pd.Series([None, None, None, "ZZ"], dtype="str")},
                           geometry=[Point(0.5, 0.5), Point(1.0, 0.5), Point(5.0, 5.0), Point(1.5, 0.5)],
                           crs="EPSG:4326")
    pts.attrs["load_report"] = {"repaired": {}}
    out, filled, outside = grid.fill_state_from_states(pts, _states_frame())
    # inside AA; on the AA/BB border -> the first state in layer order (AA); outside both; already known
    assert out["state_abbr"].tolist()[:2] == ["AA", "AA"] and pd.isna(out["state_abbr"].iloc[2])
    assert out["state_abbr"].iloc[3] == "ZZ"
    assert (filled, outside) == (2, 1)
    assert pts["state_abbr"].isna().sum() == 3  # input not modified
    assert out.attrs["load_report"] is not pts.attrs["load_report"]


def test_fill_state_refuses_other_crs():
    pts = gpd.GeoDataFrame({"state_abbr": pd.Series([None], dtype="str")}, geometry=[Point(0.5, 0.5)],
                           crs="EPSG:4326")
    with pytest.raises(CRSError, match="states layer must be in EPSG:4326.*5070"):
        grid.fill_state_from_states(pts, _states_frame().set_crs("EPSG:5070", allow_override=True))
    with pytest.raises(DataError, match="lacks state_abbr"):
        grid.fill_state_from_states(pts.drop(columns="state_abbr"), _states_frame())
