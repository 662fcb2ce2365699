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
distinct stations, dispatch rows and capacity LPs. Sharing work changes no number (the
site chain's tests show it bit for bit), so no sharing error is measured; instead
``pv_at_site_position`` measures the one approximation of place the chain makes: a seeded
sample of designed sites is re-designed with the sun at the site's own position on its
station's irradiance, and the relative LCOE difference of each option and of the
recommended one is reported (maximum, median), with the sample's distances to their
station. Not collected by pytest.
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
from siting.designs import design_sites
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


def pv_position_effect(scored, designs, layers, scenario: Scenario, *, sample: int, seed: int) -> pd.DataFrame:
    """Re-design sampled sites with the PV sun position at the site (irradiance still the station's)."""
    import dataclasses

    from siting.chain.climate import climate_of
    from siting.chain.resolved import resolve
    from siting.chain.site import design_site
    from siting.site import climates_for, inputs_from_table

    done = designs[designs["design_note"].fillna("").str.startswith("designed")]
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(done), size=min(sample, len(done)), replace=False))
    rows = scored.loc[done.index[pick]]
    resolved = resolve(scenario)
    inputs = inputs_from_table(rows, layers, scenario)
    climates = climates_for(inputs.station_id, layers, resolved)
    out = []
    for i in range(len(rows)):
        base = climates[inputs.station_id[i]]
        moved = dataclasses.replace(base.station, latitude_deg=float(inputs.latitude_deg[i]),
                                    longitude_deg=float(inputs.longitude_deg[i]))
        # every per-site field sliced to site i (optional fields left None stay None)
        one = dataclasses.replace(inputs, **{f.name: getattr(inputs, f.name)[i:i + 1]
                                             for f in dataclasses.fields(inputs) if getattr(inputs, f.name) is not None})
        p = design_site(climate_of(moved, resolved), resolved, one).power
        d = done.iloc[pick[i]]
        rec = {"site_id": d["site_id"], "distance_to_weather_station_km": float(rows.iloc[i]["distance_to_weather_station_km"])}
        for o in OPTIONS:
            rec[f"{o}_lcoe_rel_diff"] = (float(d[f"{o}_lcoe_usd_per_mwh"]) - p.option(o).lcoe_usd_per_mwh) / p.option(o).lcoe_usd_per_mwh
        r = p.recommended
        rec["same_option"] = r == d["design_option"]
        rec["recommended_lcoe_rel_diff"] = ((float(d["design_lcoe_usd_per_mwh"]) - p.option(r).lcoe_usd_per_mwh)
                                            / p.option(r).lcoe_usd_per_mwh) if r in OPTIONS else np.nan
        out.append(rec)
    return pd.DataFrame(out)


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
    t1 = time.perf_counter()
    cmp = pv_position_effect(scored, designs, layers, scenario, sample=sample, seed=seed)
    entry["pv_at_site_position"] = {
        "sample_sites": len(cmp),
        "sample_distance_to_weather_station_km": _stats(cmp["distance_to_weather_station_km"]),
        "recommended_lcoe_rel_diff": _stats(cmp["recommended_lcoe_rel_diff"]),
        "same_recommended_option_frac": float(cmp["same_option"].mean()),
        **{f"{o}_lcoe_rel_diff": _stats(cmp[f"{o}_lcoe_rel_diff"]) for o in OPTIONS},
        "seconds": time.perf_counter() - t1,
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
