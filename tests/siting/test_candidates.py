"""Candidate grids (hand-countable on a synthetic square state) and the score GeoTIFF read back with rasterio."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio

from siting import cli
from siting.batch import score_sites
from siting.candidates import SCORE_BANDS, candidate_grid, write_score_geotiff
from gis_data.layerset import FrameLayers
from siting.errors import ConfigError, DataError, UnknownNameError

_spec = importlib.util.spec_from_file_location("synthetic_layers", Path(__file__).with_name("synthetic_layers.py"))
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)


@pytest.fixture(scope="module")
def layers():
    return FrameLayers(SL.frames(), synthetic=True)


def test_state_grid_count_and_spacing(layers):
    # The synthetic state is the EPSG:5070 square x 1480-1560 km, y 1480-1520 km (80 x 40 km).
    # Hand: 10 km cells centred at (k + 1/2) x 10 km -> 8 columns x 4 rows = 32 points.
    g = candidate_grid(10, state="nc", layers=layers)
    assert len(g) == 32
    xy = g.to_crs("EPSG:5070")
    np.testing.assert_allclose(np.sort(np.unique(np.round(xy.geometry.x, 3))), 1_485_000 + 10_000 * np.arange(8), rtol=1e-9)
    np.testing.assert_allclose(np.sort(np.unique(np.round(xy.geometry.y, 3))), 1_485_000 + 10_000 * np.arange(4), rtol=1e-9)
    assert g["site_id"].is_unique and g.crs.to_epsg() == 4326
    assert g["cell_row"].is_monotonic_increasing  # north to south


def test_bbox_grid_and_errors(layers):
    g = candidate_grid(20, bbox=(-80.0, 35.5, -79.5, 36.0))
    # 0.5 deg x 0.5 deg at 35.75 N is about 45 x 55 km: between 4 and 12 points of a 20 km grid
    assert 4 <= len(g) <= 12
    assert ((g.longitude_deg > -80.0) & (g.longitude_deg < -79.5) & (g.latitude_deg > 35.5) & (g.latitude_deg < 36.0)).all()
    with pytest.raises(ConfigError, match="west south east north"):
        candidate_grid(5, bbox=(-79.5, 35.5, -80.0, 36.0))
    with pytest.raises(ConfigError, match="spacing_km=0"):
        candidate_grid(0, bbox=(-80.0, 35.5, -79.5, 36.0))
    with pytest.raises(ConfigError, match="exactly one"):
        candidate_grid(5)
    with pytest.raises(UnknownNameError, match="NC"):
        candidate_grid(5, state="ZZ", layers=layers)
    with pytest.raises(ConfigError, match="limit"):
        candidate_grid(0.001, bbox=(-120.0, 30.0, -70.0, 48.0))


def test_geotiff_round_trip(layers, tmp_path):
    g = candidate_grid(10, state="NC", layers=layers)
    scored = score_sites(g, layers)
    tif = write_score_geotiff(scored, tmp_path / "s.tif", 10)
    with rasterio.open(tif) as src:
        assert src.crs.to_epsg() == 5070 and src.count == len(SCORE_BANDS)
        assert src.descriptions == SCORE_BANDS
        assert (src.width, src.height) == (8, 4)
        assert src.transform.a == 10_000 and src.transform.c == 1_480_000 and src.transform.f == 1_520_000
        data = src.read()
        pts = scored.to_crs("EPSG:5070")
        for k in range(0, len(scored), 5):
            t = src.transform  # north-up: column from x, row from y (no affine inverse, which warns)
            r = int((t.f - pts.geometry.y.iloc[k]) // -t.e)
            c = int((pts.geometry.x.iloc[k] - t.c) // t.a)
            # float32 storage of a float64 score: relative error below 2^-24 ~ 6e-8
            np.testing.assert_allclose(data[0, r, c], scored["score_total"].iloc[k], rtol=1e-7)
    with pytest.raises(ConfigError, match="exists"):
        write_score_geotiff(scored, tif, 10)
    with pytest.raises(DataError, match="not on a 7 km"):
        write_score_geotiff(scored, tmp_path / "x.tif", 7)


def test_candidates_command(tmp_path, capsys):
    out = tmp_path / "cells.parquet"
    assert cli.main(["candidates", "--state", "NC", "--spacing-km", "10", "--out", str(out), "--score", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["points"] > 0 and Path(res["geotiff"]).exists()
    assert len(pd.read_parquet(out)) == res["points"]
    from siting.profiles import load_profile
    from siting.scenario import Scenario

    assert Scenario.from_toml(tmp_path / "cells_scenario.toml") == Scenario()
    assert load_profile(tmp_path / "cells_profile.toml") == load_profile("speed_to_power")
    assert cli.main(["candidates", "--bbox", "-80", "35.7", "-79.5", "36", "--spacing-km", "10", "--out", str(out)]) == 2


def test_grid_spacing_is_read_back_from_a_grid_only():
    from siting.candidates import grid_spacing_km, score_raster

    grid = candidate_grid(7.5, bbox=(-80.4, 35.7, -79.4, 36.4))
    assert grid_spacing_km(grid) == 7.5
    shuffled = grid.sample(frac=1.0, random_state=1)
    assert grid_spacing_km(shuffled) == 7.5  # order does not matter
    moved = grid.assign(latitude_deg=grid["latitude_deg"] + 0.01)  # about 1.1 km off the cell centres
    assert grid_spacing_km(moved) is None
    assert grid_spacing_km(grid.drop(columns="cell_row")) is None
    # the raster has one cell per point, the score where the point is
    grid["score_total"] = np.linspace(0, 1, len(grid))
    data, transform, crs = score_raster(grid, 7.5)
    assert crs == "EPSG:5070" and transform.a == 7500.0 and transform.e == -7500.0
    assert int(np.isfinite(data[0]).sum()) == len(grid)
    np.testing.assert_allclose(np.sort(data[0][np.isfinite(data[0])]), np.sort(grid["score_total"]), rtol=1e-6)
