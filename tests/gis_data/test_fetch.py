"""siting data fetch: downloads from a local HTTP server only (no network)."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import geopandas as gpd
import pytest
import shapely

from gis_data import fetch as F
from gis_data.layerset import LayerSet
from models.errors import DataError, UnknownNameError


class _Handler(BaseHTTPRequestHandler):
    files: dict = {}
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
    handler = type("H", (_Handler,), {"files": {}, "fail_once": set(), "slow": set(), "hits": [], "urls": []})
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
