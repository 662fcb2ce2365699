"""``siting score``: score and rank a table of candidate sites against a layer set."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
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


def register(sub) -> None:
    p = sub.add_parser(
        "score",
        help="score and rank candidate sites (CSV, GeoJSON, GeoPackage, GeoParquet) against a layer set",
        description=(
            "Score every candidate site of INPUT (CSV with lat/lon and optional name, it_load_mw; or GeoJSON, "
            "GeoPackage, GeoParquet points) for grid, gas, water, air and climate with a profile, rank them and write "
            "the table to --out (GeoPackage, GeoParquet or CSV by extension). Next to it: OUT_map.html (the "
            "interactive map), OUT_scenario.toml and OUT_profile.toml (the effective assumptions, reusable with "
            "--scenario and --profile), OUT_scores.tif when the sites are a `siting candidates` grid, and with "
            "--report-top N the best sites' reports in OUT_reports/. A GeoPackage also holds the scenario and "
            "profile in its metadata, a description of every field and a QGIS style colouring sites by score. Rows "
            "with bad coordinates or outside the layers stay in the output with the reason in 'error'. Chunks are "
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
    p.add_argument("--basemap", default=None, metavar="NAME|URL",
                   help="web background map under the sites: osm, carto-light, carto-voyager or a tile URL template "
                        "(needs network when viewed; default none: a plain background that opens offline)")
    p.add_argument("--report-top", type=int, default=0, metavar="N",
                   help="write the site report of the N best-ranked sites into OUT_reports/ and link each from its "
                        "popup on the map (each report designs the site's power and water: seconds per site)")
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


def map_path_for(out: Path) -> Path:
    """The HTML map written next to a scored table: ``<stem>_map.html``."""
    return out.with_name(out.stem + "_map.html")


def sidecar_paths(out: Path) -> dict[str, Path]:
    """Files ``siting score`` writes next to its table ``out``."""
    return {"map": map_path_for(out), "scenario": out.with_name(out.stem + "_scenario.toml"),
            "profile": out.with_name(out.stem + "_profile.toml"), "geotiff": out.with_name(out.stem + "_scores.tif"),
            "reports": out.with_name(out.stem + "_reports")}


def _gpkg_extras(scored: pd.DataFrame, scenario, profile) -> dict:
    """What a scored GeoPackage carries besides the rows: description, metadata, field docs, QGIS style."""
    from siting import __version__
    from siting.map_context import gpkg_field_docs, site_style_qml

    description = (f"Candidate datacenter sites scored and ranked by siting {__version__} with the "
                   f"{profile.name} profile ({profile.description}). Colours: total score. Effective scenario "
                   f"(the assumptions of this run, as TOML):\n\n{scenario.to_toml()}\nScoring profile:\n\n"
                   f"{profile.to_toml()}")
    return {"description": description,
            "metadata": {"SITING_VERSION": __version__, "SITING_PROFILE": profile.name,
                         "SITING_SCENARIO_TOML": scenario.to_toml(), "SITING_PROFILE_TOML": profile.to_toml()},
            "field_docs": gpkg_field_docs(scored.columns), "qgis_style": site_style_qml(scored.columns)}


def _write_reports(scored: gpd.GeoDataFrame, layers, scenario, profile, folder: Path, top: int,
                   progress: bool) -> dict[str, str]:
    """Reports of the ``top`` best-ranked sites in ``folder``; site_id -> file name."""
    from tqdm.auto import tqdm

    from siting.site_report import build_site_report, write_site_report

    best = scored[scored["rank"].notna()].sort_values("rank").head(top)
    folder.mkdir(parents=True, exist_ok=True)
    n_sites = int(scored["rank"].notna().sum())
    written = {}
    for _, row in tqdm(best.iterrows(), total=len(best), disable=not progress, unit="report", desc="site reports"):
        sid = str(row["site_id"])
        name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in sid)[:120] + ".html"
        report = build_site_report(float(row["latitude_deg"]), float(row["longitude_deg"]), scenario, layers=layers,
                                   name=str(row.get("name") or sid), scored_row=row, n_sites=n_sites,
                                   profile=profile)
        write_site_report(report, folder / name, overwrite=True)
        written[sid] = name
    return written


def run(args: argparse.Namespace) -> int:
    from gis_data.outputs import write_text_atomic
    from siting.batch import score_sites
    from siting.profiles import load_profile

    scenario = scenario_from_args(args)
    profile = load_profile(args.profile)
    out = Path(args.out).expanduser()
    side = sidecar_paths(out)
    map_path = side["map"]
    if args.resume and out.exists() and not args.overwrite:
        raise ConfigError(
            f"output {str(out)!r} already exists, so the run that wrote it finished; --resume continues an interrupted "
            f"run (from {out.name}.chunks/). Pass --overwrite to score again and replace it"
        )
    if args.design_top < 0:
        raise ConfigError(f"--design-top {args.design_top}: expected a number of sites >= 0 (0 = no designs)")
    if args.report_top < 0:
        raise ConfigError(f"--report-top {args.report_top}: expected a number of sites >= 0 (0 = no reports)")
    if args.report_top and args.no_map:
        raise ConfigError("--report-top links the reports from the map; drop --no-map (or --report-top)")
    also = (side["scenario"], side["profile"], side["geotiff"]) + (() if args.no_map else (map_path,))
    check_out_file(out, OUTPUT_SUFFIXES, args.overwrite, also=also)
    if args.report_top and side["reports"].exists() and any(side["reports"].iterdir()) and not args.overwrite:
        raise ConfigError(f"report folder {str(side['reports'])!r} is not empty; pass --overwrite to replace its files")
    with locked_output(out, also=also):
        sites = read_sites(args.input)
        if len(sites) == 0:
            raise DataError(f"site table {str(args.input)!r} has no rows (only a header, or an empty layer): "
                            "no sites to score; add rows with lat and lon")
        from gis_data.layerset import open_layers

        layers = open_layers(args.layers)
        checkpoints = out.with_name(out.name + ".chunks")
        show = not args.no_progress and sys.stderr.isatty()
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
        extras = _gpkg_extras(scored, scenario, profile) if out.suffix.lower() == ".gpkg" else {}
        write_table(scored, out, **extras)
        write_text_atomic(side["scenario"], scenario.to_toml())
        write_text_atomic(side["profile"], profile.to_toml())
        shutil.rmtree(checkpoints, ignore_errors=True)
        from siting.candidates import grid_spacing_km, write_score_geotiff

        spacing = grid_spacing_km(scored)
        geotiff = None
        if spacing is not None:
            geotiff = write_score_geotiff(scored, side["geotiff"], spacing, overwrite=True)
        synthetic = bool(getattr(layers, "is_synthetic", False))
        links = None
        if args.report_top > 0:
            names = _write_reports(scored, layers, scenario, profile, side["reports"], args.report_top, show)
            links = {sid: f"{side['reports'].name}/{name}" for sid, name in names.items()}
        drawn = None
        if not args.no_map:
            from siting.map_context import write_site_map

            title = f"Scored sites: {out.name}"  # the synthetic banner stands beside it
            drawn = write_site_map(scored, layers, map_path, title=title, tiles=args.basemap, report_links=links,
                                   max_sites=MAP_MAX_SITES)
    summary = scored.attrs["batch_summary"]
    written = {"scenario": side["scenario"], "profile": side["profile"], "geotiff": geotiff,
               "reports": side["reports"] if links else None}
    outside = sum(n for reason, n in summary["error_reasons"].items() if reason.startswith("outside"))
    note = None
    if args.layers is None and outside:
        note = (f"{outside:,} of {summary['rows']:,} sites are outside the default layers, the synthetic North "
                "Carolina sample (invented infrastructure around Greensboro); pass --layers layers.toml (see "
                "`siting data scan`) for them")
        print(f"siting score: note: {note}", file=sys.stderr)
    if args.json:
        best = scored[scored["rank"] == 1]
        print_json({
            "output": out, "map": None if drawn is None else drawn["path"], "summary": summary,
            "map_layers": None if drawn is None else drawn["layers"], **written, "note": note,
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
    lines.append(f"table   : {out}")
    if drawn is not None:
        lines.append(f"map     : {drawn['path']}")
    lines.append(f"scenario: {side['scenario']}")
    lines.append(f"profile : {side['profile']}")
    if geotiff is not None:
        lines.append(f"scores  : {geotiff} (total and sub-scores on the {spacing:g} km grid, EPSG:5070)")
    if links:
        lines.append(f"reports : {side['reports']} ({len(links)} sites)")
    print("\n".join(lines))
    return 0
