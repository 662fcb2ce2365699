"""Grid access: transmission by voltage class, substations, balancing authority, queue wait."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.nearest import PreparedLayers, nearest, nearest_attributes, points_in_polygons
from gis_data.queue import QueueWaits, interconnection_wait, queue_waits
from siting.criteria._common import check_sites, empty, prep, text
from siting.criteria.location import location
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Voltage classes (kV) of the "distance to line" columns.
LINE_CLASSES_KV = (230, 345, 500)

#: Smallest substation maximum voltage that counts as a transmission interconnection [kV].
MIN_SUBSTATION_KV = 115.0


def _line_voltage(frame: pd.DataFrame) -> np.ndarray:
    """Line voltage [kV]: ``voltage_kv``, else the lower bound of the HIFLD ``volt_class``."""
    kv = pd.to_numeric(frame["voltage_kv"], errors="coerce").to_numpy(dtype=float)
    if "volt_class" in frame.columns:
        cls = frame["volt_class"].astype("string").str.extract(r"(\d+)")[0]
        lower = pd.to_numeric(cls, errors="coerce").to_numpy(dtype=float)
        dc = frame["volt_class"].astype("string").str.upper().str.contains("DC", na=False).to_numpy()
        lower = np.where(dc & np.isnan(lower), 500.0, lower)  # HIFLD "DC" class: HVDC lines >= 500 kV
        kv = np.where(np.isnan(kv), lower, kv)
    return kv


def grid(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distance to transmission by voltage class, nearest substation, balancing authority, queue wait.

    Parameters
    ----------
    context : pandas.DataFrame, optional
        ``county_fips`` and ``state_abbr`` of the sites (from :func:`location`); computed
        when a queue layer is present and this is not given.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_line_{230,345,500}kv_km`` [km] (lines of at least that voltage),
        ``distance_to_substation_km`` [km] and ``substation_max_voltage_kv`` [kV] of the
        nearest substation of at least 115 kV, ``balancing_authority`` [-] (polygon
        containing the site), ``interconnection_wait_months`` [months] and
        ``interconnection_wait_basis`` [-]: the regional median of the queue layer where
        it covers the site (:func:`queue_waits`, computed once per layer set), else the
        national median request-to-operation time of projects that reached operation in
        2024.

    References
    ----------
    Lawrence Berkeley National Laboratory, *Queued Up: 2025 Edition*, as summarised in
    ``models/catalogs/siting_criteria.csv``; ERCOT Generator Interconnection Status report.
    """
    check_sites(sites)
    L = prep(layers)
    spec = {f"distance_to_line_{kv}kv_km": "float" for kv in LINE_CLASSES_KV}
    spec |= {"distance_to_substation_km": "float", "substation_max_voltage_kv": "float", "balancing_authority": "str"}
    out = empty(sites, spec)
    if L.has("transmission"):
        # cascade: the nearest line of at least 230 kV is also the nearest of at least 345 (500) kV when
        # its own voltage is that high, so only the other sites are searched again
        kv = L.memo(("line_voltage_kv",), lambda: _line_voltage(L.projected("transmission")))
        todo = np.arange(len(sites))
        d = np.full(len(sites), np.nan)
        near_kv = np.full(len(sites), np.nan)  # voltage of each site's nearest line of the current class
        for i, c in enumerate(LINE_CLASSES_KV):
            idx = L.index("transmission", f"ge{c}", lambda f, c=c: kv >= c)
            v = L.memo(("line_voltage_kv", c), lambda idx=idx: _line_voltage(idx.frame))
            pos_c, d_c = nearest(sites.geometry.iloc[todo], idx, xy=L.coords(sites)[todo])
            d = d.copy()
            d[todo] = d_c
            near_kv[todo] = np.where(pos_c >= 0, v[np.where(pos_c >= 0, pos_c, 0)], np.nan)
            out[f"distance_to_line_{c}kv_km"] = d
            if i + 1 < len(LINE_CLASSES_KV):
                # sites whose nearest line is already of the next class keep it; the others search again
                todo = np.flatnonzero(~(near_kv >= LINE_CLASSES_KV[i + 1]) & ~np.isnan(d))
    if L.has("substations"):
        idx = L.index(
            "substations", f"ge{MIN_SUBSTATION_KV:g}",
            lambda f: pd.to_numeric(f["max_voltage_kv"], errors="coerce").to_numpy(dtype=float) >= MIN_SUBSTATION_KV,
        )
        near = nearest_attributes(sites, idx, {"max_voltage_kv": "substation_max_voltage_kv"}, xy=L.coords(sites))
        out["distance_to_substation_km"] = near["distance_km"].to_numpy()
        out["substation_max_voltage_kv"] = pd.to_numeric(near["substation_max_voltage_kv"]).to_numpy(dtype=float)
    if L.has("balancing_authorities"):
        idx = L.index("balancing_authorities")
        pos = points_in_polygons(sites, idx, xy=L.coords(sites))
        vals = idx.frame["ba_code"].astype("string").to_numpy()
        out["balancing_authority"] = text(np.where(pos >= 0, vals[np.where(pos >= 0, pos, 0)], None), sites.index)
    waits = L.memo(("queue_waits",), lambda: _layer_queue_waits(L)) if L.has("queue") else QueueWaits()
    if waits.levels:
        if context is None or not {"county_fips", "state_abbr"} <= set(context.columns):
            context = location(sites, L, scenario)
        keys = pd.DataFrame({"balancing_authority": out["balancing_authority"], "state_abbr": context["state_abbr"],
                             "county_fips": context["county_fips"]}, index=sites.index)
        months, basis = interconnection_wait(keys, waits)
    else:
        months, basis = interconnection_wait(pd.DataFrame(index=sites.index), waits)
    out["interconnection_wait_months"] = months
    out["interconnection_wait_basis"] = basis
    return out


def _layer_queue_waits(L: PreparedLayers) -> QueueWaits:
    waits = queue_waits(L.load("queue"), L.load("counties") if L.has("counties") else None,
                        has_ba_layer=L.has("balancing_authorities"))
    if waits.note:
        log.warning("interconnection wait: %s; every site gets the LBNL national median", waits.note)
    return waits
