"""Grid access: transmission by voltage class, substations, balancing authority, queue wait."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import take_labels, take_text
from gis_data.nearest import PreparedLayers, nearest, points_in_polygons
from gis_data.queue import QueueWaits, interconnection_wait, queue_waits
from siting.criteria._common import Columns, check_sites, prep
from siting.criteria.location import location
from siting.errors import ConfigError
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Voltage classes of the "distance to line" columns, named by their usual voltage [kV].
LINE_CLASSES_KV = (100, 230, 345, 500)

#: Lowest line voltage that belongs to each class [kV]: HIFLD's voltage classes are
#: "100-161", "220-287", "345", "500" and "735 AND ABOVE", so the 230 kV class starts at
#: 220 kV (the class of 230 kV lines); a line of known voltage joins every class whose
#: floor it reaches.
CLASS_FLOOR_KV = {100: 100.0, 230: 220.0, 345: 345.0, 500: 500.0}

#: Voltage of each class whose line capacity the grid-access rule uses [kV]: the lowest
#: standard voltage of the class (115 kV for "100-161"), so a class is never credited with
#: more than its weakest member carries.
CLASS_RATED_KV = {100: 115, 230: 230, 345: 345, 500: 500}

#: Smallest substation maximum voltage that counts as a transmission interconnection [kV].
MIN_SUBSTATION_KV = 115.0

#: Circuits a new load gets by looping in one existing line: the line is cut and both ends
#: brought into the load's substation, so power arrives over two circuits (topology, not a
#: sourced figure).
LOOP_IN_CIRCUITS = 2


def line_capacity_mw(class_kv: int) -> float:
    """Power one circuit of a voltage class carries [MW] (NREL reVX line capacity of the class's rated voltage).

    Parameters
    ----------
    class_kv : int
        One of :data:`LINE_CLASSES_KV` [kV].

    References
    ----------
    NREL reVX least-cost transmission, ``power_to_voltage.json`` (capacity class MW ->
    line voltage kV), as copied in ``models/catalogs/siting_criteria.csv``.
    """
    from models.siting_facts import reference_value

    if class_kv not in CLASS_RATED_KV:
        raise ConfigError(f"voltage class {class_kv!r} kV is not one of {LINE_CLASSES_KV}")
    return reference_value(f"line_capacity_mw_{CLASS_RATED_KV[class_kv]}kv")


def required_line_class_kv(load_mw, *, circuits: int = LOOP_IN_CIRCUITS) -> np.ndarray:
    """The lowest voltage class whose looped-in line carries the load [kV] (NaN for an unknown load).

    A class is adequate when ``circuits`` x its line capacity (:func:`line_capacity_mw`)
    is at least the load. A load above what the highest class carries still needs that
    class (several lines of it).

    Parameters
    ----------
    load_mw : array-like
        Facility peak load [MW].
    circuits : int
        Circuits into the load's substation [-] (2: one line looped in).

    Returns
    -------
    numpy.ndarray
        One of :data:`LINE_CLASSES_KV` per site [kV], NaN where the load is NaN.
    """
    load = np.atleast_1d(np.asarray(load_mw, dtype=float))
    out = np.full(load.shape, float(LINE_CLASSES_KV[-1]))
    for c in reversed(LINE_CLASSES_KV):
        out = np.where(load <= circuits * line_capacity_mw(c), float(c), out)
    return np.where(np.isnan(load), np.nan, out)


def _line_voltage(frame: pd.DataFrame) -> np.ndarray:
    """Voltage each AC line counts at for the classes [kV]: ``voltage_kv``, else the lower bound of
    its HIFLD voltage class (``volt_class_min_kv``, else parsed from ``volt_class``); NaN for HVDC
    lines (an HVDC line is tapped only through a converter station, so it is no AC class)."""
    from gis_data.io import volt_class_bounds

    kv = pd.to_numeric(frame["voltage_kv"], errors="coerce").to_numpy(dtype=float)
    if "volt_class_min_kv" in frame.columns:
        lower = pd.to_numeric(frame["volt_class_min_kv"], errors="coerce").to_numpy(dtype=float)
    elif "volt_class" in frame.columns:
        lower = volt_class_bounds(frame["volt_class"].astype("string"))[0].to_numpy(dtype=float)
    else:
        lower = np.full(len(frame), np.nan)
    kv = np.where(np.isnan(kv), lower, kv)
    return np.where(_is_dc(frame), np.nan, kv)


def _is_dc(frame: pd.DataFrame) -> np.ndarray:
    dc = np.zeros(len(frame), dtype=bool)
    if "is_dc" in frame.columns:
        dc |= frame["is_dc"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if "volt_class" in frame.columns:  # a handful of distinct classes: test those, then take
        codes, uniq = pd.factorize(frame["volt_class"].astype("string"), use_na_sentinel=True)
        is_dc = pd.Series(uniq, dtype="string").str.strip().str.upper().eq("DC").fillna(False).to_numpy(dtype=bool)
        dc |= np.append(is_dc, False)[np.where(codes >= 0, codes, len(uniq))]
    return dc


def grid(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distance to transmission and substations by voltage class, balancing authority, queue wait.

    Parameters
    ----------
    context : pandas.DataFrame, optional
        ``county_fips`` and ``state_abbr`` of the sites (from :func:`location`); computed
        when a queue layer is present and this is not given.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_line_{100,230,345,500}kv_km`` [km]: AC lines of that class or above
        (:data:`CLASS_FLOOR_KV`: a line of unknown voltage counts at the lower bound of its
        HIFLD class; a line of unknown class counts in none), ``distance_to_line_hvdc_km``
        [km]; ``distance_to_substation_km`` [km] and ``substation_max_voltage_kv`` [kV] of
        the nearest substation of at least 115 kV, and
        ``distance_to_substation_{230,345,500}kv_km`` [km] to the nearest whose maximum
        voltage reaches that class; ``balancing_authority`` [-] (polygon containing the
        site), ``interconnection_wait_months`` [months] and ``interconnection_wait_basis``
        [-]: the regional median of the queue layer where it covers the site
        (:func:`queue_waits`, computed once per layer set), else the national median
        request-to-operation time of projects that reached operation in 2024. Which class
        the site's load needs is :func:`grid_access`.

    References
    ----------
    Lawrence Berkeley National Laboratory, *Queued Up: 2025 Edition*, as summarised in
    ``models/catalogs/siting_criteria.csv``; ERCOT Generator Interconnection Status report.
    """
    check_sites(sites)
    L = prep(layers)
    spec = {f"distance_to_line_{kv}kv_km": "float" for kv in LINE_CLASSES_KV}
    spec |= {"distance_to_line_hvdc_km": "float", "distance_to_substation_km": "float",
             "substation_max_voltage_kv": "float"}
    spec |= {f"distance_to_substation_{kv}kv_km": "float" for kv in LINE_CLASSES_KV[1:]}
    spec |= {"balancing_authority": "str"}
    out = Columns(sites, spec)
    if L.has("transmission"):
        # cascade: the nearest line of the 100 kV class is also the nearest of the 230 (345, 500) kV
        # class when its own voltage is that high, so only the other sites are searched again
        kv = L.memo(("line_voltage_kv",), lambda: _line_voltage(L.projected("transmission")))
        geom = L.projected("transmission").geometry
        valid = L.memo(("line_has_geometry",), lambda: ~(geom.isna().to_numpy() | geom.is_empty.to_numpy()))
        todo = np.arange(len(sites))
        d = np.full(len(sites), np.nan)
        near_kv = np.full(len(sites), np.nan)  # voltage of each site's nearest line of the current class
        for i, c in enumerate(LINE_CLASSES_KV):
            floor = CLASS_FLOOR_KV[c]
            idx = L.index("transmission", f"ge{floor:g}", lambda f, floor=floor: kv >= floor)
            # the index keeps the selected rows with a geometry, in layer order: their voltages are kv's
            v = L.memo(("line_voltage_kv", c), lambda floor=floor: kv[(kv >= floor) & valid])
            pos_c, d_c = nearest(sites, idx, xy=L.coords(sites), rows=todo)
            d = d.copy()
            d[todo] = d_c
            near_kv[todo] = np.where(pos_c >= 0, v[np.where(pos_c >= 0, pos_c, 0)], np.nan)
            out[f"distance_to_line_{c}kv_km"] = d
            if i + 1 < len(LINE_CLASSES_KV):
                # sites whose nearest line is already of the next class keep it; the others search again
                nxt = CLASS_FLOOR_KV[LINE_CLASSES_KV[i + 1]]
                todo = np.flatnonzero(~(near_kv >= nxt) & ~np.isnan(d))
        dc = L.index("transmission", "hvdc", lambda f: _is_dc(f))
        if len(dc):
            out["distance_to_line_hvdc_km"] = nearest(sites, dc, xy=L.coords(sites))[1]
    if L.has("substations"):
        sub_kv = L.memo(("substation_max_kv",), lambda: pd.to_numeric(
            L.projected("substations")["max_voltage_kv"], errors="coerce").to_numpy(dtype=float))
        idx = L.index("substations", f"ge{MIN_SUBSTATION_KV:g}", lambda f: sub_kv >= MIN_SUBSTATION_KV)
        def kv_of(index, pos):  # the index keeps the selected rows with a geometry, in layer order
            kv_rows = pd.to_numeric(index.frame["max_voltage_kv"], errors="coerce").to_numpy(dtype=float)
            return np.where(pos >= 0, kv_rows[np.maximum(pos, 0)] if len(kv_rows) else np.nan, np.nan)

        pos_s, d_s = nearest(sites, idx, xy=L.coords(sites))
        near_kv = kv_of(idx, pos_s)
        out["distance_to_substation_km"] = d_s
        out["substation_max_voltage_kv"] = near_kv.copy()
        dist = d_s
        for c in LINE_CLASSES_KV[1:]:
            floor = CLASS_FLOOR_KV[c]
            # cascade, as for the lines: a site whose nearest substation of the class below already
            # reaches this class keeps it; a site with none there has none here (a subset)
            done = near_kv >= floor
            rest = np.flatnonzero(~done & ~np.isnan(dist))
            dist = np.where(done, dist, np.nan)
            if len(rest):
                sub = L.index("substations", f"ge{floor:g}", lambda f, floor=floor: sub_kv >= floor)
                p_c, dist[rest] = nearest(sites, sub, xy=L.coords(sites), rows=rest)
                near_kv[rest] = kv_of(sub, p_c)
            out[f"distance_to_substation_{c}kv_km"] = dist
    if L.has("balancing_authorities"):
        idx = L.index("balancing_authorities")
        pos = points_in_polygons(sites, idx, xy=L.coords(sites))
        out["balancing_authority"] = take_text(idx.frame["ba_code"].astype("string"), pos, sites.index)
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
    return out.frame()


def grid_access(table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The voltage class each site's load needs, and its distance to the nearest adequate line and substation.

    The load is the site's ``facility_peak_load_mw`` (the climate criterion's: IT load x the
    station's highest hourly PUE), else its IT load (``it_load_mw``, else the scenario's)
    as a lower bound, said in the basis. The class is :func:`required_line_class_kv`.

    Parameters
    ----------
    table : pandas.DataFrame
        The :func:`grid` columns, with ``facility_peak_load_mw`` [MW] and ``it_load_mw`` [MW]
        when known.
    scenario : Scenario

    Returns
    -------
    pandas.DataFrame
        On ``table.index``: ``grid_required_voltage_kv`` [kV] (the class, named by its usual
        voltage), ``distance_to_adequate_line_km`` and ``distance_to_adequate_substation_km``
        [km] (a line of that class or above; a substation whose maximum voltage reaches it),
        ``grid_access_basis`` [-] (the load, the class and why).
    """
    n = len(table)

    def col(name):
        return (pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float)
                if name in table.columns else np.full(n, np.nan))

    peak = col("facility_peak_load_mw")
    it = col("it_load_mw")
    it = np.where(np.isnan(it), scenario.it_load_mw, it)
    from_it = np.isnan(peak)
    load = np.where(from_it, it, peak)
    need = required_line_class_kv(load)
    line = np.full(n, np.nan)
    sub = np.full(n, np.nan)
    for c in LINE_CLASSES_KV:
        m = need == c
        line = np.where(m, col(f"distance_to_line_{c}kv_km"), line)
        sub_col = "distance_to_substation_km" if c == LINE_CLASSES_KV[0] else f"distance_to_substation_{c}kv_km"
        sub = np.where(m, col(sub_col), sub)
    # one sentence per distinct (load in whole MW, class, load basis), not one per site
    with np.errstate(invalid="ignore"):
        over = load > LOOP_IN_CIRCUITS * np.array([line_capacity_mw(int(c)) if np.isfinite(c) else np.inf
                                                   for c in LINE_CLASSES_KV])[np.searchsorted(
                                                       LINE_CLASSES_KV, np.nan_to_num(need, nan=LINE_CLASSES_KV[0]))]
    # one number per (load, class, basis, over): factorize hashes it once, first-seen order
    ld = np.round(load)
    cls = np.searchsorted(LINE_CLASSES_KV, np.nan_to_num(need, nan=LINE_CLASSES_KV[0]))
    key = np.where(np.isnan(ld) | np.isnan(need), -1.0, ld * 64.0 + cls * 4 + from_it * 2 + over)
    codes, first = pd.factorize(key)
    at = np.unique(codes, return_index=True)[1]  # first site of each code (codes run 0..k-1 in that order)
    texts = []
    for ld, c, it_only, is_over in zip(ld[at], need[at], from_it[at], over[at]):
        if np.isnan(c):
            texts.append(None)
            continue
        c = int(c)
        cap = line_capacity_mw(c)
        what = "IT load (facility peak unknown, a lower bound)" if it_only else "facility peak load"
        if is_over:
            why = (f"more than a looped-in {CLASS_RATED_KV[c]} kV line carries ({LOOP_IN_CIRCUITS} x {cap:,.0f} MW): "
                   f"the highest class, several lines")
        else:
            lower = [k for k in LINE_CLASSES_KV if k < c]
            why = (f"a looped-in line of this class carries {LOOP_IN_CIRCUITS} x {cap:,.0f} MW"
                   + (f"; the {lower[-1]} kV class only {LOOP_IN_CIRCUITS} x {line_capacity_mw(lower[-1]):,.0f} MW"
                      if lower else ""))
        texts.append(f"{ld:,.0f} MW {what} needs the {c} kV class: {why} (NREL reVX line capacity by voltage)")
    return pd.DataFrame({
        "grid_required_voltage_kv": need,
        "distance_to_adequate_line_km": line,
        "distance_to_adequate_substation_km": sub,
        "grid_access_basis": take_labels(texts, codes, table.index),
    }, index=table.index)


def _layer_queue_waits(L: PreparedLayers) -> QueueWaits:
    waits = queue_waits(L.load("queue"), L.load("counties") if L.has("counties") else None,
                        has_ba_layer=L.has("balancing_authorities"))
    if waits.note:
        log.warning("interconnection wait: %s; every site gets the LBNL national median", waits.note)
    return waits
