"""The kernel worker process: ``python -m engine.execution.worker --ctrl-in N --ctrl-out M ...``.

It imports the preload modules (torch) once, keeps one lesson's namespace and runs the cells it
is sent over the control pipes (:mod:`engine.execution.protocol`). Its stdout and stderr (file
descriptors 1 and 2) are one pipe that lectio reads while a cell runs, so prints stream live,
C-level writes and child processes included. The fork server (:mod:`engine.execution.forkserver`)
reuses :func:`serve` in children it forks, without paying for the imports again.

Safety that lives here: the address-space cap (``RLIMIT_AS``), a scratch working directory,
stdin that refuses at once, SIGINT that only ever interrupts a cell, and ``os._exit`` when done,
because interpreter teardown after torch costs half a second for nothing. After every cell, what
it changed in the process is put back (:func:`_restore_process`): builtins, streams and file
descriptors 1 and 2, output it left buffered, signal handlers, the signal mask, timers
(``alarm``, ``setitimer``), trace and profile functions, the working folder and the memory cap.

The worker reports on code that runs in its own interpreter, so it uses nothing a cell can
replace (:mod:`engine.execution.sealed`): its replies are sealed with a key only lectio and the
worker know (:mod:`engine.execution.protocol`), the library functions it calls were bound at
import, and before the first cell it hides lectio's modules and walls itself off from other
processes (:mod:`engine.execution.hardening`).
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import gc
import importlib
import importlib.util
import io
import operator
import os
import resource
import select
import shutil
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any, NoReturn

from engine.execution import graph as graph_mod
from engine.execution import introspect, splitio, warmup
from engine.execution import spin as spinning
from engine.execution.cellexec import CellRunner, on_sigint
from engine.execution.hardening import harden_kernel
from engine.execution.process import descendants
from engine.execution.protocol import (
    CHANNEL_LOST,
    READ_SIZE,
    TAMPERED,
    TO_LECTIO,
    TO_WORKER,
    Message,
    Tampering,
    key_from_hex,
    opener,
    read_hello,
    sender,
)
from engine.execution.sealed import hide_lectio_modules, seal_builtins

seal_builtins(globals())

# what the worker calls after cells ran, bound now: a cell may replace the module attributes
_read = os.read
_write = os.write
_dup2 = os.dup2
_chdir = os.chdir
_getcwd = os.getcwd
_getpid = os.getpid
_kill = os.kill
_killpg = os.killpg
_exit = os._exit
_set_blocking = os.set_blocking
_open_fd = os.open
_signal = signal.signal
_setitimer = signal.setitimer
# the C function: signal.pthread_sigmask is a Python wrapper that makes a set of enums
_sigmask = importlib.import_module("_signal").pthread_sigmask
_SIG_BLOCK = signal.SIG_BLOCK
_SIG_SETMASK = signal.SIG_SETMASK
_RLIMIT_AS = resource.RLIMIT_AS
_RLIM_INFINITY = resource.RLIM_INFINITY
_sigpending = signal.sigpending
_sigtimedwait = signal.sigtimedwait
_getrlimit = resource.getrlimit
_setrlimit = resource.setrlimit
_settrace = sys.settrace
_setprofile = sys.setprofile
_cancel_dump = faulthandler.cancel_dump_traceback_later
_enable_faults = faulthandler.enable
_start_split = splitio.start
_set_wakeup_fd = signal.set_wakeup_fd
# the C functions under signal.signal/getsignal: raw handlers (SIG_DFL is the int 0, not an
# enum, so identity compares), and setting one back does not mark the handlers as changed
_set_handler = importlib.import_module("_signal").signal
_get_handler = importlib.import_module("_signal").getsignal
_find_spec = importlib.util.find_spec
_rmtree = shutil.rmtree
_sleep = time.sleep
_poll = select.poll
_monotonic = time.monotonic
_spin = spinning.spin
_worth_spinning = spinning.worth_spinning
_cpu = spinning.cpu_reader()
_extract_graph = graph_mod.extract
_describe = introspect.describe
_TIMERS = (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)
_UNCATCHABLE = {signal.SIGKILL, signal.SIGSTOP}

NO_INPUT = (
    "input() is not available in a lesson cell: cells cannot read from the keyboard "
    "(set the value in the code instead)"
)


FLUSH_EVERY = 0.02
"""Seconds between flushes of a cell's output: live enough to watch, and a print loop costs one
system call per 8 KiB instead of one per print."""


class _Stream(io.TextIOWrapper):
    """A text stream a cell cannot close (``sys.stdout.close()`` only flushes it)."""

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.flush()


class _CountingFile(io.FileIO):
    """The output descriptor, counting the bytes written through it."""

    written = 0

    def write(self, data: Any) -> int:
        n = super().write(data) or 0
        self.written += n
        return n


class _Output:
    """The worker's stdout and stderr: two text streams over one buffer, in the order written.

    Sharing the buffer keeps prints and warnings interleaved as they happened; a daemon thread
    flushes it every :data:`FLUSH_EVERY` seconds so output streams while a cell runs, and the
    worker flushes it before every reply, so a reply never overtakes its cell's output.
    """

    def __init__(self) -> None:
        self.pipe = os.dup(1)  # not inheritable: a copy of the output pipe to restore 1 and 2
        self._open()
        threading.Thread(target=self._flush_loop, daemon=True, name="lectio-flush").start()

    def _open(self) -> None:
        self.raw = _CountingFile(1, "w", closefd=False)
        self.buffer = io.BufferedWriter(self.raw, buffer_size=1 << 16)
        self.stdout = self._text()
        self.stderr = self._text()

    def _text(self) -> _Stream:
        return _Stream(self.buffer, encoding="utf-8", errors="backslashreplace", write_through=True)

    def restore(self) -> None:
        """Give the next cell working streams, even if this one closed or replaced them
        (``sys.stdout = None``, ``os.close(1)``, ``os.dup2(devnull, 1)``, ``/dev/full``)."""
        # try/except, not contextlib.suppress, on the per-cell path: a microsecond each, and
        # nothing a cell can replace (contextlib.suppress is looked up at run time)
        for fd in (1, 2):
            try:  # noqa: SIM105 (per cell: no contextlib)
                _dup2(self.pipe, fd)
            except OSError:
                pass
        try:  # noqa: SIM105 (per cell: no contextlib)
            _set_blocking(self.pipe, True)  # O_NONBLOCK is shared by every copy of the pipe
        except OSError:
            pass
        for klass, methods in _STREAM_CLASSES:
            _restore_class(klass, methods)
        if self.buffer.closed or self.stdout.closed or self.stderr.closed:
            self._open()  # sys.stdout.buffer.close()
        for name in ("stdout", "stderr"):
            if getattr(sys, name) is not getattr(self, name):
                setattr(sys, name, getattr(self, name))

    def position(self) -> int:
        """Bytes of output written so far (after a flush): where a cell's picture goes among
        its text (what C code writes straight to the descriptor is not counted)."""
        self.flush()
        return self.raw.written

    def flush(self) -> bool:
        """Flush the cell's streams and ours; False if what was buffered could not be written."""
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not self.stdout and stream is not self.stderr:
                    stream.flush()  # a cell's own replacement stream, if any
        except Exception:
            pass
        try:
            self.buffer.flush()
        except Exception:
            return False
        return True

    def discard(self) -> None:
        """Drop what a failed write left in the buffer (fd 1 was ``/dev/full``, closed, a full
        non-blocking pipe): it belongs to the cell that failed, never to the next one."""
        try:
            devnull = _open_fd(os.devnull, os.O_WRONLY)
            try:
                _dup2(devnull, 1)
            finally:
                os.close(devnull)
            self.buffer.flush()
        except Exception:  # cannot be emptied: never flush it again (kept from the collector)
            _GRAVEYARD.append(self.buffer)
            self._open()

    def _flush_loop(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY)
            with contextlib.suppress(Exception):
                self.buffer.flush()


OUTPUT: _Output | None = None
_GRAVEYARD: list[object] = []
_STREAM_CLASSES: list[tuple[type, dict[str, Any]]] = [(_Stream, dict(vars(_Stream)))]
_is = operator.is_


def _restore_class(klass: type, methods: dict[str, Any]) -> None:
    """Undo what a cell did to one of the worker's own classes (``type(sys.stdout).write =``).
    Unchanged (the usual case) is told by identity, in C: setting an attribute keeps its
    place in the class's dictionary, deleting and adding one changes the count or the order."""
    current = vars(klass)
    if (
        len(current) == len(methods)
        and all(map(_is, current, methods))
        and all(map(_is, current.values(), methods.values()))
    ):
        return
    for name in [n for n in current if n not in methods]:
        with contextlib.suppress(AttributeError, TypeError):
            delattr(klass, name)
    for name, value in methods.items():
        if current.get(name) is not value and name not in ("__dict__", "__weakref__"):
            with contextlib.suppress(AttributeError, TypeError):
                setattr(klass, name, value)


class _NoInput(io.TextIOBase):
    """stdin of a cell: ``input()`` and reads fail at once with a clear message."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        raise EOFError(NO_INPUT)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise EOFError(NO_INPUT)

    def fileno(self) -> int:
        return 0

    def isatty(self) -> bool:
        return False


_STREAM_CLASSES.append((_NoInput, dict(vars(_NoInput))))


def setup_process(cwd: str | None, memory_limit: int | None) -> None:
    """Everything a kernel process needs before it runs a cell (both spawned and forked ones)."""
    global OUTPUT
    sys.stdin = _NoInput()
    OUTPUT = _Output()
    sys.stdout = sys.__stdout__ = OUTPUT.stdout  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = OUTPUT.stderr  # type: ignore[misc]
    faulthandler.enable(file=sys.stderr, all_threads=False)  # a segfault shows the cell line
    configure(cwd, memory_limit)
    _signal(signal.SIGINT, on_sigint)
    _signal(signal.SIGTERM, signal.SIG_DFL)
    _flush_before_children(OUTPUT)


def _flush_before_children(output: _Output) -> None:
    """A child process writes straight to the output pipe: flush what the cell printed first,
    so ``print("a"); subprocess.run(["echo", "b"])`` shows a before b."""
    import subprocess

    os.register_at_fork(before=output.flush)
    execute_child = subprocess.Popen._execute_child  # type: ignore[attr-defined]
    system = os.system

    def _execute_child(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> Any:
        output.flush()
        return execute_child(self, *args, **kwargs)

    def _system(command: Any) -> int:
        output.flush()
        return system(command)

    subprocess.Popen._execute_child = _execute_child  # type: ignore[attr-defined]
    os.system = _system


SCRATCH: list[str] = []
"""The scratch folder lectio made for this worker, removed here if lectio vanishes first."""


def configure(cwd: str | None, memory_limit: int | None) -> None:
    """The scratch working folder and the address-space cap."""
    if cwd:
        _chdir(cwd)
        os.environ["TMPDIR"] = cwd
        SCRATCH[:] = [cwd]
    limit_memory(memory_limit)


def limit_memory(memory_limit: int | None) -> None:
    """The address-space cap, soft and hard (a cell cannot lift a hard limit unless it runs
    as root; so it is applied again after every cell, see :func:`_restore_process`)."""
    if not memory_limit:
        return
    try:
        soft, hard = _getrlimit(_RLIMIT_AS)
        limit = memory_limit if hard == _RLIM_INFINITY else min(memory_limit, hard)
        if soft != limit or hard != limit:
            _setrlimit(_RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def preload(modules: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Import modules ahead of the first cell; a failure is reported, never fatal."""
    done: list[str] = []
    failed: dict[str, str] = {}
    for name in modules:
        try:
            importlib.import_module(name)
            done.append(name)
        except BaseException as exc:
            failed[name] = f"{type(exc).__name__}: {exc}"
    if "torch" in done:
        _warm_torch()
    return done, failed


def _warm_torch() -> None:
    """Touch the code paths every lesson uses, so the first cell does not pay for them."""
    torch = sys.modules["torch"]
    x = torch.ones(2, requires_grad=True)
    (x * x).sum().backward()


def leave(code: int = 0) -> NoReturn:
    """Flush what was printed and leave at once (no interpreter teardown)."""
    if OUTPUT is not None:
        OUTPUT.flush()
    _exit(code)


def _missing(modules: Sequence[str]) -> list[str]:
    missing = []
    for name in modules:
        if name == "cuda":  # the capability: a CUDA device that torch can use
            if not _has_cuda():
                missing.append(name)
            continue
        try:
            if _find_spec(str(name)) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return missing


def _has_cuda() -> bool:
    try:
        torch = importlib.import_module("torch")
        return bool(torch.cuda.is_available())
    except BaseException:
        return False


def handle(runner: CellRunner, request: Message) -> Message | None:
    """Answer one request; None means no reply (shutdown leaves the process)."""
    op = request.get("op")
    reply: Message
    if op == "exec":
        code, filename = str(request["code"]), str(request.get("filename", "<cell>"))
        if request.get("split") and OUTPUT is not None:
            reply = _run_split(runner, code, filename, OUTPUT)
        else:
            reply = runner.run(code, filename)  # timers and signals: its after_code
        AFTER_REPLY.due = True  # the rest of what the cell changed, once the reply is sent
        _flush_output()  # the cell's output goes before its reply
    elif op == "reset":  # a new lesson in this kernel: nothing the last one started lives on
        _end_children()
        runner.reset(int(request.get("seed", 0)))
        _restore_process(runner, every_handler=True)
        reply = {"status": "ok"}
    elif op == "graph":
        try:
            reply = {"graph": _extract_graph(runner.namespace, str(request["name"]))}
        except Exception as exc:
            reply = {"graph": {"error": f"could not read the graph: {type(exc).__name__}: {exc}"}}
        _restore_process(runner)
    elif op == "inspect":
        try:
            reply = {"inspect": _describe(runner.namespace, str(request.get("name", "")))}
        except Exception as exc:
            reply = {"inspect": {"found": False, "error": f"{type(exc).__name__}: {exc}"[:300]}}
        _restore_process(runner)
    elif op == "requires":
        reply = {"missing": _missing(list(request.get("modules", [])))}
    elif op == "ping":
        reply = {"status": "ok"}
    elif op == "shutdown":
        leave(0)
    else:
        reply = {
            "status": "error",
            "error": {"name": "ProtocolError", "message": f"unknown op {op!r}"},
        }
    reply["id"] = request.get("id")
    return reply


class _Baseline:
    """The process state a cell finds when it starts, recorded before the first cell."""

    def __init__(self) -> None:
        self.handlers: dict[int, Any] = {}
        self.mask: set[int] = set()
        self.recursion_limit = 1000


BASELINE = _Baseline()


def record_baseline() -> None:
    """Remember the signal handlers and mask the worker runs cells with (after its setup)."""
    handlers = {}
    for signum in signal.valid_signals():
        if signum in _UNCATCHABLE:
            continue
        with contextlib.suppress(OSError, ValueError):
            handlers[int(signum)] = _get_handler(int(signum))
    BASELINE.handlers = handlers
    BASELINE.mask = _sigmask(_SIG_BLOCK, ())
    BASELINE.recursion_limit = sys.getrecursionlimit()
    _watch_handlers()
    _HANDLERS_CHANGED[0] = False


_HANDLERS_CHANGED = [True]
"""Whether a cell may have changed a signal handler since they were last put back: comparing
all 60 handlers costs tens of microseconds, a cell's round trip a few hundred."""


def _watch_handlers() -> None:
    """``signal.signal`` (and the C function under it) mark the handlers as changed. Code that
    bound the function before the kernel started is caught at the next lesson (a reset
    compares every handler)."""
    c_module: Any = importlib.import_module("_signal")

    def marking(original: Any) -> Any:
        def signal_(signalnum: Any, handler: Any) -> Any:
            _HANDLERS_CHANGED[0] = True
            return original(signalnum, handler)

        signal_.__name__ = signal_.__qualname__ = "signal"
        signal_.__doc__ = original.__doc__
        return signal_

    if getattr(signal.signal, "__name__", "") == "signal":
        signal.signal = marking(signal.signal)
        c_module.signal = marking(c_module.signal)


def restore_time(every_handler: bool = False) -> None:
    """What a cell may have left to happen later: timers, signal handlers, a blocked signal
    waiting, trace and profile functions, a delayed faulthandler dump, a wake-up descriptor.
    Called right after the cell's code returns (inside the cell's ``try``, so a handler that
    fires meanwhile is the cell's error)."""
    _settrace(None)
    _setprofile(None)
    for timer in _TIMERS:  # ITIMER_REAL is also alarm()'s timer
        _setitimer(timer, 0)
    _cancel_dump()
    try:  # noqa: SIM105 (per cell: no contextlib)
        _set_wakeup_fd(-1)
    except (ValueError, OSError):
        pass
    if _HANDLERS_CHANGED[0] or every_handler:
        _HANDLERS_CHANGED[0] = False
        for signum, handler in BASELINE.handlers.items():
            if _get_handler(signum) is not handler:
                with contextlib.suppress(OSError, ValueError, TypeError):
                    _set_handler(signum, handler)
    elif _get_handler(2) is not on_sigint:  # interrupts (SIGINT): always checked
        _set_handler(2, on_sigint)
    blocked = _sigmask(_SIG_BLOCK, ()) - BASELINE.mask
    if blocked:
        # signals a cell blocked and raised are pending: take them while still blocked, so
        # unblocking delivers nothing (a pending SIGALRM would end the kernel)
        for signum in set(_sigpending()) & blocked:
            with contextlib.suppress(OSError, ValueError):
                _sigtimedwait([signum], 0)
        _sigmask(_SIG_SETMASK, BASELINE.mask)
    if sys.getrecursionlimit() < BASELINE.recursion_limit:
        sys.setrecursionlimit(BASELINE.recursion_limit)


def _run_split(runner: CellRunner, code: str, filename: str, output: _Output) -> Message:
    """Run a cell with its stdout and stderr apart down to descriptors 1 and 2 (``out`` and
    ``err`` in the reply, :mod:`engine.execution.splitio`); its pictures keep their place."""
    output.flush()
    before = output.raw.written
    split = _start_split(output.pipe)
    position = runner.position
    runner.position = lambda: before + split.position()
    try:
        reply = runner.run(code, filename)
    finally:
        runner.position = position
        out, err = split.stop(output.pipe)
        output.raw.written += split.sink.written
        _enable_faults(file=output.stderr, all_threads=False)
    reply["out"], reply["err"] = out, err
    return reply


def _restore_process(
    runner: CellRunner, *, timers: bool = True, every_handler: bool = False
) -> None:
    """After a cell: what it may have broken for the next one (or for the worker itself) is
    put back: builtins (first: the rest uses them), timers and signals (unless the cell's
    ``after_code`` just did), the output, the working folder, the memory cap."""
    runner.restore_builtins()
    if timers:
        restore_time(every_handler)
    _restore_stdio()
    if SCRATCH:
        try:
            here: str | None = _getcwd()
        except OSError:  # the cell removed the folder it moved to
            here = None
        if here != SCRATCH[0]:
            try:  # noqa: SIM105 (per cell: no contextlib)
                _chdir(SCRATCH[0])
            except OSError:
                pass
    limit_memory(runner.memory_limit)


class _AfterReply:
    """Whether the last request's process state is still to be put back once its reply is
    sent (:func:`serve`): a cell's output is flushed before its reply, and the builtins,
    streams, descriptors, working folder and memory cap are put back while lectio reads the
    reply, always before the next request is read. Timers and signals are not among them:
    they were put back the instant the cell's code returned."""

    due = False


AFTER_REPLY = _AfterReply()


def _after_reply(runner: CellRunner) -> None:
    """What :class:`_AfterReply` says is due; a failure is tried again in full (nothing can be
    reported any more: the reply is sent), an interrupt does not stop it."""
    if not AFTER_REPLY.due:
        return
    AFTER_REPLY.due = False
    for _ in range(5):
        try:
            _restore_process(runner, timers=False)
            return
        except BaseException:
            continue


def _flush_output() -> None:
    """Flush the cell's output, or drop what could not be written (it belongs to that cell)."""
    if OUTPUT is not None and not OUTPUT.flush():
        OUTPUT.discard()


def _restore_stdio() -> None:
    """Flush the cell's output (or drop what could not be written), and give the next cell
    our streams back."""
    if OUTPUT is not None:
        _flush_output()
        OUTPUT.restore()
        sys.__stdout__ = OUTPUT.stdout  # type: ignore[misc]
        sys.__stderr__ = OUTPUT.stderr  # type: ignore[misc]
    if type(sys.stdin) is not _NoInput:
        sys.stdin = _NoInput()


def _end_children() -> None:
    """Kill every process the cells started (daemons included: this kernel is their
    subreaper, so they are still its descendants)."""
    for pid in descendants(_getpid()):
        with contextlib.suppress(OSError):
            _kill(pid, signal.SIGKILL)


def _end_everything() -> NoReturn:
    """lectio is gone: remove the scratch folder, kill what the cells started, leave."""
    for folder in SCRATCH:
        _rmtree(folder, ignore_errors=True)
    for pid in descendants(_getpid()):  # children that left the group too
        with contextlib.suppress(OSError):
            _kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        _killpg(0, signal.SIGKILL)  # the cell's child processes too
    _exit(0)


def _watch_lectio(ctrl_in: int) -> None:
    """If lectio dies while a cell runs, nobody would ever stop that cell: when the request
    pipe hangs up, give the main loop a moment to leave by itself, then end everything."""
    poller = _poll()
    poller.register(ctrl_in, 0)  # only hang-up and errors, never the data the main loop reads
    poll = poller.poll
    while not poll():
        pass
    _sleep(1.0)
    _end_everything()


def _interrupted(request_id: object) -> Message:
    return {
        "id": request_id,
        "status": "error",
        "display": None,
        "error": {
            "name": "KeyboardInterrupt",
            "message": "interrupted",
            "traceback": "KeyboardInterrupt\n",
            "line": None,
        },
    }


def _failed(request_id: object, exc: BaseException) -> Message:
    """The worker's own code failed (a cell broke something it uses): say so, do not die."""
    try:
        what = f"{type(exc).__name__}: {exc}"
    except BaseException:
        what = type(exc).__name__
    return {
        "id": request_id,
        "status": "error",
        "display": None,
        "error": {
            "name": "KernelError",
            "message": f"the kernel could not complete the request: {what}",
            "traceback": "",
            "line": None,
        },
    }


def wall_off(ctrl_in: int, runner: CellRunner) -> None:
    """Everything between the process's setup and its first cell that does not depend on
    lectio's hello: the baseline of signal handlers, hiding lectio's modules, the walls of
    :func:`~engine.execution.hardening.harden_kernel`, the watch on the request pipe. A fork
    server's spare child does it before it is handed out (hiding modules and dropping
    capabilities cost milliseconds in a child of a torch process: the pages they touch are
    copied), so a lesson does not wait for it; a spawned worker does it in :func:`serve`."""
    if OUTPUT is not None:
        runner.position = OUTPUT.position  # where a cell's pictures go among its text
    record_baseline()
    runner.after_code = restore_time
    hide_lectio_modules()
    harden_kernel()
    threading.Thread(
        target=_watch_lectio, args=(ctrl_in,), daemon=True, name="lectio-watch"
    ).start()


def serve(
    ctrl_in: int,
    ctrl_out: int,
    runner: CellRunner,
    hello: Message,
    rest: bytes,
    info: Message,
    *,
    walled: bool = False,
) -> NoReturn:
    """Answer requests until told to stop or until lectio goes away (end of file).

    ``hello`` is lectio's first line (it carries the key), ``rest`` what was read after it,
    ``info`` what the ready message reports. From here on the key lives only in the closures
    of the sealed sender and opener; lectio's modules are hidden and the process is walled
    off (:func:`wall_off`, here unless ``walled`` says it was done already) before the ready
    message, so before any cell can run.
    """
    key = key_from_hex(str(hello["key"]))
    send = sender(ctrl_out, key, TO_LECTIO)
    feed = opener(key, TO_WORKER)
    del key, hello
    if not walled:
        wall_off(ctrl_in, runner)
    try:
        send({"op": "ready", "id": 0, "pid": _getpid(), **info})
    except OSError:
        leave(CHANNEL_LOST)
    waiting = _poll()
    waiting.register(ctrl_in, select.POLLIN)
    pending = waiting.poll
    data = rest
    spin_for = 0.0
    while True:
        try:
            requests = feed(data)
        except Tampering:  # not lectio: a process that reached the request pipe
            leave(TAMPERED)
        while requests:
            _after_reply(runner)  # (two requests in one read: only in tests that forge them)
            request = requests.pop(0)
            reply: Message | None
            try:
                try:
                    reply = handle(runner, request)
                except KeyboardInterrupt:  # landed between the cell's end and the reply
                    reply = _interrupted(request.get("id"))
                except BaseException as exc:  # SystemExit from a patched function, anything
                    reply = _failed(request.get("id"), exc)
                    _restore_process(runner)
                if reply is not None:
                    if not requests and any(ev & select.POLLIN for _, ev in pending(0)):
                        # lectio sends one request and waits: bytes behind it are not lectio's
                        # (a cell reopened the pipe through /proc/self/fd, say)
                        leave(TAMPERED)
                    reply["cpu"] = here = _cpu()
                    # lectio spins for this reply: spin as long for its next request, unless
                    # it ran on this CPU (engine.execution.spin)
                    asked = request.get("spin")
                    spin_for = 0.0
                    if type(asked) is float and _worth_spinning(here, request.get("cpu")):
                        spin_for = asked
                    send(reply)
            except KeyboardInterrupt:
                continue
            except OSError:  # a cell closed the control pipe: the reply cannot be sent
                leave(CHANNEL_LOST)
        _after_reply(runner)  # while lectio reads the reply; before the next request
        try:
            if spin_for > 0:  # a moment's polling for the next request, then block as ever
                until, spin_for = _monotonic() + spin_for, 0.0
                _spin(pending, until)
            data = _read(ctrl_in, READ_SIZE)
        except KeyboardInterrupt:  # an interrupt that arrived just after a cell ended
            data = b""
            continue
        except OSError:  # a cell closed the control pipe: nothing more can be asked
            leave(CHANNEL_LOST)
        if not data:  # lectio went away (it may have been killed): tidy up for it
            for folder in SCRATCH:
                _rmtree(folder, ignore_errors=True)
            leave(0)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    parser = argparse.ArgumentParser(prog="python -m engine.execution.worker")
    parser.add_argument("--ctrl-in", type=int, required=True)
    parser.add_argument("--ctrl-out", type=int, required=True)
    parser.add_argument("--preload", default="")
    parser.add_argument("--warm", default="", help="warm-ups to do before ready (warmup.py)")
    args = parser.parse_args(argv)
    try:
        hello, rest = read_hello(args.ctrl_in)
    except (EOFError, OSError, ValueError):
        _exit(CHANNEL_LOST)
    memory_limit = int(hello.get("memory_limit") or 0) or None
    setup_process(str(hello.get("cwd") or "") or None, memory_limit)
    done, failed = preload([m for m in args.preload.split(",") if m])
    if "torch" in done:
        warmup.run(w for w in args.warm.split(",") if w)
    runner = CellRunner(memory_limit)
    gc.freeze()  # what the imports made is never garbage: collections skip it (a fork server
    # does the same before it forks, for the same reason)
    serve(args.ctrl_in, args.ctrl_out, runner, hello, rest, {"preloaded": done, "failed": failed})


if __name__ == "__main__":
    main()
