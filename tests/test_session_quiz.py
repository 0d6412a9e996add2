"""QuizSession (draws, one answer per question, score, review, resume) and course progress."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from narrow import present

from engine.format.catalog import load_course_dir, resolve_quiz
from engine.format.loader import load_quiz
from engine.format.models import Quiz
from engine.session import AlreadyAnsweredError, QuizSession, course_progress, resume_target
from engine.session.course import LessonStatus
from engine.session.quiz import QuizResult, draw
from engine.store import LessonProgress, SqliteStore, quiz_owner

ROOT = Path(__file__).parent / "data" / "session" / "root"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "lectio.db")
    yield s
    s.close()


@pytest.fixture
def quiz() -> Quiz:
    return load_quiz(ROOT / "quizzes" / "review.yaml")


def new(
    quiz: Quiz, store: SqliteStore, learner: str = "ana", *, new_attempt: bool = False
) -> QuizSession:
    return QuizSession(
        quiz,
        resolve_quiz(quiz, ROOT / "lessons"),
        store=store,
        learner=learner,
        new_attempt=new_attempt,
    )


def answer_all(s: QuizSession, right: int) -> None:
    """Answer the first ``right`` questions correctly and the rest wrongly."""
    for k in range(s.position, s.count):
        q = s.items[k].question
        picks = (
            set(q.correct_indexes)
            if k < right
            else {next(i for i in range(len(q.choices)) if not q.choices[i].correct)}
        )
        s.answer(k, picks)


def test_pick_draws_are_stable_per_attempt_and_may_change_between(
    quiz: Quiz, store: SqliteStore
) -> None:
    s = new(quiz, store)
    assert s.count == 3 and s.number == 1
    again = new(quiz, store)  # unfinished: the same attempt resumes with the same draw
    assert again.attempt.id == s.attempt.id
    assert [i.key for i in again.items] == [i.key for i in s.items]
    keys = ["a", "b", "c", "d", "e"]
    draws = {tuple(draw(keys, 3, learner="ana", quiz_id="review", number=n)) for n in range(1, 30)}
    assert len(draws) > 1 and all(len(d) == 3 for d in draws)
    assert draw(keys, 3, learner="ana", quiz_id="review", number=4) == draw(
        keys, 3, learner="ana", quiz_id="review", number=4
    )
    assert draw(keys, None, learner="ana", quiz_id="x", number=1) == keys


def test_score_pass_and_review_of_misses(quiz: Quiz, store: SqliteStore) -> None:
    s = new(quiz, store)
    answer_all(s, right=2)
    result = s.finish()
    assert (result.correct, result.total, result.attempt) == (2, 3, 1)
    assert result.passed  # 2/3 >= 0.6
    assert [r.number for r in result.missed] == [3]
    missed = result.missed[0]
    assert missed.verdict is not None and not missed.verdict.correct
    assert missed.span.file.endswith("review.yaml")
    stored = store.quiz_attempts("ana", "review")[0]
    assert (stored.correct, stored.total, stored.passed) == (2, 3, True)
    s2 = new(quiz, store)  # the last attempt is finished: a new one
    assert s2.number == 2 and s2.position == 0
    answer_all(s2, right=0)
    r2 = s2.finish()
    assert not r2.passed and len(r2.missed) == 3


@pytest.mark.parametrize(
    ("correct", "total", "pass_mark", "passed"),
    [
        (4, 5, 0.8, True),  # exactly the pass mark passes ("fraction correct to pass")
        (7, 10, 0.7, True),  # and in floating point (0.7 is not exact)
        (3, 5, 0.8, False),
        (2, 3, 0.7, False),
        (2, 3, 2 / 3, True),
        (5, 5, 1.0, True),
        (4, 5, 1.0, False),
        (0, 3, 0.0, True),  # pass: 0, nothing right
    ],
)
def test_the_pass_mark_is_reached_not_passed(
    correct: int, total: int, pass_mark: float, passed: bool
) -> None:
    result = QuizResult(attempt=1, correct=correct, total=total, pass_mark=pass_mark, missed=())
    assert result.passed is passed


def test_one_answer_per_question_and_resume(quiz: Quiz, store: SqliteStore) -> None:
    s = new(quiz, store)
    q0 = s.items[0].question
    v = s.answer(0, set(q0.correct_indexes))
    assert v.correct
    with pytest.raises(AlreadyAnsweredError):
        s.answer(0, set(q0.correct_indexes))
    resumed = new(quiz, store)
    assert resumed.position == 1 and resumed.answered(0)
    assert resumed.question(0).solved
    fresh = new(quiz, store, new_attempt=True)
    assert fresh.number == 2 and fresh.position == 0


def test_ref_answers_are_recorded_under_their_lesson(store: SqliteStore) -> None:
    quiz = load_quiz(ROOT / "quizzes" / "all.yaml")
    s = new(quiz, store)
    assert [i.key for i in s.items] == ["demo/alpha#vowels", "one-prime"]
    s.answer(0, {0, 2})
    s.answer(1, {1})
    rows = store.attempts()
    assert [(r.course, r.lesson, r.question, r.quiz) for r in rows] == [
        ("demo", "alpha", "vowels", "all"),
        ("", quiz_owner("all"), "one-prime", "all"),
    ]
    assert s.finish().correct == 1


def test_hints_in_a_quiz_belong_to_the_attempt(quiz: Quiz, store: SqliteStore) -> None:
    s = QuizSession(
        quiz.model_copy(update={"pick": None}),
        resolve_quiz(quiz, ROOT / "lessons"),
        store=store,
        learner="ana",
    )
    k = next(i for i, item in enumerate(s.items) if item.question.id == "primes")
    assert s.reveal_hint(k) == "A prime has two divisors."
    assert new_view_hints(s, k) == 1
    s.answer(k, {0, 2})
    assert s.reveal_hint(k) is None  # answered: no more hints


def new_view_hints(s: QuizSession, k: int) -> int:
    return len(s.question(k).hints_shown)


def test_course_progress_and_resume_rule(store: SqliteStore) -> None:
    loaded = load_course_dir(ROOT / "lessons" / "demo")
    assert loaded.course is not None
    p = course_progress(loaded.course, store, "ana", loaded.lessons)
    assert (p.done, p.total, p.resume, p.started) == (0, 3, "alpha", False)
    assert [(c.section, c.chapter) for c in p.chapters] == [(1, 1), (1, 2), (2, 3)]
    now = time.time()
    store.save_progress(LessonProgress("ana", "demo", "alpha", 2, True, updated=now))
    store.save_progress(LessonProgress("ana", "demo", "beta", 1, False, updated=now + 1))
    p = course_progress(loaded.course, store, "ana", loaded.lessons)
    assert p.resume == "beta"  # touched last, not done
    assert present(p.chapter("beta")).status is LessonStatus.STARTED
    assert present(p.chapter("alpha")).fraction == 1.0
    store.save_progress(LessonProgress("ana", "demo", "beta", 2, True, updated=now + 2))
    assert course_progress(loaded.course, store, "ana").resume == "gamma"
    store.save_progress(LessonProgress("ana", "demo", "gamma", 1, True, updated=now + 3))
    done = course_progress(loaded.course, store, "ana")
    assert done.resume is None and done.finished
    assert course_progress(loaded.course, store, "bob").resume == "alpha"


def test_resume_rule_wraps_to_the_first_chapter_not_done() -> None:
    order = ["a", "b", "c"]
    saved = {
        "c": LessonProgress("x", "k", "c", done=True, updated=5),
        "a": LessonProgress("x", "k", "a", done=True, updated=1),
    }
    assert resume_target(order, saved) == "b"
    saved["b"] = LessonProgress("x", "k", "b", done=True, updated=2)
    assert resume_target(order, saved) is None
    assert resume_target(order, {}) == "a"


def test_a_skip_is_remembered_within_the_attempt(quiz: Quiz, store: SqliteStore) -> None:
    """Skipping a question then stopping must not ask it again on resume; it stays a miss, and
    it can still be answered while the attempt lasts (a front end may go back to it)."""
    s = new(quiz, store)
    s.skip(0)
    assert s.skipped(0) and not s.answered(0) and s.position == 1
    resumed = new(quiz, store)
    assert resumed.attempt.id == s.attempt.id
    assert resumed.skipped(0) and resumed.position == 1
    assert resumed.result().missed[0].number == 1
    resumed.skip(0)  # twice is harmless
    assert store.quiz_attempts("ana", quiz.id)[-1].skipped == (resumed.items[0].key,)
    q = resumed.items[0].question
    resumed.answer(0, set(q.correct_indexes))
    assert resumed.answered(0) and not resumed.skipped(0)
    assert new(quiz, store).position == 1
    fresh = new(quiz, store, new_attempt=True)
    assert not fresh.skipped(0) and fresh.position == 0


def test_an_opened_chapter_is_started(store: SqliteStore) -> None:
    """Opening a chapter (a session at its first block, nothing else done) starts it: the
    course map shows it started, and Continue points at it, not at "Start"."""
    from engine.session import LessonSession

    loaded = load_course_dir(ROOT / "lessons" / "demo")
    assert loaded.course is not None
    done_before = LessonProgress("ana", "demo", "alpha", 2, True, updated=time.time())
    store.save_progress(done_before)
    session = LessonSession(
        loaded.lessons["beta"], store=store, learner="ana", course=loaded.course
    )
    assert session.position == 0 and session.started
    p = course_progress(loaded.course, store, "ana", loaded.lessons)
    assert present(p.chapter("beta")).status is LessonStatus.STARTED
    assert p.resume == "beta"
    LessonSession(loaded.lessons["alpha"], store=store, learner="ana", course=loaded.course)
    again = store.load_progress("ana", "demo", "alpha")
    assert again is not None and (again.done, again.position) == (True, 2)  # not rewritten


def test_continue_never_points_at_a_chapter_that_cannot_be_opened(store: SqliteStore) -> None:
    loaded = load_course_dir(ROOT / "lessons" / "demo")
    assert loaded.course is not None
    usable = {k: v for k, v in loaded.lessons.items() if k != "beta"}  # beta.yaml is broken
    store.save_progress(LessonProgress("ana", "demo", "alpha", 2, True, updated=time.time()))
    p = course_progress(loaded.course, store, "ana", usable)
    assert p.resume == "gamma" and p.total == 3
    assert course_progress(loaded.course, store, "ana", loaded.lessons).resume == "beta"
