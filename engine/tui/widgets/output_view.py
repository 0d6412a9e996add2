"""Every line of a cell's output, wrapped to the width, rendered only where it is on screen.

A cell's output can be a megabyte in one line or a hundred thousand lines (the kernel's cap per
cell). A ``Static`` or a ``TextArea`` lays all of it out first (wrapping every line, in Python);
Textual's ``Log`` renders a whole line to show part of it (a megabyte per row of a long line).
This view only counts rows: a line of ``n`` characters takes ``ceil(n / width)`` rows (an ASCII
line: ``len`` is its width), so the index of 100,000 lines is built in milliseconds, and each row
on screen is cut out of its line when it is drawn. A line with wide or combining characters is
chopped by cell width once, when the index is built.

The text is made inert first (:func:`engine.safe_text.inert`): what a cell printed is shown,
never interpreted.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from engine.safe_text import inert


class OutputView(ScrollView, can_focus=True):
    """A read-only, lazily rendered, soft-wrapped view of ``text``."""

    DEFAULT_CSS = """
    OutputView {
        height: 1fr;
        background: $background;
        overflow-x: hidden;
    }
    """

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines = inert(text).expandtabs().split("\n")
        """The output's lines (inert)."""
        self._width = 0
        self._starts: list[int] = []
        """The first row of each line."""
        self._chopped: dict[int, list[str]] = {}
        """The rows of the lines that are not plain ASCII, chopped by cell width."""
        self.rows = 0

    def _reflow(self, width: int) -> None:
        width = max(1, width)
        if width == self._width:
            return
        self._width = width
        starts: list[int] = []
        chopped: dict[int, list[str]] = {}
        row = 0
        for n, line in enumerate(self.lines):
            starts.append(row)
            if line.isascii():
                row += max(1, -(-len(line) // width))
            else:
                chopped[n] = chop_cells(line, width) or [""]
                row += len(chopped[n])
        self._starts, self._chopped, self.rows = starts, chopped, row
        self.virtual_size = Size(width, row)

    def on_resize(self) -> None:
        self._reflow(self.scrollable_content_region.width)
        self.refresh()

    def on_mount(self) -> None:
        self._reflow(self.scrollable_content_region.width)

    def row(self, y: int) -> str:
        """The text of row ``y`` (0 is the first line's first row)."""
        n = bisect_right(self._starts, y) - 1
        part = y - self._starts[n]
        chopped = self._chopped.get(n)
        if chopped is not None:
            return chopped[part]
        return self.lines[n][part * self._width : (part + 1) * self._width]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._reflow(width)
        style = self.rich_style
        index = self.scroll_offset.y + y
        if index >= self.rows:
            return Strip.blank(width, style)
        text = self.row(index)
        return Strip([Segment(text, style)], cell_len(text)).crop_extend(0, width, style)
