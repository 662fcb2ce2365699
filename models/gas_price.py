"""Gas priced where the site is: Henry Hub plus the basis of the nearest trading hub.

``catalogs/gas_hubs.csv`` lists trading hubs with coordinates and, where the reference
fact base has one, an annual basis to Henry Hub with its year and source (Waha, West
Texas: -$1.42/MMBtu in 2024). :func:`delivered_gas_price` finds each site's nearest hub
by great-circle distance and prices gas at Henry Hub + that hub's basis. Where the
nearest hub has no basis figure, the scenario's own price is used and the label says so;
an explicit override replaces everything and is labelled as such. The basis is a
commodity price difference: firm transport to the site (reservation charges, the
lateral) is a separate line of the cost stack.

References
----------
.. [1] Sinnott, R. W. (1984). "Virtues of the haversine". *Sky and Telescope* 68(2), 159
   (haversine great-circle distance).
.. [2] Moritz, H. (2000). "Geodetic Reference System 1980". *Journal of Geodesy* 74,
   128-133 (mean Earth radius R1 = 6,371,008.8 m).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from models.catalog import read_catalog
from models.errors import ConfigError

__all__ = ["EARTH_MEAN_RADIUS_KM", "GasHub", "GasPrice", "gas_hubs", "great_circle_km", "delivered_gas_price"]

#: Mean Earth radius R1 of GRS80 [km] (Moritz 2000).
EARTH_MEAN_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class GasHub:
    """A trading hub with its basis to Henry Hub.

    Attributes
    ----------
    hub : str
    latitude_deg, longitude_deg : float
        [deg, WGS84]
    basis_usd_per_mmbtu : float
        Hub price minus Henry Hub, annual average [USD/MMBtu, nominal of ``basis_year``];
        NaN where the reference has no figure.
    basis_year : int or None
    notes, source, source_url : str
    """

    hub: str
    latitude_deg: float
    longitude_deg: float
    basis_usd_per_mmbtu: float
    basis_year: int | None
    notes: str
    source: str
    source_url: str


@functools.cache
def gas_hubs() -> tuple[GasHub, ...]:
    """All hubs in ``catalogs/gas_hubs.csv``, in catalog order."""
    return tuple(
        GasHub(r["hub"], float(r["latitude_deg"]), float(r["longitude_deg"]),
               float(r["basis_usd_per_mmbtu"]) if r["basis_usd_per_mmbtu"] else math.nan,
               int(r["basis_year"]) if r["basis_year"] else None, r["notes"], r["source"], r["source_url"])
        for r in read_catalog("gas_hubs")
    )


def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Great-circle distance on a sphere of the mean Earth radius (haversine, vectorised).

    Parameters
    ----------
    lat1_deg, lon1_deg, lat2_deg, lon2_deg : float or array_like
        [deg]; broadcast together.

    Returns
    -------
    float or numpy.ndarray
        [km]

    References
    ----------
    .. [1] Sinnott (1984), haversine formula.
    """
    p1, p2 = np.radians(lat1_deg), np.radians(lat2_deg)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2_deg, dtype=float) - np.asarray(lon1_deg, dtype=float))
    h = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    d = 2.0 * EARTH_MEAN_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return d[()] if np.ndim(d) == 0 else d


@dataclass(frozen=True)
class GasPrice:
    """Delivered gas price per site and which basis set it.

    Attributes
    ----------
    price_usd_per_mmbtu : numpy.ndarray
        [USD/MMBtu HHV] per site.
    hub : numpy.ndarray of str
        Nearest hub per site.
    hub_distance_km : numpy.ndarray
        [km]
    basis_usd_per_mmbtu : numpy.ndarray
        Basis applied [USD/MMBtu]; NaN where none was (scenario price or override).
    basis_applied : numpy.ndarray of str
        ``"hub_basis"``, ``"scenario_price"`` (nearest hub has no figure) or ``"override"``.
    label : numpy.ndarray of str
        Human-readable line for the cost stack (hub, basis, year, or why the scenario price).
    """

    price_usd_per_mmbtu: np.ndarray
    hub: np.ndarray
    hub_distance_km: np.ndarray
    basis_usd_per_mmbtu: np.ndarray
    basis_applied: np.ndarray
    label: np.ndarray


def delivered_gas_price(latitude_deg, longitude_deg, *, henry_hub_usd_per_mmbtu: float,
                        scenario_price_usd_per_mmbtu: float, override_usd_per_mmbtu: float | None = None,
                        hubs: tuple[GasHub, ...] | None = None, max_hub_distance_km: float | None = None) -> GasPrice:
    """Gas price at sites: Henry Hub plus the nearest hub's basis.

    Parameters
    ----------
    latitude_deg, longitude_deg : float or array_like
        Sites [deg, WGS84].
    henry_hub_usd_per_mmbtu : float
        Henry Hub price the basis is added to [USD/MMBtu].
    scenario_price_usd_per_mmbtu : float
        The scenario's fuel price, used where the nearest hub has no basis figure [USD/MMBtu].
    override_usd_per_mmbtu : float, optional
        An explicit price for every site (the user's own contract) [USD/MMBtu]; labelled ``override``.
    hubs : tuple of GasHub, optional
        Default: :func:`gas_hubs`.
    max_hub_distance_km : float, optional
        A hub's basis applies only to sites within this distance of it [km]; farther sites get
        the scenario price, labelled so (default: no limit).

    Returns
    -------
    GasPrice
        Arrays of one value per site. The basis is the hub's annual average of its stated
        year (nominal); it is added to the given Henry Hub price without conversion.
    """
    lat = np.atleast_1d(np.asarray(latitude_deg, dtype=float))
    lon = np.atleast_1d(np.asarray(longitude_deg, dtype=float))
    lat, lon = np.broadcast_arrays(lat, lon)
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 180) or not np.all(np.isfinite(lat + lon)):
        raise ConfigError("latitude_deg must be in [-90, 90] and longitude_deg in [-180, 180] (finite); got "
                          f"{latitude_deg!r}, {longitude_deg!r}")
    for name, v in (("henry_hub_usd_per_mmbtu", henry_hub_usd_per_mmbtu),
                    ("scenario_price_usd_per_mmbtu", scenario_price_usd_per_mmbtu)):
        if not math.isfinite(float(v)):
            raise ConfigError(f"{name}={v!r}: expected a finite price in USD/MMBtu")
    table = gas_hubs() if hubs is None else hubs
    if not table:
        raise ConfigError("hubs is empty; pass at least one GasHub or use the catalog default")
    hlat = np.array([h.latitude_deg for h in table])
    hlon = np.array([h.longitude_deg for h in table])
    d = great_circle_km(lat[..., None], lon[..., None], hlat, hlon)
    idx = np.argmin(d, axis=-1)
    dist = np.take_along_axis(d, idx[..., None], axis=-1)[..., 0]
    names = np.array([h.hub for h in table], dtype=object)[idx]
    basis = np.array([h.basis_usd_per_mmbtu for h in table])[idx]
    has = np.isfinite(basis)
    too_far = np.zeros(lat.shape, dtype=bool)
    if max_hub_distance_km is not None:
        too_far = has & (dist > float(max_hub_distance_km))
        has = has & ~too_far
    if override_usd_per_mmbtu is not None:
        price = np.full(lat.shape, float(override_usd_per_mmbtu))
        applied = np.full(lat.shape, "override", dtype=object)
        labels = np.full(lat.shape, f"override: {float(override_usd_per_mmbtu):.2f} USD/MMBtu given by the user",
                         dtype=object)
        return GasPrice(price, names, dist, np.full(lat.shape, np.nan), applied, labels)
    price = np.where(has, float(henry_hub_usd_per_mmbtu) + np.where(has, basis, 0.0),
                     float(scenario_price_usd_per_mmbtu))
    applied = np.where(has, "hub_basis", "scenario_price").astype(object)
    labels = np.empty(lat.shape, dtype=object)
    for i in np.ndindex(lat.shape):
        h = table[int(idx[i])]
        if has[i]:
            year = f" ({h.basis_year})" if h.basis_year else ""
            labels[i] = (f"Henry Hub {henry_hub_usd_per_mmbtu:.2f} + {h.hub} basis {h.basis_usd_per_mmbtu:+.2f}"
                         f"{year} USD/MMBtu; nearest hub {dist[i]:.0f} km")
        elif too_far[i]:
            labels[i] = (f"scenario price {scenario_price_usd_per_mmbtu:.2f} USD/MMBtu: the nearest hub with a basis "
                         f"figure, {h.hub}, is {dist[i]:.0f} km away (more than {float(max_hub_distance_km):.0f} km)")
        else:
            labels[i] = (f"scenario price {scenario_price_usd_per_mmbtu:.2f} USD/MMBtu: nearest hub {h.hub} "
                         f"({dist[i]:.0f} km) has no basis figure")
    return GasPrice(price, names, dist, np.where(has, basis, np.nan), applied, labels)
