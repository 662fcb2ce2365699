"""Low-level reading and cleaning helpers shared by every loader.

Reading: :func:`read_vector` (GeoJSON, GeoPackage, shapefile, GeoParquet; plain, ``.gz``
through GDAL's ``/vsigzip/`` and ``.zip`` through ``/vsizip/``), :func:`read_table`
(CSV, CSV.gz, Parquet, XLSX), :func:`read_json` (gz-aware) and :func:`peek_columns`
(field names without reading the rows, for schema detection).

Cleaning, each step counted in a :class:`~gis_data.canonical.LoadReport`:
:func:`to_wgs84` (assign or reproject to EPSG:4326, e.g. NAD83 -> WGS84),
:func:`clean_geometries` (drop missing/empty, repair invalid with ``shapely.make_valid``),
:func:`drop_duplicates` (exact duplicate features), :func:`clean_text` and
:func:`to_number` (source sentinels such as ``-999999`` and ``"NOT AVAILABLE"`` -> missing),
:func:`parse_volt_class` (HIFLD ``VOLT_CLASS`` strings -> kV and DC flag), and
:func:`finish` (attach metadata, check the canonical columns).

Multi-part lines are kept as ``MultiLineString`` (one row per source record, as HIFLD
publishes them), not exploded: distances and intersections work on multi-part
geometries directly, and exploding would break the one-row-per-line-id contract and
inflate counts. :func:`clean_geometries` keeps only the line parts of a repaired line.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS, ROLES, LoadReport, SourceMeta, check_canonical
from models.errors import CRSError, DataError, MissingDataError

log = logging.getLogger(__name__)

#: File suffixes read as vector layers (after stripping ``.gz``).
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".parquet", ".geoparquet", ".fgb")
#: File suffixes read as tables.
TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx")
#: Members of a zip archive tried, in this order, as the layer.
_ZIP_PREFERENCE = (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".parquet", ".csv")

#: Text values that sources use for "unknown"; compared upper-cased and stripped.
TEXT_SENTINELS = frozenset({"", "NOT AVAILABLE", "N/A", "NA", "NONE", "NULL", "UNKNOWN", "-999999", "-999999.0", "NAN"})
#: Numeric values that HIFLD uses for "unknown".
NUMBER_SENTINELS = (-999999.0, -99999.0, -9999.0)


# --------------------------------------------------------------------------- paths


def _check_exists(path: Path) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise MissingDataError(f"layer file {str(path)!r} does not exist; check the path in the layer set")
    return path


def compression(path: str | Path) -> str | None:
    """``"gz"``, ``"zip"`` or ``None`` from the file name."""
    name = str(path).lower()
    if name.endswith(".gz"):
        return "gz"
    if name.endswith(".zip"):
        return "zip"
    return None


def inner_suffix(path: str | Path) -> str:
    """The data suffix of a file, ignoring ``.gz`` (``a.geojson.gz`` -> ``.geojson``)."""
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def zip_member(path: str | Path, member: str | None = None, suffixes: Iterable[str] = _ZIP_PREFERENCE) -> str:
    """The member of zip archive ``path`` holding the layer.

    Parameters
    ----------
    path : str or Path
        Zip archive.
    member : str, optional
        Member name; checked to exist when given.
    suffixes : iterable of str
        Suffixes tried in order when ``member`` is not given.

    Returns
    -------
    str
        Member name inside the archive.
    """
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    if member is not None:
        if member not in names:
            raise MissingDataError(f"zip {str(path)!r} has no member {member!r}; it holds {names}")
        return member
    for suffix in suffixes:
        hits = [n for n in names if n.lower().endswith(suffix)]
        if hits:
            return sorted(hits)[0]
    raise DataError(f"zip {str(path)!r} holds no readable layer (looked for {list(suffixes)}); it holds {names}")


def gdal_path(path: str | Path, member: str | None = None) -> str:
    """GDAL virtual path for plain, ``.gz`` or ``.zip`` files (``/vsigzip/``, ``/vsizip/``)."""
    path = _check_exists(Path(path)).resolve()
    kind = compression(path)
    if kind == "gz":
        return f"/vsigzip/{path}"
    if kind == "zip":
        return f"/vsizip/{path}/{zip_member(path, member, _ZIP_PREFERENCE[:-1])}"
    return str(path)


def open_text(path: str | Path, member: str | None = None):
    """Open a plain, gzipped or zipped text file for reading (UTF-8)."""
    path = _check_exists(Path(path))
    kind = compression(path)
    if kind == "gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if kind == "zip":
        zf = zipfile.ZipFile(path)
        import io as _io

        return _io.TextIOWrapper(zf.open(zip_member(path, member)), encoding="utf-8")
    return open(path, encoding="utf-8")


# --------------------------------------------------------------------------- reading


def read_json(path: str | Path, member: str | None = None):
    """Parse a (possibly gzipped or zipped) JSON file."""
    with open_text(path, member) as fh:
        try:
            return json.load(fh)
        except json.JSONDecodeError as exc:
            raise DataError(f"{str(path)!r} is not valid JSON ({exc}); re-download or check the format") from None


def read_vector(path: str | Path, *, member: str | None = None, columns: list[str] | None = None) -> gpd.GeoDataFrame:
    """Read a vector layer as it is stored (no CRS change, no cleaning).

    Parameters
    ----------
    path : str or Path
        GeoJSON/GeoPackage/shapefile/FlatGeobuf, optionally ``.gz`` or inside a ``.zip``;
        or (Geo)Parquet.
    member : str, optional
        Member of a zip archive (default: the first GeoPackage, GeoJSON or shapefile).
    columns : list of str, optional
        Attribute columns to read (default all).

    Returns
    -------
    geopandas.GeoDataFrame
        With the CRS the file declares (``None`` if it declares none).
    """
    path = _check_exists(Path(path))
    if inner_suffix(path) in (".parquet", ".geoparquet") and compression(path) is None:
        return gpd.read_parquet(path, columns=None if columns is None else [*columns, "geometry"])
    src = gdal_path(path, member)
    try:
        return pyogrio.read_dataframe(src, columns=columns, use_arrow=True)
    except pyogrio.errors.DataSourceError as exc:
        raise DataError(f"cannot read {str(path)!r} as a vector layer: {exc}") from None


def read_table(path: str | Path, *, member: str | None = None, **kwargs) -> pd.DataFrame:
    """Read a CSV (plain, ``.gz`` or in a ``.zip``), Parquet or XLSX table.

    Extra keyword arguments go to the pandas reader.
    """
    path = _check_exists(Path(path))
    suffix = inner_suffix(path)
    kind = compression(path)
    if kind == "zip":
        with zipfile.ZipFile(path) as zf, zf.open(zip_member(path, member, (".csv",))) as fh:
            return pd.read_csv(fh, **kwargs)
    if suffix == ".parquet":
        return pd.read_parquet(path, **kwargs)
    if suffix == ".xlsx":
        return pd.read_excel(path, **kwargs)
    return pd.read_csv(path, **kwargs)


def peek_columns(path: str | Path) -> list[str]:
    """Lower-cased field names of a file, read without loading its rows.

    Vector layers give their attribute fields; CSVs their header; JSON that is not
    GeoJSON gives its top-level keys plus the keys of the first item of each top-level
    list of objects (so raw Overpass JSON gives ``elements``, ``lat``, ``tags``...).
    Returns ``[]`` for files that cannot be read.
    """
    path = Path(path)
    suffix = inner_suffix(path)
    try:
        if suffix == ".csv" or (compression(path) == "zip" and _zip_has_only_csv(path)):
            with open_text(path) as fh:
                return [str(c).strip().lower() for c in pd.read_csv(fh, nrows=0).columns]
        if suffix == ".json" or suffix == ".geojson":
            with open_text(path) as fh:
                head = fh.read(4096)
            if '"FeatureCollection"' not in head and '"Feature"' not in head:
                data = read_json(path)
                return _json_keys(data)
        if suffix in (".parquet", ".geoparquet") and compression(path) is None:
            import pyarrow.parquet as pq

            return [c.lower() for c in pq.read_schema(path).names]
        if suffix in VECTOR_SUFFIXES or compression(path) == "zip":
            info = pyogrio.read_info(gdal_path(path))
            return [str(f).lower() for f in info["fields"]]
    except (OSError, ValueError, DataError, MissingDataError, zipfile.BadZipFile, pyogrio.errors.DataSourceError,
            UnicodeDecodeError) as exc:
        log.debug("cannot peek at %s: %s", path, exc)
    return []


def _zip_has_only_csv(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        names = [n.lower() for n in zf.namelist()]
    return any(n.endswith(".csv") for n in names) and not any(n.endswith(_ZIP_PREFERENCE[:-1]) for n in names)


def _json_keys(data) -> list[str]:
    if not isinstance(data, dict):
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return [str(k).lower() for k in data[0]]
        return []
    keys = [str(k).lower() for k in data]
    for value in data.values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            keys += [str(k).lower() for k in value[0] if str(k).lower() not in keys]
    return keys


# --------------------------------------------------------------------------- CRS


def to_wgs84(frame: gpd.GeoDataFrame, report: LoadReport, *, assume: str = GEOGRAPHIC_CRS) -> gpd.GeoDataFrame:
    """Return ``frame`` in EPSG:4326, reprojecting (e.g. NAD83 -> WGS84) and saying so.

    A frame with no CRS is taken to be in ``assume`` (GeoJSON's default is WGS84 lon/lat)
    after checking its coordinates fit that CRS's lon/lat range.
    """
    if frame.crs is None:
        if len(frame) and not frame.geometry.is_empty.all() and assume == GEOGRAPHIC_CRS:
            minx, miny, maxx, maxy = frame.total_bounds
            if minx < -180.5 or maxx > 180.5 or miny < -90.5 or maxy > 90.5:
                raise CRSError(
                    f"layer has no CRS and coordinates {frame.total_bounds.round(1).tolist()} are not lon/lat; "
                    "give the file a CRS (e.g. write it with one) or convert it to EPSG:4326"
                )
        frame = frame.set_crs(assume)
        if assume == GEOGRAPHIC_CRS:
            return frame
    epsg = frame.crs.to_epsg()
    if epsg == 4326 or frame.crs.equals("OGC:CRS84"):
        return frame.set_crs(GEOGRAPHIC_CRS, allow_override=True) if epsg != 4326 else frame
    name = frame.crs.to_string()
    out = frame.to_crs(GEOGRAPHIC_CRS)
    report.repair(f"reprojected from {name} to EPSG:4326", len(out))
    return out


def to_metric(frame: gpd.GeoDataFrame, crs: str = CONUS_METRIC_CRS) -> gpd.GeoDataFrame:
    """Project a layer to the metric CRS used for distances and areas (EPSG:5070 default)."""
    if frame.crs is None:
        raise CRSError("layer has no CRS; loaders return EPSG:4326, so load it through a loader first")
    return frame.to_crs(crs)


def require_projected(frame: gpd.GeoDataFrame, what: str = "layer") -> None:
    """Raise :class:`CRSError` unless ``frame`` is in a projected (metric) CRS."""
    if frame.crs is None or not frame.crs.is_projected:
        raise CRSError(
            f"{what} is in {frame.crs}, a geographic or missing CRS; distances and areas need a projected CRS: "
            f"call gis_data.io.to_metric(frame) (EPSG:5070) first"
        )


# --------------------------------------------------------------------------- cleaning


def _line_parts(geom):
    """Line parts of a geometry (after make_valid a line can become a collection)."""
    if geom is None:
        return None
    if geom.geom_type in ("LineString", "MultiLineString"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("LineString", "MultiLineString")]
    flat = []
    for p in parts:
        flat.extend(p.geoms if p.geom_type == "MultiLineString" else [p])
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else shapely.MultiLineString(flat)


def clean_geometries(frame: gpd.GeoDataFrame, report: LoadReport, *, kind: str | None = None) -> gpd.GeoDataFrame:
    """Drop missing/empty geometries and repair invalid ones, counting both.

    Parameters
    ----------
    frame : GeoDataFrame
        Layer as read.
    report : LoadReport
        Receives the counts (``dropped`` and ``repaired``).
    kind : {"point", "line", "polygon"}, optional
        Expected geometry kind; rows of another kind are dropped (counted), and a repaired
        geometry keeps only the parts of this kind (``make_valid`` of a bow-tie polygon
        or a self-touching line may return a collection).

    Returns
    -------
    GeoDataFrame
        A new frame; the input is not modified.
    """
    geom = frame.geometry
    missing = geom.isna().to_numpy() | shapely.is_empty(geom.array).astype(bool)
    report.drop("missing or empty geometry", int(missing.sum()))
    out = frame.loc[~missing].copy()
    arr = out.geometry.array
    invalid = ~shapely.is_valid(np.asarray(arr))
    if invalid.any():
        fixed = shapely.make_valid(np.asarray(arr)[invalid])
        if kind == "line":
            fixed = np.array([_line_parts(g) for g in fixed], dtype=object)
        elif kind == "polygon":
            fixed = np.array([_polygon_parts(g) for g in fixed], dtype=object)
        vals = np.asarray(arr).copy()
        vals[invalid] = fixed
        out = out.set_geometry(gpd.GeoSeries(vals, index=out.index, crs=out.crs))
        still = out.geometry.isna().to_numpy() | shapely.is_empty(np.asarray(out.geometry.array)).astype(bool)
        report.repair("invalid geometry repaired with shapely.make_valid", int(invalid.sum() - still.sum()))
        report.drop("invalid geometry that could not be repaired", int(still.sum()))
        out = out.loc[~still]
    if kind is not None:
        allowed = {"point": ("Point", "MultiPoint"), "line": ("LineString", "MultiLineString"),
                   "polygon": ("Polygon", "MultiPolygon", "GeometryCollection")}[kind]
        ok = out.geometry.geom_type.isin(allowed).to_numpy()
        report.drop(f"geometry not a {kind}", int((~ok).sum()))
        out = out.loc[ok]
    return out


def _polygon_parts(geom):
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else None


def drop_duplicates(frame: pd.DataFrame, report: LoadReport, subset: list[str] | None = None) -> pd.DataFrame:
    """Drop exact duplicate features (same attributes in ``subset`` and same geometry), counted.

    Geometries are compared by their WKB, so only byte-identical duplicates go.
    """
    cols = [c for c in (subset if subset is not None else frame.columns) if c in frame.columns and c != "geometry"]
    key = frame[cols].astype("string").fillna("<NA>") if cols else pd.DataFrame(index=frame.index)
    if isinstance(frame, gpd.GeoDataFrame):
        key = key.assign(__wkb=shapely.to_wkb(np.asarray(frame.geometry.array), hex=True))
    dup = key.duplicated().to_numpy()
    report.drop("exact duplicate feature", int(dup.sum()))
    return frame.loc[~dup]


def clean_text(values, *, sentinels: Iterable[str] = TEXT_SENTINELS) -> pd.Series:
    """Strip text and turn the source's "unknown" values into missing; returns dtype ``str``."""
    s = pd.Series(values).astype("string").str.strip()
    sentinel_set = {v.upper() for v in sentinels}
    s = s.mask(s.str.upper().isin(sentinel_set))
    return s.astype("str")


def to_number(values, *, sentinels: Iterable[float] = NUMBER_SENTINELS) -> pd.Series:
    """Numbers from text or numbers; sentinels (``-999999``), blanks and junk -> NaN (float)."""
    s = pd.to_numeric(pd.Series(values).replace("", np.nan), errors="coerce").astype("float64")
    return s.mask(s.isin(list(sentinels)))


_CLASS_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")
_CLASS_NUM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:KV)?\s*(?:AND ABOVE)?\s*$")


def parse_volt_class(values) -> tuple[pd.Series, pd.Series]:
    """HIFLD ``VOLT_CLASS`` strings -> (lower-bound kV, is-DC flag).

    ``"345"`` -> 345; ``"735 AND ABOVE"`` -> 735 (the class floor); ``"100-161"`` -> NaN
    (a range is not a voltage: use ``VOLTAGE`` or leave unknown); ``"UNDER 100"`` -> NaN;
    ``"DC"`` -> NaN with ``is_dc`` True; ``"NOT AVAILABLE"`` -> NaN.

    Parameters
    ----------
    values : array-like of str
        VOLT_CLASS values.

    Returns
    -------
    kv : Series of float
        Voltage implied by a single-value class [kV], NaN otherwise.
    is_dc : Series of bool
        True where the class is ``DC``.
    """
    s = pd.Series(values).astype("string").str.strip().str.upper().fillna("")
    is_dc = s.eq("DC") | s.str.contains(r"\bDC\b", regex=True)
    kv = pd.to_numeric(s.str.extract(_CLASS_NUM, expand=False), errors="coerce").astype("float64")
    kv = kv.mask(is_dc)
    return kv, is_dc.astype(bool)


def volt_class_bounds(values) -> tuple[pd.Series, pd.Series]:
    """HIFLD ``VOLT_CLASS`` -> (min kV, max kV) of the class, NaN where unknown or DC.

    ``"100-161"`` -> (100, 161); ``"UNDER 100"`` -> (0, 100); ``"345"`` -> (345, 345);
    ``"735 AND ABOVE"`` -> (735, inf).
    """
    s = pd.Series(values).astype("string").str.strip().str.upper().fillna("")
    rng = s.str.extract(_CLASS_RANGE)
    lo = pd.to_numeric(rng[0], errors="coerce").astype("float64")
    hi = pd.to_numeric(rng[1], errors="coerce").astype("float64")
    single, _ = parse_volt_class(s)
    above = s.str.contains("AND ABOVE")
    under = pd.to_numeric(s.str.extract(r"^UNDER\s+(\d+)", expand=False), errors="coerce").astype("float64")
    lo = lo.fillna(single).fillna(under.where(under.isna(), 0.0))
    hi = hi.fillna(single.mask(above, np.inf)).fillna(under)
    return lo, hi


# --------------------------------------------------------------------------- finishing


def finish(frame: pd.DataFrame, role: str, source: SourceMeta, report: LoadReport, *,
           extra: Iterable[str] = ()) -> pd.DataFrame:
    """Order canonical columns first, attach ``source`` and ``load_report``, check the contract.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        Cleaned layer with the canonical columns of ``role``.
    role : str
        Layer role (a key of :data:`gis_data.canonical.ROLES`).
    source : SourceMeta
        Where the data came from.
    report : LoadReport
        What the loader did; ``kept_rows`` is set here.
    extra : iterable of str
        Further columns to keep after the canonical ones (others are dropped).
    """
    spec = ROLES[role]
    cols = list(spec.columns) + [c for c in extra if c in frame.columns and c not in spec.columns]
    if spec.geometry is not None:
        cols.append(frame.geometry.name)
    out = frame[cols].reset_index(drop=True)
    for col, dtype in spec.columns.items():
        if dtype == "float":
            out[col] = out[col].astype("float64")
        elif dtype == "bool":
            out[col] = out[col].fillna(False).astype(bool)
        elif dtype == "str":
            out[col] = out[col].astype("str")
    if spec.geometry is not None and out.geometry.name != "geometry":
        out = out.rename_geometry("geometry")
    report.kept_rows = len(out)
    out.attrs["source"] = source.to_dict()
    out.attrs["load_report"] = report.to_dict()
    out.attrs["role"] = role
    check_canonical(out, role)
    log.info("%s (%s): %s", source.name, role, report.summary())
    return out


def read_clean(path: str | Path, report: LoadReport, *, kind: str, member: str | None = None,
               dedupe: bool = True) -> gpd.GeoDataFrame:
    """Read a vector file, bring it to EPSG:4326, clean geometries and drop duplicates.

    The usual first half of a vector loader; ``report.source_rows`` is set here.
    """
    raw = read_vector(path, member=member)
    report.source_rows = len(raw)
    frame = to_wgs84(raw, report)
    frame = clean_geometries(frame, report, kind=kind)
    if dedupe:
        frame = drop_duplicates(frame, report)
    return frame


def require_columns(frame: pd.DataFrame, names: Iterable[str], path, format_name: str) -> None:
    """Raise :class:`DataError` if ``frame`` (lower-cased columns) lacks any of ``names``.

    The message names the file, the format, what is missing and what the file has, so a
    user who picked the wrong ``format`` in a layer set sees why.
    """
    cols = {str(c).lower() for c in frame.columns}
    missing = [n for n in names if n.lower() not in cols]
    if missing:
        raise DataError(
            f"{str(path)!r} does not look like format {format_name!r}: it lacks field(s) {missing}; "
            f"it has {sorted(cols - {'geometry'})[:30]}. Pick the right format (`siting data scan` detects it)"
        )


def never_detect(path, columns) -> bool:
    """Detector of alias formats: an alias is looked up by name only, never recognised by schema."""
    return False


def lower_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with lower-cased column names (the geometry column keeps its name)."""
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return frame.rename(columns={c: c.lower() for c in frame.columns if c != geom})
