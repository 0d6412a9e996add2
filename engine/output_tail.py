"""The part of a cell's output a code cell shows: its last lines, each cut to a bounded length.

A cell may print a megabyte in one line or a hundred thousand short lines (the kernel keeps up
to ``LECTIO_OUTPUT_LIMIT``, 1 MiB, per cell: engine/execution/limits.py). Laid out whole in the
lesson, every refresh of the cell wrapped, measured and rendered all of it on the event loop:
seconds per refresh, so a key waited seconds (issue 15). A cell shows a bounded tail instead, so
an update costs the same whatever was printed; the whole text stays here for the full-output
view (:mod:`engine.tui.screens.output`).

:class:`OutputTail` follows output as it streams in without ever looking again at what it has
already seen (``str.count`` and ``str.rsplit`` of each new chunk, in C), and keeps the chunks for
:meth:`OutputTail.text`. Headless: plain strings; the widget makes them Rich text.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

TAIL_LINES = 40
"""Lines a cell shows at most: the last ones."""
LINE_CHARS = 1000
"""Characters of one line a cell shows at most (its start; about ten rows at 100 columns)."""
TAIL_CHARS = 8000
"""Characters a cell shows at most in all: fewer lines when they are long."""


@dataclass(frozen=True)
class Line:
    """One line as shown: its first characters, and how many more it has."""

    text: str
    cut: int = 0


@dataclass(frozen=True)
class Tail:
    """What a cell shows of an output: the last lines, after ``hidden`` lines not shown."""

    hidden: int
    lines: tuple[Line, ...]


def _line(text: str, limit: int) -> Line:
    if text.endswith("\r"):  # "\r\n" split across two chunks: a line ending, not a character
        text = text[:-1]
    return Line(text[:limit], max(0, len(text) - limit))


class OutputTail:
    """A cell's output as it arrives: the whole text, and the bounded tail to show of it."""

    def __init__(
        self, lines: int = TAIL_LINES, line_chars: int = LINE_CHARS, chars: int = TAIL_CHARS
    ) -> None:
        self.max_lines = lines
        self.line_chars = line_chars
        self.chars = chars
        self._done: deque[Line] = deque(maxlen=lines)
        self._head = ""
        """The start of the line being printed (at most ``line_chars`` characters)."""
        self._length = 0
        """The length of the line being printed."""
        self._complete = 0
        self._parts: list[str] = []
        self.size = 0
        """Characters fed in all."""

    @classmethod
    def of(cls, text: str) -> OutputTail:
        tail = cls()
        tail.feed(text)
        return tail

    @property
    def line_count(self) -> int:
        """Lines in the whole output (a last line without a newline counts)."""
        return self._complete + (1 if self._length else 0)

    def _extend(self, text: str) -> None:
        room = self.line_chars - len(self._head)
        if room > 0:
            self._head += text[:room]
        self._length += len(text)

    def _end_line(self) -> None:
        text, cut = self._head, self._length - len(self._head)
        if not cut and text.endswith("\r"):
            text = text[:-1]
        self._done.append(Line(text, cut))
        self._head, self._length = "", 0

    def feed(self, text: str) -> None:
        if not text:
            return
        self._parts.append(text)
        self.size += len(text)
        newlines = text.count("\n")
        if not newlines:
            self._extend(text)
            return
        # at most the lines that can be shown, split off the end; what is before them is older
        # than every line kept (and the line being printed ends in it, unseen)
        pieces = text.rsplit("\n", self.max_lines + 1)
        if len(pieces) == newlines + 1:
            self._extend(pieces[0])
            self._end_line()
        else:
            self._head, self._length = "", 0
        for piece in pieces[1:-1]:
            self._done.append(_line(piece, self.line_chars))
        self._complete += newlines
        self._head, self._length = "", 0
        self._extend(pieces[-1])

    def tail(self) -> Tail:
        """The last lines (at most ``lines``, ``chars`` characters in all, one at least)."""
        lines = list(self._done)
        if self._length:
            lines.append(Line(self._head, self._length - len(self._head)))
        lines = lines[-self.max_lines :]
        kept: list[Line] = []
        used = 0
        for line in reversed(lines):
            if kept and used + len(line.text) > self.chars:
                break
            kept.append(line)
            used += len(line.text)
        kept.reverse()
        return Tail(self.line_count - len(kept), tuple(kept))

    def text(self) -> str:
        """Everything fed, in one string (joined once, then kept joined)."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""
