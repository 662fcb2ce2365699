"""Every data file inside the four packages is declared as package data, so the wheel
(`pip install .`, what `make test` and `make demo` run) ships it."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_data_file_is_declared():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = config["packages"]
    globs = config["package-data"]
    missing = []
    for pkg in ("models", "gis_data", "siting", "maps"):
        base = ROOT / pkg
        for path in base.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(base).as_posix()
            if not any(fnmatch.fnmatch(rel, g) for g in globs.get(pkg, [])):
                missing.append(f"{pkg}/{rel}")
    assert not missing, f"add these to [tool.setuptools.package-data] in pyproject.toml: {missing}"
    for pkg_dir in {p.parent for p in ROOT.glob("*/**/__init__.py") if p.parent.name != "tests"}:
        name = pkg_dir.relative_to(ROOT).as_posix().replace("/", ".")
        if name.split(".")[0] in ("models", "gis_data", "siting", "maps"):
            assert name in packages, f"package {name} is not declared in [tool.setuptools] packages"
