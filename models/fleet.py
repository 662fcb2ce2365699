"""N+k sizing of an on-site gas fleet and its availability.

Facility load = IT load x PUE (a scalar or an hourly array). The fleet has N units, the
fewest that carry the load in the binding hour (the hour with the largest load over
derated unit capacity - for a flat load, the hottest hour), plus k spares so that with
k units out the remaining N still cover that hour.

Availability treats each unit as independently unavailable with probability q = forced
outage rate (+ an optional planned-outage fraction, default 0). The number of units
available is then binomial(N + k, 1 - q); in each hour the load is served when the
available units x their derated capacity (+ an optional battery's power) cover it.
Availability is the hour-average probability of that, expected unserved energy the sum
over hours of the expected shortfall, "nines" = -log10(1 - availability).

These functions keep the fixed-k fleet of the existing callers and judge it against the
load they are given (the nameplate facility load), without planned maintenance unless
``planned_outage_frac`` is passed. :mod:`models.reliability` is the fuller model: the least
fleet meeting ``reliability_target_frac`` (on the year and in the binding hour), planned
maintenance scheduled in the lowest-load days and causing shortfall where no spare covers
it, and expected unserved energy at the load actually served
(:func:`models.reliability.size_fleet_for_target`, :func:`models.reliability.size_fleets_for_target`).

References
----------
Billinton, R. and Allan, R. N., *Reliability Evaluation of Power Systems*, 2nd ed.
(Plenum, 1996), ch. 2 (capacity outage probability tables from binomial unit states).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from models.catalog import PrimeMover
from models.errors import ConfigError
from models.gas_units import available_capacity_mw, capacity_multiplier


@dataclass(frozen=True)
class FleetDesign:
    """An N+k gas fleet for a load.

    Attributes
    ----------
    unit_name : str
        Catalog name of the unit.
    units_count : int
        Units installed, N + k [-].
    units_running_needed : int
        N, units needed in the binding hour [-].
    redundancy_units : int
        k, spare units [-].
    iso_capacity_mw : float
        Installed capacity at ISO conditions [MW].
    hot_hour_capacity_mw : float
        Capacity of all units in the binding hour [MW].
    firm_capacity_mw : float
        Capacity with k units out in the binding hour [MW].
    hot_hour_temp_air_degc : float
        Air temperature in the binding hour [°C].
    hot_hour_derate_frac : float
        Output lost vs ISO in the binding hour, 1 - site/ISO [-].
    peak_load_mw : float
        Largest hourly facility load [MW].
    availability_frac : float
        Hour-average probability that available capacity covers the load [-].
    expected_unserved_mwh_per_yr : float
        Expected energy not served [MWh/yr] (per year of the hourly input).
    nines : float
        -log10(1 - availability) [-]; inf when no shortfall state has probability.
    unit_unavailability_frac : float
        q used for each unit [-].
    battery_power_mw : float
        Battery power counted as ride-through [MW].
    """

    unit_name: str
    units_count: int
    units_running_needed: int
    redundancy_units: int
    iso_capacity_mw: float
    hot_hour_capacity_mw: float
    firm_capacity_mw: float
    hot_hour_temp_air_degc: float
    hot_hour_derate_frac: float
    peak_load_mw: float
    availability_frac: float
    expected_unserved_mwh_per_yr: float
    nines: float
    unit_unavailability_frac: float
    battery_power_mw: float


def facility_load_mw(it_load_mw, pue) -> np.ndarray:
    """Facility load from IT load and PUE [MW].

    Parameters
    ----------
    it_load_mw : float or array_like
        IT load [MW].
    pue : float or array_like
        Power usage effectiveness (facility / IT) [-], >= 1.

    Returns
    -------
    numpy.ndarray
        it_load_mw x pue [MW].
    """
    pue_arr = np.asarray(pue, dtype=float)
    if np.any(pue_arr < 1.0):
        raise ConfigError(f"pue={pue!r} is below 1; PUE is facility energy over IT energy, at least 1.0")
    return np.asarray(it_load_mw, dtype=float) * pue_arr


def fleet_availability(
    load_mw, unit_capacity_mw, units_count: int, unavailability_frac: float, *, battery_power_mw: float = 0.0
) -> tuple[float, float]:
    """Availability and expected unserved energy of a fleet of identical units.

    Parameters
    ----------
    load_mw : array_like
        Hourly load [MW].
    unit_capacity_mw : array_like
        Hourly available capacity of one unit [MW].
    units_count : int
        Units installed [-].
    unavailability_frac : float
        Probability a unit is out in any hour [-].
    battery_power_mw : float
        Battery power that covers a shortfall (ride-through until a unit restarts) [MW].

    Returns
    -------
    (float, float)
        Availability [-] (hour-average probability the load is covered) and expected
        unserved energy [MWh per period of the input].
    """
    load = np.atleast_1d(np.asarray(load_mw, dtype=float))
    cap = np.broadcast_to(np.asarray(unit_capacity_mw, dtype=float), load.shape)
    if not 0.0 <= unavailability_frac < 1.0:
        raise ConfigError(f"unavailability_frac={unavailability_frac!r}; expected 0 <= q < 1")
    j = np.arange(units_count + 1)
    pmf = binom.pmf(j, units_count, 1.0 - unavailability_frac)  # P(j units available)
    # group identical hours: the shortfall only depends on (load, capacity)
    pairs, inverse, counts = np.unique(np.stack([load, cap]), axis=1, return_inverse=True, return_counts=True)
    shortfall = np.maximum(pairs[0][:, None] - j[None, :] * pairs[1][:, None] - battery_power_mw, 0.0)
    p_short = (shortfall > 1e-9) @ pmf
    eue = shortfall @ pmf
    hours = load.size
    availability = 1.0 - float((p_short * counts).sum()) / hours
    return availability, float((eue * counts).sum())


def size_gas_fleet(
    facility_load_mw,
    temp_air_degc,
    *,
    unit: PrimeMover,
    altitude_m: float = 0.0,
    redundancy_units: int = 1,
    planned_outage_frac: float = 0.0,
    battery_power_mw: float = 0.0,
) -> FleetDesign:
    """Size an N+k fleet of one unit type so that, with k units out, the binding hour is covered.

    Parameters
    ----------
    facility_load_mw : float or array_like
        Facility load [MW], a constant or an hourly array the length of ``temp_air_degc``.
    temp_air_degc : array_like
        Hourly ambient air temperature [°C].
    unit : PrimeMover
        Catalog unit (:func:`models.catalog.get_prime_mover`).
    altitude_m : float
        Site elevation [m].
    redundancy_units : int
        k, spare units [-].
    planned_outage_frac : float
        Extra unit unavailability for planned maintenance [-] (default 0: not modelled here;
        :func:`models.reliability.size_fleet_for_target` schedules it).
    battery_power_mw : float
        Battery power counted as ride-through in the availability [MW].

    Returns
    -------
    FleetDesign

    Raises
    ------
    ConfigError
        For a non-positive load, negative k, a unit without ISO capacity or outage rate.
    """
    temp = np.atleast_1d(np.asarray(temp_air_degc, dtype=float))
    load = np.broadcast_to(np.asarray(facility_load_mw, dtype=float), temp.shape)
    if np.any(~np.isfinite(load)) or np.any(load < 0) or load.max() <= 0:
        raise ConfigError("facility_load_mw must be finite, non-negative and positive somewhere; got "
                          f"min={load.min()!r}, max={load.max()!r}")
    if np.any(~np.isfinite(temp)):
        raise ConfigError("temp_air_degc has NaN or infinite values; fill gaps in the weather first")
    if int(redundancy_units) != redundancy_units or redundancy_units < 0:
        raise ConfigError(f"redundancy_units={redundancy_units!r}; expected a whole number >= 0")
    if not math.isfinite(unit.iso_capacity_mw):
        raise ConfigError(f"unit {unit.name!r} has no ISO capacity in the catalog; choose another unit")
    q = unit.forced_outage_rate_frac + planned_outage_frac
    if not math.isfinite(q):
        raise ConfigError(f"unit {unit.name!r} has no forced-outage rate in the catalog; choose another unit")
    cap = available_capacity_mw(unit, temp, altitude_m)
    ratio = load / cap
    hot = int(np.argmax(ratio))
    n_needed = max(int(math.ceil(ratio[hot] - 1e-9)), 1)
    k = int(redundancy_units)
    count = n_needed + k
    availability, eue = fleet_availability(load, cap, count, q, battery_power_mw=battery_power_mw)
    nines = math.inf if availability >= 1.0 else -math.log10(1.0 - availability)
    return FleetDesign(
        unit_name=unit.name,
        units_count=count,
        units_running_needed=n_needed,
        redundancy_units=k,
        iso_capacity_mw=count * unit.iso_capacity_mw,
        hot_hour_capacity_mw=float(count * cap[hot]),
        firm_capacity_mw=float(n_needed * cap[hot]),
        hot_hour_temp_air_degc=float(temp[hot]),
        hot_hour_derate_frac=float(1.0 - capacity_multiplier(unit, temp[hot], altitude_m)),
        peak_load_mw=float(load.max()),
        availability_frac=availability,
        expected_unserved_mwh_per_yr=eue,
        nines=nines,
        unit_unavailability_frac=q,
        battery_power_mw=float(battery_power_mw),
    )


def redundancy_for_target(
    facility_load_mw, temp_air_degc, *, unit: PrimeMover, reliability_target_frac: float, altitude_m: float = 0.0,
    max_redundancy_units: int = 20,
) -> FleetDesign:
    """The smallest N+k fleet whose availability meets a target (no maintenance, nameplate load).

    :func:`models.reliability.size_fleet_for_target` is the fuller model (maintenance, the
    binding hour, expected unserved energy at the served load, a miss reported instead of raised).

    Parameters
    ----------
    facility_load_mw, temp_air_degc, unit, altitude_m
        As :func:`size_gas_fleet`.
    reliability_target_frac : float
        Required availability [-], e.g. 0.9999.
    max_redundancy_units : int
        Largest k tried.

    Raises
    ------
    ConfigError
        When even ``max_redundancy_units`` spares miss the target.
    """
    for k in range(max_redundancy_units + 1):
        design = size_gas_fleet(facility_load_mw, temp_air_degc, unit=unit, altitude_m=altitude_m, redundancy_units=k)
        if design.availability_frac >= reliability_target_frac:
            return design
    raise ConfigError(
        f"{unit.name}: availability {design.availability_frac:.6f} with {max_redundancy_units} spares is below "
        f"the target {reliability_target_frac}; lower the target or pick a more reliable unit"
    )


def size_gas_fleets(
    facility_load_mw,
    temp_air_degc,
    *,
    unit: PrimeMover,
    altitude_m=0.0,
    redundancy_units: int = 1,
) -> dict[str, np.ndarray]:
    """:func:`size_gas_fleet` for many sites at once (batch scoring).

    Parameters
    ----------
    facility_load_mw : array_like
        Facility load per site [MW], shape (sites,) (a flat load each site).
    temp_air_degc : array_like
        Hourly temperature per site [°C], shape (sites, hours).
    unit : PrimeMover
    altitude_m : float or array_like
        Elevation per site [m].
    redundancy_units : int
        k [-].

    Returns
    -------
    dict of numpy.ndarray
        Keys are :class:`FleetDesign` field names (except ``unit_name``), one value per site.
    """
    temp = np.atleast_2d(np.asarray(temp_air_degc, dtype=float))
    sites = temp.shape[0]
    load = np.broadcast_to(np.asarray(facility_load_mw, dtype=float), (sites,))
    alt = np.broadcast_to(np.asarray(altitude_m, dtype=float), (sites,))
    if np.any(~np.isfinite(temp)) or np.any(load <= 0):
        raise ConfigError("size_gas_fleets needs finite temperatures and positive loads for every site")
    mult = capacity_multiplier(unit, temp, alt[:, None])
    cap = unit.iso_capacity_mw * mult
    hot = np.argmax(load[:, None] / cap, axis=1)
    rows = np.arange(sites)
    cap_hot = cap[rows, hot]
    n_needed = np.maximum(np.ceil(load / cap_hot - 1e-9), 1).astype(int)
    count = n_needed + int(redundancy_units)
    q = unit.forced_outage_rate_frac
    if not math.isfinite(q):
        raise ConfigError(f"unit {unit.name!r} has no forced-outage rate in the catalog; choose another unit")
    avail = np.empty(sites)
    eue = np.empty(sites)
    for s in range(sites):
        avail[s], eue[s] = fleet_availability(np.full(temp.shape[1], load[s]), cap[s], int(count[s]), q)
    with np.errstate(divide="ignore"):
        nines = np.where(avail >= 1.0, np.inf, -np.log10(np.maximum(1.0 - avail, 0.0)))
    return {
        "units_count": count,
        "units_running_needed": n_needed,
        "redundancy_units": np.full(sites, int(redundancy_units)),
        "iso_capacity_mw": count * unit.iso_capacity_mw,
        "hot_hour_capacity_mw": count * cap_hot,
        "firm_capacity_mw": n_needed * cap_hot,
        "hot_hour_temp_air_degc": temp[rows, hot],
        "hot_hour_derate_frac": 1.0 - mult[rows, hot],
        "peak_load_mw": np.asarray(load, dtype=float),
        "availability_frac": avail,
        "expected_unserved_mwh_per_yr": eue,
        "nines": nines,
    }
