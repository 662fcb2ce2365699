"""Scoring profiles: weights, scales, hard constraints and setbacks, from TOML.

A profile says what a developer cares about (speed to power, lowest cost, lowest water,
lowest carbon). The shipped ones live in ``siting/profiles/<name>.toml``; a user file
with the same keys works too. Unknown keys are rejected with the list of valid ones, so
a typo never silently falls back to a default.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from siting.errors import ConfigError, unknown_name

#: Sub-scores a profile weights, in display order.
SUBSCORES = ("grid", "gas", "water", "air", "climate")

#: Scale keys: the value at which a linear sub-score component reaches 0.
SCALE_KEYS = {
    "substation_zero_km": "km",
    "line_345kv_zero_km": "km",
    "pipeline_zero_km": "km",
    "gas_facility_zero_km": "km",
    "water_share_of_county_zero_pct": "%",
    "pue_zero": "-",
    "wue_zero_l_per_kwh": "L/kWh",
}

_HARD_KEYS = ("max_distance_to_pipeline_km", "max_site_water_share_of_county_pct", "excluded_nonattainment")
_RULE_KEYS = ("column", "within_km", "weight", "reason")
_TOP_KEYS = ("name", "description", "weights", "scales", "hard", "exclusions")
_STATUSES = ("nonattainment", "marginal", "moderate", "serious", "severe", "extreme")


@dataclass(frozen=True)
class ExclusionRule:
    """A setback: sites closer than ``within_km`` to a layer get inclusion ``weight``.

    Attributes
    ----------
    column : str
        A distance column of the site table, e.g. ``distance_to_datacenter_km`` [km].
    within_km : float
        Setback distance [km].
    weight : float
        Inclusion weight inside the setback, 0 (excluded, a hard constraint) to 1 [-].
    reason : str
        Plain-language reason shown in ``exclusion_reason``.
    """

    column: str
    within_km: float
    weight: float
    reason: str


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
            },
            "exclusions": [r.__dict__.copy() for r in self.exclusions],
        }


def _check_keys(section: str, got: dict, valid) -> None:
    unknown = sorted(set(got) - set(valid))
    if unknown:
        raise ConfigError(f"profile {section}: unknown key(s) {', '.join(map(repr, unknown))}; valid keys are: {', '.join(valid)}")
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
    _check_keys(f"{origin} [weights]", weights, SUBSCORES)
    weights = {k: _number(f"weights.{k}", weights[k], lo=0.0) for k in SUBSCORES}
    if sum(weights.values()) <= 0:
        raise ConfigError(f"{origin} [weights]: all weights are 0; give at least one positive weight")
    scales = dict(doc["scales"])
    _check_keys(f"{origin} [scales]", scales, tuple(SCALE_KEYS))
    scales = {k: _number(f"scales.{k}", scales[k], lo=0.0, lo_open=True) for k in SCALE_KEYS}
    if scales["pue_zero"] <= 1.0:
        raise ConfigError(f"{origin}: scales.pue_zero={scales['pue_zero']!r}: expected > 1 (a PUE of 1 is the ideal)")
    hard = dict(doc["hard"])
    _check_keys(f"{origin} [hard]", hard, _HARD_KEYS)
    excluded = hard["excluded_nonattainment"]
    if not isinstance(excluded, list) or any(s not in _STATUSES for s in excluded):
        raise ConfigError(f"{origin}: hard.excluded_nonattainment={excluded!r}: expected a list drawn from {', '.join(_STATUSES)}")
    rules = []
    for i, rule in enumerate(doc.get("exclusions", [])):
        _check_keys(f"{origin} [[exclusions]] #{i + 1}", dict(rule), _RULE_KEYS)
        col = rule["column"]
        if not isinstance(col, str) or not col.endswith("_km"):
            raise ConfigError(f"{origin} [[exclusions]] #{i + 1}: column={col!r}: expected a distance column ending in _km")
        rules.append(ExclusionRule(
            col, _number(f"exclusions[{i}].within_km", rule["within_km"], lo=0.0, lo_open=True),
            _number(f"exclusions[{i}].weight", rule["weight"], lo=0.0, hi=1.0), str(rule["reason"]),
        ))
    return Profile(
        name=name, description=str(doc.get("description", "")),
        weights=MappingProxyType(weights), scales=MappingProxyType(scales),
        max_distance_to_pipeline_km=_number("hard.max_distance_to_pipeline_km", hard["max_distance_to_pipeline_km"], lo=0.0, lo_open=True),
        max_site_water_share_of_county_pct=_number(
            "hard.max_site_water_share_of_county_pct", hard["max_site_water_share_of_county_pct"], lo=0.0, lo_open=True),
        excluded_nonattainment=tuple(excluded), exclusions=tuple(rules),
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
        path = Path(name_or_path)
        if not path.is_file():
            raise unknown_name("profile (or profile file)", text_name, shipped_profiles())
        text, origin = path.read_text(encoding="utf-8"), f"profile file {str(path)!r}"
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin} is not valid TOML: {exc}") from None
    return profile_from_dict(doc, origin=origin)
