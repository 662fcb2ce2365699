"""Balancing authorities (incl. ISO/RTO footprints) and NERC regions (HIFLD).

Formats:

``hifld_control_areas``
    HIFLD *Control Areas* (Western Power Pool repackaging: ``name, state, tot_cap,
    peak_ld, min_ld, avail_cap, year``). The layer has no BA code; ``ba_code`` is filled
    for the seven ISOs/RTOs and TVA from :data:`ISO_BA_CODES` (EIA-930 codes, the codes
    EIA-860 uses in its ``ba_code`` column) and is missing for the other areas.
``hifld_nerc_regions``
    HIFLD *NERC Regions* (``code, sub_nm, region``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis_data import io
from gis_data.canonical import LoadReport, SourceMeta
from gis_data.formats import register_format

PUBLIC_DOMAIN = "public domain (US federal data, 17 U.S.C. 105)"
HIFLD_ATTRIBUTION = "HIFLD / DHS CISA"

#: EIA-930 balancing-authority codes of the ISOs/RTOs and TVA, keyed by the start of the
#: HIFLD control-area NAME. Source: EIA, "Hourly Electric Grid Monitor" (EIA-930)
#: balancing authority list, https://www.eia.gov/electricity/gridmonitor/about .
ISO_BA_CODES: dict[str, str] = {
    "ELECTRIC RELIABILITY COUNCIL OF TEXAS": "ERCO",
    "PJM INTERCONNECTION": "PJM",
    "MIDCONTINENT INDEPENDENT TRANSMISSION SYSTEM OPERATOR": "MISO",
    "SOUTHWEST POWER POOL": "SWPP",
    "CALIFORNIA INDEPENDENT SYSTEM OPERATOR": "CISO",
    "NEW YORK INDEPENDENT SYSTEM OPERATOR": "NYIS",
    "ISO NEW ENGLAND": "ISNE",
    "TENNESSEE VALLEY AUTHORITY": "TVA",
}
#: Which of :data:`ISO_BA_CODES` are ISOs/RTOs (organised markets); TVA is not.
ISO_RTO_CODES = frozenset({"ERCO", "PJM", "MISO", "SWPP", "CISO", "NYIS", "ISNE"})


def ba_code_from_name(names) -> pd.Series:
    """EIA-930 code for a HIFLD control-area name of an ISO/RTO or TVA; missing otherwise."""
    upper = pd.Series(names).astype("string").str.upper().str.strip()

    def code(name):
        if not isinstance(name, str):
            return np.nan
        for prefix, c in ISO_BA_CODES.items():
            if name.startswith(prefix):
                return c
        return np.nan

    return upper.map(code).astype("str")


def _col(raw, name):
    return raw[name] if name in raw.columns else pd.Series(np.nan, index=raw.index, dtype="object")


def _detect_control_areas(path, columns) -> bool:
    return all(c in columns for c in ("name", "peak_ld", "tot_cap"))


@register_format(
    "hifld_control_areas", role="balancing_authorities", detect=_detect_control_areas, detail=20,
    description="HIFLD Control Areas (balancing authorities incl. ISO/RTO footprints), WPP repackaging",
)
def load_hifld_control_areas(path, *, vintage: str = "2020 (reporting year)"):
    """HIFLD Control Areas: balancing-authority polygons, including ISO/RTO footprints.

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``).
    vintage : str
        Reporting year of the attributes.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``balancing_authorities`` columns (``ba_code`` for ISOs/RTOs and TVA,
        see :data:`ISO_BA_CODES`) plus ``is_iso_rto``, ``peak_load_mw`` [MW],
        ``total_capacity_mw`` [MW], EPSG:4326. GeometryCollections keep their polygon parts.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="polygon"))
    io.require_columns(raw, ["name"], path, "hifld_control_areas")
    collections = raw.geometry.geom_type.eq("GeometryCollection").to_numpy()
    if collections.any():
        geom = raw.geometry.copy()
        geom[collections] = [io._polygon_parts(g) for g in raw.geometry[collections]]
        raw = raw.set_geometry(geom)
        report.repair("GeometryCollection reduced to its polygons", int(collections.sum()))
    code = ba_code_from_name(raw["name"]).set_axis(raw.index)
    out = raw.assign(
        ba_code=code,
        ba_name=io.clean_text(raw["name"]),
        is_iso_rto=code.isin(list(ISO_RTO_CODES)).to_numpy(),
        peak_load_mw=io.to_number(_col(raw, "peak_ld")),
        total_capacity_mw=io.to_number(_col(raw, "tot_cap")),
    )
    src = SourceMeta("HIFLD Control Areas (Western Power Pool TransmissionMap)", vintage, PUBLIC_DOMAIN,
                     HIFLD_ATTRIBUTION, "https://github.com/BenHutchinsWPP/TransmissionMap")
    return io.finish(out, "balancing_authorities", src, report,
                     extra=("is_iso_rto", "peak_load_mw", "total_capacity_mw"))


def _detect_nerc(path, columns) -> bool:
    return all(c in columns for c in ("code", "sub_nm", "region"))


@register_format(
    "hifld_nerc_regions", role="nerc_regions", detect=_detect_nerc, detail=20,
    description="HIFLD NERC Regions with sub-regions (code, sub_nm, region), WPP repackaging",
)
def load_hifld_nerc_regions(path, *, vintage: str = "unstated"):
    """HIFLD NERC regions (one polygon per region/sub-region).

    Parameters
    ----------
    path : str or Path
        GeoJSON (plain or ``.gz``).
    vintage : str
        HIFLD vintage.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical ``nerc_regions`` columns (``nerc_region`` e.g. "TRE", ``name`` the
        region's full name) plus ``subregion`` (e.g. "ERCOT"), EPSG:4326.
    """
    report = LoadReport()
    raw = io.lower_columns(io.read_clean(path, report, kind="polygon"))
    io.require_columns(raw, ["code", "sub_nm", "region"], path, "hifld_nerc_regions")
    out = raw.assign(
        nerc_region=io.clean_text(raw["code"]),
        name=io.clean_text(raw["region"]),
        subregion=io.clean_text(raw["sub_nm"]),
    )
    src = SourceMeta("HIFLD NERC Regions (Western Power Pool TransmissionMap)", vintage, PUBLIC_DOMAIN,
                     HIFLD_ATTRIBUTION, "https://github.com/BenHutchinsWPP/TransmissionMap")
    return io.finish(out, "nerc_regions", src, report, extra=("subregion",))


# Earlier names of these formats, kept so existing layer-set files still load. An alias never
# detects a file (scan_directory reports the canonical name only).
register_format("hifld_control_areas_wpp", role="balancing_authorities", detect=io.never_detect,
                description="alias of hifld_control_areas")(load_hifld_control_areas)
register_format("hifld_nerc_regions_wpp", role="nerc_regions", detect=io.never_detect,
                description="alias of hifld_nerc_regions")(load_hifld_nerc_regions)
