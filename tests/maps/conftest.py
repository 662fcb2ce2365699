"""Fixtures for the map and report tests: a hand-made region and a headless browser.

The region is four square counties around Greensboro, NC with one line per voltage class,
two pipelines, three plants, two substations and a datacenter, all invented here so
every drawn element can be checked by hand.
"""

from __future__ import annotations

import contextlib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    "\"quoted\" 'single' & </script><!--",
    "Ελληνικά 数据中心",
    "x" * 10_000,
]


def make_layers() -> dict:
    """Context layers with canonical columns (EPSG:4326)."""
    tx = gpd.GeoDataFrame(
        {
            "line_id": list("abcde"),
            "voltage_kv": [500.0, 345.0, 230.0, 115.0, np.nan],
            "volt_class": ["500", "345", "220-287", "100-161", "NOT AVAILABLE"],
            "is_dc": [False] * 5,
            "owner": ["Owner <b>bold</b>", "Duke", "Duke", "Duke", "unknown"],
            "status": ["IN SERVICE"] * 5,
        },
        geometry=[LineString([(-80.6, 35.7 + i * 0.2), (-79.2, 35.8 + i * 0.2)]) for i in range(5)],
        crs="EPSG:4326",
    )
    subs = gpd.GeoDataFrame(
        {
            "substation_id": ["s1", "s2"],
            "name": ['Sub "one"', "Ελληνικά 数据中心"],
            "max_voltage_kv": [500.0, np.nan],
            "min_voltage_kv": [230.0, np.nan],
            "status": ["IN SERVICE"] * 2,
            "state_abbr": ["NC"] * 2,
        },
        geometry=[Point(-80.0, 36.0), Point(-79.5, 36.3)],
        crs="EPSG:4326",
    )
    pipes = gpd.GeoDataFrame(
        {"pipeline_id": ["p1", "p2"], "operator": ["Transco", "PSNC"], "pipe_type": ["interstate", "intrastate"],
         "status": ["operating", "operating"]},
        geometry=[LineString([(-80.5, 35.6), (-79.3, 36.5)]), LineString([(-80.5, 36.5), (-79.3, 35.6)])],
        crs="EPSG:4326",
    )
    plants = gpd.GeoDataFrame(
        {"plant_id": ["1", "2", "3"], "plant_name": ["Gas A", "Coal B", "Sun C"], "generator_id": ["1", "1", "1"],
         "capacity_mw": [1200.0, 600.0, 80.0], "energy_source": ["NG", "BIT", "SUN"], "status": ["OP"] * 3},
        geometry=[Point(-80.2, 35.9), Point(-79.8, 36.4), Point(-79.4, 35.8)],
        crs="EPSG:4326",
    )
    dcs = gpd.GeoDataFrame({"datacenter_id": ["d1"], "name": ["DC one"], "operator": ["Op"]},
                           geometry=[Point(-79.9, 36.1)], crs="EPSG:4326")
    counties = gpd.GeoDataFrame(
        {"county_fips": ["37001", "37081", "37057", "37151"], "state_fips": ["37"] * 4,
         "county_name": ["Alamance", "Guilford", "Davidson", "Randolph"], "state_abbr": ["NC"] * 4,
         "water_stress_bws_score": [0.5, 1.7, 2.9, 4.4]},
        geometry=[box(-79.9, 35.6, -79.2, 36.1), box(-80.6, 36.1, -79.9, 36.6), box(-80.6, 35.6, -79.9, 36.1),
                  box(-79.9, 36.1, -79.2, 36.6)],
        crs="EPSG:4326",
    )
    nonatt = pd.DataFrame({"county_fips": ["37081"], "pollutant": ["Ozone (2015)"], "classification": ["Marginal"],
                           "status": ["Nonattainment"]})
    return {"transmission": tx, "substations": subs, "pipelines": pipes, "plants": plants, "datacenters": dcs,
            "counties": counties, "nonattainment": nonatt}


def make_sites(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` scored sites with random scores inside the region."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "site_id": [f"site-{i:07d}" for i in range(n)],
        "name": [f"Site {i}" for i in range(n)],
        "score_total": rng.random(n),
        "score_grid": rng.random(n),
        "score_gas": rng.random(n),
        "score_water": rng.random(n),
        "score_air": rng.random(n),
        "rank": np.arange(1, n + 1),
        "distance_to_substation_km": rng.random(n) * 20.0,
        "total_water_consumption_gal_per_yr": rng.random(n) * 1e8,
    })
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(rng.uniform(-80.6, -79.2, n),
                                                                rng.uniform(35.6, 36.6, n)), crs="EPSG:4326")


@pytest.fixture
def region_layers() -> dict:
    return make_layers()


@pytest.fixture
def browser_page(chromium):
    """A factory opening file:// pages in headless Chromium with all http(s) blocked.

    Yields ``open(path) -> (page, console_messages, blocked_urls)``.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        pages = []

        def open_page(path, viewport=(1280, 800)):
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            messages: list[tuple[str, str]] = []
            blocked: list[str] = []
            page.on("console", lambda m: messages.append((m.type, m.text)))
            page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
            # An alert() from injected markup would show up here as an error.
            page.on("dialog", lambda d: (messages.append(("error", f"dialog: {d.message}")), d.dismiss()))

            def block(route):
                blocked.append(route.request.url)
                route.abort()

            page.route("http://**", block)
            page.route("https://**", block)
            page.goto(path.resolve().as_uri())
            pages.append(page)
            return page, messages, blocked

        try:
            yield open_page
        finally:
            for page in pages:
                with contextlib.suppress(Exception):
                    page.close()
            browser.close()


@pytest.fixture
def site_factory():
    """``make_sites(n, seed=1)``: scored sites inside the region."""
    return make_sites


@pytest.fixture
def hostile_names() -> list[str]:
    return list(HOSTILE_NAMES)


@pytest.fixture(scope="session")
def labels():
    """The site schema's labels and units, as the siting orchestrators hand them to maps."""
    from maps.labels import Labels
    from siting import schema

    return Labels.from_records(schema.field_records())
