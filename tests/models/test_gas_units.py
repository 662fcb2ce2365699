"""Gas unit physics against the reference derate values and hand calculations."""

import numpy as np
import pytest

from models import gas_units as gu
from models.catalog import get_prime_mover
from models.errors import ConfigError

LM6000 = get_prime_mover("GE LM6000PF")
W50SG = get_prime_mover("Wartsila 18V50SG")


def test_gt_temperature_derate_reproduces_reference_points():
    # derates.csv (Rotating Machinery generic GT curve): 1.25 at -19 C, 1.0 at 15 C, 0.83 at 40 C.
    # rtol 1e-12: table points are reproduced exactly.
    assert gu.capacity_multiplier(LM6000, [-19.0, 15.0, 40.0]) == pytest.approx([1.25, 1.0, 0.83], rel=1e-12)


def test_aero_altitude_derate_reproduces_nwpcc_points():
    # NWPCC LM6000PD Sprint multipliers: 0.90 at 3000 ft, 0.82 at 5500 ft (exact table points).
    alt = np.array([3000.0, 5500.0]) * 0.3048
    assert gu.capacity_multiplier(LM6000, 15.0, alt) == pytest.approx([0.90, 0.82], rel=1e-12)


def test_engines_lose_far_less_than_turbines_when_hot():
    # Wartsila: full output to ~38 C; GT generic curve loses 17% at 40 C.
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


def test_altitude_out_of_range_is_rejected():
    with pytest.raises(ConfigError, match="altitude_m"):
        gu.capacity_multiplier(LM6000, 15.0, 9000.0)
