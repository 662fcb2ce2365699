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

import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import LoadReport, SourceMeta
from gis_data.formats import register_format

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
