"""Both site maps as a person sees them, in headless Chromium at 1000 x 700.

The map `siting score` writes next to its table and the map `siting map --layers` draws from
that table are opened offline and checked: nothing of the page (controls, legend, header)
reaches outside a 1000 x 700 window and no two panels overlap, the legend and the layer
list fold and unfold, the synthetic banner sits beside the title, popups read as labels
with units (no snake_case, no ``[km]``, the IT load never "n/a"), the explanation is
there and the best site links to its report, which exists. Screenshots and page load times
go to tests/artifacts/ (git-ignored), next to the report's.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from maps.labels import SNAKE_CASE
from siting.cli import main

pytestmark = pytest.mark.browser

VIEW = (1000, 700)

#: Boxes of the page's own elements (not the map's panes) that reach outside the window, each
#: clipped first by the ancestors that hide or scroll their overflow (a legend that scrolls is
#: checked as the legend, not as its scrolled-away lines).
JS_OUTSIDE = """() => {
  const W = window.innerWidth, H = window.innerHeight, out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.tagName === 'SCRIPT' || el.closest('.leaflet-map-pane')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let x0 = r.left, y0 = r.top, x1 = r.right, y1 = r.bottom;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const q = a.getBoundingClientRect();
        x0 = Math.max(x0, q.left); y0 = Math.max(y0, q.top); x1 = Math.min(x1, q.right); y1 = Math.min(y1, q.bottom);
      }
    }
    if (x1 <= x0 || y1 <= y0) continue;
    if (x0 < -1 || y0 < -1 || x1 > W + 1 || y1 > H + 1)
      out.push(`${el.tagName}#${el.id}.${el.className} [${Math.round(x0)},${Math.round(y0)},${Math.round(x1)},${Math.round(y1)}]`);
  }
  return out;
}"""
#: The panels a person reads, by name: their boxes must not overlap.
JS_PANELS = """() => {
  const sel = {header: '#siting-header', legend: '#siting-legend', layers: '#siting-layer-control',
               attribution: '#siting-attribution', scale: '.leaflet-control-scale', zoom: '.leaflet-control-zoom'};
  const out = {};
  for (const [k, s] of Object.entries(sel)) {
    const e = document.querySelector(s);
    if (e) { const r = e.getBoundingClientRect(); out[k] = [r.left, r.top, r.right, r.bottom]; }
  }
  return out;
}"""
JS_BOX = "(s) => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
JS_LOAD_MS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


@pytest.fixture(scope="module")
def two_maps(tmp_path_factory):
    """`siting score` on a 10 km grid of the sample region (IT load 500 MW, report of the best site), and
    `siting map --layers sample` on the table it wrote; both maps in the same folder."""
    folder = tmp_path_factory.mktemp("maps")
    grid = folder / "grid.gpkg"
    assert main(["candidates", "--bbox", "-80.5", "35.6", "-79.3", "36.5", "--spacing-km", "10", "--out", str(grid)]) == 0
    scored = folder / "scored.gpkg"
    assert main(["score", str(grid), "--out", str(scored), "--it-load-mw", "500", "--report-top", "1",
                 "--no-progress", "--json"]) == 0
    cli_map = folder / "cli_map.html"
    assert main(["map", str(scored), "--layers", "sample", "--out", str(cli_map), "--json"]) == 0
    return {"score": folder / "scored_map.html", "map": cli_map, "table": scored}


def test_score_map_and_map_command_draw_the_same_layers(two_maps):
    from maps.sitemap import map_summary

    a = map_summary(two_maps["score"].read_text(encoding="utf-8"))
    b = map_summary(two_maps["map"].read_text(encoding="utf-8"))
    assert a["layers"] == b["layers"] and a["sites"] == b["sites"] == 110
    for label in ("Substations ≥ 230 kV", "Gas pipelines, interstate", "Power plants: Gas"):
        assert a["layers"].get(label, 0) > 0, label


@pytest.mark.parametrize("which", ["score", "map"])
def test_map_as_seen_at_1000x700(two_maps, which, browser_page, artifacts_dir):
    path = two_maps[which]
    t0 = time.perf_counter()
    page, messages, blocked = browser_page(path, viewport=VIEW)
    page.wait_for_selector("body[data-siting-ready='1']", timeout=60_000)
    load = {"wall_s": time.perf_counter() - t0, "load_event_ms": page.evaluate(JS_LOAD_MS),
            "ready_ms": page.evaluate("() => window.sitingMap.readyMs"), "bytes": path.stat().st_size}
    assert [m for m in messages if m[0] in ("error", "pageerror")] == [] and blocked == []
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / f"map_{which}_1000x700.png"))

    # Nothing outside the window, no panel over another.
    assert page.evaluate(JS_OUTSIDE) == []
    panels = page.evaluate(JS_PANELS)
    assert {"header", "legend", "layers"} <= set(panels)
    names = sorted(panels)
    assert [(p, q) for i, p in enumerate(names) for q in names[i + 1:] if _overlap(panels[p], panels[q])] == []

    # The synthetic banner is beside the title: on its row, to its right, not over it.
    title, banner = page.evaluate(JS_BOX, "#siting-title"), page.evaluate(JS_BOX, "#siting-synthetic-banner")
    assert not _overlap(title, banner)
    assert banner[0] >= title[2] and banner[1] < title[3] and banner[3] > title[1]

    # The legend folds to its summary line and opens again; so does the layer list.
    legend_open = page.evaluate(JS_BOX, "#siting-legend")
    page.click("#siting-legend summary")
    assert not page.is_visible("#siting-legend-body")
    folded = page.evaluate(JS_BOX, "#siting-legend")
    assert folded[3] - folded[1] < 40 < legend_open[3] - legend_open[1]
    page.screenshot(path=str(artifacts_dir / f"map_{which}_legend_folded.png"))
    page.click("#siting-legend summary")
    assert page.is_visible("#siting-legend-body")
    page.click("#siting-layer-control .siting-fold")
    assert not page.is_visible("#siting-layer-control .leaflet-control-layers-list")
    page.click("#siting-layer-control .siting-fold")
    assert page.is_visible("#siting-layer-control .leaflet-control-layers-list")

    # The best site's popup: human labels with units, the IT load, the explanation, the report link.
    best = page.evaluate("() => window.sitingMap && JSON.parse(document.getElementById('siting-map-data')"
                         ".textContent).sites.best[0]")
    page.evaluate(f"() => window.sitingMap.openSite({best})")
    page.wait_for_selector(".leaflet-popup-content .siting-popup-title")
    page.wait_for_timeout(300)
    rows = page.eval_on_selector_all(".leaflet-popup-content tr",
                                     "rs => rs.map(r => [r.cells[0].textContent, r.cells[1].textContent])")
    labels = [r[0] for r in rows]
    assert labels[:2] == ["Total score", "Rank"]
    assert [x for x in labels if SNAKE_CASE.search(x) or "[" in x or "_" in x] == []
    values = dict(rows)
    assert values["Rank"] == "1" and values["IT load"] == "500 MW"
    assert values["Distance to substation"].endswith(" km")
    explanation = page.inner_text(".siting-popup-explain")
    assert explanation.startswith("Total ") and SNAKE_CASE.findall(explanation) == []
    href = page.get_attribute(".siting-popup-link", "href")
    assert href.endswith(".html") and (path.parent / href).is_file()
    assert page.evaluate(JS_OUTSIDE) == []  # the open popup fits too
    page.screenshot(path=str(artifacts_dir / f"map_{which}_popup.png"))
    (artifacts_dir / f"map_{which}_timings.json").write_text(json.dumps(load, indent=2), encoding="utf-8")
    assert load["load_event_ms"] < 10_000


def test_dense_map_surface_and_best_sites(tmp_path, browser_page, artifacts_dir, labels):
    """10^5 sites on a grid: the score surface is drawn under them, the dots start hidden, the best stay on top;
    the page loads in Chromium and its load time is saved."""
    import geopandas as gpd
    import pandas as pd
    from affine import Affine

    from maps.sitemap import ScoreSurface, save_map

    n_side = 317  # 317^2 = 100,489 sites
    rng = np.random.default_rng(5)
    lon, lat = np.meshgrid(np.linspace(-106.0, -94.0, n_side), np.linspace(26.0, 36.0, n_side))
    score = np.clip(0.5 + 0.3 * np.sin(lon.ravel() / 2.0) * np.cos(lat.ravel() / 3.0)
                    + rng.normal(0, 0.05, lon.size), 0, 1)
    n = lon.size
    sites = gpd.GeoDataFrame({
        "site_id": [f"g{i}" for i in range(n)], "name": [f"Grid site {i}" for i in range(n)],
        "score_total": score, "rank": pd.Series(score).rank(ascending=False, method="first").to_numpy(),
        "it_load_mw": np.full(n, 1200.0), "distance_to_substation_km": rng.random(n) * 40,
    }, geometry=gpd.points_from_xy(lon.ravel(), lat.ravel()), crs="EPSG:4326")
    # the same scores as a raster in lon/lat (north row first)
    step_x, step_y = 12.0 / (n_side - 1), 10.0 / (n_side - 1)
    surface = ScoreSurface(score.reshape(n_side, n_side)[::-1], Affine(step_x, 0, -106.0 - step_x / 2, 0, -step_y,
                                                                         36.0 + step_y / 2), "EPSG:4326")
    t0 = time.perf_counter()
    path = save_map(sites, None, tmp_path / "dense.html", title="10^5 grid sites", synthetic=False, labels=labels,
                    surface=surface)
    render_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    page, messages, blocked = browser_page(path, viewport=VIEW)
    page.wait_for_selector("body[data-siting-ready='1']", timeout=120_000)
    wall_s = time.perf_counter() - t0
    assert [m for m in messages if m[0] in ("error", "pageerror")] == [] and blocked == []
    assert page.evaluate("() => !window.sitingMap.map.hasLayer(window.sitingMap.sites)")  # dots start hidden
    assert page.locator("img.siting-surface").count() == 1
    overlays = page.evaluate("() => Object.keys(window.sitingMap.overlays)")
    assert "Best 25 sites" in overlays
    assert page.evaluate(JS_OUTSIDE) == []
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "map_dense_100k_1000x700.png"))
    timings = {"sites": n, "bytes": path.stat().st_size, "render_s": render_s, "wall_s": wall_s,
               "load_event_ms": page.evaluate(JS_LOAD_MS), "ready_ms": page.evaluate("() => window.sitingMap.readyMs")}
    (artifacts_dir / "map_dense_100k_timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    assert timings["ready_ms"] < 30_000


def test_basemap_falls_back_to_the_plain_background_offline(tmp_path, browser_page, site_factory, region_layers, labels):
    from maps.sitemap import save_map

    path = save_map(site_factory(20), region_layers, Path(tmp_path) / "tiles.html", title="With a basemap",
                    synthetic=False, labels=labels, tiles="osm")
    page, messages, blocked = browser_page(path, viewport=VIEW)
    page.wait_for_selector("body[data-siting-ready='1']", timeout=60_000)
    page.wait_for_selector("#siting-offline-note:not([hidden])", timeout=10_000)  # says the tiles did not load
    assert [m for m in messages if m[0] == "pageerror"] == []
    # it asked for OpenStreetMap tiles and, offline, could not get them
    assert "tile.openstreetmap.org" in page.get_attribute("img.leaflet-tile >> nth=0", "src")
    assert page.evaluate(JS_OUTSIDE) == []
    # what stays readable offline: the plain background and the layers drawn on it
    assert page.evaluate("() => getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor")\
        == "rgb(238, 241, 244)"
    assert page.evaluate("() => window.sitingMap.map.hasLayer(window.sitingMap.overlays['Gas pipelines, interstate'])")
