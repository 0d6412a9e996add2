"""A session process killed (SIGKILL) right after an answer is acknowledged loses nothing."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from narrow import of_type

from engine.format.loader import load_lesson
from engine.format.models import QuestionBlock
from engine.session.grading import choice_order
from engine.store import Attempt, SqliteStore

ALPHA = Path(__file__).parent / "data" / "session" / "root" / "lessons" / "demo" / "alpha.yaml"
LEARNER = "killed"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def read_until(proc: subprocess.Popen[bytes], marker: bytes, hang_guard: float = 120) -> bytes:
    """What the process printed up to ``marker``. The deadline only stops a hung process from
    hanging the suite: it is never reached on a working one, however loaded the machine."""
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + hang_guard
    fd = proc.stdout.fileno()
    while marker not in seen:
        left = deadline - time.monotonic()
        readable, _, _ = select.select([fd], [], [], max(left, 0))
        assert readable, f"hung: no {marker!r} after {hang_guard} s in {seen!r}"
        chunk = os.read(fd, 4096)
        assert chunk, f"the process ended before {marker!r}: {seen!r}"
        seen += chunk
    return seen


@pytest.mark.parametrize(
    ("right", "kill_after", "positions"),
    [
        # wrong: the process waits for another try at the question, so it stays there
        (False, b"Not quite.", {1}),
        # right: the process moves on by itself; the signal may land before or after it saves
        # the next position, and either is correct (nothing the learner saw is lost)
        (True, b"Correct!", {1, 2}),
        # the next question shown: its position was saved before it was printed
        (True, b"Which are vowels?", {2}),
    ],
    ids=["wrong", "right", "right-next-shown"],
)
def test_answer_survives_sigkill_after_acknowledgement(
    tmp_path: Path, right: bool, kill_after: bytes, positions: set[int]
) -> None:
    lesson = load_lesson(ALPHA)
    order = choice_order(
        of_type(lesson.blocks[1], QuestionBlock), learner=LEARNER, owner="demo/alpha"
    )
    index = 0 if right else 1
    number = order.index(index) + 1
    env = {**os.environ, "LECTIO_LEARNER": LEARNER, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engine",
            "open",
            str(ALPHA),
            "--plain",
            "--data-dir",
            str(tmp_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        read_until(proc, b"Type the number of your answer")
        assert proc.stdin is not None
        proc.stdin.write(f"{number}\n".encode())
        proc.stdin.flush()  # stdin stays open: the process goes on to wait for more input
        read_until(proc, kill_after)
        proc.send_signal(signal.SIGKILL)  # at once, after the acknowledgement
        proc.wait(timeout=120)  # a hang guard: SIGKILL cannot be ignored
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    with SqliteStore(tmp_path / "lectio.db") as store:
        (attempt,) = store.attempts(learner=LEARNER)
        assert (attempt.course, attempt.lesson, attempt.question) == (
            "demo",
            "alpha",
            "first-letter",
        )
        assert attempt.picks == (index,) and attempt.correct is right
        progress = store.load_progress(LEARNER, "demo", "alpha")
        assert progress is not None and progress.position in positions


def test_the_answer_is_committed_before_the_verdict_is_printed(tmp_path: Path) -> None:
    """The ordering the SIGKILL test relies on, checked deterministically in process."""
    import io

    from session_fakes import KernelFactory

    from engine.plain.app import run_plain

    events: list[str] = []

    class Recording(SqliteStore):
        def add_attempt(self, attempt: Attempt) -> Attempt:
            stored = super().add_attempt(attempt)
            # committed: a fresh connection (another process, in effect) sees it
            with SqliteStore(self.path) as other:
                events.append(f"committed {len(other.attempts())}")
            return stored

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            for word in ("Correct!", "Not quite."):
                if word in text:
                    events.append(word)
            return super().write(text)

    lesson = load_lesson(ALPHA)
    order = choice_order(
        of_type(lesson.blocks[1], QuestionBlock), learner=LEARNER, owner="demo/alpha"
    )
    wrong, right = order.index(1) + 1, order.index(0) + 1
    with Recording(tmp_path / "lectio.db") as store:
        run_plain(
            ALPHA,
            learner=LEARNER,
            stdin=io.StringIO(f"{wrong}\n{right}\n"),
            stdout=Out(),
            stderr=io.StringIO(),
            store=store,
            kernel_factory=KernelFactory(),
        )
    assert events == ["committed 1", "Not quite.", "committed 2", "Correct!"]
