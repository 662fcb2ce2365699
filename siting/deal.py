"""IPP deal evaluation: a behind-the-meter plant selling power to a datacenter.

A deal is a frozen, validated tree of dataclasses loaded from TOML (:func:`load_deal`;
unknown keys are rejected with the valid ones listed), or built from a site's power
design (:class:`PlantSpec`, :func:`deal_from_plant`). :func:`evaluate_deal` builds the
annual cash flows with :mod:`models.finance` and returns a :class:`DealResult`: the
cash-flow table, project and equity IRR, NPV, LCOE, the solved contract price, DSCR,
payback, the construction period (monthly capex draws and the interest capitalised
during construction), the delivered cost to the datacenter against its grid
alternative (the same all-in grid price as the power module, with its delivery
charges shown) and what the months gained or lost against the grid wait are worth to
a datacenter whose capital sits idle, a tornado centred on the base case, named
scenarios and a Monte Carlo range with its assumptions and, when its median strays
from the base, the reasons computed from the draws.

Everything is evaluated on arrays: the six drivers ("knobs": fuel price, capex,
capacity factor, contract price, interest rate, delay) are vectors with one entry per
case, so the base case, the tornado, the scenarios and thousands of Monte Carlo draws
are each one call of :func:`models.finance.project_cash_flows`.

Timeline: year 0 of the cash-flow table is commercial operation (the end of
construction, the year before ``economics.first_power_year``); capital is drawn monthly
over the construction months before it, each draw escalated from the dollar year to
its month and carried at the construction-loan rate to year 0 (interest during
construction, capitalised). A delay (``economics.delay_months``) after construction
carries the whole balance at the same rate.

Money is nominal USD. Cost inputs are in USD of ``economics.dollar_year`` and escalate
with ``economics.inflation_frac`` to the year they are spent; contract prices are
nominal in the first operating year and escalate with the contract escalator.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import types
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models import finance as fin
from models.catalog import fact
from models.units import BTU_PER_MMBTU, HOURS_PER_YEAR, KWH_PER_MWH
from siting.errors import ConfigError, unknown_name

log = logging.getLogger(__name__)

#: The drivers a tornado, a scenario or a Monte Carlo draw may change.
KNOBS = (
    "fuel_price_usd_per_mmbtu",
    "capex_usd_per_kw",
    "capacity_factor_frac",
    "contract_price",
    "interest_rate_frac",
    "delay_months",
)

CONTRACT_TYPES = ("ppa", "tolling")

#: Equipment classes a plant may declare, with the prime-mover catalog's (unit_class, configuration)
#: whose lead times give its months to first power (None: no catalog entry, e.g. an existing coal unit).
EQUIPMENT_CLASSES: dict[str, tuple[str, str | None] | None] = {
    "aeroderivative": ("aeroderivative", None),
    "industrial_gas_turbine": ("industrial_gas_turbine", None),
    "frame_simple_cycle": ("frame", "simple_cycle"),
    "combined_cycle": ("frame", "combined_cycle"),
    "reciprocating_engine": ("reciprocating_engine", None),
    "fuel_cell": ("fuel_cell", None),
    "coal_steam": None,
}

#: Fuels a plant may burn (the fuel price knob moves whichever it is).
FUEL_TYPES = ("natural_gas", "coal", "oil")


# ---------------------------------------------------------------------------------------
# Time to power: one place the lead re-points when the time-to-power chain is rebuilt
# ---------------------------------------------------------------------------------------
def plant_months_to_first_power(equipment_class: str) -> tuple[float, str]:
    """Months from notice to proceed to first power of a new plant of an equipment class.

    The time-to-power chain of :mod:`models.time_to_power` (procurement with the 2024-2026
    backlogs, then construction by class; a site's own design adds its permit path). Every
    deal default for the behind-the-meter plant's months goes through this function.

    Parameters
    ----------
    equipment_class : str
        One of :data:`EQUIPMENT_CLASSES`.

    Returns
    -------
    tuple of (float, str)
        Months [months] (NaN when the chain has no schedule for the class) and where they
        come from.
    """
    from models import time_to_power as ttp
    from models.catalog import read_catalog

    if equipment_class not in EQUIPMENT_CLASSES:
        raise unknown_name("equipment class", equipment_class, EQUIPMENT_CLASSES)
    classes = {r["equipment_class"] for r in read_catalog("equipment_schedule")}
    cls = {"industrial_gas_turbine": "aeroderivative"}.get(equipment_class, equipment_class)
    if cls not in classes:
        return math.nan, (f"no schedule for {equipment_class!r} in equipment_schedule.csv: give "
                          "plant.months_to_first_power [months] from the owner's restart or conversion schedule")
    chain = ttp.months_to_first_power(cls, "minor_source", None)
    steps = ", ".join(f"{s.step} {s.months:.0f}" for s in chain.steps if math.isfinite(s.months))
    return chain.months_to_first_power, (f"models.time_to_power chain for {cls} ({steps} months; a minor-source "
                                         "permit: a site's design gives its own permit path)")


def grid_wait_months_default() -> tuple[float, str]:
    """The grid alternative's connection time [months] and its basis: the large-load connection (not a generator queue)."""
    from models import time_to_power as ttp

    chain = ttp.months_to_first_power(None, "unknown", None, grid_region="us_utility_reported")
    return chain.months_to_first_power, ("models.time_to_power: large-load connection, utility-reported national "
                                         f"figure ({chain.steps[0].note})")


def _scenario_default(name: str):
    from siting.scenario import Scenario

    return Scenario.__dataclass_fields__[name].default


def _construction_months_default(equipment_class: str) -> tuple[float, str]:
    key = f"construction_months_{equipment_class}"
    try:
        row = fin.finance_input(key)
    except Exception:  # noqa: BLE001 - no row for this class: no default
        return math.nan, ""
    return row.value, f"{row.notes} ({row.source})"


# ---------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------
def _p(default, unit, description, *, lo=None, hi=None, choices=None):
    meta = {"unit": unit, "description": description, "min": lo, "max": hi, "choices": choices}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


class _Section:
    """Validation shared by every deal section (bounds and choices from field metadata)."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            m = f.metadata
            where = f"{self._section}.{f.name}"
            if value is None or not m:
                continue
            if m.get("choices") and value not in m["choices"]:
                raise ConfigError(f"{where}={value!r}: expected one of {', '.join(m['choices'])}")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if not math.isfinite(value):
                    raise ConfigError(f"{where}={value!r}: expected a finite number [{m['unit']}]")
                if m.get("min") is not None and value < m["min"]:
                    raise ConfigError(f"{where}={value!r}: expected >= {m['min']} [{m['unit']}]; {m['description']}")
                if m.get("max") is not None and value > m["max"]:
                    raise ConfigError(f"{where}={value!r}: expected <= {m['max']} [{m['unit']}]; {m['description']}")


@dataclass(frozen=True)
class Component(_Section):
    """One block of capital (gas turbines, balance of plant, solar, batteries...)."""

    _section = "plant.components"
    name: str = _p("plant", "-", "Component name.")
    capacity_mw: float = _p(0.0, "MW", "Rated capacity of this component (for per-kW costs).", lo=0.0)
    capex_usd_per_kw: float = _p(0.0, "USD/kW", "Overnight capital cost, USD of economics.dollar_year.", lo=0.0)
    fixed_om_usd_per_kw_yr: float = _p(0.0, "USD/kW-yr", "Fixed O&M, USD of economics.dollar_year.", lo=0.0)
    depreciation: str = _p("macrs_15", "-", "Tax depreciation: macrs_3..macrs_20, sl_<n> or sl_<n>_full.")
    itc_frac: float = _p(0.0, "-", "Investment tax credit on this component's capex (solar, storage).", lo=0.0, hi=1.0)
    source: str = _p("", "-", "Where the cost figures come from.")


@dataclass(frozen=True)
class Plant(_Section):
    """The generating plant."""

    _section = "plant"
    name: str = _p("plant", "-", "Plant name.")
    capacity_mw: float = _p(1000.0, "MW", "Net capacity sold under the contract.", lo=0.001)
    capacity_factor_frac: float = _p(0.85, "-", "Energy delivered over capacity x 8760 h.", lo=0.0, hi=1.0)
    availability_frac: float = _p(0.95, "-", "Expected equivalent availability (for the tolling guarantee).", lo=0.0, hi=1.0)
    heat_rate_hhv_btu_per_kwh: float = _p(6332.0, "Btu/kWh", "Average heat rate, HHV (0 for no fuel).", lo=0.0)
    variable_om_usd_per_mwh: float = _p(0.0, "USD/MWh", "Variable O&M, USD of economics.dollar_year.", lo=0.0)
    degradation_frac_per_yr: float = _p(0.0, "-/yr", "Output loss per year of operation.", lo=0.0, hi=0.1)
    major_maintenance_usd_per_kw: float = _p(0.0, "USD/kW", "Cost of one major overhaul, USD of dollar_year.", lo=0.0)
    major_maintenance_interval_yr: int = _p(0, "yr", "Years between overhauls (0: none).", lo=0)
    equipment_class: str = _p(
        "", "-", "Equipment class; sets the default months to first power and construction months "
        "(blank: give them).", choices=("",) + tuple(EQUIPMENT_CLASSES),
    )
    months_to_first_power: float | None = _p(
        None, "months", "Months from notice to proceed to first power (absent: the equipment class's lead time "
        "from models.time_to_power).", lo=0.0, hi=240.0,
    )
    construction_months: int | None = _p(
        None, "months", "Months over which capex is drawn before commercial operation (absent: the class's "
        "EIA AEO2026 lead time, at most the months to first power; 0: all spent at once, no interest).",
        lo=0, hi=120,
    )
    construction_draws_frac: list = _p(
        [], "-", "Monthly draw schedule, one share per construction month summing to 1 (absent: even draws, "
        "an assumption).",
    )
    components: tuple = _p((), "-", "Capital blocks ([[plant.components]]).")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.construction_draws_frac and self.construction_months is not None \
                and len(self.construction_draws_frac) != self.construction_months:
            raise ConfigError(
                f"plant.construction_draws_frac has {len(self.construction_draws_frac)} monthly shares but "
                f"plant.construction_months={self.construction_months}; give one share per month (or drop one)"
            )
        if self.construction_draws_frac:
            fin.construction_draw_fracs(len(self.construction_draws_frac), self.construction_draws_frac)
        months = len(self.construction_draws_frac) or self.construction_months
        if months is not None and self.months_to_first_power is not None and months > self.months_to_first_power:
            raise ConfigError(
                f"plant: {months} construction months exceed months_to_first_power={self.months_to_first_power:g}; "
                "construction happens within the time to first power"
            )

    @property
    def capex_usd(self) -> float:
        """Overnight capex of all components, USD of dollar_year [USD]."""
        return sum(c.capex_usd_per_kw * c.capacity_mw * 1000.0 for c in self.components)

    @property
    def capex_usd_per_kw(self) -> float:
        """Overnight capex per kW of plant capacity [USD/kW]."""
        return self.capex_usd / (self.capacity_mw * 1000.0)


@dataclass(frozen=True)
class Fuel(_Section):
    """Delivered fuel price: gas at Henry Hub plus basis, an explicit price (coal, oil, or gas), or a curve."""

    _section = "fuel"
    fuel_type: str = _p("natural_gas", "-", "Fuel the plant burns.", choices=FUEL_TYPES)
    price_usd_per_mmbtu: float | None = _p(
        None, "USD/MMBtu", "Delivered price in year 1, HHV (overrides the gas hub, basis and transport; required "
        "for coal and oil).", lo=0.0, hi=100.0,
    )
    henry_hub_usd_per_mmbtu: float = _p(4.01, "USD/MMBtu", "Henry Hub in the first operating year, HHV.", lo=-20.0, hi=100.0)
    basis_usd_per_mmbtu: float = _p(0.0, "USD/MMBtu", "Local basis to Henry Hub (Waha 2024: -1.42).", lo=-20.0, hi=50.0)
    transport_usd_per_mmbtu: float = _p(0.0, "USD/MMBtu", "Pipeline transport to the plant gate.", lo=0.0, hi=20.0)
    escalation_frac_per_yr: float = _p(0.025, "-/yr", "Yearly escalation of the delivered price.", lo=-0.2, hi=0.5)
    curve_usd_per_mmbtu: list = _p(
        [], "USD/MMBtu", "Explicit delivered price by operating year (overrides the above; extended with the escalation).",
    )
    source: str = _p("", "-", "Where the prices come from.")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fuel_type != "natural_gas" and self.price_usd_per_mmbtu is None and not self.curve_usd_per_mmbtu:
            raise ConfigError(
                f"fuel.fuel_type={self.fuel_type!r} needs fuel.price_usd_per_mmbtu (delivered, HHV) or a curve: the "
                "Henry Hub fields price gas only (siting.acquisitions prices coal from EIA delivered prices by state)"
            )

    @property
    def first_year_usd_per_mmbtu(self) -> float:
        """Delivered price in operating year 1 [USD/MMBtu]."""
        if self.curve_usd_per_mmbtu:
            return float(self.curve_usd_per_mmbtu[0])
        if self.price_usd_per_mmbtu is not None:
            return self.price_usd_per_mmbtu
        return self.henry_hub_usd_per_mmbtu + self.basis_usd_per_mmbtu + self.transport_usd_per_mmbtu


@dataclass(frozen=True)
class Contract(_Section):
    """Offtake: a PPA (USD/MWh) or a tolling agreement (capacity payment plus energy, fuel passed through)."""

    _section = "contract"
    type: str = _p("tolling", "-", "Contract type.", choices=CONTRACT_TYPES)
    term_yr: int = _p(15, "yr", "Contract term from first power.", lo=1, hi=60)
    price_usd_per_mwh: float = _p(0.0, "USD/MWh", "PPA price in year 1 (PPA).", lo=0.0)
    capacity_payment_usd_per_kw_month: float = _p(0.0, "USD/kW-month", "Capacity payment in year 1 (tolling).", lo=0.0)
    energy_payment_usd_per_mwh: float = _p(0.0, "USD/MWh", "Energy (variable O&M) payment in year 1 (tolling).", lo=0.0)
    fuel_pass_through: bool = _p(True, "-", "Tolling: the offtaker pays the fuel at the plant's heat rate.")
    escalator_frac_per_yr: float = _p(0.0, "-/yr", "Yearly escalation of contract prices.", lo=-0.1, hi=0.2)
    availability_guarantee_frac: float = _p(0.0, "-", "Tolling: availability the owner guarantees (0: none).", lo=0.0, hi=1.0)
    liquidated_damages_multiple: float = _p(
        1.0, "-", "Capacity payment lost per unit of availability shortfall, as a multiple of the proportional share.",
        lo=0.0,
    )
    solve_for: str = _p(
        "none", "-", "Solve the contract price (PPA price or capacity payment) for the target equity IRR.",
        choices=("none", "price"),
    )
    target_equity_irr_frac: float = _p(0.12, "-", "Target after-tax equity IRR when solving.", lo=-0.5, hi=1.0)
    merchant_price_usd_per_mwh: float = _p(0.0, "USD/MWh", "Energy price after the term, USD of dollar_year.", lo=0.0)
    merchant_capacity_factor_frac: float = _p(0.0, "-", "Capacity factor after the term.", lo=0.0, hi=1.0)

    @property
    def price_unit(self) -> str:
        """Unit of the contract price being solved or varied."""
        return "USD/MWh" if self.type == "ppa" else "USD/kW-month"

    @property
    def base_price(self) -> float:
        """The contract price in its unit [USD/MWh or USD/kW-month]."""
        return self.price_usd_per_mwh if self.type == "ppa" else self.capacity_payment_usd_per_kw_month


@dataclass(frozen=True)
class Financing(_Section):
    """Debt: a share of cost with level payments, or sized by a target DSCR with sculpted repayment."""

    _section = "financing"
    debt_frac: float | None = _p(None, "-", "Debt share of installed cost (level payments).", lo=0.0, hi=0.95)
    dscr_target: float | None = _p(None, "-", "Target DSCR; debt sized and sculpted to it.", lo=1.0, hi=5.0)
    max_debt_frac: float | None = _p(None, "-", "Cap on DSCR-sized debt as a share of installed cost.", lo=0.0, hi=0.95)
    interest_rate_frac: float = _p(0.07, "-", "Loan interest rate.", lo=0.0, hi=0.5)
    tenor_yr: int = _p(15, "yr", "Loan tenor.", lo=1, hi=40)
    fee_frac: float = _p(0.0, "-", "Up-front lender fee as a share of the debt.", lo=0.0, hi=0.2)
    dsra_months: float = _p(
        0.0, "months", "Debt-service reserve: months of the next year's debt service, funded at close.", lo=0.0, hi=24.0,
    )
    construction_interest_rate_frac: float | None = _p(
        None, "-", "Construction-loan rate on the monthly draws (absent: the term loan rate).", lo=0.0, hi=0.5,
    )
    construction_fee_frac: float = _p(
        0.0, "-", "Up-front construction-loan fee as a share of the capex drawn, capitalised.", lo=0.0, hi=0.2,
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.debt_frac is None) == (self.dscr_target is None):
            raise ConfigError(
                f"financing: debt_frac={self.debt_frac!r}, dscr_target={self.dscr_target!r}; give exactly one "
                "(debt_frac = 0.6 for level-payment debt, or dscr_target = 1.3 for sculpted debt)"
            )


@dataclass(frozen=True)
class Tax(_Section):
    """Income taxes and production tax credit (depreciation and ITC are per component)."""

    _section = "tax"
    federal_frac: float = _p(0.21, "-", "Federal corporate income tax rate (IRC §11: 21 %).", lo=0.0, hi=0.6)
    state_frac: float = _p(0.0, "-", "State income tax rate (deductible federally).", lo=0.0, hi=0.2)
    ptc_usd_per_mwh: float = _p(0.0, "USD/MWh", "Production tax credit on the eligible share of energy.", lo=0.0)
    ptc_energy_share_frac: float = _p(0.0, "-", "Share of energy eligible for the PTC (solar/wind share).", lo=0.0, hi=1.0)
    ptc_years: int = _p(10, "yr", "Years the PTC is paid.", lo=0, hi=20)


@dataclass(frozen=True)
class Economics(_Section):
    """Timing, inflation and discounting."""

    _section = "economics"
    dollar_year: int = _p(2024, "yr", "Dollar year of cost inputs.", lo=2000, hi=2060)
    first_power_year: int = _p(2028, "yr", "Year of first power without delay.", lo=2000, hi=2070)
    analysis_years: int = _p(20, "yr", "Operating years analysed (contract term plus merchant tail).", lo=1, hi=60)
    inflation_frac: float = _p(0.025, "-/yr", "Inflation for costs.", lo=-0.05, hi=0.3)
    discount_rate_frac: float = _p(0.10, "-", "Nominal after-tax discount rate for NPV and levelised figures.", lo=0.0, hi=0.5)
    delay_months: float = _p(0.0, "months", "Delay to first power; capital waits at the loan rate.", lo=0.0, hi=120.0)


@dataclass(frozen=True)
class Datacenter(_Section):
    """The load behind the meter, what its idle capital costs, and its grid alternative."""

    _section = "datacenter"
    it_load_mw: float = _p(0.0, "MW", "IT load served (0: take the plant capacity).", lo=0.0)
    capex_usd_billion_per_gw: float = _p(
        float(fact("datacenter_facts", "all-in capex per GW (Nvidia view)")["value"]), "USD billion/GW",
        "All-in datacenter capital at stake per GW of IT (datacenter_facts.csv: Nvidia, Aug 2025, ~50).", lo=0.0,
    )
    hardware_usd_billion_per_gw: float = _p(
        fin.finance_input("datacenter_hardware_usd_billion_per_gw").value, "USD billion/GW",
        "Part of it that is chips and servers (~35 of the ~50, same Nvidia call).", lo=0.0,
    )
    hardware_life_yr: float = _p(
        float(fact("datacenter_facts", "Amazon servers depreciation life")["value"]), "yr",
        "Useful life of the chips (datacenter_facts.csv: Amazon and Meta depreciate servers over 5 years).", lo=0.5,
    )
    cost_of_capital_frac: float = _p(0.10, "-", "Datacenter owner's cost of capital (idle capital).", lo=0.0, hi=0.5)
    grid_price_usd_per_mwh: float | None = _p(
        None, "USD/MWh",
        "All-in delivered grid price (energy plus transmission and distribution), USD of grid_price_dollar_year; "
        "absent: the scenario's grid_price_usd_per_mwh, the price the power module uses (set both together).",
        lo=0.0,
    )
    grid_price_dollar_year: int | None = _p(
        None, "yr", "Dollar year of the grid price (absent: the scenario's dollar_year).", lo=2000, hi=2060,
    )
    grid_delivery_share_frac: float | None = _p(
        None, "-", "Share of the grid price that is delivery (transmission plus distribution) charges; absent: "
        "the US average split (13 % transmission + 29 % distribution, EIA via APPA).", lo=0.0, hi=1.0,
    )
    grid_wait_months: float | None = _p(
        None, "months", "Wait for a grid connection (absent: models.time_to_power's default, LBNL 55 months).",
        lo=0.0,
    )


@dataclass(frozen=True)
class Range(_Section):
    """Low and high value of one driver."""

    _section = "sensitivity"
    low: float = _p(0.0, "-", "Low value, in the driver's unit (or a multiple of the base when relative).")
    high: float = _p(0.0, "-", "High value, in the driver's unit (or a multiple of the base when relative).")
    relative: bool = _p(False, "-", "low and high are multiples of the base value (e.g. 0.85 and 1.15).")
    source: str = _p("", "-", "Why this range.")

    def bounds(self, base: float) -> tuple[float, float]:
        """(low, high) in the driver's unit."""
        return (self.low * base, self.high * base) if self.relative else (self.low, self.high)


@dataclass(frozen=True)
class ScenarioCase(_Section):
    """A named scenario: some drivers set to given values."""

    _section = "scenarios"
    name: str = _p("scenario", "-", "Scenario name.")
    fuel_price_usd_per_mmbtu: float | None = _p(None, "USD/MMBtu", "Delivered gas price in year 1.")
    capex_usd_per_kw: float | None = _p(None, "USD/kW", "Overnight capex per kW.", lo=0.0)
    capacity_factor_frac: float | None = _p(None, "-", "Capacity factor.", lo=0.0, hi=1.0)
    contract_price: float | None = _p(None, "USD/MWh or USD/kW-month", "Contract price.", lo=0.0)
    interest_rate_frac: float | None = _p(None, "-", "Loan rate.", lo=0.0, hi=0.5)
    delay_months: float | None = _p(None, "months", "Delay to first power.", lo=0.0)
    source: str = _p("", "-", "Where the scenario's values come from.")


@dataclass(frozen=True)
class MonteCarlo(_Section):
    """Monte Carlo over the sensitivity ranges.

    Each driver with a range is drawn from a triangular distribution with its low and
    high as the ends and the base case as the mode; drivers are drawn independently (no
    correlation); the others stay at the base case.
    """

    _section = "monte_carlo"
    draws: int = _p(2000, "-", "Number of draws (0: skip).", lo=0, hi=1_000_000)
    seed: int = _p(20260101, "-", "Random seed (results are reproducible).", lo=0)


@dataclass(frozen=True)
class Deal:
    """One IPP deal: plant, fuel, contract, financing, tax, economics, datacenter and analysis options."""

    name: str
    plant: Plant
    fuel: Fuel = field(default_factory=Fuel)
    contract: Contract = field(default_factory=Contract)
    financing: Financing = field(default_factory=lambda: Financing(dscr_target=1.3))
    tax: Tax = field(default_factory=Tax)
    economics: Economics = field(default_factory=Economics)
    datacenter: Datacenter = field(default_factory=Datacenter)
    sensitivity: dict = field(default_factory=dict)
    scenarios: tuple = ()
    monte_carlo: MonteCarlo = field(default_factory=MonteCarlo)
    description: str = ""

    def __post_init__(self) -> None:
        if not self.plant.components:
            raise ConfigError(f"deal {self.name!r}: plant has no [[plant.components]]; add at least one with capex_usd_per_kw")
        bad = sorted(set(self.sensitivity) - set(KNOBS))
        if bad:
            raise unknown_name("sensitivity driver", bad[0], KNOBS)
        if self.financing.tenor_yr > self.economics.analysis_years:
            raise ConfigError(
                f"financing.tenor_yr={self.financing.tenor_yr} exceeds economics.analysis_years="
                f"{self.economics.analysis_years}; shorten the tenor or lengthen the analysis"
            )
        if self.contract.term_yr > self.economics.analysis_years:
            raise ConfigError(
                f"contract.term_yr={self.contract.term_yr} exceeds economics.analysis_years="
                f"{self.economics.analysis_years}; the analysis must cover the contract"
            )
        for c in self.plant.components:
            fin.depreciation_schedule(c.depreciation, 1)  # fails early on a bad name

    @functools.cached_property
    def timing(self) -> dict[str, Any]:
        """Resolved months to first power and construction schedule of the plant.

        Keys: ``months_to_first_power`` [months] (NaN when neither given nor known for
        the class), ``months_to_first_power_basis``, ``construction_months`` [months],
        ``construction_months_basis``, ``draws_frac`` (one share per month) and
        ``draw_profile`` (what the shares are).
        """
        p = self.plant
        if p.months_to_first_power is not None:
            months, basis = p.months_to_first_power, "given (plant.months_to_first_power)"
        elif p.equipment_class:
            months, basis = plant_months_to_first_power(p.equipment_class)
        else:
            months, basis = math.nan, ("unknown: give plant.equipment_class or plant.months_to_first_power, so the "
                                       "grid comparison can count the months saved")
        if p.construction_draws_frac:
            cm, cbasis = len(p.construction_draws_frac), "given (plant.construction_draws_frac)"
        elif p.construction_months is not None:
            cm, cbasis = p.construction_months, "given (plant.construction_months)"
        else:
            cm, cbasis = (_construction_months_default(p.equipment_class) if p.equipment_class
                          else (math.nan, ""))
            if not math.isfinite(cm):
                cm, cbasis = 0, ("none given: capex spent at commercial operation without interest during "
                                 "construction; give plant.equipment_class or plant.construction_months")
            elif math.isfinite(months) and cm > months:
                cm, cbasis = int(months), f"capped at the {months:.0f} months to first power; class default: {cbasis}"
        cm = int(cm)
        draws = fin.construction_draw_fracs(cm, p.construction_draws_frac or None)
        profile = ("given monthly shares" if p.construction_draws_frac else
                   f"even monthly draws over {cm} months (assumption; EPC milestones usually follow an S-curve)"
                   if cm else "none")
        return {"months_to_first_power": float(months), "months_to_first_power_basis": basis,
                "construction_months": cm, "construction_months_basis": cbasis, "draws_frac": draws,
                "draw_profile": profile}

    def base_knobs(self) -> dict[str, float]:
        """Base-case value of each driver."""
        return {
            "fuel_price_usd_per_mmbtu": self.fuel.first_year_usd_per_mmbtu,
            "capex_usd_per_kw": self.plant.capex_usd_per_kw,
            "capacity_factor_frac": self.plant.capacity_factor_frac,
            "contract_price": self.contract.base_price,
            "interest_rate_frac": self.financing.interest_rate_frac,
            "delay_months": self.economics.delay_months,
        }


_SECTIONS = {
    "fuel": Fuel, "contract": Contract, "financing": Financing, "tax": Tax,
    "economics": Economics, "datacenter": Datacenter, "monte_carlo": MonteCarlo,
}


def _field_type(cls, f: dataclasses.Field) -> str:
    hints = typing.get_type_hints(cls)
    t = hints[f.name]
    args = [a for a in typing.get_args(t) if a is not type(None)] if isinstance(t, types.UnionType) else [t]
    return args[0].__name__ if args else "str"


#: Keys that changed meaning, with what to write instead.
_RENAMED = {
    "grid_energy_price_usd_per_mwh": "datacenter.grid_price_usd_per_mwh (the all-in delivered grid price, the same "
                                     "as the scenario's grid_price_usd_per_mwh; its delivery share is "
                                     "datacenter.grid_delivery_share_frac)",
}


def _build(cls, values: Any, where: str):
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a table of keys, got {values!r}")
    for old, new in _RENAMED.items():
        if old in values:
            raise ConfigError(f"{where}.{old} is no longer read; use {new}")
    names = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    unknown = sorted(set(values) - set(names) - {"components"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; valid keys are: {', '.join(names)}")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in values or f.name == "components":
            continue
        v = values[f.name]
        kind = _field_type(cls, f)
        if kind == "float":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ConfigError(f"{where}.{f.name}={v!r}: expected a number [{f.metadata.get('unit', '-')}]")
            v = float(v)
        elif kind == "int" and (isinstance(v, bool) or not isinstance(v, int)):
            raise ConfigError(f"{where}.{f.name}={v!r}: expected a whole number [{f.metadata.get('unit', '-')}]")
        elif kind == "bool" and not isinstance(v, bool):
            raise ConfigError(f"{where}.{f.name}={v!r}: expected true or false")
        elif kind == "str" and not isinstance(v, str):
            raise ConfigError(f"{where}.{f.name}={v!r}: expected a string")
        elif kind == "list":
            if not isinstance(v, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
                raise ConfigError(f"{where}.{f.name}={v!r}: expected a list of numbers")
            v = [float(x) for x in v]
        kwargs[f.name] = v
    return cls(**kwargs)


def deal_from_dict(values: dict[str, Any], *, origin: str = "deal") -> Deal:
    """Build a :class:`Deal` from nested mappings (as TOML gives them).

    Raises
    ------
    ConfigError
        On an unknown key anywhere (the message lists the valid keys of that table) or an
        invalid value.
    """
    top = {"name", "description", "plant", "sensitivity", "scenarios", *_SECTIONS}
    unknown = sorted(set(values) - top)
    if unknown:
        raise ConfigError(f"{origin}: unknown key(s) {', '.join(map(repr, unknown))}; valid keys are: {', '.join(sorted(top))}")
    if "plant" not in values or "name" not in values:
        raise ConfigError(f"{origin}: needs 'name' and a [plant] table with [[plant.components]]")
    plant_values = values["plant"]
    comps = plant_values.get("components", []) if isinstance(plant_values, dict) else []
    if not isinstance(comps, list):
        raise ConfigError(f"{origin}: plant.components must be an array of tables ([[plant.components]])")
    components = tuple(_build(Component, c, f"{origin}: plant.components[{i}]") for i, c in enumerate(comps))
    plant = dataclasses.replace(_build(Plant, plant_values, f"{origin}: plant"), components=components)
    kwargs: dict[str, Any] = {"name": str(values["name"]), "plant": plant, "description": str(values.get("description", ""))}
    for key, cls in _SECTIONS.items():
        if key in values:
            kwargs[key] = _build(cls, values[key], f"{origin}: {key}")
    sens = values.get("sensitivity", {})
    if not isinstance(sens, dict):
        raise ConfigError(f"{origin}: [sensitivity] must be a table of drivers")
    for k in sens:
        if k not in KNOBS:
            raise unknown_name(f"{origin}: sensitivity driver", k, KNOBS)
    kwargs["sensitivity"] = {k: _build(Range, v, f"{origin}: sensitivity.{k}") for k, v in sens.items()}
    scen = values.get("scenarios", [])
    if not isinstance(scen, list):
        raise ConfigError(f"{origin}: scenarios must be an array of tables ([[scenarios]])")
    kwargs["scenarios"] = tuple(_build(ScenarioCase, s, f"{origin}: scenarios[{i}]") for i, s in enumerate(scen))
    return Deal(**kwargs)


def load_deal(path: str | Path) -> Deal:
    """Load a deal from a TOML file (see ``siting/examples/deal_*.toml``)."""
    from gis_data.io import read_toml

    path = Path(path)
    if not path.exists():
        raise ConfigError(f"deal file {str(path)!r} does not exist; give the path of a TOML file "
                          "(`siting deal --list-examples` lists shipped ones)")
    values = read_toml(path, what="deal file")
    return deal_from_dict(values, origin=f"deal file {str(path)!r}")


def _example_files() -> dict[str, Any]:
    folder = resources.files("siting").joinpath("examples")
    return {
        p.name[len("deal_"):-len(".toml")]: p
        for p in folder.iterdir()
        if p.name.startswith("deal_") and p.name.endswith(".toml")
    }


def list_examples() -> dict[str, str]:
    """Names and titles of the shipped deal examples."""
    return {name: load_example(name).name for name in sorted(_example_files())}


def load_example(name: str) -> Deal:
    """Load a shipped deal example by name; an unknown name lists the valid ones."""
    files = _example_files()
    if name not in files:
        raise unknown_name("deal example", name, files)
    from gis_data.io import parse_toml

    text = files[name].read_text(encoding="utf-8")
    return deal_from_dict(parse_toml(text, name=f"deal example {name!r}"), origin=f"deal example {name!r}")


# ---------------------------------------------------------------------------------------
# Vectorised cash flows
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Cases:
    """Cash flows of n cases of one deal plus the arrays needed to report them."""

    cf: fin.CashFlows
    fuel_usd: np.ndarray
    om_usd: np.ndarray
    major_maintenance_usd: np.ndarray
    offtaker_payment_usd: np.ndarray
    contract_energy_mwh: np.ndarray
    fuel_price_usd_per_mmbtu: np.ndarray
    delay_cost_usd: np.ndarray
    draws_usd: np.ndarray
    capex_usd: np.ndarray
    idc_usd: np.ndarray
    construction_fee_usd: np.ndarray
    delay_carrying_usd: np.ndarray


def _draw_escalation(deal: Deal) -> np.ndarray:
    """Escalation of each monthly draw from the dollar year to the month it is spent [-]."""
    e = deal.economics
    years_to_power = max(e.first_power_year - e.dollar_year, 0)
    m = deal.timing["construction_months"]
    if m == 0:
        return np.array([(1.0 + e.inflation_frac) ** max(years_to_power - 1, 0)])
    # Year 0 (commercial operation) sits years_to_power - 1 after the dollar year; draw k is (m - k)/12 before it.
    t = years_to_power - 1 - (m - np.arange(1, m + 1)) / 12.0
    return (1.0 + e.inflation_frac) ** t


def _capital(deal: Deal, capex_usd_per_kw: np.ndarray, rate_frac: np.ndarray, delay_yr: np.ndarray) -> dict:
    """Monthly draws, interest during construction, construction fee and delay carrying for n cases [USD]."""
    p, fi = deal.plant, deal.financing
    cap_kw = p.capacity_mw * 1000.0
    draws_frac = deal.timing["draws_frac"] if deal.timing["construction_months"] else np.ones(1)
    draws = (capex_usd_per_kw * cap_kw)[:, None] * (draws_frac * _draw_escalation(deal))[None, :]
    rc = rate_frac if fi.construction_interest_rate_frac is None else np.full_like(rate_frac, fi.construction_interest_rate_frac)
    capex = draws.sum(axis=1)
    idc = fin.interest_during_construction(draws, rc) if deal.timing["construction_months"] else np.zeros_like(capex)
    fee = fi.construction_fee_frac * capex
    carrying = (capex + idc + fee) * ((1.0 + rc) ** delay_yr - 1.0)
    return {"draws_usd": draws, "capex_usd": capex, "idc_usd": idc, "construction_fee_usd": fee,
            "delay_carrying_usd": carrying, "capital_cost_usd": capex + idc + fee + carrying}


def depreciation_and_itc(deal: Deal) -> tuple[np.ndarray, float]:
    """Capex-weighted depreciation fractions over the operating years [-] and the blended ITC share [-]."""
    p = deal.plant
    shares = np.array([x.capex_usd_per_kw * x.capacity_mw for x in p.components], dtype=float)
    shares = shares / shares.sum() if shares.sum() > 0 else np.full(len(shares), 1.0 / len(shares))
    n_years = deal.economics.analysis_years
    dep = sum(s * fin.depreciation_schedule(x.depreciation, n_years) for s, x in zip(shares, p.components, strict=True))
    itc = float(sum(s * x.itc_frac for s, x in zip(shares, p.components, strict=True)))
    return np.asarray(dep, dtype=float), itc


def liquidated_damages_frac(deal: Deal) -> float:
    """Share of a tolling capacity payment lost to the availability guarantee's shortfall [-]."""
    c, p = deal.contract, deal.plant
    shortfall = max(c.availability_guarantee_frac - p.availability_frac, 0.0)
    return min(1.0, c.liquidated_damages_multiple * shortfall / c.availability_guarantee_frac) if shortfall else 0.0


def _cases(deal: Deal, knobs: dict[str, np.ndarray]) -> _Cases:
    """Cash flows for n cases; ``knobs`` holds one (n,) array per driver."""
    p, e, c, fi = deal.plant, deal.economics, deal.contract, deal.financing
    n_years = e.analysis_years
    n = len(next(iter(knobs.values())))
    col = lambda k: np.asarray(knobs[k], dtype=float)[:, None]  # noqa: E731
    y = np.arange(n_years, dtype=float)[None, :]  # operating year index 0..N-1
    cap_kw = p.capacity_mw * 1000.0
    delay_yr = col("delay_months") / 12.0
    # Cost escalation from the dollar year to the year money is spent (delay pushes it later).
    years_to_power = max(e.first_power_year - e.dollar_year, 0)
    esc_op = (1.0 + e.inflation_frac) ** (years_to_power + delay_yr + y)
    in_term = y < c.term_yr
    # Energy: contract capacity factor during the term, merchant after it; degradation on top.
    cf_frac = np.where(in_term, col("capacity_factor_frac"), c.merchant_capacity_factor_frac)
    energy = cap_kw / KWH_PER_MWH * HOURS_PER_YEAR * cf_frac * (1.0 - p.degradation_frac_per_yr) ** y
    # Fuel price path: the curve (extended with the escalation) or year 1 escalated; scaled so year 1 = the knob.
    if deal.fuel.curve_usd_per_mmbtu:
        curve = np.asarray(deal.fuel.curve_usd_per_mmbtu, dtype=float)
        if len(curve) < n_years:
            tail = curve[-1] * (1 + deal.fuel.escalation_frac_per_yr) ** np.arange(1, n_years - len(curve) + 1)
            curve = np.concatenate([curve, tail])
        curve = curve[None, :n_years]
        if curve[0, 0] != 0:
            price = col("fuel_price_usd_per_mmbtu") * curve / curve[0, 0]
        else:  # a curve starting at 0 cannot be scaled: the knob leaves it as given
            price = np.broadcast_to(curve, (n, n_years))
    else:
        price = col("fuel_price_usd_per_mmbtu") * (1.0 + deal.fuel.escalation_frac_per_yr) ** y
    fuel_mmbtu = energy * KWH_PER_MWH * p.heat_rate_hhv_btu_per_kwh / BTU_PER_MMBTU
    fuel_usd = fuel_mmbtu * price
    fom_usd_yr = sum(x.fixed_om_usd_per_kw_yr * x.capacity_mw * 1000.0 for x in p.components)
    om = (fom_usd_yr + p.variable_om_usd_per_mwh * energy) * esc_op
    mm = np.zeros_like(energy)
    if p.major_maintenance_interval_yr > 0:
        event = ((y + 1) % p.major_maintenance_interval_yr == 0) & (y + 1 < n_years)
        mm = np.where(event, p.major_maintenance_usd_per_kw * cap_kw * esc_op, 0.0)
    opex = fuel_usd + om + mm
    # Contract revenue.
    cesc = (1.0 + c.escalator_frac_per_yr) ** y
    if c.type == "ppa":
        contract_rev = col("contract_price") * cesc * energy
    else:
        ld_frac = liquidated_damages_frac(deal)
        capacity_rev = col("contract_price") * cesc * cap_kw * 12.0 * (1.0 - ld_frac)
        contract_rev = capacity_rev + c.energy_payment_usd_per_mwh * cesc * energy
        if c.fuel_pass_through:
            contract_rev = contract_rev + fuel_usd
    merchant_rev = c.merchant_price_usd_per_mwh * esc_op * energy
    revenue = np.where(in_term, contract_rev, merchant_rev)
    offtaker = np.where(in_term, contract_rev, 0.0)
    # Capital: monthly draws escalated to their month, interest during construction, delay carrying.
    cap = _capital(deal, col("capex_usd_per_kw")[:, 0], col("interest_rate_frac")[:, 0], delay_yr[:, 0])
    dep, itc = depreciation_and_itc(deal)
    ptc = None
    if deal.tax.ptc_usd_per_mwh > 0 and deal.tax.ptc_energy_share_frac > 0:
        ptc = np.where(y < deal.tax.ptc_years, deal.tax.ptc_usd_per_mwh * deal.tax.ptc_energy_share_frac * energy, 0.0)
    cf = fin.project_cash_flows(
        installed_cost_usd=cap["capital_cost_usd"], revenue_usd=revenue, opex_usd=opex, energy_mwh=energy,
        depreciation_frac=dep, federal_tax_frac=deal.tax.federal_frac, state_tax_frac=deal.tax.state_frac,
        debt_frac=fi.debt_frac, dscr_target=fi.dscr_target, debt_rate_frac=col("interest_rate_frac")[:, 0],
        debt_tenor_yr=fi.tenor_yr, debt_fee_frac=fi.fee_frac, dsra_months=fi.dsra_months, itc_frac=itc, ptc_usd=ptc,
        max_debt_frac=fi.max_debt_frac if fi.dscr_target is not None else None,
    )
    return _Cases(
        cf=cf, fuel_usd=fuel_usd, om_usd=om, major_maintenance_usd=mm, offtaker_payment_usd=offtaker,
        contract_energy_mwh=np.where(in_term, energy, 0.0), fuel_price_usd_per_mmbtu=price,
        delay_cost_usd=_datacenter_delay_cost_usd_per_month(deal) * col("delay_months")[:, 0],
        draws_usd=cap["draws_usd"], capex_usd=cap["capex_usd"], idc_usd=cap["idc_usd"],
        construction_fee_usd=cap["construction_fee_usd"], delay_carrying_usd=cap["delay_carrying_usd"],
    )


def _datacenter_delay_cost_usd_per_month(deal: Deal) -> float:
    """Cost to the datacenter of one month without power: chips ageing plus idle capital [USD/month]."""
    d = deal.datacenter
    it_gw = (d.it_load_mw or deal.plant.capacity_mw) / 1000.0
    hardware = d.hardware_usd_billion_per_gw * 1e9 * it_gw / (d.hardware_life_yr * 12.0)
    idle = d.capex_usd_billion_per_gw * 1e9 * it_gw * ((1.0 + d.cost_of_capital_frac) ** (1.0 / 12.0) - 1.0)
    return hardware + idle


def _knob_arrays(deal: Deal, rows: list[dict[str, float]]) -> dict[str, np.ndarray]:
    base = deal.base_knobs()
    return {k: np.array([r.get(k, base[k]) if r.get(k) is not None else base[k] for r in rows], dtype=float) for k in KNOBS}


def _metrics(deal: Deal, cases: _Cases) -> dict[str, np.ndarray]:
    cf = cases.cf
    rate = deal.economics.discount_rate_frac
    pad = lambda a: np.concatenate([np.zeros((a.shape[0], 1)), a], axis=1)  # noqa: E731
    pv_energy = fin.npv(rate, pad(cf.energy_mwh))
    equity_npv = fin.npv(rate, cf.equity_cf_usd)
    cum = np.cumsum(cf.equity_cf_usd, axis=1)
    paid = cum >= 0
    payback = np.where(paid.any(axis=1), np.argmax(paid, axis=1).astype(float), np.nan)
    dscr = cf.dscr
    has = np.isfinite(dscr)
    n_has = has.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        min_dscr = np.where(n_has > 0, np.min(np.where(has, dscr, np.inf), axis=1), np.nan)
        avg_dscr = np.where(n_has > 0, np.sum(np.where(has, dscr, 0.0), axis=1) / n_has, np.nan)
        delivered = fin.levelized_price(cases.offtaker_payment_usd, cases.contract_energy_mwh, rate)
    return {
        "equity_irr_frac": fin.irr(cf.equity_cf_usd),
        "project_irr_frac": fin.irr(cf.project_cf_usd),
        "equity_npv_usd": equity_npv,
        "project_npv_usd": fin.npv(rate, cf.project_cf_usd),
        "lcoe_usd_per_mwh": (fin.npv(rate, pad(cf.revenue_usd)) - equity_npv) / pv_energy,
        "min_dscr": min_dscr,
        "avg_dscr": avg_dscr,
        "payback_yr": payback,
        "delivered_cost_usd_per_mwh": delivered,
        "capex_usd": cases.capex_usd,
        "interest_during_construction_usd": cases.idc_usd,
        "construction_fee_usd": cases.construction_fee_usd,
        "delay_carrying_usd": cases.delay_carrying_usd,
        "capital_cost_usd": cf.capital_cost_usd,
        "debt_fee_usd": cf.debt_fee_usd,
        "dsra_usd": cf.dsra_usd,
        "installed_cost_usd": cf.installed_cost_usd,
        "debt_usd": cf.debt.debt_usd,
        "equity_usd": cf.equity_usd,
        "datacenter_delay_cost_usd": cases.delay_cost_usd,
    }


def _solve_contract_price(deal: Deal, rows: list[dict[str, float]]) -> np.ndarray:
    return _solve_for_knobs(deal, _knob_arrays(deal, rows), tol=1e-5)


def _solve_for_knobs(deal: Deal, knobs: dict[str, np.ndarray], *, tol: float) -> np.ndarray:
    """Contract price giving the target equity IRR for each case [USD/MWh or USD/kW-month]."""
    n = len(knobs["contract_price"])

    def at(price):
        return _cases(deal, {**knobs, "contract_price": np.broadcast_to(np.asarray(price, dtype=float), (n,))}).cf

    hi = 2000.0 if deal.contract.type == "ppa" else 200.0
    return fin.solve_price_for_equity_irr(at, deal.contract.target_equity_irr_frac, lo=0.0, hi=hi, tol=tol)


def _at_target_irr(deal: Deal, knobs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Solved contract price and the delivered cost it means, for each case (NaN where no price works)."""
    price = _solve_for_knobs(deal, knobs, tol=1e-4)
    res = _metrics(deal, _cases(deal, {**knobs, "contract_price": np.nan_to_num(price)}))
    ok = np.isfinite(price)
    return {
        "solved_contract_price": price,
        "delivered_cost_at_target_irr_usd_per_mwh": np.where(ok, res["delivered_cost_usd_per_mwh"], np.nan),
    }


# ---------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DealResult:
    """Everything :func:`evaluate_deal` computes for one deal (money nominal USD)."""

    deal: Deal
    metrics: dict
    cash_flows: pd.DataFrame
    tornado: pd.DataFrame
    scenarios: pd.DataFrame
    monte_carlo: pd.DataFrame
    grid_alternative: dict
    notes: tuple[str, ...] = ()
    construction: dict = field(default_factory=dict)
    monte_carlo_assumptions: pd.DataFrame = field(default_factory=pd.DataFrame)
    monte_carlo_explanation: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        """The "deal section" a report renders: plain JSON-able values with units in the keys.

        Keys: ``name``, ``description``, ``contract_type`` (ppa/tolling), ``contract_price_unit``,
        ``capacity_mw``; ``metrics`` (equity_irr_frac, project_irr_frac, equity_npv_usd,
        project_npv_usd, lcoe_usd_per_mwh, solved_contract_price, contract_price, min_dscr,
        avg_dscr, payback_yr, delivered_cost_usd_per_mwh, capex_usd,
        interest_during_construction_usd, capital_cost_usd, installed_cost_usd, debt_usd,
        equity_usd, ...); ``construction`` (months to first power and construction months with
        their basis, the draw profile, the construction rate and the interest capitalised);
        ``grid_alternative`` (grid_price_usd_per_mwh with its energy and delivery parts and
        bases, grid_levelised_usd_per_mwh, grid_wait_months, behind_the_meter_months_to_first_power,
        months_saved_vs_grid (negative when the plant is slower), datacenter_delay_cost_usd_per_month,
        value_of_time_saved_usd (months saved x that cost: negative when the plant is slower),
        delivered_premium_usd_per_mwh, pv_premium_over_grid_usd); ``cash_flows`` (one record per
        year, year 0 = commercial operation), ``tornado`` (one record per driver, low and high with
        the metric at each and its change from the base, largest equity-IRR swing first),
        ``scenarios``, ``monte_carlo`` (metric, base, p10, p50, p90, mean, draws),
        ``monte_carlo_assumptions`` (driver, distribution, low, mode, high, mean, correlation,
        source), ``monte_carlo_explanation`` (per metric and driver: the metric with that driver at
        the median of its draws, and the remainder from interactions and asymmetric payoffs) and
        ``notes``. NaN becomes null.
        """
        return {
            "name": self.deal.name,
            "description": self.deal.description,
            "contract_type": self.deal.contract.type,
            "contract_price_unit": self.deal.contract.price_unit,
            "capacity_mw": self.deal.plant.capacity_mw,
            "metrics": {k: _plain(v) for k, v in self.metrics.items()},
            "construction": {k: _plain(v) for k, v in self.construction.items()},
            "grid_alternative": {k: _plain(v) for k, v in self.grid_alternative.items()},
            "cash_flows": _records(self.cash_flows),
            "tornado": _records(self.tornado),
            "scenarios": _records(self.scenarios),
            "monte_carlo": _records(self.monte_carlo),
            "monte_carlo_assumptions": _records(self.monte_carlo_assumptions),
            "monte_carlo_explanation": _records(self.monte_carlo_explanation),
            "notes": list(self.notes),
        }


def _plain(v):
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def grid_delivery_share() -> tuple[float, str]:
    """Default share of the all-in grid price that is delivery charges [-], and its basis."""
    t = fin.finance_input("grid_transmission_share_frac")
    d = fin.finance_input("grid_distribution_share_frac")
    return t.value + d.value, (
        f"US average split of electricity costs: {t.value:.0%} transmission + {d.value:.0%} distribution "
        f"({t.source}); an all-sector average - a load served at transmission voltage pays less distribution")


def _grid_alternative(deal: Deal, cases: _Cases, m: dict[str, float]) -> dict[str, Any]:
    d, e = deal.datacenter, deal.economics
    if d.grid_price_usd_per_mwh is not None:
        price, basis = d.grid_price_usd_per_mwh, "given (datacenter.grid_price_usd_per_mwh)"
    else:
        price = float(_scenario_default("grid_price_usd_per_mwh"))
        basis = ("the scenario's grid_price_usd_per_mwh default, the all-in price the power module uses for grid "
                 "energy (set datacenter.grid_price_usd_per_mwh and the scenario's together to change it)")
    price_year = d.grid_price_dollar_year or int(_scenario_default("dollar_year"))
    if d.grid_delivery_share_frac is not None:
        share, share_basis = d.grid_delivery_share_frac, "given (datacenter.grid_delivery_share_frac)"
    else:
        share, share_basis = grid_delivery_share()
    # Levelised like the delivered cost: the price escalated with inflation to each operating year, over contract energy.
    energy = cases.contract_energy_mwh[0]
    y = np.arange(e.analysis_years, dtype=float)
    esc = (1.0 + e.inflation_frac) ** (e.first_power_year + y - price_year)
    levelised = float(fin.levelized_price(price * esc * energy, energy, e.discount_rate_frac))
    if d.grid_wait_months is not None:
        wait, wait_basis = d.grid_wait_months, "given (datacenter.grid_wait_months)"
    else:
        wait, wait_basis = grid_wait_months_default()
    t = deal.timing
    btm = t["months_to_first_power"] + e.delay_months
    saved = wait - btm  # NaN when the plant's months are unknown; negative when the plant is slower
    per_month = _datacenter_delay_cost_usd_per_month(deal)
    premium = m["delivered_cost_usd_per_mwh"] - levelised
    pv_energy = float(fin.npv(e.discount_rate_frac, np.concatenate([[0.0], energy])))
    return {
        "grid_price_usd_per_mwh": price,
        "grid_price_dollar_year": price_year,
        "grid_price_basis": basis,
        "grid_energy_component_usd_per_mwh": price * (1.0 - share),
        "grid_delivery_charges_usd_per_mwh": price * share,
        "grid_delivery_share_frac": share,
        "grid_delivery_basis": share_basis,
        "grid_levelised_usd_per_mwh": levelised,
        "grid_wait_months": wait,
        "grid_wait_basis": wait_basis,
        "behind_the_meter_months_to_first_power": btm,
        "behind_the_meter_months_basis": t["months_to_first_power_basis"]
        + (f", plus {e.delay_months:g} months of delay" if e.delay_months else ""),
        "months_saved_vs_grid": saved,
        "datacenter_delay_cost_usd_per_month": per_month,
        "datacenter_delay_cost_basis": (
            f"chips ageing ({d.hardware_usd_billion_per_gw:g} BUSD/GW over {d.hardware_life_yr:g} years) plus the "
            f"all-in capital ({d.capex_usd_billion_per_gw:g} BUSD/GW, datacenter_facts.csv: Nvidia Aug 2025) idle at "
            f"{d.cost_of_capital_frac:.0%}/yr, for {(d.it_load_mw or deal.plant.capacity_mw):,.0f} MW of IT"),
        "value_of_time_saved_usd": saved * per_month,
        "delivered_premium_usd_per_mwh": premium,
        "pv_premium_over_grid_usd": premium * pv_energy,
    }


def _construction(deal: Deal, m: dict[str, float]) -> dict[str, Any]:
    t, fi = deal.timing, deal.financing
    rate = fi.interest_rate_frac if fi.construction_interest_rate_frac is None else fi.construction_interest_rate_frac
    return {
        "months_to_first_power": t["months_to_first_power"],
        "months_to_first_power_basis": t["months_to_first_power_basis"],
        "construction_months": t["construction_months"],
        "construction_months_basis": t["construction_months_basis"],
        "draw_profile": t["draw_profile"],
        "construction_interest_rate_frac": rate,
        "capex_usd": m["capex_usd"],
        "interest_during_construction_usd": m["interest_during_construction_usd"],
        "construction_fee_usd": m["construction_fee_usd"],
        "delay_carrying_usd": m["delay_carrying_usd"],
        "capital_cost_usd": m["capital_cost_usd"],
    }


def evaluate_deal(deal: Deal, *, monte_carlo_draws: int | None = None) -> DealResult:
    """Evaluate an IPP deal: cash flows, returns, solved price, sensitivities, scenarios, Monte Carlo.

    Parameters
    ----------
    deal : Deal
        The deal (see :func:`load_deal` and :func:`deal_from_plant`).
    monte_carlo_draws : int, optional
        Override of ``deal.monte_carlo.draws`` (0 skips the Monte Carlo).

    Returns
    -------
    DealResult
        Metrics (``equity_irr_frac``, ``project_irr_frac``, ``equity_npv_usd`` and
        ``project_npv_usd`` at the deal's discount rate, ``lcoe_usd_per_mwh`` (after-tax,
        financed, SAM Single Owner definition), ``solved_contract_price`` [USD/MWh or
        USD/kW-month], ``min_dscr``, ``avg_dscr``, ``payback_yr``,
        ``delivered_cost_usd_per_mwh`` (the offtaker's levelised payments over contract
        energy), the capital (``capex_usd`` drawn, ``interest_during_construction_usd``,
        ``capital_cost_usd``, ``installed_cost_usd`` with the debt fee and reserve), the
        construction period, the grid alternative and what the months against its wait are
        worth, the annual cash flow table, a tornado, scenario table and Monte Carlo
        percentiles with their assumptions and explanation.
    """
    notes = []
    base = deal.base_knobs()
    solved = math.nan
    if deal.contract.solve_for == "price":
        solved = float(_solve_contract_price(deal, [{}])[0])
        if not math.isfinite(solved):
            raise ConfigError(
                f"deal {deal.name!r}: no contract price between 0 and the search limit gives an equity IRR of "
                f"{deal.contract.target_equity_irr_frac:.1%}; check costs, capacity factor and financing"
            )
        deal = dataclasses.replace(
            deal,
            contract=dataclasses.replace(
                deal.contract,
                **({"price_usd_per_mwh": solved} if deal.contract.type == "ppa"
                   else {"capacity_payment_usd_per_kw_month": solved}),
            ),
        )
        base = deal.base_knobs()
        notes.append(
            f"contract price solved for a {deal.contract.target_equity_irr_frac:.1%} after-tax equity IRR: "
            f"{solved:,.2f} {deal.contract.price_unit}"
        )
    elif deal.contract.base_price <= 0:
        raise ConfigError(
            f"deal {deal.name!r}: contract price is 0; set contract.price_usd_per_mwh (PPA) or "
            "capacity_payment_usd_per_kw_month (tolling), or solve_for = \"price\""
        )
    base_cases = _cases(deal, _knob_arrays(deal, [{}]))
    m = {k: float(v[0]) for k, v in _metrics(deal, base_cases).items()}
    m["solved_contract_price"] = solved
    m["contract_price"] = base["contract_price"]
    m["capex_usd_per_kw"] = deal.plant.capex_usd_per_kw
    m["first_year_fuel_price_usd_per_mmbtu"] = base["fuel_price_usd_per_mmbtu"]

    construction = _construction(deal, m)
    if construction["construction_months"]:
        notes.append(
            f"capex drawn over {construction['construction_months']} months ({construction['draw_profile']}); "
            f"interest during construction at {construction['construction_interest_rate_frac']:.1%} capitalised: "
            f"{construction['interest_during_construction_usd'] / 1e6:,.1f} MUSD"
        )
    else:
        notes.append(f"construction period: {construction['construction_months_basis']}")
    grid = _grid_alternative(deal, base_cases, m)
    if not math.isfinite(grid["months_saved_vs_grid"]):
        notes.append("months to first power unknown, so the time saved against the grid is not valued: "
                     + grid["behind_the_meter_months_basis"])
    elif grid["months_saved_vs_grid"] < 0:
        notes.append(
            f"the plant reaches first power {-grid['months_saved_vs_grid']:.0f} months after the grid alternative "
            f"would: the value of time is a cost ({grid['value_of_time_saved_usd'] / 1e9:,.2f} BUSD)"
        )

    table = _cash_flow_table(deal, base_cases)
    tornado = _tornado(deal, base, m)
    scen = _scenario_table(deal, base)
    draws = deal.monte_carlo.draws if monte_carlo_draws is None else monte_carlo_draws
    mc, mc_assumptions, mc_explanation, mc_notes = _monte_carlo(deal, base, draws, m)
    notes += mc_notes
    log.info("deal %r: equity IRR %.2f%%, delivered %.1f USD/MWh", deal.name, 100 * m["equity_irr_frac"],
             m["delivered_cost_usd_per_mwh"])
    return DealResult(deal, m, table, tornado, scen, mc, grid, tuple(notes), construction, mc_assumptions,
                      mc_explanation)


def _cash_flow_table(deal: Deal, cases: _Cases) -> pd.DataFrame:
    cf = cases.cf
    n = deal.economics.analysis_years
    years = np.arange(0, n + 1)
    z = lambda a: np.concatenate([[0.0], a[0]])  # noqa: E731
    first = deal.economics.first_power_year
    return pd.DataFrame({
        "operating_year": years,
        "calendar_year": first - 1 + years,
        "energy_mwh": z(cf.energy_mwh),
        "fuel_price_usd_per_mmbtu": z(cases.fuel_price_usd_per_mmbtu),
        "revenue_usd": z(cf.revenue_usd),
        "offtaker_payment_usd": z(cases.offtaker_payment_usd),
        "fuel_usd": z(cases.fuel_usd),
        "om_usd": z(cases.om_usd),
        "major_maintenance_usd": z(cases.major_maintenance_usd),
        "ebitda_usd": z(cf.ebitda_usd),
        "capital_cost_usd": np.concatenate([cf.capital_cost_usd, np.zeros(n)]),
        "interest_usd": z(cf.debt.interest_usd),
        "principal_usd": z(cf.debt.principal_usd),
        "debt_balance_usd": np.concatenate([cf.debt.debt_usd, cf.debt.balance_usd[0]]),
        "reserve_flow_usd": np.concatenate([-cf.dsra_usd, cf.reserve_flow_usd[0]]),
        "dscr": z(np.nan_to_num(cf.dscr, nan=0.0)),
        "depreciation_usd": z(cf.depreciation_usd),
        "debt_fee_amortisation_usd": z(cf.fee_amortisation_usd),
        "taxable_income_usd": z(cf.taxable_income_usd),
        "state_tax_usd": z(cf.state_tax_usd),
        "federal_tax_usd": z(cf.federal_tax_usd),
        "tax_credit_usd": z(cf.tax_credit_usd),
        "equity_cash_flow_usd": cf.equity_cf_usd[0],
        "project_cash_flow_usd": cf.project_cf_usd[0],
    })


_TRACKED = ("equity_irr_frac", "equity_npv_usd", "delivered_cost_usd_per_mwh", "min_dscr", "datacenter_delay_cost_usd")


def _tornado(deal: Deal, base: dict[str, float], base_metrics: dict[str, float]) -> pd.DataFrame:
    """One row per driver: its low and high, each metric there and its change from the base; largest IRR swing first."""
    rows = []
    for knob, r in deal.sensitivity.items():
        lo, hi = r.bounds(base[knob])
        rows += [{knob: lo}, {knob: hi}]
    if not rows:
        return pd.DataFrame(columns=["driver", "low", "high", "base", "source"])
    arrays = _knob_arrays(deal, rows)
    res = _metrics(deal, _cases(deal, arrays))
    keys = ["equity_irr_frac", "equity_npv_usd", "delivered_cost_usd_per_mwh"]
    if deal.contract.solve_for == "price":
        # At the target IRR the contract price moves instead of the return: what the datacenter would pay.
        res.update(_at_target_irr(deal, arrays))
        keys += ["solved_contract_price", "delivered_cost_at_target_irr_usd_per_mwh"]
        base_metrics = {**base_metrics, "delivered_cost_at_target_irr_usd_per_mwh": base_metrics["delivered_cost_usd_per_mwh"]}
    out = []
    for i, (knob, r) in enumerate(deal.sensitivity.items()):
        lo, hi = r.bounds(base[knob])
        row = {"driver": knob, "base": base[knob], "low": lo, "high": hi, "source": r.source}
        for key in keys:
            solved_driver = knob == "contract_price" and key in ("solved_contract_price",
                                                                  "delivered_cost_at_target_irr_usd_per_mwh")
            b = base_metrics[key]
            at_lo = math.nan if solved_driver else float(res[key][2 * i])
            at_hi = math.nan if solved_driver else float(res[key][2 * i + 1])
            row[f"{key}_base"] = b
            row[f"{key}_at_low"] = at_lo
            row[f"{key}_at_high"] = at_hi
            row[f"{key}_delta_at_low"] = at_lo - b
            row[f"{key}_delta_at_high"] = at_hi - b
        row["equity_irr_swing_frac"] = abs(row["equity_irr_frac_at_high"] - row["equity_irr_frac_at_low"])
        out.append(row)
    return pd.DataFrame(out).sort_values("equity_irr_swing_frac", ascending=False, ignore_index=True, na_position="last")


def _scenario_table(deal: Deal, base: dict[str, float]) -> pd.DataFrame:
    cases = [{"name": "base", "source": "deal file", **base}]
    for s in deal.scenarios:
        values = {k: (getattr(s, k) if getattr(s, k) is not None else base[k]) for k in KNOBS}
        cases.append({"name": s.name, "source": s.source, **values})
    res = _metrics(deal, _cases(deal, _knob_arrays(deal, cases)))
    frame = pd.DataFrame(cases)
    for key in _TRACKED + ("lcoe_usd_per_mwh", "project_irr_frac", "payback_yr"):
        frame[key] = res[key]
    return frame


#: The median of a Monte Carlo metric is called far from the base when it differs by more than this share of
#: the P10-P90 width (a reporting threshold, not a statistical test).
MC_FAR_FRAC_OF_RANGE = 0.10


def _mc_metrics(deal: Deal, knobs: dict[str, np.ndarray], base_price: float) -> dict[str, np.ndarray]:
    res = _metrics(deal, _cases(deal, knobs))
    if deal.contract.solve_for == "price":
        n = len(knobs["contract_price"])
        res.update(_at_target_irr(deal, {**knobs, "contract_price": np.full(n, base_price)}))
    return res


def _monte_carlo(deal: Deal, base: dict[str, float], draws: int, base_metrics: dict[str, float]):
    """Percentiles, the stated assumptions, and why the median differs from the base (computed from the draws)."""
    cols = ["metric", "base", "p10", "p50", "p90", "mean", "draws"]
    empty = pd.DataFrame(columns=cols), pd.DataFrame(), pd.DataFrame(), []
    if draws <= 0 or not deal.sensitivity:
        return empty
    rng = np.random.default_rng(deal.monte_carlo.seed)
    knobs = {k: np.full(draws, v, dtype=float) for k, v in base.items()}
    assumptions = []
    for k, r in deal.sensitivity.items():
        lo, hi = sorted(r.bounds(base[k]))
        mode = min(max(base[k], lo), hi)
        knobs[k] = rng.triangular(lo, mode, hi, size=draws) if hi > lo else np.full(draws, lo)
        assumptions.append({
            "driver": k, "distribution": "triangular (low, mode = base case, high)" if hi > lo else "fixed",
            "low": lo, "mode": mode, "high": hi, "mean": (lo + mode + hi) / 3.0, "base": base[k],
            "skew": ("skewed toward high values" if (lo + mode + hi) / 3.0 > base[k] + 1e-12 * max(abs(base[k]), 1.0)
                     else "skewed toward low values" if (lo + mode + hi) / 3.0 < base[k] - 1e-12 * max(abs(base[k]), 1.0)
                     else "symmetric"),
            "correlation": "none: drawn independently of the other drivers",
            "draws": draws, "seed": deal.monte_carlo.seed, "source": r.source,
        })
    res = _mc_metrics(deal, knobs, base["contract_price"])
    keys = ["equity_irr_frac", "equity_npv_usd", "delivered_cost_usd_per_mwh", "min_dscr"]
    base_values = dict(base_metrics)
    if deal.contract.solve_for == "price":
        keys += ["solved_contract_price", "delivered_cost_at_target_irr_usd_per_mwh"]
        base_values["delivered_cost_at_target_irr_usd_per_mwh"] = base_metrics["delivered_cost_usd_per_mwh"]
    rows = []
    for key in keys:
        v = res[key][np.isfinite(res[key])]
        if len(v) == 0:
            continue
        p10, p50, p90 = np.percentile(v, [10, 50, 90])
        rows.append({"metric": key, "base": base_values[key], "p10": p10, "p50": p50, "p90": p90,
                     "mean": float(v.mean()), "draws": int(len(v)),
                     "share_below_base_frac": float(np.mean(v < base_values[key]))})
    table = pd.DataFrame(rows, columns=cols + ["share_below_base_frac"])
    # Why the median differs from the base: each driver alone at the median of its draws, then all at their medians;
    # what remains is the interaction of drivers and asymmetric payoffs (the median of a nonlinear output is not the
    # output at median inputs).
    drivers = list(deal.sensitivity)
    medians = {k: float(np.median(knobs[k])) for k in drivers}
    variants = [{k: medians[k]} for k in drivers] + [dict(medians)]
    arrays = _knob_arrays(deal, variants)
    one = _mc_metrics(deal, arrays, base["contract_price"])
    expl, notes = [], []
    unit = deal.contract.price_unit
    for r in rows:
        key, b, p50 = r["metric"], r["base"], r["p50"]
        gap = p50 - b
        width = r["p90"] - r["p10"]
        far = bool(abs(gap) > MC_FAR_FRAC_OF_RANGE * width) if width > 0 else False
        shifts = []
        for i, k in enumerate(drivers):
            shift = float(one[key][i]) - b
            shifts.append((k, shift))
            expl.append({"metric": key, "driver": k, "base_value": base[k], "draw_median": medians[k],
                         "draw_mean": float(np.mean(knobs[k])), "metric_base": b, "metric_p50": p50,
                         "metric_at_driver_median": float(one[key][i]), "shift_from_base": shift, "far": far})
        combined = float(one[key][len(drivers)]) - b
        expl.append({"metric": key, "driver": "all drivers at their medians", "metric_base": b, "metric_p50": p50,
                     "metric_at_driver_median": float(one[key][len(drivers)]), "shift_from_base": combined,
                     "far": far})
        expl.append({"metric": key, "driver": "interactions and asymmetric payoffs (P50 minus the line above)",
                     "metric_base": b, "metric_p50": p50, "shift_from_base": gap - combined, "far": far})
        if far and key in ("equity_irr_frac", "delivered_cost_at_target_irr_usd_per_mwh", "delivered_cost_usd_per_mwh"):
            fmt = (lambda x: f"{100 * x:+.1f} points") if key.endswith("_frac") else (lambda x: f"{x:+,.1f} USD/MWh")
            level = (lambda x: f"{100 * x:.1f} %") if key.endswith("_frac") else (lambda x: f"{x:,.1f} USD/MWh")
            top = sorted((s for s in shifts if math.isfinite(s[1])), key=lambda s: -abs(s[1]))[:3]
            parts = []
            for k, shift in top:
                a = next(x for x in assumptions if x["driver"] == k)
                driver_unit = unit if k == "contract_price" else ""
                parts.append(f"{k} (range {a['low']:,.4g}-{a['high']:,.4g}{' ' + driver_unit if driver_unit else ''} "
                             f"around a base of {a['base']:,.4g}, {a['skew']}; median draw {medians[k]:,.4g}) "
                             f"alone moves it {fmt(shift)}")
            side = "below" if gap < 0 else "above"
            size = fmt(abs(gap)).lstrip("+")
            notes.append(
                f"Monte Carlo P50 {key} {level(p50)} is {size} {side} the base {level(b)} because the input "
                f"ranges are not centred on the base: " + "; ".join(parts)
                + f"; all drivers at their medians give {fmt(combined)}, and {fmt(gap - combined)} comes from "
                "interactions and asymmetric payoffs (e.g. the gearing cap, taxes, delay carrying)"
            )
    return table, pd.DataFrame(assumptions), pd.DataFrame(expl), notes


def evaluate_many(deal: Deal, knobs: dict[str, np.ndarray]) -> pd.DataFrame:
    """Metrics for many variants of one deal at once (one row per entry of the knob arrays).

    Parameters
    ----------
    deal : Deal
        The base deal.
    knobs : dict of str to array
        Any of :data:`KNOBS`, each an (n,) array; missing drivers keep the base value.

    Returns
    -------
    pandas.DataFrame
        One row per variant with the knob values and the metrics.
    """
    bad = sorted(set(knobs) - set(KNOBS))
    if bad:
        raise unknown_name("deal driver", bad[0], KNOBS)
    n = len(next(iter(knobs.values()))) if knobs else 1
    base = deal.base_knobs()
    arrays = {k: np.broadcast_to(np.asarray(knobs.get(k, base[k]), dtype=float), (n,)).copy() for k in KNOBS}
    res = _metrics(deal, _cases(deal, arrays))
    return pd.DataFrame({**arrays, **res})


# ---------------------------------------------------------------------------------------
# A deal from a site's power design
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlantSpec:
    """The plant of a site's power design, as a deal needs it (money in USD of ``dollar_year``).

    Attributes
    ----------
    name : str
        Plant name.
    capacity_mw : float
        Net capacity sold [MW].
    capex_usd : float
        Overnight capital cost of the plant, USD of ``dollar_year`` [USD].
    dollar_year : int
        Dollar year of ``capex_usd`` and the O&M figures [yr].
    generation_mwh_per_yr : float
        Energy delivered in a typical year [MWh/yr].
    fuel_mmbtu_hhv_per_yr : float
        Fuel burnt in that year, HHV [MMBtu/yr] (0 for no fuel).
    heat_rate_hhv_btu_per_kwh : float
        Full-load heat rate, HHV [Btu/kWh]; used only when there is no generation to average over.
    fixed_om_usd_per_yr : float
        Fixed O&M [USD/yr].
    variable_om_usd_per_mwh : float
        Variable O&M [USD/MWh].
    equipment_class : str
        One of :data:`EQUIPMENT_CLASSES` (sets default months to first power and construction months).
    fuel_price_usd_per_mmbtu : float
        Delivered fuel price in year 1, HHV [USD/MMBtu].
    fuel_type : str
        One of :data:`FUEL_TYPES`.
    months_to_first_power : float, optional
        The design's months to first power [months]; absent: the class's lead time.
    construction_months : int, optional
        Capex draw period [months]; absent: the class default.
    depreciation : str
        Tax depreciation of the plant (``macrs_15`` for gas generating plant, Rev. Proc. 87-56 class 49.15).
    source : str
        Where the figures come from (the site chain's run).
    """

    name: str
    capacity_mw: float
    capex_usd: float
    dollar_year: int
    generation_mwh_per_yr: float
    fuel_mmbtu_hhv_per_yr: float
    heat_rate_hhv_btu_per_kwh: float
    fixed_om_usd_per_yr: float
    variable_om_usd_per_mwh: float
    equipment_class: str
    fuel_price_usd_per_mmbtu: float
    fuel_type: str = "natural_gas"
    months_to_first_power: float | None = None
    construction_months: int | None = None
    depreciation: str = "macrs_15"
    source: str = ""

    def __post_init__(self) -> None:
        checks = {
            "capacity_mw": (self.capacity_mw, self.capacity_mw > 0, "> 0 [MW]"),
            "capex_usd": (self.capex_usd, self.capex_usd >= 0, ">= 0 [USD]"),
            "generation_mwh_per_yr": (self.generation_mwh_per_yr,
                                      0 <= self.generation_mwh_per_yr <= self.capacity_mw * HOURS_PER_YEAR * (1 + 1e-9),
                                      f"between 0 and capacity x 8760 h = {self.capacity_mw * HOURS_PER_YEAR:,.0f} [MWh/yr]"),
            "fuel_mmbtu_hhv_per_yr": (self.fuel_mmbtu_hhv_per_yr, self.fuel_mmbtu_hhv_per_yr >= 0, ">= 0 [MMBtu/yr]"),
            "heat_rate_hhv_btu_per_kwh": (self.heat_rate_hhv_btu_per_kwh, self.heat_rate_hhv_btu_per_kwh >= 0,
                                          ">= 0 [Btu/kWh]"),
            "fixed_om_usd_per_yr": (self.fixed_om_usd_per_yr, self.fixed_om_usd_per_yr >= 0, ">= 0 [USD/yr]"),
            "variable_om_usd_per_mwh": (self.variable_om_usd_per_mwh, self.variable_om_usd_per_mwh >= 0, ">= 0 [USD/MWh]"),
            "fuel_price_usd_per_mmbtu": (self.fuel_price_usd_per_mmbtu, self.fuel_price_usd_per_mmbtu >= 0,
                                         ">= 0 [USD/MMBtu]"),
        }
        for name, (value, ok, expected) in checks.items():
            if not (isinstance(value, (int, float)) and math.isfinite(value) and ok):
                raise ConfigError(f"PlantSpec {self.name!r}: {name}={value!r}; expected {expected}")
        if self.equipment_class not in EQUIPMENT_CLASSES:
            raise unknown_name("equipment class", self.equipment_class, EQUIPMENT_CLASSES)
        if self.fuel_type not in FUEL_TYPES:
            raise unknown_name("fuel type", self.fuel_type, FUEL_TYPES)
        if self.fuel_mmbtu_hhv_per_yr > 0 and self.generation_mwh_per_yr <= 0:
            raise ConfigError(f"PlantSpec {self.name!r}: fuel_mmbtu_hhv_per_yr={self.fuel_mmbtu_hhv_per_yr:g} with no "
                              "generation; expected generation_mwh_per_yr > 0 when fuel is burnt")

    @property
    def capacity_factor_frac(self) -> float:
        """Generation over capacity x 8760 h [-]."""
        return self.generation_mwh_per_yr / (self.capacity_mw * HOURS_PER_YEAR)

    @property
    def average_heat_rate_hhv_btu_per_kwh(self) -> float:
        """Fuel over generation, part load included; the full-load heat rate when nothing is generated [Btu/kWh]."""
        if self.generation_mwh_per_yr > 0:
            return self.fuel_mmbtu_hhv_per_yr * BTU_PER_MMBTU / (self.generation_mwh_per_yr * KWH_PER_MWH)
        return self.heat_rate_hhv_btu_per_kwh


def deal_from_plant(spec: PlantSpec, template: Deal | None = None, *, it_load_mw: float | None = None,
                    start_year: int | None = None) -> Deal:
    """A :class:`Deal` whose plant is a site's power design.

    Capacity, capex, O&M, the average heat rate (fuel over generation), the capacity
    factor (generation over capacity x 8760 h), fuel and its price, the equipment class
    and the months to first power come from ``spec``; contract, financing, tax,
    discounting, sensitivities and the datacenter's terms come from ``template``.

    Parameters
    ----------
    spec : PlantSpec
        The design's plant.
    template : Deal, optional
        Terms to reuse. Absent: a PPA whose price is solved for a 12 % after-tax equity IRR,
        debt sculpted to a 1.3 DSCR over 15 years, 21 % federal tax, 10 % discount rate,
        2.5 % inflation, 20 operating years (assumptions; no sensitivities).
    it_load_mw : float, optional
        IT load behind the meter [MW] (values the time saved); absent: the template's.
    start_year : int, optional
        Notice-to-proceed year [yr]; first power is then ``start_year`` plus the months to
        first power rounded up to whole years. Absent: the template's first power year.

    Returns
    -------
    Deal
    """
    if template is None:
        template = Deal(
            name="template", plant=Plant(components=(Component(name="plant"),)),
            contract=Contract(type="ppa", term_yr=20, solve_for="price", target_equity_irr_frac=0.12),
            financing=Financing(dscr_target=1.3, tenor_yr=15, interest_rate_frac=0.07),
            economics=Economics(analysis_years=20), monte_carlo=MonteCarlo(draws=0),
            description="PPA priced for a 12 % equity IRR (template assumptions)",
        )
    cap_kw = spec.capacity_mw * 1000.0
    component = Component(
        name=spec.name, capacity_mw=spec.capacity_mw, capex_usd_per_kw=spec.capex_usd / cap_kw,
        fixed_om_usd_per_kw_yr=spec.fixed_om_usd_per_yr / cap_kw, depreciation=spec.depreciation,
        source=spec.source or "site power design",
    )
    plant = dataclasses.replace(
        template.plant, name=spec.name, capacity_mw=spec.capacity_mw,
        capacity_factor_frac=min(spec.capacity_factor_frac, 1.0),
        heat_rate_hhv_btu_per_kwh=spec.average_heat_rate_hhv_btu_per_kwh,
        variable_om_usd_per_mwh=spec.variable_om_usd_per_mwh, equipment_class=spec.equipment_class,
        months_to_first_power=spec.months_to_first_power, construction_months=spec.construction_months,
        construction_draws_frac=[], components=(component,),
    )
    fuel = dataclasses.replace(template.fuel, fuel_type=spec.fuel_type, price_usd_per_mmbtu=spec.fuel_price_usd_per_mmbtu,
                               curve_usd_per_mmbtu=[], source=spec.source or "site power design")
    economics = dataclasses.replace(template.economics, dollar_year=int(spec.dollar_year))
    if start_year is not None:
        months = spec.months_to_first_power
        if months is None:
            months, _ = plant_months_to_first_power(spec.equipment_class)
        if not math.isfinite(months):
            raise ConfigError(f"PlantSpec {spec.name!r}: start_year given but the months to first power are unknown "
                              f"for {spec.equipment_class!r}; give PlantSpec.months_to_first_power [months]")
        economics = dataclasses.replace(economics, first_power_year=int(start_year + math.ceil(months / 12.0)))
    datacenter = template.datacenter if it_load_mw is None else dataclasses.replace(template.datacenter,
                                                                                     it_load_mw=float(it_load_mw))
    return dataclasses.replace(template, name=f"{spec.name}: {template.contract.type} deal", plant=plant, fuel=fuel,
                               economics=economics, datacenter=datacenter)
