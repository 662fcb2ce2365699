"""CLI basics: help, version, verbosity flags, errors as exit codes (in-process)."""

from __future__ import annotations

import pytest

from siting import __version__
from siting.cli import COMMAND_MODULES, build_parser, main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) >= {"demo"}
    for name in sub.choices:
        assert name in out
    assert len(COMMAND_MODULES) == len(set(COMMAND_MODULES))


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage: siting" in capsys.readouterr().out


def test_demo_help_shows_scenario_options_with_units(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    out = capsys.readouterr().out
    assert "--it-load-mw MW" in out and "--cooling" in out and "hybrid" in out


def test_bad_scenario_value_is_a_clean_error(capsys, tmp_path):
    code = main(["-q", "demo", "--out", str(tmp_path / "o"), "--pue", "0.5"])
    assert code == 2
    assert "pue=0.5: expected >= 1.0" in capsys.readouterr().err
