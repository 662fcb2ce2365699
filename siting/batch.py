"""Batch scoring of many candidate sites: chunks, checkpoints, resume, local or Dask.

:func:`score_sites` validates the site table row by row (bad rows stay in the output
with the reason in ``error``), evaluates every criterion chunk by chunk against layers
indexed once, scores each chunk with the profile, writes each finished chunk as a
checkpoint (atomically, so a run killed at any moment resumes without recomputing or
duplicating rows) and ranks all sites at the end. Output order is input order and every
value is a pure function of the inputs, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS
from siting import criteria as C
from gis_data import nearest as proximity
from siting.errors import ConfigError, DataError
from siting.profiles import Profile, load_profile
from gis_data.nearest import PreparedLayers, hilbert_order_xy, project_lonlat
from siting.scenario import Scenario
from siting.schema import coerce_input_table, columns as schema_columns
from siting.scoring import rank_sites, score_table

log = logging.getLogger(__name__)

#: Bounds of EPSG:5070's area of use (CONUS) [deg]: lon_min, lat_min, lon_max, lat_max.
CONUS_BOUNDS_DEG = (-124.79, 24.41, -66.91, 49.38)

ENGINES = ("local", "dask")
_CHUNK_GLOB = "chunk-*.parquet"
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did: row counts, error reasons, chunks, time."""

    rows: int
    scored: int
    errors: int
    error_reasons: dict[str, int] = field(default_factory=dict)
    chunks: int = 0
    chunks_resumed: int = 0
    seconds: float = 0.0
    profile: str = ""
    engine: str = "local"
    synthetic_layers: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


# -- input --------------------------------------------------------------------------------


def prepare_sites(sites_frame: pd.DataFrame) -> pd.DataFrame:
    """The site table validated and typed (see :func:`siting.schema.coerce_input_table`).

    A GeoDataFrame of points gives its coordinates (in EPSG:4326) as ``latitude_deg``
    and ``longitude_deg`` unless it already has coordinate columns.
    """
    frame = sites_frame
    if isinstance(frame, gpd.GeoDataFrame):
        names = {c.lower() for c in frame.columns}
        plain = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        if not names & {"latitude_deg", "lat", "latitude"}:
            if frame.crs is None:
                raise DataError("site GeoDataFrame has no CRS; set it (e.g. .set_crs('EPSG:4326'))")
            g = frame.geometry.to_crs(GEOGRAPHIC_CRS)
            ok = ~(g.isna() | g.is_empty).to_numpy()
            is_point = np.zeros(len(g), dtype=bool)
            is_point[ok] = (g[ok].geom_type == "Point").to_numpy()
            xs = np.full(len(g), np.nan)
            ys = np.full(len(g), np.nan)
            xs[is_point] = g[is_point].x.to_numpy()
            ys[is_point] = g[is_point].y.to_numpy()
            plain["latitude_deg"] = ys
            plain["longitude_deg"] = xs
        frame = plain
    return coerce_input_table(pd.DataFrame(frame).reset_index(drop=True))


def _projected_xy(table: pd.DataFrame) -> np.ndarray:
    """The sites' coordinates in EPSG:5070, shape (n, 2) [m]: pyproj on the raw arrays (the
    same numbers as ``GeoSeries.to_crs``, without making and transforming point geometries)."""
    x, y = project_lonlat(table["longitude_deg"].to_numpy(dtype=float), table["latitude_deg"].to_numpy(dtype=float))
    return np.column_stack([x, y])


def _points(table: pd.DataFrame, xy: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """The sites as EPSG:5070 points with ``site_id`` and ``it_load_mw``, on ``table.index``."""
    xy = _projected_xy(table) if xy is None else xy
    geom = gpd.points_from_xy(xy[:, 0], xy[:, 1], crs=CONUS_METRIC_CRS)
    return gpd.GeoDataFrame(table[["site_id", "it_load_mw"]].copy(), geometry=geom, crs=CONUS_METRIC_CRS)


def _outside_conus(table: pd.DataFrame) -> np.ndarray:
    lon, lat = table["longitude_deg"].to_numpy(), table["latitude_deg"].to_numpy()
    x0, y0, x1, y1 = CONUS_BOUNDS_DEG
    return ~((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))


# -- one chunk ----------------------------------------------------------------------------


def score_chunk(table: pd.DataFrame, layers: PreparedLayers, scenario: Scenario, profile: Profile, *, explain: bool = True) -> pd.DataFrame:
    """Criteria and scores of valid rows (``error`` empty), on ``table.index``.

    Rows found outside the layers' coverage (no county or state polygon contains them)
    get an ``error`` and no scores.
    """
    xy = _projected_xy(table)
    sites = _points(table, xy)
    if isinstance(layers, PreparedLayers):
        layers.remember_coords(sites, xy)  # the criteria read the coordinates, not the geometries
    crit = C.evaluate(sites, layers, scenario)
    err = pd.Series("", index=table.index, dtype="string")
    if layers.has("counties") and "county_fips" in crit:
        miss = crit["county_fips"].isna()
        err[miss] = "outside the coverage of the layers: no county polygon contains the site"
    elif layers.has("states") and "state_abbr" in crit:
        miss = crit["state_abbr"].isna()
        err[miss] = "outside the coverage of the layers: no state polygon contains the site"
    scored = score_table(crit, profile, scenario, explain_rows=explain)
    out = pd.concat([crit, scored], axis=1)
    bad = err.ne("").to_numpy()
    if bad.any():
        for col in scored.columns:
            out.loc[bad, col] = np.nan if out[col].dtype.kind == "f" else pd.NA
    out["error"] = err
    return out


# -- checkpoints --------------------------------------------------------------------------


def _fingerprint(table: pd.DataFrame, layers, scenario: Scenario, profile: Profile, chunk_size: int, explain: bool) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(table.astype(str), index=True).to_numpy().tobytes())
    h.update(json.dumps(scenario.to_dict(), sort_keys=True).encode())
    h.update(json.dumps(profile.to_dict(), sort_keys=True, default=str).encode())
    src = getattr(getattr(layers, "layers", layers), "source_path", None)
    roles = getattr(getattr(layers, "layers", layers), "roles", ())
    h.update(json.dumps([str(src), list(roles), chunk_size, explain]).encode())
    return h.hexdigest()


def _chunk_path(folder: Path, i: int) -> Path:
    return folder / f"chunk-{i:06d}.parquet"


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    frame.to_parquet(tmp, index=True)
    os.replace(tmp, path)


def _prepare_checkpoints(folder: Path, fingerprint: str, resume: bool) -> set[int]:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / _MANIFEST
    done: set[int] = set()
    if resume and manifest.exists():
        saved = json.loads(manifest.read_text(encoding="utf-8"))
        if saved.get("fingerprint") != fingerprint:
            raise ConfigError(
                f"checkpoint folder {str(folder)!r} holds chunks of a different run (other input, layers, scenario, "
                "profile or chunk size); resume with the same inputs, or run without --resume to start over"
            )
        done = {int(p.stem.split("-")[1]) for p in folder.glob(_CHUNK_GLOB)}
    else:
        for p in list(folder.glob(_CHUNK_GLOB)) + list(folder.glob("chunk-*.tmp-*")):
            p.unlink()
        tmp = manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint}), encoding="utf-8")
        os.replace(tmp, manifest)
    return done


def _chunks(positions: np.ndarray, chunk_size: int) -> list[np.ndarray]:
    return [positions[i:i + chunk_size] for i in range(0, len(positions), chunk_size)]


# -- engines ------------------------------------------------------------------------------


def _run_local(table, chunks, todo, layers, scenario, profile, explain) -> Iterator[tuple[int, pd.DataFrame]]:
    for i in todo:
        yield i, score_chunk(table.iloc[chunks[i]], layers, scenario, profile, explain=explain)


def _run_dask(table, chunks, todo, layers, scenario, profile, explain, scheduler) -> Iterator[tuple[int, pd.DataFrame]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - dask is in the test extras
        raise ConfigError(f"engine='dask' needs dask and distributed ({exc}); pip install 'datacenter-siting[dask]'") from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
        client = Client(cluster)
    elif isinstance(scheduler, str):
        client = Client(scheduler)
    else:
        client = scheduler
    try:
        shared = client.scatter(layers, broadcast=True)
        futures = {
            client.submit(score_chunk, table.iloc[chunks[i]], shared, scenario, profile, explain=explain, pure=False): i
            for i in todo
        }
        for fut in as_completed(futures):
            yield futures[fut], fut.result()
    finally:
        if scheduler is None or isinstance(scheduler, str):
            client.close()
        if cluster is not None:
            cluster.close()


# -- the public entry point ---------------------------------------------------------------


def score_sites(
    sites_frame: pd.DataFrame,
    layers=None,
    scenario: Scenario | None = None,
    profile: str | Path | Profile = "speed_to_power",
    *,
    engine: str = "local",
    scheduler=None,
    checkpoint_dir: str | Path | None = None,
    resume: bool = False,
    chunk_size: int = 50_000,
    progress: bool | None = None,
    explain: bool = True,
) -> gpd.GeoDataFrame:
    """Score and rank candidate sites against a layer set.

    Parameters
    ----------
    sites_frame : pandas.DataFrame or geopandas.GeoDataFrame
        One row per site: ``lat``/``lon`` (or ``latitude_deg``/``longitude_deg``, or point
        geometry), optional ``site_id``, ``name``, ``it_load_mw`` [MW].
    layers : LayerSet-like, optional
        Anything with ``load(role)``/``has(role)``; default the embedded sample region.
    scenario : Scenario, optional
        Assumptions; default ``Scenario()``.
    profile : str, Path or Profile
        Shipped profile name, profile TOML file, or a :class:`Profile`.
    engine : {"local", "dask"}
        Where chunks run; ``"dask"`` uses ``scheduler`` (an address or a
        ``distributed.Client``) or a two-worker in-process LocalCluster.
    checkpoint_dir : str or Path, optional
        Folder for per-chunk checkpoints; with ``resume=True`` finished chunks are read
        back instead of recomputed.
    resume : bool
        Reuse the checkpoints of an interrupted run with the same inputs.
    chunk_size : int
        Sites per chunk [-].
    progress : bool, optional
        Show a progress bar over chunks; default only when stderr is a terminal.
    explain : bool
        Write the plain-language ``explanation`` column (a Python loop per row).

    Returns
    -------
    geopandas.GeoDataFrame
        Input order, EPSG:4326 points (empty for rows with bad coordinates), the input
        columns, every criterion and score column of ``site_columns.csv`` and ``rank``;
        ``attrs["batch_summary"]`` holds a :class:`BatchSummary` as a dict.
    """
    t0 = time.perf_counter()
    if engine not in ENGINES:
        raise ConfigError(f"engine={engine!r}: expected one of {', '.join(ENGINES)}")
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ConfigError(f"chunk_size={chunk_size!r}: expected a positive whole number of sites")
    if resume and checkpoint_dir is None:
        raise ConfigError("resume=True needs checkpoint_dir: the folder holding the interrupted run's chunks")
    scenario = scenario or Scenario()
    profile = load_profile(profile)
    if layers is None:
        from gis_data.layerset import LayerSet

        layers = LayerSet.sample()
    prepared = layers if isinstance(layers, PreparedLayers) else PreparedLayers(layers)

    table = prepare_sites(sites_frame)
    err = table["error"].astype(str).to_numpy().copy()
    outside = (err == "") & _outside_conus(table)
    swapped = outside & ~_outside_conus(table.rename(columns={"latitude_deg": "longitude_deg", "longitude_deg": "latitude_deg"}))
    err[outside] = [
        f"latitude {la} and longitude {lo} are outside the contiguous US but swapped they fall inside it: "
        "are the columns swapped?" if sw else
        f"outside the contiguous US (latitude={la}, longitude={lo}); the layers and EPSG:5070 cover CONUS only"
        for la, lo, sw in zip(
            table["latitude_deg"].to_numpy()[outside], table["longitude_deg"].to_numpy()[outside], swapped[outside]
        )
    ]
    valid_pos = np.flatnonzero(err == "")
    if len(valid_pos) > 1:
        # chunks of spatially close sites (Hilbert curve order) touch fewer tree nodes and cache better
        xy = _projected_xy(table.iloc[valid_pos])
        valid_pos = valid_pos[hilbert_order_xy(xy[:, 0], xy[:, 1])]
    chunks = _chunks(valid_pos, int(chunk_size))

    done: set[int] = set()
    folder = None if checkpoint_dir is None else Path(checkpoint_dir)
    if folder is not None:
        fp = _fingerprint(table, prepared, scenario, profile, int(chunk_size), explain)
        done = _prepare_checkpoints(folder, fp, resume) & set(range(len(chunks)))
    todo = [i for i in range(len(chunks)) if i not in done]
    if done:
        log.info("resuming: %d of %d chunks already done in %s", len(done), len(chunks), folder)

    # build every index once, before chunks run (threads then share read-only indexes)
    C.evaluate(_points(table.iloc[:0]), prepared, scenario)

    results: dict[int, pd.DataFrame] = {}
    for i in sorted(done):
        results[i] = pd.read_parquet(_chunk_path(folder, i))
    show = sys.stderr.isatty() if progress is None else bool(progress)
    runner = (
        _run_local(table, chunks, todo, prepared, scenario, profile, explain)
        if engine == "local"
        else _run_dask(table, chunks, todo, prepared, scenario, profile, explain, scheduler)
    )
    with tqdm(total=len(chunks), initial=len(done), disable=not show, unit="chunk", desc="scoring sites") as bar:
        for i, frame in runner:
            if folder is not None:
                _write_atomic(frame, _chunk_path(folder, i))
                frame = pd.read_parquet(_chunk_path(folder, i))  # same dtypes as a resumed chunk
            results[i] = frame
            bar.update(1)

    out = _assemble(table, err, results, len(chunks))
    n_err = int((out["error"] != "").sum())
    reasons = Counter(_reason_kind(e) for e in out["error"] if e)
    summary = BatchSummary(
        rows=len(out), scored=len(out) - n_err, errors=n_err, error_reasons=dict(sorted(reasons.items())),
        chunks=len(chunks), chunks_resumed=len(done), seconds=time.perf_counter() - t0,
        profile=profile.name, engine=engine, synthetic_layers=prepared.is_synthetic,
    )
    out.attrs["batch_summary"] = summary.to_dict()
    log.info("scored %d sites (%d rows with errors kept) in %.1f s", summary.scored, summary.errors, summary.seconds)
    return out


def _reason_kind(message: str) -> str:
    for key in ("missing or unparseable", "swapped", "out of range", "outside the contiguous", "outside the coverage", "it_load_mw"):
        if key in message:
            return {"swapped": "coordinates swapped", "it_load_mw": "bad it_load_mw"}.get(key, key)
    return "other"


def _reindex_columns_threaded(frame: pd.DataFrame, target: pd.Index) -> pd.DataFrame:
    """``frame.reindex(target)``, the columns split over :data:`gis_data.nearest.THREADS` threads.

    The permutation of a million rows is memory-bound and the Arrow and numpy takes release
    the GIL. Each thread gets its own column subset and its own copies of both indexes, so no
    lazily built pandas state (an index's hash table) is shared between threads.
    """
    threads = min(proximity.THREADS, len(frame.columns))
    if threads < 2 or len(frame) < 100_000:
        return frame.reindex(target)
    cols = list(frame.columns)
    subs = []
    for k in range(threads):
        sub = frame[cols[k::threads]]
        sub.index = frame.index.copy()
        subs.append((sub, target.copy()))
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(lambda st: st[0].reindex(st[1]), subs))
    out = pd.concat(parts, axis=1)[cols]
    out.index = target
    return out


def _assemble(table: pd.DataFrame, err: np.ndarray, results: dict[int, pd.DataFrame], n_chunks: int) -> gpd.GeoDataFrame:
    parts = [results[i] for i in range(n_chunks) if i in results]
    crit = pd.concat(parts) if parts else pd.DataFrame(index=pd.RangeIndex(0))
    crit_err = crit.pop("error").astype(str) if "error" in crit else pd.Series(dtype=str)
    base = table.drop(columns=["error"])
    if len(crit.columns):
        # chunks come in Hilbert order: one reindex puts them in input order (rows of bad input
        # missing), so the join below finds equal indexes and moves no data
        crit = _reindex_columns_threaded(crit, base.index)
    out = base.join(crit, how="left") if len(crit.columns) else base.copy()
    errors = pd.Series(err, index=table.index, dtype=object)
    if len(crit_err):
        later = crit_err[crit_err != ""]
        errors.loc[later.index] = later.to_numpy()
    out["error"] = errors.astype(str).to_numpy()
    valid = (out["error"] == "").to_numpy()
    totals = out["score_total"].to_numpy(dtype=float) if "score_total" in out else np.full(len(out), np.nan)
    out["rank"] = rank_sites(totals, out["site_id"].to_numpy(), valid)
    # column order: identity and input columns, then the schema's order, then anything else
    known = list(schema_columns())
    first = [c for c in ("site_id", "name", "latitude_deg", "longitude_deg", "it_load_mw", "error") if c in out]
    extra_inputs = [c for c in base.columns if c not in first and c not in known]
    ordered = first + extra_inputs + [c for c in known if c in out and c not in first]
    ordered += [c for c in out.columns if c not in ordered]
    out = out[ordered]
    ok_xy = np.isfinite(out["latitude_deg"].to_numpy()) & np.isfinite(out["longitude_deg"].to_numpy())
    ok_xy &= np.abs(out["latitude_deg"].fillna(0).to_numpy()) <= 90
    ok_xy &= np.abs(out["longitude_deg"].fillna(0).to_numpy()) <= 180
    geom = np.array([None] * len(out), dtype=object)
    pts = gpd.points_from_xy(out["longitude_deg"].to_numpy()[ok_xy], out["latitude_deg"].to_numpy()[ok_xy])
    geom[ok_xy] = np.asarray(pts)
    # copy=False: out is this function's own frame; a copy would also merge every float column into one block
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geom, index=out.index, crs=GEOGRAPHIC_CRS), crs=GEOGRAPHIC_CRS,
                            copy=False)


def batch_summary(frame: pd.DataFrame) -> BatchSummary:
    """The :class:`BatchSummary` stored on a :func:`score_sites` result."""
    data = frame.attrs.get("batch_summary")
    if data is None:
        raise DataError("this frame carries no batch summary; it was not produced by siting.batch.score_sites")
    return BatchSummary(**data)
