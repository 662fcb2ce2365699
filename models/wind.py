"""Hourly wind output with windpowerlib from a site's 10 m weather.

Wind speed at hub height from the 10 m measurement with the logarithmic profile, air
density at hub height from the barometric formula and the ideal gas law, and the
turbine's power curve corrected for density (windpowerlib's ModelChain defaults).
Output per MW of nameplate, so the sizing LP can scale it, net of losses:

* the plant's own wake: hub-height wind speed reduced by windpowerlib's mean wind
  efficiency curve of German wind farms (``dena_mean``, dena-Netzstudie II);
* every other loss category (availability, electrical, environmental, curtailment,
  turbine performance, external wake) from SAM's default wind losses
  (``catalogs/wind_losses.csv``), combined multiplicatively as SAM does.

At the Abilene TX TMY3 station the capacity factor of the default turbine is 47.8 %
without losses, 44.7 % after wake and 37.3 % net of all losses.

References
----------
Haas, S. et al., "windpowerlib - a Python library to model wind power plants",
Zenodo (2019), doi:10.5281/zenodo.824267. Power curves: Open Energy Database turbine
library shipped with windpowerlib.
Kohler, S. et al., "dena-Netzstudie II", Deutsche Energie-Agentur (2010), p. 101 -
mean wind efficiency curve of 12 German wind farms (shipped with windpowerlib).
NREL System Advisor Model, Windpower losses (defaults of NREL-PySAM 7.1.1) - loss
taxonomy and default percentages.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import pandas as pd
from windpowerlib import ModelChain, WindTurbine, data, get_turbine_types, wake_losses

from models.catalog import read_catalog
from models.errors import ConfigError, DataError, unknown_name

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


#: Wake model of the plant's own turbines: windpowerlib wind efficiency curve (``dena_mean``: mean of 12
#: German wind farms, dena-Netzstudie II 2010; windpowerlib's own default for wind farms).
DEFAULT_WAKE_LOSSES_MODEL = "dena_mean"

#: Wind efficiency curves shipped with windpowerlib (dena 2010, Knorr 2016).
WAKE_LOSSES_MODELS = ("dena_mean", "knorr_mean", "dena_extreme1", "dena_extreme2", "knorr_extreme1",
                      "knorr_extreme2", "knorr_extreme3")


@functools.cache
def wind_loss_table() -> dict[str, float]:
    """Default wind-plant losses other than the plant's own wake, by category [%].

    Returns
    -------
    dict of str to float
        Category (SAM loss taxonomy) -> loss [%], from ``catalogs/wind_losses.csv`` (SAM defaults).
    """
    return {r["category"]: float(r["loss_pct"]) for r in read_catalog("wind_losses")}


def default_losses_frac() -> float:
    """Combined non-wake losses, multiplicative as in SAM [-].

    Returns
    -------
    float
        1 - prod(1 - loss_i / 100) over :func:`wind_loss_table` [-] (0.1655 for the SAM defaults).
    """
    return float(1.0 - np.prod([1.0 - pct / 100.0 for pct in wind_loss_table().values()]))


@functools.cache
def _turbine_types() -> tuple[str, ...]:
    types = get_turbine_types(print_out=False)
    return tuple(types[types.has_power_curve].turbine_type)


@functools.lru_cache(maxsize=16)
def _turbine(hub_height_m: float, turbine_type: str) -> WindTurbine:
    # windpowerlib reads its turbine library (CSV files) for every WindTurbine: once per type here
    return WindTurbine(hub_height=hub_height_m, turbine_type=turbine_type)


def wind_mw_per_mw(weather: pd.DataFrame, *, turbine_type: str = DEFAULT_TURBINE,
                   hub_height_m: float = DEFAULT_HUB_HEIGHT_M, losses_frac: float | None = None,
                   wake_losses_model: str | None = DEFAULT_WAKE_LOSSES_MODEL) -> np.ndarray:
    """Hourly output of a wind plant per MW of nameplate, net of losses [MW/MW].

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather with ``wind_speed_m_per_s`` (10 m), ``temp_air_degc`` (2 m) and ``pressure_pa``.
    turbine_type : str
        windpowerlib/OEDB turbine type with a power curve.
    hub_height_m : float
        Hub height [m].
    losses_frac : float or None
        Availability, electrical, environmental, curtailment, turbine-performance and external-wake
        losses [-]; None (default) takes :func:`default_losses_frac` (SAM defaults, 0.1655); 0 for none.
    wake_losses_model : str or None
        windpowerlib wind efficiency curve for the plant's own wake (one of :data:`WAKE_LOSSES_MODELS`,
        default ``dena_mean``), applied to the hub-height wind speed; None for no wake loss.

    Returns
    -------
    numpy.ndarray
        Output / nameplate each hour [-] (MWh per MW per hour).

    References
    ----------
    Kohler, S. et al., "dena-Netzstudie II" (2010), p. 101 (wind efficiency curves); NREL SAM
    Windpower default losses.
    """
    for col in ("wind_speed_m_per_s", "temp_air_degc", "pressure_pa"):
        if col not in weather.columns:
            raise DataError(f"weather is missing {col!r}; wind needs wind_speed_m_per_s, temp_air_degc, pressure_pa")
    valid = _turbine_types()
    if turbine_type not in valid:
        raise unknown_name("wind turbine type", turbine_type, valid)
    if wake_losses_model is not None and wake_losses_model not in WAKE_LOSSES_MODELS:
        raise unknown_name("wake losses model", wake_losses_model, WAKE_LOSSES_MODELS)
    losses = default_losses_frac() if losses_frac is None else float(losses_frac)
    if not 0.0 <= losses < 1.0:
        raise ConfigError(f"losses_frac={losses_frac!r}; expected a fraction in [0, 1) (0.1655 = SAM defaults)")
    turbine = copy.deepcopy(_turbine(float(hub_height_m), turbine_type))  # the caller's own copy
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
                    power_output_model="power_curve", density_correction=True)
    # ModelChain.run_model's steps, with the wind farm's wake applied to the hub-height speed between them
    # (what windpowerlib's TurbineClusterModelChain does for a wind farm)
    w = data.check_weather_data(w)
    speed_hub = mc.wind_speed_hub(w)
    if wake_losses_model is not None:
        speed_hub = wake_losses.reduce_wind_speed(speed_hub, wind_efficiency_curve_name=wake_losses_model)
    power = mc.calculate_power_output(speed_hub, mc.density_hub(w))
    out = np.asarray(power, dtype=float) / float(turbine.nominal_power)
    return np.clip(out * (1.0 - losses), 0.0, 1.0)


def wind_land_acres(capacity_mw: float) -> float:
    """Total wind-plant area [acres] (Denholm et al. 2009, 34 ha/MW)."""
    return capacity_mw * WIND_ACRES_PER_MW
