"""Air: the nonattainment status of the site's county."""

from __future__ import annotations

import numpy as np
import pandas as pd
import geopandas as gpd

from siting.criteria._common import check_sites, empty, prep
from siting.criteria.location import location
from siting.scenario import Scenario

#: Ozone classifications from least to most severe (40 CFR 51.1303, Clean Air Act sec. 181).
OZONE_CLASSES = ("marginal", "moderate", "serious", "severe", "extreme")


def _worst_classification(table: pd.DataFrame) -> pd.Series:
    """Worst current classification per county: an ozone class, 'nonattainment' or absent."""
    t = table
    status = t["status"].astype("string").str.lower().fillna("")
    current = ~status.str.contains("revoked|maintenance|former|redesignated|attainment$", regex=True)
    current |= status.str.contains("nonattainment", regex=False)
    t = t[current.to_numpy()]
    cls = t["classification"].astype("string").str.lower().str.strip().fillna("")
    rank = cls.map({c: i + 1 for i, c in enumerate(OZONE_CLASSES)}).fillna(0).astype(int)
    frame = pd.DataFrame({"fips": t["county_fips"].astype("string").to_numpy(), "rank": rank.to_numpy(), "cls": cls.to_numpy()})
    frame = frame.sort_values(["fips", "rank", "cls"]).drop_duplicates("fips", keep="last")
    label = np.where(frame["rank"] > 0, frame["cls"], "nonattainment")
    return pd.Series(label, index=frame["fips"].to_numpy(), dtype="string")


def air(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, county_fips: pd.Series | None = None) -> pd.DataFrame:
    """Nonattainment status of the site's county (worst current classification).

    Parameters
    ----------
    county_fips : pandas.Series, optional
        The sites' counties (from :func:`location`); computed when not given.

    Returns
    -------
    pandas.DataFrame
        ``nonattainment_status`` [-]: ``"attainment"``, an ozone class (``"marginal"`` ...
        ``"extreme"``) or ``"nonattainment"`` (other pollutants); missing when the county or
        the Green Book layer is unknown.

    References
    ----------
    US EPA Green Book, nonattainment areas for criteria pollutants (``phistory``).
    """
    check_sites(sites)
    L = prep(layers)
    out = empty(sites, {"nonattainment_status": "str"})
    if not L.has("nonattainment"):
        return out
    fips = county_fips if county_fips is not None else location(sites, L, scenario)["county_fips"]
    worst = L.memo(("worst_nonattainment",), lambda: _worst_classification(L.load("nonattainment")))
    status = fips.astype("string").map(worst)
    out["nonattainment_status"] = status.where(status.notna() | fips.isna(), "attainment").astype("string")
    return out
