"""Voltage-class-only transmission (the national all-voltage HIFLD GeoParquet): loader, scan preference, real file."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from gis_data import grid
from gis_data.canonical import check_canonical
from gis_data.layerset import scan_directory


def _class_lines(x0: float = -120.0, x1: float = -70.0) -> gpd.GeoDataFrame:
    """One line per HIFLD voltage class, spanning x0..x1 deg of longitude (national when >= 40 deg)."""
    classes = ["UNDER 100", "100-161", "220-287", "345", "500", "735 AND ABOVE", "DC", "NOT AVAILABLE", "SUB 100", "345"]
    lines = [LineString([(x0, 30.0 + i), (x1, 30.0 + i)]) for i in range(len(classes) - 1)]
    lines.append(lines[3])  # the 345 kV piece decoded twice
    return gpd.GeoDataFrame({"VOLT_CLASS": classes, "tile_z": 8}, geometry=lines, crs="EPSG:4326")


def test_volt_class_loader_by_hand(tmp_path):
    path = tmp_path / "lines.parquet"
    _class_lines().to_parquet(path)
    out = grid.load_hifld_transmission_volt_class(path)
    check_canonical(out, "transmission")
    assert len(out) == 9 and out.attrs["load_report"]["dropped"] == {"exact duplicate feature": 1}
    by = out.set_index(out["volt_class"].astype(str))
    # single-value classes give the voltage; ranges only bounds; 735+ its floor; DC none but is_dc
    assert by.loc["345", "voltage_kv"] == 345.0 and by.loc["735 AND ABOVE", "voltage_kv"] == 735.0
    assert np.isnan(by.loc["100-161", "voltage_kv"]) and by.loc["100-161", "volt_class_min_kv"] == 100.0
    assert by.loc["220-287", "volt_class_min_kv"] == 220.0 and by.loc["220-287", "volt_class_max_kv"] == 287.0
    assert by.loc["UNDER 100", "volt_class_min_kv"] == 0.0 and by.loc["UNDER 100", "volt_class_max_kv"] == 100.0
    assert out["is_dc"].sum() == 1 and by.loc["DC", "is_dc"]
    unknown = out["volt_class_min_kv"].isna() & ~out["is_dc"]
    assert unknown.sum() == 2  # NOT AVAILABLE and SUB 100
    assert out.attrs["load_report"]["repaired"]["voltage class NOT AVAILABLE, SUB 100 or blank: voltage unknown"] == 2


def test_scan_prefers_all_classes_over_345kv_only(tmp_path):
    _class_lines().to_parquet(tmp_path / "all_classes.parquet")
    # the RDCEP >= 345 kV split, also national (voltage, class)
    gpd.GeoDataFrame({"voltage": [345.0, 500.0], "class": ["345", "500"]},
                     geometry=[LineString([(-120, 35), (-70, 35)]), LineString([(-120, 36), (-70, 36)])],
                     crs="EPSG:4326").to_file(tmp_path / "grid-345_735.json", driver="GeoJSON")
    ls = scan_directory(tmp_path, use_cache=False, progress=False)
    assert ls.specs["transmission"].format == "hifld_transmission_volt_class"
    alt = [a for a in ls.alternatives if a.role == "transmission"]
    assert [a.format for a in alt] == ["hifld_transmission_by_class"] and "detail 10 < 25" in alt[0].reason
    # a regional class-only file loses to the national >= 345 kV one (national coverage first)
    (tmp_path / "all_classes.parquet").unlink()
    _class_lines(-100.0, -95.0).to_parquet(tmp_path / "texas_classes.parquet")
    assert scan_directory(tmp_path, use_cache=False, progress=False).specs["transmission"].format == \
        "hifld_transmission_by_class"


@pytest.mark.shared_data
def test_real_all_voltage_layer_counts_and_345kv_agreement(shared_data):
    """PROVENANCE counts, and the 345 kV class against the independent RDCEP >= 345 kV split in Texas."""
    from gis_data import io

    path = shared_data / "transmission_us_hifld_all_voltages/hifld_transmission_lines_us_z8.parquet"
    out = grid.load_hifld_transmission_volt_class(path)
    rep = out.attrs["load_report"]
    assert rep["source_rows"] == 102_454  # PROVENANCE
    kept = out["volt_class"].astype(str).value_counts()
    # PROVENANCE class counts less the byte-identical pieces decoded twice (counted in the report)
    assert rep["source_rows"] - rep["kept_rows"] == rep["dropped"]["exact duplicate feature"] < 1_000
    assert 47_000 < kept["100-161"] <= 47_870 and 3_400 < kept["345"] <= 3_570 and kept["DC"] <= 42
    # Texas: the 345 kV class lies within ~0.1 km of the RDCEP split's 345 kV lines (the tiles are
    # quantised to ~33 m; PROVENANCE: median ~57 m): median distance from points on the split's lines
    tx_box = (-106.6, 25.9, -93.5, 36.5)
    split = grid.load_hifld_transmission_by_class(shared_data / "transmission_us_hifld_345kv_plus/grid-345_735.json.gz")
    split = io.to_metric(split.cx[tx_box[0]:tx_box[2], tx_box[1]:tx_box[3]])
    cls = io.to_metric(out[out["voltage_kv"] >= 345].cx[tx_box[0]:tx_box[2], tx_box[1]:tx_box[3]])
    pts = split.geometry.interpolate(0.5, normalized=True)
    tree = cls.sindex
    _, d = tree.nearest(pts, return_distance=True)
    assert np.median(d) < 150.0  # m
