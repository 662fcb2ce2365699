"""IPP deal evaluation: a behind-the-meter plant selling power to a datacenter.

A deal is a frozen, validated tree of dataclasses loaded from TOML (:func:`load_deal`;
unknown keys are rejected with the valid ones listed). :func:`evaluate_deal` builds the
annual cash flows with :mod:`models.finance` and returns a :class:`DealResult`: the
cash-flow table, project and equity IRR, NPV, LCOE, the solved contract price, DSCR,
payback, the delivered cost to the datacenter against its grid alternative (and what the
grid's wait costs a datacenter whose capital sits idle), a tornado over six drivers,
named scenarios and a Monte Carlo range.

Everything is evaluated on arrays: the six drivers ("knobs": fuel price, capex,
capacity factor, contract price, interest rate, delay) are vectors with one entry per
case, so the base case, the tornado, the scenarios and thousands of Monte Carlo draws
are each one call of :func:`models.finance.project_cash_flows`.

Money is nominal USD. Cost inputs are in USD of ``economics.dollar_year`` and escalate
with ``economics.inflation_frac`` to the year they are spent; contract prices are
nominal in the first operating year and escalate with the contract escalator.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import tomllib
import types
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models import finance as fin
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
    components: tuple = _p((), "-", "Capital blocks ([[plant.components]]).")

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
    """Delivered gas price: Henry Hub plus basis, escalating, or an explicit curve."""

    _section = "fuel"
    henry_hub_usd_per_mmbtu: float = _p(4.01, "USD/MMBtu", "Henry Hub in the first operating year, HHV.", lo=-20.0, hi=100.0)
    basis_usd_per_mmbtu: float = _p(0.0, "USD/MMBtu", "Local basis to Henry Hub (Waha 2024: -1.42).", lo=-20.0, hi=50.0)
    transport_usd_per_mmbtu: float = _p(0.0, "USD/MMBtu", "Pipeline transport to the plant gate.", lo=0.0, hi=20.0)
    escalation_frac_per_yr: float = _p(0.025, "-/yr", "Yearly escalation of the delivered price.", lo=-0.2, hi=0.5)
    curve_usd_per_mmbtu: list = _p(
        [], "USD/MMBtu", "Explicit delivered price by operating year (overrides the above; extended with the escalation).",
    )
    source: str = _p("", "-", "Where the prices come from.")

    @property
    def first_year_usd_per_mmbtu(self) -> float:
        """Delivered price in operating year 1 [USD/MMBtu]."""
        if self.curve_usd_per_mmbtu:
            return float(self.curve_usd_per_mmbtu[0])
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
    dsra_months: float = _p(0.0, "months", "Debt-service reserve at close, months of first-year service.", lo=0.0, hi=24.0)

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
    """The load behind the meter and its grid alternative."""

    _section = "datacenter"
    it_load_mw: float = _p(0.0, "MW", "IT load served (0: take the plant capacity).", lo=0.0)
    capex_usd_billion_per_gw: float = _p(
        fin.finance_input("datacenter_capex_usd_billion_per_gw").value, "USD billion/GW",
        "All-in datacenter capital at stake per GW of IT (Nvidia, Aug 2025: ~50).", lo=0.0,
    )
    hardware_usd_billion_per_gw: float = _p(
        fin.finance_input("datacenter_hardware_usd_billion_per_gw").value, "USD billion/GW",
        "Part of it that is chips and servers (~35).", lo=0.0,
    )
    hardware_life_yr: float = _p(
        fin.finance_input("server_useful_life_yr").value, "yr", "Useful life of the chips (~5 years).", lo=0.5,
    )
    cost_of_capital_frac: float = _p(0.10, "-", "Datacenter owner's cost of capital (idle capital).", lo=0.0, hi=0.5)
    grid_energy_price_usd_per_mwh: float | None = _p(
        None, "USD/MWh",
        "Grid alternative's energy price; absent: an ATB 2024 gas combined cycle at this deal's fuel price "
        "(generation cost only, no delivery charges).", lo=0.0,
    )
    grid_wait_months: float = _p(
        fin.finance_input("grid_interconnection_wait_months").value, "months",
        "Wait for a grid connection (LBNL 2025: median 55 months request to COD).", lo=0.0,
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
    """Monte Carlo over the sensitivity ranges (triangular, mode at the base case)."""

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


def _build(cls, values: Any, where: str):
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a table of keys, got {values!r}")
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
    path = Path(path)
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"deal file {str(path)!r} does not exist; give the path of a TOML file "
                          "(`siting deal --list-examples` lists shipped ones)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"deal file {str(path)!r} is not valid TOML: {exc}") from None
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
    return deal_from_dict(tomllib.loads(files[name].read_text(encoding="utf-8")), origin=f"deal example {name!r}")


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
    esc_capex = (1.0 + e.inflation_frac) ** max(years_to_power - 1, 0)
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
    capex_scale = col("capex_usd_per_kw")[:, 0] / p.capex_usd_per_kw if p.capex_usd_per_kw else np.ones(n)
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
        shortfall = max(c.availability_guarantee_frac - p.availability_frac, 0.0)
        ld_frac = min(1.0, c.liquidated_damages_multiple * shortfall / c.availability_guarantee_frac) if shortfall else 0.0
        capacity_rev = col("contract_price") * cesc * cap_kw * 12.0 * (1.0 - ld_frac)
        contract_rev = capacity_rev + c.energy_payment_usd_per_mwh * cesc * energy
        if c.fuel_pass_through:
            contract_rev = contract_rev + fuel_usd
    merchant_rev = c.merchant_price_usd_per_mwh * esc_op * energy
    revenue = np.where(in_term, contract_rev, merchant_rev)
    offtaker = np.where(in_term, contract_rev, 0.0)
    # Capital: overnight capex escalated to the year before first power, plus interest while delayed.
    total_capex_kw = p.capex_usd_per_kw * capex_scale
    capex_usd = total_capex_kw * cap_kw * esc_capex
    carrying = capex_usd * ((1.0 + col("interest_rate_frac")[:, 0]) ** delay_yr[:, 0] - 1.0)
    installed = capex_usd + carrying
    shares = np.array([x.capex_usd_per_kw * x.capacity_mw for x in p.components], dtype=float)
    shares = shares / shares.sum() if shares.sum() > 0 else np.full(len(shares), 1.0 / len(shares))
    dep = sum(s * fin.depreciation_schedule(x.depreciation, n_years) for s, x in zip(shares, p.components, strict=True))
    itc = float(sum(s * x.itc_frac for s, x in zip(shares, p.components, strict=True)))
    ptc = None
    if deal.tax.ptc_usd_per_mwh > 0 and deal.tax.ptc_energy_share_frac > 0:
        ptc = np.where(y < deal.tax.ptc_years, deal.tax.ptc_usd_per_mwh * deal.tax.ptc_energy_share_frac * energy, 0.0)
    cf = fin.project_cash_flows(
        installed_cost_usd=installed, revenue_usd=revenue, opex_usd=opex, energy_mwh=energy,
        depreciation_frac=dep, federal_tax_frac=deal.tax.federal_frac, state_tax_frac=deal.tax.state_frac,
        debt_frac=fi.debt_frac, dscr_target=fi.dscr_target, debt_rate_frac=col("interest_rate_frac")[:, 0],
        debt_tenor_yr=fi.tenor_yr, debt_fee_frac=fi.fee_frac, dsra_months=fi.dsra_months, itc_frac=itc, ptc_usd=ptc,
        max_debt_frac=fi.max_debt_frac if fi.dscr_target is not None else None,
    )
    return _Cases(
        cf=cf, fuel_usd=fuel_usd, om_usd=om, major_maintenance_usd=mm, offtaker_payment_usd=offtaker,
        contract_energy_mwh=np.where(in_term, energy, 0.0), fuel_price_usd_per_mmbtu=price,
        delay_cost_usd=_datacenter_delay_cost_usd_per_month(deal) * col("delay_months")[:, 0],
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
        "lcoe_usd_per_mwh": (fin.npv(rate, pad(cf.revenue_usd)) - equity_npv) / pv_energy,
        "min_dscr": min_dscr,
        "avg_dscr": avg_dscr,
        "payback_yr": payback,
        "delivered_cost_usd_per_mwh": delivered,
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

    def to_dict(self) -> dict[str, Any]:
        """The "deal section" a report renders: plain JSON-able values with units in the keys.

        Keys: ``name``, ``description``, ``contract_type`` (ppa/tolling), ``contract_price_unit``,
        ``capacity_mw``; ``metrics`` (equity_irr_frac, project_irr_frac, equity_npv_usd,
        lcoe_usd_per_mwh, solved_contract_price, contract_price, min_dscr, avg_dscr, payback_yr,
        delivered_cost_usd_per_mwh, installed_cost_usd, debt_usd, equity_usd, ...);
        ``grid_alternative`` (grid_energy_price_usd_per_mwh and its basis, grid_wait_months,
        datacenter_delay_cost_usd_per_month, months_saved_vs_grid, value_of_time_saved_usd,
        delivered_premium_usd_per_mwh, pv_premium_over_grid_usd); ``cash_flows`` (one record per
        year, year 0 = close), ``tornado`` (one record per driver, largest IRR swing first),
        ``scenarios``, ``monte_carlo`` (metric, p10, p50, p90, mean, draws) and ``notes``.
        NaN becomes null.
        """
        return {
            "name": self.deal.name,
            "description": self.deal.description,
            "contract_type": self.deal.contract.type,
            "contract_price_unit": self.deal.contract.price_unit,
            "capacity_mw": self.deal.plant.capacity_mw,
            "metrics": {k: _plain(v) for k, v in self.metrics.items()},
            "grid_alternative": {k: _plain(v) for k, v in self.grid_alternative.items()},
            "cash_flows": _records(self.cash_flows),
            "tornado": _records(self.tornado),
            "scenarios": _records(self.scenarios),
            "monte_carlo": _records(self.monte_carlo),
            "notes": list(self.notes),
        }


def _plain(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _grid_price(deal: Deal) -> tuple[float, str]:
    d = deal.datacenter
    if d.grid_energy_price_usd_per_mwh is not None:
        return d.grid_energy_price_usd_per_mwh, "given in the deal file"
    get = lambda k: fin.finance_input(k).value  # noqa: E731
    rate, n = deal.economics.discount_rate_frac, deal.economics.analysis_years
    atb_year = int(fin.finance_input("gas_cc_capex_usd_per_kw").dollar_year)
    esc = (1.0 + deal.economics.inflation_frac) ** max(deal.economics.first_power_year - atb_year, 0)
    y = np.arange(n)
    energy = np.full(n, 1000.0 * HOURS_PER_YEAR * 0.85 / 1000.0)  # 1 MW at an 85 % capacity factor [MWh]
    fuel = energy * get("gas_cc_heat_rate_hhv_btu_per_kwh") / 1000.0 * deal.fuel.first_year_usd_per_mmbtu * (
        1 + deal.fuel.escalation_frac_per_yr) ** y
    om = (get("gas_cc_fixed_om_usd_per_kw_yr") * 1000.0 + get("gas_cc_variable_om_usd_per_mwh") * energy) * esc * (
        1 + deal.economics.inflation_frac) ** y
    value = float(fin.lcoe(get("gas_cc_capex_usd_per_kw") * 1000.0 * esc, fuel + om, energy, rate))
    return value, (
        "NREL ATB 2024 gas combined cycle (moderate, 2022$ escalated) at this deal's gas price and discount rate, "
        "85 % capacity factor, pre-tax: generation cost only, no transmission or delivery charges"
    )


def evaluate_deal(deal: Deal, *, monte_carlo_draws: int | None = None) -> DealResult:
    """Evaluate an IPP deal: cash flows, returns, solved price, sensitivities, scenarios, Monte Carlo.

    Parameters
    ----------
    deal : Deal
        The deal (see :func:`load_deal`).
    monte_carlo_draws : int, optional
        Override of ``deal.monte_carlo.draws`` (0 skips the Monte Carlo).

    Returns
    -------
    DealResult
        Metrics (``equity_irr_frac``, ``project_irr_frac``, ``equity_npv_usd`` at the deal's
        discount rate, ``lcoe_usd_per_mwh`` (after-tax, financed, SAM Single Owner definition),
        ``solved_contract_price`` [USD/MWh or USD/kW-month], ``min_dscr``, ``avg_dscr``,
        ``payback_yr``, ``delivered_cost_usd_per_mwh`` (the offtaker's levelised payments over
        contract energy), the grid alternative and what waiting for it costs), the annual cash
        flow table, a tornado, scenario table and Monte Carlo percentiles.
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

    grid_price, grid_basis = _grid_price(deal)
    delay_cost_month = _datacenter_delay_cost_usd_per_month(deal)
    dc = deal.datacenter
    grid = {
        "grid_energy_price_usd_per_mwh": grid_price,
        "grid_energy_price_basis": grid_basis,
        "grid_wait_months": dc.grid_wait_months,
        "behind_the_meter_delay_months": deal.economics.delay_months,
        "datacenter_delay_cost_usd_per_month": delay_cost_month,
        "months_saved_vs_grid": max(dc.grid_wait_months - deal.economics.delay_months, 0.0),
        "value_of_time_saved_usd": max(dc.grid_wait_months - deal.economics.delay_months, 0.0) * delay_cost_month,
        "delivered_premium_usd_per_mwh": m["delivered_cost_usd_per_mwh"] - grid_price,
    }
    pv_energy = float(fin.npv(deal.economics.discount_rate_frac, np.concatenate([[0.0], base_cases.contract_energy_mwh[0]])))
    grid["pv_premium_over_grid_usd"] = grid["delivered_premium_usd_per_mwh"] * pv_energy
    notes.append(
        "datacenter delay cost = chips ageing (hardware capex / useful life) plus the all-in capital's cost of "
        "capital while idle; sources in models/catalogs/finance_inputs.csv"
    )

    table = _cash_flow_table(deal, base_cases)
    tornado = _tornado(deal, base, m)
    scen = _scenario_table(deal, base)
    draws = deal.monte_carlo.draws if monte_carlo_draws is None else monte_carlo_draws
    mc = _monte_carlo(deal, base, draws)
    log.info("deal %r: equity IRR %.2f%%, delivered %.1f USD/MWh", deal.name, 100 * m["equity_irr_frac"],
             m["delivered_cost_usd_per_mwh"])
    return DealResult(deal, m, table, tornado, scen, mc, grid, tuple(notes))


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
        "interest_usd": z(cf.debt.interest_usd),
        "principal_usd": z(cf.debt.principal_usd),
        "debt_balance_usd": np.concatenate([cf.debt.debt_usd, cf.debt.balance_usd[0]]),
        "dscr": z(np.nan_to_num(cf.dscr, nan=0.0)),
        "depreciation_usd": z(cf.depreciation_usd),
        "taxable_income_usd": z(cf.taxable_income_usd),
        "state_tax_usd": z(cf.state_tax_usd),
        "federal_tax_usd": z(cf.federal_tax_usd),
        "tax_credit_usd": z(cf.tax_credit_usd),
        "equity_cash_flow_usd": cf.equity_cf_usd[0],
        "project_cash_flow_usd": cf.project_cf_usd[0],
    })


_TRACKED = ("equity_irr_frac", "equity_npv_usd", "delivered_cost_usd_per_mwh", "min_dscr", "datacenter_delay_cost_usd")


def _tornado(deal: Deal, base: dict[str, float], base_metrics: dict[str, float]) -> pd.DataFrame:
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
            row[f"{key}_at_low"] = math.nan if solved_driver else float(res[key][2 * i])
            row[f"{key}_at_high"] = math.nan if solved_driver else float(res[key][2 * i + 1])
            row[f"{key}_base"] = base_metrics[key]
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


def _monte_carlo(deal: Deal, base: dict[str, float], draws: int) -> pd.DataFrame:
    cols = ["metric", "p10", "p50", "p90", "mean", "draws"]
    if draws <= 0 or not deal.sensitivity:
        return pd.DataFrame(columns=cols)
    rng = np.random.default_rng(deal.monte_carlo.seed)
    knobs = {k: np.full(draws, v, dtype=float) for k, v in base.items()}
    for k, r in deal.sensitivity.items():
        lo, hi = sorted(r.bounds(base[k]))
        mode = min(max(base[k], lo), hi)
        knobs[k] = rng.triangular(lo, mode, hi, size=draws) if hi > lo else np.full(draws, lo)
    res = _metrics(deal, _cases(deal, knobs))
    keys = ["equity_irr_frac", "equity_npv_usd", "delivered_cost_usd_per_mwh", "min_dscr"]
    if deal.contract.solve_for == "price":
        res.update(_at_target_irr(deal, {**knobs, "contract_price": np.full(draws, base["contract_price"])}))
        keys += ["solved_contract_price", "delivered_cost_at_target_irr_usd_per_mwh"]
    rows = []
    for key in keys:
        v = res[key][np.isfinite(res[key])]
        if len(v) == 0:
            continue
        p10, p50, p90 = np.percentile(v, [10, 50, 90])
        rows.append({"metric": key, "p10": p10, "p50": p50, "p90": p90, "mean": float(v.mean()), "draws": int(len(v))})
    return pd.DataFrame(rows, columns=cols)


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
