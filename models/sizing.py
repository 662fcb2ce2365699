"""Least-cost PV, wind, battery and gas capacity for a load: a linear program solved with HiGHS.

Decision variables: PV [MW_dc], wind [MW], battery power [MW] and energy [MWh], gas
capacity [MW at ISO], and for every hour gas output, battery charge, discharge, state of
charge and curtailment [MWh]. Minimised: annualised capital (capital recovery factor over
the economic life) + fixed O&M + fuel and variable O&M of the gas output. Constraints,
each hour: energy balance; gas output within the derated gas capacity; battery state of
charge (cyclic over the horizon, sqrt round-trip efficiency each way) within the energy
rating; charge and discharge within the power rating; curtailment within the renewable
output. Reliability: gas capacity x the hour's derate covers the load with the N+k reserve
(firm capacity comes from gas; renewables and battery displace fuel). Optional cap on the
gas share of delivered energy. Unit commitment and minimum load are not in the LP (it is
a relaxation); :func:`models.dispatch.dispatch` re-dispatches the chosen design with them.

Costs: :func:`cost_inputs` keeps NREL ATB 2024 moderate (``costs.csv``, USD 2022) by
``costs.csv`` key; :func:`class_cost_inputs` costs the gas unit by its equipment class on
a named cost basis, converted to a requested dollar year (:mod:`models.money`). The battery's ATB $/kW for
2-hour and 4-hour systems is split into a power part and an energy part by solving
c(d) = a + b d through the two points (derived here: a [USD/kW], b [USD/kWh]).

References
----------
Huangfu, Q. and Hall, J. A. J., "Parallelizing the dual revised simplex method",
Mathematical Programming Computation 10 (2018) 119-142 (HiGHS).
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from models import money
from models.catalog import PrimeMover, get_cost
from models.errors import ConfigError, SitingError
from models.finance import capital_recovery_factor
from models.units import KWH_PER_MWH


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance with output off.

    The first ``Highs()`` of a process writes a copyright banner straight to file
    descriptor 1 from C++ (before any option can be set), which would corrupt
    ``--json`` output on stdout; the descriptor is pointed at /dev/null for that call.
    """
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout
        saved = None
    if saved is not None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
    try:
        h = highspy.Highs()
    finally:
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
    h.setOptionValue("output_flag", False)
    return h


#: HiGHS solvers :func:`optimize_capacity` accepts.
SOLVERS = ("choose", "simplex", "ipm")


@dataclass(frozen=True)
class CostLine:
    """Where one line of a cost stack comes from.

    Attributes
    ----------
    item : str
        ``"gas"``, ``"pv"``, ``"wind"``, ``"battery"``.
    equipment_class, cost_basis : str
    dollar_year : int
        Dollar year of the converted figures [yr].
    capex_usd_per_kw, fixed_om_usd_per_kw_yr, variable_om_usd_per_mwh : float
        [USD/kW], [USD/kW-yr], [USD/MWh] in ``dollar_year``.
    source_dollar_year : int
        Dollar year of the source capital figure [yr].
    stand_in_fields : tuple of str
        Fields with no figure of their own (see :class:`models.money.EquipmentCost`).
    label, source, source_url : str
    """

    item: str
    equipment_class: str
    cost_basis: str
    dollar_year: int
    capex_usd_per_kw: float
    fixed_om_usd_per_kw_yr: float
    variable_om_usd_per_mwh: float
    source_dollar_year: int
    stand_in_fields: tuple[str, ...]
    label: str
    source: str
    source_url: str


@dataclass(frozen=True)
class CostInputs:
    """Annualised cost coefficients for the LP, with the dollar year and source of each.

    Attributes
    ----------
    pv_usd_per_mw_dc_yr, wind_usd_per_mw_yr, battery_usd_per_mw_yr, battery_usd_per_mwh_yr, gas_usd_per_mw_yr : float
        Annualised capital + fixed O&M per unit of capacity [USD/MW-yr] or [USD/MWh-yr].
    gas_variable_om_usd_per_mwh : float
        [USD/MWh]
    fuel_price_usd_per_mmbtu : float
        Delivered gas, HHV [USD/MMBtu] (as given: its own dollar year is the caller's).
    dollar_year : int
        Dollar year of the capital and O&M figures [yr]; 2022 for :func:`cost_inputs` (ATB).
    cost_basis : str
        :data:`models.money.COST_BASES` entry, or ``""`` for :func:`cost_inputs` (costs.csv keys).
    gas_equipment_class : str
        Equipment class of the gas unit (:data:`models.money.EQUIPMENT_CLASSES`), or the
        ``costs.csv`` key for :func:`cost_inputs`.
    gas_capex_usd_per_kw, gas_fixed_om_usd_per_kw_yr : float
        Gas plant overnight capital [USD/kW] and fixed O&M [USD/kW-yr] in ``dollar_year``.
    capital_recovery_factor_per_yr : float
        CRF used to annualise [1/yr].
    lines : tuple of CostLine
        Source of each technology's figures, for a cost stack.
    """

    pv_usd_per_mw_dc_yr: float
    wind_usd_per_mw_yr: float
    battery_usd_per_mw_yr: float
    battery_usd_per_mwh_yr: float
    gas_usd_per_mw_yr: float
    gas_variable_om_usd_per_mwh: float
    fuel_price_usd_per_mmbtu: float
    dollar_year: int = 2022
    cost_basis: str = ""
    gas_equipment_class: str = ""
    gas_capex_usd_per_kw: float = math.nan
    gas_fixed_om_usd_per_kw_yr: float = math.nan
    capital_recovery_factor_per_yr: float = math.nan
    lines: tuple = ()


def battery_cost_split() -> tuple[float, float, float, float]:
    """ATB battery cost split into power and energy parts.

    Returns
    -------
    (capex_usd_per_kw, capex_usd_per_kwh, fom_usd_per_kw_yr, fom_usd_per_kwh_yr)
        From c(d) = a + b d through the 2 h and 4 h ATB points (USD 2022).
    """
    c2, c4 = get_cost("battery_2h"), get_cost("battery_4h")
    b_cap = (c4.capex_usd_per_kw - c2.capex_usd_per_kw) / 2.0
    a_cap = c2.capex_usd_per_kw - 2.0 * b_cap
    b_fom = (c4.fixed_om_usd_per_kw_yr - c2.fixed_om_usd_per_kw_yr) / 2.0
    a_fom = c2.fixed_om_usd_per_kw_yr - 2.0 * b_fom
    return a_cap, b_cap, a_fom, b_fom


def cost_inputs(*, gas_cost_key: str, fuel_price_usd_per_mmbtu: float, discount_rate_frac: float, lifetime_yr: int,
                dc_ac_ratio: float = 1.2) -> CostInputs:
    """Annualised cost coefficients from the ATB entries.

    Parameters
    ----------
    gas_cost_key : str
        ``costs.csv`` key of the gas plant (the unit's ``cost_key``).
    fuel_price_usd_per_mmbtu : float
        [USD/MMBtu HHV]
    discount_rate_frac : float
        [-]
    lifetime_yr : int
        Economic life for every asset [yr].
    dc_ac_ratio : float
        PV DC/AC ratio; the ATB PV cost is taken per kW_ac [-].
    """
    crf = float(capital_recovery_factor(discount_rate_frac, lifetime_yr))
    k = KWH_PER_MWH  # USD/kW -> USD/MW

    def ann(key: str) -> float:
        c = get_cost(key)
        fom = 0.0 if np.isnan(c.fixed_om_usd_per_kw_yr) else c.fixed_om_usd_per_kw_yr
        return (crf * c.capex_usd_per_kw + fom) * k

    a_cap, b_cap, a_fom, b_fom = battery_cost_split()
    gas = get_cost(gas_cost_key)

    def line(item: str, key: str) -> CostLine:
        c = get_cost(key)
        return CostLine(item, key, "", int(c.dollar_year) if c.dollar_year.isdigit() else 0, c.capex_usd_per_kw,
                        0.0 if np.isnan(c.fixed_om_usd_per_kw_yr) else c.fixed_om_usd_per_kw_yr,
                        0.0 if np.isnan(c.variable_om_usd_per_mwh) else c.variable_om_usd_per_mwh,
                        int(c.dollar_year) if c.dollar_year.isdigit() else 0, (),
                        f"{c.technology} (costs.csv {key}, USD {c.dollar_year})", c.source, c.source_url)

    return CostInputs(
        pv_usd_per_mw_dc_yr=ann("upv") / dc_ac_ratio,
        wind_usd_per_mw_yr=ann("wind_onshore"),
        battery_usd_per_mw_yr=(crf * a_cap + a_fom) * k,
        battery_usd_per_mwh_yr=(crf * b_cap + b_fom) * k,
        gas_usd_per_mw_yr=ann(gas_cost_key),
        gas_variable_om_usd_per_mwh=0.0 if np.isnan(gas.variable_om_usd_per_mwh) else gas.variable_om_usd_per_mwh,
        fuel_price_usd_per_mmbtu=fuel_price_usd_per_mmbtu,
        dollar_year=int(gas.dollar_year) if gas.dollar_year.isdigit() else 0,
        gas_equipment_class=gas_cost_key,
        gas_capex_usd_per_kw=gas.capex_usd_per_kw,
        gas_fixed_om_usd_per_kw_yr=0.0 if np.isnan(gas.fixed_om_usd_per_kw_yr) else gas.fixed_om_usd_per_kw_yr,
        capital_recovery_factor_per_yr=crf,
        lines=(line("gas", gas_cost_key), line("pv", "upv"), line("wind", "wind_onshore"),
               line("battery", "battery_4h")),
    )


def class_cost_inputs(gas_equipment_class: str | PrimeMover, *, cost_basis: str, dollar_year: int,
                      fuel_price_usd_per_mmbtu: float, discount_rate_frac: float, lifetime_yr: int,
                      dc_ac_ratio: float = 1.2) -> CostInputs:
    """Annualised cost coefficients by equipment class, on a cost basis, in a dollar year.

    The gas plant is costed by its own class (aeroderivative, trailer-mounted aeroderivative,
    reciprocating engine, frame simple cycle, combined cycle, fuel cell), not as a frame CT;
    PV, wind and battery come from the same basis. Every figure is converted with CPI-U to
    ``dollar_year`` (:func:`models.money.to_dollar_year`) and its source is kept in ``lines``.

    Parameters
    ----------
    gas_equipment_class : str or PrimeMover
        An equipment class (:data:`models.money.EQUIPMENT_CLASSES`) or a catalog unit, whose
        class comes from :func:`models.money.equipment_class_for_unit`.
    cost_basis : str
        :data:`models.money.COST_BASES` (the scenario's ``cost_basis``).
    dollar_year : int
        Dollar year of every money figure returned [yr] (the scenario's ``dollar_year``).
    fuel_price_usd_per_mmbtu : float
        Delivered gas [USD/MMBtu HHV], already in ``dollar_year`` (not converted here).
    discount_rate_frac : float
        [-]
    lifetime_yr : int
        Economic life for every asset [yr].
    dc_ac_ratio : float
        PV DC/AC ratio; PV cost is per kW_ac [-].

    Returns
    -------
    CostInputs
    """
    cls = money.equipment_class_for_unit(gas_equipment_class) if isinstance(gas_equipment_class, PrimeMover) \
        else gas_equipment_class
    crf = float(capital_recovery_factor(discount_rate_frac, lifetime_yr))
    k = KWH_PER_MWH
    costs = {item: money.equipment_cost(c, cost_basis, dollar_year)
             for item, c in (("gas", cls), ("pv", "pv"), ("wind", "wind"), ("battery", "battery_4h"))}

    def ann(c: money.EquipmentCost) -> float:
        return (crf * c.capex_usd_per_kw + c.fixed_om_usd_per_kw_yr) * k

    a_cap, b_cap, a_fom, b_fom = money.battery_cost_split(cost_basis, dollar_year)
    gas = costs["gas"]
    lines = tuple(CostLine(item, c.equipment_class, cost_basis, c.dollar_year, c.capex_usd_per_kw,
                           c.fixed_om_usd_per_kw_yr, c.variable_om_usd_per_mwh, c.capex_source_dollar_year,
                           c.stand_in_fields, c.label, c.source, c.source_url) for item, c in costs.items())
    return CostInputs(
        pv_usd_per_mw_dc_yr=ann(costs["pv"]) / dc_ac_ratio,
        wind_usd_per_mw_yr=ann(costs["wind"]),
        battery_usd_per_mw_yr=(crf * a_cap + a_fom) * k,
        battery_usd_per_mwh_yr=(crf * b_cap + b_fom) * k,
        gas_usd_per_mw_yr=ann(gas),
        gas_variable_om_usd_per_mwh=gas.variable_om_usd_per_mwh,
        fuel_price_usd_per_mmbtu=fuel_price_usd_per_mmbtu,
        dollar_year=int(dollar_year), cost_basis=cost_basis, gas_equipment_class=cls,
        gas_capex_usd_per_kw=gas.capex_usd_per_kw, gas_fixed_om_usd_per_kw_yr=gas.fixed_om_usd_per_kw_yr,
        capital_recovery_factor_per_yr=crf, lines=lines,
    )


@dataclass(frozen=True)
class SizingResult:
    """Optimal capacities and the year they produce.

    Attributes
    ----------
    pv_mw_dc, wind_mw, battery_mw, battery_mwh, gas_iso_mw : float
        Capacities [MW_dc], [MW], [MW], [MWh], [MW at ISO].
    annual_cost_usd : float
        Objective: annualised capital + O&M + fuel [USD/yr].
    lcoe_usd_per_mwh : float
        Annual cost / load served [USD/MWh].
    renewable_fraction_frac, gas_share_frac, curtailment_frac : float
        Shares of the load served by renewables and gas, and curtailed / available renewable energy [-].
    gas_mwh, fuel_mmbtu_hhv, curtailed_mwh, load_mwh : float
        Totals over the horizon [MWh], [MMBtu HHV].
    gas_mwh_hourly, charge_mwh_hourly, discharge_mwh_hourly, curtailed_mwh_hourly : numpy.ndarray
        Hourly LP dispatch [MWh].
    """

    pv_mw_dc: float
    wind_mw: float
    battery_mw: float
    battery_mwh: float
    gas_iso_mw: float
    annual_cost_usd: float
    lcoe_usd_per_mwh: float
    renewable_fraction_frac: float
    gas_share_frac: float
    curtailment_frac: float
    gas_mwh: float
    fuel_mmbtu_hhv: float
    curtailed_mwh: float
    load_mwh: float
    gas_mwh_hourly: np.ndarray
    charge_mwh_hourly: np.ndarray
    discharge_mwh_hourly: np.ndarray
    curtailed_mwh_hourly: np.ndarray


def optimize_capacity(
    load_mw,
    pv_mw_per_mw_dc,
    wind_mw_per_mw,
    gas_capacity_multiplier,
    gas_heat_rate_hhv_btu_per_kwh,
    costs: CostInputs,
    *,
    gas_reserve_frac: float = 0.0,
    max_gas_share_frac: float = 1.0,
    battery_round_trip_efficiency_frac: float = 0.85,
    max_pv_mw_dc: float = np.inf,
    max_wind_mw: float = np.inf,
    fixed: dict[str, float] | None = None,
    solver: str = "choose",
) -> SizingResult:
    """Solve the least-cost capacity LP for one site.

    Parameters
    ----------
    load_mw : array_like
        Hourly facility load [MW] (hours of a year or a representative horizon scaled to one).
    pv_mw_per_mw_dc, wind_mw_per_mw : array_like
        Hourly renewable output per MW installed [-] (zeros to exclude a technology).
    gas_capacity_multiplier : array_like
        Hourly gas output available per MW of ISO capacity (temperature/altitude derate) [-].
    gas_heat_rate_hhv_btu_per_kwh : array_like
        Hourly full-load heat rate [Btu/kWh HHV].
    costs : CostInputs
    gas_reserve_frac : float
        Extra firm gas capacity over the load, k/N of the N+k fleet [-].
    max_gas_share_frac : float
        Upper bound on gas energy / load [-].
    battery_round_trip_efficiency_frac : float
        [-]
    max_pv_mw_dc, max_wind_mw : float
        Land or interconnection limits [MW].
    fixed : dict, optional
        Capacities to fix (keys ``pv_mw_dc``, ``wind_mw``, ``battery_mw``, ``battery_mwh``, ``gas_iso_mw``):
        the LP then only dispatches, which is how grid-searched designs are costed.
    solver : {"choose", "simplex", "ipm"}
        HiGHS solver. ``"choose"`` (HiGHS's default, dual simplex here) is what single-site
        designs use; ``"ipm"`` (interior point with crossover to a vertex) solves these
        year-long LPs about 1.5-2x faster and is used by the batch designs. Both return an
        optimum; where the optimum is not unique they may return different optimal vertices.

    Returns
    -------
    SizingResult

    Raises
    ------
    SitingError
        When HiGHS finds no optimum (e.g. a gas-share cap that renewables cannot meet).
    """
    load = np.asarray(load_mw, dtype=float)
    T = load.size
    pv = np.broadcast_to(np.asarray(pv_mw_per_mw_dc, dtype=float), (T,))
    wd = np.broadcast_to(np.asarray(wind_mw_per_mw, dtype=float), (T,))
    m = np.broadcast_to(np.asarray(gas_capacity_multiplier, dtype=float), (T,))
    hr = np.broadcast_to(np.asarray(gas_heat_rate_hhv_btu_per_kwh, dtype=float), (T,))
    if np.any(load < 0) or np.any(m <= 0):
        raise ConfigError("load_mw must be >= 0 and gas_capacity_multiplier > 0")
    if not 0.0 <= max_gas_share_frac <= 1.0:
        raise ConfigError(f"max_gas_share_frac={max_gas_share_frac!r}; expected 0..1")
    if solver not in SOLVERS:
        raise ConfigError(f"solver={solver!r}; expected one of {', '.join(SOLVERS)}")
    eta = float(np.sqrt(battery_round_trip_efficiency_frac))
    scale = 8760.0 / T  # annualise a shorter horizon
    # columns: 0 pv, 1 wind, 2 bat_p, 3 bat_e, 4 gas; then g, ch, dis, soc, curt blocks of T
    G0, CH0, DI0, SO0, CU0 = 5, 5 + T, 5 + 2 * T, 5 + 3 * T, 5 + 4 * T
    n = 5 + 5 * T
    fuel_usd_per_mwh = hr * KWH_PER_MWH / 1e6 * costs.fuel_price_usd_per_mmbtu + costs.gas_variable_om_usd_per_mwh
    cost = np.zeros(n)
    cost[:5] = [costs.pv_usd_per_mw_dc_yr, costs.wind_usd_per_mw_yr, costs.battery_usd_per_mw_yr,
                costs.battery_usd_per_mwh_yr, costs.gas_usd_per_mw_yr]
    cost[G0:G0 + T] = fuel_usd_per_mwh * scale
    lower = np.zeros(n)
    upper = np.full(n, np.inf)
    upper[0], upper[1] = max_pv_mw_dc, max_wind_mw
    if not pv.any():
        upper[0] = 0.0
    if not wd.any():
        upper[1] = 0.0
    lower[4] = float(np.max(load * (1.0 + gas_reserve_frac) / m))  # firm: derated gas covers load + reserve
    for key, idx in (("pv_mw_dc", 0), ("wind_mw", 1), ("battery_mw", 2), ("battery_mwh", 3), ("gas_iso_mw", 4)):
        if fixed and key in fixed:
            lower[idx] = upper[idx] = float(fixed[key])
    if lower[4] > upper[4] + 1e-9:
        raise ConfigError(f"fixed gas_iso_mw={upper[4]!r} is below the firm requirement {lower[4]:.3f} MW")

    t = np.arange(T)
    rows, cols, vals = [], [], []

    def add(r, c, v):
        rows.append(np.asarray(r)), cols.append(np.asarray(c)), vals.append(np.broadcast_to(np.asarray(v, float), np.shape(r)))

    r0 = 0  # balance: pv P + w W - curt + dis - ch + g = L
    add(r0 + t, np.zeros(T, int), pv); add(r0 + t, np.ones(T, int), wd)
    add(r0 + t, CU0 + t, -1.0); add(r0 + t, DI0 + t, 1.0); add(r0 + t, CH0 + t, -1.0); add(r0 + t, G0 + t, 1.0)
    r1 = T  # gas: g - m G <= 0
    add(r1 + t, G0 + t, 1.0); add(r1 + t, np.full(T, 4), -m)
    r2 = 2 * T  # soc_t - soc_{t-1} - eta ch + dis/eta = 0 (cyclic)
    add(r2 + t, SO0 + t, 1.0); add(r2 + t, SO0 + (t - 1) % T, -1.0)
    add(r2 + t, CH0 + t, -eta); add(r2 + t, DI0 + t, 1.0 / eta)
    r3 = 3 * T  # soc - E <= 0
    add(r3 + t, SO0 + t, 1.0); add(r3 + t, np.full(T, 3), -1.0)
    r4 = 4 * T  # ch - P <= 0
    add(r4 + t, CH0 + t, 1.0); add(r4 + t, np.full(T, 2), -1.0)
    r5 = 5 * T  # dis - P <= 0
    add(r5 + t, DI0 + t, 1.0); add(r5 + t, np.full(T, 2), -1.0)
    r6 = 6 * T  # curt - pv P - w W <= 0
    add(r6 + t, CU0 + t, 1.0); add(r6 + t, np.zeros(T, int), -pv); add(r6 + t, np.ones(T, int), -wd)
    r7 = 7 * T  # sum g <= share x sum L
    add(np.full(T, r7), G0 + t, 1.0)
    nrow = 7 * T + 1
    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nrow, n))
    row_lo = np.concatenate([load, np.full(6 * T, -np.inf), [-np.inf]])
    row_hi = np.concatenate([load, np.zeros(T), np.zeros(T), np.zeros(4 * T), [max_gas_share_frac * load.sum()]])
    row_lo[2 * T:3 * T] = 0.0  # soc equalities

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, nrow
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_, lp.row_upper_ = row_lo, row_hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    h = _quiet_highs()
    if solver != "choose":
        h.setOptionValue("solver", solver)
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise SitingError(f"capacity LP not solved: {h.modelStatusToString(status)} "
                          f"(max_gas_share_frac={max_gas_share_frac}; relax the gas-share cap or the land limits)")
    x = np.asarray(h.getSolution().col_value)
    x[:5] = np.maximum(x[:5], 0.0)  # capacities: drop -0.0 and solver noise below zero
    g, ch, dis, curt = x[G0:G0 + T], x[CH0:CH0 + T], x[DI0:DI0 + T], x[CU0:CU0 + T]
    ren_avail = pv * x[0] + wd * x[1]
    load_total = load.sum()
    ann_cost = float(h.getInfo().objective_function_value)
    return SizingResult(
        pv_mw_dc=float(x[0]), wind_mw=float(x[1]), battery_mw=float(x[2]), battery_mwh=float(x[3]),
        gas_iso_mw=float(x[4]), annual_cost_usd=ann_cost, lcoe_usd_per_mwh=ann_cost / (load_total * scale),
        renewable_fraction_frac=float((ren_avail - curt).sum() / load_total) if load_total else 0.0,
        gas_share_frac=float(g.sum() / load_total) if load_total else 0.0,
        curtailment_frac=float(curt.sum() / ren_avail.sum()) if ren_avail.sum() > 0 else 0.0,
        gas_mwh=float(g.sum() * scale), fuel_mmbtu_hhv=float((g * hr).sum() * KWH_PER_MWH / 1e6 * scale),
        curtailed_mwh=float(curt.sum() * scale), load_mwh=float(load_total * scale),
        gas_mwh_hourly=g, charge_mwh_hourly=ch, discharge_mwh_hourly=dis, curtailed_mwh_hourly=curt,
    )
