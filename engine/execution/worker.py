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
import resource
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from engine.execution import graph as graph_mod
from engine.execution.cellexec import CellRunner, on_sigint
from engine.execution.protocol import LineReader, Message, send

NO_INPUT = (
    "input() is not available in a lesson cell: cells cannot read from the keyboard "
    "(set the value in the code instead)"
)


class _LiveText(io.TextIOWrapper):
    """A text stream that reaches its file descriptor at every write, so output streams live."""

    def write(self, text: str) -> int:
        written = super().write(text)
        self.flush()
        return written


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


def _stream(fd: int) -> _LiveText:
    raw = open(fd, "wb", closefd=False)  # noqa: SIM115 - lives as long as the process
    return _LiveText(raw, encoding="utf-8", errors="backslashreplace", line_buffering=False)


def setup_process(cwd: str | None, memory_limit: int | None) -> None:
    """Everything a kernel process needs before it runs a cell (both spawned and forked ones)."""
    sys.stdin = _NoInput()
    sys.stdout = sys.__stdout__ = _stream(1)  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = _stream(2)  # type: ignore[misc]
    faulthandler.enable(file=sys.stderr)  # a segfault prints the cell's line before dying
    if cwd:
        os.chdir(cwd)
        os.environ["TMPDIR"] = cwd
    if memory_limit:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.signal(signal.SIGINT, on_sigint)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(code)


def _missing(modules: Sequence[str]) -> list[str]:
    missing = []
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return missing


def handle(runner: CellRunner, request: Message) -> Message | None:
    """Answer one request; None means no reply (shutdown leaves the process)."""
    op = request.get("op")
    reply: Message
    if op == "exec":
        reply = runner.run(request["code"], request.get("filename", "<cell>"))
        _restore_stdio()
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


def _restore_stdio() -> None:
    """A cell may replace sys.stdout or the SIGINT handler; the next cell gets ours back."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, f"__{name}__")
        if getattr(sys, name) is not stream:
            setattr(sys, name, stream)
        try:
            stream.flush()
        except (OSError, ValueError):
            setattr(sys, name, _stream(1 if name == "stdout" else 2))
            setattr(sys, f"__{name}__", getattr(sys, name))
    if not isinstance(sys.stdin, _NoInput):
        sys.stdin = _NoInput()
    signal.signal(signal.SIGINT, on_sigint)


def serve(ctrl_in: int, ctrl_out: int, runner: CellRunner) -> NoReturn:
    """Answer requests until told to stop or until lectio goes away (end of file)."""
    reader = LineReader()
    while True:
        try:
            data = os.read(ctrl_in, 1 << 20)
        except KeyboardInterrupt:  # an interrupt that arrived just after a cell ended
            continue
        if not data:
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
                send(ctrl_out, reply)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    parser = argparse.ArgumentParser(prog="python -m engine.execution.worker")
    parser.add_argument("--ctrl-in", type=int, required=True)
    parser.add_argument("--ctrl-out", type=int, required=True)
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--memory-limit", type=int, default=0)
    parser.add_argument("--preload", default="")
    args = parser.parse_args(argv)
    memory_limit = args.memory_limit or None
    setup_process(args.cwd, memory_limit)
    done, failed = preload([m for m in args.preload.split(",") if m])
    runner = CellRunner(memory_limit)
    send(args.ctrl_out, {"op": "ready", "pid": os.getpid(), "preloaded": done, "failed": failed})
    serve(args.ctrl_in, args.ctrl_out, runner)


if __name__ == "__main__":
    main()
