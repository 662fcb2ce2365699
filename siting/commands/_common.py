"""Helpers shared by CLI subcommands: --json, --out, --overwrite, --layers, scenario options."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from gis_data.outputs import OutputLock, remove_stale_temps
from siting.errors import ConfigError
from siting.scenario import Scenario, field_table


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout (for scripts)")


def add_out(parser: argparse.ArgumentParser, *, required: bool = False, help: str = "output folder") -> None:
    parser.add_argument("--out", type=Path, required=required, help=help)
    parser.add_argument("--overwrite", action="store_true", help="replace existing output files")


def add_layers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--layers",
        type=Path,
        default=None,
        help="layer-set TOML file or a folder holding one (default: the embedded synthetic sample region)",
    )


def _place_name(state: str) -> str:
    """A state code, FIPS or name as people write it (``tx`` -> ``Texas``); as given when unknown."""
    from gis_data.boundaries import STATES

    key = str(state).strip().upper()
    for fips, (abbr, name) in STATES.items():
        if key in (abbr, fips, name.upper()) or key.zfill(2) == fips:
            return name
    return str(state)


def sample_layers_hint(layers_arg, *, lat: float | None = None, lon: float | None = None,
                       state: str | None = None, bbox=None) -> str | None:
    """What to say when no --layers was given (the embedded synthetic sample is used) and the place asked
    about is not in it; None when layers were given or the place is in the sample.

    Parameters
    ----------
    layers_arg : path or None
        The command's --layers value.
    lat, lon : float, optional
        A site [deg].
    state : str, optional
        A state code, FIPS code or name.
    bbox : sequence of 4 float, optional
        West, south, east, north [deg].
    """
    if layers_arg is not None:
        return None
    import shapely

    from gis_data.layerset import LayerSet

    sample = LayerSet.sample()
    states = sample.load("states")
    region = " and ".join(sorted(_place_name(a) for a in states["state_abbr"].astype(str)))
    if state is not None:
        key = str(state).strip().upper()
        known = {str(v).strip().upper() for c in ("state_abbr", "state_fips", "state_name") for v in states[c]}
        if key in known:
            return None
        where = _place_name(state)
    elif lat is not None and lon is not None:
        counties = sample.load("counties")
        if counties.intersects(shapely.Point(float(lon), float(lat))).any():
            return None
        where = f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}"
    elif bbox is not None:
        if sample.load("counties").intersects(shapely.box(*[float(v) for v in bbox])).any():
            return None
        where = "that box"
    else:
        return None
    return (f"the default layers are the synthetic {region} sample (invented infrastructure around Greensboro); "
            f"pass --layers layers.toml (see `siting data scan`) for {where}")


def add_scenario(parser: argparse.ArgumentParser) -> None:
    """Add --scenario FILE and one --<field> option per scenario field (help from its metadata)."""
    g = parser.add_argument_group("scenario", "assumptions; a --scenario TOML file first, then these override it")
    g.add_argument("--scenario", type=Path, default=None, help="TOML file whose keys are Scenario field names")
    for row in field_table():
        flag = "--" + row["name"].replace("_", "-")
        kind = {"float": float, "int": int}.get(row["type"], str)
        extra = f" one of {', '.join(row['choices'])};" if row["choices"] else ""
        g.add_argument(
            flag,
            dest=f"scn_{row['name']}",
            type=kind,
            default=None,
            metavar=row["unit"] if row["unit"] != "-" else row["type"].upper(),
            help=f"{row['description']}{extra} default {row['default']!r}",
        )


def scenario_from_args(args: argparse.Namespace, **overrides: Any) -> Scenario:
    base = Scenario.from_toml(args.scenario) if getattr(args, "scenario", None) else Scenario()
    changes = {k[4:]: v for k, v in vars(args).items() if k.startswith("scn_") and v is not None}
    changes.update({k: v for k, v in overrides.items() if v is not None})
    return base.replace(**changes) if changes else base


@contextlib.contextmanager
def locked_output(path: Path, *, also: tuple[Path, ...] = ()) -> Iterator[OutputLock]:
    """Hold the lock of an output for the length of a command (a second run into the same place
    is refused with a message; see :class:`gis_data.outputs.OutputLock`), and remove the
    temporaries an earlier, killed run left next to it and to the files in ``also``."""
    with OutputLock(path) as lock:
        for p in (path, *also):
            remove_stale_temps(p)
        yield lock


def prepare_out(path: Path, overwrite: bool) -> Path:
    """Create the output folder; refuse to reuse a non-empty one without --overwrite."""
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--out {str(path)!r} exists and is not a folder; give a folder path")
    if path.exists() and any(path.iterdir()) and not overwrite:
        raise ConfigError(f"output folder {str(path)!r} is not empty; pass --overwrite to replace its files")
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_out_file(
    path: Path, suffixes: tuple[str, ...] | None, overwrite: bool, *, also: tuple[Path, ...] = ()
) -> Path:
    """Check an output file name: its extension is one of ``suffixes`` (None: any), and neither it
    nor the files in ``also`` (written next to it) exist unless ``overwrite``."""
    path = Path(path).expanduser()
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ConfigError(f"--out {str(path)!r}: expected a {', '.join(suffixes)} file name")
    for p in (path, *also):
        if p.is_dir():
            raise ConfigError(f"output {str(p)!r} is a folder; give a file name (e.g. {str(p / ('out' + p.suffix))!r})")
        if p.exists() and not p.is_file():  # a device or a pipe: replacing it would be wrong, writing into it too
            raise ConfigError(f"output {str(p)!r} is not a regular file (a device or a pipe); give a file name")
        if p.exists() and not overwrite:
            raise ConfigError(f"output {str(p)!r} exists; pass --overwrite to replace it")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise ConfigError(f"--out {str(path)!r}: {str(parent)!r} is a file, not a folder; give a path in a folder")
    return path


def to_jsonable(obj: Any) -> Any:
    """Convert numpy/pandas scalars, paths and NaN into plain JSON values (NaN -> null)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def print_json(obj: Any) -> None:
    json.dump(to_jsonable(obj), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
