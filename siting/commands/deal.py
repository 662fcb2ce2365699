"""``siting deal``: evaluate an IPP deal from a TOML file or a shipped example."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
from pathlib import Path

from siting.commands._common import add_json, add_out, prepare_out, print_json, to_jsonable
from siting.errors import ConfigError

log = logging.getLogger(__name__)

#: Files written by ``--out``.
OUTPUT_FILES = (
    "deal_section.json", "deal_inputs.json", "cash_flows.csv", "tornado.csv", "scenarios.csv", "monte_carlo.csv",
    "deal.xlsx",
)


def register(sub) -> None:
    p = sub.add_parser(
        "deal",
        help="IPP deal evaluation: cash flows, IRR, NPV, LCOE, solved contract price, DSCR, sensitivities",
        description=(
            "Evaluate a behind-the-meter power deal (PPA or tolling) from a TOML file: annual cash flows, project "
            "and equity IRR, NPV, LCOE, the contract price solved for a target equity IRR, DSCR, payback, the "
            "delivered cost to the datacenter against its grid alternative, a tornado, scenarios and a Monte "
            "Carlo range. --out DIR writes CSV and XLSX tables and the JSON deal section a report renders."
        ),
    )
    p.add_argument("deal_file", nargs="?", type=Path, metavar="DEAL.toml", help="deal file (see --example)")
    p.add_argument("--example", metavar="NAME", help="run a shipped example deal instead of a file")
    p.add_argument("--list-examples", action="store_true", help="list the shipped example deals and exit")
    p.add_argument("--draws", type=int, default=None, metavar="N", help="Monte Carlo draws (overrides the file; 0 skips)")
    add_out(p, help="output folder for CSV, XLSX and JSON tables")
    add_json(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from siting import deal as D

    if args.list_examples:
        examples = D.list_examples()
        if args.json:
            print_json(examples)
        else:
            print("\n".join(f"{name:32s} {title}" for name, title in examples.items()))
        return 0
    if (args.deal_file is None) == (args.example is None):
        raise ConfigError("siting deal: give a DEAL.toml file or --example NAME (not both); --list-examples lists them")
    if args.draws is not None and args.draws < 0:
        raise ConfigError(f"--draws {args.draws}: expected 0 or more")
    deal = D.load_deal(args.deal_file) if args.deal_file is not None else D.load_example(args.example)
    result = D.evaluate_deal(deal, monte_carlo_draws=args.draws)
    if args.out is not None:
        write_outputs(result, prepare_out(args.out, args.overwrite))
    if args.json:
        print_json(result.to_dict())
    elif args.out is None or not args.quiet:
        print(format_text(result))
    return 0


def write_outputs(result, folder: Path) -> list[Path]:
    """Write the deal's tables (CSV, one XLSX workbook) and its JSON section into ``folder``."""
    import pandas as pd

    folder = Path(folder)
    paths = []
    section = result.to_dict()
    (folder / "deal_section.json").write_text(json.dumps(to_jsonable(section), indent=2), encoding="utf-8")
    (folder / "deal_inputs.json").write_text(
        json.dumps(to_jsonable(dataclasses.asdict(result.deal)), indent=2), encoding="utf-8"
    )
    paths += [folder / "deal_section.json", folder / "deal_inputs.json"]
    tables = {
        "cash_flows": result.cash_flows, "tornado": result.tornado,
        "scenarios": result.scenarios, "monte_carlo": result.monte_carlo,
    }
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
        paths.append(folder / f"{name}.csv")
    summary = pd.DataFrame(
        [{"item": k, "value": v} for k, v in {**result.metrics, **result.grid_alternative}.items()]
    )
    summary["value"] = summary["value"].astype(str)
    with pd.ExcelWriter(folder / "deal.xlsx", engine="openpyxl") as xl:
        summary.to_excel(xl, sheet_name="summary", index=False)
        for name, frame in tables.items():
            frame.to_excel(xl, sheet_name=name, index=False)
    paths.append(folder / "deal.xlsx")
    return paths


def _money(v: float) -> str:
    if v is None or not math.isfinite(v):
        return "n/a"
    return f"{v / 1e9:,.2f} BUSD" if abs(v) >= 1e9 else f"{v / 1e6:,.1f} MUSD"


def _pct(v: float) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{100 * v:.1f} %"


def format_text(result) -> str:
    """Plain-text summary of a :class:`siting.deal.DealResult`."""
    m, g, d = result.metrics, result.grid_alternative, result.deal
    lines = [
        f"{d.name}",
        f"  {d.plant.capacity_mw:,.0f} MW, {d.contract.type} for {d.contract.term_yr} yr; installed cost "
        f"{_money(m['installed_cost_usd'])} ({m['capex_usd_per_kw']:,.0f} USD/kW overnight, {d.economics.dollar_year}$)",
        f"  contract price {m['contract_price']:,.2f} {d.contract.price_unit}"
        + (" (solved)" if math.isfinite(m["solved_contract_price"]) else ""),
        f"  equity IRR {_pct(m['equity_irr_frac'])}, project IRR {_pct(m['project_irr_frac'])}, equity NPV "
        f"{_money(m['equity_npv_usd'])} at {_pct(d.economics.discount_rate_frac)}",
        f"  LCOE {m['lcoe_usd_per_mwh']:,.1f} USD/MWh; DSCR min {m['min_dscr']:.2f} avg {m['avg_dscr']:.2f}; "
        f"debt {_money(m['debt_usd'])}, equity {_money(m['equity_usd'])}; payback year {m['payback_yr']:.0f}",
        f"  delivered to the datacenter {m['delivered_cost_usd_per_mwh']:,.1f} USD/MWh vs grid "
        f"{g['grid_energy_price_usd_per_mwh']:,.1f} USD/MWh ({g['grid_energy_price_basis']})",
        f"  grid wait {g['grid_wait_months']:.0f} months at {_money(g['datacenter_delay_cost_usd_per_month'])}/month "
        f"of idle datacenter: {_money(g['value_of_time_saved_usd'])} of time saved",
    ]
    if len(result.tornado):
        solved = "delivered_cost_at_target_irr_usd_per_mwh_at_low" in result.tornado
        lines.append("tornado (equity IRR at low / high" + (
            "; delivered USD/MWh at the target IRR, low / high):" if solved else "):"))
        for _, r in result.tornado.iterrows():
            line = (f"  {r['driver']:26s} {r['low']:>10,.3g} .. {r['high']:<10,.3g} "
                    f"{_pct(r['equity_irr_frac_at_low']):>8s} / {_pct(r['equity_irr_frac_at_high']):<8s}")
            if solved:
                lo = r["delivered_cost_at_target_irr_usd_per_mwh_at_low"]
                hi = r["delivered_cost_at_target_irr_usd_per_mwh_at_high"]
                line += "" if not (math.isfinite(lo) and math.isfinite(hi)) else f"  {lo:7,.1f} / {hi:<7,.1f}"
            lines.append(line)
    if len(result.monte_carlo):
        lines.append("Monte Carlo (P10 / P50 / P90):")
        for _, r in result.monte_carlo.iterrows():
            fmt = _pct if r["metric"].endswith("_frac") else (lambda v: f"{v:,.3g}")
            lines.append(f"  {r['metric']:28s} {fmt(r['p10'])} / {fmt(r['p50'])} / {fmt(r['p90'])}")
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)
