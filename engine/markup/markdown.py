"""Lesson Markdown through markdown-it-py (the parser Textual's Markdown widget uses), headless.

One understanding of Markdown for every front end: the TUI hands the same text to Textual's
widget (which parses it with markdown-it too), plain mode renders the tokens parsed here as
text a screen reader follows, and ``lectio validate`` finds the images in it. markdown-it is
imported on first use, by a text that needs more than plain paragraphs.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def parser() -> Any:
    """The CommonMark parser with GitHub tables and strikethrough (as Textual enables)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def images(text: str) -> list[tuple[str, str]]:
    """(alt text, address) of every image of a Markdown text, in order (inline and
    reference images alike)."""
    found: list[tuple[str, str]] = []
    for token in parser().parse(text):
        for child in token.children or []:
            if child.type == "image":
                found.append((child.content, str(child.attrs.get("src", ""))))
    return found
