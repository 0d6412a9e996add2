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
from engine.tui.keys import ACTION_KEYS, localize_bindings

KEYS: list[tuple[str, str]] = [
    ("tab / shift+tab", "help.key.focus"),
    ("j / k", "lesson.next_block"),
    ("enter / space", "help.key.activate"),
    ("r", "cell.run"),
    ("a", "cell.run_above"),
    ("e", "cell.edit"),
    ("escape", "cell.done_editing"),
    ("o", "cell.reset"),
    ("y", "cell.copy"),
    ("g", "graph.draw"),
    ("c", "question.check"),
    ("h", "question.hint"),
    ("t", "question.retry"),
    ("m", "lesson.menu"),
    ("n / p", "help.key.chapters"),
    ("i", "kernel.interrupt"),
    ("ctrl+r", "kernel.restart"),
    ("ctrl+t", "app.theme"),
    ("ctrl+p", "help.key.palette"),
    ("f1 / ?", "app.help"),
    ("escape", "app.back"),
    ("ctrl+q", "app.quit"),
]
"""Keys in the order a learner meets them; descriptions are i18n keys."""

assert all(key.startswith("help.key.") or key in ACTION_KEYS.values() for _, key in KEYS)


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
    HelpScreen .help--title { text-style: bold; color: $accent; }
    HelpScreen .help--intro { margin: 1 0; }
    HelpScreen VerticalScroll { height: auto; max-height: 24; }
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
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, Text(t(what, self.lang)))
        with Vertical():
            yield Label(t("help.title", self.lang), classes="help--title")
            yield Label(t("help.intro", self.lang), classes="help--intro")
            with VerticalScroll():
                yield Static(table)

    def action_close(self) -> None:
        self.dismiss()
