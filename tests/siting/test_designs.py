"""Full hourly designs for the top sites of a batch, on the embedded sample region."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from gis_data.layerset import LayerSet
from gis_data.weather import load_weather
from models import water as wt
from siting import schema
from siting.batch import score_sites
from siting.cli import main
from siting.chain.money import GAS_SHARE_TOLERANCE_FRAC
from siting.chain.site import OPTION_FIELDS
from siting.designs import add_designs, design_columns, design_sites, design_summary
from siting.errors import ConfigError
from siting.power import OPTIONS, design_power
from siting.scenario import Scenario

#: A gas-share cap makes the renewables LP build PV/wind/battery; no wind and every 8th day keep the LPs quick.
SCENARIO = Scenario(max_gas_share_frac=0.6)
FAST = {"include_wind": False, "sizing_day_stride": 8}
#: Ozone classes and grid waits put on the sample rows (its real table is all attainment) so permits and timing vary.
CLASSES = ["attainment", "marginal", "serious", "severe", "nonattainment", None]


@pytest.fixture(scope="module")
def layers():
    return LayerSet.sample()


@pytest.fixture(scope="module")
def scored(layers):
    from siting.demo import demo_candidates

    sites = demo_candidates(layers).iloc[:40].copy()
    sites["it_load_mw"] = np.where(np.arange(len(sites)) % 5 == 0, 300.0, np.nan)
    out = score_sites(sites, layers, SCENARIO, explain=False, progress=False)
    out["nonattainment_status"] = pd.array([CLASSES[i % len(CLASSES)] for i in range(len(out))], dtype="string")
    out["interconnection_wait_months"] = np.where(np.arange(len(out)) % 3 == 0, 30.0, 55.0)
    return out


@pytest.fixture(scope="module")
def designs(scored, layers):
    return design_sites(scored, layers, SCENARIO, top=20, progress=False, **FAST)


def test_top_rows_by_rank_get_a_design(scored, designs):
    best = scored[scored["error"] == ""].sort_values("rank").head(20)
    assert list(designs.index) == list(best.index)
    assert (designs["design_note"] == "designed").all()
    assert design_summary(designs).designed == 20
    assert list(designs.columns) == ["site_id"] + design_columns()


def test_every_option_equals_design_power_exactly(scored, designs, layers):
    """One chain: each batch-designed site equals design_power on the same inputs, bit for bit, every option.

    Same station weather, elevation, IT load, ozone status, distances to the chosen pipeline
    and to the substation of the class the load needs, and connection region; the capacity LP of
    the site's group is solved at the station's elevation on both paths, so sharing it
    changes nothing.
    """
    weather = load_weather(str(layers.load("weather_stations")["path"].iloc[0]))
    permits = set()
    for idx, d in designs.iterrows():
        s = scored.loc[idx]
        sc = SCENARIO if np.isnan(s["it_load_mw"]) else SCENARIO.replace(it_load_mw=float(s["it_load_mw"]))
        from siting.chain.money import grid_region_of

        p = design_power(weather, sc, altitude_m=float(d["design_altitude_m"]),
                         nonattainment_class=s["nonattainment_status"],
                         latitude=float(s["latitude_deg"]), longitude=float(s["longitude_deg"]),
                         distance_to_pipeline_km=float(s["distance_to_chosen_pipeline_km"]),
                         distance_to_substation_km=float(s["distance_to_adequate_substation_km"]),
                         state_abbr=s["state_abbr"],
                         grid_region=grid_region_of(s["balancing_authority"], s["state_abbr"]), **FAST)
        assert d["design_gas_units_count"] == p.fleet.units_count
        assert d["design_air_permit_path"] == p.option("gas_only").air_permit_path
        assert d["design_option"] == p.recommended
        permits.add(d["design_air_permit_path"])
        for o in OPTIONS:
            for f in OPTION_FIELDS:
                if f"{o}_{f}" in d.index:
                    a, b = d[f"{o}_{f}"], getattr(p.option(o), f)
                    assert a == b or (np.isnan(a) and np.isnan(b)), (o, f, a, b)
    assert len(permits) >= 2  # ozone classes on the rows change the permit path


def test_chosen_is_cheapest_qualifying(designs):
    for _, d in designs.iterrows():
        ok = [o for o in OPTIONS
              if (d[f"{o}_gas_mwh_per_yr"] / (d[f"{o}_annual_cost_usd_per_yr"] / d[f"{o}_lcoe_usd_per_mwh"])
                  <= SCENARIO.max_gas_share_frac + GAS_SHARE_TOLERANCE_FRAC * (1 + 1e-12))]
        best = min(ok, key=lambda o: d[f"{o}_lcoe_usd_per_mwh"])
        assert d["design_option"] == best
        assert d["design_lcoe_usd_per_mwh"] == d[f"{best}_lcoe_usd_per_mwh"]
    # gas only serves everything from gas: over the 0.6 cap, never chosen
    assert not (designs["design_option"] == "gas_only").any()


def test_water_from_station_cooling_and_dispatch(designs, scored, layers):
    from models import cooling as cl

    weather = load_weather(str(layers.load("weather_stations")["path"].iloc[0]))
    per_mw = cl.annual_cooling(cl.hourly_cooling(weather, 1.0, SCENARIO.cooling), SCENARIO.cooling)
    per_mw = per_mw.water_consumption_gal_per_yr
    it = scored.loc[designs.index, "it_load_mw"].fillna(SCENARIO.it_load_mw).to_numpy()
    np.testing.assert_allclose(designs["design_cooling_water_consumption_gal_per_yr"], per_mw * it, rtol=1e-12)
    # grid: all facility energy at the US grid factor (LBNL 2024 derived, water_use_factors.csv)
    grid = wt.power_water_factor("grid_average_us").consumption_gal_per_mwh
    energy = designs["grid_with_backup_annual_cost_usd_per_yr"] / designs["grid_with_backup_lcoe_usd_per_mwh"]
    np.testing.assert_allclose(designs["grid_with_backup_power_water_consumption_gal_per_yr"], energy * grid,
                               rtol=1e-9)
    # the LM6000 is a simple-cycle turbine: no power-generation water (catalog factor 0)
    assert (designs["gas_only_power_water_consumption_gal_per_yr"] == 0).all()
    assert (designs["renewables_plus_gas_power_water_consumption_gal_per_yr"] > 0).all()  # PV washing, 1 gal/MWh
    total = (designs["design_cooling_water_consumption_gal_per_yr"]
             + designs["design_power_water_consumption_gal_per_yr"])
    np.testing.assert_allclose(designs["design_total_water_consumption_gal_per_yr"], total, rtol=1e-12)


def test_combined_cycle_designs_take_the_site_budgets_water_technology(scored, layers):
    # A combined-cycle unit's steam cycle needs cooling: the batch design must count it with the same
    # technology the site water budget picks (combined_cycle_wet, water_use_factors.csv), not simple cycle.
    cc = Scenario(prime_mover="GE 7HA.02 CC")
    d = design_sites(scored, layers, cc, top=3, progress=False, **FAST)
    from siting.chain.resolved import gas_technology

    assert gas_technology(cc.prime_mover) == "combined_cycle_wet"
    factor = wt.power_water_factor("combined_cycle_wet").consumption_gal_per_mwh
    gas_mwh = d["gas_only_gas_mwh_per_yr"].to_numpy()
    assert (gas_mwh > 0).all()
    np.testing.assert_allclose(d["gas_only_power_water_consumption_gal_per_yr"], gas_mwh * factor, rtol=1e-12)


def test_error_rows_are_skipped_and_say_so(layers):
    sites = pd.DataFrame({"site_id": ["a", "b", "c"], "lat": [36.1, np.nan, 36.15], "lon": [-79.9, -79.8, -79.85]})
    scored = score_sites(sites, layers, SCENARIO, explain=False, progress=False)
    assert (scored["error"] != "").sum() == 1
    d = design_sites(scored, layers, SCENARIO, top=5, progress=False, **FAST)
    assert list(d["site_id"]) == list(scored.loc[scored["rank"].notna()].sort_values("rank")["site_id"])
    assert design_summary(d).skipped_error == 1
    joined = add_designs(scored, d)
    assert joined.loc[joined["site_id"] == "b", "design_note"].iloc[0] == "skipped: the row has an error"
    assert np.isnan(joined.loc[joined["site_id"] == "b", "design_lcoe_usd_per_mwh"].iloc[0])
    assert len(joined) == len(scored) and list(joined.index) == list(scored.index)


def test_not_in_top_keeps_nan_and_a_note(scored, designs):
    joined = add_designs(scored, designs)
    rest = joined[~joined["site_id"].isin(designs["site_id"])]
    assert len(rest) == len(scored) - 20
    assert rest["design_note"].str.startswith("not designed").all()
    assert rest["design_lcoe_usd_per_mwh"].isna().all() and rest["design_option"].isna().all()


def test_deterministic(scored, layers, designs):
    again = design_sites(scored, layers, SCENARIO, top=20, progress=False, **FAST)
    pd.testing.assert_frame_equal(again, designs, check_exact=True)


def test_columns_are_in_the_schema():
    cols = schema.columns()
    for name in design_columns():
        assert name in cols and cols[name].group == "design", name


def test_bad_arguments(scored, layers):
    with pytest.raises(ConfigError, match="top=0"):
        design_sites(scored, layers, SCENARIO, top=0)
    with pytest.raises(ConfigError, match="'rank'"):
        design_sites(scored.drop(columns=["rank"]), layers, SCENARIO, top=3)


def test_cli_score_with_design_top(tmp_path, capsys):
    from siting.demo import demo_candidates

    sites = demo_candidates(LayerSet.sample()).iloc[:12]
    src = tmp_path / "sites.csv"
    pd.DataFrame({"site_id": sites["site_id"], "lat": sites["latitude_deg"], "lon": sites["longitude_deg"]}).to_csv(
        src, index=False)
    out = tmp_path / "scored.csv"
    assert main(["score", str(src), "--out", str(out), "--design-top", "3", "--json", "--no-progress"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["designs"]["designed"] == 3 and res["designs"]["seconds"] > 0
    table = pd.read_csv(out)
    assert (table["design_note"] == "designed").sum() == 3
    assert table["design_lcoe_usd_per_mwh"].notna().sum() == 3
    best = table.sort_values("rank").head(3)
    assert (best["design_note"] == "designed").all()
    html = (tmp_path / "scored_map.html").read_text(encoding="utf-8")
    from maps.sitemap import map_summary  # the popups show the chosen design and its cost, under their labels

    assert map_summary(html)["sites"] == len(table[table["rank"].notna()])
    assert "Design option" in html and "Delivered cost" in html and "design_lcoe_usd_per_mwh" not in html


def test_far_weather_station_is_designed_with_a_caveat(scored, layers):
    far = scored.copy()
    best = far["rank"].idxmin()
    far["weather_station_too_far"] = pd.array([i == best for i in far.index], dtype="boolean")
    d = design_sites(far, layers, SCENARIO, top=2, progress=False, **FAST)
    assert d.loc[best, "design_note"].startswith("designed with the weather of station")
    assert "max_weather_station_km" in d.loc[best, "design_note"]
    assert np.isfinite(d.loc[best, "design_lcoe_usd_per_mwh"]) and design_summary(d).designed == 2
