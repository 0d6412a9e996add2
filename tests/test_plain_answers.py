"""What a learner types at a question: numbers in any form, commands, and nonsense."""

from __future__ import annotations

import pytest

from engine.plain.answers import parse
from engine.session.views import ChoiceView, QuestionView


def view(multiple: bool = False) -> QuestionView:
    # shown order 1, 2, 3 = original choices 2, 0, 1
    return QuestionView(
        block_index=0,
        id="q",
        prompt="?",
        multiple=multiple,
        choices=tuple(
            ChoiceView(index=i, number=n, text=f"c{i}") for n, i in enumerate((2, 0, 1), 1)
        ),
        hints_shown=(),
        hints_left=0,
        attempts=0,
        last=None,
        solved=False,
    )


@pytest.mark.parametrize(
    ("typed", "picks"),
    [
        ("1", {2}),
        (" 2 ", {0}),
        ("1,3", {2, 1}),
        ("1 3", {2, 1}),
        ("1;3", {2, 1}),
        ("3,,1", {1, 2}),
        ("٢", {0}),  # an Arabic-Indic two is a two
    ],
)
def test_numbers(typed: str, picks: set[int]) -> None:
    got = parse(typed, view(multiple=True), "en")
    assert got.kind == "picks" and got.picks == picks


@pytest.mark.parametrize(
    "typed",
    ["0", "4", "99", "²", "1²", "-1", "1.0", "x", "1,x", ",", "99999999999999999999999", "½"],
)
def test_nonsense_is_refused_with_a_message(typed: str) -> None:
    got = parse(typed, view(multiple=True), "en")
    assert got.kind == "invalid" and "is not a choice" in got.message


def test_the_message_repeats_what_was_typed() -> None:
    assert parse("Maybe", view(), "en").message.startswith("Maybe is not a choice")


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("H", "hint"),
        ("?", "hint"),
        ("dica", "hint"),
        ("S", "skip"),
        ("pular", "skip"),
        ("Q", "quit"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_commands(typed: str, kind: str) -> None:
    assert parse(typed, view(), "en").kind == kind


def test_one_answer_only_for_a_single_answer_question() -> None:
    assert parse("1,2", view(), "en").kind == "invalid"
    assert parse("1,1", view(), "en").picks == {2}
