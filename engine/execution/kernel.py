"""A kernel: one long-lived worker process that keeps a lesson's namespace and runs its cells.

Lifecycle and safety follow jupyter_client/nbclient: monotonic deadlines; on timeout, SIGINT
first (a ``KeyboardInterrupt`` in the cell, the namespace survives), then, after a grace period,
SIGKILL of the whole process group and a fresh worker. Death is noticed the moment it happens
(a pidfd in the same ``poll`` as the reply and the output pipes), so a segfault or ``os._exit``
is reported on the cell that caused it, with the signal or exit status, and the kernel starts
again by itself.

Replies are believed only when they are sealed with the worker's key and answer the request
lectio is waiting for (:mod:`engine.execution.protocol`); anything else on the reply pipe
(garbage, a forged or unasked reply, a second one) is *tampering*: the request fails, saying so,
and the worker is replaced, since nothing it says can be trusted any more.

This module is the kernel's life and its conversation with the worker; the rest lives apart:
the limits and their environment variables (:mod:`~engine.execution.limits`), the scratch
folder (:mod:`~engine.execution.scratch`), the output as it arrives
(:mod:`~engine.execution.output`), and turning what happened into a
:class:`~engine.execution.results.CellResult` (:mod:`~engine.execution.outcome`).

Threads: :meth:`Kernel.execute` blocks and is meant for a worker thread; :meth:`interrupt`,
:meth:`restart` and :meth:`shutdown` may be called from any other thread (the UI's). The
``on_state`` and ``on_output`` callbacks run on whichever thread noticed the change: a front end
marshals them to its own thread.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import select
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engine.execution import spin as spinning
from engine.execution.coursedata import link_data
from engine.execution.graph import AutogradGraph, from_message
from engine.execution.hardening import harden_lectio
from engine.execution.judge import rewrite_bounded, search_bounded
from engine.execution.limits import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_OUTPUT_LIMIT,
    DEFAULT_TIMEOUT,
    INTERRUPT_GRACE,
    MATCH_TIMEOUT,
    STARTUP_TIMEOUT,
    size_from_env,
)
from engine.execution.outcome import Outcome, to_result, without_kernel_frames
from engine.execution.output import CellOutput
from engine.execution.process import (
    FORGED_STATUS,
    SpawnedWorker,
    WorkerProcess,
    describe_exit,
)
from engine.execution.protocol import (
    READ_SIZE,
    TAMPERED,
    TO_LECTIO,
    TO_WORKER,
    Message,
    Tampering,
    opener,
    sender,
)
from engine.execution.results import CellResult, CellStatus, KernelState, MatchVerdict
from engine.execution.scratch import scratch_folder
from engine.execution.warmup import needed_warmups

if TYPE_CHECKING:
    from engine.execution.forkserver import ForkServer

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_OUTPUT_LIMIT",
    "DEFAULT_TIMEOUT",
    "INTERRUPT_GRACE",
    "MATCH_TIMEOUT",
    "STARTUP_TIMEOUT",
    "Kernel",
    "size_from_env",
    "without_kernel_frames",
]

_READ = select.POLLIN | select.POLLHUP | select.POLLERR
_OUTPUT_READ = 1 << 16
QUIET_WINDOW = 0.005
"""For this long after a request, lectio waits for the reply (or a death, or an interrupt)
only, not for output: the output of a short cell is read once, after its reply (the worker
sends the reply only after the cell's output is in the pipe), so a cell costs lectio one
wake-up, not one for its output and another for its reply. A cell that prints more than a
pipe holds waits at most this long for lectio to start reading; its output still streams."""
_LIVE_KERNELS: weakref.WeakSet[Kernel] = weakref.WeakSet()
_cpu = spinning.cpu_reader()


class _InFlight:
    """Round trips under way in this process, all kernels: only one alone spins
    (:mod:`engine.execution.spin`); with several (``lectio validate``'s threads) the CPUs
    have other work to do, and a spin would take it from them."""

    count = 0
    lock = threading.Lock()


_IN_FLIGHT = _InFlight()


@dataclass
class _Live:
    """One running worker and what lectio knows about it."""

    process: WorkerProcess
    scratch: str
    generation: int
    send: Callable[[Message], None] = field(init=False)
    feed: Callable[[bytes], list[Message]] = field(init=False)
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
    cpu: int = -1  # the CPU it sent its last reply from (-1: not known)
    pristine: bool = True  # nothing ran since it started (its namespace is reset(0)'s)
    closed: bool = False
    poller: select.poll | None = None  # made once: its pipes, its pidfd, the kernel's wake-up
    quiet: select.poll | None = None  # the same without the output pipe (QUIET_WINDOW)

    def __post_init__(self) -> None:
        self.send = sender(self.process.ctrl_in, self.process.key, TO_WORKER)
        self.feed = opener(self.process.key, TO_LECTIO)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.process.kill()
        self.process.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


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
        spawn_fallback: bool = False,
    ) -> None:
        self.memory_limit = memory_limit
        self.output_limit = output_limit
        self.preload = tuple(preload)
        self.on_state = on_state
        self.forkserver = forkserver
        self.interrupt_grace = interrupt_grace
        self.warm = set(warm)
        """Warm-ups (:mod:`engine.execution.warmup`) a new worker does before it is ready."""
        self.spawn_fallback = spawn_fallback
        """When the fork server cannot fork a kernel (even after replacing it), spawn one
        instead of failing, and say why in :attr:`start_note` (the TUI's zygote)."""
        self.start_note = ""
        """Why the last worker was not forked from ``forkserver`` (empty when it was, or
        when there is none by choice); a front end shows it beside the kernel's state."""
        self.generation = 0
        """Counts worker processes started; a new value means the namespace was lost."""
        self.data_dir: Path | None = None
        """The folder cells see as ``data/`` (:meth:`mount_data`)."""
        self._state = KernelState.DEAD
        self._live: _Live | None = None
        self._io = threading.Lock()  # held by whoever talks to the worker
        self._life = threading.RLock()  # guards _live, signals and state changes
        self._ids = itertools.count(1)
        self._epoch = 0  # counts shutdowns
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
        """Start the worker if none is running; returns at once (imports happen over there;
        with a fork server, the fork too, since the server may still be importing torch)."""
        with self._life:
            if self._live is not None and not self._live.dead:
                return
            live = self._spawn() if self.forkserver is None else None
            epoch = self._epoch
        threading.Thread(
            target=self._await_ready, args=(live, epoch), daemon=True, name="lectio-kernel-start"
        ).start()

    def _spawn(self) -> _Live:
        """The one place a worker process is made (first start, restart, replacement)."""
        self._set_state(KernelState.STARTING)
        harden_lectio()  # the pipes lectio holds are out of reach of a cell's processes
        scratch = scratch_folder()
        process: WorkerProcess | None
        try:
            process = self._forked(scratch) if self.forkserver is not None else None
            if process is None:
                process = SpawnedWorker(
                    cwd=scratch,
                    memory_limit=self.memory_limit,
                    preload=self.preload,
                    warm=sorted(self.warm),
                )
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            self._set_state(KernelState.DEAD)
            raise
        self.generation += 1
        link_data(scratch, self.data_dir)
        live = _Live(process=process, scratch=scratch, generation=self.generation)
        self._live = live
        return live

    def _forked(self, scratch: str) -> WorkerProcess | None:
        """A worker forked from the fork server; None (spawn instead) if that failed and
        ``spawn_fallback`` allows it, with the reason kept in :attr:`start_note`."""
        from engine.execution.forkserver import ForkServerError

        assert self.forkserver is not None
        try:
            process = self.forkserver.fork(cwd=scratch, memory_limit=self.memory_limit)
        except ForkServerError as exc:
            if not self.spawn_fallback:
                raise
            self.start_note = f"spawned, not forked from the warm zygote: {exc}"
            return None
        self.start_note = ""
        return process

    def _await_ready(self, live: _Live | None, epoch: int = -1) -> None:
        """Wait (in a thread) for ``live`` to be ready; None: fork it first, unless the
        kernel was shut down or started meanwhile (``epoch``)."""
        if live is None:
            self._server_ready()
        with self._io:
            if live is None:
                with self._life:
                    if self._epoch != epoch or (self._live is not None and not self._live.dead):
                        return
                    try:
                        live = self._spawn()
                    except Exception:  # DEAD already; the next execute tries again and says why
                        return
            if not live.ready and not live.closed:
                self._wait_ready(live, time.monotonic() + STARTUP_TIMEOUT)

    def _server_ready(self) -> None:
        """Wait for the fork server's imports outside ``_life`` (so that ``interrupt`` from
        the UI thread never waits for them); a failure is the fork's to handle."""
        if self.forkserver is not None:
            self.forkserver.settle()

    def _current(self) -> _Live:
        """The running worker (started if needed), ready for a request; caller holds ``_io``."""
        if self._live is None or self._live.dead:
            self._server_ready()
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
            for message in live.replies:
                if message.get("op") == "ready" and message.get("id") == 0 and not live.ready:
                    live.ready = True
                    live.ready_info = message
                else:
                    self._tampered(live, "a message before the kernel said it was ready")
            live.replies.clear()
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
            self._epoch += 1  # a start still waiting for the fork server gives up
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
        """One poll set per worker, made at its first wait (a pipe that reached its end is
        unregistered for good)."""
        if live.poller is None:
            poller = select.poll()
            fds = (live.process.ctrl_out, live.process.output, live.process.wait_fd, self._wake_r)
            quiet = select.poll()
            for fd in fds:
                poller.register(fd, _READ)
                if fd != live.process.output:
                    quiet.register(fd, _READ)
            live.poller, live.quiet = poller, quiet
        return live.poller

    @staticmethod
    def _forget(live: _Live, poller: select.poll, fd: int) -> None:
        """Stop watching a pipe that reached its end (or can no longer be trusted), in both
        poll sets."""
        for each in (poller, live.quiet):
            if each is not None:
                with contextlib.suppress(KeyError, ValueError):
                    each.unregister(fd)

    def _drain(
        self, live: _Live, poller: select.poll, sink: Callable[[bytes], object], limit: bool = False
    ) -> None:
        """Read all output available now (never waits: a stray child may keep the pipe open).
        A read that returns less than it asked for emptied the pipe: no read after it just to
        hear that nothing is left."""
        fd = live.process.output
        while True:
            try:
                data = os.read(fd, _OUTPUT_READ)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._forget(live, poller, fd)
                return
            if not limit or len(live.startup_output) < 1 << 16:
                sink(data)
            if len(data) < _OUTPUT_READ:
                return

    def _read_replies(self, live: _Live, poller: select.poll) -> None:
        try:
            data = os.read(live.process.ctrl_out, READ_SIZE)
        except OSError:
            data = b""
        if not data:
            self._forget(live, poller, live.process.ctrl_out)
            live.ctrl_lost_at = time.monotonic()  # dying, or a cell closed the pipe
            return
        if live.killed_because.startswith("tampering"):
            return  # being replaced: nothing more it says counts
        try:
            live.replies.extend(live.feed(data))
        except Tampering as exc:
            self._forget(live, poller, live.process.ctrl_out)
            self._tampered(live, str(exc))

    def _tampered(self, live: _Live, what: str) -> None:
        """Something other than the worker wrote on its reply pipe, or the worker said what it
        was not asked: nothing on that pipe can be trusted any more. Kill and replace it."""
        self._kill(
            live,
            f"tampering: the kernel's reply pipe carried {what}; something other than lectio's "
            "kernel wrote to it (a thread or a child process of a cell?), so the result cannot "
            "be trusted and the kernel was replaced (variables are lost)",
        )

    def _died(self, live: _Live) -> None:
        live.dead = True
        live.returncode = live.process.returncode()
        if live.returncode is None:
            live.returncode = live.process.wait(1.0)
        if live.returncode in (TAMPERED, FORGED_STATUS) and not live.killed_because:
            live.killed_because = describe_exit(live.returncode) + (
                "; the result cannot be trusted and the kernel was replaced (variables are lost)"
            )

    def _roundtrip(
        self, live: _Live, request: Message, timeout: float, sink: Callable[[bytes], object]
    ) -> Outcome:
        """Send one request and wait for its reply, streaming output; enforce the deadline."""
        request_id = next(self._ids)
        request["id"] = request_id
        live.pristine = False
        poller = self._poller(live)
        with self._life:
            live.busy = True
            live.interrupted_at = None
            live.interrupt_by = ""
        with _IN_FLIGHT.lock:
            _IN_FLIGHT.count += 1
            alone = _IN_FLIGHT.count == 1
        try:
            return self._exchange(live, request, timeout, sink, poller, alone)
        finally:
            with _IN_FLIGHT.lock:
                _IN_FLIGHT.count -= 1

    def _exchange(
        self,
        live: _Live,
        request: Message,
        timeout: float,
        sink: Callable[[bytes], object],
        poller: select.poll,
        alone: bool,
    ) -> Outcome:
        request_id = request["id"]
        here = _cpu()
        spins = alone and spinning.worth_spinning(here, live.cpu)
        # the worker spins as long for the next request after its reply (unless on our CPU)
        request["cpu"], request["spin"] = here, spinning.SPIN if spins else 0.0
        start = time.monotonic()
        deadline = start + timeout
        quiet_until = start + QUIET_WINDOW
        spin_until = start + spinning.SPIN if spins else 0.0
        outcome: Outcome | None = None
        with contextlib.suppress(OSError):  # if the worker is gone, the poll below sees it
            live.send(request)
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
            polling = poller
            if live.quiet is not None and live.interrupted_at is None:
                quiet_left = quiet_until - time.monotonic()
                if quiet_left > 0 and live.ctrl_lost_at is None:
                    polling, wait = live.quiet, min(wait, quiet_left)
            events: list[tuple[int, int]] = []
            if spin_until:  # for the reply, an interrupt or a death; never past the limit
                events = spinning.spin(polling.poll, min(spin_until, time.monotonic() + wait))
            if not events:
                events = polling.poll(wait * 1000)
            for fd, _ in events:
                if fd == live.process.output:
                    self._drain(live, poller, sink)
                elif fd == live.process.ctrl_out:
                    self._read_replies(live, poller)
                elif fd == self._wake_r:
                    self._drain_wake()
            if live.replies and not live.killed_because.startswith("tampering"):
                reply, *others = live.replies
                live.replies.clear()
                if reply.get("id") != request_id or others:
                    what = (
                        "a reply lectio did not ask for"
                        if reply.get("id") != request_id
                        else ("more than one reply to one request")
                    )
                    self._tampered(live, what)
                else:
                    self._drain(live, poller, sink)
                    outcome = Outcome(reply, time.monotonic() - start)
                    cpu = reply.get("cpu")
                    live.cpu = cpu if type(cpu) is int else -1
                    break
            if any(fd == live.process.wait_fd for fd, _ in events) or (
                not live.process.precise and live.process.returncode() is not None
            ):  # a precise wait_fd (a pidfd) is readable once it ended: no waitpid per wake
                self._drain(live, poller, sink)
                self._died(live)
                outcome = Outcome(
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
                self._kill(
                    live,
                    "the kernel lost its connection to lectio (did the cell "
                    "close file descriptors it did not open?); it was restarted",
                )
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
                    outcome = Outcome(
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
        split: bool = False,
    ) -> CellResult:
        """Run ``code`` in the namespace; blocks until it is done, timed out or crashed.
        ``split``: also keep what it wrote to stdout and to stderr apart (``out``, ``err``)."""
        output = CellOutput(self.output_limit, on_output)
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
            request: Message = {"op": "exec", "code": code, "filename": filename}
            if split:
                request["split"] = True
            outcome = self._roundtrip(live, request, timeout, output.feed)
            if not outcome.died:
                self._set_state(KernelState.READY)
        text = output.text()
        return to_result(outcome, text, timeout, truncated=output.elided > 0, place=output.place)

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
        """Whether ``re.search(pattern, text)`` finds something (the ``matches`` expect).

        Not in the kernel: a cell may have replaced ``re`` there. Not in lectio: an author's
        regular expression can backtrack for ever. In a throwaway interpreter, killed at
        ``timeout`` (:func:`engine.execution.judge.search_bounded`).
        """
        return search_bounded(pattern, text, timeout)

    def rewrite(
        self, rules: Sequence[tuple[str, str]], texts: Sequence[str], timeout: float = MATCH_TIMEOUT
    ) -> list[str] | str:
        """``texts`` with each ``(pattern, replacement)`` applied in order (``re.sub``), in a
        throwaway interpreter like :meth:`search` (an author's pattern is untrusted, and a cell
        may have replaced ``re`` in the kernel); the reason as a string when it could not be
        done (too slow, a bad group reference)."""
        return rewrite_bounded(rules, texts, timeout)

    def mount_data(self, folder: Path | str | None) -> None:
        """Let cells see ``folder`` as ``data/`` in their working folder (a symbolic link in
        each worker's scratch folder, this one's and every later one's)."""
        self.data_dir = Path(folder) if folder is not None else None
        live = self._live
        if live is not None and not live.dead:
            link_data(live.scratch, self.data_dir)

    def missing_modules(self, modules: Sequence[str]) -> list[str]:
        """Which of ``modules`` the kernel cannot import (checked over there, nothing imported)."""
        if not modules:
            return []
        reply = self._request({"op": "requires", "modules": list(modules)}, timeout=30.0)
        return list(reply.get("missing", [])) if reply else list(modules)

    def inspect(self, name: str, timeout: float = 10.0) -> dict[str, str] | None:
        """The signature and documentation of ``name`` in the lesson's namespace (strings:
        ``name``, ``type``, ``signature``, ``doc``, ``value``), None if not found or the kernel
        could not answer. The reply is checked: only capped strings are kept."""
        reply = self._request({"op": "inspect", "name": name}, timeout)
        found = reply.get("inspect") if reply else None
        if not isinstance(found, dict) or found.get("found") is not True:
            return None
        keys = ("name", "type", "signature", "doc", "value")
        return {k: str(found.get(k, ""))[:8000] for k in keys}

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


@atexit.register
def _kill_all() -> None:
    """Never leave kernels behind when lectio exits."""
    for kernel in list(_LIVE_KERNELS):
        live = kernel._live
        if live is not None and not live.closed:
            live.process.kill()
            shutil.rmtree(live.scratch, ignore_errors=True)
