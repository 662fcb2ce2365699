"""Power at one site: gas-only, renewables-plus-gas and grid options side by side.

:func:`design_power` runs the site chain (:mod:`siting.chain`) on one weather year for one
site and returns its :class:`PowerDesign`: the N+k gas fleet for the hourly facility load
(IT load x the cooling model's hourly PUE of the same weather), the hourly dispatch of
every option, fuel, CO2/NOx and permit path, water, cost and time to first power. The
site report, ``siting water`` and the batch designs run the same chain, so a site gets the
same numbers on every path.
"""

from __future__ import annotations

import math

import pandas as pd

from siting.chain.climate import climate_of, station_from_weather
from siting.chain.resolved import SIZING_DAY_STRIDE, resolve
from siting.chain.site import OPTIONS, PowerDesign, PowerOption, SiteDesign, SiteInputs, design_site
from siting.scenario import Scenario


def design_site_from_weather(
    weather: pd.DataFrame,
    scenario: Scenario,
    *,
    altitude_m: float,
    nonattainment_status: str | None = None,
    grid_wait_months: float = math.nan,
    latitude: float | None = None,
    longitude: float | None = None,
    sizing_day_stride: int = SIZING_DAY_STRIDE,
    include_wind: bool = True,
    combined_cycle_cooling: str = "wet",
    distance_to_pipeline_km: float = math.nan,
    distance_to_substation_km: float = math.nan,
    state_abbr: str = "",
    grid_region: str = "us_utility_reported",
) -> SiteDesign:
    """The site chain on one weather year (power, cooling, water budget), without a layer set.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather (:func:`gis_data.weather.load_weather`): ``temp_air_degc`` [°C],
        ``ghi/dni/dhi_w_per_m2`` [W/m²], ``wind_speed_m_per_s`` [m/s], ``pressure_pa`` [Pa],
        humidity. Its TMY3 header (``attrs["station"]``) says where it was measured; without
        one, ``latitude``/``longitude`` are taken as the weather's place.
    scenario : Scenario
    altitude_m : float
        Site elevation [m].
    nonattainment_status : str, optional
        The county's status: ``attainment``, an ozone class (``marginal`` ... ``extreme``) or
        ``nonattainment``; None = unknown (screened as attainment, said in the permit reason).
    grid_wait_months : float
        A grid-connection time known for the site [months], replacing its region's large-load
        connection time; NaN = the region's.
    latitude, longitude : float, optional
        Site position [deg] (default the weather station's).
    sizing_day_stride : int
        The capacity LP uses every n-th day [-].
    include_wind : bool
        Offer wind to the LP.
    combined_cycle_cooling : str
        Condenser cooling of a combined-cycle prime mover.
    distance_to_pipeline_km, distance_to_substation_km : float
        For the gas lateral and the grid connection [km]; NaN = not costed (said in the notes).
    state_abbr : str
        The site's state (grid-connection cost region).
    grid_region : str
        Large-load connection region (:data:`models.time_to_power.GRID_REGIONS`).

    Returns
    -------
    siting.chain.site.SiteDesign
    """
    station = station_from_weather(weather, latitude=latitude, longitude=longitude)
    resolved = resolve(scenario, combined_cycle_cooling=combined_cycle_cooling, sizing_day_stride=sizing_day_stride,
                       include_wind=include_wind)
    lat = station.latitude_deg if latitude is None else float(latitude)
    lon = station.longitude_deg if longitude is None else float(longitude)
    inputs = SiteInputs.one(station_id=station.station_id, altitude_m=altitude_m, it_load_mw=scenario.it_load_mw,
                            nonattainment_status=nonattainment_status, grid_wait_months=grid_wait_months,
                            latitude_deg=lat, longitude_deg=lon, gas_lateral_km=distance_to_pipeline_km,
                            substation_distance_km=distance_to_substation_km, state_abbr=state_abbr,
                            grid_region=grid_region)
    return design_site(climate_of(station, resolved), resolved, inputs)


def design_power(
    weather: pd.DataFrame,
    scenario: Scenario,
    *,
    altitude_m: float,
    nonattainment_class: str | None = None,
    grid_wait_yr: float | None = None,
    grid_wait_months: float | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    sizing_day_stride: int = SIZING_DAY_STRIDE,
    include_wind: bool = True,
    **site,
) -> PowerDesign:
    """Compare gas-only, renewables-plus-gas and grid options for one site.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather (see :func:`design_site_from_weather`).
    scenario : Scenario
        IT load, cooling, prime mover, redundancy, gas-share cap, prices, discount rate, life.
    altitude_m : float
        Site elevation [m].
    nonattainment_class : str or None
        The county's ozone class or status (None = attainment / unknown).
    grid_wait_yr, grid_wait_months : float, optional
        Local interconnection wait [yr] or [months] (give one); default the national median.
    latitude, longitude : float, optional
        Site [deg]; default the weather station's.
    sizing_day_stride : int
        The capacity LP uses every n-th day (scaled to a year) [-].
    include_wind : bool
        Offer wind to the LP.
    **site
        ``distance_to_pipeline_km``, ``distance_to_substation_km``, ``state_abbr``,
        ``grid_region`` (:func:`design_site_from_weather`).

    Returns
    -------
    PowerDesign
    """
    if grid_wait_months is None:
        grid_wait_months = math.nan if grid_wait_yr is None else 12.0 * float(grid_wait_yr)
    return design_site_from_weather(
        weather, scenario, altitude_m=altitude_m, nonattainment_status=nonattainment_class,
        grid_wait_months=grid_wait_months, latitude=latitude, longitude=longitude,
        sizing_day_stride=sizing_day_stride, include_wind=include_wind, **site).power


__all__ = ["OPTIONS", "PowerDesign", "PowerOption", "design_power", "design_site_from_weather"]
