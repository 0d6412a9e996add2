"""What a lesson's screen and its preview share: the bindings, the header and the progress row.

The lesson screen (:mod:`engine.tui.screens.lesson`) needs the validated lesson, hence the
models; a lesson opened directly is first drawn by its preview
(:mod:`engine.tui.screens.lesson_preview`) from the file's outline, and replaced by the lesson
screen a moment later. Both are :class:`LessonFrame` screens, composed by the same code here
and styled by the same ``LessonFrame`` rules of ``lectio.tcss``, so the swap changes nothing the
learner sees; this module imports neither the models nor the block widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label

from engine.session.labels import chapter_place
from engine.tui.inline import inline_markdown
from engine.tui.keys import MOVE
from engine.tui.widgets.kernel_status import KernelStatus
from engine.tui.widgets.progress_line import ProgressLine

if TYPE_CHECKING:
    from engine.session.study import Chapter


class LessonFrame(Screen[None]):
    """A chapter's screen: the header (course, section, chapter, kernel state), the progress
    bar, then the blocks (``#blocks``) and the footer, which subclasses compose."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "next_block", "Next block", group=MOVE),
        Binding("k", "previous_block", "Previous block", group=MOVE),
        Binding("i", "interrupt", "Interrupt"),
        Binding("m", "toggle_menu", "Chapters"),
        Binding("n", "next_chapter", "Next chapter"),
        Binding("p", "previous_chapter", "Previous chapter", show=False),
        Binding("A", "ask", "Ask"),
        Binding("ctrl+r", "restart_kernel", "Restart kernel", show=False),
        Binding("escape", "back", "Back"),
    ]

    lang: str

    def compose_header(
        self, course_title: str | None, chapter: Chapter | None, lesson_title: str, total: int
    ) -> ComposeResult:
        """The header and the progress row (``total`` blocks; the progress is set on mount)."""
        # The kernel's state shares the first line only (with the course and section): the
        # chapter's own line gets the whole width, and wraps rather than being cut.
        chapter_line = Text()
        if chapter is not None:
            place = chapter_place(chapter.section, chapter.number, self.lang)
            chapter_line.append(place + "  ", style="dim")
        chapter_line.append_text(inline_markdown(lesson_title))
        chapter_label = Label(chapter_line, classes="lesson--chapter")
        with Vertical(id="header"):
            with Horizontal(id="header-top"):
                if course_title is not None:
                    line = inline_markdown(course_title)
                    if chapter is not None:
                        line.append("  ›  ")
                        line.append_text(inline_markdown(chapter.section_title))
                    yield Label(line, classes="lesson--course")
                else:  # a lesson on its own: its title beside the kernel's state
                    yield chapter_label
                yield KernelStatus(lang=self.lang, id="kernel")
            if course_title is not None:
                yield chapter_label
        with Horizontal(id="progress-row"):
            yield ProgressLine(total=total, id="progress")

    def show_progress(self, position: int, total: int) -> None:
        """The progress bar at block ``position`` of ``total``."""
        bar = self.query_one("#progress", ProgressLine)
        bar.update(total=total, progress=min(position + 1, total))

    def has_neighbour(self, step: int) -> bool:
        """There is a chapter to go to (+1: the next, -1: the previous)."""
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Interrupt is offered (in the footer) only while the kernel is busy: the footer of a
        code cell is full enough already; Next chapter only when there is one."""
        if action == "interrupt":
            from engine.execution.results import KernelState

            return self.query_one(KernelStatus).state is KernelState.BUSY
        if action == "next_chapter":  # the last chapter: nothing to go to
            return self.has_neighbour(+1)
        if action == "previous_chapter":
            return self.has_neighbour(-1)
        return True
