"""Where the course shipped with lectio is: the one place every front end asks.

``lectio`` with no path opens :func:`bundled_course` (in the learner's language where the bundle
has that edition); ``lectio progress`` lists the courses in
:func:`bundled_lessons`; ``lectio open NAME`` with a NAME that is not a path here asks
:func:`bundled_path`. Nothing else looks for the course by itself.

The repository keeps the course at its top level (``lessons/``, ``quizzes/``). A wheel carries a
copy of both inside the package, ``engine/_bundled/`` (the build step in ``setup.py``), found with
:mod:`importlib.resources`; a source checkout (an editable install, or ``PYTHONPATH``) has no
such folder, and the checkout's own folders beside the ``engine`` package are used, read in
place. The current folder is never searched: ``lectio`` opens the same course wherever it is
started. A zipped install (the package not on the file system) finds no course.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path, PurePath

import engine
from engine.format.files import course_file

BUNDLED_COURSE = "pytorch-essentials"
"""The folder name of the default course inside the bundled ``lessons/``."""
PACKAGED_FOLDER = "_bundled"
"""The folder of the package the wheel build copies ``lessons/`` and ``quizzes/`` into."""


def bundled_root() -> Path | None:
    """The folder holding the bundled ``lessons/`` and ``quizzes/``: the installed package's
    ``engine/_bundled``, else the source checkout the package runs from; None when neither
    holds the default course."""
    packaged = resources.files(engine) / PACKAGED_FOLDER
    checkout = Path(engine.__file__).resolve().parent.parent
    for root in (packaged, checkout):
        if isinstance(root, Path) and course_file(root / "lessons" / BUNDLED_COURSE) is not None:
            return root
    return None


def bundled_lessons() -> Path | None:
    """The ``lessons/`` folder holding the bundled courses, if there is one."""
    root = bundled_root()
    return root / "lessons" if root is not None else None


def bundled_course(lang: str | None = None) -> Path | None:
    """The default course's folder (what a bare ``lectio`` opens), if it is found: its edition
    in ``lang`` (``pytorch-essentials-pt`` for "pt" or "pt-BR") where the bundle holds one,
    else the English one."""
    root = bundled_root()
    if root is None:
        return None
    code = lang.replace("_", "-").split("-", 1)[0].lower() if lang else ""
    if code and code != "en":
        edition = root / "lessons" / f"{BUNDLED_COURSE}-{code}"
        if course_file(edition) is not None:
            return edition
    return root / "lessons" / BUNDLED_COURSE


def bundled_path(name: str) -> Path | None:
    """What ``name`` names among the bundled files, for a ``lectio open NAME`` whose NAME is not
    a path here: a path inside the bundle (``quizzes/final-exam.yaml``, ``lessons/pytorch-
    essentials``), a course or lesson inside ``lessons/`` (``pytorch-essentials-pt``,
    ``pytorch-essentials/gradients.yaml``), or a quiz with or without ``.yaml`` (``final-exam``).
    None when nothing matches, or ``name`` is absolute or climbs out with ``..``."""
    relative = PurePath(name)
    root = bundled_root()
    if root is None or not name or relative.is_absolute() or ".." in relative.parts:
        return None
    candidates = (
        root / relative,
        root / "lessons" / relative,
        root / "quizzes" / relative,
        root / "quizzes" / f"{name}.yaml",
    )
    return next((c for c in candidates if c.exists()), None)
