"""Loaders for real public layers, returning canonical GeoDataFrames in EPSG:4326.

Each loader reads one source format, renames its fields to the canonical columns of
:mod:`gis_data.canonical` (units in the names), records what it dropped or repaired,
and attaches source metadata (name, vintage, license, attribution). A *layer set*
maps layer roles to files; the embedded synthetic sample region is one.
"""
