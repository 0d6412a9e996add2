"""`lectio serve [PATH] [--host] [--port]`: a class in browsers (see :mod:`engine.serve.web`).

Binds to localhost unless ``--host`` says otherwise, and says so. Every kernel is sandboxed: if
a sandbox cannot be made here, serve refuses to start unless ``--no-sandbox`` is given. The
store (``--store`` / ``$LECTIO_STORE``, else the data folder's SQLite file) is passed to each
session through the environment, not the command line (a URL may hold a password).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from engine.cli.common import add_store_arguments


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve a course to learners' browsers (needs lectio[web])",
        description="Serve a course to browsers: learners sign in with the code "
        "'lectio learners add NAME' printed; each gets a lectio session of their own.",
    )
    parser.add_argument("path", nargs="?", help="course, lesson or quiz (default: the bundled one)")
    parser.add_argument("--host", default="localhost", help="address to bind (default: localhost)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument(
        "--public-url", metavar="URL", help="the address browsers use, behind a reverse proxy"
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run learners' kernels UNCONFINED if no sandbox can be made (not recommended)",
    )
    parser.add_argument("--lang", help="interface language (default: the lesson's)")
    add_store_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from engine.serve.web import build_server, describe_bind, lessons_path

    try:
        import textual_serve  # noqa: F401
    except ImportError as exc:
        print(
            f"lectio serve: needs textual-serve ({exc}): pip install 'lectio[web]'", file=sys.stderr
        )
        return 1
    from engine.execution import sandbox
    from engine.serve.accounts import accounts, sign_in
    from engine.session.bundled import bundled_course
    from engine.store import STORE_ENV, open_store, store_url

    bundled = bundled_course()
    target = args.path or (str(bundled) if bundled is not None else None)
    if target is None:
        print("lectio serve: no course found; pass a course folder", file=sys.stderr)
        return 1
    why = sandbox.problem()
    if why is not None and not args.no_sandbox:
        print(f"lectio serve: cannot sandbox learners' kernels: {why}", file=sys.stderr)
        print("lectio serve: refusing to run them unconfined (--no-sandbox to do so anyway)",
              file=sys.stderr)  # fmt: skip
        return 1
    if why is None:
        os.environ[sandbox.SANDBOX_ENV] = "1"  # inherited by every session, hence its kernels
    else:
        print(f"lectio serve: WARNING: kernels run unconfined ({why})", file=sys.stderr)
    url = store_url(args.store)
    if url:
        os.environ[STORE_ENV] = url
    extra = ["--data-dir", args.data_dir] if args.data_dir else []
    if args.lang:
        extra += ["--lang", args.lang]
    store = open_store(args.data_dir, url)
    for warning in store.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    learners = accounts(store).learners()
    server = build_server(
        lessons_path(target),
        sign_in=lambda code: sign_in(store, code),
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        extra_args=extra,
        lang=args.lang,
        title=_title(target),
    )
    print(f"lectio serve: {target} on {describe_bind(args.host, args.port)}", flush=True)
    print(
        f"lectio serve: {len(learners)} learners can sign in"
        + ("" if learners else "; add some with: lectio learners add NAME"),
        flush=True,
    )
    try:
        server.serve()
    finally:
        store.close()
    return 0


def _title(target: str) -> str:
    """The course's (or lesson's) title for the sign-in page; the path if it does not load."""
    from engine.session.targets import CourseTarget, LessonTarget, QuizTarget, open_target

    try:
        opened = open_target(target)
    except Exception:
        return target
    if isinstance(opened, CourseTarget):
        return opened.course.title
    if isinstance(opened, LessonTarget):
        return opened.lesson.title
    if isinstance(opened, QuizTarget):
        return opened.quiz.title
    return target
