"""`lectio new course|lesson`: files that validate, with the editor modeline, listed in the
course by a textual edit that keeps the author's comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.authoring.course_edit import CourseEditError, add_lesson
from engine.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_new_course_and_lessons_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lessons").mkdir()
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "new", "course", "my-course", "--title", "Mine: a course")
    assert status == 0
    assert out.splitlines() == [
        "created lessons/my-course/course.yaml",
        "created lessons/my-course/introduction.yaml",
        "created lessons/lectio.schema.json",
    ]
    course = tmp_path / "lessons" / "my-course" / "course.yaml"
    assert course.read_text().startswith(
        "# yaml-language-server: $schema=../lectio.schema.json\nid: my-course\n"
        'title: "Mine: a course"\n'
    )
    assert '"$schema"' in (tmp_path / "lessons" / "lectio.schema.json").read_text()
    status, out, _ = run(capsys, "new", "lesson", "next-one", "--course", "lessons/my-course")
    assert status == 0 and "listed next-one in lessons/my-course/course.yaml" in out
    assert "    lessons: [introduction, next-one]\n" in course.read_text()
    status, out, _ = run(capsys, "validate", "--no-exec", "lessons")
    assert status == 0, out
    assert out.startswith("3 files, 2 lessons, 2 cells, 2 questions")


def test_a_lesson_in_the_repository_points_at_the_shipped_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "docs" / "schema").mkdir(parents=True)
    (tmp_path / "docs" / "schema" / "lectio.schema.json").write_text("{}")
    course = tmp_path / "lessons" / "c"
    course.mkdir(parents=True)
    status, _, _ = run(capsys, "new", "lesson", "alone", "--course", str(course))
    assert status == 2  # no course.yaml there
    status, out, _ = run(capsys, "new", "course", "c2", "--dir", str(tmp_path / "lessons"))
    assert status == 0 and "lectio.schema.json" not in out  # the shipped one is used
    first = (tmp_path / "lessons" / "c2" / "introduction.yaml").read_text()
    assert first.startswith(
        "# yaml-language-server: $schema=../../docs/schema/lectio.schema.json\n"
    )


COURSE = """\
# The course.  # kept
id: c
title: C
sections:
  - title: One   # first
    lessons:
      - a        # the first lesson
      - 'b'
    # trailing comment of section one

  - title: Two
    lessons: [c, d]  # two of them
"""


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (None, COURSE.replace("[c, d]", "[c, d, new]")),
        ("One", COURSE.replace("      - 'b'\n", "      - 'b'\n      - new\n")),
        ("Three: more", COURSE + '  - title: "Three: more"\n    lessons: [new]\n'),
    ],
)
def test_course_edit_keeps_everything_else(section: str | None, expected: str) -> None:
    assert add_lesson(COURSE, "new", "course.yaml", section) == expected


def test_course_edit_refusals() -> None:
    with pytest.raises(CourseEditError, match="already lists a lesson 'a'"):
        add_lesson(COURSE, "a", "course.yaml")
    with pytest.raises(CourseEditError, match="no sections list"):
        add_lesson("id: c\ntitle: C\n", "x", "course.yaml")
    with pytest.raises(CourseEditError, match="not valid YAML"):
        add_lesson("id: [\n", "x", "course.yaml")


def test_bad_ids_and_taken_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "new", "course", "Bad_Id")
    assert status == 2 and "'Bad_Id' is not a valid course id" in err
    assert run(capsys, "new", "course", "ok")[0] == 0
    status, _, err = run(capsys, "new", "course", "ok")
    assert status == 1 and "ok: already exists" in err
    status, _, err = run(capsys, "new", "lesson", "introduction", "--course", "ok")
    assert status == 1 and "introduction.yaml: already exists" in err
    status, _, err = run(capsys, "new", "lesson", "x", "--course", "nowhere")
    assert status == 2 and "--course nowhere: no such folder" in err
    status, out, _ = run(capsys, "new", "lesson", "loose")  # no course here: a lone lesson
    assert status == 0 and out.splitlines()[0] == f"created {tmp_path / 'loose.yaml'}"
    assert run(capsys, "validate", "--no-exec", "loose.yaml")[0] == 0
    with pytest.raises(SystemExit):
        main(["new"])
    capsys.readouterr()
