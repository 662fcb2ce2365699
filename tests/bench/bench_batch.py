"""Benchmark of batch scoring: the STRtree engine against a plain geopandas sjoin pipeline.

Usage::

    python tests/bench/bench_batch.py [--layers FILE_OR_DIR] [--sizes 1e4,1e5,1e6] --json OUT.json

N sites spread uniformly over the contiguous US (inside the states layer) are run through
every proximity and polygon criterion (county and state by point in polygon, balancing
authority, distance to lines >= 230/345/500 kV, to >= 115 kV substations, to any,
interstate and intrastate pipelines with the operator, to gas facilities, plants,
datacenters and weather stations; nonattainment by county) against national layers.
When the layer set's transmission layer holds fewer than 50,000 lines (the shared data
have only the >= 345 kV layer), a seeded national layer of 100,000 lines of all voltage
classes is generated at the density of the full HIFLD layer and used instead (the JSON
says so).

For each size the JSON gives ``seconds`` (our engine: index build plus every criterion,
layers already loaded and projected), ``baseline_seconds`` (the same criteria written
with ``geopandas.sjoin_nearest``/``sjoin`` in the same process, on the same projected
layers), ``speedup``, ``peak_rss_mb`` (peak resident memory sampled during our run),
``full_score_sites_seconds`` (the whole :func:`siting.batch.score_sites`, with climate,
water, scoring, ranking; no explanation text) and a check that both pipelines give the
same distances. The baseline is skipped when its extrapolated time exceeds 10 minutes.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS
from siting import criteria as C
from siting.batch import _reindex_columns_threaded, score_sites
from gis_data.nearest import PreparedLayers, hilbert_order_xy, nearest, project_lonlat
from siting.scenario import Scenario

from _benchutil import PeakRSS, random_conus_points

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
BASELINE_LIMIT_S = 600.0
# Voltage mix of the generated layer: rough shares of HIFLD line counts by class (69 kV and
# below dominate; >= 345 kV is a few percent). Only the count and spread matter for timing.
GEN_KV = np.array([69.0, 115.0, 138.0, 161.0, 230.0, 345.0, 500.0, 765.0])
GEN_SHARE = np.array([0.30, 0.20, 0.22, 0.08, 0.10, 0.07, 0.025, 0.005])


class BenchLayers:
    """Loaded frames (EPSG:4326) with their projections computed up front (outside the timings)."""

    def __init__(self, frames: dict):
        self.frames = frames
        self.proj = {r: f.to_crs(CONUS_METRIC_CRS) for r, f in frames.items() if isinstance(f, gpd.GeoDataFrame)}
        self.is_synthetic = False
        self.source_path = None

    def has(self, role):
        return role in self.frames

    def load(self, role):
        return self.frames[role]

    def projected(self, role, crs=CONUS_METRIC_CRS):
        return self.proj[role]


def generated_transmission(states: gpd.GeoDataFrame, n: int, seed: int = 42) -> gpd.GeoDataFrame:
    """``n`` seeded polylines (3 vertices, 2-40 km) of mixed voltage inside CONUS, canonical columns."""
    rng = np.random.default_rng(seed)
    starts = random_points(states, n, seed=seed).to_crs(CONUS_METRIC_CRS)
    x, y = starts.x.to_numpy(), starts.y.to_numpy()
    length = rng.uniform(2_000, 40_000, n)
    ang = rng.uniform(0, 2 * np.pi, n)
    bend = rng.normal(0, 0.3, n)
    x1, y1 = x + 0.5 * length * np.cos(ang), y + 0.5 * length * np.sin(ang)
    x2, y2 = x1 + 0.5 * length * np.cos(ang + bend), y1 + 0.5 * length * np.sin(ang + bend)
    coords = np.stack([np.stack([x, y], 1), np.stack([x1, y1], 1), np.stack([x2, y2], 1)], 1)
    lines = shapely.linestrings(coords)
    kv = rng.choice(GEN_KV, size=n, p=GEN_SHARE / GEN_SHARE.sum())
    frame = gpd.GeoDataFrame({
        "line_id": [f"G{i}" for i in range(n)], "voltage_kv": kv, "volt_class": pd.array([None] * n, dtype="string"),
        "is_dc": False, "owner": "generated", "status": "IN SERVICE",
    }, geometry=lines, crs=CONUS_METRIC_CRS)
    return frame.to_crs(GEOGRAPHIC_CRS)


def random_points(states: gpd.GeoDataFrame, n: int, seed: int = 0) -> gpd.GeoSeries:
    """``n`` seeded points uniform over the CONUS states (EPSG:4326)."""
    return random_conus_points(states, n, seed)


# -- the two pipelines -----------------------------------------------------------------------

PROXIMITY_CRITERIA = ("location", "grid", "gas", "land", "air")


def ours(sites: pd.DataFrame, layers) -> pd.DataFrame:
    """Our engine: fresh indexes (built inside the timing), every proximity and polygon criterion."""
    prepared = PreparedLayers(layers)
    # as score_sites does: project the coordinates, put the sites in Hilbert-curve order (spatially
    # compact queries), then make the point geometries in that order (compact in memory too)
    x, y = project_lonlat(sites["longitude_deg"].to_numpy(), sites["latitude_deg"].to_numpy())
    order = hilbert_order_xy(x, y)
    pts = gpd.GeoDataFrame(
        {"site_id": sites["site_id"].to_numpy()[order], "it_load_mw": np.nan},
        geometry=gpd.points_from_xy(x[order], y[order], crs=CONUS_METRIC_CRS), index=sites.index[order],
    )
    prepared.remember_coords(pts, np.column_stack([x[order], y[order]]))
    out = C.evaluate(pts, prepared, Scenario(), include=PROXIMITY_CRITERIA)
    if prepared.has("weather_stations"):
        idx = prepared.index("weather_stations")
        out["distance_to_weather_station_km"] = nearest(pts, idx, xy=prepared.coords(pts))[1]
    return _reindex_columns_threaded(out, sites.index)  # back to input order, as score_sites does


def _sjoin_nearest_km(pts: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, cols=()) -> pd.DataFrame:
    j = gpd.sjoin_nearest(pts[["geometry"]], layer[list(cols) + ["geometry"]], how="left", distance_col="d_m")
    j = j[~j.index.duplicated(keep="first")]  # equidistant ties give several rows
    out = pd.DataFrame({"distance_km": j["d_m"] / 1000.0}, index=j.index)
    for c in cols:
        out[c] = j[c]
    return out.reindex(pts.index)


def baseline(sites: pd.DataFrame, layers: BenchLayers) -> pd.DataFrame:
    """The same criteria with plain geopandas (sjoin_nearest / sjoin), on the same projected layers."""
    P = layers.projected
    pts = gpd.GeoDataFrame(
        {"site_id": sites["site_id"]},
        geometry=gpd.points_from_xy(sites["longitude_deg"], sites["latitude_deg"], crs=GEOGRAPHIC_CRS),
    ).to_crs(CONUS_METRIC_CRS)
    out = pd.DataFrame(index=pts.index)
    cj = gpd.sjoin(pts[["geometry"]], P("counties")[["county_fips", "county_name", "state_abbr", "geometry"]],
                   how="left", predicate="within")
    cj = cj[~cj.index.duplicated(keep="first")]
    out["county_fips"] = cj["county_fips"]
    out["state_abbr"] = cj["state_abbr"]
    if layers.has("balancing_authorities"):
        bj = gpd.sjoin(pts[["geometry"]], P("balancing_authorities")[["ba_code", "geometry"]], how="left", predicate="within")
        out["balancing_authority"] = bj[~bj.index.duplicated(keep="first")]["ba_code"]
    tx = P("transmission")
    from siting.criteria.grid import CLASS_FLOOR_KV, _line_voltage
    kv = _line_voltage(tx)
    for c in C.LINE_CLASSES_KV:  # a class starts at its floor (HIFLD's "220-287" class is the 230 kV class)
        out[f"distance_to_line_{c}kv_km"] = _sjoin_nearest_km(pts, tx[kv >= CLASS_FLOOR_KV[c]])["distance_km"]
    subs = P("substations")
    s = _sjoin_nearest_km(pts, subs[pd.to_numeric(subs["max_voltage_kv"], errors="coerce") >= 115], ["max_voltage_kv"])
    out["distance_to_substation_km"] = s["distance_km"]
    pipes = P("pipelines")
    p = _sjoin_nearest_km(pts, pipes, ["operator"])
    out["distance_to_pipeline_km"] = p["distance_km"]
    out["pipeline_operator"] = p["operator"]
    for kind in ("interstate", "intrastate"):
        sub = pipes[pipes["pipe_type"].astype("string").str.lower().eq(kind).fillna(False).to_numpy()]
        out[f"distance_to_{kind}_pipeline_km"] = _sjoin_nearest_km(pts, sub)["distance_km"]
    for role, col in (("gas_facilities", "distance_to_gas_facility_km"), ("plants", "distance_to_power_plant_km"),
                      ("datacenters", "distance_to_datacenter_km"), ("weather_stations", "distance_to_weather_station_km")):
        if layers.has(role):
            out[col] = _sjoin_nearest_km(pts, P(role))["distance_km"]
    if layers.has("nonattainment"):
        from gis_data.air import load_ozone_classes, ozone_classification_by_county

        worst = ozone_classification_by_county(layers.load("nonattainment"), load_ozone_classes())
        st = out["county_fips"].astype("string").map(worst)
        out["nonattainment_status"] = st.where(st.notna() | out["county_fips"].isna(), "attainment")
    return out


def _max_rel_diff(a: pd.DataFrame, b: pd.DataFrame) -> float:
    worst = 0.0
    for c in b.columns:
        if c.endswith("_km") and c in a.columns:
            x, y = a[c].to_numpy(dtype=float), b[c].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(y) & (y > 1e-6)
            if ok.any():
                worst = max(worst, float(np.max(np.abs(x[ok] - y[ok]) / y[ok])))
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layers", type=Path, default=None, help="layer-set TOML or folder (default: scan ../shared/data)")
    ap.add_argument("--sizes", default="1e4,1e5,1e6", help="comma-separated site counts")
    ap.add_argument("--json", required=True, type=Path, help="output JSON file")
    ap.add_argument("--lines", type=int, default=100_000, help="lines of the generated transmission layer")
    ap.add_argument("--threads", type=int, default=None,
                    help="query threads (gis_data.nearest.THREADS; default min(4, cpus)); 1 is the single-thread control")
    args = ap.parse_args()
    import gis_data.nearest as prox

    if args.threads is not None:
        if args.threads < 1:
            ap.error(f"--threads {args.threads}: expected a whole number >= 1")
        prox.THREADS = args.threads

    from gis_data.layerset import LayerSet, scan_directory

    t = time.perf_counter()
    if args.layers is not None:
        ls = LayerSet.from_path(args.layers)
    elif SHARED.is_dir():
        ls = scan_directory(SHARED)
    else:
        ls = LayerSet.sample()
    roles = ("transmission", "substations", "pipelines", "gas_facilities", "plants", "datacenters", "states", "counties",
             "balancing_authorities", "nonattainment", "weather_stations")
    frames = {r: ls.load(r) for r in roles if ls.has(r)}
    notes = []
    if len(frames.get("transmission", ())) < 50_000:
        n_real = len(frames.get("transmission", ()))
        frames["transmission"] = generated_transmission(frames["states"], args.lines)
        notes.append(f"transmission: the layer set has {n_real:,} lines (not all voltages); a seeded layer of "
                     f"{args.lines:,} generated lines of all voltage classes over CONUS was used instead")
    layers = BenchLayers(frames)
    load_s = time.perf_counter() - t
    res = {
        "machine": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
        "note": "2-core machine that may be shared: load_average_1min_before/after of each size say how busy it was",
        "threads": prox.THREADS, "layers": {r: len(f) for r, f in frames.items()}, "layer_notes": notes,
        "layer_load_and_projection_seconds": load_s, "sizes": {},
    }
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    last_ratio = None
    for n in sizes:
        pts = random_points(frames["states"], n, seed=n)
        sites = pd.DataFrame({"site_id": [f"s{i:07d}" for i in range(n)], "latitude_deg": pts.y.to_numpy(),
                              "longitude_deg": pts.x.to_numpy()})
        load_before = os.getloadavg()[0]
        with PeakRSS() as peak:
            t = time.perf_counter()
            a = ours(sites, layers)
            secs = time.perf_counter() - t
        entry = {"seconds": secs, "peak_rss_mb": peak.peak / 2**20, "sites_per_second": n / secs,
                 "load_average_1min_before": load_before}
        t = time.perf_counter()
        full = score_sites(sites, layers, progress=False, explain=False, chunk_size=100_000)
        entry["full_score_sites_seconds"] = time.perf_counter() - t
        entry["full_score_sites_scored"] = int((full["error"] == "").sum())
        del full
        estimate = None if last_ratio is None else last_ratio * n
        if estimate is not None and estimate > BASELINE_LIMIT_S:
            entry["baseline_seconds"] = None
            entry["baseline_skipped"] = f"extrapolated from the previous size to {estimate:.0f} s > {BASELINE_LIMIT_S:.0f} s"
        else:
            t = time.perf_counter()
            b = baseline(sites, layers)
            entry["baseline_seconds"] = time.perf_counter() - t
            entry["speedup"] = entry["baseline_seconds"] / secs
            entry["max_relative_distance_difference"] = _max_rel_diff(a, b)
            entry["county_fips_agree_frac"] = float((a["county_fips"].astype("string").fillna("") ==
                                                     b["county_fips"].astype("string").fillna("")).mean())
            last_ratio = entry["baseline_seconds"] / n
        entry["load_average_1min_after"] = os.getloadavg()[0]  # the machine is shared: context for the figures
        res["sizes"][str(n)] = entry
        print(json.dumps({n: entry}), flush=True)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2))
    args.json.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
