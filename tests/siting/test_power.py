"""Power at one site on a real TMY3 year (pvlib's Greensboro file): the site chain's options side by side."""

import math

import numpy as np
import pytest

from gis_data.weather import load_weather
from models import gas_units as gu
from siting import schema
from siting.chain.climate import climate_of, station_from_weather
from siting.chain.resolved import resolve
from siting.power import OPTIONS, design_power, design_site_from_weather
from siting.scenario import Scenario


@pytest.fixture(scope="module")
def weather():
    return load_weather("pvlib:723170TYA.CSV")


@pytest.fixture(scope="module")
def site(weather):
    return design_site_from_weather(weather, Scenario(max_gas_share_frac=0.7, power_design="renewables_plus_gas"),
                                    altitude_m=273.0)


@pytest.fixture(scope="module")
def design(site):
    return site.power


def test_fleet_matches_hand_sizing(design, site, weather):
    # Facility load = 100 MW IT x the cooling model's hourly PUE of the same weather (hybrid cooling). The binding
    # hour is the one with the largest load over derated unit capacity; there, the aeroderivative class curve
    # (Newkirk et al.) 1 - 0.010 x (T - 15) and the NWPCC altitude factor at 273 m (interpolated 0.97 at 213.4 m ..
    # 0.90 at 914.4 m) give the unit's MW (hand formula); N = ceil(load / unit MW). Spares: the least k meeting
    # the scenario's 0.9999 on the year and in the binding hour with the catalog's outage rates (ReEDS Gas-CT:
    # forced 0.05, planned 613.2 h/yr): 8 units, and 7 miss it (with planned maintenance on one unit, 6 left
    # carry 4 units' load with probability ~0.998 in nearly half the hours).
    from models.reliability import fleet_reliability

    f = design.fleet
    t = f.hot_hour_temp_air_degc
    alt = 0.97 + (0.90 - 0.97) * (273.0 - 213.4) / (914.4 - 213.4)  # catalog stores 700 ft as 213.4 m
    unit_mw = 46.5 * (1 - 0.010 * (t - 15)) * alt
    assert f.hot_hour_capacity_mw == pytest.approx(8 * unit_mw, rel=1e-9)
    load = 100.0 * site.climate.facility_mw_per_mw_it
    cap = 46.5 * gu.capacity_multiplier(site.resolved.unit, weather["temp_air_degc"].to_numpy(), 273.0)
    hot = int(np.argmax(load / cap))
    assert t == weather["temp_air_degc"].iloc[hot]
    assert f.units_running_needed == math.ceil(load[hot] / unit_mw) == 4 and f.units_count == 8
    assert f.target_met and f.reliability_target_frac == 0.9999 and "least fleet" in f.reason
    unit = site.resolved.unit
    one_less = fleet_reliability(load, load, cap, 7, forced_outage_rate_frac=unit.forced_outage_rate_frac,
                                 planned_outage_hours_per_yr=unit.planned_outage_hours_per_yr)
    assert min(one_less.availability_frac, one_less.binding_hour_availability_frac) < 0.9999
    assert design.facility_peak_load_mw == pytest.approx(load.max(), rel=1e-15)


def test_facility_load_follows_the_cooling_models_hourly_pue(site):
    """The power design and the water budget share one facility energy: IT load served x the per-MW year."""
    per_mw = site.climate.per_mw
    assert site.power.facility_energy_mwh_per_yr == 100.0 * per_mw.facility_energy_mwh_per_yr
    assert site.cooling.facility_energy_mwh_per_yr == site.power.facility_energy_mwh_per_yr
    assert 1.0 < per_mw.pue_annual < 1.25  # hybrid cooling in Greensboro: below the old flat 1.25
    hourly = site.power.hourly["gas_only"]
    np.testing.assert_allclose(hourly["load_mw"].to_numpy(), 100.0 * site.climate.facility_mw_per_mw_it, rtol=1e-12)


def test_options_side_by_side(design):
    assert tuple(o.design for o in design.options) == OPTIONS
    gas = design.option("gas_only")
    ren = design.option("renewables_plus_gas")
    grid = design.option("grid_with_backup")
    # gas-only serves the whole year from gas; fuel = energy x an average heat rate between ISO HHV and +20 %
    assert gas.gas_share_frac == pytest.approx(1.0, rel=1e-9)
    hr = gas.fuel_mmbtu_hhv_per_yr * 1000 / gas.gas_mwh_per_yr
    assert 9003 * 0.95 < hr < 9003 * 1.2
    # CO2 = fuel x 117 lb/MMBtu (EIA)
    assert gas.co2_tonnes_per_yr == pytest.approx(gas.fuel_mmbtu_hhv_per_yr * 117 * 0.45359237 / 1000, rel=1e-9)
    # the capped design burns less gas, builds renewables, and keeps the cap within the re-dispatch tolerance
    assert ren.pv_capacity_mw_dc + ren.wind_capacity_mw > 0
    assert ren.gas_share_frac < 0.72 and ren.fuel_mmbtu_hhv_per_yr < gas.fuel_mmbtu_hhv_per_yr
    assert ren.pv_mwh_per_yr + ren.wind_mwh_per_yr > 0
    # time to power: the aeroderivative chain (procurement then construction, the permit inside procurement) and
    # the utility-reported large-load connection (catalog rows; no region given for a bare weather file)
    from models.catalog import read_catalog

    sched = {r["equipment_class"]: r for r in read_catalog("equipment_schedule")}["aeroderivative"]
    grid_row = {r["region"]: r for r in read_catalog("large_load_connection")}["us_utility_reported"]
    assert gas.months_to_first_power == float(sched["procurement_months"]) + float(sched["construction_months"])
    assert grid.grid_share_frac == 1.0 and grid.months_to_first_power == float(grid_row["months"])
    fastest = min(o.months_to_first_power for o in design.options)
    for o in design.options:
        assert (o.waiting_cost_usd > 0) == (o.months_to_first_power > fastest)
    # the cost stack sums to the LCOE (float round-off only)
    from siting.chain.site import COST_STACK

    for o in design.options:
        assert sum(getattr(o, f) for f in COST_STACK) == pytest.approx(o.lcoe_usd_per_mwh, rel=1e-12)
    assert design.table().shape[0] == 4
    assert design.recommended in OPTIONS and design.option(design.recommended).qualifies


def test_columns_are_in_the_schema(design):
    cols = design.to_columns()
    known = schema.columns()
    missing = [c for c in cols if c not in known]
    assert not missing, missing
    assert cols["gas_units_count"] == 8 and cols["power_design"] == "renewables_plus_gas"
    assert cols["gas_fleet_target_met"] is True and cols["reliability_target_frac"] == 0.9999
    assert not math.isnan(cols["gas_fuel_mmbtu_hhv_per_yr"])


def test_nonattainment_changes_the_permit_path(weather):
    d = design_power(weather, Scenario(it_load_mw=400.0), altitude_m=273.0, nonattainment_class="serious",
                     include_wind=False, sizing_day_stride=8)
    o = d.option("gas_only")
    assert o.air_permit_path == "nonattainment_nsr" and "serious" in o.air_permit_reason


def test_grid_and_gas_costs_by_hand(design):
    # Aeroderivative CT on the market_2025 basis (equipment_costs.csv: AEO2026 Table 3, USD 2025) converted to the
    # scenario's USD 2024 with CPI-U (cpi_u.csv); capital recovery factor at 8 % over 20 yr; 8 x 46.5 MW LM6000PF;
    # the design's facility energy. No lateral or grid connection: a bare weather file has no distances.
    from models.catalog import read_catalog

    cpi = {int(r["year"]): float(r["cpi_u_index"]) for r in read_catalog("cpi_u")}
    row = next(r for r in read_catalog("equipment_costs") if r["equipment_class"] == "aeroderivative"
               and r["cost_basis"] == "market_2025")
    k = cpi[2024] / cpi[int(row["capex_dollar_year"])]
    capex, fom = float(row["capex_usd_per_kw"]) * k, float(row["fixed_om_usd_per_kw_yr"]) * cpi[2024] / cpi[int(row["om_dollar_year"])]
    vom = float(row["variable_om_usd_per_mwh"]) * cpi[2024] / cpi[int(row["om_dollar_year"])]
    crf = 0.08 * 1.08**20 / (1.08**20 - 1)
    backup_usd_per_yr = 8 * 46.5 * (crf * capex + fom) * 1000.0
    energy = design.facility_energy_mwh_per_yr
    grid = design.option("grid_with_backup")
    # rtol 1e-12: the same arithmetic evaluated by hand, only the operation order differs
    assert grid.lcoe_usd_per_mwh == pytest.approx(80.0 + backup_usd_per_yr / energy, rel=1e-12)
    gas = design.option("gas_only")
    # fuel at the scenario's 3.5 USD/MMBtu (Greensboro's nearest hub has no basis figure) and the class's variable O&M
    assert gas.fuel_price_usd_per_mmbtu == 3.5
    hand = backup_usd_per_yr + gas.fuel_mmbtu_hhv_per_yr * 3.5 + gas.gas_mwh_per_yr * vom
    assert gas.annual_cost_usd_per_yr == pytest.approx(hand, rel=1e-12)
    assert gas.lcoe_usd_per_mwh == pytest.approx(hand / energy, rel=1e-12)
    assert gas.capex_usd == pytest.approx(8 * 46.5 * 1000.0 * capex, rel=1e-12)


def test_lp_solvers_reach_the_same_optimum(weather):
    from siting.chain.dispatch import renewables_capacity

    sc = Scenario(max_gas_share_frac=0.6)
    station = station_from_weather(weather)
    a = renewables_capacity(climate_of(station, resolve(sc, sizing_day_stride=8, lp_solver="choose")),
                            resolve(sc, sizing_day_stride=8, lp_solver="choose"), units_count=5, it_load_mw=100.0)
    r = resolve(sc, sizing_day_stride=8, lp_solver="ipm")
    b = renewables_capacity(climate_of(station, r), r, units_count=5, it_load_mw=100.0)
    # rtol 1e-6: both are optimal within HiGHS's default optimality tolerance (1e-7 relative on the duals)
    assert b.annual_cost_usd == pytest.approx(a.annual_cost_usd, rel=1e-6)
    assert a.pv_mw_dc + a.wind_mw > 0
