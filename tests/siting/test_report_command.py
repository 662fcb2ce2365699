"""siting report: the orchestrated site report on the sample and on real Texas layers."""

from __future__ import annotations

import dataclasses
import json
import math
from importlib import resources

import numpy as np
import pytest

from siting.cli import main
from siting.scenario import Scenario
from siting.site_report import build_site_report

LAT, LON = 36.05, -79.85  # the embedded sample region (real Greensboro TMY3 weather)
#: The keys of ``siting report --json`` without a deal (the report's figures, unchanged by the memo layout).
JSON_KEYS = {"report_html", "report_pdf", "summary", "scenario_toml", "site", "score", "power", "water", "scenario",
             "sources", "synthetic", "generated_utc"}


@pytest.fixture(scope="module")
def sample():
    """A sample-region site with its own deal (200 Monte Carlo draws)."""
    return build_site_report(LAT, LON, Scenario(it_load_mw=200.0), deal_draws=200)


def test_report_on_the_sample(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["-q", "report", "--lat", str(LAT), "--lon", str(LON), "--it-mw", "200", "--name", "<b>Test</b>",
                 "--out", str(out), "--draws", "50", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    html = out.read_text(encoding="utf-8")
    assert result["synthetic"] is True and "Synthetic sample region" in html
    assert "&lt;b&gt;Test&lt;/b&gt;" in html and "<b>Test</b>" not in html  # user text escaped
    for section in ("Executive summary", "The three risks that would kill this site", "Power design", "Water",
                    "Deal:", "Appendix", "Data sources", "Assumptions"):
        assert section in html, section
    # the figures are the report's as before, plus the site's own deal (shown by default)
    assert set(result) == JSON_KEYS | {"deal"}
    assert result["deal"]["capacity_mw"] == result["power"]["fleet"]["iso_capacity_mw"]
    assert Scenario.from_toml(result["scenario_toml"]).it_load_mw == 200.0
    # refuses to overwrite without --overwrite
    assert main(["-q", "report", "--lat", str(LAT), "--lon", str(LON), "--out", str(out)]) == 2


def test_no_deal_keeps_the_json_of_the_site(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["-q", "report", "--lat", str(LAT), "--lon", str(LON), "--out", str(out), "--no-deal", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == JSON_KEYS
    assert 'id="deal"' not in out.read_text(encoding="utf-8")


def test_deal_file_is_shown_as_given(tmp_path, capsys):
    from siting.deal import load_deal

    path = resources.files("siting").joinpath("examples/deal_btm_gas_1gw_tolling.toml")
    out = tmp_path / "r.html"
    assert main(["-q", "report", "--lat", str(LAT), "--lon", str(LON), "--out", str(out), "--deal", str(path),
                 "--draws", "0", "--json"]) == 0
    deal = json.loads(capsys.readouterr().out)["deal"]
    assert deal["name"] == load_deal(path).name and deal["capacity_mw"] == 1000.0  # the file's plant, not the site's
    # flags that contradict each other are refused with the fix
    for extra in (["--no-deal"], ["--deal-terms", "btm_gas_1gw_tolling"], ["--deal-option", "gas_only"]):
        assert main(["-q", "report", "--lat", str(LAT), "--lon", str(LON), "--out", str(tmp_path / "x.html"),
                     "--deal", str(path), *extra]) == 2
    assert main(["-q", "report", "--lat", str(LAT), "--lon", str(LON), "--out", str(tmp_path / "x.html"),
                 "--draws", "-1"]) == 2
    assert main(["-q", "report", "--lat", str(LAT), "--lon", str(LON), "--out", str(tmp_path / "x.html"),
                 "--deal-terms", "no_such_deal"]) == 2  # a bad name is an error, not a report without its deal


def test_the_reports_deal_is_siting_deal_for_the_site(sample, capsys):
    """One deal for a site: the report's and `siting deal --lat/--lon` on the same terms agree figure for figure."""
    assert main(["-q", "deal", "--lat", str(LAT), "--lon", str(LON), "--it-mw", "200", "--example",
                 "btm_gas_1gw_tolling", "--draws", "200", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    rep = sample.deal
    assert rep["name"] == cli["name"] and rep["capacity_mw"] == cli["capacity_mw"]
    for k, v in cli["metrics"].items():
        assert rep["metrics"][k] == v, k
    assert rep["grid_alternative"] == cli["grid_alternative"]
    assert rep["monte_carlo"] == cli["monte_carlo"]


def test_monte_carlo_draws_are_the_deals(sample):
    """The draws the report plots give exactly the P10/P50/P90 the deal evaluation reports."""
    draws = np.asarray(sample.deal_draws["equity_irr_frac"])
    assert len(draws) == 200
    row = next(r for r in sample.deal["monte_carlo"] if r["metric"] == "equity_irr_frac")
    p10, p50, p90 = np.percentile(draws[np.isfinite(draws)], [10, 50, 90])
    assert (p10, p50, p90) == (row["p10"], row["p50"], row["p90"])


def test_report_dict_is_consistent_with_its_models(sample):
    from gis_data.weather import load_weather
    from models import cooling as cl

    report = build_site_report(LAT, LON, Scenario(it_load_mw=100.0), with_deal=False)
    r = report.view()
    hot = r["power"]["hot_day"]
    # the facility peak is 100 MW x the highest hourly PUE the cooling model gives on the station's weather
    # (pvlib's Greensboro TMY3 serves the sample region); the scenario's flat pue does not enter
    pue = cl.hourly_cooling(load_weather("pvlib:723170TYA.CSV"), 1.0, "hybrid")["pue"].max()
    assert hot["facility_peak_load_mw"] == pytest.approx(100.0 * pue, rel=1e-12)
    fleet = r["power"]["fleet"][0]
    assert fleet["firm_capacity_mw"] >= hot["facility_peak_load_mw"]  # N covers the hottest hour
    for week in r["power"]["dispatch"].values():
        assert len(week["hour"]) == len(week["time"]) == len(week["load_mw"]) == 168
        assert week["time"][0].startswith("2021-07-15T00") or week["time"][0].startswith("2021-01-15T00")
        # the stack serves the load hour by hour: gas + renewables used + battery + unserved = load
        total = np.sum([v for v in week["series_mw"].values()], axis=0)
        assert total == pytest.approx(week["load_mw"], rel=1e-9, abs=1e-6)
    # availability with k spares: the row of the design's k is the design's own fleet (the least meeting the
    # target: the row before it misses), and spares only help
    avail = r["power"]["availability"]
    k = r["power"]["redundancy_units"]
    assert [a["redundancy_units"] for a in avail] == sorted({0, 1, 2, 3, 4, k, k + 1})
    assert k >= Scenario().redundancy_units and r["power"]["reliability"]["target_met"]
    own = next(a for a in avail if a["redundancy_units"] == k)
    assert own["availability_frac"] == r["power"]["reliability"]["availability_frac"]
    assert own["units_count"] == fleet["count"] and own["meets_target"]
    before = next(a for a in avail if a["redundancy_units"] == k - 1)
    assert not before["meets_target"] or k == Scenario().redundancy_units
    assert all(a["availability_frac"] <= b["availability_frac"] for a, b in zip(avail, avail[1:]))
    assert r["summary"]["water_consumption_gal_per_yr"] > 0
    assert r["synthetic"] is True and "deal" not in r and "deal" not in report.to_dict()
    # the typed report: JSON-ready figures and a notebook summary from the same design
    data = report.to_dict()
    json.dumps(data, default=str)
    assert data["power"]["fleet"]["units_count"] == r["power"]["fleet"][0]["count"]
    assert [o["design"] for o in data["power"]["options"]] == [o["design"] for o in r["power"]["options"]]
    assert "<table>" in report._repr_html_() and "SYNTHETIC" in report._repr_html_()
    # the memo: at most three risks, worst first, the verdict from the worst
    memo = sample.view()["memo"]
    levels = [x["level"] for x in memo["risks"]]
    assert 1 <= len(levels) <= 3 and levels == sorted(levels, reverse=True)
    assert memo["verdict"] == {3: "Do not build here as designed", 2: "Build only if the serious risks are resolved",
                               1: "Worth building: no serious risk found"}[max(levels)]


def test_risk_grades_by_hand(sample):
    """Each rule against its threshold: move the profile's limit across the site's own figure."""
    from siting.site_report import Risk, site_risks, site_verdict

    located, water, profile = sample.located, sample.water, sample.profile
    share = water.context.share_of_county_pct  # the site's cooling water over the county's withdrawals [%]
    tight = dataclasses.replace(profile, max_site_water_share_of_county_pct=share / 2.0)
    w = next(r for r in site_risks(located, water, tight) if r.topic == "water")
    assert w.level == 3 and w.excess == pytest.approx(2.0, rel=1e-12)  # share / (share / 2)
    assert site_verdict(site_risks(located, water, tight)) == ("Do not build here as designed", 3)
    loose = next(r for r in site_risks(located, water, profile) if r.topic == "water")
    assert loose.level < 3  # 0.48 % of the county is under the 50 % limit
    dist = float(located.scored_row["distance_to_pipeline_km"])
    far = dataclasses.replace(profile, max_distance_to_pipeline_km=dist / 4.0)
    g = next(r for r in site_risks(located, water, far) if r.topic == "gas supply")
    assert g.level == 3 and g.excess == pytest.approx(4.0, rel=1e-12) and "limit" in g.headline
    # time: on-site gas against the site's own grid connection, both from the time-to-power chain
    power = located.design.power
    t = next(r for r in site_risks(located, water, profile) if r.topic == "time to power")
    slower = power.option(power.chosen).months_to_first_power > power.option("grid_with_backup").months_to_first_power
    assert t.level == (2 if slower else 1)
    # cost: the delivered cost against the scenario's all-in grid price
    c = next(r for r in site_risks(located, water, profile) if r.topic == "cost")
    lcoe = power.option(power.chosen).lcoe_usd_per_mwh
    assert c.level == (2 if lcoe > Scenario().grid_price_usd_per_mwh else 1)
    assert c.excess == pytest.approx(lcoe / Scenario().grid_price_usd_per_mwh, rel=1e-12)
    assert site_verdict([]) == ("Worth building: no serious risk found", 0)
    assert site_verdict([Risk("cost", 2, "h", "d", math.nan), Risk("water", 1, "h", "d", 1.0)])[1] == 2


def test_report_outside_the_layers_is_a_clear_error(tmp_path, capsys):
    # the default layers: it says they are the synthetic sample and how to give real ones
    code = main(["-q", "report", "--lat", "47.6", "--lon", "-122.3", "--out", str(tmp_path / "r.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert "synthetic North Carolina sample" in err and "--layers layers.toml" in err
    # layers given: the site is outside their coverage
    code = main(["-q", "report", "--lat", "47.6", "--lon", "-122.3", "--out", str(tmp_path / "r.html"),
                 "--layers", "sample"])
    assert code == 2
    assert "cannot be designed: outside the coverage of the layers" in capsys.readouterr().err


@pytest.mark.shared_data
@pytest.mark.slow
def test_report_for_a_real_texas_site(shared_data, tmp_path):
    from gis_data.layerset import scan_directory

    layers = scan_directory(shared_data)
    report = build_site_report(32.45, -99.74, Scenario(it_load_mw=1200.0), layers=layers, name="Abilene area",
                               deal_draws=0)
    r = report.view()
    assert r["synthetic"] is False
    assert r["site"]["state_abbr"] == "TX" and r["site"]["county_name"] == "Taylor"  # Census: Abilene is in Taylor
    # the Abilene TMY3 station is a few km from the site; its hottest hour is above 40 C
    assert r["power"]["hot_day"]["temp_air_degc"] > 40.0
    assert {s["role"] for s in r["sources"]} >= {"transmission", "pipelines", "counties", "water_use"}
    # Water like for like (USGS 2015): the campus withdraws ~28 % of what Taylor County's users withdraw (its fresh
    # withdrawals plus the public supply Abilene draws from reservoirs outside the county), below the profile's 50 %
    # limit but a "high concern"; the 1,200 MW fleet (about 2.5 GW at ISO) is larger than all the gas plants its
    # pipeline, Atmos Pipeline - Texas, already feeds (2,361 MW); on-site gas comes after the grid. Three serious
    # risks, so the verdict is the conditional one.
    memo = r["memo"]
    topics = {x["topic"]: x for x in memo["risks"]}
    assert {"water", "gas supply", "time to power"} <= set(topics)
    assert all(x["level"] == 2 for x in memo["risks"])
    assert memo["verdict"] == "Build only if the serious risks are resolved"
    share = r["water"]["context"]["share_of_county_pct"]
    assert 20.0 < share < 50.0 and r["water"]["context"]["verdict"] == "high concern"
    assert "users withdraw" in topics["water"]["headline"] and "withdraws" in topics["water"]["detail"]
    assert "Atmos" in topics["gas supply"]["headline"]
    # the fleet meets the scenario's 0.9999 (the least N+k; the risk list leaves it out)
    assert r["power"]["reliability"]["target_met"] and "reliability" not in topics
    from siting.site_report import write_site_report

    path = write_site_report(report, tmp_path / "abilene.html")
    assert "HIFLD" in path.read_text(encoding="utf-8")
