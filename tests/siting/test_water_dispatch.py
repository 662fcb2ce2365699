"""Power-generation water from the site chain's hourly dispatch (the same design the power section shows)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models import solar, wind
from siting import water_budget as sw
from siting.cli import main
from siting.scenario import Scenario

LAT, LON = 36.07, -79.79  # inside the embedded synthetic sample region (real Greensboro TMY3 weather)
RPG = Scenario(it_load_mw=100.0, power_design="renewables_plus_gas", max_gas_share_frac=0.5)


@pytest.fixture(scope="module")
def located():
    from siting.site import design_at

    return design_at(LAT, LON, RPG)


@pytest.fixture(scope="module")
def site(located):
    return located.water()


def test_renewables_plus_gas_power_water_comes_from_the_dispatch(located, site):
    design = located.design.power
    opt = design.option("renewables_plus_gas")
    assert opt.pv_capacity_mw_dc > 0 and opt.wind_capacity_mw > 0  # the LP built both, so the split is exercised
    by = site.power_by_technology
    assert set(by.index) == {"simple_cycle_gas_turbine", "solar_pv", "wind"}
    assert by.loc["simple_cycle_gas_turbine", "energy_mwh_per_yr"] == opt.gas_mwh_per_yr
    # PV + wind = the renewable output the dispatch used (curtailment excluded, battery charge included)
    used = design.hourly["renewables_plus_gas"]["renewable_used_mw"].sum()
    assert by.loc["solar_pv", "energy_mwh_per_yr"] + by.loc["wind", "energy_mwh_per_yr"] == pytest.approx(used, rel=1e-9)
    # power water = PV MWh x 1 gal/MWh (Macknick median, catalog) + gas x 0 + wind x 0
    pw = site.budget.get("power_generation", "consumption").gal_per_yr
    assert pw == opt.power_water_consumption_gal_per_yr > 0
    assert pw == pytest.approx(by.loc["solar_pv", "energy_mwh_per_yr"] * 1.0, rel=1e-12)
    assert site.columns()["power_water_consumption_gal_per_yr"] == pw
    assert any("renewables_plus_gas hourly re-dispatch" in n for n in site.budget.notes)
    assert any("renewables_plus_gas hourly re-dispatch" in n for n in site.notes)


def test_pv_wind_split_matches_the_profiles_in_uncurtailed_hours(located):
    # Independent check of the split: where nothing was curtailed, PV used = PV available exactly. The PV profile
    # is the station's (where the irradiance was measured), recomputed here with pvlib through models.solar.
    design = located.design.power
    st = located.design.climate.station
    opt = design.option("renewables_plus_gas")
    pv_av = solar.pv_ac_mw_per_mw_dc(st.weather, st.latitude_deg, st.longitude_deg, st.elevation_m,
                                     solar.PVSystem(mount="single_axis")) * opt.pv_capacity_mw_dc
    wd_av = wind.wind_mw_per_mw(st.weather) * opt.wind_capacity_mw
    gen = sw.generation_by_technology(located.design)
    used = design.hourly["renewables_plus_gas"]["renewable_used_mw"].to_numpy()
    full = np.isclose(used, pv_av + wd_av, rtol=1e-12, atol=1e-9)
    assert full.sum() > 1000
    np.testing.assert_allclose(gen["solar_pv"].to_numpy()[full], pv_av[full], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(gen["wind"].to_numpy()[full], wd_av[full], rtol=1e-9, atol=1e-9)


def test_other_options_of_the_same_design(located):
    design = located.design.power
    grid = sw.generation_by_technology(located.design, "grid_with_backup")
    assert grid.sum().sum() == pytest.approx(design.option("grid_with_backup").grid_mwh_per_yr, rel=1e-9)
    assert list(grid.columns) == ["grid_average_us"]
    gas = sw.generation_by_technology(located.design, "gas_only")
    assert gas.sum().sum() == pytest.approx(design.option("gas_only").gas_mwh_per_yr, rel=1e-9)
    b = sw.budget_of(located.design, "grid_with_backup")
    assert b.get("power_generation", "consumption").gal_per_yr == design.option("grid_with_backup").power_water_consumption_gal_per_yr


def test_each_prime_mover_is_counted_as_its_technology():
    from gis_data.weather import load_weather

    w = load_weather("pvlib:723170TYA.CSV")
    cc = sw.site_water(w, Scenario(prime_mover="GE 7HA.02 CC", power_design="gas_only"))
    # hand: gas energy x 205 gal/MWh (Macknick NGCC wet-tower median)
    o = cc.power_by_technology
    assert list(o.index) == ["combined_cycle_wet"]
    assert cc.budget.get("power_generation", "consumption").gal_per_yr == pytest.approx(
        o.loc["combined_cycle_wet", "energy_mwh_per_yr"] * 205.0, rel=1e-12)
    dry = sw.site_water(w, Scenario(prime_mover="GE 7HA.02 CC", power_design="bridge_to_grid"), combined_cycle_cooling="dry")
    assert dry.budget.get("power_generation", "consumption").gal_per_yr == pytest.approx(
        dry.power_by_technology["energy_mwh_per_yr"].sum() * 2.0, rel=1e-12)  # Macknick NGCC dry median 2 gal/MWh
    assert any("bridge years" in n for n in dry.notes)
    recip = sw.site_water(w, Scenario(prime_mover="Wartsila 18V50SG"))
    assert list(recip.power_by_technology.index) == ["reciprocating_engine"]
    assert recip.budget.get("power_generation", "consumption").gal_per_yr == 0.0
    from siting.chain.resolved import gas_technology

    with pytest.raises(KeyError, match="once_through"):
        gas_technology("GE 7HA.02 CC", combined_cycle_cooling="pond")


def test_cli_lat_lon_renewables_plus_gas(capsys, located, site):
    assert main(["water", "--lat", str(LAT), "--lon", str(LON), "--it-mw", "100", "--power-design",
                 "renewables_plus_gas", "--max-gas-share-frac", "0.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    techs = {r["technology"] for r in out["power_by_technology"]}
    assert {"solar_pv", "wind"} <= techs
    # the CLI runs the same chain as the API: the same figures, equal
    assert out["columns"]["power_water_consumption_gal_per_yr"] == site.columns()["power_water_consumption_gal_per_yr"]
    assert out["columns"]["site_water_consumption_gal_per_yr"] == site.columns()["site_water_consumption_gal_per_yr"]
    assert any("re-dispatch" in n for n in out["budget_notes"])


def test_site_report_water_uses_the_reports_power_design(located, site):
    from siting.site_report import build_site_report

    r = build_site_report(LAT, LON, RPG).view()
    chosen = next(o for o in r["power"]["options"] if o["design"] == "renewables_plus_gas")
    note = next(n for n in r["water"]["notes"] if "re-dispatch" in n)
    # the water section names the same capacities the power section shows (one design, not two)
    assert f"{chosen['pv_capacity_mw_dc']:,.0f} MWdc PV" in note
    assert f"{chosen['wind_capacity_mw']:,.0f} MW wind" in note
    power_line = next(b for b in r["water"]["budget"] if b["scope"] == "power_generation" and b["metric"] == "consumption")
    assert power_line["gal_per_yr"] == site.budget.get("power_generation", "consumption").gal_per_yr
