"""The water budget of a site by scope: on-site cooling, power generation, total.

On-site cooling water is the station's per-MW cooling year times the IT load served
(:meth:`siting.chain.climate.Climate.cooling_at`). Power-generation water is counted where
the energy is generated (the convention of :func:`models.water.generation_from_dispatch`):
gas output at the prime mover's technology factor, renewable output used (which includes
what charged the battery) split into PV and wind hour by hour by availability, grid energy
at the US grid-average factor; battery discharge carries no water of its own.
``bridge_to_grid`` is counted for its bridge years (the gas-only dispatch),
``grid_with_backup`` takes all facility energy from the grid. The annual figures are the
annual energy by source times its factor, on every path.
"""

from __future__ import annotations

import numpy as np

from siting.chain.resolved import ResolvedScenario

#: Energy sources of the power-generation water, and the option field holding each one's annual energy.
SOURCES = {"gas": "gas_mwh_per_yr", "pv": "pv_mwh_per_yr", "wind": "wind_mwh_per_yr", "grid": "grid_mwh_per_yr"}


def power_water_gal_per_yr(option: dict[str, np.ndarray], resolved: ResolvedScenario) -> dict[str, np.ndarray]:
    """Power-generation consumption and withdrawal of an option [gal/yr per site].

    Parameters
    ----------
    option : dict
        The option's annual energy by source (:data:`SOURCES` fields) [MWh/yr].
    resolved : ResolvedScenario
        Water factors by source [gal/MWh].

    Returns
    -------
    dict
        ``consumption`` and ``withdrawal`` [gal/yr]; a source with no energy adds no water
        (even where its withdrawal factor is unknown); a withdrawal with an unknown factor is NaN.
    """
    out = {}
    for which, metric in enumerate(("consumption", "withdrawal")):
        total = 0.0
        for source, name in SOURCES.items():
            mwh = np.asarray(option[name], dtype=float)
            total = total + np.where(mwh > 0, mwh * resolved.water_factors[source][which], 0.0)
        out[metric] = total
    return out


def budget_columns(cooling_consumption, cooling_withdrawal, power: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The six budget figures of a site [gal/yr]: on-site, power generation and total, consumption and withdrawal."""
    return {
        "on_site_consumption_gal_per_yr": np.asarray(cooling_consumption, dtype=float),
        "on_site_withdrawal_gal_per_yr": np.asarray(cooling_withdrawal, dtype=float),
        "power_consumption_gal_per_yr": power["consumption"],
        "power_withdrawal_gal_per_yr": power["withdrawal"],
        "total_consumption_gal_per_yr": np.asarray(cooling_consumption, dtype=float) + power["consumption"],
        "total_withdrawal_gal_per_yr": np.asarray(cooling_withdrawal, dtype=float) + power["withdrawal"],
    }
