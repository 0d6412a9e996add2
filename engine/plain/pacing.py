"""On a terminal, the plain mode shows one block at a time, fitted to the window's width.

Printed at once, a chapter's first 150 lines scroll past before the learner has read the first
paragraph, and a long explanation is folded by the terminal in the middle of a word. So when
standard input and standard output are both terminals, the plain mode waits for Enter after each
block that is not itself waiting for an answer (:func:`wait`), and wraps its text at spaces to the
terminal's width (:func:`wrap`), read again before every line it writes, so a resized window is
followed. Code, cell output, values and tracebacks are printed as they are (a re-wrapped line of
code is another line of code): the callers say which text is which, and Markdown prose is wrapped
by its renderer (:func:`engine.markup.markdown.to_text` with ``width``), which knows where its
code blocks are. A block taller than the window is cut into pages of its height with the same
wait between them (:class:`Pager` counts the rows; :meth:`engine.plain.console.Console.say`
cuts), and a model's streamed answer is wrapped as it comes (:class:`Flow`).

On a pipe (a script, a saved transcript) nothing changes, byte for byte: no pause, no wrap.
``--pager`` / ``--no-pager`` (or ``LECTIO_PAGER=1`` / ``0``) decide instead of that test.

Plain lines only, for screen readers: no cursor movement and no escape sequence; a pause is a
line of text followed by ``> `` like every other prompt.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TextIO

from engine.i18n import t
from engine.plain.answers import QUIT_WORDS
from engine.plain.ask import split_ask
from engine.safe_text import inert

if TYPE_CHECKING:
    from engine.plain.console import Console

PAGER_ENV = "LECTIO_PAGER"
NEXT_WORDS = frozenset({"n", "next", "próxima", "proxima"})
MIN_WIDTH = 20
"""Narrower than this, wrapping would cut every word apart: lines are fitted to this much."""

_MARK = re.compile(r"\s*(?:(?:[-*•]|\d{1,9}[.)])\s+)?")
"""A line's indentation and its list mark (``- ``, ``  3. ``): its continuation lines start
under the text after them, so a wrapped choice or list item still reads as one item."""


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (East Asian) characters two, combining marks
    none (a formula's x̂ is one column), every other character one."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def wrap_line(line: str, width: int, hang: str | None = None) -> list[str]:
    """``line`` cut at spaces into lines of at most ``width`` columns; the continuation lines
    start with ``hang`` (default: as deep as the line's indentation and list mark). A word wider
    than the room left (a long path, a web address, an inline code span) is kept whole on a
    line of its own: cut, it could not be copied."""
    if cell_width(line) <= width:
        return [line]
    mark = _MARK.match(line)
    head = mark.group(0) if mark else ""
    if hang is None:
        hang = " " * cell_width(head)
    if cell_width(hang) > width // 2:  # deep nesting: keep room for the words
        hang = hang[: width // 2]
    lines: list[str] = []
    current, used, bare = head, cell_width(head), True  # bare: no word on this line yet
    for word in _words(line[len(head) :]):
        size = cell_width(word)
        if bare:
            current, used, bare = current + word, used + size, False
        elif used + 1 + size <= width:
            current, used = f"{current} {word}", used + 1 + size
        else:
            lines.append(current)
            current, used = hang + word, cell_width(hang) + size
    lines.append(current)
    return lines


def _words(text: str) -> list[str]:
    """The words of ``text``, an inline code span (```torch.Size([3, 2])```) counting as one:
    code is not cut, even inside a sentence. An unclosed backtick ends its span at the line's
    end."""
    words: list[str] = []
    span: list[str] = []
    for word in text.split():
        if span:
            span.append(word)
            if word.count("`") % 2:
                words.append(" ".join(span))
                span = []
        elif word.count("`") % 2:
            span = [word]
        else:
            words.append(word)
    if span:
        words.extend(span)
    return words


def wrap(text: str, width: int | None, hang: str | None = None) -> str:
    """Every line of ``text`` wrapped to ``width`` (see :func:`wrap_line`, and ``hang``);
    None: as it is."""
    if width is None:
        return text
    return "\n".join(part for line in text.split("\n") for part in wrap_line(line, width, hang))


_PIECES = re.compile(r"\n|[ \t]+|[^ \t\n]+")


class Flow:
    """Text streamed in chunks (a model's answer), wrapped at spaces to ``width()`` as it comes:
    a chunk may end in the middle of a word, so a word is written once it is whole (a space, a
    newline or :meth:`end` after it), on the line if it fits, else on the next; a word wider
    than the line has one of its own. A line's indentation is kept, and its continuation lines
    start under its text (after a list mark), as :func:`wrap_line` does. Plain lines only:
    nothing written is ever taken back."""

    def __init__(self, write: Callable[[str], None], width: Callable[[], int | None]) -> None:
        self.write, self.width = write, width
        self.column = 0  # columns written on the current line
        self.word = ""  # the word being received, not written yet
        self.space = ""  # spaces received before it
        self.hang = ""  # the current line's continuation indent

    def __call__(self, chunk: str) -> None:
        for piece in _PIECES.findall(inert(chunk)):
            if piece == "\n":
                self._place()
                self.write("\n")
                self.column, self.space, self.hang = 0, "", ""
            elif piece[0] in " \t":
                self._place()
                self.space += piece.replace("\t", "    " if not self.column else " ")
            else:
                self.word += piece

    def end(self) -> bool:
        """Write the last word; whether the line it ends on has text (the caller ends it)."""
        self._place()
        return self.column > 0

    def _place(self) -> None:
        word, space = self.word, self.space
        if not word:
            return
        self.word = self.space = ""
        size, width = cell_width(word), self.width() or 0
        if not self.column:  # the line's first word: its indentation kept
            self.write(space + word)
            self.column = cell_width(space) + size
            mark = _MARK.fullmatch(space + word + " ")
            self.hang = " " * (self.column + 1 if mark and mark.group(0).strip() else len(space))
            if cell_width(self.hang) > width // 2:
                self.hang = self.hang[: width // 2]
        elif not width or self.column + cell_width(space) + size <= width:
            self.write(space + word)
            self.column += cell_width(space) + size
        else:
            self.write("\n" + self.hang + word)
            self.column = cell_width(self.hang) + size


def wanted(stdin: TextIO, stdout: TextIO, choice: bool | None = None) -> bool:
    """Pace and wrap? ``choice`` (``--pager``/``--no-pager``) if given, else ``LECTIO_PAGER``
    (``1``/``0``), else when standard input and output are both terminals."""
    if choice is not None:
        return choice
    env = os.environ.get(PAGER_ENV, "").strip().lower()
    if env in {"1", "yes", "true", "on"}:
        return True
    if env in {"0", "no", "false", "off"}:
        return False
    return _isatty(stdin) and _isatty(stdout)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width() -> int:
    """The width to fill: the terminal's (``shutil.get_terminal_size``, so ``COLUMNS`` wins),
    less one column, so that a full line never makes a terminal that wraps at once add a blank
    line."""
    return max(shutil.get_terminal_size().columns - 1, MIN_WIDTH)


def terminal_rows() -> int:
    """The terminal's height in rows (``LINES`` wins, as ``COLUMNS`` does for the width)."""
    return shutil.get_terminal_size().lines


RESERVE = 4
"""Rows a screen keeps free under a page of a tall block: for the pause's prompt (two or three
rows on a narrow window) and its ``> ``, so the page and its prompt are seen together."""


class Pager:
    """Whether the plain mode paces and wraps, whether anything is on screen unread, and how many
    rows were written since the learner last typed (a block taller than the window is cut into
    pages: :meth:`engine.plain.console.Console.say` calls ``more`` when one is full)."""

    def __init__(
        self,
        on: bool,
        columns: Callable[[], int] = terminal_width,
        rows: Callable[[], int] = terminal_rows,
    ) -> None:
        self.on = on
        self.columns = columns
        self.rows = rows
        self.unread = False  # text printed since the learner last typed a line
        self.used = 0  # rows printed since then
        self.more: Callable[[], None] | None = None  # waits between two pages; None: no pages

    @property
    def width(self) -> int | None:
        """The width to wrap to, read afresh (the window may have been resized); None: off."""
        return max(self.columns(), MIN_WIDTH) if self.on else None

    def fit(self, text: str, hang: str | None = None) -> str:
        return wrap(text, self.width, hang)

    @property
    def page(self) -> int:
        """Rows of a block shown before a pause: the window's height less :data:`RESERVE`."""
        return max(self.rows() - RESERVE, 1)

    def rows_of(self, line: str) -> int:
        """Rows ``line`` takes on the terminal, which folds a line wider than the window (code
        and output are not wrapped): the width is one less than the window's."""
        columns = max(self.columns(), MIN_WIDTH) + 1
        return max(1, -(-cell_width(line) // columns))


@dataclass(frozen=True, slots=True)
class Pause:
    """What the learner typed at a pause: go on, hurry to the next question, stop, the end of
    input, or ``ask TEXT`` (``text``)."""

    kind: Literal["go", "next", "quit", "eof", "ask"]
    text: str = ""


def prompt(lang: str | None, *, question_ahead: bool) -> str:
    if question_ahead:
        return t("Press Enter to go on, n for the next question, q to stop.", lang)
    return t("Press Enter to go on, q to stop.", lang)


def wait(
    console: Console, lang: str | None, *, question_ahead: bool = False, ask: bool = False
) -> Pause:
    """After a block, when paging and something is unread: wait for a line. Enter goes on,
    ``n`` goes on without pausing until the next question, ``q`` stops, ``ask ...`` (when
    ``ask``) is for the caller to answer; anything else repeats the prompt."""
    if not console.pager.on or not console.pager.unread:
        return Pause("go")
    while True:
        typed = console.ask(prompt(lang, question_ahead=question_ahead))
        if typed is None:
            return Pause("eof")
        word = typed.lower()
        if not word:
            return Pause("go")
        if word in QUIT_WORDS:
            return Pause("quit")
        if word in NEXT_WORDS:
            return Pause("next")
        asked = split_ask(typed, lang) if ask else None
        if asked is not None:
            return Pause("ask", asked)
