"""Unit constants against their published definitions (STYLE.md seed cases)."""

import pytest

from models import units


def test_btu_per_kwh_is_100_percent_efficiency():
    # STYLE.md seed case and NIST SP 811: 3412.14 Btu/kWh; rtol 1e-6 covers the 2-decimal quote
    assert units.BTU_PER_KWH == pytest.approx(3412.14, rel=1e-6)


def test_fuel_cost_of_7000_btu_per_kwh_at_3_usd():
    # STYLE.md seed case: 7,000 Btu/kWh x $3/MMBtu = $21/MWh (exact arithmetic)
    heat_rate_btu_per_kwh, price_usd_per_mmbtu = 7000.0, 3.0
    usd_per_mwh = heat_rate_btu_per_kwh * units.KWH_PER_MWH / units.BTU_PER_MMBTU * price_usd_per_mmbtu
    assert usd_per_mwh == pytest.approx(21.0, rel=1e-12)


def test_volume_and_length_definitions():
    assert units.GAL_PER_M3 == pytest.approx(264.172052, rel=1e-8)  # NIST Handbook 44
    assert units.M2_PER_ACRE / units.M2_PER_KM2 * 247.105381 == pytest.approx(1.0, rel=1e-8)
    assert units.KM_PER_MILE == 1.609344


def test_temperature_conversions_are_inverse():
    assert units.degf_to_degc(59.0) == pytest.approx(15.0)  # ISO 59 F = 15 C
    assert units.degc_to_degf(units.degf_to_degc(95.0)) == pytest.approx(95.0)


def test_hhv_lhv_ratio_matches_reference():
    # ../shared/reference gas_supply.csv: ratio ~1.106 (39.8 / 36.0 MJ/m3)
    assert units.HHV_PER_LHV_NATURAL_GAS == pytest.approx(1.106, abs=5e-4)
