"""`lectio report PATH`: what learners made of a lesson, a course or a quiz, for its authors.

Each line starts with ``file:line:col`` of the chapter, question, choice or block it is about,
so an editor (or ``grep``) can jump there. ``--format json`` gives the same data for tools.
The aggregation lives in :mod:`engine.session.report`; this module only prints it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from engine.cli.common import FILTER_HELP, add_store_arguments, learner_store

if TYPE_CHECKING:
    from engine.format.spans import Span
    from engine.session.report import QuestionStats, Report


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "report",
        help="per lesson and question: attempts, success, wrong picks, feedback",
        description="Aggregate learners' answers and feedback per lesson and question.",
    )
    parser.add_argument(
        "path",
        help="a lesson or quiz file, a course folder, or a folder of courses (such as lessons/)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    add_store_arguments(parser, learner_help=FILTER_HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from engine.session.report import build_report

    with learner_store(args.data_dir, args.store, read_only=True) as store:
        if args.learner is not None and not _known(store, args.learner):
            print(f"lectio report: no records of a learner named {args.learner!r}", file=sys.stderr)
            return 1
        # a LoadError is printed by main, status 1
        report = build_report(args.path, store, args.learner)
    for problem in report.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(to_text(report)) + "\n")
    return 0


def _known(store: Any, learner: str) -> bool:
    """Whether the store holds anything of ``learner`` (a typo must not look like no data)."""
    return bool(
        store.all_progress(learner=learner)
        or store.attempts(learner=learner)
        or store.feedback(learner=learner)
        or store.quiz_attempts(learner=learner)
    )


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}%"


def _count(n: int, one: str, many: str) -> str:
    """``1 attempt``, ``2 attempts``: the report is for authors and, like validate, English."""
    return f"{n} {one if n == 1 else many}"


def _question_lines(q: QuestionStats) -> list[str]:
    from engine.store.export import iso

    attempts = _count(q.attempts, "attempt", "attempts")
    line = (
        f"{q.span}: question {q.id}: {attempts} by {_count(q.learners, 'learner', 'learners')}; "
        f"first try right {_pct(q.first_try_rate)} ({q.first_try_right} of {q.first_tries})"
    )
    if q.gave_up:
        line += f"; answer shown {_count(q.gave_up, 'time', 'times')}"
    if q.earlier_version:
        line += f"; {q.earlier_version} on an earlier version of the file"
    lines = [line]
    for h in q.hints:
        where = f" (quiz attempt {h.quiz_attempt})" if h.quiz_attempt is not None else ""
        lines.append(
            f"{q.span}: hint {h.hint + 1} of {q.id} opened by {h.learner}, {iso(h.time)}{where}"
        )
    if q.most_wrong is not None:
        w = q.most_wrong
        times = _count(w.count, "time", "times")
        lines.append(f"{w.span}: most picked wrong choice of {q.id}: {w.text.strip()!r} ({times})")
    return lines


def to_text(report: Report) -> list[str]:
    from engine.store.export import iso

    lines: list[str] = []
    for r in report.lessons:
        if not r.learners:  # no record at all: one line, not a row of zeros per question
            lines.append(f"{r.span}: lesson {r.lesson.id} ({r.lesson.title}): not studied yet")
            continue
        lines.append(
            f"{r.span}: lesson {r.lesson.id} ({r.lesson.title}): "
            f"{_count(r.learners, 'learner', 'learners')}, {r.done} done; "
            f"clear: {r.clear} yes, {r.unclear} no"
        )
        for q in r.questions:
            lines += ["  " + x for x in _question_lines(q)]
        for a in r.asked:
            text = (
                f"{a.span}: {_count(a.learners, 'learner', 'learners')} asked about {a.label} "
                f"({_count(a.questions, 'question', 'questions')})"
            )
            if a.top_error:
                text += f", most about {a.top_error}"
            if a.earlier_version:
                text += f"; {a.earlier_version} on an earlier version of the file"
            lines.append("  " + text)
        for c in r.comments:
            verdict = {True: "clear", False: "unclear", None: "no answer"}[c.clear]
            text = f"{c.span}: feedback ({verdict}, {iso(c.time)}"
            text += ", earlier version)" if c.earlier_version else ")"
            if c.text:
                text += f": {c.text!r}"
            lines.append("  " + text)
    for qr in report.quizzes:
        if not qr.attempts:
            lines.append(f"{qr.quiz.span}: quiz {qr.quiz.id} ({qr.quiz.title}): not taken yet")
            continue
        lines.append(
            f"{qr.quiz.span}: quiz {qr.quiz.id} ({qr.quiz.title}): "
            f"{_count(qr.attempts, 'attempt', 'attempts')}, {qr.finished} finished, "
            f"{qr.passed} passed, mean score "
            f"{_pct(qr.mean_score)}"
        )
        for q in qr.questions:
            lines += ["  " + x for x in _question_lines(q)]
    if not lines:
        lines.append("nothing to report: no lessons or quizzes found")
    return lines


def _span(span: Span) -> dict[str, Any]:
    return {"file": span.file, "line": span.line, "col": span.col}


def _question_json(q: QuestionStats) -> dict[str, Any]:
    from engine.store.export import iso

    return {
        "id": q.id,
        "location": _span(q.span),
        "attempts": q.attempts,
        "learners": q.learners,
        "first_tries": q.first_tries,
        "first_try_right": q.first_try_right,
        "first_try_rate": q.first_try_rate,
        "earlier_version": q.earlier_version,
        "gave_up": q.gave_up,
        "hints": [
            {
                "hint": h.hint,
                "learner": h.learner,
                "time": iso(h.time),
                "quiz_attempt": h.quiz_attempt,
            }
            for h in q.hints
        ],
        "most_picked_wrong": None
        if q.most_wrong is None
        else {
            "index": q.most_wrong.index,
            "text": q.most_wrong.text,
            "count": q.most_wrong.count,
            "location": _span(q.most_wrong.span),
        },
    }


def to_json(report: Report) -> dict[str, Any]:
    from engine.store.export import iso

    return {
        "lessons": [
            {
                "course": r.course,
                "lesson": r.lesson.id,
                "title": r.lesson.title,
                "location": _span(r.span),
                "content_hash": r.content_hash,
                "learners": r.learners,
                "done": r.done,
                "clear": r.clear,
                "unclear": r.unclear,
                "questions": [_question_json(q) for q in r.questions],
                "asked": [
                    {
                        "block": a.block,
                        "label": a.label,
                        "location": _span(a.span),
                        "learners": a.learners,
                        "questions": a.questions,
                        "most_about": a.top_error or None,
                        "earlier_version": a.earlier_version,
                    }
                    for a in r.asked
                ],
                "comments": [
                    {
                        "location": _span(c.span),
                        "clear": c.clear,
                        "comment": c.text,
                        "learner": c.learner,
                        "time": iso(c.time),
                        "earlier_version": c.earlier_version,
                    }
                    for c in r.comments
                ],
            }
            for r in report.lessons
        ],
        "quizzes": [
            {
                "quiz": qr.quiz.id,
                "title": qr.quiz.title,
                "location": _span(qr.quiz.span),
                "attempts": qr.attempts,
                "finished": qr.finished,
                "passed": qr.passed,
                "mean_score": qr.mean_score,
                "questions": [_question_json(q) for q in qr.questions],
            }
            for qr in report.quizzes
        ],
        "problems": [str(p) for p in report.problems],
    }
