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
import collections
import contextlib
import importlib.util
import inspect
import io
import sys
import types
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
    """The last expression's value as IPython shows it in plain text.

    A display hook the cell installed (``sympy.init_printing()`` installs one outside IPython,
    as Python's own prompt would use it) shows the value as it prints it. Else an object whose
    class writes its own ``repr`` (a tensor, an array, a sympy expression, a dataclass) reads as
    that ``repr``, exactly what IPython prints for it, at no cost; anything IPython prints its
    own way (containers broken at 79 columns, ``<__main__.X at 0x...>``, ``__main__.X`` for a
    class, ``<function __main__.f(x)>``, ``_repr_pretty_``) goes through IPython's printer when
    IPython is installed (imported then, once per kernel), else through a small printer here
    that writes the same text on one line.
    """
    hook = sys.displayhook
    if hook is not sys.__displayhook__ and hook is not None:
        shown = _through_hook(hook, value)
        if shown is not None:
            return shown
    if _own_repr(type(value)):
        return repr(value)
    if _reads_as_repr(value, 3):
        text = repr(value)
        if len(text) <= 79 and "\n" not in text:  # IPython breaks only what is wider
            return text
    if importlib.util.find_spec("IPython") is not None:
        from IPython.lib.pretty import pretty

        return str(pretty(value))  # type: ignore[no-untyped-call,unused-ignore]
    printer = _Printer()
    printer.pretty(value)
    return printer.text_so_far()


def _through_hook(hook: Callable[[Any], object], value: Any) -> str | None:
    """What a cell's ``sys.displayhook`` prints for ``value`` (None if it printed nothing)."""
    saved = sys.stdout
    buffer = io.StringIO()
    sys.stdout = buffer
    try:
        hook(value)
    finally:
        sys.stdout = saved
    text = buffer.getvalue()
    return text[:-1] if text.endswith("\n") else (text or None)


_PRINTED_THEIR_WAY = frozenset(
    {
        ("collections", "defaultdict"),
        ("collections", "OrderedDict"),
        ("collections", "deque"),
        ("collections", "Counter"),
        ("re", "Pattern"),
        ("os", "_Environ"),
    }
)
"""Classes outside ``builtins`` that IPython's printer prints its own way."""

_BUILTINS_THEIR_WAY = (
    tuple,
    list,
    dict,
    set,
    frozenset,
    super,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.SimpleNamespace,
    types.MappingProxyType,
    BaseException,
)
"""Builtin classes IPython prints its own way (containers broken at 79 columns, a class by its
dotted name, a function with its signature); every other builtin (``int``, ``str``...) as its
``repr``."""


_SCALARS = (int, float, complex, str, bytes, bool, type(None))


def _reads_as_repr(value: Any, depth: int) -> bool:
    """Whether IPython prints ``value`` as its ``repr`` when that fits on a line: a scalar, an
    object with a ``repr`` of its own, or a list, tuple or dict of such (a set is not: IPython
    sorts it). Checked without IPython, so a small result never pays for importing it."""
    klass = type(value)
    if klass in _SCALARS or _own_repr(klass):
        return True
    if depth == 0 or klass not in (list, tuple, dict) or len(value) > 40:
        return False
    items = [*value.keys(), *value.values()] if klass is dict else value
    return all(_reads_as_repr(item, depth - 1) for item in items)


def _own_repr(klass: type) -> bool:
    """Whether IPython's printer prints an instance of ``klass`` as its ``repr`` (so IPython
    need not be imported to show it): the first class of its MRO that says how to print it
    defines ``__repr__``, and is not one IPython prints its own way."""
    for cls in klass.__mro__:
        if cls is object or cls in _BUILTINS_THEIR_WAY:
            return False
        if (cls.__module__, cls.__qualname__) in _PRINTED_THEIR_WAY:
            return False
        if "_repr_pretty_" in cls.__dict__:
            return False
        if "__repr__" in cls.__dict__:
            return True
    return False


def _plain(obj: Any) -> str:
    """IPython's one-line text for an object without ``_repr_pretty_``: a class by its dotted
    name, a function with its signature, an object without its own ``repr`` without the word
    ``object`` (``<__main__.X at 0x7f...>``); else ``repr``."""
    klass = type(obj)
    if isinstance(obj, type):
        return _dotted(obj)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        try:
            signature = str(inspect.signature(obj))
        except (ValueError, TypeError):
            signature = "(...)"
        return f"<function {_dotted(obj)}{signature}>"
    if not isinstance(obj, (list, tuple, dict, set, frozenset)) and all(
        "__repr__" not in cls.__dict__ for cls in klass.__mro__[:-1]
    ):
        return f"<{_dotted(klass)} at 0x{id(obj):x}>"
    return repr(obj)


def _dotted(obj: Any) -> str:
    """``module.qualname``, without the module for builtins (as IPython names them)."""
    module = getattr(obj, "__module__", None)
    name = str(getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "?"))
    return f"{module}.{name}" if module and module not in ("builtins", "__builtin__") else name


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
            if not self._container(obj):
                self.parts.append(_plain(obj))
            return
        self.seen.add(id(obj))
        try:
            method(obj, self, False)
        finally:
            self.seen.discard(id(obj))

    def _container(self, obj: Any) -> bool:
        """Print a list, tuple, set or dict (or a defaultdict) item by item, as IPython does
        (so the objects inside read as IPython prints them); False for anything else."""
        klass = type(obj)
        if klass is collections.defaultdict:
            self.text("defaultdict(")
            self.pretty(obj.default_factory)
            self.text(", ")
            self._items(dict(obj), "{", "}")
            self.text(")")
            return True
        if klass in (list, tuple, set, frozenset, dict):
            if id(obj) in self.seen:
                self.text("...")
                return True
            self.seen.add(id(obj))
            try:
                if klass is tuple:
                    self._items(obj, "(", ",)" if len(obj) == 1 else ")")
                elif klass is list:
                    self._items(obj, "[", "]")
                elif not obj:
                    self.text(repr(obj))
                elif klass is dict:
                    self._items(obj, "{", "}")
                else:
                    items = list(obj)
                    with contextlib.suppress(Exception):  # a set is printed sorted, as IPython does
                        items = sorted(items)
                    opening, closing = ("frozenset({", "})") if klass is frozenset else ("{", "}")
                    self._items(items, opening, closing)
            finally:
                self.seen.discard(id(obj))
            return True
        return False

    def _items(self, obj: Any, open: str, close: str) -> None:
        self.text(open)
        for index, item in enumerate(obj):
            if index:
                self.text(", ")
            self.pretty(item)
            if isinstance(obj, dict):
                self.text(": ")
                self.pretty(obj[item])
        self.text(close)

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
