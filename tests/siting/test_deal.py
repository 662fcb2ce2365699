"""Deal inputs (TOML, validation) and evaluation: hand cases, round trips, sensitivities."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest

from models import finance as fin
from siting import deal as D
from siting.errors import ConfigError, UnknownNameError


def _simple(**over) -> dict:
    """A PPA deal small enough to check by hand: all equity, no tax, no inflation, no fuel."""
    d = {
        "name": "hand",
        "plant": {
            "capacity_mw": 100.0, "capacity_factor_frac": 0.5, "heat_rate_hhv_btu_per_kwh": 0.0,
            "components": [{"name": "block", "capacity_mw": 100.0, "capex_usd_per_kw": 1000.0,
                            "fixed_om_usd_per_kw_yr": 10.0, "depreciation": "sl_20_full"}],
        },
        "fuel": {"henry_hub_usd_per_mmbtu": 0.0, "escalation_frac_per_yr": 0.0},
        "contract": {"type": "ppa", "term_yr": 20, "price_usd_per_mwh": 50.0},
        "financing": {"debt_frac": 0.0, "tenor_yr": 10},
        "tax": {"federal_frac": 0.0},
        "economics": {"dollar_year": 2028, "first_power_year": 2028, "analysis_years": 20, "inflation_frac": 0.0,
                      "discount_rate_frac": 0.10},
        "monte_carlo": {"draws": 0},
    }
    for k, v in over.items():
        d[k] = {**d.get(k, {}), **v} if isinstance(v, dict) else v
    return d


def test_all_equity_ppa_hand_case():
    # Hand: capex 100 MUSD; net cash = 50 USD/MWh * 438,000 MWh - 1 MUSD FOM = 20.9 MUSD/yr for 20 years.
    # The IRR solves 100 = 20.9 * (1 - (1+r)^-20)/r; the price that gives 10 % is (100e6*CRF(10 %,20) + 1e6)/438,000.
    deal = D.deal_from_dict(_simple())
    r = D.evaluate_deal(deal)
    energy = 100_000 * 0.5 * 8760 / 1000
    cash = np.concatenate([[-100e6], np.full(20, 50.0 * energy - 1e6)])
    assert r.metrics["equity_irr_frac"] == pytest.approx(fin.irr(cash), rel=1e-9)  # same flows, bisection tol
    assert r.metrics["delivered_cost_usd_per_mwh"] == pytest.approx(50.0, rel=1e-12)  # flat PPA is its own levelised price
    solved = D.evaluate_deal(D.deal_from_dict(_simple(contract={"solve_for": "price", "target_equity_irr_frac": 0.10})))
    hand = (100e6 * fin.capital_recovery_factor(0.10, 20) + 1e6) / energy
    assert solved.metrics["solved_contract_price"] == pytest.approx(hand, rel=1e-6)  # solver tol 1e-5 USD/MWh
    # LCOE at the 10 % discount rate of an all-equity, untaxed plant is capex*CRF + FOM over energy, the same number.
    assert solved.metrics["lcoe_usd_per_mwh"] == pytest.approx(hand, rel=1e-6)


def test_tolling_with_fuel_pass_through_hand_case():
    # Hand: capacity charge 10 USD/kW-month on 100 MW = 12 MUSD/yr over 438,000 MWh = 27.397 USD/MWh,
    # plus 3 USD/MWh energy charge, plus fuel 7,000 Btu/kWh * 3 USD/MMBtu = 21 USD/MWh (STYLE.md seed case):
    # delivered = 51.397 USD/MWh with no escalation.
    deal = D.deal_from_dict(_simple(
        plant={"heat_rate_hhv_btu_per_kwh": 7000.0},
        fuel={"henry_hub_usd_per_mmbtu": 3.0},
        contract={"type": "tolling", "capacity_payment_usd_per_kw_month": 10.0, "energy_payment_usd_per_mwh": 3.0},
    ))
    r = D.evaluate_deal(deal)
    assert r.metrics["delivered_cost_usd_per_mwh"] == pytest.approx(12e6 / 438_000 + 3.0 + 21.0, rel=1e-12)
    # With fuel passed through, the owner's return does not depend on the gas price.
    many = D.evaluate_many(deal, {"fuel_price_usd_per_mmbtu": np.array([1.0, 3.0, 8.0])})
    np.testing.assert_allclose(many["equity_irr_frac"], r.metrics["equity_irr_frac"], rtol=1e-9)
    np.testing.assert_allclose(many["delivered_cost_usd_per_mwh"], 12e6 / 438_000 + 3.0 + 7.0 * np.array([1, 3, 8]),
                               rtol=1e-12)


def test_liquidated_damages_cut_the_capacity_payment():
    # Hand: guarantee 95 %, expected availability 90 %: shortfall 5/95 of the capacity charge is lost (multiple 1).
    base = _simple(contract={"type": "tolling", "capacity_payment_usd_per_kw_month": 10.0,
                             "availability_guarantee_frac": 0.95},
                   plant={"availability_frac": 0.90})
    r = D.evaluate_deal(D.deal_from_dict(base))
    assert r.cash_flows["revenue_usd"].iloc[1] == pytest.approx(12e6 * (1 - 0.05 / 0.95), rel=1e-12)


def test_example_solves_capacity_charge_for_target_irr():
    deal = D.load_example("btm_gas_1gw_tolling")
    r = D.evaluate_deal(deal, monte_carlo_draws=200)
    assert r.metrics["equity_irr_frac"] == pytest.approx(0.12, rel=1e-4)  # solver tolerance 1e-5 USD/kW-month
    # Sculpted debt holds at least the target cover; here the 75 % gearing cap binds, so cover is above it.
    assert r.metrics["min_dscr"] >= 1.35 * (1 - 1e-12)
    assert r.metrics["debt_usd"] == pytest.approx(0.75 * r.metrics["installed_cost_usd"], rel=1e-12)
    assert len(r.cash_flows) == deal.economics.analysis_years + 1
    assert set(r.tornado["driver"]) == set(D.KNOBS)
    swings = r.tornado["equity_irr_swing_frac"].to_numpy()
    assert np.all(np.diff(swings) <= 0)  # sorted, largest swing first
    mc = r.monte_carlo.set_index("metric")
    assert mc.loc["equity_irr_frac", "p10"] <= mc.loc["equity_irr_frac", "p50"] <= mc.loc["equity_irr_frac", "p90"]
    assert list(r.scenarios["name"]) == ["base"] + [s.name for s in deal.scenarios]
    section = r.to_dict()
    assert section["metrics"]["solved_contract_price"] == pytest.approx(r.metrics["solved_contract_price"])
    assert section["contract_price_unit"] == "USD/kW-month"


def test_monte_carlo_is_reproducible():
    deal = D.load_example("btm_gas_1gw_tolling")
    a = D.evaluate_deal(deal, monte_carlo_draws=100).monte_carlo
    b = D.evaluate_deal(deal, monte_carlo_draws=100).monte_carlo
    np.testing.assert_array_equal(a[["p10", "p50", "p90"]].to_numpy(), b[["p10", "p50", "p90"]].to_numpy())


def test_datacenter_delay_cost_hand_case():
    # Hand, 1 GW IT: chips 35 BUSD over 5 years = 583.3 MUSD/month, plus 50 BUSD idle at 10 %/yr
    # ((1.1)^(1/12) - 1 per month = 0.7974 %) = 398.7 MUSD/month.
    deal = D.deal_from_dict(_simple(datacenter={"it_load_mw": 1000.0, "cost_of_capital_frac": 0.10}))
    per_month = D.evaluate_deal(deal).grid_alternative["datacenter_delay_cost_usd_per_month"]
    assert per_month == pytest.approx(35e9 / 60 + 50e9 * (1.1 ** (1 / 12) - 1), rel=1e-12)


def test_delay_raises_installed_cost_by_carrying_interest():
    # Hand: 12 months at 7 % on 100 MUSD of capex adds 7 MUSD.
    deal = D.deal_from_dict(_simple(financing={"interest_rate_frac": 0.07}, economics={"delay_months": 12.0}))
    assert D.evaluate_deal(deal).metrics["installed_cost_usd"] == pytest.approx(107e6, rel=1e-12)


def test_unknown_keys_list_the_valid_ones():
    with pytest.raises(ConfigError, match="valid keys are: .*capacity_mw"):
        D.deal_from_dict(_simple(plant={"capacity_MW": 3.0}))
    with pytest.raises(ConfigError, match="valid keys are"):
        D.deal_from_dict({**_simple(), "finance": {}})
    with pytest.raises(UnknownNameError, match="delay_months"):
        D.deal_from_dict(_simple(sensitivity={"gas": {"low": 1.0, "high": 2.0}}))


def test_bad_values_are_named():
    with pytest.raises(ConfigError, match="exactly one"):
        D.deal_from_dict(_simple(financing={"debt_frac": 0.5, "dscr_target": 1.3}))
    with pytest.raises(ConfigError, match=r"capacity_factor_frac=1.5"):
        D.deal_from_dict(_simple(plant={"capacity_factor_frac": 1.5}))
    with pytest.raises(ConfigError, match="expected a number"):
        D.deal_from_dict(_simple(plant={"capacity_mw": "big"}))
    with pytest.raises(ConfigError, match="contract price is 0"):
        D.evaluate_deal(D.deal_from_dict(_simple(contract={"price_usd_per_mwh": 0.0})))
    with pytest.raises(UnknownNameError, match="btm_gas_1gw_tolling"):
        D.load_example("nope")
    with pytest.raises(ConfigError, match="does not exist"):
        D.load_deal("/nonexistent/deal.toml")


def test_evaluate_many_matches_one_by_one():
    deal = D.deal_from_dict(_simple())
    many = D.evaluate_many(deal, {"capex_usd_per_kw": np.array([800.0, 1200.0])})
    for capex, irr in zip([800.0, 1200.0], many["equity_irr_frac"], strict=True):
        one = _simple()
        one["plant"]["components"][0]["capex_usd_per_kw"] = capex
        assert D.evaluate_deal(D.deal_from_dict(one)).metrics["equity_irr_frac"] == pytest.approx(irr, rel=1e-12)


def test_examples_parse():
    names = D.list_examples()
    assert "btm_gas_1gw_tolling" in names
    for name in names:
        assert math.isfinite(D.evaluate_deal(D.load_example(name), monte_carlo_draws=0).metrics["equity_irr_frac"])


def test_example_file_is_plain_toml(tmp_path):
    from importlib import resources

    text = resources.files("siting").joinpath("examples/deal_btm_gas_1gw_tolling.toml").read_text(encoding="utf-8")
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    assert D.load_deal(path) == D.deal_from_dict(tomllib.loads(text))


# --- CLI ---------------------------------------------------------------------------------
def test_cli_deal_writes_tables_and_json(tmp_path, capsys):
    import json

    import openpyxl

    from siting.cli import main
    from siting.commands.deal import OUTPUT_FILES

    out = tmp_path / "deal"
    assert main(["deal", "--example", "btm_gas_1gw_tolling", "--draws", "50", "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["metrics"]["equity_irr_frac"] == pytest.approx(0.12, rel=1e-4)  # solver tolerance
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    section = json.loads((out / "deal_section.json").read_text(encoding="utf-8"))
    assert section == printed
    wb = openpyxl.load_workbook(out / "deal.xlsx", read_only=True)
    assert wb.sheetnames == ["summary", "cash_flows", "tornado", "scenarios", "monte_carlo"]
    wb.close()
    # A second run into the same folder needs --overwrite.
    assert main(["deal", "--example", "btm_gas_1gw_tolling", "--draws", "0", "--out", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_cli_deal_file_list_and_errors(tmp_path, capsys):
    from importlib import resources

    from siting.cli import main

    assert main(["deal", "--list-examples"]) == 0
    assert "btm_gas_1gw_tolling" in capsys.readouterr().out
    path = tmp_path / "d.toml"
    path.write_text(resources.files("siting").joinpath("examples/deal_btm_gas_1gw_tolling.toml").read_text("utf-8"),
                    encoding="utf-8")
    assert main(["deal", str(path), "--draws", "0"]) == 0
    assert "equity IRR 12.0 %" in capsys.readouterr().out
    assert main(["deal"]) == 2
    assert "--example NAME" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[plant]\ncapacity = 3\n', encoding="utf-8")
    assert main(["deal", str(bad)]) == 2
    assert "valid keys are" in capsys.readouterr().err


def test_fuel_curve_is_extended_and_scaled():
    # Hand: curve 3, 4, 5 USD/MMBtu then flat (escalation 0) over 5 years; at 7,000 Btu/kWh = 7 MMBtu/MWh and
    # 438,000 MWh/yr the fuel bill is 438,000 * 7 * price. Scaling year 1 to 6 USD/MMBtu doubles the whole path.
    deal = D.deal_from_dict(_simple(
        plant={"heat_rate_hhv_btu_per_kwh": 7000.0},
        fuel={"curve_usd_per_mmbtu": [3.0, 4.0, 5.0], "escalation_frac_per_yr": 0.0},
        contract={"term_yr": 5}, financing={"tenor_yr": 5}, economics={"analysis_years": 5},
    ))
    r = D.evaluate_deal(deal)
    np.testing.assert_allclose(r.cash_flows["fuel_price_usd_per_mmbtu"].iloc[1:], [3, 4, 5, 5, 5], rtol=1e-12)
    np.testing.assert_allclose(r.cash_flows["fuel_usd"].iloc[1:], 438_000 * 7.0 * np.array([3, 4, 5, 5, 5]), rtol=1e-12)
    cases = D._cases(deal, D._knob_arrays(deal, [{"fuel_price_usd_per_mmbtu": 6.0}]))
    np.testing.assert_allclose(cases.fuel_price_usd_per_mmbtu[0], [6, 8, 10, 10, 10], rtol=1e-12)


def test_major_maintenance_merchant_tail_and_ptc_hand_case():
    # Hand, 6-year analysis, 3-year contract at 50 USD/MWh then merchant at 30 USD/MWh and 25 % capacity factor
    # (219,000 MWh/yr); an overhaul of 20 USD/kW on 100 MW (2 MUSD) every 2 years, not in the last year;
    # PTC 10 USD/MWh on 40 % of the energy for 2 years.
    deal = D.deal_from_dict(_simple(
        plant={"major_maintenance_usd_per_kw": 20.0, "major_maintenance_interval_yr": 2},
        contract={"term_yr": 3, "merchant_price_usd_per_mwh": 30.0, "merchant_capacity_factor_frac": 0.25},
        financing={"tenor_yr": 3}, economics={"analysis_years": 6},
        tax={"ptc_usd_per_mwh": 10.0, "ptc_energy_share_frac": 0.4, "ptc_years": 2},
    ))
    cf = D.evaluate_deal(deal).cash_flows.iloc[1:]
    np.testing.assert_allclose(cf["major_maintenance_usd"], [0, 2e6, 0, 2e6, 0, 0], rtol=1e-12)
    np.testing.assert_allclose(cf["revenue_usd"], [50 * 438_000] * 3 + [30 * 219_000] * 3, rtol=1e-12)
    np.testing.assert_allclose(cf["offtaker_payment_usd"], [50 * 438_000] * 3 + [0] * 3, rtol=1e-12)
    np.testing.assert_allclose(cf["tax_credit_usd"], [0.4 * 10 * 438_000] * 2 + [0] * 4, rtol=1e-12)


def test_tornado_at_target_irr_round_trip():
    # For a deal that solves its price, the tornado also gives the price that keeps the target IRR at each end
    # of each range; putting that price back in must give the target IRR (bisection tolerance 1e-4 USD/kW-month).
    deal = D.load_example("btm_gas_1gw_tolling")
    r = D.evaluate_deal(deal, monte_carlo_draws=0)
    row = r.tornado.set_index("driver").loc["capex_usd_per_kw"]
    assert row["solved_contract_price_at_high"] > row["solved_contract_price_at_low"]
    check = D.evaluate_many(deal, {
        "capex_usd_per_kw": np.array([row["low"], row["high"]]),
        "contract_price": np.array([row["solved_contract_price_at_low"], row["solved_contract_price_at_high"]]),
    })
    np.testing.assert_allclose(check["equity_irr_frac"], 0.12, rtol=1e-3)
    np.testing.assert_allclose(check["delivered_cost_usd_per_mwh"],
                               [row["delivered_cost_at_target_irr_usd_per_mwh_at_low"],
                                row["delivered_cost_at_target_irr_usd_per_mwh_at_high"]], rtol=1e-9)


def test_grid_alternative_given_or_atb():
    # Given: the premium is delivered cost minus the grid price (flat 50 USD/MWh PPA vs 80 -> -30).
    r = D.evaluate_deal(D.deal_from_dict(_simple(datacenter={"grid_energy_price_usd_per_mwh": 80.0})))
    assert r.grid_alternative["delivered_premium_usd_per_mwh"] == pytest.approx(-30.0, rel=1e-12)
    # Default: ATB 2024 gas CC (2022$) with no inflation and flat gas at 3 USD/MMBtu, 10 %, 20 years, 85 % CF:
    # by hand (1223.9 * CRF + 33.8) * 1000 / 7446 MWh + 2.14 + 6.332 * 3.
    r = D.evaluate_deal(D.deal_from_dict(_simple(fuel={"henry_hub_usd_per_mmbtu": 3.0})))
    mwh = 8760 * 0.85
    hand = (1223.9 * 1000 * fin.capital_recovery_factor(0.10, 20) + 33.8 * 1000) / mwh + 2.14 + 6.332 * 3.0
    assert r.grid_alternative["grid_energy_price_usd_per_mwh"] == pytest.approx(hand, rel=1e-12)
