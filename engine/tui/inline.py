"""Inline Markdown (``code``, **bold**, *italic*, ``$math$``) as a rich Text, for one-line labels.

Choice labels and headings are short Markdown strings ("`x.grad`"). Textual parses a plain ``str``
label as content markup, so a choice such as ``a[0]`` or ``[bold]`` would be misread; building a
rich Text ourselves keeps the author's characters literal and still styles code spans.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

from engine.safe_text import inert

_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|(?<!\w)_([^_\s][^_]*)_(?!\w)")


def inline_markdown(source: str, *, code_style: str = "bold") -> Text:
    """A rich Text of ``source`` with code spans, bold and italic styled and nothing else parsed."""
    text = Text()
    pos = 0
    if "$" in source or "\\begin{" in source:  # math as Unicode (TeX renderer loaded then)
        from engine.markup.markdown import math_as_text

        source = math_as_text(source)
    source = inert(source.strip())
    for match in _INLINE.finditer(source):
        text.append(source[pos : match.start()])
        code, bold, star, under = match.groups()
        if code is not None:
            text.append(code, style=code_style)
        elif bold is not None:
            text.append(bold, style="bold")
        else:
            text.append(star or under or "", style="italic")
        pos = match.end()
    text.append(source[pos:])
    return text


_BLOCK_LEVEL = re.compile(r"^\s*([#>|<]|[-*+]\s|\d+[.)]\s|```|~~~)|^ {4}|\]\(|!\[", re.MULTILINE)
"""Markdown that is more than paragraphs of inline text: headings, quotes, tables, HTML, lists,
fences, indented code, links and images."""


def paragraphs_markdown(source: str) -> Text | None:
    """Paragraphs of inline Markdown as a rich Text, or None when ``source`` uses anything else
    (then it needs the full Markdown renderer). Used for the course description on the first
    frame: Rich's Markdown renderer costs a few tens of milliseconds to import."""
    if _BLOCK_LEVEL.search(source) or "$$" in source:  # display math needs rows of its own
        return None
    text = Text()
    for paragraph in re.split(r"\n\s*\n", source.strip()):
        if text.plain:
            text.append("\n\n")
        text.append_text(inline_markdown(" ".join(paragraph.split())))
    return text


def hanging(mark: Text, body: RenderableType) -> Table:
    """``mark`` then ``body``, the body's wrapped lines hanging under its first character
    (a choice's "✓ " or "✗ " stays alone in its column), as a list item's lines do. A rich
    Text wraps its continuation lines to the left edge, where at 60 columns they read as a
    new choice."""
    from rich.table import Table

    grid = Table.grid(padding=0)
    grid.add_column(width=mark.cell_len, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(mark, body)
    return grid
