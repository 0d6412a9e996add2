"""What an import could not carry over, with where it was in the source."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportNote:
    """One thing the importer changed, dropped or could not map, for the author to review."""

    cell: int | None
    """1-based cell number in the source (None: about the whole source)."""
    message: str
    line: int | None = None
    """1-based line in the source file, when the source is a text file (.py, .md)."""

    def located(self, source: str) -> str:
        where = f"{source}:{self.line}:1" if self.line is not None else source
        cell = f"cell {self.cell}: " if self.cell is not None else ""
        message = " ".join(self.message.split())  # one line: it is also a YAML comment
        return f"{where}: {cell}{message}"


@dataclass
class Notes:
    items: list[ImportNote] = field(default_factory=list)

    def add(self, cell: int | None, message: str, line: int | None = None) -> None:
        self.items.append(ImportNote(cell, message, line))
