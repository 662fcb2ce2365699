"""Fleet reliability: k-of-N availability, planned maintenance, expected unserved energy, sizing to a target.

Reference values: binomial hand calculations written out here; the capacity outage probability
table of Billinton and Allan; the published tables of Newkirk et al. (their own figures re-derived).
"""

import math

import numpy as np
import pytest
from scipy.stats import binom

from models import reliability as rl
from models.catalog import get_prime_mover, prime_movers
from models.errors import ConfigError
from models.gas_units import available_capacity_mw

LM6000 = get_prime_mover("GE LM6000PF")
HOURS = 8760


def _flat(value, hours=HOURS):
    return np.full(hours, float(value))


# ---------------------------------------------------------------------------------------------
# k-of-N availability and expected unserved energy: hand calculations
# ---------------------------------------------------------------------------------------------

def test_k_of_n_availability_binomial_hand_calculation():
    # 4 units, 3 needed, q = 0.05 (p = 0.95): available when 4 or 3 units are up:
    # P = p^4 + 4 p^3 q = 0.81450625 + 4 x 0.857375 x 0.05 = 0.81450625 + 0.171475 = 0.98598125
    assert rl.k_of_n_availability_frac(4, 3, 0.05) == pytest.approx(0.98598125, rel=1e-12)  # exact decimals
    assert rl.k_of_n_availability_frac(4, 0, 0.05) == 1.0 and rl.k_of_n_availability_frac(4, 5, 0.05) == 0.0


def test_fleet_availability_and_unserved_energy_hand_case():
    # Flat 120 MW on 4 x 50 MW units, q = 0.05, no maintenance. Short when 2 or fewer units are up:
    # P(X=2) = 6 p^2 q^2 = 6 x 0.9025 x 0.0025 = 0.0135375; P(X=1) = 4 p q^3 = 0.000475; P(X=0) = q^4 = 6.25e-6.
    # Availability = 1 - (0.0135375 + 0.000475 + 0.00000625) = 0.98598125 (as the k-of-N case).
    # EUE per hour = 0.0135375 x (120 - 100) + 0.000475 x (120 - 50) + 6.25e-6 x 120
    #              = 0.27075 + 0.03325 + 0.00075 = 0.30475 MW -> x 8760 h = 2,669.61 MWh/yr.
    r = rl.fleet_reliability(_flat(120.0), _flat(120.0), 50.0, 4, forced_outage_rate_frac=0.05)
    assert (r.units_running_needed, r.redundancy_units) == (3, 1)
    # rtol 1e-12: the same sums evaluated by a different route (binomial recurrence vs decimals)
    assert r.availability_frac == pytest.approx(0.98598125, rel=1e-12)
    assert r.binding_hour_availability_frac == pytest.approx(0.98598125, rel=1e-12)
    assert r.expected_unserved_mwh_per_yr == pytest.approx(0.30475 * 8760, rel=1e-12)
    assert r.loss_of_load_hours_per_yr == pytest.approx((0.0135375 + 0.000475 + 6.25e-6) * 8760, rel=1e-12)
    assert r.nines == pytest.approx(-math.log10(1 - 0.98598125), rel=1e-9)
    # the per-hour function gives the same expectation
    assert rl.expected_unserved_mw(120.0, 50.0, 4, 0.05) == pytest.approx(0.30475, rel=1e-12)


def test_unserved_energy_is_computed_at_the_served_load():
    # Nameplate 120 MW sizes the fleet and sets availability; the IT runs at 50 % utilisation, 60 MW served.
    # At 60 MW only X <= 1 is short: 0.000475 x (60 - 50) + 6.25e-6 x 60 = 0.00475 + 0.000375 = 0.005125 MW
    # -> 44.895 MWh/yr, against 2,669.61 MWh/yr at nameplate.
    r = rl.fleet_reliability(_flat(120.0), _flat(60.0), 50.0, 4, forced_outage_rate_frac=0.05)
    assert r.availability_frac == pytest.approx(0.98598125, rel=1e-12)
    assert r.expected_unserved_mwh_per_yr == pytest.approx(0.005125 * 8760, rel=1e-12)
    assert r.availability_at_served_load_frac == pytest.approx(1 - (0.000475 + 6.25e-6), rel=1e-12)


def test_battery_ride_through_counts_as_capacity():
    # 120 MW, 4 x 50 MW, 20 MW battery: short only when X <= 1 (2 x 50 + 20 = 120 covers the load):
    # unavailability = P(X<=1) = 0.000475 + 6.25e-6 = 0.00048125
    r = rl.fleet_reliability(_flat(120.0), _flat(120.0), 50.0, 4, forced_outage_rate_frac=0.05, battery_power_mw=20.0)
    assert r.availability_frac == pytest.approx(1 - 0.00048125, rel=1e-12)


def test_billinton_allan_capacity_outage_table_n_plus_1_and_n_plus_2():
    # Billinton & Allan, Reliability Evaluation of Power Systems, 2nd ed. (1996), ch. 2: five 40 MW units, each
    # with a forced outage rate of 0.01; individual probabilities of 0, 40, 80, 120 MW out printed to 8 decimals:
    # 0.95099005, 0.04802980, 0.00097030, 0.00000980 (the binomial(5, 0.99) terms).
    # N+1: 160 MW load (4 of 5 needed) -> 0.95099005 + 0.04802980 = 0.99901985
    # N+2: 120 MW load (3 of 5 needed) -> + 0.00097030 = 0.99999015
    # tolerance 5e-9 absolute: the table's rounding to 8 decimals
    n1 = rl.fleet_reliability(_flat(160.0), _flat(160.0), 40.0, 5, forced_outage_rate_frac=0.01)
    n2 = rl.fleet_reliability(_flat(120.0), _flat(120.0), 40.0, 5, forced_outage_rate_frac=0.01)
    assert n1.redundancy_units == 1 and n2.redundancy_units == 2
    assert n1.availability_frac == pytest.approx(0.99901985, abs=1e-8)
    assert n2.availability_frac == pytest.approx(0.99999015, abs=1e-8)


# ---------------------------------------------------------------------------------------------
# Planned maintenance
# ---------------------------------------------------------------------------------------------

def test_planned_maintenance_without_a_spare_causes_shortfall():
    # Newkirk et al.'s own hand case (tests/test_core.py, test_eue_planned_spare_capacity, F-class 190 h/yr):
    # 2 x 200 MW at 300 MW, no spare. Their model books a whole unit per maintenance hour:
    # 200 MW x 190 h x 2 = 76,000 MWh/yr. Here the shortfall of an hour with one unit out is the load the
    # remaining unit cannot carry: 300 - 200 = 100 MW, for 2 x 190 = 380 unit-hours -> 38,000 MWh/yr (q = 0
    # isolates maintenance), the difference being their choice of booking the unit's rating.
    r = rl.fleet_reliability(_flat(300.0), _flat(300.0), 200.0, 2, forced_outage_rate_frac=0.0,
                             planned_outage_hours_per_yr=190.0)
    assert r.redundancy_units == 0
    assert r.uncovered_maintenance_unit_hours_per_yr == pytest.approx(380.0, rel=1e-12)
    assert r.expected_unserved_mwh_per_yr == pytest.approx(100.0 * 380.0, rel=1e-12)
    assert r.availability_frac == pytest.approx(1 - 380.0 / 8760, rel=1e-12)


def test_planned_maintenance_with_a_spare_is_covered_but_costs_cover():
    # 3 x 200 MW at 300 MW: one spare. 3 x 190 = 570 unit-hours of maintenance each take the spare; with
    # q = 0 nothing is short. With q = 0.05 the 570 maintenance hours run on 2 units (need 2):
    # hourly unavailability with 3 up = P(X<=1 of 3) = 3 p q^2 + q^3 = 0.007125 + 0.000125 = 0.00725;
    # with 2 up = 1 - p^2 = 0.0975. Year: (8190 x 0.00725 + 570 x 0.0975) / 8760.
    r0 = rl.fleet_reliability(_flat(300.0), _flat(300.0), 200.0, 3, forced_outage_rate_frac=0.0,
                              planned_outage_hours_per_yr=190.0)
    assert (r0.availability_frac, r0.expected_unserved_mwh_per_yr, r0.uncovered_maintenance_unit_hours_per_yr) \
        == (1.0, 0.0, 0.0)
    r = rl.fleet_reliability(_flat(300.0), _flat(300.0), 200.0, 3, forced_outage_rate_frac=0.05,
                             planned_outage_hours_per_yr=190.0)
    want = (8190 * 0.00725 + 570 * 0.0975) / 8760
    assert 1 - r.availability_frac == pytest.approx(want, rel=1e-12)
    assert r.uncovered_maintenance_unit_hours_per_yr == 0.0


def test_maintenance_goes_to_the_lowest_load_days():
    # Load high in the first half of the year (needs 3 of 4 units), low in the second half (needs 2):
    # 4 units x 300 h = 1,200 unit-hours fit in the low-load half with the spare left as even as possible:
    # every low-load day gets units before any high-load day does.
    load = np.where(np.arange(HOURS) < 4380, 140.0, 90.0)
    m = rl.maintenance_schedule(load, 50.0, 4, planned_outage_hours_per_yr=300.0)
    assert m.sum() == 1200
    assert m[:4380].sum() == 0 and m[4380:].max() == 1  # one unit at a time leaves one spare in the low half
    r = rl.fleet_reliability(load, load, 50.0, 4, forced_outage_rate_frac=0.0, planned_outage_hours_per_yr=300.0)
    assert r.uncovered_maintenance_unit_hours_per_yr == 0.0 and r.availability_frac == 1.0
    # with 1,500 h per unit (6,000 unit-hours) the low half (4,380 h x 2 spares = 8,760) still holds it all,
    # now two units at a time on some days
    m = rl.maintenance_schedule(load, 50.0, 4, planned_outage_hours_per_yr=1500.0)
    assert m.sum() == 6000 and m[:4380].sum() == 0 and m.max() == 2


def test_maintenance_blocks_are_whole_days():
    load = 100.0 + 10.0 * np.sin(np.arange(HOURS) / HOURS * 2 * np.pi)
    m = rl.maintenance_schedule(load, 60.0, 3, planned_outage_hours_per_yr=96.0)  # 3 x 96 h = 12 unit-days
    days = m.reshape(365, 24)
    assert m.sum() == 288
    assert np.all(days.min(axis=1) == days.max(axis=1))  # whole days (288 h is a whole number of days)


# ---------------------------------------------------------------------------------------------
# Sizing to a target
# ---------------------------------------------------------------------------------------------

def _hot_year():
    t = 20.0 + 10.0 * np.sin(np.arange(HOURS) / HOURS * 2 * np.pi - 1.6)
    t[5000] = 40.0
    return t


def test_raising_the_target_adds_a_unit():
    t = _hot_year()
    load = fleet_load = 600.0
    lo = rl.size_fleet_for_target(fleet_load, 0.8 * load, t, unit=LM6000, reliability_target_frac=0.999)
    hi = rl.size_fleet_for_target(fleet_load, 0.8 * load, t, unit=LM6000, reliability_target_frac=0.99999)
    assert lo.target_met and hi.target_met
    assert hi.units_count > lo.units_count
    # the fleet one unit smaller than the 0.99999 answer misses 0.99999 (it is the least), checked independently
    # with the binding-hour binomial: N units needed there, X ~ Binomial(units, 1 - q)
    cap = LM6000.iso_capacity_mw * (1 - hi.hot_hour_derate_frac)
    need = math.ceil(fleet_load / cap - 1e-9)
    assert need == hi.units_running_needed
    smaller = hi.units_count - 1
    table = rl.availability_by_spares(fleet_load, 0.8 * load, t, unit=LM6000, max_redundancy_units=hi.redundancy_units)
    row = table.loc[hi.redundancy_units - 1]
    assert row["units_count"] == smaller
    assert row["availability_frac"] < 0.99999 or row["binding_hour_availability_frac"] < 0.99999
    # the binding hour has no maintenance (spare days exist), so its availability is the plain k-of-N figure
    assert hi.binding_hour_availability_frac == pytest.approx(
        binom.sf(need - 1, hi.units_count, 1 - LM6000.forced_outage_rate_frac), rel=1e-12)


def test_the_sizing_search_finds_the_first_fleet_of_the_full_table():
    # the search starts near a binding-hour lower bound; the exhaustive table over k = 0..12 must agree
    t = _hot_year()
    table = rl.availability_by_spares(600.0, 480.0, t, unit=LM6000, max_redundancy_units=12)
    for target in (0.95, 0.99, 0.999, 0.9999, 0.99999, 0.999999):
        ok = table[(1 - table["availability_frac"] <= 1 - target)
                   & (1 - table["binding_hour_availability_frac"] <= 1 - target)]
        d = rl.size_fleet_for_target(600.0, 480.0, t, unit=LM6000, reliability_target_frac=target,
                                     max_redundancy_units=12)
        assert d.redundancy_units == ok.index[0], target
        assert d.availability_frac == table.loc[ok.index[0], "availability_frac"]


def test_scenario_k_is_a_floor_and_a_missed_target_is_said():
    t = _hot_year()
    d = rl.size_fleet_for_target(600.0, 480.0, t, unit=LM6000, reliability_target_frac=0.9, min_redundancy_units=3)
    assert d.redundancy_units == 3 and d.target_met and "floor" in d.reason
    miss = rl.size_fleet_for_target(600.0, 480.0, t, unit=LM6000, reliability_target_frac=0.999999999,
                                    max_redundancy_units=2)
    assert not miss.target_met and miss.redundancy_units == 2
    assert "misses" in miss.reason and "max_redundancy_units" in miss.reason


def test_availability_by_spares_rises_with_spares():
    table = rl.availability_by_spares(600.0, 480.0, _hot_year(), unit=LM6000, max_redundancy_units=5)
    assert list(table.index) == [0, 1, 2, 3, 4, 5]
    assert np.all(np.diff(table["availability_frac"]) > 0)
    assert np.all(np.diff(table["expected_unserved_mwh_per_yr"]) < 0)
    assert np.all(np.diff(table["units_count"]) == 1)


def test_no_spare_fleet_reports_uncovered_maintenance_at_the_binding_load():
    # flat load and temperature: every hour needs N units, so an N+0 fleet has no spare hour for maintenance
    t = np.full(HOURS, 25.0)
    cap = float(available_capacity_mw(LM6000, 25.0))
    load = 10 * cap  # exactly 10 units
    table = rl.availability_by_spares(load, load, t, unit=LM6000, max_redundancy_units=1)
    assert table.loc[0, "uncovered_maintenance_unit_hours_per_yr"] == pytest.approx(10 * 613.2, abs=0.5)
    assert table.loc[1, "uncovered_maintenance_unit_hours_per_yr"] == 0.0


def test_many_sites_equal_one_at_a_time():
    rng = np.random.default_rng(5)
    t = np.round(_hot_year() + rng.normal(0, 1.5, HOURS), 1)
    pue = 1.1 + 0.01 * np.clip(t - 18, 0, None)
    it = np.array([80.0, 400.0, 1200.0, 35.0])
    alt = np.array([0.0, 600.0, 1500.0, 100.0])
    bat = np.array([0.0, 20.0, 0.0, 5.0])
    served = 0.8 * pue
    many = rl.size_fleets_for_target(pue, served, t, it_load_mw=it, altitude_m=alt, battery_power_mw=bat,
                                     unit=LM6000, reliability_target_frac=0.9999, min_redundancy_units=1,
                                     chunk_sites=3)
    for s in range(it.size):
        one = rl.size_fleet_for_target(it[s] * pue, it[s] * served, t, unit=LM6000, altitude_m=alt[s],
                                       battery_power_mw=bat[s], reliability_target_frac=0.9999,
                                       min_redundancy_units=1)
        for key, v in many.items():
            # the same compiled kernel on the same numbers: identical
            assert v[s] == getattr(one, key), (s, key)


def test_bad_inputs_are_refused():
    t = _hot_year()
    with pytest.raises(ConfigError, match="served_load_mw"):
        rl.size_fleet_for_target(100.0, 120.0, t, unit=LM6000, reliability_target_frac=0.999)
    with pytest.raises(ConfigError, match="reliability_target_frac"):
        rl.size_fleet_for_target(100.0, 80.0, t, unit=LM6000, reliability_target_frac=1.0)
    with pytest.raises(ConfigError, match="forced-outage"):
        rl.size_fleet_for_target(100.0, 80.0, t, unit=get_prime_mover("Bloom Energy Server"),
                                 reliability_target_frac=0.999)
    with pytest.raises(ConfigError, match="max_redundancy_units"):
        rl.size_fleet_for_target(100.0, 80.0, t, unit=LM6000, reliability_target_frac=0.999,
                                 min_redundancy_units=3, max_redundancy_units=2)


# ---------------------------------------------------------------------------------------------
# Newkirk et al. (AI-Datacenter-Microgrid-Analysis), published table re-derived
# ---------------------------------------------------------------------------------------------
# Rows of output_tables/ng_3yr_sensitivity_results_v2.csv (GitHub acnewkirk/AI-Datacenter-Microgrid-Analysis,
# commit 7044817): (h3 index, configuration, annual_pue, eue_total_mwh). All are 100,000 GPUs.
NEWKIRK_ROWS = [
    ("8412c93ffffffff", "2x GE 6F.03 CC", 1.0983882213464475, 2405.6960586288706),
    ("8429a9dffffffff", "2x GE 6F.03 CC", 1.098485092061746, 2405.900350804474),
    ("8427081ffffffff", "4x Siemens SGT-A45 SC", 1.103164000949038, 3084.6095305768476),
    ("8427181ffffffff", "4x Siemens SGT-A45 SC", 1.1047636258586835, 3100.734958849995),
    ("8444dc1ffffffff", "3x Siemens SGT-800 SC", 1.1257298135719387, 6250.98660994017),
    ("8448dc5ffffffff", "3x Siemens SGT-800 SC", 1.0991561870293884, 5965.066112148927),
]
# Their inputs (src/config.py, src/natgas_system_tool.py TURBINE_LIBRARY at the same commit): unit MW, the
# equivalent availability factor EAF, maintenance hours by class (aero 130, F-class 190); EFOR = 1 - EAF - h/8760.
NEWKIRK_UNITS = {
    "2x GE 6F.03 CC": (2, 258.21495652173917 / 2, 0.93, 190.0),
    "4x Siemens SGT-A45 SC": (4, 44.0, 0.94, 130.0),
    "3x Siemens SGT-800 SC": (3, 62.0, 0.92, 130.0),
}


def _newkirk_average_demand_mw(annual_pue):
    # Their served (average) load: 100,000 GPUs / 8 per node x 7.3 kW = 91.25 MW IT, at 99 % required uptime,
    # IT and cooling ((PUE - 1) x IT) grossed up by their natural-gas bus multipliers (src/power_systems_estimator):
    # bus->IT 1/(0.99 x 0.94), bus->cooling 1/0.97, source->bus 1/(0.98 x 0.99 x 0.99 x 0.94).
    it = 100000 // 8 * 7.3 / 1000
    return 0.99 * it * (1 / (0.99 * 0.94) + (annual_pue - 1) / 0.97) / (0.98 * 0.99 * 0.99 * 0.94)


def _newkirk_eue(n, unit_mw, efor, maint_h, demand_mw, cap_each_state_at_one_unit=True):
    # their calculate_eue_forced + calculate_eue_planned, written out
    m = math.ceil(demand_mw / unit_mw)
    eue = 0.0
    for k in range(0, min(m, n + 1)):
        pk = math.comb(n, k) * (1 - efor) ** k * efor ** (n - k)
        short = (min(demand_mw, k * unit_mw + unit_mw) - k * unit_mw) if cap_each_state_at_one_unit \
            else demand_mw - k * unit_mw
        eue += pk * max(short, 0.0) * 8760
    if n <= m:
        eue += min(unit_mw, demand_mw) * maint_h * n
    return eue


@pytest.mark.parametrize("h3, config, pue, published", NEWKIRK_ROWS)
def test_newkirk_published_eue_is_re_derived_and_our_differences_explained(h3, config, pue, published):
    n, unit_mw, eaf, maint_h = NEWKIRK_UNITS[config]
    efor = 1 - eaf - maint_h / 8760
    demand = _newkirk_average_demand_mw(pue)
    # 1. their published figure, from their own inputs: to rounding (rtol 1e-12)
    assert _newkirk_eue(n, unit_mw, efor, maint_h, demand) == pytest.approx(published, rel=1e-12)
    # Same fleet here: served load = their average demand (both compute EUE at the load actually drawn),
    # ISO unit rating every hour (they do not derate for temperature in EUE), q = their EFOR.
    nameplate = _flat(demand)
    # 2. forced outages alone (no maintenance): the k-of-N binomial agrees; the one model difference is that
    # they cap each outage state's shortfall at one unit's rating (min(demand - k P, P)), where the shortfall
    # of a state is all the load the available units cannot carry. Without the cap their formula gives ours.
    ours = rl.fleet_reliability(nameplate, nameplate, unit_mw, n, forced_outage_rate_frac=efor)
    full = _newkirk_eue(n, unit_mw, efor, 0.0, demand, cap_each_state_at_one_unit=False)
    assert ours.expected_unserved_mwh_per_yr == pytest.approx(full, rel=1e-12)
    assert ours.expected_unserved_mwh_per_yr >= published * (1 - 1e-12)  # the cap only removes shortfall
    # 3. planned maintenance: with a spare they book none; here each unit's hours take the spare, one unit at a
    # time (flat load: n x h hours), and in those hours the n - 1 units left carry the forced-outage risk:
    # EUE = (8760 - n h) e(n) + n h e(n - 1), e(u) the hourly expectation with u units.
    assert n > math.ceil(demand / unit_mw)  # these rows all have a spare
    with_maint = rl.fleet_reliability(nameplate, nameplate, unit_mw, n, forced_outage_rate_frac=efor,
                                      planned_outage_hours_per_yr=maint_h)
    e_n = float(rl.expected_unserved_mw(demand, unit_mw, n, efor))
    e_n1 = float(rl.expected_unserved_mw(demand, unit_mw, n - 1, efor))
    hand = (8760 - n * maint_h) * e_n + n * maint_h * e_n1
    assert with_maint.expected_unserved_mwh_per_yr == pytest.approx(hand, rel=1e-12)
    assert with_maint.uncovered_maintenance_unit_hours_per_yr == 0.0
    assert with_maint.expected_unserved_mwh_per_yr > ours.expected_unserved_mwh_per_yr


# ---------------------------------------------------------------------------------------------
# Catalog: outage rates on one basis
# ---------------------------------------------------------------------------------------------

def test_every_outage_rate_is_on_one_sourced_basis():
    # NREL ReEDS-2.0 static inputs: forced Gas-CT 0.05, Gas-CC 0.05, ice 0.01; scheduled 0.07, 0.10, 0.01 of 8,760 h
    classes = {"Gas-CT": (0.05, 0.07 * 8760), "Gas-CC": (0.05, 0.10 * 8760), "ice": (0.01, 0.01 * 8760)}
    for unit in prime_movers().values():
        if unit.unit_class == "fuel_cell":
            assert math.isnan(unit.forced_outage_rate_frac) and "left empty" in unit.outage_basis
            continue
        tech = "ice" if unit.unit_class == "reciprocating_engine" else \
            "Gas-CC" if unit.configuration == "combined_cycle" else "Gas-CT"
        assert unit.outage_basis.startswith("class-typical, one basis") and tech in unit.outage_basis, unit.name
        fo, planned = classes[tech]
        assert unit.forced_outage_rate_frac == fo, unit.name
        assert unit.planned_outage_hours_per_yr == pytest.approx(planned, abs=0.05), unit.name  # 1 decimal in CSV
        assert "forced_outage_rate_frac" in unit.class_typical_fields
        assert "ReEDS-2.0" in unit.outage_source and "outage_forced_static.csv" in unit.outage_source_url
    assert get_prime_mover("Siemens SGT-800").forced_outage_rate_frac == 0.05  # the 0.3 % vendor figure is gone
