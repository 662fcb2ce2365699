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


def close_matches(name: object, valid: Iterable[str], n: int = 3) -> list[str]:
    """Valid names a mistyped ``name`` probably meant, best first (may be empty).

    A match ignoring case comes first (``"tx"`` -> ``"TX"``), then names that contain the text
    (``"lm6000"`` -> ``"GE LM6000PF"``), then :func:`difflib.get_close_matches` on the
    lower-cased names (``"speed_to_powr"`` -> ``"speed_to_power"``).

    >>> close_matches("lowest_cots", ["lowest_cost", "lowest_water", "speed_to_power"])
    ['lowest_cost']
    """
    import difflib

    text = str(name).strip().lower()
    names = [str(v) for v in valid]
    lower: dict[str, str] = {}
    for v in names:
        lower.setdefault(v.lower(), v)
    if not text:
        return []
    if text in lower:
        return [lower[text]]
    out = [lower[v] for v in lower if len(text) >= 3 and text in v][:n]
    scored = sorted(((difflib.SequenceMatcher(None, text, v).ratio(), v) for v in lower), reverse=True)
    scored = [(r, v) for r, v in scored if r >= 0.6]
    for r, v in scored:  # the best, and the ones nearly as close
        if r >= scored[0][0] - 0.05 and lower[v] not in out:
            out.append(lower[v])
    return out[:n]


def did_you_mean(name: object, valid: Iterable[str]) -> str:
    """``"; did you mean 'X'?"`` (or ``'X' or 'Y'``) for :func:`close_matches`, ``""`` when none is close."""
    hits = close_matches(name, valid)
    if not hits:
        return ""
    return "; did you mean " + " or ".join(repr(h) for h in hits) + "?"


def unknown_name(kind: str, name: object, valid: Iterable[str], *,
                 also_match: Iterable[str] = ()) -> UnknownNameError:
    """Build the error for a registry miss, listing the valid names and the closest ones.

    Parameters
    ----------
    kind : str
        What was looked up, e.g. ``"cooling design"``.
    name : object
        The name received.
    valid : iterable of str
        The names that would have worked.
    also_match : iterable of str
        Other accepted spellings (e.g. state names next to their codes), suggested but not listed.
    """
    valid = [str(v) for v in valid]
    names = ", ".join(sorted(valid))
    hint = did_you_mean(name, [*valid, *(str(v) for v in also_match)])
    return UnknownNameError(f"unknown {kind} {name!r}; expected one of: {names}{hint}")
