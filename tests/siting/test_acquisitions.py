"""Acquisition screening (synthetic plants with hand-checkable distances) and acquisition deals."""

from __future__ import annotations

import numpy as np
import pytest

gpd = pytest.importorskip("geopandas")

from siting import acquisitions as acq  # noqa: E402
from siting import deal as D  # noqa: E402
from siting.errors import ConfigError, CRSError, DataError, UnknownNameError  # noqa: E402

SITE_LAT, SITE_LON = 31.0, -100.0


def _plants() -> gpd.GeoDataFrame:
    """Generators placed by offsets in EPSG:5070 from the site, so distances are known by hand."""
    site = gpd.GeoSeries(gpd.points_from_xy([SITE_LON], [SITE_LAT]), crs="EPSG:4326").to_crs("EPSG:5070").iloc[0]
    rows = [
        # plant_id, name, gen, MW, source, tech, status, op_year, ret_year, pipeline, dx_km, dy_km
        ("1", "Coal A", "1", 300.0, "SUB", "Conventional Steam Coal", "RE", 1975, 2020, "", 3.0, 4.0),
        ("1", "Coal A", "2", 300.0, "SUB", "Conventional Steam Coal", "RE", 1980, 2022, "", 3.0, 4.0),
        ("2", "Gas B", "CT1", 200.0, "NG", "Natural Gas Fired Combustion Turbine", "OP", 2000, np.nan, "Permian Hwy", 6.0, 8.0),
        ("2", "Gas B", "CT2", 100.0, "NG", "Natural Gas Fired Combustion Turbine", "OP", 2010, 2030, "Permian Hwy", 6.0, 8.0),
        ("3", "Solar C", "PV1", 250.0, "SUN", "Solar Photovoltaic", "OP", 2021, np.nan, "", 1.0, 0.0),
        ("4", "Oil D", "1", 50.0, "DFO", "Petroleum Liquids", "OP", 1990, np.nan, "", 0.0, 30.0),
        ("5", "Far Gas E", "1", 500.0, "NG", "Natural Gas Fired Combined Cycle", "OP", 2015, np.nan, "Gulf South", 0.0, 300.0),
    ]
    pts = [(site.x + r[10] * 1000.0, site.y + r[11] * 1000.0) for r in rows]
    geom = gpd.GeoSeries(gpd.points_from_xy(*zip(*pts, strict=True)), crs="EPSG:5070").to_crs("EPSG:4326")
    return gpd.GeoDataFrame({
        "plant_id": [r[0] for r in rows], "plant_name": [r[1] for r in rows], "generator_id": [r[2] for r in rows],
        "capacity_mw": [r[3] for r in rows], "energy_source": [r[4] for r in rows], "technology": [r[5] for r in rows],
        "status": [r[6] for r in rows], "operating_year": [float(r[7]) for r in rows],
        "retirement_year": [float(r[8]) for r in rows], "balancing_authority": ["ERCO"] * len(rows),
        "gas_pipeline": [r[9] for r in rows], "state_abbr": ["TX"] * len(rows),
    }, geometry=geom, crs="EPSG:4326")


def test_screen_within_radius_hand_distances():
    t = acq.screen_plants(_plants(), lat=SITE_LAT, lon=SITE_LON, radius_km=50.0, as_of_year=2026)
    # Hand: Coal A is 3 km east and 4 km north -> 5.0 km; Gas B 6/8 -> 10.0 km; Oil D 30 km; Far Gas E (300 km)
    # is outside; Solar C is not fossil. rtol 1e-6: round trip through EPSG:4326 and back to EPSG:5070.
    assert list(t["plant_id"]) == ["1", "2", "2", "4"]
    np.testing.assert_allclose(t["distance_km"], [5.0, 10.0, 10.0, 30.0], rtol=1e-6)
    coal = t.iloc[0]
    assert (coal["status"], coal["fuel_group"], coal["capacity_mw"], coal["n_generators"]) == ("retired", "coal", 600.0, 2)
    assert coal["retired_year"] == 2022.0
    assert coal["age_yr"] == pytest.approx(2026 - (1975 + 1980) / 2)  # capacity-weighted, equal sizes
    gas = t[t["plant_id"] == "2"].set_index("status")
    # CT2 is operating with a planned retirement in 2030 -> "retiring"; CT1 stays "operating".
    assert gas.loc["retiring", "planned_retirement_year"] == 2030.0
    assert gas.loc["operating", "capacity_mw"] == 200.0
    assert gas.loc["operating", "gas_pipeline"] == "Permian Hwy"


def test_screen_filters_region_fuel_status():
    t = acq.screen_plants(_plants(), state_abbr="tx", fuels=("gas",), statuses=("operating",))
    assert sorted(t["plant_id"]) == ["2", "5"]
    assert t["distance_km"].isna().all()
    assert acq.screen_plants(_plants(), balancing_authority="PJM").empty


def test_screen_rejects_bad_inputs():
    plants = _plants()
    with pytest.raises(CRSError, match="EPSG:4326"):
        acq.screen_plants(plants.to_crs("EPSG:5070"), lat=SITE_LAT, lon=SITE_LON, radius_km=10)
    with pytest.raises(DataError, match="gas_pipeline"):
        acq.screen_plants(plants.drop(columns=["gas_pipeline"]))
    with pytest.raises(UnknownNameError, match="coal, gas, oil"):
        acq.screen_plants(plants, fuels=("peat",))
    with pytest.raises(ConfigError, match="both coordinates"):
        acq.screen_plants(plants, lat=SITE_LAT)
    with pytest.raises(ConfigError, match="radius_km"):
        acq.screen_plants(plants, radius_km=10.0)


def _template() -> D.Deal:
    return dataclasses_replace_draws(D.load_example("btm_gas_1gw_tolling"))


def dataclasses_replace_draws(deal: D.Deal) -> D.Deal:
    import dataclasses

    return dataclasses.replace(deal, monte_carlo=D.MonteCarlo(draws=0))


def test_repower_deal_uses_atb_costs_in_the_deals_dollar_year():
    from models import finance as fin

    plant = acq.screen_plants(_plants(), lat=SITE_LAT, lon=SITE_LON, radius_km=50.0).iloc[0]
    tmpl = dataclasses_replace(_template(), economics={"dollar_year": 2024})
    deal = acq.acquisition_deal(plant, acq.AcquisitionTerms("repower_cc", purchase_price_usd_per_kw=100.0), tmpl)
    assert deal.plant.capacity_mw == 600.0
    # Hand: 100 USD/kW purchase + NREL ATB 2024 gas CC 1,223.9 USD/kW (2022$) x CPI-U 2024/2022 (313.689/292.655).
    assert deal.plant.capex_usd_per_kw == pytest.approx(100.0 + 1223.9 * 313.689 / 292.655, rel=1e-12)
    assert fin.cpi_u_factor(2022, 2024) == pytest.approx(313.689 / 292.655, rel=1e-12)
    assert deal.plant.heat_rate_hhv_btu_per_kwh == 6332.0
    assert deal.plant.equipment_class == "combined_cycle"  # its time-to-power chain gives the months
    assert deal.fuel.fuel_type == "natural_gas"
    assert "Homer City" in deal.description
    r = D.evaluate_deal(deal)
    assert r.metrics["equity_irr_frac"] == pytest.approx(0.12, rel=1e-4)  # the template solves for 12 %
    assert r.grid_alternative["behind_the_meter_months_to_first_power"] == D.plant_months_to_first_power("combined_cycle")[0]


def dataclasses_replace(deal: D.Deal, **sections) -> D.Deal:
    import dataclasses

    return dataclasses.replace(deal, **{k: dataclasses.replace(getattr(deal, k), **v) for k, v in sections.items()})


def test_restart_asks_for_the_cost_no_public_case_gives():
    plant = acq.screen_plants(_plants(), lat=SITE_LAT, lon=SITE_LON, radius_km=50.0).iloc[0]  # retired coal
    with pytest.raises(ConfigError, match="option_capex_usd_per_kw .*no per-kW cost of restarting"):
        acq.acquisition_deal(plant, acq.AcquisitionTerms("restart", purchase_price_usd_per_kw=50.0), _template())
    with pytest.raises(UnknownNameError, match="repower_cc"):
        acq.AcquisitionTerms("rebuild", purchase_price_usd_per_kw=50.0)
    with pytest.raises(UnknownNameError, match="cyclone"):
        acq.AcquisitionTerms("convert", purchase_price_usd_per_kw=50.0, boiler_type="stoker")


def test_coal_restart_is_priced_on_coal():
    # Coal A is in Texas, which EIA withholds: the US 2021 delivered average 1.98 USD/MMBtu (EIA EPA Table 7.1),
    # labelled as a fallback, escalated at the template's 2.5 %/yr from 2021 to first power in 2031.
    plant = acq.screen_plants(_plants(), lat=SITE_LAT, lon=SITE_LON, radius_km=50.0).iloc[0]
    terms = acq.AcquisitionTerms("restart", purchase_price_usd_per_kw=50.0, option_capex_usd_per_kw=400.0,
                                 months_to_first_power=24.0, source="owner's estimate (test)")
    deal = acq.acquisition_deal(plant, terms, _template())
    assert deal.fuel.fuel_type == "coal"
    assert deal.fuel.first_year_usd_per_mmbtu == pytest.approx(1.98 * 1.025**10, rel=1e-12)
    assert "no EIA state value for TX" in deal.fuel.source
    # Heat rate and O&M: Lazard LCOE+ 2025 operating-coal midpoints (class-typical), O&M from 2025$ to 2022$.
    assert deal.plant.heat_rate_hhv_btu_per_kwh == pytest.approx((10_250 + 11_800) / 2, rel=1e-12)
    assert deal.plant.variable_om_usd_per_mwh == pytest.approx(5.2 * 292.655 / 321.943, rel=1e-12)
    r = D.evaluate_deal(deal)
    assert r.metrics["first_year_fuel_price_usd_per_mmbtu"] == pytest.approx(1.98 * 1.025**10, rel=1e-12)
    # 24 months against the grid's large-load connection (72 months, utility-reported): 48 months saved.
    assert r.grid_alternative["months_saved_vs_grid"] == pytest.approx(D.grid_wait_months_default()[0] - 24.0)
    assert r.grid_alternative["months_saved_vs_grid"] == pytest.approx(48.0)
    # A state with an EIA value prices there: Pennsylvania Jan-Jul 2024, 2.16 USD/MMBtu.
    pa = acq.acquisition_deal({**plant.to_dict(), "state_abbr": "PA"}, terms, _template())
    assert pa.fuel.first_year_usd_per_mmbtu == pytest.approx(2.16 * 1.025**7, rel=1e-12)


def test_coal_to_gas_conversion_hand_case():
    # EIA AEO2026 (EPA-based): a 300 MW pulverized-coal unit costs 484.75 x (75/300)^0.35 USD/kW (2022$) plus the
    # 231 USD/kW (2025$) average lateral; in the template's 2022$ the lateral is 231 x CPI 2022/2025.
    boiler, lateral = acq.coal_to_gas_conversion_capex_usd_per_kw(300.0, dollar_year=2022)
    assert boiler == pytest.approx(484.75 * 0.25**0.35, rel=1e-12)
    assert lateral == pytest.approx(231.0 * 292.655 / 321.943, rel=1e-12)
    cyclone, _ = acq.coal_to_gas_conversion_capex_usd_per_kw(300.0, "cyclone", dollar_year=2022)
    assert cyclone == pytest.approx(346.25 * 0.25**0.35, rel=1e-12)
    with pytest.raises(ConfigError, match="under 25 MW"):
        acq.coal_to_gas_conversion_capex_usd_per_kw(20.0)
    # Coal A: two 300 MW units -> 300 MW boilers; heat rate = coal midpoint x 1.05; O&M 33 % / 25 % lower.
    plant = acq.screen_plants(_plants(), lat=SITE_LAT, lon=SITE_LON, radius_km=50.0).iloc[0]
    deal = acq.acquisition_deal(plant, acq.AcquisitionTerms("convert", purchase_price_usd_per_kw=50.0), _template())
    assert deal.plant.components[1].capex_usd_per_kw == pytest.approx(boiler + lateral, rel=1e-12)
    assert deal.plant.heat_rate_hhv_btu_per_kwh == pytest.approx(11_025 * 1.05, rel=1e-12)
    assert deal.plant.components[1].fixed_om_usd_per_kw_yr == pytest.approx(
        27.75 * 292.655 / 321.943 * (1 - 0.33), rel=1e-12)
    assert deal.fuel.fuel_type == "natural_gas"  # a converted unit burns the template's gas


def test_evaluate_acquisitions_ranks_and_reports_errors():
    cands = acq.screen_plants(_plants(), lat=SITE_LAT, lon=SITE_LON, radius_km=50.0)
    terms = acq.AcquisitionTerms("convert", purchase_price_usd_per_kw=50.0, option_capex_usd_per_kw=300.0,
                                 heat_rate_hhv_btu_per_kwh=10_500.0, fixed_om_usd_per_kw_yr=40.0,
                                 source="test inputs")
    out = acq.evaluate_acquisitions(cands, terms, _template())
    assert len(out) == len(cands)
    assert out[out["fuel_group"] == "gas"]["error"].str.contains("burns gas").all()
    assert out[out["fuel_group"] == "oil"]["error"].str.contains("burns oil").all()
    ok = out[out["error"] == ""]
    assert set(ok["plant_id"]) == {"1"}
    assert ok["delivered_cost_usd_per_mwh"].notna().all()


@pytest.mark.shared_data
def test_allen_memphis_restart_is_priced_on_coal(shared_data):
    # EIA-860 2025ER: TVA's Allen plant (plant 3393, Memphis TN) has three 330 MW subbituminous (SUB) steam units
    # retired in 2018 next to its 2018 combined cycle. Restarting them burns coal: Tennessee has no EIA state value
    # in the catalog, so the labelled US average 1.98 USD/MMBtu (2021) is used - not Henry Hub gas.
    from gis_data.plants import load_eia860_generators

    plants = load_eia860_generators(shared_data / "power_plants_us_eia860" / "eia_generators.geojson.gz")
    site = plants[plants["plant_id"] == "3393"].geometry.iloc[0]
    t = acq.screen_plants(plants, lat=site.y, lon=site.x, radius_km=1.0, fuels=("coal",), statuses=("retired",))
    allen = t[t["plant_id"] == "3393"].iloc[0]
    assert (allen["plant_name"], allen["state_abbr"], allen["capacity_mw"], allen["n_generators"]) == ("Allen", "TN", 990.0, 3)
    assert allen["retired_year"] == 2018.0
    terms = acq.AcquisitionTerms("restart", purchase_price_usd_per_kw=0.0, option_capex_usd_per_kw=300.0,
                                 months_to_first_power=30.0, source="illustrative owner's estimate")
    deal = acq.acquisition_deal(allen, terms, _template())
    r = D.evaluate_deal(deal)
    assert deal.fuel.fuel_type == "coal"
    assert r.metrics["first_year_fuel_price_usd_per_mmbtu"] == pytest.approx(1.98 * 1.025**10, rel=1e-12)
    assert r.metrics["first_year_fuel_price_usd_per_mmbtu"] < _template().fuel.first_year_usd_per_mmbtu
    assert "US average (no EIA state value for TN" in deal.fuel.source
    # Conversion sizes the EIA cost function on one 330 MW boiler.
    conv = acq.acquisition_deal(allen, acq.AcquisitionTerms("convert", purchase_price_usd_per_kw=0.0), _template())
    boiler, lateral = acq.coal_to_gas_conversion_capex_usd_per_kw(330.0, dollar_year=2022)
    assert conv.plant.components[1].capex_usd_per_kw == pytest.approx(boiler + lateral, rel=1e-12)


def test_cli_plants_with_a_layer(monkeypatch, capsys):
    import json

    from siting.cli import main

    monkeypatch.setattr(acq, "load_plants_layer", lambda layers=None: _plants())
    assert main(["plants", "--lat", str(SITE_LAT), "--lon", str(SITE_LON), "--radius-km", "20", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["plant_id"] for r in rows] == ["1", "2", "2"]
    assert main(["plants", "--lat", str(SITE_LAT), "--lon", str(SITE_LON), "--radius-km", "20"]) == 0
    assert "Coal A [1]" in capsys.readouterr().out
    assert main(["plants", "--lat", "31", "--lon", "-100", "--radius-km", "0"]) == 2


@pytest.mark.shared_data
def test_real_eia860_w_a_parish(shared_data):
    # The EIA-860 2025ER generator file through the app's loader (gis_data.plants). Hand sums from the file's
    # W A Parish (plant 3470) rows: coal (SUB) units 734.1 + 734.1 + 614.6 + 654.0 = 2,736.8 MW, gas (NG) units
    # 187.8 + 187.8 + 299.2 + 580.5 + 16.3 = 1,271.6 MW, all operating, served by the Kinder Morgan Tejas pipeline.
    from gis_data.plants import load_eia860_generators

    plants = load_eia860_generators(shared_data / "power_plants_us_eia860" / "eia_generators.geojson.gz")
    site = plants[plants["plant_id"] == "3470"].geometry.iloc[0]
    t = acq.screen_plants(plants, lat=site.y, lon=site.x, radius_km=5.0, as_of_year=2026)
    parish = t[t["plant_id"] == "3470"].set_index("fuel_group")
    assert parish.loc["coal", "capacity_mw"] == pytest.approx(2736.8, abs=0.05)  # MW given to 0.1
    assert parish.loc["gas", "capacity_mw"] == pytest.approx(1271.6, abs=0.05)
    assert set(parish["status"]) == {"operating"}
    assert parish.loc["coal", "distance_km"] == pytest.approx(0.0, abs=1e-6)
    assert "KINDER MORGAN TEJAS" in parish.loc["coal", "gas_pipeline"]
    # Region screen: retired Texas coal plants exist in EIA-860 and every row is coal, retired, in TX.
    tx = acq.screen_plants(plants, state_abbr="TX", fuels=("coal",), statuses=("retired",))
    assert len(tx) > 0 and set(tx["status"]) == {"retired"} and set(tx["state_abbr"]) == {"TX"}
    # Batch columns on the real layer: the plant's own site has it at 0 km and at least its 4,008.4 MW within 50 km.
    sites = gpd.GeoDataFrame({"site_id": ["parish"]}, geometry=[site], crs="EPSG:4326")
    cols = acq.acquisition_columns(sites, plants)
    assert cols.loc[0, "fossil_plant_nearest_km"] == pytest.approx(0.0, abs=1e-6)
    assert cols.loc[0, "fossil_capacity_within_50km_mw"] >= 2736.8 + 1271.6 - 0.1


def test_cli_plants_on_the_embedded_sample(capsys):
    # The shipped synthetic sample region (Greensboro NC) through LayerSet.sample(): the command must give the
    # same rows as screen_plants on the same layer, all within the radius and nearest first.
    import json

    from gis_data.layerset import LayerSet

    from siting.cli import main

    assert main(["plants", "--lat", "36.07", "--lon", "-79.79", "--radius-km", "60", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    direct = acq.screen_plants(LayerSet.sample().load("plants"), lat=36.07, lon=-79.79, radius_km=60.0)
    assert [r["plant_id"] for r in rows] == list(direct["plant_id"])
    dist = [r["distance_km"] for r in rows]
    assert dist == sorted(dist) and all(d <= 60.0 for d in dist)


def test_acquisition_columns_hand_case():
    # Hand: site 1 is the screening site (Coal A 5 km, retired 600 MW; Gas B 10 km, 200 MW operating and 100 MW
    # retiring; Oil D 30 km, 50 MW; Far Gas E at 300 km is out): 950 MW within 50 km. Site 2 sits on Far Gas E.
    sites = gpd.GeoDataFrame(
        {"site_id": ["s1", "s2"]},
        geometry=[gpd.points_from_xy([SITE_LON], [SITE_LAT])[0], _plants().geometry.iloc[-1]], crs="EPSG:4326",
        index=[10, 20],
    )
    cols = acq.acquisition_columns(sites, _plants())
    assert list(cols.index) == [10, 20]
    assert cols.loc[10, "fossil_plant_nearest_km"] == pytest.approx(5.0, rel=1e-6)  # 4326 round trip
    assert cols.loc[10, "fossil_plant_nearest_name"] == "Coal A"
    assert cols.loc[10, "fossil_capacity_within_50km_mw"] == pytest.approx(950.0)
    assert cols.loc[10, "retired_fossil_capacity_within_50km_mw"] == pytest.approx(600.0)
    assert cols.loc[10, "retiring_fossil_capacity_within_50km_mw"] == pytest.approx(100.0)
    assert cols.loc[20, "fossil_plant_nearest_km"] == pytest.approx(0.0, abs=1e-6)
    assert cols.loc[20, "fossil_capacity_within_50km_mw"] == pytest.approx(500.0)
    from siting.schema import column

    for name in cols.columns:
        assert column(name).group == "acquisition"
