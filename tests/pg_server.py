"""A throwaway PostgreSQL server for tests and benchmarks, started from the machine's binaries.

``initdb`` and ``pg_ctl`` come from ``$LECTIO_PG_BIN`` or the newest
``/usr/lib/postgresql/*/bin``. PostgreSQL refuses to run as root, so under root every server
command runs as the ``postgres`` user (else ``nobody``) through ``runuser``, in a temporary
folder that user owns. The server listens on a unix socket in that folder only (no TCP port to
collide with another run), so the URL is ``postgresql://lectio@/DB?host=FOLDER``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote


class PgUnavailableError(Exception):
    """The server cannot be started here (no binaries, no user to run it as, initdb failed)."""


def pg_bin() -> Path:
    env = os.environ.get("LECTIO_PG_BIN")
    if env:
        return Path(env)
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parts[4]) if p.parts[4].isdigit() else 0,
    )
    if not found:
        raise PgUnavailableError("no PostgreSQL server binaries (apt-get install postgresql)")
    return Path(found[-1]).parent


def _run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PgUnavailableError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL")


class PgServer:
    """One PostgreSQL cluster in a temporary folder; :meth:`start`, :meth:`stop`, :meth:`url`."""

    def __init__(self, *, max_connections: int = 200) -> None:
        self.bin = pg_bin()
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="lectio-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.max_connections = max_connections
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._cmd(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "lectio",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def _cmd(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bin / tool), *args]
        if self.user is not None:
            argv = ["runuser", "-u", self.user, "--", *argv]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.root)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PgUnavailableError(f"{tool}: {exc}") from None
        if check and done.returncode != 0:
            raise PgUnavailableError(
                f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}"
            )
        return done

    def start(self) -> None:
        options = (
            f"-k {self.root} -c listen_addresses='' -c max_connections={self.max_connections}"
            " -c fsync=on -c synchronous_commit=on"
        )
        done = self._cmd(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start",
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise PgUnavailableError(f"pg_ctl start failed: {done.stderr or done.stdout}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        """``mode="immediate"`` is a crash: no checkpoint, recovery from the WAL next start."""
        self._cmd("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str = "postgres", schema: str | None = None) -> str:
        url = f"postgresql://lectio@/{database}?host={quote(str(self.root))}"
        if schema:
            url += "&options=" + quote(f"-csearch_path={schema}")
        return url

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement.encode())

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
