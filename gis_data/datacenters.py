"""Existing datacenters: PNNL IM3 atlas, OpenStreetMap GeoJSON and raw Overpass JSON.

Formats:

``im3_datacenters``
    IM3 Open Source Data Center Atlas centroids (``state_abb, county, operator, name, sqft, type``).
``osm_datacenters``
    OpenStreetMap datacenters, one point per facility, Western Power Pool repackaging
    (``osm_id, osm_type, name, operator, addr_state, im3_sqft``).
``osm_overpass_datacenters``
    Raw Overpass API JSON (``elements`` with ``lat``/``lon`` for nodes, ``center`` for ways,
    ``tags``); elements tagged ``telecom=data_center`` or ``building=data_center(re)``.

All OSM-derived layers are ODbL: outputs must credit "© OpenStreetMap contributors".
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import GEOGRAPHIC_CRS, LoadReport, SourceMeta
from gis_data.formats import register_format
from gis_data.grid import OSM_ATTRIBUTION, OSM_LICENSE
from models.units import M_PER_FT

#: Square metres in one square kilometre, by definition.
_M2_PER_KM2 = 1.0e6
_KM2_PER_FT2 = M_PER_FT**2 / _M2_PER_KM2

DC_EXTRA = ("footprint_area_km2", "state_abbr")


def _col(raw, name):
    return raw[name] if name in raw.columns else pd.Series(np.nan, index=raw.index, dtype="object")


def _detect_im3(path, columns) -> bool:
    return all(c in columns for c in ("state_abb", "sqft", "operator"))


@register_format(
    "im3_datacenters", role="datacenters", detect=_detect_im3, detail=20,
    description="PNNL IM3 Open Source Data Center Atlas centroids (from OpenStreetMap, with footprint area)",
)
def load_im3_atlas(path, *, vintage: str = "v1 (2025)"):
    """IM3 Open Source Data Center Atlas centroids.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``).
    vintage : str
        Atlas version.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``datacenters`` columns (``datacenter_id`` "im3-<row>") plus
        ``footprint_area_km2`` [km²] (from ``sqft``), ``state_abbr``, ``site_type``, EPSG:4326.

    References
    ----------
    Mongird, K. et al. (2025). IM3 Open Source Data Center Atlas (v1). MSD-LIVE. PNNL.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="point")).reset_index(drop=True)
    io.require_columns(raw, ["name", "operator", "sqft", "state_abb"], path, "im3_datacenters")
    out = raw.assign(
        datacenter_id=pd.Series([f"im3-{i}" for i in raw.index], index=raw.index, dtype="str"),
        name=io.clean_text(raw["name"]),
        operator=io.clean_text(raw["operator"]),
        footprint_area_km2=io.to_number(raw["sqft"]) * _KM2_PER_FT2,
        state_abbr=io.clean_text(raw["state_abb"]),
        site_type=io.clean_text(_col(raw, "type")),
    )
    src = SourceMeta("IM3 Open Source Data Center Atlas (PNNL)", vintage, "ODbL 1.0",
                     f"{OSM_ATTRIBUTION}; IM3 Open Source Data Center Atlas (PNNL/DOE)",
                     "https://github.com/IMMM-SFA/datacenter-atlas")
    return io.finish(out, "datacenters", src, report, extra=(*DC_EXTRA, "site_type"))


def _detect_osm_wpp(path, columns) -> bool:
    return all(c in columns for c in ("osm_id", "osm_type", "im3_sqft"))


@register_format(
    "osm_datacenters", role="datacenters", detect=_detect_osm_wpp, detail=30,
    description="OpenStreetMap datacenters, one point per facility (osm_id, osm_type, operator, im3_sqft)",
)
def load_osm_datacenters(path, *, vintage: str = "2026-07-13"):
    """OpenStreetMap datacenters (North America), Western Power Pool repackaging.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``).
    vintage : str
        Geofabrik extract date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``datacenters`` columns (``datacenter_id`` "node/123", "way/456")
        plus ``footprint_area_km2`` [km²] (IM3 footprint, where matched) and ``state_abbr``, EPSG:4326.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="point")).reset_index(drop=True)
    io.require_columns(raw, ["osm_id", "osm_type", "name", "operator"], path, "osm_datacenters")
    out = raw.assign(
        datacenter_id=(raw["osm_type"].astype("string") + "/" + raw["osm_id"].astype("string")).astype("str"),
        name=io.clean_text(raw["name"]),
        operator=io.clean_text(raw["operator"]),
        footprint_area_km2=io.to_number(_col(raw, "im3_sqft")) * _KM2_PER_FT2,
        state_abbr=io.clean_text(_col(raw, "addr_state")),
    )
    src = SourceMeta("OpenStreetMap datacenters (Western Power Pool TransmissionMap)", vintage, OSM_LICENSE,
                     OSM_ATTRIBUTION, "https://www.openstreetmap.org/copyright")
    return io.finish(out, "datacenters", src, report, extra=DC_EXTRA)


_DC_TAGS = (("telecom", "data_center"), ("building", "data_center"), ("building", "data_centre"))


def _detect_overpass(path, columns) -> bool:
    return "elements" in columns and "tags" in columns and "osm3s" in columns


@register_format(
    "osm_overpass_datacenters", role="datacenters", detect=_detect_overpass, detail=10,
    description="Raw Overpass API JSON of OpenStreetMap datacenter features (nodes and ways with center)",
)
def load_overpass_datacenters(path, *, vintage: str | None = None):
    """Datacenters from raw Overpass API JSON (``out center`` output).

    Parameters
    ----------
    path : str or Path
        JSON (plain or ``.gz``).
    vintage : str, optional
        Default: the file's ``osm3s.timestamp_osm_base`` date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``datacenters`` columns plus ``state_abbr`` (``addr:state`` tag), EPSG:4326.
        Elements without a location (relations without ``center``) or without a
        datacenter tag are dropped (counted).
    """
    data = io.read_json(path)
    elements = data.get("elements", []) if isinstance(data, dict) else []
    report = LoadReport(source_rows=len(elements))
    rows = []
    no_loc = no_tag = 0
    for el in elements:
        tags = el.get("tags", {}) or {}
        if not any(tags.get(k) == v for k, v in _DC_TAGS):
            no_tag += 1
            continue
        lat, lon = el.get("lat"), el.get("lon")
        if lat is None and isinstance(el.get("center"), dict):
            lat, lon = el["center"].get("lat"), el["center"].get("lon")
        if lat is None or lon is None:
            no_loc += 1
            continue
        rows.append({
            "datacenter_id": f"{el.get('type')}/{el.get('id')}", "name": tags.get("name"),
            "operator": tags.get("operator"), "state_abbr": tags.get("addr:state"),
            "footprint_area_km2": np.nan, "lon": float(lon), "lat": float(lat),
        })
    report.drop("element without a datacenter tag", no_tag)
    report.drop("element without a location (no lat/lon or center)", no_loc)
    table = pd.DataFrame(rows, columns=["datacenter_id", "name", "operator", "state_abbr", "footprint_area_km2",
                                        "lon", "lat"])
    frame = gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]),
                             geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=GEOGRAPHIC_CRS)
    frame = io.drop_duplicates(frame, report, subset=["datacenter_id"])
    for c in ("name", "operator", "state_abbr"):
        frame[c] = io.clean_text(frame[c])
    if vintage is None:
        vintage = str((data.get("osm3s") or {}).get("timestamp_osm_base", "unstated"))[:10]
    src = SourceMeta("OpenStreetMap datacenters (Overpass API)", vintage, OSM_LICENSE, OSM_ATTRIBUTION,
                     "https://www.openstreetmap.org/copyright")
    return io.finish(frame, "datacenters", src, report, extra=DC_EXTRA)


# Earlier names of these formats, kept so existing layer-set files still load. An alias never
# detects a file (scan_directory reports the canonical name only).
register_format("im3_datacenter_atlas", role="datacenters", detect=io.never_detect,
                description="alias of im3_datacenters")(load_im3_atlas)
register_format("osm_datacenters_wpp", role="datacenters", detect=io.never_detect,
                description="alias of osm_datacenters")(load_osm_datacenters)
