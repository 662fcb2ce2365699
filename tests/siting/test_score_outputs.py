"""What `siting score` writes opens right: the effective scenario and profile next to the table and
inside the GeoPackage, the IT load of every site, field descriptions from the schema, a QGIS
style colouring sites by score, and a score GeoTIFF for candidate grids.

Read back with sqlite3 and pyogrio; the GeoPackage is also opened in QGIS (its Python API,
run by the system Python in a subprocess) when QGIS is installed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import textwrap
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from maps.sitemap import SCORE_COLORS, SCORE_EDGES
from siting import schema
from siting.cli import main
from siting.profiles import load_profile
from siting.scenario import Scenario


def _sites_csv(path, n=12, seed=2):
    rng = np.random.default_rng(seed)
    # the embedded sample region spans 35.6-36.6 N, 80.6-79.2 W
    frame = pd.DataFrame({"name": [f"cand {i}" for i in range(n)], "lat": rng.uniform(35.7, 36.5, n),
                          "lon": rng.uniform(-80.5, -79.3, n), "it_load_mw": [np.nan] * n})
    frame.loc[0, "it_load_mw"] = 250.0  # the table's own load wins over the scenario's
    frame.loc[1, "it_load_mw"] = -5.0  # refused: stays NaN, the row keeps the reason
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("score")
    inp = _sites_csv(folder / "sites.csv")
    out = folder / "ranked.gpkg"
    assert main(["score", str(inp), "--out", str(out), "--it-load-mw", "500", "--profile", "lowest_cost",
                 "--cooling", "dry", "--no-progress", "--json"]) == 0
    return out


def test_it_load_is_filled_per_site(scored):
    table = gpd.read_file(scored, layer="sites")
    load = table["it_load_mw"].to_numpy()
    assert load[0] == 250.0  # its own
    assert np.isnan(load[1]) and "it_load_mw" in table["error"].iloc[1]  # refused, with the reason
    assert (load[2:] == 500.0).all()  # --it-load-mw everywhere else


def test_effective_scenario_and_profile_next_to_the_table(scored):
    scenario = Scenario.from_toml(scored.with_name("ranked_scenario.toml"))
    assert scenario == Scenario(it_load_mw=500.0, cooling="dry")
    profile = load_profile(scored.with_name("ranked_profile.toml"))
    assert profile == load_profile("lowest_cost")
    assert scored.with_name("ranked_map.html").exists()
    assert not scored.with_name("ranked_scores.tif").exists()  # random sites are not a grid


def test_geopackage_metadata_holds_scenario_and_profile(scored):
    md = pyogrio.read_info(scored, layer="sites")["layer_metadata"]
    assert md["SITING_SCENARIO_TOML"] == Scenario(it_load_mw=500.0, cooling="dry").to_toml()
    assert md["SITING_PROFILE_TOML"] == load_profile("lowest_cost").to_toml()
    assert md["SITING_PROFILE"] == "lowest_cost"
    with sqlite3.connect(scored) as con:
        desc = con.execute("SELECT description FROM gpkg_contents WHERE table_name = 'sites'").fetchone()[0]
        refs = con.execute("SELECT reference_scope, table_name FROM gpkg_metadata_reference").fetchall()
        version = con.execute("PRAGMA user_version").fetchone()[0]
    assert "lowest_cost" in desc and "it_load_mw = 500.0" in desc and 'cooling = "dry"' in desc
    assert ("table", "sites") in refs
    assert version == 10200  # GeoPackage 1.2: opens without a warning in older GDAL and QGIS


def test_field_descriptions_from_the_schema(scored):
    with sqlite3.connect(scored) as con:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT column_name, name, title, description FROM gpkg_data_columns WHERE table_name = 'sites'")}
        ext = con.execute("SELECT table_name, extension_name FROM gpkg_extensions "
                          "WHERE extension_name = 'gpkg_schema'").fetchall()
        columns = [r[1] for r in con.execute("PRAGMA table_info(sites)")]
    assert ("gpkg_data_columns", "gpkg_schema") in ext
    assert rows["distance_to_substation_km"] == (
        "Distance to substation (km)", "Distance to substation",
        schema.column("distance_to_substation_km").description + " [km]")
    assert rows["score_total"][0] == "Total score"
    assert rows["it_load_mw"][0] == "IT load (MW)"
    # every column the schema knows is described, and the names are unique (the standard's constraint)
    assert {c for c in columns if c in schema.columns()} <= set(rows)
    assert len({r[0] for r in rows.values()}) == len(rows)


def _qml(path) -> str:
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault "
                           "FROM layer_styles").fetchall()
        geom = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = 'sites'").fetchone()[0]
        registered = con.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
    assert len(rows) == 1 and rows[0][0] == "sites" and rows[0][1] == geom and rows[0][4] == 1
    assert registered == ("attributes",)
    return rows[0][3]


def test_qgis_style_colours_sites_by_score(scored):
    qml = _qml(scored)
    assert qml.startswith("<!DOCTYPE qgis")
    root = ET.fromstring(qml.split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol" and renderer.get("attr") == "score_total"
    ranges = renderer.findall("ranges/range")
    bounds = [0.0, *SCORE_EDGES, 1.0]
    assert [(float(r.get("lower")), float(r.get("upper"))) for r in ranges] == list(zip(bounds[:-1], bounds[1:]))
    colours = {s.get("name"): s.find("layer/Option/Option[@name='color']").get("value")
               for s in renderer.findall("symbols/symbol")}
    for r, hexc in zip(ranges, SCORE_COLORS):  # the map's classes and colours
        rgb = ",".join(str(int(hexc[i:i + 2], 16)) for i in (1, 3, 5))
        assert colours[r.get("symbol")] == rgb + ",255"
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    assert aliases["score_total"] == "Total score"
    # GDAL lists the style table next to the sites (as for any GeoPackage QGIS styled); the tool's own reader
    # takes the sites without a word
    assert [str(n) for n, _ in pyogrio.list_layers(scored)] == ["sites", "layer_styles"]
    from siting.tables import read_sites

    assert len(read_sites(scored)) == 12


QGIS_CHECK = textwrap.dedent("""
    import json, os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from qgis.core import QgsApplication, QgsVectorLayer
    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsVectorLayer(sys.argv[1] + "|layername=sites", "sites", "ogr")
    r = layer.renderer()
    fields = [f.name() for f in layer.fields()]
    print(json.dumps({
        "valid": layer.isValid(), "features": layer.featureCount(), "renderer": r.type(),
        "attr": r.classAttribute() if r.type() == "graduatedSymbol" else None,
        "ranges": [[x.lowerValue(), x.upperValue(), x.symbol().color().name()] for x in r.ranges()]
                  if r.type() == "graduatedSymbol" else [],
        "alias": layer.attributeAlias(fields.index("score_total")),
        "abstract": layer.metadata().abstract()}), flush=True)
    os._exit(0)  # QGIS 3.22 can crash while tearing down offscreen; the answer is out
""")


def test_geopackage_opens_in_qgis_coloured_by_score(scored, tmp_path):
    """QGIS (3.22 LTR here) loads the default style from layer_styles and the abstract from the metadata."""
    python = shutil.which("python3", path="/usr/bin")
    probe = subprocess.run([python, "-c", "import qgis.core"], capture_output=True) if python else None
    if probe is None or probe.returncode != 0:
        pytest.skip("QGIS's Python API is not installed (apt-get install python3-qgis); the QML is checked as XML")
    script = tmp_path / "qgis_check.py"
    script.write_text(QGIS_CHECK, encoding="utf-8")
    done = subprocess.run([python, str(script), str(scored)], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["valid"] and got["features"] == 12
    assert got["renderer"] == "graduatedSymbol" and got["attr"] == "score_total"
    assert [c for _, _, c in got["ranges"]] == list(SCORE_COLORS)
    assert got["alias"] == "Total score"
    assert "it_load_mw = 500.0" in got["abstract"] and "lowest_cost" in got["abstract"]


def test_csv_output_gets_the_sidecars_and_grid_gets_a_geotiff(tmp_path, capsys):
    grid = tmp_path / "grid.parquet"
    assert main(["candidates", "--bbox", "-80.3", "35.8", "-79.6", "36.3", "--spacing-km", "15", "--out",
                 str(grid)]) == 0
    out = tmp_path / "g.csv"
    capsys.readouterr()
    assert main(["score", str(grid), "--out", str(out), "--no-progress", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    tif = tmp_path / "g_scores.tif"
    assert info["geotiff"] == str(tif) and tif.exists()
    import rasterio

    table = pd.read_csv(out)
    with rasterio.open(tif) as src:
        assert src.descriptions[0] == "score_total" and src.crs.to_epsg() == 5070
        assert int(np.isfinite(src.read(1)).sum()) == int(table["score_total"].notna().sum())
    assert Scenario.from_toml(tmp_path / "g_scenario.toml") == Scenario()
    assert (table["it_load_mw"] == Scenario().it_load_mw).all()
    # a second run refuses to replace any of them without --overwrite
    assert main(["score", str(grid), "--out", str(out), "--no-progress"]) == 2
    assert main(["score", str(grid), "--out", str(out), "--no-progress", "--overwrite"]) == 0
