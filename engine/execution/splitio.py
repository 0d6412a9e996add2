"""A cell's standard output and standard error kept apart down to the file descriptors.

Runs only in kernel worker processes, for a cell whose ``expect`` has ``stderr`` (the
contract: "its standard error, alone"). Outside such cells file descriptors 1 and 2 are one pipe
to lectio, which keeps every write in the order it happened. Here, for the cell's run:

* Python's ``sys.stdout`` and ``sys.stderr`` write straight to lectio's pipe, each write at
  once (so prints and warnings stay in their order), and record what they write; before each,
  what the descriptors' pipes hold is forwarded first (it was written first).
* Descriptors 1 and 2 become two pipes of their own: what C code (``printf``, a C extension's
  ``fprintf(stderr, ...)``) and child processes (``os.system``, ``subprocess``) write lands in
  the right one. A relay thread forwards each chunk to lectio's pipe as it comes, so the
  learner still sees it live and in its place, and records it as stdout or stderr.

At the end the descriptors point at lectio's pipe again and the relay is drained (waited on, not
timed) before the reply is sent: the reply never overtakes the cell's output, and what a child
left running writes later is still forwarded, no longer recorded. The order kept between a
Python write and a C or child write is the order the relay saw them in (C's own ``stdout`` is
buffered by the C library until it flushes, as in any pipe).
"""

from __future__ import annotations

import codecs
import contextlib
import faulthandler
import io
import os
import select
import sys
import threading
from typing import Any

CAPTURE_LIMIT = 1 << 20
"""Characters of a cell's stdout and of its stderr kept apart."""

_pipe = os.pipe
_dup2 = os.dup2
_close = os.close
_read = os.read
_write = os.write
_select = select.select
_set_blocking = os.set_blocking
_enable_faults = faulthandler.enable


class _Parts:
    """What a cell wrote, as ("out" | "err", text) in the order it was seen, capped per kind."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parts: list[tuple[str, str]] = []
        self.size = {"out": 0, "err": 0}
        self.recording = True

    def add(self, kind: str, text: str) -> None:
        with self.lock:
            room = CAPTURE_LIMIT - self.size[kind]
            if not self.recording or room <= 0 or not text:
                return
            self.parts.append((kind, text[:room]))
            self.size[kind] += len(self.parts[-1][1])

    def text(self, kind: str) -> str:
        with self.lock:
            return "".join(text for k, text in self.parts if k == kind)


class _Sink(io.RawIOBase):
    """lectio's pipe, written under a lock shared with the relay (a write of more than a pipe
    buffer is not atomic), counting the bytes for the position of pictures."""

    def __init__(self, fd: int, lock: threading.Lock) -> None:
        self.fd = fd
        self.lock = lock
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        with self.lock:
            done = 0
            while done < len(view):
                done += _write(self.fd, view[done:])
            self.written += done
        return done


class _Recording(io.TextIOWrapper):
    """``sys.stdout`` or ``sys.stderr`` of the cell: writes go to lectio's pipe and are kept."""

    def __init__(self, buffer: Any, parts: _Parts, kind: str, sync: Any) -> None:
        super().__init__(buffer, encoding="utf-8", errors="backslashreplace", write_through=True)
        self._parts = parts
        self._kind = kind
        self._sync = sync

    def write(self, text: str) -> int:
        self._sync()
        written = super().write(text)
        self.flush()  # before the relay forwards anything written after it
        if isinstance(text, str):
            self._parts.add(self._kind, text)
        return written

    def close(self) -> None:  # the cell cannot close it: it only flushes
        with contextlib.suppress(Exception):
            self.flush()


class Split:
    """Started before a cell runs, :meth:`stop` after: ``(stdout, stderr)`` it wrote apart."""

    def __init__(self, sink_fd: int) -> None:
        self.parts = _Parts()
        self.lock = threading.Lock()
        self.sink = _Sink(sink_fd, self.lock)
        self.buffer = io.BufferedWriter(self.sink, buffer_size=1 << 16)
        self.stdout = _Recording(self.buffer, self.parts, "out", self.sync)
        self.stderr = _Recording(self.buffer, self.parts, "err", self.sync)
        self._drained = threading.Event()
        self._wake_r, self._wake_w = _pipe()
        out_r, out_w = _pipe()
        err_r, err_w = _pipe()
        self._sources = {out_r: "out", err_r: "err"}
        self._open = set(self._sources)
        self.read_lock = threading.Lock()
        for fd in self._sources:
            _set_blocking(fd, False)  # two readers (the relay, sync): neither may block
        self._decoders = {
            kind: codecs.getincrementaldecoder("utf-8")("backslashreplace")
            for kind in ("out", "err")
        }
        _dup2(out_w, 1)
        _dup2(err_w, 2)
        _close(out_w)
        _close(err_w)
        _enable_faults(file=sink_fd, all_threads=False)  # a crash dump must not need the relay
        threading.Thread(target=self._relay, daemon=True, name="lectio-split").start()

    def position(self) -> int:
        """Bytes this split sent to lectio's pipe so far (Python's writes and relayed ones)."""
        with contextlib.suppress(Exception):
            self.buffer.flush()
        return self.sink.written

    def stop(self, restore_fd: int) -> tuple[str, str]:
        """Point 1 and 2 at ``restore_fd`` again, wait for the relay to forward what the
        pipes hold, and return what the cell wrote to stdout and to stderr."""
        with contextlib.suppress(Exception):
            self.buffer.flush()
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                _dup2(restore_fd, fd)
        with contextlib.suppress(OSError):
            _write(self._wake_w, b"x")
        if self._drained.wait(30):  # set by the relay once the pipes are empty
            for fd in (self._wake_r, self._wake_w):  # the relay no longer watches them
                with contextlib.suppress(OSError):
                    _close(fd)
        with self.parts.lock:
            self.parts.recording = False
        return self.parts.text("out"), self.parts.text("err")

    def sync(self) -> None:
        """Forward what the pipes hold now, before a Python write is recorded: a C write or a
        finished child's output that came first is recorded first."""
        with self.read_lock:
            fds = [*self._open]
        if not fds:
            return
        with contextlib.suppress(OSError, ValueError):
            ready, _, _ = _select(fds, [], [], 0)
            for fd in ready:
                self._forward(fd)

    def _relay(self) -> None:
        stopping = False
        while True:
            with self.read_lock:
                fds = [*self._open]
            if not fds:
                break
            watched = fds if self._drained.is_set() else [*fds, self._wake_r]
            try:
                ready, _, _ = _select(watched, [], [], 0 if stopping else None)
            except (OSError, ValueError):
                break
            if stopping and not ready:  # drained; a child still holding a pipe writes later
                self._drained.set()
                stopping = False
                continue
            if self._wake_r in ready:
                stopping = True
                ready.remove(self._wake_r)
                with contextlib.suppress(OSError):
                    _read(self._wake_r, 1)
            for fd in ready:
                self._forward(fd)
        self._drained.set()

    def _forward(self, fd: int) -> None:
        """Read one chunk of pipe ``fd`` (non-blocking), send it to lectio and record it."""
        with self.read_lock:
            if fd not in self._open:
                return
            try:
                data = _read(fd, 1 << 16)
            except BlockingIOError:
                return  # the other reader took it
            except OSError:
                data = b""
            if not data:
                self._open.discard(fd)
                with contextlib.suppress(OSError):
                    _close(fd)
                return
            kind = self._sources[fd]
            with contextlib.suppress(OSError):
                self.sink.write(data)
            self.parts.add(kind, self._decoders[kind].decode(data))


def start(sink_fd: int) -> Split:
    """Keep the running cell's stdout and stderr apart (see the module docstring); its
    ``sys.stdout`` and ``sys.stderr`` are set here and put back by the worker afterwards."""
    split = Split(sink_fd)
    sys.stdout, sys.stderr = split.stdout, split.stderr
    sys.__stdout__, sys.__stderr__ = split.stdout, split.stderr  # type: ignore[misc]
    return split
