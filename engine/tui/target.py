"""What ``lectio open PATH`` (or plain ``lectio``) opens: a course, a lesson or a quiz.

The meaning of a path is the session's (:mod:`engine.session.targets`, shared with plain mode);
this module adds the bundled course for a bare ``lectio`` and keeps, for a lesson inside a course,
the whole course folder (for the chapter menu). YAML only, no torch: it runs before the first
frame. Problems are raised as :class:`LoadError` (located messages) for the CLI to print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import engine
from engine.format.catalog import LoadedCourse, QuizQuestion, course_file, load_course_dir
from engine.format.models import Course, Lesson, Quiz
from engine.format.problems import LoadError, Problem
from engine.format.spans import Span

BUNDLED_COURSE = "pytorch-essentials"


@dataclass
class OpenTarget:
    """A resolved target: exactly one of ``course`` (with its lessons), ``lesson`` or ``quiz``."""

    path: Path
    loaded: LoadedCourse | None = None  # the course folder (also set for a lesson inside one)
    lesson: Lesson | None = None  # a lesson opened directly
    quiz: Quiz | None = None
    quiz_items: list[QuizQuestion] = field(default_factory=list)  # refs resolved

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
        return "en"


def bundled_course() -> Path | None:
    """The course shipped with lectio: beside the package, or in ``./lessons``."""
    for root in (Path(engine.__file__).resolve().parent.parent / "lessons", Path.cwd() / "lessons"):
        candidate = root / BUNDLED_COURSE
        if course_file(candidate) is not None:
            return candidate
    return None


def resolve_target(target: Path | None) -> OpenTarget:
    """Resolve ``target`` (None: the bundled course) with the session's :func:`open_target`;
    raise :class:`LoadError` if it cannot be studied.

    A lesson that its course lists is opened inside the course (chapter menu, previous / next).
    """
    from engine.session.targets import CourseTarget, LessonTarget, open_target

    if target is None:
        found = bundled_course()
        if found is None:
            raise LoadError([Problem(Span("lessons", 1, 1),
                                     f"the bundled course '{BUNDLED_COURSE}' was not found")])
        target = found
    opened = open_target(target)
    if isinstance(opened, CourseTarget):
        return OpenTarget(path=target, loaded=opened.loaded)
    if isinstance(opened, LessonTarget):
        lesson = opened.lesson
        loaded = None
        if opened.course is not None:
            loaded = load_course_dir(Path(lesson.path).parent)
            lesson = loaded.lessons.get(lesson.id, lesson)
        return OpenTarget(path=target, loaded=loaded, lesson=lesson)
    return OpenTarget(path=target, quiz=opened.quiz, quiz_items=list(opened.items))
