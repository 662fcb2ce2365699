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
from siting.errors import DataError
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


def _gas_year(unit, load, temp, altitude_m, fleet: FleetDesign, renewable=None, battery=(0.0, 0.0), rte=0.85):
    cap = gu.available_capacity_mw(unit, temp, altitude_m)
    ren = np.zeros_like(load) if renewable is None else renewable
    r = dp.dispatch(load[None, :], ren[None, :], gas_unit_capacity_mw=cap[None, :], gas_units_count=fleet.units_count,
                    gas_min_load_frac=unit.min_load_frac, battery_power_mw=battery[0], battery_energy_mwh=battery[1],
                    battery_round_trip_efficiency_frac=rte)
    fuel = gu.fuel_burn_mmbtu_hhv(unit, r.gas_mwh[0], r.units_on[0], temp, altitude_m)
    return r, fuel


def _annual_cost(costs: sz.CostInputs, *, gas_iso_mw, gas_mwh, fuel_mmbtu, pv_mw_dc=0.0, wind_mw=0.0,
                 battery_mw=0.0, battery_mwh=0.0) -> float:
    return (costs.gas_usd_per_mw_yr * gas_iso_mw + costs.pv_usd_per_mw_dc_yr * pv_mw_dc
            + costs.wind_usd_per_mw_yr * wind_mw + costs.battery_usd_per_mw_yr * battery_mw
            + costs.battery_usd_per_mwh_yr * battery_mwh + fuel_mmbtu * costs.fuel_price_usd_per_mmbtu
            + gas_mwh * costs.gas_variable_om_usd_per_mwh)


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
    load = np.full(hours, peak_mw * scenario.it_utilization_frac)
    energy = float(load.sum()) * HOURS_PER_YEAR / hours
    fleet = size_gas_fleet(peak_mw, temp, unit=unit, altitude_m=altitude_m,
                           redundancy_units=scenario.redundancy_units)
    costs = sz.cost_inputs(gas_cost_key=unit.cost_key, fuel_price_usd_per_mmbtu=scenario.fuel_price_usd_per_mmbtu,
                           discount_rate_frac=scenario.discount_rate_frac, lifetime_yr=scenario.lifetime_yr)
    emis_pte = em.annual_emissions(unit, fleet.units_count, 0.0, 0.0)
    permit = em.permit_path(emis_pte.nox_pte_tons_per_yr_with_scr, nonattainment_class)
    scale = HOURS_PER_YEAR / hours

    def gas_figures(r, fuel):
        gas_mwh = float(r.gas_mwh.sum()) * scale
        fuel_total = float(fuel.sum()) * scale
        peak_d, avg_d = gu.gas_demand_mmcf_per_day(fuel)
        e = em.annual_emissions(unit, fleet.units_count, fuel_total, gas_mwh)
        return gas_mwh, fuel_total, peak_d, avg_d, e

    # 1. gas only
    log.info("power: gas-only dispatch, %d x %s", fleet.units_count, unit.name)
    r_gas, fuel_gas = _gas_year(unit, load, temp, altitude_m, fleet)
    g_mwh, g_fuel, g_peak, g_avg, g_em = gas_figures(r_gas, fuel_gas)
    g_cost = _annual_cost(costs, gas_iso_mw=fleet.iso_capacity_mw, gas_mwh=g_mwh, fuel_mmbtu=g_fuel)

    # 2. renewables plus gas
    log.info("power: PV%s profiles and the capacity LP", " and wind" if include_wind else "")
    pv_sys = solar.PVSystem(mount="single_axis")
    pv = solar.pv_ac_mw_per_mw_dc(weather, lat, lon, altitude_m, pv_sys)
    wd = wind.wind_mw_per_mw(weather) if include_wind else np.zeros(hours)
    m = gu.capacity_multiplier(unit, temp, altitude_m)
    hr = gu.full_load_heat_rate_hhv_btu_per_kwh(unit, temp, altitude_m)
    days = np.arange(hours) // 24
    pick = (days % max(int(sizing_day_stride), 1)) == 0
    reserve = fleet.iso_capacity_mw * float(np.min(m)) / peak_mw - 1.0
    opt = sz.optimize_capacity(load[pick], pv[pick], wd[pick], m[pick], hr[pick], costs,
                               max_gas_share_frac=scenario.max_gas_share_frac,
                               fixed={"gas_iso_mw": fleet.iso_capacity_mw},
                               gas_reserve_frac=max(reserve, 0.0))
    ren = pv * opt.pv_mw_dc + wd * opt.wind_mw
    rte = sz.get_cost("battery_4h").round_trip_efficiency_frac
    r_ren, fuel_ren = _gas_year(unit, load, temp, altitude_m, fleet, ren, (opt.battery_mw, opt.battery_mwh), rte)
    rg_mwh, rg_fuel, rg_peak, rg_avg, rg_em = gas_figures(r_ren, fuel_ren)
    rg_cost = _annual_cost(costs, gas_iso_mw=fleet.iso_capacity_mw, gas_mwh=rg_mwh, fuel_mmbtu=rg_fuel,
                           pv_mw_dc=opt.pv_mw_dc, wind_mw=opt.wind_mw, battery_mw=opt.battery_mw,
                           battery_mwh=opt.battery_mwh)
    tot = r_ren.annual_totals()
    ren_avail = float(tot["renewable_mwh"][0])
    land = solar.pv_land_acres(opt.pv_mw_dc, pv_sys) + wind.wind_land_acres(opt.wind_mw)

    # 3./4. grid options
    backup_cost = costs.gas_usd_per_mw_yr * fleet.iso_capacity_mw
    grid_lcoe = scenario.grid_price_usd_per_mwh + backup_cost / energy
    timing = {
        d: ttp.first_power(d, unit, start_year=float(scenario.analysis_year), permit_path=permit.path,
                           grid_wait_yr=grid_wait_yr)
        for d in OPTIONS
    }
    timing = dict(zip(OPTIONS, ttp.compare(list(timing.values()), it_load_mw=scenario.it_load_mw,
                                           cost_of_capital_frac=scenario.discount_rate_frac)))
    bridge_frac = min(timing["bridge_to_grid"].months_to_grid / 12.0 / scenario.lifetime_yr, 1.0)
    bridge_lcoe = (backup_cost + bridge_frac * (g_cost - backup_cost)) / energy \
        + (1.0 - bridge_frac) * scenario.grid_price_usd_per_mwh

    def option(design, *, lcoe, gas_mwh, fuel, peak, avg, e, r=None, grid_mwh=0.0, pv_mw=0.0, wind_mw=0.0,
               bat=(0.0, 0.0), curt=0.0, land_acres=0.0, share_scale=1.0):
        t = timing[design]
        return PowerOption(
            design=design, gas_units_count=fleet.units_count, gas_iso_capacity_mw=fleet.iso_capacity_mw,
            pv_capacity_mw_dc=pv_mw, wind_capacity_mw=wind_mw, battery_capacity_mw=bat[0], battery_energy_mwh=bat[1],
            lcoe_usd_per_mwh=lcoe,
            renewable_fraction_frac=(float(r.renewable_used_mwh.sum()) * scale / energy) if r is not None and pv_mw + wind_mw > 0 else 0.0,
            gas_share_frac=gas_mwh / energy, grid_share_frac=grid_mwh / energy, curtailment_frac=curt,
            gas_mwh_per_yr=gas_mwh, grid_mwh_per_yr=grid_mwh,
            unserved_mwh_per_yr=float(r.unserved_mwh.sum()) * scale if r is not None else 0.0,
            fuel_mmbtu_hhv_per_yr=fuel, gas_peak_mmcf_per_day=peak, gas_avg_mmcf_per_day=avg,
            gas_starts_per_yr=float(gu.count_starts(r.units_on[0])) * scale * share_scale if r is not None else 0.0,
            co2_tonnes_per_yr=e.co2_tonnes_per_yr * share_scale,
            nox_tons_per_yr_without_scr=e.nox_tons_per_yr_without_scr * share_scale,
            nox_tons_per_yr_with_scr=e.nox_tons_per_yr_with_scr * share_scale,
            nox_pte_tons_per_yr_with_scr=emis_pte.nox_pte_tons_per_yr_with_scr,
            air_permit_path=permit.path, air_permit_reason=permit.reason, renewables_land_acres=land_acres,
            months_to_first_power=t.months_to_first_power, first_power_year=t.first_power_year,
            waiting_cost_usd=t.waiting_cost_usd,
        )

    zero = em.annual_emissions(unit, fleet.units_count, 0.0, 0.0)
    options = (
        option("gas_only", lcoe=g_cost / energy, gas_mwh=g_mwh, fuel=g_fuel, peak=g_peak, avg=g_avg, e=g_em, r=r_gas),
        option("renewables_plus_gas", lcoe=rg_cost / energy, gas_mwh=rg_mwh, fuel=rg_fuel, peak=rg_peak, avg=rg_avg,
               e=rg_em, r=r_ren, pv_mw=opt.pv_mw_dc, wind_mw=opt.wind_mw, bat=(opt.battery_mw, opt.battery_mwh),
               curt=float(tot["curtailed_mwh"][0]) / ren_avail if ren_avail > 0 else 0.0, land_acres=land),
        option("grid_with_backup", lcoe=grid_lcoe, gas_mwh=0.0, fuel=0.0, peak=0.0, avg=0.0, e=zero,
               grid_mwh=energy),
        option("bridge_to_grid", lcoe=bridge_lcoe, gas_mwh=g_mwh, fuel=g_fuel, peak=g_peak, avg=g_avg, e=g_em,
               r=r_gas, grid_mwh=0.0),
    )
    return PowerDesign(
        unit_name=unit.name, fleet=fleet, facility_peak_load_mw=peak_mw, facility_energy_mwh_per_yr=energy,
        options=options, chosen=scenario.power_design, latitude=lat, longitude=lon, altitude_m=float(altitude_m),
        nonattainment_class=nonattainment_class,
        hourly={"gas_only": _hourly_frame(r_gas, weather.index),
                "renewables_plus_gas": _hourly_frame(r_ren, weather.index)},
    )


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


def scenario_prime_mover_ok(scenario: Scenario) -> str:
    """Validate ``scenario.prime_mover`` against the catalog (for the integrator); returns the name."""
    return validate_prime_mover_name(scenario.prime_mover)


__all__ = ["OPTIONS", "PowerOption", "PowerDesign", "design_power", "fleet_columns", "scenario_prime_mover_ok"]
