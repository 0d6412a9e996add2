"""The wheel ships the course (issue 9): ``python -m build`` makes the sdist and, from it, the
wheel; the wheel is installed into a fresh venv, and ``lectio`` run from a folder that is not the
checkout opens the bundled course, its Portuguese edition and a quiz (plain mode).

The fresh venv downloads nothing: the wheel goes in with ``--no-deps --no-index``, and a ``.pth``
file written after the install lets it see the dependencies (torch, Textual, ...) of the venv
running these tests, after its own site-packages, so ``engine`` is the wheel's copy. Building
needs the index for the isolated build environment (setuptools), as ``pip install .`` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HANG = 600  # seconds: only so that a hung build or command fails instead of blocking the run


def _run(
    args: list[str | Path],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
        cwd=cwd,
        env=env,
        input=input,
    )


def _files(*folders: str) -> set[str]:
    """The files under these folders of the repository, relative to it (caches left out)."""
    found = {p.relative_to(ROOT) for folder in folders for p in (ROOT / folder).rglob("*")}
    return {
        p.as_posix()
        for p in found
        if (ROOT / p).is_file()
        and not any(part.startswith((".", "__pycache__")) for part in p.parts)
    }


def _course_files() -> set[str]:
    return _files("lessons", "quizzes")


@dataclass
class Dist:
    sdist: Path
    wheel: Path


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """Built from a copy of the tree without build leftovers: a stale ``lectio.egg-info`` (left
    by an editable install) lists files setuptools would then put in the sdist and the wheel
    whatever ``pyproject.toml`` and ``MANIFEST.in`` say, hiding a missing pattern."""
    tree = tmp_path_factory.mktemp("tree") / "lectio"
    leftovers = ("*.egg-info", ".git", ".venv", "build", "dist", "__pycache__", ".*_cache")
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(*leftovers), symlinks=True)
    out = tmp_path_factory.mktemp("dist")
    built = _run([sys.executable, "-m", "build", "--outdir", out, tree])
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return Dist(sdist, wheel)


@pytest.fixture(scope="module")
def venv(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its ``bin`` folder."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", home])
    assert made.returncode == 0, made.stderr
    python = home / "bin" / "python"
    pip: list[str | Path] = [sys.executable, "-m", "pip", "--python", python, "install"]
    installed = _run(
        [*pip, "--no-deps", "--no-index", "--no-cache-dir", dist.wheel],
        env=_env(home),  # no PYTHONPATH: a checkout on it would look like lectio installed
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (home / "bin" / "lectio").is_file(), installed.stdout
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(purelib.stdout.strip()) / "lectio-test-deps.pth").write_text(
        "".join(f"{path}\n" for path in sorted(ours)), encoding="utf-8"
    )
    return home / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder that is not the checkout, holding a decoy ``lessons/pytorch-essentials``: the
    bundled course must win over whatever the current folder holds."""
    decoy = tmp_path / "elsewhere" / "lessons" / "pytorch-essentials"
    decoy.mkdir(parents=True)
    (decoy / "course.yaml").write_text(
        "id: pytorch-essentials\ntitle: A decoy in the current folder\n"
        "sections:\n  - title: Decoy\n    lessons: [decoy]\n",
        encoding="utf-8",
    )
    return tmp_path / "elsewhere"


def _env(tmp_path: Path) -> dict[str, str]:
    left_out = {"PYTHONPATH", "PYTHONHOME", "LANGUAGE", "LC_ALL", "LC_MESSAGES"}
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    env.update(LECTIO_DATA_DIR=str(tmp_path / "data"), LECTIO_LEARNER="wheel-test")
    env["LANG"] = "C.UTF-8"  # a bare lectio opens the course in the system's language
    env.pop("LECTIO_PLAIN", None)
    return env


def test_the_sdist_carries_the_course_and_what_its_tests_need(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    needed = {"LICENSE", "README.md", "constraints.txt", "setup.py", "pyproject.toml"}
    # engine/ whole: tests/test_i18n_catalogs.py reads the .po, tools/ compiles it
    needed |= {".ci/run"} | _files("engine", "tests", "docs", "benchmarks", "tools")
    needed |= {"engine/locale/pt/LC_MESSAGES/lectio.po"} | _course_files()
    assert needed <= names, sorted(needed - names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith("engine/_bundled")]  # copied at wheel build


def test_the_wheel_carries_the_course_and_its_metadata(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as whl:
        names = set(whl.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = whl.read(metadata).decode()
    assert {f"engine/_bundled/{name}" for name in _course_files()} <= names
    # Package data: every file of the package but Python and translation sources (.mo, .tcss,
    # py.typed); a pattern missing from pyproject.toml's package-data shows here.
    data = {n for n in _files("engine") if not n.endswith((".py", ".po"))}
    assert {
        "engine/py.typed",
        "engine/tui/lectio.tcss",
        "engine/locale/pt/LC_MESSAGES/lectio.mo",
    } <= data
    assert data <= names, sorted(data - names)
    assert not [n for n in names if n.startswith(("lessons/", "quizzes/", "tests/"))]
    assert "License-Expression: MIT" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    for classifier in (
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Operating System :: POSIX :: Linux",
        "Typing :: Typed",
    ):
        assert f"Classifier: {classifier}\n" in meta


def test_the_installed_engine_is_the_wheels(venv: Path, tmp_path: Path) -> None:
    shown = _run(
        [venv / "python", "-c", "import engine; print(engine.__file__)"],
        cwd=tmp_path,
        env=_env(tmp_path),
    )
    assert shown.returncode == 0, shown.stderr
    assert Path(shown.stdout.strip()).is_relative_to(venv.parent)


@pytest.mark.parametrize(
    ("args", "shows"),
    [
        (["--plain"], ["Course: PyTorch Essentials", "Chapter: Creating tensors"]),
        (["pytorch-essentials-pt", "--plain"], ["Curso: Fundamentos de PyTorch"]),
        (["open", "final-exam", "--plain"], ["Quiz: PyTorch Essentials: final exam"]),
        (["quizzes/tensors-review.yaml", "--plain"], ["Quiz: Review: Tensors", "Question 1"]),
    ],
    ids=["course", "pt-edition", "quiz-by-name", "quiz-by-path"],
)
def test_lectio_opens_the_bundled_course_from_any_folder(
    venv: Path, elsewhere: Path, tmp_path: Path, args: list[str], shows: list[str]
) -> None:
    opened = _run([venv / "lectio", *args], input="q\n", cwd=elsewhere, env=_env(tmp_path))
    assert opened.returncode == 0, opened.stdout[-2000:] + opened.stderr[-2000:]
    for text in shows:
        assert text in opened.stdout, opened.stdout[:2000]
    assert "decoy" not in opened.stdout.lower()
    assert "Traceback" not in opened.stderr  # (the course shows a cell's traceback on purpose)
