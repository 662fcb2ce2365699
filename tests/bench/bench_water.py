"""Benchmark of the water models: hourly cooling for one site-year and batch water columns.

Usage: python tests/bench/bench_water.py --json OUT.json [--sites N]
Writes the timings (seconds, best of 3) as JSON. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
import pandas as pd

from models import cooling as cl
from models.psychrometrics import weather_psychrometrics
from siting import water_budget as sw
from siting import water_context as wc
from siting.scenario import Scenario


def _year() -> pd.DataFrame:
    idx = pd.date_range("2021-01-01", periods=8760, freq="h")
    doy, hour = idx.day_of_year.to_numpy(), idx.hour.to_numpy()
    temp = 16 + 12 * np.sin(2 * np.pi * (doy - 110) / 365) + 5 * np.sin(2 * np.pi * (hour - 9) / 24)
    rh = 60 + 20 * np.sin(2 * np.pi * (hour + 3) / 24)
    return pd.DataFrame({"temp_air_degc": temp, "relative_humidity_pct": rh, "pressure_pa": 100_000.0}, index=idx)


def _best(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", required=True, help="output JSON file")
    ap.add_argument("--sites", type=int, default=100_000, help="sites for the batch-columns timing")
    args = ap.parse_args()
    w = _year()
    res = {"machine": platform.platform(), "python": platform.python_version(), "note": "shared 2-core machine, under load"}
    res["psychrometrics_8760h_s"] = _best(lambda: weather_psychrometrics(w))
    for d in cl.COOLING_DESIGNS:
        res[f"hourly_cooling_{d}_8760h_s"] = _best(lambda d=d: cl.annual_cooling(cl.hourly_cooling(w, 100.0, d), d))
    from gis_data.weather import load_weather

    tmy = load_weather("pvlib:723170TYA.CSV")
    res["site_water_8760h_s"] = _best(lambda: sw.site_water(tmy, Scenario()))  # the whole site chain (design + water)
    rng = np.random.default_rng(0)
    n = args.sites
    sites = pd.DataFrame({
        "it_load_mw": rng.uniform(50, 1000, n),
        "county_fips": [f"{i % 3000:05d}" for i in range(n)],
        "state_abbr": np.array(["TX", "LA", "TN", "AZ"])[rng.integers(0, 4, n)],
    })
    county = pd.DataFrame({"county_fips": [f"{i:05d}" for i in range(3000)],
                           "withdrawal_total_gal_per_day": rng.uniform(1e6, 1e9, 3000),
                           "withdrawal_public_supply_gal_per_day": rng.uniform(1e5, 2e8, 3000)})
    stress = pd.DataFrame({"state_abbr": ["TX", "LA", "TN", "AZ"], "bws_score": [3.1, 1.2, 1.8, 4.6]})
    cons = sites["it_load_mw"].to_numpy() * 8760 * 1000 * 0.3 / 3.785411784
    res[f"water_context_columns_{n}_sites_s"] = _best(lambda: wc.context_columns(
        cons, cons * 1.5, county_fips=sites["county_fips"].tolist(), state_abbr=sites["state_abbr"].tolist(),
        lon=np.zeros(n), lat=np.zeros(n), county_water=county, water_stress=stress), repeat=1)
    with open(args.json, "w", encoding="utf-8") as fh:
        json.dump(res, fh, indent=2)


if __name__ == "__main__":
    main()
