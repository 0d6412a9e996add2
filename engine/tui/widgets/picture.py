"""Pictures in the TUI: figure blocks, and plots in a cell's output, drawn with half blocks.

Each character cell shows two pixels (``▀``, foreground above, background below), so a picture
shows in any terminal with colour, including over SSH and in tmux. The grid comes from
:mod:`engine.picture_grid` (Pillow, imported when the first picture is drawn, after the first
frame); without Pillow the alt text is shown instead, with how to get pictures.

Terminal graphics protocols (Kitty, Sixel) are not used: the one kept library that wraps them
for Textual (textual-image) probes the terminal when it is imported, before the app starts,
which every lesson's first frame would pay for; half blocks need no probe.
"""

from __future__ import annotations

from pathlib import Path

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from engine.format.files import course_root
from engine.format.models import FigureBlock
from engine.i18n import t
from engine.picture_grid import MAX_COLUMNS, MAX_ROWS, fit, half_blocks
from engine.pictures import PictureError, inspect
from engine.tui.widgets.prose import MarkdownText
from engine.validation.content import picture_problem


class HalfBlockPicture:
    """A Rich renderable drawing PNG or JPEG bytes as half blocks, as wide as it may be."""

    def __init__(
        self, data: bytes, size: tuple[int, int], *, alt: str, lang: str, max_rows: int = MAX_ROWS
    ) -> None:
        self.data = data
        self.size = size
        self.alt = alt
        self.lang = lang
        self.max_rows = max_rows

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        columns, _ = fit(*self.size, min(options.max_width, MAX_COLUMNS), self.max_rows)
        return Measurement(1, columns)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = half_blocks(self.data, options.max_width, self.max_rows)
        if grid is None:
            yield Text(
                t("Picture: {alt} (install pillow to see pictures here)", self.lang, alt=self.alt),
                style="italic",
            )
            return
        for row in grid:
            for top, bottom in row:
                yield Segment(
                    "▀", Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
                )
            yield Segment.line()


class FigureView(Vertical):
    """A ``figure`` block: the picture, then its caption; the alt text is its tooltip (and is
    shown instead of the picture when it cannot be drawn)."""

    DEFAULT_CSS = """
    FigureView {
        height: auto;
        margin: 1 0;
        padding: 0 1;
        &.-current { tint: $accent 6%; }
        & > .figure--picture { width: auto; height: auto; }
        & > .figure--caption { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, block: FigureBlock, *, lang: str, block_index: int) -> None:
        super().__init__(classes="block")
        self.block = block
        self.block_index = block_index
        self.lang = lang
        self.can_focus = True
        self.tooltip = block.alt

    def compose(self) -> ComposeResult:
        yield self._picture()
        if self.block.caption:
            yield MarkdownText(self.block.caption, classes="figure--caption")

    def _picture(self) -> Static:
        return picture_static(self.block.figure, self.block.alt, self.block.span.file, self.lang)


def picture_static(src: str, alt: str, lesson_file: str, lang: str) -> Static:
    """The drawing of a picture of a lesson, or its alt text when the file is missing, outside
    the course folder or not a sound picture (``lectio validate`` says which)."""
    base = Path(lesson_file).parent
    if picture_problem(src, base, course_root(Path(lesson_file))) is None:
        try:
            data = (base / src).read_bytes()
            info = inspect(data)
        except (OSError, PictureError):
            pass
        else:
            drawing = HalfBlockPicture(data, (info.width, info.height), alt=alt, lang=lang)
            return Static(drawing, classes="figure--picture")
    text = Text(t("Picture: {alt}", lang, alt=alt), style="italic")
    return Static(text, classes="figure--picture")


class ProseWithPictures(Vertical):
    """A text block whose Markdown has course pictures: the prose around them, and each picture
    drawn in its place (one in a sentence after the block that holds it, its alt text staying
    in the sentence: :func:`engine.markup.markdown.split_pictures`)."""

    DEFAULT_CSS = """
    ProseWithPictures {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        & > .figure--picture { width: auto; height: auto; margin: 1 0; }
    }
    """

    def __init__(self, text: str, *, lesson_file: str, lang: str, block_index: int) -> None:
        super().__init__(classes="block")
        self.text = text
        self.lesson_file = lesson_file
        self.lang = lang
        self.block_index = block_index

    def compose(self) -> ComposeResult:
        from engine.markup.markdown import split_pictures

        for kind, value, src in split_pictures(self.text):
            if kind == "text":
                yield MarkdownText(value)
            else:
                picture = picture_static(src, value, self.lesson_file, self.lang)
                picture.tooltip = value
                yield picture
