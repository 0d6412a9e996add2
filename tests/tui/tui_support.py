"""Support for the TUI tests: test data paths, and a fake kernel with canned, deterministic
results (no subprocess, no torch).

It implements the kernel shape the session and the real LessonExecutor use (``state``,
``generation``, ``start``, ``execute``, ``reset``, ``interrupt``, ``restart``, ``shutdown``,
``autograd_graph``) so the TUI is tested over the real session and executor. It never runs the
code: the output is looked up in ``outputs`` (the first key found in the code wins), and code
containing ``raise`` fails, ``os._exit`` crashes, ``sleep`` waits for ``release``, and ``flood``
prints :data:`FLOOD_LINES` lines one call each (the smallest chunks a kernel sends), then goes on
printing until ``release`` is set (an interrupt): such a flood ends only when a key ends it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from engine.execution.graph import AutogradGraph, GraphNode
from engine.execution.results import CellError, CellResult, CellStatus, KernelState, Picture
from engine.pictures import inspect

DATA = Path(__file__).resolve().parent.parent / "data" / "tui"
COURSE = DATA / "course"
QUIZ = DATA / "quizzes" / "review.yaml"
TUTORIAL = DATA / "tutorial"
"""A course of one chapter with math, a figure, a plot, a CUDA cell and a listing."""
PLOT_PNG = (TUTORIAL / "images" / "plot.png").read_bytes()
SIZE = (100, 32)
"""The fixed terminal size of pilot and snapshot tests."""
FLOOD_LINES = 100_000
"""Lines a ``flood`` cell of the fake kernel prints at least."""
HANG_GUARD = 60.0
"""Seconds :func:`until` waits before it fails: only a hang reaches it, never a slow machine."""


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` holds. Tests wait on what happens, not for a time:
    the deadline is a hang guard, far above what a loaded machine needs."""
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {HANG_GUARD} s for {what}"
        await pilot.pause(0.02)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages be handled."""
    for _ in range(50):  # workers start workers (the kernel starts after the first frame)
        with contextlib.suppress(WorkerCancelled):  # a replaced screen's: ended all the same
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        screen = pilot.app.screen
        if not any(w.is_running for w in pilot.app.workers) and getattr(screen, "loaded", True):
            break


async def open_from_map(pilot: Pilot[Any], lesson_id: str) -> None:
    """Open chapter ``lesson_id`` as the learner would, from the course map: once the map is up
    (the app pushes its first screen after Textual's start-up batch, not in ``on_mount``)."""
    from engine.tui.app import LectioApp
    from engine.tui.screens.course_map import CourseMapScreen

    app = pilot.app
    assert isinstance(app, LectioApp)
    await until(pilot, lambda: isinstance(app.screen, CourseMapScreen), "the course map")
    app.open_lesson(lesson_id)
    await settle(pilot)


async def run_and_answer_wrong(pilot: Pilot[Any], screen: Any) -> None:
    """On the open first-steps chapter: run its cell, pick the wrong "Nothing", ask a hint,
    check, and show the question at the top."""
    from textual.widgets import RadioButton

    from engine.tui.widgets.code_cell import CodeCell
    from engine.tui.widgets.question import Question

    screen.query_one(CodeCell).focus()
    await pilot.press("r")
    await settle(pilot)
    question = screen.query_one(Question)
    question.query_one("#choice-2", RadioButton).value = True
    question.query_one("RadioSet").focus()
    await pilot.press("h", "c")
    await pilot.pause()
    question.scroll_visible(top=True, animate=False)
    await pilot.pause()


GRAPH_OF_Y = AutogradGraph(
    nodes=[
        GraphNode(0, "y", "tensor", "tensor(5., grad_fn=<AddBackward0>)"),
        GraphNode(1, "AddBackward0", "op"),
        GraphNode(2, "MulBackward0", "op"),
        GraphNode(3, "x", "leaf", "tensor(2., requires_grad=True)", "tensor(4.)"),
    ],
    edges=[(0, 1), (1, 2), (2, 3), (2, 3)],
    root=0,
)


class FakeKernel:
    def __init__(
        self,
        *,
        on_state: Callable[[KernelState], None] | None = None,
        outputs: dict[str, str] | None = None,
        not_installed: frozenset[str] = frozenset(),
        start_note: str = "",
    ) -> None:
        self.not_installed = not_installed
        self.start_note = start_note  # why it was spawned, not forked from the zygote
        self.state = KernelState.DEAD
        self.generation = 0
        self.on_state = on_state
        self.outputs = (
            outputs
            if outputs is not None
            else {
                'print("x is", x)': "x is 2\n",
                "print(y)": "tensor(5., grad_fn=<AddBackward0>)\n",
            }
        )
        self.executed: list[str] = []
        self.release = threading.Event()
        self.release.set()
        self.resets = 0
        self.chunks = 0
        """Output calls made by ``flood`` cells."""

    def _set(self, state: KernelState) -> None:
        self.state = state
        if self.on_state is not None:
            self.on_state(state)

    def start(self) -> None:
        if self.state is KernelState.DEAD:
            self.generation += 1
            self._set(KernelState.STARTING)
            self._set(KernelState.READY)

    def execute(
        self,
        code: str,
        *,
        timeout: float = 30.0,
        on_output: Callable[[str], None] | None = None,
        filename: str = "<cell>",
    ) -> CellResult:
        self.start()
        self._set(KernelState.BUSY)
        self.executed.append(code)
        try:
            if "flood" in code:
                return self._flood(on_output)
            if "sleep" in code:
                self.release.wait(HANG_GUARD)  # released by the test (interrupt, shutdown)
            if "os._exit" in code:
                self._set(KernelState.DEAD)
                return CellResult(
                    CellStatus.CRASHED, duration=0.01, detail="the kernel exited with status 3"
                )
            out = next((text for key, text in self.outputs.items() if key in code), "")
            if out and on_output is not None:
                on_output(out)
            if "raise" in code:
                error = CellError(
                    "ZeroDivisionError",
                    "division by zero",
                    f'  File "{filename}", line 1, in <module>\n'
                    "ZeroDivisionError: division by zero\n",
                    1,
                )
                return CellResult(CellStatus.ERROR, stdout=out, error=error, duration=0.01)
            if "plt.show" in code:  # a plot: the picture a real kernel would send
                info = inspect(PLOT_PNG)
                picture = Picture(PLOT_PNG, info.width, info.height, at=len(out))
                return CellResult(
                    CellStatus.OK, stdout=out, duration=0.01, pictures=(picture,), picture_count=1
                )
            return CellResult(CellStatus.OK, stdout=out, duration=0.01)
        finally:
            if self.state is KernelState.BUSY:
                self._set(KernelState.READY)

    def _flood(self, on_output: Callable[[str], None] | None) -> CellResult:
        printed: list[str] = []
        while len(printed) < FLOOD_LINES or not self.release.is_set():
            printed.append(f"{len(printed)}\n")
            self.chunks += 1
            if on_output is not None:
                on_output(printed[-1])
            if len(printed) > 50 * FLOOD_LINES:  # a hang guard, not a time
                break
        return CellResult(CellStatus.OK, stdout="".join(printed), duration=0.5)

    def missing_modules(self, modules: list[str]) -> list[str]:
        self.start()
        return [m for m in modules if m in self.not_installed]

    def reset(self, seed: int = 0) -> None:
        self.start()
        self.resets += 1

    def interrupt(self) -> None:
        self.release.set()

    def restart(self) -> None:
        self._set(KernelState.RESTARTING)
        self.state = KernelState.DEAD
        self.start()

    def shutdown(self) -> None:
        self.state = KernelState.DEAD
        self.release.set()  # a cell held in "sleep" ends with its kernel

    def autograd_graph(self, name: str, timeout: float = 10.0) -> AutogradGraph:
        if name == "y":
            return GRAPH_OF_Y
        return AutogradGraph(error=f"name '{name}' is not defined: run the cells above first")


class FakeKernelFactory:
    """``factory(on_state=...)`` as the session calls it; remembers the kernels it made."""

    def __init__(self, **kwargs: object) -> None:
        self.kwargs = kwargs
        self.kernels: list[FakeKernel] = []

    def __call__(self, *, on_state: Callable[[KernelState], None] | None = None) -> FakeKernel:
        kernel = FakeKernel(on_state=on_state, **self.kwargs)  # type: ignore[arg-type]
        self.kernels.append(kernel)
        return kernel


@contextlib.contextmanager
def real_kernel_app(lesson: Path, data: Path) -> Iterator[Any]:
    """The app on ``lesson`` with the real kernel and a store in ``data``; its sessions (the
    kernel processes) and the store closed after."""
    from engine.session.study import Study
    from engine.session.targets import open_target
    from engine.store import SqliteStore
    from engine.tui.app import LectioApp

    store = SqliteStore(data / "db.sqlite")
    app = LectioApp(Study(open_target(lesson, whole_course=True), store, learner="tester"))
    try:
        yield app
    finally:
        for session in app.sessions:
            session.close()
        store.close()
