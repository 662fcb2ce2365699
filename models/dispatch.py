"""Hourly dispatch of renewables, a battery and gas units, vectorized over sites.

Merit order each hour: renewables serve the load first; a surplus charges the battery and
the rest is curtailed. A deficit is met by the battery if it can carry it alone;
otherwise the gas units run (the fewest units that carry the remainder) at no less than
their minimum stable load, the battery tops up, and any output the minimum load forces
above the deficit recharges the battery, else displaces renewables (curtailed), else goes
to a load bank (``excess_mwh``). What the gas fleet cannot carry is unserved.

Unit commitment keeps spinning reserve for the loss of the largest online unit(s): when
gas units run, more units are committed (up to those installed and not on planned
maintenance) until the online headroom - the running units' spare capacity plus the
battery's unused discharge power - covers ``reserve_units`` units' capacity (identical
units, so the largest online unit is any one). The headroom held is ``reserve_mw``; hours
where it could not be held (all available units already online, or load unserved) are
flagged in ``reserve_short``. Hours with no gas unit online need no gas-unit reserve.

Forced outages: every installed unit not on planned maintenance is independently on
forced outage with probability q (``gas_forced_outage_rate_frac``), so the units
available are X ~ Binomial(units - maintenance, 1 - q) - standby units start to replace a
tripped unit, which the reserve bridges. ``expected_unserved_mwh`` is the exact
expectation E[max(G - X capacity, 0)] of each hour's shortfall against the net load on the
gas fleet G = load - renewables used directly - battery discharge (the binomial sum, no
Monte Carlo; it includes the deterministic ``unserved_mwh``). The battery's discharge is
already in G; its remaining power is not counted against a forced outage, which lasts far
longer than the hour (mean time to repair ~48 h for gas turbines, NREL ReEDS-2.0
``pcm_defaults.json``), and the battery's state of charge follows the dispatch without
outages (the expected shortfall is small against it).

Renewable energy delivered to the load: renewables used directly (``min(renewable - curtailed,
load)``) plus the battery discharge attributable to renewable charging
(``renewable_discharge_mwh``). The battery's stored energy is tracked by origin
(renewable charging vs gas output forced above the load; the initial charge counts as
not renewable) and each discharge draws both in proportion (pro rata), so round-trip
losses fall on renewables in proportion to what they stored. Renewable delivered is at
most the load each hour, so renewable delivered / load <= 1 (``renewable_used_mwh``, the
renewable energy taken = direct use + charging, is kept for callers and can exceed the
energy delivered).

Every hour closes the balance

    renewable + discharge + gas + unserved = load + charge + curtailed + excess   [MWh]

Arrays are shaped (sites, hours). The battery's state of charge makes each hour depend on
the one before, so the kernel is a per-site loop over hours compiled with numba and run
in parallel over sites (about 30x the plain Python loop, :func:`dispatch_one_site_loop`,
which is kept as the reference implementation and benchmark baseline).

References
----------
Billinton, R. and Allan, R. N., *Reliability Evaluation of Power Systems*, 2nd ed.
(Plenum, 1996), ch. 2 (binomial capacity outage probabilities, expected energy not served).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from models.errors import ConfigError

try:  # compiled per-site loops; the pure-Python kernel below gives the same numbers, slower
    import numba
except ImportError:  # pragma: no cover - numba is a declared dependency
    numba = None

from models.reliability import _binom_cumulative


@dataclass(frozen=True)
class DispatchResult:
    """Hourly dispatch, each array shaped (sites, hours) [MWh per hour].

    Attributes
    ----------
    renewable_used_mwh, curtailed_mwh, charge_mwh, discharge_mwh, gas_mwh, unserved_mwh, excess_mwh : numpy.ndarray
        Flows per hour [MWh]. ``renewable_used_mwh`` is renewable energy taken (direct use
        plus battery charging); ``unserved_mwh`` the shortfall with every unit not on
        maintenance available.
    soc_mwh : numpy.ndarray
        Battery state of charge at the end of each hour [MWh].
    units_on : numpy.ndarray
        Gas units running each hour [-].
    load_mwh, renewable_mwh : numpy.ndarray
        Inputs, broadcast to (sites, hours) [MWh].
    reserve_mw : numpy.ndarray
        Online headroom held each hour: running units' spare capacity plus the battery's
        unused discharge power [MW].
    reserve_short : numpy.ndarray of bool
        Hours where gas units ran but the headroom was below ``reserve_units`` units'
        capacity, or load went unserved [-].
    expected_unserved_mwh : numpy.ndarray
        Expected shortfall over forced outages (binomial, exact) [MWh].
    renewable_discharge_mwh : numpy.ndarray
        Battery discharge attributable to renewable charging [MWh].
    """

    load_mwh: np.ndarray
    renewable_mwh: np.ndarray
    renewable_used_mwh: np.ndarray
    curtailed_mwh: np.ndarray
    charge_mwh: np.ndarray
    discharge_mwh: np.ndarray
    gas_mwh: np.ndarray
    unserved_mwh: np.ndarray
    excess_mwh: np.ndarray
    soc_mwh: np.ndarray
    units_on: np.ndarray
    reserve_mw: np.ndarray
    reserve_short: np.ndarray
    expected_unserved_mwh: np.ndarray
    renewable_discharge_mwh: np.ndarray

    @property
    def renewable_direct_mwh(self) -> np.ndarray:
        """Renewable energy serving the load directly, min(renewable - curtailed, load) [MWh]."""
        return np.minimum(self.renewable_mwh - self.curtailed_mwh, self.load_mwh)

    @property
    def renewable_delivered_mwh(self) -> np.ndarray:
        """Renewable energy delivered to the load: direct use + renewable battery discharge [MWh], <= load."""
        return self.renewable_direct_mwh + self.renewable_discharge_mwh

    def balance_error_mwh(self) -> np.ndarray:
        """Supply minus uses each hour [MWh]; zero to rounding when the dispatch is consistent."""
        supply = self.renewable_mwh + self.discharge_mwh + self.gas_mwh + self.unserved_mwh
        uses = self.load_mwh + self.charge_mwh + self.curtailed_mwh + self.excess_mwh
        return supply - uses

    def annual_totals(self) -> dict[str, np.ndarray]:
        """Sum of each flow over the hours, per site [MWh]; ``reserve_short_hours`` [h].

        ``renewable_delivered_mwh / load_mwh`` is the renewable fraction of the load (<= 1).
        """
        names = ("load_mwh", "renewable_mwh", "renewable_used_mwh", "curtailed_mwh", "charge_mwh", "discharge_mwh",
                 "gas_mwh", "unserved_mwh", "excess_mwh", "expected_unserved_mwh", "renewable_discharge_mwh",
                 "renewable_direct_mwh", "renewable_delivered_mwh")
        out = {n: getattr(self, n).sum(axis=-1) for n in names}
        out["reserve_short_hours"] = self.reserve_short.sum(axis=-1).astype(float)
        return out


def _col(x, sites: int) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return np.broadcast_to(a.reshape(-1) if a.ndim else a, (sites,)).astype(float)


def dispatch(
    load_mw,
    renewable_mw,
    *,
    gas_unit_capacity_mw,
    gas_units_count,
    gas_min_load_frac: float,
    battery_power_mw=0.0,
    battery_energy_mwh=0.0,
    battery_round_trip_efficiency_frac: float = 0.85,
    battery_initial_soc_frac: float = 0.5,
    gas_forced_outage_rate_frac=0.0,
    gas_units_on_maintenance=None,
    reserve_units: int = 1,
) -> DispatchResult:
    """Dispatch a year of hours for many sites at once.

    Parameters
    ----------
    load_mw : array_like
        Facility load, (sites, hours) or broadcastable [MW].
    renewable_mw : array_like
        Available renewable output (PV + wind), (sites, hours) or broadcastable [MW].
    gas_unit_capacity_mw : array_like
        Available capacity of one gas unit each hour (derated), broadcastable to (sites, hours) [MW].
    gas_units_count : int or array_like
        Gas units installed, per site [-].
    gas_min_load_frac : float
        Minimum stable load of a running unit [-].
    battery_power_mw, battery_energy_mwh : float or array_like
        Battery rating per site [MW], [MWh].
    battery_round_trip_efficiency_frac : float
        Round-trip efficiency [-], split equally between charge and discharge (sqrt each).
    battery_initial_soc_frac : float
        State of charge at the start of the year [-].
    gas_forced_outage_rate_frac : float or array_like
        Forced-outage probability q of each unit, per site [-] (the catalog's
        ``forced_outage_rate_frac``); 0 makes the expected unserved energy the deterministic one.
    gas_units_on_maintenance : array_like of int, optional
        Units on planned maintenance each hour, broadcastable to (sites, hours) [-]
        (:func:`models.reliability.maintenance_schedule`); default none.
    reserve_units : int
        Units whose loss the online headroom must cover when gas runs [-]; 0 commits the
        fewest units (no reserve).

    Returns
    -------
    DispatchResult
    """
    load = np.asarray(load_mw, dtype=float)
    ren = np.asarray(renewable_mw, dtype=float)
    shape = np.broadcast_shapes(load.shape, ren.shape, np.shape(gas_unit_capacity_mw))
    if len(shape) == 1:
        shape = (1, shape[0])
    if len(shape) != 2:
        raise ConfigError(f"dispatch arrays must be (sites, hours); got shape {shape}")
    sites, hours = shape
    load = np.ascontiguousarray(np.broadcast_to(load, shape))
    ren = np.ascontiguousarray(np.broadcast_to(ren, shape))
    cap = np.ascontiguousarray(np.broadcast_to(np.asarray(gas_unit_capacity_mw, dtype=float), shape))
    if np.any(load < 0) or np.any(ren < 0) or np.any(cap <= 0):
        raise ConfigError("load_mw and renewable_mw must be >= 0 and gas_unit_capacity_mw > 0")
    if not 0.0 < battery_round_trip_efficiency_frac <= 1.0:
        raise ConfigError(f"battery_round_trip_efficiency_frac={battery_round_trip_efficiency_frac!r}; expected (0, 1]")
    n_units = _col(gas_units_count, sites)
    if np.any(n_units < 0) or np.any(n_units != np.floor(n_units)):
        raise ConfigError(f"gas_units_count must be whole numbers >= 0; got {gas_units_count!r}")
    p_bat = _col(battery_power_mw, sites)
    e_bat = _col(battery_energy_mwh, sites)
    q = _col(gas_forced_outage_rate_frac, sites)
    if np.any(~np.isfinite(q)) or np.any(q < 0) or np.any(q >= 1):
        raise ConfigError(f"gas_forced_outage_rate_frac={gas_forced_outage_rate_frac!r}; expected 0 <= q < 1 "
                          "(the catalog's forced_outage_rate_frac)")
    if isinstance(reserve_units, bool) or int(reserve_units) != reserve_units or reserve_units < 0:
        raise ConfigError(f"reserve_units={reserve_units!r}; expected a whole number of units >= 0")
    if gas_units_on_maintenance is None:
        maint = np.zeros((1, 1), dtype=np.int64)
    else:
        maint = np.ascontiguousarray(np.broadcast_to(np.asarray(gas_units_on_maintenance), shape), dtype=np.int64)
        if np.any(maint < 0):
            raise ConfigError("gas_units_on_maintenance must be >= 0 units in every hour")
    eta = np.sqrt(battery_round_trip_efficiency_frac)
    min_frac = float(gas_min_load_frac) if np.isfinite(gas_min_load_frac) else 0.0

    o = {k: np.empty(shape) for k in ("used", "curt", "chg", "dis", "gas", "uns", "exc", "soc", "on", "res", "eue",
                                      "rdis")}
    short = np.zeros(shape, dtype=np.bool_)
    _dispatch_kernel(load, ren, cap, n_units, p_bat, e_bat, float(eta), min_frac, float(battery_initial_soc_frac),
                     q, maint, gas_units_on_maintenance is not None, int(reserve_units),
                     o["used"], o["curt"], o["chg"], o["dis"], o["gas"], o["uns"], o["exc"], o["soc"], o["on"],
                     o["res"], short, o["eue"], o["rdis"])
    return DispatchResult(
        load_mwh=load, renewable_mwh=ren, renewable_used_mwh=o["used"], curtailed_mwh=o["curt"],
        charge_mwh=o["chg"], discharge_mwh=o["dis"], gas_mwh=o["gas"], unserved_mwh=o["uns"],
        excess_mwh=o["exc"], soc_mwh=o["soc"], units_on=o["on"], reserve_mw=o["res"], reserve_short=short,
        expected_unserved_mwh=o["eue"], renewable_discharge_mwh=o["rdis"],
    )


def _commit_py(units, need, deficit, cp, min_frac, bat_avail, p_bat, room):
    """(gas, unserved, discharge, charge, excess) when ``units`` units run [MWh]."""
    gas = min(max(need, units * min_frac * cp), units * cp)
    unserved = max(need - units * cp, 0.0)
    discharge = min(max(deficit - gas - unserved, 0.0), bat_avail)
    forced = max(gas + discharge + unserved - deficit, 0.0)
    charge = min(forced, max(min(p_bat, room), 0.0))
    return gas, unserved, discharge, charge, forced - charge


def _dispatch_kernel_py(load, ren, cap, n_units, p_bat, e_bat, eta, min_frac, soc0_frac, q, maint, has_maint,
                        reserve_units, used, curt, chg, dis, gas_out, uns, exc, soc_out, on, reserve, short, eue,
                        ren_dis):  # pragma: no cover - numba path used
    sites, hours = load.shape
    for s in _prange(sites):
        n_inst = int(n_units[s])
        m_max = 0
        if has_maint:
            for t in range(hours):
                if maint[s, t] > m_max:
                    m_max = maint[s, t]
        if m_max > n_inst:
            m_max = n_inst
        cdf = np.zeros((m_max + 1, n_inst + 1))
        mom = np.zeros((m_max + 1, n_inst + 1))
        for m in range(m_max + 1):
            _binom_cumulative(n_inst - m, q[s], cdf[m], mom[m])
        q_pos = q[s] > 0.0  # q = 0: the expected shortfall is the deterministic one
        soc = e_bat[s] * soc0_frac
        soc_ren = 0.0
        for t in range(hours):
            ld, rn, cp = load[s, t], ren[s, t], cap[s, t]
            m = 0
            if has_maint:
                m = maint[s, t]
                if m > n_inst:
                    m = n_inst
            avail = n_inst - m
            charge = discharge = gas = unserved = excess = curtailed = 0.0
            units = 0.0
            ren_charge = 0.0
            room = (e_bat[s] - soc) / eta
            bat_avail = min(p_bat[s], soc * eta)
            if rn >= ld:
                surplus = rn - ld
                charge = min(surplus, p_bat[s], room)
                ren_charge = charge
                curtailed = surplus - charge
            else:
                deficit = ld - rn
                if deficit <= bat_avail:
                    discharge = deficit
                else:
                    need = deficit - bat_avail
                    units = min(np.ceil(need / cp - 1e-12), float(avail))
                    if reserve_units > 0 and units > 0:
                        # headroom with u units is at most u cp + battery - deficit (equal unless the minimum load
                        # forces output above the deficit), so no fleet below this one holds the reserve
                        units = min(max(units, np.ceil(need / cp + reserve_units - 1e-9)), float(avail))
                    gas, unserved, discharge, charge, excess = _commit(units, need, deficit, cp, min_frac, bat_avail,
                                                                       p_bat[s], room)
                    if reserve_units > 0 and units > 0:
                        want = reserve_units * cp - 1e-9
                        while units < avail and units * cp - gas + bat_avail - discharge < want:
                            units += 1.0
                            gas, unserved, discharge, charge, excess = _commit(units, need, deficit, cp, min_frac,
                                                                               bat_avail, p_bat[s], room)
                    if excess > 0.0:  # the units' minimum load displaces renewables before a load bank
                        curtailed = min(excess, rn)
                        excess -= curtailed
            head = units * cp - gas + max(bat_avail - discharge, 0.0)
            reserve[s, t] = head
            short[s, t] = unserved > 0.0 or (reserve_units > 0 and units > 0 and head < reserve_units * cp - 1e-9)
            # expected shortfall of the net load on gas over forced outages of the available units
            e = unserved
            g = ld - rn - discharge
            if q_pos and g > 0.0:
                j = int(math.ceil(g / cp - 1e-9)) - 1
                if j > avail:
                    j = avail
                if j >= 0:
                    e = max(g * cdf[m, j] - cp * mom[m, j], unserved)
            eue[s, t] = e
            # battery energy by origin: renewable charging vs forced gas output; discharge pro rata
            rd = 0.0
            if discharge > 0.0 and soc > 0.0:
                share = min(max(soc_ren / soc, 0.0), 1.0)
                rd = discharge * share
                soc_ren -= discharge / eta * share
            soc_ren += ren_charge * eta
            soc = min(max(soc + charge * eta - discharge / eta, 0.0), e_bat[s])
            soc_ren = min(max(soc_ren, 0.0), soc)
            ren_dis[s, t] = rd
            used[s, t] = rn - curtailed
            curt[s, t] = curtailed
            chg[s, t] = charge
            dis[s, t] = discharge
            gas_out[s, t] = gas
            uns[s, t] = unserved
            exc[s, t] = excess
            soc_out[s, t] = soc
            on[s, t] = units


if numba is not None:
    _prange = numba.prange
    _commit = numba.njit(cache=True)(_commit_py)
    _dispatch_kernel = numba.njit(parallel=True, cache=True, fastmath=False)(_dispatch_kernel_py)
else:  # pragma: no cover
    _prange = range
    _commit = _commit_py
    _dispatch_kernel = _dispatch_kernel_py


def dispatch_one_site_loop(load_mw, renewable_mw, *, gas_unit_capacity_mw, gas_units_count, gas_min_load_frac,
                           battery_power_mw=0.0, battery_energy_mwh=0.0,
                           battery_round_trip_efficiency_frac=0.85, battery_initial_soc_frac=0.5,
                           gas_forced_outage_rate_frac=0.0, gas_units_on_maintenance=None,
                           reserve_units=1) -> dict[str, list]:
    """The same merit order as :func:`dispatch`, one site, plain Python per hour.

    A straightforward reference implementation: the benchmark's baseline and an
    independent check of the vectorized code (the expected shortfall here sums
    :func:`scipy.stats.binom.pmf` terms directly). Returns lists of hourly flows [MWh]
    (``res``: reserve [MW]; ``short``: reserve not held; ``eue``: expected unserved;
    ``rdis``: renewable battery discharge).
    """
    from scipy.stats import binom

    eta = battery_round_trip_efficiency_frac ** 0.5
    hours = len(load_mw)
    caps = gas_unit_capacity_mw if hasattr(gas_unit_capacity_mw, "__len__") else [gas_unit_capacity_mw] * hours
    maint = gas_units_on_maintenance if gas_units_on_maintenance is not None else [0] * hours
    n_inst = int(gas_units_count)
    soc = battery_energy_mwh * battery_initial_soc_frac
    soc_ren = 0.0
    pmfs: dict[int, np.ndarray] = {}  # binomial pmf of the units available, by their number
    res = {k: [] for k in ("curt", "chg", "dis", "gas", "uns", "exc", "soc", "on", "res", "short", "eue", "rdis")}
    for t in range(hours):
        load, ren, cap = float(load_mw[t]), float(renewable_mw[t]), float(caps[t])
        avail = n_inst - min(int(maint[t]), n_inst)
        charge = discharge = gas = unserved = excess = curtailed = 0.0
        units = 0.0
        ren_charge = 0.0
        room = (battery_energy_mwh - soc) / eta
        bat_avail = min(battery_power_mw, soc * eta)

        def commit(u, need, deficit):
            return _commit_py(u, need, deficit, cap, gas_min_load_frac, bat_avail, battery_power_mw, room)

        if ren >= load:
            surplus = ren - load
            charge = min(surplus, battery_power_mw, room)
            ren_charge = charge
            curtailed = surplus - charge
        else:
            deficit = load - ren
            if deficit <= bat_avail:
                discharge = deficit
            else:
                need = deficit - bat_avail
                units = min(float(np.ceil(need / cap - 1e-12)), float(avail))
                gas, unserved, discharge, charge, excess = commit(units, need, deficit)
                while (reserve_units > 0 and 0 < units < avail
                       and units * cap - gas + bat_avail - discharge < reserve_units * cap - 1e-9):
                    units += 1.0
                    gas, unserved, discharge, charge, excess = commit(units, need, deficit)
                if excess > 0.0:  # the units' minimum load displaces renewables before a load bank
                    curtailed = min(excess, ren)
                    excess -= curtailed
        head = units * cap - gas + max(bat_avail - discharge, 0.0)
        is_short = unserved > 0.0 or (reserve_units > 0 and units > 0 and head < reserve_units * cap - 1e-9)
        g_net = load - ren - discharge
        e = 0.0
        if g_net > 0.0:
            if avail not in pmfs:
                pmfs[avail] = binom.pmf(np.arange(avail + 1), avail, 1.0 - gas_forced_outage_rate_frac)
            j = np.arange(avail + 1)
            e = max(float((pmfs[avail] * np.maximum(g_net - j * cap, 0.0)).sum()), unserved)
        rd = 0.0
        if discharge > 0.0 and soc > 0.0:
            share = min(max(soc_ren / soc, 0.0), 1.0)
            rd = discharge * share
            soc_ren -= discharge / eta * share
        soc_ren += ren_charge * eta
        soc = min(max(soc + charge * eta - discharge / eta, 0.0), battery_energy_mwh)
        soc_ren = min(max(soc_ren, 0.0), soc)
        for k, v in (("curt", curtailed), ("chg", charge), ("dis", discharge), ("gas", gas), ("uns", unserved),
                     ("exc", excess), ("soc", soc), ("on", units), ("res", head), ("short", is_short), ("eue", e),
                     ("rdis", rd)):
            res[k].append(v)
    return res
