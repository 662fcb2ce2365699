"""``siting map``: an interactive, offline HTML map of a scored site table."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from siting.commands._common import check_out_file, print_json
from siting.errors import ConfigError, DataError, MissingDataError
from siting.map_context import column_labels, context_layers

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
    p.add_argument("--tiles", default=None,
                   help="background tiles (folium name or URL template; needs network); default a plain background")
    p.add_argument("--json", action="store_true", help="print what was written as JSON on stdout")
    p.set_defaults(func=run)


def read_scored(path: Path) -> gpd.GeoDataFrame:
    """Read a scored site table as points in EPSG:4326.

    Parameters
    ----------
    path : Path
        ``.gpkg``, ``.parquet``/``.geoparquet`` (GeoParquet) or ``.csv`` with
        ``latitude_deg``/``longitude_deg`` [deg, WGS84] (or lat/lon aliases).

    Returns
    -------
    geopandas.GeoDataFrame
        The table, reprojected to EPSG:4326 when it was in another CRS.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingDataError(f"scored file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from siting.schema import coerce_input_table

        raw = pd.read_csv(path, dtype={"site_id": str, "county_fips": str}, keep_default_na=True)
        frame = coerce_input_table(raw)
        return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude_deg"], frame["latitude_deg"]),
                                crs="EPSG:4326")
    if suffix in (".parquet", ".geoparquet"):
        frame = gpd.read_parquet(path)
    elif suffix == ".gpkg":
        frame = gpd.read_file(path)
    else:
        raise ConfigError(f"scored file {str(path)!r}: unknown extension {suffix!r}; expected .gpkg, .parquet or .csv")
    if frame.crs is None:
        raise DataError(f"{str(path)!r} has no CRS; write it with one (EPSG:4326 for longitude/latitude)")
    if frame.crs.to_epsg() != 4326:
        log.info("reprojecting %s from %s to EPSG:4326", path.name, frame.crs.to_string())
        frame = frame.to_crs("EPSG:4326")
    return frame


def run(args: argparse.Namespace) -> int:
    from maps.sitemap import save_map

    out = check_out_file(args.out, (".html", ".htm"), args.overwrite)
    sites = read_scored(args.scored_file)
    layers, attributions, synthetic = {}, [], False
    if args.layers is not None:
        if len(sites) == 0:
            raise DataError(f"{args.scored_file} has no sites to centre the context layers on")
        layers, attributions, synthetic = context_layers(args.layers, sites.total_bounds)
    title = args.title or f"Candidate sites: {Path(args.scored_file).name}"
    path = save_map(sites, layers, out, overwrite=args.overwrite, title=title, synthetic=synthetic, labels=column_labels(),
                    attributions=attributions, tiles=args.tiles)
    if args.json:
        print_json({"out": str(path), "sites": int(len(sites)), "layers": sorted(layers), "synthetic": synthetic,
                    "bytes": path.stat().st_size})
    return 0
