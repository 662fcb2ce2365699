"""Translate a volume of water into familiar equivalents, like for like.

Each benchmark in ``catalogs/water_benchmarks.csv`` (copied from the reference fact base
with its source) carries a *water scope*:

``blue_consumption``
    Surface or ground water used up (evaporated, embodied): SemiAnalysis's In-N-Out and
    Double-Double figures, US datacenters' direct water. Compared with a site's *consumption*.
``withdrawal``
    Water taken from a source, whether or not it returns: households, public supply, golf
    irrigation and almond-orchard irrigation (applied blue water), the Poore & Nemecek milk
    figures. Compared with a site's *withdrawal*.
``blue_green_consumption``
    Includes rain-fed (green) water: alfalfa evapotranspiration, the ~700 gal burger.
``total_footprint``
    Green + blue + grey water footprints: beef, cotton T-shirt, the 1.1-gallon almond.

A datacenter's operational water is blue. A benchmark is only compared with a site figure
of the same scope (blue consumption with blue consumption, withdrawal with withdrawal);
blue-green and total-footprint benchmarks are never like for like with any site figure
(REFERENCES.md caveat 5) and appear only on request, flagged, with the caveat.

Acres of almonds use the applied irrigation water of a mature California orchard at maximum
yield (Goldhamer & Fereres 2017, 1250 mm per season): blue water applied, so compared with the
site's withdrawal, never with the 1.1-gallon-per-nut total footprint. That row is outside the
shared reference set (``in_reference`` is False) and cites its own source.

Golf courses: the catalog has applied water per facility for three GCSAA agronomic regions
(Southwest, Upper West/Mountain, Northeast; 2005 data) and the US total of all golf
facilities (2020). When the caller names the site's GCSAA region, the translator shows that
region's per-facility figure; otherwise it shows the national total and, for a per-course
scale, the per-facility figure of each of the three regions, each labelled with its region,
and says why. The region is not inferred from the site's state: no published list of the states in each GCSAA
region was found (the survey reports show the regions as a map), so no state-to-region table
ships. No national per-facility average is derived either: the catalog has no count of US golf
facilities with a source.

References
----------
Goldhamer, D. A. & Fereres, E. (2017). Establishing an almond water production function for
California using long-term yield response to variable irrigation. *Irrigation Science*.
https://doi.org/10.1007/s00271-016-0528-2
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import pandas as pd

from models.errors import ConfigError, unknown_name

#: Water scopes and what they mean; a site figure and a benchmark are like for like only with equal scopes.
WATER_SCOPES: dict[str, str] = {
    "blue_consumption": "blue water consumed (evaporated or embodied; not returned)",
    "withdrawal": "water withdrawn from a source (part may return)",
    "blue_green_consumption": "blue plus rain-fed green water consumed (evapotranspiration)",
    "total_footprint": "total water footprint: green + blue + grey (pollution dilution)",
}

#: Which site metric each benchmark scope is compared with (None: no like-for-like site figure).
SITE_METRIC_FOR_SCOPE: dict[str, str | None] = {
    "blue_consumption": "consumption",
    "withdrawal": "withdrawal",
    "blue_green_consumption": None,
    "total_footprint": None,
}


@dataclass(frozen=True)
class Benchmark:
    """One familiar water use, with its source.

    Attributes
    ----------
    key : str
        Registry key, e.g. ``"in_n_out_restaurant"``.
    item : str
        The reference's wording.
    gal_per_unit : float
        Water per unit [gal].
    per_unit : str
        What one unit is, e.g. ``"Double-Double burger"``.
    water_scope : str
        One of :data:`WATER_SCOPES`.
    region : str
        Where the figure applies ("" when not regional).
    value : float
        Value as published, in ``unit``.
    unit : str
        Unit as published.
    derivation : str
        How ``gal_per_unit`` follows from ``value`` (or the source's note).
    source, source_url, source_year : str
        Citation.
    in_reference : bool
        True when the row is copied from the shared reference set; False when this catalog
        adds it with its own citation.
    reference_water_type : str
        The source's own wording of the water type (e.g. ``"blue, applied irrigation"``).
    """

    key: str
    item: str
    gal_per_unit: float
    per_unit: str
    water_scope: str
    region: str
    value: float
    unit: str
    derivation: str
    source: str
    source_url: str
    source_year: str
    in_reference: bool = True
    reference_water_type: str = ""


#: Key prefix of the per-facility golf rows that hold for one GCSAA agronomic region.
GOLF_REGIONAL_PREFIX = "golf_facility_"
#: Key of the national golf row (all US golf facilities, applied irrigation).
GOLF_NATIONAL_KEY = "golf_us_all_facilities_2020"
#: What the translator says when it falls back to the national golf figure.
GOLF_REGION_NOT_USED = "regional golf figure not used: no published state list for the GCSAA regions found"
#: Note on the regional per-facility rows shown when the site's region is not known.
GOLF_REGIONS_FOR_SCALE = ("average golf facility of the GCSAA {region} region ({year} report, 2005 data), for a "
                          "per-course scale; the site's own region is not known")


@functools.cache
def benchmarks() -> dict[str, Benchmark]:
    """All benchmarks, by key, in catalog order."""
    from models.catalog import read_catalog

    out: dict[str, Benchmark] = {}
    for row in read_catalog("water_benchmarks"):
        if row["water_scope"] not in WATER_SCOPES:
            raise ConfigError(f"water_benchmarks.csv row {row['key']!r}: unknown water_scope {row['water_scope']!r}")
        out[row["key"]] = Benchmark(
            key=row["key"],
            item=row["item"],
            gal_per_unit=float(row["gal_per_unit"]),
            per_unit=row["per_unit"],
            water_scope=row["water_scope"],
            region=row["region"],
            value=float(row["value"]) if row["value"] else math.nan,
            unit=row["unit"],
            derivation=row["derivation"],
            source=row["source"],
            source_url=row["source_url"],
            source_year=row["source_year"],
            in_reference=row["in_reference"] == "yes",
            reference_water_type=row["reference_water_type"],
        )
    return out


def benchmark(key: str) -> Benchmark:
    """Look up one benchmark; an unknown key lists the valid ones."""
    try:
        return benchmarks()[key]
    except KeyError:
        raise unknown_name("water benchmark", key, benchmarks()) from None


def golf_regions() -> dict[str, Benchmark]:
    """Per-facility golf benchmarks by GCSAA agronomic region name (e.g. ``"Southwest"``)."""
    return {b.region: b for b in benchmarks().values() if b.key.startswith(GOLF_REGIONAL_PREFIX)}


def golf_benchmark(golf_region: str | None = None) -> tuple[Benchmark, str]:
    """The golf benchmark for a site, with a note saying which figure and why.

    Parameters
    ----------
    golf_region : str, optional
        The site's GCSAA agronomic region as the caller knows it (a key of :func:`golf_regions`).
        None: the national figure (no state-to-region list with a source is available to infer it).

    Returns
    -------
    tuple of (Benchmark, str)
        The regional per-facility row or the national total, and the note.

    Raises
    ------
    UnknownNameError
        For a region the catalog has no figure for (the message lists those it has).
    """
    if golf_region is None:
        return benchmark(GOLF_NATIONAL_KEY), f"national golf figure (all US golf facilities, 2020); {GOLF_REGION_NOT_USED}"
    regions = golf_regions()
    if golf_region not in regions:
        raise unknown_name("GCSAA golf region with a per-facility figure", golf_region, regions)
    b = regions[golf_region]
    return b, (f"regional golf figure: GCSAA {golf_region} region, average per facility ({b.source_year} report, "
               "2005 data), region as given by the caller")


def equivalent_count(volume_gal: float, water_scope: str, key: str) -> float:
    """How many units of a benchmark a volume equals, refusing unlike scopes.

    Parameters
    ----------
    volume_gal : float
        Site water volume [gal] (per year when the benchmark is per year).
    water_scope : str
        Scope of ``volume_gal``: ``"blue_consumption"`` or ``"withdrawal"``.
    key : str
        Benchmark key.

    Returns
    -------
    float
        ``volume_gal / gal_per_unit`` [units].

    Raises
    ------
    ConfigError
        When the benchmark's scope differs from ``water_scope`` (not like for like).
    """
    b = benchmark(key)
    if water_scope not in WATER_SCOPES:
        raise unknown_name("water scope", water_scope, WATER_SCOPES)
    if b.water_scope != water_scope:
        raise ConfigError(
            f"benchmark {key!r} is {b.water_scope} ({WATER_SCOPES[b.water_scope]}) but the site figure is "
            f"{water_scope}; compare like with like (REFERENCES.md caveat 5) or use translate(include_other_scopes=True) "
            "to see it flagged"
        )
    return volume_gal / b.gal_per_unit


def translate(
    consumption_gal: float,
    withdrawal_gal: float = math.nan,
    *,
    keys: list[str] | None = None,
    include_other_scopes: bool = False,
    golf_region: str | None = None,
) -> pd.DataFrame:
    """Express a site's water in benchmark units, like for like.

    Parameters
    ----------
    consumption_gal : float
        Site blue-water consumption [gal] (per year for the per-year benchmarks).
    withdrawal_gal : float
        Site withdrawal [gal]; NaN when unknown (withdrawal benchmarks are then skipped).
    keys : list of str, optional
        Benchmarks to use (default: all; golf as :func:`golf_benchmark` chooses, plus the
        regional per-facility rows, labelled, when no region is named).
    include_other_scopes : bool
        Also list blue-green and total-footprint benchmarks against the consumption figure,
        flagged ``like_for_like=False`` with the caveat. Default False.
    golf_region : str, optional
        The site's GCSAA agronomic region, when known (:func:`golf_benchmark`): its per-facility
        figure only. None: the national total and each region's per-facility figure.

    Returns
    -------
    pandas.DataFrame
        One row per benchmark: ``key``, ``per_unit``, ``count`` [units], ``site_metric``
        (``consumption``/``withdrawal``), ``site_gal`` [gal], ``gal_per_unit`` [gal],
        ``water_scope``, ``like_for_like`` [bool], ``caveat``, ``region``, ``source``,
        ``source_url``, ``note`` (which golf figure and why; "" for the others).
    """
    golf, golf_note = golf_benchmark(golf_region)
    if keys is not None:
        chosen = [benchmark(k) for k in keys]
    else:
        chosen = [
            b for b in benchmarks().values()
            if not (b.key.startswith(GOLF_REGIONAL_PREFIX) or b.key == GOLF_NATIONAL_KEY) or b.key == golf.key
            or (golf_region is None and b.key.startswith(GOLF_REGIONAL_PREFIX))
        ]

    def note(b: Benchmark) -> str:
        if b.key == golf.key:
            return golf_note
        if b.key.startswith(GOLF_REGIONAL_PREFIX):
            return GOLF_REGIONS_FOR_SCALE.format(region=b.region, year=b.source_year)
        return ""
    rows = []
    for b in chosen:
        metric = SITE_METRIC_FOR_SCOPE[b.water_scope]
        like = metric is not None
        if not like and not include_other_scopes:
            continue
        site = withdrawal_gal if metric == "withdrawal" else consumption_gal
        if metric is None:
            metric = "consumption"
        if site is None or (isinstance(site, float) and math.isnan(site)):
            continue
        caveat = (
            ""
            if like
            else f"not like for like: the benchmark is {WATER_SCOPES[b.water_scope]}, the site figure is blue water "
            "consumed; shown for context only"
        )
        rows.append(
            {
                "key": b.key,
                "per_unit": b.per_unit,
                "count": site / b.gal_per_unit,
                "site_metric": metric,
                "site_gal": float(site),
                "gal_per_unit": b.gal_per_unit,
                "water_scope": b.water_scope,
                "like_for_like": like,
                "caveat": caveat,
                "region": b.region,
                "source": b.source,
                "source_url": b.source_url,
                "note": note(b),
            }
        )
    cols = ["key", "per_unit", "count", "site_metric", "site_gal", "gal_per_unit", "water_scope", "like_for_like",
            "caveat", "region", "source", "source_url", "note"]
    return pd.DataFrame(rows, columns=cols)
