"""Cooling water and PUE: hand cases per design, reference values, and the published WUE rows."""

import gzip

import numpy as np
import pandas as pd
import psychrolib
import pytest

from models import cooling as c
from models.errors import ConfigError, DataError, UnknownNameError
from models.units import J_PER_KWH, L_PER_GAL, WATER_DENSITY_KG_PER_L


@pytest.fixture(autouse=True)
def _si():
    psychrolib.SetUnitSystem(psychrolib.SI)


def _weather(temp_air_degc, rh_pct, pressure_pa=101_325.0, hours=None):
    temp = np.atleast_1d(np.asarray(temp_air_degc, dtype=float))
    n = hours or temp.size
    idx = pd.date_range("2025-01-01", periods=n, freq="h")
    return pd.DataFrame(
        {
            "temp_air_degc": np.resize(temp, n),
            "relative_humidity_pct": np.resize(np.atleast_1d(rh_pct).astype(float), n),
            "pressure_pa": pressure_pa,
        },
        index=idx,
    )


def _gal_to_kg(gal):
    return gal * L_PER_GAL * WATER_DENSITY_KG_PER_L


def test_registry_lists_valid_names_on_a_miss():
    assert set(c.COOLING_DESIGNS) == {"evaporative", "hybrid", "dry", "liquid_to_chip"}
    with pytest.raises(UnknownNameError, match="evaporative, hybrid, liquid_to_chip"):
        c.cooling_design("swamp")


def test_chiller_cop_at_ahri_conditions_reproduces_ashrae_90_1():
    # ASHRAE 90.1-2019 Table 6.8.1-3: 0.560 kW/ton -> COP 3.517/0.560 = 6.28 at 6.7 degC chilled water
    # and ~34.6 degC leaving condenser water. rtol 2e-3 covers the rounding of 0.626.
    assert c.chiller_cop(6.7, 34.6) == pytest.approx(3.517 / 0.560, rel=2e-3)
    assert np.isinf(c.chiller_cop(20.0, 15.0))  # no lift: no compressor work


def test_evaporative_hour_matches_hand_heat_and_mass_balance():
    # Hand calculation with PsychroLib (independent implementation): 30 degC, 50 % RH, sea level,
    # 100 MW IT. Tower: t_cold = t_wb + 4; air leaves saturated at t_cold + 5.6/2.
    d = c.cooling_design("evaporative")
    h = c.hourly_cooling(_weather(30.0, 50.0), 100.0, d).iloc[0]
    twb = psychrolib.GetTWetBulbFromRelHum(30.0, 0.5, 101_325.0)
    w_in = psychrolib.GetHumRatioFromRelHum(30.0, 0.5, 101_325.0)
    h_in = psychrolib.GetMoistAirEnthalpy(30.0, w_in)
    t_reach = twb + d.approach_degc
    mech = min(max((t_reach - d.supply_temp_degc) / d.range_degc, 0), 1)
    assert mech == 0.0  # t_reach ~ 26 degC < 27 degC supply: full economiser this hour
    t_cold = max(t_reach, d.supply_temp_degc)  # fans throttle to hold the 27 degC supply
    t_out = t_cold + d.range_degc / 2
    w_out = psychrolib.GetSatHumRatio(t_out, 101_325.0)
    h_out = psychrolib.GetMoistAirEnthalpy(t_out, w_out)
    heat_j = 100.0 * 1000 * J_PER_KWH
    evap_kg = heat_j * (w_out - w_in) / (h_out - h_in)
    # rtol 1e-4: PsychroLib's wet-bulb bisection stops at 0.001 degC
    assert _gal_to_kg(h["evaporation_gal"]) == pytest.approx(evap_kg, rel=1e-4)
    # blowdown = E / (cycles - 1) (ASHRAE HVAC S&E ch. 40 mass balance), exact
    assert h["blowdown_gal"] == pytest.approx(h["evaporation_gal"] / (d.cycles_of_concentration - 1), rel=1e-12)
    assert h["water_withdrawal_gal"] == pytest.approx(h["evaporation_gal"] + h["blowdown_gal"], rel=1e-12)
    # PUE = 1 + 0.07 electrical + 0.03 fans/pumps with no chiller (hand sum, exact)
    assert h["pue"] == pytest.approx(1.10, rel=1e-12)


def test_evaporative_summer_hour_is_about_the_latent_heat_figure():
    # Brief/REFERENCES: full evaporation of 1 kWh of heat = 3.6 MJ / h_fg (2,430 kJ/kg at 30 degC,
    # steam tables) = 1.49 L; the UK vendor row quotes "~1.6 kg water evaporated per kWh of heat".
    # A warm humid hour (32 degC, 60 %) rejects most heat latently (85-105 % of full evaporation);
    # a hot dry hour (40 degC, 15 %) evaporates more than the heat load because the air is cooled too
    # (hand balance: air 40 degC -> 26.3 degC saturated, dW 0.0151 over dh 26.5 kJ/kg = 2.05 kg/kWh).
    full_l_per_kwh = 3.6e6 / 2_430e3 / 0.99705
    for temp, rh, lo, hi in ((32.0, 60.0, 0.85, 1.05), (40.0, 15.0, 1.0, 1.5)):
        h = c.hourly_cooling(_weather(temp, rh), 1.0, "evaporative").iloc[0]
        litres_per_kwh_heat = h["evaporation_gal"] * L_PER_GAL / (h["heat_rejected_mw"] * 1000)
        assert lo * full_l_per_kwh < litres_per_kwh_heat < hi * full_l_per_kwh


def test_evaporative_cold_hour_evaporates_less_per_kwh():
    # In cold air part of the heat leaves as sensible heat (ASHRAE HVAC S&E ch. 40): less water per kWh.
    cold = c.hourly_cooling(_weather(2.0, 70.0), 1.0, "evaporative").iloc[0]
    warm = c.hourly_cooling(_weather(32.0, 60.0), 1.0, "evaporative").iloc[0]
    assert cold["evaporation_gal"] < 0.85 * warm["evaporation_gal"]


def test_hybrid_uses_water_only_above_switchover():
    d = c.cooling_design("hybrid")
    h = c.hourly_cooling(_weather([d.adiabatic_switchover_degc - 0.5, 35.0], [40.0, 40.0]), 50.0, d)
    assert not h["adiabatic_on"].iloc[0] and h["water_withdrawal_gal"].iloc[0] == 0.0
    assert h["adiabatic_on"].iloc[1]
    # Hand case (PsychroLib, constant wet bulb through the pads): 35 degC 40 % RH; pads cool
    # the air by 0.85 x (t_db - t_wb); air flow = Q / (cp x 10 K); water = m_air x (W_pad - W_in).
    twb = psychrolib.GetTWetBulbFromRelHum(35.0, 0.4, 101_325.0)
    t_pad = 35.0 - d.adiabatic_effectiveness_frac * (35.0 - twb)
    w_in = psychrolib.GetHumRatioFromRelHum(35.0, 0.4, 101_325.0)
    w_pad = psychrolib.GetHumRatioFromTWetBulb(t_pad, twb, 101_325.0)
    heat_j = h["heat_rejected_mw"].iloc[1] * 1000 * J_PER_KWH
    m_air = heat_j / ((1006 + 1860 * w_pad) * d.air_temp_rise_degc)
    # rtol 1e-3: PsychroLib's wet-bulb bisection stops at 0.001 degC, which moves W_pad - W_in by ~0.05 %
    assert _gal_to_kg(h["evaporation_gal"].iloc[1]) == pytest.approx(m_air * (w_pad - w_in), rel=1e-3)
    assert h["temp_entering_air_degc"].iloc[1] == pytest.approx(t_pad, abs=2e-3)


def test_dry_designs_use_no_water_and_need_chillers_when_hot():
    w = _weather([10.0, 38.0], [50.0, 30.0])
    dry = c.hourly_cooling(w, 10.0, "dry")
    assert (dry["water_withdrawal_gal"] == 0).all()
    assert dry["mechanical_cooling_frac"].iloc[0] == 0.0
    # 38 degC + 6 approach = 44 degC cold water vs 27 degC supply: chiller carries all the heat
    assert dry["mechanical_cooling_frac"].iloc[1] == 1.0
    cop = c.chiller_cop(27.0, 44.0 + 5.6)
    # hand PUE: 1 + 0.07 + heat x 0.05 + 1/COP, heat = 1 + 1/COP (per MW IT); rtol 1e-12 (same arithmetic)
    expected = 1 + 0.07 + (1 + 1 / cop) * 0.05 + 1 / cop
    assert dry["pue"].iloc[1] == pytest.approx(expected, rel=1e-12)
    l2c = c.hourly_cooling(w, 10.0, "liquid_to_chip")
    assert (l2c["water_withdrawal_gal"] == 0).all()
    assert l2c["pue"].iloc[1] < dry["pue"].iloc[1]  # warmer water needs less chiller lift


def test_annual_totals_scale_and_wue_definition():
    # 48 identical hours: annual totals are 8760/48 times the sum; WUE = L / kWh IT (Green Grid WP#35).
    h = c.hourly_cooling(_weather(30.0, 50.0, hours=48), 10.0, "evaporative")
    s = c.annual_cooling(h, "evaporative")
    assert s.water_withdrawal_gal_per_yr == pytest.approx(h["water_withdrawal_gal"].sum() * 8760 / 48, rel=1e-12)
    assert s.wue_withdrawal_l_per_kwh == pytest.approx(
        s.water_withdrawal_gal_per_yr * L_PER_GAL / (10.0 * 8760 * 1000), rel=1e-12
    )
    assert s.peak_day_withdrawal_gal_per_day == pytest.approx(h["water_withdrawal_gal"].iloc[:24].sum(), rel=1e-12)
    assert s.pue_annual == pytest.approx(1.10, rel=1e-12)


def test_initial_fill_hand_case():
    # 100 MW, range 5.6 K: 100e6 / (4186 x 5.6) = 4,266 kg/s; x 10 min = 2.56e6 kg -> / 0.99705 / 3.7854 gal
    expected_gal = 100e6 / (4186 * 5.6) * 600 / 0.99705 / 3.785411784
    assert c.initial_fill_gal("evaporative", 100.0) == pytest.approx(expected_gal, rel=1e-12)


def test_published_wue_path_reproduces_semianalysis_volume():
    # water_use_factors.csv: 400 MW IT, WUE 0.374 L/kWh derived from 346 M gal/yr. rtol 1e-3:
    # the WUE was rounded to three digits.
    s = c.cooling_from_published_wue(400.0, 0.374, design="hybrid", pue=1.25, basis="test")
    assert s.water_consumption_gal_per_yr == pytest.approx(346e6, rel=1e-3)
    assert np.isnan(s.water_withdrawal_gal_per_yr)


def test_bad_inputs():
    with pytest.raises(DataError, match="hourly"):
        w = _weather(20.0, 50.0, hours=3)
        w.index = pd.date_range("2025-01-01", periods=3, freq="D")
        c.hourly_cooling(w, 1.0, "dry")
    with pytest.raises(DataError, match="negative"):
        c.hourly_cooling(_weather(20.0, 50.0), -1.0, "dry")
    with pytest.raises(ConfigError, match="cycles"):
        c.cooling_design("evaporative").replace(cycles_of_concentration=1.0)


def _memphis(shared_data):
    pvlib = pytest.importorskip("pvlib")
    with gzip.open(shared_data / "weather_tmy3_selected" / "TN-Memphis_International_Ap.tmy3.gz", "rt") as fh:
        data, _ = pvlib.iotools.read_tmy3(fh, map_variables=True, coerce_year=2021)
    return pd.DataFrame(
        {
            "temp_air_degc": data["temp_air"],
            "relative_humidity_pct": data["relative_humidity"],
            "pressure_pa": data["pressure"] * 100.0,  # TMY3 gives mbar
        },
        index=data.index,
    )


@pytest.mark.shared_data
def test_memphis_tmy3_hybrid_against_semianalysis(shared_data):
    """What the hourly model gives for the reference case on real Memphis weather.

    SemiAnalysis's 346 M gal/yr for 400 MW (WUE 0.374 L/kWh) is a total footprint that includes
    chip-manufacturing water and the initial fill; our model counts on-site cooling only. On
    Memphis TMY3 it gives WUE 0.275 L/kWh consumed and 0.41 L/kWh withdrawn (measured when
    written). We check the order of magnitude (0.5x-1.5x the published WUE on the withdrawal
    basis) and report rather than tune: no parameter was fitted to this number.
    """
    s = c.annual_cooling(c.hourly_cooling(_memphis(shared_data), 400.0, "hybrid"), "hybrid")
    assert 0.5 * 0.374 < s.wue_withdrawal_l_per_kwh < 1.5 * 0.374
    assert s.wue_consumption_l_per_kwh < s.wue_withdrawal_l_per_kwh
    assert 1.05 < s.pue_annual < 1.3  # Uptime: new builds 1.3 or better


@pytest.mark.shared_data
def test_memphis_designs_rank_as_published(shared_data):
    # water_use_factors.csv: open towers (2.08 L/kWh, UK vendor) > wetted hybrid (0.99) > adiabatic
    # (0.01) > closed-loop liquid to chip (~0, Microsoft). Ordering, and tower WUE within 0.5x-1.5x
    # of the vendor's UK figure (a different climate, so only the magnitude is comparable).
    w = _memphis(shared_data)
    res = {d: c.annual_cooling(c.hourly_cooling(w, 100.0, d), d) for d in c.COOLING_DESIGNS}
    assert res["evaporative"].wue_withdrawal_l_per_kwh > res["hybrid"].wue_withdrawal_l_per_kwh > 0
    assert res["dry"].wue_withdrawal_l_per_kwh == 0 and res["liquid_to_chip"].wue_withdrawal_l_per_kwh == 0
    assert 0.5 * 2.08 < res["evaporative"].wue_withdrawal_l_per_kwh < 1.5 * 2.08
    # dry cooling costs energy: its PUE is the highest
    assert res["dry"].pue_annual == max(r.pue_annual for r in res.values())


def test_evaporation_against_perry_rule_of_thumb():
    # Independent empirical check: Perry's Chemical Engineers' Handbook (cooling towers) gives
    # evaporation ~= 0.00085 x circulating flow x range [degF], i.e. 0.00153 per degC of range.
    # With circulation = Q / (cp x range) that is 0.00153 x Q / cp per hour, independent of the range.
    # rtol 0.15: the rule is a design-condition average (it implies ~88 % latent heat), our
    # hour is a warm humid one (32 degC, 60 %).
    h = c.hourly_cooling(_weather(32.0, 60.0), 100.0, "evaporative").iloc[0]
    heat_j = h["heat_rejected_mw"] * 1e6 * 3600
    circulation_kg = heat_j / (c.CP_WATER_J_PER_KG_K * c.cooling_design("evaporative").range_degc)
    perry_kg = 0.00085 * 1.8 * circulation_kg * c.cooling_design("evaporative").range_degc
    assert _gal_to_kg(h["evaporation_gal"]) == pytest.approx(perry_kg, rel=0.15)


@pytest.mark.shared_data
def test_memphis_hybrid_water_is_a_summer_affair(shared_data):
    # Pads run only above the switch-over (21 degC dry bulb): Memphis January has (almost) no pad
    # hours, July most of them (TMY3 climate; a sanity check of the seasonal shape).
    h = c.hourly_cooling(_memphis(shared_data), 100.0, "hybrid")
    by_month = h.groupby(h.index.month)["water_consumption_gal"].sum()
    assert by_month.loc[7] > 10 * max(by_month.loc[1], 1.0)
    assert by_month.idxmax() in (6, 7, 8)
