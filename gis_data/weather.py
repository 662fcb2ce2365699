"""Hourly typical-year weather: NREL TMY3 files, station lists and the nearest station to a site.

A weather frame (:func:`load_weather`) has 8,760 rows indexed by a tz-aware hourly
``DatetimeIndex`` in local standard time (the TMY3 convention: fixed UTC offset, no
daylight saving; stamps are hour-ending, so the first is 01:00 on 1 January and the last
00:00 on 1 January of the next year), all months coerced to :data:`TYPICAL_YEAR`, with the
columns of :data:`WEATHER_COLUMNS`. Station metadata travel in ``frame.attrs["station"]``.

Station files are referred to by path, or as ``"pvlib:<NAME>"`` for the TMY3 files pvlib
ships in its data folder (``pvlib:723170TYA.CSV`` is Greensboro, NC, the weather of the
embedded sample region).

This module delivers psychrometric *inputs* (dry bulb, dew point, RH, pressure); wet-bulb
temperature and cooling water are computed in :mod:`models.psychrometrics` / ``models.cooling``.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import GEOGRAPHIC_CRS, LoadReport, SourceMeta
from gis_data.formats import register_format
from models.errors import ConfigError, DataError, MissingDataError
from models.units import PA_PER_MBAR

log = logging.getLogger(__name__)

#: Year all TMY months are coerced to (non-leap, so 8,760 hours).
TYPICAL_YEAR = 2021

#: Canonical hourly weather columns and their units.
WEATHER_COLUMNS = {
    "temp_air_degc": "degC", "temp_dew_degc": "degC", "relative_humidity_pct": "%", "pressure_pa": "Pa",
    "ghi_w_per_m2": "W/m2", "dni_w_per_m2": "W/m2", "dhi_w_per_m2": "W/m2", "wind_speed_m_per_s": "m/s",
}
#: Further columns kept when the source has them.
WEATHER_EXTRA = {"wind_direction_deg": "deg", "albedo_frac": "-", "precipitable_water_cm": "cm"}

#: pvlib.iotools.read_tmy3(map_variables=True) name -> canonical name; pressure is converted mbar -> Pa.
_PVLIB_TO_CANONICAL = {
    "temp_air": "temp_air_degc", "temp_dew": "temp_dew_degc", "relative_humidity": "relative_humidity_pct",
    "pressure": "pressure_pa", "ghi": "ghi_w_per_m2", "dni": "dni_w_per_m2", "dhi": "dhi_w_per_m2",
    "wind_speed": "wind_speed_m_per_s", "wind_direction": "wind_direction_deg", "albedo": "albedo_frac",
    "precipitable_water": "precipitable_water_cm",
}

TMY3_NAME = "NREL TMY3 typical meteorological year"
TMY3_URL = "https://www.nrel.gov/docs/fy08osti/43156.pdf"
TMY3_ATTRIBUTION = ("Wilcox, S. and W. Marion, 2008. Users Manual for TMY3 Data Sets. NREL/TP-581-43156. "
                    "National Renewable Energy Laboratory")
#: Stations proposed by the spherical k-d tree per site before the ellipsoidal geodesic picks the nearest.
_CANDIDATES = 3


class SiteWeather(NamedTuple):
    """Weather for a site: the hourly frame, the station used and how far away it is."""

    weather: pd.DataFrame
    station: pd.Series
    distance_km: float


def resolve_weather_path(ref: str | Path, base: str | Path | None = None) -> Path:
    """Turn a station file reference into a path.

    Parameters
    ----------
    ref : str or Path
        ``"pvlib:<NAME>"`` for a file in pvlib's data folder, an absolute path, or a path
        relative to ``base``.
    base : str or Path, optional
        Folder of the station list that holds ``ref``.

    Returns
    -------
    pathlib.Path
    """
    text = str(ref).strip()
    if text.lower().startswith("pvlib:"):
        import pvlib

        path = Path(pvlib.__file__).resolve().parent / "data" / text.split(":", 1)[1]
    else:
        path = Path(text).expanduser()
        if not path.is_absolute() and base is not None:
            path = Path(base) / path
    if not path.exists():
        raise MissingDataError(f"weather file {text!r} not found (looked at {str(path)!r}); check the station list")
    return path.resolve()


def _open_tmy3(path: Path):
    if str(path).lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_tmy3_header(path: str | Path) -> dict:
    """Station metadata from line 1 of a TMY3 file (no hourly data read).

    Parameters
    ----------
    path : str or Path
        TMY3 CSV (plain or ``.gz``), or ``"pvlib:<NAME>"``.

    Returns
    -------
    dict
        ``station_id`` (USAF), ``station_name``, ``state_abbr``, ``utc_offset_h`` [h],
        ``latitude_deg`` [deg], ``longitude_deg`` [deg], ``elevation_m`` [m].
    """
    p = resolve_weather_path(path)
    with _open_tmy3(p) as fh:
        line = fh.readline()
    parts = [x.strip().strip('"') for x in line.split(",")]
    bad = f"{p}: line 1 is not a TMY3 site header (USAF, name, state, TZ, lat, lon, elev): {line!r}"
    if len(parts) < 7:
        raise DataError(bad)
    try:
        return {"station_id": parts[0], "station_name": parts[1], "state_abbr": parts[2],
                "utc_offset_h": float(parts[3]), "latitude_deg": float(parts[4]), "longitude_deg": float(parts[5]),
                "elevation_m": float(parts[6])}
    except ValueError:
        raise DataError(bad) from None


def load_weather(path: str | Path, *, year: int = TYPICAL_YEAR, use_cache: bool = True) -> pd.DataFrame:
    """Read an hourly typical-year weather file into the canonical weather frame.

    Parameters
    ----------
    path : str or Path
        A TMY3 CSV (plain or ``.gz``; ``"pvlib:<NAME>"`` for pvlib's shipped files), or a CSV
        with a ``time`` column (ISO timestamps with UTC offset) and the canonical columns.
    year : int
        Year the TMY months are coerced to (default 2021, non-leap).
    use_cache : bool
        Serve a TMY3 file parsed before from the layer cache (:mod:`gis_data.cache`, keyed by
        the file's path, size and modification time): parsing is ~0.1 s a station, so a
        national batch over 136 stations spends seconds on it otherwise.

    Returns
    -------
    pandas.DataFrame
        8,760 rows (a CSV keeps its rows), tz-aware hourly index in local standard time;
        columns ``temp_air_degc`` [degC], ``temp_dew_degc`` [degC], ``relative_humidity_pct``
        [%], ``pressure_pa`` [Pa], ``ghi_w_per_m2``/``dni_w_per_m2``/``dhi_w_per_m2`` [W/m2],
        ``wind_speed_m_per_s`` [m/s], plus ``wind_direction_deg`` [deg], ``albedo_frac`` [-],
        ``precipitable_water_cm`` [cm] for TMY3. ``attrs``: ``station`` (header dict) and
        ``source`` (SourceMeta dict).

    References
    ----------
    Wilcox, S. and Marion, W. (2008). Users Manual for TMY3 Data Sets. NREL/TP-581-43156.
    """
    p = resolve_weather_path(path)
    name = p.name.lower()
    if name.endswith((".csv", ".csv.gz")) and not _is_tmy3(p):
        return _load_canonical_csv(p)
    if not use_cache:
        return _read_tmy3(p, year)
    from gis_data import cache

    frame = cache.cached_load(p, "tmy3_weather", _read_tmy3_for_cache, {"year": year})
    out = frame.set_index("time")
    out.attrs = dict(frame.attrs)
    return out


def _read_tmy3_for_cache(path: Path, *, year: int) -> pd.DataFrame:
    """:func:`_read_tmy3` with the time index as a column (the cache stores no index)."""
    out = _read_tmy3(Path(path), year)
    flat = out.reset_index()
    flat.attrs = dict(out.attrs)
    return flat


def _read_tmy3(p: Path, year: int) -> pd.DataFrame:
    from pvlib.iotools import read_tmy3

    try:
        with _open_tmy3(p) as fh:
            data, meta = read_tmy3(fh, map_variables=True, coerce_year=year)
    except (ValueError, KeyError, IndexError) as exc:
        raise DataError(f"{p}: not a readable TMY3 file ({exc}); expected the NREL TMY3 CSV format") from None
    cols = {c: _PVLIB_TO_CANONICAL[c] for c in data.columns if c in _PVLIB_TO_CANONICAL}
    out = data[list(cols)].rename(columns=cols).astype("float64")
    out["pressure_pa"] = out["pressure_pa"] * PA_PER_MBAR  # TMY3 pressure is in mbar
    missing = [c for c in WEATHER_COLUMNS if c not in out.columns]
    if missing:
        raise DataError(f"{p}: TMY3 file lacks {missing}")
    out = out[list(WEATHER_COLUMNS) + [c for c in WEATHER_EXTRA if c in out.columns]]
    if len(out) != 8760:
        raise DataError(f"{p}: a TMY3 file has 8,760 hourly rows, this one has {len(out):,}")
    out.index.name = "time"
    header = read_tmy3_header(p)
    out.attrs["station"] = header
    out.attrs["source"] = SourceMeta(TMY3_NAME, "1991-2005 (TMY3)", "US public data (NREL)", TMY3_ATTRIBUTION,
                                     TMY3_URL).to_dict()
    return out


def _is_tmy3(path: Path) -> bool:
    try:
        read_tmy3_header(path)
        return True
    except DataError:
        return False


def _load_canonical_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path)
    if "time" not in frame.columns:
        raise DataError(f"{path}: a weather CSV needs a 'time' column and {list(WEATHER_COLUMNS)}")
    idx = pd.DatetimeIndex(pd.to_datetime(frame.pop("time")), name="time")
    if idx.tz is None:
        raise DataError(f"{path}: 'time' must carry a UTC offset (e.g. 2021-01-01T01:00-05:00, local standard time)")
    missing = [c for c in WEATHER_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: weather CSV lacks {missing}; expected {list(WEATHER_COLUMNS)}")
    out = frame.set_index(idx).astype("float64")
    out.attrs["station"] = {"station_id": path.stem}
    out.attrs["source"] = SourceMeta(f"weather CSV {path.name}", "unstated", "user data").to_dict()
    return out


# ----------------------------------------------------------------------------- stations


def _detect_stations(path, columns) -> bool:
    return {"file", "latitude", "longitude", "elevation_m"} <= set(columns)


@register_format(
    "tmy3_stations", role="weather_stations", detect=_detect_stations, detail=20,
    description="List of TMY3 station files (file, usaf, station_name, state, latitude, longitude, elevation_m)",
)
def load_tmy3_stations(path, *, vintage: str = "TMY3"):
    """Weather stations from a station list CSV (``stations.csv`` of ``weather_tmy3_selected``).

    Parameters
    ----------
    path : str or Path
        CSV with ``file`` (a TMY3 file name relative to the CSV's folder, an absolute path,
        or ``pvlib:<NAME>``), ``latitude``, ``longitude``, ``elevation_m`` and optionally
        ``usaf``, ``station_name``, ``state``, ``utc_offset_h``.
    vintage : str
        Recorded in the source metadata.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``weather_stations`` points in EPSG:4326 (``path`` is the resolved file
        path) plus ``utc_offset_h`` [h]. Rows whose file is missing are dropped (counted).
    """
    report = LoadReport()
    path = Path(path)
    raw = io.read_table(path, dtype=str, keep_default_na=False)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in ("file", "latitude", "longitude") if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: station list lacks {missing}; it has {list(raw.columns)}")
    report.source_rows = len(raw)
    resolved = []
    for ref in raw["file"]:
        try:
            resolved.append(str(resolve_weather_path(ref, path.parent)))
        except MissingDataError:
            resolved.append(None)
    ok = np.array([r is not None for r in resolved])
    report.drop("station file not found", int((~ok).sum()))
    lat = io.to_number(raw["latitude"]).to_numpy()
    lon = io.to_number(raw["longitude"]).to_numpy()
    good_xy = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    report.drop("latitude/longitude missing or out of range", int((ok & ~good_xy).sum()))
    keep = ok & good_xy
    ident = raw["usaf"] if "usaf" in raw.columns else raw["file"].map(lambda f: Path(str(f)).name)

    def col(name):
        return raw[name] if name in raw.columns else pd.Series([""] * len(raw), index=raw.index)

    out = gpd.GeoDataFrame({
        "station_id": io.clean_text(ident).to_numpy(),
        "station_name": io.clean_text(col("station_name")).to_numpy(),
        "state_abbr": io.clean_text(col("state")).to_numpy(),
        "elevation_m": io.to_number(col("elevation_m")).to_numpy(),
        "path": np.array(resolved, dtype=object),
        "utc_offset_h": io.to_number(col("utc_offset_h")).to_numpy(),
    }, geometry=gpd.points_from_xy(lon, lat), crs=GEOGRAPHIC_CRS).loc[keep]
    src = SourceMeta(TMY3_NAME + " stations", vintage, "US public data (NREL)", TMY3_ATTRIBUTION, TMY3_URL)
    return io.finish(out, "weather_stations", src, report, extra=("utc_offset_h",))


@register_format(
    "tmy3_files", role="weather_stations", detect=io.never_detect, detail=10,  # a folder: never auto-detected
    description="A folder of TMY3 files (*.tmy3, *.tmy3.gz, *TY*.csv); stations read from each file's header",
)
def load_tmy3_folder(path, *, pattern: str | None = None):
    """Weather stations from a folder of TMY3 files, read from each file's header line.

    Parameters
    ----------
    path : str or Path
        Folder holding TMY3 files.
    pattern : str, optional
        Glob of the files (default: ``*.tmy3``, ``*.tmy3.gz`` and ``*.csv``/``*.CSV``
        files whose first line is a TMY3 site header).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``weather_stations`` points in EPSG:4326 plus ``utc_offset_h`` [h].
    """
    folder = Path(path)
    if not folder.is_dir():
        raise MissingDataError(f"{str(folder)!r} is not a folder of TMY3 files")
    report = LoadReport()
    pats = [pattern] if pattern else ["*.tmy3", "*.tmy3.gz", "*.csv", "*.CSV"]
    files = sorted({f for p in pats for f in folder.glob(p)})
    rows = []
    for f in files:
        try:
            rows.append({**read_tmy3_header(f), "path": str(f.resolve())})
        except DataError:
            report.drop("file without a TMY3 site header", 1)
    report.source_rows = len(files)
    if not rows:
        raise MissingDataError(f"no TMY3 files found in {str(folder)!r} (looked for {pats})")
    df = pd.DataFrame(rows)
    out = gpd.GeoDataFrame(df.drop(columns=["latitude_deg", "longitude_deg"]),
                           geometry=gpd.points_from_xy(df["longitude_deg"], df["latitude_deg"]), crs=GEOGRAPHIC_CRS)
    src = SourceMeta(TMY3_NAME + " files", "TMY3", "US public data (NREL)", TMY3_ATTRIBUTION, TMY3_URL)
    return io.finish(out, "weather_stations", src, report, extra=("utc_offset_h",))


def _unit_vectors(lat, lon) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def nearest_stations(lat, lon, stations: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Nearest station to each of many points (vectorised, for batch runs).

    The search runs on a k-d tree of unit vectors (the nearest by chord is the nearest by
    great-circle distance); of the three nearest on the sphere, the one nearest by geodesic
    on the WGS84 ellipsoid (pyproj.Geod) is returned with that distance, which is exact
    anywhere (Alaska and Hawaii included), unlike a planar distance in a projected CRS.

    Parameters
    ----------
    lat, lon : array-like of float
        Site coordinates [deg, WGS84].
    stations : geopandas.GeoDataFrame
        ``weather_stations`` layer (EPSG:4326).

    Returns
    -------
    index : numpy.ndarray of int
        Position (``iloc``) of the nearest station for each point.
    distance_km : numpy.ndarray of float
        Geodesic distance to it [km].
    """
    from pyproj import Geod
    from scipy.spatial import cKDTree

    from models.errors import CRSError

    if stations.crs is None or stations.crs.to_epsg() != 4326:
        raise CRSError(f"stations must be in EPSG:4326 (loaders return it so), got {stations.crs}")
    if len(stations) == 0:
        raise MissingDataError("the weather_stations layer is empty; add station files to the layer set")
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if bad.any():
        i = int(np.argmax(bad))
        raise ConfigError(f"site coordinates lat={lat[i]}, lon={lon[i]} invalid; expected |lat| <= 90, |lon| <= 180")
    sx, sy = stations.geometry.x.to_numpy(), stations.geometry.y.to_numpy()
    tree = cKDTree(_unit_vectors(sy, sx))
    # the sphere and the ellipsoid can order two nearly equidistant stations differently, so the
    # k-d tree proposes the _CANDIDATES nearest on the sphere and the geodesic picks among them
    k = min(_CANDIDATES, len(stations))
    _, cand = tree.query(_unit_vectors(lat, lon), k=k)
    cand = np.asarray(cand, dtype=int).reshape(lat.size, k)
    _, _, d = Geod(ellps="WGS84").inv(np.repeat(lon, k), np.repeat(lat, k), sx[cand.ravel()], sy[cand.ravel()])
    d = np.asarray(d, dtype=float).reshape(lat.size, k)
    best = d.argmin(axis=1)
    rows = np.arange(lat.size)
    return cand[rows, best], d[rows, best] / 1000.0


def nearest_station(lat: float, lon: float, stations: gpd.GeoDataFrame) -> tuple[pd.Series, float]:
    """The weather station nearest to a site.

    Parameters
    ----------
    lat, lon : float
        Site coordinates [deg, WGS84].
    stations : geopandas.GeoDataFrame
        ``weather_stations`` layer (EPSG:4326).

    Returns
    -------
    station : pandas.Series
        The station row.
    distance_km : float
        Geodesic distance from the site [km].
    """
    idx, dist = nearest_stations([lat], [lon], stations)
    return stations.iloc[int(idx[0])], float(dist[0])


def weather_for_site(layers, lat: float, lon: float, *, max_distance_km: float | None = None) -> SiteWeather:
    """Hourly weather of the station nearest to a site, from a layer set.

    Parameters
    ----------
    layers : LayerSet-like
        Anything with ``load("weather_stations")`` (:class:`gis_data.layerset.LayerSet`).
    lat, lon : float
        Site coordinates [deg, WGS84].
    max_distance_km : float, optional
        Refuse stations farther than this [km] (default: no limit; the distance is returned).

    Returns
    -------
    SiteWeather
        ``(weather, station, distance_km)``.
    """
    stations = layers.load("weather_stations")
    station, dist = nearest_station(lat, lon, stations)
    if max_distance_km is not None and dist > max_distance_km:
        raise MissingDataError(
            f"nearest weather station {station['station_name']!r} is {dist:,.0f} km from ({lat}, {lon}), more than "
            f"max_distance_km={max_distance_km:g}; add a closer station file to the layer set"
        )
    log.info("weather for (%.4f, %.4f): station %s %s, %.1f km away", lat, lon, station["station_id"],
             station["station_name"], dist)
    weather = load_weather(station["path"])
    if stations.attrs.get("source", {}).get("synthetic"):
        weather.attrs["station_list_synthetic"] = True
    return SiteWeather(weather, station, dist)


def station_weather(station: pd.Series) -> pd.DataFrame:
    """The hourly weather of a row of a ``weather_stations`` layer (its ``path``, resolved at load).

    Raises
    ------
    MissingDataError, DataError
        When the file is missing or unreadable (the message names it).
    """
    return load_weather(str(station["path"]))
