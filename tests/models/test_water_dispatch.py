"""Hourly generation by water technology from a dispatch frame (models.water.generation_from_dispatch)."""

import numpy as np
import pandas as pd
import pytest

from models import water as wt
from models.errors import DataError, UnknownNameError


def _dispatch():
    # Four hours of a renewables-plus-gas dispatch, in the columns siting.power keeps [MW = MWh per hour].
    return pd.DataFrame(
        {
            "load_mw": [10.0, 10.0, 10.0, 10.0],
            "gas_mw": [10.0, 0.0, 5.0, 0.0],
            "renewable_used_mw": [0.0, 12.0, 3.0, 6.0],  # hour 1 sends 2 MWh into the battery
            "battery_discharge_mw": [0.0, 0.0, 2.0, 4.0],
            "battery_charge_mw": [0.0, 2.0, 0.0, 0.0],
            "unserved_mw": [0.0, 0.0, 0.0, 0.0],
        },
        index=pd.date_range("2025-01-01", periods=4, freq="h"),
    )


def test_hand_case_generation_and_water_with_catalog_factors():
    # Availability: PV 0, 9, 3, 0 MW; wind 0, 6, 0, 6 MW. Hour 1 uses 12 of 15 MW available (3 curtailed),
    # split by availability: PV 12 x 9/15 = 7.2, wind 4.8; hour 2 all PV (3); hour 3 all wind (6).
    # Gas: 10 + 5 = 15 MWh as NGCC with a wet tower. Battery discharge is not generation.
    gen = wt.generation_from_dispatch(_dispatch(), gas_technology="combined_cycle_wet",
                                      pv_available_mw=[0, 9, 3, 0], wind_available_mw=[0, 6, 0, 6])
    assert list(gen.columns) == ["combined_cycle_wet", "solar_pv", "wind"]
    np.testing.assert_allclose(gen["combined_cycle_wet"], [10, 0, 5, 0], rtol=1e-12)
    np.testing.assert_allclose(gen["solar_pv"], [0, 7.2, 3, 0], rtol=1e-12)
    np.testing.assert_allclose(gen["wind"], [0, 4.8, 0, 6], rtol=1e-12)
    # Catalog factors (Macknick 2012 medians): NGCC wet 205 / 225 gal/MWh, PV 1 / 1, wind 0 / 0.
    # Hand: consumption 15 x 205 + 10.2 x 1 = 3,085.2 gal; withdrawal 15 x 225 + 10.2 = 3,385.2 gal.
    water = wt.hourly_power_water(gen)
    assert water["consumption_gal"].sum() == pytest.approx(3085.2, rel=1e-12)  # exact arithmetic, round-off only
    assert water["withdrawal_gal"].sum() == pytest.approx(3385.2, rel=1e-12)
    # generation = load + battery charge - discharge (the battery's losses are generated, nothing else)
    assert gen.to_numpy().sum() == pytest.approx((_dispatch()["load_mw"] + _dispatch()["battery_charge_mw"]
                                                 - _dispatch()["battery_discharge_mw"]).sum(), rel=1e-12)


def test_one_renewable_source_needs_no_split_and_grid_is_grid_average():
    d = _dispatch().assign(grid_mw=[0.0, 0.0, 1.0, 0.0])
    gen = wt.generation_from_dispatch(d, gas_technology="simple_cycle_gas_turbine",
                                      pv_available_mw=d["renewable_used_mw"])
    assert set(gen.columns) == {"simple_cycle_gas_turbine", "solar_pv", "grid_average_us"}
    assert gen["solar_pv"].sum() == pytest.approx(21.0, rel=1e-12)
    # grid: 1 MWh x 1,198.9 gal/MWh (LBNL 2024 derived, water_use_factors.csv); gas and PV add 0 and 21 x 1
    water = wt.hourly_power_water(gen)
    assert water["consumption_gal"].sum() == pytest.approx(21.0 + 211e9 / 176e6, rel=1e-4)  # catalog rounds to 0.1


def test_explicit_pv_and_wind_columns_are_used_as_given():
    d = pd.DataFrame({"gas_mw": [1.0, 0.0], "pv_mw": [2.0, 0.0], "wind_mw": [0.0, 3.0], "renewable_used_mw": [2.0, 3.0]})
    gen = wt.generation_from_dispatch(d, gas_technology="reciprocating_engine")
    assert gen.sum().to_dict() == {"reciprocating_engine": 1.0, "solar_pv": 2.0, "wind": 3.0}


def test_bad_dispatch_inputs_are_clear_errors():
    with pytest.raises(DataError, match="pv_available_mw"):
        wt.generation_from_dispatch(_dispatch(), gas_technology="fuel_cell")
    with pytest.raises(DataError, match="do not belong to this dispatch"):
        wt.generation_from_dispatch(_dispatch(), gas_technology="fuel_cell", pv_available_mw=[0, 1, 1, 1])
    with pytest.raises(DataError, match="4 hours"):
        wt.generation_from_dispatch(_dispatch(), gas_technology="fuel_cell", pv_available_mw=[1, 2])
    with pytest.raises(DataError, match="generation columns"):
        wt.generation_from_dispatch(pd.DataFrame({"load_mw": [1.0]}), gas_technology="fuel_cell")
    with pytest.raises(UnknownNameError, match="simple_cycle_gas_turbine"):
        wt.generation_from_dispatch(_dispatch(), gas_technology="coal_steam")


def test_prime_mover_classes_of_the_repo_catalog():
    # models/catalogs/prime_movers.csv spells unit_class in snake_case
    assert wt.technology_for_prime_mover("fuel_cell") == "fuel_cell"
    assert wt.technology_for_prime_mover("industrial_gas_turbine") == "simple_cycle_gas_turbine"
    assert wt.technology_for_prime_mover("reciprocating_engine") == "reciprocating_engine"
    assert wt.technology_for_prime_mover("frame", combined_cycle=True, cooling="hybrid") == "combined_cycle_hybrid"
