"""Reliability of an on-site gas fleet: the least N+k fleet that meets a reliability target.

A fleet of ``units_count`` identical units serves a facility. Three loads matter:

* the **facility load at nameplate IT** ``facility_load_mw`` (IT nameplate x hourly PUE): the
  load the IT may draw in any hour. It sizes N and is the load the reliability target is
  judged against (the design basis: a datacenter may run at nameplate in any hour);
* the **served load** ``served_load_mw`` (nameplate x utilisation x hourly PUE): the load
  actually drawn. Expected unserved energy (EUE) and loss-of-load hours are computed at it;
* the **unit capacity** in each hour, derated for temperature and altitude
  (:func:`models.gas_units.available_capacity_mw`).

N is the fewest units that carry the nameplate facility load in the binding hour (the hour
of largest load over unit capacity); k = units - N spares.

Forced outages
    Each unit not on planned maintenance is independently on forced outage with probability
    q (``forced_outage_rate_frac``), so the units available in hour t are
    X_t ~ Binomial(units - m_t, 1 - q), m_t the units on planned maintenance in that hour.
    The hour is short when X_t x capacity_t + battery < load_t, i.e. when
    X_t <= J_t = ceil((load_t - battery) / capacity_t) - 1, with probability
    F(J_t) = P(X_t <= J_t) (the binomial CDF; Billinton and Allan's capacity outage table).

Planned maintenance
    Every unit needs ``planned_outage_hours_per_yr`` hours of planned outage a year (catalog,
    sourced). It is scheduled in blocks of ``maintenance_block_hours`` consecutive hours
    (default 24: a unit is out for whole days), as a planner would: the block's spare units are
    ``units - max over its hours of ceil(load / capacity)`` (nameplate load, no battery), and the
    year's U x hours are placed by water-filling on the spare left in each block - blocks with
    the most spare take units first, so the spare left after maintenance is as even (and as
    high) as the year allows; ties go to the block of lowest mean load-to-capacity ratio, and
    the last unit-block may be partial (its first hours). A unit on maintenance is not
    available, so maintenance on a spare reduces the cover against forced outages in those
    hours (counted); when the spare units' hours cannot hold all the maintenance (no spare, or
    too few spare hours), the water-filling continues below zero spare: those unit-hours
    take a unit the load needs, and the shortfall follows from the same binomial (reported as
    ``uncovered_maintenance_unit_hours_per_yr``). Scheduling hour by hour would be the
    optimistic limit; whole-day blocks are closer to real inspections (days to weeks).

Metrics (H hours of input; per-year figures scaled by 8760 / H)
    * ``availability_frac`` = 1 - (1/H) sum_t F_t at the nameplate facility load: the
      hour-average probability that the available units (+ battery) carry the nameplate load
      (the complement of the loss-of-load probability);
    * ``binding_hour_availability_frac`` = 1 - F at the binding hour (largest nameplate load
      over unit capacity; its maintenance, if any, included);
    * ``availability_at_served_load_frac``: the same hour-average at the served load;
    * ``expected_unserved_mwh_per_yr`` = sum_t E[max(served_t - battery - X_t capacity_t, 0)]
      = sum_t sum_{j <= J_t} P(X_t = j) (served_t - battery - j capacity_t) (served load; the
      exact expectation, every term positive);
    * ``loss_of_load_hours_per_yr`` = sum_t F_t at the served load;
    * ``nines`` = -log10(1 - availability) (inf when no shortfall state has probability).

A target is met when both the annual availability and the binding-hour availability reach
it. The sizing search starts at N + ``min_redundancy_units`` (the scenario's k is a floor)
and adds spares up to ``max_redundancy_units``; a fleet that still misses is returned with
``target_met = False`` and the reason (no exception: a design that misses says so).

Battery ride-through counts the battery's power as firm capacity in every hour. That holds
while its energy lasts the outage; forced outages last ~48 h on average (NREL ReEDS-2.0
``pcm_defaults.json``, mean time to repair of gas turbines), so a short-duration battery
mostly bridges the start of a standby unit, and its credit here is optimistic where spares
run out.

Not modelled: forced outage rates that rise in extreme heat and cold (NERC GADS data:
Murphy, Sowell and Apt 2019 find the combustion-turbine rate at 2.4 % at 15 °C, 6.6 % at
35 °C, 20 % at -15 °C); outages common to several units (fuel supply, the plant switchyard).

The hour loop is compiled with numba (the same kernel serves one site and 10^4 sites that
share a weather year; :func:`size_fleets_for_target`), with a plain-Python fallback.

References
----------
Billinton, R. and Allan, R. N., *Reliability Evaluation of Power Systems*, 2nd ed.
(Plenum, 1996), ch. 2: capacity outage probability tables of identical units (binomial),
loss-of-load probability and expected energy not served.
Murphy, S., Sowell, F. and Apt, J. (2019), "A time-dependent model of generator failures
and recoveries captures correlated events and quantifies temperature dependence",
Applied Energy 253, 113513, doi:10.1016/j.apenergy.2019.113513.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.catalog import PrimeMover
from models.errors import ConfigError
from models.gas_units import available_capacity_mw, capacity_multiplier
from models.units import HOURS_PER_YEAR

try:  # compiled hour loops; the same functions run as plain Python without numba (slower)
    import numba
except ImportError:  # pragma: no cover - numba is a declared dependency
    numba = None

#: Default cap on spare units tried by the sizing search [-].
MAX_REDUNDANCY_UNITS = 20

#: Default length of one planned-maintenance block [h] (a unit is taken out for whole days).
MAINTENANCE_BLOCK_HOURS = 24

_EPS_UNITS = 1e-9  # tolerance on load / capacity before rounding up to whole units


@dataclass(frozen=True)
class FleetReliability:
    """Reliability of a given fleet of identical units over the hours of the input.

    Attributes
    ----------
    units_count : int
        Units installed, N + k [-].
    units_running_needed : int
        N, units needed for the nameplate facility load in the binding hour [-].
    redundancy_units : int
        k = units_count - N [-] (negative when the fleet is short of N).
    availability_frac : float
        Hour-average probability that available units (+ battery) carry the nameplate
        facility load [-].
    binding_hour_availability_frac : float
        The same probability in the binding hour [-].
    binding_hour_index : int
        Position of the binding hour in the input [-].
    availability_at_served_load_frac : float
        Hour-average probability that the served load is carried [-].
    nines, binding_hour_nines : float
        -log10(1 - availability) of the annual and binding-hour figures [-]; inf when no
        shortfall state has probability.
    expected_unserved_mwh_per_yr : float
        Expected energy not served at the served load [MWh/yr].
    loss_of_load_hours_per_yr : float
        Expected hours with a shortfall at the served load [h/yr].
    forced_outage_rate_frac : float
        q used for each unit [-].
    planned_outage_hours_per_yr : float
        Planned-outage hours of each unit [h/yr].
    uncovered_maintenance_unit_hours_per_yr : float
        Unit-hours of maintenance that took a unit the nameplate load needed (no spare
        left in those hours) [unit-h/yr].
    battery_power_mw : float
        Battery power counted as ride-through [MW].
    """

    units_count: int
    units_running_needed: int
    redundancy_units: int
    availability_frac: float
    binding_hour_availability_frac: float
    binding_hour_index: int
    availability_at_served_load_frac: float
    nines: float
    binding_hour_nines: float
    expected_unserved_mwh_per_yr: float
    loss_of_load_hours_per_yr: float
    forced_outage_rate_frac: float
    planned_outage_hours_per_yr: float
    uncovered_maintenance_unit_hours_per_yr: float
    battery_power_mw: float


@dataclass(frozen=True)
class ReliabilityDesign:
    """The least N+k fleet of one unit type meeting a reliability target (or the cap that misses it).

    The field names shared with :class:`models.fleet.FleetDesign` mean the same.

    Attributes
    ----------
    unit_name : str
        Catalog name of the unit.
    units_count, units_running_needed, redundancy_units : int
        N + k, N, k [-].
    reliability_target_frac : float
        The target [-].
    target_met : bool
        Both the annual and the binding-hour availability reach the target.
    reason : str
        Plain words: why this k (the least meeting the target, or the floor already meets
        it), or why the target is missed and what would help.
    min_redundancy_units, max_redundancy_units : int
        The floor (the scenario's k) and the cap on spares searched [-].
    iso_capacity_mw : float
        Installed capacity at ISO conditions [MW].
    hot_hour_capacity_mw : float
        Capacity of all units in the binding hour [MW].
    firm_capacity_mw : float
        Capacity of N units in the binding hour [MW].
    hot_hour_temp_air_degc : float
        Air temperature in the binding hour [°C].
    hot_hour_derate_frac : float
        Output lost vs ISO in the binding hour, 1 - site/ISO [-].
    peak_load_mw : float
        Largest hourly nameplate facility load [MW].
    served_energy_mwh_per_yr : float
        Served energy [MWh/yr].
    availability_frac, binding_hour_availability_frac, availability_at_served_load_frac : float
        As :class:`FleetReliability` [-].
    nines, binding_hour_nines : float
        [-]
    expected_unserved_mwh_per_yr : float
        At the served load [MWh/yr].
    loss_of_load_hours_per_yr : float
        At the served load [h/yr].
    unit_unavailability_frac : float
        The forced-outage rate q used [-] (same name as in :class:`models.fleet.FleetDesign`).
    planned_outage_hours_per_yr : float
        [h/yr per unit]
    uncovered_maintenance_unit_hours_per_yr : float
        [unit-h/yr]
    battery_power_mw : float
        [MW]
    """

    unit_name: str
    units_count: int
    units_running_needed: int
    redundancy_units: int
    reliability_target_frac: float
    target_met: bool
    reason: str
    min_redundancy_units: int
    max_redundancy_units: int
    iso_capacity_mw: float
    hot_hour_capacity_mw: float
    firm_capacity_mw: float
    hot_hour_temp_air_degc: float
    hot_hour_derate_frac: float
    peak_load_mw: float
    served_energy_mwh_per_yr: float
    availability_frac: float
    binding_hour_availability_frac: float
    availability_at_served_load_frac: float
    nines: float
    binding_hour_nines: float
    expected_unserved_mwh_per_yr: float
    loss_of_load_hours_per_yr: float
    unit_unavailability_frac: float
    planned_outage_hours_per_yr: float
    uncovered_maintenance_unit_hours_per_yr: float
    battery_power_mw: float


# ----------------------------------------------------------------------------------------------
# Kernel pieces (plain Python, compiled with numba below)
# ----------------------------------------------------------------------------------------------

def _binom_cumulative_py(n, q, cdf, first_moment):
    """cdf[j] = P(X <= j), first_moment[j] = sum_{i<=j} i P(X = i), X ~ Binomial(n, 1 - q); j = 0..n."""
    p = 1.0 - q
    pmf = np.zeros(n + 1)
    if q <= 0.0:
        pmf[n] = 1.0
    elif p <= 0.0:
        pmf[0] = 1.0
    else:
        mode = int(math.floor((n + 1) * p))
        if mode > n:
            mode = n
        log_pm = (math.lgamma(n + 1.0) - math.lgamma(mode + 1.0) - math.lgamma(n - mode + 1.0)
                  + mode * math.log(p) + (n - mode) * math.log(q))
        pmf[mode] = math.exp(log_pm)
        ratio_up = p / q
        for j in range(mode, n):
            pmf[j + 1] = pmf[j] * (n - j) / (j + 1.0) * ratio_up
        for j in range(mode, 0, -1):
            pmf[j - 1] = pmf[j] * j / (n - j + 1.0) / ratio_up
    acc = 0.0
    mom = 0.0
    for j in range(n + 1):
        acc += pmf[j]
        mom += j * pmf[j]
        cdf[j] = acc
        first_moment[j] = mom


def _shortfall_index_py(load, battery, cap):
    """Largest number of available units that still leaves load - battery uncovered (-1: none short)."""
    need = load - battery
    if need <= 0.0:
        return -1
    return int(math.ceil(need / cap - _EPS_UNITS)) - 1


def _block_stats_py(need, ratio, block_start, max_need, order):
    """Per maintenance block: the most units any of its hours needs (max_need) and the blocks in
    order of ascending mean load-to-capacity ratio (order: the tie-break, lowest load first)."""
    nb = block_start.size - 1
    key = np.empty(nb)
    for b in range(nb):
        a, e = block_start[b], block_start[b + 1]
        mx = 0
        s = 0.0
        for t in range(a, e):
            if need[t] > mx:
                mx = need[t]
            s += ratio[t]
        max_need[b] = mx
        key[b] = s / (e - a)
    order[:] = np.argsort(key, kind="mergesort")


def _schedule_maintenance_py(need, block_start, max_need, order, units, unit_hours, m_out):
    """Water-filling of ``unit_hours`` of planned outage over blocks; writes units out per hour to m_out.

    need[t]: units the nameplate load needs; block_start: block boundaries (blocks + 1);
    max_need, order: from :func:`_block_stats`. Returns the uncovered unit-hours.
    """
    hours = need.size
    nb = block_start.size - 1
    for t in range(hours):
        m_out[t] = 0
    total = int(math.floor(unit_hours + 0.5))
    if total <= 0 or units <= 0 or nb == 0:
        return 0.0
    spare = np.empty(nb, dtype=np.int64)
    length = np.empty(nb, dtype=np.int64)
    for b in range(nb):
        spare[b] = units - max_need[b]
        length[b] = block_start[b + 1] - block_start[b]
    # level L: block b has max(spare_b - L, 0) units out, never more than all its units
    top = spare.max()
    lowest = spare.min() - units  # every block with all its units out
    level = top
    while level > lowest:
        level -= 1
        cap = 0
        for b in range(nb):
            out = spare[b] - level
            if out > units:
                out = units
            if out > 0:
                cap += out * length[b]
        if cap >= total:
            break
    base = level + 1
    placed = 0
    m_block = np.zeros(nb, dtype=np.int64)
    for b in range(nb):
        out = spare[b] - base
        if out > units:
            out = units
        if out > 0:
            m_block[b] = out
            placed += out * length[b]
    remainder = total - placed
    partial_block = -1
    partial_hours = 0
    if remainder > 0:
        for i in range(nb):
            b = order[i]
            if spare[b] - level > 0 and m_block[b] < units:
                if remainder >= length[b]:
                    m_block[b] += 1
                    remainder -= length[b]
                else:
                    partial_block = b
                    partial_hours = remainder
                    remainder = 0
                if remainder == 0:
                    break
    uncovered = 0.0
    for b in range(nb):
        a, e = block_start[b], block_start[b + 1]
        for t in range(a, e):
            m = m_block[b]
            if b == partial_block and t - a < partial_hours:
                m += 1
            m_out[t] = m
            extra = m - (units - need[t])
            if extra > 0:
                uncovered += extra
    return uncovered


def _evaluate_py(units, q, jn, js, served_net, cap, need, bind, block_start, max_need, order, unit_hours, m_work,
                 res):
    """Reliability metrics of ``units`` units for one site; writes res[0..4].

    jn[t], js[t]: shortfall index (:func:`_shortfall_index`) at the nameplate and served load;
    served_net[t]: served load less the battery [MW]. res: 0 sum over hours of the loss-of-load
    probability at nameplate, 1 binding-hour loss-of-load probability, 2 the sum at the served
    load (loss-of-load hours), 3 expected unserved energy [MWh over the input], 4 uncovered
    maintenance unit-hours.
    """
    hours = jn.size
    uncovered = _schedule_maintenance(need, block_start, max_need, order, units, unit_hours, m_work)
    m_max = 0
    for t in range(hours):
        if m_work[t] > m_max:
            m_max = m_work[t]
    width = units + 2  # shortfall index -1..units, stored at +1
    cnt_n = np.zeros((m_max + 1, width))
    cnt_s = np.zeros((m_max + 1, width))
    sum_l = np.zeros((m_max + 1, width))
    sum_c = np.zeros((m_max + 1, width))
    for t in range(hours):
        m = m_work[t]
        avail = units - m
        a = jn[t]
        if a > avail:
            a = avail
        cnt_n[m, a + 1] += 1.0
        b = js[t]
        if b >= 0:
            if b > avail:
                b = avail
            cnt_s[m, b + 1] += 1.0
            sum_l[m, b + 1] += served_net[t]
            sum_c[m, b + 1] += cap[t]
    lolp_n = 0.0
    lolp_s = 0.0
    eue = 0.0
    lolp_bind = 0.0
    cdf = np.empty(units + 1)
    mom = np.empty(units + 1)
    for m in range(m_max + 1):
        avail = units - m
        if avail < 0:
            continue
        _binom_cumulative(avail, q, cdf, mom)
        for j in range(avail + 1):
            f = cdf[j]
            lolp_n += cnt_n[m, j + 1] * f
            if cnt_s[m, j + 1] > 0.0:
                lolp_s += cnt_s[m, j + 1] * f
                e = sum_l[m, j + 1] * f - sum_c[m, j + 1] * mom[j]
                if e > 0.0:
                    eue += e
        if m == m_work[bind]:
            jb = jn[bind]
            if jb > avail:
                jb = avail
            lolp_bind = cdf[jb] if jb >= 0 else 0.0
    res[0] = lolp_n
    res[1] = lolp_bind
    res[2] = lolp_s
    res[3] = eue
    res[4] = uncovered


def _size_kernel_py(f_shape, s_shape, tidx, cap_tab, scale, battery, q, unit_hours_per_unit, block_start,
                    lo, hi, relative, target_unavail, stop_at_target, n_needed, bind_idx, out, out_units):
    """For each site: metrics for units lo..hi (N + lo .. N + hi when ``relative``).

    With ``stop_at_target`` the search starts one fleet below the least that meets the target in
    the binding hour with no maintenance there (a lower bound: maintenance only removes units)
    and stops at the first fleet meeting the target on the year and in the binding hour.
    out[s, i, 0..4]: the :func:`_evaluate` results for lo + i units (NaN where not evaluated);
    out_units[s]: the units of the first fleet meeting the target, or the last tried when none does.
    """
    sites = scale.size
    hours = f_shape.size
    for s in _prange(sites):
        cap = np.empty(hours)
        need = np.empty(hours, dtype=np.int64)
        ratio = np.empty(hours)
        jn = np.empty(hours, dtype=np.int64)
        js = np.empty(hours, dtype=np.int64)
        served_net = np.empty(hours)
        m_work = np.empty(hours, dtype=np.int64)
        res = np.zeros(5)
        best = -1.0
        bind = 0
        bat = battery[s]
        for t in range(hours):
            c = cap_tab[s, tidx[t]]
            cap[t] = c
            load = scale[s] * f_shape[t]
            served = scale[s] * s_shape[t]
            r = load / c
            ratio[t] = r
            n = int(math.ceil(r - _EPS_UNITS))
            if n < 0:
                n = 0
            need[t] = n
            jn[t] = _shortfall_index(load, bat, c)
            js[t] = _shortfall_index(served, bat, c)
            served_net[t] = served - bat
            if r > best:
                best = r
                bind = t
        nb = block_start.size - 1
        max_need = np.empty(nb, dtype=np.int64)
        order = np.empty(nb, dtype=np.int64)
        _block_stats(need, ratio, block_start, max_need, order)
        n_min = int(math.ceil(best - _EPS_UNITS))
        if n_min < 1:
            n_min = 1
        n_needed[s] = n_min
        bind_idx[s] = bind
        u_lo = lo[s] + n_min if relative else lo[s]
        u_hi = hi[s] + n_min if relative else hi[s]
        start = u_lo
        if stop_at_target and jn[bind] >= 0:
            # least fleet meeting the target in the binding hour with no unit there on maintenance
            bound = u_hi
            cdf = np.empty(u_hi + 1)
            mom = np.empty(u_hi + 1)
            for u in range(u_lo, u_hi + 1):
                if jn[bind] < u:
                    _binom_cumulative(u, q, cdf, mom)
                    if cdf[jn[bind]] <= target_unavail:
                        bound = u
                        break
            start = bound - 1 if bound > u_lo else u_lo  # one below, for the report of the fleet just short
        chosen = -1
        for u in range(start, u_hi + 1):
            _evaluate(u, q, jn, js, served_net, cap, need, bind, block_start, max_need, order,
                      unit_hours_per_unit * u, m_work, res)
            i = u - u_lo
            for k in range(5):
                out[s, i, k] = res[k]
            if chosen < 0 and res[0] / hours <= target_unavail and res[1] <= target_unavail:
                chosen = u
                if stop_at_target:
                    break
        out_units[s] = chosen if chosen >= 0 else u_hi


if numba is not None:
    _prange = numba.prange
    _jit = numba.njit(cache=True)
    _binom_cumulative = _jit(_binom_cumulative_py)
    _shortfall_index = _jit(_shortfall_index_py)
    _block_stats = _jit(_block_stats_py)
    _schedule_maintenance = _jit(_schedule_maintenance_py)
    _evaluate = _jit(_evaluate_py)
    _size_kernel = numba.njit(parallel=True, cache=True)(_size_kernel_py)
else:  # pragma: no cover
    _prange = range
    _binom_cumulative = _binom_cumulative_py
    _shortfall_index = _shortfall_index_py
    _block_stats = _block_stats_py
    _schedule_maintenance = _schedule_maintenance_py
    _evaluate = _evaluate_py
    _size_kernel = _size_kernel_py


# ----------------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------------

def k_of_n_availability_frac(units_count: int, units_needed: int, unit_unavailability_frac: float) -> float:
    """Probability that at least ``units_needed`` of ``units_count`` identical units are available [-].

    Parameters
    ----------
    units_count : int
        Units installed [-].
    units_needed : int
        Units that must be available [-].
    unit_unavailability_frac : float
        Probability a unit is out, independently of the others [-].

    Returns
    -------
    float
        sum_{j >= needed} C(n, j) (1 - q)^j q^(n - j) [-].

    References
    ----------
    Billinton and Allan (1996), ch. 2 (binomial capacity outage probability table).
    """
    n, k, q = _whole(units_count, "units_count"), _whole(units_needed, "units_needed"), float(unit_unavailability_frac)
    _check_rate(q, "unit_unavailability_frac")
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    cdf, mom = np.empty(n + 1), np.empty(n + 1)
    _binom_cumulative(n, q, cdf, mom)
    return float(1.0 - cdf[k - 1])


def expected_unserved_mw(load_mw, unit_capacity_mw, units_available, unit_unavailability_frac, *,
                         battery_power_mw=0.0) -> np.ndarray:
    """Exact expected shortfall of a block of identical units in each hour [MW].

    E[max(load - battery - X capacity, 0)], X ~ Binomial(units_available, 1 - q).

    Parameters
    ----------
    load_mw : array_like
        Load the units must carry [MW].
    unit_capacity_mw : array_like
        Capacity of one unit [MW], > 0.
    units_available : int or array_like
        Units not on planned maintenance [-].
    unit_unavailability_frac : float
        Forced-outage probability q of each unit [-].
    battery_power_mw : float or array_like
        Ride-through power [MW].

    Returns
    -------
    numpy.ndarray
        Expected shortfall [MW] (an hour's MWh).
    """
    load = np.asarray(load_mw, dtype=float)
    cap = np.asarray(unit_capacity_mw, dtype=float)
    units = np.asarray(units_available)
    bat = np.asarray(battery_power_mw, dtype=float)
    shape = np.broadcast_shapes(load.shape, cap.shape, units.shape, bat.shape)
    load, cap, bat = (np.broadcast_to(a, shape).ravel() for a in (load, cap, bat))
    units = np.broadcast_to(units, shape).ravel()
    if np.any(cap <= 0) or np.any(~np.isfinite(load)):
        raise ConfigError("expected_unserved_mw needs unit_capacity_mw > 0 and finite loads")
    if np.any(units < 0) or np.any(units != np.floor(units)):
        raise ConfigError(f"units_available must be whole numbers >= 0; got min {units.min()!r}")
    q = float(unit_unavailability_frac)
    _check_rate(q, "unit_unavailability_frac")
    out = np.zeros(load.size)
    tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for i in range(load.size):
        n = int(units[i])
        j = min(_shortfall_index(float(load[i]), float(bat[i]), float(cap[i])), n)
        if j < 0:
            continue
        if n not in tables:
            cdf, mom = np.empty(n + 1), np.empty(n + 1)
            _binom_cumulative(n, q, cdf, mom)
            tables[n] = (cdf, mom)
        cdf, mom = tables[n]
        out[i] = max((load[i] - bat[i]) * cdf[j] - cap[i] * mom[j], 0.0)
    return out.reshape(shape)


def fleet_reliability(
    facility_load_mw,
    served_load_mw,
    unit_capacity_mw,
    units_count: int,
    *,
    forced_outage_rate_frac: float,
    planned_outage_hours_per_yr: float = 0.0,
    battery_power_mw: float = 0.0,
    maintenance_block_hours: int = MAINTENANCE_BLOCK_HOURS,
) -> FleetReliability:
    """Availability, expected unserved energy and maintenance of a given fleet (module docstring).

    Parameters
    ----------
    facility_load_mw : array_like
        Hourly facility load at nameplate IT [MW].
    served_load_mw : array_like
        Hourly load actually served [MW], <= the nameplate facility load.
    unit_capacity_mw : array_like
        Hourly capacity of one unit (derated) [MW], > 0.
    units_count : int
        Units installed [-].
    forced_outage_rate_frac : float
        q of each unit [-].
    planned_outage_hours_per_yr : float
        Planned-outage hours each unit needs per year [h/yr].
    battery_power_mw : float
        Ride-through power [MW].
    maintenance_block_hours : int
        Length of a maintenance block [h].

    Returns
    -------
    FleetReliability
    """
    f, s, cap = _hourly(facility_load_mw, served_load_mw, unit_capacity_mw)
    units = _whole(units_count, "units_count")
    q, h_pm = _rates(forced_outage_rate_frac, planned_outage_hours_per_yr)
    blocks = _blocks(f.size, maintenance_block_hours)
    bat = _battery(battery_power_mw)
    out, n_needed, bind, _ = _run(f, s, np.arange(f.size), cap[None, :], np.ones(1), np.array([bat]), q, h_pm,
                                  blocks, units, units, 0.0, relative=False, stop=False)
    return _fleet_result(out[0, 0], f.size, units, int(n_needed[0]), int(bind[0]), q, h_pm, bat)


def _fleet_result(r, hours, units, n_needed, bind, q, h_pm, bat) -> FleetReliability:
    per_year = HOURS_PER_YEAR / hours
    unavail = r[0] / hours
    return FleetReliability(
        units_count=units, units_running_needed=n_needed, redundancy_units=units - n_needed,
        availability_frac=float(1.0 - unavail), binding_hour_availability_frac=float(1.0 - r[1]),
        binding_hour_index=bind, availability_at_served_load_frac=float(1.0 - r[2] / hours),
        nines=_nines(unavail), binding_hour_nines=_nines(r[1]),
        expected_unserved_mwh_per_yr=float(r[3] * per_year), loss_of_load_hours_per_yr=float(r[2] * per_year),
        forced_outage_rate_frac=q, planned_outage_hours_per_yr=h_pm,
        uncovered_maintenance_unit_hours_per_yr=float(r[4] * per_year), battery_power_mw=bat,
    )


def size_fleet_for_target(
    facility_load_mw,
    served_load_mw,
    temp_air_degc,
    *,
    unit: PrimeMover,
    reliability_target_frac: float,
    altitude_m: float = 0.0,
    min_redundancy_units: int = 0,
    max_redundancy_units: int = MAX_REDUNDANCY_UNITS,
    battery_power_mw: float = 0.0,
    forced_outage_rate_frac: float | None = None,
    planned_outage_hours_per_yr: float | None = None,
    maintenance_block_hours: int = MAINTENANCE_BLOCK_HOURS,
) -> ReliabilityDesign:
    """The least fleet of one unit type meeting a reliability target, or the capped fleet and why it misses.

    Parameters
    ----------
    facility_load_mw : array_like
        Hourly facility load at nameplate IT (IT nameplate x hourly PUE) [MW], or a constant.
    served_load_mw : array_like
        Hourly load actually served (nameplate x utilisation x hourly PUE) [MW], or a constant.
    temp_air_degc : array_like
        Hourly air temperature [°C] (sets the hours).
    unit : PrimeMover
        Catalog unit (:func:`models.catalog.get_prime_mover`).
    reliability_target_frac : float
        Required availability [-], e.g. 0.9999; met on the year and in the binding hour.
    altitude_m : float
        Site elevation [m].
    min_redundancy_units : int
        Floor on spares k (the scenario's ``redundancy_units``) [-].
    max_redundancy_units : int
        Cap on spares searched [-].
    battery_power_mw : float
        Ride-through power [MW] (see the module docstring for what it assumes).
    forced_outage_rate_frac, planned_outage_hours_per_yr : float, optional
        Override the catalog's rates [-], [h/yr].
    maintenance_block_hours : int
        Length of a maintenance block [h].

    Returns
    -------
    ReliabilityDesign

    Raises
    ------
    ConfigError
        For bad inputs, or a unit with no ISO capacity or outage rates in the catalog.
    """
    temp = _temps(temp_air_degc)
    f, s, _ = _hourly(np.broadcast_to(np.asarray(facility_load_mw, dtype=float), temp.shape),
                      np.broadcast_to(np.asarray(served_load_mw, dtype=float), temp.shape), 1.0)
    q, h_pm = _unit_rates(unit, forced_outage_rate_frac, planned_outage_hours_per_yr)
    k_lo, k_hi = _spare_range(min_redundancy_units, max_redundancy_units)
    target = _target(reliability_target_frac)
    bat = _battery(battery_power_mw)
    cap = available_capacity_mw(unit, temp, altitude_m)
    blocks = _blocks(temp.size, maintenance_block_hours)
    out, n_needed, bind, chosen = _run(f, s, np.arange(temp.size), cap[None, :], np.ones(1), np.array([bat]), q,
                                       h_pm, blocks, k_lo, k_hi, 1.0 - target, relative=True, stop=True)
    return _design(unit, out[0], temp, f, s, cap, int(n_needed[0]), int(bind[0]), int(chosen[0]),
                   target, k_lo, k_hi, q, h_pm, bat)


def availability_by_spares(
    facility_load_mw,
    served_load_mw,
    temp_air_degc,
    *,
    unit: PrimeMover,
    altitude_m: float = 0.0,
    max_redundancy_units: int = 6,
    battery_power_mw: float = 0.0,
    forced_outage_rate_frac: float | None = None,
    planned_outage_hours_per_yr: float | None = None,
    maintenance_block_hours: int = MAINTENANCE_BLOCK_HOURS,
) -> pd.DataFrame:
    """Availability and expected unserved energy for k = 0..K spare units (an "availability vs spares" chart).

    Parameters
    ----------
    facility_load_mw, served_load_mw, temp_air_degc, unit, altitude_m, battery_power_mw
        As :func:`size_fleet_for_target`.
    max_redundancy_units : int
        K, the largest number of spares [-].
    forced_outage_rate_frac, planned_outage_hours_per_yr, maintenance_block_hours
        As :func:`size_fleet_for_target`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``redundancy_units`` (0..K): ``units_count`` [-], ``availability_frac``,
        ``binding_hour_availability_frac``, ``availability_at_served_load_frac`` [-], ``nines``,
        ``binding_hour_nines`` [-], ``expected_unserved_mwh_per_yr`` [MWh/yr],
        ``loss_of_load_hours_per_yr`` [h/yr], ``uncovered_maintenance_unit_hours_per_yr`` [unit-h/yr].
    """
    temp = _temps(temp_air_degc)
    f, s, _ = _hourly(np.broadcast_to(np.asarray(facility_load_mw, dtype=float), temp.shape),
                      np.broadcast_to(np.asarray(served_load_mw, dtype=float), temp.shape), 1.0)
    q, h_pm = _unit_rates(unit, forced_outage_rate_frac, planned_outage_hours_per_yr)
    _, k_hi = _spare_range(0, max_redundancy_units)
    bat = _battery(battery_power_mw)
    cap = available_capacity_mw(unit, temp, altitude_m)
    out, n_needed, bind, _ = _run(f, s, np.arange(temp.size), cap[None, :], np.ones(1), np.array([bat]), q, h_pm,
                                  _blocks(temp.size, maintenance_block_hours), 0, k_hi, 0.0, relative=True, stop=False)
    n0 = int(n_needed[0])
    rows = [_fleet_result(out[0, k], temp.size, n0 + k, n0, int(bind[0]), q, h_pm, bat)
            for k in range(k_hi + 1)]
    cols = ("units_count", "availability_frac", "binding_hour_availability_frac", "availability_at_served_load_frac",
            "nines", "binding_hour_nines", "expected_unserved_mwh_per_yr", "loss_of_load_hours_per_yr",
            "uncovered_maintenance_unit_hours_per_yr")
    frame = pd.DataFrame({c: [getattr(r, c) for r in rows] for c in cols},
                         index=pd.RangeIndex(k_hi + 1, name="redundancy_units"))
    return frame


def size_fleets_for_target(
    facility_load_per_it_mw,
    served_load_per_it_mw,
    temp_air_degc,
    *,
    it_load_mw,
    unit: PrimeMover,
    reliability_target_frac: float,
    altitude_m=0.0,
    min_redundancy_units: int = 0,
    max_redundancy_units: int = MAX_REDUNDANCY_UNITS,
    battery_power_mw=0.0,
    forced_outage_rate_frac: float | None = None,
    planned_outage_hours_per_yr: float | None = None,
    maintenance_block_hours: int = MAINTENANCE_BLOCK_HOURS,
    chunk_sites: int = 512,
) -> dict[str, np.ndarray]:
    """:func:`size_fleet_for_target` for many sites sharing one weather year (batch).

    Each site s has facility load ``it_load_mw[s] x facility_load_per_it_mw[t]`` and served
    load ``it_load_mw[s] x served_load_per_it_mw[t]``, its own elevation and battery. Hours
    with the same temperature share the unit-capacity computation; the same compiled kernel
    as the single-site function runs over sites in parallel, so every figure equals the
    single-site answer.

    Parameters
    ----------
    facility_load_per_it_mw : array_like
        Hourly facility load per MW of IT nameplate, i.e. the hourly PUE [MW/MW], shape (hours,).
    served_load_per_it_mw : array_like
        Hourly served load per MW of IT nameplate (utilisation x PUE) [MW/MW], shape (hours,).
    temp_air_degc : array_like
        Hourly air temperature [°C], shape (hours,).
    it_load_mw : array_like
        IT nameplate per site [MW], shape (sites,).
    unit, reliability_target_frac, min_redundancy_units, max_redundancy_units
        As :func:`size_fleet_for_target`.
    altitude_m, battery_power_mw : float or array_like
        Per site [m], [MW].
    forced_outage_rate_frac, planned_outage_hours_per_yr, maintenance_block_hours
        As :func:`size_fleet_for_target`.
    chunk_sites : int
        Sites per block of work (memory: chunk x distinct temperatures x 8 B).

    Returns
    -------
    dict of numpy.ndarray
        Per site, keys named as the :class:`ReliabilityDesign` fields except ``unit_name`` and
        ``reason`` (``target_met`` is boolean).
    """
    temp = _temps(temp_air_degc)
    f, s, _ = _hourly(np.broadcast_to(np.asarray(facility_load_per_it_mw, dtype=float), temp.shape),
                      np.broadcast_to(np.asarray(served_load_per_it_mw, dtype=float), temp.shape), 1.0)
    it = np.atleast_1d(np.asarray(it_load_mw, dtype=float)).reshape(-1)
    sites = it.size
    if np.any(~np.isfinite(it)) or np.any(it <= 0):
        raise ConfigError(f"it_load_mw must be finite and > 0 for every site; got min {it.min()!r}")
    alt = np.broadcast_to(np.asarray(altitude_m, dtype=float), (sites,))
    bat = np.broadcast_to(np.asarray(battery_power_mw, dtype=float), (sites,)).astype(float)
    if np.any(~np.isfinite(bat)) or np.any(bat < 0):
        raise ConfigError("battery_power_mw must be finite and >= 0 for every site")
    q, h_pm = _unit_rates(unit, forced_outage_rate_frac, planned_outage_hours_per_yr)
    k_lo, k_hi = _spare_range(min_redundancy_units, max_redundancy_units)
    target = _target(reliability_target_frac)
    blocks = _blocks(temp.size, maintenance_block_hours)
    t_unique, tidx = np.unique(temp, return_inverse=True)
    tidx = tidx.reshape(-1).astype(np.int64)
    keys = ("units_count", "units_running_needed", "redundancy_units", "target_met", "iso_capacity_mw",
            "hot_hour_capacity_mw", "firm_capacity_mw", "hot_hour_temp_air_degc", "hot_hour_derate_frac",
            "peak_load_mw", "served_energy_mwh_per_yr", "availability_frac", "binding_hour_availability_frac",
            "availability_at_served_load_frac", "nines", "binding_hour_nines", "expected_unserved_mwh_per_yr",
            "loss_of_load_hours_per_yr", "uncovered_maintenance_unit_hours_per_yr")
    res = {k: np.empty(sites, dtype=bool if k == "target_met" else float) for k in keys}
    step = max(int(chunk_sites), 1)
    for a in range(0, sites, step):
        b = min(a + step, sites)
        mult = capacity_multiplier(unit, t_unique[None, :], alt[a:b, None])
        cap_tab = np.ascontiguousarray(unit.iso_capacity_mw * mult)
        # N per site from the largest load-to-capacity ratio over the distinct (load, temperature) hours
        out, n_needed, bind, chosen = _run(f, s, tidx, cap_tab, it[a:b], bat[a:b], q, h_pm, blocks, k_lo, k_hi,
                                           1.0 - target, relative=True, stop=True)
        hours = temp.size
        per_year = HOURS_PER_YEAR / hours
        rows = np.arange(b - a)
        i = chosen - (n_needed + k_lo)
        r = out[rows, i]
        cap_bind = cap_tab[rows, tidx[bind]]
        unavail = r[:, 0] / hours
        res["units_count"][a:b] = chosen
        res["units_running_needed"][a:b] = n_needed
        res["redundancy_units"][a:b] = chosen - n_needed
        res["target_met"][a:b] = (unavail <= 1.0 - target) & (r[:, 1] <= 1.0 - target)
        res["iso_capacity_mw"][a:b] = chosen * unit.iso_capacity_mw
        res["hot_hour_capacity_mw"][a:b] = chosen * cap_bind
        res["firm_capacity_mw"][a:b] = n_needed * cap_bind
        res["hot_hour_temp_air_degc"][a:b] = temp[bind]
        res["hot_hour_derate_frac"][a:b] = 1.0 - cap_bind / unit.iso_capacity_mw
        res["peak_load_mw"][a:b] = it[a:b] * f.max()
        res["served_energy_mwh_per_yr"][a:b] = (it[a:b, None] * s[None, :]).sum(axis=1) * per_year
        res["availability_frac"][a:b] = 1.0 - unavail
        res["binding_hour_availability_frac"][a:b] = 1.0 - r[:, 1]
        res["availability_at_served_load_frac"][a:b] = 1.0 - r[:, 2] / hours
        res["nines"][a:b] = _nines_array(unavail)
        res["binding_hour_nines"][a:b] = _nines_array(r[:, 1])
        res["expected_unserved_mwh_per_yr"][a:b] = r[:, 3] * per_year
        res["loss_of_load_hours_per_yr"][a:b] = r[:, 2] * per_year
        res["uncovered_maintenance_unit_hours_per_yr"][a:b] = r[:, 4] * per_year
    for k in ("units_count", "units_running_needed", "redundancy_units"):
        res[k] = res[k].astype(np.int64)
    return res


def maintenance_schedule(facility_load_mw, unit_capacity_mw, units_count: int, *, planned_outage_hours_per_yr: float,
                         maintenance_block_hours: int = MAINTENANCE_BLOCK_HOURS) -> np.ndarray:
    """Units on planned maintenance in each hour, as the reliability functions schedule them [-].

    For the dispatch (:func:`models.dispatch.dispatch`, ``gas_units_on_maintenance``), so that
    both see the same planned outages.

    Parameters
    ----------
    facility_load_mw : array_like
        Hourly facility load at nameplate IT [MW].
    unit_capacity_mw : array_like
        Hourly capacity of one unit [MW].
    units_count : int
        Units installed [-].
    planned_outage_hours_per_yr : float
        Planned-outage hours of each unit [h/yr].
    maintenance_block_hours : int
        Block length [h].

    Returns
    -------
    numpy.ndarray of int
        Units out per hour [-].
    """
    f, _, cap = _hourly(facility_load_mw, facility_load_mw, unit_capacity_mw)
    units = _whole(units_count, "units_count")
    _, h_pm = _rates(0.0, planned_outage_hours_per_yr)
    ratio = f / cap
    need = np.maximum(np.ceil(ratio - _EPS_UNITS), 0).astype(np.int64)
    m = np.zeros(f.size, dtype=np.int64)
    blocks = _blocks(f.size, maintenance_block_hours)
    max_need = np.empty(blocks.size - 1, dtype=np.int64)
    order = np.empty(blocks.size - 1, dtype=np.int64)
    _block_stats(need, ratio, blocks, max_need, order)
    _schedule_maintenance(need, blocks, max_need, order, units, h_pm * units * f.size / HOURS_PER_YEAR, m)
    return m


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------

def _run(f, s, tidx, cap_tab, scale, battery, q, h_pm, blocks, lo, hi, target_unavail, *, relative, stop):
    """Run the kernel; lo/hi are spares (relative) or unit counts per site."""
    sites = scale.size
    lo = np.broadcast_to(np.asarray(lo, dtype=np.int64), (sites,))
    hi = np.broadcast_to(np.asarray(hi, dtype=np.int64), (sites,))
    width = int((hi - lo).max()) + 1
    out = np.full((sites, width, 5), np.nan)
    n_needed = np.zeros(sites, dtype=np.int64)
    bind = np.zeros(sites, dtype=np.int64)
    chosen = np.zeros(sites, dtype=np.int64)
    hours = f.size
    _size_kernel(np.ascontiguousarray(f), np.ascontiguousarray(s), np.ascontiguousarray(tidx, dtype=np.int64),
                 np.ascontiguousarray(cap_tab, dtype=float), np.ascontiguousarray(scale, dtype=float),
                 np.ascontiguousarray(battery, dtype=float), float(q), float(h_pm) * hours / HOURS_PER_YEAR, blocks,
                 np.ascontiguousarray(lo), np.ascontiguousarray(hi), bool(relative), float(target_unavail),
                 bool(stop), n_needed, bind, out, chosen)
    return out, n_needed, bind, chosen


def _design(unit, out, temp, f, s, cap, n_needed, bind, chosen, target, k_lo, k_hi, q, h_pm, bat):
    hours = temp.size
    i = chosen - (n_needed + k_lo)
    r = _fleet_result(out[i], hours, chosen, n_needed, bind, q, h_pm, bat)
    met = out[i][0] / hours <= 1.0 - target and out[i][1] <= 1.0 - target
    k = chosen - n_needed
    if met and k == k_lo:
        reason = (f"N+{k} (the floor of {k_lo} spares) already meets {target:g}: availability "
                  f"{r.availability_frac:.6f}, binding hour {r.binding_hour_availability_frac:.6f}")
    elif met:
        prev = _fleet_result(out[i - 1], hours, chosen - 1, n_needed, bind, q, h_pm, bat)
        reason = (f"N+{k} is the least fleet meeting {target:g} on the year and in the binding hour: "
                  f"availability {r.availability_frac:.6f} (binding hour {r.binding_hour_availability_frac:.6f}); "
                  f"N+{k - 1} gives {prev.availability_frac:.6f} ({prev.binding_hour_availability_frac:.6f})")
    else:
        reason = (f"{unit.name}: even N+{k} (the cap of {k_hi} spares) misses {target:g}: availability "
                  f"{r.availability_frac:.6f}, binding hour {r.binding_hour_availability_frac:.6f} with a "
                  f"forced-outage rate of {q:g}; raise max_redundancy_units, add battery ride-through or choose a more "
                  f"reliable or larger unit")
    cap_bind = float(cap[bind])
    return ReliabilityDesign(
        unit_name=unit.name, units_count=chosen, units_running_needed=n_needed, redundancy_units=k,
        reliability_target_frac=target, target_met=bool(met), reason=reason, min_redundancy_units=k_lo,
        max_redundancy_units=k_hi, iso_capacity_mw=chosen * unit.iso_capacity_mw,
        hot_hour_capacity_mw=chosen * cap_bind, firm_capacity_mw=n_needed * cap_bind,
        hot_hour_temp_air_degc=float(temp[bind]),
        hot_hour_derate_frac=float(1.0 - cap_bind / unit.iso_capacity_mw),
        peak_load_mw=float(f.max()), served_energy_mwh_per_yr=float(s.sum() * HOURS_PER_YEAR / hours),
        availability_frac=r.availability_frac, binding_hour_availability_frac=r.binding_hour_availability_frac,
        availability_at_served_load_frac=r.availability_at_served_load_frac, nines=r.nines,
        binding_hour_nines=r.binding_hour_nines, expected_unserved_mwh_per_yr=r.expected_unserved_mwh_per_yr,
        loss_of_load_hours_per_yr=r.loss_of_load_hours_per_yr, unit_unavailability_frac=q,
        planned_outage_hours_per_yr=h_pm,
        uncovered_maintenance_unit_hours_per_yr=r.uncovered_maintenance_unit_hours_per_yr, battery_power_mw=bat,
    )


def _nines(unavail: float) -> float:
    return float(_nines_array(np.array([unavail]))[0])


def _nines_array(unavail: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(unavail <= 0.0, np.inf, -np.log10(np.maximum(unavail, 1e-300)))


def _whole(x, name: str) -> int:
    if isinstance(x, bool) or int(x) != x or x < 0:
        raise ConfigError(f"{name}={x!r}; expected a whole number >= 0")
    return int(x)


def _check_rate(q: float, name: str) -> None:
    if not (math.isfinite(q) and 0.0 <= q < 1.0):
        raise ConfigError(f"{name}={q!r}; expected a probability 0 <= q < 1")


def _rates(q, h_pm) -> tuple[float, float]:
    q, h_pm = float(q), float(h_pm)
    _check_rate(q, "forced_outage_rate_frac")
    if not (math.isfinite(h_pm) and 0.0 <= h_pm < HOURS_PER_YEAR):
        raise ConfigError(f"planned_outage_hours_per_yr={h_pm!r}; expected 0 <= hours < {HOURS_PER_YEAR}")
    return q, h_pm


def _unit_rates(unit: PrimeMover, q, h_pm) -> tuple[float, float]:
    if not math.isfinite(unit.iso_capacity_mw):
        raise ConfigError(f"unit {unit.name!r} has no ISO capacity in the catalog; choose another unit")
    q = unit.forced_outage_rate_frac if q is None else q
    h_pm = unit.planned_outage_hours_per_yr if h_pm is None else h_pm
    if not math.isfinite(q) or not math.isfinite(h_pm):
        raise ConfigError(f"unit {unit.name!r} has no forced-outage rate or planned-outage hours in the catalog "
                          f"(got {q!r}, {h_pm!r}); pass forced_outage_rate_frac and planned_outage_hours_per_yr "
                          f"or choose another unit")
    return _rates(q, h_pm)


def _spare_range(k_lo, k_hi) -> tuple[int, int]:
    k_lo, k_hi = _whole(k_lo, "min_redundancy_units"), _whole(k_hi, "max_redundancy_units")
    if k_hi < k_lo:
        raise ConfigError(f"max_redundancy_units={k_hi} is below min_redundancy_units={k_lo}; raise the cap")
    return k_lo, k_hi


def _target(t) -> float:
    t = float(t)
    if not (math.isfinite(t) and 0.0 < t < 1.0):
        raise ConfigError(f"reliability_target_frac={t!r}; expected 0 < target < 1, e.g. 0.9999")
    return t


def _battery(b) -> float:
    b = float(b)
    if not (math.isfinite(b) and b >= 0.0):
        raise ConfigError(f"battery_power_mw={b!r}; expected a finite power >= 0 MW")
    return b


def _temps(temp_air_degc) -> np.ndarray:
    temp = np.atleast_1d(np.asarray(temp_air_degc, dtype=float)).reshape(-1)
    if temp.size == 0 or np.any(~np.isfinite(temp)):
        raise ConfigError("temp_air_degc is empty or has NaN or infinite values; fill gaps in the weather first")
    return temp


def _hourly(facility, served, cap):
    f = np.atleast_1d(np.asarray(facility, dtype=float)).reshape(-1)
    s = np.asarray(served, dtype=float)
    s = np.broadcast_to(s, f.shape).astype(float) if s.size in (1, f.size) else s
    c = np.broadcast_to(np.asarray(cap, dtype=float), f.shape).astype(float)
    if s.shape != f.shape:
        raise ConfigError(f"served_load_mw has {s.size} values, facility_load_mw {f.size}; give one per hour")
    if np.any(~np.isfinite(f)) or np.any(f < 0) or f.max() <= 0:
        raise ConfigError("facility_load_mw must be finite, >= 0 and positive somewhere; got "
                          f"min={f.min()!r}, max={f.max()!r}")
    if np.any(~np.isfinite(s)) or np.any(s < 0):
        raise ConfigError(f"served_load_mw must be finite and >= 0; got min={s.min()!r}")
    over = np.flatnonzero(s > f * (1.0 + 1e-9) + 1e-12)
    if over.size:
        i = int(over[0])
        raise ConfigError(f"served_load_mw ({s[i]!r} MW in hour {i}) exceeds the nameplate facility load "
                          f"({f[i]!r} MW); the served load is nameplate x utilisation (<= 1)")
    if np.any(~np.isfinite(c)) or np.any(c <= 0):
        raise ConfigError("unit_capacity_mw must be finite and > 0 in every hour")
    return f, s, c


def _blocks(hours: int, block_hours) -> np.ndarray:
    bh = _whole(block_hours, "maintenance_block_hours")
    if bh < 1:
        raise ConfigError(f"maintenance_block_hours={block_hours!r}; expected a whole number >= 1")
    return np.append(np.arange(0, hours, bh), hours).astype(np.int64)


__all__ = ["FleetReliability", "ReliabilityDesign", "availability_by_spares", "expected_unserved_mw",
           "fleet_reliability", "k_of_n_availability_frac", "maintenance_schedule", "size_fleet_for_target",
           "size_fleets_for_target"]
