"""Site criteria: what is near each candidate site, one vectorized function per topic.

Each criterion is a function ``(sites, layers, scenario) -> pandas.DataFrame`` on
``sites.index`` whose columns are rows of ``siting/site_columns.csv`` (unit-suffixed
names). ``sites`` is a GeoDataFrame of points in EPSG:5070; ``layers`` is anything with
``.load(role)`` and ``.has(role)`` (a :class:`gis_data.layerset.LayerSet`, a
:class:`FrameLayers` of plain frames), ideally wrapped in
:class:`siting.proximity.PreparedLayers` so projections and indexes are built once.
A criterion whose layer is absent returns its columns empty (NaN / missing), never
invented values. Criteria measure; the profile-dependent judgement (weights,
thresholds, setbacks) is in :mod:`siting.scoring`.
"""

from __future__ import annotations

import csv
import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data.canonical import CONUS_METRIC_CRS
from models.units import KM_PER_MILE
from siting.errors import DataError, MissingDataError, unknown_name
from siting.proximity import PreparedLayers, check_metric_crs, nearest, nearest_attributes, points_in_polygons
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Voltage classes (kV) of the "distance to line" columns.
LINE_CLASSES_KV = (230, 345, 500)

#: Smallest substation maximum voltage that counts as a transmission interconnection [kV].
MIN_SUBSTATION_KV = 115.0

#: Ozone classifications from least to most severe (40 CFR 51.1303, Clean Air Act sec. 181).
OZONE_CLASSES = ("marginal", "moderate", "serious", "severe", "extreme")


class FrameLayers:
    """A minimal layer set over in-memory canonical frames: ``{role: frame}``.

    Implements the protocol the criteria need (``load``, ``has``) for tests, notebooks
    and callers that already hold GeoDataFrames in EPSG:4326.
    """

    def __init__(self, frames: Mapping[str, pd.DataFrame], *, synthetic: bool = False,
                 rasters: Mapping[str, tuple[str | Path, str]] | None = None):
        self._frames = dict(frames)
        self._rasters = {role: (Path(p), str(u)) for role, (p, u) in (rasters or {}).items()}
        self.is_synthetic = synthetic

    def has(self, role: str) -> bool:
        return role in self._frames or role in self._rasters

    def raster_path(self, role: str) -> Path:
        """GeoTIFF of a raster role given as ``rasters={role: (path, units)}``."""
        if role not in self._rasters:
            raise MissingDataError(f"no {role!r} raster; rasters present: {', '.join(sorted(self._rasters)) or 'none'}")
        return self._rasters[role][0]

    def raster_units(self, role: str) -> str:
        """Units stated for a raster role ("" when not stated)."""
        return self._rasters[role][1] if role in self._rasters else ""

    def load(self, role: str) -> pd.DataFrame:
        if role not in self._frames:
            raise MissingDataError(f"no {role!r} layer; roles present: {', '.join(sorted(self._frames)) or 'none'}")
        return self._frames[role]

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self._frames)


@functools.cache
def reference_values() -> dict[str, dict]:
    """Cited constants of the criteria (``models/catalogs/siting_criteria.csv``), by key."""
    text = resources.files("models").joinpath("catalogs", "siting_criteria.csv").read_text(encoding="utf-8")
    return {row["key"]: row for row in csv.DictReader(text.splitlines())}


def reference_value(key: str) -> float:
    """One cited constant; a miss lists the valid keys."""
    refs = reference_values()
    if key not in refs:
        raise unknown_name("criteria reference value", key, refs)
    return float(refs[key]["value"])


def _prep(layers) -> PreparedLayers:
    return layers if isinstance(layers, PreparedLayers) else PreparedLayers(layers)


def _check_sites(sites: gpd.GeoDataFrame) -> None:
    if not isinstance(sites, gpd.GeoDataFrame):
        raise DataError(f"sites must be a GeoDataFrame of points in {CONUS_METRIC_CRS}, got {type(sites).__name__}")
    check_metric_crs(sites, "sites", CONUS_METRIC_CRS)


def _empty(sites, spec: Mapping[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(index=sites.index)
    for name, kind in spec.items():
        if kind == "float":
            out[name] = np.nan
        elif kind == "bool":
            out[name] = pd.Series(pd.NA, index=sites.index, dtype="boolean")
        else:
            out[name] = pd.Series(pd.NA, index=sites.index, dtype="string")
    return out


def _text(values, index) -> pd.Series:
    return pd.Series(values, index=index, dtype="string")


# -- location ------------------------------------------------------------------------------


def location(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """County and state of each site by point in polygon.

    Returns
    -------
    pandas.DataFrame
        ``county_fips``, ``county_name``, ``state_abbr`` [-]; missing where no polygon
        contains the site (outside the layers' coverage).
    """
    _check_sites(sites)
    L = _prep(layers)
    out = _empty(sites, {"county_fips": "str", "county_name": "str", "state_abbr": "str"})
    if L.has("counties"):
        idx = L.index("counties")
        pos = points_in_polygons(sites, idx, xy=L.coords(sites))
        hit = pos >= 0
        for col in ("county_fips", "county_name", "state_abbr"):
            vals = idx.frame[col].astype("string").to_numpy()
            out[col] = _text(np.where(hit, vals[np.where(hit, pos, 0)], None), sites.index)
    if L.has("states"):
        missing = out["state_abbr"].isna().to_numpy()
        if missing.any():
            idx = L.index("states")
            pos = points_in_polygons(sites[missing], idx, xy=L.coords(sites)[missing])
            vals = idx.frame["state_abbr"].astype("string").to_numpy()
            fill = np.where(pos >= 0, vals[np.where(pos >= 0, pos, 0)], None)
            out.loc[missing, "state_abbr"] = _text(fill, sites.index[missing])
    return out


# -- grid ------------------------------------------------------------------------------------


def _line_voltage(frame: pd.DataFrame) -> np.ndarray:
    """Line voltage [kV]: ``voltage_kv``, else the lower bound of the HIFLD ``volt_class``."""
    kv = pd.to_numeric(frame["voltage_kv"], errors="coerce").to_numpy(dtype=float)
    if "volt_class" in frame.columns:
        cls = frame["volt_class"].astype("string").str.extract(r"(\d+)")[0]
        lower = pd.to_numeric(cls, errors="coerce").to_numpy(dtype=float)
        dc = frame["volt_class"].astype("string").str.upper().str.contains("DC", na=False).to_numpy()
        lower = np.where(dc & np.isnan(lower), 500.0, lower)  # HIFLD "DC" class: HVDC lines >= 500 kV
        kv = np.where(np.isnan(kv), lower, kv)
    return kv


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
    import pyarrow as pa

    # few distinct labels, many sites: an Arrow take builds the string column without a Python object per site
    basis = pd.Series(pd.array(pa.array(labels, type=pa.string()).take(pa.array(code)), dtype="string"), index=keys.index)
    return months, basis


def grid(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distance to transmission by voltage class, nearest substation, balancing authority, queue wait.

    Parameters
    ----------
    context : pandas.DataFrame, optional
        ``county_fips`` and ``state_abbr`` of the sites (from :func:`location`); computed
        when a queue layer is present and this is not given.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_line_{230,345,500}kv_km`` [km] (lines of at least that voltage),
        ``distance_to_substation_km`` [km] and ``substation_max_voltage_kv`` [kV] of the
        nearest substation of at least 115 kV, ``balancing_authority`` [-] (polygon
        containing the site), ``interconnection_wait_months`` [months] and
        ``interconnection_wait_basis`` [-]: the regional median of the queue layer where
        it covers the site (:func:`queue_waits`, computed once per layer set), else the
        national median request-to-operation time of projects that reached operation in
        2024.

    References
    ----------
    Lawrence Berkeley National Laboratory, *Queued Up: 2025 Edition*, as summarised in
    ``models/catalogs/siting_criteria.csv``; ERCOT Generator Interconnection Status report.
    """
    _check_sites(sites)
    L = _prep(layers)
    spec = {f"distance_to_line_{kv}kv_km": "float" for kv in LINE_CLASSES_KV}
    spec |= {"distance_to_substation_km": "float", "substation_max_voltage_kv": "float", "balancing_authority": "str"}
    out = _empty(sites, spec)
    if L.has("transmission"):
        # cascade: the nearest line of at least 230 kV is also the nearest of at least 345 (500) kV when
        # its own voltage is that high, so only the other sites are searched again
        kv = L.memo(("line_voltage_kv",), lambda: _line_voltage(L.projected("transmission")))
        todo = np.arange(len(sites))
        d = np.full(len(sites), np.nan)
        near_kv = np.full(len(sites), np.nan)  # voltage of each site's nearest line of the current class
        for i, c in enumerate(LINE_CLASSES_KV):
            idx = L.index("transmission", f"ge{c}", lambda f, c=c: kv >= c)
            v = L.memo(("line_voltage_kv", c), lambda idx=idx: _line_voltage(idx.frame))
            pos_c, d_c = nearest(sites.geometry.iloc[todo], idx, xy=L.coords(sites)[todo])
            d = d.copy()
            d[todo] = d_c
            near_kv[todo] = np.where(pos_c >= 0, v[np.where(pos_c >= 0, pos_c, 0)], np.nan)
            out[f"distance_to_line_{c}kv_km"] = d
            if i + 1 < len(LINE_CLASSES_KV):
                # sites whose nearest line is already of the next class keep it; the others search again
                todo = np.flatnonzero(~(near_kv >= LINE_CLASSES_KV[i + 1]) & ~np.isnan(d))
    if L.has("substations"):
        idx = L.index(
            "substations", f"ge{MIN_SUBSTATION_KV:g}",
            lambda f: pd.to_numeric(f["max_voltage_kv"], errors="coerce").to_numpy(dtype=float) >= MIN_SUBSTATION_KV,
        )
        near = nearest_attributes(sites, idx, {"max_voltage_kv": "substation_max_voltage_kv"}, xy=L.coords(sites))
        out["distance_to_substation_km"] = near["distance_km"].to_numpy()
        out["substation_max_voltage_kv"] = pd.to_numeric(near["substation_max_voltage_kv"]).to_numpy(dtype=float)
    if L.has("balancing_authorities"):
        idx = L.index("balancing_authorities")
        pos = points_in_polygons(sites, idx, xy=L.coords(sites))
        vals = idx.frame["ba_code"].astype("string").to_numpy()
        out["balancing_authority"] = _text(np.where(pos >= 0, vals[np.where(pos >= 0, pos, 0)], None), sites.index)
    waits = L.memo(("queue_waits",), lambda: _layer_queue_waits(L)) if L.has("queue") else QueueWaits()
    if waits.levels:
        if context is None or not {"county_fips", "state_abbr"} <= set(context.columns):
            context = location(sites, L, scenario)
        keys = pd.DataFrame({"balancing_authority": out["balancing_authority"], "state_abbr": context["state_abbr"],
                             "county_fips": context["county_fips"]}, index=sites.index)
        months, basis = interconnection_wait(keys, waits)
    else:
        months, basis = interconnection_wait(pd.DataFrame(index=sites.index), waits)
    out["interconnection_wait_months"] = months
    out["interconnection_wait_basis"] = basis
    return out


def _layer_queue_waits(L: PreparedLayers) -> QueueWaits:
    waits = queue_waits(L.load("queue"), L.load("counties") if L.has("counties") else None,
                        has_ba_layer=L.has("balancing_authorities"))
    if waits.note:
        log.warning("interconnection wait: %s; every site gets the LBNL national median", waits.note)
    return waits


# -- gas -------------------------------------------------------------------------------------


#: Abbreviations spelled out and legal suffixes dropped so that HIFLD operator names
#: ("Texas Eastern Trans Co", "Natural Gas PL Co of Am") match EIA-860 ``gas_pipeline``
#: names ("TEXAS EASTERN TRANSMISSION LP", "NATURAL GAS PL CO OF AMERICA").
_NAME_WORDS = {"TRANS": "TRANSMISSION", "PL": "PIPELINE", "AM": "AMERICA", "NAT": "NATURAL"}
_NAME_DROP = {"CO", "COMPANY", "LLC", "LP", "L", "P", "INC", "INCORPORATED", "CORP", "CORPORATION", "THE", "LTD"}


def _norm(s: pd.Series) -> pd.Series:
    """Operator names in a comparable form (upper case, abbreviations expanded, suffixes dropped)."""
    up = s.astype("string").str.upper().str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()

    def one(text):
        if text is None or text is pd.NA:
            return pd.NA
        words = [_NAME_WORDS.get(w, w) for w in text.split() if w not in _NAME_DROP]
        return " ".join(words)

    uniq = up.dropna().unique()
    mapping = {u: one(u) for u in uniq}
    return up.map(mapping).astype("string")


def _served_capacity_by_pipeline(plants: pd.DataFrame) -> pd.Series:
    """Operating natural-gas generator capacity per pipeline named in EIA-860 ``gas_pipeline`` [MW].

    A generator that names several pipelines (``"A; B"``) counts towards each of them.
    """
    p = plants
    gas = p["energy_source"].astype("string").str.upper().eq("NG").fillna(False)
    status = p["status"].astype("string").str.lower().fillna("")
    operating = status.str.startswith("op") | status.isin(["existing", "sb", "oa", "os"])
    sel = p[(gas & operating & p["gas_pipeline"].notna()).to_numpy()]
    names = sel["gas_pipeline"].astype("string").str.split(";")
    exploded = pd.DataFrame({"name": names, "cap": pd.to_numeric(sel["capacity_mw"], errors="coerce")}).explode("name")
    key = _norm(exploded["name"])
    keep = key.notna() & key.ne("")
    return exploded["cap"][keep.to_numpy()].groupby(key[keep].to_numpy()).sum()


def gas(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """Distance to interstate and intrastate gas pipelines, lateral cost, deliverability, hubs.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_pipeline_km``, ``distance_to_interstate_pipeline_km``,
        ``distance_to_intrastate_pipeline_km`` [km]; ``pipeline_operator`` [-] of the
        nearest pipeline; ``gas_lateral_cost_usd`` [USD, nominal 2024-25] a straight
        lateral to it at the OGJ survey's average cost per mile;
        ``pipeline_served_gas_capacity_mw`` [MW] operating gas generation whose EIA-860
        ``gas_pipeline`` names that operator (a deliverability indicator: a line already
        feeding large plants is built for large draws); ``distance_to_gas_facility_km``
        [km] and ``gas_facility_type`` [-] of the nearest hub, storage field or terminal.

    References
    ----------
    Oil & Gas Journal (2025), "Pipeline construction costs reach record $12.1
    million/mile" (FERC filings), as copied in ``models/catalogs/siting_criteria.csv``.
    """
    _check_sites(sites)
    L = _prep(layers)
    out = _empty(sites, {
        "distance_to_pipeline_km": "float", "distance_to_interstate_pipeline_km": "float",
        "distance_to_intrastate_pipeline_km": "float", "pipeline_operator": "str", "gas_lateral_cost_usd": "float",
        "pipeline_served_gas_capacity_mw": "float", "distance_to_gas_facility_km": "float", "gas_facility_type": "str",
    })
    if L.has("pipelines"):
        # nearest pipeline of any type first; a site whose nearest pipeline is interstate has that
        # distance as its interstate distance, so only the other type is searched for it
        idx = L.index("pipelines")
        kinds = idx.frame["pipe_type"].astype("string").str.lower().fillna("").to_numpy()
        pos, d = nearest(sites, idx, xy=L.coords(sites))
        found = pos >= 0
        out["distance_to_pipeline_km"] = d
        ops = idx.frame["operator"].astype(object).to_numpy()
        out["pipeline_operator"] = pd.array(np.where(found, ops[np.where(found, pos, 0)], None), dtype="string")
        near_kind = np.where(found, kinds[np.where(found, pos, 0)], "")
        for kind in ("interstate", "intrastate"):
            dk = np.where(near_kind == kind, d, np.nan)
            other = np.flatnonzero(near_kind != kind)
            sub = L.index("pipelines", kind, lambda f, k=kind: f["pipe_type"].astype("string").str.lower().fillna("").to_numpy() == k)
            dk[other] = nearest(sites.geometry.iloc[other], sub, xy=L.coords(sites)[other])[1]
            out[f"distance_to_{kind}_pipeline_km"] = dk
        usd_per_km = reference_value("gas_pipeline_cost_usd_per_mile") / KM_PER_MILE
        out["gas_lateral_cost_usd"] = out["distance_to_pipeline_km"] * usd_per_km
        if L.has("plants"):
            def served_by_row():
                served = _served_capacity_by_pipeline(L.load("plants"))
                key = _norm(idx.frame["operator"])
                cap = key.map(served).astype(float)
                # a known operator with no gas plant on it: 0 MW served; unknown operator: missing
                return cap.where(key.isna(), cap.fillna(0.0)).to_numpy(dtype=float)

            per_row = L.memo(("served_by_pipeline_row",), served_by_row)
            out["pipeline_served_gas_capacity_mw"] = np.where(found, per_row[np.where(found, pos, 0)], np.nan)
    if L.has("gas_facilities"):
        near = nearest_attributes(sites, L.index("gas_facilities"), {"facility_type": "gas_facility_type"}, xy=L.coords(sites))
        out["distance_to_gas_facility_km"] = near["distance_km"].to_numpy()
        out["gas_facility_type"] = near["gas_facility_type"].astype("string").to_numpy()
    return out


# -- land: existing plants and datacenters ---------------------------------------------------


#: Value rasters :func:`land` samples, and the column each fills.
RASTER_VALUE_COLUMNS = {"cost_raster": "cost_raster_value", "resource_raster": "resource_raster_value"}


def _raster(L, role: str) -> tuple[Path, str] | None:
    """(GeoTIFF, stated units) of a raster role, or None when the layer set has none."""
    inner = getattr(L, "layers", L)
    if not hasattr(inner, "raster_path") or not L.has(role):
        return None
    path = inner.raster_path(role)
    units = inner.raster_units(role) if hasattr(inner, "raster_units") else ""
    if not units:
        import rasterio

        with rasterio.open(path) as src:  # the GeoTIFF's own band unit, when it states one
            units = (src.units or ("",))[0] or ""
    return path, units


def _sample(L, sites: gpd.GeoDataFrame, path: Path) -> np.ndarray:
    from gis_data.elevation import sample_raster
    from pyproj import Transformer

    xy = L.coords(sites)
    lon, lat = Transformer.from_crs(sites.crs, "EPSG:4326", always_xy=True).transform(xy[:, 0], xy[:, 1])
    return sample_raster(path, lon, lat)


def land(sites: gpd.GeoDataFrame, layers, scenario: Scenario) -> pd.DataFrame:
    """Distance to existing plants and datacenters (setbacks), and the layer set's rasters at the sites.

    Returns
    -------
    pandas.DataFrame
        ``distance_to_power_plant_km`` and ``distance_to_datacenter_km`` [km];
        ``excluded_by_raster`` [-] (the site's cell of the ``exclusion_raster`` is nonzero;
        missing on nodata or outside the raster, or without the raster) and
        ``exclusion_raster_name`` [-] (that raster's file name, on excluded sites);
        ``cost_raster_value`` and ``resource_raster_value`` [the units the layer set
        states for the raster, its ``units`` key, else the GeoTIFF's band unit]: the
        cell values, NaN on nodata or outside.
    """
    _check_sites(sites)
    L = _prep(layers)
    out = _empty(sites, {"distance_to_power_plant_km": "float", "distance_to_datacenter_km": "float",
                         "excluded_by_raster": "bool", "exclusion_raster_name": "str",
                         **{c: "float" for c in RASTER_VALUE_COLUMNS.values()}})
    if L.has("plants"):
        out["distance_to_power_plant_km"] = nearest(sites, L.index("plants"), xy=L.coords(sites))[1]
    if L.has("datacenters"):
        out["distance_to_datacenter_km"] = nearest(sites, L.index("datacenters"), xy=L.coords(sites))[1]
    raster = L.memo(("raster", "exclusion_raster"), lambda: _raster(L, "exclusion_raster"))
    if raster is not None and len(sites):
        v = _sample(L, sites, raster[0])
        excluded = np.isfinite(v) & (v != 0)
        out["excluded_by_raster"] = pd.arrays.BooleanArray(excluded, ~np.isfinite(v))
        out["exclusion_raster_name"] = _text(np.where(excluded, raster[0].name, None), sites.index)
    for role, col in RASTER_VALUE_COLUMNS.items():
        raster = L.memo(("raster", role), lambda role=role: _raster(L, role))
        if raster is not None and len(sites):
            out[col] = _sample(L, sites, raster[0])
            L.memo(("raster_units_logged", role), lambda role=role, raster=raster: log.info(
                "%s: %s values in %s", role, raster[0].name, raster[1] or "units not stated (add units = ... to the layer set)"))
    return out


# -- air -------------------------------------------------------------------------------------


def _worst_classification(table: pd.DataFrame) -> pd.Series:
    """Worst current classification per county: an ozone class, 'nonattainment' or absent."""
    t = table
    status = t["status"].astype("string").str.lower().fillna("")
    current = ~status.str.contains("revoked|maintenance|former|redesignated|attainment$", regex=True)
    current |= status.str.contains("nonattainment", regex=False)
    t = t[current.to_numpy()]
    cls = t["classification"].astype("string").str.lower().str.strip().fillna("")
    rank = cls.map({c: i + 1 for i, c in enumerate(OZONE_CLASSES)}).fillna(0).astype(int)
    frame = pd.DataFrame({"fips": t["county_fips"].astype("string").to_numpy(), "rank": rank.to_numpy(), "cls": cls.to_numpy()})
    frame = frame.sort_values(["fips", "rank", "cls"]).drop_duplicates("fips", keep="last")
    label = np.where(frame["rank"] > 0, frame["cls"], "nonattainment")
    return pd.Series(label, index=frame["fips"].to_numpy(), dtype="string")


def air(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, county_fips: pd.Series | None = None) -> pd.DataFrame:
    """Nonattainment status of the site's county (worst current classification).

    Parameters
    ----------
    county_fips : pandas.Series, optional
        The sites' counties (from :func:`location`); computed when not given.

    Returns
    -------
    pandas.DataFrame
        ``nonattainment_status`` [-]: ``"attainment"``, an ozone class (``"marginal"`` ...
        ``"extreme"``) or ``"nonattainment"`` (other pollutants); missing when the county or
        the Green Book layer is unknown.

    References
    ----------
    US EPA Green Book, nonattainment areas for criteria pollutants (``phistory``).
    """
    _check_sites(sites)
    L = _prep(layers)
    out = _empty(sites, {"nonattainment_status": "str"})
    if not L.has("nonattainment"):
        return out
    fips = county_fips if county_fips is not None else location(sites, L, scenario)["county_fips"]
    worst = L.memo(("worst_nonattainment",), lambda: _worst_classification(L.load("nonattainment")))
    status = fips.astype("string").map(worst)
    out["nonattainment_status"] = status.where(status.notna() | fips.isna(), "attainment").astype("string")
    return out


# -- climate and water ------------------------------------------------------------------------


@dataclass(frozen=True)
class StationClimate:
    """Per-station results, per MW of flat IT load (the cooling model is linear in load)."""

    hot_hour_temp_air_degc: float
    cooling_pue_annual: float
    wue_consumption_l_per_kwh: float
    wue_withdrawal_l_per_kwh: float


def station_climate(weather: pd.DataFrame, cooling: str) -> StationClimate:
    """Hottest-hour temperature and annual PUE/WUE of one weather year.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather with ``temp_air_degc`` [degC] (see :func:`siting.water.read_weather_file`).
    cooling : str
        Cooling design (a :data:`siting.scenario.COOLING_DESIGNS` name).
    """
    from siting.water import wue_for_weather

    summary = wue_for_weather(weather, cooling)
    it_kwh = summary.it_energy_mwh_per_yr * 1000.0
    from models.units import L_PER_GAL

    return StationClimate(
        hot_hour_temp_air_degc=float(np.nanmax(weather["temp_air_degc"].to_numpy(dtype=float))),
        cooling_pue_annual=float(summary.pue_annual),
        wue_consumption_l_per_kwh=float(summary.water_consumption_gal_per_yr * L_PER_GAL / it_kwh),
        wue_withdrawal_l_per_kwh=float(summary.water_withdrawal_gal_per_yr * L_PER_GAL / it_kwh),
    )


def gas_supply_carbon(temp_air_degc, it_load_mw: float, pue: float, scenario: Scenario, *,
                      altitude_m: float = 0.0) -> dict[str, float]:
    """CO2 of a campus supplied by its behind-the-meter gas fleet through one weather year.

    The facility load, IT load x IT utilisation x PUE, is flat; each hour the fewest
    units that can carry it run (:func:`models.gas_units.units_committed`), sharing it
    equally at the temperature-corrected part-load heat rate
    (:func:`models.gas_units.fuel_burn_mmbtu_hhv`); CO2 is the fuel times the EIA
    factor (:func:`models.emissions.annual_emissions`).

    Parameters
    ----------
    temp_air_degc : array_like
        Hourly air temperature of the weather year [degC].
    it_load_mw : float
        Nameplate IT load [MW].
    pue : float
        Annual PUE of the campus [-] (facility over IT energy).
    scenario : Scenario
        Prime mover and ``it_utilization_frac`` [-].
    altitude_m : float
        Site elevation [m].

    Returns
    -------
    dict
        ``co2_t_per_yr`` [t/yr], ``co2_intensity_kg_per_mwh_it`` [kg CO2 per MWh of IT
        energy] and ``gas_heat_rate_annual_hhv_btu_per_kwh`` [Btu/kWh, HHV: annual fuel
        over annual generation].

    References
    ----------
    EIA, "Carbon dioxide emissions coefficients" (117.0 lb CO2/MMBtu HHV), via
    ``models/catalogs/air_permits.csv``.
    """
    from models.catalog import get_prime_mover
    from models.emissions import annual_emissions
    from models.gas_units import fuel_burn_mmbtu_hhv, units_committed
    from models.units import BTU_PER_MMBTU, HOURS_PER_YEAR, KG_PER_TONNE, KWH_PER_MWH

    unit = get_prime_mover(scenario.prime_mover)
    temp = np.asarray(temp_air_degc, dtype=float)
    it_mw = float(it_load_mw) * scenario.it_utilization_frac
    load = np.full(temp.shape, it_mw * float(pue))
    on = units_committed(unit, load, temp, altitude_m)
    fuel_mmbtu_per_yr = float(fuel_burn_mmbtu_hhv(unit, load, on, temp, altitude_m).mean()) * HOURS_PER_YEAR
    gen_mwh_per_yr = it_mw * float(pue) * HOURS_PER_YEAR
    e = annual_emissions(unit, int(on.max()), fuel_mmbtu_per_yr, gen_mwh_per_yr)
    return {
        "co2_t_per_yr": e.co2_tonnes_per_yr,
        "co2_intensity_kg_per_mwh_it": e.co2_tonnes_per_yr * KG_PER_TONNE / (it_mw * HOURS_PER_YEAR),
        "gas_heat_rate_annual_hhv_btu_per_kwh": fuel_mmbtu_per_yr * BTU_PER_MMBTU / (gen_mwh_per_yr * KWH_PER_MWH),
    }


#: At most this many distinct (station, IT load) pairs get a fleet sized and a CO2 figure; beyond,
#: those columns of the remaining sites stay empty (a log line says so).
MAX_FLEET_CASES = 2_000

_CARBON_COLUMNS = ("co2_t_per_yr", "co2_intensity_kg_per_mwh_it", "gas_heat_rate_annual_hhv_btu_per_kwh")


def climate(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, fleet: bool = True) -> pd.DataFrame:
    """Nearest weather station, its hottest hour, cooling PUE and WUE, the gas fleet it needs and its CO2.

    Parameters
    ----------
    fleet : bool
        Also size the N+k gas fleet for the station's hourly temperature
        (:func:`siting.power.fleet_columns`, once per station and IT load).

    Returns
    -------
    pandas.DataFrame
        ``weather_station_id`` [-], ``distance_to_weather_station_km`` [km],
        ``weather_station_too_far`` [-] (farther than the scenario's
        ``max_weather_station_km``: the columns are still computed from that station but
        the scoring leaves the climate unknown), ``hot_hour_temp_air_degc`` [degC],
        ``cooling_pue_annual`` [-], ``wue_consumption_l_per_kwh`` and
        ``wue_withdrawal_l_per_kwh`` [L/kWh] for the scenario's cooling design (hourly
        model of :mod:`models.cooling`, once per station), the CO2 of a gas-only supply
        (:func:`gas_supply_carbon` at the station's hourly temperatures and annual PUE:
        ``co2_t_per_yr`` [t/yr], ``co2_intensity_kg_per_mwh_it`` [kg/MWh],
        ``gas_heat_rate_annual_hhv_btu_per_kwh`` [Btu/kWh]) and with ``fleet`` the fleet
        columns of :func:`siting.power.fleet_columns` (units, ISO and hot-hour capacity
        [MW], derate [-], availability ...) for the site's IT load (``it_load_mw``, else
        the scenario's) at the scenario's PUE.
    """
    _check_sites(sites)
    L = _prep(layers)
    out = _empty(sites, {
        "weather_station_id": "str", "distance_to_weather_station_km": "float", "weather_station_too_far": "bool",
        "hot_hour_temp_air_degc": "float", "cooling_pue_annual": "float", "wue_consumption_l_per_kwh": "float",
        "wue_withdrawal_l_per_kwh": "float", **{c: "float" for c in _CARBON_COLUMNS},
    })
    if not L.has("weather_stations"):
        return out
    idx = L.index("weather_stations")
    pos, dist = nearest(sites, idx, xy=L.coords(sites))
    out["distance_to_weather_station_km"] = dist
    with np.errstate(invalid="ignore"):
        out["weather_station_too_far"] = pd.arrays.BooleanArray(dist > scenario.max_weather_station_km, np.isnan(dist))
    ids = idx.frame["station_id"].astype("string").to_numpy()
    out["weather_station_id"] = _text(np.where(pos >= 0, ids[np.where(pos >= 0, pos, 0)], None), sites.index)
    load = (pd.to_numeric(sites["it_load_mw"], errors="coerce").to_numpy(dtype=float)
            if "it_load_mw" in sites.columns else np.full(len(sites), np.nan))
    load = np.where(np.isnan(load), scenario.it_load_mw, load)
    carbon = {c: np.full(len(sites), np.nan) for c in _CARBON_COLUMNS}
    fleet_parts = []
    cases = 0
    for p in np.unique(pos[pos >= 0]):
        row = idx.frame.iloc[int(p)]
        sid = str(row["station_id"])
        weather = L.memo(("weather", sid), lambda row=row: _station_weather(row, L))
        if weather is None:
            continue
        res = L.memo(("station_climate", sid, scenario.cooling), lambda w=weather: station_climate(w, scenario.cooling))
        m = pos == p
        for name in ("hot_hour_temp_air_degc", "cooling_pue_annual", "wue_consumption_l_per_kwh", "wue_withdrawal_l_per_kwh"):
            out.loc[m, name] = getattr(res, name)
        pue = res.cooling_pue_annual if np.isfinite(res.cooling_pue_annual) else scenario.pue
        elevation = _elevation_m(row)
        for mw in np.unique(load[m]):
            cases += 1
            if cases > MAX_FLEET_CASES:
                continue
            here = m & (load == mw)
            key = ("carbon", sid, float(mw), float(pue), scenario.prime_mover, scenario.it_utilization_frac)
            co2 = L.memo(key, lambda w=weather, mw=mw: gas_supply_carbon(
                w["temp_air_degc"].to_numpy(dtype=float), float(mw), pue, scenario, altitude_m=elevation))
            for c in _CARBON_COLUMNS:
                carbon[c][here] = co2[c]
            if not fleet:
                continue
            key = ("fleet", sid, float(mw), scenario.prime_mover, scenario.redundancy_units, scenario.pue)
            cols = L.memo(key, lambda w=weather, mw=mw, row=row: _station_fleet(w, row, scenario, float(mw)))
            if cols is not None:
                sel = sites.index[here]
                one = pd.DataFrame([cols])
                fleet_parts.append(one.iloc[np.zeros(len(sel), dtype=np.int64)].set_axis(sel))
    if cases > MAX_FLEET_CASES:
        log.warning("gas fleet and CO2 computed for the first %d of %d (station, IT load) cases; give fewer distinct "
                    "it_load_mw values to cover every site", MAX_FLEET_CASES, cases)
    for c in _CARBON_COLUMNS:
        out[c] = carbon[c]
    if fleet_parts:
        fleet_frame = pd.concat(fleet_parts).reindex(sites.index)
        out = pd.concat([out, fleet_frame.drop(columns=["hot_hour_temp_air_degc"], errors="ignore")], axis=1)
    return out


def _elevation_m(row) -> float:
    return float(pd.to_numeric(pd.Series([row.get("elevation_m")]), errors="coerce").fillna(0.0).iloc[0])


def _station_weather(row, layers) -> pd.DataFrame | None:
    from gis_data.weather import load_weather

    src = getattr(getattr(layers, "layers", layers), "source_path", None)
    path = str(row["path"])
    if src is not None and not path.lower().startswith("pvlib:") and not Path(path).is_absolute():
        path = str(Path(src).parent / path)
    try:
        return load_weather(path)
    except (OSError, ValueError) as exc:
        log.warning("weather station %s: cannot read %s (%s); its sites get no climate columns", row["station_id"], path, exc)
        return None


def _station_fleet(weather: pd.DataFrame, row, scenario: Scenario, it_load_mw: float) -> dict | None:
    try:
        from siting.power import fleet_columns
    except ImportError:  # the power model is optional for the criteria
        return None
    frame = fleet_columns(weather["temp_air_degc"].to_numpy(dtype=float)[None, :], scenario.replace(it_load_mw=it_load_mw),
                          altitude_m=_elevation_m(row))
    return frame.iloc[0].to_dict()


def water(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """The campus's cooling water against its county's withdrawals and the state's stress.

    Parameters
    ----------
    context : pandas.DataFrame, optional
        ``county_fips``, ``state_abbr`` and the WUE columns of :func:`climate` on
        ``sites.index`` (computed when not given).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`siting.water.water_columns` (county withdrawals [gal/day],
        site consumption [gal/yr], share of county [%], Aqueduct stress, verdict).
    """
    from siting.water import water_columns

    _check_sites(sites)
    L = _prep(layers)
    if context is None:
        context = pd.concat([location(sites, L, scenario), climate(sites, L, scenario)], axis=1)
    frame = pd.DataFrame(index=sites.index)
    frame["it_load_mw"] = sites["it_load_mw"] if "it_load_mw" in sites.columns else np.nan
    frame["county_fips"] = context["county_fips"]
    frame["state_abbr"] = context["state_abbr"]
    out = water_columns(
        frame, scenario,
        wue_consumption_l_per_kwh=context["wue_consumption_l_per_kwh"],
        wue_withdrawal_l_per_kwh=context["wue_withdrawal_l_per_kwh"],
        county_water=L.load("water_use") if L.has("water_use") else None,
        water_stress=L.load("water_stress") if L.has("water_stress") else None,
    )
    return out.drop(columns=["wue_consumption_l_per_kwh", "wue_withdrawal_l_per_kwh"])


# -- all criteria ----------------------------------------------------------------------------

#: Criteria by name, in evaluation order.
CRITERIA: dict[str, Callable] = {
    "location": location,
    "grid": grid,
    "gas": gas,
    "land": land,
    "climate": climate,
}


def evaluate(sites: gpd.GeoDataFrame, layers, scenario: Scenario, *, include: tuple[str, ...] | None = None) -> pd.DataFrame:
    """All criteria for ``sites`` in one frame on ``sites.index`` (input not mutated).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Points in EPSG:5070 with ``it_load_mw`` [MW] (NaN: the scenario's).
    layers : LayerSet-like
        Anything with ``load`` and ``has``; absent roles give empty columns.
    scenario : Scenario
        Assumptions (cooling design, load).
    include : tuple of str, optional
        Criteria to run (names of :data:`CRITERIA` plus ``"air"`` and ``"water"``);
        all by default.
    """
    names = tuple(CRITERIA) + ("air", "water") if include is None else tuple(include)
    bad = [n for n in names if n not in CRITERIA and n not in ("air", "water")]
    if bad:
        raise unknown_name("criterion", bad[0], tuple(CRITERIA) + ("air", "water"))
    L = _prep(layers)
    parts = {}
    for name in names:
        if name == "grid" and "location" in parts:
            parts[name] = grid(sites, L, scenario, context=parts["location"])
        elif name in CRITERIA:
            parts[name] = CRITERIA[name](sites, L, scenario)
    loc = parts.get("location")
    if "air" in names:
        parts["air"] = air(sites, L, scenario, county_fips=None if loc is None else loc["county_fips"])
    if "water" in names:
        ctx = None
        if loc is not None and "climate" in parts:
            ctx = pd.concat([loc, parts["climate"]], axis=1)
        parts["water"] = water(sites, L, scenario, context=ctx)
    out = pd.concat(list(parts.values()), axis=1) if parts else pd.DataFrame(index=sites.index)
    return out.loc[:, ~out.columns.duplicated()]
