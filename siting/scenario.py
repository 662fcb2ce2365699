"""The scenario: one frozen, typed, validated set of assumptions for a run.

Every field carries its unit in its name and, in its metadata, a description, bounds
or choices. Validation, ``siting --help`` texts and the effective-config file written
next to outputs all read that metadata. A TOML file whose keys are exactly the field
names loads a scenario (:meth:`Scenario.from_toml`); unknown keys are rejected with the
list of valid ones.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models import cooling as _cooling
from models import time_to_power as _ttp
from models.money import COST_BASES as _COST_BASES
from siting.errors import ConfigError, did_you_mean

#: Cooling designs known to the water and PUE models (the registry of :mod:`models.cooling`).
COOLING_DESIGNS = tuple(_cooling.COOLING_DESIGNS)

#: Power designs: how the load gets its electricity (the designs :mod:`models.time_to_power` times).
POWER_DESIGNS = tuple(_ttp.DESIGNS)


def _f(default, unit, description, *, lo=None, hi=None, lo_open=False, choices=None, optional=False):
    return field(
        default=default,
        metadata={
            "unit": unit,
            "description": description,
            "min": lo,
            "max": hi,
            "min_exclusive": lo_open,
            "choices": choices,
            "optional": optional,
        },
    )


@dataclass(frozen=True)
class Scenario:
    """Assumptions for a site report, a batch run or a demo.

    Defaults describe a 100 MW-IT AI campus on a simple-cycle aeroderivative plant
    with N+1 redundancy and hybrid (dry plus adiabatic) cooling.
    """

    it_load_mw: float = _f(100.0, "MW", "Critical IT load of the campus.", lo=0.0, hi=20_000.0, lo_open=True)
    pue: float = _f(
        1.25, "-", "Power usage effectiveness (facility / IT energy) where no weather is modelled: the published-WUE "
        "water examples. Sites with weather take the cooling model's hourly PUE instead.",
        lo=1.0, hi=3.0,
    )
    it_utilization_frac: float = _f(
        1.0, "-", "Average IT load as a fraction of nameplate IT load (1.0 = flat out, the conservative case).",
        lo=0.0, hi=1.0, lo_open=True,
    )
    cooling: str = _f("hybrid", "-", "Cooling design.", choices=COOLING_DESIGNS)
    power_design: str = _f("gas_only", "-", "How the load is powered.", choices=POWER_DESIGNS)
    prime_mover: str = _f(
        "GE LM6000PF", "-", "Gas unit model from the equipment catalog (`siting catalog` lists them).",
    )
    redundancy_units: int = _f(1, "-", "Spare units k in an N+k fleet.", lo=0, hi=20)
    reliability_target_frac: float = _f(
        0.9999, "-", "Required probability that firm capacity covers the load.", lo=0.9, hi=1.0, lo_open=True,
    )
    max_gas_share_frac: float = _f(
        1.0, "-", "Upper bound on the share of delivered energy from gas (renewables-plus-gas designs).",
        lo=0.0, hi=1.0,
    )
    fuel_price_usd_per_mmbtu: float = _f(
        3.5, "USD/MMBtu", "Henry Hub gas price, HHV, in USD of dollar_year; with fuel_price_basis = 'scenario', the "
        "delivered price at every site.", lo=0.0, hi=100.0,
    )
    fuel_price_basis: str = _f(
        "hub", "-", "How a site's delivered gas price is set: 'hub' = Henry Hub (fuel_price_usd_per_mmbtu) plus the "
        "published basis of the nearest trading hub within 500 km (models/catalogs/gas_hubs.csv; the Henry Hub price "
        "alone where none is), 'scenario' = fuel_price_usd_per_mmbtu everywhere.", choices=("hub", "scenario"),
    )
    grid_price_usd_per_mwh: float = _f(
        80.0, "USD/MWh", "All-in price of grid energy (generation plus delivery) for grid and bridge designs, USD of "
        "dollar_year.", lo=0.0, hi=2000.0,
    )
    cost_basis: str = _f(
        "market_2025", "-", "Capital and O&M costs by equipment class: 'market_2025' (EIA AEO2026 with 2025 turbine "
        "prices, 2025 combined-cycle quotes) or 'atb_eia_2024' (NREL ATB 2024 and the EIA/Sargent & Lundy 2024 "
        "study); models/catalogs/equipment_costs.csv.", choices=_COST_BASES,
    )
    discount_rate_frac: float = _f(0.08, "-", "Real discount rate for levelised costs.", lo=0.0, hi=0.5)
    lifetime_yr: int = _f(20, "yr", "Economic life used for levelised costs.", lo=1, hi=60)
    analysis_year: int = _f(2027, "yr", "Year the project starts (notice to proceed: equipment ordered, permits "
                                         "applied for); first power follows the time-to-power chain.", lo=2020, hi=2060)
    dollar_year: int = _f(2024, "yr", "Dollar year of every money output; sources are converted with CPI-U "
                                      "(models/catalogs/cpi_u.csv covers 2015-2025).", lo=2015, hi=2025)
    max_weather_station_km: float = _f(
        300.0, "km",
        "Farthest typical-year weather station whose climate is scored; beyond it the climate columns are still "
        "computed from the nearest station but flagged (weather_station_too_far) and the climate sub-score is left "
        "unknown (the total counts it as 0.5). A policy choice: no published distance within which a TMY station represents a site was found.",
        lo=0.0, hi=5000.0, lo_open=True,
    )

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            _validate_field(f, value)
            if f.type == "float" and isinstance(value, int):
                object.__setattr__(self, f.name, float(value))  # TOML "100" means 100.0

    # -- construction -------------------------------------------------------------------
    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Names of all scenario fields, in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_dict(cls, values: dict[str, Any], *, origin: str = "scenario") -> Scenario:
        """Build a scenario from a mapping whose keys are field names.

        Raises
        ------
        ConfigError
            On an unknown key (the message lists the valid ones) or an invalid value.
        """
        unknown = sorted(set(values) - set(cls.field_names()))
        if unknown:
            raise ConfigError(
                f"{origin}: unknown key(s) {', '.join(map(repr, unknown))}; "
                f"valid keys are: {', '.join(cls.field_names())}"
            )
        return cls(**values)

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Load a scenario from a TOML file whose keys are exactly the field names."""
        from gis_data.io import read_toml

        path = Path(path)
        values = read_toml(path, what="scenario file")
        return cls.from_dict(values, origin=f"scenario file {str(path)!r}")

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed (validated again)."""
        return self.from_dict({**self.to_dict(), **changes})

    # -- site values ------------------------------------------------------------------------
    def it_load_of(self, values) -> np.ndarray:
        """Sites' nameplate IT loads [MW]: each site's own where given (finite), the scenario's elsewhere.

        The one rule every path uses for "the site's IT load, else the scenario's".
        """
        import pandas as pd

        v = pd.to_numeric(pd.Series(values, dtype=object) if not hasattr(values, "dtype") else pd.Series(values),
                          errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isfinite(v), v, self.it_load_mw)

    # -- output ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Field values as a plain dict, in declaration order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_toml(self) -> str:
        """The scenario as TOML text, each key commented with its unit and description."""
        lines = ["# Effective scenario (keys are exactly the fields of siting.scenario.Scenario)"]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            lines.append(f"# {f.metadata['description']} [{f.metadata['unit']}]")
            lines.append(f"{f.name} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


def field_table() -> list[dict[str, Any]]:
    """Describe every scenario field (name, type, unit, default, bounds, description).

    Used by the CLI help and the README's table.
    """
    rows = []
    for f in dataclasses.fields(Scenario):
        m = f.metadata
        rows.append(
            {
                "name": f.name,
                "type": f.type if isinstance(f.type, str) else f.type.__name__,
                "unit": m["unit"],
                "default": f.default,
                "min": m["min"],
                "max": m["max"],
                "choices": m["choices"],
                "description": m["description"],
            }
        )
    return rows


def assumption_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario's fields with their values, units and descriptions (a report's assumptions table)."""
    return [{**{k: r[k] for k in ("name", "unit", "description")}, "value": getattr(scenario, r["name"])}
            for r in field_table()]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _validate_field(f: dataclasses.Field, value: Any) -> None:
    m = f.metadata
    name = f.name
    ftype = f.type if isinstance(f.type, str) else f.type.__name__
    if ftype == "str":
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{name}={value!r}: expected a non-empty string")
        if m["choices"] and value not in m["choices"]:
            raise ConfigError(f"{name}={value!r}: expected one of {', '.join(m['choices'])}"
                              f"{did_you_mean(value, m['choices'])}")
        return
    if ftype == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name}={value!r}: expected a whole number [{m['unit']}]")
    elif ftype == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name}={value!r}: expected a number [{m['unit']}]")
        if not math.isfinite(value):
            raise ConfigError(f"{name}={value!r}: expected a finite number [{m['unit']}]")
    lo, hi = m["min"], m["max"]
    if lo is not None and (value < lo or (m["min_exclusive"] and value == lo)):
        op = ">" if m["min_exclusive"] else ">="
        raise ConfigError(f"{name}={value!r}: expected {op} {lo} [{m['unit']}]; {m['description']}")
    if hi is not None and value > hi:
        raise ConfigError(f"{name}={value!r}: expected <= {hi} [{m['unit']}]; {m['description']}")
