"""The CLI's last resort: never a traceback; one line and the file holding the full trace (issue 13)."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from siting import cli

ROOT = Path(__file__).resolve().parents[2]


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv)
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def log_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SITING_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "logs"


def _break_catalog(monkeypatch, exc: BaseException) -> None:
    import models.catalog

    def broken(*args, **kwargs):
        raise exc

    monkeypatch.setattr(models.catalog, "catalog_table", broken)


def test_a_bug_prints_one_line_and_where_the_trace_is(monkeypatch, log_dir):
    _break_catalog(monkeypatch, ZeroDivisionError("a bug"))
    rc, _, err = run_cli(["catalog"])
    assert rc == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("siting catalog: internal error (ZeroDivisionError: a bug)")
    logs = list(log_dir.glob("siting-catalog-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    trace = logs[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in trace and "ZeroDivisionError: a bug" in trace and "argv:" in trace


def test_a_raw_input_error_is_bad_input_not_a_bug(monkeypatch, log_dir):
    _break_catalog(monkeypatch, UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"))
    rc, _, err = run_cli(["catalog"])
    assert rc == 2 and "an input could not be read (UnicodeDecodeError" in err and "Traceback" not in err


@pytest.mark.parametrize("code,hint", [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"),
                                       (errno.EACCES, "permission denied")])
def test_an_os_error_is_the_os_message_with_a_hint(monkeypatch, log_dir, code, hint):
    _break_catalog(monkeypatch, OSError(code, os.strerror(code), "/data/out.csv"))
    rc, _, err = run_cli(["catalog"])
    assert rc == 2 and "/data/out.csv" in err and hint in err and os.strerror(code) in err
    assert len(err.strip().splitlines()) == 1


def test_the_log_folder_falls_back_to_the_temp_folder(monkeypatch, tmp_path):
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SITING_CACHE_DIR", str(blocked))  # logs/ cannot be made under a file
    assert cli.trace_log_dir().is_dir() and blocked not in cli.trace_log_dir().parents


def test_interrupt(monkeypatch, log_dir):
    _break_catalog(monkeypatch, KeyboardInterrupt())
    assert run_cli(["catalog"])[0] == 130


def test_real_stderr_of_bad_inputs_has_no_traceback(tmp_path):
    # The console script's own stderr (not an in-process capture) for three hostile inputs.
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    zipless = tmp_path / "layers.toml"
    zipless.write_text('[layers.states]\npath = "states.zip"\nformat = "census_states"\n', encoding="utf-8")
    (tmp_path / "states.zip").write_text("not a zip", encoding="utf-8")
    code = (
        "import sys\nfrom siting import cli\n"
        f"a = cli.main(['score', {str(empty)!r}, '--out', {str(tmp_path / 'o.csv')!r}])\n"
        f"b = cli.main(['score', {str(empty)!r}, '--out', {str(tmp_path / 'o.csv')!r}, '--scenario', {str(tmp_path)!r}])\n"
        f"c = cli.main(['data', 'list', '--layers', {str(zipless)!r}])\n"
        "sys.exit(0 if (a, b, c) == (2, 2, 2) else 1)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SITING_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("siting ")]
    assert len(lines) == 3
    assert "is empty (0 bytes)" in lines[0]
    assert "is a folder" in lines[1]
    assert "not a readable one" in lines[2]
