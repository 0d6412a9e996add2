"""Fixtures shared by the whole suite (loaded as a plugin: ``-p pg_fixtures`` in pyproject.toml,
not a root conftest.py, which would clash with tests/tui/conftest.py for mypy): one real
PostgreSQL server per test session.

The server (:mod:`pg_server`) is started the first time a test asks for it and stopped when the
session ends; each test gets a schema of its own in it, so tests never see each other's rows.
Where it cannot start, its tests are skipped, except under CI (``CI=true``), where they fail:
a CI run must never pass without having tested the PostgreSQL store.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer, PgUnavailableError

_SCHEMAS = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        _unavailable(f"psycopg is not installed ({exc}): pip install -e '.[dev]'")
    try:
        server = PgServer()
        server.start()
    except PgUnavailableError as exc:
        _unavailable(str(exc))
    yield server
    server.destroy()


def _unavailable(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL cannot be started for the store tests under CI: {why}")
    pytest.skip(f"PostgreSQL cannot be started: {why}")


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The URL of a fresh, empty schema in the session's server."""
    schema = f"t{next(_SCHEMAS)}_{os.getpid()}"
    pg_server.sql(f"CREATE SCHEMA {schema}")
    return pg_server.url(schema=schema)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL for each backend in turn: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'lectio.db'}"
    return str(request.getfixturevalue("pg_url"))
