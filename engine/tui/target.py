"""What ``lectio open PATH`` (or plain ``lectio``) opens: a course, a lesson or a quiz.

The meaning of a path is the session's (:mod:`engine.session.targets`, shared with plain mode);
this module adds the bundled course for a bare ``lectio`` and keeps, for a lesson inside a course,
the whole course folder (for the chapter menu). YAML only, no torch. Problems are raised as
:class:`LoadError` (located messages) for the CLI to print.

:func:`preview_target` is the cheap part that runs before the first frame: a course's outline
(:mod:`engine.format.outline`), without the models, so the course map is the first screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import engine
from engine.format.files import course_file
from engine.format.problems import LoadError, Problem
from engine.format.spans import Span

if TYPE_CHECKING:  # the models are imported by the full load, after the first frame
    from engine.format.catalog import LoadedCourse, QuizQuestion
    from engine.format.models import Course, Lesson, Quiz
    from engine.format.outline import CourseOutline

BUNDLED_COURSE = "pytorch-essentials"


@dataclass
class OpenTarget:
    """A resolved target: exactly one of ``course`` (with its lessons), ``lesson`` or ``quiz``;
    or, before the full load, only the course's ``outline``."""

    path: Path
    loaded: LoadedCourse | None = None  # the course folder (also set for a lesson inside one)
    lesson: Lesson | None = None  # a lesson opened directly
    quiz: Quiz | None = None
    quiz_items: list[QuizQuestion] = field(default_factory=list)  # refs resolved
    outline: CourseOutline | None = None  # the unvalidated table of contents (preview only)
    unavailable: dict[str, list[Problem]] = field(default_factory=dict)
    """Chapters whose file is broken, by lesson id, with the located problems (not opened)."""

    @property
    def course(self) -> Course | None:
        return self.loaded.course if self.loaded else None

    @property
    def language(self) -> str:
        """The language of what is opened (lesson, then quiz, then course), default English."""
        if self.lesson is not None and self.lesson.language:
            return self.lesson.language
        if self.quiz is not None and self.quiz.language:
            return self.quiz.language
        if self.course is not None:
            return self.course.language
        if self.outline is not None:
            return self.outline.language
        return "en"


def bundled_course() -> Path | None:
    """The course shipped with lectio: beside the package, or in ``./lessons``."""
    for root in (Path(engine.__file__).resolve().parent.parent / "lessons", Path.cwd() / "lessons"):
        candidate = root / BUNDLED_COURSE
        if course_file(candidate) is not None:
            return candidate
    return None


def preview_target(target: Path | None) -> OpenTarget | None:
    """The outline of the course ``target`` names (None: the bundled course), read without the
    models; None when ``target`` is not a course or its outline is unclear (the full load then
    comes first and says what is wrong)."""
    from engine.format.outline import read_outline

    path = bundled_course() if target is None else target
    if path is None:
        return None
    outline = read_outline(path)
    return OpenTarget(path=path, outline=outline) if outline is not None else None


def resolve_target(target: Path | None) -> OpenTarget:
    """Resolve ``target`` (None: the bundled course) with the session's :func:`open_target`;
    raise :class:`LoadError` if it cannot be studied.

    A lesson that its course lists is opened inside the course (chapter menu, previous / next).
    """
    from engine.format.catalog import load_course_dir
    from engine.session.targets import CourseTarget, LessonTarget, broken_chapters, open_target

    if target is None:
        found = bundled_course()
        if found is None:
            raise LoadError(
                [
                    Problem(
                        Span("lessons", 1, 1),
                        f"the bundled course '{BUNDLED_COURSE}' was not found",
                    )
                ]
            )
        target = found
    opened = open_target(target)
    if isinstance(opened, CourseTarget):
        return OpenTarget(path=target, loaded=opened.loaded, unavailable=opened.unavailable)
    if isinstance(opened, LessonTarget):
        lesson = opened.lesson
        loaded = None
        if opened.course is not None:
            loaded = load_course_dir(Path(lesson.path).parent)
            lesson = loaded.lessons.get(lesson.id, lesson)
        return OpenTarget(
            path=target,
            loaded=loaded,
            lesson=lesson,
            unavailable=broken_chapters(loaded) if loaded else {},
        )
    return OpenTarget(path=target, quiz=opened.quiz, quiz_items=list(opened.items))
