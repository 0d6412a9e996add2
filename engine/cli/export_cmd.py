"""`lectio export PATH --to ipynb|md|qti|gift [-o OUT]`: a lesson as a notebook, or its
questions (a lesson's or a quiz's) as an LMS question bank.

Exit status 0 when written, 1 when the input does not load (its located problems are printed),
2 for a usage error (an unknown format, a notebook format asked of a quiz, a missing package).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("ipynb", "md", "qti", "gift")
SUFFIX = {"ipynb": ".ipynb", "md": ".md", "qti": ".zip", "gift": ".gift.txt"}


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "export",
        help="export a lesson as a notebook, or questions for an LMS (QTI, GIFT)",
        description="Export a lesson as a Jupyter notebook (ipynb) or a jupytext Markdown "
        "notebook (md), which lectio import reads back into the same lesson; or the "
        "questions of a lesson or quiz as a QTI 2.1 package (a zip Canvas and Moodle "
        "import) or Moodle GIFT text, each choice's why as its feedback.",
    )
    parser.add_argument("path", metavar="PATH", help="a lesson file (or, for qti/gift, a quiz)")
    parser.add_argument("--to", required=True, choices=FORMATS, help="ipynb, md, qti or gift")
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="where to write (default: PATH with the format's suffix, beside it; - for "
        "standard output, except qti)",
    )
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        help="resolve a quiz's refs against this lessons folder (default: the lessons/ beside "
        "the quiz's quizzes/)",
    )
    parser.set_defaults(func=run)


def _load(path: Path) -> Any:
    from engine.format.loader import parse_document, read_bytes
    from engine.format.problems import LoadError

    try:
        doc, problems = parse_document(read_bytes(path), str(path))
    except LoadError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return None
    return doc


def run(args: argparse.Namespace) -> int:
    from engine.authoring.notebook_export import MissingDependencyError
    from engine.format.models import Lesson, Quiz

    path = Path(args.path)
    if not path.is_file():
        print(f"lectio export: error: {path}: no such file", file=sys.stderr)
        return 2
    doc = _load(path)
    if doc is None:
        return 1
    if args.to in ("ipynb", "md") and not isinstance(doc, Lesson):
        print(
            f"lectio export: error: {path}: --to {args.to} exports a lesson; this file is a "
            f"{'quiz' if isinstance(doc, Quiz) else 'course'} (qti and gift export quizzes)",
            file=sys.stderr,
        )
        return 2
    if not isinstance(doc, Lesson | Quiz):
        print(f"lectio export: error: {path}: a course file; export its lessons", file=sys.stderr)
        return 2
    output = args.output or str(path.with_suffix(SUFFIX[args.to]))
    try:
        if isinstance(doc, Lesson) and args.to in ("ipynb", "md"):
            from engine.authoring.notebook_export import export_notebook

            data: bytes = export_notebook(doc, args.to).encode("utf-8")
        else:
            from engine.authoring.lms import LmsError, export_questions

            try:
                data = export_questions(doc, args.to, path, lessons=args.lessons)
            except LmsError as exc:
                print(f"lectio export: error: {exc}", file=sys.stderr)
                return 1
    except MissingDependencyError as exc:
        print(f"lectio export: error: {exc}", file=sys.stderr)
        return 2
    if output == "-":
        if args.to == "qti":
            print("lectio export: error: a QTI package is a zip; give -o FILE", file=sys.stderr)
            return 2
        sys.stdout.write(data.decode("utf-8"))
        return 0
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        print(f"lectio export: error: {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {output}")
    return 0
