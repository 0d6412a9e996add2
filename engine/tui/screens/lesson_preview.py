"""A lesson's first screen drawn from its file's outline, while the validated load runs.

Opening a lesson directly used to show a loading screen until the models were imported and the
lesson and its course validated (about half of the time to the lesson's first content). This
screen is drawn from :func:`engine.session.lesson_preview.preview_lesson` instead: the header,
the progress bar and the prose the first window opens with, with the lesson screen's own
composition and styles (:class:`~engine.tui.screens.lesson_frame.LessonFrame`) and widgets
(:class:`~engine.tui.widgets.prose.Prose`, :class:`~engine.tui.widgets.note.Note`). The app
replaces it with the :class:`~engine.tui.screens.lesson.LessonScreen` when the load ends; keys
of the lesson do nothing meanwhile (a few tenths of a second), the app's (quit, help) work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from engine.format.outline import NoteOutline
from engine.tui.screens.lesson_frame import LessonFrame
from engine.tui.widgets.footer import LectioFooter
from engine.tui.widgets.note import Note
from engine.tui.widgets.prose import Prose

if TYPE_CHECKING:
    from engine.session.lesson_preview import LessonPreview


class LessonPreviewScreen(LessonFrame):
    """The lesson's header and opening prose, before its validated screen."""

    DEFAULT_CSS = """
    LessonPreviewScreen > #blocks { overflow-y: scroll; }
    """
    """The chapter goes on below what is drawn (the lesson screen's list is longer than the
    screen): the scroll bar is there from the start, so the prose wraps at the same width."""

    def __init__(self, preview: LessonPreview) -> None:
        super().__init__()
        self.preview = preview
        self.lang = preview.lang

    def compose(self) -> ComposeResult:
        preview = self.preview
        total = len(preview.lesson.blocks)
        yield from self.compose_header(
            preview.course_title, preview.chapter, preview.lesson.title, total
        )
        with VerticalScroll(id="blocks"):
            for index, block in enumerate(preview.blocks, start=preview.start):
                if isinstance(block, NoteOutline):
                    yield Note(block, lang=self.lang, block_index=index)
                else:
                    yield Prose(block.text, block_index=index)
        yield LectioFooter()

    def on_mount(self) -> None:
        self.show_progress(self.preview.position, len(self.preview.lesson.blocks))

    def has_neighbour(self, step: int) -> bool:
        return self.preview.following if step > 0 else self.preview.previous
