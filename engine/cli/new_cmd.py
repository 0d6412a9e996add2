"""`lectio new course ID` and `lectio new lesson ID`: files to start from, which validate.

Exit status 0 when the files were written, 1 when they cannot be (the id is taken, the course
file cannot be edited safely), 2 for a usage error (a bad id, a folder that does not exist).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "new",
        help="create a course or a lesson to start from (files that validate)",
        description="Create a course folder (course.yaml and a first lesson) or a lesson file, "
        "with the schema modeline editors read. A lesson made in a course folder is listed "
        "in its course.yaml (comments kept).",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    course = kinds.add_parser(
        "course",
        help="a course folder with course.yaml and a first lesson",
        description="Create DIR/ID/course.yaml and DIR/ID/introduction.yaml.",
    )
    course.add_argument("id", metavar="ID", help="the course id (lowercase, digits, dashes)")
    course.add_argument(
        "--dir",
        metavar="DIR",
        help="the folder to create the course in (default: ./lessons if it exists, else .)",
    )
    course.add_argument("--title", metavar="TEXT", help="the course title (default: from ID)")
    course.add_argument(
        "--language", metavar="TAG", default="en", help="a language tag such as en or pt-BR"
    )
    course.add_argument(
        "--first-lesson",
        metavar="ID",
        default="introduction",
        help="the id of the first lesson (default introduction)",
    )
    course.set_defaults(func=run)
    lesson = kinds.add_parser(
        "lesson",
        help="a lesson file (listed in its course when made in a course folder)",
        description="Create ID.yaml in the course folder (listed in its course.yaml, in the "
        "last section or in --section) or, outside a course, in the current folder.",
    )
    lesson.add_argument("id", metavar="ID", help="the lesson id (lowercase, digits, dashes)")
    lesson.add_argument(
        "--course",
        metavar="DIR",
        help="the course folder to add the lesson to (default: the current folder)",
    )
    lesson.add_argument("--title", metavar="TEXT", help="the lesson title (default: from ID)")
    lesson.add_argument(
        "--section",
        metavar="TITLE",
        help="list the lesson in the section with this title (created if there is none)",
    )
    lesson.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from engine.authoring.course_edit import CourseEditError
    from engine.authoring.scaffold import ScaffoldError, check_id, new_course, new_lesson
    from engine.format.catalog import course_file

    try:
        check_id(args.id, args.kind)
    except ScaffoldError as exc:
        print(f"lectio new: error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.kind == "course":
            parent = Path(args.dir) if args.dir else _default_parent()
            if not parent.is_dir():
                print(f"lectio new: error: --dir {parent}: no such folder", file=sys.stderr)
                return 2
            created = new_course(
                args.id,
                parent,
                title=args.title,
                language=args.language,
                first_lesson=args.first_lesson,
            )
        else:
            folder = Path(args.course) if args.course else Path.cwd()
            if not folder.is_dir():
                print(f"lectio new: error: --course {folder}: no such folder", file=sys.stderr)
                return 2
            if args.course and course_file(folder) is None:
                print(
                    f"lectio new: error: --course {folder}: no course.yaml there", file=sys.stderr
                )
                return 2
            created = new_lesson(args.id, folder, title=args.title, section=args.section)
    except (ScaffoldError, CourseEditError) as exc:
        print(f"lectio new: error: {exc}", file=sys.stderr)
        return 1
    for path in created.files:
        print(f"created {path}")
    for path in created.edited:
        print(f"listed {args.id} in {path}")
    return 0


def _default_parent() -> Path:
    lessons = Path("lessons")
    return lessons if lessons.is_dir() else Path()
