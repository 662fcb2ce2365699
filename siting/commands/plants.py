"""``siting plants``: existing coal, gas and oil plants near a site (acquisition candidates)."""

from __future__ import annotations

import argparse
import math

from siting.commands._common import add_json, add_layers, print_json, sample_layers_hint
from siting.errors import ConfigError


def register(sub) -> None:
    p = sub.add_parser(
        "plants",
        help="existing coal, gas and oil plants within a radius of a site (operating, retiring, retired)",
        description=(
            "List EIA-860 fossil plants near a site that a datacenter could buy and restart, convert or repower: "
            "capacity, fuel, status, age, planned retirement and the gas pipeline serving them, nearest first. "
            "Distances are computed in EPSG:5070."
        ),
    )
    p.add_argument("--lat", type=float, required=True, help="site latitude [deg, WGS84]")
    p.add_argument("--lon", type=float, required=True, help="site longitude [deg, WGS84]")
    p.add_argument("--radius-km", type=float, default=50.0, help="search radius [km] (default 50)")
    p.add_argument("--fuels", default="coal,gas,oil", help="comma-separated fuel groups: coal, gas, oil")
    p.add_argument("--statuses", default="operating,retiring,retired",
                   help="comma-separated statuses: operating, retiring, retired")
    p.add_argument("--as-of-year", type=int, default=2026, help="year for ages and retirements (default 2026)")
    p.add_argument("--min-mw", type=float, default=None, metavar="MW",
                   help="leave out plants smaller than this [MW] (the plant's generators of one fuel and status; "
                        "e.g. 50 hides store and backup generators)")
    add_layers(p)
    add_json(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from siting import acquisitions as acq

    if not args.radius_km > 0:
        raise ConfigError(f"--radius-km {args.radius_km}: expected a positive distance [km]")
    table = acq.plants_near(
        args.lat, args.lon, args.radius_km, layers=args.layers,
        fuels=tuple(x.strip() for x in args.fuels.split(",") if x.strip()),
        statuses=tuple(x.strip() for x in args.statuses.split(",") if x.strip()),
        as_of_year=args.as_of_year, min_capacity_mw=args.min_mw,
    )
    if args.json:
        print_json(table.to_dict(orient="records"))
        return 0
    if table.empty:
        size = f" of {args.min_mw:g} MW or more" if args.min_mw else ""
        print(f"no {args.fuels} plants{size} ({args.statuses}) within {args.radius_km:g} km of {args.lat}, {args.lon}")
        hint = sample_layers_hint(args.layers, lat=args.lat, lon=args.lon)
        if hint:
            print(f"note: {hint}")
        return 0
    print(f"{'km':>6s}  {'MW':>7s}  {'fuel':4s}  {'status':9s}  {'age':>4s}  {'retire':>6s}  plant (pipeline)")
    for _, r in table.iterrows():
        ret = r["planned_retirement_year"] if r["status"] == "retiring" else r["retired_year"]
        age = "" if not math.isfinite(r["age_yr"]) else f"{r['age_yr']:.0f}"
        ret_s = "" if not (isinstance(ret, float) and math.isfinite(ret)) else f"{ret:.0f}"
        pipe = f" ({r['gas_pipeline']})" if r["gas_pipeline"] else ""
        print(f"{r['distance_km']:6.1f}  {r['capacity_mw']:7.1f}  {r['fuel_group']:4s}  {r['status']:9s}  {age:>4s}  "
              f"{ret_s:>6s}  {r['plant_name']} [{r['plant_id']}]{pipe}")
    return 0
