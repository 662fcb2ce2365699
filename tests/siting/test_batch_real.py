"""A batch run on the real national layers of ../shared/data (skipped when absent).

Expected values are independent facts: Census county GEOIDs of well-known places, the
balancing authority whose footprint holds them, and EPA Green Book designations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from siting.batch import batch_summary, score_sites

SITES = pd.DataFrame({
    "name": ["Abilene TX", "Memphis TN", "Ashburn VA", "Phoenix AZ", "Atlantic Ocean"],
    "lat": [32.50, 35.06, 39.04, 33.45, 35.0],
    "lon": [-99.78, -90.15, -77.49, -112.07, -70.0],
})


@pytest.fixture(scope="module")
def real_layers(shared_data):
    from gis_data.layerset import scan_directory

    return scan_directory(shared_data)


@pytest.mark.shared_data
@pytest.mark.slow
def test_real_layers_run(real_layers):
    out = score_sites(SITES, real_layers, progress=False).set_index("name")
    # Census 2018 GEOIDs: Taylor County TX 48441, Shelby County TN 47157, Loudoun County VA 51107, Maricopa AZ 04013
    assert out.loc[["Abilene TX", "Memphis TN", "Ashburn VA", "Phoenix AZ"], "county_fips"].tolist() == [
        "48441", "47157", "51107", "04013"]
    # HIFLD control areas: ERCOT holds Abilene, TVA Memphis, PJM Ashburn
    assert out.loc["Abilene TX", "balancing_authority"] == "ERCO"
    assert out.loc["Memphis TN", "balancing_authority"] == "TVA"
    assert out.loc["Ashburn VA", "balancing_authority"] == "PJM"
    # EPA Green Book: Maricopa (Phoenix-Mesa) and Loudoun (Washington DC-MD-VA) are in ozone nonattainment
    assert out.loc["Phoenix AZ", "nonattainment_status"] != "attainment"
    assert out.loc["Ashburn VA", "nonattainment_status"] != "attainment"
    assert out.loc["Phoenix AZ", "score_air"] < out.loc["Memphis TN", "score_air"]
    # every scored site is within 20 km of a >= 115 kV substation and 10 km of a gas pipeline in these metros
    ok = out[out["error"] == ""]
    assert len(ok) == 4
    assert (ok["distance_to_substation_km"] < 20).all() and (ok["distance_to_pipeline_km"] < 10).all()
    assert ok["score_total"].between(0, 1).all() and sorted(ok["rank"].tolist()) == [1, 2, 3, 4]
    assert (ok["pipeline_served_gas_capacity_mw"] >= 0).all()
    assert ok["hot_hour_temp_air_degc"].between(25, 50).all()  # TMY3 hottest hours of US stations
    assert "outside" in out.loc["Atlantic Ocean", "error"]
    s = batch_summary(out.reset_index())
    assert (s.scored, s.errors, s.synthetic_layers) == (4, 1, False)
    assert np.isfinite(ok["gas_lateral_cost_usd"]).all()
