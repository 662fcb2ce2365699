"""Air: the ozone status of the site's county, with its classification and where it comes from.

The classification is the one the permit screen needs (its thresholds depend on it): the
Green Book history of the layer set joined to the packaged 40 CFR 81 / Green Book 2026
table of county ozone classes (:func:`gis_data.air.ozone_classification_by_county`); a
layer set without a Green Book layer takes the packaged table alone. A county in an ozone
area of unknown class is ``"nonattainment"``: the permit screen assumes the strictest class
it could have (extreme) and says so; other pollutants do not set NOx thresholds.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import take_labels, take_text
from siting.criteria._common import check_sites, empty, prep
from siting.criteria.location import location
from siting.scenario import Scenario

#: Ozone classifications from least to most severe (40 CFR 51.1303, Clean Air Act sec. 181).
OZONE_CLASSES = ("marginal", "moderate", "serious", "severe", "extreme")


def ozone_status(L) -> pd.DataFrame:
    """Each county's ozone status and its source, from the layer set (memoised): ``classification``, ``class_source``."""
    from gis_data.air import load_ozone_classes, ozone_classification_by_county

    def build():
        classes = load_ozone_classes()
        if L.has("nonattainment"):
            s = ozone_classification_by_county(L.load("nonattainment"), classes)
            st = s.attrs["status"]
            return pd.DataFrame({"classification": s.astype("string"),
                                 "class_source": st["class_source"].reindex(s.index).astype("string")})
        rank = {c: i for i, c in enumerate(OZONE_CLASSES)}
        t = classes.assign(rank=classes["classification"].map(rank).fillna(-1))
        t = t.sort_values(["county_fips", "rank"]).drop_duplicates("county_fips", keep="last").set_index("county_fips")
        return pd.DataFrame({"classification": t["classification"].astype("string"),
                             "class_source": ("packaged table (no Green Book layer in the layer set): "
                                              + t["source"].astype("string"))})

    return L.memo(("ozone_status",), build)


def air(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, county_fips: pd.Series | None = None) -> pd.DataFrame:
    """Ozone status of the site's county and where its class comes from.

    Parameters
    ----------
    county_fips : pandas.Series, optional
        The sites' counties (from :func:`location`); computed when not given.

    Returns
    -------
    pandas.DataFrame
        ``nonattainment_status`` [-]: ``"attainment"``, an ozone class (``"marginal"`` ...
        ``"extreme"``) or ``"nonattainment"`` (an ozone area of unknown class); missing where
        the county is unknown. ``ozone_class_source`` [-]: where the class comes from.

    References
    ----------
    US EPA Green Book; 40 CFR Part 81 Subpart C (ozone designations and classifications).
    """
    check_sites(sites)
    L = prep(layers)
    out = empty(sites, {"nonattainment_status": "str", "ozone_class_source": "str"})
    fips = county_fips if county_fips is not None else location(sites, L, scenario)["county_fips"]
    table = ozone_status(L)
    none = "no ozone nonattainment area covers the county (packaged 40 CFR 81 / Green Book table" + \
           (" and the layer set's Green Book history)" if L.has("nonattainment") else ")")
    # hash the sites' counties once, look the few distinct ones up in the table, then one take per column
    codes, counties = pd.factorize(fips.astype("string"), use_na_sentinel=True)
    row = table.index.astype("string").get_indexer(pd.Index(counties).astype("string"))
    status = np.append(table["classification"].astype(object).to_numpy(), "attainment")
    source = np.append(table["class_source"].astype(object).to_numpy(), none)
    status[:-1][pd.isna(status[:-1])] = "attainment"
    source[:-1][pd.isna(source[:-1])] = none
    lookup = np.append(np.where(row >= 0, row, len(table)), -1)  # codes of -1 (county unknown) take the last
    pos = lookup[codes]
    out["nonattainment_status"] = take_text(status, pos, sites.index)
    out["ozone_class_source"] = take_labels(source, pos, sites.index)
    return out
