"""Markdown written by the lesson's author, rendered as one widget.

Rich's Markdown renderer inside a single Static, rather than Textual's Markdown widget (a widget
per paragraph, list item and heading): a chapter is dozens of prose blocks, and composing them as
a few hundred widgets cost about a second before the first frame. Code blocks in prose are
highlighted with the theme's colours (re-rendered when the learner toggles light/dark). Math
(``$...$``, ``$$...$$``) is replaced by its Unicode rendering first (:mod:`engine.markup`), so a
formula never shows as raw TeX; Rich parses the rest with markdown-it, as plain mode does.
"""

from __future__ import annotations

from typing import Any, ClassVar

from markdown_it.token import Token
from rich.markdown import CodeBlock, Markdown, MarkdownElement
from textual.widgets import Static

from engine.markup.mathspans import MATH_FENCE
from engine.tui.themes import code_style


class _CodeBlock(CodeBlock):
    """Rich's code block; a display formula's block (fenced ``lectio-math``) is drawn by the
    plain-text lexer, as Rich draws a block whose lexer Pygments does not know, but without
    asking Pygments first: for a name it does not know, Pygments loads every plugin lexer
    installed (IPython's, with a dozen of its own lexer modules), about 60 ms of CPU."""

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> CodeBlock:
        block = super().create(markdown, token)
        if block.lexer_name == MATH_FENCE:
            block.lexer_name = "text"
        return block


class LessonMarkdown(Markdown):
    """Rich's Markdown, with :class:`_CodeBlock` for code blocks."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "fence": _CodeBlock,
        "code_block": _CodeBlock,
    }


class PicturesAsText(LessonMarkdown):
    """Rich's Markdown with a picture read in its sentence as its alt text (in italics; a web
    picture's address after it): Rich draws an image as a separate placeholder, put before the
    paragraph that holds it. The TUI draws a lesson's own pictures after their paragraph
    (:class:`~engine.tui.widgets.picture.ProseWithPictures`)."""

    def __init__(self, markup: str, **options: Any) -> None:
        super().__init__(markup, **options)
        from markdown_it.token import Token

        for token in self.parsed:
            if not token.children or not any(c.type == "image" for c in token.children):
                continue
            children: list[Token] = []
            for child in token.children:
                if child.type != "image":
                    children.append(child)
                    continue
                src = str(child.attrs.get("src", ""))
                alt = child.content or src.rstrip("/").rsplit("/", 1)[-1]
                children += [
                    Token("em_open", "em", 1),
                    Token("text", "", 0, content=alt),
                    Token("em_close", "em", -1),
                ]
                if "://" in src:
                    children.append(Token("text", "", 0, content=f" ({src})"))
            token.children = children


class MarkdownText(Static):
    """Author's Markdown; ``block_index`` ties it to its lesson block (None inside a block)."""

    DEFAULT_CSS = """
    MarkdownText { height: auto; background: transparent; }
    """

    def __init__(
        self,
        source: str,
        *,
        block_index: int | None = None,
        classes: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(classes=classes, id=id)
        self.source = source
        self.block_index = block_index
        if "$" in source or "\\begin{" in source:  # formulas as Unicode (display: rows)
            from engine.markup.markdown import with_math

            source = with_math(source)
        self.rendered_source = source
        """What Rich's Markdown renders: ``source`` with its math as Unicode."""
        try:  # made while the app composes a screen: its theme is known already
            self._dark = self.app.current_theme.dark
        except RuntimeError:  # made outside a running app: the default (dark) theme
            self._dark = True
        # Given now rather than on mount, the text is in the screen's first frame: set on
        # mount, the first frame had the block empty and the text came one frame later.
        self.update(self._markdown(self._dark))

    def _markdown(self, dark: bool) -> Markdown:
        kind = PicturesAsText if "![" in self.rendered_source else LessonMarkdown
        return kind(
            self.rendered_source.strip(),
            code_theme=code_style(dark),
            inline_code_lexer="python",
            inline_code_theme=code_style(dark),
            hyperlinks=False,
        )

    def on_mount(self) -> None:
        self._themed()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._themed())

    def _themed(self) -> None:
        """Drawn again with the code colours of the app's theme, if it is not the one used."""
        dark = self.app.current_theme.dark
        if dark != self._dark:
            self._dark = dark
            self.update(self._markdown(dark))


class Prose(MarkdownText):
    """A text block of a lesson: Markdown prose."""

    DEFAULT_CSS = """
    Prose { margin: 0 0 1 0; padding: 0 1; }
    """

    def __init__(self, text: str, *, block_index: int) -> None:
        super().__init__(text, block_index=block_index, classes="block")
