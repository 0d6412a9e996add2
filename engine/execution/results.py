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

    @property
    def ok(self) -> bool:
        return self.status is CellStatus.OK
