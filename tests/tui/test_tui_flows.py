"""Pilot tests of the TUI flows over the real session and executor, with a fake kernel.

open, run, edit, answer wrong then right, hint, feedback, navigate, resume, graph, crash,
safe output, quiz, language, help and palette. One test (marked slow) runs a real kernel.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, OptionList, RadioButton, Static
from tui_support import COURSE, QUIZ, SIZE, FakeKernelFactory, real_kernel_app, settle, until

from engine.execution.results import KernelState
from engine.format.models import CodeBlock
from engine.session.study import Study
from engine.session.targets import open_target
from engine.store import SqliteStore
from engine.tui.app import DARK_THEME, LIGHT_THEME, LectioApp
from engine.tui.screens.course_map import CourseMapScreen
from engine.tui.screens.help import HelpScreen
from engine.tui.screens.lesson import LessonScreen
from engine.tui.screens.quiz import QuizScreen
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.feedback import ChapterFeedback
from engine.tui.widgets.graph_view import GraphView
from engine.tui.widgets.kernel_status import KernelStatus
from engine.tui.widgets.question import Question

MakeApp = Callable[..., LectioApp]


def text_of(widget: Static) -> str:
    """The plain text a Static shows (Rich renderables rendered, styles dropped)."""
    console = Console(width=SIZE[0], color_system=None, record=True, file=io.StringIO())
    console.print(widget.content)
    return "\n".join(line.rstrip() for line in console.export_text().rstrip("\n").splitlines())


async def open_lesson(pilot: Pilot[int], lesson_id: str = "first-steps") -> LessonScreen:
    app = pilot.app
    assert isinstance(app, LectioApp)
    assert isinstance(app.screen, CourseMapScreen)
    app.open_lesson(lesson_id)
    await settle(pilot)
    assert isinstance(app.screen, LessonScreen)
    return app.screen


def cell(screen: LessonScreen, n: int = 0) -> CodeCell:
    return list(screen.query(CodeCell))[n]


async def test_course_map_lists_chapters_and_starts(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CourseMapScreen)
        chapters = screen.query_one("#chapters", OptionList)
        prompts = [
            str(chapters.get_option_at_index(i).prompt) for i in range(chapters.option_count)
        ]
        assert prompts[0].startswith("Section 1 · Basics")
        assert "Chapter 1  First steps" in prompts[1]
        assert "Chapter 2  Gradients" in prompts[2]
        assert "0 of 2 chapters done" in str(screen.query_one(".course--progress").render())
        assert "Start" in str(screen.query_one("#continue", Button).label)
        await pilot.press("enter")  # Continue is focused
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "first-steps"
        assert "Section 1 · Chapter 1" in str(app.screen.query_one(".lesson--chapter").render())


async def test_run_cell_streams_output_and_records(
    make_app: MakeApp, store: SqliteStore, kernels: FakeKernelFactory
) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        assert screen.query_one(KernelStatus).state is KernelState.READY
        code = cell(screen)
        code.focus()
        await pilot.press("r")
        await settle(pilot)
        output = text_of(code.query_one(".code-cell--output", Static))
        assert output == "x is 2"
        assert "Done in 0.01 s" in str(code.query_one(".code-cell--status").render())
        assert code.has_class("-ok")
        runs = store.cell_runs(learner="tester")
        assert [(r.cell, r.status) for r in runs] == [(2, "ok")]
        assert kernels.kernels[0].executed == ['x = 2\nprint("x is", x)\n']


async def test_edit_runs_the_edited_code_and_reset_restores(
    make_app: MakeApp, kernels: FakeKernelFactory
) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        code = cell(screen)
        code.focus()
        await pilot.press("e")
        await pilot.pause()
        assert code.editing
        editor = code.query_one("CellEditor")
        assert editor.has_focus
        await pilot.press("down", "down", "end")
        await pilot.press(*"raise")
        await pilot.press("escape")
        await pilot.pause()
        assert not code.editing and code.edited
        assert screen.session.cell(2).edited
        assert screen.session.cell(2).code.endswith("raise")
        await pilot.press("r")
        await settle(pilot)
        assert kernels.kernels[0].executed[-1].endswith("raise")
        assert code.has_class("-error")
        assert "ZeroDivisionError" in text_of(code.query_one(".code-cell--output", Static))
        await pilot.press("o")
        await pilot.pause()
        assert not code.edited and not screen.session.cell(2).edited
        assert code.code == code.block.code
        # the output of the learner's version goes with it (issue 11)
        assert "ZeroDivisionError" not in text_of(code.query_one(".code-cell--output", Static))
        assert not code.has_class("-error")


async def test_answer_wrong_then_right_with_hints(make_app: MakeApp, store: SqliteStore) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        question = screen.query_one(Question)
        assert "Select the correct answer" in str(
            question.query_one(".question--instruction").render()
        )
        # hints, one at a time
        question.query_one("RadioSet").focus()
        await pilot.press("h")
        await pilot.pause()
        hints = text_of(question.query_one(".question--hints", Static))
        assert "Hint 1 of 2: Read the print call." in hints
        assert "Hint 2" not in hints
        await pilot.press("h")
        await pilot.pause()
        assert "Hint 2 of 2: The value of x is 2." in text_of(
            question.query_one(".question--hints", Static)
        )
        assert question.query_one("#hint").disabled
        # a used-up ladder reads as such: no button cut to "No", a line that says it
        assert not question.query_one("#hint").display
        assert "No more hints." in text_of(question.query_one(".question--hints", Static))
        # wrong: "x is x" (original index 1)
        question.query_one("#choice-1", RadioButton).value = True
        await pilot.press("c")
        await pilot.pause()
        assert question.has_class("-wrong")
        verdict = str(question.query_one(".question--verdict").render())
        assert "Not quite." in verdict and "Attempt 1" in verdict
        explanations = text_of(question.query_one(".question--explanations", Static))
        # a wrong answer tells why the pick is wrong, and nothing of the right answer
        assert "x is a variable" in explanations and "your answer" in explanations
        for hidden in ("print joins its arguments", "print always writes", "correct answer"):
            assert hidden not in explanations
        assert question.query_one("#retry").display and question.query_one("#show-answer").display
        await pilot.press("c")  # the same picks again: not another attempt
        await pilot.pause()
        assert len(store.attempts(learner="tester")) == 1
        # retry, then right
        await pilot.press("t")
        await pilot.pause()
        assert question.picks() == frozenset()
        assert not question.has_class("-checked")
        question.query_one("#choice-0", RadioButton).value = True
        await pilot.press("c")
        await pilot.pause()
        assert question.has_class("-correct") and question.solved
        assert "Correct!" in str(question.query_one(".question--verdict").render())
        attempts = store.attempts(learner="tester")
        assert [(a.picks, a.correct) for a in attempts] == [((1,), False), ((0,), True)]
        assert len(store.hints(learner="tester", course="tui-course", lesson="first-steps")) == 2


async def test_show_answer_reveals_and_is_recorded(make_app: MakeApp, store: SqliteStore) -> None:
    """Issue 11: after a wrong answer, "Show answer" (a) shows every choice and why, and the
    store records it as given up (no picks); nothing more can be checked."""
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        question = screen.query_one(Question)
        question.query_one("#choice-1", RadioButton).value = True
        question.query_one("RadioSet").focus()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        explanations = text_of(question.query_one(".question--explanations", Static))
        for why in ("print joins its arguments", "x is a variable", "print always writes"):
            assert why in explanations
        assert "correct answer" in explanations
        assert "your answer" in explanations  # the wrong pick is still said to be theirs
        assert not question.query_one("#retry").display
        assert not question.has_class("-wrong") and not question.solved
        assert [(a.picks, a.correct) for a in store.attempts(learner="tester")] == [
            ((1,), False),
            ((), False),
        ]


async def test_a_pick_is_visible_without_colour(make_app: MakeApp) -> None:
    """Issue 11: picked and unpicked radios and checkboxes have different glyphs."""
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        radios = list(screen.query_one(Question).query(RadioButton))
        radios[0].value = True
        await pilot.pause()
        marks = [str(r._button)[1] for r in radios]
        assert marks[0] == "●" and set(marks[1:]) == {"○"}
        app.open_lesson("gradients")
        await settle(pilot)
        boxes = list(app.screen.query_one(Question).query(Checkbox))
        boxes[1].value = True
        await pilot.pause()
        assert [str(b._button)[1] for b in boxes][:2] == [" ", "X"]


async def test_multiple_choice_uses_checkboxes(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "gradients")
        question = screen.query_one(Question)
        assert "Select all that apply" in str(question.query_one(".question--instruction").render())
        question.query_one("#choice-0", Checkbox).value = True
        question.query_one("#choice-0").focus()
        await pilot.press("c")
        await pilot.pause()
        assert "1 missed" in str(question.query_one(".question--verdict").render())
        question.query_one("#choice-1", Checkbox).value = True
        await pilot.press("c")
        await pilot.pause()
        assert question.has_class("-correct")


async def test_arrow_keys_move_between_checkboxes(make_app: MakeApp) -> None:
    from textual.widgets import Checkbox

    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "gradients")
        question = screen.query_one(Question)
        boxes = list(question.query(Checkbox))
        boxes[0].focus()
        assert len(boxes) == 3
        await pilot.press("down", "space", "down", "down", "up")  # the last down stays
        await pilot.pause()
        assert app.focused is boxes[1]
        assert [box.value for box in boxes] == [i == 1 for i in range(len(boxes))]
        await pilot.press("up", "up", "up")  # stays on the first
        assert app.focused is boxes[0]


async def test_feedback_then_thanks(make_app: MakeApp, store: SqliteStore) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        feedback = screen.query_one(ChapterFeedback)
        assert "Was everything clear?" in str(feedback.query_one(".feedback--question").render())
        feedback.query_one("#no").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert feedback.clear is False
        assert feedback.query_one(Input).has_focus
        await pilot.press(*"more pictures", "enter")
        await pilot.pause()
        assert feedback.sent
        assert feedback.query_one(".feedback--thanks").display
        [record] = store.feedback(learner="tester")
        assert (record.clear, record.comment, record.block) == (False, "more pictures", 6)


async def test_navigate_chapters_menu_and_back(make_app: MakeApp, store: SqliteStore) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        screen.query_one("#blocks").focus()
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "gradients"
        assert "Section 1 · Chapter 2" in str(app.screen.query_one(".lesson--chapter").render())
        # moving on reaches the end, but its question is unanswered: not done (issue 11)
        progress = store.load_progress("tester", "tui-course", "first-steps")
        assert progress is not None and progress.position == 6 and not progress.done
        for index in screen.session.open_questions():  # settled now: the end was reached
            screen.session.show_answer(index)
        assert screen.session.complete
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.has_class("-menu")
        assert app.screen.query_one("#chapters", OptionList).has_focus
        await pilot.press("up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "first-steps"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CourseMapScreen)
        assert "1 of 2 chapters done" in str(app.screen.query_one(".course--progress").render())


async def test_resume_where_the_learner_stopped(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "gradients")
        screen.query_one(GraphView).focus()
        await pilot.pause()
        assert screen.session.position == 2
    again = make_app(COURSE)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Continue ▶ Section 1 · Chapter 2 · Gradients" in str(
            again.screen.query_one("#continue", Button).label
        )
        await pilot.press("c")
        await settle(pilot)
        resumed = again.screen
        assert isinstance(resumed, LessonScreen)
        assert resumed.lesson.id == "gradients"
        assert resumed.query_one(GraphView).has_focus
        assert resumed.query_one(GraphView).has_class("-current")


async def test_a_finished_chapter_reopens_at_its_top(make_app: MakeApp, store: SqliteStore) -> None:
    """Issue 11: a chapter read to its end reopened on its feedback form; it opens at its top
    (as the plain mode does), and the top is recorded once the learner is there."""
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        for index in screen.session.open_questions():
            screen.session.show_answer(index)
        screen.session.finish()
        assert screen.session.complete
        app.back_to_course()
        await settle(pilot)
        app.open_lesson("first-steps")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, LessonScreen)
        blocks = again.query_one("#blocks")
        current = blocks.query(".block.-current")
        assert [getattr(w, "block_index", None) for w in current] == [0]
        assert blocks.scroll_y == 0
        progress = store.load_progress("tester", "tui-course", "first-steps")
        assert progress is not None and progress.position == 0 and progress.done


async def test_graph_drawn_from_the_kernel(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "gradients")
        view = screen.query_one(GraphView)
        view.focus()
        await pilot.press("g")
        await settle(pilot)
        drawn = text_of(view.query_one(".graph--body", Static))
        lines = drawn.splitlines()
        assert lines[0].startswith("y  tensor(5., grad_fn=<AddBackward0>)")
        assert "AddBackward0" in lines[1] and "MulBackward0" in lines[2]
        assert "x  tensor(2., requires_grad=True)  grad=tensor(4.)" in lines[3]
        assert "↑ x" in lines[4]
        assert "↑ x: the same x as above, used again (drawn once)" in drawn  # said on screen
        # drawing ran the cell above: its result is shown
        assert "tensor(5." in text_of(cell(screen).query_one(".code-cell--output", Static))


async def test_crash_shows_on_the_cell_and_kernel_comes_back(
    make_app: MakeApp, kernels: FakeKernelFactory
) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        screen.session.edit_cell(2, "import os; os._exit(3)")
        code = cell(screen)
        code.focus()
        await pilot.press("r")
        await settle(pilot)
        assert code.has_class("-error")
        assert "kernel crashed" in str(code.query_one(".code-cell--status").render())
        assert "exited with status 3" in text_of(code.query_one(".code-cell--output", Static))
        assert screen.query_one(KernelStatus).state is KernelState.READY
        assert kernels.kernels[0].generation == 2


async def test_a_kernel_not_forked_from_the_zygote_says_so_in_its_status(
    make_app: MakeApp,
) -> None:
    note = "spawned, not forked from the warm zygote: sandboxed kernels are each started alone"
    app = make_app(COURSE, kernel_factory=FakeKernelFactory(start_note=note))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        status = screen.query_one(KernelStatus)
        assert status.state is KernelState.READY
        assert str(status.render()) == "Kernel ● ready · slow start"
        assert status.tooltip == note
    forked = make_app(COURSE, kernel_factory=FakeKernelFactory())
    async with forked.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        status = screen.query_one(KernelStatus)
        assert str(status.render()) == "Kernel ● ready" and status.tooltip is None


async def test_output_escape_sequences_are_inert(make_app: MakeApp) -> None:
    evil = "\x1b[31mred\x1b[0m \x1b]52;c;aGk=\x07 [bold]x[/bold]\x9b2J\n"
    factory = FakeKernelFactory(outputs={"print": evil})
    app = make_app(COURSE, kernel_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        code = cell(screen)
        code.focus()
        await pilot.press("r")
        await settle(pilot)
        shown = code.query_one(".code-cell--output", Static).render()
        plain = str(shown)
        assert "\x1b" not in plain and "\x07" not in plain and "\x9b" not in plain
        assert "␛[31mred␛[0m" in plain
        assert "␛]52;c;aGk=␇" in plain
        assert "[bold]x[/bold]" in plain  # markup is not interpreted
        assert "\\x9b2J" in plain


async def test_standalone_quiz_score_and_review(make_app: MakeApp, store: SqliteStore) -> None:
    app = make_app(QUIZ)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert "Question 1 of 2" in str(screen.query_one(".quiz--count").render())
        screen.query_one("#choice-1", RadioButton).value = True  # wrong
        await pilot.press("c")
        await pilot.pause()
        assert screen.query_one(Question).has_class("-wrong")
        await pilot.press("n")
        await pilot.pause()
        assert "Question 2 of 2" in str(screen.query_one(".quiz--count").render())
        question = screen.query_one(Question)
        question.query_one("#choice-0", Checkbox).value = True
        question.query_one("#choice-1", Checkbox).value = True
        question.query_one("#choice-1").focus()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert "Score: 1 of 2 (50%)" in str(screen.query_one(".quiz--score").render())
        assert "Pass mark: 50%" in str(screen.query_one(".quiz--pass-mark").render())
        assert "Passed!" in str(screen.query_one(".quiz--verdict").render())
        misses = [text_of(s) for s in screen.query(".quiz--miss").results(Static)]
        assert len(misses) == 1 and "Which call computes gradients?" in misses[0]
        [attempt] = store.quiz_attempts("tester", "review")
        assert attempt.finished is not None and attempt.passed


async def test_quiz_pass_mark_first_next_after_an_answer_and_skip(
    make_app: MakeApp, store: SqliteStore
) -> None:
    """Issue 11: the pass mark shows from the start; ``n`` is offered only once the question
    is answered; ``s`` skips a question (a miss)."""
    app = make_app(QUIZ)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert "Pass mark: 50%" in str(screen.query_one(".quiz--pass-mark-top").render())
        assert screen.check_action("next_question", ()) is False
        assert screen.check_action("skip_question", ()) is True
        await pilot.press("n")  # not offered: nothing happens
        await pilot.pause()
        assert "Question 1 of 2" in str(screen.query_one(".quiz--count").render())
        await pilot.press("s")
        await pilot.pause()
        assert "Question 2 of 2" in str(screen.query_one(".quiz--count").render())
        (attempt,) = store.quiz_attempts("tester", "review")
        assert attempt.skipped == ("which-call",)


async def test_portuguese_interface(make_app: MakeApp) -> None:
    app = make_app(COURSE, lang="pt")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        assert "Seção 1 · Capítulo 1" in str(screen.query_one(".lesson--chapter").render())
        question = screen.query_one(Question)
        assert "Selecione a resposta correta" in str(
            question.query_one(".question--instruction").render()
        )
        feedback = screen.query_one(ChapterFeedback)
        assert "Tudo estava claro?" in str(feedback.query_one(".feedback--question").render())
        assert "Como podemos melhorá-lo?" in str(feedback.query_one(".feedback--improve").render())
        assert "Obrigado pelo seu feedback!" in str(
            feedback.query_one(".feedback--thanks").render()
        )
        cell(screen).focus()
        await pilot.pause()
        descriptions = {b.binding.description for b in screen.active_bindings.values()}
        assert {"Executar", "Editar", "Copiar"} <= descriptions
        # no English from Textual itself (issue 11): the footer's palette key, its commands
        assert "palette" not in descriptions and "Comandos" in descriptions
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for english in ("Focus Next", "Copy selected text", "Theme", "Quit", "Screenshot"):
            assert english not in titles
        assert {"Focar o próximo", "Copiar o texto selecionado", "Tema"} <= set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        from textual.command import CommandInput

        assert app.screen.query_one(CommandInput).placeholder == "Buscar comandos…"


async def test_help_theme_and_palette(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        cell(screen).focus()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert not app.current_theme.dark
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for command in (
            "Run",
            "Run all above",
            "Edit",
            "Copy",
            "Restart kernel",
            "Next chapter",
            "Chapters",
            "Light/dark",
        ):
            assert command in titles  # also those the footer leaves out for room
        assert "Interrupt" not in titles  # only while the kernel is busy
        assert "Previous chapter" not in titles  # the first chapter: none before it


def _colours(app: LectioApp) -> list[tuple[str, str, str]]:
    """Every widget of the screen with its computed background and text colour."""
    return [
        (f"{type(w).__name__}#{w.id}", str(w.styles.background), str(w.styles.color))
        for w in app.screen.query("*")
    ]


@pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME])
async def test_an_app_started_in_a_theme_looks_as_if_switched_to_it(
    store: SqliteStore, kernels: FakeKernelFactory, theme: str
) -> None:
    """The theme is given at construction (no CSS re-parse before the first frame), yet the app
    is styled exactly as one switched to that theme with ctrl+t: the same classes, CSS
    variables and colours on every widget of the course map."""
    other = LIGHT_THEME if theme == DARK_THEME else DARK_THEME
    seen = []
    for start, toggle in ((theme, False), (other, True)):
        study = Study(open_target(COURSE, whole_course=True), store, "t", kernel_factory=kernels)
        app = LectioApp(study, theme=start)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if toggle:
                await pilot.press("ctrl+t")
                await pilot.pause()
            assert app.theme == theme
            classes = sorted(c for c in app.classes if c.startswith("-"))
            seen.append((classes, app.stylesheet._variables, _colours(app)))
    assert seen[0] == seen[1]
    assert f"-theme-{theme}" in seen[0][0]


async def test_copy_puts_the_code_on_the_clipboard(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        cell(screen).focus()
        await pilot.press("y")
        await pilot.pause()
        block = screen.lesson.blocks[2]
        assert isinstance(block, CodeBlock)
        assert app.clipboard == block.code


@pytest.mark.slow
async def test_real_kernel_runs_a_tiny_cell(tmp_path: Path) -> None:
    """The real kernel subprocess, end to end through the TUI (no fake)."""
    lesson = tmp_path / "tiny.yaml"
    lesson.write_text(
        "id: tiny\ntitle: Tiny\nrequires: []\nblocks:\n  - code: |\n      print(6 * 7)\n"
    )
    with real_kernel_app(lesson, tmp_path) as app:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            code = cell(screen)
            code.focus()
            await pilot.press("r")
            await until(
                pilot, lambda: code.has_class("-ok") or code.has_class("-error"), "the cell's end"
            )
            assert text_of(code.query_one(".code-cell--output", Static)) == "42"
            assert screen.query_one(KernelStatus).state is KernelState.READY


async def test_graph_redrawn_after_the_cells_above_run(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "gradients")
        view = screen.query_one(GraphView)
        assert "Press Draw" in text_of(view.query_one(".graph--body", Static))
        cell(screen).focus()
        await pilot.press("r")
        await settle(pilot)
        await settle(pilot)
        assert "MulBackward0" in text_of(view.query_one(".graph--body", Static))


async def test_mouse_clicks_a_cell_action(make_app: MakeApp, kernels: FakeKernelFactory) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        code = cell(screen)
        await pilot.click(code.query_one(".code-cell--buttons"), offset=(2, 0))  # "▶ Run"
        await settle(pilot)
        assert code.has_class("-ok")
        assert kernels.kernels[0].executed


async def test_restart_kernel_clears_the_cells(
    make_app: MakeApp, kernels: FakeKernelFactory
) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        code = cell(screen)
        code.focus()
        await pilot.press("r")
        await settle(pilot)
        assert code.has_class("-ok")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not code.has_class("-ok")
        assert "Not run yet" in str(code.query_one(".code-cell--status").render())
        assert not screen.session.ran(2)


def test_the_interface_process_never_imports_torch(tmp_path: Path) -> None:
    """Open a lesson, run a cell (fake kernel), draw a graph: torch stays out of the UI."""
    script = f"""
import asyncio, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from tui_support import COURSE, FakeKernelFactory
from engine.store import SqliteStore
from engine.tui.app import LectioApp
from engine.session.study import Study
from engine.session.targets import open_target

async def main():
    study = Study(open_target(COURSE / "gradients.yaml", whole_course=True),
                  SqliteStore({str(tmp_path / "db")!r}), kernel_factory=FakeKernelFactory())
    app = LectioApp(study)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("j", "r", "j", "g")
        await app.workers.wait_for_complete()
        await pilot.pause()
asyncio.run(main())
print("torch" in sys.modules)
"""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "False"


async def test_an_expected_exception_is_not_a_failure(make_app: MakeApp, tmp_path: Path) -> None:
    lesson = tmp_path / "raises.yaml"
    lesson.write_text(
        "id: raises\ntitle: Raises\nblocks:\n"
        "  - code: |\n      raise ZeroDivisionError\n"
        "    expect: {raises: ZeroDivisionError}\n"
        "  - code: |\n      raise ZeroDivisionError\n"
    )
    app = make_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        expected, unexpected = list(screen.query(CodeCell))
        unexpected.focus()
        await pilot.press("r")
        await settle(pilot)
        assert expected.has_class("-ok") and not expected.has_class("-error")
        assert "ZeroDivisionError raised, as the lesson expects" in str(
            expected.query_one(".code-cell--status").render()
        )
        assert unexpected.has_class("-error")


async def test_responsive_while_a_cell_runs_and_later_runs_wait(
    make_app: MakeApp, tmp_path: Path
) -> None:
    lesson = tmp_path / "slow.yaml"
    lesson.write_text(
        "id: slow\ntitle: Slow\nblocks:\n"
        "  - code: |\n      time.sleep(5)\n"
        "  - code: |\n      print('x is', 2)\n"
    )
    factory = FakeKernelFactory(outputs={"print": "x is 2\n"})
    app = make_app(lesson, kernel_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        slow, fast = list(screen.query(CodeCell))
        kernel = factory.kernels[0]
        kernel.release.clear()  # the fake "sleep" blocks until released
        slow.focus()
        await pilot.press("r")
        await until(
            pilot,
            lambda: screen.query_one(KernelStatus).state is KernelState.BUSY,
            "the kernel to be busy",
        )
        assert slow.running and "Running…" in str(slow.query_one(".code-cell--status").render())
        await pilot.press("m")  # the interface still reacts
        await pilot.pause()
        assert screen.has_class("-menu")
        await pilot.press("escape")
        fast.focus()
        await pilot.press("r")
        await pilot.pause()
        assert "Waiting…" in str(fast.query_one(".code-cell--status").render())
        await pilot.press("i")  # interrupt: the fake kernel lets the sleep end
        await settle(pilot)
        assert not slow.running and slow.has_class("-ok")
        assert text_of(fast.query_one(".code-cell--output", Static)) == "x is 2"


async def test_course_map_drawn_from_the_outline_then_loaded(
    store: SqliteStore, kernels: FakeKernelFactory
) -> None:
    """The first frame is the course map from the outline (no validated load yet, real titles
    and progress); a chapter picked before the full load ends opens when it ends."""
    import threading

    from engine.session.study import Study, preview_target
    from engine.session.targets import open_target

    release = threading.Event()

    def opener() -> Study:
        release.wait(10)
        return Study(
            open_target(COURSE, whole_course=True), store, learner="tester", kernel_factory=kernels
        )

    from engine.store.records import LessonProgress

    store.save_progress(
        LessonProgress("tester", "tui-course", "first-steps", position=3, done=True, updated=1.0)
    )
    outline = preview_target(COURSE)
    assert outline is not None
    preview = Study(outline, store, learner="tester", kernel_factory=kernels)
    app = LectioApp(opener=opener, preview=preview)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CourseMapScreen) and app.loading
            assert "1 of 2 chapters done" in str(screen.query_one(".course--progress").render())
            chapters = screen.query_one("#chapters", OptionList)
            prompt = str(chapters.get_option("gradients").prompt)
            assert "Chapter 2  Gradients" in prompt
            await pilot.press("enter")  # Continue, while the lessons are still loading
            await pilot.pause()
            assert app.screen is screen
            release.set()
            await settle(pilot)
            assert not app.loading
            assert isinstance(app.screen, LessonScreen)
            assert app.screen.lesson.id == "gradients"
    finally:
        release.set()
        for session in app.sessions:
            session.close()


class RefusingStore(SqliteStore):
    """A store whose writes of answers, hints and progress are refused (a read-only disk)."""

    refuse = False

    def _refused(self) -> None:
        from engine.store import StoreError

        if self.refuse:
            raise StoreError(
                f"{self.path}: cannot write: attempt to write a readonly database; "
                "this was not saved"
            )

    def add_attempt(self, attempt: Any) -> Any:
        self._refused()
        return super().add_attempt(attempt)

    def add_hint(self, hint: Any) -> Any:
        self._refused()
        return super().add_hint(hint)

    def save_progress(self, progress: Any) -> Any:
        self._refused()
        return super().save_progress(progress)


async def test_a_refused_write_is_a_notification(
    tmp_path: Path, kernels: FakeKernelFactory
) -> None:
    from engine.session.study import Study
    from engine.session.targets import open_target

    store = RefusingStore(tmp_path / "db")
    app = LectioApp(
        Study(
            open_target(COURSE, whole_course=True), store, learner="tester", kernel_factory=kernels
        )
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_lesson(pilot)
            store.refuse = True
            question = screen.query_one(Question)
            question.query_one("#choice-0", RadioButton).value = True
            question.query_one("RadioSet").focus()
            await pilot.press("c")
            await pilot.pause()
            await pilot.press("h")
            await pilot.press("j", "j")  # moving saves the position: refused too, quietly
            await pilot.pause()
            shown = [(n.title, n.message) for n in app._notifications]
            assert shown == [
                (
                    "Not saved",
                    f"{store.path}: cannot write: attempt to write a "
                    "readonly database; this was not saved",
                )
            ]
            assert app.is_running and app.screen is screen
            assert not question.has_class("-checked")  # nothing graded that was not recorded
            store.refuse = False
            question.query_one("RadioSet").focus()
            await pilot.press("c")
            await pilot.pause()
            assert question.has_class("-correct")
            assert [a.correct for a in store.attempts(learner="tester")] == [True]
    finally:
        for session in app.sessions:
            session.close()
        store.close()


async def test_a_failing_worker_is_a_notification(
    make_app: MakeApp, kernels: FakeKernelFactory
) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)

        def broken() -> None:
            raise RuntimeError("the kernel package is broken")

        screen.session.start_kernel = broken  # type: ignore[method-assign]
        screen._start_kernel()
        await until(pilot, lambda: app._notifications, "a notification")
        shown = [(n.title, n.message) for n in app._notifications]
        assert (
            "Something went wrong (this is a bug in lectio)",
            "RuntimeError: the kernel package is broken",
        ) in shown
        assert app.is_running and app.screen is screen


async def test_a_store_that_cannot_be_opened_ends_the_app_with_one_line() -> None:
    from engine.store import StoreError

    def opener() -> Any:
        raise StoreError("/nowhere: cannot create the data folder: permission denied")

    app = LectioApp(opener=opener, what="course")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running, "the app to end")
    assert app.return_value == 1
    assert app.fatal == "/nowhere: cannot create the data folder: permission denied"
    assert app.crash is None


async def test_keys_work_while_the_rest_of_a_chapter_is_mounted(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blocks after the first frame are mounted a few at a time by a worker: j moves
    meanwhile, and the resume at the end does not take the learner back. The pause between two
    chunks is held until the test lets it go, so "meanwhile" does not depend on timing."""
    import asyncio
    from types import SimpleNamespace

    from engine.tui.widgets import block_list

    gate = asyncio.Event()
    pauses: list[float] = []

    async def held(delay: float) -> None:
        pauses.append(delay)
        await gate.wait()

    monkeypatch.setattr(block_list, "FIRST_WINDOW", 2)
    monkeypatch.setattr(block_list, "MOUNT_CHUNK", 1)
    monkeypatch.setattr(block_list, "asyncio", SimpleNamespace(sleep=held))
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        app.open_lesson("first-steps")
        await until(pilot, lambda: pauses, "the first chunk below the window to be mounted")
        screen = app.screen
        assert isinstance(screen, LessonScreen) and not screen.loaded
        await pilot.press("j", "j")  # the first block, then the second
        await pilot.pause()
        assert not screen.loaded and len(pauses) == 1
        moved = screen.query_one(".block.-current")
        assert getattr(moved, "block_index", None) == 1
        gate.set()
        await until(pilot, lambda: screen.loaded, "the rest of the chapter to be mounted")
        assert screen.loaded
        await pilot.pause()
        assert screen.query_one(".block.-current") is moved
        assert screen.session.position == 1


async def test_escape_on_a_code_cell_goes_back_to_the_course(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot)
        cell(screen).focus()
        await pilot.press("e")  # editing: Escape leaves the editor, not the lesson
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not cell(screen).editing
        assert app.focused is cell(screen)
        assert screen.active_bindings["escape"].binding.action == "back"  # in the footer
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)


async def test_a_missing_required_module_is_said_once_and_cells_are_skipped(
    make_app: MakeApp,
) -> None:
    needs = Path(__file__).parents[1] / "data" / "plain" / "needs-module.yaml"
    kernels = FakeKernelFactory(not_installed=frozenset({"nosuchmodule_lectio"}))
    app = make_app(needs, kernel_factory=kernels)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        reason = (
            "This lesson needs the module nosuchmodule_lectio, which is not installed: "
            "pip install nosuchmodule_lectio"
        )
        assert [n.message for n in app._notifications].count(reason) == 1
        code = cell(screen)
        code.focus()
        await pilot.press("r")
        await settle(pilot)
        status = str(code.query_one(".code-cell--status").render())
        assert "Skipped" in status and "nosuchmodule_lectio" in status
        assert "ModuleNotFoundError" not in text_of(code.query_one(".code-cell--output", Static))
        assert kernels.kernels[0].executed == []
        await pilot.press("r")
        await settle(pilot)
        assert [n.message for n in app._notifications].count(reason) == 1  # once per lesson


async def test_a_broken_chapter_is_unavailable_and_says_why(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """One chapter's file has a schema error: the course still opens, that chapter is marked
    unavailable, and picking it shows the located problem instead of opening it."""
    import shutil

    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    (course / "gradients.yaml").write_text("id: gradients\ntitle: Gradients\nblocks: []\n")
    app = make_app(course)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CourseMapScreen), app.problems
        chapters = screen.query_one("#chapters", OptionList)
        broken = chapters.get_option("gradients")
        assert "✗" in str(broken.prompt) and "Unavailable" in str(broken.prompt)
        assert not broken.disabled
        chapters.focus()
        chapters.highlighted = chapters.get_option_index("gradients")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CourseMapScreen)  # not opened
        (note,) = [n for n in app._notifications if n.severity == "error"]
        assert note.title == "This chapter cannot be opened: its file has problems"
        assert f"{course / 'gradients.yaml'}:3:" in note.message
        app.open_lesson("first-steps")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
        menu = app.screen.query_one("#chapters", OptionList)
        assert str(menu.get_option("gradients").prompt).startswith("✗")


async def test_a_long_chapter_title_wraps_under_the_title_in_the_menu(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """In the 44-column chapter menu a long title's second line starts under the title, not
    under the mark at the left edge."""
    import shutil

    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    path = course / "gradients.yaml"
    long_title = "Accumulation, zero_grad, no_grad and detach in one long chapter title"
    path.write_text(path.read_text().replace("title: Gradients", f"title: {long_title}", 1))
    app = make_app(course)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_lesson(pilot)
        screen.query_one("#blocks").focus()
        await pilot.press("m")
        menu = screen.query_one("#chapters", OptionList)

        def drawn() -> list[str]:
            return [menu.render_line(y).text.rstrip() for y in range(menu.size.height)]

        await until(pilot, lambda: any("Accumulation" in line for line in drawn()), "the menu")
        await pilot.pause()
        lines = drawn()
        first = next(i for i, line in enumerate(lines) if "Accumulation" in line)
        indent = lines[first].index("Accumulation")
        rest = lines[first + 1]
        assert rest.strip() and "Chapter" not in rest, lines
        assert len(rest) - len(rest.lstrip()) == indent, lines
        assert str(menu.get_option("gradients").prompt).endswith(long_title)


async def test_after_a_crash_the_cells_that_ran_say_run_again(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """Issue 11: the kernel that died held what the cells above computed: they read "Not run
    yet" again, as after a restart, and the learner is told to run them again."""
    lesson = tmp_path / "two.yaml"
    lesson.write_text(
        "id: two\ntitle: Two cells\nblocks:\n  - code: print(1)\n  - code: print(2)\n"
    )
    app = make_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        first, second = cell(screen, 0), cell(screen, 1)
        first.focus()
        await pilot.press("r")
        await settle(pilot)
        assert first.has_run and first.has_class("-ok")
        screen.session.edit_cell(1, "import os; os._exit(3)")
        second.focus()
        await pilot.press("r")
        await settle(pilot)
        assert "kernel crashed" in str(second.query_one(".code-cell--status").render())
        assert not first.has_run and not first.has_class("-ok")
        assert "Not run yet" in str(first.query_one(".code-cell--status").render())


async def test_the_last_chapter_offers_no_next_chapter(make_app: MakeApp) -> None:
    """Issue 11: ``n`` on the last chapter did nothing; it is not offered there."""
    app = make_app(COURSE)
    async with app.run_test(size=SIZE) as pilot:
        first = await open_lesson(pilot)
        assert first.check_action("next_chapter", ()) is True
        assert first.check_action("previous_chapter", ()) is False
        app.open_lesson("gradients")
        await settle(pilot)
        last = app.screen
        assert isinstance(last, LessonScreen)
        assert last.check_action("next_chapter", ()) is False
        shown = {b.binding.action for b in last.active_bindings.values() if b.enabled}
        assert not any(action.startswith("next_chapter") for action in shown)


async def test_a_drawn_graph_is_redrawn_after_a_cell_below_runs(
    make_app: MakeApp, kernels: FakeKernelFactory, tmp_path: Path
) -> None:
    """Issue 11: ``y.backward()`` in a cell below the graph changes what it shows (the
    gradients): the graph is drawn again without ``g``."""
    lesson = tmp_path / "below.yaml"
    lesson.write_text(
        "id: below\ntitle: Below\nblocks:\n  - code: print(1)\n  - graph: y\n  - code: print(2)\n"
    )
    app = make_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        view = screen.query_one(GraphView)
        view.focus()
        await pilot.press("g")
        await settle(pilot)
        assert view.drawn
        asked: list[str] = []
        kernel = kernels.kernels[0]
        original = kernel.autograd_graph

        def counting(name: str, timeout: float = 10.0) -> Any:
            asked.append(name)
            return original(name, timeout)

        kernel.autograd_graph = counting  # type: ignore[method-assign]
        below = cell(screen, 1)
        below.focus()
        await pilot.press("r")
        await settle(pilot)
        assert asked == ["y"]
