"""The bundled course meets what issue 6 promises a learner.

These tests read the real files in ``lessons/`` and ``quizzes/`` through the format loader, so a
chapter that loses its third checked cell, a question without explanations, a quiz ref that points
nowhere, or a gradients chapter that drifts from the original lesson's path fails here. Running the
cells is ``lectio validate lessons/ quizzes/`` (called by ``.ci/run``), not this file's job: these
tests stay fast and never import torch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

from engine.format.loader import load_course_file, load_lesson, load_quiz
from engine.format.models import (
    CodeBlock,
    Course,
    GraphBlock,
    Lesson,
    NoteBlock,
    QuestionBlock,
    QuestionRef,
    Quiz,
    TextBlock,
)

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
QUIZZES = ROOT / "quizzes"
EN = "pytorch-essentials"
PT = "pytorch-essentials-pt"
FILE_NAME = re.compile(r"^(\d+-)?(?P<id>[a-z0-9][a-z0-9-]*)\.yaml$")


@cache
def load_course(course_id: str) -> tuple[Course, dict[str, Lesson]]:
    """A course and its lessons by id, checking that each id lives in a file named after it."""
    folder = LESSONS / course_id
    course = load_course_file(folder / "course.yaml")
    lessons: dict[str, Lesson] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "course.yaml":
            continue
        lesson = load_lesson(path)
        match = FILE_NAME.match(path.name)
        assert match and match["id"] == lesson.id, f"{path.name} holds lesson {lesson.id!r}"
        assert lesson.id not in lessons, f"lesson id {lesson.id!r} appears twice"
        lessons[lesson.id] = lesson
    return course, lessons


def course_lessons(course_id: str) -> list[Lesson]:
    course, lessons = load_course(course_id)
    return [lessons[lesson_id] for lesson_id in course.lesson_ids]


def all_quizzes() -> list[Quiz]:
    return [load_quiz(path) for path in sorted(QUIZZES.glob("*.yaml"))]


def chapter_ids() -> Iterator[tuple[str, str]]:
    for course_id in (EN, PT):
        course, _ = load_course(course_id)
        for lesson_id in course.lesson_ids:
            yield course_id, lesson_id


def lesson_of(course_id: str, lesson_id: str) -> Lesson:
    return load_course(course_id)[1][lesson_id]


def all_text(lesson: Lesson) -> str:
    """Everything a learner reads or runs in a lesson, for topic checks."""
    parts: list[str] = []
    for block in lesson.blocks:
        if isinstance(block, TextBlock):
            parts.append(block.text)
        elif isinstance(block, NoteBlock):
            parts.append(block.note)
        elif isinstance(block, CodeBlock):
            parts.append(block.code)
        elif isinstance(block, QuestionBlock):
            parts.append(block.question)
    return "\n".join(parts)


# -- the course as a whole ---------------------------------------------------------------------


def test_course_has_at_least_twelve_chapters_in_three_sections() -> None:
    course, lessons = load_course(EN)
    assert course.language == "en"
    assert len(course.sections) >= 3
    assert len(course.lesson_ids) >= 12
    assert len(set(course.lesson_ids)) == len(course.lesson_ids)
    assert set(course.lesson_ids) == set(lessons), "every lesson file is in the course, and back"


@pytest.mark.parametrize(
    ("topic", "lesson_id", "needles"),
    [
        (
            "creating tensors",
            "creating-tensors",
            ["torch.tensor(", "torch.zeros(", "torch.arange("],
        ),
        ("dtypes and devices", "dtypes-and-devices", [".dtype", ".device", ".to("]),
        ("indexing and slicing", "indexing-and-slicing", ["[:, 2]", "mask"]),
        ("reshaping and views", "reshaping-and-views", [".reshape(", ".view(", "unsqueeze"]),
        ("arithmetic and broadcasting", "arithmetic-and-broadcasting", ["Broadcasting", " @ "]),
        ("reductions", "reductions", [".sum(dim=", "keepdim", "argmax"]),
        ("gradients", "gradients", ["requires_grad=True", ".backward()", ".grad"]),
        (
            "accumulation, zero_grad, no_grad, detach",
            "controlling-gradients",
            ["accumulate", "zero_grad", "torch.no_grad()", ".detach()"],
        ),
        ("nn.Module and nn.Linear", "modules-and-linear", ["nn.Module", "nn.Linear("]),
        ("loss functions", "loss-functions", ["nn.MSELoss", "nn.CrossEntropyLoss"]),
        ("optimizers and a step", "optimizers", ["torch.optim.SGD", "optimizer.step()"]),
        (
            "training loop on synthetic data",
            "training-loop",
            ["synthetic", "for epoch in", "loss.backward()", "optimizer.step()"],
        ),
        ("Dataset and DataLoader", "datasets-and-dataloaders", ["Dataset", "DataLoader("]),
    ],
)
def test_each_topic_of_the_issue_has_its_chapter(
    topic: str, lesson_id: str, needles: list[str]
) -> None:
    course, lessons = load_course(EN)
    assert lesson_id in course.lesson_ids, f"no chapter for {topic}"
    text = all_text(lessons[lesson_id])
    for needle in needles:
        assert needle in text, f"the {topic} chapter never mentions {needle!r}"


# -- every chapter, in both languages ----------------------------------------------------------


@pytest.mark.parametrize(("course_id", "lesson_id"), list(chapter_ids()))
def test_chapter_teaches_runs_and_asks(course_id: str, lesson_id: str) -> None:
    lesson = lesson_of(course_id, lesson_id)
    assert any(isinstance(b, TextBlock) for b in lesson.blocks), "a chapter needs prose"
    checked = [cell for cell in lesson.code_cells if cell.expect is not None]
    assert len(checked) >= 3, f"only {len(checked)} cells with expect"
    assert len(lesson.questions) >= 2
    assert any(q.verify for q in lesson.questions), "no question has a verify:"
    assert "torch" in lesson.requires
    assert not any(cell.hidden for cell in lesson.code_cells[:1]), "the first cell is visible"


@pytest.mark.parametrize(("course_id", "lesson_id"), list(chapter_ids()))
def test_every_choice_explains_itself(course_id: str, lesson_id: str) -> None:
    for question in lesson_of(course_id, lesson_id).questions:
        for choice in question.choices:
            assert choice.why and choice.why.strip(), (
                f"{question.id}: choice {choice.text!r} has no why"
            )
        assert len(question.choices) >= 3, f"{question.id}: give plausible wrong choices"


@pytest.mark.parametrize(("course_id", "lesson_id"), list(chapter_ids()))
def test_cells_stay_short(course_id: str, lesson_id: str) -> None:
    """No cell asks for more than the 30 s default; long loops would be a course bug."""
    lesson = lesson_of(course_id, lesson_id)
    for cell in lesson.code_cells:
        assert lesson.cell_timeout(cell) <= 30


# -- the gradients chapter follows the original lesson page ------------------------------------


def gradients_path(lesson: Lesson, definition: str, prompt: str) -> list[int]:
    """Block indexes of the original page's steps, in order; fails on the first one missing."""
    blocks = lesson.blocks

    def find(start: int, what: str, test: Callable[[object], bool]) -> int:
        for i in range(start, len(blocks)):
            if test(blocks[i]):
                return i
        raise AssertionError(f"{lesson.id}: no {what} after block {start}")

    def cell_prints(needle: str, *code: str) -> Callable[[object], bool]:
        return lambda b: (
            isinstance(b, CodeBlock)
            and b.expect is not None
            and b.expect.mode == "stdout"
            and needle in b.expect.value
            and all(c in b.code for c in code)
        )

    steps = [
        find(
            0,
            "definition note",
            lambda b: isinstance(b, NoteBlock) and b.kind == "definition" and definition in b.note,
        )
    ]
    steps.append(
        find(
            steps[-1],
            "requires_grad cell",
            cell_prints("tensor(2., requires_grad=True)", "requires_grad=True"),
        )
    )
    steps.append(
        find(
            steps[-1],
            "cell printing 64",
            cell_prints("tensor(64.", "5 * x**3 + 2 * x**2 + 4 * x + 8"),
        )
    )
    steps.append(
        find(steps[-1], "graph of y", lambda b: isinstance(b, GraphBlock) and b.graph == "y")
    )
    steps.append(
        find(
            steps[-1],
            "cell printing x.grad = 72",
            cell_prints("tensor(72.)", "y.backward()", "x.grad"),
        )
    )
    steps.append(
        find(
            steps[-1],
            "the access question",
            lambda b: isinstance(b, QuestionBlock) and b.question.strip() == prompt,
        )
    )
    return steps


@pytest.mark.parametrize(
    ("course_id", "lesson_id", "definition", "prompt"),
    [
        (
            EN,
            "gradients",
            "Gradients are the partial derivatives of a function with respect to its inputs",
            "How do you access the computed gradient of a tensor after backpropagation?",
        ),
        (
            PT,
            "gradientes",
            "Gradientes são as derivadas parciais de uma função em relação às suas entradas",
            "Como você acessa o gradiente calculado de um tensor após a retropropagação?",
        ),
    ],
)
def test_gradients_chapter_follows_the_original_page(
    course_id: str, lesson_id: str, definition: str, prompt: str
) -> None:
    lesson = lesson_of(course_id, lesson_id)
    steps = gradients_path(lesson, definition, prompt)
    assert steps == sorted(steps)
    question = lesson.blocks[steps[-1]]
    assert isinstance(question, QuestionBlock)
    assert not question.multiple
    right = [c for c in question.choices if c.correct]
    assert len(right) == 1 and "x.grad" in right[0].text
    assert len(question.choices) - 1 >= 3, "several explained wrong choices"
    assert question.verify and "72" in question.verify


def test_gradients_prose_explains_why_they_matter() -> None:
    text = all_text(lesson_of(EN, "gradients")).lower()
    assert "why gradients matter for training" in text
    assert "computational graph" in text


# -- quizzes -----------------------------------------------------------------------------------


def resolve(ref: QuestionRef) -> QuestionBlock:
    course_id, lesson_id, question_id = ref.parts
    _, lessons = load_course(course_id)
    assert lesson_id in lessons, f"{ref.ref}: no such lesson"
    question = lessons[lesson_id].question(question_id)
    assert question is not None, f"{ref.ref}: no such question"
    return question


@pytest.mark.parametrize("path", sorted(QUIZZES.glob("*.yaml")), ids=lambda p: p.name)
def test_quiz_refs_resolve_and_inline_questions_explain(path: Path) -> None:
    quiz = load_quiz(path)
    for item in quiz.questions:
        question = resolve(item) if isinstance(item, QuestionRef) else item
        assert all(c.why for c in question.choices), f"{path.name}: {question.id} lacks a why"


def section_quiz(course: Course, section_lessons: set[str], quizzes: list[Quiz]) -> Quiz | None:
    """The quiz reviewing exactly one section: all its refs point into that section."""
    for quiz in quizzes:
        refs = [q for q in quiz.questions if isinstance(q, QuestionRef)]
        if (
            quiz.pick is None
            and refs
            and all(r.parts[0] == course.id and r.parts[1] in section_lessons for r in refs)
        ):
            return quiz
    return None


@pytest.mark.parametrize("course_id", [EN, PT])
def test_every_section_has_a_review_quiz(course_id: str) -> None:
    course, _ = load_course(course_id)
    quizzes = all_quizzes()
    for section in course.sections:
        quiz = section_quiz(course, set(section.lessons), quizzes)
        assert quiz is not None, f"no review quiz for section {section.title!r}"
        refs = [q for q in quiz.questions if isinstance(q, QuestionRef)]
        inline = [q for q in quiz.questions if isinstance(q, QuestionBlock)]
        assert len(refs) > len(inline) >= 1, f"{quiz.id}: mostly refs, some new questions"
        assert (quiz.language or "en") == course.language


@pytest.mark.parametrize("course_id", [EN, PT])
def test_final_exam_draws_from_every_section(course_id: str) -> None:
    course, _ = load_course(course_id)
    exams = [
        quiz
        for quiz in all_quizzes()
        if quiz.pick is not None
        and all(r.parts[0] == course_id for r in quiz.questions if isinstance(r, QuestionRef))
    ]
    assert exams, f"no quiz draws questions of {course_id} with pick"
    exam = exams[0]
    assert exam.pick is not None and 1 < exam.pick < len(exam.questions)
    assert (exam.language or "en") == course.language
    covered = {r.parts[1] for r in exam.questions if isinstance(r, QuestionRef)}
    for section in course.sections:
        assert covered & set(section.lessons), f"the exam skips {section.title!r}"


# -- the Portuguese edition --------------------------------------------------------------------


def test_portuguese_edition_covers_autograd() -> None:
    course, lessons = load_course(PT)
    assert course.id == PT
    assert course.language == "pt"
    for lesson in lessons.values():
        assert lesson.language in (None, "pt")
    english, _ = load_course(EN)
    autograd = next(s for s in english.sections if "gradients" in s.lessons)
    assert len(course.lesson_ids) >= len(autograd.lessons), "the whole autograd section"
    text = "\n".join(all_text(lesson) for lesson in lessons.values())
    for needle in ("requires_grad=True", "backward()", "zero_grad", "no_grad", "detach"):
        assert needle in text


def test_portuguese_edition_mirrors_the_english_sections() -> None:
    """Same sections, same number of chapters each, and the same number of checked cells."""
    english, _ = load_course(EN)
    portuguese, _ = load_course(PT)
    sizes = [len(section.lessons) for section in english.sections]
    assert [len(section.lessons) for section in portuguese.sections] == sizes
    for en, pt in zip(course_lessons(EN), course_lessons(PT), strict=True):
        assert len(pt.code_cells) == len(en.code_cells), f"{pt.id} vs {en.id}"
        assert len(pt.questions) == len(en.questions), f"{pt.id} vs {en.id}"


def test_portuguese_prose_is_portuguese() -> None:
    """A light guard against untranslated chapters: common English words stay rare."""
    for lesson in course_lessons(PT):
        prose = " ".join(b.text for b in lesson.blocks if isinstance(b, TextBlock)).lower()
        words = re.findall(r"[a-zà-ú]+", prose)
        english = sum(w in {"the", "and", "with", "which", "is", "of"} for w in words)
        portuguese = sum(w in {"o", "a", "de", "que", "com", "um", "uma", "é"} for w in words)
        assert portuguese > 5 * max(english, 1), f"{lesson.id} reads like English"
