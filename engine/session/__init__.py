"""Headless learning sessions, shared by every front end (TUI, plain mode).

* :class:`LessonSession` (``engine.session.lesson``): one learner in one lesson: blocks, cells,
  questions, hints, feedback, progress.
* :class:`QuizSession` (``engine.session.quiz``): one attempt at a standalone quiz.
* ``engine.session.course``: course progress and the "Continue" target.
* ``engine.session.views``: the frozen views front ends render (CellView, QuestionView,
  ChoiceView, Verdict, Explanation).
* ``engine.session.grading``: pure grading and the per-learner choice order.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.session.course import (
        ChapterProgress,
        CourseProgress,
        LessonStatus,
        course_progress,
        resume_target,
    )
    from engine.session.grading import InvalidAnswerError, choice_order, grade
    from engine.session.lesson import LessonSession
    from engine.session.quiz import AlreadyAnsweredError, QuizResult, QuizSession, Review
    from engine.session.views import CellView, ChoiceView, Explanation, QuestionView, Verdict

_HOMES = {
    "course": (
        "ChapterProgress",
        "CourseProgress",
        "LessonStatus",
        "course_progress",
        "resume_target",
    ),
    "grading": ("InvalidAnswerError", "choice_order", "grade"),
    "lesson": ("LessonSession",),
    "quiz": ("AlreadyAnsweredError", "QuizResult", "QuizSession", "Review"),
    "views": ("CellView", "ChoiceView", "Explanation", "QuestionView", "Verdict"),
}
"""Where each public name lives. Imported on first use (PEP 562), so that ``engine.session.course``
(the course map's progress) can be used before the models, which the other modules import, are
loaded: that import is most of the time to the first screen."""


def __getattr__(name: str) -> Any:
    for module, names in _HOMES.items():
        if name in names:
            return getattr(importlib.import_module(f"engine.session.{module}"), name)
    raise AttributeError(f"module 'engine.session' has no attribute {name!r}")


__all__ = [
    "AlreadyAnsweredError",
    "CellView",
    "ChapterProgress",
    "ChoiceView",
    "CourseProgress",
    "Explanation",
    "InvalidAnswerError",
    "LessonSession",
    "LessonStatus",
    "QuestionView",
    "QuizResult",
    "QuizSession",
    "Review",
    "Verdict",
    "choice_order",
    "course_progress",
    "grade",
    "resume_target",
]
