"""Atomic writes and output locks (gis_data.outputs, issue 13)."""

from __future__ import annotations

import errno

import pytest

from gis_data.outputs import OutputLock, atomic_path, remove_stale_temps, write_text_atomic
from models.errors import ConfigError


def test_atomic_path_renames_only_a_complete_file(tmp_path):
    target = tmp_path / "sub" / "map.html"
    write_text_atomic(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            assert tmp.parent == target.parent and tmp.suffix == ".html" and tmp.name.startswith(".map.tmp-")
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("killed mid-write")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["map.html"]


def test_an_os_error_names_the_final_file_not_the_temporary(tmp_path):
    target = tmp_path / "t.csv"
    with pytest.raises(OSError) as info:
        with atomic_path(target) as tmp:
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)


def test_a_writer_that_writes_nothing_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        with atomic_path(tmp_path / "x.csv"):
            pass
    assert list(tmp_path.iterdir()) == []


def test_the_lock_refuses_a_second_holder_and_is_released(tmp_path):
    out = tmp_path / "scored.csv"
    with OutputLock(out) as lock:
        assert lock.path.exists()
        with pytest.raises(ConfigError, match=r"being written by another run \(pid \d+"):
            OutputLock(out).acquire()
    assert not lock.path.exists()
    with OutputLock(out) as again:  # free again
        assert again.recovered is None


def test_stale_temporaries_are_removed(tmp_path):
    out = tmp_path / "scored.gpkg"
    (tmp_path / ".scored.tmp-1-abcd.gpkg").write_bytes(b"half")
    (tmp_path / ".other.tmp-1-abcd.gpkg").write_bytes(b"not ours")
    assert remove_stale_temps(out) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp-1-abcd.gpkg"]
