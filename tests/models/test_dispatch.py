"""Dispatch: energy balance every hour, merit order, minimum load, and agreement with the plain loop."""

import numpy as np
import pytest

from models import dispatch as dp

RNG = np.random.default_rng(42)


def _case(sites=7, hours=8760):
    t = np.arange(hours)
    load = 100.0 + 10.0 * RNG.random((sites, hours))
    pv = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None) * RNG.uniform(0, 250, (sites, 1))
    cap = 40.0 * (1.0 - 0.1 * RNG.random((sites, hours)))
    return load, pv, cap


def _run(load, pv, cap, **kw):
    args = dict(gas_unit_capacity_mw=cap, gas_units_count=4, gas_min_load_frac=0.4, battery_power_mw=50.0,
                battery_energy_mwh=200.0)
    args.update(kw)
    return dp.dispatch(load, pv, **args)


def test_energy_balance_closes_every_hour():
    load, pv, cap = _case()
    r = _run(load, pv, cap)
    # the acceptance bound: 1e-6 MWh in every hour of every site
    assert np.abs(r.balance_error_mwh()).max() < 1e-6
    assert (r.soc_mwh >= -1e-9).all() and (r.soc_mwh <= 200.0 + 1e-9).all()
    for name in ("charge_mwh", "discharge_mwh", "gas_mwh", "curtailed_mwh", "excess_mwh", "unserved_mwh"):
        assert (getattr(r, name) >= -1e-12).all(), name


def test_vectorized_matches_plain_loop():
    load, pv, cap = _case(sites=3, hours=24 * 20)
    r = _run(load, pv, cap)
    for s in range(3):
        ref = dp.dispatch_one_site_loop(load[s], pv[s], gas_unit_capacity_mw=cap[s], gas_units_count=4,
                                        gas_min_load_frac=0.4, battery_power_mw=50.0, battery_energy_mwh=200.0)
        # same arithmetic in a different order: rtol 1e-9
        np.testing.assert_allclose(r.gas_mwh[s], ref["gas"], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(r.soc_mwh[s], ref["soc"], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(r.curtailed_mwh[s], ref["curt"], rtol=1e-9, atol=1e-9)


def test_gas_respects_minimum_load_hand_case():
    # load 50 MW, no renewables, no battery, 100 MW units at 40 % min load: one unit runs at 50 MW.
    r = dp.dispatch(np.full((1, 3), 50.0), 0.0, gas_unit_capacity_mw=100.0, gas_units_count=2, gas_min_load_frac=0.4)
    assert r.gas_mwh[0].tolist() == [50.0, 50.0, 50.0] and r.units_on[0].tolist() == [1, 1, 1]
    # load 30 MW: the unit cannot go below 40 MW -> 10 MW to the load bank (no battery)
    r = dp.dispatch(np.full((1, 2), 30.0), 0.0, gas_unit_capacity_mw=100.0, gas_units_count=2, gas_min_load_frac=0.4)
    assert r.gas_mwh[0].tolist() == [40.0, 40.0] and r.excess_mwh[0].tolist() == [10.0, 10.0]
    # load above the fleet: 250 MW with 2 x 100 MW -> 50 MW unserved
    r = dp.dispatch(np.full((1, 1), 250.0), 0.0, gas_unit_capacity_mw=100.0, gas_units_count=2, gas_min_load_frac=0.4)
    assert r.unserved_mwh[0, 0] == pytest.approx(50.0, rel=1e-12)


def test_renewables_first_then_battery():
    # hour 0: 150 MW PV for 100 MW load charges 50 MW (room 100/0.9220 MWh); hour 1: 0 PV, battery discharges
    load = np.full((1, 2), 100.0)
    pv = np.array([[150.0, 0.0]])
    r = dp.dispatch(load, pv, gas_unit_capacity_mw=100.0, gas_units_count=2, gas_min_load_frac=0.4,
                    battery_power_mw=100.0, battery_energy_mwh=100.0, battery_round_trip_efficiency_frac=0.81,
                    battery_initial_soc_frac=0.0)
    assert r.charge_mwh[0, 0] == pytest.approx(50.0) and r.curtailed_mwh[0, 0] == 0.0
    assert r.soc_mwh[0, 0] == pytest.approx(45.0)  # 50 x sqrt(0.81)
    # hour 1: battery can give 45 x 0.9 = 40.5 MW < 100 -> gas carries 59.5 MW, battery 40.5
    assert r.gas_mwh[0, 1] == pytest.approx(59.5) and r.discharge_mwh[0, 1] == pytest.approx(40.5)
