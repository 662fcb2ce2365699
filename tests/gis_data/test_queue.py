"""Interconnection-queue loaders (ERCOT GIS report, LBNL Queued Up)."""

from __future__ import annotations

import pandas as pd
import pytest

from gis_data import io, queue
from gis_data.canonical import check_canonical


def test_lbnl_excel_serial_dates(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("q_id,q_status,q_date,prop_date,county,state,mw1,type_clean,project_name\n"
                    "X1,active,45203,46479,Parker County,TX,602.2,Solar,Rocking X\n"
                    "X1,active,45203,46479,Parker County,TX,602.2,Solar,Rocking X\n")
    assert queue._detect_lbnl(path, io.peek_columns(path))
    out = queue.load_lbnl_queued_up(path)
    check_canonical(out, "queue")
    # Excel serial 45203 is 2023-10-04 (Excel 1900 system: day 1 = 1900-01-01, with the 1900 leap bug,
    # so serial n = 1899-12-30 + n days; checked against Excel's DATE(2023,10,4) = 45203).
    assert out["queue_date"].iloc[0] == pd.Timestamp("2023-10-04")
    assert out["county_name"].iloc[0] == "Parker"  # " County" suffix removed for the join
    assert out.attrs["load_report"]["dropped"] == {"exact duplicate feature": 1}


@pytest.mark.shared_data
def test_real_ercot_report(shared_data):
    out = queue.load_ercot_gis_report(shared_data / "interconnection_queue_ercot/ercot_gis_report_2025-11_large_gen.csv")
    check_canonical(out, "queue")
    assert len(out) == 1809  # PROVENANCE
    # PROVENANCE: capacity total 399,836 MW; fuel counts OTH 931, SOL 636, WIN 149, GAS 89.
    assert out["capacity_mw"].sum() == pytest.approx(399836, abs=1)  # the README rounds to 1 MW
    counts = out["fuel"].value_counts()
    assert (counts["OTH"], counts["SOL"], counts["WIN"], counts["GAS"]) == (931, 636, 149, 89)


@pytest.mark.shared_data
def test_real_lbnl(shared_data):
    out = queue.load_lbnl_queued_up(shared_data / "interconnection_queue_ercot/lbnl_queue_ercot_2023_100mw_filtered.csv")
    assert len(out) == 368  # PROVENANCE
    assert (out["capacity_mw"] >= 100).all()  # the file is filtered to >= 100 MW
    assert out["queue_date"].dt.year.eq(2023).all()  # and to queue year 2023


@pytest.mark.shared_data
def test_real_ercot_milestones_and_zones(shared_data):
    path = shared_data / "interconnection_queue_ercot/ercot_gis_report_2025-11_large_gen.csv"
    out = queue.load_ercot_gis_report(path)
    # Independent count straight from the CSV: non-empty cells of each milestone column (PROVENANCE: dates YYYY-MM-DD)
    raw = pd.read_csv(path, dtype=str)
    for col, name in (("screening_study_start", "Screening Study Started"), ("fis_requested", "FIS Requested"),
                      ("ia_signed", "IA Signed")):
        assert out[col].notna().sum() == raw[name].notna().sum()
    assert out["screening_study_start"].iloc[0] == pd.Timestamp(raw["Screening Study Started"].iloc[0])
    assert set(out["cdr_zone"]) == {"WEST", "NORTH", "SOUTH", "COASTAL", "HOUSTON", "PANHANDLE"}


def test_lbnl_online_and_ia_dates(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("q_id,q_status,q_date,on_date,ia_date,county,state,mw1\n"
                    "A,operational,43466,44927,44197,Ector,TX,100\n"
                    "B,active,45203,,,Ector,TX,50\n")
    out = queue.load_lbnl_queued_up(path)
    # Excel serials: 43466 = 2019-01-01, 44927 = 2023-01-01, 44197 = 2021-01-01 (1899-12-30 + n days)
    assert out["online_date"].iloc[0] == pd.Timestamp("2023-01-01")
    assert out["ia_date"].iloc[0] == pd.Timestamp("2021-01-01")
    assert pd.isna(out["online_date"].iloc[1])
