"""Power-generation water and the campus water budget with scope labels.

Power-generation water
    Operational consumption and withdrawal per MWh by technology (``catalogs/
    water_use_factors.csv``, category ``power_generation``): Macknick et al. (2012) medians
    where the reference set has them; simple-cycle gas turbines, reciprocating engines and
    fuel cells are *near zero* and marked ``assumed_class_typical`` (no steam cycle, no wet
    cooling; the reference set has no median for them); the US grid figure is derived from
    LBNL 2024 (indirect water / datacenter electricity). Factors are applied to an hourly
    generation table (one column per technology, MWh in each hour).

Budget
    Three scopes (REFERENCES.md caveat 4): ``on_site_direct`` (cooling water at the campus),
    ``power_generation`` (water used to make the campus's electricity) and ``total``; two
    metrics, ``consumption`` (evaporated, not returned) and ``withdrawal`` (taken from a
    source); all operational water here is blue water (surface or ground). Each line has a
    per-year figure and the peak day (the day of the year with the most water, computed on
    the hourly sum for the total, not as a sum of separate peaks).

References
----------
.. [1] Macknick, J., Newmark, R., Heath, G. & Hallett, K. C. (2012). Operational water
   consumption and withdrawal factors for electricity generating technologies: a review of
   existing literature. Environ. Res. Lett. 7, 045802.
.. [2] Shehabi, A. et al. (2024). 2024 United States Data Center Energy Usage Report. LBNL.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.errors import DataError, unknown_name
from models.units import HOURS_PER_YEAR

#: Budget scopes, in display order, with what each includes.
BUDGET_SCOPES: dict[str, str] = {
    "on_site_direct": "cooling water used at the campus (evaporation; make-up incl. blowdown for withdrawal)",
    "power_generation": "water used by the power plants that make the campus's electricity (operational)",
    "total": "on-site direct plus power generation",
}

#: Metrics of the budget.
BUDGET_METRICS: dict[str, str] = {
    "consumption": "water evaporated or otherwise not returned to its source",
    "withdrawal": "water taken from a source, part of which may return",
}


def _f(text: str) -> float:
    return float(text) if text not in ("", None) else math.nan


@dataclass(frozen=True)
class PowerWaterFactor:
    """Operational water of one generating technology, with its source.

    Attributes
    ----------
    technology : str
        Registry key, e.g. ``"combined_cycle_wet"``.
    description : str
        One line.
    consumption_gal_per_mwh : float
        Consumption factor [gal/MWh].
    withdrawal_gal_per_mwh : float
        Withdrawal factor [gal/MWh]; NaN when not available.
    consumption_basis, withdrawal_basis : str
        ``published_median``, ``derived``, ``derived_midpoint``, ``assumed_class_typical``,
        ``assumed_equal_to_consumption`` or ``not_available``.
    notes, source, source_url, source_year : str
        Caveats and citation.
    """

    technology: str
    description: str
    consumption_gal_per_mwh: float
    withdrawal_gal_per_mwh: float
    consumption_basis: str
    withdrawal_basis: str
    notes: str
    source: str
    source_url: str
    source_year: str


@dataclass(frozen=True)
class PublishedWue:
    """A published datacenter WUE (and/or PUE) with its source, from ``water_use_factors.csv``.

    Attributes
    ----------
    key : str
        Registry key, e.g. ``"semianalysis_colossus2_hybrid"``.
    description : str
        What and where.
    wue_l_per_kwh_it : float
        WUE [L per kWh of IT energy]; NaN when the row gives only a PUE.
    pue : float
        PUE [-]; NaN when not given.
    basis : str
        ``published`` or ``derived``.
    notes, source, source_url, source_year : str
        Caveats and citation.
    """

    key: str
    description: str
    wue_l_per_kwh_it: float
    pue: float
    basis: str
    notes: str
    source: str
    source_url: str
    source_year: str


@functools.cache
def _catalog_rows() -> tuple[dict, ...]:
    from models.catalog import read_catalog

    return read_catalog("water_use_factors")


@functools.cache
def power_water_factors() -> dict[str, PowerWaterFactor]:
    """All power-generation water factors, by technology key."""
    return {
        r["key"]: PowerWaterFactor(
            technology=r["key"],
            description=r["description"],
            consumption_gal_per_mwh=_f(r["consumption_gal_per_mwh"]),
            withdrawal_gal_per_mwh=_f(r["withdrawal_gal_per_mwh"]),
            consumption_basis=r["consumption_basis"],
            withdrawal_basis=r["withdrawal_basis"],
            notes=r["notes"],
            source=r["source"],
            source_url=r["source_url"],
            source_year=r["source_year"],
        )
        for r in _catalog_rows()
        if r["category"] == "power_generation"
    }


def power_water_factor(technology: str) -> PowerWaterFactor:
    """Look up one technology's factor; an unknown key lists the valid ones."""
    try:
        return power_water_factors()[technology]
    except KeyError:
        raise unknown_name("power-generation technology", technology, power_water_factors()) from None


@functools.cache
def published_wues() -> dict[str, PublishedWue]:
    """Published datacenter WUE/PUE figures, by key."""
    return {
        r["key"]: PublishedWue(
            key=r["key"],
            description=r["description"],
            wue_l_per_kwh_it=_f(r["wue_l_per_kwh_it"]),
            pue=_f(r["pue"]),
            basis=r["consumption_basis"],
            notes=r["notes"],
            source=r["source"],
            source_url=r["source_url"],
            source_year=r["source_year"],
        )
        for r in _catalog_rows()
        if r["category"] == "datacenter"
    }


def published_wue(key: str) -> PublishedWue:
    """Look up a published datacenter WUE; an unknown key lists the valid ones."""
    try:
        return published_wues()[key]
    except KeyError:
        raise unknown_name("published datacenter WUE", key, published_wues()) from None


def technology_for_prime_mover(unit_class: str, *, combined_cycle: bool = False, cooling: str = "wet") -> str:
    """Water-factor technology key for a prime-mover class from the equipment catalog.

    Parameters
    ----------
    unit_class : str
        The catalog's class text, e.g. ``"aeroderivative"``, ``"heavy-duty frame"``,
        ``"industrial gas turbine"``, ``"reciprocating engine (gas)"``, ``"fuel cell (solid oxide)"``
        (the snake_case spellings of ``models/catalogs/prime_movers.csv``, ``"fuel_cell"``,
        ``"industrial_gas_turbine"``, are read the same way).
    combined_cycle : bool
        True when the turbine runs in combined cycle (a steam cycle that needs cooling).
    cooling : str
        Combined-cycle condenser cooling: ``"wet"``, ``"dry"``, ``"hybrid"`` or ``"once_through"``.

    Returns
    -------
    str
        A key of :func:`power_water_factors`.

    Raises
    ------
    UnknownNameError
        For a class that is not a turbine, engine or fuel cell, or an unknown cooling.
    """
    text = unit_class.lower().replace("_", " ")  # the repo catalog spells classes in snake_case
    if "fuel cell" in text:
        return "fuel_cell"
    if "reciprocating" in text or "engine" in text:
        return "reciprocating_engine"
    if any(w in text for w in ("aeroderivative", "frame", "turbine")):
        if not combined_cycle:
            return "simple_cycle_gas_turbine"
        key = f"combined_cycle_{cooling}"
        if key not in power_water_factors():
            raise unknown_name("combined-cycle cooling", cooling, ["wet", "dry", "hybrid", "once_through"])
        return key
    raise unknown_name(
        "prime-mover class", unit_class,
        ["aeroderivative ...", "heavy-duty frame ...", "industrial gas turbine ...", "reciprocating engine ...", "fuel cell ..."],
    )


#: Dispatch-frame columns (``siting.power.PowerDesign.hourly``) that are generation, by source [MW hourly means = MWh].
DISPATCH_GENERATION_COLUMNS = ("gas_mw", "renewable_used_mw", "pv_mw", "wind_mw", "grid_mw")


def _profile(values, n: int, name: str) -> np.ndarray:
    if values is None:
        return np.zeros(n)
    a = np.asarray(values, dtype=float).reshape(-1)
    if a.size != n:
        raise DataError(f"{name} has {a.size} values but the dispatch has {n} hours; give one value per hour")
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise DataError(f"{name} has negative or non-finite values; give available output [MW] >= 0 for every hour")
    return a


def generation_from_dispatch(
    hourly: pd.DataFrame,
    *,
    gas_technology: str,
    pv_available_mw=None,
    wind_available_mw=None,
    grid_technology: str = "grid_average_us",
) -> pd.DataFrame:
    """Hourly generation by water technology from an hourly dispatch.

    Accounting (the convention of the ``battery`` row of ``water_use_factors.csv``): the
    water of a kWh is counted where it is generated. Gas output (``gas_mw``, including any
    output a minimum load forces into a load bank) is the gas technology; renewable output
    used (``renewable_used_mw``: produced minus curtailed, so it includes the energy that
    charged the battery) is PV and wind; grid imports (``grid_mw``) are the grid technology.
    Battery discharge is not generation: its water was counted when its charge was
    generated, so the battery's round-trip losses are counted through the generators that
    made them, and nothing else. Unserved energy is generated by nobody.

    When the dispatch gives renewables as one column, each hour's ``renewable_used_mw`` is
    split between PV and wind in proportion to their available output in that hour (the
    dispatch curtails the sum, so the split is by availability).

    Parameters
    ----------
    hourly : pandas.DataFrame
        One row per hour with any of ``gas_mw``, ``renewable_used_mw``, ``pv_mw``, ``wind_mw``,
        ``grid_mw`` [MW, hourly means = MWh in the hour]; ``pv_mw``/``wind_mw`` when present are
        used as they are instead of splitting ``renewable_used_mw``.
    gas_technology : str
        Key of :func:`power_water_factors` for the gas units (see :func:`technology_for_prime_mover`).
    pv_available_mw, wind_available_mw : array_like, optional
        Available PV and wind output each hour [MW] (capacity times the per-MW profile); needed
        only to split ``renewable_used_mw``; None means that source is absent.
    grid_technology : str
        Key for grid imports; default the US-grid figure ``grid_average_us``.

    Returns
    -------
    pandas.DataFrame
        On ``hourly.index``, one column per technology key with generation [MWh in the hour],
        only for sources with non-zero generation (the gas column when all are zero), ready
        for :func:`hourly_power_water` and :func:`power_water_by_technology`.

    Raises
    ------
    DataError
        When renewables were used but no availability was given, when an hour uses more
        renewable output than was available (the profiles do not belong to this dispatch),
        or on negative values.
    UnknownNameError
        For an unknown technology key.
    """
    power_water_factor(gas_technology)
    power_water_factor(grid_technology)
    n = len(hourly)
    cols = {c: hourly[c].to_numpy(dtype=float) for c in DISPATCH_GENERATION_COLUMNS if c in hourly.columns}
    if not cols:
        raise DataError(
            f"dispatch frame has none of the generation columns {DISPATCH_GENERATION_COLUMNS}; it has "
            f"{list(hourly.columns)}; pass siting.power.PowerDesign.hourly[design]"
        )
    for name, v in cols.items():
        if np.any(v[np.isfinite(v)] < -1e-9):
            raise DataError(f"dispatch column {name!r} has negative values; generation [MW] must be >= 0")
    out: dict[str, np.ndarray] = {}
    if "gas_mw" in cols:
        out[gas_technology] = np.clip(cols["gas_mw"], 0.0, None)
    if "pv_mw" in cols or "wind_mw" in cols:
        out["solar_pv"] = np.clip(cols.get("pv_mw", np.zeros(n)), 0.0, None)
        out["wind"] = np.clip(cols.get("wind_mw", np.zeros(n)), 0.0, None)
    elif "renewable_used_mw" in cols and np.nansum(cols["renewable_used_mw"]) > 0:
        used = np.clip(cols["renewable_used_mw"], 0.0, None)
        if pv_available_mw is None and wind_available_mw is None:
            raise DataError(
                "the dispatch used renewable output but neither pv_available_mw nor wind_available_mw was given; "
                "pass the available PV and/or wind output [MW] per hour to split it"
            )
        pv = _profile(pv_available_mw, n, "pv_available_mw")
        wd = _profile(wind_available_mw, n, "wind_available_mw")
        avail = pv + wd
        over = used > avail * (1.0 + 1e-9) + 1e-9
        if np.any(over):
            k = int(np.flatnonzero(over)[0])
            raise DataError(
                f"hour {k}: the dispatch used {used[k]:.6g} MW of renewables but only {avail[k]:.6g} MW was "
                f"available ({int(over.sum())} such hours); the PV/wind profiles do not belong to this dispatch"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            pv_share = np.where(avail > 0, pv / avail, 0.0)
        out["solar_pv"] = used * pv_share
        out["wind"] = used - out["solar_pv"]
    if "grid_mw" in cols:
        out[grid_technology] = np.clip(cols["grid_mw"], 0.0, None)
    kept = {k: v for k, v in out.items() if np.nansum(v) > 0}
    if not kept:
        kept = {gas_technology: out.get(gas_technology, np.zeros(n))}
    return pd.DataFrame(kept, index=hourly.index)


def hourly_power_water(power_mwh_by_technology: pd.DataFrame) -> pd.DataFrame:
    """Water used each hour to generate the campus's electricity.

    Parameters
    ----------
    power_mwh_by_technology : pandas.DataFrame
        Hourly rows; one column per technology key of :func:`power_water_factors`, values
        the energy generated in the hour [MWh] (equal to average MW for hourly rows).

    Returns
    -------
    pandas.DataFrame
        On the same index: ``consumption_gal`` and ``withdrawal_gal`` [gal in the hour];
        withdrawal is NaN in every hour when any technology with non-zero generation has no
        withdrawal factor.

    Raises
    ------
    UnknownNameError
        For a column that is not a known technology.
    DataError
        For negative generation.
    """
    factors = [power_water_factor(str(c)) for c in power_mwh_by_technology.columns]
    mwh = power_mwh_by_technology.to_numpy(dtype=float)
    if np.any(mwh[np.isfinite(mwh)] < 0):
        raise DataError("power_mwh_by_technology has negative values; give generation [MWh] >= 0 (charging is not generation)")
    cons = np.array([f.consumption_gal_per_mwh for f in factors])
    wdr = np.array([f.withdrawal_gal_per_mwh for f in factors])
    used = np.nansum(mwh, axis=0) > 0 if mwh.size else np.zeros(len(factors), dtype=bool)
    consumption = mwh @ cons if factors else np.zeros(len(mwh))
    if np.any(np.isnan(wdr) & used):
        withdrawal = np.full(len(mwh), np.nan)
    else:
        withdrawal = mwh @ np.nan_to_num(wdr) if factors else np.zeros(len(mwh))
    return pd.DataFrame({"consumption_gal": consumption, "withdrawal_gal": withdrawal}, index=power_mwh_by_technology.index)


def power_water_by_technology(power_mwh_by_technology: pd.DataFrame) -> pd.DataFrame:
    """Annual generation and water by technology, with each factor's basis and source.

    Parameters
    ----------
    power_mwh_by_technology : pandas.DataFrame
        As for :func:`hourly_power_water`.

    Returns
    -------
    pandas.DataFrame
        Indexed by technology: ``energy_mwh_per_yr`` [MWh/yr], ``consumption_gal_per_mwh``,
        ``withdrawal_gal_per_mwh`` [gal/MWh], ``consumption_gal_per_yr``,
        ``withdrawal_gal_per_yr`` [gal/yr], ``consumption_basis``, ``withdrawal_basis``,
        ``source``. Per-year figures are scaled by 8,760 / number of rows.
    """
    n = len(power_mwh_by_technology)
    scale = HOURS_PER_YEAR / n if n else math.nan
    rows = []
    for col in power_mwh_by_technology.columns:
        f = power_water_factor(str(col))
        e = float(power_mwh_by_technology[col].sum()) * scale
        rows.append(
            {
                "technology": f.technology,
                "energy_mwh_per_yr": e,
                "consumption_gal_per_mwh": f.consumption_gal_per_mwh,
                "withdrawal_gal_per_mwh": f.withdrawal_gal_per_mwh,
                "consumption_gal_per_yr": e * f.consumption_gal_per_mwh,
                "withdrawal_gal_per_yr": e * f.withdrawal_gal_per_mwh,
                "consumption_basis": f.consumption_basis,
                "withdrawal_basis": f.withdrawal_basis,
                "source": f.source,
            }
        )
    return pd.DataFrame(rows).set_index("technology") if rows else pd.DataFrame()


@dataclass(frozen=True)
class BudgetLine:
    """One line of the water budget.

    Attributes
    ----------
    scope : str
        ``on_site_direct``, ``power_generation`` or ``total``.
    metric : str
        ``consumption`` or ``withdrawal``.
    water_type : str
        ``blue`` (all operational water here is surface or ground water).
    gal_per_yr : float
        Annual volume [gal/yr]; NaN when not available.
    peak_day_gal_per_day : float
        Volume on the day of the year with the most [gal/day].
    """

    scope: str
    metric: str
    water_type: str
    gal_per_yr: float
    peak_day_gal_per_day: float


@dataclass(frozen=True)
class WaterBudget:
    """The campus water budget: scopes x metrics, per year and peak day, with notes."""

    lines: tuple[BudgetLine, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def get(self, scope: str, metric: str) -> BudgetLine:
        """The line for a scope and metric."""
        for line in self.lines:
            if line.scope == scope and line.metric == metric:
                return line
        raise unknown_name("budget line", f"{scope}/{metric}", [f"{x.scope}/{x.metric}" for x in self.lines])

    def to_frame(self) -> pd.DataFrame:
        """The lines as a table (one row per scope and metric) for reports and charts."""
        return pd.DataFrame(
            [
                {
                    "scope": x.scope,
                    "metric": x.metric,
                    "water_type": x.water_type,
                    "gal_per_yr": x.gal_per_yr,
                    "peak_day_gal_per_day": x.peak_day_gal_per_day,
                    "description": BUDGET_SCOPES[x.scope],
                }
                for x in self.lines
            ]
        )


def _peak_day(values: np.ndarray, index: pd.Index) -> float:
    if np.all(np.isnan(values)):
        return math.nan
    if isinstance(index, pd.DatetimeIndex):
        return float(pd.Series(values, index=index).groupby(index.normalize()).sum(min_count=1).max())
    return float(pd.Series(values).groupby(np.arange(len(values)) // 24).sum(min_count=1).max())


def water_budget(on_site: pd.DataFrame, power: pd.DataFrame | None = None) -> WaterBudget:
    """Budget of blue water by scope (on-site, power generation, total) and metric.

    Parameters
    ----------
    on_site : pandas.DataFrame
        Hourly ``water_consumption_gal`` and ``water_withdrawal_gal`` [gal in the hour]
        (the output of :func:`models.cooling.hourly_cooling` qualifies).
    power : pandas.DataFrame, optional
        Hourly ``consumption_gal`` and ``withdrawal_gal`` [gal in the hour] on the same
        number of rows (output of :func:`hourly_power_water`). None when the power supply is
        not modelled: the power-generation and total lines are then NaN.

    Returns
    -------
    WaterBudget
        Six lines; annual figures scaled by 8,760 / number of rows.

    Raises
    ------
    DataError
        When the two tables have different lengths or lack their columns.
    """
    for col in ("water_consumption_gal", "water_withdrawal_gal"):
        if col not in on_site.columns:
            raise DataError(f"on-site table lacks {col!r}; it has {list(on_site.columns)}; pass hourly_cooling(...) output")
    n = len(on_site)
    if n == 0:
        raise DataError("on-site table is empty; give hourly rows")
    scale = HOURS_PER_YEAR / n
    notes = []
    site = {
        "consumption": on_site["water_consumption_gal"].to_numpy(dtype=float),
        "withdrawal": on_site["water_withdrawal_gal"].to_numpy(dtype=float),
    }
    if power is None:
        pw = {m: np.full(n, np.nan) for m in BUDGET_METRICS}
        notes.append("power generation not modelled: pass the hourly generation by technology to include it")
    else:
        if len(power) != n:
            raise DataError(f"power table has {len(power)} rows, on-site table {n}; give both on the same hours")
        for col in ("consumption_gal", "withdrawal_gal"):
            if col not in power.columns:
                raise DataError(f"power table lacks {col!r}; pass hourly_power_water(...) output")
        pw = {"consumption": power["consumption_gal"].to_numpy(dtype=float),
              "withdrawal": power["withdrawal_gal"].to_numpy(dtype=float)}
        if np.all(np.isnan(pw["withdrawal"])):
            notes.append("power-generation withdrawal not available for a technology in the mix (see water_use_factors.csv)")
    lines = []
    for scope in BUDGET_SCOPES:
        for metric in BUDGET_METRICS:
            if scope == "on_site_direct":
                v = site[metric]
            elif scope == "power_generation":
                v = pw[metric]
            else:
                v = site[metric] + pw[metric]
            total = float(np.sum(v)) * scale if not np.any(np.isnan(v)) else math.nan
            lines.append(BudgetLine(scope, metric, "blue", total, _peak_day(v, on_site.index) if not math.isnan(total) else math.nan))
    if np.all(np.isnan(site["withdrawal"])):
        notes.append("on-site withdrawal not available: the published WUE used is a consumption-style figure")
    return WaterBudget(tuple(lines), tuple(notes))
