"""A deal built from a site's own power design: its plant, capital, fuel, energy and time come from the site chain."""

from __future__ import annotations

import json

import pytest

from siting.cli import main
from siting.scenario import Scenario

LAT, LON = 36.07, -79.79  # the embedded sample region (real Greensboro TMY3 weather)


@pytest.fixture(scope="module")
def located():
    from siting.site import design_at

    return design_at(LAT, LON, Scenario(it_load_mw=200.0))


def test_plant_spec_is_the_design(located):
    from models.catalog import read_catalog

    spec = located.plant_spec("gas_only")
    o = located.design.power.option("gas_only")
    assert spec.capacity_mw == o.gas_iso_capacity_mw and spec.capex_usd == o.capex_usd
    assert spec.fuel_mmbtu_hhv_per_yr == o.fuel_mmbtu_hhv_per_yr and spec.generation_mwh_per_yr == o.gas_mwh_per_yr
    assert spec.months_to_first_power == o.months_to_first_power and spec.fuel_price_usd_per_mmbtu == o.fuel_price_usd_per_mmbtu
    assert spec.dollar_year == 2024 and spec.equipment_class == "aeroderivative"
    # fixed O&M: the fleet's kW x the class's fixed O&M per kW-yr (market_2025 aeroderivative, CPI-U to 2024)
    cpi = {int(r["year"]): float(r["cpi_u_index"]) for r in read_catalog("cpi_u")}
    row = next(r for r in read_catalog("equipment_costs") if r["equipment_class"] == "aeroderivative"
               and r["cost_basis"] == "market_2025")
    fom = float(row["fixed_om_usd_per_kw_yr"]) * cpi[2024] / cpi[int(row["om_dollar_year"])]
    assert spec.fixed_om_usd_per_yr == pytest.approx(o.gas_iso_capacity_mw * 1000.0 * fom, rel=1e-12)
    with pytest.raises(Exception, match="on-site plant"):
        located.plant_spec("grid_with_backup")


def test_siting_deal_from_a_site(located, capsys):
    assert main(["-q", "deal", "--lat", str(LAT), "--lon", str(LON), "--it-mw", "200", "--draws", "0", "--option",
                 "gas_only", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    o = located.design.power.option("gas_only")
    g = out["grid_alternative"]
    # the plant is the design's, and the grid alternative waits for the site's own large-load connection
    assert out["capacity_mw"] == o.gas_iso_capacity_mw
    assert g["behind_the_meter_months_to_first_power"] == o.months_to_first_power
    assert g["grid_wait_months"] == located.design.power.option("grid_with_backup").months_to_first_power
    # the value of time is bounded by the months actually saved (none here, or a cost when the plant is slower)
    saved = g["grid_wait_months"] - o.months_to_first_power
    assert g["months_saved_vs_grid"] == pytest.approx(saved)
    assert (g["value_of_time_saved_usd"] > 0) == (saved > 0)
