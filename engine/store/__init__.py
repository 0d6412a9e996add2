"""Where a learner's progress, answers, cell runs and feedback are kept.

Use :func:`open_store` (or :class:`SqliteStore` directly); code that only reads and writes
records should depend on the :class:`Store` protocol, so a server database can replace SQLite.
"""

from __future__ import annotations

import os

from engine.store.base import Store, StoreError
from engine.store.records import (
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
    QuizAttempt,
    quiz_owner,
)
from engine.store.sqlite import SqliteStore

__all__ = [
    "Attempt",
    "CellRun",
    "Feedback",
    "HintReveal",
    "LessonProgress",
    "QuizAttempt",
    "SqliteStore",
    "Store",
    "StoreError",
    "open_store",
    "quiz_owner",
]


def open_store(data_dir: str | os.PathLike[str] | None = None) -> SqliteStore:
    """The learner's store, in the folder chosen by :func:`engine.settings.data_dir`."""
    from engine.settings import db_path

    return SqliteStore(db_path(data_dir))
