"""lectio's dark and light themes, and the code highlighting that goes with each.

Textual's own ``textual-light`` is hard to read (borders at 1.3:1, the footer's keys at 2.9:1,
its ``$text-warning`` at 3.3:1), and ``textual-dark`` misses in places too (white on its primary
buttons at 3.8:1, block borders at 1.6:1). These two themes keep Textual's look but pick every
colour so that what lectio draws meets WCAG AA: 4.5:1 for text, 3:1 for the marks that carry
meaning (block borders, focus marks, the picked glyph, scroll bars). tests/tui/test_tui_contrast.py
checks it on the theme's colour pairs and on rendered screens, so a CSS change that breaks a
ratio fails there.

The variables are Textual's (``$primary``, ``$text-muted``, ``$border-blurred`` …): the CSS of
lectio and of Textual's widgets picks them up without a colour written in any stylesheet.
``$border-blurred`` is the colour of an unfocused block's border (cells, questions, the chapter
list); ``$border`` that of the focused one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.color import Color
from textual.theme import Theme

from engine.tui.contrast import readable

if TYPE_CHECKING:
    from textual._text_area_theme import TextAreaTheme

DARK = "lectio-dark"
LIGHT = "lectio-light"

LECTIO_DARK = Theme(
    name=DARK,
    dark=True,
    primary="#2a70c0",
    secondary="#004578",
    accent="#ffa62b",
    warning="#ffa62b",
    error="#e0556f",
    success="#4ebf71",
    foreground="#e0e0e0",
    background="#121212",
    surface="#1e1e1e",
    panel="#1c232b",
    variables={
        "button-color-foreground": "#ffffff",
        "block-cursor-foreground": "#ffffff",
        "block-cursor-background": "#35506e",
        "border": "#ffa62b",
        "border-blurred": "#767676",
        "footer-key-foreground": "#ffa62b",
        "scrollbar": "#7a7a7a",
        "scrollbar-hover": "#949494",
        "scrollbar-active": "#ffa62b",
        "scrollbar-background": "#1a1a1a",
    },
)

LECTIO_LIGHT = Theme(
    name=LIGHT,
    dark=False,
    primary="#0b57a4",
    secondary="#0178d4",
    accent="#a84f00",
    warning="#a15c00",
    error="#b3261e",
    success="#1b7a34",
    foreground="#1c1c1c",
    background="#f5f5f5",
    surface="#ffffff",
    panel="#e6ebf0",
    variables={
        "text-primary": "#0b57a4",
        "text-accent": "#964600",
        "text-warning": "#8a4f00",
        "text-error": "#a8231c",
        "text-success": "#17692d",
        "block-cursor-background": "#cfe0f3",
        "block-cursor-blurred-background": "#0b57a4 12%",
        "border": "#a84f00",
        "border-blurred": "#737373",
        "footer-key-foreground": "#0b57a4",
        "scrollbar": "#737373",
        "scrollbar-hover": "#5c5c5c",
        "scrollbar-active": "#0b57a4",
        "scrollbar-background": "#e3e3e3",
    },
)

THEMES = (LECTIO_DARK, LECTIO_LIGHT)

CODE_STYLES = {True: "github-dark", False: "xcode"}
"""The Pygments style of highlighted code (cells, listings, Markdown code), dark or not: of
Pygments' styles, those whose every token colour meets 4.5:1 on its background (Monokai's
comments are at 3.8:1 on the dark background, Friendly's numbers at 2.8:1 on the light one)."""


def code_style(dark: bool) -> str:
    """The Pygments style for highlighted code in a dark or a light theme."""
    return CODE_STYLES[dark]


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _terminal(
    background: str, foreground: str, normal: list[str], bright: list[str]
) -> TerminalTheme:
    return TerminalTheme(
        _rgb(background),
        _rgb(foreground),
        [_rgb(c) for c in normal],
        [_rgb(c) for c in bright],
    )


# The truecolor Textual gives the ANSI colour names lectio's rich text uses ("green" for a
# ready kernel or a done chapter, "red" for a traceback, "yellow", "cyan", "magenta" in the
# graph): Textual's defaults (Monokai, Alabaster) put red at 4.5:1 on the dark background and
# green at 1.9:1 on the light one. Order: black, red, green, yellow, blue, magenta, cyan, white.
ANSI_DARK = _terminal(
    "#121212",
    "#e0e0e0",
    ["#3a3a3a", "#ff6b7f", "#8fd14f", "#ffb454", "#6cb6ff", "#d69cff", "#5fd7e8", "#d0d0d0"],
    ["#6e6e6e", "#ff8a99", "#a8e070", "#ffc777", "#8cc8ff", "#e2b5ff", "#86e3ef", "#f5f5f5"],
)
ANSI_LIGHT = _terminal(
    "#f5f5f5",
    "#1c1c1c",
    ["#1c1c1c", "#b3261e", "#17692d", "#8a4f00", "#0b57a4", "#8a2f99", "#0b6470", "#5e5e5e"],
    ["#454545", "#9c1f18", "#115524", "#744200", "#0a4a8a", "#752783", "#08535d", "#5e5e5e"],
)


def editor_theme(dark: bool) -> TextAreaTheme:
    """The code editor's theme (a cell being edited): Textual's Monokai or GitHub Light with
    every colour that is too faint on the editor's background or on the cursor's line (Monokai's
    numbers at 3.9:1 on it, GitHub Light's line numbers at 2.1:1) made readable, 4.5:1."""
    from textual._text_area_theme import TextAreaTheme

    builtin = TextAreaTheme.get_builtin_theme("monokai" if dark else "github_light")
    assert builtin is not None and builtin.base_style is not None
    grounds = [Color.from_rich_color(builtin.base_style.bgcolor)]
    if builtin.cursor_line_style is not None and builtin.cursor_line_style.bgcolor is not None:
        grounds.append(Color.from_rich_color(builtin.cursor_line_style.bgcolor))

    def fix(style: Style | None) -> Style | None:
        if style is None or style.color is None:
            return style
        color = readable(Color.from_rich_color(style.color), grounds)
        return style + Style(color=color.rich_color)

    return replace(
        builtin,
        name=f"lectio-{'dark' if dark else 'light'}",
        gutter_style=fix(builtin.gutter_style),
        cursor_line_gutter_style=fix(builtin.cursor_line_gutter_style),
        syntax_styles={name: fix(style) or style for name, style in builtin.syntax_styles.items()},
    )
