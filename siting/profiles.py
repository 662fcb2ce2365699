"""Scoring profiles: weights, scales, hard constraints and setbacks, from TOML.

A profile says what a developer cares about (speed to power, lowest cost, lowest water,
lowest carbon). The shipped ones live in ``siting/profiles/<name>.toml``; a user file
with the same keys works too. Unknown keys are rejected with the list of valid ones, so
a typo never silently falls back to a default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from siting.errors import ConfigError, unknown_name

#: Sub-scores a profile weights, in display order.
SUBSCORES = ("grid", "gas", "water", "air", "climate", "carbon", "brownfield")

#: Weights a profile may leave out, and the value they then take (profiles written before the
#: sub-score existed keep their meaning: a weight of 0).
OPTIONAL_WEIGHTS = {"brownfield": 0.0}

#: Scale keys: the value at which a linear sub-score component reaches 0.
SCALE_KEYS = {
    "substation_zero_km": "km",
    "line_345kv_zero_km": "km",
    "pipeline_zero_km": "km",
    "gas_facility_zero_km": "km",
    "water_share_of_county_zero_pct": "%",
    "pue_zero": "-",
    "wue_zero_l_per_kwh": "L/kWh",
    "co2_intensity_best_kg_per_mwh_it": "kg/MWh",
    "co2_intensity_zero_kg_per_mwh_it": "kg/MWh",
    "brownfield_zero_km": "km",
}

#: Scales a profile may leave out, and the value they then take: only used with a positive
#: ``brownfield`` weight (a brownfield plant counts fully on its own site, not at all 10 km away:
#: beyond a few km the campus no longer shares the plant's interconnection, water or land).
OPTIONAL_SCALES = {"brownfield_zero_km": 10.0}

_HARD_KEYS = ("max_distance_to_pipeline_km", "max_site_water_share_of_county_pct", "excluded_nonattainment",
              "exclude_raster_cells")
#: Exactly one of these says when a rule applies.
_RULE_TESTS = ("within_km", "above", "below")
_TOP_KEYS = ("name", "description", "weights", "scales", "hard", "exclusions")
_STATUSES = ("nonattainment", "marginal", "moderate", "serious", "severe", "extreme")


@dataclass(frozen=True)
class ExclusionRule:
    """A per-layer rule: sites it applies to get inclusion ``weight``.

    Either a setback (sites closer than ``within_km`` to a layer) or a threshold on a
    value column such as ``cost_raster_value`` or ``resource_raster_value`` (sites
    ``above`` or ``below`` a value); exactly one of the three is set.

    Attributes
    ----------
    column : str
        A column of the site table: a distance ending in ``_km`` for ``within_km``
        (e.g. ``distance_to_datacenter_km`` [km]), any numeric column for ``above``/``below``.
    within_km : float or None
        Setback distance [km].
    weight : float
        Inclusion weight where the rule applies, 0 (excluded, a hard constraint) to 1 [-].
    reason : str
        Plain-language reason shown in ``exclusion_reason``.
    above, below : float or None
        Threshold [the column's unit]: the rule applies where the value is greater than
        ``above`` or less than ``below`` (missing values never match).
    """

    column: str
    within_km: float | None
    weight: float
    reason: str
    above: float | None = None
    below: float | None = None

    def applies(self, values) -> np.ndarray:
        """Where the rule applies, for values of ``column`` [bool per row; NaN never matches]."""
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            if self.within_km is not None:
                return v < self.within_km
            if self.above is not None:
                return v > self.above
            return v < self.below

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Profile:
    """A named scoring profile (see the module docstring)."""

    name: str
    description: str
    weights: MappingProxyType
    scales: MappingProxyType
    max_distance_to_pipeline_km: float
    max_site_water_share_of_county_pct: float
    excluded_nonattainment: tuple[str, ...]
    exclusions: tuple[ExclusionRule, ...]
    exclude_raster_cells: bool = True

    def normalised_weights(self) -> dict[str, float]:
        """Weights divided by their sum [-]."""
        total = sum(self.weights.values())
        return {k: v / total for k, v in self.weights.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "description": self.description, "weights": dict(self.weights),
            "scales": dict(self.scales),
            "hard": {
                "max_distance_to_pipeline_km": self.max_distance_to_pipeline_km,
                "max_site_water_share_of_county_pct": self.max_site_water_share_of_county_pct,
                "excluded_nonattainment": list(self.excluded_nonattainment),
                "exclude_raster_cells": self.exclude_raster_cells,
            },
            "exclusions": [r.to_dict() for r in self.exclusions],
        }

    def to_toml(self) -> str:
        """The profile as a TOML file :func:`load_profile` reads back to an equal profile."""
        d = self.to_dict()
        lines = [f"# Effective scoring profile {self.name!r} (load it with --profile FILE)",
                 f"name = {_toml(d['name'])}", f"description = {_toml(d['description'])}"]
        for section in ("weights", "scales", "hard"):
            lines += ["", f"[{section}]"] + [f"{k} = {_toml(v)}" for k, v in d[section].items()]
        for rule in d["exclusions"]:
            lines += ["", "[[exclusions]]"] + [f"{k} = {_toml(v)}" for k, v in rule.items()]
        return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    """A TOML value: strings as JSON strings (valid TOML basic strings), numbers, booleans, lists."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float)):
        return repr(value)
    raise ConfigError(f"profile value {value!r} ({type(value).__name__}) cannot be written as TOML")


def _check_keys(section: str, got: dict, valid, *, optional=()) -> None:
    unknown = sorted(set(got) - set(valid) - set(optional))
    if unknown:
        allowed = (*valid, *optional)
        raise ConfigError(f"profile {section}: unknown key(s) {', '.join(map(repr, unknown))}; valid keys are: {', '.join(allowed)}")
    missing = [k for k in valid if k not in got]
    if missing:
        raise ConfigError(f"profile {section}: missing key(s) {', '.join(map(repr, missing))}; every one of {', '.join(valid)} is required")


def _number(where: str, value, *, lo: float, hi: float = math.inf, lo_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"profile {where}={value!r}: expected a finite number")
    if value < lo or (lo_open and value == lo) or value > hi:
        op = ">" if lo_open else ">="
        raise ConfigError(f"profile {where}={value!r}: expected {op} {lo}" + (f" and <= {hi}" if hi < math.inf else ""))
    return float(value)


def profile_from_dict(doc: dict, *, origin: str = "profile") -> Profile:
    """Validate a profile mapping (the TOML document) and build a :class:`Profile`.

    Raises
    ------
    ConfigError
        On an unknown or missing key, or a value out of range (the message names it).
    """
    unknown = sorted(set(doc) - set(_TOP_KEYS))
    if unknown:
        raise ConfigError(f"{origin}: unknown key(s) {', '.join(map(repr, unknown))}; valid keys are: {', '.join(_TOP_KEYS)}")
    for key in ("name", "weights", "scales", "hard"):
        if key not in doc:
            raise ConfigError(f"{origin}: missing {key!r}; a profile needs {', '.join(_TOP_KEYS[:5])} (exclusions optional)")
    name = doc["name"]
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{origin}: name={name!r}: expected a non-empty string")
    weights = dict(doc["weights"])
    _check_keys(f"{origin} [weights]", weights, tuple(k for k in SUBSCORES if k not in OPTIONAL_WEIGHTS),
                optional=tuple(OPTIONAL_WEIGHTS))
    weights = {k: _number(f"weights.{k}", weights.get(k, OPTIONAL_WEIGHTS.get(k)), lo=0.0) for k in SUBSCORES}
    if sum(weights.values()) <= 0:
        raise ConfigError(f"{origin} [weights]: all weights are 0; give at least one positive weight")
    scales = dict(doc["scales"])
    _check_keys(f"{origin} [scales]", scales, tuple(k for k in SCALE_KEYS if k not in OPTIONAL_SCALES),
                optional=tuple(OPTIONAL_SCALES))
    scales = {k: _number(f"scales.{k}", scales.get(k, OPTIONAL_SCALES.get(k)), lo=0.0, lo_open=True) for k in SCALE_KEYS}
    if scales["pue_zero"] <= 1.0:
        raise ConfigError(f"{origin}: scales.pue_zero={scales['pue_zero']!r}: expected > 1 (a PUE of 1 is the ideal)")
    if scales["co2_intensity_zero_kg_per_mwh_it"] <= scales["co2_intensity_best_kg_per_mwh_it"]:
        raise ConfigError(f"{origin}: scales.co2_intensity_zero_kg_per_mwh_it={scales['co2_intensity_zero_kg_per_mwh_it']!r}: "
                          f"expected > co2_intensity_best_kg_per_mwh_it={scales['co2_intensity_best_kg_per_mwh_it']!r} "
                          "(the carbon score falls from 1 at the best intensity to 0 at the zero one)")
    hard = dict(doc["hard"])
    _check_keys(f"{origin} [hard]", hard, _HARD_KEYS)
    excluded = hard["excluded_nonattainment"]
    if not isinstance(excluded, list) or any(s not in _STATUSES for s in excluded):
        raise ConfigError(f"{origin}: hard.excluded_nonattainment={excluded!r}: expected a list drawn from {', '.join(_STATUSES)}")
    raster_cells = hard["exclude_raster_cells"]
    if not isinstance(raster_cells, bool):
        raise ConfigError(f"{origin}: hard.exclude_raster_cells={raster_cells!r}: expected true or false")
    rules = []
    for i, rule in enumerate(doc.get("exclusions", [])):
        where = f"{origin} [[exclusions]] #{i + 1}"
        rule = dict(rule)
        _check_keys(where, rule, ("column", "weight", "reason"), optional=_RULE_TESTS)
        tests = [k for k in _RULE_TESTS if k in rule]
        if len(tests) != 1:
            raise ConfigError(f"{where}: give exactly one of within_km (setback from a distance column), above or below "
                              f"(threshold on a value column), got {tests or 'none'}")
        col = rule["column"]
        if not isinstance(col, str) or not col:
            raise ConfigError(f"{where}: column={col!r}: expected a site-table column name")
        if tests[0] == "within_km" and not col.endswith("_km"):
            raise ConfigError(f"{where}: column={col!r}: expected a distance column ending in _km for within_km")
        lo, lo_open = (0.0, True) if tests[0] == "within_km" else (-math.inf, False)
        value = _number(f"exclusions[{i}].{tests[0]}", rule[tests[0]], lo=lo, lo_open=lo_open)
        rules.append(ExclusionRule(
            col, value if tests[0] == "within_km" else None,
            _number(f"exclusions[{i}].weight", rule["weight"], lo=0.0, hi=1.0), str(rule["reason"]),
            above=value if tests[0] == "above" else None, below=value if tests[0] == "below" else None,
        ))
    return Profile(
        name=name, description=str(doc.get("description", "")),
        weights=MappingProxyType(weights), scales=MappingProxyType(scales),
        max_distance_to_pipeline_km=_number("hard.max_distance_to_pipeline_km", hard["max_distance_to_pipeline_km"], lo=0.0, lo_open=True),
        max_site_water_share_of_county_pct=_number(
            "hard.max_site_water_share_of_county_pct", hard["max_site_water_share_of_county_pct"], lo=0.0, lo_open=True),
        excluded_nonattainment=tuple(excluded), exclusions=tuple(rules), exclude_raster_cells=raster_cells,
    )


def shipped_profiles() -> tuple[str, ...]:
    """Names of the profiles shipped in ``siting/profiles/``."""
    folder = resources.files("siting").joinpath("profiles")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


def load_profile(name_or_path: str | Path | Profile) -> Profile:
    """A shipped profile by name, or a profile TOML file by path.

    Raises
    ------
    UnknownNameError
        When a name is neither a shipped profile nor an existing file (lists the names).
    ConfigError
        When the file is not valid TOML or not a valid profile.
    """
    if isinstance(name_or_path, Profile):
        return name_or_path
    text_name = str(name_or_path)
    if text_name in shipped_profiles():
        ref = resources.files("siting").joinpath("profiles", f"{text_name}.toml")
        text, origin = ref.read_text(encoding="utf-8"), f"profile {text_name!r}"
    else:
        from gis_data.io import read_text_file

        path = Path(name_or_path)
        if not path.exists():
            raise unknown_name("profile (or profile file)", text_name, shipped_profiles())
        text, origin = read_text_file(path, what="profile file", error=ConfigError), f"profile file {str(path)!r}"
    from gis_data.io import parse_toml

    doc = parse_toml(text, name=origin)
    return profile_from_dict(doc, origin=origin)
