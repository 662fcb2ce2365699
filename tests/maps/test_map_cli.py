"""``siting map`` in-process: GeoParquet, GeoPackage and CSV inputs, the sample's context layers."""

from __future__ import annotations

import json
import re

import pytest

from siting.cli import main


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="siting-map-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


@pytest.fixture
def scored_files(tmp_path, site_factory):
    sites = site_factory(25)
    sites.loc[0, "name"] = "<script>alert(1)</script>"
    paths = {"parquet": tmp_path / "s.parquet", "gpkg": tmp_path / "s.gpkg", "csv": tmp_path / "s.csv"}
    sites.to_parquet(paths["parquet"])
    sites.to_crs("EPSG:5070").to_file(paths["gpkg"])  # reprojected back to 4326 by the command
    table = sites.drop(columns="geometry")
    table["latitude_deg"] = sites.geometry.y
    table["longitude_deg"] = sites.geometry.x
    table.to_csv(paths["csv"], index=False)
    return sites, paths


@pytest.mark.parametrize("kind", ["parquet", "gpkg", "csv"])
def test_map_command_reads_each_format(tmp_path, scored_files, kind, capsys):
    sites, paths = scored_files
    out = tmp_path / f"{kind}.html"
    assert main(["map", str(paths[kind]), "--out", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["sites"] == 25 and info["layers"] == [] and info["synthetic"] is False
    data = _data(out.read_text(encoding="utf-8"))
    assert data["sites"]["name"] == sites["name"].tolist()
    assert data["sites"]["lat"][3] == pytest.approx(sites.geometry.y.iloc[3], abs=1e-5)  # 5-decimal rounding


def test_map_command_with_sample_layers(tmp_path, scored_files, capsys):
    _, paths = scored_files
    out = tmp_path / "m.html"
    assert main(["map", str(paths["parquet"]), "--out", str(out), "--layers", "sample", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["synthetic"] is True
    assert {"transmission", "substations", "pipelines", "plants", "counties"} <= set(info["layers"])
    html = out.read_text(encoding="utf-8")
    assert "Synthetic sample region — not real infrastructure" in html
    assert "<script>alert(1)" not in html
    labels = [lyr["label"] for lyr in _data(html)["layers"]]
    assert "Counties (water indicator)" in labels


def test_map_command_errors(tmp_path, scored_files, capsys):
    _, paths = scored_files
    out = tmp_path / "m.html"
    assert main(["map", str(paths["csv"]), "--out", str(out)]) == 0
    assert main(["map", str(paths["csv"]), "--out", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["map", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["map", str(paths["csv"]), "--out", str(tmp_path / "x.png")]) == 2
    assert ".html" in capsys.readouterr().err


@pytest.mark.shared_data
@pytest.mark.slow
def test_map_command_on_real_layers(tmp_path, shared_data, capsys):
    """Three Texas candidate sites on the real HIFLD/EIA/Census layers of ../shared/data."""
    import geopandas as gpd

    from gis_data.layerset import scan_directory

    ls = scan_directory(shared_data, progress=False)
    toml = ls.write(tmp_path / "layers.toml")
    sites = gpd.GeoDataFrame({"name": ["Abilene", "Odessa", "Amarillo"], "score_total": [0.8, 0.5, 0.3]},
                             geometry=gpd.points_from_xy([-99.73, -102.37, -101.83], [32.45, 31.85, 35.2]),
                             crs="EPSG:4326")
    sites.to_parquet(tmp_path / "tx.parquet")
    out = tmp_path / "tx.html"
    assert main(["map", str(tmp_path / "tx.parquet"), "--out", str(out), "--layers", str(toml), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["synthetic"] is False
    html = out.read_text(encoding="utf-8")
    assert "Synthetic sample region" not in html
    data = _data(html)
    # Every real substation inside the sites' box plus the 0.5 degree margin is drawn, none dropped.
    x0, y0, x1, y1 = sites.total_bounds
    expected = ls.load("substations").cx[x0 - 0.5: x1 + 0.5, y0 - 0.5: y1 + 0.5]
    expected = expected[~(expected.geometry.is_empty | expected.geometry.isna())]
    drawn = [lyr for lyr in data["layers"] if lyr["id"].startswith("substations")]
    assert sum(len(lyr["geojson"]["features"]) for lyr in drawn) == len(expected) > 100
    assert any(lyr["id"].startswith("plants-") for lyr in data["layers"])
    assert "HIFLD" in html  # the real sources' attributions are shown
