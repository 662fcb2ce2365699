"""``siting demo``: the main job on the embedded synthetic sample region."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from siting.commands._common import add_json, add_scenario, print_json, scenario_from_args

log = logging.getLogger(__name__)


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="score the sample region's candidate sites, size their power plant, write table, map and report",
        description=(
            "Run the main job end to end on the embedded SYNTHETIC sample region: score its candidate sites "
            "(grid, gas, water, air), size an N+k gas-turbine plant for the load with ambient derate, estimate "
            "annual water use, and write a ranked table (GeoPackage and CSV), an interactive map and a one-page "
            "report for the best site."
        ),
    )
    p.add_argument("--out", type=Path, default=Path("out/demo"), help="output folder (default out/demo)")
    p.add_argument("--overwrite", action="store_true", help="replace existing output files")
    add_json(p)
    add_scenario(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scenario = scenario_from_args(args)  # validate the assumptions before any work
    from siting.demo import run_demo

    from siting.commands._common import locked_output

    with locked_output(Path(args.out).expanduser()):
        result = run_demo(args.out, scenario=scenario, overwrite=args.overwrite)
    if args.json:
        print_json(result.to_dict())
        return 0
    lines = [
        "SYNTHETIC SAMPLE REGION - not real infrastructure",
        f"scored {result.sites_scored} candidate sites ({result.sites_failed} rows with errors kept) "
        f"in {result.seconds:.1f} s",
        f"best site: {result.best_site}",
        f"ranked table : {result.table_gpkg}",
        f"               {result.table_csv}",
        f"map          : {result.map_html}",
        f"report       : {result.report_html}",
        f"scenario     : {result.scenario_toml}",
    ]
    print("\n".join(lines))
    return 0
