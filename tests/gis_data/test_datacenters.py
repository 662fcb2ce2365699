"""Datacenter loaders: IM3 atlas, OSM GeoJSON and raw Overpass JSON."""

from __future__ import annotations

import json

import pytest

from gis_data import datacenters, io
from gis_data.canonical import check_canonical
from models.units import M_PER_FT


def test_overpass_json_nodes_ways_and_untagged(tmp_path):
    doc = {"version": 0.6, "osm3s": {"timestamp_osm_base": "2026-05-06T03:25:00Z"}, "elements": [
        {"type": "node", "id": 1, "lat": 32.78, "lon": -96.78, "tags": {"telecom": "data_center", "name": "A"}},
        {"type": "way", "id": 2, "center": {"lat": 30.1, "lon": -95.4}, "tags": {"building": "data_center"}},
        {"type": "way", "id": 3, "tags": {"building": "data_centre"}},  # no center: no location
        {"type": "node", "id": 4, "lat": 30.0, "lon": -95.0, "tags": {"amenity": "cafe"}},
    ]}
    path = tmp_path / "overpass.json"
    path.write_text(json.dumps(doc))
    assert datacenters._detect_overpass(path, io.peek_columns(path))
    out = datacenters.load_overpass_datacenters(path)
    check_canonical(out, "datacenters")
    assert out["datacenter_id"].tolist() == ["node/1", "way/2"]
    assert out.geometry.iloc[1].x == -95.4 and out.geometry.iloc[1].y == 30.1
    assert out.attrs["load_report"]["dropped"] == {"element without a datacenter tag": 1,
                                                   "element without a location (no lat/lon or center)": 1}
    assert out.attrs["source"]["vintage"] == "2026-05-06"


@pytest.mark.shared_data
def test_real_datacenter_layers(shared_data):
    im3 = datacenters.load_im3_atlas(shared_data / "datacenters_us_im3_atlas/im3_datacenter_centroids.geojson")
    osm = datacenters.load_osm_datacenters(shared_data / "datacenters_us_osm/osm_datacenters.geojson.gz")
    raw = datacenters.load_overpass_datacenters(shared_data / "datacenters_us_osm/osm_datacenters_tx_overpass.json")
    assert len(im3) == 1165 and (im3["state_abbr"] == "TX").sum() == 87  # PROVENANCE
    assert im3["footprint_area_km2"].notna().sum() == 1081  # PROVENANCE: sqft filled for 1,081 centroids
    # 1 ft^2 = 0.3048^2 m^2 (NIST SP 811): 1,000,000 ft^2 is 0.0929 km^2.
    assert datacenters._KM2_PER_FT2 * 1e6 == pytest.approx(M_PER_FT**2, rel=1e-12)
    assert osm.attrs["load_report"]["source_rows"] == 1913 and len(raw) == 133  # PROVENANCE
    assert raw["datacenter_id"].str.startswith("way/").sum() == 129  # 129 ways, 4 nodes
    for frame in (im3, osm, raw):
        assert "OpenStreetMap contributors" in frame.attrs["source"]["attribution"]
