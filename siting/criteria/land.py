"""Land: operating plants and datacenter footprints nearby, and the layer set's rasters at the sites."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import take_text
from gis_data.nearest import nearest
from gis_data.plants import reuse_status
from siting.criteria._common import Columns, check_sites, prep
from siting.scenario import Scenario

log = logging.getLogger(__name__)


#: Value rasters :func:`land` samples, and the column each fills.
RASTER_VALUE_COLUMNS = {"cost_raster": "cost_raster_value", "resource_raster": "resource_raster_value"}


def _raster(L, role: str) -> tuple[Path, str] | None:
    """(GeoTIFF, stated units) of a raster role, or None when the layer set has none."""
    inner = getattr(L, "layers", L)
    if not hasattr(inner, "raster_path") or not L.has(role):
        return None
    path = inner.raster_path(role)
    units = inner.raster_units(role) if hasattr(inner, "raster_units") else ""
    if not units:
        import rasterio

        with rasterio.open(path) as src:  # the GeoTIFF's own band unit, when it states one
            units = (src.units or ("",))[0] or ""
    return path, units


def _sample(L, sites: gpd.GeoDataFrame, path: Path) -> np.ndarray:
    from gis_data.elevation import sample_raster
    from pyproj import Transformer

    xy = L.coords(sites)
    lon, lat = Transformer.from_crs(sites.crs, "EPSG:4326", always_xy=True).transform(xy[:, 0], xy[:, 1])
    return sample_raster(path, lon, lat)


def land(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """Distance to existing plants and datacenters (setbacks), and the layer set's rasters at the sites.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_power_plant_km`` [km] (any generator, any status),
        ``distance_to_operating_plant_km`` [km] (generators that stay in operation: not
        retiring, retired, underused or proposed; a campus there would crowd them),
        ``distance_to_datacenter_km`` [km] (the nearest datacenter point) and
        ``distance_to_datacenter_footprint_km`` [km] (to the edge of its footprint, a disc of
        the layer's ``footprint_area_km2`` around the point; 0 inside; the point itself where
        the area is unknown);
        ``excluded_by_raster`` [-] (the site's cell of the ``exclusion_raster`` is nonzero;
        missing on nodata or outside the raster, or without the raster) and
        ``exclusion_raster_name`` [-] (that raster's file name, on excluded sites);
        ``cost_raster_value`` and ``resource_raster_value`` [the units the layer set
        states for the raster, its ``units`` key, else the GeoTIFF's band unit]: the
        cell values, NaN on nodata or outside.
    """
    check_sites(sites)
    L = prep(layers)
    out = Columns(sites, {"distance_to_power_plant_km": "float", "distance_to_operating_plant_km": "float",
                         "distance_to_datacenter_km": "float", "distance_to_datacenter_footprint_km": "float",
                         "excluded_by_raster": "bool", "exclusion_raster_name": "str",
                         **{c: "float" for c in RASTER_VALUE_COLUMNS.values()}})
    if L.has("plants"):
        all_idx = L.index("plants")
        pos_all, d_all = nearest(sites, all_idx, xy=L.coords(sites))
        out["distance_to_power_plant_km"] = d_all
        year = int(scenario.analysis_year)

        def staying(f):
            # operating units that stay: not retiring, retired, underused or proposed (they would be crowded)
            return reuse_status(f["status"], f["retirement_year"], f["gen_status"] if "gen_status" in f.columns else None,
                                as_of_year=year) == "operating"

        idx = L.index("plants", f"operating_{year}", staying)
        if len(idx):
            # a site whose nearest plant stays in operation has that distance; only the others search again
            stays = L.memo(("plants_staying", year), lambda: np.asarray(staying(all_idx.frame), dtype=bool))
            done = (pos_all >= 0) & stays[np.maximum(pos_all, 0)]
            d_op = np.where(done, d_all, np.nan)
            rest = np.flatnonzero(~done)
            if len(rest):
                d_op[rest] = nearest(sites, idx, xy=L.coords(sites), rows=rest)[1]
            out["distance_to_operating_plant_km"] = d_op
    if L.has("datacenters"):
        idx = L.index("datacenters")
        pos, d = nearest(sites, idx, xy=L.coords(sites))
        out["distance_to_datacenter_km"] = d
        area = (pd.to_numeric(idx.frame["footprint_area_km2"], errors="coerce").to_numpy(dtype=float)
                if "footprint_area_km2" in idx.frame.columns else np.full(len(idx.frame), np.nan))
        # footprint as a disc of the building's area around the point (0 where the area is unknown)
        radius = np.sqrt(np.nan_to_num(area, nan=0.0) / np.pi)
        r = np.where(pos >= 0, radius[np.where(pos >= 0, pos, 0)], np.nan)
        out["distance_to_datacenter_footprint_km"] = np.maximum(d - r, 0.0)
    raster = L.memo(("raster", "exclusion_raster"), lambda: _raster(L, "exclusion_raster"))
    if raster is not None and len(sites):
        v = _sample(L, sites, raster[0])
        excluded = np.isfinite(v) & (v != 0)
        out["excluded_by_raster"] = pd.arrays.BooleanArray(excluded, ~np.isfinite(v))
        out["exclusion_raster_name"] = take_text([raster[0].name], np.where(excluded, 0, -1), sites.index)
    for role, col in RASTER_VALUE_COLUMNS.items():
        raster = L.memo(("raster", role), lambda role=role: _raster(L, role))
        if raster is not None and len(sites):
            out[col] = _sample(L, sites, raster[0])
            L.memo(("raster_units_logged", role), lambda role=role, raster=raster: log.info(
                "%s: %s values in %s", role, raster[0].name, raster[1] or "units not stated (add units = ... to the layer set)"))
    return out.frame()
