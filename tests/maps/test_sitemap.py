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
