"""The site chain: one calculation per site, whether the site is alone or in a block of many.

Equal means equal: every figure of a site designed in a vector of sites (sharing the
station's climate, the fleet and dispatch of identical rows, the capacity LP of its
group) is bit-for-bit the figure of the same site designed alone.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gis_data.weather import load_weather
from siting.chain.climate import climate_of, scale_cooling, station_from_weather
from siting.chain.permits import nonattainment_class
from siting.chain.resolved import resolve
from siting.chain.site import OPTION_FIELDS, OPTIONS, SiteInputs, design_site, design_sites
from siting.scenario import Scenario

SCENARIO = Scenario(max_gas_share_frac=0.6)


@pytest.fixture(scope="module")
def climate():
    weather = load_weather("pvlib:723170TYA.CSV")
    return climate_of(station_from_weather(weather), resolve(SCENARIO, sizing_day_stride=8))


@pytest.fixture(scope="module")
def resolved():
    return resolve(SCENARIO, sizing_day_stride=8)


#: Six sites on one station: three share (elevation, IT load) and so one dispatch row; statuses and waits vary.
SITES = dict(
    altitude_m=[0.0, 900.0, 273.0, 273.0, 1600.0, 273.0],
    it_load_mw=[100.0, 250.0, 100.0, 100.0, 40.0, 100.0],
    nonattainment_status=[None, "serious", "marginal", "attainment", "nonattainment", "severe"],
    grid_wait_months=[math.nan, 24.0, 72.0, math.nan, 55.0, 30.0],
)


def _inputs(idx=None):
    idx = range(len(SITES["altitude_m"])) if idx is None else idx
    return SiteInputs(np.array(["s"] * len(idx), dtype=object), np.array([SITES["altitude_m"][i] for i in idx]),
                      np.array([SITES["it_load_mw"][i] for i in idx]),
                      [SITES["nonattainment_status"][i] for i in idx],
                      np.array([SITES["grid_wait_months"][i] for i in idx]), np.full(len(idx), 36.0),
                      np.full(len(idx), -79.9))


def test_a_site_in_a_block_equals_the_site_alone(climate, resolved):
    table = design_sites(_inputs(), {"s": climate}, resolved)
    assert table.designed.all() and table.dispatch_rows == 4  # six sites, four distinct (elevation, load) rows
    for i in range(6):
        one = design_site(climate, resolved, _inputs([i]))
        for o in OPTIONS:
            alone = one.power.option(o)
            for f in OPTION_FIELDS:
                a, b = getattr(alone, f), table.options[o][f][i]
                assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), (i, o, f, a, b)
        assert one.power.fleet.units_count == table.fleet["units_count"][i]
        assert one.power.fleet.availability_frac == table.fleet["availability_frac"][i]
        assert one.cooling.water_consumption_gal_per_yr == table.cooling_consumption_gal_per_yr[i]
        assert one.power.recommended == table.recommended[i]
        assert one.power.facility_energy_mwh_per_yr == table.facility_energy_mwh_per_yr[i]


def test_order_and_company_do_not_matter(climate, resolved):
    """The same site among other sites, in another order, gets the same numbers."""
    a = design_sites(_inputs(), {"s": climate}, resolved)
    order = [5, 3, 1, 0, 4, 2]
    b = design_sites(_inputs(order), {"s": climate}, resolved)
    for o in OPTIONS:
        for f in OPTION_FIELDS:
            x, y = a.options[o][f][order], b.options[o][f]
            assert np.array_equal(x, y) or np.array_equal(np.asarray(x, float), np.asarray(y, float), equal_nan=True), (o, f)


def test_one_capacity_lp_per_station_fleet_and_load(climate, resolved):
    """The LP is solved at the station's elevation, so sites differing only in elevation share it."""
    table = design_sites(_inputs(), {"s": climate}, resolved)
    assert np.all(table.lp_altitude_m == climate.station.elevation_m)
    same_group = [2, 3, 5]  # 100 MW at 273 m: same fleet
    caps = table.options["renewables_plus_gas"]["pv_capacity_mw_dc"][same_group]
    assert np.all(caps == caps[0])
    assert table.lp_groups <= 4


def test_cooling_scales_linearly_and_keeps_ratios(climate):
    one = scale_cooling(climate.per_mw, 1.0)
    big = scale_cooling(climate.per_mw, 250.0)
    assert big.water_consumption_gal_per_yr == 250.0 * climate.per_mw.water_consumption_gal_per_yr
    assert big.pue_annual == one.pue_annual and big.wue_consumption_l_per_kwh == one.wue_consumption_l_per_kwh
    # the cooling model is linear in IT load: a 250 MW run of the hourly model agrees to round-off
    from models import cooling as cl

    direct = cl.annual_cooling(cl.hourly_cooling(climate.station.weather, 250.0, climate.cooling), climate.cooling)
    assert big.water_consumption_gal_per_yr == pytest.approx(direct.water_consumption_gal_per_yr, rel=1e-12)
    assert big.facility_energy_mwh_per_yr == pytest.approx(direct.facility_energy_mwh_per_yr, rel=1e-12)


def test_one_rule_for_the_ozone_class():
    from siting.chain.permits import class_for_offsets

    assert nonattainment_class("Serious") == "serious"
    assert nonattainment_class("attainment") is None
    # an ozone area of unknown class: passed on, and the strictest class is assumed for thresholds and offsets
    assert nonattainment_class("nonattainment") == "nonattainment"
    assert class_for_offsets("nonattainment") == "extreme"
    assert nonattainment_class(None) is None and nonattainment_class(float("nan")) is None
    assert nonattainment_class(pd.NA) is None


def test_power_water_is_energy_by_source_times_factor(climate, resolved):
    one = design_site(climate, resolved, _inputs([1]))
    f = resolved.water_factors
    for o in OPTIONS:
        p = one.power.option(o)
        hand = sum(e * f[s][0] for s, e in (("gas", p.gas_mwh_per_yr), ("pv", p.pv_mwh_per_yr),
                                           ("wind", p.wind_mwh_per_yr), ("grid", p.grid_mwh_per_yr)) if e > 0)
        assert p.power_water_consumption_gal_per_yr == pytest.approx(hand, rel=1e-12), o
    w = one.water("renewables_plus_gas")
    assert w["total_consumption_gal_per_yr"] == w["on_site_consumption_gal_per_yr"] + w["power_consumption_gal_per_yr"]


def test_bad_inputs_are_refused(climate, resolved):
    from siting.errors import ConfigError

    with pytest.raises(ConfigError, match="one site"):
        design_site(climate, resolved, _inputs([0, 1]))
    bad = _inputs([0])
    bad.it_load_mw[0] = -5.0
    with pytest.raises(ConfigError, match="it_load_mw"):
        design_site(climate, resolved, bad)
