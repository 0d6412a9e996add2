"""Text from a lesson or a cell made harmless for a terminal: shown, never interpreted.

A cell can print anything (ANSI colours, cursor moves, a screen clear, OSC 52 clipboard writes, a
title change), and a YAML double-quoted string can hold ``\\e``. Written straight to a terminal,
lesson code or a typo would drive the learner's (or the author's, in ``lectio validate``)
terminal. :func:`inert` replaces every C0/C1 control except newline and tab by a visible
stand-in: ESC becomes "␛", other C0 controls their Unicode control pictures (U+2400 + code), DEL
"␡", C1 controls ``\\x9b``-style escapes, and bidi overrides and line separators ``\\u202e``-style
escapes. The rest of an escape sequence stays, so ``␛[31m`` shows what was printed.

Headless (no Rich, no Textual): the one table, used by the plain mode, the validation report
and the TUI (``engine/tui/safe_text.py`` only wraps the result in a Rich text).
"""

from __future__ import annotations

_TABLE: dict[int, str] = {
    code: chr(0x2400 + code) for code in range(0x20) if code not in (0x0A, 0x09)
}
_TABLE[0x1B] = "␛"
_TABLE[0x7F] = "␡"
_TABLE.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})
# Unicode line/paragraph separators and bidi overrides can reorder or break the display too.
_TABLE.update(
    {
        code: f"\\u{code:04x}"
        for code in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    }
)


def inert(text: str) -> str:
    """``text`` with every control character replaced by a visible, harmless stand-in."""
    return text.replace("\r\n", "\n").translate(_TABLE)
