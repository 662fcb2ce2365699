"""What maps and reports show: a layer set's roles clipped around some sites, and column labels.

Selection, a display join and the labels of the site schema; drawing happens in :mod:`maps`.
"""

from __future__ import annotations

import functools

import geopandas as gpd

from maps.labels import Labels
from siting import schema


@functools.cache
def column_labels() -> Labels:
    """Labels, units and formats of every site-table column (``site_columns.csv``) for :mod:`maps`."""
    return Labels.from_records(schema.field_records())

#: Roles drawn as context, in the order they are loaded.
CONTEXT_ROLES = ("states", "counties", "nonattainment", "transmission", "pipelines", "gas_facilities",
                 "substations", "plants", "datacenters")
#: Degrees added around the sites' bounding box when clipping context layers.
CLIP_MARGIN_DEG = 0.5


def context_layers(layers_arg, bounds, *, margin_deg: float = CLIP_MARGIN_DEG) -> tuple[dict, list[str], bool]:
    """Load the context roles of a layer set, clipped to ``bounds`` plus a margin.

    Parameters
    ----------
    layers_arg : LayerSet-like, str or Path
        A layer set object, ``"sample"`` for the embedded sample, or a layer-set path.
    bounds : sequence of 4 float
        West, south, east, north [deg, EPSG:4326].
    margin_deg : float
        Added on every side [deg].

    Returns
    -------
    tuple
        (role -> frame, attributions, synthetic).
    """
    from gis_data.layerset import open_layers

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
            frame = frame.cx[x0 - m: x1 + m, y0 - m: y1 + m]
        out[role] = frame
        synthetic = synthetic or bool(src.get("synthetic"))
        text = src.get("attribution") or " ".join(str(src.get(k, "")) for k in ("name", "vintage")).strip()
        if text:
            by_text.setdefault(text, []).append(role)
    if "counties" in out and ls.has("water_use"):
        # Shade counties by their total withdrawals (USGS); a display join on the county code.
        use = ls.load("water_use")[["county_fips", "withdrawal_total_gal_per_day"]]
        out["counties"] = out["counties"].merge(use, on="county_fips", how="left")
    attributions = [f"{', '.join(roles)}: {text}" for text, roles in by_text.items()]
    return out, attributions, synthetic
