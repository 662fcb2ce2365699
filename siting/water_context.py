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
                   reasons: bool = False, state_avg_bws_score=None) -> np.ndarray | tuple[np.ndarray, list[tuple[str, ...]]]:
    """Plain verdict on each site's water.

    Parameters
    ----------
    share_of_county_pct : array_like
        Site water drawn over the water the county's users draw [%] (NaN when unknown):
        :func:`shares_like_for_like`.
    share_of_public_supply_pct : array_like
        Site water drawn over its utility's supply [%] (NaN when unknown).
    bws_score : array_like
        Aqueduct baseline water stress *of the site's sub-basin* [0-5] (NaN when unknown).
    thresholds : VerdictThresholds
    reasons : bool
        Also return one tuple of reasons per site (one sentence per input considered).
    state_avg_bws_score : array_like, optional
        The state's area-weighted Aqueduct score [0-5] where only that is known: named in
        the reasons, never used in the verdict (a state average is not the site's stress).

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, list of tuple of str)
        ``"low concern"``, ``"moderate concern"``, ``"high concern"`` or ``"unknown"`` per site.
    """
    t = thresholds
    county = np.atleast_1d(np.asarray(share_of_county_pct, dtype=float))
    public = np.broadcast_to(np.asarray(share_of_public_supply_pct, dtype=float), county.shape)
    bws = np.broadcast_to(np.asarray(bws_score, dtype=float), county.shape)
    state = (np.full(county.shape, np.nan) if state_avg_bws_score is None
             else np.broadcast_to(np.asarray(state_avg_bws_score, dtype=float), county.shape))
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
    for c, p, b, st in zip(county, public, bws, state):
        r = []
        if np.isfinite(b):
            r.append(f"baseline water stress of the site's sub-basin is {bws_label(b)}, Aqueduct score {b:.1f} of 5")
        elif np.isfinite(st):
            r.append(f"only the state's area-weighted Aqueduct score is known ({st:.1f} of 5, {bws_label(st)}); "
                     "it is not the site's and is not used")
        if np.isfinite(c):
            r.append(f"the campus would withdraw {c:.2g} % of the fresh water the county's users withdraw")
        if np.isfinite(p):
            r.append(f"if the local utility supplied it, the campus would need {p:.2g} % of the utility's supply")
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
    """Earlier rule, kept for callers: consumption over county total withdrawals, withdrawal over public supply [%].

    It sets consumption against withdrawals that include saline and once-through cooling
    water; the site table uses :func:`shares_like_for_like`.
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


def shares_like_for_like(consumption_gal_per_yr, withdrawal_gal_per_yr, county_water_gal_per_day,
                         utility_supply_gal_per_day) -> tuple[np.ndarray, np.ndarray]:
    """The site's withdrawal against the county's withdrawals and its utility's supply [%] (NaN where unknown).

    Withdrawal with withdrawal: USGS 2015 gives no all-sector consumptive use (only
    irrigation and thermoelectric), so the campus's make-up water (its consumption where
    withdrawal is unknown, a lower bound) is set against what the county's users withdraw
    (:func:`county_water_facts`: fresh withdrawals plus public supply drawn elsewhere) and
    against its utility's supply.

    Parameters
    ----------
    consumption_gal_per_yr, withdrawal_gal_per_yr : array_like
        Site on-site cooling water [gal/yr].
    county_water_gal_per_day, utility_supply_gal_per_day : array_like
        [gal/day]
    """
    cons = np.atleast_1d(np.asarray(consumption_gal_per_yr, dtype=float))
    wdr = np.broadcast_to(np.asarray(withdrawal_gal_per_yr, dtype=float), cons.shape)
    county = np.broadcast_to(np.asarray(county_water_gal_per_day, dtype=float), cons.shape)
    utility = np.broadcast_to(np.asarray(utility_supply_gal_per_day, dtype=float), cons.shape)
    draw = np.where(np.isfinite(wdr), wdr, cons) / 365.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.where(county > 0, 100.0 * draw / county, np.nan),
                np.where(utility > 0, 100.0 * draw / utility, np.nan))


#: Columns of :func:`county_water_facts`, in order.
COUNTY_FACTS = ("county_fips", "withdrawal_total_gal_per_day", "withdrawal_fresh_gal_per_day",
                "withdrawal_public_supply_gal_per_day", "public_supply_population",
                "public_supply_domestic_deliveries_gal_per_day", "state_public_supply_gal_per_person_day",
                "utility_supply_gal_per_day", "county_water_gal_per_day", "public_supply_basis")


def county_water_facts(water_use: pd.DataFrame | None, county_fips) -> pd.DataFrame:
    """What each site's county withdraws, and where its public supply comes from (USGS 2015).

    The county's own public-supply withdrawals are its utility's source unless the county
    draws its water elsewhere: when public supply delivers more *to homes alone*
    (``DO-PSDel``) than all the county's public-supply withdrawals (``PS-Wtotl``), the
    utility's intakes lie outside the county (Taylor County, TX: 9.39 Mgal/d delivered,
    0.46 Mgal/d withdrawn; Abilene's lakes are in other counties). The utility's supply is
    then estimated as the population it serves (``PS-TOPop``) times the state's
    public-supply withdrawals per person served, and the water the county's users draw is
    its fresh withdrawals (``TO-WFrTo``) plus that supply less what it withdraws itself.
    Where the population served is unknown the utility's supply is unknown, and said so.

    Parameters
    ----------
    water_use : pandas.DataFrame or None
        The ``water_use`` layer (:func:`gis_data.water.load_usgs_water_use`).
    county_fips : sequence
        Each site's county (missing allowed).

    Returns
    -------
    pandas.DataFrame
        One row per site, columns :data:`COUNTY_FACTS`: withdrawals [gal/day], population
        served [persons], the state's public supply per person served [gal/person/day],
        ``utility_supply_gal_per_day`` and ``county_water_gal_per_day`` [gal/day], and
        ``public_supply_basis`` (where the utility's figure comes from).
    """
    fips = pd.Series(list(county_fips), dtype="string")
    out = pd.DataFrame({"county_fips": fips})
    for c in COUNTY_FACTS[1:-1]:
        out[c] = np.nan
    out["public_supply_basis"] = "no county water-use row: unknown"
    if water_use is None or not len(out):
        return out
    cw = water_use.drop_duplicates("county_fips").set_index("county_fips")

    def get(col):
        return (fips.map(cw[col]).to_numpy(dtype=float, na_value=np.nan) if col in cw.columns
                else np.full(len(fips), np.nan))

    total, public = get("withdrawal_total_gal_per_day"), get("withdrawal_public_supply_gal_per_day")
    fresh = get("withdrawal_fresh_gal_per_day")
    pop, deliv = get("public_supply_population"), get("public_supply_domestic_deliveries_gal_per_day")
    per_person = np.full(len(fips), np.nan)
    if {"state_abbr", "public_supply_population"} <= set(cw.columns):
        ok = cw[(cw["public_supply_population"] > 0) & cw["withdrawal_public_supply_gal_per_day"].notna()]
        by_state = ok.groupby("state_abbr")["withdrawal_public_supply_gal_per_day"].sum() / \
            ok.groupby("state_abbr")["public_supply_population"].sum()
        per_person = fips.map(cw["state_abbr"]).map(by_state).to_numpy(dtype=float, na_value=np.nan)
    imported = deliv > public  # NaN compares False: not shown to import
    estimate = pop * per_person
    utility = np.where(imported, estimate, public)
    extra = np.where(imported & np.isfinite(estimate), np.maximum(estimate - public, 0.0), 0.0)
    base = np.where(np.isfinite(fresh), fresh, total)
    out["withdrawal_total_gal_per_day"] = total
    out["withdrawal_fresh_gal_per_day"] = fresh
    out["withdrawal_public_supply_gal_per_day"] = public
    out["public_supply_population"] = pop
    out["public_supply_domestic_deliveries_gal_per_day"] = deliv
    out["state_public_supply_gal_per_person_day"] = per_person
    out["utility_supply_gal_per_day"] = utility
    out["county_water_gal_per_day"] = base + extra
    basis = []
    for i in range(len(fips)):
        if np.isnan(total[i]) and np.isnan(public[i]):
            basis.append("no county water-use row: unknown")
        elif imported[i] and np.isfinite(estimate[i]):
            basis.append(f"the county's utilities draw water outside it (USGS 2015: public supply delivers "
                         f"{deliv[i] / 1e6:,.2f} Mgal/d to homes, withdraws {public[i] / 1e6:,.2f} Mgal/d in the county); "
                         f"utility supply estimated as {pop[i]:,.0f} people served x {per_person[i]:,.0f} gal/person/day "
                         "(the state's public-supply withdrawals per person served)")
        elif imported[i]:
            basis.append(f"the county's utilities draw water outside it (public supply delivers {deliv[i] / 1e6:,.2f} "
                         f"Mgal/d to homes, withdraws {public[i] / 1e6:,.2f} Mgal/d in the county); the utility's source "
                         "is unknown (no population served)")
        elif np.isfinite(deliv[i]):
            basis.append("the county's own public-supply withdrawals (USGS 2015)")
        else:
            basis.append("the county's own public-supply withdrawals (USGS 2015); whether its utilities also draw "
                         "water elsewhere is unknown (no delivery figures)")
    out["public_supply_basis"] = basis
    return out


def _per_distinct(fn, *columns) -> np.ndarray:
    """``fn(*row)`` for every row of ``columns``, called once per distinct row (object array).

    A million sites share a few dozen distinct (county basis, supply basis, stress basis)
    combinations: the text is made once for each and taken for every site.
    """
    cols = [np.asarray(c, dtype=object) for c in columns]
    n = len(cols[0])
    if n == 0:
        return np.array([], dtype=object)
    key = np.zeros(n, dtype=np.int64)
    for c in cols:
        codes, uniq = pd.factorize(c, use_na_sentinel=False)
        key = pd.factorize(key * (len(uniq) + 1) + codes)[0]  # kept compact: no overflow
    first = np.unique(key, return_index=True)[1]  # key runs 0..k-1 in first-seen order
    texts = np.empty(len(first), dtype=object)
    texts[:] = [fn(*(c[i] for c in cols)) for i in first]
    return texts[key]


def _stress_split(score, indicator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(site's sub-basin score, state average score, basis) from a stress lookup: a state average is not the site's."""
    score = np.atleast_1d(np.asarray(score, dtype=float))
    ind = np.broadcast_to(np.asarray(indicator, dtype=object), score.shape)
    state = _per_distinct(lambda i: str(i).startswith("aqueduct40_bws_state"), ind).astype(bool)
    site = np.where(state, np.nan, score)
    avg = np.where(state, score, np.nan)
    basis = _per_distinct(
        lambda known, i, st: ("no water-stress data" if not known else
                              f"state area-weighted average ({i}): not the site's, not scored" if st else
                              f"the site's sub-basin ({i})" if i else "given for the site"),
        np.isfinite(score), ind, state)
    return site, avg, basis


def _verdict_basis(county_basis, public_basis, stress_basis, share_county, share_public) -> np.ndarray:
    return _per_distinct(
        lambda c, p, s, known_c, known_p: (f"withdrawal vs the county's withdrawals ({c if known_c else 'unknown'}); "
                                           f"utility supply: {p if known_p else 'unknown'}; water stress: {s}"),
        county_basis, public_basis, stress_basis, np.isfinite(share_county), np.isfinite(share_public))


def _county_basis(facts: pd.DataFrame) -> np.ndarray:
    fresh = facts["withdrawal_fresh_gal_per_day"].to_numpy(dtype=float)
    extra = facts["county_water_gal_per_day"].to_numpy(dtype=float) - np.where(
        np.isfinite(fresh), fresh, facts["withdrawal_total_gal_per_day"].to_numpy(dtype=float))
    return _per_distinct(lambda known, outside: ("fresh withdrawals" if known else "total withdrawals (fresh unknown)")
                         + (" plus public supply drawn outside the county" if outside else ""),
                         np.isfinite(fresh), extra > 0)


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
        Site withdrawal over the water the county's users withdraw [%] (:func:`shares_like_for_like`).
    share_of_public_supply_pct : float
        Site withdrawal over its utility's supply [%].
    bws_score : float
        Aqueduct 4.0 baseline water stress of the site's sub-basin [0-5] (NaN when only a state average is known).
    bws_label : str
        Its label.
    verdict : str
        ``low concern``, ``moderate concern``, ``high concern`` or ``unknown``.
    reasons : tuple of str
        Why.
    county_fresh_withdrawal_gal_per_day, county_water_gal_per_day, utility_supply_gal_per_day : float
        [gal/day] (:func:`county_water_facts`).
    public_supply_basis : str
    state_avg_bws_score : float
        The state's area-weighted Aqueduct score [0-5] when that is all that is known.
    water_stress_basis, verdict_basis : str
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
    county_fresh_withdrawal_gal_per_day: float = math.nan
    county_water_gal_per_day: float = math.nan
    utility_supply_gal_per_day: float = math.nan
    public_supply_basis: str = ""
    state_avg_bws_score: float = math.nan
    water_stress_basis: str = ""
    verdict_basis: str = ""


def _get(mapping: Mapping | pd.Series | None, key: str, default=math.nan):
    if mapping is None:
        return default
    value = mapping.get(key, default) if hasattr(mapping, "get") else default
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return default
    return value


def _facts_of(county_water: Mapping | pd.Series | None) -> pd.DataFrame:
    """A :func:`county_water_facts` row from a county mapping: the facts as given (the batch's own
    lookup), or, for a bare USGS row (total and public supply only), the county's own figures."""
    row = {c: _get(county_water, c) for c in COUNTY_FACTS[1:-1]}
    given = not math.isnan(row["county_water_gal_per_day"])
    if not given:
        base = row["withdrawal_fresh_gal_per_day"]
        row["county_water_gal_per_day"] = row["withdrawal_total_gal_per_day"] if math.isnan(base) else base
        row["utility_supply_gal_per_day"] = row["withdrawal_public_supply_gal_per_day"]
    basis = _get(county_water, "public_supply_basis", "")
    if not basis:
        basis = ("no county water-use row: unknown" if county_water is None else
                 "the county's own public-supply withdrawals; whether its utilities also draw water elsewhere is unknown")
    return pd.DataFrame([{"county_fips": str(_get(county_water, "county_fips", "")), **row,
                          "public_supply_basis": basis}])


def _context(cons, wdr, facts: pd.DataFrame, stress_score, stress_indicator, stress_label,
             thresholds: VerdictThresholds, *, reasons: bool):
    """The one rule of both paths: shares, stress split, verdict and its basis, on arrays."""
    share_county, share_public = shares_like_for_like(cons, wdr, facts["county_water_gal_per_day"].to_numpy(dtype=float),
                                                      facts["utility_supply_gal_per_day"].to_numpy(dtype=float))
    site_bws, avg_bws, stress_basis = _stress_split(stress_score, stress_indicator)
    label = np.where(np.isfinite(site_bws), np.broadcast_to(np.asarray(stress_label, dtype=object), site_bws.shape),
                     "").astype(object)
    verdict = water_verdicts(share_county, share_public, site_bws, thresholds, reasons=reasons, state_avg_bws_score=avg_bws)
    basis = _verdict_basis(_county_basis(facts), facts["public_supply_basis"].to_numpy(dtype=object), stress_basis,
                           share_county, share_public)
    return share_county, share_public, site_bws, avg_bws, label, stress_basis, verdict, basis


def local_context(
    consumption_gal_per_yr: float,
    withdrawal_gal_per_yr: float,
    *,
    county_water: Mapping | pd.Series | None = None,
    water_stress: Mapping | pd.Series | None = None,
    thresholds: VerdictThresholds = VerdictThresholds(),
) -> LocalContext:
    """Shares of the county's water and the utility's supply, water stress and the verdict of one site.

    Parameters
    ----------
    consumption_gal_per_yr : float
        Site on-site consumption [gal/yr].
    withdrawal_gal_per_yr : float
        Site on-site withdrawal [gal/yr] (NaN when unknown).
    county_water : mapping, optional
        The site county's :func:`county_water_facts` row; or a bare ``water_use`` row
        (``withdrawal_total_gal_per_day``, ``withdrawal_public_supply_gal_per_day`` [gal/day],
        optionally ``withdrawal_fresh_gal_per_day``, ``county_fips``): its own figures.
    water_stress : mapping, optional
        ``bws_score`` [0-5], optionally ``bws_label`` and ``indicator`` (an
        ``aqueduct40_bws_state_*`` indicator marks a state average: reported, not used).
    thresholds : VerdictThresholds

    Returns
    -------
    LocalContext
    """
    facts = _facts_of(county_water)
    score = float(_get(water_stress, "bws_score"))
    indicator = str(_get(water_stress, "indicator", ""))
    label = str(_get(water_stress, "bws_label", "")) or bws_label(score)
    sc, sp, site_bws, avg_bws, lab, stress_basis, (verdict, why), basis = _context(
        [consumption_gal_per_yr], [withdrawal_gal_per_yr], facts, [score], [indicator], [label], thresholds, reasons=True)
    f = facts.iloc[0]
    return LocalContext(
        county_fips=str(f["county_fips"]),
        county_withdrawal_total_gal_per_day=float(f["withdrawal_total_gal_per_day"]),
        county_public_supply_gal_per_day=float(f["withdrawal_public_supply_gal_per_day"]),
        site_consumption_gal_per_day=consumption_gal_per_yr / 365.0,
        site_withdrawal_gal_per_day=withdrawal_gal_per_yr / 365.0,
        share_of_county_pct=float(sc[0]),
        share_of_public_supply_pct=float(sp[0]),
        bws_score=float(site_bws[0]),
        bws_label=str(lab[0]),
        verdict=str(verdict[0]),
        reasons=why[0],
        county_fresh_withdrawal_gal_per_day=float(f["withdrawal_fresh_gal_per_day"]),
        county_water_gal_per_day=float(f["county_water_gal_per_day"]),
        utility_supply_gal_per_day=float(f["utility_supply_gal_per_day"]),
        public_supply_basis=str(f["public_supply_basis"]),
        state_avg_bws_score=float(avg_bws[0]),
        water_stress_basis=str(stress_basis[0]),
        verdict_basis=str(basis[0]),
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

    The same rule as :func:`local_context` (both call one helper on arrays).

    Parameters
    ----------
    consumption_gal_per_yr, withdrawal_gal_per_yr : array_like
        Each site's on-site cooling water [gal/yr].
    county_fips, state_abbr : sequence
        Each site's county and state (missing allowed).
    lon, lat : array_like
        Site coordinates [deg] (for sub-basin water stress).
    county_water : pandas.DataFrame, optional
        ``water_use`` layer.
    water_stress : pandas.DataFrame, optional
        ``water_stress`` layer.
    thresholds : VerdictThresholds

    Returns
    -------
    dict of numpy.ndarray
        ``county_withdrawal_total_gal_per_day``, ``county_public_supply_gal_per_day``,
        ``county_fresh_withdrawal_gal_per_day``, ``county_water_gal_per_day``,
        ``utility_supply_gal_per_day`` [gal/day], ``public_supply_basis``,
        ``site_water_share_of_county_pct``, ``site_water_share_of_public_supply_pct`` [%],
        ``water_stress_bws_score`` (the sub-basin's; NaN when only a state average is known),
        ``water_stress_state_avg_bws_score``, ``water_stress_bws_label``,
        ``water_stress_basis``, ``water_verdict``, ``water_verdict_basis``.
    """
    cons = np.atleast_1d(np.asarray(consumption_gal_per_yr, dtype=float))
    n = cons.size
    facts = county_water_facts(county_water, county_fips)
    stress = (stress_at_sites(lon, lat, state_abbr, water_stress) if water_stress is not None
              else {"bws_score": np.full(n, np.nan), "bws_label": np.full(n, "", dtype=object),
                    "indicator": np.full(n, "", dtype=object)})
    sc, sp, site_bws, avg_bws, label, stress_basis, verdict, basis = _context(
        cons, withdrawal_gal_per_yr, facts, stress["bws_score"], stress["indicator"], stress["bws_label"], thresholds,
        reasons=False)
    return {
        "county_withdrawal_total_gal_per_day": facts["withdrawal_total_gal_per_day"].to_numpy(dtype=float),
        "county_public_supply_gal_per_day": facts["withdrawal_public_supply_gal_per_day"].to_numpy(dtype=float),
        "county_fresh_withdrawal_gal_per_day": facts["withdrawal_fresh_gal_per_day"].to_numpy(dtype=float),
        "county_water_gal_per_day": facts["county_water_gal_per_day"].to_numpy(dtype=float),
        "utility_supply_gal_per_day": facts["utility_supply_gal_per_day"].to_numpy(dtype=float),
        "public_supply_basis": facts["public_supply_basis"].to_numpy(dtype=object),
        "site_water_share_of_county_pct": sc,
        "site_water_share_of_public_supply_pct": sp,
        "water_stress_bws_score": site_bws,
        "water_stress_state_avg_bws_score": avg_bws,
        "water_stress_bws_label": label,
        "water_stress_basis": stress_basis,
        "water_verdict": verdict,
        "water_verdict_basis": basis,
    }
