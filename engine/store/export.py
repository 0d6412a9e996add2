"""Every recorded feedback and attempt, as JSON or CSV, for authors (``lectio feedback export``).

JSON: ``{"schema": 1, "feedback": [...], "attempts": [...], "asked": [...]}`` (``asked``: the
questions asked in the Ask panel, added later; readers of schema 1 ignore it); CSV: one table, a
``record`` column saying ``feedback``, ``attempt`` or ``asked``, and the union of the records'
columns (empty where a column does not apply). Times are ISO 8601 in UTC. Choice picks are
ORIGINAL 0-based indexes in the YAML ``choices`` list of the version named by ``content_hash``
(a git blob hash). An attempt with ``gave_up`` true is a "Show answer" (no picks). ``hints``
(record ``hint`` in the CSV, added later too): which hint (``hint``, 0-based) of which question
was opened, and when (``quiz_attempt`` set when it was opened in a quiz).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from engine.store.base import Store
from engine.store.records import AskedQuestion, Attempt, Feedback, HintReveal

EXPORT_SCHEMA = 1
CSV_COLUMNS = (
    "record",
    "time",
    "learner",
    "course",
    "lesson",
    "question",
    "block",
    "line",
    "clear",
    "comment",
    "picks",
    "correct",
    "gave_up",
    "hint",
    "attempt",
    "quiz",
    "quiz_attempt",
    "content_hash",
    "text",
    "source",
    "answer_chars",
    "error",
)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feedback_row(f: Feedback) -> dict[str, Any]:
    return {
        "time": iso(f.ts),
        "learner": f.learner,
        "course": f.course,
        "lesson": f.lesson,
        "block": f.block,
        "line": f.line,
        "clear": f.clear,
        "comment": f.comment,
        "content_hash": f.content_hash,
    }


def attempt_row(a: Attempt) -> dict[str, Any]:
    return {
        "time": iso(a.ts),
        "learner": a.learner,
        "course": a.course,
        "lesson": a.lesson,
        "question": a.question,
        "picks": list(a.picks),
        "correct": a.correct,
        "gave_up": not a.picks,
        "attempt": a.attempt,
        "quiz": a.quiz,
        "quiz_attempt": a.quiz_attempt,
        "content_hash": a.content_hash,
    }


def hint_row(h: HintReveal) -> dict[str, Any]:
    return {
        "time": iso(h.ts),
        "learner": h.learner,
        "course": h.course,
        "lesson": h.lesson,
        "question": h.question,
        "hint": h.hint,
        "quiz_attempt": h.quiz_attempt,
    }


def asked_row(q: AskedQuestion) -> dict[str, Any]:
    return {
        "time": iso(q.ts),
        "learner": q.learner,
        "course": q.course,
        "lesson": q.lesson,
        "block": q.block,
        "text": q.text,
        "source": q.source,
        "answer_chars": q.answer_chars,
        "error": q.error,
        "content_hash": q.content_hash,
    }


def export_json(store: Store, learner: str | None = None) -> str:
    """``learner``: only that learner's records; None: everyone's."""
    data = {
        "schema": EXPORT_SCHEMA,
        "feedback": [feedback_row(f) for f in store.feedback(learner=learner)],
        "attempts": [attempt_row(a) for a in store.attempts(learner=learner)],
        "asked": [asked_row(q) for q in store.asked_questions(learner=learner)],
        "hints": [hint_row(h) for h in store.hint_reveals(learner=learner)],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def export_csv(store: Store, learner: str | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for f in store.feedback(learner=learner):
        writer.writerow({k: _cell(v) for k, v in {"record": "feedback", **feedback_row(f)}.items()})
    for a in store.attempts(learner=learner):
        writer.writerow({k: _cell(v) for k, v in {"record": "attempt", **attempt_row(a)}.items()})
    for q in store.asked_questions(learner=learner):
        writer.writerow({k: _cell(v) for k, v in {"record": "asked", **asked_row(q)}.items()})
    for h in store.hint_reveals(learner=learner):
        writer.writerow({k: _cell(v) for k, v in {"record": "hint", **hint_row(h)}.items()})
    return out.getvalue()
