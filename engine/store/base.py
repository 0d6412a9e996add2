"""The store interface: what a learning session needs to keep, whatever keeps it.

The session and the commands only talk to :class:`Store`; :class:`~engine.store.sqlite.SqliteStore`
is the local implementation and :class:`~engine.store.postgres.PostgresStore` the server one.
Contract for every implementation:

* each ``add_*``/``save_*`` call is one durable transaction: when it returns, the record survives
  the process being killed (callers acknowledge an answer only after it returns);
* reads never block writers for long, and two processes may use the same store at once;
* record ``id`` fields are assigned by the store (returned records carry them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, Self, runtime_checkable

from engine.store.records import (
    AskedQuestion,
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
    QuizAttempt,
)


class StoreError(Exception):
    """The store cannot be used (unwritable folder, database made by a newer lectio...).

    The message is one line for the learner; commands print it and exit 1."""


@runtime_checkable
class Store(Protocol):
    """Persistence for learning sessions (see the module docstring for the contract)."""

    warnings: list[str]
    """Things the learner should be told about, e.g. a damaged database moved aside."""

    # progress -----------------------------------------------------------------------------
    def load_progress(self, learner: str, course: str, lesson: str) -> LessonProgress | None: ...

    def save_progress(self, progress: LessonProgress) -> LessonProgress:
        """Insert or update; keeps the first ``started``; returns what was stored."""
        ...

    def all_progress(
        self, learner: str | None = None, course: str | None = None
    ) -> list[LessonProgress]: ...

    # events --------------------------------------------------------------------------------
    def add_attempt(self, attempt: Attempt) -> Attempt: ...

    def attempts(
        self,
        *,
        learner: str | None = None,
        course: str | None = None,
        lesson: str | None = None,
        quiz_attempt: int | None = None,
    ) -> list[Attempt]:
        """Oldest first."""
        ...

    def add_hint(self, hint: HintReveal) -> HintReveal: ...

    def hints(
        self, *, learner: str, course: str, lesson: str, quiz_attempt: int | None = None
    ) -> list[HintReveal]:
        """Hints revealed in a lesson (``quiz_attempt=None``) or in one quiz attempt."""
        ...

    def hint_reveals(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[HintReveal]:
        """Every hint revealed (lessons and quizzes), oldest first: for exports and reports."""
        ...

    def add_cell_run(self, run: CellRun) -> CellRun: ...

    def cell_runs(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[CellRun]: ...

    def add_feedback(self, feedback: Feedback) -> Feedback: ...

    def feedback(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[Feedback]: ...

    def add_question(self, question: AskedQuestion) -> AskedQuestion:
        """A question asked about a block (the Ask panel) and where its answer came from."""
        ...

    def asked_questions(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[AskedQuestion]:
        """Oldest first."""
        ...

    # quizzes -------------------------------------------------------------------------------
    def start_quiz_attempt(
        self, learner: str, quiz: str, questions: Sequence[str], content_hash: str = ""
    ) -> QuizAttempt:
        """A new attempt numbered one more than the learner's last for this quiz."""
        ...

    def quiz_attempts(
        self, learner: str | None = None, quiz: str | None = None
    ) -> list[QuizAttempt]:
        """Oldest first."""
        ...

    def finish_quiz_attempt(
        self, attempt_id: int, *, correct: int, total: int, passed: bool
    ) -> QuizAttempt: ...

    def skip_quiz_question(self, attempt_id: int, key: str) -> QuizAttempt:
        """Remember that question ``key`` of the attempt was skipped (once; idempotent)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


@runtime_checkable
class Accounts(Protocol):
    """Learners who sign in to a served class (both stores implement it beside :class:`Store`).

    Only a digest of each learner's code is kept (:mod:`engine.serve.accounts` makes both)."""

    def add_learner(self, name: str, secret: str) -> None:
        """A new learner; StoreError if the name (or the digest) is taken."""
        ...

    def set_learner_secret(self, name: str, secret: str) -> bool:
        """Replace a learner's digest (the old code stops working); False if no such learner."""
        ...

    def learner_for_secret(self, secret: str) -> str | None: ...

    def learners(self) -> list[str]:
        """Names, sorted."""
        ...
