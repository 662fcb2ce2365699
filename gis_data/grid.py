"""Transmission lines and substations: HIFLD (official and repackaged schemas) and OpenStreetMap.

Formats (see :func:`gis_data.formats.formats`):

``hifld_transmission``
    The official HIFLD *Electric Power Transmission Lines* schema as users download it
    (ID/OBJECTID, TYPE, STATUS, OWNER, VOLTAGE, VOLT_CLASS, ...; any of GeoJSON, GeoPackage,
    zipped shapefile, in WGS84, Web Mercator or NAD83). ``VOLTAGE`` -999999 is unknown;
    where it is unknown a single-value ``VOLT_CLASS`` ("345", "500", "735 AND ABOVE")
    supplies the kV (counted in the report); range classes ("100-161", "UNDER 100")
    only fill ``volt_class_min_kv``/``volt_class_max_kv``. ``is_dc`` comes from
    ``VOLT_CLASS == "DC"`` or a ``TYPE`` starting with "DC".
``hifld_transmission_simplified``
    The Texas-bbox HIFLD extract with ``id, voltage_kv, type, owner`` (simplified ~500 m).
``hifld_transmission_volt_class``
    Lines with the voltage class only (``VOLT_CLASS``, no ``VOLTAGE``): the national
    all-voltage GeoParquet decoded from the IM3 Data Center Atlas tiles. Range classes
    ("100-161", "220-287") fill ``volt_class_min_kv``/``volt_class_max_kv`` only.
``hifld_transmission_by_class``
    The RDCEP national split (``voltage``, ``class``): ``grid-345_735`` and ``grid-dc``.
``hifld_substations`` / ``hifld_substations_official``
    HIFLD *Electric Substations*, as repackaged by Western Power Pool (``hifld_id, name,
    max_kv, min_kv, kv_range``) or in the official schema (``ID, NAME, STATE, STATUS,
    MAX_VOLT, MIN_VOLT``).
``osm_substations``
    OpenStreetMap ``power=substation`` exported from Overpass as GeoJSON (``voltage`` in
    volts, ``;``-separated; areas reduced to a representative point).

Multi-part lines stay MultiLineStrings, one row per source line (see :mod:`gis_data.io`).

:func:`fill_state_from_states` gives substations without a state (the Western Power Pool
repackaging has none) the state whose polygon holds them; :class:`gis_data.layerset.LayerSet`
applies it when a layer set also has a ``states`` layer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from gis_data import io
from gis_data.canonical import LoadReport, SourceMeta
from gis_data.formats import register_format
from models.errors import CRSError, DataError

#: Load-report reasons written by :func:`fill_state_from_states`.
STATE_FILLED = "state_abbr filled from the states layer (point in polygon)"
STATE_OUTSIDE = "state_abbr left missing: point outside every state polygon"

HIFLD_URL_LINES = "https://hifld-geoplatform.hub.arcgis.com/datasets/electric-power-transmission-lines"
HIFLD_URL_SUBSTATIONS = "https://hifld-geoplatform.hub.arcgis.com/datasets/electric-substations"
HIFLD_LICENSE = "public domain (US federal data, 17 U.S.C. 105)"
HIFLD_ATTRIBUTION = "HIFLD / DHS CISA"
OSM_LICENSE = "ODbL 1.0"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"

#: Extra (non-canonical) transmission columns every transmission loader returns.
LINE_EXTRA = ("line_type", "volt_class_min_kv", "volt_class_max_kv")


def _has(columns, *names) -> bool:
    return all(n in columns for n in names)


def _col(frame: pd.DataFrame, name: str, default=None) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(default, index=frame.index, dtype="object")


def _transmission_common(frame, report: LoadReport, *, line_id, voltage, volt_class, line_type, owner, status):
    """Fill the canonical transmission columns from source series (same index as frame)."""
    kv = io.to_number(voltage).set_axis(frame.index)
    n_unknown = int(kv.isna().sum())
    klass = io.clean_text(volt_class).set_axis(frame.index)
    class_kv, class_dc = io.parse_volt_class(klass)
    class_kv, class_dc = class_kv.set_axis(frame.index), class_dc.set_axis(frame.index)
    fill = kv.isna() & class_kv.notna()
    report.repair("unknown VOLTAGE (-999999) taken from a single-value VOLT_CLASS", int(fill.sum()))
    kv = kv.fillna(class_kv)
    report.repair("unknown voltage left as NaN (source -999999 or blank)", n_unknown - int(fill.sum()))
    lo, hi = io.volt_class_bounds(klass)
    ltype = io.clean_text(line_type).set_axis(frame.index)
    is_dc = class_dc | ltype.astype("string").str.upper().str.match(r"^\s*DC\b").fillna(False).astype(bool)
    # A class derived from the voltage where the source gives none (e.g. simplified extract).
    klass = klass.fillna(kv.map(lambda v: f"{v:g}" if np.isfinite(v) else np.nan).astype("object"))
    out = frame.assign(
        line_id=io.clean_text(line_id).set_axis(frame.index),
        voltage_kv=kv,
        volt_class=klass.astype("str"),
        is_dc=is_dc.to_numpy(),
        owner=io.clean_text(owner).set_axis(frame.index),
        status=io.clean_text(status).set_axis(frame.index),
        line_type=ltype,
        volt_class_min_kv=lo.set_axis(frame.index).fillna(kv),
        volt_class_max_kv=hi.set_axis(frame.index).fillna(kv),
    )
    return out


def _sequential_ids(prefix: str, n: int) -> pd.Series:
    return pd.Series([f"{prefix}{i}" for i in range(n)], dtype="str")


# --------------------------------------------------------------------------- transmission


def _detect_hifld_official(path, columns) -> bool:
    return _has(columns, "voltage", "volt_class")


@register_format(
    "hifld_transmission", role="transmission", detect=_detect_hifld_official, detail=30,
    description="HIFLD Electric Power Transmission Lines, official schema (VOLTAGE, VOLT_CLASS, OWNER, STATUS)",
)
def load_hifld_transmission(path, *, member: str | None = None, vintage: str = "unstated",
                            name: str = "HIFLD Electric Power Transmission Lines"):
    """HIFLD Electric Power Transmission Lines in the official schema.

    Parameters
    ----------
    path : str or Path
        GeoJSON/GeoPackage/shapefile (plain, ``.gz`` or ``.zip``), any CRS.
    member : str, optional
        Member of a zip archive.
    vintage : str
        Download date or HIFLD version, recorded in the source metadata.
    name : str
        Source name recorded in the metadata.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``transmission`` columns (``voltage_kv`` [kV], NaN when unknown) plus
        ``line_type``, ``volt_class_min_kv`` [kV], ``volt_class_max_kv`` [kV], EPSG:4326.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="line", member=member))
    io.require_columns(raw, ["voltage", "volt_class"], path, "hifld_transmission")
    ids = _col(raw, "id")
    if "objectid" in raw:
        ids = ids.where(ids.notna(), raw["objectid"])
    if ids.isna().all():  # neither ID nor OBJECTID: number the rows
        ids = _sequential_ids("line-", len(raw)).set_axis(raw.index)
    out = _transmission_common(
        raw, report, line_id=ids.astype("string"), voltage=raw["voltage"], volt_class=raw["volt_class"],
        line_type=_col(raw, "type"), owner=_col(raw, "owner"), status=_col(raw, "status"),
    )
    src = SourceMeta(name, vintage, HIFLD_LICENSE, HIFLD_ATTRIBUTION, HIFLD_URL_LINES)
    return io.finish(out, "transmission", src, report, extra=LINE_EXTRA)


def _detect_simplified(path, columns) -> bool:
    return _has(columns, "id", "voltage_kv", "type", "owner") and "volt_class" not in columns


@register_format(
    "hifld_transmission_simplified", role="transmission", detect=_detect_simplified, detail=20,
    description="HIFLD transmission lines, simplified extract with id, voltage_kv, type, owner (Texas bbox, >=115 kV)",
)
def load_hifld_transmission_simplified(path, *, vintage: str = "2026-04-26"):
    """HIFLD transmission lines as simplified by dderiso/texas-grid (``id, voltage_kv, type, owner``).

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``).
    vintage : str
        HIFLD query date (2026-04-26 for the shared copy).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``transmission`` columns, EPSG:4326; ``status`` is unknown (not in the extract).
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="line"))
    io.require_columns(raw, ["id", "voltage_kv", "type", "owner"], path, "hifld_transmission_simplified")
    out = _transmission_common(
        raw, report, line_id=raw["id"], voltage=raw["voltage_kv"], volt_class=pd.Series(np.nan, index=raw.index),
        line_type=raw["type"], owner=raw["owner"], status=pd.Series(np.nan, index=raw.index),
    )
    src = SourceMeta("HIFLD Electric Power Transmission Lines (Texas bbox, simplified ~500 m, >=115 kV)", vintage,
                     HIFLD_LICENSE, HIFLD_ATTRIBUTION, "https://github.com/dderiso/texas-grid")
    return io.finish(out, "transmission", src, report, extra=LINE_EXTRA)


def _detect_by_class(path, columns) -> bool:
    return _has(columns, "voltage", "class") and "volt_class" not in columns


@register_format(
    "hifld_transmission_by_class", role="transmission", detect=_detect_by_class, detail=10,
    description="HIFLD transmission lines split by voltage class (voltage, class), e.g. national >=345 kV and HVDC",
)
def load_hifld_transmission_by_class(path, *, vintage: str = "before 2023"):
    """HIFLD transmission lines as split by RDCEP (``voltage`` [kV], ``class``).

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``): ``grid-345_735.json`` (AC >= 345 kV) or ``grid-dc.json`` (HVDC).
    vintage : str
        HIFLD vintage (unstated upstream; predates 2023).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``transmission`` columns, EPSG:4326. ``line_id`` is made from the file
        stem and row number (the split dropped HIFLD's IDs); ``owner``/``status`` unknown.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="line"))
    io.require_columns(raw, ["voltage", "class"], path, "hifld_transmission_by_class")
    stem = str(path).replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
    ids = _sequential_ids(f"{stem}-", len(raw)).set_axis(raw.index)
    out = _transmission_common(
        raw, report, line_id=ids, voltage=raw["voltage"], volt_class=raw["class"],
        line_type=pd.Series(np.nan, index=raw.index), owner=pd.Series(np.nan, index=raw.index),
        status=pd.Series(np.nan, index=raw.index),
    )
    src = SourceMeta("HIFLD Electric Power Transmission Lines (RDCEP split by voltage class)", vintage,
                     HIFLD_LICENSE, HIFLD_ATTRIBUTION, "https://github.com/RDCEP/energy-maps")
    return io.finish(out, "transmission", src, report, extra=LINE_EXTRA)


def _detect_volt_class_only(path, columns) -> bool:
    return "volt_class" in columns and "voltage" not in columns and "voltage_kv" not in columns


@register_format(
    "hifld_transmission_volt_class", role="transmission", detect=_detect_volt_class_only, detail=25,
    description="HIFLD transmission lines with the voltage class only (VOLT_CLASS), e.g. the national "
                "all-voltage GeoParquet decoded from the IM3 atlas tiles",
)
def load_hifld_transmission_volt_class(path, *, member: str | None = None, vintage: str = "2025 (IM3 atlas)",
                                       name: str = "HIFLD Electric Power Transmission Lines (voltage class only, "
                                                   "IM3 Data Center Atlas tiles)"):
    """HIFLD transmission lines whose only attribute is the voltage class (``VOLT_CLASS``).

    Every voltage class of the US grid (``UNDER 100``, ``100-161``, ``220-287``, ``345``,
    ``500``, ``735 AND ABOVE``, ``DC``, ``NOT AVAILABLE``), e.g. the GeoParquet decoded
    from the IM3 Data Center Atlas vector tiles (lines split at tile edges, so rows are
    pieces of lines, not lines).

    Parameters
    ----------
    path : str or Path
        GeoParquet, GeoJSON, GeoPackage or shapefile (plain, ``.gz`` or ``.zip``), any CRS.
    member : str, optional
        Member of a zip archive.
    vintage : str
        HIFLD vintage, recorded in the metadata.
    name : str
        Source name recorded in the metadata.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``transmission`` columns plus ``line_type``, ``volt_class_min_kv`` [kV]
        and ``volt_class_max_kv`` [kV], EPSG:4326. ``voltage_kv`` [kV] is the class's
        voltage where the class is one value (``345``, ``500``; ``735 AND ABOVE`` gives
        735) and NaN for range classes (``100-161`` has only its bounds), ``is_dc`` is
        True for ``DC``; ``NOT AVAILABLE`` and ``SUB 100`` leave every voltage NaN.
        ``line_id`` is ``<file stem>-<row>`` (no ID survives in the source).
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="line", member=member, dedupe=False))
    io.require_columns(raw, ["volt_class"], path, "hifld_transmission_volt_class")
    # the same piece decoded twice (same class and geometry; tile bookkeeping aside) is kept once
    raw = io.drop_duplicates(raw[["volt_class", "geometry"]], report).reset_index(drop=True)
    klass = io.clean_text(raw["volt_class"]).astype("string").str.strip().str.upper()
    unknown = (klass.isna() | klass.isin(["NOT AVAILABLE", "SUB 100"]).fillna(False)).to_numpy()
    report.repair("voltage class NOT AVAILABLE, SUB 100 or blank: voltage unknown", int(unknown.sum()))
    klass = klass.mask(unknown)
    stem = str(path).replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
    out = _transmission_common(
        raw, report, line_id=_sequential_ids(f"{stem}-", len(raw)).set_axis(raw.index),
        voltage=pd.Series(np.nan, index=raw.index), volt_class=klass.astype("object"),
        line_type=pd.Series(np.nan, index=raw.index), owner=pd.Series(np.nan, index=raw.index),
        status=pd.Series(np.nan, index=raw.index),
    )
    src = SourceMeta(name, vintage, HIFLD_LICENSE, HIFLD_ATTRIBUTION,
                     "https://github.com/IMMM-SFA/datacenter-atlas")
    return io.finish(out, "transmission", src, report, extra=LINE_EXTRA)


# --------------------------------------------------------------------------- substations

SUBSTATION_EXTRA = ("lines_count",)


def _substation_frame(raw, report, *, ids, name, max_kv, min_kv, status, state):
    max_v = io.to_number(max_kv).set_axis(raw.index)
    min_v = io.to_number(min_kv).set_axis(raw.index)
    # HIFLD stores 0 for "not inferred" on some records; a 0 kV substation is unknown.
    zero = (max_v <= 0) | (min_v <= 0)
    report.repair("0 kV voltage treated as unknown", int(zero.sum()))
    max_v, min_v = max_v.mask(max_v <= 0), min_v.mask(min_v <= 0)
    nm = io.clean_text(name).set_axis(raw.index)
    placeholder = nm.astype("string").str.fullmatch(r"UNKNOWN\d*", case=False).fillna(False).astype(bool)
    report.repair("placeholder name UNKNOWNnnnnnn set to missing", int(placeholder.sum()))
    return raw.assign(
        substation_id=io.clean_text(ids).set_axis(raw.index),
        name=nm.mask(placeholder).astype("str"),
        max_voltage_kv=max_v,
        min_voltage_kv=min_v,
        status=io.clean_text(status).set_axis(raw.index),
        state_abbr=io.clean_text(state).set_axis(raw.index),
        lines_count=io.to_number(_col(raw, "lines", np.nan)).set_axis(raw.index),
    )


def _detect_substations_wpp(path, columns) -> bool:
    return _has(columns, "hifld_id", "max_kv", "min_kv")


@register_format(
    "hifld_substations", role="substations", detect=_detect_substations_wpp, detail=20,
    description="HIFLD Electric Substations as repackaged by Western Power Pool (hifld_id, name, max_kv, min_kv)",
)
def load_hifld_substations_wpp(path, *, vintage: str = "2026-05-28"):
    """HIFLD Electric Substations, Western Power Pool "TransmissionMap" repackaging.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``) with ``hifld_id, name, max_kv, min_kv, kv_range``.
    vintage : str
        HIFLD acquisition date (2026-05-28 for the shared copy).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``substations`` columns (``max_voltage_kv``/``min_voltage_kv`` [kV],
        NaN when unknown), EPSG:4326. ``state_abbr`` and ``status`` are unknown in this
        repackaging (join to a states layer for the state).
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="point"))
    io.require_columns(raw, ["hifld_id", "max_kv", "min_kv"], path, "hifld_substations")
    out = _substation_frame(raw, report, ids=raw["hifld_id"], name=_col(raw, "name"), max_kv=raw["max_kv"],
                            min_kv=raw["min_kv"], status=_col(raw, "status"), state=_col(raw, "state"))
    src = SourceMeta("HIFLD Electric Substations (Western Power Pool TransmissionMap)", vintage, HIFLD_LICENSE,
                     HIFLD_ATTRIBUTION, HIFLD_URL_SUBSTATIONS)
    return io.finish(out, "substations", src, report, extra=SUBSTATION_EXTRA)


def _detect_substations_official(path, columns) -> bool:
    return _has(columns, "max_volt", "min_volt")


@register_format(
    "hifld_substations_official", role="substations", detect=_detect_substations_official, detail=30,
    description="HIFLD Electric Substations, official schema (ID, NAME, STATE, STATUS, LINES, MAX_VOLT, MIN_VOLT)",
)
def load_hifld_substations(path, *, member: str | None = None, vintage: str = "unstated"):
    """HIFLD Electric Substations in the official schema.

    Parameters
    ----------
    path : str or Path
        GeoJSON/GeoPackage/shapefile (plain, ``.gz`` or ``.zip``), any CRS.
    member : str, optional
        Member of a zip archive.
    vintage : str
        Download date, recorded in the metadata.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``substations`` columns plus ``lines_count`` [-], EPSG:4326.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="point", member=member))
    io.require_columns(raw, ["max_volt", "min_volt"], path, "hifld_substations_official")
    ids = _col(raw, "id") if "id" in raw else _col(raw, "objectid")
    out = _substation_frame(raw, report, ids=ids.astype("string"), name=_col(raw, "name"), max_kv=raw["max_volt"],
                            min_kv=raw["min_volt"], status=_col(raw, "status"), state=_col(raw, "state"))
    src = SourceMeta("HIFLD Electric Substations", vintage, HIFLD_LICENSE, HIFLD_ATTRIBUTION, HIFLD_URL_SUBSTATIONS)
    return io.finish(out, "substations", src, report, extra=SUBSTATION_EXTRA)


def fill_state_from_states(points, states):
    """Fill the missing ``state_abbr`` of points from the state polygon that holds each.

    The test is point in polygon in EPSG:4326 with both layers in that CRS. No distance or
    area is computed, so no metric CRS is needed, and the Census polygons are defined by
    their lon/lat vertices: testing in lon/lat follows the source's own edges, where
    projecting both layers would move the edges between vertices slightly. A point on a
    shared border takes the first state in the layer's order. Rows that already have a
    state keep it.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Point layer (e.g. ``substations``) with ``state_abbr``, EPSG:4326.
    states : geopandas.GeoDataFrame
        ``states`` layer (``state_abbr``), EPSG:4326.

    Returns
    -------
    frame : geopandas.GeoDataFrame
        A copy of ``points`` with ``state_abbr`` filled where a state polygon holds the point
        (the input is not modified; ``attrs`` are copied).
    filled : int
        Rows given a state [-].
    outside : int
        Rows still without a state: outside every polygon (offshore, territories the
        states layer lacks) [-].
    """
    for frame, what in ((points, "points"), (states, "states")):
        if "state_abbr" not in frame.columns:
            raise DataError(f"{what} layer lacks state_abbr; load it with a gis_data loader")
        if frame.crs is None or frame.crs.to_epsg() != 4326:
            raise CRSError(f"{what} layer must be in EPSG:4326 (loaders return it so) for the point-in-polygon "
                           f"state join, got {frame.crs}")
    missing = points["state_abbr"].isna().to_numpy()
    out = points.copy()
    out.attrs = {k: (dict(v) if isinstance(v, dict) else v) for k, v in points.attrs.items()}
    if not missing.any():
        return out, 0, 0
    rows = np.flatnonzero(missing)
    tree = shapely.STRtree(states.geometry.to_numpy())
    hit_point, hit_state = tree.query(out.geometry.to_numpy()[rows], predicate="intersects")
    held = np.unique(hit_point)  # sorted, aligned with _first_state's answer
    abbr = out["state_abbr"].astype("object").to_numpy(copy=True)
    abbr[rows[held]] = states["state_abbr"].astype("object").to_numpy()[_first_state(hit_point, hit_state)]
    out["state_abbr"] = pd.Series(abbr, index=out.index).astype("str")
    filled = len(held)
    return out, filled, int(missing.sum()) - filled


def _first_state(hit_point: np.ndarray, hit_state: np.ndarray) -> np.ndarray:
    """For each point with hits (in increasing point order), the lowest state position among its
    hits, so a point on a shared border always gets the same state."""
    order = np.lexsort((hit_state, hit_point))
    p, s = hit_point[order], hit_state[order]
    keep = np.r_[True, p[1:] != p[:-1]]
    return s[keep]


# --------------------------------------------------------------------------- OpenStreetMap


def osm_id_column(raw: pd.DataFrame) -> pd.Series:
    """OSM id as ``"way/123"`` from Overpass-turbo GeoJSON (``@id`` or ``id``, or ``osm_type`` + ``osm_id``)."""
    for c in ("@id", "id"):
        if c in raw.columns:
            return io.clean_text(raw[c].astype("string"))
    if "osm_type" in raw.columns and "osm_id" in raw.columns:
        return (raw["osm_type"].astype("string") + "/" + raw["osm_id"].astype("string")).astype("str")
    return _sequential_ids("osm-", len(raw)).set_axis(raw.index)


def osm_voltage_kv(values) -> tuple[pd.Series, pd.Series]:
    """OSM ``voltage`` tags (volts, ``;``-separated, e.g. ``"345000;138000"``) -> (max kV, min kV)."""
    s = pd.Series(values).astype("string").fillna("")
    parts = s.str.split(r"[;,]", regex=True)
    volts = parts.map(lambda xs: [float(x) for x in xs if x.strip().replace(".", "", 1).isdigit()])
    mx = volts.map(lambda v: max(v) / 1000.0 if v else np.nan).astype("float64")
    mn = volts.map(lambda v: min(v) / 1000.0 if v else np.nan).astype("float64")
    return mx, mn


def osm_power_values(path) -> pd.Series:
    """The ``power`` tag of every feature of an OSM GeoJSON export (for schema detection)."""
    try:
        frame = io.read_vector(path, columns=["power"])
    except Exception:  # noqa: BLE001 - detection must never fail the scan
        return pd.Series([], dtype="str")
    return frame["power"].astype("string")


def to_points(frame, report: LoadReport):
    """Reduce polygons/lines (OSM areas and ways) to a representative point inside each, counted."""
    not_point = ~frame.geometry.geom_type.isin(["Point"]).to_numpy()
    report.repair("area or way reduced to a representative point", int(not_point.sum()))
    if not not_point.any():
        return frame
    geom = frame.geometry.copy()
    geom[not_point] = frame.geometry[not_point].representative_point()
    return frame.set_geometry(geom)


def _detect_osm_substations(path, columns) -> bool:
    if "power" not in columns:
        return False
    values = osm_power_values(path)
    return bool(len(values)) and values.eq("substation").mean() > 0.5


@register_format(
    "osm_substations", role="substations", detect=_detect_osm_substations, detail=15,
    description="OpenStreetMap power=substation exported from Overpass as GeoJSON",
)
def load_osm_substations(path, *, vintage: str = "unstated"):
    """OpenStreetMap substations (``power=substation``) from an Overpass GeoJSON export.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``) with OSM tags as properties (``@id``/``id``, ``power``,
        ``voltage`` [V], ``name``, ``operator``); points, ways or areas.
    vintage : str
        Overpass extract date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``substations`` columns (voltages from the ``voltage`` tag, volts -> kV),
        one point per substation, EPSG:4326. Features whose ``power`` is not
        ``substation`` are dropped (counted).
    """
    report = LoadReport()
    raw = io.read_clean(path, report, kind=None)
    io.require_columns(raw, ["power"], path, "osm_substations")
    is_sub = raw["power"].astype("string").eq("substation").fillna(False).to_numpy()
    report.drop("power tag is not substation", int((~is_sub).sum()))
    raw = to_points(raw.loc[is_sub], report)
    mx, mn = osm_voltage_kv(_col(raw, "voltage"))
    out = raw.assign(
        substation_id=osm_id_column(raw).set_axis(raw.index),
        name=io.clean_text(_col(raw, "name")).set_axis(raw.index),
        max_voltage_kv=mx.set_axis(raw.index),
        min_voltage_kv=mn.set_axis(raw.index),
        status=pd.Series(np.nan, index=raw.index, dtype="object"),
        state_abbr=io.clean_text(_col(raw, "addr:state")).set_axis(raw.index),
        operator=io.clean_text(_col(raw, "operator")).set_axis(raw.index),
    )
    src = SourceMeta("OpenStreetMap power=substation", vintage, OSM_LICENSE, OSM_ATTRIBUTION,
                     "https://www.openstreetmap.org/copyright")
    return io.finish(out, "substations", src, report, extra=("operator",))


# Earlier names of these formats, kept so existing layer-set files still load. An alias never
# detects a file (scan_directory reports the canonical name only).
register_format("hifld_substations_wpp", role="substations", detect=io.never_detect,
                description="alias of hifld_substations")(load_hifld_substations_wpp)
