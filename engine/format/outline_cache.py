"""What the outline reads of a course folder's files, kept on disk between runs.

The outline (:mod:`engine.format.outline`) needs PyYAML (about 10 ms to import) and a parse of
every lesson file of the course (about 8 ms for the bundled one) before the first frame. Most
starts open files that did not change since the last one, so the few values the outline reads
of each file (a lesson's id, title, language and blocks, its prose in full and of any other
block only the kind; a course's id, title, language, description and sections) are written to
one JSON file per course folder, and read back, without YAML, while each file's size and
modification time are the ones recorded and the folder holds the same files. A changed file is
read again. What is read from here is a preview only: the validated load always reads the files
themselves, and the front ends redraw what the preview got wrong, so a stale entry can only ever
show for the moment before that load.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

VERSION = 1
"""Bumped when what is kept of a file changes: older caches are then ignored."""


def _stamp(file: Path) -> list[int]:
    status = file.stat()
    return [status.st_size, status.st_mtime_ns]


class FolderCache:
    """The kept values of one course folder's files (``read`` what is current, ``keep`` what was
    read, ``save`` at the end); a cache that cannot be read or written is simply not used."""

    def __init__(self, cache_dir: Path, folder: Path) -> None:
        key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:24]
        self.file = cache_dir / f"outline-{key}.json"
        self.entries: dict[str, Any] = {}
        self.changed = False
        with contextlib.suppress(OSError, ValueError):
            saved = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(saved, dict) and saved.get("version") == VERSION:
                entries = saved.get("files")
                if isinstance(entries, dict):
                    self.entries = entries
        self.seen: set[str] = set()

    def data(self, file: Path, read: Callable[[Path], Any]) -> Any:
        """The kept values of ``file`` if it did not change, else ``read(file)`` (kept)."""
        stamp = _stamp(file)
        name = file.name
        self.seen.add(name)
        entry = self.entries.get(name)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            return entry.get("data")
        data = read(file)
        self.entries[name] = {"stamp": stamp, "data": data}
        self.changed = True
        return data

    def save(self) -> None:
        """Write the entries back if any changed (files gone from the folder are dropped)."""
        gone = set(self.entries) - self.seen
        if not (self.changed or gone):
            return
        for name in gone:
            del self.entries[name]
        with contextlib.suppress(OSError, TypeError, ValueError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
            partial.write_text(
                json.dumps({"version": VERSION, "files": self.entries}), encoding="utf-8"
            )
            partial.replace(self.file)  # another process reads the old file or the new one
