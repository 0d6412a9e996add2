"""`lectio open [PATH]`: study a lesson, a course or a quiz, in the TUI or (``--plain``) as text.

PATH defaults to the bundled course. ``--plain`` (or ``LECTIO_PLAIN=1``) selects the line mode
(:mod:`engine.plain`); otherwise the Textual app (``engine.tui.app.run_app``) is imported lazily,
so the plain mode works where Textual cannot run. Bad paths and invalid files give located
messages and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli.common import (
    add_sandbox_argument,
    add_store_arguments,
    enable_sandbox,
    learner_store,
)

if TYPE_CHECKING:
    from engine.store import Store


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "open",
        help="study a lesson, a course or a quiz",
        description="Study a lesson file, a course folder (or its course.yaml) or a quiz file. "
        "Resumes where you stopped.",
    )
    parser.add_argument(
        "path",
        nargs="?",
        help="lesson, course or quiz (default: the bundled course); a path that is not here "
        "is looked up among the bundled files (final-exam, pytorch-essentials-pt)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain line mode: text in, text out (screen readers, scripts)",
    )
    parser.add_argument(
        "--pager",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="with --plain: pause after each block (Enter to go on) and wrap to the terminal's "
        "width (default: when standard input and output are terminals; $LECTIO_PAGER=1 or 0)",
    )
    parser.add_argument("--lang", help="interface language (default: the lesson's)")
    parser.add_argument(
        "--restart",
        action="store_true",
        help="start from the top instead of resuming (history is kept)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="for authors: reload the lesson when its file is saved, keeping your place "
        "(a broken save shows its problems; needs watchfiles: pip install 'lectio[watch]')",
    )
    add_store_arguments(parser)
    add_sandbox_argument(parser)
    parser.add_argument(  # what lectio serve starts per signed-in browser; not for people
        "--served", action="store_true", help=argparse.SUPPRESS
    )
    parser.set_defaults(func=run)


def _target(path: str | None, lang: str | None) -> str | Path | None:
    """What to open: no path, the bundled course (its edition in ``lang``, else in the language
    of the learner's system, where there is one); a path that exists here, that path; else the
    bundled file it names (``quizzes/final-exam.yaml``, ``final-exam``, ``pytorch-essentials-pt``
    from any folder), said on standard error; else the path, for the session to report."""
    from engine.session.bundled import bundled_course, bundled_path

    if not path:
        from engine.i18n import system_language

        return bundled_course(lang or system_language(os.environ))
    if Path(path).exists():
        return path
    found = bundled_path(path)
    if found is None:
        return path
    print(
        f"lectio: {path} is not in this folder; opening lectio's bundled {found}", file=sys.stderr
    )
    return found


def run(args: argparse.Namespace) -> int:
    from engine.settings import learner_name

    target = _target(args.path, args.lang)
    if target is None:
        print(
            "lectio: no course found; pass a course folder, a lesson or a quiz file",
            file=sys.stderr,
        )
        return 1
    if args.served and not args.learner:
        print("lectio: --served needs --learner", file=sys.stderr)
        return 2
    learner = learner_name(args.learner)
    why = enable_sandbox(args)
    if why is not None:
        print(f"lectio: --sandbox: cannot make a kernel sandbox: {why}", file=sys.stderr)
        return 1
    plain = args.plain or (os.environ.get("LECTIO_PLAIN") == "1" and not args.served)
    if args.watch:
        problem = _watch_problem(Path(target), plain)
        if problem is not None:
            print(f"lectio open: error: --watch: {problem}", file=sys.stderr)
            return 2
    if plain:
        from engine.plain.app import run_plain

        return run_plain(
            target,
            data_dir=args.data_dir,
            learner=learner,
            lang=args.lang,
            restart=args.restart,
            store_url=args.store,
            pager=args.pager,
        )
    return _run_tui(Path(target), args, learner)


def _watch_problem(target: Path, plain: bool) -> str | None:
    """Why ``--watch`` cannot be used here, or None."""
    import importlib.util

    if plain:
        return "reloading is for the full-screen interface, not --plain"
    if target.is_dir() or target.name in ("course.yaml", "course.yml") or not target.is_file():
        return f"{target} is not a lesson file; --watch reloads one lesson"
    if importlib.util.find_spec("watchfiles") is None:
        return "it needs the watchfiles package: pip install 'lectio[watch]'"
    return None


def _run_tui(target: Path, args: argparse.Namespace, learner: str) -> int:
    """The full-screen interface, with the cyclic garbage collector off until its first content
    is drawn (:func:`engine.tui.app.end_startup_gc` turns it back on, and so does the end of
    the interface, whatever happens): importing Textual, the store and the outline, then
    composing the first screen, make hundreds of thousands of objects that all live on, and
    the collector's passes over them were about 30 ms of the first frame."""
    import gc

    gc.disable()
    try:
        return _start_tui(target, args, learner)
    finally:
        gc.enable()


def _start_tui(target: Path, args: argparse.Namespace, learner: str) -> int:
    """The interface, given a store opened here: a store that cannot be used is
    one line and status 1 before the screen is taken over (inside the app it would be a
    Textual crash report), and the same goes for a store error the interface lets through."""
    try:
        from engine.tui.app import run_app  # lazily: Textual is heavy, and plain mode avoids it
    except ImportError as exc:
        print(
            f"lectio: the full-screen interface is not available ({exc}); "
            f"use --plain for the line mode",
            file=sys.stderr,
        )
        return 1
    with learner_store(args.data_dir, args.store) as opened:  # before the screen is taken over
        store: Store = opened
        if args.served:  # a browser session of lectio serve: this learner's records only
            from engine.store.scoped import ScopedStore

            store = ScopedStore(opened, learner)
        data_dir = Path(args.data_dir) if args.data_dir else None
        return int(
            run_app(
                target,
                data_dir=data_dir,
                lang=args.lang,
                learner=learner,
                store=store,
                watch=args.watch,
            )
            or 0
        )
