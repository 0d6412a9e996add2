"""Pilot tests of the course's quizzes in the TUI (issue 11): the course map lists them with the
learner's best score and opens them; the end of the last chapter says the course ends there and
offers them; Escape comes back with the new score."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Label, OptionList, RadioButton
from tui_support import COURSE, HANG_GUARD, SIZE, FakeKernelFactory, settle, until

from engine.session.study import Study, preview_target
from engine.session.targets import open_target
from engine.store import SqliteStore
from engine.tui.app import LectioApp
from engine.tui.screens.course_map import CourseMapScreen
from engine.tui.screens.lesson import LessonScreen
from engine.tui.screens.quiz import QuizScreen
from engine.tui.widgets.chapter_menu import ChapterList

MakeApp = Callable[..., LectioApp]

QUIZ = """\
id: basics-review
title: "Review: Basics"
pass: 0.5
questions:
  - ref: tui-course/first-steps#what-prints
"""


def layout(tmp_path: Path) -> Path:
    """``lessons/tui-course`` and ``quizzes/`` beside it, as the contract lays them out."""
    course = tmp_path / "lessons" / "tui-course"
    shutil.copytree(COURSE, course)
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "basics-review.yaml").write_text(QUIZ)
    return course


def prompts(options: OptionList) -> list[str]:
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def take_the_quiz(pilot: Pilot[Any]) -> None:
    """Answer the one question right and see the result."""
    screen = pilot.app.screen
    assert isinstance(screen, QuizScreen)
    await until(pilot, lambda: bool(screen.query(RadioButton)), "the question")
    question = screen.session.items[0].question
    right = next(i for i, choice in enumerate(question.choices) if choice.correct)
    screen.query_one(f"#choice-{right}", RadioButton).value = True
    await pilot.press("c")
    await pilot.pause()
    await pilot.press("n")
    await until(pilot, lambda: bool(screen.query("#retake")), "the result")


async def test_the_map_lists_the_quizzes_and_opens_them(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(layout(tmp_path))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        chapters = app.screen.query_one("#chapters", OptionList)
        shown = prompts(chapters)
        assert shown[-2:] == ["Quizzes", "○ Quiz       Review: Basics  Not taken yet"], shown
        chapters.focus()
        chapters.highlighted = chapters.option_count - 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QuizScreen)
        assert app.screen.session.quiz.id == "basics-review"
        assert app.screen.check_action("back", ()) is True
        await take_the_quiz(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CourseMapScreen)
        shown = prompts(app.screen.query_one("#chapters", OptionList))
        assert shown[-1] == "✓ Quiz       Review: Basics  Best 100% · passed", shown


async def test_the_map_in_portuguese(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(layout(tmp_path), lang="pt")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        shown = prompts(app.screen.query_one("#chapters", OptionList))
        assert shown[-2] == "Questionários"
        assert shown[-1].startswith("○ Questionário") and shown[-1].endswith("Ainda não feito")


async def test_the_last_chapter_ends_the_course_and_offers_its_quizzes(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app(layout(tmp_path))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.open_lesson("first-steps")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, LessonScreen)
        assert not first.query(".chapter-end--course")  # not the last chapter
        assert first.query_one("#next-chapter", Button).display
        app.open_lesson("gradients", replace=True)
        await settle(pilot)
        last = app.screen
        assert isinstance(last, LessonScreen)
        said = [str(label.render()) for label in last.query(".chapter-end--course").results(Label)]
        assert said[0] == "This was the last chapter: you reached the end of the course."
        assert not last.query_one("#next-chapter", Button).display
        quizzes = last.query_one("#course-quizzes", OptionList)
        assert prompts(quizzes) == ["○ Quiz  Review: Basics  Not taken yet"]
        quizzes.focus()
        quizzes.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QuizScreen)
        await take_the_quiz(pilot)
        await pilot.press("escape")
        await settle(pilot)
        back: object = app.screen  # not narrowed to the quiz screen above
        assert back is last
        assert prompts(quizzes) == ["✓ Quiz  Review: Basics  Best 100% · passed"]


async def test_a_course_without_quizzes_still_says_it_ends(make_app: MakeApp) -> None:
    app = make_app(COURSE)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "Quizzes" not in prompts(app.screen.query_one("#chapters", OptionList))
        app.open_lesson("gradients")
        await settle(pilot)
        assert len(app.screen.query(".chapter-end--course")) == 1
        assert not app.screen.query("#course-quizzes")


async def test_a_quiz_opened_alone_has_no_way_back(make_app: MakeApp, tmp_path: Path) -> None:
    layout(tmp_path)
    app = make_app(tmp_path / "quizzes" / "basics-review.yaml")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QuizScreen)
        assert app.screen.check_action("back", ()) is False
        await pilot.press("escape")
        assert isinstance(app.screen, QuizScreen)


async def test_the_quizzes_join_the_map_drawn_from_the_outline_in_place(
    store: SqliteStore, kernels: FakeKernelFactory, tmp_path: Path
) -> None:
    """The first frame is the map from the course's outline, which does not read the quiz
    files; when the full load finds the quizzes they are listed under the chapters, in the
    same list, with the highlight the learner already moved left where it is (the whole map
    was composed again, and the highlight put back on Continue's chapter)."""
    course = layout(tmp_path)
    release = threading.Event()

    def opener() -> Study:
        release.wait(HANG_GUARD)
        target = open_target(course, whole_course=True)
        study = Study(target, store, learner="tester", kernel_factory=kernels)
        study.load_quizzes()
        return study

    outline = preview_target(course)
    assert outline is not None
    app = LectioApp(
        opener=opener, preview=Study(outline, store, learner="tester", kernel_factory=kernels)
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, CourseMapScreen), "the map")
            screen = app.screen
            chapters = screen.query_one("#chapters", ChapterList)
            continue_button = screen.query_one("#continue", Button)
            assert app.loading and not any("Review: Basics" in p for p in prompts(chapters))
            await pilot.press("down")  # the learner moves before the full load ends
            highlighted = chapters.highlighted
            assert highlighted is not None
            release.set()
            await until(pilot, lambda: not app.loading, "the full load")
            await settle(pilot)
            assert app.screen is screen
            assert screen.query_one("#chapters", ChapterList) is chapters
            assert screen.query_one("#continue", Button) is continue_button
            assert chapters.highlighted == highlighted
            assert any("Review: Basics" in p for p in prompts(chapters))
    finally:
        release.set()
        for session in app.sessions:
            session.close()
