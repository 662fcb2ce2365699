"""Gas priced at the nearest hub: great-circle distance, Waha basis, labels, override."""

import numpy as np
import pytest

from models import gas_price as gp
from models.errors import ConfigError


def test_great_circle_hand_cases():
    # One degree of latitude on a sphere of R = 6,371.0088 km: R x pi / 180 = 111.195 km (hand)
    assert gp.great_circle_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(6371.0088 * np.pi / 180, rel=1e-12)
    # a quarter of the equator: R x pi / 2
    assert gp.great_circle_km(0.0, 0.0, 0.0, 90.0) == pytest.approx(6371.0088 * np.pi / 2, rel=1e-12)
    np.testing.assert_allclose(gp.great_circle_km(np.array([10.0, 20.0]), 5.0, np.array([10.0, 20.0]), 5.0), 0.0,
                               atol=1e-9)


def test_sites_get_their_hub_basis_or_the_labelled_scenario_price():
    # Abilene TX is nearest Waha (2024 basis -1.42 = 0.77 - 2.19, reference); Memphis nearest Henry Hub (basis 0);
    # Ashburn VA nearest Transco Zone 6 NY, which has no basis figure -> the scenario price, labelled so.
    p = gp.delivered_gas_price([32.45, 35.15, 39.04], [-99.73, -90.05, -77.49], henry_hub_usd_per_mmbtu=3.50,
                               scenario_price_usd_per_mmbtu=4.00)
    assert list(p.hub) == ["Waha", "Henry Hub", "Transco Zone 6 NY"]
    np.testing.assert_allclose(p.price_usd_per_mmbtu, [3.50 - 1.42, 3.50, 4.00], rtol=1e-12)
    assert list(p.basis_applied) == ["hub_basis", "hub_basis", "scenario_price"]
    assert "Waha basis -1.42 (2024)" in p.label[0] and "no basis figure" in p.label[2]
    assert np.isnan(p.basis_usd_per_mmbtu[2])


def test_override_wins_and_is_labelled():
    p = gp.delivered_gas_price(32.45, -99.73, henry_hub_usd_per_mmbtu=3.5, scenario_price_usd_per_mmbtu=3.5,
                               override_usd_per_mmbtu=2.75)
    assert p.price_usd_per_mmbtu[0] == 2.75 and p.basis_applied[0] == "override" and "user" in p.label[0]


def test_bad_coordinates_raise():
    with pytest.raises(ConfigError, match="latitude"):
        gp.delivered_gas_price(95.0, 0.0, henry_hub_usd_per_mmbtu=3.5, scenario_price_usd_per_mmbtu=3.5)
