"""The contract between loaders and everything downstream: layer roles and their columns.

Every loader returns, for its role, a GeoDataFrame (or a DataFrame for table roles) in
EPSG:4326 that has *at least* the columns listed here, with these dtypes; extra source
columns may follow. ``None``/NaN means unknown (e.g. a line whose voltage the source
gives as -999999 has ``voltage_kv`` NaN). Source metadata travels in ``frame.attrs``
under the keys of :class:`SourceMeta`, plus ``"load_report"`` (a :class:`LoadReport`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from models.errors import DataError

#: CRS every loader returns.
GEOGRAPHIC_CRS = "EPSG:4326"

#: Projected metric CRS for distances and areas over the contiguous US
#: (NAD83 / Conus Albers, equal-area; distance error < 1 % at the scales used for siting).
CONUS_METRIC_CRS = "EPSG:5070"


@dataclass(frozen=True)
class Role:
    """A layer role: what it holds, its geometry and its canonical columns (name -> dtype)."""

    name: str
    geometry: str | None  # "point", "line", "polygon" or None for a table
    columns: dict[str, str]
    description: str


ROLES: dict[str, Role] = {
    r.name: r
    for r in [
        Role("transmission", "line", {
            "line_id": "str", "voltage_kv": "float", "volt_class": "str", "is_dc": "bool",
            "owner": "str", "status": "str",
        }, "Electric transmission lines."),
        Role("substations", "point", {
            "substation_id": "str", "name": "str", "max_voltage_kv": "float", "min_voltage_kv": "float",
            "status": "str", "state_abbr": "str",
        }, "Electric substations."),
        Role("pipelines", "line", {
            "pipeline_id": "str", "operator": "str", "pipe_type": "str", "status": "str",
        }, "Natural gas transmission pipelines; pipe_type is 'interstate' or 'intrastate'."),
        Role("gas_facilities", "point", {
            "facility_id": "str", "name": "str", "facility_type": "str", "operator": "str",
        }, "Gas hubs, storage fields, processing plants, LNG terminals."),
        Role("plants", "point", {
            "plant_id": "str", "plant_name": "str", "generator_id": "str", "capacity_mw": "float",
            "energy_source": "str", "technology": "str", "status": "str", "operating_year": "float",
            "retirement_year": "float", "balancing_authority": "str", "gas_pipeline": "str", "state_abbr": "str",
        }, "Power-plant generators (one row per generator)."),
        Role("states", "polygon", {
            "state_fips": "str", "state_abbr": "str", "state_name": "str",
        }, "US states."),
        Role("counties", "polygon", {
            "county_fips": "str", "state_fips": "str", "county_name": "str", "state_abbr": "str",
        }, "US counties; county_fips is the five-digit GEOID."),
        Role("water_use", None, {
            "county_fips": "str", "population": "float",
            "withdrawal_total_gal_per_day": "float", "withdrawal_fresh_gal_per_day": "float",
            "withdrawal_public_supply_gal_per_day": "float", "withdrawal_thermoelectric_gal_per_day": "float",
            "withdrawal_irrigation_gal_per_day": "float", "withdrawal_industrial_gal_per_day": "float",
            "withdrawal_ground_gal_per_day": "float", "withdrawal_surface_gal_per_day": "float",
        }, "County water withdrawals (USGS 2015), table keyed by county_fips."),
        Role("nonattainment", None, {
            "county_fips": "str", "pollutant": "str", "classification": "str", "status": "str",
        }, "County nonattainment designations at a date, table keyed by county_fips."),
        Role("water_stress", None, {
            "state_abbr": "str", "bws_score": "float", "bws_label": "str",
        }, "Baseline water stress (WRI Aqueduct 4.0), 0-5 score."),
        Role("weather_stations", "point", {
            "station_id": "str", "station_name": "str", "state_abbr": "str", "elevation_m": "float", "path": "str",
        }, "Hourly typical-year weather stations and the file holding each."),
        Role("datacenters", "point", {
            "datacenter_id": "str", "name": "str", "operator": "str",
        }, "Existing datacenters."),
        Role("balancing_authorities", "polygon", {
            "ba_code": "str", "ba_name": "str",
        }, "Balancing authorities and ISO/RTO footprints."),
        Role("nerc_regions", "polygon", {"nerc_region": "str", "name": "str"}, "NERC regions."),
        Role("queue", None, {
            "project_id": "str", "project_name": "str", "capacity_mw": "float", "fuel": "str",
            "county_name": "str", "state_abbr": "str", "status": "str",
        }, "Interconnection-queue projects."),
    ]
}


#: Raster roles of a layer set (format ``geotiff``); values are what each holds.
RASTER_ROLES: dict[str, str] = {
    "elevation": "Digital elevation model, metres above sea level (e.g. USGS 3DEP).",
    "exclusion_raster": "Cells where a datacenter cannot go (protected areas, water, steep slope), nonzero = excluded.",
    "cost_raster": "User cost surface, in the units the user states (e.g. land price USD/acre).",
    "resource_raster": "Resource or land layer (solar GHI, wind speed, land cover, slope), in its own units.",
}
#: The one format raster roles take.
RASTER_FORMAT = "geotiff"


@dataclass(frozen=True)
class SourceMeta:
    """Where a layer came from; carried in ``frame.attrs['source']`` as a dict."""

    name: str
    vintage: str
    license: str
    attribution: str = ""
    url: str = ""
    synthetic: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LoadReport:
    """What a loader did to the raw rows: counts and reasons, for the user to read."""

    source_rows: int = 0
    kept_rows: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str, count: int) -> None:
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + int(count)

    def repair(self, reason: str, count: int) -> None:
        if count:
            self.repaired[reason] = self.repaired.get(reason, 0) + int(count)

    def summary(self) -> str:
        parts = [f"{self.kept_rows:,} of {self.source_rows:,} rows kept"]
        parts += [f"dropped {n:,}: {why}" for why, n in self.dropped.items()]
        parts += [f"repaired {n:,}: {why}" for why, n in self.repaired.items()]
        return "; ".join(parts)

    def to_dict(self) -> dict:
        return asdict(self)


def check_canonical(frame, role: str) -> None:
    """Raise :class:`DataError` if ``frame`` lacks a canonical column of ``role``."""
    spec = ROLES[role]
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise DataError(f"{role} layer lacks canonical column(s) {missing}; it has {list(frame.columns)}")
    if spec.geometry is not None:
        crs = getattr(frame, "crs", None)
        if crs is None or crs.to_epsg() != 4326:
            raise DataError(f"{role} layer must be in EPSG:4326, got {crs}")


def take_text(values, pos, index=None):
    """``values[pos]`` as a pandas ``"string"`` Series (missing where ``pos`` < 0).

    One Arrow take on the few distinct ``values`` (a layer's column, a list of sentences):
    no Python object per row, so a text column of a million sites costs what its bytes
    cost. ``values`` is anything :func:`pandas.array` turns into strings (``None``/NA
    stays missing); ``pos`` holds integer row positions into it.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    pos = np.asarray(pos, dtype=np.int64)
    arr = pa.array(pd.array(np.asarray(values, dtype=object) if not isinstance(values, (pd.Series, pd.api.extensions.ExtensionArray))
                            else values, dtype="string"))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    if len(arr) == 0:
        out = pa.nulls(len(pos), pa.large_string())
    else:
        out = arr.take(pa.array(pos, mask=pos < 0))
    return pd.Series(pd.arrays.ArrowStringArray(out), index=index)


def null_text(n: int, index=None):
    """A ``"string"`` Series of ``n`` missing values (one Arrow null buffer)."""
    import pandas as pd
    import pyarrow as pa

    return pd.Series(pd.arrays.ArrowStringArray(pa.nulls(n, pa.large_string())), index=index)


def take_labels(values, pos, index=None):
    """``values[pos]`` as a categorical Series (missing where ``pos`` < 0).

    For the text columns that repeat a few sentences over many sites (the ``*_basis`` and
    ``*_source`` columns): a million sites cost a million one-byte codes plus each distinct
    sentence once, not a copy of the sentence per site. The values read like strings
    (``==``, ``.astype("string")``, ``.str``, CSV, Parquet and GeoPackage writers);
    :func:`concat_rows` keeps them categorical across chunks.
    """
    import numpy as np
    import pandas as pd

    pos = np.asarray(pos, dtype=np.int64)
    vals = pd.array(values if isinstance(values, (pd.Series, pd.api.extensions.ExtensionArray))
                    else np.asarray(values, dtype=object), dtype="string")
    codes, uniq = pd.factorize(vals, use_na_sentinel=True)
    lookup = np.append(codes, -1)  # pos -1 takes the last entry: missing
    cat = pd.Categorical.from_codes(lookup[np.where(pos >= 0, pos, len(codes))],
                                    categories=pd.Index(np.asarray(uniq, dtype=object), dtype="str"))
    return pd.Series(cat, index=index)


def concat_rows(parts):
    """``pandas.concat(parts)`` (rows) that keeps categorical columns categorical.

    Chunks of a batch give a label column (:func:`take_labels`) different category lists;
    plain ``concat`` would turn it into one string per row. Here each such column gets the
    union of the chunks' categories first (a chunk holding it as plain text is converted).
    """
    import pandas as pd

    parts = [p for p in parts]
    if len(parts) < 2:
        return pd.concat(parts) if parts else pd.DataFrame()
    cats = {}
    for p in parts:
        for c in p.columns:
            if isinstance(p[c].dtype, pd.CategoricalDtype):
                cats.setdefault(c, {}).update(dict.fromkeys(p[c].cat.categories))
    for p in parts:  # a chunk holding a label column as plain text: its values join the categories
        for c in cats:
            if c in p.columns and not isinstance(p[c].dtype, pd.CategoricalDtype):
                cats[c].update(dict.fromkeys(p[c].dropna().astype(str).unique()))
    if cats:
        fixed = []
        for p in parts:
            change = {c: p[c].astype(pd.CategoricalDtype(pd.Index(list(keys), dtype="str")))
                      for c, keys in cats.items() if c in p.columns}
            if change:
                p = p.copy(deep=False)
                for c, v in change.items():
                    p[c] = v
            fixed.append(p)
        parts = fixed
    return pd.concat(parts)


def labels_of(values):
    """Each row's text (``str`` of the value, as numpy's ``astype(str)``) as a categorical array.

    :func:`take_labels` for values that come one per row: the rows are hashed once, each
    distinct value is turned into text once.
    """
    import numpy as np
    import pandas as pd

    codes, uniq = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    text_codes, cats = pd.factorize(pd.Index([str(u) for u in uniq], dtype=object))
    return pd.Categorical.from_codes(text_codes[codes] if len(codes) else codes,
                                     categories=pd.Index(np.asarray(cats, dtype=object), dtype="str"))
