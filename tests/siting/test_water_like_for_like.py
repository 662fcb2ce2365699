"""Water context like for like: withdrawal against withdrawal, the utility's real source, the stress basis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from siting import water_context as wc


def _water_use():
    # county A draws its own water; county B's utilities deliver 9 Mgal/d to homes but withdraw 1 Mgal/d in it
    return pd.DataFrame({
        "county_fips": ["00001", "00002", "00003"], "state_abbr": ["ZZ", "ZZ", "ZZ"],
        "withdrawal_total_gal_per_day": [40e6, 5e6, 3e6], "withdrawal_fresh_gal_per_day": [30e6, 4e6, 3e6],
        "withdrawal_public_supply_gal_per_day": [20e6, 1e6, np.nan],
        "public_supply_population": [100_000.0, 60_000.0, np.nan],
        "public_supply_domestic_deliveries_gal_per_day": [12e6, 9e6, np.nan],
    })


def test_county_water_facts_by_hand():
    f = wc.county_water_facts(_water_use(), ["00001", "00002", "00003", None]).set_index("county_fips", drop=False)
    # state public supply per person served: (20 + 1) Mgal/d / 160,000 people = 131.25 gal/person/day
    assert f["state_public_supply_gal_per_person_day"].iloc[0] == pytest.approx(21e6 / 160_000, rel=1e-12)
    # A: its own 20 Mgal/d; its users draw its 30 Mgal/d of fresh water
    assert f["utility_supply_gal_per_day"].iloc[0] == 20e6 and f["county_water_gal_per_day"].iloc[0] == 30e6
    # B imports: utility 60,000 x 131.25 = 7.875 Mgal/d; users draw 4 + (7.875 - 1) = 10.875 Mgal/d
    assert f["utility_supply_gal_per_day"].iloc[1] == pytest.approx(7.875e6, rel=1e-12)
    assert f["county_water_gal_per_day"].iloc[1] == pytest.approx(10.875e6, rel=1e-12)
    assert "draw water outside it" in f["public_supply_basis"].iloc[1] and "60,000 people" in f["public_supply_basis"].iloc[1]
    # C: no delivery figures: its own (unknown) public supply, said so; no row: unknown
    assert "whether its utilities also draw water elsewhere is unknown" in f["public_supply_basis"].iloc[2]
    assert f["public_supply_basis"].iloc[3] == "no county water-use row: unknown"


def test_shares_withdrawal_with_withdrawal_and_one_rule_for_both_paths():
    # site withdraws 365 M gal/yr = 1 Mgal/d (consumes half): B's users draw 10.875 -> 9.195 %; utility 7.875 -> 12.70 %
    cols = wc.context_columns([182.5e6], [365e6], county_fips=["00002"], state_abbr=["ZZ"], lon=[0.0], lat=[0.0],
                              county_water=_water_use())
    assert cols["site_water_share_of_county_pct"][0] == pytest.approx(100 / 10.875, rel=1e-12)
    assert cols["site_water_share_of_public_supply_pct"][0] == pytest.approx(100 / 7.875, rel=1e-12)
    facts = wc.county_water_facts(_water_use(), ["00002"]).iloc[0].to_dict()
    one = wc.local_context(182.5e6, 365e6, county_water=facts)
    assert one.share_of_county_pct == cols["site_water_share_of_county_pct"][0]
    assert one.verdict == cols["water_verdict"][0] and one.verdict_basis == cols["water_verdict_basis"][0]
    assert "fresh withdrawals plus public supply drawn outside the county" in one.verdict_basis


def test_state_average_stress_is_named_not_used():
    stress = pd.DataFrame({"state_abbr": ["ZZ", "ZZ"], "bws_score": [4.0, 4.0], "area_km2": [1.0, 1.0]})
    cols = wc.context_columns([1e6], [2e6], county_fips=["00001"], state_abbr=["ZZ"], lon=[0.0], lat=[0.0],
                              county_water=_water_use(), water_stress=stress)
    assert np.isnan(cols["water_stress_bws_score"][0]) and cols["water_stress_state_avg_bws_score"][0] == 4.0
    # a 4.0 state average would make it "high concern"; unused, the tiny share leaves "low concern"
    assert cols["water_verdict"][0] == "low concern"
    assert "state area-weighted average" in cols["water_verdict_basis"][0] and "not scored" in cols["water_stress_basis"][0]


@pytest.mark.shared_data
def test_taylor_county_abilene_draws_its_water_elsewhere(shared_data):
    """Taylor County, TX (Abilene): USGS 2015 public supply delivers 9.39 Mgal/d to homes and withdraws 0.46 Mgal/d
    in the county, so the utility's supply is estimated from the 134,180 people it serves."""
    from gis_data.water import load_usgs_water_use

    wu = load_usgs_water_use(shared_data / "water_use_us_usgs_2015/usco2015v2.0.csv.gz")
    f = wc.county_water_facts(wu, ["48441"]).iloc[0]
    raw = pd.read_csv(shared_data / "water_use_us_usgs_2015/usco2015v2.0.csv.gz", na_values="--")
    tx = raw[(raw["STATE"] == "TX") & (raw["PS-TOPop"] > 0) & raw["PS-Wtotl"].notna()]
    per_person = tx["PS-Wtotl"].sum() * 1e6 / (tx["PS-TOPop"].sum() * 1000)  # independent pandas sum
    assert f["state_public_supply_gal_per_person_day"] == pytest.approx(per_person, rel=1e-9)
    assert f["utility_supply_gal_per_day"] == pytest.approx(134_180 * per_person, rel=1e-9)
    assert 100 < per_person < 200  # gal/person/day, the usual US range
    # the users of Taylor County draw its 2.26 Mgal/d of fresh water plus the utility's estimate less 0.46
    assert f["county_water_gal_per_day"] == pytest.approx(2.26e6 + 134_180 * per_person - 0.46e6, rel=1e-9)
