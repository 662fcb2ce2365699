"""Batch scoring of many candidate sites: chunks, checkpoints, resume, local or Dask.

:func:`score_sites` validates the site table row by row (bad rows stay in the output
with the reason in ``error``), evaluates every criterion chunk by chunk against layers
indexed once, scores each chunk with the profile, writes each finished chunk as a
checkpoint (atomically, so a run killed at any moment resumes without recomputing or
duplicating rows) and ranks all sites at the end. Output order is input order and every
value is a pure function of the inputs, so the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from tqdm.auto import tqdm

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS, concat_rows
from gis_data.outputs import OutputLock, file_fingerprint, sidecar_files, write_text_atomic
from siting import criteria as C
from gis_data import nearest as proximity
from siting.errors import ConfigError, DataError
from siting.profiles import Profile, load_profile
from gis_data.nearest import PreparedLayers, hilbert_order_xy, project_lonlat
from siting.scenario import Scenario
from models.units import M2_PER_ACRE
from siting.schema import (
    INPUT_ERROR_COLUMN, INPUT_PREFIX, clean_name, coerce_input_table, columns as schema_columns, output_name_renames,
)
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
    ids_assigned: int = 0
    renamed_columns: dict[str, str] = field(default_factory=dict)
    area_sites: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


# -- input --------------------------------------------------------------------------------


#: Geometry type ids (shapely.get_type_id) by what a site may be.
_POINT, _LINES, _POLYGONS, _MULTIPOINT, _COLLECTION = 0, (1, 2, 5), (3, 6), 4, 7


def prepare_sites(sites_frame: pd.DataFrame) -> pd.DataFrame:
    """The site table validated and typed (see :func:`siting.schema.coerce_input_table`).

    Input columns named like a column the tool writes (``rank``, ``score_total``,
    ``explanation``, ``error`` ... of a scored table read back) are kept as ``input_<name>``.
    A GeoDataFrame without coordinate columns gives each site's coordinates (EPSG:4326)
    from its geometry: a point as it is, a polygon or multipolygon (a parcel) at its
    representative point (a point inside it, ``shapely.point_on_surface``) with its area
    kept in ``site_area_acres`` [acre] (computed in EPSG:5070, an equal-area projection);
    lines, collections, multipoints of several points, empty and null geometries are
    kept with the reason in ``error``. A frame without a CRS is read as EPSG:4326
    longitude/latitude (coordinates that are not give a per-row hint).
    """
    frame = sites_frame
    geom_name = None
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
        geom_name = frame._geometry_column_name
    renames = output_name_renames(frame.columns, keep=(geom_name,) if geom_name else ())
    if renames:
        log.info("input columns named like output columns kept as %s",
                 ", ".join(f"{a} -> {b}" for a, b in renames.items()))
        frame = frame.rename(columns=renames)
    if geom_name is not None:
        names = {clean_name(c) for c in frame.columns}
        plain = pd.DataFrame(frame.drop(columns=geom_name))
        if not names & {"latitude_deg", "lat", "latitude"}:
            lat, lon, area, geo_err = _site_points(frame)
            plain["latitude_deg"] = lat
            plain["longitude_deg"] = lon
            if area is not None:
                if "site_area_acres" in plain.columns:
                    plain = plain.rename(columns={"site_area_acres": INPUT_PREFIX + "site_area_acres"})
                plain["site_area_acres"] = area
            if (geo_err != "").any():
                prior = (plain[INPUT_ERROR_COLUMN].fillna("").astype(str).to_numpy(dtype=object)
                         if INPUT_ERROR_COLUMN in plain.columns else np.full(len(plain), "", dtype=object))
                plain[INPUT_ERROR_COLUMN] = np.where(prior != "", prior, geo_err)
        frame = plain
    return coerce_input_table(pd.DataFrame(frame).reset_index(drop=True))


def _site_points(frame: gpd.GeoDataFrame):
    """Latitude, longitude [deg, EPSG:4326], area [acre] (NaN for non-areas; None when no row is
    an area) and the geometry problem of each row ("" when none) of a GeoDataFrame of sites."""
    arr = np.asarray(frame.geometry.array, dtype=object)
    n = len(arr)
    lat, lon, area = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    err = np.full(n, "", dtype=object)
    missing = shapely.is_missing(arr)
    kinds = np.full(n, -1)
    kinds[~missing] = shapely.get_type_id(arr[~missing])
    empty = ~missing & shapely.is_empty(np.where(missing, shapely.Point(), arr))
    parts = np.zeros(n, dtype=int)
    parts[~missing] = shapely.get_num_geometries(arr[~missing])
    err[missing] = "no geometry (the feature's geometry is null); give a point or a polygon for each site"
    for i in np.flatnonzero(empty):
        err[i] = (f"empty geometry (a {arr[i].geom_type} with no coordinates); "
                  "give a point or a polygon for each site")
    ok = ~missing & ~empty
    line = ok & np.isin(kinds, _LINES)
    for i in np.flatnonzero(line):
        err[i] = (f"the geometry is a {arr[i].geom_type}: a site is a point or an area (a polygon, e.g. a parcel); "
                  "a line (a route, a right of way) cannot be scored as a site")
    coll = ok & (kinds == _COLLECTION)
    err[coll] = "the geometry is a GeometryCollection; give one point or one (multi)polygon per site"
    multi = ok & (kinds == _MULTIPOINT) & (parts > 1)
    for i in np.flatnonzero(multi):
        err[i] = f"the geometry is a MultiPoint of {parts[i]} points; give one point per site (one row each)"
    point = ok & ((kinds == _POINT) | ((kinds == _MULTIPOINT) & (parts == 1)))
    poly = ok & np.isin(kinds, _POLYGONS)
    pts = np.full(n, None, dtype=object)
    pts[point] = np.where(kinds[point] == _MULTIPOINT, shapely.get_geometry(arr[point], 0), arr[point])
    polys = arr[poly]
    if poly.any():
        invalid = ~shapely.is_valid(polys)
        if invalid.any():
            polys = polys.copy()
            polys[invalid] = shapely.make_valid(polys[invalid])
        pts[poly] = shapely.point_on_surface(polys)
    crs = frame.crs
    if crs is None:
        log.info("site geometries have no CRS; read as EPSG:4326 longitude/latitude")
        crs = GEOGRAPHIC_CRS
    use = point | poly
    use &= ~shapely.is_missing(pts) & ~shapely.is_empty(np.where(shapely.is_missing(pts), shapely.Point(), pts))
    if use.any():
        try:
            geo = gpd.GeoSeries(pts[use], crs=crs).to_crs(GEOGRAPHIC_CRS)
        except Exception as exc:  # pyproj.exceptions.CRSError and friends: the CRS itself is unusable
            raise DataError(f"the sites' CRS {crs!s:.80} cannot be converted to EPSG:4326 ({exc}); "
                            "save the file with a standard CRS (e.g. EPSG:4326)") from None
        with np.errstate(invalid="ignore"):
            lon[use] = geo.x.to_numpy()
            lat[use] = geo.y.to_numpy()
    if poly.any():
        with np.errstate(invalid="ignore", over="ignore"):
            m2 = gpd.GeoSeries(polys, crs=crs).to_crs(CONUS_METRIC_CRS).area.to_numpy()
        area[poly] = np.where(np.isfinite(m2), m2 / M2_PER_ACRE, np.nan)
    return lat, lon, (area if poly.any() else None), err


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


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _frame_sha(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's values (text of each cell, geometries as WKB) and its index."""
    h = hashlib.sha256()
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame else None
    plain = pd.DataFrame(frame.drop(columns=geom)) if geom else pd.DataFrame(frame)
    h.update(json.dumps([str(c) for c in plain.columns]).encode())
    if len(plain.columns):
        h.update(pd.util.hash_pandas_object(plain.astype(str), index=True).to_numpy().tobytes())
    if geom:
        for wkb in shapely.to_wkb(np.asarray(frame.geometry.array, dtype=object)):
            h.update(wkb or b"-")
    return h.hexdigest()


def layers_fingerprint(layers) -> dict:
    """What the layers of a run are, to refuse a resume over other layers.

    For a :class:`gis_data.layerset.LayerSet`: the layer-set file and every layer and raster
    file (with a shapefile's sidecars) by :func:`gis_data.outputs.file_fingerprint` (size,
    modification time, SHA-256), plus each role's format and options. For in-memory layers
    (:class:`gis_data.layerset.FrameLayers`): a hash of every frame's content.
    """
    base = getattr(layers, "layers", layers)  # PreparedLayers wraps the layer set
    specs = getattr(base, "specs", None)
    if specs is not None:
        src = getattr(base, "source_path", None)
        # the layer-set file by content only: it names the files, whose own fingerprints follow
        out = {"layer_set": None if src is None else {k: v for k, v in file_fingerprint(src).items()
                                                       if k in ("path", "sha256", "missing")}, "roles": {}}
        for group in (specs, getattr(base, "rasters", {}) or {}):
            for role, spec in sorted(group.items()):
                out["roles"][role] = {"format": spec.format, "options": repr(spec.options),
                                      "files": [file_fingerprint(q) for p in spec.paths for q in sidecar_files(p)]}
        return out
    frames = getattr(base, "_frames", None)
    if frames is not None:
        rasters = getattr(base, "_rasters", {}) or {}
        return {"frames": {role: _frame_sha(f) for role, f in sorted(frames.items())},
                "rasters": {role: file_fingerprint(p) for role, (p, _) in sorted(rasters.items())}}
    log.warning("layers of type %s cannot be fingerprinted by content; a resume checks only their type",
                type(base).__name__)
    return {"type": type(base).__name__}


def _fingerprint_parts(table: pd.DataFrame, layers, scenario: Scenario, profile: Profile, chunk_size: int,
                       explain: bool) -> dict:
    """Everything a checkpointed chunk depends on: tool version, sites, scenario, profile, layers, chunking."""
    from siting import __version__

    return {
        "tool_version": __version__,
        "sites": _sha(pd.util.hash_pandas_object(table.astype(str), index=True).to_numpy().tobytes()),
        "scenario": _sha(json.dumps(scenario.to_dict(), sort_keys=True, default=str).encode()),
        "profile": _sha(json.dumps(profile.to_dict(), sort_keys=True, default=str).encode()),
        "layers": layers_fingerprint(layers),
        "chunk_size": int(chunk_size),
        "explain": bool(explain),
    }


def _fingerprint(table: pd.DataFrame, layers, scenario: Scenario, profile: Profile, chunk_size: int, explain: bool) -> str:
    parts = _fingerprint_parts(table, layers, scenario, profile, chunk_size, explain)
    return _sha(json.dumps(parts, sort_keys=True).encode())


def _what_changed(saved: dict, now: dict) -> list[str]:
    """Plain-language differences between two fingerprints' parts."""
    out = []
    names = {"tool_version": "the tool version", "sites": "the site table", "scenario": "the scenario",
             "profile": "the profile", "chunk_size": "the chunk size", "explain": "--no-explain"}
    for key, label in names.items():
        if saved.get(key) != now.get(key):
            extra = f" ({saved.get(key)} -> {now.get(key)})" if key in ("tool_version", "chunk_size") else ""
            out.append(f"{label} changed{extra}")
    a, b = saved.get("layers") or {}, now.get("layers") or {}
    if a != b:
        if (a.get("layer_set") or {}).get("sha256") != (b.get("layer_set") or {}).get("sha256"):
            out.append(f"the layer-set file changed ({(b.get('layer_set') or {}).get('path')})")
        files_a = {f["path"]: f for r in (a.get("roles") or {}).values() for f in r.get("files", [])}
        files_b = {f["path"]: f for r in (b.get("roles") or {}).values() for f in r.get("files", [])}
        for path in sorted(set(files_a) | set(files_b)):
            fa, fb = files_a.get(path), files_b.get(path)
            if fa == fb:
                continue
            if fa is None or fb is None:
                out.append(f"layer file {path!r} is {'new' if fa is None else 'no longer used'}")
            elif fb.get("missing"):
                out.append(f"layer file {path!r} is gone")
            else:
                how = []
                if fa.get("size_bytes") != fb.get("size_bytes"):
                    how.append(f"size {fa.get('size_bytes')} -> {fb.get('size_bytes')} bytes")
                if fa.get("mtime_ns") != fb.get("mtime_ns"):
                    how.append("modification time")
                if fa.get("sha256") != fb.get("sha256"):
                    how.append(f"content sha256 {str(fa.get('sha256'))[:12]} -> {str(fb.get('sha256'))[:12]}")
                out.append(f"layer file {path!r} changed ({', '.join(how) or 'fingerprint'})")
        if set(a.get("roles") or {}) != set(b.get("roles") or {}):
            out.append("the layer roles changed")
        if a.get("frames") != b.get("frames"):
            out.append("the in-memory layers changed")
        if not out or all(not x.startswith(("layer", "the layer", "the in-memory")) for x in out):
            out.append("the layers changed (format or options)")
    return out or ["the run's inputs changed"]


def _chunk_path(folder: Path, i: int) -> Path:
    return folder / f"chunk-{i:06d}.parquet"


def _chunk_sum_path(folder: Path, i: int) -> Path:
    return folder / f"chunk-{i:06d}.sha256"


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write a chunk under a temporary name, then rename it; its SHA-256 goes to a sidecar after it."""
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    try:
        frame.to_parquet(tmp, index=True)
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    write_text_atomic(path.with_suffix(".sha256"), digest + "\n", durable=False)  # verified when read


def _read_chunk(folder: Path, i: int, expected_index: pd.Index) -> pd.DataFrame | None:
    """A finished chunk read back, or None (and a warning) when it is missing, corrupt or not this chunk."""
    path, sums = _chunk_path(folder, i), _chunk_sum_path(folder, i)
    why = None
    try:
        data = path.read_bytes()
        want = sums.read_text(encoding="utf-8").strip() if sums.exists() else None
        if want is None:
            why = "its checksum file is missing (the run was killed between the two writes)"
        elif hashlib.sha256(data).hexdigest() != want:
            why = "its content does not match its SHA-256 (a damaged or edited file)"
        else:
            import io as _io

            frame = pd.read_parquet(_io.BytesIO(data))
            if not frame.index.equals(expected_index):
                why = "it holds other rows than this chunk"
            else:
                return frame
    except (OSError, ValueError, UnicodeError) as exc:  # pyarrow.ArrowInvalid is a ValueError
        why = f"it cannot be read ({exc})"
    log.warning("checkpoint chunk %d in %s is not usable: %s; recomputing it", i, folder, why)
    for p in (path, sums):
        p.unlink(missing_ok=True)
    return None


def _prepare_checkpoints(folder: Path, fingerprint: str, resume: bool, parts: dict | None = None) -> set[int]:
    """Checkpoint folder ready for this run; the chunk numbers a resume may reuse (verified when read).

    A manifest that cannot be read (damaged, truncated, from an old version) means no chunk
    can be trusted: they are all recomputed, with a warning. A manifest of another run
    (sites, scenario, profile, layer files, tool version, chunking) is refused with what
    changed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / _MANIFEST
    done: set[int] = set()
    for p in folder.glob("chunk-*.tmp-*"):
        p.unlink(missing_ok=True)
    saved = None
    if resume and manifest.exists():
        try:
            saved = json.loads(manifest.read_text(encoding="utf-8"))
            if not isinstance(saved, dict) or not isinstance(saved.get("fingerprint"), str):
                raise ValueError("no fingerprint in it")
        except (OSError, ValueError, UnicodeError) as exc:
            log.warning("checkpoint manifest %s is damaged (%s); its chunks cannot be trusted and are recomputed",
                        manifest, exc)
            saved = None
    if saved is not None:
        if saved["fingerprint"] != fingerprint:
            changes = _what_changed(saved.get("parts") or {}, parts or {})
            raise ConfigError(
                f"checkpoint folder {str(folder)!r} holds chunks of a different run: {'; '.join(changes)}. "
                "Resume with the same inputs, or run without --resume to start over"
            )
        done = {int(p.stem.split("-")[1]) for p in folder.glob(_CHUNK_GLOB)}
    else:
        old = list(folder.glob(_CHUNK_GLOB)) + list(folder.glob("chunk-*.sha256"))
        if old:
            log.info("starting over in %s: %d file(s) of an earlier run removed", folder, len(old))
        for p in old:
            p.unlink(missing_ok=True)
        write_text_atomic(manifest, json.dumps({"fingerprint": fingerprint, "parts": parts or {}}, indent=1),
                          durable=False)  # verified when read
    return done


def _chunks(positions: np.ndarray, chunk_size: int) -> list[np.ndarray]:
    return [positions[i:i + chunk_size] for i in range(0, len(positions), chunk_size)]


# -- engines ------------------------------------------------------------------------------


#: Steps a chunk is split into when the progress bar is shown, so the bar moves per site rather than per
#: chunk; each step scores at least :data:`PROGRESS_MIN_SITES` sites (rows are scored independently, so the
#: result is the same, see test_chunk_size_does_not_change_results).
PROGRESS_STEPS_PER_CHUNK = 20
PROGRESS_MIN_SITES = 500


def _run_local(table, chunks, todo, layers, scenario, profile, explain,
               on_sites: Callable[[int], None] | None = None) -> Iterator[tuple[int, pd.DataFrame]]:
    for i in todo:
        pos = chunks[i]
        if on_sites is None:
            yield i, score_chunk(table.iloc[pos], layers, scenario, profile, explain=explain)
            continue
        step = max(PROGRESS_MIN_SITES, -(-len(pos) // PROGRESS_STEPS_PER_CHUNK))
        parts = []
        for k in range(0, len(pos), step):
            parts.append(score_chunk(table.iloc[pos[k:k + step]], layers, scenario, profile, explain=explain))
            on_sites(len(pos[k:k + step]))
        yield i, concat_rows(parts) if len(parts) > 1 else parts[0]


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
        Show progress bars on stderr (tqdm): one while the layers load and their indexes
        build, one per site scored (updated every few hundred sites); default only when
        stderr is a terminal. Without bars the same steps are logged.
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
    geom_keep = (sites_frame._geometry_column_name,) if isinstance(sites_frame, gpd.GeoDataFrame) else ()
    renamed = output_name_renames(sites_frame.columns, keep=geom_keep)
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

    folder = None if checkpoint_dir is None else Path(checkpoint_dir)
    with contextlib.ExitStack() as stack:
        done: set[int] = set()
        if folder is not None:
            # one run per checkpoint folder: a second one would mix or delete the first one's chunks
            stack.enter_context(OutputLock(folder, what="checkpoint folder"))
            parts = _fingerprint_parts(table, prepared, scenario, profile, int(chunk_size), explain)
            fp = _sha(json.dumps(parts, sort_keys=True).encode())
            done = _prepare_checkpoints(folder, fp, resume, parts) & set(range(len(chunks)))

        results: dict[int, pd.DataFrame] = {}
        for i in sorted(done):
            frame = _read_chunk(folder, i, table.index[chunks[i]])
            if frame is not None:
                results[i] = frame
        done = set(results)
        todo = [i for i in range(len(chunks)) if i not in done]
        show = sys.stderr.isatty() if progress is None else bool(progress)
        if todo:
            # Load the layers and build every index once, before chunks run (threads then share read-only
            # indexes); the first bar counts the layers and indexes as they are built.
            t_layers = time.perf_counter()
            with tqdm(desc="loading layers", unit=" step", disable=not show) as lbar:
                def built(key):
                    lbar.set_postfix_str(" ".join(str(k) for k in key[1:]), refresh=False)
                    lbar.update(1)

                prepared.on_build = built
                try:
                    C.evaluate(_points(table.iloc[:0]), prepared, scenario)
                finally:
                    prepared.on_build = None
            log.info("layers loaded and indexed in %.1f s", time.perf_counter() - t_layers)

        if done:
            log.info("resuming: %d of %d chunks already done in %s", len(done), len(chunks), folder)
        n_done = int(sum(len(chunks[i]) for i in done))
        with tqdm(total=len(valid_pos), initial=n_done, disable=not show, unit=" site", desc="scoring sites") as bar:
            runner = (
                _run_local(table, chunks, todo, prepared, scenario, profile, explain,
                           on_sites=bar.update if show else None)
                if engine == "local"
                else _run_dask(table, chunks, todo, prepared, scenario, profile, explain, scheduler)
            )
            for i, frame in runner:
                if folder is not None:
                    _write_atomic(frame, _chunk_path(folder, i))
                    frame = pd.read_parquet(_chunk_path(folder, i))  # same dtypes as a resumed chunk
                results[i] = frame
                if engine != "local" or not show:
                    bar.update(len(chunks[i]))

    out = _assemble(table, err, results, len(chunks))
    if "it_load_mw" in out.columns:
        # The IT load each site is scored at: its own where the table gives one, the scenario's elsewhere
        # (Scenario.it_load_of, the rule the criteria use); a load the table gave but that was refused stays NaN.
        refused = out["error"].astype(str).str.contains("it_load_mw=", regex=False).to_numpy()
        out["it_load_mw"] = np.where(refused, np.nan, scenario.it_load_of(out["it_load_mw"].to_numpy()))
    n_err = int((out["error"] != "").sum())
    reasons = Counter(_reason_kind(e) for e in out["error"] if e)
    summary = BatchSummary(
        rows=len(out), scored=len(out) - n_err, errors=n_err, error_reasons=dict(sorted(reasons.items())),
        chunks=len(chunks), chunks_resumed=len(done), seconds=time.perf_counter() - t0,
        profile=profile.name, engine=engine, synthetic_layers=prepared.is_synthetic,
        ids_assigned=int(out["site_id_assigned"].sum()) if "site_id_assigned" in out else 0,
        renamed_columns=renamed,
        area_sites=int(out["site_area_acres"].notna().sum()) if "site_area_acres" in out and "site_area_acres" not in
        renamed else 0,
    )
    out.attrs["batch_summary"] = summary.to_dict()
    log.info("scored %d sites (%d rows with errors kept) in %.1f s", summary.scored, summary.errors, summary.seconds)
    return out


#: Kinds of row errors for the run summary: (text in the message, kind), first match wins.
_REASON_KINDS = (
    ("field(s) but the header", "ragged CSV row"),
    ("not readable WKT", "unreadable WKT geometry"),
    ("no geometry", "no geometry"),
    ("empty geometry", "empty geometry"),
    ("the geometry is a", "geometry not a point or polygon"),
    ("repeats the id", "duplicate site_id"),
    ("projected coordinates", "projected coordinates without a CRS"),
    ("missing or unparseable", "missing or unparseable"),
    ("swapped", "coordinates swapped"),
    ("out of range", "out of range"),
    ("outside the contiguous", "outside the contiguous"),
    ("outside the coverage", "outside the coverage"),
    ("it_load_mw", "bad it_load_mw"),
)


def _reason_kind(message: str) -> str:
    for key, kind in _REASON_KINDS:
        if key in message:
            return kind
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
    crit = concat_rows(parts) if parts else pd.DataFrame(index=pd.RangeIndex(0))
    crit_err = crit.pop("error").astype(str) if "error" in crit else pd.Series(dtype=str)
    base = table.drop(columns=["error"])
    clash = [c for c in base.columns if c in crit.columns]
    if clash:  # a criterion column not in the schema (output_name_renames handles those that are)
        base = base.rename(columns={c: INPUT_PREFIX + c for c in clash})
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
