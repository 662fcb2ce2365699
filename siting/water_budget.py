"""Water of one site: cooling water, power-generation water, the budget by scope, benchmarks, context.

Built from the site chain (:mod:`siting.chain`), so the water section of the report,
``siting water`` and the batch designs' water columns are one calculation:

1. on-site cooling water and PUE hour by hour from the station's weather (the chain's
   climate step, scaled to the IT load served), or, for the shipped reference example, a
   published WUE (:func:`site_water_from_published_wue`);
2. power-generation water from the chain's dispatch of the site's power design: gas by
   prime mover, PV and wind output used, grid energy at the US grid average;
3. the budget by scope (on-site direct, power generation, total) and metric (consumption,
   withdrawal), per year (the chain's annual figures) and peak day (from the hourly year);
4. benchmark equivalents, like for like;
5. the local context (:mod:`siting.water_context`): shares of the county's withdrawals and
   public supply, Aqueduct water stress and a verdict with reasons.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from models import benchmarks as bm
from models import cooling as cl
from models import water as wt
from models.units import HOURS_PER_YEAR
from siting.chain.resolved import gas_technology
from siting.chain.site import SiteDesign
from siting.errors import ConfigError, unknown_name
from siting.scenario import Scenario
from siting.water_context import LocalContext, VerdictThresholds, local_context

log = logging.getLogger(__name__)

#: Benchmarks a report headline uses, in order (each like for like; absent when its site figure is unknown).
HEADLINE_BENCHMARKS = ("in_n_out_restaurant", "double_double_burger", "household_family_of_four")


@dataclass(frozen=True)
class SiteWater:
    """Everything the tool says about one site's water.

    Attributes
    ----------
    scenario : Scenario
        The assumptions used.
    cooling : CoolingSummary
        Annual cooling results (method says whether modelled hourly or from a published WUE).
    budget : WaterBudget
        Scoped budget.
    benchmarks : pandas.DataFrame
        Like-for-like equivalents of the on-site figures (:func:`models.benchmarks.translate`).
    context : LocalContext
        County shares, water stress, verdict.
    power_by_technology : pandas.DataFrame
        Annual generation and water by technology (empty when power was not modelled).
    monthly : pandas.DataFrame
        Month (1-12) by on-site consumption and withdrawal [gal/month] and mean PUE [-].
    notes : tuple of str
        Caveats in plain language.
    """

    scenario: Scenario
    cooling: cl.CoolingSummary
    budget: wt.WaterBudget
    benchmarks: pd.DataFrame
    context: LocalContext
    power_by_technology: pd.DataFrame
    monthly: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    def columns(self) -> dict[str, Any]:
        """The site-table columns (see ``site_columns.csv``, group ``water``) for this site."""
        b = self.budget
        inno = self.benchmarks.loc[self.benchmarks["key"] == "in_n_out_restaurant", "count"]
        return {
            "county_withdrawal_total_gal_per_day": self.context.county_withdrawal_total_gal_per_day,
            "county_public_supply_gal_per_day": self.context.county_public_supply_gal_per_day,
            "site_water_consumption_gal_per_yr": self.cooling.water_consumption_gal_per_yr,
            "site_water_share_of_county_pct": self.context.share_of_county_pct,
            "site_water_withdrawal_gal_per_yr": self.cooling.water_withdrawal_gal_per_yr,
            "site_water_peak_day_gal_per_day": self.cooling.peak_day_consumption_gal_per_day,
            "wue_consumption_l_per_kwh": self.cooling.wue_consumption_l_per_kwh,
            "wue_withdrawal_l_per_kwh": self.cooling.wue_withdrawal_l_per_kwh,
            "cooling_pue_annual": self.cooling.pue_annual,
            "power_water_consumption_gal_per_yr": b.get("power_generation", "consumption").gal_per_yr,
            "total_water_consumption_gal_per_yr": b.get("total", "consumption").gal_per_yr,
            "site_water_share_of_public_supply_pct": self.context.share_of_public_supply_pct,
            "water_stress_bws_score": self.context.bws_score,
            "water_stress_bws_label": self.context.bws_label,
            "water_in_n_out_equivalents": float(inno.iloc[0]) if len(inno) else math.nan,
            "water_verdict": self.context.verdict,
            "county_fresh_withdrawal_gal_per_day": self.context.county_fresh_withdrawal_gal_per_day,
            "county_water_gal_per_day": self.context.county_water_gal_per_day,
            "utility_supply_gal_per_day": self.context.utility_supply_gal_per_day,
            "public_supply_basis": self.context.public_supply_basis,
            "water_stress_state_avg_bws_score": self.context.state_avg_bws_score,
            "water_stress_basis": self.context.water_stress_basis,
            "water_verdict_basis": self.context.verdict_basis,
        }

    def chart_data(self) -> dict[str, Any]:
        """Plain lists and dicts for a report chart (the maps package renders them).

        Returns
        -------
        dict
            ``budget``: rows (scope, metric, gal_per_yr, peak_day_gal_per_day);
            ``monthly``: rows (month, consumption_gal, withdrawal_gal, pue);
            ``benchmarks``: rows (key, per_unit, count, site_metric, water_scope, like_for_like, source);
            ``headline``: the :data:`HEADLINE_BENCHMARKS` rows that could be computed;
            ``context``: the local context; ``units``: unit of each numeric field.
        """
        return {
            "budget": self.budget.to_frame().drop(columns=["description"]).to_dict(orient="records"),
            "monthly": self.monthly.reset_index().to_dict(orient="records"),
            "benchmarks": self.benchmarks[
                ["key", "per_unit", "count", "site_metric", "water_scope", "like_for_like", "source"]
            ].to_dict(orient="records"),
            "headline": [
                {"key": k, "per_unit": r["per_unit"], "count": r["count"], "site_metric": r["site_metric"]}
                for k in HEADLINE_BENCHMARKS
                for _, r in self.benchmarks[self.benchmarks["key"] == k].iterrows()
            ],
            "context": {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(self.context).items()},
            "units": {
                "gal_per_yr": "gal/yr",
                "peak_day_gal_per_day": "gal/day",
                "consumption_gal": "gal/month",
                "withdrawal_gal": "gal/month",
                "pue": "-",
                "count": "units of per_unit",
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (scenario, cooling, budget, benchmarks, context, notes)."""
        return {
            "scenario": self.scenario.to_dict(),
            "cooling": self.cooling.to_dict(),
            "budget": self.budget.to_frame().to_dict(orient="records"),
            "budget_notes": list(self.budget.notes),
            "benchmarks": self.benchmarks.to_dict(orient="records"),
            "context": {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(self.context).items()},
            "power_by_technology": self.power_by_technology.reset_index().to_dict(orient="records"),
            "monthly": self.monthly.reset_index().to_dict(orient="records"),
            "columns": self.columns(),
            "notes": list(self.notes),
        }


# -- from the site chain ---------------------------------------------------------------------


def generation_by_technology(design: SiteDesign, option: str | None = None) -> pd.DataFrame:
    """Hourly generation by water technology of an option's dispatch [MWh in the hour].

    ``gas_only`` and ``bridge_to_grid`` (its bridge years) use the gas-only dispatch;
    ``grid_with_backup`` takes the facility load from the grid; ``renewables_plus_gas`` its
    re-dispatch, with PV and wind output used split hour by hour by availability (the chain's
    split). Battery discharge is storage, not generation.
    """
    power = design.power
    option = option or power.chosen
    tech = design.resolved.gas_technology
    frame = power.hourly["renewables_plus_gas" if option == "renewables_plus_gas" else "gas_only"]
    if option == "grid_with_backup":
        hourly = pd.DataFrame({"grid_mw": frame["load_mw"]}, index=frame.index)
    elif option == "renewables_plus_gas":
        hourly = frame[["gas_mw", "pv_used_mw", "wind_used_mw"]].rename(columns={"pv_used_mw": "pv_mw",
                                                                                 "wind_used_mw": "wind_mw"})
    else:
        hourly = frame[["gas_mw"]]
    return wt.generation_from_dispatch(hourly, gas_technology=tech)


def _by_technology(design: SiteDesign, option: str) -> pd.DataFrame:
    """Annual energy and water by technology of an option (the chain's annual energy by source)."""
    o = design.power.option(option)
    keys = {"gas": design.resolved.gas_technology, "pv": "solar_pv", "wind": "wind", "grid": "grid_average_us"}
    energy = {"gas": o.gas_mwh_per_yr, "pv": o.pv_mwh_per_yr, "wind": o.wind_mwh_per_yr, "grid": o.grid_mwh_per_yr}
    rows = []
    for source, mwh in energy.items():
        if not mwh > 0:
            continue
        f = wt.power_water_factor(keys[source])
        c, w = design.resolved.water_factors[source]
        rows.append({"technology": f.technology, "energy_mwh_per_yr": mwh, "consumption_gal_per_mwh": c,
                     "withdrawal_gal_per_mwh": w, "consumption_gal_per_yr": mwh * c, "withdrawal_gal_per_yr": mwh * w,
                     "consumption_basis": f.consumption_basis, "withdrawal_basis": f.withdrawal_basis,
                     "source": f.source})
    return pd.DataFrame(rows).set_index("technology") if rows else pd.DataFrame()


def _mix_text(table: pd.DataFrame) -> str:
    whole = float(table["energy_mwh_per_yr"].sum()) if len(table) else 0.0
    return ", ".join(f"{k} {v:,.0f} MWh/yr ({100.0 * v / whole:.1f} %)" if whole > 0 else f"{k} {v:,.0f} MWh/yr"
                     for k, v in (table["energy_mwh_per_yr"].items() if len(table) else []))


def _peak_day(values: np.ndarray, index: pd.Index) -> float:
    if isinstance(index, pd.DatetimeIndex):
        return float(pd.Series(values, index=index).groupby(index.normalize()).sum(min_count=1).max())
    return float(pd.Series(values).groupby(np.arange(len(values)) // 24).sum(min_count=1).max())


def budget_of(design: SiteDesign, option: str | None = None) -> wt.WaterBudget:
    """The water budget of a designed site: the chain's annual figures, peak days from the hourly year.

    Parameters
    ----------
    design : SiteDesign
    option : str, optional
        Power option (default the scenario's ``power_design``).

    Returns
    -------
    models.water.WaterBudget
    """
    option = option or design.power.chosen
    annual = design.water(option)
    on_site = design.hourly_cooling()
    power_hourly = wt.hourly_power_water(generation_by_technology(design, option))
    hourly = {
        ("on_site_direct", "consumption"): on_site["water_consumption_gal"].to_numpy(dtype=float),
        ("on_site_direct", "withdrawal"): on_site["water_withdrawal_gal"].to_numpy(dtype=float),
        ("power_generation", "consumption"): power_hourly["consumption_gal"].to_numpy(dtype=float),
        ("power_generation", "withdrawal"): power_hourly["withdrawal_gal"].to_numpy(dtype=float),
    }
    for metric in ("consumption", "withdrawal"):
        hourly[("total", metric)] = hourly[("on_site_direct", metric)] + hourly[("power_generation", metric)]
    names = {"on_site_direct": "on_site", "power_generation": "power", "total": "total"}
    lines = []
    for scope in wt.BUDGET_SCOPES:
        for metric in wt.BUDGET_METRICS:
            gal = annual[f"{names[scope]}_{metric}_gal_per_yr"]
            peak = _peak_day(hourly[(scope, metric)], on_site.index) if np.isfinite(gal) else math.nan
            lines.append(wt.BudgetLine(scope, metric, "blue", gal, peak))
    notes = []
    if not np.isfinite(annual["power_withdrawal_gal_per_yr"]):
        notes.append("power-generation withdrawal not available for a technology in the mix (see water_use_factors.csv)")
    return wt.WaterBudget(tuple(lines), tuple(notes))


def _monthly(hourly: pd.DataFrame) -> pd.DataFrame:
    month = hourly.index.month if isinstance(hourly.index, pd.DatetimeIndex) else \
        np.minimum(np.arange(len(hourly)) // 730 + 1, 12)
    g = hourly.groupby(np.asarray(month))
    out = pd.DataFrame({"consumption_gal": g["water_consumption_gal"].sum(min_count=1),
                        "withdrawal_gal": g["water_withdrawal_gal"].sum(min_count=1), "pue": g["pue"].mean()})
    out.index.name = "month"
    return out


def site_water_of(
    design: SiteDesign,
    *,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    golf_region: str | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
    notes: tuple[str, ...] = (),
) -> SiteWater:
    """Everything about a designed site's water, for its scenario's power design.

    Parameters
    ----------
    design : SiteDesign
        The site chain's result (:func:`siting.site.design_at` or :func:`siting.power.design_site_from_weather`).
    county_water : mapping, optional
        The site county's ``water_use`` row (``withdrawal_total_gal_per_day``,
        ``withdrawal_public_supply_gal_per_day`` [gal/day], ``county_fips``).
    water_stress : mapping, optional
        ``bws_score`` [0-5], ``bws_label``, ``indicator`` (which basis).
    golf_region : str, optional
        The site's GCSAA agronomic region for the golf benchmark; None: the national figure and each region's.
    thresholds : VerdictThresholds
    notes : tuple of str
        Notes placed first (where the site and its weather come from).

    Returns
    -------
    SiteWater
    """
    option = design.power.chosen
    cooling = design.cooling
    budget = budget_of(design, option)
    table = _by_technology(design, option)
    o = design.power.option(option)
    unit = design.power.unit_name
    how = {"gas_only": f"the gas_only hourly dispatch ({design.power.fleet.units_count} x {unit})",
           "bridge_to_grid": f"the gas_only hourly dispatch ({design.power.fleet.units_count} x {unit}) for the "
                             "bridge years before the grid arrives",
           "grid_with_backup": "the facility load of the power design, all from the grid",
           "renewables_plus_gas": (f"the renewables_plus_gas hourly re-dispatch ({o.pv_capacity_mw_dc:,.0f} MWdc PV, "
                                   f"{o.wind_capacity_mw:,.0f} MW wind, {o.battery_capacity_mw:,.0f} MW / "
                                   f"{o.battery_energy_mwh:,.0f} MWh battery, {design.power.fleet.units_count} x {unit})")}
    power_note = (f"power-generation water from {how[option]} of the site's power design ({option}); the {unit} is "
                  f"counted as {design.resolved.gas_technology}; generation mix: {_mix_text(table)}; the dispatch "
                  "carries the facility load of the cooling model's hourly PUE")
    if option == "bridge_to_grid":
        grid_gal = design.power.facility_energy_mwh_per_yr * design.resolved.water_factors["grid"][0]
        power_note += (f"; once on the grid the power-generation consumption becomes about {grid_gal / 1e6:,.0f} "
                       "million gal/yr at the US grid average")
    budget = dataclasses.replace(budget, notes=(power_note,) + budget.notes)
    bench = bm.translate(cooling.water_consumption_gal_per_yr, cooling.water_withdrawal_gal_per_yr,
                         golf_region=golf_region)
    ctx = local_context(cooling.water_consumption_gal_per_yr, cooling.water_withdrawal_gal_per_yr,
                        county_water=county_water, water_stress=water_stress, thresholds=thresholds)
    all_notes = [*notes, cooling.basis]
    if cooling.hours != HOURS_PER_YEAR:
        all_notes.append(f"weather has {cooling.hours:,} hours; annual figures are scaled to 8,760 h")
    all_notes.append(power_note)
    all_notes.extend(n for n in bench["note"] if n)
    if county_water is None:
        all_notes.append("no county water-use row: shares of county withdrawals are unknown")
    if water_stress is None:
        all_notes.append("no water-stress value: Aqueduct score unknown")
    return SiteWater(scenario=design.resolved.scenario, cooling=cooling, budget=budget, benchmarks=bench, context=ctx,
                     power_by_technology=table, monthly=_monthly(design.hourly_cooling()), notes=tuple(all_notes))


def site_water(
    weather: pd.DataFrame,
    scenario: Scenario,
    *,
    altitude_m: float | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    combined_cycle_cooling: str = "wet",
    golf_region: str | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> SiteWater:
    """Water of a campus on one weather year, without a layer set (the site chain on that weather).

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather; its TMY3 header says where it was measured (else give latitude/longitude).
    scenario : Scenario
        IT load, utilisation, cooling, power design, prime mover.
    altitude_m : float, optional
        Site elevation [m]; default the weather station's.
    latitude, longitude : float, optional
        Site [deg]; default the station's.
    county_water, water_stress, golf_region, thresholds
        As for :func:`site_water_of`.
    combined_cycle_cooling : str
        Condenser cooling of a combined-cycle prime mover.

    Returns
    -------
    SiteWater
    """
    from siting.chain.climate import station_from_weather
    from siting.power import design_site_from_weather

    station = station_from_weather(weather, latitude=latitude, longitude=longitude)
    design = design_site_from_weather(weather, scenario, altitude_m=station.elevation_m if altitude_m is None else altitude_m,
                                      latitude=latitude, longitude=longitude,
                                      combined_cycle_cooling=combined_cycle_cooling)
    return site_water_of(design, county_water=county_water, water_stress=water_stress, golf_region=golf_region,
                         thresholds=thresholds, notes=(f"weather: the hourly table given ({station.name})",))


def site_water_at(lat: float, lon: float, scenario: Scenario, *, layers=None, weather: pd.DataFrame | None = None,
                  profile: str = "speed_to_power", combined_cycle_cooling: str = "wet",
                  golf_region: str | None = None) -> SiteWater:
    """Water at a location, from a layer set: the site scored, designed and set in its context.

    The site goes through the same steps as a row of a batch run and the site report
    (:func:`siting.site.design_at`): criteria (county, station, ozone class, queue wait),
    then the site chain; the context (county water use, water stress) comes from the same
    lookups as batch scoring.

    Parameters
    ----------
    lat, lon : float
        Site coordinates [deg, WGS84].
    scenario : Scenario
    layers : LayerSet-like, path or None
        Default the embedded sample.
    weather : pandas.DataFrame, optional
        Hourly weather to design on instead of the nearest station's year.
    profile : str
        Scoring profile for the criteria run (it does not change the water).
    combined_cycle_cooling : str
        Condenser cooling if the prime mover is a combined cycle.
    golf_region : str, optional
        The site's GCSAA agronomic region for the golf benchmark.

    Returns
    -------
    SiteWater
    """
    from siting.site import design_at

    located = design_at(lat, lon, scenario, layers=layers, profile=profile, weather=weather,
                        combined_cycle_cooling=combined_cycle_cooling)
    return located.water(golf_region=golf_region)


# -- a published WUE, weather-independent ------------------------------------------------------


def _assumed_generation_note(scenario: Scenario, combined_cycle_cooling: str) -> tuple[str | None, str]:
    if scenario.power_design == "renewables_plus_gas":
        return None, ("power-generation water not modelled: a published-WUE example has no weather, so no dispatch; "
                      "renewables_plus_gas needs one")
    tech = ("grid_average_us" if scenario.power_design == "grid_with_backup"
            else gas_technology(scenario.prime_mover, combined_cycle_cooling=combined_cycle_cooling))
    return tech, (f"power-generation water assumes all facility energy (IT energy x the scenario's PUE) comes from "
                  f"{tech} ({wt.power_water_factor(tech).consumption_basis}) for the {scenario.power_design} design; "
                  "no weather, so no dispatch")


def site_water_from_published_wue(
    scenario: Scenario,
    wue_key: str,
    *,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    golf_region: str | None = None,
    combined_cycle_cooling: str = "wet",
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> SiteWater:
    """Water of a campus from a published WUE (weather-independent, clearly labelled).

    The on-site consumption is the published WUE [L/kWh] times the IT energy, spread evenly
    over the year (so the peak day is the annual figure / 365); PUE is the scenario's. With
    no weather there is no dispatch: power-generation water takes all facility energy from
    one technology (the prime mover's, or the grid's), stated in the notes.

    Parameters
    ----------
    scenario : Scenario
        Uses ``it_load_mw``, ``it_utilization_frac``, ``cooling``, ``pue``, ``power_design``, ``prime_mover``.
    wue_key : str
        Key of a published WUE in ``water_use_factors.csv`` (``models.water.published_wues``).
    county_water, water_stress, golf_region, thresholds
        As for :func:`site_water_of`.

    Returns
    -------
    SiteWater
    """
    pub = wt.published_wue(wue_key)
    if not np.isfinite(pub.wue_l_per_kwh_it):
        valid = [k for k, v in wt.published_wues().items() if np.isfinite(v.wue_l_per_kwh_it)]
        raise ConfigError(f"published figure {wue_key!r} has no WUE (only a PUE); use one of: {', '.join(valid)}")
    basis = (
        f"published WUE {pub.wue_l_per_kwh_it} L/kWh ({pub.basis}) from {pub.source} [{pub.source_url}], times IT "
        f"energy; weather-independent, not modelled; source notes: {pub.notes}"
    )
    summary = cl.cooling_from_published_wue(
        scenario.it_load_mw, pub.wue_l_per_kwh_it, design=scenario.cooling, pue=scenario.pue,
        it_utilization_frac=scenario.it_utilization_frac, basis=basis,
    )
    idx = pd.date_range("2021-01-01", periods=HOURS_PER_YEAR, freq="h")
    it_mw = scenario.it_load_mw * scenario.it_utilization_frac
    hourly = pd.DataFrame({"water_consumption_gal": summary.water_consumption_gal_per_yr / HOURS_PER_YEAR,
                           "water_withdrawal_gal": math.nan, "facility_power_mw": it_mw * scenario.pue,
                           "pue": scenario.pue}, index=idx)
    tech, power_note = _assumed_generation_note(scenario, combined_cycle_cooling)
    power_hourly = None
    table = pd.DataFrame()
    if tech is not None:
        gen = pd.DataFrame({tech: hourly["facility_power_mw"].to_numpy()}, index=idx)
        power_hourly = wt.hourly_power_water(gen)
        table = wt.power_water_by_technology(gen)
    budget = wt.water_budget(hourly, power_hourly)
    budget = dataclasses.replace(budget, notes=(power_note,) + budget.notes)
    bench = bm.translate(summary.water_consumption_gal_per_yr, summary.water_withdrawal_gal_per_yr,
                         golf_region=golf_region)
    ctx = local_context(summary.water_consumption_gal_per_yr, summary.water_withdrawal_gal_per_yr,
                        county_water=county_water, water_stress=water_stress, thresholds=thresholds)
    notes = [basis, power_note, *(n for n in bench["note"] if n)]
    if county_water is None:
        notes.append("no county water-use row: shares of county withdrawals are unknown")
    if water_stress is None:
        notes.append("no water-stress value: Aqueduct score unknown")
    return SiteWater(scenario=scenario, cooling=summary, budget=budget, benchmarks=bench, context=ctx,
                     power_by_technology=table, monthly=_monthly(hourly), notes=tuple(notes))


# -- named examples ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WaterExample:
    """A shipped, named water example (``siting/examples/water_<name>.toml``).

    Attributes
    ----------
    name : str
        Example name (the file name without ``water_`` and ``.toml``).
    title : str
        One line.
    method : str
        ``"published_wue"`` (the only method that runs without weather files).
    published_wue : str
        Key of the WUE in ``water_use_factors.csv``.
    scenario : Scenario
        The example's assumptions.
    expected : dict
        Published figures the example reproduces (checked by the tests).
    notes : str
        How the example computes and what it does not include.
    """

    name: str
    title: str
    method: str
    published_wue: str
    scenario: Scenario
    expected: dict
    notes: str


def _example_files() -> dict[str, Any]:
    folder = resources.files("siting").joinpath("examples")
    out = {}
    for entry in folder.iterdir():
        n = entry.name
        if n.startswith("water_") and n.endswith(".toml"):
            out[n[len("water_"):-len(".toml")]] = entry
    return dict(sorted(out.items()))


def list_examples() -> dict[str, str]:
    """Names and titles of the shipped water examples."""
    return {name: load_example(name).title for name in _example_files()}


def load_example(name: str) -> WaterExample:
    """Load a shipped water example by name; an unknown name lists the valid ones."""
    files = _example_files()
    if name not in files:
        raise unknown_name("water example", name, files)
    from gis_data.io import parse_toml

    data = parse_toml(files[name].read_text(encoding="utf-8"), name=f"water example {name!r}")
    method = data.get("method")
    if method != "published_wue":
        raise ConfigError(f"water example {name!r}: method={method!r}; expected 'published_wue'")
    return WaterExample(
        name=name,
        title=data["title"],
        method=method,
        published_wue=data["published_wue"],
        scenario=Scenario.from_dict(data.get("scenario", {}), origin=f"water example {name!r} [scenario]"),
        expected=dict(data.get("expected", {})),
        notes=" ".join(data.get("notes", "").split()),
    )


def run_example(name: str) -> SiteWater:
    """Run a shipped water example."""
    ex = load_example(name)
    result = site_water_from_published_wue(ex.scenario, ex.published_wue)
    return dataclasses.replace(result, notes=(f"example {name!r}: {ex.notes}",) + result.notes)


def read_weather_file(path) -> pd.DataFrame:
    """Hourly weather for :func:`site_water` from a file: :func:`gis_data.weather.load_weather`.

    Parameters
    ----------
    path : str or pathlib.Path
        A TMY3 file (``.tmy3``, ``.csv`` or ``.gz``; ``"pvlib:<NAME>"`` for pvlib's shipped
        files) or a CSV with a ``time`` column and the canonical columns.

    Returns
    -------
    pandas.DataFrame
        The canonical hourly weather frame (``temp_air_degc`` [degC], ``temp_dew_degc``
        [degC], ``relative_humidity_pct`` [%], ``pressure_pa`` [Pa], ...).
    """
    from gis_data.weather import load_weather

    return load_weather(path)


