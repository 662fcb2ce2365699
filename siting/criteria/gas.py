"""Gas supply: distance to pipelines by type, lateral cost, deliverability, gas facilities."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import take_labels, take_text
from gis_data.gas import link_plants_to_pipelines
from gis_data.nearest import NearestIndex, nearest
from siting.criteria._common import Columns, check_sites, prep
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Longest lateral the chosen pipeline may need [km]: beyond it a system that already serves
#: the load is no nearer option than the nearest pipeline (a screening choice; a lateral of
#: tens of miles is a pipeline project of its own).
LATERAL_REACH_KM = 50.0


def pipeline_links(L):
    """The layer set's :func:`gis_data.gas.link_plants_to_pipelines`, computed once per layer set."""
    # the projected layers the indexes use: the link search needs them in EPSG:5070 anyway
    return L.memo(("pipeline_links",), lambda: link_plants_to_pipelines(L.projected("plants"), L.projected("pipelines")))


def served_mw_by_pipeline(L) -> np.ndarray:
    """Served gas capacity [MW] of each row of the pipelines index (``L.index("pipelines").frame``).

    Per row of the index, not of the layer: the index drops rows without a geometry, and the
    nearest-feature positions the criteria hold are positions in it. Computed once per layer set.
    """
    return L.memo(("served_by_pipeline_row",),
                  lambda: pipeline_links(L).served_mw_per_pipeline(L.index("pipelines").frame))


def gas(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """Distance to interstate and intrastate gas pipelines, deliverability, hubs.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_pipeline_km``, ``distance_to_interstate_pipeline_km``,
        ``distance_to_intrastate_pipeline_km`` [km]; ``pipeline_operator`` [-] of the
        nearest pipeline (the lateral to the chosen pipeline is sized and costed once, in the
        site chain's money step);
        ``pipeline_served_gas_capacity_mw`` [MW] operating gas generation linked to that
        pipeline's system (:func:`gis_data.gas.link_plants_to_pipelines`: by the EIA-860
        ``gas_pipeline`` name and the nearest pipeline of the matching operator, else by
        the plant sitting on the pipeline; a deliverability indicator: a system already
        feeding large plants is built for large draws); ``distance_to_gas_facility_km``
        [km] and ``gas_facility_type`` [-] of the nearest hub, storage field or terminal.
    """
    check_sites(sites)
    L = prep(layers)
    out = Columns(sites, {
        "distance_to_pipeline_km": "float", "distance_to_interstate_pipeline_km": "float",
        "distance_to_intrastate_pipeline_km": "float", "pipeline_operator": "str",
        "pipeline_served_gas_capacity_mw": "float", "distance_to_gas_facility_km": "float", "gas_facility_type": "str",
    })
    if L.has("pipelines"):
        # nearest pipeline of any type first; a site whose nearest pipeline is interstate has that
        # distance as its interstate distance, so only the other type is searched for it
        idx = L.index("pipelines")
        kinds = idx.frame["pipe_type"].astype("string").str.lower().fillna("").to_numpy()
        pos, d = L.nearest_of_all(sites, "pipelines")
        found = pos >= 0
        out["distance_to_pipeline_km"] = d.copy()  # d is shared with chosen_pipeline
        out["pipeline_operator"] = take_text(idx.frame["operator"].astype("string"), np.where(found, pos, -1), sites.index)
        near_kind = np.where(found, kinds[np.where(found, pos, 0)], "")
        for kind in ("interstate", "intrastate"):
            dk = np.where(near_kind == kind, d, np.nan)
            other = np.flatnonzero(near_kind != kind)
            sub = L.index("pipelines", kind, lambda f, k=kind: f["pipe_type"].astype("string").str.lower().fillna("").to_numpy() == k)
            dk[other] = nearest(sites, sub, xy=L.coords(sites), rows=other)[1]
            out[f"distance_to_{kind}_pipeline_km"] = dk
        if L.has("plants"):
            per_row = served_mw_by_pipeline(L)
            out["pipeline_served_gas_capacity_mw"] = np.where(found, per_row[np.where(found, pos, 0)], np.nan)
    if L.has("gas_facilities"):
        idx = L.index("gas_facilities")
        pos_f, d_f = nearest(sites, idx, xy=L.coords(sites))
        out["distance_to_gas_facility_km"] = d_f
        out["gas_facility_type"] = take_text(idx.frame["facility_type"].astype("string"), pos_f, sites.index)
    return out.frame()


def chosen_pipeline(sites: gpd.GeoDataFrame, layers, load_mw, *, reach_km: float = LATERAL_REACH_KM) -> pd.DataFrame:
    """The pipeline a site would tap: the nearest pipeline of a system that already serves its load.

    A system's served capacity is the operating gas generation linked to it
    (:func:`pipeline_links`); a system serving at least the site's load has shown it
    delivers such draws. The nearest pipeline of such a system is chosen when it is within
    ``reach_km``; otherwise the nearest pipeline of any system (its served capacity says
    how far short it falls).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Points in EPSG:5070.
    layers : LayerSet-like
    load_mw : array-like
        Each site's facility peak load [MW] (NaN: the nearest pipeline is chosen).
    reach_km : float
        [km]

    Returns
    -------
    pandas.DataFrame
        ``chosen_pipeline_id``, ``chosen_pipeline_operator`` [-], ``distance_to_chosen_pipeline_km``
        [km], ``chosen_pipeline_served_gas_capacity_mw`` [MW], ``chosen_pipeline_basis`` [-].
    """
    check_sites(sites)
    L = prep(layers)
    out = Columns(sites, {"chosen_pipeline_id": "str", "chosen_pipeline_operator": "str",
                        "distance_to_chosen_pipeline_km": "float", "chosen_pipeline_served_gas_capacity_mw": "float",
                        "chosen_pipeline_basis": "str"})
    if not L.has("pipelines") or not len(sites):
        return out.frame()
    idx = L.index("pipelines")
    xy = L.coords(sites)
    pos, d = L.nearest_of_all(sites, "pipelines")  # the search gas() made for these sites
    pos, d = np.array(pos, copy=True), np.array(d, dtype=float, copy=True)
    n = len(sites)
    load = np.broadcast_to(np.asarray(load_mw, dtype=float), (n,)).copy()
    served = served_mw_by_pipeline(L) if L.has("plants") else np.full(len(idx.frame), np.nan)
    labels = ["nearest pipeline (no plant layer: deliverability unknown)" if not L.has("plants") else
              "nearest pipeline: no system within reach already serves the load",
              "nearest pipeline (load unknown)", "nearest pipeline of a system already serving at least the facility load"]
    basis = np.zeros(n, dtype=np.int64)  # row of labels
    basis[np.isnan(load)] = 1
    if L.has("plants"):
        levels = np.unique(served[np.isfinite(served) & (served > 0)])
        # the adequate systems of a site are those serving >= its load: one threshold per distinct level
        k = np.searchsorted(levels, load, side="left")  # levels[k] is the smallest served value >= load
        for j in np.unique(k[np.isfinite(load) & (k < len(levels))]):
            thr = float(levels[j])
            sel = np.flatnonzero((k == j) & np.isfinite(load))
            # a site whose nearest pipeline already serves thr has it as its nearest adequate one
            # (the same lowest position among equidistant ones): only the others are searched
            adequate = (pos[sel] >= 0) & (served[np.maximum(pos[sel], 0)] >= thr)
            basis[sel[adequate & (d[sel] <= reach_km)]] = 2
            sel = sel[~adequate]
            if not len(sel):
                continue
            # over the index's rows, so its positions map back through flatnonzero(served >= thr)
            sub = L.memo(("pipelines_served_ge", thr), lambda thr=thr: NearestIndex.build(
                idx.frame, mask=served >= thr, crs=L.crs, what="pipelines layer"))
            p2, d2 = nearest(sites, sub, xy=xy, rows=sel)
            ok = (p2 >= 0) & (d2 <= reach_km)
            rows = sel[ok]
            pos[rows] = np.flatnonzero(served >= thr)[p2[ok]]
            d[rows] = d2[ok]
            basis[rows] = 2
    found = pos >= 0
    fr = idx.frame
    take = np.where(found, pos, 0)
    pick = np.where(found, pos, -1)
    out["chosen_pipeline_id"] = take_text(fr["pipeline_id"].astype("string"), pick, sites.index)
    out["chosen_pipeline_operator"] = take_text(fr["operator"].astype("string"), pick, sites.index)
    out["distance_to_chosen_pipeline_km"] = np.where(found, d, np.nan)
    out["chosen_pipeline_served_gas_capacity_mw"] = np.where(found, served[take], np.nan)
    out["chosen_pipeline_basis"] = take_labels(labels, np.where(found, basis, -1), sites.index)
    return out.frame()
