"""A CLI that helps (issue 15 item 4): it says when the default synthetic sample is in use and the
place asked about is not in it; it suggests the name meant for a mistyped subcommand, flag,
choice, state, profile or prime mover; it shows progress while layers load and per site;
`siting plants` filters by size and shows no placeholder as a pipeline name."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from models.errors import close_matches, unknown_name
from siting.cli import main


@pytest.mark.parametrize("argv, expected", [
    (["scor", "x.csv"], "did you mean 'score'?"),
    (["data", "scann", "d"], "did you mean 'scan'?"),
    (["score", "x.csv", "--out", "y.gpkg", "--engine", "dsk"], "did you mean 'dask'?"),
    (["score", "x.csv", "--out", "y.gpkg", "--it-lod-mw", "5"], "did you mean --it-load-mw for --it-lod-mw?"),
    (["plants", "--lat", "36", "--lon", "-80", "--radius", "5", "--min-wm", "5"], "did you mean --min-mw for --min-wm?"),
])
def test_argparse_suggests_the_name_meant(argv, expected, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert expected in capsys.readouterr().err


def test_registry_misses_suggest_the_name_meant(tmp_path, capsys):
    # profiles, prime movers and scenario choices go through one rule (models.errors.close_matches)
    assert main(["score", "x.csv", "--out", str(tmp_path / "y.gpkg"), "--profile", "lowest_cots"]) == 2
    assert "did you mean 'lowest_cost'?" in capsys.readouterr().err
    assert main(["report", "--lat", "36.05", "--lon", "-79.85", "--out", str(tmp_path / "r.html"),
                 "--prime-mover", "lm6000"]) == 2
    assert "did you mean 'GE LM6000PF'?" in capsys.readouterr().err
    assert main(["report", "--lat", "36.05", "--lon", "-79.85", "--out", str(tmp_path / "r.html"),
                 "--cooling", "hybird"]) == 2
    assert "did you mean 'hybrid'?" in capsys.readouterr().err


def test_close_matches_rules():
    assert close_matches("tx", ["TX", "NC"]) == ["TX"]  # case
    assert close_matches("lm6000", ["GE LM6000PF", "GE LM2500XPRESS"]) == ["GE LM6000PF"]  # contained
    assert close_matches("Texs", ["TX", "NC", "Texas", "North Carolina"])[0] == "Texas"  # close spelling
    assert close_matches("sea", ["hybrid", "dry"]) == []  # nothing close: no guess
    text = str(unknown_name("state", "Texs", ["TX", "NC"], also_match=["Texas", "North Carolina"]))
    assert text == "unknown state 'Texs'; expected one of: NC, TX; did you mean 'Texas'?"


def test_subcommand_takes_quiet_and_verbose_after_it(tmp_path, capsys):
    assert main(["plants", "--lat", "36.05", "--lon", "-79.85", "-q"]) == 0
    assert "Sample Peaker" in capsys.readouterr().out


def test_default_sample_outside_says_so(tmp_path, capsys):
    assert main(["candidates", "--state", "TX", "--spacing-km", "50", "--out", str(tmp_path / "c.gpkg")]) == 2
    err = capsys.readouterr().err
    assert "synthetic North Carolina sample" in err and "--layers layers.toml" in err and "for Texas" in err
    assert main(["report", "--lat", "32.45", "--lon", "-99.78", "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "synthetic North Carolina sample" in err and "32.4500° N, 99.7800° W" in err
    assert not (tmp_path / "r.html").exists()
    assert main(["plants", "--lat", "32.45", "--lon", "-99.78"]) == 0
    assert "note: the default layers are the synthetic North Carolina sample" in capsys.readouterr().out
    # a table with one Texas site: scored rows stay, the run says why one is not
    pd.DataFrame({"lat": [32.45, 36.05], "lon": [-99.78, -79.85]}).to_csv(tmp_path / "s.csv", index=False)
    assert main(["score", str(tmp_path / "s.csv"), "--out", str(tmp_path / "s_out.csv"), "--no-map", "--json",
                 "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "1 of 2 sites are outside the default layers" in json.loads(captured.out)["note"]
    assert "synthetic North Carolina sample" in captured.err
    # inside the sample, or with --layers given, nothing is said
    assert main(["candidates", "--state", "NC", "--spacing-km", "20", "--out", str(tmp_path / "nc.gpkg")]) == 0
    assert "synthetic" not in capsys.readouterr().err


def test_plants_min_mw_and_pipeline_names(capsys):
    assert main(["plants", "--lat", "36.05", "--lon", "-79.85", "--radius-km", "80", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert main(["plants", "--lat", "36.05", "--lon", "-79.85", "--radius-km", "80", "--json", "--min-mw", "400"]) == 0
    big = json.loads(capsys.readouterr().out)
    assert {r["plant_name"] for r in big} == {r["plant_name"] for r in every if r["capacity_mw"] >= 400} != set()
    assert len(big) < len(every)
    assert main(["plants", "--lat", "36.05", "--lon", "-79.85", "--min-mw", "-1"]) == 2


def test_eia_placeholders_are_not_pipeline_names():
    from gis_data.plants import clean_pipeline_names

    got = clean_pipeline_names(["for plant that receive natural gas only", "- For plants that receive natural gas only",
                                "(for plant that receive natural gas only)", "N/A This generator is located at a "
                                "natural gas plant", "No connection to any NG pipelines", "16a. None. We only use "
                                "natural gas for startup.", "NONE", "Transco; N/A", "Northern Natural Gas",
                                "NOVA Gas Transmission", None])
    assert got.tolist()[:7] == [np.nan] * 7 or all(pd.isna(v) for v in got.tolist()[:7])
    assert got.tolist()[7:10] == ["Transco", "Northern Natural Gas", "NOVA Gas Transmission"]
    assert pd.isna(got.iloc[10])


def test_progress_counts_layers_and_sites_not_chunks(monkeypatch, capsys):
    """The bars go to stderr: one while layers load, one per site; splitting a chunk for the bar changes nothing."""
    from gis_data.layerset import LayerSet
    from siting import batch

    rng = np.random.default_rng(4)
    sites = pd.DataFrame({"lat": rng.uniform(35.7, 36.5, 60), "lon": rng.uniform(-80.5, -79.3, 60)})
    layers = LayerSet.sample()
    quiet = batch.score_sites(sites, layers, progress=False)
    capsys.readouterr()
    monkeypatch.setattr(batch, "PROGRESS_MIN_SITES", 7)  # a 60-site chunk in 20 steps of 3 -> steps of 7
    shown = batch.score_sites(sites, layers, progress=True)
    err = capsys.readouterr().err
    assert "loading layers" in err and "scoring sites" in err
    assert "60/60" in err and "chunk" not in err
    pd.testing.assert_frame_equal(shown.drop(columns="geometry"), quiet.drop(columns="geometry"))
    # the bar moves every 7 sites here (every few hundred in a real run), not once per chunk
    steps = []
    table = batch.prepare_sites(sites)
    prepared = batch.PreparedLayers(layers)
    from siting.profiles import load_profile
    from siting.scenario import Scenario

    runs = list(batch._run_local(table, [np.arange(60)], [0], prepared, Scenario(), load_profile("speed_to_power"),
                                 True, on_sites=steps.append))
    assert steps == [7] * 8 + [4] and len(runs) == 1 and len(runs[0][1]) == 60
