"""engine.ask offline: error explanations against real kernel tracebacks, the kernel's inspect,
the context (no answer key before a correct answer), suggestions, where the course explains."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from narrow import present
from session_fakes import KernelFactory, error

from engine.ask.context import build_context, render
from engine.ask.explain import explain, rules
from engine.ask.offline import defining_cells, offline_answer, render_offline
from engine.ask.suggest import called_names, names_in, suggestions
from engine.ask.where import find_places
from engine.execution.kernel import Kernel
from engine.format.loader import load_lesson
from engine.format.models import Lesson
from engine.session import LessonSession
from engine.store import SqliteStore

DATA = Path(__file__).parent / "data" / "ask"
CASES = [
    (rule_id, code)
    for rule_id, codes in yaml.safe_load((DATA / "errors.yaml").read_text()).items()
    for code in codes
]
QUESTION = 3  # block index of the question in lesson.yaml
GRAD = 2


@pytest.fixture(scope="module")
def kernel() -> Iterator[Kernel]:
    k = Kernel()
    k.start()
    yield k
    k.shutdown()


@pytest.fixture
def lesson() -> Lesson:
    return load_lesson(DATA / "lesson.yaml")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "lectio.db")
    yield s
    s.close()


def test_every_rule_is_tried_and_translated() -> None:
    tried = {rule_id for rule_id, _ in CASES}
    for rule in rules():
        assert rule.id in tried, f"{rule.id} has no failing code in errors.yaml"
        assert set(rule.title) >= {"en", "pt"} and set(rule.text) >= {"en", "pt"}, rule.id
        assert rule.text["en"] != rule.text["pt"]


@pytest.mark.parametrize(
    ("rule_id", "code"), CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(CASES)]
)
def test_a_real_traceback_gets_its_explanation(kernel: Kernel, rule_id: str, code: str) -> None:
    kernel.reset()
    result = kernel.execute(code)
    found = explain(result, "en")
    assert found, f"no explanation for {result.error or result.stdout!r}"
    assert found[0].id == rule_id, (found[0].id, result.error)
    pt = explain(result, "pt-BR")
    assert pt[0].id == rule_id and pt[0].text != found[0].text


def test_name_error_fills_the_name_and_finds_the_cell_above(lesson: Lesson) -> None:
    result = error("NameError", "name 'w' is not defined")
    found = explain(result, "pt")
    assert found[0].title == "O nome w não está definido (ainda)"
    assert defining_cells("w", lesson, GRAD) == [1]
    assert defining_cells("torch", lesson, GRAD) == [1]
    assert defining_cells("loss", lesson, GRAD) == []


def test_inspect_in_the_live_kernel(kernel: Kernel) -> None:
    kernel.reset()
    kernel.execute("import torch\nw = torch.ones(3, requires_grad=True)")
    backward = present(kernel.inspect("w.backward"))
    assert "retain_graph" in backward["signature"]
    assert "gradient" in backward["doc"]
    assert present(kernel.inspect("w"))["value"].startswith("tensor([1., 1., 1.]")
    assert kernel.inspect("missing_name") is None
    assert kernel.inspect("w.sum()") is None  # not a name: nothing is called
    assert kernel.inspect("__import__('os').system") is None


def _session(lesson: Lesson, store: SqliteStore) -> LessonSession:
    return LessonSession(lesson, store=store, learner="ana", kernel_factory=KernelFactory())


def test_the_context_never_carries_the_answer_key_before_a_correct_answer(
    lesson: Lesson, store: SqliteStore
) -> None:
    s = _session(lesson, store)
    ctx = build_context(s, QUESTION, chapter="Chapter 1")
    text = render(ctx)
    assert "What is `w.grad` after `loss.backward()`?" in text
    assert "tensor([2., 2., 2.])" in text and "tensor([1., 1., 1.])" in text  # choices
    assert "SECRET" not in text
    assert "has not answered correctly" in text
    wrong = next(i for i, c in enumerate(lesson.blocks[QUESTION].choices) if not c.correct)  # type: ignore[union-attr]
    s.answer(QUESTION, {wrong})
    assert "SECRET" not in render(build_context(s, QUESTION))
    right = next(i for i, c in enumerate(lesson.blocks[QUESTION].choices) if c.correct)  # type: ignore[union-attr]
    s.answer(QUESTION, {right})
    after = render(build_context(s, QUESTION))
    assert "answered correctly. Correct:\ntensor([2., 2., 2.])" in after
    assert "SECRET_VERIFY" not in after


def test_the_context_of_a_cell_has_the_edited_code_and_its_error(
    lesson: Lesson, store: SqliteStore
) -> None:
    kernels = KernelFactory(canned={"loss": error("NameError", "name 'w' is not defined")})
    s = LessonSession(lesson, store=store, learner="ana", kernel_factory=kernels)
    s.edit_cell(GRAD, "loss = (w * 3).sum()\nloss.backward()")
    s.run_cell(GRAD)
    ctx = build_context(s, GRAD)
    text = render(ctx)
    assert "loss = (w * 3).sum()" in text and "(edited by the learner)" in text
    assert "Error: NameError: name 'w' is not defined" in text
    assert "`backward` fills in its gradient" in text  # the prose above
    assert suggestions(ctx, "en")[0] == "Why did this fail?"
    assert suggestions(ctx, "pt")[0] == "Por que isto falhou?"
    answer = offline_answer("Why did this fail?", ctx, lesson=lesson, lessons=[lesson])
    assert answer.explanations[0].id == "name-not-defined"
    assert answer.defined_in == (1,)
    shown = render_offline(answer, "en", configured=False)
    assert "It is defined in block 2 above: run it first." in shown


def test_names_and_where_the_course_explains_them(lesson: Lesson) -> None:
    assert called_names("loss = (w * 2).sum()\nloss.backward()\nprint(w.grad)") == ["loss.backward"]
    assert names_in("What does `loss.backward` do?") == ["loss.backward"]
    assert names_in("what is w here?", "w = 1") == []  # too short to be sure
    places = find_places("loss.backward", [lesson], skip=(lesson.id, GRAD))
    assert (places[0].block, places[0].kind) == (0, "text")


def test_no_offline_answer_says_how_to_configure(lesson: Lesson, store: SqliteStore) -> None:
    ctx = build_context(_session(lesson, store), 0)
    answer = offline_answer("Tell me a story", ctx, lesson=lesson, lessons=[lesson])
    assert answer.empty
    assert "LECTIO_AI_BASE_URL" in render_offline(answer, "pt", configured=False)
    assert "LECTIO_AI_BASE_URL" not in render_offline(answer, "pt", configured=True)
