"""Fault injection (issue 13): full and read-only disks, killed and concurrent runs, corrupt
checkpoints, a layer file changed under --resume, --overwrite and --resume on finished outputs.

A full disk is simulated two ways: the write raising ENOSPC half-way (always), and a real
64 kB tmpfs (when the tests run as root and may mount; skipped otherwise). A read-only folder
is a read-only tmpfs as root, or a folder without write permission otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from gis_data.layerset import FrameLayers
from gis_data.outputs import OutputLock, file_fingerprint
from siting import cli
from siting.batch import batch_summary, score_sites
from siting.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("synthetic_layers_faults",
                                               ROOT / "tests" / "siting" / "synthetic_layers.py")
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)

SITES_CSV = "site_id,lat,lon\na,35.9,-79.9\nb,36.1,-80.1\nc,36.3,-79.5\nd,35.7,-80.4\ne,36.5,-79.3\n"


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv)
    assert "Traceback (most recent call last)" not in err.getvalue()
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def sites(tmp_path) -> Path:
    p = tmp_path / "in" / "sites.csv"
    p.parent.mkdir()
    p.write_text(SITES_CSV, encoding="utf-8")
    return p


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or p.name.endswith(".lock"))


# -- full and read-only disks -------------------------------------------------------------


def test_full_disk_mid_write_keeps_the_previous_output(shared_sample, sites, tmp_path, monkeypatch):
    out = tmp_path / "scored.csv"
    assert run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map"])[0] == 0
    before = out.read_bytes()
    real = pd.DataFrame.to_csv

    def full_disk(self, path, *args, **kwargs):
        real(self.head(1), path, *args, **kwargs)  # a partial file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map", "--overwrite"])
    assert rc == 2
    assert "No space left on device" in err and "the disk is full" in err and str(out) in err
    assert out.read_bytes() == before  # the finished file of the earlier run is intact
    assert _leftovers(tmp_path) == []  # no temporary and no lock left behind


def test_full_disk_writing_the_map_leaves_no_truncated_map(shared_sample, sites, tmp_path, monkeypatch):
    import maps._files as files

    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        if "w" in mode and str(path).endswith(".html"):
            fh.write("<html>half a map")
            fh.close()
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return fh

    monkeypatch.setattr(files, "open", failing_open, raising=False)
    out = tmp_path / "scored.csv"
    rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress"])
    assert rc == 2 and "the disk is full" in err and "scored_map.html" in err
    assert not (tmp_path / "scored_map.html").exists()
    assert _leftovers(tmp_path) == []


@contextlib.contextmanager
def _tmpfs(path: Path, options: str):
    if getattr(os, "geteuid", lambda: -1)() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_real_full_disk(shared_sample, sites, tmp_path):
    with _tmpfs(tmp_path / "small_disk", "size=64k") as disk:
        out = disk / "scored.csv"
        rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress"])
        assert rc == 2 and "No space left on device" in err
        names = sorted(p.name for p in disk.iterdir())
        assert "scored_map.html" not in names  # a 190 kB map does not fit: never there half-written
        assert [n for n in names if ".tmp-" in n] == []
        if out.exists():  # the table fits and was complete before the map failed
            assert len(pd.read_csv(out)) == 5


def test_read_only_output_folder(shared_sample, sites, tmp_path):
    ro = tmp_path / "ro"
    if getattr(os, "geteuid", lambda: -1)() == 0:
        ctx = _tmpfs(ro, "ro,size=64k")
    else:
        ro.mkdir()
        ro.chmod(0o555)
        ctx = contextlib.nullcontext(ro)
    with ctx:
        rc, _, err = run_cli(["score", str(sites), "--out", str(ro / "scored.csv"), "--no-progress"])
        assert rc == 2
        assert "read-only" in err or "permission denied" in err.lower()
        assert not (ro / "scored.csv").exists()


# -- concurrent and killed runs -----------------------------------------------------------


def _holder(target: Path, then: str) -> subprocess.Popen:
    """A child process that takes the output lock of ``target``, says so, then sleeps or dies (SIGKILL)."""
    code = (
        "import os, signal, sys, time\n"
        "from gis_data.outputs import OutputLock\n"
        f"lock = OutputLock({str(target)!r}).acquire()\n"
        "print('locked', flush=True)\n"
        + ("time.sleep(120)\n" if then == "sleep" else "os.kill(os.getpid(), signal.SIGKILL)\n")
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "locked"
    proc.stdout.close()
    return proc


def test_a_second_run_into_the_same_output_is_refused(shared_sample, sites, tmp_path):
    out = tmp_path / "scored.csv"
    child = _holder(out, "sleep")
    try:
        rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map"])
        assert rc == 2 and "being written by another run" in err and f"pid {child.pid}" in err
        assert not out.exists()
    finally:
        child.kill()
        child.wait()
    assert run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map"])[0] == 0


def test_a_lock_left_by_a_killed_run_is_recovered(shared_sample, sites, tmp_path, caplog):
    out = tmp_path / "scored.csv"
    child = _holder(out, "die")
    child.wait()
    assert child.returncode == -signal.SIGKILL
    lock = out.with_name("scored.csv.lock")
    assert lock.exists() and json.loads(lock.read_text())["pid"] == child.pid  # stale: its owner is dead
    stale_tmp = tmp_path / ".scored.tmp-99999-dead.csv"
    stale_tmp.write_text("half a table", encoding="utf-8")  # what a killed write leaves
    with caplog.at_level("WARNING"):
        rc, _, _ = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map"])
    assert rc == 0 and len(pd.read_csv(out)) == 5
    assert f"pid {child.pid}" in caplog.text and "recovered the lock" in caplog.text
    assert not lock.exists() and not stale_tmp.exists()


def test_the_checkpoint_folder_is_locked_for_library_callers(tmp_path):
    layers = FrameLayers(SL.frames(), synthetic=True)
    ck = tmp_path / "ck"
    child = _holder(ck, "sleep")
    try:
        with pytest.raises(ConfigError, match="checkpoint folder .* being written by another run"):
            score_sites(SL.sites([(0, 0)]), layers, checkpoint_dir=ck)
    finally:
        child.kill()
        child.wait()


# -- checkpoints --------------------------------------------------------------------------


def _grid():
    return SL.sites([(dx, dy) for dx in range(-15, 50, 8) for dy in range(-15, 16, 8)])  # 36 sites


def test_a_damaged_manifest_means_every_chunk_is_recomputed(tmp_path, caplog):
    layers = FrameLayers(SL.frames(), synthetic=True)
    ck = tmp_path / "ck"
    full = score_sites(_grid(), layers, chunk_size=5, checkpoint_dir=ck)
    (ck / "manifest.json").write_text('{"fingerprint": ', encoding="utf-8")  # truncated
    with caplog.at_level("WARNING"):
        again = score_sites(_grid(), layers, chunk_size=5, checkpoint_dir=ck, resume=True)
    assert "manifest" in caplog.text and "damaged" in caplog.text
    assert batch_summary(again).chunks_resumed == 0
    pd.testing.assert_frame_equal(pd.DataFrame(full.drop(columns="geometry")),
                                  pd.DataFrame(again.drop(columns="geometry")))


@pytest.mark.parametrize("damage", ["flip_a_byte", "truncate", "drop_checksum", "other_chunk", "garbage"])
def test_a_damaged_chunk_is_detected_and_recomputed(tmp_path, caplog, damage):
    layers = FrameLayers(SL.frames(), synthetic=True)
    ck = tmp_path / "ck"
    full = score_sites(_grid(), layers, chunk_size=5, checkpoint_dir=ck)
    chunks = sorted(ck.glob("chunk-*.parquet"))
    victim = chunks[2]
    data = bytearray(victim.read_bytes())
    if damage == "flip_a_byte":
        data[len(data) // 2] ^= 0xFF
        victim.write_bytes(bytes(data))
    elif damage == "truncate":
        victim.write_bytes(bytes(data[: len(data) // 3]))
    elif damage == "drop_checksum":
        victim.with_suffix(".sha256").unlink()
    elif damage == "other_chunk":  # a chunk and its checksum copied over another one
        shutil.copy(chunks[1], victim)
        shutil.copy(chunks[1].with_suffix(".sha256"), victim.with_suffix(".sha256"))
    else:
        victim.write_bytes(b"garbage")
        victim.with_suffix(".sha256").write_text(__import__("hashlib").sha256(b"garbage").hexdigest())
    with caplog.at_level("WARNING"):
        again = score_sites(_grid(), layers, chunk_size=5, checkpoint_dir=ck, resume=True)
    assert f"chunk 2 in {ck}" in caplog.text and "recomputing it" in caplog.text
    assert batch_summary(again).chunks_resumed == len(chunks) - 1
    pd.testing.assert_frame_equal(pd.DataFrame(full.drop(columns="geometry")),
                                  pd.DataFrame(again.drop(columns="geometry")))


def _copy_sample(dest: Path) -> Path:
    src = Path(str(resources.files("gis_data").joinpath("sample")))
    shutil.copytree(src, dest)
    return dest / "layers.toml"


def _interrupted_run(sites: Path, out: Path, layers: Path, monkeypatch) -> None:
    """A CLI run interrupted (Ctrl-C) after its chunks were checkpointed, before the table was written."""
    import siting.commands.score as score_cmd

    with monkeypatch.context() as mp:
        mp.setattr(score_cmd, "write_table", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        rc, _, _ = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map", "--chunk-size", "2",
                            "--layers", str(layers)])
    assert rc == 130 and not out.exists()
    assert len(list(out.with_name(out.name + ".chunks").glob("chunk-*.parquet"))) == 3


@pytest.mark.slow
def test_resume_after_a_layer_file_changed_is_refused(sites, tmp_path, monkeypatch):
    # Done-when of issue 13: a resume after a layer file changed is refused, even when the edit keeps
    # the file's size and modification time (only its content hash differs).
    layers = _copy_sample(tmp_path / "layers")
    out = tmp_path / "scored.csv"
    _interrupted_run(sites, out, layers, monkeypatch)

    subs = tmp_path / "layers" / "substations.geojson"
    st = subs.stat()
    text = subs.read_text(encoding="utf-8")
    i = next(k for k, ch in enumerate(text) if ch.isdigit() and k > len(text) // 2)
    subs.write_text(text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1:], encoding="utf-8")  # same size
    os.utime(subs, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same modification time
    assert subs.stat().st_size == st.st_size and subs.stat().st_mtime_ns == st.st_mtime_ns
    rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map", "--chunk-size", "2",
                          "--layers", str(layers), "--resume"])
    assert rc == 2 and "holds chunks of a different run" in err
    assert f"layer file {str(subs.resolve())!r} changed" in err
    assert not out.exists()

    # the same layer set pointed at another file: refused too
    subs.write_text(text, encoding="utf-8")
    os.utime(subs, ns=(st.st_atime_ns, st.st_mtime_ns))
    other = subs.with_name("substations_copy.geojson")
    shutil.copy(subs, other)
    toml = layers.read_text(encoding="utf-8")
    layers.write_text(toml.replace('"substations.geojson"', '"substations_copy.geojson"'), encoding="utf-8")
    rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map", "--chunk-size", "2",
                          "--layers", str(layers), "--resume"])
    assert rc == 2 and "the layer-set file changed" in err and "substations_copy.geojson" in err

    # back to the very same inputs: the resume is accepted and reuses the chunks
    layers.write_text(toml, encoding="utf-8")
    rc, out_text, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map", "--chunk-size",
                                 "2", "--layers", str(layers), "--resume", "--json"])
    assert rc == 0, err
    assert json.loads(out_text)["summary"]["chunks_resumed"] == 3


def test_resume_refuses_other_scenario_profile_or_version(tmp_path, monkeypatch):
    layers = FrameLayers(SL.frames(), synthetic=True)
    ck = tmp_path / "ck"
    score_sites(_grid(), layers, chunk_size=5, checkpoint_dir=ck)
    from siting.scenario import Scenario

    with pytest.raises(ConfigError, match="the scenario changed"):
        score_sites(_grid(), layers, Scenario(it_load_mw=200.0), chunk_size=5, checkpoint_dir=ck, resume=True)
    with pytest.raises(ConfigError, match="the profile changed"):
        score_sites(_grid(), layers, profile="lowest_cost", chunk_size=5, checkpoint_dir=ck, resume=True)
    frames = SL.frames()
    frames["substations"] = frames["substations"].iloc[:-1]
    with pytest.raises(ConfigError, match="the in-memory layers changed"):
        score_sites(_grid(), FrameLayers(frames, synthetic=True), chunk_size=5, checkpoint_dir=ck, resume=True)
    import siting

    monkeypatch.setattr(siting, "__version__", "99.0")
    with pytest.raises(ConfigError, match=r"the tool version changed \(.* -> 99.0\)"):
        score_sites(_grid(), layers, chunk_size=5, checkpoint_dir=ck, resume=True)


def test_file_fingerprint_sees_content_size_and_time(tmp_path):
    p = tmp_path / "a.bin"
    p.write_bytes(b"x" * 100)
    a = file_fingerprint(p)
    p.write_bytes(b"y" * 100)
    os.utime(p, ns=(a["mtime_ns"], a["mtime_ns"]))
    b = file_fingerprint(p)
    assert a["size_bytes"] == b["size_bytes"] and a["mtime_ns"] == b["mtime_ns"] and a["sha256"] != b["sha256"]
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(9 * 2**20)  # past the whole-file limit: first and last MiB hashed
    f = file_fingerprint(big)
    assert f["hashed"] == "first and last 1 MiB" and f["size_bytes"] == 9 * 2**20
    assert file_fingerprint(tmp_path / "missing")["missing"] is True


# -- --overwrite and --resume on finished outputs ------------------------------------------


def test_resume_never_overwrites_a_finished_output(shared_sample, sites, tmp_path):
    out = tmp_path / "scored.csv"
    assert run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map"])[0] == 0
    before = out.read_bytes()
    rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map", "--resume"])
    assert rc == 2 and "already exists" in err and "--overwrite" in err
    assert out.read_bytes() == before
    assert run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map", "--resume",
                    "--overwrite"])[0] == 0


def test_overwrite_governs_the_map_next_to_the_table(shared_sample, sites, tmp_path):
    out = tmp_path / "scored.csv"
    assert run_cli(["score", str(sites), "--out", str(out), "--no-progress"])[0] == 0
    # every file written next to the table is governed by --overwrite: the effective scenario and profile ...
    out.unlink()
    rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress"])
    assert rc == 2 and "scored_scenario.toml" in err and "--overwrite" in err
    for side in ("scored_scenario.toml", "scored_profile.toml"):
        (tmp_path / side).unlink()
    # ... and the map
    rc, _, err = run_cli(["score", str(sites), "--out", str(out), "--no-progress"])
    assert rc == 2 and "scored_map.html" in err and "--overwrite" in err
    assert run_cli(["score", str(sites), "--out", str(out), "--no-progress", "--no-map"])[0] == 0  # no map: no clash


def test_overwrite_governs_the_report_scenario_and_pdf(tmp_path):
    out = tmp_path / "r.html"
    (tmp_path / "r_scenario.toml").write_text("# an earlier run\n", encoding="utf-8")
    rc, _, err = run_cli(["report", "--lat", "35.9", "--lon", "-79.9", "--out", str(out)])
    assert rc == 2 and "r_scenario.toml" in err and "--overwrite" in err
    (tmp_path / "r_scenario.toml").unlink()
    (tmp_path / "r.pdf").write_bytes(b"%PDF-")
    rc, _, err = run_cli(["report", "--lat", "35.9", "--lon", "-79.9", "--out", str(out), "--pdf"])
    assert rc == 2 and "r.pdf" in err


def test_deal_outputs_are_atomic(tmp_path, monkeypatch):
    import openpyxl

    def full_disk(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device", str(filename))

    monkeypatch.setattr(openpyxl.Workbook, "save", full_disk)
    out = tmp_path / "deal"
    rc, _, err = run_cli(["-q", "deal", "--example", "btm_gas_1gw_tolling", "--draws", "0", "--out", str(out)])
    assert rc == 2 and "the disk is full" in err and "deal.xlsx" in err
    assert not (out / "deal.xlsx").exists()
    assert [p.name for p in out.iterdir() if ".tmp-" in p.name] == []
