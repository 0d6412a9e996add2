"""A lesson's first screen, known before its validated load: the header, the progress bar and
the prose it opens with, read from the file's outline and the learner's saved position.

Opening a lesson directly means importing the models (pydantic) and validating the lesson and
its course, about half of the time to its first content; :func:`preview_lesson` reads what the
first screen shows with the safe YAML reader and the store alone, so a front end draws it at
once and replaces it with the validated screen a moment later (docs/tui.md). Like the course
outline, it is a preview: anything it cannot read plainly makes it give up (``None``: the front
end shows its loading screen instead), and it never replaces the validated load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.format.files import COURSE_FILES, course_file
from engine.format.outline import LessonOutline, ProseOutline, read_lesson_draft, read_outline
from engine.i18n import resolve

if TYPE_CHECKING:
    from engine.session.study import Chapter
    from engine.store.base import Store

FIRST_WINDOW = 5
"""Blocks a lesson screen composes before its first frame (the rest is mounted after it)."""


def first_window(resume_at: int, total: int, size: int = FIRST_WINDOW) -> range:
    """The ``size`` blocks a lesson screen composes before its first frame, for a learner
    resuming at block ``resume_at`` of ``total``: from the block before it, for context."""
    start = max(0, min(resume_at, total - 1) - 1)
    return range(start, min(total, start + size))


@dataclass(frozen=True)
class LessonPreview:
    """What the first screen of a lesson shows, unvalidated."""

    lesson: LessonOutline
    lang: str
    """The interface language (a catalog key), as the validated screen resolves it."""
    course_title: str | None
    """The course that lists the lesson, if one does."""
    chapter: Chapter | None
    """Its place in that course (section, number), if listed."""
    previous: bool
    following: bool
    """There is a chapter to go to (the footer offers Next chapter only then)."""
    position: int
    """Where the learner stands (the progress bar)."""
    start: int
    """The index of the first block drawn: the validated screen's first window starts there."""
    blocks: tuple[ProseOutline, ...]
    """The prose of that window, up to its first block of another kind."""


def preview_lesson(
    path: str | Path,
    store: Store,
    *,
    learner: str,
    lang_override: str | None = None,
    cache_dir: Path | None = None,
) -> LessonPreview | None:
    """The first screen of the lesson file ``path``, or None when ``path`` is not plainly a
    lesson (a course, a quiz, a file that does not read as one) or the store cannot say where
    the learner is. ``cache_dir``: see :func:`~engine.format.outline.read_outline`."""
    from engine.store.base import StoreError

    file = Path(path)
    try:
        if not file.is_file() or file.name in COURSE_FILES:
            return None
        folder = file.parent
        course = read_outline(folder, cache_dir) if course_file(folder) is not None else None
        draft = (
            next((d for d in course.drafts.values() if d.outline.path == file), None)
            if course is not None
            else None
        )
        if draft is None:
            draft = read_lesson_draft(file, course.language if course is not None else "en")
    except OSError:
        return None
    if draft is None:
        return None
    lesson = draft.outline
    course_title = chapter = None
    previous = following = False
    course_id = ""
    if course is not None and lesson.id in course.lesson_ids:
        listed = course.lessons.get(lesson.id)
        if listed is None or listed.path.resolve() != file.resolve():
            return None  # another file has its id: the full load decides which one it is
        from engine.session.study import Study

        study = Study(course, store, learner=learner, lang_override=lang_override)
        chapter = study.chapter(lesson.id)
        previous = study.neighbour(lesson.id, -1) is not None
        following = study.neighbour(lesson.id, +1) is not None
        course_title, course_id = course.title, course.id
    try:
        saved = store.load_progress(learner, course_id, lesson.id)
    except StoreError:
        return None
    total = len(lesson.blocks)
    position = min(max(saved.position, 0), total) if saved is not None else 0
    # LessonSession.resume_at, which needs the validated lesson: a finished chapter (the
    # learner reached its end) reopens at its top.
    window = first_window(0 if position >= total else position, total)
    return LessonPreview(
        lesson=lesson,
        lang=resolve(lang_override or lesson.language or "en"),
        course_title=course_title,
        chapter=chapter,
        previous=previous,
        following=following,
        position=position,
        start=window.start,
        blocks=draft.opening(window.start, len(window)),
    )
