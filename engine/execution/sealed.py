"""Keeping the worker's own code out of a cell's reach (what a cell can change by ordinary means).

A cell runs in the same interpreter as the worker code that reports on it. Whatever that code
looks up at run time, a cell (or a thread it left running) can replace: a builtin
(``builtins.exec = ...``), a library function (``json.dumps``, ``os.write``, ``re.search``), or a
function of lectio's own modules (``import engine.execution.worker as w; w.handle = ...``).
Three measures, all taken before the first cell runs, make the worker immune to that:

- :func:`seal_builtins`: a module's functions look builtins up in a private copy, made at
  import (CPython binds a function's builtins when it is created, from its module's
  ``__builtins__``);
- modules bind the library functions they need at import (``_write = os.write``), never
  ``os.write`` at run time;
- :func:`hide_lectio_modules`: lectio's modules are removed from ``sys.modules`` before the
  first cell, so ``import engine.execution.worker`` in a cell loads a fresh copy, and patching
  that copy changes nothing in the code that is running.

A cell that reads the interpreter's memory (``gc.get_objects()``, frames, a function's
``__globals__``) can still reach all of it: this is protection against accidents and blind
attacks, not a sandbox (see docs/kernel.md, "What a green run proves").
"""

from __future__ import annotations

import builtins
import sys
from typing import Any


def seal_builtins(namespace: dict[str, Any]) -> None:
    """Give the functions defined after this call in ``namespace`` (a module's globals) a
    private copy of the builtins as they are now. Call it at the top of a module."""
    namespace["__builtins__"] = dict(vars(builtins))


seal_builtins(globals())


_HIDDEN: list[bool] = []  # whether the modules were hidden once in this process
SHARED = frozenset({"engine.execution.richdisplay"})
"""Modules that stay importable by name: the matplotlib backend, which matplotlib imports when
a cell first draws, must hand its figures to the running cell's list of pictures (output, not a
verdict: a cell can draw what it likes)."""


def hide_lectio_modules() -> None:
    """Remove ``engine`` and its submodules from ``sys.modules`` (the code keeps running; a
    cell that imports them gets fresh copies that nothing of lectio uses), but :data:`SHARED`.

    Once they are hidden (a fork server hides them before it forks), no ``engine`` package
    means no submodule was imported since (an import of one imports the package first): the
    child does not walk the thousands of names of a torch process's modules again, which
    costs it two milliseconds of copied pages (each name's reference count is written)."""
    if "engine" not in sys.modules and _HIDDEN:
        return
    _HIDDEN.append(True)
    for name in [n for n in sys.modules if n == "engine" or n.startswith("engine.")]:
        if name not in SHARED:
            del sys.modules[name]
