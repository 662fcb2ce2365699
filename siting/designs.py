"""Full hourly designs for the best sites of a scored table: the site chain on many sites.

:func:`design_sites` gives each of the ``top`` best-ranked sites of a
:func:`siting.batch.score_sites` table the design the site report shows for it: the site
chain (:mod:`siting.chain`) with the same inputs (:func:`siting.site.inputs_from_table`:
station, elevation, IT load, ozone status, queue wait) and the same arithmetic, so a
designed site's columns equal its report's figures exactly (tested). The four options
(gas only, renewables plus gas, grid with backup, bridge to grid) with levelised and annual
cost, time to first power, energy by source, fuel, peak gas demand, CO2, NOx and air-permit
path, the renewables-plus-gas PV, wind and battery, the recommended option (the cheapest
that qualifies), and the site's water by scope.

The chain shares work without changing a number: per weather station the climate (hourly
cooling, PUE, PV and wind profiles); per distinct (station, elevation, IT load) the fleet
and the hourly dispatch, rows of a station in blocks through the numba kernel; per
(station, fleet size, IT load) the renewables capacity LP, solved at the station's
elevation on the station's year on every path.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from siting.chain.money import NONE_QUALIFIES
from siting.chain.resolved import resolve
from siting.chain.site import COST_STACK, OPTIONS, design_sites as chain_design_sites
from siting.errors import ConfigError, DataError
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Per-option columns: ``<option>_<field>`` (:class:`siting.chain.site.PowerOption` fields).
OPTION_FIELDS = (
    "lcoe_usd_per_mwh", "annual_cost_usd_per_yr", "capex_usd", "months_to_first_power", "gas_mwh_per_yr", "pv_mwh_per_yr",
    "wind_mwh_per_yr", "grid_mwh_per_yr", "fuel_mmbtu_hhv_per_yr", "gas_peak_mmcf_per_day", "co2_tonnes_per_yr",
    "nox_tons_per_yr_with_scr", "power_water_consumption_gal_per_yr", "power_water_withdrawal_gal_per_yr",
)
#: Extra columns of the renewables-plus-gas option.
RENEWABLE_FIELDS = (
    "pv_capacity_mw_dc", "wind_capacity_mw", "battery_capacity_mw", "battery_energy_mwh",
    "renewable_fraction_frac", "gas_share_frac",
)
#: Recommended-option columns: ``design_<field>`` (the LCOE with its cost stack, money in the scenario's dollar year).
CHOSEN_FIELDS = (
    "lcoe_usd_per_mwh", *COST_STACK, "annual_cost_usd_per_yr", "capex_usd", "fuel_price_usd_per_mmbtu",
    "months_to_first_power", "months_to_grid", "waiting_cost_usd", "gas_mwh_per_yr",
    "fuel_mmbtu_hhv_per_yr", "gas_peak_mmcf_per_day", "co2_tonnes_per_yr", "nox_tons_per_yr_with_scr",
)
#: Water columns of the recommended option: ``design_<scope>_water_<metric>_gal_per_yr``.
WATER_FIELDS = (
    "cooling_water_consumption_gal_per_yr", "cooling_water_withdrawal_gal_per_yr",
    "power_water_consumption_gal_per_yr", "power_water_withdrawal_gal_per_yr",
    "total_water_consumption_gal_per_yr", "total_water_withdrawal_gal_per_yr",
)


def design_columns() -> list[str]:
    """Names of the columns :func:`design_sites` writes, in order (all in ``site_columns.csv``)."""
    cols = ["design_note", "design_option", "design_cost_dollar_year"]
    cols += [f"design_{f}" for f in CHOSEN_FIELDS]
    cols += [f"design_{f}" for f in WATER_FIELDS]
    cols += ["design_altitude_m", "design_gas_units_count", "design_gas_fleet_iso_capacity_mw",
             "design_gas_fleet_redundancy_units", "design_gas_fleet_availability_frac",
             "design_gas_fleet_unserved_mwh_per_yr", "design_gas_fleet_target_met",
             "design_nox_pte_tons_per_yr_with_scr", "design_air_permit_path", "design_lp_altitude_m",
             "design_gas_lateral_diameter_in", "design_cost_basis"]
    for opt in OPTIONS:
        cols += [f"{opt}_{f}" for f in OPTION_FIELDS]
        if opt == "renewables_plus_gas":
            cols += [f"{opt}_{f}" for f in RENEWABLE_FIELDS]
    return cols


@dataclass(frozen=True)
class DesignSummary:
    """What a :func:`design_sites` run did.

    Attributes
    ----------
    requested, designed : int
        Sites asked for (``top``, capped at the ranked rows) and given a design [-].
    skipped_error, not_designed : int
        Rows with an ``error`` (never designed) and top rows that could not be designed
        (no weather station) [-].
    stations, dispatch_rows, lp_groups : int
        Distinct weather stations, distinct (station, elevation, IT load) dispatches and
        capacity LPs [-].
    seconds : float
        Wall time [s].
    """

    requested: int
    designed: int
    skipped_error: int
    not_designed: int
    stations: int
    dispatch_rows: int
    lp_groups: int
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def _select(scored: pd.DataFrame, top: int) -> tuple[np.ndarray, int]:
    """Positions of the best ``top`` ranked rows without an error, and how many rows carry an error."""
    for col in ("site_id", "rank", "latitude_deg", "longitude_deg"):
        if col not in scored.columns:
            raise ConfigError(f"scored table has no {col!r} column; pass the output of siting.batch.score_sites "
                              f"(it has {list(scored.columns)[:12]}...)")
    err = scored["error"].fillna("").astype(str).to_numpy() if "error" in scored.columns else np.full(len(scored), "")
    bad = err != ""
    rank = pd.to_numeric(scored["rank"], errors="coerce").to_numpy(dtype=float)
    ok = ~bad & np.isfinite(rank)
    pos = np.flatnonzero(ok)
    order = np.lexsort((scored["site_id"].astype(str).to_numpy()[pos], rank[pos]))
    return pos[order][:top], int(bad.sum())


def design_sites(
    scored: pd.DataFrame,
    layers=None,
    scenario: Scenario | None = None,
    *,
    top: int = 10_000,
    progress: bool | None = None,
    sizing_day_stride: int | None = None,
    include_wind: bool = True,
) -> pd.DataFrame:
    """Full hourly power and water designs for the best-ranked sites of a scored table.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`siting.batch.score_sites` (``site_id``, ``rank``, ``error``,
        ``latitude_deg``/``longitude_deg``, ``weather_station_id``, ``it_load_mw``,
        ``nonattainment_status``, ``interconnection_wait_months``, ``weather_station_too_far``).
    layers : LayerSet-like, optional
        The layer set the table was scored against (weather stations, optional ``elevation``
        raster); default the embedded sample.
    scenario : Scenario, optional
        Assumptions; default ``Scenario()``.
    top : int
        Design the ``top`` best-ranked rows without an error [-].
    progress : bool, optional
        Progress bar over stations; default only when stderr is a terminal.
    sizing_day_stride : int, optional
        The capacity LP uses every n-th day [-]; default the chain's (as the report uses).
    include_wind : bool
        Offer wind to the LP.

    Returns
    -------
    pandas.DataFrame
        One row per selected site, in rank order, on the scored table's index: ``site_id``
        and the :func:`design_columns` (units in ``site_columns.csv``, group ``design``).
        ``attrs["design_summary"]`` holds a :class:`DesignSummary`.

    Raises
    ------
    ConfigError
        For a table without ranks or site ids, or a ``top`` that is not a positive whole number.
    """
    import sys

    from siting.site import climates_for, inputs_from_table

    t0 = time.perf_counter()
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1:
        raise ConfigError(f"top={top!r}: expected a positive whole number of sites to design")
    scenario = scenario or Scenario()
    from siting.chain.resolved import SIZING_DAY_STRIDE

    resolved = resolve(scenario, sizing_day_stride=sizing_day_stride or SIZING_DAY_STRIDE, include_wind=include_wind)
    if layers is None:
        from gis_data.layerset import LayerSet

        layers = LayerSet.sample()
    pos, n_err = _select(scored, int(top))
    if n_err:
        log.info("design: %d rows carry an error and are skipped", n_err)
    sel = scored.iloc[pos]
    n = len(sel)
    out = pd.DataFrame(index=sel.index)
    out["site_id"] = sel["site_id"].astype(str).to_numpy()
    inputs = inputs_from_table(sel, layers, scenario)
    climates = climates_for(inputs.station_id, layers, resolved) if n else {}
    show = sys.stderr.isatty() if progress is None else bool(progress)
    table = chain_design_sites(inputs, climates, resolved, progress=show)
    done = table.designed
    sid = inputs.station_id
    note = np.where(done, "designed", np.where(sid == "", "not designed: no weather station for the site",
                                               "not designed: weather of its station unavailable")).astype(object)
    if "weather_station_too_far" in sel.columns:
        far = done & sel["weather_station_too_far"].fillna(False).to_numpy(dtype=bool)
        dist = (pd.to_numeric(sel["distance_to_weather_station_km"], errors="coerce").to_numpy(dtype=float)
                if "distance_to_weather_station_km" in sel.columns else np.full(n, np.nan))
        for i in np.flatnonzero(far):
            note[i] = (f"designed with the weather of station {sid[i]}, {dist[i]:,.0f} km away (beyond "
                       f"max_weather_station_km = {scenario.max_weather_station_km:g} km): weather-dependent figures "
                       "are indicative")
    rec = table.recommended
    rows = np.arange(n)
    which = np.array([OPTIONS.index(r) if r in OPTIONS else 0 for r in rec], dtype=np.int64)
    none_ok = rec == NONE_QUALIFIES

    def chosen(field: str) -> np.ndarray:
        stack = np.column_stack([table.options[o][field] for o in OPTIONS]) if n else np.empty((0, len(OPTIONS)))
        return np.where(none_ok, np.nan, stack[rows, which]) if n else np.empty(0)

    cols: dict[str, object] = {}
    cols["design_note"] = pd.array(note.astype(str), dtype="string")
    cols["design_option"] = pd.array([str(r) if d else None for r, d in zip(rec, done)], dtype="string")
    cols["design_cost_dollar_year"] = pd.array([resolved.cost_dollar_year if d else None for d in done], dtype="Int64")
    for f in CHOSEN_FIELDS:
        cols[f"design_{f}"] = chosen(f)
    cons_pw, wdr_pw = chosen("power_water_consumption_gal_per_yr"), chosen("power_water_withdrawal_gal_per_yr")
    cols["design_cooling_water_consumption_gal_per_yr"] = table.cooling_consumption_gal_per_yr
    cols["design_cooling_water_withdrawal_gal_per_yr"] = table.cooling_withdrawal_gal_per_yr
    cols["design_power_water_consumption_gal_per_yr"] = cons_pw
    cols["design_power_water_withdrawal_gal_per_yr"] = wdr_pw
    cols["design_total_water_consumption_gal_per_yr"] = table.cooling_consumption_gal_per_yr + cons_pw
    cols["design_total_water_withdrawal_gal_per_yr"] = table.cooling_withdrawal_gal_per_yr + wdr_pw
    cols["design_altitude_m"] = np.where(done, inputs.altitude_m, np.nan)
    g = table.options["gas_only"]
    cols["design_gas_units_count"] = pd.array([int(c) if d else None for c, d in zip(g["gas_units_count"], done)],
                                              dtype="Int64")
    cols["design_gas_fleet_iso_capacity_mw"] = g["gas_iso_capacity_mw"]
    fl = table.fleet
    cols["design_gas_fleet_redundancy_units"] = pd.array(
        [int(k) if d else None for k, d in zip(fl["redundancy_units"], done)], dtype="Int64")
    cols["design_gas_fleet_availability_frac"] = fl["availability_frac"]
    cols["design_gas_fleet_unserved_mwh_per_yr"] = fl["expected_unserved_mwh_per_yr"]
    cols["design_gas_fleet_target_met"] = pd.array([bool(m) if d else None for m, d in zip(fl["target_met"], done)],
                                                   dtype="boolean")
    cols["design_nox_pte_tons_per_yr_with_scr"] = g["nox_pte_tons_per_yr_with_scr"]
    cols["design_air_permit_path"] = pd.array([str(p) if d else None for p, d in zip(g["air_permit_path"], done)],
                                              dtype="string")
    cols["design_lp_altitude_m"] = table.lp_altitude_m
    cols["design_gas_lateral_diameter_in"] = table.gas_lateral_diameter_in
    cols["design_cost_basis"] = pd.array(["; ".join(str(table.notes[k][i]) for k in ("fuel_price", "gas_lateral",
                                                                                      "grid_connection")) if d else None
                                          for i, d in enumerate(done)], dtype="string")
    for o in OPTIONS:
        for f in OPTION_FIELDS + (RENEWABLE_FIELDS if o == "renewables_plus_gas" else ()):
            cols[f"{o}_{f}"] = table.options[o][f]
    for name in design_columns():
        v = cols[name]
        out[name] = v if not isinstance(v, np.ndarray) else np.where(done, v, np.nan)
    summary = DesignSummary(
        requested=n, designed=int(done.sum()), skipped_error=n_err, not_designed=int((~done).sum()),
        stations=table.stations, dispatch_rows=table.dispatch_rows, lp_groups=table.lp_groups,
        seconds=time.perf_counter() - t0,
    )
    out.attrs["design_summary"] = summary.to_dict()
    log.info("designed %d of %d sites (%d stations, %d dispatches, %d capacity LPs) in %.1f s", summary.designed, n,
             summary.stations, summary.dispatch_rows, summary.lp_groups, summary.seconds)
    return out


def add_designs(scored: pd.DataFrame, designs: pd.DataFrame) -> pd.DataFrame:
    """The scored table with the design columns joined by ``site_id``; other rows NaN with a note.

    Parameters
    ----------
    scored : pandas.DataFrame
        :func:`siting.batch.score_sites` output.
    designs : pandas.DataFrame
        :func:`design_sites` output for (some of) its rows.

    Returns
    -------
    pandas.DataFrame
        A new frame (the inputs are not mutated), same rows and order as ``scored``.
    """
    if "site_id" not in scored.columns or "site_id" not in designs.columns:
        raise ConfigError("add_designs needs a site_id column in both tables (score_sites and design_sites outputs)")
    extra = designs.drop(columns=["site_id"]).set_index(designs["site_id"].astype(str).to_numpy())
    keys = scored["site_id"].astype(str).to_numpy()
    joined = extra.reindex(keys)
    joined.index = scored.index
    missing = joined["design_note"].isna().to_numpy()
    if missing.any():
        err = (scored["error"].fillna("").astype(str).to_numpy() if "error" in scored.columns
               else np.full(len(scored), ""))
        why = np.where(err[missing] != "", "skipped: the row has an error",
                       "not designed: not among the best-ranked sites designed")
        joined.loc[missing, "design_note"] = why
    out = scored.drop(columns=[c for c in joined.columns if c in scored.columns]).copy()
    for c in joined.columns:
        out[c] = joined[c]
    out.attrs = dict(scored.attrs)
    if "design_summary" in designs.attrs:
        out.attrs["design_summary"] = designs.attrs["design_summary"]
    return out


def design_summary(frame: pd.DataFrame) -> DesignSummary:
    """The :class:`DesignSummary` stored on a :func:`design_sites` (or :func:`add_designs`) result."""
    data = frame.attrs.get("design_summary")
    if data is None:
        raise DataError("this frame carries no design summary; it was not produced by siting.designs.design_sites")
    return DesignSummary(**data)


__all__ = ["DesignSummary", "add_designs", "design_columns", "design_sites", "design_summary"]
