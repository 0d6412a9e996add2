"""Where the bundled course is found (:mod:`engine.session.bundled`): in the package
(``engine/_bundled``, a wheel) or else the checkout, never the current folder; and how
``lectio open NAME`` reaches a bundled file from any folder. The wheel itself is built and
installed by ``tests/test_wheel.py``."""

from __future__ import annotations

import sys
import types
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.session import bundled

CHECKOUT = Path(__file__).resolve().parents[1]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder is not the checkout and holds a decoy of the bundled course."""
    decoy = tmp_path / "lessons" / bundled.BUNDLED_COURSE
    decoy.mkdir(parents=True)
    (decoy / "course.yaml").write_text("id: decoy\ntitle: Decoy\nsections: []\n", "utf-8")
    (tmp_path / "quizzes").mkdir()
    monkeypatch.chdir(tmp_path)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):  # the English course
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def fake_tui(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace ``engine.tui.app`` with a recorder of the target (Textual is never started)."""
    targets: list[Path] = []
    module = types.ModuleType("engine.tui.app")

    def run_app(target: Path, **kw: Any) -> int:
        targets.append(target)
        return 0

    module.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "engine.tui.app", module)
    monkeypatch.delenv("LECTIO_PLAIN", raising=False)
    return targets


def test_a_checkout_reads_its_own_folders_and_never_the_current_one(elsewhere: Path) -> None:
    assert bundled.bundled_root() == CHECKOUT  # no engine/_bundled in a checkout
    assert bundled.bundled_course() == CHECKOUT / "lessons" / bundled.BUNDLED_COURSE
    assert bundled.bundled_lessons() == CHECKOUT / "lessons"


def test_the_packaged_copy_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed wheel: ``engine/_bundled`` (found through importlib.resources) wins."""
    package = tmp_path / "engine"
    course = package / bundled.PACKAGED_FOLDER / "lessons" / bundled.BUNDLED_COURSE
    course.mkdir(parents=True)
    (course / "course.yaml").write_text("id: x\ntitle: X\nsections: []\n", "utf-8")
    monkeypatch.setattr(resources, "files", lambda anchor: package)
    assert bundled.bundled_root() == package / bundled.PACKAGED_FOLDER
    assert bundled.bundled_course() == course


def test_no_bundled_course_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundled, "BUNDLED_COURSE", "no-such-course")
    assert bundled.bundled_root() is None
    assert bundled.bundled_course() is None and bundled.bundled_path("final-exam") is None


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("final-exam", "quizzes/final-exam.yaml"),
        ("final-exam.yaml", "quizzes/final-exam.yaml"),
        ("quizzes/final-exam.yaml", "quizzes/final-exam.yaml"),
        ("pytorch-essentials-pt", "lessons/pytorch-essentials-pt"),
        ("lessons/pytorch-essentials", "lessons/pytorch-essentials"),
        ("pytorch-essentials/gradients.yaml", "lessons/pytorch-essentials/gradients.yaml"),
        ("no-such-thing", None),
        ("../pyproject.toml", None),
        ("lessons/../../pyproject.toml", None),
        (str(CHECKOUT / "quizzes" / "final-exam.yaml"), None),  # absolute: taken as given
        ("", None),
    ],
)
def test_bundled_path_names(elsewhere: Path, name: str, found: str | None) -> None:
    assert bundled.bundled_path(name) == (CHECKOUT / found if found else None)


@pytest.mark.parametrize(
    ("environ", "lang", "opened"),
    [
        ({}, None, "lessons/pytorch-essentials"),
        ({"LANG": "C.UTF-8"}, None, "lessons/pytorch-essentials"),
        ({"LANG": "pt_BR.UTF-8"}, None, "lessons/pytorch-essentials-pt"),
        ({"LC_ALL": "pt_PT.UTF-8", "LANG": "en_US.UTF-8"}, None, "lessons/pytorch-essentials-pt"),
        ({"LANGUAGE": "fr:pt", "LANG": "en_US.UTF-8"}, None, "lessons/pytorch-essentials-pt"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "pt_BR.UTF-8"}, None, "lessons/pytorch-essentials"),
        ({"LANG": "de_DE.UTF-8"}, None, "lessons/pytorch-essentials"),  # no German edition
        ({"LANG": "pt_BR.UTF-8"}, "en", "lessons/pytorch-essentials"),  # --lang wins
        ({}, "pt", "lessons/pytorch-essentials-pt"),
        ({}, "pt-BR", "lessons/pytorch-essentials-pt"),
    ],
)
def test_a_bare_lectio_opens_the_edition_in_the_learners_language(
    elsewhere: Path,
    fake_tui: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    environ: dict[str, str],
    lang: str | None,
    opened: str,
) -> None:
    """The course in the language the learner's system speaks (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``, as gettext reads them) or asks with ``--lang``, where the
    bundle holds that edition; else the English course."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    argv = ["--lang", lang] if lang else []
    assert main([*argv, "--data-dir", str(elsewhere / "data")]) == 0
    assert fake_tui == [CHECKOUT / opened]


@pytest.mark.parametrize(
    ("argv", "opened"),
    [
        ([], "lessons/pytorch-essentials"),
        (["final-exam"], "quizzes/final-exam.yaml"),
        (["open", "pytorch-essentials-pt"], "lessons/pytorch-essentials-pt"),
        (["quizzes/tensors-review.yaml"], "quizzes/tensors-review.yaml"),
    ],
)
def test_lectio_opens_bundled_files_from_any_folder(
    elsewhere: Path,
    fake_tui: list[Path],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    opened: str,
) -> None:
    assert main([*argv, "--data-dir", str(elsewhere / "data")]) == 0
    assert fake_tui == [CHECKOUT / opened]
    err = capsys.readouterr().err
    if argv:  # a name that is not a path here: which file is opened instead is said
        assert err == (
            f"lectio: {argv[-1]} is not in this folder; opening lectio's bundled "
            f"{CHECKOUT / opened}\n"
        )
    else:
        assert err == ""


def test_a_path_here_wins_over_the_bundled_one(
    elsewhere: Path, fake_tui: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    quiz = elsewhere / "quizzes" / "final-exam.yaml"
    quiz.write_text("id: mine\ntitle: Mine\nquestions: []\n", "utf-8")
    assert main(["quizzes/final-exam.yaml", "--data-dir", str(elsewhere / "data")]) == 0
    assert fake_tui == [Path("quizzes/final-exam.yaml")]
    assert capsys.readouterr().err == ""


def test_a_name_that_is_nowhere_is_still_a_usage_error(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["final-exma"])
    assert info.value.code == 2 and "invalid choice: 'final-exma'" in capsys.readouterr().err
