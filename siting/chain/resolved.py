"""The scenario resolved once per run: what every site calculation needs and no site changes.

:func:`resolve` looks the prime mover up in the catalog (once, validating the name), builds
the annualised cost inputs, picks the gas unit's water technology and the water factors of
every supply, and fixes the LP and PV settings. Every step of the chain takes the
:class:`ResolvedScenario` instead of re-reading catalogs per site.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from models import money
from models import sizing as sz
from models import solar
from models import water as wt
from models.catalog import PrimeMover, get_cost, get_prime_mover, validate_prime_mover_name
from siting.errors import unknown_name
from siting.scenario import Scenario

#: Condenser cooling of a combined-cycle plant (keys ``combined_cycle_<cooling>`` of ``water_use_factors.csv``).
COMBINED_CYCLE_COOLINGS = ("wet", "dry", "hybrid", "once_through")

#: HiGHS solver of every capacity LP (one solver everywhere, so a site gets the same optimum on every path):
#: interior point with crossover, about 1.5-2x faster than the dual simplex on these LPs.
LP_SOLVER = "ipm"

#: The capacity LP solves every n-th day of the year, scaled to a year [-] (1 = all 365 days).
SIZING_DAY_STRIDE = 4

#: Supplies whose water factors the budget uses, and the ``water_use_factors.csv`` technology of the non-gas ones.
SUPPLY_TECHNOLOGIES = {"pv": "solar_pv", "wind": "wind", "grid": "grid_average_us"}


def gas_technology(prime_mover: str | PrimeMover, *, combined_cycle_cooling: str = "wet") -> str:
    """Water-factor technology of a gas unit from the equipment catalog.

    Parameters
    ----------
    prime_mover : str or PrimeMover
        Unit name in ``models/catalogs/prime_movers.csv`` (``siting catalog`` lists them), or the record.
    combined_cycle_cooling : str
        Condenser cooling when the unit is a combined cycle: one of :data:`COMBINED_CYCLE_COOLINGS`.
        Default ``"wet"`` (a cooling tower, the most water-intensive closed-loop choice).

    Returns
    -------
    str
        ``simple_cycle_gas_turbine`` (aeroderivative, industrial or frame in simple cycle),
        ``combined_cycle_<cooling>``, ``reciprocating_engine`` or ``fuel_cell``.
    """
    if combined_cycle_cooling not in COMBINED_CYCLE_COOLINGS:
        raise unknown_name("combined-cycle cooling", combined_cycle_cooling, COMBINED_CYCLE_COOLINGS)
    unit = prime_mover if isinstance(prime_mover, PrimeMover) else get_prime_mover(validate_prime_mover_name(prime_mover))
    return wt.technology_for_prime_mover(
        unit.unit_class, combined_cycle=unit.configuration == "combined_cycle", cooling=combined_cycle_cooling,
    )


@dataclass(frozen=True)
class ResolvedScenario:
    """A :class:`~siting.scenario.Scenario` with everything it implies looked up once.

    Attributes
    ----------
    scenario : Scenario
        The assumptions.
    unit : PrimeMover
        The scenario's gas unit (validated catalog record).
    costs : models.sizing.CostInputs
        Annualised capital and O&M per unit of capacity by equipment class on the scenario's
        ``cost_basis`` [USD of :attr:`cost_dollar_year`]; its fuel price is the scenario's
        (sites set their own, :func:`siting.chain.money.site_fuel_prices`).
    cost_dollar_year : int
        Dollar year of every money figure (the scenario's ``dollar_year``).
    equipment_class : str
        Cost and schedule class of the prime mover (:func:`models.money.equipment_class_for_unit`).
    gas_technology : str
        Water-factor technology of the gas unit (:func:`gas_technology`).
    water_factors : dict
        ``{"gas" | "pv" | "wind" | "grid": (consumption, withdrawal)}`` [gal/MWh] (withdrawal NaN
        where the source gives none).
    battery_round_trip_efficiency_frac : float
        ATB 4-hour battery [-].
    pv_system : models.solar.PVSystem
        Single-axis tracking PV of the renewables option.
    combined_cycle_cooling : str
        Condenser cooling of a combined-cycle unit.
    sizing_day_stride : int
        Days between the LP's sample days [-].
    include_wind : bool
        Wind offered to the LP.
    lp_solver : str
        HiGHS solver of the capacity LP.
    """

    scenario: Scenario
    unit: PrimeMover
    costs: sz.CostInputs
    cost_dollar_year: int
    equipment_class: str
    gas_technology: str
    water_factors: dict
    battery_round_trip_efficiency_frac: float
    pv_system: solar.PVSystem
    combined_cycle_cooling: str
    sizing_day_stride: int
    include_wind: bool
    lp_solver: str

    def __hash__(self) -> int:  # the factors dict is derived from the other fields
        return hash((self.scenario, self.combined_cycle_cooling, self.sizing_day_stride, self.include_wind,
                     self.lp_solver))


@functools.lru_cache(maxsize=64)
def resolve(scenario: Scenario, *, combined_cycle_cooling: str = "wet", sizing_day_stride: int = SIZING_DAY_STRIDE,
            include_wind: bool = True, lp_solver: str = LP_SOLVER) -> ResolvedScenario:
    """Resolve a scenario once for a run.

    Parameters
    ----------
    scenario : Scenario
        The assumptions.
    combined_cycle_cooling : str
        Condenser cooling when the prime mover is a combined cycle (:data:`COMBINED_CYCLE_COOLINGS`).
    sizing_day_stride : int
        The capacity LP uses every n-th day, scaled to a year [-].
    include_wind : bool
        Offer wind to the LP.
    lp_solver : str
        HiGHS solver (:data:`models.sizing.SOLVERS`).

    Returns
    -------
    ResolvedScenario

    Raises
    ------
    UnknownNameError
        For a prime mover or combined-cycle cooling the catalog does not know.
    """
    unit = get_prime_mover(validate_prime_mover_name(scenario.prime_mover))
    if int(sizing_day_stride) != sizing_day_stride or sizing_day_stride < 1:
        from siting.errors import ConfigError

        raise ConfigError(f"sizing_day_stride={sizing_day_stride!r}: expected a whole number of days >= 1")
    if lp_solver not in sz.SOLVERS:
        raise unknown_name("LP solver", lp_solver, sz.SOLVERS)
    tech = gas_technology(unit, combined_cycle_cooling=combined_cycle_cooling)
    factors = {}
    for source, key in (("gas", tech), *SUPPLY_TECHNOLOGIES.items()):
        f = wt.power_water_factor(key)
        factors[source] = (float(f.consumption_gal_per_mwh), float(f.withdrawal_gal_per_mwh))
    equipment_class = money.equipment_class_for_unit(unit)
    costs = sz.class_cost_inputs(equipment_class, cost_basis=scenario.cost_basis, dollar_year=scenario.dollar_year,
                                 fuel_price_usd_per_mmbtu=scenario.fuel_price_usd_per_mmbtu,
                                 discount_rate_frac=scenario.discount_rate_frac, lifetime_yr=scenario.lifetime_yr)
    return ResolvedScenario(
        scenario=scenario, unit=unit, costs=costs, cost_dollar_year=int(scenario.dollar_year),
        equipment_class=equipment_class, gas_technology=tech,
        water_factors=factors,
        battery_round_trip_efficiency_frac=float(get_cost("battery_4h").round_trip_efficiency_frac),
        pv_system=solar.PVSystem(mount="single_axis"), combined_cycle_cooling=combined_cycle_cooling,
        sizing_day_stride=int(sizing_day_stride), include_wind=bool(include_wind), lp_solver=lp_solver,
    )
