"""QGIS layer styles (QML) for scored site tables.

:func:`graduated_points_qml` writes the QML document QGIS reads from a file or from a
GeoPackage's ``layer_styles`` table: points coloured by a numeric attribute in classes
(a ``graduatedSymbol`` renderer), the same classes and colours as the HTML map
(:data:`maps.sitemap.SCORE_EDGES`, :data:`maps.sitemap.SCORE_COLORS`), and field aliases (the human labels people read in the attribute
table and identify results).

The document is built with :mod:`xml.etree.ElementTree`, so every label and alias is
escaped; it follows the QML layout QGIS 3 writes (``renderer-v2`` with ``ranges``,
``symbols`` and ``source-symbol``; symbol layers as ``Option`` maps).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from models.errors import ConfigError

#: QGIS version the document declares (the oldest LTR it was checked with).
QML_VERSION = "3.22.16-Białowieża"


def _rgba(color: str, alpha: int = 255) -> str:
    c = color.lstrip("#")
    if len(c) != 6:
        raise ConfigError(f"colour {color!r}: expected #rrggbb")
    return f"{int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{alpha}"


def _option(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "Option", {"type": "QString", "name": name, "value": value})


def _marker(name: str, color: str, size_mm: float, outline: str = "#000000") -> ET.Element:
    sym = ET.Element("symbol", {"type": "marker", "name": name, "alpha": "1", "clip_to_extent": "1",
                                "force_rhr": "0"})
    layer = ET.SubElement(sym, "layer", {"class": "SimpleMarker", "enabled": "1", "locked": "0", "pass": "0"})
    opts = ET.SubElement(layer, "Option", {"type": "Map"})
    for k, v in (("name", "circle"), ("color", _rgba(color)), ("outline_color", _rgba(outline)),
                 ("outline_style", "solid"), ("outline_width", "0.2"), ("outline_width_unit", "MM"),
                 ("size", f"{size_mm:g}"), ("size_unit", "MM"), ("scale_method", "diameter")):
        _option(opts, k, v)
    return sym


def graduated_points_qml(attribute: str, edges: Sequence[float], colors: Sequence[str], *,
                         lower: float = 0.0, upper: float = 1.0, labels: Sequence[str] | None = None,
                         no_value_color: str = "#9e9e9e", size_mm: float = 2.4,
                         aliases: Mapping[str, str] | None = None) -> str:
    """A QML style colouring points by ``attribute`` in classes.

    Parameters
    ----------
    attribute : str
        Numeric field the classes read (e.g. ``score_total``).
    edges : sequence of float
        Inner class edges, increasing [unit of the attribute]; ``len(colors) - 1`` of them.
    colors : sequence of str
        ``#rrggbb`` colour of each class, lowest first.
    lower, upper : float
        Outer edges of the first and the last class [unit of the attribute].
    labels : sequence of str, optional
        Legend label of each class; default ``"lo – hi"``.
    no_value_color : str
        Colour of the renderer's source symbol (the template of new classes); points whose
        attribute is NULL fall in no class and are not drawn.
    size_mm : float
        Marker diameter [mm].
    aliases : dict of str to str, optional
        Field name -> alias shown in the attribute table and the identify panel.

    Returns
    -------
    str
        The QML document (UTF-8 text with its DOCTYPE).
    """
    edges = [float(e) for e in edges]
    if len(colors) != len(edges) + 1:
        raise ConfigError(f"{len(colors)} colours need {len(colors) - 1} inner edges; got {len(edges)}")
    bounds = [float(lower), *edges, float(upper)]
    if any(not math.isfinite(b) for b in bounds) or any(b1 <= b0 for b0, b1 in zip(bounds[:-1], bounds[1:])):
        raise ConfigError(f"class edges {bounds} must be finite and increasing")
    if labels is None:
        labels = [f"{lo:g} – {hi:g}" for lo, hi in zip(bounds[:-1], bounds[1:])]
    if len(labels) != len(colors):
        raise ConfigError(f"{len(colors)} classes need {len(colors)} labels; got {len(labels)}")

    root = ET.Element("qgis", {"version": QML_VERSION, "styleCategories": "Symbology|Fields"})
    renderer = ET.SubElement(root, "renderer-v2", {
        "type": "graduatedSymbol", "attr": attribute, "graduatedMethod": "GraduatedColor", "symbollevels": "0",
        "forceraster": "0", "enableorderby": "0"})
    ranges = ET.SubElement(renderer, "ranges")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (lo, hi, color, label) in enumerate(zip(bounds[:-1], bounds[1:], colors, labels)):
        # QGIS classes are lower < value <= upper except the first, which includes its lower edge
        ET.SubElement(ranges, "range", {"symbol": str(i), "lower": repr(lo), "upper": repr(hi), "label": label,
                                        "render": "true"})
        symbols.append(_marker(str(i), color, size_mm))
    source = ET.SubElement(renderer, "source-symbol")
    source.append(_marker("0", no_value_color, size_mm))
    ET.SubElement(renderer, "classificationMethod", {"id": "Fixed"})
    ET.SubElement(renderer, "rotation")
    ET.SubElement(renderer, "sizescale")
    if aliases:
        al = ET.SubElement(root, "aliases")
        for i, (field, alias) in enumerate(aliases.items()):
            ET.SubElement(al, "alias", {"field": field, "index": str(i), "name": alias})
    ET.SubElement(root, "layerGeometryType").text = "0"
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"
