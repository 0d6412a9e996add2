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
from functools import partial
from pathlib import Path
from typing import Any

from engine.format.files import COURSE_FILES, course_file, lesson_files


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
    drafts: dict[str, LessonDraft] = field(default_factory=dict, repr=False)
    """Those lessons' drafts (what a lesson's first screen is drawn from), by id."""

    @property
    def lesson_ids(self) -> list[str]:
        return [lesson for section in self.sections for lesson in section.lessons]


def read_outline(path: str | Path, cache_dir: Path | None = None) -> CourseOutline | None:
    """The outline of the course folder ``path`` (or of its ``course.yaml``); ``None`` when it
    is not a course folder or its ``course.yaml`` is not plainly readable, in which case the
    caller does the full load, which says what is wrong. ``cache_dir``: where what is read of
    each file is kept between runs (:mod:`engine.format.outline_cache`; unchanged files are
    then not parsed again, and PyYAML not even imported)."""
    folder = Path(path)
    if folder.name in COURSE_FILES:
        folder = folder.parent
    try:
        if not folder.is_dir():
            return None
        file = course_file(folder)
        if file is None:
            return None
        read = _kept
        cache = None
        if cache_dir is not None:
            from engine.format.outline_cache import FolderCache

            cache = FolderCache(cache_dir, folder)
            read = partial(cache.data, read=_kept)
        data = read(file)
        if not isinstance(data, dict):
            return None
        course = _course(folder, data)
        if course is None:
            return None
        for lesson_file in lesson_files(folder):
            draft = _draft(lesson_file, read(lesson_file), course.language)
            if draft is not None and draft.outline.id not in course.lessons:
                course.lessons[draft.outline.id] = draft.outline
                course.drafts[draft.outline.id] = draft
        if cache is not None:
            cache.save()
        return course
    except OSError:
        return None


def _read(file: Path) -> Any:
    """The file's YAML data, or None if it is too big or not valid YAML."""
    from engine.format.problems import LoadError
    from engine.format.yamlsafe import MAX_BYTES, read_yaml

    if file.stat().st_size > MAX_BYTES:
        return None
    try:
        data, _ = read_yaml(file.read_bytes(), str(file))
    except LoadError:
        return None
    return data


_COURSE_KEYS = ("id", "title", "language", "description", "sections")
_LESSON_KEYS = ("id", "title", "language", "blocks")


def _kept(file: Path) -> Any:
    """What the outline reads of ``file``'s data (all of it that matters here, so the outline
    is the same from this as from the whole data): a course's own values; a lesson's, with each
    block it cannot draw before validation reduced to its kind."""
    data = _read(file)
    if not isinstance(data, dict):
        return data
    if file.name in COURSE_FILES:
        return {key: data[key] for key in _COURSE_KEYS if key in data}
    kept = {key: data[key] for key in _LESSON_KEYS if key in data}
    blocks = kept.get("blocks")
    if isinstance(blocks, list):
        kept["blocks"] = [
            block if _prose(block) is not None else {_kind(block): None} for block in blocks
        ]
    return kept


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


NOTE_KINDS = ("definition", "tip", "info", "warning")
"""As in :class:`engine.format.models.NoteBlock`, whose default kind is ``info``."""
_PROSE_KEYS = {"text": {"text"}, "note": {"note", "kind", "title"}}
"""The keys a text or note block may have (anything else: not drawn before validation)."""


@dataclass(frozen=True)
class TextOutline:
    """A text block as its file writes it, unvalidated, for a lesson's first screen."""

    text: str


@dataclass(frozen=True)
class NoteOutline:
    """A note block as its file writes it, unvalidated, for a lesson's first screen."""

    note: str
    kind: str = "info"
    title: str | None = None


ProseOutline = TextOutline | NoteOutline
"""A block a lesson's first screen can draw before validation."""


@dataclass(frozen=True)
class LessonDraft:
    """A lesson file read with the safe YAML reader alone: its outline, and its blocks as
    written, from which the first screen can be drawn before the models are imported."""

    outline: LessonOutline
    blocks: tuple[Any, ...] = field(repr=False)

    def opening(self, start: int, limit: int) -> tuple[ProseOutline, ...]:
        """Up to ``limit`` blocks from ``start`` on, as long as they are text and note blocks
        that are plainly what the models will make of them: the first block of another kind,
        with a picture, or with a key or value validation might refuse ends the opening (the
        validated screen draws it a moment later)."""
        drawn: list[ProseOutline] = []
        for block in self.blocks[start : start + limit]:
            prose = _prose(block)
            if prose is None:
                break
            drawn.append(prose)
        return tuple(drawn)


def _prose(block: Any) -> ProseOutline | None:
    if not isinstance(block, dict) or not block:
        return None
    kind = _kind(block)
    if kind not in _PROSE_KEYS or not set(block) <= _PROSE_KEYS[kind]:
        return None
    text = _text(block.get(kind))
    if text is None or "![" in text:  # a picture: drawn by the validated screen's widget
        return None
    if kind == "text":
        return TextOutline(text)
    note_kind, title = block.get("kind", "info"), block.get("title")
    if note_kind not in NOTE_KINDS or not (title is None or isinstance(title, str)):
        return None
    return NoteOutline(text, kind=note_kind, title=title)


def _draft(file: Path, data: Any, course_language: str) -> LessonDraft | None:
    lesson = _lesson(file, data, course_language)
    if lesson is None:
        return None
    return LessonDraft(lesson, tuple(data["blocks"]))


def read_lesson_draft(file: Path, course_language: str = "en") -> LessonDraft | None:
    """The lesson file ``file`` read without validation, or None when it is not plainly a
    lesson (a quiz, a broken or odd file: the full load says what it is)."""
    try:
        return _draft(file, _kept(file), course_language)
    except OSError:
        return None
