"""``lectio validate --watch``: which files changed since the last round, and the round's line.

watchfiles (the ``watch`` extra, imported only here) reports saves in batches, debounced, so
an editor that writes a file in several steps makes one round. Only lectio files count (YAML:
lessons, courses, quizzes); a round re-checks those that still exist, so a save of one lesson
runs that lesson's cells only. Files removed are named in the round line.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEBOUNCE_MS = 300
"""Saves closer together than this make one round."""


class WatchUnavailableError(RuntimeError):
    """watchfiles is not installed."""


def _is_lectio_file(change: object, path: str) -> bool:
    name = Path(path).name
    return path.endswith((".yaml", ".yml")) and not name.startswith((".", "#", "~"))


def changes(paths: list[str], *, stop: Any = None) -> Iterator[list[str]]:
    """Each batch of changed lectio files under ``paths`` (sorted), as saves happen."""
    try:
        import watchfiles
    except ImportError:
        raise WatchUnavailableError(
            "--watch needs the watchfiles package: pip install 'lectio[watch]'"
        ) from None
    for batch in watchfiles.watch(
        *paths,
        watch_filter=_is_lectio_file,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        rust_timeout=500 if stop is not None else 5000,  # a stop is noticed within 0.5 s
        raise_interrupt=True,
    ):
        yield sorted({path for _, path in batch})


def round_line(number: int, changed: list[str], status: int | None) -> str:
    """``watch: round 2 at 12:03:04: lessons/a.yaml changed: problems; waiting for changes``."""
    clock = time.strftime("%H:%M:%S")
    if number == 1:
        what = "checked everything"
    else:
        gone = [p for p in changed if not Path(p).exists()]
        here = [p for p in changed if Path(p).exists()]
        parts = []
        if here:
            parts.append(", ".join(here) + " changed")
        if gone:
            parts.append(", ".join(gone) + " removed")
        what = "; ".join(parts) or "nothing to check"
    verdict = {None: "nothing checked", 0: "clean"}.get(status, "problems found")
    return (
        f"watch: round {number} at {clock}: {what}: {verdict}; waiting for changes (Ctrl+C stops)"
    )
