"""The interactive site map: offline, escaped, every layer drawn, errors that say what to do."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from maps import assets
from maps.sitemap import SYNTHETIC_BANNER, render_map, save_map
from siting.errors import ConfigError, CRSError, DataError


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="siting-map-data">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_no_external_resources(site_factory, region_layers):
    html = render_map(site_factory(20), region_layers, title="t", synthetic=False)
    # Nothing is fetched: no element loads a file (links such as Leaflet's own credit are fine).
    assert not re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", html, re.I)
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html  # folium's CDN links were dropped
    assert "Leaflet 1.9.4" in html
    assert "url(images/" not in html


def test_sites_and_layers_in_payload(site_factory, region_layers, labels):
    sites = site_factory(30)
    data = _data(render_map(sites, region_layers, title="t", synthetic=False, labels=labels))
    s = data["sites"]
    assert len(s["lat"]) == 30
    np.testing.assert_allclose(s["lon"], np.round(sites.geometry.x, 5), rtol=0, atol=1e-9)  # rounding only
    # Colour classes: score 0.55 falls in the third class (0.4-0.6), by hand.
    first = sites["score_total"].iloc[0]
    assert s["cls"][0] == int(np.searchsorted([0.2, 0.4, 0.6, 0.8], first, side="right"))
    # Popups read as people write: labels without the unit, the unit with the value (maps/labels.py).
    assert s["fields"][:2] == ["Total score", "Rank"]
    assert "Distance to substation" in s["fields"]
    assert not [f for f in s["fields"] if "_" in f or "[" in f]
    j = s["fields"].index("Distance to substation")
    d = sites["distance_to_substation_km"].iloc[0]
    assert s["values"][0][j] == f"{float(f'{d:.3g}'):g} km"  # three significant digits, no trailing zeros
    w = s["fields"].index("Total water consumption")
    assert s["values"][0][w].endswith(" gal/yr") and "e+" not in s["values"][0][w]
    labels = [lyr["label"] for lyr in data["layers"]]
    for expected in ("Transmission ≥ 500 kV", "Transmission 345–499 kV", "Transmission 230–344 kV",
                     "Transmission < 230 kV", "Transmission, voltage unknown", "Substations ≥ 230 kV",
                     "Gas pipelines, interstate", "Gas pipelines, intrastate", "Power plants: Gas",
                     "Power plants: Coal", "Power plants: Solar", "Existing datacenters",
                     "Counties (water indicator)", "Nonattainment areas"):
        assert expected in labels
    # The nonattainment table is drawn on its county (Guilford, 37081) only.
    na = next(lyr for lyr in data["layers"] if lyr["id"] == "nonattainment")
    assert len(na["geojson"]["features"]) == 1
    assert na["geojson"]["features"][0]["properties"]["_t"][1] == "Marginal"
    # Counties get the Aqueduct class of their score: 0.5 -> class 0 (style 1), 4.4 -> class 4 (style 5).
    counties = next(lyr for lyr in data["layers"] if lyr["id"] == "counties")
    assert [f["properties"]["_s"] for f in counties["geojson"]["features"]] == [1, 2, 3, 5]
    # Plant marker radius: 2 + sqrt(1200)/3 = 13.55 px (hand calculation), capped at 14.
    gas = next(lyr for lyr in data["layers"] if lyr["id"] == "plants-gas")
    assert gas["geojson"]["features"][0]["properties"]["_r"] == pytest.approx(2 + 1200**0.5 / 3, rel=1e-12)


def test_hostile_strings_are_inert(site_factory, region_layers, hostile_names):
    sites = site_factory(len(hostile_names))
    sites["name"] = hostile_names
    html = render_map(sites, region_layers, title="<img src=x onerror=alert(1)>", synthetic=True,
                      attributions=["<b>HIFLD</b> & EIA"])
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "<b>HIFLD</b>" not in html
    assert "&lt;b&gt;HIFLD&lt;/b&gt; &amp; EIA" in html
    assert "</script><!--" not in html
    data = _data(html)
    assert data["sites"]["name"] == hostile_names  # round-trips exactly, 10,000 characters included
    assert SYNTHETIC_BANNER in html


def test_synthetic_banner_only_when_synthetic(site_factory):
    assert SYNTHETIC_BANNER not in render_map(site_factory(3), {}, title="t", synthetic=False)


def test_sites_from_latlon_table_and_missing_coordinates():
    frame = pd.DataFrame({"name": ["a", "b", "c"], "latitude_deg": [36.0, np.nan, 95.0],
                          "longitude_deg": [-80.0, -79.0, -79.0], "score_total": [0.5, 0.1, 0.9]})
    data = _data(render_map(frame, None, title="t", synthetic=False))
    assert data["sites"]["name"] == ["a"]  # NaN and out-of-range latitude not drawn
    assert data["bounds"] == [[35.9, -80.1], [36.1, -79.9]]  # one site: +-0.1 deg around it


def test_unscored_sites_get_the_no_score_class(site_factory):
    sites = site_factory(2)
    sites["score_total"] = [np.nan, 0.9]
    data = _data(render_map(sites, None, title="t", synthetic=False))
    assert data["sites"]["cls"] == [5, 4]
    assert data["palette"][5] == "#9e9e9e"


def test_wrong_crs_is_refused(site_factory, region_layers):
    with pytest.raises(CRSError, match="EPSG:5070.*to_crs"):
        render_map(site_factory(3).to_crs("EPSG:5070"), None, title="t", synthetic=False)
    layers = dict(region_layers, substations=region_layers["substations"].to_crs("EPSG:3857"))
    with pytest.raises(CRSError, match="substations"):
        render_map(site_factory(3), layers, title="t", synthetic=False)


def test_bad_inputs_name_the_problem(site_factory):
    polys = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(0, 0).buffer(1)], crs="EPSG:4326")
    with pytest.raises(DataError, match="points"):
        render_map(polys, None, title="t", synthetic=False)
    with pytest.raises(DataError, match="latitude_deg"):
        render_map(pd.DataFrame({"name": ["a"]}), None, title="t", synthetic=False)
    with pytest.raises(DataError, match="nope"):
        render_map(site_factory(2), None, title="t", synthetic=False, popup_columns=["nope"])


def test_save_map_refuses_to_overwrite(tmp_path, site_factory):
    out = save_map(site_factory(3), None, tmp_path / "m.html", title="t", synthetic=False)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ConfigError, match="overwrite"):
        save_map(site_factory(3), None, out, title="t", synthetic=False)
    save_map(site_factory(3), None, out, title="t", synthetic=False, overwrite=True)


def test_json_for_script_escapes_markup():
    text = assets.json_for_script({"a": "</script><!-- & \u2028", "b": float("nan"), "c": np.float64(1.5)})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028", "b": None, "c": 1.5}


def test_inputs_not_mutated(site_factory, region_layers):
    sites = site_factory(5)
    before = sites.copy()
    render_map(sites, region_layers, title="t", synthetic=False)
    pd.testing.assert_frame_equal(sites, before)


def test_no_sites_centres_on_the_layers(site_factory, region_layers):
    data = _data(render_map(site_factory(0), region_layers, title="t", synthetic=False))
    assert data["sites"]["lat"] == []
    # Bounds of the invented region: the county boxes span 80.6-79.2 W, 35.6-36.6 N.
    assert data["bounds"] == [[35.6, -80.6], [36.6, -79.2]]
    assert _data(render_map(site_factory(0), None, title="t", synthetic=False))["bounds"] is None


def test_tiles_are_optional(site_factory):
    plain = render_map(site_factory(2), None, title="t", synthetic=False)
    assert "tile.openstreetmap.org" not in plain
    tiled = render_map(site_factory(2), None, title="t", synthetic=False, tiles="OpenStreetMap")
    assert "tile.openstreetmap.org" in tiled
    # The plain light background stays underneath, so a page whose tiles cannot load still reads.
    assert ".leaflet-container { background: #eef1f4" in tiled


# ---------------------------------------------------------------------------------------
# context prepared for the view, score surface, links, plants by plant


def test_simplify_tolerance_suits_the_first_view():
    from maps.sitemap import simplify_tolerance_deg

    # Texas plus half a degree: 14.2 deg over 1000 px, 11.7 deg over 700 px -> 0.016714 deg a pixel (the
    # height limits), an eighth of it 0.0020893 deg (about 230 m); by hand
    assert simplify_tolerance_deg((-107.2, 25.3, -93.0, 37.0)) == pytest.approx(11.7 / 700 / 8, rel=1e-12)
    assert simplify_tolerance_deg((0, 0, 0, 0)) == 0.0


def test_clip_context_cuts_simplifies_and_keeps_the_most_important():
    from shapely.geometry import LineString, Point, box

    from maps.sitemap import clip_context

    zigzag = LineString([(-2, 0.2), *[(x / 10, 0.2 + (0.001 if i % 2 else 0)) for i, x in enumerate(range(0, 11))],
                         (3, 0.2)])
    lines = gpd.GeoDataFrame({"voltage_kv": [500.0, 345.0, 115.0, 230.0]},
                             geometry=[LineString([(-2, 0.5), (3, 0.5)]), zigzag, LineString([(0, 0), (1, 1)]),
                                       LineString([(5, 5), (6, 6)])], crs="EPSG:4326")
    subs = gpd.GeoDataFrame({"max_voltage_kv": [345.0, 115.0]}, geometry=[Point(0.5, 0.5), Point(4, 4)],
                            crs="EPSG:4326")
    counties = gpd.GeoDataFrame({"county_fips": ["1"]}, geometry=[box(1, 1, 3, 3)], crs="EPSG:4326")
    before = lines.copy()
    out = clip_context({"transmission": lines, "substations": subs, "counties": counties,
                        "table": pd.DataFrame({"a": [1]})}, (0, 0, 1, 1), margin_deg=0.5, tolerance_deg=0.01,
                       max_features=2)
    pd.testing.assert_frame_equal(lines, before)  # inputs untouched
    t = out["transmission"]
    # the line far away is gone; of the three in view the two highest voltages stay, the 115 kV one is left off
    assert t["voltage_kv"].tolist() == [500.0, 345.0] and t.attrs["features_left_off"] == 1
    # cut at the box (-0.5 .. 1.5): 2.0 deg long, by hand
    assert t.geometry.iloc[0].length == pytest.approx(2.0, rel=1e-12)
    # the 0.001 deg zigzag is under the 0.01 deg tolerance: simplified to a straight segment of 2 points
    assert len(t.geometry.iloc[1].coords) == 2
    assert out["substations"]["max_voltage_kv"].tolist() == [345.0]  # the point outside is dropped
    assert out["counties"].geometry.iloc[0].area == pytest.approx(0.25, rel=1e-12)  # box 1..1.5 x 1..1.5
    assert out["table"].equals(pd.DataFrame({"a": [1]}))


def test_surface_overlay_colours_cells_and_keeps_bounds():
    import base64
    import io

    import matplotlib.image as mpimg
    from affine import Affine

    from maps.sitemap import SCORE_COLORS, ScoreSurface, surface_overlay

    values = np.array([[0.1, 0.5], [0.9, np.nan]])  # north row first
    s = surface_overlay(ScoreSurface(values, Affine(1.0, 0, -80.0, 0, -1.0, 36.0), "EPSG:4326"))
    # a lon/lat rectangle stays the same rectangle in Web Mercator: bounds come back exactly
    assert s["bounds"] == [[pytest.approx(34.0, abs=1e-9), pytest.approx(-80.0, abs=1e-9)],
                           [pytest.approx(36.0, abs=1e-9), pytest.approx(-78.0, abs=1e-9)]]
    png = mpimg.imread(io.BytesIO(base64.b64decode(s["url"].split(",", 1)[1])), format="png")
    assert png.shape == (4, 4, 4)  # twice the cells on each axis

    def rgb(color):
        return [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]

    # the north-west cell scores 0.1 (first class), the north-east 0.5 (third), the south-west 0.9 (fifth);
    # the south-east has no score: transparent
    np.testing.assert_allclose(png[0, 0, :3], rgb(SCORE_COLORS[0]), atol=1 / 255)
    np.testing.assert_allclose(png[0, 3, :3], rgb(SCORE_COLORS[2]), atol=1 / 255)
    np.testing.assert_allclose(png[3, 0, :3], rgb(SCORE_COLORS[4]), atol=1 / 255)
    assert png[3, 3, 3] == 0 and png[0, 0, 3] == 1


def test_report_links_are_relative_paths_only(site_factory, labels):
    from maps.sitemap import safe_href

    assert safe_href("tx_reports/cell-+1.html") == "tx_reports/cell-%2B1.html"
    for bad in ("javascript:alert(1)", "https://example.com/x.html", "//host/x", "/etc/passwd", "", None, 3):
        assert safe_href(bad) is None
    sites = site_factory(3)
    data = _data(render_map(sites, None, title="t", synthetic=False, labels=labels,
                            report_links={"site-0000000": "r/a.html", "site-0000001": "javascript:alert(1)"}))
    assert data["sites"]["link"] == ["r/a.html", None, None]


def test_generators_drawn_as_one_point_per_plant_and_fuel(region_layers):
    from shapely.geometry import Point

    plants = gpd.GeoDataFrame(
        {"plant_id": ["1", "1", "1", "2"], "plant_name": ["Gas A"] * 3 + ["Sun C"], "capacity_mw": [100.0, 50.0, 20.0, 5.0],
         "energy_source": ["NG", "NG", "DFO", "SUN"], "status": ["OP", "SB", "OP", "OP"]},
        geometry=[Point(-80.0, 36.0)] * 3 + [Point(-79.5, 36.2)], crs="EPSG:4326")
    data = _data(render_map(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"), {"plants": plants}, title="t",
                            synthetic=False))
    by_id = {lyr["id"]: lyr["geojson"]["features"] for lyr in data["layers"]}
    gas = by_id["plants-gas"]
    assert len(gas) == 1
    # name, energy sources, capacity (100 + 50 MW), statuses in words (EIA-860 codes), generators
    assert gas[0]["properties"]["_t"] == ["Gas A", "NG", "150 MW", "operating; standby", "2"]
    assert len(by_id["plants-oil"]) == 1 and len(by_id["plants-solar"]) == 1


def test_dense_grid_hides_dots_under_the_surface_and_keeps_the_best(labels):
    from affine import Affine

    from maps.sitemap import BEST_SITES, DENSE_SITES, ScoreSurface

    n = DENSE_SITES + 1
    rng = np.random.default_rng(3)
    sites = gpd.GeoDataFrame({"name": [f"s{i}" for i in range(n)], "score_total": rng.random(n),
                              "rank": np.arange(1, n + 1)},
                             geometry=gpd.points_from_xy(rng.uniform(-80, -79, n), rng.uniform(35, 36, n)),
                             crs="EPSG:4326")
    surface = ScoreSurface(rng.random((10, 10)), Affine(0.1, 0, -80, 0, -0.1, 36), "EPSG:4326")
    data = _data(render_map(sites, None, title="t", synthetic=False, labels=labels, surface=surface))
    assert data["sites_visible"] is False and data["surface_visible"] is True
    assert data["sites"]["best"] == list(range(BEST_SITES))  # ranks 1..25 are the first rows
    assert data["best_label"] == f"Best {BEST_SITES} sites"
    sparse = _data(render_map(sites.iloc[:50], None, title="t", synthetic=False, surface=surface))
    assert sparse["sites_visible"] is True and sparse["surface_visible"] is False and sparse["surface"]
