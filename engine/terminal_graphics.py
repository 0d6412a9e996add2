"""Which way a terminal draws pictures, decided from the environment, headless.

Kitty's graphics protocol, Sixel, or Unicode half blocks (see :mod:`engine.tui.graphics` for
why the terminal is never asked): what terminals say about themselves (``TERM``,
``TERM_PROGRAM``, ``KITTY_WINDOW_ID``, ``KONSOLE_VERSION``, ``WT_SESSION``), the learner's
``LECTIO_PICTURES=kitty|sixel|halfblocks``, half blocks inside tmux or screen (they pass
graphics through only when configured to) and whenever textual-image is not installed. Also the
size of a character cell in pixels (the window size the terminal reports, no answer to wait
for) and a picture's size in cells.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from functools import cache

from engine.picture_grid import MAX_COLUMNS, MAX_ROWS

KITTY = "kitty"
SIXEL = "sixel"
HALF_BLOCKS = "halfblocks"

_SIXEL_PROGRAMS = {"WezTerm", "iTerm.app", "mlterm", "contour"}
"""``TERM_PROGRAM`` of terminals that draw Sixel (textual-image's notes: WezTerm and Konsole
draw its Sixel pictures, not its Kitty ones)."""


def choose(environ: Mapping[str, str], available: bool) -> str:
    """The way to draw pictures in the terminal ``environ`` describes; ``available``: whether
    textual-image (and Pillow) can be imported."""
    wanted = environ.get("LECTIO_PICTURES", "").strip().lower()
    if wanted == HALF_BLOCKS or not available:
        return HALF_BLOCKS
    if wanted in (KITTY, SIXEL):
        return wanted
    term = environ.get("TERM", "")
    if environ.get("TMUX") or term.startswith(("screen", "tmux")):
        return HALF_BLOCKS
    if term == "xterm-kitty" or environ.get("KITTY_WINDOW_ID"):
        return KITTY
    if (
        environ.get("TERM_PROGRAM", "") in _SIXEL_PROGRAMS
        or term.startswith(("foot", "mlterm", "contour"))
        or environ.get("KONSOLE_VERSION")
        or environ.get("WT_SESSION")  # Windows Terminal draws Sixel since 1.22
    ):
        return SIXEL
    return HALF_BLOCKS


@cache
def protocol() -> str:
    """:func:`choose` for this process (looked up once; nothing imported)."""
    available = (
        importlib.util.find_spec("textual_image") is not None
        and importlib.util.find_spec("PIL") is not None
    )
    return choose(os.environ, available)


def cell_size(environ: Mapping[str, str] = os.environ) -> tuple[int, int]:
    """Width and height of a character cell in pixels, without asking the terminal."""
    import fcntl
    import struct
    import termios

    stream = sys.__stdout__
    if stream is not None:
        try:
            packed = fcntl.ioctl(stream.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
            rows, columns, width, height = struct.unpack("HHHH", packed)
            if rows and columns and width and height:
                return width // columns, height // rows
        except (OSError, ValueError):
            pass
    width_text = environ.get("TEXTUAL_CELL_WIDTH", "")
    height_text = environ.get("TEXTUAL_CELL_HEIGHT", "")
    if width_text.isdigit() and height_text.isdigit() and int(width_text) and int(height_text):
        return int(width_text), int(height_text)
    return 10, 20


def cells(width: int, height: int, max_columns: int, cell: tuple[int, int]) -> tuple[int, int]:
    """Columns and rows a ``width`` x ``height`` picture takes at its own size, at most
    ``max_columns`` (and :data:`MAX_COLUMNS`) wide and :data:`MAX_ROWS` tall, in proportion."""
    cell_width, cell_height = cell
    columns = max(1, min(round(width / cell_width), max_columns, MAX_COLUMNS))
    rows = max(1, round(columns * cell_width * height / width / cell_height))
    if rows > MAX_ROWS:
        rows = MAX_ROWS
        columns = max(1, round(rows * cell_height * width / height / cell_width))
    return columns, rows
