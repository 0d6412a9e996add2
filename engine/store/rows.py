"""Records to table rows and back, shared by the SQLite and PostgreSQL stores.

Both schemas have the same tables and columns (PostgreSQL adds ``op``, see
:mod:`engine.store.pg_migrations`); lists (picks, questions, skips) are JSON text in both, and
truth values are Python ``bool`` going in (SQLite keeps them as 0/1, read back with ``bool``).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from engine.store.records import (
    AskedQuestion,
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
    QuizAttempt,
)


class Row(Protocol):
    """A result row read by column name (``sqlite3.Row``, psycopg's ``dict_row``)."""

    def __getitem__(self, key: str, /) -> Any: ...


def attempt_row(a: Attempt) -> dict[str, Any]:
    return {
        "learner": a.learner,
        "course": a.course,
        "lesson": a.lesson,
        "question": a.question,
        "picks": json.dumps(list(a.picks)),
        "correct": a.correct,
        "attempt": a.attempt,
        "ts": a.ts,
        "content_hash": a.content_hash,
        "quiz": a.quiz,
        "quiz_attempt": a.quiz_attempt,
    }


def hint_row(h: HintReveal) -> dict[str, Any]:
    return {
        "learner": h.learner,
        "course": h.course,
        "lesson": h.lesson,
        "question": h.question,
        "hint": h.hint,
        "ts": h.ts,
        "quiz_attempt": h.quiz_attempt,
    }


def cell_run_row(r: CellRun) -> dict[str, Any]:
    return {
        "learner": r.learner,
        "course": r.course,
        "lesson": r.lesson,
        "cell": r.cell,
        "cell_id": r.cell_id,
        "status": r.status,
        "duration": r.duration,
        "edited": r.edited,
        "ts": r.ts,
        "content_hash": r.content_hash,
    }


def feedback_row(f: Feedback) -> dict[str, Any]:
    return {
        "learner": f.learner,
        "course": f.course,
        "lesson": f.lesson,
        "block": f.block,
        "line": f.line,
        "clear": f.clear,
        "comment": f.comment,
        "ts": f.ts,
        "content_hash": f.content_hash,
    }


def asked_row(q: AskedQuestion) -> dict[str, Any]:
    return {
        "learner": q.learner,
        "course": q.course,
        "lesson": q.lesson,
        "block": q.block,
        "text": q.text,
        "source": q.source,
        "answer_chars": q.answer_chars,
        "error": q.error,
        "ts": q.ts,
        "content_hash": q.content_hash,
    }


def to_asked(r: Row) -> AskedQuestion:
    return AskedQuestion(
        learner=r["learner"],
        course=r["course"],
        lesson=r["lesson"],
        block=r["block"],
        text=r["text"],
        source=r["source"],
        answer_chars=r["answer_chars"],
        error=r["error"],
        ts=r["ts"],
        content_hash=r["content_hash"],
        id=r["id"],
    )


def to_progress(r: Row) -> LessonProgress:
    return LessonProgress(
        learner=r["learner"],
        course=r["course"],
        lesson=r["lesson"],
        position=r["position"],
        done=bool(r["done"]),
        content_hash=r["content_hash"],
        started=r["started"],
        updated=r["updated"],
    )


def to_attempt(r: Row) -> Attempt:
    return Attempt(
        learner=r["learner"],
        course=r["course"],
        lesson=r["lesson"],
        question=r["question"],
        picks=tuple(json.loads(r["picks"])),
        correct=bool(r["correct"]),
        attempt=r["attempt"],
        ts=r["ts"],
        content_hash=r["content_hash"],
        quiz=r["quiz"],
        quiz_attempt=r["quiz_attempt"],
        id=r["id"],
    )


def to_hint(r: Row) -> HintReveal:
    return HintReveal(
        learner=r["learner"],
        course=r["course"],
        lesson=r["lesson"],
        question=r["question"],
        hint=r["hint"],
        ts=r["ts"],
        quiz_attempt=r["quiz_attempt"],
        id=r["id"],
    )


def to_cell_run(r: Row) -> CellRun:
    return CellRun(
        learner=r["learner"],
        course=r["course"],
        lesson=r["lesson"],
        cell=r["cell"],
        status=r["status"],
        duration=r["duration"],
        ts=r["ts"],
        cell_id=r["cell_id"],
        edited=bool(r["edited"]),
        content_hash=r["content_hash"],
        id=r["id"],
    )


def to_feedback(r: Row) -> Feedback:
    return Feedback(
        learner=r["learner"],
        course=r["course"],
        lesson=r["lesson"],
        block=r["block"],
        line=r["line"],
        clear=None if r["clear"] is None else bool(r["clear"]),
        comment=r["comment"],
        ts=r["ts"],
        content_hash=r["content_hash"],
        id=r["id"],
    )


def to_quiz_attempt(r: Row) -> QuizAttempt:
    return QuizAttempt(
        id=r["id"],
        learner=r["learner"],
        quiz=r["quiz"],
        number=r["number"],
        questions=tuple(json.loads(r["questions"])),
        started=r["started"],
        finished=r["finished"],
        correct=r["correct"],
        total=r["total"],
        passed=None if r["passed"] is None else bool(r["passed"]),
        content_hash=r["content_hash"],
        skipped=tuple(json.loads(r["skipped"])),
    )


def where(mark: str = "?", **filters: Any) -> tuple[str, list[Any]]:
    """`` WHERE a = ? AND b = ?`` for the filters that are not None (``mark``: the driver's
    placeholder), and their values."""
    parts, values = [], []
    for column, value in filters.items():
        if value is not None:
            parts.append(f"{column} = {mark}")
            values.append(value)
    return (" WHERE " + " AND ".join(parts) if parts else ""), values
