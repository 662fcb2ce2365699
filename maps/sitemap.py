"""Interactive site map (folium/Leaflet), self-contained and offline.

:func:`render_map` turns a scored site table and a dict of context layers into one HTML
page: candidate sites coloured by ``score_total`` on a single canvas (fast with 10^5
sites), popups with the sub-scores and headline values under their human labels with
units (:mod:`maps.labels`), the site's explanation and a link to its report when one was
written, toggleable context layers (transmission by voltage class, substations, gas
pipelines, power plants by fuel, existing datacenters, counties shaded by a water
indicator, nonattainment areas), a score surface drawn as an image when the sites are a
dense grid, a collapsible legend, a scale bar, a full-screen button, search by site name
and, for the synthetic sample, a banner beside the title saying so.

:func:`clip_context` prepares context layers for a view: clipped to the sites' extent
plus a margin, simplified at a tolerance that suits the zoom that extent is seen at, and
kept within a feature budget per layer (the most important features first: highest
voltage, largest plants, interstate pipelines), so a state-scale map keeps the gas
pipelines, substations and plants a behind-the-meter developer needs.

The page needs no network: Leaflet is inlined (see :mod:`maps.assets`), background
tiles are off by default (a plain light background and the layers' own outlines), and
every string from the data is written as JSON made inert for ``<script>`` and put into
the page with ``textContent``.

This module renders; it computes nothing about the sites. The only arithmetic is
presentation: colour classes, marker radii, clipping and simplification for display,
the score raster reprojected to the web map's projection, and coordinate rounding to
1e-5 degree (about 1 m) to keep the page small.
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

#: More drawn sites than this make a dense map: small dots, and with a score surface the dots
#: start hidden under it (the best :data:`BEST_SITES` stay on top as large markers).
DENSE_SITES = 5_000
#: Best-ranked sites kept on top of a dense map.
BEST_SITES = 25
#: Sites whose popup carries the explanation text, best ranked first (about 1 kB of text a site).
EXPLAINED_SITES = 1_000
#: Degrees added around the sites' bounding box when clipping context layers.
CLIP_MARGIN_DEG = 0.5
#: Width of the view the map is first seen at [CSS px], and the simplification tolerance in
#: pixels at that view: a quarter pixel cannot be seen at the first zoom and stays under
#: 2 px four zoom levels closer.
VIEW_WIDTH_PX = 1000
SIMPLIFY_PX = 0.125
#: Largest number of features a context layer keeps; beyond it the least important go first
#: (lowest voltage, smallest plants, intrastate and other pipelines) and the legend says how many.
MAX_LAYER_FEATURES = 30_000
#: More context features than this make a busy (state-scale) map, where the layers of
#: :data:`START_HIDDEN_WHEN_BUSY` start unticked.
BUSY_FEATURES = 15_000
START_HIDDEN_WHEN_BUSY = ("transmission-0", "transmission-unknown", "substations-other", "plants-solar", "plants-wind",
                          "plants-storage", "plants-hydro", "plants-other")
#: Web basemaps by short name (folium/xyzservices names); any other value is a URL template.
BASEMAPS = {"osm": "OpenStreetMap", "carto-light": "CartoDB positron", "carto-voyager": "CartoDB voyager"}


@dataclass(frozen=True)
class ScoreSurface:
    """A score raster drawn under the sites (e.g. :func:`siting.candidates.score_raster`).

    Attributes
    ----------
    values : numpy.ndarray
        2-D scores [-] (0-1), NaN where there is none; row 0 is the north edge.
    transform : affine.Affine
        Pixel to map coordinates of ``crs`` [m or deg].
    crs : str
        CRS of the raster (e.g. ``"EPSG:5070"``).
    label : str
        Layer name in the layer control.
    """

    values: np.ndarray
    transform: object
    crs: str
    label: str = "Score surface (total score)"

    @classmethod
    def from_geotiff(cls, path: str | Path, band: str = "score_total") -> ScoreSurface:
        """Read the band described ``band`` (else band 1) of a GeoTIFF with rasterio."""
        import rasterio

        path = Path(path)
        if not path.exists():
            raise DataError(f"score surface {str(path)!r} does not exist; give a GeoTIFF written by "
                            "`siting score` or `siting candidates --score`")
        with rasterio.open(path) as src:
            names = list(src.descriptions)
            index = names.index(band) + 1 if band in names else 1
            data = src.read(index, masked=True).astype("float64").filled(np.nan)
            return cls(data, src.transform, src.crs.to_string())


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


def _isna(v) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return bool(isinstance(v, float) and math.isnan(v))
    except TypeError:
        return False


def _show_column(name: str, values: pd.Series, labels: Labels) -> list[str | None]:
    """Values as people read them with their unit (:meth:`Labels.show`); None where missing."""
    from maps.labels import show, unit_of

    unit = unit_of(name) or labels.unit(name)  # once per column, as Labels.show finds it
    out: list[str | None] = []
    for v in values.tolist():
        if _isna(v) or (isinstance(v, str) and not v.strip()):
            out.append(None)
        else:
            out.append(show(name, v, unit))
    return out


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
# context layers: clipped, simplified and kept within a budget for the view


def simplify_tolerance_deg(bounds: Sequence[float], *, view_px: tuple[int, int] = (VIEW_WIDTH_PX, 700),
                           tolerance_px: float = SIMPLIFY_PX) -> float:
    """Simplification tolerance that suits the zoom a box is first seen at [deg].

    The map opens fitted to the box, so one pixel spans about ``max(width / view width,
    height / view height)`` degrees; the tolerance is ``tolerance_px`` of those.

    Parameters
    ----------
    bounds : sequence of 4 float
        West, south, east, north [deg].
    view_px : (int, int)
        Width and height of the first view [CSS px].
    tolerance_px : float
        Tolerance in pixels of that view [px].

    Returns
    -------
    float
        Tolerance [deg]; 0 for a box of no size.

    Examples
    --------
    Texas plus a half-degree margin (-107.2 to -93.0 E, 25.3 to 37.0 N): 14.2 deg over
    1000 px and 11.7 deg over 700 px, so 0.0167 deg a pixel and 0.0021 deg (about 230 m)
    at an eighth of a pixel.
    """
    x0, y0, x1, y1 = (float(v) for v in bounds)
    per_px = max((x1 - x0) / view_px[0], (y1 - y0) / view_px[1], 0.0)
    return per_px * float(tolerance_px)


def _importance(role: str, frame) -> np.ndarray:
    """Sort key of features for a layer budget: larger is kept first."""
    n = len(frame)
    if role == "transmission":
        return np.nan_to_num(_line_kv(frame), nan=-1.0)
    if role == "substations":
        return np.nan_to_num(pd.to_numeric(_col(frame, "max_voltage_kv"), errors="coerce").to_numpy(dtype=float),
                             nan=-1.0)
    if role == "plants":
        return np.nan_to_num(pd.to_numeric(_col(frame, "capacity_mw"), errors="coerce").to_numpy(dtype=float), nan=-1.0)
    geom = np.asarray(frame.geometry.array, dtype=object)
    size = shapely.length(geom) + shapely.area(geom)
    if role == "pipelines":
        kind = _col(frame, "pipe_type").astype(object).fillna("").astype(str).str.lower().to_numpy()
        # interstate before intrastate before the rest, the longest first within each
        return np.where(kind == "interstate", 2e6, np.where(kind == "intrastate", 1e6, 0.0)) + np.minimum(size, 9e5)
    return size if n else np.zeros(0)


def clip_context(layers: Mapping[str, object], bounds: Sequence[float], *, margin_deg: float = CLIP_MARGIN_DEG,
                 tolerance_deg: float | None = None, max_features: int = MAX_LAYER_FEATURES) -> dict:
    """Context layers prepared for a view of ``bounds``: clipped, simplified, within a budget.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        Context layers by role (EPSG:4326); tables without geometry pass through.
    bounds : sequence of 4 float
        West, south, east, north of the sites [deg].
    margin_deg : float
        Added on every side of ``bounds`` [deg].
    tolerance_deg : float, optional
        Douglas-Peucker tolerance for lines and polygons [deg]; default
        :func:`simplify_tolerance_deg` of the clipped box.
    max_features : int
        Most features kept per layer; beyond it the least important are left off (highest
        voltage, largest capacity, interstate pipelines kept first) and
        ``frame.attrs["features_left_off"]`` says how many.

    Returns
    -------
    dict of str to GeoDataFrame
        New frames (the inputs are not changed), points untouched, lines and polygons cut at
        the box (``shapely.clip_by_rect``) and simplified (``shapely.simplify``, topology
        preserved); features left empty by the cut are dropped.
    """
    import geopandas as gpd

    x0, y0, x1, y1 = (float(v) for v in bounds)
    m = float(margin_deg)
    box = (x0 - m, y0 - m, x1 + m, y1 + m)
    tol = simplify_tolerance_deg(box) if tolerance_deg is None else float(tolerance_deg)
    out: dict = {}
    for role, frame in layers.items():
        if frame is None or "geometry" not in getattr(frame, "columns", []) or not hasattr(frame, "crs"):
            out[role] = frame
            continue
        _check_crs(frame, f"layer {role!r}")
        sel = frame.cx[box[0]: box[2], box[1]: box[3]]
        geom = np.asarray(sel.geometry.array, dtype=object)
        ok = ~shapely.is_missing(geom)
        ok[ok] = ~shapely.is_empty(geom[ok])
        sel, geom = sel[ok], geom[ok]
        shaped = ~np.isin(shapely.get_type_id(geom), (0, 4))  # lines and polygons; points pass
        if shaped.any():
            geom = geom.copy()
            cut = shapely.clip_by_rect(geom[shaped], *box)
            geom[shaped] = shapely.simplify(cut, tol, preserve_topology=True) if tol > 0 else cut
        keep = ~shapely.is_empty(geom)
        clipped = gpd.GeoDataFrame(pd.DataFrame(sel.drop(columns=sel.geometry.name))[keep],
                                   geometry=gpd.GeoSeries(geom[keep], index=sel.index[keep], crs=sel.crs),
                                   crs=sel.crs)
        left_off = 0
        if len(clipped) > max_features:
            order = np.argsort(-_importance(role, clipped), kind="stable")[:max_features]
            left_off = len(clipped) - max_features
            clipped = clipped.iloc[np.sort(order)]
            log.info("map: %s keeps its %d most important features of %d in view", role, max_features,
                     max_features + left_off)
        clipped.attrs = dict(frame.attrs)
        clipped.attrs["features_left_off"] = left_off
        clipped.attrs["simplify_tolerance_deg"] = tol
        out[role] = clipped
    return out


def _left_off_note(frame, what: str) -> list[tuple]:
    n = int(getattr(frame, "attrs", {}).get("features_left_off", 0) or 0)
    return [("note", "", f"{n:,} smaller {what} not drawn at this extent")] if n else []


# ---------------------------------------------------------------------------------------
# context layers


def _features(frame, texts: list[list[str]], style_idx=None, radius=None) -> list[dict]:
    # 1e-5 deg (about 1 m); 1e-4 deg (about 10 m) for layers simplified at a coarser tolerance than that
    tol = float(getattr(frame, "attrs", {}).get("simplify_tolerance_deg", 0.0) or 0.0)
    digits = 4 if tol >= 1e-3 else 5
    geom = shapely.transform(frame.geometry.to_numpy(), lambda c: np.round(c, digits))
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


def _line_kv(frame) -> np.ndarray:
    """Voltage a line is drawn at [kV]: its own, else the lower bound of its HIFLD voltage class.

    HIFLD's ``220-287`` class is where the 230 kV lines are, so it is drawn with them.
    """
    kv = pd.to_numeric(_col(frame, "voltage_kv"), errors="coerce").to_numpy(dtype=float)
    if "volt_class_min_kv" in frame.columns:
        lo = pd.to_numeric(frame["volt_class_min_kv"], errors="coerce").to_numpy(dtype=float)
        lo = np.where(lo == 220.0, 230.0, lo)
        kv = np.where(np.isfinite(kv), kv, lo)
    return kv


def _volt_class_text(volt_class) -> str:
    """HIFLD ``VOLT_CLASS`` as people read it: ``100-161`` -> ``100–161 kV class``."""
    if _isna(volt_class):
        return "n/a"
    c = str(volt_class).strip().upper()
    if c in ("", "NOT AVAILABLE", "UNKNOWN"):
        return "n/a"
    if c == "DC":
        return "DC line"
    if c.startswith("UNDER "):
        return f"under {c[6:]} kV"
    if c.endswith(" AND ABOVE"):
        return f"{c[:-10]} kV and above"
    return f"{c.replace('-', '–')} kV class"


def _transmission_layers(frame) -> tuple[list[dict], list[tuple[str, str, str]]]:
    kv = _line_kv(frame)
    fields = ["Voltage", "Owner", "Status"]
    volts = _text(_col(frame, "voltage_kv"), "kV")
    if "volt_class" in frame.columns:  # the class where the line's own voltage is not known
        volts = [v if v != "n/a" else _volt_class_text(c) for v, c in zip(volts, frame["volt_class"].tolist())]
    texts = [volts, _text(_col(frame, "owner")), _text(_col(frame, "status"))]
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


#: EIA-860 generator status codes (EIA-860 instructions, Schedule 3, "Status" codes).
EIA_STATUS = {
    "OP": "operating", "SB": "standby", "OS": "out of service", "OA": "out of service, returning",
    "RE": "retired", "P": "planned", "L": "approvals pending", "T": "approved, not under construction",
    "U": "under construction (50% or less)", "V": "under construction (over 50%)",
    "TS": "built, not yet in commercial operation", "CN": "cancelled", "IP": "postponed",
}


def _plants_by_family(frame) -> tuple[object, np.ndarray, np.ndarray]:
    """One point per plant and fuel family (capacities added) when the layer holds generators.

    Returns the frame to draw, each row's fuel family and how many generators it stands for.
    """
    fam = _fuel_family(_col(frame, "energy_source"))
    if "plant_id" not in frame.columns or frame["plant_id"].isna().all() or len(frame) == 0:
        return frame, fam, np.ones(len(frame), dtype=int)
    key = frame["plant_id"].astype(str).to_numpy(dtype=object) + "|" + fam
    if len(pd.unique(key)) == len(frame):
        return frame, fam, np.ones(len(frame), dtype=int)

    def joined(values) -> str | None:
        seen = [str(v) for v in dict.fromkeys(values) if not _isna(v)]
        return "; ".join(seen) if seen else None

    table = pd.DataFrame({
        "_key": key, "_fam": fam, "plant_name": _col(frame, "plant_name").to_numpy(dtype=object),
        "energy_source": _col(frame, "energy_source").to_numpy(dtype=object),
        "capacity_mw": pd.to_numeric(_col(frame, "capacity_mw"), errors="coerce").to_numpy(dtype=float),
        "status": _col(frame, "status").to_numpy(dtype=object), "_pos": np.arange(len(frame)),
    })
    g = table.groupby("_key", sort=False)
    agg = g.agg(_fam=("_fam", "first"), plant_name=("plant_name", "first"), _pos=("_pos", "first"),
                _n=("_pos", "size"))
    agg["capacity_mw"] = g["capacity_mw"].sum(min_count=1)
    for c in ("energy_source", "status"):  # the distinct values of the plant's generators, in order
        distinct = table.drop_duplicates(["_key", c])
        agg[c] = distinct.groupby("_key", sort=False)[c].agg(joined).reindex(agg.index)
    out = frame.iloc[agg["_pos"].to_numpy()][[frame.geometry.name]].copy()
    for c in ("plant_name", "energy_source", "capacity_mw", "status"):
        out[c] = agg[c].to_numpy()
    return out, agg["_fam"].to_numpy(dtype=object), agg["_n"].to_numpy(dtype=int)


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
            fields.append(labels.title(column))
            texts.append([v if v is not None else "n/a" for v in _show_column(column, f[column], labels)])
            unit = _unit(column, labels)
            legend.append(("title", "", f"Counties: {labels.title(column)}" + (f" ({unit})" if unit else "")))
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
        legend += leg + _left_off_note(geo["transmission"], "lower-voltage lines")

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
        legend += _left_off_note(f, "pipeline segments")

    if "gas_facilities" in geo:
        f = geo["gas_facilities"]
        out.append(_with_fields(_Layer("gas_facilities", "Gas facilities", _features(
            f, [_text(_col(f, "name")), _text(_col(f, "facility_type")), _text(_col(f, "operator"))]),
            [_point_style("#00441b", 3.5)], visible=False), ["Name", "Type", "Operator"]))
        legend.append(("round", "#00441b", "Gas facility"))

    if "substations" in geo:
        f = geo["substations"]
        kv = pd.to_numeric(_col(f, "max_voltage_kv"), errors="coerce").to_numpy(dtype=float)
        texts = [_text(_col(f, "name")), _text(_col(f, "max_voltage_kv"), "kV"), _text(_col(f, "status"))]
        for sid, label, sel, style, swatch in (
            ("substations-230", "Substations ≥ 230 kV", kv >= 230.0,
             _point_style("#ffffff", 4.0) | {"color": "#222", "weight": 1.8, "fillOpacity": 0.95}, "#ffffff"),
            ("substations-other", "Substations < 230 kV or unknown", ~(kv >= 230.0),
             _point_style("#d9d9d9", 2.5) | {"color": "#666", "weight": 1.0, "fillOpacity": 0.9}, "#d9d9d9"),
        ):
            if sel.any():
                idx = np.flatnonzero(sel)
                out.append(_with_fields(_Layer(sid, label, _features(f[sel], [[t[i] for i in idx] for t in texts]),
                                               [style]), ["Name", "Max voltage", "Status"]))
                legend.append(("round", swatch, label))
        legend += _left_off_note(f, "lower-voltage substations")

    if "plants" in geo:
        f, fam, count = _plants_by_family(geo["plants"])
        cap = pd.to_numeric(_col(f, "capacity_mw"), errors="coerce").to_numpy(dtype=float)
        # Marker area proportional to capacity: radius 2 px + sqrt(MW)/3, at most 14 px.
        radius = np.clip(2.0 + np.sqrt(np.nan_to_num(cap, nan=0.0)) / 3.0, 2.0, 14.0)
        status = _col(f, "status").map(lambda v: v if _isna(v) else "; ".join(
            EIA_STATUS.get(x.strip().upper(), x.strip()) for x in str(v).split(";")))
        texts = [_text(_col(f, "plant_name")), _text(_col(f, "energy_source")), _text(_col(f, "capacity_mw"), "MW"),
                 _text(status), [f"{n:,}" for n in count]]
        for family in [*FUEL_FAMILIES, "Other"]:
            sel = fam == family
            if sel.any():
                idx = np.flatnonzero(sel)
                color = FUEL_COLORS[family]
                out.append(_with_fields(_Layer(f"plants-{family.lower()}", f"Power plants: {family}", _features(
                    f[sel], [[t[i] for i in idx] for t in texts], radius=radius[idx]), [_point_style(color)]),
                    ["Plant", "Energy source", "Capacity", "Status", "Generators"]))
                legend.append(("round", color, f"Plant: {family}"))
        legend += _left_off_note(geo["plants"], "generators")

    if "datacenters" in geo:
        f = geo["datacenters"]
        out.append(_with_fields(_Layer("datacenters", "Existing datacenters", _features(
            f, [_text(_col(f, "name")), _text(_col(f, "operator"))]),
            [{"color": "#000", "weight": 1, "fillColor": "#00bcd4", "fillOpacity": 0.9, "radius": 4}]),
            ["Name", "Operator"]))
        legend.append(("round", "#00bcd4", "Existing datacenter"))
    busy = sum(len(lyr["geojson"]["features"]) for lyr in out) > BUSY_FEATURES
    if busy:
        # A state-scale view: the layers a behind-the-meter screen reads first stay on (score, pipelines,
        # thermal plants, 230 kV+ grid); the dense lower-voltage grid and renewable plants start off.
        hidden = [lyr for lyr in out if lyr["id"] in START_HIDDEN_WHEN_BUSY and lyr["visible"]]
        for lyr in hidden:
            lyr["visible"] = False
        if hidden:
            legend.append(("note", "", "Off at this extent (tick them in the layer list): "
                                       + ", ".join(lyr["label"] for lyr in hidden)))
    return out, legend


# ---------------------------------------------------------------------------------------
# sites


def safe_href(href: object) -> str | None:
    """A link the page may show: a relative path (no scheme, no host), percent-encoded; None otherwise.

    >>> safe_href("tx_reports/cell-1.html"), safe_href("javascript:alert(1)")
    ('tx_reports/cell-1.html', None)
    """
    from urllib.parse import quote, urlsplit

    if _isna(href) or not isinstance(href, str) or not href.strip():
        return None
    text = href.strip().replace("\\", "/")
    parts = urlsplit(text)
    if parts.scheme or parts.netloc or text.startswith("/") or any(ord(c) < 32 for c in text):
        return None
    return quote(text, safe="/._-~#%")


def _site_payload(sites: pd.DataFrame, popup_columns: Sequence[str] | None,
                  labels: Labels = NO_LABELS, report_links: Mapping[str, str] | None = None) -> tuple[dict, np.ndarray]:
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
    cols = [c for c in cols if c != "explanation"]
    shown = []
    for c in cols:
        vals = _show_column(c, frame[c], labels)
        if c.startswith("score_") or c == "rank":  # a missing score is worth saying; other gaps are left out
            vals = [v if v is not None else "n/a" for v in vals]
        shown.append(vals)
    values = [list(row) for row in zip(*shown)] if cols else [[] for _ in range(len(frame))]
    # best first: rank when there is one, else the score; unscored last
    if "rank" in frame.columns:
        rank = pd.to_numeric(frame["rank"], errors="coerce").to_numpy(dtype=float)
        order = np.lexsort((np.arange(len(frame)), np.where(np.isfinite(rank), rank, np.inf)))
    else:
        order = np.lexsort((np.arange(len(frame)), -np.nan_to_num(score, nan=-np.inf)))
    scored = np.isfinite(score[order]) if len(order) else np.zeros(0, dtype=bool)
    explain = [None] * len(frame)
    if "explanation" in frame.columns:
        from maps.labels import humanize

        texts = frame["explanation"].tolist()
        for i in order[:EXPLAINED_SITES]:
            if not _isna(texts[i]) and str(texts[i]).strip():
                explain[i] = humanize(str(texts[i]))
    links = [None] * len(frame)
    if report_links:
        ids = frame["site_id"].astype(str).tolist() if "site_id" in frame.columns else [str(v) for v in frame.index]
        for i, sid in enumerate(ids):
            if sid in report_links:
                links[i] = safe_href(report_links[sid])
                if links[i] is None:
                    log.info("report link of site %s is not a relative path; left out", sid)
    payload = {
        "lat": np.round(lat[keep], 5), "lon": np.round(lon[keep], 5), "cls": cls, "name": names,
        "fields": [labels.title(c) for c in cols], "values": values,
        # canvas draws in this order: the lowest scores first, so the best sit on top
        "draw": order[::-1].tolist(),
        "best": order[:BEST_SITES][scored[:BEST_SITES]].tolist() if len(order) else [],
    }
    if any(e is not None for e in explain):
        payload["explain"] = explain
    if any(h is not None for h in links):
        payload["link"] = links
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


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


#: Largest score image drawn [pixels]; a larger raster is drawn at its own resolution, not doubled.
MAX_SURFACE_PIXELS = 4_000_000


def surface_overlay(surface: ScoreSurface) -> dict:
    """The score raster as a PNG image over Web Mercator bounds, coloured by the score classes.

    Leaflet stretches an image overlay linearly between its corner coordinates in the map's
    projection (EPSG:3857), so the raster is reprojected there (rasterio, nearest cell, at
    twice its resolution so cell edges stay sharp) before it is coloured with
    :data:`SCORE_COLORS` at :data:`SCORE_EDGES`; cells without a score are transparent.

    Parameters
    ----------
    surface : ScoreSurface
        Scores [-] 0-1 on a georeferenced grid.

    Returns
    -------
    dict
        ``url`` (a PNG data URL made by folium), ``bounds`` [[south, west], [north, east]]
        [deg], ``label``, ``width`` and ``height`` [px].
    """
    import rasterio.warp
    from affine import Affine
    from rasterio.transform import array_bounds

    values = np.asarray(surface.values, dtype="float64")
    if values.ndim != 2 or values.size == 0:
        raise DataError(f"score surface must be a non-empty 2-D array; got shape {values.shape}")
    h, w = values.shape
    west, south, east, north = array_bounds(h, w, surface.transform)
    x0, y0, x1, y1 = rasterio.warp.transform_bounds(surface.crs, "EPSG:3857", west, south, east, north, densify_pts=21)
    # about as many pixels as the raster has cells, twice that on each axis while the image stays small
    scale = 2 if 4 * w * h <= MAX_SURFACE_PIXELS else 1
    dw, dh = max(1, scale * w), max(1, scale * h)
    dst_t = Affine((x1 - x0) / dw, 0.0, x0, 0.0, -(y1 - y0) / dh, y1)
    dst = np.full((dh, dw), np.nan)
    rasterio.warp.reproject(values, dst, src_transform=surface.transform, src_crs=surface.crs, dst_transform=dst_t,
                            dst_crs="EPSG:3857", resampling=rasterio.warp.Resampling.nearest, src_nodata=np.nan,
                            dst_nodata=np.nan)
    rgba = np.zeros((dh, dw, 4), dtype=np.uint8)
    ok = np.isfinite(dst)
    palette = np.array([_rgb(c) for c in SCORE_COLORS], dtype=np.uint8)
    rgba[ok, :3] = palette[np.searchsorted(np.asarray(SCORE_EDGES), dst[ok], side="right")]
    rgba[ok, 3] = 255
    lon, lat = rasterio.warp.transform("EPSG:3857", "EPSG:4326", [x0, x1], [y0, y1])
    return {"url": folium.utilities.image_to_url(rgba), "bounds": [[lat[0], lon[0]], [lat[1], lon[1]]],
            "label": surface.label, "width": dw, "height": dh}


def _legend_html(legend: list[tuple], n_sites: int, labels: Labels = NO_LABELS, *, surface: bool = False,
                 best: int = 0, dots_hidden: bool = False, total_sites: int | None = None) -> str:
    count = (f"{n_sites:,}" if total_sites is None or total_sites <= n_sites
             else f"best {n_sites:,} of {total_sites:,} drawn")
    parts = ['<details id="siting-legend" open role="region" aria-label="Legend">',
             '<summary>Legend</summary><div id="siting-legend-body">',
             f"<h4>Candidate sites ({count}): {escape(labels.title('score_total'))}</h4>"]
    lows = (0.0, *SCORE_EDGES)
    highs = (*SCORE_EDGES, 1.0)
    for lo, hi, color in zip(lows, highs, SCORE_COLORS):
        parts.append(f'<div><span class="swatch round site" style="background:{color}"></span>{lo:.1f}–{hi:.1f}</div>')
    parts.append(f'<div><span class="swatch round site" style="background:{NO_SCORE_COLOR}"></span>not scored</div>')
    if surface:
        parts.append('<div class="note">Score surface: each grid cell in the colour of its site\'s score'
                     + ("; the dots are under “Candidate sites” in the layer list" if dots_hidden
                        else " (tick it in the layer list)") + "</div>")
    if best:
        parts.append(f'<div><span class="swatch round best"></span>Best {best} sites (largest dots)</div>')
    current = None
    for kind, color, label in legend:
        if kind == "title":
            parts.append(f"<h4>{escape(label)}</h4>")
            current = "title"
            continue
        if kind == "note":
            parts.append(f'<div class="note">{escape(label)}</div>')
            continue
        if current is None:
            parts.append("<h4>Context layers</h4>")
            current = "ctx"
        css = {"line": f'<span class="line" style="border-top-color:{color}"></span>',
               "round": f'<span class="swatch round" style="background:{color}"></span>',
               "box": f'<span class="swatch" style="background:{color}"></span>'}[kind]
        parts.append(f"<div>{css}{escape(label)}</div>")
    parts.append("</div></details>")
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
    surface: ScoreSurface | str | Path | None = None,
    report_links: Mapping[str, str] | None = None,
    total_sites: int | None = None,
) -> str:
    """Render scored sites and context layers as one self-contained HTML page.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Scored sites, point geometry in EPSG:4326 (or a DataFrame with ``latitude_deg`` and
        ``longitude_deg`` [deg]); columns named as in the site schema, at least ``name`` and
        ``score_total`` [-] (0-1); ``rank`` [-], ``score_*`` sub-scores [-] and
        ``explanation`` (shown for the best :data:`EXPLAINED_SITES`) when present.
        Rows without usable coordinates are not drawn (logged).
    layers : dict of str to GeoDataFrame, optional
        Context layers by role (EPSG:4326), drawn as given (see :func:`clip_context` to
        prepare them for a view): ``transmission`` (``voltage_kv`` [kV]),
        ``substations`` (``max_voltage_kv`` [kV]), ``pipelines`` (``pipe_type``,
        ``operator``), ``plants`` (``energy_source`` EIA code, ``capacity_mw`` [MW];
        generators of one plant and fuel family are drawn as one point), ``datacenters``,
        ``counties`` (with a water indicator column, see ``county_column``),
        ``nonattainment`` (polygons, or the designation table keyed by ``county_fips``,
        drawn on the counties), ``states``, ``gas_facilities``. Other roles and tables are
        ignored (logged).
    title : str
        Page title [-] (escaped).
    synthetic : bool
        Show the banner "Synthetic sample region — not real infrastructure" beside the title.
    attributions : sequence of str
        Data-source attributions shown at the bottom of the map [-] (escaped).
    tiles : str, optional
        Web basemap: a short name of :data:`BASEMAPS`, a folium tile name or a URL
        template (needs network). ``None`` (default) draws a plain light background and
        needs none; with tiles the plain background and the layers' outlines stay
        underneath, so a page opened offline still reads.
    county_column : str, optional
        County column to shade [its unit]; default the first of
        :data:`COUNTY_INDICATORS` present. Aqueduct ``*bws_score`` columns use the five WRI
        categories, other columns quintiles.
    popup_columns : sequence of str, optional
        Site columns in the popup; default ``score_total``, ``rank``, the ``score_*``
        sub-scores and the :data:`HEADLINE_COLUMNS` present. Shown under their human labels
        with units (:meth:`maps.labels.Labels.show`); missing values other than scores are
        left out.
    labels : maps.labels.Labels, optional
        Units and formats of the columns (``siting.schema.field_records()``); without them
        the unit comes from the name's suffix.
    surface : ScoreSurface or path, optional
        A score raster (or a GeoTIFF with a ``score_total`` band) drawn as an image under
        the sites. With more than :data:`DENSE_SITES` sites the dots then start hidden
        (one tick in the layer list shows them) and the best :data:`BEST_SITES` stay on top.
    report_links : dict of str to str, optional
        ``site_id`` -> relative path of that site's report; the popup links to it. Links
        that are not relative paths are left out (logged).
    total_sites : int, optional
        How many sites the table holds when ``sites`` are only the best of them (the legend
        says so).

    Returns
    -------
    str
        The HTML page (UTF-8 text), with Leaflet inlined.

    Raises
    ------
    CRSError
        A frame is not in EPSG:4326.
    DataError
        Sites are not points, a named column is missing, or the surface is not a raster.
    """
    if not isinstance(title, str):
        raise ConfigError(f"title must be a string, got {type(title).__name__}")
    layers = dict(layers or {})
    labels = labels if labels is not None else NO_LABELS
    payload, points = _site_payload(sites, popup_columns, labels, report_links)
    ctx, legend = _context_layers(layers, county_column, labels)
    bounds = _bounds(points, ctx)
    if isinstance(surface, (str, Path)):
        surface = ScoreSurface.from_geotiff(surface)
    overlay = surface_overlay(surface) if surface is not None else None
    if overlay is not None:  # the view holds the whole surface, not only the sites drawn as dots
        ob = overlay["bounds"]
        bounds = ob if bounds is None else [[min(bounds[0][0], ob[0][0]), min(bounds[0][1], ob[0][1])],
                                            [max(bounds[1][0], ob[1][0]), max(bounds[1][1], ob[1][1])]]
    n = len(points)
    dense = n > DENSE_SITES
    dots_hidden = dense and overlay is not None
    best = len(payload["best"]) if dots_hidden else 0

    # zoomSnap 0.25: the first view fits the sites between the panels without a whole zoom level of slack
    fmap = folium.Map(location=None, tiles=None, prefer_canvas=True, control_scale=True, zoom_start=4, zoom_snap=0.25)
    # Leaflet is inlined below; folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome) are not used.
    fmap.default_js = []
    fmap.default_css = []
    if tiles:
        name = BASEMAPS.get(tiles, tiles)
        folium.TileLayer(name, attr=None if name in BASEMAPS.values() or "{" not in name
                         else str(escape(f"Background tiles: {tiles}")), name="Background").add_to(fmap)
    fig = fmap.get_root()
    fig.title = str(escape(title))
    fig.header.add_child(_Raw('<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                              + assets.leaflet_head() + "\n<style>\n" + assets.read_template("sitemap.css")
                              + "\n</style>"), name="siting_assets")
    config = {
        "map_name": fmap.get_name(), "sites": payload, "layers": ctx, "bounds": bounds,
        "palette": [*SCORE_COLORS, NO_SCORE_COLOR], "site_radius": 6 if n <= DENSE_SITES else 3,
        "site_weight": 2.5 if n <= DENSE_SITES else 1,
        "sites_label": "Candidate sites (by score)", "sites_visible": not dots_hidden,
        "best_label": f"Best {best} sites" if best else None,
        "surface": overlay, "surface_visible": dense and overlay is not None, "tiles": bool(tiles),
    }
    body = ['<div id="siting-header"><div id="siting-title-row">'
            f'<div id="siting-title" title="{escape(title)}">{escape(title)}</div>']
    if synthetic:
        body.append(f'<div id="siting-synthetic-banner" role="alert">{escape(SYNTHETIC_BANNER)}</div>')
    body.append("</div>")
    body.append('<div id="siting-search"><form id="siting-search-form" role="search">'
                '<input id="siting-search-input" type="search" placeholder="Search site name" '
                'aria-label="Search site name"> <button type="submit">Find</button></form>'
                '<div id="siting-search-results"></div></div>')
    body.append('<div id="siting-offline-note" hidden>Background map not reachable: plain background shown</div>')
    body.append("</div>")
    body.append(_legend_html(legend, n, labels, surface=overlay is not None, best=best, dots_hidden=dots_hidden,
                             total_sites=total_sites))
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


def map_summary(html: str) -> dict:
    """What a page of :func:`render_map` draws: ``sites``, ``layers`` (label -> features), ``surface``.

    Read back from the page's data element, so it describes the file as written.
    """
    import json
    import re

    m = re.search(r'<script type="application/json" id="siting-map-data">(.*?)</script>', html, re.S)
    if m is None:
        raise DataError("not a site map page: it has no siting-map-data element")
    data = json.loads(m.group(1))
    return {"sites": len(data["sites"]["lat"]), "surface": data.get("surface") is not None,
            "layers": {lyr["label"]: len(lyr["geojson"]["features"]) for lyr in data["layers"]}}
