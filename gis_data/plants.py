"""Power plants: EIA-860 generators, HIFLD Texas plants and OpenStreetMap ``power=plant``.

Formats:

``eia860_generators``
    EIA-860 (2025 early release) generators joined to their plants, one point per
    generator (Western Power Pool repackaging): ``plant_code, plant_name, technology,
    energy_source, nameplate_mw, ba_code, state, op_year, status, retirement_year, pipelines``.
``eia860_official``
    The official EIA-860 release as EIA publishes it (``eia860<year>.zip``): the sheets of
    ``3_1_Generator_Y<year>.xlsx`` (Operable, Proposed, Retired and Canceled) joined to
    ``2___Plant_Y<year>.xlsx`` for location, balancing authority and gas pipelines.
``hifld_plants_tx`` / ``hifld_plants_tx_json``
    HIFLD *Power Plants* for Texas (>= 50 MW), one row per plant, as GeoJSON or as the
    packager's raw JSON (``{plants: [{id, name, lat, lon, capacity_MW, ...}]}``).
``osm_plants``
    OpenStreetMap ``power=plant`` exported from Overpass as GeoJSON.

``generator_id`` is the plant code plus the generator's position within its plant in
the file (``"3470-0"``) for the EIA-860 repackaging, which dropped EIA's generator IDs;
plant-level sources give one row per plant with ``generator_id`` missing.
"""

from __future__ import annotations

import io as _io
import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import GEOGRAPHIC_CRS, LoadReport, SourceMeta
from gis_data.formats import register_format
from gis_data.grid import OSM_ATTRIBUTION, OSM_LICENSE, osm_id_column, to_points
from models.errors import DataError, MissingDataError

PUBLIC_DOMAIN = "public domain (US federal data, 17 U.S.C. 105)"
EIA860_ATTRIBUTION = "Source: U.S. Energy Information Administration, Form EIA-860"
EIA860_URL = "https://www.eia.gov/electricity/data/eia860/"

PLANT_EXTRA = ("prime_mover", "gen_status", "nerc_region", "utility_name", "sector_name")


def _col(raw, name):
    return raw[name] if name in raw.columns else pd.Series(np.nan, index=raw.index, dtype="object")


def _detect_eia860(path, columns) -> bool:
    return all(c in columns for c in ("plant_code", "nameplate_mw", "energy_source"))


#: EIA-860 "Natural Gas Pipeline Name" answers that name no pipeline: the form's own instruction
#: ("(for plants that receive natural gas only)"), "N/A", "None" and the notes that say there is no
#: connection ("No connection to any NG pipelines", "16a. None. We only use natural gas for startup.").
NOT_A_PIPELINE = re.compile(
    r"for plants? that receives? natural gas only"
    r"|^\W*(?:\d+\w?\.\s*)?(?:n/?a|none|unknown|not applicable|no|-+|\.+|0)(?:\b|$)",
    re.IGNORECASE,
)


def clean_pipeline_names(values) -> pd.Series:
    """Pipeline names as EIA-860 gives them, with the answers that name no pipeline made missing.

    Each ``;``-separated name is checked on its own against :data:`NOT_A_PIPELINE`.

    Parameters
    ----------
    values : array-like of str
        EIA-860 pipeline name text, one per row (names joined by ``"; "``).

    Returns
    -------
    pandas.Series of object
        The names left, joined by ``"; "``; missing (NaN) where none is left.

    Examples
    --------
    >>> clean_pipeline_names(["for plant that receive natural gas only", "N/A", "Transco; None"]).tolist()
    [nan, nan, 'Transco']
    """
    s = pd.Series(values, dtype="object")

    def clean(v):
        if not isinstance(v, str):
            return np.nan
        kept = [n.strip() for n in v.split(";") if n.strip() and not NOT_A_PIPELINE.search(n.strip())]
        return "; ".join(kept) if kept else np.nan

    return s.map(clean)


@register_format(
    "eia860_generators", role="plants", detect=_detect_eia860, detail=30,
    description="EIA-860 generators (operating, proposed, retiring, retired) with BA and gas pipeline, one point each",
)
def load_eia860_generators(path, *, vintage: str = "2025 early release"):
    """EIA-860 generators, Western Power Pool repackaging (one point per generator).

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``).
    vintage : str
        EIA-860 release.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``plants`` columns (``capacity_mw`` nameplate [MW], ``operating_year``
        and ``retirement_year`` [year], ``gas_pipeline`` the pipeline(s) EIA-860 says
        serve the plant, NaN where the answer names none: :func:`clean_pipeline_names`) plus ``prime_mover``, ``gen_status``, ``nerc_region``,
        ``utility_name``, ``sector_name``, EPSG:4326. Rows without a location are dropped
        (counted). Exact duplicate rows are *kept*: two identical generators at one plant
        are two machines (the repackaging dropped the generator IDs that would tell them apart).
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="point", dedupe=False)).reset_index(drop=True)
    io.require_columns(raw, ["plant_code", "plant_name", "nameplate_mw", "energy_source", "status"], path,
                       "eia860_generators")
    plant = io.clean_text(raw["plant_code"])
    rank = raw.groupby(plant.fillna("?").to_numpy()).cumcount()
    out = raw.assign(
        plant_id=plant,
        plant_name=io.clean_text(raw["plant_name"]),
        generator_id=(plant.astype("string") + "-" + rank.astype("string")).astype("str"),
        capacity_mw=io.to_number(raw["nameplate_mw"]),
        energy_source=io.clean_text(raw["energy_source"]),
        technology=io.clean_text(_col(raw, "technology")),
        status=io.clean_text(raw["status"]),
        operating_year=io.to_number(_col(raw, "op_year")),
        retirement_year=io.to_number(_col(raw, "retirement_year")),
        balancing_authority=io.clean_text(_col(raw, "ba_code")),
        gas_pipeline=clean_pipeline_names(io.clean_text(_col(raw, "pipelines"))),
        state_abbr=io.clean_text(_col(raw, "state")),
        prime_mover=io.clean_text(_col(raw, "prime_mover")),
        gen_status=io.clean_text(_col(raw, "gen_status")),
        nerc_region=io.clean_text(_col(raw, "nerc_region")),
        utility_name=io.clean_text(_col(raw, "utility_name")),
        sector_name=io.clean_text(_col(raw, "sector_name")),
    )
    src = SourceMeta("EIA-860 generators (Western Power Pool TransmissionMap)", vintage, PUBLIC_DOMAIN,
                     EIA860_ATTRIBUTION, EIA860_URL)
    return io.finish(out, "plants", src, report, extra=PLANT_EXTRA)


# --------------------------------------------------------------------------- EIA-860 official workbooks

_EIA_GENERATOR_RE = re.compile(r"(^|/)3_1_Generator_Y(\d{4})[^/]*\.xlsx$", re.IGNORECASE)
_EIA_PLANT_RE = re.compile(r"(^|/)2___Plant_Y(\d{4})[^/]*\.xlsx$", re.IGNORECASE)
#: Generator sheet -> gen_status; Retired and Canceled keeps only status RE (canceled units never ran).
_EIA_SHEETS = {"operable": "existing", "proposed": "proposed", "retired and canceled": "retired"}


def _eia_workbooks(path: Path) -> tuple[bytes, bytes, str]:
    """(generator workbook, plant workbook, member name) from the release zip or the extracted files."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            gen = next((n for n in names if _EIA_GENERATOR_RE.search(n)), None)
            plant = next((n for n in names if _EIA_PLANT_RE.search(n)), None)
            if gen is None or plant is None:
                raise DataError(f"{path}: not an EIA-860 release zip (needs 3_1_Generator_Y<year>.xlsx and "
                                f"2___Plant_Y<year>.xlsx; it holds {names[:8]})")
            return zf.read(gen), zf.read(plant), gen
    if not _EIA_GENERATOR_RE.search(path.name):
        raise DataError(f"{path}: expected the EIA-860 zip or its 3_1_Generator_Y<year>.xlsx workbook")
    plants = sorted(p for p in path.parent.iterdir() if _EIA_PLANT_RE.search(p.name))
    if not plants:
        raise MissingDataError(f"{path}: the EIA-860 plant workbook 2___Plant_Y<year>.xlsx is not beside it in "
                               f"{path.parent}; extract the whole eia860<year>.zip there")
    return path.read_bytes(), plants[0].read_bytes(), path.name


def _eia_sheet(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """An EIA-860 sheet read without header: the header is the row holding 'Plant Code'
    (row 2 after EIA's title line); trailing note rows are left for the caller to drop."""
    for i in range(min(len(raw), 10)):
        cells = [str(v).strip().lower() for v in raw.iloc[i].tolist()]
        if "plant code" in cells:
            out = raw.iloc[i + 1:].reset_index(drop=True)
            out.columns = [str(v).strip() if v is not None and v == v else f"col{j}"
                           for j, v in enumerate(raw.iloc[i].tolist())]
            return out
    raise DataError(f"{where}: no 'Plant Code' header in the first rows; not an EIA-860 schedule sheet")


def _detect_eia860_official(path, columns) -> bool:
    return bool(_EIA_GENERATOR_RE.search(Path(str(path)).name))


@register_format(
    "eia860_official", role="plants", detect=_detect_eia860_official, detail=35,
    description="EIA-860 release as published (3_1_Generator_Y<year>.xlsx joined to 2___Plant_Y<year>.xlsx)",
)
def load_eia860_official(path, *, vintage: str | None = None):
    """EIA-860 generators from the official release workbooks, one point per generator.

    Parameters
    ----------
    path : str or Path
        ``eia860<year>.zip`` as EIA publishes it, or its extracted ``3_1_Generator_Y<year>.xlsx``
        with ``2___Plant_Y<year>.xlsx`` in the same folder. Each sheet has a title line
        above the header row; the last rows are notes.
    vintage : str, optional
        Release; default from the workbook name (``Y2023``; "early release" when so named).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``plants`` columns: ``generator_id`` is ``<Plant Code>-<Generator ID>``,
        ``capacity_mw`` nameplate [MW], ``energy_source`` Energy Source 1, ``operating_year``
        [year] (planned year for proposed units), ``retirement_year`` [year] (planned for
        operable units), ``gas_pipeline`` the plant's Natural Gas Pipeline Name 1-3 joined
        by "; "; plus ``prime_mover``, ``gen_status`` (existing / retirement / proposed /
        retired, from the sheet), ``nerc_region``, ``utility_name``, ``sector_name``, EPSG:4326.
        Note rows, canceled units and generators whose plant has no location are dropped (counted).
    """
    path = Path(path)
    report = LoadReport()
    gen_bytes, plant_bytes, gen_name = _eia_workbooks(path)
    sheets = pd.read_excel(_io.BytesIO(gen_bytes), sheet_name=None, header=None, dtype=object)
    frames = []
    for sheet, raw in sheets.items():
        status = _EIA_SHEETS.get(str(sheet).strip().lower())
        if status is None:
            continue
        g = _eia_sheet(raw, f"{gen_name} sheet {sheet!r}")
        report.source_rows += len(g)
        code = pd.to_numeric(g["Plant Code"], errors="coerce")
        note = code.isna().to_numpy()
        report.drop("note or blank row of the EIA sheet (no numeric Plant Code)", int(note.sum()))
        g = g.loc[~note].assign(_plant=code[~note].astype("int64").astype("str"), _sheet=status)
        if status == "retired":
            st = g["Status"].astype("string").str.strip().str.upper()
            canceled = ~st.eq("RE").fillna(False).to_numpy()
            report.drop("canceled before operation (Retired and Canceled sheet, status not RE)", int(canceled.sum()))
            g = g.loc[~canceled]
        frames.append(g)
    if not frames:
        raise DataError(f"{gen_name}: none of the sheets {list(_EIA_SHEETS)} found (sheets: {list(sheets)})")
    gens = pd.concat(frames, ignore_index=True)
    plant = _eia_sheet(pd.read_excel(_io.BytesIO(plant_bytes), sheet_name=0, header=None, dtype=object),
                       "EIA-860 plant workbook")
    pcode = pd.to_numeric(plant["Plant Code"], errors="coerce")
    plant = plant.loc[pcode.notna()].assign(_plant=pcode.dropna().astype("int64").astype("str"))
    plant = plant.drop_duplicates("_plant").set_index("_plant")

    def pcol(name):
        return (plant[name] if name in plant.columns else pd.Series(np.nan, index=plant.index)).reindex(gens["_plant"])

    def first(*names):
        """The first non-missing of these columns, row by row (the sheets name some differently)."""
        out = pd.Series(np.nan, index=gens.index, dtype="object")
        for n in names:
            if n in gens.columns:
                out = out.where(out.notna(), gens[n])
        return out

    pipes = [c for c in ("Natural Gas Pipeline Name 1", "Natural Gas Pipeline Name 2", "Natural Gas Pipeline Name 3",
                         "Natural Gas Pipeline Name") if c in plant.columns]
    pipe_text = pd.Series([None] * len(gens), index=gens.index, dtype="object")
    if pipes:
        names = plant[pipes].apply(lambda r: "; ".join(str(v).strip() for v in r if isinstance(v, str) and v.strip()),
                                   axis=1)
        pipe_text = names.replace("", np.nan).reindex(gens["_plant"]).set_axis(gens.index)
    lat = io.to_number(pcol("Latitude")).set_axis(gens.index)
    lon = io.to_number(pcol("Longitude")).set_axis(gens.index)
    no_xy = (lat.isna() | lon.isna() | (lat.abs() > 90) | (lon.abs() > 180)).to_numpy()
    report.drop("plant without latitude/longitude in the plant workbook", int(no_xy.sum()))
    retire_planned = io.to_number(first("Planned Retirement Year")).set_axis(gens.index)
    gen_status = gens["_sheet"].where(~(gens["_sheet"].eq("existing") & retire_planned.notna()), "retirement")
    out = gpd.GeoDataFrame({
        "plant_id": gens["_plant"].astype("str"),
        "plant_name": io.clean_text(first("Plant Name")),
        "generator_id": (gens["_plant"] + "-" + first("Generator ID").astype("string").str.strip()).astype("str"),
        "capacity_mw": io.to_number(first("Nameplate Capacity (MW)")),
        "energy_source": io.clean_text(first("Energy Source 1")),
        "technology": io.clean_text(first("Technology")),
        "status": io.clean_text(first("Status")),
        "operating_year": io.to_number(first("Operating Year", "Current Year", "Effective Year")),
        "retirement_year": io.to_number(first("Retirement Year")).fillna(retire_planned),
        "balancing_authority": io.clean_text(pcol("Balancing Authority Code")).set_axis(gens.index),
        "gas_pipeline": clean_pipeline_names(pipe_text),
        "state_abbr": io.clean_text(first("State")),
        "prime_mover": io.clean_text(first("Prime Mover")),
        "gen_status": gen_status.astype("str"),
        "nerc_region": io.clean_text(pcol("NERC Region")).set_axis(gens.index),
        "utility_name": io.clean_text(first("Utility Name")),
        "sector_name": io.clean_text(first("Sector Name")),
    }, geometry=gpd.points_from_xy(lon, lat), crs=GEOGRAPHIC_CRS, index=gens.index).loc[~no_xy]
    if vintage is None:
        m = _EIA_GENERATOR_RE.search(gen_name)
        vintage = m.group(2) + (" early release" if "early" in gen_name.lower() else "")
    src = SourceMeta("EIA-860 Annual Electric Generator Report (official workbooks)", vintage, PUBLIC_DOMAIN,
                     EIA860_ATTRIBUTION, EIA860_URL)
    return io.finish(out, "plants", src, report, extra=PLANT_EXTRA)


def _hifld_tx_frame(raw: pd.DataFrame, report: LoadReport, vintage: str):
    raw = raw.reset_index(drop=True)
    per_fuel = _col(raw, "per_fuel_mw")
    out = raw.assign(
        plant_id=io.clean_text(raw["id"].astype("string")),
        plant_name=io.clean_text(raw["name"]),
        generator_id=pd.Series(np.nan, index=raw.index, dtype="object"),
        capacity_mw=io.to_number(raw["capacity_mw"]),
        energy_source=io.clean_text(raw["fuel"]),
        technology=io.clean_text(_col(raw, "tech")),
        status=pd.Series("operating", index=raw.index, dtype="str"),
        operating_year=np.nan,
        retirement_year=np.nan,
        balancing_authority=pd.Series(np.nan, index=raw.index, dtype="object"),
        gas_pipeline=pd.Series(np.nan, index=raw.index, dtype="object"),
        state_abbr=pd.Series("TX", index=raw.index, dtype="str"),
        utility_name=io.clean_text(_col(raw, "utility")),
        per_fuel_mw=per_fuel.map(lambda v: json.dumps(v) if isinstance(v, dict) else v).astype("str"),
    )
    src = SourceMeta("HIFLD Power Plants in the US (Texas, >= 50 MW; EIA-860/923 period 202502)", vintage,
                     PUBLIC_DOMAIN, "HIFLD / DHS CISA; U.S. Energy Information Administration",
                     "https://github.com/dderiso/texas-grid")
    return io.finish(out, "plants", src, report, extra=("utility_name", "per_fuel_mw"))


def _detect_hifld_tx(path, columns) -> bool:
    return all(c in columns for c in ("capacity_mw", "per_fuel_mw", "fuel")) and "plants" not in columns


@register_format(
    "hifld_plants_tx", role="plants", detect=_detect_hifld_tx, detail=10,
    description="HIFLD Power Plants, Texas >= 50 MW, one row per plant with fuel mix (GeoJSON)",
)
def load_hifld_plants_tx(path, *, vintage: str = "2026-04-26"):
    """HIFLD Power Plants for Texas (>= 50 MW), GeoJSON conversion, one row per plant.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``).
    vintage : str
        HIFLD query date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``plants`` columns (``capacity_mw`` total plant [MW]; ``energy_source``
        the dominant fuel word, e.g. "gas"; ``status`` "operating") plus ``utility_name``
        and ``per_fuel_mw`` (JSON text, MW by fuel), EPSG:4326.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="point"))
    io.require_columns(raw, ["id", "name", "capacity_mw", "fuel"], path, "hifld_plants_tx")
    return _hifld_tx_frame(raw, report, vintage)


def _detect_hifld_tx_json(path, columns) -> bool:
    return "plants" in columns and all(c in columns for c in ("capacity_mw", "lat", "lon"))


@register_format(
    "hifld_plants_tx_json", role="plants", detect=_detect_hifld_tx_json, detail=10,
    description="HIFLD Power Plants, Texas >= 50 MW, packager's raw JSON {plants: [...]}",
)
def load_hifld_plants_tx_json(path, *, vintage: str | None = None):
    """HIFLD Power Plants for Texas from the packager's raw JSON (``plants`` list with lat/lon).

    Parameters
    ----------
    path : str or Path
        JSON (plain or ``.gz``).
    vintage : str, optional
        Default: the file's ``fetched_iso`` date.

    Returns
    -------
    geopandas.GeoDataFrame
        Same columns as :func:`load_hifld_plants_tx`.
    """
    data = io.read_json(path)
    table = pd.DataFrame(data.get("plants", []))
    report = LoadReport(source_rows=len(table))
    table.columns = [c.lower() for c in table.columns]
    lat, lon = io.to_number(table.get("lat")), io.to_number(table.get("lon"))
    bad = (lat.isna() | lon.isna()).to_numpy()
    report.drop("missing lat/lon", int(bad.sum()))
    table = table.loc[~bad]
    frame = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon[~bad], lat[~bad]), crs=GEOGRAPHIC_CRS)
    frame = io.drop_duplicates(frame, report, subset=["id", "name"])
    return _hifld_tx_frame(frame, report, vintage or str(data.get("fetched_iso", "unstated"))[:10])


def _detect_osm_plants(path, columns) -> bool:
    if "power" not in columns:
        return False
    from gis_data.grid import osm_power_values

    values = osm_power_values(path)
    return bool(len(values)) and values.eq("plant").mean() > 0.5


def osm_capacity_mw(values) -> pd.Series:
    """OSM ``plant:output:electricity`` (e.g. ``"1200 MW"``, ``"50 kW"``, ``"yes"``) -> MW (NaN if no number)."""
    s = pd.Series(values).astype("string").str.strip().str.replace(",", ".", regex=False)
    parts = s.str.extract(r"^\s*([\d.]+)\s*([kKmMgG]?W)?\s*$")
    num = pd.to_numeric(parts[0], errors="coerce").astype("float64")
    factor = parts[1].str.upper().map({"KW": 1e-3, "MW": 1.0, "GW": 1e3, "W": 1e-6}).astype("float64").fillna(1.0)
    return num * factor


@register_format(
    "osm_plants", role="plants", detect=_detect_osm_plants, detail=5,
    description="OpenStreetMap power=plant exported from Overpass as GeoJSON",
)
def load_osm_plants(path, *, vintage: str = "unstated"):
    """OpenStreetMap power plants (``power=plant``) from an Overpass GeoJSON export.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``) with OSM tags as properties (``plant:source``,
        ``plant:output:electricity``, ``name``, ``operator``, ``start_date``).
    vintage : str
        Overpass extract date.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``plants`` columns (one row per plant, ``capacity_mw`` from
        ``plant:output:electricity`` [MW]; ``energy_source`` the ``plant:source`` tag), EPSG:4326.
    """
    report = LoadReport()
    raw = io.read_clean(path, report, kind=None).reset_index(drop=True)
    io.require_columns(raw, ["power"], path, "osm_plants")
    is_plant = raw["power"].astype("string").eq("plant").fillna(False).to_numpy()
    report.drop("power tag is not plant", int((~is_plant).sum()))
    raw = to_points(raw.loc[is_plant], report)
    start = _col(raw, "start_date").astype("string").str.extract(r"(\d{4})", expand=False)
    out = raw.assign(
        plant_id=osm_id_column(raw).set_axis(raw.index),
        plant_name=io.clean_text(_col(raw, "name")),
        generator_id=pd.Series(np.nan, index=raw.index, dtype="object"),
        capacity_mw=osm_capacity_mw(_col(raw, "plant:output:electricity")).set_axis(raw.index),
        energy_source=io.clean_text(_col(raw, "plant:source")),
        technology=io.clean_text(_col(raw, "plant:method")),
        status=pd.Series("operating", index=raw.index, dtype="str"),
        operating_year=pd.to_numeric(start, errors="coerce").astype("float64"),
        retirement_year=np.nan,
        balancing_authority=pd.Series(np.nan, index=raw.index, dtype="object"),
        gas_pipeline=pd.Series(np.nan, index=raw.index, dtype="object"),
        state_abbr=io.clean_text(_col(raw, "addr:state")),
        utility_name=io.clean_text(_col(raw, "operator")),
    )
    src = SourceMeta("OpenStreetMap power=plant", vintage, OSM_LICENSE, OSM_ATTRIBUTION,
                     "https://www.openstreetmap.org/copyright")
    return io.finish(out, "plants", src, report, extra=("utility_name",))


# Earlier names of these formats, kept so existing layer-set files still load. An alias never
# detects a file (scan_directory reports the canonical name only).
register_format("eia860_generators_wpp", role="plants", detect=io.never_detect,
                description="alias of eia860_generators")(load_eia860_generators)


# --------------------------------------------------------------------------- reuse of existing plant sites

#: EIA-860 energy source codes of thermal (combustion) fuel groups (EIA-860 instructions, energy source codes).
THERMAL_FUELS: dict[str, tuple[str, ...]] = {
    "coal": ("BIT", "SUB", "LIG", "ANT", "RC", "WC", "SC", "SGC"),
    "gas": ("NG",),
    "oil": ("DFO", "RFO", "JF", "KER", "PC", "WO"),
}
#: EIA-860 prime movers of steam cycles, which need condenser cooling water (ST steam turbine,
#: CA/CS combined-cycle steam part / single shaft).
STEAM_PRIME_MOVERS = ("ST", "CA", "CS")
#: Reuse status of a generator from its EIA-860 status code and retirement year.
REUSE_STATUSES = ("operating", "retiring", "retired", "underused")


def thermal_fuel_group(energy_source) -> np.ndarray:
    """Fuel group (``coal``, ``gas``, ``oil``) of EIA-860 energy source codes, "" for other fuels."""
    code = pd.Series(energy_source).astype("string").fillna("").str.strip().str.upper().to_numpy(dtype=object)
    out = np.full(len(code), "", dtype=object)
    for group, codes in THERMAL_FUELS.items():
        out[np.isin(code, codes)] = group
    return out


def reuse_status(status, retirement_year, gen_status=None, *, as_of_year: int) -> np.ndarray:
    """Each generator's status for site reuse, from EIA-860 codes [-].

    ``retired``: status RE, or an operable unit whose retirement year is before
    ``as_of_year``; ``retiring``: an operable unit with a retirement year from
    ``as_of_year`` on (or the packaged ``gen_status`` "retirement"); ``underused``: SB
    (standby/backup, available but not normally used), OS or OA (out of service);
    ``operating``: OP otherwise; "" for proposed units and unknown codes.

    Parameters
    ----------
    status : array-like of str
        EIA-860 status codes (OP, SB, OS, OA, RE, P, U, ...) or the packaged words.
    retirement_year : array-like of float
        Planned or actual retirement year [yr].
    gen_status : array-like of str, optional
        The packaged ``gen_status`` (existing / retirement / retired / proposed).
    as_of_year : int
        [yr]

    References
    ----------
    U.S. EIA, Form EIA-860 instructions, generator status codes.
    """
    s = pd.Series(status).astype("string").fillna("").str.strip().str.upper().to_numpy(dtype=object)
    ret = pd.to_numeric(pd.Series(retirement_year), errors="coerce").to_numpy(dtype=float)
    gs = (np.full(len(s), "", dtype=object) if gen_status is None else
          pd.Series(gen_status).astype("string").fillna("").str.strip().str.lower().to_numpy(dtype=object))
    out = np.full(len(s), "", dtype=object)
    op = np.isin(s, ["OP", "OPERATING", "EXISTING"])
    out[op] = "operating"
    out[np.isin(s, ["SB", "OS", "OA"])] = "underused"
    out[(op & np.isfinite(ret) & (ret >= as_of_year)) | (op & (gs == "retirement"))] = "retiring"
    out[np.isin(s, ["RE", "RETIRED"]) | (op & np.isfinite(ret) & (ret < as_of_year))] = "retired"
    return out


def brownfield_plants(plants, *, as_of_year: int) -> pd.DataFrame:
    """Thermal plants whose interconnection, water and land a new load could take over, one row per plant.

    A plant counts with its coal, gas and oil generators that are retired, retiring or
    underused (:func:`reuse_status`): their nameplate is interconnection capacity freed (or
    to be freed) at an industrial site with a permit history.

    Parameters
    ----------
    plants : geopandas.GeoDataFrame
        Canonical ``plants`` layer (EPSG:4326), one row per generator.
    as_of_year : int
        [yr]

    Returns
    -------
    geopandas.GeoDataFrame
        ``plant_id``, ``plant_name``, ``brownfield_capacity_mw`` [MW] (retired + retiring +
        underused thermal nameplate), ``operating_capacity_mw`` [MW] (other generators
        still operating at the plant, any fuel), ``has_steam_cooling`` (a steam-cycle unit
        among them: cooling water rights), ``status_text`` (e.g. "retired coal 2022 1,190
        MW"), EPSG:4326, largest first.
    """
    import geopandas as gpd

    p = plants[plants.geometry.notna() & ~plants.geometry.is_empty]
    fuel = thermal_fuel_group(p["energy_source"])
    st = reuse_status(p["status"], p["retirement_year"], p["gen_status"] if "gen_status" in p.columns else None,
                      as_of_year=as_of_year)
    cap = pd.to_numeric(p["capacity_mw"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    pm = (p["prime_mover"].astype("string").fillna("").str.upper().to_numpy(dtype=object) if "prime_mover" in p.columns
          else np.full(len(p), "", dtype=object))
    ret = pd.to_numeric(p["retirement_year"], errors="coerce").to_numpy(dtype=float)
    reuse = (fuel != "") & np.isin(st, ["retired", "retiring", "underused"])
    frame = pd.DataFrame({"plant_id": p["plant_id"].astype(str).to_numpy(), "plant_name": p["plant_name"].to_numpy(),
                          "cap": cap, "reuse": reuse, "operating": st == "operating", "fuel": fuel, "status": st,
                          "steam": np.isin(pm, STEAM_PRIME_MOVERS) & reuse, "ret": ret})
    keep = frame.groupby("plant_id")["reuse"].transform("any").to_numpy()
    frame, geom = frame[keep], p.geometry.to_numpy()[keep]
    if not len(frame):
        return gpd.GeoDataFrame({"plant_id": [], "plant_name": [], "brownfield_capacity_mw": [],
                                 "operating_capacity_mw": [], "has_steam_cooling": [], "status_text": []},
                                geometry=[], crs=plants.crs)
    r = frame[frame["reuse"]]
    parts = r.groupby(["plant_id", "status", "fuel"]).agg(mw=("cap", "sum"), year=("ret", "max")).reset_index()
    parts["text"] = [f"{s} {f}" + (f" {int(y)}" if np.isfinite(y) and s != "underused" else "") + f" {mw:,.0f} MW"
                     for s, f, y, mw in zip(parts["status"], parts["fuel"], parts["year"], parts["mw"])]
    text = parts.sort_values("mw", ascending=False).groupby("plant_id")["text"].agg("; ".join)
    g = frame.assign(_geom=list(geom)).groupby("plant_id")
    out = pd.DataFrame({
        "plant_name": g["plant_name"].first(),
        "brownfield_capacity_mw": r.groupby("plant_id")["cap"].sum(),
        "operating_capacity_mw": frame[frame["operating"]].groupby("plant_id")["cap"].sum(),
        "has_steam_cooling": g["steam"].any(),
        "status_text": text,
        "geometry": g["_geom"].first(),
    }).fillna({"operating_capacity_mw": 0.0}).reset_index()
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=plants.crs)
    return out.sort_values("brownfield_capacity_mw", ascending=False).reset_index(drop=True)
