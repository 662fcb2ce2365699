"""Time to first power per design and what waiting costs the datacenter.

Lead times come from the catalogs: equipment order-to-delivery by unit
(``prime_movers.csv`` ``lead_time_months``: gas engines 12-18 months, new OEM turbines
3-5 years, frames 6-7 years, fuel cells ~90 days) and the grid interconnection wait
(LBNL *Queued Up*: median 55 months request-to-COD for projects reaching COD in 2024,
``grid.csv``) unless the caller knows the local wait. Air-permit decision times
(``air_permits.csv``, cited outside the reference set, which lists them as a gap): PSD 12
months (Clean Air Act 165(c) one-year clock), nonattainment NSR 12 months (stand-in),
minor source or Title V only 6 months (one state's published timeline). Equipment is
ordered while the permit is processed, so on-site designs reach first power at the later
of the two; application preparation and construction after delivery are not modelled.

The cost of waiting is the capital that sits idle: datacenter capex per GW
(``datacenter_facts.csv``, USD billion/GW, nominal 2025) x IT GW x the monthly cost of
capital ((1 + r)^(1/12) - 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.catalog import PrimeMover, fact
from models.errors import ConfigError

#: Designs :func:`first_power` knows.
DESIGNS = ("gas_only", "renewables_plus_gas", "grid_with_backup", "bridge_to_grid")


def grid_wait_months_default() -> float:
    """Median interconnection wait (request to COD, 2024 CODs) [months] from grid.csv."""
    return float(fact("grid", "Median time in queue for projects reaching COD")["value"])


def idle_capital_usd_per_month(it_load_mw: float, cost_of_capital_frac: float) -> float:
    """Carrying cost of a datacenter's idle capital [USD/month, nominal 2025].

    Parameters
    ----------
    it_load_mw : float
        IT load [MW].
    cost_of_capital_frac : float
        Annual cost of capital [-].

    Returns
    -------
    float
        capex per GW x IT GW x ((1 + r)^(1/12) - 1) [USD/month].
    """
    if it_load_mw <= 0 or not 0 <= cost_of_capital_frac < 1:
        raise ConfigError(f"it_load_mw={it_load_mw!r} must be > 0 and cost_of_capital_frac={cost_of_capital_frac!r} "
                          "in [0, 1)")
    capex_usd_per_gw = float(fact("datacenter_facts", "all-in capex per GW (Nvidia view)")["value"]) * 1e9
    return capex_usd_per_gw * it_load_mw / 1000.0 * ((1.0 + cost_of_capital_frac) ** (1.0 / 12.0) - 1.0)


@dataclass(frozen=True)
class TimeToPower:
    """First power for one design.

    Attributes
    ----------
    design : str
    months_to_first_power : float
        Months from order/notice to proceed to first power [months].
    months_to_grid : float
        Months to grid power (grid and bridge designs), NaN otherwise [months].
    first_power_year : float
        start_year + months / 12 [yr, decimal].
    binding_item : str
        What sets the date.
    permit_path : str
        Air-permit path flag (durations not modelled: reference gap).
    waiting_cost_usd : float
        Idle capital cost of the months beyond the fastest design compared [USD, nominal 2025].
    """

    design: str
    months_to_first_power: float
    months_to_grid: float
    first_power_year: float
    binding_item: str
    permit_path: str
    waiting_cost_usd: float


def permit_months(permit_path: str) -> float:
    """Months to an air-permit decision for a permit path [months]; NaN for ``"unknown"``.

    Parameters
    ----------
    permit_path : str
        ``"minor_source"``, ``"title_v_only"``, ``"psd_major"``, ``"nonattainment_nsr"`` or ``"unknown"``.
    """
    items = {"psd_major": "PSD permit decision", "nonattainment_nsr": "Nonattainment NSR permit decision",
             "minor_source": "Minor-source construction permit", "title_v_only": "Minor-source construction permit"}
    if permit_path == "unknown":
        return math.nan
    if permit_path not in items:
        raise ConfigError(f"permit_path={permit_path!r}; expected one of {', '.join(items)} or 'unknown'")
    return float(fact("air_permits", items[permit_path])["value"])


def first_power(design: str, unit: PrimeMover | None, *, start_year: float, permit_path: str = "unknown",
                grid_wait_yr: float | None = None) -> TimeToPower:
    """Months to first power for a design (without the waiting cost; see :func:`compare`).

    Parameters
    ----------
    design : str
        One of :data:`DESIGNS`.
    unit : PrimeMover or None
        The on-site gas unit (None for a pure grid design).
    start_year : float
        Decimal year the clock starts (order / notice to proceed) [yr].
    permit_path : str
        Air-permit path; its decision time (:func:`permit_months`) can set the date of on-site designs.
    grid_wait_yr : float, optional
        Local interconnection wait [yr]; default the national median from grid.csv.
    """
    if design not in DESIGNS:
        raise ConfigError(f"design={design!r}; expected one of {', '.join(DESIGNS)}")
    grid_months = grid_wait_months_default() if grid_wait_yr is None else 12.0 * float(grid_wait_yr)
    if grid_months < 0:
        raise ConfigError(f"grid_wait_yr={grid_wait_yr!r} must be >= 0")
    if design == "grid_with_backup" or unit is None:
        months, binding, to_grid = grid_months, "grid interconnection queue", grid_months
    else:
        if not math.isfinite(unit.lead_time_months):
            raise ConfigError(f"unit {unit.name!r} has no lead time in the catalog")
        months, binding = unit.lead_time_months, f"{unit.name} lead time"
        permit = permit_months(permit_path)
        if math.isfinite(permit) and permit > months:
            months, binding = permit, f"air permit ({permit_path})"
        to_grid = grid_months if design == "bridge_to_grid" else math.nan
    return TimeToPower(design, float(months), float(to_grid), start_year + months / 12.0, binding, permit_path, 0.0)


def compare(options: list[TimeToPower], *, it_load_mw: float, cost_of_capital_frac: float) -> list[TimeToPower]:
    """Attach the cost of waiting relative to the fastest option to each option.

    Returns
    -------
    list of TimeToPower
        Same order; ``waiting_cost_usd`` = (months - fastest months) x idle capital per month.
    """
    if not options:
        return []
    fastest = min(o.months_to_first_power for o in options)
    per_month = idle_capital_usd_per_month(it_load_mw, cost_of_capital_frac)
    return [
        TimeToPower(o.design, o.months_to_first_power, o.months_to_grid, o.first_power_year, o.binding_item,
                    o.permit_path, (o.months_to_first_power - fastest) * per_month)
        for o in options
    ]
