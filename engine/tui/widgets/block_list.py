"""A chapter's blocks in reading order, mounted a window at a time, with one current block.

A long chapter is dozens of widgets; composing them all before the first frame costs about a
second. The list composes a few blocks around where the learner resumes (:data:`FIRST_WINDOW`),
and the screen asks it to mount the rest just after the first frame (:meth:`BlockList.load_rest`),
a few at a time so keys are handled in between. ``j`` / ``k`` move between blocks
(:meth:`BlockList.step`); the block the learner is at carries the ``-current`` class, and every
change of it is posted as :class:`BlockList.Moved` for the screen to record.

The list shows what the session says (code, results, answers, hints); it never calls the
session to change anything: the screen does, on the messages of the blocks.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.events import DescendantFocus
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Label

from engine.format.models import (
    CodeBlock,
    FigureBlock,
    GraphBlock,
    NoteBlock,
    QuestionBlock,
    TextBlock,
)
from engine.i18n import t
from engine.session import lesson_preview
from engine.session.lesson_preview import first_window
from engine.tui.keys import in_language
from engine.tui.widgets.chapter_end import ChapterEnd
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.feedback import ChapterFeedback
from engine.tui.widgets.graph_view import GraphView
from engine.tui.widgets.note import Note
from engine.tui.widgets.prose import Prose
from engine.tui.widgets.question import Question

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engine.session.course_quizzes import CourseQuiz
    from engine.session.lesson import LessonSession

FIRST_WINDOW = lesson_preview.FIRST_WINDOW
"""Blocks composed before the first frame."""
MOUNT_CHUNK = 3
"""Blocks mounted at a time after the first frame."""
MOUNT_PAUSE = 0.01
"""Seconds given to the event loop (keys, a frame) between two chunks."""


class BlockList(VerticalScroll):
    """The blocks of one chapter, then its end (feedback, previous / next chapter)."""

    class Moved(Message):
        """The learner is now at another block; the screen records it as the resume point.

        Can be handled using ``on_block_list_moved`` in a parent widget or the screen.
        """

        def __init__(self, block_list: BlockList, block_index: int) -> None:
            self.block_list = block_list
            """The list the learner moved in."""
            self.block_index = block_index
            """The block the learner is at (the chapter end: the number of blocks)."""
            super().__init__()

        @property
        def control(self) -> BlockList:
            """An alias for :attr:`block_list` (what ``@on`` selectors match)."""
            return self.block_list

    def __init__(
        self,
        session: LessonSession,
        *,
        lang: str,
        previous: bool,
        following: bool,
        course_end: Sequence[CourseQuiz] | None = None,
        id: str | None = None,
    ) -> None:
        """``previous`` / ``following``: there is a chapter to go to (the end's buttons);
        ``course_end``: this is the last chapter of a course, whose quizzes (perhaps none) its
        end offers."""
        super().__init__(id=id)
        self._course_end = None if course_end is None else list(course_end)
        self.session = session
        self.lesson = session.lesson
        self.lang = lang
        self._previous, self._following = previous, following
        self.loaded = False
        """True once every block is mounted (shortly after the first frame)."""
        self._at = session.position
        """The block last said to be current (the session records it when told)."""
        self._moved: Widget | None = None
        """The block the learner moved to before every block was mounted (not resumed over)."""
        self._cell_numbers: dict[int, int] = {}
        for index, block in enumerate(self.lesson.blocks):
            if isinstance(block, CodeBlock) and block.run:  # a listing is not a cell
                self._cell_numbers[index] = len(self._cell_numbers) + 1

    # ---- composition ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        for index in self._window():
            widget = self._make_block(index)
            if widget is not None:
                yield widget
        yield from self._chapter_end()

    def _window(self) -> range:
        """The blocks composed before the first frame: around where the learner resumes (the
        lesson's preview draws the same window, :mod:`engine.session.lesson_preview`)."""
        return first_window(self.session.resume_at, len(self.lesson.blocks), FIRST_WINDOW)

    def _make_block(self, index: int) -> Widget | None:
        """The widget of block ``index`` (None for a hidden cell)."""
        block = self.lesson.blocks[index]
        if isinstance(block, TextBlock):
            if "![" in block.text:  # the lesson's pictures are drawn in place
                from engine.markup.markdown import split_pictures

                if len(split_pictures(block.text)) > 1:
                    from engine.tui.widgets.picture import ProseWithPictures

                    return ProseWithPictures(
                        block.text, lesson_file=block.span.file, lang=self.lang, block_index=index
                    )
            return Prose(block.text, block_index=index)
        if isinstance(block, NoteBlock):
            return Note(block, lang=self.lang, block_index=index)
        if isinstance(block, CodeBlock) and not block.run:
            from engine.tui.widgets.listing import Listing

            return in_language(Listing, self.lang)(block, lang=self.lang, block_index=index)
        if isinstance(block, FigureBlock):
            from engine.tui.widgets.picture import FigureView  # Rich segments, picture checks

            return FigureView(block, lang=self.lang, block_index=index)
        if isinstance(block, CodeBlock):
            if block.hidden:
                return None
            cell = self.session.cell(index)
            return in_language(CodeCell, self.lang)(
                block,
                block_index=index,
                number=self._cell_numbers[index],
                lang=self.lang,
                code=cell.code,
                result=cell.result,
            )
        if isinstance(block, GraphBlock):
            return in_language(GraphView, self.lang)(block, block_index=index, lang=self.lang)
        assert isinstance(block, QuestionBlock)
        view = self.session.question(index)
        return in_language(Question, self.lang)(
            prompt=view.prompt,
            multiple=view.multiple,
            choices=view.choices,
            lang=self.lang,
            block_index=index,
            hint_count=len(block.hints),
            title=t("Question", self.lang),
            id=f"question-{block.id}",
        )

    def _chapter_end(self) -> ComposeResult:
        end = ChapterEnd(block_index=len(self.lesson.blocks))
        with end:
            yield Label(t("End of the chapter", self.lang), classes="chapter-end--title")
            if self._course_end is not None:
                yield from self._end_of_course(self._course_end)
            yield ChapterFeedback(lang=self.lang, sent=self.session.feedback_given)
            with Horizontal(classes="chapter-end--nav"):
                yield Button(
                    "← " + t("Previous chapter", self.lang),
                    id="previous-chapter",
                    disabled=not self._previous,
                    compact=True,
                )
                next_chapter = Button(
                    t("Next chapter", self.lang) + " →",
                    id="next-chapter",
                    disabled=not self._following,
                    variant="primary",
                    compact=True,
                )
                next_chapter.display = self._course_end is None  # nothing after the last
                yield next_chapter

    def _end_of_course(self, quizzes: Sequence[CourseQuiz]) -> ComposeResult:
        """The last chapter's end says the course ends here, and offers its quizzes."""
        from engine.tui.widgets.chapter_menu import QuizList

        yield Label(
            t("This was the last chapter: you reached the end of the course.", self.lang),
            classes="chapter-end--course",
        )
        if quizzes:
            yield Label(
                t("Check what you learned with the course's quizzes:", self.lang),
                classes="chapter-end--course",
            )
            yield in_language(QuizList, self.lang)(quizzes, lang=self.lang, id="course-quizzes")

    # ---- the rest of the chapter ---------------------------------------------------------------

    def load_rest(self) -> None:
        """Mount the blocks outside the first window (called after the first frame)."""
        # A worker (its own task), so the screen's message queue, which handles the keys
        # bubbling up from the focused block, is never held while the blocks are mounted.
        self.run_worker(self._mount_rest(), name="mount-rest", group="mount", exit_on_error=False)

    async def _mount_rest(self) -> None:
        """Mount the blocks outside the first window, a few at a time so keys are handled in
        between (all at once held the event loop for a tenth of a second or more on a long
        chapter); then go where the learner stopped, unless they moved meanwhile."""
        window = self._window()
        composed = self.blocks()
        end = self.query_one(ChapterEnd)
        first = composed[0] if composed else end
        before = [w for i in range(window.start) if (w := self._make_block(i)) is not None]
        after = [
            w
            for i in range(window.stop, len(self.lesson.blocks))
            if (w := self._make_block(i)) is not None
        ]
        # Below the window first: it does not move what the learner sees.
        for start in range(0, len(after), MOUNT_CHUNK):
            chunk = after[start : start + MOUNT_CHUNK]
            await self.mount_all(chunk, before=end)
            self.restore_questions(chunk)
            await asyncio.sleep(MOUNT_PAUSE)
        if before:  # above the window: at once; resume then scrolls back to the block
            await self.mount_all(before, before=first)
            self.restore_questions(before)
        self.loaded = True
        self.call_after_refresh(self.resume)

    def restore_questions(self, widgets: list[Widget] | None = None) -> None:
        """Show the answers and hints the session has for these questions (None: all shown)."""
        for widget in self.query(Question) if widgets is None else widgets:
            if isinstance(widget, Question):
                view = self.session.question(widget.block_index)
                if view.hints_shown:
                    widget.show_hints(view.hints_shown, view.hints_left)
                if view.last is not None:
                    widget.set_picks(view.last.picked)
                    widget.show_verdict(view.last)

    # ---- finding blocks ------------------------------------------------------------------------

    def blocks(self) -> list[Widget]:
        """The block widgets mounted so far, in reading order (the chapter end last)."""
        return [w for w in self.query(".block") if isinstance(w, Widget)]

    def cell(self, block_index: int) -> CodeCell | None:
        for cell in self.query(CodeCell):
            if cell.block_index == block_index:
                return cell
        return None

    # ---- the current block ---------------------------------------------------------------------

    def resume(self) -> None:
        """Scroll to where the learner stopped and focus that block (or, if they moved while
        the chapter was being mounted, keep the block they moved to in view)."""
        if self._moved is not None:
            self.scroll_to_widget(self._moved, top=True, animate=False)
            return
        position = self.session.resume_at  # a finished chapter: its top
        target: Widget | None
        if position >= len(self.lesson.blocks):
            target = self.query_one(ChapterEnd)
        else:
            # A hidden cell has no widget: the next shown block stands for it.
            target = next(
                (w for w in self.blocks() if getattr(w, "block_index", -1) >= position), None
            )
        if target is None:
            self.focus()
            return
        if position:
            self.scroll_to_widget(target, top=True, animate=False)
        self._set_current(target)
        self._focus_block(target)

    def step(self, step: int) -> None:
        """Move to the next (+1) or previous (-1) block."""
        blocks = self.blocks()
        current = next((i for i, b in enumerate(blocks) if b.has_class("-current")), -1)
        target = blocks[max(0, min(len(blocks) - 1, current + step))]
        if not self.loaded:
            self._moved = target
        self._set_current(target)
        self.scroll_to_widget(target, top=True)
        self._focus_block(target)

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        node: Widget | None = event.widget
        while node is not None and not node.has_class("block"):
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        if node is not None:
            self._set_current(node)

    def _set_current(self, widget: Widget) -> None:
        """Mark the block the learner is at; say so when it changes."""
        for block in self.query(".block.-current"):
            if block is not widget:
                block.remove_class("-current")
        widget.add_class("-current")
        index = getattr(widget, "block_index", None)
        if index is not None and index != self._at:
            self._at = index
            self.post_message(self.Moved(self, index))

    def _focus_block(self, widget: Widget) -> None:
        """Focus the block (or its first focusable part); prose keeps the scroll focused."""
        if widget.focusable:
            widget.focus(scroll_visible=False)
            return
        for child in widget.query("*"):
            if child.focusable:
                child.focus(scroll_visible=False)
                return
        self.focus(scroll_visible=False)
