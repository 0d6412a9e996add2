"""`lectio schema [lesson|course|quiz|all]`: print the JSON Schema of lectio files.

Editors with the YAML language server use it to complete and check keys as an author types
(docs/editor-setup.md). The default, ``all``, fits any lectio file: it picks the course schema
when the file has ``sections:``, the quiz schema when it has ``questions:``, else the lesson
schema, so one schema can be wired to a whole ``lessons/`` and ``quizzes/`` tree.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.cli.common import emit

KINDS = ("lesson", "course", "quiz", "all")


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "schema",
        help="print the JSON Schema of lesson, course or quiz files (for editors)",
        description="Print the JSON Schema (draft-07) of lectio files, for the YAML language "
        "server and other tools. KIND is lesson, course, quiz or all (default: all, which "
        "fits any lectio file).",
    )
    parser.add_argument(
        "kind",
        nargs="?",
        choices=KINDS,
        default="all",
        metavar="KIND",
        help="lesson, course, quiz or all (default all)",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the schema to FILE instead of standard output"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from engine.format.schema_json import json_schema

    text = json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    failure = emit(text, args.output)
    if failure is not None:
        print(f"lectio schema: error: {args.output}: {failure}", file=sys.stderr)
        return 2
    return 0
