"""siting data fetch: downloads from a local HTTP server only (no network)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gis_data import fetch as F
from gis_data.layerset import LayerSet
from models.errors import DataError, UnknownNameError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Handler(BaseHTTPRequestHandler):
    files: dict = {}
    arcgis: dict = {}  # path -> callable(query params dict) -> bytes (an ArcGIS layer's /query)
    fail_once: set = set()
    slow: set = set()
    hits: list = []
    urls: list = []

    def log_message(self, *args):  # keep pytest output quiet
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        type(self).hits.append((path, self.headers.get("Range")))
        type(self).urls.append((path, self.headers.get("Range"), self.path))
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
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        self.wfile.write(chunk)


@pytest.fixture
def server():
    handler = type("H", (_Handler,), {"files": {}, "arcgis": {}, "fail_once": set(), "slow": set(), "hits": [],
                                      "urls": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
    toml = F.fetch([src], out, base_url_override=base, progress=False, retries=0)
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
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = b"not the file"
    src = F.Source(**{**F.SOURCES["census_states"].__dict__, "sha256": "0" * 64})
    with pytest.raises(DataError, match="sha256"):
        F.fetch([src], tmp_path / "c", base_url_override=base, progress=False, retries=0)


def test_state_bbox_goes_into_arcgis_query(server, tmp_path):
    handler, base = server
    handler.files["/census_states/cb_2018_us_state_20m.zip"] = _states_zip(tmp_path)
    line = gpd.GeoDataFrame({"ID": ["1"], "VOLTAGE": [345.0], "VOLT_CLASS": ["345"], "OWNER": ["x"],
                             "STATUS": ["IN SERVICE"], "TYPE": ["AC; OVERHEAD"]},
                            geometry=[shapely.LineString([(-100, 30), (-99, 31)])], crs="EPSG:4326")
    handler.files["/hifld_transmission/transmission.geojson"] = line.to_json().encode()
    F.fetch(["hifld_transmission"], tmp_path / "c", state="TX", base_url_override=base, progress=False, retries=0)
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
    F.download(f"{base}/f.bin", dest, progress=False, retries=0)
    assert dest.read_bytes() == body
    assert handler.hits[-1] == ("/f.bin", "bytes=10000-")
    assert not (tmp_path / "f.bin.part").exists()


def test_download_retries_after_503(server, tmp_path):
    handler, base = server
    handler.files["/f.csv"] = b"a,b\n1,2\n"
    handler.fail_once.add("/f.csv")
    F.download(f"{base}/f.csv", tmp_path / "f.csv", progress=False, retries=1, backoff_s=0.01)
    assert (tmp_path / "f.csv").read_bytes() == b"a,b\n1,2\n"
    assert len(handler.hits) == 2


def test_download_timeout_raises_after_retries(server, tmp_path):
    handler, base = server
    handler.files["/slow"] = b"x"
    handler.slow.add("/slow")
    with pytest.raises(DataError, match="2 attempts"):
        F.download(f"{base}/slow", tmp_path / "slow", progress=False, retries=1, timeout_s=0.3, backoff_s=0.01)
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
               "census_states", "--base-url", base, "--retries", "0", "--json"])
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
                          progress=False, retries=0)
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
            f"fetch_arcgis({url!r}, pathlib.Path({str(dest)!r}), progress=False, retries=0)")
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
    info = F.fetch_arcgis(url, dest, progress=False, retries=0)
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
    info = F.fetch_arcgis(f"{base}/layer/query?f=geojson", dest, progress=False, retries=0)
    assert info["features"] == 1500 and _offsets(handler, "/layer/query") == ["0", "1000"]


def test_endless_server_hits_the_page_cap(server, tmp_path):
    handler, base = server
    handler.arcgis["/layer/query"] = _arcgis_layer([], endless=True)
    with pytest.raises(DataError, match=r"exceededTransferLimit after max_pages=5 pages \(5,000 features"):
        F.fetch_arcgis(f"{base}/layer/query?f=geojson", tmp_path / "s.geojson", max_pages=5, progress=False,
                       retries=0)
    assert len(_offsets(handler, "/layer/query")) == 5
    assert not (tmp_path / "s.geojson").exists()


def test_server_ignoring_result_offset_is_caught(server, tmp_path):
    handler, base = server
    handler.arcgis["/layer/query"] = _arcgis_layer(_substation_features(2537), ignore_offset=True)
    with pytest.raises(DataError, match="ignores resultOffset"):
        F.fetch_arcgis(f"{base}/layer/query?f=geojson", tmp_path / "s.geojson", progress=False, retries=0)
    assert len(_offsets(handler, "/layer/query")) == 2  # stopped at the first page that brought nothing new


def test_arcgis_error_answer_is_reported_and_not_kept(server, tmp_path):
    handler, base = server
    handler.arcgis["/layer/query"] = lambda params: json.dumps(
        {"error": {"code": 400, "message": "Unable to complete operation.", "details": ["Invalid field: OBJECTID"]}}
    ).encode()
    with pytest.raises(DataError, match="error 400: Unable to complete operation.*Invalid field"):
        F.fetch_arcgis(f"{base}/layer/query?f=geojson", tmp_path / "s.geojson", progress=False, retries=0)
    assert not list((tmp_path / ".parts" / "s.geojson").glob("page-*"))  # a resumed fetch asks again
