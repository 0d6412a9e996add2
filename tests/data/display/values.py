"""Last-expression values whose plain-text display lectio must print as IPython does.

Each entry of VALUES is (name, value). tests/test_richdisplay.py compares lectio's display of
each with IPython's own plain-text printer (IPython.lib.pretty): with IPython as it prints them,
and, for lectio's printer without IPython, with IPython's text on one line (but for the
values named in IPYTHON_ONLY, which only IPython's printer prints its own way).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import enum
import re
import types
from typing import Any


class Plain:
    """No repr of its own: IPython prints <module.Plain at 0x...>."""


class WithRepr:
    def __repr__(self) -> str:
        return "WithRepr(1)"


class Pretty:
    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text("Pretty<")
        p.pretty([1, 2])
        p.text(">")


class MultiLine:
    def __repr__(self) -> str:
        return "first line\nsecond line"


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Colour(enum.Enum):
    RED = 1


class ListChild(list):  # type: ignore[type-arg]
    pass


def function(a: int, b: int = 2) -> int:
    return a + b


IPYTHON_ONLY = {"pattern"}

VALUES: list[tuple[str, Any]] = [
    ("int", 42),
    ("float", 0.1 + 0.2),
    ("complex", 1 + 2j),
    ("bool", True),
    ("str", "text with 'quotes'"),
    ("bytes", b"\x00ab"),
    ("range", range(3)),
    ("short list", [1, 2, 3]),
    ("long list", list(range(40))),
    ("nested dict", {"weights": list(range(30)), "bias": 0.5}),
    ("tuple", (1,)),
    ("set", {3}),
    ("plain object", Plain()),
    ("object()", object()),
    ("class", Plain),
    ("builtin class", int),
    ("function", function),
    ("builtin function", len),
    ("lambda", lambda x: x),
    ("own repr", WithRepr()),
    ("multi-line repr", MultiLine()),
    ("_repr_pretty_", Pretty()),
    ("dataclass", Point(1, 2)),
    ("enum", Colour.RED),
    ("list subclass", ListChild([1, 2])),
    ("exception", ValueError("bad value")),
    ("defaultdict", collections.defaultdict(list, {"a": [1]})),
    ("counter", collections.Counter("aab")),
    ("deque", collections.deque([1, 2])),
    ("timedelta", datetime.timedelta(seconds=5)),
    ("pattern", re.compile(r"\d+")),
    ("namespace", types.SimpleNamespace(a=1)),
    ("list of objects", [Plain(), WithRepr()]),
]

try:
    import numpy

    VALUES.append(("numpy array", numpy.arange(12).reshape(3, 4)))
except ImportError:
    pass

try:
    import sympy

    x = sympy.Symbol("x")
    VALUES.append(("sympy expression", x**2 + 1))
    VALUES.append(("sympy integral", sympy.Integral(sympy.sqrt(1 / x), x)))
    VALUES.append(("sympy matrix", sympy.Matrix([[1, 2], [3, 4]])))
except ImportError:
    pass

VALUES += [
    ("timer tuple", (0.0, 0.0)),
    ("short nested", [1, (2.5, "x"), {"k": None}]),
    ("set of strings", {"b", "a", "c"}),
    ("width 79", [10**70, 1]),
    ("width 80", [10**71, 1]),
]
