"""Census state and county loaders: real 2018 files (shared data) and the synthetic sample."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from importlib import resources

from gis_data import boundaries as b
from gis_data.canonical import CONUS_METRIC_CRS, check_canonical
from models.errors import DataError, UnknownNameError


def _sample(name):
    return resources.files("gis_data").joinpath("sample", name)


def test_state_table_lookups():
    # Census ANSI codes: 48 = Texas, 37 = North Carolina, 72 = Puerto Rico (hand-checked against the code list)
    assert b.state_abbr_from_fips(["48", 37, "72"]).tolist() == ["TX", "NC", "PR"]
    assert b.state_abbr_from_name(["Texas", "district of columbia"]).tolist() == ["TX", "DC"]
    assert b.state_fips_of("nc") == "37"
    with pytest.raises(UnknownNameError, match="expected one of"):
        b.state_fips_of("XX")
    assert b.state_abbr_from_fips(["99"]).isna().all()


def test_sample_counties_tile_the_region():
    with resources.as_file(_sample("counties.geojson")) as p:
        c = b.load_census_counties(p)
    check_canonical(c, "counties")
    assert c["county_fips"].tolist() == [f"379{i:02d}" for i in range(1, 7)]
    assert set(c["state_abbr"]) == {"NC"}
    # the six counties tile the 1.4 deg x 1.0 deg box exactly (shared jittered edges, no gaps or overlaps)
    # (planar areas in degrees on purpose: the tiling is exact in lon/lat)
    import shapely

    geoms = c.geometry.to_numpy()
    assert shapely.area(shapely.union_all(geoms)) == pytest.approx(1.4 * 1.0, rel=1e-9)  # rel: float round-off
    assert shapely.area(geoms).sum() == pytest.approx(1.4, rel=1e-9)
    # ALAND + AWATER is the generator's area; it agrees with the equal-area projection to 1 %
    # (the generator uses a spherical equirectangular approximation)
    total = (c["area_land_km2"] + c["area_water_km2"]).to_numpy()
    np.testing.assert_allclose(total, c.to_crs(CONUS_METRIC_CRS).area.to_numpy() / 1e6, rtol=0.01)


def test_geoid_mismatch_is_an_error(tmp_path):
    from shapely.geometry import box

    g = gpd.GeoDataFrame({"STATEFP": ["37"], "COUNTYFP": ["081"], "GEOID": ["37083"], "NAME": ["X"]},
                         geometry=[box(-80, 36, -79.9, 36.1)], crs="EPSG:4269")
    path = tmp_path / "c.geojson"
    g.to_file(path)
    with pytest.raises(DataError, match="GEOID disagrees"):
        b.load_census_counties(path)


@pytest.mark.shared_data
def test_real_states(shared_data):
    s = b.load_census_states(shared_data / "boundaries_us_census" / "cb_2018_us_state_20m.zip")
    check_canonical(s, "states")
    assert len(s) == 52  # PROVENANCE: 50 states + DC + PR
    assert s.crs.to_epsg() == 4326
    assert s.attrs["load_report"]["repaired"] == {"reprojected from EPSG:4269 to EPSG:4326": 52}
    # the hard-coded ANSI table agrees with the Census file on every abbreviation and name
    for fips, abbr, name in s[["state_fips", "state_abbr", "state_name"]].itertuples(index=False):
        assert b.STATES[fips] == (abbr, name)
    tx = s[s["state_abbr"] == "TX"].iloc[0]
    # Census 2018 gazetteer: Texas land area 676,653 km2 (261,232 sq mi)
    assert tx["area_land_km2"] == pytest.approx(676_653, rel=0.001)  # rel: rounding of the gazetteer figure


@pytest.mark.shared_data
def test_real_counties(shared_data):
    c = b.load_census_counties(shared_data / "boundaries_us_census" / "cb_2018_us_county_20m.zip")
    check_canonical(c, "counties")
    assert len(c) == 3220  # PROVENANCE: 3,220 counties incl. PR
    assert c["county_fips"].is_unique and c["county_fips"].str.fullmatch(r"\d{5}").all()
    assert c["state_abbr"].notna().all()
    harris = c[c["county_fips"] == "48201"].iloc[0]
    assert harris["county_name"] == "Harris" and harris["state_abbr"] == "TX"
    # Harris County contains downtown Houston (29.76 N, 95.37 W)
    from shapely.geometry import Point

    assert harris.geometry.contains(Point(-95.37, 29.76))
