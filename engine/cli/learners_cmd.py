"""`lectio learners add NAME | reset NAME | list`: who may sign in to ``lectio serve``.

``add`` and ``reset`` print the learner's code and their personal link (the code in the URL:
opening it signs them in); the code is shown once, only its digest is kept in the store.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import quote

from engine.cli.common import add_store_arguments, learner_store

DEFAULT_URL = "http://localhost:8000"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "learners",
        help="learners who sign in to lectio serve",
        description="Learners of a served class and their sign-in codes.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    for name, helptext in (
        ("add", "a new learner: prints their code and personal link"),
        ("reset", "a new code for a learner (the old one stops working)"),
    ):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("name", metavar="NAME")
        action.add_argument(
            "--url",
            default=DEFAULT_URL,
            help=f"the address learners open, for the link (default: {DEFAULT_URL})",
        )
        add_store_arguments(action)
        action.set_defaults(func=run_add if name == "add" else run_reset)
    listing = actions.add_parser("list", help="every learner's name")
    add_store_arguments(listing)
    listing.set_defaults(func=run_list)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("lectio learners: choose an action: add, reset, list", file=sys.stderr)
    return 2


def _print_code(name: str, code: str, url: str) -> None:
    print(f"{name}: code {code}")
    print(f"  personal link: {url.rstrip('/')}/?code={quote(code)}")
    print("  (shown once: lectio keeps only a digest; lectio learners reset makes a new one)")


def run_add(args: argparse.Namespace) -> int:
    from engine.serve.accounts import add_learner

    with learner_store(args.data_dir, args.store) as store:
        code = add_learner(store, args.name)
    _print_code(args.name, code, args.url)
    return 0


def run_reset(args: argparse.Namespace) -> int:
    from engine.serve.accounts import reset_learner

    with learner_store(args.data_dir, args.store) as store:
        code = reset_learner(store, args.name)
    _print_code(args.name, code, args.url)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from engine.serve.accounts import accounts

    with learner_store(args.data_dir, args.store) as store:
        for name in accounts(store).learners():
            print(name)
    return 0
