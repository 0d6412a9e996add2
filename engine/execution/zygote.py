"""The warm zygote of the TUI and the plain mode: every lesson kernel is forked from it.

Without it, each lesson (and each restart, and the restart after a crash) got a new worker
process that paid ``import torch`` again: 1.3 to 1.8 s on a busy machine. The zygote is the
validation fork server (:class:`engine.execution.forkserver.ForkServer`) started once per lectio
process, in the background, as soon as the app starts: it imports torch, warms up what every
lesson does (single-threaded: the fork trap of docs/kernel.md), and forks each kernel, which is
then the same hardened worker as any other (sealed replies, hidden modules, non-dumpable,
limits set from lectio's hello). Opening another chapter or restarting takes a fork, a few
milliseconds; the server keeps a spare child forked ahead of the next request.

It is not used, and kernels are spawned as before, when:

* kernels are sandboxed (``$LECTIO_SANDBOX``): each gets its own bubblewrap sandbox, and a
  sandbox cannot be forked into from a shared parent;
* ``$LECTIO_ZYGOTE`` is ``0`` (for measuring, or a machine where it misbehaves);
* the zygote cannot start or fork, even after being replaced (a server that dies is replaced by
  :meth:`ForkServer.fork` itself): the kernel spawns instead and says why in
  :attr:`Kernel.start_note`, which the kernel status shows.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable

from engine.execution import sandbox
from engine.execution.forkserver import ForkServer
from engine.execution.kernel import Kernel
from engine.execution.results import KernelState

__all__ = ["ZYGOTE_ENV", "current", "make_kernel", "rss_bytes", "why_not"]

ZYGOTE_ENV = "LECTIO_ZYGOTE"

_lock = threading.Lock()
_zygote: list[ForkServer] = []


def why_not() -> str | None:
    """Why kernels of this process are not forked from a zygote; None when they are."""
    if os.environ.get(ZYGOTE_ENV, "") == "0":
        return f"{ZYGOTE_ENV}=0"
    if sandbox.enabled():
        return "sandboxed kernels are each started in a sandbox of their own"
    return None


def current() -> ForkServer | None:
    """The process's zygote, started now if it was not yet (None when it is not used)."""
    if why_not() is not None:
        return None
    with _lock:
        if not _zygote:
            # no optional warm-up up front: a lesson that needs one asks for it (prepare_for)
            server = ForkServer(warm=())
            server.start()
            _zygote.append(server)
            atexit.register(server.close)
        return _zygote[0]


def make_kernel(*, on_state: Callable[[KernelState], None] | None = None) -> Kernel:
    """A lesson kernel forked from the zygote, or spawned (with the reason in its note)."""
    server = current()
    kernel = Kernel(on_state=on_state, forkserver=server, spawn_fallback=True)
    if server is None:
        kernel.start_note = f"spawned, not forked from the warm zygote: {why_not()}"
    return kernel


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (``VmRSS``), 0 if it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:  # noqa: PTH123
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _reset_for_tests() -> None:
    """Forget (and stop) the zygote, so a test can start from nothing."""
    with _lock:
        while _zygote:
            _zygote.pop().close()
