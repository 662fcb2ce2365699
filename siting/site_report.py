"""The site report for one location: a typed :class:`SiteReport` built from the site chain.

A readable sequence: the site scored against the layer set and run through the site
chain (:func:`siting.site.design_at`: fleet, hourly dispatch, emissions and permit path,
time to power, cost stack) -> its water budget, benchmarks and context from the same
design -> context layers for the map -> :class:`SiteReport`, which gives its figures as
JSON (:meth:`SiteReport.to_dict`, what ``siting report --json`` prints), the view that
:func:`maps.report.render_report` lays out (:meth:`SiteReport.view`) and a notebook
summary (``_repr_html_``).
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


def _week(hourly: pd.DataFrame, month: int, day: int) -> dict[str, Any]:
    idx = hourly.index
    start = int(np.flatnonzero((idx.month == month) & (idx.day == day))[0])
    part = hourly.iloc[start:start + 168]
    series = {
        "renewables": part["renewable_direct_mw"].tolist(),
        "battery discharge": part["battery_discharge_mw"].tolist(),
        "gas": part["gas_mw"].tolist(),
        "unserved": part["unserved_mw"].tolist(),
    }
    series = {k: v for k, v in series.items() if max(v, default=0.0) > 0.0 or k == "gas"}
    return {"hour": list(range(len(part))), "series_mw": series, "stacked": True}


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
        ``siting.deal.DealResult.to_dict()`` of a deal shown with the site.
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
        """A compact summary for notebooks: where, the score, the chosen and recommended designs, water."""
        p = self.power
        c = p.option(p.chosen)
        r = p.option(p.recommended) if p.recommended in [o.design for o in p.options] else None
        w = self.water.budget.get("total", "consumption").gal_per_yr
        cells = [
            ("Site", f"{self.name} ({self.located.latitude_deg:.4f}, {self.located.longitude_deg:.4f})"),
            ("Score", f"{_num(self.scored_row.get('score_total'), '.2f')} (rank {_num(self.scored_row.get('rank'), '.0f')})"),
            (f"Design {p.chosen}", f"{c.gas_units_count} x {p.unit_name}, {_num(c.lcoe_usd_per_mwh, ',.1f')} "
                                   f"USD{p.cost_dollar_year}/MWh, first power in {_num(c.months_to_first_power, '.0f')} months"),
            ("Recommended", p.recommended if r is None else f"{p.recommended}: {_num(r.lcoe_usd_per_mwh, ',.1f')} "
                                                           f"USD{p.cost_dollar_year}/MWh"),
            ("Air permit", f"{c.air_permit_path} ({c.air_permit_county_class})"),
            ("Water, total consumption", f"{_num(w / 1e6, ',.1f')} million gal/yr ({self.water.context.verdict})"),
        ]
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
        ``siting.deal.DealResult.to_dict()`` of a deal to show.

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
    r = MAP_RADIUS_KM / 111.0
    map_layers, attributions, synthetic = context_layers(ls, (lon - r, lat - r, lon + r, lat + r), margin_deg=r / 2)
    return SiteReport(
        located=located, water=water, scenario=scenario, map_layers=map_layers, attributions=list(attributions),
        synthetic=bool(synthetic or getattr(ls, "is_synthetic", False)), sources=_sources(ls),
        generated_utc=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(), deal=deal,
    )


def _view(rep: SiteReport) -> dict[str, Any]:
    located, water, scenario = rep.located, rep.water, rep.scenario
    name, scored_row, n_sites = located.name, located.scored_row, located.n_sites
    lat, lon = located.latitude_deg, located.longitude_deg
    power = located.design.power
    altitude_m = power.altitude_m
    chosen = power.option(power.chosen)
    fleet = power.fleet
    water_chart = water.chart_data()
    in_n_out = next((h["count"] for h in water_chart["headline"] if h["key"] == "in_n_out_restaurant"), math.nan)
    map_layers, attributions, synthetic = rep.map_layers, rep.attributions, rep.synthetic
    ls = located.layers
    station = located.station
    options = power.table().reset_index()
    report: dict[str, Any] = {
        "title": f"Site report: {name}",
        "synthetic": bool(synthetic or getattr(ls, "is_synthetic", False)),
        "generated_utc": rep.generated_utc,
        "site": {
            "name": name, "latitude_deg": lat, "longitude_deg": lon, "site_id": scored_row.get("site_id"),
            "state_abbr": scored_row.get("state_abbr"), "county_name": scored_row.get("county_name"),
        },
        "summary": {
            "score_total": scored_row.get("score_total"),
            "rank": scored_row.get("rank"),
            "n_sites": n_sites,
            "time_to_first_power_months": chosen.months_to_first_power,
            "delivered_cost_usd_per_mwh": chosen.lcoe_usd_per_mwh,
            "cost_dollar_year": power.cost_dollar_year,
            "water_consumption_gal_per_yr": water.cooling.water_consumption_gal_per_yr,
            "in_n_out_equivalents": in_n_out,
            "verdict": str(scored_row.get("explanation", "") or water.context.verdict),
        },
        "site_columns": {k: v for k, v in scored_row.items() if k != "geometry"},
        "map": {"layers": map_layers, "radius_km": MAP_RADIUS_KM},
        "power": {
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
            "dispatch": {
                f"{label} ({power.chosen if power.chosen in power.hourly else 'renewables_plus_gas'})": _week(
                    power.hourly.get(power.chosen, power.hourly["renewables_plus_gas"]), month, day)
                for label, month, day in DISPATCH_WEEKS
            },
            "reliability": {
                "availability_frac": fleet.availability_frac, "nines": fleet.nines,
                "unserved_energy_mwh_per_yr": fleet.expected_unserved_mwh_per_yr,
                "n_plus": scenario.redundancy_units,
            },
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
        },
        "emissions": {
            "facts": {
                "co2_tonnes_per_yr": chosen.co2_tonnes_per_yr,
                "nox_tons_per_yr_without_scr": chosen.nox_tons_per_yr_without_scr,
                "nox_tons_per_yr_with_scr": chosen.nox_tons_per_yr_with_scr,
                "nox_pte_tons_per_yr_with_scr": chosen.nox_pte_tons_per_yr_with_scr,
                "nonattainment_status": power.nonattainment_status or "unknown",
                "air_permit_path": chosen.air_permit_path,
            },
            "permit_path": [chosen.air_permit_reason],
            "notes": ["NOx potential to emit assumes every installed unit runs all year (the permit basis)."],
        },
        "water": {**water_chart, "notes": [
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
        report["deal"] = rep.deal
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
