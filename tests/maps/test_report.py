"""Site report: the documented dict renders every section, missing ones say so, strings stay text."""

from __future__ import annotations

import re

import numpy as np
import pytest

from maps import svg
from maps.report import NOT_COMPUTED, fmt, render_report, render_report_html
from siting.errors import ConfigError, DataError
from siting.scenario import Scenario, assumption_rows


@pytest.fixture
def full_report(region_layers):
    hours = np.arange(168)
    return {
        "title": "Site report: Guilford <test>",
        "synthetic": True,
        "generated_utc": "2026-11-28T12:00:00Z",
        "site": {"name": "Guilford North", "latitude_deg": 36.07, "longitude_deg": -79.8, "state_abbr": "NC",
                 "county_name": "Guilford"},
        "summary": {"score_total": 0.71, "rank": 3, "n_sites": 200, "time_to_first_power_months": 24,
                    "delivered_cost_usd_per_mwh": 61.85, "cost_dollar_year": 2024,
                    "water_consumption_gal_per_yr": 1.2e8, "in_n_out_equivalents": 41.0, "verdict": "moderate"},
        "site_columns": {"score_total": 0.71, "distance_to_substation_km": 3.2, "not_in_schema": 5},
        "map": {"layers": region_layers, "radius_km": 30},
        "power": {"fleet": [{"unit": "LM6000PF", "count": 12, "iso_capacity_mw": 50.0}],
                  "hot_day": {"temp_air_degc": 35.0, "derate_frac": 0.12},
                  "dispatch": {"summer week": {"hour": hours.tolist(), "series_mw": {"gas": [300.0] * 168}},
                               "winter week": {"hour": hours.tolist(), "series_mw": {"gas": [250.0] * 168}}},
                  "reliability": {"availability_frac": 0.9995}},
        "emissions": {"facts": {"nox_tons_per_yr": 80.0}, "permit_path": ["Title V application (12-18 months)"]},
        "water": {
            "budget": [{"scope": "on_site", "metric": "consumption", "gal_per_yr": 1.2e8, "peak_day_gal_per_day": 9e5}],
            "monthly": [{"month": m, "consumption_gal": 1e7, "withdrawal_gal": 1.3e7, "pue": 1.2} for m in range(1, 13)],
            "benchmarks": [{"key": "in_n_out_restaurant", "per_unit": "restaurant-year", "count": 41.0,
                            "site_metric": "total_consumption"}],
            "context": {"county_name": "Guilford", "bws_score": 1.7},
        },
        "deal": {"name": "1 GW tolling", "description": "d", "contract_type": "tolling",
                 "contract_price_unit": "USD/kW-month", "capacity_mw": 1000.0,
                 "metrics": {"equity_irr_frac": 0.12}, "grid_alternative": {"grid_wait_months": 55.0},
                 "cash_flows": [{"operating_year": y, "equity_cash_flow_usd": -4e8 if y == 0 else 6e7,
                                 "project_cash_flow_usd": -1.4e9 if y == 0 else 1.5e8} for y in range(16)],
                 "tornado": [{"driver": "capex_usd_per_kw", "low": 785.0, "high": 2400.0,
                              "equity_irr_frac_at_low": 0.33, "equity_irr_frac_at_high": -0.06,
                              "equity_irr_frac_base": 0.12}],
                 "scenarios": [], "monte_carlo": [], "notes": ["price solved"]},
        "sources": [{"role": "transmission", "name": "HIFLD", "vintage": "2023", "license": "public domain",
                     "attribution": "HIFLD", "url": "https://hifld-geoplatform.hub.arcgis.com", "synthetic": False}],
        "scenario": assumption_rows(Scenario()),
        "notes": ["screening only"],
    }


def test_all_sections_render(full_report, labels):
    html = render_report_html(full_report, labels)
    for sid in ("summary", "site-map", "power", "emissions", "water", "deal", "sources", "assumptions"):
        assert f'<section id="{sid}"' in html
    assert NOT_COMPUTED not in html
    assert "<script" not in html  # the report is static: no script at all
    assert "Synthetic sample region — not real infrastructure" in html
    assert "3 of 200" in html and "61.9 USD/MWh" in html and "2024 dollars" in html and "≈ 41" in html
    assert html.count("<svg") == 7  # map, 2 dispatch weeks, monthly water, benchmarks, tornado, cash flow
    assert "distance_to_substation_km [km]" in html and "3.2 km" in html
    # Every scenario field is listed with its unit.
    for name in Scenario().to_dict():
        assert f"<td>{name}</td>" in html


def test_missing_sections_say_not_computed(full_report):
    minimal = {"title": "t", "site": full_report["site"]}
    html = render_report_html(minimal)
    for section in ("Power design", "Emissions and permit path", "Water budget", "Site map"):
        assert f"{section}: {NOT_COMPUTED}" in html
    assert 'id="deal"' not in html  # optional section omitted
    assert html.count(f"<div class=\"tile-value\">{NOT_COMPUTED}</div>") == 6


def test_hostile_strings_escaped(full_report, hostile_names):
    r = dict(full_report)
    r["site"] = dict(r["site"], name=hostile_names[0])
    r["title"] = hostile_names[1]
    r["notes"] = hostile_names
    r["sources"] = [dict(r["sources"][0], name=hostile_names[0], attribution=hostile_names[2])]
    html = render_report_html(r)
    assert "<script" not in html
    assert "</script><!--" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Ελληνικά 数据中心" in html
    assert "x" * 10_000 in html


def test_interactive_map_is_sandboxed_and_escaped(full_report, site_factory):
    from maps.sitemap import render_map

    r = dict(full_report, map=dict(full_report["map"], interactive_html=render_map(
        site_factory(5), None, title="m", synthetic=False)))
    html = render_report_html(r)
    assert '<iframe class="interactive-map" title="Interactive map" sandbox="allow-scripts" srcdoc="' in html
    assert "<script" not in html  # the page's scripts are inside the escaped srcdoc attribute


def test_bad_report_dicts():
    with pytest.raises(DataError, match="title"):
        render_report_html({"site": {}})
    with pytest.raises(DataError, match="latitude_deg"):
        render_report_html({"title": "t", "site": {"name": "a"}})
    with pytest.raises(DataError, match="out of range"):
        render_report_html({"title": "t", "site": {"name": "a", "latitude_deg": 95, "longitude_deg": 0}})
    with pytest.raises(ConfigError, match="dict"):
        render_report_html(["not", "a", "dict"])


def test_render_report_writes_and_guards(tmp_path, full_report):
    out = render_report(full_report, tmp_path / "r.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ConfigError, match="overwrite"):
        render_report(full_report, out, overwrite=False)


def test_fmt():
    assert fmt(1234567.8) == "1,234,568"
    assert fmt(61.849) == "61.8"
    assert fmt(np.int64(3)) == "3"
    assert fmt(float("nan")) == "n/a" and fmt(None) == "n/a"
    assert fmt(True) == "yes"


def test_nice_ticks_by_hand():
    # 0..47 in about 5 steps: raw step 9.4 rounds up to 10.
    assert svg.nice_ticks(0, 47) == [0, 10, 20, 30, 40, 50]
    # 0..0.9: raw 0.18 -> 0.2.
    assert svg.nice_ticks(0, 0.9) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0], rel=1e-12)


def test_line_chart_positions_by_hand():
    chart = svg.line_chart([0, 5, 10], {"a": [0, 5, 10]}, title="t", x_label="x", y_label="y")
    # Plot area: left 64, width 640-64-12 = 564, so x=5 is at 64 + 282 = 346 px; y ticks 0..10,
    # top 28, height 260-28-56 = 176, so y=5 is at 28 + 88 = 116 px.
    assert "346.0,116.0" in chart
    with pytest.raises(ValueError, match="one value per x"):
        svg.line_chart([0, 1], {"a": [1]}, title="t", x_label="x", y_label="y")


def test_site_map_scale_at_the_equator():
    import geopandas as gpd
    from shapely.geometry import Point

    subs = gpd.GeoDataFrame({"name": ["s"]}, geometry=[Point(0.1, 0.0)], crs="EPSG:4326")
    out = svg.site_map(0.0, 0.0, {"substations": subs}, site_name="<b>", radius_km=25.0, width=640, height=662)
    # WGS84 equator: 1 deg of longitude = 111.3195 km (a = 6378.137 km x pi/180). The map area is
    # 640 x 640 px (662 minus the 22 px legend) for 2 x 25 km, so 0.1 deg east is
    # 320 + 0.1 x 111.3195 / 50 x 640 = 462.49 px.
    cx = float(re.search(r'<circle cx="([0-9.]+)"', out).group(1))
    assert cx == pytest.approx(320 + 0.1 * 111.3195 / 50 * 640, abs=0.1)  # abs: SVG keeps 0.1 px
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert "10 km" in out  # scale bar: a round number near a fifth of 50 km


def test_real_water_and_deal_sections_render():
    """The dicts the water and deal modules produce fill their sections as documented."""
    from importlib import resources

    import pandas as pd

    from siting import water_budget as sw
    from siting.deal import evaluate_deal, load_deal

    from gis_data.weather import load_weather

    water = sw.site_water(load_weather("pvlib:723170TYA.CSV"), Scenario()).chart_data()
    deal = evaluate_deal(load_deal(resources.files("siting").joinpath("examples/deal_btm_gas_1gw_tolling.toml")),
                         monte_carlo_draws=0).to_dict()
    html = render_report_html({"title": "t", "site": {"name": "s", "latitude_deg": 36.0, "longitude_deg": -80.0},
                               "water": water, "deal": deal})
    water_html = html[html.index('<section id="water"'):html.index('<section id="deal"')]
    assert NOT_COMPUTED not in water_html
    assert "Water budget by scope" in water_html and "On-site water by month" in water_html
    assert "In-N-Out restaurant for a year" in water_html
    total = next(r for r in water["budget"] if r["scope"] == "total" and r["metric"] == "consumption")
    assert fmt(total["gal_per_yr"]) in water_html
    deal_html = html[html.index('<section id="deal"'):html.index('<section id="sources"')]
    assert "Equity IRR as each driver moves" in deal_html and "Cash flows (nominal)" in deal_html
    assert fmt(deal["metrics"]["delivered_cost_usd_per_mwh"]) in deal_html


def test_pdf_without_chromium_says_how_to_fix(tmp_path, monkeypatch, full_report):
    from siting.errors import MissingDataError

    monkeypatch.delenv("SITING_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on this PATH
    with pytest.raises(MissingDataError, match="apt-get install chromium"):
        render_report(full_report, tmp_path / "r.html", pdf=True)
    assert (tmp_path / "r.html").is_file()  # the HTML is written before printing is attempted
