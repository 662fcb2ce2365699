"""Site report: one self-contained HTML file (and optionally its PDF) from a plain dict.

The orchestrator (``siting/site_report.py``) computes; this module only lays out. It
takes one dict, documented below, and writes an HTML page with inline CSS and inline SVG
charts drawn with matplotlib (:mod:`maps.charts`; no script, no network), then, when
asked, prints it to PDF with headless Chromium (``--print-to-pdf``).

The page reads as an investment memo: page 1 is an executive summary (the verdict and
why, the score with its sub-scores, the delivered cost with its cost stack, the months to
first power with the time-to-power chain, the water in everyday terms, the three risks
that would kill the site, the deal headline); then power, emissions, water, the site map
and the deal, with human labels (:mod:`maps.labels`) and numbers formatted for people;
the raw site values, data sources and assumptions go to the appendix.

The report dict
---------------
Every key is optional except ``title`` and ``site``. A section whose key is absent or
``None`` renders "<section>: not computed in this run" (the deal section is omitted
instead). Values are plain Python/numpy scalars, lists and dicts; NaN/None show as
"n/a". Units are in the key names (project convention) and are shown with them.

``title`` : str
    Report title.
``synthetic`` : bool
    True when any layer is the synthetic sample: a red banner says so.
``generated_utc`` : str
    ISO-8601 time of the run.
``site`` : dict
    ``name`` (str), ``latitude_deg`` and ``longitude_deg`` [deg, WGS84], optional
    ``site_id``, ``state_abbr``, ``county_name``, ``it_load_mw`` [MW], ``altitude_m`` [m].
``summary`` : dict
    Headline figures: ``score_total`` [-] 0-1, ``rank`` [-] and ``n_sites`` [-],
    ``time_to_first_power_months`` [months], ``delivered_cost_usd_per_mwh`` [USD/MWh] with
    ``cost_dollar_year`` (int), ``water_consumption_gal_per_yr`` [gal/yr],
    ``in_n_out_equivalents`` [-], ``verdict`` (str, one sentence).
``memo`` : dict, optional
    The executive summary: ``verdict`` (str), ``level`` (int, 3 fails a screen ... 0 clear),
    ``risks`` (up to three dicts: ``topic``, ``level``, ``grade``, ``headline``, ``detail``),
    ``rule`` (how risks are graded), ``score`` (``total``, ``rank``, ``n_sites``,
    ``profile``, ``excluded`` (bool), ``exclusion_reason``, ``explanation``, ``subscores``:
    rows ``name`` (``score_grid`` ...), ``value`` [-] 0-1 or None, ``weight_frac`` [-]),
    ``analysis_year`` (notice-to-proceed year), ``grid_price_usd_per_mwh``, ``deal_note``.
``site_columns`` : dict
    The site's row of the scored table (column -> value); shown in the appendix with the
    labels and units given to :func:`render_report_html` (unknown columns as given).
``map`` : dict
    ``layers``: role -> GeoDataFrame (EPSG:4326) drawn around the site (roles of
    :data:`maps.charts.MAP_STYLES`); ``radius_km`` [km] half-width of the view (default 25);
    ``interactive_html`` (str, optional): a page from :func:`maps.sitemap.render_map`,
    embedded on screen in a sandboxed ``iframe``.
``power`` : dict
    ``options``: one row dict per power design (units in the keys: ``design``,
    ``months_to_first_power``, ``lcoe_usd_per_mwh``, the ``cost_*_usd_per_mwh`` stack ...);
    ``option_details``: the same rows with every field (energy by source ``*_mwh_per_yr``,
    ``first_power_year``, ``qualifies`` ...); ``chosen`` and ``recommended`` (design names);
    ``cost_dollar_year``; ``fleet``: list of row dicts (``unit``, ``count``,
    ``iso_capacity_mw``, ``hot_day_capacity_mw`` ...); ``hot_day``: dict
    (``temp_air_degc``, ``derate_frac``, ``facility_peak_load_mw`` ...); ``dispatch`` and
    ``dispatch_renewables``: week name -> ``{"time": [ISO-8601 hour], "series_mw": {source:
    [MW]}, "load_mw": [MW]}`` (``hour`` instead of ``time`` is accepted); ``availability``:
    rows ``redundancy_units``, ``units_count``, ``availability_frac``,
    ``hours_short_per_yr``; ``reliability_target_frac``, ``redundancy_units``;
    ``chains``: design -> ``{"months_to_first_power", "critical_path", "steps": [{"step",
    "months", "start_month", "end_month", "note", "source", "source_url"}]}``;
    ``reliability`` (dict) and ``notes`` (list of str).
``emissions`` : dict
    ``facts``: dict (e.g. ``co2_tonnes_per_yr``, ``nox_tons_per_yr_with_scr``,
    ``nonattainment_status``, ``air_permit_path``); ``permit_path``: list of str; ``notes``.
``water`` : dict
    The output of ``siting.water_budget.SiteWater.chart_data()``: ``budget`` (rows scope,
    metric, gal_per_yr, peak_day_gal_per_day), ``monthly`` (rows month, consumption_gal,
    withdrawal_gal, pue), ``benchmarks`` (rows key, per_unit, count, site_metric, ...),
    ``headline``, ``context`` (dict), ``units``; plus optional ``cooling`` (dict),
    ``cooling_design``, ``county_name`` and ``notes`` (list of str).
``deal`` : dict
    The output of ``siting.deal.DealResult.to_dict()`` (name, description, contract_type,
    contract_price_unit, capacity_mw, metrics, construction, grid_alternative, cash_flows,
    tornado, scenarios, monte_carlo, monte_carlo_assumptions, monte_carlo_explanation,
    notes), plus optional ``draws`` (``{"equity_irr_frac": [...]}``, the Monte Carlo draws
    for the distribution chart) and ``about`` (str). Omitted when absent.
``sources`` : list of dict
    One per layer: ``role``, ``name``, ``vintage``, ``license``, ``attribution``,
    ``url``, ``synthetic`` (the ``SourceMeta`` fields of ``gis_data.canonical``).
``scenario`` : list of dict
    One row per scenario field: ``name``, ``value``, ``unit``, ``description``
    (``siting.scenario.field_table()`` with the run's values).
``notes`` : list of str
    Caveats of the whole run.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup, escape

from maps import assets, charts
from maps.labels import (NO_LABELS, Labels, big, human_label, humanize, lat_lon, money, month_name, number, percent,
                         show)
from maps.sitemap import SYNTHETIC_BANNER
from models.errors import ConfigError, DataError, MissingDataError

log = logging.getLogger(__name__)

#: Sections that render "not computed in this run" when absent, in page order.
SECTIONS = ("summary", "map", "power", "emissions", "water", "sources", "scenario")
NOT_COMPUTED = "not computed in this run"

#: Chromium flags for printing: no network services, no first-run work, no sandbox
#: (containers and CI run as root).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)

#: Rows of the "Designs compared" table: (field of a power option, unit shown; "" = from the name).
OPTION_ROWS = (
    ("months_to_first_power", "months"), ("first_power_year", ""), ("lcoe_usd_per_mwh", ""), ("capex_usd", ""),
    ("annual_cost_usd_per_yr", ""), ("gas_units_count", "units"), ("pv_capacity_mw_dc", ""),
    ("wind_capacity_mw", ""), ("battery_capacity_mw", ""), ("battery_energy_mwh", ""), ("gas_share_frac", ""),
    ("renewable_fraction_frac", ""), ("grid_share_frac", ""), ("gas_peak_mmcf_per_day", ""),
    ("co2_tonnes_per_yr", ""), ("nox_tons_per_yr_with_scr", ""), ("air_permit_path", ""),
    ("power_water_consumption_gal_per_yr", ""), ("qualifies", ""),
)
#: The cost stack of a power option, bottom to top (they sum to its delivered cost).
COST_STACK = ("cost_capital_om_usd_per_mwh", "cost_fuel_usd_per_mwh", "cost_variable_om_usd_per_mwh",
              "cost_gas_lateral_usd_per_mwh", "cost_grid_connection_usd_per_mwh", "cost_land_usd_per_mwh",
              "cost_grid_energy_usd_per_mwh")
#: Energy by source of a power option: (field, label).
ENERGY_SOURCES = (("gas_mwh_per_yr", "Gas"), ("pv_mwh_per_yr", "Solar PV"), ("wind_mwh_per_yr", "Wind"),
                  ("grid_mwh_per_yr", "Grid"), ("unserved_mwh_per_yr", "Unserved"))
#: Benchmarks the summary names, in order of preference.
HEADLINE_BENCHMARKS = ("household_family_of_four", "in_n_out_restaurant", "town_of_10000")


# ---------------------------------------------------------------------------------------
# value formatting


def _isnum(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _ok(v: Any) -> bool:
    return _isnum(v) and math.isfinite(float(v))


def fmt(v: Any) -> str:
    """Display text of a value: numbers with thousands separators and 3-4 significant digits, never e-notation."""
    if v is None:
        return "n/a"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if _isnum(v):
        x = float(v)
        if not math.isfinite(x):
            return "n/a"
        if isinstance(v, (int, np.integer)):
            return f"{int(v):,}"
        a = abs(x)
        if a >= 1000:
            return f"{x:,.0f}"
        if a >= 100:
            return f"{x:,.1f}"
        return number(x, 3)
    if isinstance(v, (list, tuple)):
        return ", ".join(fmt(x) for x in v)
    return str(v)


def kv_table(d: Mapping[str, Any] | None, units: Mapping[str, str] | None = None) -> Markup:
    """Two-column table of a dict (human label, value for people), escaped."""
    if not d:
        return Markup("")
    rows = "".join(f"<tr><th>{escape(human_label(k))}</th><td>{escape(show(k, v, (units or {}).get(k)))}</td></tr>"
                   for k, v in d.items()
                   if not isinstance(v, (dict, list)) or isinstance(v, (list, tuple)) and len(v) <= 6)
    return Markup(f'<table class="kv">{rows}</table>')


def grid_table(rows: Sequence[Mapping[str, Any]] | None, columns: Sequence[str] | None = None, *,
               headers: Mapping[str, str] | None = None, raw: bool = False) -> Markup:
    """Table of row dicts (header from the keys, first-seen order), escaped.

    ``headers`` renames columns; ``raw`` keeps the keys and values as given (the appendix).
    """
    if not rows:
        return Markup("")
    cols = list(columns) if columns else list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{escape((headers or {}).get(c, c if raw else human_label(c)))}</th>" for c in cols)
    body = []
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            cls = ' class="num"' if _isnum(v) else ""
            cells.append(f"<td{cls}>{escape(fmt(v) if raw else show(c, v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(f'<div class="scroll-x"><table class="grid-table"><thead><tr>{head}</tr></thead>'
                  f'<tbody>{"".join(body)}</tbody></table></div>')


def notes_list(notes: Sequence[str] | None, *, raw: bool = False) -> Markup:
    if not notes:
        return Markup("")
    return Markup('<ul class="notes">' + "".join(f"<li>{escape(n if raw else humanize(n))}</li>" for n in notes)
                  + "</ul>")


def _design(name: Any) -> str:
    return human_label(str(name)) if name else "n/a"


def _months(v: Any) -> str:
    return f"{number(v)} months" if _ok(v) else "n/a"


# ---------------------------------------------------------------------------------------
# page 1: the executive summary


def _tile(label: str, value: str | None, note: str | None = None, *, cls: str = "") -> dict:
    missing = value is None
    return {"label": label, "value": NOT_COMPUTED if missing else value, "note": note, "missing": missing, "cls": cls}


def _benchmark(water: Mapping[str, Any] | None, key: str) -> Mapping[str, Any] | None:
    for r in (water or {}).get("benchmarks") or (water or {}).get("headline") or []:
        if r.get("key") == key and _ok(r.get("count")):
            return r
    return None


def _everyday_water(water: Mapping[str, Any] | None, gal_per_yr: Any) -> str | None:
    """The site's water in everyday terms: the first headline benchmarks that were computed."""
    if not _ok(gal_per_yr):
        return None
    parts = []
    for key in HEADLINE_BENCHMARKS:
        b = _benchmark(water, key)
        if b is not None:
            parts.append(f"≈ {big(b['count'])} × {b.get('per_unit', human_label(key))} ({b.get('site_metric', '')} "
                         "basis)")
    return "; ".join(parts[:2]) if parts else None


def _summary_tiles(report: Mapping[str, Any]) -> list[dict]:
    s = dict(report.get("summary") or {})
    memo = dict(report.get("memo") or {})
    score = dict(memo.get("score") or {})
    power = dict(report.get("power") or {})
    water = report.get("water") or {}
    deal = report.get("deal")
    year = s.get("cost_dollar_year")
    total = s.get("score_total")
    rank, n = s.get("rank"), s.get("n_sites")
    score_note = ("excluded: " + humanize(score["exclusion_reason"])) if score.get("excluded") and score.get(
        "exclusion_reason") else (f"rank {fmt(rank)} of {fmt(n)}" if _ok(rank) and _ok(n) else None)
    tiles = [_tile(f"Score (0–1, {human_label(score['profile']).lower()})" if score.get("profile") else "Score (0–1)",
                   f"{float(total):.2f}" if _ok(total) else None, score_note)]
    chosen = power.get("chosen")
    opt = next((o for o in power.get("option_details") or power.get("options") or [] if o.get("design") == chosen), {})
    cost = s.get("delivered_cost_usd_per_mwh")
    cost_note = ", ".join(x for x in (
        _design(chosen) if chosen else "", f"{year} dollars" if year else "",
        f"capital {money(opt['capex_usd'])}" if _ok(opt.get("capex_usd")) else "") if x)
    tiles.append(_tile("Delivered cost of power", f"{money(cost)}/MWh" if _ok(cost) else None, cost_note or None))
    months = s.get("time_to_first_power_months")
    fp_year = opt.get("first_power_year")
    grid = next((o.get("months_to_first_power") for o in power.get("options") or []
                 if o.get("design") == "grid_with_backup"), None)
    t_note = ", ".join(x for x in (f"first power in {int(fp_year)}" if _ok(fp_year) else "",
                                   f"grid connection {number(grid)} months" if _ok(grid) and chosen != "grid_with_backup"
                                   else "") if x)
    tiles.append(_tile("Time to first power", _months(months) if _ok(months) else None, t_note or None))
    gal = s.get("water_consumption_gal_per_yr")
    ctx = (water or {}).get("context") or {}
    share = ctx.get("share_of_county_pct")
    w_note = _everyday_water(water, gal)
    if _ok(share):
        w_note = (w_note + "; " if w_note else "") + f"{number(share)}% of the county's withdrawals"
    tiles.append(_tile("Cooling water consumed", f"{big(gal)} gal/yr" if _ok(gal) else None, w_note))
    if deal:
        m = deal.get("metrics") or {}
        g = deal.get("grid_alternative") or {}
        irr = m.get("equity_irr_frac")
        price = m.get("solved_contract_price") if _ok(m.get("solved_contract_price")) else m.get("contract_price")
        unit = str(deal.get("contract_price_unit") or "")
        note = ", ".join(x for x in (
            f"{deal.get('contract_type', '')} at {money(price)}/{unit[4:]}" if _ok(price) and unit.startswith("USD/")
            else "",
            f"delivered {money(m.get('delivered_cost_usd_per_mwh'))}/MWh vs grid {money(g.get('grid_levelised_usd_per_mwh'))}"
            "/MWh (nominal)" if _ok(m.get("delivered_cost_usd_per_mwh")) and _ok(g.get("grid_levelised_usd_per_mwh"))
            else "") if x)
        tiles.append(_tile("Deal: sponsor's equity IRR", percent(irr) if _ok(irr) else None, note or None))
    return tiles


def _score_chart(memo: Mapping[str, Any]) -> Markup | None:
    score = memo.get("score") or {}
    subs = score.get("subscores") or []
    if not subs and score.get("total") is None:
        return None
    items = [(human_label(r["name"]), r.get("value"),
              f"weight {percent(r['weight_frac'], 0)}" if _ok(r.get("weight_frac")) else "") for r in subs]
    note = "excluded" if score.get("excluded") else (f"rank {fmt(score['rank'])} of {fmt(score['n_sites'])}"
                                                     if _ok(score.get("rank")) and _ok(score.get("n_sites")) else "")
    return charts.score_chart(items, score.get("total"), title="Score and sub-scores", total_note=note,
                              width_in=charts.HALF_IN)


def _cost_stack(power: Mapping[str, Any], *, width_in: float = charts.HALF_IN) -> Markup | None:
    opts = power.get("options") or []
    if not opts or not all(k in opts[0] for k in COST_STACK):
        return None
    year = power.get("cost_dollar_year")
    parts = {human_label(k): [o.get(k) for o in opts] for k in COST_STACK}
    totals = [f"{money(o.get('lcoe_usd_per_mwh'))}" for o in opts]
    rec = power.get("recommended")
    return charts.stacked_bars([_design(o["design"]) for o in opts], parts, title="Delivered cost by design",
                               xlabel=f"USD per MWh ({year} dollars)" if year else "USD per MWh", totals_text=totals,
                               highlight=_design(rec) if rec else None, money=True, width_in=width_in)


def _chain_rows(chain: Mapping[str, Any]) -> list[dict]:
    crit = set(chain.get("critical_path") or [])
    return [{"label": human_label(s["step"]), "start": s.get("start_month", math.nan), "end": s.get("end_month", math.nan),
             "critical": s["step"] in crit} for s in chain.get("steps") or []]


def _time_chart(power: Mapping[str, Any]) -> Markup | None:
    chains = power.get("chains") or {}
    chosen = power.get("chosen")
    chain = chains.get(chosen)
    if not chain:
        return None
    markers = []
    if chosen != "grid_with_backup" and "grid_with_backup" in chains:
        markers.append((float(chains["grid_with_backup"]["months_to_first_power"]), "grid power"))
    return charts.gantt(_chain_rows(chain), title=f"Months to first power ({_design(chosen).lower()})",
                        xlabel="months from notice to proceed (critical path in blue)", markers=markers,
                        width_in=charts.HALF_IN)


def _water_headline_chart(water: Mapping[str, Any] | None) -> Markup | None:
    rows = [r for r in (water or {}).get("headline") or [] if _ok(r.get("count")) and r["count"] > 0]
    if not rows:
        return None
    return charts.benchmark_chart([str(r.get("per_unit", human_label(str(r.get("key"))))) for r in rows],
                                  [r["count"] for r in rows], title="The cooling water in everyday terms",
                                  count_text=[big(r["count"]) for r in rows],
                                  groups=[f"vs the site's {r.get('site_metric', '')}" for r in rows],
                                  width_in=charts.HALF_IN)


def _risks(memo: Mapping[str, Any]) -> list[dict]:
    return [{"grade": r.get("grade", ""), "level": int(r.get("level", 0)), "headline": humanize(r.get("headline", "")),
             "detail": humanize(r.get("detail", ""))} for r in memo.get("risks") or []]


def _why(report: Mapping[str, Any]) -> str | None:
    memo = report.get("memo") or {}
    risks = [r for r in memo.get("risks") or [] if int(r.get("level", 0)) >= 2]
    if risks:
        return "; ".join(humanize(r["headline"]) for r in risks[:2]) + "."
    verdict = (report.get("summary") or {}).get("verdict")
    return humanize(verdict) if verdict else None


def _deal_headline(deal: Mapping[str, Any] | None, about: str | None) -> str | None:
    if not deal:
        return humanize(about) if about else None
    m = deal.get("metrics") or {}
    g = deal.get("grid_alternative") or {}
    unit = str(deal.get("contract_price_unit") or "")
    price = m.get("solved_contract_price") if _ok(m.get("solved_contract_price")) else m.get("contract_price")
    bits = []
    if _ok(m.get("equity_irr_frac")) and _ok(price):
        bits.append(f"a {deal.get('contract_type', 'contract')} price of {money(price)}/{unit[4:] or unit} gives the "
                    f"sponsor a {percent(m['equity_irr_frac'])} equity IRR (project IRR {percent(m.get('project_irr_frac'))}, "
                    f"minimum DSCR {number(m.get('min_dscr'))})")
    if _ok(m.get("installed_cost_usd")):
        bits.append(f"installed cost {money(m['installed_cost_usd'])}")
    if _ok(m.get("delivered_cost_usd_per_mwh")) and _ok(g.get("grid_levelised_usd_per_mwh")):
        bits.append(f"the datacenter pays {money(m['delivered_cost_usd_per_mwh'])}/MWh against "
                    f"{money(g['grid_levelised_usd_per_mwh'])}/MWh from the grid (nominal, levelised)")
    saved = g.get("months_saved_vs_grid")
    if _ok(saved):
        value = g.get("value_of_time_saved_usd")
        if saved > 0:
            bits.append(f"first power {number(saved)} months before the grid, worth {money(value)} to the datacenter")
        elif saved < 0:
            bits.append(f"first power {number(-saved)} months after the grid would arrive, a cost of {money(-value)} "
                        "to the datacenter" if _ok(value) else f"first power {number(-saved)} months after the grid")
        else:
            bits.append("first power at the same time as the grid")
    return ("Deal: " + "; ".join(bits) + ".") if bits else None


# ---------------------------------------------------------------------------------------
# power


def _option_table(power: Mapping[str, Any]) -> dict | None:
    opts = power.get("option_details") or power.get("options") or []
    if not opts:
        return None
    chosen, rec = power.get("chosen"), power.get("recommended")
    heads = []
    for o in opts:
        tags = [t for t, on in (("shown", o["design"] == chosen), ("recommended", o["design"] == rec)) if on]
        heads.append({"label": _design(o["design"]), "tags": ", ".join(tags)})
    rows = []
    for field, unit in OPTION_ROWS:
        vals = [o.get(field) for o in opts]
        if all(v is None for v in vals):
            continue
        tiny = 5e-4 if field.endswith("_frac") else 0.5  # shows as zero
        if all(_isnum(v) and (not math.isfinite(float(v)) or abs(float(v)) < tiny) for v in vals) and field not in (
                "months_to_first_power", "lcoe_usd_per_mwh"):
            continue  # a row of zeros says nothing (no wind in any design ...)
        label = human_label(field)
        if field == "lcoe_usd_per_mwh" and power.get("cost_dollar_year"):
            label += f" ({power['cost_dollar_year']} dollars)"
        cells = [show(field, v, unit or None) if unit != "units" else fmt(v) for v in vals]
        rows.append({"label": label, "cells": cells})
    return {"heads": heads, "rows": rows}


def _energy_chart(power: Mapping[str, Any]) -> Markup | None:
    opts = power.get("option_details") or []
    if not opts or "gas_mwh_per_yr" not in opts[0]:
        return None
    parts = {label: [(o.get(f) or 0.0) / 1e3 for o in opts] for f, label in ENERGY_SOURCES}
    totals = [f"{number(sum((o.get(f) or 0.0) for f, _ in ENERGY_SOURCES) / 1e3)} GWh" for o in opts]
    return charts.stacked_bars([_design(o["design"]) for o in opts], parts, title="Energy by source, per design",
                               xlabel="GWh per year", totals_text=totals, colors=charts.SOURCE_COLORS,
                               width_in=charts.HALF_IN, legend_cols=4)


def _availability_chart(power: Mapping[str, Any]) -> Markup | None:
    rows = power.get("availability") or []
    if not rows:
        return None
    k_design = power.get("redundancy_units")
    target = power.get("reliability_target_frac")
    hours = 8760.0
    labels = [f"N+{r['redundancy_units']}\n{r['units_count']} units" for r in rows]
    chosen = next((i for i, r in enumerate(rows) if r["redundancy_units"] == k_design), None)
    return charts.availability_chart(
        labels, [r["hours_short_per_yr"] for r in rows], title="Availability with k spare units",
        value_text=[percent(r["availability_frac"]) for r in rows],
        target_hours=(1.0 - float(target)) * hours if _ok(target) and target < 1 else None,
        target_text=f"target {percent(target)}" if _ok(target) else "", chosen=chosen, width_in=charts.HALF_IN)


def _dispatch_charts(weeks: Mapping[str, Any] | None) -> list[Markup]:
    out = []
    for i, (week, d) in enumerate((weeks or {}).items()):
        series = d.get("series_mw") or {}
        if "time" in d:
            times = d["time"]
        else:  # hours from an arbitrary start: draw them on a typical-year week
            times = [str(np.datetime64("2021-01-01T00:00") + np.timedelta64(int(h), "h")) for h in d["hour"]]
        load = d.get("load_mw")
        if load is None:
            load = [sum(v[j] for v in series.values()) for j in range(len(times))]
        name, _, design = week.partition(" (")
        title = f"Dispatch, {name}" + (f" ({_design(design.rstrip(')')).lower()})" if design else "")
        out.append(charts.dispatch_week(times, {human_label(k) if "_" in k else k.capitalize() if k.islower() else k: v
                                                for k, v in series.items()}, load, title=title,
                                        ylabel="MW", width_in=charts.HALF_IN))
    return out


def _chains_table(power: Mapping[str, Any]) -> list[dict]:
    out = []
    for design, c in (power.get("chains") or {}).items():
        crit = [s for s in c.get("steps") or [] if s["step"] in (c.get("critical_path") or [])]
        out.append({"design": _design(design), "months": _months(c.get("months_to_first_power")),
                    "path": " → ".join(f"{human_label(s['step'])} ({number(s['months'])})" for s in crit) or "n/a"})
    return out


def _power(p: Mapping[str, Any] | None) -> dict | None:
    if not p:
        return None
    fleet = (p.get("fleet") or [{}])[0]
    hot = p.get("hot_day") or {}
    facts = []
    if fleet:
        facts += [("Gas units", f"{fmt(fleet.get('count'))} × {fleet.get('unit', '')} "
                                f"({fmt(fleet.get('running_needed'))} needed in the hottest hour)"),
                  ("Fleet at ISO conditions", show("iso_capacity_mw", fleet.get("iso_capacity_mw"))),
                  ("Firm capacity, hottest hour, spares out", show("firm_capacity_mw", fleet.get("firm_capacity_mw")))]
    if hot:
        facts += [("Hottest hour", f"{show('temp_air_degc', hot.get('temp_air_degc'))} at "
                                   f"{show('altitude_m', hot.get('altitude_m'))} elevation: output "
                                   f"{percent(hot.get('derate_frac'))} below ISO"),
                  ("Facility peak load", show("facility_peak_load_mw", hot.get("facility_peak_load_mw")))]
    rel = p.get("reliability") or {}
    if rel:
        facts.append(("Availability (N+" + fmt(rel.get("n_plus")) + ")",
                      f"{percent(rel.get('availability_frac'))} of hours, "
                      f"{percent(rel.get('binding_hour_availability_frac'))} in the hottest hour; "
                      f"{number(rel.get('unserved_energy_mwh_per_yr'))} MWh/yr expected unserved"))
        if rel.get("reason"):
            facts.append(("Why this many spares", str(rel["reason"])))
        if _ok(rel.get("forced_outage_rate_frac")):
            facts.append(("Outage rates per unit", f"forced {percent(rel.get('forced_outage_rate_frac'))}, planned "
                                                   f"{number(rel.get('planned_outage_hours_per_yr'))} hours a year"))
    return {
        "table": _option_table(p), "cost_chart": _cost_stack(p, width_in=charts.HALF_IN),
        "energy_chart": _energy_chart(p), "availability_chart": _availability_chart(p),
        "dispatch": _dispatch_charts(p.get("dispatch")), "dispatch_renewables": _dispatch_charts(p.get("dispatch_renewables")),
        "facts": facts, "chains": _chains_table(p), "notes": p.get("notes"),
        "time_lines": p.get("time_to_power") or {}, "chain_steps": [
            {"design": _design(d), "step": human_label(s["step"]), "months": number(s.get("months")),
             "note": s.get("note", ""), "source": s.get("source", ""), "url": s.get("source_url", "")}
            for d, c in (p.get("chains") or {}).items() for s in c.get("steps") or []],
    }


def _emissions(e: Mapping[str, Any] | None) -> dict | None:
    if not e:
        return None
    facts = dict(e.get("facts") or {})
    return {"facts": facts, "permit_path": [humanize(x) for x in e.get("permit_path") or []], "notes": e.get("notes")}


# ---------------------------------------------------------------------------------------
# water


def _water(w: Mapping[str, Any] | None) -> dict | None:
    if not w:
        return None
    budget_rows = []
    by = {(r.get("scope"), r.get("metric")): r for r in w.get("budget") or []}
    for scope in dict.fromkeys(r.get("scope") for r in w.get("budget") or []):
        c, d = by.get((scope, "consumption"), {}), by.get((scope, "withdrawal"), {})
        budget_rows.append({"scope": human_label(str(scope)),
                            "consumption": show("x_gal_per_yr", c.get("gal_per_yr")),
                            "withdrawal": show("x_gal_per_yr", d.get("gal_per_yr")),
                            "peak": show("x_gal_per_day", c.get("peak_day_gal_per_day")),
                            "total": scope == "total"})
    bench_chart = monthly_chart = None
    bench = [r for r in (w.get("benchmarks") or w.get("headline") or []) if _ok(r.get("count")) and r["count"] > 0]
    if bench:
        bench_chart = (charts.benchmark_chart(
            [str(r.get("per_unit", human_label(str(r.get("key"))))) for r in bench], [r["count"] for r in bench],
            title="This site's annual water equals", count_text=[big(r["count"]) for r in bench],
            groups=[f"vs the site's {r.get('site_metric', '')}" for r in bench]))
    monthly = w.get("monthly") or []
    if monthly:
        monthly_chart = (charts.grouped_bars(
            [month_name(r["month"]) for r in monthly],
            {"consumption": [r.get("consumption_gal") for r in monthly],
             "withdrawal": [r.get("withdrawal_gal") for r in monthly]},
            title="On-site cooling water by month", ylabel="million gallons", scale=1e6))
    ctx = dict(w.get("context") or {})
    facts = []
    county = w.get("county_name") or "the"
    if _ok(ctx.get("county_withdrawal_total_gal_per_day")):
        facts.append((f"{county} County withdrawals (USGS 2015)",
                      f"{big(ctx['county_withdrawal_total_gal_per_day'])} gal/day, of which public supply "
                      f"{big(ctx.get('county_public_supply_gal_per_day'))} gal/day"))
    if _ok(ctx.get("share_of_county_pct")):
        facts.append(("Site consumption as a share of them", f"{number(ctx['share_of_county_pct'])}%"))
    if _ok(ctx.get("share_of_public_supply_pct")):
        facts.append(("Site withdrawal as a share of public supply", f"{number(ctx['share_of_public_supply_pct'])}%"))
    if _ok(ctx.get("bws_score")):
        facts.append(("Baseline water stress (WRI Aqueduct)", f"{ctx.get('bws_label', '')}, {ctx['bws_score']:.1f} of 5"))
    if ctx.get("verdict"):
        facts.append(("Verdict", human_label(str(ctx["verdict"]))))
    cooling = w.get("cooling") or {}
    if cooling:
        facts.append(("Cooling", f"{human_label(str(w.get('cooling_design') or cooling.get('design', '')))}: WUE "
                                 f"{number(cooling.get('wue_consumption_l_per_kwh'))} L/kWh consumed, annual PUE "
                                 f"{number(cooling.get('pue_annual'))}"))
    return {"budget": budget_rows, "bench_chart": bench_chart, "monthly_chart": monthly_chart, "facts": facts,
            "reasons": [humanize(r) for r in ctx.get("reasons") or []], "notes": w.get("notes")}


# ---------------------------------------------------------------------------------------
# deal


def _driver_value(driver: str, value: Any, price_unit: str) -> str:
    if driver == "contract_price":
        return f"{money(value)}/{price_unit[4:]}" if price_unit.startswith("USD/") else fmt(value)
    if driver == "delay_months":
        return _months(value)
    return show(driver, value)


def _metric_fmt(metric: str, price_unit: str):
    if metric.endswith("_frac"):
        return lambda v: f"{100.0 * v:.0f}%" if abs(v) >= 0.1 else f"{100.0 * v:.1f}%"
    if metric.endswith("_usd_per_mwh"):
        return lambda v: f"${v:,.0f}"
    if metric.endswith("_usd"):
        return money
    if metric == "solved_contract_price":
        return lambda v: f"${v:,.2f}"
    return lambda v: number(v)


def _mc_explanation(d: Mapping[str, Any], metric: str) -> str | None:
    rows = [r for r in d.get("monte_carlo_explanation") or [] if r.get("metric") == metric]
    if not rows:
        return None
    f = (lambda x: f"{100 * x:+.1f} points") if metric.endswith("_frac") else (lambda x: f"{x:+,.1f}")
    lvl = (lambda x: percent(x)) if metric.endswith("_frac") else (lambda x: number(x))
    base, p50 = rows[0].get("metric_base"), rows[0].get("metric_p50")
    if not (_ok(base) and _ok(p50)):
        return None
    drivers = sorted((r for r in rows if r["driver"] not in ("all drivers at their medians",)
                      and not r["driver"].startswith("interactions") and _ok(r.get("shift_from_base"))),
                     key=lambda r: -abs(r["shift_from_base"]))[:3]
    combined = next((r for r in rows if r["driver"] == "all drivers at their medians"), {})
    rest = next((r for r in rows if r["driver"].startswith("interactions")), {})
    unit = str(d.get("contract_price_unit") or "")
    parts = [f"{human_label(r['driver'])} alone (median draw {_driver_value(r['driver'], r.get('draw_median'), unit)}, "
             f"base {_driver_value(r['driver'], r.get('base_value'), unit)}) moves it {f(r['shift_from_base'])}"
             for r in drivers]
    side = "above" if p50 > base else "below" if p50 < base else "at"
    text = (f"The median draw ({lvl(p50)}) is {f(p50 - base).lstrip('+-') if side != 'at' else ''} {side} the base "
            f"case ({lvl(base)}) because the input ranges are not centred on the base: " + "; ".join(parts))
    if _ok(combined.get("shift_from_base")):
        text += f"; all drivers at their medians give {f(combined['shift_from_base'])}"
    if _ok(rest.get("shift_from_base")):
        text += f", and {f(rest['shift_from_base'])} comes from interactions and asymmetric payoffs"
    return text + "."


def _deal(d: Mapping[str, Any] | None) -> dict | None:
    if not d:
        return None
    m = dict(d.get("metrics") or {})
    g = dict(d.get("grid_alternative") or {})
    unit = str(d.get("contract_price_unit") or "")
    price = m.get("solved_contract_price") if _ok(m.get("solved_contract_price")) else m.get("contract_price")
    irr_fmt = _metric_fmt("equity_irr_frac", unit)
    tiles = [
        _tile("Equity IRR", percent(m.get("equity_irr_frac")) if _ok(m.get("equity_irr_frac")) else None,
              f"project IRR {percent(m.get('project_irr_frac'))}"),
        _tile("Contract price", f"{money(price)}/{unit[4:]}" if _ok(price) and unit.startswith("USD/") else fmt(price),
              str(d.get("contract_type") or "") + (" (solved for the target IRR)" if _ok(m.get("solved_contract_price"))
                                                   else "")),
        _tile("Installed cost", money(m.get("installed_cost_usd")) if _ok(m.get("installed_cost_usd")) else None,
              f"debt {money(m.get('debt_usd'))}, equity {money(m.get('equity_usd'))}"),
        _tile("Delivered to the datacenter", f"{money(m.get('delivered_cost_usd_per_mwh'))}/MWh"
              if _ok(m.get("delivered_cost_usd_per_mwh")) else None,
              f"grid {money(g.get('grid_levelised_usd_per_mwh'))}/MWh (nominal, levelised)"
              if _ok(g.get("grid_levelised_usd_per_mwh")) else None),
        _tile("Minimum DSCR", number(m.get("min_dscr")) if _ok(m.get("min_dscr")) else None,
              f"payback {number(m.get('payback_yr'))} years" if _ok(m.get("payback_yr")) else None),
    ]
    tornado_chart = hist = None
    tornado = [r for r in d.get("tornado") or [] if _ok(r.get("equity_irr_frac_base"))]
    if tornado:
        base = float(tornado[0]["equity_irr_frac_base"])
        rows = [{"label": human_label(r["driver"]), "low_text": _driver_value(r["driver"], r.get("low"), unit),
                 "high_text": _driver_value(r["driver"], r.get("high"), unit),
                 "at_low": r.get("equity_irr_frac_at_low"), "at_high": r.get("equity_irr_frac_at_high")}
                for r in sorted(tornado, key=lambda r: -(r.get("equity_irr_swing_frac") or 0.0))]
        tornado_chart = charts.tornado(rows, base, title="Equity IRR with each driver at its low and high",
                                       xlabel="equity IRR (bars start at the base case)", value_fmt=irr_fmt)
    mc = {r["metric"]: r for r in d.get("monte_carlo") or []}
    draws = (d.get("draws") or {}).get("equity_irr_frac")
    irr_mc = mc.get("equity_irr_frac")
    if draws and irr_mc:
        hist = charts.histogram(draws, base=irr_mc["base"], p10=irr_mc["p10"], p50=irr_mc["p50"], p90=irr_mc["p90"],
                                title=f"Equity IRR over {fmt(irr_mc.get('draws'))} Monte Carlo draws",
                                xlabel="equity IRR", value_fmt=irr_fmt)
    mc_rows = []
    for r in d.get("monte_carlo") or []:
        f = (lambda v, k=r["metric"]: _driver_value("contract_price", v, unit) if k == "solved_contract_price"
             else show(k, v))
        mc_rows.append({"metric": human_label(r["metric"]), "base": f(r.get("base")), "p10": f(r.get("p10")),
                        "p50": f(r.get("p50")), "p90": f(r.get("p90"))})
    assumptions = [{"driver": human_label(a["driver"]), "distribution": a.get("distribution", ""),
                    "skew": a.get("skew", ""), "low": _driver_value(a["driver"], a.get("low"), unit),
                    "base": _driver_value(a["driver"], a.get("base", a.get("mode")), unit),
                    "high": _driver_value(a["driver"], a.get("high"), unit), "source": a.get("source", "")}
                   for a in d.get("monte_carlo_assumptions") or []]
    grid = []
    if g:
        grid = [("Grid price, all-in", f"{money(g.get('grid_price_usd_per_mwh'))}/MWh ({g.get('grid_price_dollar_year', '')} "
                                       "dollars)"),
                ("Grid price, levelised over the contract", f"{money(g.get('grid_levelised_usd_per_mwh'))}/MWh nominal"),
                ("Wait for a grid connection", _months(g.get("grid_wait_months"))),
                ("Behind-the-meter first power", _months(g.get("behind_the_meter_months_to_first_power"))),
                ("Months saved against the grid", _months(g.get("months_saved_vs_grid"))),
                ("Datacenter's cost of a month's delay", money(g.get("datacenter_delay_cost_usd_per_month"))),
                ("Value of the time saved", money(g.get("value_of_time_saved_usd"))),
                ("Delivered premium over the grid", f"{money(g.get('delivered_premium_usd_per_mwh'))}/MWh")]
    return {"name": humanize(d.get("name", "")), "about": humanize(d.get("about") or d.get("description") or ""),
            "tiles": tiles, "tornado": tornado_chart, "histogram": hist, "mc_rows": mc_rows, "assumptions": assumptions,
            "explanation": _mc_explanation(d, "equity_irr_frac"), "grid": grid,
            "notes": [humanize(n) for n in d.get("notes") or [] if not str(n).startswith("Monte Carlo P50")]}


def _assumptions(scenario: Sequence[Mapping[str, Any]] | None) -> list[dict]:
    return [{"name": r.get("name", ""), "label": human_label(str(r.get("name", ""))),
             "value": show(str(r.get("name", "")), r.get("value"), (r.get("unit") if r.get("unit") not in ("-", None)
                                                                   else None)),
             "unit": r.get("unit", ""), "description": r.get("description", "")} for r in scenario or []]


def _sources(sources: Sequence[Mapping[str, Any]] | None) -> tuple[list[dict], list[str]]:
    rows, attributions = [], []
    for s in sources or []:
        rows.append({k: s.get(k) for k in ("role", "name", "vintage", "license", "url", "synthetic")})
        if s.get("attribution"):
            attributions.append(str(s["attribution"]))
    return rows, list(dict.fromkeys(attributions))


def _site_columns(cols: Mapping[str, Any] | None, labels: Labels) -> list[tuple[str, str, str]]:
    """(label, raw name, value) of every site column, for the appendix."""
    out = []
    for name, v in (cols or {}).items():
        value = labels.show(name, v) if name in labels else show(name, v)
        out.append((labels.title(name), name, value))
    return out


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: assets.read_template(name)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(table=grid_table, kv=kv_table, notes=notes_list)
    return env


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("datacenter-siting")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"


def render_report_html(report: Mapping[str, Any], labels: Labels | None = None) -> str:
    """The report page as HTML text (see the module docstring for ``report``).

    ``labels`` (:class:`maps.labels.Labels`) give the site columns their labels and units.
    """
    if not isinstance(report, Mapping):
        raise ConfigError(f"report must be a dict, got {type(report).__name__}")
    for key in ("title", "site"):
        if key not in report:
            raise DataError(f"report dict lacks {key!r}; it has {sorted(report)}; see maps.report's docstring")
    site = dict(report["site"])
    for key in ("name", "latitude_deg", "longitude_deg"):
        if key not in site:
            raise DataError(f"report['site'] lacks {key!r}; it has {sorted(site)}")
    lat, lon = float(site["latitude_deg"]), float(site["longitude_deg"])
    if not (abs(lat) <= 90 and abs(lon) <= 180):
        raise DataError(f"report['site'] coordinates out of range (latitude={lat}, longitude={lon})")
    where = ", ".join(x for x in (f"{site['county_name']} County" if site.get("county_name") else "",
                                  str(site.get("state_abbr") or "")) if x)
    location = lat_lon(lat, lon) + (f" · {where}" if where else "")
    if _ok(site.get("it_load_mw")):
        location += f" · {number(site['it_load_mw'])} MW of IT load"
    m = report.get("map") or {}
    map_svg = None
    if m.get("layers") is not None:
        map_svg = charts.site_map(lon, lat, m["layers"], site_name=str(site["name"]),
                                  radius_km=float(m.get("radius_km", 25.0)))
    memo = dict(report.get("memo") or {})
    power_in = report.get("power") or {}
    sources, attributions = _sources(report.get("sources"))
    missing = [k for k in SECTIONS if report.get(k) is None]
    if missing:
        log.info("report sections not computed in this run: %s", ", ".join(missing))
    deal = _deal(report.get("deal"))
    return _environment().get_template("report.html").render(
        title=str(report["title"]),
        css=Markup(assets.read_template("report.css")),
        synthetic=bool(report.get("synthetic", False)),
        synthetic_banner=SYNTHETIC_BANNER,
        site={"name": str(site["name"]), "location": location},
        generated=report.get("generated_utc"),
        verdict={"title": memo.get("verdict"), "level": int(memo.get("level", 0) or 0), "why": _why(report)}
        if memo.get("verdict") else None,
        summary=_summary_tiles(report),
        summary_charts=[c for c in (_score_chart(memo), _cost_stack(power_in), _time_chart(power_in),
                                    _water_headline_chart(report.get("water"))) if c is not None],
        risks=_risks(memo),
        risk_rule=memo.get("rule"),
        deal_headline=_deal_headline(report.get("deal"), memo.get("deal_note")),
        map_svg=map_svg,
        map_iframe=m.get("interactive_html"),  # autoescaped into the srcdoc attribute
        site_columns=_site_columns(report.get("site_columns"), labels if labels is not None else NO_LABELS),
        power=_power(report.get("power")),
        emissions=_emissions(report.get("emissions")),
        water=_water(report.get("water")),
        deal=deal,
        sources=sources,
        attributions=attributions,
        assumptions=_assumptions(report.get("scenario")),
        report_notes=report.get("notes"),
        version=_version(),
    )


def find_chromium() -> str:
    """Path of a Chromium for printing: ``$SITING_CHROMIUM`` or ``chromium`` on PATH."""
    for cand in (os.environ.get("SITING_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                 shutil.which("google-chrome")):
        if cand:
            return cand
    raise MissingDataError("no Chromium found to print the PDF (looked at $SITING_CHROMIUM and chromium, "
                           "chromium-browser, google-chrome on PATH); install it (apt-get install chromium) "
                           "or render the HTML only (pdf=False)")


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout_s: float = 120.0) -> Path:
    """Print an HTML file to PDF with headless Chromium.

    Parameters
    ----------
    html_path, pdf_path : str or Path
        Input page and output PDF.
    timeout_s : float
        Give up after this long [s].

    Returns
    -------
    Path
        The PDF written.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    exe = find_chromium()
    with tempfile.TemporaryDirectory(prefix="siting-chromium-") as profile:
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
               html_path.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise MissingDataError(f"Chromium did not print {html_path} within {timeout_s:.0f} s") from None
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise MissingDataError(f"Chromium (exit {done.returncode}) wrote no PDF at {pdf_path}: {' | '.join(tail)}")
    return pdf_path


def render_report(report: Mapping[str, Any], path: str | Path, *, pdf: bool = False, overwrite: bool = True,
                  labels: Labels | None = None) -> Path:
    """Write the site report as one self-contained HTML file, and optionally its PDF.

    Parameters
    ----------
    report : dict
        The report dict (structure in this module's docstring).
    path : str or Path
        Output HTML file; the PDF, when asked, goes next to it with suffix ``.pdf``.
    pdf : bool
        Also print the page to PDF with headless Chromium.
    overwrite : bool
        Replace existing files (default); ``False`` refuses.
    labels : maps.labels.Labels, optional
        Labels and units of the site columns.

    Returns
    -------
    Path
        The HTML file written (the PDF is ``path.with_suffix(".pdf")``).
    """
    path = Path(path)
    targets = [path, path.with_suffix(".pdf")] if pdf else [path]
    if not overwrite:
        for t in targets:
            if t.exists():
                raise ConfigError(f"{str(t)!r} exists; pass overwrite=True (--overwrite) to replace it")
    html = render_report_html(report, labels)
    from maps._files import atomic_path, write_text_atomic

    # each file under a temporary name, renamed when complete (a full disk or a killed run leaves
    # no truncated report); the PDF is printed from the finished HTML
    write_text_atomic(path, html)
    log.info("wrote report %s", path)
    if pdf:
        with atomic_path(path.with_suffix(".pdf")) as tmp:
            html_to_pdf(path, tmp)
        log.info("wrote %s", path.with_suffix(".pdf"))
    return path


def utc_now() -> str:
    """Current UTC time, ISO-8601 to the second (for ``generated_utc``)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
