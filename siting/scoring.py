"""Scores from criteria: sub-scores 0-1, exclusions, weighted total, rank, explanation.

Sub-scores (each 0 = worst, 1 = best; NaN when the data behind it is absent):

- **grid**: mean of linear decays of the distance to the nearest *adequate* substation
  and line, each 1 at 0 km and 0 at the profile's scale (``substation_zero_km``,
  ``line_345kv_zero_km``, the latter now the scale of the adequate line whatever its class).
  Adequate means of the voltage class the site's facility peak load needs
  (:func:`siting.criteria.grid.grid_access`: the lowest class whose looped-in line, two
  circuits at NREL reVX's line capacity, carries the load), so a 1,200 MW campus is not
  credited for a 138 kV line that a 50 MW one could use.
- **gas**: 0.6 x decay of the distance to the chosen pipeline, 0.2 x decay of the
  distance to a hub or storage field, 0.2 x deliverability = min(1, gas generation the
  chosen pipeline's system already serves / the campus's facility load). The chosen
  pipeline is the nearest of a system already serving the load within 50 km, else the
  nearest (:func:`siting.criteria.gas.chosen_pipeline`; tables without it use the nearest
  pipeline). Missing parts are left out and the remaining weights renormalised.
- **water**: mean of the decay of the site's share of county withdrawals and
  1 - Aqueduct baseline water stress / 5.
- **air**: Clean Air Act permitting headroom of the county's status: the major-source
  threshold relative to the 250 t/yr PSD threshold of a non-listed source in attainment,
  divided by the nonattainment offset ratio (EPA figures in
  ``models/catalogs/siting_criteria.csv``): attainment 1.0, marginal 0.36, moderate
  0.35, serious 0.17, severe 0.077, extreme 0.027; an ozone area of unknown class
  (``nonattainment``) as extreme, the strictest it could be (as the permit screen).
- **climate**: mean of decays of (PUE - 1) over (scale - 1) and of on-site WUE; unknown
  (NaN) where the nearest weather station is beyond the scenario's
  ``max_weather_station_km`` (``weather_station_too_far``). Such a site's total counts its
  climate as :data:`UNKNOWN_CLIMATE_SCORE` (0.5, the middle of the scale): leaving it out and
  renormalising would rank sites higher for lacking nearby weather (on the Texas 5 km grid the
  ten best cells were all such sites).
- **brownfield**: a retired, retiring or underused thermal plant whose freed interconnection
  carries at least half the load (:mod:`siting.criteria.brownfield`): (1 - distance /
  ``brownfield_zero_km``) x min(1, its freed MW / the facility peak load); 0 with no such
  plant near, NaN without a plants layer.
- **carbon**: CO2 per MWh of IT energy of the behind-the-meter gas supply
  (``co2_intensity_kg_per_mwh_it``), 1 at the profile's best intensity falling linearly
  to 0 at its zero intensity.

Exclusions: the profile's hard limits, a nonzero cell of the layer set's exclusion raster
(``excluded_by_raster``, when the profile's ``exclude_raster_cells`` is on), and per-layer
rules (setbacks ``within_km`` of a distance column, or thresholds ``above``/``below`` on a
value column such as ``cost_raster_value``) each multiply the inclusion weight.

The total is the weight-normalised mean of the available sub-scores times the product
of the profile's inclusion weights (hard constraints give 0). Rank 1 is best; ties go
to the smaller ``site_id``; rows with an error have no rank.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models.siting_facts import reference_value
from siting.profiles import SUBSCORES, Profile
from siting.scenario import Scenario

_GAS_PARTS = (0.6, 0.2, 0.2)  # pipeline distance, hub/storage distance, deliverability


def linear_decay(value, zero: float) -> np.ndarray:
    """1 at 0, falling linearly to 0 at ``zero`` and beyond; NaN stays NaN [-].

    Parameters
    ----------
    value : array-like
        Distances or shares, same unit as ``zero``.
    zero : float
        Value at which the score reaches 0 (> 0).
    """
    v = np.asarray(value, dtype=float)
    return np.where(np.isnan(v), np.nan, 1.0 - np.clip(v / zero, 0.0, 1.0))


def _nanmean_weighted(parts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    num = sum(w * np.nan_to_num(a, nan=0.0) for w, a in parts)
    den = sum(w * (~np.isnan(a)) for w, a in parts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def air_headroom() -> dict[str, float]:
    """Air sub-score per county status (see the module docstring) [-].

    References
    ----------
    US EPA, New Source Review major-source thresholds and offset ratios (40 CFR 51.165,
    Clean Air Act secs. 182-185), as copied in ``models/catalogs/siting_criteria.csv``.
    """
    base = reference_value("air_major_source_tpy_attainment_other")
    out = {"attainment": 1.0}
    for cls in ("marginal", "moderate", "serious", "severe", "extreme"):
        out[cls] = reference_value(f"air_major_source_tpy_ozone_{cls}") / base / reference_value(f"air_offset_ratio_ozone_{cls}")
    out["nonattainment"] = out["extreme"]  # an ozone area of unknown class: the strictest it could be, as the permit screen
    return out


def _col(table: pd.DataFrame, name: str) -> np.ndarray:
    if name not in table.columns:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _facility_load_mw(table: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """Each site's peak facility load [MW] (the climate criterion's: IT load x the station's highest hourly PUE)."""
    return _col(table, "facility_peak_load_mw")


def _grid_distances(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(substation, line) distance each site's grid score uses [km]: the nearest adequate ones for its
    load (:func:`siting.criteria.grid.grid_access`); tables without them fall back to the nearest
    >= 115 kV substation and >= 345 kV line."""
    if "distance_to_adequate_line_km" in table.columns:
        return _col(table, "distance_to_adequate_substation_km"), _col(table, "distance_to_adequate_line_km")
    return _col(table, "distance_to_substation_km"), _col(table, "distance_to_line_345kv_km")


def subscores(table: pd.DataFrame, profile: Profile, scenario: Scenario) -> pd.DataFrame:
    """The sub-scores (:data:`siting.profiles.SUBSCORES`) of every row of a criteria table [-] (0-1, NaN when no data)."""
    s = profile.scales
    out = pd.DataFrame(index=table.index)
    sub_km, line_km = _grid_distances(table)
    out["score_grid"] = _nanmean_weighted([
        (1.0, linear_decay(sub_km, s["substation_zero_km"])),
        (1.0, linear_decay(line_km, s["line_345kv_zero_km"])),
    ])
    chosen = "distance_to_chosen_pipeline_km" in table.columns
    served = _col(table, "chosen_pipeline_served_gas_capacity_mw" if chosen else "pipeline_served_gas_capacity_mw")
    deliver = np.where(np.isnan(served), np.nan, np.clip(served / _facility_load_mw(table, scenario), 0.0, 1.0))
    pipe = linear_decay(_col(table, "distance_to_chosen_pipeline_km" if chosen else "distance_to_pipeline_km"),
                        s["pipeline_zero_km"])
    gas = _nanmean_weighted([
        (_GAS_PARTS[0], pipe),
        (_GAS_PARTS[1], linear_decay(_col(table, "distance_to_gas_facility_km"), s["gas_facility_zero_km"])),
        (_GAS_PARTS[2], deliver),
    ])
    out["score_gas"] = np.where(np.isnan(pipe), np.nan, gas)  # no pipeline data: no gas score
    stress = _col(table, "water_stress_bws_score")
    out["score_water"] = _nanmean_weighted([
        (1.0, linear_decay(_col(table, "site_water_share_of_county_pct"), s["water_share_of_county_zero_pct"])),
        (1.0, np.where(np.isnan(stress), np.nan, 1.0 - np.clip(stress / 5.0, 0.0, 1.0))),
    ])
    if "nonattainment_status" in table.columns:
        status = table["nonattainment_status"].astype("string")
        out["score_air"] = status.map(air_headroom()).astype(float).to_numpy(na_value=np.nan)
    else:
        out["score_air"] = np.nan
    climate = _nanmean_weighted([
        (1.0, linear_decay(_col(table, "cooling_pue_annual") - 1.0, s["pue_zero"] - 1.0)),
        (1.0, linear_decay(_col(table, "wue_consumption_l_per_kwh"), s["wue_zero_l_per_kwh"])),
    ])
    out["score_climate"] = np.where(_flag(table, "weather_station_too_far"), np.nan, climate)  # too far: unknown
    best, zero = s["co2_intensity_best_kg_per_mwh_it"], s["co2_intensity_zero_kg_per_mwh_it"]
    out["score_carbon"] = linear_decay(_col(table, "co2_intensity_kg_per_mwh_it") - best, zero - best)
    out["score_brownfield"] = brownfield_score(table, s["brownfield_zero_km"])
    return out


def brownfield_score(table: pd.DataFrame, zero_km: float) -> np.ndarray:
    """Brownfield sub-score [-]: (1 - distance / ``zero_km``) x min(1, freed plant capacity / facility peak load).

    0 where the plants layer has no qualifying plant near the site; NaN where the site
    table has no plant data at all (no ``plants`` layer).
    """
    d = _col(table, "distance_to_brownfield_plant_km")
    cap = _col(table, "brownfield_capacity_mw")
    load = _facility_load_mw(table, None)
    if "it_load_mw" in table.columns:
        load = np.where(np.isnan(load), _col(table, "it_load_mw"), load)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(np.where(load > 0, cap / load, 1.0), 0.0, 1.0)
    score = np.where(np.isnan(d), 0.0, linear_decay(d, zero_km) * share)
    has_plants = ~np.isnan(_col(table, "distance_to_power_plant_km"))
    return np.where(has_plants, score, np.nan)


def _flag(table: pd.DataFrame, name: str) -> np.ndarray:
    """A boolean column as a numpy bool array, missing = False."""
    if name not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return table[name].astype("boolean").fillna(False).to_numpy(dtype=bool)


def exclusions(table: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Inclusion weight (product of rules, 0-1) and the reasons, per row.

    Hard constraints (pipeline too far, water share too large, excluded nonattainment
    class, a nonzero cell of the exclusion raster) and rules of weight 0 set the weight to 0.
    """
    n = len(table)
    weight = np.ones(n)
    reasons: list[list[str]] = [[] for _ in range(n)]

    def apply(mask: np.ndarray, w: float, text) -> None:
        nonlocal weight
        weight = np.where(mask, weight * w, weight)
        for i in np.flatnonzero(mask):
            reasons[i].append(text(i) if callable(text) else text)

    pipe = _col(table, "distance_to_pipeline_km")
    lim = profile.max_distance_to_pipeline_km
    apply(pipe > lim, 0.0, lambda i: f"nearest gas pipeline {pipe[i]:.1f} km away, beyond the {lim:g} km limit")
    share = _col(table, "site_water_share_of_county_pct")
    slim = profile.max_site_water_share_of_county_pct
    apply(share > slim, 0.0, lambda i: f"cooling water would be {share[i]:.1f}% of the county's withdrawals, above the {slim:g}% limit")
    if "nonattainment_status" in table.columns and profile.excluded_nonattainment:
        status = table["nonattainment_status"].astype("string").fillna("").to_numpy()
        # an ozone area of unknown class counts as the strictest class, as the permit screen assumes
        as_class = np.where(status == "nonattainment", "extreme", status)
        apply(np.isin(as_class, profile.excluded_nonattainment), 0.0,
              lambda i: f"county is in {status[i]} ozone nonattainment" + (" (class unknown: extreme assumed)"
                                                                            if status[i] == "nonattainment" else ""))
    if profile.exclude_raster_cells and "excluded_by_raster" in table.columns:
        raster = (table["exclusion_raster_name"].astype("string").fillna("the exclusion raster").to_numpy()
                  if "exclusion_raster_name" in table.columns else np.full(n, "the exclusion raster", dtype=object))
        apply(_flag(table, "excluded_by_raster"), 0.0, lambda i: f"inside an excluded cell of {raster[i]}")
    for rule in profile.exclusions:
        apply(rule.applies(_col(table, rule.column)), rule.weight, rule.reason)
    return pd.DataFrame(
        {"exclusion_weight_frac": weight, "exclusion_reason": pd.array(["; ".join(r) for r in reasons], dtype="string")},
        index=table.index,
    )


#: Climate sub-score a site's total counts when its nearest weather station is beyond the
#: cutoff: the middle of the 0-1 scale (a policy choice), so missing nearby weather neither
#: lifts a site (as renormalising over the other sub-scores would) nor rules it out [-].
UNKNOWN_CLIMATE_SCORE = 0.5


def total_score(sub: pd.DataFrame, profile: Profile, exclusion_weight, *, climate_unknown=None) -> np.ndarray:
    """Weight-normalised mean of the available sub-scores times the inclusion weight [-].

    ``climate_unknown`` (bool per row) marks sites whose climate is counted as
    :data:`UNKNOWN_CLIMATE_SCORE` instead of being left out.
    """
    w = profile.normalised_weights()
    values = {k: sub[f"score_{k}"].to_numpy(dtype=float) for k in SUBSCORES if w[k] > 0}
    if climate_unknown is not None and "climate" in values:
        unknown = np.asarray(climate_unknown, dtype=bool) & np.isnan(values["climate"])
        values["climate"] = np.where(unknown, UNKNOWN_CLIMATE_SCORE, values["climate"])
    parts = [(w[k], v) for k, v in values.items()]
    return _nanmean_weighted(parts) * np.asarray(exclusion_weight, dtype=float)


def rank_sites(score_total, site_id, valid) -> pd.Series:
    """Rank 1 = highest total; ties by ``site_id``; NaN totals after the rest; invalid rows <NA>.

    Parameters
    ----------
    score_total : array-like of float
        Totals [-].
    site_id : array-like of str
        Unique ids (tie-break).
    valid : array-like of bool
        Rows that were scored.
    """
    total = np.asarray(score_total, dtype=float)
    ids = np.asarray(site_id).astype(str)
    valid = np.asarray(valid, dtype=bool)
    key = np.where(np.isnan(total), np.inf, -total)
    order = np.lexsort((ids, key))
    order = order[valid[order]]
    rank = np.full(len(total), -1, dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    return _int_or_na(rank)


def _int_or_na(rank: np.ndarray):
    arr = pd.array(rank, dtype="Int64")
    arr[rank < 0] = pd.NA
    return arr


def _fmt(v: float, unit: str = "", nd: int = 1) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{nd}f}{unit}"


def explain(table: pd.DataFrame, sub: pd.DataFrame, excl: pd.DataFrame, total, profile: Profile, *,
            scenario: Scenario | None = None) -> pd.Series:
    """One plain-language sentence set per row: what drives the score, what would disqualify it.

    ``scenario`` gives the weather-station cutoff quoted when a station is too far.
    """
    names = {"grid": "grid access", "gas": "gas supply", "water": "water", "air": "air permitting", "climate": "climate",
             "carbon": "carbon", "brownfield": "brownfield plant site"}
    sub_arr = {k: sub[f"score_{k}"].to_numpy(dtype=float) for k in SUBSCORES}
    sub_km, line_km = _grid_distances(table)
    need_kv = _col(table, "grid_required_voltage_kv")
    pipe = _col(table, "distance_to_pipeline_km")
    chosen_km = _col(table, "distance_to_chosen_pipeline_km")
    chosen_op = (table["chosen_pipeline_operator"].astype("string").fillna("unknown operator").to_numpy()
                 if "chosen_pipeline_operator" in table else None)
    served = _col(table, "chosen_pipeline_served_gas_capacity_mw")
    bf_km = _col(table, "distance_to_brownfield_plant_km")
    bf_mw = _col(table, "brownfield_capacity_mw")
    bf_name = (table["brownfield_plant_name"].astype("string").fillna("unnamed plant").to_numpy()
               if "brownfield_plant_name" in table else None)
    bf_status = (table["brownfield_status"].astype("string").fillna("").to_numpy()
                 if "brownfield_status" in table else None)
    bf_steam = (table["brownfield_has_steam_cooling"].astype("boolean").fillna(False).to_numpy(dtype=bool)
                if "brownfield_has_steam_cooling" in table else np.zeros(len(table), dtype=bool))
    basis = (table["water_verdict_basis"].astype("string").fillna("").to_numpy()
             if "water_verdict_basis" in table else None)
    verdict = (table["water_verdict"].astype("string").fillna("unknown").to_numpy()
               if "water_verdict" in table else None)
    share = _col(table, "site_water_share_of_county_pct")
    pue = _col(table, "cooling_pue_annual")
    co2 = _col(table, "co2_intensity_kg_per_mwh_it")
    too_far = _flag(table, "weather_station_too_far")
    station = (table["weather_station_id"].astype("string").fillna("?").to_numpy() if "weather_station_id" in table
               else np.full(len(table), "?", dtype=object))
    station_km = _col(table, "distance_to_weather_station_km")
    cutoff = f"the {scenario.max_weather_station_km:g} km cutoff" if scenario is not None else "the cutoff"
    raster_ok = (table["excluded_by_raster"].astype("boolean").eq(False).fillna(False).to_numpy(dtype=bool)
                 if "excluded_by_raster" in table.columns and profile.exclude_raster_cells else np.zeros(len(table), dtype=bool))
    op = table["pipeline_operator"].astype("string").fillna("unknown operator").to_numpy() if "pipeline_operator" in table else None
    status = table["nonattainment_status"].astype("string").fillna("unknown").to_numpy() if "nonattainment_status" in table else None
    reason = excl["exclusion_reason"].fillna("").to_numpy()
    total = np.asarray(total, dtype=float)
    w = profile.normalised_weights()

    def detail(k: str, i: int) -> str:
        if k == "grid":
            if np.isnan(need_kv[i]):
                return f"substation {_fmt(sub_km[i], ' km')}, 345 kV line {_fmt(line_km[i], ' km')}"
            return (f"the load needs the {need_kv[i]:.0f} kV class: {need_kv[i]:.0f} kV+ line {_fmt(line_km[i], ' km')}, "
                    f"{need_kv[i]:.0f} kV+ substation {_fmt(sub_km[i], ' km')}")
        if k == "gas":
            if chosen_op is not None and not math.isnan(chosen_km[i]):
                return (f"pipeline {_fmt(chosen_km[i], ' km')}, {chosen_op[i]}"
                        f" (its system already serves {_fmt(served[i], ' MW', 0)} of gas plants)")
            return f"pipeline {_fmt(pipe[i], ' km')}" + (f", {op[i]}" if op is not None else "")
        if k == "water":
            return f"{_fmt(share[i], '%', 2)} of the county's withdrawals"
        if k == "brownfield":
            if bf_name is None or math.isnan(bf_km[i]):
                return "no retired, retiring or underused thermal plant near"
            return (f"{bf_name[i]}, {_fmt(bf_km[i], ' km')}: {bf_status[i]}; {bf_mw[i]:,.0f} MW of interconnection"
                    + (", steam units: cooling water rights" if bf_steam[i] else ""))
        if k == "air":
            st = status[i] if status is not None else "unknown"
            return "county in attainment" if st == "attainment" else f"county {st}" if st in ("unknown", "nonattainment") else f"county in {st} ozone nonattainment"
        if k == "carbon":
            return f"{_fmt(co2[i], ' kg CO2/MWh of IT energy', 0)} from the gas supply"
        return f"PUE {_fmt(pue[i], '', 2)}"

    out = []
    for i in range(len(table)):
        have = [(k, sub_arr[k][i]) for k in SUBSCORES if w[k] > 0 and not math.isnan(sub_arr[k][i])]
        if not have:
            out.append("No criteria could be evaluated here (no layer covers the site).")
            continue
        best = max(have, key=lambda kv: (kv[1], w[kv[0]], kv[0]))
        worst = min(have, key=lambda kv: (kv[1], -w[kv[0]], kv[0]))
        missing = [names[k] for k in SUBSCORES if w[k] > 0 and math.isnan(sub_arr[k][i]) and not (k == "climate" and too_far[i])]
        text = f"Total {total[i]:.2f} ({profile.name}). Strongest: {names[best[0]]} {best[1]:.2f} ({detail(best[0], i)})"
        text += f"; weakest: {names[worst[0]]} {worst[1]:.2f} ({detail(worst[0], i)})." if worst[0] != best[0] else "."
        if w["carbon"] > 0 and "carbon" not in (best[0], worst[0]) and not math.isnan(co2[i]):
            text += f" Carbon {sub_arr['carbon'][i]:.2f} ({detail('carbon', i)})."
        if w["brownfield"] > 0 and "brownfield" not in (best[0], worst[0]) and sub_arr["brownfield"][i] > 0:
            text += f" Brownfield plant site {sub_arr['brownfield'][i]:.2f} ({detail('brownfield', i)})."
        if w["grid"] > 0 and "grid" not in (best[0], worst[0]) and not math.isnan(need_kv[i]):
            text += f" Grid {sub_arr['grid'][i]:.2f} ({detail('grid', i)})."
        if verdict is not None and basis is not None and basis[i]:
            text += f" Water verdict {verdict[i]}: {basis[i]}."
        if missing:
            text += f" No data for {', '.join(missing)}."
        if too_far[i]:
            text += f" Climate from station {station[i]}, {station_km[i]:.0f} km away (beyond {cutoff}): not scored, counted as {UNKNOWN_CLIMATE_SCORE:g} in the total."
        if reason[i]:
            text += f" Excluded or restricted: {reason[i]}."
        else:
            would = []
            if not math.isnan(pipe[i]):
                would.append(f"the nearest pipeline being beyond {profile.max_distance_to_pipeline_km:g} km (it is {pipe[i]:.1f} km)")
            if not math.isnan(share[i]):
                would.append(
                    f"cooling water above {profile.max_site_water_share_of_county_pct:g}% of county withdrawals (it is {share[i]:.2f}%)"
                )
            if profile.excluded_nonattainment and status is not None and status[i] not in profile.excluded_nonattainment:
                would.append(f"a {' or '.join(profile.excluded_nonattainment)} ozone designation of the county")
            if raster_ok[i]:
                would.append("a nonzero cell of the exclusion raster")
            for rule in profile.exclusions:
                if rule.weight == 0.0:
                    would.append(rule.reason)
            if would:
                text += " Would be disqualified by: " + "; ".join(would) + "."
        out.append(text)
    return pd.Series(pd.array(out, dtype="string"), index=table.index)


def score_table(table: pd.DataFrame, profile: Profile, scenario: Scenario, *, explain_rows: bool = True) -> pd.DataFrame:
    """Sub-scores, exclusions, total and explanation for a criteria table (no rank: see :func:`rank_sites`).

    Returns
    -------
    pandas.DataFrame
        ``score_grid``, ``score_gas``, ``score_water``, ``score_air``, ``score_climate``,
        ``score_carbon``, ``exclusion_weight_frac``, ``exclusion_reason``, ``score_total`` [-] and
        ``explanation`` on ``table.index``.
    """
    sub = subscores(table, profile, scenario)
    excl = exclusions(table, profile)
    total = total_score(sub, profile, excl["exclusion_weight_frac"], climate_unknown=_flag(table, "weather_station_too_far"))
    out = pd.concat([sub, excl], axis=1)
    out["score_total"] = total
    if explain_rows:
        out["explanation"] = explain(table, sub, excl, total, profile, scenario=scenario)
    return out
