"""A course's ``data/`` folder, seen by its cells as ``data/`` in their working folder, read-only.

Cells run in a scratch folder of their own (:mod:`engine.execution.scratch`). A course may ship
files its cells read (``lessons/<course>/data/``); the kernel links ``data`` in the scratch
folder to a **read-only copy** of that folder, so a cell can open ``data/points.csv`` and
cannot change the course by writing there. The copy is made once per version of the folder
(its files' names, sizes and modification times) under the cells' cache
(:func:`engine.settings.cell_cache_dir`), with files mode 0444 and folders 0555, then reused by
every kernel and every run: a symbolic link to the course's own folder would let a cell write
into the course, and copying into every scratch folder would cost a copy per kernel.

Runs in lectio's process (it reads the course, never runs code).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from engine.format.files import course_root
from engine.settings import cell_cache_dir

DATA_FOLDER = "data"


def course_data(lesson_file: str | Path) -> Path | None:
    """The ``data/`` folder of a lesson's course, if it has one."""
    path = Path(lesson_file)
    if not path.is_file():
        return None
    folder = course_root(path) / DATA_FOLDER
    return folder if folder.is_dir() else None


def _version(folder: Path) -> str:
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            info = path.stat()
            digest.update(
                f"{path.relative_to(folder)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()[:16]


def readonly_copy(folder: Path) -> Path:
    """A read-only copy of ``folder`` in the cells' cache, made once per version of it."""
    base = cell_cache_dir() / "course-data"
    target = base / f"{folder.resolve().parent.name}-{_version(folder)}"
    if target.is_dir():
        return target
    base.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
    try:
        copy = building / "data"
        shutil.copytree(folder, copy, symlinks=False)
        for root, dirs, files in os.walk(copy, topdown=False):
            for name in files:
                Path(root, name).chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            for name in dirs:
                Path(root, name).chmod(0o555)
        # Renaming a folder into another one writes its ``..``: a folder already 0555 can be
        # moved only by root. Made read-only once in place (a moment another lectio may reuse).
        try:
            copy.rename(target)
        except OSError:  # another lectio made it meanwhile
            _remove(copy)
        else:
            target.chmod(0o555)
    finally:
        _remove(building)
    return target


def _remove(path: Path) -> None:
    """Remove a tree of read-only files (their folders must be writable again first)."""
    if not path.exists():
        return
    for root, dirs, _files in os.walk(path):
        for name in dirs:
            with contextlib.suppress(OSError):
                Path(root, name).chmod(0o755)
    with contextlib.suppress(OSError):
        path.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def link_data(scratch: str | Path, folder: Path | None) -> None:
    """``scratch/data`` pointing at ``folder`` (nothing when there is no folder)."""
    if folder is None:
        return
    link = Path(scratch) / DATA_FOLDER
    with contextlib.suppress(FileExistsError):
        link.symlink_to(folder, target_is_directory=True)
