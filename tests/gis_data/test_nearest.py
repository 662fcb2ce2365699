"""Nearest-feature engine: hand-checkable geometry in EPSG:5070 and a brute-force cross-check."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from siting.errors import CRSError, DataError
from gis_data.nearest import NearestIndex, PreparedLayers, nearest, nearest_attributes, points_in_polygons

CRS = "EPSG:5070"


def _pts(xy):
    return gpd.GeoSeries([Point(x, y) for x, y in xy], crs=CRS)


def test_three_four_five():
    # Hand calculation: a substation 3 km east and 4 km north of the site is 5.0 km away.
    layer = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[Point(3000, 4000), Point(50_000, 0)], crs=CRS)
    idx = NearestIndex.build(layer)
    pos, d = nearest(_pts([(0, 0)]), idx)
    assert pos.tolist() == [0]
    np.testing.assert_allclose(d, [5.0], rtol=1e-12)  # exact planar arithmetic, float round-off only


def test_line_distance_is_perpendicular_foot():
    # A line y = 2 km from x=-10..10 km: a point at the origin is 2.0 km away (perpendicular),
    # a point at (13, 2) km is 3.0 km past the end (distance to the end vertex).
    layer = gpd.GeoDataFrame({"op": ["X"]}, geometry=[LineString([(-10_000, 2000), (10_000, 2000)])], crs=CRS)
    idx = NearestIndex.build(layer)
    _, d = nearest(_pts([(0, 0), (13_000, 2000)]), idx)
    np.testing.assert_allclose(d, [2.0, 3.0], rtol=1e-12)  # exact geometry


def test_attributes_and_cutoff():
    layer = gpd.GeoDataFrame(
        {"operator": ["Near Co", "Far Co"]},
        geometry=[LineString([(0, 1000), (1000, 1000)]), LineString([(0, 30_000), (1000, 30_000)])],
        crs=CRS,
    )
    idx = NearestIndex.build(layer)
    pts = gpd.GeoDataFrame(geometry=list(_pts([(500, 0), (500, 29_000), (500, 200_000)])), crs=CRS, index=[10, 11, 12])
    out = nearest_attributes(pts, idx, {"operator": "pipeline_operator"}, max_distance_km=50)
    assert list(out.index) == [10, 11, 12]
    np.testing.assert_allclose(out["distance_km"].iloc[:2], [1.0, 1.0], rtol=1e-12)  # hand geometry
    assert out["pipeline_operator"].iloc[0] == "Near Co"
    assert out["pipeline_operator"].iloc[1] == "Far Co"
    assert np.isnan(out["distance_km"].iloc[2]) and pd.isna(out["pipeline_operator"].iloc[2])


def test_matches_brute_force_on_random_layer():
    # Independent check: shapely.distance over every (point, line) pair, minimum per point.
    rng = np.random.default_rng(7)
    starts = rng.uniform(0, 500_000, size=(300, 2))
    ends = starts + rng.normal(0, 20_000, size=(300, 2))
    lines = gpd.GeoDataFrame(geometry=[LineString([tuple(a), tuple(b)]) for a, b in zip(starts, ends)], crs=CRS)
    pts = _pts(rng.uniform(-50_000, 550_000, size=(400, 2)))
    pos, d = nearest(pts, NearestIndex.build(lines))
    brute = shapely.distance(pts.to_numpy()[:, None], lines.geometry.to_numpy()[None, :])
    np.testing.assert_allclose(d, brute.min(axis=1) / 1000.0, rtol=1e-12)  # same exact distances
    np.testing.assert_allclose(brute[np.arange(len(pts)), pos] / 1000.0, d, rtol=1e-12)


def test_order_independent_of_hilbert_sort():
    rng = np.random.default_rng(1)
    layer = gpd.GeoDataFrame(geometry=list(_pts(rng.uniform(0, 1e5, size=(50, 2)))), crs=CRS)
    pts = _pts(rng.uniform(0, 1e5, size=(200, 2)))
    idx = NearestIndex.build(layer)
    a = nearest(pts, idx, sort=True)
    b = nearest(pts, idx, sort=False)
    np.testing.assert_array_equal(a[1], b[1])


def test_empty_and_missing_points():
    layer = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=CRS)
    idx = NearestIndex.build(layer)
    pts = gpd.GeoSeries([Point(3000, 4000), None], crs=CRS)
    pos, d = nearest(pts, idx)
    assert pos.tolist() == [0, -1]
    assert d[0] == pytest.approx(5.0, rel=1e-12)  # 3-4-5 by hand
    assert np.isnan(d[1])
    empty = NearestIndex.build(layer.iloc[0:0])
    pos, d = nearest(pts, empty)
    assert (pos == -1).all() and np.isnan(d).all()


def test_geographic_crs_rejected():
    layer = gpd.GeoDataFrame(geometry=[Point(-80, 36)], crs="EPSG:4326")
    with pytest.raises(CRSError, match="geographic"):
        NearestIndex.build(layer)
    idx = NearestIndex.build(layer.to_crs(CRS))
    with pytest.raises(CRSError, match="to_crs"):
        nearest(gpd.GeoSeries([Point(-80, 36)], crs="EPSG:4326"), idx)
    with pytest.raises(CRSError, match="EPSG:5070"):
        nearest(gpd.GeoSeries([Point(0, 0)], crs="EPSG:3857"), idx)


def test_bad_cutoff():
    idx = NearestIndex.build(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=CRS))
    with pytest.raises(DataError, match="max_distance_km=-1"):
        nearest(_pts([(1, 1)]), idx, max_distance_km=-1)


def test_points_in_polygons_lowest_position_wins():
    sq = lambda x0, y0: Polygon([(x0, y0), (x0 + 10, y0), (x0 + 10, y0 + 10), (x0, y0 + 10)])  # noqa: E731
    polys = gpd.GeoDataFrame({"fips": ["a", "b"]}, geometry=[sq(0, 0), sq(10, 0)], crs=CRS)
    idx = NearestIndex.build(polys)
    got = points_in_polygons(_pts([(5, 5), (15, 5), (10, 5), (50, 50)]), idx)
    assert got.tolist() == [0, 1, 0, -1]  # the shared edge point takes the first polygon


def test_prepared_layers_memoises_and_projects():
    class Layers:
        calls = 0

        def has(self, role):
            return role == "substations"

        def load(self, role):
            Layers.calls += 1
            return gpd.GeoDataFrame({"max_voltage_kv": [230.0]}, geometry=[Point(-80, 36)], crs="EPSG:4326")

    p = PreparedLayers(Layers())
    a = p.index("substations")
    b = p.index("substations")
    assert a is b and Layers.calls == 1
    assert p.projected("substations").crs.to_epsg() == 5070


def test_each_strategy_matches_brute_force():
    # Independent check: shapely.distance over every (point, feature) pair, for each index strategy.
    from shapely.geometry import MultiLineString

    rng = np.random.default_rng(11)
    pts = _pts(rng.uniform(0, 300_000, size=(300, 2)))
    c = rng.uniform(0, 300_000, size=(120, 2))
    layers = {
        "points": [Point(x, y) for x, y in c],
        "lines": [MultiLineString([[(x, y), (x + 5000, y + 3000)], [(x, y + 9000), (x - 4000, y + 12_000), (x, y + 20_000)]])
                  for x, y in c],
        "other": [Point(x, y).buffer(2000) for x, y in c],
    }
    for kind, geoms in layers.items():
        layer = gpd.GeoDataFrame(geometry=geoms, crs=CRS)
        idx = NearestIndex.build(layer)
        assert idx.kind == kind
        pos, d = nearest(pts, idx)
        brute = shapely.distance(pts.to_numpy()[:, None], layer.geometry.to_numpy()[None, :]) / 1000.0
        np.testing.assert_allclose(d, brute.min(axis=1), rtol=1e-9, atol=1e-9)  # exact geometry, float round-off
        np.testing.assert_allclose(brute[np.arange(len(pts)), pos], d, rtol=1e-9, atol=1e-9)


def test_long_segment_within_cutoff_though_vertices_are_not():
    # A 200 km straight line passing 3 km from the site: both vertices are 100 km away, the line 3 km.
    layer = gpd.GeoDataFrame(geometry=[LineString([(-100_000, 3000), (100_000, 3000)])], crs=CRS)
    pos, d = nearest(_pts([(0, 0)]), NearestIndex.build(layer), max_distance_km=10)
    assert pos.tolist() == [0]
    assert d[0] == pytest.approx(3.0, rel=1e-12)  # perpendicular distance by hand


def test_equidistant_lines_take_lowest_position():
    layer = gpd.GeoDataFrame(
        geometry=[LineString([(-5, 10), (5, 10)]), LineString([(-5, -10), (5, -10)])], crs=CRS
    ).iloc[::-1]  # row order reversed: positions 0 = y -10, 1 = y +10
    pos, d = nearest(_pts([(0, 0)]), NearestIndex.build(layer))
    assert pos.tolist() == [0] and d[0] == pytest.approx(0.01, rel=1e-12)  # 10 m by hand


def test_point_in_bbox_but_outside_polygon():
    # A triangle's bounding box holds (9, 1) but the triangle does not: a bbox candidate, no hit.
    tri = gpd.GeoDataFrame(geometry=[Polygon([(0, 0), (10, 10), (0, 10)])], crs=CRS)
    assert points_in_polygons(_pts([(9, 1)]), NearestIndex.build(tri)).tolist() == [-1]
    assert points_in_polygons(_pts([(9, 1), (1, 9)]), NearestIndex.build(tri)).tolist() == [-1, 0]


# -- the compiled searches against independent paths ------------------------------------------


def _random_lines(rng, n, spread=400_000.0):
    """Lines of 2-4 vertices, some segments of zero length, some features MultiLineStrings."""
    from shapely.geometry import MultiLineString

    out = []
    for i in range(n):
        x, y = rng.uniform(0, spread, 2)
        k = rng.integers(2, 5)
        pts = np.cumsum(np.vstack([[x, y], rng.normal(0, 8000, (k - 1, 2))]), axis=0)
        if i % 7 == 0:
            pts[1] = pts[0]  # a zero-length segment
        line = LineString(pts)
        out.append(MultiLineString([line, LineString(pts[:2] + 3000)]) if i % 5 == 0 else line)
    return out


def test_segment_tree_search_is_bit_identical_to_strtree_search():
    # Independent path: the vertex-bound STRtree "dwithin" query with numpy distances (the engine
    # before the packed R-tree) must give the same positions and the same float64 distances.
    import gis_data.nearest as X

    rng = np.random.default_rng(3)
    geoms = np.array(_random_lines(rng, 400), dtype=object)
    seg = X._segments(geoms, strtree=True)
    xy = rng.uniform(-50_000, 450_000, size=(3000, 2))
    xy[::50] = np.column_stack([seg.ax[:60], seg.ay[:60]])  # sites exactly on vertices: distance 0, ties
    arr = shapely.points(xy)
    for max_m in (None, 4000.0):
        ref = X._nearest_lines(xy, arr, seg, max_m)
        got = X._search_segments(xy, seg, max_m)
        np.testing.assert_array_equal(got[0], ref[0])
        np.testing.assert_array_equal(got[1], ref[1])  # bit-identical: same arithmetic, exact search
        py = X._search_segments(xy[:300], seg, max_m, kernel=X._lines_kernel_py)  # the uncompiled kernel
        np.testing.assert_array_equal(py[0], ref[0][:300])
        np.testing.assert_array_equal(py[1], ref[1][:300])


def test_box_candidates_match_strtree_envelope_query():
    # Independent path: shapely's STRtree.query (envelope intersection) gives the same pairs.
    import gis_data.nearest as X

    rng = np.random.default_rng(4)
    c = rng.uniform(0, 100_000, size=(300, 2))
    polys = shapely.buffer(shapely.points(c), rng.uniform(500, 9000, 300))
    boxes = X._boxes(polys)
    xy = rng.uniform(-5000, 105_000, size=(2000, 2))
    b = shapely.bounds(polys)
    xy[:20] = b[:20, :2]  # on a box corner: bounds are inclusive
    qi, ti = X._box_candidates(xy, boxes)
    rq, rt = shapely.STRtree(polys).query(shapely.points(xy))
    assert set(zip(qi.tolist(), ti.tolist())) == set(zip(rq.tolist(), rt.tolist()))
    assert np.all(np.diff(qi) >= 0)  # grouped by point, as points_in_polygons expects
    pq, pt = X._box_candidates(xy[:200], boxes, kernel=X._box_kernel_py)
    sel = rq < 200
    assert set(zip(pq.tolist(), pt.tolist())) == set(zip(rq[sel].tolist(), rt[sel].tolist()))


def test_points_in_polygons_matches_sjoin_on_overlapping_polygons():
    # Independent check: geopandas.sjoin(predicate="intersects"), lowest polygon position per point.
    rng = np.random.default_rng(9)
    c = rng.uniform(0, 50_000, size=(80, 2))
    polys = gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points(c), rng.uniform(1000, 8000, 80)), crs=CRS)
    pts = _pts(rng.uniform(-2000, 52_000, size=(30_000, 2)))
    got = points_in_polygons(pts, NearestIndex.build(polys))
    j = gpd.sjoin(gpd.GeoDataFrame(geometry=pts), polys, how="left", predicate="intersects")
    ref = j["index_right"].groupby(level=0).min().reindex(range(len(pts))).fillna(-1).to_numpy().astype(int)
    assert (ref >= 0).any() and (ref == -1).any()
    np.testing.assert_array_equal(got, ref)


def test_concurrent_queries_from_many_threads_equal_serial():
    # The threaded path must be safe when several callers (Dask worker threads) query the same
    # indexes at once while each also splits its query over THREADS threads: results equal a
    # one-thread run, and every prepared polygon copy is used by one thread at a time.
    from concurrent.futures import ThreadPoolExecutor

    import gis_data.nearest as X

    rng = np.random.default_rng(12)
    c = rng.uniform(0, 200_000, size=(150, 2))
    polys = NearestIndex.build(gpd.GeoDataFrame(
        geometry=shapely.buffer(shapely.points(c), rng.uniform(2000, 20_000, 150), quad_segs=64), crs=CRS))
    lines = NearestIndex.build(gpd.GeoDataFrame(geometry=_random_lines(rng, 300, 200_000), crs=CRS))
    chunks = [_pts(rng.uniform(0, 200_000, size=(45_000, 2))) for _ in range(4)]
    serial = [(points_in_polygons(p, polys), nearest(p, lines)[1]) for p in chunks]
    old = X.THREADS
    try:
        X.THREADS = 2
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda p: (points_in_polygons(p, polys), nearest(p, lines)[1]), chunks * 2))
    finally:
        X.THREADS = old
    for (a, b), (ra, rb) in zip(got, serial * 2):
        np.testing.assert_array_equal(a, ra)
        np.testing.assert_array_equal(b, rb)
    assert polys.polygons._made <= polys.polygons._limit


def test_prepared_pool_hands_out_distinct_copies_and_pickles():
    import pickle
    import threading

    import gis_data.nearest as X

    geoms = np.array([Polygon([(0, 0), (1, 0), (1, 1)]), Polygon([(2, 2), (3, 2), (3, 3)])], dtype=object)
    pool = X._PreparedPool(geoms, limit=3)
    held, barrier = [], threading.Barrier(3)

    def hold():
        with pool.checkout() as g:
            held.append(g)
            barrier.wait(timeout=10)  # all three hold a copy at the same time

    ts = [threading.Thread(target=hold) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len({id(g) for g in held}) == 3  # never the same prepared objects in two threads
    assert all(shapely.is_prepared(g).all() for g in held)
    assert all(shapely.equals_exact(g, geoms, tolerance=0).all() for g in held)  # exact copies
    again = pickle.loads(pickle.dumps(pool))
    with again.checkout() as g:
        assert shapely.equals_exact(g, geoms, tolerance=0).all()


def test_project_lonlat_equals_to_crs_and_hilbert_order():
    from gis_data.nearest import hilbert_order_xy, project_lonlat

    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(-124, -67, 500), rng.uniform(25, 49, 500)
    x, y = project_lonlat(lon, lat)
    ref = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(CRS)
    np.testing.assert_array_equal(x, ref.x.to_numpy())  # the same pyproj transformation: same numbers
    np.testing.assert_array_equal(y, ref.y.to_numpy())
    xn, yn = project_lonlat(np.array([np.nan, -100.0]), np.array([40.0, np.inf]))
    assert np.isnan(xn).all() and np.isnan(yn).all()
    with pytest.raises(DataError, match="same shape"):
        project_lonlat(lon, lat[:3])
    x[3] = np.nan
    order = hilbert_order_xy(x, y)
    assert sorted(order.tolist()) == list(range(500)) and order[-1] == 3  # a permutation, non-finite last
    # Hilbert order keeps neighbours close: consecutive sites are far nearer than random pairs
    ok = np.isfinite(x)
    xs, ys = x[order][: ok.sum()], y[order][: ok.sum()]
    step = np.hypot(np.diff(xs), np.diff(ys)).mean()
    assert step < 0.2 * np.hypot(np.diff(x[ok]), np.diff(y[ok])).mean()


def test_site_coordinates_missing_empty_and_remembered():
    from gis_data.nearest import site_coordinates

    pts = gpd.GeoSeries([Point(1, 2), None, Point(), Point(3, 4)], crs=CRS)
    xy = site_coordinates(pts)
    np.testing.assert_array_equal(xy[[0, 3]], [[1, 2], [3, 4]])
    assert np.isnan(xy[[1, 2]]).all()
    p = PreparedLayers(object())
    frame = gpd.GeoDataFrame(geometry=pts)
    p.remember_coords(frame, np.zeros((4, 2)))
    assert (p.coords(frame) == 0).all()  # the remembered coordinates, not read from the geometries
    np.testing.assert_array_equal(p.coords(frame.copy())[[0, 3]], [[1, 2], [3, 4]])  # another frame: read
    with pytest.raises(DataError, match="expected \\(4, 2\\)"):
        p.remember_coords(frame, np.zeros((3, 2)))


_RACE = """
import sys, threading, numpy as np, shapely
import gis_data.nearest as X
rng = np.random.default_rng(0)
for it in range(60):
    c = rng.uniform(0, 1e5, size=(40, 2))
    base = shapely.buffer(shapely.points(c), rng.uniform(5e3, 3e4, 40), quad_segs=400)
    xs, ys, ti = rng.uniform(0, 1e5, 20000), rng.uniform(0, 1e5, 20000), rng.integers(0, 40, 20000)
    pool = X._PreparedPool(base)
    def work():
        with pool.checkout() as g:
            shapely.intersects_xy(g[ti], xs, ys)
    ts = [threading.Thread(target=work) for _ in range(4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
print("survived")
"""


def test_first_use_of_prepared_polygons_from_many_threads_does_not_corrupt_the_heap():
    # Regression for the intermittent "tcache_thread_shutdown(): unaligned tcache chunk detected"
    # abort: GEOS builds a prepared polygon's point locator lazily on first use and is not
    # thread-safe (libgeos/geos#825). This script with ONE shared prepared array used by the four
    # threads (the engine before the pool) aborted or segfaulted in 3 of 3 runs here (GEOS 3.14.1);
    # with the pool every thread tests against its own copy. Run in a subprocess: a heap
    # corruption must fail this test, not kill the test session.
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-c", _RACE], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, f"exit {res.returncode}: {res.stderr[-500:]}"
    assert "survived" in res.stdout


def test_indexes_survive_pickling_for_dask_workers():
    # Dask ships PreparedLayers (with every built index) to worker processes by pickle: the
    # unpickled indexes (segment tree, polygon boxes, prepared-copy pool) answer identically.
    import pickle

    rng = np.random.default_rng(21)
    c = rng.uniform(0, 100_000, size=(40, 2))
    frames = {
        "lines": gpd.GeoDataFrame(geometry=_random_lines(rng, 60, 100_000), crs=CRS),
        "polys": gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points(c), 6000), crs=CRS),
        "points": gpd.GeoDataFrame(geometry=shapely.points(c), crs=CRS),
    }
    from gis_data.layerset import FrameLayers

    p = PreparedLayers(FrameLayers(frames))
    built = {r: p.index(r) for r in frames}
    q = pickle.loads(pickle.dumps(p))
    pts = _pts(rng.uniform(0, 100_000, size=(500, 2)))
    for role in ("lines", "points"):
        for a, b in zip(nearest(pts, built[role]), nearest(pts, q.index(role))):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(points_in_polygons(pts, built["polys"]), points_in_polygons(pts, q.index("polys")))
    assert q.index("lines").segments.level_count.tolist() == built["lines"].segments.level_count.tolist()


def test_nearest_of_all_is_the_plain_search_shared_per_frame():
    """Two criteria asking for the nearest pipeline of the same chunk share one search; a new
    frame (the next chunk) is searched again, never served the previous chunk's answer."""
    from gis_data.layerset import FrameLayers

    lines = gpd.GeoDataFrame({"pipeline_id": ["a", "b"]},
                             geometry=[LineString([(0, 0), (0, 10)]), LineString([(100, 0), (100, 10)])],
                             crs="EPSG:4326").to_crs("EPSG:5070")
    layers = PreparedLayers(FrameLayers({"pipelines": lines.to_crs("EPSG:4326")}))
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([1.0, 99.0], [5.0, 5.0], crs="EPSG:4326")).to_crs("EPSG:5070")
    first = layers.nearest_of_all(pts, "pipelines")
    assert layers.nearest_of_all(pts, "pipelines") is first  # shared
    pos, d = nearest(pts, layers.index("pipelines"), xy=layers.coords(pts))
    np.testing.assert_array_equal(first[0], pos)
    np.testing.assert_array_equal(first[1], d)
    other = pts.iloc[::-1].copy()  # a new frame: searched again
    again = layers.nearest_of_all(other, "pipelines")
    assert again is not first and again[0].tolist() == first[0][::-1].tolist()


def test_rows_queries_a_subset_without_copying_geometries():
    rng = np.random.default_rng(31)
    lines = NearestIndex.build(gpd.GeoDataFrame(geometry=_random_lines(rng, 200, 100_000), crs=CRS))
    polys = NearestIndex.build(gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points(rng.uniform(0, 100_000, (30, 2))), 3000.0), crs=CRS))
    pts = _pts(rng.uniform(0, 100_000, size=(2_000, 2)))
    rows = rng.choice(2_000, size=700, replace=False)
    for idx in (lines, polys):  # the compiled segment search and the STRtree path
        p, d = nearest(pts, idx, rows=rows)
        rp, rd = nearest(pts.iloc[rows], idx)
        np.testing.assert_array_equal(p, rp)
        np.testing.assert_array_equal(d, rd)
    with pytest.raises(DataError, match="rows must be positions 0..1999"):
        nearest(pts, lines, rows=np.array([0, 2_000]))
    with pytest.raises(DataError, match="rows must be positions"):
        nearest(pts, lines, rows=np.array([0.5]))


def test_subdivided_pieces_cover_each_polygon_and_keep_few_vertices():
    # PostGIS ST_Subdivide semantics: every piece has at most max_vertices vertices, the pieces of a
    # polygon add up to its area and lie inside it; holes stay holes.
    import gis_data.nearest as X

    ring = shapely.buffer(Point(0, 0), 50_000, quad_segs=200)  # 801 vertices
    holed = shapely.difference(ring, shapely.buffer(Point(10_000, 0), 15_000, quad_segs=64))
    multi = shapely.MultiPolygon([shapely.buffer(Point(200_000, 0), 20_000, quad_segs=100).exterior.buffer(0).buffer(0),
                                  shapely.box(300_000, 0, 310_000, 5_000)])
    geoms = np.array([holed, Polygon([(0, 0), (1, 0), (1, 1)]), multi], dtype=object)
    parts, at = shapely.get_parts(geoms, return_index=True)
    pieces, owner = X._subdivide(parts, max_vertices=32)
    assert (shapely.get_num_coordinates(pieces) <= 32).all()
    for k, part in enumerate(parts):
        mine = pieces[owner == k]
        assert abs(shapely.area(mine).sum() - part.area) <= 1e-9 * part.area
        assert shapely.covers(shapely.buffer(part, 1e-6), mine).all()
    assert len(pieces) > len(parts)  # the large ones were cut


def test_own_box_pieces_need_no_polygon_test():
    import gis_data.nearest as X

    geoms = np.array([
        shapely.box(0, 0, 2, 1),  # a rectangle: its own box
        Polygon([(0, 0), (2, 1), (2, 0), (0, 1), (0, 0)]),  # bow tie on the corners: area 0
        Polygon([(0, 0), (2, 0), (2, 1), (2, 1), (0, 0)]),  # triangle with a repeated corner: half the box
        shapely.box(0, 0, 4, 4).difference(shapely.box(1, 1, 2, 2)),  # a hole
        shapely.affinity.rotate(shapely.box(0, 0, 1, 1), 30),  # a square, not axis-aligned
    ], dtype=object)
    np.testing.assert_array_equal(X._is_own_box(geoms, shapely.bounds(geoms)), [True, False, False, False, False])


def test_points_in_polygons_on_many_vertex_polygons_with_holes_matches_sjoin():
    # Polygons of hundreds of vertices are cut into pieces; the answer must not change: against
    # geopandas.sjoin(predicate="intersects"), lowest row per point, points on cuts included.
    rng = np.random.default_rng(17)
    c = rng.uniform(0, 200_000, size=(25, 2))
    polys = shapely.buffer(shapely.points(c), rng.uniform(10_000, 40_000, 25), quad_segs=128)
    polys[::3] = shapely.difference(polys[::3], shapely.buffer(shapely.points(c[::3]), 5_000.0, quad_segs=64))
    frame = gpd.GeoDataFrame(geometry=polys, crs=CRS)
    idx = NearestIndex.build(frame)
    assert len(idx.boxes.item) > len(frame) and idx.boxes.exact.any()  # cut, and some interior pieces are boxes
    xy = rng.uniform(-10_000, 210_000, size=(40_000, 2))
    # points exactly on the cuts of the first polygon (its box's mid lines)
    b = shapely.bounds(polys[0])
    xy[:50, 0], xy[:50, 1] = 0.5 * (b[0] + b[2]), rng.uniform(b[1], b[3], 50)
    pts = _pts(xy)
    got = points_in_polygons(pts, idx)
    j = gpd.sjoin(gpd.GeoDataFrame(geometry=pts), frame, how="left", predicate="intersects")
    ref = j["index_right"].groupby(level=0).min().reindex(range(len(pts))).fillna(-1).to_numpy().astype(int)
    np.testing.assert_array_equal(got, ref)


def test_points_in_real_balancing_authorities_match_shapely():
    # The real HIFLD control areas (71 multipolygons, 82k vertices) cut into pieces give the same
    # polygon for every point as an uncut shapely test of every polygon (independent path).
    from pathlib import Path

    from gis_data.layerset import scan_directory

    shared = Path(__file__).resolve().parents[2].parent / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("../shared/data is absent: the real balancing-authority layer is not available")
    ls = scan_directory(shared)
    if not ls.has("balancing_authorities"):
        pytest.skip("no balancing-authority layer in ../shared/data")
    ba = ls.load("balancing_authorities").to_crs(CRS)
    idx = NearestIndex.build(ba)
    rng = np.random.default_rng(5)
    b = ba.total_bounds
    xy = np.column_stack([rng.uniform(b[0], b[2], 20_000), rng.uniform(b[1], b[3], 20_000)])
    got = points_in_polygons(_pts(xy), idx)
    geoms = idx.frame.geometry.to_numpy()
    hit = shapely.intersects_xy(geoms[:, None], xy[None, :, 0], xy[None, :, 1])  # (polygons, points)
    ref = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
    assert (ref >= 0).sum() > 2_000  # thousands of points inside (the box spans Alaska to Hawaii too)
    np.testing.assert_array_equal(got, ref)


def test_box_candidates_buffer_grows_without_losing_pairs():
    # 60 nested boxes: every point lies in up to 60 of them, far more pairs than the first buffer
    # (2 per point) holds; the walk resumes at the point that did not fit and loses nothing.
    import gis_data.nearest as X

    polys = np.array([shapely.box(-k, -k, 100 + k, 100 + k) for k in range(60)], dtype=object)
    boxes = X._boxes(polys)
    rng = np.random.default_rng(8)
    xy = rng.uniform(-70, 170, size=(3_000, 2))
    for kernel in (None, X._box_kernel_py):
        qi, ti = X._box_candidates(xy, boxes, kernel=kernel)
        rq, rt = shapely.STRtree(polys).query(shapely.points(xy))
        assert len(qi) > 2 * len(xy)
        assert sorted(zip(qi.tolist(), ti.tolist())) == sorted(zip(rq.tolist(), rt.tolist()))
        assert np.all(np.diff(qi) >= 0)
