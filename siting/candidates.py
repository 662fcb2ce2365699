"""Candidate grids: points at a fixed spacing over a state or a bounding box, and score rasters.

The grid lives in EPSG:5070 (metres): cell centres sit at ``(k + 1/2) x spacing`` on
both axes, so grids of the same spacing line up across runs and regions, and a scored
grid maps one-to-one onto raster cells (:func:`write_score_geotiff`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS
from models.units import M_PER_KM
from siting.errors import ConfigError, DataError, unknown_name
from siting.profiles import SUBSCORES

log = logging.getLogger(__name__)

#: Bands of the score raster, in order: the total, then every sub-score of the profiles.
SCORE_BANDS = ("score_total",) + tuple(f"score_{k}" for k in SUBSCORES)

#: Refuse grids larger than this (a typo in --spacing-km would otherwise fill the disk) [points].
MAX_CELLS = 20_000_000


def _state_polygon(layers, state: str):
    if not layers.has("states"):
        raise DataError("a state grid needs the Census 'states' layer; add [layers.states] to the layer set or use --bbox")
    states = layers.load("states")
    key = str(state).strip().upper()
    for col in ("state_abbr", "state_fips", "state_name"):
        hit = states[states[col].astype("string").str.upper() == key]
        if len(hit):
            return hit.geometry.union_all()
    raise unknown_name("state (code, FIPS or name)", state, states["state_abbr"].astype(str),
                       also_match=states["state_name"].astype(str))


def _check_bbox(bbox: Sequence[float]):
    if len(bbox) != 4:
        raise ConfigError(f"bbox={list(bbox)!r}: expected 4 numbers west south east north [deg]")
    w, s, e, n = (float(v) for v in bbox)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ConfigError(
            f"bbox={list(bbox)!r}: expected west < east within -180..180 and south < north within -90..90 [deg], "
            "in the order west south east north"
        )
    return shapely.box(w, s, e, n)


def candidate_grid(spacing_km: float, *, state: str | None = None, bbox: Sequence[float] | None = None, layers=None) -> gpd.GeoDataFrame:
    """Grid points at ``spacing_km`` inside a state polygon or a lon/lat box.

    Parameters
    ----------
    spacing_km : float
        Distance between neighbouring points [km], in EPSG:5070.
    state : str, optional
        Two-letter code, FIPS code or name of a state in the layer set's ``states`` layer.
    bbox : sequence of 4 float, optional
        West, south, east, north [deg] (EPSG:4326). Exactly one of ``state`` or ``bbox``.
    layers : LayerSet-like, optional
        Needed for ``state``; default the embedded sample region.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with ``site_id`` (``cell-ROW-COL``), ``name``, ``latitude_deg``,
        ``longitude_deg`` [deg], ``cell_row`` and ``cell_col`` [-] (integer cell indexes of
        the global grid, row counted from the north), ordered north to south, west to east.
    """
    if (state is None) == (bbox is None):
        raise ConfigError("give exactly one of state or bbox")
    if isinstance(spacing_km, bool) or not isinstance(spacing_km, (int, float)) or not (spacing_km > 0) or not math.isfinite(spacing_km):
        raise ConfigError(f"spacing_km={spacing_km!r}: expected a positive distance [km]")
    if state is not None:
        if layers is None:
            from gis_data.layerset import LayerSet

            layers = LayerSet.sample()
        area = gpd.GeoSeries([_state_polygon(layers, state)], crs=GEOGRAPHIC_CRS)
    else:
        area = gpd.GeoSeries([_check_bbox(bbox)], crs=GEOGRAPHIC_CRS)
        area = area.segmentize(0.05)  # keep the box's curved edges in Albers (vertices every 0.05 deg)
    poly = area.to_crs(CONUS_METRIC_CRS).iloc[0]
    s = float(spacing_km) * M_PER_KM
    x0, y0, x1, y1 = poly.bounds
    c0, c1 = math.floor(x0 / s), math.ceil(x1 / s)
    r0, r1 = math.floor(y0 / s), math.ceil(y1 / s)
    n = (c1 - c0) * (r1 - r0)
    if n > MAX_CELLS:
        raise ConfigError(f"spacing_km={spacing_km}: the grid would hold about {n:,} points (limit {MAX_CELLS:,}); use a larger spacing")
    cols = np.arange(c0, c1)
    rows = np.arange(r1 - 1, r0 - 1, -1)  # north to south
    cc, rr = np.meshgrid(cols, rows)
    xs = (cc.ravel() + 0.5) * s
    ys = (rr.ravel() + 0.5) * s
    shapely.prepare(poly)
    inside = shapely.contains_xy(poly, xs, ys)
    xs, ys, cc, rr = xs[inside], ys[inside], cc.ravel()[inside], rr.ravel()[inside]
    pts = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs=CONUS_METRIC_CRS).to_crs(GEOGRAPHIC_CRS)
    row_idx = -rr  # row index grows southward
    ids = [f"cell-{r:+07d}-{c:+07d}" for r, c in zip(row_idx, cc)]
    out = gpd.GeoDataFrame(
        {
            "site_id": ids, "name": ids, "latitude_deg": pts.y.to_numpy(), "longitude_deg": pts.x.to_numpy(),
            "cell_row": row_idx.astype(np.int64), "cell_col": cc.astype(np.int64),
        },
        geometry=pts.to_numpy(), crs=GEOGRAPHIC_CRS,
    )
    out.attrs["spacing_km"] = float(spacing_km)
    log.info("candidate grid: %d points at %g km", len(out), spacing_km)
    return out


def grid_spacing_km(sites: pd.DataFrame) -> float | None:
    """The spacing of the :func:`candidate_grid` the sites lie on [km], or None when they are not one.

    A candidate grid's points sit at ``(cell_col + 1/2) x spacing`` and ``(-cell_row + 1/2) x
    spacing`` in EPSG:5070; the spacing is read back from the points and their
    ``cell_row``/``cell_col`` and accepted when every point sits within 1 % of a cell of its
    centre.

    Parameters
    ----------
    sites : pandas.DataFrame
        ``latitude_deg``, ``longitude_deg`` [deg], ``cell_row``, ``cell_col`` [-].

    Returns
    -------
    float or None
        Spacing [km], rounded to the metre.
    """
    if not {"cell_row", "cell_col", "latitude_deg", "longitude_deg"} <= set(sites.columns) or len(sites) == 0:
        return None
    lat = pd.to_numeric(sites["latitude_deg"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(sites["longitude_deg"], errors="coerce").to_numpy(dtype=float)
    row = pd.to_numeric(sites["cell_row"], errors="coerce").to_numpy(dtype=float)
    col = pd.to_numeric(sites["cell_col"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(row) & np.isfinite(col)
    if not ok.any():
        return None
    pts = gpd.GeoSeries(gpd.points_from_xy(lon[ok], lat[ok]), crs=GEOGRAPHIC_CRS).to_crs(CONUS_METRIC_CRS)
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    cx, cy = col[ok] + 0.5, -row[ok] + 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.concatenate([x / cx, y / cy])
    est = est[np.isfinite(est) & (est > 0)]
    if not len(est):
        return None
    s = float(np.median(est))
    if not (np.abs(x / s - cx).max() < 0.01 and np.abs(y / s - cy).max() < 0.01):
        return None
    return round(s / M_PER_KM, 6)


def score_raster(scored: pd.DataFrame, spacing_km: float, *, bands: Sequence[str] = ("score_total",)):
    """Scores of a candidate grid as a raster in EPSG:5070, one cell per grid point.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`siting.batch.score_sites` on a :func:`candidate_grid`
        (``latitude_deg``, ``longitude_deg`` [deg] and the columns of ``bands`` [-]).
    spacing_km : float
        The grid's spacing [km].
    bands : sequence of str
        Columns, one band each [-].

    Returns
    -------
    tuple
        ``(data, transform, crs)``: float32 array (bands, rows, cols) with NaN where no
        site was scored, its ``affine.Affine`` transform [m] and ``"EPSG:5070"``.

    Raises
    ------
    DataError
        A band column is missing, no row has coordinates, or the sites are not on a grid of
        that spacing.
    """
    from rasterio.transform import Affine

    missing = [b for b in bands if b not in scored.columns]
    if missing:
        raise DataError(f"scored table lacks {missing}; score the grid with siting.batch.score_sites first")
    lat = pd.to_numeric(scored["latitude_deg"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(scored["longitude_deg"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        raise DataError("no scored row has coordinates; nothing to rasterise")
    s = float(spacing_km) * M_PER_KM
    pts = gpd.GeoSeries(gpd.points_from_xy(lon[ok], lat[ok]), crs=GEOGRAPHIC_CRS).to_crs(CONUS_METRIC_CRS)
    col = np.floor(pts.x.to_numpy() / s).astype(np.int64)
    row = np.floor(pts.y.to_numpy() / s).astype(np.int64)
    off_x = np.abs(pts.x.to_numpy() / s - col - 0.5).max()
    if off_x > 0.01:
        raise DataError(
            f"sites are not on a {spacing_km} km candidate grid (off-centre by up to {off_x:.2f} cells); "
            "give the spacing used by siting.candidates.candidate_grid"
        )
    c0, r1 = col.min(), row.max()
    width, height = int(col.max() - c0 + 1), int(r1 - row.min() + 1)
    data = np.full((len(bands), height, width), np.nan, dtype=np.float32)
    ii, jj = (r1 - row), (col - c0)
    for b, name in enumerate(bands):
        data[b, ii, jj] = pd.to_numeric(scored[name], errors="coerce").to_numpy(dtype=float)[ok]
    return data, Affine(s, 0.0, c0 * s, 0.0, -s, (r1 + 1) * s), CONUS_METRIC_CRS


def write_score_geotiff(scored: pd.DataFrame, path: str | Path, spacing_km: float, *, bands: Sequence[str] = SCORE_BANDS, overwrite: bool = False) -> Path:
    """Write scores of a candidate grid as a multi-band float32 GeoTIFF in EPSG:5070.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`siting.batch.score_sites` on a :func:`candidate_grid`
        (``latitude_deg``, ``longitude_deg`` [deg] and the score columns [-]).
    path : str or Path
        Output ``.tif``.
    spacing_km : float
        The grid's spacing [km].
    bands : sequence of str
        Columns written, one band each (band description = column name) [-].
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written. Cells without a score (no site, or a row with an error) are NaN.
    """
    import rasterio

    path = Path(path)
    if path.exists() and not overwrite:
        raise ConfigError(f"{str(path)!r} exists; pass overwrite=True (--overwrite) to replace it")
    data, transform, crs = score_raster(scored, spacing_km, bands=bands)
    height, width = data.shape[1:]
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff", "dtype": "float32", "count": len(bands), "width": width, "height": height,
        "crs": crs, "transform": transform, "nodata": float("nan"),
        "compress": "deflate", "tiled": False,
    }
    from gis_data.outputs import atomic_path

    with atomic_path(path) as tmp:  # written whole under a temporary name, then renamed
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(data)
            for b, name in enumerate(bands, start=1):
                dst.set_band_description(b, name)
            dst.update_tags(spacing_km=str(spacing_km), source="siting.candidates.write_score_geotiff")
    return path
