"""Power-plant loaders: EIA-860 generators, HIFLD Texas plants (GeoJSON and raw JSON), OSM power=plant."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from gis_data import io, plants
from gis_data.canonical import check_canonical


def test_osm_capacity_parsing_hand_table():
    mw = plants.osm_capacity_mw(["1200 MW", "50 kW", "1.2 GW", "yes", None, "7,5 MW"])
    np.testing.assert_allclose(mw.to_numpy(), [1200.0, 0.05, 1200.0, np.nan, np.nan, 7.5])


def test_osm_plants_geojson(tmp_path):
    frame = gpd.GeoDataFrame({
        "@id": ["way/10", "node/11"], "power": ["plant", "generator"],
        "plant:source": ["gas", None], "plant:output:electricity": ["1200 MW", None],
        "name": ["Big CCGT", None], "operator": ["GenCo", None], "start_date": ["2003-06", None],
    }, geometry=[box(-95.0, 29.0, -94.99, 29.01), Point(-95.1, 29.1)], crs="EPSG:4326")
    path = tmp_path / "osm_plants.geojson"
    frame.to_file(path, driver="GeoJSON")
    assert plants._detect_osm_plants(path, io.peek_columns(path)) is False  # 1 of 2 is a plant: not > 50 %
    out = plants.load_osm_plants(path)
    check_canonical(out, "plants")
    assert out["plant_id"].tolist() == ["way/10"] and out["capacity_mw"].iloc[0] == 1200.0
    assert out["operating_year"].iloc[0] == 2003.0 and out["energy_source"].iloc[0] == "gas"
    assert out.attrs["load_report"]["dropped"] == {"power tag is not plant": 1}
    assert out.attrs["load_report"]["repaired"] == {"area or way reduced to a representative point": 1}


def test_hifld_tx_json_missing_coordinates(tmp_path):
    doc = {"fetched_iso": "2026-04-26T22:46:35Z", "plants": [
        {"id": "1", "name": "A", "utility": "U", "fuel": "gas", "tech": "CC", "capacity_MW": 500,
         "per_fuel_MW": {"gas": 500}, "lat": 30.0, "lon": -97.0, "period": 202502},
        {"id": "2", "name": "B", "utility": "U", "fuel": "wind", "tech": "WT", "capacity_MW": 200,
         "per_fuel_MW": {"wind": 200}, "lat": None, "lon": None, "period": 202502},
    ]}
    path = tmp_path / "plants.json"
    path.write_text(json.dumps(doc))
    assert plants._detect_hifld_tx_json(path, io.peek_columns(path))
    out = plants.load_hifld_plants_tx_json(path)
    assert len(out) == 1 and out.attrs["load_report"]["dropped"] == {"missing lat/lon": 1}
    assert out.attrs["source"]["vintage"] == "2026-04-26"
    assert json.loads(out["per_fuel_mw"].iloc[0]) == {"gas": 500}


@pytest.mark.shared_data
def test_eia860_counts_and_fields(shared_data):
    out = plants.load_eia860_generators(shared_data / "power_plants_us_eia860/eia_generators.geojson.gz")
    check_canonical(out, "plants")
    rep = out.attrs["load_report"]
    # PROVENANCE: 34,336 generator rows of which 2 lack geometry; 16,377 distinct plants; TX 3,236.
    assert rep["source_rows"] == 34336 and rep["dropped"] == {"missing or empty geometry": 2}
    assert out["plant_id"].nunique() == pytest.approx(16377, abs=2)
    assert (out["state_abbr"] == "TX").sum() == pytest.approx(3236, abs=2)
    assert out["generator_id"].is_unique
    assert (out["gen_status"] == "retired").sum() == 4781  # PROVENANCE gen_status counts


@pytest.mark.shared_data
def test_gas_plant_lies_near_the_pipeline_eia860_names(shared_data):
    """EIA-860 names the pipeline serving each gas plant; that operator's line must pass close by.

    Checked by hand: Handley (Fort Worth, EIA plant 3491) is served by "ENERGY TRANSFER FUEL LP"; the
    nearest Energy Transfer line in the EIA/HIFLD pipeline layer is 0.76 km away. Colorado Bend II
    (Wharton County) is served by "GULF SOUTH PIPELINE COMPANY LP"; the nearest Gulf South line is
    2.5 km away. A 5 km bound allows for plant coordinates at the plant's centroid and pipeline
    geometry generalisation.
    """
    gens = io.to_metric(plants.load_eia860_generators(shared_data / "power_plants_us_eia860/eia_generators.geojson.gz"))
    from gis_data import gas

    pipes = io.to_metric(gas.load_hifld_natgas_pipelines_wpp(
        shared_data / "natural_gas_pipelines_us_hifld/hifld-natgas-lines.zip"))
    for plant, served_by, operator_pattern in [
        ("Handley", "ENERGY TRANSFER FUEL LP", "Energy Transfer"),
        ("Colorado Bend II", "GULF SOUTH PIPELINE COMPANY LP", "Gulf South"),
    ]:
        rows = gens[(gens["plant_name"] == plant) & (gens["energy_source"] == "NG")]
        assert served_by in rows["gas_pipeline"].iloc[0]
        lines = pipes[pipes["operator"].str.contains(operator_pattern, case=False, na=False)]
        distance_km = lines.distance(rows.geometry.iloc[0]).min() / 1000.0
        assert distance_km < 5.0, (plant, distance_km)


@pytest.mark.shared_data
def test_hifld_texas_plants_both_files_agree(shared_data):
    a = plants.load_hifld_plants_tx(shared_data / "power_plants_tx_hifld/plants.geojson")
    b = plants.load_hifld_plants_tx_json(shared_data / "power_plants_tx_hifld/plants.json")
    assert len(a) == len(b) == 537  # PROVENANCE
    parish = a[a["plant_name"] == "W A Parish"]
    assert parish["capacity_mw"].iloc[0] == 3632.0  # the file's capacity_MW for EIA plant 3470
    np.testing.assert_allclose(a.geometry.x, b.geometry.x, atol=1e-9)  # same points, two encodings
