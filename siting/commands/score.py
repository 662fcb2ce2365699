"""``siting score``: score and rank a table of candidate sites against a layer set."""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd

from siting.commands._common import (
    add_json, add_layers, add_scenario, check_out_file, locked_output, print_json, scenario_from_args,
)
from siting.errors import ConfigError, DataError
from siting.tables import OUTPUT_SUFFIXES, read_sites, write_table

log = logging.getLogger(__name__)

#: Sites drawn on the map next to the table (the best ranked ones); the table keeps all.
MAP_MAX_SITES = 10_000
#: Context layers larger than this are left off the map (it must stay light enough to open).
MAP_MAX_LAYER_FEATURES = 20_000


def register(sub) -> None:
    p = sub.add_parser(
        "score",
        help="score and rank candidate sites (CSV, GeoJSON, GeoPackage, GeoParquet) against a layer set",
        description=(
            "Score every candidate site of INPUT (CSV with lat/lon and optional name, it_load_mw; or GeoJSON, "
            "GeoPackage, GeoParquet points) for grid, gas, water, air and climate with a profile, rank them and write "
            "the table to --out (GeoPackage, GeoParquet or CSV by extension) plus an HTML map next to it. Rows with "
            "bad coordinates or outside the layers stay in the output with the reason in 'error'. Chunks are "
            "checkpointed in OUT.chunks/ so an interrupted run continues with --resume."
        ),
    )
    p.add_argument("input", type=Path, help="site table: .csv, .geojson, .gpkg or .parquet")
    p.add_argument("--out", type=Path, required=True, help="output table: .gpkg, .parquet or .csv")
    p.add_argument("--overwrite", action="store_true",
                   help="replace existing output files (the table and the map next to it)")
    p.add_argument("--profile", default="speed_to_power", help="profile name (speed_to_power, lowest_cost, lowest_water, "
                   "lowest_carbon) or a profile TOML file; default speed_to_power")
    add_layers(p)
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="run chunks here or on Dask (default local)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a 2-worker local cluster)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run from its checkpoints (refused when the layers, sites, scenario, "
                        "profile or tool version changed; a finished output is replaced only with --overwrite)")
    p.add_argument("--chunk-size", type=int, default=50_000, help="sites per chunk and checkpoint (default 50000)")
    p.add_argument("--no-map", action="store_true", help="do not write the HTML map")
    p.add_argument("--no-explain", action="store_true",
                   help="leave out the plain-language 'explanation' column (faster and much smaller for millions of sites)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--design-top", type=int, default=0, metavar="N",
                   help="after scoring, give the N best-ranked sites full hourly power and water designs "
                        "(siting.designs.design_sites: four options with LCOE, time to power, fuel, emissions, "
                        "permit path, the cheapest qualifying option and its water); other rows keep NaN and a note")
    add_json(p)
    add_scenario(p)
    p.set_defaults(func=run)


#: Design columns the map's site popups show when the table has designs.
MAP_DESIGN_COLUMNS = ("design_option", "design_lcoe_usd_per_mwh", "design_months_to_first_power")


def _popup_columns(frame: pd.DataFrame) -> list[str] | None:
    """The map's default popup columns plus the chosen design and its LCOE; None (the default) without designs."""
    if "design_option" not in frame.columns:
        return None
    from maps.sitemap import HEADLINE_COLUMNS
    from siting import schema

    cols = ["score_total", "rank"]
    cols += [c.name for c in schema.output_columns("score") if c.name.startswith("score_") and c.name not in cols]
    cols += [c for c in frame.columns if c.startswith("score_") and c not in cols]
    cols += list(MAP_DESIGN_COLUMNS) + list(HEADLINE_COLUMNS)
    return [c for c in dict.fromkeys(cols) if c in frame.columns]


def map_path_for(out: Path) -> Path:
    """The HTML map written next to a scored table: ``<stem>_map.html``."""
    return out.with_name(out.stem + "_map.html")


def _write_map(scored: gpd.GeoDataFrame, layers, out: Path, synthetic: bool) -> Path | None:
    try:
        from maps.sitemap import save_map
    except ImportError:
        log.info("maps.sitemap is not available; no map written")
        return None
    drawn = scored[scored["rank"].notna()].sort_values("rank").head(MAP_MAX_SITES)
    context = {}
    for role in ("transmission", "substations", "pipelines", "plants", "datacenters", "counties", "gas_facilities", "nonattainment"):
        if layers.has(role):
            frame = layers.load(role)
            if len(frame) <= MAP_MAX_LAYER_FEATURES:
                context[role] = frame
            else:
                log.info("map: %s layer has %d features; left off the map", role, len(frame))
    path = map_path_for(out)
    title = f"Scored sites: {out.name}" + (" (synthetic sample)" if synthetic else "")
    popup = _popup_columns(drawn)
    extra = {} if popup is None else {"popup_columns": popup}
    from siting.map_context import column_labels

    return save_map(drawn, context, path, overwrite=True, title=title, synthetic=synthetic, labels=column_labels(),
                    **extra)


def run(args: argparse.Namespace) -> int:
    from siting.batch import score_sites
    from siting.profiles import load_profile

    scenario = scenario_from_args(args)
    profile = load_profile(args.profile)
    out = Path(args.out).expanduser()
    map_path = map_path_for(out)
    if args.resume and out.exists() and not args.overwrite:
        raise ConfigError(
            f"output {str(out)!r} already exists, so the run that wrote it finished; --resume continues an interrupted "
            f"run (from {out.name}.chunks/). Pass --overwrite to score again and replace it"
        )
    check_out_file(out, OUTPUT_SUFFIXES, args.overwrite, also=() if args.no_map else (map_path,))
    if args.design_top < 0:
        raise ConfigError(f"--design-top {args.design_top}: expected a number of sites >= 0 (0 = no designs)")
    with locked_output(out, also=(map_path,)):
        sites = read_sites(args.input)
        if len(sites) == 0:
            raise DataError(f"site table {str(args.input)!r} has no rows (only a header, or an empty layer): "
                            "no sites to score; add rows with lat and lon")
        from gis_data.layerset import open_layers

        layers = open_layers(args.layers)
        checkpoints = out.with_name(out.name + ".chunks")
        scored = score_sites(
            sites, layers, scenario, profile, engine=args.engine, scheduler=args.scheduler,
            checkpoint_dir=checkpoints, resume=args.resume, chunk_size=args.chunk_size,
            progress=False if args.no_progress else None, explain=not args.no_explain,
        )
        designs = None
        if args.design_top > 0:
            from siting.designs import add_designs, design_sites

            designs = design_sites(scored, layers, scenario, top=args.design_top,
                                   progress=False if args.no_progress else None)
            scored = add_designs(scored, designs)
        write_table(scored, out)
        shutil.rmtree(checkpoints, ignore_errors=True)
        synthetic = bool(getattr(layers, "is_synthetic", False))
        map_path = None if args.no_map else _write_map(scored, layers, out, synthetic)
    summary = scored.attrs["batch_summary"]
    if args.json:
        best = scored[scored["rank"] == 1]
        print_json({
            "output": out, "map": map_path, "summary": summary,
            "designs": None if designs is None else designs.attrs["design_summary"],
            "best_site": None if best.empty else best.iloc[0][["site_id", "name", "score_total"]].to_dict(),
        })
        return 0
    lines = []
    if synthetic:
        lines.append("SYNTHETIC SAMPLE LAYERS - not real infrastructure")
    lines.append(f"scored {summary['scored']:,} of {summary['rows']:,} sites with profile {profile.name} "
                 f"in {summary['seconds']:.1f} s ({summary['errors']:,} rows with errors kept)")
    for reason, n in summary["error_reasons"].items():
        lines.append(f"  {n:,} {reason}")
    if summary.get("ids_assigned"):
        lines.append(f"{summary['ids_assigned']:,} rows had no site_id: ids made from their row number "
                     "(column site_id_assigned marks them)")
    if summary.get("area_sites"):
        lines.append(f"{summary['area_sites']:,} sites given as areas (polygons): scored at a point inside each, "
                     "area in site_area_acres")
    if summary.get("renamed_columns"):
        lines.append("input columns named like output columns kept as: "
                     + ", ".join(f"{a} -> {b}" for a, b in summary["renamed_columns"].items()))
    if designs is not None:
        d = designs.attrs["design_summary"]
        lines.append(f"full hourly designs for {d['designed']:,} of the best {d['requested']:,} sites in "
                     f"{d['seconds']:.1f} s ({d['stations']} weather stations, {d['lp_groups']} shared capacity LPs)")
    lines.append(f"table: {out}")
    if map_path:
        lines.append(f"map  : {map_path}")
    print("\n".join(lines))
    return 0
