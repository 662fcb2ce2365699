"""Human labels and numbers for people: every expected text is written out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from maps import labels as L


@pytest.mark.parametrize("name, label, unit", [
    ("distance_to_substation_km", "Distance to substation", "km"),
    ("nox_tons_per_yr_without_scr", "NOx without SCR", "short tons/yr"),  # a unit in the middle of the name
    ("wue_consumption_l_per_kwh", "WUE consumption", "L/kWh"),
    ("renewables_plus_gas_pv_capacity_mw_dc", "Renewables plus gas PV capacity", "MWdc"),
    ("co2_intensity_kg_per_mwh_it", "CO₂ intensity", "kg/MWh of IT energy"),
    ("hot_hour_derate_frac", "Hot hour derate", "%"),
    ("county_fips", "County FIPS", ""),
    ("lcoe_usd_per_mwh", "Delivered cost", "USD/MWh"),  # an override of labels.csv
    ("gas_only", "Gas only", ""),  # a categorical value
])
def test_labels_from_names(name, label, unit):
    assert L.human_label(name) == label
    assert L.unit_of(name) == unit
    assert "_" not in L.human_label(name)


def test_every_site_column_reads_without_underscores(labels):
    for name in labels.names():
        assert "_" not in labels.title(name), name


def test_numbers_for_people():
    assert L.number(1234567.8) == "1,234,568" and L.number(61.849) == "61.8" and L.number(72.0) == "72"
    assert L.number(0.000123) == "0.000123"  # never 1.23e-04
    assert L.big(1_141_734_002) == "1.14 billion" and L.big(4_660_138.8) == "4.66 million" and L.big(11_730.1) == "11,730"
    assert L.money(4.546e9) == "$4.55B" and L.money(363.6e6) == "$364M" and L.money(-42.42e9) == "-$42.4B"
    assert L.money(2222.02) == "$2,222" and L.money(83.11) == "$83.1" and L.money(0.77) == "$0.77"
    # a shortfall keeps its first significant digit: 1 - 0.9999 = 0.01 %, so two decimals
    assert L.percent(0.9999) == "99.99%" and L.percent(0.99992857) == "99.993%" and L.percent(0.12) == "12.0%"
    assert L.percent(0.9999999999) == ">99.9999%"  # rounds to 100 at the finest shown: never "100%" for less
    assert L.lat_lon(32.45, -99.74) == "32.4500° N, 99.7400° W" and L.lat_lon(-33.9, 151.2, 1) == "33.9° S, 151.2° E"
    assert [L.month_name(m) for m in (1, 7, 12)] == ["Jan", "Jul", "Dec"] and L.month_name(3, short=False) == "March"
    with pytest.raises(ValueError, match="1-12"):
        L.month_name(13)


@pytest.mark.parametrize("name, value, text", [
    ("analysis_year", 2027, "2027"),  # a year, not 2,027
    ("reliability_target_frac", 0.9999, "99.99%"),  # not "1"
    ("site_water_share_of_county_pct", 118.039, "118.0%"),
    ("capex_usd", 4.546e9, "$4.55B"),
    ("lcoe_usd_per_mwh", 66.12, "$66.1/MWh"),
    ("site_water_consumption_gal_per_yr", 1_141_734_002.2, "1.14 billion gal/yr"),
    ("distance_to_pipeline_km", 3.21, "3.21 km"),
    ("hot_hour_temp_air_degc", 41.1, "41.1 °C"),
    ("gas_units_count", np.int64(44), "44"),
    ("air_permit_path", "psd_major", "PSD major source"),
    ("weather_station_too_far", False, "no"),
    ("gas_fleet_unserved_mwh_per_yr", math.nan, "n/a"),
])
def test_show(name, value, text):
    assert L.show(name, value) == text


def test_humanize_leaves_files_and_urls():
    assert L.humanize("the gas_only design") == "the gas only design"
    assert L.humanize("see water_use_factors.csv") == "see water_use_factors.csv"
    assert L.humanize("https://example.org/a_b_c") == "https://example.org/a_b_c"
    assert L.humanize("consume 1.2e+02 % of it") == "consume 120 % of it"
    assert L.humanize("capitalised: 363.6 MUSD (-42.42 BUSD)") == "capitalised: $364M (-$42.4B)"
    assert L.SNAKE_CASE.findall(L.humanize("capex_usd_per_kw and equity_irr_frac")) == []
