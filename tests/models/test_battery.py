"""Battery ratings and costs against the ATB entries (hand calculations)."""

import pytest

from models import battery as bt
from models.errors import ConfigError


def test_atb_battery_and_cost():
    b = bt.atb_battery(100.0, 4.0)
    assert (b.energy_mwh, b.round_trip_efficiency_frac) == (400.0, 0.85)  # ATB 2024: 85 % round trip
    # ATB 2024 battery_4 1,769.88 $/kW x 100,000 kW = $176.988 M (USD 2022; exact arithmetic)
    assert bt.battery_capex_usd(b) == pytest.approx(176.988e6, rel=1e-12)
    # 3 h interpolates between 2 h (1,058.37) and 4 h: (1058.37 + 1769.88)/2 $/kW
    b3 = bt.Battery(10.0, 30.0, 0.85)
    assert bt.battery_capex_usd(b3) == pytest.approx((1058.37 + 1769.88) / 2 * 10_000, rel=1e-12)


def test_ride_through_hand_case():
    # carry 46.5 MW for a 6.5 min start: 46.5 x 6.5/60 / sqrt(0.85) = 5.4637 MWh
    b = bt.ride_through_battery(46.5, 6.5)
    assert b.energy_mwh == pytest.approx(46.5 * 6.5 / 60 / 0.85 ** 0.5, rel=1e-12)


def test_bad_inputs():
    with pytest.raises(ConfigError, match="duration_h"):
        bt.atb_battery(10.0, 3.0)
    with pytest.raises(ConfigError, match="power_mw"):
        bt.Battery(-1.0, 1.0, 0.85)
