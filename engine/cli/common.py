"""Options and helpers shared by the commands that use the learner's store."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.store import Store


LEARNER_HELP = "learner name (default: $LECTIO_LEARNER, else your user name)"
FILTER_HELP = "only this learner's records (default: every learner's; $LECTIO_LEARNER is not used)"


def add_store_arguments(
    parser: argparse.ArgumentParser, *, learner_help: str = LEARNER_HELP
) -> None:
    """``--data-dir``, ``--store`` and ``--learner``; author commands (report, feedback export) pass
    ``FILTER_HELP``: for them ``--learner`` narrows the records, and no default applies."""
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where progress is kept (default: $LECTIO_DATA_DIR, else the "
        "platform's user data folder)",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="a store URL: postgresql://user@host/db or sqlite:///path/file.db (default: "
        "$LECTIO_STORE, else lectio.db in the data folder)",
    )
    parser.add_argument("--learner", metavar="NAME", help=learner_help)


def add_sandbox_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="run each kernel in a bubblewrap sandbox: no network, read-only files except its "
        "scratch folder, its own processes only, a process cap (see docs/deploying.md)",
    )


def enable_sandbox(args: argparse.Namespace) -> str | None:
    """With ``--sandbox``, every kernel this process starts is sandboxed (``$LECTIO_SANDBOX``);
    the reason it cannot be, if it cannot (the command then stops rather than run unconfined)."""
    if not getattr(args, "sandbox", False):
        return None
    from engine.execution import sandbox

    why = sandbox.problem()
    if why is None:
        os.environ[sandbox.SANDBOX_ENV] = "1"
    return why


@contextmanager
def learner_store(
    data_dir: str | Path | None, url: str | None = None, *, read_only: bool = False
) -> Iterator[Store]:
    """The learner's store for one command (``url``: ``--store``): its warnings (a damaged
    database moved aside) are printed first, and it is closed however the command ends. A store
    that cannot be opened raises :class:`engine.store.StoreError`, which ``main`` prints as one
    line with status 1. ``read_only`` for commands that only read: they work on a folder they
    cannot write."""
    from engine.store import open_store  # lazily: commands that need no store never load it

    store = open_store(data_dir, url, read_only=read_only)
    try:
        for warning in store.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        yield store
    finally:
        store.close()


def emit(text: str, output: str | None) -> str | None:
    """Write a command's result to ``output`` (a file) or to standard output; the reason a file
    could not be written, else None, so each command words the failure its own way."""
    if not output:
        sys.stdout.write(text)
        return None
    try:
        with Path(output).open("w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        return str(exc.strerror or exc)
    return None
