"""Gas supply: distance to pipelines by type, lateral cost, deliverability, gas facilities."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.gas import normalize_operator, served_capacity_by_pipeline
from gis_data.nearest import nearest, nearest_attributes
from models.siting_facts import reference_value
from models.units import KM_PER_MILE
from siting.criteria._common import check_sites, empty, prep
from siting.scenario import Scenario


def gas(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """Distance to interstate and intrastate gas pipelines, lateral cost, deliverability, hubs.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_pipeline_km``, ``distance_to_interstate_pipeline_km``,
        ``distance_to_intrastate_pipeline_km`` [km]; ``pipeline_operator`` [-] of the
        nearest pipeline; ``gas_lateral_cost_usd`` [USD, nominal 2024-25] a straight
        lateral to it at the OGJ survey's average cost per mile;
        ``pipeline_served_gas_capacity_mw`` [MW] operating gas generation whose EIA-860
        ``gas_pipeline`` names that operator (a deliverability indicator: a line already
        feeding large plants is built for large draws); ``distance_to_gas_facility_km``
        [km] and ``gas_facility_type`` [-] of the nearest hub, storage field or terminal.

    References
    ----------
    Oil & Gas Journal (2025), "Pipeline construction costs reach record $12.1
    million/mile" (FERC filings), as copied in ``models/catalogs/siting_criteria.csv``.
    """
    check_sites(sites)
    L = prep(layers)
    out = empty(sites, {
        "distance_to_pipeline_km": "float", "distance_to_interstate_pipeline_km": "float",
        "distance_to_intrastate_pipeline_km": "float", "pipeline_operator": "str", "gas_lateral_cost_usd": "float",
        "pipeline_served_gas_capacity_mw": "float", "distance_to_gas_facility_km": "float", "gas_facility_type": "str",
    })
    if L.has("pipelines"):
        # nearest pipeline of any type first; a site whose nearest pipeline is interstate has that
        # distance as its interstate distance, so only the other type is searched for it
        idx = L.index("pipelines")
        kinds = idx.frame["pipe_type"].astype("string").str.lower().fillna("").to_numpy()
        pos, d = nearest(sites, idx, xy=L.coords(sites))
        found = pos >= 0
        out["distance_to_pipeline_km"] = d
        ops = idx.frame["operator"].astype(object).to_numpy()
        out["pipeline_operator"] = pd.array(np.where(found, ops[np.where(found, pos, 0)], None), dtype="string")
        near_kind = np.where(found, kinds[np.where(found, pos, 0)], "")
        for kind in ("interstate", "intrastate"):
            dk = np.where(near_kind == kind, d, np.nan)
            other = np.flatnonzero(near_kind != kind)
            sub = L.index("pipelines", kind, lambda f, k=kind: f["pipe_type"].astype("string").str.lower().fillna("").to_numpy() == k)
            dk[other] = nearest(sites.geometry.iloc[other], sub, xy=L.coords(sites)[other])[1]
            out[f"distance_to_{kind}_pipeline_km"] = dk
        usd_per_km = reference_value("gas_pipeline_cost_usd_per_mile") / KM_PER_MILE
        out["gas_lateral_cost_usd"] = out["distance_to_pipeline_km"] * usd_per_km
        if L.has("plants"):
            def served_by_row():
                served = served_capacity_by_pipeline(L.load("plants"))
                key = normalize_operator(idx.frame["operator"])
                cap = key.map(served).astype(float)
                # a known operator with no gas plant on it: 0 MW served; unknown operator: missing
                return cap.where(key.isna(), cap.fillna(0.0)).to_numpy(dtype=float)

            per_row = L.memo(("served_by_pipeline_row",), served_by_row)
            out["pipeline_served_gas_capacity_mw"] = np.where(found, per_row[np.where(found, pos, 0)], np.nan)
    if L.has("gas_facilities"):
        near = nearest_attributes(sites, L.index("gas_facilities"), {"facility_type": "gas_facility_type"}, xy=L.coords(sites))
        out["distance_to_gas_facility_km"] = near["distance_km"].to_numpy()
        out["gas_facility_type"] = near["gas_facility_type"].astype("string").to_numpy()
    return out
