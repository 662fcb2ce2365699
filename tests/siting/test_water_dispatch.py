"""Power-generation water from the power design's hourly dispatch (siting.water with siting.power)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from models import solar, wind
from models import water as wt
from siting import water as sw
from siting.cli import main
from siting.errors import ConfigError
from siting.scenario import Scenario

LAT, LON = 36.07, -79.79  # inside the embedded synthetic sample region (real Greensboro TMY3 weather)
RPG = Scenario(it_load_mw=100.0, power_design="renewables_plus_gas", max_gas_share_frac=0.5)


@pytest.fixture(scope="module")
def weather():
    from gis_data.layerset import LayerSet
    from gis_data.weather import weather_for_site

    return weather_for_site(LayerSet.sample(), LAT, LON).weather


@pytest.fixture(scope="module")
def design(weather):
    from siting.power import design_power

    return design_power(weather, RPG, altitude_m=250.0, nonattainment_class=None, latitude=LAT, longitude=LON)


@pytest.fixture(scope="module")
def site(weather, design):
    return sw.site_water_at(LAT, LON, RPG, weather=weather, power=design)


def test_renewables_plus_gas_power_water_comes_from_the_dispatch(design, site):
    opt = design.option("renewables_plus_gas")
    assert opt.pv_capacity_mw_dc > 0 and opt.wind_capacity_mw > 0  # the LP built both, so the split is exercised
    by = site.power_by_technology
    assert set(by.index) == {"simple_cycle_gas_turbine", "solar_pv", "wind"}
    # gas: the option's own annual gas energy (same dispatch, 8,760 h: only summation order differs)
    assert by.loc["simple_cycle_gas_turbine", "energy_mwh_per_yr"] == pytest.approx(opt.gas_mwh_per_yr, rel=1e-9)
    # PV + wind = the renewable output the dispatch used (curtailment excluded, battery charge included)
    used = design.hourly["renewables_plus_gas"]["renewable_used_mw"].sum()
    assert by.loc["solar_pv", "energy_mwh_per_yr"] + by.loc["wind", "energy_mwh_per_yr"] == pytest.approx(used, rel=1e-9)
    # and the renewable share matches the design's reported renewable fraction of delivered energy
    ren_share = (by.loc["solar_pv", "energy_mwh_per_yr"] + by.loc["wind", "energy_mwh_per_yr"]) / design.facility_energy_mwh_per_yr
    assert ren_share == pytest.approx(opt.renewable_fraction_frac, rel=1e-9)
    # power water = PV MWh x 1 gal/MWh (Macknick median, catalog) + gas x 0 + wind x 0: nonzero now
    pw = site.budget.get("power_generation", "consumption").gal_per_yr
    assert pw > 0
    assert pw == pytest.approx(by.loc["solar_pv", "energy_mwh_per_yr"] * 1.0, rel=1e-9)
    assert site.columns()["power_water_consumption_gal_per_yr"] == pytest.approx(pw, rel=1e-12)
    # the budget says which dispatch supplied the mix
    assert any("renewables_plus_gas hourly re-dispatch" in n for n in site.budget.notes)
    assert any("renewables_plus_gas hourly re-dispatch" in n for n in site.notes)


def test_pv_wind_split_matches_the_profiles_in_uncurtailed_hours(weather, design, site):
    # Independent check of the split: where nothing was curtailed, PV used = PV available exactly.
    opt = design.option("renewables_plus_gas")
    pv_av = solar.pv_ac_mw_per_mw_dc(weather, LAT, LON, 250.0, solar.PVSystem(mount="single_axis")) * opt.pv_capacity_mw_dc
    wd_av = wind.wind_mw_per_mw(weather) * opt.wind_capacity_mw
    gen, _ = sw.generation_by_technology(design, weather=weather)
    used = design.hourly["renewables_plus_gas"]["renewable_used_mw"].to_numpy()
    full = np.isclose(used, pv_av + wd_av, rtol=1e-12, atol=1e-9)
    assert full.sum() > 1000
    np.testing.assert_allclose(gen["solar_pv"].to_numpy()[full], pv_av[full], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(gen["wind"].to_numpy()[full], wd_av[full], rtol=1e-9, atol=1e-9)


def test_site_water_at_runs_the_design_itself_when_not_given(weather, site):
    # Same weather and scenario; altitude from pvlib's map instead of 250 m shifts the gas derate slightly,
    # so the mix is close, not identical: compare PV water within 10 %.
    own = sw.site_water_at(LAT, LON, RPG, weather=weather)
    assert set(own.power_by_technology.index) == set(site.power_by_technology.index)
    a = own.budget.get("power_generation", "consumption").gal_per_yr
    b = site.budget.get("power_generation", "consumption").gal_per_yr
    assert a == pytest.approx(b, rel=0.10)


def test_other_options_of_the_same_design(design):
    grid, note = sw.generation_by_technology(design, design="grid_with_backup")
    # grid: facility energy x 1,198.9 gal/MWh (LBNL 2024 derived); energy equals the option's grid MWh
    assert grid.sum().sum() == pytest.approx(design.option("grid_with_backup").grid_mwh_per_yr, rel=1e-9)
    assert list(grid.columns) == ["grid_average_us"]
    gas, _ = sw.generation_by_technology(design, design="gas_only")
    assert gas.sum().sum() == pytest.approx(design.option("gas_only").gas_mwh_per_yr, rel=1e-9)
    _, bridge_note = sw.generation_by_technology(design, design="bridge_to_grid")
    assert "bridge years" in bridge_note and "US grid average" in bridge_note


def test_a_design_for_another_power_design_is_refused(weather, design):
    with pytest.raises(ConfigError, match="renewables_plus_gas"):
        sw.site_water_at(LAT, LON, RPG.replace(power_design="gas_only"), weather=weather, power=design)


def _synthetic_year():
    idx = pd.date_range("2021-01-01", periods=8760, freq="h")
    doy = idx.day_of_year.to_numpy()
    temp = 16 + 12 * np.sin(2 * np.pi * (doy - 110) / 365)
    return pd.DataFrame({"temp_air_degc": temp, "relative_humidity_pct": 60.0, "pressure_pa": 100_000.0}, index=idx)


def test_fast_path_uses_the_prime_movers_technology():
    w = _synthetic_year()
    cc = sw.site_water(w, Scenario(prime_mover="GE 7HA.02 CC", power_design="gas_only"))
    # hand: facility energy x 205 gal/MWh (Macknick NGCC wet-tower median)
    assert cc.budget.get("power_generation", "consumption").gal_per_yr == pytest.approx(
        cc.cooling.facility_energy_mwh_per_yr * 205.0, rel=1e-9)
    dry = sw.site_water(w, Scenario(prime_mover="GE 7HA.02 CC", power_design="bridge_to_grid"), combined_cycle_cooling="dry")
    assert dry.budget.get("power_generation", "consumption").gal_per_yr == pytest.approx(
        dry.cooling.facility_energy_mwh_per_yr * 2.0, rel=1e-9)  # Macknick NGCC dry median 2 gal/MWh
    assert any("bridge years" in n for n in dry.notes)
    recip = sw.site_water(w, Scenario(prime_mover="Wartsila 18V50SG"))
    assert list(recip.power_by_technology.index) == ["reciprocating_engine"]
    assert recip.budget.get("power_generation", "consumption").gal_per_yr == 0.0
    no_dispatch = sw.site_water(w, RPG)
    assert math.isnan(no_dispatch.budget.get("power_generation", "consumption").gal_per_yr)
    assert any("needs the hourly dispatch" in n for n in no_dispatch.budget.notes)
    with pytest.raises(KeyError, match="once_through"):
        sw.gas_technology("GE 7HA.02 CC", combined_cycle_cooling="pond")


def test_cli_lat_lon_renewables_plus_gas(capsys):
    assert main(["water", "--lat", str(LAT), "--lon", str(LON), "--it-mw", "100", "--power-design",
                 "renewables_plus_gas", "--max-gas-share-frac", "0.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    techs = {r["technology"] for r in out["power_by_technology"]}
    assert {"solar_pv", "wind"} <= techs
    assert out["columns"]["power_water_consumption_gal_per_yr"] > 0
    assert any("re-dispatch" in n for n in out["budget_notes"])


def test_site_report_water_uses_the_reports_power_design():
    from siting.site_report import build_site_report

    r = build_site_report(LAT, LON, RPG)
    chosen = next(o for o in r["power"]["options"] if o["design"] == "renewables_plus_gas")
    note = next(n for n in r["water"]["notes"] if "re-dispatch" in n)
    # the water section names the same capacities the power section shows (one design, not two)
    assert f"{chosen['pv_capacity_mw_dc']:,.0f} MWdc PV" in note
    assert f"{chosen['wind_capacity_mw']:,.0f} MW wind" in note
    power_line = next(b for b in r["water"]["budget"] if b["scope"] == "power_generation" and b["metric"] == "consumption")
    assert power_line["gal_per_yr"] > 0
