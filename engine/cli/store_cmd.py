"""`lectio store migrate` and `lectio store copy SQLITE_FILE POSTGRES_URL`: the store's upkeep.

``migrate`` opens the store the options name (``--store`` / ``$LECTIO_STORE`` / the SQLite
file in the data folder), which applies every missing migration, and says which version it is
at: a teacher runs it once after upgrading lectio, before the class's sessions start.
``copy`` moves a SQLite file's history into a PostgreSQL database (see
:mod:`engine.store.pgcopy`); running it again copies nothing twice.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.cli.common import add_store_arguments


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "store",
        help="migrate the store, or copy a SQLite file into PostgreSQL",
        description="Upkeep of the learners' store.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    migrate = actions.add_parser("migrate", help="bring the store's schema up to date")
    add_store_arguments(migrate)
    migrate.set_defaults(func=run_migrate)
    copy = actions.add_parser("copy", help="copy a SQLite file's records into PostgreSQL")
    copy.add_argument("source", metavar="SQLITE_FILE")
    copy.add_argument("target", metavar="POSTGRES_URL")
    copy.set_defaults(func=run_copy)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("lectio store: choose an action: migrate, copy", file=sys.stderr)
    return 2


def run_migrate(args: argparse.Namespace) -> int:
    from engine.store import open_store

    with open_store(args.data_dir, args.store) as store:
        for warning in store.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        where = getattr(store, "where", None) or getattr(store, "path", "")
        version = getattr(store, "schema_version", "?")
        print(f"{where}: schema version {version}, up to date")
    return 0


def run_copy(args: argparse.Namespace) -> int:
    from engine.store import POSTGRES_SCHEMES
    from engine.store.pgcopy import copy_sqlite, counts_line
    from engine.store.postgres import PostgresStore

    if not args.target.startswith(POSTGRES_SCHEMES):
        print(f"lectio: {args.target}: not a postgresql:// URL", file=sys.stderr)
        return 2
    with PostgresStore(args.target) as target:
        added = copy_sqlite(Path(args.source), target)
        print(f"copied {args.source} to {target.where}: {counts_line(added)} (new rows)")
    return 0
