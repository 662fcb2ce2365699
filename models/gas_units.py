"""Hourly physics of one gas unit, vectorized over numpy arrays.

Output and heat rate vs ambient temperature and altitude (site MW = ISO MW x
temperature factor x altitude factor, REFERENCES.md caveat 2, never above the unit's
rated output: :func:`max_output_multiplier`), part-load heat rate, fuel burn on a
higher-heating-value basis, gas demand and unit starts. Every curve comes from
``catalogs/derates.csv`` through :func:`models.catalog.derate_curve`, selected by the
unit's turbine class (aeroderivative, frame F, frame H), configuration (simple or
combined cycle) or class (engine, fuel cell).

References
----------
Newkirk et al., AI-Datacenter-Microgrid-Analysis (GitHub acnewkirk, 2025) - output vs
temperature by turbine class (aeroderivative 1.0, F-class 0.8, H-class 0.7 %/°C above
15 °C). Buttler, A. et al., "Statusbericht Flexibilitätsbedarf im Stromsektor", TU
München (2015) - part-load efficiency of simple-cycle gas turbines and combined cycles.
Rotating Machinery, "Gas turbine: ISO rating and site rating" (2021) - generic GT heat
rate vs temperature and altitude correction. NWPCC Sixth Power Plan aeroderivative
planning assumptions (2008) - LM6000 altitude multipliers. Caterpillar, Cummins and
Jenbacher datasheets - engine part-load heat rates.
"""

from __future__ import annotations

import numpy as np

from models.catalog import PrimeMover, derate_curve
from models.errors import ConfigError
from models.units import BTU_PER_MMBTU, KWH_PER_MWH, MMBTU_PER_MCF_HHV


def max_output_multiplier(unit: PrimeMover) -> float:
    """Largest site output as a multiple of the ISO rating: the generator/package limit [-].

    A gas turbine makes more shaft power on cold days (denser air), but the package is
    limited by its generator and controls. No catalog unit has a sourced generator or
    package MW limit above its rating, so the limit is the catalog's MW at its coldest
    rated point: the ISO rating (15 °C), i.e. 1.0. Engines and fuel cells are rated flat
    to the cold side as well (Wärtsilä 50SG: full output, not more, below ~38 °C).

    Parameters
    ----------
    unit : PrimeMover
        Catalog unit.

    Returns
    -------
    float
        1.0 [-] for every catalog unit (rating at the coldest rated point, ISO 15 °C).
    """
    del unit  # one rule for every catalog row until a unit's generator rating is sourced
    return 1.0


def capacity_multiplier(unit: PrimeMover, temp_air_degc, altitude_m=0.0) -> np.ndarray:
    """Site output as a multiple of the ISO rating, capped at the generator limit [-].

    Parameters
    ----------
    unit : PrimeMover
        Catalog unit.
    temp_air_degc : array_like
        Ambient (compressor inlet) air temperature [°C].
    altitude_m : float or array_like
        Site elevation above sea level [m].

    Returns
    -------
    numpy.ndarray
        min(temperature factor x altitude factor, :func:`max_output_multiplier`) [-],
        broadcast over the inputs.
    """
    t = np.asarray(temp_air_degc, dtype=float)
    alt = np.asarray(altitude_m, dtype=float)
    if np.any(alt < -500.0) or np.any(alt > 5000.0):
        raise ConfigError(f"altitude_m={altitude_m!r} outside -500..5000 m; pass the site elevation in metres")
    site = derate_curve(unit.name, "output_vs_temperature")(t) * derate_curve(unit.name, "output_vs_altitude")(alt)
    return np.minimum(site, max_output_multiplier(unit))


def available_capacity_mw(unit: PrimeMover, temp_air_degc, altitude_m=0.0) -> np.ndarray:
    """Maximum output of one unit at site conditions [MW].

    Parameters
    ----------
    unit : PrimeMover
    temp_air_degc : array_like
        Ambient air temperature [°C].
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    numpy.ndarray
        ISO capacity x :func:`capacity_multiplier` [MW] (never above the rated MW on cold days).
    """
    return unit.iso_capacity_mw * capacity_multiplier(unit, temp_air_degc, altitude_m)


def full_load_heat_rate_hhv_btu_per_kwh(unit: PrimeMover, temp_air_degc, altitude_m=0.0) -> np.ndarray:
    """Full-load heat rate at site conditions, HHV basis [Btu/kWh].

    Parameters
    ----------
    unit : PrimeMover
    temp_air_degc : array_like
        Ambient air temperature [°C].
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    numpy.ndarray
        ISO LHV heat rate x HHV/LHV x temperature and altitude heat-rate factors [Btu/kWh].
    """
    t = np.asarray(temp_air_degc, dtype=float)
    f_t = derate_curve(unit.name, "heat_rate_vs_temperature")(t)
    f_a = derate_curve(unit.name, "heat_rate_vs_altitude")(np.asarray(altitude_m, dtype=float))
    return unit.heat_rate_hhv_btu_per_kwh * f_t * f_a


def part_load_heat_rate_multiplier(unit: PrimeMover, load_frac) -> np.ndarray:
    """Heat rate at part load as a multiple of the full-load heat rate [-].

    Parameters
    ----------
    unit : PrimeMover
    load_frac : array_like
        Output as a fraction of the unit's available capacity [-], 0..1. Below the
        lowest table point (50 % for engine datasheets, 10 % for the turbine curves) the
        curve is held flat (no data).

    Returns
    -------
    numpy.ndarray
        Multiplier >= 1 [-]: simple-cycle gas turbines and combined cycles the Buttler et
        al. (2015) class curves (aeroderivatives the simple-cycle curve, marked
        class-typical), engines their datasheet or the engine class mean, fuel cells flat.
    """
    load_pct = np.clip(np.asarray(load_frac, dtype=float), 0.0, 1.0) * 100.0
    return derate_curve(unit.name, "heat_rate_vs_load")(load_pct)


def fuel_burn_mmbtu_hhv(unit: PrimeMover, output_mw, units_on, temp_air_degc, altitude_m=0.0) -> np.ndarray:
    """Fuel burned each hour by a block of identical units sharing the load equally [MMBtu, HHV].

    Parameters
    ----------
    unit : PrimeMover
    output_mw : array_like
        Net output of the block in each hour [MW] (one hour, so also MWh).
    units_on : array_like
        Units running in each hour [-]; zero where output is zero.
    temp_air_degc : array_like
        Ambient air temperature [°C].
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    numpy.ndarray
        Fuel energy per hour [MMBtu HHV]: output x full-load heat rate x part-load multiplier.
    """
    out = np.asarray(output_mw, dtype=float)
    on = np.asarray(units_on, dtype=float)
    cap = available_capacity_mw(unit, temp_air_degc, altitude_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        load_frac = np.where(on > 0, out / (on * cap), 0.0)
    heat_rate = full_load_heat_rate_hhv_btu_per_kwh(unit, temp_air_degc, altitude_m)
    heat_rate = heat_rate * part_load_heat_rate_multiplier(unit, load_frac)
    return out * KWH_PER_MWH * heat_rate / BTU_PER_MMBTU


def gas_demand_mmcf_per_day(fuel_mmbtu_hhv_per_hour) -> tuple[float, float]:
    """Peak and average gas demand from an hourly fuel burn.

    Parameters
    ----------
    fuel_mmbtu_hhv_per_hour : array_like
        Fuel burned in each hour [MMBtu HHV].

    Returns
    -------
    (float, float)
        Peak-hour rate and annual-average rate, each as a daily volume [MMcf/d], using
        :data:`models.units.MMBTU_PER_MCF_HHV` (1.029 MMBtu/Mcf).
    """
    fuel = np.asarray(fuel_mmbtu_hhv_per_hour, dtype=float)
    mcf_per_hour = fuel / MMBTU_PER_MCF_HHV
    to_mmcf_per_day = 24.0 / 1000.0
    return float(mcf_per_hour.max() * to_mmcf_per_day), float(mcf_per_hour.mean() * to_mmcf_per_day)


def units_committed(unit: PrimeMover, output_mw, temp_air_degc, altitude_m=0.0) -> np.ndarray:
    """Fewest units that can carry each hour's output [-].

    Parameters
    ----------
    unit : PrimeMover
    output_mw : array_like
        Required block output [MW].
    temp_air_degc : array_like
        Ambient air temperature [°C].
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    numpy.ndarray of int
        ceil(output / available unit capacity), 0 where output is 0.
    """
    out = np.asarray(output_mw, dtype=float)
    cap = available_capacity_mw(unit, temp_air_degc, altitude_m)
    return np.ceil(np.maximum(out, 0.0) / cap - 1e-9).astype(int)


def minimum_output_mw(unit: PrimeMover, units_on, temp_air_degc, altitude_m=0.0) -> np.ndarray:
    """Lowest output the running units can hold (minimum stable load) [MW].

    Parameters
    ----------
    unit : PrimeMover
    units_on : array_like
        Units running [-].
    temp_air_degc : array_like
        Ambient air temperature [°C].
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    numpy.ndarray
        units_on x min_load_frac x available capacity [MW] (0 for units without a minimum).
    """
    min_frac = 0.0 if np.isnan(unit.min_load_frac) else unit.min_load_frac
    return np.asarray(units_on, dtype=float) * min_frac * available_capacity_mw(unit, temp_air_degc, altitude_m)


def count_starts(units_on, axis: int = -1) -> np.ndarray:
    """Unit starts: the sum of hour-to-hour increases in units running [-].

    Parameters
    ----------
    units_on : array_like
        Units running each hour [-], time along ``axis``.
    axis : int
        Time axis.

    Returns
    -------
    numpy.ndarray
        Starts over the period (the first hour counts its running units as starts).
    """
    on = np.asarray(units_on, dtype=float)
    first = np.take(on, [0], axis=axis)
    rises = np.clip(np.diff(on, axis=axis), 0.0, None)
    return first.sum(axis=axis) + rises.sum(axis=axis)
