"""Benchmark of full hourly designs for the top sites of a batch (issue #6: >= 10^4 sites in <= 60 s).

Usage::

    python tests/bench/bench_designs.py --layers FILE_OR_DIR [--sites 1e4] [--sample 40] --json OUT.json

N seeded points uniform over the contiguous US (inside the Census states layer) are scored
with :func:`siting.batch.score_sites` (``explain=False``); then
:func:`siting.designs.design_sites` gives the best N of them (all valid ones) their full
hourly designs, timed, once per scenario: the default scenario (no gas-share cap: the LP
builds no renewables at these prices) and one with ``max_gas_share_frac`` (default 0.6)
where the capacity LP matters. For each it writes ``seconds``, ``sites_per_second``,
``peak_rss_mb`` (resident memory sampled every 20 ms during the design run), the
distinct stations, dispatch rows and shared LPs, and the error of sharing the LP: a seeded
sample of designed sites (stratified over nonattainment status and elevation tercile) is
re-designed one by one with :func:`siting.power.design_power` (own elevation, class, grid
wait and LP), and the maximum and median relative LCOE difference of each option and of
the chosen option are reported twice: with the station's PV profile as the batch uses
(``lp_sharing_error``: the shared LP alone) and with PV at the site's own position as the
site report does (``error_vs_design_power_at_site_position``).
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.layerset import LayerSet
from siting.batch import score_sites
from siting.designs import compare_with_design_power, design_sites
from siting.power import OPTIONS
from siting.scenario import Scenario

from _benchutil import PeakRSS, random_conus_points

def random_sites(states: gpd.GeoDataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` seeded points uniform (by area) over the CONUS states, as a lat/lon site table."""
    pts = random_conus_points(states, n, seed)
    return pd.DataFrame({"site_id": [f"b{i:07d}" for i in range(n)], "lat": pts.y.to_numpy(), "lon": pts.x.to_numpy()})


def _stats(values) -> dict:
    a = np.abs(np.asarray(values, dtype=float))
    a = a[np.isfinite(a)]
    return {"max": float(a.max()) if a.size else None, "median": float(np.median(a)) if a.size else None}


def run(scored, layers, scenario: Scenario, top: int, sample: int, seed: int) -> dict:
    with PeakRSS() as peak:
        t0 = time.perf_counter()
        designs = design_sites(scored, layers, scenario, top=top, progress=False)
        seconds = time.perf_counter() - t0
    summary = designs.attrs["design_summary"]
    entry = {
        "scenario": {k: v for k, v in scenario.to_dict().items() if k in ("max_gas_share_frac", "it_load_mw",
                                                                            "prime_mover", "fuel_price_usd_per_mmbtu")},
        "sites_designed": summary["designed"],
        "seconds": seconds,
        "sites_per_second": summary["designed"] / seconds if seconds > 0 else None,
        "peak_rss_mb": peak.peak / 2**20,
        "stations": summary["stations"],
        "dispatch_rows": summary["dispatch_rows"],
        "lp_groups": summary["lp_groups"],
        "chosen_options": designs["design_option"].value_counts().to_dict(),
    }
    # the shared LP alone (single-site designs with the station's PV profile, as the batch), then the shared LP
    # plus the station-position PV profile (single-site designs at the site's own position, as the site report)
    for key, at_site in (("lp_sharing_error", False), ("error_vs_design_power_at_site_position", True)):
        t1 = time.perf_counter()
        cmp = compare_with_design_power(scored, designs, layers, scenario, sample=sample, seed=seed,
                                        site_position=at_site)
        entry[key] = {
            "sample_sites": len(cmp),
            "sample_altitude_m": _stats(cmp["altitude_m"]) | {"min": float(cmp["altitude_m"].min())},
            "sample_nonattainment_status": cmp["nonattainment_status"].value_counts().to_dict(),
            "sample_distance_to_weather_station_km": _stats(cmp["distance_to_weather_station_km"]),
            "chosen_lcoe_rel_diff": _stats(cmp["chosen_lcoe_rel_diff"]),
            "same_chosen_option_frac": float(cmp["same_option"].mean()),
            **{f"{o}_lcoe_rel_diff": _stats(cmp[f"{o}_lcoe_rel_diff"]) for o in OPTIONS},
            "seconds_for_single_site_designs": time.perf_counter() - t1,
        }
    return entry


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layers", required=True, type=Path, help="layer-set TOML (siting data scan ... --out FILE)")
    ap.add_argument("--sites", default="1e4", help="number of sites to score and design (default 1e4)")
    ap.add_argument("--sample", type=int, default=40, help="sites re-designed one by one to measure the LP error")
    ap.add_argument("--capped-gas-share", type=float, default=0.6,
                    help="max_gas_share_frac of the second scenario (default 0.6)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", required=True, type=Path, help="output JSON file")
    args = ap.parse_args()
    n = int(float(args.sites))
    layers = LayerSet.from_path(args.layers)
    sites = random_sites(layers.load("states"), n, seed=args.seed)
    res = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "note": "shared 2-core machine: figures measured under load from other work"},
           "sites": n, "layers": str(args.layers)}
    scenarios = {"default": Scenario(), "capped_gas_share": Scenario(max_gas_share_frac=args.capped_gas_share)}
    for name, scenario in scenarios.items():
        t0 = time.perf_counter()
        scored = score_sites(sites, layers, scenario, explain=False, progress=False)
        score_s = time.perf_counter() - t0
        valid = int((scored["error"] == "").sum())
        entry = run(scored, layers, scenario, n, args.sample, args.seed)
        entry["score_sites_seconds"] = score_s
        entry["scored_valid_sites"] = valid
        res[name] = entry
        print(json.dumps({name: entry}, default=str), flush=True)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2, default=str))
    args.json.write_text(json.dumps(res, indent=2, default=str))


if __name__ == "__main__":
    main()
