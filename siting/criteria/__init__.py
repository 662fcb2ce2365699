"""Site criteria: what is near each candidate site, one module per criterion.

Each criterion is a function ``(sites, layers, scenario) -> pandas.DataFrame`` on
``sites.index`` whose columns are rows of ``siting/site_columns.csv`` (unit-suffixed
names). ``sites`` is a GeoDataFrame of points in EPSG:5070; ``layers`` is anything with
``.load(role)`` and ``.has(role)`` (a :class:`gis_data.layerset.LayerSet`, a
:class:`gis_data.layerset.FrameLayers` of plain frames), ideally wrapped in
:class:`gis_data.nearest.PreparedLayers` so projections and indexes are built once.
A criterion whose layer is absent returns its columns empty (NaN / missing), never
invented values. Criteria measure; the profile-dependent judgement (weights,
thresholds, setbacks) is in :mod:`siting.scoring`.

==========  ==========================================================================
module      columns
==========  ==========================================================================
location    county and state (point in polygon)
grid        distance to lines and substations by voltage class, the class the load needs
            (:func:`grid_access`), balancing authority, queue wait
gas         distance to pipelines, lateral cost, deliverability, gas facilities, the chosen
            pipeline (:func:`chosen_pipeline`: nearest of a system already serving the load)
land        existing operating plants and datacenter footprints, raster exclusions and values
brownfield  retired, retiring and underused thermal plants a campus could take over
air         nonattainment status of the county
climate     weather station, hottest hour, cooling PUE/WUE, facility peak, CO2 of a gas supply
water       cooling water against the county's withdrawals, water stress, verdict
==========  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from siting.criteria._common import prep
from siting.criteria.air import OZONE_CLASSES, air
from siting.criteria.brownfield import brownfield
from siting.criteria.climate import climate
from siting.criteria.gas import chosen_pipeline, gas
from siting.criteria.grid import LINE_CLASSES_KV, MIN_SUBSTATION_KV, grid, grid_access
from siting.criteria.land import RASTER_VALUE_COLUMNS, land
from siting.criteria.location import location
from siting.criteria.water import water
from siting.errors import unknown_name
from siting.scenario import Scenario


#: Criteria by name, in evaluation order.
CRITERIA: dict[str, Callable] = {
    "location": location,
    "grid": grid,
    "gas": gas,
    "land": land,
    "climate": climate,
}


def evaluate(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, include: tuple[str, ...] | None = None) -> pd.DataFrame:
    """All criteria for ``sites`` in one frame on ``sites.index`` (input not mutated).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Points in EPSG:5070 with ``it_load_mw`` [MW] (NaN: the scenario's).
    layers : LayerSet-like
        Anything with ``load`` and ``has``; absent roles give empty columns.
    scenario : Scenario
        Assumptions (cooling design, load).
    include : tuple of str, optional
        Criteria to run (names of :data:`CRITERIA` plus ``"air"``, ``"water"`` and ``"brownfield"``);
        all by default.
    """
    later = ("air", "water", "brownfield")  # criteria that use others' columns
    names = tuple(CRITERIA) + later if include is None else tuple(include)
    bad = [n for n in names if n not in CRITERIA and n not in later]
    if bad:
        raise unknown_name("criterion", bad[0], tuple(CRITERIA) + later)
    L = prep(layers)
    parts = {}
    for name in names:
        if name == "grid" and "location" in parts:
            parts[name] = grid(sites, L, scenario, context=parts["location"])
        elif name in CRITERIA:
            parts[name] = CRITERIA[name](sites, L, scenario)
    if "grid" in parts:
        # the voltage class the load needs: the facility peak (climate) where known, else the IT load
        known = pd.concat([parts["grid"]] + ([parts["climate"]] if "climate" in parts else []), axis=1)
        if "it_load_mw" in sites.columns:
            known["it_load_mw"] = sites["it_load_mw"]
        parts["grid_access"] = grid_access(known, scenario)
    if "gas" in parts:
        # the pipeline the site would tap: the nearest of a system already serving its load
        peak = parts["climate"]["facility_peak_load_mw"] if "climate" in parts else pd.Series(np.nan, index=sites.index)
        it = (pd.to_numeric(sites["it_load_mw"], errors="coerce") if "it_load_mw" in sites.columns
              else pd.Series(np.nan, index=sites.index)).fillna(scenario.it_load_mw)
        parts["gas_choice"] = chosen_pipeline(sites, L, peak.fillna(it).to_numpy(dtype=float))
    if "brownfield" in names:
        peak = parts["climate"]["facility_peak_load_mw"] if "climate" in parts else pd.Series(np.nan, index=sites.index)
        it = (pd.to_numeric(sites["it_load_mw"], errors="coerce") if "it_load_mw" in sites.columns
              else pd.Series(np.nan, index=sites.index)).fillna(scenario.it_load_mw)
        parts["brownfield"] = brownfield(sites, L, scenario, peak.fillna(it).to_numpy(dtype=float))
    loc = parts.get("location")
    if "air" in names:
        parts["air"] = air(sites, L, scenario, county_fips=None if loc is None else loc["county_fips"])
    if "water" in names:
        ctx = None
        if loc is not None and "climate" in parts:
            ctx = pd.concat([loc, parts["climate"]], axis=1)
        parts["water"] = water(sites, L, scenario, context=ctx)
    out = pd.concat(list(parts.values()), axis=1) if parts else pd.DataFrame(index=sites.index)
    dup = out.columns.duplicated()
    return out.loc[:, ~dup] if dup.any() else out  # a column selection copies every column: only when needed


__all__ = ["CRITERIA", "LINE_CLASSES_KV", "MIN_SUBSTATION_KV", "OZONE_CLASSES", "RASTER_VALUE_COLUMNS", "air", "brownfield", "climate",
           "chosen_pipeline", "evaluate", "gas", "grid", "grid_access", "land", "location", "water"]
