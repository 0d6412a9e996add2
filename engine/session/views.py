"""Immutable snapshots a front end renders: a code cell, a question, a verdict.

Front ends (the TUI, the plain mode) never look inside the session's state; they ask for a view,
render it, and call a session method to act. Views are frozen values, so a front end may keep one
while a worker thread changes the session.

Choice indexes are always ORIGINAL indexes (position in the YAML ``choices`` list); the learner's
shuffled order is the order of :attr:`QuestionView.choices` and :attr:`Verdict.explanations`,
and :attr:`ChoiceView.number` is the 1-based number shown to the learner.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.execution.results import CellResult
from engine.format.spans import Span


@dataclass(frozen=True, slots=True)
class CellView:
    """A code cell as the learner sees it now."""

    block_index: int
    code: str  # current code: the learner's edit, or the original
    original: str
    edited: bool
    hidden: bool
    result: CellResult | None  # last result in this session, None if it has not run
    running: bool
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ChoiceView:
    index: int  # original index in the YAML
    number: int  # 1-based position in the learner's order
    text: str  # Markdown


@dataclass(frozen=True, slots=True)
class Explanation:
    """What to tell about one choice after an answer (for every choice, picked or not)."""

    index: int  # original index
    text: str
    picked: bool
    correct: bool
    why: str | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The grading of one answer. All-or-nothing: correct only if ``picked == correct_set``."""

    question_id: str
    correct: bool
    picked: frozenset[int]
    correct_set: frozenset[int]
    wrong_picks: frozenset[int]  # picked but not correct
    missed: frozenset[int]  # correct but not picked
    explanations: tuple[Explanation, ...]  # every choice, in the learner's order
    attempt: int  # 1 for the first try
    gave_up: bool = False  # the learner asked to see the answer ("Show answer")

    @property
    def revealed(self) -> bool:
        """The answer may be shown: the learner got it right or gave up."""
        return self.correct or self.gave_up

    def shown(self) -> tuple[Explanation, ...]:
        """What a front end shows after this verdict (the policy of every front end).

        Right, or given up: every choice, which are correct and every ``why``. Wrong: only the
        wrongly picked choices and why they are wrong; the correct answer stays hidden so that
        Try again is still a real question."""
        if self.revealed:
            return self.explanations
        return tuple(e for e in self.explanations if e.picked and not e.correct)


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question as the learner sees it now."""

    block_index: int  # index in the lesson's blocks (or in the quiz's drawn questions)
    id: str
    prompt: str  # Markdown
    multiple: bool  # "select all that apply"
    choices: tuple[ChoiceView, ...]  # in the learner's (stable, shuffled) order
    hints_shown: tuple[str, ...]
    hints_left: int
    attempts: int
    last: Verdict | None
    solved: bool  # some attempt was correct
    span: Span | None = None  # where the question is in its YAML file

    @property
    def settled(self) -> bool:
        """Answered right, or the answer was shown: nothing more counts as an attempt."""
        return self.solved or (self.last is not None and self.last.gave_up)

    def number_of(self, index: int) -> int:
        """The 1-based number shown for original choice ``index``."""
        return next(c.number for c in self.choices if c.index == index)

    def index_of(self, number: int) -> int:
        """The original index of the choice shown as ``number`` (1-based)."""
        return self.choices[number - 1].index
