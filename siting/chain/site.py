"""The chain for one site or a vector of sites: fleet, dispatch, permits, water, money, time.

:func:`design_sites` designs many sites: grouped by weather station, then by distinct
(elevation, IT load) rows whose fleet and hourly year are computed once, in blocks through
the numba dispatch kernel; the capacity LP once per (station, fleet size, IT load). Every
per-site figure is computed by the same arithmetic whether a site is alone or in a block
of thousands, so :func:`design_site` (one site, with its hourly frames) gives identical
numbers (tested).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from models import cooling as cl
from models.reliability import ReliabilityDesign
from siting.chain import money, permits
from siting.chain import water as cw
from siting.chain.climate import Climate
from siting.chain.dispatch import YearBlock, pv_land_acres, renewables_capacity, wind_land_acres, year_block
from siting.chain.fleet import size_fleets
from siting.chain.resolved import ResolvedScenario
from siting.errors import ConfigError
from siting.scenario import POWER_DESIGNS

log = logging.getLogger(__name__)

#: Options compared, in report order (the scenario's power designs).
OPTIONS = POWER_DESIGNS

#: Distinct (elevation, IT load) rows of a station dispatched together (memory ~ rows x 8760 x 8 B x ~30:
#: the dispatch keeps ~14 hourly arrays per option, reserve and expected unserved energy included).
BLOCK_ROWS = 256


@dataclass(frozen=True)
class PowerOption:
    """One way to power the site, with its energy, fuel, emissions, permit, water, cost and timing.

    Attributes
    ----------
    design : str
        One of :data:`OPTIONS`.
    gas_units_count : int
        Gas units installed [-].
    gas_iso_capacity_mw, pv_capacity_mw_dc, wind_capacity_mw, battery_capacity_mw : float
        [MW] ([MW_dc] for PV).
    battery_energy_mwh : float
        [MWh]
    lcoe_usd_per_mwh : float
        Levelised cost of delivered energy [USD/MWh of the scenario's ``dollar_year``]: the sum of
        the ``cost_*_usd_per_mwh`` lines.
    cost_capital_om_usd_per_mwh, cost_fuel_usd_per_mwh, cost_variable_om_usd_per_mwh,
    cost_gas_lateral_usd_per_mwh, cost_grid_connection_usd_per_mwh, cost_land_usd_per_mwh,
    cost_grid_energy_usd_per_mwh : float
        The cost stack [USD/MWh]: equipment capital (annualised) and fixed O&M, fuel, variable
        O&M, the gas lateral, the grid connection, land, grid energy.
    capex_usd : float
        Overnight capital of the option: equipment, lateral, grid connection, land [USD].
    fuel_price_usd_per_mmbtu : float
        The site's delivered gas price [USD/MMBtu HHV].
    renewable_fraction_frac, gas_share_frac, grid_share_frac, curtailment_frac : float
        Shares of delivered energy (curtailment: of available renewable energy) [-].
    gas_mwh_per_yr, pv_mwh_per_yr, wind_mwh_per_yr, grid_mwh_per_yr, unserved_mwh_per_yr : float
        Energy by source [MWh/yr] (PV and wind: renewable energy delivered to the load, direct and
        through the battery, split hour by hour by availability; unserved: short with every unit
        available).
    expected_unserved_mwh_per_yr : float
        Expected energy not served over the gas units' forced outages and planned maintenance
        [MWh/yr] (the hourly dispatch's exact expectation; NaN for ``grid_with_backup``, whose
        supply is the grid's).
    reserve_short_hours_per_yr : float
        Hours the committed units and the battery could not hold reserve for the loss of one
        unit [h/yr] (NaN for ``grid_with_backup``).
    fuel_mmbtu_hhv_per_yr : float
        [MMBtu HHV/yr]
    gas_peak_mmcf_per_day, gas_avg_mmcf_per_day : float
        Gas demand [MMcf/d].
    gas_starts_per_yr : float
        Unit starts [-/yr].
    co2_tonnes_per_yr : float
        [t/yr]
    nox_tons_per_yr_without_scr, nox_tons_per_yr_with_scr : float
        [short tons/yr]
    nox_pte_tons_per_yr_with_scr, nox_pte_iso_tons_per_yr_with_scr : float
        NOx potential to emit with SCR at the fleet's worst hour (the permit basis) and at ISO [short tons/yr].
    air_permit_path, air_permit_reason : str
        The permit path and one sentence naming the PTE, the rule, its threshold and the
        county's class with its source.
    air_permit_threshold_tons_per_yr : float
        The NOx threshold of the rule that decided the path [short tons/yr].
    air_permit_county_class : str
        The class the permit screen used (``attainment`` ... ``extreme``; the strictest when
        the county's class is unknown).
    renewables_land_acres : float
        PV and wind land [acres].
    power_water_consumption_gal_per_yr, power_water_withdrawal_gal_per_yr : float
        Power-generation water [gal/yr] (withdrawal NaN where a factor is unknown).
    months_to_first_power, first_power_year : float
        [months], [yr]
    months_to_grid : float
        Months until the grid connection (grid and bridge options; NaN otherwise).
    waiting_cost_usd : float
        The datacenter's idle capital over the months this option is behind the site's fastest
        option [USD of the scenario's dollar year].
    annual_cost_usd_per_yr : float
        Levelised cost times the facility energy [USD/yr].
    qualifies : bool
        Meets the gas-share cap and serves the load (:func:`siting.chain.money.qualifies`).
    """

    design: str
    gas_units_count: int
    gas_iso_capacity_mw: float
    pv_capacity_mw_dc: float
    wind_capacity_mw: float
    battery_capacity_mw: float
    battery_energy_mwh: float
    lcoe_usd_per_mwh: float
    cost_capital_om_usd_per_mwh: float
    cost_fuel_usd_per_mwh: float
    cost_variable_om_usd_per_mwh: float
    cost_gas_lateral_usd_per_mwh: float
    cost_grid_connection_usd_per_mwh: float
    cost_land_usd_per_mwh: float
    cost_grid_energy_usd_per_mwh: float
    capex_usd: float
    fuel_price_usd_per_mmbtu: float
    renewable_fraction_frac: float
    gas_share_frac: float
    grid_share_frac: float
    curtailment_frac: float
    gas_mwh_per_yr: float
    pv_mwh_per_yr: float
    wind_mwh_per_yr: float
    grid_mwh_per_yr: float
    unserved_mwh_per_yr: float
    expected_unserved_mwh_per_yr: float
    reserve_short_hours_per_yr: float
    fuel_mmbtu_hhv_per_yr: float
    gas_peak_mmcf_per_day: float
    gas_avg_mmcf_per_day: float
    gas_starts_per_yr: float
    co2_tonnes_per_yr: float
    nox_tons_per_yr_without_scr: float
    nox_tons_per_yr_with_scr: float
    nox_pte_tons_per_yr_with_scr: float
    nox_pte_iso_tons_per_yr_with_scr: float
    air_permit_path: str
    air_permit_reason: str
    air_permit_threshold_tons_per_yr: float
    air_permit_county_class: str
    renewables_land_acres: float
    power_water_consumption_gal_per_yr: float
    power_water_withdrawal_gal_per_yr: float
    months_to_first_power: float
    first_power_year: float
    months_to_grid: float
    waiting_cost_usd: float
    annual_cost_usd_per_yr: float
    qualifies: bool


#: The cost-stack fields of :class:`PowerOption`, bottom to top (they sum to the LCOE).
COST_STACK = ("cost_capital_om_usd_per_mwh", "cost_fuel_usd_per_mwh", "cost_variable_om_usd_per_mwh",
              "cost_gas_lateral_usd_per_mwh", "cost_grid_connection_usd_per_mwh", "cost_land_usd_per_mwh",
              "cost_grid_energy_usd_per_mwh")

#: Field names of :class:`PowerOption` other than ``design`` (the per-option arrays of a design table).
OPTION_FIELDS = tuple(f for f in PowerOption.__dataclass_fields__ if f != "design")


@dataclass(frozen=True)
class PowerDesign:
    """The power picture of one site.

    Attributes
    ----------
    unit_name : str
        Prime mover.
    fleet : models.reliability.ReliabilityDesign
        The N+k gas fleet: the least meeting the scenario's reliability target (or the cap
        and why it misses).
    facility_peak_load_mw : float
        Largest hourly facility load at nameplate IT load [MW].
    facility_energy_mwh_per_yr : float
        Facility energy served [MWh/yr].
    options : tuple of PowerOption
        In :data:`OPTIONS` order.
    chosen : str
        The scenario's ``power_design`` (what the user asked to see).
    recommended : str
        The cheapest qualifying option (:func:`siting.chain.money.recommend`), or "none qualifies".
    latitude, longitude, altitude_m : float
        Site [deg], [m].
    nonattainment_status : str or None
        The county's screened status (``attainment``, an ozone class, ``nonattainment``).
    nonattainment_class : str or None
        The ozone class the permit model took (None = attainment for NOx).
    cost_dollar_year : int
        Dollar year of every money figure.
    cost_notes : tuple of str
        Where the site's cost lines come from (fuel price basis, lateral, grid connection,
        equipment cost sources).
    time_chains : dict
        ``{option: models.time_to_power.PowerChain}``: each step to first power, its months and source.
    hourly : dict of str to pandas.DataFrame
        Hourly dispatch of the gas-only and renewables-plus-gas options on the weather's
        index: ``load_mw``, ``renewable_used_mw``, ``pv_used_mw``, ``wind_used_mw``,
        ``battery_discharge_mw``, ``battery_charge_mw``, ``gas_mw``, ``reserve_mw``,
        ``unserved_mw``, ``expected_unserved_mw``, ``excess_mw`` (gas output the units' minimum
        load forces above the load that neither the battery nor curtailing renewables absorbs: a
        load bank) [MW, hourly means]; ``units_on`` [-],
        ``reserve_short`` [bool]. ``renewable_used_mw`` is renewable energy delivered to the load
        (direct and from the battery's renewable share). Each hour balances: ``gas_mw`` +
        ``renewable_direct_mw`` + ``battery_discharge_mw`` + ``unserved_mw`` = ``load_mw`` +
        ``battery_charge_mw`` + ``excess_mw``. The annual sums of this table are
        the option's ``pv_mwh_per_yr`` + ``wind_mwh_per_yr``, ``expected_unserved_mwh_per_yr``
        and ``reserve_short_hours_per_yr``.
    """

    unit_name: str
    fleet: ReliabilityDesign
    facility_peak_load_mw: float
    facility_energy_mwh_per_yr: float
    options: tuple[PowerOption, ...]
    chosen: str
    recommended: str
    latitude: float
    longitude: float
    altitude_m: float
    nonattainment_status: str | None
    nonattainment_class: str | None
    cost_dollar_year: int
    cost_notes: tuple = ()
    time_chains: dict = field(default_factory=dict, compare=False, repr=False)
    hourly: dict = field(default_factory=dict, compare=False, repr=False)

    def option(self, design: str) -> PowerOption:
        """The option for a design name."""
        for o in self.options:
            if o.design == design:
                return o
        from siting.errors import unknown_name

        raise unknown_name("power design", design, [o.design for o in self.options])

    def table(self) -> pd.DataFrame:
        """Options side by side, one row per design."""
        return pd.DataFrame([asdict(o) for o in self.options]).set_index("design")

    def to_columns(self) -> dict[str, object]:
        """Site-table columns (names in siting/site_columns.csv) of the fleet and the chosen design."""
        f, c = self.fleet, self.option(self.chosen)
        return {
            "facility_peak_load_mw": self.facility_peak_load_mw,
            "gas_unit_name": self.unit_name,
            "gas_units_count": f.units_count,
            "gas_units_running_needed": f.units_running_needed,
            "gas_fleet_iso_capacity_mw": f.iso_capacity_mw,
            "hot_hour_fleet_capacity_mw": f.hot_hour_capacity_mw,
            "gas_fleet_firm_capacity_mw": f.firm_capacity_mw,
            "hot_hour_temp_air_degc": f.hot_hour_temp_air_degc,
            "hot_hour_derate_frac": f.hot_hour_derate_frac,
            "gas_fleet_availability_frac": f.availability_frac,
            "gas_fleet_nines": f.nines,
            "gas_fleet_unserved_mwh_per_yr": f.expected_unserved_mwh_per_yr,
            "gas_fleet_redundancy_units": f.redundancy_units,
            "reliability_target_frac": f.reliability_target_frac,
            "gas_fleet_target_met": f.target_met,
            "gas_fleet_binding_hour_availability_frac": f.binding_hour_availability_frac,
            "gas_fleet_loss_of_load_hours_per_yr": f.loss_of_load_hours_per_yr,
            "gas_fleet_uncovered_maintenance_unit_hours_per_yr": f.uncovered_maintenance_unit_hours_per_yr,
            "gas_fleet_reliability_reason": f.reason,
            "power_design": self.chosen,
            "pv_capacity_mw_dc": c.pv_capacity_mw_dc,
            "wind_capacity_mw": c.wind_capacity_mw,
            "battery_capacity_mw": c.battery_capacity_mw,
            "battery_energy_mwh": c.battery_energy_mwh,
            "renewable_fraction_frac": c.renewable_fraction_frac,
            "curtailment_frac": c.curtailment_frac,
            "gas_fuel_mmbtu_hhv_per_yr": c.fuel_mmbtu_hhv_per_yr,
            "gas_peak_mmcf_per_day": c.gas_peak_mmcf_per_day,
            "gas_avg_mmcf_per_day": c.gas_avg_mmcf_per_day,
            "co2_tonnes_per_yr": c.co2_tonnes_per_yr,
            "nox_tons_per_yr_with_scr": c.nox_tons_per_yr_with_scr,
            "nox_pte_tons_per_yr_with_scr": c.nox_pte_tons_per_yr_with_scr,
            "air_permit_path": c.air_permit_path,
            "renewables_land_acres": c.renewables_land_acres,
            "months_to_first_power": c.months_to_first_power,
            "first_power_year": c.first_power_year,
            "waiting_cost_usd": c.waiting_cost_usd,
        }


@dataclass(frozen=True)
class SiteDesign:
    """Everything the chain computes for one site: power, cooling and the water budget.

    Attributes
    ----------
    power : PowerDesign
    climate : Climate
        The station year the site was designed on.
    resolved : ResolvedScenario
    it_load_mw : float
        Nameplate IT load [MW].
    cooling : models.cooling.CoolingSummary
        Annual on-site cooling at the IT load served (nameplate x utilisation).
    """

    power: PowerDesign
    climate: Climate
    resolved: ResolvedScenario
    it_load_mw: float
    cooling: cl.CoolingSummary

    @property
    def it_load_served_mw(self) -> float:
        """Average IT load served [MW]."""
        return self.it_load_mw * self.resolved.scenario.it_utilization_frac

    def hourly_cooling(self) -> pd.DataFrame:
        """Hourly on-site cooling at the IT load served (:func:`models.cooling.hourly_cooling` columns)."""
        return self.climate.hourly_at(self.it_load_served_mw)

    def water(self, design: str | None = None) -> dict[str, float]:
        """The six budget figures [gal/yr] of an option (default the scenario's ``power_design``)."""
        o = self.power.option(design or self.power.chosen)
        return {k: float(v[0]) for k, v in cw.budget_columns(
            [self.cooling.water_consumption_gal_per_yr], [self.cooling.water_withdrawal_gal_per_yr],
            {"consumption": np.array([o.power_water_consumption_gal_per_yr]),
             "withdrawal": np.array([o.power_water_withdrawal_gal_per_yr])}).items()}


@dataclass(frozen=True)
class SiteInputs:
    """What varies by site, one value per site.

    Attributes
    ----------
    station_id : numpy.ndarray
        Weather station of each site (a key of the climates given to :func:`design_sites`; "" = none).
    altitude_m : numpy.ndarray
        Site elevation [m].
    it_load_mw : numpy.ndarray
        Nameplate IT load [MW].
    nonattainment_status : list
        Screened county status (``attainment``, an ozone class, ``nonattainment``, None).
    grid_wait_months : numpy.ndarray
        A grid-connection time given for the site [months], replacing its region's large-load
        connection time; NaN = the region's.
    latitude_deg, longitude_deg : numpy.ndarray
        Site position [deg] (the delivered gas price takes the nearest hub's basis).
    gas_lateral_km, substation_distance_km : numpy.ndarray, optional
        Length of the straight gas lateral to the chosen pipeline (criteria column
        ``distance_to_chosen_pipeline_km``, else the nearest pipeline) and distance to the
        substation of the voltage class the load needs (the grid connection) [km]; NaN =
        unknown (the line is then not costed, and the design says so).
    state_abbr : list, optional
        Each site's state (the grid-connection cost region).
    grid_region : list, optional
        Large-load connection region (:data:`models.time_to_power.GRID_REGIONS`); default
        ``"us_utility_reported"``.
    ozone_class_source : list, optional
        Where each county's ozone class comes from (named in the permit verdict).
    gas_pipeline_operator : list, optional
        Operator (system) of the chosen pipeline (``chosen_pipeline_operator``); None = unknown.
    gas_pipeline_served_mw : numpy.ndarray, optional
        Operating gas generation that system already serves [MW]
        (``chosen_pipeline_served_gas_capacity_mw``); NaN = unknown.
    """

    station_id: np.ndarray
    altitude_m: np.ndarray
    it_load_mw: np.ndarray
    nonattainment_status: list
    grid_wait_months: np.ndarray
    latitude_deg: np.ndarray
    longitude_deg: np.ndarray
    gas_lateral_km: np.ndarray | None = None
    substation_distance_km: np.ndarray | None = None
    state_abbr: list | None = None
    grid_region: list | None = None
    ozone_class_source: list | None = None
    gas_pipeline_operator: list | None = None
    gas_pipeline_served_mw: np.ndarray | None = None

    def __post_init__(self):
        n = len(self.station_id)
        for name, default in (("gas_lateral_km", np.full(n, np.nan)), ("substation_distance_km", np.full(n, np.nan)),
                              ("state_abbr", [""] * n), ("grid_region", ["us_utility_reported"] * n),
                              ("ozone_class_source", [""] * n), ("gas_pipeline_operator", [None] * n),
                              ("gas_pipeline_served_mw", np.full(n, np.nan))):
            if getattr(self, name) is None:
                object.__setattr__(self, name, default)
        for name in ("altitude_m", "it_load_mw", "grid_wait_months", "latitude_deg", "longitude_deg",
                     "nonattainment_status", "gas_lateral_km", "substation_distance_km", "state_abbr",
                     "grid_region", "ozone_class_source", "gas_pipeline_operator", "gas_pipeline_served_mw"):
            if len(getattr(self, name)) != n:
                raise ConfigError(f"SiteInputs.{name} has {len(getattr(self, name))} values for {n} sites")

    def __len__(self) -> int:
        return len(self.station_id)

    @classmethod
    def one(cls, *, station_id: str, altitude_m: float, it_load_mw: float, nonattainment_status=None,
            grid_wait_months: float = math.nan, latitude_deg: float = math.nan, longitude_deg: float = math.nan,
            gas_lateral_km: float = math.nan, substation_distance_km: float = math.nan, state_abbr: str = "",
            grid_region: str = "us_utility_reported", ozone_class_source: str = "", gas_pipeline_operator=None,
            gas_pipeline_served_mw: float = math.nan) -> SiteInputs:
        """Inputs of one site."""
        return cls(np.array([station_id], dtype=object), np.array([float(altitude_m)]), np.array([float(it_load_mw)]),
                   [nonattainment_status], np.array([float(grid_wait_months)]), np.array([float(latitude_deg)]),
                   np.array([float(longitude_deg)]), np.array([float(gas_lateral_km)]),
                   np.array([float(substation_distance_km)]), [state_abbr], [grid_region], [ozone_class_source],
                   [gas_pipeline_operator], np.array([float(gas_pipeline_served_mw)]))

    def take(self, idx) -> SiteInputs:
        """The inputs of some sites (positions ``idx``)."""
        idx = np.asarray(idx, dtype=np.int64)
        pick = lambda v: [v[i] for i in idx] if isinstance(v, list) else np.asarray(v)[idx]  # noqa: E731
        return SiteInputs(*(pick(getattr(self, f)) for f in self.__dataclass_fields__))


@dataclass
class DesignTable:
    """The chain's results for a vector of sites (one value per site in every array).

    Attributes
    ----------
    options : dict
        ``{option: {PowerOption field: numpy.ndarray}}`` in :data:`OPTIONS` order.
    fleet : dict
        ``{ReliabilityDesign field: numpy.ndarray}`` (not ``unit_name``).
    facility_peak_load_mw, facility_energy_mwh_per_yr : numpy.ndarray
        [MW], [MWh/yr]
    cooling_consumption_gal_per_yr, cooling_withdrawal_gal_per_yr : numpy.ndarray
        On-site cooling water at the IT load served [gal/yr].
    recommended : numpy.ndarray
        The cheapest qualifying option per site.
    lp_altitude_m : numpy.ndarray
        Elevation the renewables capacity LP was solved at (the station's) [m].
    designed : numpy.ndarray
        Whether the site got a design (a site whose station has no climate does not) [bool].
    notes : dict of str to numpy.ndarray
        Per-site labels of the cost lines: ``fuel_price``, ``gas_lateral``, ``grid_connection``.
    gas_lateral_diameter_in : numpy.ndarray
        Nominal size of the lateral [in] (NaN: not sized).
    stations, dispatch_rows, lp_groups : int
        Work done: distinct stations, distinct (station, elevation, IT load) rows, capacity LPs.
    """

    options: dict
    fleet: dict
    facility_peak_load_mw: np.ndarray
    facility_energy_mwh_per_yr: np.ndarray
    cooling_consumption_gal_per_yr: np.ndarray
    cooling_withdrawal_gal_per_yr: np.ndarray
    recommended: np.ndarray
    lp_altitude_m: np.ndarray
    designed: np.ndarray
    notes: dict = field(default_factory=dict)
    gas_lateral_diameter_in: np.ndarray | None = None
    chains: list = field(default_factory=list, repr=False)
    stations: int = 0
    dispatch_rows: int = 0
    lp_groups: int = 0

    @classmethod
    def empty(cls, n: int) -> DesignTable:
        opts = {}
        for o in OPTIONS:
            arrays = {}
            for f in OPTION_FIELDS:
                if f in ("air_permit_path", "air_permit_reason", "air_permit_county_class"):
                    arrays[f] = np.full(n, "", dtype=object)
                elif f == "gas_units_count":
                    arrays[f] = np.zeros(n, dtype=np.int64)
                elif f == "qualifies":
                    arrays[f] = np.zeros(n, dtype=bool)
                else:
                    arrays[f] = np.full(n, np.nan)
            opts[o] = arrays
        fleet = {f: np.full(n, np.nan) for f in ReliabilityDesign.__dataclass_fields__ if f != "unit_name"}
        for f in ("units_count", "units_running_needed", "redundancy_units", "min_redundancy_units",
                  "max_redundancy_units"):
            fleet[f] = np.zeros(n, dtype=np.int64)
        fleet["target_met"] = np.zeros(n, dtype=bool)
        fleet["reason"] = np.full(n, "", dtype=object)
        nan = lambda: np.full(n, np.nan)  # noqa: E731
        notes = {k: np.full(n, "", dtype=object) for k in ("fuel_price", "gas_lateral", "grid_connection")}
        return cls(opts, fleet, nan(), nan(), nan(), nan(), np.full(n, "", dtype=object), nan(),
                   np.zeros(n, dtype=bool), notes, nan())

    def power_option(self, design: str, i: int) -> PowerOption:
        """The :class:`PowerOption` of site ``i``."""
        values = {}
        for name, v in self.options[design].items():
            x = v[i]
            if name == "gas_units_count":
                values[name] = int(x)
            elif name == "qualifies":
                values[name] = bool(x)
            elif name in ("air_permit_path", "air_permit_reason", "air_permit_county_class"):
                values[name] = str(x)
            else:
                values[name] = float(x)
        return PowerOption(design=design, **values)


def _option_arrays(block: YearBlock, local: np.ndarray, resolved: ResolvedScenario, inputs: SiteInputs,
                   sites: np.ndarray, fuel_price: np.ndarray) -> tuple[dict[str, dict[str, np.ndarray]], dict]:
    """The four options of each site of a block (``local`` = the site's block row), and their notes and chains."""
    n = local.size
    take = lambda a: a[local]  # noqa: E731
    energy = take(block.energy_mwh_per_yr)
    iso = take(block.gas_iso_capacity_mw)
    count = take(block.units_count)
    pte = take(block.nox_pte_tons_per_yr_with_scr)
    pte_iso = take(block.nox_pte_iso_tons_per_yr_with_scr)
    gas = {k: take(v) for k, v in block.gas.items()}
    ren = {k: take(v) for k, v in block.ren.items()}
    idle = {k: take(v) for k, v in block.idle.items()}
    caps = [take(getattr(block, k)) for k in ("pv_capacity_mw_dc", "wind_capacity_mw", "battery_capacity_mw",
                                               "battery_energy_mwh")]
    statuses = [inputs.nonattainment_status[i] for i in sites]
    verdicts = permits.permit_paths(pte, pte_iso, take(block.psd_listed_category), statuses,
                                    [inputs.ozone_class_source[i] for i in sites])
    path = np.array([v.path for v in verdicts], dtype=object)
    reason = np.array([v.reason for v in verdicts], dtype=object)
    permit_threshold = np.array([v.threshold_tons_per_yr for v in verdicts], dtype=float)
    permit_class = np.array([v.county_class for v in verdicts], dtype=object)
    t, chains = money.timing(resolved, path, statuses, [inputs.grid_region[i] for i in sites],
                             inputs.grid_wait_months[sites], take(block.it_load_mw))
    costs = resolved.costs
    s = resolved.scenario
    # equipment capital and fixed O&M, fuel, variable O&M of the dispatched years [USD/yr]
    gas_fixed = costs.gas_usd_per_mw_yr * iso
    ren_fixed = gas_fixed + (costs.pv_usd_per_mw_dc_yr * caps[0] + costs.wind_usd_per_mw_yr * caps[1]
                             + costs.battery_usd_per_mw_yr * caps[2] + costs.battery_usd_per_mwh_yr * caps[3])
    lateral_capex, lateral_annual, lateral_in, lateral_label = money.gas_lateral(
        resolved, peak_gas_mmcf_per_day=gas["peak_mmcf_per_day"], distance_km=inputs.gas_lateral_km[sites],
        operator=[inputs.gas_pipeline_operator[i] for i in sites], served_mw=inputs.gas_pipeline_served_mw[sites],
        load_mw=take(block.facility_peak_load_mw))
    grid_capex, grid_annual, grid_label = money.grid_connection_cost(
        resolved, load_mw=take(block.facility_peak_load_mw), distance_km=inputs.substation_distance_km[sites],
        state_abbr=[inputs.state_abbr[i] for i in sites])
    land_acres = pv_land_acres(caps[0], resolved) + wind_land_acres(caps[1])
    land_capex, land_annual = money.land(resolved, land_acres)
    gas_equipment = money.equipment_capex_usd(resolved, gas_iso_mw=iso)
    ren_equipment = money.equipment_capex_usd(resolved, gas_iso_mw=iso, pv_mw_dc=caps[0], wind_mw=caps[1],
                                              battery_mw=caps[2], battery_mwh=caps[3])
    bridge_frac = np.minimum(t["bridge_to_grid"]["months_to_grid"] / 12.0 / s.lifetime_yr, 1.0)
    zeros = np.zeros(n)
    grid_energy = s.grid_price_usd_per_mwh * energy
    stack = {  # option -> {line: USD/yr}
        "gas_only": {"capital_om": gas_fixed, "fuel": gas["fuel_mmbtu"] * fuel_price,
                     "variable_om": gas["gas_mwh"] * costs.gas_variable_om_usd_per_mwh, "gas_lateral": lateral_annual,
                     "grid_connection": zeros, "land": zeros, "grid_energy": zeros},
        "renewables_plus_gas": {"capital_om": ren_fixed, "fuel": ren["fuel_mmbtu"] * fuel_price,
                                "variable_om": ren["gas_mwh"] * costs.gas_variable_om_usd_per_mwh,
                                "gas_lateral": lateral_annual, "grid_connection": zeros, "land": land_annual,
                                "grid_energy": zeros},
        "grid_with_backup": {"capital_om": gas_fixed, "fuel": zeros, "variable_om": zeros,
                             "gas_lateral": lateral_annual, "grid_connection": grid_annual, "land": zeros,
                             "grid_energy": grid_energy},
        "bridge_to_grid": {"capital_om": gas_fixed, "fuel": bridge_frac * gas["fuel_mmbtu"] * fuel_price,
                           "variable_om": bridge_frac * gas["gas_mwh"] * costs.gas_variable_om_usd_per_mwh,
                           "gas_lateral": lateral_annual, "grid_connection": grid_annual, "land": zeros,
                           "grid_energy": (1.0 - bridge_frac) * grid_energy},
    }
    capex = {"gas_only": gas_equipment + lateral_capex,
             "renewables_plus_gas": ren_equipment + lateral_capex + land_capex,
             "grid_with_backup": gas_equipment + lateral_capex + grid_capex,
             "bridge_to_grid": gas_equipment + lateral_capex + grid_capex}
    has_ren = (caps[0] + caps[1]) > 0

    def option(d, fig, *, grid_mwh=zeros, option_caps=None, renewable=zeros, curt=zeros, land=zeros, dispatched=True,
               pv_mwh=zeros, wind_mwh=zeros):
        option_caps = option_caps or (zeros, zeros, zeros, zeros)
        gas_mwh = fig["gas_mwh"] if dispatched else zeros
        unserved = fig["unserved_mwh"] if dispatched else zeros
        lines = {f"cost_{k}_usd_per_mwh": v / energy for k, v in stack[d].items()}
        annual = sum(stack[d].values())
        out = {
            "gas_units_count": count, "gas_iso_capacity_mw": iso,
            "pv_capacity_mw_dc": option_caps[0], "wind_capacity_mw": option_caps[1],
            "battery_capacity_mw": option_caps[2], "battery_energy_mwh": option_caps[3],
            "lcoe_usd_per_mwh": annual / energy, **lines, "capex_usd": capex[d], "fuel_price_usd_per_mmbtu": fuel_price,
            "renewable_fraction_frac": renewable,
            "gas_share_frac": gas_mwh / energy, "grid_share_frac": grid_mwh / energy, "curtailment_frac": curt,
            "gas_mwh_per_yr": gas_mwh, "pv_mwh_per_yr": pv_mwh, "wind_mwh_per_yr": wind_mwh, "grid_mwh_per_yr": grid_mwh,
            "unserved_mwh_per_yr": unserved,
            "expected_unserved_mwh_per_yr": fig["expected_unserved_mwh"] if dispatched else zeros + np.nan,
            "reserve_short_hours_per_yr": fig["reserve_short_hours"] if dispatched else zeros + np.nan,
            "fuel_mmbtu_hhv_per_yr": fig["fuel_mmbtu"] if dispatched else zeros,
            "gas_peak_mmcf_per_day": fig["peak_mmcf_per_day"] if dispatched else zeros,
            "gas_avg_mmcf_per_day": fig["avg_mmcf_per_day"] if dispatched else zeros,
            "gas_starts_per_yr": fig["starts"] if dispatched else zeros,
            "co2_tonnes_per_yr": fig["co2_tonnes"] if dispatched else idle["co2_tonnes"],
            "nox_tons_per_yr_without_scr": fig["nox_without_scr"] if dispatched else idle["nox_without_scr"],
            "nox_tons_per_yr_with_scr": fig["nox_with_scr"] if dispatched else idle["nox_with_scr"],
            "nox_pte_tons_per_yr_with_scr": pte, "nox_pte_iso_tons_per_yr_with_scr": pte_iso,
            "air_permit_path": path, "air_permit_reason": reason, "air_permit_threshold_tons_per_yr": permit_threshold,
            "air_permit_county_class": permit_class, "renewables_land_acres": land,
            "months_to_first_power": t[d]["months_to_first_power"], "first_power_year": t[d]["first_power_year"],
            "months_to_grid": t[d]["months_to_grid"], "waiting_cost_usd": t[d]["waiting_cost_usd"],
            "annual_cost_usd_per_yr": annual,
        }
        w = cw.power_water_gal_per_yr(out, resolved)
        out["power_water_consumption_gal_per_yr"] = w["consumption"]
        out["power_water_withdrawal_gal_per_yr"] = w["withdrawal"]
        out["qualifies"] = money.qualifies(resolved, gas_share_frac=out["gas_share_frac"],
                                           unserved_mwh_per_yr=unserved, energy_mwh_per_yr=energy)
        return out

    options = {
        "gas_only": option("gas_only", gas),
        "renewables_plus_gas": option(
            "renewables_plus_gas", ren, option_caps=tuple(caps),
            renewable=np.where(has_ren, ren["renewable_used_mwh"] / energy, 0.0), curt=ren["curtailment_frac"],
            land=land_acres, pv_mwh=ren["pv_used_mwh"], wind_mwh=ren["wind_used_mwh"]),
        "grid_with_backup": option("grid_with_backup", gas, grid_mwh=energy, dispatched=False),
        "bridge_to_grid": option("bridge_to_grid", gas),
    }
    extra = {"gas_lateral": lateral_label, "grid_connection": grid_label, "gas_lateral_diameter_in": lateral_in,
             "chains": chains}
    return options, extra


def _design_station(table: DesignTable, members: np.ndarray, climate: Climate, inputs: SiteInputs,
                    resolved: ResolvedScenario, *, keep_hourly: bool = False) -> YearBlock | None:
    """Design the sites ``members`` of one station into ``table`` (in place)."""
    keys = np.column_stack([inputs.altitude_m[members], inputs.it_load_mw[members]])
    price, price_label = money.site_fuel_prices(resolved, inputs.latitude_deg[members], inputs.longitude_deg[members])
    table.notes["fuel_price"][members] = price_label
    # a row is a distinct (elevation, IT load, fuel price): the price enters the capacity LP
    keys = np.column_stack([keys, price])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    fleets = size_fleets(climate, resolved, altitude_m=uniq[:, 0], it_load_mw=uniq[:, 1])
    counts = np.array([f.units_count for f in fleets], dtype=np.int64)
    caps = np.zeros((len(uniq), 4))
    lp_memo: dict = {}
    for k, (count, mw, p) in enumerate(zip(counts, uniq[:, 1], uniq[:, 2])):
        key = (int(count), float(mw), float(p))
        if key not in lp_memo:
            opt = renewables_capacity(climate, resolved, units_count=key[0], it_load_mw=key[1], fuel_price_usd_per_mmbtu=key[2])
            lp_memo[key] = (opt.pv_mw_dc, opt.wind_mw, opt.battery_mw, opt.battery_mwh)
        caps[k] = lp_memo[key]
    table.dispatch_rows += len(uniq)
    table.lp_groups += len(lp_memo)
    util = resolved.scenario.it_utilization_frac
    last_block = None
    for start in range(0, len(uniq), BLOCK_ROWS):
        rows = np.arange(start, min(start + BLOCK_ROWS, len(uniq)))
        block = year_block(climate, resolved, altitude_m=uniq[rows, 0], it_load_mw=uniq[rows, 1],
                           units_count=counts[rows], pv_capacity_mw_dc=caps[rows, 0],
                           wind_capacity_mw=caps[rows, 1], battery_capacity_mw=caps[rows, 2],
                           battery_energy_mwh=caps[rows, 3], keep_hourly=keep_hourly)
        in_block = (inverse >= rows[0]) & (inverse <= rows[-1])
        sites = members[in_block]
        local = inverse[in_block] - rows[0]
        opts, extra = _option_arrays(block, local, resolved, inputs, sites, uniq[rows, 2][local])
        table.notes["gas_lateral"][sites] = extra["gas_lateral"]
        table.notes["grid_connection"][sites] = extra["grid_connection"]
        table.gas_lateral_diameter_in[sites] = extra["gas_lateral_diameter_in"]
        if keep_hourly:
            table.chains = extra["chains"]
        for o in OPTIONS:
            for f, v in opts[o].items():
                table.options[o][f][sites] = v
        for i, r in zip(sites, local):
            fl = fleets[rows[r]]
            for f in table.fleet:
                table.fleet[f][i] = getattr(fl, f)
        served = inputs.it_load_mw[sites] * util
        table.facility_peak_load_mw[sites] = block.facility_peak_load_mw[local]
        table.facility_energy_mwh_per_yr[sites] = block.energy_mwh_per_yr[local]
        table.cooling_consumption_gal_per_yr[sites] = climate.per_mw.water_consumption_gal_per_yr * served
        table.cooling_withdrawal_gal_per_yr[sites] = climate.per_mw.water_withdrawal_gal_per_yr * served
        table.lp_altitude_m[sites] = climate.station.elevation_m
        table.recommended[sites] = money.recommend({o: opts[o] for o in OPTIONS}, resolved)
        table.designed[sites] = True
        last_block = block
    return last_block


def design_sites(inputs: SiteInputs, climates: Mapping[str, Climate], resolved: ResolvedScenario, *,
                 progress: bool = False) -> DesignTable:
    """The chain for a vector of sites.

    Parameters
    ----------
    inputs : SiteInputs
        One value per site.
    climates : mapping of str to Climate
        The climate of every station named in ``inputs.station_id`` (sites whose station is
        missing, or "", are left undesigned).
    resolved : ResolvedScenario
    progress : bool
        Progress bar over stations.

    Returns
    -------
    DesignTable
    """
    n = len(inputs)
    table = DesignTable.empty(n)
    sid = np.asarray(inputs.station_id, dtype=object)
    if np.any(~np.isfinite(inputs.it_load_mw)) or np.any(inputs.it_load_mw <= 0):
        raise ConfigError("SiteInputs.it_load_mw must be finite and > 0 for every site; fill missing loads first")
    stations = sorted({str(s) for s in sid if s and str(s) in climates})
    table.stations = len(stations)
    for s in tqdm(stations, disable=not progress, unit="station", desc="designing sites"):
        members = np.flatnonzero(sid == s)
        _design_station(table, members, climates[s], inputs, resolved)
    return table


def _hourly_frame(block: YearBlock, which: str, index) -> pd.DataFrame:
    r = block.hourly[which]
    ren = which == "renewables_plus_gas"
    used = r.renewable_delivered_mwh[0] if ren else np.zeros_like(r.load_mwh[0])
    direct = r.renewable_direct_mwh[0] if ren else np.zeros_like(used)
    share = block.hourly["pv_share"][0] if ren else np.zeros_like(used)
    pv_used = used * share
    return pd.DataFrame({
        "load_mw": r.load_mwh[0], "renewable_used_mw": used, "pv_used_mw": pv_used, "wind_used_mw": used - pv_used,
        "renewable_direct_mw": direct, "pv_direct_mw": direct * share, "wind_direct_mw": direct * (1.0 - share),
        "battery_discharge_mw": r.discharge_mwh[0], "battery_charge_mw": r.charge_mwh[0],
        "gas_mw": r.gas_mwh[0], "units_on": r.units_on[0], "reserve_mw": r.reserve_mw[0],
        "reserve_short": r.reserve_short[0], "unserved_mw": r.unserved_mwh[0], "excess_mw": r.excess_mwh[0],
        "expected_unserved_mw": r.expected_unserved_mwh[0],
    }, index=index)


def power_design_of(table: DesignTable, i: int, resolved: ResolvedScenario, inputs: SiteInputs,
                    hourly: dict | None = None, time_chains: dict | None = None) -> PowerDesign:
    """The :class:`PowerDesign` of site ``i`` of a design table."""
    cast = {"i": int, "b": bool, "O": str}
    fl = ReliabilityDesign(unit_name=resolved.unit.name, **{f: cast.get(v.dtype.kind, float)(v[i])
                                                             for f, v in table.fleet.items()})
    status = inputs.nonattainment_status[i]
    return PowerDesign(
        unit_name=resolved.unit.name, fleet=fl, facility_peak_load_mw=float(table.facility_peak_load_mw[i]),
        facility_energy_mwh_per_yr=float(table.facility_energy_mwh_per_yr[i]),
        options=tuple(table.power_option(o, i) for o in OPTIONS), chosen=resolved.scenario.power_design,
        recommended=str(table.recommended[i]), latitude=float(inputs.latitude_deg[i]),
        longitude=float(inputs.longitude_deg[i]), altitude_m=float(inputs.altitude_m[i]),
        nonattainment_status=None if status is None or status is pd.NA or (isinstance(status, float) and math.isnan(status))
        else str(status),
        nonattainment_class=permits.nonattainment_class(status), cost_dollar_year=resolved.cost_dollar_year,
        cost_notes=(str(table.notes["fuel_price"][i]), str(table.notes["gas_lateral"][i]),
                    str(table.notes["grid_connection"][i]), *(ln.label for ln in resolved.costs.lines)),
        time_chains=time_chains or {}, hourly=hourly or {},
    )


def design_site(climate: Climate, resolved: ResolvedScenario, inputs: SiteInputs) -> SiteDesign:
    """The chain for one site, with its hourly frames.

    Parameters
    ----------
    climate : Climate
        The site's station year.
    resolved : ResolvedScenario
    inputs : SiteInputs
        One site (:meth:`SiteInputs.one`); its ``station_id`` is not looked up.

    Returns
    -------
    SiteDesign
    """
    if len(inputs) != 1:
        raise ConfigError(f"design_site takes the inputs of one site, got {len(inputs)}; use design_sites for many")
    if not (np.isfinite(inputs.it_load_mw[0]) and inputs.it_load_mw[0] > 0):
        raise ConfigError(f"it_load_mw={inputs.it_load_mw[0]!r}: expected a finite IT load > 0 [MW]")
    table = DesignTable.empty(1)
    block = _design_station(table, np.array([0]), climate, inputs, resolved, keep_hourly=True)
    index = climate.station.weather.index
    hourly = {w: _hourly_frame(block, w, index) for w in ("gas_only", "renewables_plus_gas")}
    power = power_design_of(table, 0, resolved, inputs, hourly, table.chains[0])
    served = float(inputs.it_load_mw[0]) * resolved.scenario.it_utilization_frac
    return SiteDesign(power=power, climate=climate, resolved=resolved, it_load_mw=float(inputs.it_load_mw[0]),
                      cooling=climate.cooling_at(served))


__all__ = ["BLOCK_ROWS", "DesignTable", "OPTIONS", "OPTION_FIELDS", "PowerDesign", "PowerOption", "SiteDesign",
           "SiteInputs", "design_site", "design_sites", "power_design_of"]
