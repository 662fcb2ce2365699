"""Dollar years (CPI-U), costs by equipment class and basis, class of every catalog unit, level cost."""

import dataclasses

import numpy as np
import pytest

from models import money
from models import sizing as sz
from models.catalog import get_prime_mover, prime_movers
from models.errors import DataError, UnknownNameError

# CPI-U annual averages, BLS CUUR0000SA0 (reference cost_baselines.csv price_index rows)
CPI = {2017: 245.12, 2022: 292.655, 2023: 304.702, 2024: 313.689, 2025: 321.943}


def test_to_dollar_year_against_the_cpi_rows_by_hand():
    # $1,092.80 of 2022 in 2024 dollars: 1092.8 x 313.689 / 292.655 = 1171.34 (hand, from the CPI rows)
    assert money.to_dollar_year(1092.8, 2022, 2024) == pytest.approx(1092.8 * CPI[2024] / CPI[2022], rel=1e-12)
    assert money.to_dollar_year(1092.8, 2022, 2024) == pytest.approx(1171.34, abs=0.01)
    # vectorised over amounts and years; same year is the identity; a round trip returns the amount
    out = money.to_dollar_year(np.array([100.0, 200.0, 300.0]), np.array([2017, 2023, 2025]), 2025)
    np.testing.assert_allclose(out, [100 * CPI[2025] / CPI[2017], 200 * CPI[2025] / CPI[2023], 300.0], rtol=1e-12)
    assert money.to_dollar_year(5.0, 2024, 2024) == 5.0
    assert money.to_dollar_year(money.to_dollar_year(7.0, 2017, 2025), 2025, 2017) == pytest.approx(7.0, rel=1e-12)


def test_year_outside_the_cpi_table_raises():
    with pytest.raises(DataError, match="2015-2025"):
        money.to_dollar_year(7500.0, 2010, 2024)  # the 2010 Bloom price cannot be converted
    with pytest.raises(DataError, match="2026"):
        money.to_dollar_year(1.0, 2024, 2026)


def test_equipment_cost_in_source_and_requested_dollar_years():
    # AEO2026 Table 3 aeroderivative CT: $2,275/kW, FOM $9.99/kW-yr, VOM $5.97/MWh, 9,447 Btu/kWh (2025$)
    a = money.equipment_cost("aeroderivative", "market_2025", 2025)
    assert (a.capex_usd_per_kw, a.fixed_om_usd_per_kw_yr, a.variable_om_usd_per_mwh) == (2275.0, 9.99, 5.97)
    assert a.heat_rate_hhv_btu_per_kwh == 9447.0 and a.stand_in_fields == ()
    a24 = money.equipment_cost("aeroderivative", "market_2025", 2024)
    assert a24.capex_usd_per_kw == pytest.approx(2275 * CPI[2024] / CPI[2025], rel=1e-12) and a24.dollar_year == 2024
    # S&L Jan-2024 aeroderivative (2023$) on the baseline: $1,606/kW, not the ATB frame CT's $1,092.8
    b = money.equipment_cost("aeroderivative", "atb_eia_2024", 2023)
    assert b.capex_usd_per_kw == 1606.0 and "Sargent & Lundy" in b.source
    assert money.equipment_cost("frame_simple_cycle", "atb_eia_2024", 2022).capex_usd_per_kw == 1092.8
    # engine capex is a 2017 vendor figure and its O&M a 2023 stand-in: each converted from its own year
    e = money.equipment_cost("reciprocating_engine", "atb_eia_2024", 2024)
    assert e.capex_usd_per_kw == pytest.approx(1300 * CPI[2024] / CPI[2017], rel=1e-12)
    assert e.fixed_om_usd_per_kw_yr == pytest.approx(9.56 * CPI[2024] / CPI[2023], rel=1e-12)
    assert "fixed_om_usd_per_kw_yr" in e.stand_in_fields and "capex_usd_per_kw" not in e.stand_in_fields
    # trailer-mounted units have no $/kW anywhere: every field is a marked stand-in
    t = money.equipment_cost("trailer_mounted_aeroderivative", "market_2025", 2024)
    assert "capex_usd_per_kw" in t.stand_in_fields and "stand-in" in t.label


def test_market_basis_prices_cc_at_2025_quotes():
    # Lazard LCOE+ 2025 fn 7: observed CCGT quotes $2,400-2,600/kW -> midpoint 2,500 (2025$); ATB 2022$ 1,223.9
    m = money.equipment_cost("combined_cycle", "market_2025", 2025)
    base = money.equipment_cost("combined_cycle", "atb_eia_2024", 2025)
    assert m.capex_usd_per_kw == 2500.0
    assert base.capex_usd_per_kw == pytest.approx(1223.9 * CPI[2025] / CPI[2022], rel=1e-12)
    assert m.capex_usd_per_kw > 1.8 * base.capex_usd_per_kw


def test_every_class_has_a_row_on_every_basis():
    for basis in money.COST_BASES:
        for cls in money.EQUIPMENT_CLASSES:
            c = money.equipment_cost(cls, basis, 2024)
            assert c.capex_usd_per_kw > 0 and c.source and "http" in c.source_url


def test_unknown_basis_or_class_lists_the_valid_names():
    with pytest.raises(UnknownNameError, match="market_2025"):
        money.equipment_cost("aeroderivative", "atb_2024_frame_legacy", 2024)
    with pytest.raises(UnknownNameError, match="combined_cycle"):
        money.equipment_cost("nuclear", "market_2025", 2024)


def test_every_catalog_unit_has_a_class_and_none_falls_back_to_a_frame():
    classes = {name: money.equipment_class_for_unit(u) for name, u in prime_movers().items()}
    assert set(classes.values()) <= set(money.EQUIPMENT_CLASSES)
    assert classes["Mitsubishi FT8 MOBILEPAC"] == "trailer_mounted_aeroderivative"
    assert classes["ProEnergy PE6000"] == "trailer_mounted_aeroderivative"
    assert classes["GE LM6000PF"] == "aeroderivative"
    assert classes["GE 7HA.02"] == "frame_simple_cycle" and classes["GE 7HA.02 CC"] == "combined_cycle"
    assert classes["Wartsila 18V50SG"] == "reciprocating_engine" and classes["Bloom Energy Server"] == "fuel_cell"
    odd = dataclasses.replace(get_prime_mover("GE 7HA.02"), name="test frame genset", configuration="genset")
    with pytest.raises(DataError, match="equipment_classes.csv"):
        money.equipment_class_for_unit(odd)


def test_battery_split_on_the_market_basis_reproduces_the_aeo_4h_cost():
    a, b, fa, fb = money.battery_cost_split("market_2025", 2025)
    # power + 4 h of energy = AEO2026 4-hour battery $1,521/kW and FOM $41.84/kW-yr (2025$)
    assert a + 4 * b == pytest.approx(1521.0, rel=1e-12) and fa + 4 * fb == pytest.approx(41.84, rel=1e-12)
    a0, b0, _, _ = money.battery_cost_split("atb_eia_2024", 2022)
    assert a0 + 2 * b0 == pytest.approx(1058.37, rel=1e-12)


def test_level_cost_hand_case():
    # CRF(7 %, 25 yr) = 0.085811 (STYLE seed ~0.0858). $1,000/kW, $10/kW-yr, CF 50 %:
    # (0.085811 x 1000 + 10) x 1000 / (8760 x 0.5) = 21.874 $/MWh; fuel 10,000 Btu/kWh x $3 = $30; VOM $5 -> 56.874
    crf = 0.07 * 1.07 ** 25 / (1.07 ** 25 - 1)
    expect = (crf * 1000 + 10) * 1000 / (8760 * 0.5) + 30.0 + 5.0
    assert money.level_cost_usd_per_mwh(1000, 10, 5, 10000, 3.0, 0.5, 0.07, 25) == pytest.approx(expect, rel=1e-12)
    assert expect == pytest.approx(56.874, abs=1e-3)
    # vectorised over capacity factor; no fuel term for a NaN heat rate (PV)
    v = money.level_cost_usd_per_mwh(1000, 10, 0, np.nan, 3.0, np.array([0.25, 0.5]), 0.07, 25)
    np.testing.assert_allclose(v, [(crf * 1000 + 10) * 1000 / (8760 * cf) for cf in (0.25, 0.5)], rtol=1e-12)


def test_class_cost_inputs_by_hand_and_with_sources():
    c = sz.class_cost_inputs(get_prime_mover("GE LM6000PF"), cost_basis="market_2025", dollar_year=2024,
                             fuel_price_usd_per_mmbtu=3.5, discount_rate_frac=0.08, lifetime_yr=20)
    crf = 0.08 * 1.08 ** 20 / (1.08 ** 20 - 1)
    capex = 2275 * CPI[2024] / CPI[2025]
    fom = 9.99 * CPI[2024] / CPI[2025]
    assert c.gas_equipment_class == "aeroderivative" and c.dollar_year == 2024 and c.cost_basis == "market_2025"
    assert c.gas_usd_per_mw_yr == pytest.approx((crf * capex + fom) * 1000, rel=1e-12)
    assert c.gas_variable_om_usd_per_mwh == pytest.approx(5.97 * CPI[2024] / CPI[2025], rel=1e-12)
    assert {ln.item for ln in c.lines} == {"gas", "pv", "wind", "battery"}
    assert all(ln.dollar_year == 2024 and "http" in ln.source_url for ln in c.lines)
    # the old keyword call is unchanged: ATB gas_ct in 2022 dollars
    old = sz.cost_inputs(gas_cost_key="gas_ct", fuel_price_usd_per_mmbtu=3.5, discount_rate_frac=0.08, lifetime_yr=20)
    assert old.gas_usd_per_mw_yr == pytest.approx((crf * 1092.8 + 25.8) * 1000, rel=1e-12) and old.dollar_year == 2022
    # the aeroderivative is no longer costed as the frame CT
    frame = sz.class_cost_inputs("frame_simple_cycle", cost_basis="market_2025", dollar_year=2024,
                                 fuel_price_usd_per_mmbtu=3.5, discount_rate_frac=0.08, lifetime_yr=20)
    assert c.gas_usd_per_mw_yr > 1.6 * frame.gas_usd_per_mw_yr
