"""Pictures in the TUI: figure blocks, pictures in prose and plots in a cell's output.

Drawn with Kitty's graphics protocol or Sixel where the terminal offers them and textual-image
is installed (``pip install 'lectio[pictures]'``; :mod:`engine.terminal_graphics` decides from
the environment, never by asking the terminal; :mod:`engine.tui.graphics` imports it when the
first picture is drawn), else with half blocks: each character cell shows two pixels (``▀``,
foreground above, background below), so a picture shows in any terminal with colour, over SSH
and in tmux. The half-block grid
comes from :mod:`engine.picture_grid` (Pillow, imported when the first picture is drawn); without
Pillow the alt text is shown instead, with how to get pictures. A plot in a cell's output is
part of the output's text (Kitty or half blocks); with Sixel the output becomes a column of texts
and picture widgets, since a Sixel picture needs a widget of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
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


class KittyPicture:
    """A Rich renderable drawing PNG or JPEG bytes with Kitty's graphics protocol (the
    picture is sent to the terminal once per width), half blocks if that fails."""

    def __init__(self, data: bytes, size: tuple[int, int], *, alt: str, lang: str) -> None:
        self.data = data
        self.size = size
        self.fallback = HalfBlockPicture(data, size, alt=alt, lang=lang)
        self._drawn: dict[int, Any] = {}

    def _drawing(self, width: int) -> Any:
        if width not in self._drawn:
            from engine.tui.graphics import kitty_renderable

            try:
                self._drawn[width] = kitty_renderable(self.data, self.size, width)
            except Exception:  # no Pillow, a picture Pillow cannot read: half blocks
                self._drawn[width] = self.fallback
        return self._drawn[width]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self._drawing(options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._drawing(options.max_width)


def picture_renderable(data: bytes, size: tuple[int, int], *, alt: str, lang: str) -> Any:
    """A picture as part of a text (a cell's output): Kitty's graphics where the terminal has
    them, else half blocks."""
    from engine.terminal_graphics import KITTY, protocol

    if protocol() == KITTY:
        return KittyPicture(data, size, alt=alt, lang=lang)
    return HalfBlockPicture(data, size, alt=alt, lang=lang)


def picture_widget(data: bytes, size: tuple[int, int], *, alt: str, lang: str) -> Widget:
    """A picture on its own (a figure, a picture in prose): half blocks at once; terminal
    graphics after the first frame (:class:`TerminalPicture`)."""
    from engine.terminal_graphics import HALF_BLOCKS, protocol

    if protocol() != HALF_BLOCKS:
        return TerminalPicture(data, size, alt=alt, lang=lang)
    drawing = HalfBlockPicture(data, size, alt=alt, lang=lang)
    return Static(drawing, classes="figure--picture")


class TerminalPicture(Vertical):
    """A picture drawn with Kitty's graphics or Sixel: its place is kept (as many rows as it
    will take) in the first frame and the picture drawn after it, so importing textual-image
    and sending the picture never delays the first frame; half blocks if it cannot be drawn."""

    DEFAULT_CSS = """
    TerminalPicture { width: auto; height: auto; }
    """

    def __init__(self, data: bytes, size: tuple[int, int], *, alt: str, lang: str) -> None:
        super().__init__(classes="figure--picture")
        self.half_blocks = HalfBlockPicture(data, size, alt=alt, lang=lang)
        """What is drawn when terminal graphics fail; it holds the picture and its alt text."""

    def compose(self) -> ComposeResult:
        from engine.terminal_graphics import cell_size, cells

        columns, rows = cells(*self.half_blocks.size, MAX_COLUMNS, cell_size())
        place = Static(Text(self.half_blocks.alt, style="italic"), classes="picture--place")
        place.styles.width = columns
        place.styles.height = rows
        yield place

    def on_mount(self) -> None:
        self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        from engine.terminal_graphics import SIXEL, protocol
        from engine.tui.graphics import sixel_widget

        picture = self.half_blocks
        drawn: Widget
        try:
            if protocol() == SIXEL:
                drawn = sixel_widget(picture.data, picture.size, MAX_COLUMNS)
            else:
                from engine.terminal_graphics import cell_size, cells

                kitty = KittyPicture(picture.data, picture.size, alt=picture.alt, lang=picture.lang)
                drawn = Static(kitty)
                drawn.styles.width, drawn.styles.height = cells(
                    *picture.size, MAX_COLUMNS, cell_size()
                )
        except Exception:  # no Pillow, a picture Pillow cannot read: half blocks
            drawn = Static(picture)
        self.query(".picture--place").remove()
        self.mount(drawn)


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

    def _picture(self) -> Widget:
        return picture_static(self.block.figure, self.block.alt, self.block.span.file, self.lang)


def picture_static(src: str, alt: str, lesson_file: str, lang: str) -> Widget:
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
            return picture_widget(data, (info.width, info.height), alt=alt, lang=lang)
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
        yield from markdown_with_pictures(self.text, self.lesson_file, self.lang)


def markdown_with_pictures(text: str, lesson_file: str, lang: str) -> Iterator[Widget]:
    """Author's Markdown as widgets: the prose, and each course picture drawn in its place (a
    text block, a note)."""
    from engine.markup.markdown import split_pictures

    for kind, value, src in split_pictures(text):
        if kind == "text":
            yield MarkdownText(value)
        else:
            picture = picture_static(src, value, lesson_file, lang)
            picture.tooltip = value
            yield picture
