"""Time to first power per design and what waiting costs the datacenter.

Lead times come from the catalogs: equipment order-to-delivery by unit
(``prime_movers.csv`` ``lead_time_months``: gas engines 12-18 months, new OEM turbines
3-5 years, frames 6-7 years, fuel cells ~90 days) and the grid interconnection wait
(LBNL *Queued Up*: median 55 months request-to-COD for projects reaching COD in 2024,
``grid.csv``) unless the caller knows the local wait. Air-permit decision times
(``air_permits.csv``, cited outside the reference set, which lists them as a gap): PSD 12
months (Clean Air Act 165(c) one-year clock), nonattainment NSR 12 months (stand-in),
minor source or Title V only 6 months (one state's published timeline). Equipment is
ordered while the permit is processed, so on-site designs reach first power at the later
of the two; application preparation and construction after delivery are not modelled.

The cost of waiting is the capital that sits idle: datacenter capex per GW
(``datacenter_facts.csv``, USD billion/GW, nominal 2025) x IT GW x the monthly cost of
capital ((1 + r)^(1/12) - 1).

:func:`first_power` and :func:`compare` above are the earlier API, kept for their callers:
equipment lead time against permit time, with no construction, and the LBNL *generator*
queue as the grid wait. The chain API below supersedes them:

* :func:`months_to_first_power` - procurement (by equipment class, 2024-2026 backlogs),
  permitting (by permit path, with offsets where the county's class requires them),
  construction (by class) and, for grid designs, the *large-load* connection time of the
  region; every step with its months and source (:class:`PowerChain`, ``lines()`` for a
  report);
* :func:`waiting_cost_usd_per_month` - carrying cost of the datacenter's capital plus the
  hardware's 5-year life running out, in a requested dollar year;
* :func:`value_of_months_saved` and :func:`waiting_cost_usd` - designs compared against the
  fastest, bounded by the months actually saved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from models.catalog import PrimeMover, fact
from models.errors import ConfigError

#: Designs :func:`first_power` knows.
DESIGNS = ("gas_only", "renewables_plus_gas", "grid_with_backup", "bridge_to_grid")


def grid_wait_months_default() -> float:
    """Median interconnection wait (request to COD, 2024 CODs) [months] from grid.csv."""
    return float(fact("grid", "Median time in queue for projects reaching COD")["value"])


def idle_capital_usd_per_month(it_load_mw: float, cost_of_capital_frac: float) -> float:
    """Carrying cost of a datacenter's idle capital [USD/month, nominal 2025].

    Parameters
    ----------
    it_load_mw : float
        IT load [MW].
    cost_of_capital_frac : float
        Annual cost of capital [-].

    Returns
    -------
    float
        capex per GW x IT GW x ((1 + r)^(1/12) - 1) [USD/month].
    """
    if it_load_mw <= 0 or not 0 <= cost_of_capital_frac < 1:
        raise ConfigError(f"it_load_mw={it_load_mw!r} must be > 0 and cost_of_capital_frac={cost_of_capital_frac!r} "
                          "in [0, 1)")
    capex_usd_per_gw = float(fact("datacenter_facts", "all-in capex per GW (Nvidia view)")["value"]) * 1e9
    return capex_usd_per_gw * it_load_mw / 1000.0 * ((1.0 + cost_of_capital_frac) ** (1.0 / 12.0) - 1.0)


@dataclass(frozen=True)
class TimeToPower:
    """First power for one design.

    Attributes
    ----------
    design : str
    months_to_first_power : float
        Months from order/notice to proceed to first power [months].
    months_to_grid : float
        Months to grid power (grid and bridge designs), NaN otherwise [months].
    first_power_year : float
        start_year + months / 12 [yr, decimal].
    binding_item : str
        What sets the date.
    permit_path : str
        Air-permit path flag (durations not modelled: reference gap).
    waiting_cost_usd : float
        Idle capital cost of the months beyond the fastest design compared [USD, nominal 2025].
    """

    design: str
    months_to_first_power: float
    months_to_grid: float
    first_power_year: float
    binding_item: str
    permit_path: str
    waiting_cost_usd: float


def permit_months(permit_path: str) -> float:
    """Months to an air-permit decision for a permit path [months]; NaN for ``"unknown"``.

    Parameters
    ----------
    permit_path : str
        ``"minor_source"``, ``"title_v_only"``, ``"psd_major"``, ``"nonattainment_nsr"`` or ``"unknown"``.
    """
    items = {"psd_major": "PSD permit decision", "nonattainment_nsr": "Nonattainment NSR permit decision",
             "minor_source": "Minor-source construction permit", "title_v_only": "Minor-source construction permit"}
    if permit_path == "unknown":
        return math.nan
    if permit_path not in items:
        raise ConfigError(f"permit_path={permit_path!r}; expected one of {', '.join(items)} or 'unknown'")
    return float(fact("air_permits", items[permit_path])["value"])


def first_power(design: str, unit: PrimeMover | None, *, start_year: float, permit_path: str = "unknown",
                grid_wait_yr: float | None = None) -> TimeToPower:
    """Months to first power for a design (without the waiting cost; see :func:`compare`).

    Parameters
    ----------
    design : str
        One of :data:`DESIGNS`.
    unit : PrimeMover or None
        The on-site gas unit (None for a pure grid design).
    start_year : float
        Decimal year the clock starts (order / notice to proceed) [yr].
    permit_path : str
        Air-permit path; its decision time (:func:`permit_months`) can set the date of on-site designs.
    grid_wait_yr : float, optional
        Local interconnection wait [yr]; default the national median from grid.csv.
    """
    if design not in DESIGNS:
        raise ConfigError(f"design={design!r}; expected one of {', '.join(DESIGNS)}")
    grid_months = grid_wait_months_default() if grid_wait_yr is None else 12.0 * float(grid_wait_yr)
    if grid_months < 0:
        raise ConfigError(f"grid_wait_yr={grid_wait_yr!r} must be >= 0")
    if design == "grid_with_backup" or unit is None:
        months, binding, to_grid = grid_months, "grid interconnection queue", grid_months
    else:
        if not math.isfinite(unit.lead_time_months):
            raise ConfigError(f"unit {unit.name!r} has no lead time in the catalog")
        months, binding = unit.lead_time_months, f"{unit.name} lead time"
        permit = permit_months(permit_path)
        if math.isfinite(permit) and permit > months:
            months, binding = permit, f"air permit ({permit_path})"
        to_grid = grid_months if design == "bridge_to_grid" else math.nan
    return TimeToPower(design, float(months), float(to_grid), start_year + months / 12.0, binding, permit_path, 0.0)


def compare(options: list[TimeToPower], *, it_load_mw: float, cost_of_capital_frac: float) -> list[TimeToPower]:
    """Attach the cost of waiting relative to the fastest option to each option.

    Returns
    -------
    list of TimeToPower
        Same order; ``waiting_cost_usd`` = (months - fastest months) x idle capital per month.
    """
    if not options:
        return []
    fastest = min(o.months_to_first_power for o in options)
    per_month = idle_capital_usd_per_month(it_load_mw, cost_of_capital_frac)
    return [
        TimeToPower(o.design, o.months_to_first_power, o.months_to_grid, o.first_power_year, o.binding_item,
                    o.permit_path, (o.months_to_first_power - fastest) * per_month)
        for o in options
    ]


# ---------------------------------------------------------------------------------------
# Time to power as a chain of steps (procurement, permitting, offsets, construction, grid)
# ---------------------------------------------------------------------------------------
#: Large-load connection regions :func:`months_to_first_power` accepts (``catalogs/large_load_connection.csv``).
GRID_REGIONS = ("ercot", "pjm_dominion", "us_utility_reported")


@dataclass(frozen=True)
class ChainStep:
    """One step of the path to first power.

    Attributes
    ----------
    step : str
        ``"procurement"``, ``"permitting"``, ``"offsets"``, ``"construction"`` or ``"grid_connection"``.
    months : float
        Duration [months]; NaN when the step is not modelled (e.g. an unknown permit path).
    start_month, end_month : float
        When the step starts and ends, counted from notice to proceed [months].
    after : tuple of str
        Steps that must finish before this one starts.
    note, source, source_url : str
        What the duration is and where it comes from (stand-ins are marked in ``note``).
    """

    step: str
    months: float
    start_month: float
    end_month: float
    after: tuple[str, ...]
    note: str
    source: str
    source_url: str


@dataclass(frozen=True)
class PowerChain:
    """Months to first power and the chain of steps behind it.

    Attributes
    ----------
    months_to_first_power : float
        Notice to proceed to first power [months].
    months_to_grid : float
        Notice to proceed to grid power, NaN without a grid connection [months].
    equipment_class : str or None
        On-site equipment class (None: grid only).
    steps : tuple of ChainStep
        Every step, in order.
    critical_path : tuple of str
        Steps that set the first-power date, first to last.
    """

    months_to_first_power: float
    months_to_grid: float
    equipment_class: str | None
    steps: tuple[ChainStep, ...]
    critical_path: tuple[str, ...]

    def lines(self) -> list[str]:
        """The chain as report lines: step, months, start-end, source."""
        out = []
        for s in self.steps:
            mark = "*" if s.step in self.critical_path else " "
            span = "not modelled" if not math.isfinite(s.months) else \
                f"{s.months:5.1f} months (month {s.start_month:.1f} to {s.end_month:.1f})"
            out.append(f"{mark} {s.step}: {span} - {s.note} [{s.source}]")
        return out


def _rows(kind: str, key: str) -> dict[str, dict[str, str]]:
    from models.catalog import read_catalog
    return {r[key]: r for r in read_catalog(kind)}


def _offset_ratio(nonattainment_class: str) -> float:
    from models.catalog import read_catalog
    for r in read_catalog("air_permits"):
        if r["category"] == "offset_ratio" and r["area_classification"].endswith(f"- {nonattainment_class}"):
            return float(r["value"])
    return math.nan


def months_to_first_power(equipment_class: str | None, permit_path: str, nonattainment_class: str | None, *,
                          grid_region: str | None = None, offsets_months: float | None = None) -> PowerChain:
    """Months from notice to proceed to first power, as a chain of sourced steps.

    On-site supply (``equipment_class`` given): the prime mover is ordered and the air
    permit applied for at once; offsets, where the permit path requires them, are secured
    alongside the permit review; construction (installation and commissioning) starts when
    the equipment is on site, the permit is issued and the offsets are in hand:

        first power = max(procurement, permitting, offsets) + construction.

    Grid supply (``equipment_class`` None): the large-load connection time of the region
    (a *load* connection, not the generator queue). With both (bridge to grid), first
    power is the on-site chain and ``months_to_grid`` the connection.

    Durations: procurement and construction by class from ``catalogs/equipment_schedule.csv``
    (2024-2026 OEM backlogs; EIA AEO2026 lead times; trailer-mounted units from stock);
    permitting by path from ``catalogs/permit_durations.csv``; the connection by region from
    ``catalogs/large_load_connection.csv``. Serial construction after delivery is
    conservative for plants whose site works overlap turbine manufacturing.

    Parameters
    ----------
    equipment_class : str or None
        On-site class (:data:`models.money.EQUIPMENT_CLASSES`; see
        :func:`models.money.equipment_class_for_unit`), or None for a grid-only design.
    permit_path : str
        ``"minor_source"``, ``"title_v_only"``, ``"psd_major"``, ``"nonattainment_nsr"`` or
        ``"unknown"`` (the permitting step is then not modelled and the chain says so).
    nonattainment_class : str or None
        Ozone classification of the county (``"marginal"`` ... ``"extreme"``) or None.
    grid_region : str, optional
        One of :data:`GRID_REGIONS`; needed for grid and bridge designs.
    offsets_months : float, optional
        Time to secure emission offsets where the path requires them [months]. No public
        acquisition time was found: by default the offsets are assumed secured within the
        permit review (0 months beyond it) and the step says so.

    Returns
    -------
    PowerChain
    """
    if equipment_class is None and grid_region is None:
        raise ConfigError("months_to_first_power needs an on-site equipment_class, a grid_region, or both")
    steps: list[ChainStep] = []
    grid_months = math.nan
    if grid_region is not None:
        regions = _rows("large_load_connection", "region")
        if grid_region not in regions:
            from models.errors import unknown_name
            raise unknown_name("large-load connection region", grid_region, regions)
        r = regions[grid_region]
        grid_months = float(r["months"])
        bound = " (a lower bound)" if r["is_lower_bound"] == "yes" else ""
        steps.append(ChainStep("grid_connection", grid_months, 0.0, grid_months, (),
                               f"large-load connection, {grid_region}{bound}: {r['notes']}", r["source"],
                               r["source_url"]))
    if equipment_class is None:
        return PowerChain(grid_months, grid_months, None, tuple(steps), ("grid_connection",))

    sched = _rows("equipment_schedule", "equipment_class")
    if equipment_class not in sched:
        from models.errors import unknown_name
        raise unknown_name("equipment class with a schedule", equipment_class, sched)
    s = sched[equipment_class]
    typical = [f for f in s["class_typical_fields"].split(";") if f]
    proc = float(s["procurement_months"])
    steps.append(ChainStep("procurement", proc, 0.0, proc, (),
                           ("CLASS-TYPICAL " if "procurement_months" in typical
                            and not s["procurement_note"].startswith("CLASS-TYPICAL") else "") + s["procurement_note"],
                           s["source"], s["source_url"]))
    permits = _rows("permit_durations", "permit_path")
    if permit_path == "unknown":
        permit = math.nan
        steps.append(ChainStep("permitting", math.nan, 0.0, math.nan, (),
                               "permit path unknown: the air permit is not in the chain (first power may be later)",
                               "-", "-"))
        offsets_needed = False
    elif permit_path in permits:
        p = permits[permit_path]
        permit = float(p["months"])
        steps.append(ChainStep("permitting", permit, 0.0, permit, (), f"{permit_path}: {p['notes']}",
                               p["source"], p["source_url"]))
        offsets_needed = p["offsets_required"] == "yes" and nonattainment_class is not None
    else:
        raise ConfigError(f"permit_path={permit_path!r}; expected one of {', '.join(permits)} or 'unknown'")
    ready = [("procurement", proc)]
    if math.isfinite(permit):
        ready.append(("permitting", permit))
    if offsets_needed:
        ratio = _offset_ratio(nonattainment_class)
        if offsets_months is None:
            off = permit
            note = (f"offsets at {ratio:g}:1 for a {nonattainment_class} area (air_permits.csv); acquisition time "
                    "not sourced: assumed secured within the permit review (pass offsets_months to model a search)")
        else:
            if offsets_months < 0:
                raise ConfigError(f"offsets_months={offsets_months!r} must be >= 0")
            off = float(offsets_months)
            note = f"offsets at {ratio:g}:1 for a {nonattainment_class} area; acquisition time given by the caller"
        steps.append(ChainStep("offsets", off, 0.0, off, (), note,
                               "US EPA, Sample nonattainment requirements (offset ratios)",
                               "https://www.epa.gov/ozonedesignations/ozonesamplerequirements.htm"))
        ready.append(("offsets", off))
    gate_step, gate = max(ready, key=lambda x: x[1])
    cons = float(s["construction_months"])
    steps.append(ChainStep("construction", cons, gate, gate + cons, tuple(n for n, _ in ready),
                           ("DERIVED/CLASS-TYPICAL " if "construction_months" in typical else "")
                           + s["construction_note"], s["source"], s["source_url"]))
    return PowerChain(gate + cons, grid_months, equipment_class, tuple(steps), (gate_step, "construction"))


def waiting_cost_usd_per_month(it_load_mw, cost_of_capital_frac: float, *, dollar_year: int,
                               hardware_life_yr: float | None = None):
    """What one month of waiting for power costs a datacenter [USD/month] (vectorised over IT load).

    Two parts, both on the capital at stake (``datacenter_facts.csv``: ~$50B/GW all-in, of
    which ~$35B/GW Nvidia hardware, nominal 2025, converted with CPI-U):

    * carrying cost of all the capital: ``capex x ((1 + r)^(1/12) - 1)``;
    * the hardware's economic life running out while it idles:
      ``hardware / (life x 12)``, life 5 years (AWS AI/ML servers, Amazon and Meta servers).

    Parameters
    ----------
    it_load_mw : float or array_like
        IT load [MW], > 0.
    cost_of_capital_frac : float
        Annual cost of capital [-], in [0, 1).
    dollar_year : int
        Dollar year of the result [yr].
    hardware_life_yr : float, optional
        Default the AWS AI/ML server life in the catalog (5 years) [yr].

    Returns
    -------
    float or numpy.ndarray
        [USD of dollar_year per month]
    """
    from models.money import to_dollar_year

    it = np.asarray(it_load_mw, dtype=float)
    if np.any(it <= 0) or not 0 <= cost_of_capital_frac < 1:
        raise ConfigError(f"it_load_mw={it_load_mw!r} must be > 0 and cost_of_capital_frac={cost_of_capital_frac!r} "
                          "in [0, 1)")
    life = float(fact("datacenter_facts", "AWS life for some AI/ML")["value"]) if hardware_life_yr is None \
        else float(hardware_life_yr)
    if life <= 0:
        raise ConfigError(f"hardware_life_yr={hardware_life_yr!r} must be > 0")
    total = float(fact("datacenter_facts", "all-in capex per GW (Nvidia view)")["value"]) * 1e9
    hardware = float(fact("datacenter_facts", "Nvidia hardware capex per GW")["value"]) * 1e9
    gw = it / 1000.0
    monthly = gw * (total * ((1.0 + cost_of_capital_frac) ** (1.0 / 12.0) - 1.0) + hardware / (life * 12.0))
    out = np.asarray(to_dollar_year(monthly, 2025, dollar_year), dtype=float)
    return out[()] if out.ndim == 0 else out


def value_of_months_saved(months_to_first_power_by_design: dict[str, float], *, it_load_mw: float,
                          cost_of_capital_frac: float, dollar_year: int) -> dict[str, dict[str, float]]:
    """Compare designs that differ in months, fairly: each against the fastest one.

    For each design: months behind the fastest, and the waiting cost of those months. The
    value of a design's speed against any other is bounded by the months it actually saves
    (never by an assumed zero delay), and the hardware part of a month's cost stops once the
    hardware life has run out (no more than the hardware is worth).

    Parameters
    ----------
    months_to_first_power_by_design : dict of str to float
        [months] per design (e.g. from :func:`months_to_first_power`).
    it_load_mw : float
        [MW]
    cost_of_capital_frac : float
        [-]
    dollar_year : int
        [yr]

    Returns
    -------
    dict
        ``{design: {"months_to_first_power", "months_behind_fastest", "waiting_cost_usd"}}``
        [months], [months], [USD of dollar_year]; the fastest design has 0 and 0.
    """
    if not months_to_first_power_by_design:
        return {}
    months = {d: float(m) for d, m in months_to_first_power_by_design.items()}
    if any(not math.isfinite(m) or m < 0 for m in months.values()):
        raise ConfigError(f"months_to_first_power_by_design={months_to_first_power_by_design!r}: expected finite "
                          "months >= 0 for every design")
    fastest = min(months.values())
    return {d: {"months_to_first_power": m, "months_behind_fastest": m - fastest,
                "waiting_cost_usd": float(waiting_cost_usd(m - fastest, it_load_mw=it_load_mw,
                                                           cost_of_capital_frac=cost_of_capital_frac,
                                                           dollar_year=dollar_year))}
            for d, m in months.items()}


def waiting_cost_usd(months_waited, *, it_load_mw: float, cost_of_capital_frac: float, dollar_year: int,
                     hardware_life_yr: float | None = None):
    """Cost of waiting a number of months [USD] (vectorised over months), hardware loss capped at its value.

    Parameters
    ----------
    months_waited : float or array_like
        [months], >= 0.
    it_load_mw, cost_of_capital_frac, dollar_year, hardware_life_yr
        As :func:`waiting_cost_usd_per_month`.

    Returns
    -------
    float or numpy.ndarray
        carrying cost x months + hardware / (life x 12) x min(months, life x 12) [USD of dollar_year].
    """
    from models.money import to_dollar_year

    m = np.asarray(months_waited, dtype=float)
    if np.any(m < 0):
        raise ConfigError(f"months_waited={months_waited!r} must be >= 0")
    life = float(fact("datacenter_facts", "AWS life for some AI/ML")["value"]) if hardware_life_yr is None \
        else float(hardware_life_yr)
    per_month = waiting_cost_usd_per_month(it_load_mw, cost_of_capital_frac, dollar_year=dollar_year,
                                           hardware_life_yr=life)
    hardware = float(fact("datacenter_facts", "Nvidia hardware capex per GW")["value"]) * 1e9 * it_load_mw / 1000.0
    hw_month = float(to_dollar_year(hardware / (life * 12.0), 2025, dollar_year))
    out = (per_month - hw_month) * m + hw_month * np.minimum(m, life * 12.0)
    return out[()] if np.ndim(out) == 0 else out
