"""The golf benchmark of a site: its region's when named; otherwise the national total and each region's average course, saying why."""

import json

import numpy as np
import pandas as pd
import pytest

from models import benchmarks as bm
from siting import water_budget as sw
from siting.cli import main
from siting.scenario import Scenario


def _year():
    from gis_data.weather import load_weather

    return load_weather("pvlib:723170TYA.CSV")  # real Greensboro TMY3 (pvlib ships it)


def test_site_gets_national_golf_figure_and_the_note():
    r = sw.site_water(_year(), Scenario(cooling="evaporative"))
    golf = r.benchmarks[r.benchmarks["key"].str.startswith("golf")]
    assert set(golf["key"]) == {bm.GOLF_NATIONAL_KEY} | {b.key for b in bm.golf_regions().values()}
    assert (golf["site_metric"] == "withdrawal").all()
    # like for like: applied golf water (a withdrawal) against the site's on-site withdrawal
    row = golf.set_index("key").loc[bm.GOLF_NATIONAL_KEY]
    assert row["site_metric"] == "withdrawal"
    assert row["count"] == pytest.approx(r.cooling.water_withdrawal_gal_per_yr / 547e9, rel=1e-12)
    assert any(bm.GOLF_REGION_NOT_USED in n for n in r.notes)


def test_site_in_a_named_region_gets_that_regions_figure():
    r = sw.site_water(_year(), Scenario(cooling="evaporative"), golf_region="Upper West/Mountain")
    golf = r.benchmarks[r.benchmarks["key"].str.startswith("golf")].iloc[0]
    assert golf["key"] == "golf_facility_upper_west_mountain"
    # GCSAA GCEP (2005 data): 97.9 million gal per facility per year
    assert golf["count"] == pytest.approx(r.cooling.water_withdrawal_gal_per_yr / 97.9e6, rel=1e-12)
    assert golf["site_metric"] == "withdrawal"
    assert not any(bm.GOLF_REGION_NOT_USED in n for n in r.notes)


def test_reference_example_golf_line(capsys):
    # The published-WUE example has no withdrawal figure, so no golf line (never golf against consumption).
    r = sw.run_example("semianalysis_colossus2")
    assert not r.benchmarks["key"].str.startswith("golf").any()
    assert main(["water", "--weather", "pvlib:723170TYA.CSV", "--golf-region", "Northeast", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = [b["key"] for b in out["benchmarks"]]
    assert "golf_facility_northeast" in keys and bm.GOLF_NATIONAL_KEY not in keys
