"""The autograd graph of a variable, walked inside the kernel and shipped to front ends as data.

Front ends draw an :class:`AutogradGraph`; they never see a tensor. :func:`extract` runs in the
kernel process (where torch lives) and returns plain JSON; :func:`from_message` rebuilds the
dataclasses in lectio. Edges go from a node to its inputs, the direction gradients flow in
``backward()``: ``(y, MulBackward0)``, ``(MulBackward0, x)``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Literal

NodeKind = Literal["op", "leaf", "tensor"]
MAX_NODES = 200
"""Beyond this a graph is cut: nobody can read it in a terminal anyway."""


@dataclass(frozen=True, slots=True)
class GraphNode:
    id: int
    label: str  # "MulBackward0" for an op, the variable's name (or "leaf") for a tensor
    kind: NodeKind
    value: str | None = None  # a short repr, e.g. "tensor(2., requires_grad=True)"
    grad: str | None = None  # short repr of .grad of a leaf, if any


@dataclass(frozen=True, slots=True)
class AutogradGraph:
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    root: int | None = None
    error: str | None = None  # why there is no (complete) graph, for the learner


def from_message(data: dict[str, Any]) -> AutogradGraph:
    """Rebuild a graph from the kernel's JSON reply."""
    return AutogradGraph(
        nodes=[GraphNode(**node) for node in data.get("nodes", [])],
        edges=[(int(a), int(b)) for a, b in data.get("edges", [])],
        root=data.get("root"),
        error=data.get("error"),
    )


SAVED_SHOWN = 3
"""At most this many saved values on an operation's line."""
_SAVED_SEEN: dict[int, tuple[Any, str | None]] = {}
"""What :func:`_saved` read of a node before ``backward()`` freed its buffers (the node is
held, so its id is not reused); bounded by ``_SAVED_KEEP``."""
_SAVED_KEEP = 1024


def _saved(fn: Any) -> str | None:
    """The constants and exponents an operation saved for backward (``_saved_other=5``,
    ``_saved_exponent=3``, ``_saved_self`` when it is one number), so the three
    MulBackward0 of ``5*x**3 + 2*x**2 + 4*x`` read apart: ``other=5``. Tensors of more than
    one element, and anything that is not a number, are left out. In the kernel only."""
    import torch

    known = _SAVED_SEEN.get(id(fn))
    if known is not None and known[0] is fn:  # saved values never change on a node
        return known[1]
    text = _read_saved(fn, torch)
    if len(_SAVED_SEEN) >= _SAVED_KEEP:
        _SAVED_SEEN.clear()
    _SAVED_SEEN[id(fn)] = (fn, text)
    return text


def _read_saved(fn: Any, torch: Any) -> str | None:
    parts: list[str] = []
    for attr in sorted(a for a in dir(fn) if a.startswith("_saved_") and not a.endswith("_raw")):
        try:
            value = getattr(fn, attr)
        except Exception:  # a freed buffer after backward() raises
            continue
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                continue
            number: Any = value.item()
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        else:
            number = value
        text = f"{number:g}" if isinstance(number, float) else str(number)
        if attr == "_saved_alpha" and number == 1:
            continue  # a plain a + b: nothing to tell
        parts.append(f"{attr[len('_saved_') :]}={text}")
        if len(parts) >= SAVED_SHOWN:
            break
    return ", ".join(parts) or None


def _short(value: Any) -> str | None:
    if value is None:
        return None
    try:
        if value.numel() > 8:
            dtype = str(value.dtype).removeprefix("torch.")
            text = f"tensor(shape={tuple(value.shape)}, dtype={dtype})"
        else:
            text = " ".join(repr(value.detach() if value.requires_grad else value).split())
            if value.requires_grad and value.is_leaf:
                text = text[:-1] + ", requires_grad=True)"
    except Exception as exc:  # a tensor subclass with a broken repr
        text = f"<unprintable: {type(exc).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def extract(namespace: dict[str, Any], name: str) -> dict[str, Any]:
    """Walk ``namespace[name].grad_fn`` breadth first; runs in the kernel process only."""
    torch = sys.modules.get("torch")
    if name not in namespace:
        return {"error": f"name '{name}' is not defined: run the cells above first"}
    tensor = namespace[name]
    if torch is None or not isinstance(tensor, torch.Tensor):
        return {"error": f"'{name}' is a {type(tensor).__name__}, not a tensor"}
    names: dict[int, str] = {}
    for key, value in namespace.items():
        if not key.startswith("_") and isinstance(value, torch.Tensor):
            names.setdefault(id(value), key)
    nodes: list[dict[str, Any]] = []
    edges: list[tuple[int, int]] = []

    def add(label: str, kind: str, value: Any = None, grad: Any = None) -> int:
        nodes.append(
            {
                "id": len(nodes),
                "label": label,
                "kind": kind,
                "value": value if isinstance(value, str) or value is None else _short(value),
                "grad": _short(grad),
            }
        )
        return len(nodes) - 1

    root_kind = "leaf" if tensor.is_leaf and tensor.requires_grad else "tensor"
    root = add(name, root_kind, tensor, tensor.grad if tensor.is_leaf else None)
    if tensor.grad_fn is None:
        error = (
            None
            if tensor.requires_grad
            else (f"'{name}' does not require grad, so autograd recorded no graph for it")
        )
        return {"nodes": nodes, "edges": edges, "root": root, "error": error}
    seen: dict[int, int] = {}
    queue: list[tuple[Any, int]] = [(tensor.grad_fn, root)]
    error = None
    while queue:
        fn, parent = queue.pop(0)
        if id(fn) in seen:
            edges.append((parent, seen[id(fn)]))
            continue
        if len(nodes) >= MAX_NODES:
            error = f"the graph has more than {MAX_NODES} nodes; only the first are shown"
            break
        if type(fn).__name__ == "AccumulateGrad":
            var = fn.variable
            node = add(names.get(id(var), "leaf"), "leaf", var, var.grad)
        else:
            node = add(type(fn).__name__, "op", _saved(fn))
        seen[id(fn)] = node
        edges.append((parent, node))
        queue.extend((child, node) for child, _ in fn.next_functions if child is not None)
    return {"nodes": nodes, "edges": edges, "root": root, "error": error}
