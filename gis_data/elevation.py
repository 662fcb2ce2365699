"""Elevation and raster values at points.

* :func:`altitude_at`: ground elevation at sites, by default from the coarse global
  altitude map pvlib ships (``pvlib/data/Altitude.h5``, the map behind
  :func:`pvlib.location.lookup_altitude`: 1/12 degree cells, 28 m steps), read once for
  all points; or from a user DEM GeoTIFF.
* :func:`sample_raster`: the value of any single-band raster (exclusion mask, cost
  surface, resource map, DEM) at points, in the raster's own CRS, nodata -> NaN.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from models.errors import ConfigError, CRSError, DataError, MissingDataError

log = logging.getLogger(__name__)

#: Altitude.h5 grid: 2160 rows from 90 N to 90 S, 4320 columns from 180 W to 180 E (1/12 degree).
_ALT_ROWS, _ALT_COLS = 2160, 4320
#: Altitude.h5 encoding: altitude = code x 28 m - 450 m; code 255 = nodata (pvlib.location.lookup_altitude).
_ALT_STEP_M, _ALT_OFFSET_M, _ALT_NODATA = 28.0, -450.0, 255
#: Above this many pixels, sample_raster reads point by point (rasterio sample) instead of one window.
MAX_WINDOW_PIXELS = 25_000_000


def _check_lonlat(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    if lon.shape != lat.shape:
        raise ConfigError(f"lon and lat must have the same shape, got {lon.shape} and {lat.shape}")
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if bad.any():
        i = int(np.argmax(bad))
        raise ConfigError(f"coordinates lon={lon[i]}, lat={lat[i]} invalid; expected |lon| <= 180, |lat| <= 90 (WGS84)")
    return lon, lat


def _grid_index(deg: np.ndarray, lo: float, hi: float, n: int) -> np.ndarray:
    """Cell index of ``deg`` on an ``n``-cell axis from ``lo`` to ``hi`` (pvlib.tools._degrees_to_index, vectorised)."""
    scale = n / (hi - lo)
    center = lo + 1 / scale / 2
    idx = (deg - center) * scale
    return np.clip(np.around(idx), 0, n - 1).astype(int)


def pvlib_altitude(lat, lon) -> np.ndarray:
    """Ground altitude from pvlib's shipped global map, for many points at once.

    The same cells and decoding as :func:`pvlib.location.lookup_altitude`, but the file
    is opened once and only the window covering the points is read.

    Parameters
    ----------
    lat, lon : array-like of float
        Coordinates [deg, WGS84].

    Returns
    -------
    numpy.ndarray of float
        Altitude [m]; NaN where the map has no data (pvlib returns 0 there).

    References
    ----------
    pvlib-python, ``pvlib.location.lookup_altitude`` and ``pvlib/data/Altitude.h5`` (Mapzen
    terrain tiles aggregated to 1/12 degree; errors of 100 m or more are possible).
    """
    import h5py
    import pvlib

    lon, lat = _check_lonlat(lon, lat)
    rows = _grid_index(lat, 90.0, -90.0, _ALT_ROWS)
    cols = _grid_index(lon, -180.0, 180.0, _ALT_COLS)
    path = Path(pvlib.__file__).resolve().parent / "data" / "Altitude.h5"
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    with h5py.File(path, "r") as f:
        block = f["Altitude"][r0:r1, c0:c1]
    code = block[rows - r0, cols - c0].astype(float)
    alt = code * _ALT_STEP_M + _ALT_OFFSET_M
    alt[code == _ALT_NODATA] = np.nan
    return alt


def sample_raster(path, lon, lat, *, band: int = 1) -> np.ndarray:
    """Values of a raster band at points given in WGS84 lon/lat.

    Points are transformed to the raster's CRS; when the points' window is small
    (:data:`MAX_WINDOW_PIXELS`) it is read once, otherwise values are read point by point
    with rasterio's ``sample``. Nodata (and masked) cells and points outside the raster
    give NaN.

    Parameters
    ----------
    path : str or Path
        GeoTIFF (or any raster GDAL reads) with a CRS.
    lon, lat : array-like of float
        Point coordinates [deg, WGS84].
    band : int
        1-based band number.

    Returns
    -------
    numpy.ndarray of float
        Band values at the points [raster units], NaN for nodata or outside.

    Raises
    ------
    CRSError
        The raster has no CRS.
    MissingDataError
        The file does not exist.
    """
    import rasterio
    from rasterio.windows import Window

    lon, lat = _check_lonlat(lon, lat)
    p = Path(path).expanduser()
    if not p.exists():
        raise MissingDataError(f"raster {str(p)!r} does not exist; check the path")
    try:
        src = rasterio.open(p)
    except rasterio.errors.RasterioIOError as exc:
        raise DataError(f"cannot read {str(p)!r} as a raster: {exc}") from None
    with src:
        if src.crs is None:
            raise CRSError(f"raster {p.name!r} has no CRS; assign one (gdal_edit.py -a_srs EPSG:...) so points can be "
                           "placed on it")
        if not 1 <= band <= src.count:
            raise ConfigError(f"band {band} not in raster {p.name!r}, which has bands 1..{src.count}")
        if src.crs.to_epsg() == 4326:
            xs, ys = lon, lat
        else:
            from rasterio.warp import transform

            xs, ys = (np.asarray(v, dtype=float) for v in transform("EPSG:4326", src.crs, lon, lat))
        rows, cols = rasterio.transform.rowcol(src.transform, xs, ys)
        rows, cols = np.asarray(rows, dtype=int), np.asarray(cols, dtype=int)
        inside = (rows >= 0) & (rows < src.height) & (cols >= 0) & (cols < src.width)
        out = np.full(lon.shape, np.nan)
        if not inside.any():
            return out
        r, c = rows[inside], cols[inside]
        r0, r1, c0, c1 = r.min(), r.max() + 1, c.min(), c.max() + 1
        if (r1 - r0) * (c1 - c0) <= MAX_WINDOW_PIXELS:
            block = src.read(band, window=Window(c0, r0, c1 - c0, r1 - r0), masked=True)
            vals = block[r - r0, c - c0]
            vals = np.ma.filled(vals.astype(float), np.nan)
        else:
            log.debug("sampling %s point by point (%d points, window too large)", p.name, len(r))
            pts = list(zip(np.asarray(xs)[inside], np.asarray(ys)[inside]))
            vals = np.array([np.ma.filled(v.astype(float), np.nan)[0]
                             for v in src.sample(pts, indexes=band, masked=True)])
        out[inside] = vals
    return out


def altitude_at(lat, lon, *, dem: str | Path | None = None) -> np.ndarray:
    """Ground elevation at sites.

    Parameters
    ----------
    lat, lon : array-like of float
        Site coordinates [deg, WGS84].
    dem : str or Path, optional
        A DEM GeoTIFF in metres (any CRS). Default: pvlib's coarse global map
        (:func:`pvlib_altitude`).

    Returns
    -------
    numpy.ndarray of float
        Elevation [m]; NaN where unknown (nodata, outside the DEM).
    """
    if dem is None:
        return pvlib_altitude(lat, lon)
    return sample_raster(dem, lon, lat)


def site_elevation_m(lat, lon, layers=None) -> np.ndarray:
    """Ground elevation of sites, as every path of the tool takes it.

    The layer set's ``elevation`` raster (a DEM GeoTIFF) when it has one, else pvlib's
    global map (:func:`altitude_at`); unknown cells (nodata, outside the DEM) give 0 m.

    Parameters
    ----------
    lat, lon : array_like
        Site coordinates [deg, WGS84].
    layers : LayerSet-like, optional
        May carry an ``elevation`` raster role (also through a ``PreparedLayers`` wrapper).

    Returns
    -------
    numpy.ndarray
        Elevation [m].
    """
    inner = getattr(layers, "layers", layers)
    dem = None
    if inner is not None and hasattr(inner, "raster_path") and inner.has("elevation"):
        dem = inner.raster_path("elevation")
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    if lat.size == 0:
        return np.empty(0)
    alt = np.asarray(altitude_at(lat, lon, dem=dem), dtype=float)
    return np.where(np.isfinite(alt), alt, 0.0)
