"""Interactive site map (folium/Leaflet), self-contained and offline.

:func:`render_map` turns a scored site table and a dict of context layers into one HTML
page: candidate sites coloured by ``score_total`` on a single canvas (fast with 10^5
sites), popups with the sub-scores and headline values labelled with their units from
:mod:`siting.schema`, toggleable context layers (transmission by voltage class,
substations, gas pipelines, power plants by fuel, existing datacenters, counties shaded
by a water indicator, nonattainment areas), a legend, a scale bar, a full-screen button,
search by site name and, for the synthetic sample, a banner saying so.

The page needs no network: Leaflet is inlined (see :mod:`maps.assets`), background
tiles are off by default (a plain light background), and every string from the data is
written as JSON made inert for ``<script>`` and put into the page with ``textContent``.

This module renders; it computes nothing about the sites. The only arithmetic is
presentation: colour classes, marker radii and coordinate rounding to 1e-5 degree
(about 1 m) to keep the page small.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from markupsafe import escape

from maps import assets
from maps.labels import NO_LABELS, Labels
from models.errors import ConfigError, CRSError, DataError

log = logging.getLogger(__name__)

#: Score classes (upper edges) and their colours: viridis at five steps (colour-blind safe).
SCORE_EDGES = (0.2, 0.4, 0.6, 0.8)
SCORE_COLORS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
NO_SCORE_COLOR = "#9e9e9e"

#: Popup columns shown after score_total, rank and the score_* sub-scores, when present.
HEADLINE_COLUMNS = (
    "it_load_mw",
    "state_abbr",
    "county_name",
    "distance_to_substation_km",
    "distance_to_line_345kv_km",
    "distance_to_pipeline_km",
    "nonattainment_status",
    "total_water_consumption_gal_per_yr",
    "water_stress_bws_label",
    "water_verdict",
    "error",
)

#: Transmission voltage classes: (label, lower bound [kV], upper bound [kV], colour).
VOLTAGE_CLASSES = (
    ("Transmission ≥ 500 kV", 500.0, math.inf, "#d7191c"),
    ("Transmission 345–499 kV", 345.0, 500.0, "#fd8d3c"),
    ("Transmission 230–344 kV", 230.0, 345.0, "#9c6ade"),
    ("Transmission < 230 kV", -math.inf, 230.0, "#6baed6"),
)
UNKNOWN_VOLTAGE_COLOR = "#969696"

#: EIA-860 energy-source codes grouped into the fuel families drawn as layers.
FUEL_FAMILIES = {
    "Gas": ("NG", "OG", "BFG", "SGC", "PG", "LFG", "OBG"),
    "Coal": ("BIT", "SUB", "LIG", "RC", "ANT", "WC", "SGP", "PC"),
    "Oil": ("DFO", "RFO", "JF", "KER", "WO"),
    "Nuclear": ("NUC",),
    "Hydro": ("WAT",),
    "Solar": ("SUN",),
    "Wind": ("WND",),
    "Storage": ("MWH",),
}
FUEL_COLORS = {
    "Gas": "#e6550d", "Coal": "#252525", "Oil": "#8c510a", "Nuclear": "#c51b8a", "Hydro": "#2171b5",
    "Solar": "#fec44f", "Wind": "#41ab5d", "Storage": "#7a0177", "Other": "#737373",
}

#: County water-indicator columns tried in order when none is named, and whether the
#: column is Aqueduct's 0-5 baseline-water-stress score (fixed classes) or a quantity
#: (quintile classes).
COUNTY_INDICATORS = (
    "water_stress_bws_score",
    "bws_score",
    "withdrawal_total_gal_per_day",
    "county_withdrawal_total_gal_per_day",
    "withdrawal_public_supply_gal_per_day",
    "county_public_supply_gal_per_day",
)
COUNTY_COLORS = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
#: WRI Aqueduct 4.0 baseline water stress categories (score 0-1 low ... 4-5 extremely high).
BWS_CLASSES = ("Low (0–1)", "Low–medium (1–2)", "Medium–high (2–3)", "High (3–4)", "Extremely high (4–5)")

SYNTHETIC_BANNER = "Synthetic sample region — not real infrastructure"


@dataclass(frozen=True)
class _Layer:
    id: str
    label: str
    features: list
    styles: list
    visible: bool = True


class _Raw(Element):
    """A page fragment inserted verbatim (branca would parse an Element's text as Jinja)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _AfterMap(MacroElement):
    """Trusted JavaScript that runs after the map object exists (a child of the map)."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "SitingMapScript"
        self._code = code

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_Raw(self._code), name=self.get_name())


# ---------------------------------------------------------------------------------------
# input checks


def _check_crs(frame, what: str) -> None:
    crs = getattr(frame, "crs", None)
    if crs is None:
        raise CRSError(f"{what} has no CRS; expected EPSG:4326 (set it with .set_crs('EPSG:4326') if the "
                       "coordinates are longitude/latitude)")
    if crs.to_epsg() != 4326:
        raise CRSError(f"{what} is in {crs.to_string()}; expected EPSG:4326 (reproject with .to_crs('EPSG:4326'))")


def _site_points(sites: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longitude, latitude [deg] and a keep-mask of the sites."""
    if hasattr(sites, "geometry") and "geometry" in getattr(sites, "columns", []):
        _check_crs(sites, "sites")
        geom = sites.geometry.to_numpy()
        missing = shapely.is_missing(geom) | shapely.is_empty(geom)
        kinds = shapely.get_type_id(geom[~missing])
        if len(kinds) and np.any(kinds != 0):
            raise DataError("sites must be points; got geometry types "
                            f"{sorted(set(shapely.get_type_id(geom[~missing]).tolist()))} (shapely type ids); "
                            "use .representative_point() for polygons")
        lon = np.full(len(geom), np.nan)
        lat = np.full(len(geom), np.nan)
        lon[~missing] = shapely.get_x(geom[~missing])
        lat[~missing] = shapely.get_y(geom[~missing])
    elif {"latitude_deg", "longitude_deg"} <= set(sites.columns):
        lat = pd.to_numeric(sites["latitude_deg"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(sites["longitude_deg"], errors="coerce").to_numpy(dtype=float)
    else:
        raise DataError(f"sites need a point geometry (EPSG:4326) or latitude_deg/longitude_deg columns; "
                        f"got columns {list(sites.columns)}")
    keep = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    return lon, lat, keep


def _format_column(name: str, values: pd.Series, labels: Labels) -> list[str]:
    """Format a column's values with their unit from the labels (plain text otherwise)."""
    return [labels.format(name, v) for v in values.tolist()]


def _isna(v) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return bool(isinstance(v, float) and math.isnan(v))
    except TypeError:
        return False


def _text(values: pd.Series, unit: str = "", fmt: str = "{:,.0f}") -> list[str]:
    """Attribute values as display strings; numbers with a unit when given."""
    out = []
    for v in values.tolist():
        if _isna(v):
            out.append("n/a")
        elif unit and isinstance(v, (int, float, np.number)):
            out.append(f"{fmt.format(float(v))} {unit}")
        else:
            out.append(str(v))
    return out


# ---------------------------------------------------------------------------------------
# context layers


def _features(frame, texts: list[list[str]], style_idx=None, radius=None) -> list[dict]:
    geom = shapely.transform(frame.geometry.to_numpy(), lambda c: np.round(c, 5))
    keep = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    feats = []
    rows = list(zip(*texts)) if texts else [()] * len(geom)
    for i in np.flatnonzero(keep):
        props = {"_s": int(style_idx[i]) if style_idx is not None else 0, "_t": list(rows[i])}
        if radius is not None:
            props["_r"] = float(radius[i])
        feats.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom[i]), "properties": props})
    return feats


def _col(frame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _line_style(color: str, weight: float = 2.0, dash: str | None = None) -> dict:
    s = {"color": color, "weight": weight, "opacity": 0.9}
    if dash:
        s["dashArray"] = dash
    return s


def _point_style(color: str, radius: float = 4.0) -> dict:
    # Thin white outline and some transparency: candidate sites (thick black ring) stay distinct.
    return {"color": "#ffffff", "weight": 1, "fillColor": color, "fillOpacity": 0.7, "radius": radius}


def _transmission_layers(frame) -> tuple[list[dict], list[tuple[str, str, str]]]:
    kv = pd.to_numeric(_col(frame, "voltage_kv"), errors="coerce").to_numpy(dtype=float)
    fields = ["Voltage", "Owner", "Status"]
    texts = [_text(_col(frame, "voltage_kv"), "kV"), _text(_col(frame, "owner")), _text(_col(frame, "status"))]
    layers, legend = [], []
    for label, lo, hi, color in VOLTAGE_CLASSES:
        sel = (kv >= lo) & (kv < hi)
        if sel.any():
            idx = np.flatnonzero(sel)
            lid = f"transmission-{int(lo) if math.isfinite(lo) else 0}"
            layers.append(_with_fields(_Layer(lid, label, _features(frame[sel], [[t[i] for i in idx] for t in texts]),
                                              [_line_style(color, 3.0 if lo >= 345 else 2.0)]), fields))
            legend.append(("line", color, label))
    sel = ~np.isfinite(kv)
    if sel.any():
        idx = np.flatnonzero(sel)
        label = "Transmission, voltage unknown"
        layers.append(_with_fields(_Layer("transmission-unknown", label,
                                          _features(frame[sel], [[t[i] for i in idx] for t in texts]),
                                          [_line_style(UNKNOWN_VOLTAGE_COLOR, 1.5, "4 3")]), fields))
        legend.append(("line", UNKNOWN_VOLTAGE_COLOR, label))
    return layers, legend


def _with_fields(layer: _Layer, fields: list[str]) -> dict:
    return {"id": layer.id, "label": layer.label, "visible": layer.visible, "styles": layer.styles,
            "fields": fields, "geojson": {"type": "FeatureCollection", "features": layer.features}}


def _fuel_family(codes: pd.Series) -> np.ndarray:
    lookup = {code: fam for fam, cs in FUEL_FAMILIES.items() for code in cs}
    return np.array([lookup.get(str(c).strip().upper(), "Other") if not _isna(c) else "Other"
                     for c in codes.tolist()], dtype=object)


def _county_classes(values: np.ndarray, column: str, labels: Labels = NO_LABELS) -> tuple[np.ndarray, list[str]]:
    """Class index 0-4 (or -1 for unknown) and the class labels."""
    idx = np.full(len(values), -1)
    ok = np.isfinite(values)
    if "bws" in column:
        idx[ok] = np.clip(np.floor(values[ok]), 0, 4).astype(int)
        return idx, list(BWS_CLASSES)
    if not ok.any():
        return idx, []
    edges = np.unique(np.quantile(values[ok], [0.2, 0.4, 0.6, 0.8]))
    idx[ok] = np.searchsorted(edges, values[ok], side="right")
    bounds = [-np.inf, *edges.tolist(), np.inf]
    unit = _unit(column, labels)
    texts = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if not math.isfinite(lo):
            texts.append(f"< {_compact(hi)} {unit}".strip())
        elif not math.isfinite(hi):
            texts.append(f"≥ {_compact(lo)} {unit}".strip())
        else:
            texts.append(f"{_compact(lo)}–{_compact(hi)} {unit}".strip())
    return idx, texts


def _compact(v: float) -> str:
    """Three significant digits with a thousand/million/billion word (legend text)."""
    for div, word in ((1e9, " billion"), (1e6, " million"), (1e3, " thousand")):
        if abs(v) >= div:
            return f"{v / div:.3g}{word}"
    return f"{v:.3g}"


def _unit(column: str, labels: Labels) -> str:
    if column in labels:
        return labels.unit(column)
    return "gal/day" if column.endswith("_gal_per_day") else ""


def _context_layers(layers: Mapping[str, object], county_column: str | None,
                    labels: Labels = NO_LABELS) -> tuple[list[dict], list[tuple]]:
    """Context layers in drawing order (polygons first, points last) and legend entries."""
    out: list[dict] = []
    legend: list[tuple] = []
    geo = {}
    for role, frame in layers.items():
        if frame is None or len(frame) == 0:
            continue
        if "geometry" in getattr(frame, "columns", []) and hasattr(frame, "crs"):
            _check_crs(frame, f"layer {role!r}")
            geo[role] = frame
        elif role != "nonattainment":
            log.info("layer %r has no geometry; not drawn", role)

    if "states" in geo:
        f = geo["states"]
        out.append(_with_fields(_Layer("states", "States", _features(f, [_text(_col(f, "state_name"))]),
                                       [{"color": "#555", "weight": 1.5, "fill": False, "opacity": 0.8}]),
                                ["State"]))

    if "counties" in geo:
        f = geo["counties"]
        column = county_column or next((c for c in COUNTY_INDICATORS if c in f.columns), None)
        if county_column is not None and county_column not in f.columns:
            raise DataError(f"county water indicator column {county_column!r} is not in the counties layer; "
                            f"it has {list(f.columns)}")
        styles = [{"color": "#8c8c8c", "weight": 0.6, "fillColor": "#ffffff", "fillOpacity": 0.15}]
        fields = ["County", "State"]
        texts = [_text(_col(f, "county_name")), _text(_col(f, "state_abbr"))]
        style_idx = np.zeros(len(f), dtype=int)
        if column is not None:
            vals = pd.to_numeric(f[column], errors="coerce").to_numpy(dtype=float)
            idx, classes = _county_classes(vals, column, labels)
            styles += [{"color": "#8c8c8c", "weight": 0.6, "fillColor": c, "fillOpacity": 0.35} for c in COUNTY_COLORS]
            style_idx = idx + 1
            fields.append(labels.label(column) if column in labels else f"{column} [{_unit(column, labels)}]")
            texts.append(_format_column(column, f[column], labels) if column in labels
                         else _text(f[column], _unit(column, labels), "{:,.3g}"))
            legend.append(("title", "", f"Counties: {column}"))
            legend += [("box", COUNTY_COLORS[i], lab) for i, lab in enumerate(classes)]
        out.append(_with_fields(_Layer("counties", "Counties (water indicator)" if column else "Counties",
                                       _features(f, texts, style_idx), styles), fields))

    nonatt = layers.get("nonattainment")
    if nonatt is not None and len(nonatt):
        poly = None
        if "nonattainment" in geo:
            poly = nonatt
        elif "counties" in geo and "county_fips" in nonatt.columns and "county_fips" in geo["counties"].columns:
            # A designation table keyed by county: draw the designated counties' outlines.
            fips = set(nonatt["county_fips"].astype(str))
            counties = geo["counties"]
            sel = counties["county_fips"].astype(str).isin(fips).to_numpy()
            poly = counties[sel].copy()
            info = nonatt.drop_duplicates("county_fips").set_index(nonatt.drop_duplicates("county_fips")["county_fips"]
                                                                   .astype(str))
            for c in ("pollutant", "classification", "status"):
                if c in info.columns:
                    poly[c] = poly["county_fips"].astype(str).map(info[c]).to_numpy()
        else:
            log.info("nonattainment table given without county polygons; not drawn")
        if poly is not None and len(poly):
            color = "#e31a1c"
            out.append(_with_fields(_Layer(
                "nonattainment", "Nonattainment areas",
                _features(poly, [_text(_col(poly, "pollutant")), _text(_col(poly, "classification")),
                                 _text(_col(poly, "status"))]),
                [{"color": color, "weight": 1.5, "fillColor": color, "fillOpacity": 0.12, "dashArray": "5 4"}]),
                ["Pollutant", "Classification", "Status"]))
            legend.append(("box", color, "Nonattainment area"))

    if "transmission" in geo:
        lyrs, leg = _transmission_layers(geo["transmission"])
        out += lyrs
        legend += leg

    if "pipelines" in geo:
        f = geo["pipelines"]
        kind = _col(f, "pipe_type").astype(object).fillna("").astype(str).str.lower().to_numpy()
        texts = [_text(_col(f, "operator")), _text(_col(f, "pipe_type")), _text(_col(f, "status"))]
        for label, sel, color, dash in (
            ("Gas pipelines, interstate", kind == "interstate", "#1b7837", None),
            ("Gas pipelines, intrastate", kind == "intrastate", "#5aae61", "6 4"),
            ("Gas pipelines, other", (kind != "interstate") & (kind != "intrastate"), "#a6dba0", "2 4"),
        ):
            if sel.any():
                idx = np.flatnonzero(sel)
                out.append(_with_fields(_Layer(f"pipelines-{label.split(', ')[1]}", label,
                                               _features(f[sel], [[t[i] for i in idx] for t in texts]),
                                               [_line_style(color, 2.5, dash)]),
                                        ["Operator", "Type", "Status"]))
                legend.append(("line", color, label))

    if "gas_facilities" in geo:
        f = geo["gas_facilities"]
        out.append(_with_fields(_Layer("gas_facilities", "Gas facilities", _features(
            f, [_text(_col(f, "name")), _text(_col(f, "facility_type")), _text(_col(f, "operator"))]),
            [_point_style("#00441b", 3.5)], visible=False), ["Name", "Type", "Operator"]))
        legend.append(("round", "#00441b", "Gas facility"))

    if "substations" in geo:
        f = geo["substations"]
        out.append(_with_fields(_Layer("substations", "Substations", _features(
            f, [_text(_col(f, "name")), _text(_col(f, "max_voltage_kv"), "kV"), _text(_col(f, "status"))]),
            [_point_style("#ffffff", 3.5) | {"color": "#444", "weight": 1.5, "fillOpacity": 0.9}]), ["Name", "Max voltage", "Status"]))
        legend.append(("round", "#ffffff", "Substation"))

    if "plants" in geo:
        f = geo["plants"]
        fam = _fuel_family(_col(f, "energy_source"))
        cap = pd.to_numeric(_col(f, "capacity_mw"), errors="coerce").to_numpy(dtype=float)
        # Marker area proportional to capacity: radius 2 px + sqrt(MW)/3, at most 14 px.
        radius = np.clip(2.0 + np.sqrt(np.nan_to_num(cap, nan=0.0)) / 3.0, 2.0, 14.0)
        texts = [_text(_col(f, "plant_name")), _text(_col(f, "energy_source")), _text(_col(f, "capacity_mw"), "MW"),
                 _text(_col(f, "status"))]
        for family in [*FUEL_FAMILIES, "Other"]:
            sel = fam == family
            if sel.any():
                idx = np.flatnonzero(sel)
                color = FUEL_COLORS[family]
                out.append(_with_fields(_Layer(f"plants-{family.lower()}", f"Power plants: {family}", _features(
                    f[sel], [[t[i] for i in idx] for t in texts], radius=radius[idx]), [_point_style(color)]),
                    ["Plant", "Energy source", "Capacity", "Status"]))
                legend.append(("round", color, f"Plant: {family}"))

    if "datacenters" in geo:
        f = geo["datacenters"]
        out.append(_with_fields(_Layer("datacenters", "Existing datacenters", _features(
            f, [_text(_col(f, "name")), _text(_col(f, "operator"))]),
            [{"color": "#000", "weight": 1, "fillColor": "#00bcd4", "fillOpacity": 0.9, "radius": 4}]),
            ["Name", "Operator"]))
        legend.append(("round", "#00bcd4", "Existing datacenter"))
    return out, legend


# ---------------------------------------------------------------------------------------
# sites


def _site_payload(sites: pd.DataFrame, popup_columns: Sequence[str] | None,
                  labels: Labels = NO_LABELS) -> tuple[dict, np.ndarray]:
    lon, lat, keep = _site_points(sites)
    dropped = int((~keep).sum())
    if dropped:
        log.info("%d of %d sites have no usable coordinates and are not drawn", dropped, len(sites))
    frame = sites[keep]
    if "score_total" in frame.columns:
        score = pd.to_numeric(frame["score_total"], errors="coerce").to_numpy(dtype=float)
    else:
        log.info("sites have no score_total column; all drawn in the no-score colour")
        score = np.full(len(frame), np.nan)
    cls = np.searchsorted(np.asarray(SCORE_EDGES), score, side="right")
    cls = np.where(np.isfinite(score), cls, len(SCORE_COLORS))
    if "name" in frame.columns:
        names = [("" if _isna(v) else str(v)) for v in frame["name"].tolist()]
    elif "site_id" in frame.columns:
        names = [str(v) for v in frame["site_id"].tolist()]
    else:
        names = [f"site {i}" for i in frame.index.tolist()]
    if popup_columns is None:
        cols = ["score_total", "rank"]
        cols += [c for c in labels.names("score") if c.startswith("score_") and c not in cols]
        cols += [c for c in frame.columns if c.startswith("score_") and c not in cols]
        cols += list(HEADLINE_COLUMNS)
        cols = [c for c in cols if c in frame.columns]
    else:
        missing = [c for c in popup_columns if c not in frame.columns]
        if missing:
            raise DataError(f"popup column(s) {missing} are not in the site table; it has {list(frame.columns)}")
        cols = list(popup_columns)
    formatted = [_format_column(c, frame[c], labels) for c in cols]
    values = [list(row) for row in zip(*formatted)] if cols else [[] for _ in range(len(frame))]
    payload = {
        "lat": np.round(lat[keep], 5), "lon": np.round(lon[keep], 5), "cls": cls, "name": names,
        "fields": [labels.label(c) for c in cols], "values": values,
    }
    return payload, np.column_stack([lon[keep], lat[keep]]) if keep.any() else np.empty((0, 2))


def _bounds(points: np.ndarray, layers: list[dict]) -> list | None:
    if len(points):
        x0, y0 = points.min(axis=0)
        x1, y1 = points.max(axis=0)
    else:
        boxes = []
        for lyr in layers:
            for f in lyr["geojson"]["features"]:
                boxes.append(shapely.bounds(shapely.geometry.shape(f["geometry"])))
        if not boxes:
            return None
        b = np.array(boxes)
        x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    if x0 == x1 and y0 == y1:  # one site: show about 20 km around it
        x0, x1, y0, y1 = x0 - 0.1, x1 + 0.1, y0 - 0.1, y1 + 0.1
    return [[float(y0), float(x0)], [float(y1), float(x1)]]


def _legend_html(legend: list[tuple], n_sites: int, labels: Labels = NO_LABELS) -> str:
    parts = ['<div id="siting-legend" role="region" aria-label="Legend">',
             f"<h4>Candidate sites ({n_sites:,}): {escape(labels.label('score_total'))}</h4>"]
    lows = (0.0, *SCORE_EDGES)
    highs = (*SCORE_EDGES, 1.0)
    for lo, hi, color in zip(lows, highs, SCORE_COLORS):
        parts.append(f'<div><span class="swatch round site" style="background:{color}"></span>{lo:.1f}–{hi:.1f}</div>')
    parts.append(f'<div><span class="swatch round site" style="background:{NO_SCORE_COLOR}"></span>not scored</div>')
    current = None
    for kind, color, label in legend:
        if kind == "title":
            parts.append(f"<h4>{escape(label)}</h4>")
            current = "title"
            continue
        if current is None:
            parts.append("<h4>Context layers</h4>")
            current = "ctx"
        css = {"line": f'<span class="line" style="border-top-color:{color}"></span>',
               "round": f'<span class="swatch round" style="background:{color}"></span>',
               "box": f'<span class="swatch" style="background:{color}"></span>'}[kind]
        parts.append(f"<div>{css}{escape(label)}</div>")
    parts.append("</div>")
    return "\n".join(parts)


def render_map(
    sites: pd.DataFrame,
    layers: Mapping[str, object] | None = None,
    *,
    title: str,
    synthetic: bool,
    attributions: Sequence[str] = (),
    tiles: str | None = None,
    county_column: str | None = None,
    popup_columns: Sequence[str] | None = None,
    labels: Labels | None = None,
) -> str:
    """Render scored sites and context layers as one self-contained HTML page.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Scored sites, point geometry in EPSG:4326 (or a DataFrame with ``latitude_deg`` and
        ``longitude_deg`` [deg]); columns named as in the site schema, at least ``name`` and
        ``score_total`` [-] (0-1); ``rank`` [-] and ``score_*`` sub-scores [-] when present.
        Rows without usable coordinates are not drawn (logged).
    layers : dict of str to GeoDataFrame, optional
        Context layers by role (EPSG:4326): ``transmission`` (``voltage_kv`` [kV]),
        ``substations`` (``max_voltage_kv`` [kV]), ``pipelines`` (``pipe_type``,
        ``operator``), ``plants`` (``energy_source`` EIA code, ``capacity_mw`` [MW]),
        ``datacenters``, ``counties`` (with a water indicator column, see
        ``county_column``), ``nonattainment`` (polygons, or the designation table keyed by
        ``county_fips``, drawn on the counties), ``states``, ``gas_facilities``. Other
        roles and tables are ignored (logged).
    title : str
        Page title [-] (escaped).
    synthetic : bool
        Show the banner "Synthetic sample region — not real infrastructure".
    attributions : sequence of str
        Data-source attributions shown at the bottom of the map [-] (escaped).
    tiles : str, optional
        folium tile name or URL template for a background; ``None`` (default) draws a plain
        light background and needs no network.
    county_column : str, optional
        County column to shade [its unit]; default the first of
        :data:`COUNTY_INDICATORS` present. Aqueduct ``*bws_score`` columns use the five WRI
        categories, other columns quintiles.
    popup_columns : sequence of str, optional
        Site columns in the popup; default ``score_total``, ``rank``, the ``score_*``
        sub-scores and the :data:`HEADLINE_COLUMNS` present.
    labels : maps.labels.Labels, optional
        Labels, units and formats of the columns (``siting.schema.field_records()``);
        without them columns show under their own names.

    Returns
    -------
    str
        The HTML page (UTF-8 text), with Leaflet inlined.

    Raises
    ------
    CRSError
        A frame is not in EPSG:4326.
    DataError
        Sites are not points, or a named column is missing.
    """
    if not isinstance(title, str):
        raise ConfigError(f"title must be a string, got {type(title).__name__}")
    layers = dict(layers or {})
    labels = labels if labels is not None else NO_LABELS
    payload, points = _site_payload(sites, popup_columns, labels)
    ctx, legend = _context_layers(layers, county_column, labels)
    bounds = _bounds(points, ctx)

    fmap = folium.Map(location=None, tiles=None, prefer_canvas=True, control_scale=True, zoom_start=4)
    # Leaflet is inlined below; folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome) are not used.
    fmap.default_js = []
    fmap.default_css = []
    if tiles:
        folium.TileLayer(tiles, attr=str(escape(f"Background tiles: {tiles}")), name="Background").add_to(fmap)
    fig = fmap.get_root()
    fig.title = str(escape(title))
    fig.header.add_child(_Raw('<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                              + assets.leaflet_head() + "\n<style>\n" + assets.read_template("sitemap.css")
                              + "\n</style>"), name="siting_assets")
    config = {
        "map_name": fmap.get_name(), "sites": payload, "layers": ctx, "bounds": bounds,
        "palette": [*SCORE_COLORS, NO_SCORE_COLOR], "site_radius": 6 if len(points) <= 5000 else 3,
        "site_weight": 2.5 if len(points) <= 5000 else 1,
        "sites_label": "Candidate sites (by score)",
    }
    body = [f'<div id="siting-title" title="{escape(title)}">{escape(title)}</div>']
    if synthetic:
        body.append(f'<div id="siting-synthetic-banner" role="alert">{escape(SYNTHETIC_BANNER)}</div>')
    body.append('<div id="siting-search"><form id="siting-search-form" role="search">'
                '<input id="siting-search-input" type="search" placeholder="Search site name" '
                'aria-label="Search site name"> <button type="submit">Find</button></form>'
                '<div id="siting-search-results"></div></div>')
    body.append(_legend_html(legend, len(points), labels))
    if attributions:
        body.append('<div id="siting-attribution">' + " · ".join(str(escape(a)) for a in attributions) + "</div>")
    body.append('<script type="application/json" id="siting-map-data">' + assets.json_for_script(config) + "</script>")
    fig.html.add_child(_Raw("\n".join(body)), name="siting_body")
    fmap.add_child(_AfterMap(assets.read_template("sitemap.js")))
    return fig.render()


def save_map(
    sites: pd.DataFrame,
    layers: Mapping[str, object] | None,
    path: str | Path,
    *,
    overwrite: bool = False,
    **kwargs,
) -> Path:
    """Render the map (see :func:`render_map` for the arguments) and write it to ``path``.

    Parameters
    ----------
    path : str or Path
        Output HTML file; its folder is created.
    overwrite : bool
        Replace an existing file; otherwise an existing file is an error.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise ConfigError(f"{str(path)!r} exists; pass overwrite=True (--overwrite) to replace it")
    html = render_map(sites, layers, **kwargs)
    from maps._files import write_text_atomic

    write_text_atomic(path, html)  # a full disk or a killed run never leaves a truncated map
    log.info("wrote map %s (%.1f MB)", path, path.stat().st_size / 1e6)
    return path
