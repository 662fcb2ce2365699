"""The hourly year of every power option for sites sharing a station.

``gas_only``: the N+k fleet carries the hourly facility load (IT load x utilisation x the
hourly PUE) with minimum load and part-load heat rate (:func:`models.dispatch.dispatch`,
all rows at once). ``renewables_plus_gas``: PV, wind and a battery sized by the capacity
LP (:func:`renewables_capacity`) next to the same fleet, re-dispatched over the full year.
``grid_with_backup`` and ``bridge_to_grid`` reuse the gas-only year (see
:mod:`siting.chain.money`).

The capacity LP of a (station, fleet size, IT load) is solved at the station's elevation
on the station's year, so every site of that group gets the same capacities whatever path
asks; each site's own elevation then enters the exact hourly re-dispatch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from models import dispatch as dp
from models import emissions as em
from models import gas_units as gu
from models import reliability as rel
from models import sizing as sz
from models import solar, wind
from models.units import HOURS_PER_YEAR
from siting.chain.climate import Climate
from siting.chain.resolved import ResolvedScenario
from siting.errors import ConfigError

log = logging.getLogger(__name__)


def renewables_capacity(climate: Climate, resolved: ResolvedScenario, *, units_count: int,
                        it_load_mw: float, fuel_price_usd_per_mmbtu: float | None = None) -> sz.SizingResult:
    """Least-cost PV, wind and battery next to a fixed N+k gas fleet (the capacity LP).

    The fleet is firm capacity (its ISO rating fixed in the LP, the spares as reserve);
    renewables and the battery displace fuel within the scenario's gas-share cap. Solved
    on every ``resolved.sizing_day_stride``-th day of the station's year at the station's
    elevation.

    Parameters
    ----------
    climate : Climate
        The station's year (hourly PUE, temperature, PV and wind per MW).
    resolved : ResolvedScenario
    units_count : int
        Gas units installed (N+k) [-].
    it_load_mw : float
        Nameplate IT load [MW].
    fuel_price_usd_per_mmbtu : float, optional
        The site's delivered gas price [USD/MMBtu HHV]; default the scenario's.

    Returns
    -------
    models.sizing.SizingResult
    """
    import dataclasses

    scenario, unit = resolved.scenario, resolved.unit
    costs = resolved.costs if fuel_price_usd_per_mmbtu is None else dataclasses.replace(
        resolved.costs, fuel_price_usd_per_mmbtu=float(fuel_price_usd_per_mmbtu))
    temp = climate.temp_air_degc
    hours = temp.size
    altitude_m = climate.station.elevation_m
    load = climate.facility_load_mw(float(it_load_mw), scenario.it_utilization_frac)
    peak_mw = float(np.max(climate.facility_load_mw(float(it_load_mw))))
    iso_mw = int(units_count) * unit.iso_capacity_mw
    m = gu.capacity_multiplier(unit, temp, altitude_m)
    hr = gu.full_load_heat_rate_hhv_btu_per_kwh(unit, temp, altitude_m)
    days = np.arange(hours) // 24
    pick = (days % resolved.sizing_day_stride) == 0
    reserve = iso_mw * float(np.min(m)) / peak_mw - 1.0
    return sz.optimize_capacity(load[pick], climate.pv_mw_per_mw_dc[pick], climate.wind_mw_per_mw[pick], m[pick],
                                hr[pick], costs, max_gas_share_frac=scenario.max_gas_share_frac,
                                fixed={"gas_iso_mw": iso_mw}, gas_reserve_frac=max(reserve, 0.0),
                                solver=resolved.lp_solver)


@dataclass(frozen=True)
class YearBlock:
    """Hourly gas-only and renewables-plus-gas years of many sites sharing one station.

    Every array has one value per row (a distinct elevation and IT load), except the
    optional hourly results.

    Attributes
    ----------
    it_load_mw, facility_peak_load_mw, gas_iso_capacity_mw : numpy.ndarray
        Nameplate IT load, peak facility load at nameplate, installed ISO gas capacity [MW].
    units_count : numpy.ndarray
        Gas units installed [-].
    energy_mwh_per_yr : numpy.ndarray
        Facility energy served [MWh/yr].
    pv_capacity_mw_dc, wind_capacity_mw, battery_capacity_mw, battery_energy_mwh : numpy.ndarray
        Renewables-plus-gas capacities [MW_dc], [MW], [MW], [MWh].
    gas, ren : dict of str to numpy.ndarray
        Annual figures of the gas-only and renewables-plus-gas dispatches: ``gas_mwh``
        [MWh/yr], ``fuel_mmbtu`` [MMBtu HHV/yr], ``peak_mmcf_per_day``, ``avg_mmcf_per_day``
        [MMcf/d], ``unserved_mwh`` [MWh/yr] (short with every unit available),
        ``expected_unserved_mwh`` [MWh/yr] (expected over forced outages, planned maintenance
        included), ``reserve_short_hours`` [h/yr] (hours the online headroom could not cover
        the loss of one unit), ``starts`` [-/yr], ``co2_tonnes`` [t/yr], ``nox_without_scr``,
        ``nox_with_scr`` [short t/yr], ``renewable_used_mwh`` (renewable energy delivered to
        the load: direct use plus battery discharge of renewable origin, so at most the load),
        ``pv_used_mwh``, ``wind_used_mwh`` [MWh/yr], ``curtailment_frac`` [-].
    idle : dict of str to numpy.ndarray
        ``co2_tonnes``, ``nox_without_scr``, ``nox_with_scr`` of the fleet burning no fuel.
    nox_pte_tons_per_yr_with_scr : numpy.ndarray
        Potential to emit of the fleet with SCR at its worst hour of the station's year (every
        unit at full output all year at the coldest hour's heat input) [short tons/yr].
    nox_pte_iso_tons_per_yr_with_scr : numpy.ndarray
        The same at ISO rating [short tons/yr].
    psd_listed_category : numpy.ndarray
        The fleet is a listed PSD source category (combined cycle above 250 MMBtu/h) [bool].
    hourly : dict
        ``"gas_only"`` and ``"renewables_plus_gas"`` :class:`models.dispatch.DispatchResult`
        and ``"pv_share"`` (hourly PV share of available renewable output), when asked for.
    """

    it_load_mw: np.ndarray
    facility_peak_load_mw: np.ndarray
    units_count: np.ndarray
    gas_iso_capacity_mw: np.ndarray
    energy_mwh_per_yr: np.ndarray
    pv_capacity_mw_dc: np.ndarray
    wind_capacity_mw: np.ndarray
    battery_capacity_mw: np.ndarray
    battery_energy_mwh: np.ndarray
    gas: dict
    ren: dict
    idle: dict
    nox_pte_tons_per_yr_with_scr: np.ndarray
    nox_pte_iso_tons_per_yr_with_scr: np.ndarray
    psd_listed_category: np.ndarray
    hourly: dict = field(default_factory=dict, compare=False, repr=False)


def _dispatch_figures(unit, r: dp.DispatchResult, temp, alt, units_count, scale: float) -> dict[str, np.ndarray]:
    """Annual gas figures of a dispatch, one value per site (row) of ``r``."""
    fuel = gu.fuel_burn_mmbtu_hhv(unit, r.gas_mwh, r.units_on, temp[None, :], alt[:, None])
    sites = fuel.shape[0]
    gas_mwh = r.gas_mwh.sum(axis=1) * scale
    fuel_total = fuel.sum(axis=1) * scale
    peak = np.empty(sites)
    avg = np.empty(sites)
    co2 = np.empty(sites)
    nox_wo = np.empty(sites)
    nox_w = np.empty(sites)
    for i in range(sites):
        peak[i], avg[i] = gu.gas_demand_mmcf_per_day(fuel[i])
        e = em.annual_emissions(unit, int(units_count[i]), float(fuel_total[i]), float(gas_mwh[i]))
        co2[i], nox_wo[i], nox_w[i] = e.co2_tonnes_per_yr, e.nox_tons_per_yr_without_scr, e.nox_tons_per_yr_with_scr
    return {
        "gas_mwh": gas_mwh, "fuel_mmbtu": fuel_total, "peak_mmcf_per_day": peak, "avg_mmcf_per_day": avg,
        "unserved_mwh": r.unserved_mwh.sum(axis=1) * scale, "starts": gu.count_starts(r.units_on, axis=-1) * scale,
        "expected_unserved_mwh": r.expected_unserved_mwh.sum(axis=1) * scale,
        "reserve_short_hours": r.reserve_short.sum(axis=1) * scale,
        "co2_tonnes": co2, "nox_without_scr": nox_wo, "nox_with_scr": nox_w,
    }


def year_block(climate: Climate, resolved: ResolvedScenario, *, altitude_m, it_load_mw, units_count,
               pv_capacity_mw_dc, wind_capacity_mw, battery_capacity_mw, battery_energy_mwh,
               keep_hourly: bool = False) -> YearBlock:
    """Dispatch a year hour by hour for rows of sites sharing one station, and total it.

    Each row has its own elevation (the gas derates), IT load, fleet and renewables
    capacities; the hourly temperature, PUE and per-MW PV and wind profiles are the
    station's. Rows without renewables or battery have exactly the gas-only year and are
    not dispatched twice.

    Parameters
    ----------
    climate : Climate
    resolved : ResolvedScenario
    altitude_m, it_load_mw, units_count : array_like
        Per row: elevation [m], nameplate IT load [MW], gas units installed [-].
    pv_capacity_mw_dc, wind_capacity_mw, battery_capacity_mw, battery_energy_mwh : array_like
        Per row: the renewables-plus-gas capacities [MW_dc], [MW], [MW], [MWh].
    keep_hourly : bool
        Keep the hourly dispatch results (memory: ~10 arrays of rows x hours each).

    Returns
    -------
    YearBlock
    """
    scenario, unit = resolved.scenario, resolved.unit
    costs_rte = resolved.battery_round_trip_efficiency_frac
    temp = climate.temp_air_degc
    hours = temp.size
    alt = np.atleast_1d(np.asarray(altitude_m, dtype=float))
    sites = alt.size

    def per_site(x, dtype=float):
        return np.broadcast_to(np.asarray(x, dtype=dtype), (sites,)).copy()

    it_mw = per_site(it_load_mw)
    count = per_site(units_count, np.int64)
    pv_mw, wind_mw = per_site(pv_capacity_mw_dc), per_site(wind_capacity_mw)
    bat_mw, bat_mwh = per_site(battery_capacity_mw), per_site(battery_energy_mwh)
    peak_mw = np.max(climate.facility_load_mw(it_mw), axis=1)
    load = np.ascontiguousarray(climate.facility_load_mw(it_mw, scenario.it_utilization_frac))
    scale = HOURS_PER_YEAR / hours
    # IT load served x the station's annual facility energy per MW of IT: the same product the cooling
    # summary of the site is scaled by (Climate.cooling_at), so both report one facility energy
    energy = (it_mw * scenario.it_utilization_frac) * climate.per_mw.facility_energy_mwh_per_yr
    iso = count * unit.iso_capacity_mw
    cap = gu.available_capacity_mw(unit, temp[None, :], alt[:, None])
    # the planned outages the fleet was sized with (models.reliability schedules them in the
    # lowest-load days at the nameplate facility load) and the catalog's forced-outage rate
    nameplate = climate.facility_load_mw(it_mw)
    maint = np.stack([rel.maintenance_schedule(nameplate[i], cap[i], int(count[i]),
                                               planned_outage_hours_per_yr=unit.planned_outage_hours_per_yr)
                      for i in range(sites)]) if sites else np.zeros((0, hours), dtype=np.int64)
    outages = {"gas_forced_outage_rate_frac": unit.forced_outage_rate_frac}

    r_gas = dp.dispatch(load, np.zeros_like(load), gas_unit_capacity_mw=cap, gas_units_count=count,
                        gas_min_load_frac=unit.min_load_frac, battery_power_mw=0.0, battery_energy_mwh=0.0,
                        battery_round_trip_efficiency_frac=costs_rte, gas_units_on_maintenance=maint, **outages)
    gas = _dispatch_figures(unit, r_gas, temp, alt, count, scale)
    zeros = np.zeros(sites)
    gas.update(renewable_used_mwh=zeros.copy(), pv_used_mwh=zeros.copy(), wind_used_mwh=zeros.copy(),
               curtailment_frac=zeros.copy())

    ren = {k: v.copy() for k, v in gas.items()}
    built = (pv_mw > 0) | (wind_mw > 0) | (bat_mw > 0) | (bat_mwh > 0)
    r_ren, pv_share_kept = r_gas, None
    if built.any():
        # the station's PV and wind profiles are computed on first use: a gas-only year never needs them
        pv = climate.pv_mw_per_mw_dc
        wd = climate.wind_mw_per_mw
        b = np.flatnonzero(built)
        pv_avail = pv[None, :] * pv_mw[b, None]
        ren_mw = pv_avail + wd[None, :] * wind_mw[b, None]
        r_b = dp.dispatch(load[b], ren_mw, gas_unit_capacity_mw=cap[b], gas_units_count=count[b],
                          gas_min_load_frac=unit.min_load_frac, battery_power_mw=bat_mw[b],
                          battery_energy_mwh=bat_mwh[b], battery_round_trip_efficiency_frac=costs_rte,
                          gas_units_on_maintenance=maint[b], **outages)
        fig = _dispatch_figures(unit, r_b, temp, alt[b], count[b], scale)
        for k, v in fig.items():
            ren[k][b] = v
        tot = r_b.annual_totals()
        has_ren = (pv_mw[b] + wind_mw[b]) > 0
        delivered = r_b.renewable_delivered_mwh
        used = np.where(has_ren, delivered.sum(axis=1) * scale, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            pv_share = np.where(ren_mw > 0, pv_avail / ren_mw, 0.0)
            ren["curtailment_frac"][b] = np.where(tot["renewable_mwh"] > 0,
                                                  tot["curtailed_mwh"] / tot["renewable_mwh"], 0.0)
        pv_used = (delivered * pv_share).sum(axis=1) * scale
        ren["renewable_used_mwh"][b] = used
        ren["pv_used_mwh"][b] = pv_used
        ren["wind_used_mwh"][b] = used - pv_used
        if keep_hourly:
            if sites != len(b):
                raise ConfigError("keep_hourly needs every row of the block to build renewables or none to")
            r_ren, pv_share_kept = r_b, pv_share
    idle = [em.annual_emissions(unit, int(n), 0.0, 0.0) for n in count]  # no fuel: the idle backup's emissions
    ptes = [em.potential_to_emit(unit, int(n), temp, float(a)) for n, a in zip(count, alt)]
    pte = np.array([x.nox_pte_worst_tons_per_yr_with_scr for x in ptes], dtype=float)
    pte_iso = np.array([x.nox_pte_iso_tons_per_yr_with_scr for x in ptes], dtype=float)
    listed = np.array([x.psd_listed_category for x in ptes], dtype=bool)
    zero = {"co2_tonnes": np.array([e.co2_tonnes_per_yr for e in idle], dtype=float),
            "nox_without_scr": np.array([e.nox_tons_per_yr_without_scr for e in idle], dtype=float),
            "nox_with_scr": np.array([e.nox_tons_per_yr_with_scr for e in idle], dtype=float)}
    hourly = {}
    if keep_hourly:
        hourly = {"gas_only": r_gas, "renewables_plus_gas": r_ren, "load_mw": load,
                  "pv_share": pv_share_kept if pv_share_kept is not None else np.zeros((sites, hours))}
    return YearBlock(
        it_load_mw=it_mw, facility_peak_load_mw=peak_mw, units_count=count, gas_iso_capacity_mw=iso,
        energy_mwh_per_yr=energy, pv_capacity_mw_dc=pv_mw, wind_capacity_mw=wind_mw, battery_capacity_mw=bat_mw,
        battery_energy_mwh=bat_mwh, gas=gas, ren=ren, idle=zero, nox_pte_tons_per_yr_with_scr=pte,
        nox_pte_iso_tons_per_yr_with_scr=pte_iso, psd_listed_category=listed, hourly=hourly,
    )


def pv_land_acres(pv_mw_dc, resolved: ResolvedScenario) -> np.ndarray:
    """Land of the PV plant [acres] (:func:`models.solar.pv_land_acres`)."""
    return solar.pv_land_acres(pv_mw_dc, resolved.pv_system)


def wind_land_acres(wind_mw) -> np.ndarray:
    """Land of the wind farm [acres] (:func:`models.wind.wind_land_acres`)."""
    return wind.wind_land_acres(wind_mw)


def gas_only_year(climate: Climate, resolved: ResolvedScenario, *, altitude_m: float, it_load_mw: float) -> dict:
    """The gas-only year of one (station, elevation, IT load): the same fleet and dispatch a design gives it.

    Parameters
    ----------
    climate : Climate
    resolved : ResolvedScenario
    altitude_m : float
        Elevation [m].
    it_load_mw : float
        Nameplate IT load [MW].

    Returns
    -------
    dict
        ``units_count`` [-], ``energy_mwh_per_yr`` [MWh/yr] and the gas-only figures of
        :class:`YearBlock` (``gas_mwh``, ``fuel_mmbtu``, ``co2_tonnes`` ...), one float each.
    """
    from siting.chain.fleet import size_fleet

    fleet = size_fleet(climate, resolved, altitude_m=altitude_m, it_load_mw=it_load_mw)
    block = year_block(climate, resolved, altitude_m=[altitude_m], it_load_mw=[it_load_mw],
                       units_count=[fleet.units_count], pv_capacity_mw_dc=[0.0], wind_capacity_mw=[0.0],
                       battery_capacity_mw=[0.0], battery_energy_mwh=[0.0])
    out = {k: float(v[0]) for k, v in block.gas.items()}
    out.update(units_count=int(fleet.units_count), energy_mwh_per_yr=float(block.energy_mwh_per_yr[0]))
    return out
