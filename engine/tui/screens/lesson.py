"""The lesson screen: a chapter's blocks in reading order, driven by a :class:`LessonSession`.

Layout: a header (course, section and chapter, kernel status) and a progress bar; a chapter menu
that slides in from the left (``m``); the blocks; at the end "Was everything clear?" and the
previous / next chapter buttons; the footer with every binding.

Everything that touches the kernel (start, run, graph, restart) runs in a thread worker and reports
back through messages (``post_message`` is thread-safe), so the interface stays responsive while a
cell runs for seconds. One run at a time: the session serialises kernel calls, and cells waiting
for their turn say so.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Label, OptionList, ProgressBar
from textual.worker import Worker

from engine.execution.graph import AutogradGraph
from engine.execution.results import CellResult, CellStatus, KernelState
from engine.format.models import CodeBlock, GraphBlock, NoteBlock, QuestionBlock, TextBlock
from engine.i18n import t
from engine.session.lesson import missing_reason
from engine.store.base import StoreError
from engine.tui.guard import notify_not_saved, report_failed_worker, saving
from engine.tui.inline import inline_markdown
from engine.tui.keys import localize_bindings
from engine.tui.widgets.chapter_end import ChapterEnd
from engine.tui.widgets.chapter_menu import ChapterList
from engine.tui.widgets.code_cell import CodeCell
from engine.tui.widgets.feedback import ChapterFeedback
from engine.tui.widgets.graph_view import GraphView
from engine.tui.widgets.kernel_status import KernelStatus
from engine.tui.widgets.note import Note
from engine.tui.widgets.prose import MarkdownText
from engine.tui.widgets.question import Question

if TYPE_CHECKING:
    from engine.session.lesson import LessonSession
    from engine.session.study import Study


FIRST_WINDOW = 5
"""Blocks composed before the first frame."""
MOUNT_CHUNK = 3
"""Blocks mounted at a time after the first frame."""
MOUNT_PAUSE = 0.01
"""Seconds given to the event loop (keys, a frame) between two chunks."""


class Prose(MarkdownText):
    """A text block: Markdown prose."""

    DEFAULT_CSS = """
    Prose { margin: 0 0 1 0; padding: 0 1; }
    """

    def __init__(self, text: str, *, block_index: int) -> None:
        super().__init__(text, block_index=block_index, classes="block")


class LessonScreen(Screen[None]):
    """One chapter of a course (or a lesson opened on its own)."""

    DEFAULT_CSS = """
    LessonScreen { layers: base menu; }
    LessonScreen > #header {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    LessonScreen > #header > #titles { width: 1fr; height: auto; }
    LessonScreen > #header .lesson--course { color: $text-muted; }
    LessonScreen > #header .lesson--chapter { text-style: bold; }
    LessonScreen > #header > KernelStatus { dock: right; }
    LessonScreen > #progress-row { height: 1; padding: 0 1; background: $panel; }
    LessonScreen > #progress-row > ProgressBar { width: 1fr; }
    LessonScreen > #progress-row > ProgressBar > Bar { width: 1fr; }
    LessonScreen > #blocks { padding: 0 2 0 1; }
    LessonScreen > #blocks > Prose { border-left: blank; }
    LessonScreen > #blocks > Prose.-current { border-left: thick $accent 50%; }
    LessonScreen > #menu {
        layer: menu;
        dock: left;
        width: 44;
        height: 100%;
        background: $panel;
        border-right: tall $accent;
        offset-x: -100%;
        transition: offset 200ms in_out_cubic;
        & > .menu--title { text-style: bold; padding: 0 1; }
        & > ChapterList { height: 1fr; border: none; }
    }
    LessonScreen.-menu > #menu { offset-x: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "toggle_menu", "Chapters"),
        Binding("n", "next_chapter", "Next chapter"),
        Binding("p", "previous_chapter", "Previous chapter", show=False),
        Binding("j", "next_block", "Next block", show=False),
        Binding("k", "previous_block", "Previous block", show=False),
        Binding("i", "interrupt", "Interrupt"),
        Binding("ctrl+r", "restart_kernel", "Restart kernel", show=False),
        Binding("escape", "back", "Back"),
    ]

    class OpenChapter(Message):
        """The learner asks for another chapter (next, previous, the menu), in place of this
        one; the app opens it."""

        def __init__(self, lesson_id: str) -> None:
            super().__init__()
            self.lesson_id = lesson_id

    class BackToCourse(Message):
        """The learner leaves the lesson for the course map; the app decides where that is."""

    class KernelChanged(Message):
        def __init__(self, state: KernelState) -> None:
            super().__init__()
            self.state = state

    class CellStarted(Message):
        def __init__(self, block_index: int) -> None:
            super().__init__()
            self.block_index = block_index

    class CellOutput(Message):
        def __init__(self, block_index: int, text: str) -> None:
            super().__init__()
            self.block_index = block_index
            self.text = text

    class CellsFinished(Message):
        def __init__(
            self, results: list[tuple[int, CellResult]], requested: int, failure: str | None = None
        ) -> None:
            super().__init__()
            self.results = results
            self.requested = requested
            self.failure = failure

    def __init__(self, study: Study, session: LessonSession) -> None:
        super().__init__()
        self.study = study
        self.session = session
        self.lesson = session.lesson
        self.lang = study.lang_for(self.lesson)
        self.chapter = study.chapter(self.lesson.id)
        self._pending: set[int] = set()
        self.loaded = False
        """True once every block is mounted (shortly after the first frame)."""
        self._moved: Widget | None = None
        """The block the learner moved to before every block was mounted (not resumed over)."""
        self._cell_numbers: dict[int, int] = {}
        for index, block in enumerate(self.lesson.blocks):
            if isinstance(block, CodeBlock):
                self._cell_numbers[index] = len(self._cell_numbers) + 1
        self._kernel_lock = threading.Lock()
        self._told_missing = False
        """The missing ``requires`` were said (once per lesson, not per cell or restart)."""
        localize_bindings(self, self.lang)

    # ---- composition ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        course = self.study.validated_course
        with Horizontal(id="header"):
            with Vertical(id="titles"):
                if course is not None:
                    line = inline_markdown(course.title)
                    if self.chapter is not None:
                        line.append("  ›  ")
                        line.append_text(inline_markdown(self.chapter.section_title))
                    yield Label(line, classes="lesson--course")
                chapter_line = Text()
                if self.chapter is not None:
                    chapter_line.append(
                        t(
                            "Section {section} · Chapter {chapter}",
                            self.lang,
                            section=self.chapter.section,
                            chapter=self.chapter.number,
                        )
                        + "  ",
                        style="dim",
                    )
                chapter_line.append_text(inline_markdown(self.lesson.title))
                yield Label(chapter_line, classes="lesson--chapter")
            yield KernelStatus(lang=self.lang, id="kernel")
        with Horizontal(id="progress-row"):
            yield ProgressBar(total=len(self.lesson.blocks), show_eta=False, id="progress")
        with Vertical(id="menu"):
            yield Label(t("Chapters", self.lang), classes="menu--title")
            if self.study.chapters:
                yield ChapterList(
                    self.study.chapters,
                    self._statuses(),
                    lang=self.lang,
                    current=self.lesson.id,
                    status_text=False,
                    id="chapters",
                )
        with VerticalScroll(id="blocks"):
            yield from self._blocks()
            yield from self._chapter_end()
        yield Footer()

    def _statuses(self) -> dict[str, str]:
        return self.study.statuses()

    def _window(self) -> range:
        """The blocks composed before the first frame: around where the learner resumes.

        A long chapter is dozens of widgets; composing them all before the first frame costs
        about a second. The rest is mounted right after the first frame (:meth:`_mount_rest`).
        """
        total = len(self.lesson.blocks)
        start = max(0, min(self.session.position, total - 1) - 1)
        return range(start, min(total, start + FIRST_WINDOW))

    def _blocks(self) -> ComposeResult:
        for index in self._window():
            widget = self._make_block(index)
            if widget is not None:
                yield widget

    def _make_block(self, index: int) -> Widget | None:
        """The widget of block ``index`` (None for a hidden cell)."""
        block = self.lesson.blocks[index]
        if isinstance(block, TextBlock):
            return Prose(block.text, block_index=index)
        if isinstance(block, NoteBlock):
            return Note(block, lang=self.lang, block_index=index)
        if isinstance(block, CodeBlock):
            if block.hidden:
                return None
            cell = self.session.cell(index)
            return CodeCell(
                block,
                block_index=index,
                number=self._cell_numbers[index],
                lang=self.lang,
                code=cell.code,
                result=cell.result,
            )
        if isinstance(block, GraphBlock):
            return GraphView(block, block_index=index, lang=self.lang)
        assert isinstance(block, QuestionBlock)
        view = self.session.question(index)
        return Question(
            prompt=view.prompt,
            multiple=view.multiple,
            choices=view.choices,
            lang=self.lang,
            block_index=index,
            hint_count=len(block.hints),
            title=t("Question", self.lang),
            id=f"question-{block.id}",
        )

    def _load_rest(self) -> None:
        # A worker (its own task), so the screen's message queue, which handles the keys
        # bubbling up from the focused block, is never held while the blocks are mounted.
        self.run_worker(self._mount_rest(), name="mount-rest", group="mount", exit_on_error=False)

    async def _mount_rest(self) -> None:
        """Mount the blocks outside the first window, a few at a time so keys are handled in
        between (all at once held the event loop for a tenth of a second or more on a long
        chapter); then go where the learner stopped, unless they moved meanwhile."""
        window = self._window()
        container = self.query_one("#blocks", VerticalScroll)
        composed = self._blocks_list()
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
            await container.mount_all(chunk, before=end)
            self._restore_questions(chunk)
            await asyncio.sleep(MOUNT_PAUSE)
        if before:  # above the window: at once; _resume then scrolls back to the block
            await container.mount_all(before, before=first)
            self._restore_questions(before)
        self.loaded = True
        self.call_after_refresh(self._resume)

    def _restore_questions(self, widgets: list[Widget]) -> None:
        for widget in widgets:
            if isinstance(widget, Question):
                self._restore_question(widget)

    def _chapter_end(self) -> ComposeResult:
        end = ChapterEnd(block_index=len(self.lesson.blocks))
        with end:
            yield Label(t("End of the chapter", self.lang), classes="chapter-end--title")
            yield ChapterFeedback(lang=self.lang, sent=self.session.feedback_given)
            with Horizontal(classes="chapter-end--nav"):
                previous = self.study.neighbour(self.lesson.id, -1)
                following = self.study.neighbour(self.lesson.id, +1)
                yield Button(
                    "← " + t("Previous chapter", self.lang),
                    id="previous-chapter",
                    disabled=previous is None,
                    compact=True,
                )
                yield Button(
                    t("Next chapter", self.lang) + " →",
                    id="next-chapter",
                    disabled=following is None,
                    variant="primary",
                    compact=True,
                )

    # ---- lifecycle -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.session.on_kernel_state(self._on_kernel_state)
        for question in self.query(Question):
            self._restore_question(question)
        self._update_progress()
        needs_kernel = any(isinstance(b, CodeBlock | GraphBlock) for b in self.lesson.blocks)
        if needs_kernel:  # after the first frame: spawning the kernel takes the CPU a moment
            self.call_after_refresh(self._start_kernel)
        self.call_after_refresh(self._load_rest)

    def _resume(self) -> None:
        """Scroll to where the learner stopped and focus that block (or, if they moved while
        the chapter was being mounted, keep the block they moved to in view)."""
        if self._moved is not None:
            self.query_one("#blocks", VerticalScroll).scroll_to_widget(
                self._moved, top=True, animate=False
            )
            return
        position = self.session.position
        target: Widget | None
        if position >= len(self.lesson.blocks):
            target = self.query_one(ChapterEnd)
        else:
            # A hidden cell has no widget: the next shown block stands for it.
            target = next(
                (w for w in self._blocks_list() if getattr(w, "block_index", -1) >= position), None
            )
        if target is None:
            self.query_one("#blocks", VerticalScroll).focus()
            return
        if position:
            self.query_one("#blocks", VerticalScroll).scroll_to_widget(
                target, top=True, animate=False
            )
        self._set_current(target)
        self._focus_block(target)

    def _restore_question(self, widget: Question) -> None:
        view = self.session.question(widget.block_index)
        if view.hints_shown:
            widget.show_hints(view.hints_shown, view.hints_left)
        if view.last is not None:
            widget.set_picks(view.last.picked)
            widget.show_verdict(view.last)

    def _block_widget(self, block_index: int) -> Widget | None:
        for widget in self.query(".block"):
            if getattr(widget, "block_index", None) == block_index:
                return widget
        return None

    def _cell(self, block_index: int) -> CodeCell | None:
        for cell in self.query(CodeCell):
            if cell.block_index == block_index:
                return cell
        return None

    # ---- progress ------------------------------------------------------------------------------

    def _update_progress(self) -> None:
        total = len(self.lesson.blocks)
        self.query_one("#progress", ProgressBar).update(
            total=total, progress=min(self.session.position + 1, total)
        )

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        node: Widget | None = event.widget
        while node is not None and not node.has_class("block"):
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        if node is not None:
            self._set_current(node)

    # ---- kernel --------------------------------------------------------------------------------

    @work(thread=True, name="start-kernel", group="kernel-control", exit_on_error=False)
    def _start_kernel(self) -> None:
        self.session.start_kernel()
        if self.lesson.requires and not self._told_missing:
            missing = self.session.missing_modules()  # blocks until the kernel answers
            if missing:
                self._told_missing = True
                self.app.call_from_thread(
                    self.notify, missing_reason(missing, self.lang), severity="warning", timeout=20
                )

    def _on_kernel_state(self, state: KernelState) -> None:
        """Called from kernel threads: hand over to the event loop."""
        self.post_message(self.KernelChanged(state))

    def _on_output(self, block_index: int, text: str) -> None:
        self.post_message(self.CellOutput(block_index, text))

    def _on_start(self, block_index: int) -> None:
        self.post_message(self.CellStarted(block_index))

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self.app, event, self.lang)

    @on(KernelChanged)
    def _kernel_changed(self, event: KernelChanged) -> None:
        self.query_one(KernelStatus).state = event.state
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Interrupt is offered (in the footer) only while the kernel is busy: the footer of a
        code cell is full enough already."""
        if action == "interrupt":
            return self.query_one(KernelStatus).state is KernelState.BUSY
        return True

    def action_interrupt(self) -> None:
        self.session.interrupt()
        self.notify(t("Interrupt sent", self.lang), timeout=2)

    def action_restart_kernel(self) -> None:
        self._restart_kernel()

    @work(thread=True, name="restart-kernel", group="kernel-control", exit_on_error=False)
    def _restart_kernel(self) -> None:
        self.session.interrupt()
        with self._kernel_lock:
            self.session.restart_kernel()
        self.app.call_from_thread(self._restarted)

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
        if self._kernel_lock.locked():
            event.cell.queue()
        self._run(index, event.above)

    @on(CodeCell.Edited)
    def _edited(self, event: CodeCell.Edited) -> None:
        event.stop()
        with saving(self, self.lang):
            if event.code is None:
                self.session.reset_cell(event.cell.block_index)
            else:
                self.session.edit_cell(event.cell.block_index, event.code)

    @work(thread=True, name="run-cell", group="kernel", exit_on_error=False)
    def _run(self, block_index: int, above: bool) -> None:
        """Run in a thread: blocking session calls, results posted back as messages."""
        results: list[tuple[int, CellResult]] = []
        failure: str | None = None
        with self._kernel_lock:
            run = self.session.run_all_above if above else self.session.run_cell
            try:
                results = run(block_index, on_output=self._on_output, on_start=self._on_start)
            except StoreError as exc:  # ran, but the run could not be recorded
                self.app.call_from_thread(notify_not_saved, self.app, exc, self.lang)
                failure = str(exc)
            except Exception as exc:  # the session could not run at all: show it on the cell
                failure = f"{type(exc).__name__}: {exc}"
        self.post_message(self.CellsFinished(results, block_index, failure))

    @on(CellStarted)
    def _cell_started(self, event: CellStarted) -> None:
        cell = self._cell(event.block_index)
        if cell is not None:
            cell.start()

    @on(CellOutput)
    def _cell_output(self, event: CellOutput) -> None:
        cell = self._cell(event.block_index)
        if cell is not None:
            cell.append_output(event.text)

    @on(CellsFinished)
    def _cells_finished(self, event: CellsFinished) -> None:
        self._pending.discard(event.requested)
        for index, result in event.results:
            cell = self._cell(index)
            if cell is not None:
                cell.finish(result)
        requested = self._cell(event.requested)
        if event.failure is not None and requested is not None:
            requested.finish(CellResult(CellStatus.ERROR, detail=event.failure))
        elif requested is not None and requested.running:
            requested.running = False
            requested.finish(
                self.session.cell(event.requested).result or CellResult(CellStatus.SKIPPED)
            )
        if any(result.status is CellStatus.CRASHED for _, result in event.results):
            # The failure stays on the crashed cell; bring a fresh kernel back at once.
            self._start_kernel()
        elif event.results:
            self._refresh_graphs(min(index for index, _ in event.results))

    def _refresh_graphs(self, changed_from: int) -> None:
        """Draw the graphs whose cells above have all run, once the namespace changed above
        them: no cell runs only because a graph came into view."""
        for view in self.query(GraphView):
            if view.block_index > changed_from:
                self._draw(view, only_if_ran=True)

    # ---- graphs --------------------------------------------------------------------------------

    @on(GraphView.DrawRequested)
    def _draw_requested(self, event: GraphView.DrawRequested) -> None:
        event.stop()
        event.view.drawing()
        self._draw(event.view)

    @work(thread=True, name="draw-graph", group="kernel", exit_on_error=False)
    def _draw(self, view: GraphView, *, only_if_ran: bool = False) -> None:
        """Get the graph in a thread (it runs the cells above first, unless ``only_if_ran``:
        then it is drawn only if they all ran already)."""
        with self._kernel_lock:
            if only_if_ran:
                above = [
                    i
                    for i, b in enumerate(self.lesson.blocks[: view.block_index])
                    if isinstance(b, CodeBlock)
                ]
                if not all(self.session.ran(i) for i in above):
                    return
                self.app.call_from_thread(view.drawing)
            try:
                graph = self.session.graph(view.block_index)
            except Exception as exc:
                self.app.call_from_thread(view.show_error, f"{type(exc).__name__}: {exc}")
                return
        self.app.call_from_thread(self._graph_ready, view, graph)

    def _graph_ready(self, view: GraphView, graph: AutogradGraph) -> None:
        view.show(graph)
        # Drawing ran the cells above: show their results too.
        for cell in self.query(CodeCell):
            if cell.block_index < view.block_index and not cell.running:
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

    # ---- menu and moving around ----------------------------------------------------------------

    def action_toggle_menu(self) -> None:
        self.toggle_class("-menu")
        if self.has_class("-menu"):
            for menu in self.query(ChapterList):
                menu.update_statuses(self._statuses())
                menu.focus()
        else:
            self.query_one("#blocks").focus()

    @on(OptionList.OptionSelected, "#chapters")
    def _chapter_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        lesson_id = event.option.id
        self.remove_class("-menu")
        if lesson_id and lesson_id != self.lesson.id:
            self._open(lesson_id)

    def _focus_block(self, widget: Widget) -> None:
        """Focus the block (or its first focusable part); prose keeps the scroll focused."""
        if widget.focusable:
            widget.focus(scroll_visible=False)
            return
        for child in widget.query("*"):
            if child.focusable:
                child.focus(scroll_visible=False)
                return
        self.query_one("#blocks", VerticalScroll).focus(scroll_visible=False)

    def _blocks_list(self) -> list[Widget]:
        return [w for w in self.query(".block") if isinstance(w, Widget)]

    def _set_current(self, widget: Widget) -> None:
        """Mark the block the learner is at, and record it in the session."""
        for block in self.query(".block.-current"):
            if block is not widget:
                block.remove_class("-current")
        widget.add_class("-current")
        index = getattr(widget, "block_index", None)
        if index is not None and index != self.session.position:
            with saving(self, self.lang):
                self.session.visit(index)
            self._update_progress()

    def _step_block(self, step: int) -> None:
        blocks = self._blocks_list()
        current = next((i for i, b in enumerate(blocks) if b.has_class("-current")), -1)
        target = blocks[max(0, min(len(blocks) - 1, current + step))]
        if not self.loaded:
            self._moved = target
        self._set_current(target)
        self.query_one("#blocks", VerticalScroll).scroll_to_widget(target, top=True)
        self._focus_block(target)

    def action_next_block(self) -> None:
        self._step_block(+1)

    def action_previous_block(self) -> None:
        self._step_block(-1)

    def action_back(self) -> None:
        if self.has_class("-menu"):
            self.remove_class("-menu")
            return
        self.post_message(self.BackToCourse())

    def on_unmount(self) -> None:
        # Shutting a kernel down waits for the process: never on the event loop.
        threading.Thread(target=self.session.close, name="close-session", daemon=True).start()
