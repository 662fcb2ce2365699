"""The embedded synthetic sample region: reproducible, small, labelled synthetic, loadable by every loader,
and in the same raw schemas as the real sources it imitates."""

from __future__ import annotations

import csv
import importlib.util
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pyogrio
import pytest

from gis_data.canonical import ROLES, check_canonical
from gis_data.layerset import LayerSet

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = resources.files("gis_data").joinpath("sample")


def _generator():
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "scripts" / "make_sample.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_sample"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_generator_reproduces_committed_files(tmp_path):
    gen = _generator()
    files = gen.build(tmp_path)
    for f in files:
        assert SAMPLE.joinpath(f.name).read_bytes() == f.read_bytes(), f"{f.name}: run python scripts/make_sample.py"
    total = sum(f.stat().st_size for f in files)
    assert total < 200_000  # "well under 1 MB"


def test_every_role_loads_and_is_labelled_synthetic():
    ls = LayerSet.sample()
    assert ls.is_synthetic
    expected = {"transmission", "substations", "pipelines", "gas_facilities", "plants", "datacenters", "states",
                "counties", "water_use", "water_stress", "nonattainment", "weather_stations"}
    assert set(ls.roles) == expected
    for role in ls.roles:
        frame = ls.load(role)
        check_canonical(frame, role)
        assert frame.attrs["source"]["synthetic"] is True, role
        assert len(frame) > 0, role
        if ROLES[role].geometry is not None:
            # everything sits in the Greensboro box 35.6-36.6 N, 80.6-79.2 W
            minx, miny, maxx, maxy = frame.total_bounds
            assert -80.6 - 1e-9 <= minx and maxx <= -79.2 + 1e-9 and 35.6 - 1e-9 <= miny and maxy <= 36.6 + 1e-9, role


def test_sample_shows_the_mess_handling():
    ls = LayerSet.sample()
    t = ls.load("transmission")
    assert sorted(t["voltage_kv"].dropna().unique().tolist()) == [115.0, 230.0, 345.0, 500.0]
    # two lines have VOLTAGE -999999: their voltage is unknown (a "100-161" class is a range, not a voltage,
    # and the other's class is "NOT AVAILABLE")
    assert int(t["voltage_kv"].isna().sum()) == 2
    unknown = t.loc[t["voltage_kv"].isna(), "volt_class"]
    assert unknown.iloc[0] == "100-161" and unknown.isna().iloc[1]
    subs = ls.load("substations")
    assert subs["max_voltage_kv"].isna().sum() == 1
    na = ls.load("nonattainment")
    assert na[["county_fips", "pollutant", "classification"]].values.tolist() == [["37901", "ozone", "Marginal"]]
    counties = ls.load("counties")
    assert set(na["county_fips"]) <= set(counties["county_fips"])
    assert set(ls.load("water_use")["county_fips"]) == set(counties["county_fips"])


def test_sample_weather_is_greensboro():
    from gis_data.weather import weather_for_site

    found = weather_for_site(LayerSet.sample(), 36.0, -79.8)
    assert found.station["station_id"] == "723170" and found.distance_km < 25
    assert len(found.weather) == 8760 and np.isfinite(found.weather["temp_air_degc"]).all()


def _columns(path) -> list[str]:
    path = str(path)
    if path.endswith((".csv", ".csv.gz")):
        import pandas as pd

        return [c.lstrip("\ufeff") for c in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns]
    return list(pyogrio.read_info(path)["fields"])


@pytest.mark.shared_data
def test_sample_schemas_match_the_real_sources(shared_data):
    """Each sample file uses the real source's field names (the sample may hold fewer columns)."""
    real = {
        "substations.geojson": f"/vsigzip/{shared_data}/substations_us_hifld/hifld_substations.geojson.gz",
        "pipelines.geojson": f"/vsizip/{shared_data}/natural_gas_pipelines_us_hifld/hifld-natgas-lines.zip/hifld-natgas-lines.geojson",
        "gas_facilities.geojson": f"/vsigzip/{shared_data}/natural_gas_pipelines_us_hifld/hifld_natgas_points.geojson.gz",
        "plants.geojson": f"/vsigzip/{shared_data}/power_plants_us_eia860/eia_generators.geojson.gz",
        "datacenters.geojson": shared_data / "datacenters_us_im3_atlas" / "im3_datacenter_centroids.geojson",
        "counties.geojson": f"/vsizip/{shared_data}/boundaries_us_census/cb_2018_us_county_20m.zip/cb_2018_us_county_20m.shp",
        "water_use.csv": shared_data / "water_use_us_usgs_2015" / "usco2015v2.0.csv.gz",
        "water_stress.csv": shared_data / "water_stress_wri_aqueduct" / "aqueduct40_baseline_annual_usa_bws.csv.gz",
        "phistory.csv": shared_data / "nonattainment_epa_greenbook" / "phistory.csv",
        "stations.csv": shared_data / "weather_tmy3_selected" / "stations.csv",
    }
    for name, src in real.items():
        with resources.as_file(SAMPLE.joinpath(name)) as p:
            ours = _columns(p)
        theirs = _columns(src)
        extra = set(ours) - set(theirs) - ({"classification"} if name == "phistory.csv" else set())
        assert not extra, f"{name}: columns not in the real source: {sorted(extra)}"
        if name not in ("water_use.csv",):  # USGS: the sample keeps the 26 columns the loader reads
            assert set(theirs) <= set(ours), f"{name}: real columns missing from the sample: {set(theirs) - set(ours)}"
    # HIFLD official transmission: the Indiana subset carries a subset of the official fields
    with resources.as_file(SAMPLE.joinpath("transmission.geojson")) as p:
        ours = set(_columns(p))
    indiana = set(_columns(shared_data / "transmission_indiana_hifld_subset" / "transmission_lines.geojson"))
    assert indiana <= ours and {"ID", "TYPE", "STATUS", "OWNER", "VOLTAGE", "VOLT_CLASS"} <= ours
    with resources.as_file(SAMPLE.joinpath("layers.toml")) as p:
        assert "synthetic = true" in p.read_text(encoding="utf-8")
    with resources.as_file(SAMPLE.joinpath("stations.csv")) as p:
        with p.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    assert rows[0]["file"] == "pvlib:723170TYA.CSV"
