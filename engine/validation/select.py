"""``lectio validate -k EXPR``: choose checks by name, with pytest's ``-k`` rules.

An expression is made of words joined by ``and``, ``or``, ``not`` and parentheses. A word
matches a check when it is a substring (ignoring case) of one of the check's names:

- the check's own name, in both spellings: the report's (``cell make-x``, ``question
  read-grad``, ``verify read-grad``, ``graph y``, ``ref course/lesson#q``, ``schema``) and the
  pytest plugin's (``cell[make-x]``, ``question[read-grad]``, ``graph[y]``, ``ref[...]``), so an
  expression written for ``pytest -k`` selects the same things here;
- the lesson's (or quiz's) id, its file's name and the names of the folders above it (as pytest
  matches a test's parents).

``-k gradients and not verify`` keeps every check of the gradients lesson but its
verifications; ``-k "cell[make-x]"`` one cell. A lesson none of whose cells, graphs or
verifications is selected is not run at all; a selected cell still runs after the cells above
it (they share one namespace), but only what was selected is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.format.models import CodeBlock, GraphBlock, Lesson, QuestionBlock
from engine.validation.report import ValidationReport

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([\w:+\-.\[\]\\/#]+))")
Matcher = Callable[[str], bool]


class ExpressionError(ValueError):
    """A ``-k`` expression that does not parse; the message says where."""


@dataclass(frozen=True)
class Expression:
    """A parsed ``-k`` expression."""

    text: str
    _evaluate: Callable[[Matcher], bool]

    def matches(self, names: Iterable[str]) -> bool:
        """Whether the expression holds for something called by any of ``names``."""
        lowered = [name.lower() for name in names]
        return self._evaluate(lambda word: any(word.lower() in name for name in lowered))


def _tokens(text: str) -> list[tuple[str, int]]:
    tokens: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        found = _TOKEN.match(text, pos)
        if found is None or found.end() == pos:
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ExpressionError(f"column {start + 1}: unexpected character {text[start]!r}")
        word = found.group(1) or found.group(2) or found.group(3)
        tokens.append((word, found.start(found.lastindex or 0) + 1))
        pos = found.end()
    return tokens


class _Parser:
    """expr := or; or := and ('or' and)*; and := not ('and' not)*; not := 'not' not | atom."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def where(self) -> str:
        if self.pos < len(self.tokens):
            return f"column {self.tokens[self.pos][1]}"
        return "at the end"

    def take(self) -> str:
        word = self.tokens[self.pos][0]
        self.pos += 1
        return word

    def parse(self) -> Callable[[Matcher], bool]:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        result = self.or_()
        if self.pos < len(self.tokens):
            raise ExpressionError(f"{self.where()}: unexpected {self.peek()!r}")
        return result

    def or_(self) -> Callable[[Matcher], bool]:
        parts = [self.and_()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else (lambda m: any(p(m) for p in parts))

    def and_(self) -> Callable[[Matcher], bool]:
        parts = [self.not_()]
        while self.peek() == "and":
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else (lambda m: all(p(m) for p in parts))

    def not_(self) -> Callable[[Matcher], bool]:
        if self.peek() == "not":
            self.take()
            inner = self.not_()
            return lambda m: not inner(m)
        return self.atom()

    def atom(self) -> Callable[[Matcher], bool]:
        word = self.peek()
        if word is None:
            raise ExpressionError("the expression ends where a name or '(' was expected")
        if word == "(":
            self.take()
            inner = self.or_()
            if self.peek() != ")":
                raise ExpressionError(f"{self.where()}: expected ')'")
            self.take()
            return inner
        if word in {")", "and", "or"}:
            raise ExpressionError(f"{self.where()}: expected a name or '(', found {word!r}")
        self.take()
        return lambda m: m(word)


def parse(text: str) -> Expression:
    """Parse a ``-k`` expression; raise :class:`ExpressionError` saying where it is wrong."""
    return Expression(text, _Parser(text).parse())


def plugin_name(check_name: str) -> str:
    """The pytest plugin's spelling of a check name: ``cell make-x`` -> ``cell[make-x]``."""
    kind, _, rest = check_name.partition(" ")
    return f"{kind}[{rest}]" if rest else kind


def owner_names(path: str, owner_id: str | None) -> list[str]:
    """The names of a file a check belongs to: its id, file name and folders."""
    file = Path(path)
    names = [file.name, *(part for part in file.parent.parts if part not in {"/", "."})]
    return [owner_id, *names] if owner_id else names


def check_names(check_name: str, owner: list[str]) -> list[str]:
    return [check_name, plugin_name(check_name), *owner]


def lesson_check_names(lesson: Lesson) -> list[str]:
    """The names of the checks running a lesson produces (before it runs)."""
    names: list[str] = []
    number = 0
    for block in lesson.blocks:
        if isinstance(block, CodeBlock):
            if not block.run:  # a run: false listing is not a cell
                continue
            number += 1
            names.append(f"cell {block.id or number}")
        elif isinstance(block, GraphBlock):
            names.append(f"graph {block.graph}")
        elif isinstance(block, QuestionBlock) and block.verify is not None:
            names.append(f"verify {block.id}")
    return names


def runs_anything(expression: Expression, lesson: Lesson) -> bool:
    """Whether any of the lesson's executed checks is selected (else it need not run)."""
    owner = owner_names(lesson.path, lesson.id)
    return any(expression.matches(check_names(name, owner)) for name in lesson_check_names(lesson))


def apply(expression: Expression, report: ValidationReport, ids: dict[str, str]) -> None:
    """Keep only the selected checks of ``report`` (``ids``: file path -> lesson or quiz id);
    files left with no check are dropped; the number of checks left out is counted."""
    kept_files = []
    for file in report.files:
        owner = owner_names(file.path, ids.get(file.path))
        kept = [c for c in file.checks if expression.matches(check_names(c.name, owner))]
        report.deselected += len(file.checks) - len(kept)
        file.checks = kept
        if kept:
            kept_files.append(file)
    report.files = kept_files
