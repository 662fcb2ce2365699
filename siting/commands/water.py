"""``siting water``: cooling and power water of a campus, its benchmarks and local context."""

from __future__ import annotations

import argparse
import logging
import math
from pathlib import Path

from siting.commands._common import add_json, add_layers, add_scenario, print_json, scenario_from_args
from siting.errors import ConfigError

log = logging.getLogger(__name__)


def register(sub) -> None:
    p = sub.add_parser(
        "water",
        help="water footprint of a campus: cooling water, power-generation water, benchmarks, local context",
        description=(
            "Estimate a datacenter campus's water: on-site cooling water and PUE hour by hour from weather, "
            "power-generation water by technology, a budget by scope (on-site, power generation, total; "
            "consumption and withdrawal; per year and peak day), like-for-like benchmarks (In-N-Out restaurants, "
            "burgers, households, golf courses, acres of almonds) and the site's share of its county's water. "
            "Run a shipped example with --example NAME (--list-examples), a weather file with --weather, "
            "or a location with --lat/--lon: county water use and water stress come from --layers, weather "
            "from --weather or the nearest station of the layer set. With --lat/--lon and "
            "--power-design renewables_plus_gas the site's power design is run and its hourly dispatch "
            "(gas by prime mover, PV, wind; battery losses through the generators) gives the power-generation water."
        ),
    )
    src = p.add_argument_group("what to compute: --example, or --weather and/or --lat/--lon")
    src.add_argument("--example", metavar="NAME", help="run a shipped, named example")
    src.add_argument("--list-examples", action="store_true", help="list the shipped examples and exit")
    src.add_argument(
        "--weather", type=Path, metavar="FILE",
        help="hourly weather: a TMY3 file (.tmy3 or .tmy3.gz) or a CSV with temp_air_degc, pressure_pa and "
        "relative_humidity_pct or temp_dew_degc",
    )
    src.add_argument("--lat", type=float, help="site latitude [deg, WGS84]")
    src.add_argument("--lon", type=float, help="site longitude [deg, WGS84]")
    p.add_argument("--it-mw", dest="scn_it_load_mw", type=float, metavar="MW", help="critical IT load [MW] (same as --it-load-mw)")
    p.add_argument(
        "--cc-cooling", dest="combined_cycle_cooling", default="wet", choices=("wet", "dry", "hybrid", "once_through"),
        help="condenser cooling when the prime mover is a combined cycle (default wet: a cooling tower)",
    )
    p.add_argument(
        "--golf-region", default=None, metavar="REGION",
        help="the site's GCSAA agronomic region for the golf benchmark (Southwest, 'Upper West/Mountain', Northeast); "
        "default: the national figure, since no published state list assigns a site to a region",
    )
    add_layers(p)
    add_json(p)
    add_scenario(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from siting import water_budget as sw

    if args.list_examples:
        examples = sw.list_examples()
        if args.json:
            print_json(examples)
        else:
            print("\n".join(f"{name:28s} {title}" for name, title in examples.items()))
        return 0
    if (args.lat is None) != (args.lon is None):
        raise ConfigError("give --lat and --lon together (degrees, WGS84)")
    if args.example is not None:
        if args.weather is not None or args.lat is not None or args.golf_region is not None:
            raise ConfigError("--example runs a shipped example on its own; drop --weather/--lat/--lon/--golf-region")
        result = sw.run_example(args.example)
    elif args.lat is not None:
        weather = _read_weather(args.weather) if args.weather is not None else None
        result = sw.site_water_at(args.lat, args.lon, scenario_from_args(args), layers=args.layers, weather=weather,
                                  combined_cycle_cooling=args.combined_cycle_cooling, golf_region=args.golf_region)
    elif args.weather is not None:
        weather = _read_weather(args.weather)
        if (weather.attrs.get("station") or {}).get("latitude_deg") is None:
            raise ConfigError(f"{args.weather}: the weather file has no station header (a TMY3 file has one), so the tool "
                              "does not know where it is; give the site's --lat and --lon (the county context then "
                              "comes from --layers)")
        result = sw.site_water(weather, scenario_from_args(args), combined_cycle_cooling=args.combined_cycle_cooling,
                               golf_region=args.golf_region)
    else:
        raise ConfigError(
            "siting water: give --example NAME, --weather FILE, or --lat/--lon (optionally with --weather); "
            "--list-examples lists the examples"
        )
    if args.json:
        print_json(result.to_dict())
    else:
        print(format_text(result))
    return 0


#: What a weather file must be, for messages.
_WEATHER_EXPECTED = ("expected a TMY3 file (.tmy3, .csv or .gz, NREL's format with the station header on line 1) or a "
                     "CSV with a 'time' column (UTC offset) and temp_air_degc, pressure_pa and relative_humidity_pct "
                     "or temp_dew_degc")


def _read_weather(path: Path):
    """The hourly weather of ``--weather``: the file checked to be readable text (or gzip) first, and
    any failure to parse it a :class:`~siting.errors.DataError` naming the file and the format."""
    import gzip
    import zipfile

    import pandas as pd

    from gis_data.io import decode_text, sniff_file
    from siting import water_budget as sw
    from siting.errors import DataError, MissingDataError, SitingError

    text_ref = str(path)
    if not text_ref.startswith("pvlib:"):
        p = Path(path).expanduser()
        if not p.exists():
            raise MissingDataError(f"weather file {text_ref!r} not found (the path does not exist); {_WEATHER_EXPECTED}")
        if not p.is_file():
            raise ConfigError(f"weather file {text_ref!r} is a folder or not a regular file; give the file")
        kind = sniff_file(p)
        if kind not in ("text", "gzip"):
            raise DataError(f"weather file {text_ref!r} holds {kind} data, not text; {_WEATHER_EXPECTED}")
        if kind == "text" and p.stat().st_size <= 64_000_000:  # an hourly year is ~2 MB
            decode_text(p.read_bytes(), name=f"weather file {text_ref!r}")
    try:
        return sw.read_weather_file(path)
    except SitingError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, UnicodeError, EOFError, OSError, gzip.BadGzipFile,
            zipfile.BadZipFile, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        if isinstance(exc, (PermissionError, IsADirectoryError)):
            raise
        raise DataError(f"weather file {text_ref!r} cannot be read ({type(exc).__name__}: {exc}); "
                        f"{_WEATHER_EXPECTED}") from None


def _gal(v: float, per: str = "") -> str:
    if v is None or not math.isfinite(v):
        return "n/a"
    return (f"{v / 1e6:,.1f} million gal" if abs(v) >= 1e6 else f"{v:,.0f} gal") + per


def _num(v: float, fmt: str = ".3f") -> str:
    return "n/a" if v is None or not math.isfinite(v) else format(v, fmt)


def _count(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def format_text(result) -> str:
    """Plain-text summary of a :class:`siting.water_budget.SiteWater`."""
    s, c, ctx = result.scenario, result.cooling, result.context
    lines = [
        f"{s.it_load_mw:,.0f} MW IT, {s.cooling} cooling ({c.method.replace('_', ' ')})",
        f"  PUE {_num(c.pue_annual)}; WUE {_num(c.wue_consumption_l_per_kwh)} L/kWh consumed, "
        f"{_num(c.wue_withdrawal_l_per_kwh)} L/kWh withdrawn",
        f"  initial fill {_gal(c.initial_fill_gal)} (once)",
        "budget (blue water)                        per year          peak day",
    ]
    for line in result.budget.lines:
        lines.append(
            f"  {line.scope:18s} {line.metric:12s} {_gal(line.gal_per_yr, '/yr'):>22s} "
            f"{_gal(line.peak_day_gal_per_day, '/day'):>20s}"
        )
    if len(result.power_by_technology):
        lines.append("power generation by technology                 MWh/yr   consumed gal/yr")
        for tech, r in result.power_by_technology.iterrows():
            lines.append(f"  {tech:32s} {r['energy_mwh_per_yr']:>14,.0f} {_gal(r['consumption_gal_per_yr'], '/yr'):>22s}")
    lines.append("like-for-like equivalents of the on-site water")
    for _, b in result.benchmarks.iterrows():
        lines.append(f"  {_count(b['count']):>14s} x {b['per_unit']} ({b['site_metric']} vs {b['water_scope'].replace('_', ' ')})")
    lines.append(f"local context: {ctx.verdict}")
    lines += [f"  - {r}" for r in ctx.reasons]
    lines.append("notes:")
    lines += [f"  - {n}" for n in result.notes]
    return "\n".join(lines)
