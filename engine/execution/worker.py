"""The kernel worker process: ``python -m engine.execution.worker --ctrl-in N --ctrl-out M ...``.

It imports the preload modules (torch) once, keeps one lesson's namespace and runs the cells it
is sent over the control pipes (:mod:`engine.execution.protocol`). Its stdout and stderr (file
descriptors 1 and 2) are one pipe that lectio reads while a cell runs, so prints stream live,
C-level writes and child processes included. The fork server (:mod:`engine.execution.forkserver`)
reuses :func:`serve` in children it forks, without paying for the imports again.

Safety that lives here: the address-space cap (``RLIMIT_AS``), a scratch working directory,
stdin that refuses at once, SIGINT that only ever interrupts a cell, and ``os._exit`` when done,
because interpreter teardown after torch costs half a second for nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import importlib
import importlib.util
import io
import os
import re
import resource
import shutil
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from engine.execution import graph as graph_mod
from engine.execution import warmup
from engine.execution.cellexec import IN_CELL, CellRunner, on_sigint
from engine.execution.protocol import CHANNEL_LOST, LineReader, Message, send

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
        (``sys.stdout = None``, ``os.close(1)``, ``os.dup2(devnull, 1)``)."""
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                os.dup2(self.pipe, fd)
        if self.buffer.closed:  # sys.stdout.buffer.close()
            self._open()
        for name in ("stdout", "stderr"):
            if getattr(sys, name) is not getattr(self, name):
                setattr(sys, name, getattr(self, name))

    def position(self) -> int:
        """Bytes of output written so far (after a flush): where a cell's picture goes among
        its text (what C code writes straight to the descriptor is not counted)."""
        self.flush()
        return self.raw.written

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            for stream in (sys.stdout, sys.stderr):
                if stream not in (self.stdout, self.stderr):
                    stream.flush()  # a cell's own replacement stream, if any
        with contextlib.suppress(Exception):
            self.buffer.flush()

    def _flush_loop(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY)
            with contextlib.suppress(Exception):
                self.buffer.flush()


OUTPUT: _Output | None = None


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


def setup_process(cwd: str | None, memory_limit: int | None) -> None:
    """Everything a kernel process needs before it runs a cell (both spawned and forked ones)."""
    global OUTPUT
    sys.stdin = _NoInput()
    OUTPUT = _Output()
    sys.stdout = sys.__stdout__ = OUTPUT.stdout  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = OUTPUT.stderr  # type: ignore[misc]
    faulthandler.enable(file=sys.stderr, all_threads=False)  # a segfault shows the cell line
    configure(cwd, memory_limit)
    signal.signal(signal.SIGINT, on_sigint)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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
        os.chdir(cwd)
        os.environ["TMPDIR"] = cwd
        SCRATCH[:] = [cwd]
    limit_memory(memory_limit)


def limit_memory(memory_limit: int | None) -> None:
    """The address-space cap, soft and hard (a cell cannot lift a hard limit unless it runs
    as root; so it is applied again after every cell, see :func:`_restore_process`)."""
    if not memory_limit:
        return
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        if soft != limit or hard != limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


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
    os._exit(code)


def _missing(modules: Sequence[str]) -> list[str]:
    missing = []
    for name in modules:
        if name == "cuda":  # the capability: a CUDA device that torch can use
            if not _has_cuda():
                missing.append(name)
            continue
        try:
            if importlib.util.find_spec(name) is None:
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
        split = bool(request.get("split"))
        reply = runner.run(request["code"], request.get("filename", "<cell>"), split=split)
        _restore_process(runner)
    elif op == "reset":
        runner.reset(int(request.get("seed", 0)))
        reply = {"status": "ok"}
    elif op == "graph":
        try:
            reply = {"graph": graph_mod.extract(runner.namespace, request["name"])}
        except Exception as exc:
            reply = {"graph": {"error": f"could not read the graph: {type(exc).__name__}: {exc}"}}
    elif op == "requires":
        reply = {"missing": _missing(request.get("modules", []))}
    elif op == "match":
        reply = {"matched": search(str(request.get("pattern", "")), str(request.get("text", "")))}
    elif op == "rewrite":
        reply = rewrite(request.get("rules", []), request.get("texts", []))
    elif op == "setup":  # the first message to a child forked ahead of time
        memory_limit = int(request.get("memory_limit") or 0) or None
        configure(request.get("cwd") or None, memory_limit)
        runner.memory_limit = memory_limit
        reply = {"op": "ready", "pid": os.getpid(), "preloaded": [], "failed": {}}
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


def search(pattern: str, text: str) -> str:
    """``re.search`` of an author's pattern, interruptible: lectio sends SIGINT at the deadline
    and the regex engine checks for signals while it backtracks (a ``MatchVerdict`` value)."""
    try:
        IN_CELL.in_cell = True
        try:
            found = re.search(pattern, text) is not None
        finally:
            IN_CELL.in_cell = False
    except KeyboardInterrupt:
        return "too slow"
    except (re.error, RecursionError, MemoryError):
        return "not found"
    return "found" if found else "not found"


def rewrite(rules: Sequence[Any], texts: Sequence[Any]) -> Message:
    """An author's ``normalize`` patterns applied to a cell's output (``re.sub`` each rule in
    order), interruptible like :func:`search`: a pattern is untrusted and may backtrack for
    ever, so it runs here, never in lectio."""
    out = [str(text) for text in texts]
    try:
        IN_CELL.in_cell = True
        try:
            for rule in rules:
                pattern = re.compile(str(rule.get("pattern", "")))
                out = [pattern.sub(str(rule.get("replace", "")), text) for text in out]
        finally:
            IN_CELL.in_cell = False
    except KeyboardInterrupt:
        return {"texts": None, "error": "too slow"}
    except (re.error, RecursionError, MemoryError, IndexError) as exc:
        return {"texts": None, "error": f"{type(exc).__name__}: {exc}"}
    return {"texts": out}


def _restore_process(runner: CellRunner) -> None:
    """After a cell: what it may have broken for the next one (or for the worker itself) is
    put back: builtins (first: the rest uses them), the output, the SIGINT handler, the
    working folder, the memory cap."""
    runner.restore_builtins()
    _restore_stdio()
    if SCRATCH:
        try:
            here: str | None = str(Path.cwd())
        except OSError:  # the cell removed the folder it moved to
            here = None
        if here != SCRATCH[0]:
            with contextlib.suppress(OSError):
                os.chdir(SCRATCH[0])
    limit_memory(runner.memory_limit)


def _restore_stdio() -> None:
    """Flush the cell's output, and give the next cell our streams and SIGINT handler back."""
    if OUTPUT is not None:
        OUTPUT.flush()
        OUTPUT.restore()
        sys.__stdout__ = OUTPUT.stdout  # type: ignore[misc]
        sys.__stderr__ = OUTPUT.stderr  # type: ignore[misc]
    if not isinstance(sys.stdin, _NoInput):
        sys.stdin = _NoInput()
    signal.signal(signal.SIGINT, on_sigint)


def _watch_lectio(ctrl_in: int) -> None:
    """If lectio dies while a cell runs, nobody would ever stop that cell: when the request
    pipe hangs up, give the main loop a moment to leave by itself, then end everything."""
    import select

    poller = select.poll()
    poller.register(ctrl_in, 0)  # only hang-up and errors, never the data the main loop reads
    while not poller.poll():
        pass
    time.sleep(1.0)
    for folder in SCRATCH:
        shutil.rmtree(folder, ignore_errors=True)
    from engine.execution.process import descendants

    for pid in descendants(os.getpid()):  # children that left the group too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.killpg(0, signal.SIGKILL)  # the cell's child processes too
    os._exit(0)


def serve(ctrl_in: int, ctrl_out: int, runner: CellRunner) -> NoReturn:
    """Answer requests until told to stop or until lectio goes away (end of file)."""
    if OUTPUT is not None:
        runner.position = OUTPUT.position  # where a cell's pictures go among its text
    threading.Thread(
        target=_watch_lectio, args=(ctrl_in,), daemon=True, name="lectio-watch"
    ).start()
    reader = LineReader()
    while True:
        try:
            data = os.read(ctrl_in, 1 << 20)
        except KeyboardInterrupt:  # an interrupt that arrived just after a cell ended
            continue
        except OSError:  # a cell closed the control pipe: nothing more can be asked
            leave(CHANNEL_LOST)
        if not data:  # lectio went away (it may have been killed): tidy up for it
            for folder in SCRATCH:
                shutil.rmtree(folder, ignore_errors=True)
            leave(0)
        for request in reader.feed(data):
            reply: Message | None
            try:
                reply = handle(runner, request)
            except KeyboardInterrupt:  # landed between the cell's end and the reply
                reply = {
                    "id": request.get("id"),
                    "status": "error",
                    "display": None,
                    "error": {
                        "name": "KeyboardInterrupt",
                        "message": "interrupted",
                        "traceback": "KeyboardInterrupt\n",
                        "line": None,
                    },
                }
            if reply is not None:
                try:
                    send(ctrl_out, reply)
                except OSError:  # a cell closed the control pipe: the reply cannot be sent
                    leave(CHANNEL_LOST)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    parser = argparse.ArgumentParser(prog="python -m engine.execution.worker")
    parser.add_argument("--ctrl-in", type=int, required=True)
    parser.add_argument("--ctrl-out", type=int, required=True)
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--memory-limit", type=int, default=0)
    parser.add_argument("--preload", default="")
    parser.add_argument("--warm", default="", help="warm-ups to do before ready (warmup.py)")
    args = parser.parse_args(argv)
    memory_limit = args.memory_limit or None
    setup_process(args.cwd, memory_limit)
    done, failed = preload([m for m in args.preload.split(",") if m])
    if "torch" in done:
        warmup.run(w for w in args.warm.split(",") if w)
    runner = CellRunner(memory_limit)
    send(args.ctrl_out, {"op": "ready", "pid": os.getpid(), "preloaded": done, "failed": failed})
    serve(args.ctrl_in, args.ctrl_out, runner)


if __name__ == "__main__":
    main()
