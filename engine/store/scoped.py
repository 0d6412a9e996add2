"""One learner's view of a shared store: what a served session is given instead of the store.

On a server many learners share one store, and each browser session runs a lectio process for
one signed-in learner. That process gets a :class:`ScopedStore`: reads without a learner are
narrowed to that learner, reads naming another learner and writes of another learner's records
raise :class:`~engine.store.base.StoreError`, and quiz attempts are reachable by id only if they
are that learner's. So isolation does not depend on every front-end path remembering to filter:
whatever the learner types, their process cannot ask the store about anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from engine.store.base import Store, StoreError
from engine.store.records import (
    AskedQuestion,
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
    QuizAttempt,
)


class ScopedStore:
    """A :class:`~engine.store.base.Store` that only ever reads and writes ``learner``'s records."""

    def __init__(self, inner: Store, learner: str) -> None:
        self.inner = inner
        self.learner = learner
        self.warnings = inner.warnings

    def _who(self, learner: str | None) -> str:
        if learner is not None and learner != self.learner:
            raise StoreError(f"{learner}: another learner's records cannot be read here")
        return self.learner

    def _mine(self, learner: str) -> None:
        if learner != self.learner:
            raise StoreError(f"{learner}: another learner's records cannot be written here")

    def _own_attempt(self, attempt_id: int) -> None:
        if all(q.id != attempt_id for q in self.inner.quiz_attempts(self.learner)):
            raise StoreError(f"quiz attempt {attempt_id} is not this learner's")

    # progress
    def load_progress(self, learner: str, course: str, lesson: str) -> LessonProgress | None:
        return self.inner.load_progress(self._who(learner), course, lesson)

    def save_progress(self, progress: LessonProgress) -> LessonProgress:
        self._mine(progress.learner)
        return self.inner.save_progress(progress)

    def all_progress(
        self, learner: str | None = None, course: str | None = None
    ) -> list[LessonProgress]:
        return self.inner.all_progress(self._who(learner), course)

    # events
    def add_attempt(self, attempt: Attempt) -> Attempt:
        self._mine(attempt.learner)
        if attempt.quiz_attempt is not None:
            self._own_attempt(attempt.quiz_attempt)
        return self.inner.add_attempt(attempt)

    def attempts(
        self,
        *,
        learner: str | None = None,
        course: str | None = None,
        lesson: str | None = None,
        quiz_attempt: int | None = None,
    ) -> list[Attempt]:
        return self.inner.attempts(
            learner=self._who(learner), course=course, lesson=lesson, quiz_attempt=quiz_attempt
        )

    def add_hint(self, hint: HintReveal) -> HintReveal:
        self._mine(hint.learner)
        return self.inner.add_hint(hint)

    def hints(
        self, *, learner: str, course: str, lesson: str, quiz_attempt: int | None = None
    ) -> list[HintReveal]:
        return self.inner.hints(
            learner=self._who(learner), course=course, lesson=lesson, quiz_attempt=quiz_attempt
        )

    def hint_reveals(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[HintReveal]:
        return self.inner.hint_reveals(learner=self._who(learner), course=course, lesson=lesson)

    def add_cell_run(self, run: CellRun) -> CellRun:
        self._mine(run.learner)
        return self.inner.add_cell_run(run)

    def cell_runs(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[CellRun]:
        return self.inner.cell_runs(learner=self._who(learner), course=course, lesson=lesson)

    def add_feedback(self, feedback: Feedback) -> Feedback:
        self._mine(feedback.learner)
        return self.inner.add_feedback(feedback)

    def feedback(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[Feedback]:
        return self.inner.feedback(learner=self._who(learner), course=course, lesson=lesson)

    def add_question(self, question: AskedQuestion) -> AskedQuestion:
        self._mine(question.learner)
        return self.inner.add_question(question)

    def asked_questions(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[AskedQuestion]:
        return self.inner.asked_questions(learner=self._who(learner), course=course, lesson=lesson)

    # quizzes
    def start_quiz_attempt(
        self, learner: str, quiz: str, questions: Sequence[str], content_hash: str = ""
    ) -> QuizAttempt:
        self._mine(learner)
        return self.inner.start_quiz_attempt(learner, quiz, questions, content_hash)

    def quiz_attempts(
        self, learner: str | None = None, quiz: str | None = None
    ) -> list[QuizAttempt]:
        return self.inner.quiz_attempts(self._who(learner), quiz)

    def finish_quiz_attempt(
        self, attempt_id: int, *, correct: int, total: int, passed: bool
    ) -> QuizAttempt:
        self._own_attempt(attempt_id)
        return self.inner.finish_quiz_attempt(
            attempt_id, correct=correct, total=total, passed=passed
        )

    def skip_quiz_question(self, attempt_id: int, key: str) -> QuizAttempt:
        self._own_attempt(attempt_id)
        return self.inner.skip_quiz_question(attempt_id, key)

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
