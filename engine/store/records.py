"""The records a learner leaves behind: plain frozen dataclasses, independent of any database.

Every record names its lesson by ``(course, lesson)``: ``course`` is the course id, or ``""``
for a lesson studied on its own; ``lesson`` is the lesson id. Questions written inside a
standalone quiz belong to no lesson; their ``lesson`` is ``"quiz:<quiz-id>"`` (a colon never
appears in a slug, so the two can never collide). ``content_hash`` is the git blob hash of the
file the learner saw (see :mod:`engine.session.content`), so an author can find the exact
version with ``git log --find-object=<hash>``. Times are POSIX seconds (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass

QUIZ_PREFIX = "quiz:"


def quiz_owner(quiz_id: str) -> str:
    """The ``lesson`` key of a question written inline in quiz ``quiz_id``."""
    return f"{QUIZ_PREFIX}{quiz_id}"


@dataclass(frozen=True, slots=True)
class LessonProgress:
    """Where a learner stands in one lesson. ``position`` may equal the number of blocks: the
    learner reached the chapter end (the feedback questions)."""

    learner: str
    course: str
    lesson: str
    position: int = 0
    done: bool = False
    content_hash: str = ""
    started: float = 0.0
    updated: float = 0.0


@dataclass(frozen=True, slots=True)
class Attempt:
    """One answer to a question: which original choice indexes were picked, and the verdict."""

    learner: str
    course: str
    lesson: str
    question: str
    picks: tuple[int, ...]
    correct: bool
    attempt: int  # 1 for the first try at this question (in this lesson, or this quiz attempt)
    ts: float
    content_hash: str = ""
    quiz: str | None = None  # the quiz it was answered in, if any
    quiz_attempt: int | None = None  # QuizAttempt.id
    id: int | None = None


@dataclass(frozen=True, slots=True)
class HintReveal:
    """A hint shown to a learner before answering (``hint`` is its 0-based index)."""

    learner: str
    course: str
    lesson: str
    question: str
    hint: int
    ts: float
    quiz_attempt: int | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class CellRun:
    """One execution of a code cell (``cell`` is the block index in the lesson)."""

    learner: str
    course: str
    lesson: str
    cell: int
    status: str  # CellStatus value
    duration: float
    ts: float
    cell_id: str | None = None
    edited: bool = False
    content_hash: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Feedback:
    """ "Was everything clear?" and "How can we improve it?" for one chapter.

    ``block`` is the block index the learner was at (the number of blocks for the chapter end);
    ``line`` the YAML line of that block (or of the lesson) in the version the learner saw.
    """

    learner: str
    course: str
    lesson: str
    block: int
    clear: bool | None
    comment: str | None
    ts: float
    line: int = 0
    content_hash: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A question the learner asked about a block (the Ask panel, plain mode's ``ask``), and
    where the answer came from (``offline``, or ``model:<name>``) and how long it was, so the
    author sees where the lesson fails its learners. ``error``: the exception the focused cell
    had just raised, if any ("most about RuntimeError")."""

    learner: str
    course: str
    lesson: str
    block: int
    text: str
    source: str
    answer_chars: int
    ts: float
    error: str = ""
    content_hash: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class QuizAttempt:
    """One go at a standalone quiz: the questions drawn (keys ``course/lesson#question``, or
    ``#question`` for inline ones), in the order asked, and the outcome once finished."""

    id: int
    learner: str
    quiz: str
    number: int  # 1, 2, ... per learner and quiz
    questions: tuple[str, ...]
    started: float
    finished: float | None = None
    correct: int | None = None
    total: int | None = None
    passed: bool | None = None
    content_hash: str = ""
    skipped: tuple[str, ...] = ()
    """Keys of questions the learner skipped (unanswered, a miss), in the order skipped; a
    resumed attempt does not ask them again."""
