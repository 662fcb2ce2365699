"""Time to power: catalog lead times, the LBNL queue median and idle-capital cost."""

import math

import pytest

from models import time_to_power as ttp
from models.catalog import get_prime_mover
from models.errors import ConfigError


def test_grid_default_is_lbnl_median():
    # LBNL Queued Up 2025: median 55 months request-to-COD for 2024 CODs (grid.csv)
    assert ttp.grid_wait_months_default() == 55.0


def test_idle_capital_hand_case():
    # 1 GW x $50B/GW x ((1.10)^(1/12) - 1) = 50e9 x 0.0079741 = $398.7M per month (hand calculation, exact formula)
    assert ttp.idle_capital_usd_per_month(1000.0, 0.10) == pytest.approx(50e9 * (1.1 ** (1 / 12) - 1), rel=1e-12)
    assert ttp.idle_capital_usd_per_month(1000.0, 0.10) == pytest.approx(398.7e6, rel=1e-3)


def test_engines_beat_turbines_beat_grid():
    eng = ttp.first_power("gas_only", get_prime_mover("Wartsila 18V50SG"), start_year=2026.0)
    aero = ttp.first_power("gas_only", get_prime_mover("GE LM6000PF"), start_year=2026.0)
    grid = ttp.first_power("grid_with_backup", None, start_year=2026.0)
    bridge = ttp.first_power("bridge_to_grid", get_prime_mover("Wartsila 18V50SG"), start_year=2026.0, grid_wait_yr=3)
    assert eng.months_to_first_power == 15.0  # gas engines 12-18 months (midpoint)
    assert aero.months_to_first_power == 48.0  # new OEM turbines 3-5 years (midpoint)
    assert grid.months_to_first_power == 55.0
    assert bridge.months_to_first_power == 15.0 and bridge.months_to_grid == 36.0
    assert math.isnan(eng.months_to_grid)
    assert eng.first_power_year == pytest.approx(2027.25, rel=1e-12)
    out = ttp.compare([eng, aero, grid], it_load_mw=100.0, cost_of_capital_frac=0.08)
    per_month = ttp.idle_capital_usd_per_month(100.0, 0.08)
    assert out[0].waiting_cost_usd == 0.0
    assert out[2].waiting_cost_usd == pytest.approx(40 * per_month, rel=1e-12)


def test_bad_design():
    with pytest.raises(ConfigError, match="gas_only"):
        ttp.first_power("nuclear", None, start_year=2026.0)


def test_permit_can_set_the_date_for_fast_equipment():
    # Bloom servers deploy in ~3 months; a PSD permit takes up to 12 months (CAA 165(c)); engines 15 months
    fc = get_prime_mover("Bloom Energy Server")
    assert ttp.first_power("gas_only", fc, start_year=2026.0, permit_path="psd_major").months_to_first_power == 12.0
    assert ttp.first_power("gas_only", fc, start_year=2026.0, permit_path="minor_source").months_to_first_power == 6.0
    eng = get_prime_mover("Wartsila 18V50SG")
    r = ttp.first_power("gas_only", eng, start_year=2026.0, permit_path="psd_major")
    assert r.months_to_first_power == 15.0 and "lead time" in r.binding_item
    assert math.isnan(ttp.permit_months("unknown"))
    with pytest.raises(ConfigError, match="psd_major"):
        ttp.permit_months("fast_track")


# --- chain API -------------------------------------------------------------------------
def test_chain_is_max_of_procurement_permit_offsets_plus_construction():
    # equipment_schedule.csv: frame 48 months procurement (OEM 3-5 yr midpoint) + 24 construction (AEO2026 2 yr);
    # CC same turbine + 36 (AEO2026 3 yr); engines 12 + 6; trailer-mounted 0.07 + 0.46 (permit-bound).
    frame = ttp.months_to_first_power("frame_simple_cycle", "psd_major", None)
    cc = ttp.months_to_first_power("combined_cycle", "psd_major", None)
    aero = ttp.months_to_first_power("aeroderivative", "psd_major", None)
    trailer = ttp.months_to_first_power("trailer_mounted_aeroderivative", "psd_major", None)
    engine = ttp.months_to_first_power("reciprocating_engine", "minor_source", None)
    assert frame.months_to_first_power == 48 + 24 and cc.months_to_first_power == 48 + 36
    assert cc.months_to_first_power > frame.months_to_first_power  # same turbine, more to build
    assert engine.months_to_first_power == 12 + 6
    # a trailer-mounted unit waits for its PSD permit (12 months, CAA 165(c)), then installs in 0.46 months
    assert trailer.months_to_first_power == pytest.approx(12 + 0.46, rel=1e-12)
    assert trailer.critical_path == ("permitting", "construction")
    assert trailer.months_to_first_power < aero.months_to_first_power
    assert [s.step for s in frame.steps] == ["procurement", "permitting", "construction"]
    assert all(s.source and (s.source_url.startswith("http") or "http" in s.source_url) for s in frame.steps)
    assert any(line.startswith("*") for line in frame.lines())


def test_grid_uses_the_large_load_connection_not_the_generator_queue():
    # ERCOT large loads 24-36+ months (upper end 36, a lower bound); Dominion up to 7 years; never LBNL's 55
    ercot = ttp.months_to_first_power(None, "unknown", None, grid_region="ercot")
    pjm = ttp.months_to_first_power(None, "unknown", None, grid_region="pjm_dominion")
    assert ercot.months_to_first_power == 36 and pjm.months_to_first_power == 84
    assert "lower bound" in ercot.steps[0].note
    bridge = ttp.months_to_first_power("reciprocating_engine", "minor_source", None, grid_region="ercot")
    assert bridge.months_to_first_power == 18 and bridge.months_to_grid == 36
    with pytest.raises(ConfigError, match="grid_region"):
        ttp.months_to_first_power(None, "minor_source", None)


def test_offsets_step_in_nonattainment_areas():
    # serious ozone area: NNSR offsets at 1.2:1 (EPA sample requirements); acquisition time not sourced
    c = ttp.months_to_first_power("reciprocating_engine", "nonattainment_nsr", "serious")
    off = [s for s in c.steps if s.step == "offsets"][0]
    assert "1.2:1" in off.note and off.months == 12 and c.months_to_first_power == 12 + 6
    slow = ttp.months_to_first_power("reciprocating_engine", "nonattainment_nsr", "serious", offsets_months=20)
    assert slow.months_to_first_power == 20 + 6 and slow.critical_path[0] == "offsets"
    unknown = ttp.months_to_first_power("fuel_cell", "unknown", None)
    assert math.isnan([s for s in unknown.steps if s.step == "permitting"][0].months)
    with pytest.raises(ConfigError, match="psd_major"):
        ttp.months_to_first_power("fuel_cell", "fast_track", None)


def test_waiting_cost_per_month_by_hand():
    # 1 GW: $50B x ((1.10)^(1/12) - 1) + $35B / (5 yr x 12) = 398.7M + 583.3M (2025$), datacenter_facts.csv
    expect = 50e9 * (1.1 ** (1 / 12) - 1) + 35e9 / 60
    assert ttp.waiting_cost_usd_per_month(1000.0, 0.10, dollar_year=2025) == pytest.approx(expect, rel=1e-12)
    assert ttp.waiting_cost_usd_per_month(1000.0, 0.10, dollar_year=2024) == pytest.approx(
        expect * 313.689 / 321.943, rel=1e-12)


def test_value_of_months_saved_is_bounded_by_the_months_saved():
    out = ttp.value_of_months_saved({"engines": 18.0, "cc": 84.0, "grid": 36.0}, it_load_mw=500.0,
                                    cost_of_capital_frac=0.08, dollar_year=2025)
    per_month = ttp.waiting_cost_usd_per_month(500.0, 0.08, dollar_year=2025)
    assert out["engines"]["waiting_cost_usd"] == 0.0
    assert out["grid"]["months_behind_fastest"] == 18.0
    assert out["grid"]["waiting_cost_usd"] == pytest.approx(18 * per_month, rel=1e-12)
    # 66 months behind exceeds the 60-month hardware life: the hardware part stops at its value
    hw_month = 35e9 * 0.5 / 60
    assert out["cc"]["waiting_cost_usd"] == pytest.approx(66 * (per_month - hw_month) + 60 * hw_month, rel=1e-12)
    assert out["cc"]["waiting_cost_usd"] < 66 * per_month
