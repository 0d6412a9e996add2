"""The parts of the kernel and the lesson executor a session uses, as Protocols.

The session depends on these shapes, not on the classes, so tests inject a fake kernel (canned
:class:`CellResult` values, no subprocess, no torch) and the real
``engine.execution.kernel.Kernel`` / ``engine.execution.executor.LessonExecutor`` are imported
only when a session first needs to run code.

A kernel factory is called as ``factory(on_state=callback)``; the callback receives every
:class:`KernelState` change (from the kernel's own threads).
"""

from __future__ import annotations

import importlib
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
    """A real kernel subprocess (imported lazily: the UI process never imports torch)."""
    module = importlib.import_module("engine.execution.kernel")
    return cast(KernelLike, module.Kernel(on_state=on_state))


def default_executor_factory(lesson: Lesson, kernel: KernelLike) -> ExecutorLike:
    module = importlib.import_module("engine.execution.executor")
    return cast(ExecutorLike, module.LessonExecutor(lesson, kernel))
