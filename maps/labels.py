"""Labels, units and number formats of the columns the maps and reports show.

maps computes nothing and imports nothing of ``siting``: the caller hands it what each
column means as :class:`Field` rows (``siting.schema.field_records()`` builds them from
``site_columns.csv``). Without labels a column shows under its own name, unformatted.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Field:
    """What one column is.

    Attributes
    ----------
    name : str
        Column name (unit-suffixed, e.g. ``distance_to_substation_km``).
    unit : str
        Unit as shown (``km``, ``USD/MWh``); ``"-"`` for unitless.
    dtype : str
        ``float``, ``int``, ``str`` or ``bool``.
    group : str
        Group of the column (``grid``, ``gas``, ``score`` ...).
    description : str
        One sentence.
    """

    name: str
    unit: str = "-"
    dtype: str = "str"
    group: str = ""
    description: str = ""

    def label(self) -> str:
        """``name [unit]``, or just the name for unitless columns."""
        return self.name if self.unit == "-" else f"{self.name} [{self.unit}]"


def _isna(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pandas NA
    except (TypeError, ValueError):
        return False


class Labels:
    """Columns by name; a name it does not know shows as itself."""

    def __init__(self, fields: Iterable[Field] = ()):
        self._fields = {f.name: f for f in fields}

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Labels:
        """From plain dicts with the :class:`Field` attribute names."""
        return cls(Field(**{k: r[k] for k in ("name", "unit", "dtype", "group", "description") if k in r})
                   for r in records)

    def __contains__(self, name: str) -> bool:
        return name in self._fields

    def field(self, name: str) -> Field | None:
        return self._fields.get(name)

    def names(self, group: str | None = None) -> list[str]:
        """Known column names, in order, optionally of one group."""
        return [n for n, f in self._fields.items() if group is None or f.group == group]

    def label(self, name: str) -> str:
        f = self._fields.get(name)
        return f.label() if f else name

    def unit(self, name: str) -> str:
        """The column's unit, "" for unitless or unknown columns."""
        f = self._fields.get(name)
        return "" if f is None or f.unit == "-" else f.unit

    def title(self, name: str) -> str:
        """The label people read (no unit, no underscores): :func:`human_label`."""
        return human_label(name)

    def show(self, name: str, value: Any) -> str:
        """A value as people read it (:func:`show`), with the unit of the name's suffix or of the schema."""
        f = self._fields.get(name)
        unit = unit_of(name) or ("" if f is None or f.unit == "-" else f.unit)
        return show(name, value, unit)

    def format(self, name: str, value: Any) -> str:
        """A value with its unit, for tooltips and reports ("n/a" when missing)."""
        if _isna(value):
            return "n/a"
        f = self._fields.get(name)
        if f is None:
            return str(value)
        if f.dtype == "float":
            try:
                v = float(value)
            except (TypeError, ValueError):
                return str(value)
            if not math.isfinite(v):
                return "n/a"
            text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.3g}" if abs(v) < 10 else f"{v:,.1f}"
        else:
            text = str(value)
        return text if f.unit == "-" else f"{text} {f.unit}"


#: No labels: every column under its own name.
NO_LABELS = Labels()


# ---------------------------------------------------------------------------------------
# Human labels and numbers for people (the report body)
#
# A unit-suffixed name (``distance_to_substation_km``) reads as a label and a unit by a
# rule: the longest unit suffix of :data:`UNIT_SUFFIXES` is the unit, the words before it
# the label, with the abbreviations of :data:`ABBREVIATIONS` written as people write them.
# ``labels.csv`` next to this module overrides the label of a name the rule reads badly
# (``lcoe_usd_per_mwh`` is "Delivered cost") and names the values of categorical columns
# (``gas_only`` is "Gas only").

#: Unit suffixes of names, longest match wins, and the unit each shows.
UNIT_SUFFIXES = (
    ("_usd_per_kw_month", "USD/kW-month"), ("_usd_per_kw_yr", "USD/kW-yr"), ("_usd_per_mwh", "USD/MWh"),
    ("_usd_per_mmbtu", "USD/MMBtu"), ("_usd_per_kw", "USD/kW"), ("_usd_per_yr", "USD/yr"),
    ("_usd_per_month", "USD/month"), ("_usd", "USD"), ("_gal_per_yr", "gal/yr"), ("_gal_per_day", "gal/day"),
    ("_gal", "gal"), ("_mwh_per_yr", "MWh/yr"), ("_mwh", "MWh"), ("_mw_dc", "MWdc"), ("_mw", "MW"), ("_kv", "kV"),
    ("_mmbtu_hhv_per_yr", "MMBtu/yr"), ("_mmbtu", "MMBtu"), ("_mmcf_per_day", "MMcf/d"),
    ("_tonnes_per_yr", "t/yr"), ("_t_per_yr", "t/yr"), ("_tons_per_yr", "short tons/yr"),
    ("_kg_per_mwh_it", "kg/MWh of IT energy"), ("_kg_per_mwh", "kg/MWh"), ("_hhv_btu_per_kwh", "Btu/kWh"),
    ("_btu_per_kwh", "Btu/kWh"), ("_l_per_kwh", "L/kWh"), ("_km", "km"), ("_degc", "°C"), ("_deg", "°"),
    ("_acres", "acres"), ("_in", "in"), ("_months", "months"), ("_yr", "years"), ("_frac", "%"), ("_pct", "%"),
    ("_m", "m"),
)

#: Words of names written as people write them.
ABBREVIATIONS = {
    "ac": "AC", "bws": "BWS", "co2": "CO₂", "dc": "DC", "dscr": "DSCR", "dsra": "DSRA", "eia": "EIA", "fips": "FIPS",
    "hhv": "HHV", "id": "ID", "idc": "IDC", "irr": "IRR", "iso": "ISO", "it": "IT", "lcoe": "LCOE", "lp": "LP",
    "mmbtu": "MMBtu", "mmcf": "MMcf", "nox": "NOx", "npv": "NPV", "nsr": "NSR", "om": "O&M", "ppa": "PPA",
    "psd": "PSD", "pte": "PTE", "pue": "PUE", "pv": "PV", "scr": "SCR", "tmy": "TMY", "us": "US", "usd": "USD",
    "wue": "WUE", "mw": "MW", "mwh": "MWh", "kv": "kV", "n": "N", "v": "V",
}

#: A name with two or more words joined by underscores (what the report body must not show).
SNAKE_CASE = re.compile(r"(?<![\w./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/]|\.[A-Za-z0-9])")


@functools.cache
def label_overrides() -> dict[str, str]:
    """Labels of ``labels.csv`` (name -> label) where the suffix rule reads badly."""
    text = resources.files("maps").joinpath("labels.csv").read_text(encoding="utf-8")
    return {r["name"]: r["label"] for r in csv.DictReader(io.StringIO(text))}


def split_unit(name: str) -> tuple[str, str]:
    """(stem, unit) of a unit-suffixed name; unit "" when the name has no known suffix.

    >>> split_unit("distance_to_substation_km")
    ('distance_to_substation', 'km')
    """
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], unit
    return name, ""


def human_label(name: str) -> str:
    """The label people read for a name (no unit): the override, else the words of the name.

    >>> human_label("distance_to_substation_km")
    'Distance to substation'
    >>> human_label("nox_tons_per_yr_without_scr")
    'NOx without SCR'
    """
    over = label_overrides()
    if name in over:
        return over[name]
    stem, unit = split_unit(name)
    if not unit:
        # a unit in the middle of the name: nox_tons_per_yr_with_scr
        for suffix, _ in UNIT_SUFFIXES:
            if suffix + "_" in name and len(suffix) > 3:
                stem = name.replace(suffix, "", 1)
                break
    words = [w for w in stem.split("_") if w]
    out = [ABBREVIATIONS.get(w, w) for w in words]
    if out and out[0] == words[0]:
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out) if out else name


def unit_of(name: str) -> str:
    """The unit a name carries ("" when none); a mid-name unit counts (``nox_tons_per_yr_with_scr``)."""
    stem, unit = split_unit(name)
    if unit:
        return unit
    for suffix, u in UNIT_SUFFIXES:
        if suffix + "_" in name and len(suffix) > 3:
            return u
    return ""


def in_text(name: str) -> str:
    """A name's label inside a sentence: lower case unless it starts with an abbreviation."""
    label = human_label(name)
    return label if len(label) > 1 and label[1].isupper() else label[:1].lower() + label[1:]


#: A number in scientific notation inside text (``1.2e+02``).
E_NOTATION = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?[eE][+-]?\d+(?![\w.])")


#: Millions or billions of US dollars written as a unit (``363.6 MUSD``, ``-42.42 BUSD``).
MONEY_UNIT = re.compile(r"(?<![\w.])(-?\d[\d,]*(?:\.\d+)?) ([MB])USD\b")


def humanize(text: str) -> str:
    """Free text for people: snake_case names by their labels, numbers out of scientific notation.

    File names and URLs are left alone.

    >>> humanize("the gas_only design uses 1.2e+02 % of water_use_factors.csv, 363.6 MUSD")
    'the gas only design uses 120 % of water_use_factors.csv, $364M'
    """
    text = E_NOTATION.sub(lambda m: number(float(m.group(0))), str(text))
    text = MONEY_UNIT.sub(lambda m: money(float(m.group(1).replace(",", "")) * (1e6 if m.group(2) == "M" else 1e9)),
                          text)
    return SNAKE_CASE.sub(lambda m: in_text(m.group(0)), text)


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, (bool, str)):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def number(value: Any, digits: int = 3) -> str:
    """A number with thousands separators and about ``digits`` significant digits, never in e-notation.

    >>> number(1234567.8), number(61.849), number(0.0123)
    ('1,234,568', '61.8', '0.0123')
    """
    x = _finite(value)
    if x is None:
        return "n/a"
    if x == 0:
        return "0"
    a = abs(x)
    decimals = max(0, digits - 1 - int(math.floor(math.log10(a))))
    decimals = min(decimals, 6)
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def big(value: Any, digits: int = 3) -> str:
    """A large count in words: 1.14 billion, 341 million, 11,730 (no scientific notation)."""
    x = _finite(value)
    if x is None:
        return "n/a"
    a = abs(x)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= scale:
            return f"{number(x / scale, digits)} {word}"
    return f"{x:,.0f}" if a >= 100 else number(x, digits)


def money(value: Any, digits: int = 3) -> str:
    """US dollars for people: $4.55B, $363M, $12,345, $83.1, -$1.2B."""
    x = _finite(value)
    if x is None:
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(x)
    for scale, word in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if a >= scale:
            return f"{sign}${number(a / scale, digits)}{word}"
    return f"{sign}${a:,.0f}" if a >= 1000 else f"{sign}${number(a, digits)}"


def percent(frac: Any, decimals: int = 1) -> str:
    """A 0-1 fraction as a percentage; values just below 100 % keep the digits that show it (99.99 %)."""
    x = _finite(frac)
    if x is None:
        return "n/a"
    if 0.99 < x < 1.0:
        # keep the first significant digit of the shortfall: 0.9999 is 99.99 %, 0.99993 is 99.993 %
        decimals = max(decimals, min(int(math.ceil(round(-math.log10(100.0 * (1.0 - x)), 9))), 4))
        if round(100.0 * x, decimals) >= 100.0:
            return f">{100.0 - 10.0 ** -decimals:.{decimals}f}%"
    return f"{100.0 * x:,.{decimals}f}%"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def month_name(month: Any, short: bool = True) -> str:
    """Name of a month 1-12 (``Jan`` or ``January``)."""
    m = int(month)
    if not 1 <= m <= 12:
        raise ValueError(f"month={month!r}: expected 1-12")
    return MONTHS[m - 1][:3] if short else MONTHS[m - 1]


def lat_lon(lat: float, lon: float, decimals: int = 4) -> str:
    """Coordinates with hemispheres: ``32.4500° N, 99.7400° W``."""
    return (f"{abs(lat):.{decimals}f}° {'N' if lat >= 0 else 'S'}, "
            f"{abs(lon):.{decimals}f}° {'E' if lon >= 0 else 'W'}")


def show(name: str, value: Any, unit: str | None = None) -> str:
    """A value of a named field as people read it, unit included.

    The unit is ``unit`` when given, else the name's suffix: fractions show as
    percentages, money as $M/$B, gallons per year in millions or billions, years without a
    thousands separator, categorical values by their label.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, str):
        return human_label(value) if value in label_overrides() else humanize(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(show(name, v, unit) for v in value)
    x = _finite(value)
    if x is None:
        return "n/a" if not isinstance(value, str) else str(value)
    u = unit_of(name) if unit is None else unit
    if name.endswith("_year") or name == "year" or name.endswith("dollar_year"):
        return f"{int(round(x))}"
    if name.endswith("_frac"):
        return percent(x)
    if u == "%":
        return f"{x:,.1f}%" if abs(x) < 1000 else f"{x:,.0f}%"
    if u == "USD":
        return money(x)
    if u.startswith("USD/"):
        return f"{money(x)}/{u[4:]}"
    if u in ("gal/yr", "gal/day", "gal", "MWh/yr", "MMBtu/yr", "t/yr", "short tons/yr") and abs(x) >= 1e6:
        return f"{big(x)} {u}"
    if u == "months":
        return f"{number(x, 3)} months"
    if u == "°C":
        return f"{x:,.1f} °C"
    if u == "°":
        return f"{x:.4f}°"
    if isinstance(value, (int, np.integer)):
        text = f"{int(value):,}"
    else:
        text = f"{x:,.0f}" if abs(x) >= 1000 else number(x, 3)
    return f"{text} {u}".strip() if u and u not in ("-",) else text
