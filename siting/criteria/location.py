"""County and state of each site (point in polygon)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import take_text
from gis_data.nearest import points_in_polygons
from siting.criteria._common import check_sites, empty, prep
from siting.scenario import Scenario


def location(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """County and state of each site by point in polygon.

    Returns
    -------
    pandas.DataFrame
        ``county_fips``, ``county_name``, ``state_abbr`` [-]; missing where no polygon
        contains the site (outside the layers' coverage).
    """
    check_sites(sites)
    L = prep(layers)
    out = empty(sites, {"county_fips": "str", "county_name": "str", "state_abbr": "str"})
    if L.has("counties"):
        idx = L.index("counties")
        pos = points_in_polygons(sites, idx, xy=L.coords(sites))
        for col in ("county_fips", "county_name", "state_abbr"):
            out[col] = take_text(idx.frame[col].astype("string"), pos, sites.index)
    if L.has("states"):
        missing = out["state_abbr"].isna().to_numpy()
        if missing.any():
            idx = L.index("states")
            pos = points_in_polygons(sites[missing], idx, xy=L.coords(sites)[missing])
            out.loc[missing, "state_abbr"] = take_text(idx.frame["state_abbr"].astype("string"), pos, sites.index[missing])
    return out
