"""Nearest-feature engine: hand-checkable geometry in EPSG:5070 and a brute-force cross-check."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from siting.errors import CRSError, DataError
from siting.proximity import NearestIndex, PreparedLayers, nearest, nearest_attributes, points_in_polygons

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
