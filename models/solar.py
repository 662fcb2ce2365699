"""Hourly PV output with pvlib, fixed tilt or single-axis tracking.

A PVWatts-style chain: sun position at mid-hour (TMY hours are labelled at their end),
Perez plane-of-array irradiance, physical (Fresnel) incidence-angle loss, Faiman cell
temperature, PVWatts DC power with a temperature coefficient, system losses and the
PVWatts inverter. Output per MW of DC nameplate, so the sizing LP can scale it.

References
----------
Dobos, A. P., "PVWatts Version 5 Manual", NREL/TP-6A20-62641 (2014).
Perez, R. et al., "Modeling daylight availability and irradiance components from direct
and global irradiance", Solar Energy 44 (1990) 271-289.
Faiman, D., "Assessing the outdoor operating temperature of photovoltaic modules",
Progress in Photovoltaics 16 (2008) 307-315.
Holmgren, W. F., Hansen, C. W. and Mikofski, M. A., "pvlib python", JOSS 3(29) (2018) 884.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from models.errors import ConfigError, DataError
from models.units import M2_PER_ACRE

#: Weather columns the power models read (gis_data.weather returns them).
WEATHER_COLUMNS = ("temp_air_degc", "ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2", "wind_speed_m_per_s",
                   "pressure_pa")

#: Mount types.
MOUNTS = ("fixed_tilt", "single_axis")


@dataclass(frozen=True)
class PVSystem:
    """PV plant design parameters (PVWatts defaults unless stated).

    Attributes
    ----------
    mount : str
        ``"fixed_tilt"`` (tilt = |latitude| unless given, facing the equator) or ``"single_axis"``
        (north-south axis, backtracking, GCR 0.3).
    tilt_deg : float or None
        Fixed tilt [deg]; None = |latitude|.
    dc_ac_ratio : float
        DC nameplate / inverter AC rating [-] (PVWatts default 1.2).
    gamma_pdc_per_degc : float
        Power temperature coefficient [1/°C] (PVWatts standard module: -0.0037).
    system_losses_frac : float
        Soiling, wiring, mismatch... [-] (PVWatts default 14 %).
    inverter_efficiency_frac : float
        Nominal inverter efficiency [-] (PVWatts default 0.96).
    gcr : float
        Ground coverage ratio for tracking [-].
    albedo : float
        Ground reflectance [-].
    """

    mount: str = "single_axis"
    tilt_deg: float | None = None
    dc_ac_ratio: float = 1.2
    gamma_pdc_per_degc: float = -0.0037
    system_losses_frac: float = 0.14
    inverter_efficiency_frac: float = 0.96
    gcr: float = 0.3
    albedo: float = 0.2

    def __post_init__(self) -> None:
        if self.mount not in MOUNTS:
            raise ConfigError(f"mount={self.mount!r}; expected one of {', '.join(MOUNTS)}")
        if not 0.5 <= self.dc_ac_ratio <= 3.0:
            raise ConfigError(f"dc_ac_ratio={self.dc_ac_ratio!r}; expected 0.5..3.0")


def check_weather(weather: pd.DataFrame) -> None:
    """Raise DataError unless the weather frame has the canonical columns and a tz-aware index."""
    missing = [c for c in WEATHER_COLUMNS if c not in weather.columns]
    if missing:
        raise DataError(f"weather is missing column(s) {missing}; expected {list(WEATHER_COLUMNS)} "
                        "(gis_data.weather.load_weather returns them)")
    if not isinstance(weather.index, pd.DatetimeIndex) or weather.index.tz is None:
        raise DataError("weather index must be a tz-aware DatetimeIndex (hour-ending TMY stamps)")


def pv_ac_mw_per_mw_dc(weather: pd.DataFrame, latitude: float, longitude: float, altitude_m: float = 0.0,
                       system: PVSystem = PVSystem()) -> np.ndarray:
    """Hourly AC output of a PV plant per MW of DC nameplate [MW/MW_dc].

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather with :data:`WEATHER_COLUMNS` (°C, W/m², m/s, Pa), hour-ending tz-aware index.
    latitude, longitude : float
        Site [deg].
    altitude_m : float
        Site elevation [m].
    system : PVSystem
        Design.

    Returns
    -------
    numpy.ndarray
        AC output per MW DC, one value per hour [MW/MW_dc] (equal to MWh/MW_dc per hour).
    """
    return _pv_chain(weather, latitude, longitude, altitude_m, system)["ac"]


_TILT_GRID_DEG = np.arange(0.0, 91.0, 1.0)


@functools.cache
def _diffuse_iam_table() -> tuple[np.ndarray, np.ndarray]:
    # Marion (2017) integration of the physical IAM over sky and ground, on a 1-degree tilt grid
    table = pvlib.iam.marion_diffuse("physical", _TILT_GRID_DEG)
    return np.asarray(table["sky"], dtype=float), np.asarray(table["ground"], dtype=float)


def _diffuse_iam(tilt_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sky, ground = _diffuse_iam_table()
    tilt = np.clip(np.broadcast_to(tilt_deg, tilt_deg.shape), 0.0, 90.0)
    return np.interp(tilt, _TILT_GRID_DEG, sky), np.interp(tilt, _TILT_GRID_DEG, ground)


def _pv_chain(weather, latitude, longitude, altitude_m, system) -> dict[str, np.ndarray]:
    check_weather(weather)
    times = weather.index - pd.Timedelta(minutes=30)  # mid-hour sun position for hour-ending data
    sp = pvlib.solarposition.get_solarposition(times, latitude, longitude, altitude=altitude_m,
                                               pressure=weather["pressure_pa"].to_numpy(),
                                               temperature=weather["temp_air_degc"].to_numpy())
    if system.mount == "single_axis":
        trk = pvlib.tracking.singleaxis(sp["apparent_zenith"], sp["azimuth"], axis_tilt=0, axis_azimuth=180,
                                        max_angle=60, backtrack=True, gcr=system.gcr)
        surface_tilt = trk["surface_tilt"].fillna(0.0)
        surface_azimuth = trk["surface_azimuth"].fillna(180.0)
    else:
        surface_tilt = abs(latitude) if system.tilt_deg is None else system.tilt_deg
        surface_azimuth = 180.0 if latitude >= 0 else 0.0
    dni_extra = pvlib.irradiance.get_extra_radiation(np.asarray(times.day_of_year, dtype=float))
    airmass = pvlib.atmosphere.get_relative_airmass(sp["apparent_zenith"])
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt, surface_azimuth, sp["apparent_zenith"], sp["azimuth"],
        weather["dni_w_per_m2"].to_numpy(), weather["ghi_w_per_m2"].to_numpy(), weather["dhi_w_per_m2"].to_numpy(),
        dni_extra=dni_extra, airmass=airmass, albedo=system.albedo, model="perez",
    )
    aoi = pvlib.irradiance.aoi(surface_tilt, surface_azimuth, sp["apparent_zenith"], sp["azimuth"])
    iam = pvlib.iam.physical(aoi)
    iam_sky, iam_ground = _diffuse_iam(np.asarray(surface_tilt, dtype=float))
    poa_eff = (poa["poa_direct"].fillna(0.0) * iam.fillna(0.0)
               + poa["poa_sky_diffuse"].fillna(0.0) * iam_sky
               + poa["poa_ground_diffuse"].fillna(0.0) * iam_ground).clip(lower=0.0)
    t_cell = pvlib.temperature.faiman(poa["poa_global"].fillna(0.0), weather["temp_air_degc"].to_numpy(),
                                      weather["wind_speed_m_per_s"].to_numpy())
    pdc = pvlib.pvsystem.pvwatts_dc(poa_eff, t_cell, 1.0, system.gamma_pdc_per_degc)
    pdc = pdc * (1.0 - system.system_losses_frac)
    pac_rated = 1.0 / system.dc_ac_ratio
    pac = pvlib.inverter.pvwatts(pdc, pac_rated / system.inverter_efficiency_frac, system.inverter_efficiency_frac)
    return {
        "poa_global": np.nan_to_num(np.asarray(poa["poa_global"], dtype=float)),
        "poa_effective": np.asarray(poa_eff, dtype=float),
        "temp_cell_degc": np.asarray(t_cell, dtype=float),
        "dc": np.nan_to_num(np.asarray(pdc, dtype=float)),
        "ac": np.clip(np.nan_to_num(np.asarray(pac, dtype=float)), 0.0, None),
    }


#: PV land use [acres per MW_ac]. Source: Ong, S. et al., "Land-Use Requirements for Solar Power Plants in
#: the United States", NREL/TP-6A20-56290 (2013), Table ES-1: total area, capacity-weighted average,
#: fixed tilt 7.6 and single-axis tracking 8.3 acres/MW_ac (large PV).
PV_ACRES_PER_MW_AC = {"fixed_tilt": 7.6, "single_axis": 8.3}


def pv_land_acres(capacity_mw_dc: float, system: PVSystem = PVSystem()) -> float:
    """Land for a PV plant [acres].

    Parameters
    ----------
    capacity_mw_dc : float
        DC nameplate [MW].
    system : PVSystem

    Returns
    -------
    float
        MW_ac x acres per MW_ac (Ong et al. 2013) [acres].

    References
    ----------
    Ong, S., Campbell, C., Denholm, P., Margolis, R. and Heath, G., NREL/TP-6A20-56290 (2013).
    """
    return capacity_mw_dc / system.dc_ac_ratio * PV_ACRES_PER_MW_AC[system.mount]


def acres_to_km2(acres: float) -> float:
    """Convert acres to km² [km²]."""
    return acres * M2_PER_ACRE / 1e6
