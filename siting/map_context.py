"""What maps and reports show: a layer set's roles clipped around some sites, and column labels.

Selection, a display join and the labels of the site schema; drawing happens in :mod:`maps`.
:func:`write_site_map` is the one way a scored table becomes a map: ``siting score`` and
``siting map`` both call it, so the same table and layers give the same map.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from maps.labels import Labels
from siting import schema
from siting.errors import DataError

log = logging.getLogger(__name__)


@functools.cache
def column_labels() -> Labels:
    """Labels, units and formats of every site-table column (``site_columns.csv``) for :mod:`maps`."""
    return Labels.from_records(schema.field_records())

#: Roles drawn as context, in the order they are loaded.
CONTEXT_ROLES = ("states", "counties", "nonattainment", "transmission", "pipelines", "gas_facilities",
                 "substations", "plants", "datacenters")
#: Degrees added around the sites' bounding box when clipping context layers.
CLIP_MARGIN_DEG = 0.5
#: Sites drawn as dots (the best ranked); the table keeps all, and a grid's score surface shows all.
MAP_MAX_SITES = 10_000
#: Columns of the chosen design the popups show when the table has designs.
MAP_DESIGN_COLUMNS = ("design_option", "design_lcoe_usd_per_mwh", "design_months_to_first_power")


def context_layers(layers_arg, bounds, *, margin_deg: float = CLIP_MARGIN_DEG,
                   tolerance_deg: float | None = None) -> tuple[dict, list[str], bool]:
    """Load the context roles of a layer set, clipped to ``bounds`` plus a margin and simplified.

    Parameters
    ----------
    layers_arg : LayerSet-like, str or Path
        A layer set object, ``"sample"`` for the embedded sample, or a layer-set path.
    bounds : sequence of 4 float
        West, south, east, north [deg, EPSG:4326].
    margin_deg : float
        Added on every side [deg].
    tolerance_deg : float, optional
        Simplification tolerance [deg]; default one that suits the zoom the box is seen at
        (:func:`maps.sitemap.simplify_tolerance_deg`).

    Returns
    -------
    tuple
        (role -> frame, attributions, synthetic). Frames are cut at the box and kept within
        the map's feature budget (:func:`maps.sitemap.clip_context`).
    """
    from gis_data.layerset import open_layers
    from maps.sitemap import clip_context

    ls = open_layers(layers_arg)
    x0, y0, x1, y1 = (float(v) for v in bounds)
    m = margin_deg
    out, by_text = {}, {}
    synthetic = bool(getattr(ls, "is_synthetic", False))
    for role in CONTEXT_ROLES:
        if not ls.has(role):
            continue
        frame = ls.load(role)
        src = frame.attrs.get("source", {}) or {}
        if isinstance(frame, gpd.GeoDataFrame):
            frame = clip_context({role: frame}, (x0, y0, x1, y1), margin_deg=m, tolerance_deg=tolerance_deg)[role]
        out[role] = frame
        synthetic = synthetic or bool(src.get("synthetic"))
        text = src.get("attribution") or " ".join(str(src.get(k, "")) for k in ("name", "vintage")).strip()
        if text:
            by_text.setdefault(text, []).append(role)
    if "counties" in out and ls.has("water_use"):
        # Shade counties by their total withdrawals (USGS); a display join on the county code.
        use = ls.load("water_use")[["county_fips", "withdrawal_total_gal_per_day"]]
        out["counties"] = out["counties"].merge(use, on="county_fips", how="left")
    attributions = [f"{', '.join(r.replace('_', ' ') for r in roles)}: {text}" for text, roles in by_text.items()]
    return out, attributions, synthetic


def popup_columns(frame) -> list[str] | None:
    """The map's default popup columns plus the chosen design and its cost; None (the default) without designs."""
    if "design_option" not in frame.columns:
        return None
    from maps.sitemap import HEADLINE_COLUMNS

    cols = ["score_total", "rank"]
    cols += [c.name for c in schema.output_columns("score") if c.name.startswith("score_") and c.name not in cols]
    cols += [c for c in frame.columns if c.startswith("score_") and c not in cols]
    cols += list(MAP_DESIGN_COLUMNS) + list(HEADLINE_COLUMNS)
    return [c for c in dict.fromkeys(cols) if c in frame.columns]


def _has_point(frame: gpd.GeoDataFrame) -> np.ndarray:
    geom = frame.geometry
    return (geom.notna() & ~geom.is_empty).to_numpy() if len(frame) else np.zeros(0, dtype=bool)


def sites_to_draw(scored: gpd.GeoDataFrame, max_sites: int = MAP_MAX_SITES) -> gpd.GeoDataFrame:
    """The sites a map draws as dots: those with a point, the best ``max_sites`` by rank (unranked last)."""
    ok = _has_point(scored)
    drawn = scored[ok]
    if len(drawn) > max_sites:
        rank = (pd.to_numeric(drawn["rank"], errors="coerce") if "rank" in drawn.columns
                else -pd.to_numeric(drawn.get("score_total", pd.Series(np.nan, index=drawn.index)), errors="coerce"))
        order = np.lexsort((np.arange(len(drawn)), rank.fillna(np.inf).to_numpy()))
        drawn = drawn.iloc[np.sort(order[:max_sites])]
        log.info("map: the best %d of %d sites drawn as dots", max_sites, int(ok.sum()))
    return drawn


def grid_surface(scored: pd.DataFrame):
    """The total score of a candidate grid as a :class:`maps.sitemap.ScoreSurface`; None when not a grid."""
    from maps.sitemap import ScoreSurface
    from siting.candidates import grid_spacing_km, score_raster

    if "score_total" not in scored.columns:
        return None
    spacing = grid_spacing_km(scored)
    if spacing is None:
        return None
    data, transform, crs = score_raster(scored, spacing, bands=("score_total",))
    return ScoreSurface(data[0], transform, crs, label=f"Score surface ({spacing:g} km grid)")


def write_site_map(scored: gpd.GeoDataFrame, layers, path: str | Path, *, title: str, tiles: str | None = None,
                   report_links: Mapping[str, str] | None = None, surface=None, max_sites: int = MAP_MAX_SITES,
                   overwrite: bool = True) -> dict:
    """Write the interactive map of a scored table: the one map ``siting score`` and ``siting map`` write.

    Parameters
    ----------
    scored : geopandas.GeoDataFrame
        Scored sites, points in EPSG:4326 (rows without a point are not drawn).
    layers : LayerSet-like, str, Path or None
        Layer set of the context layers (``"sample"`` for the embedded one); None draws none.
    path : str or Path
        Output HTML file.
    title : str
        Map title.
    tiles : str, optional
        Web basemap (:data:`maps.sitemap.BASEMAPS` name or URL template); default none, a
        plain background that needs no network.
    report_links : dict of str to str, optional
        ``site_id`` -> report path relative to the map.
    surface : maps.sitemap.ScoreSurface, str or Path, optional
        Score raster under the sites; default the table's own when its sites are a
        candidate grid (:func:`grid_surface`).
    max_sites : int
        Sites drawn as dots, the best ranked first.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    dict
        ``path``, ``sites`` (drawn), ``layers`` (layer label -> features drawn),
        ``synthetic``, ``surface`` (bool), ``bytes``.
    """
    from maps.sitemap import map_summary, save_map

    drawn = sites_to_draw(scored, max_sites)
    context, attributions, synthetic = {}, [], False
    if layers is not None:
        if len(drawn) == 0:
            raise DataError("the table has no sites with coordinates to centre the context layers on")
        # around every site of the table, not only the best drawn as dots (the score surface shows them all)
        context, attributions, synthetic = context_layers(layers, scored[_has_point(scored)].total_bounds)
    if surface is None:
        surface = grid_surface(scored)
    out = save_map(drawn, context, path, overwrite=overwrite, title=title, synthetic=synthetic, labels=column_labels(),
                   attributions=attributions, tiles=tiles, popup_columns=popup_columns(drawn), surface=surface,
                   report_links=report_links, total_sites=int(_has_point(scored).sum()))
    summary = map_summary(out.read_text(encoding="utf-8"))
    return {"path": out, "sites": summary["sites"], "synthetic": synthetic, "surface": summary["surface"],
            "layers": summary["layers"], "roles": sorted(context), "bytes": out.stat().st_size}


def gpkg_field_docs(columns) -> dict:
    """Column -> :class:`siting.tables.FieldDoc` (human name with unit, title, description) from the schema.

    Columns the schema does not know are left out.
    """
    from maps.labels import human_label
    from siting.tables import FieldDoc

    known = schema.columns()
    out = {}
    for c in columns:
        col = known.get(str(c))
        if col is None:
            continue
        unit = "" if col.unit == "-" else col.unit
        title = human_label(col.name)
        out[col.name] = FieldDoc(name=title + (f" ({unit})" if unit else ""), title=title,
                                 description=col.description + (f" [{unit}]" if unit else ""))
    return out


def site_style_qml(columns) -> str:
    """The QGIS style of a scored table: sites coloured by ``score_total`` in the map's classes, field aliases."""
    from maps.qgis import graduated_points_qml
    from maps.sitemap import SCORE_COLORS, SCORE_EDGES
    from siting.tables import unique_field_names

    bounds = [0.0, *SCORE_EDGES, 1.0]
    labels = [f"Total score {lo:.1f}–{hi:.1f}" for lo, hi in zip(bounds[:-1], bounds[1:])]
    docs = gpkg_field_docs(columns)
    return graduated_points_qml("score_total", SCORE_EDGES, SCORE_COLORS, labels=labels,
                                aliases=unique_field_names(docs))
