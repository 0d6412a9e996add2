"""Pilot tests of the layout at the sizes a learner's terminal has (issue 11): 60x20, 80x24.

Each test reads what is drawn (the widgets' rendered lines), not the widgets' attributes, so a
title cut by the layout or a choice cut with "…" fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Button, OptionList, RadioButton
from tui_support import COURSE, settle, until

from engine.i18n import t
from engine.tui.app import LectioApp
from engine.tui.screens.course_map import CourseMapScreen
from engine.tui.screens.lesson import LessonScreen
from engine.tui.widgets.footer import LectioFooter
from engine.tui.widgets.question import Question

MakeApp = Callable[..., LectioApp]

LONG_TITLE = "Accumulation, zero_grad, no_grad and detach"
LONG_CHOICE = (
    "`backward()` without arguments needs a single-number result, such as `w.sum()` or a loss"
)


def drawn(widget: Widget) -> list[str]:
    """The lines of the screen the widget covers now, as text (its own region only)."""
    region = widget.region
    strips = widget.screen._compositor.render_strips()
    return [
        strips[y].crop(region.x, region.right).text.rstrip() for y in range(region.y, region.bottom)
    ]


def course_copy(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    return course


async def test_a_chapter_title_uses_the_width_at_80_columns(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """At 80 columns the title was cut ("no_grad and de") beside the kernel's state, though
    the line had room: the state shares only the course's line."""
    course = course_copy(tmp_path)
    path = course / "gradients.yaml"
    path.write_text(path.read_text().replace("title: Gradients", f'title: "{LONG_TITLE}"', 1))
    app = make_app(course)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson("gradients")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        lines = drawn(screen.query_one("#header"))
        assert any(line.endswith(LONG_TITLE) for line in lines), lines
        assert any("Kernel" in line for line in lines), lines


async def test_a_long_chapter_title_wraps_at_60_columns(make_app: MakeApp, tmp_path: Path) -> None:
    course = course_copy(tmp_path)
    path = course / "gradients.yaml"
    title = LONG_TITLE + " in a chapter title longer than the screen"
    path.write_text(path.read_text().replace("title: Gradients", f'title: "{title}"', 1))
    app = make_app(course)
    async with app.run_test(size=(60, 20)) as pilot:
        app.open_lesson("gradients")
        await settle(pilot)
        header = app.screen.query_one("#header")
        text = " ".join(line.strip() for line in drawn(header))
        assert title in text, drawn(header)


def long_choices(course: Path, *, multiple: bool) -> None:
    """The first chapter's question gets choices longer than a 60-column line."""
    path = course / "first-steps.yaml"
    text = path.read_text()
    text = text.replace('text: "`x is 2`"', f'text: "{LONG_CHOICE}"')
    nothing = "Nothing at all, because print writes to a file that nobody ever reads"
    text = text.replace("text: Nothing", f"text: {nothing}")
    if multiple:
        text = text.replace(
            "    shuffle: false\n    hint:", "    multiple: true\n    shuffle: false\n    hint:", 1
        )
    path.write_text(text)


async def test_choices_wrap_at_60_columns(make_app: MakeApp, tmp_path: Path) -> None:
    """Issue 11: at 60 columns a long choice was cut with "…" before it could be read."""
    course = course_copy(tmp_path)
    long_choices(course, multiple=False)
    app = make_app(course)
    async with app.run_test(size=(60, 20)) as pilot:
        app.open_lesson("first-steps")
        await settle(pilot)
        question = app.screen.query_one(Question)
        radio = question.query_one("#choice-0", RadioButton)
        question.query_one("RadioSet").focus()
        question.scroll_visible(top=True, animate=False)
        await pilot.pause()
        lines = drawn(radio)
        assert len(lines) > 1, lines
        assert not any("…" in line for line in lines), lines
        words = " ".join(line.strip() for line in lines)
        assert "needs a single-number result, such as w.sum() or a loss" in words, lines
        text_column = lines[0].index("▌") + 2  # the second line starts under the first's text
        assert lines[1][:text_column].strip() == "", lines
        assert lines[1][text_column] != " ", lines


async def test_explanations_hang_under_their_text_at_60_columns(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """A wrapped explanation line went back to the left edge, under its ✓ or ✗, where it read
    as another choice; it hangs under the text, as a wrapped choice does."""
    course = course_copy(tmp_path)
    long_choices(course, multiple=False)
    app = make_app(course)
    async with app.run_test(size=(60, 20)) as pilot:
        app.open_lesson("first-steps")
        await settle(pilot)
        question = app.screen.query_one(Question)
        question.query_one("#choice-0", RadioButton).value = True
        question.query_one("RadioSet").focus()
        await pilot.press("c")
        await pilot.pause()
        explanations = question.query_one(".question--explanations")
        explanations.scroll_visible(top=True, animate=False)
        await pilot.pause()
        lines = [line for line in drawn(explanations) if line.strip()]
        first = next(k for k, line in enumerate(lines) if "backward()" in line)
        mark_column = len(lines[first]) - len(lines[first].lstrip())  # where ✓ or ✗ is
        continued = lines[first + 1]
        assert lines[first][mark_column] in "✓✗", lines
        assert "single-number" in " ".join(lines[first : first + 3]), lines
        assert continued[: mark_column + 2].strip() == "", lines
        assert continued[mark_column + 2] != " ", lines


async def test_checkbox_choices_wrap_at_60_columns(make_app: MakeApp, tmp_path: Path) -> None:
    course = course_copy(tmp_path)
    long_choices(course, multiple=True)
    app = make_app(course)
    async with app.run_test(size=(60, 20)) as pilot:
        app.open_lesson("first-steps")
        await settle(pilot)
        question = app.screen.query_one(Question)
        box = question.query_one("#choice-2")
        box.focus()
        question.scroll_visible(top=True, animate=False)
        await pilot.pause()
        lines = drawn(box)
        assert len(lines) > 1 and not any("…" in line for line in lines), lines
        assert "print writes to a file" in " ".join(line.strip() for line in lines), lines


def long_course(tmp_path: Path, chapters: int = 8) -> Path:
    """A course with a description of several lines and ``chapters`` chapters."""
    course = tmp_path / "long"
    course.mkdir()
    ids = [f"chapter-{n}" for n in range(1, chapters + 1)]
    for lesson_id in ids:
        (course / f"{lesson_id}.yaml").write_text(
            f"id: {lesson_id}\ntitle: Chapter called {lesson_id}\nblocks:\n  - text: Hello.\n"
        )
    description = " ".join(["From your first tensor to a trained model, in short chapters."] * 6)
    (course / "course.yaml").write_text(
        f"id: long\ntitle: A long course\ndescription: {description}\nsections:\n"
        f"  - title: First\n    lessons: [{', '.join(ids[:4])}]\n"
        f"  - title: Second\n    lessons: [{', '.join(ids[4:])}]\n"
    )
    return course


async def test_the_course_map_shows_several_chapters_at_60x20(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """Issue 11: at 60x20 the description and the Continue button left one chapter row."""
    app = make_app(long_course(tmp_path))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CourseMapScreen)
        lines = drawn(screen.query_one("#chapters", OptionList))
        rows = [line for line in lines if "Chapter called" in line]
        assert len(rows) >= 6, lines
        description = drawn(screen.query_one("#description"))
        assert description[-1].endswith("…"), description  # cut, and says so
        words = drawn(screen.query_one(".course--progress"))
        assert words == ["0 of 8 chapters done"], words  # the bar gives way, not the words
        assert "Continue" in " ".join(drawn(screen)) or "Start" in " ".join(drawn(screen))


async def test_the_course_map_is_whole_again_on_a_tall_terminal(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app(long_course(tmp_path))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        description = drawn(app.screen.query_one("#description"))
        assert not any("…" in line for line in description), description
        assert description[-1].endswith("short chapters."), description


@pytest.mark.parametrize("lang", ["en", "pt"])
async def test_the_continue_button_reads_whole_at_60_columns(
    make_app: MakeApp, tmp_path: Path, lang: str
) -> None:
    """Issue 11: the course map's button names the chapter it opens ("Continue ▶ Section 3 ·
    Chapter 8 · Accumulation, zero_grad, no_grad and detach" on the bundled course); at 60
    columns it ran off the screen after "zero_g". It wraps within the width instead."""
    course = course_copy(tmp_path)
    path = course / "first-steps.yaml"
    path.write_text(path.read_text().replace("title: First steps", f'title: "{LONG_TITLE}"', 1))
    app = make_app(course, lang=lang)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CourseMapScreen)
        button = screen.query_one("#continue", Button)
        label = str(button.label)
        assert label.endswith(LONG_TITLE) and t("Start", lang) in label
        assert button.region.right <= screen.region.right
        text = " ".join(line.strip() for line in drawn(button) if line.strip())
        assert text == label, drawn(button)


async def test_a_size_the_terminal_already_has_lays_nothing_out_again(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver reports the terminal's size once more just after start; Textual kept that
    event and sent it to every screen when idle, each then laid out and drawn whole again. A
    real change of size still lays the screen out."""
    app = make_app(COURSE)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CourseMapScreen)
        layouts: list[Size | None] = []
        refresh_layout = screen._refresh_layout

        def counted(size: Size | None = None, scroll: bool = False) -> None:
            layouts.append(size)
            refresh_layout(size, scroll)

        monkeypatch.setattr(screen, "_refresh_layout", counted)
        for _ in range(2):
            app.post_message(events.Resize(app.size, app.size))
            await settle(pilot)
        assert layouts == []
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: Size(80, 24) in layouts, "the map laid out at the new size")


async def test_the_chapter_list_is_as_tall_as_its_rows_up_to_the_room_left(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """A course of two chapters is a box of its three rows, not a box down to the footer with
    the rest empty (a notebook brought over is often a course of one chapter); a long course
    fills the room left and scrolls inside it, the top and the footer staying in view."""
    app = make_app(COURSE)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        chapters = app.screen.query_one("#chapters", OptionList)
        assert chapters.region.height == chapters.option_count + 2  # the rows and the border
        assert chapters.max_scroll_y == 0
    app = make_app(long_course(tmp_path))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        screen = app.screen
        chapters = screen.query_one("#chapters", OptionList)
        footer = screen.query_one(LectioFooter)
        assert chapters.region.bottom == footer.region.y  # all the room left, and no more
        assert chapters.max_scroll_y > 0  # scrolls inside the list
        assert screen.query_one(".course--title").region.y >= 0
        assert screen.max_scroll_y == 0
