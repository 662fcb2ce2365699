"""Site tables on disk: read a candidate table, write a scored one.

Library code (the CLI, the demo and notebooks call it): reading picks the reader by
extension; writing goes to a temporary name renamed into place, so an interrupted write
never leaves a truncated file under the final name, and GeoParquet and CSV output is
byte-for-byte reproducible.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from siting.errors import ConfigError, MissingDataError

#: Extensions a candidate-site table may have.
INPUT_SUFFIXES = (".csv", ".geojson", ".json", ".gpkg", ".parquet", ".geoparquet")
#: Extensions a scored table may be written as.
OUTPUT_SUFFIXES = (".gpkg", ".parquet", ".csv")


def read_sites(path: Path) -> pd.DataFrame:
    """Read a site table by extension (CSV, GeoJSON, GeoPackage, GeoParquet)."""
    path = Path(path)
    if not path.is_file():
        raise MissingDataError(f"site table {str(path)!r} does not exist; give a .csv, .geojson, .gpkg or .parquet file")
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise ConfigError(f"site table {path.name!r}: expected one of {', '.join(INPUT_SUFFIXES)}")
    if suffix == ".csv":
        return pd.read_csv(path)
    if suffix in (".parquet", ".geoparquet"):
        try:
            return gpd.read_parquet(path)
        except ValueError:
            return pd.read_parquet(path)  # plain Parquet with lat/lon columns
    return gpd.read_file(path)


def write_table(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write the scored table by extension; GeoParquet and CSV are byte-for-byte reproducible."""
    suffix = path.suffix.lower()
    frame = frame.copy(deep=False)
    frame.attrs = {}  # the run summary holds a timing; keep it out of the file so the bytes reproduce
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    if suffix == ".csv":
        pd.DataFrame(frame.drop(columns=frame.geometry.name)).to_csv(tmp, index=False, lineterminator="\n")
    elif suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        tmp = tmp.with_suffix(".gpkg")
        frame.to_file(tmp, driver="GPKG", layer="sites")
    tmp.replace(path)
    return path
