"""`lectio import SOURCE... [-o DIR]`: notebooks and tutorials as lesson files that validate.

Each source becomes ``DIR/<id>.yaml`` (the id from the file name, or from the notebook's lectio
metadata), with its pictures beside it. The report of what could not be mapped (with source
cell numbers) is printed and kept as comments at the top of the lesson file, for the author
to review and delete. When DIR is a course folder, the lesson is listed in its course.yaml.

Exit status 0 when every source was imported, 1 when one could not be read (its located
message is printed; the others are still imported), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "import",
        help="turn Jupyter notebooks, jupytext scripts, sphinx-gallery tutorials and "
        "Markdown notebooks into lessons",
        description="Import notebooks (.ipynb), jupytext percent scripts (.py with # %%), "
        "sphinx-gallery tutorials (.py) and MyST/jupytext Markdown notebooks (.md) as lesson "
        "files. Stored outputs become expect, nbval markers and tags are honoured, IPython "
        "magics become listings or are dropped; what could not be mapped is reported with "
        "its cell number.",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="the files to import")
    parser.add_argument(
        "--output",
        "-o",
        metavar="DIR",
        default=".",
        help="the folder to write the lessons in, made if missing (default: the current "
        "folder); a course folder lists them in its course.yaml",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite lesson files that already exist"
    )
    parser.set_defaults(func=run)


def _header(notes: list[str], source: Path, lesson: Path) -> str:
    from engine.authoring.scaffold import find_schema, modeline

    lines = []
    schema = find_schema(lesson.parent.resolve())
    if schema is not None:
        lines.append(modeline(lesson, schema).rstrip("\n"))
    lines.append(f"# Imported from {source.name} by lectio import.")
    if notes:
        lines.append("# To review (then delete these lines):")
        lines.extend(f"#   {' '.join(note.split())}" for note in notes)
    return "\n".join(lines) + "\n"


def _write(imported: Any, out_dir: Path, force: bool) -> tuple[Path | None, str | None]:
    from engine.authoring.lessonyaml import dump_lesson

    lesson_id = imported.data["id"]
    target = out_dir / f"{lesson_id}.yaml"
    if target.exists() and not force:
        return None, f"{target}: already exists (give --force to overwrite)"
    notes = [note.located(imported.source.name) for note in imported.notes.items]
    text = dump_lesson(imported.data, header=_header(notes, imported.source, target))
    for relative, data in imported.assets.items():
        file = out_dir / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
    for relative, source in imported.copies.items():
        file = out_dir / relative
        if file.resolve() != source.resolve():
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(source.read_bytes())
    target.write_text(text, encoding="utf-8")
    return target, None


def run(args: argparse.Namespace) -> int:
    from engine.authoring.notebook_export import MissingDependencyError
    from engine.authoring.notebook_import import SourceError, import_source

    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        print(f"lectio import: error: -o {out_dir}: not a folder", file=sys.stderr)
        return 2
    missing = [s for s in args.sources if not Path(s).is_file()]
    if missing:
        for source in missing:
            print(f"lectio import: error: {source}: no such file", file=sys.stderr)
        return 2
    try:  # as nbconvert's --output-dir and jupytext's --output do; after the sources are found
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        print(f"lectio import: error: -o {out_dir}: cannot make it: {reason}", file=sys.stderr)
        return 2
    status = 0
    for raw in args.sources:
        source = Path(raw)
        try:
            imported = import_source(source)
        except SourceError as exc:
            print(exc, file=sys.stderr)
            status = 1
            continue
        except MissingDependencyError as exc:
            print(f"lectio import: error: {exc}", file=sys.stderr)
            return 2
        target, problem = _write(imported, out_dir, args.force)
        if problem is not None or target is None:
            print(f"lectio import: error: {problem}", file=sys.stderr)
            status = 1
            continue
        for note in imported.notes.items:
            print(note.located(str(source)))
        print(f"{source} -> {target} ({len(imported.data['blocks'])} blocks)")
        status = max(status, _list_in_course(out_dir, imported.data["id"]))
    return status


def _list_in_course(out_dir: Path, lesson_id: str) -> int:
    from engine.authoring.course_edit import CourseEditError, add_lesson
    from engine.format.catalog import course_file

    course = course_file(out_dir)
    if course is None:
        return 0
    text = course.read_bytes().decode("utf-8")
    try:
        edited = add_lesson(text, lesson_id, str(course))
    except CourseEditError as exc:
        if "already lists" in str(exc):
            return 0
        print(f"{course}:1:1: could not list {lesson_id} in the course: {exc}", file=sys.stderr)
        return 1
    course.write_bytes(edited.encode("utf-8"))
    print(f"listed {lesson_id} in {course}")
    return 0
