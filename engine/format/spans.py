"""Source positions, so every model node and every problem can point back to its YAML line."""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A position in a source file: 1-based line and column, as editors show them."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


Path = tuple[str | int, ...]
"""A path into a YAML document: mapping keys and sequence indexes, from the root."""


class SpanMap:
    """Where each value (and each mapping key) of a YAML document stands in its file.

    Values reached through an alias are not recorded under their own path; a lookup falls
    back to the nearest recorded ancestor, which is the alias itself.
    """

    __slots__ = ("_keys", "_values", "file")

    def __init__(self, file: str) -> None:
        self.file = file
        self._values: dict[Path, tuple[int, int]] = {}
        self._keys: dict[Path, tuple[int, int]] = {}

    def add_value(self, path: Path, line: int, col: int) -> None:
        self._values[path] = (line, col)

    def add_key(self, path: Path, line: int, col: int) -> None:
        self._keys[path] = (line, col)

    def value(self, path: Path) -> Span:
        """The position of the value at ``path``, or of its nearest recorded ancestor."""
        for end in range(len(path), -1, -1):
            pos = self._values.get(path[:end])
            if pos is not None:
                return Span(self.file, *pos)
        return Span(self.file, 1, 1)

    def key(self, path: Path) -> Span:
        """The position of the key that names ``path`` (falls back to its value)."""
        pos = self._keys.get(path)
        if pos is not None:
            return Span(self.file, *pos)
        return self.value(path)

    def has_value(self, path: Path) -> bool:
        return path in self._values
