"""Air quality: EPA Green Book nonattainment status by county, pollutant and standard at a date.

Three Green Book products are read:

* ``phistory`` (county nonattainment history, one column ``pw_<year>`` per year with
  ``W`` whole county / ``P`` part of county / blank): :func:`load_greenbook_phistory`
  gives the status at a given date (the year's column; a date after the export uses the
  last year and says so).
* The derived 2021 county polygons (``nonattainment_counties_2021.geojson``: one column
  per standard holding ``W``/``P``): :func:`load_greenbook_counties_2021`.
* Nonattainment-area polygons (Green Book GIS downloads, e.g. the 2015-ozone areas as
  GeoJSON lines): :func:`load_naa_polygons` and :func:`nonattainment_at` for a sub-county
  answer where a county is only partly nonattainment.

``pollutant`` is a short code (``ozone``, ``pm25``, ``pm10``, ``so2``, ``no2``, ``co``,
``lead``) so it matches the air-permit rules; ``naaqs`` is the Green Book standard name
(``8-Hour Ozone (2015)``). ``status`` is ``whole`` or ``part``. ``classification``
(Marginal, Moderate, Serious, ...) is filled only where the source carries it: the
``phistory`` export has no classification column, so it is empty for real phistory rows.

Ozone classifications come from two places:

* ``nayro`` (the Green Book's county x standard x area table with ``CLASS``, ``PART`` and
  one ``YR<year>`` column per year): :func:`load_greenbook_nayro`, a ``nonattainment``
  layer whose ozone rows carry their class (``siting data fetch --sources greenbook_nayro``).
* The packaged table ``gis_data/reference/ozone_nonattainment_classes.csv`` (40 CFR 81 for
  18 states and DC, the Green Book export of July 2026 for the others; 2008 and 2015
  standards; see that folder's README): :func:`load_ozone_classes`.

:func:`ozone_status_by_county` joins the classes to a Green Book history layer so that each
county's current ozone status has a classification where either source gives one, says
where it comes from, and marks nonattainment of unknown class (the permit screen then
assumes the strictest class, :data:`models.emissions.STRICTEST_OZONE_CLASS`).
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data import io
from gis_data.boundaries import state_abbr_from_fips
from gis_data.canonical import GEOGRAPHIC_CRS, LoadReport, SourceMeta
from gis_data.formats import register_format
from models.emissions import UNKNOWN_CLASS, normalize_ozone_class, ozone_class_rank
from models.errors import ConfigError, CRSError, DataError, UnknownNameError

log = logging.getLogger(__name__)

GREENBOOK_NAME = "US EPA Green Book nonattainment areas"
GREENBOOK_URL = "https://www.epa.gov/green-book/green-book-data-download"
GREENBOOK_ATTRIBUTION = "U.S. EPA Office of Air Quality Planning and Standards, Green Book"
GREENBOOK_LICENSE = "US federal public domain"

#: Green Book pollutant name prefix -> short code.
_POLLUTANT_CODES = (
    ("ozone", "ozone"), ("pm-2.5", "pm25"), ("pm2.5", "pm25"), ("pm-10", "pm10"), ("pm10", "pm10"),
    ("sulfur dioxide", "so2"), ("nitrogen dioxide", "no2"), ("carbon monoxide", "co"), ("lead", "lead"),
)
#: Column of the derived 2021 county file -> Green Book standard name.
COUNTY_FILE_STANDARDS = {
    "ozone_8hr_2015": "8-Hour Ozone (2015)", "ozone_8hr_2008": "8-Hour Ozone (2008)",
    "pm25_2012": "PM-2.5 (2012)", "pm25_2006": "PM-2.5 (2006)", "pm25_1997": "PM-2.5 (1997)",
    "pm10_1987": "PM-10 (1987)", "so2_2010": "Sulfur Dioxide (2010)", "so2_1971": "Sulfur Dioxide (1971)",
    "lead_2008": "Lead (2008)", "lead_1978": "Lead (1978)",
}
_STATUS = {"W": "whole", "P": "part"}
_EXTRA = ("naaqs", "standard_year", "revoked", "state_abbr", "county_name", "as_of_year")


def pollutant_code(naaqs) -> pd.Series:
    """Short pollutant code of Green Book standard names (``"8-Hour Ozone (2015)"`` -> ``"ozone"``)."""
    s = pd.Series(naaqs).astype("string").str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    for key, code in _POLLUTANT_CODES:
        out = out.mask(out.isna() & s.str.contains(key, regex=False).fillna(False), code)
    return out.astype("str")


def _standard_year(naaqs) -> pd.Series:
    return pd.to_numeric(pd.Series(naaqs).astype("string").str.extract(r"\((\d{4})\)", expand=False),
                         errors="coerce").astype("float64")


def _county_standard_columns(r: pd.DataFrame, state: pd.Series, revoked: pd.Series, year: int) -> dict:
    """Columns both Green Book tables give a (county, standard) row: the standard, its year, whether
    it is revoked, the state and county names and the year the status is taken in."""
    return {
        "naaqs": r["pollutant"].str.strip().astype("str"),
        "standard_year": _standard_year(r["pollutant"]).to_numpy(),
        "revoked": revoked.to_numpy(),
        "state_abbr": (r["st_abbr"].str.strip() if "st_abbr" in r.columns
                       else state_abbr_from_fips(state).set_axis(r.index)).astype("str"),
        "county_name": r.get("countyname", pd.Series("", index=r.index)).str.strip().astype("str"),
        "as_of_year": year,
    }


def _as_of_year(date, years: list[int], report: LoadReport) -> int:
    if date is None:
        return max(years)
    if isinstance(date, (int, np.integer)):
        year = int(date)
    else:
        try:
            year = pd.Timestamp(date).year
        except (ValueError, TypeError):
            raise ConfigError(f"date {date!r} is not a date; give e.g. '2021-01-01' or a year like 2021") from None
    if year < min(years):
        raise ConfigError(f"date {date!r} is before the first year of the Green Book history ({min(years)}); "
                          f"give a date in {min(years)}-{max(years)}")
    if year > max(years):
        report.repair(f"date {date} after the file's last year: status as of {max(years)} (the export)", 1)
        return max(years)
    return year


def _read_phistory(path, name: str = "phistory") -> pd.DataFrame:
    """A Green Book table (phistory, nayro) as text columns with lower-case names, from the .dbf or a CSV export."""
    if str(path).lower().endswith(".dbf"):
        import pyogrio

        raw = pyogrio.read_dataframe(io.gdal_path(path), read_geometry=False)
        raw = raw.astype("object").where(raw.notna(), "").astype("str")
    elif str(path).lower().endswith(".xls"):
        raise DataError(f"{path}: the Green Book .xls (BIFF) is not read; use {name}.dbf from the same "
                        f"download page (https://www3.epa.gov/airquality/greenbook/downld/{name}.dbf) or a CSV export")
    else:
        raw = io.read_table(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [str(c).strip().lstrip("\ufeff").lower() for c in raw.columns]
    # dBASE field names hold at most 10 characters: revoked_naaqs arrives as revoked_na
    return raw.rename(columns={"revoked_na": "revoked_naaqs"})


def _detect_phistory(path, columns) -> bool:
    cols = set(columns)
    return {"pollutant", "fips_state", "fips_cnty"} <= cols and any(re.fullmatch(r"pw_\d{4}", c) for c in cols)


@register_format(
    "greenbook_phistory", role="nonattainment", detect=_detect_phistory, detail=30,
    description="EPA Green Book phistory: county nonattainment by standard and year (pw_1992 ... pw_2021)",
)
def load_greenbook_phistory(path, *, date=None, include_revoked: bool = False, vintage: str | None = None):
    """County nonattainment status at a date from the Green Book ``phistory`` table.

    Parameters
    ----------
    path : str or Path
        ``phistory.dbf`` as the Green Book download page serves it (dBASE, field names cut
        to 10 characters: ``REVOKED_NA``), or a CSV export of ``phistory.xls`` (UTF-8 BOM
        handled), plain, ``.gz`` or zipped.
    date : str, datetime, int or None
        Date (or year) of the status; the ``pw_<year>`` column of that year is used. Default:
        the last year in the file. A date after it uses the last year (recorded in the load
        report); a date before the first year is an error.
    include_revoked : bool
        Keep standards EPA has revoked (``revoked_naaqs == "Revoked"``); default False,
        since designations under revoked standards no longer set permitting thresholds.
    vintage : str, optional
        Export date; default from the ``exportdt`` column.

    Returns
    -------
    pandas.DataFrame
        One row per county and standard in nonattainment at that date: canonical
        ``nonattainment`` columns (``county_fips``, ``pollutant`` code, ``classification``
        ("" unless the file has a ``classification`` column), ``status`` whole/part) plus
        ``naaqs``, ``standard_year``, ``revoked``, ``state_abbr``, ``county_name``, ``as_of_year``.
    """
    report = LoadReport()
    raw = _read_phistory(path)
    years = sorted(int(c[3:]) for c in raw.columns if re.fullmatch(r"pw_\d{4}", c))
    need = [c for c in ("pollutant", "fips_state", "fips_cnty") if c not in raw.columns]
    if need or not years:
        raise DataError(f"{path}: not a Green Book phistory table (lacks {need or ['pw_<year>']}); "
                        f"it has {list(raw.columns)[:12]}")
    report.source_rows = len(raw)
    year = _as_of_year(date, years, report)
    code = raw[f"pw_{year}"].str.strip().str.upper()
    active = code.isin(list(_STATUS))
    report.drop(f"not nonattainment in {year}", int((~active).sum()))
    revoked = raw.get("revoked_naaqs", pd.Series("", index=raw.index)).str.strip().str.lower().eq("revoked")
    if not include_revoked:
        report.drop("revoked standard (include_revoked=False)", int((active & revoked).sum()))
        active &= ~revoked
    r = raw.loc[active]
    state = r["fips_state"].str.strip().str.zfill(2)
    out = pd.DataFrame({
        "county_fips": (state + r["fips_cnty"].str.strip().str.zfill(3)).astype("str"),
        "pollutant": pollutant_code(r["pollutant"]).to_numpy(),
        "classification": (r["classification"].str.strip() if "classification" in r.columns
                           else pd.Series("", index=r.index)).astype("str"),
        "status": code[active].map(_STATUS).astype("str"),
        **_county_standard_columns(r, state, revoked[active], year),
    }, index=r.index)
    if vintage is None:
        ex = raw["exportdt"].str.strip() if "exportdt" in raw.columns else pd.Series(dtype=str)
        vintage = f"export {ex.iloc[0]}" if len(ex) and ex.iloc[0] else "unstated"
    src = SourceMeta(GREENBOOK_NAME + f" (phistory, status in {year})", vintage, GREENBOOK_LICENSE,
                     GREENBOOK_ATTRIBUTION, GREENBOOK_URL)
    frame = io.finish(out, "nonattainment", src, report, extra=_EXTRA)
    frame.attrs["classification_note"] = (
        "classification from the file's 'classification' column" if "classification" in raw.columns else
        "phistory has no classification column: classification is empty; see the Green Book area tables"
    )
    return frame


def _detect_counties_2021(path, columns) -> bool:
    return "geoid" in columns and "any_active_naaqs" in columns


@register_format(
    "greenbook_counties_2021", role="nonattainment", detect=_detect_counties_2021, detail=20,
    description="Green Book 2021 nonattainment counties joined to Census polygons (one W/P column per standard)",
)
def load_greenbook_counties_2021(path, *, vintage: str = "2021 (phistory export 2021-02-28)"):
    """Nonattainment counties in 2021 with their polygons (derived Green Book x Census file).

    Parameters
    ----------
    path : str or Path
        ``nonattainment_counties_2021.geojson``: ``GEOID``, ``STATEFP``, ``NAME`` and one
        column per standard (:data:`COUNTY_FILE_STANDARDS`) holding ``W``, ``P`` or null.
    vintage : str
        Recorded in the source metadata.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per county and standard (long format) in EPSG:4326: canonical
        ``nonattainment`` columns plus ``naaqs``, ``standard_year``, ``revoked`` (False),
        ``state_abbr``, ``county_name``, ``as_of_year`` (2021) and the county polygon.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="polygon"))
    present = [c for c in COUNTY_FILE_STANDARDS if c in raw.columns]
    if "geoid" not in raw.columns or not present:
        raise DataError(f"{path}: expected GEOID and standard columns {list(COUNTY_FILE_STANDARDS)}")
    long = raw.melt(id_vars=["geoid", "statefp", "name", "geometry"], value_vars=present, var_name="col",
                    value_name="code")
    code = long["code"].astype("string").str.strip().str.upper()
    keep = code.isin(list(_STATUS)).fillna(False).to_numpy()
    long = long.loc[keep]
    # the file has one row per county; the layer has one per county and standard
    report.source_rows = int(keep.sum())
    report.repair(f"{len(raw)} county rows reshaped to one row per county and standard", int(keep.sum()))
    naaqs = long["col"].map(COUNTY_FILE_STANDARDS)
    out = gpd.GeoDataFrame({
        "county_fips": long["geoid"].astype("str").str.zfill(5).to_numpy(),
        "pollutant": pollutant_code(naaqs).to_numpy(),
        "classification": "",
        "status": code[keep].map(_STATUS).astype("str").to_numpy(),
        "naaqs": naaqs.astype("str").to_numpy(),
        "standard_year": _standard_year(naaqs).to_numpy(),
        "revoked": False,
        "state_abbr": state_abbr_from_fips(long["statefp"]).to_numpy(),
        "county_name": long["name"].astype("str").to_numpy(),
        "as_of_year": 2021,
    }, geometry=long.geometry.to_numpy(), crs=GEOGRAPHIC_CRS)
    src = SourceMeta(GREENBOOK_NAME + " (2021 counties x Census 2018 polygons)", vintage, GREENBOOK_LICENSE,
                     GREENBOOK_ATTRIBUTION + "; U.S. Census Bureau cartographic boundaries", GREENBOOK_URL)
    table = io.finish(out, "nonattainment", src, report, extra=_EXTRA)
    geo = gpd.GeoDataFrame(table, geometry=out.geometry.reset_index(drop=True).to_numpy(), crs=GEOGRAPHIC_CRS)
    geo.attrs.update(table.attrs)
    return geo


def load_naa_polygons(paths) -> gpd.GeoDataFrame:
    """Green Book nonattainment-area polygons (GeoJSON, GeoJSON lines, shapefile ...).

    Parameters
    ----------
    paths : str, Path or list of them
        Files, or a folder whose ``*.geojson``/``*.geojsonl``/``*.shp`` files are all read.
        Properties ``name``/``area_name``/``pollutant`` (re-published GeoJSON lines) or the
        Green Book shapefile fields (``area_name``, ``pollutant``, ``classification``, any case).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326: ``area_name``, ``pollutant`` (short code), ``naaqs`` (where given),
        ``classification`` ("" where not given), ``source_file``, polygon geometry.
        ``attrs``: ``source`` and ``load_report``.
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files += sorted(f for ext in ("*.geojson", "*.geojsonl", "*.json", "*.shp") for f in p.glob(ext))
        else:
            files.append(p)
    if not files:
        raise DataError(f"no nonattainment-area polygon files in {paths!r}")
    report = LoadReport()
    frames = []
    for f in files:
        r = LoadReport()
        g = io.lower_columns(io.read_clean(f, r, kind="polygon"))
        report.source_rows += r.source_rows
        for k, v in r.dropped.items():
            report.drop(k, v)
        for k, v in r.repaired.items():
            report.repair(k, v)
        area = g["area_name"] if "area_name" in g.columns else g.get("name", pd.Series("", index=g.index))
        pol = g["pollutant"] if "pollutant" in g.columns else pd.Series("", index=g.index)
        text = (pol.astype("string").fillna("") + " " + g.get("summary", pd.Series("", index=g.index)).astype("string")
                .fillna(""))
        frames.append(gpd.GeoDataFrame({
            "area_name": area.astype("str").to_numpy(),
            "pollutant": pollutant_code(pol).to_numpy(),
            "naaqs": text.str.extract(r"(20\d\d|19\d\d) 8-hour ozone", expand=False)
            .map(lambda y: f"8-Hour Ozone ({y})" if isinstance(y, str) else "").astype("str").to_numpy(),
            "classification": (g["classification"].astype("str") if "classification" in g.columns
                               else pd.Series("", index=g.index)).to_numpy(),
            "source_file": f.name,
        }, geometry=g.geometry.to_numpy(), crs=GEOGRAPHIC_CRS))
    out = pd.concat(frames, ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=GEOGRAPHIC_CRS)
    report.kept_rows = len(out)
    out.attrs["source"] = SourceMeta(GREENBOOK_NAME + " (area polygons)", "unstated", GREENBOOK_LICENSE,
                                     GREENBOOK_ATTRIBUTION, GREENBOOK_URL).to_dict()
    out.attrs["load_report"] = report.to_dict()
    return out


def nonattainment_at(lon, lat, polygons: gpd.GeoDataFrame) -> pd.DataFrame:
    """Nonattainment areas containing each point (point in polygon).

    Parameters
    ----------
    lon, lat : array-like of float
        Point coordinates [deg, WGS84].
    polygons : geopandas.GeoDataFrame
        Area polygons (:func:`load_naa_polygons`) or county polygons
        (:func:`load_greenbook_counties_2021`), EPSG:4326.

    Returns
    -------
    pandas.DataFrame
        One row per (point, containing polygon): ``point`` (input position) and the
        polygon's attribute columns. Points in no area have no row.
    """
    if getattr(polygons, "crs", None) is None or polygons.crs.to_epsg() != 4326:
        raise CRSError("polygons must be in EPSG:4326 (the loaders return it so), "
                       f"got {getattr(polygons, 'crs', None)}")
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    if lon.shape != lat.shape:
        raise DataError(f"lon and lat must have the same shape, got {lon.shape} and {lat.shape}")
    pts = gpd.GeoDataFrame({"point": np.arange(lon.size)}, geometry=gpd.points_from_xy(lon, lat), crs=GEOGRAPHIC_CRS)
    # containment is topological, so the geographic CRS is fine here (no distance or area)
    hit = gpd.sjoin(pts, polygons, how="inner", predicate="within")
    cols = ["point"] + [c for c in polygons.columns if c != polygons.geometry.name]
    return pd.DataFrame(hit[cols]).sort_values("point", kind="stable").reset_index(drop=True)


def nonattainment_for_counties(county_fips, nonattainment: pd.DataFrame, *,
                               pollutant: str | None = None) -> pd.DataFrame:
    """Summarise nonattainment per county: any standard, worst status, standards listed.

    Parameters
    ----------
    county_fips : array-like of str
        Five-digit county codes (e.g. of candidate sites).
    nonattainment : pandas.DataFrame
        ``nonattainment`` layer (any loader of this module).
    pollutant : str, optional
        Only this pollutant code (e.g. ``"ozone"``).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``county_fips`` (in order): ``nonattainment`` (bool), ``status``
        (``whole``/``part``/""), ``naaqs`` (``;``-joined standards), ``classification``.
    """
    na = pd.DataFrame(nonattainment)
    if pollutant is not None:
        valid = sorted(set(c for _, c in _POLLUTANT_CODES))
        if pollutant not in valid:
            raise ConfigError(f"pollutant {pollutant!r} unknown; expected one of {valid}")
        na = na[na["pollutant"] == pollutant]
    g = na.groupby("county_fips")
    summary = pd.DataFrame({
        "status": g["status"].agg(lambda s: "whole" if (s == "whole").any() else "part"),
        "naaqs": g["naaqs"].agg(lambda s: ";".join(sorted(set(s)))) if "naaqs" in na else g["pollutant"].first(),
        "classification": g["classification"].agg(lambda s: ";".join(sorted({x for x in s if x}))),
    })
    keys = pd.Series(county_fips, dtype="string").astype("str")
    out = summary.reindex(keys.to_numpy())
    out.insert(0, "nonattainment", out["status"].notna().to_numpy())
    out = out.fillna({"status": "", "naaqs": "", "classification": ""})
    out.index = keys.to_numpy()
    return out


# -- nayro: county x standard x area with classification ------------------------------------------

NAYRO_URL = "https://www3.epa.gov/airquality/greenbook/downld/nayro.dbf"
_NAYRO_EXTRA = _EXTRA + ("area_name", "class_label")


def _detect_nayro(path, columns) -> bool:
    cols = set(columns)
    return {"pollutant", "fips_state", "fips_cnty", "class"} <= cols and any(re.fullmatch(r"yr\d{4}", c) for c in cols)


def _class_column(pollutant: pd.Series, raw: pd.Series) -> pd.Series:
    """Permit class of ozone rows (normalised, "" when the text names none); other pollutants as written, lower case."""
    def one(pol, text):
        if pol != "ozone":
            return str(text).strip().lower()
        try:
            cls = normalize_ozone_class(text)
        except UnknownNameError:  # e.g. "Former Subpart 1" of the revoked 1997 standard
            return ""
        return "" if cls in ("attainment", UNKNOWN_CLASS) else cls
    return pd.Series([one(p, t) for p, t in zip(pollutant, raw)], index=raw.index, dtype="str")


@register_format(
    "greenbook_nayro", role="nonattainment", detect=_detect_nayro, detail=40,
    description="EPA Green Book nayro: county x standard x area nonattainment with classification, YR1992 ... per year",
)
def load_greenbook_nayro(path, *, date=None, include_revoked: bool = False, vintage: str | None = None):
    """County nonattainment at a date, with the area's classification, from the Green Book ``nayro`` table.

    ``nayro`` has one row per county, standard and nonattainment area: ``FIPS_STATE``,
    ``FIPS_CNTY``, ``COUNTYNAME``, ``ST_ABBR``, ``POLLUTANT``, ``AREA_NAME``, ``CLASS``
    (e.g. ``Serious``, ``Severe 15``, ``Marginal (Rural Transport)``), ``PART`` (``W``/``P``),
    ``NONATTAIN`` (``Yes``), ``REVOKED_NA``, one ``YR<year>`` column per year stamped while the
    designation is in force, and ``EXPORTDT``.

    Parameters
    ----------
    path : str or Path
        ``nayro.dbf`` as the Green Book download page serves it
        (https://www3.epa.gov/airquality/greenbook/downld/nayro.dbf), or a CSV export.
    date : str, datetime, int or None
        Date (or year) of the status: that year's ``YR`` column. Default the last year in the
        file; a later date uses the last year (load report); an earlier one is an error.
    include_revoked : bool
        Keep revoked standards (default False).
    vintage : str, optional
        Export date; default from ``EXPORTDT``.

    Returns
    -------
    pandas.DataFrame
        One row per county, standard and area in nonattainment at that date: canonical
        ``nonattainment`` columns, where ``classification`` is, for ozone, the permit class
        (:func:`models.emissions.normalize_ozone_class`: ``marginal`` ... ``extreme``, ""
        when ``CLASS`` names none) and for other pollutants EPA's class in lower case; plus
        ``naaqs``, ``standard_year``, ``revoked``, ``state_abbr``, ``county_name``,
        ``as_of_year``, ``area_name`` and ``class_label`` (EPA's ``CLASS`` as written).
    """
    report = LoadReport()
    raw = _read_phistory(path, "nayro")
    years = sorted(int(c[2:]) for c in raw.columns if re.fullmatch(r"yr\d{4}", c))
    need = [c for c in ("pollutant", "fips_state", "fips_cnty", "class") if c not in raw.columns]
    if need or not years:
        raise DataError(f"{path}: not a Green Book nayro table (lacks {need or ['yr<year>']}); "
                        f"it has {list(raw.columns)[:12]}")
    report.source_rows = len(raw)
    year = _as_of_year(date, years, report)
    active = raw[f"yr{year}"].str.strip().ne("")
    if "nonattain" in raw.columns:
        flagged = raw["nonattain"].str.strip().str.lower().eq("yes")
        report.drop("NONATTAIN is not 'Yes'", int((active & ~flagged).sum()))
        active &= flagged
    report.drop(f"not in force in {year} (YR{year} blank)", int((raw[f"yr{year}"].str.strip().eq("")).sum()))
    revoked = raw.get("revoked_naaqs", pd.Series("", index=raw.index)).str.strip().str.lower().eq("revoked")
    if not include_revoked:
        report.drop("revoked standard (include_revoked=False)", int((active & revoked).sum()))
        active &= ~revoked
    r = raw.loc[active]
    state = r["fips_state"].str.strip().str.zfill(2)
    pollutant = pollutant_code(r["pollutant"]).set_axis(r.index)
    part = r.get("part", pd.Series("", index=r.index)).str.strip().str.upper()
    missing_part = int((~part.isin(list(_STATUS))).sum())
    report.repair("PART blank: status 'part' (check the area boundary)", missing_part)
    out = pd.DataFrame({
        "county_fips": (state + r["fips_cnty"].str.strip().str.zfill(3)).astype("str"),
        "pollutant": pollutant.astype("str"),
        "classification": _class_column(pollutant, r["class"]),
        "status": part.map(_STATUS).fillna("part").astype("str"),
        **_county_standard_columns(r, state, revoked[active], year),
        "area_name": r.get("area_name", pd.Series("", index=r.index)).str.strip().astype("str"),
        "class_label": r["class"].str.strip().astype("str"),
    }, index=r.index)
    if vintage is None:
        ex = raw["exportdt"].str.strip() if "exportdt" in raw.columns else pd.Series(dtype=str)
        vintage = f"export {ex.iloc[0]}" if len(ex) and ex.iloc[0] else "unstated"
    src = SourceMeta(GREENBOOK_NAME + f" (nayro, status in {year})", vintage, GREENBOOK_LICENSE,
                     GREENBOOK_ATTRIBUTION, GREENBOOK_URL)
    frame = io.finish(out, "nonattainment", src, report, extra=_NAYRO_EXTRA)
    frame.attrs["classification_note"] = "classification from nayro's CLASS column (ozone: permit class)"
    return frame


# -- packaged ozone classification table -------------------------------------------------------------

#: The packaged table (``gis_data/reference/ozone_nonattainment_classes.csv``).
OZONE_CLASSES_FILE = "ozone_nonattainment_classes.csv"
#: Year of the packaged table: its CFR copy is no earlier than 2025-01-16, its Green Book rows are
#: of 2026-07-31; the older date is the table's.
OZONE_CLASSES_AS_OF_YEAR = 2025
#: Standards the packaged table covers, for every state (README of gis_data/reference).
OZONE_CLASSES_STANDARDS = ("ozone_8hr_2008", "ozone_8hr_2015")
_CLASS_COLUMNS = ("county_fips", "standard", "classification", "partial_county", "area_name", "source")


def _packaged(name: str):
    from importlib import resources

    return resources.files("gis_data").joinpath("reference", name)


def load_ozone_classes(path=None, *, standards=OZONE_CLASSES_STANDARDS, as_of_year: int | None = None) -> pd.DataFrame:
    """8-hour ozone nonattainment classifications by county (packaged table by default).

    Parameters
    ----------
    path : str or Path, optional
        A table in the packaged layout (``county_fips``, ``standard``, ``classification``,
        ``partial_county``, ``area_name``, ``source`` ...) or in the layout of the project's
        reference ``ozone_nonattainment_cfr81.csv`` (``designation``, ``cfr_section``,
        ``source_snapshot`` ...). Default: the packaged table.
    standards : sequence of str
        Standards kept (``ozone_8hr_2008``, ``ozone_8hr_2015``; ``ozone_8hr_1997`` is revoked).
    as_of_year : int, optional
        Year of the table's information; default :data:`OZONE_CLASSES_AS_OF_YEAR` for the
        packaged table and the reference layout, else unstated (None).

    Returns
    -------
    pandas.DataFrame
        One row per county, standard and area: ``county_fips``, ``standard``,
        ``classification`` (permit class: ``marginal`` ... ``extreme``; severe-15 is
        ``severe``), ``partial_county`` (bool), ``area_name``, ``source`` (e.g.
        ``40 CFR 81.344``), then ``class_label`` (as written, e.g. ``severe-15``),
        ``state_abbr``, ``county_name``, ``classification_date``, ``source_vintage``,
        ``partial_note``. ``attrs``: ``source``, ``as_of_year``, ``standards``, ``load_report``.

    References
    ----------
    40 CFR Part 81 Subpart C; US EPA Green Book (export of 2026-07-31). See
    ``gis_data/reference/README.md``.
    """
    report = LoadReport()
    if path is None:
        with _packaged(OZONE_CLASSES_FILE).open("r", encoding="utf-8") as fh:
            raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
        layout, year = "packaged", OZONE_CLASSES_AS_OF_YEAR
    else:
        raw = io.read_table(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        raw.columns = [str(c).strip().lower() for c in raw.columns]
        layout = "reference" if "cfr_section" in raw.columns else "packaged"
        year = OZONE_CLASSES_AS_OF_YEAR if layout == "reference" else None
    if as_of_year is not None:
        year = int(as_of_year)
    report.source_rows = len(raw)
    if layout == "reference":
        if "designation" in raw.columns:
            keep = raw["designation"].str.strip().str.lower().eq("nonattainment")
            report.drop("designation is not Nonattainment", int((~keep).sum()))
            raw = raw[keep]
        cfr = raw["cfr_section"].str.startswith("40 CFR")
        raw = raw.assign(source=raw["cfr_section"].where(cfr, "EPA Green Book county export (nayro.dbf)"),
                         source_vintage=raw.get("source_snapshot", ""),
                         partial_note=raw.get("notes", ""))
    missing = [c for c in ("county_fips", "standard", "classification") if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: not an ozone classification table (lacks {missing}); expected the columns of "
                        f"gis_data/reference/{OZONE_CLASSES_FILE} or of ozone_nonattainment_cfr81.csv")
    wanted = raw["standard"].isin(list(standards))
    report.drop(f"standard not in {list(standards)}", int((~wanted).sum()))
    raw = raw[wanted]
    try:
        cls = raw["classification"].map(normalize_ozone_class)
    except UnknownNameError as exc:
        raise DataError(f"{path or OZONE_CLASSES_FILE}: {exc}") from None

    def col(name):
        return raw[name].astype("str") if name in raw.columns else pd.Series("", index=raw.index, dtype="str")

    out = pd.DataFrame({
        "county_fips": raw["county_fips"].str.strip().str.zfill(5),
        "standard": raw["standard"].str.strip(),
        "classification": cls.astype("str"),
        "partial_county": col("partial_county").str.strip().str.lower().isin(["true", "1", "yes", "p"]),
        "area_name": col("area_name"),
        "source": col("source"),
        "class_label": raw["classification"].str.strip().str.lower(),
        "state_abbr": col("state_abbr"),
        "county_name": col("county_name"),
        "classification_date": col("classification_date"),
        "source_vintage": col("source_vintage"),
        "partial_note": col("partial_note"),
    }).reset_index(drop=True)
    report.kept_rows = len(out)
    out.attrs["source"] = SourceMeta(
        "8-hour ozone nonattainment classifications (40 CFR 81 Subpart C; EPA Green Book)",
        f"as of {year}" if year else "unstated", "US federal public domain",
        "40 CFR Part 81 (eCFR copy MichalOpoka/ecfr@4be71cd); U.S. EPA Green Book export 2026-07-31",
        GREENBOOK_URL).to_dict()
    out.attrs["as_of_year"] = year
    out.attrs["standards"] = tuple(standards)
    out.attrs["load_report"] = report.to_dict()
    return out


# -- join: each county's current ozone status with its class ----------------------------------------


def _standard_key(naaqs: pd.Series) -> pd.Series:
    """``"8-Hour Ozone (2015)"`` -> ``"ozone_8hr_2015"``, ``"1-Hour Ozone (1979)"`` -> ``"ozone_1hr_1979"``."""
    s = naaqs.astype("string").fillna("").str.lower()
    year = s.str.extract(r"\((\d{4})\)", expand=False).fillna("")
    hours = s.str.extract(r"(\d+)-hour", expand=False).fillna("")
    return ("ozone_" + hours + "hr_" + year).where((year != "") & (hours != ""), "").astype("str")


def _source_text(frame, fallback: str) -> str:
    src = getattr(frame, "attrs", {}).get("source") or {}
    name = src.get("name") or fallback
    return f"{name}, {src['vintage']}" if src.get("vintage") else name


def ozone_status_by_county(greenbook_history: pd.DataFrame, classes_table: pd.DataFrame | None = None, *,
                           covered_states=None) -> pd.DataFrame:
    """Each county's current 8-hour ozone status with its classification and where it comes from.

    For each county and ozone standard in nonattainment in the Green Book history layer
    (revoked standards left out), the class is taken from the layer itself where it has one
    (``nayro``), else from the classification table for that county and standard. When
    neither gives one:

    * if the table covers that standard and the county's state and is newer than the
      history (its ``as_of_year`` is later), the county's absence from it means the area was
      redesignated since: the standard no longer counts (``classification`` "attainment" for
      that county unless another standard counts), and ``note`` says so;
    * otherwise the county is nonattainment of unknown class: :data:`models.emissions.UNKNOWN_CLASS`
      (``"nonattainment"``), ``class_assumed`` True, and ``note`` says the permit screen
      assumes the strictest class.

    Counties the table lists for a standard the history does not (designated after the
    history's export) are added with the table's class, unless the history is newer.

    Parameters
    ----------
    greenbook_history : pandas.DataFrame
        A ``nonattainment`` layer (:func:`load_greenbook_phistory`, :func:`load_greenbook_nayro`,
        :func:`load_greenbook_counties_2021`): ``county_fips``, ``pollutant``,
        ``classification``, ``status``, and where available ``naaqs``, ``revoked``,
        ``as_of_year`` and ``attrs['source']``.
    classes_table : pandas.DataFrame, optional
        :func:`load_ozone_classes` (default: the packaged table). Its ``attrs['as_of_year']``
        and ``attrs['standards']`` say how recent it is and what it covers.
    covered_states : iterable of str, optional
        State abbreviations the table covers (default: every state, as the packaged table does).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``county_fips`` (every county of either source): ``classification``
        (``marginal`` ... ``extreme``, ``"nonattainment"`` when unknown, ``"attainment"`` when
        redesignated since the history), ``class_label`` (as written), ``class_source``,
        ``class_vintage``, ``class_assumed`` (bool), ``standards`` (``;``-joined standards in
        nonattainment), ``area_name``, ``partial_county`` (bool: the class-setting area covers
        only part of the county), ``note``.
    """
    table = load_ozone_classes() if classes_table is None else classes_table
    lacking = [c for c in _CLASS_COLUMNS + ("class_label", "source_vintage") if c not in table.columns]
    if lacking:
        raise DataError(f"classes_table lacks {lacking}; pass load_ozone_classes() (or load_ozone_classes(path))")
    hist = pd.DataFrame(greenbook_history)
    for c in ("county_fips", "pollutant"):
        if c not in hist.columns:
            raise DataError(f"greenbook_history lacks {c!r}; pass a nonattainment layer (load_greenbook_phistory ...)")
    hist = hist[hist["pollutant"].astype("str") == "ozone"]
    if "revoked" in hist.columns:
        hist = hist[~hist["revoked"].fillna(False).astype(bool)]
    hist_years = pd.to_numeric(hist.get("as_of_year", pd.Series(dtype=float)), errors="coerce").dropna()
    hist_year = int(hist_years.max()) if len(hist_years) else None
    table_year = table.attrs.get("as_of_year")
    table_standards = set(table.attrs.get("standards") or set(table["standard"]))
    covered = None if covered_states is None else {str(s).upper() for s in covered_states}
    table_newer = table_year is not None and hist_year is not None and table_year > hist_year
    add_table_only = table_year is None or hist_year is None or table_year >= hist_year
    hist_src = _source_text(greenbook_history, "Green Book history layer")
    tab_src = _source_text(table, "ozone classification table")

    hist = hist.assign(
        county_fips=hist["county_fips"].astype("str").str.zfill(5),
        standard=_standard_key(hist["naaqs"]) if "naaqs" in hist.columns else "",
        cls=hist.get("classification", pd.Series("", index=hist.index)).astype("string").fillna("").astype("str"),
        partial=hist.get("status", pd.Series("", index=hist.index)).astype("str").eq("part"),
        area=hist.get("area_name", pd.Series("", index=hist.index)).astype("string").fillna("").astype("str"),
    )
    # the table's rows as plain records, grouped once (a DataFrame per group costs ms a lookup)
    by_key: dict[tuple, list[dict]] = {}
    by_county: dict[str, list[dict]] = {}
    for r in table.to_dict("records"):
        by_key.setdefault((r["county_fips"], r["standard"]), []).append(r)
        by_county.setdefault(r["county_fips"], []).append(r)
    records: list[dict] = []

    def from_table(rows: list[dict], std: str) -> None:
        for r in rows:
            records.append(dict(county_fips=r["county_fips"], standard=std, classification=r["classification"],
                                class_label=r["class_label"],
                                class_source=f"{r['source']} ({r['standard']}: {r['area_name']})",
                                class_vintage=r["source_vintage"] or tab_src, partial=bool(r["partial_county"]),
                                area_name=r["area_name"], note=""))

    # plain records grouped in dicts: a pandas group per county costs ms, and there are thousands
    hist_groups: dict[tuple[str, str], list[tuple]] = {}
    for key in zip(hist["county_fips"], hist["standard"], hist["cls"], hist["partial"], hist["area"]):
        hist_groups.setdefault((key[0], key[1]), []).append(key[2:])
    seen: set[tuple[str, str]] = set()
    for fips, std in sorted(hist_groups):
        g = hist_groups[(fips, std)]
        seen.add((fips, std))
        label = std or "ozone (standard not named)"
        all_partial = all(bool(part) for _, part, _ in g)
        if any(c.strip() for c, _, _ in g):
            for c, part, area in g:
                if c.strip():
                    cls = normalize_ozone_class(c)
                    records.append(dict(county_fips=fips, standard=std, classification=cls, class_label=c,
                                        class_source=f"{hist_src} ({label}{': ' + area if area else ''})",
                                        class_vintage=hist_src, partial=bool(part), area_name=area, note=""))
            continue
        if std and (fips, std) in by_key:
            from_table(by_key[(fips, std)], std)
            continue
        if not std and fips in by_county:  # the history names no standard: any table row of the county
            from_table(by_county[fips], std)
            continue
        state = str(state_abbr_from_fips([fips[:2]]).iloc[0])
        in_cover = std in table_standards and (covered is None or state in covered)
        if in_cover and table_newer:
            records.append(dict(county_fips=fips, standard=std, classification="attainment", class_label="",
                                class_source=tab_src, class_vintage=tab_src, partial=all_partial,
                                area_name="", note=(f"{label} nonattainment in {hist_src} but not in the newer {tab_src}: "
                                                    "redesignated since; not counted")))
            continue
        why = ("the classification table does not cover " + (f"{state}" if std in table_standards else label)
               if not in_cover else f"the classification table (as of {table_year}) is not newer than the history")
        records.append(dict(county_fips=fips, standard=std, classification=UNKNOWN_CLASS, class_label="",
                            class_source=f"{hist_src} ({label}; no class)", class_vintage=hist_src,
                            partial=all_partial, area_name="",
                            note=(f"{label} nonattainment in {hist_src} with no classification ({why}): "
                                  "class unknown, the permit screen assumes the strictest class")))
    if add_table_only:
        for (fips, std), rows in by_key.items():
            if (fips, std) not in seen:
                from_table(rows, std)

    columns = ["classification", "class_label", "class_source", "class_vintage", "class_assumed", "standards",
               "area_name", "partial_county", "note"]
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="bool" if c in ("class_assumed", "partial_county") else "str")
                             for c in columns}).rename_axis("county_fips")
    by_fips: dict[str, list[dict]] = {}
    for r in records:
        r["rank"] = ozone_class_rank(r["classification"]) if r["classification"] != UNKNOWN_CLASS else 5.5
        by_fips.setdefault(r["county_fips"], []).append(r)
    rows = []
    for fips in sorted(by_fips):
        g = by_fips[fips]
        active = [r for r in g if r["classification"] != "attainment"]
        notes = "; ".join(r["note"] for r in g if r["note"])
        if not active:
            rows.append(dict(county_fips=fips, classification="attainment", class_label="",
                             class_source=g[0]["class_source"], class_vintage=g[0]["class_vintage"],
                             class_assumed=False, standards="", area_name="", partial_county=False, note=notes))
            continue
        # extreme outranks an unknown class (nothing is stricter); an unknown class outranks the others
        ranks = [r["rank"] for r in active]
        top = 5 if 5 in ranks else max(ranks)
        worst = [r for r in active if r["rank"] == top]
        rows.append(dict(
            county_fips=fips, classification=str(worst[0]["classification"]),
            class_label=";".join(dict.fromkeys(r["class_label"] for r in worst if r["class_label"])),
            class_source="; ".join(dict.fromkeys(r["class_source"] for r in worst)),
            class_vintage="; ".join(dict.fromkeys(r["class_vintage"] for r in worst)),
            class_assumed=bool(worst[0]["classification"] == UNKNOWN_CLASS),
            standards=";".join(sorted({r["standard"] for r in active if r["standard"]})),
            area_name="; ".join(dict.fromkeys(r["area_name"] for r in worst if r["area_name"])),
            partial_county=all(bool(r["partial"]) for r in worst), note=notes))
    out = pd.DataFrame(rows).set_index("county_fips")[columns]
    log.info("ozone classes: %d counties (%d of unknown class, %d redesignated since the history) from %s and %s",
             len(out), int(out["class_assumed"].sum()), int(out["note"].str.contains("redesignated since").sum()),
             hist_src, tab_src)
    out.attrs["history_source"] = hist_src
    out.attrs["classes_source"] = tab_src
    return out


def ozone_classification_by_county(greenbook_history: pd.DataFrame, classes_table: pd.DataFrame | None = None, *,
                                   covered_states=None) -> pd.Series:
    """Each county's current ozone classification, for the permit screen (:func:`ozone_status_by_county`).

    Parameters
    ----------
    greenbook_history : pandas.DataFrame
        A ``nonattainment`` layer.
    classes_table : pandas.DataFrame, optional
        :func:`load_ozone_classes` (default: the packaged table).
    covered_states : iterable of str, optional
        As for :func:`ozone_status_by_county`.

    Returns
    -------
    pandas.Series of str
        Indexed by ``county_fips``: ``marginal`` ... ``extreme``, ``"nonattainment"``
        (nonattainment, class unknown: :func:`models.emissions.permit_path` assumes the
        strictest class and says so) or ``"attainment"`` (nonattainment in the history but
        redesignated since, per the newer table). Counties absent are attainment for ozone.
        ``attrs['status']`` holds the full :func:`ozone_status_by_county` frame (sources, notes).
    """
    status = ozone_status_by_county(greenbook_history, classes_table, covered_states=covered_states)
    out = status["classification"].astype("string").rename("ozone_classification")
    out.attrs["status"] = status
    return out
