"""``siting report``: a self-contained HTML (and PDF) site report for one location."""

from __future__ import annotations

import argparse
from pathlib import Path

from siting.commands._common import (
    add_json, add_layers, add_scenario, check_out_file, locked_output, print_json, sample_layers_hint,
    scenario_from_args,
)


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="site report for one location: score, power design, dispatch, emissions, water, sources",
        description=(
            "Score one location against a layer set, design its power (N+k gas fleet sized for the hottest hour, "
            "renewables-plus-gas and grid options, hourly dispatch, reliability, emissions and permit path, time "
            "to first power, delivered cost) and its water budget with benchmarks, and write one self-contained "
            "HTML report that opens without network (and its PDF with --pdf)."
        ),
    )
    p.add_argument("--lat", type=float, required=True, help="site latitude [deg, WGS84]")
    p.add_argument("--lon", type=float, required=True, help="site longitude [deg, WGS84]")
    p.add_argument("--it-mw", dest="scn_it_load_mw", type=float, default=None, metavar="MW",
                   help="critical IT load [MW] (same as --it-load-mw)")
    p.add_argument("--name", default=None, help="site name shown in the report")
    p.add_argument("--profile", default="speed_to_power", help="scoring profile name or TOML file")
    p.add_argument("--deal", type=Path, default=None,
                   help="a deal TOML file to evaluate as it is and show instead of the site's own deal")
    p.add_argument("--deal-terms", default=None, metavar="FILE|NAME",
                   help="terms (contract, financing, tax, risk ranges) of the site's own deal: a deal TOML file or a "
                        "shipped example name (`siting deal --list-examples`); default btm_gas_1gw_tolling")
    p.add_argument("--deal-option", choices=("gas_only", "renewables_plus_gas"), default=None,
                   help="the on-site design the site's deal finances (default: the recommended one when on site)")
    p.add_argument("--draws", type=int, default=None, metavar="N",
                   help="Monte Carlo draws of the site's deal (default the terms'; 0 skips)")
    p.add_argument("--no-deal", action="store_true", help="leave the deal out of the report")
    p.add_argument("--out", type=Path, required=True, help="output HTML file")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing report (HTML, PDF and the scenario TOML written next to it)")
    p.add_argument("--pdf", action="store_true", help="also write the PDF next to the HTML (needs chromium)")
    add_layers(p)
    add_json(p)
    add_scenario(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gis_data.outputs import write_text_atomic
    from siting.errors import ConfigError
    from siting.profiles import load_profile
    from siting.site_report import build_site_report, write_site_report

    out = Path(args.out).expanduser()
    scenario_path = out.with_name(out.stem + "_scenario.toml")
    pdf_path = out.with_suffix(".pdf")
    check_out_file(out, (".html", ".htm"), args.overwrite, also=(scenario_path, *((pdf_path,) if args.pdf else ())))
    scenario = scenario_from_args(args)
    load_profile(args.profile)  # read (and refused when bad) before any work
    hint = sample_layers_hint(args.layers, lat=args.lat, lon=args.lon)
    if hint:
        raise ConfigError(f"--lat {args.lat} --lon {args.lon}: {hint}")
    if args.no_deal and (args.deal is not None or args.deal_terms is not None):
        raise ConfigError("--no-deal leaves the deal out; drop --deal/--deal-terms, or drop --no-deal")
    if args.deal is not None and (args.deal_terms is not None or args.deal_option is not None):
        raise ConfigError("--deal FILE shows that deal as it is; --deal-terms and --deal-option shape the site's own "
                          "deal instead: give one or the other")
    if args.draws is not None and args.draws < 0:
        raise ConfigError(f"--draws {args.draws}: expected 0 or more")
    deal = None
    if args.deal is not None:
        from siting.deal import load_deal

        deal = load_deal(args.deal)
    with locked_output(out, also=(scenario_path, pdf_path)):
        if deal is not None:
            from siting.deal import evaluate_deal

            deal = evaluate_deal(deal, monte_carlo_draws=args.draws).to_dict()
        report = build_site_report(args.lat, args.lon, scenario, layers=args.layers, name=args.name,
                                   profile=args.profile, deal=deal, with_deal=not args.no_deal,
                                   deal_terms=args.deal_terms, deal_option=args.deal_option, deal_draws=args.draws)
        view = report.view()
        path = write_site_report(view, out, pdf=args.pdf, overwrite=args.overwrite)
        write_text_atomic(scenario_path, scenario.to_toml())
    summary = view["summary"]
    result = {"report_html": str(path), "report_pdf": str(pdf_path) if args.pdf else None,
              "summary": summary, "scenario_toml": str(scenario_path)}
    if args.json:
        print_json({**result, **report.to_dict()})
    else:
        s = summary
        print(("SYNTHETIC SAMPLE REGION - not real infrastructure\n" if report.synthetic else "")
              + f"report: {path}\nscore {s['score_total']:.2f}, first power in {s['time_to_first_power_months']:.0f} "
              f"months, {s['delivered_cost_usd_per_mwh']:.1f} USD/MWh ({s['cost_dollar_year']} dollars), "
              f"{s['water_consumption_gal_per_yr']:,.0f} gal/yr of cooling water"
              + (f"\nverdict: {view['memo']['verdict']}" if view.get("memo") else ""))
    return 0
