"""The lectio Textual application and :func:`run_app`, the entry point of ``lectio open``.

Startup is kept cheap so the first frame is drawn fast: resolving the target reads YAML only;
the session module and the kernel are imported and started after the first screen is up, and
torch is only ever imported in the kernel subprocess.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from engine.i18n import t
from engine.tui.keys import localize_bindings
from engine.tui.study import Study

if TYPE_CHECKING:
    from engine.session.kernel_api import KernelFactory
    from engine.session.lesson import LessonSession
    from engine.store.base import Store
    from engine.tui.target import OpenTarget

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class LectioApp(App[int]):
    """Study a course, a lesson or a quiz. Screens: course map, lesson, quiz, help."""

    TITLE = "lectio"
    CSS_PATH = "lectio.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help"),
        Binding("ctrl+t", "toggle_theme", "Light/dark"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, study: Study, *, theme: str = DARK_THEME) -> None:
        super().__init__()
        self.study = study
        self.lang = study.lang_for()
        self.sessions: list[LessonSession] = []
        self._initial_theme = theme
        localize_bindings(self, self.lang)

    def on_mount(self) -> None:
        self.theme = self._initial_theme
        target = self.study.target
        if target.quiz is not None:
            from engine.tui.screens.quiz import QuizScreen

            self.push_screen(QuizScreen(self.study))
            return
        if target.course is not None:
            from engine.tui.screens.course_map import CourseMapScreen

            self.push_screen(CourseMapScreen(self.study))
        if target.lesson is not None:
            self._push_lesson(target.lesson)

    # ---- navigation ----------------------------------------------------------------------------

    def _push_lesson(self, lesson: object, *, replace: bool = False) -> None:
        from engine.format.models import Lesson
        from engine.tui.screens.lesson import LessonScreen

        assert isinstance(lesson, Lesson)
        session = self.study.lesson_session(lesson)
        self.sessions.append(session)
        screen = LessonScreen(self.study, session)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_lesson(self, lesson_id: str, *, replace: bool = False) -> None:
        """Open chapter ``lesson_id`` of the course (``replace``: instead of the current one)."""
        chapter = self.study.chapter(lesson_id)
        if chapter is None or chapter.lesson is None:
            return
        self._push_lesson(chapter.lesson, replace=replace)

    def back_to_course(self) -> None:
        """Leave the lesson for the course map, if the lesson was opened from a course."""
        from engine.tui.screens.course_map import CourseMapScreen

        if len(self.screen_stack) > 2 and isinstance(self.screen_stack[-2], CourseMapScreen):
            self.pop_screen()

    # ---- app actions ---------------------------------------------------------------------------

    def action_help(self) -> None:
        from engine.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every binding active where it was opened, then Textual's own."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, f"{t('help.keys', self.lang)}: {key}",
                                partial(self.run_action, binding.action, active.node))
        yield from super().get_system_commands(screen)


def run_app(target: Path | None, *, data_dir: Path | None, lang: str | None, learner: str,
            kernel_factory: KernelFactory | None = None, store: Store | None = None) -> int:
    """Open ``target`` (None: the bundled course) in the TUI; the exit status of ``lectio open``.

    A target that cannot be opened is reported as located messages on stderr (status 1).
    Every session's kernel is shut down before returning.
    """
    from engine.format.problems import LoadError
    from engine.tui.target import resolve_target

    try:
        resolved: OpenTarget = resolve_target(target)
    except LoadError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 1
    own_store = store is None
    if store is None:
        from engine.store import open_store

        store = open_store(data_dir)
    study = Study(resolved, store, learner=learner, lang_override=lang,
                  kernel_factory=kernel_factory)
    app = LectioApp(study)
    try:
        status = app.run()
    finally:
        for session in app.sessions:
            session.close()
        if own_store:
            store.close()
    return int(status or 0)
