"""Outputs you can trust: atomic writes, a lock per output, and file fingerprints.

Atomic writes (:func:`atomic_path`, :func:`write_text_atomic`): a file is written under a
hidden temporary name in its own folder (``.<name>.tmp-<pid>-<random><suffix>``, the suffix
kept so format drivers that pick by extension still work), flushed to disk and renamed
onto the final name with :func:`os.replace`, which is atomic on POSIX and Windows. A run
that fails or is killed mid-write (a full disk, Ctrl-C, SIGKILL) never leaves a truncated
file under the final name; the previous file, if any, stays intact. Temporaries a killed
run left behind are removed by the next run that takes the output's lock
(:func:`remove_stale_temps`).

Locks (:class:`OutputLock`): a second run writing into the same place is refused with a
message naming the first (pid, host, start time, command). The lock is an advisory
operating-system lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) held on
``<output>.lock`` for the whole run. The operating system releases it when the process
ends in any way, SIGKILL included, so a lock file left by a killed run is *stale* by
construction: the next run acquires it at once, logs that it recovered it (with the dead
run's pid and start time read from the file) and carries on. No pid guessing, no
timeouts. (Advisory locks are not reliable across hosts on some network file systems;
two machines writing the same NFS output are not protected.)

Fingerprints (:func:`file_fingerprint`): size, modification time (ns) and SHA-256 of a
file: of the whole file up to :data:`FULL_HASH_MAX_BYTES`, else of its first and last
:data:`EDGE_HASH_BYTES`. See :func:`file_fingerprint` for why that is enough to refuse a
resume over a changed layer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import hashlib
import json
import logging
import os
import secrets
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

from models.errors import ConfigError, SitingError

log = logging.getLogger(__name__)

#: Files up to this size are hashed whole by :func:`file_fingerprint` [bytes].
FULL_HASH_MAX_BYTES = 8 * 2**20
#: Bytes hashed at each end of a larger file [bytes].
EDGE_HASH_BYTES = 2**20


# --------------------------------------------------------------------------- atomic writes


def temp_name(path: Path) -> Path:
    """A fresh hidden temporary name next to ``path``, with the same suffix."""
    return path.with_name(f".{path.stem}.tmp-{os.getpid()}-{secrets.token_hex(4)}{path.suffix}")


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems (and Windows for directories) do not sync this way
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.aux.xml")):
        with contextlib.suppress(OSError):
            if p.is_dir():
                import shutil

                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink()


@contextlib.contextmanager
def atomic_path(path: str | Path, *, durable: bool = True) -> Iterator[Path]:
    """Write a file under a temporary name and rename it onto ``path`` when the block succeeds.

    Parameters
    ----------
    path : str or Path
        The final file; its folder is created.
    durable : bool
        Flush the file and its folder to disk (``fsync``) so the result survives a power
        loss; checkpoint bookkeeping, which is verified when read, can skip it.

    Yields
    ------
    Path
        The temporary path to write (same folder, same suffix). On an exception in the
        block it is removed and ``path`` is left as it was.

    Raises
    ------
    OSError
        The write or the rename failed (e.g. ``ENOSPC``, a full disk; ``EROFS``, a read-only
        file system); the error names ``path``, not the temporary.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(errno.ENOENT, "the writer wrote nothing", str(path))
        if durable:
            _fsync(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        if exc.errno is not None and not isinstance(exc, SitingError) and exc.filename in (str(tmp), tmp, None):
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None  # name the file the user asked for
        raise
    except BaseException:
        _remove(tmp)
        raise
    if durable:
        _fsync(path.parent)


def write_text_atomic(path: str | Path, text: str, *, encoding: str = "utf-8", durable: bool = True) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`)."""
    path = Path(path)
    with atomic_path(path, durable=durable) as tmp:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
    return path


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
    return path


def remove_stale_temps(path: str | Path) -> int:
    """Remove temporaries of ``path`` that an earlier, killed run left (call it holding the lock).

    Returns
    -------
    int
        Files removed.
    """
    path = Path(path)
    if not path.parent.is_dir():
        return 0
    n = 0
    for p in path.parent.glob(f".{glob.escape(path.stem)}.tmp-*{glob.escape(path.suffix)}"):
        _remove(p)
        n += 1
    if n:
        log.info("removed %d temporary file(s) of %s left by an interrupted run", n, path.name)
    return n


# --------------------------------------------------------------------------- locks


def _lock_fd(fd: int) -> bool:
    """Try to take an exclusive lock on ``fd`` without waiting; True when taken."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise


class OutputLock:
    """An exclusive lock on an output (a file or a folder) for the length of a run.

    Parameters
    ----------
    target : str or Path
        The output; the lock file is ``<target>.lock`` next to it.
    what : str
        What the output is, for messages (``"output"``, ``"checkpoint folder"``).

    Use as a context manager. Acquiring raises :class:`~models.errors.ConfigError` when
    another live process holds the lock; a lock file left by a process that ended
    (killed, crashed, power loss) is recovered (see the module docstring).
    """

    def __init__(self, target: str | Path, *, what: str = "output"):
        self.target = Path(target).expanduser().absolute()
        if self.target.name in ("", ".", ".."):  # a root or "." given as the output folder
            self.target = self.target.resolve()
        self.path = (self.target.with_name(self.target.name + ".lock") if self.target.name
                     else self.target / ".siting.lock")
        self.what = what
        self._fd: int | None = None
        self.recovered: dict | None = None

    def acquire(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _lock_fd(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise ConfigError(
                    f"{self.what} {str(self.target)!r} is being written by another run ({_describe(holder)}); "
                    f"wait for it to finish, or write to another place. The lock is {str(self.path)!r}; the "
                    "operating system releases it when that run ends, even if it is killed"
                )
            try:  # the holder before us may have removed the file after we opened it: lock the live file
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        else:  # pragma: no cover - only under a pathological storm of lock churn
            raise ConfigError(f"could not lock {str(self.path)!r}; retry")
        previous = _read_holder(fd)
        if previous:
            self.recovered = previous
            log.warning("recovered the lock of an earlier run on %s that ended without releasing it (%s); "
                        "its partial files are cleaned up", self.target, _describe(previous))
        me = {"pid": os.getpid(), "host": socket.gethostname(),
              "started_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "command": " ".join(sys.argv[:1] + [a for a in sys.argv[1:]])[:500]}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(me).encode())  # for messages only: no fsync needed
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # still holding the lock: a waiter re-checks the inode and retries
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_holder(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 4096)
        return json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        return {"unreadable": True}


def _describe(holder: dict) -> str:
    if not holder or holder.get("unreadable"):
        return "no details recorded"
    return (f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started_utc')}: "
            f"{holder.get('command', '')}")


# --------------------------------------------------------------------------- fingerprints


def file_fingerprint(path: str | Path) -> dict:
    """Size, modification time and SHA-256 of a file, to tell whether it changed.

    Files up to :data:`FULL_HASH_MAX_BYTES` are hashed whole; larger ones by their first
    and last :data:`EDGE_HASH_BYTES`. That is enough to refuse a resume over a changed
    layer because the three together must all be fooled: (1) any program that rewrites a
    file (a download, ``cp`` without ``-p``, GDAL, pandas, an editor) sets a new
    modification time, so an edit that keeps the size also shows up in ``mtime_ns``;
    (2) the formats a layer set holds keep their table of contents at an end — a zip's
    central directory (with every member's CRC-32) and a Parquet footer (with row-group
    offsets and statistics) at the end, a GeoPackage/SQLite header (with its change
    counter) and a GeoJSON's first features at the start — so rewritten content changes an
    end; (3) a file of another length is caught by its size. What is not caught is a
    deliberate edit of the middle of a large file that keeps its size and then restores
    its modification time. Hashing 2 MiB per file keeps a resume over national layers
    (GBs) instant.

    Returns
    -------
    dict
        ``path`` (resolved), ``size_bytes``, ``mtime_ns``, ``sha256`` and ``hashed``
        (``"whole"`` or ``"first and last 1 MiB"``); ``{"path": ..., "missing": True}`` for a
        path that does not exist.
    """
    p = Path(path).expanduser()
    try:
        p = p.resolve()
        st = p.stat()
    except OSError:
        return {"path": str(p), "missing": True}
    if p.is_dir():
        return {"path": str(p), "folder": True, "files": [file_fingerprint(c) for c in sorted(p.iterdir())
                                                          if c.is_file()][:1000]}
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        if st.st_size <= FULL_HASH_MAX_BYTES:
            for block in iter(lambda: fh.read(2**20), b""):
                h.update(block)
            how = "whole"
        else:
            h.update(fh.read(EDGE_HASH_BYTES))
            fh.seek(-EDGE_HASH_BYTES, os.SEEK_END)
            h.update(fh.read(EDGE_HASH_BYTES))
            how = f"first and last {EDGE_HASH_BYTES // 2**20} MiB"
    return {"path": str(p), "size_bytes": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": h.hexdigest(),
            "hashed": how}


def sidecar_files(path: str | Path) -> list[Path]:
    """A file and the sidecars read with it: a shapefile's ``.dbf``, ``.shx``, ``.prj``, ``.cpg``."""
    p = Path(path)
    if p.suffix.lower() != ".shp":
        return [p]
    return [p] + sorted(q for q in p.parent.glob(p.stem + ".*") if q != p and q.suffix.lower() in
                        (".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx"))
