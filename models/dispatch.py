"""Hourly dispatch of renewables, a battery and gas units, vectorized over sites.

Merit order each hour: renewables serve the load first; a surplus charges the battery and
the rest is curtailed. A deficit is met by the battery if it can carry it alone;
otherwise the gas units run (the fewest units that carry the remainder) at no less than
their minimum stable load, the battery tops up, and any output the minimum load forces
above the deficit recharges the battery or, with no room, goes to a load bank
(``excess_mwh``). What the gas fleet cannot carry is unserved.

Every hour closes the balance

    renewable + discharge + gas + unserved = load + charge + curtailed + excess   [MWh]

Arrays are shaped (sites, hours). The battery's state of charge makes each hour depend on
the one before, so the kernel is a per-site loop over hours compiled with numba and run
in parallel over sites (about 30x the plain Python loop, :func:`dispatch_one_site_loop`,
which is kept as the reference implementation and benchmark baseline).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.errors import ConfigError

try:  # compiled per-site loops; the pure-Python kernel below gives the same numbers, slower
    import numba
except ImportError:  # pragma: no cover - numba is a declared dependency
    numba = None


@dataclass(frozen=True)
class DispatchResult:
    """Hourly dispatch, each array shaped (sites, hours) [MWh per hour].

    Attributes
    ----------
    renewable_used_mwh, curtailed_mwh, charge_mwh, discharge_mwh, gas_mwh, unserved_mwh, excess_mwh : numpy.ndarray
        Flows per hour [MWh].
    soc_mwh : numpy.ndarray
        Battery state of charge at the end of each hour [MWh].
    units_on : numpy.ndarray
        Gas units running each hour [-].
    load_mwh, renewable_mwh : numpy.ndarray
        Inputs, broadcast to (sites, hours) [MWh].
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

    def balance_error_mwh(self) -> np.ndarray:
        """Supply minus uses each hour [MWh]; zero to rounding when the dispatch is consistent."""
        supply = self.renewable_mwh + self.discharge_mwh + self.gas_mwh + self.unserved_mwh
        uses = self.load_mwh + self.charge_mwh + self.curtailed_mwh + self.excess_mwh
        return supply - uses

    def annual_totals(self) -> dict[str, np.ndarray]:
        """Sum of each flow over the hours, per site [MWh]."""
        names = ("load_mwh", "renewable_mwh", "renewable_used_mwh", "curtailed_mwh", "charge_mwh", "discharge_mwh",
                 "gas_mwh", "unserved_mwh", "excess_mwh")
        return {n: getattr(self, n).sum(axis=-1) for n in names}


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
        Gas units available, per site [-].
    gas_min_load_frac : float
        Minimum stable load of a running unit [-].
    battery_power_mw, battery_energy_mwh : float or array_like
        Battery rating per site [MW], [MWh].
    battery_round_trip_efficiency_frac : float
        Round-trip efficiency [-], split equally between charge and discharge (sqrt each).
    battery_initial_soc_frac : float
        State of charge at the start of the year [-].

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
    p_bat = _col(battery_power_mw, sites)
    e_bat = _col(battery_energy_mwh, sites)
    eta = np.sqrt(battery_round_trip_efficiency_frac)
    min_frac = float(gas_min_load_frac) if np.isfinite(gas_min_load_frac) else 0.0

    o = {k: np.empty(shape) for k in ("used", "curt", "chg", "dis", "gas", "uns", "exc", "soc", "on")}
    _dispatch_kernel(load, ren, cap, n_units, p_bat, e_bat, float(eta), min_frac, float(battery_initial_soc_frac),
                     o["used"], o["curt"], o["chg"], o["dis"], o["gas"], o["uns"], o["exc"], o["soc"], o["on"])
    return DispatchResult(
        load_mwh=load, renewable_mwh=ren, renewable_used_mwh=o["used"], curtailed_mwh=o["curt"],
        charge_mwh=o["chg"], discharge_mwh=o["dis"], gas_mwh=o["gas"], unserved_mwh=o["uns"],
        excess_mwh=o["exc"], soc_mwh=o["soc"], units_on=o["on"],
    )


def _dispatch_kernel_py(load, ren, cap, n_units, p_bat, e_bat, eta, min_frac, soc0_frac,
                        used, curt, chg, dis, gas_out, uns, exc, soc_out, on):  # pragma: no cover - numba path used
    sites, hours = load.shape
    for s in _prange(sites):
        soc = e_bat[s] * soc0_frac
        for t in range(hours):
            ld, rn, cp = load[s, t], ren[s, t], cap[s, t]
            charge = discharge = gas = unserved = excess = curtailed = 0.0
            units = 0.0
            room = (e_bat[s] - soc) / eta
            if rn >= ld:
                surplus = rn - ld
                charge = min(surplus, p_bat[s], room)
                curtailed = surplus - charge
            else:
                deficit = ld - rn
                bat_avail = min(p_bat[s], soc * eta)
                if deficit <= bat_avail:
                    discharge = deficit
                else:
                    need = deficit - bat_avail
                    units = min(np.ceil(need / cp - 1e-12), n_units[s])
                    gas = min(max(need, units * min_frac * cp), units * cp)
                    unserved = max(need - units * cp, 0.0)
                    discharge = min(max(deficit - gas - unserved, 0.0), bat_avail)
                    forced = max(gas + discharge + unserved - deficit, 0.0)
                    take = max(min(p_bat[s], room), 0.0)
                    charge = min(forced, take)
                    excess = forced - charge
            soc = min(max(soc + charge * eta - discharge / eta, 0.0), e_bat[s])
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
    _dispatch_kernel = numba.njit(parallel=True, cache=True, fastmath=False)(_dispatch_kernel_py)
else:  # pragma: no cover
    _prange = range
    _dispatch_kernel = _dispatch_kernel_py


def dispatch_one_site_loop(load_mw, renewable_mw, *, gas_unit_capacity_mw, gas_units_count, gas_min_load_frac,
                           battery_power_mw=0.0, battery_energy_mwh=0.0,
                           battery_round_trip_efficiency_frac=0.85, battery_initial_soc_frac=0.5) -> dict[str, list]:
    """The same merit order as :func:`dispatch`, one site, plain Python per hour.

    A straightforward reference implementation: the benchmark's baseline and an
    independent check of the vectorized code. Returns lists of hourly flows [MWh].
    """
    eta = battery_round_trip_efficiency_frac ** 0.5
    hours = len(load_mw)
    caps = gas_unit_capacity_mw if hasattr(gas_unit_capacity_mw, "__len__") else [gas_unit_capacity_mw] * hours
    soc = battery_energy_mwh * battery_initial_soc_frac
    res = {k: [] for k in ("curt", "chg", "dis", "gas", "uns", "exc", "soc", "on")}
    for t in range(hours):
        load, ren, cap = float(load_mw[t]), float(renewable_mw[t]), float(caps[t])
        charge = discharge = gas = unserved = excess = curtailed = 0.0
        units = 0.0
        room = (battery_energy_mwh - soc) / eta
        if ren >= load:
            surplus = ren - load
            charge = min(surplus, battery_power_mw, room)
            curtailed = surplus - charge
        else:
            deficit = load - ren
            bat_avail = min(battery_power_mw, soc * eta)
            if deficit <= bat_avail:
                discharge = deficit
            else:
                need = deficit - bat_avail
                units = min(float(np.ceil(need / cap - 1e-12)), float(gas_units_count))
                gas = min(max(need, units * gas_min_load_frac * cap), units * cap)
                unserved = max(need - units * cap, 0.0)
                discharge = min(max(deficit - gas - unserved, 0.0), bat_avail)
                forced = max(gas + discharge + unserved - deficit, 0.0)
                take = max(min(battery_power_mw, room), 0.0)
                charge = min(forced, take)
                excess = forced - charge
        soc = min(max(soc + charge * eta - discharge / eta, 0.0), battery_energy_mwh)
        for k, v in (("curt", curtailed), ("chg", charge), ("dis", discharge), ("gas", gas), ("uns", unserved),
                     ("exc", excess), ("soc", soc), ("on", units)):
            res[k].append(v)
    return res
