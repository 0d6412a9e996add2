"""The autograd graph's operations show what they saved (issue 11): the three MulBackward0 of
5x³ + 2x² + 4x read apart, and still after ``y.backward()`` freed their buffers."""

from __future__ import annotations

import pytest

from engine.execution.graph import extract

torch = pytest.importorskip("torch")


def test_operations_show_their_constants_and_exponents_before_and_after_backward() -> None:
    x = torch.tensor(2.0, requires_grad=True)
    y = 5 * x**3 + 2 * x**2 + 4 * x
    namespace = {"x": x, "y": y}

    def ops() -> list[tuple[str, str | None]]:
        nodes = extract(namespace, "y")["nodes"]
        return sorted((n["label"], n["value"]) for n in nodes if n["kind"] == "op")

    before = ops()
    assert ("MulBackward0", "other=2") in before and ("MulBackward0", "other=5") in before
    assert ("MulBackward0", "other=4") in before
    assert ("PowBackward0", "exponent=3, self=2") in before
    assert ("AddBackward0", None) in before  # alpha=1 says nothing
    y.backward()
    assert ops() == before  # the buffers are freed, what they held is still shown
    (leaf,) = [n for n in extract(namespace, "y")["nodes"] if n["kind"] == "leaf"]
    assert leaf["grad"] == "tensor(72.)"
