"""Running one cell inside a kernel process: compile, exec, show the last value, trim tracebacks.

This module runs only inside kernel worker processes (never in lectio's own process). It knows
nothing about pipes: :mod:`engine.execution.worker` feeds it code and ships its replies.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import linecache
import operator
import random
import sys
import traceback
import types
from typing import Any

from engine.execution.protocol import Message
from engine.execution.richdisplay import CURRENT, Pictures, capture_figures, display_text, png_of
from engine.execution.sealed import seal_builtins
from engine.format.ipython import ipython_hint

seal_builtins(globals())

# bound before any cell runs: a cell (or its thread) may replace them at any time
_PyCF_ONLY_AST = ast.PyCF_ONLY_AST
_Expr = ast.Expr
_Expression = ast.Expression
_LINES = linecache.cache
_ModuleType = types.ModuleType
_random_seed = random.seed
_modules = sys.modules
_is = operator.is_
_settrace = sys.settrace
_setprofile = sys.setprofile


def _nothing() -> None:
    return None


DISPLAY_LIMIT = 64 * 1024
"""The repr of a last expression is cut here (the output cap applies to printed text)."""


class _Flag:
    """Whether a cell is running: SIGINT interrupts cells, never the worker's own bookkeeping."""

    in_cell = False


IN_CELL = _Flag()


def on_sigint(signum: int, frame: types.FrameType | None) -> None:
    """SIGINT handler of the worker: a KeyboardInterrupt only while a cell's code runs."""
    if IN_CELL.in_cell:
        raise KeyboardInterrupt


_MISSING = object()
TRACEBACK_FRAMES = 40
"""Cell frames kept in a traceback: the first and last halves (a deep recursion has a
million, and formatting them all took the kernel longer than the cell)."""


def _torch_defaults() -> dict[str, Any]:
    torch = sys.modules.get("torch")
    if torch is None:
        return {}
    return {
        name: getattr(torch, name)
        for name in ("manual_seed", "set_default_dtype", "set_grad_enabled")
    }


def _describe_bytes(n: int) -> str:
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


class CellRunner:
    """The lesson's namespace and the code that runs cells in it."""

    def __init__(self, memory_limit: int | None = None) -> None:
        self.memory_limit = memory_limit
        self.position: Any = lambda: 0
        """Bytes of output written so far (the worker sets it): where a picture goes."""
        self.after_code: Any = _nothing
        """Called as soon as a cell's code returns (the worker puts timers and signals back)."""
        self.cell_files: set[str] = set()
        self._builtins = dict(vars(builtins))
        self._torch = _torch_defaults()
        self.namespace: dict[str, Any] = {}
        self.reset(0)

    def restore_builtins(self) -> None:
        """Put back builtins a cell replaced or deleted (``builtins.print = None``: the next
        cell, and the worker's own code, need them); names a cell added stay until reset."""
        current = vars(builtins)
        saved = self._builtins
        # unchanged (the usual case) told by identity, in C: replacing a builtin keeps its
        # place in the dictionary; deleting one, or adding one, changes the count or the order
        if not (
            len(current) == len(saved)
            and all(map(_is, current.values(), saved.values()))
            and all(map(_is, current, saved))
        ):
            for key, value in saved.items():
                if current.get(key, _MISSING) is not value:
                    current[key] = value
        if self.namespace.get("__builtins__") is not builtins:
            self.namespace["__builtins__"] = builtins  # ``__builtins__ = {}`` in a cell

    def reset(self, seed: int = 0) -> None:
        """A fresh namespace and known seeds; undo what cells did to builtins and torch defaults.

        The namespace is the ``__dict__`` of a new ``__main__`` module so that classes and
        functions defined in cells can be pickled (``torch.save``) like in a script.
        """
        main = _ModuleType("__main__")
        main.__dict__["__builtins__"] = builtins
        _modules["__main__"] = main
        self.namespace = main.__dict__
        current = vars(builtins)
        for key in [k for k in current if k not in self._builtins]:
            del current[key]
        current.update(self._builtins)
        _random_seed(seed)
        sys.displayhook = sys.__displayhook__  # sympy.init_printing() of the lesson before
        torch = _modules.get("torch")
        if torch is not None:
            # the functions saved at start: a cell may have monkeypatched torch's own
            self._torch = self._torch or _torch_defaults()
            self._torch["manual_seed"](seed)
            self._torch["set_default_dtype"](torch.float32)
            self._torch["set_grad_enabled"](True)
        numpy = _modules.get("numpy")
        if numpy is not None:
            numpy.random.seed(seed)

    def run(self, code: str, filename: str) -> Message:
        """Run ``code``; the reply holds ``status``, ``display`` and, on failure, ``error``;
        ``figures`` (pictures, see :mod:`engine.execution.richdisplay`) when it made any.
        (stdout and stderr apart: the worker, :mod:`engine.execution.splitio`.)"""
        _LINES[filename] = (len(code), None, code.splitlines(keepends=True), filename)
        self.cell_files.add(filename)
        try:
            body, last = _compile(code, filename)
        except SyntaxError as exc:
            return {"status": "error", "display": None, "error": self._error(exc, filename)}
        pictures = Pictures(self.position)
        CURRENT[:] = [pictures]
        display: str | None = None
        reply: Message
        try:
            try:
                IN_CELL.in_cell = True
                exec(body, self.namespace)
                # a trace function the cell set must see none of our calls below (a call of a
                # C function is not traced: these two are the first thing after the cell)
                _settrace(None)
                _setprofile(None)
                if last is not None:
                    value = eval(last, self.namespace)
                    _settrace(None)
                    _setprofile(None)
                    if value is not None:
                        # timers the cell left must not fire while lectio shows the value: the
                        # first container shown imports IPython's printer, longer than the
                        # ITIMER_PROF of 50 ms that tests/data/hostile/alarm_pending.py leaves
                        # (its SIGPROF killed the kernel). Again below, after the value's repr.
                        self.after_code()
                        self.namespace["_"] = value
                        png = png_of(value)
                        if png is not None:
                            pictures.add(png)
                        else:
                            display = _cut(str.__str__(display_text(value)))
                capture_figures()  # figures left open at the end of the cell
            finally:
                # before any Python call of ours: a trace function the cell set sees no frame
                _settrace(None)
                _setprofile(None)
                IN_CELL.in_cell = False
                self.after_code()  # a signal handler of the cell may fire in here: its error
            reply = {"status": "ok", "display": display}
        except BaseException as exc:  # a cell may raise anything, SystemExit included
            IN_CELL.in_cell = False
            self._settle()
            with contextlib.suppress(BaseException):
                capture_figures()  # what it drew before it raised, as a notebook shows it
            reply = {"status": "error", "display": None, "error": self._error(exc, filename)}
            self._settle()
        finally:
            CURRENT.clear()
        items, count = pictures.take()
        if count:
            reply["figures"] = items
            reply["figure_count"] = count
        return reply

    def _settle(self) -> None:
        """``after_code`` until it gets through (a handler left by the cell may interrupt it)."""
        for _ in range(5):
            try:
                self.after_code()
                return
            except BaseException:
                continue

    def _cell_frames(self, tb: types.TracebackType | None) -> tuple[traceback.StackSummary, int]:
        """The traceback's frames from cells, at most TRACEBACK_FRAMES; how many were left out."""
        entries: list[tuple[types.FrameType, int]] = []
        while tb is not None:
            if tb.tb_frame.f_code.co_filename in self.cell_files:
                entries.append((tb.tb_frame, tb.tb_lineno))
            tb = tb.tb_next
        left_out = max(0, len(entries) - TRACEBACK_FRAMES)
        if left_out:
            half = TRACEBACK_FRAMES // 2
            entries = entries[:half] + entries[-half:]
        return traceback.StackSummary.extract(iter(entries)), left_out

    def _error(self, exc: BaseException, filename: str) -> Message:
        klass = type(exc)
        name = str.__str__(klass.__name__) if type(klass.__name__) is str else "Exception"
        try:
            bases = [_qualified(k) for k in klass.__mro__]
        except BaseException:  # a class of the cell's with a strange __module__
            bases = [name]
        try:
            return self._described(exc, filename, name, bases)
        except BaseException as why:  # the cell broke the traceback module, say: keep the facts
            return {
                "name": name,
                "bases": bases,
                "message": f"<the traceback could not be formatted: {type(why).__name__}>",
                "traceback": "",
                "line": None,
            }

    def _described(self, exc: BaseException, filename: str, name: str, bases: list[str]) -> Message:
        frames, left_out = self._cell_frames(exc.__traceback__)
        lines: list[str] = []
        if frames:
            listed = traceback.format_list(frames)
            if left_out:
                half = TRACEBACK_FRAMES // 2
                listed.insert(half, f"  [... {left_out} more frames left out ...]\n")
            lines = ["Traceback (most recent call last):\n", *listed]
        try:  # the exception's own __str__ is the cell's code: it may raise or never return
            IN_CELL.in_cell = True
            try:
                message = str.__str__(str(exc))
                lines += traceback.format_exception_only(type(exc), exc)
            finally:
                IN_CELL.in_cell = False
        except BaseException as why:  # KeyboardInterrupt at the deadline included
            reason = "it did not finish" if isinstance(why, KeyboardInterrupt) else "it raised"
            message = f"<the message of this {name} could not be shown: {reason}>"
            lines.append(f"{name}: {message}\n")
        if isinstance(exc, MemoryError) and self.memory_limit:
            message = (message + " " if message else "") + (
                f"(out of memory: the kernel's limit is {_describe_bytes(self.memory_limit)})"
            )
            lines[-1] = f"MemoryError: {message}\n"
        line: int | None = None
        if isinstance(exc, SyntaxError) and exc.filename == filename:
            line = exc.lineno
            source = "".join(linecache.getlines(filename))
            hint = ipython_hint(source, line or 0)  # %matplotlib, !pip: say what to write
            if hint is not None:
                message = hint
                lines[-1:] = [f"SyntaxError: {hint}\n"]
        for frame in reversed(frames):
            if frame.filename == filename:
                line = frame.lineno
                break
        return {
            "name": name,
            "bases": bases,
            "message": _cut(message),
            "traceback": _cut("".join(lines)),
            "line": line,
        }


_BUILTINS: dict[str, Any] = globals()["__builtins__"]


def _qualified(klass: type) -> str:
    """``builtins.ZeroDivisionError``; a class of a cell's that calls itself a builtin one
    (``__module__ = "builtins"``) is not taken at its word (``raises:`` compares these)."""
    module, name = str.__str__(klass.__module__), str.__str__(klass.__qualname__)
    if module == "builtins" and _BUILTINS.get(name) is not klass:
        module = "__main__"
    return f"{module}.{name}"


_NOTHING = compile("", "<cell>", "exec", dont_inherit=True)
"""The body of a cell that is one expression (its value is all it does)."""
_STATEMENT_WORDS = frozenset(
    {"import", "from", "del", "pass", "assert", "raise", "return", "global", "nonlocal"}
    | {"break", "continue", "for", "while", "if", "with", "def", "class", "try", "async"}
)


def _one_expression(code: str) -> bool:
    """Worth compiling as one expression: one line, no assignment, no trailing ``;``, not
    opening with a statement's word. A cheap guess (a wrong one costs one failed compile);
    the compile decides."""
    text = code.strip()
    if not text or "\n" in text or "=" in text or text.endswith(";") or code[:1].isspace():
        return False
    return text.split(None, 1)[0].rstrip(":") not in _STATEMENT_WORDS


def _compile(code: str, filename: str) -> tuple[types.CodeType, types.CodeType | None]:
    """Compile a cell; its last statement, if an expression, is compiled apart to be shown.

    Like a notebook, a trailing ``;`` hides the value.
    """
    if _one_expression(code):  # print(x), x.shape: compiled once, not parsed and compiled twice
        try:
            return _NOTHING, compile(code, filename, "eval", dont_inherit=True)
        except SyntaxError:
            pass  # not an expression after all: the whole way below says what is wrong
    tree = compile(code, filename, "exec", _PyCF_ONLY_AST, dont_inherit=True)
    last: types.CodeType | None = None
    tail = tree.body[-1] if tree.body else None
    if type(tail) is _Expr and not code.rstrip().endswith(";"):
        tree.body.pop()
        expr = _Expression(tail.value)
        last = compile(expr, filename, "eval", dont_inherit=True)
    return compile(tree, filename, "exec", dont_inherit=True), last


def _cut(text: str) -> str:
    if len(text) <= DISPLAY_LIMIT:
        return text
    return text[:DISPLAY_LIMIT] + f"\n... [{len(text) - DISPLAY_LIMIT} more characters elided]"
