"""The site-table schema: units, roles, and row-level validation that loses nothing."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from siting import schema
from siting.errors import DataError, UnknownNameError


def test_every_column_has_unit_role_and_description():
    cols = schema.columns()
    assert {"latitude_deg", "longitude_deg", "score_total", "rank", "error"} <= set(cols)
    for c in cols.values():
        assert c.unit and c.description and c.role in ("input", "output")


def test_unit_suffixes_match_units():
    suffix_unit = {"_km": "km", "_mw": "MW", "_kv": "kV", "_degc": "degC", "_gal_per_yr": "gal/yr",
                   "_gal_per_day": "gal/day", "_pct": "%", "_deg": "deg", "_mwh": "MWh"}
    for c in schema.columns().values():
        for suffix, unit in suffix_unit.items():
            # "_usd_per_mwh" ends in "_mwh" but is a price, not an energy: skip "_per<suffix>"
            if c.name.endswith(suffix) and not c.name.endswith("_per" + suffix):
                assert c.unit == unit, f"{c.name} has unit {c.unit}, its suffix says {unit}"


def test_unknown_column_lists_valid_names():
    with pytest.raises(UnknownNameError) as info:
        schema.column("distance_to_moon_km")
    assert "distance_to_pipeline_km" in str(info.value)


def test_labels_and_formatting():
    from maps.labels import Labels

    labels = Labels.from_records(schema.field_records())
    assert schema.column("distance_to_pipeline_km").label() == "distance_to_pipeline_km [km]"
    assert labels.label("distance_to_pipeline_km") == "distance_to_pipeline_km [km]"
    assert labels.format("distance_to_pipeline_km", 3.14159) == "3.14 km"
    assert labels.format("distance_to_pipeline_km", 1234.5) == "1,234 km"
    assert labels.format("distance_to_pipeline_km", math.nan) == "n/a"
    assert labels.format("no_such_column", 2.5) == "2.5" and labels.label("no_such_column") == "no_such_column"


def test_bad_rows_are_kept_with_reasons():
    raw = pd.DataFrame(
        {
            "name": ["ok", "missing", "swapped", "out", "text", "neg load"],
            "lat": [36.0, None, -97.7, 95.0, "north", 36.1],
            "lon": [-79.8, -79.8, 30.3, -200.0, -79.0, -79.9],
            "it_load_mw": [100, None, 50, 50, 50, -3],
        }
    )
    out = schema.coerce_input_table(raw)
    assert len(out) == len(raw)  # nothing lost
    err = dict(zip(out["name"], out["error"]))
    assert err["ok"] == ""
    assert "missing or unparseable" in err["missing"]
    assert "swapped" in err["swapped"]
    assert "out of range" in err["out"]
    assert "missing or unparseable" in err["text"] and "north" in err["text"]
    assert "it_load_mw=-3" in err["neg load"]
    assert np.isnan(out.loc[out["name"] == "missing", "it_load_mw"]).all()
    assert list(out["site_id"]) == [f"site-{i:07d}" for i in range(1, 7)]
    assert "latitude_deg" not in raw.columns  # input not mutated


def test_missing_coordinate_columns_is_a_clear_error():
    with pytest.raises(DataError, match="no latitude column"):
        schema.coerce_input_table(pd.DataFrame({"x1": [1.0]}))


def test_duplicate_site_ids_are_kept_and_flagged():
    # a repeated id stops nothing: the first row keeps it, the repeat is kept with the reason (issue 13)
    out = schema.coerce_input_table(pd.DataFrame({"site_id": ["a", "a", "b"], "lat": [1, 2, 3], "lon": [3, 4, 5]}))
    assert list(out["site_id"]) == ["a", "a", "b"]
    assert out["error"].tolist()[0] == "" and out["error"].tolist()[2] == ""
    assert "repeats the id of row 1" in out["error"].iloc[1]
