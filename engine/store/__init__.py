"""Where a learner's progress, answers, cell runs and feedback are kept.

Use :func:`open_store` (or :class:`SqliteStore` directly); code that only reads and writes
records depends on the :class:`Store` protocol, so a server database can replace SQLite: a store
URL (``--store`` or ``$LECTIO_STORE``) of ``postgresql://...`` selects
:class:`~engine.store.postgres.PostgresStore` (imported only then), ``sqlite:///path/file.db`` a
SQLite file; without one, the SQLite file in the data folder.
"""

from __future__ import annotations

import os

from engine.store.base import Accounts, Store, StoreError
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
    "POSTGRES_SCHEMES",
    "Accounts",
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
    "store_url",
]


STORE_ENV = "LECTIO_STORE"
"""A store URL used when ``--store`` is not given."""
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def store_url(cli_value: str | None = None) -> str:
    """``--store`` > ``$LECTIO_STORE`` > "" (the SQLite file in the data folder)."""
    return (cli_value or os.environ.get(STORE_ENV) or "").strip()


def open_store(
    data_dir: str | os.PathLike[str] | None = None,
    url: str | None = None,
    *,
    read_only: bool = False,
) -> Store:
    """The store a URL names (see the module docstring), else the SQLite file in the folder
    chosen by :func:`engine.settings.data_dir` (``read_only``: for commands that only read; a
    SQLite file is then only read, nothing is created or changed beside it)."""
    chosen = store_url(url)
    if chosen.startswith(POSTGRES_SCHEMES):
        from engine.store.postgres import PostgresStore  # lazily: psycopg is an optional extra

        return PostgresStore(chosen)
    if chosen.startswith("sqlite://"):
        path = chosen.removeprefix("sqlite://")
        if not path.startswith("/") or path == "/":
            raise StoreError(f"{chosen}: a SQLite store URL is sqlite:///path/to/file.db")
        return SqliteStore(path, read_only=read_only)
    if chosen:
        raise StoreError(
            f"{chosen}: not a store URL (use postgresql://user@host/database or "
            "sqlite:///path/to/file.db)"
        )
    from engine.settings import db_path

    return SqliteStore(db_path(data_dir), read_only=read_only)
