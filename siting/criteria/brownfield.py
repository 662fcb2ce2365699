"""Brownfield plant sites: retired, retiring and underused thermal plants a campus could take over.

Buying or restarting a retired coal or gas plant and putting the load next to it is one
of the fastest ways to power: the site has a grid interconnection sized for the plant,
water rights (steam units were cooled), industrial land and a permit history. This
criterion finds, for each site, the nearest such plant whose freed interconnection
capacity carries at least half the campus's facility load (:data:`MIN_SHARE_OF_LOAD`),
from the EIA-860 generator statuses and retirement years
(:func:`gis_data.plants.brownfield_plants`). How much it counts is the profile's
(``siting.scoring``: ``score_brownfield``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.nearest import NearestIndex, nearest
from gis_data.plants import brownfield_plants
from siting.criteria._common import check_sites, empty, prep
from siting.scenario import Scenario

#: A plant counts for a site when its freed thermal capacity is at least this share of the
#: site's facility load [-] (a screening choice: a plant that carries half the campus gives
#: it a head start on interconnection; smaller ones are ordinary neighbours).
MIN_SHARE_OF_LOAD = 0.5

COLUMNS = {"distance_to_brownfield_plant_km": "float", "brownfield_plant_id": "str", "brownfield_plant_name": "str",
           "brownfield_capacity_mw": "float", "brownfield_operating_capacity_mw": "float",
           "brownfield_has_steam_cooling": "bool", "brownfield_status": "str"}


def brownfield(sites: gpd.GeoDataFrame, layers, scenario: Scenario, load_mw=None) -> pd.DataFrame:
    """The nearest thermal plant whose retired, retiring or underused units free enough interconnection.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Points in EPSG:5070.
    layers : LayerSet-like
        Needs ``plants`` (EIA-860 generators with status and retirement year).
    scenario : Scenario
        ``analysis_year`` tells retiring from retired; ``it_load_mw`` is the load when
        ``load_mw`` is not given.
    load_mw : array-like, optional
        Each site's facility peak load [MW].

    Returns
    -------
    pandas.DataFrame
        ``distance_to_brownfield_plant_km`` [km], ``brownfield_plant_id``,
        ``brownfield_plant_name``, ``brownfield_capacity_mw`` [MW] (retired + retiring +
        underused coal, gas and oil nameplate at the plant: interconnection freed),
        ``brownfield_operating_capacity_mw`` [MW] (units still operating there),
        ``brownfield_has_steam_cooling`` (a steam unit among them: cooling water rights),
        ``brownfield_status`` (units by status, fuel and retirement year); empty where no
        plant of at least :data:`MIN_SHARE_OF_LOAD` x the load exists.
    """
    check_sites(sites)
    L = prep(layers)
    out = empty(sites, COLUMNS)
    if not L.has("plants") or not len(sites):
        return out
    n = len(sites)
    load = np.full(n, scenario.it_load_mw, dtype=float) if load_mw is None else \
        np.broadcast_to(np.asarray(load_mw, dtype=float), (n,)).copy()
    load = np.where(np.isfinite(load), load, scenario.it_load_mw)
    year = int(scenario.analysis_year)
    bf = L.memo(("brownfield_plants", year), lambda: brownfield_plants(L.load("plants"), as_of_year=year).to_crs(L.crs))
    if not len(bf):
        return out
    cap = bf["brownfield_capacity_mw"].to_numpy(dtype=float)
    levels = np.unique(cap)
    need = MIN_SHARE_OF_LOAD * load
    k = np.searchsorted(levels, need, side="left")  # levels[k]: smallest plant capacity >= the need
    pos = np.full(n, -1)
    dist = np.full(n, np.nan)
    xy = L.coords(sites)
    for j in np.unique(k[k < len(levels)]):
        thr = float(levels[j])
        sel = np.flatnonzero(k == j)
        idx = L.memo(("brownfield_index", year, thr),
                     lambda thr=thr: NearestIndex.build(bf, mask=cap >= thr, crs=L.crs, what="brownfield plants"))
        p, d = nearest(sites, idx, xy=xy, rows=sel)
        rows = np.flatnonzero(cap >= thr)
        pos[sel] = np.where(p >= 0, rows[np.where(p >= 0, p, 0)], -1)
        dist[sel] = np.where(p >= 0, d, np.nan)
    found = pos >= 0
    take = np.where(found, pos, 0)

    def pick(col, dtype):
        vals = bf[col].to_numpy()[take]
        return pd.array(np.where(found, vals, None), dtype=dtype)

    out["distance_to_brownfield_plant_km"] = dist
    out["brownfield_plant_id"] = pick("plant_id", "string")
    out["brownfield_plant_name"] = pick("plant_name", "string")
    out["brownfield_capacity_mw"] = np.where(found, cap[take], np.nan)
    out["brownfield_operating_capacity_mw"] = np.where(found, bf["operating_capacity_mw"].to_numpy(dtype=float)[take],
                                                       np.nan)
    out["brownfield_has_steam_cooling"] = pd.arrays.BooleanArray(
        bf["has_steam_cooling"].to_numpy(dtype=bool)[take] & found, ~found)
    out["brownfield_status"] = pick("status_text", "string")
    return out
