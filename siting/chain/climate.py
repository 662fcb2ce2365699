"""A weather station's year: hourly cooling water and PUE, facility load, PV and wind profiles.

The cooling model (:func:`models.cooling.hourly_cooling`) is linear in IT load, so a
station's climate is computed once, for 1 MW of IT load, and every site of the station
scales it: facility load [MW] = IT load x utilisation x the hourly facility MW per MW of
IT (the hourly PUE); cooling water = IT load x utilisation x the per-MW water. Every path
scales the same per-MW figures with the same multiplication, so a site's numbers do not
depend on the path that asked for them.

The PV profile is computed at the station's position and elevation, where its irradiance
was measured (sun position and irradiance from the same place); a site uses the weather
of its nearest station, which is the one approximation of place the tool makes.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models import cooling as cl
from models import solar, wind
from siting.chain.resolved import ResolvedScenario
from siting.errors import DataError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Station:
    """A typical weather year and where it was measured.

    Attributes
    ----------
    station_id : str
        Station identifier (USAF for TMY3), or ``"site"`` for weather given for a site.
    name : str
        Station name.
    latitude_deg, longitude_deg : float
        Where the weather was measured [deg, WGS84].
    elevation_m : float
        Station elevation [m].
    weather : pandas.DataFrame
        Hourly canonical weather (:func:`gis_data.weather.load_weather`).
    """

    station_id: str
    name: str
    latitude_deg: float
    longitude_deg: float
    elevation_m: float
    weather: pd.DataFrame = field(compare=False, repr=False, hash=False)


def station_from_weather(weather: pd.DataFrame, *, latitude: float | None = None, longitude: float | None = None,
                         elevation_m: float | None = None) -> Station:
    """The station of a weather frame: its TMY3 header (``attrs["station"]``), else the given position.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather.
    latitude, longitude : float, optional
        Where the weather applies [deg] when the frame carries no station header.
    elevation_m : float, optional
        [m]; default the header's, else 0.

    Raises
    ------
    DataError
        When neither the frame nor the arguments give a position.
    """
    st = dict(weather.attrs.get("station") or {}) if hasattr(weather, "attrs") else {}
    lat = st.get("latitude_deg", latitude)
    lon = st.get("longitude_deg", longitude)
    if lat is None or lon is None:
        raise DataError("the weather has no station header (attrs['station']) and no latitude/longitude was given: "
                        "pass latitude= and longitude= of the place the weather describes, or weather from "
                        "gis_data.weather.load_weather")
    elev = st.get("elevation_m", elevation_m if elevation_m is not None else 0.0)
    sid = str(st.get("station_id", "site"))
    return Station(station_id=sid, name=str(st.get("station_name", sid)), latitude_deg=float(lat),
                   longitude_deg=float(lon), elevation_m=float(elev if np.isfinite(elev) else 0.0), weather=weather)


@dataclass(frozen=True)
class Climate:
    """A station's year per MW of IT load.

    Attributes
    ----------
    station : Station
    cooling : str
        Cooling design.
    temp_air_degc : numpy.ndarray
        Hourly air temperature [degC].
    facility_mw_per_mw_it : numpy.ndarray
        Hourly facility power per MW of IT load: the hourly PUE [MW/MW].
    hourly_per_mw : pandas.DataFrame
        :func:`models.cooling.hourly_cooling` at 1 MW of IT load.
    per_mw : models.cooling.CoolingSummary
        Its annual summary (1 MW of IT load all year).
    pv_system : models.solar.PVSystem
        The PV plant whose profile :attr:`pv_mw_per_mw_dc` gives.
    include_wind : bool
        Whether wind is offered (else its profile is zero).
    """

    station: Station
    cooling: str
    temp_air_degc: np.ndarray = field(repr=False)
    facility_mw_per_mw_it: np.ndarray = field(repr=False)
    hourly_per_mw: pd.DataFrame = field(repr=False)
    per_mw: cl.CoolingSummary = field(repr=False)
    pv_system: solar.PVSystem = field(repr=False)
    include_wind: bool = True

    @functools.cached_property
    def pv_mw_per_mw_dc(self) -> np.ndarray:
        """Single-axis PV output per MW_dc at the station's position and elevation [MW/MW] (computed on first use)."""
        st = self.station
        return np.asarray(solar.pv_ac_mw_per_mw_dc(st.weather, st.latitude_deg, st.longitude_deg, st.elevation_m,
                                                   self.pv_system), dtype=float)

    @functools.cached_property
    def wind_mw_per_mw(self) -> np.ndarray:
        """Wind output per MW installed (zeros when wind is not offered) [MW/MW] (computed on first use)."""
        if not self.include_wind:
            return np.zeros(self.hours)
        return np.asarray(wind.wind_mw_per_mw(self.station.weather), dtype=float)

    @property
    def hours(self) -> int:
        return int(self.temp_air_degc.size)

    @property
    def hot_hour_temp_air_degc(self) -> float:
        """Hottest hour of the year [degC]."""
        return float(np.nanmax(self.temp_air_degc))

    def facility_load_mw(self, it_load_mw, utilization_frac=1.0) -> np.ndarray:
        """Hourly facility load of sites [MW], shape (sites, hours) (or (hours,) for a scalar load).

        IT load x utilisation x the hourly facility MW per MW of IT, in that order on every path.
        """
        it = np.asarray(it_load_mw, dtype=float) * utilization_frac
        return it[..., None] * self.facility_mw_per_mw_it if it.ndim else it * self.facility_mw_per_mw_it

    def cooling_at(self, it_load_served_mw: float) -> cl.CoolingSummary:
        """Annual cooling of a campus drawing ``it_load_served_mw`` on average: the per-MW year scaled."""
        return scale_cooling(self.per_mw, it_load_served_mw)

    def hourly_at(self, it_load_served_mw: float) -> pd.DataFrame:
        """Hourly cooling of a campus (the per-MW hours scaled; temperatures, PUE and flags unchanged)."""
        out = self.hourly_per_mw.copy()
        for c in _LINEAR_COLUMNS:
            out[c] = self.hourly_per_mw[c].to_numpy() * float(it_load_served_mw)
        return out


#: Columns of :func:`models.cooling.hourly_cooling` proportional to the IT load.
_LINEAR_COLUMNS = ("it_load_mw", "cooling_power_mw", "facility_power_mw", "heat_rejected_mw", "evaporation_gal",
                   "blowdown_gal", "water_consumption_gal", "water_withdrawal_gal")
#: Fields of :class:`models.cooling.CoolingSummary` proportional to the IT load.
_LINEAR_FIELDS = ("it_energy_mwh_per_yr", "facility_energy_mwh_per_yr", "water_consumption_gal_per_yr",
                  "water_withdrawal_gal_per_yr", "peak_day_consumption_gal_per_day", "peak_day_withdrawal_gal_per_day",
                  "initial_fill_gal")


def scale_cooling(per_mw: cl.CoolingSummary, it_load_served_mw: float) -> cl.CoolingSummary:
    """A 1 MW cooling summary scaled to a campus: linear fields x load, ratios (PUE, WUE) unchanged.

    Parameters
    ----------
    per_mw : models.cooling.CoolingSummary
        The summary of 1 MW of IT load all year.
    it_load_served_mw : float
        Average IT load served (nameplate x utilisation) [MW].
    """
    k = float(it_load_served_mw)
    return dataclasses.replace(per_mw, **{f: getattr(per_mw, f) * k for f in _LINEAR_FIELDS})


def _check_hours(weather: pd.DataFrame) -> None:
    if "temp_air_degc" not in weather.columns:
        raise DataError(f"weather lacks temp_air_degc; it has {list(weather.columns)}")
    temp = weather["temp_air_degc"].to_numpy(dtype=float)
    if temp.size == 0 or not np.all(np.isfinite(temp)):
        raise DataError("weather temp_air_degc is empty or has gaps (NaN); fill them before designing a site")


def climate_of(station: Station, resolved: ResolvedScenario) -> Climate:
    """A station's climate for the scenario's cooling design.

    Callers that serve many sites compute it once per station and pass it on (the batch
    keeps one per station, the screening criterion memoises it in its prepared layers).

    Parameters
    ----------
    station : Station
    resolved : ResolvedScenario

    Returns
    -------
    Climate
    """
    cooling, include_wind, pv_system = resolved.scenario.cooling, resolved.include_wind, resolved.pv_system
    weather = station.weather
    solar.check_weather(weather)
    _check_hours(weather)
    log.debug("climate of station %s: hourly cooling", station.station_id)
    hourly = cl.hourly_cooling(weather, 1.0, cooling)
    per_mw = cl.annual_cooling(hourly, cooling)
    return Climate(
        station=station, cooling=cooling, temp_air_degc=weather["temp_air_degc"].to_numpy(dtype=float),
        facility_mw_per_mw_it=hourly["facility_power_mw"].to_numpy(dtype=float), hourly_per_mw=hourly,
        per_mw=per_mw, pv_system=pv_system, include_wind=include_wind,
    )
