"""Atomic file writes for the renderers (maps is a leaf package: it imports nothing of gis_data).

The same scheme as :mod:`gis_data.outputs`: write under a hidden temporary name in the
target's folder (suffix kept), flush, then ``os.replace`` onto the final name, so a full
disk or a killed run never leaves a truncated map or report under its final name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from models.errors import SitingError


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` when the block succeeds.

    On an exception the temporary is removed and ``path`` is left as it was; an ``OSError``
    is raised again naming ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}-{secrets.token_hex(4)}{path.suffix}")
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno is not None and not isinstance(exc, SitingError) and exc.filename in (str(tmp), tmp, None):
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None  # name the file the user asked for
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return path
