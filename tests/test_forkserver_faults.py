"""A fork server that misbehaves (tests/data/forkservers/*.py stand in for it): garbage or an
unsealed message where "ready" should be, death half way through a fork, half an answer, an
answer without descriptors, a hang, an exit before a word. Each costs the lesson that asked a
new fork server, never a result: both lessons are validated, with their right verdicts. A
server that can never be started fails each lesson with a clear reason, and the run ends."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from engine.execution.forkserver import ForkServer
from engine.execution.validate import execute_lessons
from engine.format.loader import load_lesson
from engine.format.models import Lesson

pytestmark = pytest.mark.slow

FAKES = sorted(p for p in (Path(__file__).parent / "data" / "forkservers").glob("*.py"))
FAKES = [p for p in FAKES if not p.name.startswith("_")]

LESSON = """id: {id}
title: Validated whatever the fork server did
blocks:
  - code: x = 2
  - code: print(x * 21)
    expect: "42"
  - question: Is x 3?
    id: wrong-key
    verify: assert x == 3
    choices:
      - text: "yes"
        correct: true
      - text: "no"
"""


class FaultyServer(ForkServer):
    """Starts ``fake`` in place of the real server ``bad_starts`` times, then the real one."""

    def __init__(self, fake: Path, bad_starts: int) -> None:
        super().__init__(preload=("torch",), fork_timeout=3.0, startup_timeout=120.0)
        self.fake = fake
        self.bad_starts = bad_starts

    def _command(self, sock_fd: int) -> list[str]:
        if self.bad_starts > 0:
            self.bad_starts -= 1
            return [sys.executable, str(self.fake), "--sock-fd", str(sock_fd)]
        return super()._command(sock_fd)


def _lessons(tmp_path: Path) -> list[Lesson]:
    out = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(LESSON.format(id=name), encoding="utf-8")
        out.append(load_lesson(path))
    return out


def test_every_fake_says_what_it_does() -> None:
    assert len(FAKES) >= 6
    for fake in FAKES:
        assert fake.read_text(encoding="utf-8").startswith("# A fork server"), fake


@pytest.mark.parametrize("fake", FAKES, ids=lambda p: p.stem)
def test_a_faulty_fork_server_is_replaced_and_every_lesson_validated(
    fake: Path, tmp_path: Path
) -> None:
    server = FaultyServer(fake, bad_starts=1)
    try:
        reports = execute_lessons(_lessons(tmp_path), jobs=1, forkserver=server)
    finally:
        server.close()
    assert server.replaced == 1
    for checks in reports.values():
        verdicts = {c.name: c.status for c in checks}
        assert verdicts == {"cell 1": "passed", "cell 2": "passed", "verify wrong-key": "failed"}


@pytest.mark.parametrize("fake", [f for f in FAKES if "hang" not in f.stem], ids=lambda p: p.stem)
def test_a_fork_server_that_never_works_fails_each_lesson_with_the_reason(
    fake: Path, tmp_path: Path
) -> None:
    server = FaultyServer(fake, bad_starts=1000)
    try:
        reports = execute_lessons(_lessons(tmp_path), jobs=2, forkserver=server)
    finally:
        server.close()
    assert len(reports) == 2
    for checks in reports.values():
        assert checks and all(c.status == "error" for c in checks), checks
        assert all("fork server" in c.message for c in checks), [c.message for c in checks]
        assert all("\n" not in c.message for c in checks)
