"""Which files ``lectio validate PATH...`` checks, and as what.

- a course folder (it holds ``course.yaml``): the course file and every lesson file beside it,
  checked together (lesson ids listed, unique, every lesson listed);
- a ``course.yaml`` file: its whole folder, as above;
- a project root (it holds ``lessons/`` and/or ``quizzes/``): those two folders only, so other
  YAML in a repository (CI configuration...) is left alone;
- any other folder: searched recursively (hidden folders, ``__pycache__``, ``node_modules`` and
  virtual environments skipped) for course folders and YAML files;
- any other YAML file: checked alone; whether it is a lesson, course or quiz is read from its
  keys (``blocks``, ``sections``, ``questions``), else from its place (``quizzes/``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.format.catalog import COURSE_FILES, course_file, is_yaml_file

SKIP_DIRS = frozenset({"__pycache__", "node_modules", "venv", "site-packages"})


@dataclass
class Targets:
    """What to check, in a stable order, each file once."""

    courses: list[Path] = field(default_factory=list)
    """Course folders."""
    files: list[Path] = field(default_factory=list)
    """Lesson, quiz (or stray course) files checked on their own."""
    missing: list[str] = field(default_factory=list)
    """Paths given that do not exist."""
    _seen: set[Path] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.courses and not self.files

    def _add_course(self, folder: Path) -> None:
        key = folder.resolve()
        if key not in self._seen:
            self._seen.add(key)
            self.courses.append(folder)

    def _add_file(self, file: Path) -> None:
        key = file.resolve()
        if key not in self._seen:
            self._seen.add(key)
            self.files.append(file)


def _skipped(folder: Path) -> bool:
    name = folder.name
    return name.startswith(".") or name in SKIP_DIRS or (folder / "pyvenv.cfg").exists()


def _walk(folder: Path, targets: Targets) -> None:
    if course_file(folder) is not None:
        targets._add_course(folder)
        return
    roots = [folder / name for name in ("lessons", "quizzes") if (folder / name).is_dir()]
    if roots:
        for root in roots:
            _walk(root, targets)
        return
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            if not _skipped(entry):
                _walk(entry, targets)
        elif entry.is_file() and is_yaml_file(entry):
            targets._add_file(entry)


def discover(paths: Iterable[str | Path]) -> Targets:
    """Expand command-line paths into :class:`Targets`; see the module docstring."""
    targets = Targets()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, targets)
        elif path.is_file() or path.exists():  # a pipe or a device: the loader says what it is
            if path.name in COURSE_FILES and path.is_file():
                targets._add_course(path.parent)
            else:
                targets._add_file(path)
        else:
            targets.missing.append(str(raw))
    # A file given on its own inside a course folder that is also checked whole: drop it.
    course_keys = {c.resolve() for c in targets.courses}
    targets.files = [f for f in targets.files if f.resolve().parent not in course_keys]
    return targets
