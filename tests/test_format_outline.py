"""The fast course outline agrees with the validated load, and gives up rather than guess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.format.catalog import load_course_dir
from engine.format.outline import read_outline

ROOT = Path(__file__).resolve().parent.parent
COURSES = sorted(p.parent for p in (ROOT / "lessons").glob("*/course.yaml"))


@pytest.mark.parametrize("folder", COURSES, ids=lambda p: p.name)
def test_outline_matches_the_validated_course(folder: Path) -> None:
    outline = read_outline(folder)
    loaded = load_course_dir(folder)
    assert outline is not None and loaded.course is not None
    course = loaded.course
    assert (outline.id, outline.title, outline.language) == (
        course.id,
        course.title,
        course.language,
    )
    assert outline.lesson_ids == course.lesson_ids
    assert [s.title for s in outline.sections] == [s.title for s in course.sections]
    assert set(outline.lessons) == set(loaded.lessons)
    for lesson_id, lesson in loaded.lessons.items():
        seen = outline.lessons[lesson_id]
        assert (seen.title, seen.language, Path(seen.path)) == (
            lesson.title,
            lesson.language,
            Path(lesson.path),
        )
        assert seen.blocks == tuple(
            type(b).__name__.removesuffix("Block").lower() for b in lesson.blocks
        )


def test_course_yaml_path_names_its_folder() -> None:
    outline = read_outline(COURSES[0] / "course.yaml")
    assert outline is not None and outline.path == COURSES[0]


def _course(tmp_path: Path, course: str, **lessons: str) -> Path:
    (tmp_path / "course.yaml").write_text(course)
    for name, text in lessons.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return tmp_path


GOOD_COURSE = "id: c\ntitle: C\nsections:\n  - title: S\n    lessons: [a, b]\n"
LESSON_A = "id: a\ntitle: A\nblocks:\n  - text: hi\n  - id: x\n    code: print(1)\n"


@pytest.mark.parametrize(
    "course",
    [
        "id: c\ntitle: C\nsections: nope\n",
        "id: c\nsections:\n  - title: S\n    lessons: [a]\n",
        "id: c\ntitle: C\nsections:\n  - title: S\n    lessons: [a, 3]\n",
        "id: c\ntitle: [C\n",
        "- just a list\n",
    ],
    ids=["sections-text", "no-title", "number-id", "bad-yaml", "list"],
)
def test_an_unclear_course_file_gives_no_outline(tmp_path: Path, course: str) -> None:
    assert read_outline(_course(tmp_path, course, a=LESSON_A)) is None


def test_not_a_course_folder(tmp_path: Path) -> None:
    assert read_outline(tmp_path) is None
    assert read_outline(tmp_path / "missing") is None


def test_a_broken_lesson_is_left_out(tmp_path: Path) -> None:
    outline = read_outline(_course(tmp_path, GOOD_COURSE, a=LESSON_A, b="id: b\ntitle: [B\n"))
    assert outline is not None
    assert list(outline.lessons) == ["a"]
    assert outline.lessons["a"].blocks == ("text", "code")
    assert outline.lessons["a"].language == "en"


def test_reading_an_outline_does_not_import_the_models() -> None:
    code = (
        "import sys; from engine.format.outline import read_outline; "
        f"assert read_outline({str(COURSES[0])!r}) is not None; "
        "from engine.session.course import course_progress; "
        "print('pydantic' in sys.modules, 'engine.format.models' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("folder", COURSES, ids=lambda p: p.name)
def test_a_lesson_opening_is_what_the_models_make_of_it(folder: Path) -> None:
    """The prose a lesson's preview draws (issue 15) is the validated blocks' text and kind."""
    from engine.format.models import NoteBlock, TextBlock
    from engine.format.outline import NoteOutline, read_lesson_draft

    loaded = load_course_dir(folder)
    for lesson in loaded.lessons.values():
        draft = read_lesson_draft(Path(lesson.path))
        assert draft is not None
        for start in range(len(lesson.blocks)):
            for offset, prose in enumerate(draft.opening(start, 5)):
                block = lesson.blocks[start + offset]
                if isinstance(prose, NoteOutline):
                    assert isinstance(block, NoteBlock)
                    assert (prose.note, prose.kind, prose.title) == (
                        block.note,
                        block.kind,
                        block.title,
                    )
                else:
                    assert isinstance(block, TextBlock) and prose.text == block.text


def test_a_lesson_opening_stops_at_what_it_cannot_draw_plainly(tmp_path: Path) -> None:
    from engine.format.outline import NoteOutline, TextOutline, read_lesson_draft

    lesson = tmp_path / "l.yaml"
    lesson.write_text(
        "id: l\ntitle: L\nblocks:\n"
        "  - text: one\n"
        "  - note: two\n    kind: tip\n"
        "  - text: three\n"
        "  - text: a picture ![x](images/x.png)\n"
        "  - text: four\n"
        "  - note: five\n    kind: shout\n"
        "  - text: six\n    colour: red\n"
        "  - code: print(7)\n"
    )
    draft = read_lesson_draft(lesson)
    assert draft is not None
    assert draft.opening(0, 5) == (
        TextOutline("one"),
        NoteOutline("two", "tip"),
        TextOutline("three"),
    )
    assert draft.opening(0, 2) == (TextOutline("one"), NoteOutline("two", "tip"))
    assert draft.opening(3, 5) == ()  # a picture: its widget checks the file
    assert draft.opening(4, 5) == (TextOutline("four"),)  # an unknown kind stops it
    assert draft.opening(6, 5) == ()  # so does an unknown key
    assert draft.outline.blocks == ("text", "note", "text", "text", "text", "note", "text", "code")


def _same(a: object, b: object) -> bool:
    return repr(a) == repr(b)


def test_the_outline_kept_between_runs_is_the_outline_read(tmp_path: Path) -> None:
    """What the outline keeps on disk (issue 15: no YAML before the first frame when nothing
    changed) gives the same outline, drafts included, and a changed file is read again."""
    import shutil

    folder = tmp_path / "course"
    shutil.copytree(COURSES[0], folder)
    cache = tmp_path / "cache"
    fresh = read_outline(folder)
    first = read_outline(folder, cache)  # reads the files, keeps what it read
    assert list(cache.glob("outline-*.json"))
    kept = read_outline(folder, cache)  # from the cache
    assert fresh is not None and first is not None and kept is not None
    assert _same(fresh, first) and _same(fresh, kept)
    for lesson_id, draft in fresh.drafts.items():
        assert kept.drafts[lesson_id].opening(0, 5) == draft.opening(0, 5)
    lesson = next(iter(fresh.lessons.values()))
    text = lesson.path.read_text()
    lesson.path.write_text(text.replace(f"title: {lesson.title}", "title: Renamed", 1))
    changed = read_outline(folder, cache)
    assert changed is not None and changed.lessons[lesson.id].title == "Renamed"
    lesson.path.unlink()
    gone = read_outline(folder, cache)
    assert gone is not None and lesson.id not in gone.lessons


def test_an_unusable_outline_cache_is_not_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.write_text("not a folder")  # cannot be created, nor written in
    outline = read_outline(COURSES[0], cache)
    assert outline is not None and _same(outline, read_outline(COURSES[0]))
