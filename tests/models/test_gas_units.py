"""Gas unit physics against the reference derate values and hand calculations."""

import numpy as np
import pytest

from models import catalog
from models import gas_units as gu
from models.catalog import get_prime_mover
from models.errors import ConfigError

LM6000 = get_prime_mover("GE LM6000PF")
W50SG = get_prime_mover("Wartsila 18V50SG")


def test_gt_temperature_derate_reproduces_class_curve():
    # aeroderivative class curve (Newkirk et al.): 1 - 1.0 %/C above 15 C, floor 0.70, no gain below 15 C:
    # 1.0 at 15 C, 0.80 at 35 C, 0.75 at 40 C, 0.70 at 45 C and beyond. rtol 1e-9: the line's own points.
    got = gu.capacity_multiplier(LM6000, [15.0, 35.0, 40.0, 45.0, 50.0])
    assert got == pytest.approx([1.0, 0.80, 0.75, 0.70, 0.70], rel=1e-9)
    assert gu.capacity_multiplier(get_prime_mover("GE 7HA.02"), 35.0) == pytest.approx(0.86, rel=1e-9)  # H-class


@pytest.mark.parametrize("name", list(catalog.prime_movers()))
def test_no_unit_exceeds_its_rating_at_minus_25c(name):
    # The generator/package limit: on a -25 C day (colder than any point of a temperature curve's hot side) every
    # unit makes at most its catalog MW (the rating at its coldest rated point, ISO 15 C), at sea level and at
    # altitude. Exact: the cap is min(., 1.0).
    unit = get_prime_mover(name)
    if not np.isfinite(unit.iso_capacity_mw):
        pytest.skip(f"{name} has no ISO capacity")
    assert gu.capacity_multiplier(unit, -25.0) == 1.0
    assert gu.available_capacity_mw(unit, -25.0) == unit.iso_capacity_mw
    assert gu.capacity_multiplier(unit, -25.0, 1500.0) <= 1.0


def test_cold_cap_binds_on_a_turbine_curve_that_rises(monkeypatch):
    # The cap sits in capacity_multiplier, so it holds whatever the curve: with the generic GT curve of Rotating
    # Machinery (1.25 at -19 C, extrapolated to 1.25 + 6 x 0.25/34 = 1.294 at -25 C, the 1.29x), the
    # output is still 1.0 x ISO. Exact arithmetic.
    generic = catalog.Curve(np.array([-19.0, 15.0, 40.0]), np.array([1.25, 1.0, 0.83]), False, True)
    assert generic(-25.0) == pytest.approx(1.25 + 6 * 0.25 / 34, rel=1e-12)
    real = gu.derate_curve
    monkeypatch.setattr(gu, "derate_curve", lambda n, c: generic if c == "output_vs_temperature" else real(n, c))
    assert gu.capacity_multiplier(LM6000, [-25.0, -19.0, 15.0, 40.0]) == pytest.approx([1.0, 1.0, 1.0, 0.83],
                                                                                      rel=1e-12)
    assert gu.available_capacity_mw(LM6000, -25.0) == pytest.approx(46.5, rel=1e-12)


def test_aero_altitude_derate_reproduces_nwpcc_points():
    # NWPCC LM6000PD Sprint multipliers: 0.90 at 3000 ft, 0.82 at 5500 ft (exact table points).
    alt = np.array([3000.0, 5500.0]) * 0.3048
    assert gu.capacity_multiplier(LM6000, 15.0, alt) == pytest.approx([0.90, 0.82], rel=1e-12)


def test_engines_lose_far_less_than_turbines_when_hot():
    # Wartsila: full output to ~38 C; the aeroderivative class curve loses 25 % at 40 C.
    assert gu.capacity_multiplier(W50SG, 38.0) == pytest.approx(1.0, rel=1e-12)
    assert gu.capacity_multiplier(W50SG, 40.0) > gu.capacity_multiplier(LM6000, 40.0) + 0.1


def test_gt_heat_rate_rises_with_temperature():
    # generic curve: heat-rate factor 1.10 at 45 C; HHV = LHV x 39.8/36.0 (exact arithmetic, rtol 1e-9)
    hr = gu.full_load_heat_rate_hhv_btu_per_kwh(LM6000, 45.0)
    assert hr == pytest.approx(LM6000.heat_rate_lhv_btu_per_kwh * 39.8 / 36.0 * 1.10, rel=1e-9)


def test_fuel_burn_hand_case():
    # STYLE seed case: 7,000 Btu/kWh at 100 MW for one hour = 700 MMBtu. Build it from an LM6000 at ISO, full
    # load: 46.5 MW x 1 h x 9003.5 Btu/kWh HHV = 418.7 MMBtu (hand calculation, rtol 1e-9: exact arithmetic).
    fuel = gu.fuel_burn_mmbtu_hhv(LM6000, 46.5, 1, 15.0)
    assert fuel == pytest.approx(46.5 * 1000 * LM6000.heat_rate_hhv_btu_per_kwh / 1e6, rel=1e-9)


def test_part_load_fuel_uses_datasheet_multiplier():
    # Cummins C1250 N6 datasheet: heat rate at 50% = 36.6/33.0 = 1.109 x full load.
    u = get_prime_mover("Cummins C1250 N6")
    full = gu.fuel_burn_mmbtu_hhv(u, 1.3, 1, 15.0)
    half = gu.fuel_burn_mmbtu_hhv(u, 0.65, 1, 15.0)
    assert half / full == pytest.approx(0.5 * 1.109, rel=1e-9)


def test_gas_demand_hand_case():
    # 1,029 MMBtu/h for 24 h = 1,000 Mcf/h = 24 MMcf/d (EIA 1,029 Btu/scf; exact arithmetic).
    fuel = np.full(8760, 1029.0)
    fuel[0] = 2058.0
    peak, avg = gu.gas_demand_mmcf_per_day(fuel)
    assert peak == pytest.approx(48.0, rel=1e-12)
    assert avg == pytest.approx(24.0 * (8759 + 2) / 8760, rel=1e-12)


def test_units_committed_min_output_and_starts():
    out = np.array([0.0, 40.0, 47.0, 100.0, 0.0, 10.0])
    on = gu.units_committed(LM6000, out, 15.0)
    assert on.tolist() == [0, 1, 2, 3, 0, 1]
    assert gu.minimum_output_mw(LM6000, on, 15.0)[3] == pytest.approx(3 * 0.25 * 46.5, rel=1e-12)
    assert gu.count_starts(on) == 4.0  # 1 + 1 + 1 at the rises, then 1 after the stop


def test_turbine_part_load_fuel_uses_the_class_curve():
    # LM6000 at half load: heat rate x 1/0.779725 (Buttler et al. 2015 simple-cycle curve, catalog 1.2825), so
    # half the output burns 0.5 x 1.2825 of the full-load fuel; a 7HA.02 CC at half load 0.5 x 1.1264.
    # rtol 1e-9: the catalog multipliers, exact arithmetic.
    full = gu.fuel_burn_mmbtu_hhv(LM6000, 46.5, 1, 15.0)
    half = gu.fuel_burn_mmbtu_hhv(LM6000, 23.25, 1, 15.0)
    assert half / full == pytest.approx(0.5 * 1.2825, rel=1e-9)
    cc = get_prime_mover("GE 7HA.02 CC")
    assert gu.fuel_burn_mmbtu_hhv(cc, 234.0, 1, 15.0) / gu.fuel_burn_mmbtu_hhv(cc, 468.0, 1, 15.0) == \
        pytest.approx(0.5 * 1.1264, rel=1e-9)


def test_altitude_out_of_range_is_rejected():
    with pytest.raises(ConfigError, match="altitude_m"):
        gu.capacity_multiplier(LM6000, 15.0, 9000.0)
