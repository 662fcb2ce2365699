"""Benchmark of the hourly dispatch: full-year gas + PV + battery, site-years per second.

Usage: python tests/bench/bench_dispatch.py --json OUT.json [--sites N] [--baseline-sites M]

``throughput_per_s`` is the vectorized :func:`models.dispatch.dispatch` over N sites at once;
``baseline_throughput_per_s`` is the straightforward per-hour Python loop
(:func:`models.dispatch.dispatch_one_site_loop`) over M sites, in the same run. Both dispatch
the same synthetic sites (PV profiles scaled from a clear-sky-like daily shape, random
battery and fleet sizes). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from models import dispatch as dp


def _sites(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    t = np.arange(8760)
    day = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None) * (0.7 + 0.3 * np.cos(2 * np.pi * (t / 8760 - 0.47)))
    load = rng.uniform(50, 1000, (n, 1)) * np.ones((1, 8760))
    pv = day[None, :] * rng.uniform(0.0, 2.5, (n, 1)) * load[:, :1]
    cap = 40.0 * (1.0 - 0.1 * rng.random((n, 8760)))
    units = np.ceil(load[:, 0] / 36.0) + 1
    p_bat = rng.uniform(0, 0.5, n) * load[:, 0]
    return load, pv, cap, units, p_bat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", required=True, help="output JSON file")
    ap.add_argument("--sites", type=int, default=1000, help="sites dispatched at once (vectorized)")
    ap.add_argument("--baseline-sites", type=int, default=3, help="sites run through the per-hour Python loop")
    args = ap.parse_args()
    load, pv, cap, units, p_bat = _sites(args.sites)
    t0 = time.perf_counter()
    dp.dispatch(load[:1, :48], pv[:1, :48], gas_unit_capacity_mw=40.0, gas_units_count=1, gas_min_load_frac=0.4)
    warmup_s = time.perf_counter() - t0  # numba compile (or cache load), excluded from the throughput
    t0 = time.perf_counter()
    r = dp.dispatch(load, pv, gas_unit_capacity_mw=cap, gas_units_count=units, gas_min_load_frac=0.4,
                    battery_power_mw=p_bat, battery_energy_mwh=4 * p_bat)
    vec_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for s in range(args.baseline_sites):
        dp.dispatch_one_site_loop(load[s], pv[s], gas_unit_capacity_mw=cap[s], gas_units_count=units[s],
                                  gas_min_load_frac=0.4, battery_power_mw=p_bat[s], battery_energy_mwh=4 * p_bat[s])
    loop_s = time.perf_counter() - t0
    res = {
        "machine": platform.platform(), "python": platform.python_version(),
        "note": "shared 2-core machine under load from other engineers; single process",
        "warmup_compile_s": warmup_s, "sites": args.sites, "vectorized_s": vec_s, "throughput_per_s": args.sites / vec_s,
        "baseline_sites": args.baseline_sites, "baseline_s": loop_s,
        "baseline_throughput_per_s": args.baseline_sites / loop_s,
        "max_abs_balance_error_mwh": float(np.abs(r.balance_error_mwh()).max()),
    }
    with open(args.json, "w", encoding="utf-8") as fh:
        json.dump(res, fh, indent=2)


if __name__ == "__main__":
    main()
