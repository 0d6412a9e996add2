"""What running a cell produced: shared by the kernel, the validator, the session and front ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CellStatus(StrEnum):
    OK = "ok"
    ERROR = "error"  # the cell raised; see CellResult.error
    TIMEOUT = "timeout"  # passed its deadline; interrupted (or the kernel was killed)
    CRASHED = "crashed"  # the kernel process died (segfault, os._exit, SIGKILL, sys.exit...)
    SKIPPED = "skipped"  # not run: a required module is missing, or an earlier cell failed


TAMPERING = "tampering:"
"""How the detail of a CRASHED result starts when lectio replaced a kernel because something
wrote on its control pipes that the kernel did not (a forged, unasked or garbled reply): the
cell's result is void. Only lectio writes a detail, so a cell cannot fake this."""


MATCH_TIMEOUT = 2.0
"""Seconds an ``expect: {matches}`` pattern may take on a cell's output (a sane one takes
milliseconds on the 1 MiB output cap; a backtracking one, ``^(a+)+$``, would take for ever)."""


class MatchVerdict(StrEnum):
    """What an ``expect: {matches: ...}`` pattern found in the output.

    The pattern is the lesson author's, and a regular expression can backtrack for ever
    (``^(a+)+$``), so it is never run in lectio's own process, nor in the kernel (a cell may
    have replaced ``re`` there): a throwaway interpreter runs it under a deadline
    (:mod:`engine.execution.judge`) and the result carries the verdict.
    """

    FOUND = "found"
    NOT_FOUND = "not found"
    TOO_SLOW = "too slow"  # interrupted at its deadline (or the kernel had to be killed)


class KernelState(StrEnum):
    STARTING = "starting"
    READY = "ready"
    BUSY = "busy"
    RESTARTING = "restarting"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class CellError:
    """An exception raised by a cell, with a traceback trimmed to the learner's own code."""

    name: str  # exception class name, e.g. "ZeroDivisionError"
    message: str  # str(exception)
    traceback: str  # formatted, only frames from cells (lines numbered within the cell)
    line: int | None = None  # line within the cell where it was raised, if known
    bases: tuple[str, ...] = ()  # qualified names of the class and its bases ("builtins.OSError")

    def is_a(self, name: str) -> bool:
        """Whether the exception is an instance of the class called ``name`` (short or dotted)."""
        if name == self.name:
            return True
        return any(base == name or base.rsplit(".", 1)[-1] == name for base in self.bases)


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture in a cell's output (a matplotlib figure, a ``_repr_png_`` value), checked in
    lectio's process before anyone draws it (:func:`engine.pictures.inspect`)."""

    png: bytes | None
    """The PNG bytes; None when the kernel's picture was refused (see ``problem``)."""
    width: int = 0
    height: int = 0
    at: int = 0
    """Characters of ``CellResult.stdout`` printed before it: text and pictures in order."""
    problem: str = ""
    """Why the picture cannot be shown (not a sound PNG, too large...)."""


@dataclass(frozen=True, slots=True)
class Normalized:
    """A cell's output after the lesson's ``normalize`` rewrites (what ``expect`` compares)."""

    shown: str
    """The output (printed text, then the shown value), rewritten."""
    stdout: str | None = None
    """Standard output alone then the shown value, rewritten (when the streams were apart)."""
    stderr: str | None = None
    """Standard error alone, rewritten (when the cell's streams were kept apart)."""
    applied: tuple[str, ...] = ()
    """The rewrites applied, in order, as an author wrote them (``addresses``, ``/re/``)."""
    error: str = ""
    """Why an author's pattern could not be applied (too slow, a bad group reference)."""


@dataclass(frozen=True, slots=True)
class CellResult:
    """The outcome of one execution request."""

    status: CellStatus
    stdout: str = ""  # everything the cell printed (stdout and stderr interleaved), capped
    display: str | None = None  # repr of the last expression's value, like a notebook
    error: CellError | None = None
    duration: float = 0.0  # seconds, monotonic
    truncated: bool = False  # output passed the cap; the rest was elided
    detail: str = ""  # a readable reason for TIMEOUT / CRASHED / SKIPPED (exit code, signal...)
    extra: dict[str, str] = field(default_factory=dict)
    matched: MatchVerdict | None = None  # ``expect: {matches}`` run by the kernel, if it was
    pictures: tuple[Picture, ...] = ()  # figures and _repr_png_ values, in output order
    picture_count: int = 0  # pictures the cell made (past the cap, some are not sent)
    out: str | None = None  # standard output alone, when the streams were kept apart
    err: str | None = None  # standard error alone, when the streams were kept apart
    normalized: Normalized | None = None  # the output after ``normalize``, when rewritten

    @property
    def shown(self) -> str:
        """What the learner sees: the printed output, then the last expression's value."""
        if self.display is None:
            return self.stdout
        sep = "" if not self.stdout or self.stdout.endswith("\n") else "\n"
        return f"{self.stdout}{sep}{self.display}\n"

    @property
    def shown_alone(self) -> str | None:
        """Like :attr:`shown`, with the standard output alone (when it was kept apart)."""
        if self.out is None:
            return None
        if self.display is None:
            return self.out
        sep = "" if not self.out or self.out.endswith("\n") else "\n"
        return f"{self.out}{sep}{self.display}\n"

    @property
    def ok(self) -> bool:
        return self.status is CellStatus.OK
