"""Models and positions: what a valid file means, and where each node came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.format.catalog import (
    Catalog,
    RefError,
    default_lessons_root,
    find_question,
    load_course_dir,
    resolve_quiz,
)
from engine.format.loader import guess_kind, load, load_course_file, load_lesson, load_quiz, parse
from engine.format.models import (
    CodeBlock,
    GraphBlock,
    Lesson,
    NoteBlock,
    QuestionBlock,
    TextBlock,
)
from engine.format.problems import LoadError

VALID = Path(__file__).parent / "data" / "valid"
PROJECT = VALID / "project"
EVERY = PROJECT / "lessons" / "demo" / "every-key.yaml"


def test_every_key_lesson_means_what_the_contract_says() -> None:
    lesson = load_lesson(EVERY)
    assert lesson.id == "every-key" and lesson.language == "pt-BR"
    assert lesson.requires == ["torch", "torch.nn"] and lesson.timeout == 20
    kinds = [type(b) for b in lesson.blocks]
    assert kinds[:4] == [TextBlock, NoteBlock, NoteBlock, CodeBlock]
    note, plain = lesson.blocks[1], lesson.blocks[2]
    assert isinstance(note, NoteBlock) and note.kind == "definition" and note.title == "Definition"
    assert isinstance(plain, NoteBlock) and plain.kind == "info" and plain.title is None
    cells = lesson.code_cells
    assert cells[0].id == "make-x" and cells[0].timeout == 10 and not cells[0].hidden
    modes = [(c.expect.mode, c.expect.value) if c.expect else None for c in cells]
    assert modes == [
        ("stdout", "tensor(2., requires_grad=True)\n"),
        ("contains", "4."),
        ("matches", r"loss \d+\.\d+"),
        ("raises", "ZeroDivisionError"),
        ("stdout", "3"),
        ("stdout", "42"),
        None,
    ]
    assert cells[-1].hidden
    assert lesson.cell_timeout(cells[0]) == 10 and lesson.cell_timeout(cells[1]) == 20
    graph = next(b for b in lesson.blocks if isinstance(b, GraphBlock))
    assert graph.graph == "y" and graph.title == "The graph of y = x * x"
    one, many = lesson.questions
    assert one.hints == ["Look for an attribute, not a method."] and one.shuffle
    assert one.verify == "assert x.grad is not None\n"
    assert one.correct_indexes == frozenset({0})
    assert many.multiple and not many.shuffle and len(many.hints) == 2
    assert many.correct_indexes == frozenset({0, 1})
    assert lesson.question("read-grad") is one and lesson.question("nope") is None


def test_spans_point_at_the_yaml() -> None:
    lesson = load_lesson(EVERY)
    text = EVERY.read_text().splitlines()
    for block in lesson.blocks:
        line = text[block.span.line - 1]
        assert line[block.span.col - 3 :].startswith("- "), (block, line)
    cell = lesson.code_cells[0]
    assert text[cell.code_span.line - 1].strip() == "import torch"
    for n, code_line in enumerate(cell.code.splitlines(), start=1):
        assert text[cell.code_span.line + n - 2].strip() == code_line.strip()
    question = lesson.questions[0]
    assert text[question.span_of("id").line - 1].strip() == "id: read-grad"
    choice = question.choices[1]
    assert text[choice.span.line - 1].strip() == '- text: "`x.backward()`"'
    assert lesson.span.file == str(EVERY) and lesson.path == str(EVERY)
    assert text[lesson.key_span("title").line - 1].startswith("title:")


def test_one_line_code_span_is_on_its_key_line() -> None:
    lesson = parse(b"id: a\ntitle: A\nblocks:\n  - code: print(1)\n", "f.yaml")
    assert isinstance(lesson, Lesson)
    cell = lesson.blocks[0]
    assert isinstance(cell, CodeBlock)
    assert (cell.code_span.line, cell.code_span.col) == (4, 11)


def test_models_are_frozen_values() -> None:
    lesson = load_lesson(EVERY)
    with pytest.raises(Exception, match="frozen"):
        lesson.title = "changed"  # type: ignore[misc]


def test_guess_kind() -> None:
    assert guess_kind(Path("x.yaml"), {"blocks": []}) == "lesson"
    assert guess_kind(Path("x.yaml"), {"sections": []}) == "course"
    assert guess_kind(Path("x.yaml"), {"questions": []}) == "quiz"
    assert guess_kind(Path("a/course.yaml")) == "course"
    assert guess_kind(Path("quizzes/x.yaml")) == "quiz"
    assert guess_kind(Path("x.yaml")) == "lesson"


def test_load_as_a_kind() -> None:
    assert load_course_file(PROJECT / "lessons" / "demo" / "course.yaml").id == "demo"
    assert load_quiz(PROJECT / "quizzes" / "review.yaml").pass_mark == 0.5
    with pytest.raises(LoadError, match="missing required key 'blocks'"):
        load(PROJECT / "quizzes" / "review.yaml", "lesson")


def test_missing_file_and_folder_are_problems(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read the file"):
        load(tmp_path / "nope.yaml")
    with pytest.raises(LoadError, match="is a folder, not a file"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("expect", "mode", "value"),
    [
        ('"a"', "stdout", "a"),
        ("7", "stdout", "7"),
        ("{contains: b}", "contains", "b"),
        ("{raises: a.B}", "raises", "a.B"),
        ("{matches: '^x$'}", "matches", "^x$"),
    ],
)
def test_expect_forms(expect: str, mode: str, value: str) -> None:
    lesson = parse(
        f"id: a\ntitle: A\nblocks:\n  - code: x = 1\n    expect: {expect}\n".encode(), "f.yaml"
    )
    assert isinstance(lesson, Lesson)
    cell = lesson.blocks[0]
    assert isinstance(cell, CodeBlock) and cell.expect is not None
    assert (cell.expect.mode, cell.expect.value) == (mode, value)


def test_course_dir_loads_in_order_with_language() -> None:
    loaded = load_course_dir(PROJECT / "lessons" / "demo")
    assert loaded.ok and loaded.course is not None
    assert list(loaded.lessons) == ["every-key", "minimal"]
    assert loaded.lessons["minimal"].language == "en"  # from the course
    assert loaded.lessons["every-key"].language == "pt-BR"  # its own
    assert [lesson.id for lesson in loaded.ordered()] == ["every-key", "minimal"]
    assert loaded.lessons["minimal"].span.file.endswith("minimal.yaml")


def test_course_dir_requires_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_course_dir(tmp_path / "nope")
    loaded = load_course_dir(tmp_path)
    assert loaded.course is None
    assert [p.message for p in loaded.problems] == ["the course folder has no course.yaml"]


def test_find_question_and_resolve_quiz() -> None:
    root = default_lessons_root(PROJECT / "quizzes" / "review.yaml")
    assert root is not None and root.resolve() == (PROJECT / "lessons").resolve()
    lesson, question = find_question(root, "demo/every-key#read-grad")
    assert lesson.id == "every-key" and question.id == "read-grad"
    with pytest.raises(RefError, match="has no question 'reed-grad'; did you mean 'read-grad'"):
        find_question(root, "demo/every-key#reed-grad")
    with pytest.raises(RefError, match="expected course/lesson#question"):
        find_question(root, "nonsense")
    quiz = load_quiz(PROJECT / "quizzes" / "review.yaml")
    items = resolve_quiz(quiz, root)
    assert [i.key for i in items] == [
        "demo/every-key#read-grad",
        "demo/every-key#which-tensors",
        "which-call",
    ]
    assert items[0].lesson is not None and items[0].lesson.id == "every-key"
    assert isinstance(items[2].question, QuestionBlock) and items[2].lesson is None
    assert items[0].span.line == 6 and items[2].span.line == 8


def test_resolve_quiz_reports_every_bad_ref(tmp_path: Path) -> None:
    quiz = parse(
        b"id: q\ntitle: Q\nquestions:\n  - ref: demo/x#y\n  - ref: demo/every-key#z\n", "q.yaml"
    )
    with pytest.raises(LoadError) as info:
        resolve_quiz(quiz, Catalog(PROJECT / "lessons"))  # type: ignore[arg-type]
    assert [p.span.line for p in info.value.problems] == [4, 5]
    with pytest.raises(LoadError, match="validate also takes --lessons DIR"):
        resolve_quiz(quiz, None)  # type: ignore[arg-type]


def test_default_lessons_root_needs_quizzes_folder(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "quizzes").mkdir()
    assert default_lessons_root(tmp_path / "quizzes" / "q.yaml") == tmp_path / "lessons"
    assert default_lessons_root(tmp_path / "q.yaml") == tmp_path / "lessons"
    assert default_lessons_root(tmp_path / "other" / "q.yaml") is None
