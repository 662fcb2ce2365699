"""Hand-checkable synthetic layers in canonical form (EPSG:4326), built in EPSG:5070 km offsets.

Site S0 sits at the origin O. Every feature is placed at a round offset from O so the
expected distances are known by hand:

- substation (230 kV max) 3 km east, 4 km north: 5.0 km; a 69 kV substation at 1 km (ignored, < 115 kV)
- 230 kV line north-south 2 km west: 2.0 km; 345 kV line east-west 7 km south: 7.0 km;
  500 kV line north-south 10 km east: 10.0 km
- interstate pipeline ("Transco") north-south 6 km east: 6.0 km;
  intrastate pipeline ("Intra Gas") east-west 1.5 km north: 1.5 km (the nearest pipeline)
- gas storage field 8 km north: 8.0 km
- gas plants on "Intra Gas": 300 MW operating + 100 MW retired (only 300 MW count)
- datacenter 0.5 km west; power plant 8 km north (same point as the storage)
- counties: A = square [-20, 20] km around O (fips 99001, 2015 ozone marginal), B = east of it
- water use: county A withdraws 10 Mgal/d in total, 4 Mgal/d public supply
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon
import shapely

ORIGIN_5070 = (1_500_000.0, 1_500_000.0)  # NAD83 Conus Albers metres, in North Carolina
_TO_4326 = Transformer.from_crs("EPSG:5070", "EPSG:4326", always_xy=True)


def km(dx: float, dy: float) -> tuple[float, float]:
    return ORIGIN_5070[0] + dx * 1000.0, ORIGIN_5070[1] + dy * 1000.0


def to4326(geom):
    return shapely.transform(geom, lambda xy: __import__("numpy").column_stack(_TO_4326.transform(xy[:, 0], xy[:, 1])))


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    return _TO_4326.transform(*km(dx, dy))


def _gdf(data: dict, geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(data, geometry=[to4326(g) for g in geoms], crs="EPSG:4326")


def _square(x0, y0, x1, y1):
    return Polygon([km(x0, y0), km(x1, y0), km(x1, y1), km(x0, y1)])


def frames() -> dict:
    tx = _gdf(
        {
            "line_id": ["L230", "L345", "L500"], "voltage_kv": [230.0, 345.0, float("nan")],
            "volt_class": ["220-287", "345", "500"], "is_dc": [False] * 3, "owner": ["o"] * 3, "status": ["IN SERVICE"] * 3,
        },
        [LineString([km(-2, -50), km(-2, 50)]), LineString([km(-50, -7), km(50, -7)]), LineString([km(10, -50), km(10, 50)])],
    )
    subs = _gdf(
        {
            "substation_id": ["S1", "S2"], "name": ["Big", "Small"], "max_voltage_kv": [230.0, 69.0],
            "min_voltage_kv": [115.0, 12.0], "status": ["IN SERVICE"] * 2, "state_abbr": ["NC"] * 2,
        },
        [Point(km(3, 4)), Point(km(1, 0))],
    )
    pipes = _gdf(
        {"pipeline_id": ["P1", "P2"], "operator": ["Transco", "Intra Gas"], "pipe_type": ["interstate", "intrastate"], "status": ["op"] * 2},
        [LineString([km(6, -50), km(6, 50)]), LineString([km(-50, 1.5), km(50, 1.5)])],
    )
    facilities = _gdf(
        {"facility_id": ["F1"], "name": ["Storage"], "facility_type": ["storage"], "operator": ["X"]}, [Point(km(0, 8))]
    )
    plants = _gdf(
        {
            "plant_id": ["1", "1", "2"], "plant_name": ["Peaker", "Peaker", "Old"], "generator_id": ["1", "2", "1"],
            "capacity_mw": [200.0, 100.0, 100.0], "energy_source": ["NG", "NG", "NG"], "technology": ["CT"] * 3,
            "status": ["OP", "OP", "RE"], "operating_year": [2000.0] * 3, "retirement_year": [float("nan")] * 2 + [2020.0],
            "balancing_authority": ["DUK"] * 3, "gas_pipeline": ["Intra Gas Co", "INTRA GAS COMPANY LLC; OTHER PL", "Intra Gas"], "state_abbr": ["NC"] * 3,
        },
        [Point(km(0, 8))] * 3,
    )
    dcs = _gdf({"datacenter_id": ["D1"], "name": ["DC"], "operator": ["Y"]}, [Point(km(-0.5, 0))])
    counties = _gdf(
        {"county_fips": ["99001", "99002"], "state_fips": ["99"] * 2, "county_name": ["Alpha", "Beta"], "state_abbr": ["NC"] * 2},
        [_square(-20, -20, 20, 20), _square(20, -20, 60, 20)],
    )
    states = _gdf({"state_fips": ["99"], "state_abbr": ["NC"], "state_name": ["Test"]}, [_square(-20, -20, 60, 20)])
    water_use = pd.DataFrame({
        "county_fips": ["99001", "99002"], "population": [1e5, 1e5],
        "withdrawal_total_gal_per_day": [10e6, 50e6], "withdrawal_fresh_gal_per_day": [10e6, 50e6],
        "withdrawal_public_supply_gal_per_day": [4e6, 20e6], "withdrawal_thermoelectric_gal_per_day": [0.0, 0.0],
        "withdrawal_irrigation_gal_per_day": [0.0, 0.0], "withdrawal_industrial_gal_per_day": [0.0, 0.0],
        "withdrawal_ground_gal_per_day": [0.0, 0.0], "withdrawal_surface_gal_per_day": [10e6, 50e6],
    })
    # canonical Green Book history rows, as gis_data.air.load_greenbook_phistory gives them
    nonatt = pd.DataFrame({
        "county_fips": ["99001", "99002"], "pollutant": ["ozone", "ozone"],
        "classification": ["Marginal", "Moderate"], "status": ["whole", "whole"],
        "naaqs": ["8-Hour Ozone (2015)", "8-Hour Ozone (1997)"], "revoked": [False, True],
    })
    return {
        "transmission": tx, "substations": subs, "pipelines": pipes, "gas_facilities": facilities, "plants": plants,
        "datacenters": dcs, "counties": counties, "states": states, "water_use": water_use, "nonattainment": nonatt,
    }


def sites(offsets=((0, 0),)) -> pd.DataFrame:
    """A site table (lat/lon) with one row per (dx, dy) km offset from O."""
    rows = [lonlat(dx, dy) for dx, dy in offsets]
    return pd.DataFrame({
        "site_id": [f"S{i}" for i in range(len(rows))],
        "latitude_deg": [r[1] for r in rows],
        "longitude_deg": [r[0] for r in rows],
    })
