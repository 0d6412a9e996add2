"""Handles on kernel worker processes, however they were started.

A :class:`WorkerProcess` is what a :class:`~engine.execution.kernel.Kernel` needs from a worker:
three pipe ends (requests, replies, output), a file descriptor that becomes readable when the
process has ended (so waiting for a reply, for output and for death is one ``poll``), its exit
status, and a way to kill it with everything it started. Two kinds exist: a process spawned
fresh with ``python -m engine.execution.worker`` (:class:`SpawnedWorker`), and one forked by the
fork server (:class:`ForkedWorker`, see :mod:`engine.execution.forkserver`).

Workers run in their own session (process group), so killing the group also kills the child
processes a cell left behind; a worker is also the subreaper of what its cells start
(:mod:`engine.execution.hardening`), so daemons that left the group are found by parent id.

Every worker gets a fresh key (:attr:`WorkerProcess.key`) in its first line, the hello, written
here as soon as the process exists: starting or replacing a worker, however it is made, goes
through this module.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.execution import sandbox
from engine.execution.protocol import (
    CHANNEL_LOST,
    TAMPERED,
    Message,
    Tampering,
    new_key,
    plain_line,
)
from engine.execution.sealed import seal_builtins
from engine.settings import cell_cache_dir

seal_builtins(globals())

EXIT_UNKNOWN = 1000
"""Stands for an exit status nobody reported (the fork server died before it could)."""
FORGED_STATUS = 1001
"""Stands for an exit status that was not sealed with the fork server's key."""


_listdir = os.listdir  # bound now: the worker calls descendants() after cells ran


def _children_files() -> bool:
    """Whether this kernel lists a task's children in ``/proc/PID/task/TID/children``."""
    me = os.getpid()
    return os.path.exists(f"/proc/{me}/task/{me}/children")  # noqa: PTH110


_HAS_CHILDREN_FILES = _children_files()


def _children(pid: int) -> list[int]:
    """The children of ``pid`` (of any of its threads), from ``/proc``'s children files."""
    found: list[int] = []
    try:
        tasks = _listdir(f"/proc/{pid}/task")
    except OSError:
        return found  # gone
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as listed:  # noqa: PTH123
                found += [int(child) for child in listed.read().split()]
        except (OSError, ValueError):
            continue  # that thread ended
    return found


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Linux; empty elsewhere): from the children files of
    ``pid`` and its descendants, a few small reads (a kernel is the subreaper of its cells'
    processes, so orphans are its children too); where those files are missing, from the
    parent ids of one pass over all of ``/proc`` (tens of milliseconds on a busy machine)."""
    if _HAS_CHILDREN_FILES:
        found: list[int] = []
        todo = [pid]
        while todo and len(found) < 100_000:
            kids = _children(todo.pop())
            found += kids
            todo += kids
        return found
    return _descendants_by_scan(pid)


def _descendants_by_scan(pid: int) -> list[int]:
    """:func:`descendants` from the parent ids in ``/proc/*/stat``."""
    children: dict[int, list[int]] = {}
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:
        return []
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


class WorkerProcess:
    """The common part: fds, signals, and killing the process group."""

    pid: int
    ctrl_in: int  # lectio writes requests here
    ctrl_out: int  # lectio reads replies here
    output: int  # the worker's stdout+stderr (non-blocking)
    wait_fd: int  # readable once the process has ended
    precise = True
    """Whether ``wait_fd`` always reports the end; if not, lectio also polls ``returncode``."""

    def __init__(self) -> None:
        self._closed = False
        self._killed = False
        self.key = new_key()
        """The key of this worker's control channel, sent in its hello and nowhere else."""

    def _send_hello(self, cwd: str, memory_limit: int | None) -> None:
        """The first line on the request pipe: the key, the working folder, the memory cap
        (if the worker died already, the kernel notices at once)."""
        hello = {"op": "hello", "key": self.key.hex(), "cwd": cwd, "memory_limit": memory_limit}
        with contextlib.suppress(OSError):
            os.write(self.ctrl_in, plain_line(hello))

    def returncode(self) -> int | None:
        """The exit status once ended (negative: killed by that signal), else None."""
        raise NotImplementedError

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the worker's whole process group: stray children die with it, and so do
        its descendants that left the group (``start_new_session=True``), found by parent."""
        if self._killed:  # killed already: it cannot have started anything since
            return
        self._killed = True
        # not once it has ended: its pid (and its children's parent id) may be reused by now
        strays = descendants(self.pid) if self.returncode() is None else []
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        self.signal(signal.SIGKILL)
        for pid in strays:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def wait(self, timeout: float) -> int | None:
        """Wait for the end, up to ``timeout`` seconds; the exit status or None."""
        deadline = time.monotonic() + timeout
        while True:
            code = self.returncode()
            if code is not None or time.monotonic() >= deadline:
                return code
            time.sleep(0.005)

    def _fds(self) -> list[int]:
        return [self.ctrl_in, self.ctrl_out, self.output, self.wait_fd]

    def close(self) -> None:
        """Close lectio's ends of the pipes (the process must be dead or dying); no waiting:
        tearing down a torch process's memory takes milliseconds lectio need not spend."""
        if self._closed:
            return
        self._closed = True
        for fd in self._fds():
            with contextlib.suppress(OSError):
                os.close(fd)


def worker_environment() -> dict[str, str]:
    """lectio's environment, plus the folder holding ``engine`` on the path: workers start in
    a scratch folder, and must find the package even when lectio runs from a source checkout.
    Also the kernel's matplotlib backend and the cells' persistent cache (``LECTIO_CACHE``,
    ``TORCH_HOME``; see :func:`engine.settings.cell_cache_dir`)."""
    root = str(Path(__file__).resolve().parent.parent.parent)
    path = os.environ.get("PYTHONPATH", "")
    cache = cell_cache_dir()
    with contextlib.suppress(OSError):
        cache.mkdir(parents=True, exist_ok=True)
    return dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=root + (os.pathsep + path if path else ""),
        # figures drawn with Agg, plt.show() hands them to the cell's output: no display
        MPLBACKEND="module://engine.execution.mpl_backend",
        # a cache that survives from run to run: a download happens once per machine
        LECTIO_CACHE=str(cache),
        TORCH_HOME=os.environ.get("TORCH_HOME") or str(cache / "torch"),
    )


class SpawnedWorker(WorkerProcess):
    """A worker started with ``sys.executable -m engine.execution.worker``."""

    def __init__(
        self,
        *,
        cwd: str,
        memory_limit: int | None,
        preload: Sequence[str],
        warm: Sequence[str] = (),
    ) -> None:
        super().__init__()
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        command = [
            sys.executable,
            "-m",
            "engine.execution.worker",
            "--ctrl-in",
            str(req_r),
            "--ctrl-out",
            str(rep_w),
            "--preload",
            ",".join(preload),
            "--warm",
            ",".join(warm),
        ]
        env = worker_environment()
        self.sandboxed = sandbox.enabled()
        if self.sandboxed:  # bwrap around the same argv; the pipes are inherited through it
            command = sandbox.wrap(command, cwd=cwd, env=env)
        pidfd_open = getattr(os, "pidfd_open", None)
        death_r, death_w = (-1, -1) if pidfd_open is not None else os.pipe()
        try:
            self._popen = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(req_r, rep_w) if death_w < 0 else (req_r, rep_w, death_w),
                cwd=cwd,
                env=env,
                start_new_session=True,
                close_fds=True,
            )
        finally:
            for fd in (req_r, rep_w, death_w):
                if fd >= 0:
                    os.close(fd)
        assert self._popen.stdout is not None
        self.pid = self._popen.pid
        self.ctrl_in = req_w
        self.ctrl_out = rep_r
        self.output = os.dup(self._popen.stdout.fileno())
        self._popen.stdout.close()
        os.set_blocking(self.output, False)
        if pidfd_open is not None:
            self.wait_fd = pidfd_open(self.pid)
        else:  # no pidfd (not Linux): a pipe only the worker holds ends when it does, mostly
            self.wait_fd = death_r
            self.precise = False
        self._send_hello(cwd, memory_limit)

    def returncode(self) -> int | None:
        return self._popen.poll()

    def signal(self, signum: int) -> None:
        """In a sandbox, to the worker inside: bwrap does not forward signals."""
        inner = sandbox.inner_pid(self.pid) if self.sandboxed else None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(inner or self.pid, signum)

    def close(self) -> None:
        """Close the pipes and reap the (killed) process, so no zombie is left."""
        super().close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(2.0)


class ForkedWorker(WorkerProcess):
    """A worker forked by the fork server.

    The fork server, not lectio, is the parent, so lectio cannot ``waitpid`` it: the server
    reaps it and writes its exit status, sealed with the server's key, to a pipe lectio reads.
    lectio learns of the death itself from a pidfd (``wait_fd``), so a fork server that dies
    or is stopped does not take the kernels it forked with it.
    """

    def __init__(
        self,
        pid: int,
        ctrl_in: int,
        ctrl_out: int,
        output: int,
        status: int,
        *,
        status_opener: Callable[[bytes], list[Message]],
        cwd: str,
        memory_limit: int | None,
    ) -> None:
        super().__init__()
        self.pid = pid
        self.ctrl_in = ctrl_in
        self.ctrl_out = ctrl_out
        self.output = output
        self.status_fd = status
        self._open_status = status_opener
        os.set_blocking(self.output, False)
        os.set_blocking(self.status_fd, False)
        pidfd_open = getattr(os, "pidfd_open", None)
        self.pidfd = -1
        if pidfd_open is not None:
            with contextlib.suppress(OSError):
                self.pidfd = pidfd_open(pid)
        if self.pidfd >= 0:
            self.wait_fd = self.pidfd
        else:  # no pidfd: the status pipe, which also ends if the server dies
            self.wait_fd = status
            self.precise = False
        self._status: int | None = None
        self._status_eof = False
        self._send_hello(cwd, memory_limit)

    def _fds(self) -> list[int]:
        fds = [self.ctrl_in, self.ctrl_out, self.output, self.status_fd]
        return fds + ([self.pidfd] if self.pidfd >= 0 else [])

    def _read_status(self) -> None:
        if self._status_eof or self._status is not None:
            return
        try:
            data = os.read(self.status_fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._status_eof = True
            return
        try:
            messages = self._open_status(data)
        except Tampering:
            self._status = FORGED_STATUS
            return
        for message in messages:
            code = message.get("code")
            if message.get("pid") == self.pid and type(code) is int:
                self._status = code
            else:
                self._status = FORGED_STATUS

    def _ended(self) -> bool:
        if self.pidfd < 0:
            return self._status is not None or self._status_eof
        poller = select.poll()
        poller.register(self.pidfd, select.POLLIN)
        return bool(poller.poll(0))

    def returncode(self) -> int | None:
        """The exit status once the server reported it; :data:`EXIT_UNKNOWN` if the process
        ended and the server can no longer say (it died); None while alive or while its
        status is on its way (:meth:`wait` waits for it). Never blocks."""
        if self._closed:
            return self._status if self._status is not None else EXIT_UNKNOWN
        self._read_status()
        if self._status is not None:
            return self._status
        if self._status_eof and self._ended():
            self._status = EXIT_UNKNOWN
        return self._status


def describe_exit(code: int | None) -> str:
    """Words for how a process ended: ``killed by signal SIGSEGV (segmentation fault)``."""
    if code is None or code == EXIT_UNKNOWN:
        return "ended for an unknown reason (nobody reported its exit status)"
    if code == FORGED_STATUS:
        return "tampering: the exit status lectio received for it was not authentic"
    if code == TAMPERED:
        return (
            "tampering: it received a request that lectio did not send (a process reached "
            "its request pipe), so it stopped"
        )
    if code < 0:
        try:
            sig = signal.Signals(-code)
            name = sig.name
            what = signal.strsignal(sig) or ""
        except ValueError:
            return f"killed by signal {-code}"
        extra = {
            "SIGKILL": "killed from outside, or by the system when memory ran out",
            "SIGSEGV": "a segmentation fault: native code touched invalid memory",
            "SIGABRT": "native code aborted",
        }.get(name, what.lower())
        return f"killed by signal {name} ({extra})" if extra else f"killed by signal {name}"
    if code == CHANNEL_LOST:
        return (
            "exited: it lost its connection to lectio (did the cell close file descriptors "
            "it did not open?)"
        )
    return f"exited with status {code}"
