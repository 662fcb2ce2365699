"""The schema of a site table: every column with its unit, type, role and description.

The columns live in ``siting/site_columns.csv`` (one row each, like PyPSA's component
attribute tables) so that new capabilities add rows, not code. Input validation, CLI
help, output documentation and map tooltips read this table.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from siting.errors import DataError, unknown_name

_DTYPES = {"str", "float", "int", "bool"}
_ROLES = {"input", "output"}


@dataclass(frozen=True)
class Column:
    """One column of a site table."""

    name: str
    unit: str
    dtype: str
    role: str
    group: str
    description: str

    def label(self) -> str:
        """``name [unit]``, or just the name for unitless columns."""
        return self.name if self.unit == "-" else f"{self.name} [{self.unit}]"


@functools.cache
def columns() -> dict[str, Column]:
    """All columns, by name, in the order of the CSV."""
    text = resources.files("siting").joinpath("site_columns.csv").read_text(encoding="utf-8")
    out: dict[str, Column] = {}
    for row in csv.DictReader(text.splitlines()):
        col = Column(**row)
        if col.dtype not in _DTYPES or col.role not in _ROLES:
            raise DataError(f"site_columns.csv row {col.name!r}: dtype {col.dtype!r} / role {col.role!r} invalid")
        if col.name in out:
            raise DataError(f"site_columns.csv: column {col.name!r} is defined twice")
        out[col.name] = col
    return out


def column(name: str) -> Column:
    """Look up one column; an unknown name lists the valid ones."""
    try:
        return columns()[name]
    except KeyError:
        raise unknown_name("site-table column", name, columns()) from None


def input_columns() -> list[Column]:
    """Columns a user may supply."""
    return [c for c in columns().values() if c.role == "input"]


def output_columns(group: str | None = None) -> list[Column]:
    """Columns the tool computes, optionally only one group (grid, gas, water, ...)."""
    return [c for c in columns().values() if c.role == "output" and (group is None or c.group == group)]


def field_records() -> list[dict[str, str]]:
    """Every column as a plain dict (name, unit, dtype, group, description), for ``maps.labels.Labels``."""
    return [{"name": c.name, "unit": c.unit, "dtype": c.dtype, "group": c.group, "description": c.description}
            for c in columns().values()]


def coerce_input_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate and type the input columns of a site table, row by row.

    Rows with missing, unparseable or out-of-range coordinates are kept, with the reason
    in the ``error`` column, so a batch goes on and loses nothing. Latitude and
    longitude columns may be named ``latitude_deg``/``longitude_deg`` or the common
    ``lat``/``lon``/``latitude``/``longitude``/``lng``.

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is not mutated) with ``site_id``, ``name``,
        ``latitude_deg``, ``longitude_deg``, ``it_load_mw`` (NaN where not given) and
        ``error`` (empty string where the row is valid), plus any other input columns.
    """
    df = frame.copy()
    aliases = {
        "latitude_deg": ("latitude_deg", "lat", "latitude", "y"),
        "longitude_deg": ("longitude_deg", "lon", "lng", "long", "longitude", "x"),
    }
    lower = {c.lower(): c for c in df.columns}
    for canon, names in aliases.items():
        found = next((lower[n] for n in names if n in lower), None)
        if found is None:
            raise DataError(
                f"site table has no {canon.split('_')[0]} column; got columns {list(frame.columns)}; "
                f"name it one of {', '.join(names)}"
            )
        if found != canon:
            df = df.rename(columns={found: canon})
    n = len(df)
    lat = pd.to_numeric(df["latitude_deg"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(df["longitude_deg"], errors="coerce").to_numpy(dtype=float)
    # Vectorized checks (a million rows in well under a second); text only for the bad rows.
    errors = np.full(n, "", dtype=object)
    missing = np.isnan(lat) | np.isnan(lon)
    swapped = ~missing & (np.abs(lat) > 90) & (np.abs(lon) <= 90)
    out_of_range = ~missing & ~swapped & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    if missing.any():
        raw_lat = df["latitude_deg"].astype("string").to_numpy()[missing]
        raw_lon = df["longitude_deg"].astype("string").to_numpy()[missing]
        errors[missing] = [
            f"missing or unparseable coordinates (latitude={a!s}, longitude={b!s})" for a, b in zip(raw_lat, raw_lon)
        ]
    errors[swapped] = [
        f"latitude {a} is out of range and longitude {b} looks like a latitude: are the columns swapped?"
        for a, b in zip(lat[swapped], lon[swapped])
    ]
    errors[out_of_range] = [
        f"coordinates out of range (latitude={a}, longitude={b}); expected |lat|<=90, |lon|<=180"
        for a, b in zip(lat[out_of_range], lon[out_of_range])
    ]
    df["latitude_deg"] = lat
    df["longitude_deg"] = lon
    if "site_id" not in df.columns:
        df["site_id"] = [f"site-{i + 1:07d}" for i in range(n)]
    df["site_id"] = df["site_id"].astype(str)
    if df["site_id"].duplicated().any():
        dup = df["site_id"][df["site_id"].duplicated()].iloc[0]
        raise DataError(f"site_id {dup!r} appears more than once; site ids must be unique")
    if "name" not in df.columns:
        df["name"] = df["site_id"]
    df["name"] = df["name"].fillna("").astype(str)
    if "it_load_mw" in df.columns:
        load = pd.to_numeric(df["it_load_mw"], errors="coerce").to_numpy(dtype=float)
        given = df["it_load_mw"].notna().to_numpy()
        bad = given & ~(load > 0) & (errors == "")
        if bad.any():
            raw_load = df["it_load_mw"].astype("string").to_numpy()[bad]
            errors[bad] = [f"it_load_mw={v!s}: expected a positive number [MW]" for v in raw_load]
        df["it_load_mw"] = load
    else:
        df["it_load_mw"] = np.nan
    prior = df["error"].fillna("").astype(str).to_numpy() if "error" in df.columns else errors
    df["error"] = np.where(errors != "", errors, prior if "error" in frame.columns else errors)
    return df
