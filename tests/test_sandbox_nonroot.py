"""The sandbox and the course data as an ordinary user, as real users and ``lectio serve`` run.

Root takes other paths (a ``pids`` cgroup per kernel instead of ``RLIMIT_NPROC`` in the
sandbox's user namespace) and ignores file modes, so a suite run as root would never see what
breaks for anyone else. Under root these tests run their code as the ``postgres`` user (made by
``.ci/run`` for the store tests, else ``nobody``) through ``runuser``, in a folder that user owns;
run as an ordinary user already, they run it as themselves. That user must be able to run this
Python and read the checkout (``.ci/run`` grants it); if it cannot, the tests skip, saying why,
and fail under CI.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _unavailable(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the non-root path cannot be tried under CI: {why}")
    pytest.skip(why)


class Ordinary:
    """Runs commands as an ordinary user, with ``home`` (owned by it) as HOME and TMPDIR."""

    def __init__(self, user: str | None, home: Path) -> None:
        self.user = user
        self.home = home

    def run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        own = {
            "HOME": str(self.home),
            "TMPDIR": str(self.home),
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env = {k: v for k, v in os.environ.items() if k not in ("LECTIO_CACHE", "LECTIO_SANDBOX")}
        env.update(own)
        # runuser sets HOME (and may reset more) for the user: ours are set again after it
        prefix = [] if self.user is None else ["runuser", "-u", self.user, "--"]
        command = [*prefix, "env", *(f"{k}={v}" for k, v in own.items()), *argv]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=self.home, env=env
        )


@pytest.fixture
def ordinary() -> Iterator[Ordinary]:
    user = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root and runuser is not installed")
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                user = name
                break
        else:
            _unavailable("running as root and no 'postgres' or 'nobody' user to run as")
    home = Path(tempfile.mkdtemp(prefix="lectio-nonroot-"))
    try:
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(home, entry.pw_uid, entry.pw_gid)
        runner = Ordinary(user, home)
        probe = runner.run(sys.executable, "-c", "import engine.execution.sandbox")
        if probe.returncode != 0:
            _unavailable(
                f"{user or 'this user'} cannot run {sys.executable} on {ROOT} "
                f"(a folder on the way it may not enter?): {probe.stderr.strip()[-300:]}"
            )
        yield runner
    finally:
        shutil.rmtree(home, ignore_errors=True)


READONLY_COPY = """
import os, stat, sys
from pathlib import Path
os.environ["LECTIO_CACHE"] = sys.argv[1]
from engine.execution.coursedata import readonly_copy
copy = readonly_copy(Path(sys.argv[2]))
print(copy.is_dir(), oct(stat.S_IMODE(copy.stat().st_mode)) if copy.exists() else "-")
print(sorted(p.name for p in copy.iterdir()) if copy.is_dir() else [])
print(readonly_copy(Path(sys.argv[2])) == copy)
"""


def test_the_course_data_copy_is_made_by_an_ordinary_user(ordinary: Ordinary) -> None:
    """Renaming a folder already made 0555 needs root: an ordinary user's copy used to vanish,
    and the cells found no ``data/``, sandbox or not."""
    data = ROOT / "tests" / "data" / "tutorials" / "regression" / "data"
    cache = ordinary.home / "cache"
    done = ordinary.run(sys.executable, "-c", READONLY_COPY, str(cache), str(data))
    assert done.returncode == 0, done.stderr
    made, names, again = done.stdout.splitlines()
    assert made == "True 0o555"
    assert names == repr(sorted(p.name for p in data.iterdir()))
    assert again == "True"  # the second call reuses it


@pytest.mark.slow
def test_the_sandbox_tests_pass_as_an_ordinary_user(ordinary: Ordinary) -> None:
    """``tests/test_sandbox.py`` on the non-root path: ``RLIMIT_NPROC`` in a user namespace."""
    if ordinary.user is None:
        pytest.skip("the suite runs as an ordinary user: tests/test_sandbox.py takes that path")
    done = ordinary.run(
        sys.executable,
        "-m",
        "pytest",
        str(ROOT / "tests" / "test_sandbox.py"),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        "-q",
        "-rs",
        f"--rootdir={ROOT}",
        f"--basetemp={ordinary.home / 'pytest'}",
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " skipped" not in done.stdout, done.stdout[-2000:]  # every one ran
