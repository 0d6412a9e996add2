"""The server store: PostgreSQL through psycopg 3 and a small connection pool.

Chosen by a store URL (``--store postgresql://...`` or ``$LECTIO_STORE``, see
:func:`engine.store.open_store`); install with ``pip install 'lectio[postgres]'``. psycopg is
imported only when such a URL is given: the SQLite default never pays for it.

The same promise as the SQLite store, kept the server's way:

* one transaction per event, committed before the method returns (hence before any front end
  acknowledges it), with ``synchronous_commit = on``: PostgreSQL reports a commit only once its
  WAL record is flushed, so an acknowledged answer survives ``kill -9`` of lectio and of
  PostgreSQL (an immediate shutdown or a crash is recovered from the WAL at the next start);
* a connection that breaks (PostgreSQL restarted, a network blip) is replaced and the call is
  retried until ``retry_for`` seconds have passed; only then is it a StoreError, which front
  ends show as "not saved". A call retried after its ``COMMIT`` was sent but before the reply
  came back cannot be written twice: every event row carries ``op``, a unique key chosen here
  once per call, and the retry's ``INSERT ... ON CONFLICT (op) DO NOTHING`` finds the first;
* numbering a learner's quiz attempts takes a transaction-level advisory lock per learner and
  quiz, so two hosts starting the same learner's attempt at once still number them 1, 2.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Self, TypeVar

from engine.store.base import StoreError
from engine.store.migrations import Migration
from engine.store.pg_migrations import MIGRATE_LOCK, PG_MIGRATIONS
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

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")
DEFAULT_RETRY_FOR = 60.0
"""Seconds a write keeps retrying a lost server: a PostgreSQL restart takes a few."""


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(url)
    except Exception:
        return url.split("@")[-1]
    if "password" in params:
        params["password"] = "***"
    return make_conninfo(**{k: str(v) for k, v in params.items() if v is not None})


class PostgresStore:
    """A :class:`~engine.store.base.Store` in a PostgreSQL database (migrated on open)."""

    def __init__(
        self,
        url: str,
        *,
        migrations: Sequence[Migration] = PG_MIGRATIONS,
        retry_for: float = DEFAULT_RETRY_FOR,
        connect_timeout: float = 10.0,
        max_connections: int = 2,
    ) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool
        except ImportError as exc:
            raise StoreError(
                f"a PostgreSQL store needs psycopg ({exc.name} is not installed): "
                "pip install 'lectio[postgres]'"
            ) from None
        # The pool logs each failed reconnection; lectio reports failures itself, and a log
        # line on stderr would be drawn over the full-screen interface.
        logging.getLogger("psycopg").addHandler(logging.NullHandler())
        logging.getLogger("psycopg").propagate = False
        self.url = url
        self.where = redact(url)
        self.warnings: list[str] = []
        self._psycopg = psycopg
        self._retry_for = retry_for
        self._migrations = tuple(migrations)

        def configure(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SET synchronous_commit = on")
            conn.commit()

        self._pool: ConnectionPool[psycopg.Connection[dict[str, Any]]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"row_factory": dict_row, "connect_timeout": max(1, int(connect_timeout))},
            configure=configure,
            check=ConnectionPool.check_connection,
            open=False,
            timeout=connect_timeout,
            reconnect_timeout=max(retry_for, 1.0),  # keeps reconnecting (backing off) meanwhile
            name="lectio",
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
        except Exception as exc:
            self._pool.close(timeout=0)
            raise StoreError(f"{self.where}: cannot connect to PostgreSQL: {exc}") from None
        try:
            self._migrate()
        except BaseException:
            self._pool.close(timeout=0)
            raise

    # plumbing --------------------------------------------------------------------------------
    def transaction(
        self, work: Callable[[psycopg.Cursor[dict[str, Any]]], T], *, write: bool = True
    ) -> T:
        """``work`` in one transaction, committed before returning; retried on a lost
        connection until ``retry_for`` has passed (``work`` must be safe to repeat)."""
        psycopg = self._psycopg
        deadline = time.monotonic() + self._retry_for
        delay = 0.05
        while True:
            try:
                with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                    return work(cur)
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                failure: Exception = exc
            except psycopg.errors.SerializationFailure as exc:  # another host got there first
                failure = exc
            except psycopg.Error as exc:
                what = "write" if write else "read"
                tail = "; this was not saved" if write else ""
                raise StoreError(f"{self.where}: cannot {what}: {_line(exc)}{tail}") from None
            except Exception as exc:  # the pool timed out waiting for a connection
                if type(exc).__name__ != "PoolTimeout":
                    raise
                failure = exc
            if time.monotonic() >= deadline:
                what = "write" if write else "read"
                tail = "; this was not saved" if write else ""
                raise StoreError(
                    f"{self.where}: cannot {what}: PostgreSQL did not answer for "
                    f"{self._retry_for:g} s ({_line(failure)}){tail}"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _migrate(self) -> None:
        known = len(self._migrations)
        while True:

            def step(cur: psycopg.Cursor[dict[str, Any]]) -> bool:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                cur.execute("CREATE TABLE IF NOT EXISTS lectio_schema (version INTEGER NOT NULL)")
                row = cur.execute("SELECT version FROM lectio_schema").fetchone()
                if row is None:
                    cur.execute("INSERT INTO lectio_schema VALUES (0)")
                    version = 0
                else:
                    version = int(row["version"])
                if version > known:
                    raise StoreError(
                        f"{self.where}: written by a newer lectio (schema {version}, this "
                        f"one knows {known}); upgrade lectio or use another database"
                    )
                if version == known:
                    return True
                for statement in self._migrations[version].statements:
                    cur.execute(statement)
                cur.execute("UPDATE lectio_schema SET version = %s", (version + 1,))
                return False

            if self.transaction(step, write=True):
                return

    @property
    def schema_version(self) -> int:
        row = self.transaction(
            lambda cur: cur.execute("SELECT version FROM lectio_schema").fetchone(), write=False
        )
        return int(row["version"]) if row else 0

    def _select(self, sql: str, values: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.transaction(lambda cur: cur.execute(sql, values).fetchall(), write=False)

    def _insert(self, table: str, row: dict[str, Any], op: str | None = None) -> int:
        """Insert once (keyed by ``op``) and return the row's id, however many tries it took."""
        row = {"op": op or uuid.uuid4().hex, **row}
        columns = ", ".join(row)
        marks = ", ".join("%s" for _ in row)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (op) DO NOTHING"

        def work(cur: psycopg.Cursor[dict[str, Any]]) -> int:
            cur.execute(sql, list(row.values()))
            found = cur.execute(f"SELECT id FROM {table} WHERE op = %s", (row["op"],)).fetchone()
            assert found is not None
            return int(found["id"])

        return self.transaction(work, write=True)

    # progress --------------------------------------------------------------------------------
    def load_progress(self, learner: str, course: str, lesson: str) -> LessonProgress | None:
        rows = self._select(
            "SELECT * FROM progress WHERE learner = %s AND course = %s AND lesson = %s",
            (learner, course, lesson),
        )
        return to_progress(rows[0]) if rows else None

    def save_progress(self, progress: LessonProgress) -> LessonProgress:
        now = progress.updated or time.time()
        values = (
            progress.learner,
            progress.course,
            progress.lesson,
            progress.position,
            progress.done,
            progress.content_hash,
            progress.started or now,
            now,
        )

        def work(cur: psycopg.Cursor[dict[str, Any]]) -> dict[str, Any] | None:
            return cur.execute(
                """INSERT INTO progress (learner, course, lesson, position, done, content_hash,
                                         started, updated)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (learner, course, lesson) DO UPDATE SET
                     position = excluded.position, done = excluded.done,
                     content_hash = excluded.content_hash, updated = excluded.updated
                   RETURNING *""",
                values,
            ).fetchone()

        row = self.transaction(work, write=True)
        assert row is not None
        return to_progress(row)

    def all_progress(
        self, learner: str | None = None, course: str | None = None
    ) -> list[LessonProgress]:
        sql, values = where("%s", learner=learner, course=course)
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
            "%s", learner=learner, course=course, lesson=lesson, quiz_attempt=quiz_attempt
        )
        return [
            to_attempt(r) for r in self._select(f"SELECT * FROM attempts{sql} ORDER BY id", values)
        ]

    def add_hint(self, hint: HintReveal) -> HintReveal:
        return replace(hint, id=self._insert("hints", hint_row(hint)))

    def hints(
        self, *, learner: str, course: str, lesson: str, quiz_attempt: int | None = None
    ) -> list[HintReveal]:
        sql = "SELECT * FROM hints WHERE learner = %s AND course = %s AND lesson = %s AND "
        values: list[Any] = [learner, course, lesson]
        if quiz_attempt is None:
            sql += "quiz_attempt IS NULL"
        else:
            sql += "quiz_attempt = %s"
            values.append(quiz_attempt)
        return [to_hint(r) for r in self._select(sql + " ORDER BY id", values)]

    def hint_reveals(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[HintReveal]:
        sql, values = where("%s", learner=learner, course=course, lesson=lesson)
        return [to_hint(r) for r in self._select(f"SELECT * FROM hints{sql} ORDER BY id", values)]

    def add_cell_run(self, run: CellRun) -> CellRun:
        return replace(run, id=self._insert("cell_runs", cell_run_row(run)))

    def cell_runs(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[CellRun]:
        sql, values = where("%s", learner=learner, course=course, lesson=lesson)
        return [
            to_cell_run(r)
            for r in self._select(f"SELECT * FROM cell_runs{sql} ORDER BY id", values)
        ]

    def add_feedback(self, feedback: Feedback) -> Feedback:
        return replace(feedback, id=self._insert("feedback", feedback_row(feedback)))

    def feedback(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[Feedback]:
        sql, values = where("%s", learner=learner, course=course, lesson=lesson)
        return [
            to_feedback(r) for r in self._select(f"SELECT * FROM feedback{sql} ORDER BY id", values)
        ]

    def add_question(self, question: AskedQuestion) -> AskedQuestion:
        return replace(question, id=self._insert("asked", asked_row(question)))

    def asked_questions(
        self, *, learner: str | None = None, course: str | None = None, lesson: str | None = None
    ) -> list[AskedQuestion]:
        sql, values = where("%s", learner=learner, course=course, lesson=lesson)
        return [to_asked(r) for r in self._select(f"SELECT * FROM asked{sql} ORDER BY id", values)]

    # quizzes ---------------------------------------------------------------------------------
    def start_quiz_attempt(
        self, learner: str, quiz: str, questions: Sequence[str], content_hash: str = ""
    ) -> QuizAttempt:
        op = uuid.uuid4().hex
        now = time.time()

        def work(cur: psycopg.Cursor[dict[str, Any]]) -> dict[str, Any] | None:
            found = cur.execute("SELECT * FROM quiz_attempts WHERE op = %s", (op,)).fetchone()
            if found is not None:  # a retry of a call whose commit did happen
                return found
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))", (learner, quiz))
            return cur.execute(
                """INSERT INTO quiz_attempts (op, learner, quiz, number, questions, started,
                                              content_hash)
                   SELECT %s, %s, %s, COALESCE(MAX(number), 0) + 1, %s, %s, %s
                   FROM quiz_attempts WHERE learner = %s AND quiz = %s
                   RETURNING *""",
                (op, learner, quiz, json.dumps(list(questions)), now, content_hash, learner, quiz),
            ).fetchone()

        row = self.transaction(work, write=True)
        assert row is not None
        return to_quiz_attempt(row)

    def quiz_attempts(
        self, learner: str | None = None, quiz: str | None = None
    ) -> list[QuizAttempt]:
        sql, values = where("%s", learner=learner, quiz=quiz)
        return [
            to_quiz_attempt(r)
            for r in self._select(f"SELECT * FROM quiz_attempts{sql} ORDER BY id", values)
        ]

    def finish_quiz_attempt(
        self, attempt_id: int, *, correct: int, total: int, passed: bool
    ) -> QuizAttempt:
        now = time.time()

        def work(cur: psycopg.Cursor[dict[str, Any]]) -> dict[str, Any] | None:
            return cur.execute(
                "UPDATE quiz_attempts SET finished = %s, correct = %s, total = %s, passed = %s "
                "WHERE id = %s RETURNING *",
                (now, correct, total, passed, attempt_id),
            ).fetchone()

        row = self.transaction(work, write=True)
        if row is None:
            raise StoreError(f"{self.where}: quiz attempt {attempt_id} does not exist")
        return to_quiz_attempt(row)

    def skip_quiz_question(self, attempt_id: int, key: str) -> QuizAttempt:
        def work(cur: psycopg.Cursor[dict[str, Any]]) -> dict[str, Any] | None:
            row = cur.execute(
                "SELECT * FROM quiz_attempts WHERE id = %s FOR UPDATE", (attempt_id,)
            ).fetchone()
            if row is None:
                return None
            skipped = json.loads(row["skipped"])
            if key in skipped:
                return row
            skipped.append(key)
            return cur.execute(
                "UPDATE quiz_attempts SET skipped = %s WHERE id = %s RETURNING *",
                (json.dumps(skipped), attempt_id),
            ).fetchone()

        row = self.transaction(work, write=True)
        if row is None:
            raise StoreError(f"{self.where}: quiz attempt {attempt_id} does not exist")
        return to_quiz_attempt(row)

    # learners (engine.store.base.Accounts) ----------------------------------------------------
    def add_learner(self, name: str, secret: str) -> None:
        def work(cur: psycopg.Cursor[dict[str, Any]]) -> bool:
            cur.execute(
                "INSERT INTO learners (name, secret, created) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING RETURNING name",
                (name, secret, time.time()),
            )
            return cur.fetchone() is not None

        # a retry that finds the row its first try wrote is not a conflict
        if not self.transaction(work) and self.learner_for_secret(secret) != name:
            raise StoreError(f"{name}: already a learner (lectio learners reset {name})")

    def set_learner_secret(self, name: str, secret: str) -> bool:
        def work(cur: psycopg.Cursor[dict[str, Any]]) -> bool:
            cur.execute("UPDATE learners SET secret = %s WHERE name = %s", (secret, name))
            return cur.rowcount == 1

        return self.transaction(work)

    def learner_for_secret(self, secret: str) -> str | None:
        rows = self._select("SELECT name FROM learners WHERE secret = %s", (secret,))
        return str(rows[0]["name"]) if rows else None

    def learners(self) -> list[str]:
        return [str(r["name"]) for r in self._select("SELECT name FROM learners ORDER BY name")]

    def close(self) -> None:
        self._pool.close(timeout=1.0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
