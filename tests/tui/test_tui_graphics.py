"""Pictures drawn with terminal graphics (engine.tui.graphics, textual-image): a figure in a
Kitty terminal is sent with Kitty's graphics protocol and drawn as its placeholder cells, a
figure in a Sixel terminal is textual-image's Sixel widget, a plot in a cell's output is drawn
with Kitty's graphics too; each only after the lesson's first frame (its place kept)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from tui_support import SIZE, TUTORIAL, FakeKernelFactory, settle

from engine import terminal_graphics as graphics
from engine.tui.screens.lesson import LessonScreen
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.picture import FigureView, KittyPicture, TerminalPicture

pytest.importorskip("PIL")
pytest.importorskip("textual_image")

PLACEHOLDER = chr(0x10EEEE)
"""The character Kitty draws a picture's cells in (Unicode placeholders)."""


class Terminal(io.StringIO):
    """What the app writes straight to the terminal (``sys.__stdout__``): the picture."""


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    out = Terminal()
    monkeypatch.setattr("sys.__stdout__", out)
    yield out


def use(monkeypatch: pytest.MonkeyPatch, way: str) -> None:
    monkeypatch.setenv("LECTIO_PICTURES", way)
    graphics.protocol.cache_clear()


def screen_text(app: Any) -> str:
    """Every character the screen shows now."""
    update = app.screen._compositor.render_full_update()
    return "".join(segment.text for strip in update.strips for segment in strip)


async def run_the_plot(app: Any, pilot: Any) -> CodeCell:
    """Open the tutorial's page of pieces and run its plotting cell."""
    app.open_lesson("pieces")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LessonScreen)
    cell = next(c for c in screen.query(CodeCell) if c.block.id == "plot")
    cell.focus()
    await pilot.press("r")
    await settle(pilot)
    return cell


async def test_a_figure_in_kitty_is_sent_with_its_graphics_protocol(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, terminal: Terminal
) -> None:
    use(monkeypatch, "kitty")
    app = make_app(TUTORIAL, kernel_factory=FakeKernelFactory(not_installed=frozenset({"cuda"})))
    async with app.run_test(size=SIZE) as pilot:
        app.open_lesson("pieces")
        await settle(pilot)
        figure = app.screen.query_one(FigureView)
        picture = figure.query_one(TerminalPicture)
        await pilot.pause()
        drawn = [getattr(w, "content", None) for w in picture.query("Static")]
        assert any(isinstance(d, KittyPicture) for d in drawn), drawn
        figure.scroll_visible(top=True, animate=False)
        await settle(pilot)
        assert "\x1b_G" in terminal.getvalue()  # the picture, sent to the terminal
        assert PLACEHOLDER in screen_text(app)


async def test_a_plot_in_kitty_is_drawn_with_its_graphics_protocol(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, terminal: Terminal
) -> None:
    use(monkeypatch, "kitty")
    app = make_app(TUTORIAL, kernel_factory=FakeKernelFactory(not_installed=frozenset({"cuda"})))
    async with app.run_test(size=SIZE) as pilot:
        cell = await run_the_plot(app, pilot)
        output = cell.query_one(".code-cell--output")
        group = getattr(output, "content", None)
        assert any(isinstance(r, KittyPicture) for r in getattr(group, "renderables", [])), group


async def test_a_figure_in_a_sixel_terminal_is_a_sixel_widget(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, terminal: Terminal
) -> None:
    from textual_image.widget.sixel import Image as SixelImage

    use(monkeypatch, "sixel")
    app = make_app(TUTORIAL, kernel_factory=FakeKernelFactory(not_installed=frozenset({"cuda"})))
    async with app.run_test(size=SIZE) as pilot:
        app.open_lesson("pieces")
        await settle(pilot)
        await pilot.pause()
        picture = app.screen.query_one(FigureView).query_one(TerminalPicture)
        assert len(picture.query(SixelImage)) == 1


async def test_a_plot_in_a_sixel_terminal_is_a_sixel_widget_in_the_output(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, terminal: Terminal
) -> None:
    """A Sixel picture needs a widget of its own: the output becomes a column of its text and
    pictures in the order the cell made them, each plot drawn with Sixel after the frame; the
    next run starts from an empty output again."""
    from textual.widgets import Static
    from textual_image.widget.sixel import Image as SixelImage

    use(monkeypatch, "sixel")
    app = make_app(TUTORIAL, kernel_factory=FakeKernelFactory(not_installed=frozenset({"cuda"})))
    async with app.run_test(size=SIZE) as pilot:
        cell = await run_the_plot(app, pilot)
        await pilot.pause()
        sequence = cell.query_one(".code-cell--sequence")
        assert sequence.display
        pictures = list(sequence.query(TerminalPicture))
        assert len(pictures) == 1
        assert len(pictures[0].query(SixelImage)) == 1
        assert not cell.query_one(".code-cell--output", Static).display
        cell.clear()
        await settle(pilot)
        assert not sequence.display
        assert not sequence.children
