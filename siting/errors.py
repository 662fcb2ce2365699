"""Re-export of the project's exception hierarchy (defined in :mod:`models.errors`)."""

from models.errors import (
    ConfigError,
    CRSError,
    DataError,
    MissingDataError,
    SitingError,
    UnknownNameError,
    close_matches,
    did_you_mean,
    unknown_name,
)

__all__ = [
    "SitingError",
    "ConfigError",
    "DataError",
    "CRSError",
    "MissingDataError",
    "UnknownNameError",
    "unknown_name",
    "close_matches",
    "did_you_mean",
]
