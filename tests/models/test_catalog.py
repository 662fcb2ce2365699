"""Equipment catalog: every row cites its source, lookups by name, derate curves."""

import csv
import math

import numpy as np
import pytest

from models import catalog as cat
from models.errors import ConfigError, UnknownNameError


@pytest.mark.parametrize("kind", cat.CATALOG_KINDS)
def test_every_catalog_row_cites_a_source(kind):
    rows = cat.read_catalog(kind)
    assert rows
    for r in rows:
        assert r["source"] and "http" in r["source_url"], r


def test_issue_equipment_is_in_the_catalog():
    names = set(cat.prime_movers())
    for required in ("GE LM2500XPRESS", "GE LM6000PF", "GE LMS100PA", "ProEnergy PE6000", "Mitsubishi FT8 MOBILEPAC",
                     "Solar Titan 130", "Siemens SGT-800", "GE 7HA.02", "GE 7HA.02 CC", "Siemens SGT6-9000HL",
                     "MHI M501JAC", "Doosan DGT6-300H S2", "Wartsila 34SG", "Wartsila 18V50SG", "Jenbacher J624",
                     "Jenbacher J920 FleXtra", "Caterpillar G3520H", "Caterpillar CG260-16", "Cummins C1250 N6",
                     "Bloom Energy Server"):
        assert required in names, required


def test_scenario_default_prime_mover_exists_and_validates():
    from siting.scenario import Scenario

    assert cat.validate_prime_mover_name(Scenario().prime_mover) == "GE LM6000PF"


def test_unknown_name_lists_valid_names():
    with pytest.raises(UnknownNameError, match="GE LM6000PF"):
        cat.get_prime_mover("GE LM9000")
    with pytest.raises(UnknownNameError, match="gas_ct"):
        cat.get_cost("nuclear")


def test_unit_without_iso_capacity_fails_validation():
    with pytest.raises(ConfigError, match="no ISO capacity"):
        cat.validate_prime_mover_name("MHI M501JAC CC")


def test_heat_rate_hhv_from_lhv():
    # LM6000: 41.9% ISO efficiency (GE 2003) -> 3412.14/0.419 = 8143.5 Btu/kWh LHV; x 39.8/36.0 HHV/LHV
    # = 9003 Btu/kWh HHV (hand calculation). rtol 1e-3: the catalog rounds the LHV heat rate to 1 Btu/kWh.
    u = cat.get_prime_mover("GE LM6000PF")
    assert u.heat_rate_hhv_btu_per_kwh == pytest.approx(3412.14 / 0.419 * 39.8 / 36.0, rel=1e-3)


def test_class_typical_fields_are_marked():
    u = cat.get_prime_mover("ProEnergy PE6000")
    assert "heat_rate_lhv_btu_per_kwh" in u.class_typical_fields  # reference has no PE6000 heat rate
    lm = cat.get_prime_mover("GE LM6000PF")
    assert "min_load_frac" not in lm.class_typical_fields  # NWPCC 25% is unit-specific


@pytest.mark.shared_data
def test_prime_mover_values_match_reference(shared_reference):
    text = (shared_reference / "prime_movers.csv").read_text(encoding="utf-8")
    ref = {r["model"]: r for r in csv.DictReader(text.splitlines())}
    for row in cat.read_catalog("prime_movers"):
        r = ref[row["reference_model"]]
        assert r["source"] in row["source"]
        if r["iso_rated_mw"] and row["iso_capacity_mw"]:
            assert float(row["iso_capacity_mw"]) == pytest.approx(float(r["iso_rated_mw"]), rel=0.02) or \
                row["configuration"] == "combined_cycle" or "midpoint" in row["notes"] or "upper" in row["notes"]
        if r["heat_rate_btu_per_kwh"] and "heat_rate_lhv_btu_per_kwh" not in row["class_typical_fields"] \
                and row["configuration"] != "combined_cycle":
            if "LM6000" not in row["name"]:  # LM6000 uses the ISO efficiency, not the 447.5 m site heat rate
                assert float(row["heat_rate_lhv_btu_per_kwh"]) == pytest.approx(float(r["heat_rate_btu_per_kwh"]),
                                                                                rel=1e-3)


@pytest.mark.shared_data
def test_derate_values_match_reference(shared_reference):
    text = (shared_reference / "derates.csv").read_text(encoding="utf-8")
    ref_values = {(r["source"], float(r["value"])) for r in csv.DictReader(text.splitlines()) if r["value"]}
    for row in cat.read_catalog("derates"):
        if row["class_typical"] == "no" and "by definition" not in row["notes"] and row["x"] != "0":
            # the multiplier (or, for "full output up to 38 C", the abscissa) is a reference value of that source
            assert (row["source"], float(row["multiplier"])) in ref_values or \
                (row["source"], float(row["x"])) in ref_values, row


def test_curve_extrapolates_linearly_on_the_hot_side():
    # generic GT curve: 1.00 at 15 C, 0.83 at 40 C -> slope -0.0068/C; at 45 C 0.83 - 5 x 0.0068 = 0.796
    # (hand calculation; rtol 1e-12: exact arithmetic).
    c = cat.derate_curve("GE LM6000PF", "output_vs_temperature")
    assert c(45.0) == pytest.approx(0.796, rel=1e-12)
    assert c(np.array([15.0, 40.0])) == pytest.approx([1.0, 0.83], rel=1e-12)


def test_engine_part_load_uses_its_own_datasheet_or_class_mean():
    own = cat.derate_curve("Cummins C1250 N6", "heat_rate_vs_load")
    assert not own.class_typical
    assert own(50.0) == pytest.approx(1.109, rel=1e-12)  # Cummins D-3479: 36.6/33.0
    mean = cat.derate_curve("Wartsila 18V50SG", "heat_rate_vs_load")
    assert mean.class_typical
    # mean of the five engine datasheet multipliers at 50%: (1.109+1.068+1.111+1.09+1.096)/5
    assert mean(50.0) == pytest.approx((1.109 + 1.068 + 1.111 + 1.09 + 1.096) / 5, rel=1e-12)
    assert cat.derate_curve("GE 7HA.02", "heat_rate_vs_load").class_typical  # GT part load is a reference gap


def test_costs_and_facts():
    ct = cat.get_cost("gas_ct")
    assert ct.capex_usd_per_kw == pytest.approx(1092.8) and ct.dollar_year == "2022"
    assert math.isnan(cat.get_cost("fuel_cell_sofc").fixed_om_usd_per_kw_yr)
    assert float(cat.fact("grid", "Median time in queue")["value"]) == 55.0
    with pytest.raises(UnknownNameError):
        cat.fact("grid", "queue")  # ambiguous
