"""Water layers: USGS county water use (2015) and WRI Aqueduct 4.0 baseline water stress.

Three water indicators, each result naming the one it used (column ``indicator``):

``aqueduct40_bws_subbasin``
    WRI Aqueduct 4.0 baseline water stress of the HydroBASINS level-6 sub-basin holding
    the site (needs the official Aqueduct table and the HydroBASINS shapes:
    :func:`load_aqueduct_basins`, :func:`water_stress_at`).
``aqueduct40_bws_state_area_weighted``
    The area-weighted mean of the sub-basin ``bws_score`` over the Aqueduct geometries of
    a state (:func:`state_water_stress`). The US table shipped with the project data has
    ``area_km2`` on every row, so the weighting is by area; without areas the mean is
    row-weighted and the indicator is ``aqueduct40_bws_state_row_weighted``.
``usgs2015_fresh_withdrawal_depth``
    A local water-*pressure* indicator from USGS county withdrawals
    (:func:`county_water_pressure`): 2015 fresh-water withdrawals of the county spread
    over its land area, as a depth [mm/yr], and its percentile among the counties given.
    It measures how much water is already drawn per unit area, not supply; use it as a
    county-scale complement to Aqueduct's basin-scale stress, not as a substitute.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data import io
from gis_data.boundaries import state_abbr_from_name
from gis_data.canonical import CONUS_METRIC_CRS, GEOGRAPHIC_CRS, LoadReport, SourceMeta
from gis_data.formats import register_format
from models.errors import CRSError, DataError, unknown_name
from models.units import DAYS_PER_YEAR, GAL_PER_MGAL, L_PER_GAL, M2_PER_KM2

log = logging.getLogger(__name__)

USGS_NAME = "USGS Estimated Use of Water in the United States, county-level data for 2015"
USGS_URL = "https://doi.org/10.5066/F7TB15V5"
USGS_ATTRIBUTION = (
    "Dieter, C.A., et al., 2018, Estimated use of water in the United States county-level data for 2015 "
    "(ver. 2.0, June 2018): U.S. Geological Survey data release, doi:10.5066/F7TB15V5"
)
AQUEDUCT_NAME = "WRI Aqueduct 4.0 baseline annual water stress"
AQUEDUCT_URL = "https://www.wri.org/data/aqueduct-global-maps-40-data"
AQUEDUCT_ATTRIBUTION = (
    "Kuzma, S., et al. 2023. Aqueduct 4.0: Updated decision-relevant global water risk indicators. "
    "Technical Note. Washington, DC: World Resources Institute. doi:10.46830/writn.23.00061. CC BY 4.0"
)

#: Canonical column <- USGS 2015 column (Mgal/d); withdrawals by sector and source.
USGS_WITHDRAWALS = {
    "withdrawal_total_gal_per_day": "TO-Wtotl",
    "withdrawal_fresh_gal_per_day": "TO-WFrTo",
    "withdrawal_public_supply_gal_per_day": "PS-Wtotl",
    "withdrawal_thermoelectric_gal_per_day": "PT-Wtotl",
    "withdrawal_irrigation_gal_per_day": "IR-WFrTo",
    "withdrawal_industrial_gal_per_day": "IN-Wtotl",
    "withdrawal_ground_gal_per_day": "TO-WGWTo",
    "withdrawal_surface_gal_per_day": "TO-WSWTo",
    # extra (not canonical) columns, kept when the file has them
    "withdrawal_domestic_gal_per_day": "DO-WFrTo",
    "withdrawal_public_supply_fresh_gal_per_day": "PS-WFrTo",
    "withdrawal_thermoelectric_fresh_gal_per_day": "PT-WFrTo",
    "withdrawal_mining_gal_per_day": "MI-Wtotl",
    "withdrawal_livestock_gal_per_day": "LI-WFrTo",
    "withdrawal_aquaculture_gal_per_day": "AQ-Wtotl",
    "withdrawal_saline_gal_per_day": "TO-WSaTo",
}
#: Public supply beyond withdrawals: who it serves and what it delivers (extra columns).
USGS_PUBLIC_SUPPLY = {
    "public_supply_population": "PS-TOPop",  # thousands of persons served by public supply
    "public_supply_domestic_deliveries_gal_per_day": "DO-PSDel",  # Mgal/d delivered to homes by public supply
}
_USGS_EXTRA = ("state_abbr", "county_name", "year") + tuple(list(USGS_WITHDRAWALS)[8:]) + tuple(USGS_PUBLIC_SUPPLY)
_USGS_MISSING = ("--", "")

#: Aqueduct 4.0 category labels by ``bws_cat``; thresholds on ``bws_raw`` 0.1/0.2/0.4/0.8
#: (Kuzma et al. 2023, Table 2), i.e. scores 1/2/3/4 on the 0-5 scale.
BWS_LABELS = {
    -1: "Arid and Low Water Use", 0: "Low (<10%)", 1: "Low - Medium (10-20%)", 2: "Medium - High (20-40%)",
    3: "High (40-80%)", 4: "Extremely High (>80%)",
}
_AQ_SENTINELS = (-9999.0, 9999.0)

INDICATORS = (
    "aqueduct40_bws_subbasin",
    "aqueduct40_bws_state_area_weighted",
    "aqueduct40_bws_state_row_weighted",
    "usgs2015_fresh_withdrawal_depth",
)


def bws_label_of_score(score) -> np.ndarray:
    """Aqueduct category label of a 0-5 ``bws_score`` (score thresholds 1, 2, 3, 4).

    Parameters
    ----------
    score : array-like of float
        Baseline water stress score [0-5].

    Returns
    -------
    numpy.ndarray of object
        Labels as Aqueduct writes them; ``None`` where the score is NaN.

    References
    ----------
    Kuzma et al. (2023), Aqueduct 4.0 technical note, doi:10.46830/writn.23.00061: score
    ``clip(log2(bws_raw / 0.1) + 1, 0, 5)`` so raw 0.1/0.2/0.4/0.8 map to scores 1/2/3/4.
    """
    s = np.asarray(score, dtype=float)
    cat = np.clip(np.floor(np.nan_to_num(s, nan=0.0)), 0, 4).astype(int)
    out = np.array([BWS_LABELS[c] for c in cat.ravel()], dtype=object).reshape(cat.shape)
    out[np.isnan(s)] = None
    return out


# ----------------------------------------------------------------------------- USGS water use


def _detect_usgs(path, columns) -> bool:
    return {"fips", "to-wtotl", "tp-totpop"} <= set(columns)


@register_format(
    "usgs_water_use_2015", role="water_use", detect=_detect_usgs, detail=30,
    description="USGS county water use 2015 (usco2015v2.0.csv; Mgal/d by sector and source)",
)
def load_usgs_water_use(path, *, vintage: str = "2015"):
    """USGS county-level water use for 2015, in gallons per day.

    Parameters
    ----------
    path : str or Path
        ``usco2015v2.0.csv`` (plain, ``.gz`` or zipped), with or without the one-line title
        row of the USGS original. Withdrawals in Mgal/d, ``TP-TotPop`` in thousands,
        ``--`` for "not available".
    vintage : str
        Data year recorded in the source metadata.

    Returns
    -------
    pandas.DataFrame
        Canonical ``water_use`` columns keyed by ``county_fips`` (five-digit, zero-padded):
        ``population`` [persons] and withdrawals [gal/day] (Mgal/d x 1e6), NaN where USGS
        gives ``--``; plus ``state_abbr``, ``county_name``, ``year`` and further sector
        withdrawals [gal/day] when the file has them, and ``public_supply_population``
        [persons] (``PS-TOPop``) and ``public_supply_domestic_deliveries_gal_per_day``
        [gal/day] (``DO-PSDel``, public-supply water delivered to homes): a county whose
        utilities deliver more to homes alone than they withdraw in the county draws its
        water elsewhere (:func:`siting.water_context.county_water_facts`).
    """
    report = LoadReport()
    raw = io.read_table(path, dtype=str, keep_default_na=False)
    if "FIPS" not in raw.columns and len(raw.columns) and len(raw):  # USGS original: a title row first
        raw = io.read_table(path, dtype=str, keep_default_na=False, skiprows=1)
    raw.columns = [str(c).strip().lstrip("\ufeff") for c in raw.columns]
    need = ["FIPS", "TP-TotPop"] + list(USGS_WITHDRAWALS.values())[:8]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: USGS 2015 water-use table lacks {missing}; expected usco2015v2.0.csv columns")
    report.source_rows = len(raw)
    fips = raw["FIPS"].str.strip().str.replace(r"\.0$", "", regex=True).str.zfill(5)
    bad = ~fips.str.fullmatch(r"\d{5}").fillna(False)
    report.drop("FIPS not a five-digit county code", int(bad.sum()))
    raw, fips = raw.loc[~bad], fips.loc[~bad]

    def number(col: str) -> pd.Series:
        s = raw[col].str.strip()
        na = s.isin(_USGS_MISSING)
        report.repair(f"{col} '--' (not available) -> NaN", int(na.sum()))
        return pd.to_numeric(s.mask(na), errors="coerce").astype("float64")

    out = pd.DataFrame({"county_fips": fips.astype("str")}, index=raw.index)
    out["population"] = number("TP-TotPop") * 1000.0  # USGS gives thousands of persons
    for name, col in USGS_WITHDRAWALS.items():
        if col in raw.columns:
            out[name] = number(col) * GAL_PER_MGAL
    for name, col in USGS_PUBLIC_SUPPLY.items():
        if col in raw.columns:
            out[name] = number(col) * (1000.0 if name == "public_supply_population" else GAL_PER_MGAL)
    out["state_abbr"] = raw["STATE"].astype("str") if "STATE" in raw.columns else pd.NA
    out["county_name"] = raw["COUNTY"].astype("str") if "COUNTY" in raw.columns else pd.NA
    out["year"] = pd.to_numeric(raw["YEAR"], errors="coerce") if "YEAR" in raw.columns else np.nan
    dup = out["county_fips"].duplicated()
    report.drop("duplicate county_fips", int(dup.sum()))
    out = out.loc[~dup]
    src = SourceMeta(USGS_NAME, vintage, "US federal public domain", USGS_ATTRIBUTION, USGS_URL)
    return io.finish(out, "water_use", src, report, extra=_USGS_EXTRA)


def county_water_pressure(water_use: pd.DataFrame, counties: gpd.GeoDataFrame) -> pd.DataFrame:
    """Local water-pressure indicator: fresh withdrawals per unit land area, and its percentile.

    ``fresh_withdrawal_depth_mm_per_yr`` = fresh withdrawals [gal/day] x 365 x 3.785 L/gal
    / land area [m²] (1 L/m² = 1 mm). The land area is ``area_land_km2`` when the counties
    carry it (Census ALAND), else the polygon area in EPSG:5070 (equal-area).
    ``water_pressure_pct`` is the percentile rank (0-100) of that depth among the counties
    given (so it is national only when all US counties are passed).

    Parameters
    ----------
    water_use : pandas.DataFrame
        ``water_use`` layer (``county_fips``, ``withdrawal_fresh_gal_per_day`` [gal/day]).
    counties : geopandas.GeoDataFrame
        ``counties`` layer in EPSG:4326 (``county_fips``, optional ``area_land_km2`` [km²]).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``county_fips``: ``withdrawal_fresh_gal_per_day`` [gal/day],
        ``area_land_km2`` [km²], ``fresh_withdrawal_depth_mm_per_yr`` [mm/yr],
        ``water_pressure_pct`` [0-100], ``indicator`` (``usgs2015_fresh_withdrawal_depth``).

    References
    ----------
    Dieter, C.A., et al. (2018), Estimated use of water in the United States county-level
    data for 2015, USGS data release, doi:10.5066/F7TB15V5 (withdrawals ``TO-WFrTo``).
    """
    for frame, cols, what in ((water_use, ("county_fips", "withdrawal_fresh_gal_per_day"), "water_use"),
                              (counties, ("county_fips",), "counties")):
        miss = [c for c in cols if c not in frame.columns]
        if miss:
            raise DataError(f"{what} layer lacks {miss}; load it with a gis_data loader")
    if counties.crs is None or counties.crs.to_epsg() != 4326:
        raise CRSError(f"counties layer must be in EPSG:4326 (loaders return it so), got {counties.crs}")
    if "area_land_km2" in counties.columns and counties["area_land_km2"].notna().all():
        area = pd.Series(counties["area_land_km2"].to_numpy(dtype=float), index=counties["county_fips"])
    else:
        area = pd.Series(counties.to_crs(CONUS_METRIC_CRS).area.to_numpy() / M2_PER_KM2, index=counties["county_fips"])
    area = area[~area.index.duplicated()]
    wu = water_use.drop_duplicates("county_fips").set_index("county_fips")["withdrawal_fresh_gal_per_day"]
    out = pd.DataFrame({"withdrawal_fresh_gal_per_day": wu.astype(float)})
    out["area_land_km2"] = area.reindex(out.index).to_numpy(dtype=float)
    litres_per_yr = out["withdrawal_fresh_gal_per_day"] * DAYS_PER_YEAR * L_PER_GAL
    depth = litres_per_yr / (out["area_land_km2"] * M2_PER_KM2)  # L/m2 = mm
    out["fresh_withdrawal_depth_mm_per_yr"] = depth.where(out["area_land_km2"] > 0)
    out["water_pressure_pct"] = out["fresh_withdrawal_depth_mm_per_yr"].rank(pct=True) * 100.0
    out["indicator"] = "usgs2015_fresh_withdrawal_depth"
    out.index.name = "county_fips"
    return out


# ----------------------------------------------------------------------------- Aqueduct


def _detect_aqueduct(path, columns) -> bool:
    return {"string_id", "bws_score", "name_1"} <= set(columns)


def _aqueduct_rows(raw: pd.DataFrame, report: LoadReport, country: str | None) -> pd.DataFrame:
    raw = raw.rename(columns={c: str(c).strip().lower() for c in raw.columns})
    need = ["string_id", "bws_score", "bws_label", "name_1"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise DataError(f"Aqueduct table lacks {missing}; expected the Aqueduct 4.0 baseline annual columns")
    if country is not None and "gid_0" in raw.columns:
        keep = raw["gid_0"].astype("string").str.upper().eq(country.upper()).fillna(False)
        report.drop(f"outside {country}", int((~keep).sum()))
        raw = raw.loc[keep]
    out = pd.DataFrame(index=raw.index)
    out["string_id"] = raw["string_id"].astype("str")
    parts = raw["string_id"].astype("string").str.split("-", expand=True)
    pfaf = raw["pfaf_id"] if "pfaf_id" in raw.columns else parts[0]
    out["pfaf_id"] = pd.to_numeric(pfaf, errors="coerce").astype("Int64")
    out["gid_1"] = raw["gid_1"].astype("str") if "gid_1" in raw.columns else parts[1].astype("str")
    for col in ("bws_raw", "bws_score", "bws_cat", "area_km2"):
        s = pd.to_numeric(raw[col], errors="coerce").astype("float64") if col in raw.columns else np.nan
        if col in raw.columns and col != "area_km2":
            flag = s.isin(_AQ_SENTINELS)
            report.repair(f"{col} placeholder -9999/9999 -> NaN", int(flag.sum()))
            s = s.mask(flag)
        out[col] = s
    label = raw["bws_label"].astype("string").str.strip()
    label = label.mask(label.isin(["", "NoData", "No Data"]))
    out["bws_label"] = label.astype("str")
    nos = out["bws_score"].isna()
    report.drop("no bws_score", int(nos.sum()))
    out = out.loc[~nos]
    out["state_name"] = raw.loc[out.index, "name_1"].astype("str")
    out["state_abbr"] = state_abbr_from_name(out["state_name"]).set_axis(out.index)
    report.repair("state name not a US state; state_abbr left missing", int(out["state_abbr"].isna().sum()))
    return out


_AQ_EXTRA = ("string_id", "pfaf_id", "gid_1", "state_name", "area_km2", "bws_raw", "bws_cat")
#: Columns of the Aqueduct baseline table that :func:`load_aqueduct_table` reads.
_AQ_READ = frozenset({"string_id", "pfaf_id", "gid_0", "gid_1", "name_1", "area_km2", "bws_raw", "bws_score",
                      "bws_cat", "bws_label"})


@register_format(
    "aqueduct40_table", role="water_stress", detect=_detect_aqueduct, detail=20,
    description="WRI Aqueduct 4.0 baseline annual table (string_id, name_1, area_km2, bws_score), no geometry",
)
def load_aqueduct_table(path, *, country: str | None = "USA", vintage: str = "2023-07-05"):
    """WRI Aqueduct 4.0 baseline annual water stress, one row per Aqueduct geometry.

    Parameters
    ----------
    path : str or Path
        ``Aqueduct40_baseline_annual_y2023m07d05.csv`` or a subset with its columns
        (``string_id``, ``gid_1``, ``name_1``, ``area_km2``, ``bws_raw``, ``bws_score``,
        ``bws_cat``, ``bws_label``); plain, ``.gz`` or zipped.
    country : str or None
        Keep rows whose ``gid_0`` is this ISO3 code (default ``"USA"``); None keeps all.
    vintage : str
        Aqueduct data version.

    Returns
    -------
    pandas.DataFrame
        Canonical ``water_stress`` columns (``state_abbr``, ``bws_score`` [0-5], ``bws_label``)
        plus ``string_id``, ``pfaf_id`` (HydroBASINS level-6 id), ``gid_1``, ``state_name``,
        ``area_km2`` [km²], ``bws_raw`` [-], ``bws_cat`` [-]; -9999/9999 placeholders -> NaN.

    References
    ----------
    Kuzma et al. (2023), Aqueduct 4.0 technical note, doi:10.46830/writn.23.00061.
    """
    report = LoadReport()
    # the official table has 231 columns (193 MB); read only the ones used
    raw = io.read_table(path, dtype=str, keep_default_na=False, na_values=[""],
                        usecols=lambda c: str(c).strip().lower() in _AQ_READ)
    report.source_rows = len(raw)
    out = _aqueduct_rows(raw, report, country)
    src = SourceMeta(AQUEDUCT_NAME, vintage, "CC BY 4.0", AQUEDUCT_ATTRIBUTION, AQUEDUCT_URL)
    return io.finish(out, "water_stress", src, report, extra=_AQ_EXTRA)


def state_water_stress(water_stress: pd.DataFrame) -> pd.DataFrame:
    """State-level Aqueduct baseline water stress: area-weighted mean of sub-basin scores.

    Each Aqueduct row is a sub-basin x state x aquifer geometry whose ``bws_score`` is the
    sub-basin's; the state score is ``sum(score x area_km2) / sum(area_km2)`` over the
    state's rows (row-weighted mean when ``area_km2`` is absent or zero). Rows WRI flags
    "Arid and Low Water Use" carry its flag score 5.0 and are averaged as such; their
    area share is reported in ``arid_area_frac``.

    Parameters
    ----------
    water_stress : pandas.DataFrame
        ``water_stress`` rows (``state_abbr``, ``bws_score`` [0-5], optional ``area_km2``
        [km²] and ``bws_cat``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``state_abbr``: ``bws_score`` [0-5], ``bws_label``, ``bws_score_max``
        [0-5], ``area_km2`` [km²], ``arid_area_frac`` [-], ``n_rows``, ``indicator``.

    References
    ----------
    Kuzma et al. (2023), Aqueduct 4.0 technical note, doi:10.46830/writn.23.00061 (bws per
    HydroBASINS level-6 sub-basin; arid and low water use flag).
    """
    for col in ("state_abbr", "bws_score"):
        if col not in water_stress.columns:
            raise DataError(f"water-stress table lacks {col!r}; it has {list(water_stress.columns)}")
    df = water_stress.dropna(subset=["state_abbr", "bws_score"])
    score = df["bws_score"].to_numpy(dtype=float)
    has_area = "area_km2" in df.columns and df["area_km2"].notna().all() and len(df) > 0
    w = df["area_km2"].to_numpy(dtype=float) if has_area else np.ones(len(df))
    arid = (df["bws_cat"].to_numpy(dtype=float) == -1) if "bws_cat" in df.columns else np.zeros(len(df), bool)
    g = pd.DataFrame({"state_abbr": df["state_abbr"].to_numpy(), "ws": score * w, "w": w, "s": score,
                      "aw": w * arid}).groupby("state_abbr")
    out = pd.DataFrame({"bws_score": g["ws"].sum() / g["w"].sum()})
    out["bws_label"] = bws_label_of_score(out["bws_score"].to_numpy())
    out["bws_score_max"] = g["s"].max()
    out["area_km2"] = g["w"].sum() if has_area else np.nan
    out["arid_area_frac"] = g["aw"].sum() / g["w"].sum()
    out["n_rows"] = g.size()
    out["indicator"] = "aqueduct40_bws_state_area_weighted" if has_area else "aqueduct40_bws_state_row_weighted"
    return out


def _detect_hydrobasins(path, columns) -> bool:
    return {"pfaf_id", "hybas_id"} <= set(columns)


def load_aqueduct_basins(table_path, basins_path, *, country: str | None = "USA", member: str | None = None,
                         vintage: str = "2023-07-05"):
    """Aqueduct 4.0 baseline water stress on HydroBASINS level-6 sub-basin polygons.

    The Aqueduct table is per sub-basin x state x aquifer; bws is computed per sub-basin,
    so rows are collapsed to one per ``pfaf_id`` (score of the sub-basin, area summed,
    ``state_abbr`` of the state holding most of its area) and joined to the HydroBASINS
    ``PFAF_ID`` polygons.

    Parameters
    ----------
    table_path : str or Path
        Aqueduct 4.0 baseline annual table (see :func:`load_aqueduct_table`).
    basins_path : str or Path
        HydroBASINS level 6 (``hybas_na_lev06_v1c`` shapefile, zipped or not, or any
        vector file with ``PFAF_ID``), any CRS.
    country : str or None
        ISO3 filter of the table (default ``"USA"``).
    member : str, optional
        Member of a zipped ``basins_path``.
    vintage : str
        Aqueduct data version.

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per sub-basin in EPSG:4326: canonical ``water_stress`` columns plus
        ``pfaf_id``, ``bws_raw``, ``bws_cat``, ``area_km2`` [km²] (Aqueduct's), ``indicator``
        (``aqueduct40_bws_subbasin``). Sub-basins without a polygon are dropped (counted).
    """
    report = LoadReport()
    table = load_aqueduct_table(table_path, country=country, vintage=vintage)
    report.source_rows = len(table)
    basins = io.lower_columns(io.read_clean(basins_path, LoadReport(), kind="polygon", member=member))
    if "pfaf_id" not in basins.columns:
        raise DataError(f"{basins_path}: no PFAF_ID field; expected HydroBASINS level 6 (hybas_*_lev06_v1c)")
    basins["pfaf_id"] = pd.to_numeric(basins["pfaf_id"], errors="coerce").astype("Int64")
    basins = basins.dissolve(by="pfaf_id", as_index=False)[["pfaf_id", "geometry"]]
    t = table.copy()
    t["area_km2"] = t["area_km2"].fillna(0.0)
    by_state = t.groupby(["pfaf_id", "state_abbr"], dropna=False)["area_km2"].sum().reset_index()
    main_state = (by_state.sort_values("area_km2", ascending=False).drop_duplicates("pfaf_id")
                  .set_index("pfaf_id")["state_abbr"])
    per = t.groupby("pfaf_id").agg(bws_score=("bws_score", "first"), bws_raw=("bws_raw", "first"),
                                   bws_cat=("bws_cat", "first"), bws_label=("bws_label", "first"),
                                   area_km2=("area_km2", "sum"))
    per["state_abbr"] = main_state.reindex(per.index)
    merged = basins.merge(per.reset_index(), on="pfaf_id", how="right")
    nogeom = merged.geometry.isna()
    report.drop("sub-basin with no HydroBASINS polygon", int(nogeom.sum()))
    out = gpd.GeoDataFrame(merged.loc[~nogeom], geometry="geometry", crs=GEOGRAPHIC_CRS)
    out["indicator"] = "aqueduct40_bws_subbasin"
    src = SourceMeta(AQUEDUCT_NAME + " on HydroBASINS level 6", vintage, "CC BY 4.0",
                     AQUEDUCT_ATTRIBUTION + "; HydroBASINS (Lehner & Grill 2013), WWF HydroSHEDS",
                     AQUEDUCT_URL)
    # the water_stress role is a table, so finish() keeps no geometry; put the polygons back on
    table = io.finish(out, "water_stress", src, report,
                      extra=("pfaf_id", "bws_raw", "bws_cat", "area_km2", "indicator"))
    geo = gpd.GeoDataFrame(table, geometry=out.geometry.reset_index(drop=True).to_numpy(), crs=GEOGRAPHIC_CRS)
    geo.attrs.update(table.attrs)
    return geo


@register_format(
    "aqueduct40_hydrobasins", role="water_stress", detect=io.never_detect, detail=40,
    description="WRI Aqueduct 4.0 table joined to HydroBASINS level-6 polygons (options: basins = shapes file)",
)
def load_aqueduct_hydrobasins(path, *, basins, country: str | None = "USA", member: str | None = None,
                              vintage: str = "2023-07-05"):
    """Layer-set entry point of :func:`load_aqueduct_basins`: ``path`` is the Aqueduct table.

    Parameters
    ----------
    path : str or Path
        Aqueduct 4.0 baseline annual table.
    basins : str or Path
        HydroBASINS level-6 shapes; a relative path is taken relative to the table's folder
        (layer set: ``[layers.water_stress.options] basins = "hybas_na_lev06_v1c.zip"``).
        The load cache is keyed on the table file only: clear it (``siting data``) after
        replacing the shapes.
    country, member, vintage
        As for :func:`load_aqueduct_basins`.

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`load_aqueduct_basins`.
    """
    from pathlib import Path

    b = Path(basins).expanduser()
    if not b.is_absolute():
        b = Path(path).parent / b
    return load_aqueduct_basins(path, b, country=country, member=member, vintage=vintage)


def water_stress_at(lon, lat, basins: gpd.GeoDataFrame) -> pd.DataFrame:
    """Sub-basin baseline water stress at points (point in HydroBASINS polygon).

    Parameters
    ----------
    lon, lat : array-like of float
        Point coordinates [deg, WGS84].
    basins : geopandas.GeoDataFrame
        Output of :func:`load_aqueduct_basins` (EPSG:4326).

    Returns
    -------
    pandas.DataFrame
        One row per point, in input order: ``pfaf_id``, ``bws_score`` [0-5] (NaN outside
        every basin), ``bws_label``, ``indicator``.
    """
    if getattr(basins, "crs", None) is None or basins.crs.to_epsg() != 4326:
        raise CRSError(f"basins must be in EPSG:4326 (load_aqueduct_basins returns it so), got "
                       f"{getattr(basins, 'crs', None)}")
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    if lon.shape != lat.shape:
        raise DataError(f"lon and lat must have the same shape, got {lon.shape} and {lat.shape}")
    pts = gpd.GeoDataFrame({"i": np.arange(lon.size)}, geometry=gpd.points_from_xy(lon, lat), crs=GEOGRAPHIC_CRS)
    # point-in-polygon is topological: the geographic CRS is fine (no distance or area)
    hit = gpd.sjoin(pts, basins[["pfaf_id", "bws_score", "bws_label", "geometry"]], how="left", predicate="within")
    hit = hit.sort_values("i").drop_duplicates("i")
    return pd.DataFrame({
        "pfaf_id": hit["pfaf_id"].to_numpy(), "bws_score": hit["bws_score"].to_numpy(dtype=float),
        "bws_label": hit["bws_label"].to_numpy(), "indicator": "aqueduct40_bws_subbasin",
    })


def indicator_description(name: str) -> str:
    """One-line description of a water indicator name; a miss lists the valid names."""
    desc = {
        "aqueduct40_bws_subbasin": "WRI Aqueduct 4.0 baseline water stress of the HydroBASINS level-6 sub-basin",
        "aqueduct40_bws_state_area_weighted": "WRI Aqueduct 4.0 baseline water stress, state area-weighted mean",
        "aqueduct40_bws_state_row_weighted": "WRI Aqueduct 4.0 baseline water stress, state mean of table rows",
        "usgs2015_fresh_withdrawal_depth": "USGS 2015 county fresh-water withdrawals per land area [mm/yr], percentile",
    }
    try:
        return desc[name]
    except KeyError:
        raise unknown_name("water indicator", name, desc) from None
