"""siting report: the orchestrated site report on the sample and on real Texas layers."""

from __future__ import annotations

import json

import pytest

from siting.cli import main
from siting.scenario import Scenario
from siting.site_report import build_site_report


def test_report_on_the_sample(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["-q", "report", "--lat", "36.05", "--lon", "-79.85", "--it-mw", "200", "--name", "<b>Test</b>",
                 "--out", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    html = out.read_text(encoding="utf-8")
    assert result["synthetic"] is True and "Synthetic sample region" in html
    assert "&lt;b&gt;Test&lt;/b&gt;" in html and "<b>Test</b>" not in html  # user text escaped
    for section in ("Summary", "Power design", "Water", "Data sources", "Assumptions"):
        assert section in html, section
    assert Scenario.from_toml(result["scenario_toml"]).it_load_mw == 200.0
    # refuses to overwrite without --overwrite
    assert main(["-q", "report", "--lat", "36.05", "--lon", "-79.85", "--out", str(out)]) == 2


def test_report_dict_is_consistent_with_its_models():
    from gis_data.weather import load_weather
    from models import cooling as cl

    report = build_site_report(36.05, -79.85, Scenario(it_load_mw=100.0))
    r = report.view()
    hot = r["power"]["hot_day"]
    # the facility peak is 100 MW x the highest hourly PUE the cooling model gives on the station's weather
    # (pvlib's Greensboro TMY3 serves the sample region); the scenario's flat pue does not enter
    pue = cl.hourly_cooling(load_weather("pvlib:723170TYA.CSV"), 1.0, "hybrid")["pue"].max()
    assert hot["facility_peak_load_mw"] == pytest.approx(100.0 * pue, rel=1e-12)
    fleet = r["power"]["fleet"][0]
    assert fleet["firm_capacity_mw"] >= hot["facility_peak_load_mw"]  # N+1 covers the hottest hour
    for week in r["power"]["dispatch"].values():
        assert len(week["hour"]) == 168
    assert r["summary"]["water_consumption_gal_per_yr"] > 0
    assert r["synthetic"] is True
    # the typed report: JSON-ready figures and a notebook summary from the same design
    import json

    data = report.to_dict()
    json.dumps(data, default=str)
    assert data["power"]["fleet"]["units_count"] == r["power"]["fleet"][0]["count"]
    assert [o["design"] for o in data["power"]["options"]] == [o["design"] for o in r["power"]["options"]]
    assert "<table>" in report._repr_html_() and "SYNTHETIC" in report._repr_html_()


def test_report_outside_the_layers_is_a_clear_error(tmp_path, capsys):
    code = main(["-q", "report", "--lat", "47.6", "--lon", "-122.3", "--out", str(tmp_path / "r.html")])
    assert code == 2
    assert "cannot be designed: outside the coverage of the layers" in capsys.readouterr().err


@pytest.mark.shared_data
@pytest.mark.slow
def test_report_for_a_real_texas_site(shared_data, tmp_path):
    from gis_data.layerset import scan_directory

    layers = scan_directory(shared_data)
    report = build_site_report(32.45, -99.74, Scenario(it_load_mw=400.0), layers=layers, name="Abilene area")
    r = report.view()
    assert r["synthetic"] is False
    assert r["site"]["state_abbr"] == "TX" and r["site"]["county_name"] == "Taylor"  # Census: Abilene is in Taylor
    # the Abilene TMY3 station is a few km from the site; its hottest hour is above 40 C
    assert r["power"]["hot_day"]["temp_air_degc"] > 40.0
    assert {s["role"] for s in r["sources"]} >= {"transmission", "pipelines", "counties", "water_use"}
    from siting.site_report import write_site_report

    path = write_site_report(report, tmp_path / "abilene.html")
    assert "HIFLD" in path.read_text(encoding="utf-8")
