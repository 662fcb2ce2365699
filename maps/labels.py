"""Labels, units and number formats of the columns the maps and reports show.

maps computes nothing and imports nothing of ``siting``: the caller hands it what each
column means as :class:`Field` rows (``siting.schema.field_records()`` builds them from
``site_columns.csv``). Without labels a column shows under its own name, unformatted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


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
