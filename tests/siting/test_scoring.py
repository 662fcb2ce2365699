"""Scoring: hand-computed sub-scores, EPA air headroom, exclusions, totals, ranks, explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from siting.profiles import load_profile
from siting.scenario import Scenario
from siting.scoring import air_headroom, exclusions, linear_decay, rank_sites, score_table, subscores, total_score

P = load_profile("speed_to_power")
SCN = Scenario()


def test_linear_decay_hand():
    # Hand: 15 km against a 30 km scale is halfway: 0.5; beyond the scale 0; NaN stays NaN.
    np.testing.assert_allclose(linear_decay([0.0, 15.0, 45.0], 30.0), [1.0, 0.5, 0.0], rtol=1e-12)
    assert np.isnan(linear_decay([np.nan], 30.0)[0])


def test_air_headroom_from_epa_thresholds():
    # EPA NSR: marginal ozone 100 t/yr, offsets 1.1:1; PSD "all other sources" 250 t/yr.
    # Hand: 100/250/1.1 = 0.363636...; extreme 10/250/1.5 = 0.026667; an ozone area of unknown class is scored as
    # the strictest class it could have (extreme), as the permit screen assumes.
    h = air_headroom()
    assert h["attainment"] == 1.0
    assert h["marginal"] == pytest.approx(100 / 250 / 1.1, rel=1e-12)  # same arithmetic, float round-off
    assert h["extreme"] == pytest.approx(10 / 250 / 1.5, rel=1e-12)
    assert h["nonattainment"] == h["extreme"]
    assert h["severe"] < h["serious"] < h["moderate"] < h["marginal"] < h["attainment"]


def _table(**cols):
    base = {
        "site_id": ["a"], "it_load_mw": [np.nan], "distance_to_substation_km": [10.0], "distance_to_line_345kv_km": [40.0],
        "distance_to_pipeline_km": [15.0], "distance_to_gas_facility_km": [75.0], "pipeline_served_gas_capacity_mw": [62.5],
        "site_water_share_of_county_pct": [5.0], "water_stress_bws_score": [2.5], "nonattainment_status": ["attainment"],
        "cooling_pue_annual": [1.3], "wue_consumption_l_per_kwh": [1.0], "pipeline_operator": ["Op"],
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_subscores_hand():
    s = subscores(_table(), P, SCN).iloc[0]
    # grid: mean(1 - 10/40, 1 - 40/80) = mean(0.75, 0.5) = 0.625
    assert s["score_grid"] == pytest.approx(0.625, rel=1e-12)
    # gas: 0.6 (1 - 15/30) + 0.2 (1 - 75/150) + 0.2 min(1, 62.5 / (100 MW x PUE 1.25)) = 0.3 + 0.1 + 0.1 = 0.5
    assert s["score_gas"] == pytest.approx(0.5, rel=1e-12)
    # water: mean(1 - 5/20, 1 - 2.5/5) = mean(0.75, 0.5) = 0.625
    assert s["score_water"] == pytest.approx(0.625, rel=1e-12)
    assert s["score_air"] == 1.0
    # climate: mean(1 - 0.3/0.6, 1 - 1/2) = 0.5
    assert s["score_climate"] == pytest.approx(0.5, rel=1e-12)


def test_total_weights_and_missing_renormalise():
    sub = subscores(_table(), P, SCN)
    w = P.normalised_weights()
    # no plants data: the brownfield sub-score is unknown and left out like any missing one
    assert np.isnan(sub["score_brownfield"].iloc[0])
    hand = (w["grid"] * 0.625 + w["gas"] * 0.5 + w["water"] * 0.625 + w["air"] * 1.0 + w["climate"] * 0.5) / (
        1.0 - w["brownfield"])
    assert total_score(sub, P, [1.0])[0] == pytest.approx(hand, rel=1e-12)
    sub2 = subscores(_table(cooling_pue_annual=[np.nan], wue_consumption_l_per_kwh=[np.nan]), P, SCN)
    assert np.isnan(sub2["score_climate"].iloc[0])
    keep = {k: v for k, v in w.items() if k not in ("climate", "brownfield")}
    hand2 = (keep["grid"] * 0.625 + keep["gas"] * 0.5 + keep["water"] * 0.625 + keep["air"] * 1.0) / sum(keep.values())
    assert total_score(sub2, P, [1.0])[0] == pytest.approx(hand2, rel=1e-12)


def test_hard_constraints_and_setbacks():
    t = pd.concat([
        _table(site_id=["far"], distance_to_pipeline_km=[61.0]),
        _table(site_id=["severe"], nonattainment_status=["severe"]),
        _table(site_id=["dc"], distance_to_datacenter_footprint_km=[0.02]),
        _table(site_id=["plant"], distance_to_operating_plant_km=[0.1]),
        _table(site_id=["ok"], distance_to_datacenter_footprint_km=[0.2], distance_to_datacenter_km=[0.3],
               distance_to_power_plant_km=[0.1]),  # near a campus, beside a retired plant: neither rule applies
    ], ignore_index=True)
    e = exclusions(t, P)
    assert e["exclusion_weight_frac"].tolist() == [0.0, 0.0, 0.0, 0.5, 1.0]
    assert "61.0 km away, beyond the 60 km limit" in e["exclusion_reason"].iloc[0]
    assert "severe ozone" in e["exclusion_reason"].iloc[1]
    assert "datacenter" in e["exclusion_reason"].iloc[2]
    assert e["exclusion_reason"].iloc[4] == ""
    scored = score_table(t, P, SCN)
    assert scored["score_total"].iloc[0] == 0.0
    assert "Excluded or restricted" in scored["explanation"].iloc[0]
    assert "Would be disqualified by" in scored["explanation"].iloc[4]


def test_rank_ties_by_site_id_and_invalid_rows():
    r = rank_sites([0.5, 0.9, 0.5, np.nan, 0.7], ["c", "x", "b", "n", "bad"], [True, True, True, True, False])
    assert list(r[:4]) == [3, 1, 2, 4]
    assert r[4] is pd.NA


def test_explanation_names_drivers():
    text = score_table(_table(), P, SCN)["explanation"].iloc[0]
    assert text.startswith("Total ") and "Strongest: " in text and "weakest: " in text
    assert "air permitting 1.00 (county in attainment)" in text  # largest weighted contribution
    assert "it is 15.0 km" in text


def test_carbon_subscore_hand_and_lowest_carbon_uses_it():
    lc = load_profile("lowest_carbon")
    t = _table(co2_intensity_kg_per_mwh_it=[568.0])
    # Hand: best 336, zero 800 kg/MWh IT (profile scales): 1 - (568 - 336) / (800 - 336) = 1 - 232/464 = 0.5
    assert subscores(t, lc, SCN)["score_carbon"].iloc[0] == pytest.approx(0.5, rel=1e-12)  # float round-off
    assert subscores(_table(co2_intensity_kg_per_mwh_it=[300.0]), lc, SCN)["score_carbon"].iloc[0] == 1.0  # below best
    assert np.isnan(subscores(_table(), lc, SCN)["score_carbon"].iloc[0])  # no CO2 column: unknown
    assert lc.weights["carbon"] > max(v for k, v in lc.weights.items() if k != "carbon")  # carbon drives the profile
    low, high = score_table(pd.concat([_table(site_id=["low"], co2_intensity_kg_per_mwh_it=[500.0]),
                                       _table(site_id=["high"], co2_intensity_kg_per_mwh_it=[700.0])], ignore_index=True), lc, SCN)["score_total"]
    assert low > high
    assert "kg CO2/MWh of IT energy" in score_table(t, lc, SCN)["explanation"].iloc[0]
    assert P.weights["carbon"] == 0.0  # speed_to_power does not weigh it: its totals are unchanged


def test_station_too_far_leaves_climate_unknown_not_bad():
    near = _table(site_id=["near"], weather_station_id=["723170"], distance_to_weather_station_km=[40.0], weather_station_too_far=[False])
    far = _table(site_id=["far"], weather_station_id=["722780"], distance_to_weather_station_km=[812.4], weather_station_too_far=[True])
    t = pd.concat([near, far], ignore_index=True)
    t["weather_station_too_far"] = t["weather_station_too_far"].astype("boolean")
    sub = subscores(t, P, SCN)
    assert sub["score_climate"].iloc[0] == pytest.approx(0.5, rel=1e-12)  # as in test_subscores_hand
    assert np.isnan(sub["score_climate"].iloc[1])
    # the far site's total counts its climate as the middle of the scale, 0.5 (hand, sub-scores as above);
    # renormalising over the others instead would lift it for lacking nearby weather
    w = {k: v for k, v in P.normalised_weights().items() if k not in ("carbon", "brownfield")}  # no data for them
    hand = (w["grid"] * 0.625 + w["gas"] * 0.5 + w["water"] * 0.625 + w["air"] * 1.0 + w["climate"] * 0.5) / sum(w.values())
    scored = score_table(t, P, SCN.replace(max_weather_station_km=300.0))
    assert scored["score_total"].iloc[1] == pytest.approx(hand, rel=1e-12)
    assert np.isnan(scored["score_climate"].iloc[1])  # the column still says unknown
    assert ("Climate from station 722780, 812 km away (beyond the 300 km cutoff): not scored, counted as 0.5 in the total."
            in scored["explanation"].iloc[1])
    assert "not scored" not in scored["explanation"].iloc[0]


def test_raster_exclusion_and_value_rules():
    from siting.profiles import profile_from_dict
    import tomllib
    from importlib import resources

    doc = tomllib.loads(resources.files("siting").joinpath("profiles", "speed_to_power.toml").read_text(encoding="utf-8"))
    doc["exclusions"] = [
        {"column": "cost_raster_value", "above": 5000.0, "weight": 0.5, "reason": "land above USD 5,000/acre"},
        {"column": "resource_raster_value", "below": 4.0, "weight": 0.0, "reason": "solar resource below 4 kWh/m2/day"},
    ]
    prof = profile_from_dict(doc)
    t = pd.concat([
        _table(site_id=["in cell"], excluded_by_raster=[True], exclusion_raster_name=["protected.tif"]),
        _table(site_id=["dear"], excluded_by_raster=[False], cost_raster_value=[6000.0], resource_raster_value=[5.0]),
        _table(site_id=["dim"], excluded_by_raster=[False], cost_raster_value=[100.0], resource_raster_value=[3.5]),
        _table(site_id=["nodata"], excluded_by_raster=[pd.NA], cost_raster_value=[np.nan], resource_raster_value=[np.nan]),
    ], ignore_index=True)
    t["excluded_by_raster"] = t["excluded_by_raster"].astype("boolean")
    e = exclusions(t, prof)
    assert e["exclusion_weight_frac"].tolist() == [0.0, 0.5, 0.0, 1.0]  # NaN values and nodata never match a rule
    assert e["exclusion_reason"].iloc[0] == "inside an excluded cell of protected.tif"
    assert e["exclusion_reason"].iloc[1] == "land above USD 5,000/acre"
    assert e["exclusion_reason"].iloc[2] == "solar resource below 4 kWh/m2/day"
    doc["hard"]["exclude_raster_cells"] = False
    assert exclusions(t, profile_from_dict(doc))["exclusion_weight_frac"].iloc[0] == 1.0  # the profile can switch it off
    text = score_table(t, prof, SCN)["explanation"]
    assert "Would be disqualified by:" in text.iloc[3] and "a nonzero cell of the exclusion raster" not in text.iloc[3]


def test_brownfield_subscore_hand():
    # a retired plant 2.5 km away freeing 700 MW for a 1,400 MW facility peak: (1 - 2.5/10) x 700/1400 = 0.375
    t = _table(distance_to_power_plant_km=[2.5], distance_to_brownfield_plant_km=[2.5], brownfield_capacity_mw=[700.0],
               facility_peak_load_mw=[1400.0], brownfield_plant_name=["Old Coal"], brownfield_status=["retired coal 2020 700 MW"],
               brownfield_has_steam_cooling=[True])
    s = subscores(t, P, SCN)
    assert s["score_brownfield"].iloc[0] == pytest.approx(0.375, rel=1e-12)
    # plants layer present, no qualifying plant near: 0 (not unknown); beyond the 10 km scale: 0
    assert subscores(_table(distance_to_power_plant_km=[4.0]), P, SCN)["score_brownfield"].iloc[0] == 0.0
    far = t.assign(distance_to_brownfield_plant_km=[12.0])
    assert subscores(far, P, SCN)["score_brownfield"].iloc[0] == 0.0
    # the explanation names the plant
    text = score_table(t, P, SCN)["explanation"].iloc[0]
    assert "Old Coal" in text and "700 MW of interconnection" in text and "cooling water rights" in text
