"""A short, bounded spin before a blocking wait: a round trip between two CPUs (issue 15).

On a virtual machine whose idle CPUs halt at once (no halt-polling in the guest), waking a
process that sleeps on the *other* CPU costs tens of microseconds: the host has to wake that
virtual CPU. A round trip pays two such wake-ups when lectio and its kernel run on two CPUs
(the request wakes the worker, the reply wakes lectio): 0.11-0.12 ms for ``print(1)``, against
0.065 ms when the two take turns on one CPU, where a wake-up is a plain context switch.

So, when the two were last seen on different CPUs, each side polls for a moment before it
blocks: lectio for the reply after sending a request, the worker for the next request after
sending a reply. Neither sleeps while the other answers, and neither has to be woken. On the
same CPU a spin would only delay the other side (``sched_yield`` does not reliably hand the
CPU over), so there neither spins and the wake-ups stay the cheap kind. The spin is bounded
(:data:`SPIN` after each request and after each reply, then a blocking wait as before): a
kernel idle between a learner's cells burns nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

SPIN = 100e-6
"""Seconds each side polls before it blocks: a trivial cell takes the worker about 25 us, and
lectio sends the next request of a run of cells about 20 us after a reply."""

Events = list[tuple[int, int]]


def cpu_reader() -> Callable[[], int]:
    """The CPU the calling thread runs on (libc's ``sched_getcpu``, under a microsecond), or a
    function that says -1 (unknown) where there is none."""
    try:
        import ctypes

        getcpu = ctypes.CDLL(None, use_errno=True).sched_getcpu
        getcpu.restype = ctypes.c_int
        getcpu.argtypes = ()
        getcpu()
    except (OSError, AttributeError):
        return lambda: -1
    return getcpu


def worth_spinning(here: object, there: object) -> bool:
    """Whether to spin, this side on CPU ``here``, the other last seen on ``there`` (-1 or
    anything not a CPU number: unknown, so spin)."""
    if type(here) is not int or type(there) is not int or here < 0 or there < 0:
        return True
    return here != there


def spin(
    poll: Callable[[int], Events],
    until: float,
    _clock: Callable[[], float] = time.monotonic,
    _yield: Callable[[], None] = os.sched_yield,
) -> Events:
    """Poll (``poll(0)``, never waiting) until something is ready or ``until`` (monotonic)
    passes; what is ready, or nothing. Yields the CPU between polls, in case the other side
    shares it. The defaults are bound at import: in the worker a cell may replace ``time``."""
    while True:
        events = poll(0)
        if events or _clock() >= until:
            return events
        _yield()


__all__ = ["SPIN", "cpu_reader", "spin", "worth_spinning"]
