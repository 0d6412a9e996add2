"""A cell's output as lectio receives it: decoded leniently, streamed to the front end, capped.

The bytes come from the worker's fd 1 and 2 (Python, C code and child processes alike), so they
may be anything: invalid UTF-8 becomes U+FFFD, and past the cap they are read and dropped, so a
cell printing without end costs lectio bounded memory and never blocks the worker.
"""

from __future__ import annotations

import codecs
import contextlib
from collections.abc import Callable


def _size(n: int) -> str:
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


class CellOutput:
    """A cell's output as it arrives: decoded leniently, streamed, and capped."""

    def __init__(self, limit: int, on_output: Callable[[str], None] | None) -> None:
        self.limit = limit
        self.on_output = on_output
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.parts: list[str] = []
        self.kept = 0
        self.elided = 0
        self.raw = bytearray()  # the kept bytes, to place a picture among the text

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
            self.raw += take
            self._emit(self.decoder.decode(take))
            data = data[room:]
            if data:
                self._emit(self.decoder.decode(b"", final=True))
                if self.on_output is not None:
                    with contextlib.suppress(Exception):
                        self.on_output(f"\n[output truncated at {_size(self.limit)}]\n")
        self.elided += len(data)

    def place(self, at: int) -> int:
        """The character offset in :meth:`text` of byte ``at`` of the output (the worker's
        count): the text decoded up to there, as it was decoded."""
        return len(bytes(self.raw[: max(0, at)]).decode("utf-8", "replace"))

    def text(self) -> str:
        self._emit(self.decoder.decode(b"", final=True))
        text = "".join(self.parts)
        if self.elided:
            text += (
                f"\n[output truncated: the cell printed more than {_size(self.limit)}; "
                f"{self.elided} more bytes were elided]\n"
            )
        return text
