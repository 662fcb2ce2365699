"""The N+k gas fleet of a site: the least fleet meeting the scenario's reliability target.

The facility load follows the station's hourly PUE (:meth:`siting.chain.climate.Climate.facility_load_mw`),
so the binding hour is the one with the largest load over derated unit capacity - a hot
hour, when the turbines lose output and the chillers work hardest. N carries the nameplate
facility load in that hour; spares are added, from the scenario's ``redundancy_units`` (a
floor), until the fleet meets ``reliability_target_frac`` both over the year and in the
binding hour with the catalog's forced-outage and planned-outage rates
(:func:`models.reliability.size_fleet_for_target`); expected unserved energy is taken at the
load actually served (IT nameplate x ``it_utilization_frac`` x PUE). A target the spare cap
cannot meet is reported in the design's ``reason`` (``target_met`` False), not raised.

The fleet is sized without battery ride-through, so the same fleet serves every power
option (a battery of the renewables-plus-gas option is extra cover, not counted).
"""

from __future__ import annotations

import numpy as np

from models.reliability import ReliabilityDesign, size_fleet_for_target
from siting.chain.climate import Climate
from siting.chain.resolved import ResolvedScenario


def size_fleet(climate: Climate, resolved: ResolvedScenario, *, altitude_m: float, it_load_mw: float) -> ReliabilityDesign:
    """The fleet of one site.

    Parameters
    ----------
    climate : Climate
        The site's station year.
    resolved : ResolvedScenario
        Prime mover, ``reliability_target_frac``, ``redundancy_units`` (the floor on spares)
        and ``it_utilization_frac`` (the served load).
    altitude_m : float
        Site elevation [m] (the gas derates).
    it_load_mw : float
        Nameplate IT load [MW].

    Returns
    -------
    models.reliability.ReliabilityDesign
    """
    s = resolved.scenario
    nameplate = climate.facility_load_mw(float(it_load_mw))
    served = climate.facility_load_mw(float(it_load_mw), s.it_utilization_frac)
    return size_fleet_for_target(nameplate, served, climate.temp_air_degc, unit=resolved.unit,
                                 reliability_target_frac=s.reliability_target_frac, altitude_m=float(altitude_m),
                                 min_redundancy_units=s.redundancy_units)


def size_fleets(climate: Climate, resolved: ResolvedScenario, *, altitude_m, it_load_mw) -> list[ReliabilityDesign]:
    """:func:`size_fleet` for rows of (elevation, IT load) sharing a station [one design per row]."""
    alt = np.atleast_1d(np.asarray(altitude_m, dtype=float))
    mw = np.broadcast_to(np.asarray(it_load_mw, dtype=float), alt.shape)
    return [size_fleet(climate, resolved, altitude_m=float(a), it_load_mw=float(m)) for a, m in zip(alt, mw)]
