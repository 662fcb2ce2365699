"""Batch engine: bad rows kept, chunk independence, determinism, checkpoints, kill-and-resume, Dask = local."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from siting import cli
from siting.batch import batch_summary, score_sites
from siting.tables import write_table
from gis_data.layerset import FrameLayers
from siting.errors import ConfigError

_spec = importlib.util.spec_from_file_location("synthetic_layers", Path(__file__).with_name("synthetic_layers.py"))
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def layers():
    return FrameLayers(SL.frames(), synthetic=True)


def _grid_sites(n_side=12):
    offs = [(dx, dy) for dx in np.linspace(-18, 55, n_side) for dy in np.linspace(-18, 18, n_side)]
    return SL.sites(offs)


def _with_bad_rows(t):
    bad = pd.DataFrame({
        "site_id": ["missing", "swapped", "range", "text", "ocean", "outside", "negload"],
        "latitude_deg": [None, -79.3, 95.0, "north", 10.0] + [SL.lonlat(200, 0)[1], SL.lonlat(0, 0)[1]],
        "longitude_deg": [-79.0, 35.4, -79.0, -79.0, -40.0] + [SL.lonlat(200, 0)[0], SL.lonlat(0, 0)[0]],
        "it_load_mw": [None] * 6 + [-5],
    })
    return pd.concat([t.astype({"latitude_deg": object, "longitude_deg": object}), bad], ignore_index=True)


def test_bad_rows_stay_with_reasons(layers):
    t = _with_bad_rows(SL.sites([(0, 0), (5, 5)]))
    out = score_sites(t, layers, chunk_size=3)
    err = dict(zip(out["site_id"], out["error"]))
    assert err["S0"] == "" and err["S1"] == ""
    assert "missing or unparseable" in err["missing"] and "unparseable" in err["text"]
    assert "swapped" in err["swapped"]
    assert "out of range" in err["range"]
    assert "outside the contiguous US" in err["ocean"]
    assert "no county polygon" in err["outside"]
    assert "it_load_mw" in err["negload"]
    assert len(out) == len(t) and list(out["site_id"]) == list(t["site_id"])  # input order, nothing lost
    s = batch_summary(out)
    assert (s.rows, s.scored, s.errors) == (9, 2, 7)
    assert s.error_reasons["coordinates swapped"] == 2  # "swapped" and "range" (lat 95 with a latitude-like lon)
    assert out.loc[out["error"] != "", "rank"].isna().all()
    assert out.loc[out["error"] == "", "rank"].tolist() == [1, 2] or out.loc[out["error"] == "", "rank"].tolist() == [2, 1]
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0] is not None and out.geometry[out["site_id"] == "missing"].iloc[0] is None


def test_chunk_size_does_not_change_results(layers):
    t = _grid_sites(8)
    a = score_sites(t, layers, chunk_size=7)
    b = score_sites(t, layers, chunk_size=10_000)
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry")))
    # the sentence columns stay categorical across chunks (concat_rows), not one string per row
    for col in ("grid_access_basis", "chosen_pipeline_basis", "ozone_class_source", "interconnection_wait_basis",
                "public_supply_basis", "water_stress_basis", "water_verdict_basis"):
        assert isinstance(a[col].dtype, pd.CategoricalDtype), col


def test_chunk_from_array_projection_equals_geometry_path(layers):
    # score_chunk projects the coordinates with pyproj on arrays and hands them to the criteria;
    # the criteria on plain layers read them back from the EPSG:5070 geometries (GeoSeries.to_crs).
    # Both must give the same table, and the sites must be the to_crs points exactly.
    from siting.batch import _points, prepare_sites, score_chunk
    from siting.profiles import load_profile
    from gis_data.nearest import PreparedLayers
    from siting.scenario import Scenario

    table = prepare_sites(_grid_sites(5))
    ref = gpd.GeoSeries(gpd.points_from_xy(table["longitude_deg"], table["latitude_deg"]), crs="EPSG:4326").to_crs(5070)
    pts = _points(table)
    np.testing.assert_array_equal(pts.geometry.x.to_numpy(), ref.x.to_numpy())  # same pyproj numbers
    np.testing.assert_array_equal(pts.geometry.y.to_numpy(), ref.y.to_numpy())
    prof = load_profile("speed_to_power")
    a = score_chunk(table, PreparedLayers(layers), Scenario(), prof)
    b = score_chunk(table, layers, Scenario(), prof)
    pd.testing.assert_frame_equal(a, b)


def test_output_bytes_deterministic(layers, tmp_path):
    t = _grid_sites(6)
    for suffix in (".csv", ".parquet"):
        p1 = write_table(score_sites(t, layers, chunk_size=5), tmp_path / f"a{suffix}")
        p2 = write_table(score_sites(t, layers, chunk_size=5), tmp_path / f"b{suffix}")
        assert p1.read_bytes() == p2.read_bytes()


def test_resume_reads_checkpoints_and_rejects_other_runs(layers, tmp_path):
    t = _grid_sites(6)  # 36 sites, 8 chunks of 5
    ck = tmp_path / "ck"
    full = score_sites(t, layers, chunk_size=5, checkpoint_dir=ck)
    chunks = sorted(ck.glob("chunk-*.parquet"))
    assert len(chunks) == 8
    for p in chunks[3:]:
        p.unlink()
    again = score_sites(t, layers, chunk_size=5, checkpoint_dir=ck, resume=True)
    assert batch_summary(again).chunks_resumed == 3
    pd.testing.assert_frame_equal(pd.DataFrame(full.drop(columns="geometry")), pd.DataFrame(again.drop(columns="geometry")))
    with pytest.raises(ConfigError, match="different run"):
        score_sites(t.iloc[:-1], layers, chunk_size=5, checkpoint_dir=ck, resume=True)
    with pytest.raises(ConfigError, match="needs checkpoint_dir"):
        score_sites(t, layers, resume=True)


def test_geodataframe_input(layers):
    t = SL.sites([(0, 0)])
    g = gpd.GeoDataFrame({"site_id": ["g0"]}, geometry=gpd.points_from_xy(t.longitude_deg, t.latitude_deg), crs="EPSG:4326")
    out = score_sites(g.to_crs("EPSG:3857"), layers)
    np.testing.assert_allclose(out["distance_to_substation_km"], [5.0], rtol=1e-6)  # hand: 3-4-5 km (see synthetic_layers)


def test_bad_arguments(layers):
    with pytest.raises(ConfigError, match="engine='spark'"):
        score_sites(SL.sites(), layers, engine="spark")
    with pytest.raises(ConfigError, match="chunk_size=0"):
        score_sites(SL.sites(), layers, chunk_size=0)


@pytest.mark.slow
def test_dask_equals_local(layers):
    pytest.importorskip("distributed")
    t = _grid_sites(6)
    local = score_sites(t, layers, chunk_size=5)
    dask = score_sites(t, layers, chunk_size=5, engine="dask")
    pd.testing.assert_frame_equal(pd.DataFrame(local.drop(columns="geometry")), pd.DataFrame(dask.drop(columns="geometry")))
    assert batch_summary(dask).engine == "dask"


# -- the CLI ---------------------------------------------------------------------------------


def _sample_sites_csv(path: Path, n: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    # the embedded sample region spans 35.6-36.6 N, 80.6-79.2 W
    frame = pd.DataFrame({"name": [f"cand {i}" for i in range(n)], "lat": rng.uniform(35.6, 36.6, n), "lon": rng.uniform(-80.6, -79.2, n)})
    frame["lat"] = frame["lat"].astype(object)
    frame.loc[3, "lat"] = "n/a"
    frame.to_csv(path, index=False)
    return path


def test_score_command_writes_table_map_and_json(tmp_path, capsys):
    inp = _sample_sites_csv(tmp_path / "sites.csv", 30)
    out = tmp_path / "scored.gpkg"
    assert cli.main(["score", str(inp), "--out", str(out), "--json", "--no-progress"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["summary"]["rows"] == 30 and result["summary"]["errors"] >= 1
    assert result["summary"]["synthetic_layers"] is True
    table = gpd.read_file(out, layer="sites")  # the GeoPackage also holds QGIS's layer_styles
    assert len(table) == 30 and "score_total" in table and "explanation" in table
    assert (tmp_path / "scored_map.html").exists()
    assert not (tmp_path / "scored.gpkg.chunks").exists()  # checkpoints removed after success
    assert cli.main(["score", str(inp), "--out", str(out)]) == 2  # exists, no --overwrite
    assert "--overwrite" in capsys.readouterr().err


def test_score_command_reads_geoparquet_and_profile(tmp_path, capsys):
    inp = _sample_sites_csv(tmp_path / "sites.csv", 10)
    t = pd.read_csv(inp)
    t["lat"] = pd.to_numeric(t["lat"], errors="coerce")
    g = gpd.GeoDataFrame(t[["name"]], geometry=gpd.points_from_xy(t.lon, t.lat), crs="EPSG:4326")
    g.to_parquet(tmp_path / "sites.parquet")
    out = tmp_path / "o.csv"
    assert cli.main(["score", str(tmp_path / "sites.parquet"), "--out", str(out), "--profile", "lowest_water", "--no-map",
                     "--no-explain"]) == 0
    assert "profile lowest_water" in capsys.readouterr().out
    table = pd.read_csv(out)
    assert len(table) == 10 and "explanation" not in table and "score_total" in table
    assert cli.main(["score", str(inp), "--out", str(tmp_path / "x.txt")]) == 2
    assert cli.main(["score", str(inp), "--out", str(tmp_path / "y.csv"), "--profile", "nope"]) == 2


@pytest.mark.slow
def test_kill_and_resume_matches_uninterrupted_run(tmp_path):
    inp = _sample_sites_csv(tmp_path / "sites.csv", 20_000, seed=3)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "siting.cli", "-q", "score", str(inp), "--chunk-size", "100", "--no-map", "--no-progress"]
    ref = tmp_path / "ref.csv"
    subprocess.run(base + ["--out", str(ref)], check=True, env=env, cwd=ROOT, timeout=600)

    out = tmp_path / "killed.csv"
    chunks = tmp_path / "killed.csv.chunks"
    proc = subprocess.Popen(base + ["--out", str(out)], env=env, cwd=ROOT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and len(list(chunks.glob("chunk-*.parquet"))) < 3:
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed; raise the site count"
    proc.kill()  # SIGKILL: no cleanup, possibly mid-write of a chunk
    proc.wait(timeout=60)
    done_before = len(list(chunks.glob("chunk-*.parquet")))
    assert done_before >= 3 and not out.exists()

    res = subprocess.run(base + ["--out", str(out), "--resume", "--json"], check=True, env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    summary = json.loads(res.stdout)["summary"]
    assert summary["chunks_resumed"] >= done_before and summary["chunks"] == 200
    assert out.read_bytes() == ref.read_bytes()  # byte-for-byte identical, no duplicated or lost rows


def test_threaded_reindex_equals_reindex(monkeypatch):
    # _assemble puts a million rows back in input order with the columns split over threads;
    # the result must be exactly DataFrame.reindex, including rows missing from the chunks
    # (bad input rows: ints become float, NA in extension dtypes).
    import gis_data.nearest as X
    from siting.batch import _reindex_columns_threaded

    rng = np.random.default_rng(8)
    n = 120_000
    order = rng.permutation(n)[: n - 500]  # Hilbert-like order, 500 rows absent
    frame = pd.DataFrame({
        "d_km": rng.normal(size=n - 500), "units": rng.integers(0, 9, n - 500),
        "name": pd.array([f"c{i % 97}" for i in range(n - 500)], dtype="string"),
        "ok": rng.integers(0, 2, n - 500).astype(bool), "n": pd.array(rng.integers(0, 5, n - 500), dtype="Int64"),
        "txt": [f"t{i}" for i in range(n - 500)],
    }, index=order)
    target = pd.RangeIndex(n)
    for threads in (1, 2, 3):
        monkeypatch.setattr(X, "THREADS", threads)
        got = _reindex_columns_threaded(frame, target)
        pd.testing.assert_frame_equal(got, frame.reindex(target), check_exact=True)
        assert got.index is target
