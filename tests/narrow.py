"""Typed narrowing for tests: a value that is not what the test expects fails as an assertion.

The loaders return unions (a file may hold a lesson, a course or a quiz; a block may be text, code
or a question) and several lookups return ``None`` when nothing is found. A test that knows which
one it has says so with these helpers: mypy then checks the attributes it reads, and a wrong guess
is a failing assertion with a readable message instead of an ``AttributeError`` or an ignore.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def of_type(value: object, kind: type[T]) -> T:
    """``value`` itself, asserted to be a ``kind``."""
    assert isinstance(value, kind), f"expected {kind.__name__}, got {type(value).__name__}"
    return value


def present(value: T | None) -> T:
    """``value`` itself, asserted not to be ``None``."""
    assert value is not None, "expected a value, got None"
    return value
