"""Site tables read by content, row-level problems kept as errors, parcels, ids, loads, output names (issue 13)."""

from __future__ import annotations

import errno
import gzip
import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from gis_data.layerset import FrameLayers
from models.units import M2_PER_ACRE
from siting.batch import batch_summary, prepare_sites, score_sites
from siting.errors import DataError
from siting.schema import INPUT_ERROR_COLUMN
from siting.tables import read_sites, write_table

_spec = importlib.util.spec_from_file_location("synthetic_layers_tables", Path(__file__).with_name("synthetic_layers.py"))
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)


@pytest.fixture(scope="module")
def layers():
    return FrameLayers(SL.frames(), synthetic=True)


# -- reading by content ----------------------------------------------------------------------


def test_ragged_rows_are_kept_in_place_with_their_line_number(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text('site_id,name,lat,lon\na,"two\nlines",35.9,-79.9\nb,x,36.0,-80.0,extra\nc,36.1\n'
                 "d,ok,36.2,-80.2\n", encoding="utf-8")
    t = read_sites(p)
    assert list(t["site_id"]) == ["a", None, None, "d"] or list(t["site_id"].fillna("-")) == ["a", "-", "-", "d"]
    err = t[INPUT_ERROR_COLUMN].tolist()
    assert err[0] == "" and err[3] == ""
    assert err[1].startswith("line 4 has 5 field(s) but the header has 4")  # physical line, after a 2-line field
    assert err[2].startswith("line 5 has 2 field(s)")
    assert t.loc[3, "lat"] == 36.2 and t.loc[3, "lon"] == -80.2  # the row after them is not shifted
    out = prepare_sites(t)
    assert out["error"].tolist()[1].startswith("line 4")


def test_the_first_row_longer_than_the_header_is_not_shifted_into_the_index(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("lat,lon\n35.9,-79.9,7\n36.1,-80.1\n", encoding="utf-8")
    t = prepare_sites(read_sites(p))
    assert t["latitude_deg"].tolist()[1] == 36.1 and "line 2 has 3 field(s)" in t["error"].iloc[0]


@pytest.mark.parametrize("name,writer", [
    ("parquet_named.csv", lambda p, f: f.to_parquet(p)),
    ("csv_named.gpkg", lambda p, f: f.to_csv(p, index=False)),
    ("csv_named.parquet", lambda p, f: f.to_csv(p, index=False, sep=";")),
    ("gz.csv.gz", lambda p, f: p.write_bytes(gzip.compress(f.to_csv(index=False).encode(), mtime=0))),
    ("book.xlsx", lambda p, f: f.to_excel(p, index=False)),
    ("records.json", lambda p, f: p.write_text(f.to_json(orient="records"), encoding="utf-8")),
    ("utf16.csv", lambda p, f: p.write_bytes(f.to_csv(index=False).encode("utf-16"))),
])
def test_tables_are_read_by_content_not_extension(tmp_path, name, writer):
    frame = pd.DataFrame({"site_id": ["007", "8"], "lat": [35.9, 36.1], "lon": [-79.9, -80.1]})
    p = tmp_path / name
    writer(p, frame)
    t = prepare_sites(read_sites(p))
    assert t["latitude_deg"].tolist() == [35.9, 36.1] and t["error"].tolist() == ["", ""]
    if name.endswith((".csv", ".gz", ".gpkg")) and "parquet" not in name:
        assert t["site_id"].tolist() == ["007", "8"]  # ids keep their leading zeros


@pytest.mark.parametrize("data,needle", [
    (b"", r"is empty \(0 bytes\)"), (b"lat,lon\n", None), (bytes(range(256)) * 8, "binary data"),
    (b'{"type":"FeatureCollection","features":[{"type":"Feat', "not valid JSON"),
    (b"PAR1\x00\x00PAR1", "starts like Parquet"), (b"<!DOCTYPE html><html>", "HTML/XML page"),
    ("lat,lon\n1,2\n".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    ("lat,lon,name\n1,2,caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
])
def test_unreadable_tables_are_data_errors_naming_the_file(tmp_path, data, needle):
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    if needle is None:  # a header and no rows: an empty table, refused by the CLI, not by the reader
        assert len(read_sites(p)) == 0
        return
    with pytest.raises(DataError, match=needle) as info:
        read_sites(p)
    assert "t.csv" in str(info.value)


def test_wkt_geometry_column(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text('site_id,wkt\na,"POINT (-79.9 35.9)"\nb,"not wkt"\n', encoding="utf-8")
    t = prepare_sites(read_sites(p))
    assert t["latitude_deg"].iloc[0] == pytest.approx(35.9) and "not readable WKT" in t["error"].iloc[1]


# -- geometries: parcels, lines, empty, null, CRS --------------------------------------------


def test_a_parcel_is_scored_at_a_point_inside_it_with_its_area(layers):
    # Reference (hand calculation): a 1 km x 1 km square drawn in EPSG:5070, an equal-area projection,
    # covers 1e6 m2 = 1e6 / 4046.8564224 acre (NIST SP 811) = 247.105 acre.
    sq = SL._square(-1, -1, 0, 0)  # a 1 km square at the synthetic origin, in EPSG:5070 metres
    lshape = shapely.Polygon([SL.km(0, 0), SL.km(3, 0), SL.km(3, 1), SL.km(1, 1), SL.km(1, 3), SL.km(0, 3)])
    g = gpd.GeoDataFrame({"site_id": ["sq", "L"]}, geometry=[sq, lshape], crs="EPSG:5070")
    out = score_sites(g, layers)
    assert out["site_area_acres"].iloc[0] == pytest.approx(1e6 / M2_PER_ACRE, rel=1e-9)
    assert out["site_area_acres"].iloc[1] == pytest.approx(5e6 / M2_PER_ACRE, rel=1e-9)
    # the L's representative point is inside the L (its centroid would not be)
    p = gpd.GeoSeries(gpd.points_from_xy(out["longitude_deg"], out["latitude_deg"]), crs=4326).to_crs(5070)
    assert lshape.contains(p.iloc[1]) and sq.contains(p.iloc[0])
    assert out["error"].tolist() == ["", ""] and out["score_total"].notna().all()
    assert batch_summary(out).area_sites == 2


def test_parcel_area_matches_the_geodesic_area(layers):
    # Independent tool: pyproj.Geod (Karney's geodesic algorithms on WGS84). A ~1 km lon/lat square's
    # edges differ between a straight line in EPSG:5070 and a geodesic by far less than 1e-4 of its area.
    lon0, lat0 = SL.lonlat(0, 0)
    sq = shapely.box(lon0, lat0, lon0 + 0.01, lat0 + 0.01)
    area, _ = Geod(ellps="WGS84").geometry_area_perimeter(sq)
    out = prepare_sites(gpd.GeoDataFrame({"site_id": ["g"]}, geometry=[sq], crs="EPSG:4326"))
    assert out["site_area_acres"].iloc[0] == pytest.approx(abs(area) / M2_PER_ACRE, rel=1e-4)


def test_lines_empty_null_and_collections_are_per_row_errors(layers):
    lon, lat = SL.lonlat(0, 0)
    g = gpd.GeoDataFrame(
        {"site_id": ["pt", "line", "empty", "null", "coll", "mp1", "mp3"]},
        geometry=[shapely.Point(lon, lat), shapely.LineString([(lon, lat), (lon + 0.1, lat)]), shapely.Point(),
                  None, shapely.GeometryCollection([shapely.Point(lon, lat)]), shapely.MultiPoint([(lon, lat)]),
                  shapely.MultiPoint([(lon, lat), (lon + 0.1, lat), (lon, lat + 0.1)])], crs="EPSG:4326")
    out = score_sites(g, layers)
    err = dict(zip(out["site_id"], out["error"]))
    assert err["pt"] == "" and err["mp1"] == ""
    assert "is a LineString" in err["line"] and "a site is a point or an area" in err["line"]
    assert "empty geometry" in err["empty"] and "no geometry" in err["null"]
    assert "GeometryCollection" in err["coll"] and "MultiPoint of 3 points" in err["mp3"]
    assert batch_summary(out).error_reasons["geometry not a point or polygon"] == 3
    assert len(out) == 7 and list(out["site_id"]) == list(g["site_id"])


def test_projected_coordinates_without_a_crs_get_a_hint(layers):
    g = gpd.GeoDataFrame({"site_id": ["p"]}, geometry=[shapely.Point(SL.km(0, 0))], crs=None)
    out = score_sites(g, layers)
    assert "look like projected coordinates" in out["error"].iloc[0] and "EPSG:4326" in out["error"].iloc[0]
    assert batch_summary(out).error_reasons == {"projected coordinates without a CRS": 1}


# -- ids, loads and output-named columns -----------------------------------------------------


def test_missing_ids_are_made_and_marked_repeated_ids_flagged(layers):
    lon, lat = SL.lonlat(0, 0)
    t = pd.DataFrame({"site_id": ["site-0000002", None, " ", "a", "a"], "lat": [lat] * 5, "lon": [lon] * 5})
    out = score_sites(t, layers)
    ids = out["site_id"].tolist()
    assert ids[0] == "site-0000002" and ids[1] == "site-0000002-2" and ids[2] == "site-0000003"  # no clash
    assert out["site_id_assigned"].tolist() == [False, True, True, False, False]
    assert out["error"].iloc[3] == "" and "repeats the id of row 4" in out["error"].iloc[4]
    s = batch_summary(out)
    assert s.ids_assigned == 2 and s.error_reasons == {"duplicate site_id": 1}


def test_one_row_out_of_range_load_does_not_stop_the_run(layers):
    lon, lat = SL.lonlat(0, 0)
    t = pd.DataFrame({"lat": [lat] * 5, "lon": [lon] * 5, "it_load_mw": [1e12, np.inf, -1, "abc", 50.0]})
    out = score_sites(t, layers)
    err = out["error"].tolist()
    assert all(e.startswith("it_load_mw=") and "<= 20,000 [MW]" in e for e in err[:4])
    assert err[4] == "" and out["score_total"].iloc[4] >= 0
    assert np.isnan(out["it_load_mw"].iloc[:4]).all() and out["it_load_mw"].iloc[4] == 50.0


def test_a_scored_table_can_be_scored_again(layers, tmp_path):
    lon, lat = SL.lonlat(0, 0)
    first = score_sites(pd.DataFrame({"site_id": ["a", "b"], "lat": [lat, np.nan], "lon": [lon, lon]}), layers)
    path = write_table(first, tmp_path / "scored.gpkg")
    again = score_sites(read_sites(path), layers)
    assert len(again) == 2 and "input_rank" in again and "input_score_total" in again and "input_error" in again
    assert again["score_total"].iloc[0] == pytest.approx(first["score_total"].iloc[0])
    renamed = batch_summary(again).renamed_columns
    assert renamed["rank"] == "input_rank" and renamed["explanation"] == "input_explanation"
    write_table(again, tmp_path / "again.gpkg")  # and written again without a clash
    third = score_sites(read_sites(tmp_path / "again.gpkg"), layers)
    assert "input_input_rank" in third and len(third) == 2


# -- writing ---------------------------------------------------------------------------------


def test_write_table_stores_awkward_columns(tmp_path):
    g = gpd.GeoDataFrame({"Name": ["a", "b"], "name": ["c", "d"], "fid": ["x", "y"], "mixed": [1, "two"],
                          "cr": ["a\rb", "c"]}, geometry=[shapely.Point(0, 0)] * 2, crs=4326)
    write_table(g, tmp_path / "t.gpkg")
    back = gpd.read_file(tmp_path / "t.gpkg")
    assert {"Name", "name_2", "fid_2", "mixed"} <= set(back.columns)
    write_table(g, tmp_path / "t.parquet")
    assert pd.read_parquet(tmp_path / "t.parquet")["mixed"].tolist() == ["1", "two"]
    write_table(g, tmp_path / "t.csv")
    assert len(pd.read_csv(tmp_path / "t.csv")) == 2  # the carriage return is quoted: no extra row


def test_a_failed_write_leaves_the_previous_table(tmp_path, monkeypatch):
    g = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs=4326)
    path = write_table(g, tmp_path / "t.parquet")
    before = path.read_bytes()

    def full(self, p, *a, **k):
        Path(p).write_bytes(b"PAR1 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_parquet", full)
    with pytest.raises(OSError, match="No space left") as info:
        write_table(g.assign(a=[2]), path)
    assert info.value.filename == str(path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["t.parquet"]


def test_geojson_in_utf16_is_read(tmp_path):
    lon, lat = SL.lonlat(0, 0)
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"site_id": "u"}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}]}
    p = tmp_path / "u.geojson"
    p.write_bytes(json.dumps(doc).encode("utf-16"))
    t = prepare_sites(read_sites(p))
    assert t["site_id"].tolist() == ["u"] and t["latitude_deg"].iloc[0] == pytest.approx(lat)
