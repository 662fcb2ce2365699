"""Elevation from pvlib's altitude map and raster sampling (CRS, nodata, windows)."""

from __future__ import annotations

import numpy as np
import pytest
from pvlib.location import lookup_altitude

from gis_data import elevation as el
from models.errors import ConfigError, CRSError, MissingDataError


def test_pvlib_altitude_matches_lookup_altitude():
    # independent reference: pvlib's own scalar lookup, point by point
    lat = np.array([36.1, 33.45, 39.74, 29.76, 44.35, 27.88, -33.9, 46.5])
    lon = np.array([-79.95, -112.07, -104.99, -95.37, -106.47, -82.5, 18.4, 7.9])
    ours = el.pvlib_altitude(lat, lon)
    ref = np.array([lookup_altitude(a, o) for a, o in zip(lat, lon)])
    # Cape Town's cell (-33.9, 18.4) is nodata in the map: pvlib returns 0 m there, we return NaN (unknown)
    assert ref[6] == 0.0 and np.isnan(ours[6])
    keep = np.arange(lat.size) != 6
    np.testing.assert_array_equal(ours[keep], ref[keep])  # same cells, same decoding: exact


def test_pvlib_altitude_plausible_and_nodata():
    # Greensboro TMY3 header: 273 m; Denver ~1,609 m. The map is coarse (28 m steps, 1/12 deg cells):
    # allow 100 m, the error pvlib's docstring states for this map
    got = el.altitude_at([36.1, 39.74], [-79.95, -104.99])
    assert got[0] == pytest.approx(273, abs=100)
    assert got[1] == pytest.approx(1609, abs=100)
    # altitude codes: value = code x 28 - 450; every result is on that grid
    assert np.allclose((got + 450) / 28, np.round((got + 450) / 28))
    with pytest.raises(ConfigError, match="invalid"):
        el.altitude_at([91.0], [0.0])


def test_sample_raster_in_utm_with_nodata(tmp_path, write_geotiff):
    # 10 x 10 cells of 1 km in UTM 17N (EPSG:32617) around Greensboro; value = 100*row + col; one nodata cell
    from pyproj import Transformer

    x0, y0 = 600_000.0, 4_000_000.0
    data = (100 * np.arange(10)[:, None] + np.arange(10)[None, :]).astype("float32")
    data[2, 3] = -9999.0
    tif = tmp_path / "dem.tif"
    write_geotiff(tif, data, "EPSG:32617", west=x0, north=y0, xres=1000.0, yres=1000.0, nodata=-9999.0)
    to_ll = Transformer.from_crs("EPSG:32617", "EPSG:4326", always_xy=True)
    # cell centres of (row 5, col 7), (row 2, col 3) (nodata), and a point 50 km outside
    xs = np.array([x0 + 7500.0, x0 + 3500.0, x0 - 50_000.0])
    ys = np.array([y0 - 5500.0, y0 - 2500.0, y0])
    lon, lat = to_ll.transform(xs, ys)
    got = el.sample_raster(tif, lon, lat)
    assert got[0] == 507.0 and np.isnan(got[1]) and np.isnan(got[2])
    np.testing.assert_array_equal(el.altitude_at(lat, lon, dem=tif), got)
    # point-by-point path (rasterio sample) gives the same values
    old = el.MAX_WINDOW_PIXELS
    try:
        el.MAX_WINDOW_PIXELS = 0
        np.testing.assert_array_equal(el.sample_raster(tif, lon, lat), got)
    finally:
        el.MAX_WINDOW_PIXELS = old


def test_sample_raster_geographic_and_errors(tmp_path, write_geotiff):
    data = np.array([[1, 2], [3, 4]], dtype="uint8")
    tif = tmp_path / "mask.tif"
    write_geotiff(tif, data, "EPSG:4326", west=-80.0, north=36.0, xres=0.5, yres=0.5, nodata=0)
    # cells: columns [-80, -79.5], [-79.5, -79]; rows [35.5, 36], [35, 35.5] (by hand)
    # (-79.75, 35.75) row 0 col 0 = 1; (-79.25, 35.25) row 1 col 1 = 4; (-79.25, 35.75) row 0 col 1 = 2;
    # (-78.75, 35.75) is east of the raster -> NaN
    got = el.sample_raster(tif, [-79.75, -79.25, -79.25, -78.75], [35.75, 35.25, 35.75, 35.75])
    assert got[:3].tolist() == [1.0, 4.0, 2.0] and np.isnan(got[3])
    # a nodata cell (value 0 is the declared nodata)
    data0 = data.copy()
    data0[0, 0] = 0
    tif0 = tmp_path / "mask0.tif"
    write_geotiff(tif0, data0, "EPSG:4326", west=-80.0, north=36.0, xres=0.5, yres=0.5, nodata=0)
    assert np.isnan(el.sample_raster(tif0, [-79.75], [35.75])[0])
    with pytest.raises(ConfigError, match="band 2"):
        el.sample_raster(tif, [-79.75], [35.75], band=2)
    nocrs = tmp_path / "nocrs.tif"
    write_geotiff(nocrs, data, None, west=-80.0, north=36.0, xres=0.5, yres=0.5, nodata=0)
    with pytest.raises(CRSError, match="no CRS"):
        el.sample_raster(nocrs, [-79.75], [35.75])
    with pytest.raises(MissingDataError):
        el.sample_raster(tmp_path / "missing.tif", [0.0], [0.0])
