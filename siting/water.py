"""Water at one site: cooling water, power-generation water, benchmarks and local context.

A thin sequence over :mod:`models.cooling`, :mod:`models.water` and
:mod:`models.benchmarks`:

1. on-site cooling water and PUE from hourly weather (or, for the shipped reference
   example, a published WUE: :func:`site_water_from_published_wue`);
2. power-generation water from the hourly dispatch of the site's power design
   (:func:`generation_by_technology`: gas by prime mover, PV, wind, grid), or a
   one-technology default for ``gas_only``, ``bridge_to_grid`` and ``grid_with_backup``;
3. the budget by scope (on-site direct, power generation, total) and metric (consumption,
   withdrawal), per year and peak day;
4. benchmark equivalents, like for like;
5. local context: the site's share of its county's withdrawals and public supply (USGS
   2015), the Aqueduct baseline water-stress score, and a plain verdict with reasons.

:func:`water_columns` gives the same figures as site-table columns for batch scoring, and
:meth:`SiteWater.chart_data` a plain structure a report chart can render.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from models import benchmarks as bm
from models import cooling as cl
from models import water as wt
from gis_data.water import bws_label_of_score
from gis_data.water import state_water_stress as _state_water_stress
from models.units import HOURS_PER_YEAR, KWH_PER_MWH, L_PER_GAL
from siting.errors import ConfigError, DataError, unknown_name
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Benchmarks a report headline uses, in order (each like for like; absent when its site figure is unknown).
HEADLINE_BENCHMARKS = ("in_n_out_restaurant", "double_double_burger", "household_family_of_four")


@dataclass(frozen=True)
class VerdictThresholds:
    """Screening thresholds of the water verdict.

    The share thresholds are screening choices made here (no published standard sets
    them); the stress thresholds are Aqueduct category bounds (Kuzma et al. 2023).

    Attributes
    ----------
    share_of_county_moderate_pct, share_of_county_high_pct : float
        Site consumption as a share of county total withdrawals [%].
    share_of_public_supply_moderate_pct, share_of_public_supply_high_pct : float
        Site withdrawal (consumption when withdrawal is unknown) as a share of the county's
        public-supply withdrawals [%], relevant when the utility serves the campus.
    bws_moderate_score, bws_high_score : float
        Aqueduct baseline water-stress score [0-5]; 2 = medium-high (20-40 %), 3 = high (40-80 %).
    """

    share_of_county_moderate_pct: float = 1.0
    share_of_county_high_pct: float = 5.0
    share_of_public_supply_moderate_pct: float = 5.0
    share_of_public_supply_high_pct: float = 20.0
    bws_moderate_score: float = 2.0
    bws_high_score: float = 3.0


def bws_label(score: float) -> str:
    """Aqueduct label of a baseline water-stress score [0-5] ("" for NaN).

    Delegates to :func:`gis_data.water.bws_label_of_score` (Aqueduct 4.0 category bounds
    1, 2, 3, 4; Kuzma et al. 2023).
    """
    if score is None or not np.isfinite(score):
        return ""
    return str(bws_label_of_score([score])[0])


def water_verdict(
    share_of_county_pct: float,
    share_of_public_supply_pct: float,
    bws_score: float,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> tuple[str, tuple[str, ...]]:
    """Plain verdict on a site's water, with the reasons.

    Parameters
    ----------
    share_of_county_pct : float
        Site consumption over county total withdrawals [%] (NaN when unknown).
    share_of_public_supply_pct : float
        Site water over county public-supply withdrawals [%] (NaN when unknown).
    bws_score : float
        Aqueduct baseline water stress [0-5] (NaN when unknown).
    thresholds : VerdictThresholds
        Screening thresholds.

    Returns
    -------
    tuple of (str, tuple of str)
        ``"low concern"``, ``"moderate concern"``, ``"high concern"`` or ``"unknown"``, and
        one reason per input considered.
    """
    t = thresholds
    level = 0
    reasons = []
    known = 0
    if np.isfinite(bws_score):
        known += 1
        if bws_score >= t.bws_high_score:
            level = max(level, 2)
        elif bws_score >= t.bws_moderate_score:
            level = max(level, 1)
        reasons.append(f"baseline water stress is {bws_label(bws_score)}, Aqueduct score {bws_score:.1f} of 5")
    if np.isfinite(share_of_county_pct):
        known += 1
        if share_of_county_pct >= t.share_of_county_high_pct:
            level = max(level, 2)
        elif share_of_county_pct >= t.share_of_county_moderate_pct:
            level = max(level, 1)
        reasons.append(f"the campus would consume {share_of_county_pct:.2g} % of the county's total withdrawals")
    if np.isfinite(share_of_public_supply_pct):
        known += 1
        if share_of_public_supply_pct >= t.share_of_public_supply_high_pct:
            level = max(level, 2)
        elif share_of_public_supply_pct >= t.share_of_public_supply_moderate_pct:
            level = max(level, 1)
        reasons.append(
            f"if the local utility supplied it, the campus would need {share_of_public_supply_pct:.2g} % of the "
            "county's public-supply withdrawals"
        )
    if known == 0:
        return "unknown", ("no county water-use or water-stress data for this site",)
    return ("low concern", "moderate concern", "high concern")[level], tuple(reasons)


@dataclass(frozen=True)
class LocalContext:
    """The site's water set against its county and basin.

    Attributes
    ----------
    county_fips : str
        County of the site ("" when unknown).
    county_withdrawal_total_gal_per_day : float
        County total withdrawals, all sectors (USGS 2015) [gal/day].
    county_public_supply_gal_per_day : float
        County public-supply withdrawals (USGS 2015) [gal/day].
    site_consumption_gal_per_day : float
        Site on-site consumption, annual average [gal/day].
    site_withdrawal_gal_per_day : float
        Site on-site withdrawal, annual average [gal/day].
    share_of_county_pct : float
        Site consumption over county total withdrawals [%].
    share_of_public_supply_pct : float
        Site withdrawal (consumption when withdrawal is unknown) over county public supply [%].
    bws_score : float
        Aqueduct 4.0 baseline water stress [0-5].
    bws_label : str
        Its label.
    verdict : str
        ``low concern``, ``moderate concern``, ``high concern`` or ``unknown``.
    reasons : tuple of str
        Why.
    """

    county_fips: str
    county_withdrawal_total_gal_per_day: float
    county_public_supply_gal_per_day: float
    site_consumption_gal_per_day: float
    site_withdrawal_gal_per_day: float
    share_of_county_pct: float
    share_of_public_supply_pct: float
    bws_score: float
    bws_label: str
    verdict: str
    reasons: tuple[str, ...]


def _get(mapping: Mapping | pd.Series | None, key: str, default=math.nan):
    if mapping is None:
        return default
    value = mapping.get(key, default) if hasattr(mapping, "get") else default
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def local_context(
    consumption_gal_per_yr: float,
    withdrawal_gal_per_yr: float,
    *,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> LocalContext:
    """Shares of county withdrawals and public supply, water stress and the verdict.

    Parameters
    ----------
    consumption_gal_per_yr : float
        Site on-site consumption [gal/yr].
    withdrawal_gal_per_yr : float
        Site on-site withdrawal [gal/yr] (NaN when unknown).
    county_water : mapping, optional
        The site county's row of the ``water_use`` layer: ``withdrawal_total_gal_per_day``,
        ``withdrawal_public_supply_gal_per_day`` [gal/day], optionally ``county_fips``.
    water_stress : mapping, optional
        ``bws_score`` [0-5] and optionally ``bws_label`` for the site.
    thresholds : VerdictThresholds
        Verdict thresholds.

    Returns
    -------
    LocalContext
    """
    cons_day = consumption_gal_per_yr / 365.0
    wdr_day = withdrawal_gal_per_yr / 365.0
    total = float(_get(county_water, "withdrawal_total_gal_per_day"))
    public = float(_get(county_water, "withdrawal_public_supply_gal_per_day"))
    share_county = 100.0 * cons_day / total if total > 0 else math.nan
    draw = wdr_day if np.isfinite(wdr_day) else cons_day
    share_public = 100.0 * draw / public if public > 0 else math.nan
    score = float(_get(water_stress, "bws_score"))
    label = str(_get(water_stress, "bws_label", "")) or bws_label(score)
    verdict, reasons = water_verdict(share_county, share_public, score, thresholds)
    return LocalContext(
        county_fips=str(_get(county_water, "county_fips", "")),
        county_withdrawal_total_gal_per_day=total,
        county_public_supply_gal_per_day=public,
        site_consumption_gal_per_day=cons_day,
        site_withdrawal_gal_per_day=wdr_day,
        share_of_county_pct=share_county,
        share_of_public_supply_pct=share_public,
        bws_score=score,
        bws_label=label,
        verdict=verdict,
        reasons=reasons,
    )


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


#: Condenser cooling of a combined-cycle plant (keys ``combined_cycle_<cooling>`` of ``water_use_factors.csv``).
COMBINED_CYCLE_COOLINGS = ("wet", "dry", "hybrid", "once_through")

#: Single-technology supply assumed when no hourly generation is given, by power design; ``"prime_mover"``
#: means the technology of the scenario's gas unit (:func:`gas_technology`). ``bridge_to_grid`` is its
#: bridge period (the gas fleet runs until the grid arrives); ``renewables_plus_gas`` needs a dispatch.
DEFAULT_POWER_TECHNOLOGY = {
    "gas_only": "prime_mover",
    "bridge_to_grid": "prime_mover",
    "grid_with_backup": "grid_average_us",
}


def gas_technology(prime_mover: str, *, combined_cycle_cooling: str = "wet") -> str:
    """Water-factor technology of a gas unit from the equipment catalog.

    Parameters
    ----------
    prime_mover : str
        Unit name in ``models/catalogs/prime_movers.csv`` (``siting catalog`` lists them).
    combined_cycle_cooling : str
        Condenser cooling when the unit is a combined cycle: one of :data:`COMBINED_CYCLE_COOLINGS`.
        Default ``"wet"`` (a cooling tower, the most water-intensive closed-loop choice).

    Returns
    -------
    str
        ``simple_cycle_gas_turbine`` (aeroderivative, industrial or frame in simple cycle),
        ``combined_cycle_<cooling>``, ``reciprocating_engine`` or ``fuel_cell``.
    """
    from models.catalog import get_prime_mover, validate_prime_mover_name

    if combined_cycle_cooling not in COMBINED_CYCLE_COOLINGS:
        raise unknown_name("combined-cycle cooling", combined_cycle_cooling, COMBINED_CYCLE_COOLINGS)
    unit = get_prime_mover(validate_prime_mover_name(prime_mover))
    return wt.technology_for_prime_mover(
        unit.unit_class, combined_cycle=unit.configuration == "combined_cycle", cooling=combined_cycle_cooling,
    )


def _mix_text(gen: pd.DataFrame) -> str:
    scale = HOURS_PER_YEAR / len(gen) if len(gen) else math.nan
    totals = gen.sum() * scale
    whole = float(totals.sum())
    parts = [
        f"{k} {v:,.0f} MWh/yr ({100.0 * v / whole:.1f} %)" if whole > 0 else f"{k} {v:,.0f} MWh/yr"
        for k, v in totals.items()
    ]
    return ", ".join(parts)


def generation_by_technology(
    power,
    *,
    weather: pd.DataFrame | None = None,
    design: str | None = None,
    combined_cycle_cooling: str = "wet",
) -> tuple[pd.DataFrame, str]:
    """Hourly generation by water technology from a power design's dispatch.

    Maps the design's hourly dispatch (:attr:`siting.power.PowerDesign.hourly`) onto the
    technologies of ``water_use_factors.csv`` with :func:`models.water.generation_from_dispatch`:
    gas output to the prime mover's technology (:func:`gas_technology`), PV and wind output
    used to ``solar_pv`` and ``wind``, grid energy to ``grid_average_us``; the battery is
    storage, so only its losses count, through the generators that charged it.

    ``gas_only`` and ``bridge_to_grid`` (its bridge years, before the grid arrives) use the
    gas-only dispatch; ``grid_with_backup`` takes the whole facility load from the grid (the
    backup fleet's test runs are not modelled); ``renewables_plus_gas`` uses its re-dispatch
    with the LP-sized PV, wind and battery. When both PV and wind were built, the renewable
    output used each hour is split by their available output that hour, recomputed from
    ``weather`` with the models the power design uses (single-axis PV, the default wind
    turbine).

    Parameters
    ----------
    power : siting.power.PowerDesign
        The site's power design (:func:`siting.power.design_power`).
    weather : pandas.DataFrame, optional
        The weather the design was computed on; needed only to split PV from wind.
    design : str, optional
        Option to use; default ``power.chosen``.
    combined_cycle_cooling : str
        Condenser cooling if the prime mover is a combined cycle (:data:`COMBINED_CYCLE_COOLINGS`).

    Returns
    -------
    tuple of (pandas.DataFrame, str)
        Hourly generation [MWh in the hour] by technology key on the dispatch's index, and a
        note naming the dispatch and the annual mix.

    Raises
    ------
    DataError
        When the design carries no hourly dispatch for the option.
    ConfigError
        When PV and wind must be split and no weather is given.
    """
    from models import solar, wind
    from siting.power import OPTIONS

    design = design or power.chosen
    if design not in OPTIONS:
        raise unknown_name("power design", design, OPTIONS)
    tech = gas_technology(power.unit_name, combined_cycle_cooling=combined_cycle_cooling)
    frame_key = "renewables_plus_gas" if design == "renewables_plus_gas" else "gas_only"
    frame = power.hourly.get(frame_key) if power.hourly else None
    if frame is None:
        raise DataError(
            f"the power design carries no hourly dispatch {frame_key!r} (it has {sorted(power.hourly or {})}); "
            "compute it with siting.power.design_power, which keeps the hourly frames"
        )
    opt = power.option(design)
    if design == "grid_with_backup":
        gen = wt.generation_from_dispatch(pd.DataFrame({"grid_mw": frame["load_mw"]}, index=frame.index),
                                          gas_technology=tech)
        how = "the facility load of the power design, all from the grid"
    elif design == "renewables_plus_gas":
        pv_avail = wind_avail = None
        used = frame["renewable_used_mw"].to_numpy(dtype=float)
        has_pv, has_wind = opt.pv_capacity_mw_dc > 0, opt.wind_capacity_mw > 0
        if has_pv and has_wind and "pv_mw" not in frame.columns and used.sum() > 0:
            if weather is None:
                raise ConfigError(
                    "the renewables-plus-gas design built both PV and wind: pass the weather the design was computed "
                    "on (weather=...) so the renewable output can be split between them"
                )
            pv_avail = solar.pv_ac_mw_per_mw_dc(weather, power.latitude, power.longitude, power.altitude_m,
                                                solar.PVSystem(mount="single_axis")) * opt.pv_capacity_mw_dc
            wind_avail = wind.wind_mw_per_mw(weather) * opt.wind_capacity_mw
        elif has_pv:
            pv_avail = used
        elif has_wind:
            wind_avail = used
        gen = wt.generation_from_dispatch(frame, gas_technology=tech, pv_available_mw=pv_avail,
                                          wind_available_mw=wind_avail)
        how = (f"the renewables_plus_gas hourly re-dispatch ({opt.pv_capacity_mw_dc:,.0f} MWdc PV, "
               f"{opt.wind_capacity_mw:,.0f} MW wind, {opt.battery_capacity_mw:,.0f} MW / "
               f"{opt.battery_energy_mwh:,.0f} MWh battery, {power.fleet.units_count} x {power.unit_name})")
    else:
        gen = wt.generation_from_dispatch(frame[["gas_mw"]], gas_technology=tech)
        how = f"the gas_only hourly dispatch ({power.fleet.units_count} x {power.unit_name})"
        if design == "bridge_to_grid":
            grid_gal = power.facility_energy_mwh_per_yr * wt.power_water_factor("grid_average_us").consumption_gal_per_mwh
            how += (" for the bridge years before the grid arrives; once on the grid the power-generation "
                    f"consumption becomes about {grid_gal / 1e6:,.0f} million gal/yr at the US grid average")
    note = (f"power-generation water from {how} of the site's power design ({design}); the {power.unit_name} is "
            f"counted as {tech}; generation mix: {_mix_text(gen)}; the dispatch carries the facility load at the "
            "scenario's PUE, not the cooling model's hourly PUE")
    return gen, note


def _default_generation(
    scenario: Scenario, facility_mw: pd.Series, combined_cycle_cooling: str,
) -> tuple[pd.DataFrame | None, str]:
    tech = DEFAULT_POWER_TECHNOLOGY.get(scenario.power_design)
    if tech is None:
        return None, (
            f"power-generation water not modelled: power design {scenario.power_design!r} needs the hourly "
            "dispatch: use site_water_at (it runs the power design) or pass "
            "power_mwh_by_technology=generation_by_technology(design_power(...))[0]"
        )
    if tech == "prime_mover":
        tech = gas_technology(scenario.prime_mover, combined_cycle_cooling=combined_cycle_cooling)
    note = (
        f"power-generation water assumes all facility energy (the cooling model's hourly facility load) comes from "
        f"{tech} ({wt.power_water_factor(tech).consumption_basis}) for the {scenario.power_design} design"
        + (" during its bridge years, before the grid arrives" if scenario.power_design == "bridge_to_grid" else "")
        + "; no dispatch was run (pass a power design for its hourly dispatch)"
    )
    return pd.DataFrame({tech: facility_mw.to_numpy()}, index=facility_mw.index), note


def _monthly(hourly: pd.DataFrame) -> pd.DataFrame:
    if isinstance(hourly.index, pd.DatetimeIndex):
        month = hourly.index.month
    else:
        month = np.minimum(np.arange(len(hourly)) // 730 + 1, 12)
    g = hourly.groupby(np.asarray(month))
    out = pd.DataFrame(
        {
            "consumption_gal": g["water_consumption_gal"].sum(min_count=1),
            "withdrawal_gal": g["water_withdrawal_gal"].sum(min_count=1),
            "pue": g["pue"].mean(),
        }
    )
    out.index.name = "month"
    return out


def _assemble(
    scenario: Scenario,
    summary: cl.CoolingSummary,
    on_site_hourly: pd.DataFrame,
    *,
    county_water,
    water_stress,
    power_mwh_by_technology: pd.DataFrame | None,
    thresholds: VerdictThresholds,
    notes: list[str],
    power_note: str | None = None,
    combined_cycle_cooling: str = "wet",
    golf_region: str | None = None,
) -> SiteWater:
    if power_mwh_by_technology is None:
        power_mwh_by_technology, power_note = _default_generation(
            scenario, on_site_hourly["facility_power_mw"], combined_cycle_cooling)
    elif len(power_mwh_by_technology) != len(on_site_hourly):
        raise DataError(
            f"power_mwh_by_technology has {len(power_mwh_by_technology)} rows but the weather has "
            f"{len(on_site_hourly)}; give generation for the same hours"
        )
    if power_mwh_by_technology is not None:
        power_hourly = wt.hourly_power_water(power_mwh_by_technology)
        power_hourly.index = on_site_hourly.index
        by_tech = wt.power_water_by_technology(power_mwh_by_technology)
    else:
        power_hourly, by_tech = None, pd.DataFrame()
    budget = wt.water_budget(on_site_hourly, power_hourly)
    if power_note is None:
        power_note = "power-generation water from the hourly generation by technology given by the caller"
    notes.append(power_note)
    budget = dataclasses.replace(budget, notes=(power_note,) + budget.notes)
    bench = bm.translate(summary.water_consumption_gal_per_yr, summary.water_withdrawal_gal_per_yr,
                         golf_region=golf_region)
    notes.extend(n for n in bench["note"] if n)
    ctx = local_context(
        summary.water_consumption_gal_per_yr,
        summary.water_withdrawal_gal_per_yr,
        county_water=county_water,
        water_stress=water_stress,
        thresholds=thresholds,
    )
    if county_water is None:
        notes.append("no county water-use row given: shares of county withdrawals are unknown")
    if water_stress is None:
        notes.append("no water-stress value given: Aqueduct score unknown")
    return SiteWater(
        scenario=scenario,
        cooling=summary,
        budget=budget,
        benchmarks=bench,
        context=ctx,
        power_by_technology=by_tech,
        monthly=_monthly(on_site_hourly),
        notes=tuple(notes),
    )


def site_water(
    weather: pd.DataFrame,
    scenario: Scenario,
    *,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    power_mwh_by_technology: pd.DataFrame | None = None,
    power_note: str | None = None,
    combined_cycle_cooling: str = "wet",
    golf_region: str | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> SiteWater:
    """Water at one site, modelled hour by hour from its weather.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly ``temp_air_degc`` [degC], ``pressure_pa`` [Pa], ``relative_humidity_pct`` [%]
        or ``temp_dew_degc`` [degC] (a typical year: 8,760 rows).
    scenario : Scenario
        Uses ``it_load_mw``, ``it_utilization_frac``, ``cooling`` and ``power_design``.
    county_water : mapping, optional
        The county's ``water_use`` row (``withdrawal_total_gal_per_day``,
        ``withdrawal_public_supply_gal_per_day`` [gal/day], ``county_fips``).
    water_stress : mapping, optional
        ``bws_score`` [0-5], ``bws_label``.
    power_mwh_by_technology : pandas.DataFrame, optional
        Hourly generation [MWh] by technology key (``models.water.power_water_factors``), on
        the weather's rows (:func:`generation_by_technology` makes it from a power design).
        When None, ``gas_only`` and ``bridge_to_grid`` (its bridge years) take all facility
        energy from the prime mover's technology and ``grid_with_backup`` from the grid;
        ``renewables_plus_gas`` leaves power water unknown (:func:`site_water_at` runs its dispatch).
    power_note : str, optional
        Where ``power_mwh_by_technology`` comes from, for the notes and the budget's notes.
    combined_cycle_cooling : str
        Condenser cooling of a combined-cycle prime mover when no generation is given
        (:data:`COMBINED_CYCLE_COOLINGS`).
    golf_region : str, optional
        The site's GCSAA agronomic region for the golf benchmark (``models.benchmarks.golf_regions``);
        None: the national golf figure (the region is not inferred from the state: no source lists them).
    thresholds : VerdictThresholds
        Verdict thresholds.

    Returns
    -------
    SiteWater
    """
    it_mw = scenario.it_load_mw * scenario.it_utilization_frac
    hourly = cl.hourly_cooling(weather, it_mw, scenario.cooling)
    summary = cl.annual_cooling(hourly, scenario.cooling)
    notes = [summary.basis]
    if summary.hours != HOURS_PER_YEAR:
        notes.append(f"weather has {summary.hours:,} hours; annual figures are scaled to 8,760 h")
    return _assemble(
        scenario, summary, hourly, county_water=county_water, water_stress=water_stress,
        power_mwh_by_technology=power_mwh_by_technology, thresholds=thresholds, notes=notes,
        power_note=power_note, combined_cycle_cooling=combined_cycle_cooling, golf_region=golf_region,
    )


def site_water_from_published_wue(
    scenario: Scenario,
    wue_key: str,
    *,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    golf_region: str | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> SiteWater:
    """Water at one site from a published WUE (weather-independent, clearly labelled).

    The on-site consumption is the published WUE [L/kWh] times the IT energy, spread evenly
    over the year (so the peak day is the annual figure / 365). PUE is the scenario's.

    Parameters
    ----------
    scenario : Scenario
        Uses ``it_load_mw``, ``it_utilization_frac``, ``cooling``, ``pue``, ``power_design``.
    wue_key : str
        Key of a published WUE in ``water_use_factors.csv`` (``models.water.published_wues``).
    county_water, water_stress, golf_region, thresholds
        As for :func:`site_water`.

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
    hourly = pd.DataFrame(
        {
            "water_consumption_gal": summary.water_consumption_gal_per_yr / HOURS_PER_YEAR,
            "water_withdrawal_gal": math.nan,
            "facility_power_mw": it_mw * scenario.pue,
            "pue": scenario.pue,
        },
        index=idx,
    )
    return _assemble(
        scenario, summary, hourly, county_water=county_water, water_stress=water_stress,
        power_mwh_by_technology=None, thresholds=thresholds, notes=[basis], golf_region=golf_region,
    )


# -- batch columns ----------------------------------------------------------------------------


def state_water_stress(water_stress: pd.DataFrame) -> pd.DataFrame:
    """One Aqueduct score per state: :func:`gis_data.water.state_water_stress`.

    Area-weighted mean of the sub-basin x state x aquifer rows (row-weighted when
    ``area_km2`` is absent); a state score hides basins with higher stress, so reports also
    carry ``bws_score_max``.

    Parameters
    ----------
    water_stress : pandas.DataFrame
        ``water_stress`` layer rows: ``state_abbr``, ``bws_score`` [0-5], optional ``area_km2``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``state_abbr``: ``bws_score`` [0-5], ``bws_label``, ``bws_score_max`` [0-5],
        ``indicator`` and more (see the gis_data function).
    """
    return _state_water_stress(water_stress)


def water_columns(
    sites: pd.DataFrame,
    scenario: Scenario,
    *,
    wue_consumption_l_per_kwh,
    wue_withdrawal_l_per_kwh,
    county_water: pd.DataFrame | None = None,
    water_stress: pd.DataFrame | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> pd.DataFrame:
    """Water columns of a site table, vectorised over sites.

    The hourly cooling model is linear in IT load, so a WUE computed once per weather
    station (``annual_cooling(hourly_cooling(weather, 1.0, design))``) serves every site
    that uses that station: pass it per site (a Series on ``sites.index``) or as a scalar.

    Parameters
    ----------
    sites : pandas.DataFrame
        Site table with ``it_load_mw`` [MW] (NaN: the scenario's), ``county_fips`` and
        ``state_abbr`` when county and stress data are to be joined.
    scenario : Scenario
        Uses ``it_load_mw`` and ``it_utilization_frac``.
    wue_consumption_l_per_kwh, wue_withdrawal_l_per_kwh : float or pandas.Series
        On-site WUE by site [L/kWh].
    county_water : pandas.DataFrame, optional
        ``water_use`` layer (``county_fips``, ``withdrawal_total_gal_per_day``,
        ``withdrawal_public_supply_gal_per_day``).
    water_stress : pandas.DataFrame, optional
        ``water_stress`` layer (``state_abbr``, ``bws_score``, optional ``area_km2``).
    thresholds : VerdictThresholds
        Verdict thresholds.

    Returns
    -------
    pandas.DataFrame
        On ``sites.index``, the water-group columns of ``site_columns.csv`` this module
        computes (power-generation columns are left to the dispatch model).
    """
    idx = sites.index
    load = (
        pd.to_numeric(sites["it_load_mw"], errors="coerce").fillna(scenario.it_load_mw)
        if "it_load_mw" in sites.columns
        else pd.Series(scenario.it_load_mw, index=idx)
    ).to_numpy(dtype=float)
    it_kwh = load * scenario.it_utilization_frac * HOURS_PER_YEAR * KWH_PER_MWH
    wue_c = pd.Series(wue_consumption_l_per_kwh, index=idx, dtype=float).to_numpy()
    wue_w = pd.Series(wue_withdrawal_l_per_kwh, index=idx, dtype=float).to_numpy()
    cons = wue_c * it_kwh / L_PER_GAL
    wdr = wue_w * it_kwh / L_PER_GAL
    out = pd.DataFrame(index=idx)
    total = np.full(len(idx), np.nan)
    public = np.full(len(idx), np.nan)
    if county_water is not None and "county_fips" in sites.columns:
        cw = county_water.drop_duplicates("county_fips").set_index("county_fips")
        fips = sites["county_fips"].astype("string")
        total = fips.map(cw["withdrawal_total_gal_per_day"]).to_numpy(dtype=float, na_value=np.nan)
        public = fips.map(cw["withdrawal_public_supply_gal_per_day"]).to_numpy(dtype=float, na_value=np.nan)
    score = np.full(len(idx), np.nan)
    if water_stress is not None and "state_abbr" in sites.columns:
        st = state_water_stress(water_stress)
        score = sites["state_abbr"].astype("string").map(st["bws_score"]).to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_county = np.where(total > 0, 100.0 * cons / 365.0 / total, np.nan)
        draw = np.where(np.isfinite(wdr), wdr, cons)
        share_public = np.where(public > 0, 100.0 * draw / 365.0 / public, np.nan)
    verdicts = [water_verdict(a, b, c, thresholds)[0] for a, b, c in zip(share_county, share_public, score)]
    out["county_withdrawal_total_gal_per_day"] = total
    out["county_public_supply_gal_per_day"] = public
    out["site_water_consumption_gal_per_yr"] = cons
    out["site_water_share_of_county_pct"] = share_county
    out["site_water_withdrawal_gal_per_yr"] = wdr
    out["wue_consumption_l_per_kwh"] = wue_c
    out["wue_withdrawal_l_per_kwh"] = wue_w
    out["site_water_share_of_public_supply_pct"] = share_public
    out["water_stress_bws_score"] = score
    out["water_stress_bws_label"] = [bws_label(s) for s in score]
    out["water_in_n_out_equivalents"] = cons / bm.benchmark("in_n_out_restaurant").gal_per_unit
    out["water_verdict"] = verdicts
    return out


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
    data = tomllib.loads(files[name].read_text(encoding="utf-8"))
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


# -- inputs from files and layers ---------------------------------------------------------------


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


def local_inputs_from_layers(layers, lat: float, lon: float) -> dict[str, Any]:
    """County water use and water stress for a point, from a layer set.

    Parameters
    ----------
    layers : LayerSet-like
        Anything with ``has(role)`` and ``load(role)`` returning canonical frames
        (``gis_data.layerset.LayerSet``): roles ``counties`` (polygons, EPSG:4326),
        ``water_use`` (table keyed by ``county_fips``) and ``water_stress`` (table with
        ``state_abbr``, ``bws_score``). Missing roles give ``None`` values.
    lat, lon : float
        Site coordinates [deg, WGS84].

    Returns
    -------
    dict
        ``county_fips``, ``state_abbr``, ``county_name`` (str, "" when unknown),
        ``county_water`` (dict or None), ``water_stress`` (dict or None).
    """
    from shapely.geometry import Point

    from gis_data.water import water_stress_at
    from siting.errors import CRSError

    out: dict[str, Any] = {"county_fips": "", "state_abbr": "", "county_name": "", "county_water": None, "water_stress": None}
    if layers.has("counties"):
        counties = layers.load("counties")
        if counties.crs is None or counties.crs.to_epsg() != 4326:
            raise CRSError(f"counties layer must be in EPSG:4326 (loaders return it so), got {counties.crs}")
        # a containment test is topological, so the geographic CRS is fine here (no distances)
        hit = counties[counties.contains(Point(lon, lat))]
        if len(hit):
            row = hit.iloc[0]
            out.update(county_fips=str(row["county_fips"]), state_abbr=str(row.get("state_abbr", "") or ""),
                       county_name=str(row.get("county_name", "") or ""))
    if out["county_fips"] and layers.has("water_use"):
        wu = layers.load("water_use")
        match = wu[wu["county_fips"].astype(str) == out["county_fips"]]
        if len(match):
            out["county_water"] = {k: match.iloc[0][k] for k in ("county_fips", "withdrawal_total_gal_per_day",
                                                                 "withdrawal_public_supply_gal_per_day")}
    if layers.has("water_stress"):
        ws = layers.load("water_stress")
        if "geometry" in getattr(ws, "columns", ()) and getattr(ws, "crs", None) is not None:
            # Aqueduct joined to HydroBASINS shapes: the site's own sub-basin
            hit = water_stress_at(lon, lat, ws).iloc[0]
            if np.isfinite(hit["bws_score"]):
                out["water_stress"] = {"bws_score": float(hit["bws_score"]), "bws_label": hit["bws_label"],
                                       "indicator": hit["indicator"]}
        if out["water_stress"] is None and out["state_abbr"]:
            st = state_water_stress(ws)
            if out["state_abbr"] in st.index:
                r = st.loc[out["state_abbr"]]
                out["water_stress"] = {"bws_score": float(r["bws_score"]), "bws_label": r["bws_label"],
                                       "bws_score_max": float(r["bws_score_max"]), "indicator": r["indicator"]}
    return out


def site_water_at(
    lat: float,
    lon: float,
    scenario: Scenario,
    *,
    layers=None,
    weather: pd.DataFrame | None = None,
    power=None,
    combined_cycle_cooling: str = "wet",
    golf_region: str | None = None,
) -> SiteWater:
    """Water at a location, with weather, county water use and water stress from a layer set.

    Power-generation water comes from the hourly dispatch of the site's power design
    (:func:`generation_by_technology`): the design given as ``power`` (the site report
    passes its own, so the water and power sections agree), or, for a
    ``renewables_plus_gas`` scenario, one computed here with :func:`siting.power.design_power`
    on the same weather and the site's altitude (its nonattainment class is not looked up:
    it changes the permit path, not the dispatch). ``gas_only``, ``bridge_to_grid`` and
    ``grid_with_backup`` without a design take all facility energy from one technology
    (the prime mover's or the grid's), which is what their dispatch does.

    Parameters
    ----------
    lat, lon : float
        Site coordinates [deg, WGS84].
    scenario : Scenario
        Assumptions.
    layers : LayerSet-like, path or None
        A layer set object (``has``/``load``), a layer-set TOML path or folder, or None for
        the embedded sample (``gis_data.layerset.LayerSet.sample()``).
    weather : pandas.DataFrame, optional
        Hourly weather; by default the nearest station's typical year from the layer set
        (``gis_data.weather.weather_for_site``). With ``power``, the weather it was computed on.
    power : siting.power.PowerDesign, optional
        The site's power design; its chosen option must be ``scenario.power_design``.
    combined_cycle_cooling : str
        Condenser cooling if the prime mover is a combined cycle (:data:`COMBINED_CYCLE_COOLINGS`).
    golf_region : str, optional
        The site's GCSAA agronomic region for the golf benchmark; None: the national figure.

    Returns
    -------
    SiteWater

    Raises
    ------
    MissingDataError
        When a layer the site needs is not in the layer set.
    ConfigError
        When ``power`` was designed for another power design than the scenario's.
    """
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ConfigError(f"coordinates lat={lat}, lon={lon} out of range; expected |lat| <= 90, |lon| <= 180")
    if power is not None and power.chosen != scenario.power_design:
        raise ConfigError(
            f"the power design given was chosen for {power.chosen!r} but the scenario's power_design is "
            f"{scenario.power_design!r}; pass the design computed with this scenario"
        )
    from gis_data.layerset import open_layers

    layers = open_layers(layers)
    if weather is None:
        from gis_data.weather import weather_for_site

        found = weather_for_site(layers, lat, lon)
        weather = found.weather
        station_note = (
            f"weather: typical year of station {found.station['station_name']} ({found.station['station_id']}), "
            f"{found.distance_km:,.0f} km from the site"
        )
    else:
        station_note = "weather: the hourly table given"
    gen, power_note = None, None
    if power is None and scenario.power_design not in DEFAULT_POWER_TECHNOLOGY:
        from gis_data.elevation import altitude_at
        from siting.power import design_power

        altitude_m = float(altitude_at([lat], [lon])[0])
        if not math.isfinite(altitude_m):
            altitude_m = 0.0
        log.info("water: running the %s power design for its hourly dispatch", scenario.power_design)
        power = design_power(weather, scenario, altitude_m=altitude_m, nonattainment_class=None,
                             latitude=lat, longitude=lon)
    if power is not None:
        gen, power_note = generation_by_technology(power, weather=weather,
                                                   combined_cycle_cooling=combined_cycle_cooling)
    inputs = local_inputs_from_layers(layers, lat, lon)
    result = site_water(weather, scenario, county_water=inputs["county_water"], water_stress=inputs["water_stress"],
                        power_mwh_by_technology=gen, power_note=power_note,
                        combined_cycle_cooling=combined_cycle_cooling, golf_region=golf_region)
    where = (
        f"site at {lat:.4f}, {lon:.4f}: county {inputs['county_name'] or 'unknown'} "
        f"({inputs['county_fips'] or 'no county polygon contains it'}), state {inputs['state_abbr'] or 'unknown'}"
    )
    if inputs["water_stress"] is not None:
        where += f"; water stress indicator {inputs['water_stress'].get('indicator', 'given')}"
    if getattr(layers, "is_synthetic", False):
        where = "SYNTHETIC SAMPLE REGION - not real data; " + where
    return dataclasses.replace(result, notes=(where, station_note) + result.notes)


def wue_for_weather(weather: pd.DataFrame, cooling: str) -> cl.CoolingSummary:
    """Annual cooling results per MW of flat IT load, for one weather station.

    The hourly model is linear in IT load, so batch runs compute this once per station and
    pass its ``wue_consumption_l_per_kwh`` / ``wue_withdrawal_l_per_kwh`` to
    :func:`water_columns` for every site using that station.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather (as for :func:`site_water`).
    cooling : str
        Cooling design name.

    Returns
    -------
    CoolingSummary
        For 1 MW of IT load (WUE and PUE do not depend on the load).
    """
    return cl.annual_cooling(cl.hourly_cooling(weather, 1.0, cooling), cooling)
