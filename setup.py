"""The one build step lectio adds to setuptools: the bundled course goes into the wheel.

The repository keeps the course at its top level (``lessons/`` and ``quizzes/``: the layout that
``lectio validate lessons/ quizzes/``, the tests and authors use). A wheel has no top level, so
building one copies both folders into the package, as ``engine/_bundled/lessons/`` and
``engine/_bundled/quizzes/``, where :mod:`engine.bundled` finds them with ``importlib.resources``.

An editable install (``pip install -e .``) copies nothing: the code then finds the course in the
checkout, beside the ``engine`` folder, so an edited lesson is seen at once. Everything else
about the build is declared in ``pyproject.toml``.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED_FOLDERS = ("lessons", "quizzes")
"""Top-level folders of the repository that ship inside the package."""
BUNDLED_PACKAGE_DIR = Path("engine", "_bundled")
"""Where they go, relative to the package root of the wheel."""


class BuildPyWithCourse(build_py):
    """``build_py`` plus a copy of the bundled course into ``engine/_bundled/``."""

    def _course_files(self) -> list[tuple[Path, Path]]:
        """(source, destination) of every course file; hidden files and caches stay behind."""
        pairs = []
        for folder in BUNDLED_FOLDERS:
            for source in sorted(Path(folder).rglob("*")):
                skipped = any(p.startswith(".") or p == "__pycache__" for p in source.parts)
                if source.is_file() and not skipped:
                    pairs.append((source, Path(self.build_lib, BUNDLED_PACKAGE_DIR, source)))
        return pairs

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the checkout's own lessons/ and quizzes/ are read in place
            return
        for source, destination in self._course_files():
            self.mkpath(str(destination.parent))
            self.copy_file(str(source), str(destination))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += [str(destination) for _, destination in self._course_files()]
        return outputs


setup(cmdclass={"build_py": BuildPyWithCourse})
