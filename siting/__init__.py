"""Datacenter power and water siting planner: data model, criteria, scoring, batch, CLI.

The public Python API is re-exported here as it lands; see README, "Python API".
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("datacenter-siting")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from siting.scenario import Scenario  # noqa: E402

__all__ = ["Scenario", "__version__"]
