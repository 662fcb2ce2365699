"""The ``siting`` command line.

Every subcommand parses its arguments, calls one public function and writes a file or
stdout. Only this module configures logging (``-v``/``-q``); library code never prints.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import logging
import os
import platform
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from siting import __version__
from siting.errors import SitingError, close_matches, did_you_mean

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


class HelpfulParser(argparse.ArgumentParser):
    """argparse that says which name was probably meant when a subcommand or a choice is mistyped."""

    def error(self, message: str):
        m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if m:
            message += did_you_mean(m.group(1), re.findall(r"'([^']*)'", m.group(2)))
        super().error(message)


def _subparsers(parser: argparse.ArgumentParser):
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _deepest_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)parser that parsed the last subcommand of ``args`` (``siting data scan`` -> scan's)."""
    while True:
        action = _subparsers(parser)
        chosen = getattr(args, action.dest, None) if action is not None else None
        if chosen not in (action.choices if action is not None else {}):
            return parser
        parser = action.choices[chosen]


def _unknown_options_error(parser: argparse.ArgumentParser, args: argparse.Namespace, extras: list[str]):
    """Refuse arguments no parser took, with the option each mistyped flag probably meant."""
    target = _deepest_parser(parser, args)
    options = [o for o in target._option_string_actions if o.startswith("--")]
    hints = []
    for token in extras:
        if token.startswith("-"):
            flag = token.split("=", 1)[0]
            hits = close_matches(flag, options)
            if hits:
                hints.append(f"did you mean {' or '.join(hits)} for {flag}?")
    target.error(f"unrecognized arguments: {' '.join(extras)}" + ("; " + " ".join(hints) if hints else ""))


def build_parser() -> argparse.ArgumentParser:
    parser = HelpfulParser(
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
    # -v/-q work after the subcommand too (siting score ... -q); SUPPRESS keeps the top-level value otherwise
    for command in sub.choices.values():
        command.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                             help="more log output (-vv for debug)")
        command.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                             help="only warnings and errors")
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose >= 2 else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.captureWarnings(True)  # library warnings (numpy, GDAL) as one log line each, not source excerpts
    if verbose < 2:
        for noisy in ("fiona", "pyogrio", "rasterio", "matplotlib", "distributed", "numexpr"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


#: errno values that mean the environment (disk, permissions), not the tool, with the fix.
_OS_HINTS = {
    errno.ENOSPC: "the disk is full: free space or write the output to another disk",
    errno.EDQUOT: "the disk quota is exceeded: free space or write the output elsewhere",
    errno.EROFS: "the file system is read-only: write the output to a writable folder",
    errno.EACCES: "permission denied: check the file's permissions or write to a folder you own",
    errno.EPERM: "operation not permitted: check the file's permissions or write to a folder you own",
    errno.ENOENT: "no such file or folder: check the path",
    errno.EISDIR: "a folder was given where a file is needed: give a file path",
    errno.ENOTDIR: "a file was given where a folder is needed: check the path",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n) or use fewer workers",
    errno.ENAMETOOLONG: "the path is too long: use a shorter path",
}


def _input_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean a bad input file, not a bug (a safety net: readers already turn
    them into SitingErrors); reported as bad input with exit status 2."""
    import json
    import tomllib
    import zipfile

    kinds: list[type[BaseException]] = [UnicodeError, zipfile.BadZipFile, tomllib.TOMLDecodeError,
                                        json.JSONDecodeError, EOFError, RecursionError]
    try:
        import pandas as pd

        kinds += [pd.errors.ParserError, pd.errors.EmptyDataError]
    except ImportError:  # pragma: no cover
        pass
    try:
        import pyogrio.errors as pe

        kinds += [pe.DataSourceError, pe.DataLayerError]
    except ImportError:  # pragma: no cover
        pass
    try:
        import pyarrow as pa

        kinds += [pa.ArrowInvalid]
    except ImportError:  # pragma: no cover
        pass
    return tuple(kinds)


def trace_log_dir() -> Path:
    """Folder of the full traces of unexpected failures: ``$SITING_CACHE_DIR/logs`` (default
    ``~/.cache/siting/logs``), or the system temporary folder when that is not writable."""
    from gis_data.cache import cache_dir

    for folder in (cache_dir() / "logs", Path(tempfile.gettempdir()) / "siting-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    return Path(tempfile.gettempdir())


def _log_trace(command: str, argv: Sequence[str] | None, exc: BaseException) -> Path | None:
    """Write the full trace of ``exc`` to a new file in :func:`trace_log_dir`; its path (None if
    nothing could be written)."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    try:
        folder = trace_log_dir()
        fd, name = tempfile.mkstemp(prefix=f"siting-{command}-{stamp}-", suffix=".log", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"siting {__version__}, python {sys.version.split()[0]}, {platform.platform()}\n")
            fh.write(f"argv: {list(sys.argv[:1]) + list(argv if argv is not None else sys.argv[1:])}\n\n")
            fh.write("".join(traceback.format_exception(exc)))
        return Path(name)
    except Exception:  # a broken log folder must not hide the user's error
        return None


def _one_line(exc: BaseException, limit: int = 400) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _os_message(exc: OSError) -> str:
    hint = _OS_HINTS.get(exc.errno or -1)
    where = f" {exc.filename!s}" if exc.filename else ""
    if exc.filename2:
        where += f" -> {exc.filename2!s}"
    what = exc.strerror or _one_line(exc)
    return f"cannot use{where}: {what}" + (f" ({hint})" if hint else "")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``siting`` console script. Returns the process exit code.

    Exit status: 0 success; 2 bad input or a bad environment (a message saying what was
    received, what was expected and the fix; an unreadable disk or file gives the operating
    system's message with a hint); 1 an internal error (one line, and the file holding the
    full trace); 130 interrupted. Never a Python traceback on stderr.
    """
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        _unknown_options_error(parser, args, extras)
    if args.command is None:
        parser.print_help()
        return 2
    _configure_logging(args.verbose, args.quiet)
    command = args.command + (f" {args.data_command}" if getattr(args, "data_command", None) else "")
    try:
        return int(args.func(args) or 0)
    except SitingError as exc:
        # The CLI is the one place that talks to the user directly.
        print(f"siting {command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"siting {command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early (siting ... | head): nothing more to say
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return 141
    except MemoryError:
        print(f"siting {command}: error: ran out of memory; give fewer sites per run or a smaller --chunk-size",
              file=sys.stderr)
        return 2
    except OSError as exc:
        path = _log_trace(args.command, argv, exc)
        print(f"siting {command}: error: {_os_message(exc)}" + (f" [details: {path}]" if path else ""),
              file=sys.stderr)
        return 2
    except Exception as exc:  # the last resort: one line, the trace in a file
        path = _log_trace(args.command, argv, exc)
        where = f"the full trace is in {path}" if path else "the trace could not be written to a log file"
        if isinstance(exc, _input_error_types()):
            print(f"siting {command}: error: an input could not be read ({type(exc).__name__}: {_one_line(exc)}); "
                  f"check the files given; {where}", file=sys.stderr)
            return 2
        print(f"siting {command}: internal error ({type(exc).__name__}: {_one_line(exc)}); {where}. "
              "Please report it with that file", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
