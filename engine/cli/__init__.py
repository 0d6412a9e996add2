"""The ``lectio`` command line: one module per command, each importing its heavy parts lazily.

Exit status: 0 success, 1 a problem was found in the input (or a check failed), 2 a usage error.
Bad input never produces a traceback: commands turn known errors into located messages, and
``main`` turns anything unexpected into one line plus a hint to report it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from engine import __version__

DEBUG_ENV = "LECTIO_DEBUG"
"""Set to 1 to let an unexpected error show its traceback."""
COMMANDS = (
    "open",
    "validate",
    "new",
    "import",
    "export",
    "schema",
    "progress",
    "report",
    "feedback",
    "completion",
    "store",
    "learners",
    "serve",
)
"""Modules of ``engine.cli``; each defines ``add_parser(subparsers)`` which sets ``func``."""


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The parser of ``commands`` (all of them by default). ``main`` builds only the parser of
    the command it runs: importing and describing the other twelve cost about 15 ms of
    ``lectio open``'s first frame, and about 5 ms before ``lectio validate`` could start its
    fork server (whose ``import torch`` every lesson waits for; most of their imports are the
    server's too); a command's usage, help and errors are the same either way (argparse names
    the subcommand in them, never its siblings)."""
    parser = argparse.ArgumentParser(
        prog="lectio",
        description="Interactive lessons and quizzes in the terminal. "
        "With no command, opens the bundled course.",
    )
    parser.add_argument("--version", action="version", version=f"lectio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in commands:
        module = importlib.import_module(f"engine.cli.{name}_cmd")
        module.add_parser(sub)
    return parser


def _implies_open(first: str) -> bool:
    """``lectio PATH`` and ``lectio --plain`` mean ``lectio open ...``, and so does the name of
    a bundled file (``lectio final-exam``); a word that is none of these nor a command (a
    mistyped command) is left to argparse, which lists the commands."""
    if first.startswith("-"):
        return first not in {"-h", "--help", "--version"}
    if first in COMMANDS:
        return False
    looks_like_path = "/" in first or "\\" in first or first.endswith((".yaml", ".yml"))
    if looks_like_path or Path(first).exists():
        return True
    from engine.session.bundled import bundled_path  # only for a word that is not a command

    return bundled_path(first) is not None


def _tolerant_output() -> None:
    """A character the terminal's encoding lacks ("·" on an ASCII console) is shown as "?"
    rather than ending the command with UnicodeEncodeError; typed input it cannot decode
    becomes "?" rather than looking like the end of input."""
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(Exception):  # a stream that cannot be reconfigured stays as it is
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or _implies_open(args_list[0]):
        args_list = ["open", *args_list]
    parser = build_parser((args_list[0],) if args_list[0] in COMMANDS else COMMANDS)
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        return _report_error(exc)


def _report_error(exc: Exception) -> int:
    """Known errors (a store that cannot be used, a file that does not load) are told as such;
    anything else is a bug: one line, not a traceback (LECTIO_DEBUG=1 shows it)."""
    from engine.format.problems import LoadError
    from engine.store import StoreError

    if isinstance(exc, StoreError):
        print(f"lectio: {exc}", file=sys.stderr)
        return 1
    if isinstance(exc, LoadError):
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    if os.environ.get(DEBUG_ENV) == "1":
        raise exc
    print(f"lectio: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
    print(
        f"lectio: this is a bug in lectio; please report it with the command you ran "
        f"(run it again with {DEBUG_ENV}=1 to see the traceback)",
        file=sys.stderr,
    )
    return 1
