"""Markdown as plain text a screen reader reads well: no markup symbols read aloud.

Lessons are Markdown. Printed raw, ``**tensor**`` is read as "star star tensor star star" and
``## Summary`` as "number number Summary". This removes emphasis markers, heading marks and
fences, turns links into "text (address)", and indents fenced code by four spaces between
"Code:" ... "End of code." lines. Inline code keeps its backticks (they tell ``1.`` the float
from 1. the list number) and is never altered inside.
"""

from __future__ import annotations

import re

_ESCAPE_OR_CODE = re.compile(r"\\([!-/:-@\[-`{-~])|(`+)(.+?)\2")
"""A backslash escape (CommonMark: any ASCII punctuation) or an inline code span, whichever
comes first from the left, so an escaped backtick starts no code span and a backslash inside
code stays."""
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\*\w])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?![\w])")
_LINK = re.compile(r"!?\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^(\s*)#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[*+]\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _inline(text: str) -> str:
    """Strip emphasis and links, leaving inline code spans exactly as written and escaped
    characters as themselves (``\\*`` is a star, not emphasis)."""
    spans: list[str] = []

    def hide(match: re.Match[str]) -> str:
        spans.append(match.group(1) if match.group(1) is not None else match.group(0))
        return f"\x00{len(spans) - 1}\x00"

    text = _prose(_ESCAPE_OR_CODE.sub(hide, text))
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], text)


def _prose(text: str) -> str:
    text = _LINK.sub(
        lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text
    )
    for _ in range(2):  # nested emphasis: ***both***
        text = _BOLD.sub(r"\2", text)
        text = _ITALIC_STAR.sub(r"\1", text)
        text = _ITALIC_UNDERSCORE.sub(r"\1", text)
    return text


def to_text(markdown: str, *, code_label: str = "Code:", code_end: str = "End of code.") -> str:
    lines: list[str] = []
    fence: str | None = None
    for line in markdown.rstrip().split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1) == fence:
                fence = None
                lines.append(code_end)
            else:
                lines.append("    " + line if line.strip() else "")
            continue
        if opened:
            fence = opened.group(1)
            lines.append(code_label)
            continue
        heading = _HEADING.match(line)
        if heading:
            lines.append(heading.group(1) + _inline(heading.group(2)))
            continue
        line = _BULLET.sub(r"\1- ", line)
        lines.append(_inline(line))
    if fence is not None:
        lines.append(code_end)
    return "\n".join(lines)
