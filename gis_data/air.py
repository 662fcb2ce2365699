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
``phistory`` export has no classification column, so it is empty for real phistory rows
(the Green Book's nonattainment-area tables give classifications).
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
from models.errors import ConfigError, CRSError, DataError

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


def _read_phistory(path) -> pd.DataFrame:
    """The phistory table as text columns with lower-case names, from the .dbf or a CSV export."""
    if str(path).lower().endswith(".dbf"):
        import pyogrio

        raw = pyogrio.read_dataframe(io.gdal_path(path), read_geometry=False)
        raw = raw.astype("object").where(raw.notna(), "").astype("str")
    elif str(path).lower().endswith(".xls"):
        raise DataError(f"{path}: the Green Book .xls (BIFF) is not read; use phistory.dbf from the same "
                        "download page (https://www3.epa.gov/airquality/greenbook/downld/phistory.dbf) or a CSV export")
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
        "naaqs": r["pollutant"].str.strip().astype("str"),
        "standard_year": _standard_year(r["pollutant"]).to_numpy(),
        "revoked": revoked[active].to_numpy(),
        "state_abbr": (r["st_abbr"].str.strip() if "st_abbr" in r.columns
                       else state_abbr_from_fips(state).set_axis(r.index)).astype("str"),
        "county_name": r.get("countyname", pd.Series("", index=r.index)).str.strip().astype("str"),
        "as_of_year": year,
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
