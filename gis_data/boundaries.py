"""US state and county boundaries from the Census cartographic boundary files.

Reads the Census ``cb_<year>_us_state_*`` / ``cb_<year>_us_county_*`` layers (zipped
shapefiles in NAD83, EPSG:4269, or the same fields in GeoJSON/GeoPackage) and returns
canonical ``states`` / ``counties`` frames in EPSG:4326 with land and water areas in km².

Also holds the table of state FIPS codes, postal abbreviations and names
(:data:`STATES`) that other loaders use to key tables by state.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from gis_data import io
from gis_data.canonical import LoadReport, SourceMeta
from gis_data.formats import register_format
from models.errors import DataError, unknown_name
from models.units import M2_PER_KM2

log = logging.getLogger(__name__)

CENSUS_LICENSE = "US federal public domain"
CENSUS_ATTRIBUTION = "U.S. Census Bureau, Cartographic Boundary Files"
CENSUS_URL = "https://www.census.gov/geographies/mapping-files/time-series/geo/cartographic-boundary.html"

#: State FIPS code -> (USPS abbreviation, name): 50 states, DC and the five inhabited
#: territories. Source: U.S. Census Bureau, "ANSI/FIPS codes for states"
#: (https://www.census.gov/library/reference/code-lists/ansi.html#state).
STATES: dict[str, tuple[str, str]] = {
    "01": ("AL", "Alabama"), "02": ("AK", "Alaska"), "04": ("AZ", "Arizona"), "05": ("AR", "Arkansas"),
    "06": ("CA", "California"), "08": ("CO", "Colorado"), "09": ("CT", "Connecticut"), "10": ("DE", "Delaware"),
    "11": ("DC", "District of Columbia"), "12": ("FL", "Florida"), "13": ("GA", "Georgia"), "15": ("HI", "Hawaii"),
    "16": ("ID", "Idaho"), "17": ("IL", "Illinois"), "18": ("IN", "Indiana"), "19": ("IA", "Iowa"),
    "20": ("KS", "Kansas"), "21": ("KY", "Kentucky"), "22": ("LA", "Louisiana"), "23": ("ME", "Maine"),
    "24": ("MD", "Maryland"), "25": ("MA", "Massachusetts"), "26": ("MI", "Michigan"), "27": ("MN", "Minnesota"),
    "28": ("MS", "Mississippi"), "29": ("MO", "Missouri"), "30": ("MT", "Montana"), "31": ("NE", "Nebraska"),
    "32": ("NV", "Nevada"), "33": ("NH", "New Hampshire"), "34": ("NJ", "New Jersey"), "35": ("NM", "New Mexico"),
    "36": ("NY", "New York"), "37": ("NC", "North Carolina"), "38": ("ND", "North Dakota"), "39": ("OH", "Ohio"),
    "40": ("OK", "Oklahoma"), "41": ("OR", "Oregon"), "42": ("PA", "Pennsylvania"), "44": ("RI", "Rhode Island"),
    "45": ("SC", "South Carolina"), "46": ("SD", "South Dakota"), "47": ("TN", "Tennessee"), "48": ("TX", "Texas"),
    "49": ("UT", "Utah"), "50": ("VT", "Vermont"), "51": ("VA", "Virginia"), "53": ("WA", "Washington"),
    "54": ("WV", "West Virginia"), "55": ("WI", "Wisconsin"), "56": ("WY", "Wyoming"),
    "60": ("AS", "American Samoa"), "66": ("GU", "Guam"), "69": ("MP", "Northern Mariana Islands"),
    "72": ("PR", "Puerto Rico"), "78": ("VI", "U.S. Virgin Islands"),
}


def state_abbr_from_fips(fips) -> pd.Series:
    """USPS abbreviations for state FIPS codes (``"48"`` or ``48`` -> ``"TX"``); unknown -> missing.

    Parameters
    ----------
    fips : array-like of str or int
        State FIPS codes [-].

    Returns
    -------
    pandas.Series of str
    """
    s = pd.Series(fips).astype("string").str.strip().str.zfill(2)
    return s.map({k: v[0] for k, v in STATES.items()}).astype("str")


def state_abbr_from_name(names) -> pd.Series:
    """USPS abbreviations for state names (case-insensitive; ``"Texas"`` -> ``"TX"``); unknown -> missing."""
    lookup = {v[1].upper(): v[0] for v in STATES.values()}
    lookup["WASHINGTON DC"] = lookup["DISTRICT OF COLUMBIA"]
    s = pd.Series(names).astype("string").str.strip().str.upper()
    return s.map(lookup).astype("str")


def state_fips_of(abbr: str) -> str:
    """State FIPS code of a USPS abbreviation; a miss lists the valid ones."""
    by_abbr = {v[0]: k for k, v in STATES.items()}
    try:
        return by_abbr[str(abbr).strip().upper()]
    except KeyError:
        raise unknown_name("state abbreviation", abbr, by_abbr) from None


def _source(kind: str, path, vintage: str | None) -> SourceMeta:
    name = Path(str(path)).name
    year = vintage or (name[3:7] if name.startswith("cb_") and name[3:7].isdigit() else "unstated")
    return SourceMeta(f"US Census cartographic boundary {kind}", year, CENSUS_LICENSE, CENSUS_ATTRIBUTION, CENSUS_URL)


def _areas(raw: pd.DataFrame) -> dict[str, pd.Series]:
    out = {}
    for src, dst in (("aland", "area_land_km2"), ("awater", "area_water_km2")):
        if src in raw.columns:
            out[dst] = io.to_number(raw[src]).set_axis(raw.index) / M2_PER_KM2
    return out


def _detect_states(path, columns) -> bool:
    cols = set(columns)
    return {"statefp", "stusps", "geoid", "name"} <= cols and "countyfp" not in cols


def _detect_counties(path, columns) -> bool:
    return {"statefp", "countyfp", "geoid", "name"} <= set(columns)


@register_format(
    "census_states", role="states", detect=_detect_states, detail=30,
    description="US Census cartographic boundary states (STATEFP, STUSPS, NAME, ALAND, AWATER), NAD83",
)
def load_census_states(path, *, member: str | None = None, vintage: str | None = None):
    """US states from a Census cartographic boundary (or TIGER/Line) state layer.

    Parameters
    ----------
    path : str or Path
        ``cb_<year>_us_state_<scale>.zip`` (zipped shapefile; the shapefile may sit in a
        sub-folder of the zip), or the same fields as GeoJSON/GeoPackage. Any CRS
        (Census ships NAD83, EPSG:4269); reprojected to EPSG:4326.
    member : str, optional
        Member of the zip archive (default: its first shapefile).
    vintage : str, optional
        Boundary year; default from the ``cb_<year>_`` file name.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``states`` columns plus ``area_land_km2`` [km²] and ``area_water_km2`` [km²].
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="polygon", member=member))
    missing = [c for c in ("statefp", "stusps", "name") if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: Census state layer lacks {missing}; it has {list(raw.columns)}")
    out = raw.assign(
        state_fips=io.clean_text(raw["statefp"]).str.zfill(2).set_axis(raw.index),
        state_abbr=io.clean_text(raw["stusps"]).set_axis(raw.index),
        state_name=io.clean_text(raw["name"]).set_axis(raw.index),
        **_areas(raw),
    )
    return io.finish(out, "states", _source("states", path, vintage), report,
                     extra=("area_land_km2", "area_water_km2"))


@register_format(
    "census_counties", role="counties", detect=_detect_counties, detail=30,
    description="US Census cartographic boundary counties (GEOID, STATEFP, COUNTYFP, NAME, ALAND, AWATER), NAD83",
)
def load_census_counties(path, *, member: str | None = None, vintage: str | None = None):
    """US counties from a Census cartographic boundary (or TIGER/Line) county layer.

    Parameters
    ----------
    path : str or Path
        ``cb_<year>_us_county_<scale>.zip`` (zipped shapefile) or the same fields as
        GeoJSON/GeoPackage. Any CRS (Census ships NAD83, EPSG:4269); reprojected to EPSG:4326.
    member : str, optional
        Member of the zip archive (default: its first shapefile).
    vintage : str, optional
        Boundary year; default from the ``cb_<year>_`` file name.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``counties`` columns (``county_fips`` = five-digit GEOID, ``state_abbr``
        from the state FIPS code) plus ``area_land_km2`` [km²] and ``area_water_km2`` [km²].
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="polygon", member=member))
    missing = [c for c in ("statefp", "countyfp", "name") if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: Census county layer lacks {missing}; it has {list(raw.columns)}")
    state = io.clean_text(raw["statefp"]).str.zfill(2).set_axis(raw.index)
    county = io.clean_text(raw["countyfp"]).str.zfill(3).set_axis(raw.index)
    fips = state + county
    if "geoid" in raw.columns:
        geoid = io.clean_text(raw["geoid"]).set_axis(raw.index)
        bad = geoid.notna() & (geoid != fips)
        if bad.any():
            raise DataError(
                f"{path}: GEOID disagrees with STATEFP+COUNTYFP on {int(bad.sum())} rows "
                f"(e.g. {geoid[bad].iloc[0]!r} vs {fips[bad].iloc[0]!r}); the file is not a Census county layer"
            )
    abbr = state_abbr_from_fips(state).set_axis(raw.index)
    if "stusps" in raw.columns:  # newer Census vintages carry the abbreviation
        abbr = io.clean_text(raw["stusps"]).set_axis(raw.index).fillna(abbr)
    unknown = abbr.isna() & state.notna()
    report.repair("state FIPS code not in the ANSI table; state_abbr left missing", int(unknown.sum()))
    out = raw.assign(
        county_fips=fips, state_fips=state, county_name=io.clean_text(raw["name"]).set_axis(raw.index),
        state_abbr=abbr, **_areas(raw),
    )
    return io.finish(out, "counties", _source("counties", path, vintage), report,
                     extra=("area_land_km2", "area_water_km2"))
