"""Offline assets for maps and reports: Leaflet inlined, templates read from the package.

folium references Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; a map that must
open on an air-gapped laptop cannot. Neither folium nor branca ship Leaflet itself, so
Leaflet 1.9.4 (BSD-2-Clause) is vendored unchanged in ``maps/templates`` (taken from the
PyPI wheel ``django-js-lib-leaflet`` 1.9.4.1; licence in ``maps/templates/LEAFLET_LICENSE.txt``)
and inlined into every page. The maps use circle markers and their own controls, so
jQuery, Bootstrap and the marker-icon images are not needed.

Also here: the one way this package puts data into a page, :func:`json_for_script`,
which makes any string (site names, attributes) inert inside ``<script>``.
"""

from __future__ import annotations

import functools
import json
import math
import re
from importlib import resources
from typing import Any

import numpy as np

#: Vendored Leaflet version (file names in maps/templates carry it).
LEAFLET_VERSION = "1.9.4"

_CSS_IMAGE_URL = re.compile(r"url\(images/[^)]*\)")


@functools.cache
def read_template(name: str) -> str:
    """Text of a file shipped in ``maps/templates`` (UTF-8)."""
    return resources.files("maps").joinpath("templates", name).read_text(encoding="utf-8")


def leaflet_js() -> str:
    """Minified Leaflet JavaScript, with its licence header."""
    return read_template(f"leaflet-{LEAFLET_VERSION}.min.js")


def leaflet_css() -> str:
    """Leaflet CSS with its ``url(images/...)`` references removed.

    The images are the default marker icon and the collapsed layer-control icon; the
    maps use neither (circle markers, an expanded layer control), and a relative image
    URL would be a failed file request in a self-contained page.
    """
    return _CSS_IMAGE_URL.sub("none", read_template(f"leaflet-{LEAFLET_VERSION}.css"))


_SCALARS = (str, int, bool, type(None))


def _plain(obj: Any) -> Any:
    t = type(obj)
    if t in _SCALARS:
        return obj
    if t is float:
        return obj if math.isfinite(obj) else None
    if t is dict:
        return {k if type(k) is str else str(k): _plain(v) for k, v in obj.items()}
    if t is list or t is tuple:
        if all(type(v) in _SCALARS for v in obj):  # a list of text (popup values): nothing to convert
            return obj if t is list else list(obj)
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def json_for_script(obj: Any) -> str:
    """JSON text that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``/``\\u003e``/``\\u0026`` so that no
    string can close the script element or open a comment; NaN and infinities become
    ``null`` (JSON has neither); numpy scalars and arrays become plain values.
    """
    text = json.dumps(_plain(obj), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def inline_script(code: str) -> str:
    """Wrap trusted JavaScript (shipped files only) in a ``<script>`` element."""
    return "<script>\n" + code.replace("</script", "<\\/script") + "\n</script>"


def leaflet_head() -> str:
    """``<style>`` and ``<script>`` elements holding Leaflet, for a page's ``<head>``."""
    return "<style>\n" + leaflet_css() + "\n</style>\n" + inline_script(leaflet_js())
