"""Low-level reading and cleaning helpers shared by every loader.

Reading: :func:`read_vector` (GeoJSON, GeoPackage, shapefile, GeoParquet; plain, ``.gz``
through GDAL's ``/vsigzip/`` and ``.zip`` through ``/vsizip/``), :func:`read_table`
(CSV, CSV.gz, Parquet, XLSX), :func:`read_json` (gz-aware) and :func:`peek_columns`
(field names without reading the rows, for schema detection). Every reader turns a
malformed file (not a zip, not gzip, truncated JSON, not UTF-8, binary) into a
:class:`~models.errors.DataError` naming the file.

Text inputs (scenario, profile, deal and layer-set TOML files) go through one reader,
:func:`read_text_file` / :func:`read_toml`: UTF-8 with or without a byte-order mark, or
UTF-16/UTF-32 with one; anything else is a clear "not UTF-8" error naming the file.
:func:`sniff_file` tells what a file holds from its first bytes (Parquet, SQLite/GeoPackage,
zip, gzip, JSON, text, binary), so tables are read by content, not only by extension.

Writing and integrity (:mod:`gis_data.outputs`): atomic writes, output locks and
file fingerprints live next door.

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

import codecs
import gzip
import json
import logging
import re
import tomllib
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS, ROLES, LoadReport, SourceMeta, check_canonical
from models.errors import ConfigError, CRSError, DataError, MissingDataError

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


# --------------------------------------------------------------------------- text inputs

#: Largest text input (a TOML file) read whole [bytes]; a real scenario, profile, deal or
#: layer set is a few kB, so a bigger file is a wrong path, not a configuration.
MAX_TEXT_INPUT_BYTES = 16_000_000
#: Bytes looked at by :func:`sniff_file` [bytes].
SNIFF_BYTES = 65_536

#: Byte-order marks and the codec each implies; UTF-32 first (its LE mark starts with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def text_encoding(head: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``head`` implies, or ``None`` without one.

    ``"utf-8-sig"`` for the UTF-8 mark (the codec drops it), ``"utf-16"`` or ``"utf-32"``
    (the codec reads the mark and the byte order from it).
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return None


def _not_a_file(path: Path, what: str, missing: type[Exception]) -> Exception | None:
    if not path.exists():
        return missing(f"{what} {str(path)!r} does not exist; give the path of a file")
    if path.is_dir():
        return ConfigError(f"{what} {str(path)!r} is a folder; give the path of a file inside it")
    if not path.is_file():
        return ConfigError(f"{what} {str(path)!r} is not a regular file (a device, pipe or socket); "
                           "give the path of a file")
    return None


def decode_text(data: bytes, *, name: str, error: type[Exception] = DataError) -> str:
    """Decode the bytes of a text file: UTF-8 (with or without BOM), or UTF-16/32 with a BOM.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        How to name the file in an error (e.g. ``"scenario file 'a.toml'"``).
    error : exception class
        Raised (a :class:`~models.errors.SitingError` subclass) when the bytes are not text.

    Returns
    -------
    str
        The text, without a byte-order mark.
    """
    codec = text_encoding(data[:4])
    if codec is None and b"\x00" in data[:SNIFF_BYTES]:
        hint = ("it looks like UTF-16 without a byte-order mark; re-save it as UTF-8"
                if looks_utf16(data) else "it is a binary file, not text; check the path")
        raise error(f"{name} holds NUL bytes: {hint}")
    try:
        text = data.decode(codec or "utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 4]
        raise error(
            f"{name} is not UTF-8 text: byte {exc.start:,} is {bad!r} ({exc.reason}); it may be Latin-1/Windows-1252 "
            f"text or a binary file. Re-save it as UTF-8 (any editor's 'Save with encoding'), or check the path"
        ) from None
    if "\x00" in text:
        raise error(f"{name} holds NUL characters: it is a binary file, not text; check the path")
    return text


def read_text_file(path: str | Path, *, what: str = "file", missing: type[Exception] = MissingDataError,
                   error: type[Exception] = DataError, max_bytes: int = MAX_TEXT_INPUT_BYTES) -> str:
    """The text of a small input file, its encoding detected (see :func:`decode_text`).

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the file is, for messages (``"scenario file"``).
    missing : exception class
        Raised when the path does not exist.
    error : exception class
        Raised when the file is too large, unreadable or not text.
    max_bytes : int
        Largest size read [bytes].

    Returns
    -------
    str
    """
    path = Path(path).expanduser()
    bad = _not_a_file(path, what, missing)
    if bad is not None:
        raise bad
    name = f"{what} {str(path)!r}"
    size = path.stat().st_size
    if size > max_bytes:
        raise error(f"{name} is {size:,} bytes; a {what} is a small text file (at most {max_bytes:,} bytes): "
                    "check the path")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {name}: {exc.strerror or exc}; check its permissions") from None
    return decode_text(data, name=name, error=error)


def read_toml(path: str | Path, *, what: str = "TOML file", missing: type[Exception] = ConfigError,
              error: type[Exception] = ConfigError) -> dict:
    """Parse a TOML input file read by :func:`read_text_file` (the one reader of every TOML input).

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What it is, for messages (``"scenario file"``, ``"deal file"``, ``"layer set"``).
    missing, error : exception classes
        Raised when the file does not exist, and when it is not readable, not text or not TOML.

    Returns
    -------
    dict
        The parsed document.
    """
    text = read_text_file(path, what=what, missing=missing, error=error)
    return parse_toml(text, name=f"{what} {str(Path(path).expanduser())!r}", error=error)


def parse_toml(text: str, *, name: str, error: type[Exception] = ConfigError) -> dict:
    """``tomllib.loads`` with a message naming the file; a document nested too deeply is an error too."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{name} is not valid TOML: {exc}; fix that line (https://toml.io)") from None
    except RecursionError:
        raise error(f"{name} nests arrays or tables too deeply to be a configuration; check the file") from None


#: What each :func:`sniff_file` kind is, for messages.
CONTENT_KINDS = {
    "empty": "nothing (0 bytes)", "parquet": "Parquet", "sqlite": "a GeoPackage/SQLite database",
    "zip": "a zip archive", "gzip": "gzip-compressed data", "flatgeobuf": "FlatGeobuf", "shapefile": "a shapefile",
    "ole": "a legacy Office document (.xls)", "pdf": "a PDF document", "image": "an image", "json": "JSON text",
    "text": "text", "binary": "binary data",
}


def describe_content(path: str | Path) -> str:
    """What a file holds, in words (``"a zip archive"``, ``"text"``...), from :func:`sniff_file`."""
    try:
        return CONTENT_KINDS.get(sniff_file(path), "unknown content")
    except OSError as exc:
        return f"unreadable content ({exc.strerror})"


def looks_utf16(data: bytes) -> bool:
    """True when ``data`` (no BOM) has the NUL in every other byte of UTF-16 text of ASCII."""
    head = data[:2000]
    if len(head) < 4:
        return False
    half = len(head) / 2
    return head[1::2].count(0) > 0.4 * half or head[0::2].count(0) > 0.4 * half


def sniff_file(path: str | Path) -> str:
    """What a file holds, from its first (and last) bytes, whatever its extension.

    Returns
    -------
    str
        ``"empty"``, ``"parquet"``, ``"sqlite"`` (GeoPackage), ``"zip"`` (also XLSX),
        ``"gzip"``, ``"flatgeobuf"``, ``"shapefile"``, ``"ole"`` (legacy Excel .xls),
        ``"pdf"``, ``"image"`` (PNG, JPEG, GIF), ``"json"`` (text starting with ``{`` or
        ``[``), ``"text"`` (other text, also text that is not UTF-8) or ``"binary"``.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        return "empty"
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
        if head[:4] == b"PAR1":
            return "parquet"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"fgb":
        return "flatgeobuf"
    if head[:4] == b"\x00\x00\x27\x0a":
        return "shapefile"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if head[:5] == b"%PDF-":
        return "pdf"
    if head[:8] == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff" or head[:6] in (b"GIF87a", b"GIF89a"):
        return "image"
    codec = text_encoding(head)
    if codec is None and b"\x00" in head:
        return "binary"
    text = head.decode(codec or "utf-8", errors="replace")
    if codec is None and text.count("\ufffd") > max(8, len(text) // 20):
        controls = sum(1 for b in head if b < 9 or 13 < b < 32)
        if controls > len(head) // 100:
            return "binary"
    stripped = text.lstrip("\ufeff \t\r\n")
    return "json" if stripped[:1] in ("{", "[") else "text"


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
    names = [n for n in zip_names(path) if not n.endswith("/") and "__MACOSX" not in n]
    if member is not None:
        if member not in names:
            raise MissingDataError(f"zip {str(path)!r} has no member {member!r}; it holds {names}")
        return member
    for suffix in suffixes:
        hits = [n for n in names if n.lower().endswith(suffix)]
        if hits:
            return sorted(hits)[0]
    raise DataError(f"zip {str(path)!r} holds no readable layer (looked for {list(suffixes)}); it holds {names}")


def zip_names(path: str | Path) -> list[str]:
    """Member names of a zip archive; a file that is not a zip (or is truncated) is a :class:`DataError`."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise DataError(f"{str(path)!r} is named like a zip archive but is not a readable one ({exc}); "
                        f"re-download it or point the layer set at the right file") from None


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
    """Open a plain, gzipped or zipped text file for reading: UTF-8, or UTF-16/32 with a BOM.

    A UTF-8 byte-order mark is dropped. Decoding errors surface when the text is read
    (callers turn them into :class:`DataError` naming the file).
    """
    import io as _io

    path = _check_exists(Path(path))
    if path.is_dir():
        raise DataError(f"{str(path)!r} is a folder, not a file; point the layer set at a file inside it")
    kind = compression(path)
    if kind == "gz":
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(4)
        except (OSError, EOFError) as exc:
            raise DataError(f"{str(path)!r} is named .gz but is not readable gzip ({exc}); re-download it") from None
        return gzip.open(path, "rt", encoding=text_encoding(head) or "utf-8-sig")
    if kind == "zip":
        name = zip_member(path, member)
        zf = zipfile.ZipFile(path)
        with zf.open(name) as fh:
            head = fh.read(4)
        return _io.TextIOWrapper(zf.open(name), encoding=text_encoding(head) or "utf-8-sig")
    with open(path, "rb") as fh:
        head = fh.read(4)
    return open(path, encoding=text_encoding(head) or "utf-8-sig")


# --------------------------------------------------------------------------- reading


def read_json(path: str | Path, member: str | None = None):
    """Parse a (possibly gzipped or zipped) JSON file."""
    with open_text(path, member) as fh:
        try:
            return json.load(fh)
        except json.JSONDecodeError as exc:
            raise DataError(f"{str(path)!r} is not valid JSON ({exc}); re-download or check the format") from None
        except (UnicodeDecodeError, EOFError, OSError, zipfile.BadZipFile) as exc:
            raise DataError(f"{str(path)!r} is not readable UTF-8 JSON ({exc}); re-download or check the format") from None
        except RecursionError:
            raise DataError(f"{str(path)!r} nests JSON too deeply to be a data file; check the file") from None


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
    if path.is_dir():
        raise DataError(f"{str(path)!r} is a folder, not a vector file; point the layer set at a file inside it")
    if inner_suffix(path) in (".parquet", ".geoparquet") and compression(path) is None:
        try:
            return gpd.read_parquet(path, columns=None if columns is None else [*columns, "geometry"])
        except (OSError, ValueError, TypeError, KeyError) as exc:  # pyarrow.ArrowInvalid is a ValueError
            raise DataError(f"cannot read {str(path)!r} as GeoParquet ({exc}); expected a GeoParquet file "
                            f"(it holds {describe_content(path)})") from None
    src = gdal_path(path, member)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pyogrio.read_dataframe(src, columns=columns, use_arrow=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.GeometryError,
            pyogrio.errors.FieldError, pyogrio.errors.CRSError, OSError, ValueError) as exc:
        raise DataError(f"cannot read {str(path)!r} as a vector layer (it holds {describe_content(path)}): {exc}; "
                        "re-download it or point the layer set at the right file") from None
    for w in caught:
        log.info("%s: %s", path.name, w.message)
    return frame


def read_table(path: str | Path, *, member: str | None = None, **kwargs) -> pd.DataFrame:
    """Read a CSV (plain, ``.gz`` or in a ``.zip``), Parquet or XLSX table.

    Extra keyword arguments go to the pandas reader.
    """
    path = _check_exists(Path(path))
    if path.is_dir():
        raise DataError(f"{str(path)!r} is a folder, not a table file; point the layer set at a file inside it")
    suffix = inner_suffix(path)
    kind = compression(path)
    try:
        if kind == "zip":
            name = zip_member(path, member, (".csv",))
            with zipfile.ZipFile(path) as zf, zf.open(name) as fh:
                head = fh.read(4)
            with zipfile.ZipFile(path) as zf, zf.open(name) as fh:
                return pd.read_csv(fh, **{"encoding": text_encoding(head) or "utf-8", **kwargs})
        if suffix == ".parquet":
            return pd.read_parquet(path, **kwargs)
        if suffix == ".xlsx":
            return pd.read_excel(path, **kwargs)
        if kind == "gz":
            with gzip.open(path, "rb") as fh:
                head = fh.read(4)
        else:
            with open(path, "rb") as fh:
                head = fh.read(4)
        return pd.read_csv(path, **{"encoding": text_encoding(head) or "utf-8", **kwargs})
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeError, EOFError, zipfile.BadZipFile,
            gzip.BadGzipFile) as exc:
        raise DataError(f"cannot read {str(path)!r} as a {suffix.lstrip('.').upper() or 'CSV'} table "
                        f"(it holds {describe_content(path)}): {exc}; re-download it or check the format") from None
    except (OSError, ValueError) as exc:  # pyarrow.ArrowInvalid, openpyxl's InvalidFileException
        if isinstance(exc, (FileNotFoundError, PermissionError)):
            raise
        raise DataError(f"cannot read {str(path)!r} as a {suffix.lstrip('.').upper() or 'CSV'} table "
                        f"(it holds {describe_content(path)}): {exc}") from None


def peek_columns(path: str | Path) -> list[str]:
    """Lower-cased field names of a file, read without loading its rows.

    Vector layers give their attribute fields; CSVs their header; JSON that is not
    GeoJSON gives its top-level keys plus the keys of the first item of each top-level
    list of objects (so raw Overpass JSON gives ``elements``, ``lat``, ``tags``...).
    Returns ``[]`` for files that cannot be read.
    """
    path = Path(path)
    suffix = inner_suffix(path)
    if not path.is_file():  # a folder, a FIFO (reading would block), a dangling link
        return []
    with warnings.catch_warnings(record=True) as caught:  # e.g. "more than one layer": logged, not printed
        warnings.simplefilter("always")
        columns = _peek_columns(path, suffix)
    for w in caught:
        log.debug("peeking at %s: %s", path, w.message)
    return columns


def _peek_columns(path: Path, suffix: str) -> list[str]:
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
    except (OSError, ValueError, EOFError, RecursionError, DataError, MissingDataError, ConfigError,
            zipfile.BadZipFile, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, UnicodeError) as exc:
        log.debug("cannot peek at %s: %s", path, exc)
    return []


def _zip_has_only_csv(path: Path) -> bool:
    names = [n.lower() for n in zip_names(path)]
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
    values = pd.Series(values)
    # a layer has a handful of distinct classes: parse those, then one take per output
    codes, uniq = pd.factorize(values.astype("string"), use_na_sentinel=True)
    lo, hi = _volt_class_bounds_parse(pd.Series(np.append(np.asarray(uniq, dtype=object), None)))
    take = np.where(codes >= 0, codes, len(uniq))
    return (pd.Series(lo.to_numpy()[take], index=values.index, dtype="float64"),
            pd.Series(hi.to_numpy()[take], index=values.index, dtype="float64"))


def _volt_class_bounds_parse(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = values.astype("string").str.strip().str.upper().fillna("")
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
