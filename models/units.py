"""Unit conversion constants, each defined once with its source.

Conventions (see README, "Units and names"): power in MW, energy in MWh, distance in
km, area in km² (acres only where the trade quotes acres), money in USD of a stated
year, water volume in US gallons (``_gal``) with WUE in L/kWh as the industry
quotes it, temperature in °C, fuel energy in MMBtu on a stated heating-value basis
(HHV unless a name says ``_lhv``).
"""

from __future__ import annotations

#: Btu in one kWh (International Table Btu); 3412.14 Btu/kWh is 100 % efficiency.
#: Source: NIST SP 811 (2008), Appendix B.8: 1 Btu_IT = 1055.05585262 J.
BTU_PER_KWH = 3_600_000.0 / 1055.05585262

#: Btu in one MMBtu (one million Btu), by definition.
BTU_PER_MMBTU = 1.0e6

#: kWh in one MWh, by definition.
KWH_PER_MWH = 1000.0

#: Hours in a non-leap year, the length of a typical meteorological year.
HOURS_PER_YEAR = 8760

#: Litres in one US liquid gallon (231 in³). Source: NIST Handbook 44 (2024), Appendix C.
L_PER_GAL = 3.785411784

#: US gallons in one cubic metre, derived from :data:`L_PER_GAL`.
GAL_PER_M3 = 1000.0 / L_PER_GAL

#: Kilometres in one statute mile. Source: NIST SP 811 (2008), Appendix B.8.
KM_PER_MILE = 1.609344

#: Metres in one kilometre (SI prefix kilo = 10^3). Source: BIPM SI Brochure, 9th ed. (2019), Table 7.
M_PER_KM = 1000.0

#: Metres in one international foot. Source: NIST SP 811 (2008), Appendix B.8.
M_PER_FT = 0.3048

#: Square metres in one international acre. Source: NIST SP 811 (2008), Appendix B.8.
M2_PER_ACRE = 4046.8564224

#: Square metres in one square kilometre, by definition.
M2_PER_KM2 = 1.0e6

#: Pounds (avoirdupois) in one metric tonne. Source: NIST SP 811: 1 lb = 0.45359237 kg.
LB_PER_TONNE = 1000.0 / 0.45359237

#: Pounds in one short ton (US permits count tons per year in short tons), by definition.
LB_PER_SHORT_TON = 2000.0

#: Higher heating value of US pipeline gas [MMBtu per thousand cubic feet, Mcf].
#: Source: EIA, average heat content of natural gas delivered to consumers (1,029 Btu/scf),
#: as cited in ../shared/reference/gas_supply.csv and REFERENCES.md caveat 7.
MMBTU_PER_MCF_HHV = 1.029

#: Ratio HHV/LHV of pipeline natural gas [-]: 39.8 MJ/m³ HHV over 36.0 MJ/m³ LHV.
#: Source: ../shared/reference/gas_supply.csv (DOE figures via a secondary page); REFERENCES.md caveat 1.
HHV_PER_LHV_NATURAL_GAS = 39.8 / 36.0

#: Kelvin at 0 °C, by definition.
KELVIN_AT_0_DEGC = 273.15

#: Standard sea-level pressure [Pa]. Source: ISO 2533:1975 standard atmosphere.
STANDARD_PRESSURE_PA = 101_325.0


def degf_to_degc(temp_degf):
    """Convert °F to °C. Exact by definition of the Fahrenheit scale."""
    return (temp_degf - 32.0) * 5.0 / 9.0


def degc_to_degf(temp_degc):
    """Convert °C to °F. Exact by definition of the Fahrenheit scale."""
    return temp_degc * 9.0 / 5.0 + 32.0


#: Joules in one kWh, by definition (3600 s x 1000 W).
J_PER_KWH = 3.6e6

#: Density of liquid water at 25 degC [kg/L]. Source: CRC Handbook of Chemistry and Physics,
#: "Properties of water in the range 0-100 degC" (IAPWS-95): 0.99705 g/cm3.
WATER_DENSITY_KG_PER_L = 0.99705

#: Cubic metres in one acre-foot (one acre one foot deep), derived from M2_PER_ACRE and M_PER_FT.
M3_PER_ACRE_FT = M2_PER_ACRE * M_PER_FT

#: US gallons in one million gallons ("Mgal", the unit of USGS water-use tables), by definition.
GAL_PER_MGAL = 1.0e6

#: Pascals in one millibar (hPa), the pressure unit of TMY3 files, by definition (1 bar = 1e5 Pa).
PA_PER_MBAR = 100.0

#: Days in a non-leap year, for turning per-day rates into annual volumes.
DAYS_PER_YEAR = 365

#: Days in an average calendar month: a Julian year of 365.25 days (IAU) over 12 months.
#: Source: IAU, Resolution B1 (1976) / BIPM SI Brochure 9th ed., Table 8 note: 1 a (Julian year) = 365.25 d.
DAYS_PER_MONTH = 365.25 / 12.0

#: Kilograms in one metric tonne, by definition. Source: BIPM SI Brochure, 9th ed. (2019), Table 8: 1 t = 10^3 kg.
KG_PER_TONNE = 1000.0
