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
    # Hand: 100/250/1.1 = 0.363636...; extreme 10/250/1.5 = 0.026667; general nonattainment 100/250 = 0.4.
    h = air_headroom()
    assert h["attainment"] == 1.0
    assert h["marginal"] == pytest.approx(100 / 250 / 1.1, rel=1e-12)  # same arithmetic, float round-off
    assert h["extreme"] == pytest.approx(10 / 250 / 1.5, rel=1e-12)
    assert h["nonattainment"] == pytest.approx(0.4, rel=1e-12)
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
    hand = w["grid"] * 0.625 + w["gas"] * 0.5 + w["water"] * 0.625 + w["air"] * 1.0 + w["climate"] * 0.5
    assert total_score(sub, P, [1.0])[0] == pytest.approx(hand, rel=1e-12)
    sub2 = subscores(_table(cooling_pue_annual=[np.nan], wue_consumption_l_per_kwh=[np.nan]), P, SCN)
    assert np.isnan(sub2["score_climate"].iloc[0])
    keep = {k: v for k, v in w.items() if k != "climate"}
    hand2 = (keep["grid"] * 0.625 + keep["gas"] * 0.5 + keep["water"] * 0.625 + keep["air"] * 1.0) / sum(keep.values())
    assert total_score(sub2, P, [1.0])[0] == pytest.approx(hand2, rel=1e-12)


def test_hard_constraints_and_setbacks():
    t = pd.concat([
        _table(site_id=["far"], distance_to_pipeline_km=[61.0]),
        _table(site_id=["severe"], nonattainment_status=["severe"]),
        _table(site_id=["dc"], distance_to_datacenter_km=[0.2]),
        _table(site_id=["plant"], distance_to_power_plant_km=[0.1]),
        _table(site_id=["ok"], distance_to_datacenter_km=[5.0]),
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
