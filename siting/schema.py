"""The schema of a site table: every column with its unit, type, role and description.

The columns live in ``siting/site_columns.csv`` (one row each, like PyPSA's component
attribute tables) so that new capabilities add rows, not code. Input validation, CLI
help, output documentation and map tooltips read this table.
"""

from __future__ import annotations

import csv
import functools
import logging
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from siting.errors import DataError, unknown_name

log = logging.getLogger(__name__)

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


#: Reserved column a reader fills with a row's read problem (a ragged CSV line, unreadable WKT,
#: a line or empty geometry); :func:`coerce_input_table` moves it into ``error`` and drops it.
INPUT_ERROR_COLUMN = "_input_error"
#: Prefix given to input columns named like a column the tool writes (``rank`` -> ``input_rank``).
INPUT_PREFIX = "input_"
#: Names a writer reserves besides the schema's output columns (GeoPackage's id and geometry).
_RESERVED_NAMES = ("geometry", "geom", "fid")
#: Identity columns: an input that has them keeps them (they are what re-scoring reads back).
_IDENTITY = ("site_id", "name", "latitude_deg", "longitude_deg", "it_load_mw")


#: Invisible characters that editors and exports leave in header names (BOM, zero-width spaces).
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00a0"


def clean_name(name) -> str:
    """A column name as compared: lower case, without surrounding spaces or invisible characters."""
    return str(name).strip().strip(_INVISIBLE).strip().lower()


def output_name_renames(names, *, keep: tuple[str, ...] = ()) -> dict[str, str]:
    """Renames that keep input columns named like output columns under :data:`INPUT_PREFIX`.

    A scored table read back as input has ``rank``, ``score_total``, ``explanation``, ``error``
    ...; they are kept as ``input_rank`` ... so the new scores do not clash with them.
    Names are compared ignoring case (a GeoPackage cannot hold ``Rank`` and ``rank``); a
    prefixed name that is taken gets the prefix again.

    Parameters
    ----------
    names : iterable of str
        The input's column names.
    keep : tuple of str
        Names never renamed (besides the identity columns).

    Returns
    -------
    dict
        Old name -> new name, only for the columns renamed.
    """
    names = [str(n) for n in names]
    reserved = {c.name.lower() for c in output_columns()} | set(_RESERVED_NAMES)
    reserved -= {k.lower() for k in (*_IDENTITY, *keep)}
    taken = {n.lower() for n in names}
    out = {}
    for n in names:
        if n.lower() in reserved and n not in keep:
            new = INPUT_PREFIX + n
            while new.lower() in taken or new.lower() in reserved:
                new = INPUT_PREFIX + new
            taken.add(new.lower())
            out[n] = new
    return out


def _load_bounds_mw() -> tuple[float, float, bool]:
    """(min, max, min exclusive) of ``it_load_mw`` [MW]: the scenario field's bounds, one source of truth."""
    import dataclasses

    from siting.scenario import Scenario

    meta = next(f.metadata for f in dataclasses.fields(Scenario) if f.name == "it_load_mw")
    return float(meta["min"]), float(meta["max"]), bool(meta["min_exclusive"])


def _text_ids(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Ids as text and a mask of missing ones (NaN, None, empty or blank); 7.0 -> "7"."""
    n = len(values)
    if values.dtype.kind == "f":
        arr = values.to_numpy(dtype=float)
        missing = ~np.isfinite(arr)
        whole = ~missing & (np.abs(arr) < 2**53) & (arr == np.round(arr))
        text = np.array([str(int(v)) if w else (repr(v) if not m else "") for v, w, m in zip(arr, whole, missing)],
                        dtype=object)
        return text, missing
    if values.dtype.kind in "iub":
        return values.astype(str).to_numpy(dtype=object), np.zeros(n, dtype=bool)
    if values.dtype != object:  # text columns (pandas' string dtypes): vectorised
        s = values.astype("string")
        missing = (s.isna() | s.str.strip().eq("")).fillna(True).to_numpy(dtype=bool)
        return s.fillna("").to_numpy(dtype=object, copy=True), missing
    raw = values.to_numpy(dtype=object)
    text = np.empty(n, dtype=object)
    missing = np.zeros(n, dtype=bool)
    for i, v in enumerate(raw):
        if v is None or v is pd.NA or (isinstance(v, float) and not np.isfinite(v)):
            missing[i], text[i] = True, ""
        else:
            t = str(v) if not isinstance(v, float) or v != round(v) else str(int(v))
            missing[i] = not t.strip()
            text[i] = t
    return text, missing


def coerce_input_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate and type the input columns of a site table, row by row.

    Nothing stops the table for one row: a row with missing, unparseable or out-of-range
    coordinates, a repeated ``site_id``, an ``it_load_mw`` outside the scenario's bounds
    (0 to 20,000 MW; ``inf`` included) or a read problem (a ragged CSV line, see
    :data:`INPUT_ERROR_COLUMN`) is kept with the reason in ``error``, so a batch goes on and
    loses nothing. Latitude and longitude columns may be named
    ``latitude_deg``/``longitude_deg`` or the common ``lat``/``lon``/``latitude``/
    ``longitude``/``lng``.

    Ids: a missing ``site_id`` column gives every row ``site-<row number>``; a column with
    gaps gets ids made the same way for the rows without one (never clashing with a given
    id), and a ``site_id_assigned`` column marks them. A repeated id keeps its first
    otherwise-valid row; the others get an error naming that row.

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is not mutated) with ``site_id``, ``name``,
        ``latitude_deg``, ``longitude_deg``, ``it_load_mw`` [MW] (NaN where not given) and
        ``error`` (empty string where the row is valid), plus any other input columns.
    """
    df = frame.copy()
    aliases = {
        "latitude_deg": ("latitude_deg", "lat", "latitude", "y"),
        "longitude_deg": ("longitude_deg", "lon", "lng", "long", "longitude", "x"),
    }
    lower = {}
    for c in df.columns:
        lower.setdefault(clean_name(c), c)
    for canon, names in aliases.items():
        found = next((lower[n] for n in names if n in lower), None)
        if found is None:
            raise DataError(
                f"site table has no {canon.split('_')[0]} column; got columns "
                f"{[str(c) for c in frame.columns if c != INPUT_ERROR_COLUMN][:40]}; "
                f"name it one of {', '.join(names)} (or give point or polygon geometries)"
            )
        if found != canon:
            if canon in df.columns:  # e.g. both "lat" and a non-numeric "latitude_deg": keep the other one aside
                df = df.rename(columns={canon: INPUT_PREFIX + canon})
            df = df.rename(columns={found: canon})
    n = len(df)
    read_err = (df.pop(INPUT_ERROR_COLUMN).fillna("").astype(str).to_numpy(dtype=object)
                if INPUT_ERROR_COLUMN in df.columns else np.full(n, "", dtype=object))
    lat = pd.to_numeric(df["latitude_deg"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(df["longitude_deg"], errors="coerce").to_numpy(dtype=float)
    # Vectorized checks (a million rows in well under a second); text only for the bad rows.
    errors = np.full(n, "", dtype=object)
    errors[read_err != ""] = read_err[read_err != ""]
    free = read_err == ""
    missing = free & ~(np.isfinite(lat) & np.isfinite(lon)) & ~(np.isinf(lat) | np.isinf(lon))
    infinite = free & (np.isinf(lat) | np.isinf(lon))
    swapped = free & ~missing & ~infinite & (np.abs(lat) > 90) & (np.abs(lon) <= 90)
    out_of_range = free & ~missing & ~infinite & ~swapped & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    projected = out_of_range & (np.abs(lat) > 1000) & (np.abs(lon) > 1000)
    if missing.any():
        raw_lat = df["latitude_deg"].astype("string").to_numpy()[missing]
        raw_lon = df["longitude_deg"].astype("string").to_numpy()[missing]
        errors[missing] = [
            f"missing or unparseable coordinates (latitude={_short(a)}, longitude={_short(b)})"
            for a, b in zip(raw_lat, raw_lon)
        ]
    errors[infinite] = [f"coordinates out of range (latitude={a}, longitude={b}); expected finite degrees"
                        for a, b in zip(lat[infinite], lon[infinite])]
    errors[swapped] = [
        f"latitude {a} is out of range and longitude {b} looks like a latitude: are the columns swapped?"
        for a, b in zip(lat[swapped], lon[swapped])
    ]
    errors[out_of_range & ~projected] = [
        f"coordinates out of range (latitude={a}, longitude={b}); expected |lat|<=90, |lon|<=180"
        for a, b in zip(lat[out_of_range & ~projected], lon[out_of_range & ~projected])
    ]
    errors[projected] = [
        f"coordinates out of range (latitude={a}, longitude={b}): these look like projected coordinates (metres or "
        "feet), not degrees. A file without a CRS (a GeoJSON has none unless it says so) is read as EPSG:4326 "
        "longitude/latitude; reproject it to EPSG:4326 (ogr2ogr -t_srs EPSG:4326), or save it with its CRS "
        "(GeoPackage or GeoParquet)"
        for a, b in zip(lat[projected], lon[projected])
    ]
    df["latitude_deg"] = lat
    df["longitude_deg"] = lon
    _site_ids(df, errors)
    if "name" not in df.columns:
        df["name"] = df["site_id"]
    df["name"] = df["name"].astype(object).where(df["name"].notna(), "").astype(str)
    if "it_load_mw" in df.columns:
        load = pd.to_numeric(df["it_load_mw"], errors="coerce").to_numpy(dtype=float, copy=True)
        raw = df["it_load_mw"]
        given = raw.notna().to_numpy(dtype=bool, copy=True)
        if raw.dtype.kind not in "iufb":  # text: a blank cell is not given
            given &= raw.astype("string").str.strip().ne("").fillna(False).to_numpy(dtype=bool)
        lo, hi, lo_open = _load_bounds_mw()
        inside = (load > lo if lo_open else load >= lo) & (load <= hi)
        bad = given & ~inside & (errors == "")
        if bad.any():
            raw_load = df["it_load_mw"].astype("string").to_numpy()[bad]
            errors[bad] = [f"it_load_mw={_short(v)}: expected a number {'>' if lo_open else '>='} {lo:g} and "
                           f"<= {hi:,.0f} [MW] (the scenario's bounds)" for v in raw_load]
        load[given & ~inside] = np.nan
        df["it_load_mw"] = load
    else:
        df["it_load_mw"] = np.nan
    prior = df["error"].fillna("").astype(str).to_numpy() if "error" in df.columns else errors
    df["error"] = np.where(errors != "", errors, prior if "error" in frame.columns else errors)
    return df


def _short(value, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _site_ids(df: pd.DataFrame, errors: np.ndarray) -> None:
    """Fill ``site_id`` (made for rows without one) and flag repeated ids in ``errors`` (in place)."""
    n = len(df)
    if "site_id" not in df.columns:
        df["site_id"] = [f"site-{i + 1:07d}" for i in range(n)]
        return
    ids, missing = _text_ids(df["site_id"])
    if missing.any():
        taken = set(ids[~missing].tolist())
        for i in np.flatnonzero(missing):
            new, k = f"site-{i + 1:07d}", 2
            while new in taken:
                new, k = f"site-{i + 1:07d}-{k}", k + 1
            ids[i] = new
            taken.add(new)
        df["site_id_assigned"] = missing
        log.warning("%d row(s) had no site_id; gave them ids made from their row number (site-<row>); the "
                    "column site_id_assigned marks them", int(missing.sum()))
    df["site_id"] = ids.astype(str)
    ok = errors == ""
    series = pd.Series(ids, dtype=object)
    if series.duplicated().any():
        dup = np.zeros(n, dtype=bool)
        dup[ok] = series[ok].duplicated(keep="first").to_numpy()
        first = {}
        for i, v in enumerate(ids):
            if ok[i] and v not in first:
                first[v] = i
        for i, v in enumerate(ids):
            first.setdefault(v, i)
        errors[dup] = [f"site_id {_short(v)!r} repeats the id of row {first[v] + 1} of the table; ids must be "
                       "unique, so this row was not scored: give it its own id" for v in ids[dup]]
        if dup.any():
            log.warning("%d row(s) repeat a site_id; kept with the reason in 'error'", int(dup.sum()))
