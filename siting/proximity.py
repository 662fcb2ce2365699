"""Vectorized nearest-feature engine: exact distances from many points to a layer.

For N sites and a layer of points or lines in a projected metric CRS (EPSG:5070 for
the contiguous US), :func:`nearest` returns, for every site at once, the row position
of the nearest feature and the exact planar distance to it, with no Python loop over
sites: a k-d tree for point layers, a bounded segment search for line layers (see
:class:`NearestIndex`) and shapely 2's ``STRtree.query_nearest`` for anything else.
The index is built once per layer and filter and reused across chunks of a batch run.

Distances are exact Euclidean distances in the projected CRS. In EPSG:5070 (Albers
equal-area) the scale error is below about 1 % over the contiguous US, which is what
"exact" means here: no segmentizing or rasterizing approximation is made.
"""

from __future__ import annotations

import logging
import threading
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from gis_data.canonical import CONUS_METRIC_CRS
from models.units import M_PER_KM
from siting.errors import CRSError, DataError

log = logging.getLogger(__name__)


def check_metric_crs(frame, what: str, crs: str = CONUS_METRIC_CRS) -> None:
    """Raise :class:`CRSError` unless ``frame`` is in the projected CRS ``crs``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or geopandas.GeoSeries
        Geometries to check.
    what : str
        Name used in the message (``"sites"``, ``"substations layer"``).
    crs : str
        The expected projected CRS [-].
    """
    got = getattr(frame, "crs", None)
    if got is None:
        raise CRSError(f"{what} have no CRS; expected {crs} (set it, or reproject with .to_crs({crs!r}))")
    if got.is_geographic:
        raise CRSError(
            f"{what} are in the geographic CRS {got.to_string()}; distances need the projected metric CRS "
            f"{crs}: reproject with .to_crs({crs!r})"
        )
    if not got.equals(crs):
        raise CRSError(f"{what} are in {got.to_string()}, expected {crs}; reproject with .to_crs({crs!r})")


@dataclass(frozen=True)
class _Segments:
    """Lines decomposed into their straight segments (exact: no vertex is added or moved)."""

    ax: np.ndarray
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    owner: np.ndarray  # row position of the feature each segment belongs to
    tree: shapely.STRtree  # over the segments
    vertices: cKDTree  # over every vertex, for the upper bound of the nearest distance


@dataclass(frozen=True)
class NearestIndex:
    """A prepared, reusable spatial index over one layer (or a filtered subset of it).

    The strategy follows the geometry: points use a k-d tree (exact Euclidean nearest
    neighbour); lines are decomposed into their segments, the distance to the nearest
    vertex (k-d tree) bounds the answer, the segments within that bound are found with
    one ``STRtree.query(predicate="dwithin")`` and their exact point-segment distances
    are computed in numpy; other geometries (polygons, mixed) use
    ``STRtree.query_nearest``. Polygons are prepared for point-in-polygon tests.

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        The indexed features, in ``crs``, with a fresh 0..n-1 index.
    tree : shapely.STRtree
        Tree over ``frame.geometry``; its indices are row positions of ``frame``.
    crs : str
        The projected CRS [-].
    kind : str
        ``"points"``, ``"lines"`` or ``"other"``.
    """

    frame: gpd.GeoDataFrame
    tree: shapely.STRtree = field(repr=False)
    crs: str = CONUS_METRIC_CRS
    kind: str = "other"
    points: cKDTree | None = field(default=None, repr=False)
    segments: _Segments | None = field(default=None, repr=False)

    @classmethod
    def build(cls, layer: gpd.GeoDataFrame, *, mask=None, crs: str = CONUS_METRIC_CRS, what: str = "layer") -> NearestIndex:
        """Index ``layer`` (optionally only the rows where ``mask`` is True).

        Parameters
        ----------
        layer : geopandas.GeoDataFrame
            Features in the projected CRS ``crs``.
        mask : array-like of bool, optional
            Rows to keep [-].
        crs : str
            Expected projected CRS [-].
        what : str
            Layer name for error messages.

        Raises
        ------
        CRSError
            When ``layer`` is not in ``crs``.
        """
        check_metric_crs(layer, what, crs)
        frame = layer if mask is None else layer[np.asarray(mask, dtype=bool)]
        keep = ~(frame.geometry.isna().to_numpy() | frame.geometry.is_empty.to_numpy())
        frame = frame[keep].reset_index(drop=True)
        geoms = frame.geometry.to_numpy()
        types = set(shapely.get_type_id(geoms).tolist())
        kind, kd, segs = "other", None, None
        if types and types <= {0}:  # Point
            kind, kd = "points", cKDTree(shapely.get_coordinates(geoms))
        elif types and types <= {1, 5}:  # LineString, MultiLineString
            kind, segs = "lines", _segments(geoms)
        elif types & {3, 6}:  # polygons: prepared once for point-in-polygon
            shapely.prepare(geoms)
        return cls(frame, shapely.STRtree(geoms), crs, kind, kd, segs)

    def __len__(self) -> int:
        return len(self.frame)


def _segments(geoms: np.ndarray) -> _Segments:
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    coords, vert_part = shapely.get_coordinates(parts, return_index=True)
    same = vert_part[1:] == vert_part[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    owner = part_owner[vert_part[:-1][same]]
    lines = shapely.linestrings(np.stack([a, b], axis=1)) if len(a) else np.array([], dtype=object)
    return _Segments(a[:, 0].copy(), a[:, 1].copy(), b[:, 0].copy(), b[:, 1].copy(), owner,
                     shapely.STRtree(lines), cKDTree(coords))


def _nearest_points(xy: np.ndarray, kd: cKDTree, max_m: float | None) -> tuple[np.ndarray, np.ndarray]:
    d, i = kd.query(xy, k=1, distance_upper_bound=np.inf if max_m is None else max_m, workers=THREADS)
    found = np.isfinite(d)
    return np.where(found, i, -1).astype(np.int64), np.where(found, d, np.nan)


def _nearest_lines(xy: np.ndarray, geoms: np.ndarray, seg: _Segments, max_m: float | None) -> tuple[np.ndarray, np.ndarray]:
    n = len(xy)
    pos = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    # upper bound: the nearest vertex is on some segment, so the nearest segment is at most that far
    bound, _ = seg.vertices.query(xy, k=1, distance_upper_bound=np.inf if max_m is None else max_m)
    if max_m is not None:
        # a segment within max_m may have both vertices beyond it: bound by max_m instead
        bound = np.where(np.isfinite(bound), bound, max_m)
    bound = bound * (1 + 1e-9) + 1e-6  # include the vertex's own segments despite round-off [m]
    qi, si = seg.tree.query(geoms, predicate="dwithin", distance=bound)
    if len(qi) == 0:
        return pos, dist
    px, py = xy[qi, 0], xy[qi, 1]
    ax, ay, bx, by = seg.ax[si], seg.ay[si], seg.bx[si], seg.by[si]
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(len2 > 0, ((px - ax) * dx + (py - ay) * dy) / len2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    d = np.hypot(px - (ax + t * dx), py - (ay + t * dy))
    owner = seg.owner[si]
    # per point: smallest distance, ties to the lowest feature position (deterministic)
    if len(qi) > 1 and not np.all(qi[1:] >= qi[:-1]):  # the tree returns pairs grouped by point; make sure
        order = np.argsort(qi, kind="stable")
        qi, d, owner = qi[order], d[order], owner[order]
    starts = np.flatnonzero(np.r_[True, qi[1:] != qi[:-1]])
    best = np.minimum.reduceat(d, starts)
    counts = np.diff(np.r_[starts, len(qi)])
    tied = np.where(d == np.repeat(best, counts), owner, np.iinfo(np.int64).max)
    first_owner = np.minimum.reduceat(tied, starts)
    who = qi[starts]
    keep = np.ones(len(who), dtype=bool) if max_m is None else best <= max_m
    pos[who[keep]] = first_owner[keep]
    dist[who[keep]] = best[keep]
    return pos, dist


#: Worker threads for the vectorized queries (shapely and scipy release the GIL).
THREADS = max(1, min(4, os.cpu_count() or 1))
#: Below this many points a query runs in one thread.
_MIN_SPLIT = 20_000


def _threaded(fn, n: int, *arrays):
    """Run ``fn`` on contiguous slices of ``arrays`` in :data:`THREADS` threads; concatenate the results."""
    if THREADS == 1 or n < _MIN_SPLIT:
        return fn(*arrays)
    edges = np.linspace(0, n, THREADS + 1).astype(int)
    with ThreadPoolExecutor(THREADS) as pool:
        parts = list(pool.map(lambda k: fn(*(a[edges[k]:edges[k + 1]] for a in arrays)), range(THREADS)))
    return tuple(np.concatenate([p[j] for p in parts]) for j in range(len(parts[0])))


def site_coordinates(points: gpd.GeoSeries | gpd.GeoDataFrame) -> np.ndarray:
    """x and y of point geometries, shape (n, 2) [m in the projected CRS]; NaN for missing or empty ones."""
    arr = (points.geometry if isinstance(points, gpd.GeoDataFrame) else points).to_numpy()
    return np.column_stack([shapely.get_x(arr), shapely.get_y(arr)]) if len(arr) else np.zeros((0, 2))


def hilbert_order(points: gpd.GeoSeries) -> np.ndarray:
    """Positions that sort ``points`` along a Hilbert curve (for cache locality) [-]."""
    if len(points) < 2:
        return np.arange(len(points))
    return np.argsort(points.hilbert_distance().to_numpy(), kind="stable")


def nearest(
    points: gpd.GeoSeries | gpd.GeoDataFrame,
    index: NearestIndex,
    *,
    max_distance_km: float | None = None,
    sort: bool = True,
    xy: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest feature of ``index`` for every point, all points in one vectorized query.

    Parameters
    ----------
    points : geopandas.GeoSeries or GeoDataFrame
        Sites, in the index's projected CRS.
    index : NearestIndex
        Prepared index of the layer.
    max_distance_km : float, optional
        Cutoff [km]: points with no feature within it get position -1 and distance NaN.
    sort : bool
        For layers of mixed or polygon geometry, query in Hilbert-curve order (faster on
        large, unordered inputs); the result is in the order of ``points`` regardless.
    xy : numpy.ndarray, optional
        The points' coordinates from :func:`site_coordinates` [m], when the caller
        already has them (several layers queried for the same sites).

    Returns
    -------
    positions : numpy.ndarray of int64
        Row position in ``index.frame`` of the nearest feature, -1 when none [-].
    distance_km : numpy.ndarray of float
        Exact planar distance to it [km], NaN when none.

    Notes
    -----
    Distances are exact for every strategy (the segment decomposition of lines adds no
    vertex). When several features are exactly equidistant, lines and other geometries
    take the lowest row position; points take the one the k-d tree reports (fixed for a
    given layer, so reproducible).
    """
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    check_metric_crs(geoms, "sites", index.crs)
    n = len(geoms)
    pos = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    if max_distance_km is not None and not (max_distance_km > 0):
        raise DataError(f"max_distance_km={max_distance_km!r}: expected a positive distance [km] or None")
    if n == 0 or len(index) == 0:
        return pos, dist
    arr = geoms.to_numpy()
    xy = site_coordinates(geoms) if xy is None else np.asarray(xy, dtype=float)
    if xy.shape != (n, 2):
        raise DataError(f"xy has shape {xy.shape}; expected ({n}, 2), the coordinates of the {n} points")
    valid = np.isfinite(xy).all(axis=1)
    sel = np.flatnonzero(valid)
    if len(sel) == 0:
        return pos, dist
    max_m = None if max_distance_km is None else float(max_distance_km) * M_PER_KM
    all_valid = len(sel) == n
    xs, gs = (xy, arr) if all_valid else (xy[sel], arr[sel])
    if index.kind == "points":
        p, d = _nearest_points(xs, index.points, max_m)
    elif index.kind == "lines":
        p, d = _threaded(lambda xy_, g: _nearest_lines(xy_, g, index.segments, max_m), len(sel), xs, gs)
    else:
        if sort:
            sel = sel[hilbert_order(geoms.iloc[sel])]
        (qi, ti), dd = index.tree.query_nearest(arr[sel], max_distance=max_m, return_distance=True, all_matches=True)
        order = np.lexsort((ti, qi))
        first = np.r_[True, qi[order][1:] != qi[order][:-1]] if len(qi) else np.zeros(0, bool)
        pick = order[first]
        p = np.full(len(sel), -1, dtype=np.int64)
        d = np.full(len(sel), np.nan)
        p[qi[pick]] = ti[pick]
        d[qi[pick]] = dd[pick]
    pos[sel] = p
    dist[sel] = d / M_PER_KM
    return pos, dist


def nearest_attributes(
    points: gpd.GeoSeries | gpd.GeoDataFrame,
    index: NearestIndex,
    columns: dict[str, str] | None = None,
    *,
    distance_column: str = "distance_km",
    max_distance_km: float | None = None,
    xy: np.ndarray | None = None,
) -> pd.DataFrame:
    """Distance to the nearest feature and some of its attributes, on the points' index.

    Parameters
    ----------
    points : geopandas.GeoSeries or GeoDataFrame
        Sites in the index's CRS.
    index : NearestIndex
        Prepared index.
    columns : dict, optional
        ``{layer column: output column}`` of attributes to carry over.
    distance_column : str
        Name of the distance column [km].
    max_distance_km : float, optional
        Cutoff [km]; beyond it the distance and attributes are missing.
    xy : numpy.ndarray, optional
        Precomputed coordinates (see :func:`nearest`) [m].

    Returns
    -------
    pandas.DataFrame
        ``distance_column`` [km] and the renamed attributes, indexed like ``points``.
    """
    pos, dist = nearest(points, index, max_distance_km=max_distance_km, xy=xy)
    out = pd.DataFrame({distance_column: dist}, index=points.index)
    found = pos >= 0
    for src, dst in (columns or {}).items():
        values = index.frame[src]
        taken = values.take(np.where(found, pos, 0)).to_numpy() if len(values) else np.array([None] * len(pos))
        col = pd.Series(taken, index=points.index, dtype=values.dtype if len(values) else object)
        out[dst] = col.where(found)
    return out


def points_in_polygons(points: gpd.GeoSeries | gpd.GeoDataFrame, index: NearestIndex, *, xy: np.ndarray | None = None) -> np.ndarray:
    """Row position of the polygon of ``index`` containing each point (-1 when none) [-].

    One vectorized bounding-box query on the tree, then ``shapely.intersects_xy`` on the
    prepared polygons for the candidate pairs; a point on a shared boundary or in
    overlapping polygons takes the lowest row position, so the answer is deterministic.
    """
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    check_metric_crs(geoms, "sites", index.crs)
    out = np.full(len(geoms), -1, dtype=np.int64)
    if len(geoms) == 0 or len(index) == 0:
        return out
    polys = index.frame.geometry.to_numpy()

    def run(arr, pxy):
        qi, ti = index.tree.query(arr)
        res = np.full(len(arr), -1, dtype=np.int64)
        if len(qi):
            hit = shapely.intersects_xy(polys[ti], pxy[qi, 0], pxy[qi, 1])
            qi, ti = qi[hit], ti[hit]
        if len(qi):
            order = np.lexsort((ti, qi))
            qi, ti = qi[order], ti[order]
            first = np.r_[True, qi[1:] != qi[:-1]]
            res[qi[first]] = ti[first]
        return (res,)

    arr = geoms.to_numpy()
    xy = site_coordinates(geoms) if xy is None else np.asarray(xy, dtype=float)
    return _threaded(run, len(arr), arr, xy)[0]


class PreparedLayers:
    """A layer set wrapped with memoised projections and nearest-feature indexes.

    Anything with ``.load(role)`` and ``.has(role)`` works as ``layers`` (the real
    :class:`gis_data.layerset.LayerSet`, or :class:`siting.criteria.FrameLayers`
    around plain GeoDataFrames). Each projected layer and each (role, subset) index is
    built once and reused by every criterion and every chunk of a batch.
    """

    def __init__(self, layers, crs: str = CONUS_METRIC_CRS):
        if isinstance(layers, PreparedLayers):
            layers = layers.layers
        self.layers = layers
        self.crs = crs
        self._memo: dict = {}
        # Threads (the query slices, in-process Dask workers) share one instance: building the
        # same index twice at once would run shapely.prepare / GEOS on shared geometries from two
        # threads. One re-entrant lock serialises the lazy builds; reads of built entries are free.
        self._lock = threading.RLock()

    def __getstate__(self):  # a lock does not pickle (Dask ships this object to workers)
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def _build(self, key, make: Callable):
        """The memo entry for ``key``, made once under the lock (double-checked)."""
        if key in self._memo:
            return self._memo[key]
        with self._lock:
            if key not in self._memo:
                self._memo[key] = make()
            return self._memo[key]

    def has(self, role: str) -> bool:
        return bool(self.layers.has(role))

    def load(self, role: str):
        return self._build(("load", role), lambda: self.layers.load(role))

    @property
    def is_synthetic(self) -> bool:
        return bool(getattr(self.layers, "is_synthetic", False))

    def projected(self, role: str) -> gpd.GeoDataFrame:
        """The role's layer in the metric CRS, projected once."""
        return self._build(("projected", role), lambda: self._project(role))

    def _project(self, role: str) -> gpd.GeoDataFrame:
        proj = getattr(self.layers, "projected", None)
        if proj is not None:
            return proj(role, self.crs) if _accepts_crs(proj) else proj(role)
        frame = self.load(role)
        if not isinstance(frame, gpd.GeoDataFrame):
            raise DataError(f"{role} is a table without geometry; it cannot be projected")
        if frame.crs is None:
            raise CRSError(f"{role} layer has no CRS; loaders must return EPSG:4326")
        return frame.to_crs(self.crs)

    def index(self, role: str, name: str = "all", mask_fn: Callable[[gpd.GeoDataFrame], np.ndarray] | None = None) -> NearestIndex:
        """A :class:`NearestIndex` over the role (or the rows ``mask_fn(frame)`` selects), built once.

        ``name`` identifies the subset in the memo (e.g. ``"ge345"``); the same name must
        always mean the same ``mask_fn``.
        """
        def make() -> NearestIndex:
            frame = self.projected(role)
            mask = None if mask_fn is None else mask_fn(frame)
            built = NearestIndex.build(frame, mask=mask, crs=self.crs, what=f"{role} layer")
            log.debug("indexed %s/%s: %d features", role, name, len(built))
            return built

        return self._build(("index", role, name), make)

    def coords(self, sites) -> np.ndarray:
        """:func:`site_coordinates` of ``sites``, computed once for the frame most recently asked about.

        The cache holds the frame itself and is checked by identity, so a new frame (a new
        chunk) never gets another frame's coordinates.
        """
        cached = self._memo.get("_coords")
        if cached is not None and cached[0] is sites:
            return cached[1]
        xy = site_coordinates(sites)
        self._memo["_coords"] = (sites, xy)
        return xy

    def memo(self, key, make: Callable):
        """Memoise any derived object (a lookup table, per-station result) under ``key``."""
        return self._build(key, make)


def _accepts_crs(fn) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        return False
