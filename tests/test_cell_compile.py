"""How a cell is compiled (engine.execution.cellexec._compile): a cell that is one expression
is compiled once, and whichever way a cell is compiled, it means what a notebook cell means."""

from __future__ import annotations

import types
from typing import Any

import pytest

from engine.execution import cellexec

CELLS = [
    "print(1)",
    "6 * 7",
    "x.shape  # a comment",
    "[v * 2 for v in range(3)]",
    "f(a=1)",
    "6 * 7;",
    "x;",
    "x = 41\nx + 1",
    "lambda: 3",
    "if x: y = 1",
    "import math",
]


class Shape:
    shape = (2, 3)


SHAPE = Shape()


def _run(code: str, compiled: tuple[types.CodeType, types.CodeType | None]) -> tuple[Any, ...]:
    """The value shown and the names the cell left, with what they hold."""
    namespace: dict[str, Any] = {"x": SHAPE, "f": lambda a: a, "print": lambda *a: a}
    body, last = compiled
    exec(body, namespace)
    value = None if last is None else eval(last, namespace)
    names = {k: repr(v) for k, v in namespace.items() if k not in {"__builtins__", "f", "print"}}
    return ("a function" if callable(value) else value), names


def _the_whole_way(code: str) -> tuple[types.CodeType, types.CodeType | None]:
    """What _compile did for every cell: parse, compile the body, compile the last value."""
    return cellexec._compile(code + "\n\n", "<cell>")  # two lines: never taken as one expression


@pytest.mark.parametrize("code", CELLS)
def test_a_cell_means_the_same_whichever_way_it_is_compiled(code: str) -> None:
    assert _run(code, cellexec._compile(code, "<cell>")) == _run(code, _the_whole_way(code))


def test_a_cell_that_is_one_expression_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[2])
        return compile(*args, **kwargs)

    monkeypatch.setattr(cellexec, "compile", counting, raising=False)
    _body, last = cellexec._compile("print(1)", "<cell 1>")
    assert calls == ["eval"]
    assert last is not None and last.co_filename == "<cell 1>"
    calls.clear()
    cellexec._compile("x = 1", "<cell 2>")
    assert calls == ["exec", "exec"]  # an assignment is not tried as an expression


@pytest.mark.parametrize("code", ["  print(1)", "print(1", "(yield)", "await f()", "1 2"])
def test_a_cell_that_does_not_compile_says_what_it_said_before(code: str) -> None:
    with pytest.raises(SyntaxError) as fast:
        cellexec._compile(code, "<cell>")
    with pytest.raises(SyntaxError) as whole:
        compile(code, "<cell>", "exec", dont_inherit=True)
    assert (type(fast.value), fast.value.msg, fast.value.lineno) == (
        type(whole.value),
        whole.value.msg,
        whole.value.lineno,
    )
