"""Site-specific cost lines: the gas lateral, the grid interconnection and land.

Each function returns a :class:`SiteCost`: overnight capital in the requested dollar year
and its annualised value (capital recovery factor at the scenario's discount rate and
life), so a cost stack can show each as its own line. All are vectorised over sites.

* **Gas lateral** (:func:`gas_lateral_cost`): the pipe diameter that carries the plant's
  peak gas demand over the lateral length with the Weymouth equation at stated inlet and
  delivery pressures, rounded up to a standard nominal pipe size, costed per inch-mile
  (``catalogs/gas_lateral_costs.csv``; default the TGP Lackawanna looping cost, FERC
  filing c.2015, which includes station work). Above a 42-inch pipe, parallel lines.
  Checks against the reference's sizing examples (TGP Cumberland: 30-inch, ~32 mi, 245,040
  Dth/d for 1,450 MW; BPA/NGA: 20-inch for 1,500 MW) are in the tests.
* **Grid interconnection** (:func:`grid_interconnection_cost`): a new line from the
  site to the substation (NREL reVX base line cost per mile by capacity class and region,
  2019$) plus the upgrade of that substation (reVX, per interconnection, 2019$).
* **Land** (:func:`land_cost`): acres x USDA NASS land value per acre (2025).

References
----------
.. [1] Menon, E. S. (2005). *Gas Pipeline Hydraulics*. CRC Press, ch. 2 (Weymouth
   equation; pipeline efficiency factor).
.. [2] ASME B36.10M, *Welded and Seamless Wrought Steel Pipe* (nominal pipe sizes).
.. [3] NREL reVX least-cost transmission configuration files (base line costs, substation
   upgrade costs, power-to-voltage), 2019 USD.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from models import money
from models.catalog import read_catalog
from models.errors import ConfigError, unknown_name
from models.finance import capital_recovery_factor
from models.units import KM_PER_MILE, MMBTU_PER_MCF_HHV

__all__ = [
    "NOMINAL_PIPE_SIZES_IN",
    "SiteCost",
    "weymouth_flow_m3_per_s",
    "weymouth_diameter_m",
    "lateral_diameter_in",
    "gas_lateral_cost",
    "grid_interconnection_cost",
    "land_cost",
    "peak_gas_mmscf_per_day",
]

#: Nominal pipe sizes used for gas transmission laterals [in] (ASME B36.10M NPS 4-42).
NOMINAL_PIPE_SIZES_IN = (4, 6, 8, 10, 12, 16, 20, 24, 30, 36, 42)

#: Weymouth constant for SI units (Q in m3/s at Ts, Ps; P in Pa; L, D in m; T in K), as
#: in Menon (2005) converted to base SI (the form used by the `fluids` library).
WEYMOUTH_SI = 137.32958

#: Pascals per psi (1 lbf/in2 = 4.4482216152605 N / 0.00064516 m2), NIST SP 811 Appendix B.8.
PA_PER_PSI = 4.4482216152605 / 0.00064516

#: Standard atmosphere [Pa] for gauge-to-absolute conversion (ISO 2533).
_ATM_PA = 101_325.0

#: Cubic feet per cubic metre (1 ft = 0.3048 m exactly, NIST SP 811).
FT3_PER_M3 = 1.0 / 0.3048 ** 3

#: Metres per inch (exact, NIST SP 811).
M_PER_IN = 0.0254

#: Seconds per day.
S_PER_DAY = 86_400.0


@dataclass(frozen=True)
class SiteCost:
    """One site-specific line of a cost stack, per site.

    Attributes
    ----------
    item : str
        ``"gas_lateral"``, ``"grid_interconnection"`` or ``"land"``.
    capex_usd : numpy.ndarray
        Overnight capital [USD of ``dollar_year``].
    annual_usd_per_yr : numpy.ndarray
        ``capex x CRF(discount_rate_frac, lifetime_yr)`` [USD of ``dollar_year`` per yr].
    dollar_year : int
    detail : dict of str to numpy.ndarray
        Sizing figures (e.g. ``diameter_in``, ``lines_count``, ``length_km``).
    label, source, source_url : str
        What the cost is and where its unit cost comes from.
    """

    item: str
    capex_usd: np.ndarray
    annual_usd_per_yr: np.ndarray
    dollar_year: int
    detail: dict
    label: str
    source: str
    source_url: str


def _annualise(capex, discount_rate_frac, lifetime_yr):
    return capex * float(capital_recovery_factor(discount_rate_frac, lifetime_yr))


def weymouth_flow_m3_per_s(diameter_m, length_m, inlet_pa, outlet_pa, *, specific_gravity=0.6,
                           temperature_k=288.7, compressibility=1.0, efficiency=0.92,
                           base_temperature_k=288.7, base_pressure_pa=101_325.0):
    """Gas flow through a pipe from the Weymouth equation (vectorised).

    Parameters
    ----------
    diameter_m, length_m : float or array_like
        Inside diameter and length [m].
    inlet_pa, outlet_pa : float or array_like
        Absolute pressures [Pa].
    specific_gravity : float
        Gas gravity relative to air [-] (0.6: lean pipeline gas, Menon's examples).
    temperature_k : float
        Average flowing temperature [K] (288.7 K = 60 degF).
    compressibility : float
        Average compressibility factor [-] (1.0: ideal gas; real gas at 500-1,000 psig has
        Z ~0.85-0.9, which carries more flow, so 1.0 sizes conservatively).
    efficiency : float
        Pipeline efficiency factor [-] (0.92, Menon 2005).
    base_temperature_k, base_pressure_pa : float
        Standard conditions of the flow [K], [Pa].

    Returns
    -------
    float or numpy.ndarray
        Flow at standard conditions [m3/s].

    References
    ----------
    .. [1] Menon (2005), Gas Pipeline Hydraulics, Weymouth equation.
    """
    p1, p2 = np.asarray(inlet_pa, dtype=float), np.asarray(outlet_pa, dtype=float)
    if np.any(p2 <= 0) or np.any(p1 <= p2):
        raise ConfigError(f"inlet_pa={inlet_pa!r} must exceed outlet_pa={outlet_pa!r} > 0 (absolute pressures)")
    q = WEYMOUTH_SI * efficiency * base_temperature_k / base_pressure_pa * np.sqrt(
        (p1 ** 2 - p2 ** 2) / (np.asarray(length_m, dtype=float) * specific_gravity * temperature_k * compressibility)
    ) * np.asarray(diameter_m, dtype=float) ** 2.667
    return q[()] if np.ndim(q) == 0 else q


def weymouth_diameter_m(flow_m3_per_s, length_m, inlet_pa, outlet_pa, **kwargs):
    """Inside diameter that carries a flow, the Weymouth equation solved for D (vectorised).

    Parameters and keywords as :func:`weymouth_flow_m3_per_s`; ``flow_m3_per_s`` at standard
    conditions [m3/s].

    Returns
    -------
    float or numpy.ndarray
        [m]
    """
    per_unit_d = weymouth_flow_m3_per_s(1.0, length_m, inlet_pa, outlet_pa, **kwargs)
    d = (np.asarray(flow_m3_per_s, dtype=float) / per_unit_d) ** (1.0 / 2.667)
    return d[()] if np.ndim(d) == 0 else d


def _psig_to_pa(psig):
    return np.asarray(psig, dtype=float) * PA_PER_PSI + _ATM_PA


def _mmscf_per_day_to_m3_per_s(mmscf_per_day):
    return np.asarray(mmscf_per_day, dtype=float) * 1e6 / FT3_PER_M3 / S_PER_DAY


def lateral_diameter_in(peak_gas_mmscf_per_day, length_km, *, inlet_psig=1000.0, outlet_psig=500.0, **weymouth):
    """Standard pipe size and number of parallel lines for a lateral (vectorised).

    Parameters
    ----------
    peak_gas_mmscf_per_day : float or array_like
        Peak gas demand of the plant [MMscf/d at 60 degF, 14.696 psia].
    length_km : float or array_like
        Lateral length [km].
    inlet_psig : float
        Pressure where the lateral leaves the transmission line [psig]. 1,000 psig sits in the
        500-1,400 psi common operating range of US transmission lines (200-1,500 psi overall).
    outlet_psig : float
        Delivery pressure at the plant fence [psig]; 500 psig here (aeroderivatives may need
        on-site fuel compression above it).
    **weymouth
        Passed to :func:`weymouth_flow_m3_per_s` (gravity, temperature, Z, efficiency).

    Returns
    -------
    (diameter_in, lines_count, hydraulic_diameter_in) : tuple of numpy.ndarray
        Nominal size [in] (the smallest of :data:`NOMINAL_PIPE_SIZES_IN` at or above the
        hydraulic diameter of one line), parallel lines [-] (more than one only above a
        42-inch line), and the Weymouth diameter for the whole flow in one line [in].
    """
    q = _mmscf_per_day_to_m3_per_s(peak_gas_mmscf_per_day)
    length_m = np.asarray(length_km, dtype=float) * 1000.0
    if np.any(q < 0) or np.any(length_m <= 0):
        raise ConfigError(f"peak_gas_mmscf_per_day={peak_gas_mmscf_per_day!r} must be >= 0 and "
                          f"length_km={length_km!r} > 0")
    p1, p2 = _psig_to_pa(inlet_psig), _psig_to_pa(outlet_psig)
    d_one = np.atleast_1d(weymouth_diameter_m(q, length_m, p1, p2, **weymouth) / M_PER_IN)
    sizes = np.asarray(NOMINAL_PIPE_SIZES_IN, dtype=float)
    # parallel 42-inch lines: flow scales with D^2.667, so n lines of D_n carry n x D_n^2.667
    lines = np.maximum(np.ceil((d_one / sizes[-1]) ** 2.667 - 1e-12), 1.0)
    d_each = d_one / lines ** (1.0 / 2.667)
    pick = np.searchsorted(sizes, d_each - 1e-9)
    nominal = sizes[np.minimum(pick, sizes.size - 1)]
    shape = np.broadcast(np.asarray(peak_gas_mmscf_per_day), np.asarray(length_km)).shape
    return nominal.reshape(shape), lines.reshape(shape), d_one.reshape(shape)


@functools.cache
def _lateral_rows() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in read_catalog("gas_lateral_costs")}


def gas_lateral_cost(peak_gas_mmscf_per_day, length_km, *, dollar_year: int, discount_rate_frac: float,
                     lifetime_yr: int, cost_key: str = "tgp_looping_2015", inlet_psig: float = 1000.0,
                     outlet_psig: float = 500.0) -> SiteCost:
    """Capital and annual cost of the gas lateral sized to the plant's peak gas demand.

    Parameters
    ----------
    peak_gas_mmscf_per_day : float or array_like
        Peak gas demand [MMscf/d]; to size from energy use
        ``peak_mmbtu_per_day / MMBTU_PER_MCF_HHV / 1000``.
    length_km : float or array_like
        Distance to the chosen pipeline [km].
    dollar_year : int
        Dollar year of the result [yr].
    discount_rate_frac : float
        [-]
    lifetime_yr : int
        [yr]
    cost_key : str
        Row of ``catalogs/gas_lateral_costs.csv`` (USD per inch of diameter per mile).
    inlet_psig, outlet_psig : float
        See :func:`lateral_diameter_in` [psig].

    Returns
    -------
    SiteCost
        ``detail``: ``diameter_in``, ``lines_count``, ``hydraulic_diameter_in``, ``length_km``,
        ``usd_per_inch_mile`` (in ``dollar_year``).
    """
    rows = _lateral_rows()
    if cost_key not in rows:
        raise unknown_name("gas lateral cost", cost_key, rows)
    r = rows[cost_key]
    unit = float(money.to_dollar_year(float(r["usd_per_inch_mile"]), int(r["dollar_year"]), dollar_year))
    nominal, lines, d_one = lateral_diameter_in(peak_gas_mmscf_per_day, length_km, inlet_psig=inlet_psig,
                                                outlet_psig=outlet_psig)
    length_mi = np.asarray(length_km, dtype=float) / KM_PER_MILE
    capex = unit * nominal * lines * length_mi
    return SiteCost(
        item="gas_lateral", capex_usd=np.asarray(capex, dtype=float),
        annual_usd_per_yr=np.asarray(_annualise(capex, discount_rate_frac, lifetime_yr), dtype=float),
        dollar_year=int(dollar_year),
        detail={"diameter_in": nominal, "lines_count": lines, "hydraulic_diameter_in": d_one,
                "length_km": np.asarray(length_km, dtype=float), "usd_per_inch_mile": unit},
        label=(f"gas lateral: Weymouth sizing {inlet_psig:.0f} -> {outlet_psig:.0f} psig, "
               f"{unit:,.0f} USD{dollar_year}/inch-mile ({cost_key}, USD {r['dollar_year']})"),
        source=r["source"], source_url=r["source_url"],
    )


def peak_gas_mmscf_per_day(peak_fuel_mmbtu_hhv_per_hour):
    """Peak gas flow from the peak hourly fuel burn: x 24 h / HHV 1.029 MMBtu/Mcf / 1000 [MMscf/d]."""
    return np.asarray(peak_fuel_mmbtu_hhv_per_hour, dtype=float) * 24.0 / MMBTU_PER_MCF_HHV / 1000.0


@functools.cache
def _grid_rows() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for r in read_catalog("grid_connection_costs"):
        out.setdefault(r["region"], []).append(r)
    for rows in out.values():
        rows.sort(key=lambda r: float(r["capacity_class_mw"]))
    return out


def grid_interconnection_cost(load_mw, distance_km, *, region: str, dollar_year: int, discount_rate_frac: float,
                              lifetime_yr: int) -> SiteCost:
    """Capital and annual cost of connecting a load to the grid: new line plus substation upgrade.

    The line is the smallest reVX capacity class carrying the load (102, 205, 400, 1,500 or
    3,000 MW at 69-500 kV); above 3,000 MW, parallel 3,000 MW lines. Each line ends in an
    upgrade of the existing substation at its voltage.

    Parameters
    ----------
    load_mw : float or array_like
        Facility peak load [MW].
    distance_km : float or array_like
        Distance to the substation [km].
    region : str
        reVX cost region: ``"MISO"``, ``"SCE"``, ``"Southeast"`` or ``"TEPPC"`` (WECC).
    dollar_year : int
        [yr]
    discount_rate_frac : float
        [-]
    lifetime_yr : int
        [yr]

    Returns
    -------
    SiteCost
        ``detail``: ``capacity_class_mw``, ``voltage_kv``, ``lines_count``, ``line_usd``,
        ``substation_usd``.
    """
    table = _grid_rows()
    if region not in table:
        raise unknown_name("grid cost region", region, table)
    rows = table[region]
    load = np.asarray(load_mw, dtype=float)
    dist_mi = np.asarray(distance_km, dtype=float) / KM_PER_MILE
    if np.any(load <= 0) or np.any(dist_mi < 0):
        raise ConfigError(f"load_mw={load_mw!r} must be > 0 and distance_km={distance_km!r} >= 0")
    caps = np.array([float(r["capacity_class_mw"]) for r in rows])
    line_cost = np.array([float(money.to_dollar_year(float(r["line_usd_per_mile"]), int(r["dollar_year"]),
                                                     dollar_year)) for r in rows])
    sub_cost = np.array([float(money.to_dollar_year(float(r["substation_upgrade_usd"]), int(r["dollar_year"]),
                                                    dollar_year)) for r in rows])
    volts = np.array([float(r["voltage_kv"]) for r in rows])
    lines = np.maximum(np.ceil(load / caps[-1] - 1e-12), 1.0)
    per_line = load / lines
    i = np.minimum(np.searchsorted(caps, per_line - 1e-9), caps.size - 1)
    line_usd = lines * line_cost[i] * dist_mi
    sub_usd = lines * sub_cost[i]
    capex = line_usd + sub_usd
    r0 = rows[0]
    return SiteCost(
        item="grid_interconnection", capex_usd=np.asarray(capex, dtype=float),
        annual_usd_per_yr=np.asarray(_annualise(capex, discount_rate_frac, lifetime_yr), dtype=float),
        dollar_year=int(dollar_year),
        detail={"capacity_class_mw": caps[i], "voltage_kv": volts[i], "lines_count": lines, "line_usd": line_usd,
                "substation_usd": sub_usd},
        label=f"grid interconnection: reVX {region} line cost per mile + substation upgrade (USD {r0['dollar_year']})",
        source=r0["source"], source_url=r0["source_url"],
    )


@functools.cache
def _land_rows() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in read_catalog("land_values")}


def land_cost(acres, *, dollar_year: int, discount_rate_frac: float, lifetime_yr: int,
              land_key: str = "us_farm_real_estate") -> SiteCost:
    """Capital and annual cost of land for PV and wind (vectorised).

    Parameters
    ----------
    acres : float or array_like
        Land taken [acres].
    dollar_year : int
        [yr]
    discount_rate_frac : float
        [-]
    lifetime_yr : int
        [yr] (land keeps its value; annualising it over the asset life, as the capital recovery
        factor does, overstates its cost by the resale value, which is not credited here).
    land_key : str
        Row of ``catalogs/land_values.csv`` (USDA NASS 2025 values per acre).

    Returns
    -------
    SiteCost
    """
    rows = _land_rows()
    if land_key not in rows:
        raise unknown_name("land value", land_key, rows)
    r = rows[land_key]
    a = np.asarray(acres, dtype=float)
    if np.any(a < 0):
        raise ConfigError(f"acres={acres!r} must be >= 0")
    unit = float(money.to_dollar_year(float(r["usd_per_acre"]), int(r["dollar_year"]), dollar_year))
    capex = a * unit
    return SiteCost(
        item="land", capex_usd=np.asarray(capex, dtype=float),
        annual_usd_per_yr=np.asarray(_annualise(capex, discount_rate_frac, lifetime_yr), dtype=float),
        dollar_year=int(dollar_year), detail={"usd_per_acre": unit},
        label=f"land: {r['region']} {r['land_use']} {unit:,.0f} USD{dollar_year}/acre (NASS {r['dollar_year']})",
        source=r["source"], source_url=r["source_url"],
    )
