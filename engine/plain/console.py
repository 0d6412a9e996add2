"""Line-oriented input and output for the plain mode: scriptable, screen-reader friendly.

Input is read one line at a time from a text stream (standard input), so a session can be driven
by a script or a here-document; the end of input is a normal way to stop (``ask`` returns None).
When input is not a terminal, the answer read is echoed after the prompt, so a transcript reads
like the conversation it was. Output has no box drawing and no cursor movement; colour only on a
terminal and only when ``NO_COLOR`` is not set (https://no-color.org), and never as the only
carrier of meaning (every coloured word is also a word). On a terminal, text is wrapped to its
width and blocks are paced (:mod:`engine.plain.pacing`); elsewhere it is written as it is.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TextIO

from engine.plain.pacing import Pager, wanted
from engine.safe_text import inert

_COLOURS = {"green": "32", "red": "31", "bold": "1", "dim": "2", "yellow": "33"}


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Console:
    def __init__(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        *,
        colour: bool | None = None,
        pager: bool | None = None,
    ) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.echo = not _isatty(self.stdin)
        if colour is None:
            colour = _isatty(self.stdout) and not os.environ.get("NO_COLOR")
        self.colour = colour
        self.eof = False
        self.pager = Pager(wanted(self.stdin, self.stdout, pager))

    @property
    def width(self) -> int | None:
        """The width to wrap prose to (the terminal's, now), or None when not paging."""
        return self.pager.width

    def style(self, text: str, name: str) -> str:
        if not self.colour or not text:
            return text
        return f"\x1b[{_COLOURS[name]}m{text}\x1b[0m"

    def say(
        self,
        text: str = "",
        style: str | None = None,
        *,
        wrap: bool = True,
        hang: str | None = None,
    ) -> None:
        """Print ``text`` (control characters made visible: see :mod:`engine.safe_text`) and
        flush, so a piped reader sees it at once. When paging, its lines are wrapped to the
        terminal's width unless ``wrap`` is false: code, output, and prose the caller has
        already fitted (Markdown, whose code blocks only its renderer can tell); ``hang``
        starts the continuation lines (default: under the line's indentation or list mark)."""
        text = inert(text)
        if wrap:
            text = self.pager.fit(text, hang)
        pager = self.pager
        if not pager.on:
            self._put(text, style)
            return
        # On a terminal, a text that would overflow the window is cut into pages: the rows
        # that fit, then the pause (``more``), then the rest. Only on the main thread: a cell's
        # output arrives on a worker, which must not wait for the keyboard.
        more = pager.more if threading.current_thread() is threading.main_thread() else None
        lines = text.split("\n")
        start = 0
        for n, line in enumerate(lines):
            rows = pager.rows_of(line)
            if more is not None and pager.used and pager.used + rows > pager.page:
                if n > start:
                    self._put("\n".join(lines[start:n]), style)
                start = n
                pager.used = 0  # the prompt goes under the full page
                more()
                pager.used = 0
            pager.used += rows
        self._put("\n".join(lines[start:]), style)

    def _put(self, text: str, style: str | None) -> None:
        self.stdout.write((self.style(text, style) if style else text) + "\n")
        self.stdout.flush()
        self.pager.unread = self.pager.unread or bool(text.strip())

    def write(self, text: str) -> None:
        """Print without a newline (streamed cell output, as it is), control characters made
        visible. Never cut into pages (its lines count towards the next say's page)."""
        self.stdout.write(inert(text))
        self.stdout.flush()
        self.pager.unread = self.pager.unread or bool(text.strip())
        self.pager.used += text.count("\n")

    def ask(self, prompt: str | None = None) -> str | None:
        """Show ``prompt`` (if any) then ``> ``; the line typed, stripped; None at end of input."""
        if prompt:
            self.say(prompt)
        self.stdout.write("> ")
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except (OSError, ValueError):
            line = ""
        if not line:
            self.eof = True
            self.stdout.write("\n")
            self.stdout.flush()
            return None
        self.pager.unread = False
        self.pager.used = 0
        answer = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(inert(answer) + "\n")
            self.stdout.flush()
        return answer.strip()
