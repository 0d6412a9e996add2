"""A note block: a callout rendered as Markdown and styled by its kind."""

from __future__ import annotations

from typing import Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from engine.i18n import tr
from engine.session.labels import NOTE_KINDS, note_heading
from engine.tui.inline import inline_markdown
from engine.tui.widgets.prose import MarkdownText


class NoteLike(Protocol):
    """What a note is drawn from: a validated :class:`~engine.format.models.NoteBlock`, or
    its outline on a lesson's first screen (:class:`~engine.format.outline.NoteOutline`)."""

    @property
    def note(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str | None: ...


NOTE_ICONS = {"definition": "≡", "tip": "✱", "info": "i", "warning": "!"}
"""A one-cell glyph per kind, so the kind is readable without colour too."""


class Note(Vertical):
    """A callout: a Definition reads like a dictionary entry, a Warning stands out.

    The kind becomes a CSS class (``-definition``, ``-tip``, ``-info``, ``-warning``) so themes
    style the border and title colour; the kind's name (in the interface language) is the border
    title.
    """

    DEFAULT_CSS = """
    Note {
        height: auto;
        margin: 1 0;
        padding: 0 1;
        border: round $primary;
        border-title-style: bold;
        background: $boost;
        &.-current { tint: $accent 6%; }
        & > .note--term { text-style: bold; margin: 0 0 0 1; }
        & > .figure--picture { width: auto; height: auto; margin: 1 0 0 1; }
        &.-definition {
            border: double $accent;
            border-title-color: $text-accent;
            & > .note--term { color: $text-accent; text-style: bold underline; }
            & > MarkdownText { text-style: italic; }
        }
        &.-tip { border: round $success; border-title-color: $text-success; }
        &.-info { border: round $primary; border-title-color: $text-primary; }
        &.-warning {
            border: heavy $warning;
            border-title-color: $text-warning;
            background: $warning 10%;
        }
    }
    """

    def __init__(self, block: NoteLike, *, lang: str, block_index: int) -> None:
        super().__init__(classes=f"-{block.kind} block")
        self.block = block
        self.block_index = block_index
        self.lang = lang
        self.border_title = f"{NOTE_ICONS[block.kind]} {tr(NOTE_KINDS[block.kind], lang)}"

    def compose(self) -> ComposeResult:
        _label, title = note_heading(self.block.kind, self.block.title, self.lang)
        if title:
            yield Label(inline_markdown(title), classes="note--term")
        span = getattr(self.block, "span", None)
        if "![" in self.block.note and span is not None:  # pictures drawn in their place
            from engine.markup.markdown import split_pictures

            if len(split_pictures(self.block.note)) > 1:
                from engine.tui.widgets.picture import markdown_with_pictures

                yield from markdown_with_pictures(self.block.note, span.file, self.lang)
                return
        yield MarkdownText(self.block.note)
