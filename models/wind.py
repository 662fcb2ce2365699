"""Hourly wind output with windpowerlib from a site's 10 m weather.

Wind speed at hub height from the 10 m measurement with the logarithmic profile, air
density at hub height from the barometric formula and the ideal gas law, and the
turbine's power curve corrected for density (windpowerlib's ModelChain defaults).
Output per MW of nameplate, so the sizing LP can scale it. No wake or availability
losses are applied beyond the optional ``losses_frac``.

References
----------
Haas, S. et al., "windpowerlib - a Python library to model wind power plants",
Zenodo (2019), doi:10.5281/zenodo.824267. Power curves: Open Energy Database turbine
library shipped with windpowerlib.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from windpowerlib import ModelChain, WindTurbine, get_turbine_types

from models.errors import DataError, unknown_name

#: Default turbine: Vestas V126/3450 at 115 m hub, close to the ATB 2024 onshore reference class
#: (115 m hub; costs.csv ``wind_onshore``).
DEFAULT_TURBINE = "V126/3450"
DEFAULT_HUB_HEIGHT_M = 115.0

#: Roughness length of open farmland with few obstacles [m]. Source: Wieringa, J., "Updating the
#: Davenport roughness classification", J. Wind Eng. Ind. Aerodyn. 41 (1992) 357-368, class "open" z0 = 0.03 m
#: to "roughly open" 0.10 m; 0.10 m is used (conservative for hub-height speed).
ROUGHNESS_LENGTH_M = 0.10

#: Total wind-plant area [acres per MW]. Source: Denholm, P. et al., "Land-Use Requirements of Modern Wind
#: Power Plants in the United States", NREL/TP-6A2-45834 (2009): 34 +/- 22 ha/MW total area
#: (34 ha = 84.0 acres); directly disturbed land is about 1 % of it.
WIND_ACRES_PER_MW = 34.0 * 2.4710538


@functools.cache
def _turbine_types() -> tuple[str, ...]:
    types = get_turbine_types(print_out=False)
    return tuple(types[types.has_power_curve].turbine_type)


def wind_mw_per_mw(weather: pd.DataFrame, *, turbine_type: str = DEFAULT_TURBINE,
                   hub_height_m: float = DEFAULT_HUB_HEIGHT_M, losses_frac: float = 0.0) -> np.ndarray:
    """Hourly output of a wind plant per MW of nameplate [MW/MW].

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather with ``wind_speed_m_per_s`` (10 m), ``temp_air_degc`` (2 m) and ``pressure_pa``.
    turbine_type : str
        windpowerlib/OEDB turbine type with a power curve.
    hub_height_m : float
        Hub height [m].
    losses_frac : float
        Wake, availability and electrical losses [-].

    Returns
    -------
    numpy.ndarray
        Output / nameplate each hour [-] (MWh per MW per hour).
    """
    for col in ("wind_speed_m_per_s", "temp_air_degc", "pressure_pa"):
        if col not in weather.columns:
            raise DataError(f"weather is missing {col!r}; wind needs wind_speed_m_per_s, temp_air_degc, pressure_pa")
    valid = _turbine_types()
    if turbine_type not in valid:
        raise unknown_name("wind turbine type", turbine_type, valid)
    turbine = WindTurbine(hub_height=hub_height_m, turbine_type=turbine_type)
    w = pd.DataFrame(
        {
            ("wind_speed", 10): weather["wind_speed_m_per_s"].to_numpy(dtype=float),
            ("temperature", 2): weather["temp_air_degc"].to_numpy(dtype=float) + 273.15,
            ("pressure", 0): weather["pressure_pa"].to_numpy(dtype=float),
            ("roughness_length", 0): ROUGHNESS_LENGTH_M,
        },
        index=weather.index,
    )
    w.columns.names = ["variable_name", "height"]
    mc = ModelChain(turbine, wind_speed_model="logarithmic", density_model="barometric",
                    power_output_model="power_curve", density_correction=True).run_model(w)
    out = np.asarray(mc.power_output, dtype=float) / float(turbine.nominal_power)
    return np.clip(out * (1.0 - losses_frac), 0.0, 1.0)


def wind_land_acres(capacity_mw: float) -> float:
    """Total wind-plant area [acres] (Denholm et al. 2009, 34 ha/MW)."""
    return capacity_mw * WIND_ACRES_PER_MW
