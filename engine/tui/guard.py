"""A refused write is a notification, not a crash.

The session records every step in the store as it happens; the store raises
:class:`~engine.store.base.StoreError` when it cannot (the data folder became read-only, the disk
is full, the database is locked by another program). In a Textual message handler an exception
would end the app with a traceback, so the screens make their session calls inside
:func:`saving`: the learner is told what was not saved and can go on (and try again).
The same message repeated within a few seconds is shown once (moving between blocks saves the
position each time).

Thread workers are declared with ``exit_on_error=False`` (Textual's default ends the app when a
worker raises); their node hands a failed worker's state change to :func:`report_failed_worker`,
so the failure is a notification and the learner can go on or quit.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from engine.i18n import t
from engine.store.base import StoreError

QUIET_SECONDS = 10.0
"""The same failure is not repeated within this many seconds."""
_last: weakref.WeakKeyDictionary[App[Any], tuple[str, float]] = weakref.WeakKeyDictionary()
"""Per app: the last message shown, and when."""


def notify_not_saved(app: App[Any], error: StoreError | str, lang: str) -> None:
    message = str(error)
    last = _last.get(app)
    now = time.monotonic()
    if last is not None and last[0] == message and now - last[1] < QUIET_SECONDS:
        return
    _last[app] = (message, now)
    app.notify(message, title=t("Not saved", lang), severity="error", timeout=10)


@contextmanager
def saving(node: DOMNode, lang: str) -> Iterator[None]:
    """Run session calls that write; a :class:`StoreError` ends the block with a notification."""
    try:
        yield
    except StoreError as exc:
        notify_not_saved(node.app, exc, lang)


def report_failed_worker(app: App[Any], event: Worker.StateChanged, lang: str) -> None:
    """A worker that raised: a refused write as :func:`notify_not_saved`, anything else (a
    bug) as an error notification naming the exception."""
    if event.state is not WorkerState.ERROR:
        return
    error = event.worker.error
    if isinstance(error, StoreError):
        notify_not_saved(app, error, lang)
        return
    app.notify(
        f"{type(error).__name__}: {error}",
        title=t("Something went wrong (this is a bug in lectio)", lang),
        severity="error",
        timeout=15,
    )
