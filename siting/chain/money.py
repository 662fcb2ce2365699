"""Money and time of each option: annual cost, LCOE, time to first power, cost of waiting, recommendation.

Capital is annualised with the scenario's discount rate and economic life
(:func:`models.sizing.cost_inputs`, NREL ATB 2024 in USD 2022); fuel and grid energy at the
scenario's prices. ``grid_with_backup`` pays the grid price for all energy plus the
capital of the idle backup fleet; ``bridge_to_grid`` runs the gas-only year until the grid
arrives (its share of the economic life) and then backs the grid up.

:func:`recommend` is the one chooser: the cheapest option whose hourly re-dispatch keeps
the gas share within the scenario's cap (plus :data:`GAS_SHARE_TOLERANCE_FRAC`) and serves
the load (unserved energy within :data:`UNSERVED_TOLERANCE_FRAC`). The report shows it
next to the scenario's own ``power_design``; the batch designs' ``design_option`` is it.
"""

from __future__ import annotations

import numpy as np

from models import sizing as sz
from models import time_to_power as ttp
from siting.chain.resolved import ResolvedScenario

#: Gas share over the scenario's cap still counted as meeting it: the hourly re-dispatch with
#: minimum load runs the units a little more than the LP relaxation planned [-].
GAS_SHARE_TOLERANCE_FRAC = 0.02
#: Unserved energy allowed in a qualifying option, as a share of the facility energy [-].
UNSERVED_TOLERANCE_FRAC = 1e-6
#: What :func:`recommend` returns when no option qualifies.
NONE_QUALIFIES = "none qualifies"


def annual_cost_usd(costs: sz.CostInputs, *, gas_iso_mw, gas_mwh, fuel_mmbtu, pv_mw_dc=0.0, wind_mw=0.0,
                    battery_mw=0.0, battery_mwh=0.0) -> np.ndarray:
    """Annualised capital and fixed O&M, fuel and variable O&M of an on-site supply [USD/yr].

    Parameters
    ----------
    costs : models.sizing.CostInputs
    gas_iso_mw, pv_mw_dc, wind_mw, battery_mw : array_like
        Installed capacities [MW] ([MW_dc] for PV).
    battery_mwh : array_like
        Battery energy [MWh].
    gas_mwh : array_like
        Gas generation [MWh/yr].
    fuel_mmbtu : array_like
        Fuel [MMBtu HHV/yr].
    """
    return (costs.gas_usd_per_mw_yr * gas_iso_mw + costs.pv_usd_per_mw_dc_yr * pv_mw_dc
            + costs.wind_usd_per_mw_yr * wind_mw + costs.battery_usd_per_mw_yr * battery_mw
            + costs.battery_usd_per_mwh_yr * battery_mwh + fuel_mmbtu * costs.fuel_price_usd_per_mmbtu
            + gas_mwh * costs.gas_variable_om_usd_per_mwh)


def timing(resolved: ResolvedScenario, permit_path, grid_wait_months, it_load_mw) -> dict[str, dict[str, np.ndarray]]:
    """Months to first power, first-power year, cost of waiting and months to the grid, per option and site.

    Parameters
    ----------
    resolved : ResolvedScenario
    permit_path : sequence of str
        Each site's air-permit path.
    grid_wait_months : array_like
        Each site's interconnection wait [months]; NaN = the national median.
    it_load_mw : array_like
        Nameplate IT load [MW].

    Returns
    -------
    dict
        ``{option: {"months_to_first_power", "first_power_year", "waiting_cost_usd", "months_to_grid": array}}``.
    """
    scenario, unit = resolved.scenario, resolved.unit
    paths = list(permit_path)
    n = len(paths)
    wait = np.broadcast_to(np.asarray(grid_wait_months, dtype=float), (n,))
    mw = np.broadcast_to(np.asarray(it_load_mw, dtype=float), (n,))
    fields = ("months_to_first_power", "first_power_year", "waiting_cost_usd", "months_to_grid")
    out = {d: {f: np.empty(n) for f in fields} for d in ttp.DESIGNS}
    memo: dict = {}
    for i in range(n):
        w = None if not np.isfinite(wait[i]) else float(wait[i]) / 12.0
        key = (paths[i], w, float(mw[i]))
        if key not in memo:
            each = [ttp.first_power(d, unit, start_year=float(scenario.analysis_year), permit_path=paths[i],
                                    grid_wait_yr=w) for d in ttp.DESIGNS]
            memo[key] = dict(zip(ttp.DESIGNS, ttp.compare(each, it_load_mw=float(mw[i]),
                                                          cost_of_capital_frac=scenario.discount_rate_frac)))
        for d, tp in memo[key].items():
            for f in fields:
                out[d][f][i] = getattr(tp, f)
    return out


def grid_lcoe_usd_per_mwh(resolved: ResolvedScenario, *, gas_iso_mw, energy_mwh) -> np.ndarray:
    """``grid_with_backup``: grid price plus the idle backup fleet's capital and fixed O&M [USD/MWh]."""
    backup = resolved.costs.gas_usd_per_mw_yr * gas_iso_mw
    return resolved.scenario.grid_price_usd_per_mwh + backup / energy_mwh


def bridge_lcoe_usd_per_mwh(resolved: ResolvedScenario, *, gas_iso_mw, energy_mwh, gas_annual_cost_usd,
                            months_to_grid) -> np.ndarray:
    """``bridge_to_grid``: the gas-only year until the grid arrives, the backed-up grid after [USD/MWh]."""
    s = resolved.scenario
    backup = resolved.costs.gas_usd_per_mw_yr * gas_iso_mw
    frac = np.minimum(np.asarray(months_to_grid, dtype=float) / 12.0 / s.lifetime_yr, 1.0)
    return (backup + frac * (gas_annual_cost_usd - backup)) / energy_mwh + (1.0 - frac) * s.grid_price_usd_per_mwh


def qualifies(resolved: ResolvedScenario, *, gas_share_frac, unserved_mwh_per_yr, energy_mwh_per_yr) -> np.ndarray:
    """Whether an option meets the scenario's gas-share cap and serves the load [bool per site]."""
    return ((np.asarray(gas_share_frac) <= resolved.scenario.max_gas_share_frac + GAS_SHARE_TOLERANCE_FRAC)
            & (np.asarray(unserved_mwh_per_yr) <= UNSERVED_TOLERANCE_FRAC * np.asarray(energy_mwh_per_yr)))


def recommend(options: dict[str, dict[str, np.ndarray]], resolved: ResolvedScenario) -> np.ndarray:
    """The cheapest qualifying option per site (:data:`NONE_QUALIFIES` where none does).

    Parameters
    ----------
    options : dict
        ``{option: {"lcoe_usd_per_mwh", "qualifies": array}}`` in option order.

    Returns
    -------
    numpy.ndarray
        Option names (object array).
    """
    names = list(options)
    lcoe = np.column_stack([options[o]["lcoe_usd_per_mwh"] for o in names])
    ok = np.column_stack([options[o]["qualifies"] for o in names])
    best = np.argmin(np.where(ok, lcoe, np.inf), axis=1)
    out = np.array(names, dtype=object)[best]
    out[~ok.any(axis=1)] = NONE_QUALIFIES
    return out
