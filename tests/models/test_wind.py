"""Wind output with windpowerlib: power-curve hand check and a real TMY3 year."""

import gzip
import os

import numpy as np
import pandas as pd
import pvlib
import pytest
from windpowerlib import WindTurbine, wake_losses

from models import wind
from models.catalog import read_catalog
from models.errors import ConfigError, DataError, UnknownNameError


def _weather(speed_10m):
    idx = pd.date_range("2021-01-01", periods=len(speed_10m), freq="h", tz="UTC")
    return pd.DataFrame({"wind_speed_m_per_s": speed_10m, "temp_air_degc": 15.0, "pressure_pa": 101_325.0},
                        index=idx)


def test_log_profile_and_power_curve_hand_case():
    # Hand calculation of the whole chain for 6 m/s at 10 m, 15 C at 2 m, 101,325 Pa at 0 m, z0 = 0.1 m:
    # hub speed 6 x ln(115/0.1)/ln(10/0.1) (log law); hub temperature 288.15 - 0.0065 x 113 K; barometric
    # density (1013.25 - 115/8 hPa) x 1.225 x 288.15 / (1013.30 x T_hub); power-curve speeds scaled by
    # (1.225/rho)^p(v) with p = 1/3 below 7.5 m/s, v/15 - 1/6 up to 12.5, 2/3 above (Svenningsen 2010).
    v_hub = 6.0 * np.log(115 / 0.1) / np.log(10 / 0.1)
    t_hub = 288.15 - 0.0065 * (115 - 2)
    rho = (1013.25 - 115 / 8) * 1.225 * 288.15 * 100 / (101330 * t_hub)
    t = WindTurbine(hub_height=115, turbine_type="V126/3450")
    v_std = t.power_curve.wind_speed.to_numpy()
    p = np.where(v_std <= 7.5, 1 / 3, np.where(v_std < 12.5, v_std / 15 - 1 / 6, 2 / 3))
    v_site = v_std * (1.225 / rho) ** p
    expect = np.interp(v_hub, v_site, t.power_curve.value.to_numpy()) / t.nominal_power
    got = wind.wind_mw_per_mw(_weather(np.array([6.0, 6.0])), losses_frac=0.0, wake_losses_model=None)
    # rtol 1e-9: the same published formulas evaluated independently here
    assert got[0] == pytest.approx(expect, rel=1e-9)
    assert wind.wind_mw_per_mw(_weather(np.array([0.0, 40.0]))).tolist() == [0.0, 0.0]  # calm and cut-out

    # Wake: the hub speed is scaled by the dena-Netzstudie II mean wind efficiency at that speed (table shipped
    # with windpowerlib, read here independently), then the same power curve; non-wake losses multiply the
    # output by (1 - losses). rtol 1e-9: the same table and formulas evaluated here.
    eff = wake_losses.get_wind_efficiency_curve("dena_mean")
    v_wake = v_hub * np.interp(v_hub, eff.wind_speed.to_numpy(), eff.efficiency.to_numpy())
    expect_wake = np.interp(v_wake, v_site, t.power_curve.value.to_numpy()) / t.nominal_power
    got_wake = wind.wind_mw_per_mw(_weather(np.array([6.0, 6.0])), losses_frac=0.1)
    assert got_wake[0] == pytest.approx(expect_wake * 0.9, rel=1e-9)
    assert got_wake[0] < got[0]


def test_greensboro_capacity_factor_is_plausible():
    d, meta = pvlib.iotools.read_tmy3(os.path.join(os.path.dirname(pvlib.__file__), "data", "723170TYA.CSV"),
                                      map_variables=True, coerce_year=1990)
    w = pd.DataFrame({"wind_speed_m_per_s": d.wind_speed, "temp_air_degc": d.temp_air,
                      "pressure_pa": d.pressure * 100.0}, index=d.index)
    cf = wind.wind_mw_per_mw(w).mean()
    # an inland airport station (annual mean ~3 m/s at 10 m) gives a low capacity factor; the bound says only
    # that the chain produces a physical number (0 < CF < 0.5), not a validated yield
    assert 0.0 < cf < 0.5
    assert cf < wind.wind_mw_per_mw(w, losses_frac=0.0, wake_losses_model=None).mean()  # losses only remove energy


def test_land_and_errors():
    assert wind.wind_land_acres(100.0) == pytest.approx(100 * 34 * 2.4710538, rel=1e-12)  # Denholm 2009
    with pytest.raises(DataError, match="wind_speed_m_per_s"):
        wind.wind_mw_per_mw(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(UnknownNameError, match="V126/3450"):
        wind.wind_mw_per_mw(_weather(np.array([5.0])), turbine_type="X-1")
    with pytest.raises(UnknownNameError, match="dena_mean"):
        wind.wind_mw_per_mw(_weather(np.array([5.0])), wake_losses_model="jensen")
    with pytest.raises(ConfigError, match="losses_frac"):
        wind.wind_mw_per_mw(_weather(np.array([5.0])), losses_frac=1.2)


def test_default_losses_are_sams_and_combine_multiplicatively():
    # SAM's default wind losses (Windpower, WindPowerSingleOwner), read from the independent tool itself:
    # every category of the catalog has SAM's value, and the combination is SAM's 1 - prod(1 - l_i/100).
    # Hand calculation of the combination: availability (0.5, 1.5, 3.58), electrical (1.91, 0.1), environmental
    # (1.8, 0.4, 0, 0.21), curtailment (1.0, 0.84, 0.99, 0), turbine (1.7, 0.4, 1.1, 0.81), external wake 1.1,
    # future wake 0 -> 16.555 %. rtol 1e-12: exact arithmetic on the same numbers.
    sam = pytest.importorskip("PySAM.Windpower")
    model = sam.default("WindPowerSingleOwner")  # keep a reference: the Losses group lives in this model
    sam_losses = model.Losses.export()
    table = {r["sam_variable"]: float(r["loss_pct"]) for r in read_catalog("wind_losses")}
    for var, pct in table.items():
        assert sam_losses[var] == pytest.approx(pct, abs=1e-12), var
    assert set(sam_losses) - set(table) == {"wake_int_loss"}  # the plant's own wake is modelled (dena curve)
    pcts = [0.5, 1.5, 3.58, 1.91, 0.1, 1.8, 0.4, 0.0, 0.21, 1.0, 0.84, 0.99, 0.0, 1.7, 0.4, 1.1, 0.81, 1.1, 0.0]
    assert wind.default_losses_frac() == pytest.approx(1 - np.prod([1 - p / 100 for p in pcts]), rel=1e-12)
    assert wind.default_losses_frac() == pytest.approx(0.16555, abs=5e-6)


@pytest.mark.shared_data
def test_abilene_capacity_factor_before_and_after_losses(shared_data):
    # Abilene Regional Airport TMY3 (shared data): the issue measured 47.8 % with no losses. With the dena mean
    # wake curve (6.4 % of energy here) and SAM's other default losses (16.6 %) the net CF is 37.3 %: 21.9 % lost
    # in all, a little above the 15-20 % the issue calls typical because SAM's defaults also book curtailment
    # (2.8 %) and blade degradation (1.8 %). Figures computed by this chain; rel 1e-3 pins them, and the wake
    # share is checked against the dena curve's own range (0.5-8 % loss of speed, so of energy well under 15 %).
    with gzip.open(shared_data / "weather_tmy3_selected" / "TX-Abilene_Regional_Ap_Ut.tmy3.gz", "rt") as f:
        d, _ = pvlib.iotools.read_tmy3(f, map_variables=True, coerce_year=1990)
    w = pd.DataFrame({"wind_speed_m_per_s": d.wind_speed, "temp_air_degc": d.temp_air,
                      "pressure_pa": d.pressure * 100.0}, index=d.index)
    gross = wind.wind_mw_per_mw(w, losses_frac=0.0, wake_losses_model=None).mean()
    waked = wind.wind_mw_per_mw(w, losses_frac=0.0).mean()
    net = wind.wind_mw_per_mw(w).mean()
    assert gross == pytest.approx(0.478, rel=1e-3)
    assert 0.0 < 1 - waked / gross < 0.15
    assert net == pytest.approx(waked * (1 - wind.default_losses_frac()), rel=1e-9)
    assert net == pytest.approx(0.373, rel=1e-3)
