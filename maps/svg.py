"""Small inline-SVG charts and a static site map for the HTML/PDF report.

No JavaScript and no plotting library: each function returns an ``<svg>`` string with
every text escaped, so a report is one self-contained file that prints the same as it
shows. Presentation only: axis ranges, tick values and the map's drawing transform.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from markupsafe import Markup, escape
from pyproj import Geod

from maps import sitemap
from models.units import M_PER_KM

#: Series colours (Okabe-Ito, colour-blind safe).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

_GEOD = Geod(ellps="WGS84")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]`` (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + (abs(lo) if lo else 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt(v: float) -> str:
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:g}G"
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e4:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def _svg_open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def line_chart(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int = 260,
    stacked: bool = False,
) -> Markup:
    """Line chart (or stacked areas) of several series over one x axis.

    Parameters
    ----------
    x : sequence of float
        x values [unit of ``x_label``].
    series : mapping of str to sequence of float
        Name -> y values [unit of ``y_label``], same length as ``x``; NaN leaves a gap.
    title, x_label, y_label : str
        Texts (escaped); put units in the labels, e.g. ``"power [MW]"``.
    stacked : bool
        Draw cumulative filled areas (for a dispatch by technology).

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element.
    """
    xs = np.asarray(x, dtype=float)
    names = list(series)
    ys = [np.asarray(series[k], dtype=float) for k in names]
    for k, y in zip(names, ys):
        if len(y) != len(xs):
            raise ValueError(f"series {k!r} has {len(y)} values but x has {len(xs)}; give one value per x")
    if stacked:
        ys = list(np.cumsum(np.nan_to_num(np.vstack(ys)), axis=0)) if ys else []
    left, right, top, bottom = 64, 12, 28, 56
    pw, ph = width - left - right, height - top - bottom
    out = _svg_open(width, height, title)
    out.append(f'<text x="{left}" y="16" class="chart-title">{escape(title)}</text>')
    finite = np.concatenate([y[np.isfinite(y)] for y in ys]) if ys else np.array([])
    if len(xs) == 0 or finite.size == 0:
        out.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">no data</text></svg>')
        return Markup("".join(out))
    y_lo = min(0.0, float(finite.min()))
    yt = nice_ticks(y_lo, float(finite.max()))
    y0, y1 = yt[0], yt[-1]
    x0, x1 = float(np.nanmin(xs)), float(np.nanmax(xs))
    x1 = x1 if x1 > x0 else x0 + 1

    def px(v):
        return left + (v - x0) / (x1 - x0) * pw

    def py(v):
        return top + ph - (v - y0) / (y1 - y0) * ph

    for t in yt:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(t):.1f}" y2="{py(t):.1f}" class="grid"/>'
                   f'<text x="{left - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{_fmt(t)}</text>')
    for t in nice_ticks(x0, x1, 6):
        if x0 <= t <= x1:
            out.append(f'<text x="{px(t):.1f}" y="{top + ph + 16}" text-anchor="middle">{_fmt(t)}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" class="axis"/>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 26}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text transform="translate(14 {top + ph / 2}) rotate(-90)" text-anchor="middle">'
               f"{escape(y_label)}</text>")
    prev = None
    for i, (name, y) in enumerate(zip(names, ys)):
        color = PALETTE[i % len(PALETTE)]
        if stacked:
            base = prev if prev is not None else np.zeros_like(y)
            pts = [f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs, y)]
            pts += [f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs[::-1], base[::-1])]
            out.append(f'<polygon points="{" ".join(pts)}" fill="{color}" fill-opacity="0.75" stroke="none"/>')
            prev = y
        else:
            segs, cur = [], []
            for a, b in zip(xs, y):
                if np.isfinite(b):
                    cur.append(f"{px(a):.1f},{py(b):.1f}")
                elif cur:
                    segs.append(cur)
                    cur = []
            if cur:
                segs.append(cur)
            for seg in segs:
                out.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{color}" stroke-width="1.6"/>')
    lx = left
    for i, name in enumerate(names):
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{lx + 14}" y="{height - 5}">{escape(name)}</text>')
        lx += 24 + 7 * len(str(name))
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    value_label: str,
    width: int = 640,
    highlight: Sequence[bool] | None = None,
) -> Markup:
    """Horizontal bar chart, one bar per label (negative values extend left of zero).

    Parameters
    ----------
    labels : sequence of str
        Bar labels (escaped).
    values : sequence of float
        Bar values [unit of ``value_label``]; NaN bars are left empty.
    title, value_label : str
        Texts (escaped); ``value_label`` carries the unit.
    highlight : sequence of bool, optional
        Bars drawn in the accent colour (e.g. this site next to its benchmarks).

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element.
    """
    vals = np.asarray(values, dtype=float)
    if len(labels) != len(vals):
        raise ValueError(f"{len(labels)} labels but {len(vals)} values; give one value per label")
    bar_h, gap, left, right, top = 18, 6, 230, 70, 28
    height = top + len(vals) * (bar_h + gap) + 40
    out = _svg_open(width, height, title)
    out.append(f'<text x="8" y="16" class="chart-title">{escape(title)}</text>')
    finite = vals[np.isfinite(vals)]
    lo = min(0.0, float(finite.min())) if finite.size else 0.0
    hi = max(0.0, float(finite.max())) if finite.size else 1.0
    ticks = nice_ticks(lo, hi if hi > lo else lo + 1)
    t0, t1 = ticks[0], ticks[-1]
    pw = width - left - right

    def px(v):
        return left + (v - t0) / (t1 - t0) * pw

    for t in ticks:
        out.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{top}" y2="{height - 34}" class="grid"/>'
                   f'<text x="{px(t):.1f}" y="{height - 20}" text-anchor="middle">{_fmt(t)}</text>')
    for i, (lab, v) in enumerate(zip(labels, vals)):
        y = top + i * (bar_h + gap)
        text = str(lab)
        short = text if len(text) <= 38 else text[:37] + "…"
        out.append(f'<text x="{left - 6}" y="{y + bar_h - 5}" text-anchor="end">{escape(short)}</text>')
        if np.isfinite(v):
            a, b = sorted((px(0.0), px(v)))
            color = PALETTE[1] if highlight is not None and highlight[i] else PALETTE[0]
            out.append(f'<rect x="{a:.1f}" y="{y}" width="{max(b - a, 0.5):.1f}" height="{bar_h}" fill="{color}"/>'
                       f'<text x="{b + 4:.1f}" y="{y + bar_h - 5}">{_fmt(float(f"{v:.3g}"))}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 4}" text-anchor="middle">{escape(value_label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


#: Static-map styles by role: (kind, stroke, fill, width).
MAP_STYLES = {
    "counties": ("polygon", "#9e9e9e", "#f7f7f7", 0.6),
    "nonattainment": ("polygon", "#e31a1c", "#fde0dd", 1.0),
    "transmission": ("line", "#d7191c", None, 1.4),
    "pipelines": ("line", "#1b7837", None, 1.4),
    "substations": ("point", "#000000", "#ffffff", 1.0),
    "plants": ("point", "#333333", "#e6550d", 0.8),
    "datacenters": ("point", "#000000", "#00bcd4", 0.8),
}
_MAP_LABELS = {
    "counties": "County", "nonattainment": "Nonattainment area", "transmission": "Transmission (colour by kV)",
    "pipelines": "Gas pipeline", "substations": "Substation", "plants": "Power plant (colour by fuel)", "datacenters": "Datacenter",
}


def _feature_colors(role: str, frame) -> np.ndarray | None:
    """Per-feature colours matching the interactive map: lines by voltage class, plants by fuel."""
    if role == "transmission" and "voltage_kv" in frame.columns:
        kv = np.asarray(frame["voltage_kv"].to_numpy(dtype=float, na_value=np.nan))
        out = np.full(len(kv), sitemap.UNKNOWN_VOLTAGE_COLOR, dtype=object)
        for _, lo, hi, color in sitemap.VOLTAGE_CLASSES:
            out[(kv >= lo) & (kv < hi)] = color
        return out
    if role == "plants" and "energy_source" in frame.columns:
        fam = sitemap._fuel_family(frame["energy_source"])
        return np.array([sitemap.FUEL_COLORS[f] for f in fam], dtype=object)
    return None


def site_map(
    lon_deg: float,
    lat_deg: float,
    layers: Mapping[str, object],
    *,
    site_name: str,
    radius_km: float = 25.0,
    width: int = 640,
    height: int = 480,
) -> Markup:
    """Static map of the context layers within ``radius_km`` of a site.

    Parameters
    ----------
    lon_deg, lat_deg : float
        Site location, WGS84 [deg].
    layers : mapping of str to GeoDataFrame
        Layers by role (EPSG:4326); roles of :data:`MAP_STYLES` are drawn, others ignored.
    site_name : str
        Label of the site marker (escaped).
    radius_km : float
        Half-width of the view [km].

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element with a scale bar and a legend of the drawn roles.
    """
    # View box: radius_km east/west/north/south of the site on the WGS84 ellipsoid.
    e_lon, _, _ = _GEOD.fwd(lon_deg, lat_deg, 90.0, radius_km * M_PER_KM)
    _, n_lat, _ = _GEOD.fwd(lon_deg, lat_deg, 0.0, radius_km * M_PER_KM)
    dlon, dlat = e_lon - lon_deg, n_lat - lat_deg
    x0, x1, y0, y1 = lon_deg - dlon, lon_deg + dlon, lat_deg - dlat, lat_deg + dlat
    legend_h = 22
    mh = height - legend_h
    # Same ground distance per pixel on both axes (local equirectangular drawing): the
    # shorter side of the map spans 2 x radius_km.
    px_per_km = min(width, mh) / (2.0 * radius_km)
    kx, ky = px_per_km * radius_km / dlon, px_per_km * radius_km / dlat  # [px/deg]
    cx, cy = width / 2, mh / 2

    def tx(c):
        return np.column_stack([cx + (c[:, 0] - lon_deg) * kx, cy - (c[:, 1] - lat_deg) * ky])

    view = shapely.box(x0 - 2 * dlon, y0 - 2 * dlat, x1 + 2 * dlon, y1 + 2 * dlat)
    out = _svg_open(width, height, f"Map around {site_name}")
    out.append(f'<rect x="0" y="0" width="{width}" height="{mh}" fill="#eef1f4"/>')
    out.append(f'<clipPath id="mapclip"><rect x="0" y="0" width="{width}" height="{mh}"/></clipPath><g clip-path="url(#mapclip)">')
    drawn = []
    for role in MAP_STYLES:
        frame = layers.get(role)
        if frame is None or "geometry" not in getattr(frame, "columns", []) or len(frame) == 0:
            continue
        kind, stroke, fill, w = MAP_STYLES[role]
        geoms = frame.geometry.to_numpy()
        keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        keep[keep] = shapely.intersects(geoms[keep], view)
        if not keep.any():
            continue
        colors = _feature_colors(role, frame)
        geoms, colors = geoms[keep], (colors[keep] if colors is not None else None)
        drawn.append(role)
        parts = []
        for i, g in enumerate(geoms):
            own = ""
            if colors is not None:
                own = f' stroke="{colors[i]}"' if kind == "line" else f' fill="{colors[i]}"'
            if kind == "point":
                for p in shapely.get_parts(g):
                    (px_, py_), = tx(np.array([[p.x, p.y]]))
                    parts.append(f'<circle cx="{px_:.1f}" cy="{py_:.1f}" r="3.5"{own}/>')
                continue
            d = []
            for part in shapely.get_parts(g):
                rings = [part] if kind == "line" else [part.exterior, *part.interiors]
                for ring in rings:
                    c = tx(np.asarray(ring.coords)[:, :2])
                    d.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in c) + ("Z" if kind == "polygon" else ""))
            parts.append(f'<path d="{"".join(d)}"{own}/>')
        fill_attr = f'fill="{fill}"' if fill else 'fill="none"'
        out.append(f'<g class="layer-{role}" stroke="{stroke}" {fill_attr} stroke-width="{w}" '
                   f'fill-rule="evenodd">{"".join(parts)}</g>')
    out.append(f'<g class="site"><path d="M{cx},{cy - 9}L{cx + 3},{cy - 3}L{cx + 9},{cy - 3}L{cx + 4},{cy + 2}'
               f'L{cx + 6},{cy + 9}L{cx},{cy + 5}L{cx - 6},{cy + 9}L{cx - 4},{cy + 2}L{cx - 9},{cy - 3}'
               f'L{cx - 3},{cy - 3}Z" fill="#fde725" stroke="#000" stroke-width="1.2"/>'
               f'<text x="{cx + 11}" y="{cy - 8}" class="map-label">{escape(site_name[:60])}</text></g>')
    out.append("</g>")
    # Scale bar: a round number of km about a fifth of the view width.
    bar_km = nice_ticks(0, radius_km * 2 / 5, 1)[1]
    bar_px = bar_km * px_per_km
    out.append(f'<g class="scale"><rect x="10" y="{mh - 26}" width="{bar_px + 12:.1f}" height="20" fill="#fff" '
               f'fill-opacity="0.8"/><line x1="16" x2="{16 + bar_px:.1f}" y1="{mh - 12}" y2="{mh - 12}" '
               f'stroke="#000" stroke-width="3"/><text x="16" y="{mh - 15}">{bar_km:g} km</text></g>')
    lx = 6
    for role in ["site", *drawn]:
        if role == "site":
            sym, label = '<rect width="10" height="10" fill="#fde725" stroke="#000"/>', "Site"
        else:
            kind, stroke, fill, _ = MAP_STYLES[role]
            sym = (f'<line x1="0" x2="12" y1="5" y2="5" stroke="{stroke}" stroke-width="2"/>' if kind == "line"
                   else f'<rect width="10" height="10" fill="{fill}" stroke="{stroke}"/>')
            label = _MAP_LABELS[role]
        out.append(f'<g transform="translate({lx} {height - 15})">{sym}<text x="15" y="9">{escape(label)}</text></g>')
        lx += 24 + 6.5 * len(label)
    out.append("</svg>")
    return Markup("".join(out))
