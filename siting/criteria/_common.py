"""Helpers shared by the criteria: layer preparation, site checks, empty columns."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import CONUS_METRIC_CRS, null_text
from gis_data.nearest import PreparedLayers, check_metric_crs
from siting.errors import DataError


def prep(layers) -> PreparedLayers:
    return layers if isinstance(layers, PreparedLayers) else PreparedLayers(layers)


def check_sites(sites: gpd.GeoDataFrame) -> None:
    if not isinstance(sites, gpd.GeoDataFrame):
        raise DataError(f"sites must be a GeoDataFrame of points in {CONUS_METRIC_CRS}, got {type(sites).__name__}")
    check_metric_crs(sites, "sites", CONUS_METRIC_CRS)


def empty(sites, spec: Mapping[str, str]) -> pd.DataFrame:
    """Missing columns of ``spec`` (``{name: "float" | "bool" | "str"}``) on ``sites.index``.

    Columns of one kind share one missing array (copy-on-write: the first write to a column
    gives it its own), so a criterion's placeholders cost one array per kind, not one per
    column: at a million sites each float placeholder was 8 MB of fresh memory to fill and
    throw away.
    """
    n = len(sites.index)
    shared = {
        "float": lambda: np.full(n, np.nan),
        "bool": lambda: pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)),
        "str": lambda: null_text(n).array,
    }
    made: dict = {}
    cols = {name: made[kind] if kind in made else made.setdefault(kind, shared[kind if kind in shared else "str"]())
            for name, kind in spec.items()}
    return pd.DataFrame(cols, index=sites.index, copy=False)


class Columns:
    """A criterion's output columns, gathered as arrays and made into one frame at the end.

    ``out[name] = values`` keeps the array itself (a ``DataFrame`` would copy it, and a
    placeholder frame from :func:`empty` would have filled it first); ``out[name]`` reads it
    back as a Series; :meth:`frame` puts every column of ``spec`` in order (the unset ones
    missing, :func:`empty`), then the other columns set, without a copy.
    """

    def __init__(self, sites, spec: Mapping[str, str]):
        self.index = sites.index
        self.spec = dict(spec)
        self.data: dict = {}

    def __setitem__(self, name: str, values) -> None:
        if isinstance(values, pd.Series):
            if not values.index.equals(self.index):
                values = values.reindex(self.index)
            values = values.array
        elif np.ndim(values) == 0:
            values = np.full(len(self.index), values)
        self.data[name] = values

    def __getitem__(self, name: str) -> pd.Series:
        if name in self.data:
            return pd.Series(self.data[name], index=self.index, copy=False)
        return empty(pd.DataFrame(index=self.index), {name: self.spec[name]})[name]

    def frame(self) -> pd.DataFrame:
        """The columns of ``spec`` in its order, then any other column set, in the order set."""
        missing = empty(pd.DataFrame(index=self.index), {n: k for n, k in self.spec.items() if n not in self.data})
        cols = {n: self.data[n] if n in self.data else missing[n].array for n in self.spec}
        cols |= {n: v for n, v in self.data.items() if n not in cols}
        return pd.DataFrame(cols, index=self.index, copy=False)


def text(values, index) -> pd.Series:
    return pd.Series(values, index=index, dtype="string")
