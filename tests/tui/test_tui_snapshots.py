"""Snapshot tests of every screen at a fixed terminal size, over a fake kernel.

Update after an intended change with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update``
and look at the SVGs in ``__snapshots__`` (a report is written on failure).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, RadioButton
from tui_support import (
    COURSE,
    QUIZ,
    SIZE,
    FakeKernelFactory,
    open_from_map,
    run_and_answer_wrong,
    settle,
)

from engine.format.problems import LoadError
from engine.session.study import Study
from engine.tui.app import DARK_THEME, LIGHT_THEME, LectioApp
from engine.tui.screens.lesson import LessonScreen
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.feedback import ChapterFeedback
from engine.tui.widgets.graph_view import GraphView
from engine.tui.widgets.question import Question

MakeApp = Callable[..., LectioApp]
Compare = Callable[..., bool]


def opening(
    lesson_id: str, then: Callable[[Pilot[Any], LessonScreen], Awaitable[None]] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before that opens ``lesson_id`` from the course map, then does ``then``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, LectioApp)
        await open_from_map(pilot, lesson_id)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        if then is not None:
            await then(pilot, screen)
            await settle(pilot)

    return run_before


def test_course_map(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(make_app(COURSE), terminal_size=SIZE)


def test_lesson_top(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(make_app(COURSE), terminal_size=SIZE, run_before=opening("first-steps"))


def test_lesson_cell_output_and_wrong_answer(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(
        make_app(COURSE),
        terminal_size=SIZE,
        run_before=opening("first-steps", run_and_answer_wrong),
    )


async def _edit(pilot: Pilot[Any], screen: LessonScreen) -> None:
    cell = screen.query_one(CodeCell)
    cell.focus()
    await pilot.press("e", "down", "end", *" # changed")
    await pilot.pause()


def test_lesson_cell_editing(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(
        make_app(COURSE), terminal_size=SIZE, run_before=opening("first-steps", _edit)
    )


async def _draw(pilot: Pilot[Any], screen: LessonScreen) -> None:
    view = screen.query_one(GraphView)
    view.focus()
    await pilot.press("g")
    await settle(pilot)
    view.scroll_visible(top=True, animate=False)


def test_lesson_graph(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(
        make_app(COURSE), terminal_size=SIZE, run_before=opening("gradients", _draw)
    )


async def _chapter_end(pilot: Pilot[Any], screen: LessonScreen) -> None:
    feedback = screen.query_one(ChapterFeedback)
    feedback.clear = True
    feedback.send()
    await pilot.pause()
    screen.query_one("#next-chapter").focus()
    screen.query_one("#blocks").scroll_end(animate=False)


def test_lesson_chapter_end_after_feedback(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(
        make_app(COURSE), terminal_size=SIZE, run_before=opening("first-steps", _chapter_end)
    )


async def _menu(pilot: Pilot[Any], screen: LessonScreen) -> None:
    screen.query_one("#blocks").focus()
    await pilot.press("m")
    await pilot.pause(0.5)


def test_lesson_chapter_menu(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(
        make_app(COURSE), terminal_size=SIZE, run_before=opening("gradients", _menu)
    )


def test_lesson_portuguese_light(snap_compare: Compare, make_app: MakeApp) -> None:
    async def light(pilot: Pilot[Any], screen: LessonScreen) -> None:
        await pilot.press("ctrl+t")
        screen.query_one(Question).scroll_visible(top=True, animate=False)

    assert snap_compare(
        make_app(COURSE, lang="pt"), terminal_size=SIZE, run_before=opening("first-steps", light)
    )


def test_help(snap_compare: Compare, make_app: MakeApp) -> None:
    async def help_screen(pilot: Pilot[Any], screen: LessonScreen) -> None:
        await pilot.press("f1")

    assert snap_compare(
        make_app(COURSE), terminal_size=SIZE, run_before=opening("first-steps", help_screen)
    )


LONG_OUTPUT = "".join(f"x is {i}\n" for i in range(200)) + "y" * 1500 + "\ndone\n"
"""A cell's output longer than the cell shows: 200 lines, one of 1,500 characters, a last one."""


async def _long_output(pilot: Pilot[Any], screen: LessonScreen) -> None:
    cell = screen.query_one(CodeCell)
    cell.focus()
    await pilot.press("r")
    await settle(pilot)
    cell.query_one(".code-cell--status").scroll_visible(top=True, animate=False)


def _with_long_output(
    snap_compare: Compare, make_app: MakeApp, then: Callable[[Pilot[Any]], Awaitable[None]]
) -> bool:
    """The first chapter's cell run with :data:`LONG_OUTPUT`, then ``then``."""

    async def run(pilot: Pilot[Any], screen: LessonScreen) -> None:
        await _long_output(pilot, screen)
        await then(pilot)

    factory = FakeKernelFactory(outputs={'print("x is", x)': LONG_OUTPUT})
    return snap_compare(
        make_app(COURSE, kernel_factory=factory),
        terminal_size=SIZE,
        run_before=opening("first-steps", run),
    )


def test_lesson_cell_long_output_shows_its_end(snap_compare: Compare, make_app: MakeApp) -> None:
    """The hidden-lines line, the tail, the long line cut, f in the footer."""

    async def nothing(pilot: Pilot[Any]) -> None:
        await pilot.pause()

    assert _with_long_output(snap_compare, make_app, nothing)


def test_whole_output_view(snap_compare: Compare, make_app: MakeApp) -> None:
    """f, then End: the last lines, the long line wrapped whole, the way out."""

    async def whole(pilot: Pilot[Any]) -> None:
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()

    assert _with_long_output(snap_compare, make_app, whole)


# ---- 60x20: the footer keeps the focused thing's keys, whole (issue 11) -----------------------

NARROW = (60, 20)


def test_narrow_course_map(snap_compare: Compare, make_app: MakeApp) -> None:
    """The chapter list has the focus; the footer says Enter opens a chapter."""
    assert snap_compare(make_app(COURSE), terminal_size=NARROW)


def test_narrow_wrong_answer(snap_compare: Compare, make_app: MakeApp) -> None:
    """Check, Hint, Try again and j/k stay in the footer of a question."""
    assert snap_compare(
        make_app(COURSE),
        terminal_size=NARROW,
        run_before=opening("first-steps", run_and_answer_wrong),
    )


def test_narrow_cell_editing(snap_compare: Compare, make_app: MakeApp) -> None:
    """The editor's footer: Ctrl+R runs, Escape stops editing."""
    assert snap_compare(
        make_app(COURSE), terminal_size=NARROW, run_before=opening("first-steps", _edit)
    )


def test_narrow_chapter_menu(snap_compare: Compare, make_app: MakeApp) -> None:
    """The menu stops above the footer, which shows its keys (Open, Close)."""
    assert snap_compare(
        make_app(COURSE), terminal_size=NARROW, run_before=opening("gradients", _menu)
    )


def test_narrow_help(snap_compare: Compare, make_app: MakeApp) -> None:
    """The way out of the help stays on screen when its list scrolls."""

    async def help_screen(pilot: Pilot[Any], screen: LessonScreen) -> None:
        await pilot.press("f1")

    assert snap_compare(
        make_app(COURSE, lang="pt"),
        terminal_size=NARROW,
        run_before=opening("first-steps", help_screen),
    )


def test_quiz_question(snap_compare: Compare, make_app: MakeApp) -> None:
    assert snap_compare(make_app(QUIZ), terminal_size=SIZE, run_before=_answer_first)


def test_quiz_result(snap_compare: Compare, make_app: MakeApp) -> None:
    async def finish(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#choice-1", RadioButton).value = True
        await pilot.press("c", "n")
        await pilot.pause()
        screen.query_one("#choice-0", Checkbox).value = True
        screen.query_one("#choice-1", Checkbox).value = True
        screen.query_one("#choice-0").focus()
        await pilot.press("c", "n")
        await pilot.pause()

    assert snap_compare(make_app(QUIZ), terminal_size=SIZE, run_before=finish)


SMALL = (60, 20)
THEMES_AND_SIZES = [
    pytest.param(theme, size, id=f"{theme}-{size[0]}x{size[1]}")
    for theme in ("dark", "light")
    for size in (SIZE, SMALL)
    if (theme, size) != ("dark", SIZE)  # test_course_map and the others above
]


def in_theme(
    theme: str, then: Callable[[Pilot[Any]], Awaitable[None]] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before that switches to ``theme`` (as Ctrl+T does), then does ``then``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = LIGHT_THEME if theme == "light" else DARK_THEME
        await pilot.pause()
        if then is not None:
            await then(pilot)

    return run_before


async def _answer_first(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    pilot.app.screen.query_one("#choice-0", RadioButton).value = True
    await pilot.press("c")
    await pilot.pause()


SCREENS: dict[str, tuple[Any, Callable[[Pilot[Any]], Awaitable[None]] | None]] = {
    "course-map": (COURSE, None),
    "lesson-cell-and-question": (COURSE, opening("first-steps", run_and_answer_wrong)),
    "quiz": (QUIZ, _answer_first),
}
"""The course map; a lesson with a run cell and a question answered wrong, with a hint (the
picked radio ● among ○); a quiz question answered."""


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize(("theme", "size"), THEMES_AND_SIZES)
def test_in_both_themes_and_sizes(
    snap_compare: Compare, make_app: MakeApp, name: str, theme: str, size: tuple[int, int]
) -> None:
    """Issue 11: the lesson page, the course map and a quiz at 100x32 and 60x20, dark and light
    (the dark 100x32 ones are test_course_map, test_lesson_cell_output_and_wrong_answer and
    test_quiz_question)."""
    target, then = SCREENS[name]
    assert snap_compare(make_app(target), terminal_size=size, run_before=in_theme(theme, then))


def test_loading(snap_compare: Compare) -> None:
    """The first frame, drawn while the target loads in a worker."""
    release = threading.Event()

    def opener() -> Study:
        release.wait(30)
        raise LoadError([])

    def release_soon(pilot: Pilot[Any]) -> None:
        # The app waits for its worker when it exits: let the opener give up a bit after the
        # screenshot instead of after its 30 s.
        threading.Timer(1.0, release.set).start()

    app = LectioApp(opener=opener, what="lessons/pytorch-essentials")
    app.animation_level = "none"
    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=release_soon)
    finally:
        release.set()
