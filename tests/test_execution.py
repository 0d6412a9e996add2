"""Lesson semantics (LessonExecutor), expect, and the validation runner's checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from narrow import of_type, present

from engine.execution.executor import LessonExecutor
from engine.execution.expect import DIFF_LINES, check_expect, raised_as_expected, shown_output
from engine.execution.forkserver import ForkServer
from engine.execution.kernel import Kernel
from engine.execution.results import (
    CellError,
    CellResult,
    CellStatus,
    MatchVerdict,
)
from engine.execution.validate import execute_lessons
from engine.format.loader import load_lesson
from engine.format.models import CodeBlock, ExpectSpec, Lesson

DATA = Path(__file__).parent / "data" / "execution"


def lesson(name: str) -> Lesson:
    return load_lesson(DATA / f"{name}.yaml")


# -- expect (no kernel) ------------------------------------------------------------------------


def ok(stdout: str, display: str | None = None) -> CellResult:
    return CellResult(CellStatus.OK, stdout=stdout, display=display)


def raised(name: str, *bases: str) -> CellResult:
    error = CellError(name, "boom", "", 1, (f"builtins.{name}", *bases))
    return CellResult(CellStatus.ERROR, error=error)


@pytest.mark.parametrize(
    ("spec", "result", "passes"),
    [
        ({"stdout": "a\nb"}, ok("a  \nb\n\n"), True),
        ({"stdout": "a\nb"}, ok("a\nc\n"), False),
        ({"stdout": "hi\n42"}, ok("hi\n", "42"), True),
        ({"stdout": "hi"}, ok("hi\n", "42"), True),
        ({"contains": "42"}, ok("", "42"), True),
        ({"contains": "43"}, ok("42\n"), False),
        ({"matches": r"^loss \d\.\d+$"}, ok("epoch 1\nloss 0.25\n"), False),
        ({"matches": r"loss \d\.\d+"}, ok("epoch 1\nloss 0.25\n"), True),
        ({"raises": "ZeroDivisionError"}, raised("ZeroDivisionError"), True),
        (
            {"raises": "ArithmeticError"},
            raised("ZeroDivisionError", "builtins.ArithmeticError"),
            True,
        ),
        ({"raises": "KeyError"}, raised("ZeroDivisionError"), False),
        ({"raises": "KeyError"}, ok(""), False),
        ({"stdout": "x"}, raised("KeyError"), False),
        ({"stdout": "x"}, CellResult(CellStatus.TIMEOUT, detail="too slow"), False),
    ],
)
def test_check_expect(spec: dict[str, str], result: CellResult, passes: bool) -> None:
    message = check_expect(ExpectSpec(**spec), result)
    assert (message is None) == passes, message


@pytest.mark.parametrize(
    ("spec", "result", "expected"),
    [
        ({"raises": "ZeroDivisionError"}, raised("ZeroDivisionError"), True),
        (
            {"raises": "ArithmeticError"},
            raised("ZeroDivisionError", "builtins.ArithmeticError"),
            True,
        ),
        ({"raises": "KeyError"}, raised("ZeroDivisionError"), False),
        ({"raises": "KeyError"}, ok(""), False),  # finished: not the error the lesson shows
        ({"stdout": "x"}, raised("KeyError"), False),  # raised, but no raise was expected
        (None, raised("KeyError"), False),
        ({"raises": "KeyError"}, CellResult(CellStatus.TIMEOUT, detail="too slow"), False),
    ],
)
def test_raised_as_expected(
    spec: dict[str, str] | None, result: CellResult, expected: bool
) -> None:
    """The one decision the executor, the plain mode and the TUI share."""
    assert raised_as_expected(ExpectSpec(**spec) if spec else None, result) is expected


def test_expect_failure_shows_a_diff() -> None:
    message = check_expect(ExpectSpec(stdout="tensor(72.)\n"), ok("tensor(48.)\n"))
    assert message is not None
    assert "-tensor(72.)" in message and "+tensor(48.)" in message


REDOS = r"^(a+)+$"  # backtracks exponentially on "aaa...a!": 40 a's would take hours


def test_a_backtracking_pattern_is_stopped_without_a_kernel() -> None:
    """A result without the kernel's verdict is searched in a throwaway, time-limited process:
    the search is stopped (hours of backtracking would never return a message at all)."""
    message = check_expect(ExpectSpec(matches=REDOS), ok("a" * 40 + "!\n"))
    assert message is not None and "took too long" in message, message


def test_the_kernels_verdict_is_used_and_no_pattern_runs_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a verdict from the kernel, the pattern is not searched again in lectio."""
    import engine.execution.expect as expect_mod

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an author's pattern ran in lectio's process")

    monkeypatch.setattr(expect_mod, "search_bounded", refuse)
    monkeypatch.setattr(re, "search", refuse)
    found = replace(ok("nothing like it\n"), matched=MatchVerdict.FOUND)
    assert check_expect(ExpectSpec(matches="loss"), found) is None
    missing = replace(ok("loss 1\n"), matched=MatchVerdict.NOT_FOUND)
    assert "does not match" in (check_expect(ExpectSpec(matches="loss"), missing) or "")
    slow = replace(ok("aaa!\n"), matched=MatchVerdict.TOO_SLOW)
    assert "took too long" in (check_expect(ExpectSpec(matches=REDOS), slow) or "")


def test_a_diff_of_huge_outputs_is_bounded() -> None:
    """difflib is quadratic on some inputs: only the first DIFF_LINES lines are compared."""
    expected = "\n".join(f"line {i} " + "x" * 30 for i in range(30000))
    actual = "\n".join(f"line {i} " + "y" * 30 for i in range(30000))
    message = check_expect(ExpectSpec(stdout=expected), ok(actual + "\n" + "z" * (1 << 20)))
    assert message is not None and f"compared the first {DIFF_LINES} lines only" in message
    assert len(message) < 200_000


def test_shown_output_adds_the_display_on_its_own_line() -> None:
    assert shown_output(ok("a", "1")) == "a\n1\n"
    assert shown_output(ok("a\n")) == "a\n"


# -- the executor ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    with ForkServer() as fs:
        yield fs


@pytest.fixture
def kernel(server: ForkServer) -> Iterator[Kernel]:
    k = Kernel(forkserver=server, interrupt_grace=0.5)
    yield k
    k.shutdown()


@pytest.mark.slow
def test_running_a_cell_runs_the_earlier_ones_first(kernel: Kernel) -> None:
    basic = lesson("basic")
    executor = LessonExecutor(basic, kernel)
    started: list[int] = []
    printed: list[tuple[int, str]] = []
    results = executor.run_cell(
        3, on_start=started.append, on_output=lambda i, text: printed.append((i, text))
    )
    assert [i for i, _ in results] == [0, 2, 3] == started  # the hidden setup cell too
    assert all(r.ok for _, r in results)
    assert results[-1][1].display == "tensor(48.)"
    assert printed == [(2, "tensor(72., grad_fn=<MulBackward0>)\n")]
    assert executor.ran(0) and executor.ran(2) and executor.ran(3)
    again = executor.run_cell(3)
    assert [i for i, _ in again] == [3]  # earlier cells are not repeated
    error = again[0][1].error  # like a notebook: the graph was freed by the first backward()
    assert error is not None and "backward through the graph a second time" in error.message


@pytest.mark.slow
def test_edits_failures_and_skips(kernel: Kernel) -> None:
    executor = LessonExecutor(lesson("basic"), kernel)
    executor.set_code(0, "import torch\nx = torch.tensor(3.0, requires_grad=True) / 0 + undefined")
    results = executor.run_cell(3)
    assert [r.status for _, r in results] == [
        CellStatus.ERROR,
        CellStatus.SKIPPED,
        CellStatus.SKIPPED,
    ]
    assert "cell 1 above failed (NameError)" in results[-1][1].detail
    assert not executor.ran(0)
    executor.set_code(0, None)  # back to the author's code: the next run repeats cell 1
    results = executor.run_cell(2)
    assert [i for i, r in results if r.ok] == [0, 2]
    edited = executor.run_cell(2, code="print('edited')")
    assert edited[0][1].stdout == "edited\n"


@pytest.mark.slow
def test_a_crash_loses_the_namespace_and_cells_run_again(kernel: Kernel) -> None:
    executor = LessonExecutor(lesson("basic"), kernel)
    executor.run_cell(2)
    kernel.execute("import os\nos._exit(1)")
    assert not executor.ran(0) and not executor.ran(2)
    results = executor.run_cell(3)
    assert [i for i, _ in results] == [0, 2, 3]
    assert results[-1][1].display == "tensor(48.)"


@pytest.mark.slow
def test_verify_graph_seeds_and_expected_raise(kernel: Kernel) -> None:
    basic = lesson("basic")
    executor = LessonExecutor(basic, kernel)
    verify = executor.run_verify(5)
    assert verify.status is CellStatus.OK, verify
    graph = executor.graph(4)
    assert graph.error is None
    labels = {node.label for node in graph.nodes}
    assert {"y", "MulBackward0", "x"} <= labels
    root = graph.nodes[graph.root or 0]
    assert root.label == "y"
    leaf = next(n for n in graph.nodes if n.label == "x")
    assert leaf.kind == "leaf" and leaf.grad == "tensor(48.)"
    seeded = executor.run_cell(6)[-1][1]
    seeded_expect = present(of_type(basic.blocks[6], CodeBlock).expect)
    assert check_expect(seeded_expect, seeded) is None, seeded
    raises = executor.run_cell(7)[-1][1]
    assert raises.status is CellStatus.ERROR
    assert executor.ran(7)  # raised as the author expected: counts as run
    missing = kernel.autograd_graph("nope")
    assert missing.error is not None and "not defined" in missing.error


@pytest.mark.slow
def test_restart_forgets_everything(kernel: Kernel) -> None:
    executor = LessonExecutor(lesson("basic"), kernel)
    executor.run_cell(2)
    executor.restart()
    assert not executor.ran(0)
    assert [i for i, _ in executor.run_cell(2)] == [0, 2]


# -- validation --------------------------------------------------------------------------------


@pytest.mark.slow
def test_validation_reports_each_failure_alone_with_its_line(server: ForkServer) -> None:
    failing, basic = lesson("failing"), lesson("basic")
    seen: list[str] = []
    reports = execute_lessons(
        [failing, basic],
        jobs=2,
        forkserver=server,
        on_report=lambda lesson, checks: seen.append(lesson.id),
    )
    assert sorted(seen) == ["basic", "failing"]
    assert list(reports) == [failing.path, basic.path]
    assert all(c.status == "passed" for c in reports[basic.path]), reports[basic.path]
    checks = {c.name: c for c in reports[failing.path]}
    assert list(checks) == [
        "cell 1",
        "cell wrong-expect",
        "cell raises",
        "cell after",
        "verify wrong-key",
        "cell no-raise",
        "cell slow",
        "cell 7",
    ]
    status = {name: c.status for name, c in checks.items()}
    assert status == {
        "cell 1": "passed",
        "cell wrong-expect": "failed",
        "cell raises": "failed",
        "cell after": "passed",
        "verify wrong-key": "failed",
        "cell no-raise": "failed",
        "cell slow": "failed",
        "cell 7": "passed",
    }
    wrong = checks["cell wrong-expect"]
    assert "-10.0" in wrong.detail and "+9.0" in wrong.detail
    assert wrong.span is not None and wrong.span.file == failing.path
    text = Path(failing.path).read_text().splitlines()
    raises = checks["cell raises"]
    assert raises.span is not None
    assert "undefined_name" in text[raises.span.line - 1]
    assert "NameError" in raises.message and "line 2" in raises.message
    verify = checks["verify wrong-key"]
    assert verify.span is not None and "assert x.grad" in text[verify.span.line - 1]
    assert "x.grad is 6.0" in verify.message
    assert "ValueError" in checks["cell no-raise"].message
    assert "time limit of 0.5 s" in checks["cell slow"].message


@pytest.mark.slow
def test_missing_required_module_skips_with_the_reason(server: ForkServer) -> None:
    needs = lesson("requires")
    checks = execute_lessons([needs], forkserver=server)[needs.path]
    assert [c.name for c in checks] == ["cell 1", "verify ok"]
    assert all(c.status == "skipped" for c in checks)
    assert "no_such_module_for_lectio" in checks[0].message
    assert "torch" not in checks[0].message.replace("no_such_module_for_lectio", "")


@pytest.mark.slow
def test_global_state_never_leaks_between_lessons(server: ForkServer) -> None:
    leaks, clean = lesson("leaks"), lesson("clean")
    for jobs in (1, 2):
        reports = execute_lessons([leaks, clean, leaks, clean], jobs=jobs, forkserver=server)
        for path, checks in reports.items():
            assert [c.status for c in checks] == ["passed"], (path, checks)


@pytest.mark.slow
def test_graph_blocks_must_show_a_graph(server: ForkServer) -> None:
    graphs = lesson("graphs")
    checks = {c.name: c for c in execute_lessons([graphs], forkserver=server)[graphs.path]}
    assert checks["graph b"].status == "passed"
    assert checks["graph plain"].status == "failed"
    assert "does not require grad" in checks["graph plain"].message
    assert checks["graph missing"].status == "failed"
    assert "not defined" in checks["graph missing"].message
    span = checks["graph missing"].span
    assert span is not None and span.line == 11


def test_expectations_on_real_cells(server: ForkServer) -> None:
    """Through the kernel (which searches ``matches``) and the executor: each cell of
    expect-in-kernel.yaml passes or fails as its id says."""
    cases = lesson("expect-in-kernel")
    checks = execute_lessons([cases], forkserver=server)[cases.path]
    verdicts = {c.name.removeprefix("cell "): c for c in checks}
    ids = [b.id for b in cases.blocks if isinstance(b, CodeBlock) and b.id is not None]
    assert sorted(verdicts) == sorted(ids)
    for cell_id in ids:
        check = verdicts[cell_id]
        wanted = "passed" if cell_id.startswith("pass-") else "failed"
        assert check.status == wanted, (cell_id, check.message)


def test_a_backtracking_pattern_fails_its_cell_quickly(server: ForkServer) -> None:
    """``matches: ^(a+)+$`` on 40 a's and a '!': the kernel stops the pattern at its deadline;
    the cell fails with a clear message, the others pass, lectio never hangs."""
    redos = lesson("redos")
    checks = {c.name: c for c in execute_lessons([redos], forkserver=server)[redos.path]}
    assert checks["cell redos"].status == "failed"
    assert "took too long" in checks["cell redos"].message, checks["cell redos"]
    assert checks["cell fine"].status == "passed", checks["cell fine"]
    assert checks["cell next"].status == "passed", checks["cell next"]


@pytest.mark.slow
def test_a_name_missing_after_a_broken_cell_points_to_it(server: ForkServer) -> None:
    """A cell failing with NameError after a cell that raised says which: the usual cascade of
    a notebook brought over without its data file. It names the last cell that failed on its
    own (not one whose NameError follows from another); before any, a NameError is the
    author's own; a cell expected to raise breaks nothing."""
    cascade = lesson("cascade")
    checks = execute_lessons([cascade], forkserver=server)[cascade.path]
    messages = [c.message for c in checks]
    assert messages[0].startswith("NameError: name 'typo_before_anything' is not defined")
    assert "failed before it" not in messages[0]
    assert messages[1].startswith("FileNotFoundError:") and "failed before it" not in messages[1]
    assert messages[2].startswith("expected output, but NameError: name 'words'")
    assert messages[2].endswith("(cell 2 failed before it)")
    assert messages[3].startswith("NameError: name 'words'")
    assert messages[3].endswith("(cell 2 failed before it)")
    assert checks[4].status == "passed" and messages[4] == ""
    assert messages[5].endswith("(cell 2 failed before it)")
