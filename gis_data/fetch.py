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
``urllib.request`` is used.

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

import hashlib
import json
import logging
import os
import shutil
import stat
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
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
    page stating the source's terms of use.
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
           "usco2015v2.0.csv", "USGS (public domain)", "2015", terms="https://doi.org/10.5066/F7TB15V5"),
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
           terms="https://www.wri.org/data/aqueduct-global-maps-40-data"),
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


# --------------------------------------------------------------------------- HTTP


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK_BYTES), b""):
            h.update(block)
    return h.hexdigest()


def download(url: str, dest: Path, *, timeout_s: float = 60, retries: int = 3, progress: bool | None = None,
             backoff_s: float = 1.0) -> Path:
    """Download ``url`` to ``dest`` through ``dest.part``, resuming and retrying.

    Parameters
    ----------
    url : str
        HTTP(S) URL.
    dest : Path
        Final file; the partial transfer lives in ``<dest>.part`` until complete.
    timeout_s : float
        Socket timeout of each attempt [s].
    retries : int
        Further attempts after the first on network errors, timeouts and HTTP 429/5xx.
    progress : bool, optional
        tqdm bar (default: only when stderr is a terminal).
    backoff_s : float
        First wait between attempts [s], doubled each time.

    Returns
    -------
    Path
        ``dest``.
    """
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        have = part.stat().st_size if part.exists() else 0
        req = urllib.request.Request(url, headers={"User-Agent": "siting-fetch"})
        if have:
            req.add_header("Range", f"bytes={have}-")
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as resp:
                status = resp.status
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
            os.replace(part, dest)
            return dest
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 416 and have:  # range past the end: the .part is already complete
                os.replace(part, dest)
                return dest
            if exc.code not in _RETRY_STATUS:
                raise DataError(f"download of {url} failed with HTTP {exc.code} {exc.reason}; "
                                "the source may have moved: update its URL in gis_data/fetch.py") from None
            last = exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, DataError, OSError) as exc:
            last = exc
        log.info("download of %s failed (attempt %d of %d): %s", url, attempt + 1, retries + 1, last)
    raise DataError(f"download of {url} failed after {retries + 1} attempts (timeout {timeout_s} s): {last}; "
                    "check the connection or raise timeout_s/retries")


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
                 retries: int = 3, backoff_s: float = 1.0, progress: bool | None = None) -> dict:
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
                download(url, page, timeout_s=timeout_s, retries=retries, progress=False, backoff_s=backoff_s)
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


def safe_extract(archive: Path, out_dir: Path) -> list[Path]:
    """Extract a zip into ``out_dir``, refusing any member that would land outside it.

    Raises :class:`DataError` before writing anything if a member is absolute, holds
    ``..``, or is a symbolic link.
    """
    out_dir = Path(out_dir).resolve()
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        for info in infos:
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            is_link = stat.S_ISLNK(info.external_attr >> 16)
            target = (out_dir / pure).resolve()
            if pure.is_absolute() or ".." in pure.parts or is_link or (len(name) > 1 and name[1] == ":") \
                    or not target.is_relative_to(out_dir):
                raise DataError(f"archive {str(archive)!r} member {name!r} would be written outside "
                                f"{str(out_dir)!r} (absolute path, '..' or symlink); refusing to extract it")
        written = []
        for info in infos:
            if info.is_dir():
                continue
            target = out_dir / PurePosixPath(info.filename.replace("\\", "/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                while block := src.read(_CHUNK_BYTES):
                    dst.write(block)
            written.append(target)
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
    if base_url_override:
        parts = urllib.parse.urlsplit(url)
        url = base_url_override.rstrip("/") + f"/{src.name}/{src.filename}" + (f"?{parts.query}" if parts.query else "")
    if "{bbox}" in url:
        box = bbox if bbox is not None else (-180.0, -90.0, 180.0, 90.0)
        url = url.replace("{bbox}", urllib.parse.quote(",".join(f"{v:.6f}" for v in box)))
    return url


def fetch(sources, out_dir, *, bbox=None, state: str | None = None, base_url_override: str | None = None,
          progress: bool | None = None, timeout_s: float = 60, retries: int = 3, backoff_s: float = 1.0,
          page_size: int = ARCGIS_PAGE_SIZE, max_pages: int = ARCGIS_MAX_PAGES, refresh: bool = False) -> Path:
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
        Serve every source from ``<base>/<source>/<filename>`` (mirrors, tests).
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

    Returns
    -------
    Path
        The written ``layers.toml``: the roles fetched now, plus the roles of an earlier
        ``layers.toml`` in ``out_dir`` that this call did not fetch.
    """
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
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
        if reused:
            log.info("%s: %s already in the cache (sha256 checked), not downloaded again", src.name, rel)
            paging = {k: before[k] for k in ("pages", "features", "duplicates") if k in before}
        elif src.arcgis:
            dest.parent.mkdir(parents=True, exist_ok=True)
            paging = fetch_arcgis(url, dest, object_id_field=src.object_id_field, page_size=page_size,
                                  max_pages=max_pages, timeout_s=timeout_s, retries=retries, backoff_s=backoff_s,
                                  progress=progress)
        else:
            dest = download(url, folder / src.filename, timeout_s=timeout_s, retries=retries, progress=progress,
                            backoff_s=backoff_s)
        digest = before["sha256"] if reused else _sha256(dest)
        if src.sha256 and digest != src.sha256.lower():
            dest.rename(dest.with_name(dest.name + ".bad"))
            raise DataError(f"{src.name}: sha256 of {dest.name} is {digest}, the registry expects {src.sha256}; "
                            "the download is corrupt or the file changed upstream (it was moved aside as .bad)")
        layer_paths = [dest]
        if src.extract:
            if not (reused and before.get("extracted")):
                safe_extract(dest, folder)
            if src.layer_glob == ".":
                layer_paths = [folder]
            elif src.layer_glob:
                layer_paths = sorted(p for p in folder.glob(src.layer_glob) if p.is_file())
                if not layer_paths:
                    raise MissingDataError(
                        f"{src.name}: no extracted file matches {src.layer_glob!r} in {folder}; the archive "
                        "layout changed upstream: update layer_glob in gis_data/fetch.py")
        manifest["files"][rel] = {
            "source": src.name, "url": url, "sha256": digest, "bytes": dest.stat().st_size,
            "vintage": src.vintage, "license": src.license, "terms": src.terms, "verified": bool(src.sha256),
            "fetched_utc": before.get("fetched_utc") if reused else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "extracted": src.extract, **paging,
        }
        _write_json(manifest_path, manifest)  # after each source, so a later failure keeps the record
        specs[src.role] = LayerSpec(src.role, tuple(p.resolve() for p in layer_paths), src.format)
        if state and bbox is None and src.role == "states":
            bbox = _state_bbox(state, dest)
            log.info("bounding box of %s: %s", state, bbox)
    earlier = _earlier_specs(out / LAYERS_FILE)
    layers = LayerSet({**{r: sp for r, sp in earlier.items() if r not in specs}, **specs},
                      name=f"official sources fetched into {out.name}")
    return layers.write(out / LAYERS_FILE, overwrite=True)


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
