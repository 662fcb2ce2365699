"""``siting catalog``: list the power equipment and reference facts the models use, with units and sources."""

from __future__ import annotations

import argparse

from siting.commands._common import add_json, print_json


def register(sub) -> None:
    from models.catalog import CATALOG_KINDS

    p = sub.add_parser(
        "catalog",
        help="list gas turbines, engines and fuel cells (or derates, costs, permits, grid, datacenter facts)",
        description=(
            "List a catalog the power models read: prime movers with ISO capacity [MW], LHV heat rate [Btu/kWh], "
            "minimum load, start time, forced-outage rate, NOx and lead time; or the derate curves, ATB costs, "
            "air-permit thresholds, grid queue statistics and datacenter facts. Every row cites its source; "
            "class-typical values that fill reference gaps are marked."
        ),
    )
    p.add_argument("--kind", choices=CATALOG_KINDS, default="prime_movers", help="which catalog (default prime_movers)")
    add_json(p)
    p.set_defaults(func=run)


def _fmt(text: str, width: int) -> str:
    if text in ("", None):
        return " " * (width - 1) + "-"
    try:
        value = float(text)
    except ValueError:
        return text[:width].ljust(width)
    return f"{value:>{width},.{0 if abs(value) >= 100 else 3 if abs(value) < 1 else 1}f}"


def run(args: argparse.Namespace) -> int:
    from models.catalog import PRIME_MOVER_UNITS, catalog_table

    rows = catalog_table(args.kind)
    if args.json:
        print_json(rows)
        return 0
    if args.kind == "prime_movers":
        cols = list(PRIME_MOVER_UNITS)
        short = ("ISO capacity", "heat rate", "min load", "start", "forced outage", "NOx no SCR", "NOx SCR",
                 "NOx engine", "lead time")
        print(f"{'name':26s} {'class':22s} " + " ".join(f"{h:>14s}" for h in short))
        print(f"{'':26s} {'':22s} " + " ".join(f"{'[' + PRIME_MOVER_UNITS[c] + ']':>14s}" for c in cols))
        for r in rows:
            mark = "*" if r["class_typical_fields"] else " "
            print(f"{r['name'][:25] + mark:26s} {r['unit_class'][:22]:22s} " + " ".join(_fmt(r[c], 14) for c in cols))
        print("* some values are class-typical (reference gaps); `--json` lists which fields and every source")
        return 0
    keys = [k for k in rows[0] if k not in ("source", "source_url", "notes", "derivation_or_notes")]
    print(" | ".join(keys))
    for r in rows:
        print(" | ".join(str(r[k]) for k in keys))
    print(f"{len(rows)} rows; sources in `--json`")
    return 0
