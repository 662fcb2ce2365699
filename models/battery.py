"""Battery storage: a rating, its cited efficiency and cost, and ride-through sizing.

Round-trip efficiency and costs come from NREL ATB 2024 (via ReEDS inputs) in
``catalogs/costs.csv``: 4-hour and 2-hour systems, 85 % round trip, capital per kW of
power for the stated duration (USD 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.catalog import get_cost
from models.errors import ConfigError

#: Durations with an ATB cost entry [h] -> costs.csv key.
DURATION_KEYS = {2.0: "battery_2h", 4.0: "battery_4h"}


@dataclass(frozen=True)
class Battery:
    """A battery rating.

    Attributes
    ----------
    power_mw : float
        Charge/discharge power [MW].
    energy_mwh : float
        Usable energy [MWh].
    round_trip_efficiency_frac : float
        AC round-trip efficiency [-].
    """

    power_mw: float
    energy_mwh: float
    round_trip_efficiency_frac: float

    def __post_init__(self) -> None:
        if self.power_mw < 0 or self.energy_mwh < 0:
            raise ConfigError(f"battery power_mw={self.power_mw!r} and energy_mwh={self.energy_mwh!r} must be >= 0")
        if not 0 < self.round_trip_efficiency_frac <= 1:
            raise ConfigError(f"round_trip_efficiency_frac={self.round_trip_efficiency_frac!r}; expected (0, 1]")

    @property
    def duration_h(self) -> float:
        """Energy / power [h] (0 for a zero-power battery)."""
        return self.energy_mwh / self.power_mw if self.power_mw > 0 else 0.0


def atb_battery(power_mw: float, duration_h: float = 4.0) -> Battery:
    """A battery with the ATB round-trip efficiency for its duration.

    Parameters
    ----------
    power_mw : float
        [MW]
    duration_h : float
        2 or 4 [h] (the durations with ATB entries).
    """
    if duration_h not in DURATION_KEYS:
        raise ConfigError(f"duration_h={duration_h!r}; ATB entries exist for {sorted(DURATION_KEYS)} h")
    rte = get_cost(DURATION_KEYS[duration_h]).round_trip_efficiency_frac
    return Battery(power_mw, power_mw * duration_h, rte)


def battery_capex_usd(battery: Battery) -> float:
    """Capital cost [USD 2022] from the ATB $/kW of the matching duration.

    Durations between 2 h and 4 h interpolate linearly in $/kW; outside, the nearest
    entry scales with energy (a class-typical assumption stated here).
    """
    if battery.power_mw == 0:
        return 0.0
    c2 = get_cost("battery_2h").capex_usd_per_kw
    c4 = get_cost("battery_4h").capex_usd_per_kw
    d = battery.duration_h
    if d <= 2.0:
        per_kw = c2 * d / 2.0
    elif d >= 4.0:
        per_kw = c4 * d / 4.0
    else:
        per_kw = c2 + (c4 - c2) * (d - 2.0) / 2.0
    return per_kw * battery.power_mw * 1000.0


def ride_through_battery(load_mw: float, minutes: float, round_trip_efficiency_frac: float = 0.85) -> Battery:
    """Battery that carries a load while a spare gas unit starts.

    Parameters
    ----------
    load_mw : float
        Power to carry [MW] (e.g. the largest unit's output).
    minutes : float
        Time to cover [min] (e.g. the unit's start time from the catalog).
    round_trip_efficiency_frac : float
        [-]; the usable energy is sized on the discharge side (sqrt of round trip).

    Returns
    -------
    Battery
        power = load, energy = load x minutes / 60 / sqrt(rte).
    """
    if load_mw < 0 or minutes < 0:
        raise ConfigError(f"load_mw={load_mw!r} and minutes={minutes!r} must be >= 0")
    return Battery(load_mw, load_mw * minutes / 60.0 / round_trip_efficiency_frac ** 0.5, round_trip_efficiency_frac)
