"""The four packages import one way: models <- gis_data <- siting -> maps.

models imports nothing of the project but itself (and no geopandas, file-format or
network library); gis_data imports models only; siting imports gis_data and models (and
maps only from the CLI and the orchestrators that write maps and reports); no library
module of siting imports the CLI (``siting.cli``, ``siting.commands``); maps is a leaf:
it imports nothing of siting or gis_data, and of models only the error hierarchy and unit constants, so
what it shows (with labels and units) is handed to it. Checked on the source's AST, so a
lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "gis_data", "siting", "maps")

#: What each package may import from the project's own packages.
ALLOWED = {
    "models": {"models"},
    "gis_data": {"models", "gis_data"},
    "siting": {"models", "gis_data", "siting"},
    "maps": {"models", "maps"},
}
#: siting modules that may import maps (they write maps and reports for the user).
SITING_MAY_IMPORT_MAPS = {"siting/cli.py", "siting/demo.py", "siting/site_report.py", "siting/map_context.py"}
SITING_MAY_IMPORT_MAPS_PREFIX = "siting/commands/"
#: maps may take only the error hierarchy (so its errors are SitingErrors) and unit constants from models.
MAPS_MAY_IMPORT_FROM_MODELS = {"models.errors", "models.units"}
#: The CLI: only the CLI itself imports it.
CLI_MODULES = ("siting.cli", "siting.commands")
#: third-party modules models must not use (geometry, files, network).
MODELS_FORBIDDEN = {"geopandas", "shapely", "pyogrio", "fiona", "rasterio", "requests", "urllib", "http", "socket", "gis_data"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _sources():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            yield pkg, path


@pytest.mark.parametrize("pkg,path", list(_sources()), ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else v)
def test_imports_run_one_way(pkg, path):
    rel = path.relative_to(ROOT).as_posix()
    for name in _imports(path):
        top = name.split(".")[0]
        if top in PACKAGES:
            if top == "maps" and pkg == "siting":
                assert rel in SITING_MAY_IMPORT_MAPS or rel.startswith(SITING_MAY_IMPORT_MAPS_PREFIX), (
                    f"{rel} imports {name}: only the CLI and report/batch orchestrators may call maps"
                )
                continue
            assert top in ALLOWED[pkg], f"{rel} imports {name}: {pkg} may import only {sorted(ALLOWED[pkg])}"
            if pkg == "maps" and top == "models":
                assert name in MAPS_MAY_IMPORT_FROM_MODELS, f"{rel} imports {name}: maps is a leaf, it computes nothing"
            if pkg == "models":
                assert top == "models", f"{rel} imports {name}: models imports nothing of the project but itself"
            if name.startswith(CLI_MODULES) and pkg == "siting":
                assert rel == "siting/cli.py" or rel.startswith(SITING_MAY_IMPORT_MAPS_PREFIX), (
                    f"{rel} imports {name}: library code never imports the CLI")
        if pkg == "models":
            assert top not in MODELS_FORBIDDEN, f"{rel} imports {name}: models is pure (no geometry, files or network)"


def test_the_rules_fail_on_a_breach(tmp_path, monkeypatch):
    """The check is real: a maps module importing siting, and a library module importing the CLI, both fail."""
    bad_maps = tmp_path / "maps" / "bad.py"
    bad_maps.parent.mkdir()
    bad_maps.write_text("from siting import schema\n")
    bad_lib = tmp_path / "siting" / "bad.py"
    bad_lib.parent.mkdir()
    bad_lib.write_text("def f():\n    from siting.commands.score import run\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="maps may import only"):
        test_imports_run_one_way("maps", bad_maps)
    with pytest.raises(AssertionError, match="never imports the CLI"):
        test_imports_run_one_way("siting", bad_lib)


def test_the_check_sees_every_package():
    found = {pkg for pkg, _ in _sources()}
    assert found == set(PACKAGES)
