"""TMY3 weather: column mapping against pvlib, station lists, nearest station, weather for a site."""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pvlib.iotools import read_tmy3

from gis_data import weather as wx
from gis_data.canonical import check_canonical
from models.errors import ConfigError, CRSError, DataError, MissingDataError


def _sample_stations():
    with resources.as_file(resources.files("gis_data").joinpath("sample", "stations.csv")) as p:
        return wx.load_tmy3_stations(p)


def test_greensboro_from_pvlib_matches_read_tmy3():
    w = wx.load_weather("pvlib:723170TYA.CSV")
    path = wx.resolve_weather_path("pvlib:723170TYA.CSV")
    ref, meta = read_tmy3(str(path), map_variables=True, coerce_year=wx.TYPICAL_YEAR)
    assert len(w) == 8760 and list(w.columns[:8]) == list(wx.WEATHER_COLUMNS)
    assert str(w.index.tz) == "UTC-05:00"  # Greensboro: local standard time, TMY3 header TZ -5
    assert w.index[0] == pd.Timestamp("2021-01-01 01:00", tz="UTC-05:00")  # hour-ending stamps
    assert ((w.index[1:] - w.index[:-1]) == pd.Timedelta(hours=1)).all()
    # independent reader (pvlib): identical values, pressure mbar x 100 = Pa
    np.testing.assert_array_equal(w["temp_air_degc"].to_numpy(), ref["temp_air"].to_numpy(dtype=float))
    np.testing.assert_array_equal(w["temp_dew_degc"].to_numpy(), ref["temp_dew"].to_numpy(dtype=float))
    np.testing.assert_array_equal(w["relative_humidity_pct"].to_numpy(), ref["relative_humidity"].to_numpy(dtype=float))
    np.testing.assert_allclose(w["pressure_pa"].to_numpy(), ref["pressure"].to_numpy(dtype=float) * 100.0, rtol=1e-12)
    for ours, theirs in [("ghi_w_per_m2", "ghi"), ("dni_w_per_m2", "dni"), ("dhi_w_per_m2", "dhi"),
                         ("wind_speed_m_per_s", "wind_speed")]:
        np.testing.assert_array_equal(w[ours].to_numpy(), ref[theirs].to_numpy(dtype=float))
    assert w.attrs["station"]["station_id"] == "723170"
    assert w.attrs["station"]["elevation_m"] == 273.0
    # Greensboro at 273 m: pressure around 980 hPa (standard atmosphere at 273 m is 98.1 kPa); 2 % for weather
    assert w["pressure_pa"].mean() == pytest.approx(98_100, rel=0.02)


def test_sample_stations_point_to_pvlib_greensboro():
    s = _sample_stations()
    check_canonical(s, "weather_stations")
    assert s["station_id"].tolist() == ["723170"]
    assert Path(s["path"].iloc[0]).name == "723170TYA.CSV" and Path(s["path"].iloc[0]).exists()


def test_nearest_station_by_hand():
    st = gpd.GeoDataFrame({"station_id": ["a", "b"], "station_name": ["A", "B"], "state_abbr": ["", ""],
                           "elevation_m": [0.0, 0.0], "path": ["", ""]},
                          geometry=gpd.points_from_xy([-80.0, -90.0], [36.0, 36.0]), crs="EPSG:4326")
    row, d = wx.nearest_station(36.1, -80.0, st)
    # 0.1 deg of latitude at 36 N is 11.09 km on the WGS84 ellipsoid (meridian arc, hand value 110.96 km/deg)
    assert row["station_id"] == "a"
    assert d == pytest.approx(11.096, rel=1e-3)  # rel: hand value to 4 digits
    idx, dist = wx.nearest_stations([36.0, 36.0], [-89.0, -80.5], st)
    assert idx.tolist() == [1, 0]
    # 1 deg of longitude at 36 N on WGS84 is 90.2 km (parallel radius x pi/180); geodesic is a hair shorter
    assert dist[0] == pytest.approx(90.16, rel=2e-3)  # rel: geodesic vs parallel arc differ by < 0.1 %
    with pytest.raises(ConfigError, match="lat=95"):
        wx.nearest_station(95.0, 0.0, st)
    with pytest.raises(CRSError):
        wx.nearest_station(36.0, -80.0, st.to_crs("EPSG:5070"))


class _Layers:
    def __init__(self, stations):
        self._s = stations

    def load(self, role):
        assert role == "weather_stations"
        return self._s


def test_weather_for_site_in_sample_region():
    found = wx.weather_for_site(_Layers(_sample_stations()), 36.0, -79.5)
    assert isinstance(found, tuple) and len(found.weather) == 8760
    assert found.station["station_name"] == "GREENSBORO PIEDMONT TRIAD INT"
    assert 30 < found.distance_km < 50  # 0.45 deg east, 0.1 deg south of the airport: about 41 km
    with pytest.raises(MissingDataError, match="max_distance_km"):
        wx.weather_for_site(_Layers(_sample_stations()), 30.0, -79.5, max_distance_km=100)


def test_bad_files(tmp_path):
    bad = tmp_path / "x.tmy3"
    bad.write_text("not,a,header\n", encoding="utf-8")
    with pytest.raises(DataError, match="TMY3"):
        wx.load_weather(bad)
    with pytest.raises(MissingDataError, match="not found"):
        wx.load_weather(tmp_path / "missing.tmy3")
    csv = tmp_path / "w.csv"
    pd.DataFrame({"time": ["2021-01-01T01:00"], **{c: [1.0] for c in wx.WEATHER_COLUMNS}}).to_csv(csv, index=False)
    with pytest.raises(DataError, match="UTC offset"):
        wx.load_weather(csv)


def test_canonical_csv_roundtrip(tmp_path):
    w = wx.load_weather("pvlib:723170TYA.CSV")
    csv = tmp_path / "greensboro.csv"
    w.reset_index().assign(time=lambda d: d["time"].map(lambda t: t.isoformat())).to_csv(csv, index=False)
    back = wx.load_weather(csv)
    np.testing.assert_array_equal(back["temp_air_degc"].to_numpy(), w["temp_air_degc"].to_numpy())
    assert back.index.equals(w.index)


@pytest.mark.shared_data
def test_real_tmy3_stations_and_phoenix(shared_data):
    folder = shared_data / "weather_tmy3_selected"
    s = wx.load_tmy3_stations(folder / "stations.csv")
    check_canonical(s, "weather_stations")
    assert len(s) == 136  # PROVENANCE: 136 stations (14 chosen for datacenter regions, 122 added by a 200 km cover)
    f = wx.load_tmy3_folder(folder)
    assert sorted(f["station_id"]) == sorted(s["station_id"])  # headers agree with stations.csv
    row, d = wx.nearest_station(33.45, -112.07, s)  # downtown Phoenix
    assert row["station_name"] == "PHOENIX SKY HARBOR INTL AP" and d < 15
    w = wx.load_weather(row["path"])
    assert str(w.index.tz) == "UTC-07:00"
    assert w["temp_air_degc"].max() > 43.0  # Phoenix TMY3 hottest hour (44.4 degC in the file)
    # PROVENANCE sanity value: Phoenix annual GHI 2,094 kWh/m2
    assert w["ghi_w_per_m2"].sum() / 1000 == pytest.approx(2094, rel=0.005)  # rel: rounded to the kWh/m2
    with gzip.open(row["path"], "rt") as fh:
        ref, _ = read_tmy3(fh, map_variables=True, coerce_year=wx.TYPICAL_YEAR)
    np.testing.assert_array_equal(w["temp_dew_degc"].to_numpy(), ref["temp_dew"].to_numpy(dtype=float))


def test_nearest_stations_equals_bruteforce_geodesic():
    # independent reference: geodesic (pyproj, WGS84) from every site to every station, argmin
    from pyproj import Geod

    rng = np.random.default_rng(1)
    st = gpd.GeoDataFrame({"station_id": [str(i) for i in range(60)]},
                          geometry=gpd.points_from_xy(rng.uniform(-124, -67, 60), rng.uniform(25, 49, 60)),
                          crs="EPSG:4326")
    lat, lon = rng.uniform(25, 49, 3000), rng.uniform(-124, -67, 3000)
    idx, dist = wx.nearest_stations(lat, lon, st)
    sx, sy = st.geometry.x.to_numpy(), st.geometry.y.to_numpy()
    _, _, d = Geod(ellps="WGS84").inv(np.repeat(lon, 60), np.repeat(lat, 60), np.tile(sx, 3000), np.tile(sy, 3000))
    d = d.reshape(3000, 60) / 1000
    np.testing.assert_allclose(dist, d.min(axis=1), rtol=1e-12)  # same geodesic code: round-off only
    assert (idx == d.argmin(axis=1)).mean() > 0.999  # exact ties may pick either station


def test_pvlib_data_folder_as_station_list():
    # pvlib ships two TMY3 files (Greensboro NC, Sand Point AK) among other CSVs, which are skipped and counted
    s = wx.load_tmy3_folder(wx.resolve_weather_path("pvlib:723170TYA.CSV").parent)
    check_canonical(s, "weather_stations")
    assert sorted(s["station_id"]) == ["703165", "723170"]
    assert s.attrs["load_report"]["dropped"]["file without a TMY3 site header"] >= 1
    # Sand Point, Alaska (55.317 N, 160.517 W): outside CONUS the geodesic distance still holds;
    # Cold Bay (55.2 N, 162.7 W) is about 139 km away (WGS84 geodesic, independently from pyproj)
    from pyproj import Geod

    row, d = wx.nearest_station(55.2, -162.7, s)
    assert row["station_id"] == "703165"
    assert d == pytest.approx(Geod(ellps="WGS84").inv(-162.7, 55.2, -160.517, 55.317)[2] / 1000, rel=1e-12)
    w = wx.load_weather(row["path"])
    assert len(w) == 8760 and str(w.index.tz) == "UTC-09:00"


def test_tmy3_served_from_the_cache_equals_a_fresh_parse_and_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    """The parsed TMY3 year is cached like a layer (key: path, size, mtime): the cached frame is the
    fresh parse exactly (values, tz-aware index, station header, source), and rewriting the file
    invalidates it."""
    import os
    import shutil

    import pandas as pd

    from gis_data import cache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    src = wx.resolve_weather_path("pvlib:723170TYA.CSV")
    path = tmp_path / src.name
    shutil.copyfile(src, path)
    fresh = wx.load_weather(path, use_cache=False)
    first = wx.load_weather(path)  # parses and writes the entry
    assert len(list((tmp_path / "cache").glob("*.parquet"))) == 1
    second = wx.load_weather(path)  # served from it
    for got in (first, second):
        pd.testing.assert_frame_equal(got, fresh)
        assert got.attrs == fresh.attrs and str(got.index.tz) == str(fresh.index.tz)
    # a changed file (new size and mtime) is a new key: parsed again, not served stale
    text = path.read_text(encoding="latin-1").splitlines(keepends=True)
    fields = text[2].split(",")
    fields[31] = "-40.0"  # first hour's dry-bulb temperature [degC] (TMY3 column 32)
    text[2] = ",".join(fields)
    path.write_text("".join(text), encoding="latin-1")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    changed = wx.load_weather(path)
    assert changed["temp_air_degc"].iloc[0] == -40.0 != fresh["temp_air_degc"].iloc[0]
