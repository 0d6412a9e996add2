"""Where the course shipped with lectio is: the one place every front end asks.

``lectio`` with no path opens :func:`bundled_course`; ``lectio progress`` lists the courses in
:func:`bundled_lessons`. Nothing else looks for the course by itself, so how it is found (beside
the package in a source checkout, else ``./lessons``) can change here alone.
"""

from __future__ import annotations

from pathlib import Path

import engine
from engine.format.files import course_file

BUNDLED_COURSE = "pytorch-essentials"
"""The folder name of the default course inside the bundled ``lessons/``."""


def _lesson_roots() -> tuple[Path, ...]:
    """Where a ``lessons/`` folder is looked for, in order: beside the package, then here."""
    return (Path(engine.__file__).resolve().parent.parent / "lessons", Path.cwd() / "lessons")


def bundled_lessons() -> Path | None:
    """The ``lessons/`` folder holding the bundled courses, if there is one."""
    return next((root for root in _lesson_roots() if root.is_dir()), None)


def bundled_course() -> Path | None:
    """The default course's folder (what a bare ``lectio`` opens), if it is found."""
    for root in _lesson_roots():
        candidate = root / BUNDLED_COURSE
        if course_file(candidate) is not None:
            return candidate
    return None
