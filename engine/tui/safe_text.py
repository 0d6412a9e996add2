"""Show what a cell printed without letting the terminal interpret any of it.

A cell can print anything: ANSI colours, cursor moves, OSC 52 clipboard writes, a bell, a title
change. Rendering that through Rich markup or straight to the terminal would let lesson code (or a
typo) drive the learner's terminal. Everything a cell printed is therefore turned into a rich
:class:`~rich.text.Text` (never markup) in which every C0/C1 control except newline and tab is
replaced by a visible stand-in: ESC becomes "␛", other C0 controls their Unicode control pictures
(U+2400 + code), DEL "␡", and C1 controls ``\\x80``-style escapes. The escape sequence's remaining
printable characters stay, so the learner sees ``␛[31m`` and understands what was printed.
"""

from __future__ import annotations

from rich.text import Text

_TABLE: dict[int, str] = {}
for _code in range(0x20):
    if _code not in (0x0A, 0x09):
        _TABLE[_code] = chr(0x2400 + _code)
_TABLE[0x1B] = "␛"
_TABLE[0x7F] = "␡"
for _code in range(0x80, 0xA0):
    _TABLE[_code] = f"\\x{_code:02x}"
# Unicode line/paragraph separators and bidi overrides can reorder or break the display too.
for _code in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
    _TABLE[_code] = f"\\u{_code:04x}"


def inert(text: str) -> str:
    """``text`` with every control character replaced by a visible, harmless stand-in."""
    text = text.replace("\r\n", "\n")
    return text.translate(_TABLE)


def inert_text(text: str, style: str = "") -> Text:
    """A rich Text of ``text`` made inert; never parsed as markup."""
    return Text(inert(text), style=style, no_wrap=False)
