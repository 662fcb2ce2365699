"""County and state of each site (point in polygon)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.nearest import points_in_polygons
from siting.criteria._common import check_sites, empty, prep, text
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
        hit = pos >= 0
        for col in ("county_fips", "county_name", "state_abbr"):
            vals = idx.frame[col].astype("string").to_numpy()
            out[col] = text(np.where(hit, vals[np.where(hit, pos, 0)], None), sites.index)
    if L.has("states"):
        missing = out["state_abbr"].isna().to_numpy()
        if missing.any():
            idx = L.index("states")
            pos = points_in_polygons(sites[missing], idx, xy=L.coords(sites)[missing])
            vals = idx.frame["state_abbr"].astype("string").to_numpy()
            fill = np.where(pos >= 0, vals[np.where(pos >= 0, pos, 0)], None)
            out.loc[missing, "state_abbr"] = text(fill, sites.index[missing])
    return out
