"""``siting map``: an interactive, offline HTML map of a scored site table."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from siting.commands._common import check_out_file, locked_output, print_json
from siting.errors import ConfigError, DataError, MissingDataError

log = logging.getLogger(__name__)

def register(sub) -> None:
    p = sub.add_parser(
        "map",
        help="interactive HTML map of scored sites (offline, one file)",
        description=(
            "Draw a scored site table on an interactive map that opens without network: sites coloured by "
            "score_total with their sub-scores in popups, search by name, and, with --layers, toggleable "
            "context layers (transmission by voltage class, substations, gas pipelines, power plants by fuel, "
            "datacenters, counties shaded by water withdrawals, nonattainment areas)."
        ),
    )
    p.add_argument("scored_file", type=Path, metavar="SCORED_FILE",
                   help="scored sites: GeoPackage (.gpkg), GeoParquet (.parquet) or CSV with latitude_deg/longitude_deg")
    p.add_argument("--out", type=Path, required=True, help="output HTML file")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    p.add_argument("--layers", default=None, metavar="PATH|sample",
                   help="layer-set TOML file or folder holding one, or 'sample' for the embedded synthetic region; "
                   "context layers are drawn only when given")
    p.add_argument("--title", default=None, help="map title (default: the file name)")
    p.add_argument("--basemap", "--tiles", dest="tiles", default=None, metavar="NAME|URL",
                   help="web background map: osm, carto-light, carto-voyager, a folium tile name or a tile URL "
                        "template (needs network when viewed); default a plain background that opens offline")
    p.add_argument("--surface", type=Path, default=None, metavar="GEOTIFF",
                   help="score raster drawn under the sites (band score_total); default the table's own grid when "
                        "its sites are a `siting candidates` grid")
    p.add_argument("--max-sites", type=int, default=None, metavar="N",
                   help="sites drawn as dots, the best ranked first (default 10000, as `siting score` draws; a grid's "
                        "score surface shows every site)")
    p.add_argument("--reports", type=Path, default=None, metavar="FOLDER",
                   help="folder of site reports named <site_id>.html to link from the popups; default "
                        "SCORED_FILE's <stem>_reports/ when it exists (`siting score --report-top N` writes it)")
    p.add_argument("--json", action="store_true", help="print what was written as JSON on stdout")
    p.set_defaults(func=run)


def read_scored(path: Path) -> gpd.GeoDataFrame:
    """Read a scored site table as points in EPSG:4326.

    The file is read by content (:func:`siting.tables.read_sites`): GeoPackage, GeoParquet,
    GeoJSON, or CSV with ``latitude_deg``/``longitude_deg`` [deg, WGS84] (or lat/lon
    aliases). Polygons are drawn at their representative point; rows whose geometry or
    coordinates cannot be drawn keep an empty point.

    Parameters
    ----------
    path : Path
        The scored table.

    Returns
    -------
    geopandas.GeoDataFrame
        The table, reprojected to EPSG:4326 when it was in another CRS.
    """
    import numpy as np
    import shapely

    from siting.schema import coerce_input_table
    from siting.tables import read_sites

    path = Path(path)
    if not path.exists():
        raise MissingDataError(f"scored file {str(path)!r} does not exist")
    raw = read_sites(path)
    geom_col = raw._geometry_column_name if isinstance(raw, gpd.GeoDataFrame) else None
    if geom_col is None or geom_col not in raw.columns or any(
            str(c).lower() in ("latitude_deg", "lat", "latitude") for c in raw.columns):
        frame = coerce_input_table(pd.DataFrame(raw.drop(columns=[geom_col]) if geom_col in raw.columns else raw))
        with np.errstate(invalid="ignore"):
            ok = (np.isfinite(frame["latitude_deg"].to_numpy()) & np.isfinite(frame["longitude_deg"].to_numpy())
                  & (frame["latitude_deg"].abs().to_numpy() <= 90) & (frame["longitude_deg"].abs().to_numpy() <= 180))
        geom = np.full(len(frame), None, dtype=object)
        geom[ok] = shapely.points(frame["longitude_deg"].to_numpy()[ok], frame["latitude_deg"].to_numpy()[ok])
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geom, index=frame.index, crs="EPSG:4326"),
                                crs="EPSG:4326")
    frame = raw
    if frame.crs is None:
        finite = frame.geometry.dropna()
        bounds = finite.total_bounds if len(finite) and not finite.is_empty.all() else None
        if bounds is not None and (abs(bounds[[0, 2]]) > 180).any() | (abs(bounds[[1, 3]]) > 90).any():
            raise DataError(f"{str(path)!r} has no CRS and its coordinates {np.round(bounds, 1).tolist()} are not "
                            "longitude/latitude; write it with its CRS (EPSG:4326 for longitude/latitude)")
        frame = frame.set_crs("EPSG:4326")
    if frame.crs.to_epsg() != 4326:
        log.info("reprojecting %s from %s to EPSG:4326", path.name, frame.crs.to_string())
        try:
            frame = frame.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj errors: the file's CRS cannot be converted
            raise DataError(f"{str(path)!r}: its CRS cannot be converted to EPSG:4326 ({exc})") from None
    arr = np.asarray(frame.geometry.array, dtype=object)
    keep = ~shapely.is_missing(arr)
    keep[keep] = ~shapely.is_empty(arr[keep])
    kinds = np.full(len(arr), -1)
    kinds[keep] = shapely.get_type_id(arr[keep])
    area = keep & np.isin(kinds, (3, 6))
    drawn = np.full(len(arr), None, dtype=object)
    drawn[keep & (kinds == 0)] = arr[keep & (kinds == 0)]
    if area.any():
        drawn[area] = shapely.point_on_surface(shapely.make_valid(arr[area]))
    if (keep & ~area & (kinds != 0)).any():
        log.warning("%s: %d rows are neither points nor polygons; they are not drawn", path.name,
                    int((keep & ~area & (kinds != 0)).sum()))
    return frame.set_geometry(gpd.GeoSeries(drawn, index=frame.index, crs="EPSG:4326"))


def report_links(sites: pd.DataFrame, folder: Path, map_path: Path) -> dict[str, str]:
    """site_id -> path of its report relative to the map, for the reports present in ``folder``."""
    import os

    if not folder.is_dir() or "site_id" not in sites.columns:
        return {}
    files = {p.stem: p for p in folder.glob("*.html")}
    out = {}
    for sid in sites["site_id"].astype(str):
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in sid)[:120]
        if safe in files:
            out[sid] = Path(os.path.relpath(files[safe], map_path.parent)).as_posix()
    return out


def run(args: argparse.Namespace) -> int:
    from siting.map_context import MAP_MAX_SITES, write_site_map

    if args.max_sites is not None and args.max_sites < 1:
        raise ConfigError(f"--max-sites {args.max_sites}: expected a number of sites >= 1")
    out = check_out_file(args.out, (".html", ".htm"), args.overwrite)
    scored_file = Path(args.scored_file)
    with locked_output(out):
        sites = read_scored(scored_file)
        folder = args.reports if args.reports is not None else scored_file.with_name(scored_file.stem + "_reports")
        if args.reports is not None and not folder.is_dir():
            raise MissingDataError(f"--reports {str(folder)!r} is not a folder of site reports")
        links = report_links(sites, folder, out)
        title = args.title or f"Candidate sites: {scored_file.name}"
        info = write_site_map(sites, args.layers, out, title=title, tiles=args.tiles, report_links=links or None,
                              surface=args.surface, overwrite=args.overwrite,
                              max_sites=args.max_sites or MAP_MAX_SITES)
    if args.json:
        print_json({"out": str(info["path"]), "sites": int(len(sites)), "drawn": info["sites"],
                    "layers": info["roles"], "map_layers": info["layers"], "synthetic": info["synthetic"],
                    "surface": info["surface"], "reports_linked": len(links), "bytes": info["bytes"]})
    return 0
