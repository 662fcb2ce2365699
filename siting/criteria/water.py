"""Water: the campus's cooling water against its county's withdrawals and the water stress."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from siting.criteria._common import check_sites, prep
from siting.criteria.climate import climate
from siting.criteria.location import location
from siting.scenario import Scenario


def water(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """The campus's cooling water against its county's withdrawals and the state's stress.

    Parameters
    ----------
    context : pandas.DataFrame, optional
        ``county_fips``, ``state_abbr`` and the WUE columns of :func:`climate` on
        ``sites.index`` (computed when not given).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`siting.water.water_columns` (county withdrawals [gal/day],
        site consumption [gal/yr], share of county [%], Aqueduct stress, verdict).
    """
    from siting.water import water_columns

    check_sites(sites)
    L = prep(layers)
    if context is None:
        context = pd.concat([location(sites, L, scenario), climate(sites, L, scenario)], axis=1)
    frame = pd.DataFrame(index=sites.index)
    frame["it_load_mw"] = sites["it_load_mw"] if "it_load_mw" in sites.columns else np.nan
    frame["county_fips"] = context["county_fips"]
    frame["state_abbr"] = context["state_abbr"]
    out = water_columns(
        frame, scenario,
        wue_consumption_l_per_kwh=context["wue_consumption_l_per_kwh"],
        wue_withdrawal_l_per_kwh=context["wue_withdrawal_l_per_kwh"],
        county_water=L.load("water_use") if L.has("water_use") else None,
        water_stress=L.load("water_stress") if L.has("water_stress") else None,
    )
    return out.drop(columns=["wue_consumption_l_per_kwh", "wue_withdrawal_l_per_kwh"])
