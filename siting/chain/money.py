"""Money and time of each option: the cost stack, LCOE, time to first power, cost of waiting, recommendation.

Every figure is in USD of the scenario's ``dollar_year``. Capital and fixed O&M by equipment
class on the scenario's ``cost_basis`` (:func:`models.sizing.class_cost_inputs`), annualised
with the scenario's discount rate and economic life; fuel at the site's delivered price
(:func:`site_fuel_prices`: Henry Hub plus the nearest hub's basis); the gas lateral sized to
the peak gas demand over the distance to the nearest pipeline, the grid connection (line
and substation upgrade) of the grid options, the land of PV and wind, each its own line of
the stack. ``grid_with_backup`` pays the grid price for all energy plus the backup fleet;
``bridge_to_grid`` runs the gas-only year until the grid arrives (its share of the economic
life) and then backs the grid up. Time to first power is a chain of procurement,
permitting, construction and, for grid options, the large-load connection of the site's
region (:func:`time_chains`).

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


# -- prices and site cost lines -------------------------------------------------------------------

#: Farthest trading hub whose published basis a site takes [km]. A policy choice of this tool:
#: the reference gives basis figures for two hubs only (Henry Hub, Waha), and a basis measured in
#: one producing region says little about a site several states away.
MAX_HUB_DISTANCE_KM = 500.0


def site_fuel_prices(resolved: ResolvedScenario, latitude_deg, longitude_deg) -> tuple[np.ndarray, np.ndarray]:
    """Delivered gas price of each site and how it was set [USD/MMBtu HHV of the scenario's dollar year].

    ``fuel_price_basis = "hub"``: Henry Hub (the scenario's ``fuel_price_usd_per_mmbtu``)
    plus the basis of the nearest hub with a published figure within
    :data:`MAX_HUB_DISTANCE_KM` (:func:`models.gas_price.delivered_gas_price`), else Henry Hub
    alone, labelled so; ``"scenario"``: the scenario's price everywhere.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Price per site and its label (object array of str).
    """
    from models.gas_price import delivered_gas_price

    s = resolved.scenario
    lat = np.atleast_1d(np.asarray(latitude_deg, dtype=float))
    lon = np.atleast_1d(np.asarray(longitude_deg, dtype=float))
    known = np.isfinite(lat) & np.isfinite(lon)
    price = np.full(lat.shape, float(s.fuel_price_usd_per_mmbtu))
    label = np.full(lat.shape, f"scenario price {s.fuel_price_usd_per_mmbtu:.2f} USD/MMBtu "
                               f"(fuel_price_basis = {s.fuel_price_basis!r})", dtype=object)
    if s.fuel_price_basis == "hub" and known.any():
        g = delivered_gas_price(lat[known], lon[known], henry_hub_usd_per_mmbtu=s.fuel_price_usd_per_mmbtu,
                                scenario_price_usd_per_mmbtu=s.fuel_price_usd_per_mmbtu,
                                max_hub_distance_km=MAX_HUB_DISTANCE_KM)
        price[known] = g.price_usd_per_mmbtu
        label[known] = g.label
    if s.fuel_price_basis == "hub" and (~known).any():
        label[~known] = (f"scenario price {s.fuel_price_usd_per_mmbtu:.2f} USD/MMBtu: the site's position is "
                         "unknown, so no hub basis")
    return price, label


#: NREL reVX transmission cost region of each state (the regions ``grid_connection_costs.csv`` has):
#: WECC states -> TEPPC, California -> SCE, MISO and Southeast states by their RTO or utility
#: footprint. States outside the four (ERCOT, SPP, PJM, NYISO, ISO-NE) take the mean of the four,
#: labelled so. A mapping made here, by footprint, not a published table.
GRID_COST_REGION_BY_STATE = {
    **{s: "TEPPC" for s in ("WA", "OR", "ID", "MT", "WY", "CO", "UT", "NV", "AZ", "NM")},
    "CA": "SCE",
    **{s: "MISO" for s in ("MN", "WI", "IA", "IL", "IN", "MI", "MO", "AR", "LA", "ND")},
    **{s: "Southeast" for s in ("AL", "GA", "FL", "SC", "NC", "TN", "KY", "MS")},
}


def grid_connection_cost(resolved: ResolvedScenario, *, load_mw, distance_km, state_abbr) -> tuple[np.ndarray, np.ndarray,
                                                                                                   np.ndarray]:
    """Capital, annual cost and label of each site's grid connection (reVX line plus substation upgrade).

    Returns
    -------
    (capex_usd, annual_usd_per_yr, label)
        [USD], [USD/yr] of the scenario's dollar year; 0 with a label where the distance to a
        substation is unknown (no substation layer).
    """
    from models.site_costs import grid_interconnection_cost

    s = resolved.scenario
    load = np.atleast_1d(np.asarray(load_mw, dtype=float))
    dist = np.broadcast_to(np.asarray(distance_km, dtype=float), load.shape)
    states = list(state_abbr)
    capex = np.zeros(load.shape)
    annual = np.zeros(load.shape)
    label = np.full(load.shape, "grid connection not costed: distance to a substation unknown", dtype=object)
    memo: dict = {}
    for i in range(load.size):
        if not (np.isfinite(dist[i]) and load[i] > 0):
            continue
        region = GRID_COST_REGION_BY_STATE.get(_text(states[i]).upper())
        key = (float(load[i]), float(dist[i]), region)
        if key not in memo:
            regions = [region] if region else sorted(set(GRID_COST_REGION_BY_STATE.values()))
            costs = [grid_interconnection_cost(load[i], dist[i], region=r, dollar_year=s.dollar_year,
                                               discount_rate_frac=s.discount_rate_frac, lifetime_yr=s.lifetime_yr)
                     for r in regions]
            c = float(np.mean([float(x.capex_usd) for x in costs]))
            a = float(np.mean([float(x.annual_usd_per_yr) for x in costs]))
            kv = float(costs[0].detail["voltage_kv"])
            where = f"reVX {region}" if region else "mean of the reVX regions (the site's state has no reVX region)"
            memo[key] = (c, a, f"grid connection: {dist[i]:.1f} km of {kv:.0f} kV line plus substation upgrade, "
                               f"{where}, USD {s.dollar_year}")
        capex[i], annual[i], label[i] = memo[key]
    return capex, annual, label


def _text(value) -> str:
    """A value as text, "" for None, NA or NaN."""
    import pandas as pd

    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def gas_lateral(resolved: ResolvedScenario, *, peak_gas_mmcf_per_day, distance_km, operator=None,
                                served_mw=None, load_mw=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The gas lateral of each site: sized to its peak gas demand over the distance to the chosen pipeline.

    ``operator`` names the pipeline's system and ``served_mw`` [MW] the gas generation it already
    serves; where that is below ``load_mw`` [MW] the label flags the deliverability (no system
    within reach already carries a load this size: ask the pipeline for firm capacity).

    Returns
    -------
    (capex_usd, annual_usd_per_yr, diameter_in, label)
        [USD], [USD/yr] of the scenario's dollar year, nominal pipe size [in]; 0 with a label
        where the distance to a pipeline is unknown (no pipeline layer).
    """
    from models.site_costs import gas_lateral_cost

    s = resolved.scenario
    peak = np.atleast_1d(np.asarray(peak_gas_mmcf_per_day, dtype=float))
    dist = np.broadcast_to(np.asarray(distance_km, dtype=float), peak.shape)
    capex = np.zeros(peak.shape)
    annual = np.zeros(peak.shape)
    diameter = np.full(peak.shape, np.nan)
    label = np.full(peak.shape, "gas lateral not costed: distance to a pipeline unknown", dtype=object)
    ok = np.isfinite(dist) & (peak > 0)
    if ok.any():
        c = gas_lateral_cost(peak[ok], dist[ok], dollar_year=s.dollar_year, discount_rate_frac=s.discount_rate_frac,
                             lifetime_yr=s.lifetime_yr)
        capex[ok] = c.capex_usd
        annual[ok] = c.annual_usd_per_yr
        diameter[ok] = np.asarray(c.detail["diameter_in"], dtype=float) * 1.0
        lines = np.broadcast_to(np.asarray(c.detail["lines_count"]), peak[ok].shape)
        ops = [None] * len(peak) if operator is None else list(operator)
        served = np.broadcast_to(np.asarray(np.nan if served_mw is None else served_mw, dtype=float), peak.shape)
        load = np.broadcast_to(np.asarray(np.nan if load_mw is None else load_mw, dtype=float), peak.shape)
        for i, n, d, km in zip(np.flatnonzero(ok), lines, diameter[ok], dist[ok]):
            to = f"the {ops[i]} pipeline" if ops[i] else "the pipeline"
            text = f"gas lateral: {int(n)} x {d:.0f} in over {km:.1f} km to {to}; {c.label}"
            if np.isfinite(served[i]) and np.isfinite(load[i]) and served[i] < load[i]:
                text += (f"; deliverability to confirm: that system serves {served[i]:,.0f} MW of gas plants, "
                         f"less than the {load[i]:,.0f} MW load")
            label[i] = text
    return capex, annual, diameter, label


def land(resolved: ResolvedScenario, acres) -> tuple[np.ndarray, np.ndarray]:
    """Capital and annual cost of the land PV and wind take [USD], [USD/yr] (USDA NASS farm real estate)."""
    from models.site_costs import land_cost

    s = resolved.scenario
    c = land_cost(np.asarray(acres, dtype=float), dollar_year=s.dollar_year, discount_rate_frac=s.discount_rate_frac,
                  lifetime_yr=s.lifetime_yr)
    return np.asarray(c.capex_usd, dtype=float), np.asarray(c.annual_usd_per_yr, dtype=float)


def equipment_capex_usd(resolved: ResolvedScenario, *, gas_iso_mw, pv_mw_dc=0.0, wind_mw=0.0, battery_mw=0.0,
                        battery_mwh=0.0, dc_ac_ratio: float = 1.2) -> np.ndarray:
    """Overnight capital of the equipment [USD of the scenario's dollar year] (cost lines of the resolved costs)."""
    from models import money as mm
    from models.units import KWH_PER_MWH

    lines = {ln.item: ln for ln in resolved.costs.lines}
    s = resolved.scenario
    a_cap, b_cap, _, _ = mm.battery_cost_split(s.cost_basis, s.dollar_year)
    k = KWH_PER_MWH
    return (np.asarray(gas_iso_mw, dtype=float) * k * lines["gas"].capex_usd_per_kw
            + np.asarray(pv_mw_dc, dtype=float) / dc_ac_ratio * k * lines["pv"].capex_usd_per_kw
            + np.asarray(wind_mw, dtype=float) * k * lines["wind"].capex_usd_per_kw
            + np.asarray(battery_mw, dtype=float) * k * a_cap + np.asarray(battery_mwh, dtype=float) * k * b_cap)


# -- time to power ---------------------------------------------------------------------------------


def grid_region_of(balancing_authority, state_abbr) -> str:
    """The large-load connection region (:data:`models.time_to_power.GRID_REGIONS`) of a site.

    ERCOT (balancing authority ``ERCO``, or Texas without a balancing-authority layer);
    Dominion's PJM zone (PJM in Virginia); elsewhere the utility-reported national figure.
    """
    ba, st = _text(balancing_authority).upper(), _text(state_abbr).upper()
    if ba == "ERCO" or (not ba and st == "TX"):
        return "ercot"
    if ba == "PJM" and st == "VA":
        return "pjm_dominion"
    return "us_utility_reported"


def time_chains(resolved: ResolvedScenario, *, permit_path: str, nonattainment_class: str | None, grid_region: str,
                grid_wait_months: float = float("nan")) -> dict:
    """The time-to-power chain of every option of a site (:func:`models.time_to_power.months_to_first_power`).

    ``gas_only`` and ``renewables_plus_gas``: the on-site chain (procurement, permitting,
    offsets, construction; renewables are built within it); ``grid_with_backup``: the
    large-load connection of the site's region; ``bridge_to_grid``: the on-site chain, then
    the grid. ``grid_wait_months`` (finite) replaces the region's connection time (a user's
    local knowledge), and the chain says so.
    """
    import dataclasses

    cls = resolved.equipment_class
    onsite = ttp.months_to_first_power(cls, permit_path, nonattainment_class)
    both = ttp.months_to_first_power(cls, permit_path, nonattainment_class, grid_region=grid_region)
    grid = ttp.months_to_first_power(None, permit_path, nonattainment_class, grid_region=grid_region)
    if np.isfinite(grid_wait_months):
        def override(chain):
            steps = tuple(dataclasses.replace(st, months=float(grid_wait_months), end_month=float(grid_wait_months),
                                              note=f"interconnection wait given for the site: {grid_wait_months:.0f} "
                                                   "months", source="given", source_url="")
                          if st.step == "grid_connection" else st for st in chain.steps)
            first = float(grid_wait_months) if chain.equipment_class is None else chain.months_to_first_power
            return dataclasses.replace(chain, steps=steps, months_to_grid=float(grid_wait_months),
                                       months_to_first_power=first)
        both, grid = override(both), override(grid)
    return {"gas_only": onsite, "renewables_plus_gas": onsite, "grid_with_backup": grid, "bridge_to_grid": both}


def timing(resolved: ResolvedScenario, permit_path, statuses, grid_regions, grid_wait_months,
           it_load_mw) -> tuple[dict[str, dict[str, np.ndarray]], list]:
    """Months to first power and to the grid, first-power year and cost of waiting, per option and site.

    The cost of waiting is the datacenter's idle capital (:func:`models.time_to_power.value_of_months_saved`:
    about $50 B/GW at stake, chips on a 5-year life) for the months an option is behind the
    site's fastest option, in the scenario's dollar year.

    Returns
    -------
    (dict, list)
        ``{option: {"months_to_first_power", "first_power_year", "waiting_cost_usd", "months_to_grid": array}}``
        and each site's chains (``{option: PowerChain}``).
    """
    from siting.chain.permits import class_for_offsets

    s = resolved.scenario
    paths = list(permit_path)
    n = len(paths)
    regions = list(grid_regions)
    wait = np.broadcast_to(np.asarray(grid_wait_months, dtype=float), (n,))
    mw = np.broadcast_to(np.asarray(it_load_mw, dtype=float), (n,))
    fields = ("months_to_first_power", "first_power_year", "waiting_cost_usd", "months_to_grid")
    out = {d: {f: np.empty(n) for f in fields} for d in ttp.DESIGNS}
    chains = []
    memo: dict = {}
    for i in range(n):
        cls = class_for_offsets(statuses[i])
        key = (paths[i], cls, regions[i], float(wait[i]) if np.isfinite(wait[i]) else None, float(mw[i]))
        if key not in memo:
            ch = time_chains(resolved, permit_path=paths[i], nonattainment_class=cls, grid_region=regions[i],
                             grid_wait_months=wait[i])
            value = ttp.value_of_months_saved({d: c.months_to_first_power for d, c in ch.items()}, it_load_mw=key[4],
                                              cost_of_capital_frac=s.discount_rate_frac, dollar_year=s.dollar_year)
            memo[key] = (ch, value)
        ch, value = memo[key]
        chains.append(ch)
        for d in ttp.DESIGNS:
            out[d]["months_to_first_power"][i] = ch[d].months_to_first_power
            out[d]["first_power_year"][i] = s.analysis_year + ch[d].months_to_first_power / 12.0
            out[d]["waiting_cost_usd"][i] = value[d]["waiting_cost_usd"]
            out[d]["months_to_grid"][i] = ch[d].months_to_grid
    return out, chains
