"""Pieces the benchmark scripts share: a peak-memory sampler and seeded CONUS site points.

The scripts run as ``python tests/bench/bench_*.py`` (their folder is first on ``sys.path``),
so they import this module as ``_benchutil``.
"""

from __future__ import annotations

import os
import threading

import geopandas as gpd
import numpy as np
import shapely

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS

#: State codes outside the contiguous US (left out of the random sites).
NON_CONUS = ("AK", "HI", "PR", "VI", "GU", "AS", "MP")


class PeakRSS:
    """Samples this process's resident memory every 20 ms (Linux /proc) and keeps the maximum [bytes]."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self) -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * self._page

    def __enter__(self):
        self.peak = self._rss()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._rss())


def random_conus_points(states: gpd.GeoDataFrame, n: int, seed: int = 0) -> gpd.GeoSeries:
    """``n`` seeded points uniform (by area) over the contiguous-US states, in EPSG:4326."""
    rng = np.random.default_rng(seed)
    conus = states[~states["state_abbr"].isin(NON_CONUS)].to_crs(CONUS_METRIC_CRS)
    area = conus.geometry.union_all()
    shapely.prepare(area)
    x0, y0, x1, y1 = area.bounds
    xs, ys, got = [], [], 0
    while got < n:
        m = int((n - got) * 1.6) + 100
        x, y = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
        keep = shapely.contains_xy(area, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        got += int(keep.sum())
    x, y = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    return gpd.GeoSeries(gpd.points_from_xy(x, y), crs=CONUS_METRIC_CRS).to_crs(GEOGRAPHIC_CRS)
