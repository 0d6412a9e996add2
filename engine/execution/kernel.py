"""A kernel: one long-lived worker process that keeps a lesson's namespace and runs its cells.

Lifecycle and safety follow jupyter_client/nbclient: monotonic deadlines; on timeout, SIGINT
first (a ``KeyboardInterrupt`` in the cell, the namespace survives), then, after a grace period,
SIGKILL of the whole process group and a fresh worker. Death is noticed the moment it happens
(a pidfd in the same ``poll`` as the reply and the output pipes), so a segfault or ``os._exit``
is reported on the cell that caused it, with the signal or exit status, and the kernel starts
again by itself.

Threads: :meth:`Kernel.execute` blocks and is meant for a worker thread; :meth:`interrupt`,
:meth:`restart` and :meth:`shutdown` may be called from any other thread (the UI's). The
``on_state`` and ``on_output`` callbacks run on whichever thread noticed the change: a front end
marshals them to its own thread.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import itertools
import os
import re
import select
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.execution.graph import AutogradGraph, from_message
from engine.execution.process import SpawnedWorker, WorkerProcess, describe_exit
from engine.execution.protocol import LineReader, Message, send
from engine.execution.results import (
    MATCH_TIMEOUT,
    CellError,
    CellResult,
    CellStatus,
    KernelState,
    MatchVerdict,
)
from engine.execution.warmup import needed_warmups

if TYPE_CHECKING:
    from engine.execution.forkserver import ForkServer

def size_from_env(name: str, default: int | None) -> int | None:
    """A size in bytes from an environment variable: ``8G``, ``512M``, ``1048576``; ``none``
    or ``0`` for no limit. A value that cannot be read leaves the default."""
    text = os.environ.get(name, "").strip().lower().removesuffix("b").removesuffix("i")
    if not text:
        return default
    if text in {"none", "0", "off", "unlimited"}:
        return None
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    scale = units.get(text[-1], 1)
    try:
        value = float(text[:-1] if text[-1] in units else text)
    except ValueError:
        return default
    return int(value * scale) if value > 0 else default


DEFAULT_MEMORY_LIMIT = size_from_env("LECTIO_MEMORY_LIMIT", 4 << 30)
"""Address-space cap of a kernel: 4 GiB, or ``$LECTIO_MEMORY_LIMIT`` (``8G``, ``none``)."""
DEFAULT_OUTPUT_LIMIT = size_from_env("LECTIO_OUTPUT_LIMIT", 1 << 20) or 1 << 20
"""Output kept per cell: 1 MiB, or ``$LECTIO_OUTPUT_LIMIT``."""
DEFAULT_TIMEOUT = 30.0
INTERRUPT_GRACE = 2.0
"""Seconds a cell gets to stop after SIGINT before its kernel is killed."""
STARTUP_TIMEOUT = 180.0
"""Seconds a kernel may take to import its preload modules (torch) on a busy machine."""

_READ = select.POLLIN | select.POLLHUP | select.POLLERR
_LIVE_KERNELS: weakref.WeakSet[Kernel] = weakref.WeakSet()


_SWEPT: list[bool] = []


def _scratch_folder() -> str:
    """A new scratch folder, named after this process; the first call also removes folders
    left by lectio processes that were killed before they could tidy up."""
    if not _SWEPT:
        _SWEPT.append(True)
        with contextlib.suppress(OSError):
            for entry in os.scandir(tempfile.gettempdir()):
                match = _SCRATCH_NAME.match(entry.name)
                if match and entry.is_dir() and not _alive(int(match.group(1))):
                    shutil.rmtree(entry.path, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"lectio-kernel-{os.getpid()}-")


_SCRATCH_NAME = re.compile(r"^lectio-kernel-(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _size(n: int) -> str:
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


class _Output:
    """A cell's output as it arrives: decoded leniently, streamed, and capped."""

    def __init__(self, limit: int, on_output: Callable[[str], None] | None) -> None:
        self.limit = limit
        self.on_output = on_output
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.parts: list[str] = []
        self.kept = 0
        self.elided = 0

    def _emit(self, text: str) -> None:
        if not text:
            return
        self.parts.append(text)
        if self.on_output is not None:
            with contextlib.suppress(Exception):  # a broken front end must not break the kernel
                self.on_output(text)

    def feed(self, data: bytes) -> None:
        room = self.limit - self.kept
        if room > 0:
            take = data[:room]
            self.kept += len(take)
            self._emit(self.decoder.decode(take))
            data = data[room:]
            if data:
                self._emit(self.decoder.decode(b"", final=True))
                if self.on_output is not None:
                    with contextlib.suppress(Exception):
                        self.on_output(f"\n[output truncated at {_size(self.limit)}]\n")
        self.elided += len(data)

    def text(self) -> str:
        self._emit(self.decoder.decode(b"", final=True))
        text = "".join(self.parts)
        if self.elided:
            text += (
                f"\n[output truncated: the cell printed more than {_size(self.limit)}; "
                f"{self.elided} more bytes were elided]\n"
            )
        return text


@dataclass
class _Live:
    """One running worker and what lectio knows about it."""

    process: WorkerProcess
    scratch: str
    generation: int
    reader: LineReader = field(default_factory=LineReader)
    replies: list[Message] = field(default_factory=list)
    ready: bool = False
    ready_info: Message = field(default_factory=dict)
    startup_output: bytearray = field(default_factory=bytearray)
    dead: bool = False
    returncode: int | None = None
    busy: bool = False
    interrupted_at: float | None = None
    interrupt_by: str = ""  # "timeout" | "user"
    killed_because: str = ""  # why lectio killed it, if it did
    ctrl_lost_at: float | None = None  # when its reply pipe reached end of file
    pristine: bool = True  # nothing ran since it started (its namespace is reset(0)'s)
    closed: bool = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.process.kill()
        self.process.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass
class _Outcome:
    reply: Message | None
    duration: float
    timed_out: bool = False
    user_interrupt: bool = False
    died: bool = False
    returncode: int | None = None
    killed_because: str = ""


class Kernel:
    """A lesson's kernel process, started lazily or early, restarted when it dies."""

    def __init__(
        self,
        *,
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
        preload: Sequence[str] = ("torch",),
        on_state: Callable[[KernelState], None] | None = None,
        forkserver: ForkServer | None = None,
        interrupt_grace: float = INTERRUPT_GRACE,
        warm: Iterable[str] = (),
    ) -> None:
        self.memory_limit = memory_limit
        self.output_limit = output_limit
        self.preload = tuple(preload)
        self.on_state = on_state
        self.forkserver = forkserver
        self.interrupt_grace = interrupt_grace
        self.warm = set(warm)
        """Warm-ups (:mod:`engine.execution.warmup`) a new worker does before it is ready."""
        self.generation = 0
        """Counts worker processes started; a new value means the namespace was lost."""
        self._state = KernelState.DEAD
        self._live: _Live | None = None
        self._io = threading.Lock()  # held by whoever talks to the worker
        self._life = threading.RLock()  # guards _live, signals and state changes
        self._ids = itertools.count(1)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        _LIVE_KERNELS.add(self)

    # -- state ------------------------------------------------------------------------------

    @property
    def state(self) -> KernelState:
        return self._state

    def _set_state(self, state: KernelState) -> None:
        with self._life:
            if state is self._state:
                return
            self._state = state
        if self.on_state is not None:
            with contextlib.suppress(Exception):
                self.on_state(state)

    @property
    def pid(self) -> int | None:
        live = self._live
        return live.process.pid if live is not None and not live.dead else None

    # -- lifecycle --------------------------------------------------------------------------

    def prepare_for(self, code: Iterable[str]) -> None:
        """Ask the next worker to warm up what this code needs (an optimizer's first step
        imports ``torch._dynamo``: a second) before it is ready, so a learner's first cell does
        not pay it. Call before :meth:`start`; ``LessonExecutor`` does, with the lesson's code."""
        self.warm |= needed_warmups(code)
        if self.forkserver is not None:
            self.forkserver.warm |= self.warm

    def start(self) -> None:
        """Start the worker if none is running; returns at once (imports happen over there)."""
        with self._life:
            if self._live is not None and not self._live.dead:
                return
            live = self._spawn()
        threading.Thread(
            target=self._await_ready, args=(live,), daemon=True, name="lectio-kernel-start"
        ).start()

    def _spawn(self) -> _Live:
        self._set_state(KernelState.STARTING)
        scratch = _scratch_folder()
        process: WorkerProcess
        try:
            if self.forkserver is not None:
                process = self.forkserver.fork(cwd=scratch, memory_limit=self.memory_limit)
            else:
                process = SpawnedWorker(cwd=scratch, memory_limit=self.memory_limit,
                                        preload=self.preload, warm=sorted(self.warm))
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            self._set_state(KernelState.DEAD)
            raise
        self.generation += 1
        live = _Live(process=process, scratch=scratch, generation=self.generation)
        self._live = live
        return live

    def _await_ready(self, live: _Live) -> None:
        with self._io:
            if not live.ready and not live.closed:
                self._wait_ready(live, time.monotonic() + STARTUP_TIMEOUT)

    def _current(self) -> _Live:
        """The running worker (started if needed), ready for a request; caller holds ``_io``."""
        with self._life:
            live = self._live
            if live is None or live.dead:
                live = self._spawn()
        if not live.ready:
            self._wait_ready(live, time.monotonic() + STARTUP_TIMEOUT)
        return live

    def _wait_ready(self, live: _Live, deadline: float) -> None:
        poller = self._poller(live)
        while not live.ready and not live.dead:
            wait = deadline - time.monotonic()
            if not live.process.precise:
                wait = min(wait, 0.1)
                if live.process.returncode() is not None:
                    self._died(live)
                    break
            if wait <= 0:
                self._kill(live, f"the kernel did not start within {STARTUP_TIMEOUT:g} s")
                wait = 2.0
            for fd, _ in poller.poll(wait * 1000):
                if fd == live.process.output:
                    self._drain(live, poller, live.startup_output.extend, limit=True)
                elif fd == live.process.ctrl_out:
                    self._read_replies(live, poller)
                elif fd == live.process.wait_fd:
                    self._died(live)
                elif fd == self._wake_r:
                    self._drain_wake()
            for message in list(live.replies):
                if message.get("op") == "ready":
                    live.replies.remove(message)
                    live.ready = True
                    live.ready_info = message
        current = self._live is live  # not replaced meanwhile by restart() or shutdown()
        if live.ready:
            if current:
                self._set_state(KernelState.BUSY if live.busy else KernelState.READY)
        else:  # it died while starting: free its pipes; the next request starts another
            live.close()
            if current:
                self._set_state(KernelState.DEAD)

    def restart(self) -> None:
        """Kill the worker (a running cell reports it) and start a fresh one."""
        with self._life:
            live = self._live
            if live is not None and not live.dead:
                self._kill(live, "the kernel was restarted")
            self._set_state(KernelState.RESTARTING)
            self._live = None
        self._close_if_idle(live)
        self.start()

    def shutdown(self) -> None:
        """Stop the worker and remove its scratch folder; a later execute starts a new one."""
        with self._life:
            live = self._live
            if live is not None and not live.dead:
                self._kill(live, "the kernel was shut down")
            self._live = None
        self._close_if_idle(live)
        self._set_state(KernelState.DEAD)

    def _close_if_idle(self, live: _Live | None) -> None:
        """Close a killed worker now, unless a thread talking to it will notice and close it."""
        if live is None:
            return
        if self._io.acquire(timeout=0.5):
            try:
                live.close()
            finally:
                self._io.release()
        else:
            live.process.kill()

    def _kill(self, live: _Live, because: str) -> None:
        with self._life:
            if not live.killed_because:
                live.killed_because = because
            live.process.kill()
        self._wake()

    def interrupt(self) -> None:
        """Interrupt the running cell (KeyboardInterrupt); if it ignores that, kill it."""
        with self._life:
            live = self._live
            if live is None or live.dead or not live.busy or live.interrupted_at is not None:
                return
            live.interrupted_at = time.monotonic()
            live.interrupt_by = "user"
            live.process.signal(2)
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"!")

    def _drain_wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while os.read(self._wake_r, 512):
                pass

    # -- talking to the worker --------------------------------------------------------------

    def _poller(self, live: _Live) -> select.poll:
        poller = select.poll()
        for fd in (live.process.ctrl_out, live.process.output, live.process.wait_fd, self._wake_r):
            poller.register(fd, _READ)
        return poller

    def _drain(
        self, live: _Live, poller: select.poll, sink: Callable[[bytes], object], limit: bool = False
    ) -> None:
        """Read all output available now (never waits: a stray child may keep the pipe open)."""
        fd = live.process.output
        while True:
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                with contextlib.suppress(KeyError, ValueError):
                    poller.unregister(fd)
                return
            if not limit or len(live.startup_output) < 1 << 16:
                sink(data)

    def _read_replies(self, live: _Live, poller: select.poll) -> None:
        try:
            data = os.read(live.process.ctrl_out, 1 << 20)
        except OSError:
            data = b""
        if not data:
            with contextlib.suppress(KeyError, ValueError):
                poller.unregister(live.process.ctrl_out)
            live.ctrl_lost_at = time.monotonic()  # dying, or a cell closed the pipe
            return
        live.replies.extend(live.reader.feed(data))

    def _died(self, live: _Live) -> None:
        live.dead = True
        live.returncode = live.process.returncode()
        if live.returncode is None:
            live.returncode = live.process.wait(1.0)

    def _roundtrip(
        self, live: _Live, request: Message, timeout: float, sink: Callable[[bytes], object]
    ) -> _Outcome:
        """Send one request and wait for its reply, streaming output; enforce the deadline."""
        request_id = next(self._ids)
        request["id"] = request_id
        live.pristine = False
        poller = self._poller(live)
        with self._life:
            live.busy = True
            live.interrupted_at = None
            live.interrupt_by = ""
        start = time.monotonic()
        deadline = start + timeout
        outcome: _Outcome | None = None
        with contextlib.suppress(OSError):  # if the worker is gone, the poll below sees it
            send(live.process.ctrl_in, request)
        while outcome is None:
            limit = (
                deadline
                if live.interrupted_at is None
                else live.interrupted_at + self.interrupt_grace
            )
            if live.ctrl_lost_at is not None:
                limit = min(limit, live.ctrl_lost_at + 0.5)
            wait = max(0.0, limit - time.monotonic())
            if not live.process.precise:
                wait = min(wait, 0.1)
            events = poller.poll(wait * 1000)
            for fd, _ in events:
                if fd == live.process.output:
                    self._drain(live, poller, sink)
                elif fd == live.process.ctrl_out:
                    self._read_replies(live, poller)
                elif fd == self._wake_r:
                    self._drain_wake()
            reply = next((m for m in live.replies if m.get("id") == request_id), None)
            if reply is not None:
                live.replies.clear()
                self._drain(live, poller, sink)
                outcome = _Outcome(reply, time.monotonic() - start)
                break
            if (
                any(fd == live.process.wait_fd for fd, _ in events)
                or live.process.returncode() is not None
            ):
                self._drain(live, poller, sink)
                self._died(live)
                outcome = _Outcome(
                    None,
                    time.monotonic() - start,
                    died=True,
                    returncode=live.returncode,
                    killed_because=live.killed_because,
                )
                break
            now = time.monotonic()
            lost = live.ctrl_lost_at is not None and now >= live.ctrl_lost_at + 0.5
            if lost and not live.killed_because:
                # alive, yet it can never answer: a cell closed the kernel's pipes
                self._kill(live, "the kernel lost its connection to lectio (did the cell "
                           "close file descriptors it did not open?); it was restarted")
            if live.interrupted_at is None and now >= deadline:
                with self._life:
                    live.interrupted_at = now
                    live.interrupt_by = "timeout"
                    live.process.signal(2)
            elif (
                live.interrupted_at is not None
                and now >= live.interrupted_at + self.interrupt_grace
            ):
                if not live.killed_because:
                    self._kill(
                        live, f"it did not stop within {self.interrupt_grace:g} s of an interrupt"
                    )
                elif now >= live.interrupted_at + self.interrupt_grace + 5.0:
                    # killed but its death is not reported: give up waiting for it
                    live.dead = True
                    outcome = _Outcome(
                        None, now - start, died=True, killed_because=live.killed_because
                    )
        with self._life:
            live.busy = False
            outcome.timed_out = live.interrupt_by == "timeout"
            outcome.user_interrupt = live.interrupt_by == "user"
            if not outcome.killed_because:
                outcome.killed_because = live.killed_because
        if outcome.died:
            self._after_death(live)
        return outcome

    def _after_death(self, live: _Live) -> None:
        """Clean up a dead worker and, unless lectio stopped it on purpose, start a fresh one."""
        live.close()
        with self._life:
            current = self._live is live
            if current:
                self._live = None
        if current:
            self._set_state(KernelState.RESTARTING)
            with self._life:
                fresh = self._spawn()
            threading.Thread(
                target=self._await_ready, args=(fresh,), daemon=True, name="lectio-kernel-restart"
            ).start()

    def _request(self, message: Message, timeout: float) -> Message | None:
        """A request that is not a cell (reset, graph...): output is discarded."""
        with self._io:
            live = self._current()
            if live.dead:
                return None
            self._set_state(KernelState.BUSY)
            outcome = self._roundtrip(live, message, timeout, lambda data: None)
            if not outcome.died:
                self._set_state(KernelState.READY)
            return outcome.reply

    # -- public operations ------------------------------------------------------------------

    def execute(
        self,
        code: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        on_output: Callable[[str], None] | None = None,
        filename: str = "<cell>",
    ) -> CellResult:
        """Run ``code`` in the namespace; blocks until it is done, timed out or crashed."""
        output = _Output(self.output_limit, on_output)
        with self._io:
            live = self._current()
            if live.dead:
                startup = live.startup_output.decode("utf-8", "replace")
                return CellResult(
                    CellStatus.CRASHED,
                    stdout=startup,
                    detail=live.killed_because
                    or f"the kernel could not start: {describe_exit(live.returncode)}",
                )
            self._set_state(KernelState.BUSY)
            outcome = self._roundtrip(
                live, {"op": "exec", "code": code, "filename": filename}, timeout, output.feed
            )
            if not outcome.died:
                self._set_state(KernelState.READY)
        return self._result(outcome, output.text(), timeout)

    def _result(self, outcome: _Outcome, stdout: str, timeout: float) -> CellResult:
        truncated = "[output truncated:" in stdout and stdout.endswith("elided]\n")
        if outcome.died:
            if outcome.timed_out:
                detail = (
                    f"the cell ran past its time limit of {timeout:g} s and did not stop when "
                    "interrupted, so its kernel was stopped and restarted (variables are lost)"
                )
                return CellResult(
                    CellStatus.TIMEOUT,
                    stdout,
                    duration=outcome.duration,
                    truncated=truncated,
                    detail=detail,
                )
            if outcome.killed_because and outcome.user_interrupt:
                detail = (
                    "the cell did not stop when interrupted, so its kernel was stopped and "
                    "restarted (variables are lost)"
                )
            elif outcome.killed_because:
                detail = outcome.killed_because
            else:
                detail = (
                    f"the kernel died while running this cell: "
                    f"{describe_exit(outcome.returncode)}; it was restarted (variables are lost)"
                )
            return CellResult(
                CellStatus.CRASHED,
                _without_kernel_frames(stdout),
                duration=outcome.duration,
                truncated=truncated,
                detail=detail,
            )
        reply = outcome.reply or {}
        error = _error(reply.get("error"))
        if reply.get("status") == "ok":
            return CellResult(
                CellStatus.OK,
                stdout,
                display=reply.get("display"),
                duration=outcome.duration,
                truncated=truncated,
            )
        if outcome.timed_out and error is not None and error.name == "KeyboardInterrupt":
            return CellResult(
                CellStatus.TIMEOUT,
                stdout,
                error=error,
                duration=outcome.duration,
                truncated=truncated,
                detail=f"interrupted: the cell ran past its time limit of {timeout:g} s",
            )
        detail = "interrupted" if outcome.user_interrupt else ""
        return CellResult(
            CellStatus.ERROR,
            stdout,
            error=error,
            duration=outcome.duration,
            truncated=truncated,
            detail=detail,
        )

    def reset(self, seed: int = 0) -> None:
        """A fresh namespace, ``torch.manual_seed(seed)`` and ``random.seed(seed)``."""
        live = self._live
        if seed == 0 and live is not None and live.pristine and not live.dead:
            return  # a new worker starts exactly so: save a round trip per lesson
        self._request({"op": "reset", "seed": seed}, timeout=30.0)

    def autograd_graph(self, name: str, timeout: float = 10.0) -> AutogradGraph:
        reply = self._request({"op": "graph", "name": name}, timeout)
        if reply is None or "graph" not in reply:
            return AutogradGraph(
                error="the kernel could not read the graph (it stopped or timed out)"
            )
        return from_message(reply["graph"])

    def search(self, pattern: str, text: str, timeout: float = MATCH_TIMEOUT) -> MatchVerdict:
        """Whether ``re.search(pattern, text)`` finds something, run in the kernel process.

        An author's regular expression is untrusted input that can backtrack for ever, so it
        runs over there, interrupted at ``timeout`` (killed if that fails), never in lectio.
        """
        reply = self._request({"op": "match", "pattern": pattern, "text": text}, timeout)
        try:
            return MatchVerdict(str(reply.get("matched"))) if reply else MatchVerdict.TOO_SLOW
        except ValueError:
            return MatchVerdict.TOO_SLOW

    def missing_modules(self, modules: Sequence[str]) -> list[str]:
        """Which of ``modules`` the kernel cannot import (checked over there, nothing imported)."""
        if not modules:
            return []
        reply = self._request({"op": "requires", "modules": list(modules)}, timeout=30.0)
        return list(reply.get("missing", [])) if reply else list(modules)

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> bool:
        """Block until the worker has finished its preload imports (starting it if needed)."""
        self.start()
        if not self._io.acquire(timeout=timeout):
            return False
        try:
            live = self._current()
            return live.ready
        finally:
            self._io.release()

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def __del__(self) -> None:
        live = getattr(self, "_live", None)
        if live is not None and not live.closed:
            live.process.kill()
        for fd in (getattr(self, "_wake_r", -1), getattr(self, "_wake_w", -1)):
            with contextlib.suppress(OSError):
                os.close(fd)


def _is_kernel_frame(line: str) -> bool:
    """``  File ".../engine/execution/worker.py", line 3`` (a frame of the kernel's own code).

    Plain string tests, no regular expression: the output is the cell's, and a pattern with
    two ``[^"]*`` around a literal backtracks quadratically on a megabyte line made to look
    like a frame."""
    text = line.lstrip()
    if not text.startswith('File "') or len(text) > 2000:
        return False
    name = text[6:].partition('"')[0]
    return "/engine/execution/" in name or name == "<frozen runpy>"


def _without_kernel_frames(output: str) -> str:
    """A crash dump (faulthandler) lists the kernel's own frames too: keep the learner's."""
    if "Fatal Python error" not in output:
        return output
    return "".join(
        line for line in output.splitlines(keepends=True)
        if not _is_kernel_frame(line) and not line.startswith("Extension modules:")
    )


def _error(data: Message | None) -> CellError | None:
    if not data:
        return None
    return CellError(
        name=str(data.get("name", "Exception")),
        message=str(data.get("message", "")),
        traceback=str(data.get("traceback", "")),
        line=data.get("line"),
        bases=tuple(data.get("bases", ())),
    )


@atexit.register
def _kill_all() -> None:
    """Never leave kernels behind when lectio exits."""
    for kernel in list(_LIVE_KERNELS):
        live = kernel._live
        if live is not None and not live.closed:
            live.process.kill()
            shutil.rmtree(live.scratch, ignore_errors=True)
