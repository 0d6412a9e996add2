"""What learners made of a course, for its authors (``lectio report PATH``).

Aggregates the store's records against the lesson files as they are now: per lesson, how many
learners, "Was everything clear?" yes/no counts and every comment; per question, the attempts,
the first-try success rate (first tries that were right / first tries; each quiz attempt counts
as a first try too) and the wrong choice picked most often. Everything points at ``file:line:col``
in the YAML, so an editor can jump there. Records made on an earlier version of a file (another
``content_hash``) are counted and flagged, since choices may have moved since.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from engine.format.catalog import (
    QuizQuestion,
    course_file,
    default_lessons_root,
    load_course_dir,
    resolve_quiz_partly,
)
from engine.format.loader import load
from engine.format.models import CodeBlock, Lesson, QuestionBlock, Quiz
from engine.format.problems import LoadError, Problem
from engine.format.spans import Span
from engine.session.content import content_hash
from engine.store.base import Store
from engine.store.records import AskedQuestion, Attempt, Feedback, HintReveal, quiz_owner


@dataclass(frozen=True, slots=True)
class WrongChoice:
    index: int  # original index
    text: str
    count: int
    span: Span


@dataclass(frozen=True, slots=True)
class HintUse:
    """One hint a learner opened: which (0-based), when, in a quiz attempt or not."""

    hint: int
    learner: str
    time: float
    quiz_attempt: int | None


@dataclass(frozen=True, slots=True)
class QuestionStats:
    id: str
    prompt: str
    span: Span
    attempts: int
    learners: int
    first_tries: int
    first_try_right: int
    most_wrong: WrongChoice | None
    earlier_version: int  # attempts recorded on another version of the file
    gave_up: int = 0  # "Show answer" records (attempts with no picks)
    hints: tuple[HintUse, ...] = ()  # every hint opened, oldest first

    @property
    def first_try_rate(self) -> float | None:
        return self.first_try_right / self.first_tries if self.first_tries else None


@dataclass(frozen=True, slots=True)
class Comment:
    span: Span  # the block (or chapter) it is about
    clear: bool | None
    text: str | None
    learner: str
    time: float
    earlier_version: bool


@dataclass(frozen=True, slots=True)
class AskedAbout:
    """The questions learners asked (the Ask panel) about one block."""

    block: int
    label: str  # "cell 4" (code cells counted from 1), "block 7" for the others
    span: Span
    learners: int
    questions: int
    top_error: str  # the exception most questions were asked under, "" if none
    earlier_version: int  # asked on another version of the file


@dataclass
class LessonReport:
    course: str
    lesson: Lesson
    content_hash: str
    learners: int = 0
    done: int = 0
    clear: int = 0
    unclear: int = 0
    comments: list[Comment] = field(default_factory=list)
    questions: list[QuestionStats] = field(default_factory=list)
    asked: list[AskedAbout] = field(default_factory=list)

    @property
    def span(self) -> Span:
        return self.lesson.span


@dataclass
class QuizReport:
    quiz: Quiz
    attempts: int = 0
    finished: int = 0
    passed: int = 0
    mean_score: float | None = None
    questions: list[QuestionStats] = field(default_factory=list)


@dataclass
class Report:
    lessons: list[LessonReport] = field(default_factory=list)
    quizzes: list[QuizReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # files that could not be read


def question_stats(
    question: QuestionBlock,
    attempts: list[Attempt],
    current_hash: str,
    span: Span | None = None,
    hints: Sequence[HintReveal] = (),
) -> QuestionStats:
    first = [a for a in attempts if a.attempt == 1]
    wrong: Counter[int] = Counter()
    for a in attempts:
        if not a.correct:
            wrong.update(
                i
                for i in a.picks
                if 0 <= i < len(question.choices) and not question.choices[i].correct
            )
    most = None
    if wrong:
        index, count = min(wrong.items(), key=lambda item: (-item[1], item[0]))
        choice = question.choices[index]
        most = WrongChoice(index=index, text=choice.text, count=count, span=choice.span)
    return QuestionStats(
        id=question.id,
        prompt=question.question,
        span=span or question.span,
        attempts=len(attempts),
        learners=len({a.learner for a in attempts}),
        first_tries=len(first),
        first_try_right=sum(a.correct for a in first),
        most_wrong=most,
        earlier_version=sum(a.content_hash != current_hash for a in attempts),
        gave_up=sum(not a.picks for a in attempts),
        hints=tuple(
            HintUse(hint=h.hint, learner=h.learner, time=h.ts, quiz_attempt=h.quiz_attempt)
            for h in hints
            if h.question == question.id
        ),
    )


def lesson_report(
    lesson: Lesson, course: str, store: Store, learner: str | None = None
) -> LessonReport:
    current = content_hash(lesson)
    report = LessonReport(course=course, lesson=lesson, content_hash=current)
    attempts = store.attempts(learner=learner, course=course, lesson=lesson.id)
    feedback: list[Feedback] = store.feedback(learner=learner, course=course, lesson=lesson.id)
    progress = [
        p for p in store.all_progress(learner=learner, course=course) if p.lesson == lesson.id
    ]
    report.learners = len(
        {p.learner for p in progress}
        | {a.learner for a in attempts}
        | {f.learner for f in feedback}
    )
    report.done = sum(p.done for p in progress)
    for f in feedback:
        report.clear += f.clear is True
        report.unclear += f.clear is False
        old = f.content_hash != current
        if not old and 0 <= f.block < len(lesson.blocks):
            span = lesson.blocks[f.block].span
        else:
            span = Span(lesson.path, f.line or 1, 1)
        if f.comment or f.clear is not None:
            report.comments.append(
                Comment(
                    span=span,
                    clear=f.clear,
                    text=f.comment,
                    learner=f.learner,
                    time=f.ts,
                    earlier_version=old,
                )
            )
    hints = [
        h
        for h in store.hint_reveals(learner=learner, course=course, lesson=lesson.id)
        if h.quiz_attempt is None
    ]
    for question in lesson.questions:
        mine = [a for a in attempts if a.question == question.id]
        report.questions.append(question_stats(question, mine, current, hints=hints))
    asked = store.asked_questions(learner=learner, course=course, lesson=lesson.id)
    report.learners = max(report.learners, len({a.learner for a in asked}))
    report.asked = asked_about(lesson, asked, current)
    return report


def asked_about(lesson: Lesson, asked: list[AskedQuestion], current: str) -> list[AskedAbout]:
    """Questions summed per block, the block asked about most first."""
    cells = [i for i, b in enumerate(lesson.blocks) if isinstance(b, CodeBlock)]
    by_block: dict[int, list[AskedQuestion]] = {}
    for a in asked:
        by_block.setdefault(a.block, []).append(a)
    found: list[AskedAbout] = []
    for block, items in by_block.items():
        in_range = 0 <= block < len(lesson.blocks)
        span = lesson.blocks[block].span if in_range else lesson.span
        label = f"cell {cells.index(block) + 1}" if block in cells else f"block {block + 1}"
        errors = Counter(a.error for a in items if a.error)
        top = min(errors.items(), key=lambda kv: (-kv[1], kv[0]))[0] if errors else ""
        found.append(
            AskedAbout(
                block=block,
                label=label,
                span=span,
                learners=len({a.learner for a in items}),
                questions=len(items),
                top_error=top,
                earlier_version=sum(a.content_hash != current for a in items),
            )
        )
    found.sort(key=lambda x: (-x.learners, -x.questions, x.block))
    return found


def quiz_report(
    quiz: Quiz, items: list[QuizQuestion], store: Store, learner: str | None = None
) -> QuizReport:
    current = content_hash(quiz)
    report = QuizReport(quiz=quiz)
    runs = store.quiz_attempts(learner=learner, quiz=quiz.id)
    report.attempts = len(runs)
    done = [r for r in runs if r.finished is not None and r.total]
    report.finished = len(done)
    report.passed = sum(bool(r.passed) for r in done)
    if done:
        report.mean_score = sum((r.correct or 0) / (r.total or 1) for r in done) / len(done)
    for item in items:
        if item.ref is not None:
            course, rest = item.ref.split("/", 1)
            owner = rest.split("#", 1)[0]
            hash_now = content_hash(item.lesson) if item.lesson is not None else current
        else:
            course, owner, hash_now = "", quiz_owner(quiz.id), current
        mine = [
            a
            for a in store.attempts(learner=learner, course=course, lesson=owner)
            if a.question == item.question.id and a.quiz == quiz.id
        ]
        quiz_runs = {r.id for r in runs}
        hints = [
            h
            for h in store.hint_reveals(learner=learner, course=course, lesson=owner)
            if h.quiz_attempt in quiz_runs
        ]
        report.questions.append(
            question_stats(item.question, mine, hash_now, span=item.span, hints=hints)
        )
    return report


def build_report(path: str | Path, store: Store, learner: str | None = None) -> Report:
    """A report for a lesson file, a quiz file, a course folder or a folder of courses
    (``learner``: only that learner's records; None: everyone's).

    Raises :class:`LoadError` only when ``path`` names nothing readable at all."""
    path = Path(path)
    report = Report()
    if not path.exists():
        raise LoadError([Problem(Span(str(path), 1, 1), "no such file or folder", "file")])
    if path.is_dir() or path.name in ("course.yaml", "course.yml"):
        folder = path if path.is_dir() else path.parent
        folders = (
            [folder]
            if course_file(folder)
            else sorted(p for p in folder.iterdir() if p.is_dir() and course_file(p))
        )
        if not folders:
            raise LoadError(
                [
                    Problem(
                        Span(str(folder), 1, 1),
                        "no course.yaml here, and no course folder inside",
                        "file",
                    )
                ]
            )
        for f in folders:
            loaded = load_course_dir(f)
            report.problems.extend(loaded.problems)
            course_id = loaded.course.id if loaded.course else ""
            for lesson in loaded.lessons.values():
                report.lessons.append(lesson_report(lesson, course_id, store, learner))
        return report
    doc = load(path)
    if isinstance(doc, Lesson):
        cf = course_file(path.parent)
        course_id = ""
        if cf is not None:
            try:
                course = load(cf, "course")
                if doc.id in getattr(course, "lesson_ids", []):
                    course_id = getattr(course, "id", "")
            except LoadError:
                pass
        report.lessons.append(lesson_report(doc, course_id, store, learner))
    elif isinstance(doc, Quiz):
        items, problems = resolve_quiz_partly(doc, default_lessons_root(path))
        report.problems.extend(problems)  # warnings: the questions that resolve are reported
        report.quizzes.append(quiz_report(doc, items, store, learner))
    else:
        return build_report(path.parent, store)
    return report
