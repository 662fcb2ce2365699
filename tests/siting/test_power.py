"""Power orchestration on a real TMY3 year (pvlib's Greensboro file): options side by side."""

import math

import numpy as np
import pytest

from gis_data.weather import load_weather
from siting import schema
from siting.power import OPTIONS, design_power, fleet_columns
from siting.scenario import Scenario


@pytest.fixture(scope="module")
def weather():
    return load_weather("pvlib:723170TYA.CSV")


@pytest.fixture(scope="module")
def design(weather):
    return design_power(weather, Scenario(max_gas_share_frac=0.7, power_design="renewables_plus_gas"),
                        altitude_m=273.0, nonattainment_class=None)


def test_fleet_matches_hand_sizing(design, weather):
    # 100 MW IT x 1.25 PUE = 125 MW. Hottest Greensboro hour 35.6 C: aeroderivative class curve (Newkirk et al.)
    # 1 - 0.010 x 20.6 = 0.794, NWPCC altitude factor at 273 m (interpolated 0.97 at 213.4 m .. 0.90 at 914.4 m)
    # = 0.964042; LM6000PF 46.5 MW -> 35.59 MW per unit; 125/35.59 = 3.51 -> N = 4, N+1 = 5 (hand calculation).
    f = design.fleet
    assert f.hot_hour_temp_air_degc == pytest.approx(weather["temp_air_degc"].max())
    alt = 0.97 + (0.90 - 0.97) * (273.0 - 213.4) / (914.4 - 213.4)  # catalog stores 700 ft as 213.4 m
    unit_mw = 46.5 * (1 - 0.010 * (35.6 - 15)) * alt
    assert f.hot_hour_capacity_mw == pytest.approx(5 * unit_mw, rel=1e-9)
    assert (f.units_running_needed, f.units_count) == (4, 5)


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
    assert grid.grid_share_frac == 1.0 and grid.months_to_first_power == 55.0
    assert grid.waiting_cost_usd > 0 and gas.waiting_cost_usd == 0.0
    assert design.table().shape[0] == 4


def test_columns_are_in_the_schema(design):
    cols = design.to_columns()
    known = schema.columns()
    missing = [c for c in cols if c not in known]
    assert not missing, missing
    assert cols["gas_units_count"] == 5 and cols["power_design"] == "renewables_plus_gas"
    assert not math.isnan(cols["gas_fuel_mmbtu_hhv_per_yr"])


def test_nonattainment_changes_the_permit_path(weather):
    d = design_power(weather, Scenario(it_load_mw=400.0), altitude_m=273.0, nonattainment_class="serious",
                     include_wind=False, sizing_day_stride=8)
    o = d.option("gas_only")
    assert o.air_permit_path == "nonattainment_nsr" and "serious" in o.air_permit_reason


def test_fleet_columns_for_many_sites_match_the_site_design(design, weather):
    temps = weather["temp_air_degc"].to_numpy()[None, :].repeat(3, axis=0)
    cols = fleet_columns(temps, Scenario(), altitude_m=[273.0, 273.0, 1500.0])
    assert set(cols.columns) <= set(schema.columns())
    assert cols["gas_units_count"].iloc[0] == design.fleet.units_count
    assert cols["gas_fleet_availability_frac"].iloc[0] == pytest.approx(design.fleet.availability_frac, rel=1e-12)
    assert cols["gas_units_count"].iloc[2] >= cols["gas_units_count"].iloc[0]  # thinner air, more units


def test_grid_and_gas_costs_by_hand(design):
    # ATB 2024 gas-CT (costs.csv, USD 2022): capex 1092.8 USD/kW, fixed O&M 25.8 USD/kW-yr; capital recovery
    # factor at the scenario's 8 % over 20 yr; 5 x 46.5 MW LM6000PF; 100 MW IT x 1.25 PUE flat all year.
    crf = 0.08 * 1.08**20 / (1.08**20 - 1)
    backup_usd_per_yr = 5 * 46.5 * (crf * 1092.8 + 25.8) * 1000.0
    energy = 125.0 * 8760
    grid = design.option("grid_with_backup")
    # rtol 1e-12: the same arithmetic evaluated by hand, only the operation order differs
    assert grid.lcoe_usd_per_mwh == pytest.approx(80.0 + backup_usd_per_yr / energy, rel=1e-12)
    gas = design.option("gas_only")
    # fuel at 3.5 USD/MMBtu and ATB variable O&M 6.94 USD/MWh on top of the same capital (hand calculation)
    hand = backup_usd_per_yr + gas.fuel_mmbtu_hhv_per_yr * 3.5 + gas.gas_mwh_per_yr * 6.94
    assert gas.annual_cost_usd_per_yr == pytest.approx(hand, rel=1e-12)
    assert gas.lcoe_usd_per_mwh == pytest.approx(hand / energy, rel=1e-12)


def test_year_block_of_many_sites_equals_one_site_blocks(weather):
    """Vectorizing over sites changes nothing: three sites in one block equal three one-site blocks exactly."""
    from models import solar, wind
    from siting.power import site_options, year_block

    temp = weather["temp_air_degc"].to_numpy(dtype=float)
    pv = solar.pv_ac_mw_per_mw_dc(weather, 36.1, -79.9, 273.0, solar.PVSystem(mount="single_axis"))
    wd = wind.wind_mw_per_mw(weather)
    sc = Scenario()
    sites = dict(altitude_m=[0.0, 900.0, 273.0], it_load_mw=[100.0, 250.0, 100.0], units_count=[4, 9, 5],
                 pv_capacity_mw_dc=[0.0, 150.0, 80.0], wind_capacity_mw=[0.0, 40.0, 0.0],
                 battery_capacity_mw=[0.0, 20.0, 0.0], battery_energy_mwh=[0.0, 80.0, 0.0])
    many = year_block(temp, sc, pv_mw_per_mw_dc=pv, wind_mw_per_mw=wd, **sites)
    opts = site_options(many, sc, nonattainment_class=[None, "serious", "marginal"], grid_wait_yr=[np.nan, 2.0, 6.0])
    for i in range(3):
        one = year_block(temp, sc, pv_mw_per_mw_dc=pv, wind_mw_per_mw=wd, **{k: [v[i]] for k, v in sites.items()})
        o1 = site_options(one, sc, nonattainment_class=[[None, "serious", "marginal"][i]],
                          grid_wait_yr=[[np.nan, 2.0, 6.0][i]])
        for d in OPTIONS:
            for k, v in opts[d].items():
                assert v[i] == o1[d][k][0], (i, d, k)


def test_batch_lp_solver_reaches_the_same_optimum(weather):
    from models import solar, wind
    from siting.power import renewables_sizing

    temp = weather["temp_air_degc"].to_numpy(dtype=float)
    pv = solar.pv_ac_mw_per_mw_dc(weather, 36.1, -79.9, 273.0, solar.PVSystem(mount="single_axis"))
    wd = wind.wind_mw_per_mw(weather)
    sc = Scenario(max_gas_share_frac=0.6)
    a = renewables_sizing(temp, pv, wd, sc, altitude_m=273.0, units_count=5, sizing_day_stride=8)
    b = renewables_sizing(temp, pv, wd, sc, altitude_m=273.0, units_count=5, sizing_day_stride=8, solver="ipm")
    # rtol 1e-6: both are optimal within HiGHS's default optimality tolerance (1e-7 relative on the duals)
    assert b.annual_cost_usd == pytest.approx(a.annual_cost_usd, rel=1e-6)
    assert a.pv_mw_dc + a.wind_mw > 0
