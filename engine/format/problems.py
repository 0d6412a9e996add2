"""Problems found in a file, told the way an author reads them: ``file:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass

from engine.format.spans import Span


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, at a position, with a message for an author.

    ``check`` names what was checked (``schema``, ``yaml``, ``crossref``, a block id...),
    so reports such as JUnit can group problems into test cases.
    """

    span: Span
    message: str
    check: str = "schema"

    def __str__(self) -> str:
        return f"{self.span}: {self.message}"


class LoadError(Exception):
    """A file could not be loaded; carries every problem found in it, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.span.line, p.span.col))
        super().__init__("\n".join(str(p) for p in self.problems))
