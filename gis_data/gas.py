"""Natural gas pipelines and gas facilities (EIA / HIFLD).

Formats:

``hifld_natgas_pipelines``
    EIA *Natural Gas Interstate and Intrastate Pipelines* via HIFLD, Western Power Pool
    pack (``pipe_type, operator, name``; zip with a GeoJSON, or the GeoJSON itself).
``eia_natgas_pipelines``
    The EIA/HIFLD layer in its own schema (``TYPEPIPE, Operator, Status``), any CRS.
``hifld_natgas_facilities``
    Gas facility points (``fac_type, name, operator, state, status, detail``).

Hydrocarbon-gas-liquid (HGL) lines are not natural gas and are dropped (counted);
gathering lines are dropped unless ``include_gathering=True`` (they are not
transmission supply). Petroleum facilities (``pol_terminal``, ``spr``) are dropped from
the gas facilities unless ``include_petroleum=True``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import LoadReport, SourceMeta
from gis_data.formats import register_format

log = logging.getLogger(__name__)

EIA_LICENSE = "public domain (US federal data, 17 U.S.C. 105)"
EIA_ATTRIBUTION = "U.S. Energy Information Administration; HIFLD / DHS CISA"
EIA_PIPELINES_URL = "https://atlas.eia.gov/datasets/natural-gas-interstate-and-intrastate-pipelines"

_PIPE_TYPES = {"interstate": "interstate", "intrastate": "intrastate", "gathering": "gathering", "hgl": "hgl"}
_PETROLEUM_FACILITIES = frozenset({"pol_terminal", "spr"})


def _pipelines(raw, report: LoadReport, *, pipe_type, operator, status, name, include_gathering: bool):
    kind = io.clean_text(pipe_type).set_axis(raw.index).astype("string").str.lower().str.strip()
    kind = kind.map(lambda v: _PIPE_TYPES.get(v, v) if isinstance(v, str) else v)
    hgl = kind.eq("hgl").fillna(False).to_numpy()
    report.drop("HGL (hydrocarbon gas liquids) pipeline, not natural gas", int(hgl.sum()))
    keep = ~hgl
    if not include_gathering:
        gathering = kind.eq("gathering").fillna(False).to_numpy()
        report.drop("gathering line (include_gathering=False)", int(gathering.sum()))
        keep &= ~gathering
    raw = raw.loc[keep]
    kind = kind.loc[keep]
    return raw.assign(
        pipeline_id=pd.Series([f"natgas-{i}" for i in raw.index], index=raw.index, dtype="str"),
        operator=io.clean_text(operator.loc[raw.index]),
        pipe_type=kind.astype("str"),
        status=io.clean_text(status.loc[raw.index]),
        pipeline_name=io.clean_text(name.loc[raw.index]),
    )


def _col(raw, name):
    return raw[name] if name in raw.columns else pd.Series(np.nan, index=raw.index, dtype="object")


def _detect_wpp(path, columns) -> bool:
    return "pipe_type" in columns and "operator" in columns and "fac_type" not in columns


@register_format(
    "hifld_natgas_pipelines", role="pipelines", detect=_detect_wpp, detail=20,
    description="EIA/HIFLD natural gas interstate and intrastate pipelines (pipe_type, operator), WPP pack",
)
def load_hifld_natgas_pipelines_wpp(path, *, member: str | None = None, include_gathering: bool = False,
                                    vintage: str = "2026-07-09"):
    """EIA natural gas pipelines via HIFLD, Western Power Pool pack (``hifld-natgas-lines.zip``).

    Parameters
    ----------
    path : str or Path
        The zip pack (its GeoJSON member is read) or a GeoJSON (plain or ``.gz``).
    member : str, optional
        Zip member (default: the GeoJSON).
    include_gathering : bool
        Keep gathering lines (default False: not transmission supply).
    vintage : str
        Pack build date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``pipelines`` columns (``pipe_type`` 'interstate'/'intrastate') plus
        ``pipeline_name``, EPSG:4326. ``pipeline_id`` is ``natgas-<row>`` (the source has none).
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="line", member=member))
    io.require_columns(raw, ["pipe_type", "operator"], path, "hifld_natgas_pipelines")
    raw = raw.reset_index(drop=True)
    out = _pipelines(raw, report, pipe_type=raw["pipe_type"], operator=raw["operator"], status=_col(raw, "status"),
                     name=_col(raw, "name"), include_gathering=include_gathering)
    src = SourceMeta("EIA Natural Gas Interstate and Intrastate Pipelines (HIFLD, Western Power Pool pack)", vintage,
                     EIA_LICENSE, EIA_ATTRIBUTION, EIA_PIPELINES_URL)
    return io.finish(out, "pipelines", src, report, extra=("pipeline_name",))


def _detect_eia(path, columns) -> bool:
    return "typepipe" in columns and "operator" in columns


@register_format(
    "eia_natgas_pipelines", role="pipelines", detect=_detect_eia, detail=30,
    description="EIA natural gas pipelines in the EIA/HIFLD schema (TYPEPIPE, Operator, Status)",
)
def load_eia_natgas_pipelines(path, *, member: str | None = None, include_gathering: bool = False,
                              vintage: str = "unstated"):
    """EIA natural gas pipelines in the EIA/HIFLD schema (``TYPEPIPE, Operator, Status``).

    Parameters
    ----------
    path : str or Path
        GeoJSON/GeoPackage/shapefile (plain, ``.gz`` or ``.zip``), any CRS.
    member : str, optional
        Member of a zip archive.
    include_gathering : bool
        Keep gathering lines.
    vintage : str
        Download date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``pipelines`` columns, EPSG:4326.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="line", member=member)).reset_index(drop=True)
    io.require_columns(raw, ["typepipe", "operator"], path, "eia_natgas_pipelines")
    out = _pipelines(raw, report, pipe_type=raw["typepipe"], operator=raw["operator"], status=_col(raw, "status"),
                     name=_col(raw, "pipename"), include_gathering=include_gathering)
    src = SourceMeta("EIA Natural Gas Interstate and Intrastate Pipelines", vintage, EIA_LICENSE, EIA_ATTRIBUTION,
                     EIA_PIPELINES_URL)
    return io.finish(out, "pipelines", src, report, extra=("pipeline_name",))


def _detect_points(path, columns) -> bool:
    return "fac_type" in columns and "operator" in columns


@register_format(
    "hifld_natgas_facilities", role="gas_facilities", detect=_detect_points, detail=20,
    description="EIA/HIFLD gas facilities (hubs, storage, processing, LNG), WPP merge (fac_type, name, operator)",
)
def load_hifld_natgas_points_wpp(path, *, include_petroleum: bool = False, vintage: str = "2026-07-16"):
    """Gas facility points merged from 9 EIA/HIFLD layers by Western Power Pool.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``) with ``fac_type, name, operator, state, status, detail``.
    include_petroleum : bool
        Keep petroleum terminals and the Strategic Petroleum Reserve (default False).
    vintage : str
        Repackaging date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``gas_facilities`` columns plus ``state_name``, ``status``, ``detail``, EPSG:4326.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="point")).reset_index(drop=True)
    io.require_columns(raw, ["fac_type", "name", "operator"], path, "hifld_natgas_facilities")
    ftype = io.clean_text(raw["fac_type"]).astype("string").str.lower()
    if not include_petroleum:
        petro = ftype.isin(list(_PETROLEUM_FACILITIES)).fillna(False).to_numpy()
        report.drop("petroleum facility (include_petroleum=False)", int(petro.sum()))
        raw, ftype = raw.loc[~petro], ftype.loc[~petro]
    out = raw.assign(
        facility_id=pd.Series([f"gasfac-{i}" for i in raw.index], index=raw.index, dtype="str"),
        name=io.clean_text(raw["name"]).set_axis(raw.index),
        facility_type=ftype.astype("str"),
        operator=io.clean_text(raw["operator"]).set_axis(raw.index),
        state_name=io.clean_text(_col(raw, "state")).set_axis(raw.index),
        status=io.clean_text(_col(raw, "status")).set_axis(raw.index),
        detail=io.clean_text(_col(raw, "detail")).set_axis(raw.index),
    )
    src = SourceMeta("EIA/HIFLD natural gas facilities (Western Power Pool merge)", vintage, EIA_LICENSE,
                     EIA_ATTRIBUTION, "https://github.com/BenHutchinsWPP/TransmissionMap")
    return io.finish(out, "gas_facilities", src, report, extra=("state_name", "status", "detail"))


# Earlier names of these formats, kept so existing layer-set files still load. An alias never
# detects a file (scan_directory reports the canonical name only).
register_format("hifld_natgas_pipelines_wpp", role="pipelines", detect=io.never_detect,
                description="alias of hifld_natgas_pipelines")(load_hifld_natgas_pipelines_wpp)
register_format("hifld_natgas_points_wpp", role="gas_facilities", detect=io.never_detect,
                description="alias of hifld_natgas_facilities")(load_hifld_natgas_points_wpp)


# -- pipeline operators and the gas plants they serve ---------------------------------------


#: Abbreviations spelled out and legal suffixes dropped so that HIFLD operator names
#: ("Texas Eastern Trans Co", "Natural Gas PL Co of Am") match EIA-860 ``gas_pipeline``
#: names ("TEXAS EASTERN TRANSMISSION LP", "NATURAL GAS PL CO OF AMERICA").
_NAME_WORDS = {"TRANS": "TRANSMISSION", "PL": "PIPELINE", "AM": "AMERICA", "NAT": "NATURAL"}
_NAME_DROP = {"CO", "COMPANY", "LLC", "LP", "L", "P", "INC", "INCORPORATED", "CORP", "CORPORATION", "THE", "LTD"}


def normalize_operator(s: pd.Series) -> pd.Series:
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


def served_capacity_by_pipeline(plants: pd.DataFrame) -> pd.Series:
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
    key = normalize_operator(exploded["name"])
    keep = key.notna() & key.ne("")
    return exploded["cap"][keep.to_numpy()].groupby(key[keep].to_numpy()).sum()


# -- plants linked to the pipeline system that serves them: by name and by geometry --------

#: Words that say what a pipeline is rather than whose it is; left out when names are compared
#: loosely ("ENERGY TRANSFER FUEL" vs "ENERGY TRANSFER", "ONEOK WES TEX TRANSMISSION" vs
#: "ONEOK WESTEX PIPELINE").
_GENERIC_WORDS = frozenset({"PIPELINE", "PIPE", "LINE", "TRANSMISSION", "TRANSPORTATION", "GAS", "NATURAL", "SYSTEM",
                            "SYSTEMS", "INTRASTATE", "INTERSTATE", "OF", "AND", "FUEL"})

#: A plant's named pipeline links to the nearest pipeline of a system whose name matches, when
#: that pipeline is within this distance of the plant [km] (a screening choice: plants reach
#: their supplier through laterals of a few to tens of km).
NAME_LINK_TOLERANCE_KM = 20.0
#: A plant whose named pipeline matches no system within reach (or that names none) links to the
#: nearest pipeline of any system when it is within this distance [km]: the plant sits on it.
GEOMETRY_LINK_TOLERANCE_KM = 1.0
#: Loose name match: difflib similarity of the distinctive parts of two names [-].
NAME_SIMILARITY_MIN = 0.8


def _distinctive(key: str) -> str:
    return "".join(w for w in key.split() if w not in _GENERIC_WORDS)


def name_matches(named: str, system: str) -> bool:
    """Whether an EIA-860 pipeline name and a pipeline-layer operator name denote the same system.

    Both are first put through :func:`normalize_operator`. They match when equal, when the
    system has two or more distinctive words (not "PIPELINE", "GAS", "TRANSMISSION" ...) and
    all are in the named text, or when the distinctive parts, spaces removed, are at least
    :data:`NAME_SIMILARITY_MIN` alike (:class:`difflib.SequenceMatcher`).

    Parameters
    ----------
    named, system : str
        Normalised names.
    """
    import difflib

    if not named or not system:
        return False
    if named == system:
        return True
    sys_words = [w for w in system.split() if w not in _GENERIC_WORDS]
    if len(sys_words) >= 2 and set(sys_words) <= set(named.split()):  # one word ("TEXAS") is too loose
        return True
    a, b = _distinctive(named), _distinctive(system)
    if len(a) < 4 or len(b) < 4:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= NAME_SIMILARITY_MIN


class _SystemMatcher:
    """:func:`name_matches` of one name against many systems, with the systems' parts prepared once.

    Same answers as ``tuple(s for s in systems if name_matches(named, s))``; the difflib
    comparison first checks :meth:`difflib.SequenceMatcher.real_quick_ratio` and
    :meth:`~difflib.SequenceMatcher.quick_ratio`, upper bounds of ``ratio()``, for all
    systems at once on arrays of their character counts, so only the few pairs that pass
    get the full comparison.
    """

    def __init__(self, systems):
        import difflib

        self.systems = list(systems)
        self.words = [[w for w in s.split() if w not in _GENERIC_WORDS] for s in self.systems]
        self.word_sets = [set(w) if len(w) >= 2 else None for w in self.words]
        self.matchers = []
        parts = [_distinctive(s) for s in self.systems]
        for b in parts:
            m = None
            if len(b) >= 4:
                m = difflib.SequenceMatcher(None, autojunk=False)
                m.set_seq2(b)  # seq2 is the side SequenceMatcher caches
            self.matchers.append(m)
        # the character counts of every system at once: real_quick_ratio and quick_ratio of a
        # name against all systems in two array operations (the same arithmetic as difflib's)
        self.chars = {c: i for i, c in enumerate(sorted({c for b in parts for c in b}))}
        self.counts = np.zeros((len(parts), len(self.chars)), dtype=np.int64)
        for k, b in enumerate(parts):
            for c in b:
                self.counts[k, self.chars[c]] += 1
        self.lengths = np.array([len(b) for b in parts], dtype=np.int64)
        self.comparable = np.array([m is not None for m in self.matchers], dtype=bool)

    def _candidates(self, a: str) -> np.ndarray:
        """Systems whose real_quick_ratio and quick_ratio against ``a`` reach the threshold."""
        la = len(a)
        ca = np.zeros(len(self.chars), dtype=np.int64)
        for c in a:
            j = self.chars.get(c)
            if j is not None:
                ca[j] += 1
        total = la + self.lengths
        real_quick = 2.0 * np.minimum(la, self.lengths) / total
        quick = 2.0 * np.minimum(self.counts, ca).sum(axis=1) / total
        return self.comparable & (real_quick >= NAME_SIMILARITY_MIN) & (quick >= NAME_SIMILARITY_MIN)

    def matching(self, named: str) -> tuple[str, ...]:
        if not named:
            return ()
        named_words = set(named.split())
        a = _distinctive(named)
        maybe = self._candidates(a) if len(a) >= 4 and len(self.systems) else np.zeros(len(self.systems), dtype=bool)
        out = []
        for k, (s, words, m) in enumerate(zip(self.systems, self.word_sets, self.matchers)):
            if not s:
                continue
            if named == s or (words is not None and words <= named_words):
                out.append(s)
                continue
            if not maybe[k]:
                continue
            m.set_seq1(a)
            if m.ratio() >= NAME_SIMILARITY_MIN:
                out.append(s)
        return tuple(out)


def _operating_gas(plants: pd.DataFrame) -> np.ndarray:
    p = plants
    gas = p["energy_source"].astype("string").str.upper().eq("NG").fillna(False)
    status = p["status"].astype("string").str.lower().fillna("")
    operating = status.str.startswith("op") | status.isin(["existing", "sb", "oa", "os"])
    return (gas & operating).to_numpy(dtype=bool)


def _to_metric(frame):
    from gis_data.canonical import CONUS_METRIC_CRS

    return io.to_metric(frame, CONUS_METRIC_CRS)


def link_plants_to_pipelines(plants, pipelines, *, name_tolerance_km: float = NAME_LINK_TOLERANCE_KM,
                             geometry_tolerance_km: float = GEOMETRY_LINK_TOLERANCE_KM):
    """Link each operating gas generator to the pipeline system that serves it, by name and by geometry.

    1. Each pipeline the plant's EIA-860 ``gas_pipeline`` names (``;``-separated) is matched
       to the pipeline layer's operators by :func:`name_matches`; the plant links to the
       *nearest pipeline of a matching operator*, if that is within ``name_tolerance_km``.
    2. A plant none of whose named pipelines links so (its supplier is not in the layer under
       a matching name, or it names none) links to the nearest pipeline of any operator
       within ``geometry_tolerance_km``: the plant sits on it.

    Distances are measured in EPSG:5070.

    Parameters
    ----------
    plants : geopandas.GeoDataFrame
        Canonical ``plants`` layer (EPSG:4326, or already projected to EPSG:5070), one row
        per generator.
    pipelines : geopandas.GeoDataFrame
        Canonical ``pipelines`` layer (EPSG:4326, or already in EPSG:5070).
    name_tolerance_km, geometry_tolerance_km : float
        [km]

    Returns
    -------
    PipelineLinks
    """
    import shapely

    from gis_data.canonical import CONUS_METRIC_CRS  # noqa: F401 - documents the metric CRS used

    gen = plants.loc[_operating_gas(plants) & plants.geometry.notna().to_numpy() & ~plants.geometry.is_empty.to_numpy()]
    cap = pd.to_numeric(gen["capacity_mw"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    pipes = _to_metric(pipelines)
    system = normalize_operator(pipelines["operator"]).fillna("").to_numpy(dtype=object)
    pipe_geom = pipes.geometry.to_numpy()
    gxy = _to_metric(gen).geometry.to_numpy()
    names = gen["gas_pipeline"].astype("string").fillna("").str.split(";")
    rows = []  # (generator position, pipeline row, distance km, method, named)
    linked = np.zeros(len(gen), dtype=bool)
    systems = sorted({s for s in system if s})
    match_cache: dict[str, tuple[str, ...]] = {}
    tree_cache: dict[tuple[str, ...], tuple] = {}
    # rows of each system in layer order: one sort, not one scan of the layer per system
    codes, uniq = pd.factorize(system)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniq) + 1))
    by_system = {u: order[bounds[k]:bounds[k + 1]] for k, u in enumerate(uniq) if u}
    # every distinct name normalised once (not once per generator)
    raws = sorted({r.strip() for parts in names for r in parts if r.strip()})
    key_of = dict(zip(raws, normalize_operator(pd.Series(raws, dtype="string")).fillna("").tolist()))
    matcher = _SystemMatcher(systems)
    pairs: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for i, parts in enumerate(names):
        for raw in parts:
            raw = raw.strip()
            if not raw:
                continue
            key = key_of[raw]
            if not key:
                continue
            if key not in match_cache:
                match_cache[key] = matcher.matching(key)
            cand = match_cache[key]
            if cand:
                pairs.setdefault(cand, []).append((i, raw))
    for cand, items in pairs.items():
        if cand not in tree_cache:
            pos = np.concatenate([by_system[s] for s in cand])
            tree_cache[cand] = (pos, shapely.STRtree(pipe_geom[pos]))
        pos, tree = tree_cache[cand]
        gi = np.array([i for i, _ in items])
        hit, dist = tree.query_nearest(gxy[gi], max_distance=name_tolerance_km * 1000.0, return_distance=True,
                                       all_matches=False)
        for (q, t), d in zip(hit.T, dist):
            rows.append((gi[q], pos[t], d / 1000.0, "name and geometry", items[q][1]))
            linked[gi[q]] = True
    rest = np.flatnonzero(~linked)
    if len(rest):
        tree = shapely.STRtree(pipe_geom)
        hit, dist = tree.query_nearest(gxy[rest], max_distance=geometry_tolerance_km * 1000.0, return_distance=True,
                                       all_matches=False)
        for (q, t), d in zip(hit.T, dist):
            rows.append((rest[q], t, d / 1000.0, "geometry only", names.iloc[rest[q]][0].strip() or None))
            linked[rest[q]] = True
    links = pd.DataFrame(rows, columns=["gen_pos", "pipeline_row", "distance_km", "method", "named_pipeline"])
    links["plant_id"] = gen["plant_id"].to_numpy()[links["gen_pos"]] if len(links) else pd.Series(dtype=object)
    links["capacity_mw"] = cap[links["gen_pos"]] if len(links) else pd.Series(dtype=float)
    links["system"] = system[links["pipeline_row"]] if len(links) else pd.Series(dtype=object)
    # a generator counts once per system, however many of its named pipelines link to that system
    once = links.drop_duplicates(["gen_pos", "system"])
    served = once.groupby("system")["capacity_mw"].sum() if len(once) else pd.Series(dtype=float)
    served.index.name = "system"
    plant_ids = gen["plant_id"].astype(str).to_numpy()
    n_plants = len(set(plant_ids))
    linked_plants = len(set(plant_ids[linked]))
    out = PipelineLinks(
        links=links.drop(columns="gen_pos"), served_mw_by_system=served.sort_values(ascending=False),
        gas_plants=n_plants, linked_plants=linked_plants,
        share_plants_linked_frac=linked_plants / n_plants if n_plants else float("nan"),
        share_capacity_linked_frac=float(cap[linked].sum() / cap.sum()) if cap.sum() > 0 else float("nan"),
        share_capacity_linked_by_name_frac=float(cap[np.isin(np.arange(len(gen)), links.loc[
            links["method"] == "name and geometry", "gen_pos"].to_numpy())].sum() / cap.sum()) if cap.sum() > 0 else float("nan"),
    )
    log.info("gas plants linked to a pipeline system: %d of %d plants (%.0f %%), %.0f %% of operating gas capacity "
             "(%.0f %% by name and geometry)", out.linked_plants, out.gas_plants, 100 * out.share_plants_linked_frac,
             100 * out.share_capacity_linked_frac, 100 * out.share_capacity_linked_by_name_frac)
    return out


@dataclass(frozen=True)
class PipelineLinks:
    """Operating gas generators linked to pipeline systems (:func:`link_plants_to_pipelines`).

    Attributes
    ----------
    links : pandas.DataFrame
        One row per (generator, linked pipeline): ``pipeline_row`` (position in the pipelines
        layer), ``distance_km`` [km] plant to that pipeline, ``method`` ("name and geometry"
        or "geometry only"), ``named_pipeline`` (the EIA-860 name that linked), ``plant_id``,
        ``capacity_mw`` [MW] nameplate of the generator, ``system`` (normalised operator).
    served_mw_by_system : pandas.Series
        Operating gas generation linked to each pipeline system [MW], largest first.
    gas_plants, linked_plants : int
        Plants with an operating gas generator, and those linked [-].
    share_plants_linked_frac, share_capacity_linked_frac, share_capacity_linked_by_name_frac : float
        Shares of plants and of capacity linked (any method; by name and geometry) [-].
    """

    links: pd.DataFrame
    served_mw_by_system: pd.Series
    gas_plants: int
    linked_plants: int
    share_plants_linked_frac: float
    share_capacity_linked_frac: float
    share_capacity_linked_by_name_frac: float

    def served_mw_per_pipeline(self, pipelines: pd.DataFrame) -> np.ndarray:
        """Served capacity of each pipeline row's system [MW] (0 for a system no plant links to)."""
        system = normalize_operator(pipelines["operator"])
        served = system.map(self.served_mw_by_system).astype(float)
        return served.where(system.isna(), served.fillna(0.0)).to_numpy(dtype=float)
