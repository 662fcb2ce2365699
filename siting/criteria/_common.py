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


def text(values, index) -> pd.Series:
    return pd.Series(values, index=index, dtype="string")
