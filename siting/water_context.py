"""A site's water against its place: county water use, basin water stress and the verdict.

One rule for one site and for many: :func:`water_verdicts` takes arrays (a single site is
an array of one) and returns the verdict of each site, with the reasons when asked.
:func:`local_context` is the one-site view the report and ``siting water`` show;
:func:`context_columns` the same figures as site-table columns for batch scoring.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis_data.water import bws_label_of_score
from gis_data.water import state_water_stress as _state_water_stress

#: Verdict labels by level.
VERDICTS = ("low concern", "moderate concern", "high concern")
#: Verdict when nothing is known about the site's water.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class VerdictThresholds:
    """Screening thresholds of the water verdict.

    The share thresholds are screening choices made here (no published standard sets
    them); the stress thresholds are Aqueduct category bounds (Kuzma et al. 2023).

    Attributes
    ----------
    share_of_county_moderate_pct, share_of_county_high_pct : float
        Site consumption as a share of county total withdrawals [%].
    share_of_public_supply_moderate_pct, share_of_public_supply_high_pct : float
        Site withdrawal (consumption when withdrawal is unknown) as a share of the county's
        public-supply withdrawals [%], relevant when the utility serves the campus.
    bws_moderate_score, bws_high_score : float
        Aqueduct baseline water-stress score [0-5]; 2 = medium-high (20-40 %), 3 = high (40-80 %).
    """

    share_of_county_moderate_pct: float = 1.0
    share_of_county_high_pct: float = 5.0
    share_of_public_supply_moderate_pct: float = 5.0
    share_of_public_supply_high_pct: float = 20.0
    bws_moderate_score: float = 2.0
    bws_high_score: float = 3.0


def bws_label(score: float) -> str:
    """Aqueduct label of a baseline water-stress score [0-5] ("" for NaN).

    Delegates to :func:`gis_data.water.bws_label_of_score` (Aqueduct 4.0 category bounds
    1, 2, 3, 4; Kuzma et al. 2023).
    """
    if score is None or not np.isfinite(score):
        return ""
    return str(bws_label_of_score([score])[0])


def water_verdicts(share_of_county_pct, share_of_public_supply_pct, bws_score,
                   thresholds: VerdictThresholds = VerdictThresholds(), *,
                   reasons: bool = False) -> np.ndarray | tuple[np.ndarray, list[tuple[str, ...]]]:
    """Plain verdict on each site's water.

    Parameters
    ----------
    share_of_county_pct : array_like
        Site consumption over county total withdrawals [%] (NaN when unknown).
    share_of_public_supply_pct : array_like
        Site water over county public-supply withdrawals [%] (NaN when unknown).
    bws_score : array_like
        Aqueduct baseline water stress [0-5] (NaN when unknown).
    thresholds : VerdictThresholds
    reasons : bool
        Also return one tuple of reasons per site (one sentence per input considered).

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, list of tuple of str)
        ``"low concern"``, ``"moderate concern"``, ``"high concern"`` or ``"unknown"`` per site.
    """
    t = thresholds
    county = np.atleast_1d(np.asarray(share_of_county_pct, dtype=float))
    public = np.broadcast_to(np.asarray(share_of_public_supply_pct, dtype=float), county.shape)
    bws = np.broadcast_to(np.asarray(bws_score, dtype=float), county.shape)
    level = np.zeros(county.shape, dtype=np.int64)
    known = np.zeros(county.shape, dtype=bool)
    for value, moderate, high in ((bws, t.bws_moderate_score, t.bws_high_score),
                                  (county, t.share_of_county_moderate_pct, t.share_of_county_high_pct),
                                  (public, t.share_of_public_supply_moderate_pct, t.share_of_public_supply_high_pct)):
        ok = np.isfinite(value)
        known |= ok
        with np.errstate(invalid="ignore"):
            level = np.maximum(level, np.where(ok & (value >= high), 2, np.where(ok & (value >= moderate), 1, 0)))
    labels = np.array(VERDICTS, dtype=object)[level]
    labels[~known] = UNKNOWN
    if not reasons:
        return labels
    why = []
    for c, p, b in zip(county, public, bws):
        r = []
        if np.isfinite(b):
            r.append(f"baseline water stress is {bws_label(b)}, Aqueduct score {b:.1f} of 5")
        if np.isfinite(c):
            r.append(f"the campus would consume {c:.2g} % of the county's total withdrawals")
        if np.isfinite(p):
            r.append(f"if the local utility supplied it, the campus would need {p:.2g} % of the county's "
                     "public-supply withdrawals")
        why.append(tuple(r) if r else ("no county water-use or water-stress data for this site",))
    return labels, why


def water_verdict(share_of_county_pct: float, share_of_public_supply_pct: float, bws_score: float,
                  thresholds: VerdictThresholds = VerdictThresholds()) -> tuple[str, tuple[str, ...]]:
    """The verdict of one site with its reasons (:func:`water_verdicts` on arrays of one)."""
    labels, why = water_verdicts([share_of_county_pct], [share_of_public_supply_pct], [bws_score], thresholds,
                                 reasons=True)
    return str(labels[0]), why[0]


def shares_pct(consumption_gal_per_yr, withdrawal_gal_per_yr, county_total_gal_per_day,
               county_public_gal_per_day) -> tuple[np.ndarray, np.ndarray]:
    """The site's share of its county's total withdrawals and public supply [%] (NaN where unknown).

    Consumption is set against total withdrawals; withdrawal (consumption where withdrawal
    is unknown) against public-supply withdrawals.
    """
    cons = np.atleast_1d(np.asarray(consumption_gal_per_yr, dtype=float))
    wdr = np.broadcast_to(np.asarray(withdrawal_gal_per_yr, dtype=float), cons.shape)
    total = np.broadcast_to(np.asarray(county_total_gal_per_day, dtype=float), cons.shape)
    public = np.broadcast_to(np.asarray(county_public_gal_per_day, dtype=float), cons.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_county = np.where(total > 0, 100.0 * (cons / 365.0) / total, np.nan)
        draw = np.where(np.isfinite(wdr), wdr, cons)
        share_public = np.where(public > 0, 100.0 * (draw / 365.0) / public, np.nan)
    return share_county, share_public


@dataclass(frozen=True)
class LocalContext:
    """The site's water set against its county and basin.

    Attributes
    ----------
    county_fips : str
        County of the site ("" when unknown).
    county_withdrawal_total_gal_per_day : float
        County total withdrawals, all sectors (USGS 2015) [gal/day].
    county_public_supply_gal_per_day : float
        County public-supply withdrawals (USGS 2015) [gal/day].
    site_consumption_gal_per_day : float
        Site on-site consumption, annual average [gal/day].
    site_withdrawal_gal_per_day : float
        Site on-site withdrawal, annual average [gal/day].
    share_of_county_pct : float
        Site consumption over county total withdrawals [%].
    share_of_public_supply_pct : float
        Site withdrawal (consumption when withdrawal is unknown) over county public supply [%].
    bws_score : float
        Aqueduct 4.0 baseline water stress [0-5].
    bws_label : str
        Its label.
    verdict : str
        ``low concern``, ``moderate concern``, ``high concern`` or ``unknown``.
    reasons : tuple of str
        Why.
    """

    county_fips: str
    county_withdrawal_total_gal_per_day: float
    county_public_supply_gal_per_day: float
    site_consumption_gal_per_day: float
    site_withdrawal_gal_per_day: float
    share_of_county_pct: float
    share_of_public_supply_pct: float
    bws_score: float
    bws_label: str
    verdict: str
    reasons: tuple[str, ...]


def _get(mapping: Mapping | pd.Series | None, key: str, default=math.nan):
    if mapping is None:
        return default
    value = mapping.get(key, default) if hasattr(mapping, "get") else default
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def local_context(
    consumption_gal_per_yr: float,
    withdrawal_gal_per_yr: float,
    *,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> LocalContext:
    """Shares of county withdrawals and public supply, water stress and the verdict of one site.

    Parameters
    ----------
    consumption_gal_per_yr : float
        Site on-site consumption [gal/yr].
    withdrawal_gal_per_yr : float
        Site on-site withdrawal [gal/yr] (NaN when unknown).
    county_water : mapping, optional
        The site county's row of the ``water_use`` layer: ``withdrawal_total_gal_per_day``,
        ``withdrawal_public_supply_gal_per_day`` [gal/day], optionally ``county_fips``.
    water_stress : mapping, optional
        ``bws_score`` [0-5] and optionally ``bws_label`` for the site.
    thresholds : VerdictThresholds

    Returns
    -------
    LocalContext
    """
    total = float(_get(county_water, "withdrawal_total_gal_per_day"))
    public = float(_get(county_water, "withdrawal_public_supply_gal_per_day"))
    share_county, share_public = shares_pct(consumption_gal_per_yr, withdrawal_gal_per_yr, total, public)
    score = float(_get(water_stress, "bws_score"))
    label = str(_get(water_stress, "bws_label", "")) or bws_label(score)
    verdict, reasons = water_verdict(float(share_county[0]), float(share_public[0]), score, thresholds)
    return LocalContext(
        county_fips=str(_get(county_water, "county_fips", "")),
        county_withdrawal_total_gal_per_day=total,
        county_public_supply_gal_per_day=public,
        site_consumption_gal_per_day=consumption_gal_per_yr / 365.0,
        site_withdrawal_gal_per_day=withdrawal_gal_per_yr / 365.0,
        share_of_county_pct=float(share_county[0]),
        share_of_public_supply_pct=float(share_public[0]),
        bws_score=score,
        bws_label=label,
        verdict=verdict,
        reasons=reasons,
    )


def state_water_stress(water_stress: pd.DataFrame) -> pd.DataFrame:
    """One Aqueduct score per state: :func:`gis_data.water.state_water_stress`.

    Area-weighted mean of the sub-basin x state x aquifer rows (row-weighted when
    ``area_km2`` is absent); a state score hides basins with higher stress, so reports also
    carry ``bws_score_max``.

    Parameters
    ----------
    water_stress : pandas.DataFrame
        ``water_stress`` layer rows: ``state_abbr``, ``bws_score`` [0-5], optional ``area_km2``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``state_abbr``: ``bws_score`` [0-5], ``bws_label``, ``bws_score_max`` [0-5],
        ``indicator`` and more (see the gis_data function).
    """
    return _state_water_stress(water_stress)


def stress_at_sites(lon, lat, state_abbr, water_stress: pd.DataFrame) -> dict[str, np.ndarray]:
    """Aqueduct baseline water stress of sites: the sub-basin's where the layer has basin shapes, else the state's.

    One lookup for one site and many, so the report, ``siting water`` and batch scoring
    give a site the same score with the same stated basis.

    Parameters
    ----------
    lon, lat : array_like
        Site coordinates [deg, WGS84].
    state_abbr : sequence
        Each site's state (None or "" when unknown).
    water_stress : pandas.DataFrame
        The ``water_stress`` layer: Aqueduct sub-basin polygons (EPSG:4326) or the table
        (``state_abbr``, ``bws_score``, optional ``area_km2``).

    Returns
    -------
    dict
        ``bws_score`` [0-5] (NaN unknown), ``bws_label``, ``indicator`` (which basis) per site,
        and for state averages ``bws_score_max`` [0-5] (the state's highest row).
    """
    from gis_data.water import water_stress_at

    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    n = lon.size
    score = np.full(n, np.nan)
    label = np.full(n, "", dtype=object)
    indicator = np.full(n, "", dtype=object)
    score_max = np.full(n, np.nan)
    if "geometry" in getattr(water_stress, "columns", ()) and getattr(water_stress, "crs", None) is not None:
        hit = water_stress_at(lon, lat, water_stress)
        ok = np.isfinite(hit["bws_score"].to_numpy(dtype=float))
        score[ok] = hit["bws_score"].to_numpy(dtype=float)[ok]
        label[ok] = hit["bws_label"].astype(str).to_numpy()[ok]
        indicator[ok] = hit["indicator"].astype(str).to_numpy()[ok]
    todo = ~np.isfinite(score)
    if todo.any() and "state_abbr" in getattr(water_stress, "columns", ()):
        st = state_water_stress(water_stress)
        keys = pd.Series(list(state_abbr), dtype="string").reindex(range(n))
        ok = todo & keys.isin(st.index).to_numpy()
        if ok.any():
            k = keys[ok].to_numpy(dtype=object)
            score[ok] = st.loc[k, "bws_score"].to_numpy(dtype=float)
            label[ok] = st.loc[k, "bws_label"].astype(str).to_numpy()
            indicator[ok] = st.loc[k, "indicator"].astype(str).to_numpy()
            score_max[ok] = st.loc[k, "bws_score_max"].to_numpy(dtype=float)
    return {"bws_score": score, "bws_label": label, "indicator": indicator, "bws_score_max": score_max}


def context_columns(consumption_gal_per_yr, withdrawal_gal_per_yr, *, county_fips, state_abbr, lon, lat,
                    county_water: pd.DataFrame | None = None, water_stress: pd.DataFrame | None = None,
                    thresholds: VerdictThresholds = VerdictThresholds()) -> dict[str, np.ndarray]:
    """The water-context columns of many sites (``site_columns.csv`` group ``water``).

    Parameters
    ----------
    consumption_gal_per_yr, withdrawal_gal_per_yr : array_like
        Each site's on-site cooling water [gal/yr].
    county_fips, state_abbr : sequence
        Each site's county and state (missing allowed).
    lon, lat : array_like
        Site coordinates [deg] (for sub-basin water stress).
    county_water : pandas.DataFrame, optional
        ``water_use`` layer (``county_fips``, ``withdrawal_total_gal_per_day``,
        ``withdrawal_public_supply_gal_per_day``).
    water_stress : pandas.DataFrame, optional
        ``water_stress`` layer.
    thresholds : VerdictThresholds

    Returns
    -------
    dict of numpy.ndarray
        ``county_withdrawal_total_gal_per_day``, ``county_public_supply_gal_per_day``,
        ``site_water_share_of_county_pct``, ``site_water_share_of_public_supply_pct``,
        ``water_stress_bws_score``, ``water_stress_bws_label``, ``water_verdict``.
    """
    cons = np.atleast_1d(np.asarray(consumption_gal_per_yr, dtype=float))
    n = cons.size
    total = np.full(n, np.nan)
    public = np.full(n, np.nan)
    if county_water is not None:
        cw = county_water.drop_duplicates("county_fips").set_index("county_fips")
        fips = pd.Series(list(county_fips), dtype="string")
        total = fips.map(cw["withdrawal_total_gal_per_day"]).to_numpy(dtype=float, na_value=np.nan)
        public = fips.map(cw["withdrawal_public_supply_gal_per_day"]).to_numpy(dtype=float, na_value=np.nan)
    stress = (stress_at_sites(lon, lat, state_abbr, water_stress) if water_stress is not None
              else {"bws_score": np.full(n, np.nan), "bws_label": np.full(n, "", dtype=object)})
    share_county, share_public = shares_pct(cons, withdrawal_gal_per_yr, total, public)
    return {
        "county_withdrawal_total_gal_per_day": total,
        "county_public_supply_gal_per_day": public,
        "site_water_share_of_county_pct": share_county,
        "site_water_share_of_public_supply_pct": share_public,
        "water_stress_bws_score": stress["bws_score"],
        "water_stress_bws_label": stress["bws_label"],
        "water_verdict": water_verdicts(share_county, share_public, stress["bws_score"], thresholds),
    }
