"""Parse what a learner types at a question: choice numbers, or a command word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from engine.i18n import t
from engine.session.views import QuestionView

HINT_WORDS = frozenset({"h", "?", "hint", "dica"})
SKIP_WORDS = frozenset({"s", "skip", "p", "pular"})
QUIT_WORDS = frozenset({"q", "quit", "exit", "sair"})


@dataclass(frozen=True, slots=True)
class Typed:
    kind: Literal["picks", "hint", "skip", "quit", "empty", "invalid"]
    picks: frozenset[int] = frozenset()  # ORIGINAL choice indexes
    message: str = ""  # for "invalid": what to tell the learner


def parse(text: str, view: QuestionView, lang: str | None) -> Typed:
    """``"2"``, ``"1,3"``, ``"1 3"`` -> original indexes; ``h``/``s``/``q`` -> commands."""
    word = text.strip().lower()
    if not word:
        return Typed("empty")
    if word in HINT_WORDS:
        return Typed("hint")
    if word in SKIP_WORDS:
        return Typed("skip")
    if word in QUIT_WORDS:
        return Typed("quit")
    numbers: list[int] = []
    n = len(view.choices)
    for part in re.split(r"[\s,;]+", text.strip()):  # as typed, for the message
        if not part:
            continue
        # isdecimal, not isdigit: "²" is a digit that int() refuses; "٢" is a decimal two.
        if not part.isdecimal() or not 1 <= int(part) <= n:
            return Typed(
                "invalid",
                message=t(
                    "{text} is not a choice: type a number from 1 to {n}.", lang, text=part, n=n
                ),
            )
        numbers.append(int(part))
    if not numbers:
        return Typed(
            "invalid",
            message=t(
                "{text} is not a choice: type a number from 1 to {n}.", lang, text=text.strip(), n=n
            ),
        )
    if not view.multiple and len(set(numbers)) > 1:
        return Typed(
            "invalid", message=t("This question has one answer: type a single number.", lang)
        )
    return Typed("picks", frozenset(view.index_of(k) for k in numbers))
