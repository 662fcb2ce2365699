"""Air permits: the ozone class the permit model takes, potential to emit, and each site's permit path.

One rule for every path (report, batch designs, API). A county's screened status is an ozone
class (``marginal`` ... ``extreme``), ``attainment``, ``nonattainment`` (an ozone area of
unknown class: the permit screen assumes the strictest class it could have, extreme, and
says so; :func:`models.emissions.permit_path`), or unknown (no county or no layer: screened
as attainment, said in the reason). The potential to emit is taken at the fleet's worst
hour of the weather year (the coldest hour's heat input, every unit at full output all
year; :func:`models.emissions.potential_to_emit`) and reported beside the ISO figure; a
combined cycle above 250 MMBtu/h is a listed PSD source category (100 t/yr).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models import emissions as em


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def nonattainment_class(status) -> str | None:
    """The ozone class the permit model takes from a county's screened status.

    Parameters
    ----------
    status : str or None
        ``nonattainment_status`` of the site table (:func:`siting.criteria.air`).

    Returns
    -------
    str or None
        An ozone class of :data:`models.emissions.OZONE_CLASSES`, ``"nonattainment"`` (ozone
        area of unknown class: the strictest is assumed downstream), or None for attainment
        and an unknown status.
    """
    if _missing(status):
        return None
    cls = em.normalize_ozone_class(status)
    return None if cls == "attainment" else cls


def class_for_offsets(status) -> str | None:
    """The class whose offset ratio and permit time apply (the strictest for an unknown class)."""
    cls = nonattainment_class(status)
    return em.STRICTEST_OZONE_CLASS if cls == em.UNKNOWN_CLASS else cls


def status_note(status) -> str:
    """A clause for the permit reason when the county's status is unknown ("" otherwise)."""
    if _missing(status):
        return "; the county's ozone status is unknown (no county polygon or layer): screened as attainment"
    return ""


def permit_paths(pte_worst, pte_iso, psd_listed, statuses, sources) -> list[em.PermitPath]:
    """Permit path of each site (:func:`models.emissions.permit_path`, memoised on distinct inputs).

    Parameters
    ----------
    pte_worst, pte_iso : array_like
        NOx potential to emit with SCR at the worst hour and at ISO [short tons/yr].
    psd_listed : array_like of bool
        Whether the fleet is a listed PSD source category.
    statuses, sources : sequence
        Each site's screened ozone status and where its class comes from.

    Returns
    -------
    list of models.emissions.PermitPath
    """
    worst = np.atleast_1d(np.asarray(pte_worst, dtype=float))
    iso = np.broadcast_to(np.asarray(pte_iso, dtype=float), worst.shape)
    listed = np.broadcast_to(np.asarray(psd_listed, dtype=bool), worst.shape)
    statuses, sources = list(statuses), list(sources)
    out = []
    memo: dict = {}
    for i in range(worst.size):
        st = statuses[i]
        src = "" if _missing(sources[i]) else str(sources[i])
        key = (float(worst[i]), float(iso[i]), bool(listed[i]), None if _missing(st) else str(st), src)
        if key not in memo:
            p = em.permit_path(key[0], nonattainment_class(st), psd_listed_category=key[2], class_source=src,
                               nox_pte_iso_tons_per_yr=key[1])
            if status_note(st):
                import dataclasses

                p = dataclasses.replace(p, reason=p.reason + status_note(st))
            memo[key] = p
        out.append(memo[key])
    return out
