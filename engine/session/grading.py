"""Grading and the per-learner order of choices: pure functions, no state, no I/O.

Choices are shuffled per learner but stable across a resume: the order is drawn from a seed made
of the learner name, the question's owner (``course/lesson``, or ``quiz:<id>`` for a question
written in a quiz) and the question id. A question reused in a quiz by ``ref`` keeps the owner of
its lesson, so a learner sees the same order in both places. ``shuffle: false`` keeps the author's
order. Grading is all-or-nothing: a select-all answer is right only if it picks exactly the
correct choices; the verdict still says which picks were right or wrong.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection

from engine.format.models import QuestionBlock
from engine.session.views import Explanation, Verdict


class InvalidAnswerError(ValueError):
    """The picks cannot be graded (none, out of range, several for a single-answer question).

    The message is meant for the learner."""


def seed_for(*parts: str) -> int:
    """A seed stable across runs, machines and Python versions (unlike ``hash()``)."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def choice_order(question: QuestionBlock, *, learner: str, owner: str) -> tuple[int, ...]:
    """Original choice indexes in the order this learner sees them."""
    order = list(range(len(question.choices)))
    if question.shuffle:
        random.Random(seed_for("choices", learner, owner, question.id)).shuffle(order)
    return tuple(order)


def check_picks(question: QuestionBlock, picks: Collection[int]) -> frozenset[int]:
    """Validate original choice indexes; raise :class:`InvalidAnswerError` if unusable."""
    chosen = frozenset(picks)
    if not chosen:
        raise InvalidAnswerError("pick at least one choice")
    bad = sorted(i for i in chosen if not 0 <= i < len(question.choices))
    if bad:
        raise InvalidAnswerError(f"no choice {bad[0]}: there are {len(question.choices)}")
    if not question.multiple and len(chosen) != 1:
        raise InvalidAnswerError("pick exactly one choice")
    return chosen


def reveal(
    question: QuestionBlock,
    *,
    order: tuple[int, ...],
    attempt: int,
    before: Collection[int] = (),
) -> Verdict:
    """The verdict of "Show answer": nothing picked, every choice explained, not correct;
    ``before``, the learner's last answer, still marked as theirs in the explanations (the
    record itself has no picks)."""
    correct_set = question.correct_indexes
    theirs = frozenset(before)
    return Verdict(
        question_id=question.id,
        correct=False,
        picked=frozenset(),
        correct_set=correct_set,
        wrong_picks=frozenset(),
        missed=correct_set,
        explanations=tuple(
            Explanation(
                index=i,
                text=question.choices[i].text,
                picked=i in theirs,
                correct=question.choices[i].correct,
                why=question.choices[i].why,
            )
            for i in order
        ),
        attempt=attempt,
        gave_up=True,
    )


def regrade(
    question: QuestionBlock,
    picks: Collection[int],
    *,
    order: tuple[int, ...],
    attempt: int,
    before: Collection[int] = (),
) -> Verdict | None:
    """The verdict of a recorded answer, or None when its picks no longer fit the question
    (the author removed a choice, or made a select-all question single-answer, since).
    A record with no picks is a "Show answer" (see :func:`reveal`; ``before``: the picks of
    the answer before it)."""
    if not picks:
        return reveal(question, order=order, attempt=attempt, before=before)
    try:
        return grade(question, picks, order=order, attempt=attempt)
    except InvalidAnswerError:
        return None


def grade(
    question: QuestionBlock, picks: Collection[int], *, order: tuple[int, ...], attempt: int
) -> Verdict:
    """Grade ``picks`` (original indexes). ``order`` is the learner's order of choices."""
    picked = check_picks(question, picks)
    correct_set = question.correct_indexes
    explanations = tuple(
        Explanation(
            index=i,
            text=question.choices[i].text,
            picked=i in picked,
            correct=question.choices[i].correct,
            why=question.choices[i].why,
        )
        for i in order
    )
    return Verdict(
        question_id=question.id,
        correct=picked == correct_set,
        picked=picked,
        correct_set=correct_set,
        wrong_picks=picked - correct_set,
        missed=correct_set - picked,
        explanations=explanations,
        attempt=attempt,
    )
