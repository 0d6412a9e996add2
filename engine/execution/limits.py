"""The kernel's limits and their defaults, read once from the environment.

The values a learner or a CI job may need to change without touching a lesson
(``LECTIO_MEMORY_LIMIT``, ``LECTIO_OUTPUT_LIMIT``), and the fixed time limits of the kernel's
own steps. A lesson file can change none of them except a cell's ``timeout``.
"""

from __future__ import annotations

import os

from engine.execution.results import MATCH_TIMEOUT

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_OUTPUT_LIMIT",
    "DEFAULT_TIMEOUT",
    "FORK_TIMEOUT",
    "INTERRUPT_GRACE",
    "MATCH_TIMEOUT",
    "STARTUP_TIMEOUT",
    "size_from_env",
]


def size_from_env(name: str, default: int | None) -> int | None:
    """A size in bytes from an environment variable: ``8G``, ``512M``, ``1048576``; ``none``
    or ``0`` for no limit. A value that cannot be read leaves the default."""
    text = os.environ.get(name, "").strip().lower().removesuffix("b").removesuffix("i")
    if not text:
        return default
    if text in {"none", "0", "off", "unlimited"}:
        return None
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    scale = units.get(text[-1], 1)
    try:
        value = float(text[:-1] if text[-1] in units else text)
    except ValueError:
        return default
    return int(value * scale) if value > 0 else default


DEFAULT_MEMORY_LIMIT = size_from_env("LECTIO_MEMORY_LIMIT", 4 << 30)
"""Address-space cap of a kernel: 4 GiB, or ``$LECTIO_MEMORY_LIMIT`` (``8G``, ``none``)."""
DEFAULT_OUTPUT_LIMIT = size_from_env("LECTIO_OUTPUT_LIMIT", 1 << 20) or 1 << 20
"""Output kept per cell: 1 MiB, or ``$LECTIO_OUTPUT_LIMIT``."""
DEFAULT_TIMEOUT = 30.0
INTERRUPT_GRACE = 2.0
"""Seconds a cell gets to stop after SIGINT before its kernel is killed."""
STARTUP_TIMEOUT = 180.0
"""Seconds a kernel may take to import its preload modules (torch) on a busy machine."""


def seconds_from_env(name: str, default: float) -> float:
    """Seconds from an environment variable; a value that cannot be read leaves the default."""
    try:
        value = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if value > 0 else default


FORK_TIMEOUT = seconds_from_env("LECTIO_FORK_TIMEOUT", 30.0)
"""Seconds a fork may take once the fork server is ready (a warm-up such as ``optim``
included): past it the server is taken for hung (stopped, looping) and replaced."""
