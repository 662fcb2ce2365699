"""Raster roles in layer sets: elevation and user GeoTIFFs, listed and sampled through the layer set."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gis_data.elevation import sample_raster
from gis_data.layerset import LayerSet, scan_directory
from models.errors import ConfigError, MissingDataError, UnknownNameError


@pytest.fixture
def raster_set(tmp_path, write_geotiff):
    # 4326 DEM: 4x4 cells of 0.25 deg from (-100, 32) down to 31; value = 100*row + col, one nodata cell.
    dem = (100 * np.arange(4)[:, None] + np.arange(4)[None, :]).astype("float32")
    dem[3, 3] = -9999.0
    write_geotiff(tmp_path / "dem.tif", dem, "EPSG:4326", west=-100.0, north=32.0, xres=0.25, yres=0.25, nodata=-9999.0)
    # EPSG:5070 exclusion raster, 1 km cells, uint8 with nodata 255.
    excl = np.zeros((5, 6), dtype="uint8")
    excl[0, 0] = 1
    write_geotiff(tmp_path / "excl.tif", excl, "EPSG:5070", west=-300_000.0, north=1_000_000.0, xres=1000.0, yres=1000.0,
                  nodata=255)
    (tmp_path / "layers.toml").write_text(
        '[layers.elevation]\npath = "dem.tif"\nformat = "geotiff"\n'
        '[layers.exclusion_raster]\npath = "excl.tif"\nformat = "geotiff"\n', encoding="utf-8")
    return tmp_path


def test_raster_path_and_sampling_through_layer_set(raster_set):
    layers = LayerSet.from_path(raster_set)
    dem = layers.raster_path("elevation")
    assert dem == raster_set / "dem.tif"
    assert layers.has("elevation") and not layers.has("cost_raster")
    # cell centres, by construction: row 1 col 2 = 102; row 3 col 3 is nodata -> NaN; outside -> NaN
    vals = sample_raster(dem, [-99.375, -99.125, -90.0], [31.625, 31.125, 31.5])
    np.testing.assert_array_equal(vals[:1], [102.0])  # exact: written integers read back
    assert np.isnan(vals[1]) and np.isnan(vals[2])


def test_raster_errors_name_the_fix(raster_set):
    layers = LayerSet.from_path(raster_set)
    with pytest.raises(MissingDataError, match="cost_raster"):
        layers.raster_path("cost_raster")
    with pytest.raises(UnknownNameError, match="resource_raster"):
        layers.raster_path("slope")
    bad = raster_set / "bad.toml"
    bad.write_text('[layers.elevation]\npath = "dem.tif"\nformat = "census_states"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="geotiff"):
        LayerSet.from_path(bad)


def test_layer_set_round_trips_rasters(raster_set, tmp_path):
    layers = LayerSet.from_path(raster_set)
    out = layers.write(raster_set / "copy.toml")
    again = LayerSet.from_path(out)
    assert again.raster_path("exclusion_raster") == raster_set / "excl.tif"


def test_data_list_reports_raster_properties(raster_set, capsys):
    from siting.cli import main

    assert main(["data", "list", "--layers", str(raster_set), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by_role = {r["role"]: r for r in doc["rasters"]}
    dem, excl = by_role["elevation"], by_role["exclusion_raster"]
    assert dem["crs"] == "EPSG:4326" and dem["resolution"] == [0.25, 0.25] and dem["nodata"] == -9999.0
    assert (dem["width"], dem["height"]) == (4, 4)
    assert dem["bounds"] == [-100.0, 31.0, -99.0, 32.0]
    assert excl["crs"] == "EPSG:5070" and excl["resolution"] == [1000.0, 1000.0] and excl["nodata"] == 255
    assert excl["bounds"] == [-300_000.0, 995_000.0, -294_000.0, 1_000_000.0]
    assert excl["bbox_wgs84"][0] < excl["bbox_wgs84"][2]  # reprojected to lon/lat
    assert main(["data", "list", "--layers", str(raster_set)]) == 0
    text = capsys.readouterr().out
    assert "elevation" in text and "EPSG:5070" in text


def test_scan_recognises_geotiffs(raster_set):
    layers = scan_directory(raster_set, use_cache=False)
    assert layers.raster_path("elevation").name == "dem.tif"
    assert any(a.path.name == "excl.tif" and "raster role" in a.reason for a in layers.alternatives)
