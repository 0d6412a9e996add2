"""The whole output of a code cell, on demand (``f`` on a cell that shows only its end).

A code cell shows a bounded tail of what it printed (:mod:`engine.output_tail`); this modal
screen shows all of it, every line wrapped, in a view that renders only the rows on screen
(:class:`~engine.tui.widgets.output_view.OutputView`), so opening a megabyte is as quick as
opening a line. Arrows, Page Up/Down, Home and End scroll; Escape, q or f closes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from engine.i18n import nt, t
from engine.tui.widgets.output_view import OutputView


class OutputScreen(ModalScreen[None]):
    """Every line ``text`` has, under ``title`` (the cell's name)."""

    DEFAULT_CSS = """
    OutputScreen { align: center middle; }
    OutputScreen > Vertical {
        width: 100%;
        height: 100%;
        border: round $accent;
        border-title-color: $accent;
        background: $background;
    }
    OutputScreen .output--close { color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,f", "close", "Close")]

    def __init__(self, text: str, *, title: str, lang: str) -> None:
        super().__init__()
        self.text = text
        self.title_text = title
        self.lang = lang

    def compose(self) -> ComposeResult:
        view = OutputView(self.text, id="whole-output")
        lines = len(view.lines)
        frame = Vertical()
        frame.border_title = (
            f"{self.title_text} · "
            f"{nt('{n} line of output', '{n} lines of output', lines, self.lang, n=lines)}"
        )
        with frame:
            yield view
            yield Label(t("Escape, q or f closes this view", self.lang), classes="output--close")

    def on_mount(self) -> None:
        self.query_one(OutputView).focus()

    def action_close(self) -> None:
        self.dismiss()
