"""Everything of a lesson screen that touches the kernel: start, run, graph, interrupt, restart.

Each kernel call blocks (a cell can run for seconds), so each runs in a thread worker of the
screen that owns the runner (its ``Worker.StateChanged`` messages, and so a failed worker's
notification, stay with that screen), and reports back with messages posted to it
(``post_message`` is thread-safe): :class:`CellRunner.KernelChanged`, ``CellsFinished``,
``GraphReady``, ``Restarted``. What a run reports while it runs (a cell started, output) is put
in :attr:`CellRunner.reports` (:mod:`engine.session.reports`) and announced by one ``Progress``
message per batch, not a message per chunk the kernel read. One run at a time: the session
serialises kernel calls, and :attr:`CellRunner.busy` tells the screen that a cell asked for now
waits for its turn. The runner shows nothing itself; the screen hands the results to its widgets.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.screen import Screen

from engine.execution.graph import AutogradGraph
from engine.execution.results import CellResult, KernelState
from engine.format.models import CodeBlock
from engine.session.lesson import missing_reason
from engine.session.reports import ReportQueue
from engine.store.base import StoreError
from engine.tui.guard import notify_not_saved

if TYPE_CHECKING:
    from engine.session.lesson import LessonSession
    from engine.tui.widgets.graph_view import GraphView


class CellRunner:
    """The kernel side of one lesson screen (``host``) over its ``session``."""

    class KernelChanged(Message):
        def __init__(self, state: KernelState, note: str = "") -> None:
            super().__init__()
            self.state = state
            self.note = note
            """Why the kernel was spawned, not forked from the warm zygote (empty if it was)."""

    class Progress(Message):
        """Reports wait in :attr:`CellRunner.reports` (posted once until they are taken)."""

    class CellsFinished(Message):
        def __init__(
            self, results: list[tuple[int, CellResult]], requested: int, failure: str | None = None
        ) -> None:
            super().__init__()
            self.results = results
            self.requested = requested
            self.failure = failure

    class GraphReady(Message):
        """The graph of ``view`` came back (the cells above it ran to draw it)."""

        def __init__(self, view: GraphView, graph: AutogradGraph) -> None:
            super().__init__()
            self.view = view
            self.graph = graph

    class Restarted(Message):
        """A fresh kernel replaced the old one: every result shown is stale."""

    def __init__(self, host: Screen[None], session: LessonSession, lang: str) -> None:
        self.host = host
        self.session = session
        self.lang = lang
        self._lock = threading.Lock()
        self._told_missing = False
        """The missing ``requires`` were said (once per lesson, not per cell or restart)."""
        self.reports = ReportQueue()
        """Starts and output of the running cells, for the host to take (``Progress``)."""

    def listen(self) -> None:
        """Post the kernel's state changes to the host from now on (once it is mounted)."""
        self.session.on_kernel_state(self._on_kernel_state)

    @property
    def busy(self) -> bool:
        """A run, a graph or a restart holds the kernel now."""
        return self._lock.locked()

    def _worker(self, name: str, group: str, work: partial[None]) -> None:
        self.host.run_worker(work, name=name, group=group, thread=True, exit_on_error=False)

    # ---- the kernel ----------------------------------------------------------------------------

    def start_kernel(self) -> None:
        self._worker("start-kernel", "kernel-control", partial(self._start_kernel))

    def _start_kernel(self) -> None:
        self.session.start_kernel()
        if self.session.lesson.requires and not self._told_missing:
            missing = self.session.missing_modules()  # blocks until the kernel answers
            if missing:
                self._told_missing = True
                self.host.app.call_from_thread(
                    self.host.notify,
                    missing_reason(missing, self.lang),
                    severity="warning",
                    timeout=20,
                )

    def _on_kernel_state(self, state: KernelState) -> None:
        """Called from kernel threads: hand over to the event loop."""
        self.host.post_message(self.KernelChanged(state, self.session.kernel_note))

    def interrupt(self) -> None:
        self.session.interrupt()

    def restart_kernel(self) -> None:
        self._worker("restart-kernel", "kernel-control", partial(self._restart_kernel))

    def _restart_kernel(self) -> None:
        self.session.interrupt()
        with self._lock:
            self.session.restart_kernel()
        self.host.post_message(self.Restarted())

    # ---- cells ---------------------------------------------------------------------------------

    def run(self, block_index: int, *, above: bool) -> None:
        """Run cell ``block_index`` (``above``: and every cell above it first)."""
        self._worker("run-cell", "kernel", partial(self._run, block_index, above))

    def _run(self, block_index: int, above: bool) -> None:
        """Run in a thread: blocking session calls, results posted back as messages."""
        results: list[tuple[int, CellResult]] = []
        failure: str | None = None
        with self._lock:
            run = self.session.run_all_above if above else self.session.run_cell
            try:
                results = run(block_index, on_output=self._on_output, on_start=self._on_start)
            except StoreError as exc:  # ran, but the run could not be recorded
                self.host.app.call_from_thread(notify_not_saved, self.host.app, exc, self.lang)
                failure = str(exc)
            except Exception as exc:  # the session could not run at all: show it on the cell
                failure = f"{type(exc).__name__}: {exc}"
        self.host.post_message(self.CellsFinished(results, block_index, failure))

    def _on_output(self, block_index: int, text: str) -> None:
        if self.reports.output(block_index, text):
            self.host.post_message(self.Progress())

    def _on_start(self, block_index: int) -> None:
        if self.reports.started(block_index):
            self.host.post_message(self.Progress())

    # ---- graphs --------------------------------------------------------------------------------

    def draw(self, view: GraphView, *, only_if_ran: bool = False) -> None:
        """Get the graph of ``view`` (it runs the cells above first, unless ``only_if_ran``:
        then it is drawn only if they all ran already)."""
        self._worker("draw-graph", "kernel", partial(self._draw, view, only_if_ran))

    def _draw(self, view: GraphView, only_if_ran: bool) -> None:
        with self._lock:
            if only_if_ran:
                above = [
                    i
                    for i, b in enumerate(self.session.lesson.blocks[: view.block_index])
                    if isinstance(b, CodeBlock)
                ]
                if not all(self.session.ran(i) for i in above):
                    return
                self.host.app.call_from_thread(view.drawing)
            try:
                graph = self.session.graph(view.block_index)
            except Exception as exc:
                self.host.app.call_from_thread(view.show_error, f"{type(exc).__name__}: {exc}")
                return
        self.host.post_message(self.GraphReady(view, graph))
