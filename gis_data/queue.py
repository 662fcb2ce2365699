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

import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import LoadReport, SourceMeta
from gis_data.formats import register_format

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
