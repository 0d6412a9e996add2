"""A course's table of contents, read fast and without validation, for the first screen.

Validating a course means importing the models (pydantic builds its validators at import, a
tenth of a second or more) and checking every lesson; the course map only needs the course's
title and sections and each lesson's id, title and number of blocks. :func:`read_outline` reads
those with the safe YAML reader alone (a few milliseconds for a whole course), so a front end
can draw the map at once and run the full load (:func:`engine.format.catalog.load_course_dir`,
which reports every problem) just after. The outline is a preview: it never replaces the
validated load, and anything it does not understand makes it give up (``None``) rather than
guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.format.files import course_file, lesson_files
from engine.format.problems import LoadError
from engine.format.yamlsafe import MAX_BYTES, read_yaml


@dataclass(frozen=True)
class LessonOutline:
    """What the course map shows of a lesson file."""

    id: str
    title: str
    path: Path
    language: str | None
    blocks: tuple[str, ...]
    """The kind of each block, in order (``text``, ``code``, ``question`` ...)."""


@dataclass(frozen=True)
class SectionOutline:
    title: str
    lessons: tuple[str, ...]


@dataclass(frozen=True)
class CourseOutline:
    """A course folder's ``course.yaml`` and the lessons beside it, unvalidated."""

    path: Path
    """The course folder."""
    id: str
    title: str
    language: str
    description: str | None
    sections: tuple[SectionOutline, ...]
    lessons: dict[str, LessonOutline] = field(default_factory=dict)
    """The lesson files that look like lessons, by id (the first file wins a duplicate id)."""

    @property
    def lesson_ids(self) -> list[str]:
        return [lesson for section in self.sections for lesson in section.lessons]


def read_outline(path: str | Path) -> CourseOutline | None:
    """The outline of the course folder ``path`` (or of its ``course.yaml``); ``None`` when it
    is not a course folder or its ``course.yaml`` is not plainly readable, in which case the
    caller does the full load, which says what is wrong."""
    folder = Path(path)
    if folder.name in ("course.yaml", "course.yml"):
        folder = folder.parent
    try:
        if not folder.is_dir():
            return None
        file = course_file(folder)
        if file is None:
            return None
        data = _read(file)
        if not isinstance(data, dict):
            return None
        course = _course(folder, data)
        if course is None:
            return None
        for lesson_file in lesson_files(folder):
            lesson = _lesson(lesson_file, _read(lesson_file), course.language)
            if lesson is not None and lesson.id not in course.lessons:
                course.lessons[lesson.id] = lesson
        return course
    except OSError:
        return None


def _read(file: Path) -> Any:
    """The file's YAML data, or None if it is too big or not valid YAML."""
    if file.stat().st_size > MAX_BYTES:
        return None
    try:
        data, _ = read_yaml(file.read_bytes(), str(file))
    except LoadError:
        return None
    return data


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _course(folder: Path, data: dict[str, Any]) -> CourseOutline | None:
    course_id, title = _text(data.get("id")), _text(data.get("title"))
    sections_data = data.get("sections")
    if course_id is None or title is None or not isinstance(sections_data, list):
        return None
    sections: list[SectionOutline] = []
    for section in sections_data:
        if not isinstance(section, dict):
            return None
        section_title, lessons = _text(section.get("title")), section.get("lessons")
        if (
            section_title is None
            or not isinstance(lessons, list)
            or not all(isinstance(i, str) for i in lessons)
        ):
            return None
        sections.append(SectionOutline(section_title, tuple(lessons)))
    language = _text(data.get("language")) or "en"
    return CourseOutline(
        path=folder,
        id=course_id,
        title=title,
        language=language,
        description=_text(data.get("description")),
        sections=tuple(sections),
    )


BLOCK_KINDS = ("text", "note", "code", "graph", "question", "figure")
"""As in :mod:`engine.format.models` (not imported from there: that is the cost avoided)."""


def _kind(block: Any) -> str:
    """The block's kind: the first of its keys that names one; ``?`` when none does."""
    if isinstance(block, dict):
        return next((key for key in block if key in BLOCK_KINDS), "?")
    return "?"


def _lesson(file: Path, data: Any, course_language: str) -> LessonOutline | None:
    if not isinstance(data, dict):
        return None
    lesson_id, title, blocks = _text(data.get("id")), _text(data.get("title")), data.get("blocks")
    if lesson_id is None or title is None or not isinstance(blocks, list):
        return None
    kinds = tuple(_kind(block) for block in blocks)
    return LessonOutline(
        id=lesson_id,
        title=title,
        path=file,
        language=_text(data.get("language")) or course_language,
        blocks=kinds,
    )
