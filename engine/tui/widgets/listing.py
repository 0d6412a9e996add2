"""A ``run: false`` listing: code shown highlighted in its language, copyable, never run.

It looks like a code cell without the cell's actions (no run, edit or reset: nothing of it
ever reaches a kernel), titled with its language so a shell command reads as one.
"""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from engine.format.models import CodeBlock
from engine.i18n import t
from engine.tui.themes import code_style


class Listing(Vertical, can_focus=True):
    """A listing block; ``y`` copies it (as in a code cell)."""

    DEFAULT_CSS = """
    Listing {
        height: auto;
        margin: 1 0;
        padding: 0 1;
        border: round $border-blurred;
        border-title-color: $text-muted;
        &.-current, &:focus { border: round $border; }
        & > .listing--actions { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "copy", "Copy")]

    def __init__(self, block: CodeBlock, *, lang: str, block_index: int) -> None:
        super().__init__(classes="block")
        self.block = block
        self.block_index = block_index
        self.lang = lang
        self.border_title = t("Listing · {language} · not run", lang, language=block.language)

    def compose(self) -> ComposeResult:
        yield Static(self._syntax(), classes="listing--view")
        copy = "⧉ " + t("Copy", self.lang)
        yield Static(
            Content.from_markup("[@click=copy]$label[/]", label=copy), classes="listing--actions"
        )

    def _syntax(self) -> Syntax:
        dark = self.app.current_theme.dark if self.is_attached else True
        return Syntax(
            self.block.code.rstrip("\n"),
            self.block.language,
            theme=code_style(dark),
            background_color="default",
            word_wrap=True,
        )

    def on_mount(self) -> None:
        self._highlight()
        # Highlighted in the new theme's colours when the learner toggles light/dark: the old
        # theme's text colour on the new background is unreadable (1.1:1).
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._highlight())

    def _highlight(self) -> None:
        self.query_one(".listing--view", Static).update(self._syntax())

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.block.code)
        self.notify(t("Code copied to the clipboard", self.lang), timeout=2)
