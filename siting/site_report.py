"""The site report for one location: a typed :class:`SiteReport` built from the site chain.

A readable sequence: the site scored against the layer set and run through the site
chain (:func:`siting.site.design_at`: fleet, hourly dispatch, emissions and permit path,
time to power, cost stack) -> its water budget, benchmarks and context from the same
design -> context layers for the map -> the site's own deal (:func:`site_deal`: its plant
financed on a deal's terms) -> :class:`SiteReport`, which gives its figures as JSON
(:meth:`SiteReport.to_dict`, what ``siting report --json`` prints), the view that
:func:`maps.report.render_report` lays out as an investment memo (:meth:`SiteReport.view`:
the verdict and the risks that would kill the site (:func:`site_risks`), availability with
k spare units, dispatch weeks, the deal's Monte Carlo draws) and a notebook summary
(``_repr_html_``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from maps.labels import big, human_label, humanize, in_text, lat_lon, money, number, percent
from siting.errors import ConfigError
from siting.scenario import Scenario, assumption_rows

log = logging.getLogger(__name__)

#: Weeks shown as dispatch charts: (label, month, day of the first hour) in the typical year.
DISPATCH_WEEKS = (("summer week", 7, 15), ("winter week", 1, 15))
#: Columns of the side-by-side comparison of power designs in the report.
OPTION_COLUMNS = (
    "design", "months_to_first_power", "lcoe_usd_per_mwh", "cost_capital_om_usd_per_mwh", "cost_fuel_usd_per_mwh",
    "cost_variable_om_usd_per_mwh", "cost_gas_lateral_usd_per_mwh", "cost_grid_connection_usd_per_mwh",
    "cost_land_usd_per_mwh", "cost_grid_energy_usd_per_mwh", "capex_usd", "gas_share_frac", "renewable_fraction_frac",
    "grid_share_frac", "pv_capacity_mw_dc", "wind_capacity_mw", "battery_capacity_mw", "gas_peak_mmcf_per_day",
    "co2_tonnes_per_yr", "nox_tons_per_yr_with_scr", "air_permit_path", "renewables_land_acres", "waiting_cost_usd",
)
#: Half-width of the report's static site map [km].
MAP_RADIUS_KM = 25.0
#: Smallest renewable share of the renewables-plus-gas design whose dispatch weeks the report adds [-]
#: (below it the weeks look like the gas-only ones: a presentation threshold).
MIN_RENEWABLE_SHOWN_FRAC = 0.01
#: Spare units k of the availability-versus-spares chart (the fleet's N with k = 0 ... 4 spares; the
#: design's own k and one more are added when larger).
SPARE_UNITS = (0, 1, 2, 3, 4)
#: Terms of the site's own deal when none are given: the shipped tolling example (its contract,
#: financing, tax, sensitivity ranges and Monte Carlo; the plant is the site's design).
DEFAULT_DEAL_TERMS = "btm_gas_1gw_tolling"


def _week(hourly: pd.DataFrame, month: int, day: int) -> dict[str, Any]:
    """One week of an hourly dispatch frame from ``month``/``day``: the sources stacked, the load, the times."""
    idx = hourly.index
    start = int(np.flatnonzero((idx.month == month) & (idx.day == day))[0])
    part = hourly.iloc[start:start + 168]
    series = {
        "Gas": part["gas_mw"].tolist(),
        "Solar PV": part["pv_direct_mw"].tolist(),
        "Wind": part["wind_direct_mw"].tolist(),
        "Battery discharge": part["battery_discharge_mw"].tolist(),
        "Unserved": part["unserved_mw"].tolist(),
    }
    series = {k: v for k, v in series.items() if max(v, default=0.0) > 0.0 or k == "Gas"}
    times = part.index.tz_localize(None) if getattr(part.index, "tz", None) is not None else part.index
    return {"hour": list(range(len(part))), "series_mw": series, "stacked": True,
            "time": [t.strftime("%Y-%m-%dT%H:%M") for t in times], "load_mw": part["load_mw"].tolist()}


def availability_by_spares(design, spares: tuple[int, ...] | None = None) -> list[dict[str, Any]]:
    """Availability of the site's gas fleet with k spare units, for each k of ``spares``.

    The same reliability model the chain sizes the fleet with
    (:func:`models.reliability.availability_by_spares` on the site's hourly nameplate and
    served facility load, weather, unit and elevation), so the row with the design's own
    spares is the design's fleet.

    Parameters
    ----------
    design : siting.chain.site.SiteDesign
    spares : tuple of int, optional
        Spare units k [-]; default :data:`SPARE_UNITS` and the design's own k and one more.

    Returns
    -------
    list of dict
        ``redundancy_units`` [-], ``units_count`` [-], ``availability_frac`` [-],
        ``binding_hour_availability_frac`` [-], ``hours_short_per_yr`` [h/yr] (expected hours
        short of the served load), ``expected_unserved_mwh_per_yr`` [MWh/yr], ``nines`` [-],
        ``meets_target`` [bool].
    """
    from models.reliability import availability_by_spares as by_spares

    climate = design.climate
    s = design.resolved.scenario
    fleet = design.power.fleet
    if spares is None:
        spares = tuple(sorted(set(SPARE_UNITS) | {fleet.redundancy_units, fleet.redundancy_units + 1}))
    table = by_spares(climate.facility_load_mw(design.it_load_mw),
                      climate.facility_load_mw(design.it_load_mw, s.it_utilization_frac), climate.temp_air_degc,
                      unit=design.resolved.unit, altitude_m=design.power.altitude_m, max_redundancy_units=max(spares))
    out = []
    for k in spares:
        r = table.loc[int(k)]
        met = bool(r["availability_frac"] >= fleet.reliability_target_frac
                   and r["binding_hour_availability_frac"] >= fleet.reliability_target_frac)
        out.append({"redundancy_units": int(k), "units_count": int(r["units_count"]),
                    "availability_frac": float(r["availability_frac"]),
                    "binding_hour_availability_frac": float(r["binding_hour_availability_frac"]),
                    "hours_short_per_yr": float(r["loss_of_load_hours_per_yr"]),
                    "expected_unserved_mwh_per_yr": float(r["expected_unserved_mwh_per_yr"]),
                    "nines": float(r["nines"]), "meets_target": met})
    return out


def load_deal_terms(terms=None):
    """The :class:`siting.deal.Deal` whose terms a site's own deal takes.

    Parameters
    ----------
    terms : Deal, str or Path, optional
        A deal, the name of a shipped example, or a deal TOML file; default
        :data:`DEFAULT_DEAL_TERMS`.
    """
    from siting import deal as D

    if terms is None:
        return D.load_example(DEFAULT_DEAL_TERMS)
    if isinstance(terms, D.Deal):
        return terms
    if str(terms) in D.list_examples():
        return D.load_example(str(terms))
    return D.load_deal(terms)


def site_deal(located, terms=None, *, option: str | None = None, draws: int | None = None):
    """The deal whose plant is the site's own power design, evaluated.

    The plant (capacity, capital, fuel, energy, O&M, months to first power) is
    :meth:`siting.site.LocatedSite.plant_spec`; contract, financing, tax, sensitivities and
    Monte Carlo come from ``terms``; the datacenter is the site's IT load and its grid
    alternative waits for the site's own large-load connection (the design's
    ``grid_with_backup`` months), as ``siting deal --lat/--lon`` does.

    Parameters
    ----------
    located : siting.site.LocatedSite
    terms : Deal, str or Path, optional
        See :func:`load_deal_terms`.
    option : str, optional
        ``gas_only`` or ``renewables_plus_gas``; default the recommended one when on site.
    draws : int, optional
        Monte Carlo draws (default the terms'; 0 skips).

    Returns
    -------
    siting.deal.DealResult
    """
    from siting import deal as D

    template = load_deal_terms(terms)
    spec = located.plant_spec(option)
    s = located.design.resolved.scenario
    deal = D.deal_from_plant(spec, template, it_load_mw=located.design.it_load_mw, start_year=s.analysis_year)
    wait = located.design.power.option("grid_with_backup").months_to_first_power
    deal = dataclasses.replace(deal, datacenter=dataclasses.replace(deal.datacenter, grid_wait_months=float(wait)))
    return D.evaluate_deal(deal, monte_carlo_draws=draws)


def monte_carlo_draws(result, draws: int | None = None) -> dict[str, list[float]]:
    """The Monte Carlo draws of an evaluated deal (equity IRR and delivered cost of every draw).

    :func:`siting.deal.evaluate_deal` keeps only the percentiles; the draws are drawn again
    here with the deal's seed, in the same order and from the same triangular
    distributions (low, mode = base case, high), and valued with
    :func:`siting.deal.evaluate_many`, so their P10/P50/P90 are the result's (tested).

    Parameters
    ----------
    result : siting.deal.DealResult
    draws : int, optional
        Number of draws the result was evaluated with (default the deal's).

    Returns
    -------
    dict
        ``equity_irr_frac`` [-] and ``delivered_cost_usd_per_mwh`` [USD/MWh], one value per
        draw (NaN where the IRR does not exist); empty when there are no draws.
    """
    from siting import deal as D

    deal = result.deal
    n = deal.monte_carlo.draws if draws is None else int(draws)
    if n <= 0 or not deal.sensitivity:
        return {}
    base = deal.base_knobs()
    rng = np.random.default_rng(deal.monte_carlo.seed)
    knobs = {}
    for k, r in deal.sensitivity.items():
        lo, hi = sorted(r.bounds(base[k]))
        mode = min(max(base[k], lo), hi)
        knobs[k] = rng.triangular(lo, mode, hi, size=n) if hi > lo else np.full(n, lo)
    frame = D.evaluate_many(deal, knobs)
    return {k: frame[k].astype(float).tolist() for k in ("equity_irr_frac", "delivered_cost_usd_per_mwh")}


def _sources(ls) -> list[dict]:
    out = []
    for role in ls.roles:
        try:
            meta = ls.meta(role)
        except Exception as exc:  # a broken optional layer must not sink the report  # noqa: BLE001
            log.warning("report: no source metadata for %s: %s", role, exc)
            continue
        src = dict(meta.get("source", {}))
        src["role"] = role
        out.append(src)
    return out


@dataclass(frozen=True)
class SiteReport:
    """Everything a site report says about one location, computed once.

    Attributes
    ----------
    located : siting.site.LocatedSite
        The site scored and designed (:func:`siting.site.design_at`): its scored row, station
        and :class:`siting.chain.site.SiteDesign`.
    water : siting.water_budget.SiteWater
        Its water from the same design.
    scenario : Scenario
    map_layers : dict
        Context layers clipped around the site (role -> GeoDataFrame, EPSG:4326).
    attributions : list of str
    synthetic : bool
        Whether any layer is the synthetic sample.
    sources : list of dict
        One per layer of the layer set (role, name, vintage, license, url ...).
    generated_utc : str
        ISO-8601 time of the run.
    deal : dict, optional
        ``siting.deal.DealResult.to_dict()`` of a deal shown with the site (by default the
        site's own deal, :func:`site_deal`).
    profile : siting.profiles.Profile, optional
        The scoring profile (its hard limits grade the risks); default the shipped one named
        when the site was scored.
    deal_draws : dict, optional
        Monte Carlo draws of the deal (:func:`monte_carlo_draws`), for its distribution chart.
    deal_note : str
        What the deal is (its terms) or why it was not evaluated.
    """

    located: Any
    water: Any
    scenario: Scenario
    map_layers: dict = field(repr=False)
    attributions: list
    synthetic: bool
    sources: list = field(repr=False)
    generated_utc: str
    deal: dict | None = field(default=None, repr=False)
    profile: Any = field(default=None, repr=False)
    deal_draws: dict | None = field(default=None, repr=False)
    deal_note: str = ""

    @property
    def name(self) -> str:
        return self.located.name

    @property
    def power(self):
        """The site's :class:`siting.chain.site.PowerDesign`."""
        return self.located.design.power

    @property
    def scored_row(self) -> pd.Series:
        return self.located.scored_row

    def to_dict(self) -> dict[str, Any]:
        """The report's figures as plain JSON-ready data (``siting report --json``).

        Keys: ``site``, ``score``, ``power`` (fleet, every option's fields, the chosen and
        recommended options, time-to-power chains, cost notes), ``water``
        (:meth:`siting.water_budget.SiteWater.to_dict`), ``scenario``, ``sources``,
        ``synthetic``, ``generated_utc`` and ``deal`` when given. Units are in the names.
        """
        p = self.power
        row = self.scored_row
        return {
            "site": {"name": self.name, "latitude_deg": self.located.latitude_deg,
                     "longitude_deg": self.located.longitude_deg, "site_id": _plain(row.get("site_id")),
                     "state_abbr": _plain(row.get("state_abbr")), "county_name": _plain(row.get("county_name")),
                     "county_fips": _plain(row.get("county_fips")), "altitude_m": p.altitude_m,
                     "weather_station_id": _plain(self.located.station.get("station_id")),
                     "distance_to_weather_station_km": self.located.distance_to_station_km},
            "score": {k: _plain(row.get(k)) for k in row.index if k.startswith("score_") or k in (
                "rank", "explanation", "exclusion_reason", "exclusion_weight_frac")},
            "power": {
                "unit_name": p.unit_name, "fleet": dataclasses.asdict(p.fleet),
                "facility_peak_load_mw": p.facility_peak_load_mw, "facility_energy_mwh_per_yr": p.facility_energy_mwh_per_yr,
                "chosen": p.chosen, "recommended": p.recommended, "cost_dollar_year": p.cost_dollar_year,
                "nonattainment_status": p.nonattainment_status, "nonattainment_class": p.nonattainment_class,
                "options": [dataclasses.asdict(o) for o in p.options],
                "time_to_power": {d: {"months_to_first_power": c.months_to_first_power, "months_to_grid": c.months_to_grid,
                                      "critical_path": list(c.critical_path), "steps": [dataclasses.asdict(s) for s in c.steps]}
                                  for d, c in p.time_chains.items()},
                "cost_notes": list(p.cost_notes),
            },
            "water": self.water.to_dict(),
            "scenario": self.scenario.to_dict(),
            "sources": self.sources,
            "synthetic": self.synthetic,
            "generated_utc": self.generated_utc,
            **({"deal": self.deal} if self.deal is not None else {}),
        }

    def _repr_html_(self) -> str:
        """A compact summary for notebooks: the verdict, where, the score, the designs, the water, the deal."""
        p = self.power
        c = p.option(p.chosen)
        r = p.option(p.recommended) if p.recommended in [o.design for o in p.options] else None
        w = self.water.budget.get("total", "consumption").gal_per_yr
        risks = site_risks(self.located, self.water, self.profile or _default_profile())
        title, _ = site_verdict(risks)
        year = p.cost_dollar_year
        cells = [
            ("Verdict", title + "".join(f"; {x.headline}" for x in risks if x.level >= 2)),
            ("Site", f"{self.name} ({lat_lon(self.located.latitude_deg, self.located.longitude_deg)})"),
            ("Score", f"{_num(self.scored_row.get('score_total'), '.2f')} (rank {_num(self.scored_row.get('rank'), '.0f')})"),
            (f"Design: {human_label(p.chosen)}", f"{c.gas_units_count} x {p.unit_name}, {money(c.lcoe_usd_per_mwh)}/MWh "
                                                 f"({year} dollars), first power in {number(c.months_to_first_power)} "
                                                 "months"),
            ("Recommended", human_label(p.recommended) if r is None else
             f"{human_label(p.recommended)}: {money(r.lcoe_usd_per_mwh)}/MWh ({year} dollars)"),
            ("Air permit", f"{human_label(c.air_permit_path)} ({c.air_permit_county_class})"),
            ("Water, total consumption", f"{big(w)} gal/yr ({self.water.context.verdict})"),
        ]
        if self.deal:
            m = self.deal.get("metrics") or {}
            cells.append(("Deal", f"equity IRR {percent(m.get('equity_irr_frac'))}, delivered "
                                  f"{money(m.get('delivered_cost_usd_per_mwh'))}/MWh"))
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in cells)
        banner = "<p><b>SYNTHETIC SAMPLE REGION</b></p>" if self.synthetic else ""
        return f"<div><h4>Site report: {html.escape(self.name)}</h4>{banner}<table>{rows}</table></div>"

    def view(self) -> dict[str, Any]:
        """The dict :func:`maps.report.render_report` lays out (documented in :mod:`maps.report`)."""
        return _view(self)


def _plain(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def _num(v, fmt: str) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if not math.isfinite(x) else format(x, fmt)


def build_site_report(
    lat: float,
    lon: float,
    scenario: Scenario | None = None,
    *,
    layers=None,
    name: str | None = None,
    scored_row: pd.Series | None = None,
    n_sites: int | None = None,
    profile: str = "speed_to_power",
    deal: dict | None = None,
    with_deal: bool = True,
    deal_terms=None,
    deal_option: str | None = None,
    deal_draws: int | None = None,
) -> SiteReport:
    """Score and design one location, and gather what its report shows.

    Parameters
    ----------
    lat, lon : float
        Site [deg, WGS84].
    scenario : Scenario, optional
        Assumptions; default ``Scenario()``.
    layers : LayerSet-like or path, optional
        Default the embedded synthetic sample region.
    name : str, optional
        Site name shown in the report.
    scored_row : pandas.Series, optional
        The site's row of an already scored table (batch run); scored here when absent.
    n_sites : int, optional
        How many sites the rank is among.
    profile : str
        Scoring profile used when the site is scored here.
    deal : dict, optional
        ``siting.deal.DealResult.to_dict()`` of a deal to show as given (instead of the site's own).
    with_deal : bool
        Without ``deal``, evaluate the site's own deal (:func:`site_deal`) and show it.
    deal_terms : Deal, str or Path, optional
        Terms of the site's own deal (:func:`load_deal_terms`; default :data:`DEFAULT_DEAL_TERMS`).
    deal_option : str, optional
        The on-site option the deal finances (default the recommended one when on site).
    deal_draws : int, optional
        Monte Carlo draws of the site's deal (default the terms'; 0 skips).

    Returns
    -------
    SiteReport
    """
    from gis_data.layerset import open_layers
    from siting.map_context import context_layers
    from siting.site import design_at

    scenario = scenario or Scenario()
    ls = open_layers(layers)
    log.info("report: score and design of %s", name or f"({lat}, {lon})")
    located = design_at(lat, lon, scenario, layers=ls, name=name, scored_row=scored_row, n_sites=n_sites,
                        profile=profile)
    log.info("report: water budget for %s", located.name)
    water = located.water()
    from siting.errors import SitingError
    from siting.profiles import load_profile

    r = MAP_RADIUS_KM / 111.0
    map_layers, attributions, synthetic = context_layers(ls, (lon - r, lat - r, lon + r, lat + r), margin_deg=r / 2)
    draws, note = None, ""
    if deal is not None:
        note = "the deal given"
    elif with_deal:
        terms = load_deal_terms(deal_terms)  # a bad name or file is the user's to fix: raised
        try:
            result = site_deal(located, terms, option=deal_option, draws=deal_draws)
        except SitingError as exc:
            note = f"the site's own deal could not be evaluated: {exc}"
            log.warning("report: %s", note)
        else:
            deal = result.to_dict()
            draws = monte_carlo_draws(result, deal_draws)
            c = terms.contract
            note = (f"The site's own plant ({result.deal.plant.name}) financed on the contract, financing, tax and "
                    f"risk-range terms of the example deal '{terms.name}' ({c.term_yr:g}-year {c.type}"
                    + (f", price solved for a {c.target_equity_irr_frac:.0%} equity IRR" if c.solve_for == "price"
                       else "") + ").")
    return SiteReport(
        located=located, water=water, scenario=scenario, map_layers=map_layers, attributions=list(attributions),
        synthetic=bool(synthetic or getattr(ls, "is_synthetic", False)), sources=_sources(ls),
        generated_utc=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(), deal=deal,
        profile=load_profile(profile), deal_draws=draws, deal_note=note,
    )


# -- the verdict and the risks that would kill a site ------------------------------------------
#
# The investment verdict on a site and the risks that would kill it, read from its own figures.
#
# Every risk is graded from figures the site chain and the criteria computed, against a
# threshold stated with it:
#
# - **fails a screen** (3): the site breaks a hard limit of the scoring profile as designed
#   (water share of the county, pipeline distance, excluded ozone class, another exclusion)
#   or no power design meets the gas-share cap and serves the load;
# - **serious** (2): it is on the path to first power or above a concern threshold: the
#   on-site plant comes after the grid connection would, the air permit is on the critical
#   path or needs offsets, the water verdict is "high concern", the fleet is larger than all
#   the gas generation the nearest pipeline feeds today, the delivered cost is above the grid
#   price, the fleet misses the reliability target;
# - **watch** (1): a figure to confirm in diligence (a PSD or Title V permit off the critical
#   path, a pipeline that already feeds more gas generation than the fleet, a delivered cost
#   below the grid price, a moderate water concern);
# - clear (0): none of the above.
#
# Risks sort by grade, then by how far the figure is past its threshold (the ratio, a
# tie-break between topics, not a probability). The verdict follows the worst grade:
# "Do not build here as designed" (any 3), "Build only if the serious risks are resolved"
# (any 2), "Worth building" (none).

#: Grade names, worst first.
LEVELS = {3: "fails a screen", 2: "serious", 1: "watch", 0: "clear"}

#: Verdict titles by the worst grade.
VERDICTS = {3: "Do not build here as designed", 2: "Build only if the serious risks are resolved",
            1: "Worth building: no serious risk found", 0: "Worth building: no serious risk found"}

#: How each rule grades, in words, for the report's footnote.
RULE_TEXT = (
    "Risks are graded from this site's own figures: 'fails a screen' when the site breaks a hard limit of the "
    "scoring profile as designed (water share of the county, distance to a gas pipeline, an excluded ozone class, "
    "another exclusion) or no design meets the gas cap; 'serious' when a figure is on the path to first power or "
    "above a concern threshold (on-site power after the grid would arrive, an air permit on the critical path or "
    "needing offsets, a high water concern, a fleet larger than all gas generation the nearest pipeline feeds, a "
    "delivered cost above the grid price, reliability below target); 'watch' for a figure to confirm. The three "
    "worst are shown; within a grade, the one furthest past its threshold comes first."
)


@dataclass(frozen=True)
class Risk:
    """One risk to a site, graded from its figures.

    Attributes
    ----------
    topic : str
        ``water``, ``air permit``, ``time to power``, ``gas supply``, ``site screen``, ``cost`` or ``reliability``.
    level : int
        3 fails a screen, 2 serious, 1 watch, 0 clear (:data:`LEVELS`).
    headline : str
        One line with the deciding figure.
    detail : str
        The figures behind it and the threshold it is graded against.
    excess : float
        The figure over its threshold [-] (orders risks of one grade; NaN sorts last).
    """

    topic: str
    level: int
    headline: str
    detail: str
    excess: float

    @property
    def grade(self) -> str:
        return LEVELS[self.level]

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "level": self.level, "grade": self.grade, "headline": self.headline,
                "detail": self.detail, "excess": self.excess}


def _f(v) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return math.nan
    return x


def _s(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)


def _ratio(a: float, b: float) -> float:
    return a / b if math.isfinite(a) and math.isfinite(b) and b > 0 else math.nan


def _exclusion_parts(row: pd.Series) -> list[tuple[str, str]]:
    """(topic, reason) of each exclusion of the scored row; the topic by the rule that wrote it."""
    out = []
    for part in (p.strip() for p in _s(row.get("exclusion_reason")).split(";")):
        if not part:
            continue
        topic = ("gas supply" if "pipeline" in part else "water" if "water" in part
                 else "air permit" if "ozone" in part else "site screen")
        out.append((topic, part))
    return out


def water_risk(located, water, profile) -> Risk:
    """Water against the county and the basin (:class:`siting.water_context.LocalContext`)."""
    ctx = water.context
    share, limit = _f(ctx.share_of_county_pct), float(profile.max_site_water_share_of_county_pct)
    county = _s(located.scored_row.get("county_name")) or "the"
    cons = water.cooling.water_consumption_gal_per_yr
    parts = [f"{big(cons)} gal/yr of cooling water evaporated ({human_label(water.scenario.cooling).lower()} "
             f"cooling, {number(water.cooling.wue_consumption_l_per_kwh)} L/kWh of IT energy)"]
    withdrawal = _f(ctx.site_withdrawal_gal_per_day) * 365.0
    county_water = _f(ctx.county_water_gal_per_day)
    if not math.isfinite(county_water):
        county_water = _f(ctx.county_withdrawal_total_gal_per_day)
    if math.isfinite(withdrawal) and math.isfinite(county_water):
        # the share compares withdrawal with withdrawal (water_context.shares_like_for_like): say both sides
        parts.append(f"the site withdraws {big(withdrawal)} gal/yr against {big(county_water * 365.0)} gal/yr its county's "
                     "users withdraw (USGS 2015: fresh withdrawals plus public supply drawn outside the county)")
    if math.isfinite(_f(ctx.bws_score)):
        parts.append(f"baseline water stress {ctx.bws_label} (WRI Aqueduct {ctx.bws_score:.1f} of 5)")
    if math.isfinite(share) and share > limit:
        level, excess = 3, _ratio(share, limit)
        head = f"Water: the site would withdraw {number(share)}% of the water {county} County's users withdraw (limit {limit:g}%)"
    else:
        level = {"high concern": 2, "moderate concern": 1}.get(ctx.verdict, 0 if ctx.verdict == "low concern" else 1)
        excess = _ratio(share, limit)
        head = (f"Water: {ctx.verdict}" + (f", {number(share)}% of the water {county} County's users withdraw"
                                           if math.isfinite(share) else ", county share unknown"))
    parts.append(f"graded against the profile's {limit:g}% limit and the water verdict ({ctx.verdict})")
    return Risk("water", level, head, "; ".join(parts) + ".", excess)


def air_risk(located, profile) -> Risk:
    """The chosen design's air permit: path, PTE against its threshold, and whether it sets first power."""
    power = located.design.power
    o = power.option(power.chosen)
    status = _s(power.nonattainment_status)
    as_class = "extreme" if status == "nonattainment" else status
    chain = power.time_chains.get(power.chosen)
    critical = chain is not None and any(s in chain.critical_path for s in ("permitting", "offsets"))
    pte, thr = _f(o.nox_pte_tons_per_yr_with_scr), _f(o.air_permit_threshold_tons_per_yr)
    if as_class and as_class in profile.excluded_nonattainment:
        level = 3
    elif o.air_permit_path in ("nonattainment_nsr", "unknown") or critical:
        level = 2
    elif o.air_permit_path in ("psd_major", "title_v_only"):
        level = 1
    else:
        level = 0
    months = next((s.months for s in (chain.steps if chain else ()) if s.step == "permitting"), math.nan)
    head = (f"Air permit: {human_label(o.air_permit_path)}, NOx potential to emit {number(pte)} short tons/yr "
            f"against a {number(thr)} tons/yr threshold")
    when = ("on the critical path to first power" if critical else "not on the critical path") + (
        f" ({number(months)} months)" if math.isfinite(months) else "")
    detail = f"{humanize(o.air_permit_reason)}; the permit is {when}."
    return Risk("air permit", level, head, detail, _ratio(pte, thr))


def time_risk(located) -> Risk:
    """Months to first power of the chosen design against the site's own grid connection."""
    power = located.design.power
    chosen = power.chosen
    o = power.option(chosen)
    m = _f(o.months_to_first_power)
    grid = _f(power.option("grid_with_backup").months_to_first_power)
    onsite = [d for d in ("gas_only", "renewables_plus_gas") if d in [x.design for x in power.options]]
    if chosen == "grid_with_backup":
        rival = min((_f(power.option(d).months_to_first_power) for d in onsite), default=math.nan)
        slower = math.isfinite(m) and math.isfinite(rival) and m > rival
        excess = _ratio(m, rival)
        versus = f"{number(m - rival)} months after on-site gas could" if slower else "no later than on-site gas"
    else:
        slower = math.isfinite(m) and math.isfinite(grid) and m > grid
        excess = _ratio(m, grid)
        versus = (f"{number(m - grid)} months after a grid connection would arrive ({number(grid)} months)" if slower
                  else "at the same time as a grid connection would" if m == grid
                  else f"{number(grid - m)} months before a grid connection would ({number(grid)} months)"
                  if math.isfinite(grid) else "grid connection time unknown")
    chain = power.time_chains.get(chosen)
    path = " then ".join(f"{in_text(s.step)} {number(s.months)} months" for s in (chain.steps if chain else ())
                         if s.step in chain.critical_path)
    year = _f(o.first_power_year)
    if not math.isfinite(m):
        return Risk("time to power", 2, "Time to power: not modelled for this design",
                    "The time-to-power chain has a step without a duration; see the appendix.", math.nan)
    head = f"Time to power: first power in {number(m)} months" + (f" ({year:.0f})" if math.isfinite(year) else "") \
        + f", {versus.split(' (')[0]}"
    detail = f"Critical path: {path or 'n/a'}; first power comes {versus}."
    return Risk("time to power", 2 if slower else 1, head, detail, excess)


def gas_risk(located, profile) -> Risk:
    """Gas deliverability: the lateral and what the nearest pipeline feeds today."""
    row = located.scored_row
    power = located.design.power
    o = power.option(power.chosen)
    dist, lim = _f(row.get("distance_to_pipeline_km")), float(profile.max_distance_to_pipeline_km)
    served = _f(row.get("pipeline_served_gas_capacity_mw"))
    fleet = _f(o.gas_iso_capacity_mw)
    operator = _s(row.get("pipeline_operator")) or "operator unknown"
    peak = _f(o.gas_peak_mmcf_per_day)
    need = f"this fleet is {number(fleet)} MW at ISO" + (f", {number(peak)} MMcf/d at peak" if peak > 0 else "")
    if math.isfinite(dist) and dist > lim:
        return Risk("gas supply", 3, f"Gas supply: nearest pipeline {number(dist)} km away (limit {lim:g} km)",
                    f"Nearest gas transmission pipeline ({operator}) {number(dist)} km away, beyond the profile's "
                    f"{lim:g} km limit; {need}.", _ratio(dist, lim))
    if not math.isfinite(dist):
        return Risk("gas supply", 2, "Gas supply: no gas pipeline found near the site",
                    f"The layer set has no gas pipeline near the site; {need}.", math.nan)
    if served == 0:
        feeds, feeds_short = "no operating gas plant in EIA-860 names it as its pipeline", "no gas plant today"
    elif math.isfinite(served):
        feeds = f"{number(served)} MW of operating gas plants name it as their pipeline (EIA-860)"
        feeds_short = f"{number(served)} MW of gas plants today"
    else:
        feeds, feeds_short = "the gas generation it feeds is unknown", "unknown gas generation"
    bigger = math.isfinite(served) and fleet > served
    head = (f"Gas supply: the nearest pipeline ({operator}, {number(dist)} km) feeds {feeds_short}; this fleet is "
            f"{number(fleet)} MW")
    detail = (f"Lateral of {number(dist)} km to {operator}; {feeds}; {need}. Graded 'serious' when the fleet is "
              "larger than all the gas generation the pipeline already feeds (a line built for large draws is the "
              "deliverability indicator); firm transport must be confirmed with the pipeline.")
    return Risk("gas supply", 2 if bigger else 1, head, detail, _ratio(fleet, served) if served > 0 else math.nan)


def cost_risk(located) -> Risk:
    """Delivered cost of the chosen design against the scenario's all-in grid price."""
    power = located.design.power
    o = power.option(power.chosen)
    s = located.design.resolved.scenario
    lcoe, grid = _f(o.lcoe_usd_per_mwh), float(s.grid_price_usd_per_mwh)
    year = power.cost_dollar_year
    if power.recommended not in [x.design for x in power.options]:
        return Risk("cost", 3, "Cost: no design meets the gas-share cap and serves the load",
                    f"Gas-share cap {percent(s.max_gas_share_frac)}; every design either burns more gas or leaves "
                    "load unserved.", math.nan)
    above = lcoe > grid
    head = (f"Cost: delivered power at {money(lcoe)}/MWh, {'above' if above else 'below'} the "
            f"{money(grid)}/MWh grid price ({year} dollars)")
    detail = (f"Levelised cost of the {in_text(power.chosen)} design {money(lcoe)}/MWh against the scenario's "
              f"all-in grid price of {money(grid)}/MWh, both in {year} dollars.")
    return Risk("cost", 2 if above else 1, head, detail, _ratio(lcoe, grid))


def reliability_risk(located) -> Risk:
    """The N+k fleet's availability against the scenario's target."""
    power = located.design.power
    f = power.fleet
    target = float(f.reliability_target_frac)
    below = not f.target_met
    worst = min(f.availability_frac, f.binding_hour_availability_frac)
    head = (f"Reliability: the N+{f.redundancy_units} fleet covers the load {percent(f.availability_frac)} of hours, "
            f"{percent(f.binding_hour_availability_frac)} in the hottest hour (target {percent(target)})")
    detail = (f"{f.units_count} x {f.unit_name} with {f.redundancy_units} spare; expected unserved energy "
              f"{number(f.expected_unserved_mwh_per_yr)} MWh/yr. {f.reason}.")
    return Risk("reliability", 2 if below else 0, head, detail,
                _ratio(1.0 - target, 1.0 - worst) if below else math.nan)


def site_risks(located, water, profile) -> list[Risk]:
    """Every graded risk of a site, worst first (see the module docstring for the rule).

    Parameters
    ----------
    located : siting.site.LocatedSite
    water : siting.water_budget.SiteWater
    profile : siting.profiles.Profile
        Its hard limits grade "fails a screen".

    Returns
    -------
    list of Risk
    """
    risks = [water_risk(located, water, profile), air_risk(located, profile), time_risk(located),
             gas_risk(located, profile), cost_risk(located), reliability_risk(located)]
    row = located.scored_row
    weight = _f(row.get("exclusion_weight_frac"))
    failing = {r.topic for r in risks if r.level == 3}
    others = [reason for topic, reason in _exclusion_parts(row) if topic not in failing]
    if others and math.isfinite(weight) and weight < 1.0:
        risks.append(Risk("site screen", 3 if weight == 0 else 2,
                          f"Site screen: {others[0]}" + (f" (and {len(others) - 1} more)" if len(others) > 1 else ""),
                          "Exclusions of the scoring profile: " + "; ".join(others) + f" (inclusion weight "
                          f"{number(weight)}).", 1.0 - weight))
    return sorted(risks, key=lambda r: (-r.level, -(r.excess if math.isfinite(r.excess) else -math.inf)))


def site_verdict(risks: list[Risk]) -> tuple[str, int]:
    """The verdict title and the worst grade among ``risks``."""
    worst = max((r.level for r in risks), default=0)
    return VERDICTS[worst], worst


def _default_profile():
    from siting.profiles import load_profile

    return load_profile("speed_to_power")


def _subscores(row: pd.Series, profile) -> list[dict[str, Any]]:
    weights = profile.normalised_weights() if profile is not None else {}
    out = []
    for k in ("grid", "gas", "water", "air", "climate", "carbon"):
        col = f"score_{k}"
        if col not in row.index:
            continue
        w = weights.get(k)
        if w is not None and w <= 0:
            continue  # not counted by this profile
        v = _plain(row.get(col))
        out.append({"name": col, "value": None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v,
                    "weight_frac": w})
    return out


def _view(rep: SiteReport) -> dict[str, Any]:
    located, water, scenario = rep.located, rep.water, rep.scenario
    name, scored_row, n_sites = located.name, located.scored_row, located.n_sites
    lat, lon = located.latitude_deg, located.longitude_deg
    power = located.design.power
    altitude_m = power.altitude_m
    chosen = power.chosen
    chosen_o = power.option(chosen)
    fleet = power.fleet
    water_chart = water.chart_data()
    in_n_out = next((h["count"] for h in water_chart["headline"] if h["key"] == "in_n_out_restaurant"), math.nan)
    map_layers, attributions, synthetic = rep.map_layers, rep.attributions, rep.synthetic
    ls = located.layers
    station = located.station
    options = power.table().reset_index()
    profile = rep.profile or _default_profile()
    risks = site_risks(located, water, profile)
    title, worst = site_verdict(risks)
    weight = _plain(scored_row.get("exclusion_weight_frac"))
    dispatch_of = chosen if chosen in power.hourly else "gas_only"
    dispatch = {f"{label} ({dispatch_of})": _week(power.hourly[dispatch_of], month, day)
                for label, month, day in DISPATCH_WEEKS}
    rpg = power.option("renewables_plus_gas") if "renewables_plus_gas" in power.hourly else None
    extra_dispatch = {}
    if (dispatch_of != "renewables_plus_gas" and rpg is not None
            and rpg.renewable_fraction_frac >= MIN_RENEWABLE_SHOWN_FRAC):
        extra_dispatch = {f"{label} (renewables_plus_gas)": _week(power.hourly["renewables_plus_gas"], month, day)
                          for label, month, day in DISPATCH_WEEKS}
    # the default name (design_at's) says where the site is in signed degrees; people read hemispheres
    shown = f"Site at {lat_lon(lat, lon)}" if name == f"Site at {lat:.4f}, {lon:.4f}" else name
    report: dict[str, Any] = {
        "title": f"Site report: {shown}",
        "synthetic": bool(synthetic or getattr(ls, "is_synthetic", False)),
        "generated_utc": rep.generated_utc,
        "site": {
            "name": name, "latitude_deg": lat, "longitude_deg": lon, "site_id": scored_row.get("site_id"),
            "state_abbr": scored_row.get("state_abbr"), "county_name": scored_row.get("county_name"),
            "it_load_mw": located.design.it_load_mw, "altitude_m": altitude_m,
        },
        "summary": {
            "score_total": scored_row.get("score_total"),
            "rank": scored_row.get("rank"),
            "n_sites": n_sites,
            "time_to_first_power_months": chosen_o.months_to_first_power,
            "delivered_cost_usd_per_mwh": chosen_o.lcoe_usd_per_mwh,
            "cost_dollar_year": power.cost_dollar_year,
            "water_consumption_gal_per_yr": water.cooling.water_consumption_gal_per_yr,
            "in_n_out_equivalents": in_n_out,
            "verdict": str(scored_row.get("explanation", "") or water.context.verdict),
        },
        "memo": {
            "verdict": title, "level": worst, "risks": [r.to_dict() for r in risks if r.level > 0][:3],
            "all_risks": [r.to_dict() for r in risks], "rule": RULE_TEXT,
            "score": {"total": _plain(scored_row.get("score_total")), "rank": _plain(scored_row.get("rank")),
                      "n_sites": n_sites, "profile": profile.name, "excluded": weight is not None and weight == 0,
                      "exclusion_weight_frac": weight, "exclusion_reason": _plain(scored_row.get("exclusion_reason")),
                      "explanation": _plain(scored_row.get("explanation")),
                      "subscores": _subscores(scored_row, profile)},
            "analysis_year": scenario.analysis_year, "grid_price_usd_per_mwh": scenario.grid_price_usd_per_mwh,
            "deal_note": rep.deal_note,
        },
        "site_columns": {k: v for k, v in scored_row.items() if k != "geometry"},
        "map": {"layers": map_layers, "radius_km": MAP_RADIUS_KM},
        "power": {
            "chosen": chosen, "recommended": power.recommended, "cost_dollar_year": power.cost_dollar_year,
            "unit_name": power.unit_name, "facility_energy_mwh_per_yr": power.facility_energy_mwh_per_yr,
            "fleet": [{
                "unit": power.unit_name, "count": fleet.units_count,
                "running_needed": fleet.units_running_needed,
                "iso_capacity_mw": fleet.iso_capacity_mw, "hot_day_capacity_mw": fleet.hot_hour_capacity_mw,
                "firm_capacity_mw": fleet.firm_capacity_mw,
            }],
            "hot_day": {
                "temp_air_degc": fleet.hot_hour_temp_air_degc, "altitude_m": altitude_m,
                "fleet_iso_capacity_mw": fleet.iso_capacity_mw,
                "hot_hour_fleet_capacity_mw": fleet.hot_hour_capacity_mw,
                "derate_frac": fleet.hot_hour_derate_frac, "facility_peak_load_mw": power.facility_peak_load_mw,
            },
            "options": options[list(OPTION_COLUMNS)].to_dict(orient="records"),
            "option_details": [dataclasses.asdict(o) for o in power.options],
            "dispatch": dispatch,
            "dispatch_renewables": extra_dispatch,
            "reliability": {
                "availability_frac": fleet.availability_frac, "nines": fleet.nines,
                "unserved_energy_mwh_per_yr": fleet.expected_unserved_mwh_per_yr,
                "n_plus": fleet.redundancy_units, "target_met": fleet.target_met, "reason": fleet.reason,
                "binding_hour_availability_frac": fleet.binding_hour_availability_frac,
                "loss_of_load_hours_per_yr": fleet.loss_of_load_hours_per_yr,
                "uncovered_maintenance_unit_hours_per_yr": fleet.uncovered_maintenance_unit_hours_per_yr,
                "forced_outage_rate_frac": fleet.unit_unavailability_frac,
                "planned_outage_hours_per_yr": fleet.planned_outage_hours_per_yr,
            },
            "availability": availability_by_spares(located.design),
            "reliability_target_frac": scenario.reliability_target_frac,
            "redundancy_units": fleet.redundancy_units,
            "redundancy_floor_units": scenario.redundancy_units,
            "notes": [
                f"Weather: station {station.get('station_name', station.get('station_id'))} "
                f"{located.distance_to_station_km:.0f} km from the site (typical meteorological year).",
                f"Money in USD of {power.cost_dollar_year} (sources converted with CPI-U); capital by equipment class on "
                f"the {scenario.cost_basis} basis.",
                *power.cost_notes,
                f"Design shown: {power.chosen} (the scenario's power_design); the cheapest option that meets the "
                f"gas-share cap and serves the load is {power.recommended}. All designs are compared in the options table.",
            ],
            "time_to_power": {d: chain.lines() for d, chain in power.time_chains.items()},
            "chains": {d: {"months_to_first_power": c.months_to_first_power, "months_to_grid": c.months_to_grid,
                           "critical_path": list(c.critical_path), "steps": [dataclasses.asdict(x) for x in c.steps]}
                       for d, c in power.time_chains.items()},
        },
        "emissions": {
            "facts": {
                "co2_tonnes_per_yr": chosen_o.co2_tonnes_per_yr,
                "nox_tons_per_yr_without_scr": chosen_o.nox_tons_per_yr_without_scr,
                "nox_tons_per_yr_with_scr": chosen_o.nox_tons_per_yr_with_scr,
                "nox_pte_tons_per_yr_with_scr": chosen_o.nox_pte_tons_per_yr_with_scr,
                "nonattainment_status": power.nonattainment_status or "unknown",
                "air_permit_path": chosen_o.air_permit_path,
            },
            "permit_path": [chosen_o.air_permit_reason],
            "notes": ["NOx potential to emit assumes every installed unit runs all year (the permit basis)."],
        },
        "water": {**water_chart, "cooling": water.cooling.to_dict(), "cooling_design": scenario.cooling,
                  "county_name": _plain(scored_row.get("county_name")), "notes": [
            *water.notes,
            "County shares use USGS 2015 withdrawals counted in the county where water is taken: a city supplied "
            "from reservoirs or wells in other counties shows a small county total, so a high share there can "
            "overstate the local pressure.",
        ]},
        "sources": rep.sources,
        "scenario": assumption_rows(scenario),
        "notes": [*(["SYNTHETIC SAMPLE REGION: the layers are invented; only the weather is real."]
                    if getattr(ls, "is_synthetic", False) else []), *attributions],
    }
    if rep.deal is not None:
        report["deal"] = {**rep.deal, "name": str(rep.deal.get("name", "")).replace(name, shown),
                          "draws": rep.deal_draws or {}, "about": rep.deal_note.replace(name, shown)}
    return report


def write_site_report(report: SiteReport | dict[str, Any], path: str | Path, *, pdf: bool = False,
                      overwrite: bool = False) -> Path:
    """Render a report (a :class:`SiteReport`, or a view dict) to one self-contained HTML file (and its PDF)."""
    from maps.report import render_report

    path = Path(path)
    if path.exists() and not overwrite:
        raise ConfigError(f"{str(path)!r} exists; pass --overwrite to replace it")
    from siting.map_context import column_labels

    view = report.view() if isinstance(report, SiteReport) else report
    return render_report(view, path, pdf=pdf, overwrite=True, labels=column_labels())
