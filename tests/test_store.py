"""The SQLite store: schema and migrations, durability settings, damage handling (what both
stores share is tested on both in test_store_backends.py)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.store import (
    Attempt,
    SqliteStore,
    Store,
    StoreError,
    open_store,
)
from engine.store.migrations import MIGRATIONS, SCHEMA_VERSION, Migration


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "lectio.db")
    yield s
    s.close()


def attempt(
    *,
    question: str = "q",
    picks: tuple[int, ...] = (1,),
    correct: bool = False,
    quiz: str | None = None,
    quiz_attempt: int | None = None,
) -> Attempt:
    return Attempt(
        learner="ana",
        course="c",
        lesson="l",
        question=question,
        picks=picks,
        correct=correct,
        attempt=1,
        ts=time.time(),
        quiz=quiz,
        quiz_attempt=quiz_attempt,
    )


def test_new_database_is_migrated_in_wal_with_full_sync(store: SqliteStore) -> None:
    assert isinstance(store, Store)
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"progress", "attempts", "hints", "cell_runs", "feedback", "quiz_attempts"} <= tables
    conn.close()
    # the store's own connection fsyncs every commit
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_migrations_apply_in_order_and_only_once(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    first = Migration("one", ("CREATE TABLE a (x INTEGER)",))
    second = Migration("two", ("ALTER TABLE a ADD COLUMN y TEXT", "INSERT INTO a VALUES (1, 'z')"))
    SqliteStore(path, migrations=[first]).close()
    with SqliteStore(path, migrations=[first, second]) as s:
        assert s.schema_version == 2
    with SqliteStore(path, migrations=[first, second]) as s:  # nothing left to apply
        assert s.schema_version == 2
    rows = sqlite3.connect(path).execute("SELECT x, y FROM a").fetchall()
    assert rows == [(1, "z")]


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    first = Migration("one", ("CREATE TABLE a (x INTEGER)",))
    broken = Migration("bad", ("CREATE TABLE b (x INTEGER)", "THIS IS NOT SQL"))
    SqliteStore(path, migrations=[first]).close()
    with pytest.raises(StoreError):
        SqliteStore(path, migrations=[first, broken])
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "b" not in names  # rolled back with the version bump
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))


def test_database_from_a_newer_lectio_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "lectio.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer lectio"):
        SqliteStore(path)
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("damage", ["garbage", "truncated-header", "bad-page"])
def test_damaged_database_is_moved_aside_reported_and_replaced(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "lectio.db"
    with SqliteStore(path) as s:
        for i in range(300):
            s.add_attempt(attempt(question=f"q{i}", picks=(i % 3,)))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    if damage == "garbage":
        data = bytearray(b"this is not a database at all" * 200)
    elif damage == "truncated-header":
        data[:16] = b"X" * 16
    else:  # overwrite the middle of the file: b-tree pages
        middle = len(data) // 2
        data[middle : middle + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))
    original = bytes(data)

    with SqliteStore(path) as s:
        assert len(s.warnings) == 1
        assert "moved to" in s.warnings[0] and "corrupt" in s.warnings[0]
        assert s.attempts() == []  # a fresh database
        s.add_attempt(attempt())
        assert len(s.attempts()) == 1
    aside = list(tmp_path.glob("lectio.db.corrupt-*"))
    main_aside = [p for p in aside if not p.name.endswith(("-wal", "-shm"))]
    assert len(main_aside) == 1
    assert main_aside[0].read_bytes() == original  # kept byte for byte, never overwritten


def test_unusable_data_folder_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        SqliteStore(blocker / "sub" / "lectio.db")


def test_open_store_uses_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTIO_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.delenv("LECTIO_STORE", raising=False)
    with open_store() as s:
        assert isinstance(s, SqliteStore) and s.path == tmp_path / "env" / "lectio.db"
    with open_store(tmp_path / "cli") as s:  # --data-dir wins over the variable
        assert isinstance(s, SqliteStore) and s.path == tmp_path / "cli" / "lectio.db"


def test_a_write_that_cannot_be_made_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "lectio.db"
    SqliteStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        s = SqliteStore(path, busy_timeout=0.2)
        with pytest.raises(StoreError, match="database is locked; this was not saved"):
            s.add_attempt(attempt())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert s.attempts() == []  # nothing half-written
    s.add_attempt(attempt())  # and the store still works once the lock is released
    assert len(s.attempts()) == 1
    s.close()


def test_settings_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    import platformdirs

    from engine import settings

    monkeypatch.delenv("LECTIO_DATA_DIR", raising=False)
    assert settings.data_dir() == Path(platformdirs.user_data_dir("lectio", appauthor=False))
    monkeypatch.setenv("LECTIO_DATA_DIR", str(tmp_path / "env"))
    assert settings.data_dir() == tmp_path / "env"
    assert settings.data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert settings.db_path(tmp_path) == tmp_path / "lectio.db"

    monkeypatch.setattr(getpass, "getuser", lambda: "os-user")
    monkeypatch.delenv("LECTIO_LEARNER", raising=False)
    assert settings.learner_name() == "os-user"
    monkeypatch.setenv("LECTIO_LEARNER", "env-learner")
    assert settings.learner_name() == "env-learner"
    assert settings.learner_name("  cli-learner ") == "cli-learner"

    def no_user() -> str:
        raise KeyError("uid not found")

    monkeypatch.delenv("LECTIO_LEARNER")
    monkeypatch.setattr(getpass, "getuser", no_user)
    assert settings.learner_name() == "default"


def test_quiz_skips_round_trip_and_an_old_database_gains_them(tmp_path: Path) -> None:
    first = SqliteStore(tmp_path / "old.db", migrations=MIGRATIONS[:1])
    attempt = first.start_quiz_attempt("ana", "q", ["#a", "#b"])
    first.close()
    store = SqliteStore(tmp_path / "old.db")  # migrated: the attempt is kept, with no skips
    assert store.quiz_attempts("ana", "q")[0].skipped == ()
    assert store.skip_quiz_question(attempt.id, "#b").skipped == ("#b",)
    assert store.skip_quiz_question(attempt.id, "#b").skipped == ("#b",)
    assert store.skip_quiz_question(attempt.id, "#a").skipped == ("#b", "#a")
    assert store.quiz_attempts("ana", "q")[0].skipped == ("#b", "#a")
    store.close()
