"""Pure, vectorized physics and finance for behind-the-meter datacenter power and water.

This package is the bottom layer: it imports numpy, pandas, scipy, pvlib and the
like, but never geopandas, never a file path given by a user and never the network.
Catalogs of real equipment and benchmarks ship in ``models/catalogs`` as CSV files
with a source on every row; :mod:`models.catalog` reads them through
:mod:`importlib.resources`.
"""

from models.errors import (
    ConfigError,
    CRSError,
    DataError,
    MissingDataError,
    SitingError,
    UnknownNameError,
)

__all__ = [
    "SitingError",
    "ConfigError",
    "DataError",
    "CRSError",
    "MissingDataError",
    "UnknownNameError",
]
