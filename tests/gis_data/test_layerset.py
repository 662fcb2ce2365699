"""Layer sets: TOML round trip, errors, memoised load, projection and index, cache, scan, CLI."""

from __future__ import annotations

import json
import os
import time

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point

from gis_data import cache
from gis_data.layerset import LayerSet, scan_directory, summarize
from models.errors import ConfigError, MissingDataError, UnknownNameError
from siting.cli import main


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))


def _write_region(folder):
    """A tiny region: two HIFLD-schema lines and three WPP-schema substations, plus a layers.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    gpd.GeoDataFrame({
        "ID": ["1", "2"], "TYPE": ["AC; OVERHEAD"] * 2, "STATUS": ["IN SERVICE"] * 2, "OWNER": ["A", "B"],
        "VOLTAGE": [345.0, 138.0], "VOLT_CLASS": ["345", "100-161"],
    }, geometry=[LineString([(-97.0, 31.0), (-97.0, 31.5)]), LineString([(-96.0, 31.0), (-96.0, 31.5)])],
        crs="EPSG:4326").to_file(folder / "lines.geojson", driver="GeoJSON")
    gpd.GeoDataFrame({
        "hifld_id": ["10", "11", "12"], "name": ["S1", "S2", "UNKNOWN000123"],
        "max_kv": ["345.0", "138.0", ""], "min_kv": ["138.0", "69.0", ""], "kv_range": ["300-400", "100-200", "unknown"],
    }, geometry=[Point(-97.0, 31.0), Point(-96.0, 31.5), Point(-95.0, 31.0)],
        crs="EPSG:4326").to_file(folder / "subs.geojson", driver="GeoJSON")
    (folder / "layers.toml").write_text(
        'name = "tiny"\n\n[layers.transmission]\npath = "lines.geojson"\nformat = "hifld_transmission"\n'
        '[layers.transmission.options]\nvintage = "2026-01"\n\n'
        '[layers.substations]\npath = "subs.geojson"\nformat = "hifld_substations"\n'
    )
    return folder


def test_from_path_load_memo_and_meta(tmp_path):
    folder = _write_region(tmp_path / "region")
    ls = LayerSet.from_path(folder)  # a folder holding layers.toml
    assert ls.roles == ("transmission", "substations") and ls.has("substations") and not ls.has("pipelines")
    assert not ls.is_synthetic
    lines = ls.load("transmission")
    assert ls.load("transmission") is lines  # memoised per instance
    assert lines.attrs["source"]["vintage"] == "2026-01"  # options reach the loader
    subs = ls.load("substations")
    assert subs["name"].isna().iloc[2]  # HIFLD's UNKNOWNnnnnnn placeholder
    meta = ls.meta("transmission")
    assert meta["rows"] == 2 and meta["bbox"] == [-97.0, 31.0, -96.0, 31.5] and meta["format"] == "hifld_transmission"
    with pytest.raises(MissingDataError, match=r"no 'pipelines' layer \(roles present: transmission, substations\)"):
        ls.load("pipelines")
    with pytest.raises(UnknownNameError, match="unknown layer role 'pipes'"):
        ls.load("pipes")


def test_projected_distances(tmp_path):
    ls = LayerSet.from_path(_write_region(tmp_path / "region") / "layers.toml")
    proj = ls.projected("substations")
    assert proj.crs.to_epsg() == 5070 and ls.projected("substations") is proj
    tree = shapely.STRtree(proj.geometry.to_numpy())
    # Nearest substation to a point 0.01 deg north of S1 is S1 (row 0); EPSG:5070 distance must match the
    # geodesic distance of 0.01 deg of latitude at 31 N, 1,108.7 m (pyproj Geod on WGS84), to 1 %
    # (Albers equal-area is not conformal: scale error along meridians < 1 % within CONUS).
    query = gpd.GeoSeries([Point(-97.0, 31.01)], crs="EPSG:4326").to_crs("EPSG:5070").iloc[0]
    idx = tree.nearest(query)
    assert idx == 0
    assert shapely.distance(query, proj.geometry.iloc[idx]) == pytest.approx(1108.7, rel=0.01)


def test_write_round_trip_and_errors(tmp_path):
    ls = LayerSet.from_path(_write_region(tmp_path / "region"))
    out = ls.write(tmp_path / "elsewhere" / "copy.toml")
    text = out.read_text()
    assert '"../region/lines.geojson"' in text  # relative to the new file's folder
    again = LayerSet.from_path(out)
    assert again.specs == ls.specs
    with pytest.raises(ConfigError, match="exists"):
        ls.write(out)
    bad = tmp_path / "bad.toml"
    bad.write_text('[layers.transmission]\npath = "x"\nformat = "hifld_substations"\n')
    with pytest.raises(ConfigError, match="fills role 'substations', not 'transmission'"):
        LayerSet.from_path(bad)
    bad.write_text('[layers.transmission]\npath = "x"\nformat = "hifld_transmission"\ncolour = 1\n')
    with pytest.raises(ConfigError, match="unknown key"):
        LayerSet.from_path(bad)
    bad.write_text('[layers.transmission]\npath = "x"\nformat = "nope"\n')
    with pytest.raises(UnknownNameError, match="hifld_transmission"):
        LayerSet.from_path(bad)
    with pytest.raises(MissingDataError, match="does not exist"):
        LayerSet.from_path(tmp_path / "absent")


def test_several_files_are_concatenated(tmp_path):
    folder = _write_region(tmp_path / "region")
    gpd.read_file(folder / "lines.geojson").to_file(folder / "lines2.geojson", driver="GeoJSON")
    (folder / "two.toml").write_text(
        '[layers.transmission]\npath = ["lines.geojson", "lines2.geojson"]\nformat = "hifld_transmission"\n')
    frame = LayerSet.from_path(folder / "two.toml").load("transmission")
    # The second file repeats both lines: they are kept once and counted.
    assert len(frame) == 2 and frame.crs.to_epsg() == 4326
    rep = frame.attrs["load_report"]
    assert rep["source_rows"] == 4 and rep["kept_rows"] == 2
    assert rep["dropped"] == {"exact duplicate feature across files": 2}
    shifted = gpd.read_file(folder / "lines.geojson")
    shifted["geometry"] = shifted.geometry.translate(xoff=0.5)
    shifted.to_file(folder / "lines2.geojson", driver="GeoJSON")
    both = LayerSet.from_path(folder / "two.toml", use_cache=False).load("transmission")
    assert len(both) == 4 and both.attrs["load_report"]["kept_rows"] == 4


def test_cache_serves_second_load_and_invalidates_on_change(tmp_path):
    folder = _write_region(tmp_path / "region")
    first = LayerSet.from_path(folder).load("transmission")
    entries = list(cache.cache_dir().glob("*.parquet"))
    assert len(entries) == 1
    second = LayerSet.from_path(folder).load("transmission")  # new instance: served from the cache
    assert list(second.columns) == list(first.columns) and second.crs.to_epsg() == 4326
    assert second.geometry.geom_equals(first.geometry).all()
    assert second.attrs["load_report"] == first.attrs["load_report"]
    assert second["voltage_kv"].tolist() == first["voltage_kv"].tolist()
    # Touching the file changes its mtime: a new key, so a new entry.
    os.utime(folder / "lines.geojson", ns=(time.time_ns(), time.time_ns() + 10**9))
    LayerSet.from_path(folder).load("transmission")
    assert len(list(cache.cache_dir().glob("*.parquet"))) == 2
    assert cache.clear() == 4  # two parquet files and their two JSON sidecars
    # use_cache=False neither reads nor writes.
    LayerSet.from_path(folder, use_cache=False).load("transmission")
    assert not list(cache.cache_dir().glob("*.parquet"))


def test_concurrent_writers_of_one_key(tmp_path):
    # Eight threads store the same key at once: each writes a temp file and renames it into place,
    # so the entry is complete and readable afterwards and no temp file is left behind.
    import threading

    folder = _write_region(tmp_path / "region")
    frame = LayerSet.from_path(folder, use_cache=False).load("substations")
    root = tmp_path / "shared-cache"
    threads = [threading.Thread(target=cache.write, args=("k" * 32, frame, root)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    back = cache.read("k" * 32, root)
    assert back is not None and back["substation_id"].tolist() == ["10", "11", "12"]
    assert sorted(p.name for p in root.iterdir()) == ["k" * 32 + ".json", "k" * 32 + ".parquet"]


def test_scan_recognises_schema_not_names(tmp_path):
    folder = _write_region(tmp_path / "region")
    (folder / "layers.toml").unlink()
    (folder / "lines.geojson").rename(folder / "whatever.geojson")  # the name says nothing
    (folder / "notes.txt").write_text("not a layer")
    ls = scan_directory(tmp_path)
    assert ls.roles == ("transmission", "substations")
    assert ls.specs["transmission"].format == "hifld_transmission"
    assert ls.specs["substations"].format == "hifld_substations"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(MissingDataError, match="no supported layer"):
        scan_directory(empty)


def test_sample_is_synthetic():
    try:
        ls = LayerSet.sample()
    except MissingDataError as exc:  # pragma: no cover - the sample ships with the package
        pytest.fail(str(exc))
    assert ls.is_synthetic
    assert {"transmission", "substations", "pipelines", "plants"} <= set(ls.roles)
    lines = ls.load("transmission")
    assert lines.attrs["source"]["synthetic"] is True and len(lines) > 0
    assert lines.attrs["source"]["vintage"] == "synthetic" and "synthetic" in lines.attrs["source"]["name"]


def test_cli_scan_and_list(tmp_path, capsys):
    _write_region(tmp_path / "region")
    (tmp_path / "region" / "layers.toml").unlink()
    out = tmp_path / "found.toml"
    assert main(["-q", "data", "scan", str(tmp_path / "region"), "--out", str(out)]) == 0
    assert out.exists()
    assert main(["-q", "data", "scan", str(tmp_path / "region"), "--out", str(out)]) == 2  # no --overwrite
    capsys.readouterr()
    assert main(["-q", "data", "list", "--layers", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = {r["role"]: r for r in doc["layers"]}
    assert rows["transmission"]["rows"] == 2 and rows["substations"]["rows"] == 3
    assert rows["transmission"]["bbox"] == [-97.0, 31.0, -96.0, 31.5]
    assert main(["-q", "data", "list", "--layers", str(out)]) == 0
    text = capsys.readouterr().out
    assert "transmission" in text and "hifld_transmission" in text and "public domain" in text


@pytest.mark.shared_data
def test_scan_of_shared_data_picks_national_layers(shared_data, tmp_path):
    ls = scan_directory(shared_data)
    # The national all-voltage layer (every class) beats the national >= 345 kV split (more detail) and the
    # regional Indiana and Texas extracts (national coverage first).
    assert ls.specs["transmission"].format == "hifld_transmission_volt_class"
    assert [p.name for p in ls.specs["transmission"].paths] == ["hifld_transmission_lines_us_z8.parquet"]
    assert {a.format for a in ls.alternatives if a.role == "transmission"} == {
        "hifld_transmission", "hifld_transmission_simplified", "hifld_transmission_by_class"}
    assert ls.specs["plants"].format == "eia860_generators"
    assert ls.specs["queue"].format == "ercot_gis_report"
    rows = {r["role"]: r["rows"] for r in summarize(ls)}
    # 102,454 decoded pieces (PROVENANCE) less 876 byte-identical ones decoded twice
    assert rows["transmission"] == 101_578 and rows["substations"] == 56363
    out = ls.write(tmp_path / "layers.toml")
    assert "# also found:" in out.read_text()


def test_substations_without_state_get_it_from_the_states_layer(tmp_path):
    folder = _write_region(tmp_path / "r")
    gpd.GeoDataFrame({"STATEFP": ["48", "22"], "STUSPS": ["TX", "LA"], "GEOID": ["48", "22"],
                      "NAME": ["Texas", "Louisiana"]},
                     geometry=[shapely.box(-97.5, 30.5, -95.5, 32.0), shapely.box(-95.5, 30.5, -94.5, 32.0)],
                     crs="EPSG:4326").to_file(folder / "states.geojson", driver="GeoJSON")
    without = LayerSet.from_path(folder, use_cache=False).load("substations")
    assert without["state_abbr"].isna().all()  # the WPP repackaging has no state and no states layer is set
    with open(folder / "layers.toml", "a") as fh:
        fh.write('\n[layers.states]\npath = "states.geojson"\nformat = "census_states"\n')
    subs = LayerSet.from_path(folder).load("substations").set_index("substation_id")
    assert subs["state_abbr"].to_dict() == {"10": "TX", "11": "TX", "12": "LA"}
    assert subs.attrs["load_report"]["repaired"]["state_abbr filled from the states layer (point in polygon)"] == 3
    again = LayerSet.from_path(folder).load("substations")  # second load through the on-disk cache
    assert again["state_abbr"].tolist() == subs["state_abbr"].tolist()


@pytest.mark.shared_data
def test_real_substations_get_their_state_from_census(shared_data, tmp_path):
    (tmp_path / "layers.toml").write_text(
        f'[layers.substations]\npath = "{shared_data / "substations_us_hifld/hifld_substations.geojson.gz"}"\n'
        'format = "hifld_substations"\n'
        f'[layers.states]\npath = "{shared_data / "boundaries_us_census/cb_2018_us_state_20m.zip"}"\n'
        'format = "census_states"\n')
    subs = LayerSet.from_path(tmp_path, use_cache=False).load("substations")
    rep = subs.attrs["load_report"]["repaired"]
    assert rep["state_abbr filled from the states layer (point in polygon)"] == 55919
    assert rep["state_abbr left missing: point outside every state polygon"] == 444  # offshore, Guam, USVI ...
    assert (subs["state_abbr"] == "TX").sum() == 4360  # PROVENANCE: "Texas: 4,360 points"
    by_id = subs.set_index("substation_id")
    # HIFLD 70911 "Sylmar East" (1,000 kV class): the southern converter station of the Pacific DC
    # Intertie in Sylmar, Los Angeles; HIFLD 38394 "Greentown" (765 kV): AEP's station in Howard County, Indiana
    assert by_id.loc["70911", "name"] == "Sylmar East" and by_id.loc["70911", "state_abbr"] == "CA"
    assert by_id.loc["38394", "name"] == "Greentown" and by_id.loc["38394", "state_abbr"] == "IN"
