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
    # No reserve (reserve_units=0): load 50 MW, no renewables, no battery, 100 MW units at 40 % min load:
    # one unit runs at 50 MW.
    kw = dict(gas_unit_capacity_mw=100.0, gas_units_count=2, gas_min_load_frac=0.4, reserve_units=0)
    r = dp.dispatch(np.full((1, 3), 50.0), 0.0, **kw)
    assert r.gas_mwh[0].tolist() == [50.0, 50.0, 50.0] and r.units_on[0].tolist() == [1, 1, 1]
    # load 30 MW: the unit cannot go below 40 MW -> 10 MW to the load bank (no battery)
    r = dp.dispatch(np.full((1, 2), 30.0), 0.0, **kw)
    assert r.gas_mwh[0].tolist() == [40.0, 40.0] and r.excess_mwh[0].tolist() == [10.0, 10.0]
    # renewables 20 MW of a 50 MW load: the unit must make 40 MW, so 10 MW of renewables are curtailed
    # (free energy displaced) rather than 10 MW of gas burned into a load bank; the same in the plain loop
    r = dp.dispatch(np.full((1, 2), 50.0), 20.0, **kw)
    assert r.gas_mwh[0].tolist() == [40.0, 40.0] and r.excess_mwh[0].tolist() == [0.0, 0.0]
    assert r.curtailed_mwh[0].tolist() == [10.0, 10.0] and r.renewable_direct_mwh[0].tolist() == [10.0, 10.0]
    assert np.abs(r.balance_error_mwh()).max() < 1e-12
    ref = dp.dispatch_one_site_loop(np.full(2, 50.0), np.full(2, 20.0), gas_unit_capacity_mw=100.0, gas_units_count=2,
                                    gas_min_load_frac=0.4, reserve_units=0)
    assert ref["curt"] == [10.0, 10.0] and ref["exc"] == [0.0, 0.0]
    # renewables 5 MW of a 30 MW load: 5 MW curtailed absorbs part of the 15 MW forced above the
    # deficit; the other 10 MW still go to the load bank
    r = dp.dispatch(np.full((1, 1), 30.0), 5.0, **kw)
    assert (r.curtailed_mwh[0, 0], r.excess_mwh[0, 0], r.renewable_direct_mwh[0, 0]) == (5.0, 10.0, 0.0)
    # load above the fleet: 250 MW with 2 x 100 MW -> 50 MW unserved
    r = dp.dispatch(np.full((1, 1), 250.0), 0.0, **kw)
    assert r.unserved_mwh[0, 0] == pytest.approx(50.0, rel=1e-12)


def test_renewables_first_then_battery():
    # hour 0: 150 MW PV for 100 MW load charges 50 MW (room 100/0.9220 MWh); hour 1: 0 PV, battery discharges
    load = np.full((1, 2), 100.0)
    pv = np.array([[150.0, 0.0]])
    r = dp.dispatch(load, pv, gas_unit_capacity_mw=100.0, gas_units_count=2, gas_min_load_frac=0.4,
                    battery_power_mw=100.0, battery_energy_mwh=100.0, battery_round_trip_efficiency_frac=0.81,
                    battery_initial_soc_frac=0.0, reserve_units=0)
    assert r.charge_mwh[0, 0] == pytest.approx(50.0) and r.curtailed_mwh[0, 0] == 0.0
    assert r.soc_mwh[0, 0] == pytest.approx(45.0)  # 50 x sqrt(0.81)
    # hour 1: battery can give 45 x 0.9 = 40.5 MW < 100 -> gas carries 59.5 MW, battery 40.5
    assert r.gas_mwh[0, 1] == pytest.approx(59.5) and r.discharge_mwh[0, 1] == pytest.approx(40.5)


def test_vectorized_matches_plain_loop_with_outages_maintenance_and_reserve():
    load, pv, cap = _case(sites=2, hours=24 * 15)
    maint = np.zeros((2, load.shape[1]), dtype=int)
    maint[:, 48:96] = 1  # one unit on planned maintenance for two days
    kw = dict(gas_units_count=4, gas_min_load_frac=0.4, battery_power_mw=50.0, battery_energy_mwh=200.0,
              gas_forced_outage_rate_frac=0.05, reserve_units=1)
    r = dp.dispatch(load, pv, gas_unit_capacity_mw=cap, gas_units_on_maintenance=maint, **kw)
    for s in range(2):
        ref = dp.dispatch_one_site_loop(load[s], pv[s], gas_unit_capacity_mw=cap[s], gas_units_on_maintenance=maint[s],
                                        **kw)
        # same arithmetic in a different order; the loop's expectation sums scipy binomial terms directly: rtol 1e-9
        for key, field in (("gas", "gas_mwh"), ("on", "units_on"), ("res", "reserve_mw"),
                           ("eue", "expected_unserved_mwh"), ("rdis", "renewable_discharge_mwh"), ("soc", "soc_mwh")):
            np.testing.assert_allclose(getattr(r, field)[s], ref[key], rtol=1e-9, atol=1e-9, err_msg=key)
        assert r.reserve_short[s].tolist() == ref["short"]
    assert np.abs(r.balance_error_mwh()).max() < 1e-6


def test_reserve_for_the_loss_of_the_largest_online_unit_hand_case():
    # 4 x 100 MW units at 40 % minimum load, no battery. Load 150 MW: 2 units would carry it but hold only 50 MW
    # of headroom; a third unit is committed -> 300 MW online, 150 MW reserve (>= one unit's 100 MW).
    kw = dict(gas_unit_capacity_mw=100.0, gas_units_count=4, gas_min_load_frac=0.4)
    r = dp.dispatch(np.full((1, 2), 150.0), 0.0, **kw)
    assert r.units_on[0].tolist() == [3, 3] and r.gas_mwh[0].tolist() == [150.0, 150.0]
    assert r.reserve_mw[0].tolist() == [150.0, 150.0] and not r.reserve_short[0].any()
    # Load 350 MW: all 4 units online leave 50 MW, less than one unit: reserve not held, flagged
    r = dp.dispatch(np.full((1, 3), 350.0), 0.0, **kw)
    assert r.units_on[0].tolist() == [4, 4, 4] and r.reserve_mw[0].tolist() == [50.0, 50.0, 50.0]
    assert r.reserve_short[0].all() and r.annual_totals()["reserve_short_hours"][0] == 3.0
    # A battery's unused discharge power counts: 150 MW load, 100 MW battery full. Battery first: 100 MW, gas
    # 50 MW on one unit -> headroom 50 MW; a second unit (min 80 MW) takes 80 MW, the battery gives 70 MW and
    # keeps 30 MW unused: headroom 200 - 80 + 30 = 150 MW.
    r = dp.dispatch(np.full((1, 1), 150.0), 0.0, battery_power_mw=100.0, battery_energy_mwh=400.0,
                    battery_round_trip_efficiency_frac=1.0, battery_initial_soc_frac=1.0, **kw)
    assert r.units_on[0, 0] == 2 and r.gas_mwh[0, 0] == pytest.approx(80.0) and r.discharge_mwh[0, 0] == \
        pytest.approx(70.0)
    assert r.reserve_mw[0, 0] == pytest.approx(150.0) and not r.reserve_short[0, 0]


def test_expected_unserved_energy_hand_case():
    # Gas only, 150 MW on 3 x 100 MW units, q = 0.1 (p = 0.9). Short when at most one unit is available:
    # E = P(X=1) (150 - 100) + P(X=0) 150 = 3 x 0.9 x 0.01 x 50 + 0.001 x 150 = 1.35 + 0.15 = 1.5 MWh per hour.
    # With one unit on maintenance, X ~ Binomial(2, 0.9): E = 2 x 0.9 x 0.1 x 50 + 0.01 x 150 = 9 + 1.5 = 10.5 MWh.
    r = dp.dispatch(np.full((1, 2), 150.0), 0.0, gas_unit_capacity_mw=100.0, gas_units_count=3, gas_min_load_frac=0.4,
                    gas_forced_outage_rate_frac=0.1, gas_units_on_maintenance=np.array([[0, 1]]))
    # rtol 1e-12: the same sums by the binomial recurrence
    assert r.expected_unserved_mwh[0].tolist() == pytest.approx([1.5, 10.5], rel=1e-12)
    assert r.unserved_mwh[0].tolist() == [0.0, 0.0]  # no shortfall with every available unit up
    # q = 0: the expectation is the deterministic shortfall
    r0 = dp.dispatch(np.full((1, 1), 250.0), 0.0, gas_unit_capacity_mw=100.0, gas_units_count=2, gas_min_load_frac=0.4)
    assert r0.expected_unserved_mwh[0, 0] == r0.unserved_mwh[0, 0] == pytest.approx(50.0)


def test_gas_only_expected_unserved_matches_the_fleet_reliability():
    # The dispatch's hourly expectation and models.reliability's annual figure are the same binomial sums over the
    # same maintenance schedule: gas-only, served load 0.8 x nameplate, temperature-varying unit capacity.
    from models import reliability as rl

    hours = 24 * 60
    t = np.arange(hours)
    nameplate = 400.0 + 30.0 * np.sin(t / hours * 2 * np.pi)
    served = 0.8 * nameplate
    cap = 46.5 * (1.0 - 0.1 * (0.5 + 0.5 * np.sin(t / 24 * 2 * np.pi)))
    units, q, h_pm = 14, 0.05, 613.2
    fleet = rl.fleet_reliability(nameplate, served, cap, units, forced_outage_rate_frac=q,
                                 planned_outage_hours_per_yr=h_pm)
    maint = rl.maintenance_schedule(nameplate, cap, units, planned_outage_hours_per_yr=h_pm)
    assert maint.sum() > 0
    r = dp.dispatch(served[None, :], 0.0, gas_unit_capacity_mw=cap[None, :], gas_units_count=units,
                    gas_min_load_frac=0.25, gas_forced_outage_rate_frac=q, gas_units_on_maintenance=maint[None, :])
    per_year = 8760 / hours
    # rtol 1e-9: the same terms summed hour by hour here, by (maintenance, shortfall index) groups there
    assert r.expected_unserved_mwh[0].sum() * per_year == pytest.approx(fleet.expected_unserved_mwh_per_yr, rel=1e-9)
    assert fleet.expected_unserved_mwh_per_yr > 0


def test_renewable_delivered_books_battery_losses_and_gas_charging_hand_case():
    # 10 MW / 100 MWh battery, round trip 0.81 (0.9 each way), empty at the start; 100 MW units, 40 % minimum load,
    # no reserve. h0: load 100, PV 150 -> charge 10 (stores 9, renewable), curtail 40.
    # h1: load 20, no PV: battery can give 8.1 < 20 -> one unit at its 40 MW minimum; the 20 MW forced above the
    #     load charge 10 (stores 9, from gas) and 10 go to the load bank. Stored: 18 (9 renewable).
    # h2: load 5: the battery gives 5, half of it renewable (9/18) -> 2.5 MWh renewable delivered.
    # Renewable delivered = 100 + 0 + 2.5 = 102.5 of a 125 MWh load (0.82); renewable taken (direct + charging)
    # = 110 (0.88): the old fraction counted the charging and its losses as use.
    r = dp.dispatch(np.array([[100.0, 20.0, 5.0]]), np.array([[150.0, 0.0, 0.0]]), gas_unit_capacity_mw=100.0,
                    gas_units_count=2, gas_min_load_frac=0.4, battery_power_mw=10.0, battery_energy_mwh=100.0,
                    battery_round_trip_efficiency_frac=0.81, battery_initial_soc_frac=0.0, reserve_units=0)
    assert r.charge_mwh[0].tolist() == pytest.approx([10.0, 10.0, 0.0])
    assert r.excess_mwh[0, 1] == pytest.approx(10.0)
    assert r.renewable_discharge_mwh[0].tolist() == pytest.approx([0.0, 0.0, 2.5])
    tot = r.annual_totals()
    assert tot["renewable_delivered_mwh"][0] == pytest.approx(102.5)
    assert tot["renewable_used_mwh"][0] == pytest.approx(110.0)
    assert tot["renewable_delivered_mwh"][0] / tot["load_mwh"][0] == pytest.approx(0.82)


def test_renewable_delivered_never_exceeds_the_load():
    load, pv, cap = _case(sites=4)
    pv = pv * 3.0
    r = _run(load, pv, cap, battery_power_mw=100.0, battery_energy_mwh=800.0)
    assert (r.renewable_delivered_mwh <= r.load_mwh + 1e-9).all()
    assert (r.renewable_discharge_mwh <= r.discharge_mwh + 1e-12).all()
    tot = r.annual_totals()
    assert (tot["renewable_delivered_mwh"] / tot["load_mwh"] <= 1.0).all()
    assert (tot["renewable_used_mwh"] >= tot["renewable_delivered_mwh"]).all()  # charging and its losses
    # A nearly all-renewable site: flat 100 MW, PV peaking at 700 MW, a 300 MW / 3,000 MWh battery. The energy
    # taken from renewables (direct + charging) exceeds the load, because round-trip losses are charged too;
    # the energy delivered to the load stays below it.
    hours = 24 * 30
    day = np.clip(np.sin((np.arange(hours) % 24 - 6) / 12 * np.pi), 0, None)
    r = dp.dispatch(np.full((1, hours), 100.0), 700.0 * day[None, :], gas_unit_capacity_mw=50.0, gas_units_count=3,
                    gas_min_load_frac=0.4, battery_power_mw=300.0, battery_energy_mwh=3000.0)
    tot = r.annual_totals()
    assert tot["renewable_used_mwh"][0] / tot["load_mwh"][0] > 1.0
    assert 0.9 < tot["renewable_delivered_mwh"][0] / tot["load_mwh"][0] <= 1.0
