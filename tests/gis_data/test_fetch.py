"""siting data fetch: downloads from a local HTTP server only (no network)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gis_data import fetch as F
from gis_data.layerset import LayerSet
from models.errors import ConfigError, DataError, UnknownNameError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Handler(BaseHTTPRequestHandler):
    files: dict = {}
    arcgis: dict = {}  # path -> callable(query params dict) -> bytes (an ArcGIS layer's /query)
    fail_once: set = set()
    slow: set = set()
    hits: list = []
    urls: list = []
    redirects: dict = {}  # path -> Location answered with HTTP 302
    types: dict = {}  # path -> Content-Type sent with the file

    def log_message(self, *args):  # keep pytest output quiet
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        type(self).hits.append((path, self.headers.get("Range")))
        type(self).urls.append((path, self.headers.get("Range"), self.path))
        if path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path in self.arcgis:
            params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            body = self.arcgis[path](params)
            self.send_response(200)
            self.send_header("Content-Type", "application/geo+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path in self.fail_once:
            self.fail_once.discard(path)
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path in self.slow:
            time.sleep(1.5)
        body = self.files.get(path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            chunk = body[start:]
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            chunk = body
            self.send_response(200)
        if path in self.types:
            self.send_header("Content-Type", self.types[path])
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        self.wfile.write(chunk)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # a client that gave up (timeout test) or was killed (resume test) leaves the handler writing
        # into a closed socket; anything else is a real error in the fake server and is shown
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture
def server():
    handler = type("H", (_Handler,), {"files": {}, "arcgis": {}, "fail_once": set(), "slow": set(), "hits": [],
                                      "urls": [], "redirects": {}, "types": {}})
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _states_zip(tmp_path) -> bytes:
    """A Census-schema cartographic-boundary states shapefile, zipped as www2.census.gov serves it."""
    frame = gpd.GeoDataFrame(
        {"STATEFP": ["48", "22"], "STATENS": ["1", "2"], "AFFGEOID": ["a", "b"], "GEOID": ["48", "22"],
         "STUSPS": ["TX", "LA"], "NAME": ["Texas", "Louisiana"], "LSAD": ["00", "00"],
         "ALAND": [1, 1], "AWATER": [0, 0]},
        geometry=[shapely.box(-106, 26, -94, 36), shapely.box(-94, 29, -89, 33)], crs="EPSG:4269")
    shp = tmp_path / "shp" / "cb_2018_us_state_20m.shp"
    shp.parent.mkdir()
    frame.to_file(shp)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in shp.parent.iterdir():
            zf.write(p, p.name)
    return buf.getvalue()


def test_fetch_downloads_checksums_and_writes_loadable_layer_set(server, tmp_path):
    handler, base = server
    body = _states_zip(tmp_path)
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = body
    digest = hashlib.sha256(body).hexdigest()
    src = F.Source(**{**F.SOURCES["census_states"].__dict__, "sha256": digest})
    out = tmp_path / "cache"
    toml = F.fetch([src], out, base_url_override=base, progress=False, retries=0, allow_http=True)
    saved = out / "census_states" / "2018" / "cb_2018_us_state_20m.zip"
    assert saved.read_bytes() == body
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["files"]["census_states/2018/cb_2018_us_state_20m.zip"]
    assert entry["sha256"] == digest and entry["verified"] is True and entry["bytes"] == len(body)
    layers = LayerSet.from_path(toml, use_cache=False)
    states = layers.load("states")
    assert sorted(states["state_abbr"]) == ["LA", "TX"]


def test_registry_checksum_mismatch_raises(server, tmp_path):
    handler, base = server
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = _states_zip(tmp_path)  # a zip, but not that one
    src = F.Source(**{**F.SOURCES["census_states"].__dict__, "sha256": "0" * 64})
    with pytest.raises(DataError, match="sha256"):
        F.fetch([src], tmp_path / "c", base_url_override=base, progress=False, retries=0, allow_http=True)
    assert (tmp_path / "c" / "census_states" / "2018" / "cb_2018_us_state_20m.zip.bad").exists()


def test_state_bbox_goes_into_arcgis_query(server, tmp_path):
    handler, base = server
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = _states_zip(tmp_path)
    line = gpd.GeoDataFrame({"ID": ["1"], "VOLTAGE": [345.0], "VOLT_CLASS": ["345"], "OWNER": ["x"],
                             "STATUS": ["IN SERVICE"], "TYPE": ["AC; OVERHEAD"]},
                            geometry=[shapely.LineString([(-100, 30), (-99, 31)])], crs="EPSG:4326")
    handler.files["/hifld_transmission/transmission.geojson"] = line.to_json().encode()
    F.fetch(["hifld_transmission"], tmp_path / "c", state="TX", base_url_override=base, progress=False, retries=0, allow_http=True)
    query = [q for p, _, q in handler.urls if "transmission" in p]
    # the geometry parameter carries the Texas box of the states layer just fetched (NAD83 box written above)
    assert query and "geometry=-106.000000%2C26.000000%2C-94.000000%2C36.000000" in query[0]
    assert "f=geojson" in query[0] and "outSR=4326" in query[0]
    assert (tmp_path / "c" / "hifld_transmission" / "2023" / "transmission.geojson").exists()


def test_download_resumes_from_part_file(server, tmp_path):
    handler, base = server
    body = bytes(range(256)) * 400
    handler.files["/f.bin"] = body
    dest = tmp_path / "f.bin"
    (tmp_path / "f.bin.part").write_bytes(body[:10_000])
    F.download(f"{base}/f.bin", dest, progress=False, retries=0, allow_http=True)
    assert dest.read_bytes() == body
    assert handler.hits[-1] == ("/f.bin", "bytes=10000-")
    assert not (tmp_path / "f.bin.part").exists()


def test_download_retries_after_503(server, tmp_path):
    handler, base = server
    handler.files["/f.csv"] = b"a,b\n1,2\n"
    handler.fail_once.add("/f.csv")
    F.download(f"{base}/f.csv", tmp_path / "f.csv", progress=False, retries=1, backoff_s=0.01, allow_http=True)
    assert (tmp_path / "f.csv").read_bytes() == b"a,b\n1,2\n"
    assert len(handler.hits) == 2


def test_download_timeout_raises_after_retries(server, tmp_path):
    handler, base = server
    handler.files["/slow"] = b"x"
    handler.slow.add("/slow")
    with pytest.raises(DataError, match="2 attempts"):
        F.download(f"{base}/slow", tmp_path / "slow", progress=False, retries=1, timeout_s=0.3, backoff_s=0.01,
                   allow_http=True)
    assert not (tmp_path / "slow").exists()


def test_zip_slip_refused_and_nothing_written(tmp_path):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ok.txt", "fine")
        zf.writestr("../evil.txt", "escape")
    out = tmp_path / "cache" / "src"
    out.mkdir(parents=True)
    with pytest.raises(DataError, match="evil.txt"):
        F.safe_extract(archive, out)
    assert not (tmp_path / "cache" / "evil.txt").exists()
    assert not (out / "ok.txt").exists()


def test_zip_symlink_and_absolute_refused(tmp_path):
    for name, mode in (("/abs.txt", 0o100644), ("link", 0o120777)):
        archive = tmp_path / "bad.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            zf.writestr(info, "/etc/passwd")
        with pytest.raises(DataError, match="refusing"):
            F.safe_extract(archive, tmp_path / "o")


def test_unknown_source_lists_valid_names(tmp_path):
    with pytest.raises(UnknownNameError, match="census_states"):
        F.fetch(["nope"], tmp_path)


def test_registry_formats_exist_and_match_roles():
    from gis_data.formats import get_format

    for src in F.SOURCES.values():
        assert get_format(src.format).role == src.role, src.name
        assert src.url.startswith("https://") and src.license and src.vintage


def test_cli_data_fetch_json(server, tmp_path, capsys):
    from siting.cli import main

    handler, base = server
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = _states_zip(tmp_path)
    out = tmp_path / "c"
    rc = main(["data", "fetch", "--bbox", "-100", "30", "-99", "31", "--out", str(out), "--sources",
               "census_states", "--base-url", base, "--allow-http", "--retries", "0", "--json"])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["layers"].endswith("layers.toml")
    assert "census_states/2018/cb_2018_us_state_20m.zip" in doc["manifest"]["files"]
    assert main(["data", "fetch", "--state", "TX", "--out", str(out), "--sources", "nope"]) == 2


# --------------------------------------------------------------------------- ArcGIS paging


def _substation_features(n: int) -> list[dict]:
    """``n`` HIFLD Electric Substations features (official schema, f=geojson), object ids 1..n."""
    return [{"type": "Feature", "id": oid,
             "geometry": {"type": "Point", "coordinates": [-104.0 + (oid % 97) * 0.1, 27.0 + (oid // 97) * 0.3]},
             "properties": {"OBJECTID": oid, "ID": str(100000 + oid), "NAME": f"SUBSTATION {oid}", "STATE": "TX",
                            "STATUS": "IN SERVICE", "LINES": 2, "MAX_VOLT": 345.0, "MIN_VOLT": 138.0}}
            for oid in range(1, n + 1)]


def _arcgis_layer(features, *, max_record_count=1000, flag="top", overlap=0, endless=False, ignore_offset=False):
    """An ArcGIS layer's /query answering as ArcGIS does: at most ``max_record_count`` features
    from ``resultOffset`` in object-id order, with ``exceededTransferLimit`` while more remain
    (at the top level, or under ``properties`` as ArcGIS Online's f=geojson puts it).
    ``overlap`` repeats the last features of the previous page (a layer edited while paging);
    ``endless`` always has more; ``ignore_offset`` is a server without pagination support."""

    def answer(params):
        assert params["f"] == "geojson" and params["orderByFields"] == "OBJECTID", params
        offset = 0 if ignore_offset else int(params.get("resultOffset", 0))
        n = min(int(params.get("resultRecordCount", max_record_count)), max_record_count)
        if endless:
            page, more = _substation_features(offset + n)[offset:], True
        else:
            start = max(offset - overlap, 0)
            page, more = features[start:start + n], start + n < len(features)
        doc = {"type": "FeatureCollection", "features": page}
        if more and flag == "top":
            doc["exceededTransferLimit"] = True
        elif more:
            doc["properties"] = {"exceededTransferLimit": True}
        return json.dumps(doc).encode()

    return answer


def _offsets(handler, path):
    return [dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(q).query)).get("resultOffset")
            for p, _, q in handler.urls if p == path]


@pytest.mark.parametrize("flag,overlap,page_size", [("top", 0, 1000), ("properties", 0, 1000),
                                                    ("top", 7, 1000), ("properties", 0, 2000)])
def test_paged_arcgis_query_brings_every_feature_exactly_once(server, tmp_path, flag, overlap, page_size):
    handler, base = server
    handler.arcgis["/layer/query"] = _arcgis_layer(_substation_features(2537), flag=flag, overlap=overlap)
    dest = tmp_path / "substations.geojson"
    info = F.fetch_arcgis(f"{base}/layer/query?where=1%3D1&outFields=*&f=geojson", dest, page_size=page_size,
                          progress=False, retries=0, allow_http=True)
    ids = [f["id"] for f in json.loads(dest.read_text())["features"]]
    assert sorted(ids) == list(range(1, 2538))  # all 2,537, none twice
    # the server caps pages at 1,000 whatever the client asks, so the offset advances by what arrived;
    # overlapping pages (layer edited meanwhile: 7 features shift back into page 2) are dropped in the merge
    assert _offsets(handler, "/layer/query") == ["0", "1000", "2000"]
    assert info == {"pages": 3, "features": 2537, "duplicates": overlap}
    assert not (tmp_path / ".parts").exists()


def test_killed_paged_fetch_resumes_at_the_page_it_stopped(server, tmp_path):
    handler, base = server
    inner = _arcgis_layer(_substation_features(2537))
    reached, release = threading.Event(), threading.Event()

    def answer(params):
        if params["resultOffset"] == "2000" and not release.is_set():
            reached.set()  # the client is now waiting for page 3: kill it there
            release.wait(60)
        return inner(params)

    handler.arcgis["/layer/query"] = answer
    url = f"{base}/layer/query?where=1%3D1&outFields=*&f=geojson"
    dest = tmp_path / "substations.geojson"
    code = ("import pathlib; from gis_data.fetch import fetch_arcgis; "
            f"fetch_arcgis({url!r}, pathlib.Path({str(dest)!r}), progress=False, retries=0, allow_http=True)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert reached.wait(120), "the fetch never asked for the third page"
        proc.kill()  # SIGKILL: no cleanup runs, as when a laptop loses power
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        release.set()
    parts = tmp_path / ".parts" / "substations.geojson"
    assert sorted(p.name for p in parts.glob("page-*.json")) == ["page-00000.json", "page-00001.json"]
    assert not dest.exists()
    handler.urls.clear()
    info = F.fetch_arcgis(url, dest, progress=False, retries=0, allow_http=True)
    assert _offsets(handler, "/layer/query") == ["2000"]  # pages 1 and 2 were not asked for again
    assert info == {"pages": 3, "features": 2537, "duplicates": 0}
    assert sorted(f["id"] for f in json.loads(dest.read_text())["features"]) == list(range(1, 2538))


def test_pages_of_another_query_are_not_reused(server, tmp_path):
    handler, base = server
    handler.arcgis["/layer/query"] = _arcgis_layer(_substation_features(1500))
    dest = tmp_path / "s.geojson"
    stale = tmp_path / ".parts" / "s.geojson"
    stale.mkdir(parents=True)
    (stale / "query.json").write_text(json.dumps({"url": "other bbox", "object_id_field": "OBJECTID",
                                                  "page_size": 1000}))
    (stale / "page-00000.json").write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    info = F.fetch_arcgis(f"{base}/layer/query?f=geojson", dest, progress=False, retries=0, allow_http=True)
    assert info["features"] == 1500 and _offsets(handler, "/layer/query") == ["0", "1000"]


def test_endless_server_hits_the_page_cap(server, tmp_path):
    handler, base = server
    handler.arcgis["/layer/query"] = _arcgis_layer([], endless=True)
    with pytest.raises(DataError, match=r"exceededTransferLimit after max_pages=5 pages \(5,000 features"):
        F.fetch_arcgis(f"{base}/layer/query?f=geojson", tmp_path / "s.geojson", max_pages=5, progress=False,
                       retries=0, allow_http=True)
    assert len(_offsets(handler, "/layer/query")) == 5
    assert not (tmp_path / "s.geojson").exists()


def test_server_ignoring_result_offset_is_caught(server, tmp_path):
    handler, base = server
    handler.arcgis["/layer/query"] = _arcgis_layer(_substation_features(2537), ignore_offset=True)
    with pytest.raises(DataError, match="ignores resultOffset"):
        F.fetch_arcgis(f"{base}/layer/query?f=geojson", tmp_path / "s.geojson", progress=False, retries=0, allow_http=True)
    assert len(_offsets(handler, "/layer/query")) == 2  # stopped at the first page that brought nothing new


def test_arcgis_error_answer_is_reported_and_not_kept(server, tmp_path):
    handler, base = server
    handler.arcgis["/layer/query"] = lambda params: json.dumps(
        {"error": {"code": 400, "message": "Unable to complete operation.", "details": ["Invalid field: OBJECTID"]}}
    ).encode()
    with pytest.raises(DataError, match="error 400: Unable to complete operation.*Invalid field"):
        F.fetch_arcgis(f"{base}/layer/query?f=geojson", tmp_path / "s.geojson", progress=False, retries=0, allow_http=True)
    assert not list((tmp_path / ".parts" / "s.geojson").glob("page-*"))  # a resumed fetch asks again


# --------------------------------------------------------------------------- every source, official layout


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _shapefile_zip(frame, stem: str, tmp_path) -> bytes:
    """A zipped shapefile with its members at the root of the zip, as www2.census.gov serves them."""
    folder = tmp_path / f"shp_{stem}"
    folder.mkdir()
    frame.to_file(folder / f"{stem}.shp")
    return _zip({p.name: p.read_bytes() for p in sorted(folder.iterdir())})


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _eia860_zip() -> bytes:
    """eia8602023.zip in EIA's layout: workbooks at the zip root, a title line above each header
    row, a note row at the bottom; column names as in the 2023 release."""
    plant_head = ["Utility ID", "Utility Name", "Plant Code", "Plant Name", "Street Address", "City", "State", "Zip",
                  "County", "Latitude", "Longitude", "NERC Region", "Balancing Authority Code",
                  "Balancing Authority Name", "Natural Gas LDC Name", "Natural Gas Pipeline Name 1",
                  "Natural Gas Pipeline Name 2", "Natural Gas Pipeline Name 3", "Pipeline Notes"]
    plant = _xlsx({"Plant": [
        ["Form EIA-860 Data - Schedule 2 - 'Plant Data'"], plant_head,
        [1, "Utility A", 3470, "Plant A", "1 Road", "Thompsons", "TX", 77481, "Fort Bend", 29.4828, -95.6311, "TRE",
         "ERCO", "ERCOT", None, "Pipeline One", "Pipeline Two", None, None],
        [2, "Utility B", 9999, "Plant without location", "", "", "TX", 0, "", None, None, "TRE", "ERCO", "ERCOT",
         None, None, None, None, None],
        ["NOTE: See the EIA-860 instructions for definitions."],
    ]})
    head = ["Utility ID", "Utility Name", "Plant Code", "Plant Name", "State", "County", "Generator ID", "Technology",
            "Prime Mover", "Nameplate Capacity (MW)", "Status", "Sector Name", "Energy Source 1"]
    gens = _xlsx({
        "Operable": [["Form EIA-860 Data - Schedule 3, 'Generator Data' (Operable Units Only)"],
                     head + ["Operating Month", "Operating Year", "Planned Retirement Month",
                             "Planned Retirement Year"],
                     [1, "Utility A", 3470, "Plant A", "TX", "Fort Bend", "WAP5", "Conventional Steam Coal", "ST",
                      734.1, "OP", "Electric Utility", "SUB", 12, 1977, 12, 2030],
                     [1, "Utility A", 3470, "Plant A", "TX", "Fort Bend", "CT1", "Natural Gas Fired Combustion Turbine",
                      "GT", 68.4, "OP", "Electric Utility", "NG", 6, 1999, None, None],
                     [2, "Utility B", 9999, "Plant without location", "TX", "", "1", "Solar Photovoltaic", "PV", 5.0,
                      "OP", "IPP Non-CHP", "SUN", 1, 2020, None, None],
                     ["NOTE: Generators are reported at the plant's location."]],
        "Proposed": [["Form EIA-860 Data - Schedule 3, 'Generator Data' (Proposed Units Only)"],
                     head + ["Current Month", "Current Year"],
                     [1, "Utility A", 3470, "Plant A", "TX", "Fort Bend", "BESS1", "Batteries", "BA", 100.0, "U",
                      "Electric Utility", "MWH", 6, 2026]],
        "Retired and Canceled": [["Form EIA-860 Data - Schedule 3, 'Generator Data' (Retired & Canceled Units Only)"],
                                 head + ["Operating Month", "Operating Year", "Retirement Month", "Retirement Year"],
                                 [1, "Utility A", 3470, "Plant A", "TX", "Fort Bend", "GT2", "Petroleum Liquids", "GT",
                                  15.0, "RE", "Electric Utility", "DFO", 1, 1971, 5, 2019],
                                 [1, "Utility A", 3470, "Plant A", "TX", "Fort Bend", "GT9", "Natural Gas Fired "
                                  "Combustion Turbine", "GT", 50.0, "CN", "Electric Utility", "NG", None, None, None,
                                  None]],
    })
    return _zip({"1___Utility_Y2023.xlsx": _xlsx({"Utility": [["title"], ["Utility ID"]]}),
                 "2___Plant_Y2023.xlsx": plant, "3_1_Generator_Y2023.xlsx": gens, "LayoutY2023.xlsx": b"PK"})


def _counties_zip(tmp_path) -> bytes:
    frame = gpd.GeoDataFrame(
        {"STATEFP": ["48", "48"], "COUNTYFP": ["201", "157"], "COUNTYNS": ["1", "2"],
         "AFFGEOID": ["0500000US48201", "0500000US48157"], "GEOID": ["48201", "48157"], "NAME": ["Harris", "Fort Bend"],
         "LSAD": ["06", "06"], "ALAND": [4_421_000_000, 2_232_000_000], "AWATER": [183_000_000, 48_000_000]},
        geometry=[shapely.box(-95.9, 29.5, -94.9, 30.2), shapely.box(-96.1, 29.2, -95.4, 29.8)], crs="EPSG:4269")
    return _shapefile_zip(frame, "cb_2018_us_county_20m", tmp_path)


def _usgs_csv() -> bytes:
    """usco2015v2.0.csv as ScienceBase serves it: a title line, then the header (Mgal/d, '--' not available)."""
    cols = ["STATE", "STATEFIPS", "COUNTY", "COUNTYFIPS", "FIPS", "YEAR", "TP-TotPop", "PS-Wtotl", "PT-Wtotl",
            "IR-WFrTo", "IN-Wtotl", "TO-WGWTo", "TO-WSWTo", "TO-WFrTo", "TO-Wtotl"]
    rows = [["TX", "48", "Harris County", "201", "48201", "2015", "4538.028", "598.35", "1208.7", "21.46", "97.04",
             "49.9", "1950.1", "1082.5", "2000.0"],
            ["TX", "48", "Fort Bend County", "157", "48157", "2015", "741.237", "37.1", "--", "84.2", "4.5", "40.0",
             "120.0", "160.0", "160.0"]]
    text = "Dataset: Estimated Use of Water in the United States, County-Level Data for 2015\n"
    text += ",".join(cols) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    return text.encode()


def _phistory_dbf(tmp_path) -> bytes:
    """phistory.dbf as the Green Book serves it: dBASE, field names cut to 10 characters."""
    import pandas as pd
    import pyogrio

    table = pd.DataFrame({
        "POLLUTANT": ["8-Hour Ozone (2015)", "8-Hour Ozone (1997)", "PM-2.5 (2012)"],
        "REVOKED_NA": ["", "Revoked", ""], "STATE_NAME": ["Texas"] * 3, "ST_ABBR": ["TX"] * 3,
        "FIPS_STATE": ["48"] * 3, "FIPS_CNTY": ["201", "201", "157"], "COUNTYNAME": ["Harris", "Harris", "Fort Bend"],
        "PW_2020": ["W", "W", "P"], "PW_2021": ["W", "W", ""], "EXPORTDT": ["2024-08-31"] * 3})
    path = tmp_path / "phistory.dbf"
    pyogrio.write_dataframe(table, path, driver="ESRI Shapefile")
    return path.read_bytes()


def _nayro_dbf(tmp_path) -> bytes:
    """nayro.dbf as the Green Book serves it: one row per county, standard and area, CLASS, PART, YR<year>."""
    import pandas as pd
    import pyogrio

    table = pd.DataFrame({
        "POLLUTANT": ["8-Hour Ozone (2015)", "8-Hour Ozone (1997)", "PM-2.5 (2012)"],
        "REVOKED_NA": ["", "Revoked", ""], "ST_ABBR": ["TX"] * 3, "FIPS_STATE": ["48"] * 3,
        "FIPS_CNTY": ["201", "201", "157"], "COUNTYNAME": ["Harris", "Harris", "Fort Bend"],
        "AREA_NAME": ["Houston-Galveston-Brazoria, TX"] * 3, "CLASS": ["Serious", "Severe 15", "Moderate"],
        "PART": ["W", "W", "P"], "NONATTAIN": ["Yes"] * 3, "YR2025": ["25", "", "25"], "YR2026": ["26", "", ""],
        "EXPORTDT": ["20260731"] * 3})
    path = tmp_path / "nayro.dbf"
    pyogrio.write_dataframe(table, path, driver="ESRI Shapefile")
    return path.read_bytes()


def _aqueduct_zip() -> bytes:
    """aqueduct-4-0-water-risk-data.zip: the baseline annual table under <download>/CVS/ (WRI's folder name)."""
    head = "aq30_id,pfaf_id,gid_1,aqid,gid_0,name_0,name_1,area_km2,string_id,bws_raw,bws_score,bws_cat,bws_label\n"
    rows = ("1,731000,USA.44_1,1047,USA,United States,Texas,1000.0,731000-USA.44_1-1047,0.5,3.32,3,High (40-80%)\n"
            "2,731001,USA.44_1,None,USA,United States,Texas,3000.0,731001-USA.44_1-None,0.15,1.58,1,"
            "Low - Medium (10-20%)\n"
            "3,772000,MEX.6_1,None,MEX,Mexico,Coahuila,500.0,772000-MEX.6_1-None,1.2,5.0,4,Extremely High (>80%)\n")
    top = "Aqueduct40_waterrisk_download_Y2023M07D05"
    return _zip({f"{top}/CVS/Aqueduct40_baseline_annual_y2023m07d05.csv": (head + rows).encode(),
                 f"{top}/CVS/Aqueduct40_baseline_monthly_y2023m07d05.csv": b"pfaf_id,bws_01_raw\n731000,0.4\n",
                 f"{top}/GDB/Aq40_Y2023D07M05.gdb/a00000001.gdbtable": b"\x00"})


def _tmy3_zip() -> bytes:
    """alltmy3a.zip: one <USAF>TYA.CSV per station at the zip root. The files are pvlib's copy of the
    real Greensboro TMY3 file and the same hours under a second station header."""
    import pvlib

    real = (Path(pvlib.__file__).parent / "data" / "723170TYA.CSV").read_bytes()
    other = b'722590,"DALLAS-FORT WORTH INTL AP",TX,-6.0,32.900,-97.017,164\n' + real.split(b"\n", 1)[1]
    return _zip({"723170TYA.CSV": real, "722590TYA.CSV": other})


def _lines(n: int) -> list[dict]:
    return [{"type": "Feature", "id": i,
             "geometry": {"type": "LineString", "coordinates": [[-96 + i, 29], [-95.5 + i, 30]]},
             "properties": {"OBJECTID": i, "ID": str(200000 + i), "TYPE": "AC; OVERHEAD", "STATUS": "IN SERVICE",
                            "OWNER": "OWNER A", "VOLTAGE": -999999.0 if i == 1 else 345.0,
                            "VOLT_CLASS": "345", "SUB_1": "A", "SUB_2": "B"}} for i in range(1, n + 1)]


def _pipes(n: int) -> list[dict]:
    kinds = ["Interstate", "Intrastate", "Gathering"]
    return [{"type": "Feature", "id": i,
             "geometry": {"type": "LineString", "coordinates": [[-97 + i, 28], [-96 + i, 29]]},
             "properties": {"OBJECTID": i, "TYPEPIPE": kinds[(i - 1) % 3], "Operator": f"Operator {i}",
                            "Status": "Operating"}} for i in range(1, n + 1)]


def test_fetch_every_source_in_its_official_layout_loads_every_role(server, tmp_path):
    """Every source served as its agency serves it; fetch, then load each role of the
    written layer set through its loader and check rows and a value."""
    handler, base = server
    files = {
        "census_states/cb_2018_us_state_20m.zip": _states_zip(tmp_path),
        "census_counties/cb_2018_us_county_20m.zip": _counties_zip(tmp_path),
        "eia860/eia8602023.zip": _eia860_zip(),
        "usgs_water_use_2015/usco2015v2.0.csv": _usgs_csv(),
        "greenbook_phistory/phistory.dbf": _phistory_dbf(tmp_path),
        "greenbook_nayro/nayro.dbf": _nayro_dbf(tmp_path),
        "aqueduct40/aqueduct-4-0-water-risk-data.zip": _aqueduct_zip(),
        "tmy3/alltmy3a.zip": _tmy3_zip(),
    }
    handler.files.update({"/" + k: v for k, v in files.items()})
    handler.arcgis["/hifld_substations/substations.geojson"] = _arcgis_layer(_substation_features(2537),
                                                                            flag="properties")
    handler.arcgis["/hifld_transmission/transmission.geojson"] = _arcgis_layer(_lines(3))
    handler.arcgis["/eia_natgas_pipelines/pipelines.geojson"] = _arcgis_layer(_pipes(6), max_record_count=4)
    out = tmp_path / "cache"
    toml = F.fetch(None, out, state="TX", base_url_override=base, progress=False, retries=0, allow_http=True)

    layers = LayerSet.from_path(toml, use_cache=False)
    assert set(layers.roles) == {s.role for s in F.SOURCES.values()}
    assert {r: layers.spec(r).format for r in layers.roles} == {s.role: s.format for s in F.SOURCES.values()}
    loaded = {role: layers.load(role) for role in layers.roles}

    subs = loaded["substations"]
    assert len(subs) == 2537 and subs["substation_id"].is_unique and set(subs["state_abbr"]) == {"TX"}
    assert subs["max_voltage_kv"].eq(345.0).all()
    lines = loaded["transmission"]
    assert len(lines) == 3 and lines["voltage_kv"].tolist() == [345.0, 345.0, 345.0]  # -999999 filled from VOLT_CLASS
    pipes = loaded["pipelines"]
    assert len(pipes) == 4 and sorted(set(pipes["pipe_type"])) == ["interstate", "intrastate"]  # gathering dropped

    plants = loaded["plants"].set_index("generator_id")
    # 2 operable + 1 proposed + 1 retired at plant 3470; the canceled unit and the unlocated plant are dropped
    assert sorted(plants.index) == ["3470-BESS1", "3470-CT1", "3470-GT2", "3470-WAP5"]
    assert plants.loc["3470-WAP5", "capacity_mw"] == pytest.approx(734.1)
    assert plants.loc["3470-WAP5", "retirement_year"] == 2030 and plants.loc["3470-WAP5", "gen_status"] == "retirement"
    assert plants.loc["3470-BESS1", "operating_year"] == 2026 and plants.loc["3470-BESS1", "gen_status"] == "proposed"
    assert plants.loc["3470-GT2", "retirement_year"] == 2019 and plants.loc["3470-GT2", "gen_status"] == "retired"
    assert plants.loc["3470-CT1", "gas_pipeline"] == "Pipeline One; Pipeline Two"
    assert plants.loc["3470-CT1", "balancing_authority"] == "ERCO"
    assert plants.loc["3470-CT1"].geometry.coords[0] == pytest.approx((-95.6311, 29.4828))
    assert loaded["plants"].attrs["source"]["vintage"] == "2023"

    assert sorted(loaded["states"]["state_abbr"]) == ["LA", "TX"]
    counties = loaded["counties"].set_index("county_fips")
    assert sorted(counties.index) == ["48157", "48201"] and counties.loc["48201", "state_abbr"] == "TX"
    water = loaded["water_use"].set_index("county_fips")
    # 2000.0 Mgal/d x 1e6 gal/Mgal (exact); '--' becomes NaN
    assert water.loc["48201", "withdrawal_total_gal_per_day"] == pytest.approx(2.0e9, rel=1e-12)
    assert np.isnan(water.loc["48157", "withdrawal_thermoelectric_gal_per_day"])
    na = loaded["nonattainment"]
    # nayro, fetched after phistory, is the nonattainment layer. 2026 (the last YR year): Harris 2015 ozone
    # whole county, Serious; the revoked 1997 standard and Fort Bend (blank in 2026) not
    assert layers.spec("nonattainment").format == "greenbook_nayro"
    assert na[["county_fips", "pollutant", "status", "naaqs", "classification"]].values.tolist() == [
        ["48201", "ozone", "whole", "8-Hour Ozone (2015)", "serious"]]
    stress = loaded["water_stress"]
    assert len(stress) == 2 and set(stress["state_abbr"]) == {"TX"}  # the Mexican row is not USA
    assert sorted(stress["bws_score"]) == [1.58, 3.32]
    stations = loaded["weather_stations"].set_index("station_id")
    assert sorted(stations.index) == ["722590", "723170"] and stations.loc["722590", "state_abbr"] == "TX"
    from gis_data.weather import load_weather

    hourly = load_weather(stations.loc["723170", "path"])
    assert len(hourly) == 8760

    manifest = json.loads((out / "manifest.json").read_text())["files"]
    assert manifest["hifld_substations/2023/substations.geojson"]["pages"] == 3
    assert manifest["hifld_substations/2023/substations.geojson"]["features"] == 2537
    assert manifest["eia_natgas_pipelines/2023/pipelines.geojson"]["pages"] == 2
    for name, entry in manifest.items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest(), name


def test_eia860_loader_reads_the_release_zip_as_well_as_its_extracted_workbook(tmp_path):
    from gis_data.plants import load_eia860_official

    archive = tmp_path / "eia8602023.zip"
    archive.write_bytes(_eia860_zip())
    from_zip = load_eia860_official(archive)
    F.safe_extract(archive, tmp_path / "x")
    from_xlsx = load_eia860_official(tmp_path / "x" / "3_1_Generator_Y2023.xlsx")
    assert from_zip.drop(columns="geometry").equals(from_xlsx.drop(columns="geometry"))
    assert from_zip.attrs["load_report"]["dropped"] == {
        "note or blank row of the EIA sheet (no numeric Plant Code)": 1,
        "canceled before operation (Retired and Canceled sheet, status not RE)": 1,
        "plant without latitude/longitude in the plant workbook": 1}
    (tmp_path / "x" / "2___Plant_Y2023.xlsx").unlink()
    with pytest.raises(FileNotFoundError, match="2___Plant_Y<year>.xlsx is not beside it"):
        load_eia860_official(tmp_path / "x" / "3_1_Generator_Y2023.xlsx")
    bad = tmp_path / "other.zip"
    bad.write_bytes(_zip({"readme.txt": b"x"}))
    with pytest.raises(DataError, match="not an EIA-860 release zip"):
        load_eia860_official(bad)


def test_cli_data_fetch_pages_and_reports_the_cap(server, tmp_path, capsys):
    from siting.cli import main

    handler, base = server
    handler.arcgis["/hifld_substations/substations.geojson"] = _arcgis_layer(_substation_features(2537))
    out = tmp_path / "c"
    args = ["data", "fetch", "--bbox", "-107", "25", "-93", "37", "--out", str(out), "--sources", "hifld_substations",
            "--base-url", base, "--allow-http", "--retries", "0", "--json"]
    assert main(args + ["--page-size", "500"]) == 0
    doc = json.loads(capsys.readouterr().out)
    entry = doc["manifest"]["files"]["hifld_substations/2023/substations.geojson"]
    assert (entry["pages"], entry["features"]) == (6, 2537)  # 2,537 features at 500 a page
    assert main(args + ["--page-size", "500", "--max-pages", "2", "--refresh"]) == 2  # a clear error, no traceback
    assert "max_pages=2" in capsys.readouterr().err


def test_readme_lists_every_source_at_its_registry_url():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `siting data fetch`"):]
    for src in F.SOURCES.values():
        location = src.url.split("/query?")[0]
        assert f"| `{src.name}` | {location}" in section, src.name
        assert f"`{src.format}`" in section, src.name
    assert "exceededTransferLimit" in section and "--max-pages" in section


def test_second_fetch_into_the_folder_keeps_the_roles_of_the_first(server, tmp_path):
    handler, base = server
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = _states_zip(tmp_path)
    handler.files["/census_counties/cb_2018_us_county_20m.zip"] = _counties_zip(tmp_path)
    out = tmp_path / "c"
    F.fetch(["census_states"], out, base_url_override=base, progress=False, retries=0, allow_http=True)
    toml = F.fetch(["census_counties"], out, base_url_override=base, progress=False, retries=0, allow_http=True)
    layers = LayerSet.from_path(toml, use_cache=False)
    assert layers.roles == ("states", "counties")
    assert len(layers.load("states")) == 2 and len(layers.load("counties")) == 2
    assert set(json.loads((out / "manifest.json").read_text())["files"]) == {
        "census_states/2018/cb_2018_us_state_20m.zip", "census_counties/2018/cb_2018_us_county_20m.zip"}


def test_second_fetch_reuses_checked_files_and_refresh_downloads_again(server, tmp_path):
    handler, base = server
    handler.files["/tmy3/alltmy3a.zip"] = _tmy3_zip()
    handler.arcgis["/hifld_substations/substations.geojson"] = _arcgis_layer(_substation_features(1200))
    out = tmp_path / "c"
    kw = dict(bbox=(-107, 25, -93, 37), base_url_override=base, progress=False, retries=0, allow_http=True)
    F.fetch(["tmy3", "hifld_substations"], out, **kw)
    first = json.loads((out / "manifest.json").read_text())["files"]
    n = len(handler.urls)
    toml = F.fetch(["tmy3", "hifld_substations"], out, **kw)
    assert len(handler.urls) == n  # nothing asked of the server: both files reused after their sha256 check
    assert json.loads((out / "manifest.json").read_text())["files"] == first
    assert len(LayerSet.from_path(toml, use_cache=False).load("weather_stations")) == 2
    (out / "tmy3/1991-2005/alltmy3a.zip").write_bytes(b"corrupted")  # no longer matches the manifest
    F.fetch(["tmy3"], out, **kw)
    assert len(handler.urls) == n + 1
    F.fetch(["hifld_substations"], out, refresh=True, **kw)
    assert _offsets(handler, "/hifld_substations/substations.geojson")[-2:] == ["0", "1000"]


# --------------------------------------------------------------------------- downloads that cannot hurt

_HTML = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action='/login'>"
         b"<input name='user'></form></body></html>\n")


def _bomb(members: int, zeros_bytes: int) -> bytes:
    """A zip bomb: ``members`` entries of ``zeros_bytes`` zero bytes each, deflated ~1000:1."""
    buf = io.BytesIO()
    block = b"\0" * zeros_bytes
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for k in range(members):
            zf.writestr(f"Aqueduct40_waterrisk_download_Y2023M07D05/CVS/zeros_{k}.csv", block)
    return buf.getvalue()


def _lying_zip(name: str, data: bytes, declared_bytes: int) -> bytes:
    """A zip whose local and central headers declare ``declared_bytes`` uncompressed for a
    member that really inflates to ``len(data)`` (the CRC is that of the real data)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(name, data)
    raw = bytearray(buf.getvalue())
    # PKWARE APPNOTE 4.3.7 and 4.3.12: uncompressed size at offset 22 of the local header, 24 of the central one
    struct.pack_into("<I", raw, raw.index(b"PK\x03\x04") + 22, declared_bytes)
    struct.pack_into("<I", raw, raw.index(b"PK\x01\x02") + 24, declared_bytes)
    return bytes(raw)


def _disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


@pytest.fixture
def staging_peak(monkeypatch):
    """Bytes on disk in an extraction's staging folder when it is removed: the most it ever
    held, since a refused extraction only ever grew it (one entry per removal)."""
    peaks = []
    real = shutil.rmtree

    def rmtree(path, *args, **kwargs):
        p = Path(path)
        if p.name.endswith(".extracting") and p.exists():
            peaks.append(_disk_bytes(p))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(F.shutil, "rmtree", rmtree)
    return peaks


def test_zip_bomb_served_as_a_source_is_refused_before_writing_and_not_recorded(server, tmp_path, staging_peak):
    handler, base = server
    bomb = _bomb(3, 20_000_000)  # 60 MB of zeros
    assert len(bomb) < 200_000  # deflate stores it ~1000:1
    handler.files["/aqueduct40/aqueduct-4-0-water-risk-data.zip"] = bomb
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = _states_zip(tmp_path)
    out = tmp_path / "c"
    with pytest.raises(DataError, match=r"expands 1,0\d\dx .* more than 100x .*--max-member-ratio"):
        F.fetch(["census_states", "aqueduct40"], out, base_url_override=base, progress=False, retries=0,
                allow_http=True)
    folder = out / "aqueduct40" / "2023"
    # the directory check refused it: no member was written, the archive itself was set aside
    assert staging_peak == []
    assert sorted(p.name for p in folder.iterdir()) == ["aqueduct-4-0-water-risk-data.zip.refused"]
    assert _disk_bytes(folder) == len(bomb)
    files = json.loads((out / "manifest.json").read_text())["files"]
    assert list(files) == ["census_states/2018/cb_2018_us_state_20m.zip"]  # the good source before it is kept


def test_streaming_count_alone_stops_a_bomb_at_each_bound(tmp_path, monkeypatch, staging_peak):
    """With the directory check switched off, the byte count while streaming is the only guard:
    each bound stops the bomb before the staging folder holds more than the bound, and
    nothing stays behind."""
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(_bomb(3, 20_000_000))
    compressed = max(i.compress_size for i in zipfile.ZipFile(archive).infolist())
    monkeypatch.setattr(F, "_check_declared", lambda *args, **kwargs: None)
    out = tmp_path / "out"
    huge = 1e9
    cases = [(F.ExtractLimits(max_total_bytes=5_000_000, max_member_ratio=huge, max_archive_ratio=huge),
              "--max-extract-mb", 5_000_000),
             # past the 1 MB grace a member may write at most 100 x its ~19 kB compressed size
             (F.ExtractLimits(max_archive_ratio=huge), "--max-member-ratio", max(1_000_000, 100 * compressed)),
             (F.ExtractLimits(max_member_ratio=huge), "--max-archive-ratio", max(1_000_000, 50 * len(archive.read_bytes())))]
    for limits, flag, bound in cases:
        staging_peak.clear()
        with pytest.raises(DataError, match=f"counted while extracting.*{flag}"):
            F.safe_extract(archive, out, limits=limits)
        assert len(staging_peak) == 1 and 0 < staging_peak[0] <= bound, (flag, staging_peak, bound)
        assert _disk_bytes(out) == 0 and not any(out.iterdir())


def test_bomb_whose_header_lies_about_its_size_writes_no_more_than_it_declares(tmp_path, staging_peak):
    # declares 1,000 bytes (ratio ~0.05: passes every directory check) but inflates to 50 MB
    archive = tmp_path / "liar.zip"
    archive.write_bytes(_lying_zip("data.csv", b"\0" * 50_000_000, 1_000))
    assert zipfile.ZipFile(archive).infolist()[0].file_size == 1_000
    out = tmp_path / "out"
    with pytest.raises(DataError, match="could not be extracted .*Bad CRC-32"):
        F.safe_extract(archive, out)
    assert staging_peak and max(staging_peak) <= 1_000  # stopped at what it declared, far below any bound
    assert _disk_bytes(out) == 0


def test_bounds_are_overridable_and_an_honest_compressible_archive_then_extracts(tmp_path):
    archive = tmp_path / "blank.zip"
    archive.write_bytes(_bomb(1, 3_000_000))  # 3 MB of blanks: over the default ratio bounds
    with pytest.raises(DataError, match="more than 100x"):
        F.safe_extract(archive, tmp_path / "a")
    with pytest.raises(DataError, match=r"2 entries, more than 1 \(as its directory declares\).*--max-members"):
        F.safe_extract(_two_member_zip(tmp_path), tmp_path / "b", limits=F.ExtractLimits(max_members=1))
    with pytest.raises(DataError, match=r"3,000,000 bytes uncompressed, more than 2,000,000.*--max-extract-mb"):
        F.safe_extract(archive, tmp_path / "c", limits=F.ExtractLimits(max_total_bytes=2_000_000, max_member_ratio=1e4,
                                                                        max_archive_ratio=1e4))
    written = F.safe_extract(archive, tmp_path / "d", limits=F.ExtractLimits(max_member_ratio=1e4,
                                                                              max_archive_ratio=1e4))
    assert [p.stat().st_size for p in written] == [3_000_000]
    assert not list((tmp_path / "d").glob(".*.extracting"))


def _two_member_zip(tmp_path) -> Path:
    path = tmp_path / "two.zip"
    path.write_bytes(_zip({"a.txt": b"a", "b.txt": b"b"}))
    return path


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), True, "4000", 0.5])
def test_extract_limits_refuse_impossible_bounds(bad):
    with pytest.raises(ConfigError, match="must be a finite number > 0"):
        F.ExtractLimits(max_total_bytes=bad)
    with pytest.raises(ConfigError, match="max_member_ratio"):
        F.ExtractLimits(max_member_ratio=bad if bad != 0.5 else -0.5)


def test_default_bounds_admit_the_real_sources_shape():
    """The largest real archive (TMY3: 1,020 station CSVs of 1,735,347 bytes, see the comment
    above ExtractLimits) passes every default bound with margin."""
    limits = F.ExtractLimits()
    tmy3_bytes = 1_020 * 1_735_347
    assert tmy3_bytes < limits.max_total_bytes / 2
    assert 1_020 < limits.max_members / 5
    assert 10.2 < limits.max_member_ratio / 5 and 7.3 < limits.max_archive_ratio / 5


# ---- schemes

_REFUSED = ["file:///etc/passwd", "data:text/plain;base64,aGVsbG8=", "ftp://ftp.example.org/pub/x.zip",
            "javascript:alert(1)", "www2.census.gov/geo/x.zip", "//www2.census.gov/geo/x.zip", "gopher://h/x",
            "https:///no-host", "https://exa mple.org/x", " https://example.org/x", "https://example.org:99999/x",
            "https://[::1/x", "", "https://example.org/\u00e9"]


@pytest.mark.parametrize("url", _REFUSED + ["http://example.org/x"])
def test_check_url_refuses_every_other_scheme_with_the_fix(url):
    with pytest.raises(ConfigError) as err:
        F.check_url(url)
    message = str(err.value)
    assert repr(url) in message and "https://" in message
    if url.startswith("http://"):
        assert "--allow-http" in message
        assert F.check_url(url, allow_http=True) == url


@pytest.mark.parametrize("url", _REFUSED)
def test_refused_urls_stay_refused_with_allow_http(url):
    with pytest.raises(ConfigError, match="http:// URL|https:// or http://"):
        F.check_url(url, allow_http=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:text/plain,hello", "ftp://127.0.0.1/x"])
def test_refused_mirror_and_download_touch_nothing(tmp_path, url):
    out = tmp_path / "c"
    with pytest.raises(ConfigError, match="mirror URL"):
        F.fetch(["census_states"], out, base_url_override=url, allow_http=True)
    assert not out.exists()  # checked before the cache folder is even created
    with pytest.raises(ConfigError, match="only https:// or http://"):
        F.download(url, tmp_path / "x.zip", allow_http=True)
    with pytest.raises(ConfigError, match="ArcGIS query URL"):
        F.fetch_arcgis(url, tmp_path / "s.geojson", allow_http=True)
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.part").exists()


def test_plain_http_needs_to_be_asked_for(server, tmp_path):
    handler, base = server
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = _states_zip(tmp_path)
    with pytest.raises(ConfigError, match="--allow-http"):
        F.fetch(["census_states"], tmp_path / "c", base_url_override=base, progress=False, retries=0)
    assert handler.hits == []
    F.fetch(["census_states"], tmp_path / "c", base_url_override=base, progress=False, retries=0, allow_http=True)
    assert len(handler.hits) == 1


def test_cli_refuses_a_file_mirror_with_one_message(tmp_path, capsys):
    from siting.cli import main

    out = tmp_path / "c"
    rc = main(["data", "fetch", "--bbox", "-100", "30", "-99", "31", "--out", str(out), "--sources", "census_states",
               "--base-url", "file:///etc", "--allow-http"])
    err = capsys.readouterr().err
    assert rc == 2 and "'file:///etc' has scheme 'file:'" in err and "Traceback" not in err
    assert not out.exists()
    assert main(["data", "fetch", "--bbox", "-100", "30", "-99", "31", "--out", str(out), "--sources",
                 "census_states", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "--allow-http" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x.zip", "data:application/zip;base64,UEsFBg=="])
def test_redirect_to_another_scheme_is_refused(server, tmp_path, target):
    handler, base = server
    handler.redirects["/census_states/cb_2018_us_state_20m.zip"] = target
    out = tmp_path / "c"
    with pytest.raises(ConfigError, match=f"redirected \\(HTTP 302\\) to '{re.escape(target)}', which is refused"):
        F.fetch(["census_states"], out, base_url_override=base, progress=False, retries=0, allow_http=True)
    assert handler.hits == [("/census_states/cb_2018_us_state_20m.zip", None)]  # no retry, nothing else asked
    assert not any(p.is_file() for p in out.rglob("*"))


def test_redirect_within_accepted_schemes_is_followed(server, tmp_path):
    handler, base = server
    handler.redirects["/census_states/cb_2018_us_state_20m.zip"] = "/moved/states.zip"
    handler.files["/moved/states.zip"] = body = _states_zip(tmp_path)
    F.fetch(["census_states"], tmp_path / "c", base_url_override=base, progress=False, retries=0, allow_http=True)
    assert (tmp_path / "c" / "census_states" / "2018" / "cb_2018_us_state_20m.zip").read_bytes() == body


def test_redirect_from_https_down_to_http_is_refused_unless_allowed():
    """The downgrade needs a TLS server to happen for real; the redirect handler is asked directly,
    as urllib asks it, with the 302 answer an https server would give."""
    import email.message
    import urllib.request

    class Answer(io.BytesIO):
        pass

    req = urllib.request.Request("https://www2.census.gov/geo/x.zip")
    headers = email.message.Message()
    headers["Location"] = "http://evil.example/x.zip"
    fp = Answer(b"")
    with pytest.raises(ConfigError, match="redirected \\(HTTP 302\\) to 'http://evil.example/x.zip'.*--allow-http"):
        F._CheckedRedirects(allow_http=False).http_error_302(req, fp, 302, "Found", headers)
    assert fp.closed
    opener = F._opener(allow_http=True)
    handler = next(h for h in opener.handlers if isinstance(h, F._CheckedRedirects))
    new = handler.redirect_request(req, Answer(b""), 302, "Found", headers, "http://evil.example/x.zip")
    assert new.full_url == "http://evil.example/x.zip"  # allowed when asked for


def test_opener_has_no_file_data_or_ftp_handler():
    import urllib.request

    opener = F._opener(allow_http=True)
    kinds = {type(h) for h in opener.handlers}
    assert not kinds & {urllib.request.FileHandler, urllib.request.DataHandler, urllib.request.FTPHandler}
    with pytest.raises(urllib.error.URLError, match="unknown url type"):
        opener.open("file:///etc/passwd")


@settings(max_examples=400, deadline=None, database=None)
@given(url=st.one_of(
    st.text(max_size=60),
    st.builds("{}{}{}".format,
              st.sampled_from(["https", "HTTPS", "hTtPs", "http", "file", "data", "ftp", "javascript", "ws", ""]),
              st.sampled_from(["://", ":", ":/", "//", ":///", ""]),
              st.text(max_size=40)),
    st.from_regex(r"https://[a-zA-Z0-9.\-\[\]:@%_]{0,24}(/[ -~]{0,24})?", fullmatch=True)),
    allow_http=st.booleans())
def test_check_url_accepts_an_https_url_or_raises_config_error(url, allow_http):
    """Property: for any text, the scheme check returns the URL unchanged with scheme https (or
    http when allowed) and a host, or raises ConfigError; never another exception."""
    try:
        got = F.check_url(url, allow_http=allow_http)
    except ConfigError:
        return
    assert got == url
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme.lower() in (("https", "http") if allow_http else ("https",))
    assert parts.hostname


# ---- content


def _refused_not_kept(out: Path, rel: str) -> None:
    dest = out / rel
    assert not dest.exists() and not dest.with_name(dest.name + ".part").exists()
    manifest = out / "manifest.json"
    assert not manifest.exists() or rel not in json.loads(manifest.read_text())["files"]


@pytest.mark.parametrize("name,rel", [
    ("census_states", "census_states/2018/cb_2018_us_state_20m.zip"),
    ("usgs_water_use_2015", "usgs_water_use_2015/2015/usco2015v2.0.csv"),
    ("greenbook_phistory", "greenbook_phistory/current/phistory.dbf"),
    ("eia860", "eia860/2023/eia8602023.zip")])
def test_html_page_with_status_200_is_refused_and_not_recorded(server, tmp_path, name, rel):
    handler, base = server
    path = f"/{name}/{rel.rsplit('/', 1)[1]}"
    handler.files[path] = _HTML
    handler.types[path] = "text/html; charset=utf-8"
    out = tmp_path / "c"
    with pytest.raises(DataError) as err:
        F.fetch([name], out, base_url_override=base, progress=False, retries=0, allow_http=True)
    message = str(err.value)
    assert message.startswith(f"{base}{path}") and " is not " in message and "it is an HTML page" in message
    assert "Content-Type text/html; charset=utf-8" in message and "b'<!DOCTYPE html>" in message
    assert f"{len(_HTML):,} bytes" in message and "removed, not kept" in message
    _refused_not_kept(out, rel)


def test_html_answer_to_an_arcgis_query_is_refused_and_no_page_is_kept(server, tmp_path):
    handler, base = server
    path = "/hifld_substations/substations.geojson"
    handler.files[path] = _HTML
    handler.types[path] = "text/html"
    out = tmp_path / "c"
    with pytest.raises(DataError, match="is not an ArcGIS query answer .*: it is an HTML page.*Content-Type text/html"):
        F.fetch(["hifld_substations"], out, bbox=(-100, 30, -99, 31), base_url_override=base, progress=False,
                retries=0, allow_http=True)
    _refused_not_kept(out, "hifld_substations/2023/substations.geojson")
    parts = out / "hifld_substations" / "2023" / ".parts" / "substations.geojson"
    assert not list(parts.glob("page-*"))  # a resumed fetch asks for the page again
    # the good answer is then accepted and recorded
    handler.files.pop(path)
    handler.arcgis[path] = _arcgis_layer(_substation_features(10))
    F.fetch(["hifld_substations"], out, bbox=(-100, 30, -99, 31), base_url_override=base, progress=False, retries=0,
            allow_http=True)
    assert json.loads((out / "manifest.json").read_text())["files"]["hifld_substations/2023/substations.geojson"][
        "features"] == 10


def test_refused_download_leaves_the_cached_file_and_its_record(server, tmp_path):
    """--refresh against a server now answering a login page: the file fetched before stays,
    with its manifest entry, and the next good answer replaces it."""
    handler, base = server
    path = "/usgs_water_use_2015/usco2015v2.0.csv"
    handler.files[path] = good = _usgs_csv()
    out = tmp_path / "c"
    kw = dict(base_url_override=base, progress=False, retries=0, allow_http=True)
    F.fetch(["usgs_water_use_2015"], out, **kw)
    rel = "usgs_water_use_2015/2015/usco2015v2.0.csv"
    first = json.loads((out / "manifest.json").read_text())["files"][rel]
    handler.files[path] = _HTML
    with pytest.raises(DataError, match="HTML page"):
        F.fetch(["usgs_water_use_2015"], out, refresh=True, **kw)
    assert (out / rel).read_bytes() == good
    assert json.loads((out / "manifest.json").read_text())["files"][rel] == first


def test_csv_without_the_loader_columns_is_refused(server, tmp_path):
    handler, base = server
    path = "/usgs_water_use_2015/usco2015v2.0.csv"
    handler.files[path] = b"Dataset: something else\nSTATE,FIPS,TP-TotPop\nTX,48201,4538\n"
    out = tmp_path / "c"
    with pytest.raises(DataError, match="lacks TO-Wtotl, TO-WFrTo, PS-Wtotl"):
        F.fetch(["usgs_water_use_2015"], out, base_url_override=base, progress=False, retries=0, allow_http=True)
    _refused_not_kept(out, "usgs_water_use_2015/2015/usco2015v2.0.csv")


def test_archive_whose_layer_csv_lacks_the_loader_columns_is_not_recorded(server, tmp_path):
    handler, base = server
    handler.files["/aqueduct40/aqueduct-4-0-water-risk-data.zip"] = _zip({
        "Aqueduct40_waterrisk_download_Y2023M07D05/CVS/Aqueduct40_baseline_annual_y2023m07d05.csv":
            b"pfaf_id,bws_raw\n731000,0.4\n"})
    out = tmp_path / "c"
    with pytest.raises(DataError, match="aqueduct40: .*lacks string_id, bws_score, bws_label, name_1.*update layer_glob"):
        F.fetch(["aqueduct40"], out, base_url_override=base, progress=False, retries=0, allow_http=True)
    assert not (out / "manifest.json").exists()


@pytest.mark.parametrize("kind,body,problem", [
    ("zip", b"PK\x03\x04 but cut short", "zip directory cannot be read"),
    ("zip", b"%PDF-1.7\n", "zip signature"),
    ("xlsx", None, r"without \[Content_Types\].xml"),
    ("csv", b"\x00\x01\x02binary", "NUL bytes"),
    ("csv", b"one field only\nand another\n", "two comma-separated fields"),
    ("json", b'{"features": [', "does not parse as JSON"),
    ("geojson", b'{"name": "not geojson"}', "not GeoJSON"),
    ("arcgis", b'[1, 2, 3]', "neither a 'features' list"),
    # a dBASE III header declaring 1,000 records of 10 bytes, one field, then a single record: a cut transfer
    ("dbf", b"\x03\x7c\x08\x1f" + struct.pack("<IHH", 1000, 65, 10) + b"\0" * 20
     + b"NAME".ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([9]) + b"\0" * 15 + b"\r" + b" " + b"x" * 9,
     r"75 bytes is less than the header \(65 bytes\) and the 1,000 records of 10 bytes"),
    ("dbf", b"GIF89a" + b"\0" * 40, "not a dBASE version byte"),
    ("any", b"  \n<html><body>Not found</body></html>", "HTML page"),
])
def test_check_content_says_what_is_wrong(tmp_path, kind, body, problem):
    path = tmp_path / "f"
    path.write_bytes(_zip({"xl/workbook.xml": b"<workbook/>"}) if body is None else body)
    with pytest.raises(DataError, match=problem):
        F.check_content(path, kind, url="https://example.org/f", content_type="application/octet-stream")


def test_check_content_accepts_the_real_formats(tmp_path):
    cases = {"zip": _states_zip(tmp_path), "xlsx": _xlsx({"S": [["a"]]}), "csv": _usgs_csv(),
             "dbf": _phistory_dbf(tmp_path), "geojson": json.dumps({"type": "FeatureCollection",
                                                                    "features": _substation_features(2)}).encode(),
             "arcgis": json.dumps({"error": {"code": 400}}).encode(), "json": b"[]", "any": bytes(range(256))}
    for kind, body in cases.items():
        path = tmp_path / f"ok.{kind}"
        path.write_bytes(body)
        F.check_content(path, kind, columns=F.SOURCES["usgs_water_use_2015"].columns if kind == "csv" else ())


def test_registry_columns_are_what_each_loader_recognises():
    from gis_data.formats import get_format

    for src in F.SOURCES.values():
        assert F.check_url(src.url.replace("{bbox}", "0,0,1,1")) and src.url.startswith("https://"), src.name
        if src.columns:
            assert get_format(src.format).detect(Path(src.filename), [c.lower() for c in src.columns]), src.name


def test_cli_extraction_bounds_are_flags(server, tmp_path, capsys):
    """The two TMY3 station files expand to 3.47 MB: refused under --max-extract-mb 3 or
    --max-members 1, extracted under the defaults."""
    from siting.cli import main

    handler, base = server
    handler.files["/tmy3/alltmy3a.zip"] = archive = _tmy3_zip()
    expanded = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(archive)).infolist())
    assert 3_000_000 < expanded < 4_000_000
    out = tmp_path / "c"
    args = ["data", "fetch", "--bbox", "-100", "30", "-99", "31", "--out", str(out), "--sources", "tmy3",
            "--base-url", base, "--allow-http", "--retries", "0"]
    assert main(args + ["--max-extract-mb", "3"]) == 2
    err = capsys.readouterr().err
    assert f"{expanded:,} bytes uncompressed, more than 3,000,000" in err and "--max-extract-mb" in err
    assert main(args + ["--max-members", "1"]) == 2
    assert "2 entries, more than 1" in capsys.readouterr().err
    assert main(args + ["--max-member-ratio", "0"]) == 2
    assert "must be a finite number > 0" in capsys.readouterr().err
    assert main(args) == 0
    assert sorted(p.name for p in (out / "tmy3" / "1991-2005").glob("*.CSV")) == ["722590TYA.CSV", "723170TYA.CSV"]
    assert not list((out / "tmy3" / "1991-2005").glob("*.refused"))  # the earlier refusals' copies were replaced


def test_cli_help_states_the_default_bounds(capsys):
    from siting.cli import main

    with pytest.raises(SystemExit):
        main(["data", "fetch", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"(default {F.MAX_EXTRACT_BYTES // 1_000_000})" in text and f"(default {F.MAX_MEMBERS})" in text
    assert f"(default {F.MAX_MEMBER_RATIO:g})" in text and f"(default {F.MAX_ARCHIVE_RATIO:g})" in text
    assert f"first {F.RATIO_GRACE_BYTES // 1_000_000} MB" in text


def test_html_cached_by_an_older_fetch_is_not_reused(server, tmp_path, caplog):
    """A cache written before content was checked may hold a login page recorded as the zip;
    its sha256 still matches the manifest, but it is set aside and fetched again."""
    handler, base = server
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = body = _states_zip(tmp_path)
    out = tmp_path / "c"
    kw = dict(base_url_override=base, progress=False, retries=0, allow_http=True)
    F.fetch(["census_states"], out, **kw)
    rel = "census_states/2018/cb_2018_us_state_20m.zip"
    (out / rel).write_bytes(_HTML)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"][rel]["sha256"] = hashlib.sha256(_HTML).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))
    n = len(handler.hits)
    F.fetch(["census_states"], out, **kw)
    assert len(handler.hits) == n + 1 and (out / rel).read_bytes() == body
    assert json.loads((out / "manifest.json").read_text())["files"][rel]["sha256"] == hashlib.sha256(body).hexdigest()
    assert "not what the source should be" in caplog.text
    assert not list((out / "census_states" / "2018").glob("*.refused"))  # the set-aside page went once superseded
