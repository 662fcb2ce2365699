"""CO2 and NOx of an on-site gas plant, potential to emit, and the air-permit path.

CO2 = fuel [MMBtu HHV] x 117.0 lb/MMBtu (EIA). NOx from a unit's ppmvd at 15 % O2 by
the EPA Method 19 F-factor method, E [lb/MMBtu] = C [lb/scf] x Fd x 20.9 / (20.9 - 15),
or from an engine's g/bhp-hr rating (SCR removes a class-typical 90 % on engines).

Potential to emit (PTE) assumes every installed unit runs at full output 8,760 h/yr (no
permit limits taken): :func:`annual_emissions` gives it at ISO rating, and
:func:`potential_to_emit` also at the worst credible hour of the site's weather year (the
hour of largest fleet heat input, the coldest for a gas turbine), which the permit screen
uses. :func:`permit_path` compares the NOx PTE with the thresholds of the county's ozone
class (:func:`thresholds`: PSD 250 tpy, or 100 tpy for a listed source category such as a
combined-cycle plant above 250 MMBtu/h; nonattainment NSR 100/100/50/25/10 tpy from marginal
to extreme, with offsets 1.1 to 1.5:1; Title V) and names the rule, the threshold and the
class with its source. A nonattainment county of unknown class is screened as extreme,
the strictest class a 2008/2015 ozone area can have (:data:`STRICTEST_OZONE_CLASS`).

References
----------
EIA, "Carbon dioxide emissions coefficients" (2016). 40 CFR Part 60 Appendix A-7,
Method 19. 40 CFR 52.21(b)(1) (PSD major stationary source). Clean Air Act sections 181,
182 (ozone classes, thresholds, offsets), 302(j) and 501(2) (Title V); 40 CFR 70.2.
40 CFR 60 Subpart JJJJ Table 1 (engine NOx).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import numpy as np

from models.catalog import PrimeMover, fact, read_catalog
from models.errors import ConfigError, unknown_name
from models.units import BTU_PER_MMBTU, HOURS_PER_YEAR, KWH_PER_MWH, LB_PER_SHORT_TON, LB_PER_TONNE

#: Watts in one mechanical horsepower (550 ft-lbf/s). Source: NIST SP 811 (2008), Appendix B.8: 745.6999 W.
W_PER_BHP = 745.69987
#: Grams in one pound (avoirdupois). Source: NIST SP 811: 1 lb = 0.45359237 kg.
G_PER_LB = 453.59237


@functools.cache
def co2_lb_per_mmbtu_hhv() -> float:
    """EIA CO2 emission factor of natural gas [lb/MMBtu, HHV] (air_permits.csv)."""
    return float(fact("air_permits", "CO2 emission factor, natural gas")["value"])


@functools.cache
def _method19() -> tuple[float, float]:
    fd = float(fact("air_permits", "F-factor Fd")["value"])
    lb_per_scf_per_ppm = float(fact("air_permits", "ppm NOx to lb/scf")["value"])
    return fd, lb_per_scf_per_ppm


def nox_lb_per_mmbtu_from_ppm(ppm_at_15pct_o2) -> np.ndarray:
    """NOx emission rate from a concentration at 15 % O2 [lb/MMBtu, HHV].

    Parameters
    ----------
    ppm_at_15pct_o2 : array_like
        NOx concentration, dry, corrected to 15 % O2 [ppmvd].

    Returns
    -------
    numpy.ndarray
        ppm x 1.194e-7 lb/scf/ppm x 8,710 dscf/MMBtu x 20.9/5.9 [lb/MMBtu].

    References
    ----------
    40 CFR Part 60 Appendix A-7, Method 19, equation 19-1 and Tables 19-1, 19-2.
    """
    fd, k = _method19()
    return np.asarray(ppm_at_15pct_o2, dtype=float) * k * fd * 20.9 / (20.9 - 15.0)


def nox_lb_per_mwh_from_g_per_bhp_hr(g_per_bhp_hr) -> np.ndarray:
    """NOx per MWh of shaft output from an engine rating in g/bhp-hr [lb/MWh].

    Generator losses (a few percent) are not added: per MWh of electricity the rate is
    slightly higher.

    Parameters
    ----------
    g_per_bhp_hr : array_like
        Engine NOx [g/bhp-hr].

    Returns
    -------
    numpy.ndarray
        [lb/MWh]
    """
    bhp_hr_per_mwh = KWH_PER_MWH * 1000.0 / W_PER_BHP
    return np.asarray(g_per_bhp_hr, dtype=float) * bhp_hr_per_mwh / G_PER_LB


def nox_lb_per_mwh(unit: PrimeMover, heat_rate_hhv_btu_per_kwh, *, scr: bool) -> float:
    """A unit's NOx output rate [lb/MWh]; NaN when the catalog has no NOx figure.

    Parameters
    ----------
    unit : PrimeMover
    heat_rate_hhv_btu_per_kwh : float
        Heat rate used to turn lb/MMBtu into lb/MWh [Btu/kWh, HHV].
    scr : bool
        With selective catalytic reduction. Engines rated in g/bhp-hr keep
        1 - :func:`engine_scr_reduction_frac` of their engine-out NOx (90 % removed,
        class-typical: ``air_permits.csv``).
    """
    mmbtu_per_mwh = heat_rate_hhv_btu_per_kwh * KWH_PER_MWH / BTU_PER_MMBTU
    ppm = unit.nox_ppm_15pct_o2_with_scr if scr else unit.nox_ppm_15pct_o2_without_scr
    if math.isfinite(ppm):
        return float(nox_lb_per_mmbtu_from_ppm(ppm) * mmbtu_per_mwh)
    if math.isfinite(unit.nox_g_per_bhp_hr):
        rate = float(nox_lb_per_mwh_from_g_per_bhp_hr(unit.nox_g_per_bhp_hr))
        return rate * (1.0 - engine_scr_reduction_frac() if scr else 1.0)
    return math.nan


@functools.cache
def engine_scr_reduction_frac() -> float:
    """Fraction of a lean-burn gas engine's NOx an SCR removes [-] (class-typical 0.90, ``air_permits.csv``)."""
    return float(fact("air_permits", "SCR NOx reduction on lean-burn natural gas engines")["value"])


def nox_lb_per_mmbtu_hhv(unit: PrimeMover, *, scr: bool) -> float:
    """A unit's NOx per unit of fuel heat input at full load [lb/MMBtu, HHV]; NaN without a NOx figure.

    Turbines (ppmvd at 15 % O2) convert by EPA Method 19 (:func:`nox_lb_per_mmbtu_from_ppm`),
    independent of load and ambient. Engines rated in g/bhp-hr convert through their ISO
    full-load heat rate: lb/MWh (:func:`nox_lb_per_mwh`) / (heat rate [MMBtu/MWh]).

    Parameters
    ----------
    unit : PrimeMover
    scr : bool
        With selective catalytic reduction.

    Returns
    -------
    float
        [lb/MMBtu HHV]
    """
    ppm = unit.nox_ppm_15pct_o2_with_scr if scr else unit.nox_ppm_15pct_o2_without_scr
    if math.isfinite(ppm):
        return float(nox_lb_per_mmbtu_from_ppm(ppm))
    mmbtu_per_mwh = unit.heat_rate_hhv_btu_per_kwh * KWH_PER_MWH / BTU_PER_MMBTU
    return nox_lb_per_mwh(unit, unit.heat_rate_hhv_btu_per_kwh, scr=scr) / mmbtu_per_mwh


@dataclass(frozen=True)
class Emissions:
    """Annual emissions of a dispatch and the plant's potential to emit.

    Attributes
    ----------
    co2_tonnes_per_yr : float
        CO2 from the fuel burned [metric t/yr].
    co2_lb_per_mwh : float
        CO2 per MWh generated by the gas units [lb/MWh].
    nox_tons_per_yr_without_scr, nox_tons_per_yr_with_scr : float
        Actual NOx [short tons/yr] (US permits count short tons).
    nox_pte_tons_per_yr_without_scr, nox_pte_tons_per_yr_with_scr : float
        Potential to emit: all units at ISO capacity 8,760 h [short tons/yr].
    """

    co2_tonnes_per_yr: float
    co2_lb_per_mwh: float
    nox_tons_per_yr_without_scr: float
    nox_tons_per_yr_with_scr: float
    nox_pte_tons_per_yr_without_scr: float
    nox_pte_tons_per_yr_with_scr: float


def annual_emissions(unit: PrimeMover, units_count: int, fuel_mmbtu_hhv_per_yr: float,
                     gas_generation_mwh_per_yr: float) -> Emissions:
    """CO2 and NOx of a year of operation and the fleet's potential to emit.

    Parameters
    ----------
    unit : PrimeMover
    units_count : int
        Units installed [-].
    fuel_mmbtu_hhv_per_yr : float
        Fuel burned [MMBtu HHV/yr].
    gas_generation_mwh_per_yr : float
        Energy generated by the units [MWh/yr].

    Returns
    -------
    Emissions
    """
    if fuel_mmbtu_hhv_per_yr < 0 or gas_generation_mwh_per_yr < 0:
        raise ConfigError("fuel and generation must be non-negative; got "
                          f"{fuel_mmbtu_hhv_per_yr!r} MMBtu and {gas_generation_mwh_per_yr!r} MWh")
    co2_lb = fuel_mmbtu_hhv_per_yr * co2_lb_per_mmbtu_hhv()
    hr_actual = (fuel_mmbtu_hhv_per_yr * BTU_PER_MMBTU / KWH_PER_MWH / gas_generation_mwh_per_yr
                 if gas_generation_mwh_per_yr > 0 else unit.heat_rate_hhv_btu_per_kwh)
    pte_mwh = units_count * unit.iso_capacity_mw * HOURS_PER_YEAR
    out = {}
    for scr in (False, True):
        actual = nox_lb_per_mwh(unit, hr_actual, scr=scr) * gas_generation_mwh_per_yr / LB_PER_SHORT_TON
        pte = nox_lb_per_mwh(unit, unit.heat_rate_hhv_btu_per_kwh, scr=scr) * pte_mwh / LB_PER_SHORT_TON
        tag = "with_scr" if scr else "without_scr"
        out[f"nox_tons_per_yr_{tag}"] = actual
        out[f"nox_pte_tons_per_yr_{tag}"] = pte
    return Emissions(
        co2_tonnes_per_yr=co2_lb / LB_PER_TONNE,
        co2_lb_per_mwh=co2_lb / gas_generation_mwh_per_yr if gas_generation_mwh_per_yr > 0 else math.nan,
        **out,
    )


# -- ozone classification ----------------------------------------------------------------------

#: Ozone nonattainment classes from least to most stringent (Clean Air Act section 181(a)(1), Table 1).
OZONE_CLASSES = ("marginal", "moderate", "serious", "severe", "extreme")
#: Classifications accepted as ``nonattainment_class`` (None, "" or "attainment" = attainment/unclassifiable),
#: besides :data:`UNKNOWN_CLASS`.
NONATTAINMENT_CLASSES = ("attainment",) + OZONE_CLASSES
#: Label of an ozone nonattainment county whose classification no source gives.
UNKNOWN_CLASS = "nonattainment"
#: The class the permit screen assumes for :data:`UNKNOWN_CLASS`: the strictest a 2008 or 2015
#: 8-hour ozone area could have. Both standards are implemented under subpart 2 of part D of
#: the Clean Air Act (sections 181-182; EPA's implementation rules, 40 CFR 51.1103 for 2008 and
#: 51.1303 for 2015, keep the five classes of section 181(a)(1) Table 1). An area is classed by
#: its design value at designation, is bumped up when it fails to attain (181(b)(2)) and may ask
#: for a higher class (181(b)(3)), up to extreme; both standards have extreme areas today (South
#: Coast Air Basin and San Joaquin Valley, 2008 and 2015; Coachella Valley, 2008). Without the
#: area's class or design value nothing rules extreme out: 10 tpy major source (182(e)) and
#: 1.5:1 offsets (182(e)(1)).
STRICTEST_OZONE_CLASS = "extreme"

_UNKNOWN_LABELS = ("nonattainment", "unknown", "not classified", "unclassified")
_ATTAINMENT_LABELS = ("", "attainment", "attainment/unclassifiable", "unclassifiable/attainment", "unclassifiable",
                      "none", "nan", "<na>")
_CLASS_WORD = re.compile(r"\b(marginal|moderate|serious|severe|extreme)\b")


def normalize_ozone_class(value) -> str:
    """One ozone classification as the permit screen reads it.

    Accepts the spellings of the sources: 40 CFR 81 ("Serious.", "Subpart 2/Moderate"), the
    EPA Green Book ("Severe 15", "Severe-17", "Marginal (Rural Transport)"), this project's
    tables ("severe-15"), and ``;``-joined lists (the worst class wins; an unknown class
    counts as the strictest unless an extreme class is listed).

    Parameters
    ----------
    value : str or None
        Classification text; None, "" or "attainment" mean attainment/unclassifiable.

    Returns
    -------
    str
        ``"attainment"``, one of :data:`OZONE_CLASSES` (severe-15 and severe-17 are
        ``"severe"``: same 25 tpy threshold, CAA 182(d)) or :data:`UNKNOWN_CLASS`.

    Raises
    ------
    UnknownNameError
        For text that names no classification.
    """
    if value is None or value != value:  # None or NaN
        return "attainment"
    text = " ".join(str(value).strip().lower().rstrip(".").split())
    if ";" in text:
        parts = [normalize_ozone_class(p) for p in text.split(";")]
        if STRICTEST_OZONE_CLASS in parts:
            return STRICTEST_OZONE_CLASS
        if UNKNOWN_CLASS in parts:
            return UNKNOWN_CLASS
        return max(parts, key=ozone_class_rank)
    if text in _ATTAINMENT_LABELS:
        return "attainment"
    if text in _UNKNOWN_LABELS:
        return UNKNOWN_CLASS
    m = _CLASS_WORD.search(text)
    if m is None:
        raise unknown_name("ozone nonattainment classification", value, NONATTAINMENT_CLASSES + (UNKNOWN_CLASS,))
    return m.group(1)


def ozone_class_rank(cls: str) -> int:
    """Stringency rank of a normalised class: attainment 0, marginal 1 ... extreme 5 [-].

    :data:`UNKNOWN_CLASS` ranks as :data:`STRICTEST_OZONE_CLASS`.
    """
    c = normalize_ozone_class(cls)
    if c == UNKNOWN_CLASS:
        c = STRICTEST_OZONE_CLASS
    return 0 if c == "attainment" else OZONE_CLASSES.index(c) + 1


# -- thresholds ---------------------------------------------------------------------------------

#: Clean Air Act sections setting the NOx major-source threshold and offsets of each ozone class
#: (NOx is an ozone precursor: section 182(f)(1) applies the VOC thresholds to it).
_CAA_SECTIONS = {"marginal": ("182(a)", "182(a)(4)"), "moderate": ("182(b)", "182(b)(5)"),
                 "serious": ("182(c)", "182(c)(10)"), "severe": ("182(d)", "182(d)(2)"),
                 "extreme": ("182(e)", "182(e)(1)")}


def _rows(category: str) -> dict[str, dict[str, str]]:
    return {r["area_classification"]: r for r in read_catalog("air_permits") if r["category"] == category}


@dataclass(frozen=True)
class Thresholds:
    """NOx thresholds of one county class [short tons/yr] and the rules that set them.

    Attributes
    ----------
    county_class : str
        ``"attainment"`` or one of :data:`OZONE_CLASSES`.
    psd_tons_per_yr : float
        PSD major-source threshold (NOx as NO2, an attainment pollutant everywhere) [tons/yr]:
        100 for a listed source category, else 250.
    psd_rule : str
    nnsr_tons_per_yr : float
        Nonattainment NSR major-source threshold for NOx as an ozone precursor; NaN in
        attainment [tons/yr].
    nnsr_rule : str
    title_v_tons_per_yr : float
        Title V major-source threshold [tons/yr].
    title_v_rule : str
    offset_ratio : float
        Offsets required per ton of new NOx (CAA 182); NaN in attainment [-].
    """

    county_class: str
    psd_tons_per_yr: float
    psd_rule: str
    nnsr_tons_per_yr: float
    nnsr_rule: str
    title_v_tons_per_yr: float
    title_v_rule: str
    offset_ratio: float


def thresholds(county_class: str, *, psd_listed_category: bool = False) -> Thresholds:
    """NOx permit thresholds of a county's ozone class, read from ``air_permits.csv``.

    Parameters
    ----------
    county_class : str
        ``"attainment"`` or one of :data:`OZONE_CLASSES` (normalised; an unknown class is
        the caller's to resolve, see :func:`permit_path`).
    psd_listed_category : bool
        The plant is one of the 28 PSD listed categories (here: a fossil fuel-fired steam
        electric plant of more than 250 MMBtu/h, 40 CFR 52.21(b)(1)(i)(a)).

    Returns
    -------
    Thresholds

    References
    ----------
    40 CFR 52.21(b)(1)(i)(a)-(b) (PSD 100/250 tpy); Clean Air Act sections 182(a)-(f) and 40 CFR
    51 Appendix S II.A.4(i)(b) (ozone NOx thresholds 100/100/50/25/10 tpy; offsets
    1.1/1.15/1.2/1.3/1.5); 40 CFR 70.2 "major source" (3) and CAA 302(j)/501(2) (Title V).
    """
    cls = normalize_ozone_class(county_class)
    if cls == UNKNOWN_CLASS:
        raise ConfigError(f"county_class {county_class!r} is an unknown class; resolve it first "
                          f"(permit_path assumes {STRICTEST_OZONE_CLASS!r})")
    psd_item = ("PSD major stationary source threshold - 28 listed" if psd_listed_category
                else "PSD major stationary source threshold - all other")
    psd = float(fact("air_permits", psd_item)["value"])
    psd_rule = ("PSD, 40 CFR 52.21(b)(1)(i)(a): listed category (fossil fuel-fired steam electric plant of more than "
                f"{listed_category_heat_input_mmbtu_per_hr():.0f} MMBtu/h)" if psd_listed_category
                else "PSD, 40 CFR 52.21(b)(1)(i)(b): any other stationary source")
    if cls == "attainment":
        title_v = float(fact("air_permits", "Title V major source threshold")["value"])
        return Thresholds(cls, psd, psd_rule, math.nan, "", title_v,
                          "Title V, Clean Air Act 302(j) and 501(2) (40 CFR 70.2)", math.nan)
    key = f"ozone nonattainment - {cls}"
    nnsr = float(_rows("major_source_threshold")[key]["value"])
    title_v = float(_rows("title_v_threshold")[key]["value"])
    offset = float(_rows("offset_ratio")[key]["value"])
    major, offsets = _CAA_SECTIONS[cls]
    return Thresholds(
        cls, psd, psd_rule, nnsr,
        f"nonattainment NSR for NOx as an ozone precursor ({cls} area), Clean Air Act {major} and 182(f) "
        f"(40 CFR 51 Appendix S II.A.4(i)(b)); offsets {offsets}",
        title_v, f"Title V in a {cls} ozone area, 40 CFR 70.2 'major source' (3)", offset)


@functools.cache
def listed_category_heat_input_mmbtu_per_hr() -> float:
    """Heat input above which a fossil fuel-fired steam electric plant is a PSD listed category [MMBtu/h].

    References
    ----------
    40 CFR 52.21(b)(1)(i)(a) (``air_permits.csv``).
    """
    return float(fact("air_permits", "Fossil fuel-fired steam electric plant heat input")["value"])


def is_psd_listed_category(unit: PrimeMover, heat_input_mmbtu_hhv_per_hr: float) -> bool:
    """Whether a plant of these units is the PSD listed category of 40 CFR 52.21(b)(1)(i)(a).

    A combined-cycle plant raises steam in its heat-recovery steam generators, so it is a
    fossil fuel-fired steam electric plant; above 250 MMBtu/h of heat input its PSD threshold
    is 100 tpy instead of 250. Simple-cycle turbines, engines and fuel cells raise no steam.

    Parameters
    ----------
    unit : PrimeMover
    heat_input_mmbtu_hhv_per_hr : float
        The plant's maximum heat input [MMBtu/h, HHV], e.g.
        :attr:`PotentialToEmit.heat_input_worst_mmbtu_hhv_per_hr`.

    Returns
    -------
    bool
    """
    return unit.configuration == "combined_cycle" and heat_input_mmbtu_hhv_per_hr > listed_category_heat_input_mmbtu_per_hr()


# -- potential to emit at the worst credible hour -----------------------------------------------


@dataclass(frozen=True)
class PotentialToEmit:
    """NOx potential to emit of a fleet at ISO rating and at its worst credible hour.

    Potential to emit (PTE) assumes every installed unit runs at full output all 8,760 h.
    At ISO it is today's figure (ISO MW x ISO heat rate); at the worst hour it takes the
    hour of the weather year with the largest fleet heat input (for a gas turbine the
    coldest hour: denser air, more output and fuel), held all year.

    Attributes
    ----------
    unit_name : str
    units_installed : int
    heat_input_iso_mmbtu_hhv_per_hr : float
        Fleet heat input at ISO [MMBtu/h HHV].
    heat_input_worst_mmbtu_hhv_per_hr : float
        Fleet heat input at the worst hour [MMBtu/h HHV].
    worst_to_iso_heat_input_ratio : float
        Worst-hour over ISO heat input [-].
    worst_hour : int
        Position of that hour in the temperature series [-].
    worst_hour_temp_air_degc, coldest_temp_air_degc : float
        Air temperature of the worst hour and of the coldest hour [degC].
    nox_lb_per_mmbtu_without_scr, nox_lb_per_mmbtu_with_scr : float
        NOx rates used [lb/MMBtu HHV] (:func:`nox_lb_per_mmbtu_hhv`); NaN without a figure.
    nox_pte_iso_tons_per_yr_without_scr, nox_pte_iso_tons_per_yr_with_scr : float
        PTE at ISO [short tons/yr].
    nox_pte_worst_tons_per_yr_without_scr, nox_pte_worst_tons_per_yr_with_scr : float
        PTE at the worst hour [short tons/yr]; the permit screen uses these.
    psd_listed_category : bool
        :func:`is_psd_listed_category` at the worst-hour heat input.
    """

    unit_name: str
    units_installed: int
    heat_input_iso_mmbtu_hhv_per_hr: float
    heat_input_worst_mmbtu_hhv_per_hr: float
    worst_to_iso_heat_input_ratio: float
    worst_hour: int
    worst_hour_temp_air_degc: float
    coldest_temp_air_degc: float
    nox_lb_per_mmbtu_without_scr: float
    nox_lb_per_mmbtu_with_scr: float
    nox_pte_iso_tons_per_yr_without_scr: float
    nox_pte_iso_tons_per_yr_with_scr: float
    nox_pte_worst_tons_per_yr_without_scr: float
    nox_pte_worst_tons_per_yr_with_scr: float
    psd_listed_category: bool


def potential_to_emit(unit: PrimeMover, units_installed: int, temp_air_degc, altitude_m: float = 0.0) -> PotentialToEmit:
    """NOx potential to emit of a fleet at ISO and at the worst hour of a weather year.

    Fleet heat input each hour = units x site capacity (:func:`models.gas_units.available_capacity_mw`)
    x site full-load heat rate (:func:`models.gas_units.full_load_heat_rate_hhv_btu_per_kwh`);
    PTE = NOx rate [lb/MMBtu] x heat input [MMBtu/h] x 8,760 h / 2,000 lb/ton.

    Parameters
    ----------
    unit : PrimeMover
    units_installed : int
        Units installed, spares included: a permit limits what can run, not what is needed [-].
    temp_air_degc : array_like
        Hourly air temperature of the site's weather year [degC] (NaN hours ignored).
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    PotentialToEmit

    References
    ----------
    40 CFR 52.21(b)(4) (potential to emit: maximum capacity to emit under the physical and
    operational design); 40 CFR 60 Appendix A-7 Method 19 (ppm to lb/MMBtu).
    """
    from models.gas_units import available_capacity_mw, full_load_heat_rate_hhv_btu_per_kwh

    n = int(units_installed)
    if n < 0 or n != units_installed:
        raise ConfigError(f"units_installed={units_installed!r}; give a whole number of units >= 0")
    temp = np.atleast_1d(np.asarray(temp_air_degc, dtype=float))
    if temp.ndim != 1 or not np.isfinite(temp).any():
        raise ConfigError(f"temp_air_degc has no finite hourly value (shape {temp.shape}); pass the weather "
                          "year's hourly air temperature in degC")
    per_mw_to_mmbtu = KWH_PER_MWH / BTU_PER_MMBTU
    per_unit = (available_capacity_mw(unit, temp, altitude_m) * full_load_heat_rate_hhv_btu_per_kwh(unit, temp, altitude_m)
                * per_mw_to_mmbtu)
    per_unit = np.where(np.isfinite(temp), per_unit, -np.inf)
    worst = int(np.argmax(per_unit))
    heat_worst = n * float(per_unit[worst])
    heat_iso = n * unit.iso_capacity_mw * unit.heat_rate_hhv_btu_per_kwh * per_mw_to_mmbtu
    rate = {scr: nox_lb_per_mmbtu_hhv(unit, scr=scr) for scr in (False, True)}

    def tons(lb_per_mmbtu: float, heat: float) -> float:
        return lb_per_mmbtu * heat * HOURS_PER_YEAR / LB_PER_SHORT_TON

    return PotentialToEmit(
        unit_name=unit.name, units_installed=n,
        heat_input_iso_mmbtu_hhv_per_hr=heat_iso, heat_input_worst_mmbtu_hhv_per_hr=heat_worst,
        worst_to_iso_heat_input_ratio=float(per_unit[worst] / (unit.iso_capacity_mw * unit.heat_rate_hhv_btu_per_kwh
                                                               * per_mw_to_mmbtu)),
        worst_hour=worst, worst_hour_temp_air_degc=float(temp[worst]), coldest_temp_air_degc=float(np.nanmin(temp)),
        nox_lb_per_mmbtu_without_scr=rate[False], nox_lb_per_mmbtu_with_scr=rate[True],
        nox_pte_iso_tons_per_yr_without_scr=tons(rate[False], heat_iso),
        nox_pte_iso_tons_per_yr_with_scr=tons(rate[True], heat_iso),
        nox_pte_worst_tons_per_yr_without_scr=tons(rate[False], heat_worst),
        nox_pte_worst_tons_per_yr_with_scr=tons(rate[True], heat_worst),
        psd_listed_category=is_psd_listed_category(unit, heat_worst),
    )


# -- permit path ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermitPath:
    """Air-permit path of a plant, with the rule, threshold and county class behind it.

    Attributes
    ----------
    path : str
        ``"minor_source"``, ``"title_v_only"``, ``"psd_major"``, ``"nonattainment_nsr"`` or
        ``"unknown"`` (no NOx figure for the unit).
    reason : str
        One sentence naming the PTE, the rule, the threshold, the county's class and its source.
    rule : str
        The rule that decides the path (the one whose threshold is reached, or for a minor
        source the lowest one not reached).
    threshold_tons_per_yr : float
        That rule's NOx threshold [short tons/yr].
    county_class : str
        Class the verdict used: ``"attainment"`` or one of :data:`OZONE_CLASSES`.
    class_assumed : bool
        True when the county is ozone nonattainment of unknown class and
        :data:`STRICTEST_OZONE_CLASS` was assumed.
    class_source : str
        Where the county's class comes from (as the caller gave it).
    major_source_threshold_tons_per_yr : float
        NSR major-source threshold of the county: nonattainment NSR in an ozone area, PSD in
        attainment [short tons/yr].
    title_v_threshold_tons_per_yr : float
        [short tons/yr]
    psd_threshold_tons_per_yr : float
        PSD threshold for NOx as NO2 (applies in ozone areas too) [short tons/yr].
    psd_listed_category : bool
    offset_ratio : float
        NOx offsets per ton of PTE (nonattainment), NaN otherwise [-].
    offsets_tons_per_yr : float
        Offsets to secure: PTE x ratio on the nonattainment NSR path, else 0 [short tons/yr].
    nox_pte_tons_per_yr : float
        The PTE compared (the worst-hour figure when the caller has it) [short tons/yr].
    nox_pte_iso_tons_per_yr : float
        PTE at ISO rating, reported beside it; NaN when not given [short tons/yr].
    """

    path: str
    reason: str
    rule: str
    threshold_tons_per_yr: float
    county_class: str
    class_assumed: bool
    class_source: str
    major_source_threshold_tons_per_yr: float
    title_v_threshold_tons_per_yr: float
    psd_threshold_tons_per_yr: float
    psd_listed_category: bool
    offset_ratio: float
    offsets_tons_per_yr: float
    nox_pte_tons_per_yr: float
    nox_pte_iso_tons_per_yr: float


def permit_path(nox_pte_tons_per_yr: float, nonattainment_class: str | None, *, psd_listed_category: bool = False,
                class_source: str = "", nox_pte_iso_tons_per_yr: float = math.nan) -> PermitPath:
    """Which air permit a plant with this NOx potential to emit needs, and why.

    In attainment the plant is PSD-major at 250 tpy (100 tpy for a listed category) and
    needs Title V at 100 tpy. In an ozone nonattainment area NOx is an ozone precursor: the
    plant needs nonattainment NSR (LAER and offsets) at the class's threshold (marginal and
    moderate 100, serious 50, severe 25, extreme 10 tpy), Title V at the same threshold, and
    is PSD-major for NO2 as well at 250/100 tpy. A nonattainment county of unknown class is
    screened as :data:`STRICTEST_OZONE_CLASS` (see that constant for why), and the reason says so.

    Parameters
    ----------
    nox_pte_tons_per_yr : float
        NOx potential to emit [short tons/yr], preferably at the worst hour
        (:attr:`PotentialToEmit.nox_pte_worst_tons_per_yr_with_scr`); NaN gives ``"unknown"``.
    nonattainment_class : str or None
        The county's ozone classification in any spelling :func:`normalize_ozone_class` reads;
        None or "attainment" = attainment; :data:`UNKNOWN_CLASS` (``"nonattainment"``) =
        nonattainment of unknown class.
    psd_listed_category : bool
        The plant is a PSD listed category (:func:`is_psd_listed_category`).
    class_source : str
        Where the class comes from, quoted in the reason (e.g. ``"40 CFR 81.344"``).
    nox_pte_iso_tons_per_yr : float
        PTE at ISO rating, quoted beside the compared figure [short tons/yr].

    Returns
    -------
    PermitPath
    """
    given = normalize_ozone_class(nonattainment_class)
    assumed = given == UNKNOWN_CLASS
    cls = STRICTEST_OZONE_CLASS if assumed else given
    t = thresholds(cls, psd_listed_category=psd_listed_category)
    source = class_source.strip() or "source not given"
    if assumed:
        class_text = (f"ozone nonattainment of unknown class ({source}): the strictest class a 2008/2015 area "
                      f"could have, {cls}, is assumed")
    else:
        class_text = f"county class {cls} ({source})"
    pte = float(nox_pte_tons_per_yr)
    iso = float(nox_pte_iso_tons_per_yr)
    pte_text = f"NOx PTE {pte:,.0f} tpy" + (f" at the worst hour ({iso:,.0f} tpy at ISO)" if math.isfinite(iso) else "")
    major = t.psd_tons_per_yr if cls == "attainment" else t.nnsr_tons_per_yr
    common = dict(county_class=cls, class_assumed=assumed, class_source=class_source.strip(),
                  major_source_threshold_tons_per_yr=major, title_v_threshold_tons_per_yr=t.title_v_tons_per_yr,
                  psd_threshold_tons_per_yr=t.psd_tons_per_yr, psd_listed_category=psd_listed_category,
                  offset_ratio=t.offset_ratio, nox_pte_tons_per_yr=pte, nox_pte_iso_tons_per_yr=iso)
    if not math.isfinite(pte):
        return PermitPath(path="unknown", rule="", threshold_tons_per_yr=major, offsets_tons_per_yr=math.nan,
                          reason=f"no NOx figure for this unit in the catalog: permit path cannot be screened; {class_text}",
                          **common)
    if cls == "attainment":
        if pte >= t.psd_tons_per_yr:
            return PermitPath(path="psd_major", rule=t.psd_rule, threshold_tons_per_yr=t.psd_tons_per_yr,
                              offsets_tons_per_yr=0.0,
                              reason=f"{pte_text} >= {t.psd_tons_per_yr:,.0f} tpy ({t.psd_rule}); {class_text}",
                              **common)
    elif pte >= t.nnsr_tons_per_yr:
        offsets = pte * t.offset_ratio
        also = (f"; also PSD-major for NO2 at >= {t.psd_tons_per_yr:,.0f} tpy ({t.psd_rule})"
                if pte >= t.psd_tons_per_yr else "")
        return PermitPath(path="nonattainment_nsr", rule=t.nnsr_rule, threshold_tons_per_yr=t.nnsr_tons_per_yr,
                          offsets_tons_per_yr=offsets,
                          reason=(f"{pte_text} >= {t.nnsr_tons_per_yr:,.0f} tpy major-source threshold of {t.nnsr_rule}; "
                                  f"{class_text}; LAER and offsets at {t.offset_ratio}:1 ({offsets:,.0f} tpy) "
                                  f"needed{also}"),
                          **common)
    if pte >= t.title_v_tons_per_yr:
        return PermitPath(path="title_v_only", rule=t.title_v_rule, threshold_tons_per_yr=t.title_v_tons_per_yr,
                          offsets_tons_per_yr=0.0,
                          reason=(f"{pte_text} >= {t.title_v_tons_per_yr:,.0f} tpy ({t.title_v_rule}) but below the "
                                  f"{major:,.0f} tpy NSR major-source threshold; {class_text}"),
                          **common)
    return PermitPath(path="minor_source", rule=t.title_v_rule, threshold_tons_per_yr=t.title_v_tons_per_yr,
                      offsets_tons_per_yr=0.0,
                      reason=(f"{pte_text} below Title V ({t.title_v_tons_per_yr:,.0f} tpy, {t.title_v_rule}) and the "
                              f"{major:,.0f} tpy NSR major-source threshold; {class_text}"),
                      **common)


def fleet_permit_path(pte: PotentialToEmit, nonattainment_class: str | None, *, scr: bool = True,
                      class_source: str = "") -> PermitPath:
    """Permit path of a fleet from its worst-hour PTE, with the ISO figure reported beside it.

    Parameters
    ----------
    pte : PotentialToEmit
        From :func:`potential_to_emit`.
    nonattainment_class : str or None
        As for :func:`permit_path`.
    scr : bool
        Screen the PTE with SCR (the design case) or without.
    class_source : str
        Where the county's class comes from.

    Returns
    -------
    PermitPath
    """
    tag = "with_scr" if scr else "without_scr"
    return permit_path(getattr(pte, f"nox_pte_worst_tons_per_yr_{tag}"), nonattainment_class,
                       psd_listed_category=pte.psd_listed_category, class_source=class_source,
                       nox_pte_iso_tons_per_yr=getattr(pte, f"nox_pte_iso_tons_per_yr_{tag}"))
