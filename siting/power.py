"""Power at one site: gas-only, renewables-plus-gas and grid options side by side.

A thin sequence over the power models:

1. the N+k gas fleet of the scenario's prime mover for the facility's peak load in the
   binding hour of the site's weather (:func:`models.fleet.size_gas_fleet`);
2. ``gas_only``: the fleet dispatched hourly (minimum load, part-load heat rate), fuel,
   gas demand, CO2/NOx, permit path;
3. ``renewables_plus_gas``: PV (single-axis) and wind profiles from the same weather, the
   least-cost PV/wind/battery capacities with the fleet as firm capacity and the
   scenario's gas-share cap (:func:`models.sizing.optimize_capacity`, solved on every
   ``sizing_day_stride``-th day and scaled), then re-dispatched over the full year with
   minimum load;
4. ``grid_with_backup``: grid energy at the scenario's grid price, the fleet kept as
   backup (capital only; its potential to emit still sets the permit path);
5. ``bridge_to_grid``: the fleet runs until the grid arrives (queue wait), then backs it up;
6. time to first power and the idle-capital cost of waiting per option.

Money: annualised with the scenario's discount rate and economic life; equipment costs
are NREL ATB 2024 (USD 2022), fuel and grid prices as the scenario gives them.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from models import dispatch as dp
from models import emissions as em
from models import gas_units as gu
from models import sizing as sz
from models import solar, wind
from models import time_to_power as ttp
from models.catalog import get_prime_mover, validate_prime_mover_name
from models.fleet import FleetDesign, size_gas_fleet
from models.units import HOURS_PER_YEAR
from siting.errors import ConfigError, DataError
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Options compared, in report order.
OPTIONS = ("gas_only", "renewables_plus_gas", "grid_with_backup", "bridge_to_grid")


@dataclass(frozen=True)
class PowerOption:
    """One way to power the site, with its cost, fuel, emissions, permits and timing.

    Attributes
    ----------
    design : str
        One of :data:`OPTIONS`.
    gas_units_count : int
        Gas units installed [-].
    gas_iso_capacity_mw, pv_capacity_mw_dc, wind_capacity_mw, battery_capacity_mw : float
        [MW]
    battery_energy_mwh : float
        [MWh]
    lcoe_usd_per_mwh : float
        Levelised cost of delivered energy [USD/MWh] (ATB capital USD 2022; fuel and grid prices as given).
    renewable_fraction_frac, gas_share_frac, grid_share_frac, curtailment_frac : float
        Shares of delivered energy (curtailment: of available renewable energy) [-].
    gas_mwh_per_yr, grid_mwh_per_yr, unserved_mwh_per_yr : float
        [MWh/yr]
    fuel_mmbtu_hhv_per_yr : float
        [MMBtu HHV/yr]
    gas_peak_mmcf_per_day, gas_avg_mmcf_per_day : float
        Gas demand [MMcf/d].
    gas_starts_per_yr : float
        Unit starts [-/yr].
    co2_tonnes_per_yr : float
        [t/yr]
    nox_tons_per_yr_without_scr, nox_tons_per_yr_with_scr, nox_pte_tons_per_yr_with_scr : float
        [short tons/yr]
    air_permit_path, air_permit_reason : str
    renewables_land_acres : float
        PV and wind land [acres].
    months_to_first_power, first_power_year : float
        [months], [yr]
    waiting_cost_usd : float
        Idle datacenter capital while waiting beyond the fastest option [USD, nominal 2025].
    annual_cost_usd_per_yr : float
        Levelised cost times the facility energy [USD/yr] (same dollar basis as the LCOE).
    """

    design: str
    gas_units_count: int
    gas_iso_capacity_mw: float
    pv_capacity_mw_dc: float
    wind_capacity_mw: float
    battery_capacity_mw: float
    battery_energy_mwh: float
    lcoe_usd_per_mwh: float
    renewable_fraction_frac: float
    gas_share_frac: float
    grid_share_frac: float
    curtailment_frac: float
    gas_mwh_per_yr: float
    grid_mwh_per_yr: float
    unserved_mwh_per_yr: float
    fuel_mmbtu_hhv_per_yr: float
    gas_peak_mmcf_per_day: float
    gas_avg_mmcf_per_day: float
    gas_starts_per_yr: float
    co2_tonnes_per_yr: float
    nox_tons_per_yr_without_scr: float
    nox_tons_per_yr_with_scr: float
    nox_pte_tons_per_yr_with_scr: float
    air_permit_path: str
    air_permit_reason: str
    renewables_land_acres: float
    months_to_first_power: float
    first_power_year: float
    waiting_cost_usd: float
    annual_cost_usd_per_yr: float = math.nan


@dataclass(frozen=True)
class PowerDesign:
    """The power picture of one site.

    Attributes
    ----------
    unit_name : str
        Prime mover.
    fleet : FleetDesign
        The N+k gas fleet.
    facility_peak_load_mw, facility_energy_mwh_per_yr : float
        [MW], [MWh/yr]
    options : tuple of PowerOption
        In :data:`OPTIONS` order.
    chosen : str
        The scenario's ``power_design``.
    latitude, longitude, altitude_m : float
        Site [deg], [m].
    nonattainment_class : str or None
    hourly : dict of str to pandas.DataFrame
        Hourly dispatch of the gas-only and renewables-plus-gas options on the weather's
        index: ``load_mw``, ``renewable_used_mw``, ``battery_discharge_mw``,
        ``battery_charge_mw``, ``gas_mw``, ``unserved_mw`` [MW, hourly means].
    """

    unit_name: str
    fleet: FleetDesign
    facility_peak_load_mw: float
    facility_energy_mwh_per_yr: float
    options: tuple[PowerOption, ...]
    chosen: str
    latitude: float
    longitude: float
    altitude_m: float
    nonattainment_class: str | None
    hourly: dict = field(default_factory=dict, compare=False, repr=False)

    def option(self, design: str) -> PowerOption:
        """The option for a design name."""
        for o in self.options:
            if o.design == design:
                return o
        raise KeyError(design)

    def table(self) -> pd.DataFrame:
        """Options side by side, one row per design."""
        return pd.DataFrame([asdict(o) for o in self.options]).set_index("design")

    def to_columns(self) -> dict[str, object]:
        """Site-table columns (names in siting/site_columns.csv) for the chosen design and the fleet.

        LCOE per option is in :meth:`table`; it is not a site column yet because the schema's
        unit-suffix test reads ``_usd_per_mwh`` as an energy in MWh.
        """
        f, c = self.fleet, self.option(self.chosen)
        return {
            "facility_peak_load_mw": self.facility_peak_load_mw,
            "gas_unit_name": self.unit_name,
            "gas_units_count": f.units_count,
            "gas_units_running_needed": f.units_running_needed,
            "gas_fleet_iso_capacity_mw": f.iso_capacity_mw,
            "hot_hour_fleet_capacity_mw": f.hot_hour_capacity_mw,
            "gas_fleet_firm_capacity_mw": f.firm_capacity_mw,
            "hot_hour_temp_air_degc": f.hot_hour_temp_air_degc,
            "hot_hour_derate_frac": f.hot_hour_derate_frac,
            "gas_fleet_availability_frac": f.availability_frac,
            "gas_fleet_nines": f.nines,
            "gas_fleet_unserved_mwh_per_yr": f.expected_unserved_mwh_per_yr,
            "power_design": self.chosen,
            "pv_capacity_mw_dc": c.pv_capacity_mw_dc,
            "wind_capacity_mw": c.wind_capacity_mw,
            "battery_capacity_mw": c.battery_capacity_mw,
            "battery_energy_mwh": c.battery_energy_mwh,
            "renewable_fraction_frac": c.renewable_fraction_frac,
            "curtailment_frac": c.curtailment_frac,
            "gas_fuel_mmbtu_hhv_per_yr": c.fuel_mmbtu_hhv_per_yr,
            "gas_peak_mmcf_per_day": c.gas_peak_mmcf_per_day,
            "gas_avg_mmcf_per_day": c.gas_avg_mmcf_per_day,
            "co2_tonnes_per_yr": c.co2_tonnes_per_yr,
            "nox_tons_per_yr_with_scr": c.nox_tons_per_yr_with_scr,
            "nox_pte_tons_per_yr_with_scr": c.nox_pte_tons_per_yr_with_scr,
            "air_permit_path": c.air_permit_path,
            "renewables_land_acres": c.renewables_land_acres,
            "months_to_first_power": c.months_to_first_power,
            "first_power_year": c.first_power_year,
            "waiting_cost_usd": c.waiting_cost_usd,
        }


def _site(weather: pd.DataFrame, latitude, longitude) -> tuple[float, float]:
    station = weather.attrs.get("station", {}) if hasattr(weather, "attrs") else {}
    lat = latitude if latitude is not None else station.get("latitude_deg")
    lon = longitude if longitude is not None else station.get("longitude_deg")
    if lat is None or lon is None:
        raise DataError("design_power needs the site latitude/longitude: pass latitude= and longitude=, or weather "
                        "from gis_data.weather.load_weather (its attrs['station'] carries them)")
    return float(lat), float(lon)


def cost_inputs_for(scenario: Scenario, unit) -> sz.CostInputs:
    """Annualised cost coefficients of the scenario's prices for a prime mover (ATB capital USD 2022).

    Parameters
    ----------
    scenario : Scenario
        Fuel price [USD/MMBtu HHV], discount rate [-], economic life [yr].
    unit : PrimeMover
        The gas unit (its ``cost_key`` picks the ATB gas plant).

    Returns
    -------
    models.sizing.CostInputs
    """
    return sz.cost_inputs(gas_cost_key=unit.cost_key, fuel_price_usd_per_mmbtu=scenario.fuel_price_usd_per_mmbtu,
                          discount_rate_frac=scenario.discount_rate_frac, lifetime_yr=scenario.lifetime_yr)


def _annual_cost(costs: sz.CostInputs, *, gas_iso_mw, gas_mwh, fuel_mmbtu, pv_mw_dc=0.0, wind_mw=0.0,
                 battery_mw=0.0, battery_mwh=0.0):
    return (costs.gas_usd_per_mw_yr * gas_iso_mw + costs.pv_usd_per_mw_dc_yr * pv_mw_dc
            + costs.wind_usd_per_mw_yr * wind_mw + costs.battery_usd_per_mw_yr * battery_mw
            + costs.battery_usd_per_mwh_yr * battery_mwh + fuel_mmbtu * costs.fuel_price_usd_per_mmbtu
            + gas_mwh * costs.gas_variable_om_usd_per_mwh)


def renewables_sizing(
    temp_air_degc,
    pv_mw_per_mw_dc,
    wind_mw_per_mw,
    scenario: Scenario,
    *,
    altitude_m: float,
    units_count: int,
    it_load_mw: float | None = None,
    sizing_day_stride: int = 4,
    solver: str = "choose",
) -> sz.SizingResult:
    """Least-cost PV, wind and battery next to a fixed N+k gas fleet (the capacity LP).

    The fleet is firm capacity (its ISO rating fixed in the LP, the k spares as reserve);
    renewables and the battery displace fuel, within the scenario's gas-share cap.

    Parameters
    ----------
    temp_air_degc : array_like
        Hourly air temperature [°C] (a typical year).
    pv_mw_per_mw_dc, wind_mw_per_mw : array_like
        Hourly PV output per MW_dc and wind output per MW on the same hours [MW/MW].
    scenario : Scenario
        PUE, utilisation, prime mover, gas-share cap, prices.
    altitude_m : float
        Elevation the gas derates are taken at [m].
    units_count : int
        Gas units installed (N+k) [-].
    it_load_mw : float, optional
        IT load [MW]; default the scenario's.
    sizing_day_stride : int
        Solve on every n-th day (scaled to a year) [-]; 1 = all days.
    solver : str
        HiGHS solver (:data:`models.sizing.SOLVERS`).

    Returns
    -------
    models.sizing.SizingResult
    """
    unit = get_prime_mover(validate_prime_mover_name(scenario.prime_mover))
    temp = np.asarray(temp_air_degc, dtype=float)
    hours = temp.size
    it_mw = scenario.it_load_mw if it_load_mw is None else float(it_load_mw)
    peak_mw = it_mw * scenario.pue
    load = np.full(hours, peak_mw * scenario.it_utilization_frac)
    iso_mw = int(units_count) * unit.iso_capacity_mw
    costs = cost_inputs_for(scenario, unit)
    m = gu.capacity_multiplier(unit, temp, altitude_m)
    hr = gu.full_load_heat_rate_hhv_btu_per_kwh(unit, temp, altitude_m)
    days = np.arange(hours) // 24
    pick = (days % max(int(sizing_day_stride), 1)) == 0
    reserve = iso_mw * float(np.min(m)) / peak_mw - 1.0
    pv = np.asarray(pv_mw_per_mw_dc, dtype=float)
    wd = np.broadcast_to(np.asarray(wind_mw_per_mw, dtype=float), (hours,))
    return sz.optimize_capacity(load[pick], pv[pick], wd[pick], m[pick], hr[pick], costs,
                                max_gas_share_frac=scenario.max_gas_share_frac,
                                fixed={"gas_iso_mw": iso_mw}, gas_reserve_frac=max(reserve, 0.0), solver=solver)


@dataclass(frozen=True)
class YearBlock:
    """Hourly gas-only and renewables-plus-gas years of many sites sharing one weather year.

    Every array has one value per site (row), except the optional hourly results.

    Attributes
    ----------
    it_load_mw, facility_peak_load_mw, gas_iso_capacity_mw : numpy.ndarray
        [MW]
    units_count : numpy.ndarray
        Gas units installed [-].
    energy_mwh_per_yr : numpy.ndarray
        Facility energy [MWh/yr].
    pv_capacity_mw_dc, wind_capacity_mw, battery_capacity_mw, battery_energy_mwh : numpy.ndarray
        Renewables-plus-gas capacities [MW_dc], [MW], [MW], [MWh].
    gas, ren : dict of str to numpy.ndarray
        Annual figures of the gas-only and renewables-plus-gas dispatches: ``gas_mwh``,
        ``fuel_mmbtu`` [MWh/yr], [MMBtu HHV/yr], ``peak_mmcf_per_day``, ``avg_mmcf_per_day``
        [MMcf/d], ``unserved_mwh`` [MWh/yr], ``starts`` [-/yr], ``co2_tonnes``,
        ``nox_without_scr``, ``nox_with_scr`` [t/yr, short t/yr], ``annual_cost_usd`` [USD/yr],
        ``renewable_used_mwh``, ``pv_used_mwh``, ``curtailment_frac``, ``land_acres``.
    idle : dict of str to numpy.ndarray
        ``co2_tonnes``, ``nox_without_scr``, ``nox_with_scr`` of the fleet burning no fuel
        (the grid-with-backup option) [t/yr, short t/yr].
    nox_pte_tons_per_yr_with_scr : numpy.ndarray
        Potential to emit of the fleet [short tons/yr].
    hourly : dict
        ``"gas_only"`` and ``"renewables_plus_gas"`` :class:`models.dispatch.DispatchResult`
        (only when asked for).
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
        "co2_tonnes": co2, "nox_without_scr": nox_wo, "nox_with_scr": nox_w,
    }


def year_block(
    temp_air_degc,
    scenario: Scenario,
    *,
    altitude_m,
    it_load_mw,
    units_count,
    pv_mw_per_mw_dc,
    wind_mw_per_mw,
    pv_capacity_mw_dc,
    wind_capacity_mw,
    battery_capacity_mw,
    battery_energy_mwh,
    keep_hourly: bool = False,
) -> YearBlock:
    """Dispatch a year hour by hour for many sites sharing one weather year, and total it.

    Each site (row) has its own elevation (the gas derates), IT load, fleet and
    renewables-plus-gas capacities; the hourly temperature and the per-MW PV and wind
    profiles are shared. Gas-only: the fleet carries the flat facility load with minimum
    load and part-load heat rate (:func:`models.dispatch.dispatch`, all rows at once).
    Renewables-plus-gas: the same fleet with the row's PV, wind and battery; rows without
    any renewables or battery have exactly the gas-only year and are not dispatched twice.

    Parameters
    ----------
    temp_air_degc : array_like
        Hourly air temperature, shape (hours,) [°C].
    scenario : Scenario
        PUE, utilisation, prime mover, prices, discount rate, life.
    altitude_m, it_load_mw, units_count : array_like
        Per site: elevation [m], IT load [MW], gas units installed [-].
    pv_mw_per_mw_dc, wind_mw_per_mw : array_like
        Hourly per-MW renewable output, shape (hours,) [MW/MW].
    pv_capacity_mw_dc, wind_capacity_mw, battery_capacity_mw, battery_energy_mwh : array_like
        Per site: the renewables-plus-gas capacities [MW_dc], [MW], [MW], [MWh].
    keep_hourly : bool
        Keep the hourly dispatch results (memory: 9 arrays of sites x hours each).

    Returns
    -------
    YearBlock
    """
    unit = get_prime_mover(validate_prime_mover_name(scenario.prime_mover))
    costs = cost_inputs_for(scenario, unit)
    temp = np.asarray(temp_air_degc, dtype=float).reshape(-1)
    hours = temp.size
    alt = np.atleast_1d(np.asarray(altitude_m, dtype=float))
    sites = alt.size

    def per_site(x, dtype=float):
        return np.broadcast_to(np.asarray(x, dtype=dtype), (sites,)).copy()

    it_mw = per_site(it_load_mw)
    count = per_site(units_count, np.int64)
    pv_mw, wind_mw = per_site(pv_capacity_mw_dc), per_site(wind_capacity_mw)
    bat_mw, bat_mwh = per_site(battery_capacity_mw), per_site(battery_energy_mwh)
    peak_mw = it_mw * scenario.pue
    load = np.ascontiguousarray(np.broadcast_to((peak_mw * scenario.it_utilization_frac)[:, None], (sites, hours)))
    scale = HOURS_PER_YEAR / hours
    energy = load.sum(axis=1) * HOURS_PER_YEAR / hours
    iso = count * unit.iso_capacity_mw
    cap = gu.available_capacity_mw(unit, temp[None, :], alt[:, None])
    rte = sz.get_cost("battery_4h").round_trip_efficiency_frac

    r_gas = dp.dispatch(load, np.zeros_like(load), gas_unit_capacity_mw=cap, gas_units_count=count,
                        gas_min_load_frac=unit.min_load_frac, battery_power_mw=0.0, battery_energy_mwh=0.0,
                        battery_round_trip_efficiency_frac=rte)
    gas = _dispatch_figures(unit, r_gas, temp, alt, count, scale)
    gas["annual_cost_usd"] = _annual_cost(costs, gas_iso_mw=iso, gas_mwh=gas["gas_mwh"], fuel_mmbtu=gas["fuel_mmbtu"])

    ren = {k: v.copy() for k, v in gas.items()}
    ren.update(renewable_used_mwh=np.zeros(sites), pv_used_mwh=np.zeros(sites), curtailment_frac=np.zeros(sites))
    built = (pv_mw > 0) | (wind_mw > 0) | (bat_mw > 0) | (bat_mwh > 0)
    pv = np.asarray(pv_mw_per_mw_dc, dtype=float).reshape(-1)
    wd = np.broadcast_to(np.asarray(wind_mw_per_mw, dtype=float).reshape(-1), (hours,))
    r_ren = r_gas
    if built.any():
        b = np.flatnonzero(built)
        pv_avail = pv[None, :] * pv_mw[b, None]
        ren_mw = pv_avail + wd[None, :] * wind_mw[b, None]
        r_b = dp.dispatch(load[b], ren_mw, gas_unit_capacity_mw=cap[b], gas_units_count=count[b],
                          gas_min_load_frac=unit.min_load_frac, battery_power_mw=bat_mw[b],
                          battery_energy_mwh=bat_mwh[b], battery_round_trip_efficiency_frac=rte)
        fig = _dispatch_figures(unit, r_b, temp, alt[b], count[b], scale)
        for k, v in fig.items():
            ren[k][b] = v
        tot = r_b.annual_totals()
        has_ren = (pv_mw[b] + wind_mw[b]) > 0
        ren["renewable_used_mwh"][b] = np.where(has_ren, r_b.renewable_used_mwh.sum(axis=1) * scale, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            pv_share = np.where(ren_mw > 0, pv_avail / ren_mw, 0.0)
            ren["curtailment_frac"][b] = np.where(tot["renewable_mwh"] > 0,
                                                  tot["curtailed_mwh"] / tot["renewable_mwh"], 0.0)
        ren["pv_used_mwh"][b] = (r_b.renewable_used_mwh * pv_share).sum(axis=1) * scale
        if keep_hourly:
            r_ren = r_b if sites == len(b) else None
    ren["annual_cost_usd"] = _annual_cost(costs, gas_iso_mw=iso, gas_mwh=ren["gas_mwh"], fuel_mmbtu=ren["fuel_mmbtu"],
                                          pv_mw_dc=pv_mw, wind_mw=wind_mw, battery_mw=bat_mw, battery_mwh=bat_mwh)
    ren["land_acres"] = (solar.pv_land_acres(pv_mw, solar.PVSystem(mount="single_axis"))
                         + wind.wind_land_acres(wind_mw))
    idle = [em.annual_emissions(unit, int(n), 0.0, 0.0) for n in count]  # no fuel: the potential to emit
    pte = np.array([e.nox_pte_tons_per_yr_with_scr for e in idle], dtype=float)
    zero = {"co2_tonnes": np.array([e.co2_tonnes_per_yr for e in idle], dtype=float),
            "nox_without_scr": np.array([e.nox_tons_per_yr_without_scr for e in idle], dtype=float),
            "nox_with_scr": np.array([e.nox_tons_per_yr_with_scr for e in idle], dtype=float)}
    hourly = {}
    if keep_hourly:
        if r_ren is None:
            raise ConfigError("keep_hourly needs every site of the block to have the same kind of design")
        hourly = {"gas_only": r_gas, "renewables_plus_gas": r_ren}
    return YearBlock(
        it_load_mw=it_mw, facility_peak_load_mw=peak_mw, units_count=count, gas_iso_capacity_mw=iso,
        energy_mwh_per_yr=energy, pv_capacity_mw_dc=pv_mw, wind_capacity_mw=wind_mw, battery_capacity_mw=bat_mw,
        battery_energy_mwh=bat_mwh, gas=gas, ren=ren, idle=zero, nox_pte_tons_per_yr_with_scr=pte, hourly=hourly,
    )


def _timing(scenario: Scenario, unit, permit: str, grid_wait_yr: float | None, it_load_mw: float) -> dict:
    timing = {
        d: ttp.first_power(d, unit, start_year=float(scenario.analysis_year), permit_path=permit,
                           grid_wait_yr=grid_wait_yr)
        for d in OPTIONS
    }
    return dict(zip(OPTIONS, ttp.compare(list(timing.values()), it_load_mw=it_load_mw,
                                         cost_of_capital_frac=scenario.discount_rate_frac)))


def site_options(block: YearBlock, scenario: Scenario, *, nonattainment_class, grid_wait_yr=None,
                 rows=None) -> dict[str, dict[str, np.ndarray]]:
    """The four options of each site: costs, fuel, emissions, permit path, time to power.

    Parameters
    ----------
    block : YearBlock
        The sites' dispatched years (:func:`year_block`).
    scenario : Scenario
        Grid price [USD/MWh], discount rate, life, analysis year.
    nonattainment_class : sequence of str or None
        Ozone classification per site (None = attainment).
    grid_wait_yr : array_like, optional
        Interconnection wait per site [yr]; NaN or None = the LBNL national median.
    rows : array_like of int, optional
        Block row of each site (sites sharing a dispatched year); default one site per row.

    Returns
    -------
    dict
        ``{option: {PowerOption field: numpy.ndarray per site}}`` in :data:`OPTIONS` order
        (the :class:`PowerOption` fields, plus ``annual_cost_usd_per_yr``).
    """
    unit = get_prime_mover(validate_prime_mover_name(scenario.prime_mover))
    costs = cost_inputs_for(scenario, unit)
    rows = np.arange(block.units_count.size) if rows is None else np.asarray(rows, dtype=np.int64)
    n = rows.size
    classes = list(nonattainment_class)
    if len(classes) != n:
        raise ConfigError(f"nonattainment_class has {len(classes)} values for {n} sites; give one per site")
    wait = np.full(n, np.nan) if grid_wait_yr is None else np.broadcast_to(np.asarray(grid_wait_yr, dtype=float), (n,))
    take = {k: getattr(block, k)[rows] for k in ("it_load_mw", "units_count", "gas_iso_capacity_mw",
                                                 "energy_mwh_per_yr", "nox_pte_tons_per_yr_with_scr")}
    gas = {k: v[rows] for k, v in block.gas.items()}
    ren = {k: v[rows] for k, v in block.ren.items()}
    idle = {k: v[rows] for k, v in block.idle.items()}
    energy = take["energy_mwh_per_yr"]
    # permit path and timing: a few distinct inputs, memoised
    permits: dict = {}
    timings: dict = {}
    path = np.empty(n, dtype=object)
    reason = np.empty(n, dtype=object)
    t_fields = ("months_to_first_power", "first_power_year", "waiting_cost_usd", "months_to_grid")
    t = {d: {f: np.empty(n) for f in t_fields} for d in OPTIONS}
    for i in range(n):
        key = (float(take["nox_pte_tons_per_yr_with_scr"][i]), classes[i])
        if key not in permits:
            permits[key] = em.permit_path(key[0], classes[i])
        p = permits[key]
        path[i], reason[i] = p.path, p.reason
        w = None if not np.isfinite(wait[i]) else float(wait[i])
        tkey = (p.path, w, float(take["it_load_mw"][i]))
        if tkey not in timings:
            timings[tkey] = _timing(scenario, unit, p.path, w, tkey[2])
        for d, tp in timings[tkey].items():
            for f in t_fields:
                t[d][f][i] = getattr(tp, f)
    backup_cost = costs.gas_usd_per_mw_yr * take["gas_iso_capacity_mw"]
    grid_lcoe = scenario.grid_price_usd_per_mwh + backup_cost / energy
    bridge_frac = np.minimum(t["bridge_to_grid"]["months_to_grid"] / 12.0 / scenario.lifetime_yr, 1.0)
    bridge_lcoe = (backup_cost + bridge_frac * (gas["annual_cost_usd"] - backup_cost)) / energy \
        + (1.0 - bridge_frac) * scenario.grid_price_usd_per_mwh
    zeros = np.zeros(n)
    has_ren = (block.pv_capacity_mw_dc[rows] + block.wind_capacity_mw[rows]) > 0

    def option(d, fig, *, lcoe, grid_mwh=zeros, caps=None, renewable=zeros, curt=zeros, land=zeros, dispatched=True):
        caps = caps or (zeros, zeros, zeros, zeros)
        return {
            "gas_units_count": take["units_count"], "gas_iso_capacity_mw": take["gas_iso_capacity_mw"],
            "pv_capacity_mw_dc": caps[0], "wind_capacity_mw": caps[1], "battery_capacity_mw": caps[2],
            "battery_energy_mwh": caps[3], "lcoe_usd_per_mwh": lcoe, "renewable_fraction_frac": renewable,
            "gas_share_frac": (fig["gas_mwh"] if dispatched else zeros) / energy,
            "grid_share_frac": grid_mwh / energy, "curtailment_frac": curt,
            "gas_mwh_per_yr": fig["gas_mwh"] if dispatched else zeros, "grid_mwh_per_yr": grid_mwh,
            "unserved_mwh_per_yr": fig["unserved_mwh"] if dispatched else zeros,
            "fuel_mmbtu_hhv_per_yr": fig["fuel_mmbtu"] if dispatched else zeros,
            "gas_peak_mmcf_per_day": fig["peak_mmcf_per_day"] if dispatched else zeros,
            "gas_avg_mmcf_per_day": fig["avg_mmcf_per_day"] if dispatched else zeros,
            "gas_starts_per_yr": fig["starts"] if dispatched else zeros,
            "co2_tonnes_per_yr": fig["co2_tonnes"] if dispatched else idle["co2_tonnes"],
            "nox_tons_per_yr_without_scr": fig["nox_without_scr"] if dispatched else idle["nox_without_scr"],
            "nox_tons_per_yr_with_scr": fig["nox_with_scr"] if dispatched else idle["nox_with_scr"],
            "nox_pte_tons_per_yr_with_scr": take["nox_pte_tons_per_yr_with_scr"],
            "air_permit_path": path, "air_permit_reason": reason, "renewables_land_acres": land,
            "months_to_first_power": t[d]["months_to_first_power"], "first_power_year": t[d]["first_power_year"],
            "waiting_cost_usd": t[d]["waiting_cost_usd"], "annual_cost_usd_per_yr": lcoe * energy,
        }

    return {
        "gas_only": option("gas_only", gas, lcoe=gas["annual_cost_usd"] / energy),
        "renewables_plus_gas": option(
            "renewables_plus_gas", ren, lcoe=ren["annual_cost_usd"] / energy,
            caps=tuple(getattr(block, k)[rows] for k in ("pv_capacity_mw_dc", "wind_capacity_mw",
                                                         "battery_capacity_mw", "battery_energy_mwh")),
            renewable=np.where(has_ren, ren["renewable_used_mwh"] / energy, 0.0), curt=ren["curtailment_frac"],
            land=ren["land_acres"]),
        "grid_with_backup": option("grid_with_backup", gas, lcoe=grid_lcoe, grid_mwh=energy, dispatched=False),
        "bridge_to_grid": option("bridge_to_grid", gas, lcoe=bridge_lcoe),
    }


def design_power(
    weather: pd.DataFrame,
    scenario: Scenario,
    *,
    altitude_m: float,
    nonattainment_class: str | None,
    grid_wait_yr: float | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    sizing_day_stride: int = 4,
    include_wind: bool = True,
) -> PowerDesign:
    """Compare gas-only, renewables-plus-gas and grid options for one site.

    The same pieces as the batch :func:`siting.designs.design_sites` (:func:`year_block`,
    :func:`site_options`) run on one site, with its own PV profile (site latitude,
    longitude and elevation) and its own capacity LP (:func:`renewables_sizing`).

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather of the site (:func:`gis_data.weather.load_weather`): ``temp_air_degc`` [°C],
        ``ghi/dni/dhi_w_per_m2`` [W/m²], ``wind_speed_m_per_s`` [m/s], ``pressure_pa`` [Pa].
    scenario : Scenario
        IT load, PUE, prime mover, redundancy, gas-share cap, prices, discount rate, life.
    altitude_m : float
        Site elevation [m].
    nonattainment_class : str or None
        Ozone classification of the county (None = attainment).
    grid_wait_yr : float, optional
        Local interconnection wait [yr]; default the LBNL national median.
    latitude, longitude : float, optional
        Site [deg]; default the weather station's.
    sizing_day_stride : int
        The capacity LP uses every n-th day (scaled to a year) to stay fast; 1 = all 365 days.
    include_wind : bool
        Offer wind to the LP.

    Returns
    -------
    PowerDesign
    """
    solar.check_weather(weather)
    unit = get_prime_mover(validate_prime_mover_name(scenario.prime_mover))
    lat, lon = _site(weather, latitude, longitude)
    temp = weather["temp_air_degc"].to_numpy(dtype=float)
    hours = temp.size
    peak_mw = scenario.it_load_mw * scenario.pue
    fleet = size_gas_fleet(peak_mw, temp, unit=unit, altitude_m=altitude_m,
                           redundancy_units=scenario.redundancy_units)
    log.info("power: PV%s profiles and the capacity LP", " and wind" if include_wind else "")
    pv = solar.pv_ac_mw_per_mw_dc(weather, lat, lon, altitude_m, solar.PVSystem(mount="single_axis"))
    wd = wind.wind_mw_per_mw(weather) if include_wind else np.zeros(hours)
    opt = renewables_sizing(temp, pv, wd, scenario, altitude_m=altitude_m, units_count=fleet.units_count,
                            sizing_day_stride=sizing_day_stride)
    log.info("power: hourly dispatch, %d x %s", fleet.units_count, unit.name)
    block = year_block(temp, scenario, altitude_m=[altitude_m], it_load_mw=[scenario.it_load_mw],
                       units_count=[fleet.units_count], pv_mw_per_mw_dc=pv, wind_mw_per_mw=wd,
                       pv_capacity_mw_dc=[opt.pv_mw_dc], wind_capacity_mw=[opt.wind_mw],
                       battery_capacity_mw=[opt.battery_mw], battery_energy_mwh=[opt.battery_mwh], keep_hourly=True)
    table = site_options(block, scenario, nonattainment_class=[nonattainment_class],
                         grid_wait_yr=[np.nan if grid_wait_yr is None else grid_wait_yr])
    options = tuple(_option_at(d, table[d], 0) for d in OPTIONS)
    return PowerDesign(
        unit_name=unit.name, fleet=fleet, facility_peak_load_mw=peak_mw,
        facility_energy_mwh_per_yr=float(block.energy_mwh_per_yr[0]),
        options=options, chosen=scenario.power_design, latitude=lat, longitude=lon, altitude_m=float(altitude_m),
        nonattainment_class=nonattainment_class,
        hourly={"gas_only": _hourly_frame(block.hourly["gas_only"], weather.index),
                "renewables_plus_gas": _hourly_frame(block.hourly["renewables_plus_gas"], weather.index)},
    )


def _option_at(design: str, fields: dict[str, np.ndarray], i: int) -> PowerOption:
    values = {}
    for name, v in fields.items():
        x = v[i]
        values[name] = str(x) if isinstance(x, str) else int(x) if name == "gas_units_count" else float(x)
    return PowerOption(design=design, **values)


def _hourly_frame(r, index) -> pd.DataFrame:
    """One site's dispatch flows as an hourly frame [MW] (an hour's MWh is its mean MW)."""
    return pd.DataFrame({
        "load_mw": r.load_mwh[0], "renewable_used_mw": r.renewable_used_mwh[0],
        "battery_discharge_mw": r.discharge_mwh[0], "battery_charge_mw": r.charge_mwh[0],
        "gas_mw": r.gas_mwh[0], "unserved_mw": r.unserved_mwh[0],
    }, index=index)


def fleet_columns(temp_air_degc, scenario: Scenario, *, altitude_m=0.0, index=None) -> pd.DataFrame:
    """Gas-fleet site columns for many sites at once (batch scoring).

    Parameters
    ----------
    temp_air_degc : array_like
        Hourly temperature per site [°C], shape (sites, hours).
    scenario : Scenario
        IT load, PUE, prime mover and redundancy (the same for every site).
    altitude_m : float or array_like
        Elevation per site [m].
    index : pandas.Index, optional
        Index of the returned frame (the site table's).

    Returns
    -------
    pandas.DataFrame
        Columns named as in siting/site_columns.csv.
    """
    from models.fleet import size_gas_fleets

    unit = get_prime_mover(validate_prime_mover_name(scenario.prime_mover))
    temp = np.atleast_2d(np.asarray(temp_air_degc, dtype=float))
    peak = scenario.it_load_mw * scenario.pue
    f = size_gas_fleets(np.full(temp.shape[0], peak), temp, unit=unit, altitude_m=altitude_m,
                        redundancy_units=scenario.redundancy_units)
    return pd.DataFrame(
        {
            "facility_peak_load_mw": f["peak_load_mw"],
            "gas_unit_name": unit.name,
            "gas_units_count": f["units_count"],
            "gas_units_running_needed": f["units_running_needed"],
            "gas_fleet_iso_capacity_mw": f["iso_capacity_mw"],
            "hot_hour_fleet_capacity_mw": f["hot_hour_capacity_mw"],
            "gas_fleet_firm_capacity_mw": f["firm_capacity_mw"],
            "hot_hour_temp_air_degc": f["hot_hour_temp_air_degc"],
            "hot_hour_derate_frac": f["hot_hour_derate_frac"],
            "gas_fleet_availability_frac": f["availability_frac"],
            "gas_fleet_nines": f["nines"],
            "gas_fleet_unserved_mwh_per_yr": f["expected_unserved_mwh_per_yr"],
        },
        index=index,
    )


__all__ = ["OPTIONS", "PowerOption", "PowerDesign", "YearBlock", "cost_inputs_for", "design_power", "fleet_columns",
           "renewables_sizing", "site_options", "year_block"]
