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
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from engine.execution.hardening import become_subreaper, harden_lectio
from engine.execution.limits import FORK_TIMEOUT, STARTUP_TIMEOUT
from engine.execution.process import ForkedWorker, descendants, worker_environment
from engine.execution.protocol import (
    FROM_FORKSERVER,
    Message,
    Tampering,
    key_from_hex,
    new_key,
    opener,
    plain_line,
    sealer,
)
from engine.execution.sealed import hide_lectio_modules
from engine.execution.warmup import WARMUPS, needed_warmups

if TYPE_CHECKING:
    from engine.execution.cellexec import CellRunner

__all__ = ["WARMUPS", "ForkServer", "ForkServerError", "needed_warmups"]

_MAX_MESSAGE = 1 << 16


class ForkServerError(RuntimeError):
    """The fork server could not start, or died."""


class ForkServer:
    """lectio's handle on a fork server process (thread-safe :meth:`fork`).

    Everything the server says is checked: its messages are sealed with a key lectio gave it
    (:mod:`engine.execution.protocol`), each wait has a deadline, and a server that does not
    answer as it should (killed, stopped, hung, garbled, one that died half way through a
    fork) is killed and replaced, and the fork tried again with the new one: a lesson that
    breaks the server costs the others a new server, never their results.
    """

    def __init__(
        self,
        preload: Sequence[str] = ("torch",),
        *,
        unsafe_warmup: bool = False,
        warm: Iterable[str] = ("optim",),
        fork_timeout: float = FORK_TIMEOUT,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        self.preload = tuple(preload)
        self.unsafe_warmup = unsafe_warmup
        self.warm = set(warm)
        """Optional warm-ups (``WARMUPS``) the next forks need; the server does each once."""
        self.fork_timeout = fork_timeout
        self.startup_timeout = startup_timeout
        self.replaced = 0
        """How many times a server that failed was replaced."""
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._popen: subprocess.Popen[bytes] | None = None
        self._key = b""
        self.info: dict[str, Any] = {}

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen is not None else None

    def start(self) -> None:
        """Spawn the server; returns at once (the first :meth:`fork` waits for its imports)."""
        with self._lock:
            self._start()

    _open: Callable[[bytes], list[Message]]

    def _start(self) -> None:
        if self._popen is not None:
            return
        harden_lectio()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = self._command(theirs.fileno())
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
        self._key = new_key()
        self._open = opener(self._key, FROM_FORKSERVER)
        self._asked: set[str] = set()
        with contextlib.suppress(OSError):  # if it died already, the first fork says so
            mine.send(plain_line({"key": self._key.hex()}))
        self._sock = mine
        self.info = {}

    def _command(self, sock_fd: int) -> list[str]:
        """How the server process is started (tests start broken ones in its place)."""
        command = [sys.executable, "-m", "engine.execution.forkserver", "--sock-fd", str(sock_fd)]
        command += ["--preload", ",".join(self.preload)]
        return command + (["--unsafe-warmup"] if self.unsafe_warmup else [])

    def _ensure_ready(self) -> socket.socket:
        if self._popen is None:
            self._start()
        assert self._sock is not None
        if not self.info:
            data = self._recv(self.startup_timeout, "start")[0]
            if not data:
                raise ForkServerError(f"the fork server could not start: {self._stderr()}")
            self.info = self._message(data)
            if self.info.get("op") != "ready":
                raise ForkServerError("the fork server's first message was not 'ready'")
        return self._sock

    def _recv(self, timeout: float, what: str) -> tuple[bytes, list[int]]:
        assert self._sock is not None
        self._sock.settimeout(timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self._sock, _MAX_MESSAGE, 4)
        except TimeoutError:
            raise ForkServerError(
                f"the fork server did not {what} within {timeout:g} s (stopped or hung)"
            ) from None
        except OSError as exc:
            raise ForkServerError(f"the fork server is gone: {exc}") from None
        return data, fds

    def _message(self, data: bytes) -> Message:
        try:
            messages = self._open(data if data.endswith(b"\n") else data + b"\n")
        except Tampering as exc:
            raise ForkServerError(f"the fork server sent {exc}") from None
        if len(messages) != 1:
            raise ForkServerError("the fork server sent something that is not one message")
        return messages[0]

    def _stderr(self) -> str:
        if self._popen is None or self._popen.stderr is None:
            return ""
        with contextlib.suppress(Exception):
            self._popen.kill()
            self._popen.wait(5)
            os.set_blocking(self._popen.stderr.fileno(), False)
            text = (self._popen.stderr.read() or b"").decode("utf-8", "replace").strip()
            return text[-2000:] or "it exited before it was ready"
        return "it exited before it was ready"

    def wait_ready(self) -> dict[str, Any]:
        """Block until the server has imported its preload modules; what it reported."""
        with self._lock:
            try:
                self._ensure_ready()
            except ForkServerError:
                self._stop()
                raise
            return self.info

    def settle(self) -> None:
        """Wait until the server is ready, as a fork would, without forking (a kernel does it
        before it takes its own lock, so that lock is never held while torch imports). A server
        that fails is stopped and counted as replaced; the next :meth:`fork` starts another."""
        with self._lock:
            try:
                self._ensure_ready()
            except ForkServerError:
                self._stop()
                self.replaced += 1

    def fork(self, *, cwd: str, memory_limit: int | None) -> ForkedWorker:
        """A fresh kernel worker forked from the server, running in ``cwd``; a server that
        fails is replaced and asked again once."""
        with self._lock:
            try:
                return self._fork(cwd, memory_limit)
            except ForkServerError as first:
                self._stop()
                self.replaced += 1
                try:
                    return self._fork(cwd, memory_limit)
                except ForkServerError as second:
                    self._stop()
                    raise ForkServerError(f"{second} (and before it: {first})") from None

    def _fork(self, cwd: str, memory_limit: int | None) -> ForkedWorker:
        sock = self._ensure_ready()
        warm = set(self.warm)
        # a warm-up imports (torch._dynamo: seconds on a busy machine): the start's deadline
        timeout = self.startup_timeout if warm - self._asked else self.fork_timeout
        try:
            sock.send(json.dumps({"op": "fork", "warm": sorted(warm)}).encode())
        except OSError as exc:
            raise ForkServerError(f"the fork server is gone: {exc}") from None
        self._asked |= warm
        data, fds = self._recv(timeout, "fork a kernel")
        try:
            if not data:
                raise ForkServerError(f"the fork server died: {self._stderr()}")
            reply = self._message(data)
            pid = reply.get("pid")
            if len(fds) != 4 or type(pid) is not int or pid <= 1:
                raise ForkServerError("the fork server's answer to a fork was not a kernel")
        except ForkServerError:
            for fd in fds:
                os.close(fd)
            raise
        return ForkedWorker(pid, *fds, status_opener=self._open, cwd=cwd, memory_limit=memory_limit)

    def _stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._popen is not None:
            with contextlib.suppress(ProcessLookupError):
                self._popen.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._popen.wait(5)
            if self._popen.stderr is not None:
                self._popen.stderr.close()
            self._popen = None
        self.info = {}

    def close(self) -> None:
        """Stop the server (lessons it forked are not affected: they are their own sessions)."""
        with self._lock:
            self._stop()

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


class _Kit(NamedTuple):
    """The kernel code a child runs, imported by the server before it hid lectio's modules
    (:func:`serve`): a child imports nothing."""

    setup_process: Callable[[str | None, int | None], None]
    runner: type[CellRunner]
    wall_off: Callable[[int, CellRunner], None]
    read_hello: Callable[[int], tuple[Message, bytes]]
    configure: Callable[[str | None, int | None], None]
    serve: Callable[..., NoReturn]


def _kit() -> _Kit:
    from engine.execution import worker
    from engine.execution.cellexec import CellRunner
    from engine.execution.protocol import read_hello

    return _Kit(
        worker.setup_process,
        CellRunner,
        worker.wall_off,
        read_hello,
        worker.configure,
        worker.serve,
    )


def _child(fds: dict[str, int], threads: int, unsafe: bool, kit: _Kit) -> NoReturn:
    """In the forked child: become a kernel worker on the given pipes.

    Everything that does not depend on the request happens here, ahead of time (the child is
    a spare, forked before the request that takes it); the key, the working folder and the
    memory cap come with lectio's first line, the hello (see
    :func:`engine.execution.worker.serve`).
    """
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.dup2(fds["out_w"], 1)
        os.dup2(fds["out_w"], 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        for fd in (fds["out_w"], devnull):
            os.close(fd)
        torch = sys.modules.get("torch")
        if torch is not None and threads and not unsafe:
            torch.set_num_threads(threads)
        kit.setup_process(None, None)
        runner = kit.runner(None)
        kit.wall_off(fds["req_r"], runner)  # while no lesson waits for this child yet
        hello, rest = kit.read_hello(fds["req_r"])
        memory_limit = int(hello.get("memory_limit") or 0) or None
        kit.configure(str(hello.get("cwd") or "") or None, memory_limit)
        runner.memory_limit = memory_limit
        info: dict[str, Any] = {"preloaded": [], "failed": {}}
        kit.serve(fds["req_r"], fds["rep_w"], runner, hello, rest, info, walled=True)
    except BaseException:
        with contextlib.suppress(Exception):
            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        os._exit(70)


class _Spare:
    """A child forked ahead of the request that will take it, so a lesson waits for nothing."""

    def __init__(self, threads: int, unsafe: bool, inherited: set[int], kit: _Kit) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        out_r, out_w = os.pipe()
        st_r, self.status_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            for fd in (req_w, rep_r, out_r, st_r, self.status_w, *inherited):
                with contextlib.suppress(OSError):
                    os.close(fd)
            _child({"req_r": req_r, "rep_w": rep_w, "out_w": out_w}, threads, unsafe, kit)
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

    def hand_over(self, sock: socket.socket, seal: Callable[[Message], bytes]) -> None:
        try:
            socket.send_fds(sock, [seal({"pid": self.pid})], self.fds)
        finally:
            for fd in self.fds:
                os.close(fd)


def serve(sock: socket.socket, preload: Sequence[str], unsafe: bool) -> NoReturn:
    """Hand a ready child to each request, fork the next; reap children, report their status."""
    import gc
    import select

    from engine.execution import worker

    harden_lectio()  # no process of a lesson may reach the pipes this one holds
    become_subreaper()  # orphans of a kernel that died come here, to be ended
    sock.settimeout(60.0)
    try:
        hello = json.loads(sock.recv(_MAX_MESSAGE))
        seal = sealer(key_from_hex(hello["key"]), FROM_FORKSERVER)
    except (OSError, ValueError, KeyError, TypeError):
        os._exit(2)
    sock.settimeout(None)
    done, failed = worker.preload(preload)
    threads = _warm(unsafe)
    kit = _kit()
    # torch.manual_seed (a child's CellRunner seeds) formats the stack three times, for its
    # lazy CUDA, XPU and MTIA seeds, reading every source file on it: 20 ms of a child's CPU
    # unless the server's linecache already holds them (the same files are on this stack)
    kit.runner(None)
    hide_lectio_modules()  # once here, not in every child (freeing modules copies pages)
    # children never scan (and so never copy) the server's objects; no gc.collect() first:
    # it cost 60 ms before the server was ready, to free a few MB of import-time cycles
    gc.freeze()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    status_pipes: dict[int, int] = {}
    spares: set[int] = set()

    def spare() -> _Spare:
        inherited = {sock.fileno(), wake_r, wake_w, *status_pipes.values()}
        child = _Spare(threads, unsafe, inherited, kit)
        spares.add(child.pid)
        return child

    ready = {"op": "ready", "preloaded": done, "failed": failed, "threads": threads}
    sock.send(seal(ready))
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
            try:
                request = json.loads(data)
                asked = set(request.get("warm", []))
            except (ValueError, TypeError, AttributeError):
                asked = set()
            wanted = {w for w in asked if w in WARMUPS} - warmed
            if wanted:
                if waiting is not None:  # forked before this warm-up: not good enough now
                    spares.discard(waiting.pid)
                    waiting.discard()
                    waiting = None
                for name in sorted(wanted):
                    WARMUPS[name]()
                warmed |= wanted
                gc.collect()
                gc.freeze()
            child = waiting or spare()
            child.hand_over(sock, seal)
            status_pipes[child.pid] = child.status_w
            waiting = spare()
        _reap(status_pipes, spares, seal)


def _reap(status_pipes: dict[int, int], spares: set[int], seal: Callable[[Message], bytes]) -> None:
    """Reap ended children and tell lectio their (sealed) status; when a kernel ended, end
    the orphans it left, which came here (the server is their subreaper)."""
    kernel_ended = False
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        spares.discard(pid)
        fd = status_pipes.pop(pid, None)
        if fd is not None:
            kernel_ended = True
            code = os.waitstatus_to_exitcode(status)
            with contextlib.suppress(OSError):
                os.write(fd, seal({"pid": pid, "code": code}))
            os.close(fd)
    if kernel_ended:
        ours = set(status_pipes) | spares
        for orphan in _children() - ours:
            for pid in [orphan, *descendants(orphan)]:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


def _children() -> set[int]:
    """The server's direct children: its kernels and spares, and the orphans of kernels that
    died (re-parented here). One small read of /proc (a scan of all of it where that file is
    missing), so a lesson's end costs the server no more than that."""
    me = os.getpid()
    try:
        with open(f"/proc/{me}/task/{me}/children", "rb") as listed:  # noqa: PTH123
            return {int(pid) for pid in listed.read().split()}
    except (OSError, ValueError):
        found = set()
        for pid in descendants(me):
            try:
                with open(f"/proc/{pid}/stat", "rb") as stat:  # noqa: PTH123
                    if int(stat.read().rsplit(b")", 1)[1].split()[1]) == me:
                        found.add(pid)
            except (OSError, IndexError, ValueError):
                continue
        return found


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
