"""Equipment and fact catalogs for the power models, looked up by name.

The CSV files in ``models/catalogs`` are copies of rows of the project's reference fact
base (``../shared/reference``), each with ``source`` and ``source_url``. Where the
reference has a gap, a class-typical value fills it and the row says so
(``class_typical_fields`` in ``prime_movers.csv``, ``class_typical`` in ``derates.csv``).
``models/catalogs/README.md`` describes every file.

Heat rates in ``prime_movers.csv`` are OEM ratings on a lower-heating-value basis
(REFERENCES.md caveat 1); :attr:`PrimeMover.heat_rate_hhv_btu_per_kwh` converts with
:data:`models.units.HHV_PER_LHV_NATURAL_GAS`.
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from models.errors import ConfigError, DataError, unknown_name
from models.units import HHV_PER_LHV_NATURAL_GAS

#: Prime-mover classes and the derate family each uses.
UNIT_CLASSES = ("aeroderivative", "industrial_gas_turbine", "frame", "reciprocating_engine", "fuel_cell")

#: Catalog kinds: every CSV of ``models/catalogs`` (one reader, :func:`read_catalog`, for all of them;
#: ``siting catalog --kind`` lists them).
CATALOG_KINDS = tuple(sorted(p.name[:-4] for p in resources.files("models").joinpath("catalogs").iterdir()
                             if p.name.endswith(".csv")))

#: Gas-turbine performance classes of ``turbine_classes.csv``; each selects its own derate curves.
TURBINE_CLASSES = ("aeroderivative", "frame_f", "frame_h")


def _float(text: str) -> float:
    return float(text) if text not in ("", None) else math.nan


@functools.cache
def read_catalog(kind: str) -> tuple[dict[str, str], ...]:
    """Rows of one catalog CSV as read-only dicts of strings.

    Parameters
    ----------
    kind : str
        One of :data:`CATALOG_KINDS`.

    Raises
    ------
    UnknownNameError
        For an unknown kind (the message lists the valid ones).
    """
    if kind not in CATALOG_KINDS:
        raise unknown_name("catalog kind", kind, CATALOG_KINDS)
    text = resources.files("models").joinpath("catalogs", f"{kind}.csv").read_text(encoding="utf-8")
    rows = tuple(csv.DictReader(text.splitlines()))
    for i, row in enumerate(rows):
        if not row.get("source") or not row.get("source_url"):
            raise DataError(f"catalogs/{kind}.csv row {i + 2} has no source or source_url; every row must cite one")
    return rows


@dataclass(frozen=True)
class PrimeMover:
    """One gas turbine, engine or fuel cell model with cited parameters.

    Attributes
    ----------
    name : str
        Catalog name, e.g. ``"GE LM6000PF"``.
    unit_class : str
        One of :data:`UNIT_CLASSES`.
    configuration : str
        ``"simple_cycle"``, ``"combined_cycle"``, ``"genset"`` or ``"modular"``.
    iso_capacity_mw : float
        Net output at ISO conditions (15 °C, sea level, 60 % RH) [MW].
    heat_rate_lhv_btu_per_kwh : float
        Full-load heat rate at ISO, lower-heating-value basis [Btu/kWh].
    min_load_frac : float
        Minimum stable (emissions-compliant) load as a fraction of rating [-].
    start_time_min : float
        Start to full load [min].
    forced_outage_rate_frac : float
        Probability a unit is on forced outage in any hour [-]; NaN if not known. Every row
        is on one basis, named in ``outage_basis``.
    nox_ppm_15pct_o2_without_scr, nox_ppm_15pct_o2_with_scr : float
        NOx concentration at 15 % O2, dry, without and with SCR [ppmvd]; NaN if not known.
    nox_g_per_bhp_hr : float
        Engine NOx emission rate [g/bhp-hr]; NaN if not known (or given in ppm).
    lead_time_months : float
        Order-to-delivery lead time [months].
    cost_key : str
        Key into ``costs.csv`` for capital and O&M costs.
    class_typical_fields : tuple of str
        Fields filled with class-typical values because the reference has a gap.
    notes, source, source_url : str
        Provenance.
    planned_outage_hours_per_yr : float
        Planned (scheduled) outage hours each unit needs per year [h/yr]; NaN if not known.
    outage_basis, outage_source, outage_source_url : str
        Basis and provenance of the forced-outage rate and planned-outage hours (they
        supersede outage figures quoted in ``notes`` or ``source``).
    """

    name: str
    unit_class: str
    configuration: str
    iso_capacity_mw: float
    heat_rate_lhv_btu_per_kwh: float
    min_load_frac: float
    start_time_min: float
    forced_outage_rate_frac: float
    nox_ppm_15pct_o2_without_scr: float
    nox_ppm_15pct_o2_with_scr: float
    nox_g_per_bhp_hr: float
    lead_time_months: float
    cost_key: str
    class_typical_fields: tuple[str, ...]
    notes: str
    source: str
    source_url: str
    planned_outage_hours_per_yr: float = math.nan
    outage_basis: str = ""
    outage_source: str = ""
    outage_source_url: str = ""

    @property
    def heat_rate_hhv_btu_per_kwh(self) -> float:
        """Full-load ISO heat rate on a higher-heating-value basis [Btu/kWh]."""
        return self.heat_rate_lhv_btu_per_kwh * HHV_PER_LHV_NATURAL_GAS

    @property
    def is_gas_turbine(self) -> bool:
        """True for aeroderivative, industrial and frame turbines."""
        return self.unit_class in ("aeroderivative", "industrial_gas_turbine", "frame")


@functools.cache
def prime_movers() -> dict[str, PrimeMover]:
    """All prime movers in the catalog, by name, in catalog order."""
    out: dict[str, PrimeMover] = {}
    for r in read_catalog("prime_movers"):
        if r["unit_class"] not in UNIT_CLASSES:
            raise DataError(f"prime_movers.csv: {r['name']!r} has unit_class {r['unit_class']!r}; expected one of {UNIT_CLASSES}")
        out[r["name"]] = PrimeMover(
            name=r["name"],
            unit_class=r["unit_class"],
            configuration=r["configuration"],
            iso_capacity_mw=_float(r["iso_capacity_mw"]),
            heat_rate_lhv_btu_per_kwh=_float(r["heat_rate_lhv_btu_per_kwh"]),
            min_load_frac=_float(r["min_load_frac"]),
            start_time_min=_float(r["start_time_min"]),
            forced_outage_rate_frac=_float(r["forced_outage_rate_frac"]),
            nox_ppm_15pct_o2_without_scr=_float(r["nox_ppm_15pct_o2_without_scr"]),
            nox_ppm_15pct_o2_with_scr=_float(r["nox_ppm_15pct_o2_with_scr"]),
            nox_g_per_bhp_hr=_float(r["nox_g_per_bhp_hr"]),
            lead_time_months=_float(r["lead_time_months"]),
            cost_key=r["cost_key"],
            class_typical_fields=_class_typical(r),
            notes=r["notes"],
            source=r["source"],
            source_url=r["source_url"],
            planned_outage_hours_per_yr=_float(r["planned_outage_hours_per_yr"]),
            outage_basis=r["outage_basis"],
            outage_source=r["outage_source"],
            outage_source_url=r["outage_source_url"],
        )
    return out


def _class_typical(r: dict[str, str]) -> tuple[str, ...]:
    """Fields marked class-typical: the ``class_typical_fields`` list, plus the outage fields when
    their ``outage_basis`` says class-typical."""
    fields = [f for f in r["class_typical_fields"].split(";") if f]
    if r["outage_basis"].startswith("class-typical"):
        fields += [f for f in ("forced_outage_rate_frac", "planned_outage_hours_per_yr") if f not in fields]
    return tuple(fields)


def get_prime_mover(name: str) -> PrimeMover:
    """Look up a prime mover by catalog name.

    Raises
    ------
    UnknownNameError
        For an unknown name; the message lists the valid names.
    """
    try:
        return prime_movers()[name]
    except KeyError:
        raise unknown_name("prime mover", name, prime_movers()) from None


def validate_prime_mover_name(name: str) -> str:
    """Check a scenario's ``prime_mover`` against the catalog and return it.

    A unit is refused when the catalog lacks a value the fleet sizing needs: ISO capacity,
    full-load heat rate or forced-outage rate (the availability of an N+k fleet is computed
    from it). Every catalog row either passes here and sizes with
    :func:`models.fleet.size_gas_fleet`, or is refused here with the reason.

    For the integrator: call it from ``Scenario.__post_init__`` or before a run.

    Raises
    ------
    UnknownNameError
        For a name not in the catalog (lists the valid ones).
    ConfigError
        For a catalog unit that cannot be sized, naming the missing value.
    """
    unit = get_prime_mover(name)
    missing = [label for label, value in (
        ("ISO capacity (iso_capacity_mw)", unit.iso_capacity_mw),
        ("heat rate (heat_rate_lhv_btu_per_kwh)", unit.heat_rate_lhv_btu_per_kwh),
        ("forced-outage rate (forced_outage_rate_frac)", unit.forced_outage_rate_frac),
    ) if not math.isfinite(value)]
    if missing:
        what = " and ".join(missing)
        raise ConfigError(
            f"prime mover {name!r} has no {what} in the catalog (reference gap), so an N+k fleet of it cannot be "
            f"sized; choose another unit (`siting catalog --kind prime_movers`)"
        )
    return name


@functools.cache
def turbine_class(unit_name: str) -> str:
    """Performance class that selects a unit's derate curves.

    Parameters
    ----------
    unit_name : str
        Catalog name of the prime mover.

    Returns
    -------
    str
        For gas turbines one of :data:`TURBINE_CLASSES` from ``turbine_classes.csv`` (each row
        cites why the unit is in its class); for engines and fuel cells their ``unit_class``.

    Raises
    ------
    DataError
        For a gas turbine with no row in ``turbine_classes.csv``.
    """
    unit = get_prime_mover(unit_name)
    if not unit.is_gas_turbine:
        return unit.unit_class
    rows = {r["name"]: r for r in read_catalog("turbine_classes")}
    if unit_name not in rows:
        raise DataError(f"turbine_classes.csv has no row for gas turbine {unit_name!r}; add one with its class "
                        f"({TURBINE_CLASSES}) and a source")
    cls = rows[unit_name]["turbine_class"]
    if cls not in TURBINE_CLASSES:
        raise DataError(f"turbine_classes.csv: {unit_name!r} has class {cls!r}; expected one of {TURBINE_CLASSES}")
    return cls


@dataclass(frozen=True)
class Curve:
    """A piecewise-linear multiplier curve with its provenance.

    Attributes
    ----------
    x : numpy.ndarray
        Abscissae, increasing (°C, m or % load, per the curve).
    multiplier : numpy.ndarray
        Multiplier at each abscissa [-].
    class_typical : bool
        True if any point stands in for a reference gap.
    extrapolate : bool
        Extend the end segments linearly beyond the table (True) or hold the end values.
    hold_below : bool
        Hold the lowest table value below the table even when ``extrapolate`` is True (the cold
        end of a heat-rate curve: no source beyond its coldest point).
    """

    x: np.ndarray
    multiplier: np.ndarray
    class_typical: bool
    extrapolate: bool
    hold_below: bool = False

    def __call__(self, values) -> np.ndarray:
        v = np.asarray(values, dtype=float)
        if self.x.size == 1:
            return np.full_like(v, self.multiplier[0])
        y = np.interp(v, self.x, self.multiplier)
        if self.extrapolate:
            lo_slope = (self.multiplier[1] - self.multiplier[0]) / (self.x[1] - self.x[0])
            hi_slope = (self.multiplier[-1] - self.multiplier[-2]) / (self.x[-1] - self.x[-2])
            if not self.hold_below:
                y = np.where(v < self.x[0], self.multiplier[0] + lo_slope * (v - self.x[0]), y)
            y = np.where(v > self.x[-1], self.multiplier[-1] + hi_slope * (v - self.x[-1]), y)
        return np.maximum(y, 0.0)


#: Curves that may be extended linearly beyond their tables (temperature and altitude).
_EXTRAPOLATED = ("output_vs_temperature", "heat_rate_vs_temperature", "output_vs_altitude")

#: Curve names of ``derates.csv``.
DERATE_CURVES = ("output_vs_temperature", "heat_rate_vs_temperature", "output_vs_altitude", "heat_rate_vs_altitude",
                 "heat_rate_vs_load")


def derate_family(unit_name: str, curve: str) -> str:
    """The ``derates.csv`` family (``unit_class`` column) whose rows give a unit's curve.

    Parameters
    ----------
    unit_name : str
        Catalog name of the prime mover.
    curve : str
        One of :data:`DERATE_CURVES`.

    Returns
    -------
    str
        Gas turbines: output vs temperature by turbine class (``aeroderivative``, ``frame_f``,
        ``frame_h``; a combined cycle uses its gas turbine's class, as Newkirk et al. do);
        heat rate vs load by configuration (``combined_cycle``, ``aeroderivative`` or the
        simple-cycle ``gas_turbine`` curve); heat rate vs temperature ``combined_cycle`` or
        ``gas_turbine``; altitude ``aeroderivative`` (NWPCC LM6000 table) for aeroderivatives,
        else ``gas_turbine``. Engines and fuel cells: their ``unit_class``.
    """
    if curve not in DERATE_CURVES:
        raise unknown_name("derate curve", curve, DERATE_CURVES)
    unit = get_prime_mover(unit_name)
    if not unit.is_gas_turbine:
        return unit.unit_class
    cls = turbine_class(unit_name)
    combined = unit.configuration == "combined_cycle"
    if curve == "output_vs_temperature":
        return cls
    if curve == "heat_rate_vs_load":
        return "combined_cycle" if combined else ("aeroderivative" if cls == "aeroderivative" else "gas_turbine")
    if curve == "heat_rate_vs_temperature":
        return "combined_cycle" if combined else "gas_turbine"
    if curve == "output_vs_altitude" and unit.unit_class == "aeroderivative":
        return "aeroderivative"
    return "gas_turbine"


def _curve_from_rows(rows, curve: str) -> Curve:
    xs = sorted({float(r["x"]) for r in rows})
    ys = [float(np.mean([float(r["multiplier"]) for r in rows if float(r["x"]) == x])) for x in xs]
    return Curve(np.array(xs), np.array(ys), any(r["class_typical"] == "yes" for r in rows), curve in _EXTRAPOLATED,
                 hold_below=curve == "heat_rate_vs_temperature")


@functools.cache
def class_derate_curve(family: str, curve: str) -> Curve:
    """A class curve of ``derates.csv`` (the rows of one family that name no single unit).

    Parameters
    ----------
    family : str
        The ``unit_class`` column: ``aeroderivative``, ``frame_f``, ``frame_h``, ``gas_turbine``,
        ``combined_cycle``, ``reciprocating_engine`` or ``fuel_cell``.
    curve : str
        One of :data:`DERATE_CURVES`.

    Returns
    -------
    Curve
        Multiplier vs ISO (or vs full load). A family with no rows for the curve (fuel cells:
        no derate data in the reference) gets a flat curve at 1, marked class-typical.
    """
    if curve not in DERATE_CURVES:
        raise unknown_name("derate curve", curve, DERATE_CURVES)
    families = {r["unit_class"] for r in read_catalog("derates")} | {"fuel_cell"}
    if family not in families:
        raise unknown_name("derate family", family, sorted(families))
    rows = [r for r in read_catalog("derates") if r["curve"] == curve and r["unit_class"] == family
            and not r["applies_to"]]
    if not rows:
        return Curve(np.array([0.0]), np.array([1.0]), True, False)
    if curve == "heat_rate_vs_load" and family == "reciprocating_engine":
        # engines: the class curve is the mean of the engine datasheets at each load (class-typical)
        own = [r for r in read_catalog("derates") if r["curve"] == curve and r["unit_class"] == family]
        c = _curve_from_rows(own, curve)
        return Curve(c.x, c.multiplier, True, False)
    return _curve_from_rows(rows, curve)


@functools.cache
def derate_curve(unit_name: str, curve: str) -> Curve:
    """The derate curve a unit uses.

    Parameters
    ----------
    unit_name : str
        Catalog name of the prime mover.
    curve : str
        ``"output_vs_temperature"`` (x in °C), ``"heat_rate_vs_temperature"`` (°C),
        ``"output_vs_altitude"`` (m), ``"heat_rate_vs_altitude"`` (m) or
        ``"heat_rate_vs_load"`` (% of rating).

    Returns
    -------
    Curve
        Multiplier vs ISO (or vs full load), from the unit's family (:func:`derate_family`).
        A unit with its own datasheet rows (``applies_to``) uses them (engine part-load
        curves); engines without one use the mean of the engine datasheet curves
        (class-typical). Fuel cells have flat curves (no derate data: class-typical).
    """
    family = derate_family(unit_name, curve)
    own = [r for r in read_catalog("derates")
           if r["curve"] == curve and r["unit_class"] == family and r["applies_to"] == unit_name]
    if own:
        full = [r for r in read_catalog("derates") if r["curve"] == curve and r["unit_class"] == family
                and not r["applies_to"] and float(r["x"]) == 100.0]
        c = _curve_from_rows(own + full, curve)
        return Curve(c.x, c.multiplier, any(r["class_typical"] == "yes" for r in own), c.extrapolate, c.hold_below)
    return class_derate_curve(family, curve)


@dataclass(frozen=True)
class CostEntry:
    """Capital and O&M costs for one technology, in a stated dollar year.

    Attributes
    ----------
    key, technology : str
    dollar_year : str
        Dollar year of the money values (``"nominal"`` for market observations).
    capex_usd_per_kw, fixed_om_usd_per_kw_yr, variable_om_usd_per_mwh : float
        [USD/kW], [USD/kW-yr], [USD/MWh]; NaN if not in the source.
    heat_rate_hhv_btu_per_kwh : float
        [Btu/kWh, HHV]; NaN for non-fuel technologies.
    round_trip_efficiency_frac : float
        Storage round-trip efficiency [-]; NaN otherwise.
    life_yr : float
        Model life [yr] (ReEDS retirement age), NaN if none.
    source, source_url : str
    """

    key: str
    technology: str
    dollar_year: str
    capex_usd_per_kw: float
    fixed_om_usd_per_kw_yr: float
    variable_om_usd_per_mwh: float
    heat_rate_hhv_btu_per_kwh: float
    round_trip_efficiency_frac: float
    life_yr: float
    source: str
    source_url: str


@functools.cache
def costs() -> dict[str, CostEntry]:
    """All cost entries by key."""
    return {
        r["key"]: CostEntry(
            key=r["key"], technology=r["technology"], dollar_year=r["dollar_year"],
            capex_usd_per_kw=_float(r["capex_usd_per_kw"]),
            fixed_om_usd_per_kw_yr=_float(r["fixed_om_usd_per_kw_yr"]),
            variable_om_usd_per_mwh=_float(r["variable_om_usd_per_mwh"]),
            heat_rate_hhv_btu_per_kwh=_float(r["heat_rate_hhv_btu_per_kwh"]),
            round_trip_efficiency_frac=_float(r["round_trip_efficiency_frac"]),
            life_yr=_float(r["model_max_age_yr"]),
            source=r["source"], source_url=r["source_url"],
        )
        for r in read_catalog("costs")
    }


def get_cost(key: str) -> CostEntry:
    """Look up a cost entry by key; a miss lists the valid keys."""
    try:
        return costs()[key]
    except KeyError:
        raise unknown_name("cost entry", key, costs()) from None


def fact(kind: str, item_contains: str) -> dict[str, str]:
    """The one row of a fact catalog (``air_permits``, ``grid``, ``datacenter_facts``) whose item matches.

    Raises
    ------
    UnknownNameError
        When no row, or more than one, matches (lists the items).
    """
    rows = [r for r in read_catalog(kind) if item_contains.lower() in r["item"].lower()]
    if len(rows) != 1:
        raise unknown_name(f"{kind} item", item_contains, [r["item"] for r in read_catalog(kind)])
    return rows[0]


#: Units of the prime-mover columns, for listings.
PRIME_MOVER_UNITS = {
    "iso_capacity_mw": "MW", "heat_rate_lhv_btu_per_kwh": "Btu/kWh LHV", "min_load_frac": "-",
    "start_time_min": "min", "forced_outage_rate_frac": "-", "nox_ppm_15pct_o2_without_scr": "ppmvd@15%O2",
    "nox_ppm_15pct_o2_with_scr": "ppmvd@15%O2", "nox_g_per_bhp_hr": "g/bhp-hr", "lead_time_months": "months",
    "planned_outage_hours_per_yr": "h/yr",
}


def catalog_table(kind: str = "prime_movers") -> list[dict[str, str]]:
    """A catalog's rows as plain dicts, for listing (``siting catalog``).

    Parameters
    ----------
    kind : str
        One of :data:`CATALOG_KINDS`.

    Returns
    -------
    list of dict
        The CSV rows as strings (units are in the column names or a ``unit`` column).
    """
    return [dict(r) for r in read_catalog(kind)]
