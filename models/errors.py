"""The exception hierarchy shared by every package.

One root, :class:`SitingError`; each subclass also inherits the builtin it behaves
like, so ``except ValueError`` in user code keeps working. Messages say what was
received, what was expected, and how to fix it. The hierarchy lives in ``models``
because it is the bottom layer; :mod:`siting.errors` re-exports it.
"""

from __future__ import annotations

from collections.abc import Iterable


class SitingError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(SitingError, ValueError):
    """A scenario, profile, deal or layer-set value is out of range or unknown."""


class DataError(SitingError, ValueError):
    """An input table or layer has missing columns, bad values or bad geometry."""


class CRSError(SitingError, ValueError):
    """A geometry is in the wrong coordinate reference system, or two disagree."""


class MissingDataError(SitingError, FileNotFoundError):
    """A file or layer that a computation needs is not there."""


class UnknownNameError(SitingError, KeyError):
    """A name looked up in a registry (equipment, cooling design, profile...) is unknown."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


def unknown_name(kind: str, name: object, valid: Iterable[str]) -> UnknownNameError:
    """Build the error for a registry miss, listing the valid names.

    Parameters
    ----------
    kind : str
        What was looked up, e.g. ``"cooling design"``.
    name : object
        The name received.
    valid : iterable of str
        The names that would have worked.
    """
    names = ", ".join(sorted(valid))
    return UnknownNameError(f"unknown {kind} {name!r}; expected one of: {names}")
