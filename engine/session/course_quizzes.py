"""The quizzes of a course, and how the learner stands in each: what the course map and the end
of the course offer, so a learner finds the quizzes from ``lectio`` alone.

Which quizzes: the layout of the contract puts quizzes in ``quizzes/`` beside the ``lessons/``
folder that holds the course folder (``lessons/<course-id>/course.yaml``,
``quizzes/*.yaml``). A quiz there belongs to the course when one of its questions is a ``ref:``
to it (``<course-id>/<lesson>#<question>``); a quiz of inline questions only names no course
and is not listed. A quiz file that does not load, or whose refs do not all resolve, is left out
(``lectio validate`` reports it): the learner is offered only quizzes that open.

The order: quizzes that cover one section first (the section reviews), then those that cover
more (an exam); within that, by the last chapter they ask about, in course order; then by file
name. The questions are resolved against the course already loaded, so opening a listed quiz
loads nothing more.

How the learner stands (:class:`QuizStanding`) is read from the store each time it is asked:
it changes as soon as an attempt is finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.format.catalog import LoadedCourse
    from engine.session.targets import QuizTarget
    from engine.store.base import Store
    from engine.store.records import QuizAttempt


@dataclass(frozen=True, slots=True)
class QuizStanding:
    """A learner's record in one quiz."""

    finished: int
    """Finished attempts."""
    best: float | None
    """The best score of a finished attempt, 0..1; None before the first one is finished."""
    passed: bool
    """Some finished attempt reached the pass mark."""
    in_progress: bool
    """An attempt has answers or skips and is not finished (opening the quiz resumes it)."""


@dataclass(frozen=True)
class CourseQuiz:
    """A quiz of the course, ready to open, with the learner's standing in it."""

    path: Path
    target: QuizTarget
    standing: QuizStanding

    @property
    def id(self) -> str:
        return self.target.quiz.id

    @property
    def title(self) -> str:
        return self.target.quiz.title

    @property
    def pass_mark(self) -> float:
        return self.target.quiz.pass_mark


def quizzes_folder(course_folder: Path) -> Path | None:
    """``quizzes/`` beside the ``lessons/`` folder holding ``course_folder``, if it exists."""
    folder = course_folder.resolve().parent.parent / "quizzes"
    return folder if folder.is_dir() else None


def find_course_quizzes(loaded: LoadedCourse) -> list[tuple[Path, QuizTarget]]:
    """The quizzes of the loaded course, resolved and in order (see the module docstring)."""
    from engine.format.catalog import Catalog, is_yaml_file, resolve_quiz_partly
    from engine.format.loader import load
    from engine.format.models import QuestionRef, Quiz
    from engine.format.problems import LoadError
    from engine.session.targets import QuizTarget

    course = loaded.course
    folder = quizzes_folder(loaded.path)
    if course is None or folder is None:
        return []
    catalog = Catalog(loaded.path.resolve().parent)
    catalog.add(course.id, loaded)
    order = {lesson_id: n for n, lesson_id in enumerate(course.lesson_ids)}
    section_of = {
        lesson_id: s for s, section in enumerate(course.sections) for lesson_id in section.lessons
    }
    found: list[tuple[tuple[int, int, str], Path, QuizTarget]] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and is_yaml_file(p)):
        try:
            doc = load(path)
        except (LoadError, OSError):
            continue
        if not isinstance(doc, Quiz):
            continue
        lessons = [
            item.parts[1]
            for item in doc.questions
            if isinstance(item, QuestionRef) and item.parts[0] == course.id
        ]
        if not lessons:
            continue
        items, problems = resolve_quiz_partly(doc, catalog)
        if problems:
            continue
        sections = {section_of.get(lesson_id, -1) for lesson_id in lessons}
        last = max(order.get(lesson_id, -1) for lesson_id in lessons)
        found.append(((len(sections), last, path.name), path, QuizTarget(doc, items)))
    return [(path, target) for _, path, target in sorted(found, key=lambda f: f[0])]


def quiz_standing(store: Store, learner: str, quiz_id: str) -> QuizStanding:
    """The learner's record in the quiz ``quiz_id``, from the store."""
    attempts = store.quiz_attempts(learner, quiz_id)
    finished = [a for a in attempts if a.finished is not None]
    best = max(((a.correct or 0) / (a.total or 1) for a in finished), default=None)
    return QuizStanding(
        finished=len(finished),
        best=best,
        passed=any(a.passed for a in finished),
        in_progress=any(a.finished is None and attempt_begun(store, a) for a in attempts),
    )


def attempt_begun(store: Store, attempt: QuizAttempt) -> bool:
    """The learner answered or skipped something in ``attempt``: opening a quiz and leaving
    it starts an attempt (so that its draw of questions resumes) but is not taking it."""
    return bool(attempt.skipped) or bool(
        store.attempts(learner=attempt.learner, quiz_attempt=attempt.id)
    )
