"""Capacity LP: hand case, the gas-share cap, and optimality against grid-searched designs."""

import numpy as np
import pytest

from models import dispatch as dp
from models import sizing as sz
from models.errors import SitingError

T = 24 * 14
HOURS = np.arange(T)
PV = np.clip(np.sin((HOURS % 24 - 6) / 12 * np.pi), 0, None) * 0.8
LOAD = np.full(T, 120.0)
COSTS = sz.cost_inputs(gas_cost_key="gas_ct", fuel_price_usd_per_mmbtu=3.5, discount_rate_frac=0.08, lifetime_yr=20)


def test_battery_cost_split_reproduces_atb_points():
    a, b, fa, fb = sz.battery_cost_split()
    # the split passes through both ATB points exactly: 2 h 1,058.37 and 4 h 1,769.88 $/kW
    assert a + 2 * b == pytest.approx(1058.37, rel=1e-12) and a + 4 * b == pytest.approx(1769.88, rel=1e-12)
    assert fa + 4 * fb == pytest.approx(44.25, rel=1e-12)


def test_gas_only_hand_case():
    # No renewables: gas = ISO MW covering 120 MW x 1.05 at 0.9 derate = 140 MW. Cost per year =
    # 140 x annualised $/MW-yr + 120 MW x 8760 h x (9,000 Btu/kWh x 3.5 $/MMBtu / 1000 + 6.94 VOM).
    r = sz.optimize_capacity(LOAD, 0.0, 0.0, 0.9, 9000.0, COSTS, gas_reserve_frac=0.05)
    expect = 140.0 * COSTS.gas_usd_per_mw_yr + 120 * 8760 * (9000 * 3.5 / 1000 + 6.94)
    assert r.gas_iso_mw == pytest.approx(140.0, rel=1e-9)
    # rtol 1e-7: the LP optimum is exact up to HiGHS's feasibility tolerance
    assert r.annual_cost_usd == pytest.approx(expect, rel=1e-7)
    assert r.lcoe_usd_per_mwh == pytest.approx(expect / (120 * 8760), rel=1e-7)
    assert r.pv_mw_dc == 0.0 and r.gas_share_frac == pytest.approx(1.0, rel=1e-9)


def test_gas_share_cap_is_respected_and_costs_more():
    free = sz.optimize_capacity(LOAD, PV, 0.0, 0.9, 9000.0, COSTS, gas_reserve_frac=0.05)
    capped = sz.optimize_capacity(LOAD, PV, 0.0, 0.9, 9000.0, COSTS, gas_reserve_frac=0.05, max_gas_share_frac=0.6)
    assert capped.gas_share_frac <= 0.6 + 1e-7
    assert capped.annual_cost_usd >= free.annual_cost_usd - 1e-6
    assert capped.pv_mw_dc > 0 and capped.renewable_fraction_frac >= 0.4 - 1e-7


def test_optimum_is_never_worse_than_grid_searched_designs():
    opt = sz.optimize_capacity(LOAD, PV, 0.0, 0.9, 9000.0, COSTS, gas_reserve_frac=0.05, max_gas_share_frac=0.7)
    worse = 0
    for pv_mw in (150.0, 200.0, 250.0, 300.0, 400.0):
        for bat_mw in (0.0, 25.0, 50.0, 100.0):
            fixed = {"pv_mw_dc": pv_mw, "battery_mw": bat_mw, "battery_mwh": 4 * bat_mw, "gas_iso_mw": 140.0}
            try:
                d = sz.optimize_capacity(LOAD, PV, 0.0, 0.9, 9000.0, COSTS, gas_reserve_frac=0.05,
                                         max_gas_share_frac=0.7, fixed=fixed)
            except SitingError:
                continue  # this grid point cannot meet the gas-share cap
            assert d.annual_cost_usd >= opt.annual_cost_usd * (1 - 1e-9)
            worse += 1
    assert worse >= 5


def test_rule_based_dispatch_of_the_optimum_costs_no_less():
    # the LP dispatch is optimal for its capacities; the merit-order dispatch (no minimum load) of the same
    # capacities burns at least as much gas
    opt = sz.optimize_capacity(LOAD, PV, 0.0, 0.9, 9000.0, COSTS, gas_reserve_frac=0.05, max_gas_share_frac=0.7)
    r = dp.dispatch(LOAD[None, :], (PV * opt.pv_mw_dc)[None, :], gas_unit_capacity_mw=0.9 * opt.gas_iso_mw,
                    gas_units_count=1, gas_min_load_frac=0.0, battery_power_mw=opt.battery_mw,
                    battery_energy_mwh=opt.battery_mwh, battery_initial_soc_frac=0.0)
    assert r.gas_mwh.sum() >= opt.gas_mwh_hourly.sum() * (1 - 1e-6)


def test_infeasible_cap_raises_with_advice():
    with pytest.raises(SitingError, match="gas-share"):
        sz.optimize_capacity(LOAD, 0.0, 0.0, 0.9, 9000.0, COSTS, max_gas_share_frac=0.5)
