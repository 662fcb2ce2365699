"""Site report: one self-contained HTML file (and optionally its PDF) from a plain dict.

The orchestrator (``siting/site_report.py``) computes; this module only lays out. It
takes one dict, documented below, and writes an HTML page with inline CSS and inline
SVG charts (no script, no network), then, when asked, prints it to PDF with headless
Chromium (``--print-to-pdf``).

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
    ``site_id``, ``state_abbr``, ``county_name``.
``summary`` : dict
    The summary card: ``score_total`` [-] 0-1, ``rank`` [-] and ``n_sites`` [-] (rank
    among how many), ``time_to_first_power_months`` [months],
    ``delivered_cost_usd_per_mwh`` [USD/MWh] with ``cost_dollar_year`` (int),
    ``water_consumption_gal_per_yr`` [gal/yr], ``in_n_out_equivalents`` [-] (annual
    water as a number of In-N-Out restaurants, from ``SiteWater.chart_data()["headline"]``),
    ``verdict`` (str, one sentence).
``site_columns`` : dict
    The site's row of the scored table (column -> value); shown with the labels and
    units given to :func:`render_report_html` (unknown columns as given).
``map`` : dict
    ``layers``: role -> GeoDataFrame (EPSG:4326) drawn as a static SVG around the site
    (roles of :data:`maps.svg.MAP_STYLES`); ``radius_km`` [km] half-width of the view
    (default 25); ``interactive_html`` (str, optional): a page from
    :func:`maps.sitemap.render_map`, embedded on screen in a sandboxed ``iframe``.
``power`` : dict
    ``options``: list of row dicts, one per power design compared side by side (units in
    the keys, e.g. ``design``, ``months_to_first_power``, ``lcoe_usd_per_mwh``);
    ``fleet``: list of row dicts (units in the keys, e.g. ``unit``, ``count``,
    ``iso_capacity_mw``, ``hot_day_capacity_mw``); ``hot_day``: dict (e.g.
    ``temp_air_degc``, ``fleet_iso_capacity_mw``, ``hot_hour_fleet_capacity_mw``,
    ``derate_frac``, ``facility_peak_load_mw``); ``dispatch``: dict of week name (e.g.
    ``"summer week"``, ``"winter week"``) -> ``{"hour": [h...], "series_mw": {name:
    [MW...]}, "stacked": bool}``; ``reliability``: dict (e.g.
    ``unserved_energy_mwh_per_yr``, ``availability_frac``, ``n_plus``); ``notes``: list of str.
``emissions`` : dict
    ``facts``: dict (e.g. ``nox_tons_per_yr``, ``co2_tons_per_yr``,
    ``nonattainment_status``, ``major_source``); ``permit_path``: list of str (steps in
    order, with durations in the text); ``notes``: list of str.
``water`` : dict
    The output of ``siting.water.SiteWater.chart_data()``: ``budget`` (rows scope,
    metric, gal_per_yr, peak_day_gal_per_day), ``monthly`` (rows month,
    consumption_gal, withdrawal_gal, pue), ``benchmarks`` (rows key, per_unit, count,
    site_metric, ...), ``headline``, ``context`` (dict), ``units``; plus optional
    ``notes`` (list of str).
``deal`` : dict
    The output of ``siting.deal.DealResult.to_dict()`` (name, description,
    contract_type, contract_price_unit, capacity_mw, metrics, grid_alternative,
    cash_flows, tornado, scenarios, monte_carlo, notes). Omitted when absent.
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

from maps import assets, svg
from maps.labels import NO_LABELS, Labels
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


# ---------------------------------------------------------------------------------------
# value formatting


def _isnum(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def fmt(v: Any) -> str:
    """Display text of a value: numbers with thousands separators and 3-4 significant digits."""
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
        if a == 0:
            return "0"
        return f"{x:.3g}" if a >= 0.001 else f"{x:.3e}"
    if isinstance(v, (list, tuple)):
        return ", ".join(fmt(x) for x in v)
    return str(v)


def _pct(frac: Any) -> str:
    return "n/a" if frac is None or not _isnum(frac) or not math.isfinite(float(frac)) else f"{100 * float(frac):.1f} %"


def kv_table(d: Mapping[str, Any] | None) -> Markup:
    """Two-column table of a dict (key, formatted value), escaped."""
    if not d:
        return Markup("")
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(fmt(v))}</td></tr>" for k, v in d.items()
                   if not isinstance(v, (dict, list)) or isinstance(v, (list, tuple)) and len(v) <= 6)
    return Markup(f'<table class="kv">{rows}</table>')


def grid_table(rows: Sequence[Mapping[str, Any]] | None, columns: Sequence[str] | None = None) -> Markup:
    """Table of row dicts (header from the keys, first-seen order), escaped."""
    if not rows:
        return Markup("")
    cols = list(columns) if columns else list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    body = []
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            cls = ' class="num"' if _isnum(v) else ""
            cells.append(f"<td{cls}>{escape(fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(f'<table class="grid-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def notes_list(notes: Sequence[str] | None) -> Markup:
    if not notes:
        return Markup("")
    return Markup('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")


# ---------------------------------------------------------------------------------------
# sections


def _tile(label: str, value: Any, *, text: str | None = None, note: str | None = None) -> dict:
    missing = value is None or (_isnum(value) and not math.isfinite(float(value)))
    return {"label": label, "value": NOT_COMPUTED if missing else (text if text is not None else fmt(value)),
            "note": note, "missing": missing}


def _summary(s: Mapping[str, Any] | None) -> tuple[list[dict], str | None]:
    s = dict(s or {})
    rank, n = s.get("rank"), s.get("n_sites")
    year = s.get("cost_dollar_year")
    tiles = [
        _tile("Score [0–1]", s.get("score_total"), text=None if s.get("score_total") is None
              else f"{float(s['score_total']):.2f}"),
        _tile("Rank", rank, text=None if rank is None else (f"{fmt(rank)} of {fmt(n)}" if n is not None else fmt(rank))),
        _tile("Time to first power", s.get("time_to_first_power_months"),
              text=None if s.get("time_to_first_power_months") is None
              else f"{fmt(s['time_to_first_power_months'])} months"),
        _tile("Delivered cost of power", s.get("delivered_cost_usd_per_mwh"),
              text=None if s.get("delivered_cost_usd_per_mwh") is None
              else f"{fmt(s['delivered_cost_usd_per_mwh'])} USD/MWh",
              note=f"{year} dollars" if year is not None else None),
        _tile("Annual water consumption", s.get("water_consumption_gal_per_yr"),
              text=None if s.get("water_consumption_gal_per_yr") is None
              else f"{fmt(s['water_consumption_gal_per_yr'])} gal/yr"),
        _tile("≈ In-N-Out restaurants", s.get("in_n_out_equivalents"),
              text=None if s.get("in_n_out_equivalents") is None else f"≈ {fmt(s['in_n_out_equivalents'])}",
              note="annual water use of that many restaurants"),
    ]
    return tiles, s.get("verdict")


def _site_columns(cols: Mapping[str, Any] | None, labels: Labels) -> list[tuple[str, str]]:
    return [(labels.label(name), labels.format(name, v) if name in labels else fmt(v)) for name, v in (cols or {}).items()]


def _power(p: Mapping[str, Any] | None) -> dict | None:
    if not p:
        return None
    charts = []
    for week, d in (p.get("dispatch") or {}).items():
        charts.append(svg.line_chart(d["hour"], d["series_mw"], title=f"Dispatch, {week}", x_label="hour [h]",
                                     y_label="power [MW]", stacked=bool(d.get("stacked", False))))
    return {"fleet": p.get("fleet"), "options": p.get("options"), "hot_day": p.get("hot_day"), "charts": charts,
            "reliability": p.get("reliability"), "notes": p.get("notes")}


def _water(w: Mapping[str, Any] | None) -> dict | None:
    if not w:
        return None
    charts = []
    monthly = w.get("monthly") or []
    if monthly:
        charts.append(svg.line_chart(
            [r["month"] for r in monthly],
            {"consumption": [r.get("consumption_gal") for r in monthly],
             "withdrawal": [r.get("withdrawal_gal") for r in monthly]},
            title="On-site water by month", x_label="month", y_label="water [gal/month]"))
    budget = [r for r in (w.get("budget") or []) if r.get("gal_per_yr") is not None]
    if budget:
        charts.insert(0, svg.bar_chart(
            [f"{r.get('scope', '')} {r.get('metric', '')}".strip() for r in budget], [r["gal_per_yr"] for r in budget],
            title="Water budget by scope", value_label="water [gal/yr]",
            highlight=[str(r.get("scope", "")) == "total" for r in budget]))
    # Benchmarks have different units each (restaurants, burgers, households): a table, not one axis; every
    # like-for-like benchmark, the same list `siting water` gives.
    bench = [{"benchmark": r.get("per_unit", r.get("key")), "count": r.get("count"),
              "compared with the site's": r.get("site_metric")}
             for r in (w.get("benchmarks") or w.get("headline") or []) if r.get("count") is not None]
    ctx = {k: v for k, v in (w.get("context") or {}).items() if not isinstance(v, (dict, list))}
    return {"budget": w.get("budget"), "charts": charts, "benchmarks": bench, "context": ctx, "notes": w.get("notes")}


def _deal(d: Mapping[str, Any] | None) -> dict | None:
    if not d:
        return None
    m = dict(d.get("metrics") or {})
    head = {"contract_type": d.get("contract_type"), "contract_price_unit": d.get("contract_price_unit"),
            "capacity_mw": d.get("capacity_mw")}
    charts = []
    tornado = d.get("tornado") or []
    if tornado:
        labels, values = [], []
        for r in tornado:
            for side in ("low", "high"):
                labels.append(f"{r['driver']} {side} ({fmt(r.get(side))})")
                v = r.get(f"equity_irr_frac_at_{side}")
                values.append(np.nan if v is None else 100.0 * float(v))
        base = tornado[0].get("equity_irr_frac_base")
        title = "Equity IRR as each driver moves" + (f" (base {_pct(base)})" if base is not None else "")
        charts.append(svg.bar_chart(labels, values, title=title, value_label="equity IRR [%]"))
    flows = d.get("cash_flows") or []
    if flows and "equity_cash_flow_usd" in flows[0]:
        charts.append(svg.line_chart(
            [r.get("operating_year") for r in flows],
            {"equity cash flow": [r.get("equity_cash_flow_usd") for r in flows],
             "project cash flow": [r.get("project_cash_flow_usd") for r in flows]},
            title="Cash flows (nominal)", x_label="operating year (0 = financial close)", y_label="cash flow [USD]"))
    return {"name": d.get("name", ""), "description": d.get("description"), "head": head, "metrics": m,
            "grid": d.get("grid_alternative"), "charts": charts, "monte_carlo": d.get("monte_carlo"),
            "notes": d.get("notes")}


def _emissions(e: Mapping[str, Any] | None) -> dict | None:
    if not e:
        return None
    return {"facts": e.get("facts"), "permit_path": e.get("permit_path"), "notes": e.get("notes")}


def _assumptions(scenario: Sequence[Mapping[str, Any]] | None) -> list[dict]:
    return [{"name": r.get("name", ""), "value": fmt(r.get("value")), "unit": r.get("unit", ""),
             "description": r.get("description", "")} for r in scenario or []]


def _sources(sources: Sequence[Mapping[str, Any]] | None) -> tuple[list[dict], list[str]]:
    rows, attributions = [], []
    for s in sources or []:
        rows.append({k: s.get(k) for k in ("role", "name", "vintage", "license", "url", "synthetic")})
        if s.get("attribution"):
            attributions.append(str(s["attribution"]))
    return rows, list(dict.fromkeys(attributions))


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
    where = ", ".join(str(site[k]) for k in ("county_name", "state_abbr") if site.get(k))
    location = f"{lat:.4f}° N, {lon:.4f}° E" + (f" ({where})" if where else "")
    m = report.get("map") or {}
    map_svg = None
    if m.get("layers") is not None:
        map_svg = svg.site_map(lon, lat, m["layers"], site_name=str(site["name"]),
                               radius_km=float(m.get("radius_km", 25.0)))
    tiles, verdict = _summary(report.get("summary"))
    sources, attributions = _sources(report.get("sources"))
    missing = [k for k in SECTIONS if report.get(k) is None]
    if missing:
        log.info("report sections not computed in this run: %s", ", ".join(missing))
    return _environment().get_template("report.html").render(
        title=str(report["title"]),
        css=Markup(assets.read_template("report.css")),
        synthetic=bool(report.get("synthetic", False)),
        synthetic_banner=SYNTHETIC_BANNER,
        site={"name": str(site["name"]), "location": location},
        generated=report.get("generated_utc"),
        summary=tiles,
        verdict=verdict,
        map_svg=map_svg,
        map_iframe=m.get("interactive_html"),  # autoescaped into the srcdoc attribute
        site_columns=_site_columns(report.get("site_columns"), labels if labels is not None else NO_LABELS),
        power=_power(report.get("power")),
        emissions=_emissions(report.get("emissions")),
        water=_water(report.get("water")),
        deal=_deal(report.get("deal")),
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
