"""Every store method, on both stores: SQLite and a real PostgreSQL (see conftest.pg_server).

Also what only the server store has to show: migrations up from an empty database and from the
previous version, several processes migrating at once, kill -9 of a writer and an immediate
(crash) restart of PostgreSQL with nothing acknowledged lost or written twice, and
``lectio store migrate`` / ``lectio store copy``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer

from engine.cli import main
from engine.store import (
    Attempt,
    CellRun,
    Feedback,
    HintReveal,
    LessonProgress,
    SqliteStore,
    Store,
    StoreError,
    open_store,
)
from engine.store.export import export_csv, export_json
from engine.store.migrations import Migration
from engine.store.pg_migrations import PG_MIGRATIONS, PG_SCHEMA_VERSION
from engine.store.records import AskedQuestion


@pytest.fixture
def url(store_url: str) -> str:
    return store_url


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    s = open_store(url=url)
    yield s
    s.close()


def attempt(**kw: object) -> Attempt:
    base: dict[str, object] = {
        "learner": "ana",
        "course": "c",
        "lesson": "l",
        "question": "q",
        "picks": (1,),
        "correct": False,
        "attempt": 1,
        "ts": time.time(),
    }
    base.update(kw)
    return Attempt(**base)  # type: ignore[arg-type]


def test_open_store_picks_the_backend_by_url(url: str) -> None:
    with open_store(url=url) as s:
        assert isinstance(s, Store)
        kind = "SqliteStore" if url.startswith("sqlite") else "PostgresStore"
        assert type(s).__name__ == kind


def test_store_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    monkeypatch.setenv("LECTIO_STORE", pg_url)
    with open_store(tmp_path) as s:
        assert type(s).__name__ == "PostgresStore"
    with open_store(tmp_path, url=f"sqlite://{tmp_path / 'x.db'}") as s:  # --store wins
        assert isinstance(s, SqliteStore) and s.path == tmp_path / "x.db"


@pytest.mark.parametrize("bad", ["mysql://x/y", "sqlite://relative.db", "nonsense"])
def test_a_url_that_names_no_store_is_a_store_error(bad: str) -> None:
    with pytest.raises(StoreError, match="store URL"):
        open_store(url=bad)


def test_an_unreachable_server_is_one_store_error(tmp_path: Path) -> None:
    from engine.store.postgres import PostgresStore

    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        PostgresStore(f"postgresql://lectio@/x?host={tmp_path}", connect_timeout=1)


def test_records_round_trip(store: Store) -> None:
    p = store.save_progress(LessonProgress("ana", "c", "l", position=3, content_hash="h"))
    assert (p.position, p.done, p.started > 0) == (3, False, True)
    p2 = store.save_progress(LessonProgress("ana", "c", "l", position=5, done=True))
    assert (p2.position, p2.done, p2.started) == (5, True, p.started)
    assert store.load_progress("ana", "c", "l") == p2
    assert store.load_progress("bob", "c", "l") is None
    store.save_progress(LessonProgress("bob", "c", "l2", position=1))
    assert [x.lesson for x in store.all_progress("ana", "c")] == ["l"]
    assert [x.learner for x in store.all_progress()] == ["ana", "bob"]  # by updated
    assert store.all_progress(course="other") == []

    a = store.add_attempt(attempt(picks=(0, 2), correct=True, quiz="qz", quiz_attempt=7))
    b = store.add_attempt(attempt(learner="bob", lesson="l2"))
    assert a.id is not None and b.id is not None and b.id > a.id
    assert store.attempts(learner="ana") == [a]
    assert store.attempts(quiz_attempt=7) == [a]
    assert store.attempts(course="c") == [a, b]
    assert store.attempts(lesson="l2") == [b]
    assert store.attempts(learner="carl") == []

    h = store.add_hint(HintReveal("ana", "c", "l", "q", 0, time.time()))
    hq = store.add_hint(HintReveal("ana", "c", "l", "q", 1, time.time(), quiz_attempt=1))
    assert store.hints(learner="ana", course="c", lesson="l") == [h]
    assert store.hints(learner="ana", course="c", lesson="l", quiz_attempt=1) == [hq]
    assert store.hints(learner="bob", course="c", lesson="l") == []

    r = store.add_cell_run(
        CellRun("ana", "c", "l", 2, "ok", 0.5, time.time(), cell_id="x", edited=True)
    )
    assert store.cell_runs(lesson="l") == [r]
    assert store.cell_runs(learner="bob") == []

    f = store.add_feedback(
        Feedback("ana", "c", "l", 9, False, "more pictures", time.time(), line=12, content_hash="h")
    )
    g = store.add_feedback(Feedback("bob", "c", "l", 9, None, None, time.time()))
    assert store.feedback(course="c") == [f, g]
    assert store.feedback(learner="bob") == [g]

    qa = store.start_quiz_attempt("ana", "qz", ["a", "b"], "h")
    qb = store.start_quiz_attempt("ana", "qz", ["b"], "h")
    qc = store.start_quiz_attempt("bob", "qz", ["b"])
    assert (qa.number, qb.number, qc.number) == (1, 2, 1)
    assert qa.questions == ("a", "b") and qa.content_hash == "h"
    done = store.finish_quiz_attempt(qa.id, correct=1, total=2, passed=False)
    assert (done.correct, done.total, done.passed, done.finished is not None) == (1, 2, False, True)
    assert [q.id for q in store.quiz_attempts("ana", "qz")] == [qa.id, qb.id]
    assert [q.id for q in store.quiz_attempts(quiz="qz")] == [qa.id, qb.id, qc.id]
    with pytest.raises(StoreError, match="does not exist"):
        store.finish_quiz_attempt(10_000, correct=0, total=0, passed=False)
    with pytest.raises(StoreError, match="does not exist"):
        store.skip_quiz_question(10_000, "#a")


def test_quiz_skips_are_kept_once_in_order(store: Store) -> None:
    qa = store.start_quiz_attempt("ana", "q", ["#a", "#b"])
    assert store.skip_quiz_question(qa.id, "#b").skipped == ("#b",)
    assert store.skip_quiz_question(qa.id, "#b").skipped == ("#b",)
    assert store.skip_quiz_question(qa.id, "#a").skipped == ("#b", "#a")
    assert store.quiz_attempts("ana", "q")[0].skipped == ("#b", "#a")


def _fill(s: Store) -> None:
    ts = 1_700_000_000.0
    s.add_feedback(Feedback("ana", "c", "l", 3, True, "clear, «thanks»", ts, line=7))
    s.add_feedback(Feedback("bob", "c", "l", 4, None, None, ts + 1))
    s.add_attempt(attempt(picks=(0, 2), correct=True, ts=ts + 2, quiz="qz", quiz_attempt=1))
    s.add_attempt(attempt(learner="bob", ts=ts + 3, content_hash="abc"))


def test_exports_are_the_same_on_both_stores(tmp_path: Path, pg_url: str) -> None:
    with SqliteStore(tmp_path / "a.db") as lite, open_store(url=pg_url) as pg:
        _fill(lite)
        _fill(pg)
        assert export_json(pg) == export_json(lite)
        assert export_csv(pg) == export_csv(lite)
    assert json.loads(export_json(open_store(url=pg_url)))["attempts"][0]["picks"] == [0, 2]


def test_feedback_export_and_progress_commands_read_postgres(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(url=pg_url) as s:
        _fill(s)
    assert main(["feedback", "export", "--format", "csv", "--store", pg_url]) == 0
    out = capsys.readouterr().out
    assert out.count("\nfeedback,") == 2 and out.count("\nattempt,") == 2


# several processes ---------------------------------------------------------------------------

WRITER = """
import sys, time
from engine.store import open_store, Attempt
s = open_store(url=sys.argv[1])
for i in range(int(sys.argv[3])):
    a = s.add_attempt(Attempt(learner=sys.argv[2], course="c", lesson="l", question=f"q{i}",
                              picks=(i % 2,), correct=bool(i % 2), attempt=1, ts=time.time()))
    print(a.question, flush=True)  # acknowledged: the store returned
s.close()
"""


def _writer(url: str, who: str, n: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, who, str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_processes_write_at_once(url: str) -> None:
    open_store(url=url).close()
    n = 100
    procs = [_writer(url, who, n) for who in ("ana", "bob")]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    with open_store(url=url) as s:
        assert len(s.attempts(learner="ana")) == n
        assert len(s.attempts(learner="bob")) == n


def _acknowledged(proc: subprocess.Popen[str], count: int) -> list[str]:
    assert proc.stdout is not None
    seen: list[str] = []
    while len(seen) < count:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"writer ended early: {proc.stderr.read() if proc.stderr else ''}")
        seen.append(line.strip())
    return seen


def _check_nothing_lost(url: str, acked: list[str], who: str = "ana") -> None:
    with open_store(url=url) as s:
        stored = [a.question for a in s.attempts(learner=who)]
    assert set(acked) <= set(stored), sorted(set(acked) - set(stored))[:5]
    assert len(stored) == len(set(stored)), "an answer was written twice"


def test_kill_9_of_a_writer_loses_nothing_it_acknowledged(url: str) -> None:
    open_store(url=url).close()
    proc = _writer(url, "ana", 100_000)
    acked = _acknowledged(proc, 60)
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    acked += [line.strip() for line in out.splitlines() if line.strip()]
    _check_nothing_lost(url, acked)


def test_a_postgres_crash_restart_loses_nothing_and_duplicates_nothing(
    pg_server: PgServer, pg_url: str
) -> None:
    open_store(url=pg_url).close()
    proc = _writer(pg_url, "ana", 100_000)
    acked = _acknowledged(proc, 30)
    pg_server.stop("immediate")  # like kill -9 of the server: recovery from the WAL
    pg_server.start()
    acked += _acknowledged(proc, 30)  # the same writer carries on once the server is back
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    acked += [line.strip() for line in out.splitlines() if line.strip()]
    _check_nothing_lost(pg_url, acked)
    assert len(acked) >= 60


def test_a_retried_insert_is_written_once(pg_url: str) -> None:
    """What a retry after a lost COMMIT reply relies on: the same op key inserts one row."""
    from engine.store.postgres import PostgresStore
    from engine.store.rows import attempt_row

    with PostgresStore(pg_url) as s:
        first = s._insert("attempts", attempt_row(attempt()), op="same-op")
        again = s._insert("attempts", attempt_row(attempt()), op="same-op")
        assert first == again and len(s.attempts()) == 1


def test_quiz_attempts_started_at_once_get_distinct_numbers(pg_url: str) -> None:
    stores = [open_store(url=pg_url) for _ in range(4)]
    numbers: list[int] = []
    lock = threading.Lock()

    def start(s: Store) -> None:
        for _ in range(5):
            n = s.start_quiz_attempt("ana", "qz", ["#a"]).number
            with lock:
                numbers.append(n)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert sorted(numbers) == list(range(1, 21))


# migrations ----------------------------------------------------------------------------------


def _version(pg_url: str) -> int:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        row = conn.execute("SELECT version FROM lectio_schema").fetchone()
        assert row is not None
        return int(row[0])


def test_postgres_migrations_from_empty_and_from_the_previous_version(pg_url: str) -> None:
    from engine.store.postgres import PostgresStore

    first = Migration("one", ("CREATE TABLE a (x INTEGER)",))
    second = Migration("two", ("ALTER TABLE a ADD COLUMN y TEXT", "INSERT INTO a VALUES (1, 'z')"))
    PostgresStore(pg_url, migrations=[first]).close()
    assert _version(pg_url) == 1
    with PostgresStore(pg_url, migrations=[first, second]) as s:
        assert s.schema_version == 2
        assert s._select("SELECT x, y FROM a") == [{"x": 1, "y": "z"}]
    with PostgresStore(pg_url, migrations=[first, second]) as s:  # nothing left to apply
        assert s._select("SELECT count(*) AS n FROM a") == [{"n": 1}]


def test_the_real_schema_from_empty(pg_url: str) -> None:
    with open_store(url=pg_url) as s:
        assert s.schema_version == PG_SCHEMA_VERSION == len(PG_MIGRATIONS)  # type: ignore[attr-defined]


def test_a_failing_postgres_migration_leaves_the_previous_version(pg_url: str) -> None:
    from engine.store.postgres import PostgresStore

    first = Migration("one", ("CREATE TABLE a (x INTEGER)",))
    broken = Migration("bad", ("CREATE TABLE b (x INTEGER)", "THIS IS NOT SQL"))
    PostgresStore(pg_url, migrations=[first]).close()
    with pytest.raises(StoreError, match="syntax error"):
        PostgresStore(pg_url, migrations=[first, broken])
    with PostgresStore(pg_url, migrations=[first]) as s:
        assert s.schema_version == 1
        assert s._select("SELECT to_regclass('b') AS t") == [{"t": None}]  # rolled back


def test_a_postgres_database_from_a_newer_lectio_is_left_alone(pg_url: str) -> None:
    from engine.store.postgres import PostgresStore

    open_store(url=pg_url).close()
    with PostgresStore(pg_url) as s:
        s._select("UPDATE lectio_schema SET version = 99 RETURNING version")
    with pytest.raises(StoreError, match="newer lectio"):
        open_store(url=pg_url)


def test_several_processes_migrating_at_once_migrate_once(pg_url: str) -> None:
    code = "import sys; from engine.store import open_store; open_store(url=sys.argv[1]).close()"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    procs = [
        subprocess.Popen([sys.executable, "-c", code, pg_url], stderr=subprocess.PIPE, env=env)
        for _ in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert _version(pg_url) == PG_SCHEMA_VERSION


def test_lectio_store_migrate(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["store", "migrate", "--store", pg_url]) == 0
    assert f"schema version {PG_SCHEMA_VERSION}, up to date" in capsys.readouterr().out
    assert main(["store", "migrate", "--data-dir", str(tmp_path)]) == 0
    assert "lectio.db: schema version" in capsys.readouterr().out
    assert (tmp_path / "lectio.db").is_file()


# copy ----------------------------------------------------------------------------------------


def test_lectio_store_copy_moves_everything_once(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "class.db"
    with SqliteStore(source) as lite:
        _fill(lite)
        qa = lite.start_quiz_attempt("ana", "qz", ["#a", "#b"], "h")
        lite.skip_quiz_question(qa.id, "#b")
        lite.finish_quiz_attempt(qa.id, correct=1, total=2, passed=True)
        lite.add_attempt(attempt(question="in-quiz", quiz="qz", quiz_attempt=qa.id))
        lite.add_hint(HintReveal("ana", "c", "l", "q", 0, 1.0, quiz_attempt=qa.id))
        lite.add_cell_run(CellRun("ana", "c", "l", 2, "ok", 0.5, 2.0, edited=True))
        lite.save_progress(LessonProgress("ana", "c", "l", position=4, done=True))
        lite.add_question(
            AskedQuestion("ana", "c", "l", 2, "why?", "offline", 40, 3.0, "NameError")
        )
    with open_store(url=pg_url) as pg:  # the server already has an attempt 1 of that quiz
        pg.start_quiz_attempt("ana", "qz", ["#a"])

    assert main(["store", "copy", str(source), pg_url]) == 0
    assert "1 progress, 1 quiz attempts, 3 attempts, 1 hints, 1 cell runs, 2 feedback, 1 asked" in (
        capsys.readouterr().out
    )
    with open_store(url=pg_url) as pg, SqliteStore(source) as lite:
        assert export_json(pg) != ""  # the same answers and feedback, with new quiz ids
        assert [f.comment for f in pg.feedback()] == [f.comment for f in lite.feedback()]
        copied = pg.quiz_attempts("ana", "qz")[-1]
        assert (copied.number, copied.skipped, copied.passed) == (2, ("#b",), True)
        # both answers of sqlite attempt id 1 (_fill names it too) follow it to its new id
        assert [a.question for a in pg.attempts(quiz_attempt=copied.id)] == ["q", "in-quiz"]
        assert len(pg.hints(learner="ana", course="c", lesson="l", quiz_attempt=copied.id)) == 1
        assert pg.cell_runs()[0].edited is True
        assert [(q.text, q.error) for q in pg.asked_questions()] == [("why?", "NameError")]
        progress = pg.load_progress("ana", "c", "l")
        assert progress is not None and (progress.position, progress.done) == (4, True)

    assert main(["store", "copy", str(source), pg_url]) == 0  # again: nothing twice
    assert "0 progress, 0 quiz attempts, 0 attempts, 0 hints, 0 cell runs, 0 feedback, 0 asked" in (
        capsys.readouterr().out
    )


def test_store_copy_of_a_missing_file_is_one_line(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["store", "copy", str(tmp_path / "none.db"), pg_url]) == 1
    assert "no such SQLite file" in capsys.readouterr().err


def test_the_previous_postgres_schema_is_migrated_with_its_records(pg_url: str) -> None:
    """A database made by the lectio before learner accounts (schema 1) gains them, keeping
    every record."""
    from engine.serve.accounts import add_learner, sign_in
    from engine.store.postgres import PostgresStore

    with PostgresStore(pg_url, migrations=PG_MIGRATIONS[:1]) as old:
        old.add_attempt(attempt())
        qa = old.start_quiz_attempt("ana", "qz", ["#a"])
    assert _version(pg_url) == 1
    with PostgresStore(pg_url) as new:
        assert new.schema_version == PG_SCHEMA_VERSION == len(PG_MIGRATIONS)
        assert len(new.attempts()) == 1 and new.quiz_attempts()[0].id == qa.id
        code = add_learner(new, "ana")
        assert sign_in(new, code) == "ana"


def test_the_previous_sqlite_schema_gains_learner_accounts(tmp_path: Path) -> None:
    from engine.serve.accounts import add_learner, sign_in
    from engine.store.migrations import MIGRATIONS

    with SqliteStore(tmp_path / "old.db", migrations=MIGRATIONS[:2]) as old:
        old.add_attempt(attempt())
    with SqliteStore(tmp_path / "old.db") as new:
        assert new.schema_version == len(MIGRATIONS)
        assert len(new.attempts()) == 1
        assert sign_in(new, add_learner(new, "ana")) == "ana"
