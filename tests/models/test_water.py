"""Power-generation water factors, their application to hourly dispatch, and the scoped budget."""

import math

import numpy as np
import pandas as pd
import pytest

from models import water as wt
from models.errors import DataError, UnknownNameError


def test_macknick_medians_as_in_the_reference():
    # Macknick et al. (2012) medians via water_use_factors.csv: NGCC tower 205 / 225 gal/MWh,
    # once-through 100 / 11,380, dry 2; PV 1; wind 0. Exact copies.
    f = wt.power_water_factor("combined_cycle_wet")
    assert (f.consumption_gal_per_mwh, f.withdrawal_gal_per_mwh) == (205, 225)
    assert wt.power_water_factor("combined_cycle_once_through").withdrawal_gal_per_mwh == 11_380
    assert wt.power_water_factor("combined_cycle_dry").consumption_gal_per_mwh == 2
    assert wt.power_water_factor("solar_pv").consumption_gal_per_mwh == 1
    assert wt.power_water_factor("wind").consumption_gal_per_mwh == 0


def test_gaps_are_labelled_not_hidden():
    for tech in ("simple_cycle_gas_turbine", "reciprocating_engine", "fuel_cell"):
        f = wt.power_water_factor(tech)
        assert f.consumption_basis == "assumed_class_typical" and f.consumption_gal_per_mwh == 0
    assert wt.power_water_factor("combined_cycle_hybrid").consumption_basis == "derived_midpoint"
    # grid average derived from LBNL 2024: 211 billion gal / 176 TWh = 1,198.9 gal/MWh (hand division)
    assert wt.power_water_factor("grid_average_us").consumption_gal_per_mwh == pytest.approx(211e9 / 176e6, rel=1e-4)
    assert math.isnan(wt.power_water_factor("grid_average_us").withdrawal_gal_per_mwh)
    for f in wt.power_water_factors().values():
        assert f.source and f.source_url


def test_unknown_technology_lists_valid():
    with pytest.raises(UnknownNameError, match="combined_cycle_wet"):
        wt.power_water_factor("coal")


def test_hourly_dispatch_hand_case():
    # 2 hours: 100 MWh NGCC wet + 50 MWh PV, then 80 MWh NGCC wet.
    # Hand: consumption 100x205 + 50x1 = 20,550; 80x205 = 16,400. Withdrawal 22,550; 18,000.
    gen = pd.DataFrame({"combined_cycle_wet": [100.0, 80.0], "solar_pv": [50.0, 0.0]})
    h = wt.hourly_power_water(gen)
    np.testing.assert_allclose(h["consumption_gal"], [20_550, 16_400], rtol=1e-12)
    np.testing.assert_allclose(h["withdrawal_gal"], [22_550, 18_000], rtol=1e-12)
    table = wt.power_water_by_technology(gen)
    assert table.loc["combined_cycle_wet", "energy_mwh_per_yr"] == pytest.approx(180 * 8760 / 2, rel=1e-12)


def test_missing_withdrawal_factor_makes_withdrawal_unknown_not_zero():
    gen = pd.DataFrame({"grid_average_us": [10.0, 10.0]})
    h = wt.hourly_power_water(gen)
    assert h["withdrawal_gal"].isna().all()
    assert h["consumption_gal"].iloc[0] == pytest.approx(10 * 211e9 / 176e6, rel=1e-4)


def test_negative_generation_rejected():
    with pytest.raises(DataError, match="negative"):
        wt.hourly_power_water(pd.DataFrame({"wind": [-1.0]}))


def _on_site(cons, wdr, start="2025-07-01"):
    idx = pd.date_range(start, periods=len(cons), freq="h")
    return pd.DataFrame({"water_consumption_gal": cons, "water_withdrawal_gal": wdr}, index=idx)


def test_budget_scopes_add_up_and_peak_day_is_of_the_hourly_total():
    # 48 hours: on-site uses 10 gal/h on day 1 and 0 on day 2; power uses 0 on day 1, 20 gal/h on day 2.
    on = _on_site([10.0] * 24 + [0.0] * 24, [15.0] * 24 + [0.0] * 24)
    pw = pd.DataFrame({"consumption_gal": [0.0] * 24 + [20.0] * 24, "withdrawal_gal": [0.0] * 24 + [25.0] * 24}, index=on.index)
    b = wt.water_budget(on, pw)
    scale = 8760 / 48
    assert b.get("on_site_direct", "consumption").gal_per_yr == pytest.approx(240 * scale, rel=1e-12)
    assert b.get("power_generation", "consumption").gal_per_yr == pytest.approx(480 * scale, rel=1e-12)
    assert b.get("total", "consumption").gal_per_yr == pytest.approx(720 * scale, rel=1e-12)
    # peak day of the total is day 2 (480), not the sum of separate peaks (240 + 480)
    assert b.get("total", "consumption").peak_day_gal_per_day == pytest.approx(480, rel=1e-12)
    assert b.get("total", "withdrawal").peak_day_gal_per_day == pytest.approx(600, rel=1e-12)
    assert all(x.water_type == "blue" for x in b.lines)
    frame = b.to_frame()
    assert list(frame["scope"].unique()) == ["on_site_direct", "power_generation", "total"]
    assert len(frame) == 6


def test_budget_without_power_marks_it_unknown():
    b = wt.water_budget(_on_site([1.0] * 24, [2.0] * 24))
    assert math.isnan(b.get("power_generation", "consumption").gal_per_yr)
    assert math.isnan(b.get("total", "withdrawal").gal_per_yr)
    assert any("not modelled" in n for n in b.notes)


def test_budget_rejects_misaligned_tables():
    with pytest.raises(DataError, match="same hours"):
        wt.water_budget(_on_site([1.0] * 24, [1.0] * 24), pd.DataFrame({"consumption_gal": [1.0], "withdrawal_gal": [1.0]}))


def test_published_wue_rows():
    # water_use_factors.csv: SemiAnalysis 0.374 L/kWh (derived: 346 M gal / 400 MW x 8,760 h), LBNL 2023 0.38 / PUE 1.4
    assert wt.published_wue("semianalysis_colossus2_hybrid").wue_l_per_kwh_it == 0.374
    assert wt.published_wue("lbnl_us_fleet_2023").pue == 1.4
    with pytest.raises(UnknownNameError):
        wt.published_wue("nope")


def test_technology_for_prime_mover_classes():
    # class texts as they appear in the reference prime_movers.csv
    assert wt.technology_for_prime_mover("aeroderivative (intercooled)") == "simple_cycle_gas_turbine"
    assert wt.technology_for_prime_mover("heavy-duty frame", combined_cycle=True) == "combined_cycle_wet"
    assert wt.technology_for_prime_mover("heavy-duty frame (air-cooled J)", combined_cycle=True, cooling="dry") == "combined_cycle_dry"
    assert wt.technology_for_prime_mover("reciprocating engine (gas)") == "reciprocating_engine"
    assert wt.technology_for_prime_mover("fuel cell (solid oxide)") == "fuel_cell"
    with pytest.raises(UnknownNameError, match="reciprocating"):
        wt.technology_for_prime_mover("nuclear SMR")
    with pytest.raises(UnknownNameError, match="once_through"):
        wt.technology_for_prime_mover("heavy-duty frame", combined_cycle=True, cooling="pond")
