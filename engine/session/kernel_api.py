"""The parts of the kernel and the lesson executor a session uses, as Protocols.

The session depends on these shapes, not on the classes, so tests inject a fake kernel (canned
:class:`CellResult` values, no subprocess, no torch) and the real
``engine.execution.kernel.Kernel`` / ``engine.execution.executor.LessonExecutor`` are imported
only when a session first needs to run code.

A kernel factory is called as ``factory(on_state=callback)``; the callback receives every
:class:`KernelState` change (from the kernel's own threads).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable
from typing import Any, Protocol, cast

from engine.execution.results import CellResult, KernelState
from engine.format.models import Lesson

StateCallback = Callable[[KernelState], None]
OutputCallback = Callable[[int, str], None]
StartCallback = Callable[[int], None]


class KernelLike(Protocol):
    state: KernelState

    def start(self) -> None: ...
    def execute(
        self,
        code: str,
        *,
        timeout: float = 30.0,
        on_output: Callable[[str], None] | None = None,
        filename: str = "<cell>",
    ) -> CellResult: ...
    def reset(self, seed: int = 0) -> None: ...
    def interrupt(self) -> None: ...
    def restart(self) -> None: ...
    def shutdown(self) -> None: ...


class ExecutorLike(Protocol):
    def run_cell(
        self,
        cell_index: int,
        *,
        code: str | None = None,
        on_output: OutputCallback | None = None,
        on_start: StartCallback | None = None,
        keep_going: bool = False,
    ) -> list[tuple[int, CellResult]]: ...
    def set_code(self, cell_index: int, code: str | None) -> None: ...
    def ran(self, cell_index: int) -> bool: ...
    def graph(self, graph_index: int, *, keep_going: bool = False) -> Any: ...
    def restart(self) -> None: ...


class KernelFactory(Protocol):
    def __call__(self, *, on_state: StateCallback | None = None) -> KernelLike: ...


ExecutorFactory = Callable[[Lesson, KernelLike], ExecutorLike]


def default_kernel_factory(*, on_state: StateCallback | None = None) -> KernelLike:
    """A real kernel subprocess, forked from the process's warm zygote when it can be
    (``engine.execution.zygote``), else spawned; imported lazily: the UI never imports torch."""
    module = importlib.import_module("engine.execution.zygote")
    return cast(KernelLike, module.make_kernel(on_state=on_state))


def prestart_default_kernels() -> None:
    """Start the warm zygote that :func:`default_kernel_factory` forks from, in a background
    thread (the imports and the ``Popen`` happen there): torch imports while the learner reads
    the course map, and the first lesson's kernel is a fork away. Front ends call it when they
    use the default factory; a failure is the first kernel's to report (it then spawns)."""

    def start() -> None:
        with contextlib.suppress(Exception):
            importlib.import_module("engine.execution.zygote").current()

    threading.Thread(target=start, daemon=True, name="lectio-zygote").start()


def default_executor_factory(lesson: Lesson, kernel: KernelLike) -> ExecutorLike:
    module = importlib.import_module("engine.execution.executor")
    return cast(ExecutorLike, module.LessonExecutor(lesson, kernel))
