"""End to end: the demo on the embedded sample, compared column by column with a stored
expectation that only scripts/regen_demo_expected.py regenerates."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from siting.cli import main
from siting.demo import DEMO_FILES, run_demo
from siting.errors import ConfigError
from siting.scenario import Scenario

EXPECTED = Path(__file__).parent / "expected" / "demo_sites.csv"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo"))


def test_demo_writes_every_output(demo):
    for key in DEMO_FILES:
        path = getattr(demo, key)
        assert path.is_file() and path.stat().st_size > 0, key
    assert demo.sites_scored > 50 and demo.sites_failed == 0
    assert Scenario.from_toml(demo.scenario_toml) == Scenario()


def test_demo_is_labelled_synthetic(demo):
    assert "Synthetic sample region" in demo.map_html.read_text(encoding="utf-8")
    assert "Synthetic sample region" in demo.report_html.read_text(encoding="utf-8")


def test_demo_table_matches_stored_expectation(demo):
    got = pd.read_csv(demo.table_csv, keep_default_na=False, na_values=[""])
    want = pd.read_csv(EXPECTED, keep_default_na=False, na_values=[""])
    assert list(got.columns) == list(want.columns), "columns changed: rerun scripts/regen_demo_expected.py if meant"
    assert len(got) == len(want)
    for col in want.columns:
        g, w = got[col], want[col]
        if pd.api.types.is_numeric_dtype(w) and pd.api.types.is_numeric_dtype(g):
            # rtol 1e-6: the same inputs and models; only float summation order may differ by platform
            np.testing.assert_allclose(g.to_numpy(float), w.to_numpy(float), rtol=1e-6, atol=1e-9, equal_nan=True,
                                       err_msg=f"column {col}")
        else:
            assert g.astype(str).tolist() == w.astype(str).tolist(), f"column {col}"


def test_demo_ranking_is_consistent(demo):
    table = gpd.read_file(demo.table_gpkg)
    assert table.crs.to_epsg() == 4326
    ranked = table.sort_values("rank")
    assert ranked["rank"].tolist() == list(range(1, len(table) + 1))
    assert ranked["score_total"].is_monotonic_decreasing
    assert demo.best_site == ranked["name"].iloc[0]
    # every ranked site has its full design; the best one's equals what its report shows (one chain)
    assert (table["design_note"] == "designed").all()
    best = ranked.iloc[0]
    from siting.site import design_at

    power = design_at(best["latitude_deg"], best["longitude_deg"], Scenario(), name=best["name"]).design.power
    assert best["design_gas_units_count"] == power.fleet.units_count
    assert best["design_option"] == power.recommended
    for o in ("gas_only", "renewables_plus_gas", "grid_with_backup", "bridge_to_grid"):
        assert best[f"{o}_lcoe_usd_per_mwh"] == power.option(o).lcoe_usd_per_mwh, o


def test_demo_refuses_to_overwrite(demo):
    with pytest.raises(ConfigError, match="--overwrite"):
        run_demo(demo.out_dir)


def test_demo_cli_json(tmp_path, capsys):
    import json

    assert main(["-q", "demo", "--out", str(tmp_path / "d"), "--json", "--it-load-mw", "300"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert Path(result["report_html"]).is_file()
    assert Scenario.from_toml(result["scenario_toml"]).it_load_mw == 300.0
