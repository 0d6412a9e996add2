"""`lectio open --watch LESSON`: a saved lesson file is reloaded where the learner was; a broken
save shows its problems and keeps the last good version on screen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_support import COURSE, SIZE, FakeKernelFactory, settle, until

from engine.format.models import NoteBlock
from engine.session.study import Study
from engine.session.targets import open_target
from engine.store import SqliteStore
from engine.tui.app import LectioApp
from engine.tui.screens.lesson import LessonScreen
from engine.validation import watch


def _app(lesson: Path, store: SqliteStore, kernels: FakeKernelFactory) -> LectioApp:
    study = Study(
        open_target(lesson, whole_course=True), store, learner="tester", kernel_factory=kernels
    )
    app = LectioApp(study, watch=lesson)
    app.animation_level = "none"
    return app


def _messages(app: LectioApp) -> list[str]:
    return [str(n.title) + ": " + str(n.message) for n in app._notifications]


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    return course / "first-steps.yaml"


@pytest.fixture
def no_watcher(monkeypatch: pytest.MonkeyPatch) -> None:
    def nothing(paths: list[str], **_: object) -> Iterator[list[str]]:
        return iter(())

    monkeypatch.setattr(watch, "changes", nothing)


async def test_a_save_reloads_the_lesson_where_the_learner_was(
    lesson: Path, store: SqliteStore, kernels: FakeKernelFactory, no_watcher: None
) -> None:
    app = _app(lesson, store, kernels)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        screen.session.visit(3)  # the learner reached the tip
        lesson.write_text(
            lesson.read_text().replace("Run the cell above", "Now run the cell above")
        )
        app.reload_lesson()
        await settle(pilot)
        new = app.screen
        assert isinstance(new, LessonScreen) and new is not screen
        assert new.session.position == 3
        tip = new.session.lesson.blocks[3]
        assert isinstance(tip, NoteBlock) and tip.note.startswith("Now run the cell above")
        assert app.study.lesson is new.session.lesson
        assert ": The lesson file changed: reloaded" in _messages(app)[-1]


async def test_a_broken_save_keeps_the_last_good_lesson(
    lesson: Path, store: SqliteStore, kernels: FakeKernelFactory, no_watcher: None
) -> None:
    app = _app(lesson, store, kernels)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        session = screen.session
        before = session.lesson
        lesson.write_text("id: first-steps\ntitle: First steps\nblocks: []\n")
        app.reload_lesson()
        await settle(pilot)
        assert app.screen is screen
        assert session.lesson is before and app.study.lesson is before
        last = _messages(app)[-1]
        assert "The lesson file has problems; the last good version stays on screen" in last
        assert f"{lesson}:3:9: blocks: needs at least 1 block" in last


async def test_the_watcher_triggers_the_reload(
    lesson: Path, store: SqliteStore, kernels: FakeKernelFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    def one_save(paths: list[str], **_: object) -> Iterator[list[str]]:
        seen.append(paths)
        yield [str(lesson)]

    monkeypatch.setattr(watch, "changes", one_save)
    app = _app(lesson, store, kernels)
    reloads: list[bool] = []
    reload = app.reload_lesson

    def counted() -> None:
        reloads.append(True)
        reload()

    # counted, not read from the notification: that one expires after 4 s on a busy machine
    monkeypatch.setattr(app, "reload_lesson", counted)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: reloads, "the reload")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
    assert seen == [[str(lesson)]] and reloads == [True]


def test_open_watch_refuses_what_it_cannot_reload(capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main

    assert main(["open", "--watch", str(COURSE)]) == 2
    assert f"lectio open: error: --watch: {COURSE} is not a lesson file" in capsys.readouterr().err
    assert main(["open", "--watch", "--plain", str(COURSE / "first-steps.yaml")]) == 2
    assert "reloading is for the full-screen interface" in capsys.readouterr().err
