"""Execute lessons for ``lectio validate`` (and the pytest plugin): one Check per cell and verify.

Every lesson runs in a fresh process forked from a fork server that imported torch once
(:mod:`engine.execution.forkserver`), so lessons are isolated from each other (the default dtype,
seeds, builtins a lesson changes never reach the next) and start in milliseconds. Lessons run in
parallel, ``jobs`` at a time, each driven by a thread of this process that mostly waits in
``poll``. Within a lesson, a failing cell is reported alone: the cells after it still run
(:meth:`LessonExecutor.run_cell` with ``keep_going``), and after a crash the earlier cells are
replayed in the new kernel, so one broken cell does not turn the rest of the lesson red.

One broken lesson, one failure: whatever goes wrong while a lesson runs (its kernel tampered
with, the fork server killed or stopped by it, a kernel that cannot be started) becomes a check
of that lesson with the reason, and every other lesson is still run and reported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from engine.execution import sandbox
from engine.execution.executor import LessonExecutor
from engine.execution.expect import check_expect
from engine.execution.forkserver import ForkServer, ForkServerError, needed_warmups
from engine.execution.graph import AutogradGraph
from engine.execution.kernel import DEFAULT_MEMORY_LIMIT, DEFAULT_OUTPUT_LIMIT, Kernel
from engine.execution.results import TAMPERING, CellResult, CellStatus
from engine.format.models import CodeBlock, GraphBlock, Lesson, QuestionBlock
from engine.format.spans import Span
from engine.validation.report import Check, Status

OnReport = Callable[[Lesson, list[Check]], None]


def default_jobs() -> int:
    """As many lessons at a time as this process may use cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


_PRESTARTED: list[ForkServer] = []


def prestart(started: ForkServer | None = None) -> None:
    """Start the fork server now, so torch imports while the caller checks files; the next
    :func:`execute_lessons` without a ``forkserver`` uses (and then closes) it. ``started``:
    a server the caller started already (``lectio validate`` starts it before it imports this
    module: a tenth of a second sooner)."""
    if not _PRESTARTED and not sandbox.enabled():  # sandboxed kernels are not forked
        server = started or ForkServer()
        server.start()
        _PRESTARTED.append(server)
    elif started is not None:
        started.close()


def execute_lessons(
    lessons: Sequence[Lesson],
    *,
    jobs: int | None = None,
    on_report: OnReport | None = None,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    output_limit: int = DEFAULT_OUTPUT_LIMIT,
    forkserver: ForkServer | None = None,
    network: bool = False,
) -> dict[str, list[Check]]:
    """Run every lesson's cells and verifications; checks keyed by lesson path, in input order.

    ``on_report`` is called in the calling thread as each lesson finishes (for live progress).
    ``network``: cells that require the network run (otherwise they are skipped, with why).
    """
    if not lessons:
        while _PRESTARTED:
            _PRESTARTED.pop().close()
        return {}
    jobs = jobs or default_jobs()
    if sandbox.enabled():  # each kernel in a sandbox of its own: spawned, not forked from one
        while _PRESTARTED:
            _PRESTARTED.pop().close()
        forkserver = None
    owned = forkserver is None and not sandbox.enabled()
    server = forkserver or (
        None if not owned else _PRESTARTED.pop() if _PRESTARTED else ForkServer()
    )
    if owned and server is not None:  # import torch._dynamo (a second) only if it is needed
        server.warm = needed_warmups(_all_code(lessons))
    if server is not None:
        server.start()
    done: dict[str, list[Check]] = {}
    try:
        with ThreadPoolExecutor(
            max_workers=min(jobs, len(lessons)), thread_name_prefix="lectio-validate"
        ) as pool:
            futures = {
                pool.submit(
                    execute_lesson,
                    lesson,
                    server,
                    memory_limit=memory_limit,
                    output_limit=output_limit,
                    network=network,
                ): lesson
                for lesson in lessons
            }
            for future in as_completed(futures):
                lesson = futures[future]
                try:
                    checks = future.result()
                except ForkServerError as exc:
                    checks = [
                        Check("execution", "error", f"could not start a kernel: {exc}", lesson.span)
                    ]
                except Exception as exc:  # never the whole run for one lesson
                    checks = [Check("execution", "error", _could_not_run(exc), lesson.span)]
                done[lesson.path] = checks
                if on_report is not None:
                    on_report(lesson, checks)
    finally:
        if owned and server is not None:
            server.close()
    return {lesson.path: done[lesson.path] for lesson in lessons}


def _could_not_run(exc: BaseException) -> str:
    return _one_line(f"the lesson could not be run: {type(exc).__name__}: {exc}")


def _all_code(lessons: Sequence[Lesson]) -> list[str]:
    code = [cell.code for lesson in lessons for cell in lesson.code_cells]
    return code + [q.verify for lesson in lessons for q in lesson.questions if q.verify]


def execute_lesson(
    lesson: Lesson,
    server: ForkServer | None = None,
    *,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    output_limit: int = DEFAULT_OUTPUT_LIMIT,
    network: bool = False,
) -> list[Check]:
    """Run one lesson top to bottom in a fresh kernel; one Check per code cell and verify
    (a cell whose ``requires`` are not met is a skipped check that says why)."""
    kernel = Kernel(forkserver=server, memory_limit=memory_limit, output_limit=output_limit)
    try:
        missing = kernel.missing_modules(lesson.required_modules)
        executor = LessonExecutor(lesson, kernel, network=network)
        checks: list[Check] = []
        broke: str | None = None  # the last cell that raised, crashed or timed out on its own
        for index, block in enumerate(lesson.blocks):
            result: CellResult | None = None
            try:
                check, result = _block_check(executor, index, block, missing)
            except Exception as exc:  # a kernel that could not be (re)started, say
                name = _check_name(executor, index, block)
                span = getattr(block, "span", lesson.span)
                check = Check(name, "error", _could_not_run(exc), span) if name else None
            if check is None:
                continue
            if result is not None and check.status == "failed":
                if broke is not None and _name_missing(result):
                    # most likely a name the broken cell would have defined: where to look first
                    check.message += f" ({broke} failed before it)"
                elif result.status in _BROKE:  # a failure of its own, not one from an earlier one
                    broke = check.name
            checks.append(check)
        return checks
    finally:
        kernel.shutdown()


def _check_name(executor: LessonExecutor, index: int, block: object) -> str:
    """``cell make-x``, ``graph y``, ``verify read-grad``; empty for a block with no check."""
    if isinstance(block, CodeBlock):
        return f"cell {executor.cell_label(index)}" if block.run else ""  # listings never run
    if isinstance(block, GraphBlock):
        return f"graph {block.graph}"
    if isinstance(block, QuestionBlock) and block.verify is not None:
        return f"verify {block.id}"
    return ""


def _block_check(
    executor: LessonExecutor, index: int, block: object, missing: list[str]
) -> tuple[Check | None, CellResult | None]:
    """The check of one block of a lesson (None for a block that has nothing to run), and the
    result of its cell when it is a code cell that ran (the cells after one that raised may
    miss the names it did not define)."""
    name = _check_name(executor, index, block)
    if not name:
        return None, None
    if missing:
        assert isinstance(block, CodeBlock | GraphBlock | QuestionBlock)
        return _missing(name, block.span, missing), None
    if isinstance(block, CodeBlock):
        result = executor.run_cell(index, keep_going=True)[-1][1]
        return cell_check(name, block, result), result
    if isinstance(block, GraphBlock):
        return graph_check(name, block, executor.graph(index, keep_going=True)), None
    assert isinstance(block, QuestionBlock)
    return verify_check(name, block, executor.run_verify(index, keep_going=True)), None


_BROKE = frozenset({CellStatus.ERROR, CellStatus.CRASHED, CellStatus.TIMEOUT})


def _name_missing(result: CellResult) -> bool:
    return result.error is not None and result.error.name == "NameError"


def _missing(name: str, span: Span, modules: list[str]) -> Check:
    listed = ", ".join(modules)
    what = "module" if len(modules) == 1 else "modules"
    return Check(
        name,
        "skipped",
        f"skipped: the lesson requires the {what} {listed}, which cannot be imported here",
        span,
    )


def _at_line(start: Span, line: int | None) -> Span:
    if line is None or line < 1:
        return start
    return Span(start.file, start.line + line - 1, start.col)


def _source_line(code: str, line: int | None) -> str:
    lines = code.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return ""
    return lines[line - 1].strip()


def _one_line(text: str, limit: int = 300) -> str:
    """A check's message is one line: a cell's exception may have a name or message with
    newlines (``type("a\\nb", (Exception,), {})``) or megabytes of text."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _failure(result: CellResult, code: str, what: str) -> tuple[Status, str, str]:
    """Status, one-line message and detail of a cell or verify that did not succeed."""
    detail = result.stdout.rstrip()
    if result.status is CellStatus.CRASHED and result.detail.startswith(TAMPERING):
        return "failed", result.detail, detail  # lectio's own words: the result is void
    if result.status is CellStatus.SKIPPED:
        return "skipped", result.detail or "not run", ""
    if result.status is CellStatus.ERROR and result.error is not None:
        error = result.error
        text = _one_line(f"{error.name}: {error.message}" if error.message else error.name)
        source = _source_line(code, error.line)
        where = f" on line {error.line} of the {what}" if error.line else ""
        message = f"{text}{where}" + (f": {source}" if source and not error.message else "")
        parts = [error.traceback.rstrip()]
        if detail:
            parts.insert(0, "output:\n" + detail)
        return "failed", message, "\n".join(parts)
    if result.status is CellStatus.TIMEOUT:
        return "failed", result.detail or "timed out", detail
    return "error", f"crashed: {result.detail}", detail


def cell_check(name: str, block: CodeBlock, result: CellResult) -> Check:
    """The check of one code cell: its expect, or simply that it ran without error; it keeps
    what the cell showed when it finished without raising, after the normalize rewrites, as
    expect compares it (``--update`` writes it)."""
    check = _cell_check(name, block, result)
    if result.status is CellStatus.OK:
        normalized = result.normalized
        check.actual = normalized.shown if normalized is not None else result.shown
        alone = normalized.stdout if normalized is not None else None
        check.actual_alone = alone if alone is not None else result.shown_alone
        err = normalized.stderr if normalized is not None else None
        check.actual_stderr = err if err is not None else result.err
    return check


def _cell_check(name: str, block: CodeBlock, result: CellResult) -> Check:
    start = block.code_span
    line = result.error.line if result.error is not None else None
    if block.expect is not None and result.status in (CellStatus.OK, CellStatus.ERROR):
        problem = check_expect(block.expect, result)
        if problem is None:
            return Check(name, "passed", span=block.span, duration=result.duration)
        message, _, detail = problem.partition("\n")
        message = message.rstrip(":")
        span = _at_line(start, line)
        if result.error is not None and block.expect.mode != "raises":
            _, message, detail = _failure(result, block.code, "cell")
            message = f"expected output, but {message}"
        elif message.startswith("figures:"):  # the cell ran; the count written is wrong
            span = block.expect.span_of("figures")
        elif message.startswith("standard error"):
            span = block.expect.span_of("stderr")
        return Check(name, "failed", message, span, result.duration, detail)
    if result.status is CellStatus.OK:
        return Check(name, "passed", span=block.span, duration=result.duration)
    status, message, detail = _failure(result, block.code, "cell")
    return Check(
        name,
        status,
        message,
        _at_line(start, line) if line else block.span,
        result.duration,
        detail,
    )


def graph_check(name: str, block: GraphBlock, graph: AutogradGraph) -> Check:
    """A ``graph:`` block must name a tensor that autograd recorded a graph for."""
    if graph.error is None and graph.nodes:
        return Check(name, "passed", span=block.span)
    message = graph.error or "no graph"
    return Check(
        name, "failed", f"the graph block shows nothing useful: {message}", block.span_of("graph")
    )


def verify_check(name: str, block: QuestionBlock, result: CellResult) -> Check:
    """The check of a question's ``verify`` code: it must run without error."""
    if result.status is CellStatus.OK:
        return Check(name, "passed", span=block.span_of("verify"), duration=result.duration)
    status, message, detail = _failure(result, block.verify or "", "verify code")
    line = result.error.line if result.error is not None else None
    span = _at_line(block.span_of("verify"), line)
    if status == "failed":
        message = f"the answer key of question {block.id} does not hold: {message}"
    return Check(name, status, message, span, result.duration, detail)
