"""Commands that only read the learner's data work on a data folder they cannot write.

``lectio progress``, ``lectio feedback export`` and ``lectio report`` open the store read-only:
nothing is created, migrated on disk or moved aside. Checked on a real read-only file system
(a tmpfs mounted read-only, when the tests run as root, as in CI containers), and, everywhere,
by the folder being left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "tests" / "data" / "session" / "basics.yaml"
COMMANDS = [["progress"], ["feedback", "export"], ["report", str(LESSON)]]


def lectio(*args: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LECTIO_LEARNER="tester", NO_COLOR="1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("LECTIO_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "engine", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder where a learner answered the lesson's questions (the plain mode)."""
    data = tmp_path_factory.mktemp("studied") / "data"
    run = lectio("open", str(LESSON), "--plain", data_dir=data, stdin="1\n2\n1\n1\n1\n")
    assert run.returncode == 0, run.stderr
    assert (data / "lectio.db").is_file()
    return data


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_read_only_command_changes_nothing(
    command: list[str], studied: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(studied, data)
    before = _snapshot(data)
    run = lectio(*command, data_dir=data)
    assert run.returncode == 0, run.stderr
    assert _snapshot(data) == before  # no -wal, no -shm, no migration, same bytes


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_missing_data_folder_is_not_created(command: list[str], tmp_path: Path) -> None:
    run = lectio(*command, data_dir=tmp_path / "nothing" / "here")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "nothing").exists()


def test_a_damaged_database_is_reported_not_moved_aside(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "lectio.db").write_bytes(b"this is not a database" * 100)
    run = lectio("progress", data_dir=data)
    assert run.returncode == 1
    assert "nothing was changed" in run.stderr and "Traceback" not in run.stderr
    assert [p.name for p in data.iterdir()] == ["lectio.db"]


@contextlib.contextmanager
def read_only_mount(source: Path, where: Path) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a read-only file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(where)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        for path in source.iterdir():
            shutil.copy(path, where / path.name)
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_on_a_read_only_file_system(command: list[str], studied: Path, tmp_path: Path) -> None:
    with read_only_mount(studied, tmp_path / "ro") as data:
        with pytest.raises(OSError):
            (data / "probe").write_text("x")
        run = lectio(*command, data_dir=data)
        assert run.returncode == 0, run.stderr
        assert "cannot open" not in run.stderr
        if command[0] == "feedback":
            assert '"feedback": [' in run.stdout
        elif command[0] == "report":
            assert "question sum" in run.stdout and "attempt" in run.stdout
        else:
            assert "Progress of tester" in run.stdout
