"""Climate: nearest weather station, its hottest hour, cooling PUE and WUE, and the CO2 of a gas supply.

The station is the nearest by geodesic distance (:func:`gis_data.weather.nearest_stations`),
the one every other path (site report, ``siting water``, batch designs) designs the site
on. Its climate is the site chain's climate step (:func:`siting.chain.climate.climate_of`,
once per station); the CO2 of a gas-only supply is the chain's gas-only year of the
station (its fleet and hourly dispatch at the station's elevation, once per station and
IT load), a screening figure: a site's own design (``--design-top``, the report) takes the
site's elevation.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import take_text
from models.units import KG_PER_TONNE
from siting.chain.resolved import resolve
from siting.criteria._common import check_sites, empty, prep
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: At most this many distinct (station, IT load) pairs get a CO2 figure; beyond, the CO2 columns of the
#: remaining sites stay empty (a log line says so).
MAX_CARBON_CASES = 2_000

_CARBON_COLUMNS = ("co2_t_per_yr", "co2_intensity_kg_per_mwh_it", "gas_heat_rate_annual_hhv_btu_per_kwh")


def site_lonlat(sites: gpd.GeoDataFrame, L) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of the sites [deg, WGS84] from their projected coordinates."""
    from pyproj import Transformer

    xy = L.coords(sites)
    lon, lat = Transformer.from_crs(sites.crs, "EPSG:4326", always_xy=True).transform(xy[:, 0], xy[:, 1])
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def station_climate(L, station_id: str, scenario: Scenario):
    """The chain's climate of a station of the layer set, memoised in the prepared layers (None if unreadable)."""
    from siting.site import climates_for

    resolved = resolve(scenario)
    key = ("climate", station_id, scenario.cooling, resolved.include_wind)
    return L.memo(key, lambda: climates_for([station_id], getattr(L, "layers", L), resolved).get(station_id))


def climate(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """Nearest weather station, its hottest hour, cooling PUE and WUE, facility peak and the CO2 of a gas supply.

    Returns
    -------
    pandas.DataFrame
        ``weather_station_id`` [-], ``distance_to_weather_station_km`` [km] (geodesic),
        ``weather_station_too_far`` [-] (farther than the scenario's
        ``max_weather_station_km``: the columns are still computed from that station but the
        scoring leaves the climate unknown), ``max_temp_air_degc`` [degC],
        ``cooling_pue_annual`` [-], ``wue_consumption_l_per_kwh`` and
        ``wue_withdrawal_l_per_kwh`` [L/kWh] for the scenario's cooling design,
        ``facility_peak_load_mw`` [MW] (IT load x the station's highest hourly PUE), and the
        CO2 of a gas-only supply of the site's IT load at the station (``co2_t_per_yr``
        [t/yr], ``co2_intensity_kg_per_mwh_it`` [kg/MWh of IT energy],
        ``gas_heat_rate_annual_hhv_btu_per_kwh`` [Btu/kWh]).
    """
    from gis_data.weather import nearest_stations

    check_sites(sites)
    L = prep(layers)
    out = empty(sites, {
        "weather_station_id": "str", "distance_to_weather_station_km": "float", "weather_station_too_far": "bool",
        "max_temp_air_degc": "float", "cooling_pue_annual": "float", "wue_consumption_l_per_kwh": "float",
        "wue_withdrawal_l_per_kwh": "float", "facility_peak_load_mw": "float", **{c: "float" for c in _CARBON_COLUMNS},
    })
    if not L.has("weather_stations") or len(sites) == 0:
        return out
    stations = L.load("weather_stations")
    lon, lat = site_lonlat(sites, L)
    pos, dist = nearest_stations(lat, lon, stations)
    out["distance_to_weather_station_km"] = dist
    out["weather_station_too_far"] = pd.arrays.BooleanArray(dist > scenario.max_weather_station_km, np.isnan(dist))
    ids = stations["station_id"].astype("string").to_numpy()
    out["weather_station_id"] = take_text(stations["station_id"].astype("string"), pos, sites.index)
    load = scenario.it_load_of(sites["it_load_mw"] if "it_load_mw" in sites.columns else np.full(len(sites), np.nan))
    cols = {c: np.full(len(sites), np.nan) for c in ("max_temp_air_degc", "cooling_pue_annual",
                                                      "wue_consumption_l_per_kwh", "wue_withdrawal_l_per_kwh",
                                                      "facility_peak_load_mw", *_CARBON_COLUMNS)}
    resolved = resolve(scenario)
    cases = 0
    for p in np.unique(pos):
        sid = str(ids[p])
        cl = station_climate(L, sid, scenario)
        if cl is None:
            continue
        m = pos == p
        cols["max_temp_air_degc"][m] = cl.hot_hour_temp_air_degc
        cols["cooling_pue_annual"][m] = cl.per_mw.pue_annual
        cols["wue_consumption_l_per_kwh"][m] = cl.per_mw.wue_consumption_l_per_kwh
        cols["wue_withdrawal_l_per_kwh"][m] = cl.per_mw.wue_withdrawal_l_per_kwh
        cols["facility_peak_load_mw"][m] = load[m] * float(np.max(cl.facility_mw_per_mw_it))
        for mw in np.unique(load[m]):
            cases += 1
            if cases > MAX_CARBON_CASES:
                continue
            here = m & (load == mw)
            key = ("gas_only_year", sid, float(mw), hash(resolved))
            year = L.memo(key, lambda cl=cl, mw=mw: _gas_only(cl, resolved, float(mw)))
            it_mwh = cl.per_mw.it_energy_mwh_per_yr * float(mw * scenario.it_utilization_frac)
            cols["co2_t_per_yr"][here] = year["co2_tonnes"]
            cols["co2_intensity_kg_per_mwh_it"][here] = year["co2_tonnes"] * KG_PER_TONNE / it_mwh
            cols["gas_heat_rate_annual_hhv_btu_per_kwh"][here] = year["heat_rate_hhv_btu_per_kwh"]
    if cases > MAX_CARBON_CASES:
        log.warning("CO2 of the gas supply computed for the first %d of %d (station, IT load) cases; give fewer "
                    "distinct it_load_mw values to cover every site", MAX_CARBON_CASES, cases)
    for c, v in cols.items():
        out[c] = v
    return out


def _gas_only(cl, resolved, it_load_mw: float) -> dict:
    from models.units import BTU_PER_MMBTU, KWH_PER_MWH
    from siting.chain.dispatch import gas_only_year

    year = gas_only_year(cl, resolved, altitude_m=cl.station.elevation_m, it_load_mw=it_load_mw)
    year["heat_rate_hhv_btu_per_kwh"] = (year["fuel_mmbtu"] * BTU_PER_MMBTU / (year["gas_mwh"] * KWH_PER_MWH)
                                         if year["gas_mwh"] > 0 else np.nan)
    return year
