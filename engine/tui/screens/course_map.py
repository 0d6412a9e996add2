"""The course map: sections and chapters with done/started marks, overall progress, Continue,
and the course's quizzes with the learner's best score (:mod:`engine.session.course_quizzes`).

Progress and the resume target come from the session's course progress
(:mod:`engine.session.course`); the map only shows them. Continue opens the lesson the learner
was in, and the lesson screen scrolls to the block they stopped at.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import OptionDoesNotExist

from engine.i18n import t
from engine.session.labels import chapter_place, chapters_done
from engine.tui.inline import inline_markdown, paragraphs_markdown
from engine.tui.keys import in_language
from engine.tui.widgets.chapter_menu import ChapterList, OpenQuiz, picked_quiz
from engine.tui.widgets.footer import LectioFooter
from engine.tui.widgets.progress_line import ProgressLine

if TYPE_CHECKING:
    from engine.session.course import CourseProgress
    from engine.session.study import Study


SHORT = 26
"""A terminal with fewer rows than this gets the compact map (the course description cut to
:data:`SHORT_DESCRIPTION` lines, a one-line Continue button), so several chapters are in view:
at 60x20 the full top left room for one chapter row."""
SHORT_DESCRIPTION = 2


class Clamped:
    """A Text wrapped to the width given and cut to its first ``lines`` lines, the last one
    ending in "…" when something was left out (None: all of it)."""

    def __init__(self, text: Text, lines: int | None) -> None:
        self.text = text
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wrapped = self.text.wrap(console, options.max_width)
        if self.lines is None or len(wrapped) <= self.lines:
            yield Text("\n").join(wrapped)
            return
        kept = list(wrapped)[: self.lines]
        last = kept[-1]
        last.rstrip()
        last.truncate(max(options.max_width - 1, 0))
        last.append("…")
        yield Text("\n").join(kept)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)


def _shown(study: Study) -> tuple[object, ...]:
    """What the map shows of a course (to tell whether a new load changes it)."""
    course = study.course
    chapters = tuple(
        (c.lesson_id, c.title, c.section, c.section_title, c.number, c.available)
        for c in study.chapters
    )
    quizzes = tuple(q.id for q in study.course_quizzes())
    return (course.title, course.description) if course else (), chapters, quizzes, study.lang_for()


class CourseMapScreen(Screen[None]):
    """The first screen of a course."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("c", "continue", "Continue")]

    class OpenChapter(Message):
        """The learner picked a chapter (or Continue); the app opens it over the map."""

        def __init__(self, lesson_id: str) -> None:
            super().__init__()
            self.lesson_id = lesson_id

    def __init__(self, study: Study) -> None:
        super().__init__()
        self.study = study
        self.lang = study.lang_for()
        self._description: Text | None = None
        """The course description as one Text (None: drawn by the Markdown renderer)."""

    def _clamp(self) -> int | None:
        return SHORT_DESCRIPTION if self.has_class("-short") else None

    def on_resize(self, event: events.Resize) -> None:
        """Compact on a short terminal (see :data:`SHORT`), full again on a tall one."""
        short = event.size.height < SHORT
        if short == self.has_class("-short"):
            return
        self.set_class(short, "-short")
        for button in self.query("#continue").results(Button):
            button.compact = short
        if self._description is not None:
            for description in self.query("#description").results(Static):
                description.update(Clamped(self._description, self._clamp()))

    def compose(self) -> ComposeResult:
        course = self.study.course
        assert course is not None
        progress = self.study.course_progress()
        statuses = self.study.statuses()
        with Vertical(id="top"):
            yield Label(inline_markdown(course.title), classes="course--title")
            if course.description:
                simple = paragraphs_markdown(course.description)
                if simple is not None:
                    self._description = simple
                    yield Static(Clamped(simple, self._clamp()), id="description")
                else:
                    from engine.tui.widgets.prose import MarkdownText

                    yield MarkdownText(course.description, id="description")
            with Horizontal(id="progress-row"):
                yield ProgressLine(total=max(progress.total, 1), id="course-progress")
                yield Label(
                    chapters_done(progress.done, progress.total, self.lang),
                    classes="course--progress",
                )
            yield Button(
                self._continue_label(progress),
                id="continue",
                variant="primary",
                compact=self.has_class("-short"),
            )
        # The room left under the top; the list is as tall as its rows, up to all of it (then
        # it scrolls): a course of two chapters is not a tall empty box.
        with Vertical(id="chapters-room"):
            yield in_language(ChapterList, self.lang)(
                self.study.chapters,
                statuses,
                lang=self.lang,
                current=None,
                quizzes=self.study.course_quizzes(),
                id="chapters",
            )
        yield LectioFooter()

    def on_mount(self) -> None:
        """The chapter list has the focus, on the chapter Continue opens: Enter opens it (as
        Continue did), the arrows pick another, and the footer says so ("enter Open")."""
        progress = self.study.course_progress()
        self.query_one("#course-progress", ProgressLine).update(progress=progress.done)
        chapters = self.query_one("#chapters", ChapterList)
        resume = self._resume_id(progress)
        if resume is not None:
            with contextlib.suppress(OptionDoesNotExist):
                chapters.highlighted = chapters.get_option_index(resume)
        chapters.focus()

    def loaded(self, study: Study) -> None:
        """The validated course replaces its outline (the first frame was drawn from the
        outline). Redrawn only if what the map shows differs, so the highlight and focus the
        learner may already have moved stay where they are; the course's quizzes, which only
        the full load finds, are added to the chapter list in place."""
        before, after = _shown(self.study), _shown(study)
        self.study = study
        if after == before:
            return
        if before[:2] == after[:2] and before[3] == after[3]:  # course, chapters, language
            # Only the quizzes are new (the outline does not read their files): listed in
            # place, where recomposing the whole map cost a frame and reset the highlight.
            self.query_one("#chapters", ChapterList).update_quizzes(
                study.course_quizzes(), study.statuses()
            )
            return
        self.refresh(recompose=True)
        self.call_after_refresh(self.on_mount)

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        if getattr(self, "_left", False):
            # Back from a lesson or a quiz: marks, scores and the resume target changed.
            self.refresh(recompose=True)
            self.call_after_refresh(self.on_mount)

    def _resume_id(self, progress: CourseProgress) -> str | None:
        """The session's resume target; the first chapter when everything is done."""
        if progress.resume is not None:
            return progress.resume
        first = next((c for c in self.study.chapters if c.available), None)
        return first.lesson_id if first else None

    def _continue_label(self, progress: CourseProgress) -> Text:
        lesson_id = self._resume_id(progress)
        chapter = self.study.chapter(lesson_id) if lesson_id else None
        label = Text(
            (t("Continue", self.lang) if progress.started else t("Start", self.lang)) + " ▶ "
        )
        if chapter is not None:
            label.append(chapter_place(chapter.section, chapter.number, self.lang) + " · ")
            label.append_text(inline_markdown(chapter.title))
        return label

    def action_continue(self) -> None:
        lesson_id = self._resume_id(self.study.course_progress())
        if lesson_id is not None:
            self._open(lesson_id)

    @on(Button.Pressed, "#continue")
    def _continue_pressed(self) -> None:
        self.action_continue()

    @on(OptionList.OptionSelected, "#chapters")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        quiz_id = picked_quiz(event.option.id)
        if quiz_id is not None:
            self.post_message(OpenQuiz(quiz_id))
        elif event.option.id:
            self._open(event.option.id)

    def _open(self, lesson_id: str) -> None:
        self.post_message(self.OpenChapter(lesson_id))
