"""Site tables on disk: read a candidate table, write a scored one.

Library code (the CLI, the demo and notebooks call it).

Reading (:func:`read_sites`) goes by the file's *content*, sniffed from its first bytes
(:func:`gis_data.io.sniff_file`), not only by its extension: a ``.csv`` that holds Parquet
is read as Parquet (and a warning says so), a ``.gpkg`` or ``.parquet`` that holds text is
read as CSV, an empty, binary, truncated or non-UTF-8 file is a
:class:`~siting.errors.DataError` naming the file, what it holds and the fix. CSV text may
be UTF-8 (with or without a byte-order mark) or UTF-16/32 with one, comma, semicolon,
tab or pipe separated (a semicolon file with decimal commas is read as such). A row with
more or fewer fields than the header is never shifted or dropped: it stays in the table,
at its place, with its line number and the reason in the reserved column
:data:`siting.schema.INPUT_ERROR_COLUMN`, which :func:`siting.schema.coerce_input_table`
moves into ``error``. A CSV with a WKT ``geometry`` (or ``wkt``) column and no coordinate
columns is read as geometries.

Writing (:func:`write_table`) goes to a temporary name renamed into place
(:func:`gis_data.outputs.atomic_path`), so an interrupted write never leaves a truncated
file under the final name, and GeoParquet and CSV output is byte-for-byte reproducible.
"""

from __future__ import annotations

import csv
import io as _io
import json
import logging
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.io import CONTENT_KINDS, decode_text, looks_utf16, sniff_file, text_encoding
from gis_data.outputs import atomic_path
from siting.errors import ConfigError, DataError, MissingDataError
from siting.schema import INPUT_ERROR_COLUMN, clean_name

log = logging.getLogger(__name__)

#: Extensions a candidate-site table usually has (the content decides how it is read).
INPUT_SUFFIXES = (".csv", ".txt", ".tsv", ".geojson", ".json", ".gpkg", ".parquet", ".geoparquet", ".xlsx", ".fgb",
                  ".shp", ".zip", ".gz")
#: Extensions a scored table may be written as.
OUTPUT_SUFFIXES = (".gpkg", ".parquet", ".csv")
#: What each extension should hold (a content that differs is read as what it is, with a warning).
_EXPECTED_KIND = {".csv": "text", ".txt": "text", ".tsv": "text", ".geojson": "json", ".json": "json",
                  ".gpkg": "sqlite", ".parquet": "parquet", ".geoparquet": "parquet", ".xlsx": "zip",
                  ".fgb": "flatgeobuf", ".shp": "shapefile", ".zip": "zip", ".gz": "gzip"}
_KIND_TEXT = {**CONTENT_KINDS, "text": "CSV text", "ole": "a legacy Excel .xls workbook"}
#: Column names read as text (identifiers keep their leading zeros).
_TEXT_COLUMNS = ("site_id", "name")
#: Names of a WKT geometry column in a CSV.
_WKT_COLUMNS = ("geometry", "wkt", "geom", "the_geom")
_DELIMITERS = (",", ";", "\t", "|")
_EXPECTED = ("expected a site table: CSV (lat, lon and optional site_id, name, it_load_mw), GeoJSON, GeoPackage, "
             "GeoParquet/Parquet, FlatGeobuf, a zipped shapefile or an .xlsx workbook")


def read_sites(path: str | Path) -> pd.DataFrame:
    """Read a site table, choosing the reader by the file's content.

    Parameters
    ----------
    path : str or Path
        CSV (any of , ; tab |), GeoJSON or plain JSON records, GeoPackage, (Geo)Parquet,
        FlatGeobuf, shapefile (or a zip holding one), XLSX, or a gzip of CSV/GeoJSON.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        One row per input row, in file order. Rows a CSV could not split into the header's
        fields hold the reason (with the line number) in
        :data:`~siting.schema.INPUT_ERROR_COLUMN`.

    Raises
    ------
    MissingDataError
        The path does not exist.
    ConfigError
        The path is a folder or not a regular file.
    DataError
        The file is empty, binary, truncated, not UTF-8, or not a table.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise MissingDataError(f"site table {str(path)!r} does not exist; give a .csv, .geojson, .gpkg or .parquet file")
    if path.is_dir():
        shp = sorted(path.glob("*.shp"))
        hint = f" (it holds the shapefile {shp[0].name!r}: give that file)" if shp else ""
        raise ConfigError(f"site table {str(path)!r} is a folder{hint}; give the path of a table file")
    if not path.is_file():
        raise ConfigError(f"site table {str(path)!r} is not a regular file; give the path of a table file")
    kind = sniff_file(path)
    name = f"site table {str(path)!r}"
    suffix = path.suffix.lower()
    expected = _EXPECTED_KIND.get(suffix)
    if expected is not None and kind != expected and not (expected == "text" and kind == "json") \
            and not (expected == "json" and kind == "text") and kind not in ("empty", "binary", "ole", "pdf", "image"):
        log.warning("%s is named %s but holds %s; read as %s", name, suffix, _KIND_TEXT.get(kind, kind),
                    _KIND_TEXT.get(kind, kind))
    if kind == "empty":
        raise DataError(f"{name} is empty (0 bytes); {_EXPECTED}")
    if kind in ("pdf", "image"):
        raise DataError(f"{name} is {_KIND_TEXT[kind]}, not a table; {_EXPECTED}. Check the path")
    if kind == "binary":
        with open(path, "rb") as fh:
            head = fh.read(2000)
        if looks_utf16(head):
            raise DataError(f"{name} looks like UTF-16 text without a byte-order mark; re-save it as UTF-8 (or as "
                            "UTF-16 with a byte-order mark, what Excel's 'Unicode text' writes)")
        head = head[:8]
        raise DataError(f"{name} holds binary data of an unknown format (first bytes {head!r}), not a table; "
                        f"{_EXPECTED}. Check the path")
    if kind == "ole":
        raise DataError(f"{name} is a legacy Excel .xls workbook; save it as .xlsx or CSV and give that file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if kind == "parquet":
            frame = _read_parquet(path, name)
        elif kind in ("sqlite", "flatgeobuf", "shapefile"):
            frame = _read_ogr(str(path), path, name, kind)
        elif kind == "zip":
            frame = _read_zip(path, name)
        elif kind == "gzip":
            frame = _read_gzip(path, name)
        elif kind == "json":
            frame = _read_json(path, name)
        else:
            frame = _read_csv(path, name)
    for w in caught:
        log.info("%s: %s", path.name, w.message)
    return frame


# --------------------------------------------------------------------------- readers by content


def _read_parquet(path: Path, name: str) -> pd.DataFrame:
    try:
        return gpd.read_parquet(path)
    except (ValueError, TypeError, KeyError, OSError) as first:  # no geo metadata, or not a readable Parquet
        try:
            frame = pd.read_parquet(path)  # plain Parquet with lat/lon columns
        except (ValueError, TypeError, KeyError, OSError) as exc:  # pyarrow.ArrowInvalid is a ValueError
            raise DataError(f"{name} starts like Parquet but cannot be read ({exc}); it may be truncated or "
                            "corrupt: write it again") from None
        if "geometry" in frame.columns and "geo" in str(first).lower():
            log.info("%s: Parquet without GeoParquet metadata; its 'geometry' column is kept as data", name)
        return frame


def _ogr_layer(src: str) -> str | None:
    import pyogrio

    layers = pyogrio.list_layers(src)
    if len(layers) <= 1:
        return None
    # QGIS's style table (and other tables without geometry next to a geometry layer) is not a second layer of sites
    names = [str(n) for n, _ in layers if str(n) != "layer_styles"]
    pick = "sites" if "sites" in names else next((str(n) for n, g in layers if g is not None), names[0])
    if len(names) > 1:
        log.warning("%s holds %d layers (%s); reading %r", src, len(names), ", ".join(names), pick)
    return pick


def _read_ogr(src: str, path: Path, name: str, kind: str) -> pd.DataFrame:
    import pyogrio

    try:
        layer = _ogr_layer(src)
        return pyogrio.read_dataframe(src, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.GeometryError,
            pyogrio.errors.FieldError, pyogrio.errors.CRSError, OSError, ValueError) as exc:
        raise DataError(f"{name} holds {_KIND_TEXT.get(kind, kind)} that cannot be read as a table of sites ({exc}); "
                        f"it may be truncated or corrupt; {_EXPECTED}") from None


def _read_zip(path: Path, name: str) -> pd.DataFrame:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise DataError(f"{name} starts like a zip archive but is not a readable one ({exc}); it may be truncated") from None
    if "xl/workbook.xml" in names:
        try:
            return pd.read_excel(path, sheet_name=0, dtype={c: str for c in _TEXT_COLUMNS})
        except (ValueError, KeyError, OSError, zipfile.BadZipFile, TypeError) as exc:
            raise DataError(f"{name} is an .xlsx workbook that cannot be read ({exc}); save it again or as CSV") from None
    for suffix in (".gpkg", ".geojson", ".json", ".shp", ".fgb"):
        hits = sorted(n for n in names if n.lower().endswith(suffix))
        if hits:
            return _read_ogr(f"/vsizip/{path.resolve()}/{hits[0]}", path, name, "zip")
    hits = sorted(n for n in names if n.lower().endswith((".csv", ".txt", ".tsv")))
    if hits:
        with zipfile.ZipFile(path) as zf:
            data = zf.read(hits[0])
        return _csv_from_bytes(data, f"{name} (member {hits[0]!r})")
    raise DataError(f"{name} is a zip archive without a site table inside (it holds {names[:10]}); {_EXPECTED}")


def _read_gzip(path: Path, name: str) -> pd.DataFrame:
    import gzip

    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"{name} starts like gzip but cannot be decompressed ({exc}); it may be truncated") from None
    stripped = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return _read_ogr(f"/vsigzip/{path.resolve()}", path, name, "json")
    return _csv_from_bytes(data, name)


def _read_json(path: Path, name: str) -> pd.DataFrame:
    import pyogrio

    try:  # the GeoJSON driver by name: GDAL would pick the CSV driver for JSON in a file named .csv
        return pyogrio.read_dataframe(f"GeoJSON:{path}")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.GeometryError,
            pyogrio.errors.FieldError, pyogrio.errors.CRSError, OSError, ValueError) as ogr_exc:
        reason = str(ogr_exc)
    try:  # plain JSON records: [{"lat": .., "lon": ..}, ...] or {"sites": [...]}
        doc = json.loads(decode_text(path.read_bytes(), name=name))
    except json.JSONDecodeError as exc:
        raise DataError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} (is it "
                        f"truncated?); GDAL said: {reason}. Write the file again") from None
    except RecursionError:
        raise DataError(f"{name} nests JSON too deeply to be a site table") from None
    if isinstance(doc, dict) and doc.get("type") in ("FeatureCollection", "Feature"):
        # GeoJSON GDAL could not open (e.g. UTF-16 text): read the parsed features
        feats = doc.get("features") if doc["type"] == "FeatureCollection" else [doc]
        if not isinstance(feats, list) or not all(isinstance(f, dict) for f in feats):
            raise DataError(f"{name} is a GeoJSON FeatureCollection whose 'features' is not a list of features")
        try:
            return gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise DataError(f"{name} holds GeoJSON features that cannot be read ({exc}); GDAL said: {reason}") from None
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        doc = lists[0] if len(lists) == 1 else doc
    if isinstance(doc, list) and doc and all(isinstance(r, dict) for r in doc):
        return pd.DataFrame.from_records(doc)
    raise DataError(f"{name} is JSON but neither GeoJSON ({reason}) nor a list of records with lat/lon; {_EXPECTED}")


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    return _csv_from_bytes(path.read_bytes(), name)


def _sniff_delimiter(sample: str) -> str:
    lines = [ln for ln in sample.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    header = lines[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    if counts[","] and (counts[";"] <= counts[","] or not counts[";"]) and counts["\t"] <= counts[","]:
        return ","
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_from_bytes(data: bytes, name: str) -> pd.DataFrame:
    """A CSV's rows from its bytes: encoding detected, delimiter sniffed, ragged rows kept as errors."""
    text = decode_text(data, name=name)
    if not text.strip():
        raise DataError(f"{name} holds only blank lines: no header and no rows; {_EXPECTED}")
    if text.lstrip()[:15].lower().startswith(("<!doctype html", "<html", "<?xml")):
        raise DataError(f"{name} is an HTML/XML page, not a table (a download that saved an error or login page?); "
                        f"{_EXPECTED}")
    sep = _sniff_delimiter(text[:65536])
    decimal = "," if sep == ";" and re.search(r"(?:^|;)\s*-?\d+,\d+\s*(?:;|$)", text[:65536], re.M) else "."
    head_lines = text[:65536].splitlines()
    first = head_lines[0] if head_lines else ""
    try:
        header = next(csv.reader(_io.StringIO(first, newline=""), delimiter=sep), [])
    except csv.Error:
        header = first.split(sep)
    dtypes = {c: str for c in header if clean_name(c) in _TEXT_COLUMNS}
    kwargs = dict(sep=sep, decimal=decimal, dtype=dtypes, index_col=False)
    codec = text_encoding(data[:4])
    utf8 = codec in (None, "utf-8-sig")
    if not _has_ragged_rows(data if utf8 else text.encode("utf-8"), sep, len(header)):
        try:  # the bytes themselves: faster than a decoded copy (the decoding was checked above)
            frame = pd.read_csv(_io.BytesIO(data), encoding=codec or "utf-8", **kwargs)
            return _wkt_geometry(frame, name)
        except pd.errors.ParserError as exc:
            log.debug("%s: fast CSV parse failed (%s); splitting row by row", name, exc)
        except pd.errors.EmptyDataError:
            raise DataError(f"{name} has no header line; {_EXPECTED}") from None
    return _wkt_geometry(_csv_row_by_row(text, name, sep, kwargs), name)


def _has_ragged_rows(data: bytes, sep: str, n_fields: int) -> bool:
    """True when some record has another number of fields than the header (pyarrow's C++ parser; fast)."""
    if n_fields == 0:
        return True
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad = []

    def handler(row) -> str:
        bad.append(row)
        return "skip"

    cols = [f"c{i}" for i in range(n_fields)]
    try:
        pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=cols, skip_rows=1, block_size=1 << 24, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in cols}, include_columns=cols[:1]),
        )
    except (pa.ArrowInvalid, pa.ArrowException, ValueError) as exc:
        log.debug("pyarrow could not check the CSV rows (%s)", exc)
        return True
    return bool(bad)


def _csv_row_by_row(text: str, name: str, sep: str, kwargs: dict) -> pd.DataFrame:
    """Split a CSV record by record: rows with the header's field count are parsed by pandas
    (same types as a clean file), the others kept in place as error rows with their line."""
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise DataError(f"{name} has no readable header line ({exc}); {_EXPECTED}") from None
    n = len(header)
    good_buf = _io.StringIO()
    writer = csv.writer(good_buf, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    order: list[tuple[bool, str]] = []  # (is good, error message) per record, in file order
    line_start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            order.append((False, f"line {line_start}: cannot be split into fields ({exc}); fix or quote that line"))
            line_start = reader.line_num + 1
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            line_start = reader.line_num + 1
            continue  # a blank line is not a row (pandas skips it too)
        if len(row) == n:
            writer.writerow(row)
            order.append((True, ""))
        else:
            raw = sep.join(row)
            raw = raw if len(raw) <= 120 else raw[:117] + "..."
            where = f"line {line_start}" if reader.line_num == line_start else f"lines {line_start}-{reader.line_num}"
            order.append((False, f"{where} has {len(row)} field(s) but the header has {n} ({raw!r}): an unquoted "
                                 f"'{sep}' inside a value or a missing value; the row was not read, fix that line"))
        line_start = reader.line_num + 1
    good_buf.seek(0)
    try:
        good = pd.read_csv(good_buf, **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataError(f"{name} cannot be read as CSV ({exc}); {_EXPECTED}") from None
    is_good = np.array([g for g, _ in order], dtype=bool)
    good.index = pd.Index(np.flatnonzero(is_good))
    out = good.reindex(pd.RangeIndex(len(order)))  # error rows at their place, their fields missing
    errors = [msg for _, msg in order]
    out[INPUT_ERROR_COLUMN] = errors
    n_bad = int((~is_good).sum())
    if n_bad:
        log.warning("%s: %d row(s) could not be split into the header's %d fields; kept with the reason in 'error'",
                    name, n_bad, n)
    return out


def _wkt_geometry(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """A CSV without coordinate columns but with a WKT geometry column, as a GeoDataFrame (no CRS)."""
    lower = {clean_name(c): c for c in frame.columns}
    if any(k in lower for k in ("lat", "latitude", "latitude_deg", "y")):
        return frame
    col = next((lower[k] for k in _WKT_COLUMNS if k in lower), None)
    if col is None:
        return frame
    import shapely

    text = frame[col].astype("string").fillna("").to_numpy(dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        geoms = shapely.from_wkt(text, on_invalid="ignore")
    bad = np.array([t != "" and g is None for t, g in zip(text, geoms)], dtype=bool)
    out = gpd.GeoDataFrame(frame.drop(columns=[col]), geometry=gpd.GeoSeries(geoms, index=frame.index), crs=None)
    if bad.any():
        msg = np.where(bad, f"the {col} column is not readable WKT", "")
        prior = out[INPUT_ERROR_COLUMN].fillna("").astype(str).to_numpy() if INPUT_ERROR_COLUMN in out else msg
        out[INPUT_ERROR_COLUMN] = np.where(prior != "", prior, msg)
    log.info("%s: read the WKT column %r as the sites' geometry", name, col)
    return out


# --------------------------------------------------------------------------- writing


def _storable(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """Columns every writer accepts: string names, unique ignoring case for GeoPackage, no mixed-type objects."""
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    gpkg = suffix == ".gpkg"
    seen = {geom.lower() if gpkg else geom} if geom is not None else set()
    reserved = {"fid", "geom"} if gpkg else set()
    renames = {}
    for c in frame.columns:
        if c == geom:
            continue
        name = str(c)
        new, k = name, 2
        while (new.lower() if gpkg else new) in seen or new.lower() in reserved:
            new, k = f"{name}_{k}", k + 1
        seen.add(new.lower() if gpkg else new)
        if new != c:
            renames[c] = new
    if renames:
        log.warning("columns renamed to be stored: %s", ", ".join(f"{a!r} -> {b!r}" for a, b in renames.items()))
        frame = frame.rename(columns=renames)
    for c in frame.columns:
        if c == geom or frame[c].dtype != object:
            continue
        kind = pd.api.types.infer_dtype(frame[c], skipna=True)
        if kind not in ("string", "empty", "boolean", "integer", "floating"):
            frame[c] = frame[c].map(lambda v: v if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    return frame


#: Layer name of the table in a GeoPackage.
GPKG_LAYER = "sites"
#: GeoPackage version written: 1.2 opens without a warning in every GDAL since 2.2 (QGIS 3 LTRs included).
GPKG_VERSION = "1.2"


@dataclass(frozen=True)
class FieldDoc:
    """What a column is, for the GeoPackage schema extension (``gpkg_data_columns``).

    Attributes
    ----------
    name : str
        Short human name, unique in the table (the alias GIS programs show).
    title : str
        Formal title.
    description : str
        One or two sentences, unit included.
    """

    name: str
    title: str
    description: str


def write_table(frame: gpd.GeoDataFrame, path: Path, *, description: str | None = None,
                metadata: Mapping[str, str] | None = None, field_docs: Mapping[str, FieldDoc] | None = None,
                qgis_style: str | None = None, style_name: str = "Sites by score") -> Path:
    """Write the scored table by extension, atomically; GeoParquet and CSV are byte-for-byte reproducible.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The table (a plain DataFrame is written without geometry).
    path : Path
        ``.gpkg``, ``.parquet`` or ``.csv``.
    description : str, optional
        GeoPackage only: the layer's description (``gpkg_contents.description``, the
        abstract QGIS shows).
    metadata : dict of str to str, optional
        GeoPackage only: items of the layer's GDAL metadata (stored in ``gpkg_metadata``,
        referenced from ``gpkg_metadata_reference``; ``ogrinfo`` and
        ``pyogrio.read_info(...)["layer_metadata"]`` read them back).
    field_docs : dict of str to FieldDoc, optional
        GeoPackage only: column -> name, title and description in the schema extension's
        ``gpkg_data_columns`` table (columns not in the table are skipped).
    qgis_style : str, optional
        GeoPackage only: a QML document stored as the layer's default style in the
        ``layer_styles`` table QGIS reads when it opens the layer.
    style_name : str
        Name of that style.

    Returns
    -------
    Path
        ``path``. A failure (a full disk, a read-only folder) leaves any earlier file intact.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ConfigError(f"output table {str(path)!r}: expected a {', '.join(OUTPUT_SUFFIXES)} file name")
    frame = frame.copy(deep=False)
    frame.attrs = {}  # the run summary holds a timing; keep it out of the file so the bytes reproduce
    frame = _storable(frame, suffix)
    is_geo = isinstance(frame, gpd.GeoDataFrame)
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            plain = pd.DataFrame(frame.drop(columns=frame.geometry.name)) if is_geo else pd.DataFrame(frame)
            # Python's csv writer quotes a field holding "\n" but not one holding a lone "\r", which every
            # reader takes for a line break: a name with a carriage return would split its row in two
            has_cr = any(plain[c].astype("string").str.contains("\r", regex=False).any()
                         for c in plain.columns if plain[c].dtype == object or isinstance(plain[c].dtype, pd.StringDtype))
            plain.to_csv(tmp, index=False, lineterminator="\n",
                         quoting=csv.QUOTE_NONNUMERIC if has_cr else csv.QUOTE_MINIMAL)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            if not is_geo:
                raise ConfigError(f"{str(path)!r}: a GeoPackage needs a table with geometry; write .csv or .parquet")
            layer_md = dict(metadata or {})
            if description:
                layer_md["DESCRIPTION"] = description
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame.to_file(tmp, driver="GPKG", layer=GPKG_LAYER, layer_metadata=layer_md or None,
                              dataset_options={"VERSION": GPKG_VERSION})
            for w in caught:
                log.info("%s: %s", path.name, w.message)
            if field_docs or qgis_style:
                _gpkg_extras(tmp, [str(c) for c in frame.columns if c != frame.geometry.name], frame.geometry.name,
                             field_docs or {}, qgis_style, style_name)
    return path


def unique_field_names(docs: dict[str, FieldDoc]) -> dict[str, str]:
    """Column -> a name unique in the table (``gpkg_data_columns`` requires it): repeats get the column name."""
    seen: dict[str, int] = {}
    for d in docs.values():
        seen[d.name] = seen.get(d.name, 0) + 1
    return {c: (d.name if seen[d.name] == 1 else f"{d.name} ({c})") for c, d in docs.items()}


def _gpkg_extras(path: Path, columns: list[str], geometry: str, field_docs: Mapping[str, FieldDoc],
                 qgis_style: str | None, style_name: str) -> None:
    """Add the schema extension's field descriptions and QGIS's default style to a written GeoPackage."""
    import sqlite3

    docs = {c: field_docs[c] for c in columns if c in field_docs}
    names = unique_field_names(docs)
    con = sqlite3.connect(path)
    try:
        with con:
            if docs:
                # OGC GeoPackage 1.2, schema extension (gpkg_schema): tables as the standard defines them
                con.execute("""CREATE TABLE IF NOT EXISTS gpkg_data_columns (
                    table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,
                    mime_type TEXT, constraint_name TEXT,
                    CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
                    CONSTRAINT gdc_tn UNIQUE (table_name, name))""")
                con.execute("""CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
                    constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC,
                    min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
                    CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))""")
                con.execute("DELETE FROM gpkg_data_columns WHERE table_name = ?", (GPKG_LAYER,))
                con.executemany(
                    "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(GPKG_LAYER, c, names[c], d.title, d.description) for c, d in docs.items()])
                schema_uri = "http://www.geopackage.org/spec120/#extension_schema"
                for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
                    con.execute("DELETE FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_schema'",
                                (table,))
                    con.execute("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, "
                                "scope) VALUES (?, NULL, 'gpkg_schema', ?, 'read-write')", (table, schema_uri))
            if qgis_style:
                # QGIS matches a style to a layer by table and geometry column (GDAL names the latter "geom")
                row = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                                  (GPKG_LAYER,)).fetchone()
                geometry = row[0] if row else geometry
                # The table QGIS creates and reads for styles stored in a GeoPackage (QgsOgrProvider)
                con.execute("""CREATE TABLE IF NOT EXISTS layer_styles (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
                    f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
                    styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
                    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))""")
                con.execute("DELETE FROM layer_styles WHERE f_table_name = ?", (GPKG_LAYER,))
                con.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
                            "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                            (GPKG_LAYER, geometry, style_name, qgis_style, style_name))
                if not con.execute("SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone():
                    # registered as an attributes table, as QGIS does, so GDAL lists it and no check flags it
                    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                                "last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
                                "'QGIS layer styles', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
    finally:
        con.close()


__all__ = ["FieldDoc", "GPKG_LAYER", "unique_field_names", "INPUT_SUFFIXES", "OUTPUT_SUFFIXES", "read_sites", "write_table"]
