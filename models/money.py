"""Money in a stated dollar year: CPI-U conversion, capital and O&M by equipment class, level costs.

Three pieces every cost stack needs:

* :func:`to_dollar_year` converts amounts between dollar years with the BLS CPI-U annual
  averages in ``catalogs/cpi_u.csv`` (2015-2025). One conversion for the whole project:
  ``amount x CPI[to] / CPI[from]``. A year outside the table raises (no extrapolation).
* :func:`equipment_cost` gives capital [USD/kW], fixed O&M [USD/kW-yr], variable O&M
  [USD/MWh] and heat rate [Btu/kWh HHV] of one equipment class on one cost basis
  (``catalogs/equipment_costs.csv``), converted to the requested dollar year, with the
  source of every figure. Classes: :data:`EQUIPMENT_CLASSES`. Bases: :data:`COST_BASES`:

  - ``"atb_eia_2024"``: NREL ATB 2024 moderate where ATB has the technology (frame CT,
    combined cycle, PV, wind, battery; 2022$), the EIA-commissioned Sargent & Lundy
    January-2024 study where it does not (aeroderivative CT; 2023$);
  - ``"market_2025"``: EIA AEO2026 Table 3 (2025$), which embeds the 2025 turbine prices of
    the Brattle/S&L PJM CONE study (simple-cycle turbines ~+40 %), and observed 2025 market
    quotes for combined cycles (Lazard LCOE+ 2025: $2,400-2,600/kW).

  Reciprocating engines have no agency cost set (a 2017 vendor range is used in both
  bases, flagged) and trailer-mounted aeroderivatives have no $/kW at all (the
  aeroderivative plant stands in, flagged): ``stand_in_fields`` says which fields.
* :func:`equipment_class_for_unit` maps a catalog prime mover to its class through
  ``catalogs/equipment_classes.csv`` (by unit name, else by ``unit_class`` and
  ``configuration``); a unit no rule covers raises instead of falling back to a frame CT.

:func:`level_cost_usd_per_mwh` is the textbook levelised cost at a capacity factor
(capital recovery factor x capital + fixed O&M spread over the energy, plus fuel and
variable O&M), used to check the cost inputs against published LCOE ranges.

References
----------
.. [1] U.S. Bureau of Labor Statistics, CPI for All Urban Consumers (CPI-U), U.S. city
   average, all items, series CUUR0000SA0, annual averages.
.. [2] Short, W., Packey, D. J., Holt, T. (1995). *A Manual for the Economic Evaluation of
   Energy Efficiency and Renewable Energy Technologies*. NREL/TP-462-5173 (capital
   recovery factor, levelised cost of energy).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from models.catalog import PrimeMover, read_catalog
from models.errors import ConfigError, DataError, unknown_name
from models.finance import capital_recovery_factor
from models.units import HOURS_PER_YEAR, KWH_PER_MWH

__all__ = [
    "COST_BASES",
    "EQUIPMENT_CLASSES",
    "EquipmentCost",
    "cpi_u_index",
    "to_dollar_year",
    "equipment_cost",
    "equipment_class_for_unit",
    "battery_cost_split",
    "level_cost_usd_per_mwh",
]

#: Cost bases :func:`equipment_cost` accepts (the scenario field ``cost_basis``).
COST_BASES = ("atb_eia_2024", "market_2025")

#: Equipment classes with a cost row on every basis (``battery_2h`` only on the ATB basis).
EQUIPMENT_CLASSES = ("aeroderivative", "trailer_mounted_aeroderivative", "reciprocating_engine",
                     "frame_simple_cycle", "combined_cycle", "fuel_cell", "pv", "wind", "battery_4h")


def _float(text: str) -> float:
    return float(text) if text not in ("", None) else math.nan


@functools.cache
def _cpi() -> dict[int, float]:
    return {int(r["year"]): float(r["cpi_u_index"]) for r in read_catalog("cpi_u")}


def cpi_u_index(year) -> np.ndarray | float:
    """CPI-U annual average index (1982-84 = 100) for a year or an array of years.

    Parameters
    ----------
    year : int or array_like of int
        Calendar year(s) [yr].

    Returns
    -------
    float or numpy.ndarray
        Index [-].

    Raises
    ------
    DataError
        For a year outside the table (the message lists the years covered).
    """
    table = _cpi()
    years = np.asarray(year)
    if years.dtype.kind == "f" and np.any(years != np.round(years)):
        raise ConfigError(f"year={year!r}: expected whole calendar years")
    flat = years.astype(np.int64).reshape(-1)
    missing = sorted({int(y) for y in flat if int(y) not in table})
    if missing:
        raise DataError(f"no CPI-U annual average for year(s) {missing}; catalogs/cpi_u.csv covers "
                        f"{min(table)}-{max(table)}: convert through a covered year or add the BLS value")
    out = np.array([table[int(y)] for y in flat], dtype=float).reshape(years.shape)
    return out[()] if out.ndim == 0 else out


def to_dollar_year(amount_usd, from_year, to_year):
    """Convert money between dollar years with CPI-U annual averages (vectorised).

    Parameters
    ----------
    amount_usd : float or array_like
        Amount(s) in USD of ``from_year`` [USD of from_year].
    from_year, to_year : int or array_like of int
        Dollar years; broadcast against ``amount_usd`` [yr].

    Returns
    -------
    float or numpy.ndarray
        ``amount x CPI[to_year] / CPI[from_year]`` [USD of to_year].

    Raises
    ------
    DataError
        For a year outside the CPI table (2015-2025).

    References
    ----------
    .. [1] BLS CPI-U, series CUUR0000SA0, annual averages (``catalogs/cpi_u.csv``).
    """
    ratio = np.asarray(cpi_u_index(to_year), dtype=float) / np.asarray(cpi_u_index(from_year), dtype=float)
    out = np.asarray(amount_usd, dtype=float) * ratio
    return out[()] if out.ndim == 0 else out


@dataclass(frozen=True)
class EquipmentCost:
    """Capital and O&M of one equipment class on one cost basis, in a stated dollar year.

    Attributes
    ----------
    equipment_class, cost_basis : str
    dollar_year : int
        Dollar year of every money field [yr].
    capex_usd_per_kw : float
        Overnight capital [USD/kW] (per kW_ac for PV; per kW of power for batteries).
    fixed_om_usd_per_kw_yr : float
        [USD/kW-yr]
    variable_om_usd_per_mwh : float
        [USD/MWh]
    heat_rate_hhv_btu_per_kwh : float
        Class heat rate of the cost source [Btu/kWh HHV]; NaN for non-fuel classes. A
        design uses its own unit's heat rate; this one is for level-cost checks.
    capex_source_dollar_year, om_source_dollar_year : int
        Dollar years of the source figures before conversion [yr].
    reference_plant : str
        What the source costs (size, configuration).
    stand_in_fields : tuple of str
        Fields taken from another class or source because the class has none (a gap).
    notes, source, source_url : str
        Provenance (``[n]`` numbering matches between source and URL).
    """

    equipment_class: str
    cost_basis: str
    dollar_year: int
    capex_usd_per_kw: float
    fixed_om_usd_per_kw_yr: float
    variable_om_usd_per_mwh: float
    heat_rate_hhv_btu_per_kwh: float
    capex_source_dollar_year: int
    om_source_dollar_year: int
    reference_plant: str
    stand_in_fields: tuple[str, ...]
    notes: str
    source: str
    source_url: str

    @property
    def label(self) -> str:
        """One line for a cost stack: class, basis, dollar year and where the figure comes from."""
        flag = f"; stand-in: {', '.join(self.stand_in_fields)}" if self.stand_in_fields else ""
        return (f"{self.equipment_class} ({self.cost_basis}, USD {self.dollar_year}; source USD "
                f"{self.capex_source_dollar_year}{flag}): {self.reference_plant}")


@functools.cache
def _cost_rows() -> dict[tuple[str, str], dict[str, str]]:
    out = {}
    for r in read_catalog("equipment_costs"):
        key = (r["equipment_class"], r["cost_basis"])
        if key in out:
            raise DataError(f"equipment_costs.csv has two rows for {key}; keep one per class and basis")
        out[key] = r
    return out


def _check_dollar_year(dollar_year) -> int:
    if isinstance(dollar_year, bool) or not float(dollar_year).is_integer():
        raise ConfigError(f"dollar_year={dollar_year!r}: expected a whole calendar year such as 2024")
    return int(dollar_year)


def equipment_cost(equipment_class: str, cost_basis: str, dollar_year: int) -> EquipmentCost:
    """Cost of one equipment class on one basis, converted to ``dollar_year``.

    Parameters
    ----------
    equipment_class : str
        One of :data:`EQUIPMENT_CLASSES` (or ``"battery_2h"`` on ``"atb_eia_2024"``).
    cost_basis : str
        One of :data:`COST_BASES`.
    dollar_year : int
        Dollar year of the result; must be in the CPI table [yr].

    Returns
    -------
    EquipmentCost

    Raises
    ------
    UnknownNameError
        For an unknown class or basis (lists the valid ones).
    """
    if cost_basis not in COST_BASES:
        raise unknown_name("cost basis", cost_basis, COST_BASES)
    rows = _cost_rows()
    key = (equipment_class, cost_basis)
    if key not in rows:
        raise unknown_name(f"equipment class on cost basis {cost_basis!r}", equipment_class,
                           [c for c, b in rows if b == cost_basis])
    r = rows[key]
    year = _check_dollar_year(dollar_year)
    cy, oy = int(r["capex_dollar_year"]), int(r["om_dollar_year"])
    return EquipmentCost(
        equipment_class=equipment_class, cost_basis=cost_basis, dollar_year=year,
        capex_usd_per_kw=float(to_dollar_year(_float(r["capex_usd_per_kw"]), cy, year)),
        fixed_om_usd_per_kw_yr=float(to_dollar_year(_float(r["fixed_om_usd_per_kw_yr"]), oy, year)),
        variable_om_usd_per_mwh=float(to_dollar_year(_float(r["variable_om_usd_per_mwh"]), oy, year)),
        heat_rate_hhv_btu_per_kwh=_float(r["heat_rate_hhv_btu_per_kwh"]),
        capex_source_dollar_year=cy, om_source_dollar_year=oy, reference_plant=r["reference_plant"],
        stand_in_fields=tuple(f for f in r["stand_in_fields"].split(";") if f),
        notes=r["notes"], source=r["source"], source_url=r["source_url"],
    )


def battery_cost_split(cost_basis: str, dollar_year: int) -> tuple[float, float, float, float]:
    """Battery cost split into a power part and an energy part, in ``dollar_year``.

    ATB basis: c(d) = a + b d through the 2-hour and 4-hour ATB points (as
    :func:`models.sizing.battery_cost_split`). Market basis: AEO2026 has only a 4-hour
    battery, so the ATB split is scaled by (AEO2026 4-h cost / ATB 4-h cost), both in
    ``dollar_year`` - the ATB shape with the AEO2026 level (derived).

    Returns
    -------
    (capex_usd_per_kw, capex_usd_per_kwh, fom_usd_per_kw_yr, fom_usd_per_kwh_yr)
        Power and energy parts [USD/kW], [USD/kWh], [USD/kW-yr], [USD/kWh-yr] of ``dollar_year``.
    """
    c2 = equipment_cost("battery_2h", "atb_eia_2024", dollar_year)
    c4 = equipment_cost("battery_4h", "atb_eia_2024", dollar_year)
    b_cap = (c4.capex_usd_per_kw - c2.capex_usd_per_kw) / 2.0
    a_cap = c2.capex_usd_per_kw - 2.0 * b_cap
    b_fom = (c4.fixed_om_usd_per_kw_yr - c2.fixed_om_usd_per_kw_yr) / 2.0
    a_fom = c2.fixed_om_usd_per_kw_yr - 2.0 * b_fom
    if cost_basis == "atb_eia_2024":
        return a_cap, b_cap, a_fom, b_fom
    m4 = equipment_cost("battery_4h", cost_basis, dollar_year)
    kc = m4.capex_usd_per_kw / c4.capex_usd_per_kw
    kf = m4.fixed_om_usd_per_kw_yr / c4.fixed_om_usd_per_kw_yr
    return a_cap * kc, b_cap * kc, a_fom * kf, b_fom * kf


@functools.cache
def _class_rules() -> tuple[dict[str, str], ...]:
    return read_catalog("equipment_classes")


def equipment_class_for_unit(unit: PrimeMover) -> str:
    """The cost and schedule class of a catalog prime mover.

    A rule naming the unit wins (e.g. trailer-mounted aeroderivatives); otherwise the rule
    for its ``unit_class`` and ``configuration``.

    Parameters
    ----------
    unit : PrimeMover

    Returns
    -------
    str
        One of :data:`EQUIPMENT_CLASSES`.

    Raises
    ------
    DataError
        When no rule covers the unit (no silent fallback to a frame CT).
    """
    rules = _class_rules()
    named = [r for r in rules if r["unit_name"] == unit.name]
    if named:
        return named[0]["equipment_class"]
    generic = [r for r in rules if not r["unit_name"] and r["unit_class"] == unit.unit_class
               and r["configuration"] == unit.configuration]
    if not generic:
        known = sorted({f"{r['unit_class']}/{r['configuration']}" for r in rules})
        raise DataError(f"prime mover {unit.name!r} ({unit.unit_class}/{unit.configuration}) has no equipment-class "
                        f"rule; rules cover {', '.join(known)}: add a row to catalogs/equipment_classes.csv")
    return generic[0]["equipment_class"]


def level_cost_usd_per_mwh(capex_usd_per_kw, fixed_om_usd_per_kw_yr, variable_om_usd_per_mwh,
                           heat_rate_hhv_btu_per_kwh, fuel_price_usd_per_mmbtu, capacity_factor_frac,
                           discount_rate_frac, lifetime_yr):
    """Levelised cost of energy of a plant at a capacity factor (vectorised, no taxes).

    Parameters
    ----------
    capex_usd_per_kw : float or array_like
        Overnight capital [USD/kW].
    fixed_om_usd_per_kw_yr, variable_om_usd_per_mwh : float or array_like
        [USD/kW-yr], [USD/MWh]
    heat_rate_hhv_btu_per_kwh : float or array_like
        [Btu/kWh HHV]; 0 or NaN for non-fuel plants (no fuel cost).
    fuel_price_usd_per_mmbtu : float or array_like
        [USD/MMBtu HHV]
    capacity_factor_frac : float or array_like
        Annual energy / (capacity x 8760 h) [-], in (0, 1].
    discount_rate_frac : float or array_like
        [-]
    lifetime_yr : int or array_like
        Cost-recovery period [yr].

    Returns
    -------
    float or numpy.ndarray
        ``(CRF x capex + FOM) x 1000 / (8760 x CF) + HR x fuel / 1000 + VOM`` [USD/MWh],
        in the dollar year of the inputs.

    References
    ----------
    .. [1] Short, Packey & Holt (1995), NREL/TP-462-5173, section 4 (LCOE, CRF).
    """
    cf = np.asarray(capacity_factor_frac, dtype=float)
    if np.any(~(cf > 0)) or np.any(cf > 1):
        raise ConfigError(f"capacity_factor_frac={capacity_factor_frac!r}: expected values in (0, 1]")
    crf = capital_recovery_factor(discount_rate_frac, lifetime_yr)
    hr = np.nan_to_num(np.asarray(heat_rate_hhv_btu_per_kwh, dtype=float), nan=0.0)
    fixed = (crf * np.asarray(capex_usd_per_kw, dtype=float) + np.asarray(fixed_om_usd_per_kw_yr, dtype=float)) \
        * KWH_PER_MWH / (HOURS_PER_YEAR * cf)
    out = fixed + hr * np.asarray(fuel_price_usd_per_mmbtu, dtype=float) / KWH_PER_MWH \
        + np.asarray(variable_om_usd_per_mwh, dtype=float)
    return out[()] if np.ndim(out) == 0 else out
