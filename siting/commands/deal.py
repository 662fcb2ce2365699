"""``siting deal``: evaluate an IPP deal from a TOML file or a shipped example."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
from pathlib import Path

from gis_data.outputs import atomic_path, write_text_atomic
from siting.commands._common import (
    add_json, add_layers, add_out, add_scenario, locked_output, prepare_out, print_json, scenario_from_args,
    to_jsonable,
)
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
    p.add_argument("deal_file", nargs="?", type=Path, metavar="DEAL.toml",
                   help="deal file (see --example); with --lat/--lon, its terms are the template for the site's plant")
    p.add_argument("--example", metavar="NAME", help="run a shipped example deal instead of a file")
    p.add_argument("--lat", type=float, help="a site's latitude [deg]: the deal's plant is the site's own power design")
    p.add_argument("--lon", type=float, help="a site's longitude [deg]")
    p.add_argument("--it-mw", dest="scn_it_load_mw", type=float, metavar="MW", help="critical IT load [MW] (same as --it-load-mw)")
    p.add_argument("--option", choices=("gas_only", "renewables_plus_gas"), default=None,
                   help="which on-site option of the site's design (default: the recommended one when on site)")
    p.add_argument("--list-examples", action="store_true", help="list the shipped example deals and exit")
    p.add_argument("--draws", type=int, default=None, metavar="N", help="Monte Carlo draws (overrides the file; 0 skips)")
    add_out(p, help="output folder for CSV, XLSX and JSON tables")
    add_layers(p)
    add_json(p)
    add_scenario(p)
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
    if args.draws is not None and args.draws < 0:
        raise ConfigError(f"--draws {args.draws}: expected 0 or more")
    if (args.lat is None) != (args.lon is None):
        raise ConfigError("give --lat and --lon together (degrees, WGS84)")
    if args.lat is not None:
        if args.deal_file is not None and args.example is not None:
            raise ConfigError("siting deal --lat/--lon: give at most one template, a DEAL.toml file or --example NAME")
        deal = deal_for_site(args)
    else:
        if (args.deal_file is None) == (args.example is None):
            raise ConfigError("siting deal: give a DEAL.toml file or --example NAME (not both), or a site with "
                              "--lat/--lon; --list-examples lists the examples")
        deal = D.load_deal(args.deal_file) if args.deal_file is not None else D.load_example(args.example)
    result = D.evaluate_deal(deal, monte_carlo_draws=args.draws)
    if args.out is not None:
        folder = prepare_out(args.out, args.overwrite)
        with locked_output(folder):
            write_outputs(result, folder)
    if args.json:
        print_json(result.to_dict())
    elif args.out is None or not args.quiet:
        print(format_text(result))
    return 0


def deal_for_site(args: argparse.Namespace):
    """The deal whose plant is the site's own power design (:meth:`siting.site.LocatedSite.plant_spec`)."""
    from siting import deal as D
    from siting.site import design_at

    scenario = scenario_from_args(args)
    template = None
    if args.deal_file is not None:
        template = D.load_deal(args.deal_file)
    elif args.example is not None:
        template = D.load_example(args.example)
    located = design_at(args.lat, args.lon, scenario, layers=args.layers)
    spec = located.plant_spec(args.option)
    log.info("deal: the plant of %s", spec.name)
    deal = D.deal_from_plant(spec, template, it_load_mw=scenario.it_load_mw, start_year=scenario.analysis_year)
    # the grid alternative waits for the site's own large-load connection (the design's grid option)
    wait = located.design.power.option("grid_with_backup").months_to_first_power
    return dataclasses.replace(deal, datacenter=dataclasses.replace(deal.datacenter, grid_wait_months=float(wait)))


def write_outputs(result, folder: Path) -> list[Path]:
    """Write the deal's tables (CSV, one XLSX workbook) and its JSON section into ``folder``."""
    folder = Path(folder)
    paths = []
    section = result.to_dict()
    write_text_atomic(folder / "deal_section.json", json.dumps(to_jsonable(section), indent=2))
    write_text_atomic(folder / "deal_inputs.json", json.dumps(to_jsonable(dataclasses.asdict(result.deal)), indent=2))
    paths += [folder / "deal_section.json", folder / "deal_inputs.json"]
    tables = {
        "cash_flows": result.cash_flows, "tornado": result.tornado,
        "scenarios": result.scenarios, "monte_carlo": result.monte_carlo,
    }
    for name, frame in tables.items():
        with atomic_path(folder / f"{name}.csv") as tmp:
            frame.to_csv(tmp, index=False)
        paths.append(folder / f"{name}.csv")
    write_workbook(result, folder / "deal.xlsx")
    paths.append(folder / "deal.xlsx")
    return paths


# ---------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------
#: Excel number formats by the unit a column name ends with.
_FORMATS = (
    ("_frac", "0.00%"), ("_pct", "0.00"), ("_usd_per_mwh", "#,##0.00"), ("_usd_per_kw_month", "#,##0.00"),
    ("_usd_per_mmbtu", "#,##0.00"), ("_usd_per_kw", "#,##0"), ("_usd_per_kw_yr", "#,##0.00"),
    ("_usd_per_month", "#,##0"), ("_usd_per_yr", "#,##0"), ("_usd", "#,##0"), ("_mwh", "#,##0"), ("_mw", "#,##0.0"),
    ("_months", "0.0"), ("_yr", "0"), ("_year", "0"), ("dscr", "0.00"), ("_btu_per_kwh", "#,##0"), ("_mmbtu", "#,##0"),
)

#: Sheets of deal.xlsx, in order.
SHEETS = ("summary", "inputs", "construction", "cash_flows", "tornado", "scenarios", "monte_carlo",
          "mc_assumptions", "mc_explanation", "notes")


def _number_format(name: str) -> str:
    n = name.lower()
    for suffix, fmt in _FORMATS:
        if n.endswith(suffix):
            return fmt
    return "#,##0.00####"


def _cell_value(v):
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (list, tuple, np.ndarray)):
        return ", ".join(f"{x:.4g}" if isinstance(x, float) else str(x) for x in list(v))
    return v


def _style_header(ws, n_cols: int, *, freeze: str = "A2") -> None:
    from openpyxl.styles import Alignment, Font

    for c in ws[1][:n_cols]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = freeze


def _widths(ws, widths: dict[str, float] | None = None, *, default: float = 14.0, first: float = 34.0) -> None:
    from openpyxl.utils import get_column_letter

    for i in range(1, ws.max_column + 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = (widths or {}).get(letter, first if i == 1 else default)


def _write_frame(ws, frame, *, freeze: str = "B2") -> None:
    """A table with typed cells, number formats by column unit, a frozen header and first column."""
    cols = list(frame.columns)
    ws.append(cols)
    for row in frame.itertuples(index=False):
        ws.append([_cell_value(v) for v in row])
    for j, name in enumerate(cols, start=1):
        fmt = _number_format(str(name))
        for i in range(2, ws.max_row + 1):
            cell = ws.cell(row=i, column=j)
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = fmt
    _style_header(ws, len(cols), freeze=freeze)
    _widths(ws, default=16.0, first=30.0)


def _key_value_sheet(ws, items: list[tuple[str, object, str]]) -> None:
    ws.append(["item", "value", "unit or note"])
    for key, value, unit in items:
        ws.append([key, _cell_value(value), unit])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(cell.value, (int, float)):
            cell.number_format = _number_format(key)
    _style_header(ws, 3, freeze="B2")
    _widths(ws, {"A": 44.0, "B": 22.0, "C": 90.0})


def _unit_of(name: str) -> str:
    for suffix, unit in (("_frac", "fraction (shown as %)"), ("_usd_per_mwh", "USD/MWh"), ("_usd_per_month", "USD/month"),
                         ("_usd_per_kw", "USD/kW"), ("_usd_per_mmbtu", "USD/MMBtu"), ("_usd", "USD"),
                         ("_months", "months"), ("_yr", "yr"), ("_mw", "MW")):
        if name.endswith(suffix):
            return unit
    return ""


def write_workbook(result, path: Path) -> Path:
    """Write ``deal.xlsx``: typed, formatted tables and a cash-flow sheet of live formulas.

    The ``inputs`` sheet holds the deal's drivers (capacity, capacity factor, heat rate,
    fuel price, capex, O&M, contract price, escalators, financing and tax terms); the
    ``construction`` sheet draws the capex month by month and capitalises interest; the
    ``cash_flows`` sheet computes every year from those cells with Excel formulas (energy,
    fuel, O&M, revenue, EBITDA, depreciation, tax, debt, reserve, equity and project cash
    flows) and its metrics block gives project and equity IRR and NPV, so changing a price
    on ``inputs`` recalculates the deal. Depreciation fractions (IRS tables) are values.
    """
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    from siting import deal as D

    deal, m = result.deal, result.metrics
    wb = openpyxl.Workbook()
    wb.remove(wb.active)

    # -- summary --------------------------------------------------------------------------
    ws = wb.create_sheet("summary")
    items = [(k, v, _unit_of(k)) for k, v in m.items()]
    items += [(f"construction: {k}", v, _unit_of(k)) for k, v in result.construction.items()]
    items += [(f"grid alternative: {k}", v, _unit_of(k)) for k, v in result.grid_alternative.items()]
    _key_value_sheet(ws, items)

    # -- inputs ---------------------------------------------------------------------------
    wi = wb.create_sheet("inputs")
    p, e, c, fi, tax, f = deal.plant, deal.economics, deal.contract, deal.financing, deal.tax, deal.fuel
    _, itc = D.depreciation_and_itc(deal)
    rows = [
        ("capacity_mw", p.capacity_mw, "MW", "Net capacity sold under the contract"),
        ("capacity_factor_frac", p.capacity_factor_frac, "-", "Energy over capacity x 8760 h during the term"),
        ("degradation_frac_per_yr", p.degradation_frac_per_yr, "-/yr", "Output loss per year"),
        ("heat_rate_hhv_btu_per_kwh", p.heat_rate_hhv_btu_per_kwh, "Btu/kWh", "Average heat rate, HHV"),
        ("fuel_price_usd_per_mmbtu", m["first_year_fuel_price_usd_per_mmbtu"], "USD/MMBtu",
         f"Delivered {f.fuel_type.replace('_', ' ')} price in operating year 1, HHV"),
        ("fuel_escalation_frac_per_yr", f.escalation_frac_per_yr, "-/yr", "Yearly escalation of the fuel price"),
        ("capex_usd_per_kw", p.capex_usd_per_kw, "USD/kW", f"Overnight capex, USD of {e.dollar_year}"),
        ("fixed_om_usd_per_yr", sum(x.fixed_om_usd_per_kw_yr * x.capacity_mw * 1000.0 for x in p.components),
         "USD/yr", f"Fixed O&M, USD of {e.dollar_year}"),
        ("variable_om_usd_per_mwh", p.variable_om_usd_per_mwh, "USD/MWh", f"Variable O&M, USD of {e.dollar_year}"),
        ("major_maintenance_usd_per_kw", p.major_maintenance_usd_per_kw, "USD/kW", "One overhaul"),
        ("major_maintenance_interval_yr", p.major_maintenance_interval_yr, "yr", "Years between overhauls (0: none)"),
        ("dollar_year", e.dollar_year, "yr", "Dollar year of cost inputs"),
        ("first_power_year", e.first_power_year, "yr", "First operating year (year 0 is the year before)"),
        ("inflation_frac", e.inflation_frac, "-/yr", "Cost inflation"),
        ("delay_months", e.delay_months, "months", "Delay after construction; the balance carries at the construction rate"),
        ("analysis_years", e.analysis_years, "yr", "Operating years analysed"),
        ("discount_rate_frac", e.discount_rate_frac, "-", "Discount rate for NPV"),
        ("contract_term_yr", c.term_yr, "yr", f"{c.type} term"),
        ("contract_price", m["contract_price"], c.price_unit,
         "Contract price in year 1" + (" (solved for the target equity IRR)" if math.isfinite(m["solved_contract_price"]) else "")),
        ("contract_escalator_frac_per_yr", c.escalator_frac_per_yr, "-/yr", "Yearly escalation of contract prices"),
        ("energy_payment_usd_per_mwh", c.energy_payment_usd_per_mwh, "USD/MWh", "Tolling energy payment in year 1"),
        ("fuel_pass_through", int(c.fuel_pass_through and c.type == "tolling"), "1/0", "Tolling: offtaker pays the fuel"),
        ("liquidated_damages_frac", D.liquidated_damages_frac(deal), "-", "Capacity payment lost to the availability shortfall"),
        ("merchant_price_usd_per_mwh", c.merchant_price_usd_per_mwh, "USD/MWh", f"After the term, USD of {e.dollar_year}"),
        ("merchant_capacity_factor_frac", c.merchant_capacity_factor_frac, "-", "After the term"),
        ("interest_rate_frac", fi.interest_rate_frac, "-", "Term loan rate"),
        ("tenor_yr", fi.tenor_yr, "yr", "Loan tenor"),
        ("debt_frac", fi.debt_frac if fi.debt_frac is not None else 0.0, "-", "Debt share of uses (level debt)"),
        ("dscr_target", fi.dscr_target if fi.dscr_target is not None else 0.0, "-", "Target DSCR (sculpted debt)"),
        ("max_debt_frac", fi.max_debt_frac if fi.max_debt_frac is not None else 1.0, "-", "Cap on sculpted debt"),
        ("debt_fee_frac", fi.fee_frac, "-", "Lender fee, share of debt"),
        ("dsra_months", fi.dsra_months, "months", "Debt-service reserve, months of next year's service"),
        ("construction_interest_rate_frac", result.construction["construction_interest_rate_frac"], "-",
         "Construction-loan rate"),
        ("construction_fee_frac", fi.construction_fee_frac, "-", "Construction-loan fee, share of capex"),
        ("federal_tax_frac", tax.federal_frac, "-", "Federal income tax"),
        ("state_tax_frac", tax.state_frac, "-", "State income tax (deductible federally)"),
        ("itc_frac", itc, "-", "Investment tax credit, share of capital cost (basis reduced by half)"),
        ("ptc_usd_per_mwh", tax.ptc_usd_per_mwh, "USD/MWh", "Production tax credit"),
        ("ptc_energy_share_frac", tax.ptc_energy_share_frac, "-", "Share of energy earning the PTC"),
        ("ptc_years", tax.ptc_years, "yr", "Years the PTC is paid"),
    ]
    wi.append(["input", "value", "unit", "description"])
    ref = {}
    for i, (name, value, unit, desc) in enumerate(rows, start=2):
        wi.append([name, _cell_value(value), unit, desc])
        wi.cell(row=i, column=2).number_format = _number_format(name)
        wi.cell(row=i, column=2).fill = PatternFill("solid", fgColor="FFF2CC")
        ref[name] = f"inputs!$B${i}"
    _style_header(wi, 4, freeze="B2")
    _widths(wi, {"A": 34.0, "B": 16.0, "C": 14.0, "D": 70.0})

    # -- construction ---------------------------------------------------------------------
    wc = wb.create_sheet("construction")
    months = result.construction["construction_months"]
    shares = list(deal.timing["draws_frac"]) if months else [1.0]
    wc.append(["month", "draw_frac", "escalation_factor", "draw_usd", "interest_to_cod_usd"])
    n_m = len(shares)
    ytp = f"MAX({ref['first_power_year']}-{ref['dollar_year']},0)"
    for k, share in enumerate(shares, start=1):
        r = k + 1
        exponent = f"({ytp}-1-({n_m}-A{r})/12)" if months else f"MAX({ytp}-1,0)"
        wc.append([k if months else 0, float(share), f"=(1+{ref['inflation_frac']})^{exponent}",
                   f"={ref['capex_usd_per_kw']}*{ref['capacity_mw']}*1000*B{r}*C{r}",
                   f"=D{r}*((1+{ref['construction_interest_rate_frac']})^(({n_m}-A{r})/12)-1)" if months else "=0"])
        wc.cell(row=r, column=2).number_format = "0.00%"
        wc.cell(row=r, column=3).number_format = "0.0000"
        wc.cell(row=r, column=4).number_format = "#,##0"
        wc.cell(row=r, column=5).number_format = "#,##0"
    last = n_m + 1
    totals = [
        ("capex_usd", f"=SUM(D2:D{last})"),
        ("interest_during_construction_usd", f"=SUM(E2:E{last})"),
        ("construction_fee_usd", f"={ref['construction_fee_frac']}*G2"),
    ]
    cref = {}
    for i, (name, formula) in enumerate(totals, start=2):
        wc.cell(row=i, column=6, value=name)
        wc.cell(row=i, column=7, value=formula).number_format = "#,##0"
        cref[name] = f"construction!$G${i}"
    wc.cell(row=5, column=6, value="delay_carrying_usd")
    wc.cell(row=5, column=7, value=f"=(G2+G3+G4)*((1+{ref['construction_interest_rate_frac']})^({ref['delay_months']}/12)-1)"
            ).number_format = "#,##0"
    wc.cell(row=6, column=6, value="capital_cost_usd")
    wc.cell(row=6, column=7, value="=G2+G3+G4+G5").number_format = "#,##0"
    cref["capital_cost_usd"] = "construction!$G$6"
    wc.cell(row=1, column=6, value="total")
    wc.cell(row=1, column=7, value="value")
    _style_header(wc, 7, freeze="A2")
    _widths(wc, {"A": 10.0, "B": 12.0, "C": 18.0, "D": 18.0, "E": 20.0, "F": 34.0, "G": 20.0})

    # -- cash flows (formulas) ------------------------------------------------------------
    _cash_flow_sheet(wb.create_sheet("cash_flows"), result, ref, cref)

    # -- other tables ---------------------------------------------------------------------
    _write_frame(wb.create_sheet("tornado"), _tornado_columns(result.tornado))
    _write_frame(wb.create_sheet("scenarios"), result.scenarios)
    _write_frame(wb.create_sheet("monte_carlo"), result.monte_carlo)
    _write_frame(wb.create_sheet("mc_assumptions"), result.monte_carlo_assumptions)
    _write_frame(wb.create_sheet("mc_explanation"), result.monte_carlo_explanation)
    wn = wb.create_sheet("notes")
    wn.append(["note"])
    for note in result.notes:
        wn.append([note])
    wn["A1"].font = Font(bold=True)
    wn.freeze_panes = "A2"
    wn.column_dimensions["A"].width = 160.0
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def _tornado_columns(frame):
    """The tornado with the centred columns first: driver, base, low, high, then each metric's change from the base."""
    if frame.empty:
        return frame
    first = ["driver", "base", "low", "high", "equity_irr_frac_base", "equity_irr_frac_delta_at_low",
             "equity_irr_frac_delta_at_high", "equity_irr_swing_frac"]
    rest = [c for c in frame.columns if c not in first and c != "source"]
    return frame[[c for c in first if c in frame.columns] + rest + ["source"]]


#: Columns of the formula cash-flow sheet, in order.
CASH_FLOW_COLUMNS = (
    "operating_year", "calendar_year", "energy_mwh", "fuel_price_usd_per_mmbtu", "fuel_usd", "cost_escalation_factor",
    "om_usd", "major_maintenance_usd", "contract_revenue_usd", "revenue_usd", "offtaker_payment_usd", "opex_usd",
    "ebitda_usd", "depreciation_frac", "depreciation_usd", "tax_credit_usd", "project_state_tax_usd",
    "project_federal_tax_usd", "project_cash_flow_usd", "debt_service_usd", "opening_balance_usd", "interest_usd",
    "principal_usd", "closing_balance_usd", "reserve_balance_usd", "reserve_flow_usd", "debt_fee_amortisation_usd",
    "taxable_income_usd", "state_tax_usd", "federal_tax_usd", "equity_cash_flow_usd", "dscr", "sculpted_service_usd",
    "contract_energy_mwh",
)


def _cash_flow_sheet(ws, result, ref: dict[str, str], cref: dict[str, str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from siting import deal as D

    deal = result.deal
    n = deal.economics.analysis_years
    col = {name: get_column_letter(i) for i, name in enumerate(CASH_FLOW_COLUMNS, start=1)}
    ws.append(list(CASH_FLOW_COLUMNS))
    first, last = 3, n + 2  # operating years 1..N; row 2 is year 0
    dep, _ = D.depreciation_and_itc(deal)
    curve = deal.fuel.curve_usd_per_mmbtu
    fuel_prices = result.cash_flows["fuel_price_usd_per_mmbtu"].to_numpy()
    R = ref
    cap = cref["capital_cost_usd"]
    sculpted = deal.financing.dscr_target is not None
    # Scalars of the metrics block (column AL/AM), referenced by the rows.
    mcol, vcol = get_column_letter(len(CASH_FLOW_COLUMNS) + 2), get_column_letter(len(CASH_FLOW_COLUMNS) + 3)
    scal = {}
    scal_rows = ["debt_usd", "debt_fee_usd", "dsra_usd", "payment_or_scale", "unscaled_debt_usd",
                 "project_irr_frac", "project_npv_usd", "equity_irr_frac", "equity_npv_usd",
                 "delivered_cost_usd_per_mwh"]
    for i, name in enumerate(scal_rows, start=2):
        scal[name] = f"${vcol}${i}"

    def c(name, r):
        return f"{col[name]}{r}"

    year0 = 2
    for r in range(year0, last + 1):
        y = r - year0
        A = c("operating_year", r)
        row = {name: None for name in CASH_FLOW_COLUMNS}
        row["operating_year"] = y
        row["calendar_year"] = f"={R['first_power_year']}-1+{A}"
        if y == 0:
            row["project_cash_flow_usd"] = f"=-{cap}"
            row["reserve_balance_usd"] = f"={R['dsra_months']}/12*{c('debt_service_usd', first)}"
            row["equity_cash_flow_usd"] = f"=-({cap}+{scal['debt_fee_usd']}+{scal['dsra_usd']}-{scal['debt_usd']})"
            row["closing_balance_usd"] = f"={scal['debt_usd']}"
        else:
            cap_mw, term = R["capacity_mw"], R["contract_term_yr"]
            row["energy_mwh"] = (f"=IF({A}<={term},{cap_mw}*8760*{R['capacity_factor_frac']},"
                                 f"{cap_mw}*8760*{R['merchant_capacity_factor_frac']})*(1-{R['degradation_frac_per_yr']})^({A}-1)")
            row["fuel_price_usd_per_mmbtu"] = (float(fuel_prices[y]) if curve else
                                               f"={R['fuel_price_usd_per_mmbtu']}*(1+{R['fuel_escalation_frac_per_yr']})^({A}-1)")
            row["fuel_usd"] = f"={c('energy_mwh', r)}*{R['heat_rate_hhv_btu_per_kwh']}/1000*{c('fuel_price_usd_per_mmbtu', r)}"
            row["cost_escalation_factor"] = (f"=(1+{R['inflation_frac']})^(MAX({R['first_power_year']}-{R['dollar_year']},0)"
                                             f"+{R['delay_months']}/12+{A}-1)")
            esc = c("cost_escalation_factor", r)
            row["om_usd"] = f"=({R['fixed_om_usd_per_yr']}+{R['variable_om_usd_per_mwh']}*{c('energy_mwh', r)})*{esc}"
            row["major_maintenance_usd"] = (
                f"=IF(AND({R['major_maintenance_interval_yr']}>0,{A}<{R['analysis_years']}),"
                f"IF(MOD({A},MAX({R['major_maintenance_interval_yr']},1))=0,"
                f"{R['major_maintenance_usd_per_kw']}*{cap_mw}*1000*{esc},0),0)")
            cesc = f"(1+{R['contract_escalator_frac_per_yr']})^({A}-1)"
            if deal.contract.type == "ppa":
                row["contract_revenue_usd"] = f"={R['contract_price']}*{cesc}*{c('energy_mwh', r)}"
            else:
                row["contract_revenue_usd"] = (
                    f"={R['contract_price']}*{cesc}*{cap_mw}*1000*12*(1-{R['liquidated_damages_frac']})"
                    f"+{R['energy_payment_usd_per_mwh']}*{cesc}*{c('energy_mwh', r)}"
                    f"+{R['fuel_pass_through']}*{c('fuel_usd', r)}")
            row["revenue_usd"] = (f"=IF({A}<={term},{c('contract_revenue_usd', r)},"
                                  f"{R['merchant_price_usd_per_mwh']}*{esc}*{c('energy_mwh', r)})")
            row["offtaker_payment_usd"] = f"=IF({A}<={term},{c('contract_revenue_usd', r)},0)"
            row["contract_energy_mwh"] = f"=IF({A}<={term},{c('energy_mwh', r)},0)"
            row["opex_usd"] = f"={c('fuel_usd', r)}+{c('om_usd', r)}+{c('major_maintenance_usd', r)}"
            row["ebitda_usd"] = f"={c('revenue_usd', r)}-{c('opex_usd', r)}"
            row["depreciation_frac"] = float(dep[y - 1])
            row["depreciation_usd"] = f"={c('depreciation_frac', r)}*{cap}*(1-0.5*{R['itc_frac']})"
            row["tax_credit_usd"] = (f"=IF({A}=1,{R['itc_frac']}*{cap},0)"
                                     f"+IF({A}<={R['ptc_years']},{R['ptc_usd_per_mwh']}*{R['ptc_energy_share_frac']}*{c('energy_mwh', r)},0)")
            row["project_state_tax_usd"] = f"={R['state_tax_frac']}*({c('ebitda_usd', r)}-{c('depreciation_usd', r)})"
            row["project_federal_tax_usd"] = (f"={R['federal_tax_frac']}*({c('ebitda_usd', r)}-{c('depreciation_usd', r)}"
                                              f"-{c('project_state_tax_usd', r)})")
            row["project_cash_flow_usd"] = (f"={c('ebitda_usd', r)}-{c('project_state_tax_usd', r)}"
                                            f"-{c('project_federal_tax_usd', r)}+{c('tax_credit_usd', r)}")
            row["sculpted_service_usd"] = (f"=IF({A}<={R['tenor_yr']},MAX({c('ebitda_usd', r)},0)/{R['dscr_target']},0)"
                                           if sculpted else 0.0)
            if sculpted:
                row["debt_service_usd"] = f"={c('sculpted_service_usd', r)}*{scal['payment_or_scale']}"
            else:
                row["debt_service_usd"] = f"=IF({A}<={R['tenor_yr']},{scal['payment_or_scale']},0)"
            row["opening_balance_usd"] = f"={c('closing_balance_usd', r - 1)}"
            row["interest_usd"] = f"={c('opening_balance_usd', r)}*{R['interest_rate_frac']}"
            row["principal_usd"] = f"=IF({A}<={R['tenor_yr']},{c('debt_service_usd', r)}-{c('interest_usd', r)},0)"
            row["closing_balance_usd"] = f"={c('opening_balance_usd', r)}-{c('principal_usd', r)}"
            row["reserve_balance_usd"] = (f"={R['dsra_months']}/12*{c('debt_service_usd', r + 1)}" if r < last else 0.0)
            row["reserve_flow_usd"] = f"={c('reserve_balance_usd', r - 1)}-{c('reserve_balance_usd', r)}"
            row["debt_fee_amortisation_usd"] = f"=IF({A}<={R['tenor_yr']},{scal['debt_fee_usd']}/{R['tenor_yr']},0)"
            row["taxable_income_usd"] = (f"={c('ebitda_usd', r)}-{c('interest_usd', r)}-{c('depreciation_usd', r)}"
                                         f"-{c('debt_fee_amortisation_usd', r)}")
            row["state_tax_usd"] = f"={R['state_tax_frac']}*{c('taxable_income_usd', r)}"
            row["federal_tax_usd"] = f"={R['federal_tax_frac']}*({c('taxable_income_usd', r)}-{c('state_tax_usd', r)})"
            row["equity_cash_flow_usd"] = (f"={c('ebitda_usd', r)}-{c('debt_service_usd', r)}-{c('state_tax_usd', r)}"
                                           f"-{c('federal_tax_usd', r)}+{c('tax_credit_usd', r)}+{c('reserve_flow_usd', r)}")
            row["dscr"] = f"=IF({c('debt_service_usd', r)}>0,{c('ebitda_usd', r)}/{c('debt_service_usd', r)},0)"
        for j, name in enumerate(CASH_FLOW_COLUMNS, start=1):
            value = row[name]
            cell = ws.cell(row=r, column=j, value=value if value is not None else 0.0)
            cell.number_format = "0.0000" if name == "depreciation_frac" else _number_format(name) \
                if name not in ("cost_escalation_factor",) else "0.0000"
    # Metrics block: debt sizing and results.
    rng = lambda name: f"{col[name]}{first}:{col[name]}{last}"  # noqa: E731
    disc = R["discount_rate_frac"]
    if sculpted:
        k = f"{R['dsra_months']}/12*{col['sculpted_service_usd']}{first}/{scal['unscaled_debt_usd']}"
        limit = f"{R['max_debt_frac']}*{cap}/(1-{R['max_debt_frac']}*({R['debt_fee_frac']}+{k}))"
        debt_rows = {
            "unscaled_debt_usd": f"=NPV({R['interest_rate_frac']},{rng('sculpted_service_usd')})",
            "payment_or_scale": f"=IF({scal['unscaled_debt_usd']}>{limit},{limit}/{scal['unscaled_debt_usd']},1)",
            "debt_usd": f"={scal['unscaled_debt_usd']}*{scal['payment_or_scale']}",
        }
        scale_label = "sculpted_debt_scale (gearing cap)"
    else:
        k = f"{R['dsra_months']}/12*PMT({R['interest_rate_frac']},{R['tenor_yr']},-1)"
        debt_rows = {
            "unscaled_debt_usd": f"={R['debt_frac']}*{cap}/(1-{R['debt_frac']}*({R['debt_fee_frac']}+{k}))",
            "debt_usd": f"={scal['unscaled_debt_usd']}",
            "payment_or_scale": f"=PMT({R['interest_rate_frac']},{R['tenor_yr']},-{scal['debt_usd']})",
        }
        scale_label = "level_debt_payment_usd"
    formulas_ = {
        **debt_rows,
        "debt_fee_usd": f"={R['debt_fee_frac']}*{scal['debt_usd']}",
        "dsra_usd": f"={col['reserve_balance_usd']}{year0}",
        "project_irr_frac": f"=IRR({col['project_cash_flow_usd']}{year0}:{col['project_cash_flow_usd']}{last})",
        "project_npv_usd": f"=NPV({disc},{rng('project_cash_flow_usd')})+{col['project_cash_flow_usd']}{year0}",
        "equity_irr_frac": f"=IRR({col['equity_cash_flow_usd']}{year0}:{col['equity_cash_flow_usd']}{last})",
        "equity_npv_usd": f"=NPV({disc},{rng('equity_cash_flow_usd')})+{col['equity_cash_flow_usd']}{year0}",
        "delivered_cost_usd_per_mwh": f"=NPV({disc},{rng('offtaker_payment_usd')})/NPV({disc},{rng('contract_energy_mwh')})",
    }
    ws[f"{mcol}1"], ws[f"{vcol}1"] = "metric", "value"
    for i, name in enumerate(scal_rows, start=2):
        ws[f"{mcol}{i}"] = scale_label if name == "payment_or_scale" else name
        cell = ws[f"{vcol}{i}"]
        cell.value = formulas_[name]
        cell.number_format = "0.0000" if name == "payment_or_scale" and sculpted else _number_format(name)
        ws[f"{mcol}{i}"].font = Font(bold=True)
    _style_header(ws, len(CASH_FLOW_COLUMNS) + 3, freeze="B2")
    _widths(ws, {mcol: 34.0, vcol: 18.0}, default=16.0, first=10.0)


def _money(v: float) -> str:
    if v is None or not math.isfinite(v):
        return "n/a"
    return f"{v / 1e9:,.2f} BUSD" if abs(v) >= 1e9 else f"{v / 1e6:,.1f} MUSD"


def _pct(v: float) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{100 * v:.1f} %"


def _points(v: float) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{100 * v:+.1f} pts"


def _bar(lo: float, hi: float, scale: float, width: int = 12) -> str:
    """A text bar centred on the base ('|'): falls to the left, rises to the right, at either end of the range."""
    vals = [v for v in (lo, hi) if v is not None and math.isfinite(v)]
    neg, pos = min([0.0, *vals]), max([0.0, *vals])
    n = lambda v: min(width, round(abs(v) / scale * width)) if scale > 0 else 0  # noqa: E731
    return ("#" * n(neg)).rjust(width) + "|" + ("#" * n(pos)).ljust(width)


def format_text(result) -> str:
    """Plain-text summary of a :class:`siting.deal.DealResult`."""
    m, g, d, k = result.metrics, result.grid_alternative, result.deal, result.construction
    saved = g["months_saved_vs_grid"]
    if saved is None or not math.isfinite(saved):
        time_line = (f"  grid wait {g['grid_wait_months']:.0f} months; the plant's months to first power are unknown, "
                     "so the time saved is not valued")
    else:
        verb = "saves" if saved >= 0 else "loses"
        time_line = (f"  plant first power in {g['behind_the_meter_months_to_first_power']:.0f} months vs a "
                     f"{g['grid_wait_months']:.0f}-month grid wait: {verb} {abs(saved):.0f} months x "
                     f"{_money(g['datacenter_delay_cost_usd_per_month'])}/month of idle datacenter = "
                     f"{_money(g['value_of_time_saved_usd'])} value of time")
    lines = [
        f"{d.name}",
        f"  {d.plant.capacity_mw:,.0f} MW, {d.contract.type} for {d.contract.term_yr} yr; capex "
        f"{_money(m['capex_usd'])} drawn over {k['construction_months']} months ({m['capex_usd_per_kw']:,.0f} USD/kW "
        f"overnight, {d.economics.dollar_year}$) + interest during construction {_money(m['interest_during_construction_usd'])}"
        f"; installed cost with fee and reserve {_money(m['installed_cost_usd'])}",
        f"  contract price {m['contract_price']:,.2f} {d.contract.price_unit}"
        + (" (solved)" if math.isfinite(m["solved_contract_price"]) else ""),
        f"  equity IRR {_pct(m['equity_irr_frac'])}, project IRR {_pct(m['project_irr_frac'])}, equity NPV "
        f"{_money(m['equity_npv_usd'])} at {_pct(d.economics.discount_rate_frac)}",
        f"  LCOE {m['lcoe_usd_per_mwh']:,.1f} USD/MWh; DSCR min {m['min_dscr']:.2f} avg {m['avg_dscr']:.2f}; "
        f"debt {_money(m['debt_usd'])}, equity {_money(m['equity_usd'])}; payback year {m['payback_yr']:.0f}",
        f"  delivered to the datacenter {m['delivered_cost_usd_per_mwh']:,.1f} USD/MWh vs grid "
        f"{g['grid_levelised_usd_per_mwh']:,.1f} USD/MWh levelised ({g['grid_price_usd_per_mwh']:,.1f} USD/MWh "
        f"{g['grid_price_dollar_year']}$ all-in, of which delivery charges {g['grid_delivery_charges_usd_per_mwh']:,.1f})",
        time_line,
    ]
    if len(result.tornado):
        t = result.tornado
        base = t["equity_irr_frac_base"].iloc[0]
        scale = max(float(abs(t[["equity_irr_frac_delta_at_low", "equity_irr_frac_delta_at_high"]]).max().max()), 1e-12)
        lines.append(f"tornado: equity IRR change from the base {_pct(base)} at each driver's low and high, "
                     "largest swing first:")
        for _, r in t.iterrows():
            lo, hi = r["equity_irr_frac_delta_at_low"], r["equity_irr_frac_delta_at_high"]
            lines.append(f"  {r['driver']:26s} {r['low']:>10,.4g} .. {r['high']:<10,.4g} {_bar(lo, hi, scale)}  "
                         f"low {_points(lo)}, high {_points(hi)}")
        if "delivered_cost_at_target_irr_usd_per_mwh_delta_at_low" in t:
            lines.append("  delivered USD/MWh at the target IRR, low / high: " + "; ".join(
                f"{r['driver']} {r['delivered_cost_at_target_irr_usd_per_mwh_at_low']:,.1f} / "
                f"{r['delivered_cost_at_target_irr_usd_per_mwh_at_high']:,.1f}"
                for _, r in t.iterrows() if math.isfinite(r["delivered_cost_at_target_irr_usd_per_mwh_at_low"])))
    if len(result.monte_carlo):
        a = result.monte_carlo_assumptions
        lines.append(f"Monte Carlo ({int(a['draws'].iloc[0])} draws, seed {int(a['seed'].iloc[0])}; each driver "
                     "triangular from its low to its high with the base as mode, drawn independently - no correlation):")
        for _, r in result.monte_carlo.iterrows():
            fmt = _pct if r["metric"].endswith("_frac") else _money if r["metric"].endswith("_usd") else (
                lambda v: f"{v:,.2f}")
            lines.append(f"  {r['metric']:42s} base {fmt(r['base'])}  P10 {fmt(r['p10'])} / P50 {fmt(r['p50'])} / "
                         f"P90 {fmt(r['p90'])}")
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)
