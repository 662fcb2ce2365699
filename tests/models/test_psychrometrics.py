"""Psychrometrics against ASHRAE 2017 table values and against PsychroLib itself."""

import numpy as np
import pandas as pd
import psychrolib
import pytest

from models import psychrometrics as ps
from models.errors import DataError


@pytest.fixture(autouse=True)
def _si():
    psychrolib.SetUnitSystem(psychrolib.SI)


@pytest.mark.parametrize(
    "temp_degc, expected_pa",
    # ASHRAE Handbook - Fundamentals (2017) ch. 1 Table 3, as quoted in PsychroLib's
    # tests/test_psychrolib_si.py (test_GetSatVapPres).
    [(-20, 103.24), (-5, 401.74), (5, 872.6), (25, 3169.7), (50, 12351.3), (100, 101418.0)],
)
def test_saturation_pressure_against_ashrae_table(temp_degc, expected_pa):
    # rtol 3e-4: ASHRAE states its formula is within 300 ppm of the tabulated values
    assert ps.saturation_vapor_pressure_pa(temp_degc) == pytest.approx(expected_pa, rel=3e-4)


@pytest.mark.parametrize(
    "temp_degc, expected",
    # ASHRAE 2017 ch. 1 Table 2 at 101,325 Pa, as quoted in PsychroLib's test_GetSatHumRatio
    [(-5, 0.0024863), (5, 0.005425), (25, 0.020173)],
)
def test_saturation_humidity_ratio_against_ashrae_table(temp_degc, expected):
    # rtol 5e-3: PsychroLib documents up to 0.5 % difference with the table in this range
    assert ps.saturation_humidity_ratio(temp_degc, 101_325.0) == pytest.approx(expected, rel=5e-3)


def test_ashrae_example_1_wet_bulb():
    # ASHRAE 2017 ch. 1 Example 1: 40 degC dry bulb, 20 degC wet bulb, 101.325 kPa ->
    # W = 0.0065 kg/kg, RH 14 %, h = 56.7 kJ/kg. Tolerances are the Handbook's rounding.
    w = ps.humidity_ratio_from_wet_bulb(40.0, 20.0, 101_325.0)
    assert w == pytest.approx(0.0065, abs=1e-4)
    assert ps.moist_air_enthalpy_j_per_kg(40.0, w) == pytest.approx(56_700, abs=100)
    rh_pct = 100 * (w * 101_325 / (ps.MOLAR_MASS_RATIO_WATER_AIR + w)) / ps.saturation_vapor_pressure_pa(40.0)
    assert rh_pct == pytest.approx(14, abs=1)
    # and back: the wet bulb recovered from W (Handbook quotes 20 degC; abs 0.01 for W's rounding)
    assert ps.wet_bulb_from_humidity_ratio_degc(40.0, w, 101_325.0) == pytest.approx(20.0, abs=1e-6)


def test_humidity_ratio_from_wet_bulb_psychrolib_excel_values():
    # PsychroLib test_HumRatio_TWetBulb (values computed in Excel by its authors), 95,461 Pa
    assert ps.humidity_ratio_from_wet_bulb(30, 25, 95_461) == pytest.approx(0.0192281274241096, rel=3e-4)
    assert ps.humidity_ratio_from_wet_bulb(-1, -5, 95_461) == pytest.approx(0.00120399819933844, rel=3e-4)


def test_vectorised_wet_bulb_matches_psychrolib_scalar():
    # Independent implementation: PsychroLib's scalar bisection (tolerance 0.001 degC), so abs 0.002 degC.
    rng = np.random.default_rng(7)
    tdb = rng.uniform(-25, 48, 400)
    rh = rng.uniform(3, 100, 400)
    p = rng.uniform(80_000, 103_000, 400)
    ours = ps.wet_bulb_from_humidity_ratio_degc(tdb, ps.humidity_ratio_from_relative_humidity(tdb, rh, p), p)
    ref = np.array([psychrolib.GetTWetBulbFromRelHum(a, b / 100, c) for a, b, c in zip(tdb, rh, p)])
    np.testing.assert_allclose(ours, ref, atol=2e-3)


def test_closed_form_functions_match_psychrolib():
    # Same equations: agreement to floating-point noise (rtol 1e-9).
    for t in (-30.0, -0.5, 0.005, 0.02, 12.0, 35.0):
        assert ps.saturation_vapor_pressure_pa(t) == pytest.approx(psychrolib.GetSatVapPres(t), rel=1e-9)
        assert ps.humidity_ratio_from_dew_point(t, 90_000.0) == pytest.approx(
            psychrolib.GetHumRatioFromTDewPoint(t, 90_000.0), rel=1e-9
        )
        assert ps.moist_air_enthalpy_j_per_kg(t, 0.01) == pytest.approx(psychrolib.GetMoistAirEnthalpy(t, 0.01), rel=1e-9)
        # dew point round trip through PsychroLib's humidity ratio (bisection to ~1e-12 degC; abs 1e-6)
        w = psychrolib.GetHumRatioFromTDewPoint(t, 90_000.0)
        assert ps.dew_point_from_humidity_ratio_degc(w, 90_000.0) == pytest.approx(t, abs=1e-6)


def test_latent_heat_against_steam_table():
    # Cengel & Boles Table A-4 (IAPWS-95): h_fg = 2429.8 kJ/kg at 30 degC, 2441.7 at 25 degC.
    # rtol 1e-3: the ASHRAE ideal-gas form is accurate to about 0.1 % in this range.
    assert ps.latent_heat_of_vaporization_j_per_kg(30.0) == pytest.approx(2_429_800, rel=1e-3)
    assert ps.latent_heat_of_vaporization_j_per_kg(25.0) == pytest.approx(2_441_700, rel=1e-3)


def test_weather_frame_rh_and_dew_point_paths_agree():
    # Hand case: air at 30 degC whose dew point is 20 degC has RH = Pws(20)/Pws(30) (definition);
    # both input paths must give the same wet bulb (abs 1e-6 degC: same equations).
    rh = 100 * ps.saturation_vapor_pressure_pa(20.0) / ps.saturation_vapor_pressure_pa(30.0)
    idx = pd.date_range("2025-07-01", periods=2, freq="h")
    a = ps.weather_psychrometrics(pd.DataFrame({"temp_air_degc": 30.0, "relative_humidity_pct": rh, "pressure_pa": 101_325.0}, index=idx))
    b = ps.weather_psychrometrics(pd.DataFrame({"temp_air_degc": 30.0, "temp_dew_degc": 20.0, "pressure_pa": 101_325.0}, index=idx))
    np.testing.assert_allclose(a["temp_wet_bulb_degc"], b["temp_wet_bulb_degc"], atol=1e-6)
    assert a.index.equals(idx)
    # a wet bulb lies between dew point and dry bulb
    assert 20.0 < a["temp_wet_bulb_degc"].iloc[0] < 30.0


def test_nan_passes_through_and_saturated_air_wet_bulb_equals_dry_bulb():
    twb = ps.wet_bulb_from_humidity_ratio_degc([25.0, np.nan], [ps.saturation_humidity_ratio(25.0, 101_325.0), 0.01], 101_325.0)
    assert twb[0] == pytest.approx(25.0, abs=1e-6)  # saturated air: wet bulb = dry bulb by definition
    assert np.isnan(twb[1])


def test_bad_inputs_name_the_value_and_the_fix():
    with pytest.raises(DataError, match="percent"):
        ps.humidity_ratio_from_relative_humidity(20.0, 150.0, 101_325.0)
    with pytest.raises(DataError, match="degC"):
        ps.saturation_vapor_pressure_pa(300.0)
    with pytest.raises(DataError, match="mbar"):
        ps.weather_psychrometrics(pd.DataFrame({"temp_air_degc": [20.0], "relative_humidity_pct": [50.0], "pressure_pa": [1013.0]}))
    with pytest.raises(DataError, match="relative_humidity_pct or temp_dew_degc"):
        ps.weather_psychrometrics(pd.DataFrame({"temp_air_degc": [20.0], "pressure_pa": [101_325.0]}))


def test_saturation_pressure_branches_element_by_element_and_keeps_shape():
    # Each element goes through its own branch (ice at or below the triple point, liquid above):
    # an array gives exactly what each element gives alone, in any shape, NaN stays NaN.
    from models.psychrometrics import saturation_vapor_pressure_pa as svp

    t = np.array([[-40.0, 0.0, 0.01, 0.0100001], [25.0, np.nan, 99.0, -0.5]])
    got = svp(t)
    assert got.shape == t.shape
    one_by_one = np.array([[float(svp(v)) for v in row] for row in t])
    np.testing.assert_array_equal(got, one_by_one)
    assert np.isnan(got[1, 1]) and svp(20.0).shape == ()
    # ASHRAE Fundamentals 2017 ch. 1 table 3: 0.6112 kPa over ice at 0.01 degC (the triple point), 3.1699 kPa at 25 degC
    assert abs(float(svp(0.01)) - 611.2) < 0.5 and abs(float(svp(25.0)) - 3169.9) < 1.0
