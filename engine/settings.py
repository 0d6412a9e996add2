"""Where lectio keeps a learner's data, and who the learner is.

Resolution order, most specific first, so a script or a test can always isolate itself:

* data folder: ``--data-dir`` > ``LECTIO_DATA_DIR`` > the platform's user data folder
  (``platformdirs.user_data_dir("lectio")``: ``~/.local/share/lectio`` on Linux,
  ``~/Library/Application Support/lectio`` on macOS, ``%LOCALAPPDATA%\\lectio`` on Windows);
* cells' cache folder: ``LECTIO_CACHE`` > ``cells`` in the platform's user cache folder;
* learner name: ``--learner`` > ``LECTIO_LEARNER`` > the operating system's user name > ``default``.

The learner name matters beyond display: it seeds the per-learner shuffle of choices, so it
must be stable between runs, which the OS user name is.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DATA_DIR_ENV = "LECTIO_DATA_DIR"
CACHE_ENV = "LECTIO_CACHE"
LEARNER_ENV = "LECTIO_LEARNER"
DB_NAME = "lectio.db"


def data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the learner's database (not created here)."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs  # lazily: only commands that touch the store need it

    return Path(platformdirs.user_data_dir("lectio", appauthor=False))


def outline_cache_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Where what the course outlines read of lesson files is kept between runs
    (:mod:`engine.format.outline_cache`): ``cache`` in the data folder, beside the database it
    previews, so a test or a script that isolates its data folder isolates this too. Not
    created here."""
    return data_dir(cli_value) / "cache"


def cell_cache_dir() -> Path:
    """The folder that lesson cells share from run to run (``LECTIO_CACHE`` in a cell, and
    ``TORCH_HOME`` below it), so a dataset or weights are downloaded once per machine:
    ``LECTIO_CACHE`` if set, else ``cells`` in the platform's user cache folder
    (``~/.cache/lectio/cells`` on Linux). Not created here."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("lectio", appauthor=False)) / "cells"


def figures_folder(course: str, lesson: str) -> Path:
    """Where plain mode saves the pictures of a lesson's cells (each run overwrites them):
    ``figures/<course>/<lesson>`` in the cells' cache folder. Not created here."""
    safe = [part.replace("/", "_").replace("\\", "_") or "_" for part in (course, lesson)]
    return cell_cache_dir() / "figures" / safe[0] / safe[1]


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file inside :func:`data_dir`."""
    return data_dir(cli_value) / DB_NAME


def learner_name(cli_value: str | None = None) -> str:
    """Who is studying; stable across runs so shuffles and resumes stay put."""
    if cli_value and cli_value.strip():
        return cli_value.strip()
    env = os.environ.get(LEARNER_ENV, "").strip()
    if env:
        return env
    try:
        user = getpass.getuser().strip()
    except (OSError, KeyError, ImportError):  # no user database entry (containers) or no pwd module
        user = ""
    return user or "default"
