"""Fleet sizing hand cases and binomial availability."""

import math

import numpy as np
import pytest
from scipy.stats import binom

from models import fleet
from models.catalog import get_prime_mover
from models.errors import ConfigError

LM6000 = get_prime_mover("GE LM6000PF")


def _year(hot_degc=40.0):
    t = np.full(8760, 20.0)
    t[4000] = hot_degc
    return t


def test_one_gw_it_at_pue_1_2_in_a_40c_hour_with_lm6000():
    # Hand case: 1,000 MW IT x 1.2 = 1,200 MW. LM6000PF 46.5 MW ISO x 0.75 (aeroderivative class curve at 40 C:
    # 1 - 1.0 %/C x 25 C, Newkirk et al.) = 34.875 MW per unit; 1200/34.875 = 34.41 -> N = 35, N+1 = 36 units,
    # firm 35 x 34.875 = 1,220.625 MW.
    load = fleet.facility_load_mw(1000.0, 1.2)
    d = fleet.size_gas_fleet(load, _year(), unit=LM6000, redundancy_units=1)
    assert (d.units_running_needed, d.units_count) == (35, 36)
    assert d.firm_capacity_mw == pytest.approx(35 * 34.875, rel=1e-12)
    assert d.hot_hour_capacity_mw == pytest.approx(36 * 34.875, rel=1e-12)
    assert d.iso_capacity_mw == pytest.approx(36 * 46.5, rel=1e-12)
    assert d.hot_hour_temp_air_degc == 40.0
    assert d.hot_hour_derate_frac == pytest.approx(0.25, rel=1e-12)


def test_availability_matches_binomial_hand_calculation():
    # Flat 1,200 MW at 20 C: unit = 46.5 x (1 - 5 x 0.010) = 44.175 MW -> 28 units carry it (27.2).
    # Fleet of 33 with the catalog's q = 0.05 at 20 C: load covered when >= 28 available: P = binom.sf(27, 33, 0.95).
    t = np.full(8760, 20.0)
    d = fleet.size_gas_fleet(1200.0, t, unit=LM6000, redundancy_units=5)
    assert d.units_count == 33 and LM6000.forced_outage_rate_frac == 0.05
    p = binom.sf(27, 33, 0.95)
    # rtol 1e-12: same formula, evaluated independently here
    assert d.availability_frac == pytest.approx(p, rel=1e-12)
    assert d.nines == pytest.approx(-math.log10(1 - p), rel=1e-9)


def test_more_spares_more_nines_and_less_unserved():
    t = _year()
    d1 = fleet.size_gas_fleet(1200.0, t, unit=LM6000, redundancy_units=1)
    d2 = fleet.size_gas_fleet(1200.0, t, unit=LM6000, redundancy_units=2)
    assert d2.nines > d1.nines and d2.expected_unserved_mwh_per_yr < d1.expected_unserved_mwh_per_yr


def test_expected_unserved_single_unit_hand_case():
    # One 46.5 MW unit at ISO carrying 40 MW, q = 0.01: EUE = 0.01 x 40 MW x 8760 h = 3,504 MWh.
    avail, eue = fleet.fleet_availability(np.full(8760, 40.0), 46.5, 1, 0.01)
    assert avail == pytest.approx(0.99, rel=1e-12)
    assert eue == pytest.approx(3504.0, rel=1e-12)
    # a 40 MW battery rides through the whole shortfall
    avail_b, eue_b = fleet.fleet_availability(np.full(8760, 40.0), 46.5, 1, 0.01, battery_power_mw=40.0)
    assert (avail_b, eue_b) == (1.0, 0.0)


def test_redundancy_for_target():
    d = fleet.redundancy_for_target(1200.0, _year(), unit=LM6000, reliability_target_frac=0.99999)
    assert d.availability_frac >= 0.99999
    if d.redundancy_units > 0:
        fewer = fleet.size_gas_fleet(1200.0, _year(), unit=LM6000, redundancy_units=d.redundancy_units - 1)
        assert fewer.availability_frac < 0.99999


def test_bad_inputs_are_rejected():
    with pytest.raises(ConfigError, match="pue"):
        fleet.facility_load_mw(100.0, 0.9)
    with pytest.raises(ConfigError, match="redundancy_units"):
        fleet.size_gas_fleet(100.0, _year(), unit=LM6000, redundancy_units=-1)
    with pytest.raises(ConfigError, match="forced-outage"):
        fleet.size_gas_fleet(100.0, _year(), unit=get_prime_mover("Bloom Energy Server"))


def test_many_sites_match_one_at_a_time():
    rng = np.random.default_rng(3)
    temps = 20.0 + 15.0 * rng.random((4, 8760))
    loads = np.array([120.0, 600.0, 1200.0, 45.0])
    alts = np.array([0.0, 300.0, 1200.0, 50.0])
    many = fleet.size_gas_fleets(loads, temps, unit=LM6000, altitude_m=alts, redundancy_units=2)
    for s in range(4):
        one = fleet.size_gas_fleet(loads[s], temps[s], unit=LM6000, altitude_m=alts[s], redundancy_units=2)
        assert many["units_count"][s] == one.units_count
        # same formulas vectorized: rtol 1e-12
        assert many["hot_hour_capacity_mw"][s] == pytest.approx(one.hot_hour_capacity_mw, rel=1e-12)
        assert many["availability_frac"][s] == pytest.approx(one.availability_frac, rel=1e-12)
        assert many["hot_hour_derate_frac"][s] == pytest.approx(one.hot_hour_derate_frac, rel=1e-12)
