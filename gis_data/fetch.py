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

The URLs in :data:`SOURCES` are the official locations as of each source's vintage;
agencies move files, so a failing URL names the source to update.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
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

_ARCGIS_QUERY = ("/query?where=1%3D1&outFields=*&outSR=4326&f=geojson"
                 "&geometryType=esriGeometryEnvelope&inSR=4326&spatialRel=esriSpatialRelIntersects&geometry={bbox}")


@dataclass(frozen=True)
class Source:
    """One official public source.

    ``url`` may hold ``{bbox}`` (``W,S,E,N`` in degrees, for ArcGIS feature-service
    queries); ``filename`` is the name saved in the cache; ``extract`` unpacks a zip
    archive; ``layer_glob`` picks the layer file(s) among the extracted members (default:
    the downloaded file itself).
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


#: Official sources (URLs as of each vintage).
SOURCES: dict[str, Source] = {s.name: s for s in [
    Source("hifld_transmission", "transmission", "hifld_transmission",
           "https://services1.arcgis.com/Hp6G80Pky0om7QvQ/arcgis/rest/services/"
           "Electric_Power_Transmission_Lines/FeatureServer/0" + _ARCGIS_QUERY,
           "transmission.geojson", "HIFLD Open (public domain, DHS)", "2023"),
    Source("hifld_substations", "substations", "hifld_substations",
           "https://services1.arcgis.com/Hp6G80Pky0om7QvQ/arcgis/rest/services/"
           "Electric_Substations/FeatureServer/0" + _ARCGIS_QUERY,
           "substations.geojson", "HIFLD Open (public domain, DHS)", "2023"),
    Source("eia_natgas_pipelines", "pipelines", "eia_natgas_pipelines",
           "https://services7.arcgis.com/FGr1D95XCGALKXqM/arcgis/rest/services/"
           "Natural_Gas_Interstate_and_Intrastate_Pipelines_1/FeatureServer/0" + _ARCGIS_QUERY,
           "pipelines.geojson", "EIA U.S. Energy Atlas (public domain)", "2023"),
    Source("eia860", "plants", "eia860_generators",
           "https://www.eia.gov/electricity/data/eia860/xls/eia8602023.zip",
           "eia8602023.zip", "EIA (public domain)", "2023", extract=True, layer_glob="3_1_Generator_Y2023.xlsx"),
    Source("census_states", "states", "census_states",
           "https://www2.census.gov/geo/tiger/GENZ2018/shp/cb_2018_us_state_20m.zip",
           "cb_2018_us_state_20m.zip", "US Census Bureau (public domain)", "2018"),
    Source("census_counties", "counties", "census_counties",
           "https://www2.census.gov/geo/tiger/GENZ2018/shp/cb_2018_us_county_20m.zip",
           "cb_2018_us_county_20m.zip", "US Census Bureau (public domain)", "2018"),
    Source("usgs_water_use_2015", "water_use", "usgs_water_use_2015",
           "https://www.sciencebase.gov/catalog/file/get/5af3311be4b0da30c1b245d8?name=usco2015v2.0.csv",
           "usco2015v2.0.csv", "USGS (public domain)", "2015"),
    Source("greenbook_phistory", "nonattainment", "greenbook_phistory",
           "https://www3.epa.gov/airquality/greenbook/downld/phistory.zip",
           "phistory.zip", "US EPA Green Book (public domain)", "2024", extract=True, layer_glob="phistory*.csv"),
    Source("aqueduct40", "water_stress", "aqueduct40_table",
           "https://files.wri.org/aqueduct/aqueduct-4-0-water-risk-data.zip",
           "aqueduct-4-0-water-risk-data.zip", "WRI Aqueduct 4.0 (CC BY 4.0)", "2023",
           extract=True, layer_glob="**/Aqueduct40_baseline_annual_*.csv"),
    Source("tmy3", "weather_stations", "tmy3_files",
           "https://rredc.nrel.gov/solar/old_data/nsrdb/1991-2005/tmy3/alltmy3a.zip",
           "alltmy3a.zip", "NREL NSRDB TMY3 (public, cite Wilcox & Marion 2008)", "1991-2005",
           extract=True, layer_glob="*TYA.CSV"),
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
          progress: bool | None = None, timeout_s: float = 60, retries: int = 3, backoff_s: float = 1.0) -> Path:
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

    Returns
    -------
    Path
        The written ``layers.toml``.
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
        dest = download(url, folder / src.filename, timeout_s=timeout_s, retries=retries, progress=progress,
                        backoff_s=backoff_s)
        digest = _sha256(dest)
        if src.sha256 and digest != src.sha256.lower():
            dest.rename(dest.with_name(dest.name + ".bad"))
            raise DataError(f"{src.name}: sha256 of {dest.name} is {digest}, the registry expects {src.sha256}; "
                            "the download is corrupt or the file changed upstream (it was moved aside as .bad)")
        layer_paths = [dest]
        if src.extract:
            safe_extract(dest, folder)
            if src.layer_glob:
                layer_paths = sorted(p for p in folder.glob(src.layer_glob) if p.is_file())
                if not layer_paths:
                    raise MissingDataError(f"{src.name}: no extracted file matches {src.layer_glob!r} in {folder}")
        manifest["files"][str(dest.relative_to(out))] = {
            "source": src.name, "url": url, "sha256": digest, "bytes": dest.stat().st_size,
            "vintage": src.vintage, "license": src.license, "verified": bool(src.sha256),
            "fetched_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        specs[src.role] = LayerSpec(src.role, tuple(p.resolve() for p in layer_paths), src.format)
        if state and bbox is None and src.role == "states":
            bbox = _state_bbox(state, dest)
            log.info("bounding box of %s: %s", state, bbox)
    tmp = manifest_path.with_name("." + MANIFEST_FILE + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(tmp, manifest_path)
    layers = LayerSet(specs, name=f"official sources fetched into {out.name}")
    return layers.write(out / LAYERS_FILE, overwrite=True)
