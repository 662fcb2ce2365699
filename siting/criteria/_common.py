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
    out = pd.DataFrame(index=sites.index)
    for name, kind in spec.items():
        if kind == "float":
            out[name] = np.nan
        elif kind == "bool":
            out[name] = pd.Series(pd.NA, index=sites.index, dtype="boolean")
        else:
            out[name] = null_text(len(sites), sites.index)
    return out


def text(values, index) -> pd.Series:
    return pd.Series(values, index=index, dtype="string")
