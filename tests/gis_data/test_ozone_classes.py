"""Ozone classifications by county: the packaged table, the nayro loader, the join to the Green Book
history, and the permit screen on real counties (Harris TX, Alameda CA, Fresno CA, Shelby TN, Maricopa AZ)."""

from __future__ import annotations

import pandas as pd
import pytest

from gis_data import air
from gis_data.canonical import check_canonical
from gis_data.formats import get_format
from models import emissions as em
from models.catalog import get_prime_mover
from models.errors import ConfigError, DataError

#: States whose 40 CFR 81 sections the reference table parsed (ozone_nonattainment_cfr81.md, "Parsed (18)" + DC).
CFR_STATES = ("AR", "DE", "DC", "GA", "IL", "IN", "KY", "ME", "MD", "MS", "MO", "NC", "PA", "RI", "SC", "TX", "VA", "WY")


# -- the packaged table ---------------------------------------------------------------------------


def test_packaged_table_rows_columns_and_harris():
    t = air.load_ozone_classes()
    assert list(t.columns[:6]) == ["county_fips", "standard", "classification", "partial_county", "area_name", "source"]
    # ozone_nonattainment_cfr81.md row counts: 2015 185 rows, 2008 138 (the 1997 standard left out)
    assert t["standard"].value_counts().to_dict() == {"ozone_8hr_2015": 185, "ozone_8hr_2008": 138}
    assert set(t["classification"]) <= set(em.OZONE_CLASSES)
    assert t.attrs["as_of_year"] == 2025 and t.attrs["standards"] == ("ozone_8hr_2008", "ozone_8hr_2015")
    # spot check 1 and 2 of the .md: Harris 2008 severe (11/7/2022), 2015 serious (7/22/2024), 40 CFR 81.344
    harris = t[t["county_fips"] == "48201"].set_index("standard")
    assert harris.loc["ozone_8hr_2008", ["classification", "classification_date", "source"]].tolist() == [
        "severe", "11/7/2022", "40 CFR 81.344"]
    assert harris.loc["ozone_8hr_2015", "classification"] == "serious"
    # Green Book rows keep EPA's label: Weld County CO 2008 severe-15, partial (spot check 13)
    weld = t[(t["county_fips"] == "08123") & (t["standard"] == "ozone_8hr_2008")].iloc[0]
    assert (weld["class_label"], weld["classification"], bool(weld["partial_county"])) == ("severe-15", "severe", True)
    # .md: 7 partial CFR rows, 61 partial Green Book rows
    cfr = t["source"].str.startswith("40 CFR")
    assert (t["partial_county"] & cfr).sum() == 7 and (t["partial_county"] & ~cfr).sum() == 61


@pytest.mark.shared_data
def test_packaged_table_is_the_reference_copy(shared_reference):
    """The packaged rows are exactly the 2008/2015 rows of the reference table (the script's --check)."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_ozone_classes.py"
    spec = importlib.util.spec_from_file_location("make_ozone_classes", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = shared_reference / "ozone_nonattainment_cfr81.csv"
    assert mod.build(path) == mod.OUT.read_text(encoding="utf-8")
    # and the loader reads the reference layout to the same classes
    ref = air.load_ozone_classes(path)
    pkg = air.load_ozone_classes()
    key = ["county_fips", "standard", "area_name", "classification"]
    assert sorted(map(tuple, ref[key].values)) == sorted(map(tuple, pkg[key].values))
    assert len(air.load_ozone_classes(path, standards=("ozone_8hr_1997",))) == 42  # .md: 42 rows for 1997


def test_classes_table_bad_input(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("county_fips,standard\n48201,ozone_8hr_2015\n", encoding="utf-8")
    with pytest.raises(DataError, match="not an ozone classification table"):
        air.load_ozone_classes(p)
    p.write_text("county_fips,standard,classification\n48201,ozone_8hr_2015,awful\n", encoding="utf-8")
    with pytest.raises(DataError, match="awful"):
        air.load_ozone_classes(p)


# -- nayro ---------------------------------------------------------------------------------------------


def _nayro_csv(tmp_path):
    rows = [
        # pollutant, revoked, fips state, county, name, area, class, part, nonattain, yr2020, yr2021
        ("8-Hour Ozone (2015)", "", "48", "201", "Harris", "Houston-Galveston-Brazoria, TX", "Serious", "W", "Yes", "20", "21"),
        ("8-Hour Ozone (2008)", "", "48", "201", "Harris", "Houston-Galveston-Brazoria, TX", "Severe 15", "W", "Yes", "20", "21"),
        ("8-Hour Ozone (1997)", "Revoked", "48", "201", "Harris", "Houston-Galveston-Brazoria, TX", "Severe 17", "W", "Yes", "20", "21"),
        ("8-Hour Ozone (2015)", "", "06", "037", "Los Angeles", "Los Angeles-South Coast Air Basin, CA", "Extreme", "P", "Yes", "20", "21"),
        ("8-Hour Ozone (2015)", "", "06", "037", "Los Angeles", "West Mojave Desert, CA", "Severe 15", "", "Yes", "20", "21"),
        ("8-Hour Ozone (2015)", "", "13", "121", "Fulton", "Atlanta, GA", "Marginal", "W", "Yes", "20", ""),
        ("PM-10 (1987)", "", "04", "013", "Maricopa", "Phoenix, AZ", "Serious", "P", "Yes", "20", "21"),
        ("8-Hour Ozone (2015)", "", "17", "031", "Cook", "Chicago, IL-IN-WI", "Marginal", "W", "", "20", "21"),
    ]
    cols = ["POLLUTANT", "REVOKED_NA", "FIPS_STATE", "FIPS_CNTY", "COUNTYNAME", "AREA_NAME", "CLASS", "PART",
            "NONATTAIN", "YR2020", "YR2021"]
    frame = pd.DataFrame(rows, columns=cols).assign(EXPORTDT="20210228")
    path = tmp_path / "nayro.csv"
    frame.to_csv(path, index=False)
    return path


def test_nayro_loader_reads_classes_and_the_year_columns(tmp_path):
    na = air.load_greenbook_nayro(_nayro_csv(tmp_path))
    check_canonical(na, "nonattainment")
    got = na[["county_fips", "naaqs", "classification", "status", "class_label"]].values.tolist()
    assert got == [
        ["48201", "8-Hour Ozone (2015)", "serious", "whole", "Serious"],
        ["48201", "8-Hour Ozone (2008)", "severe", "whole", "Severe 15"],
        ["06037", "8-Hour Ozone (2015)", "extreme", "part", "Extreme"],
        ["06037", "8-Hour Ozone (2015)", "severe", "part", "Severe 15"],  # PART blank: 'part', said in the report
        ["04013", "PM-10 (1987)", "serious", "part", "Serious"],  # other pollutants keep EPA's class
    ]
    report = na.attrs["load_report"]
    assert report["dropped"]["revoked standard (include_revoked=False)"] == 1
    assert report["dropped"]["NONATTAIN is not 'Yes'"] == 1  # Cook
    assert "PART blank" in next(iter(report["repaired"]))
    assert na.attrs["source"]["vintage"] == "export 20210228" and (na["as_of_year"] == 2021).all()
    assert set(air.load_greenbook_nayro(_nayro_csv(tmp_path), date=2020)["county_fips"]) >= {"13121"}  # Fulton in 2020
    with pytest.raises(ConfigError, match="before the first year"):
        air.load_greenbook_nayro(_nayro_csv(tmp_path), date=2019)
    bad = tmp_path / "bad.csv"
    bad.write_text("pollutant,fips_state,fips_cnty\nx,48,201\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a Green Book nayro table"):
        air.load_greenbook_nayro(bad)
    fmt = get_format("greenbook_nayro")
    assert fmt.role == "nonattainment" and fmt.detect(None, ["pollutant", "fips_state", "fips_cnty", "class", "yr2021"])
    assert not get_format("greenbook_phistory").detect(None, ["pollutant", "fips_state", "fips_cnty", "class", "yr2021"])


def test_join_takes_the_history_class_where_it_has_one(tmp_path):
    na = air.load_greenbook_nayro(_nayro_csv(tmp_path))
    st = air.ozone_status_by_county(na)
    assert st.loc["48201", "classification"] == "severe" and "nayro" in st.loc["48201", "class_source"]
    # Los Angeles: South Coast (extreme, part) outranks West Mojave (severe-15)
    assert st.loc["06037", "classification"] == "extreme" and st.loc["06037", "partial_county"]
    assert "South Coast" in st.loc["06037", "area_name"]
    # Maricopa is PM-10 serious in this history; its ozone class comes from the newer table (moderate), not PM-10
    assert st.loc["04013", "classification"] == "moderate" and "nayro.dbf" in st.loc["04013", "class_source"]


# -- the join on synthetic cases with answers by construction ---------------------------------------------


def _history(rows, year):
    frame = pd.DataFrame(rows, columns=["county_fips", "naaqs", "status"]).assign(
        pollutant="ozone", classification="", revoked=False, as_of_year=year)
    frame.attrs["source"] = {"name": "test history", "vintage": str(year)}
    return frame


def _table(rows, year):
    t = pd.DataFrame(rows, columns=["county_fips", "standard", "classification", "class_label"]).assign(
        partial_county=False, area_name="Area", source="40 CFR 81.3xx", source_vintage="test")
    t.attrs.update(as_of_year=year, standards=("ozone_8hr_2008", "ozone_8hr_2015"),
                   source={"name": "test table", "vintage": str(year)})
    return t


def test_join_rules_by_construction():
    hist = _history([("48201", "8-Hour Ozone (2015)", "whole"), ("48201", "8-Hour Ozone (2008)", "whole"),
                     ("13121", "8-Hour Ozone (2015)", "whole"), ("99001", "8-Hour Ozone (2015)", "part")], 2021)
    table = _table([("48201", "ozone_8hr_2015", "serious", "serious"), ("48201", "ozone_8hr_2008", "severe", "severe-15"),
                    ("48141", "ozone_8hr_2015", "marginal", "marginal")], 2025)
    st = air.ozone_status_by_county(hist, table, covered_states=["TX", "GA"])
    assert st.loc["48201", "classification"] == "severe" and st.loc["48201", "standards"] == "ozone_8hr_2008;ozone_8hr_2015"
    assert st.loc["48141", "classification"] == "marginal"  # designated after the history: from the table
    assert st.loc["13121", "classification"] == "attainment" and "redesignated since" in st.loc["13121", "note"]
    assert st.loc["99001", "classification"] == em.UNKNOWN_CLASS and st.loc["99001", "class_assumed"]
    assert "does not cover" in st.loc["99001", "note"] and st.loc["99001", "partial_county"]
    # a history newer than the table: a county it lists without a class is unknown, never attainment
    newer = air.ozone_status_by_county(_history([("13121", "8-Hour Ozone (2015)", "whole")], 2027), table)
    assert newer.loc["13121", "classification"] == em.UNKNOWN_CLASS and "not newer" in newer.loc["13121", "note"]
    assert "48141" not in newer.index  # the older table's county is not added over a newer history
    series = air.ozone_classification_by_county(hist, table, covered_states=["TX", "GA"])
    assert series.name == "ozone_classification" and series["48201"] == "severe"
    assert series.attrs["status"].loc["99001", "class_assumed"]
    with pytest.raises(DataError, match="county_fips"):
        air.ozone_status_by_county(pd.DataFrame({"pollutant": ["ozone"]}), table)
    with pytest.raises(DataError, match="load_ozone_classes"):
        air.ozone_status_by_county(hist, table.drop(columns="source"))


# -- real counties: the shipped table joined to the real Green Book history, then the permit screen --------


@pytest.fixture(scope="module")
def real_status(shared_data):
    na = air.load_greenbook_phistory(shared_data / "nonattainment_epa_greenbook" / "phistory.csv")
    return air.ozone_status_by_county(na)


@pytest.fixture(scope="module")
def hourly_temp(shared_data):
    from gis_data.weather import load_weather

    def temp(name):
        path = next((shared_data / "weather_tmy3_selected").glob(f"{name}*.tmy3.gz"))
        return load_weather(path)["temp_air_degc"].to_numpy()
    return temp


def _verdict(status, fips, pte):
    row = status.loc[fips] if fips in status.index else None
    cls = None if row is None else row["classification"]
    src = "not in the ozone nonattainment layers" if row is None else f"{row['class_source']}"
    return em.fleet_permit_path(pte, cls, class_source=src)


@pytest.mark.shared_data
def test_harris_county_is_severe_and_a_large_lm6000_fleet_needs_nonattainment_nsr(real_status, hourly_temp):
    # Harris County TX (48201): 2015 serious, 2008 severe (40 CFR 81.344) -> severe, 25 tpy (CAA 182(d))
    row = real_status.loc["48201"]
    assert row["classification"] == "severe" and not row["class_assumed"]
    assert row["class_source"].startswith("40 CFR 81.344 (ozone_8hr_2008: Houston-Galveston-Brazoria")
    # 33 LM6000PF (a 1,200 MW IT campus) with SCR, Houston Bush weather
    pte = em.potential_to_emit(get_prime_mover("GE LM6000PF"), 33, hourly_temp("TX-Houston"), altitude_m=30.0)
    # output is held at the rating on cold days, so the worst hour burns about the ISO heat input (a mild hour)
    assert pte.nox_pte_worst_tons_per_yr_with_scr > 500.0 and pte.nox_pte_iso_tons_per_yr_with_scr > 500.0
    p = _verdict(real_status, "48201", pte)
    assert p.path == "nonattainment_nsr" and p.threshold_tons_per_yr == 25.0 and p.county_class == "severe"
    assert "182(d)" in p.rule and "40 CFR 81.344" in p.reason and p.offset_ratio == 1.3
    assert "also PSD-major for NO2" in p.reason  # > 250 tpy


@pytest.mark.shared_data
def test_alameda_county_is_marginal(real_status):
    # Alameda CA (06001): San Francisco Bay Area, marginal for 2008 and 2015 (Green Book export, July 2026)
    row = real_status.loc["06001"]
    assert row["classification"] == "marginal" and "Green Book" in row["class_source"]
    p = em.permit_path(120.0, row["classification"], class_source=row["class_source"])
    assert p.path == "nonattainment_nsr" and p.threshold_tons_per_yr == 100.0 and p.offset_ratio == 1.1
    assert em.permit_path(90.0, row["classification"]).path == "minor_source"  # Title V is 100 tpy too


@pytest.mark.shared_data
def test_fresno_county_is_extreme(real_status):
    # Fresno CA (06019): San Joaquin Valley, extreme for 2008 and 2015, whole county -> 10 tpy (CAA 182(e))
    row = real_status.loc["06019"]
    assert row["classification"] == "extreme" and not row["partial_county"]
    one = em.potential_to_emit(get_prime_mover("GE LM6000PF"), 1, [15.0])  # 16.9 tpy with SCR at ISO
    p = em.fleet_permit_path(one, row["classification"], class_source=row["class_source"])
    assert p.path == "nonattainment_nsr" and p.threshold_tons_per_yr == 10.0 and p.offset_ratio == 1.5
    # Sacramento (06067): 2015 serious, 2008 severe-15 -> severe
    assert real_status.loc["06067", "classification"] == "severe"


@pytest.mark.shared_data
def test_shelby_county_is_attainment_and_memphis_14_lm6000_are_title_v_only(real_status, hourly_temp):
    # Shelby TN (47157, Memphis): in neither source -> attainment. Output is held at the rating on cold days (no
    # sourced cold-day rating above ISO), and the heat rate improves in the cold, so the coldest Memphis hour
    # (-11.7 C) burns less than ISO: the worst hour is a mild one near 15 C, and 14 units stay under PSD's 250 tpy
    assert "47157" not in real_status.index
    pte = em.potential_to_emit(get_prime_mover("GE LM6000PF"), 14, hourly_temp("TN-Memphis"), altitude_m=80.0)
    assert pte.coldest_temp_air_degc == pytest.approx(-11.7)
    assert 5.0 <= pte.worst_hour_temp_air_degc <= 15.0 and pte.worst_to_iso_heat_input_ratio <= 1.0
    assert pte.nox_pte_worst_tons_per_yr_with_scr < 250.0
    p = _verdict(real_status, "47157", pte)
    assert p.path == "title_v_only" and p.county_class == "attainment" and p.threshold_tons_per_yr == 100.0


@pytest.mark.shared_data
def test_redesignated_counties_follow_the_newer_table(real_status):
    # .md cross-check: Atlanta 2015 redesignated 11/16/2022 (40 CFR 81.311); Cleveland OH 2015 gone by July 2026
    for fips in ("13121", "39035"):
        assert real_status.loc[fips, "classification"] == "attainment"
        assert "redesignated since" in real_status.loc[fips, "note"]
    # El Paso TX 2015 (designated after the 2021 export) is added from the table: marginal
    assert real_status.loc["48141", "classification"] == "marginal"


@pytest.mark.shared_data
def test_county_outside_the_covered_states_is_screened_as_extreme_and_said_so(shared_data, shared_reference):
    """With only the CFR rows (18 states and DC), Maricopa AZ, nonattainment for 2008 and 2015 in the
    Green Book history, has no class: the screen assumes extreme (10 tpy) and says so."""
    na = air.load_greenbook_phistory(shared_data / "nonattainment_epa_greenbook" / "phistory.csv")
    full = air.load_ozone_classes(shared_reference / "ozone_nonattainment_cfr81.csv")
    cfr_only = full[full["source"].str.startswith("40 CFR")].copy()
    cfr_only.attrs.update(full.attrs)
    st = air.ozone_status_by_county(na, cfr_only, covered_states=CFR_STATES)
    row = st.loc["04013"]
    assert row["classification"] == em.UNKNOWN_CLASS and row["class_assumed"]
    assert "does not cover AZ" in row["note"]
    p = em.permit_path(30.0, row["classification"], class_source=row["class_source"])
    assert p.path == "nonattainment_nsr" and p.class_assumed and p.threshold_tons_per_yr == 10.0
    assert "unknown class" in p.reason and "extreme, is assumed" in p.reason
    # the full table knows Maricopa: moderate (Phoenix-Mesa, Green Book), partial county
    assert air.ozone_status_by_county(na).loc["04013", "classification"] == "moderate"
