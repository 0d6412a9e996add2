"""Textual colours resolved as Textual resolves them, for the contrast tests
(tests/tui/test_tui_contrast.py); the WCAG ratio itself is engine/tui/contrast.py's.

A theme variable is resolved with Textual's own :class:`~textual.design.ColorSystem` (the app's
``get_css_variables`` does the same: the generated variables, then the theme's own); a colour
with alpha (``$foreground 50%``, ``auto 60%``) is blended over the background it is drawn on,
``auto`` being the background's contrast colour, as Textual draws it.
"""

from __future__ import annotations

from textual.color import Color
from textual.theme import Theme

from engine.tui.contrast import MARK, TEXT, luminance, ratio

__all__ = ["MARK", "TEXT", "luminance", "ratio", "resolve", "variables"]


def variables(theme: Theme) -> dict[str, str]:
    """The theme's CSS variables, as ``App.get_css_variables`` builds them."""
    return {**theme.to_color_system().generate(), **theme.variables}


def _paint(value: str, names: dict[str, str]) -> tuple[Color | None, float]:
    """``value`` as (colour, alpha); colour None is ``auto``."""
    text = value.strip()
    alpha = 1.0
    if text.endswith("%") and " " in text:
        text, percent = text.rsplit(" ", 1)
        alpha = float(percent[:-1]) / 100
    if text.startswith("$"):
        color, inner = _paint(names[text[1:]], names)
        return color, inner * alpha
    if text == "auto":
        return None, alpha
    color = Color.parse(text)
    return color.with_alpha(1.0), color.a * alpha


def resolve(value: str, over: Color, names: dict[str, str]) -> Color:
    """The opaque colour ``value`` (a hex, ``$name``, ``auto``, with an optional ``N%``) paints
    over the opaque colour ``over``."""
    color, alpha = _paint(value, names)
    if color is None:
        return over + over.get_contrast_text(alpha)
    return over + color.with_alpha(alpha)
