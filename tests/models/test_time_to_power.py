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
