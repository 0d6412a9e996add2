"""What a name in the lesson's namespace is: its signature and documentation (the ``inspect`` op).

Like Jupyter's ``inspect_request``: the learner points at a name (``loss.backward``,
``torch.nn.Linear``) and reads its signature and docstring, taken from the live kernel, so it is
the object the cells actually made. Runs inside the worker (a cell's properties may run while
the dotted name is followed; that is the kernel's business, not lectio's). The reply is plain
strings, capped; lectio checks its shape again (:meth:`engine.execution.kernel.Kernel.inspect`).
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import re
from typing import Any

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){0,9}")
"""A dotted name: what may be inspected (no calls, no indexing, at most ten parts)."""
MAX_DOC = 4000
MAX_VALUE = 300

_fullmatch = NAME_RE.fullmatch
_signature = inspect.signature
_getdoc = inspect.getdoc
_import = importlib.import_module
_builtins = dict(vars(builtins))


def _resolve(namespace: dict[str, Any], name: str) -> tuple[bool, Any]:
    head, *rest = name.split(".")
    if head in namespace:
        obj = namespace[head]
    elif head in _builtins:
        obj = _builtins[head]
    else:
        try:  # ``torch.nn.Linear`` before any cell imported torch
            obj = _import(head)
        except Exception:
            return False, None
    for part in rest:
        try:
            obj = getattr(obj, part)
        except Exception:
            return False, None
    return True, obj


def describe(namespace: dict[str, Any], name: str) -> dict[str, Any]:
    """``{"found", "name", "type", "signature", "doc", "value"}`` for ``name`` (strings)."""
    name = str(name)
    if not _fullmatch(name):
        return {"found": False, "name": name[:200], "error": "not a name"}
    found, obj = _resolve(namespace, name)
    if not found:
        return {"found": False, "name": name}
    signature = ""
    if callable(obj):
        try:
            signature = str(_signature(obj))
        except Exception:
            signature = ""
    try:
        doc = _getdoc(obj) or ""
    except Exception:
        doc = ""
    value = ""
    if not callable(obj) and not inspect.ismodule(obj):
        try:
            value = repr(obj)[:MAX_VALUE]
        except Exception:
            value = ""
    return {
        "found": True,
        "name": name,
        "type": type(obj).__qualname__,
        "signature": signature[:MAX_VALUE],
        "doc": doc[:MAX_DOC],
        "value": value,
    }
