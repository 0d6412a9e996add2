"""WCAG 2 contrast of two colours, and nudging a colour until it is readable on its grounds.

The ratio is (L1 + 0.05) / (L2 + 0.05) of the relative luminances of the lighter and the darker
colour, each the weighted sum of the sRGB channels linearised with the sRGB transfer curve
(https://www.w3.org/TR/WCAG21/#dfn-relative-luminance). AA asks 4.5:1 for text and 3:1 for
marks. The themes (engine/tui/themes.py) use it to make the code editor's colours readable;
tests/tui/test_tui_contrast.py uses it to check every pair on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.color import Color

TEXT = 4.5
"""AA minimum for text (any size: the terminal has no large text)."""
MARK = 3.0
"""AA minimum for non-text marks: borders, focus marks, the picked glyph, scroll bars."""


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: Color) -> float:
    """WCAG relative luminance of an opaque colour, from 0 (black) to 1 (white)."""
    return 0.2126 * _linear(color.r) + 0.7152 * _linear(color.g) + 0.0722 * _linear(color.b)


def ratio(one: Color, other: Color) -> float:
    """WCAG contrast ratio of two opaque colours, from 1 to 21."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(color: Color, grounds: Sequence[Color], least: float = TEXT) -> Color:
    """``color``, lightened (on dark grounds) or darkened (on light ones) in small steps until it
    reaches ``least`` on every ground; its hue is kept."""
    dark = luminance(grounds[0]) < 0.18
    for _ in range(60):
        if min(ratio(color, ground) for ground in grounds) >= least:
            break
        color = color.lighten(0.02) if dark else color.darken(0.02)
    return color
