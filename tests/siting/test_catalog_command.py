"""``siting catalog`` in-process: text table with units and JSON rows with sources."""

import json

from siting.cli import main


def test_catalog_text_lists_units_and_the_default_unit(capsys):
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    assert "GE LM6000PF" in out and "[MW]" in out and "[Btu/kWh LHV]" in out


def test_catalog_json_rows_cite_sources(capsys):
    assert main(["catalog", "--kind", "costs", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["key"] for r in rows} >= {"gas_ct", "upv", "battery_4h"}
    assert all(r["source_url"] for r in rows)
