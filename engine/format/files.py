"""Which files make up a course folder: its ``course.yaml`` and its lesson files.

Kept apart from :mod:`engine.format.catalog` (which loads and validates them with the models) so
that code wanting only the file layout, such as the fast course outline read before the first
screen, does not pay for importing the models.
"""

from __future__ import annotations

from pathlib import Path

COURSE_FILES = ("course.yaml", "course.yml")
"""The name of a course's own file; any other YAML file in a course folder is a lesson."""
YAML_SUFFIXES = (".yaml", ".yml")


def is_yaml_file(path: Path) -> bool:
    return path.suffix.lower() in YAML_SUFFIXES and not path.name.startswith(".")


def course_file(folder: Path) -> Path | None:
    """The ``course.yaml`` (or ``course.yml``) of ``folder``, if it has one."""
    for name in COURSE_FILES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def lesson_files(folder: Path) -> list[Path]:
    """The lesson files of a course folder, sorted by name (not recursive)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and is_yaml_file(p) and p.name not in COURSE_FILES
    )


def course_root(lesson_file: Path) -> Path:
    """The course folder of a lesson file: the nearest folder above it holding a
    ``course.yaml``, else the lesson's own folder (a lesson that stands alone). Its pictures
    must stay inside it; its ``data/`` is what cells see as ``data/``."""
    folder = lesson_file.resolve().parent
    for candidate in (folder, *folder.parents):
        if course_file(candidate) is not None:
            return candidate
    return folder
