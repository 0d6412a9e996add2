"""Options and helpers shared by the commands that use the learner's store."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR",
                        help="where progress is kept (default: $LECTIO_DATA_DIR, else the "
                        "platform's user data folder)")
    parser.add_argument("--learner", metavar="NAME",
                        help="learner name (default: $LECTIO_LEARNER, else your user name)")


BUNDLED_COURSE = "pytorch-essentials"


def bundled_lessons() -> Path | None:
    """The ``lessons/`` folder shipped beside the engine (a source checkout), else ``./lessons``."""
    for candidate in (Path(__file__).resolve().parents[2] / "lessons", Path.cwd() / "lessons"):
        if candidate.is_dir():
            return candidate
    return None


def default_target() -> str | None:
    """What ``lectio open`` opens without a path: the bundled course (as the TUI does)."""
    root = bundled_lessons()
    if root is None:
        return None
    if (root / BUNDLED_COURSE / "course.yaml").is_file():
        return str(root / BUNDLED_COURSE)
    courses = sorted(p for p in root.iterdir() if (p / "course.yaml").is_file())
    return str(courses[0]) if courses else None
