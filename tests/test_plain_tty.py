"""``lectio open --plain`` on a real terminal: a pseudo-terminal of a fixed size (TIOCSWINSZ),
driven as a learner would, one Enter at a time. On a terminal it shows one block, waits, and fits
every line of text to the width (code stays as written); on a pipe the transcript is the one it
always was. Output is waited for (read until a pattern), never slept for."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from engine.plain.pacing import cell_width

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

DATA = Path(__file__).parent / "data" / "plain"
LESSON = DATA / "paced.yaml"
QUIZ = DATA / "paced-quiz.yaml"
PAUSE = "Press Enter to go on"
PAUSED = r"Press\s+Enter\s+to\s+go\s+on[^>]*\n> "  # the prompt, wrapped on a narrow window
CODE = (
    '    a_line_of_code_that_is_wider_than_sixty_columns = "and must stay on one line, as written"'
)
PARAGRAPH = (
    "The first block is a long paragraph, longer than any terminal is wide, so that on a "
    "narrow window it must be wrapped at spaces to fit, and never cut in the middle of a word "
    "by the terminal."
)


def _env() -> dict[str, str]:
    env = {**os.environ, "LECTIO_LEARNER": "tty", "NO_COLOR": "1"}
    for name in ("COLUMNS", "LINES", "LECTIO_PAGER", "LECTIO_PLAIN"):
        env.pop(name, None)  # the size is the terminal's, the mode the test's
    return env


def _command(args: list[str], data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "engine", "open", *args, "--data-dir", str(data_dir)]


def _size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class Terminal:
    """A lectio process on a pseudo-terminal of ``columns`` x ``rows``."""

    def __init__(self, args: list[str], data_dir: Path, columns: int, rows: int) -> None:
        self.master, slave = os.openpty()
        _size(slave, columns, rows)
        self.proc = subprocess.Popen(
            _command(args, data_dir),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=_env(),
            start_new_session=True,
        )
        os.close(slave)
        self.seen = ""
        self.code: int | None = None
        self.read_to = 0  # where the text not yet returned by read_until starts

    def read_until(self, pattern: str, hang_guard: float = 120) -> str:
        """The output from the last call's end through ``pattern`` (a regular expression),
        newlines as ``\\n``. The deadline only stops a hung process from hanging the suite."""
        deadline = time.monotonic() + hang_guard
        regex = re.compile(pattern)
        while (found := regex.search(self.seen, self.read_to)) is None:
            left = deadline - time.monotonic()
            readable, _, _ = select.select([self.master], [], [], max(left, 0))
            assert readable, f"hung: no {pattern!r} after {hang_guard} s in {self.seen!r}"
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: the process ended and closed the terminal
                chunk = b""
            assert chunk, f"the process ended before {pattern!r}: {self.seen!r}"
            self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        text = self.seen[self.read_to : found.end()]
        self.read_to = found.end()
        return text

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def resize(self, columns: int, rows: int) -> None:
        _size(self.master, columns, rows)

    def close(self, failed: bool = False) -> int:
        """Wait for the process to end (at once: kill it, when the test has failed)."""
        try:
            if failed:
                self.proc.kill()
            return self.proc.wait(timeout=120)  # a hang guard
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.close(self.master)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        self.code = self.close(failed=kind is not None)


def _wide(screen: str, columns: int) -> list[str]:
    return [line for line in screen.split("\n") if cell_width(line) > columns]


def test_a_lesson_on_a_terminal_comes_one_block_at_a_time_fitted_to_the_width(
    tmp_path: Path,
) -> None:
    with Terminal([str(LESSON), "--plain"], tmp_path, 60, 20) as term:
        first = term.read_until(PAUSED)
        assert "Chapter: Paced reading" in first
        assert "The first block" in first and "Second block" not in first  # one block only
        assert _wide(first, 60) == [CODE]  # the prose is fitted; the code is as written
        prose = first[first.index("The first") : first.index("\n\n", first.index("The first"))]
        assert prose.count("\n") >= 2 and " ".join(prose.split("\n")) == PARAGRAPH
        assert "n for the next question, q to stop." in first

        term.resize(40, 20)  # honoured at the next block
        term.type("")
        second = term.read_until(PAUSED)
        assert "Tip: Second block" in second and "The third block" not in second
        assert "The first block" not in second
        assert not _wide(second, 40)

        term.resize(60, 20)
        term.type("")
        third = term.read_until(PAUSED)
        assert "The third block" in third and "Which block" not in third
        rows = third.split("\n")
        item = next(line for line in rows if "block is a list" in line)
        after = rows[rows.index(item) + 1]
        assert item.startswith("- ") and after.startswith("  ") and after[2] != " "
        assert not _wide(third, 60)

        term.type("")
        question = term.read_until(r"Type the number of your answer[^>]*\n> ")
        assert "Question 1 of 1:" in question
        term.type("h")
        hint = term.read_until(r"\n> ")
        assert "Hint 1 of 1:" in hint and not _wide(hint, 60)
        rows = hint.split("\n")
        first_row = next(n for n, line in enumerate(rows) if line.startswith("Hint 1 of 1: "))
        hanging = rows[first_row + 1]  # the hint wraps: it goes on under its text, not the label
        assert hanging.startswith(" " * len("Hint 1 of 1: ")) and hanging.strip()
        term.type("1")
        verdict = term.read_until(PAUSED)
        assert "Correct!" in verdict
        assert "its explanation is long enough" in verdict.replace("\n     ", " ")
        assert "The closing block" not in verdict  # the explanations are read first
        assert not _wide(verdict, 60)
        assert "q to stop." in verdict and "next question" not in verdict.split("Correct!")[1]

        term.type("")
        closing = term.read_until(PAUSED)
        assert "The closing block, after the question." in closing
        assert "End of the chapter" not in closing
        term.type("")
        term.read_until(r"Was everything clear\? \[y/n\]\n> ")
        term.type("q")
        term.read_until("Your progress is saved")
    assert term.code == 0


def test_n_goes_on_to_the_next_question_and_q_stops_at_a_pause(tmp_path: Path) -> None:
    with Terminal([str(LESSON), "--plain"], tmp_path, 60, 20) as term:
        term.read_until(PAUSED)
        term.type("n")
        hurried = term.read_until(r"Type the number of your answer[^>]*\n> ")
        assert "Second block" in hurried and "The third block" in hurried
        assert PAUSE not in hurried  # no pause until the question
        term.type("1")
        term.read_until(PAUSED)
        term.type("q")
        term.read_until("Your progress is saved")
    assert term.code == 0


def test_a_quiz_on_a_terminal_waits_after_each_verdict_in_portuguese(tmp_path: Path) -> None:
    with Terminal([str(QUIZ), "--plain", "--lang", "pt"], tmp_path, 60, 20) as term:
        term.read_until(r"Digite o número da sua resposta[^>]*\n> ")
        term.type("1")
        verdict = term.read_until(r"Pressione Enter para continuar, q para sair\.\n> ")
        assert "Correto!" in verdict and "Pergunta 2" not in verdict
        assert "A prime has exactly two divisors" in verdict.replace("\n     ", " ")
        assert not _wide(verdict, 60)
        term.type("")
        second = term.read_until(r"Digite o número da sua resposta[^>]*\n> ")
        assert "Pergunta 2 de 2" in second
        term.type("1")
        term.read_until(r"Pressione Enter para continuar, q para sair\.\n> ")
        term.type("")
        term.read_until(r"Aprovad")
    assert term.code == 0


def test_no_pager_on_a_terminal_prints_as_on_a_pipe(tmp_path: Path) -> None:
    with Terminal([str(LESSON), "--plain", "--no-pager"], tmp_path, 60, 20) as term:
        screen = term.read_until(r"Type the number of your answer[^>]*\n> ")
        assert PAUSE not in screen
        assert PARAGRAPH in screen  # one line, as before
        term.type("q")
        term.read_until("Your progress is saved")
    assert term.code == 0


def test_on_a_pipe_the_transcript_is_unchanged(tmp_path: Path) -> None:
    """No pause and no wrap when the output is piped: everything up to the question comes at
    once, each paragraph on one line, so scripts reading it keep working."""
    result = subprocess.run(
        _command([str(LESSON), "--plain"], tmp_path),
        input="h\n1\n\ny\n\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert PAUSE not in out and "Pressione" not in out
    assert PARAGRAPH + "\n" in out and CODE + "\n" in out
    assert (
        "Tip: Second block\nThe second block is a note whose body is long enough to need "
        "wrapping on a window sixty columns wide, just like the prose before it.\n"
    ) in out
    assert (
        "  1. the fourth (your answer, right): The question is the fourth block, and its "
        "explanation is long enough to be wrapped as well.\n"
    ) in out
    assert "The closing block, after the question.\n\nEnd of the chapter.\n" in out


TALL = DATA / "tall.yaml"


def _quit(term: Terminal) -> None:
    term.type("q")
    term.read_until("Your progress is saved")


def _items(screen: str) -> list[int]:
    return [int(n) for n in re.findall(r"- Item (\d+) of the tall list\.", screen)]


@pytest.mark.parametrize(("columns", "rows"), [(40, 20), (100, 32)])
def test_a_block_taller_than_the_window_comes_a_screen_at_a_time(
    tmp_path: Path, columns: int, rows: int
) -> None:
    with Terminal([str(TALL), "--plain"], tmp_path, columns, rows) as term:
        seen: list[int] = []
        pages = 0
        while not seen or seen[-1] < 40:
            screen = term.read_until(PAUSED)
            assert "The block after" not in screen  # the tall block's pages come first
            assert len(screen.split("\n")) <= rows  # a page and its prompt fit the window
            seen += _items(screen)
            pages += 1
            if seen[-1] < 40:
                term.type("")
        assert seen == list(range(1, 41))  # every item once, in order
        assert pages >= 2 and pages >= 44 // (rows - 4)  # pages of the window's height
        term.type("")
        after = term.read_until(PAUSED)
        assert "The block after the tall one." in after and not _items(after)
        _quit(term)
    assert term.code == 0


def test_n_and_q_at_a_page_of_a_tall_block(tmp_path: Path) -> None:
    with Terminal([str(TALL), "--plain"], tmp_path, 40, 20) as term:
        term.read_until(PAUSED)
        term.type("n")  # the rest, without stopping, up to the question
        rest = term.read_until(r"Type the number of your answer[^>]*\n> ")
        assert _items(rest)[-1] == 40 and PAUSE not in rest
        assert "The block after the tall one." in rest
        _quit(term)
    assert term.code == 0
    with Terminal([str(TALL), "--plain", "--restart"], tmp_path, 40, 20) as term:
        first = term.read_until(PAUSED)
        _quit(term)  # at the first page: stops there
    assert term.code == 0 and _items(first)[0] == 1
    with Terminal([str(TALL), "--plain"], tmp_path, 40, 20) as term:
        again = term.read_until(PAUSED)
        assert "The first block is taller" in again and _items(again)[0] == 1  # from its top
        _quit(term)
    assert term.code == 0
