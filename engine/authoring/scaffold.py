"""``lectio new course ID`` and ``lectio new lesson ID``: starting files that already validate.

Each file starts with the YAML language server's modeline (docs/editor-setup.md), pointing at
the nearest ``docs/schema/lectio.schema.json`` or ``lectio.schema.json`` above it; when there is
none, ``lectio.schema.json`` is written beside the course folder, so completion and checking
work in the editor from the first keystroke. A new lesson in a course is listed in its
``course.yaml`` by a textual edit (:mod:`engine.authoring.course_edit`) that keeps the author's
comments.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.authoring.course_edit import add_lesson
from engine.format.catalog import course_file
from engine.format.models import SLUG_RE

SCHEMA_NAMES = (Path("docs") / "schema" / "lectio.schema.json", Path("lectio.schema.json"))
MODELINE = "# yaml-language-server: $schema={path}\n"


class ScaffoldError(ValueError):
    """A file cannot be created (bad id, it exists, no course there); the message says why."""


@dataclass
class Created:
    """What a scaffold command wrote."""

    files: list[Path] = field(default_factory=list)
    edited: list[Path] = field(default_factory=list)


def check_id(value: str, what: str) -> None:
    if not re.match(SLUG_RE, value) or len(value) > 80:
        raise ScaffoldError(
            f"{value!r} is not a valid {what} id: use lowercase letters, digits and dashes, "
            "starting with a letter or digit (e.g. first-steps)"
        )


def title_of(slug: str) -> str:
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def find_schema(start: Path) -> Path | None:
    """The nearest lectio schema file at or above ``start`` (stops at a repository root)."""
    for folder in [start, *start.parents]:
        for name in SCHEMA_NAMES:
            if (folder / name).is_file():
                return folder / name
        if (folder / ".git").exists():
            return None
    return None


def _ensure_schema(near: Path, created: Created) -> Path:
    found = find_schema(near.resolve())
    if found is not None:
        return found
    from engine.format.schema_json import json_schema

    path = near / "lectio.schema.json"
    path.write_text(json.dumps(json_schema("all"), indent=2, ensure_ascii=False) + "\n")
    created.files.append(path)
    return path


def modeline(file: Path, schema: Path) -> str:
    relative = os.path.relpath(schema.resolve(), file.parent.resolve())
    return MODELINE.format(path=Path(relative).as_posix())


def lesson_text(lesson_id: str, title: str, schema_line: str) -> str:
    return (
        schema_line
        + f"id: {lesson_id}\n"
        + f"title: {_quoted(title)}\n"
        + "blocks:\n"
        + "  - text: |\n"
        + "      Write the lesson's prose here, in Markdown: paragraphs, lists, `code`, $math$.\n"
        + "\n"
        + "  - code: |\n"
        + "      greeting = 'Hello'\n"
        + "      print(greeting)\n"
        + "    id: first-cell\n"
        + "    expect: |\n"
        + "      Hello\n"
        + "\n"
        + "  - question: What does the cell above print?\n"
        + "    id: first-question\n"
        + "    choices:\n"
        + "      - text: Hello\n"
        + "        correct: true\n"
        + "        why: print shows the value of greeting.\n"
        + "      - text: greeting\n"
        + "        why: print shows the variable's value, not its name.\n"
    )


def course_text(course_id: str, title: str, language: str, first: str, schema_line: str) -> str:
    return (
        schema_line
        + f"id: {course_id}\n"
        + f"title: {_quoted(title)}\n"
        + f"language: {language}\n"
        + "description: |\n"
        + "  What the learner will be able to do at the end, in a sentence or two.\n"
        + "sections:\n"
        + '  - title: "Getting started"\n'
        + f"    lessons: [{first}]\n"
    )


def new_course(
    course_id: str,
    parent: Path,
    *,
    title: str | None = None,
    language: str = "en",
    first_lesson: str = "introduction",
) -> Created:
    """``parent/course_id/course.yaml`` and its first lesson."""
    check_id(course_id, "course")
    check_id(first_lesson, "lesson")
    if not parent.is_dir():
        raise ScaffoldError(f"{parent}: no such folder")
    folder = parent / course_id
    if folder.exists():
        raise ScaffoldError(f"{folder}: already exists; choose another id or folder")
    created = Created()
    schema = _ensure_schema(parent, created)
    folder.mkdir()
    course_path = folder / "course.yaml"
    lesson_path = folder / f"{first_lesson}.yaml"
    course_path.write_text(
        course_text(
            course_id,
            title or title_of(course_id),
            language,
            first_lesson,
            modeline(course_path, schema),
        )
    )
    lesson_path.write_text(
        lesson_text(first_lesson, title_of(first_lesson), modeline(lesson_path, schema))
    )
    created.files[:0] = [course_path, lesson_path]
    return created


def new_lesson(
    lesson_id: str,
    folder: Path,
    *,
    title: str | None = None,
    section: str | None = None,
) -> Created:
    """``folder/lesson_id.yaml``; listed in ``folder``'s course file when it has one."""
    check_id(lesson_id, "lesson")
    if not folder.is_dir():
        raise ScaffoldError(f"{folder}: no such folder")
    path = folder / f"{lesson_id}.yaml"
    if path.exists() or (folder / f"{lesson_id}.yml").exists():
        raise ScaffoldError(f"{path}: already exists; choose another id")
    course = course_file(folder)
    edited: str | None = None
    if course is not None:
        text = course.read_bytes().decode("utf-8")
        edited = add_lesson(text, lesson_id, str(course), section)
    elif section is not None:
        raise ScaffoldError(f"--section: {folder} holds no course.yaml to add the lesson to")
    created = Created()
    schema = _ensure_schema(folder.parent if course is not None else folder, created)
    path.write_text(lesson_text(lesson_id, title or title_of(lesson_id), modeline(path, schema)))
    created.files.insert(0, path)
    if course is not None and edited is not None:
        course.write_bytes(edited.encode("utf-8"))
        created.edited.append(course)
    return created
