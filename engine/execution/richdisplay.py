"""What a cell shows besides its text, computed inside the kernel: values and pictures.

Runs only in kernel worker processes. The contract ("What a cell shows"):

* The last expression's value is shown as IPython shows it in plain text: through
  ``_repr_pretty_`` where the object has one, else ``repr``; ``None`` shows nothing. When
  IPython is installed, its own printer (``IPython.lib.pretty``) calls ``_repr_pretty_``, so a
  value reads exactly as in a notebook (line breaking, cycles); otherwise a small printer here
  implements the same protocol on one line. IPython is never required, and it is imported only
  for a value that has ``_repr_pretty_`` (an ``int`` costs what it always did).
* An object whose ``_repr_png_`` returns PNG bytes, shown as the last expression, is a picture.
* matplotlib figures become pictures when a cell calls ``plt.show()`` (the kernel's matplotlib
  backend, :mod:`engine.execution.mpl_backend`, sends them here) or leaves them open at its end;
  each is rendered once with Agg to PNG and closed, so no display server is ever needed.

Each picture remembers how much output had been written before it (a byte offset in the cell's
output stream), so the front end shows text and pictures in the order they happened. What is
sent is checked again in lectio's process (:mod:`engine.pictures`): nothing here is trusted.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import sys
from collections.abc import Callable
from typing import Any

MAX_FIGURES = 50
"""Pictures one cell may send (the count for ``expect: {figures}`` goes on past it)."""
MAX_PICTURE_BYTES = 8 * 1024 * 1024
"""Bytes of one PNG a cell may send; a larger one is counted, not sent."""


class Pictures:
    """The pictures of the running cell, in order, each with the output offset it follows."""

    def __init__(self, position: Callable[[], int]) -> None:
        self.position = position
        self.items: list[dict[str, Any]] = []
        self.count = 0

    def add(self, png: bytes | None, problem: str = "") -> None:
        self.count += 1
        if len(self.items) >= MAX_FIGURES:
            return
        item: dict[str, Any] = {"at": self.position()}
        if png is not None and len(png) > MAX_PICTURE_BYTES:
            problem = f"the picture is {len(png):,} bytes, more than {MAX_PICTURE_BYTES:,}"
            png = None
        if png is not None:
            item["png"] = base64.b64encode(png).decode("ascii")
        if problem:
            item["problem"] = problem
        self.items.append(item)

    def take(self) -> tuple[list[dict[str, Any]], int]:
        items, count = self.items, self.count
        self.items, self.count = [], 0
        return items, count


CURRENT: list[Pictures] = []
"""The running cell's pictures (the matplotlib backend's ``show`` adds to it)."""


def capture_figures() -> None:
    """Render every open matplotlib figure to PNG, in figure-number order, and close it."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None or not CURRENT:
        return
    pictures = CURRENT[-1]
    for number in list(pyplot.get_fignums()):
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        try:
            figure.savefig(buffer, format="png")
            pictures.add(buffer.getvalue())
        except Exception as exc:  # a figure that cannot be drawn is reported, not fatal
            pictures.add(None, f"the figure could not be drawn: {type(exc).__name__}: {exc}")
        finally:
            pyplot.close(figure)


def png_of(value: Any) -> bytes | None:
    """``value._repr_png_()`` when it gives PNG bytes (sympy's gives None without LaTeX)."""
    method = getattr(type(value), "_repr_png_", None)
    if method is None or isinstance(value, type):
        return None
    data = method(value)
    if isinstance(data, tuple):  # (data, metadata), as IPython allows
        data = data[0]
    if isinstance(data, str):
        with contextlib.suppress(ValueError):
            data = base64.b64decode(data, validate=True)
    return data if isinstance(data, bytes) and data.startswith(b"\x89PNG") else None


def display_text(value: Any) -> str:
    """The last expression's value as IPython shows it in plain text."""
    if getattr(type(value), "_repr_pretty_", None) is None or isinstance(value, type):
        return repr(value)
    if importlib.util.find_spec("IPython") is not None:
        from IPython.lib.pretty import pretty

        return str(pretty(value))  # type: ignore[no-untyped-call,unused-ignore]
    printer = _Printer()
    value._repr_pretty_(printer, False)
    return printer.text_so_far()


class _Printer:
    """The part of IPython's ``RepresentationPrinter`` that ``_repr_pretty_`` methods use,
    printing on one line (IPython's own printer is used when it is installed)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.seen: set[int] = set()
        self.indentation = 0

    def text(self, obj: str) -> None:
        self.parts.append(str(obj))

    def breakable(self, sep: str = " ") -> None:
        self.parts.append(sep)

    def pretty(self, obj: Any) -> None:
        if id(obj) in self.seen:
            self.parts.append("...")
            return
        method = getattr(type(obj), "_repr_pretty_", None)
        if method is None:
            self.parts.append(repr(obj))
            return
        self.seen.add(id(obj))
        try:
            method(obj, self, False)
        finally:
            self.seen.discard(id(obj))

    def begin_group(self, indent: int = 0, open: str = "") -> None:
        self.parts.append(open)

    def end_group(self, dedent: int = 0, close: str = "") -> None:
        self.parts.append(close)

    @contextlib.contextmanager
    def group(self, indent: int = 0, open: str = "", close: str = "") -> Any:
        self.begin_group(indent, open)
        try:
            yield
        finally:
            self.end_group(indent, close)

    @contextlib.contextmanager
    def indent(self, indent: int) -> Any:
        yield

    def flush(self) -> None:
        pass

    def text_so_far(self) -> str:
        return "".join(self.parts)
