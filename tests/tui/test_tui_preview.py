"""A lesson opened directly is first drawn from its file's outline (issue 15, "first frames"):
the preview must show what the validated lesson screen then shows in the same place, so the
swap changes nothing the learner reads; and it must start where the lesson screen starts."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.screen import Screen
from tui_support import COURSE, HANG_GUARD, QUIZ, SIZE, FakeKernelFactory, settle, until

from engine.format.outline import NoteOutline, TextOutline
from engine.session.lesson_preview import preview_lesson
from engine.session.study import Study
from engine.session.targets import open_target
from engine.store import LessonProgress, SqliteStore
from engine.tui.app import LectioApp
from engine.tui.screens.lesson import LessonScreen
from engine.tui.screens.lesson_preview import LessonPreviewScreen

LESSON = COURSE / "first-steps.yaml"


def rows(screen: Screen[object]) -> list[str]:
    """The screen's rows as text; the kernel's state (it changes as the kernel starts) and the
    current block's mark (set once the whole chapter is mounted) left out."""
    lines = [strip.text.rstrip() for strip in screen._compositor.render_strips()]
    return [line.split("Kernel")[0].replace("█", " ").rstrip() for line in lines]


async def test_the_preview_draws_what_the_lesson_screen_draws(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "db")
    preview = preview_lesson(LESSON, store, learner="t")
    assert preview is not None
    # The text and the note; the code cell after them ends what the preview draws.
    assert [type(b) for b in preview.blocks] == [TextOutline, NoteOutline]
    gate = threading.Event()

    def opener() -> Study:
        gate.wait(HANG_GUARD)
        target = open_target(LESSON, whole_course=True)
        return Study(target, store, learner="t", kernel_factory=FakeKernelFactory())

    app = LectioApp(opener=opener, lesson_preview=preview)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LessonPreviewScreen), "preview")
            await pilot.pause()
            screen = app.screen
            drawn = screen.query(".block")
            bottom = max(w.region.bottom for w in drawn)
            first = rows(screen)
            assert "Tiny Autograd Course" in first[0] and "Chapter 1" in "\n".join(first[:3])
            gate.set()
            await until(pilot, lambda: isinstance(app.screen, LessonScreen), "lesson screen")
            await settle(pilot)
            then = rows(app.screen)
    finally:
        for session in app.sessions:
            session.close()
        store.close()
    assert first[:bottom] == then[:bottom]  # header, progress, the text and the note
    assert first[-1] == then[-1]  # the footer offers the same keys


def test_the_preview_starts_where_the_lesson_screen_resumes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "db")
    try:
        for position, start, kinds in (
            (4, 3, [NoteOutline]),  # from the block before: a note, then a question ends it
            (3, 2, []),  # a code cell first: the header and progress only
            (6, 0, [TextOutline, NoteOutline]),  # the end reached: the chapter's top again
        ):
            progress = LessonProgress("t", "tui-course", "first-steps", position=position)
            store.save_progress(progress)
            preview = preview_lesson(LESSON, store, learner="t")
            assert preview is not None
            assert (preview.position, preview.start) == (position, start)
            assert [type(b) for b in preview.blocks] == kinds
    finally:
        store.close()


def test_what_is_not_plainly_a_lesson_has_no_preview(tmp_path: Path) -> None:
    """A quiz, a course file or a broken lesson: the app shows its loading screen, and the
    full load says what is wrong."""
    store = SqliteStore(tmp_path / "db")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: [unclosed\nblocks: []\n")
    try:
        for path in (QUIZ, COURSE / "course.yaml", COURSE, broken, tmp_path / "missing.yaml"):
            assert preview_lesson(path, store, learner="t") is None, path
    finally:
        store.close()


def test_prose_is_drawn_in_the_first_frame_of_its_screen() -> None:
    """A prose block has its Markdown from the start, not from its mount: set on mount, the
    first frame of a lesson (or of its preview) had the block empty, and the text came a frame
    later (issue 15)."""
    from rich.markdown import Markdown

    from engine.tui.widgets.prose import Prose

    prose = Prose("Some *text* and `code`", block_index=0)
    assert isinstance(prose.content, Markdown)
