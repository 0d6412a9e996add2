"""The SQLite schema, as an ordered list of migrations.

``PRAGMA user_version`` holds how many migrations a database has had. Opening a database applies
the missing ones in order, each in its own ``BEGIN IMMEDIATE`` transaction together with the
version bump, so a crash mid-migration leaves the previous version intact and two processes
opening an old database at once cannot both migrate it (the second re-reads the version under
the write lock). Never edit a released migration: append a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "progress, attempts, hints, cell runs, feedback, quiz attempts",
        (
            """CREATE TABLE progress (
                learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL,
                position INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,
                content_hash TEXT NOT NULL DEFAULT '',
                started REAL NOT NULL, updated REAL NOT NULL,
                PRIMARY KEY (learner, course, lesson))""",
            """CREATE TABLE attempts (
                id INTEGER PRIMARY KEY,
                learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL,
                question TEXT NOT NULL, picks TEXT NOT NULL, correct INTEGER NOT NULL,
                attempt INTEGER NOT NULL, ts REAL NOT NULL, content_hash TEXT NOT NULL DEFAULT '',
                quiz TEXT, quiz_attempt INTEGER)""",
            "CREATE INDEX attempts_by_question ON attempts (course, lesson, question)",
            "CREATE INDEX attempts_by_learner ON attempts (learner, course, lesson)",
            """CREATE TABLE hints (
                id INTEGER PRIMARY KEY,
                learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL,
                question TEXT NOT NULL, hint INTEGER NOT NULL, ts REAL NOT NULL,
                quiz_attempt INTEGER)""",
            "CREATE INDEX hints_by_learner ON hints (learner, course, lesson)",
            """CREATE TABLE cell_runs (
                id INTEGER PRIMARY KEY,
                learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL,
                cell INTEGER NOT NULL, cell_id TEXT, status TEXT NOT NULL,
                duration REAL NOT NULL, edited INTEGER NOT NULL DEFAULT 0, ts REAL NOT NULL,
                content_hash TEXT NOT NULL DEFAULT '')""",
            """CREATE TABLE feedback (
                id INTEGER PRIMARY KEY,
                learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL,
                block INTEGER NOT NULL, line INTEGER NOT NULL DEFAULT 0,
                clear INTEGER, comment TEXT, ts REAL NOT NULL,
                content_hash TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX feedback_by_lesson ON feedback (course, lesson)",
            """CREATE TABLE quiz_attempts (
                id INTEGER PRIMARY KEY,
                learner TEXT NOT NULL, quiz TEXT NOT NULL, number INTEGER NOT NULL,
                questions TEXT NOT NULL, started REAL NOT NULL, finished REAL,
                correct INTEGER, total INTEGER, passed INTEGER,
                content_hash TEXT NOT NULL DEFAULT '',
                UNIQUE (learner, quiz, number))""",
        ),
    ),
    Migration(
        "quiz attempts remember skipped questions (a resumed attempt does not ask them again)",
        ("ALTER TABLE quiz_attempts ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]'",),
    ),
    Migration(
        "learners who sign in to a served class (lectio learners add): name and code digest",
        (
            """CREATE TABLE learners (
                name TEXT PRIMARY KEY, secret TEXT NOT NULL UNIQUE, created REAL NOT NULL)""",
        ),
    ),
    Migration(
        "questions asked about a block (the Ask panel) and where each answer came from",
        (
            """CREATE TABLE asked (
                id INTEGER PRIMARY KEY,
                learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL,
                block INTEGER NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL,
                answer_chars INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
                ts REAL NOT NULL, content_hash TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX asked_by_lesson ON asked (course, lesson)",
        ),
    ),
)
"""Index ``i`` takes a database from version ``i`` to ``i + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)
