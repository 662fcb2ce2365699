"""From a place to the site chain: the inputs every workflow gives the chain, taken one way.

A site's inputs to :mod:`siting.chain` come from the same criteria whether it is a row of a
batch run or a single location: the weather station (the criteria's nearest station), the
ozone status of its county, the interconnection wait of the queue layer, its elevation
(:func:`gis_data.elevation.site_elevation_m`) and its IT load (the row's, else the
scenario's). :func:`inputs_from_table` builds them for a scored table,
:func:`climates_for` loads each station's climate once, and :func:`design_at` runs one
location end to end (score, inputs, chain) for the site report and ``siting water``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gis_data.elevation import site_elevation_m
from siting.chain.climate import Climate, Station, climate_of, station_from_weather
from siting.chain.money import grid_region_of
from siting.chain.resolved import ResolvedScenario, resolve
from siting.chain.site import SiteDesign, SiteInputs, design_site
from siting.errors import ConfigError, DataError, MissingDataError
from siting.scenario import Scenario

log = logging.getLogger(__name__)


def _column(table: pd.DataFrame, name: str, default=np.nan) -> np.ndarray:
    if name in table.columns:
        return pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float)
    return np.full(len(table), default, dtype=float)


def _first_column(table: pd.DataFrame, *names: str) -> np.ndarray:
    """The first of ``names`` the table has (a site's value NaN where unknown)."""
    for name in names:
        if name in table.columns:
            return _column(table, name)
    return _column(table, names[0])


def _names(table: pd.DataFrame, name: str) -> list:
    if name not in table.columns:
        return [None] * len(table)
    return [None if pd.isna(v) else str(v) for v in table[name]]


def inputs_from_table(table: pd.DataFrame, layers, scenario: Scenario) -> SiteInputs:
    """The chain's inputs of the rows of a scored table (:func:`siting.batch.score_sites` output).

    Parameters
    ----------
    table : pandas.DataFrame
        ``latitude_deg``, ``longitude_deg`` [deg], ``weather_station_id``, and when present
        ``it_load_mw`` [MW] (NaN: the scenario's), ``nonattainment_status``,
        the chosen pipeline (``distance_to_chosen_pipeline_km`` [km], the lateral, else
        ``distance_to_pipeline_km``; ``chosen_pipeline_operator``,
        ``chosen_pipeline_served_gas_capacity_mw`` [MW]), the substation of the class the load
        needs (``distance_to_adequate_substation_km``, else ``distance_to_substation_km`` [km]:
        the grid connection), ``state_abbr`` and ``balancing_authority`` (cost region and the
        large-load connection region). The generator queue's ``interconnection_wait_months``
        is not a load connection time and is not used.
    layers : LayerSet-like
        For the ``elevation`` raster, when the layer set has one.
    scenario : Scenario

    Returns
    -------
    siting.chain.site.SiteInputs
    """
    n = len(table)
    for col in ("latitude_deg", "longitude_deg"):
        if col not in table.columns:
            raise ConfigError(f"the site table has no {col!r} column; pass a scored table (siting.batch.score_sites)")
    lat = table["latitude_deg"].to_numpy(dtype=float)
    lon = table["longitude_deg"].to_numpy(dtype=float)
    it = scenario.it_load_of(_column(table, "it_load_mw"))
    sid = (table["weather_station_id"].astype("string").fillna("").to_numpy(dtype=object)
           if "weather_station_id" in table.columns else np.full(n, "", dtype=object))
    status = table["nonattainment_status"].tolist() if "nonattainment_status" in table.columns else [None] * n
    state = table["state_abbr"].tolist() if "state_abbr" in table.columns else [""] * n
    ba = table["balancing_authority"].tolist() if "balancing_authority" in table.columns else [None] * n
    return SiteInputs(station_id=sid, altitude_m=site_elevation_m(lat, lon, layers), it_load_mw=it,
                      nonattainment_status=status, grid_wait_months=np.full(n, np.nan), latitude_deg=lat,
                      longitude_deg=lon, gas_lateral_km=_first_column(table, "distance_to_chosen_pipeline_km",
                                                                   "distance_to_pipeline_km"),
                      substation_distance_km=_first_column(table, "distance_to_adequate_substation_km",
                                                           "distance_to_substation_km"), state_abbr=state,
                      grid_region=[grid_region_of(b, s) for b, s in zip(ba, state)],
                      ozone_class_source=(table["ozone_class_source"].astype("string").tolist() if "ozone_class_source" in table.columns
                                          else [""] * n),
                      gas_pipeline_operator=_names(table, "chosen_pipeline_operator"),
                      gas_pipeline_served_mw=_column(table, "chosen_pipeline_served_gas_capacity_mw"))


def station_of(row: pd.Series) -> Station:
    """The :class:`~siting.chain.climate.Station` of a ``weather_stations`` layer row (its weather loaded).

    The position and elevation are the weather file's own header where it has one (the
    same a weather frame gives :func:`siting.power.design_power`), else the layer's.
    """
    from gis_data.weather import station_weather

    weather = station_weather(row)
    elev = pd.to_numeric(pd.Series([row.get("elevation_m")]), errors="coerce").iloc[0]
    st = station_from_weather(weather, latitude=float(row.geometry.y), longitude=float(row.geometry.x),
                              elevation_m=float(elev) if np.isfinite(elev) else 0.0)
    return Station(station_id=str(row["station_id"]), name=str(row.get("station_name", st.name)),
                   latitude_deg=st.latitude_deg, longitude_deg=st.longitude_deg, elevation_m=st.elevation_m,
                   weather=weather)


def climates_for(station_ids, layers, resolved: ResolvedScenario) -> dict[str, Climate]:
    """The climate of each named station of a layer set, computed once per station.

    A station whose weather file cannot be read is left out (logged); its sites get no design.
    """
    wanted = sorted({str(s) for s in station_ids if s})
    if not wanted:
        return {}
    if not layers.has("weather_stations"):
        raise MissingDataError("the layer set has no weather_stations layer: sites cannot be designed without "
                               "weather (add a TMY3 station list, see `siting data scan`)")
    stations = layers.load("weather_stations")
    by_id = {str(r["station_id"]): r for _, r in stations.iterrows() if str(r["station_id"]) in wanted}
    out = {}
    for s in wanted:
        row = by_id.get(s)
        if row is None:
            log.warning("weather station %s is not in the layer set's station list; its sites get no design", s)
            continue
        try:
            out[s] = climate_of(station_of(row), resolved)
        except (OSError, ValueError) as exc:
            log.warning("weather station %s: cannot read %s (%s); its sites get no design", s, row.get("path"), exc)
    return out


@dataclass(frozen=True)
class LocatedSite:
    """One location run through the criteria and the site chain.

    Attributes
    ----------
    name : str
    latitude_deg, longitude_deg : float
    scored_row : pandas.Series
        The site's row of a scored table (criteria, sub-scores, explanation).
    n_sites : int or None
        How many sites its rank is among.
    design : siting.chain.site.SiteDesign
        The chain's result.
    station : pandas.Series
        The weather station's layer row.
    distance_to_station_km : float
    layers : LayerSet-like
    """

    name: str
    latitude_deg: float
    longitude_deg: float
    scored_row: pd.Series
    n_sites: int | None
    design: SiteDesign
    station: pd.Series
    distance_to_station_km: float
    layers: Any

    def context_inputs(self) -> tuple[dict | None, dict | None]:
        """The county's water-use row and the water stress at the site, by the batch's own lookups."""
        from siting.water_context import county_water_facts, stress_at_sites

        row = self.scored_row
        fips = row.get("county_fips")
        county = None
        if fips is not None and fips is not pd.NA and self.layers.has("water_use"):
            wu = self.layers.load("water_use")
            if (wu["county_fips"].astype(str) == str(fips)).any():
                county = county_water_facts(wu, [str(fips)]).iloc[0].to_dict()
        stress = None
        if self.layers.has("water_stress"):
            state = row.get("state_abbr")
            s = stress_at_sites([self.longitude_deg], [self.latitude_deg],
                                [None if state is None or state is pd.NA else str(state)],
                                self.layers.load("water_stress"))
            if np.isfinite(s["bws_score"][0]):
                stress = {k: (float(v[0]) if isinstance(v[0], (float, np.floating)) else v[0]) for k, v in s.items()}
        return county, stress

    def where(self) -> str:
        """Where the site is and which weather it was designed on (a note for reports)."""
        row = self.scored_row
        text = (f"site at {self.latitude_deg:.4f}, {self.longitude_deg:.4f}: county {row.get('county_name') or 'unknown'} "
                f"({row.get('county_fips') or 'no county polygon contains it'}), state {row.get('state_abbr') or 'unknown'}")
        if getattr(self.layers, "is_synthetic", False):
            text = "SYNTHETIC SAMPLE REGION - not real data; " + text
        return text

    def weather_note(self) -> str:
        st = self.station
        if not math.isfinite(self.distance_to_station_km):
            return f"weather: the hourly table given ({st.get('station_name', st['station_id'])})"
        return (f"weather: typical year of station {st.get('station_name', st['station_id'])} ({st['station_id']}), "
                f"{self.distance_to_station_km:,.0f} km from the site")

    def plant_spec(self, option: str | None = None):
        """The on-site plant of one of the site's options, as a deal needs it (:class:`siting.deal.PlantSpec`).

        Capacity is the gas fleet's ISO rating (its firm capacity); capital is the option's
        overnight capital (equipment, lateral, grid connection, land); energy is what the plant
        delivers in the dispatched year (gas plus PV and wind used); fuel, its delivered price,
        fixed and variable O&M by equipment class and the months to first power come from the
        same design, in the scenario's dollar year.

        Parameters
        ----------
        option : str, optional
            ``gas_only`` or ``renewables_plus_gas`` (the options whose plant serves the load);
            default the recommended option when it is one of those, else ``gas_only``.
        """
        from models import money as mm
        from models.units import KWH_PER_MWH
        from siting.deal import PlantSpec

        power = self.design.power
        onsite = ("gas_only", "renewables_plus_gas")
        option = option or (power.recommended if power.recommended in onsite else "gas_only")
        if option not in onsite:
            raise ConfigError(f"option={option!r}: a deal values an on-site plant; choose one of {', '.join(onsite)}")
        o = power.option(option)
        resolved = self.design.resolved
        lines = {ln.item: ln for ln in resolved.costs.lines}
        s = resolved.scenario
        _, _, a_fom, b_fom = mm.battery_cost_split(s.cost_basis, s.dollar_year)
        k = KWH_PER_MWH
        fixed_om = (o.gas_iso_capacity_mw * k * lines["gas"].fixed_om_usd_per_kw_yr
                    + o.pv_capacity_mw_dc / resolved.pv_system.dc_ac_ratio * k * lines["pv"].fixed_om_usd_per_kw_yr
                    + o.wind_capacity_mw * k * lines["wind"].fixed_om_usd_per_kw_yr
                    + o.battery_capacity_mw * k * a_fom + o.battery_energy_mwh * k * b_fom)
        return PlantSpec(
            name=f"{self.name}: {option} ({o.gas_units_count} x {power.unit_name})", capacity_mw=o.gas_iso_capacity_mw,
            capex_usd=o.capex_usd, dollar_year=power.cost_dollar_year,
            generation_mwh_per_yr=o.gas_mwh_per_yr + o.pv_mwh_per_yr + o.wind_mwh_per_yr,
            fuel_mmbtu_hhv_per_yr=o.fuel_mmbtu_hhv_per_yr, heat_rate_hhv_btu_per_kwh=resolved.unit.heat_rate_hhv_btu_per_kwh,
            fixed_om_usd_per_yr=fixed_om, variable_om_usd_per_mwh=resolved.costs.gas_variable_om_usd_per_mwh,
            equipment_class=_deal_class(resolved.equipment_class), fuel_price_usd_per_mmbtu=o.fuel_price_usd_per_mmbtu,
            months_to_first_power=o.months_to_first_power,
            source=f"site chain design of {self.name} ({option}, {s.cost_basis} costs, USD {s.dollar_year})",
        )

    def water(self, golf_region: str | None = None):
        """The site's :class:`siting.water_budget.SiteWater`."""
        from siting.water_budget import site_water_of

        county, stress = self.context_inputs()
        notes = [self.where() + (f"; water stress indicator {stress.get('indicator')}" if stress else ""),
                 self.weather_note()]
        return site_water_of(self.design, county_water=county, water_stress=stress, golf_region=golf_region,
                             notes=tuple(notes))


def _deal_class(equipment_class: str) -> str:
    """The deal model's equipment class of a cost class (the trailer-mounted aeroderivative is an aeroderivative)."""
    from siting.deal import EQUIPMENT_CLASSES

    cls = "aeroderivative" if equipment_class == "trailer_mounted_aeroderivative" else equipment_class
    if cls not in EQUIPMENT_CLASSES:
        raise ConfigError(f"equipment class {equipment_class!r} has no deal class; expected one of "
                          f"{', '.join(EQUIPMENT_CLASSES)}")
    return cls


def design_at(lat: float, lon: float, scenario: Scenario | None = None, *, layers=None, name: str | None = None,
              scored_row: pd.Series | None = None, n_sites: int | None = None, profile: str = "speed_to_power",
              weather: pd.DataFrame | None = None, combined_cycle_cooling: str = "wet") -> LocatedSite:
    """Score one location against a layer set and run the site chain on it.

    Parameters
    ----------
    lat, lon : float
        Site [deg, WGS84].
    scenario : Scenario, optional
        Default ``Scenario()``.
    layers : LayerSet-like or path, optional
        Default the embedded synthetic sample region.
    name : str, optional
    scored_row : pandas.Series, optional
        The site's row of an already scored table; scored here when absent.
    n_sites : int, optional
        How many sites the rank is among.
    profile : str
        Scoring profile when the site is scored here.
    weather : pandas.DataFrame, optional
        Hourly weather to design on instead of the nearest station's (its header, else the
        site, says where it was measured).
    combined_cycle_cooling : str
        Condenser cooling of a combined-cycle prime mover.

    Returns
    -------
    LocatedSite

    Raises
    ------
    ConfigError
        When the site cannot be scored (outside the layers, bad coordinates): the reason is in the message.
    MissingDataError
        When the layer set has no weather for the site.
    """
    from gis_data.layerset import open_layers
    from siting.batch import score_sites

    scenario = scenario or Scenario()
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ConfigError(f"coordinates lat={lat}, lon={lon} out of range; expected |lat| <= 90, |lon| <= 180")
    ls = open_layers(layers)
    name = name or f"Site at {lat:.4f}, {lon:.4f}"
    if scored_row is None:
        scored = score_sites(pd.DataFrame({"name": [name], "lat": [lat], "lon": [lon],
                                           "it_load_mw": [scenario.it_load_mw]}),
                             ls, scenario, profile, progress=False)
        scored_row = scored.iloc[0]
        n_sites = 1
    error = str(scored_row.get("error", "") or "")
    if error:
        raise ConfigError(f"site {name!r} at ({lat}, {lon}) cannot be designed: {error}")
    table = pd.DataFrame([scored_row]).reset_index(drop=True)
    table["latitude_deg"], table["longitude_deg"] = float(lat), float(lon)
    inputs = inputs_from_table(table, ls, scenario)
    resolved = resolve(scenario, combined_cycle_cooling=combined_cycle_cooling)
    if weather is not None:
        given = station_from_weather(weather, latitude=lat, longitude=lon)
        station = pd.Series({"station_id": given.station_id, "station_name": f"{given.name} (weather given)"})
        design = design_site(climate_of(given, resolved), resolved, inputs)
        return LocatedSite(name=name, latitude_deg=float(lat), longitude_deg=float(lon), scored_row=scored_row,
                           n_sites=n_sites, design=design, station=station, distance_to_station_km=math.nan, layers=ls)
    sid = str(inputs.station_id[0])
    if not sid:
        raise MissingDataError(f"no weather station for the site at ({lat}, {lon}): the layer set has no "
                               "weather_stations layer; add a TMY3 station list (see `siting data scan`)")
    climates = climates_for([sid], ls, resolved)
    if sid not in climates:
        raise MissingDataError(f"the weather of station {sid} could not be read; see the log for the file")
    station = ls.load("weather_stations")
    station = station[station["station_id"].astype(str) == sid].iloc[0]
    dist = float(pd.to_numeric(pd.Series([scored_row.get("distance_to_weather_station_km")]), errors="coerce").iloc[0])
    design = design_site(climates[sid], resolved, inputs)
    if not math.isfinite(dist):
        raise DataError(f"the scored row of {name!r} has no distance to its weather station")
    return LocatedSite(name=name, latitude_deg=float(lat), longitude_deg=float(lon), scored_row=scored_row,
                       n_sites=n_sites, design=design, station=station, distance_to_station_km=dist, layers=ls)
