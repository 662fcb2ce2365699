"""On-disk cache of loaded layers, so the second load of the same file does not re-parse it.

A cached layer is keyed by the file's absolute path, size and modification time, the
format name, the loader options and :data:`LOADER_VERSION` (bump it whenever a loader's
output changes). It is stored as GeoParquet (plain Parquet for table roles) under
:func:`cache_dir` (``$SITING_CACHE_DIR`` or ``~/.cache/siting``), with the frame's
``attrs`` (source metadata, load report) in a JSON sidecar. Writers write to a temporary
file in the same folder and ``os.replace`` it into place, sidecar first and Parquet
last, so a reader never sees a half-written entry and concurrent writers of the same
key simply replace each other's identical result.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

log = logging.getLogger(__name__)

#: Bump when any loader's output (columns, cleaning rules) changes, to invalidate old entries.
LOADER_VERSION = "4"  # 4: EIA-860 pipeline answers that name no pipeline are missing; 3: USGS water use keeps public-supply population and deliveries; 2: queue milestone dates

#: Environment variable naming the cache folder.
CACHE_ENV = "SITING_CACHE_DIR"


def cache_dir() -> Path:
    """The cache folder: ``$SITING_CACHE_DIR`` or ``~/.cache/siting`` (not created here)."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "siting"


def cache_key(path: str | Path, format_name: str, options: Mapping | None = None) -> str:
    """Hex key of one file loaded with one format and options.

    Parameters
    ----------
    path : str or Path
        Source file (must exist).
    format_name : str
        Registered format name.
    options : mapping, optional
        Loader keyword arguments (JSON-serialisable).
    """
    p = Path(path).expanduser().resolve()
    st = p.stat()
    payload = json.dumps(
        [str(p), st.st_size, st.st_mtime_ns, format_name, dict(sorted((options or {}).items())), LOADER_VERSION],
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _entry(key: str, root: Path | None = None) -> tuple[Path, Path]:
    root = root or cache_dir()
    return root / f"{key}.parquet", root / f"{key}.json"


def read(key: str, root: Path | None = None) -> pd.DataFrame | None:
    """The cached frame for ``key``, or ``None`` on a miss (or an unreadable entry)."""
    data, side = _entry(key, root)
    if not (data.exists() and side.exists()):
        return None
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
        frame = gpd.read_parquet(data) if meta.get("geo") else pd.read_parquet(data)
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable cache entry %s: %s", data, exc)
        return None
    frame.attrs.update(meta.get("attrs", {}))
    return frame


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write(key: str, frame: pd.DataFrame, root: Path | None = None) -> None:
    """Store ``frame`` (and its attrs) under ``key``; failures are logged, never raised."""
    data, side = _entry(key, root)
    geo = isinstance(frame, gpd.GeoDataFrame)
    try:
        data.parent.mkdir(parents=True, exist_ok=True)
        meta = {"geo": geo, "attrs": frame.attrs, "loader_version": LOADER_VERSION}
        text = json.dumps(meta, default=str)
        _atomic_write(side, lambda p: p.write_text(text, encoding="utf-8"))
        plain = frame.copy()
        plain.attrs = {}
        _atomic_write(data, lambda p: plain.to_parquet(p, index=False))
    except OSError as exc:
        log.warning("could not write cache entry %s: %s (loading still works, just not cached)", data, exc)


def cached_load(path: str | Path, format_name: str, loader: Callable, options: Mapping | None = None, *,
                use_cache: bool = True, root: Path | None = None) -> pd.DataFrame:
    """``loader(path, **options)``, served from the cache when the same file was loaded before.

    Parameters
    ----------
    path : str or Path
        Source file.
    format_name : str
        Format name (part of the key).
    loader : callable
        The format's loader.
    options : mapping, optional
        Loader keyword arguments.
    use_cache : bool
        False bypasses the cache (neither read nor written).
    root : Path, optional
        Cache folder (default :func:`cache_dir`).
    """
    options = dict(options or {})
    if not use_cache:
        return loader(path, **options)
    key = cache_key(path, format_name, options)
    hit = read(key, root)
    if hit is not None:
        log.debug("cache hit for %s (%s)", path, format_name)
        return hit
    frame = loader(path, **options)
    write(key, frame, root)
    return frame


def clear(root: Path | None = None) -> int:
    """Delete every cache entry; returns the number of files removed."""
    root = root or cache_dir()
    if not root.is_dir():
        return 0
    files = [p for p in root.iterdir() if p.suffix in (".parquet", ".json", ".tmp")]
    for p in files:
        p.unlink(missing_ok=True)
    return len(files)


__all__ = ["LOADER_VERSION", "cache_dir", "cache_key", "cached_load", "clear", "read", "write"]
