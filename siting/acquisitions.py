"""Existing fossil plants a datacenter could buy and pair with: screening and deal evaluation.

1. :func:`screen_plants` takes the canonical EIA-860 ``plants`` layer (one row per
   generator, EPSG:4326; see :mod:`gis_data.canonical`) and returns the coal, gas and oil
   plants that are operating, retiring (operating with a planned retirement) or retired,
   within a radius of a site (distances in EPSG:5070) or in a state / balancing
   authority: one row per plant with capacity, fuel, age, planned retirement and the gas
   pipeline serving it.
2. :func:`acquisition_deal` turns one screened plant and an option into a
   :class:`siting.deal.Deal` priced on the fuel the plant will burn: *restart* a retired or
   retiring unit as it is (a coal unit burns coal, priced from EIA delivered prices in its
   state, or the labelled US average), *convert* a coal steam unit to burn gas (EIA AEO2026
   cost function by boiler type and unit size, plus the average gas lateral; 5 % heat-rate
   penalty, lower O&M), or *repower* the site with a new gas combined cycle or combustion
   turbine on its interconnection (NREL ATB 2024). Cited costs are converted to the deal's
   dollar year with CPI-U. The reference has no per-kW cost of restarting a retired coal
   unit, so a restart asks for ``option_capex_usd_per_kw`` by name; its heat rate and O&M
   default to Lazard's operating-coal ranges (midpoints, class-typical).
3. :func:`evaluate_acquisitions` evaluates many candidates and ranks them.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import finance as fin
from siting import deal as D
from siting.errors import CRSError, ConfigError, DataError, unknown_name

log = logging.getLogger(__name__)

#: EIA-860 energy source codes by fuel group (EIA-860 instructions, Table 28 "Energy source codes").
FUEL_GROUPS: dict[str, tuple[str, ...]] = {
    "coal": ("BIT", "SUB", "LIG", "ANT", "RC", "WC", "SC", "SGC"),
    "gas": ("NG",),
    "oil": ("DFO", "RFO", "JF", "KER", "PC", "WO"),
}

#: Plant statuses used here, from EIA-860 status codes or the packaged ``gen_status`` words.
STATUSES = ("operating", "retiring", "retired")
_OPERATING = {"OP", "SB", "OS", "OA", "EXISTING", "OPERATING"}
_RETIRED = {"RE", "RETIRED"}
_RETIRING = {"RETIREMENT", "RETIRING"}

OPTIONS = ("restart", "convert", "repower_cc", "repower_ct")

#: Boiler types with an EIA coal-to-gas conversion cost function.
BOILER_TYPES = {"pulverized_coal": "coal_to_gas_conversion_pc_usd_per_kw_at_75mw",
                "cyclone": "coal_to_gas_conversion_cyclone_usd_per_kw_at_75mw"}

_REQUIRED = ("plant_id", "plant_name", "capacity_mw", "energy_source", "technology", "status", "operating_year",
             "retirement_year", "balancing_authority", "gas_pipeline", "state_abbr", "geometry")


def _generator_status(status: pd.Series, retirement_year: pd.Series, as_of_year: int) -> np.ndarray:
    s = status.fillna("").astype(str).str.strip().str.upper().to_numpy()
    ret = pd.to_numeric(retirement_year, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(s), "", dtype=object)
    op = np.isin(s, list(_OPERATING))
    out[op] = "operating"
    out[op & np.isfinite(ret) & (ret >= as_of_year)] = "retiring"
    out[np.isin(s, list(_RETIRING))] = "retiring"
    out[np.isin(s, list(_RETIRED)) | (op & np.isfinite(ret) & (ret < as_of_year))] = "retired"
    return out


def _fuel_group(energy_source: pd.Series) -> np.ndarray:
    code = energy_source.fillna("").astype(str).str.strip().str.upper().to_numpy()
    out = np.full(len(code), "", dtype=object)
    for group, codes in FUEL_GROUPS.items():
        out[np.isin(code, codes)] = group
    return out


def screen_plants(
    plants,
    *,
    lat: float | None = None,
    lon: float | None = None,
    radius_km: float | None = None,
    state_abbr: str | None = None,
    balancing_authority: str | None = None,
    fuels: tuple[str, ...] = ("coal", "gas", "oil"),
    statuses: tuple[str, ...] = STATUSES,
    as_of_year: int = 2026,
    metric_crs: str = "EPSG:5070",
    min_capacity_mw: float | None = None,
) -> pd.DataFrame:
    """Existing fossil plants near a site or in a region, one row per plant.

    Parameters
    ----------
    plants : geopandas.GeoDataFrame
        Canonical ``plants`` layer (one row per generator) in EPSG:4326.
    lat, lon : float, optional
        Site [deg, WGS84]; with ``radius_km`` keeps plants within that distance.
    radius_km : float, optional
        Search radius [km], measured in ``metric_crs``.
    state_abbr, balancing_authority : str, optional
        Keep one state (e.g. ``"TX"``) or balancing authority (e.g. ``"ERCO"``).
    fuels : tuple of str
        Fuel groups to keep: ``coal``, ``gas``, ``oil``.
    statuses : tuple of str
        ``operating``, ``retiring`` (operating with a planned retirement year >= ``as_of_year``),
        ``retired``.
    as_of_year : int
        Year for ages and for telling retiring from retired [yr].
    metric_crs : str
        Projected metric CRS for distances [-].
    min_capacity_mw : float, optional
        Keep rows whose capacity (the plant's generators of that fuel and status) is at
        least this [MW]; leaves out the small backup and store generators.

    Returns
    -------
    pandas.DataFrame
        ``plant_id, plant_name, fuel_group, status, capacity_mw`` (generators of that fuel
        and status), ``n_generators, technologies, energy_sources, first_operating_year,
        age_yr`` (capacity-weighted), ``planned_retirement_year`` (latest), ``retired_year``
        (latest), ``gas_pipeline, balancing_authority, state_abbr, latitude_deg,
        longitude_deg, distance_km`` (NaN without a site), sorted by distance then capacity.
        A plant with both operating and retired units gives one row per status.
    """
    import geopandas as gpd

    missing = [c for c in _REQUIRED if c not in plants.columns]
    if missing:
        raise DataError(f"plants layer lacks column(s) {missing}; expected the canonical plants role "
                        f"(gis_data.canonical) with {', '.join(_REQUIRED)}")
    if plants.crs is None or not plants.crs.is_geographic:
        raise CRSError(f"plants layer CRS is {plants.crs}; expected EPSG:4326 as loaders return it")
    for f in fuels:
        if f not in FUEL_GROUPS:
            raise unknown_name("fuel group", f, FUEL_GROUPS)
    for s in statuses:
        if s not in STATUSES:
            raise unknown_name("plant status", s, STATUSES)
    if (lat is None) != (lon is None):
        raise ConfigError(f"lat={lat!r}, lon={lon!r}: give both coordinates of the site or neither")
    if radius_km is not None and (lat is None or not radius_km > 0):
        raise ConfigError(f"radius_km={radius_km!r}: needs a site (lat, lon) and a positive radius [km]")
    if min_capacity_mw is not None and (isinstance(min_capacity_mw, bool) or not min_capacity_mw >= 0):
        raise ConfigError(f"min_capacity_mw={min_capacity_mw!r}: expected a capacity >= 0 [MW]")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ConfigError(f"lat={lat}, lon={lon}: out of range; expected |lat| <= 90 and |lon| <= 180 (WGS84 degrees)")

    df = plants[plants.geometry.notna() & ~plants.geometry.is_empty].copy()
    df["fuel_group"] = _fuel_group(df["energy_source"])
    df["plant_status"] = _generator_status(df["status"], df["retirement_year"], as_of_year)
    keep = np.isin(df["fuel_group"], list(fuels)) & np.isin(df["plant_status"], list(statuses))
    if state_abbr is not None:
        keep &= df["state_abbr"].astype(str).str.upper().to_numpy() == state_abbr.upper()
    if balancing_authority is not None:
        keep &= df["balancing_authority"].astype(str).str.upper().to_numpy() == balancing_authority.upper()
    df = df[keep]
    if lat is not None:
        site = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs="EPSG:4326").to_crs(metric_crs).iloc[0]
        projected = df.geometry.to_crs(metric_crs)
        if projected.crs is None or projected.crs.is_geographic:
            raise CRSError(f"metric_crs={metric_crs!r} is geographic; distances need a projected CRS such as EPSG:5070")
        df["distance_km"] = projected.distance(site).to_numpy() / 1000.0
        if radius_km is not None:
            df = df[df["distance_km"] <= radius_km]
    else:
        df["distance_km"] = np.nan
    cols = ["plant_id", "plant_name", "fuel_group", "status", "capacity_mw", "n_generators", "technologies",
            "energy_sources", "first_operating_year", "age_yr", "planned_retirement_year", "retired_year",
            "gas_pipeline", "balancing_authority", "state_abbr", "latitude_deg", "longitude_deg", "distance_km"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("capacity_mw", "distance_km") else object) for c in cols})
    df["latitude_deg"] = df.geometry.y
    df["longitude_deg"] = df.geometry.x
    df["capacity_mw"] = pd.to_numeric(df["capacity_mw"], errors="coerce").fillna(0.0)
    op_year = pd.to_numeric(df["operating_year"], errors="coerce")
    ret_year = pd.to_numeric(df["retirement_year"], errors="coerce")
    df["_age_mw"] = (as_of_year - op_year) * df["capacity_mw"]
    df["_aged_mw"] = np.where(op_year.notna(), df["capacity_mw"], 0.0)
    df["_planned"] = np.where(df["plant_status"] == "retiring", ret_year, np.nan)
    df["_retired"] = np.where(df["plant_status"] == "retired", ret_year, np.nan)
    df["_op_year"] = op_year

    def join(values) -> str:
        return "; ".join(sorted({str(v) for v in values if isinstance(v, str) and v}))

    g = df.groupby(["plant_id", "fuel_group", "plant_status"], sort=False, dropna=False)
    out = g.agg(
        plant_name=("plant_name", "first"),
        capacity_mw=("capacity_mw", "sum"),
        n_generators=("capacity_mw", "size"),
        technologies=("technology", join),
        energy_sources=("energy_source", join),
        first_operating_year=("_op_year", "min"),
        _age_mw=("_age_mw", "sum"),
        _aged_mw=("_aged_mw", "sum"),
        planned_retirement_year=("_planned", "max"),
        retired_year=("_retired", "max"),
        gas_pipeline=("gas_pipeline", join),
        balancing_authority=("balancing_authority", "first"),
        state_abbr=("state_abbr", "first"),
        latitude_deg=("latitude_deg", "first"),
        longitude_deg=("longitude_deg", "first"),
        distance_km=("distance_km", "min"),
    ).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["age_yr"] = np.where(out["_aged_mw"] > 0, out["_age_mw"] / out["_aged_mw"], np.nan)
    out = out.rename(columns={"plant_status": "status"})
    if min_capacity_mw is not None:
        out = out[out["capacity_mw"] >= float(min_capacity_mw)]
    out = out.sort_values(["distance_km", "capacity_mw"], ascending=[True, False], na_position="last", ignore_index=True)
    return pd.DataFrame(out[cols])


# ---------------------------------------------------------------------------------------
# Acquisition deals
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AcquisitionTerms:
    """What buying and reusing a plant costs (USD of the deal's dollar year).

    Attributes
    ----------
    option : str
        ``restart``, ``convert``, ``repower_cc`` or ``repower_ct``.
    purchase_price_usd_per_kw : float
        Price paid for the plant or site per kW of its existing capacity [USD/kW].
    option_capex_usd_per_kw : float, optional
        Restart, conversion or repowering capital per kW [USD/kW]. Required for a restart
        (no public per-kW case exists); a conversion defaults to the EIA AEO2026 cost
        function plus the average lateral, repowering to NREL ATB 2024.
    heat_rate_hhv_btu_per_kwh : float, optional
        Heat rate after the option, HHV [Btu/kWh]. A coal restart defaults to Lazard's
        operating-coal midpoint, a conversion to that times 1.05 (EIA), repowering to ATB.
    fixed_om_usd_per_kw_yr, variable_om_usd_per_mwh : float, optional
        O&M after the option [USD/kW-yr], [USD/MWh]; defaults as for the heat rate (a
        conversion cuts coal O&M by 33 % fixed and 25 % variable, EIA).
    repower_capacity_mw : float, optional
        New capacity when repowering (default: the existing capacity) [MW].
    months_to_first_power : float, optional
        Months from purchase to first power [months]. Repowering defaults to the new
        plant's equipment-class lead time; a restart or conversion has no public figure,
        so without it the time saved against the grid is reported as unknown.
    boiler_type : str
        ``pulverized_coal`` (the default, an assumption) or ``cyclone``, for a conversion.
    unit_capacity_mw : float, optional
        Boiler size for the conversion cost function (default: the plant's coal capacity
        over its number of coal generators) [MW].
    fuel_price_usd_per_mmbtu : float, optional
        Delivered fuel price in the first operating year, HHV [USD/MMBtu]; overrides the
        EIA coal price (restart of a coal unit) or the template's gas price.
    source : str
        Where the figures given here come from.
    """

    option: str
    purchase_price_usd_per_kw: float
    option_capex_usd_per_kw: float | None = None
    heat_rate_hhv_btu_per_kwh: float | None = None
    fixed_om_usd_per_kw_yr: float | None = None
    variable_om_usd_per_mwh: float | None = None
    repower_capacity_mw: float | None = None
    months_to_first_power: float | None = None
    boiler_type: str = "pulverized_coal"
    unit_capacity_mw: float | None = None
    fuel_price_usd_per_mmbtu: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.option not in OPTIONS:
            raise unknown_name("acquisition option", self.option, OPTIONS)
        if self.boiler_type not in BOILER_TYPES:
            raise unknown_name("boiler type", self.boiler_type, BOILER_TYPES)
        if not (self.purchase_price_usd_per_kw >= 0 and math.isfinite(self.purchase_price_usd_per_kw)):
            raise ConfigError(f"purchase_price_usd_per_kw={self.purchase_price_usd_per_kw!r}: expected >= 0 [USD/kW]")
        for name in ("option_capex_usd_per_kw", "heat_rate_hhv_btu_per_kwh", "fixed_om_usd_per_kw_yr",
                     "variable_om_usd_per_mwh", "repower_capacity_mw", "months_to_first_power", "unit_capacity_mw",
                     "fuel_price_usd_per_mmbtu"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v >= 0):
                raise ConfigError(f"AcquisitionTerms.{name}={v!r}: expected a finite number >= 0")


def _in_dollar_year(key: str, to_year: int) -> tuple[float, str]:
    """A cited catalog value converted from its dollar year to ``to_year`` by CPI-U, with its label."""
    row = fin.finance_input(key)
    year = int(str(row.dollar_year)[:4])
    factor = fin.cpi_u_factor(year, to_year)
    return row.value * factor, f"{row.value:g} {row.unit} ({year}$) x CPI-U {factor:.3f} -> {to_year}$"


def _data_year(text: str) -> int:
    return int(str(text).strip()[:4])


def _coal_defaults(dollar_year: int, terms: AcquisitionTerms) -> tuple[float, float, float, list[str]]:
    """Heat rate, fixed and variable O&M of an operating coal unit: the terms', else Lazard's midpoints."""
    notes = []
    heat = terms.heat_rate_hhv_btu_per_kwh
    if heat is None:
        heat = fin.finance_input("coal_operating_heat_rate_btu_per_kwh").value
        notes.append(f"coal heat rate {heat:,.0f} Btu/kWh: Lazard LCOE+ 2025 operating-coal midpoint (class-typical; "
                     "basis not stated by Lazard)")
    fom, vom = terms.fixed_om_usd_per_kw_yr, terms.variable_om_usd_per_mwh
    if fom is None:
        fom, label = _in_dollar_year("coal_operating_fixed_om_usd_per_kw_yr", dollar_year)
        notes.append(f"coal fixed O&M: Lazard operating-coal midpoint, {label}")
    if vom is None:
        vom, label = _in_dollar_year("coal_operating_variable_om_usd_per_mwh", dollar_year)
        notes.append(f"coal variable O&M: Lazard operating-coal midpoint, {label}")
    return float(heat), float(fom), float(vom), notes


def coal_to_gas_conversion_capex_usd_per_kw(unit_capacity_mw: float, boiler_type: str = "pulverized_coal",
                                            *, dollar_year: int = 2022) -> tuple[float, float]:
    """Capital to convert a coal boiler to gas, and the average gas lateral [USD/kW of the unit].

    Parameters
    ----------
    unit_capacity_mw : float
        Boiler (unit) capacity, >= 25 MW [MW].
    boiler_type : str
        ``pulverized_coal`` or ``cyclone``.
    dollar_year : int
        Dollar year of the result (CPI-U from the sources' 2022$ and 2025$) [yr].

    Returns
    -------
    tuple of (float, float)
        Boiler modification ``c x (75 / MW)^0.35`` [USD/kW] and the fleet-average lateral
        spur [USD/kW], both in USD of ``dollar_year``.

    References
    ----------
    .. [1] EIA (2026), *Assumptions to the Annual Energy Outlook 2026: Electricity Market
       Module*, coal-to-gas conversion (EPA-based cost function; lateral average).
    """
    if boiler_type not in BOILER_TYPES:
        raise unknown_name("boiler type", boiler_type, BOILER_TYPES)
    if not (unit_capacity_mw >= 25 and math.isfinite(unit_capacity_mw)):
        raise ConfigError(f"unit_capacity_mw={unit_capacity_mw!r}: EIA's conversion cost function excludes units "
                          "under 25 MW (and fluidized-bed or stoker boilers); give option_capex_usd_per_kw instead")
    coeff, _ = _in_dollar_year(BOILER_TYPES[boiler_type], dollar_year)
    ref = 75.0
    exponent = fin.finance_input("coal_to_gas_conversion_scale_exponent").value
    lateral, _ = _in_dollar_year("coal_to_gas_lateral_usd_per_kw", dollar_year)
    return coeff * (ref / unit_capacity_mw) ** exponent, lateral


def acquisition_deal(plant: pd.Series | dict, terms: AcquisitionTerms, template: D.Deal) -> D.Deal:
    """A :class:`~siting.deal.Deal` for buying one screened plant and reusing it, priced on its own fuel.

    Parameters
    ----------
    plant : pandas.Series or dict
        One row of :func:`screen_plants` (needs ``plant_id``, ``plant_name``, ``capacity_mw``,
        ``fuel_group``, ``status``; ``state_abbr`` prices coal, ``n_generators`` sizes a
        conversion).
    terms : AcquisitionTerms
        Option and costs.
    template : Deal
        Contract, financing, tax, economics and datacenter terms to reuse; its plant and,
        for a coal restart, its fuel are replaced. Costs are taken to its dollar year.

    Returns
    -------
    Deal

    Raises
    ------
    ConfigError
        When a figure the public cases do not give is missing (named in the message), or
        the option does not fit the plant (converting a gas plant, restarting oil without
        a fuel price).
    """
    existing_mw = float(plant["capacity_mw"])
    if not existing_mw > 0:
        raise DataError(f"plant {plant['plant_id']!r} has capacity {existing_mw!r} MW; expected a positive capacity")
    fuel_group = str(plant.get("fuel_group", "") or "")
    name = str(plant["plant_name"])
    if terms.option == "convert" and fuel_group != "coal":
        raise ConfigError(f"plant {name!r} burns {fuel_group or 'an unknown fuel'}; the EIA conversion cost function "
                          "is for coal boilers: choose restart or repower_cc/repower_ct")
    dollar_year = template.economics.dollar_year
    first_year = template.economics.first_power_year
    notes: list[str] = []
    fuel = template.fuel
    get = lambda k: fin.finance_input(k).value  # noqa: E731
    months = terms.months_to_first_power
    if terms.option.startswith("repower"):
        tech = "gas_cc" if terms.option == "repower_cc" else "gas_ct"
        eq_class = "combined_cycle" if terms.option == "repower_cc" else "frame_simple_cycle"
        new_mw = terms.repower_capacity_mw or existing_mw
        if terms.option_capex_usd_per_kw is not None:
            capex, src = terms.option_capex_usd_per_kw, terms.source or "acquisition terms"
        else:
            capex, label = _in_dollar_year(f"{tech}_capex_usd_per_kw", dollar_year)
            src = f"NREL ATB 2024 {tech} overnight capex, {label}"
            homer = get("coal_site_redevelopment_homer_city_usd_per_kw")
            notes.append(f"repowering capex {capex:,.0f} USD/kW from ATB; the Homer City retired-coal redevelopment "
                         f"(~{homer:,.0f} USD/kW nominal 2025, incl. site readiness, not like-for-like) is a high "
                         "cross-check")
        heat = terms.heat_rate_hhv_btu_per_kwh or get(f"{tech}_heat_rate_hhv_btu_per_kwh")
        fom = (terms.fixed_om_usd_per_kw_yr if terms.fixed_om_usd_per_kw_yr is not None
               else _in_dollar_year(f"{tech}_fixed_om_usd_per_kw_yr", dollar_year)[0])
        vom = (terms.variable_om_usd_per_mwh if terms.variable_om_usd_per_mwh is not None
               else _in_dollar_year(f"{tech}_variable_om_usd_per_mwh", dollar_year)[0])
        if terms.fuel_price_usd_per_mmbtu is not None:
            fuel = dataclasses.replace(fuel, fuel_type="natural_gas", price_usd_per_mmbtu=terms.fuel_price_usd_per_mmbtu)
    elif terms.option == "convert":
        eq_class, new_mw = "coal_steam", existing_mw
        n_units = int(plant.get("n_generators", 1) or 1)
        unit_mw = terms.unit_capacity_mw or existing_mw / max(n_units, 1)
        coal_heat, coal_fom, coal_vom, coal_notes = _coal_defaults(dollar_year, terms)
        if terms.option_capex_usd_per_kw is not None:
            capex, src = terms.option_capex_usd_per_kw, terms.source or "acquisition terms"
        else:
            boiler, lateral = coal_to_gas_conversion_capex_usd_per_kw(unit_mw, terms.boiler_type, dollar_year=dollar_year)
            capex = boiler + lateral
            src = (f"EIA AEO2026 coal-to-gas conversion: {terms.boiler_type} boiler of {unit_mw:,.0f} MW "
                   f"{boiler:,.0f} USD/kW + average lateral {lateral:,.0f} USD/kW ({dollar_year}$)")
            notes.append(src + (" - boiler type assumed pulverized coal" if terms.boiler_type == "pulverized_coal"
                                else ""))
        penalty = get("coal_to_gas_heat_rate_penalty_frac")
        heat = coal_heat * (1.0 + penalty) if terms.heat_rate_hhv_btu_per_kwh is None else coal_heat
        fom = coal_fom * (1.0 - get("coal_to_gas_fixed_om_reduction_frac")) if terms.fixed_om_usd_per_kw_yr is None \
            else coal_fom
        vom = coal_vom * (1.0 - get("coal_to_gas_variable_om_reduction_frac")) \
            if terms.variable_om_usd_per_mwh is None else coal_vom
        notes += coal_notes
        if terms.heat_rate_hhv_btu_per_kwh is None:
            notes.append(f"converted heat rate = coal heat rate x {1 + penalty:.2f} (EIA: 5 % penalty); "
                         "O&M 33 % (fixed) and 25 % (variable) below coal (EIA)")
        if terms.fuel_price_usd_per_mmbtu is not None:
            fuel = dataclasses.replace(fuel, fuel_type="natural_gas", price_usd_per_mmbtu=terms.fuel_price_usd_per_mmbtu)
    else:  # restart as it is, on its own fuel
        eq_class, new_mw = ("coal_steam" if fuel_group == "coal" else ""), existing_mw
        if terms.option_capex_usd_per_kw is None:
            raise ConfigError(
                f"restart of {name!r} needs option_capex_usd_per_kw [USD/kW], the capital to bring the unit back: the "
                "reference has no per-kW cost of restarting a retired coal unit (only the J.H. Campbell DOE 202(c) "
                "stay-open cost, ~80 MUSD over four months, and 'hundreds of millions to ~1 billion USD per plant' for "
                "recommissioning, cost_baselines.csv coal_restart_cost); give the owner's engineering estimate"
            )
        capex, src = terms.option_capex_usd_per_kw, terms.source or "acquisition terms"
        if fuel_group == "coal":
            heat, fom, vom, coal_notes = _coal_defaults(dollar_year, terms)
            notes += coal_notes
            if terms.fuel_price_usd_per_mmbtu is not None:
                price, label = terms.fuel_price_usd_per_mmbtu, "given (AcquisitionTerms.fuel_price_usd_per_mmbtu)"
            else:
                cp = fin.coal_price(plant.get("state_abbr"))
                years = max(first_year - _data_year(cp.data_year), 0)
                price = cp.usd_per_mmbtu * (1.0 + fuel.escalation_frac_per_yr) ** years
                label = (f"{cp.label}, escalated {fuel.escalation_frac_per_yr:.1%}/yr over {years} years to "
                         f"{first_year}: {price:.2f} USD/MMBtu")
            fuel = D.Fuel(fuel_type="coal", price_usd_per_mmbtu=float(price),
                          escalation_frac_per_yr=fuel.escalation_frac_per_yr, source=label)
            notes.append(f"restart burns coal: {label}")
        else:
            need = [n for n in ("heat_rate_hhv_btu_per_kwh", "fixed_om_usd_per_kw_yr") if getattr(terms, n) is None]
            if fuel_group == "oil" and terms.fuel_price_usd_per_mmbtu is None:
                need.append("fuel_price_usd_per_mmbtu")
            if need:
                raise ConfigError(f"restart of {fuel_group or 'this'} plant {name!r} needs {', '.join(need)}: the "
                                  "reference has no restart heat rate, O&M or oil price for it; give the owner's figures")
            heat, fom = terms.heat_rate_hhv_btu_per_kwh, terms.fixed_om_usd_per_kw_yr
            vom = terms.variable_om_usd_per_mwh or 0.0
            if fuel_group == "oil":
                fuel = D.Fuel(fuel_type="oil", price_usd_per_mmbtu=terms.fuel_price_usd_per_mmbtu,
                              escalation_frac_per_yr=fuel.escalation_frac_per_yr, source="acquisition terms")
            elif terms.fuel_price_usd_per_mmbtu is not None:
                fuel = dataclasses.replace(fuel, price_usd_per_mmbtu=terms.fuel_price_usd_per_mmbtu)
    components = (
        D.Component(name=f"purchase of {name}", capacity_mw=existing_mw,
                    capex_usd_per_kw=terms.purchase_price_usd_per_kw, depreciation="macrs_15",
                    source="acquisition terms"),
        D.Component(name=f"{terms.option} capital", capacity_mw=new_mw, capex_usd_per_kw=float(capex),
                    fixed_om_usd_per_kw_yr=float(fom), depreciation="macrs_15", source=src),
    )
    plant_spec = dataclasses.replace(
        template.plant, name=f"{name} ({terms.option})", capacity_mw=new_mw,
        heat_rate_hhv_btu_per_kwh=float(heat), variable_om_usd_per_mwh=float(vom), components=components,
        equipment_class=eq_class, months_to_first_power=months, construction_months=None, construction_draws_frac=[],
    )
    description = "; ".join(notes) if notes else template.description
    return dataclasses.replace(template, name=f"{name} ({plant['plant_id']}): {terms.option}", plant=plant_spec,
                               fuel=fuel, description=description)


def evaluate_acquisitions(
    candidates: pd.DataFrame, terms: AcquisitionTerms, template: D.Deal, *, progress: bool | None = None
) -> pd.DataFrame:
    """Evaluate the same acquisition option on many screened plants and rank them.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Rows of :func:`screen_plants`.
    terms : AcquisitionTerms
        Option and costs applied to every plant.
    template : Deal
        Contract, financing and datacenter terms.
    progress : bool, optional
        Show a progress bar; None shows it only on a terminal.

    Returns
    -------
    pandas.DataFrame
        The candidates with ``capacity_after_mw``, ``contract_price`` (solved when the
        template solves it), ``equity_irr_frac``, ``equity_npv_usd``, ``delivered_cost_usd_per_mwh``,
        ``installed_cost_usd``, ``min_dscr`` and ``error`` (why a plant could not be
        evaluated), sorted by delivered cost.
    """
    from tqdm.auto import tqdm

    rows = []
    bar = tqdm(candidates.iterrows(), total=len(candidates), desc="acquisitions", unit="plant",
               disable=None if progress is None else not progress)
    for _, plant in bar:
        row = {"plant_id": plant["plant_id"], "status": plant["status"], "fuel_group": plant["fuel_group"], "error": ""}
        try:
            deal = acquisition_deal(plant, terms, template)
            res = D.evaluate_deal(deal, monte_carlo_draws=0)
            row.update(capacity_after_mw=deal.plant.capacity_mw,
                       **{k: res.metrics[k] for k in ("contract_price", "equity_irr_frac", "equity_npv_usd",
                                                      "delivered_cost_usd_per_mwh", "installed_cost_usd", "min_dscr")})
        except (ConfigError, DataError) as exc:
            row["error"] = str(exc)
        rows.append(row)
    res = pd.DataFrame(rows)
    out = candidates.merge(res, on=["plant_id", "status", "fuel_group"], how="left")
    sort = "delivered_cost_usd_per_mwh" if "delivered_cost_usd_per_mwh" in out else "plant_id"
    return out.sort_values(sort, na_position="last", ignore_index=True)


def load_plants_layer(layers=None):
    """The canonical ``plants`` layer from a layer set (default: the embedded sample).

    Parameters
    ----------
    layers : str or Path, optional
        Layer-set TOML file or folder; None uses ``LayerSet.sample()``.

    Raises
    ------
    MissingDataError
        When the layer loaders (``gis_data.layerset``) are not available in this install.
    """
    from gis_data.layerset import open_layers

    layer_set = open_layers(layers)
    return layer_set.load("plants")


def plants_near(lat: float, lon: float, radius_km: float, *, layers=None, **filters) -> pd.DataFrame:
    """Screen the plants of a layer set around a site: :func:`screen_plants` on :func:`load_plants_layer`.

    Parameters
    ----------
    lat, lon : float
        Site [deg, WGS84].
    radius_km : float
        Search radius [km].
    layers : str or Path, optional
        Layer-set file or folder (default: the embedded sample).
    **filters
        ``fuels``, ``statuses``, ``as_of_year``, ``min_capacity_mw`` as in :func:`screen_plants`.

    Returns
    -------
    pandas.DataFrame
        As :func:`screen_plants`.
    """
    return screen_plants(load_plants_layer(layers), lat=lat, lon=lon, radius_km=radius_km, **filters)


#: Radius of the site-table acquisition columns [km].
ACQUISITION_RADIUS_KM = 50.0


def acquisition_columns(sites, plants, *, as_of_year: int = 2026, metric_crs: str = "EPSG:5070") -> pd.DataFrame:
    """Site-table columns on the fossil plants around each site (for batch scoring).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Candidate sites (points) in EPSG:4326.
    plants : geopandas.GeoDataFrame
        Canonical ``plants`` layer in EPSG:4326.
    as_of_year : int
        Year that tells retiring from retired [yr].
    metric_crs : str
        Projected metric CRS for distances [-].

    Returns
    -------
    pandas.DataFrame
        On ``sites.index``: ``fossil_plant_nearest_km`` [km], ``fossil_plant_nearest_name``,
        ``fossil_capacity_within_50km_mw``, ``retiring_fossil_capacity_within_50km_mw``,
        ``retired_fossil_capacity_within_50km_mw`` [MW] (coal, gas and oil generators).
    """
    import geopandas as gpd

    for name, frame in (("sites", sites), ("plants", plants)):
        if frame.crs is None or not frame.crs.is_geographic:
            raise CRSError(f"{name} CRS is {frame.crs}; expected EPSG:4326 as loaders return it")
    missing = [c for c in _REQUIRED if c not in plants.columns]
    if missing:
        raise DataError(f"plants layer lacks column(s) {missing}; expected the canonical plants role")
    p = plants[plants.geometry.notna() & ~plants.geometry.is_empty].copy()
    p["fuel_group"] = _fuel_group(p["energy_source"])
    p["plant_status"] = _generator_status(p["status"], p["retirement_year"], as_of_year)
    p = p[(p["fuel_group"] != "") & (p["plant_status"] != "")]
    p["capacity_mw"] = pd.to_numeric(p["capacity_mw"], errors="coerce").fillna(0.0)
    p = gpd.GeoDataFrame(p[["plant_name", "capacity_mw", "plant_status"]], geometry=p.geometry.to_crs(metric_crs))
    s = gpd.GeoDataFrame(geometry=sites.geometry.to_crs(metric_crs), index=sites.index)
    out = pd.DataFrame(index=sites.index)
    out["fossil_plant_nearest_km"] = np.nan
    out["fossil_plant_nearest_name"] = ""
    for col in ("fossil_capacity_within_50km_mw", "retiring_fossil_capacity_within_50km_mw",
                "retired_fossil_capacity_within_50km_mw"):
        out[col] = 0.0
    if p.empty or s.empty:
        return out
    s_named = s.reset_index(names="_site")
    near = gpd.sjoin_nearest(s_named, p, how="left", distance_col="_d_m").drop_duplicates("_site").set_index("_site")
    out["fossil_plant_nearest_km"] = near["_d_m"].reindex(sites.index).to_numpy() / 1000.0
    out["fossil_plant_nearest_name"] = near["plant_name"].reindex(sites.index).fillna("").to_numpy()
    hits = gpd.sjoin(s_named, p, predicate="dwithin", distance=ACQUISITION_RADIUS_KM * 1000.0)
    if not hits.empty:
        total = hits.groupby("_site")["capacity_mw"].sum()
        out["fossil_capacity_within_50km_mw"] = total.reindex(sites.index).fillna(0.0).to_numpy()
        for status, col in (("retiring", "retiring_fossil_capacity_within_50km_mw"),
                            ("retired", "retired_fossil_capacity_within_50km_mw")):
            part = hits[hits["plant_status"] == status].groupby("_site")["capacity_mw"].sum()
            out[col] = part.reindex(sites.index).fillna(0.0).to_numpy()
    return out
