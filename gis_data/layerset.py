"""Layer sets: which file (and format) fills which layer role.

A layer set is a TOML file::

    name = "Texas real layers"          # optional
    synthetic = false                   # optional; true labels outputs "synthetic sample"

    [layers.transmission]
    path = ["grid-345_735.json.gz", "grid-dc.json"]   # one path or a list (concatenated)
    format = "hifld_transmission_by_class"
    [layers.transmission.options]                      # optional loader keyword arguments
    vintage = "2023"

Relative paths are relative to the TOML file's folder. Several files for one role must
be of the *same* format; they are concatenated (e.g. the AC >= 345 kV and the HVDC
files of one split). Mixing sources of one role (a national >= 345 kV layer and a
Texas >= 115 kV layer) would double-count the lines both hold, so a role has one format.

:func:`scan_directory` builds a layer set from a folder by recognising each file's
*schema* (its field names, through each format's ``detect``), not its name. Per role it
keeps one format: first the one with national coverage (a bounding box at least
:data:`NATIONAL_LON_SPAN_DEG` wide: a siting tool screens the whole country, and a
regional layer would silently report "no line within 50 km" everywhere else), then the
highest ``detail``, then the most files. The variants not chosen are listed as comments
when the layer set is written, so a user can switch (e.g. to the Texas >= 115 kV extract
for a Texas-only study).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from tqdm.auto import tqdm

from gis_data import cache, io
from gis_data.canonical import CONUS_METRIC_CRS, RASTER_FORMAT, RASTER_ROLES, ROLES, LoadReport
from gis_data.formats import formats, get_format
from models.errors import ConfigError, DataError, MissingDataError, unknown_name

log = logging.getLogger(__name__)

#: Layer-set file name looked for inside a folder.
LAYERS_FILE = "layers.toml"
#: A layer whose bounding box spans at least this many degrees of longitude counts as national.
NATIONAL_LON_SPAN_DEG = 40.0
_TOP_KEYS = {"name", "synthetic", "description", "layers"}
_LAYER_KEYS = {"path", "format", "options"}
#: Keys of a raster role's table; ``units`` states what the cells hold (e.g. "USD/acre").
_RASTER_KEYS = {"path", "format", "units"}
#: Suffixes (after stripping .gz) that scan_directory looks into.
_SCAN_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".parquet", ".geoparquet", ".fgb", ".csv", ".zip")


@dataclass(frozen=True)
class LayerSpec:
    """One role of a layer set: its files, format and loader options."""

    role: str
    paths: tuple[Path, ...]
    format: str
    options: tuple[tuple[str, Any], ...] = ()

    def options_dict(self) -> dict[str, Any]:
        return dict(self.options)


@dataclass(frozen=True)
class Alternative:
    """A file that ``scan_directory`` recognised but did not choose for its role."""

    role: str
    path: Path
    format: str
    reason: str


@dataclass(frozen=True)
class LayerSet:
    """Roles -> files; loads each role once (memoised) through the on-disk cache.

    Build with :meth:`from_path`, :meth:`sample` or :func:`scan_directory`.
    """

    specs: dict[str, LayerSpec]
    name: str = ""
    synthetic: bool = False
    source_path: Path | None = None
    alternatives: tuple[Alternative, ...] = ()
    use_cache: bool = True
    rasters: dict[str, LayerSpec] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_path(cls, path: str | Path, *, use_cache: bool = True) -> LayerSet:
        """Read a layer-set TOML file, or the ``layers.toml`` inside a folder.

        Parameters
        ----------
        path : str or Path
            TOML file or folder holding ``layers.toml``.
        use_cache : bool
            Use the on-disk layer cache (:mod:`gis_data.cache`).
        """
        path = Path(path).expanduser()
        if path.is_dir():
            path = path / LAYERS_FILE
        if not path.exists():
            raise MissingDataError(
                f"layer set {str(path)!r} does not exist; give a layers.toml file or a folder holding one "
                f"(make one with `siting data scan DIR --out layers.toml`)"
            )
        doc = io.read_toml(path, what="layer set")
        return cls.from_dict(doc, base_dir=path.parent, source_path=path, use_cache=use_cache)

    @classmethod
    def from_dict(cls, doc: dict, *, base_dir: str | Path, source_path: Path | None = None,
                  use_cache: bool = True) -> LayerSet:
        """Build a layer set from the parsed TOML structure (see the module docstring)."""
        where = str(source_path) if source_path else "layer set"
        unknown = set(doc) - _TOP_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown top-level key(s) {sorted(unknown)}; "
                              f"expected some of {sorted(_TOP_KEYS)}")
        layers = doc.get("layers", {})
        if not isinstance(layers, dict) or not layers:
            raise ConfigError(f"{where}: no [layers.<role>] tables; "
                              "add e.g. [layers.transmission] path=..., format=...")
        base = Path(base_dir)
        specs = {}
        rasters = {}
        for role, table in layers.items():
            if role not in ROLES and role not in RASTER_ROLES:
                raise unknown_name("layer role", role, [*ROLES, *RASTER_ROLES])
            if not isinstance(table, dict):
                raise ConfigError(f"{where}: [layers.{role}] must be a table with path and format, got {table!r}")
            if role in RASTER_ROLES:
                if table.get("format") != RASTER_FORMAT or not isinstance(table.get("path"), str):
                    raise ConfigError(f"{where}: raster role [layers.{role}] needs one path and "
                                      f"format = {RASTER_FORMAT!r}, got {table!r}")
                bad = set(table) - _RASTER_KEYS
                if bad or not isinstance(table.get("units", ""), str):
                    raise ConfigError(f"{where}: raster role [layers.{role}] takes keys {sorted(_RASTER_KEYS)} "
                                      f"(units a string such as \"USD/acre\"), got {table!r}")
                rp = Path(os.path.normpath(base / Path(table["path"]).expanduser()))
                units = (("units", table["units"]),) if table.get("units") else ()
                rasters[role] = LayerSpec(role, (rp,), RASTER_FORMAT, units)
                continue
            bad = set(table) - _LAYER_KEYS
            if bad:
                raise ConfigError(f"{where}: [layers.{role}] has unknown key(s) {sorted(bad)}; "
                                  f"expected {sorted(_LAYER_KEYS)}")
            if "path" not in table or "format" not in table:
                raise ConfigError(f"{where}: [layers.{role}] needs both path and format, got {sorted(table)}")
            fmt = get_format(str(table["format"]))
            if fmt.role != role:
                raise ConfigError(f"{where}: format {fmt.name!r} fills role {fmt.role!r}, not {role!r}; "
                                  f"move it under [layers.{fmt.role}] or pick a {role} format")
            raw_paths = table["path"] if isinstance(table["path"], list) else [table["path"]]
            paths = tuple(Path(os.path.normpath(base / Path(str(p)).expanduser())) for p in raw_paths)
            options = table.get("options", {})
            if not isinstance(options, dict):
                raise ConfigError(f"{where}: [layers.{role}].options must be a table, got {options!r}")
            specs[role] = LayerSpec(role, paths, fmt.name, tuple(sorted(options.items())))
        return cls(specs, name=str(doc.get("name", "")), synthetic=bool(doc.get("synthetic", False)),
                   source_path=source_path, use_cache=use_cache, rasters=rasters)

    @classmethod
    def sample(cls, *, use_cache: bool = True) -> LayerSet:
        """The embedded synthetic sample region (``gis_data/sample/layers.toml``); always synthetic."""
        ref = resources.files("gis_data").joinpath("sample", LAYERS_FILE)
        if not ref.is_file():
            raise MissingDataError(
                "the embedded sample layer set gis_data/sample/layers.toml is not installed; "
                "reinstall the package or pass --layers FILE_OR_DIR"
            )
        path = Path(str(ref))
        ls = cls.from_path(path, use_cache=use_cache)
        return cls(ls.specs, name=ls.name or "synthetic sample region", synthetic=True, rasters=ls.rasters,
                   source_path=ls.source_path, use_cache=use_cache)

    # ------------------------------------------------------------------ queries

    @property
    def roles(self) -> tuple[str, ...]:
        """Roles present, in the order of :data:`gis_data.canonical.ROLES`."""
        return tuple(r for r in ROLES if r in self.specs)

    @property
    def is_synthetic(self) -> bool:
        """True for the synthetic sample: outputs must be labelled "synthetic sample"."""
        return self.synthetic

    def has(self, role: str) -> bool:
        return role in self.specs or role in self.rasters

    def raster_path(self, role: str) -> Path:
        """The GeoTIFF of raster role ``role`` (``elevation``, ``exclusion_raster``, ...).

        Pass it to :func:`gis_data.elevation.sample_raster`. Raises
        :class:`MissingDataError` when the layer set has no such raster.
        """
        if role not in RASTER_ROLES:
            raise unknown_name("raster role", role, RASTER_ROLES)
        if role not in self.rasters:
            raise MissingDataError(f"layer set {self.source_path or ''} has no {role!r} raster (rasters present: "
                                   f"{', '.join(self.rasters) or 'none'}); add [layers.{role}] path=..., "
                                   f"format={RASTER_FORMAT!r}")
        path = self.rasters[role].paths[0]
        if not path.exists():
            raise MissingDataError(f"{role} raster {str(path)!r} does not exist; fix its path in "
                                   f"{self.source_path or 'the layer set'}")
        return path

    def raster_units(self, role: str) -> str:
        """Units the layer set states for raster role ``role`` (its ``units`` key), "" when not stated."""
        spec = self.rasters.get(role)
        return str(spec.options_dict().get("units", "")) if spec is not None else ""

    def spec(self, role: str) -> LayerSpec:
        if role not in self.specs:
            if role not in ROLES:
                raise unknown_name("layer role", role, ROLES)
            present = ", ".join(self.roles) or "none"
            where = f" {str(self.source_path)!r}" if self.source_path else ""
            raise MissingDataError(
                f"layer set{where} has no {role!r} layer (roles present: {present}); "
                f"add [layers.{role}] path=..., format=... to the layer set"
            )
        return self.specs[role]

    def load(self, role: str) -> pd.DataFrame:
        """The role's canonical frame (GeoDataFrame in EPSG:4326, or DataFrame for tables).

        Loaded once per layer set (memoised) and through the on-disk cache. The caller
        must not modify the returned frame in place (copy it first).
        """
        key = ("load", role)
        if key in self._memo:
            return self._memo[key]
        spec = self.spec(role)
        fmt = get_format(spec.format)
        frames = []
        for p in spec.paths:
            if not p.exists():
                raise MissingDataError(f"{role} layer file {str(p)!r} does not exist; fix its path in "
                                       f"{self.source_path or 'the layer set'}")
            frames.append(cache.cached_load(p, fmt.name, fmt.loader, spec.options_dict(), use_cache=self.use_cache))
        frame = frames[0] if len(frames) == 1 else _concat(frames, role)
        frame = self._repair_across_layers(role, frame)
        if self.synthetic:
            # The loader describes the real source whose schema the file imitates; say it is not that.
            src = frame.attrs.get("source", {})
            frame.attrs["source"] = {**src, "synthetic": True, "vintage": "synthetic",
                                     "name": f"synthetic sample in the schema of: {src.get('name', spec.format)}",
                                     "license": "synthetic data shipped with this project (BSD-3-Clause)",
                                     "attribution": "synthetic sample, not real infrastructure"}
        frame.attrs["format"] = fmt.name
        self._memo[key] = frame
        return frame

    def _repair_across_layers(self, role: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Repairs that need another role of the set; recorded in the frame's load report.

        Substations without a state (the Western Power Pool repackaging of HIFLD has none)
        get the state whose polygon holds them when the set has a ``states`` layer
        (:func:`gis_data.grid.fill_state_from_states`). Done after the on-disk cache, which
        keeps the loader's own output, so the cache key does not change.
        """
        if role != "substations" or "states" not in self.specs or not frame["state_abbr"].isna().any():
            return frame
        from gis_data.grid import STATE_FILLED, STATE_OUTSIDE, fill_state_from_states

        out, filled, outside = fill_state_from_states(frame, self.load("states"))
        report = LoadReport(**{k: (dict(v) if isinstance(v, dict) else v)
                               for k, v in frame.attrs.get("load_report", {}).items()})
        report.repair(STATE_FILLED, filled)
        report.repair(STATE_OUTSIDE, outside)
        out.attrs["load_report"] = report.to_dict()
        log.info("substations: state filled from the states layer for %d, %d outside every state", filled, outside)
        return out

    def projected(self, role: str, crs: str = CONUS_METRIC_CRS) -> gpd.GeoDataFrame:
        """The role's layer in a metric CRS (EPSG:5070 default), memoised, for distances and areas."""
        key = ("projected", role, crs)
        if key not in self._memo:
            frame = self.load(role)
            if not isinstance(frame, gpd.GeoDataFrame):
                raise DataError(f"{role} is a table without geometry; it cannot be projected")
            self._memo[key] = io.to_metric(frame, crs)
        return self._memo[key]

    def meta(self, role: str) -> dict:
        """What ``siting data list`` shows: format, files, rows, bbox, source metadata, load report."""
        spec = self.spec(role)
        frame = self.load(role)
        out = {
            "role": role,
            "format": spec.format,
            "paths": [str(p) for p in spec.paths],
            "rows": int(len(frame)),
            "bbox": None,
            "synthetic": self.synthetic,
            "source": dict(frame.attrs.get("source", {})),
            "load_report": dict(frame.attrs.get("load_report", {})),
        }
        if isinstance(frame, gpd.GeoDataFrame) and len(frame):
            out["bbox"] = [round(float(v), 4) for v in frame.total_bounds]
        return out

    # ------------------------------------------------------------------ writing

    def to_toml(self, base_dir: str | Path | None = None) -> str:
        """The layer set as TOML text; paths relative to ``base_dir`` where possible."""
        lines = []
        if self.name:
            lines.append(f"name = {_toml_str(self.name)}")
        lines.append(f"synthetic = {'true' if self.synthetic else 'false'}")
        for role in self.roles:
            spec = self.specs[role]
            paths = [_rel(p, base_dir) for p in spec.paths]
            lines += ["", f"[layers.{role}]"]
            fmt_desc = get_format(spec.format).description
            lines.append(f"# {fmt_desc}")
            value = _toml_str(paths[0]) if len(paths) == 1 else "[" + ", ".join(_toml_str(p) for p in paths) + "]"
            lines.append(f"path = {value}")
            lines.append(f"format = {_toml_str(spec.format)}")
            for alt in (a for a in self.alternatives if a.role == role):
                lines.append(f"# also found: {_rel(alt.path, base_dir)} (format {alt.format}): {alt.reason}")
            if spec.options:
                lines += [f"[layers.{role}.options]"]
                lines += [f"{k} = {_toml_value(v)}" for k, v in spec.options]
        for role, spec in self.rasters.items():
            lines += ["", f"[layers.{role}]", f"# {RASTER_ROLES[role]}",
                      f"path = {_toml_str(_rel(spec.paths[0], base_dir))}", f"format = {_toml_str(RASTER_FORMAT)}"]
            if spec.options_dict().get("units"):
                lines.append(f"units = {_toml_str(spec.options_dict()['units'])}")
        unplaced = [a for a in self.alternatives if a.role not in self.specs]
        for alt in unplaced:
            lines.append(f"# found but not used: {_rel(alt.path, base_dir)} ({alt.format}): {alt.reason}")
        return "\n".join(lines) + "\n"

    def write(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the layer set as TOML (paths relative to the file's folder where possible)."""
        path = Path(path).expanduser()
        if path.exists() and not overwrite:
            raise ConfigError(f"{str(path)!r} exists; pass overwrite=True (CLI: --overwrite) to replace it")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.to_toml(path.parent.resolve())
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        return path


def _concat(frames: list[pd.DataFrame], role: str) -> pd.DataFrame:
    """Concatenate frames of one format; merge their load reports; keep the first source.

    A feature present in two of the files (same attributes and geometry, ids aside) is kept
    once and counted as "exact duplicate feature across files".
    """
    out = pd.concat(frames, ignore_index=True)
    if isinstance(frames[0], gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry="geometry", crs=frames[0].crs)
    id_column = next(iter(ROLES[role].columns))
    across = LoadReport()
    out = io.drop_duplicates(out, across, subset=[c for c in out.columns if c != id_column]).reset_index(drop=True)
    merged = LoadReport()
    for f in frames:
        rep = f.attrs.get("load_report", {})
        merged.source_rows += rep.get("source_rows", 0)
        merged.kept_rows += rep.get("kept_rows", 0)
        for why, n in rep.get("dropped", {}).items():
            merged.drop(why, n)
        for why, n in rep.get("repaired", {}).items():
            merged.repair(why, n)
    n_across = across.dropped.get("exact duplicate feature", 0)
    merged.drop("exact duplicate feature across files", n_across)
    merged.kept_rows -= n_across
    out.attrs = {**frames[0].attrs, "load_report": merged.to_dict()}
    return out


def _rel(path: Path, base_dir) -> str:
    if base_dir is None:
        return str(path)
    try:
        return os.path.relpath(Path(path).resolve(), Path(base_dir).resolve())
    except ValueError:  # different drives on Windows
        return str(Path(path).resolve())


def _toml_str(s: str) -> str:
    return json.dumps(str(s), ensure_ascii=False)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return _toml_str(v)


# ---------------------------------------------------------------------- scanning


@dataclass(frozen=True)
class _Candidate:
    role: str
    format: str
    detail: int
    path: Path
    lon_span_deg: float


def _geoparquet_bounds(path: Path):
    """The GeoParquet ``geo`` metadata's bbox of the primary geometry column (None when absent).

    GeoParquet is read with pyarrow, not GDAL (whose Parquet driver may be missing)."""
    if io.inner_suffix(path) not in (".parquet", ".geoparquet") or io.compression(path) is not None:
        return None
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    geo = json.loads(meta.get(b"geo", b"{}") or b"{}")
    col = geo.get("columns", {}).get(geo.get("primary_column", "geometry"), {})
    if col.get("bbox"):
        return col["bbox"]
    return gpd.read_parquet(path, columns=[geo.get("primary_column", "geometry")]).total_bounds


def _lon_span(path: Path) -> float:
    """Longitude span of a vector file's extent [deg]; 0 for tables and unreadable files."""
    try:
        bounds = _geoparquet_bounds(path)
        if bounds is None:
            bounds = pyogrio.read_info(io.gdal_path(path), force_total_bounds=True).get("total_bounds")
    except Exception:  # noqa: BLE001 - tables (CSV, raw JSON) have no extent
        return 0.0
    try:
        span = float(bounds[2]) - float(bounds[0])
    except (TypeError, IndexError, ValueError):
        return 0.0
    return span if span == span else 0.0


def _scan_files(directory: Path):
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            p = Path(root) / name
            if name.startswith(".") or not p.is_file():  # a FIFO or a socket would block a reader; a dangling link
                continue
            if io.inner_suffix(p) in _SCAN_SUFFIXES or name.lower().endswith(".zip"):
                yield p


def scan_directory(directory: str | Path, *, use_cache: bool = True, progress: bool | None = None) -> LayerSet:
    """Recognise supported sources under ``directory`` by their schema and build a layer set.

    Parameters
    ----------
    directory : str or Path
        Folder searched recursively (hidden entries skipped).
    use_cache : bool
        Whether the returned layer set uses the on-disk cache.
    progress : bool, optional
        Show a progress bar over the files (default: only when stderr is a terminal).

    Returns
    -------
    LayerSet
        One format per role, chosen by national coverage, then ``detail``, then number of
        files (see the module docstring); the rest in :attr:`LayerSet.alternatives`.
    """
    directory = Path(directory).expanduser()
    if not directory.is_dir():
        raise MissingDataError(f"{str(directory)!r} is not a folder; give the folder holding the layer files")
    fmts = formats()
    candidates: list[_Candidate] = []
    files = list(_scan_files(directory))
    rasters, raster_alts = _scan_rasters(directory)
    show = sys.stderr.isatty() if progress is None else progress
    for path in tqdm(files, desc="scanning layers", unit="file", disable=not show):
        columns = io.peek_columns(path)
        if not columns:
            continue
        cols = [c.lower() for c in columns]
        hits = [f for f in fmts.values() if _safe_detect(f, path, cols)]
        if not hits:
            log.debug("no format recognises %s (fields %s)", path, cols[:12])
            continue
        span = _lon_span(path) if any(ROLES[f.role].geometry for f in hits) else 0.0
        for f in hits:
            candidates.append(_Candidate(f.role, f.name, f.detail, path, span))
    specs: dict[str, LayerSpec] = {}
    alternatives: list[Alternative] = []
    for role in ROLES:
        mine = [c for c in candidates if c.role == role]
        if not mine:
            continue
        by_format: dict[str, list[_Candidate]] = {}
        for c in mine:
            by_format.setdefault(c.format, []).append(c)

        def rank(item):
            name, cs = item
            national = max(c.lon_span_deg for c in cs) >= NATIONAL_LON_SPAN_DEG
            return (national, cs[0].detail, len(cs))

        best_name, best = max(by_format.items(), key=rank)
        specs[role] = LayerSpec(role, tuple(c.path for c in best), best_name)
        best_national = rank((best_name, best))[0]
        for name, cs in by_format.items():
            if name == best_name:
                continue
            national, detail, _ = rank((name, cs))
            why = ("regional extent; the chosen layer is national" if best_national and not national
                   else f"detail {detail} < {best[0].detail} of {best_name}")
            alternatives += [Alternative(role, c.path, name, why) for c in cs]
    alternatives += raster_alts
    if not specs and not rasters:
        raise MissingDataError(f"no supported layer found under {str(directory)!r}; supported formats: "
                               f"{', '.join(sorted(fmts))}")
    log.info("scan of %s: %d roles (%s)", directory, len(specs), ", ".join(specs))
    return LayerSet(specs, name=f"layers found in {directory.name}", alternatives=tuple(alternatives),
                    use_cache=use_cache, rasters=rasters)


def _scan_rasters(directory: Path) -> tuple[dict[str, LayerSpec], list[Alternative]]:
    """GeoTIFFs under ``directory``: one whose name says DEM/elevation becomes the ``elevation``
    raster; the others are listed for the user to give a raster role (their content does not say it)."""
    import rasterio

    rasters: dict[str, LayerSpec] = {}
    alts: list[Alternative] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith((".tif", ".tiff")):
                continue
            p = Path(root) / name
            try:
                with rasterio.open(p) as ds:
                    ok = ds.crs is not None
            except rasterio.errors.RasterioIOError:
                continue
            stem = name.lower()
            if ok and "elevation" not in rasters and ("dem" in stem or "elev" in stem):
                rasters["elevation"] = LayerSpec("elevation", (p,), RASTER_FORMAT)
            else:
                why = ("GeoTIFF without a CRS: give it one" if not ok else
                       "GeoTIFF: give it a raster role (" + ", ".join(RASTER_ROLES) + ") in the layer set")
                alts.append(Alternative("raster", p, RASTER_FORMAT, why))
    return rasters, alts


def _safe_detect(fmt, path: Path, columns: list[str]) -> bool:
    try:
        return bool(fmt.detect(path, columns))
    except Exception as exc:  # noqa: BLE001 - one bad detector must not stop the scan
        log.debug("detector of %s failed on %s: %s", fmt.name, path, exc)
        return False


def summarize(layers: LayerSet) -> list[dict]:
    """One row per role for ``siting data list``: role, format, rows, bbox, vintage, license, attribution.

    Loads every role (through the cache). ``bbox`` is ``[min lon, min lat, max lon, max lat]``
    [deg], ``None`` for tables.
    """
    rows = []
    for role in layers.roles:
        m = layers.meta(role)
        src = m["source"]
        rows.append({
            "role": role, "format": m["format"], "rows": m["rows"], "bbox": m["bbox"],
            "vintage": src.get("vintage", ""), "license": src.get("license", ""),
            "attribution": src.get("attribution", ""), "source": src.get("name", ""),
            "synthetic": layers.is_synthetic, "paths": m["paths"], "load_report": m["load_report"],
        })
    return rows


def describe_raster(path: str | Path) -> dict:
    """Resolution, CRS, size, nodata and bounds of a raster (rasterio), for ``siting data list``.

    ``resolution`` is ``[x, y]`` in CRS units (m for a projected CRS, deg for EPSG:4326);
    ``bounds`` is ``[left, bottom, right, top]`` in the raster's CRS and ``bbox_wgs84``
    the same box in lon/lat [deg].
    """
    import rasterio
    from rasterio.warp import transform_bounds

    path = Path(path)
    if not path.exists():
        raise MissingDataError(f"raster {str(path)!r} does not exist; fix its path in the layer set")
    with rasterio.open(path) as ds:
        crs = ds.crs
        bbox = [round(float(v), 6) for v in transform_bounds(crs, "EPSG:4326", *ds.bounds)] if crs else None
        return {"path": str(path), "crs": crs.to_string() if crs else None, "width": ds.width,
                "height": ds.height, "bands": ds.count, "dtype": ds.dtypes[0],
                "resolution": [float(ds.res[0]), float(ds.res[1])], "nodata": ds.nodata,
                "bounds": [float(v) for v in ds.bounds], "bbox_wgs84": bbox}


def open_layers(layers=None):
    """The layer set a command or function was given.

    Parameters
    ----------
    layers : LayerSet-like, str, Path or None
        An object with ``load``/``has`` (returned as is), ``None`` or ``"sample"`` for the
        embedded synthetic sample region, or a layer-set TOML file or a folder holding one.

    Returns
    -------
    LayerSet-like
    """
    if layers is not None and hasattr(layers, "load"):
        return layers
    if layers is None or str(layers) == "sample":
        return LayerSet.sample()
    return LayerSet.from_path(Path(layers))


class FrameLayers:
    """A minimal layer set over in-memory canonical frames: ``{role: frame}``.

    Implements the protocol the criteria need (``load``, ``has``) for tests, notebooks
    and callers that already hold GeoDataFrames in EPSG:4326.
    """

    def __init__(self, frames: Mapping[str, pd.DataFrame], *, synthetic: bool = False,
                 rasters: Mapping[str, tuple[str | Path, str]] | None = None):
        self._frames = dict(frames)
        self._rasters = {role: (Path(p), str(u)) for role, (p, u) in (rasters or {}).items()}
        self.is_synthetic = synthetic

    def has(self, role: str) -> bool:
        return role in self._frames or role in self._rasters

    def raster_path(self, role: str) -> Path:
        """GeoTIFF of a raster role given as ``rasters={role: (path, units)}``."""
        if role not in self._rasters:
            raise MissingDataError(f"no {role!r} raster; rasters present: {', '.join(sorted(self._rasters)) or 'none'}")
        return self._rasters[role][0]

    def raster_units(self, role: str) -> str:
        """Units stated for a raster role ("" when not stated)."""
        return self._rasters[role][1] if role in self._rasters else ""

    def load(self, role: str) -> pd.DataFrame:
        if role not in self._frames:
            raise MissingDataError(f"no {role!r} layer; roles present: {', '.join(sorted(self._frames)) or 'none'}")
        return self._frames[role]

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self._frames)
