"""Cited constants of site screening (``models/catalogs/siting_criteria.csv``), by key.

Pipeline cost per mile, the national interconnection-wait median, air-permit thresholds
used as screening scales: each row carries its source and URL like every catalog.
"""

from __future__ import annotations

import functools

from models.errors import unknown_name


@functools.cache
def reference_values() -> dict[str, dict]:
    """Cited constants of the criteria (``models/catalogs/siting_criteria.csv``), by key."""
    from models.catalog import read_catalog

    return {row["key"]: row for row in read_catalog("siting_criteria")}


def reference_value(key: str) -> float:
    """One cited constant; a miss lists the valid keys."""
    refs = reference_values()
    if key not in refs:
        raise unknown_name("siting reference value", key, refs)
    return float(refs[key]["value"])
