"""Shared fixtures: where ../shared/data is, and whether a browser is available."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SITING_SHARED_DIR", ROOT.parent / "shared"))
SHARED_DATA = SHARED / "data"
SHARED_REFERENCE = SHARED / "reference"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ../shared/data; skips the test with the reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real layers not present: {SHARED_DATA} is absent (CI has it; set SITING_SHARED_DIR)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"reference facts not present: {SHARED_REFERENCE} is absent")
    return SHARED_REFERENCE


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless-capable Chromium; skip (or fail in CI) when absent."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("SITING_REQUIRE_BROWSER") == "1":
            pytest.fail("SITING_REQUIRE_BROWSER=1 but no chromium on PATH; .ci/run installs Debian's chromium")
        pytest.skip("no chromium on PATH (apt-get install chromium to run browser tests)")
    return path


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def write_geotiff():
    """A writer of one-band north-up GeoTIFFs for raster tests:
    ``write_geotiff(path, data, crs, west=, north=, xres=, yres=, nodata=)``."""
    import rasterio
    from affine import Affine

    def write(path, data, crs, *, west, north, xres, yres, nodata):
        # the transform is built directly: rasterio's from_origin uses Affine's deprecated '*'
        transform = Affine(xres, 0.0, west, 0.0, -yres, north)
        with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                           dtype=data.dtype, crs=crs, transform=transform, nodata=nodata) as dst:
            dst.write(data, 1)
        return path

    return write
