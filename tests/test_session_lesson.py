"""LessonSession against a fake kernel: grading, hints, shuffles, cells, progress, feedback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from narrow import of_type, present
from session_fakes import KernelFactory, error, ok

from engine.execution.results import CellStatus, KernelState
from engine.format.loader import load_lesson
from engine.format.models import CodeBlock, Lesson, QuestionBlock
from engine.session import InvalidAnswerError, LessonSession, choice_order
from engine.session.content import blob_hash
from engine.store import SqliteStore

DATA = Path(__file__).parent / "data" / "session"
BASICS = DATA / "basics.yaml"
SUM, EVENS, ORDERED = 3, 5, 6  # block indexes in basics.yaml
ADD, DOUBLE = 2, 4


@pytest.fixture
def lesson() -> Lesson:
    return load_lesson(DATA / "basics.yaml")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "lectio.db")
    yield s
    s.close()


def session(
    lesson: Lesson, store: SqliteStore, learner: str = "ana", kernels: KernelFactory | None = None
) -> LessonSession:
    return LessonSession(
        lesson, store=store, learner=learner, kernel_factory=kernels or KernelFactory()
    )


def pick_numbers(s: LessonSession, index: int, correct: bool) -> set[int]:
    """Original indexes of the right (or of one wrong) answer."""
    block = of_type(s.lesson.blocks[index], QuestionBlock)
    right = set(block.correct_indexes)
    if correct:
        return right
    return {next(i for i in range(len(block.choices)) if i not in right)}


def test_single_choice_wrong_then_right_is_recorded(lesson: Lesson, store: SqliteStore) -> None:
    s = session(lesson, store)
    wrong = pick_numbers(s, SUM, correct=False)
    v1 = s.answer(SUM, wrong)
    assert not v1.correct and v1.attempt == 1
    assert v1.wrong_picks == frozenset(wrong) and v1.missed == frozenset({0})
    # every choice is explained, picked or not, in the learner's order
    assert [e.index for e in v1.explanations] == list(s.choice_order(SUM))
    assert {e.index: e.why for e in v1.explanations}[0] == "2 + 3 is 5."
    assert [e.picked for e in v1.explanations].count(True) == 1
    v2 = s.answer(SUM, {0})
    assert v2.correct and v2.attempt == 2 and not v2.wrong_picks and not v2.missed
    view = s.question(SUM)
    assert view.attempts == 2 and view.solved and view.last == v2
    rows = store.attempts(learner="ana")
    assert [(r.question, r.picks, r.correct, r.attempt) for r in rows] == [
        ("sum", tuple(wrong), False, 1),
        ("sum", (0,), True, 2),
    ]
    assert rows[0].content_hash == blob_hash((DATA / "basics.yaml").read_bytes())


def test_select_all_is_all_or_nothing(lesson: Lesson, store: SqliteStore) -> None:
    s = session(lesson, store)
    partial = s.answer(EVENS, {0})
    assert not partial.correct and partial.missed == frozenset({2}) and not partial.wrong_picks
    extra = s.answer(EVENS, {0, 2, 3})
    assert not extra.correct and extra.wrong_picks == frozenset({3}) and not extra.missed
    assert s.answer(EVENS, {0, 2}).correct


@pytest.mark.parametrize("picks", [set(), {7}, {-1}, {0, 1}])
def test_invalid_picks_are_refused_and_not_recorded(
    lesson: Lesson, store: SqliteStore, picks: set[int]
) -> None:
    s = session(lesson, store)
    with pytest.raises(InvalidAnswerError):
        s.answer(SUM, picks)
    assert store.attempts() == []
    assert s.question(SUM).attempts == 0


def test_hints_one_at_a_time_and_kept_across_resume(lesson: Lesson, store: SqliteStore) -> None:
    s = session(lesson, store)
    assert s.question(EVENS).hints_left == 2
    assert s.reveal_hint(EVENS) == "Even numbers divide by two."
    view = s.question(EVENS)
    assert view.hints_shown == ("Even numbers divide by two.",) and view.hints_left == 1
    assert s.reveal_hint(EVENS) == "Look at the last digit."
    assert s.reveal_hint(EVENS) is None
    again = session(lesson, store)
    assert again.question(EVENS).hints_shown == (
        "Even numbers divide by two.",
        "Look at the last digit.",
    )
    assert again.reveal_hint(EVENS) is None
    assert len(store.hints(learner="ana", course="", lesson="basics")) == 2


def test_shuffle_is_per_learner_stable_and_respects_shuffle_false(
    lesson: Lesson, store: SqliteStore
) -> None:
    orders = {session(lesson, store, learner=f"l{i}").choice_order(EVENS) for i in range(20)}
    assert len(orders) > 1  # learners see different orders
    for order in orders:
        assert sorted(order) == [0, 1, 2, 3]
    first = session(lesson, store, "ana").question(EVENS)
    again = session(lesson, store, "ana").question(EVENS)
    assert first.choices == again.choices  # stable across a resume
    assert [c.number for c in first.choices] == [1, 2, 3, 4]
    assert first.index_of(first.number_of(2)) == 2
    for i in range(10):
        assert session(lesson, store, f"l{i}").choice_order(ORDERED) == (0, 1, 2)
    q = of_type(lesson.blocks[EVENS], QuestionBlock)
    assert choice_order(q, learner="ana", owner="/basics") == tuple(c.index for c in first.choices)


def test_position_and_done_survive_a_new_session(lesson: Lesson, store: SqliteStore) -> None:
    s = session(lesson, store)
    assert (s.position, s.complete, s.started) == (0, False, True)  # opened: started
    s.visit(4)
    assert present(store.load_progress("ana", "", "basics")).position == 4
    resumed = session(lesson, store)
    assert (resumed.position, resumed.complete, resumed.started) == (4, False, True)
    resumed.finish()
    assert not resumed.complete and resumed.at_end  # the questions are not answered yet
    for index in resumed.open_questions():
        resumed.show_answer(index)
    assert resumed.complete  # the last question settled at the end: done
    later = session(lesson, store)
    assert later.complete and later.position == len(lesson.blocks)
    later.restart()
    assert later.position == 0 and later.complete  # done is kept
    with pytest.raises(IndexError):
        later.visit(len(lesson.blocks) + 1)


def test_feedback_is_tied_to_block_and_version(lesson: Lesson, store: SqliteStore) -> None:
    s = session(lesson, store)
    s.finish()
    assert not s.feedback_given
    s.submit_feedback(None, "   ")  # nothing to record
    assert store.feedback() == []
    s.submit_feedback(False, " The second cell went too fast. ")
    (f,) = store.feedback()
    assert (f.clear, f.comment, f.block, f.lesson) == (
        False,
        "The second cell went too fast.",
        len(lesson.blocks),
        "basics",
    )
    assert f.content_hash == s.content_hash and s.feedback_given
    s.submit_feedback(True, None, block_index=SUM)
    assert store.feedback()[-1].line == lesson.blocks[SUM].span.line


def test_cells_run_through_the_executor_and_are_recorded(
    lesson: Lesson, store: SqliteStore
) -> None:
    kernels = KernelFactory({"x * 2": ok("10\n")})
    s = session(lesson, store, kernels=kernels)
    states: list[KernelState] = []
    s.on_kernel_state(states.append)
    before = s.kernel_state  # a name of its own: mypy would keep ``s.kernel_state`` narrowed
    assert before is KernelState.DEAD and not kernels.kernels  # lazy
    out: list[tuple[int, str]] = []
    started: list[int] = []
    results = s.run_cell(
        DOUBLE, on_output=lambda i, text: out.append((i, text)), on_start=started.append
    )
    assert [i for i, _ in results] == [ADD, DOUBLE]  # the cell above ran first
    assert started == [ADD, DOUBLE]
    assert out[-1] == (DOUBLE, "10\n")
    assert s.cell(DOUBLE).result == results[-1][1] and not s.cell(DOUBLE).running
    assert s.ran(ADD) and s.ran(DOUBLE)
    assert KernelState.READY in states and s.kernel_state is KernelState.READY
    runs = store.cell_runs(learner="ana")
    assert [(r.cell, r.cell_id, r.status, r.edited) for r in runs] == [
        (ADD, "add", "ok", False),
        (DOUBLE, "double", "ok", False),
    ]
    s.close()
    assert kernels.kernels[0].shut_down


def test_edit_and_reset_a_cell(lesson: Lesson, store: SqliteStore) -> None:
    kernels = KernelFactory()
    s = session(lesson, store, kernels=kernels)
    s.edit_cell(ADD, "x = 40 + 2\nprint(x)\n")  # before the kernel exists
    view = s.cell(ADD)
    assert view.edited and view.code.startswith("x = 40") and view.original.startswith("x = 2")
    s.run_cell(ADD)
    assert kernels.kernels[0].executed[-1].startswith("x = 40")
    assert store.cell_runs()[-1].edited
    s.reset_cell(ADD)
    assert not s.cell(ADD).edited
    s.run_cell(ADD)
    assert kernels.kernels[0].executed[-1].startswith("x = 2 + 3")
    s.edit_cell(
        ADD, of_type(lesson.blocks[ADD], CodeBlock).code
    )  # same as the original: not an edit
    assert not s.cell(ADD).edited


def test_a_failing_cell_skips_the_ones_below(lesson: Lesson, store: SqliteStore) -> None:
    kernels = KernelFactory({"2 + 3": error()})
    s = session(lesson, store, kernels=kernels)
    results = s.run_cell(DOUBLE)
    assert [r.status for _, r in results] == [CellStatus.ERROR, CellStatus.SKIPPED]
    assert [r.status for r in store.cell_runs()] == ["error", "skipped"]


def test_graph_runs_the_cells_above(tmp_path: Path, store: SqliteStore) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("id: g\ntitle: G\nblocks:\n  - code: x = 1\n  - graph: y\n")
    lesson = load_lesson(path)
    kernels = KernelFactory()
    s = session(lesson, store, kernels=kernels)
    graph = s.graph(1)
    assert graph.root == 0 and graph.nodes[0].label == "MulBackward0"
    assert kernels.kernels[0].executed == ["x = 1"]
    assert [r.cell for r in store.cell_runs()] == [0]


def test_wrong_block_kinds_are_type_errors(lesson: Lesson, store: SqliteStore) -> None:
    s = session(lesson, store)
    with pytest.raises(TypeError):
        s.question(ADD)
    with pytest.raises(TypeError):
        s.cell(SUM)
    with pytest.raises(TypeError):
        s.graph(SUM)


def test_answers_given_on_an_earlier_version_that_no_longer_fit_do_not_break_resume(
    tmp_path: Path, store: SqliteStore
) -> None:
    """The author removed choices and made a select-all question single-answer after a learner
    answered it: the learner's old picks cannot be graded any more, so the question shows as not
    answered yet instead of raising in the middle of the lesson (lesson and quiz alike)."""
    from engine.format.catalog import resolve_quiz
    from engine.format.loader import load_quiz
    from engine.session import QuizSession

    before = load_lesson(BASICS)
    s = LessonSession(before, store=store, learner="ana", kernel_factory=KernelFactory())
    s.answer(5, {0, 1, 2})  # evens: 10, 7, 4 (wrong: 7 is odd)
    s.close()
    text = BASICS.read_text(encoding="utf-8")
    head, rest = text.split("  - question: Which of these are even numbers?", 1)
    rest = rest.replace("    multiple: true\n", "", 1)
    rest = rest.replace(
        '      - text: "4"\n        correct: true\n        why: 4 = 2 × 2.\n', "", 1
    )
    edited = tmp_path / "basics.yaml"
    edited.write_text(
        head + "  - question: Which of these are even numbers?" + rest, encoding="utf-8"
    )
    after = load_lesson(edited)
    s = LessonSession(after, store=store, learner="ana", kernel_factory=KernelFactory())
    view = s.question(5)
    assert view.last is None and not view.solved and view.attempts == 1
    assert s.answer(5, {0}).correct
    quiz_file = tmp_path / "quiz.yaml"
    quiz_file.write_text(
        "id: qz\ntitle: Q\nquestions:\n  - question: Which?\n    id: w\n"
        "    choices:\n      - {text: a, correct: true}\n      - {text: b}\n"
        "      - {text: c}\n",
        encoding="utf-8",
    )
    quiz = load_quiz(quiz_file)
    qs = QuizSession(quiz, resolve_quiz(quiz, tmp_path), store=store, learner="ana")
    qs.answer(0, {2})
    quiz_file.write_text(
        quiz_file.read_text(encoding="utf-8").replace("      - {text: c}\n", ""), encoding="utf-8"
    )
    quiz = load_quiz(quiz_file)
    qs = QuizSession(quiz, resolve_quiz(quiz, tmp_path), store=store, learner="ana")
    assert qs.answered(0) and qs.question(0).last is None
    assert qs.finish().missed[0].verdict is None


def test_cells_of_a_lesson_whose_required_module_is_missing_are_skipped(store: SqliteStore) -> None:
    needs = load_lesson(DATA.parent / "plain" / "needs-module.yaml")
    kernels = KernelFactory(not_installed=frozenset({"nosuchmodule_lectio"}))
    s = LessonSession(needs, store=store, learner="ana", kernel_factory=kernels)
    assert s.missing_modules() == ["nosuchmodule_lectio"]
    results = s.run_cell(3)
    assert [(i, r.status) for i, r in results] == [
        (1, CellStatus.SKIPPED),
        (2, CellStatus.SKIPPED),
        (3, CellStatus.SKIPPED),
    ]
    assert results[-1][1].extra == {"missing": "nosuchmodule_lectio"}
    skipped = s.cell(2).result
    assert skipped is not None and skipped.status is CellStatus.SKIPPED
    assert kernels.kernels[0].executed == [] and kernels.kernels[0].requires_checks == 1
    assert [i for i, _ in s.run_cell(3)] == [3]  # the earlier ones are not reported again
    fine = LessonSession(needs, store=store, learner="bob", kernel_factory=KernelFactory())
    assert fine.missing_modules() == [] and fine.run_cell(1)[0][1].ok


def test_the_missing_module_reason_names_what_to_install() -> None:
    from engine.session.lesson import missing_reason

    assert missing_reason(["a.b", "a.c", "d"], "en") == (
        "This lesson needs the modules a.b, a.c, d, which are not installed: pip install a d"
    )
    assert missing_reason(["m"], "pt") == (
        "Esta lição precisa do módulo m, que não está instalado: pip install m"
    )


def test_only_a_real_new_answer_is_an_attempt(lesson: Lesson, store: SqliteStore) -> None:
    """Issue 11: Check again with the same picks, or on a solved question, records nothing."""
    s = session(lesson, store)
    wrong = pick_numbers(s, SUM, correct=False)
    s.answer(SUM, wrong)
    assert s.answer(SUM, wrong).attempt == 1  # the same picks again: the same verdict
    right = s.answer(SUM, pick_numbers(s, SUM, correct=True))
    assert right.correct and right.attempt == 2
    again = s.answer(SUM, wrong)  # solved: nothing counts any more
    assert again == right
    assert len(store.attempts(learner="ana", lesson="basics")) == 2


def test_wrong_answer_hides_the_answer_until_shown(lesson: Lesson, store: SqliteStore) -> None:
    """Issue 11: wrong shows why the pick is wrong only; "Show answer" reveals all, recorded."""
    s = session(lesson, store)
    wrong = pick_numbers(s, SUM, correct=False)
    verdict = s.answer(SUM, wrong)
    assert not verdict.revealed
    assert [e.index for e in verdict.shown()] == sorted(wrong)  # the wrong pick alone
    assert not any(e.correct for e in verdict.shown())
    shown = s.show_answer(SUM)
    assert shown.gave_up and shown.revealed and shown.attempt == 2
    assert len(shown.shown()) == len(verdict.explanations)  # every choice and its why
    (_, gave_up) = store.attempts(learner="ana", lesson="basics")
    assert gave_up.picks == () and not gave_up.correct
    resumed = session(lesson, store)
    view = resumed.question(SUM)
    assert view.settled and view.last is not None and view.last.gave_up
    assert resumed.show_answer(SUM).attempt == 2  # settled: nothing more recorded
    assert resumed.answer(SUM, pick_numbers(s, SUM, correct=True)).gave_up
    assert len(store.attempts(learner="ana", lesson="basics")) == 2


def test_show_answer_still_marks_the_learners_last_answer(
    lesson: Lesson, store: SqliteStore
) -> None:
    """Giving up after a wrong pick: the explanations still say which choice was the
    learner's ("your answer" beside "correct answer"), now and once resumed; the record of
    "Show answer" itself has no picks."""
    s = session(lesson, store)
    wrong = s.answer(SUM, pick_numbers(s, SUM, correct=False)).picked
    shown = s.show_answer(SUM)
    assert shown.picked == frozenset()
    assert {e.index for e in shown.shown() if e.picked} == wrong
    resumed = session(lesson, store).question(SUM).last
    assert resumed is not None and resumed.gave_up
    assert {e.index for e in resumed.shown() if e.picked} == wrong
    s.show_answer(EVENS)  # given up before any answer: nothing is the learner's
    assert not any(e.picked for e in s.question(EVENS).last.shown())  # type: ignore[union-attr]


def test_done_needs_every_question_settled_and_the_end(lesson: Lesson, store: SqliteStore) -> None:
    """Issue 11: scrolling to the end is not enough; the last question settled there is."""
    s = session(lesson, store)
    s.finish()
    assert s.at_end and not s.complete
    questions = s.open_questions()
    assert questions == [SUM, EVENS, ORDERED]
    s.answer(SUM, pick_numbers(s, SUM, correct=True))
    s.show_answer(EVENS)
    assert not s.complete
    s.answer(ORDERED, pick_numbers(s, ORDERED, correct=False))  # wrong: not settled
    assert not s.complete and s.open_questions() == [ORDERED]
    s.answer(ORDERED, pick_numbers(s, ORDERED, correct=True))
    assert s.complete and present(store.load_progress("ana", "", "basics")).done
    other = session(lesson, store, "bob")
    for index in other.open_questions():
        other.show_answer(index)
    assert not other.complete  # every question settled, the end not reached yet
    other.finish()
    assert other.complete
