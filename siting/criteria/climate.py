"""Climate: nearest weather station, hottest hour, cooling PUE and WUE, gas fleet and its CO2."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.nearest import nearest
from siting.criteria._common import check_sites, empty, prep, text
from siting.scenario import Scenario

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StationClimate:
    """Per-station results, per MW of flat IT load (the cooling model is linear in load)."""

    hot_hour_temp_air_degc: float
    cooling_pue_annual: float
    wue_consumption_l_per_kwh: float
    wue_withdrawal_l_per_kwh: float


def station_climate(weather: pd.DataFrame, cooling: str) -> StationClimate:
    """Hottest-hour temperature and annual PUE/WUE of one weather year.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather with ``temp_air_degc`` [degC] (see :func:`siting.water.read_weather_file`).
    cooling : str
        Cooling design (a :data:`siting.scenario.COOLING_DESIGNS` name).
    """
    from siting.water import wue_for_weather

    summary = wue_for_weather(weather, cooling)
    it_kwh = summary.it_energy_mwh_per_yr * 1000.0
    from models.units import L_PER_GAL

    return StationClimate(
        hot_hour_temp_air_degc=float(np.nanmax(weather["temp_air_degc"].to_numpy(dtype=float))),
        cooling_pue_annual=float(summary.pue_annual),
        wue_consumption_l_per_kwh=float(summary.water_consumption_gal_per_yr * L_PER_GAL / it_kwh),
        wue_withdrawal_l_per_kwh=float(summary.water_withdrawal_gal_per_yr * L_PER_GAL / it_kwh),
    )


def gas_supply_carbon(temp_air_degc, it_load_mw: float, pue: float, scenario: Scenario, *,
                      altitude_m: float = 0.0) -> dict[str, float]:
    """CO2 of a campus supplied by its behind-the-meter gas fleet through one weather year.

    The facility load, IT load x IT utilisation x PUE, is flat; each hour the fewest
    units that can carry it run (:func:`models.gas_units.units_committed`), sharing it
    equally at the temperature-corrected part-load heat rate
    (:func:`models.gas_units.fuel_burn_mmbtu_hhv`); CO2 is the fuel times the EIA
    factor (:func:`models.emissions.annual_emissions`).

    Parameters
    ----------
    temp_air_degc : array_like
        Hourly air temperature of the weather year [degC].
    it_load_mw : float
        Nameplate IT load [MW].
    pue : float
        Annual PUE of the campus [-] (facility over IT energy).
    scenario : Scenario
        Prime mover and ``it_utilization_frac`` [-].
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    dict
        ``co2_t_per_yr`` [t/yr], ``co2_intensity_kg_per_mwh_it`` [kg CO2 per MWh of IT
        energy] and ``gas_heat_rate_annual_hhv_btu_per_kwh`` [Btu/kWh, HHV: annual fuel
        over annual generation].

    References
    ----------
    EIA, "Carbon dioxide emissions coefficients" (117.0 lb CO2/MMBtu HHV), via
    ``models/catalogs/air_permits.csv``.
    """
    from models.catalog import get_prime_mover
    from models.emissions import annual_emissions
    from models.gas_units import fuel_burn_mmbtu_hhv, units_committed
    from models.units import BTU_PER_MMBTU, HOURS_PER_YEAR, KG_PER_TONNE, KWH_PER_MWH

    unit = get_prime_mover(scenario.prime_mover)
    temp = np.asarray(temp_air_degc, dtype=float)
    it_mw = float(it_load_mw) * scenario.it_utilization_frac
    load = np.full(temp.shape, it_mw * float(pue))
    on = units_committed(unit, load, temp, altitude_m)
    fuel_mmbtu_per_yr = float(fuel_burn_mmbtu_hhv(unit, load, on, temp, altitude_m).mean()) * HOURS_PER_YEAR
    gen_mwh_per_yr = it_mw * float(pue) * HOURS_PER_YEAR
    e = annual_emissions(unit, int(on.max()), fuel_mmbtu_per_yr, gen_mwh_per_yr)
    return {
        "co2_t_per_yr": e.co2_tonnes_per_yr,
        "co2_intensity_kg_per_mwh_it": e.co2_tonnes_per_yr * KG_PER_TONNE / (it_mw * HOURS_PER_YEAR),
        "gas_heat_rate_annual_hhv_btu_per_kwh": fuel_mmbtu_per_yr * BTU_PER_MMBTU / (gen_mwh_per_yr * KWH_PER_MWH),
    }


#: At most this many distinct (station, IT load) pairs get a fleet sized and a CO2 figure; beyond,
#: those columns of the remaining sites stay empty (a log line says so).
MAX_FLEET_CASES = 2_000

_CARBON_COLUMNS = ("co2_t_per_yr", "co2_intensity_kg_per_mwh_it", "gas_heat_rate_annual_hhv_btu_per_kwh")


def climate(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, fleet: bool = True) -> pd.DataFrame:
    """Nearest weather station, its hottest hour, cooling PUE and WUE, the gas fleet it needs and its CO2.

    Parameters
    ----------
    fleet : bool
        Also size the N+k gas fleet for the station's hourly temperature
        (:func:`siting.power.fleet_columns`, once per station and IT load).

    Returns
    -------
    pandas.DataFrame
        ``weather_station_id`` [-], ``distance_to_weather_station_km`` [km],
        ``weather_station_too_far`` [-] (farther than the scenario's
        ``max_weather_station_km``: the columns are still computed from that station but
        the scoring leaves the climate unknown), ``hot_hour_temp_air_degc`` [degC],
        ``cooling_pue_annual`` [-], ``wue_consumption_l_per_kwh`` and
        ``wue_withdrawal_l_per_kwh`` [L/kWh] for the scenario's cooling design (hourly
        model of :mod:`models.cooling`, once per station), the CO2 of a gas-only supply
        (:func:`gas_supply_carbon` at the station's hourly temperatures and annual PUE:
        ``co2_t_per_yr`` [t/yr], ``co2_intensity_kg_per_mwh_it`` [kg/MWh],
        ``gas_heat_rate_annual_hhv_btu_per_kwh`` [Btu/kWh]) and with ``fleet`` the fleet
        columns of :func:`siting.power.fleet_columns` (units, ISO and hot-hour capacity
        [MW], derate [-], availability ...) for the site's IT load (``it_load_mw``, else
        the scenario's) at the scenario's PUE.
    """
    check_sites(sites)
    L = prep(layers)
    out = empty(sites, {
        "weather_station_id": "str", "distance_to_weather_station_km": "float", "weather_station_too_far": "bool",
        "hot_hour_temp_air_degc": "float", "cooling_pue_annual": "float", "wue_consumption_l_per_kwh": "float",
        "wue_withdrawal_l_per_kwh": "float", **{c: "float" for c in _CARBON_COLUMNS},
    })
    if not L.has("weather_stations"):
        return out
    idx = L.index("weather_stations")
    pos, dist = nearest(sites, idx, xy=L.coords(sites))
    out["distance_to_weather_station_km"] = dist
    with np.errstate(invalid="ignore"):
        out["weather_station_too_far"] = pd.arrays.BooleanArray(dist > scenario.max_weather_station_km, np.isnan(dist))
    ids = idx.frame["station_id"].astype("string").to_numpy()
    out["weather_station_id"] = text(np.where(pos >= 0, ids[np.where(pos >= 0, pos, 0)], None), sites.index)
    load = (pd.to_numeric(sites["it_load_mw"], errors="coerce").to_numpy(dtype=float)
            if "it_load_mw" in sites.columns else np.full(len(sites), np.nan))
    load = np.where(np.isnan(load), scenario.it_load_mw, load)
    carbon = {c: np.full(len(sites), np.nan) for c in _CARBON_COLUMNS}
    fleet_parts = []
    cases = 0
    for p in np.unique(pos[pos >= 0]):
        row = idx.frame.iloc[int(p)]
        sid = str(row["station_id"])
        weather = L.memo(("weather", sid), lambda row=row: _station_weather(row, L))
        if weather is None:
            continue
        res = L.memo(("station_climate", sid, scenario.cooling), lambda w=weather: station_climate(w, scenario.cooling))
        m = pos == p
        for name in ("hot_hour_temp_air_degc", "cooling_pue_annual", "wue_consumption_l_per_kwh", "wue_withdrawal_l_per_kwh"):
            out.loc[m, name] = getattr(res, name)
        pue = res.cooling_pue_annual if np.isfinite(res.cooling_pue_annual) else scenario.pue
        elevation = _elevation_m(row)
        for mw in np.unique(load[m]):
            cases += 1
            if cases > MAX_FLEET_CASES:
                continue
            here = m & (load == mw)
            key = ("carbon", sid, float(mw), float(pue), scenario.prime_mover, scenario.it_utilization_frac)
            co2 = L.memo(key, lambda w=weather, mw=mw: gas_supply_carbon(
                w["temp_air_degc"].to_numpy(dtype=float), float(mw), pue, scenario, altitude_m=elevation))
            for c in _CARBON_COLUMNS:
                carbon[c][here] = co2[c]
            if not fleet:
                continue
            key = ("fleet", sid, float(mw), scenario.prime_mover, scenario.redundancy_units, scenario.pue)
            cols = L.memo(key, lambda w=weather, mw=mw, row=row: _station_fleet(w, row, scenario, float(mw)))
            if cols is not None:
                sel = sites.index[here]
                one = pd.DataFrame([cols])
                fleet_parts.append(one.iloc[np.zeros(len(sel), dtype=np.int64)].set_axis(sel))
    if cases > MAX_FLEET_CASES:
        log.warning("gas fleet and CO2 computed for the first %d of %d (station, IT load) cases; give fewer distinct "
                    "it_load_mw values to cover every site", MAX_FLEET_CASES, cases)
    for c in _CARBON_COLUMNS:
        out[c] = carbon[c]
    if fleet_parts:
        fleet_frame = pd.concat(fleet_parts).reindex(sites.index)
        out = pd.concat([out, fleet_frame.drop(columns=["hot_hour_temp_air_degc"], errors="ignore")], axis=1)
    return out


def _elevation_m(row) -> float:
    return float(pd.to_numeric(pd.Series([row.get("elevation_m")]), errors="coerce").fillna(0.0).iloc[0])


def _station_weather(row, layers) -> pd.DataFrame | None:
    from gis_data.weather import load_weather

    src = getattr(getattr(layers, "layers", layers), "source_path", None)
    path = str(row["path"])
    if src is not None and not path.lower().startswith("pvlib:") and not Path(path).is_absolute():
        path = str(Path(src).parent / path)
    try:
        return load_weather(path)
    except (OSError, ValueError) as exc:
        log.warning("weather station %s: cannot read %s (%s); its sites get no climate columns", row["station_id"], path, exc)
        return None


def _station_fleet(weather: pd.DataFrame, row, scenario: Scenario, it_load_mw: float) -> dict | None:
    from siting.power import fleet_columns

    frame = fleet_columns(weather["temp_air_degc"].to_numpy(dtype=float)[None, :], scenario.replace(it_load_mw=it_load_mw),
                          altitude_m=_elevation_m(row))
    return frame.iloc[0].to_dict()
