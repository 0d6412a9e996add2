"""What a front end studies: the opened target, the learner, the store, the language.

One object instead of a bag of app attributes, so the TUI's screens are testable with any store
and kernel factory. Sessions are created here (``lesson_session``, ``quiz_session``) and the
course's chapter list (numbering, done/started marks) is derived from the course order
(:func:`engine.session.course.numbered_chapters`) and the course progress; nothing here grades or
records anything itself.

Before the full load, a course is known by its outline only (:func:`preview_target`, read
without the models so the course map is the first frame); :func:`engine.session.targets.
open_target` gives the loaded target that replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.i18n import resolve

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from engine.format.catalog import LoadedCourse, QuizQuestion
    from engine.format.models import Course, Lesson, Quiz
    from engine.format.outline import CourseOutline
    from engine.format.problems import Problem
    from engine.session.course import CourseLike, CourseProgress, LessonLike
    from engine.session.course_quizzes import CourseQuiz
    from engine.session.kernel_api import KernelFactory
    from engine.session.lesson import LessonSession
    from engine.session.quiz import QuizSession
    from engine.session.targets import QuizTarget, Target
    from engine.store.base import Store


@dataclass(frozen=True)
class Chapter:
    """A chapter of the opened course, numbered as the course orders it."""

    lesson_id: str
    title: str
    section: int  # 1-based
    section_title: str
    number: int  # 1-based, across the whole course ("Section 2 · Chapter 5")
    lesson: Lesson | None  # None: the file is missing or broken, or not loaded yet (preview)
    available: bool = True  # False: the file is missing or broken
    problems: tuple[str, ...] = ()  # why a broken file cannot be opened ("file:line:col: ...")


def _chapter_list(
    course: CourseLike,
    titled: Mapping[str, LessonLike],
    lessons: Mapping[str, Lesson],
    broken: Mapping[str, Sequence[object]] | None = None,
) -> list[Chapter]:
    """The chapters of ``course`` in order; ``titled``: the lessons whose files are usable
    (loaded, or outlined), ``lessons``: the loaded ones, ``broken``: the problems of files
    that did not load (shown when the learner picks that chapter)."""
    from engine.session.course import numbered_chapters

    chapters: list[Chapter] = []
    for s, section, number, lesson_id in numbered_chapters(course):
        known = titled.get(lesson_id)
        problems = tuple(str(p) for p in (broken or {}).get(lesson_id, ()))
        chapters.append(
            Chapter(
                lesson_id,
                known.title if known else lesson_id,
                s,
                section.title,
                number,
                lessons.get(lesson_id),
                available=known is not None and not problems,
                problems=problems,
            )
        )
    return chapters


def preview_target(path: Path | None, cache_dir: Path | None = None) -> CourseOutline | None:
    """The outline of the course ``path`` names (None: the bundled course), read without the
    models; None when ``path`` is not a course or its outline is unclear (the full load then
    comes first and says what is wrong). ``cache_dir``: see :func:`~engine.format.outline.
    read_outline`."""
    from engine.format.outline import read_outline
    from engine.session.bundled import bundled_course

    found = bundled_course() if path is None else path
    return read_outline(found, cache_dir) if found is not None else None


@dataclass
class Study:
    """The opened target and who studies it."""

    target: Target | CourseOutline
    """The loaded target (:func:`~engine.session.targets.open_target` with ``whole_course``),
    or, before the full load, the course's outline (:func:`preview_target`)."""
    store: Store
    learner: str = "default"
    lang_override: str | None = None
    kernel_factory: KernelFactory | None = None
    chapters: list[Chapter] = field(default_factory=list)
    _quizzes: list[tuple[Path, QuizTarget]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.chapters = self._chapters()

    # ---- language ------------------------------------------------------------------------------

    def lang_for(self, lesson: Lesson | None = None) -> str:
        """``--lang`` if given, else the lesson's, quiz's or course's language (a catalog key)."""
        if self.lang_override:
            return resolve(self.lang_override)
        if lesson is not None and lesson.language:
            return resolve(lesson.language)
        from engine.format.outline import CourseOutline

        if isinstance(self.target, CourseOutline):
            return resolve(self.target.language)
        from engine.session.targets import language_of

        return resolve(language_of(self.target) or "en")

    # ---- what is opened ------------------------------------------------------------------------
    # Read by attribute, not ``isinstance`` on the target classes: a preview must not import the
    # models (engine.session.targets does), which are most of the time to the first frame.

    @property
    def outline(self) -> CourseOutline | None:
        """The course's outline, while only it is known (the preview)."""
        from engine.format.outline import CourseOutline

        return self.target if isinstance(self.target, CourseOutline) else None

    @property
    def lesson(self) -> Lesson | None:
        """The lesson opened directly (not through the course map)."""
        return getattr(self.target, "lesson", None)

    @property
    def quiz(self) -> Quiz | None:
        return getattr(self.target, "quiz", None)

    @property
    def quiz_items(self) -> list[QuizQuestion]:
        return list(getattr(self.target, "items", ()))

    @property
    def loaded(self) -> LoadedCourse | None:
        """The course folder: the course opened, or the one around the lesson opened."""
        return getattr(self.target, "loaded", None)

    @property
    def unavailable(self) -> dict[str, list[Problem]]:
        """The course's chapters whose file is broken, by lesson id (not opened)."""
        return dict(getattr(self.target, "unavailable", {}))

    # ---- the course ----------------------------------------------------------------------------

    @property
    def course_id(self) -> str | None:
        course = self.course
        return course.id if course else None

    @property
    def validated_course(self) -> Course | None:
        """The validated course (None for a lesson no course lists, a quiz, a preview)."""
        loaded = self.loaded
        if loaded is not None:
            return loaded.course
        return getattr(self.target, "course", None) if self.lesson is not None else None

    @property
    def course(self) -> Course | CourseOutline | None:
        """The validated course, else (before the full load) its outline."""
        return self.validated_course or self.outline

    @property
    def preview(self) -> bool:
        """Only the outline is known: the lessons are not loaded (validated) yet."""
        return self.outline is not None

    def _chapters(self) -> list[Chapter]:
        loaded, outline = self.loaded, self.outline
        if loaded is not None and loaded.course is not None:
            return _chapter_list(loaded.course, loaded.lessons, loaded.lessons, self.unavailable)
        if outline is not None:
            return _chapter_list(outline, outline.lessons, {})
        return []

    def chapter(self, lesson_id: str) -> Chapter | None:
        return next((c for c in self.chapters if c.lesson_id == lesson_id), None)

    def neighbour(self, lesson_id: str, step: int) -> Chapter | None:
        """The next (+1) or previous (-1) chapter that can be opened."""
        ids = [c.lesson_id for c in self.chapters]
        if lesson_id not in ids:
            return None
        i = ids.index(lesson_id) + step
        while 0 <= i < len(self.chapters):
            if self.chapters[i].available:
                return self.chapters[i]
            i += step
        return None

    def course_progress(self) -> CourseProgress:
        """The session's course progress (per lesson status, resume target)."""
        from engine.session.course import course_progress

        loaded, outline = self.loaded, self.outline
        if loaded is not None and loaded.course is not None:
            return course_progress(loaded.course, self.store, self.learner, loaded.lessons)
        assert outline is not None
        return course_progress(outline, self.store, self.learner, outline.lessons)

    def statuses(self) -> dict[str, str]:
        """Lesson id -> "done" | "started" | "not_started" (empty without a course)."""
        if self.course is None:
            return {}
        return {
            c.lesson_id: c.status.value.replace(" ", "_") for c in self.course_progress().chapters
        }

    # ---- the course's quizzes ------------------------------------------------------------------

    def load_quizzes(self) -> None:
        """Find and resolve the course's quizzes (:mod:`engine.session.course_quizzes`): their
        files are read once, off the event loop in the TUI (the opener's worker calls this)."""
        if self._quizzes is None:
            from engine.session.course_quizzes import find_course_quizzes

            loaded = self.loaded
            course_opened = self.quiz is None and not self.preview
            ok = loaded is not None and loaded.course is not None and course_opened
            self._quizzes = find_course_quizzes(loaded) if ok and loaded is not None else []

    def course_quizzes(self) -> list[CourseQuiz]:
        """The course's quizzes with the learner's standing in each, read from the store now;
        empty before the full load (the preview) and for a quiz or a lesson alone."""
        if self.preview:
            return []
        from engine.session.course_quizzes import CourseQuiz, quiz_standing

        self.load_quizzes()
        assert self._quizzes is not None
        return [
            CourseQuiz(path, target, quiz_standing(self.store, self.learner, target.quiz.id))
            for path, target in self._quizzes
        ]

    def quiz_study(self, quiz: CourseQuiz) -> Study:
        """A study of one of the course's quizzes, by the same learner in the same store."""
        return Study(
            quiz.target,
            self.store,
            learner=self.learner,
            lang_override=self.lang_override,
            kernel_factory=self.kernel_factory,
        )

    # ---- sessions ------------------------------------------------------------------------------

    def replace_lesson(self, lesson: Lesson) -> None:
        """A new version of the lesson opened directly (its file changed: ``open --watch``):
        it takes the old one's place in the target and in the chapter list. Progress is the
        store's, so a session made next resumes where the learner was."""
        import dataclasses

        target = self.target
        if getattr(target, "lesson", None) is None:
            raise ValueError("no lesson was opened directly")
        target.lesson = lesson  # type: ignore[union-attr]
        self.chapters = [
            dataclasses.replace(c, lesson=lesson, title=lesson.title)
            if c.lesson_id == lesson.id
            else c
            for c in self.chapters
        ]

    def lesson_session(self, lesson: Lesson) -> LessonSession:
        from engine.session.lesson import LessonSession

        kwargs: dict[str, Any] = {}
        if self.kernel_factory is not None:
            kwargs["kernel_factory"] = self.kernel_factory
        return LessonSession(
            lesson, store=self.store, learner=self.learner, course=self.validated_course, **kwargs
        )

    def quiz_session(self, *, new_attempt: bool = False) -> QuizSession:
        from engine.session.quiz import QuizSession

        assert self.quiz is not None
        return QuizSession(
            self.quiz,
            self.quiz_items,
            store=self.store,
            learner=self.learner,
            new_attempt=new_attempt,
        )
