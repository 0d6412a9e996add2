"""Which of a cell's ``requires`` are met here, and the names a skipped cell would have defined.

A cell (or its lesson) may require modules and the capabilities ``cuda`` (a CUDA device torch
can use) and ``network`` (the cell reaches the internet). The kernel answers for modules and
``cuda`` (it looks, it imports nothing new; see the worker's ``requires`` request); ``network``
is a decision of whoever runs the lesson: met in the TUI and plain mode (a learner's machine
is expected to be online), unmet in ``lectio validate`` and the pytest plugin unless they are
given ``--network``, so CI never depends on a download. A cell whose requirement is not met is
skipped with the reason, never failed, and the cells after it still run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import Any

from engine.format.models import CAPABILITIES

_NAME_ERROR = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")


class Requirements:
    """Answers "is this met?" for a lesson's cells, asking the kernel once per name."""

    def __init__(self, kernel: Any, *, network: bool = True) -> None:
        self.kernel = kernel
        self.network = network
        self._known: dict[str, bool] = {}

    def unmet(self, names: Sequence[str]) -> list[str]:
        """The names of ``names`` that are not met, in order."""
        ask = [n for n in dict.fromkeys(names) if n not in self._known and n != "network"]
        if ask:
            check = getattr(self.kernel, "missing_modules", None)  # test doubles may lack it
            missing = set(check(ask)) if check is not None else set()
            for name in ask:
                self._known[name] = name not in missing
        self._known["network"] = self.network
        return [n for n in dict.fromkeys(names) if not self._known.get(n, True)]


def reason(unmet: Sequence[str]) -> str:
    """Why a cell was skipped, in English (front ends say it in the learner's language from
    the result's ``extra["unmet"]``)."""
    parts = []
    for name in unmet:
        if name == "cuda":
            parts.append("needs CUDA (a GPU that torch can use), and there is none here")
        elif name == "network":
            parts.append(
                "needs the network (to run it: lectio validate --network, pytest --lectio-network)"
            )
        else:
            parts.append(f"needs the module {name}, which is not installed")
    return "skipped: " + "; ".join(parts)


def capabilities(names: Sequence[str]) -> list[str]:
    return [n for n in names if n in CAPABILITIES]


def defined_names(code: str) -> set[str]:
    """The names a cell's code binds at its top level (assignments, imports, def, class...)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def missing_name(message: str) -> str | None:
    """The name of a NameError's message (``name 'model' is not defined``)."""
    match = _NAME_ERROR.search(message)
    return match.group(1) if match else None
