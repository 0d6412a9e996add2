"""A fork server: one process that imported torch once and forks a fresh kernel per lesson.

Validating a course must give every lesson a clean process (global state such as the default
dtype, seeds or builtins must never leak from one lesson into the next) without paying torch's
import (about 1.5 s) each time. The server imports the preload modules, warms them up, then
forks one child per request; a child is ready in milliseconds and becomes an ordinary kernel
worker (:func:`engine.execution.worker.serve`) that lectio talks to directly: the server hands
lectio the child's pipe ends over a Unix socket (``SCM_RIGHTS``), reaps the child when it ends
and writes its exit status to a pipe lectio watches.

The trap: torch's intra-op thread pool (OpenMP) does not survive ``fork``. A child forked after
the parent ran a multi-threaded operation spins forever at 100% CPU in its first parallel op.
So the server warms up with ``torch.set_num_threads(1)`` (no pool is ever created in it) and
each child restores the original thread count. Should that ever fail, the kernel's deadline
still kills the child (tested with ``unsafe_warmup``, which deliberately sets the trap).

Run as ``python -m engine.execution.forkserver --sock-fd N --preload torch``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from engine.execution.process import ForkedWorker, worker_environment
from engine.execution.protocol import send
from engine.execution.warmup import WARMUPS, needed_warmups

__all__ = ["WARMUPS", "ForkServer", "ForkServerError", "needed_warmups"]

_MAX_MESSAGE = 1 << 16


class ForkServerError(RuntimeError):
    """The fork server could not start, or died."""


class ForkServer:
    """lectio's handle on a fork server process (thread-safe :meth:`fork`)."""

    def __init__(
        self,
        preload: Sequence[str] = ("torch",),
        *,
        unsafe_warmup: bool = False,
        warm: Iterable[str] = ("optim",),
    ) -> None:
        self.preload = tuple(preload)
        self.unsafe_warmup = unsafe_warmup
        self.warm = set(warm)
        """Optional warm-ups (``WARMUPS``) the next forks need; the server does each once."""
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._popen: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] = {}

    def start(self) -> None:
        """Spawn the server; returns at once (the first :meth:`fork` waits for its imports)."""
        with self._lock:
            if self._popen is not None:
                return
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            command = [
                sys.executable,
                "-m",
                "engine.execution.forkserver",
                "--sock-fd",
                str(theirs.fileno()),
                "--preload",
                ",".join(self.preload),
            ]
            if self.unsafe_warmup:
                command.append("--unsafe-warmup")
            try:
                self._popen = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    pass_fds=(theirs.fileno(),),
                    start_new_session=True,
                    env=worker_environment(),
                )
            finally:
                theirs.close()
            self._sock = mine

    def _ensure_ready(self) -> socket.socket:
        if self._popen is None:
            self._lock.release()
            try:
                self.start()
            finally:
                self._lock.acquire()
        assert self._sock is not None
        if not self.info:
            data = self._sock.recv(_MAX_MESSAGE)
            if not data:
                raise ForkServerError(f"the fork server could not start: {self._stderr()}")
            self.info = json.loads(data)
        return self._sock

    def _stderr(self) -> str:
        if self._popen is None or self._popen.stderr is None:
            return ""
        with contextlib.suppress(Exception):
            self._popen.wait(5)
            return self._popen.stderr.read().decode("utf-8", "replace").strip()[-2000:]
        return ""

    def wait_ready(self) -> dict[str, Any]:
        """Block until the server has imported its preload modules; what it reported."""
        with self._lock:
            self._ensure_ready()
            return self.info

    def fork(self, *, cwd: str, memory_limit: int | None) -> ForkedWorker:
        """A fresh kernel worker forked from the server, running in ``cwd``."""
        with self._lock:
            sock = self._ensure_ready()
            try:
                sock.send(json.dumps({"op": "fork", "warm": sorted(self.warm)}).encode())
                data, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 4)
            except OSError as exc:
                raise ForkServerError(f"the fork server is gone: {exc}") from None
            if not data or len(fds) != 4:
                for fd in fds:
                    os.close(fd)
                raise ForkServerError(f"the fork server died: {self._stderr()}")
            reply = json.loads(data)
        process = ForkedWorker(int(reply["pid"]), *fds)
        # the child was forked ahead of time; its first message says where and how to run
        with contextlib.suppress(OSError):  # if it died, the kernel notices at once
            send(process.ctrl_in, {"op": "setup", "cwd": cwd, "memory_limit": memory_limit or 0})
        return process

    def close(self) -> None:
        """Stop the server (lessons it forked are not affected: they are their own sessions)."""
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None
            if self._popen is not None:
                with contextlib.suppress(ProcessLookupError):
                    self._popen.kill()
                self._popen.wait()
                if self._popen.stderr is not None:
                    self._popen.stderr.close()
                self._popen = None

    def __enter__(self) -> ForkServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- the server process ---------------------------------------------------------------------


def _warm(unsafe: bool) -> int:
    """Import-time work every lesson would repeat, done once, single-threaded; the thread count."""
    torch = sys.modules.get("torch")
    if torch is None:
        return 0
    threads = int(torch.get_num_threads())
    if unsafe:  # the trap, for tests only: leaves an OpenMP pool that does not survive fork
        x = torch.randn(1000, 1000)
        (x @ x).sum()
    else:
        torch.set_num_threads(1)
    x = torch.randn(64, 64, requires_grad=True)
    layer = torch.nn.Linear(64, 8)
    loss = torch.nn.functional.mse_loss(layer(x @ x), torch.zeros(64, 8))
    loss.backward()
    with torch.no_grad():
        y = x.sum().item() + layer.weight.grad.mean().item()
    # printing tensors is what lessons do most, and its first call sets up a lot
    text = repr(x) + str(torch.tensor([1.0, 2.0], requires_grad=True) * 2) + repr(torch.arange(3))
    text += repr(torch.tensor(2.0)) + repr(torch.zeros(2, 3, dtype=torch.int64)) + str(y)
    torch.manual_seed(0)  # its first call imports and initialises more (about 10 ms)
    return threads


def _child(fds: dict[str, int], threads: int, unsafe: bool) -> NoReturn:
    """In the forked child: become a kernel worker on the given pipes.

    Everything that does not depend on the request happens here, ahead of time; the working
    folder and the memory cap come with the first message, ``setup`` (see
    :func:`engine.execution.worker.handle`).
    """
    from engine.execution import worker
    from engine.execution.cellexec import CellRunner

    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.dup2(fds["out_w"], 1)
        os.dup2(fds["out_w"], 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        for fd in (fds["out_w"], devnull):
            os.close(fd)
        torch = sys.modules.get("torch")
        if torch is not None and threads and not unsafe:
            torch.set_num_threads(threads)
        worker.setup_process(None, None)
        worker.serve(fds["req_r"], fds["rep_w"], CellRunner(None))
    except BaseException:
        with contextlib.suppress(Exception):
            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        os._exit(70)


class _Spare:
    """A child forked ahead of the request that will take it, so a lesson waits for nothing."""

    def __init__(self, threads: int, unsafe: bool, inherited: set[int]) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        out_r, out_w = os.pipe()
        st_r, self.status_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            for fd in (req_w, rep_r, out_r, st_r, self.status_w, *inherited):
                with contextlib.suppress(OSError):
                    os.close(fd)
            _child({"req_r": req_r, "rep_w": rep_w, "out_w": out_w}, threads, unsafe)
        for fd in (req_r, rep_w, out_w):
            os.close(fd)
        self.pid = pid
        self.fds = [req_w, rep_r, out_r, st_r]

    def discard(self) -> None:
        """Kill a spare nobody will use (the reaper ignores its status)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        for fd in (*self.fds, self.status_w):
            os.close(fd)

    def hand_over(self, sock: socket.socket) -> None:
        try:
            socket.send_fds(sock, [json.dumps({"pid": self.pid}).encode()], self.fds)
        finally:
            for fd in self.fds:
                os.close(fd)


def serve(sock: socket.socket, preload: Sequence[str], unsafe: bool) -> NoReturn:
    """Hand a ready child to each request, fork the next; reap children, report their status."""
    import gc
    import select

    from engine.execution import worker

    done, failed = worker.preload(preload)
    threads = _warm(unsafe)
    gc.collect()
    gc.freeze()  # children never scan (and so never copy) the server's objects
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    status_pipes: dict[int, int] = {}

    def spare() -> _Spare:
        return _Spare(threads, unsafe, {sock.fileno(), wake_r, wake_w, *status_pipes.values()})

    ready = {"op": "ready", "preloaded": done, "failed": failed, "threads": threads}
    sock.send(json.dumps(ready).encode())
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN | select.POLLHUP)
    poller.register(wake_r, select.POLLIN)
    warmed: set[str] = set()
    waiting: _Spare | None = None  # forked after the first request, which may ask for warm-ups
    while True:
        try:
            events = poller.poll()
        except InterruptedError:
            continue
        for fd, _ in events:
            if fd == wake_r:
                with contextlib.suppress(BlockingIOError):
                    while os.read(wake_r, 512):
                        pass
                continue
            data = sock.recv(_MAX_MESSAGE)
            if not data:
                os._exit(0)
            wanted = {w for w in json.loads(data).get("warm", []) if w in WARMUPS} - warmed
            if wanted:
                if waiting is not None:  # forked before this warm-up: not good enough now
                    waiting.discard()
                    waiting = None
                for name in sorted(wanted):
                    WARMUPS[name]()
                warmed |= wanted
                gc.collect()
                gc.freeze()
            child = waiting or spare()
            child.hand_over(sock)
            status_pipes[child.pid] = child.status_w
            waiting = spare()
        _reap(status_pipes)


def _reap(status_pipes: dict[int, int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        fd = status_pipes.pop(pid, None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.write(fd, f"{os.waitstatus_to_exitcode(status)}\n".encode())
            os.close(fd)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    parser = argparse.ArgumentParser(prog="python -m engine.execution.forkserver")
    parser.add_argument("--sock-fd", type=int, required=True)
    parser.add_argument("--preload", default="torch")
    parser.add_argument("--unsafe-warmup", action="store_true")
    args = parser.parse_args(argv)
    sock = socket.socket(fileno=args.sock_fd)
    serve(sock, [m for m in args.preload.split(",") if m], args.unsafe_warmup)


if __name__ == "__main__":
    main()
