"""The warm zygote of the TUI and plain mode: every lesson kernel is forked from it.

No timing here (benchmarks/bench_restart.py measures it): these prove that a kernel forked from
the zygote is a fresh, limited, hardened kernel after a restart and after a crash, that a crash
never harms the zygote, that a dead zygote is replaced, and that kernels are spawned, saying
so, when the zygote cannot or must not be used.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from engine.execution import sandbox, zygote
from engine.execution.forkserver import ForkServer, ForkServerError
from engine.execution.kernel import Kernel
from engine.execution.process import ForkedWorker, SpawnedWorker
from engine.execution.results import CellStatus, KernelState
from engine.session.kernel_api import default_kernel_factory

pytestmark = pytest.mark.slow

FRESH_CHECK = """
import random, resource, torch
print('x' in dir(), random.random() == first_random, torch.rand(1).item() == first_torch)
print(resource.getrlimit(resource.RLIMIT_AS)[0])
"""


@pytest.fixture
def fresh_zygote(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForkServer]:
    """The process's zygote, started for this test and stopped after it."""
    monkeypatch.delenv(zygote.ZYGOTE_ENV, raising=False)
    monkeypatch.delenv(sandbox.SANDBOX_ENV, raising=False)
    zygote._reset_for_tests()
    server = zygote.current()
    assert server is not None
    yield server
    zygote._reset_for_tests()


def _process(kernel: Kernel) -> object:
    """The kernel's current worker process."""
    live = kernel._live
    assert live is not None
    return live.process


def _seeded_values(kernel: Kernel) -> tuple[str, str]:
    """What ``random.random()`` and ``torch.rand(1)`` give first in a fresh lesson."""
    result = kernel.execute(
        "import random, torch\nprint(repr(random.random()), torch.rand(1).item())"
    )
    assert result.status is CellStatus.OK, result
    first_random, first_torch = result.stdout.split()
    return first_random, first_torch


def _assert_fresh(kernel: Kernel, values: tuple[str, str]) -> None:
    first_random, first_torch = values
    code = f"first_random = {first_random}\nfirst_torch = {first_torch}\n" + FRESH_CHECK
    result = kernel.execute(code)
    assert result.status is CellStatus.OK, result
    lines = result.stdout.split("\n")
    assert lines[0] == "False True True", result.stdout  # no old names; both seeds reset
    assert int(lines[1]) == kernel.memory_limit  # the memory cap is in force


def test_the_default_factory_forks_lesson_kernels_from_the_zygote(
    fresh_zygote: ForkServer,
) -> None:
    states: list[KernelState] = []
    kernel = default_kernel_factory(on_state=states.append)
    assert isinstance(kernel, Kernel)
    try:
        assert kernel.forkserver is fresh_zygote and kernel.spawn_fallback
        kernel.start()  # returns at once, even while the zygote imports torch
        values = _seeded_values(kernel)
        assert isinstance(_process(kernel), ForkedWorker)
        assert kernel.start_note == ""
        assert KernelState.READY in states
        # the hardened kernel: its modules are hidden from the cells, it is not dumpable
        result = kernel.execute(
            "import ctypes, sys\n"
            "print(sorted(m for m in sys.modules if m.startswith('engine')))\n"
            "print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))"  # PR_GET_DUMPABLE
        )
        assert result.stdout.split("\n")[:2] == ["['engine.execution.richdisplay']", "0"], result
        kernel.execute("x = 42\nimport random; random.seed(5)")
        generation = kernel.generation
        kernel.restart()
        _assert_fresh(kernel, values)
        assert kernel.generation == generation + 1
        assert isinstance(_process(kernel), ForkedWorker)
    finally:
        kernel.shutdown()


def test_a_crash_in_a_forked_kernel_never_harms_the_zygote(fresh_zygote: ForkServer) -> None:
    kernel = zygote.make_kernel()
    try:
        values = _seeded_values(kernel)
        server_pid = fresh_zygote.pid
        kernel.execute("x = 1")
        crashed = kernel.execute("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)")
        assert crashed.status is CellStatus.CRASHED
        assert "SIGSEGV" in crashed.detail
        # the kernel that replaced it came from the same zygote, alive and unharmed
        _assert_fresh(kernel, values)
        assert fresh_zygote.pid == server_pid and fresh_zygote.replaced == 0
        assert server_pid is not None
        os.kill(server_pid, 0)  # still there
        assert isinstance(_process(kernel), ForkedWorker)
    finally:
        kernel.shutdown()


def test_a_dead_zygote_is_replaced(fresh_zygote: ForkServer) -> None:
    kernel = zygote.make_kernel()
    try:
        values = _seeded_values(kernel)
        old_pid = fresh_zygote.pid
        assert old_pid is not None
        os.kill(old_pid, signal.SIGKILL)
        kernel.execute("x = 1")  # the running kernel does not depend on the zygote
        assert kernel.execute("print(x)").stdout == "1\n"
        kernel.restart()
        _assert_fresh(kernel, values)
        assert fresh_zygote.replaced == 1
        assert fresh_zygote.pid not in (None, old_pid)
        assert isinstance(_process(kernel), ForkedWorker)
        assert kernel.start_note == ""
    finally:
        kernel.shutdown()


class _BrokenServer(ForkServer):
    """A fork server that can never fork (as if its process could not start at all)."""

    def fork(self, *, cwd: str, memory_limit: int | None) -> ForkedWorker:
        raise ForkServerError("the fork server could not start: broken on purpose")


def test_a_zygote_that_cannot_fork_falls_back_to_a_spawned_kernel_and_says_so() -> None:
    kernel = Kernel(forkserver=_BrokenServer(), spawn_fallback=True, preload=())
    try:
        assert kernel.execute("print(6 * 7)").stdout == "42\n"
        assert isinstance(_process(kernel), SpawnedWorker)
        assert "broken on purpose" in kernel.start_note
        assert "spawned" in kernel.start_note
    finally:
        kernel.shutdown()
    strict = Kernel(forkserver=_BrokenServer(), preload=())  # validation: no silent fallback
    with pytest.raises(ForkServerError):
        strict.execute("print(1)")


def test_sandboxed_or_disabled_kernels_are_spawned_and_say_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zygote._reset_for_tests()
    monkeypatch.setenv(zygote.ZYGOTE_ENV, "0")
    kernel = zygote.make_kernel()
    assert kernel.forkserver is None and "LECTIO_ZYGOTE=0" in kernel.start_note
    monkeypatch.delenv(zygote.ZYGOTE_ENV)
    monkeypatch.setenv(sandbox.SANDBOX_ENV, "1")
    kernel = zygote.make_kernel()
    assert kernel.forkserver is None and "sandbox" in kernel.start_note
    assert not zygote._zygote  # no zygote was started for a sandboxed process
    if sandbox.problem() is not None:
        return  # no bubblewrap here: the sandbox tests say so; the decision above is checked
    try:
        result = kernel.execute("print(6 * 7)")
        assert result.stdout == "42\n", result
        assert isinstance(_process(kernel), SpawnedWorker)
        process = _process(kernel)
        assert isinstance(process, SpawnedWorker) and process.sandboxed
    finally:
        kernel.shutdown()


def test_shutdown_before_the_zygote_is_ready_starts_no_kernel(fresh_zygote: ForkServer) -> None:
    kernel = zygote.make_kernel()
    kernel.start()
    kernel.shutdown()  # the start thread may still wait for torch's import
    assert fresh_zygote.wait_ready()
    for thread in threading.enumerate():
        if thread.name == "lectio-kernel-start":
            thread.join(60)
    assert kernel._live is None or kernel._live.closed
    assert kernel.state is KernelState.DEAD


def test_the_zygote_rss_is_readable(fresh_zygote: ForkServer) -> None:
    fresh_zygote.wait_ready()
    assert fresh_zygote.pid is not None
    assert zygote.rss_bytes(fresh_zygote.pid) > 50 << 20  # it imported torch
    assert zygote.rss_bytes(-1) == 0


def test_descendants_from_children_files_match_a_scan_of_proc() -> None:
    """Killing a kernel finds its processes from the children files (a restart no longer pays a
    scan of all of /proc); they must be the same processes the scan finds."""
    import subprocess

    from engine.execution import process

    shell = subprocess.Popen(["sh", "-c", "sleep 30 & (sleep 30 & wait) & wait"])
    try:
        found: list[int] = []
        for _ in range(500):  # until the shell has started its three sleeps and subshell
            found = process.descendants(shell.pid)
            if len(found) >= 3:
                break
            threading.Event().wait(0.01)
        assert process._HAS_CHILDREN_FILES
        assert len(found) >= 3
        assert sorted(found) == sorted(process._descendants_by_scan(shell.pid))
    finally:
        for pid in process.descendants(shell.pid):
            os.kill(pid, signal.SIGKILL)
        shell.kill()
        shell.wait()
