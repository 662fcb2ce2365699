"""Registry of supported source formats: name -> role, loader and schema detector.

A loader module declares its formats with :func:`register_format`; the layer-set code
(:mod:`gis_data.layerset`) looks formats up by name, and ``siting data scan`` asks each
format's detector whether a file matches by its *schema* (columns, keys), not its name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from models.errors import unknown_name


@dataclass(frozen=True)
class Format:
    """One supported source format.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"hifld_transmission"``.
    role : str
        Layer role it fills (a key of :data:`gis_data.canonical.ROLES`).
    loader : callable
        ``loader(path, **options) -> GeoDataFrame | DataFrame`` in canonical form.
    detect : callable
        ``detect(path, columns) -> bool``: does this file (whose field names are
        ``columns``, lower-cased) look like this format?
    detail : int
        Higher is more detailed; ``data scan`` keeps the most detailed variant per role.
    description : str
        One line for ``siting data list`` and the README.
    """

    name: str
    role: str
    loader: Callable
    detect: Callable
    detail: int
    description: str


_FORMATS: dict[str, Format] = {}

#: Modules that register formats when imported (each calls register_format at import).
_LOADER_MODULES: tuple[str, ...] = (
    "gis_data.grid",
    "gis_data.gas",
    "gis_data.plants",
    "gis_data.regions",
    "gis_data.queue",
    "gis_data.datacenters",
    "gis_data.boundaries",
    "gis_data.water",
    "gis_data.air",
    "gis_data.weather",
)


def register_format(name: str, *, role: str, detect: Callable, detail: int = 0, description: str = ""):
    """Decorator: register ``loader`` under ``name``."""

    def deco(loader: Callable) -> Callable:
        _FORMATS[name] = Format(name, role, loader, detect, detail, description or (loader.__doc__ or "").strip().splitlines()[0])
        return loader

    return deco


def _ensure_loaded() -> None:
    for mod in _LOADER_MODULES:
        importlib.import_module(mod)


def formats() -> dict[str, Format]:
    """All registered formats, by name."""
    _ensure_loaded()
    return dict(_FORMATS)


def get_format(name: str) -> Format:
    """Look a format up by name; a miss lists the valid names."""
    _ensure_loaded()
    try:
        return _FORMATS[name]
    except KeyError:
        raise unknown_name("layer format", name, _FORMATS) from None
