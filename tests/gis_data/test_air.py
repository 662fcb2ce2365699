"""EPA Green Book nonattainment: phistory at a date, the 2021 county polygons, area polygons."""

from __future__ import annotations

from importlib import resources

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from gis_data import air
from gis_data.canonical import check_canonical
from models.errors import ConfigError, CRSError, DataError


def _sample_phistory(**kw):
    with resources.as_file(resources.files("gis_data").joinpath("sample", "phistory.csv")) as p:
        return air.load_greenbook_phistory(p, **kw)


def test_pollutant_codes():
    names = ["8-Hour Ozone (2015)", "1-Hour Ozone (1979)", "PM-2.5 (2012)", "PM-10 (1987)", "Sulfur Dioxide (2010)",
             "Nitrogen Dioxide (1971)", "Carbon Monoxide (1971)", "Lead (2008)"]
    assert air.pollutant_code(names).tolist() == ["ozone", "ozone", "pm25", "pm10", "so2", "no2", "co", "lead"]


def test_sample_status_depends_on_the_date():
    now = _sample_phistory()  # default: the last year of the file (2021)
    check_canonical(now, "nonattainment")
    assert now[["county_fips", "pollutant", "classification", "status", "naaqs"]].values.tolist() == [
        ["37901", "ozone", "Marginal", "whole", "8-Hour Ozone (2015)"]]
    assert now["as_of_year"].tolist() == [2021]
    # 2010: county 901 not yet designated; county 902's 1997-ozone area is revoked, so dropped by default
    assert len(_sample_phistory(date="2010-07-01")) == 0
    old = _sample_phistory(date="2010-07-01", include_revoked=True)
    assert old[["county_fips", "status", "revoked"]].values.tolist() == [["37902", "part", True]]
    late = _sample_phistory(date="2030-01-01")  # after the export: last year, and said so
    assert len(late) == 1 and "after the file's last year" in next(iter(late.attrs["load_report"]["repaired"]))
    with pytest.raises(ConfigError, match="before the first year"):
        _sample_phistory(date=1980)
    with pytest.raises(ConfigError, match="not a date"):
        _sample_phistory(date="yesterday-ish")


def test_not_phistory(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a Green Book phistory"):
        air.load_greenbook_phistory(p)


def test_summary_and_point_lookup():
    na = _sample_phistory()
    s = air.nonattainment_for_counties(["37901", "37902"], na, pollutant="ozone")
    assert s["nonattainment"].tolist() == [True, False]
    assert s.loc["37901", "classification"] == "Marginal" and s.loc["37902", "status"] == ""
    with pytest.raises(ConfigError, match="expected one of"):
        air.nonattainment_for_counties(["37901"], na, pollutant="smog")
    polys = gpd.GeoDataFrame({"area_name": ["A"], "pollutant": ["ozone"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    hit = air.nonattainment_at([0.5, 2.0], [0.5, 0.5], polys)
    assert hit["point"].tolist() == [0] and hit["area_name"].tolist() == ["A"]
    with pytest.raises(CRSError):
        air.nonattainment_at([0.5], [0.5], polys.to_crs("EPSG:3857"))


@pytest.mark.shared_data
def test_real_phistory_harris_county(shared_data):
    path = shared_data / "nonattainment_epa_greenbook" / "phistory.csv"
    na = air.load_greenbook_phistory(path, date="2021-01-01")
    check_canonical(na, "nonattainment")
    assert na.attrs["load_report"]["source_rows"] == 1983  # PROVENANCE: 1,983 rows
    harris = na[na["county_fips"] == "48201"].set_index("naaqs")
    # Green Book phistory, Harris County TX: whole county ("W") in 2021 for the 2015 and 2008 8-hour ozone NAAQS
    assert set(harris.index) == {"8-Hour Ozone (2015)", "8-Hour Ozone (2008)"}
    assert harris.loc["8-Hour Ozone (2015)", "status"] == "whole"
    assert harris.loc["8-Hour Ozone (2015)", "pollutant"] == "ozone"
    # phistory has no classification column; the loader says so rather than inventing one
    assert harris.loc["8-Hour Ozone (2015)", "classification"] == ""
    assert "no classification column" in na.attrs["classification_note"]
    o15 = na[na["naaqs"] == "8-Hour Ozone (2015)"]
    # PROVENANCE: 2015 ozone at 2021 = 155 whole + 41 partial counties; Texas 16 counties
    assert (o15["status"] == "whole").sum() == 155 and (o15["status"] == "part").sum() == 41
    assert (o15["state_abbr"] == "TX").sum() == 16
    # before its 2018 designation the 2015 standard has no county
    assert (air.load_greenbook_phistory(path, date=2017)["naaqs"] == "8-Hour Ozone (2015)").sum() == 0


@pytest.mark.shared_data
def test_real_counties_2021_and_texas_polygons(shared_data):
    folder = shared_data / "nonattainment_epa_greenbook"
    c = air.load_greenbook_counties_2021(folder / "nonattainment_counties_2021.geojson")
    check_canonical(c, "nonattainment")
    assert c.crs.to_epsg() == 4326 and c["county_fips"].nunique() == 273  # PROVENANCE: 273 counties
    o15 = c[c["naaqs"] == "8-Hour Ozone (2015)"]
    assert (o15["status"] == "whole").sum() == 155 and (o15["status"] == "part").sum() == 41
    # the derived file and phistory agree county by county for 2021
    ph = air.load_greenbook_phistory(folder / "phistory.csv", date=2021)
    key = ["county_fips", "naaqs", "status"]
    both = pd.DataFrame(c[key]).merge(ph[key], how="outer", indicator=True)
    only_ph = both[both["_merge"] == "right_only"]
    assert (both["_merge"] == "left_only").sum() == 0
    assert set(only_ph["county_fips"]) == {"66010"}  # Guam: no polygon in the 20m county file (PROVENANCE)
    pol = air.load_naa_polygons(folder / "naa_polygons_tx_sample")
    assert len(pol) == 4 and set(pol["pollutant"]) == {"ozone"}  # PROVENANCE: 1 + 1 + 2 polygons
    assert set(pol["naaqs"]) == {"8-Hour Ozone (2015)"}
    # downtown Dallas, downtown San Antonio, El Paso airport; Houston is not among the three sample areas
    hit = air.nonattainment_at([-96.80, -98.49, -106.38, -95.37], [32.78, 29.42, 31.81, 29.76], pol)
    assert hit["point"].tolist() == [0, 1, 2]
    assert hit["area_name"].tolist() == ["Dallas-Fort Worth, TX", "San Antonio, TX", "El Paso-Las Cruces, TX-NM"]


@pytest.mark.shared_data
def test_phistory_dbf_as_the_green_book_serves_it_reads_like_the_csv(shared_data, tmp_path):
    """The Green Book download page serves phistory.dbf (dBASE: names cut to 10 characters, so
    revoked_naaqs arrives as REVOKED_NA). The real CSV written as such a dBASE table must load the same."""
    import warnings

    import pyogrio

    csv = shared_data / "nonattainment_epa_greenbook" / "phistory.csv"
    table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.columns = [c.upper() for c in table.columns]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's note that REVOKED_NAAQS is cut to REVOKED_NA
        pyogrio.write_dataframe(table, tmp_path / "phistory.dbf", driver="ESRI Shapefile")
    from_dbf = air.load_greenbook_phistory(tmp_path / "phistory.dbf", date=2021)
    from_csv = air.load_greenbook_phistory(csv, date=2021)
    assert len(from_dbf) == len(from_csv) > 0
    assert from_dbf.equals(from_csv)
    assert not from_dbf["revoked"].any()  # revoked standards dropped as from the CSV: the cut name was understood
