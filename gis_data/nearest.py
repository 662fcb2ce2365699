"""Vectorized nearest-feature engine: exact distances from many points to a layer.

For N sites and a layer of points or lines in a projected metric CRS (EPSG:5070 for
the contiguous US), :func:`nearest` returns, for every site at once, the row position
of the nearest feature and the exact planar distance to it, with no Python loop over
sites: a branch-and-bound search over a packed R-tree of the layer's points or of
the lines' straight segments (compiled with numba, see
:class:`NearestIndex`) and shapely 2's ``STRtree.query_nearest`` for anything else.
The index is built once per layer and filter and reused across chunks of a batch run.

Thread safety: every index is complete when :meth:`NearestIndex.build` returns (k-d
trees, STRtrees and the segment tree are built eagerly, the numba kernel is compiled
there), so queries only read shared arrays. GEOS prepared geometries are the exception:
they build their point locators lazily on first use and are not safe to share between
threads (libgeos/geos#825), so point-in-polygon tests check out a private prepared copy
of the polygons from :class:`_PreparedPool` and never share one between threads.

Distances are exact Euclidean distances in the projected CRS. In EPSG:5070 (Albers
equal-area) the scale error is below about 1 % over the contiguous US, which is what
"exact" means here: no segmentizing or rasterizing approximation is made.
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import threading
from contextlib import contextmanager
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS
from models.units import M_PER_KM
from models.errors import CRSError, DataError

try:  # compiled segment search; the pure-Python kernel below gives the same numbers, slower
    import numba
except ImportError:  # pragma: no cover - numba is a declared dependency
    numba = None

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


#: Segments per leaf and children per node of the packed segment R-tree [-].
_NODE_SIZE = 4
#: Pruning slack of the segment search: a box is skipped only when it is farther than the best
#: distance so far plus this much [m] (plus 1e-12 relative), so float round-off (about 1e-9 m at
#: CONUS coordinates of 10^6 m) never drops a segment that ties or beats the best.
_PRUNE_SLACK_M = 1e-6


@dataclass(frozen=True)
class _Segments:
    """Lines decomposed into their straight segments (exact: no vertex is added or moved).

    The segments are stored in Hilbert-curve order of their midpoints and packed into a
    static R-tree: level 0 has one box per :data:`_NODE_SIZE` consecutive segments, each
    level above one box per :data:`_NODE_SIZE` consecutive boxes of the level below
    (a Hilbert-packed R-tree, Kamel & Faloutsos 1993). ``tree`` and ``vertices`` (the
    STRtree and vertex k-d tree of the search without numba) are only built when numba
    is missing.
    """

    ax: np.ndarray
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    owner: np.ndarray  # row position of the feature each segment belongs to
    box: np.ndarray  # (4, n_boxes) xmin, ymin, xmax, ymax of every node, level 0 first [m]
    level_start: np.ndarray  # first node of each level in ``box``
    level_count: np.ndarray  # nodes per level
    tree: shapely.STRtree | None = None  # over the segments (search without numba)
    vertices: cKDTree | None = None  # over every vertex (upper bound of the search without numba)

    def __len__(self) -> int:
        return len(self.ax)


@dataclass(frozen=True)
class NearestIndex:
    """A prepared, reusable spatial index over one layer (or a filtered subset of it).

    The strategy follows the geometry: lines are decomposed into their straight segments,
    packed into a static R-tree, and each site's nearest segment is found by a depth-first
    branch-and-bound search (boxes visited nearest first, pruned when farther than the best
    segment so far) with the exact point-segment distance; points go through the same
    search as zero-length segments (a k-d tree without numba); other geometries (polygons, mixed) use
    ``STRtree.query_nearest``. For point-in-polygon tests polygons are cut into pieces of
    at most :data:`_PIECE_VERTICES` vertices (:func:`_subdivide`) in a packed R-tree of
    their boxes, with a pool of prepared copies of the pieces (one per concurrent query,
    see :class:`_PreparedPool`).

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        The indexed features, in ``crs``, with a fresh 0..n-1 index.
    tree : shapely.STRtree or None
        Tree over ``frame.geometry``; its indices are row positions of ``frame``. None for
        point and line layers searched by the compiled segment search (which does not use it).
    crs : str
        The projected CRS [-].
    kind : str
        ``"points"``, ``"lines"`` or ``"other"``.
    """

    frame: gpd.GeoDataFrame
    tree: shapely.STRtree | None = field(repr=False)
    crs: str = CONUS_METRIC_CRS
    kind: str = "other"
    points: cKDTree | None = field(default=None, repr=False)
    segments: _Segments | None = field(default=None, repr=False)
    polygons: _PreparedPool | None = field(default=None, repr=False)
    boxes: _Boxes | None = field(default=None, repr=False)

    @classmethod
    def build(cls, layer: gpd.GeoDataFrame, *, mask=None, crs: str = CONUS_METRIC_CRS, what: str = "layer") -> NearestIndex:
        """Index ``layer`` (optionally only the rows where ``mask`` is True).

        Everything the queries need is built here, in the calling thread, so that
        queries from several threads afterwards only read.

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
        kind, kd, segs, pool, boxes = "other", None, None, None, None
        if types and types <= {0}:  # Point: zero-length segments for the compiled search, else a k-d tree
            kind = "points"
            if _lines_kernel is not _lines_kernel_py:
                segs = _point_segments(geoms)
            else:  # pragma: no cover - only without numba
                kd = cKDTree(shapely.get_coordinates(geoms))
        elif types and types <= {1, 5}:  # LineString, MultiLineString
            kind, segs = "lines", _segments(geoms)
        elif types & {3, 6}:  # polygons: small pieces, private prepared copies for point-in-polygon
            if numba is not None:  # the compiled box search over pieces of at most _PIECE_VERTICES vertices
                parts, at = shapely.get_parts(geoms, return_index=True)
                poly = shapely.get_type_id(parts) == 3
                cut, k = _subdivide(parts[poly])
                pieces = np.concatenate([cut, parts[~poly]])
                owner = np.concatenate([at[poly][k], at[~poly]]).astype(np.int64)
                pool, boxes = _PreparedPool(pieces), _boxes(pieces, owner)
            else:  # pragma: no cover - only without numba
                pool = _PreparedPool(geoms)
        tree = None if segs is not None and segs.tree is None else shapely.STRtree(geoms)
        return cls(frame, tree, crs, kind, kd, segs, pool, boxes)

    def __len__(self) -> int:
        return len(self.frame)


class _PreparedPool:
    """Prepared copies of polygons, each used by one thread at a time.

    GEOS prepared geometries build their point locator lazily and are not thread-safe
    (libgeos/geos#825): two threads testing points against the same prepared polygon for
    the first time race on that build. :meth:`checkout` hands each caller a copy nobody
    else holds (made on demand, at most ``limit``; beyond that callers wait for one to be
    returned), so no prepared geometry is ever used by two threads at once. The copies
    are exact (WKB round trip of float64 coordinates). Pickles as the source polygons.
    """

    def __init__(self, geoms: np.ndarray, limit: int = 8):
        self._wkb = shapely.to_wkb(geoms)  # the source, as immutable bytes
        self._limit = limit
        self._free: queue.SimpleQueue = queue.SimpleQueue()
        self._made = 0
        self._lock = threading.Lock()
        self._free.put(self._copy())  # one ready before any thread starts

    def _copy(self) -> np.ndarray:
        geoms = shapely.from_wkb(self._wkb)
        shapely.prepare(geoms)
        self._made += 1
        return geoms

    @contextmanager
    def checkout(self):
        """A prepared copy of the polygons, exclusively the caller's until the block ends."""
        try:
            geoms = self._free.get_nowait()
        except queue.Empty:
            with self._lock:
                make = self._made < self._limit
                if make:
                    self._made += 1  # reserve the slot under the lock
            if make:
                geoms = shapely.from_wkb(self._wkb)  # this thread's own objects: safe to prepare here
                shapely.prepare(geoms)
            else:
                geoms = self._free.get()
        try:
            yield geoms
        finally:
            self._free.put(geoms)

    def __reduce__(self):
        return (_PreparedPool._from_wkb, (self._wkb, self._limit))

    @staticmethod
    def _from_wkb(wkb: np.ndarray, limit: int) -> _PreparedPool:
        return _PreparedPool(shapely.from_wkb(wkb), limit)


def _hilbert_codes(x: np.ndarray, y: np.ndarray, level: int = 16, kernel=None) -> np.ndarray:
    """Position along a Hilbert curve of order ``level`` over the points' bounding box [-].

    The classic ``xy2d`` bit loop (Hilbert 1891; Skilling 2004), compiled per point.
    """
    x0, x1 = float(np.min(x)), float(np.max(x))
    y0, y1 = float(np.min(y)), float(np.max(y))
    side = (1 << level) - 1
    xi = np.zeros(len(x), dtype=np.int64) if x1 <= x0 else ((x - x0) / (x1 - x0) * side).astype(np.int64)
    yi = np.zeros(len(y), dtype=np.int64) if y1 <= y0 else ((y - y0) / (y1 - y0) * side).astype(np.int64)
    d = np.empty(len(x), dtype=np.int64)
    (kernel or _hilbert_kernel)(xi, yi, level, d)
    return d


def _hilbert_kernel_py(xi, yi, level, out):
    side = (1 << level) - 1
    for i in range(xi.shape[0]):
        x = xi[i]
        y = yi[i]
        d = 0
        s = 1 << (level - 1)
        while s > 0:
            rx = 1 if (x & s) > 0 else 0
            ry = 1 if (y & s) > 0 else 0
            d += s * s * ((3 * rx) ^ ry)
            if ry == 0:
                if rx == 1:
                    x = side - x
                    y = side - y
                x, y = y, x
            s >>= 1
        out[i] = d


if numba is not None:
    _hilbert_kernel = numba.njit(nogil=True, cache=True)(_hilbert_kernel_py)
else:  # pragma: no cover
    _hilbert_kernel = _hilbert_kernel_py


def _pack_boxes(xmin, ymin, xmax, ymax) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes of every level of the packed R-tree over items already in curve order."""
    levels = []
    cur = (xmin, ymin, xmax, ymax)
    while True:
        starts = np.arange(0, len(cur[0]), _NODE_SIZE)
        cur = (np.minimum.reduceat(cur[0], starts), np.minimum.reduceat(cur[1], starts),
               np.maximum.reduceat(cur[2], starts), np.maximum.reduceat(cur[3], starts))
        levels.append(np.stack(cur))
        if len(cur[0]) <= _NODE_SIZE:
            break
    count = np.array([lv.shape[1] for lv in levels], dtype=np.int64)
    start = np.r_[0, np.cumsum(count)[:-1]].astype(np.int64)
    return np.ascontiguousarray(np.concatenate(levels, axis=1)), start, count


def _segments(geoms: np.ndarray, *, strtree: bool | None = None) -> _Segments:
    """The segments of ``geoms`` and their packed R-tree (and the STRtree when ``strtree``)."""
    multi = shapely.get_type_id(geoms) != 1  # LineStrings are their own single part
    if multi.any():  # only the multi-part rows are split (get_parts copies every geometry it returns)
        mparts, mowner = shapely.get_parts(geoms[multi], return_index=True)
        parts = np.concatenate([geoms[~multi], mparts])
        part_owner = np.concatenate([np.flatnonzero(~multi), np.flatnonzero(multi)[mowner]])
    else:
        parts, part_owner = geoms, np.arange(len(geoms))
    coords, vert_part = shapely.get_coordinates(parts, return_index=True)
    same = vert_part[1:] == vert_part[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    owner = part_owner[vert_part[:-1][same]].astype(np.int64)
    return _pack_segments(a, b, owner, coords, strtree)


def _point_segments(geoms: np.ndarray) -> _Segments:
    """Points as zero-length segments (a = b = the point) in the packed R-tree of :func:`_segments`.

    The segment search then gives each site its nearest point with the exact distance
    ``hypot(dx, dy)``, equidistant points going to the lowest row position, and starts
    from the previous site's answer (sites come in curve order), which a k-d tree query
    cannot do.
    """
    coords = shapely.get_coordinates(geoms)
    return _pack_segments(coords, coords, np.arange(len(coords), dtype=np.int64), coords, None)


def _pack_segments(a: np.ndarray, b: np.ndarray, owner: np.ndarray, coords: np.ndarray, strtree: bool | None) -> _Segments:
    if len(a):
        order = np.argsort(_hilbert_codes(0.5 * (a[:, 0] + b[:, 0]), 0.5 * (a[:, 1] + b[:, 1])), kind="stable")
        a, b, owner = a[order], b[order], owner[order]
    ax, ay, bx, by = (np.ascontiguousarray(v) for v in (a[:, 0], a[:, 1], b[:, 0], b[:, 1]))
    if len(a):
        box, start, count = _pack_boxes(np.minimum(ax, bx), np.minimum(ay, by), np.maximum(ax, bx), np.maximum(ay, by))
    else:
        box, start, count = np.zeros((4, 0)), np.zeros(0, np.int64), np.zeros(0, np.int64)
    tree = vertices = None
    if strtree if strtree is not None else _lines_kernel is _lines_kernel_py:
        lines = shapely.linestrings(np.stack([a, b], axis=1)) if len(a) else np.array([], dtype=object)
        tree, vertices = shapely.STRtree(lines), cKDTree(coords)
    segs = _Segments(ax, ay, bx, by, owner, box, start, count, tree, vertices)
    if len(a) and _lines_kernel is not _lines_kernel_py:
        _search_segments(np.zeros((1, 2)), segs, None)  # compile (or load) the kernel now, in this thread
    return segs


def _segment_offset_py(x, y, ax, ay, bx, by):
    """Offset (x, y) minus its closest point on segment a-b [m]; a zero-length segment is its point a."""
    dx = bx - ax
    dy = by - ay
    len2 = dx * dx + dy * dy
    t = ((x - ax) * dx + (y - ay) * dy) / len2 if len2 > 0 else 0.0
    if t < 0.0:
        t = 0.0
    elif t > 1.0:
        t = 1.0
    return x - (ax + t * dx), y - (ay + t * dy)


if numba is not None:
    _segment_offset = numba.njit(nogil=True, cache=True, fastmath=False, inline="always")(_segment_offset_py)
else:  # pragma: no cover
    _segment_offset = _segment_offset_py


def _lines_kernel_py(px, py, ax, ay, bx, by, owner, box, level_start, level_count, node_size, limit, slack,
                     out_pos, out_d):
    """Nearest segment of every point: depth-first branch and bound over the packed R-tree.

    Distances are computed exactly as in :func:`_nearest_lines` (projection parameter
    clipped to the segment, then ``hypot``), ties go to the lowest ``owner``. Squared
    distances only screen: a box or segment is skipped when its squared distance exceeds
    the square of (best so far + slack), and every segment not skipped gets the exact
    ``hypot`` distance, so round-off in the screening can cost time, never a result.
    """
    n_seg = ax.shape[0]
    n_lev = level_start.shape[0]
    cap = (n_lev + 1) * node_size
    st_lev = np.empty(cap, dtype=np.int64)
    st_node = np.empty(cap, dtype=np.int64)
    st_md2 = np.empty(cap, dtype=np.float64)
    c_node = np.empty(node_size, dtype=np.int64)
    c_md2 = np.empty(node_size, dtype=np.float64)
    top = n_lev - 1
    prev = -1  # the previous point's nearest segment: sites come in curve order, so a close bound
    for i in range(px.shape[0]):
        x = px[i]
        y = py[i]
        best = np.inf
        best_owner = -1
        best_seg = -1
        if prev >= 0:  # start from that segment's exact distance (a real candidate, so still exact)
            ex, ey = _segment_offset(x, y, ax[prev], ay[prev], bx[prev], by[prev])
            best = np.hypot(ex, ey)
            best_owner = owner[prev]
            best_seg = prev
        thr = best if best < limit else limit
        cut = thr + slack + thr * 1e-12
        cut2 = cut * cut
        sp = 0
        for k in range(level_count[top]):
            st_lev[sp] = top
            st_node[sp] = k
            st_md2[sp] = 0.0
            sp += 1
        while sp > 0:
            sp -= 1
            if st_md2[sp] > cut2:
                continue
            lev = st_lev[sp]
            k = st_node[sp]
            if lev == 0:
                s1 = min((k + 1) * node_size, n_seg)
                for s in range(k * node_size, s1):
                    ex, ey = _segment_offset(x, y, ax[s], ay[s], bx[s], by[s])
                    if ex * ex + ey * ey > cut2:
                        continue
                    d = np.hypot(ex, ey)
                    if d < best or (d == best and owner[s] < best_owner):
                        best = d
                        best_owner = owner[s]
                        best_seg = s
                        thr = best if best < limit else limit
                        cut = thr + slack + thr * 1e-12
                        cut2 = cut * cut
            else:
                first = level_start[lev - 1]
                c1 = min((k + 1) * node_size, level_count[lev - 1])
                m = 0
                for c in range(k * node_size, c1):
                    j = first + c
                    ddx = box[0, j] - x if x < box[0, j] else (x - box[2, j] if x > box[2, j] else 0.0)
                    ddy = box[1, j] - y if y < box[1, j] else (y - box[3, j] if y > box[3, j] else 0.0)
                    md2 = ddx * ddx + ddy * ddy
                    if md2 <= cut2:
                        # insertion by distance, farthest first: the nearest child is popped first
                        q = m
                        while q > 0 and c_md2[q - 1] < md2:
                            c_md2[q] = c_md2[q - 1]
                            c_node[q] = c_node[q - 1]
                            q -= 1
                        c_md2[q] = md2
                        c_node[q] = c
                        m += 1
                for q in range(m):
                    st_lev[sp] = lev - 1
                    st_node[sp] = c_node[q]
                    st_md2[sp] = c_md2[q]
                    sp += 1
        if best_seg >= 0:
            prev = best_seg
        if best <= limit and best_owner >= 0:
            out_pos[i] = best_owner
            out_d[i] = best
        else:
            out_pos[i] = -1
            out_d[i] = np.nan


if numba is not None:
    # nogil: the query threads of :func:`_threaded` run it in parallel; no parallel=True, so no
    # numba threading layer is involved and concurrent calls from several threads are safe
    _lines_kernel = numba.njit(nogil=True, cache=True, fastmath=False, boundscheck=False)(_lines_kernel_py)
else:  # pragma: no cover
    _lines_kernel = _lines_kernel_py


def _search_segments(xy: np.ndarray, seg: _Segments, max_m: float | None, kernel=None) -> tuple[np.ndarray, np.ndarray]:
    """Nearest segment's owner and exact distance for every point (the packed R-tree search) [-], [m]."""
    n = len(xy)
    pos = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    if n == 0 or len(seg) == 0:
        return pos, dist
    px, py = np.ascontiguousarray(xy[:, 0], dtype=np.float64), np.ascontiguousarray(xy[:, 1], dtype=np.float64)
    limit = np.inf if max_m is None else float(max_m)
    (kernel or _lines_kernel)(px, py, seg.ax, seg.ay, seg.bx, seg.by, seg.owner, seg.box, seg.level_start,
                              seg.level_count, _NODE_SIZE, limit, _PRUNE_SLACK_M, pos, dist)
    return pos, dist


@dataclass(frozen=True)
class _Boxes:
    """Bounding boxes of polygons in a packed R-tree (Hilbert order of their centres), for
    finding the polygons whose box holds each point from its coordinates alone.

    The polygons are the pieces of :func:`_subdivide` when ``owner`` is set: ``owner``
    maps a piece to the row of the polygon it was cut from, and ``exact`` marks pieces that
    are their own bounding box (a point in the box is in the piece, no polygon test)."""

    item: np.ndarray  # polygon (piece) position of each box, in tree order
    ibox: np.ndarray  # (4, n) xmin, ymin, xmax, ymax of each polygon, in tree order [m]
    box: np.ndarray  # (4, n_nodes) node boxes, level 0 first [m]
    level_start: np.ndarray
    level_count: np.ndarray
    owner: np.ndarray | None = None  # row position of each piece's polygon
    exact: np.ndarray | None = None  # piece equals its bounding box


def _boxes(geoms: np.ndarray, owner: np.ndarray | None = None) -> _Boxes:
    b = shapely.bounds(geoms)
    order = np.argsort(_hilbert_codes(0.5 * (b[:, 0] + b[:, 2]), 0.5 * (b[:, 1] + b[:, 3])), kind="stable")
    ibox = np.ascontiguousarray(b[order].T)
    box, start, count = _pack_boxes(ibox[0], ibox[1], ibox[2], ibox[3])
    exact = None if owner is None else _is_own_box(geoms, b)
    out = _Boxes(order.astype(np.int64), ibox, box, start, count, owner, exact)
    if _box_kernel is not _box_kernel_py:
        _box_candidates(np.zeros((1, 2)), out)  # compile (or load) the kernel now, in this thread
    return out


#: Most vertices a polygon piece of a point-in-polygon index keeps (:func:`_subdivide`) [-].
_PIECE_VERTICES = 64


def _subdivide(geoms: np.ndarray, max_vertices: int = _PIECE_VERTICES, max_depth: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Polygons cut into pieces of at most ``max_vertices`` vertices, and the row each piece came from.

    A polygon with more vertices is cut in two across the middle of the longer side of its
    bounding box (``shapely.clip_by_rect``), and so on (PostGIS ``ST_Subdivide``). The
    pieces are closed and cover the polygon: a point on a cut lies in the pieces on both
    sides, of the same polygon; a point on the polygon's own boundary stays on a piece's
    boundary. Only polygonal parts of a cut are kept (a cut along an edge can leave a
    zero-area line, which covers nothing the neighbouring piece does not). Small pieces
    with small boxes mean fewer candidate boxes per point and quick tests, and the
    interior of a large polygon ends up as rectangles that need no test at all
    (:func:`_is_own_box`).
    """
    done_g, done_o = [], []
    cur, own = np.asarray(geoms, dtype=object), np.arange(len(geoms), dtype=np.int64)
    for _ in range(max_depth):
        small = shapely.get_num_coordinates(cur) <= max_vertices
        done_g.append(cur[small])
        done_o.append(own[small])
        cur, own = cur[~small], own[~small]
        if not len(cur):
            break
        b = shapely.bounds(cur)
        wide = (b[:, 2] - b[:, 0]) >= (b[:, 3] - b[:, 1])
        mx, my = 0.5 * (b[:, 0] + b[:, 2]), 0.5 * (b[:, 1] + b[:, 3])
        lo_box = np.column_stack([b[:, 0], b[:, 1], np.where(wide, mx, b[:, 2]), np.where(wide, b[:, 3], my)])
        hi_box = np.column_stack([np.where(wide, mx, b[:, 0]), np.where(wide, b[:, 1], my), b[:, 2], b[:, 3]])
        # clip_by_rect takes one rectangle per call (GEOS's rectangle clipper: linear, no overlay)
        halves = np.array([shapely.clip_by_rect(g, *r) for g, r in zip(np.concatenate([cur, cur]),
                                                                         np.concatenate([lo_box, hi_box]).tolist())],
                          dtype=object)
        parts, at = shapely.get_parts(halves, return_index=True)
        keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)
        cur, own = parts[keep], np.concatenate([own, own])[at[keep]]
    done_g.append(cur)  # pieces still too large after max_depth cuts stay as they are
    done_o.append(own)
    return np.concatenate(done_g), np.concatenate(done_o)


def _is_own_box(geoms: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """True for polygons that are exactly their bounding box [-]: one ring of 5 coordinates,
    each a corner of the box, enclosing more than three quarters of it (so not a bow tie,
    area 0, nor a triangle with a repeated corner, area one half)."""
    out = np.zeros(len(geoms), dtype=bool)
    cand = np.flatnonzero((shapely.get_type_id(geoms) == 3) & (shapely.get_num_coordinates(geoms) == 5)
                          & (shapely.get_num_interior_rings(geoms) == 0))
    if not len(cand):
        return out
    c, at = shapely.get_coordinates(geoms[cand], return_index=True)
    b = bounds[cand][at]
    corner = (((c[:, 0] == b[:, 0]) | (c[:, 0] == b[:, 2])) & ((c[:, 1] == b[:, 1]) | (c[:, 1] == b[:, 3])))
    all_corners = np.bincount(at, weights=~corner, minlength=len(cand)) == 0
    bb = bounds[cand]
    box_area = (bb[:, 2] - bb[:, 0]) * (bb[:, 3] - bb[:, 1])
    out[cand] = all_corners & (shapely.area(geoms[cand]) > 0.75 * box_area) & (box_area > 0)
    return out


def _box_kernel_py(px, py, item, ibox, box, level_start, level_count, node_size, out_q, out_t, i0, w0):
    """Pairs (point, polygon) whose box holds the point (bounds inclusive, as an envelope
    intersection), by a depth-first walk of the packed R-tree, written from ``w0`` on for the
    points from ``i0`` on, in increasing point order. Stops before a point whose pairs do not
    all fit in ``out_q``/``out_t`` (its partial pairs are dropped); returns the next point
    and the number of pairs written."""
    n_lev = level_start.shape[0]
    n_item = item.shape[0]
    cap = (n_lev + 1) * node_size
    room = out_q.shape[0]
    st_lev = np.empty(cap, dtype=np.int64)
    st_node = np.empty(cap, dtype=np.int64)
    top = n_lev - 1
    w = w0
    for i in range(i0, px.shape[0]):
        x = px[i]
        y = py[i]
        w_start = w
        sp = 0
        for k in range(level_count[top]):
            st_lev[sp] = top
            st_node[sp] = k
            sp += 1
        full = False
        while sp > 0 and not full:
            sp -= 1
            lev = st_lev[sp]
            k = st_node[sp]
            if lev == 0:
                for s in range(k * node_size, min((k + 1) * node_size, n_item)):
                    if ibox[0, s] <= x and x <= ibox[2, s] and ibox[1, s] <= y and y <= ibox[3, s]:
                        if w >= room:
                            full = True
                            break
                        out_q[w] = i
                        out_t[w] = item[s]
                        w += 1
            else:
                first = level_start[lev - 1]
                for c in range(k * node_size, min((k + 1) * node_size, level_count[lev - 1])):
                    j = first + c
                    if box[0, j] <= x and x <= box[2, j] and box[1, j] <= y and y <= box[3, j]:
                        st_lev[sp] = lev - 1
                        st_node[sp] = c
                        sp += 1
        if full:
            return i, w_start
    return px.shape[0], w


if numba is not None:
    _box_kernel = numba.njit(nogil=True, cache=True, boundscheck=False)(_box_kernel_py)
else:  # pragma: no cover
    _box_kernel = _box_kernel_py


def _box_candidates(xy: np.ndarray, boxes: _Boxes, kernel=None) -> tuple[np.ndarray, np.ndarray]:
    """(point position, polygon position) pairs whose polygon's bounding box holds the point [-].

    One walk of the tree per point: the pairs go into a buffer that doubles when full (the
    walk resumes at the point that did not fit), grouped by point in increasing order.
    """
    kernel = kernel or _box_kernel
    px, py = np.ascontiguousarray(xy[:, 0], dtype=np.float64), np.ascontiguousarray(xy[:, 1], dtype=np.float64)
    if len(xy) == 0 or len(boxes.item) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    args = (boxes.item, boxes.ibox, boxes.box, boxes.level_start, boxes.level_count, _NODE_SIZE)
    room = max(1024, 2 * len(xy))
    qi, ti = np.empty(room, dtype=np.int64), np.empty(room, dtype=np.int64)
    i, w = 0, 0
    while True:
        i, w = kernel(px, py, *args, qi, ti, i, w)
        if i >= len(xy):
            return qi[:w], ti[:w]
        room *= 2
        qi, ti = np.resize(qi[:w], room), np.resize(ti[:w], room)


def _nearest_points(xy: np.ndarray, kd: cKDTree, max_m: float | None) -> tuple[np.ndarray, np.ndarray]:
    d, i = kd.query(xy, k=1, distance_upper_bound=np.inf if max_m is None else max_m, workers=THREADS)
    found = np.isfinite(d)
    return np.where(found, i, -1).astype(np.int64), np.where(found, d, np.nan)


def _nearest_lines(xy: np.ndarray, geoms: np.ndarray, seg: _Segments, max_m: float | None) -> tuple[np.ndarray, np.ndarray]:
    """The search without numba: vertex k-d tree bound, then ``STRtree.query(predicate="dwithin")``.

    Also the independent cross-check of :func:`_search_segments` in the tests.
    """
    if seg.tree is None or seg.vertices is None:
        raise DataError("this segment index was built without its STRtree; rebuild it with _segments(geoms, strtree=True)")
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
    if len(arr) == 0:
        return np.zeros((0, 2))
    types = shapely.get_type_id(arr)
    if not np.all((types == 0) | (types == -1)):  # not only points (or missing): per-geometry x and y
        return np.column_stack([shapely.get_x(arr), shapely.get_y(arr)])
    # points: one coordinate pair per non-empty point, placed back at its row (4x faster than get_x/get_y)
    xy, row = shapely.get_coordinates(arr, return_index=True)
    if len(row) == len(arr):
        return xy
    out = np.full((len(arr), 2), np.nan)
    out[row] = xy
    return out


@functools.lru_cache(maxsize=8)
def _transformer(src: str, dst: str):
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)  # thread-safe since pyproj 3.1


def project_lonlat(lon: np.ndarray, lat: np.ndarray, crs: str = CONUS_METRIC_CRS) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude [deg, EPSG:4326] projected to ``crs`` [m], without building geometries.

    The same pyproj transformation as ``GeoSeries.to_crs`` (``always_xy``), so the same
    numbers; non-finite inputs or results give NaN.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Coordinates [deg].
    crs : str
        Target projected CRS [-].

    Returns
    -------
    x, y : numpy.ndarray
        Projected coordinates [m].
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise DataError(f"lon has shape {lon.shape} and lat {lat.shape}; expected two arrays of the same shape")
    x, y = _transformer(GEOGRAPHIC_CRS, crs).transform(lon, lat)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    bad = ~(np.isfinite(x) & np.isfinite(y) & np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        x, y = np.where(bad, np.nan, x), np.where(bad, np.nan, y)
    return x, y


def hilbert_order_xy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Positions that sort points given by coordinates along a Hilbert curve [-].

    Curve of order 16 over the finite points' bounding box; points with a non-finite
    coordinate go last, in input order. Stable, so reproducible.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if len(x) < 2:
        return np.arange(len(x))
    codes = np.full(len(x), np.iinfo(np.int64).max, dtype=np.int64)
    if ok.any():
        codes[ok] = _hilbert_codes(x[ok], y[ok])
    return np.argsort(codes, kind="stable")


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
    rows: np.ndarray | None = None,
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
    rows : numpy.ndarray of int, optional
        Positions of the points to query (default: all): the results are for these rows,
        in this order. Cheaper than ``points.iloc[rows]``, which copies the geometries.

    Returns
    -------
    positions : numpy.ndarray of int64
        Row position in ``index.frame`` of the nearest feature, -1 when none [-].
    distance_km : numpy.ndarray of float
        Exact planar distance to it [km], NaN when none.

    Notes
    -----
    Distances are exact for every strategy (the segment decomposition of lines adds no
    vertex). When several features are exactly equidistant, the lowest row position wins
    (without numba, points take the one the k-d tree reports: fixed for a given layer, so
    reproducible).
    """
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    check_metric_crs(geoms, "sites", index.crs)
    n_all = len(geoms)
    if rows is not None:
        rows = np.asarray(rows)
        if rows.ndim != 1 or (len(rows) and (rows.dtype.kind not in "iu" or rows.min() < 0 or rows.max() >= n_all)):
            raise DataError(f"rows must be positions 0..{n_all - 1} of the {n_all} points (a 1-D integer array); "
                            f"got dtype {rows.dtype} and shape {rows.shape}")
    n = n_all if rows is None else len(rows)
    pos = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    if max_distance_km is not None and not (max_distance_km > 0):
        raise DataError(f"max_distance_km={max_distance_km!r}: expected a positive distance [km] or None")
    if n == 0 or len(index) == 0:
        return pos, dist
    xy = site_coordinates(geoms) if xy is None else np.asarray(xy, dtype=float)
    if xy.shape != (n_all, 2):
        raise DataError(f"xy has shape {xy.shape}; expected ({n_all}, 2), the coordinates of the {n_all} points")
    if rows is not None:
        xy = xy[rows]
    # two 1-D tests: isfinite(xy).all(axis=1) reduces over an axis of length 2, 10x slower
    valid = np.isfinite(xy[:, 0]) & np.isfinite(xy[:, 1])
    sel = np.flatnonzero(valid)
    if len(sel) == 0:
        return pos, dist
    max_m = None if max_distance_km is None else float(max_distance_km) * M_PER_KM
    all_valid = len(sel) == n
    xs = xy if all_valid else xy[sel]  # points and lines are searched from the coordinates alone
    if index.kind == "points" and index.segments is None:  # pragma: no cover - only without numba
        p, d = _nearest_points(xs, index.points, max_m)
    elif index.kind in ("points", "lines") and index.segments.tree is None:
        p, d = _threaded(lambda xy_: _search_segments(xy_, index.segments, max_m), len(sel), xs)
    elif index.kind == "lines":  # pragma: no cover - only without numba
        arr = geoms.to_numpy() if rows is None else geoms.to_numpy()[rows]
        gs = arr if all_valid else arr[sel]
        p, d = _threaded(lambda xy_, g: _nearest_lines(xy_, g, index.segments, max_m), len(sel), xs, gs)
    else:
        arr = geoms.to_numpy() if rows is None else geoms.to_numpy()[rows]
        if sort:
            sel = sel[hilbert_order(gpd.GeoSeries(arr[sel]))]
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
        if len(values) == 0:
            out[dst] = pd.Series(np.array([None] * len(pos)), index=points.index, dtype=object).where(found)
            continue
        # take on the column's own array (an Arrow take for strings), never a Python object per site
        col = pd.Series(values.array.take(np.where(found, pos, 0)), index=points.index, dtype=values.dtype)
        out[dst] = col if found.all() else col.where(found)
    return out


def points_in_polygons(points: gpd.GeoSeries | gpd.GeoDataFrame, index: NearestIndex, *, xy: np.ndarray | None = None) -> np.ndarray:
    """Row position of the polygon of ``index`` containing each point (-1 when none) [-].

    One vectorized bounding-box query (the compiled packed R-tree of the boxes of the
    polygons' pieces, on the coordinates), then ``shapely.intersects_xy`` on a prepared copy
    of the pieces for the candidate pairs (none for a piece that is its own box); a point on
    a shared boundary or in
    overlapping polygons takes the lowest row position, so the answer is deterministic.
    """
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    check_metric_crs(geoms, "sites", index.crs)
    out = np.full(len(geoms), -1, dtype=np.int64)
    if len(geoms) == 0 or len(index) == 0:
        return out
    boxes = index.boxes
    pool = index.polygons if index.polygons is not None else _PreparedPool(index.frame.geometry.to_numpy())

    def run(pxy, *arr):
        if boxes is not None:  # from the coordinates alone: no point geometry is touched
            qi, ti = _box_candidates(pxy, boxes)
        else:  # pragma: no cover - only without numba
            qi, ti = index.tree.query(arr[0])  # bounding boxes only: the STRtree is read-only once built
        res = np.full(len(pxy), -1, dtype=np.int64)
        if len(qi):
            # a piece that is its own box holds every point its box holds; the others are tested
            hit = boxes.exact[ti].copy() if boxes is not None and boxes.exact is not None else np.zeros(len(qi), bool)
            test = np.flatnonzero(~hit)
            if len(test):
                with pool.checkout() as polys:  # a prepared copy no other thread is using
                    hit[test] = shapely.intersects_xy(polys[ti[test]], pxy[qi[test], 0], pxy[qi[test], 1])
            qi, ti = qi[hit], ti[hit]
            if boxes is not None and boxes.owner is not None:
                ti = boxes.owner[ti]  # piece -> the polygon's row
        if len(qi):
            # pairs come grouped by point (qi non-decreasing): the lowest polygon position per point
            if len(qi) > 1 and not np.all(qi[1:] >= qi[:-1]):
                order = np.argsort(qi, kind="stable")
                qi, ti = qi[order], ti[order]
            starts = np.flatnonzero(np.r_[True, qi[1:] != qi[:-1]])
            res[qi[starts]] = np.minimum.reduceat(ti, starts)
        return (res,)

    xy = site_coordinates(geoms) if xy is None else np.asarray(xy, dtype=float)
    if xy.shape != (len(geoms), 2):
        raise DataError(f"xy has shape {xy.shape}; expected ({len(geoms)}, 2), the coordinates of the {len(geoms)} points")
    if boxes is not None:
        return _threaded(run, len(xy), xy)[0]
    return _threaded(run, len(xy), xy, geoms.to_numpy())[0]  # pragma: no cover - only without numba


class PreparedLayers:
    """A layer set wrapped with memoised projections and nearest-feature indexes.

    Anything with ``.load(role)`` and ``.has(role)`` works as ``layers`` (the real
    :class:`gis_data.layerset.LayerSet`, or :class:`gis_data.layerset.FrameLayers`
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
        self._local = threading.local()  # per-thread cache of the current frame's coordinates
        #: Called with the memo key (``("load", role)``, ``("index", role, name)`` ...) after each
        #: entry is built: how a caller shows progress while layers load and indexes build.
        self.on_build: Callable[[tuple], None] | None = None

    def __getstate__(self):  # a lock does not pickle (Dask ships this object to workers)
        state = self.__dict__.copy()
        del state["_lock"], state["_local"]
        state["on_build"] = None  # a progress callback stays with the caller
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._local = threading.local()

    def _build(self, key, make: Callable):
        """The memo entry for ``key``, made once under the lock (double-checked)."""
        if key in self._memo:
            return self._memo[key]
        with self._lock:
            if key not in self._memo:
                self._memo[key] = make()
                if self.on_build is not None:
                    self.on_build(key)
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
        chunk) never gets another frame's coordinates; it is per thread, so threads scoring
        different chunks with one instance never see each other's frames.
        """
        cached = getattr(self._local, "coords", None)
        if cached is not None and cached[0] is sites:
            return cached[1]
        xy = site_coordinates(sites)
        self._local.coords = (sites, xy)
        return xy

    def nearest_of_all(self, sites, role: str) -> tuple[np.ndarray, np.ndarray]:
        """:func:`nearest` of ``sites`` in the whole ``role`` layer, computed once for the frame most recently asked about.

        Like :meth:`coords`, the cache holds the frame itself, is checked by identity and is
        per thread, so two criteria asking for the same search on one chunk share it. Callers
        must not modify the returned arrays.
        """
        cached = getattr(self._local, "nearest_of_all", None)
        if cached is not None and cached[0] is sites and cached[1] == role:
            return cached[2]
        found = nearest(sites, self.index(role), xy=self.coords(sites))
        self._local.nearest_of_all = (sites, role, found)
        return found

    def remember_coords(self, sites, xy: np.ndarray) -> None:
        """Give :meth:`coords` the coordinates of ``sites`` [m in ``crs``] the caller already has
        (e.g. from :func:`project_lonlat`), so they are not read back from the geometries."""
        xy = np.asarray(xy, dtype=float)
        if xy.shape != (len(sites), 2):
            raise DataError(f"xy has shape {xy.shape}; expected ({len(sites)}, 2), the coordinates of the {len(sites)} sites")
        self._local.coords = (sites, xy)

    def memo(self, key, make: Callable):
        """Memoise any derived object (a lookup table, per-station result) under ``key``."""
        return self._build(key, make)


def _accepts_crs(fn) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        return False
