"""The N+k gas fleet of a site: sized for the hourly facility load at nameplate IT load.

The facility load follows the station's hourly PUE (:meth:`siting.chain.climate.Climate.facility_load_mw`),
so the binding hour is the one with the largest load over derated unit capacity - a hot
hour, when the turbines lose output and the chillers work hardest.
"""

from __future__ import annotations

import numpy as np

from models.fleet import FleetDesign, size_gas_fleet
from siting.chain.climate import Climate
from siting.chain.resolved import ResolvedScenario


def size_fleet(climate: Climate, resolved: ResolvedScenario, *, altitude_m: float, it_load_mw: float) -> FleetDesign:
    """The fleet of one site.

    Parameters
    ----------
    climate : Climate
        The site's station year.
    resolved : ResolvedScenario
        Prime mover and spares (``redundancy_units``).
    altitude_m : float
        Site elevation [m] (the gas derates).
    it_load_mw : float
        Nameplate IT load [MW].

    Returns
    -------
    models.fleet.FleetDesign
    """
    load = climate.facility_load_mw(float(it_load_mw))
    return size_gas_fleet(load, climate.temp_air_degc, unit=resolved.unit, altitude_m=float(altitude_m),
                          redundancy_units=resolved.scenario.redundancy_units)


def size_fleets(climate: Climate, resolved: ResolvedScenario, *, altitude_m, it_load_mw) -> list[FleetDesign]:
    """:func:`size_fleet` for rows of (elevation, IT load) sharing a station [one FleetDesign per row]."""
    alt = np.atleast_1d(np.asarray(altitude_m, dtype=float))
    mw = np.broadcast_to(np.asarray(it_load_mw, dtype=float), alt.shape)
    return [size_fleet(climate, resolved, altitude_m=float(a), it_load_mw=float(m)) for a, m in zip(alt, mw)]
