"""Moist-air psychrometrics on arrays (SI units): vapour pressure, humidity ratio, wet bulb, enthalpy.

The equations are those of the ASHRAE Handbook - Fundamentals (2017), chapter 1, exactly as
implemented by PsychroLib (Meyer & Thevenard 2019), written with numpy so that a year of hourly
weather (8,760 values) is one vector operation. PsychroLib itself is scalar: the test suite
checks these functions against it element by element (agreement better than 0.002 degC for
wet bulb, 1e-9 relative for the closed-form functions), and against the published ASHRAE
table values that PsychroLib's own tests use.

Conventions: temperatures in degC (``_degc``), pressures in Pa (``_pa``), humidity ratio in
kg of water vapour per kg of dry air (``_kg_per_kg``), enthalpy in J per kg of dry air,
relative humidity in percent (``_pct``, 0-100) at the public interface.

References
----------
.. [1] ASHRAE (2017). ASHRAE Handbook - Fundamentals, chapter 1 "Psychrometrics", equations
   5-6 (saturation pressure), 20-22 (humidity ratio), 30 (enthalpy), 33-35 (wet bulb).
.. [2] Meyer, D. & Thevenard, D. (2019). PsychroLib: a library of psychrometric functions to
   calculate thermodynamic properties of air. Journal of Open Source Software 4(33), 1137.
   https://doi.org/10.21105/joss.01137
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.errors import DataError
from models.units import KELVIN_AT_0_DEGC

#: Ratio of the molecular masses of water and dry air [-] (ASHRAE 2017 ch. 1 eq. 20).
MOLAR_MASS_RATIO_WATER_AIR = 0.621945

#: Triple point of water [degC]; the ice/water branch switch of the saturation formula [2].
TRIPLE_POINT_WATER_DEGC = 0.01

#: Lowest humidity ratio PsychroLib allows [kg/kg]; keeps logarithms and divisions finite.
MIN_HUMIDITY_RATIO_KG_PER_KG = 1e-7

#: Validity range of the ASHRAE saturation-pressure formulae [degC] [1].
VALID_RANGE_DEGC = (-100.0, 200.0)

_WET_BULB_ITERATIONS = 48  # bisection halvings: 300 degC / 2**48 is far below any tolerance


def _as_float_array(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def saturation_vapor_pressure_pa(temp_degc):
    """Saturation vapour pressure of water over liquid (above the triple point) or ice.

    Parameters
    ----------
    temp_degc : array_like
        Temperature [degC], within -100 to 200.

    Returns
    -------
    numpy.ndarray
        Saturation vapour pressure [Pa].

    Raises
    ------
    DataError
        When a temperature lies outside -100 to 200 degC (the formula's validity range).

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 5 and 6 (Hyland & Wexler 1983), with the
    branch at the triple point as PsychroLib does.
    """
    t = _as_float_array(temp_degc)
    finite = np.isfinite(t)
    if np.any((t[finite] < VALID_RANGE_DEGC[0]) | (t[finite] > VALID_RANGE_DEGC[1])):
        bad = t[finite][(t[finite] < VALID_RANGE_DEGC[0]) | (t[finite] > VALID_RANGE_DEGC[1])][0]
        raise DataError(
            f"temperature {bad} degC is outside the range of the ASHRAE saturation formula "
            f"({VALID_RANGE_DEGC[0]} to {VALID_RANGE_DEGC[1]} degC); check the units (degC expected, not degF or K)"
        )
    shape = t.shape
    t = t.reshape(-1)
    tk = t + KELVIN_AT_0_DEGC
    # each element through its own branch only (the powers are most of the cost, and the
    # bisections of the wet bulb and dew point call this ~100 times per year of hours);
    # element by element the same arithmetic as evaluating both and picking one
    ice = t <= TRIPLE_POINT_WATER_DEGC
    ln = np.empty_like(tk)
    with np.errstate(invalid="ignore", divide="ignore"):
        ti = tk[ice]
        ln[ice] = (
            -5.6745359e03 / ti + 6.3925247 - 9.677843e-03 * ti + 6.2215701e-07 * ti**2
            + 2.0747825e-09 * ti**3 - 9.484024e-13 * ti**4 + 4.1635019 * np.log(ti)
        )
        tl = tk[~ice]  # above the triple point, and NaN
        ln[~ice] = (
            -5.8002206e03 / tl + 1.3914993 - 4.8640239e-02 * tl + 4.1764768e-05 * tl**2
            - 1.4452093e-08 * tl**3 + 6.5459673 * np.log(tl)
        )
    return np.exp(ln).reshape(shape)


def humidity_ratio_from_vapor_pressure(vapor_pressure_pa, pressure_pa):
    """Humidity ratio of moist air from its water-vapour partial pressure.

    Parameters
    ----------
    vapor_pressure_pa : array_like
        Partial pressure of water vapour [Pa].
    pressure_pa : array_like
        Atmospheric (station) pressure [Pa].

    Returns
    -------
    numpy.ndarray
        Humidity ratio [kg water / kg dry air], at least 1e-7.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 20.
    """
    pv = _as_float_array(vapor_pressure_pa)
    p = _as_float_array(pressure_pa)
    w = MOLAR_MASS_RATIO_WATER_AIR * pv / (p - pv)
    return np.maximum(w, MIN_HUMIDITY_RATIO_KG_PER_KG)


def saturation_humidity_ratio(temp_degc, pressure_pa):
    """Humidity ratio of saturated air.

    Parameters
    ----------
    temp_degc : array_like
        Temperature [degC].
    pressure_pa : array_like
        Station pressure [Pa].

    Returns
    -------
    numpy.ndarray
        Saturation humidity ratio [kg/kg].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 36 solved for W.
    """
    return humidity_ratio_from_vapor_pressure(saturation_vapor_pressure_pa(temp_degc), pressure_pa)


def humidity_ratio_from_relative_humidity(temp_air_degc, relative_humidity_pct, pressure_pa):
    """Humidity ratio from dry bulb, relative humidity and pressure.

    Parameters
    ----------
    temp_air_degc : array_like
        Dry-bulb temperature [degC].
    relative_humidity_pct : array_like
        Relative humidity [%], 0-100.
    pressure_pa : array_like
        Station pressure [Pa].

    Returns
    -------
    numpy.ndarray
        Humidity ratio [kg/kg].

    Raises
    ------
    DataError
        When a relative humidity lies outside 0-100 % (a 0-1 fraction passed by mistake is
        accepted silently only if it is within 0-100, so check units upstream).

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 12 and 20.
    """
    rh = _as_float_array(relative_humidity_pct)
    finite = np.isfinite(rh)
    if np.any((rh[finite] < 0) | (rh[finite] > 100)):
        bad = rh[finite][(rh[finite] < 0) | (rh[finite] > 100)][0]
        raise DataError(f"relative humidity {bad} % is outside 0-100 %; give percent, not a 0-1 fraction")
    pv = rh / 100.0 * saturation_vapor_pressure_pa(temp_air_degc)
    return humidity_ratio_from_vapor_pressure(pv, pressure_pa)


def humidity_ratio_from_dew_point(temp_dew_degc, pressure_pa):
    """Humidity ratio from the dew-point temperature and pressure.

    Parameters
    ----------
    temp_dew_degc : array_like
        Dew-point temperature [degC].
    pressure_pa : array_like
        Station pressure [Pa].

    Returns
    -------
    numpy.ndarray
        Humidity ratio [kg/kg].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 37 and 20.
    """
    return humidity_ratio_from_vapor_pressure(saturation_vapor_pressure_pa(temp_dew_degc), pressure_pa)


def humidity_ratio_from_wet_bulb(temp_air_degc, temp_wet_bulb_degc, pressure_pa):
    """Humidity ratio from dry bulb, thermodynamic wet bulb and pressure.

    Parameters
    ----------
    temp_air_degc : array_like
        Dry-bulb temperature [degC].
    temp_wet_bulb_degc : array_like
        Thermodynamic wet-bulb temperature [degC].
    pressure_pa : array_like
        Station pressure [Pa].

    Returns
    -------
    numpy.ndarray
        Humidity ratio [kg/kg], at least 1e-7.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 33 (wet bulb above freezing) and 35 (below).
    """
    tdb = _as_float_array(temp_air_degc)
    twb = _as_float_array(temp_wet_bulb_degc)
    ws = saturation_humidity_ratio(twb, pressure_pa)
    above = ((2501.0 - 2.326 * twb) * ws - 1.006 * (tdb - twb)) / (2501.0 + 1.86 * tdb - 4.186 * twb)
    below = ((2830.0 - 0.24 * twb) * ws - 1.006 * (tdb - twb)) / (2830.0 + 1.86 * tdb - 2.1 * twb)
    return np.maximum(np.where(twb >= 0.0, above, below), MIN_HUMIDITY_RATIO_KG_PER_KG)


def wet_bulb_from_humidity_ratio_degc(temp_air_degc, humidity_ratio_kg_per_kg, pressure_pa):
    """Thermodynamic wet-bulb temperature from dry bulb, humidity ratio and pressure.

    Solves ASHRAE eq. 33/35 for the wet bulb by bisection on every element at once (the
    same method as PsychroLib's ``GetTWetBulbFromHumRatio``, run to a tighter tolerance).

    Parameters
    ----------
    temp_air_degc : array_like
        Dry-bulb temperature [degC].
    humidity_ratio_kg_per_kg : array_like
        Humidity ratio [kg/kg], >= 0.
    pressure_pa : array_like
        Station pressure [Pa].

    Returns
    -------
    numpy.ndarray
        Wet-bulb temperature [degC]; NaN where an input is NaN.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 33 and 35 solved for the wet bulb.
    """
    tdb, w, p = np.broadcast_arrays(
        _as_float_array(temp_air_degc), _as_float_array(humidity_ratio_kg_per_kg), _as_float_array(pressure_pa)
    )
    if np.any(w[np.isfinite(w)] < 0):
        raise DataError("humidity ratio cannot be negative; check the humidity input")
    nan = ~(np.isfinite(tdb) & np.isfinite(w) & np.isfinite(p))
    tdb_c = np.where(nan, 20.0, tdb)
    w_c = np.maximum(np.where(nan, 0.01, w), MIN_HUMIDITY_RATIO_KG_PER_KG)
    p_c = np.where(nan, 101_325.0, p)
    # Bracket [dew point, dry bulb] as PsychroLib does: ASHRAE eq. 33/35 switch at 0 degC, so
    # W*(wet bulb) is not continuous there and a wider bracket could settle on another root.
    hi = tdb_c.copy()
    lo = np.minimum(dew_point_from_humidity_ratio_degc(w_c, p_c), hi)
    for _ in range(_WET_BULB_ITERATIONS):
        mid = 0.5 * (lo + hi)
        too_wet = humidity_ratio_from_wet_bulb(tdb_c, mid, p_c) > w_c
        hi = np.where(too_wet, mid, hi)
        lo = np.where(too_wet, lo, mid)
    out = 0.5 * (lo + hi)
    return np.where(nan, np.nan, out)


def dew_point_from_humidity_ratio_degc(humidity_ratio_kg_per_kg, pressure_pa):
    """Dew-point temperature from humidity ratio and pressure.

    Inverts the saturation-pressure formula by bisection on every element at once.

    Parameters
    ----------
    humidity_ratio_kg_per_kg : array_like
        Humidity ratio [kg/kg].
    pressure_pa : array_like
        Station pressure [Pa].

    Returns
    -------
    numpy.ndarray
        Dew-point temperature [degC], within -100 to 200.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 5, 6 and 20 inverted.
    """
    w, p = np.broadcast_arrays(_as_float_array(humidity_ratio_kg_per_kg), _as_float_array(pressure_pa))
    w = np.maximum(w, MIN_HUMIDITY_RATIO_KG_PER_KG)
    pv = p * w / (MOLAR_MASS_RATIO_WATER_AIR + w)
    lo = np.full(pv.shape, VALID_RANGE_DEGC[0])
    hi = np.full(pv.shape, VALID_RANGE_DEGC[1])
    for _ in range(_WET_BULB_ITERATIONS):
        mid = 0.5 * (lo + hi)
        above = saturation_vapor_pressure_pa(mid) > pv
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return 0.5 * (lo + hi)


def moist_air_enthalpy_j_per_kg(temp_air_degc, humidity_ratio_kg_per_kg):
    """Specific enthalpy of moist air (zero for dry air at 0 degC and liquid water at 0 degC).

    Parameters
    ----------
    temp_air_degc : array_like
        Dry-bulb temperature [degC].
    humidity_ratio_kg_per_kg : array_like
        Humidity ratio [kg/kg].

    Returns
    -------
    numpy.ndarray
        Enthalpy [J per kg of dry air].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 30.
    """
    t = _as_float_array(temp_air_degc)
    w = _as_float_array(humidity_ratio_kg_per_kg)
    return (1.006 * t + w * (2501.0 + 1.86 * t)) * 1000.0


def latent_heat_of_vaporization_j_per_kg(temp_degc):
    """Latent heat of vaporisation of water at a temperature [degC], in J/kg.

    h_fg = h_g - h_f with the ASHRAE ideal-gas vapour enthalpy h_g = 2,501 + 1.86 t and liquid
    enthalpy h_f = 4.186 t [kJ/kg], i.e. 2,501 - 2.326 t (the numerator term of ASHRAE eq. 33).
    At 30 degC this gives 2,431 kJ/kg, within 0.1 % of the steam-table value 2,429.8 kJ/kg
    (IAPWS-95, as tabulated in Cengel & Boles, Thermodynamics, Table A-4).

    Parameters
    ----------
    temp_degc : array_like
        Water temperature [degC].

    Returns
    -------
    numpy.ndarray
        Latent heat [J/kg].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 33 (the 2501 - 2.326 t term).
    """
    return (2501.0 - 2.326 * _as_float_array(temp_degc)) * 1000.0


def weather_psychrometrics(weather: pd.DataFrame) -> pd.DataFrame:
    """Humidity ratio, wet bulb and enthalpy for every row of an hourly weather table.

    Parameters
    ----------
    weather : pandas.DataFrame
        Columns ``temp_air_degc`` [degC], ``pressure_pa`` [Pa] and either
        ``relative_humidity_pct`` [%] (used when present) or ``temp_dew_degc`` [degC].

    Returns
    -------
    pandas.DataFrame
        On the input's index: ``temp_air_degc`` [degC], ``humidity_ratio_kg_per_kg`` [kg/kg],
        ``temp_wet_bulb_degc`` [degC], ``enthalpy_j_per_kg`` [J/kg dry air], ``pressure_pa`` [Pa].

    Raises
    ------
    DataError
        When a required column is missing or a pressure is not plausible station pressure in Pa.
    """
    missing = [c for c in ("temp_air_degc", "pressure_pa") if c not in weather.columns]
    if missing or not ({"relative_humidity_pct", "temp_dew_degc"} & set(weather.columns)):
        raise DataError(
            f"weather table lacks {missing or ['relative_humidity_pct or temp_dew_degc']}; it has "
            f"{list(weather.columns)}; give temp_air_degc, pressure_pa and relative_humidity_pct (or temp_dew_degc)"
        )
    tdb = weather["temp_air_degc"].to_numpy(dtype=float)
    p = weather["pressure_pa"].to_numpy(dtype=float)
    pf = p[np.isfinite(p)]
    if pf.size and (pf.min() < 30_000 or pf.max() > 110_000):
        raise DataError(
            f"pressure_pa ranges {pf.min():g} to {pf.max():g}; expected station pressure in Pa (about 60,000-105,000); "
            "TMY3 gives mbar: multiply by 100"
        )
    if "relative_humidity_pct" in weather.columns:
        w = humidity_ratio_from_relative_humidity(tdb, weather["relative_humidity_pct"].to_numpy(dtype=float), p)
    else:
        w = humidity_ratio_from_dew_point(weather["temp_dew_degc"].to_numpy(dtype=float), p)
    twb = wet_bulb_from_humidity_ratio_degc(tdb, w, p)
    return pd.DataFrame(
        {
            "temp_air_degc": tdb,
            "humidity_ratio_kg_per_kg": w,
            "temp_wet_bulb_degc": twb,
            "enthalpy_j_per_kg": moist_air_enthalpy_j_per_kg(tdb, w),
            "pressure_pa": p,
        },
        index=weather.index,
    )
