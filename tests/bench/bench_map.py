"""Benchmark of the interactive site map: render time, file size and load time in headless Chromium.

Usage: python tests/bench/bench_map.py --json OUT.json [--sites 100000] [--chromium PATH]
Builds N random scored sites (plus a small context layer set), renders the map with
maps.sitemap.render_map, then opens it from file:// in headless Chromium with every
http(s) request blocked and records:

- render_s: Python time to build the HTML (best of 2) [s]
- html_mb: page size [MB]
- load_ms: time from navigation start until the map script has drawn every site
  (performance.now() when the page flags itself ready) [ms], median of 3 loads
- search_popup_ms: search by name, recentre and open the popup [ms]
- zoom_redraw_ms: one zoom step with all sites redrawn on the canvas [ms]

The same is measured for N/10 sites, to show how load time scales. Figures are from a
shared 2-core machine under load. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from maps.sitemap import render_map

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def _sites(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "site_id": [f"site-{i:07d}" for i in range(n)], "name": [f"Site {i}" for i in range(n)],
        "score_total": rng.random(n), "score_grid": rng.random(n), "score_gas": rng.random(n),
        "score_water": rng.random(n), "score_air": rng.random(n), "rank": np.arange(1, n + 1),
        "distance_to_substation_km": rng.random(n) * 30, "distance_to_pipeline_km": rng.random(n) * 30,
        "total_water_consumption_gal_per_yr": rng.random(n) * 5e8,
    })
    # Spread over the contiguous US.
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(rng.uniform(-124, -67, n), rng.uniform(25, 49, n)),
                            crs="EPSG:4326")


def _layers() -> dict:
    rng = np.random.default_rng(1)
    lines = [LineString(np.column_stack([np.linspace(x, x + 5, 20), y + rng.normal(0, 0.2, 20)]))
             for x, y in zip(rng.uniform(-124, -72, 300), rng.uniform(25, 49, 300))]
    tx = gpd.GeoDataFrame({"voltage_kv": rng.choice([115.0, 230.0, 345.0, 500.0], 300), "owner": "o", "status": "s"},
                          geometry=lines, crs="EPSG:4326")
    subs = gpd.GeoDataFrame({"name": [f"s{i}" for i in range(2000)], "max_voltage_kv": 230.0, "status": "s"},
                            geometry=[Point(x, y) for x, y in zip(rng.uniform(-124, -67, 2000),
                                                                   rng.uniform(25, 49, 2000))], crs="EPSG:4326")
    return {"transmission": tx, "substations": subs}


def _measure(path: Path, chromium: str, n: int) -> dict:
    from playwright.sync_api import sync_playwright

    loads, search, zoom = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(3):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("http://**", lambda r: r.abort())
            page.route("https://**", lambda r: r.abort())
            page.goto(path.as_uri(), timeout=300_000)
            page.wait_for_selector("body[data-siting-ready='1']", timeout=300_000)
            if errors:
                raise RuntimeError(f"page errors: {errors}")
            loads.append(page.evaluate("window.sitingMap.readyMs"))
            t = time.perf_counter()
            page.fill("#siting-search-input", f"Site {n - 1}")
            page.press("#siting-search-input", "Enter")
            page.wait_for_selector(".leaflet-popup-content .siting-popup-title")
            search.append((time.perf_counter() - t) * 1000)
            zoom.append(page.evaluate("""() => new Promise(resolve => {
                const m = window.sitingMap.map; m.closePopup(); m.setView([37, -95], 4, {animate: false});
                const t = performance.now();
                m.once('zoomend', () => requestAnimationFrame(() => resolve(performance.now() - t)));
                m.setZoom(5, {animate: false});
            })"""))
            page.close()
        browser.close()
    return {"load_ms": statistics.median(loads), "load_ms_all": loads, "search_popup_ms": statistics.median(search),
            "zoom_redraw_ms": statistics.median(zoom)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", required=True, help="output JSON file")
    ap.add_argument("--sites", type=int, default=100_000, help="number of sites of the large map")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium", help="Chromium binary")
    args = ap.parse_args()
    res = {"machine": platform.platform(), "python": platform.python_version(),
           "note": "shared 2-core machine, several engineers' jobs running: figures are under load"}
    layers = _layers()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.sites // 10, args.sites):
            sites = _sites(n)
            times, html = [], ""
            for _ in range(2):
                t = time.perf_counter()
                html = render_map(sites, layers, title=f"bench {n}", synthetic=False)
                times.append(time.perf_counter() - t)
            path = Path(tmp) / f"map_{n}.html"
            path.write_text(html, encoding="utf-8")
            row = {"sites": n, "render_s": min(times), "html_mb": path.stat().st_size / 1e6}
            row.update(_measure(path, args.chromium, n))
            res[f"sites_{n}"] = row
            print(json.dumps(row), file=sys.stderr)
    Path(args.json).write_text(json.dumps(res, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
