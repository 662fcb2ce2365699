"""The four packages import one way: models <- gis_data <- siting -> maps.

models imports no geopandas, no file-format or network library; gis_data imports
models only; siting imports gis_data and models (and maps only from the CLI and the
orchestrators that write reports); maps imports siting.schema/errors and models.units
for labels, nothing that computes. Checked on the source's AST, so a lazy import inside
a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "gis_data", "siting", "maps")

#: What each package may import from the project's own packages.
ALLOWED = {
    "models": {"models"},
    "gis_data": {"models", "gis_data"},
    "siting": {"models", "gis_data", "siting"},
    "maps": {"models", "maps", "siting"},
}
#: siting modules that may import maps (they write maps and reports for the user).
SITING_MAY_IMPORT_MAPS = {"siting/cli.py", "siting/demo.py", "siting/site_report.py", "siting/batch.py"}
SITING_MAY_IMPORT_MAPS_PREFIX = "siting/commands/"
#: maps may only take labels and errors from siting, never computations.
MAPS_MAY_IMPORT_FROM_SITING = {"siting", "siting.schema", "siting.errors", "siting.scenario"}
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
            if pkg == "maps" and top == "siting":
                assert name in MAPS_MAY_IMPORT_FROM_SITING, f"{rel} imports {name}: maps renders, it computes nothing"
        if pkg == "models":
            assert top not in MODELS_FORBIDDEN, f"{rel} imports {name}: models is pure (no geometry, files or network)"


def test_the_check_sees_every_package():
    found = {pkg for pkg, _ in _sources()}
    assert found == set(PACKAGES)
