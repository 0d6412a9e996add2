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

from engine.i18n import t
from engine.tui.keys import localize_bindings

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "help.section.everywhere",
        [
            ("tab / shift+tab", "help.key.focus"),
            ("enter / space", "help.key.activate"),
            ("ctrl+t", "app.theme"),
            ("ctrl+p", "help.key.palette"),
            ("f1 / ?", "app.help"),
            ("ctrl+q", "app.quit"),
        ],
    ),
    (
        "help.section.lesson",
        [
            ("j / k", "help.key.blocks"),
            ("m", "lesson.menu"),
            ("n / p", "help.key.chapters"),
            ("i", "kernel.interrupt"),
            ("ctrl+r", "kernel.restart"),
            ("escape", "app.back"),
        ],
    ),
    (
        "help.section.cell",
        [
            ("r", "cell.run"),
            ("a", "cell.run_above"),
            ("e / escape", "help.key.edit"),
            ("o", "cell.reset"),
            ("y", "cell.copy"),
            ("g", "graph.draw"),
        ],
    ),
    (
        "help.section.question",
        [
            ("c", "question.check"),
            ("h", "question.hint"),
            ("t", "question.retry"),
            ("n", "quiz.next"),
        ],
    ),
]
"""Keys by where they work, in the order a learner meets them; texts are i18n keys."""


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; Escape, q or F1 closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 72;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    HelpScreen .help--title { text-style: bold; color: $text-accent; }
    HelpScreen .help--intro { margin: 1 0; width: 100%; }
    HelpScreen VerticalScroll { height: auto; max-height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close"),
    ]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True, min_width=16)
        table.add_column()
        for section, keys in KEYS:
            if table.row_count:
                table.add_row("", "")
            table.add_row(Text(t(section, self.lang), style="bold underline"), "")
            for key, what in keys:
                table.add_row(key, Text(t(what, self.lang)))
        with Vertical():
            yield Label(t("help.title", self.lang), classes="help--title")
            yield Label(t("help.intro", self.lang), classes="help--intro")
            with VerticalScroll():
                yield Static(table)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # arrows and page keys scroll the list

    def action_close(self) -> None:
        self.dismiss()
