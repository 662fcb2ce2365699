"""Gas-unit output and heat rate at 35 °C against published figures from outside the model's own sources.

Each test names the published figure, the catalog unit it is compared with, the tolerance and why. What is
validated here and what is not:

* Wärtsilä 18V50SG output at 35 °C: OEM statement (full output to ~38 °C) - exact.
* GE 7HA.02 (H-class frame, simple cycle) heat rate at 35 °C: De Sa & Al Zubaidy (2011), logged heavy-duty frame
  data, 0.1 percentage points of efficiency lost per K above ISO - within 2 %.
* GE 7HA.02, GE 7HA.02 CC and GE LM6000PF output at 35 °C: the "nearly 20 %" hot-day loss of large gas turbines
  (IIETA 2023) - within 0.07 of 0.80, the spread the class curves themselves put between aeroderivatives and
  H-class frames.

No OEM or EIA hot-day (35 °C / 95 °F) rating of an LM6000, LM2500XPRESS or LMS100 was found in a readable source
(the reference lists this gap), so the aeroderivative class curve is checked only against the large-GT figure.
"""

import pytest

from models import gas_units as gu
from models.catalog import get_prime_mover
from models.units import HHV_PER_LHV_NATURAL_GAS

T_HOT_DEGC = 35.0


def test_wartsila_50sg_keeps_full_output_at_35c():
    # Magazine Industry USA (2026), Wärtsilä 790 MW Texas data-center plant: the 18V50SG keeps full output up to
    # ~38 °C (100 °F). At 35 °C the catalog unit must give its full 18.3 MW. Exact (rel 1e-12): the engine curve
    # is flat to 38 °C. Its heat rate at 35 °C is the ISO value by a class-typical assumption (no published
    # engine heat-rate temperature curve), so only output is validated here.
    w = get_prime_mover("Wartsila 18V50SG")
    assert gu.available_capacity_mw(w, T_HOT_DEGC) == pytest.approx(18.3, rel=1e-12)
    assert gu.full_load_heat_rate_hhv_btu_per_kwh(w, T_HOT_DEGC) == pytest.approx(w.heat_rate_hhv_btu_per_kwh,
                                                                                 rel=1e-12)


def test_frame_heat_rate_at_35c_against_logged_frame_data():
    # De Sa & Al Zubaidy, Applied Thermal Engineering 31 (2011) 2735-2739 (shared reference derates.csv): heavy-duty
    # frames lose 0.1 percentage points of thermal efficiency per K above ISO. For the GE 7HA.02 (8,322 Btu/kWh
    # LHV = 41.0 % at ISO): at 35 °C 41.0 - 20 x 0.1 = 39.0 % -> heat rate x 41.0/39.0 = 1.0513.
    # The model's generic GT heat-rate curve (Rotating Machinery: 1.10 at 45 °C, linear from ISO) gives
    # 1 + 20 x 0.10/30 = 1.0667 at 35 °C, 1.5 % above. Tolerance 2 %: two published curves for different frame
    # families differ by that much; the model errs on the side of more fuel.
    u = get_prime_mover("GE 7HA.02")
    eta_iso = 3412.14 / u.heat_rate_lhv_btu_per_kwh
    published_factor = eta_iso / (eta_iso - 0.001 * (T_HOT_DEGC - 15.0))
    assert published_factor == pytest.approx(1.0513, abs=1e-4)
    model = gu.full_load_heat_rate_hhv_btu_per_kwh(u, T_HOT_DEGC)
    published_hhv = u.heat_rate_lhv_btu_per_kwh * HHV_PER_LHV_NATURAL_GAS * published_factor
    assert model == pytest.approx(published_hhv, rel=0.02)
    assert model >= published_hhv  # conservative direction


@pytest.mark.parametrize(("name", "model_frac"), [("GE LM6000PF", 0.80), ("GE 7HA.02", 0.86), ("GE 7HA.02 CC", 0.86)])
def test_hot_day_output_against_large_gas_turbine_figure(name, model_frac):
    # IIETA Mathematical Modelling of Engineering Problems 10(2) (2023, shared reference derates.csv): several
    # large-scale gas turbines lose "nearly 20 %" of output at ~35 °C -> 0.80 of rating. The class curves give
    # 0.80 (aeroderivative) to 0.86 (H-class, simple and combined cycle). Tolerance 0.07 absolute: "nearly 20 %"
    # is an approximate figure over several units, and H-class frames lose less per K than older large units
    # (Newkirk et al. 0.7 vs 1.0 %/K).
    u = get_prime_mover(name)
    got = gu.available_capacity_mw(u, T_HOT_DEGC) / u.iso_capacity_mw
    assert got == pytest.approx(model_frac, rel=1e-9)
    assert got == pytest.approx(0.80, abs=0.07)
