"""The footer as drawn (issue 11, layout and keys), read from the screen at fixed sizes, in
English and Portuguese: the focused thing's main keys survive narrowing, nothing is cut
mid-word, and the keys a new learner needs are shown (Enter opens a chapter, j/k moves, the
editor's Escape and Ctrl+R, the chapter menu's own keys, the help's way out)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import RadioButton, RadioSet, TextArea
from textual.widgets._footer import FooterKey
from tui_support import COURSE, FakeKernelFactory, settle, until

from engine.execution.results import KernelState
from engine.i18n import t, tr
from engine.tui.app import LectioApp
from engine.tui.keys import ACTION_KEYS, GROUP_KEYS, FooterItem, fit_footer
from engine.tui.screens.course_map import CourseMapScreen
from engine.tui.screens.help import HelpScreen
from engine.tui.screens.lesson import LessonScreen
from engine.tui.screens.quiz import QuizScreen
from engine.tui.widgets.chapter_menu import ChapterList
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.kernel_status import KernelStatus
from engine.tui.widgets.question import Question

MakeApp = Callable[..., LectioApp]
LANGS = ["en", "pt"]
EVERY_SIZE_AND_LANGUAGE = pytest.mark.parametrize(
    ("size", "lang"), [(size, lang) for size in [(100, 32), (80, 24), (60, 20)] for lang in LANGS]
)


def screen_lines(app: App[Any]) -> list[str]:
    """The text of every line of the screen as drawn (what a screenshot shows)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer(app: App[Any]) -> dict[str, str]:
    """The footer's keys as drawn on the last line, ``{description: key}``; fails if a key is
    drawn cut (its text is not a whole description of a lectio key)."""
    line = screen_lines(app)[-1]
    assert isinstance(app, LectioApp)
    whole = {tr(m, app.lang) for m in (*ACTION_KEYS.values(), *GROUP_KEYS.values())}
    shown: dict[str, str] = {}
    if not line.strip():
        return shown  # between two compositions of the footer
    for chunk in line.strip().split("  "):
        key, _, description = chunk.strip().partition(" ")
        assert description in whole, f"cut or unknown footer key {chunk!r} in {line!r}"
        shown[description] = key
    return shown


async def footer_showing(pilot: Pilot[Any], *messages: str, lang: str) -> dict[str, str]:
    """The footer once it shows every message (it is redrawn after the focus moves)."""
    wanted = [said(m, lang) for m in messages]
    await until(
        pilot,
        lambda: all(w in footer(pilot.app) for w in wanted),
        f"the footer to show {wanted} (it shows {screen_lines(pilot.app)[-1]!r})",
    )
    return footer(pilot.app)


def said(message: str, lang: str) -> str:
    """``message`` as the interface says it in ``lang`` (the footer's words)."""
    return t(message, lang)


def test_fit_footer_drops_the_highest_rank_first_and_keeps_the_order() -> None:
    def item(action: str, rank: int, position: int) -> FooterItem:
        return FooterItem(action, "k", "x" * 6, action, True, "", rank, position)

    items = [item("run", 0, 0), item("copy", 3, 1), item("help", 1, 2), item("quit", 2, 3)]
    assert [i.action for i in fit_footer(items, 100)] == ["run", "copy", "help", "quit"]
    assert [i.action for i in fit_footer(items, 3 * items[0].width)] == ["run", "help", "quit"]
    assert [i.action for i in fit_footer(items, 2 * items[0].width + 1)] == ["run", "help"]
    assert fit_footer(items, items[0].width - 1) == []


async def open_first_steps(pilot: Pilot[Any]) -> LessonScreen:
    app = pilot.app
    assert isinstance(app, LectioApp)
    app.open_lesson("first-steps")
    await settle(pilot)
    assert isinstance(app.screen, LessonScreen)
    return app.screen


def busy_lesson(tmp_path: Path) -> Path:
    lesson = tmp_path / "busy.yaml"
    lesson.write_text(
        "id: busy\ntitle: Busy\nblocks:\n"
        "  - text: A cell that takes its time.\n"
        "  - code: |\n      time.sleep(5)\n"
    )
    return lesson


async def the_busy_cell(pilot: Pilot[Any]) -> CodeCell:
    """The code cell of :func:`busy_lesson`, once its screen is up."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    return screen.query_one(CodeCell)


async def until_busy(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    await until(pilot, lambda: screen.query_one(KernelStatus).state is KernelState.BUSY, "busy")


@EVERY_SIZE_AND_LANGUAGE
async def test_a_running_cell_keeps_run_edit_interrupt_and_move(
    make_app: MakeApp, tmp_path: Path, size: tuple[int, int], lang: str
) -> None:
    factory = FakeKernelFactory()
    app = make_app(busy_lesson(tmp_path), lang=lang, kernel_factory=factory)
    async with app.run_test(size=size) as pilot:
        code = await the_busy_cell(pilot)
        factory.kernels[0].release.clear()  # the fake "sleep" runs until released
        code.focus()
        await pilot.press("r")
        await until_busy(pilot)
        shown = await footer_showing(pilot, "Run", "Edit", "Interrupt", "Help", lang=lang)
        assert shown[said("Move", lang)] == "j/k"
        await pilot.press("i")
        await settle(pilot)


@EVERY_SIZE_AND_LANGUAGE
async def test_the_editor_of_a_running_cell_offers_ctrl_g_interrupt(
    make_app: MakeApp, tmp_path: Path, size: tuple[int, int], lang: str
) -> None:
    """While the editor takes the letters, ``i`` is typed, not the screen's Interrupt: Ctrl+G
    interrupts instead, shown in the footer while the kernel is busy."""
    factory = FakeKernelFactory()
    app = make_app(busy_lesson(tmp_path), lang=lang, kernel_factory=factory)
    async with app.run_test(size=size) as pilot:
        code = await the_busy_cell(pilot)
        code.focus()
        await pilot.press("e")
        await until(pilot, lambda: code.editing, "the editor")
        assert said("Interrupt", lang) not in footer(app)  # nothing runs yet
        factory.kernels[0].release.clear()  # the fake "sleep" runs until released
        await pilot.press("ctrl+r")
        await until_busy(pilot)
        shown = await footer_showing(pilot, "Interrupt", "Done editing", lang=lang)
        assert shown[said("Interrupt", lang)] == "^g"
        await pilot.press("i")  # typed into the code: the cell still runs
        await pilot.pause()
        assert code.running and "i" in code.query_one(TextArea).text
        await pilot.press("ctrl+g")
        await until(pilot, lambda: not code.running, "the interrupted cell to stop")
        assert code.editing


@EVERY_SIZE_AND_LANGUAGE
async def test_a_question_keeps_check_hint_and_try_again(
    make_app: MakeApp, size: tuple[int, int], lang: str
) -> None:
    app = make_app(COURSE, lang=lang)
    async with app.run_test(size=size) as pilot:
        await open_first_steps(pilot)
        question = app.screen.query_one(Question)
        question.query_one("RadioSet").focus()
        await footer_showing(pilot, "Check", "Hint", "Move", lang=lang)
        question.query_one("#choice-2", RadioButton).value = True
        await pilot.press("c")
        await settle(pilot)
        await footer_showing(pilot, "Try again", "Hint", lang=lang)


@EVERY_SIZE_AND_LANGUAGE
async def test_the_course_map_says_enter_opens_a_chapter(
    make_app: MakeApp, size: tuple[int, int], lang: str
) -> None:
    app = make_app(COURSE, lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CourseMapScreen)
        assert (await footer_showing(pilot, "Open", lang=lang))[said("Open", lang)] == "enter"
        await pilot.press("down", "enter")  # the second chapter, picked with the keys
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "gradients"


@EVERY_SIZE_AND_LANGUAGE
async def test_the_editor_shows_escape_and_ctrl_r_and_ctrl_r_runs(
    make_app: MakeApp, kernels: FakeKernelFactory, size: tuple[int, int], lang: str
) -> None:
    app = make_app(COURSE, lang=lang)
    async with app.run_test(size=size) as pilot:
        await open_first_steps(pilot)
        code = app.screen.query_one(CodeCell)
        code.focus()
        await pilot.press("e")
        shown = await footer_showing(pilot, "Done editing", "Run", lang=lang)
        assert shown[said("Done editing", lang)] == "esc"
        assert shown[said("Run", lang)] == "^r"
        await pilot.press("ctrl+r")  # runs the cell being edited, not a kernel restart
        await settle(pilot)
        assert code.editing and code.has_class("-ok")
        assert kernels.kernels[0].executed and kernels.kernels[0].generation == 1
        await pilot.press("escape")
        await until(
            pilot,
            lambda: said("Done editing", lang) not in footer(app),
            "the footer without Done editing",
        )
        assert not code.editing


@EVERY_SIZE_AND_LANGUAGE
async def test_the_chapter_menu_leaves_the_footer_and_its_keys_visible(
    make_app: MakeApp, size: tuple[int, int], lang: str
) -> None:
    app = make_app(COURSE, lang=lang)
    async with app.run_test(size=size) as pilot:
        screen = await open_first_steps(pilot)
        # closed, the menu is out of sight and out of the focus chain (Tab, the first focus)
        assert not any(isinstance(w, ChapterList) for w in screen.focus_chain)
        await pilot.press("m")
        await pilot.pause()
        assert screen.has_class("-menu")
        assert isinstance(app.focused, ChapterList)
        shown = await footer_showing(pilot, "Open", "Close", lang=lang)
        assert shown[said("Open", lang)] == "enter" and shown[said("Close", lang)] == "esc"
        assert said("Move", lang) not in shown  # j / k would move the blocks under the menu
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.has_class("-menu") and isinstance(app.screen, LessonScreen)


@EVERY_SIZE_AND_LANGUAGE
async def test_the_help_shows_its_way_out(
    make_app: MakeApp, size: tuple[int, int], lang: str
) -> None:
    app = make_app(COURSE, lang=lang)
    async with app.run_test(size=size) as pilot:
        await open_first_steps(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await pilot.pause()
        drawn = "\n".join(screen_lines(app))
        assert said("Escape, q or F1 closes this help", lang) in drawn
        assert (await footer_showing(pilot, "Close", lang=lang))[said("Close", lang)] == "esc"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


BUNDLED = Path(__file__).resolve().parents[2] / "lessons"
AUTOGRAD_REVIEW = {
    "en": ("pytorch-essentials", "autograd-review"),
    "pt": ("pytorch-essentials-pt", "autograd-review-pt"),
}
"""The bundled course in each language and its autograd quiz (in ``quizzes/``, beside it)."""


@EVERY_SIZE_AND_LANGUAGE
async def test_a_quiz_opened_from_the_course_keeps_back_and_the_questions_keys(
    make_app: MakeApp, size: tuple[int, int], lang: str
) -> None:
    """Issue 11: at 60 columns the Portuguese quiz footer dropped "esc Voltar", the only key
    that leads back to the course map, for "s Pular pergunta"; the way out stays, with Check,
    Hint and Skip question before the answer and Next question after it."""
    course, quiz = AUTOGRAD_REVIEW[lang]
    app = make_app(BUNDLED / course, lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_quiz(quiz)
        await until(pilot, lambda: isinstance(app.screen, QuizScreen), "the quiz")
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await until(pilot, lambda: bool(screen.query(RadioButton)), "the first question")
        screen.query_one(RadioSet).focus()
        shown = await footer_showing(pilot, "Check", "Hint", "Skip question", lang=lang)
        assert shown.get(said("Back", lang)) == "esc", shown
        wrong = next(
            i for i, c in enumerate(screen.session.items[0].question.choices) if not c.correct
        )
        screen.query_one(f"#choice-{wrong}", RadioButton).value = True
        await pilot.press("c")
        shown = await footer_showing(pilot, "Next question", lang=lang)
        assert shown.get(said("Back", lang)) == "esc", shown
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CourseMapScreen), "the course map")


async def test_the_footer_is_rebuilt_only_when_its_keys_change(make_app: MakeApp) -> None:
    """A change of the screen's bindings that keeps the keys the footer draws (every focus move
    and ``refresh_bindings`` signals one) leaves its keys as they are; one that changes them
    redraws it. Textual's footer rebuilt itself at each: five times in a row at start-up."""
    app = make_app(COURSE)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CourseMapScreen)
        keys = list(app.screen.query(FooterKey))
        assert keys
        for _ in range(3):
            app.screen.refresh_bindings()
            await settle(pilot)
        assert list(app.screen.query(FooterKey)) == keys  # the same widgets: not rebuilt
        app.screen.query_one("#continue").focus()  # a button: no "enter Open" of the list
        await settle(pilot)
        assert list(app.screen.query(FooterKey)) != keys
        assert said("Open", "en") not in footer(app)
