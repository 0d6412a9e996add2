"""The result of validating files: named checks per file, shared by every output format.

One :class:`Check` is one thing that was verified about a file ("schema", "question read-grad",
"cell make-x", "ref course/lesson#q"...). A problem is a check that failed (or errored); a file
with no such check is clean. JUnit turns checks into test cases, JSON lists them, text prints
the problems as ``file:line:col: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from engine.format.problems import Problem
from engine.format.spans import Span

Status = Literal["passed", "failed", "skipped", "error", "warning"]
FileKind = Literal["lesson", "course", "quiz", "unknown"]
PROBLEM_STATUSES: frozenset[str] = frozenset({"failed", "error"})


@dataclass
class Check:
    """One verified fact about a file, and how it went."""

    name: str
    """"schema", "cell make-x" (cell id) or "cell 3" (1-based cell number), "question read-grad",
    "verify read-grad", "ref course/lesson#question", "course"."""
    status: Status
    message: str = ""
    """One line for an author."""
    span: Span | None = None
    duration: float = 0.0
    detail: str = ""
    """Several lines: a diff of expected and actual output, a trimmed traceback..."""
    actual: str | None = None
    """What a code cell showed (printed output, then its last value), when it ran to its end
    without raising; None otherwise. ``lectio validate --update`` writes it into ``expect``."""
    actual_alone: str | None = None
    """The same with the standard output alone (when the cell's streams were kept apart)."""
    actual_stderr: str | None = None
    """The cell's standard error alone (when kept apart), for an ``expect`` with ``stderr``."""

    @property
    def is_problem(self) -> bool:
        return self.status in PROBLEM_STATUSES

    @property
    def is_warning(self) -> bool:
        """Worth saying, not a problem: it does not change the exit status."""
        return self.status == "warning"

    @classmethod
    def from_problem(cls, problem: Problem) -> Check:
        """A failed check for a loader problem; YAML and file problems count as "schema"."""
        name = (
            problem.check
            if problem.check not in {"yaml", "file", "schema", "crossref"}
            else ("course" if problem.check == "crossref" else "schema")
        )
        return cls(name=name, status="failed", message=problem.message, span=problem.span)


@dataclass
class FileReport:
    """Every check made on one file."""

    path: str
    kind: FileKind
    checks: list[Check] = field(default_factory=list)

    @property
    def problems(self) -> list[Check]:
        return [c for c in self.checks if c.is_problem]

    @property
    def ok(self) -> bool:
        return not any(c.is_problem for c in self.checks)


@dataclass
class Counts:
    """What was checked, for the summary line."""

    files: int = 0
    lessons: int = 0
    cells: int = 0
    questions: int = 0
    verifications: int = 0


@dataclass
class ValidationReport:
    """All files of one ``lectio validate`` run."""

    files: list[FileReport] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    executed: bool = False
    """Whether code cells were run (False with ``--no-exec``)."""
    deselected: int = 0
    """Checks left out by ``-k``."""

    @property
    def problems(self) -> int:
        return sum(len(f.problems) for f in self.files)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    def file(self, path: str, kind: FileKind = "unknown") -> FileReport:
        """The report of ``path``, created (at the end) if it is not there yet."""
        for report in self.files:
            if report.path == path:
                return report
        report = FileReport(path, kind)
        self.files.append(report)
        return report


def strict(checks: list[Check]) -> list[Check]:
    """``lectio validate --strict``: a skipped check fails, saying what was skipped and why."""
    return [
        Check(
            c.name,
            "failed",
            f"skipped, and --strict fails on any skip: {c.message.removeprefix('skipped: ')}",
            c.span,
            c.duration,
            c.detail,
        )
        if c.status == "skipped"
        else c
        for c in checks
    ]
