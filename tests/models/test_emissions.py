"""Emissions and permit path: EIA factor, Method 19 conversion, thresholds by classification."""

import math

import pytest

from models import emissions as em
from models.catalog import get_prime_mover
from models.errors import ConfigError, UnknownNameError


def test_co2_factor_and_ngcc_output_rate():
    # air_permits.csv: 117.0 lb/MMBtu; derived NGCC row: 117.0 x 6.332 MMBtu/MWh = 741 lb/MWh.
    # rtol 1e-3: the reference rounds 740.8 to 741.
    assert em.co2_lb_per_mmbtu_hhv() == 117.0
    u = get_prime_mover("GE 7HA.02 CC")
    e = em.annual_emissions(u, 1, 6332.0 * 1000 / 1e3 * 1000, 1_000_000.0)
    assert e.co2_lb_per_mwh == pytest.approx(741.0, rel=1e-3)
    # 6.332e6 MMBtu x 117 lb / 2204.62 lb/t = 336,052 t (hand calculation, exact arithmetic)
    assert e.co2_tonnes_per_yr == pytest.approx(6.332e6 * 117.0 * 0.45359237 / 1000, rel=1e-12)


def test_method19_ppm_to_lb_per_mmbtu():
    # 9 ppmvd @15% O2 on natural gas is commonly quoted as ~0.033 lb/MMBtu (hand: 9 x 1.194e-7 x 8710 x 20.9/5.9
    # = 0.03316). rtol 1e-3 against the hand value.
    assert em.nox_lb_per_mmbtu_from_ppm(9.0) == pytest.approx(9 * 1.194e-7 * 8710 * 20.9 / 5.9, rel=1e-12)
    assert em.nox_lb_per_mmbtu_from_ppm(9.0) == pytest.approx(0.03316, rel=1e-3)


def test_g_per_bhp_hr_conversion():
    # 1 g/bhp-hr = 1000 kWh / 0.7457 kW per bhp = 1341.02 bhp-hr per MWh -> 1341.02 g = 2.9565 lb/MWh (hand).
    assert em.nox_lb_per_mwh_from_g_per_bhp_hr(1.0) == pytest.approx(2.9565, rel=1e-4)


def test_lm6000_fleet_pte_and_psd_path():
    # 33 LM6000PF at 46.5 MW: 15 ppm -> 0.05526 lb/MMBtu x 9.0035 MMBtu/MWh = 0.4976 lb/MWh;
    # x 33 x 46.5 x 8760 MWh / 2000 = 3,344 tpy (hand calculation; rtol 1e-3 for the rounded intermediate values).
    u = get_prime_mover("GE LM6000PF")
    e = em.annual_emissions(u, 33, 0.0, 0.0)
    assert e.nox_pte_tons_per_yr_without_scr == pytest.approx(3344, rel=1e-3)
    assert e.nox_pte_tons_per_yr_with_scr == pytest.approx(3344 * 2.5 / 15, rel=1e-3)
    p = em.permit_path(e.nox_pte_tons_per_yr_with_scr, None)
    assert p.path == "psd_major" and p.major_source_threshold_tons_per_yr == 250.0


def test_thresholds_fall_with_ozone_classification():
    # EPA sample nonattainment requirements: 100 / 100 / 50 / 25 / 10 tpy, offsets 1.1 .. 1.5.
    got = {c: em.permit_path(5.0, c).major_source_threshold_tons_per_yr for c in em.NONATTAINMENT_CLASSES[1:]}
    assert got == {"marginal": 100.0, "moderate": 100.0, "serious": 50.0, "severe": 25.0, "extreme": 10.0}
    p = em.permit_path(30.0, "severe")
    assert p.path == "nonattainment_nsr" and p.offset_ratio == 1.3 and "severe" in p.reason
    assert em.permit_path(30.0, "serious").path == "minor_source"
    assert em.permit_path(150.0, None).path == "title_v_only"


def test_unknown_nox_and_bad_class():
    assert em.permit_path(math.nan, None).path == "unknown"
    with pytest.raises(UnknownNameError, match="marginal"):
        em.permit_path(1.0, "ultra")


# -- thresholds by class (reference values from the statute and the CFR) ---------------------------


def test_major_source_title_v_and_offsets_by_class_are_the_statutory_values():
    # NOx in an ozone area (CAA 182(f)(1) applies the VOC thresholds): marginal and moderate 100 tpy
    # (302(j)), serious 50 (182(c)), severe 25 (182(d)), extreme 10 (182(e)); offsets 1.1 (182(a)(4)),
    # 1.15 (182(b)(5)), 1.2 (182(c)(10)), 1.3 (182(d)(2)), 1.5 (182(e)(1)); Title V uses the same
    # thresholds in ozone areas (40 CFR 70.2 "major source" (3)). Exact: statutory numbers.
    want = {"marginal": (100, 1.1), "moderate": (100, 1.15), "serious": (50, 1.2), "severe": (25, 1.3),
            "extreme": (10, 1.5)}
    for cls, (tons, ratio) in want.items():
        t = em.thresholds(cls)
        assert (t.nnsr_tons_per_yr, t.title_v_tons_per_yr, t.offset_ratio) == (tons, tons, ratio), cls
        assert t.psd_tons_per_yr == 250.0  # NO2 is an attainment pollutant: PSD still applies at 250 tpy
    # attainment: PSD 250 tpy (40 CFR 52.21(b)(1)(i)(b)), 100 tpy for a listed category ((b)(1)(i)(a));
    # Title V 100 tpy (CAA 302(j), 501(2))
    a = em.thresholds("attainment")
    assert (a.psd_tons_per_yr, a.title_v_tons_per_yr) == (250.0, 100.0) and math.isnan(a.nnsr_tons_per_yr)
    assert em.thresholds(None, psd_listed_category=True).psd_tons_per_yr == 100.0
    assert "52.21(b)(1)(i)(a)" in em.thresholds("attainment", psd_listed_category=True).psd_rule
    assert "182(d)" in em.thresholds("severe").nnsr_rule and "182(e)(1)" in em.thresholds("extreme").nnsr_rule
    with pytest.raises(ConfigError, match="unknown class"):
        em.thresholds("nonattainment")


def test_class_spellings_of_the_cfr_and_the_green_book_are_read():
    assert em.normalize_ozone_class("Severe 15") == em.normalize_ozone_class("severe-17") == "severe"
    assert em.normalize_ozone_class("Serious.") == "serious"  # 40 CFR 81 writes "Serious."
    assert em.normalize_ozone_class("Subpart 2/Moderate") == "moderate"
    assert em.normalize_ozone_class("Marginal (Rural Transport)") == "marginal"
    assert em.normalize_ozone_class(None) == em.normalize_ozone_class("") == "attainment"
    assert em.normalize_ozone_class("Attainment/Unclassifiable") == "attainment"
    assert em.normalize_ozone_class("nonattainment") == em.UNKNOWN_CLASS
    assert em.normalize_ozone_class("serious;moderate") == "serious"
    assert em.normalize_ozone_class("serious;nonattainment") == em.UNKNOWN_CLASS  # could be worse than serious
    assert em.normalize_ozone_class("extreme;nonattainment") == "extreme"  # nothing is worse than extreme
    assert em.ozone_class_rank("nonattainment") == em.ozone_class_rank("extreme") == 5


def test_unknown_class_is_screened_as_extreme_and_said_so():
    # A nonattainment county whose class no source gives: the strictest class a 2008/2015 area can have
    # (extreme: 10 tpy, CAA 182(e); 1.5:1 offsets, 182(e)(1)). 30 tpy would be minor in attainment.
    p = em.permit_path(30.0, "nonattainment", class_source="Green Book history 2021 (no class)")
    assert p.path == "nonattainment_nsr" and p.class_assumed and p.county_class == "extreme"
    assert p.threshold_tons_per_yr == 10.0 and p.offset_ratio == 1.5 and p.offsets_tons_per_yr == pytest.approx(45.0)
    assert "unknown class" in p.reason and "extreme, is assumed" in p.reason and "Green Book history 2021" in p.reason
    assert em.permit_path(30.0, None).path == "minor_source"


def test_every_verdict_names_rule_threshold_class_and_source():
    for pte, cls in ((5.0, None), (150.0, None), (300.0, None), (60.0, "serious"), (30.0, "severe 15")):
        p = em.permit_path(pte, cls, class_source="40 CFR 81.344")
        assert p.rule and f"{p.threshold_tons_per_yr:,.0f} tpy" in p.reason, (pte, cls)
        assert p.county_class in p.reason and "40 CFR 81.344" in p.reason and not p.class_assumed
    p = em.permit_path(300.0, "severe", class_source="40 CFR 81.344")
    # in an ozone area a 300 tpy plant is also PSD-major for NO2 (>= 250 tpy)
    assert p.path == "nonattainment_nsr" and "also PSD-major for NO2" in p.reason
    assert p.offsets_tons_per_yr == pytest.approx(390.0)  # 300 x 1.3


def test_combined_cycle_above_250_mmbtu_per_hr_is_the_listed_psd_category():
    # 40 CFR 52.21(b)(1)(i)(a): fossil fuel-fired steam electric plants of more than 250 MMBtu/h are major at
    # 100 tpy. Two GE 7HA.01 CC blocks at 15 C (ISO, sea level): heat input 2 x 405 MW x 5,594 Btu/kWh LHV x
    # 39.8/36.0 HHV/LHV = 5,009 MMBtu/h; NOx 2 ppm with SCR = 2 x 1.194e-7 x 8,710 x 20.9/5.9 = 0.007368 lb/MMBtu;
    # PTE = 0.007368 x 5,009 x 8,760 / 2,000 = 161.7 tpy (hand; rtol 1e-3 for the rounded heat rate).
    cc = get_prime_mover("GE 7HA.01 CC")
    pte = em.potential_to_emit(cc, 2, [15.0])
    assert pte.heat_input_iso_mmbtu_hhv_per_hr == pytest.approx(2 * 405 * 5594 * 39.8 / 36.0 / 1000, rel=1e-3)
    assert pte.nox_pte_worst_tons_per_yr_with_scr == pytest.approx(161.7, rel=1e-3)
    assert pte.psd_listed_category
    p = em.fleet_permit_path(pte, None, class_source="not in any nonattainment area")
    assert p.path == "psd_major" and p.threshold_tons_per_yr == 100.0 and "52.21(b)(1)(i)(a)" in p.rule
    # the same PTE from a plant that is not a listed category is Title V only (100 <= 161.7 < 250)
    assert em.permit_path(pte.nox_pte_worst_tons_per_yr_with_scr, None).path == "title_v_only"
    # a simple-cycle frame raises no steam, whatever its size; a CC block below 250 MMBtu/h is not listed
    assert not em.is_psd_listed_category(get_prime_mover("GE 7HA.01"), 5000.0)
    assert not em.is_psd_listed_category(cc, 240.0) and em.is_psd_listed_category(cc, 251.0)


# -- potential to emit at the worst hour -------------------------------------------------------------


def test_pte_at_the_worst_hour_of_the_capped_physics():
    """Hand calculation, 14 LM6000PF over three hours (-11.7 C, the Memphis TMY3 coldest; 5 C; 35 C) at sea level.

    The worst hour is the one with the largest fleet heat input = output x heat rate. Output: the aeroderivative
    class curve (Newkirk et al.) loses 1.0 %/C above 15 C and gains nothing below, and output is capped at the
    rating on cold days (models.gas_units.max_output_multiplier): 1.0 at -11.7 and 5 C, 0.80 at 35 C. Heat rate
    (derates.csv, generic GT curve): (-29 C, 0.92) to (15 C, 1.00) to (45 C, 1.10): 0.951455 at -11.7 C,
    1 - 10 x 0.08/44 = 0.981818 at 5 C, 1 + 20 x 0.10/30 = 1.066667 at 35 C. Heat input ratios 0.951455, 0.981818,
    0.853333: the worst is 5 C. With output held at the rating the coldest hour burns less fuel than ISO (a
    sourced cold-day rating above ISO would raise it; none is in the catalog). ISO heat input: 46.5 MW x 8,144
    Btu/kWh LHV x 39.8/36.0 = 418.669 MMBtu/h a unit, 5,861.37 for 14. NOx with SCR 2.5 ppm = 2.5 x 1.194e-7 x
    8,710 x 20.9/5.9 = 0.0092099 lb/MMBtu. PTE at ISO = 0.0092099 x 5,861.37 x 8,760 / 2,000 = 236.4 tpy; at the
    worst hour x 0.981818 = 232.1 tpy: Title V only. rtol 1e-4: hand arithmetic to 5-6 digits.
    """
    from models.gas_units import capacity_multiplier, full_load_heat_rate_hhv_btu_per_kwh

    u = get_prime_mover("GE LM6000PF")
    temps = [-11.7, 5.0, 35.0]
    # the derate factors are those hand-interpolated from derates.csv and the class curve (fails if a curve changes)
    assert float(capacity_multiplier(u, -11.7)) == 1.0 and float(capacity_multiplier(u, 35.0)) == pytest.approx(0.80)
    assert float(full_load_heat_rate_hhv_btu_per_kwh(u, -11.7) / u.heat_rate_hhv_btu_per_kwh) == pytest.approx(
        0.951455, rel=1e-6)
    pte = em.potential_to_emit(u, 14, temps)
    assert pte.worst_hour == 1 and pte.worst_hour_temp_air_degc == 5.0 and pte.coldest_temp_air_degc == -11.7
    assert pte.heat_input_iso_mmbtu_hhv_per_hr == pytest.approx(5861.37, rel=1e-5)
    assert pte.worst_to_iso_heat_input_ratio == pytest.approx(0.981818, rel=1e-5)
    assert pte.nox_lb_per_mmbtu_with_scr == pytest.approx(0.0092099, rel=1e-4)
    assert pte.nox_pte_iso_tons_per_yr_with_scr == pytest.approx(236.4, rel=1e-3)
    assert pte.nox_pte_worst_tons_per_yr_with_scr == pytest.approx(236.44 * 0.981818, rel=1e-4)
    # the ISO figure equals annual_emissions' PTE
    assert pte.nox_pte_iso_tons_per_yr_with_scr == pytest.approx(
        em.annual_emissions(u, 14, 0.0, 0.0).nox_pte_tons_per_yr_with_scr, rel=1e-12)
    assert pte.nox_pte_worst_tons_per_yr_without_scr == pytest.approx(pte.nox_pte_worst_tons_per_yr_with_scr * 6,
                                                                      rel=1e-12)  # 15 ppm / 2.5 ppm
    p = em.fleet_permit_path(pte, None, class_source="Shelby County TN: not in the ozone tables")
    assert p.path == "title_v_only" and p.nox_pte_tons_per_yr == pytest.approx(232.1, rel=1e-3)
    assert "at the worst hour (236 tpy at ISO)" in p.reason
    assert em.permit_path(pte.nox_pte_iso_tons_per_yr_with_scr, None).path == "title_v_only"


def test_pte_rejects_bad_input():
    u = get_prime_mover("GE LM6000PF")
    with pytest.raises(ConfigError, match="whole number"):
        em.potential_to_emit(u, -1, [10.0])
    with pytest.raises(ConfigError, match="no finite"):
        em.potential_to_emit(u, 3, [math.nan])
    assert em.potential_to_emit(u, 3, [math.nan, 10.0]).worst_hour == 1  # NaN hours are skipped


def test_every_engine_row_has_a_nox_rate_and_class_typical_ones_are_marked():
    from models.catalog import prime_movers

    engines = [u for u in prime_movers().values() if u.unit_class == "reciprocating_engine"]
    assert len(engines) == 8
    for u in engines:
        assert math.isfinite(em.nox_lb_per_mwh(u, u.heat_rate_hhv_btu_per_kwh, scr=False)), u.name
        if "Subpart JJJJ" in u.source:
            assert "nox_g_per_bhp_hr" in u.class_typical_fields, u.name
    # Wartsila 34SG: 1.0 g/bhp-hr (NSPS JJJJ Table 1) = 2.9565 lb/MWh; one 10.3 MW engine 8,760 h:
    # 2.9565 x 10.3 x 8,760 / 2,000 = 133.38 tpy; SCR removes 90% (class-typical) -> 13.34 (hand, rtol 1e-4)
    w = get_prime_mover("Wartsila 34SG")
    pte = em.potential_to_emit(w, 1, [15.0])
    assert pte.nox_pte_iso_tons_per_yr_without_scr == pytest.approx(2.95650 * 10.3 * 8760 / 2000, rel=1e-4)
    assert pte.nox_pte_iso_tons_per_yr_with_scr == pytest.approx(0.1 * 2.95650 * 10.3 * 8760 / 2000, rel=1e-4)
    assert em.fleet_permit_path(pte, "serious").path != "unknown"
