"""The headless quiz session: one learner taking one standalone quiz.

A quiz attempt draws its questions once (``pick`` of them at random, else all, in file order),
seeded by learner, quiz id and attempt number: the draw is stable while the attempt lasts
(resuming it asks the same questions) and a new attempt may draw anew. Each question is answered
once (the score counts first answers) or skipped (a miss, remembered: a resumed attempt goes on
after it); then :meth:`QuizSession.finish` scores the attempt against
``pass`` and lists the missed questions for review.

Usage::

    items = resolve_quiz(quiz, lessons_root)            # engine.format.catalog
    session = QuizSession(quiz, items, store=store, learner="ana")
    for k in range(session.position, session.count):
        view = session.question(k)                      # same QuestionView as in a lesson
        verdict = session.answer(k, {view.index_of(1)})
    result = session.finish()                           # score, passed, review of misses

A question reused by ``ref`` is recorded under its lesson (``course``, ``lesson``, question id),
so an author's report counts it with the lesson's own answers; the attempt also names the quiz.
"""

from __future__ import annotations

import random
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from engine.format.catalog import QuizQuestion
from engine.format.models import QuestionBlock, Quiz
from engine.format.spans import Span
from engine.session.content import content_hash as compute_hash
from engine.session.grading import check_picks, choice_order, grade, regrade, seed_for
from engine.session.views import ChoiceView, QuestionView, Verdict
from engine.store.base import Store
from engine.store.records import Attempt, HintReveal, QuizAttempt, quiz_owner


class AlreadyAnsweredError(ValueError):
    """In a quiz each question is answered once."""


@dataclass(frozen=True, slots=True)
class Review:
    """A missed question, for the review at the end."""

    number: int  # 1-based position in the attempt
    key: str
    prompt: str
    verdict: Verdict | None  # None: not answered
    span: Span
    ref: str | None


@dataclass(frozen=True, slots=True)
class QuizResult:
    attempt: int  # attempt number, 1-based
    correct: int
    total: int
    pass_mark: float
    missed: tuple[Review, ...]

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark - 1e-9


def draw(
    keys: Sequence[str], pick: int | None, *, learner: str, quiz_id: str, number: int
) -> list[str]:
    """The questions of attempt ``number``: ``pick`` keys at random (kept in file order)."""
    if pick is None or pick >= len(keys):
        return list(keys)
    rng = random.Random(seed_for("quiz", learner, quiz_id, str(number)))
    chosen = set(rng.sample(range(len(keys)), pick))
    return [k for i, k in enumerate(keys) if i in chosen]


class QuizSession:
    """One learner's attempt at a quiz; see the module docstring."""

    def __init__(
        self,
        quiz: Quiz,
        items: Sequence[QuizQuestion],
        *,
        store: Store,
        learner: str = "default",
        new_attempt: bool = False,
        content_hash: str | None = None,
    ) -> None:
        self.quiz = quiz
        self.store = store
        self.learner = learner
        self.content_hash = content_hash or compute_hash(quiz)
        by_key = {item.key: item for item in items}
        previous = store.quiz_attempts(learner, quiz.id)
        last = previous[-1] if previous else None
        if (
            last is not None
            and last.finished is None
            and not new_attempt
            and all(k in by_key for k in last.questions)
        ):
            self.attempt: QuizAttempt = last
        else:
            number = (last.number if last else 0) + 1
            keys = draw(
                [item.key for item in items],
                quiz.pick,
                learner=learner,
                quiz_id=quiz.id,
                number=number,
            )
            self.attempt = store.start_quiz_attempt(learner, quiz.id, keys, self.content_hash)
        self.items: list[QuizQuestion] = [by_key[k] for k in self.attempt.questions]
        self._answers: dict[int, Attempt] = {}
        self._lesson_hashes: dict[int, str] = {}
        keys_index = {(*self._owner(i), item.question.id): i for i, item in enumerate(self.items)}
        for a in store.attempts(learner=learner, quiz_attempt=self.attempt.id):
            k = keys_index.get((a.course, a.lesson, a.question))
            if k is not None and k not in self._answers:
                self._answers[k] = a
        self._hints: dict[int, int] = {}
        for k, item in enumerate(self.items):
            course, lesson = self._owner(k)
            for h in store.hints(
                learner=learner, course=course, lesson=lesson, quiz_attempt=self.attempt.id
            ):
                if h.question == item.question.id:
                    self._hints[k] = max(self._hints.get(k, 0), h.hint + 1)

    # structure ------------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def number(self) -> int:
        """This attempt's number (1 for the first)."""
        return self.attempt.number

    @property
    def position(self) -> int:
        """The first question neither answered nor skipped (``count`` when there is none)."""
        return next(
            (k for k in range(self.count) if k not in self._answers and not self.skipped(k)),
            self.count,
        )

    @property
    def finished(self) -> bool:
        return self.attempt.finished is not None

    def answered(self, k: int) -> bool:
        return k in self._answers

    def skipped(self, k: int) -> bool:
        """The learner skipped question ``k`` in this attempt and has not answered it since."""
        return k not in self._answers and self.items[k].key in self.attempt.skipped

    def _owner(self, k: int) -> tuple[str, str]:
        item = self.items[k]
        if item.ref is not None:
            course, rest = item.ref.split("/", 1)
            return course, rest.split("#", 1)[0]
        return "", quiz_owner(self.quiz.id)

    def _block(self, k: int) -> QuestionBlock:
        return self.items[k].question

    def _order(self, k: int) -> tuple[int, ...]:
        course, lesson = self._owner(k)
        return choice_order(self._block(k), learner=self.learner, owner=f"{course}/{lesson}")

    # questions ------------------------------------------------------------------------------
    def question(self, k: int) -> QuestionView:
        block = self._block(k)
        order = self._order(k)
        shown = min(self._hints.get(k, 0), len(block.hints))
        answer = self._answers.get(k)
        last = regrade(block, answer.picks, order=order, attempt=1) if answer else None
        return QuestionView(
            block_index=k,
            id=block.id,
            prompt=block.question,
            multiple=block.multiple,
            choices=tuple(
                ChoiceView(index=i, number=n, text=block.choices[i].text)
                for n, i in enumerate(order, 1)
            ),
            hints_shown=tuple(block.hints[:shown]),
            hints_left=len(block.hints) - shown,
            attempts=1 if answer else 0,
            last=last,
            solved=bool(answer and answer.correct),
            span=block.span,
        )

    def reveal_hint(self, k: int) -> str | None:
        block = self._block(k)
        shown = self._hints.get(k, 0)
        if shown >= len(block.hints) or k in self._answers:
            return None
        course, lesson = self._owner(k)
        self.store.add_hint(
            HintReveal(
                learner=self.learner,
                course=course,
                lesson=lesson,
                question=block.id,
                hint=shown,
                ts=time.time(),
                quiz_attempt=self.attempt.id,
            )
        )
        self._hints[k] = shown + 1
        return block.hints[shown]

    def _hash_of(self, k: int) -> str:
        """The version of the file question ``k`` is written in (its picks index that file):
        the lesson's for a reused question, so a report on the lesson compares like with like."""
        lesson = self.items[k].lesson
        if self.items[k].ref is not None and lesson is not None:
            if k not in self._lesson_hashes:
                self._lesson_hashes[k] = compute_hash(lesson)
            return self._lesson_hashes[k]
        return self.content_hash

    def answer(self, k: int, picks: Collection[int]) -> Verdict:
        """Grade and record the answer to question ``k`` (once); committed before returning."""
        if k in self._answers:
            raise AlreadyAnsweredError(f"question {k + 1} is already answered")
        block = self._block(k)
        picked = check_picks(block, picks)
        verdict = grade(block, picked, order=self._order(k), attempt=1)
        course, lesson = self._owner(k)
        self._answers[k] = self.store.add_attempt(
            Attempt(
                learner=self.learner,
                course=course,
                lesson=lesson,
                question=block.id,
                picks=tuple(sorted(picked)),
                correct=verdict.correct,
                attempt=1,
                ts=time.time(),
                content_hash=self._hash_of(k),
                quiz=self.quiz.id,
                quiz_attempt=self.attempt.id,
            )
        )
        return verdict

    def skip(self, k: int) -> None:
        """Leave question ``k`` unanswered (a miss), remembered so a resumed attempt goes on
        after it; it may still be answered while the attempt lasts."""
        if k in self._answers or self.skipped(k):
            return
        self.attempt = self.store.skip_quiz_question(self.attempt.id, self.items[k].key)

    # the end --------------------------------------------------------------------------------
    def result(self) -> QuizResult:
        """The score so far (unanswered questions count as missed)."""
        missed = []
        for k, item in enumerate(self.items):
            answer = self._answers.get(k)
            if answer is None or not answer.correct:
                missed.append(
                    Review(
                        number=k + 1,
                        key=item.key,
                        prompt=item.question.question,
                        verdict=self.question(k).last,
                        span=item.span,
                        ref=item.ref,
                    )
                )
        correct = sum(1 for a in self._answers.values() if a.correct)
        return QuizResult(
            attempt=self.number,
            correct=correct,
            total=self.count,
            pass_mark=self.quiz.pass_mark,
            missed=tuple(missed),
        )

    def finish(self) -> QuizResult:
        """Score the attempt and record it as finished."""
        result = self.result()
        self.attempt = self.store.finish_quiz_attempt(
            self.attempt.id, correct=result.correct, total=result.total, passed=result.passed
        )
        return result

    def close(self) -> None:
        """Nothing to release (no kernel); for symmetry with LessonSession."""
