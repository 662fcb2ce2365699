"""Checks of one site's power design shared by the real-site tests (not collected by pytest).

``check_design`` asserts what issue 16 asks of every design: the fleet meets the reliability
target and says why, and the dispatch's reported figures are the sums of its hourly table
(unserved energy, expected unserved energy, reserve-short hours, gas share, renewable fraction;
same arrays, so equal to floating-point summation order: rel 1e-9), every hour balanced.
"""

from __future__ import annotations

import numpy as np
import pytest

from siting.chain.money import GAS_SHARE_TOLERANCE_FRAC, UNSERVED_TOLERANCE_FRAC


def check_permit(power, ozone: str, permit: str, name: str) -> None:
    """The county's ozone class, the permit path, its threshold and that the reason names it.

    Thresholds: 25 t/y of NOx in a severe ozone area (CAA 182(d)), else the 250 t/y PSD line
    for a source outside the 28 listed categories (40 CFR 52.21(b)(1)(i)(b)); the sites checked
    have fleets above either.
    """
    assert power.nonattainment_status == ozone, (name, power.nonattainment_status)
    gas = power.option("gas_only")
    assert gas.air_permit_path == permit, (name, gas.air_permit_reason)
    assert gas.air_permit_threshold_tons_per_yr == (25.0 if ozone == "severe" else 250.0)
    assert gas.nox_pte_tons_per_yr_with_scr >= gas.air_permit_threshold_tons_per_yr
    assert f"{gas.air_permit_threshold_tons_per_yr:.0f}" in gas.air_permit_reason


def check_design(power, scenario, name: str) -> None:
    fleet = power.fleet
    # reliability as asked: the least N+k meeting the target, and it says so
    assert fleet.reliability_target_frac == scenario.reliability_target_frac
    assert fleet.target_met, (name, fleet.reason)
    assert min(fleet.availability_frac, fleet.binding_hour_availability_frac) >= scenario.reliability_target_frac, name
    assert fleet.redundancy_units >= scenario.redundancy_units
    assert "least" in fleet.reason and f"{scenario.reliability_target_frac:g}" in fleet.reason, fleet.reason

    # the dispatch's figures are its hourly table's
    for option in ("gas_only", "renewables_plus_gas"):
        o, h = power.option(option), power.hourly[option]
        assert len(h) == 8760
        load = h["load_mw"].sum()
        assert o.gas_mwh_per_yr == pytest.approx(h["gas_mw"].sum(), rel=1e-9), (name, option)
        assert o.unserved_mwh_per_yr == pytest.approx(h["unserved_mw"].sum(), rel=1e-9, abs=1e-6)
        assert o.expected_unserved_mwh_per_yr == pytest.approx(h["expected_unserved_mw"].sum(), rel=1e-9, abs=1e-9)
        assert o.reserve_short_hours_per_yr == pytest.approx(float(h["reserve_short"].sum()), abs=1e-9)
        assert o.gas_share_frac == pytest.approx(h["gas_mw"].sum() / load, rel=1e-9)
        assert o.renewable_fraction_frac == pytest.approx(h["renewable_used_mw"].sum() / load, rel=1e-9)
        assert 0.0 <= o.renewable_fraction_frac <= 1.0
        # every hour balanced: gas + renewables direct + battery out + unserved = load + battery in + load bank,
        # and the units' minimum load displaces renewables before it goes to a load bank
        balance = (h["gas_mw"] + h["renewable_direct_mw"] + h["battery_discharge_mw"] + h["unserved_mw"]
                   - h["load_mw"] - h["battery_charge_mw"] - h["excess_mw"])
        assert np.abs(balance).max() < 1e-6 * h["load_mw"].max(), (name, option)
        assert not ((h["excess_mw"] > 1e-9) & (h["renewable_direct_mw"] > 1e-9)).any(), (name, option)
    # the fleet's expected unserved energy is the gas-only dispatch's (one reliability model)
    assert power.option("gas_only").expected_unserved_mwh_per_yr == pytest.approx(
        fleet.expected_unserved_mwh_per_yr, rel=1e-6, abs=1e-6)
    # the renewables option qualifies exactly when it meets the gas-share cap (within the stated
    # tolerance) and serves the load, and is recommended only then
    ren, hr = power.option("renewables_plus_gas"), power.hourly["renewables_plus_gas"]
    meets = (ren.gas_share_frac <= scenario.max_gas_share_frac + GAS_SHARE_TOLERANCE_FRAC
             and ren.unserved_mwh_per_yr <= UNSERVED_TOLERANCE_FRAC * hr["load_mw"].sum())
    assert ren.qualifies == meets, (name, ren.gas_share_frac, ren.unserved_mwh_per_yr)
    assert meets or power.recommended != "renewables_plus_gas"
