"""The control channel between a kernel (in lectio) and its worker process, authenticated.

One JSON object per line, over a pair of pipes that is separate from the cell's stdout/stderr.
Keeping control and output apart means a cell can print anything (including bytes that are not
UTF-8, or text that looks like a message) without ever confusing the kernel; JSON lines are the
cheapest framing that is still readable when debugging.

**Every line is sealed**: ``<mac> <json>`` where ``mac`` is a keyed BLAKE2b (16 bytes, hex) of
the JSON text, under a random key made per kernel by lectio and personalised per direction
(a request can never be reflected as a reply). The key travels once, as the first line lectio
writes on the request pipe (:data:`HELLO`, unsealed), and the worker reads it before any cell
runs: it is in no environment variable, argument, file or importable module, only in the
closures :func:`sealer` and :func:`opener` return. Together with the request ids (a reply
counts only if it answers the request lectio is waiting for), a cell, its threads or its child
processes cannot forge a reply by writing to a descriptor they inherited: they would need to
read the worker's memory to learn the key. What is not a sealed line of the expected request
(garbage, half a line, a line of more than :data:`MAX_LINE` bytes, invalid JSON, a wrong mac,
an unasked or repeated reply) raises :class:`Tampering`. Sealing and checking a line costs a
couple of microseconds.

The functions here run inside the worker too, where a cell may replace library functions
(``json.dumps``, ``os.write``, ``hmac.new``, builtins) at any moment, from a thread if it likes:
they use only C functions bound when this module was imported, before any cell ran, and
builtins from a private copy (:func:`engine.execution.sealed.seal_builtins`).

Requests (lectio -> worker) carry ``op`` and ``id``; every reply echoes the ``id``:

- ``{"op": "hello", "key": ..., "cwd": ..., "memory_limit": ...}``: the first line, unsealed
  (the worker answers with ``{"op": "ready", "id": 0, ...}`` once its preload imports are done)
- ``{"op": "exec", "code": ..., "filename": ...}``
  -> ``{"status": "ok"|"error", "display": ..., "error": ...}``
- ``{"op": "reset", "seed": 0}`` -> ``{"status": "ok"}``
- ``{"op": "graph", "name": "y"}`` -> ``{"graph": {...}}`` (see :mod:`engine.execution.graph`)
- ``{"op": "requires", "modules": [...]}`` -> ``{"missing": [...]}``
- ``{"op": "inspect", "name": "torch.nn.Linear"}`` -> ``{"inspect": {"found": ..., "signature":
  ..., "doc": ...}}`` (see :mod:`engine.execution.introspect`)
- ``{"op": "shutdown"}`` -> no reply; the worker flushes and leaves at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable
from typing import Any

from engine.execution.sealed import seal_builtins

seal_builtins(globals())

Message = dict[str, Any]

CHANNEL_LOST = 75
"""Exit status of a worker whose control pipes a cell closed (it can never answer again)."""
TAMPERED = 76
"""Exit status of a worker that received a request that was not sealed with its key."""
MAX_LINE = 64 << 20
"""Bytes a line may have: a reply is bounded (a shown value and a traceback of 64 KiB each,
ASCII-escaped); anything longer is not a reply but a pipe being flooded."""
READ_SIZE = 1 << 16
"""Bytes asked for by one read of a control pipe: a reply is usually a hundred bytes. A larger
request made the C library map (and unmap) a fresh buffer for every read, three system calls
and a page fault per message on each side; a long reply (a figure) takes a few reads."""
KEY_BYTES = 16
TO_WORKER = b"lectio-request"
TO_LECTIO = b"lectio-reply"
FROM_FORKSERVER = b"lectio-forksrv"

_blake2b = hashlib.blake2b
_compare = secrets.compare_digest
_write = os.write
_urandom = os.urandom
_bytes_hex = bytes.hex
_bytes_fromhex = bytes.fromhex
_str_encode = str.encode
_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_ascii: Any = (
    getattr(json.encoder, "c_encode_basestring_ascii", None)
    or json.encoder.py_encode_basestring_ascii
)
_scanner: Any = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]
"""The C scanner, made now, before any cell."""


def _no_default(value: object) -> object:
    raise TypeError(f"not JSON: {type(value).__name__}")


if _make_encoder is not None:
    _iterencode = _make_encoder(None, _no_default, _ascii, None, ":", ",", False, False, True)

    def _dumps(message: Message) -> str:
        return "".join(_iterencode(message, 0))

else:  # pragma: no cover - CPython always has the C encoder
    _dumps = json.JSONEncoder(separators=(",", ":"), default=_no_default).encode  # type: ignore[assignment]


class Tampering(Exception):  # noqa: N818 (it is not an error of lectio's)
    """A line on a control pipe that lectio did not expect: forged, garbled or unasked."""


def new_key() -> bytes:
    """A fresh random key for one kernel (or one fork server)."""
    return _urandom(KEY_BYTES)


def plain_line(message: Message) -> bytes:
    """A message as one unsealed line: only the hello that carries the key."""
    return _str_encode(_dumps(message), "ascii") + b"\n"


def _mac(key: bytes, person: bytes, body: bytes) -> bytes:
    return _str_encode(
        _bytes_hex(_blake2b(body, digest_size=16, key=key, person=person).digest()), "ascii"
    )


def sealer(key: bytes, person: bytes) -> Callable[[Message], bytes]:
    """A function that turns a message into its sealed line."""

    def seal(message: Message) -> bytes:
        body = _str_encode(_dumps(message), "ascii")
        return _mac(key, person, body) + b" " + body + b"\n"

    return seal


def sender(fd: int, key: bytes, person: bytes) -> Callable[[Message], None]:
    """A function that seals a message and writes it whole to ``fd`` (writes may be partial)."""
    seal = sealer(key, person)

    def send(message: Message) -> None:
        view = memoryview(seal(message))
        while view:
            view = view[_write(fd, view) :]

    return send


def opener(key: bytes, person: bytes) -> Callable[[bytes], list[Message]]:
    """A function fed the bytes read from a pipe that returns the complete messages in them,
    keeping an incomplete last line for the next call; raises :class:`Tampering` at the
    first line that is not sealed with ``key`` (the rest of the pipe cannot be trusted)."""
    pending = bytearray()

    def feed(data: bytes) -> list[Message]:
        if not pending and data[-1:] == b"\n":  # the usual read: whole lines, nothing kept
            return [_open_line(key, person, line) for line in data[:-1].split(b"\n")]
        if b"\n" not in data:
            pending.extend(data)
            if len(pending) > MAX_LINE:
                raise Tampering(f"a line of more than {MAX_LINE >> 20} MiB")
            return []
        pending.extend(data)
        *lines, rest = bytes(pending).split(b"\n")
        pending[:] = rest
        if len(rest) > MAX_LINE:
            raise Tampering(f"a line of more than {MAX_LINE >> 20} MiB")
        return [_open_line(key, person, line) for line in lines]

    return feed


def _open_line(key: bytes, person: bytes, line: bytes) -> Message:
    mac, _, body = line.partition(b" ")
    if len(line) > MAX_LINE:
        raise Tampering(f"a line of more than {MAX_LINE >> 20} MiB")
    if len(mac) != 32 or not body or not _compare(mac, _mac(key, person, body)):
        raise Tampering(f"a line that is not sealed with the kernel's key: {_preview(line)}")
    try:
        message, end = _scanner(body.decode("ascii"), 0)
    except (ValueError, StopIteration, RecursionError, UnicodeDecodeError):
        raise Tampering(f"a sealed line that is not JSON: {_preview(line)}") from None
    if end != len(body) or type(message) is not dict:
        raise Tampering(f"a sealed line that is not one JSON object: {_preview(line)}")
    return message


def read_hello(fd: int, read: Callable[[int, int], bytes] = os.read) -> tuple[Message, bytes]:
    """The worker's first step: the unsealed hello line, and any bytes read past it. Blocks:
    lectio writes it right after starting (or being handed) the worker."""
    buffer = b""
    while b"\n" not in buffer:
        data = read(fd, 1 << 16)
        if not data or len(buffer) > 1 << 20:
            raise EOFError("no hello from lectio")
        buffer += data
    line, _, rest = buffer.partition(b"\n")
    message, _ = _scanner(line.decode("ascii"), 0)
    if type(message) is not dict or type(message.get("key")) is not str:
        raise EOFError("a hello without a key")
    return message, rest


def key_from_hex(text: str) -> bytes:
    return _bytes_fromhex(text)


def _preview(line: bytes) -> str:
    text = line[:60].decode("ascii", "replace")
    return repr(text + ("..." if len(line) > 60 else ""))
