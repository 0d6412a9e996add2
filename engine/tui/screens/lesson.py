"""The lesson screen: a chapter's blocks in reading order, driven by a :class:`LessonSession`.

Layout (``lectio.tcss``): a header (course, section and chapter, kernel status) and a progress
bar; a chapter menu that slides in from the left (``m``); the blocks (:class:`~engine.tui.widgets.
block_list.BlockList`: windowed mounting, moving between blocks); at the end "Was everything
clear?" and the previous / next chapter buttons; the footer with every binding.

The screen is where the learner's actions meet the session: the blocks post what the learner
asked for (run, edit, check, hint, draw, feedback, moved), the screen makes the session call
(inside :func:`~engine.tui.guard.saving`) and hands the result back down to the widget.
Everything that touches the kernel goes through a :class:`~engine.tui.cell_runner.CellRunner`
(thread workers, results as messages), so the interface stays responsive while a cell runs for
seconds. Another chapter, or the course map, is asked of the app with a message.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.message import Message
from textual.widgets import Button, Label, OptionList
from textual.worker import Worker

from engine.execution.results import CellResult, CellStatus
from engine.format.models import CodeBlock, GraphBlock
from engine.i18n import t
from engine.session.reports import Started
from engine.tui.cell_runner import CellRunner
from engine.tui.guard import report_failed_worker, saving
from engine.tui.keys import in_language
from engine.tui.screens.lesson_frame import LessonFrame
from engine.tui.widgets.block_list import BlockList
from engine.tui.widgets.chapter_menu import (
    ChapterList,
    ChapterMenu,
    OpenQuiz,
    QuizList,
    picked_quiz,
)
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.feedback import ChapterFeedback
from engine.tui.widgets.footer import LectioFooter
from engine.tui.widgets.graph_view import GraphView
from engine.tui.widgets.kernel_status import KernelStatus
from engine.tui.widgets.question import Question

if TYPE_CHECKING:
    from engine.session.lesson import LessonSession
    from engine.session.study import Study


class LessonScreen(LessonFrame):
    """One chapter of a course (or a lesson opened on its own); bindings, header and
    progress row are :class:`~engine.tui.screens.lesson_frame.LessonFrame`'s."""

    class OpenChapter(Message):
        """The learner asks for another chapter (next, previous, the menu), in place of this
        one; the app opens it."""

        def __init__(self, lesson_id: str) -> None:
            super().__init__()
            self.lesson_id = lesson_id

    class BackToCourse(Message):
        """The learner leaves the lesson for the course map; the app decides where that is."""

    def __init__(self, study: Study, session: LessonSession) -> None:
        super().__init__()
        self.study = study
        self.session = session
        self.lesson = session.lesson
        self.lang = study.lang_for(self.lesson)
        self.chapter = study.chapter(self.lesson.id)
        self._pending: set[int] = set()
        """Cells asked to run whose run has not finished (asking again does nothing)."""
        self.runner = CellRunner(self, session, self.lang)

    @property
    def blocks(self) -> BlockList:
        return self.query_one("#blocks", BlockList)

    @property
    def loaded(self) -> bool:
        """True once every block is mounted (shortly after the first frame)."""
        return self.blocks.loaded

    # ---- composition ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        course = self.study.validated_course
        yield from self.compose_header(
            course.title if course is not None else None,
            self.chapter,
            self.lesson.title,
            len(self.lesson.blocks),
        )
        with Container(id="page"):  # the menu slides over the blocks, never the footer
            with in_language(ChapterMenu, self.lang)(id="menu", disabled=True):
                yield Label(t("Chapters", self.lang), classes="menu--title")
                if self.study.chapters:
                    yield in_language(ChapterList, self.lang)(
                        self.study.chapters,
                        self._statuses(),
                        lang=self.lang,
                        current=self.lesson.id,
                        status_text=False,
                        id="chapters",
                    )
            yield BlockList(
                self.session,
                lang=self.lang,
                previous=self.study.neighbour(self.lesson.id, -1) is not None,
                following=self.study.neighbour(self.lesson.id, +1) is not None,
                course_end=self.study.course_quizzes() if self._last_of_course() else None,
                id="blocks",
            )
        yield LectioFooter()

    def _statuses(self) -> dict[str, str]:
        return self.study.statuses()

    def _last_of_course(self) -> bool:
        """This is the last chapter of a course: no chapter after it can be opened."""
        return (
            self.study.validated_course is not None
            and self.chapter is not None
            and self.study.neighbour(self.lesson.id, +1) is None
        )

    # ---- lifecycle -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.runner.listen()
        blocks = self.blocks
        blocks.restore_questions()
        self._update_progress()
        needs_kernel = any(
            (isinstance(b, CodeBlock) and b.run) or isinstance(b, GraphBlock)
            for b in self.lesson.blocks
        )
        if needs_kernel:  # after the first frame: spawning the kernel takes the CPU a moment
            self.call_after_refresh(self._start_kernel)
        self.call_after_refresh(blocks.load_rest)

    def on_unmount(self) -> None:
        # Shutting a kernel down waits for the process: never on the event loop.
        threading.Thread(target=self.session.close, name="close-session", daemon=True).start()

    # ---- progress ------------------------------------------------------------------------------

    def _update_progress(self) -> None:
        self.show_progress(self.session.position, len(self.lesson.blocks))

    @on(BlockList.Moved)
    def _moved(self, event: BlockList.Moved) -> None:
        """Record where the learner is (the resume point)."""
        if event.block_index != self.session.position:
            with saving(self, self.lang):
                self.session.visit(event.block_index)
            self._update_progress()
        self._refresh_ask()

    # ---- kernel --------------------------------------------------------------------------------

    def _start_kernel(self) -> None:
        self.runner.start_kernel()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self.app, event, self.lang)

    @on(CellRunner.KernelChanged)
    def _kernel_changed(self, event: CellRunner.KernelChanged) -> None:
        status = self.query_one(KernelStatus)
        status.state = event.state
        status.note = event.note
        self.refresh_bindings()

    def has_neighbour(self, step: int) -> bool:
        return self.study.neighbour(self.lesson.id, step) is not None

    def action_interrupt(self) -> None:
        self.runner.interrupt()
        self.notify(t("Interrupt sent", self.lang), timeout=2)

    def action_restart_kernel(self) -> None:
        self.runner.restart_kernel()

    @on(CellRunner.Restarted)
    def _restarted(self) -> None:
        for cell in self.query(CodeCell):
            if not cell.running:
                cell.clear()
        self.notify(t("Kernel restarted: cells will run again from the top", self.lang), timeout=3)

    # ---- running cells -------------------------------------------------------------------------

    @on(CodeCell.RunRequested)
    def _run_requested(self, event: CodeCell.RunRequested) -> None:
        event.stop()
        index = event.cell.block_index
        if index in self._pending:
            return
        self._pending.add(index)
        if self.runner.busy:
            event.cell.queue()
        self.runner.run(index, above=event.above)

    @on(CodeCell.Edited)
    def _edited(self, event: CodeCell.Edited) -> None:
        event.stop()
        with saving(self, self.lang):
            if event.code is None:
                self.session.reset_cell(event.cell.block_index)
            else:
                self.session.edit_cell(event.cell.block_index, event.code)

    @on(CellRunner.Progress)
    def _progress(self) -> None:
        """Take what the run reported now, or when the interval since the last take is over
        (a flood updates its cell at most once per interval: engine/session/reports.py)."""
        due = self.runner.reports.due_in()
        if due > 0:
            self.set_timer(due, self._take_reports)
        else:
            self._take_reports()

    def _take_reports(self) -> None:
        blocks = self.blocks
        for report in self.runner.reports.take():
            cell = blocks.cell(report.block_index)
            if cell is None:
                continue
            if isinstance(report, Started):
                cell.start()
            else:
                cell.append_output(report.text)

    @on(CellRunner.CellsFinished)
    def _cells_finished(self, event: CellRunner.CellsFinished) -> None:
        self._take_reports()  # whatever the run reported before it ended, in order
        self.call_after_refresh(self._refresh_ask)
        self._pending.discard(event.requested)
        blocks = self.blocks
        for index, result in event.results:
            cell = blocks.cell(index)
            if cell is not None:
                cell.finish(result)
        requested = blocks.cell(event.requested)
        if event.failure is not None and requested is not None:
            requested.finish(CellResult(CellStatus.ERROR, detail=event.failure))
        elif requested is not None and requested.running:
            requested.running = False
            requested.finish(
                self.session.cell(event.requested).result or CellResult(CellStatus.SKIPPED)
            )
        crashed = [i for i, result in event.results if result.status is CellStatus.CRASHED]
        if crashed:
            # The failure stays on the crashed cell; bring a fresh kernel back at once. What
            # ran before lived in the dead kernel: the other cells say "Not run yet" again.
            self._start_kernel()
            lost = [c for c in self.query(CodeCell) if c.block_index not in crashed and c.has_run]
            for code in lost:
                code.clear()
            self.notify(
                t(
                    "The kernel crashed and was restarted: run the cells again from the top",
                    self.lang,
                ),
                severity="warning",
                timeout=6,
            )
        elif event.results:
            self._refresh_graphs(min(index for index, _ in event.results))

    def _refresh_graphs(self, changed_from: int) -> None:
        """Draw the graphs whose cells above have all run, once the namespace changed above
        them, and redraw a graph already drawn after any cell (``y.backward()`` below it fills
        in the gradients it shows): no cell runs only because a graph came into view."""
        for view in self.query(GraphView):
            if view.block_index > changed_from or view.drawn:
                self.runner.draw(view, only_if_ran=True)

    # ---- graphs --------------------------------------------------------------------------------

    @on(GraphView.DrawRequested)
    def _draw_requested(self, event: GraphView.DrawRequested) -> None:
        event.stop()
        event.view.drawing()
        self.runner.draw(event.view)

    @on(CellRunner.GraphReady)
    def _graph_ready(self, event: CellRunner.GraphReady) -> None:
        event.view.show(event.graph)
        # Drawing ran the cells above: show their results too.
        for cell in self.query(CodeCell):
            if cell.block_index < event.view.block_index and not cell.running:
                result = self.session.cell(cell.block_index).result
                if result is not None:
                    cell.finish(result)

    # ---- questions -----------------------------------------------------------------------------

    @on(Question.CheckRequested)
    def _check(self, event: Question.CheckRequested) -> None:
        event.stop()
        with saving(self, self.lang):
            verdict = self.session.answer(event.question.block_index, event.picks)
            event.question.show_verdict(verdict)

    @on(Question.AnswerRequested)
    def _show_answer(self, event: Question.AnswerRequested) -> None:
        event.stop()
        with saving(self, self.lang):
            verdict = self.session.show_answer(event.question.block_index)
            event.question.show_verdict(verdict)

    @on(Question.HintRequested)
    def _hint(self, event: Question.HintRequested) -> None:
        event.stop()
        with saving(self, self.lang):
            self.session.reveal_hint(event.question.block_index)
            view = self.session.question(event.question.block_index)
            event.question.show_hints(view.hints_shown, view.hints_left)

    # ---- chapter end ---------------------------------------------------------------------------

    @on(ChapterFeedback.Submitted)
    def _feedback(self, event: ChapterFeedback.Submitted) -> None:
        event.stop()
        with saving(self, self.lang):
            self.session.submit_feedback(
                event.clear, event.comment, block_index=len(self.lesson.blocks)
            )
        following = self.query_one("#next-chapter", Button)
        (following if not following.disabled else self.query_one("#previous-chapter")).focus()

    @on(Button.Pressed, "#previous-chapter")
    def _previous_pressed(self) -> None:
        self.action_previous_chapter()

    @on(Button.Pressed, "#next-chapter")
    def _next_pressed(self) -> None:
        self.action_next_chapter()

    def action_next_chapter(self) -> None:
        following = self.study.neighbour(self.lesson.id, +1)
        if following is not None:
            with saving(self, self.lang):
                self.session.finish()
            self._open(following.lesson_id)

    def action_previous_chapter(self) -> None:
        previous = self.study.neighbour(self.lesson.id, -1)
        if previous is not None:
            self._open(previous.lesson_id)

    def _open(self, lesson_id: str) -> None:
        self.post_message(self.OpenChapter(lesson_id))

    @on(OptionList.OptionSelected, "#course-quizzes")
    def _quiz_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        quiz_id = picked_quiz(event.option.id)
        if quiz_id is not None:
            self.post_message(OpenQuiz(quiz_id))

    def on_screen_resume(self) -> None:
        """Back from a quiz opened at the end of the course: show its new score."""
        for quizzes in self.query("#course-quizzes").results(QuizList):
            quizzes.update_quizzes(self.study.course_quizzes())

    # ---- menu and moving around ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """j / k not while the chapter menu covers the blocks (the frame's checks besides)."""
        if action in ("next_block", "previous_block"):
            return not self.has_class("-menu")
        return super().check_action(action, parameters)

    def action_toggle_menu(self) -> None:
        """Slide the chapter menu in or out. Closed, it is disabled: its list cannot take the
        focus (the first focus when the chapter opens, Tab) while it is out of sight."""
        self.toggle_class("-menu")
        self.query_one(ChapterMenu).disabled = not self.has_class("-menu")
        self.refresh_bindings()
        if self.has_class("-menu"):
            for menu in self.query(ChapterList):
                menu.update_statuses(self._statuses())
                menu.focus()
        else:
            self.blocks.focus()

    @on(ChapterMenu.Closed)
    def _menu_closed(self) -> None:
        if self.has_class("-menu"):
            self.action_toggle_menu()

    @on(OptionList.OptionSelected, "#chapters")
    def _chapter_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        lesson_id = event.option.id
        if self.has_class("-menu"):
            self.action_toggle_menu()
        if lesson_id and lesson_id != self.lesson.id:
            self._open(lesson_id)

    def action_next_block(self) -> None:
        self.blocks.step(+1)

    def action_previous_block(self) -> None:
        self.blocks.step(-1)

    # ---- the Ask panel (mounted, and engine.ask imported, on first use) -----------------------

    def action_ask(self) -> None:
        """Show the Ask panel beside the lesson (or hide it)."""
        found = self.query("#ask")
        if found:
            panel = found.first()
            panel.display = not panel.display
            if panel.display:
                self._refresh_ask()
                panel.query_one("#ask-input").focus()
            else:
                self.blocks.focus()
            return
        from engine.tui.widgets.ask_panel import AskPanel

        loaded = self.study.loaded
        lessons = loaded.ordered() if loaded is not None else [self.lesson]
        chapter = self.chapter.title if self.chapter is not None else ""
        panel = AskPanel(self.session, lang=self.lang, lessons=lessons, chapter=chapter, id="ask")
        self.mount(panel, before=self.query_one(LectioFooter))
        self.call_after_refresh(lambda: panel.query_one("#ask-input").focus())

    def _refresh_ask(self) -> None:
        for panel in self.query("#ask"):
            if panel.display:
                panel.refresh_for()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        for panel in self.query("#ask"):
            if panel.display and panel.has_focus_within:  # Escape in the panel closes it
                panel.display = False
                self.blocks.focus()
                return
        if self.has_class("-menu"):
            self.action_toggle_menu()
            return
        self.post_message(self.BackToCourse())
