"""Interconnection queues (tables, no geometry): ERCOT GIS report and LBNL "Queued Up".

Formats:

``ercot_gis_report``
    ERCOT Generator Interconnection Status report, sheet "Project Details - Large Gen",
    as CSV (``INR, Project Name, GIM Study Phase, County, Fuel, Capacity (MW), ...``).
``lbnl_queued_up``
    LBNL *Queued Up* complete queue data (``q_id, q_status, county, state, mw1, type_clean, ...``).

Both return the canonical ``queue`` columns; the join to a map is by county name and
state (``county_name`` has no " County" suffix) or by matching the point-of-interconnection
text to substations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import LoadReport, SourceMeta
from gis_data.formats import register_format
from models.siting_facts import reference_value, reference_values

#: Excel's day-zero for serial dates (1900 date system, with Excel's 1900 leap-year quirk).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _county(values) -> pd.Series:
    s = io.clean_text(values).astype("string").str.replace(r"\s+County$", "", regex=True).str.strip()
    return s.astype("str")


def _date(raw: pd.DataFrame, column: str) -> pd.Series:
    """A YYYY-MM-DD column as datetimes (NaT where absent or unparseable)."""
    values = raw[column] if column in raw.columns else pd.Series(None, index=raw.index, dtype="object")
    return pd.to_datetime(values.replace("", None), errors="coerce", format="%Y-%m-%d")


def _detect_ercot(path, columns) -> bool:
    return all(c in columns for c in ("inr", "project name", "capacity (mw)"))


@register_format(
    "ercot_gis_report", role="queue", detect=_detect_ercot, detail=30,
    description="ERCOT Generator Interconnection Status report, large generators (CSV of the xlsx sheet)",
)
def load_ercot_gis_report(path, *, vintage: str = "2025-11"):
    """ERCOT GIS report, "Project Details - Large Gen" sheet as CSV.

    Parameters
    ----------
    path : str or Path
        CSV (plain, ``.gz`` or ``.zip``).
    vintage : str
        Report month.

    Returns
    -------
    pandas.DataFrame
        Canonical ``queue`` columns (``capacity_mw`` [MW], ``fuel`` ERCOT code such as
        GAS/SOL/WIN/OTH, ``status`` the GIM study phase, ``state_abbr`` "TX") plus
        ``technology``, ``poi_location``, ``projected_cod`` (date), ``interconnecting_entity``,
        ``cdr_zone`` (ERCOT CDR reporting zone: WEST, NORTH, SOUTH, COASTAL, HOUSTON, PANHANDLE) and
        the generation-interconnection milestones ``screening_study_start``,
        ``fis_requested`` (full interconnection study requested) and ``ia_signed`` (dates).
    """
    raw = io.read_table(path, dtype=str, keep_default_na=False)
    io.require_columns(raw, ["INR", "Project Name", "Capacity (MW)"], path, "ercot_gis_report")
    report = LoadReport(source_rows=len(raw))
    raw = io.drop_duplicates(raw, report)
    out = pd.DataFrame({
        "project_id": io.clean_text(raw["INR"]),
        "project_name": io.clean_text(raw["Project Name"]),
        "capacity_mw": io.to_number(raw["Capacity (MW)"]),
        "fuel": io.clean_text(raw.get("Fuel")),
        "county_name": _county(raw.get("County")),
        "state_abbr": "TX",
        "status": io.clean_text(raw.get("GIM Study Phase")),
        "technology": io.clean_text(raw.get("Technology")),
        "poi_location": io.clean_text(raw.get("POI Location")),
        "projected_cod": pd.to_datetime(raw.get("Projected COD"), errors="coerce"),
        "interconnecting_entity": io.clean_text(raw.get("Interconnecting Entity")),
        "cdr_zone": io.clean_text(raw.get("CDR Reporting Zone")),
        "screening_study_start": _date(raw, "Screening Study Started"),
        "fis_requested": _date(raw, "FIS Requested"),
        "ia_signed": _date(raw, "IA Signed"),
    }).reset_index(drop=True)
    src = SourceMeta("ERCOT Generator Interconnection Status report (Large Gen)", vintage,
                     "public ERCOT market information", "ERCOT",
                     "https://www.ercot.com/mp/data-products/data-product-details?id=PG7-200-ER")
    return io.finish(out, "queue", src, report,
                     extra=("technology", "poi_location", "projected_cod", "interconnecting_entity", "cdr_zone",
                            "screening_study_start", "fis_requested", "ia_signed"))


def _detect_lbnl(path, columns) -> bool:
    return all(c in columns for c in ("q_id", "q_status", "mw1"))


@register_format(
    "lbnl_queued_up", role="queue", detect=_detect_lbnl, detail=20,
    description="LBNL Queued Up interconnection queue data (q_id, q_status, mw1, type_clean, county, state)",
)
def load_lbnl_queued_up(path, *, vintage: str = "data through 2024"):
    """LBNL *Queued Up* queue data (any subset with the LBNL columns).

    Parameters
    ----------
    path : str or Path
        CSV (plain, ``.gz`` or ``.zip``).
    vintage : str
        Data vintage.

    Returns
    -------
    pandas.DataFrame
        Canonical ``queue`` columns (``capacity_mw`` = ``mw1`` [MW], ``fuel`` = ``type_clean``,
        ``status`` = ``q_status``) plus ``region``, ``poi_location``, ``queue_date`` and
        ``proposed_online_date``, ``online_date`` (``on_date``: reached commercial operation)
        and ``ia_date`` (interconnection agreement), all from Excel serial days, ``developer``.

    References
    ----------
    Rand, J. et al. (2024). Queued Up: 2024 Edition. Lawrence Berkeley National Laboratory.
    https://emp.lbl.gov/queues
    """
    raw = io.read_table(path, dtype=str, keep_default_na=False)
    io.require_columns(raw, ["q_id", "q_status", "mw1"], path, "lbnl_queued_up")
    report = LoadReport(source_rows=len(raw))
    raw = io.drop_duplicates(raw, report)

    def excel_date(col):
        days = io.to_number(raw.get(col, pd.Series(np.nan, index=raw.index)))
        return _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")

    out = pd.DataFrame({
        "project_id": io.clean_text(raw["q_id"]),
        "project_name": io.clean_text(raw.get("project_name")),
        "capacity_mw": io.to_number(raw["mw1"]),
        "fuel": io.clean_text(raw.get("type_clean")),
        "county_name": _county(raw.get("county")),
        "state_abbr": io.clean_text(raw.get("state")),
        "status": io.clean_text(raw["q_status"]),
        "region": io.clean_text(raw.get("region")),
        "poi_location": io.clean_text(raw.get("poi_name")),
        "queue_date": excel_date("q_date"),
        "proposed_online_date": excel_date("prop_date"),
        "online_date": excel_date("on_date"),
        "ia_date": excel_date("ia_date"),
        "developer": io.clean_text(raw.get("developer")),
    }).reset_index(drop=True)
    src = SourceMeta("LBNL Queued Up interconnection queue data", vintage, "CC BY 4.0",
                     "Lawrence Berkeley National Laboratory", "https://emp.lbl.gov/queues")
    return io.finish(out, "queue", src, report,
                     extra=("region", "poi_location", "queue_date", "proposed_online_date", "online_date", "ia_date",
                            "developer"))


# -- interconnection waits from a queue layer ------------------------------------------------


#: Fewest dated projects a county (or a state) needs before its own median is used.
MIN_QUEUE_PROJECTS = 5

#: Balancing-authority codes (EIA/HIFLD ``ba_code``) of the ISOs/RTOs, as LBNL *Queued Up*
#: names their regions. Non-ISO areas ("West", "Southeast" in LBNL) are reached by state.
ISO_REGION_BY_BA = {"ERCO": "ERCOT", "CISO": "CAISO", "MISO": "MISO", "SWPP": "SPP", "PJM": "PJM",
                    "NYIS": "NYISO", "ISNE": "ISO-NE"}


@dataclass(frozen=True)
class QueueWaits:
    """Interconnection waits from a queue layer, as lookup levels from coarse to fine.

    Attributes
    ----------
    levels : tuple
        ``(key, table, needs_cover)`` triples applied in order, each finer one overriding:
        ``key`` is the site column looked up (``balancing_authority``, ``state_abbr`` or
        ``county_fips``), ``table`` a DataFrame indexed by that key with ``months``
        [months] and ``basis`` [-], ``needs_cover`` whether only sites already given a
        regional figure by an earlier level may take it.
    note : str
        Why no regional figure exists, when ``levels`` is empty (logged once).
    """

    levels: tuple = ()
    note: str = ""


def _months_between(start, end) -> np.ndarray:
    """Whole-calendar months between two datetime arrays [months] (NaN where a date is missing)."""
    from models.units import DAYS_PER_MONTH

    days = (pd.to_datetime(end) - pd.to_datetime(start)).to_numpy().astype("timedelta64[s]").astype(float) / 86_400.0
    return days / DAYS_PER_MONTH


def _median_table(keys: pd.Series, months: np.ndarray, label: Callable[[str, int], str], min_n: int) -> pd.DataFrame:
    frame = pd.DataFrame({"key": keys.astype("string").to_numpy(), "m": months}).dropna()
    g = frame.groupby("key")["m"].agg(["median", "count"])
    g = g[g["count"] >= min_n]
    return pd.DataFrame({"months": g["median"].astype(float),
                         "basis": [label(k, int(n)) for k, n in zip(g.index, g["count"])]}, index=g.index.astype(str))


def _county_key(state, county) -> pd.Series:
    return (pd.Series(state, dtype="string").str.upper().str.strip() + "|"
            + pd.Series(county, dtype="string").str.upper().str.replace(r"\s+COUNTY$", "", regex=True).str.strip())


def queue_waits(queue: pd.DataFrame, counties: pd.DataFrame | None = None, *, has_ba_layer: bool = True,
                min_projects: int = MIN_QUEUE_PROJECTS) -> QueueWaits:
    """Regional interconnection waits (medians) from an interconnection-queue layer.

    Two kinds of queue layer are understood:

    - the **ERCOT GIS report** (``screening_study_start``, ``fis_requested``,
      ``projected_cod``, ``cdr_zone``): months from the earliest generation-interconnection
      milestone the report gives (screening study start or full-interconnection-study
      request, whichever is earlier; the report has no request-submission date) to the
      projected commercial operation date, for every listed project. Median by county
      with at least ``min_projects`` projects, else by the county's CDR reporting zone,
      else ERCOT-wide; applied to sites in the ERCOT balancing authority (``ERCO``), or
      in Texas when the layer set has no balancing-authority layer. These are projected
      durations of projects still in the queue (developers' dates, often optimistic),
      not realised ones.
    - **LBNL Queued Up** rows with ``online_date``: realised months from ``queue_date``
      to ``online_date``; median by state (at least ``min_projects`` projects) and by ISO
      region (:data:`ISO_REGION_BY_BA`), the state overriding the region.

    Parameters
    ----------
    queue : pandas.DataFrame
        Canonical ``queue`` layer (:mod:`gis_data.queue`).
    counties : pandas.DataFrame, optional
        Canonical ``counties`` layer, to turn county names into ``county_fips``.
    has_ba_layer : bool
        Whether sites carry a ``balancing_authority`` from a polygon layer (else the
        ERCOT figure is applied by state).
    min_projects : int
        Fewest dated projects for a county or state median [-].

    Returns
    -------
    QueueWaits
        Empty levels (with a note) when the layer has no usable dates.

    References
    ----------
    ERCOT, Generator Interconnection Status report (monthly). Rand, J. et al., *Queued
    Up*, Lawrence Berkeley National Laboratory, https://emp.lbl.gov/queues.
    """
    src = dict(queue.attrs.get("source") or {})
    vintage = str(src.get("vintage", "")).strip()
    cols = set(queue.columns)
    if {"projected_cod", "screening_study_start"} <= cols:
        start = pd.concat([queue["screening_study_start"], queue.get("fis_requested", queue["screening_study_start"])],
                          axis=1).min(axis=1)
        months = _months_between(start, queue["projected_cod"])
        months = np.where(months > 0, months, np.nan)
        if not np.isfinite(months).any():
            return QueueWaits(note="the ERCOT queue layer has no project with both a study date and a projected COD")
        what = f"ERCOT GIS report {vintage}".strip()
        span = "(earliest study milestone to projected COD)"
        n_all = int(np.isfinite(months).sum())
        region = pd.DataFrame({"months": [float(np.nanmedian(months))],
                               "basis": [f"{what}, ERCOT-wide median of {n_all} projects {span}"]})
        levels = [("balancing_authority", region.set_axis(["ERCO"]), False)]
        if not has_ba_layer:
            levels.append(("state_abbr", region.set_axis(["TX"]), False))
        if counties is not None and len(counties):
            ckey = _county_key(counties["state_abbr"], counties["county_name"]).to_numpy()
            fips_of = pd.Series(counties["county_fips"].astype("string").to_numpy(), index=ckey)
            fips_of = fips_of[~fips_of.index.duplicated()]
            qkey = _county_key(queue["state_abbr"], queue["county_name"])
            if "cdr_zone" in cols:
                zone = queue["cdr_zone"].astype("string").str.upper().str.strip()
                by_zone = _median_table(zone, months, lambda z, n: f"{what}, CDR zone {z} median of {n} projects {span}", 1)
                # each county's zone: the zone most of its projects report
                cz = pd.DataFrame({"county": qkey.to_numpy(), "zone": zone.to_numpy()}).dropna()
                cz = cz.groupby("county")["zone"].agg(lambda z: z.value_counts().index[0])
                zt = by_zone.reindex(cz.to_numpy()).set_axis(cz.index)
                zt = zt[zt["months"].notna() & zt.index.isin(fips_of.index)]
                levels.append(("county_fips", zt.set_axis(fips_of.reindex(zt.index).to_numpy()), True))
            names = dict(zip(qkey.to_numpy(), queue["county_name"].astype("string").to_numpy()))
            by_county = _median_table(qkey, months, lambda k, n: f"{what}, county {names.get(k, k)} median of {n} projects {span}",
                                      min_projects)
            by_county = by_county[by_county.index.isin(fips_of.index)]
            levels.append(("county_fips", by_county.set_axis(fips_of.reindex(by_county.index).to_numpy()), True))
        return QueueWaits(levels=tuple(levels))
    if {"queue_date", "online_date"} <= cols:
        months = _months_between(queue["queue_date"], queue["online_date"])
        months = np.where(months > 0, months, np.nan)
        if not np.isfinite(months).any():
            return QueueWaits(note="the LBNL queue layer has no project with an online date (on_date): no realised "
                                   "request-to-COD time to take a median of")
        what = f"LBNL Queued Up {vintage}".strip()
        span = "reaching COD (queue date to online date)"
        levels = []
        if "region" in cols:
            by_region = _median_table(queue["region"], months, lambda r, n: f"{what}, {r} median of {n} projects {span}", min_projects)
            ba_of = {r: ba for ba, r in ISO_REGION_BY_BA.items()}
            by_region = by_region[by_region.index.isin(list(ba_of))]
            levels.append(("balancing_authority", by_region.set_axis([ba_of[r] for r in by_region.index]), False))
        by_state = _median_table(queue["state_abbr"].astype("string").str.upper(), months,
                                 lambda st, n: f"{what}, {st} median of {n} projects {span}", min_projects)
        levels.append(("state_abbr", by_state, False))
        return QueueWaits(levels=tuple(levels))
    return QueueWaits(note=f"the queue layer has none of the dated columns the criterion uses (columns: {', '.join(sorted(cols))})")


def national_wait_basis() -> str:
    """Basis text of the national median wait (``models/catalogs/siting_criteria.csv`` row)."""
    row = reference_values()["interconnection_wait_months_national_median"]
    return f"LBNL Queued Up national median (projects reaching COD in {row['data_year']}, request to COD)"


def interconnection_wait(keys: pd.DataFrame, waits: QueueWaits) -> tuple[np.ndarray, pd.Series]:
    """Interconnection wait and its basis per site, from :func:`queue_waits` levels.

    Parameters
    ----------
    keys : pandas.DataFrame
        ``balancing_authority``, ``state_abbr`` and ``county_fips`` per site (missing allowed).
    waits : QueueWaits
        The regional figures.

    Returns
    -------
    (numpy.ndarray, pandas.Series)
        ``interconnection_wait_months`` [months] and ``interconnection_wait_basis`` [-];
        sites no level covers get the national median (LBNL Queued Up 2025).
    """
    n = len(keys)
    national = reference_value("interconnection_wait_months_national_median")
    labels = [national_wait_basis()]
    months = np.full(n, national)
    code = np.zeros(n, dtype=np.int64)
    covered = np.zeros(n, dtype=bool)
    cats: dict[str, pd.Categorical] = {}
    for key, table, needs_cover in waits.levels:
        if key not in keys.columns or not len(table):
            continue
        if key not in cats:  # hash the site keys once per column, then look up only the distinct values
            cats[key] = pd.Categorical(keys[key].astype("string"))
        cat = cats[key]
        if not len(cat.categories):
            continue
        lookup = pd.Index(table.index.astype(str)).get_indexer(cat.categories.astype(str))
        pos = np.where(cat.codes >= 0, lookup[np.maximum(cat.codes, 0)], -1)
        hit = pos >= 0
        if needs_cover:
            hit &= covered
        if not hit.any():
            continue
        months[hit] = table["months"].to_numpy(dtype=float)[pos[hit]]
        code[hit] = len(labels) + pos[hit]
        labels.extend(table["basis"].tolist())
        covered |= hit
    from gis_data.canonical import take_labels

    # few distinct labels, many sites: a categorical column, one code per site
    basis = take_labels(labels, code, keys.index)
    return months, basis
