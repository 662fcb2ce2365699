"""Site water: the reference example, the budget from the site chain, local context, batch columns, CLI."""

import gzip
import json
import math

import numpy as np
import pandas as pd
import pytest

from models import cooling as cl
from models.errors import UnknownNameError
from siting import schema
from siting import water_budget as sw
from siting import water_context as wc
from siting.cli import main
from siting.scenario import COOLING_DESIGNS, Scenario


def test_scenario_cooling_choices_are_the_model_designs():
    assert set(COOLING_DESIGNS) == set(cl.COOLING_DESIGNS)


# -- the SemiAnalysis reference case -----------------------------------------------------------


def test_reference_example_reproduces_semianalysis_within_5_percent():
    # SemiAnalysis 'From Tokens to Burgers': 400 MW IT, hybrid -> 346 M gal/yr = 2.35 In-N-Out
    # restaurants (147 M gal/yr = 600,000 burgers x 245 gal). Brief: within 5 %.
    ex = sw.load_example("semianalysis_colossus2")
    r = sw.run_example("semianalysis_colossus2")
    assert ex.scenario.it_load_mw == 400.0 and ex.scenario.cooling == "hybrid"
    assert r.cooling.method == "published_wue"
    assert r.cooling.water_consumption_gal_per_yr == pytest.approx(ex.expected["water_consumption_gal_per_yr"], rel=0.05)
    inno = r.benchmarks.set_index("key").loc["in_n_out_restaurant"]
    assert inno["count"] == pytest.approx(ex.expected["in_n_out_restaurants"], rel=0.05)
    burgers = r.benchmarks.set_index("key").loc["double_double_burger", "count"]
    assert burgers / inno["count"] == pytest.approx(ex.expected["burgers_per_restaurant_per_yr"], rel=1e-9)
    # honest labelling: the notes say it is not the hourly model
    assert any("NOT the output of the hourly cooling model" in n for n in r.notes)
    assert r.benchmarks["like_for_like"].all()
    assert math.isnan(r.cooling.water_withdrawal_gal_per_yr)


def test_examples_listed_and_unknown_names_rejected():
    assert "semianalysis_colossus2" in sw.list_examples()
    with pytest.raises(UnknownNameError, match="semianalysis_colossus2"):
        sw.load_example("colossus3")


# -- one site from weather --------------------------------------------------------------------


def _synthetic_year():
    # A smooth synthetic year: daily and seasonal sinusoids (no claim to be any real place); no sun, a steady
    # 6 m/s wind, so the site chain can run every power option on it.
    idx = pd.date_range("2021-01-01", periods=8760, freq="h", tz="Etc/GMT+6")
    doy = idx.day_of_year.to_numpy()
    hour = idx.hour.to_numpy()
    temp = 16 + 12 * np.sin(2 * np.pi * (doy - 110) / 365) + 5 * np.sin(2 * np.pi * (hour - 9) / 24)
    return pd.DataFrame({"temp_air_degc": temp, "relative_humidity_pct": 60.0, "pressure_pa": 100_000.0,
                         "ghi_w_per_m2": 0.0, "dni_w_per_m2": 0.0, "dhi_w_per_m2": 0.0, "wind_speed_m_per_s": 6.0},
                        index=idx)


#: Where the synthetic year is taken to be (it has no station header).
PLACE = {"latitude": 35.0, "longitude": -97.0}


def test_site_water_budget_ties_to_cooling_and_columns_match_schema():
    scn = Scenario(it_load_mw=100.0, cooling="evaporative", power_design="grid_with_backup")
    r = sw.site_water(_synthetic_year(), scn, county_water={"county_fips": "00001", "withdrawal_total_gal_per_day": 50e6,
                                                             "withdrawal_public_supply_gal_per_day": 10e6},
                      water_stress={"bws_score": 3.5}, altitude_m=300.0, **PLACE)
    b = r.budget
    assert b.get("on_site_direct", "consumption").gal_per_yr == pytest.approx(r.cooling.water_consumption_gal_per_yr, rel=1e-12)
    # grid_with_backup: all facility energy (the cooling model's) at the LBNL-derived grid factor (1,198.9 gal/MWh)
    assert b.get("power_generation", "consumption").gal_per_yr == pytest.approx(
        r.cooling.facility_energy_mwh_per_yr * 211e9 / 176e6, rel=1e-4
    )
    assert b.get("total", "consumption").gal_per_yr == pytest.approx(
        b.get("on_site_direct", "consumption").gal_per_yr + b.get("power_generation", "consumption").gal_per_yr, rel=1e-12
    )
    cols = r.columns()
    known = set(schema.columns())
    assert set(cols) <= known
    assert r.context.verdict == "high concern"  # Aqueduct 3.5 = High (40-80 %)
    assert any("High" in reason for reason in r.context.reasons)
    # chart data is plain JSON, and its headline holds like-for-like rows only
    chart = r.chart_data()
    json.dumps(chart, allow_nan=True)
    assert [h["key"] for h in chart["headline"]] == list(sw.HEADLINE_BENCHMARKS)
    assert {b["key"] for b in chart["benchmarks"] if not b["like_for_like"]} == set()
    assert len(r.monthly) == 12
    assert r.monthly["consumption_gal"].sum() == pytest.approx(r.cooling.water_consumption_gal_per_yr, rel=1e-9)
    # acres of almonds (applied blue irrigation water) are set against the modelled on-site withdrawal;
    # hand division by the catalog's 1.33633 M gal per acre (Goldhamer & Fereres 2017, 1250 mm), rtol 1e-12
    almond = r.benchmarks.set_index("key").loc["almond_acre_applied"]
    assert almond["site_metric"] == "withdrawal" and almond["like_for_like"]
    assert almond["count"] == pytest.approx(r.cooling.water_withdrawal_gal_per_yr / 1.33633e6, rel=1e-12)


def test_local_context_hand_case():
    # Withdrawal with withdrawal: the site withdraws 730 M gal/yr = 2 M gal/day; the county (fresh figure
    # unknown here) withdraws 100 M gal/day in total -> 2.0 % (moderate); over 10 M gal/day public supply -> 20 % (high).
    ctx = wc.local_context(365e6, 730e6, county_water={"withdrawal_total_gal_per_day": 100e6,
                                                       "withdrawal_public_supply_gal_per_day": 10e6})
    assert ctx.share_of_county_pct == pytest.approx(2.0, rel=1e-12)
    assert "total withdrawals (fresh unknown)" in ctx.verdict_basis
    assert ctx.share_of_public_supply_pct == pytest.approx(20.0, rel=1e-12)
    assert ctx.verdict == "high concern"
    low = wc.local_context(1e6, 2e6, county_water={"withdrawal_total_gal_per_day": 100e6,
                                                   "withdrawal_public_supply_gal_per_day": 10e6},
                           water_stress={"bws_score": 0.5})
    assert low.verdict == "low concern" and low.bws_label == "Low (<10%)"
    assert wc.local_context(1e6, 2e6).verdict == "unknown"


def test_bws_labels_follow_aqueduct_bounds():
    # Kuzma et al. 2023: 0-1 Low, 1-2 Low-Medium, 2-3 Medium-High, 3-4 High, 4-5 Extremely High
    assert [wc.bws_label(s) for s in (0.2, 1.5, 2.5, 3.5, 4.8)] == [
        "Low (<10%)", "Low - Medium (10-20%)", "Medium - High (20-40%)", "High (40-80%)", "Extremely High (>80%)"]
    assert wc.bws_label(float("nan")) == ""


def test_state_water_stress_area_weighted():
    # Hand case: TX rows 1.0 over 300 km2 and 4.0 over 100 km2 -> (300 + 400) / 400 = 1.75
    t = pd.DataFrame({"state_abbr": ["TX", "TX", "LA"], "bws_score": [1.0, 4.0, 2.0], "area_km2": [300.0, 100.0, 5.0]})
    s = wc.state_water_stress(t)
    assert s.loc["TX", "bws_score"] == pytest.approx(1.75, rel=1e-12)
    assert s.loc["TX", "bws_score_max"] == 4.0
    assert s.loc["TX", "bws_label"] == "Low - Medium (10-20%)"


def test_verdicts_of_many_sites_equal_one_by_one():
    # one rule for one site and many: the vectorised verdict equals the single-site verdict, reasons included
    county = np.array([0.5, 1.0, 6.0, np.nan, np.nan])
    public = np.array([1.0, np.nan, 2.0, 25.0, np.nan])
    bws = np.array([0.5, 2.5, np.nan, 1.0, np.nan])
    labels, reasons = wc.water_verdicts(county, public, bws, reasons=True)
    assert list(labels) == ["low concern", "moderate concern", "high concern", "high concern", "unknown"]
    for i in range(5):
        assert wc.water_verdict(county[i], public[i], bws[i]) == (labels[i], reasons[i])


def test_screening_water_columns_equal_the_site_water_of_the_same_site():
    """The batch's water criterion and siting water give one site the same numbers (the sample region)."""
    from gis_data.layerset import LayerSet
    from siting.batch import score_sites

    layers = LayerSet.sample()
    scn = Scenario(it_load_mw=120.0, cooling="evaporative")
    row = score_sites(pd.DataFrame({"lat": [36.07], "lon": [-79.79], "it_load_mw": [120.0]}), layers, scn,
                      progress=False).iloc[0]
    single = sw.site_water_at(36.07, -79.79, scn, layers=layers).columns()
    for name in ("site_water_consumption_gal_per_yr", "site_water_withdrawal_gal_per_yr", "site_water_share_of_county_pct",
                 "site_water_share_of_public_supply_pct", "water_in_n_out_equivalents", "water_stress_bws_score",
                 "county_withdrawal_total_gal_per_day", "cooling_pue_annual", "wue_consumption_l_per_kwh",
                 "county_fresh_withdrawal_gal_per_day", "county_water_gal_per_day", "utility_supply_gal_per_day",
                 "water_stress_state_avg_bws_score"):
        a, b = row[name], single[name]
        assert a == b or (np.isnan(a) and np.isnan(b)), (name, a, b)  # equal, not approximately equal
    for name in ("water_verdict", "water_verdict_basis", "public_supply_basis", "water_stress_basis"):
        assert row[name] == single[name], (name, row[name], single[name])
    assert set(single) <= set(schema.columns())


# -- real data: Memphis weather, Shelby County water use, Tennessee water stress ---------------


@pytest.mark.shared_data
def test_memphis_site_with_real_county_and_stress(shared_data):
    from gis_data.weather import load_weather

    weather = load_weather(shared_data / "weather_tmy3_selected" / "TN-Memphis_International_Ap.tmy3.gz")
    usgs = pd.read_csv(shared_data / "water_use_us_usgs_2015" / "usco2015v2.0.csv.gz")
    shelby = usgs[usgs["FIPS"] == 47157].iloc[0]
    county = {"county_fips": "47157", "withdrawal_total_gal_per_day": float(shelby["TO-Wtotl"]) * 1e6,
              "withdrawal_public_supply_gal_per_day": float(shelby["PS-Wtotl"]) * 1e6}  # USGS Mgal/d
    aq = pd.read_csv(shared_data / "water_stress_wri_aqueduct" / "aqueduct40_baseline_annual_usa_bws.csv.gz")
    tn = aq[aq["name_1"] == "Tennessee"].assign(state_abbr="TN")
    stress = wc.state_water_stress(tn).loc["TN"]
    r = sw.site_water(weather, Scenario(it_load_mw=400.0, cooling="hybrid"), county_water=county, water_stress=stress)
    # hand check of the share: withdrawal / 365 / county total (USGS 2015: 503.53 Mgal/d; no fresh figure given)
    assert r.context.share_of_county_pct == pytest.approx(
        100 * r.cooling.water_withdrawal_gal_per_yr / 365 / 503.53e6, rel=1e-9)
    # a state average is reported, not used as the site's stress
    assert np.isnan(r.context.bws_score) and 0 <= r.context.state_avg_bws_score <= 5
    assert r.context.verdict in ("low concern", "moderate concern", "high concern")
    assert len(r.context.reasons) == 3 and "not the site's" in r.context.reasons[0]


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_example_json(capsys):
    assert main(["water", "--example", "semianalysis_colossus2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cooling"]["water_consumption_gal_per_yr"] == pytest.approx(346e6, rel=0.05)
    assert out["columns"]["water_in_n_out_equivalents"] == pytest.approx(2.35, rel=0.05)


def test_cli_list_examples_and_text_output(capsys):
    assert main(["water", "--list-examples"]) == 0
    assert "semianalysis_colossus2" in capsys.readouterr().out
    assert main(["water", "--example", "semianalysis_colossus2"]) == 0
    text = capsys.readouterr().out
    assert "In-N-Out" in text and "gal/yr" in text


def test_cli_bad_example_name_is_a_clear_error(capsys):
    assert main(["water", "--example", "nope"]) == 2
    assert "semianalysis_colossus2" in capsys.readouterr().err


def test_cli_weather_csv(tmp_path, capsys):
    path = tmp_path / "w.csv"
    w = _synthetic_year().assign(temp_dew_degc=10.0)  # the canonical CSV: local standard time with its offset
    w.rename_axis("time").reset_index().to_csv(path, index=False)
    # a CSV has no station header: without a position the tool says what to add
    assert main(["water", "--weather", str(path), "--it-mw", "50", "--cooling", "dry", "--json"]) == 2
    assert "--lat" in capsys.readouterr().err
    # with the site's position (in the sample region) the weather given replaces the nearest station's
    assert main(["water", "--weather", str(path), "--lat", "36.07", "--lon", "-79.79", "--it-mw", "50", "--cooling",
                 "dry", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"]["it_load_mw"] == 50.0 and out["cooling"]["design"] == "dry"
    assert out["cooling"]["water_consumption_gal_per_yr"] == 0.0
    assert out["cooling"]["method"] == "hourly_weather"


@pytest.mark.shared_data
def test_cli_weather_tmy3(shared_data, capsys):
    path = shared_data / "weather_tmy3_selected" / "TN-Memphis_International_Ap.tmy3.gz"
    assert main(["water", "--weather", str(path), "--it-mw", "400", "--cooling", "hybrid", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # same as the model test on Memphis: withdrawal WUE within 0.5x-1.5x of SemiAnalysis's 0.374 L/kWh
    assert 0.5 * 0.374 < out["cooling"]["wue_withdrawal_l_per_kwh"] < 1.5 * 0.374


def test_cli_needs_exactly_one_source(capsys):
    assert main(["water"]) == 2
    assert "--example NAME" in capsys.readouterr().err
    assert main(["water", "--lat", "35"]) == 2
    assert "together" in capsys.readouterr().err
    assert main(["water", "--weather", "/nonexistent.tmy3"]) == 2
    assert "not found" in capsys.readouterr().err


def _fake_layers():
    import geopandas as gpd
    from shapely.geometry import box

    from gis_data.layerset import FrameLayers

    counties = gpd.GeoDataFrame(
        {"county_fips": ["00001", "00002"], "state_fips": ["00", "00"], "county_name": ["West", "East"],
         "state_abbr": ["ZZ", "ZZ"]},
        geometry=[box(-90.0, 35.0, -89.5, 35.5), box(-89.5, 35.0, -89.0, 35.5)], crs="EPSG:4326",
    )
    water_use = pd.DataFrame({"county_fips": ["00001", "00002"], "withdrawal_total_gal_per_day": [50e6, 80e6],
                              "withdrawal_public_supply_gal_per_day": [10e6, 20e6]})
    stress = pd.DataFrame({"state_abbr": ["ZZ", "ZZ"], "bws_score": [1.0, 3.0], "area_km2": [1.0, 3.0]})
    return FrameLayers({"counties": counties, "water_use": water_use, "water_stress": stress}, synthetic=True)


def test_site_water_at_with_frame_layers_and_weather():
    r = sw.site_water_at(35.25, -89.75, Scenario(it_load_mw=100.0, cooling="hybrid"), layers=_fake_layers(),
                         weather=_synthetic_year())
    assert r.context.county_fips == "00001"
    # withdrawal with withdrawal (the fake layer has no fresh figure: total withdrawals, said so)
    assert r.context.share_of_county_pct == pytest.approx(100 * r.cooling.water_withdrawal_gal_per_yr / 365 / 50e6, rel=1e-12)
    # area-weighted state stress: (1x1 + 3x3) / 4 = 2.5, reported as the state average, not the site's
    assert r.context.state_avg_bws_score == pytest.approx(2.5, rel=1e-12) and np.isnan(r.context.bws_score)
    assert "state area-weighted average" in r.context.water_stress_basis
    assert r.notes[0].startswith("SYNTHETIC SAMPLE REGION")
    with pytest.raises(Exception, match="no county polygon contains the site"):
        sw.site_water_at(40.0, -100.0, Scenario(), layers=_fake_layers(), weather=_synthetic_year())


def test_cli_lat_lon_on_the_embedded_sample(capsys):
    # The sample region (synthetic, around Greensboro NC; pvlib's real Greensboro TMY3 as weather)
    assert main(["water", "--lat", "36.07", "--lon", "-79.79", "--it-mw", "100", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["notes"][0].startswith("SYNTHETIC SAMPLE REGION")
    assert out["context"]["county_fips"] != ""
    assert out["cooling"]["method"] == "hourly_weather" and out["cooling"]["hours"] == 8760


@pytest.mark.shared_data
def test_site_water_at_memphis_on_real_layers(shared_data):
    from gis_data.layerset import LayerSet

    layers = LayerSet.from_dict(
        {"name": "real water layers", "layers": {
            "counties": {"path": "boundaries_us_census/cb_2018_us_county_20m.zip", "format": "census_counties"},
            "water_use": {"path": "water_use_us_usgs_2015/usco2015v2.0.csv.gz", "format": "usgs_water_use_2015"},
            "water_stress": {"path": "water_stress_wri_aqueduct/aqueduct40_baseline_annual_usa_bws.csv.gz",
                             "format": "aqueduct40_table"},
            "weather_stations": {"path": "weather_tmy3_selected/stations.csv", "format": "tmy3_stations"},
        }},
        base_dir=shared_data, use_cache=False,
    )
    # Memphis International Airport area, Shelby County TN (FIPS 47157)
    r = sw.site_water_at(35.06, -89.98, Scenario(it_load_mw=400.0, cooling="hybrid"), layers=layers)
    assert r.context.county_fips == "47157"
    assert r.context.county_withdrawal_total_gal_per_day == pytest.approx(503.53e6, rel=1e-9)  # USGS 503.53 Mgal/d
    assert "MEMPHIS" in r.notes[1]
    # nearest station is Memphis itself, so the hourly result equals the model test's Memphis figure
    assert 0.5 * 0.374 < r.cooling.wue_withdrawal_l_per_kwh < 1.5 * 0.374
    assert r.context.verdict in ("low concern", "moderate concern", "high concern")
