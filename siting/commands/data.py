"""``siting data``: find the supported layers in a folder (``scan``) and describe a layer set (``list``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from siting.commands._common import add_json, add_layers, check_out_file, locked_output, print_json
from siting.errors import ConfigError


def register(sub) -> None:
    p = sub.add_parser(
        "data",
        help="layer sets: scan a folder for supported layers, list what a layer set holds",
        description=(
            "Layer sets map layer roles (transmission, substations, pipelines, plants, ...) to files. "
            "`scan DIR --out layers.toml` recognises supported sources by their schema and writes a layer set; "
            "`list [--layers FILE_OR_DIR]` shows, per role, rows, extent, vintage, license and format."
        ),
    )
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)

    scan = dsub.add_parser("scan", help="find supported layers under a folder and write a layer-set TOML")
    scan.add_argument("directory", type=Path, metavar="DIR", help="folder searched recursively")
    scan.add_argument("--out", type=Path, required=True, metavar="FILE", help="layer-set TOML to write")
    scan.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    add_json(scan)
    scan.set_defaults(func=run_scan)

    lst = dsub.add_parser("list", help="rows, extent (bbox), vintage, license and format of each role")
    add_layers(lst)
    lst.add_argument("--no-cache", action="store_true", help="re-parse the files instead of using the layer cache")
    add_json(lst)
    lst.set_defaults(func=run_list)

    fet = dsub.add_parser("fetch", help="download the official public sources (needs internet) and write a layer set")
    where = fet.add_mutually_exclusive_group(required=True)
    where.add_argument("--state", metavar="XX", help="two-letter state whose bounding box limits the queries")
    where.add_argument("--bbox", type=float, nargs=4, metavar=("W", "S", "E", "N"), help="bounding box [deg]")
    fet.add_argument("--out", type=Path, required=True, metavar="DIR", help="cache folder (DIR/<source>/<vintage>/)")
    fet.add_argument("--sources", default=None,
                     help="comma-separated source names (default: all; see gis_data/fetch.py SOURCES)")
    fet.add_argument("--timeout", type=float, default=60.0, metavar="S", help="socket timeout per attempt [s]")
    fet.add_argument("--retries", type=int, default=3, help="further attempts per file")
    fet.add_argument("--base-url", default=None, help="mirror serving <base>/<source>/<filename> (https:// only, "
                     "unless --allow-http)")
    fet.add_argument("--allow-http", action="store_true",
                     help="accept plain http:// source, mirror and redirect URLs (default: https:// only; file:, "
                          "data:, ftp: are always refused)")
    fet.add_argument("--refresh", action="store_true",
                     help="download again files the cache already holds (default: reuse them after a sha256 check)")
    fet.add_argument("--page-size", type=int, default=None, metavar="N",
                     help="features asked for per ArcGIS page (default 1000; servers cap it at their maxRecordCount)")
    fet.add_argument("--max-pages", type=int, default=None, metavar="N",
                     help="ArcGIS pages after which a query still reporting more features is an error (default 1000)")
    bounds = fet.add_argument_group("archive extraction bounds", "an archive breaking one is refused and nothing it "
                                    "wrote is kept (1 MB = 10^6 bytes)")
    bounds.add_argument("--max-extract-mb", type=float, default=None, metavar="MB",
                        help="uncompressed size one archive may write (default 4000)")
    bounds.add_argument("--max-member-ratio", type=float, default=None, metavar="X",
                        help="uncompressed / compressed size of one member, past its first 1 MB (default 100)")
    bounds.add_argument("--max-archive-ratio", type=float, default=None, metavar="X",
                        help="uncompressed size of all members / archive size, past the first 1 MB (default 50)")
    bounds.add_argument("--max-members", type=int, default=None, metavar="N",
                        help="entries in one archive, folders included (default 10000)")
    add_json(fet)
    fet.set_defaults(func=run_fetch)


def run_fetch(args: argparse.Namespace) -> int:
    from gis_data.fetch import ExtractLimits, fetch

    sources = [s.strip() for s in args.sources.split(",") if s.strip()] if args.sources else None
    paging = {k: v for k, v in (("page_size", args.page_size), ("max_pages", args.max_pages)) if v is not None}
    bounds = {k: v for k, v in (("max_total_bytes", None if args.max_extract_mb is None
                                 else args.max_extract_mb * 1_000_000),  # MB = 10^6 bytes
                                ("max_member_ratio", args.max_member_ratio),
                                ("max_archive_ratio", args.max_archive_ratio),
                                ("max_members", args.max_members)) if v is not None}
    toml = fetch(sources, args.out, bbox=args.bbox, state=args.state, base_url_override=args.base_url,
                 timeout_s=args.timeout, retries=args.retries, refresh=args.refresh, allow_http=args.allow_http,
                 limits=ExtractLimits(**bounds), **paging)
    manifest = Path(args.out) / "manifest.json"
    if args.json:
        import json

        print_json({"layers": str(toml), "manifest": json.loads(manifest.read_text(encoding="utf-8"))})
    else:
        print(f"wrote {toml} and {manifest}")
    return 0


def run_scan(args: argparse.Namespace) -> int:
    from gis_data.layerset import scan_directory

    out = check_out_file(args.out, None, args.overwrite)
    directory = Path(args.directory).expanduser()
    if not directory.is_dir():
        raise ConfigError(f"siting data scan: {str(directory)!r} is {'a file' if directory.exists() else 'missing'}; "
                          "give the folder that holds the layer files")
    with locked_output(out):
        layers = scan_directory(directory)
        layers.write(out, overwrite=True)
    if args.json:
        print_json({
            "out": str(out),
            "roles": {r: {"format": s.format, "paths": [str(p) for p in s.paths]} for r, s in layers.specs.items()},
            "alternatives": [{"role": a.role, "format": a.format, "path": str(a.path), "reason": a.reason}
                             for a in layers.alternatives],
        })
    else:
        print(f"wrote {out}: {len(layers.roles)} roles ({', '.join(layers.roles)})")
    return 0


def _bbox_text(bbox) -> str:
    if bbox is None:
        return "(table)"
    return "lon {:.2f}..{:.2f}, lat {:.2f}..{:.2f}".format(bbox[0], bbox[2], bbox[1], bbox[3])


def run_list(args: argparse.Namespace) -> int:
    from gis_data.layerset import LayerSet, summarize

    use_cache = not args.no_cache
    if args.layers:
        layers = LayerSet.from_path(args.layers, use_cache=use_cache)
    else:
        layers = LayerSet.sample(use_cache=use_cache)
    from gis_data.layerset import describe_raster

    rows = summarize(layers)
    rasters = [{"role": role, "format": spec.format, **describe_raster(spec.paths[0])}
               for role, spec in layers.rasters.items()]
    if args.json:
        print_json({"layer_set": str(layers.source_path), "synthetic": layers.is_synthetic, "layers": rows,
                    "rasters": rasters})
        return 0
    label = " (SYNTHETIC SAMPLE: not real infrastructure)" if layers.is_synthetic else ""
    print(f"layer set {layers.source_path}{label}")
    for r in rows:
        print(f"{r['role']:22s} {r['rows']:>8,} rows  {_bbox_text(r['bbox']):38s} {r['format']}")
        print(f"{'':22s} vintage {r['vintage']}; license {r['license']}"
              + (f"; {r['attribution']}" if r["attribution"] else ""))
    for r in rasters:
        print(f"{r['role']:22s} {r['width']}x{r['height']} px  res {r['resolution'][0]:g} x {r['resolution'][1]:g}  "
              f"{r['crs']}  nodata {r['nodata']}  bounds {r['bounds']}  {r['format']}")
    return 0
