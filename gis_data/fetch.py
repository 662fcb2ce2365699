"""Download the official public sources into a versioned cache and write a layer set.

``fetch(["census_states", "hifld_transmission"], "data/", state="TX")`` downloads each
source into ``data/<source>/<vintage>/``, records a sha256 per file in
``data/manifest.json`` (and checks it against the registry's when the registry gives
one), extracts archives marked for extraction (refusing members that would land outside
the cache: absolute paths, ``..``, symlinks), and writes ``data/layers.toml`` naming the
existing format of each file.

Downloads are resumable (an interrupted transfer stays as ``<file>.part`` and continues
with an HTTP ``Range`` request), retried with exponential backoff on network errors and
HTTP 5xx/429, and bounded by a socket timeout. Only the standard library's
``urllib.request`` is used, through an opener that knows only HTTP(S).

Nothing downloaded can hurt the machine it lands on:

- **Schemes.** Source, mirror and redirect URLs must be ``https://``; ``http://`` only when
  the caller asks (``allow_http=True``, ``--allow-http``); ``file:``, ``data:``, ``ftp:``
  and anything else are refused with a :class:`~models.errors.ConfigError`
  (:func:`check_url`), including a redirect from an accepted URL to a refused one.
- **Content.** A finished transfer is checked against what the source should be (zip
  magic and central directory, ``[Content_Types].xml`` of an xlsx, a CSV header with the
  loader's columns, JSON that parses, a dBASE header) before it takes its final name
  (:func:`check_content`); an HTML page served with status 200 (a login, error or
  "file moved" page) is refused, saying what arrived, and the partial file is removed.
- **Archives.** Extraction (:func:`safe_extract`) refuses members that would land outside
  the cache and is bounded by :class:`ExtractLimits`: total uncompressed bytes, compression
  ratio per member and for the whole archive, and member count. The declared sizes are
  checked first, then the bytes are counted while each member streams into a staging
  folder, so an archive whose header lies is stopped before it writes more than the bound;
  whatever it wrote is removed.

ArcGIS feature-service sources (HIFLD lines and substations, EIA pipelines) are ``query``
calls that the server answers at most ``maxRecordCount`` features at a time (1,000-2,000
on HIFLD), flagging ``exceededTransferLimit`` when more remain. :func:`fetch_arcgis`
pages through them with ``resultOffset``/``resultRecordCount`` ordered by the object id,
keeps every page in ``.parts/<file>/`` until the last one arrives (a killed fetch restarts
at the page it stopped), then writes one GeoJSON FeatureCollection de-duplicated by object
id. It stops with a clear error after ``max_pages`` pages, or as soon as a page brings
nothing new while the server still says more remain (a server ignoring ``resultOffset``).

The URLs in :data:`SOURCES` are the official locations as of each source's vintage;
agencies move files, so a failing URL names the source to update.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import string
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tqdm.auto import tqdm

from gis_data.formats import get_format
from gis_data.layerset import LAYERS_FILE, LayerSet, LayerSpec
from models.errors import ConfigError, DataError, MissingDataError, unknown_name

log = logging.getLogger(__name__)

#: Manifest file written in the output folder.
MANIFEST_FILE = "manifest.json"
_CHUNK_BYTES = 1 << 16
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

_ARCGIS_QUERY = ("/query?where=1%3D1&outFields=*&outSR=4326&f=geojson&returnGeometry=true"
                 "&geometryType=esriGeometryEnvelope&inSR=4326&spatialRel=esriSpatialRelIntersects&geometry={bbox}")
#: Features asked for per ArcGIS page (servers return at most their maxRecordCount, often fewer).
ARCGIS_PAGE_SIZE = 1000
#: Pages after which a paged ArcGIS query gives up (1,000 x 1,000 features is far above any
#: state's HIFLD or EIA layer; a server that keeps answering exceededTransferLimit is broken).
ARCGIS_MAX_PAGES = 1000


@dataclass(frozen=True)
class Source:
    """One official public source.

    ``url`` may hold ``{bbox}`` (``W,S,E,N`` in degrees, for ArcGIS feature-service
    queries); ``filename`` is the name saved in the cache; ``extract`` unpacks a zip
    archive; ``layer_glob`` picks the layer file(s) among the extracted members (default:
    the downloaded file itself; ``"."`` is the extraction folder, for formats that read a
    folder such as ``tmy3_files``). ``arcgis`` marks an ArcGIS REST ``query`` URL, fetched
    page by page (:func:`fetch_arcgis`) ordered by ``object_id_field``. ``terms`` is the
    page stating the source's terms of use. ``columns`` are the header fields its loader
    requires of a CSV layer file (the download itself, or the CSV extracted from its
    archive): a file without them is refused before it is kept (:func:`check_content`).
    """

    name: str
    role: str
    format: str
    url: str
    filename: str
    license: str
    vintage: str
    extract: bool = False
    layer_glob: str = ""
    sha256: str = ""
    arcgis: bool = False
    object_id_field: str = "OBJECTID"
    terms: str = ""
    columns: tuple[str, ...] = ()


#: Official sources (URLs as of each vintage). HIFLD Open closed its portal on 2025-09-16;
#: its ArcGIS services are listed as they were, and a mirror can be given as ``base_url_override``.
SOURCES: dict[str, Source] = {s.name: s for s in [
    Source("hifld_transmission", "transmission", "hifld_transmission",
           "https://services1.arcgis.com/Hp6G80Pky0om7QvQ/arcgis/rest/services/"
           "Electric_Power_Transmission_Lines/FeatureServer/0" + _ARCGIS_QUERY,
           "transmission.geojson", "HIFLD Open (public domain, DHS)", "2023", arcgis=True,
           terms="https://hifld-geoplatform.hub.arcgis.com/datasets/electric-power-transmission-lines"),
    Source("hifld_substations", "substations", "hifld_substations_official",
           "https://services1.arcgis.com/Hp6G80Pky0om7QvQ/arcgis/rest/services/"
           "Electric_Substations/FeatureServer/0" + _ARCGIS_QUERY,
           "substations.geojson", "HIFLD Open (public domain, DHS)", "2023", arcgis=True,
           terms="https://hifld-geoplatform.hub.arcgis.com/datasets/electric-substations"),
    Source("eia_natgas_pipelines", "pipelines", "eia_natgas_pipelines",
           "https://services7.arcgis.com/FGr1D95XCGALKXqM/arcgis/rest/services/"
           "Natural_Gas_Interstate_and_Intrastate_Pipelines_1/FeatureServer/0" + _ARCGIS_QUERY,
           "pipelines.geojson", "EIA U.S. Energy Atlas (public domain)", "2023", arcgis=True,
           terms="https://atlas.eia.gov/datasets/natural-gas-interstate-and-intrastate-pipelines"),
    # The zip holds 2___Plant_Y2023.xlsx (locations, BA, gas pipelines) next to
    # 3_1_Generator_Y2023.xlsx; the loader is pointed at the generator workbook and reads its sibling.
    Source("eia860", "plants", "eia860_official",
           "https://www.eia.gov/electricity/data/eia860/archive/xls/eia8602023.zip",
           "eia8602023.zip", "EIA (public domain)", "2023", extract=True, layer_glob="3_1_Generator_Y*.xlsx",
           terms="https://www.eia.gov/about/copyrights_reuse.php"),
    Source("census_states", "states", "census_states",
           "https://www2.census.gov/geo/tiger/GENZ2018/shp/cb_2018_us_state_20m.zip",
           "cb_2018_us_state_20m.zip", "US Census Bureau (public domain)", "2018",
           terms="https://www.census.gov/geographies/mapping-files/time-series/geo/cartographic-boundary.html"),
    Source("census_counties", "counties", "census_counties",
           "https://www2.census.gov/geo/tiger/GENZ2018/shp/cb_2018_us_county_20m.zip",
           "cb_2018_us_county_20m.zip", "US Census Bureau (public domain)", "2018",
           terms="https://www.census.gov/geographies/mapping-files/time-series/geo/cartographic-boundary.html"),
    Source("usgs_water_use_2015", "water_use", "usgs_water_use_2015",
           "https://www.sciencebase.gov/catalog/file/get/5af3311be4b0da30c1b245d8?name=usco2015v2.0.csv",
           "usco2015v2.0.csv", "USGS (public domain)", "2015", terms="https://doi.org/10.5066/F7TB15V5",
           # the columns gis_data.water.load_usgs_water_use requires (its header is on line 2)
           columns=("FIPS", "TP-TotPop", "TO-Wtotl", "TO-WFrTo", "PS-Wtotl", "PT-Wtotl", "IR-WFrTo", "IN-Wtotl",
                    "TO-WGWTo", "TO-WSWTo")),
    # The Green Book exports its county history as phistory.dbf and phistory.xls (no CSV); the
    # dBASE table is read by GDAL with no extra dependency (.xls would need xlrd).
    Source("greenbook_phistory", "nonattainment", "greenbook_phistory",
           "https://www3.epa.gov/airquality/greenbook/downld/phistory.dbf",
           "phistory.dbf", "US EPA Green Book (public domain)", "current",
           terms="https://www.epa.gov/green-book/green-book-data-download"),
    # nayro: county x standard x area with the area's classification (CLASS) and one YR<year> column per
    # year (file name from the Green Book download page's export set; read as the phistory .dbf is). It fills
    # the same role as phistory, with classes: fetched after it, it is the layer set's nonattainment layer.
    Source("greenbook_nayro", "nonattainment", "greenbook_nayro",
           "https://www3.epa.gov/airquality/greenbook/downld/nayro.dbf",
           "nayro.dbf", "US EPA Green Book (public domain)", "current",
           terms="https://www.epa.gov/green-book/green-book-data-download"),
    Source("aqueduct40", "water_stress", "aqueduct40_table",
           "https://files.wri.org/aqueduct/aqueduct-4-0-water-risk-data.zip",
           "aqueduct-4-0-water-risk-data.zip", "WRI Aqueduct 4.0 (CC BY 4.0)", "2023",
           extract=True, layer_glob="**/Aqueduct40_baseline_annual_*.csv",
           terms="https://www.wri.org/data/aqueduct-global-maps-40-data",
           # the columns gis_data.water.load_aqueduct_table requires of the extracted table
           columns=("string_id", "bws_score", "bws_label", "name_1")),
    # alltmy3a.zip holds one <USAF>TYA.CSV per station at its root; tmy3_files reads the folder.
    Source("tmy3", "weather_stations", "tmy3_files",
           "https://rredc.nrel.gov/solar/old_data/nsrdb/1991-2005/tmy3/zip/alltmy3a.zip",
           "alltmy3a.zip", "NREL NSRDB TMY3 (public, cite Wilcox & Marion 2008)", "1991-2005",
           extract=True, layer_glob=".", terms="https://www.nrel.gov/docs/fy08osti/43156.pdf"),
]}


def get_source(name: str) -> Source:
    """The registered source called ``name`` (a miss lists the valid names)."""
    if name not in SOURCES:
        raise unknown_name("fetch source", name, SOURCES)
    return SOURCES[name]


# --------------------------------------------------------------------------- URL schemes

#: Schemes every source, mirror and redirect URL may use.
SECURE_SCHEMES: tuple[str, ...] = ("https",)
#: Accepted as well only when the caller asks (``allow_http=True``, ``--allow-http``): plain HTTP
#: lets anyone on the path swap the file, so it is for a mirror on a trusted network.
PLAIN_SCHEMES: tuple[str, ...] = ("http",)
# A URL is printable ASCII (RFC 3986 section 2): spaces, control and non-ASCII characters are
# percent-encoded, host names punycoded. Refusing the rest up front keeps urllib's own
# stripping and quoting of such characters from changing which URL is fetched.
_URL_TEXT = re.compile(r"[!-~]+")


def accepted_schemes(allow_http: bool = False) -> tuple[str, ...]:
    """The URL schemes :func:`check_url` accepts: ``https``, plus ``http`` when allowed."""
    return SECURE_SCHEMES + (PLAIN_SCHEMES if allow_http else ())


def check_url(url, *, allow_http: bool = False, what: str = "URL") -> str:
    """Return ``url`` unchanged if it may be downloaded; raise :class:`ConfigError` otherwise.

    Parameters
    ----------
    url : str
        A source, mirror or redirect URL.
    allow_http : bool
        Accept ``http://`` as well as ``https://``.
    what : str
        How the message names the URL (``"mirror URL (--base-url)"``).

    Returns
    -------
    str
        ``url``: printable ASCII, scheme ``https`` (or ``http`` when allowed), with a host.

    Raises
    ------
    ConfigError
        Any other scheme (``file``, ``data``, ``ftp``, ``javascript``, none), no host, a
        port that is not a number in 0-65535, or characters that must be percent-encoded.
        The message names the URL, the accepted schemes and the fix.
    """
    accepted = accepted_schemes(allow_http)
    names = " or ".join(f"{s}://" for s in accepted)
    if not isinstance(url, str):
        raise ConfigError(f"{what} {url!r} is a {type(url).__name__}, not text; give an {names} URL")
    if not _URL_TEXT.fullmatch(url):
        raise ConfigError(f"{what} {url!r} is empty or holds spaces, control or non-ASCII characters; an {names} "
                          "URL is printable ASCII: percent-encode the rest (punycode for a host name)")
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError unless a number in 0-65535
    except ValueError as exc:
        raise ConfigError(f"{what} {url!r} cannot be parsed as a URL ({exc}); give an {names} URL such as "
                          "https://example.org/data") from None
    scheme = parts.scheme.lower()
    if scheme not in accepted:
        got = f"scheme {scheme + ':'!r}" if scheme else "no scheme"
        fix = "" if allow_http else "; for a mirror that serves only plain HTTP, pass --allow-http (allow_http=True)"
        raise ConfigError(f"{what} {url!r} has {got}; only {names} URLs are accepted (file:, data:, ftp: and the "
                          f"rest could read local files or skip TLS): give the {names} address{fix}")
    if not host:
        raise ConfigError(f"{what} {url!r} names no host; give an {names} URL such as https://example.org/data")
    return url


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a URL :func:`check_url` accepts (urllib alone follows
    https to http and to ftp)."""

    def __init__(self, allow_http: bool):
        self.allow_http = allow_http

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("location") or headers.get("uri")
        if target:
            # as urllib resolves it: bytes beyond ASCII and spaces percent-encoded, relative to the request
            newurl = urllib.parse.urljoin(req.full_url, urllib.parse.quote(
                target, encoding="iso-8859-1", safe=string.punctuation))
            try:
                check_url(newurl, allow_http=self.allow_http, what="redirect target")
            except ConfigError as exc:
                fp.close()
                raise ConfigError(f"{req.full_url} redirected (HTTP {code}) to {newurl!r}, which is refused: {exc}") \
                    from None
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(allow_http: bool) -> urllib.request.OpenerDirector:
    """An opener that speaks HTTP(S) only: no file:, data: or ftp: handler; redirects checked."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    _CheckedRedirects(allow_http), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


# --------------------------------------------------------------------------- content checks

#: What a downloaded file must hold, by the suffix of its name; any other name must at least
#: not be an HTML page (``"any"``). ``"arcgis"`` (an ArcGIS query page) is asked for explicitly.
CONTENT_BY_SUFFIX: dict[str, str] = {".zip": "zip", ".xlsx": "xlsx", ".csv": "csv", ".json": "json",
                                     ".geojson": "geojson", ".dbf": "dbf"}
_CONTENT_WORDS = {"zip": "a zip archive", "xlsx": "an Excel workbook (.xlsx)", "csv": "a CSV table",
                  "json": "a JSON document", "geojson": "a GeoJSON document",
                  "arcgis": "an ArcGIS query answer (GeoJSON or Esri JSON)", "dbf": "a dBASE table (.dbf)",
                  "any": "a data file"}
#: Bytes read from the start of a file to judge it (CSV header, dBASE header, markup).
_HEAD_BYTES = 1 << 16
#: Lines searched for a CSV header (the USGS table has a title line above it).
_CSV_HEADER_LINES = 10
_GEOJSON_TYPES = frozenset({"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
                            "Polygon", "MultiPolygon", "GeometryCollection"})
# Version bytes of dBASE-family tables (dBASE II-V, FoxBASE/FoxPro, Visual FoxPro, Visual Objects),
# after the xBase file-format notes (e.g. https://www.clicketyclick.dk/databases/xbase/format/dbf.html).
_DBF_VERSIONS = frozenset({0x02, 0x03, 0x04, 0x05, 0x07, 0x30, 0x31, 0x32, 0x43, 0x63, 0x7B, 0x83, 0x87, 0x8B,
                           0x8E, 0xCB, 0xE5, 0xF5, 0xFB})
_MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|title|meta|script)\b", re.IGNORECASE)


def content_kind(name: str) -> str:
    """The content a file called ``name`` must hold: a value of :data:`CONTENT_BY_SUFFIX`, else ``"any"``."""
    return CONTENT_BY_SUFFIX.get(PurePosixPath(str(name).lower()).suffix, "any")


def _is_html(head: bytes) -> bool:
    """An HTML page: after a BOM and blanks it opens with markup naming an HTML element."""
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()[:1024]
    return start.startswith(b"<") and bool(_MARKUP.search(start))


def _csv_problem(head: bytes, size: int, columns) -> str | None:
    if b"\x00" in head:
        return "it holds NUL bytes, so it is binary, not CSV text"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if size > len(head) and len(lines) > 1:
        lines = lines[:-1]  # the last line read may be cut
    try:
        rows = list(csv.reader(lines[:_CSV_HEADER_LINES]))
    except csv.Error as exc:
        return f"it does not parse as CSV ({exc})"
    want = [str(c).strip() for c in columns]
    if not want:
        if any(len(r) >= 2 for r in rows):
            return None
        return f"none of its first {_CSV_HEADER_LINES} lines has two comma-separated fields"
    lowered = [{c.strip().lower() for c in r} for r in rows]
    for cells in lowered:
        if {c.lower() for c in want} <= cells:
            return None
    best = max(lowered, key=lambda cells: sum(c.lower() in cells for c in want), default=set())
    missing = [c for c in want if c.lower() not in best]
    first = lines[0][:120] if lines else ""
    return (f"no header among its first {_CSV_HEADER_LINES} lines has the columns its loader needs ({', '.join(want)}); "
            f"the closest lacks {', '.join(missing)} (first line {first!r})")


def _dbf_problem(head: bytes, size: int) -> str | None:
    """dBASE III+ header: version, YY MM DD, records (uint32), header and record length (uint16),
    32-byte field descriptors ended by 0x0D; the file holds header + records x record length.

    References: dBASE III file header layout (HelpPC 2.10 reference, D. Jurgens 1991;
    https://www.clicketyclick.dk/databases/xbase/format/dbf.html)."""
    if len(head) < 33:
        return f"{size} bytes is shorter than a dBASE header (32 bytes and a terminator)"
    version, month, day = head[0], head[2], head[3]
    n_records, header_len, record_len = struct.unpack_from("<IHH", head, 4)
    if version not in _DBF_VERSIONS:
        return f"its first byte 0x{version:02X} is not a dBASE version byte"
    if month > 12 or day > 31:
        return f"its last-update bytes (month {month}, day {day}) are not a date"
    if header_len < 33 or record_len < 1:
        return f"its header length {header_len} or record length {record_len} is impossible"
    ends = range(32, min(header_len, len(head)), 32)
    if not any(head[i] == 0x0D for i in ends):
        return "its field descriptors have no 0x0D terminator"
    if size < header_len + n_records * record_len:
        return (f"{size:,} bytes is less than the header ({header_len:,} bytes) and the {n_records:,} records of "
                f"{record_len} bytes it declares (a cut transfer)")
    return None


def _json_problem(path: Path, kind: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            doc = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return f"it does not parse as JSON ({exc})"
    if kind == "geojson" and not (isinstance(doc, dict) and doc.get("type") in _GEOJSON_TYPES):
        return "it is JSON but not GeoJSON (no top-level 'type' such as FeatureCollection)"
    if kind == "arcgis" and not (isinstance(doc, dict) and (isinstance(doc.get("features"), list)
                                                           or isinstance(doc.get("error"), dict))):
        return "it is JSON but neither a 'features' list (GeoJSON or Esri JSON) nor an ArcGIS 'error' answer"
    return None


def _zip_problem(path: Path, head: bytes, kind: str) -> str | None:
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "it does not start with the zip signature PK\\x03\\x04"
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"its zip directory cannot be read ({exc})"
    if not names:
        return "the archive holds no file"
    if kind == "xlsx" and "[Content_Types].xml" not in names:
        return "it is a zip without [Content_Types].xml, so not an Office Open XML workbook"
    return None


def check_content(path, kind: str, *, url: str | None = None, content_type: str | None = None,
                  columns=()) -> None:
    """Raise :class:`DataError` unless ``path`` holds the content ``kind`` names.

    Parameters
    ----------
    path : str or Path
        The file to judge (a finished download, or a layer file extracted from an archive).
    kind : str
        ``"zip"`` (signature and a readable central directory), ``"xlsx"`` (a zip holding
        ``[Content_Types].xml``), ``"csv"`` (text with a header line among the first ten
        holding ``columns``, or with two comma-separated fields when none are given),
        ``"json"``, ``"geojson"`` (a GeoJSON object), ``"arcgis"`` (an ArcGIS query answer:
        a ``features`` list or an ``error`` object), ``"dbf"`` (a dBASE header consistent
        with the file size) or ``"any"``. Every kind refuses an HTML page.
    url : str, optional
        Where the file came from, for the message.
    content_type : str, optional
        The server's ``Content-Type``, for the message.
    columns : sequence of str
        Header fields a CSV must hold (case-insensitive).

    Raises
    ------
    DataError
        Saying what arrived (Content-Type, size, first bytes), what was expected and from where.
    """
    if kind not in _CONTENT_WORDS:
        raise unknown_name("content kind", kind, _CONTENT_WORDS)
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    size = path.stat().st_size
    if _is_html(head):
        problem = "it is an HTML page (a login, error or 'file moved' page, most often)"
    elif kind in ("zip", "xlsx"):
        problem = _zip_problem(path, head, kind)
    elif kind == "csv":
        problem = _csv_problem(head, size, columns)
    elif kind in ("json", "geojson", "arcgis"):
        problem = _json_problem(path, kind)
    elif kind == "dbf":
        problem = _dbf_problem(head, size)
    else:
        problem = None
    if problem:
        raise DataError(f"{url or str(path)} is not {_CONTENT_WORDS[kind]}: {problem}. What arrived: Content-Type "
                        f"{content_type or '(none given)'}, {size:,} bytes starting {head[:64]!r}")


# --------------------------------------------------------------------------- HTTP


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK_BYTES), b""):
            h.update(block)
    return h.hexdigest()


def download(url: str, dest: Path, *, timeout_s: float = 60, retries: int = 3, progress: bool | None = None,
             backoff_s: float = 1.0, allow_http: bool = False, expect: str | None = None, columns=()) -> Path:
    """Download ``url`` to ``dest`` through ``dest.part``, resuming, retrying and checking the content.

    Parameters
    ----------
    url : str
        ``https://`` URL (``http://`` with ``allow_http``); redirects are followed only to
        URLs :func:`check_url` accepts.
    dest : Path
        Final file; the partial transfer lives in ``<dest>.part`` until complete and checked.
    timeout_s : float
        Socket timeout of each attempt [s].
    retries : int
        Further attempts after the first on network errors, timeouts and HTTP 429/5xx.
    progress : bool, optional
        tqdm bar (default: only when stderr is a terminal).
    backoff_s : float
        First wait between attempts [s], doubled each time.
    allow_http : bool
        Accept plain ``http://`` for ``url`` and its redirects.
    expect : str, optional
        Content kind the file must hold (see :func:`check_content`); default from the
        suffix of ``dest`` (:func:`content_kind`).
    columns : sequence of str
        Header fields a CSV download must hold.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    ConfigError
        A refused URL or redirect.
    DataError
        HTTP failure, or content that is not what ``expect`` names (the partial file is
        removed, ``dest`` is left as it was).
    """
    check_url(url, allow_http=allow_http)
    dest = Path(dest)
    kind = expect or content_kind(dest.name)
    if kind not in _CONTENT_WORDS:
        raise unknown_name("content kind", kind, _CONTENT_WORDS)
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    opener = _opener(allow_http)
    last: Exception | None = None
    content_type = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        have = part.stat().st_size if part.exists() else 0
        req = urllib.request.Request(url, headers={"User-Agent": "siting-fetch"})
        if have:
            req.add_header("Range", f"bytes={have}-")
        try:
            with opener.open(req, timeout=timeout_s) as resp:
                status = resp.status
                content_type = resp.headers.get("Content-Type")
                if have and status != 206:  # server ignored Range: start over
                    have = 0
                length = resp.headers.get("Content-Length")
                total = have + int(length) if length is not None else None
                with open(part, "ab" if have else "wb") as fh, tqdm(
                        total=total, initial=have, unit="B", unit_scale=True, desc=dest.name,
                        disable=not show) as bar:
                    while True:
                        block = resp.read(_CHUNK_BYTES)
                        if not block:
                            break
                        fh.write(block)
                        bar.update(len(block))
                if total is not None and part.stat().st_size < total:
                    raise DataError(f"{url}: transfer ended at {part.stat().st_size} of {total} bytes")
            break
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 416 and have:  # range past the end: the .part is already complete
                break
            if exc.code not in _RETRY_STATUS:
                raise DataError(f"download of {url} failed with HTTP {exc.code} {exc.reason}; "
                                "the source may have moved: update its URL in gis_data/fetch.py") from None
            last = exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, DataError, OSError) as exc:
            last = exc
        log.info("download of %s failed (attempt %d of %d): %s", url, attempt + 1, retries + 1, last)
    else:
        raise DataError(f"download of {url} failed after {retries + 1} attempts (timeout {timeout_s} s): {last}; "
                        "check the connection or raise timeout_s/retries")
    try:
        check_content(part, kind, url=url, content_type=content_type, columns=columns)
    except DataError as exc:
        part.unlink(missing_ok=True)  # never resumed, never kept under its final name
        raise DataError(f"{exc}. It was removed, not kept as {dest.name}: open the URL in a browser to see what the "
                        "server sends; if the agency moved the file, update the source's URL in gis_data/fetch.py; "
                        "for a mirror (--base-url), check that it serves <base>/<source>/<file>") from None
    os.replace(part, dest)
    return dest


# --------------------------------------------------------------------------- ArcGIS paging
#
# Why resultOffset paging rather than ids first (returnIdsOnly=true, then objectIds= batches):
# both are documented by Esri, but the id list of a national layer (HIFLD has ~78,000
# substations) makes objectIds= requests of several kB that GET URLs and proxies truncate,
# and needs two request shapes to resume. Offset paging is what ArcGIS clients themselves
# do: one request shape, pages small and independent, stored one file each so a killed
# fetch resumes at the first missing page. Its two risks are handled: the order is pinned
# with orderByFields=<object id> so pages do not overlap, the offset advances by the
# features actually returned (a server capping below our page size loses nothing), the
# merge de-duplicates by object id, and a server that ignores resultOffset (no
# supportsPagination) is caught when a page brings nothing new.


def _page_url(query_url: str, object_id_field: str, offset: int, page_size: int) -> str:
    parts = urllib.parse.urlsplit(query_url)
    params = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
              if k not in ("resultOffset", "resultRecordCount", "orderByFields")]
    params += [("orderByFields", object_id_field), ("resultOffset", str(offset)),
               ("resultRecordCount", str(page_size))]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(params, safe="*")))


def _exceeded(doc: dict) -> bool:
    """``exceededTransferLimit`` of a query answer: top level (f=json, most f=geojson servers)
    or under ``properties`` (ArcGIS Online f=geojson)."""
    props = doc.get("properties") if isinstance(doc.get("properties"), dict) else {}
    return bool(doc.get("exceededTransferLimit") or props.get("exceededTransferLimit"))


def _feature_id(feature: dict, object_id_field: str):
    """Object id of a GeoJSON feature: its ``id`` member, else the object-id property."""
    if feature.get("id") is not None:
        return feature["id"]
    props = feature.get("properties") or {}
    for k, v in props.items():
        if k.lower() == object_id_field.lower() and v is not None:
            return v
    return json.dumps(feature, sort_keys=True)  # no id at all: identical features count once


def _read_page(path: Path, url: str) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        path.unlink(missing_ok=True)
        raise DataError(f"ArcGIS page {url} is not JSON ({exc}); it was discarded, run the fetch again to "
                        "resume at this page") from None
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        path.unlink(missing_ok=True)
        err = doc["error"]
        raise DataError(f"ArcGIS server answered {url} with error {err.get('code')}: {err.get('message')} "
                        f"{err.get('details') or ''}; check the layer URL and object_id_field in gis_data/fetch.py")
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        path.unlink(missing_ok=True)
        raise DataError(f"ArcGIS page {url} has no 'features' list; expected a GeoJSON FeatureCollection (f=geojson)")
    if doc["features"] and "attributes" in doc["features"][0] and doc.get("type") != "FeatureCollection":
        path.unlink(missing_ok=True)
        raise DataError(f"ArcGIS server answered {url} in Esri JSON, not GeoJSON: it predates f=geojson "
                        "(ArcGIS Server 10.4); download the layer by hand and give it to siting data scan")
    return doc


def fetch_arcgis(query_url: str, dest: Path, *, object_id_field: str = "OBJECTID",
                 page_size: int = ARCGIS_PAGE_SIZE, max_pages: int = ARCGIS_MAX_PAGES, timeout_s: float = 60,
                 retries: int = 3, backoff_s: float = 1.0, progress: bool | None = None,
                 allow_http: bool = False) -> dict:
    """Page through an ArcGIS REST ``query`` and write one de-duplicated GeoJSON file.

    Pages are requested with ``orderByFields=<object_id_field>``, ``resultOffset`` and
    ``resultRecordCount`` until one comes back empty or without ``exceededTransferLimit``;
    each is kept as ``.parts/<dest name>/page-NNNNN.json`` beside ``dest`` (with the query it
    belongs to in ``query.json``), so a
    fetch killed mid-way restarts at the first missing page. The merged FeatureCollection
    (features de-duplicated by object id) is written atomically to ``dest`` and the parts
    folder removed.

    Parameters
    ----------
    query_url : str
        The layer's ``.../FeatureServer/<n>/query?...&f=geojson`` URL (no paging parameters).
    dest : Path
        Merged GeoJSON file.
    object_id_field : str
        The layer's object-id field, used to order the pages.
    page_size : int
        ``resultRecordCount`` asked for [features]; the server may return fewer.
    max_pages : int
        Pages after which a server still answering ``exceededTransferLimit`` is an error.
    timeout_s, retries, backoff_s : float, int, float
        As for :func:`download`, per page [s], [-], [s].
    progress : bool, optional
        A page counter (default: only when stderr is a terminal).
    allow_http : bool
        Accept a plain ``http://`` query URL (and redirects to one); see :func:`check_url`.

    Returns
    -------
    dict
        ``pages`` [-], ``features`` [-] written and ``duplicates`` [-] dropped.

    References
    ----------
    Esri, ArcGIS REST API, "Query (Feature Service/Layer)": ``resultOffset``,
    ``resultRecordCount``, ``orderByFields``, ``exceededTransferLimit``.
    """
    if page_size < 1 or max_pages < 1:
        raise ConfigError(f"page_size={page_size} and max_pages={max_pages} must both be >= 1")
    check_url(query_url, allow_http=allow_http, what="ArcGIS query URL")
    dest = Path(dest)
    parts = dest.parent / ".parts" / dest.name
    ident = {"url": query_url, "object_id_field": object_id_field, "page_size": page_size}
    ident_file = parts / "query.json"
    if parts.exists():
        try:
            same = json.loads(ident_file.read_text(encoding="utf-8")) == ident
        except (OSError, ValueError):
            same = False
        if not same:  # pages of another query (other bbox, page size): never mix them in
            log.info("discarding pages of a different query in %s", parts)
            shutil.rmtree(parts)
    parts.mkdir(parents=True, exist_ok=True)
    if not ident_file.exists():
        tmp = ident_file.with_name(".query.json.tmp")
        tmp.write_text(json.dumps(ident), encoding="utf-8")
        os.replace(tmp, ident_file)
    show = sys.stderr.isatty() if progress is None else progress
    seen: dict = {}
    offset = duplicates = pages = 0
    with tqdm(desc=dest.name, unit="page", disable=not show) as bar:
        for k in range(max_pages):
            url = _page_url(query_url, object_id_field, offset, page_size)
            page = parts / f"page-{k:05d}.json"
            if page.exists():
                log.debug("page %d of %s already fetched", k, dest.name)
            else:
                page.with_name(page.name + ".part").unlink(missing_ok=True)  # a query answer is not resumable
                download(url, page, timeout_s=timeout_s, retries=retries, progress=False, backoff_s=backoff_s,
                         allow_http=allow_http, expect="arcgis")
            doc = _read_page(page, url)
            feats = doc["features"]
            new = 0
            for f in feats:
                fid = _feature_id(f, object_id_field)
                if fid in seen:
                    duplicates += 1
                else:
                    seen[fid] = f
                    new += 1
            pages += 1
            offset += len(feats)
            bar.update(1)
            bar.set_postfix(features=len(seen))
            if not feats or not _exceeded(doc):
                break
            if new == 0:
                raise DataError(
                    f"ArcGIS server says more features remain after page {k + 1} of {dest.name} but the page "
                    f"brought no new object id (resultOffset={offset - len(feats)}): it ignores resultOffset "
                    "(no pagination support); download the layer by hand and give it to siting data scan")
        else:
            raise DataError(
                f"ArcGIS query for {dest.name} still reports exceededTransferLimit after max_pages={max_pages} "
                f"pages ({len(seen):,} features so far): the server misbehaves, or the area is larger than "
                f"max_pages x page_size; fetch a smaller bbox or raise max_pages (pages kept in {parts})")
    tmp = dest.with_name("." + dest.name + ".tmp")
    tmp.write_text(json.dumps({"type": "FeatureCollection", "features": list(seen.values())}), encoding="utf-8")
    os.replace(tmp, dest)
    shutil.rmtree(parts)
    if not any(parts.parent.iterdir()):
        parts.parent.rmdir()
    if duplicates:
        log.info("%s: %d features repeated across pages were kept once", dest.name, duplicates)
    return {"pages": pages, "features": len(seen), "duplicates": duplicates}


# --------------------------------------------------------------------------- archives
#
# Why these bounds (decimal units: 1 MB = 10**6 bytes).
#
# What the real archives of SOURCES expand to:
# - alltmy3a.zip (tmy3) holds one CSV per TMY3 station, 1,020 stations (Wilcox & Marion 2008,
#   NREL/TP-581-43156); a station file is 1,735,347 bytes (Dallas-Fort Worth, measured), so the
#   archive expands to about 1,020 x 1.74 MB = 1.77 GB: the largest of the registry.
# - aqueduct-4-0-water-risk-data.zip (aqueduct40) is 261,527,511 bytes (249 MiB) as WRI serves
#   it (size and SHA-256 pinned by projects that mirror it). Its baseline annual CSV alone is
#   about 193 MB; its total uncompressed size was not found published. At the highest ratio
#   measured on these sources (10.2, below) it cannot exceed 2.7 GB, and it is likely under
#   1 GB since most of it is file-geodatabase polygons, which compress about 1.5x.
# - eia8602023.zip and the Census zips are a few MB.
# Compression ratios measured (uncompressed / compressed): Census county zip members 0.7-10.2
# (the .shp.ea.iso.xml metadata highest; .shp 1.5, .dbf 5.2), 1.95 for the whole zip; deflated
# CSVs of the shared data: USGS 4.4, Aqueduct 6.3, TMY3 7.3.
# What a bomb does: deflate expands at most about 1032:1 (zlib technical details,
# https://zlib.net/zlib_tech.html), so bombs stack members near that ratio (the 1 MB zip that
# wrote 1.07 GB). Apache POI, which opens untrusted Office zips, refuses an entry that expands
# more than 100x once past 100 kB (ZipSecureFile MIN_INFLATE_RATIO = 0.01, GRACE_ENTRY_SIZE),
# and more than 1,000 entries, which would refuse TMY3's 1,020 files.
# Hence: 4 GB in total (2.3x the largest real archive), 100x per member (POI's bound, ~10x the
# highest real member), 50x for the whole archive (~7x TMY3's 7.3), 10,000 entries (~10x TMY3),
# ratios applied past 1 MB of output (a small file of blanks compresses a thousandfold and
# harms nothing). A bomb of S compressed bytes can then write at most max(1 MB, 50 x S).

#: Default bound on the bytes one archive may write when extracted [bytes] (4.0 GB).
MAX_EXTRACT_BYTES = 4_000_000_000
#: Default bound on one member's uncompressed / compressed size [-].
MAX_MEMBER_RATIO = 100.0
#: Default bound on the archive's total uncompressed size / its size on disk [-].
MAX_ARCHIVE_RATIO = 50.0
#: Default bound on the entries of one archive, folders included [-].
MAX_MEMBERS = 10_000
#: Output below which the ratio bounds are not applied [bytes] (1 MB).
RATIO_GRACE_BYTES = 1_000_000


@dataclass(frozen=True)
class ExtractLimits:
    """Bounds on what extracting one archive may write (:func:`safe_extract`).

    The defaults and why they were chosen are in the comment above this class in
    ``gis_data/fetch.py``; ``siting data fetch`` sets them with ``--max-extract-mb``,
    ``--max-member-ratio``, ``--max-archive-ratio`` and ``--max-members``.

    Attributes
    ----------
    max_total_bytes : int
        Uncompressed bytes all members together may write [bytes].
    max_member_ratio : float
        Bytes a member writes / its compressed size [-], once past ``ratio_grace_bytes``.
    max_archive_ratio : float
        Bytes all members write / the archive's size on disk [-], once past ``ratio_grace_bytes``.
    max_members : int
        Entries in the archive, folders included [-].
    ratio_grace_bytes : int
        Output below which the ratio bounds are not applied [bytes].
    """

    max_total_bytes: int = MAX_EXTRACT_BYTES
    max_member_ratio: float = MAX_MEMBER_RATIO
    max_archive_ratio: float = MAX_ARCHIVE_RATIO
    max_members: int = MAX_MEMBERS
    ratio_grace_bytes: int = RATIO_GRACE_BYTES

    def __post_init__(self):
        for name in ("max_total_bytes", "max_member_ratio", "max_archive_ratio", "max_members"):
            value = getattr(self, name)
            whole = name in ("max_total_bytes", "max_members")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
                    or value == float("inf") or (whole and value < 1):
                raise ConfigError(f"ExtractLimits.{name}={value!r} must be a finite number > 0{' and >= 1' if whole else ''} "
                                  f"(default {getattr(ExtractLimits, name)}); raise it to accept a larger archive")
            if whole:
                object.__setattr__(self, name, int(value))  # a count of bytes or entries
        if isinstance(self.ratio_grace_bytes, bool) or not isinstance(self.ratio_grace_bytes, int) \
                or self.ratio_grace_bytes < 0:
            raise ConfigError(f"ExtractLimits.ratio_grace_bytes={self.ratio_grace_bytes!r} must be an integer >= 0 "
                              f"[bytes] (default {RATIO_GRACE_BYTES})")


_FLAG = {"max_total_bytes": "--max-extract-mb", "max_member_ratio": "--max-member-ratio",
         "max_archive_ratio": "--max-archive-ratio", "max_members": "--max-members"}


def _over(archive: Path, what: str, field: str, stage: str) -> DataError:
    return DataError(f"archive {str(archive)!r}: {what} ({stage}); refusing to extract it, and nothing it wrote "
                     f"was kept. A real archive this large or this compressible is rare: if you trust the source, "
                     f"raise the bound ({_FLAG[field]}, ExtractLimits.{field})")


def _check_paths(archive: Path, out_dir: Path, infos) -> None:
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        target = (out_dir / pure).resolve()
        if pure.is_absolute() or ".." in pure.parts or is_link or (len(name) > 1 and name[1] == ":") \
                or not target.is_relative_to(out_dir):
            raise DataError(f"archive {str(archive)!r} member {name!r} would be written outside "
                            f"{str(out_dir)!r} (absolute path, '..' or symlink); refusing to extract it")


def _check_declared(archive: Path, infos, archive_bytes: int, limits: ExtractLimits, out_dir: Path) -> None:
    """The bounds against the sizes the archive's central directory declares (may lie; the
    streaming count in :func:`_extract_bounded` catches that)."""
    stage = "as its directory declares"
    if len(infos) > limits.max_members:
        raise _over(archive, f"{len(infos):,} entries, more than {limits.max_members:,}", "max_members", stage)
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_bytes:
        raise _over(archive, f"{total:,} bytes uncompressed, more than {limits.max_total_bytes:,}",
                    "max_total_bytes", stage)
    for info in infos:
        compressed = max(min(info.compress_size, archive_bytes), 1)  # a member is never larger than its archive
        ratio = info.file_size / compressed
        if info.file_size > limits.ratio_grace_bytes and ratio > limits.max_member_ratio:
            raise _over(archive, f"member {info.filename!r} expands {ratio:,.0f}x ({compressed:,} to "
                        f"{info.file_size:,} bytes), more than {limits.max_member_ratio:g}x", "max_member_ratio", stage)
    ratio = total / max(archive_bytes, 1)
    if total > limits.ratio_grace_bytes and ratio > limits.max_archive_ratio:
        raise _over(archive, f"{archive_bytes:,} bytes expand {ratio:,.0f}x to {total:,}, more than "
                    f"{limits.max_archive_ratio:g}x", "max_archive_ratio", stage)
    probe = out_dir
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if total > free:
        raise DataError(f"archive {str(archive)!r} expands to {total:,} bytes but {str(probe)!r} has {free:,} bytes "
                        "free; free some space or fetch into another folder (--out)")


def _extract_bounded(zf: zipfile.ZipFile, archive: Path, infos, archive_bytes: int, staging: Path,
                     limits: ExtractLimits) -> list[PurePosixPath]:
    """Stream every member into ``staging``, counting bytes: a block that would take the
    output past a bound is not written."""
    stage = "counted while extracting"
    total = 0
    done = []
    for info in infos:
        if info.is_dir():
            continue
        rel = PurePosixPath(info.filename.replace("\\", "/"))
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        compressed = max(min(info.compress_size, archive_bytes), 1)
        member = 0
        with zf.open(info) as src, open(target, "wb") as dst:
            while block := src.read(_CHUNK_BYTES):
                member += len(block)
                total += len(block)
                if total > limits.max_total_bytes:
                    raise _over(archive, f"more than {limits.max_total_bytes:,} bytes uncompressed (member "
                                f"{info.filename!r} declared {info.file_size:,})", "max_total_bytes", stage)
                if member > limits.ratio_grace_bytes and member / compressed > limits.max_member_ratio:
                    raise _over(archive, f"member {info.filename!r} expands more than {limits.max_member_ratio:g}x "
                                f"({compressed:,} compressed bytes gave over {member:,})", "max_member_ratio", stage)
                if total > limits.ratio_grace_bytes and total / max(archive_bytes, 1) > limits.max_archive_ratio:
                    raise _over(archive, f"{archive_bytes:,} bytes expand more than {limits.max_archive_ratio:g}x "
                                f"(over {total:,} bytes)", "max_archive_ratio", stage)
                dst.write(block)
        done.append(rel)
    return done


def safe_extract(archive: Path, out_dir: Path, *, limits: ExtractLimits | None = None) -> list[Path]:
    """Extract a zip into ``out_dir``, refusing members outside it and bounding what it writes.

    Raises :class:`DataError` before writing anything if a member is absolute, holds
    ``..`` or is a symbolic link, or if the sizes the archive declares break ``limits``
    (or the free disk space). The members are then streamed into a hidden staging folder
    in ``out_dir``, their bytes counted as they are written: a block that would take the
    output past a bound is not written, the staging folder is removed and a
    :class:`DataError` says which bound, so an archive whose header lies about its sizes
    writes no more than the bound either. Only a complete, bounded extraction is moved
    into ``out_dir``.

    Parameters
    ----------
    archive : Path
        The zip file.
    out_dir : Path
        Folder receiving the members (created if needed).
    limits : ExtractLimits, optional
        Bounds on bytes, ratios and entries (default :class:`ExtractLimits()`).

    Returns
    -------
    list of Path
        The extracted files.
    """
    limits = ExtractLimits() if limits is None else limits
    archive = Path(archive)
    out_dir = Path(out_dir).resolve()
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"{str(archive)!r} is not a readable zip archive ({exc}); fetch it again") from None
    with zf:
        infos = zf.infolist()
        archive_bytes = archive.stat().st_size
        _check_paths(archive, out_dir, infos)
        _check_declared(archive, infos, archive_bytes, limits, out_dir)
        staging = out_dir / f".{archive.name}.extracting"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            done = _extract_bounded(zf, archive, infos, archive_bytes, staging, limits)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                                RuntimeError)):
                raise DataError(f"archive {str(archive)!r} could not be extracted ({type(exc).__name__}: {exc}); "
                                "nothing it wrote was kept: fetch it again, or check the disk") from None
            raise
    written = []
    try:
        for rel in done:
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
            written.append(target)
    except OSError as exc:
        raise DataError(f"archive {str(archive)!r}: a member could not take its place in {str(out_dir)!r} ({exc}); "
                        "remove what is in the way (a folder where a file goes) and fetch again") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


# --------------------------------------------------------------------------- fetch


def _state_bbox(state: str, states_zip: Path) -> tuple[float, float, float, float]:
    frame = get_format("census_states").loader(states_zip)
    hit = frame[frame["state_abbr"].str.upper() == state.upper()]
    if hit.empty:
        raise ConfigError(f"state {state!r} is not in the Census states layer; give a two-letter code "
                          f"such as TX (valid: {', '.join(sorted(frame['state_abbr'].dropna()))})")
    return tuple(float(v) for v in hit.total_bounds)


def _url_for(src: Source, bbox, base_url_override: str | None) -> str:
    url = src.url
    if base_url_override is not None:
        parts = urllib.parse.urlsplit(url)
        url = base_url_override.rstrip("/") + f"/{src.name}/{src.filename}" + (f"?{parts.query}" if parts.query else "")
    if "{bbox}" in url:
        box = bbox if bbox is not None else (-180.0, -90.0, 180.0, 90.0)
        url = url.replace("{bbox}", urllib.parse.quote(",".join(f"{v:.6f}" for v in box)))
    return url


def fetch(sources, out_dir, *, bbox=None, state: str | None = None, base_url_override: str | None = None,
          progress: bool | None = None, timeout_s: float = 60, retries: int = 3, backoff_s: float = 1.0,
          page_size: int = ARCGIS_PAGE_SIZE, max_pages: int = ARCGIS_MAX_PAGES, refresh: bool = False,
          allow_http: bool = False, limits: ExtractLimits | None = None) -> Path:
    """Download official sources into ``out_dir/<source>/<vintage>/`` and write a layer set.

    Parameters
    ----------
    sources : iterable of str or Source
        Names from :data:`SOURCES` (``None``: all), or :class:`Source` objects.
    out_dir : str or Path
        Cache folder; receives ``manifest.json`` and ``layers.toml``.
    bbox : tuple of 4 float, optional
        ``(W, S, E, N)`` [deg] passed to sources that accept a bounding box.
    state : str, optional
        Two-letter state; its bounding box (from the Census states layer, fetched first)
        is used when ``bbox`` is not given.
    base_url_override : str, optional
        Serve every source from ``<base>/<source>/<filename>`` (mirrors, tests); an
        ``https://`` URL (``http://`` with ``allow_http``).
    progress : bool, optional
        Progress bars (default: only when stderr is a terminal).
    timeout_s : float
        Socket timeout per attempt [s].
    retries : int
        Further attempts per file.
    backoff_s : float
        First wait between attempts [s].
    page_size : int
        Features asked for per ArcGIS page [-] (:func:`fetch_arcgis`).
    max_pages : int
        Pages after which a paged ArcGIS query is an error [-].
    refresh : bool
        Download again even when the cache already holds the file: by default a file whose
        manifest entry has the same URL and whose sha256 still matches is reused.
    allow_http : bool
        Accept plain ``http://`` source, mirror and redirect URLs (default: ``https://`` only).
    limits : ExtractLimits, optional
        Bounds on what extracting an archive may write (default :class:`ExtractLimits()`).

    Returns
    -------
    Path
        The written ``layers.toml``: the roles fetched now, plus the roles of an earlier
        ``layers.toml`` in ``out_dir`` that this call did not fetch.

    Raises
    ------
    ConfigError
        A source or mirror URL that is not ``https://`` (or ``http://`` when allowed),
        checked for every source before anything is downloaded.
    DataError
        A download that is not what its source should be (an HTML page, a zip that is not
        one, a CSV without its loader's columns ...) or an archive breaking ``limits``:
        neither is kept under its final name nor recorded in the manifest.
    """
    chosen = [s if isinstance(s, Source) else get_source(str(s)) for s in (sources or SOURCES)]
    if not chosen:
        raise ConfigError("no sources given; pass names from " + ", ".join(SOURCES))
    if bbox is not None:
        bbox = tuple(float(v) for v in bbox)
        if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
            raise ConfigError(f"bbox {bbox} must be (W, S, E, N) in degrees with W < E and S < N")
    if state and bbox is None:
        states = next((s for s in chosen if s.role == "states"), SOURCES["census_states"])
        chosen = [states] + [s for s in chosen if s is not states]
    # every URL is checked before anything is downloaded or created
    if base_url_override is not None:
        check_url(base_url_override, allow_http=allow_http, what="mirror URL (--base-url / base_url_override)")
    for src in chosen:
        check_url(_url_for(src, None, base_url_override), allow_http=allow_http, what=f"URL of source {src.name!r}")
    limits = ExtractLimits() if limits is None else limits
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"files": {}}
    specs: dict[str, LayerSpec] = {}
    for src in chosen:
        folder = out / src.name / src.vintage
        url = _url_for(src, bbox, base_url_override)
        paging = {}
        dest = folder / src.filename
        rel = str(dest.relative_to(out))
        before = manifest["files"].get(rel, {})
        reused = (not refresh and before.get("url") == url and dest.is_file()
                  and _sha256(dest) == before.get("sha256"))
        if reused and not src.arcgis:  # a file cached before content was checked (the merged GeoJSON is ours)
            try:
                check_content(dest, content_kind(dest.name), columns=() if src.extract else src.columns)
            except DataError as exc:
                log.warning("%s: the cached %s is not what the source should be, so it is set aside and "
                            "downloaded again: %s", src.name, rel, exc)
                os.replace(dest, dest.with_name(dest.name + ".refused"))
                manifest["files"].pop(rel, None)
                _write_json(manifest_path, manifest)
                reused, before = False, {}
        if reused:
            log.info("%s: %s already in the cache (sha256 checked), not downloaded again", src.name, rel)
            paging = {k: before[k] for k in ("pages", "features", "duplicates") if k in before}
        elif src.arcgis:
            dest.parent.mkdir(parents=True, exist_ok=True)
            paging = fetch_arcgis(url, dest, object_id_field=src.object_id_field, page_size=page_size,
                                  max_pages=max_pages, timeout_s=timeout_s, retries=retries, backoff_s=backoff_s,
                                  progress=progress, allow_http=allow_http)
        else:
            dest = download(url, folder / src.filename, timeout_s=timeout_s, retries=retries, progress=progress,
                            backoff_s=backoff_s, allow_http=allow_http, columns=() if src.extract else src.columns)
        digest = before["sha256"] if reused else _sha256(dest)
        if src.sha256 and digest != src.sha256.lower():
            dest.rename(dest.with_name(dest.name + ".bad"))
            raise DataError(f"{src.name}: sha256 of {dest.name} is {digest}, the registry expects {src.sha256}; "
                            "the download is corrupt or the file changed upstream (it was moved aside as .bad)")
        layer_paths = [dest]
        if src.extract:
            if not (reused and before.get("extracted")):
                _extract_or_set_aside(src, dest, folder, limits, manifest, manifest_path, rel)
            if src.layer_glob == ".":
                layer_paths = [folder]
            elif src.layer_glob:
                layer_paths = sorted(p for p in folder.glob(src.layer_glob) if p.is_file())
                if not layer_paths:
                    raise MissingDataError(
                        f"{src.name}: no extracted file matches {src.layer_glob!r} in {folder}; the archive "
                        "layout changed upstream: update layer_glob in gis_data/fetch.py")
                if not reused:
                    _check_layer_files(src, layer_paths)
        manifest["files"][rel] = {
            "source": src.name, "url": url, "sha256": digest, "bytes": dest.stat().st_size,
            "vintage": src.vintage, "license": src.license, "terms": src.terms, "verified": bool(src.sha256),
            "fetched_utc": before.get("fetched_utc") if reused else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "extracted": src.extract, **paging,
        }
        _write_json(manifest_path, manifest)  # after each source, so a later failure keeps the record
        dest.with_name(dest.name + ".refused").unlink(missing_ok=True)  # an earlier refused copy, now superseded
        specs[src.role] = LayerSpec(src.role, tuple(p.resolve() for p in layer_paths), src.format)
        if state and bbox is None and src.role == "states":
            bbox = _state_bbox(state, dest)
            log.info("bounding box of %s: %s", state, bbox)
    earlier = _earlier_specs(out / LAYERS_FILE)
    layers = LayerSet({**{r: sp for r, sp in earlier.items() if r not in specs}, **specs},
                      name=f"official sources fetched into {out.name}")
    return layers.write(out / LAYERS_FILE, overwrite=True)


def _extract_or_set_aside(src: Source, archive: Path, folder: Path, limits: ExtractLimits, manifest: dict,
                          manifest_path: Path, rel: str) -> None:
    """Extract ``archive``; if it is refused (bounds, corrupt), move it aside as ``.refused``
    so it is neither kept under its name nor left in the manifest (a later successful
    fetch of the source removes that copy)."""
    aside = archive.with_name(archive.name + ".refused")
    try:
        safe_extract(archive, folder, limits=limits)
    except DataError as exc:
        os.replace(archive, aside)
        if manifest["files"].pop(rel, None) is not None:
            _write_json(manifest_path, manifest)
        raise DataError(f"{src.name}: {exc}. The downloaded archive was moved aside as {aside.name} (delete it, or "
                        "fetch again after raising the bound)") from None


def _check_layer_files(src: Source, paths) -> None:
    """Check the layer files extracted from an archive: a CSV holds its loader's columns, an
    xlsx is a workbook, and so on (:func:`check_content`)."""
    for path in paths:
        kind = content_kind(path.name)
        if kind == "any":
            continue
        try:
            check_content(path, kind, columns=src.columns if kind == "csv" else ())
        except DataError as exc:
            raise DataError(f"{src.name}: {exc}; the archive layout or schema changed upstream: update layer_glob "
                            "or columns in gis_data/fetch.py") from None


def _write_json(path: Path, doc: dict) -> None:
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _earlier_specs(path: Path) -> dict[str, LayerSpec]:
    """Roles of a layer set an earlier fetch wrote into the same folder (empty if none or unreadable)."""
    if not path.is_file():
        return {}
    try:
        return dict(LayerSet.from_path(path, use_cache=False).specs)
    except (ConfigError, DataError, MissingDataError) as exc:
        log.warning("ignoring the earlier %s (%s); it is replaced by the roles fetched now", path, exc)
        return {}
