"""Water: the campus's cooling water against its county's withdrawals and the water stress.

The cooling water of a site is its station's per-MW cooling year (the site chain's
climate step) times the IT load served, the same product the site's design and the
report carry; the context (county shares, Aqueduct stress, verdict) is
:func:`siting.water_context.context_columns`, the lookups ``siting water`` and the report use.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import labels_of
from models import benchmarks as bm
from siting.criteria._common import check_sites, prep
from siting.criteria.climate import climate, site_lonlat, station_climate
from siting.criteria.location import location
from siting.scenario import Scenario


def water(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """The campus's cooling water against its county's withdrawals and the water stress.

    Parameters
    ----------
    context : pandas.DataFrame, optional
        ``county_fips``, ``state_abbr`` and ``weather_station_id`` on ``sites.index``
        (computed when not given).

    Returns
    -------
    pandas.DataFrame
        ``site_water_consumption_gal_per_yr``, ``site_water_withdrawal_gal_per_yr`` [gal/yr],
        ``water_in_n_out_equivalents`` [-], and the context columns of
        :func:`siting.water_context.context_columns` (county withdrawals and the water its
        users draw, the utility's supply and its basis [gal/day], shares of withdrawal
        against withdrawal [%], the sub-basin's Aqueduct stress [0-5] or only the state
        average (not scored), the verdict and its basis).
    """
    from siting.water_context import context_columns

    check_sites(sites)
    L = prep(layers)
    if context is None:
        context = pd.concat([location(sites, L, scenario), climate(sites, L, scenario)], axis=1)
    n = len(sites)
    load = scenario.it_load_of(sites["it_load_mw"] if "it_load_mw" in sites.columns else np.full(n, np.nan))
    served = load * scenario.it_utilization_frac
    cons = np.full(n, np.nan)
    wdr = np.full(n, np.nan)
    sid = context["weather_station_id"].astype("string").fillna("").to_numpy(dtype=object)
    for s in sorted({x for x in sid if x}):
        cl = station_climate(L, s, scenario)
        if cl is None:
            continue
        m = sid == s
        cons[m] = cl.per_mw.water_consumption_gal_per_yr * served[m]
        wdr[m] = cl.per_mw.water_withdrawal_gal_per_yr * served[m]
    lon, lat = site_lonlat(sites, L) if n else (np.empty(0), np.empty(0))
    cols = context_columns(
        cons, wdr, county_fips=context["county_fips"].tolist(), state_abbr=context["state_abbr"].tolist(), lon=lon,
        lat=lat, county_water=L.load("water_use") if L.has("water_use") else None,
        water_stress=L.load("water_stress") if L.has("water_stress") else None)
    out = pd.DataFrame(index=sites.index)
    for name in ("county_withdrawal_total_gal_per_day", "county_public_supply_gal_per_day",
                 "county_fresh_withdrawal_gal_per_day", "county_water_gal_per_day", "utility_supply_gal_per_day"):
        out[name] = cols[name]
    out["public_supply_basis"] = labels_of(cols["public_supply_basis"])
    out["site_water_consumption_gal_per_yr"] = cons
    out["site_water_share_of_county_pct"] = cols["site_water_share_of_county_pct"]
    out["site_water_withdrawal_gal_per_yr"] = wdr
    out["site_water_share_of_public_supply_pct"] = cols["site_water_share_of_public_supply_pct"]
    out["water_stress_bws_score"] = cols["water_stress_bws_score"]
    out["water_stress_state_avg_bws_score"] = cols["water_stress_state_avg_bws_score"]
    out["water_stress_bws_label"] = pd.array(cols["water_stress_bws_label"].astype(str), dtype="string")
    out["water_stress_basis"] = labels_of(cols["water_stress_basis"])
    out["water_in_n_out_equivalents"] = cons / bm.benchmark("in_n_out_restaurant").gal_per_unit
    out["water_verdict"] = pd.array(cols["water_verdict"].astype(str), dtype="string")
    out["water_verdict_basis"] = labels_of(cols["water_verdict_basis"])
    return out
