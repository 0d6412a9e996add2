"""``lectio store copy SQLITE_FILE POSTGRES_URL``: a class's history moved to the server.

Every row of every table is copied in one transaction (all or nothing), and each row's ``op``
key is derived from its content, so copying the same file again (or after more study) adds
only what is new and never a row twice. Quiz attempts get new ids on the server; the answers
and hints that point at them are re-pointed. An attempt whose number the server already uses
for that learner and quiz takes the next free number. Progress is merged: the later ``updated``
wins, the earlier ``started`` is kept.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.store.base import StoreError

if TYPE_CHECKING:
    import psycopg

    from engine.store.postgres import PostgresStore

TABLES = ("progress", "quiz_attempts", "attempts", "hints", "cell_runs", "feedback", "asked")


def _op(table: str, row: dict[str, Any]) -> str:
    content = json.dumps([table, {k: v for k, v in row.items() if k != "id"}], sort_keys=True)
    return "copy:" + hashlib.sha256(content.encode()).hexdigest()


def _read(source: Path) -> dict[str, list[dict[str, Any]]]:
    if not source.is_file():
        raise StoreError(f"{source}: no such SQLite file")
    from engine.store.sqlite import SqliteStore

    SqliteStore(source).close()  # brings an older file to the current schema first
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {
            t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in TABLES
        }
    except sqlite3.Error as exc:
        raise StoreError(f"{source}: cannot read: {exc}") from None
    finally:
        conn.close()


def _insert(cur: psycopg.Cursor[dict[str, Any]], table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(row)
    marks = ", ".join("%s" for _ in row)
    cur.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (op) DO NOTHING",
        list(row.values()),
    )
    found = cur.execute(f"SELECT id FROM {table} WHERE op = %s", (row["op"],)).fetchone()
    assert found is not None
    return int(found["id"])


_BOOLEANS = {"done", "correct", "edited", "clear", "passed"}


def _typed(table: str, row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (None if v is None else bool(v)) if k in _BOOLEANS else v for k, v in row.items()}
    if table == "quiz_attempts":  # correct/total are counts there, not truth values
        out["correct"] = row["correct"]
    return out


def copy_sqlite(source: Path, target: PostgresStore) -> dict[str, int]:
    """Copy ``source`` into ``target``; how many rows of each table were new there."""
    tables = _read(source)

    def work(cur: psycopg.Cursor[dict[str, Any]]) -> dict[str, int]:
        added = dict.fromkeys(TABLES, 0)
        for p in tables["progress"]:
            row = _typed("progress", p)
            done = cur.execute(
                """INSERT INTO progress (learner, course, lesson, position, done, content_hash,
                                         started, updated)
                   VALUES (%(learner)s, %(course)s, %(lesson)s, %(position)s, %(done)s,
                           %(content_hash)s, %(started)s, %(updated)s)
                   ON CONFLICT (learner, course, lesson) DO UPDATE SET
                     position = excluded.position, done = excluded.done,
                     content_hash = excluded.content_hash, updated = excluded.updated,
                     started = LEAST(progress.started, excluded.started)
                   WHERE excluded.updated > progress.updated
                   RETURNING (xmax = 0) AS inserted""",
                row,
            ).fetchone()
            added["progress"] += int(bool(done and done["inserted"]))
        new_ids: dict[int, int] = {}
        for q in tables["quiz_attempts"]:
            row = {**_typed("quiz_attempts", q), "op": _op("quiz_attempts", q)}
            old = row.pop("id")
            if cur.execute("SELECT 1 FROM quiz_attempts WHERE op = %s", (row["op"],)).fetchone():
                new_ids[old] = _insert(cur, "quiz_attempts", row)
                continue
            top = cur.execute(
                "SELECT COALESCE(MAX(number), 0) AS n FROM quiz_attempts "
                "WHERE learner = %s AND quiz = %s",
                (row["learner"], row["quiz"]),
            ).fetchone()
            row["number"] = max(int(row["number"]), int(top["n"] if top else 0) + 1)
            new_ids[old] = _insert(cur, "quiz_attempts", row)
            added["quiz_attempts"] += 1
        for table in ("attempts", "hints", "cell_runs", "feedback", "asked"):
            for r in tables[table]:
                row = {**_typed(table, r), "op": _op(table, r)}
                row.pop("id")
                if row.get("quiz_attempt") is not None:
                    row["quiz_attempt"] = new_ids.get(row["quiz_attempt"], row["quiz_attempt"])
                if cur.execute(f"SELECT 1 FROM {table} WHERE op = %s", (row["op"],)).fetchone():
                    continue
                _insert(cur, table, row)
                added[table] += 1
        return added

    return target.transaction(work)


def counts_line(added: dict[str, int], order: Sequence[str] = TABLES) -> str:
    return ", ".join(f"{added[t]} {t.replace('_', ' ')}" for t in order)
