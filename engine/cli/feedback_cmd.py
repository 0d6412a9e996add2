"""`lectio feedback export [--format json|csv]`: every recorded feedback and attempt."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.cli.common import FILTER_HELP, add_store_arguments, emit, learner_store


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "feedback",
        help="export learners' feedback and answers",
        description="Learners' chapter feedback and answers, for authors.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    export = actions.add_parser("export", help="print every feedback and attempt (JSON or CSV)")
    export.add_argument(
        "--format", choices=("json", "csv"), default="json", help="json (default) or csv"
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    add_store_arguments(export, learner_help=FILTER_HELP)
    export.set_defaults(func=run)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("lectio feedback: choose an action: export", file=sys.stderr)
    return 2


def _is_database(output: Path, db: Path) -> bool:
    """``output`` is the SQLite file or one of its companions (-wal, -shm, -journal)."""
    names = {db.name + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    try:
        same_folder = output.resolve().parent == db.resolve().parent
    except OSError:
        return False
    return same_folder and output.name in names


def run(args: argparse.Namespace) -> int:
    from engine.settings import db_path
    from engine.store import store_url
    from engine.store.export import export_csv, export_json

    url = store_url(args.store)
    db = (
        Path(url.removeprefix("sqlite://"))
        if url.startswith("sqlite://")
        else db_path(args.data_dir)
    )
    if args.output and _is_database(Path(args.output), db):
        print(
            f"lectio: {args.output} is the learners' database; writing the export there "
            "would destroy it. Choose another file.",
            file=sys.stderr,
        )
        return 1
    with learner_store(args.data_dir, args.store, read_only=True) as store:
        learner = args.learner
        if learner is not None and not (
            store.attempts(learner=learner) or store.feedback(learner=learner)
        ):
            print(f"lectio feedback: no records of a learner named {learner!r}", file=sys.stderr)
            return 1
        text = export_csv(store, learner) if args.format == "csv" else export_json(store, learner)
    failure = emit(text, args.output)
    if failure is not None:
        print(f"{args.output}: cannot write: {failure}", file=sys.stderr)
        return 1
    return 0
