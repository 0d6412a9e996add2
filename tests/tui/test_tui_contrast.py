"""Every text and mark lectio draws meets WCAG AA contrast in both themes (issue 11).

Two checks. The theme's colour pairs: each text colour the interface uses on each ground it is
drawn on, resolved with Textual's own ColorSystem, must reach 4.5:1, and each mark (borders,
focus marks, the picked glyph, scroll bars) 3:1. And the rendered screens: the course map, a
lesson with a note, a cell and a question (run, answered wrong, hinted, answer shown), the graph,
the chapter menu, the help, the editor and a quiz, at 100x32 and 60x20, in both themes: every
visible glyph's colour is measured against its cell's background as Textual composed them (alpha
blended, ``dim`` resolved), so a stylesheet or a widget that draws an unreadable pair fails here
even when the theme's variables are right.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rich.color import Color as RichColor
from rich.terminal_theme import TerminalTheme
from textual.color import Color
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.theme import Theme
from textual.widgets import Button, RadioButton
from textual.widgets._toggle_button import ToggleButton
from tui_support import COURSE, QUIZ, TUTORIAL, FakeKernelFactory, run_and_answer_wrong, settle
from wcag import MARK, TEXT, ratio, resolve, variables

from engine.tui.app import LectioApp
from engine.tui.screens.lesson import LessonScreen
from engine.tui.themes import ANSI_DARK, ANSI_LIGHT, LECTIO_DARK, LECTIO_LIGHT
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.graph_view import GraphView
from engine.tui.widgets.progress_line import ProgressLine

GROUNDS = {
    "background": "$background",
    "surface": "$surface",
    "panel": "$panel",
    "a note ($boost)": "$boost",
    "a warning note": "$warning 10%",
    "a focused block": "$foreground 4%",
}
"""The backgrounds lectio draws on (alpha ones over ``$background``, as the screen has it)."""

TEXTS = [
    "$text",
    "$text-muted",
    "$foreground",
    "$text-primary",
    "$text-accent",
    "$text-success",
    "$text-error",
    "$text-warning",
    "$link-color",
]
"""Text colours: titles, prose, muted labels, verdicts, hints, links."""

MARKS = ["$primary", "$accent", "$success", "$error", "$warning", "$border", "$border-blurred"]
"""Mark colours: block borders (``$border-blurred``, ``$border`` when focused), notes' and
questions' borders, the current block's bar, the progress bar's fill."""

PAIRS = [
    ("$button-color-foreground", "$primary", TEXT),  # Check, Continue, Send
    ("$button-foreground", "$surface", TEXT),  # Hint, Try again, Yes / No
    ("$block-cursor-foreground", "$block-cursor-background", TEXT),  # the chosen chapter
    ("$block-cursor-blurred-foreground", "$block-cursor-blurred-background", TEXT),
    ("$footer-key-foreground", "$footer-background", TEXT),
    ("$footer-description-foreground", "$footer-background", TEXT),
    ("$scrollbar", "$scrollbar-background", MARK),
    ("$scrollbar-active", "$scrollbar-background", MARK),
]
"""Pairs drawn on a ground of their own (over ``$surface``)."""

ANSI_USED = {1: "red", 2: "green", 3: "yellow", 4: "blue", 5: "magenta", 6: "cyan"}
"""The ANSI colours lectio's rich text names (kernel state, chapter marks, the graph,
tracebacks), by their index in the terminal theme."""

THEMES = {"dark": (LECTIO_DARK, ANSI_DARK), "light": (LECTIO_LIGHT, ANSI_LIGHT)}


def theme_failures(theme: Theme, ansi: TerminalTheme) -> Iterator[str]:
    names = variables(theme)
    base = Color.parse(names["background"])
    for ground_name, ground_value in GROUNDS.items():
        ground = resolve(ground_value, base, names)
        wanted = [(c, TEXT) for c in TEXTS] + [(c, MARK) for c in MARKS]
        for index in ANSI_USED:
            for shade in (index, index + 8):  # normal and bright
                wanted.append((ansi.ansi_colors[shade].hex, TEXT))
        for value, least in wanted:
            got = ratio(resolve(value, ground, names), ground)
            if got < least:
                yield f"{value} on {ground_name}: {got:.2f} < {least}"
    surface = resolve("$surface", base, names)
    for fore, back, least in PAIRS:
        ground = resolve(back, surface, names)
        got = ratio(resolve(fore, ground, names), ground)
        if got < least:
            yield f"{fore} on {back}: {got:.2f} < {least}"


@pytest.mark.parametrize("which", THEMES)
def test_the_themes_colour_pairs_meet_wcag_aa(which: str) -> None:
    theme, ansi = THEMES[which]
    failures = list(theme_failures(theme, ansi))
    assert not failures, "\n".join(failures)


def test_the_pairs_catch_an_unreadable_theme() -> None:
    """Textual's own light theme, which issue 11 found hard to read, fails the same check."""
    from textual.theme import BUILTIN_THEMES

    failures = list(theme_failures(BUILTIN_THEMES["textual-light"], ANSI_LIGHT))
    assert any(f.startswith("$border-blurred on background") for f in failures)
    assert any(f.startswith("$text-warning on background") for f in failures)


# ---- rendered screens ----------------------------------------------------------------------


def is_mark(glyph: str) -> bool:
    """Box drawing, block elements, geometric shapes (borders, ● ○ ◐ ✓ ✗), braille spinners."""
    code = ord(glyph)
    return 0x2500 <= code <= 0x25FF or 0x2800 <= code <= 0x28FF or glyph in "✓✗✱≡"


def decoration(widget: object, glyph: str, fg: RichColor, bar_track: RichColor | None) -> bool:
    """Glyphs that only shape a control, whose meaning is carried by something next to them
    (WCAG 1.4.11 asks contrast of what identifies a component or its state)."""
    if isinstance(widget, ToggleButton) and glyph in "▐▌":
        return True  # the edges of the box around ● / ○ / X, in the box's own colour
    if glyph == "▀":
        return True  # a picture's pixels, two per cell (lectio draws nothing else with ▀)
    if isinstance(widget, Button) and glyph in "▔▁":
        return True  # the bevel above and below a button; its label is measured
    # the unfilled track of a progress bar (the filled part is measured)
    return isinstance(widget, ProgressLine) and fg == bar_track


def screen_failures(app: LectioApp, state: str) -> list[str]:
    """Every visible glyph on screen whose contrast with its background is below AA."""
    screen = app.screen
    failures: dict[tuple[str, str, str], str] = {}
    for y, strip in enumerate(screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style
            start, x = x, x + len(text)
            glyphs = text.strip()
            if not glyphs or style is None:
                continue
            widget, _ = screen.get_widget_at(start + len(text) - len(text.lstrip()), y)
            if widget.disabled:
                continue  # an inactive control (WCAG exempts it); its enabled state is tested
            if widget is screen and isinstance(screen, ModalScreen):
                continue  # the screen behind a modal (the palette), dimmed on purpose: inactive
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            assert fg is not None and bg is not None, f"{state}: {text!r} has no colour"
            track = (
                widget.get_component_rich_style("progress-line--bar").bgcolor
                if isinstance(widget, ProgressLine)
                else None
            )
            if all(decoration(widget, g, fg, track) for g in glyphs.replace(" ", "")):
                continue
            least = MARK if all(is_mark(g) for g in glyphs.replace(" ", "")) else TEXT
            got = ratio(Color.from_rich_color(fg), Color.from_rich_color(bg))
            if got < least:
                key = (fg.name, bg.name, type(widget).__name__)
                failures.setdefault(
                    key,
                    f"{state}: {glyphs[:24]!r} at {start},{y} in {type(widget).__name__}: "
                    f"{fg.triplet.hex if fg.triplet else fg.name} on "
                    f"{bg.triplet.hex if bg.triplet else bg.name} = {got:.2f} < {least}",
                )
    return list(failures.values())


SIZES = {"100x32": (100, 32), "60x20": (60, 20)}


async def toggle(pilot: Pilot[Any]) -> None:
    """Ctrl+T: to the theme under test (the app starts in the other one)."""
    await pilot.press("ctrl+t")
    await pilot.pause()
    await pilot.pause()


async def every_block(pilot: Pilot[Any], failures: list[str], chapter: str) -> None:
    """Each block of the open chapter in turn (``j``), focused and scrolled to, then its end."""
    app = pilot.app
    assert isinstance(app, LectioApp)
    screen = app.screen
    assert isinstance(screen, LessonScreen)
    screen.query_one("#blocks").focus()
    for n in range(len(screen.query(".block")) + 1):
        await pilot.press("j")
        await settle(pilot)
        failures += screen_failures(app, f"{chapter}, block {n + 1}")


async def walk_lesson(pilot: Pilot[Any], failures: list[str]) -> None:
    """A lesson through its states, the first ones drawn in the other theme then switched (so
    every widget must follow Ctrl+T), then the course map it was opened from."""
    app = pilot.app
    assert isinstance(app, LectioApp)
    app.open_lesson("first-steps")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LessonScreen)
    await run_and_answer_wrong(pilot, screen)
    await toggle(pilot)
    failures += screen_failures(app, "cell run, wrong answer, a hint (then Ctrl+T)")
    await pilot.press("a")
    await pilot.pause()
    failures += screen_failures(app, "answer shown")
    await every_block(pilot, failures, "first-steps")
    screen.query_one(CodeCell).focus()
    await pilot.press("e")
    await pilot.pause()
    failures += screen_failures(app, "editing a cell")
    await pilot.press("escape")
    screen.query_one("#blocks").focus()
    await pilot.press("m")
    await pilot.pause()
    failures += screen_failures(app, "chapter menu")
    await pilot.press("escape", "f1")
    await pilot.pause()
    failures += screen_failures(app, "help")
    await pilot.press("escape", "ctrl+p")
    await pilot.pause()
    await pilot.press(*"run")
    await pilot.pause()
    failures += screen_failures(app, "command palette")
    await pilot.press("escape")
    await pilot.pause()
    screen.query_one("#blocks").focus()
    await pilot.press("A")
    await settle(pilot)
    failures += screen_failures(app, "ask panel")
    await pilot.press("escape")
    app.open_lesson("gradients", replace=True)
    await settle(pilot)
    view = app.screen.query_one(GraphView)
    view.focus()
    await pilot.press("g")
    await settle(pilot)
    view.scroll_visible(top=True, animate=False)
    await pilot.pause()
    failures += screen_failures(app, "graph")
    await every_block(pilot, failures, "gradients")
    app.back_to_course()
    await settle(pilot)
    failures += screen_failures(app, "course map")


async def walk_tutorial(pilot: Pilot[Any], failures: list[str]) -> None:
    """Math, a figure, a plot, a cell skipped for CUDA, a listing: each block, after Run all."""
    app = pilot.app
    assert isinstance(app, LectioApp)
    app.open_lesson("pieces")
    await settle(pilot)
    await toggle(pilot)
    for cell in app.screen.query(CodeCell):
        cell.focus()
        await pilot.press("r")
        await settle(pilot)
    await every_block(pilot, failures, "pieces")


async def walk_quiz(pilot: Pilot[Any], failures: list[str]) -> None:
    app = pilot.app
    assert isinstance(app, LectioApp)
    await pilot.pause()
    await toggle(pilot)
    failures += screen_failures(app, "quiz question")
    await pilot.press("c")  # nothing picked: a warning notification says so
    await pilot.pause()
    failures += screen_failures(app, "a notification")
    app.screen.query_one("#choice-1", RadioButton).value = True
    await pilot.press("c")
    await pilot.pause()
    failures += screen_failures(app, "quiz verdict")
    for _ in range(3):  # the next questions, then the result and its review
        await pilot.press("n")
        await pilot.pause()
        for box in app.screen.query("#choice-0"):
            box.focus()
            await pilot.press("space", "c")
            await pilot.pause()
        failures += screen_failures(app, "quiz, later")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("which", THEMES)
async def test_every_glyph_on_screen_meets_wcag_aa(make_app: Any, which: str, size: str) -> None:
    failures: list[str] = []
    no_cuda = FakeKernelFactory(not_installed=frozenset({"cuda"}))
    walks = (
        (COURSE, walk_lesson, None),
        (QUIZ, walk_quiz, None),
        (TUTORIAL, walk_tutorial, no_cuda),
    )
    wanted = THEMES[which][0].name
    other = next(theme.name for theme, _ in THEMES.values() if theme.name != wanted)
    for target, walk, kernels in walks:
        app = make_app(target, kernel_factory=kernels)
        async with app.run_test(size=SIZES[size]) as pilot:
            app.theme = other
            await settle(pilot)
            await walk(pilot, failures)
    assert not failures, "\n".join(failures)


def test_the_ratio_is_wcags() -> None:
    """Known values: black on white 21:1, #767676 on white 4.54:1 (the lightest AA grey)."""
    white, black = Color.parse("#ffffff"), Color.parse("#000000")
    assert ratio(black, white) == pytest.approx(21.0)
    assert ratio(Color.parse("#767676"), white) == pytest.approx(4.54, abs=0.01)
    assert ratio(Color.parse("#777777"), white) < TEXT <= ratio(Color.parse("#767676"), white)
