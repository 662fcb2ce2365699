"""Benchmark of layer loading: every role of a layer set, cold (cache empty) and cached.

Usage: python tests/bench/bench_layers.py [--layers FILE_OR_DIR] --json OUT.json [--cache-dir DIR]

Without --layers (as `make bench` runs it) the layer set is the one `siting data scan` finds in
../shared/data (or $SITING_SHARED_DIR/data) when that folder exists, else the embedded sample.

For each role: wall time of the first load with an empty cache (parse + clean + write the
GeoParquet cache entry) and of a load by a fresh LayerSet served from the cache, the time to
project to EPSG:5070 and build the STRtree, and peak Python-heap memory of each load (tracemalloc,
measured in a separate pass so its overhead does not inflate the times; GDAL's own C allocations
are not seen by tracemalloc, so the process's peak RSS from getrusage is reported too). The cache
goes to a temporary folder unless --cache-dir is given, so the user's cache is left alone.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run(layers_path: Path, cache_dir: Path) -> dict:
    os.environ["SITING_CACHE_DIR"] = str(cache_dir)
    from gis_data import cache
    from gis_data.layerset import LayerSet
    from gis_data.nearest import PreparedLayers

    cache.clear(cache_dir)
    roles = LayerSet.from_path(layers_path).roles
    per_role = {}
    for role in roles:
        cold_ls = LayerSet.from_path(layers_path)
        frame, t_cold = _timed(lambda: cold_ls.load(role))
        warm_ls = LayerSet.from_path(layers_path)
        _, t_cached = _timed(lambda: warm_ls.load(role))
        t_index = None
        if hasattr(frame, "geometry"):
            _, t_index = _timed(lambda: PreparedLayers(warm_ls).index(role))
        per_role[role] = {"rows": len(frame), "cold_s": t_cold, "cached_s": t_cached,
                          "speedup_cached": t_cold / t_cached if t_cached else None, "project_and_tree_s": t_index}
    # Memory pass: clear the cache again so the cold pass really parses.
    cache.clear(cache_dir)
    for role in roles:
        per_role[role]["cold_peak_mb"] = _peak_mb(lambda: LayerSet.from_path(layers_path).load(role))
        per_role[role]["cached_peak_mb"] = _peak_mb(lambda: LayerSet.from_path(layers_path).load(role))
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total = {k: sum(r[k] or 0.0 for r in per_role.values()) for k in ("cold_s", "cached_s", "project_and_tree_s")}
    total["rows"] = sum(r["rows"] for r in per_role.values())
    return {
        "layers": str(layers_path),
        "roles": per_role,
        "total": total,
        "process_peak_rss_mb": ru / 1024.0 if sys.platform != "darwin" else ru / 1e6,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "note": "wall times on a shared 2-core machine under load from other jobs; compare ratios, not absolutes",
    }


def _default_layers() -> Path:
    root = Path(__file__).resolve().parents[2]
    shared = Path(os.environ.get("SITING_SHARED_DIR", root.parent / "shared")) / "data"
    if shared.is_dir():
        from gis_data.layerset import scan_directory

        out = Path(tempfile.mkdtemp(prefix="siting-bench-layers-")) / "layers.toml"
        return scan_directory(shared).write(out)
    from importlib import resources

    return Path(str(resources.files("gis_data").joinpath("sample", "layers.toml")))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=Path, default=None,
                        help="layer-set TOML or folder holding layers.toml "
                        "(default: scan of ../shared/data, else the sample)")
    parser.add_argument("--json", type=Path, required=True, help="where to write the figures")
    parser.add_argument("--cache-dir", type=Path, default=None, help="cache folder (default: a temporary one)")
    args = parser.parse_args(argv)
    if args.layers is None:
        args.layers = _default_layers()
    if args.cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="siting-bench-cache-") as tmp:
            result = run(args.layers, Path(tmp))
    else:
        result = run(args.layers, args.cache_dir)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    for role, r in result["roles"].items():
        sys.stdout.write(f"{role:22s} {r['rows']:>8,} rows  cold {r['cold_s']:.3f} s  cached {r['cached_s']:.3f} s  "
                         f"peak {r['cold_peak_mb']:.0f}/{r['cached_peak_mb']:.0f} MB\n")
    t = result["total"]
    sys.stdout.write(f"{'total':22s} {t['rows']:>8,} rows  cold {t['cold_s']:.2f} s  cached {t['cached_s']:.2f} s  "
                     f"process peak RSS {result['process_peak_rss_mb']:.0f} MB\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
