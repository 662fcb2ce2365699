"""Property-based tests (Hypothesis) of what users and attackers hand the CLI (issue 13).

Site tables with any coordinates (valid, out of range, NaN, infinite, text), any ids
(missing, repeated, unicode), any loads, in CSV (UTF-8 with and without BOM, UTF-16;
comma, semicolon or tab), GeoJSON (points, polygons, lines, null and empty geometries)
or GeoPackage (several CRSs); scenario, profile and deal TOML with any values. For every
one: ``siting score`` (or ``deal``) exits 0 or 2, never with a traceback or an internal
error, and when it exits 0 every input row is in the output, in input order.

The examples are derandomised (the same ones on every run, so CI is reproducible) and the
sample layer set is prepared once for all of them (see test_corpus.py).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import warnings
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from siting import cli

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

LAT = st.one_of(st.floats(35.6, 36.6), st.floats(allow_nan=True, allow_infinity=True),
                st.sampled_from(["", "north", "35,9", "1e999", " 36.0 ", "NaN"]))
LON = st.one_of(st.floats(-80.6, -79.2), st.floats(allow_nan=True, allow_infinity=True),
                st.sampled_from(["", "west", "-79,9", "-inf", "0x10"]))
IDS = st.one_of(st.none(), st.sampled_from(["a", "a", "b", "site-0000001", "007", " "]), st.text(max_size=12),
                st.integers(-10, 10**12))
LOAD = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 30_000),
                 st.sampled_from(["lots", "", "1e12", "-1"]))
ROWS = st.lists(st.tuples(IDS, st.text(max_size=16), LAT, LON, LOAD), min_size=1, max_size=6)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as the real CLI: warnings are logged, not raised
        try:
            rc = cli.main(argv)
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 2
    return rc, out.getvalue(), err.getvalue()


def check(argv: list[str]) -> tuple[int, str]:
    rc, _, err = run_cli(argv)
    assert "Traceback (most recent call last)" not in err
    assert "internal error" not in err and "an input could not be read" not in err, err
    assert rc in (0, 2), err
    event(f"exit {rc}")
    if rc == 2:
        assert err.strip().startswith("siting ")  # one line saying what is wrong
    return rc, err


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("props")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _score_rows(work: Path, path: Path, n_rows: int) -> None:
    out = work / "out.csv"
    rc, _ = check(["score", str(path), "--out", str(out), "--no-progress", "--no-map", "--overwrite"])
    if rc == 0:
        table = pd.read_csv(out, keep_default_na=False, dtype=str)
        assert len(table) == n_rows  # every input row is in the output
        assert table["rank"].ne("").sum() <= n_rows


@SETTINGS
@given(rows=ROWS, codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]), sep=st.sampled_from([",", ";", "\t"]))
def test_any_csv_site_table(shared_sample, work, rows, codec, sep):
    buf = io.StringIO()
    # "\r\n" makes the writer quote a field holding either character (an unquoted CR ends a record in
    # every CSV reader: such a file has more rows than the list it was written from)
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(["site_id", "name", "lat", "lon", "it_load_mw"])
    for r in rows:
        w.writerow([_cell(v) for v in r])
    path = work / "sites.csv"
    path.write_bytes(buf.getvalue().encode(codec))
    _score_rows(work, path, len(rows))


def _geometry(kind: str, lat, lon):
    x = lon if isinstance(lon, float) else 0.0
    y = lat if isinstance(lat, float) else 0.0
    if kind == "null":
        return None
    if kind == "empty":
        return {"type": "Point", "coordinates": []}
    if not (math.isfinite(x) and math.isfinite(y)):
        x, y = 1e300, -1e300
    if kind == "point":
        return {"type": "Point", "coordinates": [x, y]}
    if kind == "polygon":
        return {"type": "Polygon", "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y]]]}
    return {"type": "LineString", "coordinates": [[x, y], [x + 0.1, y + 0.1]]}


GEOM_KINDS = st.sampled_from(["point", "point", "polygon", "line", "null", "empty"])


@SETTINGS
@given(rows=ROWS, kinds=st.lists(GEOM_KINDS, min_size=6, max_size=6))
def test_any_geojson_site_table(shared_sample, work, rows, kinds):
    feats = []
    for (sid, name, lat, lon, load), kind in zip(rows, kinds):
        props = {"site_id": sid, "name": name, "it_load_mw": load if not isinstance(load, float) or math.isfinite(load)
                 else None}
        feats.append({"type": "Feature", "properties": props, "geometry": _geometry(kind, lat, lon)})
    path = work / "sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    _score_rows(work, path, len(rows))


@SETTINGS
@given(rows=ROWS, kinds=st.lists(GEOM_KINDS, min_size=6, max_size=6),
       crs=st.sampled_from(["EPSG:4326", "EPSG:5070", "EPSG:3857", "EPSG:32617", None]))
def test_any_geopackage_site_table(shared_sample, work, rows, kinds, crs):
    geoms = []
    for (_, _, lat, lon, _), kind in zip(rows, kinds):
        g = _geometry(kind, lat, lon)
        geoms.append(None if g is None else shapely.geometry.shape(g) if g["coordinates"] else shapely.Point())
    frame = gpd.GeoDataFrame({"site_id": [_cell(r[0]) for r in rows], "name": [r[1] for r in rows]},
                             geometry=geoms, crs="EPSG:4326")
    if crs is None:
        frame = frame.set_crs(None, allow_override=True)
    elif crs != "EPSG:4326":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # out-of-range points project to inf: that is the point
            frame = frame.to_crs(crs)
    path = work / "sites.gpkg"
    path.unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(path, driver="GPKG")
    _score_rows(work, path, len(rows))


# -- TOML inputs -----------------------------------------------------------------------------

SCALARS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20), st.booleans(),
                    st.text(max_size=10), st.lists(st.integers(0, 3), max_size=3))


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(v)  # a TOML basic string is a JSON string


@SETTINGS
@given(values=st.dictionaries(st.sampled_from(["it_load_mw", "pue", "cooling", "prime_mover", "redundancy_units",
                                               "fuel_price_usd_per_mmbtu", "discount_rate_frac", "lifetime_yr",
                                               "bogus_key"]), SCALARS, max_size=4),
       codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_scenario_file(shared_sample, work, values, codec):
    path = work / "scenario.toml"
    path.write_bytes("".join(f"{k} = {_toml_value(v)}\n" for k, v in values.items()).encode(codec))
    small = work / "small.csv"
    small.write_text("lat,lon\n35.9,-79.9\n", encoding="utf-8")
    check(["score", str(small), "--out", str(work / "s.csv"), "--no-progress", "--no-map", "--overwrite",
           "--scenario", str(path)])


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(["grid", "gas", "water", "air", "climate", "carbon",
                                                "substation_zero_km", "pipeline_zero_km", "max_distance_to_pipeline_km"]),
                               SCALARS, min_size=1, max_size=3))
def test_any_profile_file(shared_sample, work, changes):
    text = resources.files("siting").joinpath("profiles", "speed_to_power.toml").read_text(encoding="utf-8")
    lines = []
    for ln in text.splitlines():
        key = ln.split("=")[0].strip()
        lines.append(f"{key} = {_toml_value(changes[key])}" if "=" in ln and key in changes else ln)
    path = work / "profile.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    small = work / "small.csv"
    small.write_text("lat,lon\n35.9,-79.9\n", encoding="utf-8")
    check(["score", str(small), "--out", str(work / "p.csv"), "--no-progress", "--no-map", "--overwrite",
           "--profile", str(path)])


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(["capacity_mw", "capacity_factor_frac", "heat_rate_hhv_btu_per_kwh",
                                                "capex_usd_per_kw", "henry_hub_usd_per_mmbtu", "term_yr",
                                                "interest_rate_frac", "tenor_yr", "federal_frac", "analysis_years",
                                                "first_power_year", "draws"]), SCALARS, min_size=1, max_size=3))
def test_any_deal_file(work, changes):
    text = resources.files("siting").joinpath("examples", "deal_btm_gas_1gw_tolling.toml").read_text(encoding="utf-8")
    lines = []
    for ln in text.splitlines():
        key = ln.split("=")[0].strip()
        lines.append(f"{key} = {_toml_value(changes[key])}" if "=" in ln and key in changes else ln)
    path = work / "deal.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check(["-q", "deal", str(path), "--draws", "0", "--json"])
