"""The control channel between a kernel (in lectio) and its worker process.

One JSON object per line, over a pair of pipes that is separate from the cell's stdout/stderr.
Keeping control and output apart means a cell can print anything (including bytes that are not
UTF-8, or text that looks like a message) without ever confusing the kernel; JSON lines are the
cheapest framing that is still readable when debugging (a round trip costs tens of microseconds).

Requests (lectio -> worker) carry ``op`` and ``id``; every reply echoes the ``id``:

- ``{"op": "exec", "code": ..., "filename": ...}``
  -> ``{"status": "ok"|"error", "display": ..., "error": ...}``
- ``{"op": "reset", "seed": 0}`` -> ``{"status": "ok"}``
- ``{"op": "graph", "name": "y"}`` -> ``{"graph": {...}}`` (see :mod:`engine.execution.graph`)
- ``{"op": "requires", "modules": [...]}`` -> ``{"missing": [...]}``
- ``{"op": "match", "pattern": ..., "text": ...}`` -> ``{"matched": "found"|"too slow"...}``
  (an author's ``expect: {matches}`` regex, run here under a deadline, never in lectio)
- ``{"op": "shutdown"}`` -> no reply; the worker flushes and leaves at once.

The worker also sends one unsolicited ``{"op": "ready", "preloaded": [...], "failed": {...}}``
when its preload imports are done.
"""

from __future__ import annotations

import json
import os
from typing import Any

Message = dict[str, Any]

CHANNEL_LOST = 75
"""Exit status of a worker whose control pipes a cell closed (it can never answer again)."""


def encode(message: Message) -> bytes:
    """One message as one line of UTF-8 JSON (ASCII-escaped, so never a raw newline inside)."""
    return json.dumps(message, separators=(",", ":")).encode("ascii") + b"\n"


def send(fd: int, message: Message) -> None:
    """Write a whole message; a pipe write may be partial, so loop until it is all out."""
    view = memoryview(encode(message))
    while view:
        written = os.write(fd, view)
        view = view[written:]


class LineReader:
    """Splits bytes read from a pipe into messages; keeps an incomplete last line for later."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[Message]:
        self._buffer += data
        if b"\n" not in self._buffer:
            return []
        *lines, self._buffer = self._buffer.split(b"\n")
        return [json.loads(line) for line in lines if line]
