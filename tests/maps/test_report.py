"""Site report: the documented dict renders an investment memo, missing sections say so, strings stay text."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from maps import charts
from maps.labels import SNAKE_CASE
from maps.report import NOT_COMPUTED, fmt, render_report, render_report_html
from siting.errors import ConfigError, DataError
from siting.scenario import Scenario, assumption_rows

DESIGNS = ("gas_only", "renewables_plus_gas", "grid_with_backup", "bridge_to_grid")


def _option(design: str, i: int) -> dict:
    grid = design == "grid_with_backup"
    return {
        "design": design, "months_to_first_power": 36.0 if grid else 24.0 + i, "first_power_year": 2030.0,
        "lcoe_usd_per_mwh": 60.0 + 10 * i, "cost_capital_om_usd_per_mwh": 30.0, "cost_fuel_usd_per_mwh": 0.0 if grid else 20.0,
        "cost_variable_om_usd_per_mwh": 5.0, "cost_gas_lateral_usd_per_mwh": 1.0, "cost_grid_connection_usd_per_mwh": 0.0,
        "cost_land_usd_per_mwh": 0.0, "cost_grid_energy_usd_per_mwh": 10.0 * i, "capex_usd": 8.3e8 + i * 1e7,
        "annual_cost_usd_per_yr": 1.6e8, "gas_units_count": 8, "pv_capacity_mw_dc": 0.0, "wind_capacity_mw": 0.0,
        "battery_capacity_mw": 0.0, "battery_energy_mwh": 0.0, "gas_share_frac": 0.0 if grid else 1.0,
        "renewable_fraction_frac": 0.0, "grid_share_frac": 1.0 if grid else 0.0, "gas_peak_mmcf_per_day": 53.5,
        "co2_tonnes_per_yr": 948_040.0, "nox_tons_per_yr_with_scr": 82.3, "air_permit_path": "title_v_only",
        "power_water_consumption_gal_per_yr": 0.0, "qualifies": True, "gas_mwh_per_yr": 0.0 if grid else 1.9e6,
        "pv_mwh_per_yr": 0.0, "wind_mwh_per_yr": 0.0, "grid_mwh_per_yr": 1.9e6 if grid else 0.0,
        "unserved_mwh_per_yr": 0.0,
    }


@pytest.fixture
def full_report(region_layers):
    times = [str(np.datetime64("2021-07-15T00:00") + np.timedelta64(h, "h")) for h in range(168)]
    options = [_option(d, i) for i, d in enumerate(DESIGNS)]
    steps = [{"step": "procurement", "months": 18.0, "start_month": 0.0, "end_month": 18.0, "note": "class-typical",
              "source": "OEM", "source_url": "https://example.org/oem"},
             {"step": "permitting", "months": 6.0, "start_month": 0.0, "end_month": 6.0, "note": "Title V",
              "source": "EPA", "source_url": ""},
             {"step": "construction", "months": 6.0, "start_month": 18.0, "end_month": 24.0, "note": "AEO",
              "source": "EIA", "source_url": ""}]
    return {
        "title": "Site report: Guilford <test>",
        "synthetic": True,
        "generated_utc": "2026-11-28T12:00:00Z",
        "site": {"name": "Guilford North", "latitude_deg": 36.07, "longitude_deg": -79.8, "state_abbr": "NC",
                 "county_name": "Guilford", "it_load_mw": 200.0},
        "summary": {"score_total": 0.71, "rank": 3, "n_sites": 200, "time_to_first_power_months": 24,
                    "delivered_cost_usd_per_mwh": 61.85, "cost_dollar_year": 2024,
                    "water_consumption_gal_per_yr": 1.2e8, "in_n_out_equivalents": 41.0, "verdict": "moderate"},
        "memo": {
            "verdict": "Build only if the serious risks are resolved", "level": 2,
            "risks": [{"topic": "cost", "level": 2, "grade": "serious", "headline": "Cost: above the grid_price",
                       "detail": "capex_usd 1.2e+02"},
                      {"topic": "water", "level": 1, "grade": "watch", "headline": "Water: moderate", "detail": "d"}],
            "rule": "Risks are graded from figures.",
            "score": {"total": 0.71, "rank": 3, "n_sites": 200, "profile": "speed_to_power", "excluded": False,
                      "subscores": [{"name": "score_grid", "value": 0.9, "weight_frac": 0.1},
                                    {"name": "score_gas", "value": 0.6, "weight_frac": 0.45},
                                    {"name": "score_climate", "value": None, "weight_frac": 0.1}]},
            "analysis_year": 2027, "grid_price_usd_per_mwh": 80.0,
        },
        "site_columns": {"score_total": 0.71, "distance_to_substation_km": 3.2, "not_in_schema": 5},
        "map": {"layers": region_layers, "radius_km": 30},
        "power": {
            "chosen": "gas_only", "recommended": "gas_only", "cost_dollar_year": 2024, "options": options,
            "option_details": options,
            "fleet": [{"unit": "LM6000PF", "count": 8, "running_needed": 7, "iso_capacity_mw": 372.0,
                       "firm_capacity_mw": 250.0}],
            "hot_day": {"temp_air_degc": 35.0, "derate_frac": 0.12, "altitude_m": 250.0, "facility_peak_load_mw": 236.0},
            "dispatch": {"summer week (gas_only)": {"time": times, "series_mw": {"Gas": [220.0] * 168},
                                                    "load_mw": [220.0] * 168},
                         "winter week (gas_only)": {"hour": list(range(168)), "series_mw": {"gas": [210.0] * 168}}},
            "availability": [{"redundancy_units": k, "units_count": 7 + k, "availability_frac": 1 - 10.0 ** (-2 - k),
                              "hours_short_per_yr": 8760 * 10.0 ** (-2 - k)} for k in range(5)],
            "reliability_target_frac": 0.9999, "redundancy_units": 1,
            "reliability": {"availability_frac": 0.9999, "unserved_energy_mwh_per_yr": 8.0, "n_plus": 1},
            "chains": {d: {"months_to_first_power": o["months_to_first_power"], "critical_path": ["procurement",
                                                                                                 "construction"],
                           "steps": steps} for d, o in zip(DESIGNS, options)},
            "notes": ["Money in USD of 2024; cost_basis market_2025"],
        },
        "emissions": {"facts": {"nox_tons_per_yr_with_scr": 80.0, "air_permit_path": "title_v_only"},
                      "permit_path": ["Title V application (12-18 months)"]},
        "water": {
            "budget": [{"scope": "on_site_direct", "metric": "consumption", "gal_per_yr": 1.2e8,
                        "peak_day_gal_per_day": 9e5},
                       {"scope": "on_site_direct", "metric": "withdrawal", "gal_per_yr": 1.8e8,
                        "peak_day_gal_per_day": 1.3e6}],
            "monthly": [{"month": m, "consumption_gal": 1e7, "withdrawal_gal": 1.3e7, "pue": 1.2} for m in range(1, 13)],
            "benchmarks": [{"key": "in_n_out_restaurant", "per_unit": "In-N-Out restaurant for a year", "count": 41.0,
                            "site_metric": "consumption"},
                           {"key": "household_family_of_four", "per_unit": "US family of four for a year",
                            "count": 1230.0, "site_metric": "withdrawal"}],
            "headline": [{"key": "in_n_out_restaurant", "per_unit": "In-N-Out restaurant for a year", "count": 41.0,
                          "site_metric": "consumption"}],
            "context": {"county_withdrawal_total_gal_per_day": 4.9e7, "share_of_county_pct": 0.67, "bws_score": 1.7,
                        "bws_label": "Low - Medium (10-20%)", "verdict": "moderate concern",
                        "reasons": ["the campus would consume 6.7e-01 % of the county's total withdrawals"]},
        },
        "deal": {"name": "1 GW tolling", "description": "d", "contract_type": "tolling",
                 "contract_price_unit": "USD/kW-month", "capacity_mw": 1000.0,
                 "metrics": {"equity_irr_frac": 0.12, "solved_contract_price": 30.2, "delivered_cost_usd_per_mwh": 95.5,
                             "installed_cost_usd": 6.09e9, "min_dscr": 1.48},
                 "grid_alternative": {"grid_wait_months": 55.0, "grid_levelised_usd_per_mwh": 114.4,
                                      "months_saved_vs_grid": 31.0, "value_of_time_saved_usd": 3.65e10},
                 "tornado": [{"driver": "interest_rate_frac", "low": 0.06, "high": 0.09, "equity_irr_frac_at_low": 0.145,
                              "equity_irr_frac_at_high": 0.065, "equity_irr_frac_base": 0.12,
                              "equity_irr_swing_frac": 0.08},
                             {"driver": "capex_usd_per_kw", "low": 785.0, "high": 2400.0,
                              "equity_irr_frac_at_low": 0.79, "equity_irr_frac_at_high": 0.08,
                              "equity_irr_frac_base": 0.12, "equity_irr_swing_frac": 0.71}],
                 "monte_carlo": [{"metric": "equity_irr_frac", "base": 0.12, "p10": 0.074, "p50": 0.18, "p90": 0.38,
                                  "draws": 200}],
                 "monte_carlo_assumptions": [{"driver": "capex_usd_per_kw", "distribution": "triangular", "low": 785.0,
                                              "mode": 2222.0, "high": 2400.0, "base": 2222.0, "skew": "low",
                                              "source": "NextEra"}],
                 "draws": {"equity_irr_frac": list(np.random.default_rng(1).normal(0.18, 0.1, 200))},
                 "scenarios": [], "cash_flows": [], "notes": ["price solved"]},
        "sources": [{"role": "transmission", "name": "HIFLD", "vintage": "2023", "license": "public domain",
                     "attribution": "HIFLD", "url": "https://hifld-geoplatform.hub.arcgis.com", "synthetic": False}],
        "scenario": assumption_rows(Scenario()),
        "notes": ["screening only"],
    }


def _body_text(html: str) -> str:
    """The text of the report body (before the appendix), tags removed, entities kept as text."""
    body = html[html.index('<main id="body">'):html.index('<section id="appendix"')]
    body = re.sub(r'srcdoc="[^"]*"', "", body)
    return re.sub(r"<[^>]+>", " ", body)


def test_all_sections_render(full_report, labels):
    html = render_report_html(full_report, labels)
    for sid in ("summary", "site-map", "power", "emissions", "water", "deal", "appendix", "sources", "assumptions"):
        assert f'<section id="{sid}"' in html
    assert NOT_COMPUTED not in html
    assert "<script" not in html  # the report is static: no script at all
    assert "Synthetic sample region — not real infrastructure" in html
    # page 1: the verdict, the three risks, the tiles with people's numbers, the deal headline
    summary = html[html.index('<section id="summary"'):html.index('<section id="power"')]
    assert "Build only if the serious risks are resolved" in summary
    assert summary.count('class="risk level-') == 2
    assert "$61.9/MWh" in summary and "2024 dollars" in summary and "120 million gal/yr" in summary
    assert "12.0%" in summary and "$30.2/kW-month" in summary
    assert "36.0700° N, 79.8000° W" in html  # hemispheres, not signed degrees
    assert summary.count("<svg") == 4  # score, cost stack, time to power, water in everyday terms
    assert html.count("<svg") == 4 + 2 + 2 + 1 + 2 + 1 + 2  # + power 2, dispatch 2, availability, water 2, map, deal 2
    # human labels in the body, raw names only in the appendix
    assert SNAKE_CASE.findall(_body_text(html)) == []
    appendix = html[html.index('<section id="appendix"'):]
    assert "distance_to_substation_km" in appendix and "Distance to substation" in appendix and "3.2 km" in appendix
    for name in Scenario().to_dict():
        assert f'<td class="code">{name}</td>' in appendix
    assert "99.99%" in appendix  # reliability_target_frac 0.9999, not "1"
    assert "2027" in appendix and "2,027" not in html  # a year has no thousands separator
    assert not re.search(r"\d\.?\d*e[+-]\d", _body_text(html))  # no scientific notation


def test_missing_sections_say_not_computed(full_report):
    minimal = {"title": "t", "site": full_report["site"]}
    html = render_report_html(minimal)
    for section in ("Power design", "Emissions and permit path", "Water budget", "Site map"):
        assert f"{section}: {NOT_COMPUTED}" in html
    assert 'id="deal"' not in html  # optional section omitted
    assert html.count(f"<div class=\"tile-value\">{NOT_COMPUTED}</div>") == 4


def test_hostile_strings_escaped(full_report, hostile_names):
    r = dict(full_report)
    r["site"] = dict(r["site"], name=hostile_names[0])
    r["title"] = hostile_names[1]
    r["notes"] = hostile_names
    r["sources"] = [dict(r["sources"][0], name=hostile_names[0], attribution=hostile_names[2])]
    r["memo"] = dict(r["memo"], risks=[dict(r["memo"]["risks"][0], headline=hostile_names[0])])
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
    assert fmt(0.000123) == "0.000123" and "e" not in fmt(1.5e-7)  # never scientific notation


def test_tornado_bars_start_at_the_base():
    """Every bar of the tornado has one end on the base-case line, and the rows keep the order given."""
    base = 0.12
    rows = [{"label": "Capital cost", "low_text": "$785", "high_text": "$2,400", "at_low": 0.79, "at_high": 0.08},
            {"label": "Interest rate", "low_text": "6%", "high_text": "9%", "at_low": 0.145, "at_high": 0.065},
            {"label": "Gas price", "low_text": "$0.77", "high_text": "$4.34", "at_low": base, "at_high": base}]
    svg = str(charts.tornado(rows, base, title="t", xlabel="IRR", value_fmt=lambda v: f"{100 * v:.0f}%"))
    # bars are closed 4-point paths clipped to the axes (the legend's patches are not clipped)
    rects = [[tuple(map(float, p.split())) for p in re.findall(r"[ML]\s*([-\d.]+\s+[-\d.]+)", d)]
             for d in re.findall(r'<path d="(M[^"]*z)\s*" clip-path=', svg) if d.count("L") == 3]
    xs = [sorted({round(x, 2) for x, _ in r}) for r in rects]
    bars = [x for x in xs if len(x) == 2]
    assert len(bars) >= 4  # two per driver that moves the IRR
    base_x = {x for pair in bars for x in pair if all(x in p for p in bars)}
    assert len(base_x) == 1, bars  # one x shared by every bar: the base case
    # the order given is the order drawn, top to bottom (the caller sorts by swing); SVG y grows downwards
    ticks = sorted((float(y), t) for y, t in re.findall(r'y="([-\d.]+)"[^>]*>(Capital cost|Interest rate|Gas price)', svg))
    assert [t for _, t in ticks] == ["Capital cost", "Interest rate", "Gas price"]
    assert "no effect" in svg  # a driver that does not move the metric says so


def test_charts_are_deterministic_and_self_contained():
    a = charts.score_chart([("Grid", 0.9, ""), ("Gas supply", None, "")], 0.5, title="S $5")
    b = charts.score_chart([("Grid", 0.9, ""), ("Gas supply", None, "")], 0.5, title="S $5")
    assert a == b  # no dates, fixed hash salt
    assert "<title>S $5</title>" in a and "unknown" in a  # dollar signs are text, not math
    ids = re.findall(r'id="([^"]+)"', a)
    assert ids and len({i.split("-")[0] for i in ids}) == 1  # one prefix per chart
    c = charts.score_chart([("Grid", 0.8, "")], 0.5, title="S")
    assert set(re.findall(r'id="([^"]+)"', c)).isdisjoint(ids)  # two charts in one page never share an id
    assert "http" not in re.sub(r'xmlns(:xlink)?="[^"]+"', "", a)  # nothing fetched


def test_site_map_km_per_degree_at_the_equator():
    # WGS84 a = 6378.137 km, e^2 = 0.00669438: a degree of longitude on the equator is a x pi/180 = 111.3195 km and
    # a degree of latitude there a (1 - e^2) x pi/180 = 110.5743 km (the meridian's radius of curvature at 0 deg).
    kx, ky = charts.km_per_degree(0.0, 0.0, 25.0)
    assert kx == pytest.approx(111.3195, rel=1e-5)  # rel: the geodesic over 25 km, not the tangent
    assert ky == pytest.approx(110.5743, rel=1e-4)  # rel: curvature varies by 1e-6 over 25 km of latitude


def test_real_water_and_deal_sections_render():
    """The dicts the water and deal modules produce fill their sections as documented."""
    from importlib import resources

    from gis_data.weather import load_weather
    from siting import water_budget as sw
    from siting.deal import evaluate_deal, load_deal

    water = sw.site_water(load_weather("pvlib:723170TYA.CSV"), Scenario()).chart_data()
    deal = evaluate_deal(load_deal(resources.files("siting").joinpath("examples/deal_btm_gas_1gw_tolling.toml")),
                         monte_carlo_draws=0).to_dict()
    html = render_report_html({"title": "t", "site": {"name": "s", "latitude_deg": 36.0, "longitude_deg": -80.0},
                               "water": water, "deal": deal})
    water_html = unescape(html[html.index('<section id="water"'):html.index('<section id="site-map"')])
    assert NOT_COMPUTED not in water_html
    assert "This site's annual water equals" in water_html and "On-site cooling water by month" in water_html
    # every like-for-like benchmark is a bar of the picture
    for b in water["benchmarks"]:
        assert str(b["per_unit"]) in water_html
    total = next(r for r in water["budget"] if r["scope"] == "total" and r["metric"] == "consumption")
    assert f"{total['gal_per_yr'] / 1e6:,.1f} million gal/yr" in water_html
    deal_html = html[html.index('<section id="deal"'):html.index('<section id="appendix"')]
    assert "Equity IRR with each driver at its low and high" in deal_html
    assert f"${deal['metrics']['delivered_cost_usd_per_mwh']:,.1f}/MWh" in deal_html
    assert SNAKE_CASE.findall(_body_text(html)) == []


def test_pdf_without_chromium_says_how_to_fix(tmp_path, monkeypatch, full_report):
    from siting.errors import MissingDataError

    monkeypatch.delenv("SITING_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on this PATH
    with pytest.raises(MissingDataError, match="apt-get install chromium"):
        render_report(full_report, tmp_path / "r.html", pdf=True)
    assert (tmp_path / "r.html").is_file()  # the HTML is written before printing is attempted
