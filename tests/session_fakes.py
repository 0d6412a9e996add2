"""A fake kernel for session and plain-mode tests: canned results, no subprocess, no torch.

It implements the surface of ``engine.execution.kernel.Kernel`` that ``LessonExecutor`` and
``LessonSession`` use, and records what it was asked to run, so tests can check the order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.execution.graph import AutogradGraph, GraphNode
from engine.execution.results import CellError, CellResult, CellStatus, KernelState


def ok(stdout: str = "", display: str | None = None) -> CellResult:
    return CellResult(CellStatus.OK, stdout=stdout, display=display, duration=0.01)


def error(name: str = "ZeroDivisionError", message: str = "division by zero") -> CellResult:
    return CellResult(
        CellStatus.ERROR, error=CellError(name, message, f"{name}: {message}", 1), duration=0.01
    )


class FakeKernel:
    """``canned`` maps a substring of a cell's code to its result (first match wins)."""

    def __init__(
        self,
        *,
        on_state: Callable[[KernelState], None] | None = None,
        canned: dict[str, CellResult] | None = None,
        not_installed: frozenset[str] = frozenset(),
    ) -> None:
        self.on_state = on_state
        self.canned = canned or {}
        self.not_installed = not_installed
        self.requires_checks = 0
        self.state = KernelState.DEAD
        self.generation = 0
        self.executed: list[str] = []
        self.resets: list[int] = []
        self.interrupts = 0
        self.shut_down = False

    def _set(self, state: KernelState) -> None:
        self.state = state
        if self.on_state is not None:
            self.on_state(state)

    def start(self) -> None:
        if self.generation == 0:
            self.generation = 1
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
        result = next((r for key, r in self.canned.items() if key in code), None)
        if result is None:
            result = ok(f"ran {filename}\n")
        if on_output is not None and result.stdout:
            on_output(result.stdout)
        self._set(KernelState.READY)
        return result

    def missing_modules(self, modules: list[str]) -> list[str]:
        self.start()
        self.requires_checks += 1
        return [m for m in modules if m in self.not_installed]

    def reset(self, seed: int = 0) -> None:
        self.start()
        self.resets.append(seed)

    def interrupt(self) -> None:
        self.interrupts += 1

    def restart(self) -> None:
        self.generation += 1
        self._set(KernelState.RESTARTING)
        self._set(KernelState.READY)

    def shutdown(self) -> None:
        self.shut_down = True
        self._set(KernelState.DEAD)

    def autograd_graph(self, name: str, timeout: float = 10.0) -> AutogradGraph:
        return AutogradGraph(
            nodes=[
                GraphNode(0, "MulBackward0", "op"),
                GraphNode(1, "x", "leaf", value="tensor(2., requires_grad=True)"),
            ],
            edges=[(0, 1)],
            root=0,
        )


class KernelFactory:
    """A kernel factory for ``LessonSession(kernel_factory=...)`` that remembers its kernels."""

    def __init__(
        self,
        canned: dict[str, CellResult] | None = None,
        not_installed: frozenset[str] = frozenset(),
    ) -> None:
        self.canned = canned
        self.not_installed = not_installed
        self.kernels: list[FakeKernel] = []

    def __call__(self, **kwargs: Any) -> FakeKernel:
        kernel = FakeKernel(canned=self.canned, not_installed=self.not_installed, **kwargs)
        self.kernels.append(kernel)
        return kernel
