"""Full hourly power and water designs for the best sites of a scored table.

:func:`design_sites` gives each of the ``top`` best-ranked sites of a
:func:`siting.batch.score_sites` table the design :func:`siting.power.design_power` makes
for one site: the four options (gas only, renewables plus gas, grid with backup, bridge
to grid) with levelised and annual cost, time to first power, gas energy, fuel, peak gas
demand, CO2, NOx and air-permit path, the renewables-plus-gas PV, wind and battery, the
cheapest option that qualifies, and the site's water (cooling from the station's hourly
weather with :func:`siting.water.wue_for_weather`; power-generation water from the
dispatch with the :mod:`models.water` factors).

What varies per site, and what does not
---------------------------------------
The weather is the nearest station's (few distinct), the scenario is shared; the site's
elevation (gas derates), IT load, ozone class and grid wait vary. So:

* once per station: the weather, the per-MW PV (single-axis, at the station's position
  and elevation) and wind profiles, and the cooling water per MW of IT load;
* once per distinct (station, elevation, IT load): the N+k fleet
  (:func:`models.fleet.size_gas_fleet`) and the hourly gas-only and renewables-plus-gas
  dispatch, all rows of a station at once through the numba kernel
  (:func:`siting.power.year_block`) - the same code :func:`design_power` runs, so
  identical inputs give identical numbers;
* per site: permit path, time to power, grid and bridge costs, chosen option
  (:func:`siting.power.site_options`).

The one approximation: the renewables-plus-gas capacity LP (:func:`siting.power.renewables_sizing`)
is solved once per group of sites with the same station, fleet size and IT load, at the
elevation of the group's median site, with the station's PV profile; every site is then
re-dispatched exactly with those capacities. ``gas_only``, ``grid_with_backup`` and
``bridge_to_grid`` are exact (equal to :func:`design_power` to round-off, tested).

Measured (``tests/bench/bench_designs.py --sites 1e4`` on the real layers from
``../shared/data``, 2 shared cores under load from other work): 10^4 sites over the
contiguous US (14 weather stations, 715 distinct dispatches, 22 shared LPs) designed in
10.0 s with the default scenario and 23.1 s with ``max_gas_share_frac=0.6`` (where the LP
builds PV, wind and batteries), peak resident memory about 1 GB for the whole process.
A stratified sample of 40 designed sites (elevation -2 to 2,770 m, attainment and
nonattainment counties, 62 to 1,137 km from their station) re-designed one by one with
:func:`design_power`:

* the shared LP alone (single-site designs with the station's PV profile): every option's
  LCOE within 4.8e-9 relative (median 2e-11), the same chosen option everywhere - the
  capacity choice is insensitive to elevation within a group, and the rest is the
  interior-point vs simplex optimum;
* against :func:`design_power` at the site's own latitude and longitude (what the site
  report runs): renewables-plus-gas and chosen LCOE within 3.4 % (median 0.04 %), same
  chosen option everywhere; gas-only and grid options 0. The difference is the PV
  profile's position: the single-site design puts the sun at the site while the
  irradiance is the station's, up to 1,137 km away with the 14 stations of the shared
  data; the batch keeps sun and irradiance at the same place. Default scenario: all 0.

:func:`compare_with_design_power` reruns the measurement for any table.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from models import solar, wind
from models import water as wt
from models.catalog import get_prime_mover, validate_prime_mover_name
from models.fleet import size_gas_fleet
from siting.errors import ConfigError, DataError
from siting.power import OPTIONS, design_power, renewables_sizing, site_options, year_block
from siting.scenario import Scenario
from siting.water import gas_technology

log = logging.getLogger(__name__)

#: Gas share over the scenario's cap still counted as meeting it: the hourly re-dispatch with
#: minimum load runs the units a little more than the LP relaxation planned [-].
GAS_SHARE_TOLERANCE_FRAC = 0.02
#: Unserved energy allowed in a qualifying option, as a share of the facility energy [-].
UNSERVED_TOLERANCE_FRAC = 1e-6
#: Dollar year of the capital costs in every LCOE (NREL ATB 2024 is in USD 2022).
COST_DOLLAR_YEAR = 2022
#: HiGHS solver of the shared LPs: interior point with crossover, ~1.5-2x the default simplex on these LPs.
LP_SOLVER = "ipm"
#: Distinct (station, elevation, IT load) rows dispatched together (memory ~ rows x 8760 x 8 B x ~25).
BLOCK_ROWS = 256

#: Per-option columns: ``<option>_<field>``, from the :class:`siting.power.PowerOption` field (or water).
OPTION_FIELDS = (
    "lcoe_usd_per_mwh", "annual_cost_usd_per_yr", "months_to_first_power", "gas_mwh_per_yr",
    "fuel_mmbtu_hhv_per_yr", "gas_peak_mmcf_per_day", "co2_tonnes_per_yr", "nox_tons_per_yr_with_scr",
    "power_water_consumption_gal_per_yr",
)
#: Extra columns of the renewables-plus-gas option.
RENEWABLE_FIELDS = (
    "pv_capacity_mw_dc", "wind_capacity_mw", "battery_capacity_mw", "battery_energy_mwh",
    "renewable_fraction_frac", "gas_share_frac",
)
#: Chosen-option columns: ``design_<field>``.
CHOSEN_FIELDS = (
    "lcoe_usd_per_mwh", "annual_cost_usd_per_yr", "months_to_first_power", "gas_mwh_per_yr",
    "fuel_mmbtu_hhv_per_yr", "gas_peak_mmcf_per_day", "co2_tonnes_per_yr", "nox_tons_per_yr_with_scr",
)


def design_columns() -> list[str]:
    """Names of the columns :func:`design_sites` writes, in order (all in ``site_columns.csv``)."""
    cols = ["design_note", "design_option", "design_cost_dollar_year"]
    cols += [f"design_{f}" for f in CHOSEN_FIELDS]
    cols += ["design_cooling_water_consumption_gal_per_yr", "design_cooling_water_withdrawal_gal_per_yr",
             "design_power_water_consumption_gal_per_yr", "design_total_water_consumption_gal_per_yr",
             "design_altitude_m", "design_gas_units_count", "design_gas_fleet_iso_capacity_mw",
             "design_nox_pte_tons_per_yr_with_scr", "design_air_permit_path", "design_lp_altitude_m"]
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
        shared capacity LPs [-].
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


# -- inputs per site ------------------------------------------------------------------------------


def _nonattainment_class(status) -> str | None:
    """Ozone class for the permit model: None for attainment, unknown or other-pollutant nonattainment."""
    from models.emissions import NONATTAINMENT_CLASSES

    if status is None or (isinstance(status, float) and math.isnan(status)) or status is pd.NA:
        return None
    text = str(status).strip().lower()
    return text if text in NONATTAINMENT_CLASSES and text != "attainment" else None


def site_altitude_m(lat, lon, layers=None) -> np.ndarray:
    """Ground elevation of sites: the layer set's ``elevation`` raster when it has one, else pvlib's map.

    Parameters
    ----------
    lat, lon : array_like
        Site coordinates [deg, WGS84].
    layers : LayerSet-like, optional
        May carry an ``elevation`` raster role.

    Returns
    -------
    numpy.ndarray
        Elevation [m]; unknown cells (nodata) give 0 m, as the site report does.
    """
    from gis_data.elevation import altitude_at

    inner = getattr(layers, "layers", layers)
    dem = None
    if inner is not None and hasattr(inner, "raster_path") and inner.has("elevation"):
        dem = inner.raster_path("elevation")
    alt = np.asarray(altitude_at(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), dem=dem), dtype=float)
    return np.where(np.isfinite(alt), alt, 0.0)


@dataclass(frozen=True)
class _Station:
    temp: np.ndarray
    pv: np.ndarray
    wind: np.ndarray
    cooling_gal_per_yr_per_mw: float
    cooling_withdrawal_gal_per_yr_per_mw: float


def _station_inputs(row, scenario: Scenario, include_wind: bool) -> _Station | None:
    from gis_data.weather import load_weather
    from siting.water import wue_for_weather

    try:
        weather = load_weather(str(row["path"]))
    except (OSError, ValueError) as exc:
        log.warning("weather station %s: cannot read %s (%s); its sites get no design", row["station_id"],
                    row["path"], exc)
        return None
    lat, lon = float(row.geometry.y), float(row.geometry.x)
    elev = pd.to_numeric(pd.Series([row.get("elevation_m")]), errors="coerce").fillna(0.0).iloc[0]
    pv = solar.pv_ac_mw_per_mw_dc(weather, lat, lon, float(elev), solar.PVSystem(mount="single_axis"))
    wd = wind.wind_mw_per_mw(weather) if include_wind else np.zeros(len(weather))
    cool = wue_for_weather(weather, scenario.cooling)  # per MW of flat IT load: the model is linear in load
    return _Station(weather["temp_air_degc"].to_numpy(dtype=float), np.asarray(pv, dtype=float),
                    np.asarray(wd, dtype=float), float(cool.water_consumption_gal_per_yr),
                    float(cool.water_withdrawal_gal_per_yr))


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


# -- the public entry point -----------------------------------------------------------------------


def design_sites(
    scored: pd.DataFrame,
    layers=None,
    scenario: Scenario | None = None,
    *,
    top: int = 10_000,
    progress: bool | None = None,
    sizing_day_stride: int = 4,
    include_wind: bool = True,
) -> pd.DataFrame:
    """Full hourly power and water designs for the best-ranked sites of a scored table.

    Parameters
    ----------
    scored : pandas.DataFrame
        Output of :func:`siting.batch.score_sites`: ``site_id``, ``rank``, ``error``,
        ``latitude_deg``/``longitude_deg`` [deg], ``weather_station_id``, and when present
        ``it_load_mw`` [MW] (NaN: the scenario's), ``nonattainment_status`` (an ozone class
        sets the NOx permit thresholds; ``attainment``, missing, or ``nonattainment`` for
        other pollutants count as ozone attainment), ``interconnection_wait_months``
        [months] (NaN: the LBNL national median), ``weather_station_too_far`` (noted).
    layers : LayerSet-like, optional
        The layer set the table was scored against (weather stations, optional
        ``elevation`` raster); default the embedded sample.
    scenario : Scenario, optional
        Assumptions; default ``Scenario()``.
    top : int
        Design the ``top`` best-ranked rows without an error [-].
    progress : bool, optional
        Progress bar over stations; default only when stderr is a terminal.
    sizing_day_stride : int
        The shared capacity LP uses every n-th day [-] (as :func:`design_power`).
    include_wind : bool
        Offer wind to the LP.

    Returns
    -------
    pandas.DataFrame
        One row per selected site, in rank order, on the scored table's index: ``site_id``
        and the :func:`design_columns` (units in ``site_columns.csv``, group ``design``);
        money in USD with capital at :data:`COST_DOLLAR_YEAR` and fuel/grid prices as the
        scenario gives them. ``attrs["design_summary"]`` holds a :class:`DesignSummary`.

    Raises
    ------
    ConfigError
        For a table without ranks or site ids, or a ``top`` that is not a positive whole number.
    """
    t0 = time.perf_counter()
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1:
        raise ConfigError(f"top={top!r}: expected a positive whole number of sites to design")
    scenario = scenario or Scenario()
    unit = get_prime_mover(validate_prime_mover_name(scenario.prime_mover))
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
    arrays = _empty_arrays(n)
    note = np.full(n, "", dtype=object)

    it_mw = (pd.to_numeric(sel["it_load_mw"], errors="coerce").to_numpy(dtype=float)
             if "it_load_mw" in sel.columns else np.full(n, np.nan))
    it_mw = np.where(np.isfinite(it_mw), it_mw, scenario.it_load_mw)
    alt = site_altitude_m(sel["latitude_deg"].to_numpy(), sel["longitude_deg"].to_numpy(), layers) if n else np.empty(0)
    classes = [_nonattainment_class(s) for s in (sel["nonattainment_status"].tolist()
                                                 if "nonattainment_status" in sel.columns else [None] * n)]
    wait_yr = (pd.to_numeric(sel["interconnection_wait_months"], errors="coerce").to_numpy(dtype=float) / 12.0
               if "interconnection_wait_months" in sel.columns else np.full(n, np.nan))
    sid = (sel["weather_station_id"].astype("string").fillna("").to_numpy(dtype=object)
           if "weather_station_id" in sel.columns else np.full(n, "", dtype=object))
    stations = layers.load("weather_stations") if n and layers.has("weather_stations") else None
    by_id = {} if stations is None else {str(r["station_id"]): r for _, r in stations.iterrows()}
    note[sid == ""] = "not designed: no weather station for the site"

    factors = _water_factors(scenario.prime_mover)
    n_rows = n_lp = 0
    station_ids = sorted({s for s in sid if s})
    show = sys.stderr.isatty() if progress is None else bool(progress)
    for s in tqdm(station_ids, disable=not show, unit="station", desc="designing sites"):
        members = np.flatnonzero(sid == s)
        row = by_id.get(s)
        st = None if row is None else _station_inputs(row, scenario, include_wind)
        if st is None:
            note[members] = f"not designed: weather of station {s} unavailable"
            continue
        keys = pd.DataFrame({"alt": alt[members], "mw": it_mw[members]})
        uniq, inverse = np.unique(keys.to_numpy(), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        counts = np.empty(len(uniq), dtype=np.int64)
        for k, (a, mw) in enumerate(uniq):
            counts[k] = size_gas_fleet(mw * scenario.pue, st.temp, unit=unit, altitude_m=float(a),
                                       redundancy_units=scenario.redundancy_units).units_count
        caps, lp_alt, groups = _shared_capacities(st, scenario, uniq, counts, inverse, sizing_day_stride)
        n_rows += len(uniq)
        n_lp += groups
        for start in range(0, len(uniq), BLOCK_ROWS):
            rows = np.arange(start, min(start + BLOCK_ROWS, len(uniq)))
            block = year_block(st.temp, scenario, altitude_m=uniq[rows, 0], it_load_mw=uniq[rows, 1],
                               units_count=counts[rows], pv_mw_per_mw_dc=st.pv, wind_mw_per_mw=st.wind,
                               pv_capacity_mw_dc=caps[rows, 0], wind_capacity_mw=caps[rows, 1],
                               battery_capacity_mw=caps[rows, 2], battery_energy_mwh=caps[rows, 3])
            in_block = (inverse >= rows[0]) & (inverse <= rows[-1])
            sites = members[in_block]
            local = inverse[in_block] - rows[0]
            table = site_options(block, scenario, nonattainment_class=[classes[i] for i in sites],
                                 grid_wait_yr=wait_yr[sites], rows=local)
            _fill(arrays, sites, table, block, local, factors, st, it_mw[sites] * scenario.it_utilization_frac,
                  scenario)
            arrays["design_altitude_m"][sites] = alt[sites]
            arrays["design_lp_altitude_m"][sites] = lp_alt[inverse[in_block]]
            note[sites] = "designed"

    done = note == "designed"
    if "weather_station_too_far" in sel.columns:
        far = done & sel["weather_station_too_far"].fillna(False).to_numpy(dtype=bool)
        dist = (pd.to_numeric(sel["distance_to_weather_station_km"], errors="coerce").to_numpy(dtype=float)
                if "distance_to_weather_station_km" in sel.columns else np.full(n, np.nan))
        for i in np.flatnonzero(far):
            note[i] = (f"designed with the weather of station {sid[i]}, {dist[i]:,.0f} km away (beyond "
                       f"max_weather_station_km = {scenario.max_weather_station_km:g} km): weather-dependent figures "
                       "are indicative")
    for name in design_columns():
        if name == "design_note":
            out[name] = pd.array(note.astype(str), dtype="string")
        elif name in ("design_option", "design_air_permit_path"):
            vals = arrays[name]
            out[name] = pd.array([v if d else None for v, d in zip(vals, done)], dtype="string")
        elif name in ("design_cost_dollar_year", "design_gas_units_count"):
            out[name] = pd.array(np.where(done, arrays[name], 0), dtype="Int64")
            out.loc[~done, name] = pd.NA
        else:
            out[name] = np.where(done, arrays[name], np.nan)
    summary = DesignSummary(
        requested=n, designed=int(done.sum()), skipped_error=n_err, not_designed=int((~done).sum()),
        stations=len(station_ids), dispatch_rows=n_rows, lp_groups=n_lp, seconds=time.perf_counter() - t0,
    )
    out.attrs["design_summary"] = summary.to_dict()
    log.info("designed %d of %d sites (%d stations, %d dispatches, %d shared LPs) in %.1f s", summary.designed, n,
             summary.stations, n_rows, n_lp, summary.seconds)
    return out


def _empty_arrays(n: int) -> dict[str, np.ndarray]:
    arrays = {c: np.full(n, np.nan) for c in design_columns()}
    for c in ("design_option", "design_air_permit_path", "design_note"):
        arrays[c] = np.full(n, "", dtype=object)
    arrays["design_cost_dollar_year"] = np.full(n, COST_DOLLAR_YEAR, dtype=np.int64)
    arrays["design_gas_units_count"] = np.zeros(n, dtype=np.int64)
    return arrays


def _shared_capacities(st: _Station, scenario: Scenario, uniq: np.ndarray, counts: np.ndarray, inverse: np.ndarray,
                       stride: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Renewables-plus-gas capacities per dispatch row: one LP per (fleet size, IT load) group.

    The LP is solved at the elevation of the group's median site (by site count).
    """
    caps = np.zeros((len(uniq), 4))
    lp_alt = np.zeros(len(uniq))
    weight = np.bincount(inverse, minlength=len(uniq))
    groups = 0
    for count in np.unique(counts):
        for mw in np.unique(uniq[counts == count, 1]):
            g = np.flatnonzero((counts == count) & (uniq[:, 1] == mw))
            order = g[np.argsort(uniq[g, 0], kind="stable")]
            cum = np.cumsum(weight[order])
            median_row = order[int(np.searchsorted(cum, cum[-1] / 2.0))]
            a = float(uniq[median_row, 0])
            opt = renewables_sizing(st.temp, st.pv, st.wind, scenario, altitude_m=a, units_count=int(count),
                                    it_load_mw=float(mw), sizing_day_stride=stride, solver=LP_SOLVER)
            caps[g] = (opt.pv_mw_dc, opt.wind_mw, opt.battery_mw, opt.battery_mwh)
            lp_alt[g] = a
            groups += 1
    return caps, lp_alt, groups


def _water_factors(prime_mover: str) -> dict[str, tuple[float, float]]:
    """(consumption, withdrawal) [gal/MWh] by source, from ``water_use_factors.csv``; the gas
    unit's technology as the site water budget picks it (:func:`siting.water.gas_technology`)."""
    gas_tech = gas_technology(prime_mover)
    out = {}
    for source, tech in (("gas", gas_tech), ("pv", "solar_pv"), ("wind", "wind"), ("grid", "grid_average_us")):
        f = wt.power_water_factor(tech)
        out[source] = (float(f.consumption_gal_per_mwh), float(f.withdrawal_gal_per_mwh))
    return out


def power_water_gal_per_yr(option: str, fields: dict, block_ren: dict | None, factors: dict, which: int = 0):
    """Power-generation water of an option [gal/yr] from its dispatch.

    Water is counted where energy is generated (the convention of
    :func:`models.water.generation_from_dispatch`): gas output at the prime mover's factor,
    renewable output used (it includes what charged the battery) split into PV and wind
    hour by hour by availability, grid energy at the US grid factor; battery discharge
    carries no water of its own. ``bridge_to_grid`` is counted for its bridge years (the
    gas-only dispatch), ``grid_with_backup`` takes all facility energy from the grid.

    Parameters
    ----------
    option : str
        One of :data:`siting.power.OPTIONS`.
    fields : dict
        The option's :func:`siting.power.site_options` arrays (``gas_mwh_per_yr``,
        ``grid_mwh_per_yr`` [MWh/yr]).
    block_ren : dict, optional
        For ``renewables_plus_gas``: ``renewable_used_mwh`` and ``pv_used_mwh`` [MWh/yr] per site.
    factors : dict
        ``{source: (consumption, withdrawal)}`` [gal/MWh].
    which : int
        0 for consumption, 1 for withdrawal.

    Returns
    -------
    numpy.ndarray
        [gal/yr] per site.
    """
    def part(mwh, factor):
        return np.where(mwh > 0, mwh * factor, 0.0)  # no energy, no water (even where a factor is unknown)

    water = (part(fields["gas_mwh_per_yr"], factors["gas"][which])
             + part(fields["grid_mwh_per_yr"], factors["grid"][which]))
    if option == "renewables_plus_gas" and block_ren is not None:
        pv_used = block_ren["pv_used_mwh"]
        wind_used = block_ren["renewable_used_mwh"] - pv_used
        water = water + part(pv_used, factors["pv"][which]) + part(wind_used, factors["wind"][which])
    return water


def _fill(arrays, sites, table, block, local, factors, st: _Station, it_mw_used, scenario: Scenario) -> None:
    energy = block.energy_mwh_per_yr[local]
    ren = {k: block.ren[k][local] for k in ("renewable_used_mwh", "pv_used_mwh")}
    lcoe = np.column_stack([table[o]["lcoe_usd_per_mwh"] for o in OPTIONS])
    ok = np.column_stack([
        (table[o]["gas_share_frac"] <= scenario.max_gas_share_frac + GAS_SHARE_TOLERANCE_FRAC)
        & (table[o]["unserved_mwh_per_yr"] <= UNSERVED_TOLERANCE_FRAC * energy)
        for o in OPTIONS
    ])
    masked = np.where(ok, lcoe, np.inf)
    best = np.argmin(masked, axis=1)
    none_ok = ~ok.any(axis=1)
    water = {}
    for j, o in enumerate(OPTIONS):
        f = table[o]
        water[o] = power_water_gal_per_yr(o, f, ren if o == "renewables_plus_gas" else None, factors)
        for name in OPTION_FIELDS:
            arrays[f"{o}_{name}"][sites] = water[o] if name == "power_water_consumption_gal_per_yr" else f[name]
        if o == "renewables_plus_gas":
            for name in RENEWABLE_FIELDS:
                arrays[f"{o}_{name}"][sites] = f[name]
    rows = np.arange(len(sites))
    chosen = np.array(OPTIONS, dtype=object)[best]
    chosen[none_ok] = "none qualifies"
    arrays["design_option"][sites] = chosen
    for name in CHOSEN_FIELDS:
        stack = np.column_stack([table[o][name] for o in OPTIONS])
        arrays[f"design_{name}"][sites] = np.where(none_ok, np.nan, stack[rows, best])
    pw = np.column_stack([water[o] for o in OPTIONS])[rows, best]
    cool = st.cooling_gal_per_yr_per_mw * it_mw_used
    arrays["design_cooling_water_consumption_gal_per_yr"][sites] = cool
    arrays["design_cooling_water_withdrawal_gal_per_yr"][sites] = st.cooling_withdrawal_gal_per_yr_per_mw * it_mw_used
    arrays["design_power_water_consumption_gal_per_yr"][sites] = np.where(none_ok, np.nan, pw)
    arrays["design_total_water_consumption_gal_per_yr"][sites] = np.where(none_ok, np.nan, cool + pw)
    g = table["gas_only"]
    arrays["design_gas_units_count"][sites] = g["gas_units_count"]
    arrays["design_gas_fleet_iso_capacity_mw"][sites] = g["gas_iso_capacity_mw"]
    arrays["design_nox_pte_tons_per_yr_with_scr"][sites] = g["nox_pte_tons_per_yr_with_scr"]
    arrays["design_air_permit_path"][sites] = g["air_permit_path"]


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


def compare_with_design_power(
    scored: pd.DataFrame,
    designs: pd.DataFrame,
    layers=None,
    scenario: Scenario | None = None,
    *,
    sample: int = 30,
    seed: int = 0,
    sizing_day_stride: int = 4,
    include_wind: bool = True,
    site_position: bool = True,
) -> pd.DataFrame:
    """Re-design sampled sites one by one with :func:`design_power` and compare LCOEs.

    Each sampled site gets its own capacity LP at its own elevation, ozone class, grid wait
    and IT load. With ``site_position`` (as the site report does) its PV profile is computed
    at the site's latitude and longitude (on the station's irradiance), so the difference
    measures the shared LP and the station-position PV profile together; without it the
    PV profile is the station's, as in :func:`design_sites`, and the difference is the
    shared LP's alone.

    Parameters
    ----------
    scored, designs : pandas.DataFrame
        A scored table and :func:`design_sites` of it.
    layers, scenario
        As given to :func:`design_sites`.
    sample : int
        Designed sites drawn at random (seeded), round-robin over strata of ozone class and
        elevation tercile so that both vary [-].
    seed : int
        Random seed.
    site_position : bool
        PV at the site's position (True) or at the weather station's (False).

    Returns
    -------
    pandas.DataFrame
        One row per sampled site: ``site_id``, ``altitude_m`` [m], ``nonattainment_status``,
        ``nonattainment_class``, ``distance_to_weather_station_km`` [km],
        for each option ``<option>_lcoe_rel_diff`` and ``chosen_lcoe_rel_diff``
        (``(batch - single) / single`` [-]) and ``same_option`` [bool].
    """
    from gis_data.weather import load_weather

    scenario = scenario or Scenario()
    if layers is None:
        from gis_data.layerset import LayerSet

        layers = LayerSet.sample()
    done = designs[designs["design_note"].fillna("").str.startswith("designed")]
    if done.empty:
        raise DataError("no designed sites to compare; run design_sites first")
    pick = _stratified_sample(scored.loc[done.index], done, sample, seed)
    stations = {str(r["station_id"]): r for _, r in layers.load("weather_stations").iterrows()}
    rows = []
    weather_cache: dict = {}
    for i in pick:
        d = done.iloc[i]
        s = scored.loc[done.index[i]]
        st = stations[str(s["weather_station_id"])]
        if st["station_id"] not in weather_cache:
            weather_cache[st["station_id"]] = load_weather(str(st["path"]))
        it = pd.to_numeric(pd.Series([s.get("it_load_mw")]), errors="coerce").iloc[0]
        sc = scenario if not np.isfinite(it) else scenario.replace(it_load_mw=float(it))
        wait = pd.to_numeric(pd.Series([s.get("interconnection_wait_months")]), errors="coerce").iloc[0]
        cls = _nonattainment_class(s.get("nonattainment_status"))
        p = design_power(weather_cache[st["station_id"]], sc, altitude_m=float(d["design_altitude_m"]),
                         nonattainment_class=cls, grid_wait_yr=None if not np.isfinite(wait) else wait / 12.0,
                         latitude=float(s["latitude_deg"] if site_position else st.geometry.y),
                         longitude=float(s["longitude_deg"] if site_position else st.geometry.x),
                         sizing_day_stride=sizing_day_stride, include_wind=include_wind)
        rec = {"site_id": d["site_id"], "altitude_m": float(d["design_altitude_m"]),
               "nonattainment_status": str(s.get("nonattainment_status", "")),
               "nonattainment_class": cls or "attainment",
               "distance_to_weather_station_km": float(s.get("distance_to_weather_station_km", math.nan))}
        single = {}
        for o in OPTIONS:
            single[o] = p.option(o).lcoe_usd_per_mwh
            rec[f"{o}_lcoe_rel_diff"] = (float(d[f"{o}_lcoe_usd_per_mwh"]) - single[o]) / single[o]
        ok = {o: p.option(o).gas_share_frac <= scenario.max_gas_share_frac + GAS_SHARE_TOLERANCE_FRAC
              and p.option(o).unserved_mwh_per_yr <= UNSERVED_TOLERANCE_FRAC * p.facility_energy_mwh_per_yr
              for o in OPTIONS}
        cands = [o for o in OPTIONS if ok[o]]
        best = min(cands, key=lambda o: single[o]) if cands else None
        rec["single_option"] = best or "none qualifies"
        rec["same_option"] = best == d["design_option"]
        rec["chosen_lcoe_rel_diff"] = ((float(d["design_lcoe_usd_per_mwh"]) - single[best]) / single[best]
                                       if best else math.nan)
        rows.append(rec)
    return pd.DataFrame(rows)


def _stratified_sample(scored: pd.DataFrame, done: pd.DataFrame, sample: int, seed: int) -> np.ndarray:
    """Positions of ``sample`` designed sites drawn round-robin over (ozone class, elevation tercile) strata."""
    rng = np.random.default_rng(seed)
    status = (scored["nonattainment_status"].astype("string").fillna("unknown").to_numpy(dtype=object)
              if "nonattainment_status" in scored.columns else np.full(len(done), "unknown", dtype=object))
    alt = done["design_altitude_m"].to_numpy(dtype=float)
    edges = np.quantile(alt, [1 / 3, 2 / 3]) if len(alt) else np.array([0.0, 0.0])
    tercile = np.searchsorted(edges, alt, side="right")
    strata = {}
    for i, key in enumerate(zip(status, tercile)):
        strata.setdefault(key, []).append(i)
    pools = [list(rng.permutation(v)) for _, v in sorted(strata.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))]
    picked: list[int] = []
    while len(picked) < min(sample, len(done)):
        for pool in pools:
            if pool and len(picked) < sample:
                picked.append(int(pool.pop()))
    return np.sort(np.asarray(picked, dtype=np.int64))


def design_summary(frame: pd.DataFrame) -> DesignSummary:
    """The :class:`DesignSummary` stored on a :func:`design_sites` (or :func:`add_designs`) result."""
    data = frame.attrs.get("design_summary")
    if data is None:
        raise DataError("this frame carries no design summary; it was not produced by siting.designs.design_sites")
    return DesignSummary(**data)


__all__ = ["COST_DOLLAR_YEAR", "DesignSummary", "add_designs", "compare_with_design_power", "design_columns",
           "design_sites", "design_summary", "power_water_gal_per_yr", "site_altitude_m"]
