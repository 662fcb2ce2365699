"""The ``siting`` command line.

Every subcommand parses its arguments, calls one public function and writes a file or
stdout. Only this module configures logging (``-v``/``-q``); library code never prints.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from siting import __version__
from siting.errors import SitingError

#: Subcommand modules, each with ``register(subparsers)``.
COMMAND_MODULES: tuple[str, ...] = (
    "siting.commands.demo",
    "siting.commands.water",
    "siting.commands.deal",
    "siting.commands.plants",
    "siting.commands.data",
    "siting.commands.map",
    "siting.commands.score",
    "siting.commands.candidates",
    "siting.commands.catalog",
    "siting.commands.report",
)

log = logging.getLogger("siting")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="siting",
        description=(
            "Where can an AI datacenter get its own power and water, how fast, at what cost and with "
            "what water footprint? Site reports, batch scoring of candidate sites, and IPP deal evaluation."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose >= 2 else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose < 2:
        for noisy in ("fiona", "pyogrio", "rasterio", "matplotlib", "distributed", "numexpr"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``siting`` console script. Returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    _configure_logging(args.verbose, args.quiet)
    try:
        return int(args.func(args) or 0)
    except SitingError as exc:
        # The CLI is the one place that talks to the user directly.
        print(f"siting {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"siting {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
