"""Hourly cooling water and PUE of a datacenter for each heat-rejection design.

Four designs, looked up by name (:func:`cooling_design`):

``evaporative``
    Open cooling towers with a water-side economiser and chiller trim. The tower leaving
    water is ``wet bulb + approach``; make-up water = evaporation + blowdown.
``hybrid``
    Dry coolers with adiabatic pre-cooling pads. Below a dry-bulb switch-over temperature
    the coolers run dry (no water); above it the pads cool the entering air towards the wet
    bulb, evaporating water.
``dry``
    Dry (air-cooled) coolers with chiller trim; no cooling water.
``liquid_to_chip``
    Closed-loop direct-to-chip liquid cooling rejected through dry coolers at warm water
    temperature; no cooling water once filled.

The model, for every hour (all steps vectorised):

1. Psychrometrics of the outdoor air (:mod:`models.psychrometrics`).
2. Temperature of the air entering the heat-rejection equipment: wet bulb (towers), dry bulb
   (dry coolers) or, for hybrid above the switch-over, the pad outlet
   ``t_db - effectiveness * (t_db - t_wb)`` (direct evaporative cooler effectiveness).
3. The coldest water the equipment can make is ``t_reach = t_entering + approach``. An
   integrated water-side economiser pre-cools the return water (supply + range); the share of
   the heat the chiller must still remove is ``clip((t_reach - t_supply) / range, 0, 1)``.
   When ``t_reach`` is below the supply set-point the fans throttle, so the cold water is
   ``t_cold = max(t_reach, t_supply)``.
4. Chiller power = that share of the heat / COP, with COP = a Carnot fraction times the
   Carnot COP between the supply temperature and the condenser leaving water
   (``t_cold + range``). The Carnot fraction 0.626 is derived from ASHRAE 90.1 minimum
   chiller efficiency at AHRI 550/590 rating conditions (see :data:`CHILLER_CARNOT_FRACTION`).
5. PUE = 1 + electrical losses + (fans and pumps + chiller power) per unit of IT power.
6. Water, on the heat actually rejected (IT heat plus compressor work):

   * towers: a heat and mass balance on the air, which leaves saturated at the mean water
     temperature ``t_cold + range / 2``: evaporation = Q (W_out - W_in) / (h_out - h_in).
     At summer conditions this gives about 1.5-1.6 L per kWh of heat, the "latent heat of
     vaporisation" figure (3.6 MJ / ~2.43 MJ/kg); in cold weather part of the heat leaves as
     sensible heat and less water evaporates. Blowdown = evaporation / (cycles - 1).
   * hybrid pads: the air stream through the dry coolers, sized for the air-side temperature
     rise ``m_air = Q / (cp * dT_air)``, is humidified at constant wet bulb from W_in to
     W_pad; evaporation = m_air (W_pad - W_in); bleed = evaporation / (cycles - 1).

   Consumption is the evaporation (water that leaves as vapour); withdrawal is the make-up
   water (evaporation plus blowdown, which returns to a sewer or a water body).

WUE follows The Green Grid (WP#35, 2011) as quoted in ``water_use_factors.csv``: annual
site water [L] / annual IT energy [kWh]; this module reports it on both a consumption and a
withdrawal (make-up) basis.

Every parameter of a design is an engineering assumption stated in :class:`CoolingDesign`
with its reasoning; none of them is fitted to a published WUE. The tests compare the
annual results with the published WUE and PUE rows of ``water_use_factors.csv``.

References
----------
.. [1] ASHRAE (2017). Handbook - Fundamentals, ch. 1 (psychrometrics).
.. [2] ASHRAE (2020). Handbook - HVAC Systems and Equipment, ch. 40 "Cooling towers" (tower
   heat and mass balance, approach and range, blowdown = evaporation / (cycles - 1)) and
   ch. 41 "Evaporative air coolers" (direct evaporative effectiveness).
.. [3] The Green Grid (2011). WP#35, Water Usage Effectiveness (WUE).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import psychrometrics as ps
from models.errors import ConfigError, DataError, unknown_name
from models.units import (
    HOURS_PER_YEAR,
    J_PER_KWH,
    KELVIN_AT_0_DEGC,
    KWH_PER_MWH,
    L_PER_GAL,
    WATER_DENSITY_KG_PER_L,
)

log = logging.getLogger(__name__)

#: Specific heat of liquid water [J/(kg K)], the ASHRAE 2017 ch. 1 eq. 33 coefficient 4.186 kJ/(kg K).
CP_WATER_J_PER_KG_K = 4186.0

#: Specific heat of dry air [J/(kg K)] and of water vapour [J/(kg K)], ASHRAE 2017 ch. 1 eq. 30.
CP_DRY_AIR_J_PER_KG_K = 1006.0
CP_VAPOR_J_PER_KG_K = 1860.0

#: Chiller efficiency as a fraction of the Carnot COP [-].
#: Derived: ASHRAE 90.1-2019 Table 6.8.1-3 minimum full-load efficiency of a water-cooled
#: centrifugal chiller >= 600 tons (path A) is 0.560 kW/ton, i.e. COP = 3.517 / 0.560 = 6.28,
#: at AHRI 550/590 rating conditions (6.7 degC leaving chilled water, 29.4 degC entering and
#: about 34.6 degC leaving condenser water). Carnot COP between 6.7 and 34.6 degC is
#: 279.85 / 27.9 = 10.03; 6.28 / 10.03 = 0.626.
CHILLER_CARNOT_FRACTION = 0.626


@dataclass(frozen=True)
class CoolingDesign:
    """Parameters of one heat-rejection design.

    Attributes
    ----------
    name : str
        Registry key.
    description : str
        One line for reports.
    entering_air : str
        Which air temperature the equipment works against: ``"wet_bulb"`` (towers),
        ``"dry_bulb"`` (dry coolers) or ``"adiabatic"`` (dry coolers with pads).
    supply_temp_degc : float
        Facility water supply temperature the heat rejection must deliver without a chiller
        [degC].
    approach_degc : float
        Leaving water minus entering air temperature of the heat-rejection equipment [degC].
    range_degc : float
        Water temperature drop across the heat rejection (return minus supply) [degC].
    cycles_of_concentration : float
        Ratio of dissolved solids in the circulating water to the make-up water [-] (towers
        and pads; NaN where no water evaporates).
    adiabatic_switchover_degc : float
        Dry-bulb temperature above which adiabatic pads run [degC] (hybrid; NaN otherwise).
    adiabatic_effectiveness_frac : float
        Saturation effectiveness of the pads [-] (hybrid; NaN otherwise).
    air_temp_rise_degc : float
        Air temperature rise across the dry coolers [degC] (sizes the air flow the pads wet).
    fan_pump_power_frac : float
        Fan and pump power per unit of heat rejected [-].
    electrical_loss_frac : float
        Electrical distribution, UPS and lighting losses per unit of IT power [-].
    loop_residence_min : float
        System water volume expressed in minutes of design circulation [min] (initial fill).
    assumptions : str
        Where the values come from.
    """

    name: str
    description: str
    entering_air: str
    supply_temp_degc: float
    approach_degc: float
    range_degc: float
    cycles_of_concentration: float
    adiabatic_switchover_degc: float
    adiabatic_effectiveness_frac: float
    air_temp_rise_degc: float
    fan_pump_power_frac: float
    electrical_loss_frac: float
    loop_residence_min: float
    assumptions: str

    def __post_init__(self) -> None:
        if self.entering_air not in ("wet_bulb", "dry_bulb", "adiabatic"):
            raise ConfigError(f"{self.name}: entering_air={self.entering_air!r}; expected wet_bulb, dry_bulb or adiabatic")
        for f in ("approach_degc", "range_degc", "air_temp_rise_degc", "loop_residence_min"):
            if not getattr(self, f) > 0:
                raise ConfigError(f"{self.name}: {f}={getattr(self, f)!r}; expected a positive number")
        if self.entering_air != "dry_bulb" and not self.cycles_of_concentration > 1:
            raise ConfigError(
                f"{self.name}: cycles_of_concentration={self.cycles_of_concentration!r}; expected > 1 "
                "(blowdown = evaporation / (cycles - 1))"
            )

    def replace(self, **changes) -> CoolingDesign:
        """A copy with some parameters changed (validated again), e.g. for a sensitivity run."""
        from dataclasses import replace

        return replace(self, **changes)


_COMMON = (
    "Electrical losses 0.07 of IT (assumed: UPS, transformers, lighting of a new build) and fan/pump power "
    "are engineering assumptions chosen so annual PUE lands in the published range: 1.15 for aggressive "
    "evaporative designs (KVRM), 'new builds 1.3 or better' (Uptime 2024), US fleet 1.4 (LBNL 2024). "
    "Facility water temperatures follow the ASHRAE TC 9.9 liquid-cooling classes (W27: supply up to 27 degC; "
    "W32: up to 32 degC). Initial fill assumes a system volume of a few minutes of design circulation "
    "(assumed; no published figure in the reference set)."
)

COOLING_DESIGNS: dict[str, CoolingDesign] = {
    d.name: d
    for d in (
        CoolingDesign(
            name="evaporative",
            description="open cooling towers, water-side economiser, chiller trim",
            entering_air="wet_bulb",
            supply_temp_degc=27.0,
            approach_degc=4.0,
            range_degc=5.6,
            cycles_of_concentration=4.0,
            adiabatic_switchover_degc=float("nan"),
            adiabatic_effectiveness_frac=float("nan"),
            air_temp_rise_degc=10.0,
            fan_pump_power_frac=0.03,
            electrical_loss_frac=0.07,
            loop_residence_min=10.0,
            assumptions=(
                "Approach 4 degC (7 F) and range 5.6 degC (10 F) are common tower design values (ASHRAE HVAC S&E "
                "ch. 40 describes approach/range; values assumed). 4 cycles of concentration is a mid value of the "
                "3-6 usual with municipal make-up (assumed; set by water chemistry). Supply W27. "
                "Residence 10 min includes the tower basins. " + _COMMON
            ),
        ),
        CoolingDesign(
            name="hybrid",
            description="dry coolers with adiabatic pre-cooling above a dry-bulb switch-over",
            entering_air="adiabatic",
            supply_temp_degc=27.0,
            approach_degc=6.0,
            range_degc=5.6,
            cycles_of_concentration=3.0,
            adiabatic_switchover_degc=21.0,
            adiabatic_effectiveness_frac=0.85,
            air_temp_rise_degc=10.0,
            fan_pump_power_frac=0.04,
            electrical_loss_frac=0.07,
            loop_residence_min=5.0,
            assumptions=(
                "Switch-over 21 degC = supply 27 degC minus the 6 degC dry approach: pads run exactly when dry "
                "coolers alone cannot hold the supply temperature. Pad effectiveness 0.85 is within the 0.7-0.9 "
                "of rigid-media direct evaporative coolers (ASHRAE HVAC S&E ch. 41; assumed). Air rise 10 degC "
                "and 3 cycles of pad-water concentration are assumed. " + _COMMON
            ),
        ),
        CoolingDesign(
            name="dry",
            description="dry (air-cooled) coolers with chiller trim; no cooling water",
            entering_air="dry_bulb",
            supply_temp_degc=27.0,
            approach_degc=6.0,
            range_degc=5.6,
            cycles_of_concentration=float("nan"),
            adiabatic_switchover_degc=float("nan"),
            adiabatic_effectiveness_frac=float("nan"),
            air_temp_rise_degc=10.0,
            fan_pump_power_frac=0.05,
            electrical_loss_frac=0.07,
            loop_residence_min=5.0,
            assumptions="Dry approach 6 degC (assumed); more fan power than towers. " + _COMMON,
        ),
        CoolingDesign(
            name="liquid_to_chip",
            description="closed-loop direct-to-chip liquid cooling on warm water, dry heat rejection",
            entering_air="dry_bulb",
            supply_temp_degc=32.0,
            approach_degc=6.0,
            range_degc=8.0,
            cycles_of_concentration=float("nan"),
            adiabatic_switchover_degc=float("nan"),
            adiabatic_effectiveness_frac=float("nan"),
            air_temp_rise_degc=10.0,
            fan_pump_power_frac=0.04,
            electrical_loss_frac=0.07,
            loop_residence_min=5.0,
            assumptions=(
                "Warm-water W32 supply and an 8 degC range (assumed) let dry coolers carry nearly every hour; "
                "Microsoft's chip-level closed-loop design claims zero cooling water after fill "
                "(water_use_factors.csv). " + _COMMON
            ),
        ),
    )
}


def cooling_design(name: str | CoolingDesign) -> CoolingDesign:
    """Look up a cooling design by name (a :class:`CoolingDesign` passes through).

    Raises
    ------
    UnknownNameError
        For an unknown name; the message lists the valid ones.
    """
    if isinstance(name, CoolingDesign):
        return name
    try:
        return COOLING_DESIGNS[name]
    except KeyError:
        raise unknown_name("cooling design", name, COOLING_DESIGNS) from None


def chiller_cop(supply_temp_degc, condenser_temp_degc):
    """Chiller coefficient of performance as a fixed fraction of the Carnot COP.

    Parameters
    ----------
    supply_temp_degc : array_like
        Chilled (facility) water supply temperature, taken as the evaporating temperature [degC].
    condenser_temp_degc : array_like
        Condenser leaving water temperature, taken as the condensing temperature [degC].

    Returns
    -------
    numpy.ndarray
        COP [-] (kW of heat removed per kW of compressor power); inf where there is no lift.

    References
    ----------
    Carnot COP = T_evap / (T_cond - T_evap) in kelvin; fraction :data:`CHILLER_CARNOT_FRACTION`
    derived from ASHRAE 90.1-2019 Table 6.8.1-3 at AHRI 550/590 conditions.
    """
    te = np.asarray(supply_temp_degc, dtype=float) + KELVIN_AT_0_DEGC
    lift = np.asarray(condenser_temp_degc, dtype=float) + KELVIN_AT_0_DEGC - te
    with np.errstate(divide="ignore"):
        return np.where(lift > 0, CHILLER_CARNOT_FRACTION * te / np.where(lift > 0, lift, 1.0), np.inf)


def _kg_to_gal(kg):
    return kg / WATER_DENSITY_KG_PER_L / L_PER_GAL


def _check_weather_index(weather: pd.DataFrame) -> None:
    if len(weather) == 0:
        raise DataError("weather table is empty; give hourly rows (8,760 for a typical year)")
    if isinstance(weather.index, pd.DatetimeIndex) and len(weather) > 1:
        step = pd.Series(weather.index).diff().dropna().median()
        if step != pd.Timedelta(hours=1):
            raise DataError(f"weather rows are {step} apart; the cooling model needs hourly rows (resample first)")


def hourly_cooling(weather: pd.DataFrame, it_load_mw, design: str | CoolingDesign) -> pd.DataFrame:
    """Hourly PUE, cooling power and cooling water of a datacenter.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly rows with ``temp_air_degc`` [degC], ``pressure_pa`` [Pa] and
        ``relative_humidity_pct`` [%] or ``temp_dew_degc`` [degC].
    it_load_mw : float or array_like
        IT power in each hour [MW] (a scalar for a flat load).
    design : str or CoolingDesign
        Cooling design name (``evaporative``, ``hybrid``, ``dry``, ``liquid_to_chip``) or object.

    Returns
    -------
    pandas.DataFrame
        On the weather index: ``temp_air_degc``, ``temp_wet_bulb_degc``, ``temp_entering_air_degc``,
        ``temp_cold_water_degc`` [degC]; ``adiabatic_on`` [bool]; ``mechanical_cooling_frac`` [-];
        ``chiller_cop`` [-]; ``it_load_mw``, ``cooling_power_mw``, ``facility_power_mw``,
        ``heat_rejected_mw`` [MW]; ``pue`` [-]; ``evaporation_gal``, ``blowdown_gal``,
        ``water_consumption_gal``, ``water_withdrawal_gal`` [gal in the hour].

    Raises
    ------
    DataError
        On missing weather columns, non-hourly rows or a negative IT load.

    References
    ----------
    See the module docstring: ASHRAE Handbook - Fundamentals (2017) ch. 1; HVAC Systems and
    Equipment (2020) ch. 40-41.
    """
    d = cooling_design(design)
    _check_weather_index(weather)
    psy = ps.weather_psychrometrics(weather)
    tdb = psy["temp_air_degc"].to_numpy()
    twb = psy["temp_wet_bulb_degc"].to_numpy()
    w_in = psy["humidity_ratio_kg_per_kg"].to_numpy()
    h_in = psy["enthalpy_j_per_kg"].to_numpy()
    p = psy["pressure_pa"].to_numpy()
    it = np.broadcast_to(np.asarray(it_load_mw, dtype=float), tdb.shape).astype(float)
    if np.any(it[np.isfinite(it)] < 0):
        raise DataError(f"it_load_mw has negative values (min {np.nanmin(it)}); expected IT power >= 0 [MW]")

    adiabatic_on = np.zeros(tdb.shape, dtype=bool)
    if d.entering_air == "wet_bulb":
        t_enter = twb
    elif d.entering_air == "dry_bulb":
        t_enter = tdb
    else:
        adiabatic_on = tdb > d.adiabatic_switchover_degc
        t_enter = np.where(adiabatic_on, tdb - d.adiabatic_effectiveness_frac * (tdb - twb), tdb)
    t_reach = t_enter + d.approach_degc  # coldest water the equipment could make this hour
    mech = np.clip((t_reach - d.supply_temp_degc) / d.range_degc, 0.0, 1.0)
    # when it could make colder water than needed, fans throttle to hold the supply temperature
    t_cold = np.maximum(t_reach, d.supply_temp_degc)
    cop = chiller_cop(d.supply_temp_degc, t_cold + d.range_degc)
    compressor_mw = it * mech / cop
    heat_mw = it + compressor_mw
    cooling_mw = heat_mw * d.fan_pump_power_frac + compressor_mw
    facility_mw = it * (1.0 + d.electrical_loss_frac) + cooling_mw
    with np.errstate(invalid="ignore", divide="ignore"):
        pue = np.where(it > 0, facility_mw / it, np.nan)

    heat_j = heat_mw * 1000.0 * J_PER_KWH  # MW x 1 h = 1000 kWh per MW
    evap_kg = np.zeros(tdb.shape)
    if d.entering_air == "wet_bulb":
        t_exhaust = t_cold + d.range_degc / 2.0
        w_out = ps.saturation_humidity_ratio(t_exhaust, p)
        h_out = ps.moist_air_enthalpy_j_per_kg(t_exhaust, w_out)
        evap_kg = heat_j * (w_out - w_in) / (h_out - h_in)
    elif d.entering_air == "adiabatic":
        # direct evaporative cooling keeps the thermodynamic wet bulb (ASHRAE HVAC S&E ch. 41):
        # the pad outlet humidity follows from ASHRAE 2017 ch. 1 eq. 33 at (t_pad, t_wb)
        w_pad = ps.humidity_ratio_from_wet_bulb(t_enter, twb, p)
        cp_air = CP_DRY_AIR_J_PER_KG_K + CP_VAPOR_J_PER_KG_K * w_pad
        m_air_kg = heat_j / (cp_air * d.air_temp_rise_degc)
        evap_kg = np.where(adiabatic_on, m_air_kg * np.maximum(w_pad - w_in, 0.0), 0.0)
    evap_gal = _kg_to_gal(evap_kg)
    if d.entering_air == "dry_bulb":
        blow_gal = np.zeros(tdb.shape)
    else:
        blow_gal = evap_gal / (d.cycles_of_concentration - 1.0)

    return pd.DataFrame(
        {
            "temp_air_degc": tdb,
            "temp_wet_bulb_degc": twb,
            "temp_entering_air_degc": t_enter,
            "temp_cold_water_degc": t_cold,
            "adiabatic_on": adiabatic_on,
            "mechanical_cooling_frac": mech,
            "chiller_cop": cop,
            "it_load_mw": it,
            "cooling_power_mw": cooling_mw,
            "facility_power_mw": facility_mw,
            "heat_rejected_mw": heat_mw,
            "pue": pue,
            "evaporation_gal": evap_gal,
            "blowdown_gal": blow_gal,
            "water_consumption_gal": evap_gal,
            "water_withdrawal_gal": evap_gal + blow_gal,
        },
        index=weather.index,
    )


def initial_fill_gal(design: str | CoolingDesign, heat_rejection_mw: float) -> float:
    """Water needed to fill the cooling loops once [gal].

    System volume = design circulation (heat / (cp_water x range)) x the design's
    ``loop_residence_min``. The residence time is an assumption (see the design's
    ``assumptions``), not a published figure.

    Parameters
    ----------
    design : str or CoolingDesign
        Cooling design.
    heat_rejection_mw : float
        Design heat rejection, normally the IT load [MW].

    Returns
    -------
    float
        Fill volume [gal].
    """
    d = cooling_design(design)
    if not heat_rejection_mw >= 0:
        raise DataError(f"heat_rejection_mw={heat_rejection_mw!r}; expected a number >= 0 [MW]")
    flow_kg_per_s = heat_rejection_mw * 1e6 / (CP_WATER_J_PER_KG_K * d.range_degc)
    return float(_kg_to_gal(flow_kg_per_s * d.loop_residence_min * 60.0))


@dataclass(frozen=True)
class CoolingSummary:
    """Annual cooling results of one design at one site.

    Attributes
    ----------
    design : str
        Cooling design name.
    method : str
        ``"hourly_weather"`` (modelled from hourly weather) or ``"published_wue"`` (a
        published WUE times IT energy, weather-independent).
    hours : int
        Hours modelled (8,760 for a typical year); annual figures are scaled to 8,760 h.
    it_energy_mwh_per_yr : float
        IT energy [MWh/yr].
    facility_energy_mwh_per_yr : float
        Facility energy [MWh/yr].
    pue_annual : float
        Annual PUE, facility over IT energy [-].
    pue_peak : float
        Highest hourly PUE [-] (NaN for the published-WUE method).
    water_consumption_gal_per_yr : float
        Cooling water evaporated [gal/yr].
    water_withdrawal_gal_per_yr : float
        Cooling make-up water [gal/yr] (NaN when the source gives no withdrawal figure).
    peak_day_consumption_gal_per_day : float
        Consumption on the day of the year with the most [gal/day].
    peak_day_withdrawal_gal_per_day : float
        Withdrawal on the day with the most [gal/day].
    wue_consumption_l_per_kwh : float
        Consumption per IT energy [L/kWh].
    wue_withdrawal_l_per_kwh : float
        Make-up water per IT energy [L/kWh] (The Green Grid's site WUE).
    initial_fill_gal : float
        One-time fill of the loops [gal].
    adiabatic_hours : int
        Hours with adiabatic pads running.
    mechanical_cooling_hours : int
        Hours in which a chiller runs.
    basis : str
        Plain-language statement of what the numbers include.
    """

    design: str
    method: str
    hours: int
    it_energy_mwh_per_yr: float
    facility_energy_mwh_per_yr: float
    pue_annual: float
    pue_peak: float
    water_consumption_gal_per_yr: float
    water_withdrawal_gal_per_yr: float
    peak_day_consumption_gal_per_day: float
    peak_day_withdrawal_gal_per_day: float
    wue_consumption_l_per_kwh: float
    wue_withdrawal_l_per_kwh: float
    initial_fill_gal: float
    adiabatic_hours: int
    mechanical_cooling_hours: int
    basis: str

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _daily_max(values: np.ndarray, index: pd.Index) -> float:
    if isinstance(index, pd.DatetimeIndex):
        return float(pd.Series(values, index=index).groupby(index.normalize()).sum().max())
    n = len(values)
    return float(pd.Series(values).groupby(np.arange(n) // 24).sum().max())


def annual_cooling(hourly: pd.DataFrame, design: str | CoolingDesign) -> CoolingSummary:
    """Annual totals, WUE and peak day from :func:`hourly_cooling`.

    Totals are scaled by 8,760 / number of hours, so a shorter run reports per-year rates.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Output of :func:`hourly_cooling`.
    design : str or CoolingDesign
        The design that produced it (for the fill volume and the label).

    Returns
    -------
    CoolingSummary
        Annual results (units in the attribute names).
    """
    d = cooling_design(design)
    n = len(hourly)
    scale = HOURS_PER_YEAR / n
    it_mwh = float(hourly["it_load_mw"].sum()) * scale
    fac_mwh = float(hourly["facility_power_mw"].sum()) * scale
    cons = float(hourly["water_consumption_gal"].sum()) * scale
    wdr = float(hourly["water_withdrawal_gal"].sum()) * scale
    it_kwh = it_mwh * KWH_PER_MWH
    return CoolingSummary(
        design=d.name,
        method="hourly_weather",
        hours=n,
        it_energy_mwh_per_yr=it_mwh,
        facility_energy_mwh_per_yr=fac_mwh,
        pue_annual=fac_mwh / it_mwh if it_mwh > 0 else float("nan"),
        pue_peak=float(hourly["pue"].max()),
        water_consumption_gal_per_yr=cons,
        water_withdrawal_gal_per_yr=wdr,
        peak_day_consumption_gal_per_day=_daily_max(hourly["water_consumption_gal"].to_numpy(), hourly.index),
        peak_day_withdrawal_gal_per_day=_daily_max(hourly["water_withdrawal_gal"].to_numpy(), hourly.index),
        wue_consumption_l_per_kwh=cons * L_PER_GAL / it_kwh if it_kwh > 0 else float("nan"),
        wue_withdrawal_l_per_kwh=wdr * L_PER_GAL / it_kwh if it_kwh > 0 else float("nan"),
        initial_fill_gal=initial_fill_gal(d, float(hourly["it_load_mw"].max())),
        adiabatic_hours=int(hourly["adiabatic_on"].sum()),
        mechanical_cooling_hours=int((hourly["mechanical_cooling_frac"] > 0).sum()),
        basis=(
            f"modelled hour by hour from {n:,} hours of weather for {d.name} cooling ({d.description}); "
            "consumption = evaporation, withdrawal = make-up (evaporation + blowdown); on-site cooling only, "
            "no humidification, domestic or landscape water; fill counted once, not in the annual figures"
        ),
    )


def cooling_from_published_wue(
    it_load_mw: float,
    wue_l_per_kwh: float,
    *,
    design: str | CoolingDesign,
    pue: float,
    it_utilization_frac: float = 1.0,
    basis: str,
) -> CoolingSummary:
    """Weather-independent cooling water: a published WUE times the IT energy.

    The WUE is applied as a consumption figure (published datacenter water footprints are
    consumption-style); withdrawal is NaN because the source does not give it. The peak day
    is the annual figure / 365 (no weather, so no seasonal shape).

    Parameters
    ----------
    it_load_mw : float
        Nameplate IT load [MW].
    wue_l_per_kwh : float
        Published WUE [L per kWh of IT energy].
    design : str or CoolingDesign
        Cooling design (label and fill volume).
    pue : float
        PUE to report [-] (from the scenario; not modelled on this path).
    it_utilization_frac : float
        Average IT load over nameplate [-].
    basis : str
        Where the WUE comes from and what it includes (shown in reports).

    Returns
    -------
    CoolingSummary
        With ``method="published_wue"``.
    """
    d = cooling_design(design)
    for name, v, lo in (("it_load_mw", it_load_mw, 0.0), ("wue_l_per_kwh", wue_l_per_kwh, 0.0)):
        if not (np.isfinite(v) and v >= lo):
            raise ConfigError(f"{name}={v!r}; expected a finite number >= {lo}")
    it_mwh = it_load_mw * it_utilization_frac * HOURS_PER_YEAR
    cons = wue_l_per_kwh * it_mwh * KWH_PER_MWH / L_PER_GAL
    return CoolingSummary(
        design=d.name,
        method="published_wue",
        hours=HOURS_PER_YEAR,
        it_energy_mwh_per_yr=it_mwh,
        facility_energy_mwh_per_yr=it_mwh * pue,
        pue_annual=pue,
        pue_peak=float("nan"),
        water_consumption_gal_per_yr=cons,
        water_withdrawal_gal_per_yr=float("nan"),
        peak_day_consumption_gal_per_day=cons / 365.0,
        peak_day_withdrawal_gal_per_day=float("nan"),
        wue_consumption_l_per_kwh=wue_l_per_kwh,
        wue_withdrawal_l_per_kwh=float("nan"),
        initial_fill_gal=initial_fill_gal(d, it_load_mw),
        adiabatic_hours=0,
        mechanical_cooling_hours=0,
        basis=basis,
    )
