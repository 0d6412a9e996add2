"""The plain line mode, driven like a learner's script: in process (fake kernel) and as a
real ``lectio`` subprocess (real kernel), then checked through ``lectio feedback export``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from narrow import of_type, present
from session_fakes import KernelFactory

from engine.format.loader import load_lesson, load_quiz
from engine.format.models import QuestionBlock
from engine.plain.app import run_plain
from engine.session.grading import choice_order
from engine.store import SqliteStore

DATA = Path(__file__).parent / "data"
BASICS = DATA / "session" / "basics.yaml"
ROOT = DATA / "session" / "root"
LEARNER = "tester"


def numbers(path: Path, block: int, course: str = "") -> dict[int, int]:
    """Original choice index -> the number the learner types (the shuffle is per learner)."""
    lesson = load_lesson(path)
    question = of_type(lesson.blocks[block], QuestionBlock)
    order = choice_order(question, learner=LEARNER, owner=f"{course}/{lesson.id}")
    return {index: n for n, index in enumerate(order, 1)}


def lectio(
    *args: str, stdin: str = "", data_dir: Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LECTIO_LEARNER": LEARNER, "NO_COLOR": "1"}
    env.pop("LECTIO_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "engine", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def plain(
    path: Path, lines: list[str], store: SqliteStore, *, restart: bool = False
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_plain(
        path,
        learner=LEARNER,
        stdin=io.StringIO("".join(f"{x}\n" for x in lines)),
        stdout=out,
        stderr=err,
        store=store,
        kernel_factory=KernelFactory(),
        restart=restart,
    )
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "lectio.db")
    yield s
    s.close()


def test_whole_lesson_from_a_script_then_feedback_export(tmp_path: Path) -> None:
    """Subprocess, real kernel: wrong then right, select-all, feedback; all of it exported."""
    sum_n = numbers(BASICS, 3)
    evens_n = numbers(BASICS, 5)
    script = [
        str(sum_n[1]),  # wrong: "23"
        str(sum_n[0]),  # right: "5"
        f"{evens_n[0]},{evens_n[2]}",  # right: 10 and 4
        "1",  # shuffle: false, the first is right
        "n",  # was everything clear? no
        "The second cell went too fast.",  # how can we improve it?
    ]
    run = lectio("open", str(BASICS), "--plain", stdin="\n".join(script) + "\n", data_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Traceback" not in out + run.stderr and "\x1b[" not in out
    for expected in (
        "Chapter: Session basics",
        "Code cell 1 of 2 (add):",
        "Output:\n5\n",
        "Output:\n10\n",
        "Question 1 of 3:",
        "Select the correct answer.",
        "Select all that apply.",
        "Not quite.",
        "Correct!",
        "That would be string concatenation.",
        "Was everything clear? [y/n]",
        "How can we improve it?",
        "Thanks for your feedback!",
    ):
        assert expected in out, expected
    assert out.index("Not quite.") < out.index("Correct!")

    export = lectio("feedback", "export", "--format", "json", data_dir=tmp_path)
    assert export.returncode == 0, export.stderr
    data = json.loads(export.stdout)
    attempts = [(a["question"], a["picks"], a["correct"], a["attempt"]) for a in data["attempts"]]
    assert attempts == [
        ("sum", [1], False, 1),
        ("sum", [0], True, 2),
        ("evens", [0, 2], True, 1),
        ("ordered", [0], True, 1),
    ]
    assert all(a["learner"] == LEARNER and a["lesson"] == "basics" for a in data["attempts"])
    (fb,) = data["feedback"]
    assert (fb["clear"], fb["comment"], fb["lesson"]) == (
        False,
        "The second cell went too fast.",
        "basics",
    )
    csv_run = lectio("feedback", "export", "--format", "csv", data_dir=tmp_path)
    assert csv_run.stdout.splitlines()[0].startswith("record,time,learner")
    assert "The second cell went too fast." in csv_run.stdout

    progress = lectio("progress", data_dir=tmp_path)
    assert progress.returncode == 0 and "basics: Done" in progress.stdout  # lessons alone


def test_end_of_input_stops_cleanly_and_the_next_run_resumes(store: SqliteStore) -> None:
    sum_n = numbers(BASICS, 3)
    code, out, err = plain(BASICS, [], store)  # no input at all: stops at the first question
    assert code == 0 and err == ""
    assert "Question 1 of 3:" in out and out.rstrip().endswith(
        "Your progress is saved; run the same command to continue."
    )
    assert present(store.load_progress(LEARNER, "", "basics")).position == 3

    code, out, _ = plain(BASICS, [str(sum_n[0])], store)
    assert code == 0
    assert "Resuming where you stopped (block 4 of 7)." in out
    assert "Python adds numbers" not in out  # the prose before the resume point is not repeated
    assert "Correct!" in out and "Question 2 of 3:" in out


def test_hints_invalid_input_and_skipping(store: SqliteStore) -> None:
    evens_n = numbers(BASICS, 5)
    script = ["s", "h", "h", "h", "9", "x", f"{evens_n[1]}", "", "1", "", ""]
    code, out, _ = plain(BASICS, script, store)
    assert code == 0
    assert "Skipped." in out
    assert "Hint 1 of 2: Even numbers divide by two." in out
    assert "Hint 2 of 2: Look at the last digit." in out and "No more hints" in out
    assert "9 is not a choice: type a number from 1 to 4." in out
    assert "x is not a choice" in out
    assert "Not quite: 1 wrong, 2 missed." in out
    assert "The answers:" in out  # Enter after a wrong answer shows every choice
    assert "(your answer, wrong)" in out.split("The answers:", 1)[1]  # and which pick was
    # ... and is recorded as a "Show answer" (no picks), which settles the question
    assert ("evens", ()) in [(a.question, a.picks) for a in store.attempts()]
    assert store.feedback() == []  # both feedback questions skipped with Enter
    # the first question was skipped unanswered: the end is reached, but the chapter not done
    assert not present(store.load_progress(LEARNER, "", "basics")).done


def test_single_answer_refuses_several_numbers(store: SqliteStore) -> None:
    _code, out, _ = plain(BASICS, ["1,2"], store)
    assert "This question has one answer: type a single number." in out
    assert store.attempts() == []


def test_portuguese_lesson_speaks_portuguese(store: SqliteStore) -> None:
    code, out, _ = plain(DATA / "plain" / "pt.yaml", ["2", "h", "1", "s", "Mais exemplos"], store)
    assert code == 0
    for expected in (
        "Selecione a resposta correta",
        "Não é bem isso.",
        "Dica 1 de 1",
        "Correto!",
        "Tudo estava claro? [s/n]",
        "Como podemos melhorá-lo?",
        "Obrigado pelo seu feedback!",
    ):
        assert expected in out, expected
    (fb,) = store.feedback()
    assert (fb.clear, fb.comment) == (True, "Mais exemplos")


def test_course_goes_through_chapters_from_the_resume_point(store: SqliteStore) -> None:
    course = ROOT / "lessons" / "demo"
    alpha_first = numbers(ROOT / "lessons" / "demo" / "alpha.yaml", 1, "demo")
    # alpha: answer the first question, then input ends
    code, out, _ = plain(course, [str(alpha_first[0])], store)
    assert code == 0 and "Course: Demo course" in out and "Section 1 · Chapter 1" in out
    vowels = numbers(ROOT / "lessons" / "demo" / "alpha.yaml", 2, "demo")
    beta = numbers(ROOT / "lessons" / "demo" / "beta.yaml", 1, "demo")
    script = [f"{vowels[0]},{vowels[2]}", "y", "", str(beta[0]), "y", "", "y", "good"]
    code, out, _ = plain(course, script, store)
    assert code == 0
    chapters = [line for line in out.splitlines() if line.startswith("Chapter: ")]
    assert chapters == ["Chapter: Alpha", "Chapter: Beta", "Chapter: Gamma"]
    assert "Resuming where you stopped" in out and "You finished the course!" in out
    assert {p.lesson for p in store.all_progress(LEARNER, "demo") if p.done} == {
        "alpha",
        "beta",
        "gamma",
    }
    code, out, _ = plain(course, [], store)
    assert "You finished this course." in out
    code, out, _ = plain(course, [], store, restart=True)
    assert "Chapter: Alpha" in out


def test_the_end_of_the_course_says_so_and_lists_its_quizzes(store: SqliteStore) -> None:
    """Issue 11: the end of the last chapter says the course ends there, lists the course's
    quizzes (those that refer to it) with the learner's best score, and how to open each."""
    course = ROOT / "lessons" / "demo"
    alpha = numbers(course / "alpha.yaml", 1, "demo")
    vowels = numbers(course / "alpha.yaml", 2, "demo")
    beta = numbers(course / "beta.yaml", 1, "demo")
    script = [str(alpha[0]), f"{vowels[0]},{vowels[2]}", "y", "", str(beta[0]), "y", "", "y", ""]
    code, out, _ = plain(course, script, store)
    assert code == 0
    quizzes = ROOT / "quizzes"
    relative = quizzes.resolve().relative_to(Path.cwd().resolve())
    end = out[out.index("You finished the course!") :].splitlines()
    assert end[:7] == [
        "You finished the course!",
        "This was the last chapter: you reached the end of the course.",
        "Check what you learned with the course's quizzes:",
        "  Everything: Not taken yet",
        f"    lectio open {relative / 'all.yaml'} --plain",
        "  Review: Not taken yet",
        f"    lectio open {relative / 'review.yaml'} --plain",
    ], end
    inline = load_quiz(quizzes / "all.yaml").questions[1]
    order = choice_order(of_type(inline, QuestionBlock), learner=LEARNER, owner="/quiz:all")
    plain(quizzes / "all.yaml", [f"{vowels[0]},{vowels[2]}", str(order.index(1) + 1)], store)
    said = io.StringIO()
    run_plain(course, learner=LEARNER, lang="pt", stdin=io.StringIO(""), stdout=said, store=store)
    again = said.getvalue()
    assert "Verifique o que você aprendeu com os questionários do curso:" in again
    assert "  Everything: Melhor 50% · ainda não aprovado" in again


def test_quiz_scores_and_reviews_the_misses(store: SqliteStore) -> None:
    quiz = ROOT / "quizzes" / "all.yaml"
    vowels = numbers(ROOT / "lessons" / "demo" / "alpha.yaml", 2, "demo")
    from engine.format.loader import load_quiz

    inline = load_quiz(quiz).questions[1]
    order = choice_order(of_type(inline, QuestionBlock), learner=LEARNER, owner="/quiz:all")
    wrong_number = order.index(1) + 1
    code, out, _ = plain(quiz, [f"{vowels[0]},{vowels[2]}", str(wrong_number)], store)
    assert code == 0
    for expected in (
        "Quiz: Everything",
        "Question 1 of 2:",
        "Score: 1 of 2 (50%)",
        "Pass mark: 70%",
        "Not passed yet",
        "Review of the misses:",
        "Question 2: Is one prime?",
        "One has a single divisor.",
    ):
        assert expected in out, expected
    assert store.quiz_attempts(LEARNER, "all")[0].passed is False


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("does/not/exist.yaml", "does/not/exist.yaml:1:1: no such file or folder"),
        (str(DATA / "plain" / "broken.yaml"), "broken.yaml:1:5: "),
        (str(DATA / "session"), "no course.yaml here"),
    ],
)
def test_bad_paths_give_located_messages_and_exit_1(
    tmp_path: Path, path: str, message: str
) -> None:
    run = lectio("open", path, "--plain", data_dir=tmp_path, timeout=60)
    assert run.returncode == 1
    assert message in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_schema_errors_are_all_listed(tmp_path: Path) -> None:
    run = lectio(
        "open", str(DATA / "plain" / "broken.yaml"), "--plain", data_dir=tmp_path, timeout=60
    )
    lines = [x for x in run.stderr.splitlines() if "broken.yaml:" in x]
    assert len(lines) >= 3  # the id, the two correct choices, the syntax error
    assert any("exactly one correct choice" in x for x in lines)


def test_damaged_database_is_reported_and_studying_goes_on(tmp_path: Path) -> None:
    (tmp_path / "lectio.db").write_bytes(b"not a database" * 100)
    run = lectio(
        "open",
        str(DATA / "plain" / "pt.yaml"),
        "--plain",
        stdin="1\n",
        data_dir=tmp_path,
        timeout=60,
    )
    assert run.returncode == 0
    assert "warning:" in run.stderr and "moved to" in run.stderr
    assert list(tmp_path.glob("lectio.db.corrupt-*"))
    with SqliteStore(tmp_path / "lectio.db") as s:
        assert [a.question for a in s.attempts()] == ["tensor"]


@pytest.mark.slow
def test_real_kernel_torch_lesson_with_a_graph(tmp_path: Path) -> None:
    run = lectio(
        "open",
        str(DATA / "plain" / "torch-lesson.yaml"),
        "--plain",
        stdin="2\n1\ny\n\n",
        data_dir=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "tensor(4.)" in out
    assert "Autograd graph of y:" in out and "MulBackward0" in out
    assert "Not quite." in out and "Correct!" in out and "Thanks for your feedback!" in out


def test_expected_and_unexpected_errors_are_told_apart(store: SqliteStore) -> None:
    from session_fakes import error

    out, err = io.StringIO(), io.StringIO()
    name_error = error("NameError", "name 'undefined_name' is not defined")
    kernels = KernelFactory({"1 / 0": error(), "undefined_name": name_error})
    code = run_plain(
        DATA / "plain" / "raises.yaml",
        learner=LEARNER,
        stdin=io.StringIO(""),
        stdout=out,
        stderr=err,
        store=store,
        kernel_factory=kernels,
    )
    text = out.getvalue()
    assert code == 0
    assert "Raised ZeroDivisionError, as this example means to." in text
    assert "Error: NameError." in text
    # cells cannot be edited in plain mode: the failed cell 2 is not tried again, and cell 3 runs
    assert "Skipped" not in text and "above failed" not in text
    assert [(r.cell, r.status) for r in store.cell_runs()] == [
        (0, "error"),
        (1, "error"),
        (2, "ok"),
    ]


def test_quiz_skip_is_a_miss_and_an_unfinished_attempt_resumes(store: SqliteStore) -> None:
    quiz = ROOT / "quizzes" / "all.yaml"
    code, out, _ = plain(quiz, ["1"], store)  # answer the first question, then input ends
    assert code == 0 and "Score:" not in out
    code, out, _ = plain(quiz, ["1"], store)
    assert "Resuming attempt 1 at question 2 of 2." in out
    assert "Question 1 of 2:" not in out and "Score:" in out
    code, out, _ = plain(quiz, ["s", "1"], store)  # finished: a new attempt; skip the first
    assert "Attempt 2." in out and "Skipped." in out
    assert "Question 1: Which are vowels?" in out and "Your answer: not answered" in out
    attempts = store.quiz_attempts(LEARNER, "all")
    assert [a.number for a in attempts] == [1, 2] and attempts[1].total == 2


def test_cell_output_and_author_text_cannot_drive_the_terminal(
    tmp_path: Path, store: SqliteStore
) -> None:
    """What a cell printed (and escapes in a lesson's text) are shown, never interpreted."""
    from session_fakes import ok

    lesson = tmp_path / "esc.yaml"
    lesson.write_text(
        'id: esc\ntitle: "Esc \\e[2J"\nblocks:\n  - text: "a \\e]52;c;eA==\\a b"\n'
        "  - code: print('x')\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    code = run_plain(
        lesson,
        learner=LEARNER,
        stdin=io.StringIO(""),
        stdout=out,
        stderr=err,
        store=store,
        kernel_factory=KernelFactory({"print": ok("\x1b[2J\x1b[31mred\x9b\n")}),
    )
    assert code == 0, err.getvalue()
    text = out.getvalue()
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in text), repr(text)
    assert "␛[31mred" in text and "␛]52;c;eA==" in text


def test_quiz_skip_then_stop_resumes_after_the_skipped_question(store: SqliteStore) -> None:
    quiz = ROOT / "quizzes" / "all.yaml"
    code, out, _ = plain(quiz, ["s"], store)  # skip the first question, then input ends
    assert code == 0 and "Skipped." in out and "Score:" not in out
    code, out, _ = plain(quiz, ["1"], store)
    assert "Resuming attempt 1 at question 2 of 2." in out
    assert "Question 1 of 2:" not in out and "Score:" in out
    assert "Your answer: not answered" in out  # the skip is still a miss


def test_the_echo_of_typed_input_is_inert(store: SqliteStore) -> None:
    """A piped script's arrow keys or Ctrl+ characters are echoed visibly, not replayed."""
    code, out, _ = plain(BASICS, ["\x1b[A\x03"], store)
    assert code == 0 and "\x1b" not in out and "\x03" not in out and "␛[A␃" in out


def test_a_failing_cell_is_reported_once_and_the_cells_below_still_run(
    tmp_path: Path, store: SqliteStore
) -> None:
    """The plain mode cannot edit cells, so a failing cell (a lesson bug, a slow machine's
    timeout) must not make every later cell re-run it, repeat its error and be skipped."""
    from session_fakes import error

    lesson = tmp_path / "fails.yaml"
    lesson.write_text(
        "id: fails\ntitle: Fails\nblocks:\n  - text: intro\n"
        "  - code: boom = 1 / 0\n  - code: print('b')\n  - graph: y\n"
        "  - code: print('c')\n",
        encoding="utf-8",
    )
    kernels = KernelFactory({"boom": error()})
    out, err = io.StringIO(), io.StringIO()
    code = run_plain(
        lesson,
        learner=LEARNER,
        stdin=io.StringIO(""),
        stdout=out,
        stderr=err,
        store=store,
        kernel_factory=kernels,
    )
    text = out.getvalue()
    assert code == 0, err.getvalue()
    assert text.count("Error: ZeroDivisionError") == 1, text
    assert "not run" not in text and "Running" not in text
    assert "ran <cell 2>" in text and "ran <cell 3>" in text
    assert sum("boom" in c for c in kernels.kernels[0].executed) == 1


def test_an_earlier_hidden_cell_that_fails_is_named_as_its_traceback_names_it(
    tmp_path: Path, store: SqliteStore
) -> None:
    from session_fakes import error

    lesson = tmp_path / "hidden.yaml"
    lesson.write_text(
        "id: hidden\ntitle: Hidden\nblocks:\n  - text: intro\n  - text: more\n"
        "  - code: setup = 1 / 0\n    hidden: true\n  - code: print('b')\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    code = run_plain(
        lesson,
        learner=LEARNER,
        stdin=io.StringIO(""),
        stdout=out,
        stderr=io.StringIO(),
        store=store,
        kernel_factory=KernelFactory({"setup": error()}),
    )
    text = out.getvalue()
    assert code == 0 and "Cell 1:\nError: ZeroDivisionError." in text, text
    assert "ran <cell 2>" in text


def test_q_at_the_clear_question_stops_like_everywhere_else(store: SqliteStore) -> None:
    script = [
        str(numbers(BASICS, 3)[0]),
        str(numbers(BASICS, 5)[0]) + "," + str(numbers(BASICS, 5)[2]),
        "1",
        "q",
    ]
    code, out, _ = plain(BASICS, script, store)
    assert code == 0 and "Was everything clear?" in out
    assert "Please type y or n" not in out and out.rstrip().endswith(
        "Your progress is saved; run the same command to continue."
    )
    assert store.feedback() == []


def test_a_missing_required_module_skips_the_cells_with_the_reason_once(store: SqliteStore) -> None:
    """``requires: [m]`` and m is not installed: no ModuleNotFoundError on every cell, but one
    line saying what to install, and each cell skipped."""
    out, err = io.StringIO(), io.StringIO()
    kernels = KernelFactory(not_installed=frozenset({"nosuchmodule_lectio"}))
    code = run_plain(
        DATA / "plain" / "needs-module.yaml",
        learner=LEARNER,
        stdin=io.StringIO(""),
        stdout=out,
        stderr=err,
        store=store,
        kernel_factory=kernels,
    )
    text = out.getvalue()
    assert code == 0, err.getvalue()
    reason = (
        "This lesson needs the module nosuchmodule_lectio, which is not installed: "
        "pip install nosuchmodule_lectio"
    )
    assert text.count(reason) == 1, text
    assert "ModuleNotFoundError" not in text and "Error" not in text
    assert text.count("Skipped") == 2  # the two visible cells; the hidden one is not shown
    assert "earlier cell" not in text
    assert kernels.kernels[0].executed == []  # nothing ran
    assert {r.status for r in store.cell_runs()} == {"skipped"}


def test_the_missing_module_reason_in_portuguese(store: SqliteStore) -> None:
    out = io.StringIO()
    run_plain(
        DATA / "plain" / "needs-module.yaml",
        learner=LEARNER,
        lang="pt",
        stdin=io.StringIO(""),
        stdout=out,
        stderr=io.StringIO(),
        store=store,
        kernel_factory=KernelFactory(not_installed=frozenset({"nosuchmodule_lectio"})),
    )
    assert (
        "Esta lição precisa do módulo nosuchmodule_lectio, que não está instalado: "
        "pip install nosuchmodule_lectio"
    ) in out.getvalue()


def test_a_course_with_a_broken_chapter_opens_and_says_it_is_skipped(
    tmp_path: Path, store: SqliteStore
) -> None:
    import shutil

    course = tmp_path / "demo"
    shutil.copytree(ROOT / "lessons" / "demo", course)
    (course / "beta.yaml").write_text("id: beta\ntitle: Beta\nblocks: []\n")
    code, out, err = plain(course, [], store)
    assert code == 0, err
    lines = out.splitlines()
    at = lines.index("Section 1 · Chapter 2 (beta) is skipped: its file has problems:")
    assert lines[at + 1].startswith(f"    {course / 'beta.yaml'}:3:")
    assert "Chapter: Alpha" in out  # the course is studied from its first chapter
    assert "beta.yaml" not in err


def test_graph_kinds_and_a_note_titled_as_its_kind_in_portuguese() -> None:
    """Issue 11: no English "(leaf)"/"(op)" in a Portuguese graph; "Definição" said once."""
    from engine.execution.graph import AutogradGraph, GraphNode
    from engine.format.models import NoteBlock
    from engine.plain import render

    graph = AutogradGraph(
        nodes=[
            GraphNode(0, "y", "tensor"),
            GraphNode(1, "MulBackward0", "op", "other=5"),
            GraphNode(2, "x", "leaf"),
        ],
        edges=[(0, 1), (1, 2)],
        root=0,
    )
    text = "\n".join(render.graph_lines(graph, "y", "pt"))
    assert "(operação)" in text and "(folha)" in text
    assert "(op)" not in text and "(leaf)" not in text
    note = NoteBlock.model_validate({"note": "Um tensor é...", "kind": "definition"})
    titled = note.model_copy(update={"title": "Definição"})
    assert render.note(titled, "pt").splitlines()[0] == "Definição:"
    other = note.model_copy(update={"title": "Tensor"})
    assert render.note(other, "pt").splitlines()[0] == "Definição: Tensor"
