"""The help screen: what the keys do, on every screen, in the interface language."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from engine.i18n import N_, Msg, t, tr
from engine.tui.widgets.footer import LectioFooter

KEYS: list[tuple[Msg, list[tuple[str, Msg]]]] = [
    (
        N_("Everywhere"),
        [
            ("tab / shift+tab", N_("Move between blocks, buttons and choices")),
            ("enter / space", N_("Press a button, pick a choice")),
            ("ctrl+t", N_("Light/dark")),
            ("ctrl+p", N_("Command palette: every command by name")),
            ("f1 / ?", N_("Help")),
            ("ctrl+q", N_("Quit")),
        ],
    ),
    (
        N_("Course map"),
        [
            ("enter", N_("Open the highlighted chapter")),
            ("c", N_("Continue")),
        ],
    ),
    (
        N_("Lesson"),
        [
            ("j / k", N_("Next / previous block")),
            ("m", N_("Chapters")),
            ("n / p", N_("Next / previous chapter")),
            ("i", N_("Interrupt")),
            ("ctrl+r", N_("Restart kernel")),
            ("escape", N_("Back")),
        ],
    ),
    (
        N_("Code cells and graphs"),
        [
            ("r", N_("Run")),
            ("a", N_("Run all above")),
            ("e / escape", N_("Edit the code in place / leave the editor")),
            ("ctrl+r", N_("Run the code being edited")),
            ("ctrl+g", N_("Interrupt, while editing")),
            ("o", N_("Reset")),
            ("y", N_("Copy")),
            ("f", N_("Whole output (when a cell shows only its end)")),
            ("g", N_("Draw graph")),
        ],
    ),
    (
        N_("Questions and quizzes"),
        [
            ("c", N_("Check")),
            ("h", N_("Hint")),
            ("t", N_("Try again")),
            ("n", N_("Next question")),
        ],
    ),
]
"""Keys by where they work, in the order a learner meets them; texts are marked messages."""


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; Escape, q or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close"),
    ]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True, min_width=16)
        table.add_column()
        for section, keys in KEYS:
            if table.row_count:
                table.add_row("", "")
            table.add_row(Text(tr(section, self.lang), style="bold underline"), "")
            for key, what in keys:
                table.add_row(key, Text(tr(what, self.lang)))
        with Vertical():
            yield Label(t("Help", self.lang), classes="help--title")
            yield Label(
                t(
                    "Move with Tab / Shift+Tab or the arrow keys, press Enter to activate. Every "
                    "action has a key, shown in the footer. Ctrl+P opens the command palette.",
                    self.lang,
                ),
                classes="help--intro",
            )
            # Docked: always drawn, however far the list has to scroll on a short terminal.
            yield Label(t("Escape, q or F1 closes this help", self.lang), classes="help--close")
            with VerticalScroll():
                yield Static(table)
        yield LectioFooter()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # arrows and page keys scroll the list

    def action_close(self) -> None:
        self.dismiss()
