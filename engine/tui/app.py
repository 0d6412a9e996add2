"""The lectio Textual application and :func:`run_app`, the entry point of ``lectio open``.

Startup is kept cheap so the first frame is drawn fast: this module imports Textual and the
string catalogs only. For a course, :func:`run_app` reads the course's outline (titles and
sections, no validation: a few milliseconds) and the first frame is the course map itself, with
the learner's progress from the store; the full, validated load (the models, every lesson) runs in
a thread worker just after, and a chapter picked before it ends opens when it ends. A lesson
opened directly is drawn the same way from its own outline (``LessonPreviewScreen``), replaced by
the validated lesson screen when the worker has loaded it; anything else (a quiz) shows a loading
screen meanwhile. Python's cyclic collector is off until the first content
(``end_startup_gc``). The lesson's kernel starts in the background when a lesson opens; torch is
only ever imported in the kernel subprocess.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import Worker

from engine.i18n import N_, Msg, resolve, t, tr
from engine.tui import themes
from engine.tui.keys import in_language, language_check, per_language

if TYPE_CHECKING:
    from engine.format.problems import Problem
    from engine.session.kernel_api import KernelFactory
    from engine.session.lesson import LessonSession
    from engine.session.lesson_preview import LessonPreview
    from engine.session.study import Study
    from engine.store.base import Store
    from engine.tui.screens.course_map import CourseMapScreen
    from engine.tui.screens.lesson import LessonScreen
    from engine.tui.widgets.chapter_menu import OpenQuiz

Opener = Callable[[], "Study"]
"""Builds the Study (loads the target); run in a worker thread. Raises LoadError."""

DARK_THEME = themes.DARK
LIGHT_THEME = themes.LIGHT


TEXTUAL_BINDINGS: dict[str, Msg] = {
    "app.focus_next": N_("Focus next"),
    "app.focus_previous": N_("Focus previous"),
    "screen.copy_text": N_("Copy selected text"),
}
"""Textual's own screen bindings, as the palette lists them."""

TEXTUAL_COMMANDS: dict[str, tuple[Msg, Msg]] = {
    "Theme": (N_("Theme"), N_("Change the current theme")),
    "Quit": (N_("Quit"), N_("Quit the application as soon as possible")),
    "Keys": (N_("Keys"), N_("Show help for the focused widget and a summary of available keys")),
    "Maximize": (N_("Maximize"), N_("Maximize the focused widget")),
    "Minimize": (N_("Minimize"), N_("Minimize the widget and restore to normal size")),
    "Screenshot": (N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen")),
}
"""Textual's own palette commands (``App.get_system_commands``), by their English title."""


class LectioApp(App[int]):
    """Study a course, a lesson or a quiz. Screens: course map, lesson, quiz, help."""

    TITLE = "lectio"
    CSS_PATH = "lectio.tcss"
    ENABLE_COMMAND_PALETTE = False
    """Textual's own Ctrl+P binding is described in English ("palette"): lectio binds Ctrl+P
    itself, once per language (``palette``), and opens the same :class:`CommandPalette` with a
    translated prompt; :meth:`get_system_commands` translates Textual's commands."""
    BINDINGS: ClassVar[list[BindingType]] = per_language(
        [
            Binding("ctrl+p", "palette", "Commands", priority=True),
            Binding("f1,question_mark", "help", "Help"),
            Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
            Binding("ctrl+q", "quit", "Quit", priority=True),
        ]
    )
    """Once per interface language: :meth:`check_action` offers the ones in :attr:`lang`."""

    def __init__(
        self,
        study: Study | None = None,
        *,
        opener: Opener | None = None,
        what: str = "",
        lang: str | None = None,
        theme: str = DARK_THEME,
        preview: Study | None = None,
        lesson_preview: LessonPreview | None = None,
        watch: Path | None = None,
        css_cache: Path | None = None,
    ) -> None:
        """Either ``study`` (already loaded: tests) or ``opener`` (loaded after the first
        frame, in a worker; ``what`` names it on the loading screen). ``preview``: the course
        from its outline, shown as the first frame while the opener runs; ``lesson_preview``:
        the same for a lesson opened directly (its first screen, drawn from its outline).
        ``css_cache``: a folder where the parsed CSS is kept between runs
        (:mod:`engine.tui.css_cache`)."""
        super().__init__()
        if css_cache is not None:
            from engine.tui.css_cache import KeptStylesheet

            self.stylesheet = KeptStylesheet(css_cache)  # its variables: _start_with_theme
        for theme_ in themes.THEMES:  # readable in both: WCAG AA contrast (engine/tui/themes.py)
            self.register_theme(theme_)
        self._start_with_theme(theme if self.get_theme(theme) is not None else DARK_THEME)
        if study is None and opener is None:
            raise ValueError("LectioApp needs a study or an opener")
        self._study = study or preview
        self._opener = opener
        self._what = what
        self._lesson_preview = lesson_preview if self._study is None else None
        self._pending: tuple[str, bool] | None = None
        """A chapter picked on the preview map, opened when the full load ends."""
        if self._study is not None:
            self.lang = self._study.lang_for()
        else:
            self.lang = lesson_preview.lang if lesson_preview is not None else resolve(lang)
        self.sessions: list[LessonSession] = []
        self.problems: list[Problem] = []
        """Why the target could not be opened (the app then exits with status 1)."""
        self.fatal: str | None = None
        """A one-line reason the app stopped (the store cannot be used), for ``run_app``."""
        self.crash: BaseException | None = None
        """An unexpected error that stopped the app, re-raised by ``run_app`` once the terminal
        is restored (the command line turns it into one line)."""
        self._watch = watch
        """The lesson file to reload when it changes (``lectio open --watch LESSON``)."""
        self._watch_stop = threading.Event()

    async def _on_resize(self, event: events.Resize) -> None:
        """A terminal size the app already has lays nothing out again. Textual's own handler
        (``App._on_resize``, called after this one unless the default is prevented) keeps
        such an event (the driver reports the size once more just after start) and sends it to
        the screens when the app is next idle: each then laid itself out and drew itself whole
        again, just after the first frame."""
        if self._size is not None and event.size == self._size and self._resize_timer is None:
            event.prevent_default()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return language_check(action, parameters, self.lang)

    @property
    def study(self) -> Study:
        assert self._study is not None, "the target is not loaded yet"
        return self._study

    @property
    def loading(self) -> bool:
        """The target is still being loaded (the course map may show its outline meanwhile)."""
        return self._study is None or self._study.preview

    def _start_with_theme(self, theme: str) -> None:
        """Start in ``theme`` with lectio's ANSI palettes, as if Textual's default had been it.

        Assigning them (the theme in ``on_mount``, the palettes here) made Textual re-parse all
        of the CSS twice before the first frame, once per watcher's ``refresh_css`` (with
        re-applying it to every widget: about 15 ms of the course map's first frame). Nothing is
        parsed yet here, so the stylesheet needs only the theme's variables, and the app what
        ``App._watch_theme`` gives it: the theme's classes and the ANSI-to-truecolor filter.
        Later changes (``ctrl+t``, the palette) go through the reactive as usual."""
        self.set_reactive(App.ansi_theme_dark, themes.ANSI_DARK)
        self.set_reactive(App.ansi_theme_light, themes.ANSI_LIGHT)
        self.set_reactive(App.theme, theme)
        dark = self.current_theme.dark
        classes = {name: False for name in self.classes if name.startswith("-theme-")}
        classes.update({f"-theme-{theme}": True, "-dark-mode": dark, "-light-mode": not dark})
        self.update_classes(classes, update=False)
        self.stylesheet.set_variables(self.get_css_variables())
        self._refresh_truecolor_filter(self.ansi_theme)

    def on_mount(self) -> None:
        if self._watch is not None:
            self._watch_file()
        # The first screen is pushed once the app's start-up batch has ended. Pushed from here,
        # inside it, the screen was laid out and drawn while Textual still held back every
        # frame: that frame was thrown away, and drawn again after the batch (with another
        # layout for the terminal size the driver reported again): about 20 ms of the course
        # map's first frame.
        self.call_later(self._show_first_screen)

    def _show_first_screen(self) -> None:
        if self._study is not None:
            self._show_target()
            if self._study.preview:
                # After the first frame: the worker's imports hold the GIL for a while.
                self.call_after_refresh(self._open_target)
            return
        if self._lesson_preview is not None:
            from engine.tui.screens.lesson_preview import LessonPreviewScreen

            screen = in_language(LessonPreviewScreen, self.lang)(self._lesson_preview)
            self.push_screen(screen)
            self.call_after_refresh(end_startup_gc)  # once it is drawn
            self.call_after_refresh(self._open_target)  # as for the course map
            return
        from engine.tui.screens.loading import LoadingScreen

        self.push_screen(LoadingScreen(self._what))
        self._open_target()

    @work(thread=True, name="open-target", exclusive=True, exit_on_error=False)
    def _open_target(self) -> None:
        """Load the target off the event loop; report back on it. Nothing to study without it:
        any failure ends the app, with the reason printed by ``run_app``."""
        from engine.format.problems import LoadError
        from engine.store.base import StoreError

        assert self._opener is not None
        try:
            study = self._opener()
        except LoadError as exc:
            self.call_from_thread(self._failed, exc.problems)
            return
        except StoreError as exc:
            self.call_from_thread(self._stop, str(exc))
            return
        except Exception as exc:
            self.call_from_thread(self._stop, None, exc)
            return
        if study.lesson is None:  # a course (its map is up) or a quiz: prepare lessons
            _warm_up()
        self.call_from_thread(self._opened, study)

    @work(thread=True, name="watch-lesson", exit_on_error=False)
    def _watch_file(self) -> None:
        """Wait for saves of the watched lesson file (watchfiles, off the event loop)."""
        from engine.validation.watch import changes

        assert self._watch is not None
        for _ in changes([str(self._watch)], stop=self._watch_stop):
            self.call_from_thread(self.reload_lesson)

    def on_unmount(self) -> None:
        self._watch_stop.set()

    def reload_lesson(self) -> None:
        """The watched lesson file changed: show the new version where the learner was (the
        session resumes at the saved position), or, when the file is broken, say where and
        keep the last good version on screen."""
        from engine.format.loader import load
        from engine.format.models import Lesson
        from engine.format.problems import LoadError
        from engine.tui.screens.lesson import LessonScreen

        if self._watch is None or self.loading or self.study.lesson is None:
            return
        lang = self.study.lang_for()
        try:
            doc = load(self._watch)
        except LoadError as exc:
            self.notify(
                "\n".join(str(p) for p in exc.problems),
                title=t(
                    "The lesson file has problems; the last good version stays on screen", lang
                ),
                severity="error",
                timeout=20,
                markup=False,
            )
            return
        except OSError:
            return  # saved in several steps: the next change event brings the file back
        if not isinstance(doc, Lesson):
            return
        self.study.replace_lesson(doc)
        if isinstance(self.screen, LessonScreen):
            old = self.screen.session
            self._push_lesson(doc, replace=True)
            if old in self.sessions:  # its screen's unmount closes it (off the event loop)
                self.sessions.remove(old)
        self.notify(t("The lesson file changed: reloaded", lang), timeout=4)

    def _failed(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self.exit(1)

    def _stop(self, reason: str | None, crash: BaseException | None = None) -> None:
        self.fatal, self.crash = reason, crash
        self.exit(1)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker of the app (not the opener, which ends the app) is a notification.
        (The message does not bubble: each screen that runs workers reports its own.)"""
        if event.worker.name != "open-target":
            from engine.tui.guard import report_failed_worker

            report_failed_worker(self, event, self.lang)

    def _opened(self, study: Study) -> None:
        from engine.tui.screens.course_map import CourseMapScreen

        preview = self._study is not None and self._study.preview
        self._study = study
        lang = study.lang_for()
        if lang != self.lang:
            self.lang = lang
            self.refresh_bindings()  # the footer shows the bindings of the new language
        if not preview:
            self._show_target(replace=True)
            return
        for screen in self.screen_stack:
            if isinstance(screen, CourseMapScreen):
                screen.loaded(study)
        if self._pending is not None:
            lesson_id, replace = self._pending
            self._pending = None
            self.open_lesson(lesson_id, replace=replace)

    def _show_target(self, *, replace: bool = False) -> None:
        """The first real screen: the quiz, the lesson, or the course map (``replace``: in
        place of the loading screen or the lesson's preview)."""
        self.call_after_refresh(end_startup_gc)  # once it is drawn
        if self.study.lesson is not None:
            # The course map (if any) is built when the learner goes back to it: one screen
            # to compose before the first frame, not two. Switched to from the preview in one
            # step: no frame of an empty screen between the two.
            self._push_lesson(self.study.lesson, replace=replace)
            return
        if replace:
            self.pop_screen()
        if self.study.quiz is not None:
            from engine.store.base import StoreError
            from engine.tui.screens.quiz import QuizScreen

            try:
                screen = in_language(QuizScreen, self.study.lang_for())(self.study)
            except StoreError as exc:  # the attempt cannot be recorded: nothing to show
                self._stop(str(exc))
                return
            self.push_screen(screen)
            return
        if self.study.course is not None:
            from engine.tui.screens.course_map import CourseMapScreen

            self.push_screen(in_language(CourseMapScreen, self.study.lang_for())(self.study))

    # ---- navigation ----------------------------------------------------------------------------

    def _push_lesson(self, lesson: object, *, replace: bool = False) -> None:
        from engine.format.models import Lesson
        from engine.store.base import StoreError
        from engine.tui.guard import notify_not_saved
        from engine.tui.screens.lesson import LessonScreen

        assert isinstance(lesson, Lesson)
        try:
            session = self.study.lesson_session(lesson)
        except StoreError as exc:
            if len(self.screen_stack) <= 2:  # nothing else to show: the first screen
                self._stop(str(exc))
            else:
                notify_not_saved(self, exc, self.lang)
            return
        self.sessions.append(session)
        screen = in_language(LessonScreen, self.study.lang_for(lesson))(self.study, session)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_lesson(self, lesson_id: str, *, replace: bool = False) -> None:
        """Open chapter ``lesson_id`` of the course (``replace``: instead of the current one)."""
        if self.loading:
            self._pending = (lesson_id, replace)
            return
        chapter = self.study.chapter(lesson_id)
        if chapter is not None and chapter.problems:  # its file is broken: say where
            lang = self.study.lang_for()
            self.notify(
                "\n".join(chapter.problems),
                title=t("This chapter cannot be opened: its file has problems", lang),
                severity="error",
                timeout=20,
                markup=False,
            )
            return
        if chapter is None or chapter.lesson is None:
            return
        self._push_lesson(chapter.lesson, replace=replace)

    # Screens say what the learner asked for with messages; the app decides what opens.
    # (Messages go up, method calls go down: no screen imports the app.)

    def open_quiz(self, quiz_id: str) -> None:
        """Open one of the course's quizzes over the screen it was picked on (Escape comes
        back to it, with the new score)."""
        from engine.store.base import StoreError
        from engine.tui.guard import notify_not_saved
        from engine.tui.screens.quiz import QuizScreen

        if self.loading:
            return
        quiz = next((q for q in self.study.course_quizzes() if q.id == quiz_id), None)
        if quiz is None:
            return
        study = self.study.quiz_study(quiz)
        try:
            screen = in_language(QuizScreen, study.lang_for())(study)
        except StoreError as exc:  # the attempt cannot be recorded: stay where the learner is
            notify_not_saved(self, exc, self.lang)
            return
        self.push_screen(screen)

    def on_open_quiz(self, message: OpenQuiz) -> None:
        self.open_quiz(message.quiz_id)

    def on_course_map_screen_open_chapter(self, message: CourseMapScreen.OpenChapter) -> None:
        self.open_lesson(message.lesson_id)

    def on_lesson_screen_open_chapter(self, message: LessonScreen.OpenChapter) -> None:
        self.open_lesson(message.lesson_id, replace=True)

    def on_lesson_screen_back_to_course(self, message: LessonScreen.BackToCourse) -> None:
        self.back_to_course()

    def back_to_course(self) -> None:
        """Leave the lesson for the course map, if the lesson was opened from a course."""
        from engine.tui.screens.course_map import CourseMapScreen

        if len(self.screen_stack) > 2 and isinstance(self.screen_stack[-2], CourseMapScreen):
            self.pop_screen()
        elif self.study.course is not None:
            self.switch_screen(in_language(CourseMapScreen, self.study.lang_for())(self.study))

    # ---- app actions ---------------------------------------------------------------------------

    def action_help(self) -> None:
        from engine.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(in_language(HelpScreen, self.lang)(self.lang))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_palette(self) -> None:
        """The command palette, its prompt in the interface language."""
        if not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = t("Search for commands…", self.lang)
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every binding active where it was opened (also those the footer
        leaves out for room), then Textual's own."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            textual_own = TEXTUAL_BINDINGS.get(binding.action)
            yield SystemCommand(
                tr(textual_own, self.lang) if textual_own else binding.description,
                f"{t('Keys', self.lang)}: {key}",
                partial(self.run_action, binding.action, active.node),
            )
        for command in super().get_system_commands(screen):
            words = TEXTUAL_COMMANDS.get(command.title)
            if words is not None:
                command = command._replace(
                    title=tr(words[0], self.lang), help=tr(words[1], self.lang)
                )
            yield command


def end_startup_gc() -> None:
    """The first content is on screen: the cyclic collector, held off since ``lectio open``
    started (``engine.cli.open_cmd._run_tui``), runs again. What the start-up made (modules,
    classes, the first screen's widgets) lives as long as the app, so it is frozen first
    (``gc.freeze``): later collections never walk it again, and keys are never kept waiting by
    a full collection over it. Does nothing when the collector was on (tests, other callers)."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _warm_up() -> None:
    """Pay, in the background while the course map is read, the one-time costs of the first
    lesson screen: its modules, and Pygments compiling the Python lexer's patterns (tens of
    milliseconds on the first highlighted cell; the lexer class keeps them)."""
    from rich.syntax import Syntax

    import engine.tui.screens.lesson  # noqa: F401

    assert Syntax("", "python").lexer is not None


def run_app(
    target: Path | None,
    *,
    data_dir: Path | None,
    lang: str | None,
    learner: str,
    kernel_factory: KernelFactory | None = None,
    store: Store | None = None,
    watch: bool = False,
) -> int:
    """Open ``target`` (None: the bundled course) in the TUI; the exit status of ``lectio open``.

    A target that cannot be opened is reported as located messages on stderr (status 1), and
    a store that cannot be used as one line (status 1); an unexpected error is re-raised once
    the terminal is restored. Every session's kernel is shut down, and the store closed, before
    returning.
    """
    from engine.store.base import StoreError

    opened: list[Store] = []

    def opener() -> Study:
        from engine.session.study import Study
        from engine.session.targets import open_target

        if kernel_factory is None:  # after the first frame: kernels fork from a warm zygote
            from engine.session.kernel_api import prestart_default_kernels

            prestart_default_kernels()

        resolved = open_target(target, whole_course=True)
        nonlocal store
        if store is None:
            from engine.store import open_store

            store = open_store(data_dir)
            opened.append(store)
        study = Study(
            resolved, store, learner=learner, lang_override=lang, kernel_factory=kernel_factory
        )
        study.load_quizzes()  # their files are read here, off the event loop
        return study

    from engine.settings import outline_cache_dir

    cache = outline_cache_dir(data_dir)
    preview = None
    lesson_preview = None
    if store is not None:
        # The course map as the first frame, from the course's outline; a lesson's first
        # screen from the lesson's; else (a quiz, an unclear file) a loading screen.
        from engine.session.study import Study, preview_target

        outline = preview_target(target, cache)
        if outline is not None:
            preview = Study(
                outline, store, learner=learner, lang_override=lang, kernel_factory=kernel_factory
            )
        elif target is not None:
            from engine.session.lesson_preview import preview_lesson

            lesson_preview = preview_lesson(
                target, store, learner=learner, lang_override=lang, cache_dir=cache
            )
    from engine.session.bundled import BUNDLED_COURSE

    what = str(target or f"lessons/{BUNDLED_COURSE}")  # named on the loading screen
    app = LectioApp(
        opener=opener,
        what=what,
        lang=lang,
        preview=preview,
        lesson_preview=lesson_preview,
        watch=target if watch else None,
        css_cache=cache / "css",
    )
    try:
        status = app.run()
    except StoreError as exc:
        app.fatal, status = str(exc), 1
    finally:
        for session in app.sessions:
            session.close()
        for own in opened:
            own.close()
    for problem in app.problems:
        print(str(problem), file=sys.stderr)
    if app.fatal:
        print(f"lectio: {app.fatal}", file=sys.stderr)
    if app.crash is not None:
        raise app.crash
    return int(status or 0)
