"""Air permits: the ozone class the permit model takes and each site's permit path.

One rule for every path (report, batch designs, API): a county's screened status is an
ozone class (``marginal`` ... ``extreme``), ``attainment``, or ``nonattainment`` for a
nonattainment area whose ozone class the layer set does not give (another pollutant, or
an area without a classification in the Green Book history). The permit model takes the
ozone class; the other statuses screen as attainment for NOx, and the permit reason says
which status the county has so the reader sees it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models import emissions as em


def nonattainment_class(status) -> str | None:
    """The ozone class the permit model takes from a county's screened status (None: attainment for NOx).

    Parameters
    ----------
    status : str or None
        ``nonattainment_status`` of the site table (:func:`siting.criteria.air`).

    Returns
    -------
    str or None
        An ozone class of :data:`models.emissions.NONATTAINMENT_CLASSES`, or None for
        attainment, an unknown status and nonattainment without an ozone class.
    """
    if status is None or status is pd.NA or (isinstance(status, float) and math.isnan(status)):
        return None
    text = str(status).strip().lower()
    return text if text in em.NONATTAINMENT_CLASSES and text != "attainment" else None


def status_note(status) -> str:
    """A clause for the permit reason when the status is not an ozone class ("" otherwise)."""
    if status is None or status is pd.NA or (isinstance(status, float) and math.isnan(status)):
        return "; the county's nonattainment status is unknown (no Green Book layer or county): screened as attainment"
    text = str(status).strip().lower()
    if text == "nonattainment":
        return ("; the county is in a nonattainment area without an ozone classification in the layer set (another "
                "pollutant, or an unclassified area): NOx screened as attainment")
    return ""


def permit_paths(nox_pte_tons_per_yr, statuses) -> tuple[np.ndarray, np.ndarray]:
    """Permit path and reason per site (:func:`models.emissions.permit_path`, memoised on distinct inputs).

    Parameters
    ----------
    nox_pte_tons_per_yr : array_like
        NOx potential to emit of each site's fleet [short tons/yr].
    statuses : sequence
        Each site's screened nonattainment status.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``path`` and ``reason`` (object arrays of str).
    """
    pte = np.atleast_1d(np.asarray(nox_pte_tons_per_yr, dtype=float))
    statuses = list(statuses)
    n = pte.size
    path = np.empty(n, dtype=object)
    reason = np.empty(n, dtype=object)
    memo: dict = {}
    for i in range(n):
        st = statuses[i]
        key = (float(pte[i]), None if st is None or st is pd.NA or (isinstance(st, float) and math.isnan(st))
               else str(st).strip().lower())
        if key not in memo:
            p = em.permit_path(key[0], nonattainment_class(st))
            memo[key] = (p.path, p.reason + status_note(st))
        path[i], reason[i] = memo[key]
    return path, reason
