"""What a path given to ``lectio open`` means (shared by the plain mode and the TUI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.format.problems import LoadError
from engine.session.targets import CourseTarget, LessonTarget, QuizTarget, open_target

ROOT = Path(__file__).parent / "data" / "session" / "root"
DEMO = ROOT / "lessons" / "demo"


def test_course_by_folder_or_course_file() -> None:
    for path in (DEMO, DEMO / "course.yaml", ROOT / "lessons"):
        target = open_target(path)
        assert isinstance(target, CourseTarget) and target.course.id == "demo"
        assert list(target.loaded.lessons) == ["alpha", "beta", "gamma"]


def test_lesson_in_a_course_keeps_its_course(tmp_path: Path) -> None:
    target = open_target(DEMO / "beta.yaml")
    assert isinstance(target, LessonTarget) and target.course is not None
    assert target.course.id == "demo"
    alone = tmp_path / "beta.yaml"
    shutil.copy(DEMO / "beta.yaml", alone)
    target = open_target(alone)
    assert isinstance(target, LessonTarget) and target.course is None


def test_whole_course_loads_the_folder_around_a_listed_lesson(tmp_path: Path) -> None:
    """For a chapter menu: the lesson comes with its course folder (and is the folder's copy)."""
    target = open_target(DEMO / "beta.yaml", whole_course=True)
    assert isinstance(target, LessonTarget) and target.loaded is not None
    assert list(target.loaded.lessons) == ["alpha", "beta", "gamma"]
    assert target.lesson is target.loaded.lessons["beta"]
    assert open_target(DEMO / "beta.yaml").loaded is None  # type: ignore[union-attr]
    alone = tmp_path / "beta.yaml"
    shutil.copy(DEMO / "beta.yaml", alone)
    target = open_target(alone, whole_course=True)
    assert isinstance(target, LessonTarget) and target.loaded is None


def test_no_path_is_the_bundled_course(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.session import bundled

    target = open_target(None)
    assert isinstance(target, CourseTarget) and target.loaded.course_path is not None
    assert Path(target.loaded.course_path).parent == bundled.bundled_course()
    assert Path(target.loaded.course_path).parent.name == bundled.BUNDLED_COURSE
    monkeypatch.setattr(bundled, "BUNDLED_COURSE", "no-such-course")
    with pytest.raises(LoadError, match="the bundled course 'no-such-course' was not found"):
        open_target(None)


def test_quiz_refs_are_resolved() -> None:
    target = open_target(ROOT / "quizzes" / "all.yaml")
    assert isinstance(target, QuizTarget)
    assert [i.key for i in target.items] == ["demo/alpha#vowels", "one-prime"]


def test_unlisted_lesson_is_a_warning_and_a_broken_listed_one_is_unavailable(
    tmp_path: Path,
) -> None:
    """One broken chapter does not lock the learner out of the course: it is left out, with
    its located problems; a broken course file still stops."""
    course = tmp_path / "demo"
    shutil.copytree(DEMO, course)
    (course / "extra.yaml").write_text("id: extra\ntitle: Extra\nblocks:\n  - text: hi\n")
    target = open_target(course)
    assert isinstance(target, CourseTarget) and target.unavailable == {}
    assert any("not listed" in p.message for p in target.warnings)
    (course / "beta.yaml").write_text("id: beta\ntitle: Beta\nblocks: []\n")
    target = open_target(course)
    assert isinstance(target, CourseTarget)
    assert list(target.unavailable) == ["beta"]
    (problem, *_) = target.unavailable["beta"]
    assert problem.span.file.endswith("beta.yaml") and problem.span.line == 3
    assert not any(p.span.file.endswith("beta.yaml") for p in target.warnings)
    assert set(target.loaded.lessons) == {"alpha", "gamma", "extra"}
    (course / "gamma.yaml").write_text("id: gamma\ntitle: [unclosed\n")  # YAML error
    target = open_target(course)
    assert isinstance(target, CourseTarget) and set(target.unavailable) == {"beta", "gamma"}
    (course / "course.yaml").write_text("id: demo\n")
    with pytest.raises(LoadError) as info:
        open_target(course)
    assert any(p.span.file.endswith("course.yaml") for p in info.value.problems)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nowhere.yaml", "no such file or folder"),
        ("alpah.yaml", "did you mean alpha.yaml?"),
    ],
)
def test_missing_paths_are_located(name: str, message: str) -> None:
    with pytest.raises(LoadError) as info:
        open_target(DEMO / name)
    (problem,) = info.value.problems
    assert problem.span.file == str(DEMO / name) and (problem.span.line, problem.span.col) == (1, 1)
    assert message in problem.message


def test_folders_without_a_single_course(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"no course\.yaml here"):
        open_target(tmp_path)
    shutil.copytree(DEMO, tmp_path / "one")
    shutil.copytree(DEMO, tmp_path / "two")
    with pytest.raises(LoadError, match="holds several courses"):
        open_target(tmp_path)
