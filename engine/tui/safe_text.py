"""What a cell printed, as a Rich text the terminal shows and never interprets.

The table of control characters and their visible stand-ins is the core's
(:func:`engine.safe_text.inert`, shared with the plain mode and ``lectio validate``); this module
only wraps the result in a :class:`~rich.text.Text`, never markup, so nothing a cell printed
(``[bold]``, an escape sequence) is parsed by Rich or Textual either.
"""

from __future__ import annotations

from rich.text import Text

from engine.safe_text import inert


def inert_text(text: str, style: str = "") -> Text:
    """A rich Text of ``text`` made inert; never parsed as markup."""
    return Text(inert(text), style=style, no_wrap=False)
