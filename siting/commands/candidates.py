"""``siting candidates``: a grid of candidate sites over a state or a box (optionally scored to a GeoTIFF)."""

from __future__ import annotations

import argparse
from pathlib import Path

from siting.commands._common import (
    add_json, add_layers, add_scenario, check_out_file, locked_output, print_json, sample_layers_hint,
    scenario_from_args,
)
from siting.errors import ConfigError


def register(sub) -> None:
    p = sub.add_parser(
        "candidates",
        help="grid of candidate sites at a spacing over a state or a bbox (optionally scored into a GeoTIFF)",
        description=(
            "Lay candidate points every --spacing-km km (in EPSG:5070) over a state of the layer set's Census states "
            "layer (--state TX) or a box (--bbox WEST SOUTH EAST NORTH in degrees) and write them to --out "
            "(.gpkg, .parquet or .csv). With --score the grid is scored with --profile and the total and sub-scores "
            "are also written as a GeoTIFF next to --out."
        ),
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--state", help="state code, FIPS or name in the layer set's states layer")
    where.add_argument("--bbox", type=float, nargs=4, metavar=("WEST", "SOUTH", "EAST", "NORTH"), help="box [deg]")
    p.add_argument("--spacing-km", type=float, required=True, help="distance between candidate points [km]")
    p.add_argument("--out", type=Path, required=True, help="output table: .gpkg, .parquet or .csv")
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    p.add_argument("--score", action="store_true", help="score the grid and write OUT.tif with the scores")
    p.add_argument("--profile", default="speed_to_power", help="profile name or TOML file (with --score)")
    add_layers(p)
    add_json(p)
    add_scenario(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gis_data.layerset import open_layers
    from siting.candidates import candidate_grid, write_score_geotiff
    from siting.tables import OUTPUT_SUFFIXES, write_table

    tif = Path(args.out).expanduser().with_suffix(".tif")
    base = Path(args.out).expanduser()
    sidecars = (base.with_name(base.stem + "_scenario.toml"), base.with_name(base.stem + "_profile.toml"))
    out = check_out_file(args.out, OUTPUT_SUFFIXES, args.overwrite, also=(tif, *sidecars) if args.score else ())
    scenario = scenario_from_args(args)
    profile = None
    if args.score:
        from siting.profiles import load_profile

        profile = load_profile(args.profile)
    hint = sample_layers_hint(args.layers, state=args.state, bbox=args.bbox)
    if hint:
        raise ConfigError(f"{'--state ' + str(args.state) if args.state else '--bbox'}: {hint}")
    with locked_output(out, also=(tif, *sidecars)):
        layers = open_layers(args.layers)
        grid = candidate_grid(args.spacing_km, state=args.state, bbox=args.bbox, layers=layers)
        result = {"points": len(grid), "spacing_km": args.spacing_km, "output": out, "geotiff": None}
        if args.score:
            from siting.batch import score_sites

            grid = score_sites(grid, layers, scenario, profile, progress=None)
            write_score_geotiff(grid, tif, args.spacing_km, overwrite=True)
            result["geotiff"] = tif
            result["summary"] = grid.attrs["batch_summary"]
        write_table(grid, out)
        if args.score:  # the effective assumptions of the scores, next to them
            from gis_data.outputs import write_text_atomic

            write_text_atomic(sidecars[0], scenario.to_toml())
            write_text_atomic(sidecars[1], profile.to_toml())
            result["scenario"], result["profile"] = sidecars
    if args.json:
        print_json(result)
        return 0
    lines = [f"{len(grid):,} candidate points every {args.spacing_km:g} km -> {out}"]
    if result["geotiff"]:
        lines.append(f"scores (total and sub-scores, EPSG:5070) -> {tif}")
        lines.append(f"effective scenario and profile -> {sidecars[0].name}, {sidecars[1].name}")
    print("\n".join(lines))
    return 0
