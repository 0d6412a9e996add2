"""The local store: one SQLite file in the learner's data folder.

Durability and concurrency choices (the learner must never lose an acknowledged answer):

* ``journal_mode=WAL``: readers never block the writer, so a second lectio process (another
  terminal, ``lectio progress`` while studying) works at the same time; ``busy_timeout`` makes a
  writer wait for the other's transaction instead of failing.
* ``synchronous=FULL``: every commit is fsynced before the call returns. With WAL, ``NORMAL``
  already survives the *process* being killed (the committed frames are in the OS page cache),
  but may lose the last commits on power loss or an OS crash. Events here come at human pace
  (an answer, a cell run, a comment: a few per minute), so one fsync each costs nothing a learner
  notices, and FULL extends the guarantee to power loss.
* one transaction per event (``BEGIN IMMEDIATE`` ... ``COMMIT``), committed before the method
  returns, hence before any front end acknowledges it.
* a file SQLite reports as corrupt or not a database is *moved aside* (with its ``-wal`` and
  ``-shm`` companions) under a ``.corrupt-<time>`` name, a warning is recorded in
  :attr:`SqliteStore.warnings`, and a fresh database is started. It is never overwritten.
  A database written by a newer lectio (higher ``user_version``) is left alone: StoreError.

The connection is shared by the threads of one process (the TUI runs cells in a worker thread),
behind a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from engine.store.base import StoreError
from engine.store.migrations import MIGRATIONS, Migration
from engine.store.records import (
    AskedQuestion,
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
    QuizAttempt,
)
from engine.store.rows import (
    asked_row,
    attempt_row,
    cell_run_row,
    feedback_row,
    hint_row,
    to_asked,
    to_attempt,
    to_cell_run,
    to_feedback,
    to_hint,
    to_progress,
    to_quiz_attempt,
    where,
)

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class _DamagedError(Exception):
    """``PRAGMA quick_check`` found damage."""


def _is_damage(exc: BaseException) -> bool:
    if isinstance(exc, _DamagedError):
        return True
    if isinstance(exc, sqlite3.DatabaseError):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
        text = str(exc).lower()
        return "not a database" in text or "malformed" in text
    return False


class SqliteStore:
    """A :class:`~engine.store.base.Store` in a SQLite file (created, migrated, repaired)."""

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = 10.0,
        migrations: Sequence[Migration] = MIGRATIONS,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.warnings: list[str] = []
        self.read_only = read_only
        """Opened for commands that only read (``lectio progress``, ``feedback export``,
        ``report``): nothing is created, migrated on disk or moved aside, so they work on a
        data folder they may not write (a backup, a read-only mount, another user's)."""
        self._busy_timeout = busy_timeout
        self._migrations = tuple(migrations)
        self._lock = threading.RLock()
        self._conn = self._open_read_only() if read_only else self._open()

    def _open_read_only(self) -> sqlite3.Connection:
        """A copy in memory of what the file holds (migrated there if it is older), or an
        empty store if there is no file yet; the file itself is only read."""
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        if self.path.exists():
            try:
                source = self._connect_read_only()
                try:
                    row = source.execute("PRAGMA quick_check").fetchone()
                    if row is None or row[0] != "ok":
                        raise _DamagedError(f"integrity check: {row[0] if row else 'no answer'}")
                    source.backup(memory)
                finally:
                    source.close()
            except (sqlite3.DatabaseError, _DamagedError) as exc:
                memory.close()
                what = "damaged" if _is_damage(exc) else "unreadable"
                raise StoreError(
                    f"{self.path}: cannot read the database ({what}: {exc}); this command only "
                    "reads it, so nothing was changed"
                ) from None
        try:
            self._migrate(memory)
        except BaseException:
            memory.close()
            raise
        return memory

    def _connect_read_only(self) -> sqlite3.Connection:
        """Read the file without writing anything next to it. With no ``-wal`` file beside it
        the database file is complete and is read as immutable (SQLite would otherwise create
        the ``-shm`` index); with one, the changes it holds are read too (``mode=ro``), or, in
        a folder nobody may write, left out."""
        uri = self.path.resolve().as_uri()
        wal = self.path.with_name(self.path.name + "-wal")
        attempts = [f"{uri}?mode=ro", f"{uri}?immutable=1"] if wal.exists() else []
        attempts.append(f"{uri}?immutable=1")
        for n, target in enumerate(attempts):
            try:
                conn = sqlite3.connect(
                    target, uri=True, timeout=self._busy_timeout, check_same_thread=False
                )
                conn.execute("PRAGMA schema_version").fetchone()  # opening is lazy: read now
                return conn
            except sqlite3.OperationalError:
                if n == len(attempts) - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise StoreError(
                f"{self.path.parent}: cannot create the data folder: a file has "
                "that name; choose a folder"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"{self.path.parent}: cannot create the data folder: {exc.strerror or exc}"
            ) from None
        try:
            return self._connect()
        except (sqlite3.DatabaseError, _DamagedError) as exc:
            if not _is_damage(exc):
                raise StoreError(f"{self.path}: cannot open the database: {exc}") from None
            aside = self._move_aside()
            self.warnings.append(
                f"{self.path}: the database was damaged ({exc}); it was moved to {aside} "
                "and a new one was started"
            )
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            row = conn.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise _DamagedError(f"integrity check: {row[0] if row else 'no answer'}")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        known = len(self._migrations)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > known:
            raise StoreError(
                f"{self.path}: written by a newer lectio (schema {version}, this "
                f"one knows {known}); upgrade lectio or use another --data-dir"
            )
        while version < known:
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Re-read under the write lock: another process may have just migrated.
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if version < known:
                    for statement in self._migrations[version].statements:
                        conn.execute(statement)
                    version += 1
                    conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _move_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    companion.replace(aside.with_name(aside.name + suffix))
        except FileNotFoundError:  # another process moved it first
            pass
        except OSError as exc:
            raise StoreError(
                f"{self.path}: the database is damaged and cannot be moved aside: "
                f"{exc.strerror or exc}"
            ) from None
        return aside

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # plumbing --------------------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One durable write transaction; committed (fsynced) when the block exits."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write: {exc}; this was not saved") from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):  # the transaction may be gone with the failure
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):  # disk full, locked too long, I/O error...
                    raise StoreError(
                        f"{self.path}: cannot write: {exc}; this was not saved"
                    ) from None
                raise

    def _select(self, sql: str, values: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cur = self._conn.cursor()
                cur.row_factory = sqlite3.Row
                return list(cur.execute(sql, values))
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot read: {exc}") from None

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._tx() as conn:
            cur = conn.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())
            )
            return int(cur.lastrowid or 0)

    # progress --------------------------------------------------------------------------------
    def load_progress(self, learner: str, course: str, lesson: str) -> LessonProgress | None:
        rows = self._select(
            "SELECT * FROM progress WHERE learner = ? AND course = ? AND lesson = ?",
            (learner, course, lesson),
        )
        return to_progress(rows[0]) if rows else None

    def save_progress(self, progress: LessonProgress) -> LessonProgress:
        now = progress.updated or time.time()
        with self._tx() as conn:
            conn.execute(
                """INSERT INTO progress (learner, course, lesson, position, done, content_hash,
                                         started, updated)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (learner, course, lesson) DO UPDATE SET
                     position = excluded.position, done = excluded.done,
                     content_hash = excluded.content_hash, updated = excluded.updated""",
                (
                    progress.learner,
                    progress.course,
                    progress.lesson,
                    progress.position,
                    int(progress.done),
                    progress.content_hash,
                    progress.started or now,
                    now,
                ),
            )
        stored = self.load_progress(progress.learner, progress.course, progress.lesson)
        assert stored is not None
        return stored

    def all_progress(
        self, learner: str | None = None, course: str | None = None
    ) -> list[LessonProgress]:
        sql, values = where(learner=learner, course=course)
        return [
            to_progress(r)
            for r in self._select(f"SELECT * FROM progress{sql} ORDER BY updated", values)
        ]

    # events ----------------------------------------------------------------------------------
    def add_attempt(self, attempt: Attempt) -> Attempt:
        return replace(attempt, id=self._insert("attempts", attempt_row(attempt)))

    def attempts(
        self,
        *,
        learner: str | None = None,
        course: str | None = None,
        lesson: str | None = None,
        quiz_attempt: int | None = None,
    ) -> list[Attempt]:
        sql, values = where(
            learner=learner, course=course, lesson=lesson, quiz_attempt=quiz_attempt
        )
        return [
            to_attempt(r) for r in self._select(f"SELECT * FROM attempts{sql} ORDER BY id", values)
        ]

    def add_hint(self, hint: HintReveal) -> HintReveal:
        return replace(hint, id=self._insert("hints", hint_row(hint)))

    def hints(
        self, *, learner: str, course: str, lesson: str, quiz_attempt: int | None = None
    ) -> list[HintReveal]:
        sql = "SELECT * FROM hints WHERE learner = ? AND course = ? AND lesson = ? AND "
        values: list[Any] = [learner, course, lesson]
        if quiz_attempt is None:
            sql += "quiz_attempt IS NULL"
        else:
            sql += "quiz_attempt = ?"
            values.append(quiz_attempt)
        return [to_hint(r) for r in self._select(sql + " ORDER BY id", values)]

    def hint_reveals(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[HintReveal]:
        sql, values = where(learner=learner, course=course, lesson=lesson)
        return [to_hint(r) for r in self._select(f"SELECT * FROM hints{sql} ORDER BY id", values)]

    def add_cell_run(self, run: CellRun) -> CellRun:
        return replace(run, id=self._insert("cell_runs", cell_run_row(run)))

    def cell_runs(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[CellRun]:
        sql, values = where(learner=learner, course=course, lesson=lesson)
        return [
            to_cell_run(r)
            for r in self._select(f"SELECT * FROM cell_runs{sql} ORDER BY id", values)
        ]

    def add_feedback(self, feedback: Feedback) -> Feedback:
        return replace(feedback, id=self._insert("feedback", feedback_row(feedback)))

    def feedback(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[Feedback]:
        sql, values = where(learner=learner, course=course, lesson=lesson)
        return [
            to_feedback(r) for r in self._select(f"SELECT * FROM feedback{sql} ORDER BY id", values)
        ]

    def add_question(self, question: AskedQuestion) -> AskedQuestion:
        return replace(question, id=self._insert("asked", asked_row(question)))

    def asked_questions(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[AskedQuestion]:
        sql, values = where(learner=learner, course=course, lesson=lesson)
        return [to_asked(r) for r in self._select(f"SELECT * FROM asked{sql} ORDER BY id", values)]

    # quizzes ---------------------------------------------------------------------------------
    def start_quiz_attempt(
        self, learner: str, quiz: str, questions: Sequence[str], content_hash: str = ""
    ) -> QuizAttempt:
        now = time.time()
        with self._tx() as conn:
            row = conn.execute(
                "SELECT MAX(number) FROM quiz_attempts WHERE learner = ? AND quiz = ?",
                (learner, quiz),
            ).fetchone()
            number = int(row[0] or 0) + 1
            cur = conn.execute(
                """INSERT INTO quiz_attempts (learner, quiz, number, questions, started,
                                              content_hash) VALUES (?, ?, ?, ?, ?, ?)""",
                (learner, quiz, number, json.dumps(list(questions)), now, content_hash),
            )
            new_id = int(cur.lastrowid or 0)
        return QuizAttempt(
            id=new_id,
            learner=learner,
            quiz=quiz,
            number=number,
            questions=tuple(questions),
            started=now,
            content_hash=content_hash,
        )

    def quiz_attempts(
        self, learner: str | None = None, quiz: str | None = None
    ) -> list[QuizAttempt]:
        sql, values = where(learner=learner, quiz=quiz)
        return [
            to_quiz_attempt(r)
            for r in self._select(f"SELECT * FROM quiz_attempts{sql} ORDER BY id", values)
        ]

    def finish_quiz_attempt(
        self, attempt_id: int, *, correct: int, total: int, passed: bool
    ) -> QuizAttempt:
        with self._tx() as conn:
            conn.execute(
                "UPDATE quiz_attempts SET finished = ?, correct = ?, total = ?, passed = ? "
                "WHERE id = ?",
                (time.time(), correct, total, int(passed), attempt_id),
            )
        rows = self._select("SELECT * FROM quiz_attempts WHERE id = ?", (attempt_id,))
        if not rows:
            raise StoreError(f"{self.path}: quiz attempt {attempt_id} does not exist")
        return to_quiz_attempt(rows[0])

    def skip_quiz_question(self, attempt_id: int, key: str) -> QuizAttempt:
        with self._tx() as conn:  # read and write under one write lock: no skip is lost
            row = conn.execute(
                "SELECT skipped FROM quiz_attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: quiz attempt {attempt_id} does not exist")
            skipped = json.loads(row[0])
            if key not in skipped:
                skipped.append(key)
                conn.execute(
                    "UPDATE quiz_attempts SET skipped = ? WHERE id = ?",
                    (json.dumps(skipped), attempt_id),
                )
        rows = self._select("SELECT * FROM quiz_attempts WHERE id = ?", (attempt_id,))
        return to_quiz_attempt(rows[0])

    # learners (engine.store.base.Accounts) ----------------------------------------------------
    def add_learner(self, name: str, secret: str) -> None:
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM learners WHERE name = ?", (name,)).fetchone():
                raise StoreError(f"{name}: already a learner (lectio learners reset {name})")
            conn.execute(
                "INSERT INTO learners (name, secret, created) VALUES (?, ?, ?)",
                (name, secret, time.time()),
            )

    def set_learner_secret(self, name: str, secret: str) -> bool:
        with self._tx() as conn:
            cur = conn.execute("UPDATE learners SET secret = ? WHERE name = ?", (secret, name))
            return cur.rowcount == 1

    def learner_for_secret(self, secret: str) -> str | None:
        rows = self._select("SELECT name FROM learners WHERE secret = ?", (secret,))
        return str(rows[0]["name"]) if rows else None

    def learners(self) -> list[str]:
        return [str(r["name"]) for r in self._select("SELECT name FROM learners ORDER BY name")]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
