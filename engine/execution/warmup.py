"""Optional warm-ups: first calls that are slow enough to pay before a learner runs a cell.

An optimizer's first ``step()`` imports ``torch._dynamo`` (1-1.5 s). Every lesson paying it
up front would slow down the many lessons that never use an optimizer, so a warm-up is asked
for by name, only when the lesson's code needs it (:func:`needed_warmups`): the fork server
does it once before forking (``lectio validate``), and an interactive kernel does it before it
says it is ready (``Kernel(warm=...)``, set from the lesson by ``LessonExecutor``), so the
learner's first optimizer cell does not pay it. This module imports nothing heavy: lectio's
process uses :func:`needed_warmups`; only kernel processes call :func:`run`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable


def _warm_optim() -> None:
    """An optimizer's first ``step()`` imports ``torch._dynamo``: a second or more."""
    torch = sys.modules.get("torch")
    if torch is not None:
        weight = torch.ones(2, requires_grad=True)
        (weight * weight).sum().backward()
        torch.optim.SGD([weight], lr=0.1).step()


WARMUPS: dict[str, Callable[[], None]] = {"optim": _warm_optim}
"""The warm-ups by name."""


def needed_warmups(code: Iterable[str]) -> set[str]:
    """The optional warm-ups worth doing for this code (each costs its kernel time once)."""
    text = "\n".join(code)
    return {"optim"} if any(word in text for word in ("optim", "compile", "_dynamo")) else set()


def run(names: Iterable[str]) -> list[str]:
    """Do the named warm-ups (unknown names are ignored); a failure is never fatal."""
    done = []
    for name in sorted(set(names) & WARMUPS.keys()):
        try:
            WARMUPS[name]()
            done.append(name)
        except Exception:  # a warm-up only saves time; the cell will report a real problem
            continue
    return done
